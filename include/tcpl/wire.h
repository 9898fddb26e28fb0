/*
 * wire.h - decode the TCP header of one captured frame.
 *
 * The plugin and the pcap reader both need, per frame, the addresses,
 * ports and TCP header fields that make a tcpl_segment.  Asking Wireshark
 * for its tcp.* fields costs a proto tree per frame; reading 40-odd header
 * bytes ourselves costs next to nothing.  This decoder walks the link layer
 * (libpcap LINKTYPE_ numbering), optional 802.1Q/802.1ad tags, IPv4 (with
 * options; non-first fragments are not TCP) or IPv6 (with extension
 * headers), and the TCP header; ICMP and ICMPv6 errors that quote a TCP
 * segment are read too (wire_icmp.c), as evidence for that connection.
 * It never reads past caplen.  Pure C, no
 * allocation, no I/O.
 */
#ifndef TCPL_WIRE_H
#define TCPL_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "tcpl/tcpl.h"

#ifdef __cplusplus
extern "C" {
#endif

/* libpcap LINKTYPE_ values (what pcap_datalink() and pcapng IDBs carry). */
enum {
    TCPL_LINK_NULL = 0,         /* BSD loopback, host-order family */
    TCPL_LINK_ETHERNET = 1,
    TCPL_LINK_RAW = 101,        /* raw IPv4/IPv6, version nibble decides */
    TCPL_LINK_LOOP = 108,       /* OpenBSD loopback, network-order family */
    TCPL_LINK_LINUX_SLL = 113,
    TCPL_LINK_IPV4 = 228,
    TCPL_LINK_IPV6 = 229,
    TCPL_LINK_LINUX_SLL2 = 276
};

typedef struct tcpl_wire_tcp {
    uint8_t family;     /* 4 or 6 */
    uint8_t src[16];    /* IPv4 uses the first 4 bytes */
    uint8_t dst[16];
    uint16_t sport;
    uint16_t dport;
    uint32_t seq;
    uint32_t ack;
    uint32_t window;    /* unscaled header field */
    uint32_t len;       /* payload length from the IP length, not caplen */
    uint16_t flags;     /* TCPL_FIN ... as in the header */
    uint8_t ttl;        /* IPv4 TTL / IPv6 hop limit of the frame's IP header */
    /* TCPL_WIRE_ICMP only (icmp is 0 otherwise): the error's IP version (4
     * or 6), type, code, source address and next-hop MTU (packet too big).
     * The fields above then describe the quoted segment: its addresses and
     * ports as its sender wrote them, seq; ack, flags and len only when
     * the quote holds them (else 0); ttl is the ICMP packet's. */
    uint8_t icmp;
    uint8_t icmp_type;
    uint8_t icmp_code;
    uint16_t icmp_mtu;
    uint8_t icmp_src[16];
} tcpl_wire_tcp;

enum {
    TCPL_WIRE_ICMP = 2,       /* an ICMP/ICMPv6 error quoting a TCP segment
                                 (at least ports and sequence number): *out
                                 filled as described above */
    TCPL_WIRE_TCP = 1,        /* *out filled */
    TCPL_WIRE_NOT_TCP = 0,    /* another protocol, or a non-first fragment */
    TCPL_WIRE_TRUNCATED = -1, /* the TCP header is not wholly captured */
    TCPL_WIRE_MALFORMED = -2, /* lengths that contradict each other */
    TCPL_WIRE_LINKTYPE = -3   /* link type not supported */
};

/* Decode one frame; returns one of the TCPL_WIRE_* codes. */
int tcpl_wire_decode(int linktype, const uint8_t *frame, size_t caplen,
                     tcpl_wire_tcp *out);

/* Fill a segment from a decoded header or ICMP error (from is the
 * caller's numbering: for an ICMP error, the quoted segment's sender). */
void tcpl_wire_segment(const tcpl_wire_tcp *w, int64_t ts_ns, uint8_t from,
                       tcpl_segment *s);

#ifdef __cplusplus
}
#endif

#endif /* TCPL_WIRE_H */
