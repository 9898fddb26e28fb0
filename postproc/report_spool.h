/*
 * report_spool.h - where a file section's records wait when the format's
 * header needs the section's totals first (text, zeek): in memory up to a
 * bound, the usual case, and past it in a temporary file.
 *
 * A temporary file for every section cost the text report a fifth of its
 * time on a small capture (the kernel writing, reading back and freeing
 * the file's pages), yet a file is what keeps memory flat however many
 * streams a report has.  The spool is both: one FILE to write to, which
 * moves itself to disk the moment it holds more than TCPL_SPOOL_MEM bytes.
 */
#ifndef TCPL_POSTPROC_REPORT_SPOOL_H
#define TCPL_POSTPROC_REPORT_SPOOL_H

#include <stdbool.h>
#include <stdio.h>

/* What a spool holds in memory before it moves to a temporary file. */
#define TCPL_SPOOL_MEM ((size_t)16 << 20)

typedef struct tcpl_spool tcpl_spool;

/* A new, empty spool; NULL when out of memory.  mem_max is the bound in
 * memory (TCPL_SPOOL_MEM; tests pass less to reach the file). */
tcpl_spool *tcpl_spool_new(size_t mem_max);

/* The stream to write records to.  A failure to write (no room in memory,
 * no temporary file) shows as ferror() on it, and then in
 * tcpl_spool_drain(). */
FILE *tcpl_spool_file(tcpl_spool *s);

/* Copy everything written to out, in order, and free the spool.  False
 * when something written to the spool was lost (out's own errors are
 * out's). */
bool tcpl_spool_drain(tcpl_spool *s, FILE *out);

/* Free the spool and what it holds, unwritten (NULL is fine). */
void tcpl_spool_free(tcpl_spool *s);

#endif /* TCPL_POSTPROC_REPORT_SPOOL_H */
