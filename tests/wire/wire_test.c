/*
 * wire_test.c - what the frame decoder's unit tests share (wire_test.h):
 * the check counters, the byte-by-byte frame builders, the decode wrapper
 * that hands the decoder a heap copy of exactly caplen bytes (so ASan sees
 * any over-read) and writes every frame that decodes as a libFuzzer seed.
 */
#include "wire_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int failures;
int checks;
const char *current;

/* ------------------------------------------------------ frame building */


void put8(frame *f, unsigned v)
{
    if (f->n >= sizeof f->b)
        abort();
    f->b[f->n++] = (uint8_t)v;
}

void put16(frame *f, unsigned v)
{
    put8(f, v >> 8);
    put8(f, v);
}

void put32(frame *f, uint32_t v)
{
    put16(f, v >> 16);
    put16(f, v & 0xFFFF);
}

void fill(frame *f, unsigned byte, size_t n)
{
    while (n--)
        put8(f, byte);
}

void eth(frame *f, unsigned ethertype)
{
    fill(f, 0x02, 6); /* dst MAC */
    fill(f, 0x04, 6); /* src MAC */
    put16(f, ethertype);
}

void vlan_tag(frame *f, unsigned vid, unsigned inner_type)
{
    put16(f, vid);
    put16(f, inner_type);
}

/* IPv4 header of ihl 32-bit words (options are NOPs), 10.0.0.1 -> 10.0.0.2 */
void ipv4(frame *f, unsigned ihl, unsigned total_len, unsigned frag,
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
void ipv6(frame *f, unsigned payload_len, unsigned next)
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
void ext8(frame *f, unsigned next, unsigned len8)
{
    put8(f, next);
    put8(f, len8);
    fill(f, 0, (len8 + 1) * 8 - 2);
}

void frag6(frame *f, unsigned next, unsigned offset8, int more)
{
    put8(f, next);
    put8(f, 0);
    put16(f, (offset8 << 3) | (more ? 1 : 0));
    put32(f, 0xCAFE);
}

/* TCP header with doff 32-bit words (options are NOPs); flags is 12 bits. */
void tcp(frame *f, unsigned sport, unsigned dport, uint32_t seq,
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

const char *seed_dir;

/* Same table as fuzz_wire.c: the seed's first byte indexes it. */
static const int fuzz_links[] = {
    TCPL_LINK_NULL,      TCPL_LINK_ETHERNET, TCPL_LINK_RAW,
    TCPL_LINK_LOOP,      TCPL_LINK_LINUX_SLL, TCPL_LINK_IPV4,
    TCPL_LINK_IPV6,      TCPL_LINK_LINUX_SLL2, TCPL_LINK_FDDI,
    TCPL_LINK_PPP,       TCPL_LINK_PPP_HDLC, TCPL_LINK_PPP_ETHER,
    TCPL_LINK_C_HDLC,    TCPL_LINK_MPLS,
};

/* Seeds are named by their content, so that several test programs can
 * write into one folder and a frame written twice is one seed. */
static void seed(int link, const frame *f)
{
    char path[4096];
    FILE *fp;
    uint8_t idx = 0;
    uint32_t h = 2166136261u;
    size_t i;

    if (!seed_dir)
        return;
    for (i = 0; i < sizeof fuzz_links / sizeof fuzz_links[0]; i++)
        if (fuzz_links[i] == link)
            idx = (uint8_t)i;
    h = (h ^ idx) * 16777619u;
    for (i = 0; i < f->n; i++)
        h = (h ^ f->b[i]) * 16777619u;
    snprintf(path, sizeof path, "%s/seed-%08x-%zu", seed_dir, (unsigned)h,
             f->n);
    fp = fopen(path, "wb");
    if (!fp || fwrite(&idx, 1, 1, fp) != 1 ||
        fwrite(f->b, 1, f->n, fp) != f->n || fclose(fp) != 0) {
        fprintf(stderr, "test_wire: %s: cannot write seed\n", path);
        exit(1);
    }
}

int decode(int link, const frame *f, size_t caplen, tcpl_wire_tcp *w)
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
    if ((rc == TCPL_WIRE_TCP || rc == TCPL_WIRE_ICMP) && caplen == f->n)
        seed(link, f);
    return rc;
}

const uint8_t v4src[4] = {10, 0, 0, 1};
const uint8_t v4dst[4] = {10, 0, 0, 2};
const uint8_t v6src[16] = {0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0,
                                  0,    0,    0,    0,    0, 0, 0, 1};
const uint8_t v6dst[16] = {0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0,
                                  0,    0,    0,    0,    0, 0, 0, 2};

void check_v4_addrs(const tcpl_wire_tcp *w)
{
    static const uint8_t zero[12];
    CHECK_EQ(w->family, 4);
    CHECK(memcmp(w->src, v4src, 4) == 0);
    CHECK(memcmp(w->dst, v4dst, 4) == 0);
    CHECK(memcmp(w->src + 4, zero, 12) == 0);
    CHECK(memcmp(w->dst + 4, zero, 12) == 0);
}

void check_v6_addrs(const tcpl_wire_tcp *w)
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
void check_prefixes(int link, const frame *f, size_t hdr_end)
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

/* ------------------------------------------------ encapsulation tests */

/* IPv4 carrier 192.0.2.1 -> 192.0.2.2 of total_len bytes; frag as in the
 * header (flags and offset). */
void outer4(frame *f, unsigned total_len, unsigned frag, unsigned proto)
{
    put8(f, 0x45);
    put8(f, 0);
    put16(f, total_len);
    put16(f, 0x4321);
    put16(f, frag);
    put8(f, 64);
    put8(f, proto);
    put16(f, 0);
    put32(f, 0xC0000201);
    put32(f, 0xC0000202);
}

/* IPv6 carrier 2001:db8:ffff::1 -> 2001:db8:ffff::2 */
void outer6(frame *f, unsigned payload_len, unsigned next)
{
    put32(f, 0x60000000);
    put16(f, payload_len);
    put8(f, next);
    put8(f, 64);
    for (unsigned k = 1; k <= 2; k++) {
        put32(f, 0x20010DB8);
        put32(f, 0xFFFF0000);
        put32(f, 0);
        put32(f, k);
    }
}

void udp(frame *f, unsigned sport, unsigned dport, unsigned len)
{
    put16(f, sport);
    put16(f, dport);
    put16(f, len);
    put16(f, 0);
}

/* The inner segment: IPv4 + 20-byte TCP header + 5 payload bytes. */
void inner4(frame *f)
{
    ipv4(f, 5, INNER4_LEN, 0, 6);
    tcp(f, 40000, 80, 1000, 2000, 5, TCPL_ACK | TCPL_PSH, 512);
    fill(f, 0x61, 5);
}

/* ... or IPv6 + 20-byte TCP header + 3 payload bytes. */
void inner6(frame *f)
{
    ipv6(f, 20 + 3, 6);
    tcp(f, 40001, 443, 3000, 4000, 5, TCPL_ACK, 1024);
    fill(f, 0x62, 3);
}

/* Inner Ethernet + inner4: 14 + INNER4_LEN bytes. */
void inner_eth4(frame *f)
{
    eth(f, 0x0800);
    inner4(f);
}

void check_inner4(const tcpl_wire_tcp *w)
{
    check_v4_addrs(w);
    CHECK_EQ(w->sport, 40000);
    CHECK_EQ(w->dport, 80);
    CHECK_EQ(w->seq, 1000);
    CHECK_EQ(w->len, 5);
    /* The inner packet's length, as Zeek counts a tunnelled connection's
     * IP bytes, not the carrier's. */
    CHECK_EQ(w->ip_len, INNER4_LEN);
}

void check_inner6(const tcpl_wire_tcp *w)
{
    check_v6_addrs(w);
    CHECK_EQ(w->sport, 40001);
    CHECK_EQ(w->seq, 3000);
    CHECK_EQ(w->len, 3);
    CHECK_EQ(w->ip_len, 40 + 20 + 3);
}

/* The encapsulation as its string, which names every layer and the
 * endpoints: one comparison checks both. */
void check_encap(const tcpl_wire_tcp *w, const char *want)
{
    char s[TCPL_WIRE_ENCAP_STRLEN];

    tcpl_wire_encap_str(&w->encap, s, sizeof s);
    checks++;
    if (strcmp(s, want) != 0) {
        failures++;
        fprintf(stderr, "%s: encapsulation \"%s\", expected \"%s\"\n",
                current, s, want);
    }
}
