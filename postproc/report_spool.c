/*
 * report_spool.c - the spool of report_spool.h: a stdio stream whose
 * writes land in memory reserved up to its bound until they would pass it,
 * then in a temporary file that takes the memory's bytes first.
 *
 * The stream is glibc's fopencookie(): the writers keep writing to one
 * FILE whatever is behind it, and so do the report's reordered records
 * (report.c writes those into the same stream), so no caller has to look
 * for the moment the spool moves.
 */
#define _GNU_SOURCE /* fopencookie */
#include "report_spool.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>

struct tcpl_spool {
    FILE *f;       /* what the writers write to */
    char *mem;     /* the bytes so far, while in memory: max reserved */
    size_t len, cap, max;
    FILE *disk;    /* the temporary file, once past max */
    bool lost;     /* a write could not be kept */
};

static int spill(tcpl_spool *s)
{
    s->disk = tmpfile();
    if (!s->disk)
        return -1;
    if (s->len && fwrite(s->mem, 1, s->len, s->disk) != s->len)
        return -1;
    if (s->mem)
        munmap(s->mem, s->max);
    s->mem = NULL;
    s->len = s->cap = 0;
    return 0;
}

static ssize_t spool_write(void *cookie, const char *buf, size_t n)
{
    tcpl_spool *s = cookie;
    if (!s->disk && s->len + n > s->max && spill(s) != 0) {
        s->lost = true;
        return 0; /* stdio marks the stream in error */
    }
    if (s->disk) {
        if (fwrite(buf, 1, n, s->disk) != n) {
            s->lost = true;
            return 0;
        }
        return (ssize_t)n;
    }
    if (!s->mem) {
        /* The whole bound reserved at once, touched only as it fills: no
         * copy as it grows, and where the kernel has them, huge pages, so
         * that filling it costs a fault per 2 MiB rather than per 4 KiB. */
        void *m = mmap(NULL, s->max, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED) {
            s->lost = true;
            return 0;
        }
#ifdef MADV_HUGEPAGE
        madvise(m, s->max, MADV_HUGEPAGE);
#endif
        s->mem = m;
        s->cap = s->max;
    }
    memcpy(s->mem + s->len, buf, n);
    s->len += n;
    return (ssize_t)n;
}

tcpl_spool *tcpl_spool_new(size_t mem_max)
{
    tcpl_spool *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->max = mem_max;
    cookie_io_functions_t io = {.write = spool_write};
    s->f = fopencookie(s, "w", io);
    if (!s->f) {
        free(s);
        return NULL;
    }
    /* Records are written a line at a time: hand the buffer over in large
     * pieces. */
    setvbuf(s->f, NULL, _IOFBF, 65536);
    return s;
}

FILE *tcpl_spool_file(tcpl_spool *s)
{
    return s->f;
}

bool tcpl_spool_drain(tcpl_spool *s, FILE *out)
{
    bool ok = fflush(s->f) == 0 && !ferror(s->f) && !s->lost;
    if (s->disk) {
        rewind(s->disk);
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, s->disk)) > 0)
            fwrite(buf, 1, n, out);
        if (ferror(s->disk))
            ok = false;
    } else if (s->len) {
        fwrite(s->mem, 1, s->len, out);
    }
    tcpl_spool_free(s);
    return ok;
}

void tcpl_spool_free(tcpl_spool *s)
{
    if (!s)
        return;
    fclose(s->f); /* no close function: only the stream goes */
    if (s->disk)
        fclose(s->disk);
    if (s->mem)
        munmap(s->mem, s->max);
    free(s);
}
