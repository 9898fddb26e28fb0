/*
 * jobs.c - `report --jobs N` over many files: up to N worker processes,
 * each making one file's section after another, and output byte for byte
 * that of `--jobs 1`.
 *
 * Each file section is made by a worker exactly as the single report
 * would make it (told how many sections precede it, so the text format's
 * separators come out the same), into temporary files the parent creates
 * for it and passes over a socket: the section, its standard error, and
 * its totals.  The parent takes them in file order, whatever order the
 * workers finish in: copies the section to the output (in the kernel) and
 * the messages to standard error, adds the totals, and writes the
 * report-wide header and totals itself.  A file is started before the
 * sections ahead of it are known, so its worker assumes every earlier file
 * makes one; when one did not (it could not be opened), the section is
 * made again with the true count, which keeps the rare case exact without
 * making the common one wait.
 *
 * Processes rather than threads: a file's report uses one core, shares
 * nothing with the others, and a crash in one is a failed file (its worker
 * is replaced), not a lost report.  Workers that live across files rather
 * than a process per file: a worker's heap, grown and touched by its first
 * file, serves the next ones as it does in one process, where a fresh
 * process would fault in and zero its memory for every file.
 */
#define _GNU_SOURCE /* copy_file_range */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jobs.h"
#include "report_writer.h"

#define PROG "tcp-lifecycle"

/* Built only with the pcap reader's files; main.c does not pass pcap
 * without them. */
#pragma weak tcpl_report_pcap

enum { WAITING, RUNNING, DONE };

typedef struct job { /* one file */
    int state;
    uint64_t before; /* the sections its worker was told precede it */
    FILE *out;       /* the section */
    FILE *err;       /* its messages */
    FILE *tot;       /* its tcpl_report_totals, raw */
    int status;      /* the worker's status for it */
    int lost;        /* 0; or the worker died on it: its wait status, or
                        -2; -1 when no process could run it (errnum) */
    int errnum;
} job;

typedef struct worker {
    pid_t pid; /* 0: none (not started, or ended) */
    int sock;  /* the parent's end */
    int file;  /* the file it makes; -1: idle */
} worker;

typedef struct request {
    int32_t k;
    uint64_t before;
} request;

typedef struct reply {
    int32_t k;
    int32_t status;
    int32_t direct; /* the section went to the output itself */
} reply;

/* ---- a section's bytes in a worker
 *
 * Copying every section from a temporary file to the output doubles what
 * the kernel copies (and, on a VM, what it must back with fresh pages):
 * it cost more CPU than the sections' own writing.  So a worker writes its
 * section to the output itself once it is the section's turn (the parent
 * publishes whose turn it is in memory shared with the workers, once the
 * sections before are out and its count of them is right); until then it
 * holds the bytes in memory, up to SECT_MEM, then in the temporary file.
 * A section that is done before its turn stays in the temporary file and
 * the parent copies it.
 */
#define SECT_MEM (64u << 20)

typedef struct sect {
    int k;
    atomic_llong *turn; /* the file whose section may be written out */
    int outfd;          /* the output */
    int spill;          /* the temporary file */
    char *mem;          /* the worker's, kept from section to section */
    size_t len, cap;
    bool direct;
} sect;

static bool write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Copy fd's first size bytes onto out; false when reading or writing
 * failed.  In the kernel when it can (one copy, not two through a
 * buffer); through the buffer when the files do not allow it (a pipe or
 * terminal as the output, say). */
static bool copy_fd(int fd, off_t size, int out)
{
    static char buf[1 << 17];
    off_t off = 0;
    while (off < size) {
        loff_t in_off = off;
        ssize_t n = copy_file_range(fd, &in_off, out, NULL, (size_t)(size - off), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += n;
    }
    while (off < size) {
        size_t want = size - off < (off_t)sizeof buf ? (size_t)(size - off) : sizeof buf;
        ssize_t n = pread(fd, buf, want, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || !write_all(out, buf, (size_t)n))
            return false;
        off += n;
    }
    return true;
}

/* It is the section's turn: what it holds to the output, then the rest
 * as it comes. */
static bool go_direct(sect *s)
{
    off_t size = lseek(s->spill, 0, SEEK_CUR);
    if (size < 0 || !copy_fd(s->spill, size, s->outfd) ||
        !write_all(s->outfd, s->mem, s->len))
        return false;
    s->len = 0;
    s->direct = true;
    return true;
}

static ssize_t sect_write(void *cookie, const char *buf, size_t n)
{
    sect *s = cookie;
    if (!s->direct && atomic_load(s->turn) == s->k && !go_direct(s))
        return -1;
    if (s->direct)
        return write_all(s->outfd, buf, n) ? (ssize_t)n : -1;
    if (s->len + n > SECT_MEM) {
        if (!write_all(s->spill, s->mem, s->len))
            return -1;
        s->len = 0;
        if (n > SECT_MEM)
            return write_all(s->spill, buf, n) ? (ssize_t)n : -1;
    }
    if (s->len + n > s->cap) {
        size_t nc = s->cap ? s->cap : 1 << 16;
        while (nc < s->len + n)
            nc *= 2;
        char *m = realloc(s->mem, nc);
        if (!m)
            return write_all(s->spill, buf, n) ? (ssize_t)n : -1;
        s->mem = m;
        s->cap = nc;
    }
    memcpy(s->mem + s->len, buf, n);
    s->len += n;
    return (ssize_t)n;
}

/* Wait up to ms milliseconds for the section's turn; true if it came. */
static bool await_turn(const sect *s, long ms)
{
    struct timespec tick = {0, 200 * 1000};
    for (long waited = 0; atomic_load(s->turn) != s->k; waited++) {
        if (waited * 200 >= ms * 1000)
            return false;
        nanosleep(&tick, NULL);
    }
    return true;
}

/* The section is complete: out now if it is its turn, else all of it to
 * the temporary file for the parent.  False when writing failed.
 *
 * A section held in memory that is done just before its turn (two equal
 * files, the later one a little faster) waits for it a while first: going
 * through the temporary file costs the kernel two more copies of the
 * section and fresh pages for it, on the order of a millisecond per
 * megabyte here, so waiting that long for the turn loses no more than
 * spilling would, and mostly nothing. */
static bool sect_end(sect *s)
{
    if (!s->direct && (atomic_load(s->turn) == s->k ||
                       await_turn(s, (long)(s->len >> 20))))
        return go_direct(s);
    if (s->direct)
        return true;
    bool ok = write_all(s->spill, s->mem, s->len);
    s->len = 0;
    return ok;
}

static void job_close(job *j)
{
    if (j->out)
        fclose(j->out);
    if (j->err)
        fclose(j->err);
    if (j->tot)
        fclose(j->tot);
    j->out = j->err = j->tot = NULL;
}

/* One file section, as report k of a larger one, onto out, err and tot. */
static int run_one(const tcpl_report_opts *o, const char *path, bool pcap,
                   uint64_t k, FILE *out, FILE *err, FILE *tot)
{
    int status = 0;
    fflush(stderr);
    if (dup2(fileno(err), STDERR_FILENO) < 0)
        return 1;
    tcpl_report *r = tcpl_report_new(o, out);
    if (!r) {
        fprintf(stderr, PROG ": out of memory\n");
        fflush(stderr);
        return 1;
    }
    tcpl_report_as_part(r, k);
    status = pcap ? tcpl_report_pcap(r, o, path) : tcpl_report_export(r, o, path);
    tcpl_report_totals t;
    unsigned char made = tcpl_report_part_totals(r, k, &t) ? 1 : 0;
    if (tcpl_report_close(r) != 0) {
        fprintf(stderr, PROG ": <stdout>: write error: %s\n", strerror(errno));
        status = 1;
    }
    if (fwrite(&made, 1, 1, tot) != 1 || fwrite(&t, sizeof t, 1, tot) != 1 ||
        fflush(tot) != 0)
        status = 1;
    fflush(stderr);
    return status;
}

/* A request and the three files it goes with; false when the peer is
 * gone. */
static bool send_request(int sock, const request *rq, const int fds[3])
{
    union {
        char buf[CMSG_SPACE(3 * sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = {(void *)rq, sizeof *rq};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = sizeof u.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(3 * sizeof(int));
    memcpy(CMSG_DATA(c), fds, 3 * sizeof(int));
    ssize_t n;
    while ((n = sendmsg(sock, &m, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    return n == (ssize_t)sizeof *rq;
}

/* The next request with its files; false at the end (or a broken one). */
static bool recv_request(int sock, request *rq, int fds[3])
{
    union {
        char buf[CMSG_SPACE(3 * sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = {rq, sizeof *rq};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = sizeof u.buf;
    ssize_t n;
    while ((n = recvmsg(sock, &m, 0)) < 0 && errno == EINTR)
        ;
    struct cmsghdr *c = n == (ssize_t)sizeof *rq ? CMSG_FIRSTHDR(&m) : NULL;
    if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(3 * sizeof(int)))
        return false;
    memcpy(fds, CMSG_DATA(c), 3 * sizeof(int));
    return true;
}

/* A worker process: files until the parent closes its socket. */
static int worker_main(const tcpl_report_opts *o, char **files, bool pcap,
                       int sock, int outfd, atomic_llong *turn)
{
    static char obuf[1 << 16];
    sect s = {0};
    request rq;
    int fds[3];
    s.turn = turn;
    s.outfd = outfd;
    while (recv_request(sock, &rq, fds)) {
        s.k = rq.k;
        s.spill = fds[0];
        s.len = 0;
        s.direct = false;
        cookie_io_functions_t io = {.write = sect_write};
        FILE *f[3] = {fopencookie(&s, "w", io), fdopen(fds[1], "w"),
                      fdopen(fds[2], "w")};
        int status = 1;
        if (f[0] && f[1] && f[2]) {
            setvbuf(f[0], obuf, _IOFBF, sizeof obuf);
            status = run_one(o, files[rq.k], pcap, rq.before, f[0], f[1], f[2]);
            if (fflush(f[0]) != 0 || !sect_end(&s)) {
                fprintf(stderr, PROG ": <stdout>: write error: %s\n",
                        strerror(errno));
                fflush(stderr);
                status = 1;
            }
        }
        reply rp = {rq.k, status, s.direct};
        for (int i = 0; i < 3; i++) {
            if (f[i])
                fclose(f[i]);
            if (i == 0 || !f[i])
                close(fds[i]);
        }
        if (send(sock, &rp, sizeof rp, MSG_NOSIGNAL) != (ssize_t)sizeof rp)
            return 1;
    }
    return 0;
}

typedef struct pool {
    const tcpl_report_opts *o;
    char **files;
    bool pcap;
    FILE *out;
    job *js;
    worker *ws;
    int nw;
    struct pollfd *pf; /* nw of them */
    atomic_llong *turn; /* shared with the workers */
    bool *direct;       /* per file: its worker wrote it out */
    int next;   /* the next file never started */
    int head;   /* the file whose section is next to go out */
    uint64_t sections; /* the sections out so far */
    int redo;   /* a file to make again first; -1: none */
} pool;

static bool spawn(pool *p, worker *w)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return false;
    /* Nothing buffered may be written twice, once by each process. */
    fflush(p->out);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return false;
    }
    if (pid == 0) {
        /* The other workers must see their socket close when the parent
         * closes it: their ends are not ours to keep.  _exit: the
         * parent's buffers and atexit handlers are not ours either. */
        close(sv[0]);
        for (int i = 0; i < p->nw; i++)
            if (p->ws[i].pid > 0)
                close(p->ws[i].sock);
        /* Nor the other files' sections: their space is freed when the
         * parent is done with them. */
        for (int i = 0; p->files[i]; i++) {
            job *j = &p->js[i];
            FILE *f[3] = {j->out, j->err, j->tot};
            for (int m = 0; m < 3; m++)
                if (f[m])
                    close(fileno(f[m]));
        }
        _exit(worker_main(p->o, p->files, p->pcap, sv[1], fileno(p->out),
                          p->turn));
    }
    close(sv[1]);
    w->pid = pid;
    w->sock = sv[0];
    w->file = -1;
    return true;
}

/* The worker died (or would not take a file): its file is lost. */
static void bury(pool *p, worker *w)
{
    int ws = 0;
    close(w->sock);
    while (waitpid(w->pid, &ws, 0) < 0 && errno == EINTR)
        ;
    if (w->file >= 0) {
        job *j = &p->js[w->file];
        j->state = DONE;
        /* An exit without a reply loses the section too. */
        j->lost = WIFSIGNALED(ws) ? ws : -2;
    }
    w->pid = 0;
    w->file = -1;
}

/* Start file k on idle worker w (started here if need be). */
static void start(pool *p, worker *w, int k, uint64_t before)
{
    job *j = &p->js[k];
    j->before = before;
    j->state = DONE; /* unless it starts */
    j->lost = -1;
    if (!w->pid && !spawn(p, w)) {
        j->errnum = errno;
        return;
    }
    j->out = tmpfile();
    j->err = tmpfile();
    j->tot = tmpfile();
    if (!j->out || !j->err || !j->tot) {
        j->errnum = errno;
        job_close(j);
        return;
    }
    int fds[3] = {fileno(j->out), fileno(j->err), fileno(j->tot)};
    request rq = {k, before};
    w->file = k;
    j->state = RUNNING;
    j->lost = 0;
    if (!send_request(w->sock, &rq, fds))
        bury(p, w);
}

/* Give idle workers files, then wait for one reply or death. */
static void pump(pool *p)
{
    for (int i = 0; i < p->nw; i++) {
        worker *w = &p->ws[i];
        if (w->file >= 0)
            continue;
        if (p->redo >= 0) {
            int k = p->redo;
            p->redo = -1;
            start(p, w, k, p->js[k].before);
        } else if (p->files[p->next]) {
            int k = p->next++;
            start(p, w, k, (uint64_t)k);
        } else if (w->pid > 0) {
            /* Nothing left to hand out: it goes now, its exit (unmapping
             * its heap) overlapping the files still running.  A file made
             * again later starts a new one. */
            bury(p, w);
        }
    }
    /* Its turn, if it counts the sections before it right (what the
     * parent wrote is out: copy_all flushes); before waiting, so that a
     * section just started may go straight out. */
    job *h = &p->js[p->head];
    if (h->state == RUNNING && h->before == p->sections)
        atomic_store(p->turn, p->head);
    struct pollfd *pf = p->pf;
    int n = 0;
    for (int i = 0; i < p->nw; i++)
        if (p->ws[i].file >= 0)
            pf[n++] = (struct pollfd){.fd = p->ws[i].sock, .events = POLLIN};
    if (!n)
        return;
    while (poll(pf, (nfds_t)n, -1) < 0 && errno == EINTR)
        ;
    for (int i = 0, m = 0; i < p->nw; i++) {
        worker *w = &p->ws[i];
        if (w->file < 0)
            continue;
        struct pollfd *q = &pf[m++];
        if (!q->revents)
            continue;
        reply rp;
        ssize_t got;
        while ((got = recv(w->sock, &rp, sizeof rp, 0)) < 0 && errno == EINTR)
            ;
        if (got == (ssize_t)sizeof rp && rp.k == w->file) {
            p->js[rp.k].state = DONE;
            p->js[rp.k].status = rp.status;
            p->direct[rp.k] = rp.direct;
            w->file = -1;
        } else {
            bury(p, w);
        }
    }
}

/* Copy what f holds to dst; false when reading or writing failed. */
static bool copy_all(FILE *f, FILE *dst)
{
    off_t size;
    if (fflush(f) != 0 || fflush(dst) != 0 || (size = lseek(fileno(f), 0, SEEK_END)) < 0)
        return false;
    return copy_fd(fileno(f), size, fileno(dst));
}

int tcpl_report_jobs(const tcpl_report_opts *o, char **files, int nfiles,
                     bool pcap, int jobs, FILE *out)
{
    int nw = jobs < nfiles ? jobs : nfiles;
    job *js = calloc((size_t)nfiles, sizeof *js);
    worker *ws = calloc((size_t)nw, sizeof *ws);
    struct pollfd *pf = calloc((size_t)nw, sizeof *pf);
    tcpl_report *r = tcpl_report_new(o, out);
    /* files[nfiles] is NULL (argv's list): the end of what to start. */
    char **list = calloc((size_t)nfiles + 1, sizeof *list);
    atomic_llong *turn = mmap(NULL, sizeof *turn, PROT_READ | PROT_WRITE,
                              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    bool *direct = calloc((size_t)nfiles, sizeof *direct);
    int status = 0;
    uint64_t sections = 0;
    bool oom = !js || !ws || !pf || !r || !list || turn == MAP_FAILED || !direct;

    if (oom) {
        fprintf(stderr, PROG ": out of memory\n");
        status = 1;
        goto out;
    }
    for (int i = 0; i < nw; i++)
        ws[i].file = -1;
    memcpy(list, files, (size_t)nfiles * sizeof *list);
    atomic_init(turn, -1);
    pool p = {o, list, pcap, out, js, ws, nw, pf, turn, direct, 0, 0, 0, -1};
    tcpl_report_begin(r);
    if (fflush(out) != 0)
        status = 1;
    for (int k = 0; k < nfiles; k++) {
        job *j = &js[k];
        unsigned char made = 0;
        tcpl_report_totals t;
        bool whole;
        for (;;) {
            p.head = k;
            p.sections = sections;
            while (j->state != DONE)
                pump(&p);
            whole = !j->lost;
            if (whole) {
                rewind(j->tot);
                whole = fread(&made, 1, 1, j->tot) == 1 &&
                        fread(&t, sizeof t, 1, j->tot) == 1;
            }
            if (!whole || !made || j->before == sections)
                break;
            /* Made as if more sections came before: again, truly. */
            job_close(j);
            j->state = WAITING;
            j->before = sections;
            p.redo = k;
        }
        if (j->lost == -1) {
            fprintf(stderr, PROG ": %s: cannot start a process for it: %s\n",
                    files[k], strerror(j->errnum));
            status = 1;
            continue;
        }
        if (whole)
            whole = (direct[k] || copy_all(j->out, out)) && copy_all(j->err, stderr);
        if (whole && made) {
            tcpl_report_merge(r, &t);
            sections++;
        }
        if (!whole) {
            fprintf(stderr, PROG ": %s: its report was not completed (%s)\n",
                    files[k], j->lost > 0 && WIFSIGNALED(j->lost)
                                  ? strsignal(WTERMSIG(j->lost))
                                  : "output lost");
            status = 1;
        } else if (j->status != 0) {
            status = 1;
        }
        job_close(j);
    }
    /* The workers end when their socket does. */
    for (int i = 0; i < nw; i++) {
        if (ws[i].pid > 0) {
            ws[i].file = -1;
            bury(&p, &ws[i]);
        }
    }
out:
    if (turn != MAP_FAILED)
        munmap(turn, sizeof *turn);
    free(direct);
    free(list);
    free(js);
    free(ws);
    free(pf);
    if (r && tcpl_report_close(r) != 0 && !oom) {
        fprintf(stderr, PROG ": <stdout>: write error: %s\n", strerror(errno));
        status = 1;
    }
    return status;
}
