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
#include "wire_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    CHECK_EQ(w.ip_len, 60); /* Zeek's IP bytes: the total length */
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
    /* The IP length, options included, whatever the snapshot kept. */
    CHECK_EQ(w.ip_len, 28 + 32 + 1000);
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
    CHECK_EQ(w.ip_len, 20 + 20 + 100); /* the captured datagram */
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
    CHECK_EQ(w.ip_len, 20 + 24 + 20 + 4);
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
    CHECK_EQ(w.ip_len, 40 + 32 + 5); /* Zeek: payload length + 40 */
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
    CHECK_EQ(w.ip_len, 40 + 94); /* extension headers included */
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
    CHECK_EQ(s.ip_len, 20 + 20 + 9);
    CHECK_EQ(s.bad_checksum, 0);
    CHECK_EQ(s.uncaptured, 0);
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
