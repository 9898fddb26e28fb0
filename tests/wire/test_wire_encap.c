/*
 * test_wire_encap.c - unit tests of the decoder's link-level
 * encapsulations (core/wire_encap.c): FDDI and 802.3 with LLC/SNAP, MPLS,
 * PBB, PPPoE, VN-tag, E-tag, NSH, the PPP and Cisco HDLC link types, and
 * the text naming an encapsulation (core/wire_text.c).  The tunnels are
 * test_wire_tunnel.c's.
 *
 * One test per encapsulation: a hand-built frame with a TCP segment inside,
 * checked for the inner header, for what tcpl_wire_tcp.encap recorded and
 * for every truncation (check_prefixes); then the ways each header can lie
 * about itself.  Run with --write-seeds DIR to add every valid frame to
 * the fuzzer's seeds.
 */
#include "wire_test.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------ link level */

static void test_fddi_llc(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "fddi_llc_snap";
    put8(&f, 0x50);      /* frame control: LLC, asynchronous */
    fill(&f, 0x02, 6);
    fill(&f, 0x04, 6);
    put8(&f, 0xAA);      /* DSAP SNAP */
    put8(&f, 0xAA);      /* SSAP SNAP */
    put8(&f, 0x03);      /* UI */
    put8(&f, 0); put8(&f, 0); put8(&f, 0); /* RFC 1042 OUI */
    put16(&f, 0x0800);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_FDDI, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    CHECK_EQ(w.encap.n, 0); /* framing, not encapsulation */
    check_encap(&w, "");
    check_prefixes(TCPL_LINK_FDDI, &f, 13 + 8 + 40);

    current = "fddi_llc_snap_bridge_tunnel_oui";
    f.b[13 + 5] = 0xF8;
    CHECK_EQ(decode(TCPL_LINK_FDDI, &f, f.n, &w), TCPL_WIRE_TCP);

    current = "fddi_llc_snap_other_oui";
    f.b[13 + 5] = 0x0C; /* Cisco's: its numbers are not ethertypes */
    CHECK_EQ(decode(TCPL_LINK_FDDI, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "fddi_llc_snap_carries_a_length";
    f.b[13 + 5] = 0;
    f.b[13 + 6] = 0x05;
    f.b[13 + 7] = 0xDC; /* 1500: a length, not a type */
    CHECK_EQ(decode(TCPL_LINK_FDDI, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "fddi_llc_dod_ip_sap";
    memset(&f, 0, sizeof f);
    put8(&f, 0x50);
    fill(&f, 0x02, 12);
    put8(&f, 0x06);
    put8(&f, 0x06);
    put8(&f, 0x03);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_FDDI, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_prefixes(TCPL_LINK_FDDI, &f, 13 + 3 + 40);

    current = "fddi_llc_spanning_tree";
    f.b[13] = 0x42;
    f.b[14] = 0x42;
    CHECK_EQ(decode(TCPL_LINK_FDDI, &f, f.n, &w), TCPL_WIRE_NOT_TCP);
}

static void test_ethernet_8023_llc(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "ethernet_8023_length_llc_snap_ipv6";
    eth(&f, 8 + INNER6_LEN); /* a length, not a type */
    put8(&f, 0xAA);
    put8(&f, 0xAA);
    put8(&f, 0x03);
    fill(&f, 0, 3);
    put16(&f, 0x86DD);
    inner6(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner6(&w);
    check_encap(&w, "");
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 8 + 60);

    current = "linux_cooked_llc_protocol_4";
    memset(&f, 0, sizeof f);
    put16(&f, 0);
    put16(&f, 1);
    put16(&f, 6);
    fill(&f, 0, 8);
    put16(&f, 0x0004); /* ETH_P_802_2: an LLC frame */
    put8(&f, 0xAA);
    put8(&f, 0xAA);
    put8(&f, 0x03);
    fill(&f, 0, 3);
    put16(&f, 0x0800);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_LINUX_SLL, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
}

static void test_mpls(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "mpls_two_labels_ipv4";
    eth(&f, 0x8847);
    put32(&f, (100u << 12) | 64);            /* label 100, TTL 64 */
    put32(&f, (200u << 12) | 0x100 | 64);    /* label 200, bottom */
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "mpls");
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 8 + 40);

    current = "mpls_multicast_ipv6";
    memset(&f, 0, sizeof f);
    eth(&f, 0x8848);
    put32(&f, (2u << 12) | 0x100 | 64);      /* IPv6 explicit null */
    inner6(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner6(&w);
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 4 + 60);

    current = "mpls_pseudowire_control_word_ethernet";
    memset(&f, 0, sizeof f);
    eth(&f, 0x8847);
    put32(&f, (16u << 12) | 0x100 | 64);
    put32(&f, 0x00000001);                   /* control word, sequence 1 */
    eth(&f, 0x8100);
    vlan_tag(&f, 10, 0x0800);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "mpls");
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 4 + 4 + 18 + 40);

    current = "linktype_mpls";
    memset(&f, 0, sizeof f);
    put32(&f, (100u << 12) | 0x100 | 64);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_MPLS, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_prefixes(TCPL_LINK_MPLS, &f, 4 + 40);

    current = "mpls_payload_not_ip";
    f.b[4] = 0x95;
    CHECK_EQ(decode(TCPL_LINK_MPLS, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "mpls_stack_without_bottom";
    memset(&f, 0, sizeof f);
    eth(&f, 0x8847);
    for (int i = 0; i < 17; i++)
        put32(&f, ((unsigned)(i + 16) << 12) | 64);
    put32(&f, (99u << 12) | 0x100 | 64);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);
}

static void test_pbb(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "pbb_btag_itag_customer_vlan";
    eth(&f, 0x88A8);
    vlan_tag(&f, 4051, 0x88E7);  /* B-tag, then the I-tag's type */
    put32(&f, 0x00012345);       /* I-tag: I-SID 0x012345 */
    fill(&f, 0x0A, 6);           /* customer destination */
    fill(&f, 0x0B, 6);           /* customer source */
    put16(&f, 0x8100);
    vlan_tag(&f, 7, 0x0800);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "pbb");
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 4 + 18 + 4 + 40);
}

static void test_pppoe(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "pppoe_session_over_qinq";
    eth(&f, 0x88A8);
    vlan_tag(&f, 100, 0x8100);
    vlan_tag(&f, 200, 0x8864);
    put8(&f, 0x11);              /* version 1, type 1 */
    put8(&f, 0x00);              /* session data */
    put16(&f, 0x1234);           /* session id */
    put16(&f, 2 + INNER4_LEN);
    put16(&f, 0x0021);           /* PPP: IPv4 */
    inner4(&f);
    fill(&f, 0, 4);              /* Ethernet padding past PPPoE's length */
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "pppoe");
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 8 + 8 + 40);

    current = "pppoe_length_cuts_the_ip_header";
    f.b[14 + 8 + 4] = 0;
    f.b[14 + 8 + 5] = 2 + 10;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    current = "pppoe_discovery_code";
    f.b[14 + 8 + 5] = 2 + INNER4_LEN;
    f.b[14 + 8 + 1] = 0x09;      /* PADI */
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "pppoe_ppp_lcp";
    f.b[14 + 8 + 1] = 0;
    f.b[14 + 8 + 6] = 0xC0;
    f.b[14 + 8 + 7] = 0x21;      /* LCP */
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "linktype_ppp_ether_compressed_protocol_ipv6";
    memset(&f, 0, sizeof f);
    put8(&f, 0x11);
    put8(&f, 0x00);
    put16(&f, 1);
    put16(&f, 1 + INNER6_LEN);
    put8(&f, 0x57);              /* PPP: IPv6, protocol field compressed */
    inner6(&f);
    CHECK_EQ(decode(TCPL_LINK_PPP_ETHER, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner6(&w);
    check_encap(&w, "pppoe");
    check_prefixes(TCPL_LINK_PPP_ETHER, &f, 6 + 1 + 60);
}

static void test_vntag_etag(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "vntag";
    eth(&f, 0x8926);
    put32(&f, 0x80010002);       /* direction, destination and source vif */
    put16(&f, 0x0800);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "vntag");
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 6 + 40);

    current = "etag_8021br_then_vlan";
    memset(&f, 0, sizeof f);
    eth(&f, 0x893F);
    put16(&f, 0x2001);           /* E-PCP, ingress E-CID base */
    put32(&f, 0x00050000);       /* E-CID base, extensions */
    put16(&f, 0x8100);
    vlan_tag(&f, 3, 0x86DD);
    inner6(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner6(&w);
    check_encap(&w, "etag");
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 8 + 4 + 60);
}

static void test_nsh(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "nsh_md_type1_ipv4";
    eth(&f, 0x894F);
    put8(&f, 0x0F);              /* version 0, TTL 63 (high bits) */
    put8(&f, 0xC6);              /* TTL low bits, length 6 words */
    put8(&f, 0x01);              /* MD type 1 */
    put8(&f, 0x01);              /* next protocol: IPv4 */
    put32(&f, 0x00002AFF);       /* service path 42, index 255 */
    fill(&f, 0, 16);             /* fixed context */
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "nsh");
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 24 + 40);

    current = "nsh_length_below_base_and_path";
    f.b[15] = 0xC1;              /* 1 word: shorter than its own 8 bytes */
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_MALFORMED);

    current = "nsh_unknown_version";
    f.b[15] = 0xC6;
    f.b[14] = 0x4F;
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_NOT_TCP);

    current = "nsh_md_type2_ethernet";
    memset(&f, 0, sizeof f);
    eth(&f, 0x894F);
    put8(&f, 0x0F);
    put8(&f, 0xC2);              /* 2 words, no context */
    put8(&f, 0x02);
    put8(&f, 0x03);              /* Ethernet */
    put32(&f, 0x00002AFF);
    inner_eth4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_prefixes(TCPL_LINK_ETHERNET, &f, 14 + 8 + 14 + 40);
}

static void test_ppp_links(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "linktype_ppp_hdlc_framing";
    put8(&f, 0xFF);
    put8(&f, 0x03);
    put16(&f, 0x0021);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_PPP, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_encap(&w, "");
    check_prefixes(TCPL_LINK_PPP, &f, 4 + 40);
    current = "linktype_ppp_hdlc";
    CHECK_EQ(decode(TCPL_LINK_PPP_HDLC, &f, f.n, &w), TCPL_WIRE_TCP);
    check_prefixes(TCPL_LINK_PPP_HDLC, &f, 4 + 40);

    current = "linktype_ppp_bare";
    memset(&f, 0, sizeof f);
    put16(&f, 0x0057);
    inner6(&f);
    CHECK_EQ(decode(TCPL_LINK_PPP, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner6(&w);
    check_prefixes(TCPL_LINK_PPP, &f, 2 + 60);

    current = "linktype_ppp_cisco_hdlc";
    memset(&f, 0, sizeof f);
    put8(&f, 0x0F);
    put8(&f, 0x00);
    put16(&f, 0x0800);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_PPP_HDLC, &f, f.n, &w), TCPL_WIRE_TCP);
    check_inner4(&w);
    check_prefixes(TCPL_LINK_PPP_HDLC, &f, 4 + 40);
    current = "linktype_c_hdlc";
    CHECK_EQ(decode(TCPL_LINK_C_HDLC, &f, f.n, &w), TCPL_WIRE_TCP);
    check_prefixes(TCPL_LINK_C_HDLC, &f, 4 + 40);
}

static void test_names(void)
{
    tcpl_wire_encap e;
    char s[TCPL_WIRE_ENCAP_STRLEN], small[8];
    size_t n;
    frame f = {0};
    tcpl_wire_tcp w;

    current = "plain_frame_records_nothing";
    eth(&f, 0x0800);
    inner4(&f);
    CHECK_EQ(decode(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK_EQ(w.encap.n, 0);
    CHECK_EQ(w.encap.family, 0);
    check_encap(&w, "");

    current = "layer_names";
    CHECK(strcmp(tcpl_wire_layer_name(TCPL_ENC_ERSPAN2), "erspan2") == 0);
    CHECK(strcmp(tcpl_wire_layer_name(TCPL_ENC_VXLAN_GPE), "vxlan-gpe") == 0);
    CHECK(strcmp(tcpl_wire_layer_name(0), "?") == 0);
    CHECK(strcmp(tcpl_wire_layer_name(TCPL_ENC_COUNT), "?") == 0);
    for (int i = 1; i < TCPL_ENC_COUNT; i++)
        CHECK(strcmp(tcpl_wire_layer_name(i), "?") != 0);

    current = "encap_string_ipv6_forms";
    memset(&e, 0, sizeof e);
    e.n = 2;
    e.layer[0] = TCPL_ENC_MPLS;
    e.layer[1] = TCPL_ENC_IPIP;
    e.family = 6;
    e.src[0] = 0x20; e.src[1] = 0x01; e.src[15] = 1;   /* 2001::1 */
    e.dst[0] = 0xfe; e.dst[1] = 0x80; e.dst[5] = 1;    /* fe80:0:1:: */
    e.dst[7] = 0; e.dst[9] = 2;                        /* fe80:0:1:0:2:: */
    n = tcpl_wire_encap_str(&e, s, sizeof s);
    CHECK(strcmp(s, "mpls/ipip 2001::1->fe80:0:1:0:2::") == 0);
    CHECK_EQ(n, strlen(s));

    current = "encap_string_single_zero_group_and_ipv4_digits";
    memset(&e, 0, sizeof e);
    e.n = 1;
    e.layer[0] = TCPL_ENC_GTPU;
    e.family = 6;
    for (int i = 0; i < 16; i += 2)
        e.src[i + 1] = (uint8_t)(i / 2 + 1);
    e.src[4] = 0xAB;                                   /* 1:2:ab03:4:... */
    e.src[6] = 0; e.src[7] = 0;                        /* one zero group */
    e.dst[0] = 0xFF; e.dst[1] = 0x02; e.dst[14] = 0x01; /* ff02::100 */
    tcpl_wire_encap_str(&e, s, sizeof s);
    CHECK(strcmp(s, "gtpu 1:2:ab03:0:5:6:7:8->ff02::100") == 0);
    e.family = 4;
    e.src[0] = 10; e.src[1] = 100; e.src[2] = 255; e.src[3] = 0;
    e.dst[0] = 9; e.dst[1] = 99; e.dst[2] = 0; e.dst[3] = 200;
    tcpl_wire_encap_str(&e, s, sizeof s);
    CHECK(strcmp(s, "gtpu 10.100.255.0->9.99.0.200") == 0);

    current = "encap_string_cut_short";
    e.layer[0] = TCPL_ENC_MPLS;
    e.layer[1] = TCPL_ENC_IPIP;
    e.n = 2;
    e.family = 6;
    memset(e.src, 0, 16);
    memset(e.dst, 0, 16);
    e.src[0] = 0x20; e.src[1] = 0x01; e.src[15] = 1;
    e.dst[0] = 0xfe; e.dst[1] = 0x80; e.dst[5] = 1; e.dst[9] = 2;
    tcpl_wire_encap_str(&e, s, sizeof s);
    n = tcpl_wire_encap_str(&e, small, sizeof small);
    CHECK(strcmp(small, "mpls/ip") == 0);
    CHECK_EQ(n, strlen(s));
}


int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0)
        seed_dir = argv[2];
    else if (argc != 1) {
        fprintf(stderr, "usage: test_wire_encap [--write-seeds DIR]\n");
        return 2;
    }
    test_fddi_llc();
    test_ethernet_8023_llc();
    test_mpls();
    test_pbb();
    test_pppoe();
    test_vntag_etag();
    test_nsh();
    test_ppp_links();
    test_names();
    if (failures) {
        fprintf(stderr, "test_wire_encap: %d of %d checks failed\n",
                failures, checks);
        return 1;
    }
    printf("test_wire_encap: %d checks passed%s\n", checks,
           seed_dir ? " (seeds written)" : "");
    return 0;
}
