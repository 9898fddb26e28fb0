/*
 * report.h - `tcp-lifecycle report`: the report (report.c), its formats
 * (one writer file each, see report_writer.h) and the export-reading loop
 * that feeds it (report_export.c).
 *
 * A report is a sequence of file sections.  Any input (a tshark export
 * here, a pcap file in the annotate engineer's reader) runs the same way:
 * tcpl_report_begin_file(), a tracker whose emit callback is
 * tcpl_report_lifecycle() with the report as user pointer,
 * tcpl_report_end_file() with what the input loop counted.  Writers stream:
 * the text and zeek formats spool a section's records (report_spool.h: in
 * memory up to a bound, past it in a temporary file) so the header with
 * the totals can come first while memory stays bounded.
 */
#ifndef TCPL_POSTPROC_REPORT_H
#define TCPL_POSTPROC_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tcpl/hosts.h"
#include "tracker.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A new format: a value here, a writer file (listed in CMakeLists.txt) and
 * a row in report.c's table. */
typedef enum tcpl_format {
    TCPL_FMT_TEXT,
    TCPL_FMT_CSV,
    TCPL_FMT_JSON,
    TCPL_FMT_ZEEK,      /* Zeek's conn.log, TSV */
    TCPL_FMT_ZEEK_JSON, /* the same in Zeek's JSON log style */
    TCPL_FMT_HTML,
    TCPL_FMT_SVG
} tcpl_format;

/* The format called name by --format; false when there is none. */
bool tcpl_format_from_name(const char *name, tcpl_format *f);

/* --format's name of f ("text", "csv" ...), or NULL. */
const char *tcpl_format_name(tcpl_format f);

/* The format draws one connection and needs --stream (svg). */
bool tcpl_format_needs_stream(tcpl_format f);

/* The format's file sections can be made in separate processes (--jobs);
 * false for html and svg, which keep state across sections. */
bool tcpl_format_parallel(tcpl_format f);

typedef struct tcpl_report_opts {
    tcpl_format format;
    int64_t stream;        /* only this stream (-1: all) */
    int64_t successor;     /* with stream: only this lifecycle on it (-1: all) */
    bool anomalies_only;   /* only lifecycles with at least one anomaly */
    /* Write each lifecycle when it ends (or its linger expires), flushed
     * line by line, instead of in the order lifecycles started: for live
     * captures and pipes that a log shipper tails.  JSON and CSV only. */
    bool streaming;
    bool events;           /* streaming: also each anomaly as it is raised */
    int64_t stats_interval_ns; /* streaming: running totals this often (0: never) */
    tcpl_tracker_opts tracker; /* thresholds and linger; emit/user unused */
    /* report --pcap: engine threads per capture (shard.c), when more than
     * one and neither streaming nor capped (tracker.max_open) */
    int workers;
    /* report --pcap/--live: verify IPv4 header and TCP checksums; a bad
     * TCP sum is no evidence, only Zeek's 'C' (--check-checksums) */
    bool check_checksums;
    /* --hosts: the per-host netstat of each file section (hosts.h) takes
     * the place of the connection records (text, csv, json). */
    bool hosts;
    int64_t hosts_interval_ns; /* --interval; 0: the default (1 s, coarser
                                  for long captures) */
    tcpl_host_limits host_limits; /* --warn-* */
} tcpl_report_opts;

void tcpl_report_opts_init(tcpl_report_opts *o);

/* What an input loop counted, for the file's header and totals. */
typedef struct tcpl_file_info {
    const char *kind;          /* "tshark export", "pcap", ... */
    uint64_t lines;            /* lines (export) or records (pcap) read */
    uint64_t skipped_non_tcp;
    uint64_t skipped_multi;
    uint64_t skipped_incomplete;
    uint64_t plugin_checked;   /* packets whose tcp.lifecycle.* were compared */
    uint64_t plugin_disagreements;
    bool plugin_columns;       /* the input carried tcp.lifecycle.* columns */
    const char *error;         /* reading stopped here ("FILE:LINE: ..."), or NULL */
    uint64_t dropped;          /* live: packets the kernel dropped */
    tcpl_tracker_stats stats;
} tcpl_file_info;

typedef struct tcpl_report tcpl_report;

/* NULL when out of memory.  out is where the report goes. */
tcpl_report *tcpl_report_new(const tcpl_report_opts *o, FILE *out);

/* Start a file section.  Returns 0, or -1 with errno (no spool). */
int tcpl_report_begin_file(tcpl_report *r, const char *name);

/* Times in the text report are relative to this (the file's first packet). */
void tcpl_report_origin(tcpl_report *r, int64_t t0_ns);

/* The tracker's emit callback: user is the tcpl_report. */
void tcpl_report_lifecycle(void *user, const tcpl_lifecycle *lc);

/* The tracker's on_event callback in streaming mode (--events): user is
 * the tcpl_report.  Writes the anomaly at once when the format has event
 * records. */
void tcpl_report_event(void *user, const tcpl_lifecycle *lc,
                       const tcpl_tl_event *ev);

/* True when the format can draw the per-host netstat (--hosts). */
bool tcpl_format_has_hosts(tcpl_format f);

/* True when the format can write events (--events). */
bool tcpl_format_has_events(tcpl_format f);

/*
 * Streaming: the running totals of the current section, with info as the
 * input loop has it now.  Returns 0 when written, 1 when the format has
 * no place for them (the caller says them on standard error), -1 on an
 * output error.
 */
int tcpl_report_interim(tcpl_report *r, const tcpl_file_info *info);

/* Close the file section.  Returns 0, or -1 on an output error. */
int tcpl_report_end_file(tcpl_report *r, const tcpl_file_info *info);

/* Overall totals (JSON, text with several files); flush.  Returns 0; -1
 * when writing failed at any point; 1 when the format had nothing to
 * write (svg: the stream is not in the input), said on stderr as
 * "tcp-lifecycle: FILE: ...".  Frees r. */
int tcpl_report_close(tcpl_report *r);

/*
 * Run one tshark export (path "-" = standard input) through a tracker into
 * r.  Messages go to stderr as "tcp-lifecycle: FILE:LINE: ...".  Returns 0,
 * or 1 when the input was bad or unreadable or the plugin's columns
 * disagreed with the engine (the section is still written, marked).
 */
int tcpl_report_export(tcpl_report *r, const tcpl_report_opts *o,
                       const char *path);

/* The same over an export held in memory (the fuzz target). */
int tcpl_report_export_mem(tcpl_report *r, const tcpl_report_opts *o,
                           const char *name, const char *data, size_t len);

/*
 * The same for a capture file read directly (`report --pcap`): provided by
 * the pcap reader (postproc/pcap_in.c, the annotate engineer's), declared
 * here so main.c can dispatch to it when it is built in.  Same contract as
 * tcpl_report_export().
 */
int tcpl_report_pcap(tcpl_report *r, const tcpl_report_opts *o,
                     const char *path);

/*
 * Capture live on interface iface (`report --live`), with an optional BPF
 * filter, streaming, until SIGINT or SIGTERM: then the open lifecycles
 * are finished and the totals written.  Provided by the pcap reader's
 * files like tcpl_report_pcap().  Returns 0 after a signal, 1 when the
 * interface cannot be captured or reading failed.
 */
int tcpl_report_live(tcpl_report *r, const tcpl_report_opts *o,
                     const char *iface, const char *filter);

/* Threshold option value: seconds with up to 9 decimals, 0..86400, to
 * nanoseconds (report_export.c).  False when it is not such a number. */
bool tcpl_parse_seconds(const char *s, int64_t *ns);

#ifdef __cplusplus
}
#endif

#endif /* TCPL_POSTPROC_REPORT_H */
