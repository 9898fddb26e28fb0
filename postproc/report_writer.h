/*
 * report_writer.h - what a format of `tcp-lifecycle report` provides, and
 * what it is shown of the report.
 *
 * The report (report.c) decides which lifecycles are shown, counts them,
 * puts them back in the order they started and keeps the file sections;
 * a writer only draws.  One format is one file (report_text.c,
 * report_csv.c, report_json.c ...) defining one tcpl_report_writer, and one
 * row in report.c's table from tcpl_format to writer.
 *
 * Calls, in order: begin_report before the first file section; per file
 * begin_file, lifecycle for each shown one, end_file; end_report at close,
 * when begin_report was called.  Every callback but lifecycle may be NULL
 * (nothing to do then).  A writer reports an output error by setting
 * ctx->failed; it never stops the report.
 */
#ifndef TCPL_POSTPROC_REPORT_WRITER_H
#define TCPL_POSTPROC_REPORT_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"
#include "report_fmt.h"

/* The id of the JSON Lines report's schema, in the totals objects'
 * "schema" field: postproc/schema/report-<version>.schema.json.  Bump it
 * when a field changes meaning or goes away; new fields do not. */
#define TCPL_REPORT_SCHEMA "tcp-lifecycle-report-1"

/* Counters of one file section, or of all of them. */
typedef struct tcpl_report_totals {
    uint64_t files;
    uint64_t lines;
    uint64_t packets;
    uint64_t skipped[3]; /* not TCP, several headers, incomplete */
    uint64_t lifecycles;
    uint64_t shown;
    uint64_t peak_open;
    uint64_t evicted;
    uint64_t capped;  /* ended early by --max-connections */
    uint64_t plugin_checked;
    uint64_t plugin_disagreements;
    uint64_t errors;
    int64_t first_ns;
    int64_t last_ns;
    uint64_t final[2][TCPL_STATE_COUNT]; /* [0] client, [1] server */
    uint64_t closer[TCPL_CLOSER_KINDS];  /* see tcpl_closer_names */
    uint64_t anomaly[TCPL_ANOMALY_COUNT];
    uint64_t gaps;   /* capture gaps, over every lifecycle and endpoint */
    uint64_t missed; /* data bytes the capture missed, likewise */
} tcpl_report_totals;

/* The report as a writer sees it.  Writers read all of it and write only
 * records, failed and their own state. */
typedef struct tcpl_writer_ctx {
    const tcpl_report_opts *o;
    FILE *out;        /* where the report goes */
    /* Where lifecycle records go in the current file section: out, unless
     * begin_file points it elsewhere (the text spool); NULL makes records
     * fail the report. */
    FILE *records;
    const char *name; /* the current file */
    int64_t t0;       /* its first packet; text times are relative to it */
    const tcpl_report_totals *all; /* every file section ended so far */
    tcpl_sbuf sb;     /* scratch for building a record */
    bool failed;      /* an output error happened */
    /* Set by a writer that has nothing to write after all (the one
     * connection it draws is not in the input): "FILE: what is wrong".
     * The report prints it and fails with status 1; the writer has written
     * nothing. */
    const char *complaint;
    void *state;      /* the writer's own: state_size bytes, zeroed */
    /* The current section's per-host netstat, read and judged, from just
     * before end_file (NULL otherwise, and for formats that draw none). */
    const struct tcpl_hosts *hosts;
} tcpl_writer_ctx;

typedef struct tcpl_report_writer {
    const char *name;  /* the value of --format */
    size_t state_size; /* bytes of ctx->state the writer wants (0: none) */
    /* Records are held back until the file section ends, so the report
     * may share a terminal with progress messages. */
    bool spools;
    /* Draws one connection: --stream is required (a usage error without). */
    bool one_stream;
    /* Keeps state across file sections (a string table, the one picture
     * asked for), so --jobs cannot make its sections in other processes:
     * the report runs in one. */
    bool one_process;
    void (*begin_report)(tcpl_writer_ctx *ctx);
    /* Returns 0, or -1 when the section cannot be written at all. */
    int (*begin_file)(tcpl_writer_ctx *ctx);
    /* One shown lifecycle, onto f: ctx->records, or a memory stream when
     * the record has to wait for its turn.  Called for every record of a
     * large report, so it should stay cheap (see tcpl_sbuf). */
    void (*lifecycle)(tcpl_writer_ctx *ctx, FILE *f, const tcpl_lifecycle *lc);
    /* t: this section's totals (already added to ctx->all); info: what
     * the input loop said about it. */
    void (*end_file)(tcpl_writer_ctx *ctx, const tcpl_report_totals *t,
                     const tcpl_file_info *info);
    /* Overall totals where the format has them; releases ctx->state's
     * resources (the state itself is freed by the report). */
    void (*end_report)(tcpl_writer_ctx *ctx);
    /* Streaming only (--events): one anomaly as it is raised, onto
     * ctx->out.  NULL: the format has no event records. */
    void (*event)(tcpl_writer_ctx *ctx, const tcpl_lifecycle *lc,
                  const tcpl_tl_event *ev);
    /* Streaming only (--stats-interval): the running totals of the current
     * section, onto ctx->out, marked as not final.  NULL: the format has
     * no place for them between records. */
    void (*interim)(tcpl_writer_ctx *ctx, const tcpl_report_totals *t,
                    const tcpl_file_info *info);
    /* --hosts: the section's per-host netstat onto f (ctx->records), just
     * before end_file.  NULL: the format has none (a usage error). */
    void (*hosts)(tcpl_writer_ctx *ctx, FILE *f, const struct tcpl_hosts *h);
    /* The format's summary shows the final per-host table without --hosts
     * too (the tally runs for every report of this format). */
    bool host_summary;
} tcpl_report_writer;

extern const tcpl_report_writer tcpl_writer_text;
extern const tcpl_report_writer tcpl_writer_csv;
extern const tcpl_report_writer tcpl_writer_json;
extern const tcpl_report_writer tcpl_writer_zeek;
extern const tcpl_report_writer tcpl_writer_zeek_json;
extern const tcpl_report_writer tcpl_writer_html;
extern const tcpl_report_writer tcpl_writer_svg;

/*
 * --jobs (jobs.c): a file section made in another process must come out
 * byte for byte as it would in one report.  That process's report is told
 * how many sections come before its own (tcpl_report_as_part: no report-
 * wide header or totals), and hands back the section's totals
 * (tcpl_report_part_totals: false when the file made no section, as when
 * it could not be opened); the report that writes the whole calls
 * tcpl_report_begin, copies each section's bytes in order and merges its
 * totals (tcpl_report_merge) before tcpl_report_close.  So a writer's
 * section may depend on ctx->all->files, the sections before it, and on
 * nothing else of ctx->all.
 */
void tcpl_report_as_part(tcpl_report *r, uint64_t files_before);
bool tcpl_report_part_totals(const tcpl_report *r, uint64_t files_before,
                             tcpl_report_totals *t);
void tcpl_report_begin(tcpl_report *r);
void tcpl_report_merge(tcpl_report *r, const tcpl_report_totals *t);

/*
 * One capture in several engine threads (shard.c): a thread renders the
 * lifecycles it ended, and the thread that writes the report only places
 * the rendered records, in the order one tracker would have handed them
 * over.  tcpl_report_render_ctx gives a thread its own writer context
 * (taken once the origin is set: times are relative to it); the render
 * counts lc into t (zeroed by the caller) and writes its record onto f
 * when it is shown, which it returns; tcpl_report_rendered places a
 * record so made (len 0 when not shown); tcpl_report_add_counts adds a
 * thread's counts and failure to the section and frees its context.  Not
 * for a report that keeps every lifecycle (tcpl_report_keeps_lifecycles:
 * the per-host tally), which takes them whole through
 * tcpl_report_lifecycle.
 */
bool tcpl_report_keeps_lifecycles(const tcpl_report *r);
void tcpl_report_render_ctx(const tcpl_report *r, tcpl_writer_ctx *c);
bool tcpl_report_render(const tcpl_report *r, tcpl_writer_ctx *c,
                        tcpl_report_totals *t, FILE *f, const tcpl_lifecycle *lc);
void tcpl_report_rendered(tcpl_report *r, uint64_t id, const char *text,
                          size_t len);
void tcpl_report_add_counts(tcpl_report *r, const tcpl_report_totals *t,
                            tcpl_writer_ctx *c);
/* The records go straight to the report's output (json, csv, zeek; not
 * text's spool): tcpl_report_divert sends them to f for a while and
 * returns where they went, to be given back the same way.  A failure of
 * f's own writing fails the report (tcpl_report_fail). */
bool tcpl_report_records_direct(const tcpl_report *r);
FILE *tcpl_report_divert(tcpl_report *r, FILE *f);
void tcpl_report_fail(tcpl_report *r);

/* The writer of a format (report.c's table); NULL for no such format. */
const tcpl_report_writer *tcpl_report_writer_for(tcpl_format f);

#endif /* TCPL_POSTPROC_REPORT_WRITER_H */
