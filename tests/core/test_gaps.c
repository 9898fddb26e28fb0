/*
 * test_gaps.c - unit tests of what the engine proves about segments the
 * capture missed (core/gaps.c): a FIN or SYN-ACK proven by the peer's ACK,
 * one-sided captures, holes in the data, and what the end of the capture
 * leaves undecided.  Same style as test_engine.c; the network here loses
 * segments on purpose (fixture.c's miss()).
 */
#include "fixture.h"

/* ============================================= evidence through gaps */

TEST(closed_synack_unseen)
{
    /* SYN seen, SYN-ACK missed: the client's plain ACK proves it. */
    fx f;
    fx_syn_sent(&f);
    miss(&f, S, SYN | A, 0);
    tx(&f, C, A, 0);
    CHECK_STATE(&f, C, TCPL_ESTABLISHED);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
    CHECK(moved(&f, S, TCPL_SYN_RECEIVED, 1));
    CHECK(moved(&f, C, TCPL_ESTABLISHED, 0)); /* its own ACK shows it */
    wait_ms(&f, 3000);
    tx(&f, C, A | PSH, 100);
    fin(&f);
    CHECK(!(f.all & BIT(SYN_UNANSWERED)));
    CHECK(!(f.all & BIT(HANDSHAKE_INCOMPLETE)));
}

TEST(established_fin_unseen)
{
    /* The client's FIN missed; the server's ACK one past the client's
     * last byte proves it was sent and received. */
    fx f;
    fx_established(&f);
    miss(&f, C, FIN | A, 0);
    tx(&f, S, A, 0);
    CHECK_STATE(&f, C, TCPL_FIN_WAIT_2);
    CHECK_STATE(&f, S, TCPL_CLOSE_WAIT);
    CHECK(moved(&f, C, TCPL_FIN_WAIT_1, 1));
    CHECK(moved(&f, S, TCPL_CLOSE_WAIT, 0));
    CHECK(f.c.first_closer == C);
    CHECK(f.r.anomalies & BIT(CAPTURE_GAP));
    tx(&f, S, FIN | A, 0);
    tx(&f, C, A, 0);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(!(f.all & BIT(DATA_AFTER_FIN)));
}

TEST(close_wait_fin_unseen)
{
    fx f;
    fx_fin_wait_2(&f);
    miss(&f, S, FIN | A, 0);
    tx(&f, C, A, 0);
    CHECK(moved(&f, S, TCPL_LAST_ACK, 1));
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
}

TEST(syn_received_fin_unseen)
{
    fx f;
    fx_syn_received(&f);
    miss(&f, S, FIN | A, 0);
    tx(&f, C, A, 0);
    CHECK(moved(&f, S, TCPL_FIN_WAIT_1, 1));
    CHECK_STATE(&f, C, TCPL_CLOSE_WAIT);
}

TEST(own_sequence_proves_fin)
{
    /* The FIN and its ACK both missed: the client's next segment starts
     * one past its last byte. */
    fx f;
    fx_established(&f);
    miss(&f, C, FIN | A, 0);
    miss(&f, S, A, 0);
    tx(&f, C, A, 0);
    CHECK(moved(&f, C, TCPL_FIN_WAIT_1, 1));
}

TEST(data_gap_counted_once)
{
    fx f;
    fx_established(&f);
    miss(&f, C, A | PSH, 500);
    tx(&f, C, A | PSH, 100); /* starts beyond: a hole, not yet a gap */
    CHECK(!(f.r.anomalies & BIT(CAPTURE_GAP)));
    tx(&f, S, A, 0);         /* acked past it, never retransmitted */
    CHECK(f.r.anomalies & BIT(CAPTURE_GAP));
    CHECK(f.c.ep[C].gaps == 1 && f.c.ep[C].missed == 500);
    for (int i = 0; i < f.r.nevents; i++)
        if (f.r.events[i].anomaly == TCPL_A_CAPTURE_GAP)
            CHECK(f.r.events[i].bytes == 500);
}

TEST(network_loss_is_not_a_gap)
{
    /* The hole is filled by a retransmission: the endpoints saw the loss. */
    fx f;
    fx_established(&f);
    uint32_t lost = f.nxt[C];
    miss(&f, C, A | PSH, 500);
    tx(&f, C, A | PSH, 100);
    raw(&f, C, A | PSH, lost, f.nxt[S], 500, 65535);
    tx(&f, S, A, 0);
    fin(&f);
    CHECK(!(f.all & BIT(CAPTURE_GAP)));
    CHECK(f.c.ep[C].gaps == 0);
}

TEST(unknown_rst_alone)
{
    /* A lone RST proves no synchronized connection: no reset verdict. */
    fx f;
    fx_init(&f, 1000, 5000);
    raw(&f, S, RST | A, 0, 1001, 0, 0);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK(!(f.all & BIT(RESET)));
}

TEST(half_close_is_not_a_stall)
{
    /* The server keeps streaming after the client's FIN: busy, not stalled. */
    fx f;
    fx_fin_wait_2(&f);
    for (int i = 0; i < 30; i++) {
        wait_ms(&f, 100);
        tx(&f, S, A | PSH, 500);
        tx(&f, C, A, 0);
    }
    tx(&f, S, FIN | A, 0);
    tx(&f, C, A, 0);
    fin(&f);
    CHECK(!(f.all & BIT(CLOSE_WAIT_STALL)));
    CHECK_STATE(&f, S, TCPL_CLOSED);
}

TEST(close_wait_idle_is_a_stall)
{
    /* Keepalives are not activity. */
    fx f;
    fx_fin_wait_2(&f);
    wait_ms(&f, 800);
    raw(&f, S, A, f.nxt[S] - 1, f.nxt[C], 0, 65535);
    tx(&f, C, A, 0);
    wait_ms(&f, 800);
    tx(&f, C, A, 0);
    CHECK(f.all & BIT(CLOSE_WAIT_STALL));
}

TEST(one_sided_client_only)
{
    /* Only the client's segments: the server's SYN-ACK, data and FIN are
     * inferred from the client's ACKs; at the end what the client sent
     * counts as acknowledged. */
    fx f;
    fx_client_only(&f);
    tx(&f, C, FIN | A, 0);
    miss(&f, S, FIN | A, 0);
    tx(&f, C, A, 0);
    fin(&f);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(f.all & BIT(ONE_SIDED));
    CHECK(!(f.all & BIT(CAPTURE_GAP))); /* the whole direction: one_sided */
    CHECK(!(f.all & BIT(HALF_OPEN)));
    CHECK(tcpl_anomaly_kind(TCPL_A_ONE_SIDED) == TCPL_KIND_CAPTURE);
}

TEST(one_sided_server_only)
{
    fx f;
    fx_server_only(&f);
    CHECK_STATE(&f, C, TCPL_ESTABLISHED);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
    miss(&f, C, FIN | A, 0);
    tx(&f, S, A, 0);
    tx(&f, S, FIN | A, 0);
    fin(&f);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(f.all & BIT(ONE_SIDED));
    CHECK(!(f.all & BIT(HANDSHAKE_INCOMPLETE)));
}

TEST(one_sided_probes_are_not_half_open)
{
    /* The peer's answers to keepalives are invisible, not missing. */
    fx f;
    fx_server_only(&f);
    for (int i = 0; i < 3; i++) {
        wait_ms(&f, 1000);
        raw(&f, S, A, f.nxt[S] - 1, f.nxt[C], 0, 65535);
    }
    fin(&f);
    CHECK(!(f.all & BIT(HALF_OPEN)));
}

TEST(fin_hidden_at_close_wait_tail)
{
    /* The server's last data and FIN, in one missed segment: the client's
     * ACK covers both and the server is never seen again. */
    fx f;
    fx_fin_wait_2(&f);
    miss(&f, S, FIN | A | PSH, 300);
    tx(&f, C, A, 0);
    fin(&f);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
}

TEST(keepalive_then_rst_is_half_open)
{
    /* One keepalive (the capture missed the others), then the keepalive
     * timer's RST: the peer had gone silent. */
    fx f;
    fx_established(&f);
    wait_ms(&f, 1000);
    raw(&f, C, A, f.nxt[C] - 1, f.nxt[S], 0, 65535);
    wait_ms(&f, 1000);
    raw(&f, C, RST | A, f.nxt[C], f.nxt[S], 0, 0);
    CHECK(f.all & BIT(HALF_OPEN));
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
}

TEST(synack_new_isn_opens_next_lifecycle)
{
    /* The new SYN missed: the server's SYN-ACK with a new ISN answers it. */
    fx f;
    fx_time_wait(&f);
    raw(&f, S, SYN | A, 90000, 7001, 0, 65535);
    CHECK(f.rc == TCPL_NEW_LIFECYCLE);
}

TEST(fin_at_capture_end_is_undecided)
{
    /* The capture stops right after a FIN: its ACK may follow unseen. */
    fx f;
    fx_last_ack(&f);
    fin(&f);
    CHECK_STATE(&f, S, TCPL_UNKNOWN);
    CHECK_STATE(&f, C, TCPL_UNKNOWN);
    CHECK(f.r.anomalies == BIT(UNDECIDED));
    CHECK(f.r.nevents == 1 && f.r.events[0].endpoint == S);
}

TEST(fin_unacked_past_answer_time_stands)
{
    /* Unacknowledged for longer than an answer takes: that is evidence. */
    fx f;
    fx_last_ack(&f);
    wait_ms(&f, 1500);
    fin(&f);
    CHECK_STATE(&f, S, TCPL_LAST_ACK);
    CHECK(!(f.all & BIT(UNDECIDED)));
    CHECK_STATE(&f, C, TCPL_FIN_WAIT_2);
}

TEST(one_sided_data_last_is_undecided)
{
    /* The server's last data may have met an ACK or a RST: the
     * server->client direction alone cannot show which. */
    fx f;
    fx_server_only(&f);
    tx(&f, S, A | PSH, 200);
    fin(&f);
    CHECK_STATE(&f, S, TCPL_UNKNOWN);
    CHECK_STATE(&f, C, TCPL_UNKNOWN);
}

TEST(one_sided_resent_fin_crossed)
{
    /* Client side only: its FIN had to be sent again before it acked the
     * server's FIN, so the server's FIN did not acknowledge it (they
     * crossed): both end in TIME_WAIT, as in a simultaneous close. */
    fx f;
    fx_client_only(&f);
    uint32_t cfin = f.nxt[C];
    tx(&f, C, FIN | A, 0);
    miss(&f, S, FIN | A, 0);
    wait_ms(&f, 200);
    raw(&f, C, FIN | A, cfin, f.nxt[S] - 1, 0, 65535);
    tx(&f, C, A, 0);
    fin(&f);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
    CHECK_STATE(&f, S, TCPL_TIME_WAIT);
}

TEST(fin_silence_proves_ack)
{
    /* Never sent again in 3 s: its ACK came, the capture missed it. */
    fx f;
    fx_last_ack(&f);
    wait_ms(&f, 3000);
    fin(&f);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
    CHECK(moved(&f, S, TCPL_CLOSED, 1));
    CHECK(f.r.anomalies & BIT(CAPTURE_GAP));
}

TEST(fin_resent_silence_stands)
{
    /* Retransmitted: the ACK was missing then, backoff may explain the
     * silence since; the states stand. */
    fx f;
    fx_last_ack(&f);
    uint32_t sfin = f.nxt[S] - 1;
    wait_ms(&f, 300);
    raw(&f, S, FIN | A, sfin, f.nxt[C], 0, 65535);
    wait_ms(&f, 3000);
    fin(&f);
    CHECK_STATE(&f, S, TCPL_LAST_ACK);
}

TEST(synack_silence_proves_ack)
{
    /* A SYN-ACK never retransmitted while the capture goes on: the
     * handshake's ACK arrived; no handshake_incomplete. */
    fx f;
    fx_syn_received(&f);
    wait_ms(&f, 3000);
    fin(&f);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
    CHECK_STATE(&f, C, TCPL_ESTABLISHED);
    CHECK(!(f.all & BIT(HANDSHAKE_INCOMPLETE)));
}
