/*
 * test_path.c - unit tests of what the path shows (core/path.c): ICMP
 * errors quoting a segment, SYN-ACKs rejected for an ACK the client never
 * sent, RSTs whose TTL betrays a forger, PMTU black holes.  Same style as
 * test_engine.c: a state fixture, one more segment or error, the states
 * and anomalies.
 */
#include "fixture.h"

/* The text of the latest step's event for anomaly a, "" if none. */
static const char *text_of(fx *f, tcpl_anomaly a)
{
    static char buf[512];
    buf[0] = '\0';
    for (int i = 0; i < f->r.nevents; i++)
        if (f->r.events[i].anomaly == a)
            tcpl_describe(&f->c, &f->r.events[i], buf, sizeof buf);
    return buf;
}

static const tcpl_event *event_of(fx *f, tcpl_anomaly a)
{
    for (int i = 0; i < f->r.nevents; i++)
        if (f->r.events[i].anomaly == a)
            return &f->r.events[i];
    return NULL;
}

/* ================================================== ICMP in SYN_SENT */

TEST(syn_sent_icmp_port_unreachable)
{
    fx f;
    fx_syn_sent(&f);
    CHECK(icmp_err(&f, C, 4, 3, 3, 1000, SYN, 1) == TCPL_OK);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(moved(&f, C, TCPL_CLOSED, 0));
    CHECK(f.r.anomalies == BIT(UNREACHABLE));
    const tcpl_event *e = event_of(&f, TCPL_A_UNREACHABLE);
    CHECK(e && e->endpoint == C && e->icmp == 4 && e->icmp_type == 3 &&
          e->icmp_code == 3 && e->icmp_from_peer == 1);
    CHECK(strstr(text_of(&f, TCPL_A_UNREACHABLE),
                 "ICMP port unreachable (type 3, code 3) from the server's "
                 "own address; Linux: ECONNREFUSED") != NULL);
    /* The error is no segment: the client's SYN stays the only one. */
    CHECK(f.c.segments == 1);
}

TEST(syn_sent_icmp_host_unreachable_from_router)
{
    fx f;
    fx_syn_sent(&f);
    icmp_err(&f, C, 4, 3, 1, 1000, SYN, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK(f.r.anomalies == BIT(UNREACHABLE));
    CHECK(strstr(text_of(&f, TCPL_A_UNREACHABLE),
                 "host unreachable (type 3, code 1) from a router on the way "
                 "to the server; Linux: EHOSTUNREACH") != NULL);
}

TEST(syn_sent_icmp_admin_prohibited_and_time_exceeded)
{
    fx f;
    fx_syn_sent(&f);
    icmp_err(&f, C, 4, 3, 13, 1000, SYN, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK(strstr(text_of(&f, TCPL_A_UNREACHABLE),
                 "communication administratively prohibited") != NULL);
    fx_syn_sent(&f);
    icmp_err(&f, C, 4, 11, 0, 1000, SYN, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK(f.r.anomalies == BIT(UNREACHABLE));
}

TEST(syn_sent_icmpv6_errors)
{
    static const uint8_t codes[] = {0, 1, 3, 4};
    for (size_t i = 0; i < sizeof codes; i++) {
        fx f;
        fx_syn_sent(&f);
        icmp_err(&f, C, 6, 1, codes[i], 1000, SYN, 1);
        CHECK_STATE(&f, C, TCPL_CLOSED);
        CHECK(f.r.anomalies == BIT(UNREACHABLE));
    }
    fx f;
    fx_syn_sent(&f);
    icmp_err(&f, C, 6, 1, 1, 1000, SYN, 1);
    CHECK(strstr(text_of(&f, TCPL_A_UNREACHABLE),
                 "ICMPv6 administratively prohibited (type 1, code 1) from "
                 "the server's own address; Linux: EACCES") != NULL);
}

/* Linux ignores an error whose quote is not in [SND.UNA, SND.NXT]. */
TEST(syn_sent_icmp_out_of_window_ignored)
{
    fx f;
    fx_syn_sent(&f);
    icmp_err(&f, C, 4, 3, 3, 999, SYN, 1);
    CHECK_STATE(&f, C, TCPL_SYN_SENT);
    CHECK(f.r.anomalies == 0);
    icmp_err(&f, C, 4, 3, 3, 1002, SYN, 1);
    CHECK_STATE(&f, C, TCPL_SYN_SENT);
    CHECK(f.all == 0);
}

TEST(syn_sent_frag_needed_is_no_error)
{
    fx f;
    fx_syn_sent(&f);
    icmp_err(&f, C, 4, 3, 4, 1000, SYN, 0);
    CHECK_STATE(&f, C, TCPL_SYN_SENT);
    CHECK(f.r.anomalies == BIT(PACKET_TOO_BIG));
}

TEST(icmp_ignored_types)
{
    fx f;
    fx_syn_sent(&f);
    icmp_err(&f, C, 4, 4, 0, 1000, SYN, 0);   /* source quench */
    icmp_err(&f, C, 4, 5, 1, 1000, SYN, 0);   /* redirect */
    icmp_err(&f, C, 4, 3, 16, 1000, SYN, 0);  /* beyond NR_ICMP_UNREACH */
    CHECK_STATE(&f, C, TCPL_SYN_SENT);
    CHECK(f.all == 0);
}

/* ============================================= ICMP in SYN_RECEIVED */

/* A listener keeps its pending connection on a port unreachable about
 * its SYN-ACK (tcp_req_err is told to abort only for net/host
 * unreachable, time exceeded and parameter problems). */
TEST(syn_received_icmp_port_unreachable_kept)
{
    fx f;
    fx_syn_received(&f);
    icmp_err(&f, S, 4, 3, 3, 5000, SYN | A, 1);
    CHECK_STATE(&f, S, TCPL_SYN_RECEIVED);
    CHECK(f.r.anomalies == BIT(ICMP_ERROR));
}

TEST(syn_received_icmp_host_unreachable_drops)
{
    fx f;
    fx_syn_received(&f);
    icmp_err(&f, S, 4, 3, 1, 5000, SYN | A, 0);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK_STATE(&f, C, TCPL_SYN_SENT);
    CHECK(f.r.anomalies == BIT(UNREACHABLE));
}

TEST(syn_received_icmpv6_fatal_drops)
{
    fx f;
    fx_syn_received(&f);
    icmp_err(&f, S, 6, 1, 4, 5000, SYN | A, 1);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    fx_syn_received(&f);
    icmp_err(&f, S, 6, 3, 0, 5000, SYN | A, 0); /* time exceeded: not fatal */
    CHECK_STATE(&f, S, TCPL_SYN_RECEIVED);
    CHECK(f.r.anomalies == BIT(ICMP_ERROR));
}

/* ========================================= ICMP once synchronized */

TEST(established_icmp_is_soft)
{
    fx f;
    fx_established(&f);
    icmp_err(&f, C, 4, 3, 1, f.nxt[C], A, 0);
    CHECK_STATE(&f, C, TCPL_ESTABLISHED);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
    CHECK(f.r.anomalies == BIT(ICMP_ERROR));
    CHECK(strstr(text_of(&f, TCPL_A_ICMP_ERROR), "did not end the connection"));
}

TEST(established_packet_too_big)
{
    fx f;
    fx_established(&f);
    icmp_err(&f, S, 6, 2, 0, f.nxt[S], A, 0);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
    CHECK(f.r.anomalies == BIT(PACKET_TOO_BIG));
    const tcpl_event *e = event_of(&f, TCPL_A_PACKET_TOO_BIG);
    CHECK(e && e->bytes == 1280 && e->endpoint == S);
    CHECK(strstr(text_of(&f, TCPL_A_PACKET_TOO_BIG), "next-hop MTU 1280"));
}

/* Already acknowledged data: the stack no longer holds it. */
TEST(established_icmp_below_snd_una_ignored)
{
    fx f;
    fx_established(&f);
    icmp_err(&f, C, 4, 3, 1, f.nxt[C] - 100, A, 0);
    CHECK(f.r.anomalies == 0);
}

TEST(icmp_after_close_ignored)
{
    fx f;
    fx_time_wait(&f);
    icmp_err(&f, C, 4, 3, 3, f.nxt[C], A, 1);
    CHECK(f.r.anomalies == 0);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
    /* A quoted SYN with a new ISN is no port reuse: nothing opens. */
    CHECK(icmp_err(&f, C, 4, 3, 3, 777, SYN, 1) == TCPL_OK);
    CHECK(f.r.anomalies == 0);
}

TEST(icmp_before_any_segment_changes_nothing)
{
    fx f;
    fx_init(&f, 1000, 5000);
    CHECK(icmp_err(&f, C, 4, 3, 3, 1000, A | PSH, 1) == TCPL_OK);
    CHECK(f.c.segments == 0);
    CHECK_STATE(&f, C, TCPL_UNKNOWN);
    CHECK(f.all == 0);
}

/* ==================================================== rejected SYN-ACK */

/* RFC 9293 3.10.7.3: a SYN-ACK whose ACK is not ISS < ACK =< SND.NXT is
 * answered by <SEQ=SEG.ACK><CTL=RST>; the client stays in SYN-SENT. */
TEST(syn_sent_bad_synack_rejected)
{
    fx f;
    fx_syn_sent(&f);
    raw(&f, S, SYN | A, 5000, 777777, 0, 65535);
    CHECK_STATE(&f, C, TCPL_SYN_SENT);
    CHECK_STATE(&f, S, TCPL_SYN_RECEIVED);
    CHECK(f.r.anomalies == 0); /* no capture_gap: the ACK proves nothing */
    raw(&f, C, RST, 777777, 0, 0, 0);
    CHECK_STATE(&f, C, TCPL_SYN_SENT);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(f.r.anomalies == BIT(SYNACK_REJECTED));
    CHECK(moved(&f, S, TCPL_CLOSED, 0));
    CHECK(strstr(text_of(&f, TCPL_A_SYNACK_REJECTED),
                 "server's SYN-ACK acknowledges a sequence number client "
                 "never sent") != NULL);
    /* The client resends its SYN at once, same ISN: the same attempt,
     * and an answer to the bad SYN-ACK rather than to a silence. */
    CHECK(raw(&f, C, SYN, 1000, 0, 0, 65535) == TCPL_OK);
    CHECK_STATE(&f, C, TCPL_SYN_SENT);
    CHECK(f.r.anomalies == 0);
    /* The next one, a second later, is about a silence. */
    wait_ms(&f, 1000);
    raw(&f, C, SYN, 1000, 0, 0, 65535);
    CHECK(f.r.anomalies == BIT(SYN_UNANSWERED));
    CHECK(f.r.events[0].duration_ns == 1010 * MS);
    CHECK(!(f.all & (BIT(REFUSED) | BIT(RESET) | BIT(CAPTURE_GAP))));
    CHECK(tcpl_close_kind(&f.c) == TCPL_CLOSE_OPEN);
}

/* An ACK below the ISN is as unacceptable as one beyond SND.NXT. */
TEST(syn_sent_synack_acking_old_sequence_rejected)
{
    fx f;
    fx_syn_sent(&f);
    raw(&f, S, SYN | A, 5000, 1000, 0, 65535);
    raw(&f, C, RST, 1000, 0, 0, 0);
    CHECK_STATE(&f, C, TCPL_SYN_SENT);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(f.r.anomalies == BIT(SYNACK_REJECTED));
}

/* Fast Open: a SYN-ACK acknowledging the SYN but not its data is fine. */
TEST(syn_sent_synack_partial_tfo_ack_accepted)
{
    fx f;
    fx_init(&f, 1000, 5000);
    tx(&f, C, SYN, 100);
    raw(&f, S, SYN | A, 5000, 1001, 0, 65535);
    CHECK(!(f.c.ep[S].bits & TCPL_EP_BAD_SYNACK));
    raw(&f, C, A, 1101, 5001, 0, 65535);
    CHECK_STATE(&f, C, TCPL_ESTABLISHED);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
}

/* A RST at another sequence number is no answer to the bad SYN-ACK
 * (3.10.7.3 sends a bare RST at SEG.ACK): the client aborting its own
 * attempt at its own next sequence number closes it. */
TEST(bad_synack_other_rst_not_rejection)
{
    fx f;
    fx_syn_sent(&f);
    raw(&f, S, SYN | A, 5000, 777777, 0, 65535);
    raw(&f, C, RST, 1001, 0, 0, 0);
    CHECK(!(f.all & BIT(SYNACK_REJECTED)));
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK_STATE(&f, S, TCPL_CLOSED);
}

/* ======================================================= forged RSTs */

/* client 64 hops, server 57 (7 hops away); the capture is near the client */
static void fx_established_ttl(fx *f)
{
    fx_init(f, 1000, 5000);
    f->ttl[C] = 64;
    f->ttl[S] = 57;
    tx(f, C, SYN, 0);
    tx(f, S, SYN | A, 0);
    tx(f, C, A, 0);
    tx(f, S, A | PSH, 100);
    tx(f, C, A | PSH, 200);
}

TEST(established_rst_with_foreign_ttl_injected)
{
    fx f;
    fx_established_ttl(&f);
    f.ttl[S] = 64;
    raw(&f, S, RST, f.nxt[S], 0, 0, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
    CHECK(f.r.anomalies == BIT(RST_INJECTED));
    const tcpl_event *e = event_of(&f, TCPL_A_RST_INJECTED);
    CHECK(e && e->endpoint == S && e->ttl == 64 && e->ttl_lo == 57 &&
          e->ttl_hi == 57);
    CHECK(strstr(text_of(&f, TCPL_A_RST_INJECTED),
                 "(TTL 64, the server's other packets 57)") != NULL);
    /* The client's connection ended first, by a RST. */
    CHECK(f.c.first_closer == C);
    CHECK(tcpl_close_kind(&f.c) == TCPL_CLOSE_RST);
}

TEST(rst_ttl_within_slack_is_the_peer)
{
    fx f;
    fx_established_ttl(&f);
    f.ttl[S] = 58;
    raw(&f, S, RST | A, f.nxt[S], f.nxt[C], 0, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(f.r.anomalies == BIT(RESET));
}

/* Nothing the server sent carried a TTL to compare with: say nothing. */
TEST(rst_without_comparison_not_flagged)
{
    fx f;
    fx_init(&f, 1000, 5000);
    f.ttl[C] = 64;
    tx(&f, C, SYN, 0);
    f.ttl[S] = 255;
    raw(&f, S, RST | A, 0, 1001, 0, 0);
    CHECK(f.r.anomalies == BIT(REFUSED));
    CHECK_STATE(&f, C, TCPL_CLOSED);
}

TEST(injected_rst_out_of_window)
{
    fx f;
    fx_established_ttl(&f);
    f.ttl[S] = 64;
    raw(&f, S, RST, f.nxt[S] + 50000, 0, 0, 0);
    CHECK(f.r.anomalies == (BIT(RST_INJECTED) | BIT(RST_OUT_OF_WINDOW)));
    CHECK_STATE(&f, C, TCPL_ESTABLISHED);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
}

/* Linux takes an error that meets a socket its application holds locked
 * as soft: the SYN retransmitted with the same ISN shows the attempt went
 * on, and the next error ends it (loopback plays this every time). */
TEST(syn_retransmitted_after_icmp_reopens)
{
    fx f;
    fx_syn_sent(&f);
    icmp_err(&f, C, 4, 3, 3, 1000, SYN, 1);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    wait_ms(&f, 1000);
    CHECK(raw(&f, C, SYN, 1000, 0, 0, 65535) == TCPL_OK);
    CHECK_STATE(&f, C, TCPL_SYN_SENT);
    CHECK(moved(&f, C, TCPL_SYN_SENT, 0));
    icmp_err(&f, C, 4, 3, 3, 1000, SYN, 1);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK(f.r.anomalies == BIT(UNREACHABLE));
    /* A SYN with a new ISN is a new attempt, as after any close. */
    CHECK(raw(&f, C, SYN, 9000, 0, 0, 65535) == TCPL_NEW_LIFECYCLE);
}

/* A one-way capture of the server's side: the ICMP error quoting the
 * client's SYN is all there is, and proves that SYN. */
TEST(icmp_quoting_syn_opens_lifecycle)
{
    fx f;
    fx_init(&f, 1000, 5000);
    CHECK(icmp_err(&f, C, 4, 3, 3, 1000, SYN, 1) == TCPL_OK);
    CHECK(f.c.segments == 1);
    CHECK(f.c.client == C);
    CHECK(moved(&f, C, TCPL_SYN_SENT, 1));
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(f.r.anomalies == BIT(UNREACHABLE));
    /* An error quoting anything else opens nothing. */
    fx_init(&f, 1000, 5000);
    icmp_err(&f, C, 4, 3, 3, 1000, A, 1);
    CHECK(f.c.segments == 0 && f.all == 0);
}

/* The bad SYN-ACK missed by the capture: the client's bare RST at a
 * sequence number not its own still tells the story. */
TEST(synack_rejected_synack_unseen)
{
    fx f;
    fx_syn_sent(&f);
    raw(&f, C, RST, 777777, 0, 0, 0);
    CHECK_STATE(&f, C, TCPL_SYN_SENT);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(f.r.anomalies == BIT(SYNACK_REJECTED));
}

/* The capture ends just after the SYN sent again after an ICMP error: the
 * error that would end it may be just after the end. */
TEST(syn_again_after_icmp_at_capture_end_undecided)
{
    fx f;
    fx_syn_sent(&f);
    icmp_err(&f, C, 4, 3, 1, 1000, SYN, 0);
    wait_ms(&f, 1000);
    raw(&f, C, SYN, 1000, 0, 0, 65535);
    wait_ms(&f, 10);
    fin(&f);
    CHECK_STATE(&f, C, TCPL_UNKNOWN);
    CHECK(f.r.anomalies & BIT(UNDECIDED));
}

/* ==================================================== PMTU black holes */

/* Three request/answer rounds of 300 and 200 bytes: only small segments
 * of the client's have been acknowledged. */
static void fx_small_rounds(fx *f)
{
    fx_established(f);
    for (int i = 0; i < 3; i++) {
        tx(f, C, A | PSH, 300);
        tx(f, S, A | PSH, 200);
    }
    tx(f, C, A, 0);
}

/* The client's 1448-byte head goes out, a 552-byte segment behind it
 * arrives and the server acknowledges up to the head again (a duplicate
 * ACK with window `win`); returns the head's sequence number. */
static uint32_t big_head(fx *f, uint32_t win)
{
    uint32_t head = f->nxt[C];
    raw(f, C, A, head, f->nxt[S], 1448, f->win[C]);
    raw(f, C, A | PSH, head + 1448, f->nxt[S], 552, f->win[C]);
    f->nxt[C] = head + 2000;
    raw(f, S, A, f->nxt[S], head, 0, win);
    return head;
}

/* The head sent again n times at RTO backoff (200, 400, 800 ms...). */
static void resend(fx *f, uint32_t head, uint32_t len, int n)
{
    for (int i = 0, ms = 200; i < n; i++, ms *= 2) {
        wait_ms(f, ms);
        raw(f, C, A, head, f->nxt[S], len, f->win[C]);
    }
}

TEST(pmtu_blackhole_large_head_resent)
{
    fx f;
    fx_small_rounds(&f);
    uint32_t head = big_head(&f, 64000);
    resend(&f, head, 1448, 2);
    CHECK(!(f.all & BIT(PMTU_BLACKHOLE))); /* three copies: not yet */
    wait_ms(&f, 800);
    raw(&f, C, A, head, f.nxt[S], 1448, f.win[C]);
    CHECK(f.r.anomalies == BIT(PMTU_BLACKHOLE));
    const tcpl_event *e = event_of(&f, TCPL_A_PMTU_BLACKHOLE);
    CHECK(e && e->endpoint == C && e->bytes == 1448 &&
          e->duration_ns > 1400 * MS);
    CHECK(strstr(text_of(&f, TCPL_A_PMTU_BLACKHOLE),
                 "client's 1448-byte segment went unacknowledged for 1.") != NULL);
    CHECK(strstr(text_of(&f, TCPL_A_PMTU_BLACKHOLE), "no ICMP packet too big"));
    /* Once per head, and neither endpoint's state moves. */
    resend(&f, head, 1448, 1);
    CHECK(f.r.anomalies == 0);
    CHECK_STATE(&f, C, TCPL_ESTABLISHED);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
    /* The unanswered copies were the black hole's, not a vanished server. */
    tcpl_finish(&f.c, f.t + 100 * MS, &f.r);
    CHECK(!(f.r.anomalies & BIT(HALF_OPEN)));
}

/* Plain loss: a small head needed resending too, so the path drops
 * segments of every size. */
TEST(pmtu_blackhole_not_when_small_ones_resent)
{
    fx f;
    fx_small_rounds(&f);
    uint32_t small = f.nxt[C];
    raw(&f, C, A | PSH, small, f.nxt[S], 300, f.win[C]);
    wait_ms(&f, 200);
    raw(&f, C, A | PSH, small, f.nxt[S], 300, f.win[C]);
    f.nxt[C] = small + 300;
    tx(&f, S, A, 0);
    uint32_t head = big_head(&f, 64000);
    resend(&f, head, 1448, 5);
    CHECK(!(f.all & BIT(PMTU_BLACKHOLE)));
}

/* Segments of that size got through before: this one is lost, not too
 * big for the path. */
TEST(pmtu_blackhole_not_when_large_ones_delivered)
{
    fx f;
    fx_established(&f);
    tx(&f, C, A, 1448);
    tx(&f, S, A | PSH, 200);
    uint32_t head = big_head(&f, 64000);
    resend(&f, head, 1448, 5);
    CHECK(!(f.all & BIT(PMTU_BLACKHOLE)));
}

/* The router's ICMP error arrives: the path reports, packet_too_big says
 * so (Linux then lowers its segment size). */
TEST(pmtu_blackhole_not_when_too_big_seen)
{
    fx f;
    fx_small_rounds(&f);
    uint32_t head = big_head(&f, 64000);
    icmp_err(&f, C, 4, 3, 4, head, A, 0);
    CHECK(f.r.anomalies == BIT(PACKET_TOO_BIG));
    resend(&f, head, 1448, 5);
    CHECK(!(f.all & BIT(PMTU_BLACKHOLE)));
}

/* The server's window is closed: that, not the path, holds the data. */
TEST(pmtu_blackhole_not_when_window_closed)
{
    fx f;
    fx_small_rounds(&f);
    uint32_t head = big_head(&f, 0);
    resend(&f, head, 1448, 5);
    CHECK(f.all & BIT(ZERO_WINDOW));
    CHECK(!(f.all & BIT(PMTU_BLACKHOLE)));
}

/* Nothing heard from the server after the head went out: a server gone
 * (or cut off) looks the same, so only half_open is said, at the end. */
TEST(pmtu_blackhole_not_when_peer_silent)
{
    fx f;
    fx_small_rounds(&f);
    uint32_t head = f.nxt[C];
    raw(&f, C, A, head, f.nxt[S], 1448, f.win[C]);
    f.nxt[C] = head + 1448;
    resend(&f, head, 1448, 5);
    CHECK(!(f.all & BIT(PMTU_BLACKHOLE)));
    tcpl_finish(&f.c, f.t + 100 * MS, &f.r);
    CHECK(f.r.anomalies & BIT(HALF_OPEN));
}

/* A head no larger than the default MSS fits any path. */
TEST(pmtu_blackhole_not_for_small_head)
{
    fx f;
    fx_small_rounds(&f);
    tx(&f, C, A | PSH, 100); /* len_ok stays at 300 */
    tx(&f, S, A, 0);
    uint32_t head = f.nxt[C];
    raw(&f, C, A, head, f.nxt[S], 500, f.win[C]);
    raw(&f, C, A | PSH, head + 500, f.nxt[S], 50, f.win[C]);
    f.nxt[C] = head + 550;
    raw(&f, S, A, f.nxt[S], head, 0, 64000);
    resend(&f, head, 500, 5);
    CHECK(!(f.all & BIT(PMTU_BLACKHOLE)));
}

/* Delivered at last (the route changed): the next large head starts over. */
TEST(pmtu_blackhole_head_acknowledged_resets)
{
    fx f;
    fx_small_rounds(&f);
    uint32_t head = big_head(&f, 64000);
    resend(&f, head, 1448, 2);
    raw(&f, S, A, f.nxt[S], head + 2000, 0, 64000);
    CHECK(f.c.ep[C].head_sends == 0);
    CHECK(!(f.all & BIT(PMTU_BLACKHOLE)));
}
