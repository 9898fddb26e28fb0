/*
 * test_zeek.c - unit tests of Zeek's view of a lifecycle (core/zeek.c):
 * conn_state, history and counts, fed through the public tcpl_step().
 *
 * Each test plays a short exchange and compares the conn_state and
 * history with what Zeek's conn.log gives for that exchange (the expected
 * strings were checked against Zeek's rules in its sources, not produced
 * by our code).  The fixture tracks each side's next sequence number, so a
 * test spells out only what is unusual about its segments.
 *
 * Run with no argument for all tests, or with a test name; ctest runs one
 * process per test (the names are read from this file by CMake).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpl/tcpl.h"

#include "fixture.h"

static void handshake(fx *f)
{
    tx(f, C, SYN, 0);
    tx(f, S, SYN | A, 0);
    tx(f, C, A, 0);
}

/* conn_state and history are exactly these. */
static void verdict_is(const fx *f, const char *state, const char *history,
                       int line)
{
    char st[8], h[TCPL_ZEEK_HISTORY];
    size_t n = tcpl_zeek_verdict(&f->c, st, sizeof st, h, sizeof h);
    if (strcmp(st, state) != 0 || strcmp(h, history) != 0 ||
        n != strlen(history)) {
        fprintf(stderr, "%s:%d: got %s %s, expected %s %s\n", __FILE__, line,
                st, h, state, history);
        failed = 1;
    }
}
#define VERDICT(f, st, h) verdict_is(f, st, h, __LINE__)

/* ========================================================== conn_state */

TEST(sf_data_and_fin_close)
{
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    tx(&f, C, A | PSH, 100);
    tx(&f, S, A, 0);
    tx(&f, S, A | PSH, 200);
    tx(&f, C, A, 0);
    tx(&f, C, FIN | A, 0);
    tx(&f, S, FIN | A, 0);
    tx(&f, C, A, 0);
    VERDICT(&f, "SF", "ShADadFf");

    tcpl_zeek_counts z;
    tcpl_zeek_counts_of(&f.c, &z);
    CHECK(z.orig_pkts == 6 && z.resp_pkts == 4);
    CHECK(z.orig_bytes == 100 && z.resp_bytes == 200);
    CHECK(z.missed_bytes == 0);
    CHECK(z.bytes_logged);
    /* Zeek's duration stops at the last segment before both closed: the
     * final ACK is not in it. */
    CHECK(z.duration_ns == 8 * 10 * MS);
    CHECK(f.c.zeek.ep[0].state == TCPL_ZE_CLOSED);
    CHECK(strcmp(tcpl_zeek_ep_state_name(TCPL_ZE_SYN_ACK_SENT),
                 "SYN_ACK_SENT") == 0);
}

TEST(rej_refused)
{
    fx f;
    fx_init(&f, 1000, 5000);
    tx(&f, C, SYN, 0);
    tx(&f, S, RST | A, 0);
    VERDICT(&f, "REJ", "Sr");
}

TEST(s0_syn_unanswered_retransmitted)
{
    fx f;
    fx_init(&f, 1000, 5000);
    for (int i = 0; i < 3; i++)
        raw(&f, C, SYN, 1000, 0, 0, 65535); /* same ISN: no new 'S' */
    VERDICT(&f, "S0", "S");
    tcpl_zeek_counts z;
    tcpl_zeek_counts_of(&f.c, &z);
    CHECK(z.orig_pkts == 3 && z.resp_pkts == 0);
    CHECK(z.orig_bytes == 0);
}

TEST(s1_open)
{
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    tx(&f, C, A | PSH, 10);
    tx(&f, S, A | PSH, 10);
    VERDICT(&f, "S1", "ShADd");
}

TEST(s2_only_originator_closed)
{
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    tx(&f, C, FIN | A, 0);
    tx(&f, S, A, 0);
    VERDICT(&f, "S2", "ShAFa");
}

TEST(s3_only_responder_closed)
{
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    tx(&f, S, FIN | A, 0);
    tx(&f, C, A, 0);
    VERDICT(&f, "S3", "ShAf");
}

TEST(rsto_originator_aborts)
{
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    tx(&f, C, RST | A, 0);
    VERDICT(&f, "RSTO", "ShAR");
}

TEST(rstr_responder_aborts)
{
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    tx(&f, C, A | PSH, 20);
    tx(&f, S, RST | A, 0);
    VERDICT(&f, "RSTR", "ShADr");
}

TEST(rstos0_syn_then_own_rst)
{
    fx f;
    fx_init(&f, 1000, 5000);
    tx(&f, C, SYN, 0);
    tx(&f, C, RST, 0);
    VERDICT(&f, "RSTOS0", "SR");
}

TEST(rstrh_synack_then_rst)
{
    /* The client's SYN is not in the capture: Zeek flips the direction
     * ('^'), the originator never shows, the responder resets. */
    fx f;
    fx_init(&f, 1000, 5000);
    raw(&f, S, SYN | A, 5000, 1001, 0, 65535);
    raw(&f, S, RST, 5001, 0, 0, 0);
    VERDICT(&f, "RSTRH", "^hr");
}

TEST(sh_syn_then_fin)
{
    fx f;
    fx_init(&f, 1000, 5000);
    tx(&f, C, SYN, 0);
    tx(&f, C, FIN, 0);
    VERDICT(&f, "SH", "SF");
}

TEST(shr_synack_then_fin)
{
    fx f;
    fx_init(&f, 1000, 5000);
    raw(&f, S, SYN | A, 5000, 1001, 0, 65535);
    raw(&f, S, FIN | A, 5001, 1001, 0, 65535);
    VERDICT(&f, "SHR", "^hf");
}

TEST(oth_midstream)
{
    /* No SYN: both endpoints PARTIAL. */
    fx f;
    fx_init(&f, 1000, 5000);
    tx(&f, C, A | PSH, 50);
    tx(&f, S, A, 0);
    VERDICT(&f, "OTH", "Da");
}

TEST(rej_both_reset_without_data)
{
    /* Zeek: both reset and neither carried a byte is a rejection too. */
    fx f;
    fx_init(&f, 1000, 5000);
    tx(&f, C, RST, 0);
    tx(&f, S, RST, 0);
    VERDICT(&f, "REJ", "Rr");
}

TEST(sf_after_fin_then_rst)
{
    /* A FIN then RST from the responder, then the originator's FIN: Zeek
     * takes the close as normal after all. */
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    tx(&f, S, FIN | A, 0);
    tx(&f, S, RST | A, 0);
    tx(&f, C, FIN | A, 0);
    VERDICT(&f, "SF", "ShAfrF");
}

/* ============================================================= history */

TEST(caret_when_server_speaks_first)
{
    fx f;
    fx_init(&f, 1000, 5000);
    tx(&f, S, A | PSH, 30); /* from port 80: the client is the other side */
    tx(&f, C, A, 0);
    VERDICT(&f, "OTH", "^dA");
    CHECK(f.c.client == C);
}

TEST(caret_synack_first_then_established)
{
    fx f;
    fx_init(&f, 1000, 5000);
    raw(&f, S, SYN | A, 5000, 1001, 0, 65535);
    f.nxt[S] = 5001;
    f.nxt[C] = 1001;
    tx(&f, C, A, 0);
    tx(&f, C, A | PSH, 10);
    tx(&f, S, A | PSH, 10);
    tx(&f, C, FIN | A, 0);
    tx(&f, S, FIN | A, 0);
    VERDICT(&f, "SF", "^hADdFf");
}

TEST(t_repeats_at_1_10_100)
{
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    uint32_t seq = f.nxt[C];
    tx(&f, C, A | PSH, 100);
    raw(&f, C, A | PSH, seq, f.nxt[S], 100, 65535);
    VERDICT(&f, "S1", "ShADT");
    for (int i = 2; i <= 9; i++)
        raw(&f, C, A | PSH, seq, f.nxt[S], 100, 65535);
    VERDICT(&f, "S1", "ShADT");
    raw(&f, C, A | PSH, seq, f.nxt[S], 100, 65535); /* the 10th */
    VERDICT(&f, "S1", "ShADTT");
    for (int i = 11; i <= 99; i++)
        raw(&f, C, A | PSH, seq, f.nxt[S], 100, 65535);
    VERDICT(&f, "S1", "ShADTT");
    raw(&f, C, A | PSH, seq, f.nxt[S], 100, 65535); /* the 100th */
    VERDICT(&f, "S1", "ShADTTT");
    tcpl_zeek_counts z;
    tcpl_zeek_counts_of(&f.c, &z);
    CHECK(z.orig_bytes == 100); /* retransmissions add no bytes */
}

TEST(w_zero_window)
{
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    tx(&f, C, A | PSH, 100);
    f.win[S] = 0;
    tx(&f, S, A, 0);
    tx(&f, S, A, 0); /* the second zero window: no new letter */
    VERDICT(&f, "S1", "ShADaw");
    /* None once the peer closed: no window matters then. */
    fx g;
    fx_init(&g, 1000, 5000);
    handshake(&g);
    tx(&g, C, FIN | A, 0);
    g.win[S] = 0;
    tx(&g, S, A, 0);
    VERDICT(&g, "S2", "ShAFa");
}

TEST(q_and_i_multi_flag)
{
    fx f;
    fx_init(&f, 1000, 5000);
    tx(&f, C, SYN | FIN, 0);
    VERDICT(&f, "SH", "Q");
    fx g;
    fx_init(&g, 1000, 5000);
    handshake(&g);
    tx(&g, S, FIN | RST | A, 0);
    VERDICT(&g, "RSTR", "ShAi");
}

TEST(f_again_only_at_new_sequence)
{
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    uint32_t fseq = f.nxt[C];
    tx(&f, C, FIN | A, 0);
    raw(&f, C, FIN | A, fseq, f.nxt[S], 0, 65535); /* retransmitted FIN */
    VERDICT(&f, "S2", "ShAF");
}

TEST(g_content_gap_and_missed_bytes)
{
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    tx(&f, C, A | PSH, 100);
    miss(&f, C, 0, 300);
    tx(&f, S, A, 0); /* acknowledges 300 bytes nobody saw */
    VERDICT(&f, "S1", "ShADaG");
    tcpl_zeek_counts z;
    tcpl_zeek_counts_of(&f.c, &z);
    CHECK(z.missed_bytes == 300);
    CHECK(z.orig_bytes == 400); /* the ACK shows them sent */
}

TEST(g_not_for_data_that_came_late)
{
    /* Reordered: the later segment first, the hole filled before the
     * ACK.  Zeek counts the filling segment as a retransmission (it does
     * not reach past the highest sequence number), but no gap. */
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    uint32_t seq = f.nxt[C];
    raw(&f, C, A | PSH, seq + 100, f.nxt[S], 100, 65535);
    raw(&f, C, A | PSH, seq, f.nxt[S], 100, 65535);
    f.nxt[C] = seq + 200;
    tx(&f, S, A, 0);
    VERDICT(&f, "S1", "ShADTa");
    tcpl_zeek_counts z;
    tcpl_zeek_counts_of(&f.c, &z);
    CHECK(z.missed_bytes == 0);
}

TEST(g_two_holes_two_gaps)
{
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    uint32_t seq = f.nxt[C];
    raw(&f, C, A | PSH, seq + 100, f.nxt[S], 50, 65535);
    raw(&f, C, A | PSH, seq + 200, f.nxt[S], 50, 65535);
    raw(&f, S, A, f.nxt[S], seq + 250, 0, 65535);
    tcpl_zeek_counts z;
    tcpl_zeek_counts_of(&f.c, &z);
    CHECK(z.missed_bytes == 150);
    CHECK(f.c.zeek.ep[0].gap_cnt == 2);
    VERDICT(&f, "S1", "ShADaG"); /* 2 gaps: the letter at the 1st only */
}

TEST(no_gap_letter_in_partial_connection)
{
    fx f;
    fx_init(&f, 1000, 5000);
    tx(&f, C, A | PSH, 100);
    miss(&f, C, 0, 100);
    tx(&f, S, A, 0);
    VERDICT(&f, "OTH", "Da");
    tcpl_zeek_counts z;
    tcpl_zeek_counts_of(&f.c, &z);
    CHECK(z.missed_bytes == 0);
}

TEST(r_again_at_new_sequence)
{
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    uint32_t seq = f.nxt[S];
    raw(&f, S, RST, seq, 0, 0, 0);
    raw(&f, S, RST, seq, 0, 0, 0);
    raw(&f, S, RST, seq + 10, 0, 0, 0);
    VERDICT(&f, "RSTR", "ShArr");
}

TEST(bytes_across_sequence_wrap_and_past_4_gib)
{
    /* Sizes are 64-bit: Zeek counts wraps of the sequence space. */
    fx f;
    fx_init(&f, 1000, 5000);
    f.nxt[C] = UINT32_C(0xfffff000);
    handshake(&f);
    uint64_t sent = 0;
    for (int i = 0; i < 80000; i++) {
        tx(&f, C, A, 65000);
        sent += 65000;
        if (i % 8 == 7)
            tx(&f, S, A, 0);
    }
    tx(&f, C, FIN | A, 0);
    tx(&f, S, FIN | A, 0);
    tcpl_zeek_counts z;
    tcpl_zeek_counts_of(&f.c, &z);
    CHECK(sent > UINT64_C(4294967296));
    CHECK(z.orig_bytes == sent);
    CHECK(z.resp_bytes == 0);
    CHECK(z.missed_bytes == 0);
    VERDICT(&f, "SF", "ShADaFf");
}

TEST(early_ack_before_synack_is_not_partial)
{
    /* Some stacks ACK a SYN before their SYN-ACK: Zeek leaves the
     * responder INACTIVE until the SYN-ACK, so this is still an
     * attempt, then a normal connection. */
    fx f;
    fx_init(&f, 1000, 5000);
    tx(&f, C, SYN, 0);
    tx(&f, S, A, 0);
    VERDICT(&f, "S0", "Sa");
    CHECK(f.c.zeek.ep[1].state == TCPL_ZE_INACTIVE);
    tx(&f, S, SYN | A, 0);
    tx(&f, C, A, 0);
    VERDICT(&f, "S1", "SahA");
}

TEST(bytes_unlogged_without_duration)
{
    fx f;
    fx_init(&f, 1000, 5000);
    tx(&f, C, SYN, 0);
    tcpl_zeek_counts z;
    tcpl_zeek_counts_of(&f.c, &z);
    CHECK(z.duration_ns == 0 && !z.bytes_logged);
}

TEST(names_and_small_buffers)
{
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    char st[3], h[4];
    size_t n = tcpl_zeek_verdict(&f.c, st, sizeof st, h, sizeof h);
    CHECK(n == 3);
    CHECK(strcmp(st, "S1") == 0);
    CHECK(strcmp(h, "ShA") == 0);
    char tiny[2];
    tcpl_zeek_verdict(&f.c, NULL, 0, tiny, sizeof tiny);
    CHECK(strcmp(tiny, "S") == 0);
    CHECK(strcmp(tcpl_zeek_conn_state_name(TCPL_ZC_RSTOS0), "RSTOS0") == 0);
    CHECK(strcmp(tcpl_zeek_conn_state_name(TCPL_ZC_COUNT), "?") == 0);
}

TEST(history_cut_when_full)
{
    /* A RST storm at ever new sequence numbers: the history is kept to
     * its bound and says it was cut. */
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    for (uint32_t i = 0; i < 100; i++)
        raw(&f, S, RST, f.nxt[S] + i, 0, 0, 0);
    char h[TCPL_ZEEK_HISTORY + 8];
    size_t n = tcpl_zeek_verdict(&f.c, NULL, 0, h, sizeof h);
    CHECK(n == TCPL_ZEEK_HISTORY - 1 && strlen(h) == n);
    CHECK(f.c.zeek.history_cut);
}

/* ============================================ what the capture hides */

/* Step a segment the capture cut (uncaptured payload bytes) or that
 * failed its checksum, at the sender's next sequence number.  A bad one
 * does not move the sender on: it is not evidence of what was sent. */
static int capture_limited(fx *f, int from, uint16_t flags, uint32_t len,
                           uint32_t uncaptured, int bad)
{
    tcpl_segment s = {0};
    f->t += 10 * MS;
    s.ts_ns = f->t;
    s.from = (uint8_t)from;
    s.flags = flags;
    s.seq = f->nxt[from];
    s.ack = (flags & TCPL_ACK) ? f->nxt[!from] : 0;
    s.len = len;
    s.window = 65535;
    s.sport = from == C ? 40000 : 80;
    s.dport = from == C ? 80 : 40000;
    s.uncaptured = uncaptured;
    s.bad_checksum = (uint8_t)bad;
    if (!bad)
        f->nxt[from] += len + ((flags & TCPL_SYN) ? 1 : 0) +
                        ((flags & TCPL_FIN) ? 1 : 0);
    f->rc = tcpl_step(&f->c, &s, &f->r);
    return f->rc;
}

TEST(g_snaplen_cut_payload_is_a_gap)
{
    /* 1000 bytes on the wire, 40 captured: Zeek's reassembler gets none
     * of it, so the ACK covering it reveals a gap of the whole segment.
     * The sequence space is the wire's: the next whole segment is new
     * data, not a retransmission, and the states move as usual. */
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    capture_limited(&f, C, A | PSH, 1000, 960, 0);
    tx(&f, S, A, 0);
    tx(&f, C, A | PSH, 100);
    tx(&f, S, A, 0);
    tx(&f, C, FIN | A, 0);
    tx(&f, S, FIN | A, 0);
    tx(&f, C, A, 0);
    VERDICT(&f, "SF", "ShADaGFf");
    tcpl_zeek_counts z;
    tcpl_zeek_counts_of(&f.c, &z);
    CHECK(z.missed_bytes == 1000);
    CHECK(z.orig_bytes == 1100);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
    CHECK_STATE(&f, S, TCPL_CLOSED);
}

TEST(g_snaplen_whole_payload_is_no_gap)
{
    /* The control: the same exchange captured whole. */
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    capture_limited(&f, C, A | PSH, 1000, 0, 0);
    tx(&f, S, A, 0);
    VERDICT(&f, "S1", "ShADa");
    tcpl_zeek_counts z;
    tcpl_zeek_counts_of(&f.c, &z);
    CHECK(z.missed_bytes == 0);
}

TEST(c_bad_checksum_is_no_evidence)
{
    /* A RST and a FIN that fail their checksums close nothing and count
     * as no packet; Zeek's history says 'C' (scaled: again at the 10th)
     * for the originator, 'c' for the responder. */
    fx f;
    fx_init(&f, 1000, 5000);
    handshake(&f);
    capture_limited(&f, C, RST, 0, 0, 1);
    CHECK(f.rc == TCPL_OK);
    capture_limited(&f, S, FIN | A, 0, 0, 1);
    for (int i = 0; i < 8; i++)
        capture_limited(&f, C, A, 10, 0, 1);
    CHECK_STATE(&f, C, TCPL_ESTABLISHED);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
    VERDICT(&f, "S1", "ShACc");
    capture_limited(&f, C, A, 10, 0, 1); /* the 10th from the originator */
    VERDICT(&f, "S1", "ShACcC");
    tcpl_zeek_counts z;
    tcpl_zeek_counts_of(&f.c, &z);
    CHECK(z.orig_pkts == 2 && z.resp_pkts == 1);
    CHECK(f.c.zeek.ep[0].chk_cnt == 10 && f.c.zeek.ep[1].chk_cnt == 1);
}

TEST(c_bad_checksum_starts_nothing)
{
    /* On a fresh connection it is not a first segment; after a closed
     * one, a bad SYN is no port reuse. */
    fx f;
    fx_init(&f, 1000, 5000);
    capture_limited(&f, C, SYN, 0, 0, 1);
    CHECK(f.rc == TCPL_OK && f.c.segments == 0);
    CHECK(f.c.zeek.hlen == 0);
    handshake(&f);
    VERDICT(&f, "S1", "ShA");
    fx_init(&f, 1000, 5000);
    handshake(&f);
    tx(&f, C, FIN | A, 0);
    tx(&f, S, FIN | A, 0);
    tx(&f, C, A, 0);
    f.nxt[C] += 100000;
    capture_limited(&f, C, SYN, 0, 0, 1);
    CHECK(f.rc == TCPL_OK);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
}

/* ============================================================ IP bytes */

/* The step with an IP length: what a decoder that saw the IP header
 * gives (an IPv4 header and a TCP header of 20 bytes each, plus `opt`
 * bytes of options). */
static int with_ip(fx *f, int from, uint16_t flags, uint32_t seq,
                   uint32_t len, uint32_t opt, int bad)
{
    tcpl_segment s = {0};
    f->t += 10 * MS;
    s.ts_ns = f->t;
    s.from = (uint8_t)from;
    s.flags = flags;
    s.seq = seq;
    s.ack = (flags & TCPL_ACK) ? f->nxt[!from] : 0;
    s.len = len;
    s.window = 65535;
    s.sport = from == C ? 40000 : 80;
    s.dport = from == C ? 80 : 40000;
    s.bad_checksum = (uint8_t)bad;
    s.ip_len = 40 + opt + len;
    f->rc = tcpl_step(&f->c, &s, &f->r);
    return f->rc;
}

/* As with_ip(), at the sender's next sequence number, moving it on. */
static int ip_tx(fx *f, int from, uint16_t flags, uint32_t len, uint32_t opt)
{
    uint32_t seq = f->nxt[from];
    f->nxt[from] += len + ((flags & TCPL_SYN) ? 1 : 0) +
                    ((flags & TCPL_FIN) ? 1 : 0);
    return with_ip(f, from, flags, seq, len, opt, 0);
}

TEST(ip_bytes_per_direction)
{
    /* Zeek's ConnSize adds each accepted packet's IP length to its
     * sender's side: headers and options count, a retransmission counts
     * again (unlike orig_bytes), a bad checksum and an ICMP error do
     * not count. */
    fx f;
    fx_init(&f, 1000, 5000);
    ip_tx(&f, C, SYN, 0, 20);     /* 60 */
    ip_tx(&f, S, SYN | A, 0, 20); /* 60 */
    ip_tx(&f, C, A, 0, 12);       /* 52 */
    ip_tx(&f, C, A | PSH, 100, 12); /* 152 */
    with_ip(&f, C, A | PSH, f.nxt[C] - 100, 100, 12, 0); /* again: 152 */
    with_ip(&f, C, A | PSH, f.nxt[C], 50, 12, 1); /* bad checksum */
    icmp_err(&f, C, 4, 3, 4, f.nxt[C] - 100, A | PSH, 0);
    ip_tx(&f, S, A | PSH, 300, 12); /* 352 */
    ip_tx(&f, C, FIN | A, 0, 12);   /* 52 */
    ip_tx(&f, S, FIN | A, 0, 12);   /* 52 */
    ip_tx(&f, C, A, 0, 12);         /* 52 */
    VERDICT(&f, "SF", "ShADTCdFf");
    tcpl_zeek_counts z;
    tcpl_zeek_counts_of(&f.c, &z);
    CHECK(z.ip_bytes_known);
    CHECK(z.orig_pkts == 6 && z.resp_pkts == 3);
    CHECK(z.orig_ip_bytes == 60 + 52 + 152 + 152 + 52 + 52);
    CHECK(z.resp_ip_bytes == 60 + 352 + 52);
    CHECK(z.orig_bytes == 100 && z.resp_bytes == 300);
}

TEST(ip_bytes_unknown_when_a_packet_lacks_its_length)
{
    /* An export without ip.len: every segment has 0.  One such packet
     * among known ones makes the sums unknown too, not too small. */
    fx f;
    fx_init(&f, 1000, 5000);
    ip_tx(&f, C, SYN, 0, 0);
    ip_tx(&f, S, SYN | A, 0, 0);
    tcpl_zeek_counts z;
    tcpl_zeek_counts_of(&f.c, &z);
    CHECK(z.ip_bytes_known && z.orig_ip_bytes == 40 && z.resp_ip_bytes == 40);
    tx(&f, C, A, 0); /* the fixture's segments carry no IP length */
    tcpl_zeek_counts_of(&f.c, &z);
    CHECK(!z.ip_bytes_known);
    CHECK(z.orig_pkts == 2);
}

TEST(ip_length_costs_the_segment_no_size)
{
    /* The step copies and passes segments by the million: ip_len sits in
     * what was padding. */
    CHECK(sizeof(tcpl_segment) == 48);
}
