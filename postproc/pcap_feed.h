/*
 * pcap_feed.h - from a captured frame to a tracker step, shared by every
 * command that reads captures (annotate, `report --pcap`, `report --live`),
 * so they all decode and count frames alike and name their input the same
 * way in messages.
 */
#ifndef TCPL_POSTPROC_PCAP_FEED_H
#define TCPL_POSTPROC_PCAP_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcap_in.h"
#include "tcpl/ipfrag.h"
#include "tcpl/wire.h"
#include "tracker.h"

/* What an input loop counted, and the two choices it reads frames by
 * (both off in a zeroed struct, as annotate has them). */
typedef struct tcpl_feed_stats {
    uint64_t records;
    uint64_t non_tcp;
    uint64_t incomplete; /* truncated or malformed headers */
    uint64_t first_incomplete;
    int first_incomplete_rc;
    bool check_checksums;  /* set by the caller: verify IPv4/TCP sums */
    uint64_t bad_ip_checksums;  /* frames dropped for their IPv4 header */
    uint64_t bad_tcp_checksums; /* segments taken as Zeek's 'C' only */
    bool reassemble;       /* set by the caller: reassemble IP fragments */
    tcpl_ipfrag *frag;     /* the reassembler, allocated at the first
                              fragment (tcpl_feed_end frees it) */
    void *frag_mem;
    uint64_t frag_no_memory; /* fragments passed on unreassembled: no
                                memory for the reassembler */
    tcpl_ipfrag_stats frag_stats; /* the reassembler's, once it is freed */
} tcpl_feed_stats;

/*
 * Decode one frame and step it.  Returns 1 when it was a TCP packet the
 * tracker took (pi filled when not NULL), 0 when it is not tracked, -1 when
 * out of memory.
 */
int tcpl_feed(tcpl_tracker *tr, int linktype, const tcpl_pcap_packet *p,
              tcpl_wire_tcp *w, tcpl_packet_info *pi, tcpl_feed_stats *st);

/* The decoding and counting half of tcpl_feed(): 1 with t and s filled
 * when p is a TCP packet to track, else 0 (counted). */
int tcpl_feed_decode(int linktype, const tcpl_pcap_packet *p,
                     tcpl_wire_tcp *w, tcpl_tuple *t, tcpl_segment *s,
                     tcpl_feed_stats *st);

/* The tracking half: step a tuple and segment tcpl_feed_decode() gave
 * into tr.  Returns as tcpl_feed(). */
int tcpl_feed_track(tcpl_tracker *tr, const tcpl_tuple *t,
                    const tcpl_segment *s, uint64_t frame,
                    tcpl_packet_info *pi, tcpl_feed_stats *st);

/* The notes on standard error about frames with a cut or malformed TCP/IP
 * header, bad checksums and fragments, when there were any. */
void tcpl_feed_note(const char *name, const tcpl_feed_stats *st);

/* The input ended: datagrams still in reassembly are dropped (counted),
 * the reassembler's memory freed.  Call before tcpl_feed_note(). */
void tcpl_feed_end(tcpl_feed_stats *st);

/* Open a capture file ("-": standard input) and check that the decoder
 * knows its link type; NULL with err filled otherwise. */
tcpl_pcap_in *tcpl_feed_open(const char *path, bool comments, char *err,
                             size_t n);

/* Check that the decoder knows in's link type: 0, or -1 with err filled
 * (in is then closed). */
int tcpl_feed_check_link(tcpl_pcap_in *in, const char *name, char *err,
                         size_t n);

#endif /* TCPL_POSTPROC_PCAP_FEED_H */
