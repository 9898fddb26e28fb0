/*
 * test_engine.c - unit tests of the transition table (core/fsm.c), cell by
 * cell, lwIP/smoltcp style.
 *
 * Each test reaches a state through real segments (fixtures named after
 * the state, as smoltcp's socket_established()), feeds one more segment
 * and asserts both endpoints' states.  Every cell of the table has a test
 * here; the anomalies are in test_anomaly.c, what the capture missed in
 * test_gaps.c.  The fixture plays a loss-free network: each side's next
 * sequence number and ACK are tracked, so a test only spells out what is
 * unusual about its segment.
 *
 * The fixture and the runner are in fixture.c.
 */
#include "fixture.h"


/* ====================================================== transitions */

/* UNKNOWN */
TEST(unknown_pickup_midstream)
{
    fx f;
    fx_init(&f, 1000, 5000);
    tx(&f, S, A | PSH, 100);
    CHECK_STATE(&f, C, TCPL_ESTABLISHED);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
    CHECK(f.r.anomalies == BIT(MIDSTREAM));
    CHECK(f.c.role_guessed);
    /* the sender owns port 80, the lower one: it is guessed the server */
    CHECK(f.c.client == C);
    CHECK(f.r.ntransitions == 2);
}

TEST(unknown_send_syn)
{
    fx f;
    fx_init(&f, 1000, 5000);
    tx(&f, C, SYN, 0);
    CHECK_STATE(&f, C, TCPL_SYN_SENT);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(f.c.client == C && !f.c.role_guessed);
    CHECK(f.r.ntransitions == 1 && f.r.transitions[0].from == TCPL_UNKNOWN);
    CHECK(f.all == 0);
}

/* CLOSED */
TEST(closed_send_synack)
{
    fx f;
    fx_syn_sent(&f);
    tx(&f, S, SYN | A, 0);
    CHECK_STATE(&f, S, TCPL_SYN_RECEIVED);
    CHECK_STATE(&f, C, TCPL_SYN_SENT); /* not until the client's ACK */
    CHECK(f.all == 0);
}

TEST(closed_send_syn_simultaneous_open)
{
    fx f;
    fx_syn_sent(&f);
    tx(&f, S, SYN, 0);
    CHECK_STATE(&f, S, TCPL_SYN_SENT);
    CHECK_STATE(&f, C, TCPL_SYN_SENT);
    CHECK(f.r.anomalies == BIT(SIMULTANEOUS_OPEN));
}

TEST(first_segment_synack_names_server)
{
    fx f;
    fx_init(&f, 1000, 5000);
    f.nxt[C]++; /* the client's SYN went by before the capture started */
    tx(&f, S, SYN | A, 0);
    CHECK(f.c.client == C && !f.c.role_guessed);
    CHECK_STATE(&f, S, TCPL_SYN_RECEIVED);
    CHECK_STATE(&f, C, TCPL_SYN_SENT);
    tx(&f, C, A, 0);
    CHECK_STATE(&f, C, TCPL_ESTABLISHED);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
    CHECK(f.all == 0);
}

/* SYN_SENT */
TEST(syn_sent_recv_syn)
{
    fx f;
    fx_syn_received(&f);
    tx(&f, C, A, 0);
    CHECK_STATE(&f, C, TCPL_ESTABLISHED);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
    CHECK(f.r.ntransitions == 2);
    CHECK(f.all == 0);
}

TEST(syn_sent_send_synack_simultaneous)
{
    fx f;
    fx_syn_sent(&f);
    uint32_t cisn = 1000, sisn = 5000;
    tx(&f, S, SYN, 0);
    /* each answers the other's SYN with a SYN-ACK repeating its own ISN */
    raw(&f, C, SYN | A, cisn, sisn + 1, 0, 65535);
    CHECK_STATE(&f, C, TCPL_SYN_RECEIVED);
    raw(&f, S, SYN | A, sisn, cisn + 1, 0, 65535);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
    CHECK_STATE(&f, C, TCPL_ESTABLISHED);
    CHECK(f.all == BIT(SIMULTANEOUS_OPEN));
}

TEST(syn_sent_recv_rst_refused)
{
    fx f;
    fx_syn_sent(&f);
    raw(&f, S, RST | A, 0, 1001, 0, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(f.r.anomalies == BIT(REFUSED));
    CHECK(f.r.nevents == 1 && f.r.events[0].endpoint == C);
    CHECK(f.c.first_closer == -1); /* never opened, so nobody closed it */
    CHECK(tcpl_close_kind(&f.c) == TCPL_CLOSE_REFUSED);
}

TEST(syn_sent_rst_bad_ack_ignored)
{
    fx f;
    fx_syn_sent(&f);
    raw(&f, S, RST | A, 0, 999, 0, 0);
    CHECK_STATE(&f, C, TCPL_SYN_SENT);
    CHECK(f.r.anomalies == BIT(RST_OUT_OF_WINDOW));
}

TEST(syn_sent_send_rst)
{
    fx f;
    fx_syn_received(&f);
    /* the client rejects the SYN-ACK: it abandoned the attempt */
    raw(&f, C, RST, 1001, 0, 0, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(!(f.all & BIT(RESET)));
}

/* SYN_RECEIVED */
TEST(syn_received_syn_acked)
{
    fx f;
    fx_syn_received(&f);
    tx(&f, C, A, 0);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
}

TEST(syn_received_send_fin)
{
    fx f;
    fx_syn_received(&f);
    /* the server closes before the handshake completes */
    tx_ack(&f, S, FIN | A, 0, 1001);
    CHECK_STATE(&f, S, TCPL_FIN_WAIT_1);
    CHECK(f.c.first_closer == S);
}

TEST(syn_received_recv_fin)
{
    fx f;
    fx_syn_received(&f);
    tx(&f, C, FIN | A, 0); /* the client's ACK completes, its FIN follows */
    CHECK_STATE(&f, C, TCPL_FIN_WAIT_1);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
    tx(&f, S, A, 0);
    CHECK_STATE(&f, S, TCPL_CLOSE_WAIT);
    CHECK_STATE(&f, C, TCPL_FIN_WAIT_2);
}

TEST(syn_received_recv_fin_before_handshake_ack)
{
    fx f;
    fx_syn_received(&f);
    /* the server acks a FIN while it never saw its SYN acked: the FIN's
     * own ACK field was not seen (it went by before the capture) */
    uint32_t cfin = f.nxt[C];
    raw(&f, C, FIN, cfin, 0, 0, 65535);
    raw(&f, S, A, 5001, cfin + 1, 0, 65535);
    CHECK_STATE(&f, S, TCPL_CLOSE_WAIT);
}

TEST(syn_received_send_rst)
{
    fx f;
    fx_syn_received(&f);
    raw(&f, S, RST | A, 5001, 1001, 0, 0);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK_STATE(&f, C, TCPL_CLOSED);
}

TEST(syn_received_recv_rst)
{
    fx f;
    fx_syn_received(&f);
    raw(&f, C, RST, 1001, 0, 0, 0);
    CHECK_STATE(&f, S, TCPL_CLOSED);
}

/* ESTABLISHED */
TEST(established_send_fin)
{
    fx f;
    fx_established(&f);
    tx(&f, C, FIN | A, 0);
    CHECK_STATE(&f, C, TCPL_FIN_WAIT_1);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED); /* not until it acks the FIN */
    CHECK(f.c.first_closer == C && !f.c.first_close_rst);
    CHECK(f.all == 0);
}

TEST(established_recv_fin)
{
    fx f;
    fx_fin_wait_1(&f);
    tx(&f, S, A, 0);
    CHECK_STATE(&f, S, TCPL_CLOSE_WAIT);
    CHECK_STATE(&f, C, TCPL_FIN_WAIT_2);
    CHECK(f.r.ntransitions == 2);
}

TEST(established_send_rst_reset)
{
    fx f;
    fx_established(&f);
    raw(&f, C, RST | A, f.nxt[C], f.nxt[S], 0, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(f.r.anomalies == BIT(RESET));
    CHECK(f.c.first_closer == C && f.c.first_close_rst);
}

TEST(established_recv_rst_from_server)
{
    fx f;
    fx_established(&f);
    raw(&f, S, RST | A, f.nxt[S], f.nxt[C], 0, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK(f.r.anomalies == BIT(RESET) && f.r.events[0].endpoint == S);
}

/* FIN_WAIT_1 */
TEST(fin_wait_1_fin_acked)
{
    fx f;
    fx_fin_wait_1(&f);
    tx(&f, S, A, 0);
    CHECK_STATE(&f, C, TCPL_FIN_WAIT_2);
}

TEST(fin_wait_1_recv_fin_closing)
{
    fx f;
    fx_closing(&f);
    CHECK_STATE(&f, C, TCPL_CLOSING);
    CHECK_STATE(&f, S, TCPL_FIN_WAIT_2);
    CHECK(f.all == BIT(SIMULTANEOUS_CLOSE));
}

TEST(fin_wait_1_fin_ack_in_one_segment)
{
    fx f;
    fx_fin_wait_1(&f);
    tx(&f, S, FIN | A, 0); /* acks the FIN and closes at once */
    CHECK_STATE(&f, C, TCPL_FIN_WAIT_2);
    CHECK_STATE(&f, S, TCPL_LAST_ACK); /* through CLOSE_WAIT, receipt first */
    CHECK(f.r.ntransitions == 3);
    tx(&f, C, A, 0);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(f.all == 0);
}

TEST(fin_wait_1_send_rst)
{
    fx f;
    fx_fin_wait_1(&f);
    raw(&f, C, RST | A, f.nxt[C], f.nxt[S], 0, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(f.r.anomalies == BIT(RST_AFTER_FIN));
}

TEST(fin_wait_1_recv_rst)
{
    fx f;
    fx_fin_wait_1(&f);
    raw(&f, S, RST | A, f.nxt[S], f.nxt[C] - 1, 0, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK(f.r.anomalies == BIT(RST_AFTER_FIN));
}

/* FIN_WAIT_2 */
TEST(fin_wait_2_recv_fin)
{
    fx f;
    fx_last_ack(&f);
    tx(&f, C, A, 0);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(f.all == 0);
}

TEST(fin_wait_2_send_rst_data_after_close)
{
    fx f;
    fx_fin_wait_2(&f);
    /* the server writes to a client that called close(): Linux answers
     * with a bare RST whose sequence number is the data's ACK */
    tx(&f, S, A | PSH, 50);
    raw(&f, C, RST, f.nxt[C], 0, 0, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(f.r.anomalies == BIT(RST_AFTER_FIN));
}

TEST(fin_wait_2_recv_rst)
{
    fx f;
    fx_fin_wait_2(&f);
    raw(&f, S, RST | A, f.nxt[S], f.nxt[C], 0, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK_STATE(&f, S, TCPL_CLOSED);
}

/* CLOSING */
TEST(closing_fin_acked)
{
    fx f;
    fx_closing(&f);
    tx(&f, S, A, 0);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
    CHECK_STATE(&f, S, TCPL_TIME_WAIT);
}

TEST(closing_send_rst)
{
    fx f;
    fx_closing(&f);
    raw(&f, C, RST | A, f.nxt[C], f.nxt[S], 0, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK_STATE(&f, S, TCPL_CLOSED);
}

TEST(closing_recv_rst)
{
    fx f;
    fx_closing(&f);
    raw(&f, S, RST | A, f.nxt[S], f.nxt[C], 0, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
}

/* TIME_WAIT */
TEST(time_wait_recv_rst)
{
    fx f;
    fx_time_wait(&f);
    raw(&f, S, RST, f.nxt[S], 0, 0, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
}

TEST(time_wait_send_rst)
{
    fx f;
    fx_time_wait(&f);
    raw(&f, C, RST, f.nxt[C], 0, 0, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
}

TEST(time_wait_done_after_2msl)
{
    fx f;
    fx_time_wait(&f);
    int64_t entered = f.c.ep[C].since_ns;
    wait_ms(&f, 59000);
    fin(&f);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT); /* 59 s: still there, as in ss */
    fx_time_wait(&f);
    wait_ms(&f, 61000);
    fin(&f);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK(f.r.ntransitions == 1 && f.r.transitions[0].from == TCPL_TIME_WAIT);
    CHECK(f.c.ep[C].since_ns == entered + 60000 * MS); /* dated by the timer */
    CHECK(f.all == 0);
}

TEST(port_reuse_not_after_time_wait_expired)
{
    fx f;
    fx_time_wait(&f);
    tcpl_segment s = {.ts_ns = f.t + 61000 * MS, .seq = 90000, .flags = SYN, .from = C};
    tcpl_result r;
    CHECK(tcpl_step(&f.c, &s, &r) == TCPL_NEW_LIFECYCLE);
    tcpl_conn next;
    tcpl_conn_successor(&next, &f.c); /* before tcpl_finish: same result */
    tcpl_finish(&f.c, s.ts_ns, &r);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK(tcpl_step(&next, &s, &r) == TCPL_OK);
    CHECK(r.anomalies == 0);
}

TEST(time_wait_retransmitted_fin_no_transition)
{
    fx f;
    fx_time_wait(&f);
    raw(&f, S, FIN | A, f.nxt[S] - 1, f.nxt[C], 0, 65535);
    CHECK(f.r.ntransitions == 0);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
    tx(&f, C, A, 0);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
}

/* CLOSE_WAIT */
TEST(close_wait_send_fin)
{
    fx f;
    fx_fin_wait_2(&f);
    tx(&f, S, FIN | A, 0);
    CHECK_STATE(&f, S, TCPL_LAST_ACK);
    CHECK(f.c.first_closer == C); /* the client closed first */
}

TEST(close_wait_send_rst)
{
    fx f;
    fx_fin_wait_2(&f);
    raw(&f, S, RST | A, f.nxt[S], f.nxt[C], 0, 0);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK(f.r.anomalies == BIT(RST_AFTER_FIN));
}

TEST(close_wait_recv_rst)
{
    fx f;
    fx_fin_wait_2(&f);
    raw(&f, C, RST | A, f.nxt[C], f.nxt[S], 0, 0);
    CHECK_STATE(&f, S, TCPL_CLOSED);
}

/* LAST_ACK */
TEST(last_ack_fin_acked)
{
    fx f;
    fx_last_ack(&f);
    tx(&f, C, A, 0);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(tcpl_conn_is_over(&f.c) == false); /* the client is in TIME_WAIT */
}

TEST(last_ack_send_rst)
{
    fx f;
    fx_last_ack(&f);
    raw(&f, S, RST | A, f.nxt[S], f.nxt[C], 0, 0);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK_STATE(&f, C, TCPL_CLOSED);
}

TEST(last_ack_recv_rst)
{
    fx f;
    fx_last_ack(&f);
    raw(&f, C, RST, f.nxt[C], 0, 0, 0);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(tcpl_conn_is_over(&f.c));
}
