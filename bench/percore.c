/*
 * percore.c - one stage of `report --pcap`'s single-core path over a
 * capture, timed from opening the file to the end, for bench/percore.sh.
 *
 * The stages nest, so the difference between two of them is what the
 * later one adds: `floor` is libpcap alone (pcap_next_ex, touching each
 * packet's first byte), the cost every capture reader pays; `read` is the
 * program's own reader (pcap_in.c); `decode` adds the link/IP/TCP decoding
 * and the tuple and segment the tracker takes (pcap_feed.c); `step` adds
 * the tracker's lookup, the engine step, the recording of timelines and
 * the end of the capture, with lifecycles handed to a callback that only
 * counts them.  What the full report adds on top (output formatting) is
 * measured by running the program itself.
 *
 * usage: percore floor|read|decode|step CAPTURE
 * Prints one line: stage, packets, seconds, packets per second.
 */
#define _DEFAULT_SOURCE /* pcap.h uses the BSD u_int/u_char types */

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <pcap/pcap.h>

#include "pcap_feed.h"
#include "pcap_in.h"
#include "tracker.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void count_lifecycle(void *user, const tcpl_lifecycle *lc)
{
    (void)lc;
    (*(uint64_t *)user)++;
}

/* libpcap alone; sink keeps the loop from being optimised away. */
static int run_floor(const char *path, uint64_t *packets, uint64_t *sink)
{
    char perr[PCAP_ERRBUF_SIZE];
    struct pcap_pkthdr *h;
    const u_char *data;
    pcap_t *p = pcap_open_offline_with_tstamp_precision(
        path, PCAP_TSTAMP_PRECISION_NANO, perr);

    if (!p) {
        fprintf(stderr, "percore: %s\n", perr);
        return 1;
    }
    while (pcap_next_ex(p, &h, &data) == 1) {
        (*packets)++;
        *sink += h->caplen + (h->caplen ? data[0] : 0);
    }
    pcap_close(p);
    return 0;
}

static int run_ours(const char *stage, const char *path, uint64_t *packets,
                    uint64_t *sink)
{
    char err[TCPL_PCAP_ERR] = "";
    tcpl_pcap_in *in = tcpl_feed_open(path, false, err, sizeof err);
    tcpl_tracker *tr = NULL;
    tcpl_feed_stats st;
    tcpl_pcap_packet pk;
    tcpl_wire_tcp w;
    tcpl_tuple t;
    tcpl_segment s;
    int lt, rc = 0;

    if (!in) {
        fprintf(stderr, "percore: %s\n", err);
        return 1;
    }
    lt = tcpl_pcap_linktype(in);
    memset(&st, 0, sizeof st);
    if (strcmp(stage, "step") == 0) {
        tcpl_tracker_opts o;
        tcpl_tracker_opts_init(&o);
        o.emit = count_lifecycle;
        o.user = sink;
        tr = tcpl_tracker_new(&o);
        if (!tr) {
            fprintf(stderr, "percore: out of memory\n");
            tcpl_pcap_close(in);
            return 1;
        }
    }
    while ((rc = tcpl_pcap_next(in, &pk, err, sizeof err)) == 1) {
        (*packets)++;
        if (tr) {
            if (tcpl_feed(tr, lt, &pk, &w, NULL, &st) < 0) {
                snprintf(err, sizeof err, "out of memory");
                rc = -1;
                break;
            }
        } else if (strcmp(stage, "decode") == 0) {
            if (tcpl_feed_decode(lt, &pk, &w, &t, &s, &st))
                *sink += s.seq;
        } else {
            *sink += pk.caplen + (pk.caplen ? pk.data[0] : 0);
        }
    }
    if (tr && tcpl_tracker_finish(tr) != 0)
        rc = -1;
    tcpl_tracker_free(tr);
    tcpl_pcap_close(in);
    if (rc < 0) {
        fprintf(stderr, "percore: %s\n", err);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *stages[] = {"floor", "read", "decode", "step"};
    uint64_t packets = 0, sink = 0;
    bool known = false;
    double t0, t1;
    int rc;

    if (argc != 3) {
        fprintf(stderr, "usage: percore floor|read|decode|step CAPTURE\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++)
        known |= strcmp(argv[1], stages[i]) == 0;
    if (!known) {
        fprintf(stderr, "percore: unknown stage '%s' (floor, read, decode, "
                "step)\n", argv[1]);
        return 2;
    }
    t0 = now_s();
    if (strcmp(argv[1], "floor") == 0)
        rc = run_floor(argv[2], &packets, &sink);
    else
        rc = run_ours(argv[1], argv[2], &packets, &sink);
    t1 = now_s();
    if (rc != 0)
        return 1;
    printf("%s %llu %.6f %.0f %llu\n", argv[1], (unsigned long long)packets,
           t1 - t0, t1 > t0 ? (double)packets / (t1 - t0) : 0.0,
           (unsigned long long)(sink & 1));
    return 0;
}
