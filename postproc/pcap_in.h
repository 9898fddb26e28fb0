/*
 * pcap_in.h - read pcap and pcapng captures packet by packet.
 *
 * libpcap does the reading (both formats, every timestamp resolution, both
 * byte orders); this wrapper turns its answers into what annotate and
 * `report --pcap` need: a 1-based frame number as Wireshark counts it,
 * nanosecond timestamps, the link type in LINKTYPE_ numbering (what
 * tcpl_wire_decode() and pcapng IDBs use, which is not always the DLT_
 * value libpcap hands out), and, on request, the packet comments a pcapng
 * input already carries.  libpcap does not expose those comments, so a
 * small block scanner of ours walks the pcapng file alongside and collects
 * each packet block's opt_comment options.
 *
 * Errors come back as one line of text in the caller's buffer, already
 * prefixed with the file name (and the frame, when there is one).
 */
#ifndef TCPL_POSTPROC_PCAP_IN_H
#define TCPL_POSTPROC_PCAP_IN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TCPL_PCAP_ERR 512

typedef struct tcpl_pcap_in tcpl_pcap_in;

/* One existing comment: UTF-8 text, not NUL-terminated. */
typedef struct tcpl_pcap_comment {
    const char *text;
    uint16_t len;
} tcpl_pcap_comment;

typedef struct tcpl_pcap_packet {
    uint64_t frame;      /* 1-based, as frame.number */
    int64_t ts_ns;       /* ns since the epoch */
    uint32_t caplen;     /* bytes in data */
    uint32_t len;        /* length on the wire */
    const uint8_t *data; /* valid until the next tcpl_pcap_next() */
    size_t ncomments;    /* comments the input had on this packet */
    const tcpl_pcap_comment *comments;
} tcpl_pcap_packet;

/*
 * Open path.  With want_comments, a pcapng input's packet comments are
 * collected too (a pcap input has none).  Returns NULL with err filled
 * ("FILE: what is wrong") when the file cannot be read as a capture.
 */
tcpl_pcap_in *tcpl_pcap_open(const char *path, bool want_comments, char *err,
                             size_t errlen);

void tcpl_pcap_close(tcpl_pcap_in *in);

/* LINKTYPE_ value of the capture (-1 when libpcap's DLT has no mapping). */
int tcpl_pcap_linktype(const tcpl_pcap_in *in);

/* Snapshot length the capture declares. */
uint32_t tcpl_pcap_snaplen(const tcpl_pcap_in *in);

/* True for pcapng input. */
bool tcpl_pcap_is_pcapng(const tcpl_pcap_in *in);

/*
 * Capture live on interface iface (libpcap: immediate mode, headers only,
 * nanosecond timestamps where the interface has them), with an optional
 * BPF filter.  Returns NULL with err filled when the interface cannot be
 * opened (no such device, not permitted) or the filter does not compile.
 * Frames are numbered from 1 in the order they are captured.
 */
tcpl_pcap_in *tcpl_pcap_open_live(const char *iface, const char *filter,
                                  char *err, size_t errlen);

/* Make a tcpl_pcap_next() waiting on in return 0 (the end) as soon as it
 * can.  Safe in a signal handler: libpcap only sets a flag and wakes its
 * poll. */
void tcpl_pcap_breakloop(tcpl_pcap_in *in);

/* Packets the kernel or interface dropped so far (live only: false for a
 * file). */
bool tcpl_pcap_live_drops(tcpl_pcap_in *in, uint64_t *dropped);

/* tcpl_pcap_next() on a live capture that had no packet within its
 * timeout; never for a file or a pipe. */
#define TCPL_PCAP_AGAIN 2

/*
 * Next packet: 1 with *p filled, 0 at the end of the capture (or after
 * tcpl_pcap_breakloop()), TCPL_PCAP_AGAIN (live only) when no packet came
 * in time, -1 with err filled ("FILE:frame N: what is wrong"; a cut
 * capture says "truncated") when the capture is damaged (truncated, a bad
 * block) -- the caller must then not treat what it read so far as the
 * whole capture.
 */
int tcpl_pcap_next(tcpl_pcap_in *in, tcpl_pcap_packet *p, char *err,
                   size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* TCPL_POSTPROC_PCAP_IN_H */
