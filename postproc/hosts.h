/*
 * hosts.h - the report's per-host netstat (`report --hosts`, and the final
 * table in the text summary): the storage around core's rules
 * (include/tcpl/hosts.h).
 *
 * A tally takes every lifecycle of one file section as the tracker hands it
 * over, in any order, and walks each endpoint's timeline into its host's
 * series; the counts therefore do not depend on the order lifecycles end
 * in, on the engine threads of report --pcap, or on --jobs, which makes
 * each file section in one process.  At the end of the section
 * tcpl_hosts_finish() reads the series and judges the warnings.
 */
#ifndef TCPL_POSTPROC_HOSTS_H
#define TCPL_POSTPROC_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpl/hosts.h"
#include "tracker.h"

typedef struct tcpl_host_entry {
    uint8_t family;
    uint8_t addr[16];
    tcpl_host_delta *d; /* its series, compacted after finish */
    size_t n, cap, ncompact;
    tcpl_host_verdict v;
    tcpl_host_dest dest; /* where its client TIME_WAITs piled up most */
    uint64_t held;       /* endpoints it holds at the end */
    uint64_t peak_held;  /* most it held at one sample */
} tcpl_host_entry;

typedef struct tcpl_hosts tcpl_hosts;

/* interval_ns <= 0: the default (1 s, coarsened for long captures);
 * fixed: the user gave it.  NULL when out of memory. */
tcpl_hosts *tcpl_hosts_new(int64_t interval_ns, bool fixed,
                           const tcpl_host_limits *l);
void tcpl_hosts_free(tcpl_hosts *h);

/* Forget everything: a new file section. */
void tcpl_hosts_reset(tcpl_hosts *h);

/* Add a lifecycle's endpoints.  Returns 0, or -1 when out of memory (the
 * tally is then marked incomplete: tcpl_hosts_failed). */
int tcpl_hosts_add(tcpl_hosts *h, const tcpl_lifecycle *lc);

/* The section's capture ran from first_ns to last_ns: read the series,
 * judge them, and order the hosts (most endpoints held at the end first,
 * then most at one sample, then by address). */
void tcpl_hosts_finish(tcpl_hosts *h, int64_t first_ns, int64_t last_ns);

bool tcpl_hosts_failed(const tcpl_hosts *h);
size_t tcpl_hosts_count(const tcpl_hosts *h);
const tcpl_host_entry *tcpl_hosts_get(const tcpl_hosts *h, size_t i);
const tcpl_host_clock *tcpl_hosts_clock(const tcpl_hosts *h);
const tcpl_host_limits *tcpl_hosts_limits(const tcpl_hosts *h);
/* The first and last bucket of the section (after finish). */
int64_t tcpl_hosts_first_bucket(const tcpl_hosts *h);
int64_t tcpl_hosts_last_bucket(const tcpl_hosts *h);
int64_t tcpl_hosts_end_ns(const tcpl_hosts *h);

/* "10.0.0.1", "::1" */
char *tcpl_host_addr_str(char *buf, size_t n, uint8_t family,
                         const uint8_t *addr);
/* "10.0.0.2:80", "[::1]:80" */
char *tcpl_host_dest_str(char *buf, size_t n, const tcpl_host_dest *d);

#endif /* TCPL_POSTPROC_HOSTS_H */
