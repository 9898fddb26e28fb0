/*
 * jobs.c - `report --jobs N` over many files: one process per file, at
 * most N at a time, and output byte for byte that of `--jobs 1`.
 *
 * Each file section is made by a child process exactly as the single
 * report would make it (told how many sections precede it, so the text
 * format's separators come out the same), into temporary files of its
 * own: the section, its standard error, and its totals.  The parent takes
 * them in file order, whatever order the children finish in: copies the
 * section to the output and the messages to standard error, adds the
 * totals, and writes the report-wide header and totals itself.  A child
 * is started before the sections ahead of it are known, so it assumes
 * every earlier file makes one; when one did not (it could not be opened),
 * the child's section is made again with the true count, which keeps the
 * rare case exact without making the common one wait.  Processes
 * rather than threads: a file's report uses one core, shares nothing with
 * the others, and a crash in one is a failed file, not a lost report.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobs.h"
#include "report_writer.h"

#define PROG "tcp-lifecycle"

/* Built only with the pcap reader's files; main.c does not pass pcap
 * without them. */
#pragma weak tcpl_report_pcap

typedef struct job {
    pid_t pid;   /* 0: not started, -1: could not start */
    uint64_t before; /* the sections it was told precede its own */
    FILE *out;   /* the section */
    FILE *err;   /* its messages */
    FILE *tot;   /* its tcpl_report_totals, raw */
} job;

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

/* The child: one file section, as report k of a larger one. */
static int run_child(const tcpl_report_opts *o, const char *path, bool pcap,
                     uint64_t k, job *j)
{
    int status = 0;
    if (dup2(fileno(j->err), STDERR_FILENO) < 0)
        return 1;
    tcpl_report *r = tcpl_report_new(o, j->out);
    if (!r) {
        fprintf(stderr, PROG ": out of memory\n");
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
    if (fwrite(&made, 1, 1, j->tot) != 1 || fwrite(&t, sizeof t, 1, j->tot) != 1 ||
        fflush(j->tot) != 0)
        status = 1;
    fflush(stderr);
    return status;
}

static int start(const tcpl_report_opts *o, char **files, bool pcap, int k,
                 uint64_t before, job *j, FILE *out)
{
    j->before = before;
    j->out = tmpfile();
    j->err = tmpfile();
    j->tot = tmpfile();
    if (!j->out || !j->err || !j->tot) {
        job_close(j);
        j->pid = -1;
        return -1;
    }
    /* Nothing buffered may be written twice, once by each process. */
    fflush(out);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        job_close(j);
        j->pid = -1;
        return -1;
    }
    if (pid == 0) {
        /* _exit: the parent's buffers and atexit handlers are not ours.
         * run_child flushed what it wrote; the other jobs' files, open
         * here too, are left alone. */
        _exit(run_child(o, files[k], pcap, before, j));
    }
    j->pid = pid;
    return 0;
}

/* Copy what f holds to dst; false when reading or writing failed. */
static bool copy_all(FILE *f, FILE *dst)
{
    char buf[65536];
    size_t n;
    rewind(f);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (fwrite(buf, 1, n, dst) != n)
            return false;
    return !ferror(f);
}

int tcpl_report_jobs(const tcpl_report_opts *o, char **files, int nfiles,
                     bool pcap, int jobs, FILE *out)
{
    job *js = calloc((size_t)nfiles, sizeof *js);
    tcpl_report *r = tcpl_report_new(o, out);
    int status = 0, next_start = 0, running = 0;
    uint64_t sections = 0;

    if (!js || !r) {
        free(js);
        if (r)
            tcpl_report_close(r);
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    tcpl_report_begin(r);
    for (int k = 0; k < nfiles; k++) {
        while (next_start < nfiles && (running < jobs || next_start == k)) {
            if (start(o, files, pcap, next_start, (uint64_t)next_start,
                      &js[next_start], out) == 0)
                running++;
            next_start++;
        }
        job *j = &js[k];
        if (j->pid < 0) {
            fprintf(stderr, PROG ": %s: cannot start a process for it: %s\n",
                    files[k], strerror(errno));
            status = 1;
            continue;
        }
        int ws = 0;
        unsigned char made = 0;
        tcpl_report_totals t;
        bool whole;
        for (;;) {
            while (waitpid(j->pid, &ws, 0) < 0 && errno == EINTR)
                ;
            rewind(j->tot);
            whole = WIFEXITED(ws) && fread(&made, 1, 1, j->tot) == 1 &&
                    fread(&t, sizeof t, 1, j->tot) == 1;
            if (!whole || !made || j->before == sections)
                break;
            /* Made as if more sections came before: again, truly. */
            job_close(j);
            if (start(o, files, pcap, k, sections, j, out) != 0)
                break;
        }
        running--;
        if (j->pid < 0) {
            fprintf(stderr, PROG ": %s: cannot start a process for it: %s\n",
                    files[k], strerror(errno));
            status = 1;
            continue;
        }
        if (whole)
            whole = fflush(out) == 0 && copy_all(j->out, out) &&
                    copy_all(j->err, stderr);
        if (whole && made) {
            tcpl_report_merge(r, &t);
            sections++;
        }
        if (!whole) {
            fprintf(stderr, PROG ": %s: its report was not completed (%s)\n",
                    files[k], WIFSIGNALED(ws) ? strsignal(WTERMSIG(ws))
                                              : "output lost");
            status = 1;
        } else if (WEXITSTATUS(ws) != 0) {
            status = 1;
        }
        job_close(j);
    }
    free(js);
    if (tcpl_report_close(r) != 0) {
        fprintf(stderr, PROG ": <stdout>: write error: %s\n", strerror(errno));
        status = 1;
    }
    return status;
}
