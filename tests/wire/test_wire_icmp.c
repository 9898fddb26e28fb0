/*
 * test_wire_icmp.c - unit tests of the ICMP error reader (core/wire_icmp.c)
 * and of the TTL the decoder passes on.  Run with --write-seeds DIR to
 * dump every frame that decodes as a libFuzzer seed.
 *
 * Each error is built as a host or router would send it: an outer IP
 * header addressed to the quoted segment's sender, the ICMP header, then
 * the quoted IP header (10.0.0.1 -> 10.0.0.2, or 2001:db8::1 -> ::2) and
 * as much of the quoted TCP header as the test says.  The decoder must
 * report the quoted segment's addresses, ports and sequence number, never
 * read past the capture, and tell short captures from short quotes.
 */
#include "wire_test.h"

#include <stdio.h>
#include <string.h>

static const uint8_t router4[4] = {192, 0, 2, 9};

/* Outer IPv4 header with the given source, to 10.0.0.1, TTL ttl. */
static void icmp_outer4(frame *f, unsigned total_len, const uint8_t src[4],
                        unsigned ttl)
{
    put8(f, 0x45);
    put8(f, 0);
    put16(f, total_len);
    put16(f, 0x4321);
    put16(f, 0);
    put8(f, ttl);
    put8(f, 1); /* ICMP */
    put16(f, 0);
    for (int i = 0; i < 4; i++)
        put8(f, src[i]);
    put32(f, 0x0A000001);
}

/* ICMP header: type, code, checksum, then the 4 bytes the type defines. */
static void icmp_hdr(frame *f, unsigned type, unsigned code, uint32_t rest)
{
    put8(f, type);
    put8(f, code);
    put16(f, 0);
    put32(f, rest);
}

/* Port unreachable from src about a SYN 10.0.0.1:40000 -> 10.0.0.2:80,
 * seq 1000, quoting tcp_bytes of its 20-byte TCP header. */
static void unreach4(frame *f, const uint8_t src[4], unsigned code,
                     uint32_t rest, size_t tcp_bytes)
{
    frame t = {0};
    tcp(&t, 40000, 80, 1000, 0, 5, TCPL_SYN, 64240);
    icmp_outer4(f, (unsigned)(20 + 8 + 20 + tcp_bytes), src, 61);
    icmp_hdr(f, 3, code, rest);
    ipv4(f, 5, 40, 0, 6);
    for (size_t i = 0; i < tcp_bytes; i++)
        put8(f, t.b[i]);
}

static void test_icmp4_port_unreachable(void)
{
    frame f = {0};
    tcpl_wire_tcp w;
    tcpl_segment s;

    current = "icmp4_port_unreachable_from_peer";
    unreach4(&f, v4dst, 3, 0, 20);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_ICMP);
    check_v4_addrs(&w); /* the quoted segment's, not the ICMP's */
    CHECK_EQ(w.sport, 40000);
    CHECK_EQ(w.dport, 80);
    CHECK_EQ(w.seq, 1000);
    CHECK_EQ(w.ack, 0);
    CHECK_EQ(w.flags, TCPL_SYN);
    CHECK_EQ(w.window, 64240);
    CHECK_EQ(w.len, 0);
    CHECK_EQ(w.icmp, 4);
    CHECK_EQ(w.icmp_type, 3);
    CHECK_EQ(w.icmp_code, 3);
    CHECK_EQ(w.icmp_mtu, 0);
    CHECK_EQ(w.ttl, 61);
    CHECK(memcmp(w.icmp_src, v4dst, 4) == 0);
    tcpl_wire_segment(&w, 5, 0, &s);
    CHECK_EQ(s.icmp, 4);
    CHECK_EQ(s.icmp_type, 3);
    CHECK_EQ(s.icmp_code, 3);
    CHECK_EQ(s.icmp_from_peer, 1);
    CHECK_EQ(s.seq, 1000);
    CHECK_EQ(s.ttl, 61);

    current = "icmp4_host_unreachable_from_router";
    memset(&f, 0, sizeof f);
    unreach4(&f, router4, 1, 0, 20);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_ICMP);
    CHECK(memcmp(w.icmp_src, router4, 4) == 0);
    tcpl_wire_segment(&w, 5, 0, &s);
    CHECK_EQ(s.icmp_from_peer, 0);
    CHECK_EQ(s.icmp_code, 1);
}

static void test_icmp4_quotes(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    /* RFC 792: 8 bytes of the quoted transport header are enough. */
    current = "icmp4_rfc792_quote";
    unreach4(&f, router4, 13, 0, 8);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_ICMP);
    CHECK_EQ(w.seq, 1000);
    CHECK_EQ(w.sport, 40000);
    CHECK_EQ(w.flags, 0); /* not quoted: unknown */
    CHECK_EQ(w.ack, 0);

    /* Fewer than 8 by the ICMP's own length: not a usable quote. */
    current = "icmp4_quote_too_short";
    memset(&f, 0, sizeof f);
    unreach4(&f, router4, 1, 0, 6);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    /* Every prefix short of ports + seq is a truncated capture. */
    current = "icmp4_truncated_prefixes";
    memset(&f, 0, sizeof f);
    unreach4(&f, v4dst, 3, 0, 20);
    for (size_t cut = 0; cut < f.n; cut++) {
        int rc = decode(TCPL_LINK_RAW, &f, cut, &w);
        CHECK_EQ(rc, cut < 20 + 8 + 20 + 8 ? TCPL_WIRE_TRUNCATED
                                            : TCPL_WIRE_ICMP);
        if (rc == TCPL_WIRE_ICMP)
            CHECK_EQ(w.seq, 1000);
    }

    current = "icmp4_frag_needed_mtu";
    memset(&f, 0, sizeof f);
    unreach4(&f, router4, 4, 1400, 20);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_ICMP);
    CHECK_EQ(w.icmp_mtu, 1400);

    current = "icmp4_time_exceeded";
    memset(&f, 0, sizeof f);
    icmp_outer4(&f, 20 + 8 + 20 + 8, router4, 250);
    icmp_hdr(&f, 11, 0, 0);
    ipv4(&f, 5, 40, 0, 6);
    put16(&f, 40000);
    put16(&f, 80);
    put32(&f, 77);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_ICMP);
    CHECK_EQ(w.icmp_type, 11);
    CHECK_EQ(w.seq, 77);
}

static void test_icmp4_not_about_tcp(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "icmp4_echo";
    icmp_outer4(&f, 20 + 8 + 32, router4, 64);
    icmp_hdr(&f, 8, 0, 0x00010001);
    fill(&f, 0x61, 32);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "icmp4_quotes_udp";
    memset(&f, 0, sizeof f);
    icmp_outer4(&f, 20 + 8 + 20 + 8, router4, 64);
    icmp_hdr(&f, 3, 3, 0);
    ipv4(&f, 5, 28, 0, 17);
    put16(&f, 53);
    put16(&f, 53);
    put32(&f, 0x00080000);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "icmp4_quotes_non_first_fragment";
    memset(&f, 0, sizeof f);
    icmp_outer4(&f, 20 + 8 + 20 + 8, router4, 64);
    icmp_hdr(&f, 11, 1, 0);
    ipv4(&f, 5, 40, 185, 6);
    fill(&f, 0, 8);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "icmp4_quote_not_ipv4";
    memset(&f, 0, sizeof f);
    icmp_outer4(&f, 20 + 8 + 20 + 8, router4, 64);
    icmp_hdr(&f, 3, 1, 0);
    fill(&f, 0x65, 28);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_MALFORMED);
}

/* ICMPv6 error from 2001:db8::2 to ::1 about 2001:db8::1:40000 -> ::2:80. */
static void icmp6_error(frame *f, unsigned type, unsigned code, uint32_t rest,
                        size_t tcp_bytes)
{
    frame t = {0};
    tcp(&t, 40000, 80, 5000, 9, 5, TCPL_ACK, 100);
    put32(f, 0x60000000);
    put16(f, (unsigned)(8 + 40 + tcp_bytes));
    put8(f, 58);
    put8(f, 57);
    for (int i = 0; i < 16; i++)
        put8(f, v6dst[i]);
    for (int i = 0; i < 16; i++)
        put8(f, v6src[i]);
    icmp_hdr(f, type, code, rest);
    ipv6(f, 20 + 100, 6);
    for (size_t i = 0; i < tcp_bytes; i++)
        put8(f, t.b[i]);
}

static void test_icmp6(void)
{
    frame f = {0};
    tcpl_wire_tcp w;
    tcpl_segment s;

    current = "icmp6_port_unreachable";
    icmp6_error(&f, 1, 4, 0, 20);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_ICMP);
    check_v6_addrs(&w);
    CHECK_EQ(w.sport, 40000);
    CHECK_EQ(w.seq, 5000);
    CHECK_EQ(w.ack, 9);
    CHECK_EQ(w.flags, TCPL_ACK);
    CHECK_EQ(w.len, 100);
    CHECK_EQ(w.icmp, 6);
    CHECK_EQ(w.icmp_type, 1);
    CHECK_EQ(w.icmp_code, 4);
    CHECK_EQ(w.ttl, 57);
    tcpl_wire_segment(&w, 1, 1, &s);
    CHECK_EQ(s.icmp_from_peer, 1);

    current = "icmp6_packet_too_big";
    memset(&f, 0, sizeof f);
    icmp6_error(&f, 2, 0, 1280, 20);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_ICMP);
    CHECK_EQ(w.icmp_mtu, 1280);

    current = "icmp6_truncated_prefixes";
    memset(&f, 0, sizeof f);
    icmp6_error(&f, 1, 3, 0, 20);
    for (size_t cut = 0; cut < f.n; cut++) {
        int rc = decode(TCPL_LINK_RAW, &f, cut, &w);
        CHECK_EQ(rc, cut < 40 + 8 + 40 + 8 ? TCPL_WIRE_TRUNCATED
                                            : TCPL_WIRE_ICMP);
    }

    current = "icmp6_short_quote";
    memset(&f, 0, sizeof f);
    icmp6_error(&f, 1, 3, 0, 4);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    current = "icmp6_echo_reply";
    memset(&f, 0, sizeof f);
    ipv6(&f, 8, 58);
    icmp_hdr(&f, 129, 0, 0x00010001);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_NOT_TCP);
}

static void test_ttl(void)
{
    frame f = {0};
    tcpl_wire_tcp w;
    tcpl_segment s;

    current = "ttl_ipv4";
    ipv4(&f, 5, 40, 0, 6); /* TTL 64 */
    tcp(&f, 1, 2, 3, 4, 5, TCPL_ACK, 1);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK_EQ(w.ttl, 64);
    CHECK_EQ(w.icmp, 0);
    tcpl_wire_segment(&w, 1, 0, &s);
    CHECK_EQ(s.ttl, 64);
    CHECK_EQ(s.icmp, 0);
    CHECK_EQ(s.icmp_from_peer, 0);

    current = "hop_limit_ipv6";
    memset(&f, 0, sizeof f);
    ipv6(&f, 20, 6); /* hop limit 64 */
    tcp(&f, 1, 2, 3, 4, 5, TCPL_ACK, 1);
    f.b[7] = 3;
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK_EQ(w.ttl, 3);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0)
        seed_dir = argv[2];
    else if (argc != 1) {
        fprintf(stderr, "usage: test_wire_icmp [--write-seeds DIR]\n");
        return 2;
    }
    test_icmp4_port_unreachable();
    test_icmp4_quotes();
    test_icmp4_not_about_tcp();
    test_icmp6();
    test_ttl();
    if (failures) {
        fprintf(stderr, "test_wire_icmp: %d of %d checks failed\n", failures,
                checks);
        return 1;
    }
    printf("test_wire_icmp: %d checks passed%s\n", checks,
           seed_dir ? " (seeds written)" : "");
    return 0;
}
