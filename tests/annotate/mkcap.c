/*
 * mkcap.c - test inputs for annotate: one TCP story, every link type.
 *
 * The kernel captures in captures/ are all Ethernet-on-loopback; annotate
 * and report --pcap must also read Linux cooked v1/v2, raw IP, BSD and
 * OpenBSD loopback and VLAN-tagged Ethernet, and find the TCP inside
 * tunnels.  This program writes the same hand-made story in any of those
 * framings so that one set of checks runs on all of them.  The tunnels'
 * endpoints (192.0.2.1 on the client's side, 192.0.2.2 on the server's)
 * swap with the direction, as on a real network.  The story, per address family (IPv4 10.1.0.1 ->
 * 10.1.0.2, IPv6 2001:db8::1 -> 2001:db8::2):
 *
 *   stream A: handshake, data both ways, client FIN, server ACK, the server
 *             sits in CLOSE_WAIT for 3 s, then closes (close_wait_stall);
 *             after the client's TIME_WAIT began, a new SYN on the same
 *             4-tuple (port reuse) opens, is answered and reset;
 *   stream B: a SYN answered by RST (refused);
 *   stream C: client FIN acknowledged, then nothing until the capture ends
 *             2.4 s later (a CLOSE_WAIT only the end reveals);
 *   stream D: one ACK of a connection older than the capture (midstream),
 *             the capture's last packet.
 *
 * with UDP (and, on Ethernet framings, ARP) packets in between that must be
 * copied untouched.  It also writes the bad inputs: a capture of an
 * unsupported link type, and a byte-mutated copy of a file for robustness.
 *
 * usage: mkcap LINK OUT.pcap      LINK: eth vlan qinq sll sll2 raw ipv4
 *                                       ipv6 null loop, and on Ethernet
 *                                       vxlan gre mpls pppoe (over QinQ)
 *        mkcap badlink OUT.pcap   link type 147 (USER0)
 *        mkcap mutate IN OUT SEED [FLIPS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F4 = 1, F6 = 2 };

typedef struct link {
    const char *name;
    uint32_t linktype;
    int families; /* F4 | F6 */
    int arp;      /* Ethernet-style framing that can carry ARP */
    int nsec;     /* nanosecond pcap (else microsecond) */
} link;

static const link links[] = {
    {"eth", 1, F4 | F6, 1, 1},  {"vlan", 1, F4 | F6, 1, 0},
    {"qinq", 1, F4 | F6, 1, 1}, {"sll", 113, F4 | F6, 1, 0},
    {"sll2", 276, F4 | F6, 1, 1}, {"raw", 101, F4 | F6, 0, 0},
    {"ipv4", 228, F4, 0, 1},    {"ipv6", 229, F6, 0, 0},
    {"null", 0, F4 | F6, 0, 0}, {"loop", 108, F4 | F6, 0, 1},
    {"vxlan", 1, F4 | F6, 1, 1}, {"gre", 1, F4 | F6, 1, 1},
    {"mpls", 1, F4 | F6, 1, 1}, {"pppoe", 1, F4 | F6, 1, 1},
};

static const link *cur;
static FILE *out;

/* ------------------------------------------------------------ bytes */

typedef struct buf {
    uint8_t b[2048];
    size_t n;
} buf;

static void p8(buf *b, unsigned v) { b->b[b->n++] = (uint8_t)v; }
static void p16(buf *b, unsigned v) { p8(b, v >> 8); p8(b, v); }
static void p32(buf *b, uint32_t v) { p16(b, v >> 16); p16(b, v & 0xFFFF); }
static void le32(buf *b, uint32_t v)
{
    p8(b, v); p8(b, v >> 8); p8(b, v >> 16); p8(b, v >> 24);
}
static void pn(buf *b, unsigned v, size_t n) { while (n--) p8(b, v); }

static void put_le32(uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                    (uint8_t)(v >> 24)};
    fwrite(x, 1, 4, out);
}

static void file_header(uint32_t linktype, int nsec)
{
    put_le32(nsec ? 0xA1B23C4Du : 0xA1B2C3D4u);
    put_le32(2 | (4u << 16)); /* version 2.4 */
    put_le32(0);
    put_le32(0);
    put_le32(65535);
    put_le32(linktype);
}

/* Length fields of tunnel headers, written once the frame is complete:
 * the field at `at` gets the number of bytes from `from` to the end. */
static struct {
    size_t at, from;
} fixes[4];
static int nfixes;

static void len_field(buf *b, size_t from)
{
    fixes[nfixes].at = b->n;
    fixes[nfixes].from = from;
    nfixes++;
    p16(b, 0);
}

static void record(int64_t ts_us, buf *b)
{
    for (int i = 0; i < nfixes; i++) {
        size_t v = b->n - fixes[i].from;
        b->b[fixes[i].at] = (uint8_t)(v >> 8);
        b->b[fixes[i].at + 1] = (uint8_t)v;
    }
    nfixes = 0;

    /* Microsecond story times; in a nanosecond file add 789 ns so the
     * sub-microsecond digits must survive too. */
    uint32_t sec = (uint32_t)(1700000000 + ts_us / 1000000);
    uint32_t frac = (uint32_t)(ts_us % 1000000);

    if (cur->nsec)
        frac = frac * 1000 + 789;
    put_le32(sec);
    put_le32(frac);
    put_le32((uint32_t)b->n);
    put_le32((uint32_t)b->n);
    fwrite(b->b, 1, b->n, out);
}

/* ------------------------------------------------------------ framing */

/* Outer IPv4 of a tunnel from side (0: the client's end) for what follows. */
static void tunnel_ip(buf *b, int side, unsigned proto)
{
    size_t at = b->n;

    p8(b, 0x45);
    p8(b, 0);
    len_field(b, at);
    p16(b, 0);
    p16(b, 0x4000);
    p8(b, 64);
    p8(b, proto);
    p16(b, 0); /* checksum: Wireshark does not check it by default */
    p32(b, side ? 0xC0000202 : 0xC0000201);
    p32(b, side ? 0xC0000201 : 0xC0000202);
}

static void tunnel_header(buf *b, unsigned et, int side)
{
    const char *n = cur->name;

    pn(b, side ? 0x04 : 0x02, 6);
    pn(b, side ? 0x02 : 0x04, 6);
    if (!strcmp(n, "vxlan")) {
        size_t udp;

        p16(b, 0x0800);
        tunnel_ip(b, side, 17);
        udp = b->n;
        p16(b, 49152 + (unsigned)side); /* flow-hashed source port */
        p16(b, 4789);
        len_field(b, udp);
        p16(b, 0);
        p32(b, 0x08000000);
        p32(b, 0x00006400); /* VNI 100 */
        pn(b, 0x0A, 6);
        pn(b, 0x0B, 6);
        p16(b, et);
    } else if (!strcmp(n, "gre")) {
        p16(b, 0x0800);
        tunnel_ip(b, side, 47);
        p16(b, 0x2000); /* key present */
        p16(b, et);
        p32(b, 42);
    } else if (!strcmp(n, "mpls")) {
        p16(b, 0x8847);
        p32(b, (1000u << 12) | 64);
        p32(b, (2000u << 12) | 0x100 | 64); /* bottom of stack */
    } else { /* pppoe, over QinQ */
        p16(b, 0x88A8);
        p16(b, 100);
        p16(b, 0x8100);
        p16(b, 7);
        p16(b, 0x8864);
        p8(b, 0x11);
        p8(b, 0x00);
        p16(b, 0x0042);
        len_field(b, b->n + 2);
        p16(b, et == 0x86DD ? 0x0057 : 0x0021);
    }
}

static void link_header(buf *b, int family, int side)
{
    unsigned et = family == F6 ? 0x86DD : 0x0800;
    const char *n = cur->name;

    if (!strcmp(n, "vxlan") || !strcmp(n, "gre") || !strcmp(n, "mpls") ||
        !strcmp(n, "pppoe")) {
        tunnel_header(b, et, side);
    } else if (!strcmp(n, "eth") || !strcmp(n, "vlan") || !strcmp(n, "qinq")) {
        pn(b, 0x02, 6);
        pn(b, 0x04, 6);
        if (!strcmp(n, "vlan")) {
            p16(b, 0x8100);
            p16(b, 7);
        } else if (!strcmp(n, "qinq")) {
            p16(b, 0x88A8);
            p16(b, 100);
            p16(b, 0x8100);
            p16(b, 7);
        }
        p16(b, et);
    } else if (!strcmp(n, "sll")) {
        p16(b, 0);
        p16(b, 1);
        p16(b, 6);
        pn(b, 0x04, 6);
        pn(b, 0, 2);
        p16(b, et);
    } else if (!strcmp(n, "sll2")) {
        p16(b, et);
        p16(b, 0);
        p32(b, 2);
        p16(b, 1);
        p8(b, 0);
        p8(b, 6);
        pn(b, 0x04, 6);
        pn(b, 0, 2);
    } else if (!strcmp(n, "null")) {
        le32(b, family == F6 ? 24 : 2);
    } else if (!strcmp(n, "loop")) {
        p32(b, family == F6 ? 24 : 2);
    }
}

static unsigned ip_checksum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (s >> 16)
        s = (s & 0xFFFF) + (s >> 16);
    return ~s & 0xFFFF;
}

/* IP header from side (0 = client address, 1 = server) for l4len bytes. */
static void ip_header(buf *b, int family, int side, unsigned proto,
                      size_t l4len)
{
    if (family == F4) {
        size_t at = b->n;
        p8(b, 0x45);
        p8(b, 0);
        p16(b, (unsigned)(20 + l4len));
        p16(b, 0);
        p16(b, 0x4000);
        p8(b, 64);
        p8(b, proto);
        p16(b, 0);
        p32(b, side ? 0x0A010002 : 0x0A010001);
        p32(b, side ? 0x0A010001 : 0x0A010002);
        unsigned c = ip_checksum(b->b + at, 20);
        b->b[at + 10] = (uint8_t)(c >> 8);
        b->b[at + 11] = (uint8_t)c;
    } else {
        p32(b, 0x60000000);
        p16(b, (unsigned)l4len);
        p8(b, proto);
        p8(b, 64);
        for (int k = 0; k < 2; k++) {
            p32(b, 0x20010DB8);
            p32(b, 0);
            p32(b, 0);
            p32(b, (unsigned)(k == 0 ? side : !side) + 1);
        }
    }
}

/* ------------------------------------------------------------ story */

enum { FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16 };

typedef struct conv {
    int family;
    unsigned cport, sport;
    uint32_t seq[2]; /* next sequence number of client, server */
} conv;

/* One TCP segment from side (0 client, 1 server). */
static void seg(int64_t t_us, conv *c, int side, unsigned flags, size_t len)
{
    buf b = {{0}, 0};
    uint32_t ack = c->seq[!side];

    link_header(&b, c->family, side);
    ip_header(&b, c->family, side, 6, 20 + len);
    p16(&b, side ? c->sport : c->cport);
    p16(&b, side ? c->cport : c->sport);
    p32(&b, c->seq[side]);
    p32(&b, flags & ACK ? ack : 0);
    p8(&b, 5 << 4);
    p8(&b, flags);
    p16(&b, 65000);
    p16(&b, 0);
    p16(&b, 0);
    pn(&b, 'x', len);
    record(t_us, &b);
    c->seq[side] += (uint32_t)len + (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0);
}

static void udp(int64_t t_us, int family)
{
    buf b = {{0}, 0};

    link_header(&b, family, 0);
    ip_header(&b, family, 0, 17, 8 + 4);
    p16(&b, 7777); /* no well-known dissector: plain UDP */
    p16(&b, 7777);
    p16(&b, 12);
    p16(&b, 0);
    p32(&b, 0x74657374);
    record(t_us, &b);
}

static void arp(int64_t t_us)
{
    buf b = {{0}, 0};
    const char *n = cur->name;

    /* ARP only where the framing can say 0x0806 */
    if (!strcmp(n, "sll2")) {
        p16(&b, 0x0806);
        p16(&b, 0);
        p32(&b, 2);
        p16(&b, 1);
        p8(&b, 0);
        p8(&b, 6);
        pn(&b, 0x04, 8);
    } else if (!strcmp(n, "sll")) {
        p16(&b, 0);
        p16(&b, 1);
        p16(&b, 6);
        pn(&b, 0x04, 8);
        p16(&b, 0x0806);
    } else {
        pn(&b, 0xFF, 6);
        pn(&b, 0x04, 6);
        p16(&b, 0x0806);
    }
    p16(&b, 1);
    p16(&b, 0x0800);
    p8(&b, 6);
    p8(&b, 4);
    p16(&b, 1);
    pn(&b, 0x04, 6);
    p32(&b, 0x0A010001);
    pn(&b, 0, 6);
    p32(&b, 0x0A010002);
    record(t_us, &b);
}

static void story(int family, int64_t t0)
{
    conv a = {family, 40000, 80, {1000, 5000}};
    conv r = {family, 40001, 81, {7000, 0}};
    conv z = {family, 40002, 82, {9000, 3000}};

    /* stream A */
    seg(t0 + 0, &a, 0, SYN, 0);
    seg(t0 + 1000, &a, 1, SYN | ACK, 0);
    seg(t0 + 2000, &a, 0, ACK, 0);
    seg(t0 + 3000, &a, 0, PSH | ACK, 100);
    seg(t0 + 4000, &a, 1, ACK, 0);
    seg(t0 + 5000, &a, 1, PSH | ACK, 200);
    seg(t0 + 6000, &a, 0, ACK, 0);
    /* stream B, interleaved */
    seg(t0 + 50000, &r, 0, SYN, 0);
    r.seq[1] = 0;
    seg(t0 + 50100, &r, 1, RST | ACK, 0);
    seg(t0 + 100000, &a, 0, FIN | ACK, 0);
    seg(t0 + 101000, &a, 1, ACK, 0);
    udp(t0 + 1500000, family);
    seg(t0 + 3200000, &a, 1, FIN | ACK, 0);
    seg(t0 + 3201000, &a, 0, ACK, 0);
    /* port reuse on A's 4-tuple, during the client's TIME_WAIT */
    a.seq[0] = 900000;
    a.seq[1] = 800000;
    seg(t0 + 4000000, &a, 0, SYN, 0);
    seg(t0 + 4001000, &a, 1, SYN | ACK, 0);
    seg(t0 + 4002000, &a, 0, ACK, 0);
    seg(t0 + 4003000, &a, 0, RST | ACK, 0);
    /* stream C: CLOSE_WAIT to the end */
    seg(t0 + 5000000, &z, 0, SYN, 0);
    seg(t0 + 5001000, &z, 1, SYN | ACK, 0);
    seg(t0 + 5002000, &z, 0, ACK, 0);
    seg(t0 + 5100000, &z, 0, FIN | ACK, 0);
    seg(t0 + 5101000, &z, 1, ACK, 0);
}

/* ------------------------------------------------------------ main */

static int mutate(const char *in, const char *outp, unsigned seed,
                  unsigned flips)
{
    FILE *f = fopen(in, "rb");
    uint8_t *d;
    long n;

    if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0) {
        fprintf(stderr, "mkcap: %s: cannot read\n", in);
        return 1;
    }
    rewind(f);
    d = malloc((size_t)n);
    if (!d || fread(d, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "mkcap: %s: cannot read\n", in);
        return 1;
    }
    fclose(f);
    /* A fixed LCG: the same seed gives the same file on every machine. */
    uint32_t x = seed * 2654435761u + 1;
    for (unsigned i = 0; i < flips; i++) {
        x = x * 1103515245u + 12345u;
        size_t at = (x >> 8) % (size_t)n;
        x = x * 1103515245u + 12345u;
        d[at] ^= (uint8_t)(1u << ((x >> 16) & 7));
        if ((x >> 24) % 4 == 0) /* sometimes a whole new byte */
            d[at] = (uint8_t)(x >> 3);
    }
    f = fopen(outp, "wb");
    if (!f || fwrite(d, 1, (size_t)n, f) != (size_t)n || fclose(f) != 0) {
        fprintf(stderr, "mkcap: %s: cannot write\n", outp);
        return 1;
    }
    free(d);
    return 0;
}

int main(int argc, char **argv)
{
    static const link bad = {"badlink", 147, F4, 0, 0};

    if (argc >= 5 && !strcmp(argv[1], "mutate"))
        return mutate(argv[2], argv[3], (unsigned)strtoul(argv[4], NULL, 10),
                      argc > 5 ? (unsigned)strtoul(argv[5], NULL, 10) : 4);
    if (argc != 3) {
        fprintf(stderr, "usage: mkcap LINK OUT.pcap | mkcap mutate IN OUT SEED [FLIPS]\n");
        return 2;
    }
    if (!strcmp(argv[1], "badlink"))
        cur = &bad;
    for (size_t i = 0; !cur && i < sizeof links / sizeof links[0]; i++)
        if (!strcmp(argv[1], links[i].name))
            cur = &links[i];
    if (!cur) {
        fprintf(stderr, "mkcap: unknown link '%s'\n", argv[1]);
        return 2;
    }
    out = fopen(argv[2], "wb");
    if (!out) {
        fprintf(stderr, "mkcap: %s: cannot write\n", argv[2]);
        return 1;
    }
    file_header(cur->linktype, cur->nsec);
    if (cur == &bad) {
        buf b = {{0}, 0};
        /* raw IPv4/UDP inside: only the link type is unknown */
        ip_header(&b, F4, 0, 17, 8);
        pn(&b, 0, 8);
        record(0, &b);
    } else {
        if (cur->arp)
            arp(0);
        if (cur->families & F4)
            story(F4, 10000);
        if (cur->families & F6)
            story(F6, 6000000);
        udp(13400000, cur->families & F4 ? F4 : F6);
        /* A lone ACK of a connection that started before the capture: it
         * is also the last TCP packet, so stream C stays in CLOSE_WAIT
         * for a while before the capture ends. */
        conv m = {cur->families & F6 ? F6 : F4, 40003, 83, {12345, 67890}};
        seg(13500000, &m, 0, ACK, 0);
    }
    if (fclose(out) != 0) {
        fprintf(stderr, "mkcap: %s: write error\n", argv[2]);
        return 1;
    }
    return 0;
}
