/*
 * jobs.h - `report --jobs N` over many files (jobs.c): the files' sections
 * made in up to N processes at once, written in file order, byte for byte
 * what one process writes.
 */
#ifndef TCPL_POSTPROC_JOBS_H
#define TCPL_POSTPROC_JOBS_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

/*
 * The whole report of files[0..nfiles) onto out, with at most jobs
 * processes at a time; pcap: the files are captures (tcpl_report_pcap),
 * else tshark exports.  Returns the exit status --jobs 1 would: 0, or 1
 * when a file was bad or unreadable, or writing failed.
 */
int tcpl_report_jobs(const tcpl_report_opts *o, char **files, int nfiles,
                     bool pcap, int jobs, FILE *out);

#endif /* TCPL_POSTPROC_JOBS_H */
