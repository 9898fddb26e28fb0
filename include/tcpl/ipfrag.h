/*
 * ipfrag.h - put IPv4 and IPv6 fragments back together before the TCP
 * inside them is decoded.
 *
 * A fragmented TCP segment shows its header in the first fragment only,
 * with the fragment's length instead of the segment's, and the rest of
 * its bytes in frames the decoder cannot place.  Zeek and Wireshark
 * reassemble; so does a reader that wants to agree with them.  This is
 * core code with the caller's memory: the caller sizes one block with
 * tcpl_ipfrag_size(), hands it to tcpl_ipfrag_init(), and owns it; nothing
 * here allocates, reads a clock or does I/O, so the reassembler is tested
 * and fuzzed with the decoder it serves.
 *
 * Rules, as RFC 791, RFC 8200 and RFC 5722 have them and Linux applies
 * them: fragments are matched on (family, source, destination, id,
 * protocol); a datagram whose fragments overlap with anything but an
 * exact duplicate is dropped whole (an overlap is how evasion works, and
 * RFC 5722 forbids it for IPv6); so is one whose pieces contradict each
 * other's lengths, exceed 64 KiB, or come in more pieces than
 * TCPL_IPFRAG_PIECES.  A datagram still incomplete after the timeout
 * (since its first fragment, by capture time) is dropped.  Every drop is
 * counted.
 */
#ifndef TCPL_IPFRAG_H
#define TCPL_IPFRAG_H

#include <stddef.h>
#include <stdint.h>

#include "tcpl/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Pieces one datagram may come in.  A 64 KiB datagram over a 1280-byte
 * IPv6 path takes 52. */
#define TCPL_IPFRAG_PIECES 64

/* Slots the readers of captures (the CLI, the plugin) give their
 * reassembler: datagrams in reassembly at once (about 66 KiB each, 4 MiB
 * in all, allocated at a capture's first fragment). */
#define TCPL_IPFRAG_SLOTS 64

/* Linux's default ipfrag_time. */
#define TCPL_IPFRAG_TIMEOUT_NS (30 * (int64_t)1000000000)

typedef struct tcpl_ipfrag_stats {
    uint64_t fragments;    /* fragments taken in */
    uint64_t reassembled;  /* datagrams completed */
    uint64_t duplicates;   /* fragments identical to one already held */
    uint64_t overlapping;  /* datagrams dropped: pieces overlap */
    uint64_t bad;          /* datagrams or fragments dropped: lengths that
                              contradict, beyond 64 KiB, too many pieces,
                              a fragment the capture cut short */
    uint64_t timed_out;    /* datagrams dropped incomplete (timeout, or
                              still open at tcpl_ipfrag_expire_all) */
    uint64_t no_room;      /* fragments dropped: every slot in use */
} tcpl_ipfrag_stats;

typedef struct tcpl_ipfrag tcpl_ipfrag;

/* Bytes of memory a reassembler holding `slots` datagrams at once needs
 * (about 66 KiB a slot). */
size_t tcpl_ipfrag_size(unsigned slots);

/* Lay a reassembler out in mem (n bytes, at least tcpl_ipfrag_size(slots),
 * aligned for any type, as malloc gives).  NULL when n is too small or
 * slots is 0. */
tcpl_ipfrag *tcpl_ipfrag_init(void *mem, size_t n, unsigned slots,
                              int64_t timeout_ns);

/*
 * Take the fragment f (as tcpl_wire_decode() described it; its bytes must
 * still be in memory) seen at ts_ns.  Returns 1 when it completed a
 * datagram: *dgram and *len are then a whole IPv4 or IPv6 datagram (valid
 * until the next call), to decode as TCPL_LINK_RAW.  Returns 0 when the
 * datagram is still incomplete, or the fragment was dropped (counted).
 */
int tcpl_ipfrag_add(tcpl_ipfrag *r, const tcpl_wire_frag *f, int64_t ts_ns,
                    const uint8_t **dgram, size_t *len);

/* tcpl_ipfrag_resume()'s code for a fragment that completed nothing (kept
 * for later, or dropped and counted): there is no segment to step. */
#define TCPL_IPFRAG_HELD 100

/* Fragmentation nested deeper than this (a fragmented tunnel carrying
 * fragments) is not reassembled further. */
#define TCPL_IPFRAG_DEPTH 3

/*
 * What every reader of captures does with a frame tcpl_wire_decode() found
 * a fragment in (w->frag.ip set; rc its return code): hand the fragment
 * to r and, when that completes the datagram, decode the datagram in its
 * place, again for a datagram that holds a fragment itself (up to
 * TCPL_IPFRAG_DEPTH).  Returns TCPL_IPFRAG_HELD, or the datagram's
 * tcpl_wire_decode() code with *w describing it (valid until the next call
 * on r), its encapsulation preceded by the layers the frame had around
 * the fragment.  One function, so that the plugin, report --pcap, --live
 * and annotate cannot reassemble differently.
 */
int tcpl_ipfrag_resume(tcpl_ipfrag *r, int rc, int64_t ts_ns,
                       tcpl_wire_tcp *w);

/* Drop every datagram still incomplete (the capture ended), counted as
 * timed out. */
void tcpl_ipfrag_expire_all(tcpl_ipfrag *r);

const tcpl_ipfrag_stats *tcpl_ipfrag_stats_of(const tcpl_ipfrag *r);

#ifdef __cplusplus
}
#endif

#endif /* TCPL_IPFRAG_H */
