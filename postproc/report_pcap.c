/*
 * report_pcap.c - `tcp-lifecycle report --pcap FILE|-` and
 * `report --live IFACE`: captures into the report.
 *
 * One loop serves a file, a pipe and an interface: frames come from
 * pcap_in, go through pcap_feed into a tracker whose lifecycles and (with
 * --events) anomalies go to the report.  What differs is only when the
 * input ends: at the end of the file, at a cut in it (told with the frame
 * number, the section written and marked, exit status 1), or, streaming,
 * at SIGINT/SIGTERM.  The signal handler only sets a flag and breaks
 * libpcap's wait; the loop then finishes the open lifecycles and writes
 * the totals like at the end of a file.
 *
 * A live capture has no packet to move time on when the wire is quiet, so
 * on libpcap's timeout the tracker's clock is moved to the wall clock
 * (packet timestamps are wall-clock time too): closed lifecycles are then
 * written once their linger has passed, not when the next packet comes.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pcap_feed.h"
#include "pcap_in.h"
#include "report.h"
#include "shard.h"
#include "tracker.h"

#define PROG "tcp-lifecycle"

/* The one piece of process-wide state: a signal handler has nothing else
 * to reach.  Only the CLI's capture loop uses it, never the engine.  A stop
 * stays requested: the inputs after it are not read. */
static volatile sig_atomic_t stop_requested;
static tcpl_pcap_in *volatile stop_input;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
    tcpl_pcap_breakloop(stop_input);
}

/* Without SA_RESTART: a read blocked on a pipe returns (EINTR) instead of
 * waiting for the writer's next packet. */
static void catch_stop_signals(tcpl_pcap_in *in, struct sigaction old[2])
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    stop_input = in;
    sigaction(SIGINT, &sa, &old[0]);
    sigaction(SIGTERM, &sa, &old[1]);
}

static void release_stop_signals(const struct sigaction old[2])
{
    sigaction(SIGINT, &old[0], NULL);
    sigaction(SIGTERM, &old[1], NULL);
    stop_input = NULL;
}

static int64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* What the loop knows so far, as the report's totals want it. */
static void current_info(tcpl_file_info *info, const char *kind,
                         tcpl_tracker *tr, const tcpl_feed_stats *st,
                         tcpl_pcap_in *in, const tcpl_tracker_stats *shards)
{
    info->kind = kind;
    info->lines = st->records;
    info->skipped_non_tcp = st->non_tcp;
    info->skipped_incomplete = st->incomplete;
    if (shards) {
        info->stats = *shards;
    } else if (tr) {
        tcpl_tracker_get_stats(tr, &info->stats);
    } else {
        info->stats.first_ns = INT64_MAX;
        info->stats.last_ns = INT64_MIN;
    }
    if (in)
        tcpl_pcap_live_drops(in, &info->dropped);
}

/* Running totals for formats that have no place for them between
 * records (CSV): one line on standard error. */
static void stats_line(const char *name, const tcpl_file_info *info,
                       const char *when)
{
    fprintf(stderr,
            PROG ": %s: %s: %" PRIu64 " TCP packets, %" PRIu64
            " connections (%" PRIu64 " open, %" PRIu64 " idle ended, %" PRIu64
            " evicted by --max-connections), %" PRIu64 " not TCP, %" PRIu64
            " dropped by the kernel\n",
            name, when, info->stats.packets, info->stats.lifecycles,
            info->stats.open, info->stats.evicted, info->stats.capped,
            info->skipped_non_tcp, info->dropped);
}

/*
 * Read in into r as the section name.  live: in is an interface.  Returns
 * 0, or 1 when reading stopped at an error (the section is written and
 * marked) or the output failed.
 */
static int run_capture(tcpl_report *r, const tcpl_report_opts *o,
                       tcpl_pcap_in *in, const char *name, bool live)
{
    const char *kind = live ? "live" : "pcap";
    char err[TCPL_PCAP_ERR];
    tcpl_file_info info;
    tcpl_tracker_opts to;
    tcpl_tracker *tr = NULL;
    tcpl_pcap_packet p;
    tcpl_wire_tcp w;
    tcpl_tuple t;
    tcpl_segment seg;
    tcpl_feed_stats st;
    struct sigaction old[2];
    bool stream = o->streaming;
    /* One file in several engine threads: not live or streaming (records
     * go out as lifecycles end, in no order to reproduce) nor with a cap
     * on open lifecycles (one table's property). */
    bool sharded = o->workers > 1 && !live && !stream && o->tracker.max_open == 0;
    tcpl_tracker_stats shard_stats;
    int64_t next_stats = 0;
    int status = 0, lt = tcpl_pcap_linktype(in);

    memset(&info, 0, sizeof info);
    memset(&st, 0, sizeof st);
    st.check_checksums = o->check_checksums;
    st.reassemble = true;
    err[0] = '\0';
    if (tcpl_report_begin_file(r, name) != 0) {
        fprintf(stderr, PROG ": %s: cannot create a temporary file\n", name);
        tcpl_pcap_close(in);
        return 1;
    }
    if (sharded) {
        tcpl_shard_capture(r, o, in, name, o->workers, &st, &shard_stats, err,
                           sizeof err);
        goto done;
    }
    to = o->tracker;
    to.emit = tcpl_report_lifecycle;
    to.on_event = stream && o->events ? tcpl_report_event : NULL;
    to.user = r;
    tr = tcpl_tracker_new(&to);
    if (!tr)
        snprintf(err, sizeof err, "%s: out of memory", name);
    if (stream)
        catch_stop_signals(in, old);
    /* Like tcpdump's "listening on": the capture is running from here on
     * (scripts wait for this line before they make traffic). */
    if (live && tr)
        fprintf(stderr, PROG ": %s: listening; SIGINT or SIGTERM ends the "
                "capture and writes the totals\n", name);
    if (stream && o->stats_interval_ns > 0)
        next_stats = clock_ns(CLOCK_MONOTONIC) + o->stats_interval_ns;
    while (tr && !stop_requested) {
        int rc = tcpl_pcap_next(in, &p, err, sizeof err);
        if (rc < 0 && stream && stop_requested) {
            err[0] = '\0'; /* the read the signal interrupted */
            break;
        }
        if (rc <= 0)
            break;
        if (rc == TCPL_PCAP_AGAIN) {
            tcpl_tracker_advance(tr, clock_ns(CLOCK_REALTIME));
        } else {
            /* Decoded once: the report's time origin is the first TCP
             * packet, set before the tracker may emit anything. */
            bool track = tcpl_feed_decode(lt, &p, &w, &t, &seg, &st) != 0;
            if (track && !seg.icmp)
                tcpl_report_origin(r, p.ts_ns);
            if (track && tcpl_feed_track(tr, &t, &seg, p.frame, NULL, &st) < 0) {
                snprintf(err, sizeof err, "%s:frame %" PRIu64 ": out of memory",
                         name, p.frame);
                break;
            }
        }
        if (next_stats && clock_ns(CLOCK_MONOTONIC) >= next_stats) {
            next_stats += o->stats_interval_ns;
            current_info(&info, kind, tr, &st, live ? in : NULL, NULL);
            int s = tcpl_report_interim(r, &info);
            if (s > 0)
                stats_line(name, &info, "so far");
            else if (s < 0)
                break; /* the output is gone: stop reading into it */
        }
    }
    if (stream)
        release_stop_signals(old);
    if (tr && tcpl_tracker_finish(tr) != 0 && !err[0])
        snprintf(err, sizeof err, "%s: out of memory", name);
done:
    current_info(&info, kind, tr, &st, live ? in : NULL,
                 sharded ? &shard_stats : NULL);
    tcpl_tracker_free(tr);
    tcpl_pcap_close(in);
    tcpl_feed_end(&st);
    tcpl_feed_note(name, &st);
    if (live && info.dropped)
        fprintf(stderr, PROG ": %s: note: the kernel dropped %" PRIu64
                " packets: lifecycles may miss segments\n", name, info.dropped);
    if (err[0]) {
        fprintf(stderr, PROG ": %s\n", err);
        info.error = err;
        status = 1;
    }
    if (tcpl_report_end_file(r, &info) != 0)
        status = 1;
    if (stream && o->format == TCPL_FMT_CSV)
        stats_line(name, &info, "totals");
    return status;
}

int tcpl_report_pcap(tcpl_report *r, const tcpl_report_opts *o,
                     const char *path)
{
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    char err[TCPL_PCAP_ERR];
    tcpl_pcap_in *in;

    if (stop_requested)
        return 0;
    in = tcpl_feed_open(path, false, err, sizeof err);
    if (!in) {
        fprintf(stderr, PROG ": %s\n", err);
        return 1;
    }
    return run_capture(r, o, in, name, false);
}

int tcpl_report_live(tcpl_report *r, const tcpl_report_opts *o,
                     const char *iface, const char *filter)
{
    char err[TCPL_PCAP_ERR];
    tcpl_pcap_in *in = tcpl_pcap_open_live(iface, filter, err, sizeof err);

    if (!in || tcpl_feed_check_link(in, iface, err, sizeof err) != 0) {
        fprintf(stderr, PROG ": %s\n", err);
        return 1;
    }
    return run_capture(r, o, in, iface, true);
}
