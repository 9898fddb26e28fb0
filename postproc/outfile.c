/*
 * outfile.c - write-to-temporary, rename-on-success output files (see
 * outfile.h).
 *
 * The temporary name is ".NAME.tmp.XXXXXX" beside NAME: hidden, and in the
 * same folder so that rename() is atomic.  mkstemp() creates it 0600; it
 * gets the mode a plain fopen() would have given (0666 minus the umask) so
 * the result is as readable as any other output.  A small table of the
 * temporary names open right now lets a signal handler remove them, so an
 * interrupted run leaves nothing behind either.
 */
#define _POSIX_C_SOURCE 200809L

#include "outfile.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_OPEN 4

/* Read by the signal handler: only pointers set before they are used,
 * cleared before the string is freed. */
static char *volatile open_tmp[MAX_OPEN];
static int handlers_set;

static void fmt(char *err, size_t n, const char *f, ...)
{
    va_list ap;

    if (n == 0)
        return;
    va_start(ap, f);
    vsnprintf(err, n, f, ap);
    va_end(ap);
}

static void on_signal(int sig)
{
    for (int i = 0; i < MAX_OPEN; i++)
        if (open_tmp[i])
            unlink(open_tmp[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void set_handlers(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;

    if (handlers_set)
        return;
    handlers_set = 1;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        /* Leave a signal alone that the caller chose to ignore. */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

int tcpl_outfile_open(tcpl_outfile *o, const char *path, char *err,
                      size_t errlen)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + dirlen;
    mode_t mask;
    int fd;

    memset(o, 0, sizeof *o);
    o->slot = -1;
    if (*base == '\0') {
        fmt(err, errlen, "%s: is a folder, not a file name", path);
        return -1;
    }
    o->path = strdup(path);
    o->tmp = malloc(dirlen + strlen(base) + 16);
    if (!o->path || !o->tmp) {
        fmt(err, errlen, "%s: out of memory", path);
        goto fail;
    }
    memcpy(o->tmp, path, dirlen);
    sprintf(o->tmp + dirlen, ".%s.tmp.XXXXXX", base);

    set_handlers();
    for (int i = 0; i < MAX_OPEN; i++)
        if (!open_tmp[i]) {
            o->slot = i;
            break;
        }
    fd = mkstemp(o->tmp);
    if (fd < 0) {
        fmt(err, errlen, "%s: cannot create a file there: %s", path,
            strerror(errno));
        goto fail;
    }
    if (o->slot >= 0)
        open_tmp[o->slot] = o->tmp;
    mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        fmt(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
        tcpl_outfile_abort(o);
        return -1;
    }
    /* Large writes: a capture copy is written sequentially once. */
    setvbuf(o->f, NULL, _IOFBF, 1 << 20);
    return 0;
fail:
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
    return -1;
}

static void release(tcpl_outfile *o)
{
    if (o->slot >= 0) {
        open_tmp[o->slot] = NULL;
        o->slot = -1;
    }
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
}

int tcpl_outfile_commit(tcpl_outfile *o, char *err, size_t errlen)
{
    int bad = ferror(o->f);
    int e = errno;

    if (fclose(o->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    o->f = NULL;
    if (bad) {
        fmt(err, errlen, "%s: write failed: %s", o->path, strerror(e));
        tcpl_outfile_abort(o);
        return -1;
    }
    if (rename(o->tmp, o->path) != 0) {
        fmt(err, errlen, "%s: cannot put the output in place: %s", o->path,
            strerror(errno));
        tcpl_outfile_abort(o);
        return -1;
    }
    release(o);
    return 0;
}

void tcpl_outfile_abort(tcpl_outfile *o)
{
    if (o->f) {
        fclose(o->f);
        o->f = NULL;
    }
    if (o->tmp)
        unlink(o->tmp);
    release(o);
}
