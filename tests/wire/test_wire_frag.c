/*
 * test_wire_frag.c - unit tests of what a capture can hide from the
 * decoder: payloads cut by the snapshot length (tcpl_wire_tcp.cap_len and
 * tcpl_segment.uncaptured), checksums (core/wire_csum.c) and IP fragments
 * (the decoder's tcpl_wire_frag and the reassembler, core/ipfrag.c).  Run
 * with --write-seeds DIR to dump every frame that decodes as a libFuzzer
 * seed.
 *
 * The checksummed segments carry sums computed outside this project and
 * confirmed by tshark's own verification (ip.checksum.status and
 * tcp.checksum.status both "good"): 10.0.0.1:40000 -> 10.0.0.2:80, PSH|ACK,
 * seq 1000, ack 5000, window 64240, payload "abcd", IPv4 id 0x1234, DF,
 * TTL 64: IPv4 header sum 0x1496, TCP sum 0x280e; and 2001:db8::1:40001 ->
 * 2001:db8::2:443, PSH|ACK, seq 7, ack 9, window 512, payload "xyz" (odd:
 * the sum pads it), hop limit 64: TCP sum 0xc1ce.
 */
#include "wire_test.h"

#include <stdlib.h>
#include <string.h>

#include "tcpl/ipfrag.h"

/* decode() frees its copy of the frame, but the checksums and the
 * reassembler read the frame after decoding: this keeps an exact-size
 * heap copy (so ASan still sees over-reads) until the next call. */
static uint8_t *kept;

static int decode_kept(int link, const frame *f, size_t caplen,
                       tcpl_wire_tcp *w)
{
    decode(link, f, caplen, w); /* for the seeds */
    free(kept);
    kept = malloc(caplen ? caplen : 1);
    if (!kept)
        abort();
    memcpy(kept, f->b, caplen);
    return tcpl_wire_decode(link, kept, caplen, w);
}

/* The IPv4 datagram described above (44 bytes), after Ethernet when eth
 * is set. */
static void seg4(frame *f, int with_eth)
{
    if (with_eth)
        eth(f, 0x0800);
    put8(f, 0x45);
    put8(f, 0);
    put16(f, 44);
    put16(f, 0x1234);
    put16(f, 0x4000);
    put8(f, 64);
    put8(f, 6);
    put16(f, 0x1496);
    put32(f, 0x0A000001);
    put32(f, 0x0A000002);
    put16(f, 40000);
    put16(f, 80);
    put32(f, 1000);
    put32(f, 5000);
    put8(f, 0x50);
    put8(f, 0x18);
    put16(f, 64240);
    put16(f, 0x280e);
    put16(f, 0);
    put8(f, 'a');
    put8(f, 'b');
    put8(f, 'c');
    put8(f, 'd');
}

/* The IPv6 segment described above: 40 + 23 bytes, after Ethernet. */
static void seg6(frame *f)
{
    eth(f, 0x86DD);
    ipv6(f, 23, 6);
    tcp(f, 40001, 443, 7, 9, 5, TCPL_PSH | TCPL_ACK, 512);
    f->b[f->n - 4] = 0xc1;
    f->b[f->n - 3] = 0xce;
    put8(f, 'x');
    put8(f, 'y');
    put8(f, 'z');
}

static void test_checksums(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "checksum ipv4 good";
    seg4(&f, 1);
    CHECK_EQ(decode_kept(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK_EQ(w.len, 4);
    CHECK_EQ(w.cap_len, 4);
    CHECK_EQ(tcpl_wire_checksum(&w), TCPL_CSUM_OK);

    current = "checksum ipv4 payload byte changed";
    f.b[f.n - 1] ^= 0x20;
    CHECK_EQ(decode_kept(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK_EQ(tcpl_wire_checksum(&w), TCPL_CSUM_BAD_TCP);
    f.b[f.n - 1] ^= 0x20;

    current = "checksum ipv4 header byte changed";
    f.b[14 + 8] = 63; /* TTL: the TCP sum does not cover it */
    CHECK_EQ(decode_kept(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK_EQ(tcpl_wire_checksum(&w), TCPL_CSUM_BAD_IP);
    f.b[14 + 8] = 64;

    current = "checksum ipv4 cut by the snapshot length";
    CHECK_EQ(decode_kept(TCPL_LINK_ETHERNET, &f, f.n - 3, &w), TCPL_WIRE_TCP);
    CHECK_EQ(w.len, 4);
    CHECK_EQ(w.cap_len, 1);
    CHECK_EQ(tcpl_wire_checksum(&w), TCPL_CSUM_UNCHECKED);
    tcpl_segment s;
    tcpl_wire_segment(&w, 1, 0, &s);
    CHECK_EQ(s.len, 4);
    CHECK_EQ(s.uncaptured, 3);
    CHECK_EQ(s.bad_checksum, 0);

    current = "checksum ipv4 with Ethernet padding";
    fill(&f, 0, 8); /* a 60-byte minimum frame pads like this */
    CHECK_EQ(decode_kept(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK_EQ(w.cap_len, 4);
    CHECK_EQ(tcpl_wire_checksum(&w), TCPL_CSUM_OK);

    current = "checksum ipv6 good";
    memset(&f, 0, sizeof f);
    seg6(&f);
    CHECK_EQ(decode_kept(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK_EQ(w.len, 3);
    CHECK_EQ(tcpl_wire_checksum(&w), TCPL_CSUM_OK);

    current = "checksum ipv6 address changed";
    f.b[14 + 8 + 15] = 3; /* the source: only the pseudo-header has it */
    CHECK_EQ(decode_kept(TCPL_LINK_ETHERNET, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK_EQ(tcpl_wire_checksum(&w), TCPL_CSUM_BAD_TCP);
}

/* One IPv4 fragment of the datagram seg4() builds, without DF: data
 * bytes [off, off + n) of its 24 after the IP header. */
static void frag4(frame *f, unsigned id, unsigned off, unsigned n, int more)
{
    frame whole = {0};
    seg4(&whole, 0);
    put8(f, 0x45);
    put8(f, 0);
    put16(f, 20 + n);
    put16(f, id);
    put16(f, (more ? 0x2000 : 0) | off / 8);
    put8(f, 64);
    put8(f, 6);
    put16(f, 0);
    put32(f, 0x0A000001);
    put32(f, 0x0A000002);
    /* Offsets past the 24 bytes (a test of the bounds) carry filler. */
    for (unsigned i = 0; i < n; i++)
        put8(f, off + i < 24 ? whole.b[20 + off + i] : 0xEE);
}

/* One IPv6 fragment of seg6()'s 23 TCP bytes. */
static void frag6_of(frame *f, unsigned off, unsigned n, int more)
{
    frame whole = {0};
    seg6(&whole);
    ipv6(f, 8 + n, 44);
    frag6(f, 6, off / 8, more);
    for (unsigned i = 0; i < n; i++)
        put8(f, whole.b[14 + 40 + off + i]);
}

/* A libFuzzer seed for fuzz_wire's reassembly: link byte 2 (raw IP in
 * its table), then the frames joined by its "FRAG" marker. */
static void sequence_seed(const char *name, const frame *const *fs, int n)
{
    char path[4096];
    FILE *out;

    if (!seed_dir)
        return;
    snprintf(path, sizeof path, "%s/frag-%s", seed_dir, name);
    out = fopen(path, "wb");
    if (!out) {
        failures++;
        return;
    }
    fputc(2, out);
    for (int i = 0; i < n; i++) {
        if (i)
            fwrite("FRAG", 1, 4, out);
        fwrite(fs[i]->b, 1, fs[i]->n, out);
    }
    if (fclose(out) != 0)
        failures++;
}

typedef struct rig {
    tcpl_ipfrag *r;
    void *mem;
} rig;

static void rig_init(rig *g, unsigned slots)
{
    size_t n = tcpl_ipfrag_size(slots);
    g->mem = malloc(n);
    g->r = tcpl_ipfrag_init(g->mem, n, slots, TCPL_IPFRAG_TIMEOUT_NS);
    CHECK(g->r != NULL);
}

/* Decode f (raw IP) and hand its fragment to the reassembler: what
 * tcpl_ipfrag_add returned; *w the decoded datagram when it completed. */
static int feed(rig *g, const frame *f, size_t caplen, int64_t ts,
                tcpl_wire_tcp *w)
{
    tcpl_wire_tcp fw;
    const uint8_t *dg;
    size_t len;
    decode_kept(TCPL_LINK_RAW, f, caplen, &fw);
    CHECK(fw.frag.ip != NULL);
    if (fw.frag.ip == NULL)
        return -1;
    int rc = tcpl_ipfrag_add(g->r, &fw.frag, ts, &dg, &len);
    if (rc == 1)
        CHECK_EQ(tcpl_wire_decode(TCPL_LINK_RAW, dg, len, w), TCPL_WIRE_TCP);
    return rc;
}

static void check_whole4(const tcpl_wire_tcp *w)
{
    CHECK_EQ(w->sport, 40000);
    CHECK_EQ(w->dport, 80);
    CHECK_EQ(w->seq, 1000);
    CHECK_EQ(w->len, 4);
    CHECK_EQ(w->cap_len, 4);
    /* The whole datagram's length, as Zeek's IP bytes count it. */
    CHECK_EQ(w->ip_len, 44);
    CHECK(w->frag.ip == NULL);
    /* The TCP sum over the rebuilt bytes, and the rebuilt header's. */
    CHECK_EQ(tcpl_wire_checksum(w), TCPL_CSUM_OK);
    CHECK_EQ((w->ip_hdr[2] << 8) | w->ip_hdr[3], 44);
    CHECK_EQ(w->ip_hdr[6] | w->ip_hdr[7], 0);
}

static void test_decoder_frag_info(void)
{
    frame f = {0};
    tcpl_wire_tcp w;

    current = "frag info ipv4 first";
    /* 16 bytes cannot hold the TCP header: malformed as a segment, but a
     * reassembler still learns the fragment. */
    frag4(&f, 77, 0, 16, 1);
    CHECK_EQ(decode_kept(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_MALFORMED);
    CHECK(w.frag.ip != NULL);
    CHECK_EQ(w.frag.family, 4);
    CHECK_EQ(w.frag.id, 77);
    CHECK_EQ(w.frag.offset, 0);
    CHECK_EQ(w.frag.more, 1);
    CHECK_EQ(w.frag.hdr_len, 20);
    CHECK_EQ(w.frag.data_len, 16);
    CHECK_EQ(w.frag.proto, 6);
    CHECK_EQ(tcpl_wire_checksum(&w), TCPL_CSUM_UNCHECKED);

    current = "frag info ipv4 last";
    memset(&f, 0, sizeof f);
    frag4(&f, 77, 16, 8, 0);
    CHECK_EQ(decode_kept(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_NOT_TCP);
    CHECK_EQ(w.frag.offset, 16);
    CHECK_EQ(w.frag.more, 0);
    CHECK_EQ(w.frag.data_len, 8);

    current = "frag info ipv6";
    memset(&f, 0, sizeof f);
    frag6_of(&f, 16, 7, 0);
    CHECK_EQ(decode_kept(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_NOT_TCP);
    CHECK_EQ(w.frag.family, 6);
    CHECK_EQ(w.frag.id, 0xCAFE);
    CHECK_EQ(w.frag.offset, 16);
    CHECK_EQ(w.frag.hdr_len, 48);
    CHECK_EQ(w.frag.data_len, 7);
    CHECK_EQ(w.frag.proto, 6);

    current = "no frag info unfragmented";
    memset(&f, 0, sizeof f);
    seg4(&f, 0);
    CHECK_EQ(decode_kept(TCPL_LINK_RAW, &f, f.n, &w), TCPL_WIRE_TCP);
    CHECK(w.frag.ip == NULL);
}

static void test_reassembly(void)
{
    frame a = {0}, b = {0}, c = {0}, d = {0};
    tcpl_wire_tcp w;
    rig g;
    const int64_t t0 = INT64_C(1000000000000);

    current = "reassembly ipv4 in order";
    rig_init(&g, 4);
    frag4(&a, 1, 0, 16, 1);
    frag4(&b, 1, 16, 8, 0);
    CHECK_EQ(feed(&g, &a, a.n, t0, &w), 0);
    CHECK_EQ(feed(&g, &b, b.n, t0 + 1, &w), 1);
    check_whole4(&w);
    sequence_seed("v4-in-order", (const frame *const[]){&a, &b}, 2);

    current = "reassembly ipv4 out of order, in three";
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    frag4(&a, 2, 0, 8, 1);
    frag4(&b, 2, 8, 8, 1);
    frag4(&c, 2, 16, 8, 0);
    CHECK_EQ(feed(&g, &c, c.n, t0, &w), 0);
    CHECK_EQ(feed(&g, &a, a.n, t0, &w), 0);
    CHECK_EQ(feed(&g, &b, b.n, t0, &w), 1);
    check_whole4(&w);
    sequence_seed("v4-out-of-order", (const frame *const[]){&c, &a, &b}, 3);

    current = "reassembly ipv4 exact duplicate";
    CHECK_EQ(feed(&g, &a, a.n, t0, &w), 0);
    CHECK_EQ(feed(&g, &a, a.n, t0, &w), 0);
    CHECK_EQ(feed(&g, &b, b.n, t0, &w), 0);
    CHECK_EQ(feed(&g, &c, c.n, t0, &w), 1);
    check_whole4(&w);
    CHECK_EQ(tcpl_ipfrag_stats_of(g.r)->duplicates, 1);
    CHECK_EQ(tcpl_ipfrag_stats_of(g.r)->reassembled, 3);

    current = "reassembly ipv4 overlap drops the datagram";
    memset(&d, 0, sizeof d);
    frag4(&d, 3, 0, 16, 1);
    memset(&a, 0, sizeof a);
    frag4(&a, 3, 8, 16, 0); /* [8, 24) overlaps [0, 16) */
    CHECK_EQ(feed(&g, &d, d.n, t0, &w), 0);
    CHECK_EQ(feed(&g, &a, a.n, t0, &w), 0);
    CHECK_EQ(tcpl_ipfrag_stats_of(g.r)->overlapping, 1);
    sequence_seed("v4-overlap", (const frame *const[]){&d, &a}, 2);
    /* What follows starts over: the dropped pieces are not used. */
    memset(&b, 0, sizeof b);
    frag4(&b, 3, 16, 8, 0);
    CHECK_EQ(feed(&g, &b, b.n, t0, &w), 0);

    current = "reassembly ipv4 same bytes at the same place, changed";
    memset(&a, 0, sizeof a);
    frag4(&a, 4, 0, 16, 1);
    memcpy(&c, &a, sizeof c);
    c.b[c.n - 1] ^= 1;
    CHECK_EQ(feed(&g, &a, a.n, t0, &w), 0);
    CHECK_EQ(feed(&g, &c, c.n, t0, &w), 0);
    CHECK_EQ(tcpl_ipfrag_stats_of(g.r)->overlapping, 2);

    current = "reassembly ipv4 missing piece times out";
    uint64_t before = tcpl_ipfrag_stats_of(g.r)->timed_out;
    memset(&a, 0, sizeof a);
    frag4(&a, 5, 0, 16, 1);
    CHECK_EQ(feed(&g, &a, a.n, t0 + 10, &w), 0);
    /* 31 s later the datagrams of this test are all given up. */
    memset(&b, 0, sizeof b);
    frag4(&b, 6, 16, 8, 0);
    CHECK_EQ(feed(&g, &b, b.n, t0 + 31 * INT64_C(1000000000) + 10, &w), 0);
    CHECK_EQ(tcpl_ipfrag_stats_of(g.r)->timed_out, before + 2);
    memset(&a, 0, sizeof a);
    frag4(&a, 5, 16, 8, 0);
    CHECK_EQ(feed(&g, &a, a.n, t0 + 32 * INT64_C(1000000000), &w), 0);
    tcpl_ipfrag_expire_all(g.r);
    CHECK_EQ(tcpl_ipfrag_stats_of(g.r)->timed_out, before + 4);

    current = "reassembly ipv4 bad fragments";
    uint64_t bad = tcpl_ipfrag_stats_of(g.r)->bad;
    memset(&a, 0, sizeof a);
    frag4(&a, 7, 0, 12, 1); /* a middle piece not a multiple of 8 */
    CHECK_EQ(feed(&g, &a, a.n, t0, &w), 0);
    memset(&a, 0, sizeof a);
    frag4(&a, 7, 0, 16, 1);
    CHECK_EQ(feed(&g, &a, a.n - 1, t0, &w), 0); /* cut by the snaplen */
    memset(&a, 0, sizeof a);
    frag4(&a, 7, 65528, 16, 0); /* past 64 KiB */
    CHECK_EQ(feed(&g, &a, a.n, t0, &w), 0);
    CHECK_EQ(tcpl_ipfrag_stats_of(g.r)->bad, bad + 3);
    /* Two last pieces that disagree on the length. */
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    frag4(&a, 8, 16, 8, 0);
    frag4(&b, 8, 24, 8, 0); /* ends at 32, the other at 24 */
    CHECK_EQ(feed(&g, &a, a.n, t0, &w), 0);
    CHECK_EQ(feed(&g, &b, b.n, t0, &w), 0);
    CHECK_EQ(tcpl_ipfrag_stats_of(g.r)->bad, bad + 4);
    tcpl_ipfrag_expire_all(g.r);
    free(g.mem);

    current = "reassembly no free slot";
    rig_init(&g, 1);
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    frag4(&a, 9, 0, 16, 1);
    frag4(&b, 10, 0, 16, 1);
    CHECK_EQ(feed(&g, &a, a.n, t0, &w), 0);
    CHECK_EQ(feed(&g, &b, b.n, t0, &w), 0);
    CHECK_EQ(tcpl_ipfrag_stats_of(g.r)->no_room, 1);
    /* The id tells datagrams apart: 10's last piece does not finish 9. */
    memset(&c, 0, sizeof c);
    frag4(&c, 10, 16, 8, 0);
    CHECK_EQ(feed(&g, &c, c.n, t0, &w), 0);
    memset(&c, 0, sizeof c);
    frag4(&c, 9, 16, 8, 0);
    CHECK_EQ(feed(&g, &c, c.n, t0, &w), 1);
    check_whole4(&w);
    free(g.mem);

    current = "reassembly ipv6";
    rig_init(&g, 2);
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    frag6_of(&a, 0, 16, 1);
    frag6_of(&b, 16, 7, 0);
    CHECK_EQ(feed(&g, &b, b.n, t0, &w), 0);
    CHECK_EQ(feed(&g, &a, a.n, t0, &w), 1);
    sequence_seed("v6", (const frame *const[]){&b, &a}, 2);
    CHECK_EQ(w.family, 6);
    CHECK_EQ(w.sport, 40001);
    CHECK_EQ(w.dport, 443);
    CHECK_EQ(w.len, 3);
    CHECK_EQ(w.ip_len, 40 + 20 + 3); /* no fragment header any more */
    CHECK_EQ(tcpl_wire_checksum(&w), TCPL_CSUM_OK);
    free(g.mem);

    current = "reassembler memory too small";
    char small[64];
    CHECK(tcpl_ipfrag_init(small, sizeof small, 1, 1) == NULL);
    CHECK(tcpl_ipfrag_init(small, sizeof small, 0, 1) == NULL);
}

/* The one loop every reader runs (tcpl_ipfrag_resume): fragments of a
 * segment carried in an IP-in-IP tunnel, the tunnel itself whole.  The
 * first piece is held; the last completes the datagram, decoded with the
 * tunnel still recorded around it. */
static void test_resume(void)
{
    frame a = {0}, b = {0}, in = {0};
    tcpl_wire_tcp w;
    rig g;
    int rc;

    current = "resume: fragments inside a tunnel";
    rig_init(&g, 2);
    frag4(&in, 11, 0, 16, 1);
    ipv4(&a, 5, 20 + in.n, 0, 4);
    memcpy(a.b + a.n, in.b, in.n);
    a.n += in.n;
    memset(&in, 0, sizeof in);
    frag4(&in, 11, 16, 8, 0);
    ipv4(&b, 5, 20 + in.n, 0, 4);
    memcpy(b.b + b.n, in.b, in.n);
    b.n += in.n;

    rc = decode_kept(TCPL_LINK_RAW, &a, a.n, &w);
    CHECK(w.frag.ip != NULL);
    CHECK_EQ(tcpl_ipfrag_resume(g.r, rc, 1, &w), TCPL_IPFRAG_HELD);
    rc = decode_kept(TCPL_LINK_RAW, &b, b.n, &w);
    CHECK_EQ(rc, TCPL_WIRE_NOT_TCP);
    CHECK_EQ(tcpl_ipfrag_resume(g.r, rc, 2, &w), TCPL_WIRE_TCP);
    check_whole4(&w);
    CHECK_EQ(w.encap.n, 1);
    CHECK_EQ(w.encap.layer[0], TCPL_ENC_IPIP);
    CHECK_EQ(w.encap.family, 4);
    CHECK_EQ(tcpl_ipfrag_stats_of(g.r)->reassembled, 1);

    current = "resume: a frame without a fragment is left as decoded";
    rc = decode_kept(TCPL_LINK_RAW, &b, 20, &w); /* the tunnel header only */
    CHECK(w.frag.ip == NULL);
    CHECK_EQ(tcpl_ipfrag_resume(g.r, rc, 3, &w), rc);
    free(g.mem);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0)
        seed_dir = argv[2];
    else if (argc != 1) {
        fprintf(stderr, "usage: test_wire_frag [--write-seeds DIR]\n");
        return 2;
    }
    test_checksums();
    test_decoder_frag_info();
    test_reassembly();
    test_resume();
    free(kept);
    if (failures) {
        fprintf(stderr, "test_wire_frag: %d of %d checks failed\n", failures,
                checks);
        return 1;
    }
    printf("test_wire_frag: %d checks passed%s\n", checks,
           seed_dir ? " (seeds written)" : "");
    return 0;
}
