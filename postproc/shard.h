/*
 * shard.h - `report --pcap FILE --jobs N` on one file (shard.c): N
 * engine workers, the reading thread one of them, each with its own
 * tracker, the connections split by a symmetric hash of their 4-tuple; the lifecycles
 * come out in the order and with the numbers one tracker gives them, so
 * the report is byte for byte that of --jobs 1.
 */
#ifndef TCPL_POSTPROC_SHARD_H
#define TCPL_POSTPROC_SHARD_H

#include <stddef.h>

#include "pcap_feed.h"
#include "pcap_in.h"
#include "report.h"
#include "tracker.h"

/*
 * Read in (link type lt) to its end into r with `workers` engines
 * (2..TCPL_SHARD_MAX: the calling thread and workers - 1 threads started
 * here), as run_capture in report_pcap.c does with one
 * tracker: frames counted into *st, the trackers' totals, summed as one
 * tracker would have them, into *ts.  Returns 0, or -1 with err filled
 * ("NAME:frame N: ..." or "NAME: ...") when reading stopped early; what
 * was read is in r either way.
 */
int tcpl_shard_capture(tcpl_report *r, const tcpl_report_opts *o,
                       tcpl_pcap_in *in, const char *name, int workers,
                       tcpl_feed_stats *st, tcpl_tracker_stats *ts,
                       char *err, size_t errlen);

#define TCPL_SHARD_MAX 64

#endif /* TCPL_POSTPROC_SHARD_H */
