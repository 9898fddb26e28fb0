/*
 * test_wire.c - unit tests of the frame decoder (core/wire.c).
 *
 * Every frame here is assembled byte by byte from the field values written
 * in the test, so each expected value is a number the reader can check
 * against the header layout, not something computed by the decoder's own
 * logic.  Each test covers one link type or one way a frame can be short or
 * self-contradictory.  Run with --write-seeds DIR to dump every valid frame
 * as a libFuzzer seed (first byte = index into the fuzzer's link table).
 */
#include "tcpl/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
static int checks;
static const char *current;

#define CHECK(cond)                                                            \
    do {                                                                       \
        checks++;                                                              \
        if (!(cond)) {                                                         \
            failures++;                                                        \
            fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__,         \
                    __LINE__, current, #cond);                                 \
        }                                                                      \
    } while (0)

#define CHECK_EQ(a, b)                                                         \
    do {                                                                       \
        long long a_ = (long long)(a), b_ = (long long)(b);                    \
        checks++;                                                              \
        if (a_ != b_) {                                                        \
            failures++;                                                        \
            fprintf(stderr, "%s:%d: %s: %s == %lld, expected %lld\n",          \
                    __FILE__, __LINE__, current, #a, a_, b_);                  \
        }                                                                      \
    } while (0)

/* ------------------------------------------------------ frame building */

typedef struct frame {
    uint8_t b[512];
    size_t n;
} frame;

static void put8(frame *f, unsigned v)
{
    if (f->n >= sizeof f->b)
        abort();
    f->b[f->n++] = (uint8_t)v;
}

static void put16(frame *f, unsigned v)
{
    put8(f, v >> 8);
    put8(f, v);
}

static void put32(frame *f, uint32_t v)
{
    put16(f, v >> 16);
    put16(f, v & 0xFFFF);
}

static void fill(frame *f, unsigned byte, size_t n)
{
    while (n--)
        put8(f, byte);
}

static void eth(frame *f, unsigned ethertype)
{
    fill(f, 0x02, 6); /* dst MAC */
    fill(f, 0x04, 6); /* src MAC */
    put16(f, ethertype);
}

static void vlan_tag(frame *f, unsigned vid, unsigned inner_type)
{
    put16(f, vid);
    put16(f, inner_type);
}

/* IPv4 header of ihl 32-bit words (options are NOPs), 10.0.0.1 -> 10.0.0.2 */
static void ipv4(frame *f, unsigned ihl, unsigned total_len, unsigned frag,
                 unsigned proto)
{
    put8(f, 0x40 | ihl);
    put8(f, 0);
    put16(f, total_len);
    put16(f, 0x1234); /* id */
    put16(f, frag);
    put8(f, 64);
    put8(f, proto);
    put16(f, 0); /* checksum: not checked */
    put32(f, 0x0A000001);
    put32(f, 0x0A000002);
    fill(f, 0x01, (ihl - 5) * 4);
}

/* IPv6 header, 2001:db8::1 -> 2001:db8::2 */
static void ipv6(frame *f, unsigned payload_len, unsigned next)
{
    put32(f, 0x60000000);
    put16(f, payload_len);
    put8(f, next);
    put8(f, 64);
    put32(f, 0x20010DB8);
    put32(f, 0);
    put32(f, 0);
    put32(f, 1);
    put32(f, 0x20010DB8);
    put32(f, 0);
    put32(f, 0);
    put32(f, 2);
}

/* Generic extension header of (len8 + 1) * 8 bytes. */
static void ext8(frame *f, unsigned next, unsigned len8)
{
    put8(f, next);
    put8(f, len8);
    fill(f, 0, (len8 + 1) * 8 - 2);
}

static void frag6(frame *f, unsigned next, unsigned offset8, int more)
{
    put8(f, next);
    put8(f, 0);
    put16(f, (offset8 << 3) | (more ? 1 : 0));
    put32(f, 0xCAFE);
}

/* TCP header with doff 32-bit words (options are NOPs); flags is 12 bits. */
static void tcp(frame *f, unsigned sport, unsigned dport, uint32_t seq,
                uint32_t ack, unsigned doff, unsigned flags, unsigned window)
{
    put16(f, sport);
    put16(f, dport);
    put32(f, seq);
    put32(f, ack);
    put8(f, (doff << 4) | ((flags >> 8) & 0x0F));
    put8(f, flags & 0xFF);
    put16(f, window);
    put16(f, 0); /* checksum */
    put16(f, 0); /* urgent */
    fill(f, 0x01, (doff - 5) * 4);
}

/* ---------------------------------------------------------- seeds */

static const char *seed_dir;
static int seed_count;

/* Same table as fuzz_wire.c: the seed's first byte indexes it. */
static const int fuzz_links[] = {
    TCPL_LINK_NULL,      TCPL_LINK_ETHERNET, TCPL_LINK_RAW,
    TCPL_LINK_LOOP,      TCPL_LINK_LINUX_SLL, TCPL_LINK_IPV4,
    TCPL_LINK_IPV6,      TCPL_LINK_LINUX_SLL2,
};

static void seed(int link, const frame *f)
{
    char path[4096];
    FILE *fp;
    uint8_t idx = 0;
    size_t i;

    if (!seed_dir)
        return;
    for (i = 0; i < sizeof fuzz_links / sizeof fuzz_links[0]; i++)
        if (fuzz_links[i] == link)
            idx = (uint8_t)i;
    snprintf(path, sizeof path, "%s/seed-%03d", seed_dir, seed_count++);
    fp = fopen(path, "wb");
    if (!fp || fwrite(&idx, 1, 1, fp) != 1 ||
        fwrite(f->b, 1, f->n, fp) != f->n || fclose(fp) != 0) {
        fprintf(stderr, "test_wire: %s: cannot write seed\n", path);
        exit(1);
    }
}

/* Decode; every frame that decodes is also a fuzz seed. */
static int decode(int link, const frame *f, size_t caplen, tcpl_wire_tcp *w)
{
    int rc;
    uint8_t *copy;

    /* A heap copy of exactly caplen bytes lets ASan catch any over-read. */
    copy = malloc(caplen ? caplen : 1);
    if (!copy)
        abort();
    memcpy(copy, f->b, caplen);
    memset(w, 0xAA, sizeof *w);
    rc = tcpl_wire_decode(link, copy, caplen, w);
    free(copy);
    if (rc == TCPL_WIRE_TCP && caplen == f->n)
        seed(link, f);
    return rc;
}

static const uint8_t v4src[4] = {10, 0, 0, 1};
static const uint8_t v4dst[4] = {10, 0, 0, 2};
static const uint8_t v6src[16] = {0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0,
                                  0,    0,    0,    0,    0, 0, 0, 1};
static const uint8_t v6dst[16] = {0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0,
                                  0,    0,    0,    0,    0, 0, 0, 2};

static void check_v4_addrs(const tcpl_wire_tcp *w)
{
    static const uint8_t zero[12];
    CHECK_EQ(w->family, 4);
    CHECK(memcmp(w->src, v4src, 4) == 0);
    CHECK(memcmp(w->dst, v4dst, 4) == 0);
    CHECK(memcmp(w->src + 4, zero, 12) == 0);
    CHECK(memcmp(w->dst + 4, zero, 12) == 0);
}

static void check_v6_addrs(const tcpl_wire_tcp *w)
{
    CHECK_EQ(w->family, 6);
    CHECK(memcmp(w->src, v6src, 16) == 0);
    CHECK(memcmp(w->dst, v6dst, 16) == 0);
}

/*
 * Every strict prefix of f that ends inside the headers (before hdr_end)
 * must be TRUNCATED, never TCP and never a crash; every prefix from hdr_end
 * on must decode to the same header as the whole frame.
 */
static void check_prefixes(int link, const frame *f, size_t hdr_end)
{
    tcpl_wire_tcp whole, w;
    size_t cut;

    CHECK_EQ(decode(link, f, f->n, &whole), TCPL_WIRE_TCP);
    for (cut = 0; cut < f->n; cut++) {
        int rc = decode(link, f, cut, &w);
        if (cut < hdr_end) {
            if (rc != TCPL_WIRE_TRUNCATED) {
                fprintf(stderr, "  (prefix %zu of %zu)\n", cut, f->n);
                CHECK_EQ(rc, TCPL_WIRE_TRUNCATED);
            }
        } else {
            CHECK_EQ(rc, TCPL_WIRE_TCP);
            CHECK_EQ(w.len, whole.len);
            CHECK_EQ(w.seq, whole.seq);
        }
    }
}

/* ------------------------------------------------------------ tests */

static void test_ethernet_ipv4_syn(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "ethernet_ipv4_syn";
    eth(&f, 0x0800);
    ipv4(&f, 5, 20 + 40, 0x4000, 6); /* DF set: not a fragment */
    tcp(&f, 40000, 80, 0x01020304, 0, 10, TCPL_SYN, 64240);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_v4_addrs(&w);
    CHECK_EQ(w.sport, 40000);
    CHECK_EQ(w.dport, 80);
    CHECK_EQ(w.seq, 0x01020304);
    CHECK_EQ(w.ack, 0);
    CHECK_EQ(w.flags, TCPL_SYN);
    CHECK_EQ(w.window, 64240);
    CHECK_EQ(w.len, 0);
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 20 + 40);
}

static void test_ipv4_options_and_snaplen(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "ipv4_options_and_snaplen";
    eth(&f, 0x0800);
    ipv4(&f, 7, 28 + 32 + 1000, 0, 6);
    tcp(&f, 443, 51000, 0xFFFFFFF0, 0x7, 8, TCPL_ACK | TCPL_PSH, 501);
    fill(&f, 0x55, 10); /* 10 of 1000 payload bytes captured (snaplen) */
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_v4_addrs(&w);
    CHECK_EQ(w.sport, 443);
    CHECK_EQ(w.dport, 51000);
    CHECK_EQ(w.seq, 0xFFFFFFF0u);
    CHECK_EQ(w.ack, 7);
    CHECK_EQ(w.flags, TCPL_ACK | TCPL_PSH);
    CHECK_EQ(w.window, 501);
    CHECK_EQ(w.len, 1000);
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 28 + 32);
}

static void test_ethernet_padding_ignored(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "ethernet_padding_ignored";
    eth(&f, 0x0800);
    ipv4(&f, 5, 40, 0, 6);
    tcp(&f, 1, 2, 100, 200, 5, TCPL_ACK, 0);
    fill(&f, 0, 6); /* minimum Ethernet frame padding, not payload */
    CHECK_EQ(f.n, 60);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK_EQ(w.len, 0);
    CHECK_EQ(w.window, 0);
}

static void test_vlan_tags(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "vlan_8021q";
    eth(&f, 0x8100);
    vlan_tag(&f, 100, 0x0800);
    ipv4(&f, 5, 20 + 20 + 3, 0, 6);
    tcp(&f, 1000, 2000, 1, 2, 5, TCPL_ACK | TCPL_FIN, 10);
    fill(&f, 0x61, 3);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_v4_addrs(&w);
    CHECK_EQ(w.len, 3);
    CHECK_EQ(w.flags, TCPL_ACK | TCPL_FIN);
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 4 + 20 + 20);

    current = "vlan_8021ad_qinq";
    memset(&f, 0, sizeof f);
    eth(&f, 0x88A8);
    vlan_tag(&f, 200, 0x8100);
    vlan_tag(&f, 100, 0x86DD);
    ipv6(&f, 20, 6);
    tcp(&f, 5, 6, 7, 8, 5, TCPL_RST, 0);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_v6_addrs(&w);
    CHECK_EQ(w.flags, TCPL_RST);
    CHECK_EQ(w.sport, 5);
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 8 + 40 + 20);

    current = "vlan_too_many_tags";
    memset(&f, 0, sizeof f);
    eth(&f, 0x8100);
    for (int i = 0; i < 9; i++)
        vlan_tag(&f, i, 0x8100);
    vlan_tag(&f, 9, 0x0800);
    ipv4(&f, 5, 40, 0, 6);
    tcp(&f, 1, 2, 3, 4, 5, TCPL_ACK, 1);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);
}

static void test_not_tcp(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "arp";
    eth(&f, 0x0806);
    fill(&f, 0, 28);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "ieee8023_length_field";
    memset(&f, 0, sizeof f);
    eth(&f, 46);
    fill(&f, 0x42, 46);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "ipv4_udp";
    memset(&f, 0, sizeof f);
    eth(&f, 0x0800);
    ipv4(&f, 5, 28, 0, 17);
    fill(&f, 0, 8);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "ipv6_udp";
    memset(&f, 0, sizeof f);
    eth(&f, 0x86DD);
    ipv6(&f, 8, 17);
    fill(&f, 0, 8);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "ipv6_esp";
    memset(&f, 0, sizeof f);
    eth(&f, 0x86DD);
    ipv6(&f, 24, 50);
    fill(&f, 0, 24);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "ipv6_no_next_header";
    memset(&f, 0, sizeof f);
    eth(&f, 0x86DD);
    ipv6(&f, 0, 59);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);
}

static void test_ipv4_fragments(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "ipv4_non_first_fragment";
    eth(&f, 0x0800);
    ipv4(&f, 5, 20 + 40, 185, 6); /* offset 185 * 8 = 1480 */
    /* bytes that would look like a TCP header if the decoder were fooled */
    tcp(&f, 1, 2, 3, 4, 5, TCPL_SYN, 0);
    fill(&f, 0, 20);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "ipv4_fragment_offset_1";
    memset(&f, 0, sizeof f);
    eth(&f, 0x0800);
    ipv4(&f, 5, 20 + 20, 0x0001, 6); /* offset 1, MF clear */
    tcp(&f, 1, 2, 3, 4, 5, TCPL_SYN, 0);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "ipv4_first_fragment";
    memset(&f, 0, sizeof f);
    eth(&f, 0x0800);
    ipv4(&f, 5, 20 + 20 + 8, 0x2000, 6); /* MF set, offset 0 */
    tcp(&f, 1, 2, 3, 4, 5, TCPL_ACK, 9);
    fill(&f, 0, 8);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK_EQ(w.len, 8);
}

static void test_ipv4_malformed(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "ipv4_ihl_below_5";
    eth(&f, 0x0800);
    ipv4(&f, 5, 40, 0, 6);
    tcp(&f, 1, 2, 3, 4, 5, TCPL_ACK, 1);
    f.b[14] = 0x44;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    current = "ipv4_version_6_under_ethertype_ipv4";
    f.b[14] = 0x65;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    current = "ipv4_total_length_below_header";
    memset(&f, 0, sizeof f);
    eth(&f, 0x0800);
    ipv4(&f, 6, 20, 0, 6); /* 24-byte header, total says 20 */
    tcp(&f, 1, 2, 3, 4, 5, TCPL_ACK, 1);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    current = "ipv4_total_length_below_tcp_header";
    memset(&f, 0, sizeof f);
    eth(&f, 0x0800);
    ipv4(&f, 5, 20 + 24, 0, 6); /* TCP header is 32 bytes */
    tcp(&f, 1, 2, 3, 4, 8, TCPL_ACK, 1);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    current = "ipv4_total_length_below_20_byte_tcp";
    memset(&f, 0, sizeof f);
    eth(&f, 0x0800);
    ipv4(&f, 5, 20 + 12, 0, 6);
    fill(&f, 0, 12);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    current = "tcp_data_offset_below_5";
    memset(&f, 0, sizeof f);
    eth(&f, 0x0800);
    ipv4(&f, 5, 40, 0, 6);
    tcp(&f, 1, 2, 3, 4, 5, TCPL_ACK, 1);
    f.b[14 + 20 + 12] = 0x40;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);
    f.b[14 + 20 + 12] = 0x00;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    current = "tcp_data_offset_beyond_datagram";
    f.b[14 + 20 + 12] = 0xF0; /* 60-byte header in a 40-byte datagram */
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);
}

static void test_ipv4_tso_total_length_zero(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "ipv4_tso_total_length_zero";
    eth(&f, 0x0800);
    ipv4(&f, 5, 0, 0, 6);
    tcp(&f, 1, 2, 3, 4, 5, TCPL_ACK, 1);
    fill(&f, 0x33, 100);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK_EQ(w.len, 100);
}

static void test_ipv4_ah(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "ipv4_ah_transport";
    eth(&f, 0x0800);
    ipv4(&f, 5, 20 + 24 + 20 + 4, 0, 51);
    put8(&f, 6);  /* next: TCP */
    put8(&f, 4);  /* (4 + 2) * 4 = 24 bytes */
    fill(&f, 0, 22);
    tcp(&f, 7, 8, 9, 10, 5, TCPL_ACK, 11);
    fill(&f, 0, 4);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK_EQ(w.len, 4);
    CHECK_EQ(w.sport, 7);
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 20 + 24 + 20);
}

static void test_ipv6_extension_headers(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "ipv6_plain";
    eth(&f, 0x86DD);
    ipv6(&f, 32 + 5, 6);
    tcp(&f, 22, 60000, 0x80000000, 0x12345678, 8, TCPL_ACK | TCPL_PSH, 65535);
    fill(&f, 0x20, 5);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_v6_addrs(&w);
    CHECK_EQ(w.sport, 22);
    CHECK_EQ(w.dport, 60000);
    CHECK_EQ(w.seq, 0x80000000u);
    CHECK_EQ(w.ack, 0x12345678);
    CHECK_EQ(w.window, 65535);
    CHECK_EQ(w.len, 5);
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 40 + 32);

    current = "ipv6_chain_hbh_routing_dst_frag_ah";
    memset(&f, 0, sizeof f);
    eth(&f, 0x86DD);
    /* 8 + 24 + 16 + 8 + 16 + 20 + 2 */
    ipv6(&f, 94, 0);
    ext8(&f, 43, 0);     /* hop-by-hop, 8 bytes */
    ext8(&f, 60, 2);     /* routing, 24 bytes */
    ext8(&f, 44, 1);     /* destination options, 16 bytes */
    frag6(&f, 51, 0, 1); /* first fragment, 8 bytes */
    put8(&f, 6);         /* AH: next TCP */
    put8(&f, 2);         /* (2 + 2) * 4 = 16 bytes */
    fill(&f, 0, 14);
    tcp(&f, 1234, 4321, 11, 22, 5, TCPL_SYN | TCPL_ACK, 28960);
    fill(&f, 0, 2);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_v6_addrs(&w);
    CHECK_EQ(w.sport, 1234);
    CHECK_EQ(w.flags, TCPL_SYN | TCPL_ACK);
    CHECK_EQ(w.window, 28960);
    CHECK_EQ(w.len, 2);
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 40 + 72 + 20);

    current = "ipv6_non_first_fragment";
    memset(&f, 0, sizeof f);
    eth(&f, 0x86DD);
    ipv6(&f, 8 + 20, 44);
    frag6(&f, 6, 100, 0);
    tcp(&f, 1, 2, 3, 4, 5, TCPL_SYN, 0);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "ipv6_extension_longer_than_payload";
    memset(&f, 0, sizeof f);
    eth(&f, 0x86DD);
    ipv6(&f, 16, 0);
    ext8(&f, 6, 3); /* 32 bytes of options in a 16-byte payload */
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    current = "ipv6_tcp_longer_than_payload";
    memset(&f, 0, sizeof f);
    eth(&f, 0x86DD);
    ipv6(&f, 8 + 16, 60);
    ext8(&f, 6, 0);
    tcp(&f, 1, 2, 3, 4, 5, TCPL_ACK, 1); /* 20 bytes, payload has 16 left */
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    current = "ipv6_version_mismatch";
    memset(&f, 0, sizeof f);
    eth(&f, 0x86DD);
    ipv6(&f, 20, 6);
    tcp(&f, 1, 2, 3, 4, 5, TCPL_ACK, 1);
    f.b[14] = 0x40;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);
}

static void test_null_and_loop(void)
{
    frame f = {0};
    tcpl_wire_tcp w;
    static const unsigned v6_families[] = {10, 24, 28, 30};

    current = "null_little_endian_ipv4";
    put8(&f, 2); put8(&f, 0); put8(&f, 0); put8(&f, 0);
    ipv4(&f, 5, 40, 0, 6);
    tcp(&f, 9000, 9001, 5, 6, 5, TCPL_ACK, 100);
    CHECK_EQ(decode(TCPL_LINK_NULL, &f, f.n, &w), TCPL_WIRE_TCP);
    check_v4_addrs(&w);
    CHECK_EQ(w.sport, 9000);
    check_prefixes(TCPL_LINK_NULL, &f, 4 + 40);

    current = "null_big_endian_ipv4";
    f.b[0] = 0; f.b[3] = 2;
    CHECK_EQ(decode(TCPL_LINK_NULL, &f, f.n, &w), TCPL_WIRE_TCP);

    for (size_t i = 0; i < 4; i++) {
        current = "null_ipv6_families_both_orders";
        memset(&f, 0, sizeof f);
        put32(&f, v6_families[i]);
        ipv6(&f, 20, 6);
        tcp(&f, 1, 2, 3, 4, 5, TCPL_ACK, 1);
        CHECK_EQ(decode(TCPL_LINK_NULL, &f, f.n, &w), TCPL_WIRE_TCP);
        check_v6_addrs(&w);
        f.b[0] = (uint8_t)v6_families[i];
        f.b[3] = 0;
        CHECK_EQ(decode(TCPL_LINK_NULL, &f, f.n, &w), TCPL_WIRE_TCP);
    }

    current = "null_unknown_family";
    f.b[0] = 7;
    CHECK_EQ(decode(TCPL_LINK_NULL, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "loop_network_order";
    memset(&f, 0, sizeof f);
    put32(&f, 2);
    ipv4(&f, 5, 40, 0, 6);
    tcp(&f, 1, 2, 3, 4, 5, TCPL_FIN | TCPL_ACK, 1);
    CHECK_EQ(decode(TCPL_LINK_LOOP, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK_EQ(w.flags, TCPL_FIN | TCPL_ACK);
    check_prefixes(TCPL_LINK_LOOP, &f, 4 + 40);

    current = "loop_host_order_is_not_accepted";
    f.b[0] = 2; f.b[3] = 0;
    CHECK_EQ(decode(TCPL_LINK_LOOP, &f, f.n, &w), TCPL_WIRE_NOT_TCP);
}

static void test_raw_ip(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "raw_ipv4";
    ipv4(&f, 5, 44, 0, 6);
    tcp(&f, 1, 2, 3, 4, 5, TCPL_ACK, 1);
    fill(&f, 0, 4);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK_EQ(w.len, 4);
    check_v4_addrs(&w);
    check_prefixes(TCPL_LINK_RAW, &f, 40);

    current = "linktype_ipv4";
    CHECK_EQ(decode(TCPL_LINK_IPV4, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK_EQ(w.len, 4);
    check_prefixes(TCPL_LINK_IPV4, &f, 40);

    current = "linktype_ipv6_given_ipv4";
    CHECK_EQ(decode(TCPL_LINK_IPV6, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    current = "raw_ipv6";
    memset(&f, 0, sizeof f);
    ipv6(&f, 20, 6);
    tcp(&f, 1, 2, 3, 4, 5, TCPL_ACK, 1);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_TCP);
    check_v6_addrs(&w);
    check_prefixes(TCPL_LINK_RAW, &f, 60);

    current = "linktype_ipv6";
    CHECK_EQ(decode(TCPL_LINK_IPV6, &f, f.n, &w), TCPL_WIRE_TCP);
    check_prefixes(TCPL_LINK_IPV6, &f, 60);

    current = "raw_version_5";
    f.b[0] = 0x50;
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_NOT_TCP);
}

static void test_linux_cooked(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "linux_sll_ipv4";
    put16(&f, 0);       /* packet type: to us */
    put16(&f, 772);     /* ARPHRD_LOOPBACK */
    put16(&f, 6);       /* address length */
    fill(&f, 0, 8);     /* address */
    put16(&f, 0x0800);
    ipv4(&f, 5, 20 + 20 + 7, 0, 6);
    tcp(&f, 33000, 8080, 3, 4, 5, TCPL_ACK | TCPL_PSH, 512);
    fill(&f, 0x41, 7);
    CHECK_EQ(decode(TCPL_LINK_LINUX_SLL, &f, f.n, &w), TCPL_WIRE_TCP);
    check_v4_addrs(&w);
    CHECK_EQ(w.dport, 8080);
    CHECK_EQ(w.len, 7);
    check_prefixes(TCPL_LINK_LINUX_SLL, &f, 16 + 40);

    current = "linux_sll_vlan_not_stripped";
    memset(&f, 0, sizeof f);
    put16(&f, 0);
    put16(&f, 1);
    put16(&f, 6);
    fill(&f, 0, 8);
    put16(&f, 0x8100);
    vlan_tag(&f, 42, 0x86DD);
    ipv6(&f, 20, 6);
    tcp(&f, 1, 2, 3, 4, 5, TCPL_ACK, 1);
    CHECK_EQ(decode(TCPL_LINK_LINUX_SLL, &f, f.n, &w), TCPL_WIRE_TCP);
    check_v6_addrs(&w);

    current = "linux_sll2_ipv6";
    memset(&f, 0, sizeof f);
    put16(&f, 0x86DD);  /* protocol */
    put16(&f, 0);       /* reserved */
    put32(&f, 1);       /* interface index */
    put16(&f, 772);     /* ARPHRD_LOOPBACK */
    put8(&f, 0);        /* packet type */
    put8(&f, 6);        /* address length */
    fill(&f, 0, 8);
    ipv6(&f, 24, 6);
    tcp(&f, 8080, 33000, 5, 6, 6, TCPL_SYN | TCPL_ACK | TCPL_ECE, 65483);
    CHECK_EQ(decode(TCPL_LINK_LINUX_SLL2, &f, f.n, &w), TCPL_WIRE_TCP);
    check_v6_addrs(&w);
    CHECK_EQ(w.sport, 8080);
    CHECK_EQ(w.flags, TCPL_SYN | TCPL_ACK | TCPL_ECE);
    CHECK_EQ(w.len, 0);
    check_prefixes(TCPL_LINK_LINUX_SLL2, &f, 20 + 40 + 24);

    current = "linux_sll2_arp";
    f.b[0] = 0x08; f.b[1] = 0x06;
    CHECK_EQ(decode(TCPL_LINK_LINUX_SLL2, &f, f.n, &w), TCPL_WIRE_NOT_TCP);
}

static void test_unknown_linktype(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "unknown_linktype";
    ipv4(&f, 5, 40, 0, 6);
    tcp(&f, 1, 2, 3, 4, 5, TCPL_ACK, 1);
    CHECK_EQ(decode(147, &f, f.n, &w), TCPL_WIRE_LINKTYPE);
    CHECK_EQ(decode(-1, &f, f.n, &w), TCPL_WIRE_LINKTYPE);
    CHECK_EQ(decode(147, &f, 0, &w), TCPL_WIRE_LINKTYPE);
    current = "null_frame_pointer";
    CHECK_EQ(tcpl_wire_decode(TCPL_LINK_ETHERNET, NULL, 100, &w),
             TCPL_WIRE_TRUNCATED);
}

static void test_flags_and_segment(void)
{
    frame f = {0};
    tcpl_wire_tcp w;
    tcpl_segment s;

    current = "flags_ae_bit_and_segment";
    ipv4(&f, 5, 20 + 20 + 9, 0, 6);
    tcp(&f, 1, 2, 0xDEADBEEF, 0xFEEDFACE, 5,
        0x100 | TCPL_CWR | TCPL_ECE | TCPL_URG | TCPL_ACK | TCPL_FIN, 77);
    fill(&f, 0, 9);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK_EQ(w.flags, 0x1F1);
    memset(&s, 0xAA, sizeof s);
    tcpl_wire_segment(&w, INT64_C(1700000000123456789), 1, &s);
    CHECK_EQ(s.ts_ns, INT64_C(1700000000123456789));
    CHECK_EQ(s.seq, 0xDEADBEEFu);
    CHECK_EQ(s.ack, 0xFEEDFACEu);
    CHECK_EQ(s.len, 9);
    CHECK_EQ(s.window, 77);
    CHECK_EQ(s.flags, 0x1F1);
    CHECK_EQ(s.sport, 1);
    CHECK_EQ(s.dport, 2);
    CHECK_EQ(s.from, 1);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0)
        seed_dir = argv[2];
    else if (argc != 1) {
        fprintf(stderr, "usage: test_wire [--write-seeds DIR]\n");
        return 2;
    }
    test_ethernet_ipv4_syn();
    test_ipv4_options_and_snaplen();
    test_ethernet_padding_ignored();
    test_vlan_tags();
    test_not_tcp();
    test_ipv4_fragments();
    test_ipv4_malformed();
    test_ipv4_tso_total_length_zero();
    test_ipv4_ah();
    test_ipv6_extension_headers();
    test_null_and_loop();
    test_raw_ip();
    test_linux_cooked();
    test_unknown_linktype();
    test_flags_and_segment();
    if (failures) {
        fprintf(stderr, "test_wire: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("test_wire: %d checks passed%s\n", checks,
           seed_dir ? " (seeds written)" : "");
    return 0;
}
