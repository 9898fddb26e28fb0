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
 *
 * On the way it goes through the encapsulations Zeek reads (wire_encap.c):
 * 802.2 LLC/SNAP (FDDI, 802.3 lengths), MPLS, PBB, PPPoE, VN-tag, E-tag,
 * NSH, PPP, and the tunnels IP-in-IP, GRE (ERSPAN I/II/III, bridging),
 * VXLAN, VXLAN-GPE, Geneve, GTP-U, AYIYA, Teredo and GRE-in-UDP.  The TCP
 * header returned is the innermost; tcpl_wire_tcp.encap says what it was
 * wrapped in.
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
    TCPL_LINK_PPP = 9,          /* PPP, with or without RFC 1662 framing */
    TCPL_LINK_FDDI = 10,        /* FDDI MAC header, then 802.2 LLC */
    TCPL_LINK_PPP_HDLC = 50,    /* PPP in HDLC-like framing, or Cisco HDLC */
    TCPL_LINK_PPP_ETHER = 51,   /* PPPoE session header, then PPP */
    TCPL_LINK_RAW = 101,        /* raw IPv4/IPv6, version nibble decides */
    TCPL_LINK_C_HDLC = 104,     /* Cisco HDLC: address, control, ethertype */
    TCPL_LINK_LOOP = 108,       /* OpenBSD loopback, network-order family */
    TCPL_LINK_LINUX_SLL = 113,
    TCPL_LINK_MPLS = 219,       /* an MPLS label stack first */
    TCPL_LINK_IPV4 = 228,
    TCPL_LINK_IPV6 = 229,
    TCPL_LINK_LINUX_SLL2 = 276
};

/*
 * Encapsulation layers, as recorded in tcpl_wire_encap.layer.  Plain
 * framing is not recorded: Ethernet, 802.1Q/802.1ad tags, LLC/SNAP, PPP
 * and the link types themselves are how a link carries IP, and Zeek keeps
 * them out of its tunnel_parents too.  What is recorded either hides the
 * network the connection runs in (an MPLS VPN, a provider bridge, a
 * tunnel) or changes which addresses the capture point sees.
 */
enum {
    TCPL_ENC_MPLS = 1,   /* MPLS label stack (however many labels) */
    TCPL_ENC_PBB,        /* 802.1ah provider backbone bridging (I-tag) */
    TCPL_ENC_PPPOE,      /* PPPoE session */
    TCPL_ENC_VNTAG,      /* Cisco VN-tag */
    TCPL_ENC_ETAG,       /* 802.1BR E-tag */
    TCPL_ENC_NSH,        /* network service header (RFC 8300) */
    TCPL_ENC_IPIP,       /* IPv4 or IPv6 in IPv4 or IPv6 (protocol 4, 41) */
    TCPL_ENC_GRE,        /* GRE, also GRE in UDP (RFC 8086, port 4754) */
    TCPL_ENC_ERSPAN1,    /* ERSPAN type I (GRE 0x88BE without sequence) */
    TCPL_ENC_ERSPAN2,    /* ERSPAN type II */
    TCPL_ENC_ERSPAN3,    /* ERSPAN type III */
    TCPL_ENC_VXLAN,      /* UDP 4789 */
    TCPL_ENC_VXLAN_GPE,  /* UDP 4790 */
    TCPL_ENC_GENEVE,     /* UDP 6081 */
    TCPL_ENC_GTPU,       /* GTPv1-U G-PDU, UDP 2152 */
    TCPL_ENC_AYIYA,      /* UDP 5072 */
    TCPL_ENC_TEREDO,     /* UDP 3544 */
    TCPL_ENC_COUNT
};

/* Encapsulations deeper than this are refused as malformed: no real
 * network nests so many, and the bound keeps the walk short. */
#define TCPL_WIRE_ENCAP_MAX 8

/* What the TCP segment was wrapped in.  The tunnel endpoints are those of
 * the outermost IP tunnel, as this frame carries them (per direction). */
typedef struct tcpl_wire_encap {
    uint8_t n;                          /* layers recorded */
    uint8_t layer[TCPL_WIRE_ENCAP_MAX]; /* TCPL_ENC_*, outermost first */
    uint8_t family;                     /* 4 or 6; 0: no IP tunnel */
    uint8_t src[16];                    /* outermost tunnel source */
    uint8_t dst[16];                    /* and destination */
    uint8_t walked;                     /* the decoder's own count of
                                           headers walked (bounds it) */
} tcpl_wire_encap;

/*
 * The first IP fragment met on the way in (outermost first): what a
 * reassembler needs to put the datagram back together.  ip is NULL when
 * the frame holds no fragment.  Non-first fragments decode as
 * TCPL_WIRE_NOT_TCP and a first fragment as whatever its start holds (a
 * TCP header whose length is the fragment's, not the datagram's); a
 * caller that reassembles looks at frag before the return code.
 */
typedef struct tcpl_wire_frag {
    const uint8_t *ip;  /* the fragment's IP header, inside the frame */
    size_t cap;         /* bytes captured from ip on */
    uint32_t id;        /* IPv4 identification or IPv6 fragment id */
    uint32_t offset;    /* of this fragment's data in the datagram, bytes */
    uint32_t hdr_len;   /* from ip to the fragment's data (IPv6: the
                           unfragmentable part and the fragment header) */
    uint32_t data_len;  /* the fragment's data bytes, by the IP length */
    uint8_t family;     /* 4 or 6 */
    uint8_t proto;      /* the protocol the datagram carries */
    uint8_t more;       /* more fragments follow */
} tcpl_wire_frag;

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
    uint32_t cap_len;   /* payload bytes captured: less than len when the
                           snapshot length cut the segment */
    uint32_t ip_len;    /* the innermost IP packet's length, header and
                           extension headers included (IPv4 total length,
                           IPv6 40 + payload length); 0 for an ICMP error */
    uint16_t flags;     /* TCPL_FIN ... as in the header */
    uint8_t ttl;        /* IPv4 TTL / IPv6 hop limit of the innermost IP header */
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
    tcpl_wire_encap encap; /* n == 0: not encapsulated */
    tcpl_wire_frag frag;   /* frag.ip == NULL: not a fragment */
    /* For tcpl_wire_checksum(): the innermost IP header and the TCP
     * header, inside the frame (NULL for an ICMP error). */
    const uint8_t *ip_hdr;
    const uint8_t *tcp_hdr;
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

/* tcpl_wire_checksum() verdicts. */
enum {
    TCPL_CSUM_OK = 0,
    TCPL_CSUM_BAD_IP = 1,   /* the innermost IPv4 header's checksum */
    TCPL_CSUM_BAD_TCP = 2,  /* the TCP checksum (with the pseudo-header) */
    TCPL_CSUM_UNCHECKED = 3 /* not a whole TCP segment: cut by the
                               snapshot length, a fragment, an ICMP error */
};

/*
 * Verify the checksums of a frame tcpl_wire_decode() returned
 * TCPL_WIRE_TCP for (w as it filled it, the frame still in memory).  Only
 * the innermost IPv4 header is checked, not the tunnel headers around it;
 * IPv6 has no header checksum.  Like Zeek, a segment the capture did not
 * keep whole is not checked: its sum cannot be computed.
 */
int tcpl_wire_checksum(const tcpl_wire_tcp *w);

/* Name of a TCPL_ENC_* layer ("vxlan", "gre", "erspan2", ...); "?" for
 * an unknown code. */
const char *tcpl_wire_layer_name(int layer);

/* Longest string tcpl_wire_encap_str() writes, with its NUL. */
#define TCPL_WIRE_ENCAP_STRLEN 160

/*
 * A short description of e: the layers outermost first, joined by '/',
 * then the outermost tunnel's endpoints when there is an IP tunnel, e.g.
 * "vxlan 192.0.2.1->192.0.2.2", "mpls/gre/erspan2 10.0.0.1->10.0.0.2",
 * "pppoe".  Empty when nothing was recorded.  Always NUL-terminated (when
 * n > 0); returns the length it wanted, as snprintf does.
 */
size_t tcpl_wire_encap_str(const tcpl_wire_encap *e, char *buf, size_t n);

/* Fill a segment from a decoded header or ICMP error (from is the
 * caller's numbering: for an ICMP error, the quoted segment's sender). */
void tcpl_wire_segment(const tcpl_wire_tcp *w, int64_t ts_ns, uint8_t from,
                       tcpl_segment *s);

#ifdef __cplusplus
}
#endif

#endif /* TCPL_WIRE_H */
