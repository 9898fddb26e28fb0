/*
 * outfile.h - output files that appear only when complete.
 *
 * annotate must never leave a partial OUT.pcapng (or labels CSV) that looks
 * finished.  Each output is written to a hidden temporary file in the same
 * folder (so the final rename cannot cross file systems) and renamed into
 * place only by tcpl_outfile_commit(); tcpl_outfile_abort(), an error, or a
 * SIGINT/SIGTERM/SIGHUP removes the temporary file instead.
 */
#ifndef TCPL_POSTPROC_OUTFILE_H
#define TCPL_POSTPROC_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tcpl_outfile {
    FILE *f;     /* write here */
    char *path;  /* final name */
    char *tmp;   /* temporary name while open */
    int slot;    /* in the signal-cleanup table, -1 if none */
} tcpl_outfile;

/* Create the temporary file for path.  0, or -1 with err "PATH: why". */
int tcpl_outfile_open(tcpl_outfile *o, const char *path, char *err,
                      size_t errlen);

/* Flush, close and rename into place.  0, or -1 with err filled (the
 * temporary file is removed then). */
int tcpl_outfile_commit(tcpl_outfile *o, char *err, size_t errlen);

/* Close and remove the temporary file; safe on a committed, aborted or
 * zeroed outfile. */
void tcpl_outfile_abort(tcpl_outfile *o);

#ifdef __cplusplus
}
#endif

#endif /* TCPL_POSTPROC_OUTFILE_H */
