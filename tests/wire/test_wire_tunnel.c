/*
 * test_wire_tunnel.c - unit tests of the decoder's tunnels
 * (core/wire_encap.c): IP-in-IP, GRE with its options, ERSPAN I/II/III,
 * VXLAN, VXLAN-GPE, Geneve, GTP-U, AYIYA, Teredo, GRE in UDP, and how deep
 * they may nest.
 *
 * One test per tunnel: a hand-built frame with a TCP segment inside,
 * checked for the inner header, for the recorded layers and endpoints (the
 * carriers use other addresses than the inner segment, so the endpoints
 * can only come from the outer header) and for every truncation; then the
 * ways each header can lie about itself.  Run with --write-seeds DIR to add
 * every valid frame to the fuzzer's seeds.
 */
#include "wire_test.h"

#include <string.h>

/* ------------------------------------------------------ IP tunnels */

static void test_ip_in_ip(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "ipv4_in_ipv4";
    eth(&f, 0x0800);
    outer4(&f, 20 + INNER4_LEN, 0, 4);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "ipip 192.0.2.1->192.0.2.2");
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 20 + 40);

    current = "ipv4_in_ipv4_outer_length_cuts_inner_header";
    f.b[14 + 3] = 20 + 30;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    current = "ipv4_in_ipv4_outer_first_fragment";
    f.b[14 + 6] = 0x20;          /* more fragments: the rest is elsewhere */
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);

    current = "ipv4_in_ipv4_outer_later_fragment";
    f.b[14 + 7] = 0x10;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "ipv6_in_ipv4";
    memset(&f, 0, sizeof f);
    outer4(&f, 20 + INNER6_LEN, 0x4000, 41);
    inner6(&f);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner6(&w);
    check_encap(&w, "ipip 192.0.2.1->192.0.2.2");
    check_prefixes(TCPL_LINK_RAW, &f, 20 + 60);

    current = "ipv6_in_ipv6";
    memset(&f, 0, sizeof f);
    outer6(&f, INNER6_LEN, 41);
    inner6(&f);
    CHECK_EQ(decode(TCPL_LINK_IPV6, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner6(&w);
    check_encap(&w, "ipip 2001:db8:ffff::1->2001:db8:ffff::2");
    check_prefixes(TCPL_LINK_IPV6, &f, 40 + 60);

    current = "ipv4_in_ipv6_version_mismatch";
    memset(&f, 0, sizeof f);
    outer6(&f, INNER6_LEN, 4);
    inner6(&f);
    CHECK_EQ(decode(TCPL_LINK_IPV6, &f, f.n, &w), TCPL_WIRE_MALFORMED);
}

static void gre_erspan_inner(frame *f)
{
    eth(f, 0x8100);
    vlan_tag(f, 5, 0x0800);
    inner4(f);
}

static void test_gre(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "gre_plain_ipv4";
    eth(&f, 0x0800);
    outer4(&f, 20 + 4 + INNER4_LEN, 0, 47);
    put16(&f, 0x0000);
    put16(&f, 0x0800);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "gre 192.0.2.1->192.0.2.2");
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 20 + 4 + 40);

    current = "gre_version_2";
    f.b[14 + 20 + 1] = 0x02;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "gre_checksum_key_sequence_bridging";
    memset(&f, 0, sizeof f);
    outer6(&f, 16 + 14 + INNER4_LEN, 47);
    put16(&f, 0xB000);           /* C, K, S */
    put16(&f, 0x6558);
    put32(&f, 0xABCD0000);       /* checksum, reserved */
    put32(&f, 0x00000064);       /* key 100 */
    put32(&f, 7);                /* sequence */
    inner_eth4(&f);
    CHECK_EQ(decode(TCPL_LINK_IPV6, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "gre 2001:db8:ffff::1->2001:db8:ffff::2");
    check_prefixes(TCPL_LINK_IPV6, &f, 40 + 16 + 14 + 40);

    current = "gre_source_routing";
    memset(&f, 0, sizeof f);
    outer4(&f, 20 + 8 + 8 + 4 + INNER4_LEN, 0, 47);
    put16(&f, 0x4000);           /* R: checksum/offset and routing */
    put16(&f, 0x0800);
    put32(&f, 0);                /* checksum, offset */
    put16(&f, 0x0800);           /* SRE: IP addresses, offset 0, 4 bytes */
    put8(&f, 0);
    put8(&f, 4);
    put32(&f, 0x0A0A0A0A);
    put32(&f, 0);                /* null SRE */
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_prefixes(TCPL_LINK_RAW, &f, 20 + 20 + 40);

    current = "gre_pptp_ppp";
    memset(&f, 0, sizeof f);
    outer4(&f, 20 + 16 + 4 + INNER4_LEN, 0, 47);
    put16(&f, 0x3081);           /* K, S, A, version 1 */
    put16(&f, 0x880B);
    put16(&f, 4 + INNER4_LEN);   /* payload length */
    put16(&f, 0x0001);           /* call id */
    put32(&f, 12);               /* sequence */
    put32(&f, 11);               /* acknowledgment */
    put8(&f, 0xFF);
    put8(&f, 0x03);
    put16(&f, 0x0021);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "gre 192.0.2.1->192.0.2.2");
    check_prefixes(TCPL_LINK_RAW, &f, 20 + 16 + 4 + 40);

    current = "gre_outer_length_cuts_gre_header";
    f.b[3] = 20 + 10;
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_MALFORMED);
}

static void test_erspan(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "erspan_type1";
    outer4(&f, 20 + 4 + 18 + INNER4_LEN, 0, 47);
    put16(&f, 0x0000);
    put16(&f, 0x88BE);
    gre_erspan_inner(&f);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "gre/erspan1 192.0.2.1->192.0.2.2");
    check_prefixes(TCPL_LINK_RAW, &f, 20 + 4 + 18 + 40);

    current = "erspan_type2";
    memset(&f, 0, sizeof f);
    outer4(&f, 20 + 8 + 8 + 18 + INNER4_LEN, 0, 47);
    put16(&f, 0x1000);           /* S */
    put16(&f, 0x88BE);
    put32(&f, 99);
    put16(&f, 0x1005);           /* version 1, VLAN 5 */
    put16(&f, 0x0064);           /* session 100 */
    put32(&f, 0);
    gre_erspan_inner(&f);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "gre/erspan2 192.0.2.1->192.0.2.2");
    check_prefixes(TCPL_LINK_RAW, &f, 20 + 8 + 8 + 18 + 40);

    current = "erspan_type2_wrong_version";
    f.b[28] = 0x20;
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "erspan_type3_platform_subheader";
    memset(&f, 0, sizeof f);
    outer4(&f, 20 + 8 + 20 + 18 + INNER4_LEN, 0, 47);
    put16(&f, 0x1000);
    put16(&f, 0x22EB);
    put32(&f, 5);
    put16(&f, 0x2005);           /* version 2 */
    put16(&f, 0x0064);
    put32(&f, 0x12345678);       /* timestamp */
    put16(&f, 0);                /* SGT */
    put8(&f, 0x00);              /* P 0, frame type 0 (Ethernet) */
    put8(&f, 0x01);              /* O: platform subheader follows */
    fill(&f, 0, 8);
    gre_erspan_inner(&f);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "gre/erspan3 192.0.2.1->192.0.2.2");
    check_prefixes(TCPL_LINK_RAW, &f, 20 + 8 + 20 + 18 + 40);

    current = "erspan_type3_ip_frame";
    memset(&f, 0, sizeof f);
    outer4(&f, 20 + 8 + 12 + INNER4_LEN, 0, 47);
    put16(&f, 0x1000);
    put16(&f, 0x22EB);
    put32(&f, 5);
    put16(&f, 0x2005);
    put16(&f, 0x0064);
    put32(&f, 0);
    put16(&f, 0);
    put8(&f, 2 << 2);            /* frame type 2: IP */
    put8(&f, 0x00);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_prefixes(TCPL_LINK_RAW, &f, 20 + 8 + 12 + 40);

    current = "erspan_type3_other_frame_type";
    f.b[20 + 8 + 10] = 3 << 2;
    CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_NOT_TCP);
}

/* ------------------------------------------------------ UDP tunnels */

/* Outer Ethernet, IPv4 and UDP for a tunnel payload of len bytes. */
static void udp_carrier(frame *f, unsigned sport, unsigned dport,
                        unsigned len)
{
    eth(f, 0x0800);
    outer4(f, 20 + 8 + len, 0x4000, 17);
    udp(f, sport, dport, 8 + len);
}

#define CARRIER (14 + 20 + 8)

static void test_vxlan(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "vxlan";
    udp_carrier(&f, 51000, 4789, 8 + 14 + INNER4_LEN);
    put32(&f, 0x08000000);       /* I flag */
    put32(&f, 0x00006400);       /* VNI 100 */
    inner_eth4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "vxlan 192.0.2.1->192.0.2.2");
    check_prefixes(TCPL_LINK_ETHERNET, &f, CARRIER + 8 + 14 + 40);

    current = "vxlan_without_i_flag";
    f.b[CARRIER] = 0;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "vxlan_udp_length_cuts_inner";
    f.b[CARRIER] = 0x08;
    f.b[14 + 20 + 4] = 0;
    f.b[14 + 20 + 5] = 8 + 8 + 20;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    current = "vxlan_udp_length_below_header";
    f.b[14 + 20 + 5] = 4;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    current = "vxlan_by_source_port";
    memset(&f, 0, sizeof f);
    udp_carrier(&f, 4789, 33333, 8 + 14 + INNER4_LEN);
    put32(&f, 0x08000000);
    put32(&f, 0x00006400);
    inner_eth4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);

    current = "udp_other_port_not_a_tunnel";
    f.b[14 + 20 + 0] = 0x30;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);
}

static void test_vxlan_gpe(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "vxlan_gpe_ipv6";
    udp_carrier(&f, 51000, 4790, 8 + INNER6_LEN);
    put8(&f, 0x0C);              /* I, P */
    put16(&f, 0);
    put8(&f, 0x02);              /* next protocol: IPv6 */
    put32(&f, 0x00006400);
    inner6(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner6(&w);
    check_encap(&w, "vxlan-gpe 192.0.2.1->192.0.2.2");
    check_prefixes(TCPL_LINK_ETHERNET, &f, CARRIER + 8 + 60);

    current = "vxlan_gpe_version_1";
    f.b[CARRIER] = 0x1C;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "vxlan_gpe_nsh_ipv4";
    memset(&f, 0, sizeof f);
    udp_carrier(&f, 51000, 4790, 8 + 8 + INNER4_LEN);
    put8(&f, 0x0C);
    put16(&f, 0);
    put8(&f, 0x04);              /* NSH */
    put32(&f, 0x00006400);
    put8(&f, 0x0F);
    put8(&f, 0xC2);
    put8(&f, 0x02);
    put8(&f, 0x01);              /* IPv4 */
    put32(&f, 0x00002AFF);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "vxlan-gpe/nsh 192.0.2.1->192.0.2.2");
    check_prefixes(TCPL_LINK_ETHERNET, &f, CARRIER + 16 + 40);
}

static void test_geneve(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "geneve_options_bridging";
    udp_carrier(&f, 51000, 6081, 8 + 12 + 14 + INNER4_LEN);
    put8(&f, 0x03);              /* version 0, 3 words of options */
    put8(&f, 0x00);
    put16(&f, 0x6558);
    put32(&f, 0x00C01200);       /* VNI */
    put16(&f, 0x0103);           /* option class */
    put8(&f, 0x80);              /* type */
    put8(&f, 0x02);              /* 2 words of data */
    put32(&f, 0xDEADBEEF);
    put32(&f, 0xCAFEF00D);
    inner_eth4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "geneve 192.0.2.1->192.0.2.2");
    check_prefixes(TCPL_LINK_ETHERNET, &f, CARRIER + 20 + 14 + 40);

    current = "geneve_options_past_udp_length";
    f.b[CARRIER] = 0x3F;         /* 63 words of options */
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    current = "geneve_version_1";
    f.b[CARRIER] = 0x43;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "geneve_ipv6_ethertype";
    memset(&f, 0, sizeof f);
    udp_carrier(&f, 51000, 6081, 8 + INNER6_LEN);
    put16(&f, 0);
    put16(&f, 0x86DD);
    put32(&f, 0x00000100);
    inner6(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner6(&w);
    check_prefixes(TCPL_LINK_ETHERNET, &f, CARRIER + 8 + 60);
}

static void test_gtpu(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "gtpu_plain";
    udp_carrier(&f, 2152, 2152, 8 + INNER4_LEN);
    put8(&f, 0x30);              /* version 1, PT */
    put8(&f, 0xFF);              /* G-PDU */
    put16(&f, INNER4_LEN);
    put32(&f, 0x11223344);       /* TEID */
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "gtpu 192.0.2.1->192.0.2.2");
    check_prefixes(TCPL_LINK_ETHERNET, &f, CARRIER + 8 + 40);

    current = "gtpu_length_cuts_inner";
    f.b[CARRIER + 3] = 30;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    current = "gtpu_echo_request";
    f.b[CARRIER + 3] = INNER4_LEN;
    f.b[CARRIER + 1] = 1;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "gtpu_version_2";
    f.b[CARRIER + 1] = 0xFF;
    f.b[CARRIER] = 0x50;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "gtpu_sequence_and_extension_from_any_port";
    memset(&f, 0, sizeof f);
    udp_carrier(&f, 5906, 2152, 8 + 4 + 8 + INNER6_LEN);
    put8(&f, 0x36);              /* version 1, PT, E, S */
    put8(&f, 0xFF);
    put16(&f, 4 + 8 + INNER6_LEN);
    put32(&f, 0x0000ABCD);
    put16(&f, 0x0102);           /* sequence */
    put8(&f, 0);                 /* N-PDU */
    put8(&f, 0x85);              /* next: PDU session container */
    put8(&f, 1);                 /* 1 word */
    put16(&f, 0x0009);
    put8(&f, 0x40);              /* next: another extension */
    put8(&f, 1);
    put16(&f, 0x0000);
    put8(&f, 0);                 /* no more */
    inner6(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner6(&w);
    check_prefixes(TCPL_LINK_ETHERNET, &f, CARRIER + 20 + 60);

    current = "gtpu_extension_of_length_zero";
    f.b[CARRIER + 16] = 0;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);
}

static void test_ayiya(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "ayiya_ipv6";
    udp_carrier(&f, 5072, 5072, 8 + 16 + 20 + INNER6_LEN);
    put8(&f, 0x41);              /* identity 2^4 bytes, type 1 */
    put8(&f, 0x52);              /* signature 5 words, hash SHA-1 */
    put8(&f, 0x11);              /* authentication 1, opcode 1 (forward) */
    put8(&f, 41);                /* next header: IPv6 */
    put32(&f, 1700000000);       /* epoch time */
    fill(&f, 0x11, 16);
    fill(&f, 0x22, 20);
    inner6(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner6(&w);
    check_encap(&w, "ayiya 192.0.2.1->192.0.2.2");
    check_prefixes(TCPL_LINK_ETHERNET, &f, CARRIER + 44 + 60);

    current = "ayiya_heartbeat_opcode";
    f.b[CARRIER + 2] = 0x10;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "ayiya_identity_past_udp_length";
    f.b[CARRIER + 2] = 0x11;
    f.b[CARRIER] = 0xF1;         /* 2^15 bytes of identity */
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);
}

static void test_teredo(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "teredo_authentication_and_origin";
    udp_carrier(&f, 3544, 40000, 4 + 2 + 1 + 8 + 1 + 8 + INNER6_LEN);
    put16(&f, 0x0001);           /* authentication indication */
    put8(&f, 2);                 /* client id length */
    put8(&f, 1);                 /* authentication value length */
    fill(&f, 0x33, 3);
    fill(&f, 0x44, 8);           /* nonce */
    put8(&f, 0);                 /* confirmation */
    put16(&f, 0x0000);           /* origin indication */
    put16(&f, 0xFFFF ^ 40000);   /* obfuscated port */
    put32(&f, 0x3FFFFDFE);       /* obfuscated address */
    inner6(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner6(&w);
    check_encap(&w, "teredo 192.0.2.1->192.0.2.2");
    check_prefixes(TCPL_LINK_ETHERNET, &f, CARRIER + 24 + 60);

    current = "teredo_payload_not_ipv6";
    f.b[CARRIER + 24] = 0x45;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "teredo_by_content_between_client_and_relay";
    memset(&f, 0, sizeof f);
    udp_carrier(&f, 32900, 3797, INNER6_LEN);
    inner6(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner6(&w);
    check_encap(&w, "teredo 192.0.2.1->192.0.2.2");

    current = "teredo_by_content_length_must_match";
    f.b[14 + 20 + 5] += 1;       /* one byte more than IPv6 accounts for */
    fill(&f, 0, 1);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);
}

static void test_gre_in_udp(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "gre_in_udp_4754";
    udp_carrier(&f, 50343, 4754, 4 + INNER4_LEN);
    put16(&f, 0);
    put16(&f, 0x0800);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "gre 192.0.2.1->192.0.2.2");
    check_prefixes(TCPL_LINK_ETHERNET, &f, CARRIER + 4 + 40);
}

/* ------------------------------------------------------ nesting, names */

static void test_nesting(void)
{
    frame f = {0};
    tcpl_wire_tcp w;
    int depth;

    /* MPLS over Ethernet, GRE in it, VXLAN in that: the endpoints are the
     * outermost tunnel's, the layers in order. */
    current = "mpls_gre_vxlan";
    eth(&f, 0x8847);
    put32(&f, (300u << 12) | 0x100 | 64);
    outer4(&f, 20 + 4 + 20 + 8 + 8 + 14 + INNER4_LEN, 0, 47);
    put16(&f, 0);
    put16(&f, 0x0800);
    ipv4(&f, 5, 20 + 8 + 8 + 14 + INNER4_LEN, 0, 17);
    udp(&f, 1, 4789, 8 + 8 + 14 + INNER4_LEN);
    put32(&f, 0x08000000);
    put32(&f, 0x00000100);
    inner_eth4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "mpls/gre/vxlan 192.0.2.1->192.0.2.2");

    /* IP in IP in IP ...: up to TCPL_WIRE_ENCAP_MAX layers decode, one
     * more is refused. */
    for (depth = TCPL_WIRE_ENCAP_MAX; depth <= TCPL_WIRE_ENCAP_MAX + 1;
         depth++) {
        current = depth > TCPL_WIRE_ENCAP_MAX ? "ipip_too_deep"
                                              : "ipip_deepest_allowed";
        memset(&f, 0, sizeof f);
        for (int i = 0; i < depth; i++)
            outer4(&f, (unsigned)(20 * (depth - i) + INNER4_LEN), 0, 4);
        inner4(&f);
        CHECK_EQ(decode(TCPL_LINK_RAW, &f, f.n, &w),
                 depth > TCPL_WIRE_ENCAP_MAX ? TCPL_WIRE_MALFORMED
                                             : TCPL_WIRE_TCP);
    }

    /* VLAN and SNAP tags alternating record nothing, but the walk is
     * bounded all the same. */
    current = "vlan_llc_loop_bounded";
    memset(&f, 0, sizeof f);
    eth(&f, 0x8100);
    for (int i = 0; i < 30; i++) {
        vlan_tag(&f, 1, 100);    /* inner "type" is an 802.3 length */
        put8(&f, 0xAA);
        put8(&f, 0xAA);
        put8(&f, 0x03);
        fill(&f, 0, 3);
        put16(&f, 0x8100);
    }
    vlan_tag(&f, 1, 0x0800);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0)
        seed_dir = argv[2];
    else if (argc != 1) {
        fprintf(stderr, "usage: test_wire_tunnel [--write-seeds DIR]\n");
        return 2;
    }
    test_ip_in_ip();
    test_gre();
    test_erspan();
    test_vxlan();
    test_vxlan_gpe();
    test_geneve();
    test_gtpu();
    test_ayiya();
    test_teredo();
    test_gre_in_udp();
    test_nesting();
    if (failures) {
        fprintf(stderr, "test_wire_tunnel: %d of %d checks failed\n",
                failures, checks);
        return 1;
    }
    printf("test_wire_tunnel: %d checks passed%s\n", checks,
           seed_dir ? " (seeds written)" : "");
    return 0;
}
