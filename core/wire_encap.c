/*
 * wire_encap.c - the encapsulations and tunnels of the frame decoder
 * (wire.h; the plain path is wire.c).
 *
 * Zeek analyses the TCP connection inside whatever carries it; so do we.
 * Each function here reads one header, records it in out->encap when it
 * is an encapsulation worth naming (see wire.h), and hands the rest to the
 * next decoder, ending in wire.c's IPv4/IPv6 and TCP decoders.  The rules
 * every function keeps:
 *   - no byte is read before a check against cap, the bytes captured of
 *     the payload at hand;
 *   - a payload is cut at the length its carrier declares (UDP, PPPoE,
 *     GTP-U, an outer IP datagram unless more fragments follow), and a
 *     header that runs past that declared end is MALFORMED, while one that
 *     runs past the captured bytes is TRUNCATED;
 *   - a header found by a UDP port whose flags or version say it is not
 *     that protocol is NOT_TCP (the port was used for something else);
 *   - nesting ends: every recorded layer counts against
 *     TCPL_WIRE_ENCAP_MAX and every pass through the two entry points from
 *     wire.c against WALK_MAX, so crafted bytes cannot recurse deeply.
 */
#include "wire_int.h"

#include <string.h>

#define ETHERTYPE_MPLS 0x8847
#define ETHERTYPE_MPLS_MC 0x8848
#define ETHERTYPE_PBB 0x88E7     /* 802.1ah I-tag */
#define ETHERTYPE_PPPOE 0x8864   /* PPPoE session stage */
#define ETHERTYPE_VNTAG 0x8926
#define ETHERTYPE_ETAG 0x893F    /* 802.1BR */
#define ETHERTYPE_NSH 0x894F
#define ETHERTYPE_TEB 0x6558     /* transparent Ethernet bridging */
#define ETHERTYPE_ERSPAN 0x88BE  /* types I and II */
#define ETHERTYPE_ERSPAN3 0x22EB
#define ETHERTYPE_PPP 0x880B     /* PPP in GRE (PPTP) */
#define ETHER_MAX_LENGTH 1500    /* 802.3: up to here the field is a length */

#define IPPROTO_IPIP_ 4
#define IPPROTO_UDP_ 17
#define IPPROTO_IPV6_ 41
#define IPPROTO_GRE_ 47

#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057
#define PPP_MPLS 0x0281

/* Labels in one MPLS stack; real stacks have two or three. */
#define MAX_MPLS_LABELS 16
/* Passes through the entry points from wire.c: each recorded layer costs
 * at most two, plus LLC and the last IP payload. */
#define WALK_MAX (2 * TCPL_WIRE_ENCAP_MAX + 4)

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

/*
 * rc from decoding a payload that its carrier says is `declared` bytes
 * long, of which cap were captured: a header cut short where the carrier
 * says the payload ends (rather than where the capture stopped) is a
 * contradiction.  NO_LIMIT: the carrier does not say.
 */
#define NO_LIMIT ((size_t)-1)
static int declared_cut(int rc, size_t declared, size_t cap)
{
    return rc == TCPL_WIRE_TRUNCATED && declared <= cap ? TCPL_WIRE_MALFORMED
                                                         : rc;
}

/*
 * Record a layer; tunnel: an IP tunnel whose carrier's addresses (still
 * in out, the inner IP header has not overwritten them yet) are the
 * tunnel endpoints, kept for the outermost one.  0 when nested too deep.
 */
static int enter(tcpl_wire_tcp *out, int layer, int tunnel)
{
    tcpl_wire_encap *e = &out->encap;

    if (e->n >= TCPL_WIRE_ENCAP_MAX)
        return 0;
    e->layer[e->n++] = (uint8_t)layer;
    if (tunnel && e->family == 0) {
        e->family = out->family;
        memcpy(e->src, out->src, sizeof e->src);
        memcpy(e->dst, out->dst, sizeof e->dst);
    }
    return 1;
}

static int ethernet(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    if (cap < 14)
        return TCPL_WIRE_TRUNCATED;
    return wire_ethertype(be16(p + 12), p + 14, cap - 14, out);
}

/* An IP packet with nothing but its version nibble to say which. */
static int ip_by_version(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
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

/* ------------------------------------------------------ link level */

/*
 * 802.2 LLC.  IP rides in SNAP (AA AA 03) with the RFC 1042 or 802.1H
 * OUI and an ethertype, or, rarely, in the DoD IP SAP 06 (RFC 1042 calls
 * it obsolete; old FDDI gear still sends it).
 */
static int llc(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    uint32_t oui;
    uint16_t type;

    if (cap < 3)
        return TCPL_WIRE_TRUNCATED;
    if (p[0] == 0x06 && p[1] == 0x06 && p[2] == 0x03)
        return wire_ipv4(p + 3, cap - 3, out);
    if (p[0] != 0xAA || p[1] != 0xAA || p[2] != 0x03)
        return TCPL_WIRE_NOT_TCP;
    if (cap < 8)
        return TCPL_WIRE_TRUNCATED;
    oui = ((uint32_t)p[3] << 16) | ((uint32_t)p[4] << 8) | p[5];
    type = be16(p + 6);
    /* Another OUI's protocol numbers are not ethertypes, and a length
     * inside SNAP is nonsense. */
    if ((oui != 0 && oui != 0xF8) || type <= ETHER_MAX_LENGTH)
        return TCPL_WIRE_NOT_TCP;
    return wire_ethertype(type, p + 8, cap - 8, out);
}

static int mpls(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    int labels = 0;

    if (!enter(out, TCPL_ENC_MPLS, 0))
        return TCPL_WIRE_MALFORMED;
    for (;;) {
        int bottom;

        if (++labels > MAX_MPLS_LABELS)
            return TCPL_WIRE_MALFORMED;
        if (cap < 4)
            return TCPL_WIRE_TRUNCATED;
        bottom = p[2] & 1;
        p += 4;
        cap -= 4;
        if (bottom)
            break;
    }
    /* No type field: IP shows in its version nibble; 0 is the RFC 4385
     * pseudowire control word, then (the common case, and Wireshark's
     * guess too) an Ethernet frame. */
    if (cap < 1)
        return TCPL_WIRE_TRUNCATED;
    if ((p[0] >> 4) == 0) {
        if (cap < 4)
            return TCPL_WIRE_TRUNCATED;
        return ethernet(p + 4, cap - 4, out);
    }
    return ip_by_version(p, cap, out);
}

/*
 * PPP (RFC 1661): the address and control bytes FF 03 of HDLC-like
 * framing when present, then the protocol, one byte when compressed
 * (odd first byte, RFC 1661 section 6.5).
 */
static int ppp(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    uint16_t proto;

    if (cap < 2)
        return TCPL_WIRE_TRUNCATED;
    if (p[0] == 0xFF && p[1] == 0x03) {
        p += 2;
        cap -= 2;
        if (cap < 1)
            return TCPL_WIRE_TRUNCATED;
    }
    if (p[0] & 1) {
        proto = p[0];
        p += 1;
        cap -= 1;
    } else {
        if (cap < 2)
            return TCPL_WIRE_TRUNCATED;
        proto = be16(p);
        p += 2;
        cap -= 2;
    }
    switch (proto) {
    case PPP_IPV4:
        return wire_ipv4(p, cap, out);
    case PPP_IPV6:
        return wire_ipv6(p, cap, out);
    case PPP_MPLS:
        return mpls(p, cap, out);
    default:
        return TCPL_WIRE_NOT_TCP;
    }
}

/* PPPoE session stage (RFC 2516): version 1, type 1, code 0. */
static int pppoe(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    size_t len, avail;

    if (!enter(out, TCPL_ENC_PPPOE, 0))
        return TCPL_WIRE_MALFORMED;
    if (cap < 6)
        return TCPL_WIRE_TRUNCATED;
    if (p[0] != 0x11 || p[1] != 0x00)
        return TCPL_WIRE_NOT_TCP;
    len = be16(p + 4);
    p += 6;
    cap -= 6;
    avail = len < cap ? len : cap;
    return declared_cut(ppp(p, avail, out), len, cap);
}

/* Network service header (RFC 8300); its length counts 4-byte words. */
static int nsh(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    size_t len;

    if (!enter(out, TCPL_ENC_NSH, 0))
        return TCPL_WIRE_MALFORMED;
    if (cap < 8)
        return TCPL_WIRE_TRUNCATED;
    if ((p[0] >> 6) != 0)
        return TCPL_WIRE_NOT_TCP; /* a version we cannot read */
    len = (size_t)(p[1] & 0x3F) * 4;
    if (len < 8)
        return TCPL_WIRE_MALFORMED;
    if (cap < len)
        return TCPL_WIRE_TRUNCATED;
    switch (p[3]) {
    case 1:
        return wire_ipv4(p + len, cap - len, out);
    case 2:
        return wire_ipv6(p + len, cap - len, out);
    case 3:
        return ethernet(p + len, cap - len, out);
    case 4:
        return nsh(p + len, cap - len, out);
    case 5:
        return mpls(p + len, cap - len, out);
    default:
        return TCPL_WIRE_NOT_TCP;
    }
}

/* A tag of `skip` bytes followed by an ethertype (VN-tag, E-tag, and the
 * I-tag with its customer addresses). */
static int tag(int layer, size_t skip, const uint8_t *p, size_t cap,
               tcpl_wire_tcp *out)
{
    if (!enter(out, layer, 0))
        return TCPL_WIRE_MALFORMED;
    if (cap < skip + 2)
        return TCPL_WIRE_TRUNCATED;
    return wire_ethertype(be16(p + skip), p + skip + 2, cap - skip - 2, out);
}

int wire_encap_ethertype(uint16_t type, const uint8_t *p, size_t cap,
                         tcpl_wire_tcp *out)
{
    if (++out->encap.walked > WALK_MAX)
        return TCPL_WIRE_MALFORMED;
    switch (type) {
    case ETHERTYPE_MPLS:
    case ETHERTYPE_MPLS_MC:
        return mpls(p, cap, out);
    case ETHERTYPE_PBB:
        /* I-tag (4 bytes: priority, flags, I-SID), customer destination
         * and source addresses, then the customer's ethertype. */
        return tag(TCPL_ENC_PBB, 16, p, cap, out);
    case ETHERTYPE_PPPOE:
        return pppoe(p, cap, out);
    case ETHERTYPE_VNTAG:
        return tag(TCPL_ENC_VNTAG, 4, p, cap, out);
    case ETHERTYPE_ETAG:
        return tag(TCPL_ENC_ETAG, 6, p, cap, out);
    case ETHERTYPE_NSH:
        return nsh(p, cap, out);
    default:
        /* An 802.3 length (or Linux cooked's 0x0004, "802.2 frame"):
         * LLC follows. */
        if (type <= ETHER_MAX_LENGTH)
            return llc(p, cap, out);
        return TCPL_WIRE_NOT_TCP;
    }
}

/* ------------------------------------------------------ GRE, ERSPAN */

/* ERSPAN type III (draft-foschiano-erspan): 12 bytes, 8 more with the
 * optional platform subheader (O bit); frame type 0 is Ethernet, 2 IP. */
static int erspan3(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    size_t hl = 12;
    int frame_type;

    if (!enter(out, TCPL_ENC_ERSPAN3, 0))
        return TCPL_WIRE_MALFORMED;
    if (cap < 12)
        return TCPL_WIRE_TRUNCATED;
    if ((p[0] >> 4) != 2)
        return TCPL_WIRE_NOT_TCP;
    frame_type = (p[10] >> 2) & 0x1F;
    if (p[11] & 1)
        hl += 8;
    if (cap < hl)
        return TCPL_WIRE_TRUNCATED;
    switch (frame_type) {
    case 0:
        return ethernet(p + hl, cap - hl, out);
    case 2:
        return ip_by_version(p + hl, cap - hl, out);
    default:
        return TCPL_WIRE_NOT_TCP;
    }
}

/*
 * GRE (RFC 2784, with RFC 1701's optional fields and RFC 2890's key and
 * sequence number) and PPTP's enhanced GRE (version 1, RFC 2637), which
 * adds an acknowledgment number.
 */
static int gre(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    uint16_t flags, proto;
    size_t hl = 4;

    if (!enter(out, TCPL_ENC_GRE, 1))
        return TCPL_WIRE_MALFORMED;
    if (cap < 4)
        return TCPL_WIRE_TRUNCATED;
    flags = be16(p);
    proto = be16(p + 2);
    if ((flags & 7) > 1)
        return TCPL_WIRE_NOT_TCP;
    if (flags & 0xC000) /* checksum and offset, present with C or R */
        hl += 4;
    if (flags & 0x2000) /* key */
        hl += 4;
    if (flags & 0x1000) /* sequence number */
        hl += 4;
    if ((flags & 7) == 1 && (flags & 0x0080)) /* PPTP acknowledgment */
        hl += 4;
    if (cap < hl)
        return TCPL_WIRE_TRUNCATED;
    if (flags & 0x4000) {
        /* RFC 1701 source routing: entries up to a null one (family 0,
         * length 0); each takes at least 4 bytes, so the walk ends. */
        for (;;) {
            uint16_t af;
            size_t len;

            if (cap < hl + 4)
                return TCPL_WIRE_TRUNCATED;
            af = be16(p + hl);
            len = p[hl + 3];
            hl += 4 + len;
            if (cap < hl)
                return TCPL_WIRE_TRUNCATED;
            if (af == 0 && len == 0)
                break;
        }
    }
    p += hl;
    cap -= hl;
    switch (proto) {
    case ETHERTYPE_TEB:
        return ethernet(p, cap, out);
    case ETHERTYPE_ERSPAN:
        /* Type II has a sequence number and an 8-byte header; type I
         * neither: the mirrored frame follows GRE directly. */
        if (!(flags & 0x1000)) {
            if (!enter(out, TCPL_ENC_ERSPAN1, 0))
                return TCPL_WIRE_MALFORMED;
            return ethernet(p, cap, out);
        }
        if (!enter(out, TCPL_ENC_ERSPAN2, 0))
            return TCPL_WIRE_MALFORMED;
        if (cap < 8)
            return TCPL_WIRE_TRUNCATED;
        if ((p[0] >> 4) != 1)
            return TCPL_WIRE_NOT_TCP;
        return ethernet(p + 8, cap - 8, out);
    case ETHERTYPE_ERSPAN3:
        return erspan3(p, cap, out);
    case ETHERTYPE_PPP:
        return ppp(p, cap, out);
    default:
        return wire_ethertype(proto, p, cap, out);
    }
}

/* ------------------------------------------------------ UDP tunnels */

/* VXLAN (RFC 7348): the I flag says the VNI is valid; Ethernet inside. */
static int vxlan(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    if (cap < 8)
        return TCPL_WIRE_TRUNCATED;
    if (!(p[0] & 0x08))
        return TCPL_WIRE_NOT_TCP;
    return ethernet(p + 8, cap - 8, out);
}

/* VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe): version 0; the P flag says a
 * next-protocol byte is there, else it is Ethernet as in VXLAN. */
static int vxlan_gpe(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    int next = 3;

    if (cap < 8)
        return TCPL_WIRE_TRUNCATED;
    if ((p[0] & 0x30) != 0)
        return TCPL_WIRE_NOT_TCP;
    if (p[0] & 0x04)
        next = p[3];
    switch (next) {
    case 1:
        return wire_ipv4(p + 8, cap - 8, out);
    case 2:
        return wire_ipv6(p + 8, cap - 8, out);
    case 3:
        return ethernet(p + 8, cap - 8, out);
    case 4:
        return nsh(p + 8, cap - 8, out);
    case 5:
        return mpls(p + 8, cap - 8, out);
    default:
        return TCPL_WIRE_NOT_TCP;
    }
}

/* Geneve (RFC 8926): version 0, options of 4-byte words, an ethertype. */
static int geneve(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    size_t hl;
    uint16_t proto;

    if (cap < 8)
        return TCPL_WIRE_TRUNCATED;
    if ((p[0] >> 6) != 0)
        return TCPL_WIRE_NOT_TCP;
    hl = 8 + (size_t)(p[0] & 0x3F) * 4;
    if (cap < hl)
        return TCPL_WIRE_TRUNCATED;
    proto = be16(p + 2);
    if (proto == ETHERTYPE_TEB)
        return ethernet(p + hl, cap - hl, out);
    return wire_ethertype(proto, p + hl, cap - hl, out);
}

/*
 * GTPv1-U (3GPP TS 29.281): only a G-PDU (type 255) carries user IP.  Its
 * length counts the bytes after the 8 mandatory ones; any of E, S, PN
 * adds 4 (sequence, N-PDU, next extension type), and extension headers
 * (length in 4-byte words, next type in their last byte) follow while the
 * next type is not 0.
 */
static int gtpu(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    size_t hl = 8, avail, len;
    int rc;

    if (cap < 8)
        return TCPL_WIRE_TRUNCATED;
    if ((p[0] >> 5) != 1 || !(p[0] & 0x10))
        return TCPL_WIRE_NOT_TCP; /* GTP' or GTPv2-C on the port */
    if (p[1] != 0xFF)
        return TCPL_WIRE_NOT_TCP; /* echo, error indication, ... */
    len = be16(p + 2);
    avail = 8 + len < cap ? 8 + len : cap;
    if (p[0] & 0x07) {
        uint8_t next;

        hl = 12;
        if (avail < hl)
            return declared_cut(TCPL_WIRE_TRUNCATED, 8 + len, cap);
        next = (p[0] & 0x04) ? p[11] : 0;
        while (next != 0) {
            size_t ext;

            if (avail < hl + 1)
                return declared_cut(TCPL_WIRE_TRUNCATED, 8 + len, cap);
            ext = (size_t)p[hl] * 4;
            if (ext == 0)
                return TCPL_WIRE_MALFORMED;
            if (avail < hl + ext)
                return declared_cut(TCPL_WIRE_TRUNCATED, 8 + len, cap);
            next = p[hl + ext - 1];
            hl += ext;
        }
    }
    rc = ip_by_version(p + hl, avail - hl, out);
    return declared_cut(rc, 8 + len, cap);
}

/* AYIYA (draft-massar-v6ops-ayiya): identity of 2^n bytes and signature
 * of 4-byte words after 8 fixed bytes; opcode 1 forwards a packet. */
static int ayiya(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    size_t hl;

    if (cap < 8)
        return TCPL_WIRE_TRUNCATED;
    if ((p[2] & 0x0F) != 1)
        return TCPL_WIRE_NOT_TCP;
    hl = 8 + ((size_t)1 << (p[0] >> 4)) + (size_t)(p[1] >> 4) * 4;
    if (cap < hl)
        return TCPL_WIRE_TRUNCATED;
    switch (p[3]) {
    case IPPROTO_IPIP_:
        return wire_ipv4(p + hl, cap - hl, out);
    case IPPROTO_IPV6_:
        return wire_ipv6(p + hl, cap - hl, out);
    default:
        return TCPL_WIRE_NOT_TCP;
    }
}

/*
 * Teredo (RFC 4380): an IPv6 packet, optionally after an authentication
 * indication (00 01, lengths, client id, value, nonce, confirmation) and
 * an origin indication (00 00, port, address), in that order.  Sets *hl
 * to their length; returns 0 or TRUNCATED.
 */
static int teredo_indications(const uint8_t *p, size_t cap, size_t *hl)
{
    size_t at = 0;

    if (cap < 2)
        return TCPL_WIRE_TRUNCATED;
    if (p[0] == 0 && p[1] == 1) {
        if (cap < 4)
            return TCPL_WIRE_TRUNCATED;
        at = 4 + (size_t)p[2] + p[3] + 8 + 1;
        if (cap < at + 2)
            return TCPL_WIRE_TRUNCATED;
    }
    if (p[at] == 0 && p[at + 1] == 0)
        at += 8;
    *hl = at;
    return 0;
}

static int teredo(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    size_t hl;
    int rc = teredo_indications(p, cap, &hl);

    if (rc != 0)
        return rc;
    if (cap < hl + 1)
        return TCPL_WIRE_TRUNCATED;
    if ((p[hl] >> 4) != 6)
        return TCPL_WIRE_NOT_TCP;
    return wire_ipv6(p + hl, cap - hl, out);
}

/*
 * Teredo between a client and a relay uses neither port 3544; like Zeek,
 * recognise it by its content: an IPv6 header whose payload length
 * accounts for exactly the rest of the datagram (len bytes by its UDP
 * header).  Anything less strict would read random UDP as IPv6.
 */
static int teredo_detect(const uint8_t *p, size_t cap, size_t len,
                         tcpl_wire_tcp *out)
{
    size_t hl;

    if (teredo_indications(p, cap, &hl) != 0 || cap < hl + 40 ||
        (p[hl] >> 4) != 6 || (size_t)be16(p + hl + 4) + 40 + hl != len)
        return TCPL_WIRE_NOT_TCP;
    if (!enter(out, TCPL_ENC_TEREDO, 1))
        return TCPL_WIRE_MALFORMED;
    return wire_ipv6(p + hl, cap - hl, out);
}

typedef int (*udp_tunnel_fn)(const uint8_t *, size_t, tcpl_wire_tcp *);

static const struct udp_tunnel {
    uint16_t port;
    uint8_t layer;
    udp_tunnel_fn decode;
} udp_tunnels[] = {
    {4789, TCPL_ENC_VXLAN, vxlan},
    {4790, TCPL_ENC_VXLAN_GPE, vxlan_gpe},
    {6081, TCPL_ENC_GENEVE, geneve},
    {2152, TCPL_ENC_GTPU, gtpu},
    {3544, TCPL_ENC_TEREDO, teredo},
    {5072, TCPL_ENC_AYIYA, ayiya},
    {4754, TCPL_ENC_GRE, NULL}, /* GRE in UDP (RFC 8086): gre() records */
};

static const struct udp_tunnel *udp_tunnel_of(uint16_t port)
{
    for (size_t i = 0; i < sizeof udp_tunnels / sizeof udp_tunnels[0]; i++)
        if (udp_tunnels[i].port == port)
            return &udp_tunnels[i];
    return NULL;
}

/*
 * A UDP datagram: a tunnel when either port is a tunnel's (the
 * destination's first: clients of GTP-U and Teredo send from any port).
 * The UDP length cuts the payload; 0 is an IPv6 jumbogram's.
 */
static int udp(const uint8_t *p, size_t cap, tcpl_wire_tcp *out)
{
    const struct udp_tunnel *t;
    size_t ulen, avail;
    int rc;

    if (cap < 8)
        return TCPL_WIRE_TRUNCATED;
    t = udp_tunnel_of(be16(p + 2));
    if (t == NULL)
        t = udp_tunnel_of(be16(p));
    ulen = be16(p + 4);
    if (ulen != 0 && ulen < 8)
        return t ? TCPL_WIRE_MALFORMED : TCPL_WIRE_NOT_TCP;
    p += 8;
    cap -= 8;
    avail = cap;
    if (ulen != 0 && ulen - 8 < cap)
        avail = ulen - 8;
    if (t == NULL)
        rc = ulen > 8 ? teredo_detect(p, avail, ulen - 8, out)
                      : TCPL_WIRE_NOT_TCP;
    else if (t->decode == NULL)
        rc = gre(p, avail, out);
    else if (!enter(out, t->layer, 1))
        return TCPL_WIRE_MALFORMED;
    else
        rc = t->decode(p, avail, out);
    return declared_cut(rc, ulen != 0 ? ulen - 8 : NO_LIMIT, cap);
}

int wire_encap_ip(uint8_t proto, const uint8_t *p, size_t cap, size_t len,
                  int more, tcpl_wire_tcp *out)
{
    size_t avail = !more && len < cap ? len : cap;
    int rc;

    if (++out->encap.walked > WALK_MAX)
        return TCPL_WIRE_MALFORMED;
    switch (proto) {
    case IPPROTO_IPIP_:
    case IPPROTO_IPV6_:
        if (!enter(out, TCPL_ENC_IPIP, 1))
            return TCPL_WIRE_MALFORMED;
        rc = proto == IPPROTO_IPIP_ ? wire_ipv4(p, avail, out)
                                    : wire_ipv6(p, avail, out);
        break;
    case IPPROTO_GRE_:
        rc = gre(p, avail, out);
        break;
    case IPPROTO_UDP_:
        rc = udp(p, avail, out);
        break;
    default:
        return TCPL_WIRE_NOT_TCP;
    }
    return declared_cut(rc, more ? NO_LIMIT : len, cap);
}

/* ------------------------------------------------------ link types */

int wire_encap_link(int linktype, const uint8_t *frame, size_t caplen,
                    tcpl_wire_tcp *out)
{
    switch (linktype) {
    case TCPL_LINK_FDDI:
        /* frame control, destination, source; then LLC */
        if (caplen < 13)
            return TCPL_WIRE_TRUNCATED;
        return llc(frame + 13, caplen - 13, out);
    case TCPL_LINK_PPP:
    case TCPL_LINK_PPP_HDLC:
        /* Both may hold Cisco HDLC (address 0F or 8F, control 00, an
         * ethertype) as well as PPP; Wireshark reads both as one. */
        if (caplen >= 2 && (frame[0] == 0x0F || frame[0] == 0x8F) &&
            frame[1] == 0x00) {
            if (caplen < 4)
                return TCPL_WIRE_TRUNCATED;
            return wire_ethertype(be16(frame + 2), frame + 4, caplen - 4,
                                  out);
        }
        return ppp(frame, caplen, out);
    case TCPL_LINK_C_HDLC:
        if (caplen < 4)
            return TCPL_WIRE_TRUNCATED;
        return wire_ethertype(be16(frame + 2), frame + 4, caplen - 4, out);
    case TCPL_LINK_PPP_ETHER:
        return pppoe(frame, caplen, out);
    case TCPL_LINK_MPLS:
        return mpls(frame, caplen, out);
    default:
        return TCPL_WIRE_LINKTYPE;
    }
}
