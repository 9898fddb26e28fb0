/*
 * wire.c - TCP header decoder for captured frames (implements tcpl/wire.h).
 *
 * Both the plugin and the pcap reader turn raw frames into tcpl_segment
 * values through this file, so that the two adapters can never disagree on
 * what a frame holds.  The walk is link layer -> optional VLAN tags -> IPv4
 * or IPv6 (options and extension headers skipped) -> TCP header, or ICMP
 * (wire_icmp.c) for the errors that quote one.  Every read
 * is preceded by a bounds check against caplen; lengths are taken from the
 * IP header because a frame may be captured short of its real size (snaplen)
 * and the payload length must still be right.  What is not on that plain
 * path (other ethertypes, IP protocols and link types) is handed to
 * wire_encap.c through wire_int.h.
 */
#include "wire_int.h"

#include <string.h>

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86DD
#define ETHERTYPE_VLAN 0x8100  /* 802.1Q customer tag */
#define ETHERTYPE_QINQ 0x88A8  /* 802.1ad service tag */
#define ETHERTYPE_QINQ_OLD 0x9100 /* pre-standard service tag, still seen */

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_TCP_ 6
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_AH_ 51
#define IPPROTO_DSTOPTS_ 60
#define IPPROTO_MOBILITY_ 135

/* More tags than this is not a real network; stop rather than walk on. */
#define MAX_VLAN_TAGS 8

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

static uint32_t le32(const uint8_t *p)
{
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[1] << 8) | p[0];
}

/*
 * Decode the TCP header at p, given how many bytes the IP layer says the
 * segment has (ip_len) and how many were captured (cap).
 */
static int decode_tcp(const uint8_t *p, size_t cap, size_t ip_len,
                      tcpl_wire_tcp *out)
{
    size_t hlen;

    if (cap < 20)
        return ip_len < 20 ? TCPL_WIRE_MALFORMED : TCPL_WIRE_TRUNCATED;
    hlen = (size_t)(p[12] >> 4) * 4;
    if (hlen < 20 || hlen > ip_len)
        return TCPL_WIRE_MALFORMED;
    if (cap < hlen)
        return TCPL_WIRE_TRUNCATED;
    out->sport = be16(p);
    out->dport = be16(p + 2);
    out->seq = be32(p + 4);
    out->ack = be32(p + 8);
    /* The 12 flag bits, as tcp.flags shows them (AE/NS and reserved too). */
    out->flags = (uint16_t)(((p[12] & 0x0F) << 8) | p[13]);
    out->window = be16(p + 14);
    out->len = (uint32_t)(ip_len - hlen);
    /* Ethernet padding can make cap exceed the IP length. */
    out->cap_len = (uint32_t)((cap < ip_len ? cap : ip_len) - hlen);
    out->tcp_hdr = p;
    /* From the IP header on: what Zeek's ConnSize adds up (TotalLen). */
    out->ip_len = (uint32_t)((size_t)(p - out->ip_hdr) + ip_len);
    return TCPL_WIRE_TCP;
}

/* Remember the outermost fragment for a reassembler (tcpl_wire_frag). */
static void note_frag(tcpl_wire_tcp *out, const uint8_t *ip, size_t cap,
                      uint8_t family, uint32_t id, uint32_t offset,
                      size_t hdr_len, size_t data_len, uint8_t proto,
                      int more)
{
    tcpl_wire_frag *f = &out->frag;

    if (f->ip != NULL)
        return;
    f->ip = ip;
    f->cap = cap;
    f->family = family;
    f->id = id;
    f->offset = offset;
    f->hdr_len = (uint32_t)hdr_len;
    f->data_len = (uint32_t)data_len;
    f->proto = proto;
    f->more = (uint8_t)(more != 0);
}

int wire_ipv4(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    size_t ihl, tot;
    uint8_t proto;
    int more;
    uint32_t frag_off;

    if (cap < 20)
        return TCPL_WIRE_TRUNCATED;
    if ((p[0] >> 4) != 4)
        return TCPL_WIRE_MALFORMED;
    ihl = (size_t)(p[0] & 0x0F) * 4;
    if (ihl < 20)
        return TCPL_WIRE_MALFORMED;
    tot = be16(p + 2);
    /* Total length 0 is what TSO/GSO leaves in captures of the sending
     * host; like Wireshark, take the captured bytes as the datagram. */
    if (tot == 0)
        tot = cap;
    if (tot < ihl)
        return TCPL_WIRE_MALFORMED;
    if (cap < ihl)
        return TCPL_WIRE_TRUNCATED;
    frag_off = (uint32_t)(be16(p + 6) & 0x1FFF) * 8;
    more = (be16(p + 6) & 0x2000) != 0;
    if (frag_off != 0 || more)
        note_frag(out, p, cap, 4, be16(p + 4), frag_off, ihl, tot - ihl, p[9],
                  more);
    /* A non-first fragment carries no TCP header. */
    if (frag_off != 0)
        return TCPL_WIRE_NOT_TCP;
    proto = p[9];
    out->ttl = p[8];
    out->ip_hdr = p;
    out->family = 4;
    memset(out->src, 0, sizeof out->src);
    memset(out->dst, 0, sizeof out->dst);
    memcpy(out->src, p + 12, 4);
    memcpy(out->dst, p + 16, 4);
    p += ihl;
    cap -= ihl;
    tot -= ihl;
    /* IPsec AH in transport mode wraps TCP in IPv4 as well as in IPv6. */
    if (proto == IPPROTO_AH_) {
        size_t ah;
        if (cap < 2)
            return TCPL_WIRE_TRUNCATED;
        ah = ((size_t)p[1] + 2) * 4;
        if (ah > tot)
            return TCPL_WIRE_MALFORMED;
        if (cap < ah)
            return TCPL_WIRE_TRUNCATED;
        proto = p[0];
        p += ah;
        cap -= ah;
        tot -= ah;
    }
    if (proto == TCPL_IPPROTO_ICMP)
        return wire_icmp4(p, cap, tot, out);
    if (proto != IPPROTO_TCP_)
        return wire_encap_ip(proto, p, cap, tot, more, out);
    return decode_tcp(p, cap, tot, out);
}

int wire_ipv6(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    const uint8_t *ip = p;
    size_t plen;
    uint8_t next;
    int more = 0;

    if (cap < 40)
        return TCPL_WIRE_TRUNCATED;
    if ((p[0] >> 4) != 6)
        return TCPL_WIRE_MALFORMED;
    plen = be16(p + 4);
    /* 0 is a jumbogram or a GSO super-packet: the captured bytes are all
     * we have to go by. */
    if (plen == 0)
        plen = cap - 40;
    next = p[6];
    out->ttl = p[7];
    out->ip_hdr = p;
    out->family = 6;
    memcpy(out->src, p + 8, 16);
    memcpy(out->dst, p + 24, 16);
    p += 40;
    cap -= 40;

    /* Each extension header is at least 8 bytes, so the walk ends within
     * plen / 8 steps. */
    for (;;) {
        size_t ext;

        switch (next) {
        case IPPROTO_TCP_:
            return decode_tcp(p, cap, plen, out);
        case TCPL_IPPROTO_ICMPV6:
            return wire_icmp6(p, cap, plen, out);
        case IPPROTO_HOPOPTS_:
        case IPPROTO_ROUTING_:
        case IPPROTO_DSTOPTS_:
        case IPPROTO_MOBILITY_:
            if (cap < 2)
                return plen < 2 ? TCPL_WIRE_MALFORMED : TCPL_WIRE_TRUNCATED;
            ext = ((size_t)p[1] + 1) * 8;
            break;
        case IPPROTO_FRAGMENT_:
            if (cap < 8)
                return plen < 8 ? TCPL_WIRE_MALFORMED : TCPL_WIRE_TRUNCATED;
            if (plen < 8)
                return TCPL_WIRE_MALFORMED;
            more = be16(p + 2) & 1;
            if ((be16(p + 2) & 0xFFF8) != 0 || more)
                note_frag(out, ip, cap + (size_t)(p - ip), 6, be32(p + 4),
                          be16(p + 2) & 0xFFF8u, (size_t)(p - ip) + 8,
                          plen - 8, p[0], more);
            if ((be16(p + 2) & 0xFFF8) != 0)
                return TCPL_WIRE_NOT_TCP;
            ext = 8;
            break;
        case IPPROTO_AH_:
            if (cap < 2)
                return plen < 2 ? TCPL_WIRE_MALFORMED : TCPL_WIRE_TRUNCATED;
            ext = ((size_t)p[1] + 2) * 4;
            break;
        default:
            /* Tunnels; ESP, no-next-header, ICMPv6, unknown: not TCP. */
            return wire_encap_ip(next, p, cap, plen, more, out);
        }
        if (ext > plen)
            return TCPL_WIRE_MALFORMED;
        if (cap < ext)
            return TCPL_WIRE_TRUNCATED;
        next = p[0];
        p += ext;
        cap -= ext;
        plen -= ext;
    }
}

/* Dispatch on an ethertype, skipping VLAN tags first. */
int wire_ethertype(uint16_t type, const uint8_t *p, size_t cap,
                   tcpl_wire_tcp *out)
{
    int tags = 0;

    while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
           type == ETHERTYPE_QINQ_OLD) {
        if (++tags > MAX_VLAN_TAGS)
            return TCPL_WIRE_MALFORMED;
        if (cap < 4)
            return TCPL_WIRE_TRUNCATED;
        type = be16(p + 2);
        p += 4;
        cap -= 4;
    }
    switch (type) {
    case ETHERTYPE_IPV4:
        return wire_ipv4(p, cap, out);
    case ETHERTYPE_IPV6:
        return wire_ipv6(p, cap, out);
    default:
        return wire_encap_ethertype(type, p, cap, out);
    }
}

/* RAW: the version nibble is the only type information there is. */
static int decode_ip(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    if (cap < 1)
        return TCPL_WIRE_TRUNCATED;
    switch (p[0] >> 4) {
    case 4:
        return wire_ipv4(p, cap, out);
    case 6:
        return wire_ipv6(p, cap, out);
    default:
        return TCPL_WIRE_NOT_TCP;
    }
}

/*
 * BSD loopback address families.  AF_INET is 2 everywhere; AF_INET6
 * differs by the capturing OS (NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30,
 * Linux 10), and a capture says nothing about which OS wrote it.
 */
static int decode_family(uint32_t af, const uint8_t *p, size_t cap,
                         tcpl_wire_tcp *out)
{
    switch (af) {
    case 2:
        return wire_ipv4(p, cap, out);
    case 10:
    case 24:
    case 28:
    case 30:
        return wire_ipv6(p, cap, out);
    default:
        return TCPL_WIRE_NOT_TCP;
    }
}

int tcpl_wire_decode(int linktype, const uint8_t *frame, size_t caplen,
                     tcpl_wire_tcp *out)
{
    uint32_t af;

    if (frame == NULL)
        caplen = 0;
    out->ttl = 0;
    out->icmp = 0;
    out->cap_len = out->ip_len = 0;
    out->ip_hdr = out->tcp_hdr = NULL;
    memset(&out->encap, 0, sizeof out->encap);
    memset(&out->frag, 0, sizeof out->frag);
    switch (linktype) {
    case TCPL_LINK_NULL:
        if (caplen < 4)
            return TCPL_WIRE_TRUNCATED;
        /* Host order of the capturing machine, unknown to us: the family
         * is small, so the order in which it is small is the right one. */
        af = le32(frame);
        if (af > 0xFFFF)
            af = be32(frame);
        return decode_family(af, frame + 4, caplen - 4, out);
    case TCPL_LINK_LOOP:
        if (caplen < 4)
            return TCPL_WIRE_TRUNCATED;
        return decode_family(be32(frame), frame + 4, caplen - 4, out);
    case TCPL_LINK_ETHERNET:
        if (caplen < 14)
            return TCPL_WIRE_TRUNCATED;
        return wire_ethertype(be16(frame + 12), frame + 14, caplen - 14,
                                out);
    case TCPL_LINK_RAW:
        return decode_ip(frame, caplen, out);
    case TCPL_LINK_IPV4:
        return wire_ipv4(frame, caplen, out);
    case TCPL_LINK_IPV6:
        return wire_ipv6(frame, caplen, out);
    case TCPL_LINK_LINUX_SLL:
        /* packet type, ARPHRD, address length, 8-byte address, protocol */
        if (caplen < 16)
            return TCPL_WIRE_TRUNCATED;
        return wire_ethertype(be16(frame + 14), frame + 16, caplen - 16,
                                out);
    case TCPL_LINK_LINUX_SLL2:
        /* protocol first, then reserved, ifindex, ARPHRD, type, address */
        if (caplen < 20)
            return TCPL_WIRE_TRUNCATED;
        return wire_ethertype(be16(frame), frame + 20, caplen - 20, out);
    default:
        return wire_encap_link(linktype, frame, caplen, out);
    }
}

void tcpl_wire_segment(const tcpl_wire_tcp *w, int64_t ts_ns, uint8_t from,
                       tcpl_segment *s)
{
    s->ts_ns = ts_ns;
    s->seq = w->seq;
    s->ack = w->ack;
    s->len = w->len;
    s->window = w->window;
    s->flags = w->flags;
    s->sport = w->sport;
    s->dport = w->dport;
    s->from = from;
    s->ttl = w->ttl;
    s->icmp = w->icmp;
    s->icmp_type = w->icmp ? w->icmp_type : 0;
    s->icmp_code = w->icmp ? w->icmp_code : 0;
    s->icmp_mtu = w->icmp ? w->icmp_mtu : 0;
    s->icmp_seq_unknown = 0;
    s->icmp_from_peer = w->icmp && memcmp(w->icmp_src, w->dst, 16) == 0;
    s->uncaptured = !w->icmp && w->cap_len < w->len ? w->len - w->cap_len : 0;
    s->bad_checksum = 0;
    s->ip_len = w->icmp ? 0 : w->ip_len;
}
