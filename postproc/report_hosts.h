/*
 * report_hosts.h - drawing the per-host netstat (report_hosts.c) for the
 * text, csv and json writers.
 */
#ifndef TCPL_POSTPROC_REPORT_HOSTS_H
#define TCPL_POSTPROC_REPORT_HOSTS_H

#include <stdio.h>

#include "hosts.h"
#include "report_writer.h"

/* The text summary's table: hosts holding sockets at the end (the first
 * ten), and which hosts have warnings.  Nothing when h is NULL. */
void tcpl_hosts_text_summary(FILE *f, const tcpl_hosts *h);

/* report --hosts: the section's series and warnings onto f. */
void tcpl_hosts_text(tcpl_writer_ctx *ctx, FILE *f, const tcpl_hosts *h);
void tcpl_hosts_csv(tcpl_writer_ctx *ctx, FILE *f, const tcpl_hosts *h);
void tcpl_hosts_json(tcpl_writer_ctx *ctx, FILE *f, const tcpl_hosts *h);

/* The html page's per-host data (JSON, safe inside a <script>): the hosts
 * with warnings, then the others holding the most, `top` in all:
 * {"interval_us":I,"hosts":N,"incomplete":false,"drawn":[{"host":...,
 * "held":n,"peak":n,"warnings":[[name,text]...],"series":[[us since the
 * file's first packet, count per state in tcpl_state order...]...]}...]}
 * where series has the change points, as the other formats. */
void tcpl_hosts_html(tcpl_writer_ctx *ctx, tcpl_sbuf *b, const tcpl_hosts *h,
                     size_t top);

/* The CSV header of report --hosts. */
extern const char tcpl_hosts_csv_columns[];

#endif /* TCPL_POSTPROC_REPORT_HOSTS_H */
