/*
 * wire_icmp.c - read the TCP segment an ICMP or ICMPv6 error quotes.
 *
 * A router or host that cannot deliver a segment answers its sender with
 * an ICMP error quoting the segment's IP header and at least the first 8
 * bytes of its TCP header (RFC 792; ICMPv6 and most stacks quote as much
 * as fits).  Those 8 bytes hold the ports and the sequence number: enough
 * to find the connection and check the error against what its sender had
 * sent, as the sender's own stack does.  Only error types are read; echo
 * and the rest are not about any connection.  Every read is checked
 * against both the captured length and the length the IP header claims.
 */
#include "wire_int.h"

#include <string.h>

enum {
    ICMP4_UNREACH = 3,
    ICMP4_SOURCE_QUENCH = 4,
    ICMP4_REDIRECT = 5,
    ICMP4_TIME_EXCEEDED = 11,
    ICMP4_PARAM_PROBLEM = 12,
    ICMP4_FRAG_NEEDED = 4, /* code of ICMP4_UNREACH */
    ICMP6_UNREACH = 1,
    ICMP6_PACKET_TOO_BIG = 2,
    ICMP6_TIME_EXCEEDED = 3,
    ICMP6_PARAM_PROBLEM = 4
};

#define IPPROTO_TCP_ 6

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

/*
 * The quoted TCP header: `have` bytes of it are in the error, and the
 * quoted IP header said the segment was `seg_len` bytes (header + data)
 * long.  Ports and sequence number are required; the rest is read when
 * the quote reaches it, else left 0.
 */
static int quoted_tcp(const uint8_t *p, size_t have, size_t seg_len,
                      tcpl_wire_tcp *out)
{
    out->sport = be16(p);
    out->dport = be16(p + 2);
    out->seq = be32(p + 4);
    out->ack = have >= 12 ? be32(p + 8) : 0;
    out->flags = have >= 14 ? (uint16_t)(((p[12] & 0x0F) << 8) | p[13]) : 0;
    out->window = have >= 16 ? be16(p + 14) : 0;
    out->len = 0;
    if (have >= 13) {
        size_t hlen = (size_t)(p[12] >> 4) * 4;
        if (hlen >= 20 && seg_len >= hlen)
            out->len = (uint32_t)(seg_len - hlen);
    }
    return TCPL_WIRE_ICMP;
}

/* How many bytes of a quote are usable, and why not when too few. */
static int too_short(size_t cap, size_t ip_len, size_t need)
{
    return ip_len < need ? TCPL_WIRE_MALFORMED
                         : (cap < need ? TCPL_WIRE_TRUNCATED : 0);
}

int wire_icmp4(const uint8_t *p, size_t cap, size_t ip_len, tcpl_wire_tcp *out)
{
    size_t ihl, avail, seg_len;
    const uint8_t *q;
    int rc;

    if ((rc = too_short(cap, ip_len, 8)) != 0)
        return rc;
    switch (p[0]) {
    case ICMP4_UNREACH:
    case ICMP4_SOURCE_QUENCH:
    case ICMP4_REDIRECT:
    case ICMP4_TIME_EXCEEDED:
    case ICMP4_PARAM_PROBLEM:
        break;
    default:
        return TCPL_WIRE_NOT_TCP; /* echo, timestamps...: no quote */
    }
    out->icmp_type = p[0];
    out->icmp_code = p[1];
    out->icmp_mtu = p[0] == ICMP4_UNREACH && p[1] == ICMP4_FRAG_NEEDED
                        ? be16(p + 6) : 0;
    memcpy(out->icmp_src, out->src, sizeof out->icmp_src);

    /* The quoted IPv4 header. */
    if ((rc = too_short(cap, ip_len, 8 + 20)) != 0)
        return rc;
    q = p + 8;
    if ((q[0] >> 4) != 4)
        return TCPL_WIRE_MALFORMED;
    ihl = (size_t)(q[0] & 0x0F) * 4;
    if (ihl < 20)
        return TCPL_WIRE_MALFORMED;
    if (q[9] != IPPROTO_TCP_ || (be16(q + 6) & 0x1FFF) != 0)
        return TCPL_WIRE_NOT_TCP;
    if ((rc = too_short(cap, ip_len, 8 + ihl + 8)) != 0)
        return rc;
    memset(out->src, 0, sizeof out->src);
    memset(out->dst, 0, sizeof out->dst);
    memcpy(out->src, q + 12, 4);
    memcpy(out->dst, q + 16, 4);
    avail = (cap < ip_len ? cap : ip_len) - 8 - ihl;
    seg_len = be16(q + 2) >= ihl ? be16(q + 2) - ihl : 0;
    out->icmp = 4; /* only now: icmp stays 0 unless the result is ICMP */
    return quoted_tcp(q + ihl, avail, seg_len, out);
}

int wire_icmp6(const uint8_t *p, size_t cap, size_t ip_len, tcpl_wire_tcp *out)
{
    size_t avail;
    const uint8_t *q;
    uint32_t mtu;
    int rc;

    if ((rc = too_short(cap, ip_len, 8)) != 0)
        return rc;
    switch (p[0]) {
    case ICMP6_UNREACH:
    case ICMP6_PACKET_TOO_BIG:
    case ICMP6_TIME_EXCEEDED:
    case ICMP6_PARAM_PROBLEM:
        break;
    default:
        return TCPL_WIRE_NOT_TCP; /* informational (128 and up), NDP */
    }
    out->icmp_type = p[0];
    out->icmp_code = p[1];
    mtu = p[0] == ICMP6_PACKET_TOO_BIG ? be32(p + 4) : 0;
    out->icmp_mtu = (uint16_t)(mtu > 0xFFFF ? 0xFFFF : mtu);
    memcpy(out->icmp_src, out->src, sizeof out->icmp_src);

    /* The quoted IPv6 header.  A quoted segment behind extension headers
     * is not followed: errors about TCP quote plain TCP in practice. */
    if ((rc = too_short(cap, ip_len, 8 + 40)) != 0)
        return rc;
    q = p + 8;
    if ((q[0] >> 4) != 6)
        return TCPL_WIRE_MALFORMED;
    if (q[6] != IPPROTO_TCP_)
        return TCPL_WIRE_NOT_TCP;
    if ((rc = too_short(cap, ip_len, 8 + 40 + 8)) != 0)
        return rc;
    memcpy(out->src, q + 8, 16);
    memcpy(out->dst, q + 24, 16);
    avail = (cap < ip_len ? cap : ip_len) - 8 - 40;
    out->icmp = 6;
    return quoted_tcp(q + 40, avail, be16(q + 4), out);
}
