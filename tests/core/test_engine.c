/*
 * test_engine.c - unit tests of the lifecycle engine, lwIP/smoltcp style.
 *
 * Each test reaches a state through real segments (fixtures named after
 * the state, as smoltcp's socket_established()), feeds one more segment
 * and asserts both endpoints' states and the anomalies raised.  Every cell
 * of the transition table and every anomaly has a test here.  The fixture
 * plays a loss-free network: each side's next sequence number and ACK are
 * tracked, so a test only spells out what is unusual about its segment.
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

/* ========================================================= anomalies */

TEST(refused_ipv4_or_ipv6_alike)
{
    /* the engine never sees addresses: one test covers both families */
    fx f;
    fx_syn_sent(&f);
    wait_ms(&f, 1);
    raw(&f, S, RST | A, 0, 1001, 0, 0);
    CHECK(f.all == BIT(REFUSED));
    fin(&f);
    CHECK(f.r.anomalies == 0); /* nothing left open at the end */
}

TEST(syn_unanswered_retransmitted)
{
    fx f;
    fx_syn_sent(&f);
    wait_ms(&f, 990);
    raw(&f, C, SYN, 1000, 0, 0, 65535);
    CHECK(f.r.anomalies == BIT(SYN_UNANSWERED));
    CHECK(f.r.ntransitions == 0);
    CHECK(f.r.events[0].duration_ns == 1000 * MS);
    raw(&f, C, SYN, 1000, 0, 0, 65535);
    CHECK(f.r.anomalies == 0); /* raised once */
}

TEST(syn_unanswered_late_synack)
{
    fx f;
    fx_syn_sent(&f);
    wait_ms(&f, 1500);
    tx(&f, S, SYN | A, 0);
    CHECK(f.r.anomalies == BIT(SYN_UNANSWERED));
}

TEST(syn_at_capture_end_is_not_unanswered)
{
    /* The answer may come just after the capture: no evidence yet. */
    fx f;
    fx_syn_sent(&f);
    fin(&f);
    CHECK(f.r.anomalies == BIT(UNDECIDED)); /* a note, not syn_unanswered */
    CHECK_STATE(&f, C, TCPL_UNKNOWN); /* SYN-ACK or RST may be just after */
    CHECK(moved(&f, C, TCPL_UNKNOWN, 1));
}

TEST(syn_unanswered_at_end)
{
    fx f;
    fx_syn_sent(&f);
    f.t += 1500 * MS;
    fin(&f);
    CHECK(f.r.anomalies == BIT(SYN_UNANSWERED));
    CHECK_STATE(&f, C, TCPL_SYN_SENT);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    fin(&f);
    CHECK(f.r.anomalies == 0); /* finish runs once */
}

TEST(syn_answered_in_time_is_clean)
{
    fx f;
    fx_established(&f);
    fin(&f);
    CHECK(f.all == 0);
}

TEST(handshake_incomplete_at_end)
{
    fx f;
    fx_syn_received(&f);
    wait_ms(&f, 1000);
    /* the SYN-ACK is retransmitted: the client's ACK never comes */
    raw(&f, S, SYN | A, 5000, 1001, 0, 65535);
    CHECK(f.r.ntransitions == 0 && f.r.anomalies == 0);
    fin(&f);
    CHECK(f.r.anomalies == BIT(HANDSHAKE_INCOMPLETE));
    CHECK(f.r.events[0].endpoint == S);
    CHECK_STATE(&f, S, TCPL_SYN_RECEIVED);
}

TEST(half_open_bare_rst_answers_data)
{
    fx f;
    fx_established(&f);
    tx(&f, S, A | PSH, 100);
    /* no socket on the client any more: its kernel answers with a bare
     * RST numbered by the data's ACK */
    raw(&f, C, RST, f.nxt[C], 0, 0, 0);
    CHECK(f.r.anomalies == BIT(HALF_OPEN));
    CHECK(f.r.events[0].endpoint == C);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK_STATE(&f, S, TCPL_CLOSED);
}

TEST(half_open_keepalives_unanswered_then_abort)
{
    fx f;
    fx_established(&f);
    for (int i = 0; i < 3; i++) {
        wait_ms(&f, 1000);
        raw(&f, C, A, f.nxt[C] - 1, f.nxt[S], 0, 65535);
    }
    CHECK(f.all == 0);
    raw(&f, C, RST | A, f.nxt[C], f.nxt[S], 0, 0);
    CHECK(f.r.anomalies == BIT(HALF_OPEN));
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED); /* deaf: it never got the RST */
}

TEST(half_open_retransmissions_unanswered_to_end)
{
    fx f;
    fx_established(&f);
    uint32_t seq = f.nxt[S];
    tx(&f, S, A | PSH, 100);
    raw(&f, S, A | PSH, seq, f.nxt[C], 100, 65535);
    raw(&f, S, A | PSH, seq, f.nxt[C], 100, 65535);
    fin(&f);
    CHECK(f.r.anomalies == BIT(HALF_OPEN));
    CHECK(f.r.events[0].endpoint == C); /* the silent one lost it */
}

TEST(answered_retransmission_is_clean)
{
    fx f;
    fx_established(&f);
    uint32_t seq = f.nxt[S];
    tx(&f, S, A | PSH, 100);
    raw(&f, S, A | PSH, seq, f.nxt[C], 100, 65535);
    tx(&f, C, A, 0);
    raw(&f, S, A | PSH, seq, f.nxt[C], 100, 65535);
    fin(&f);
    CHECK(f.all == 0);
}

TEST(close_wait_stall_on_late_fin)
{
    fx f;
    fx_fin_wait_2(&f);
    wait_ms(&f, 1500);
    tx(&f, S, FIN | A, 0);
    CHECK(f.r.anomalies == BIT(CLOSE_WAIT_STALL));
    CHECK(f.r.events[0].endpoint == S);
    CHECK(f.r.events[0].duration_ns == 1510 * MS);
    char line[200];
    tcpl_describe(&f.c, &f.r.events[0], line, sizeof line);
    CHECK(strcmp(line, "server stayed in CLOSE_WAIT 1.5 s: the application did "
                       "not close its socket after client's FIN") == 0);
}

TEST(close_wait_stall_until_end)
{
    fx f;
    fx_fin_wait_2(&f);
    wait_ms(&f, 3000);
    fin(&f);
    CHECK(f.r.anomalies == BIT(CLOSE_WAIT_STALL));
    CHECK_STATE(&f, S, TCPL_CLOSE_WAIT);
    CHECK_STATE(&f, C, TCPL_FIN_WAIT_2);
}

TEST(close_wait_short_is_clean)
{
    fx f;
    fx_fin_wait_2(&f);
    wait_ms(&f, 500);
    tx(&f, S, FIN | A, 0);
    tx(&f, C, A, 0);
    fin(&f);
    CHECK(f.all == 0);
}

TEST(close_wait_stall_threshold_is_configurable)
{
    fx f;
    tcpl_config cfg;
    tcpl_config_init(&cfg);
    cfg.close_wait_stall_ns = 5000 * MS;
    fx_init(&f, 1000, 5000);
    tcpl_conn_init(&f.c, &cfg);
    tx(&f, C, SYN, 0);
    tx(&f, S, SYN | A, 0);
    tx(&f, C, A, 0);
    tx(&f, C, FIN | A, 0);
    tx(&f, S, A, 0);
    wait_ms(&f, 3000);
    fin(&f);
    CHECK(f.all == 0);
}

TEST(close_wait_stall_then_write_meets_rst)
{
    fx f;
    fx_fin_wait_2(&f);
    wait_ms(&f, 2000);
    tx(&f, S, A | PSH, 10);
    CHECK(f.r.anomalies == BIT(CLOSE_WAIT_STALL));
    raw(&f, C, RST, f.nxt[C], 0, 0, 0);
    CHECK(f.r.anomalies == BIT(RST_AFTER_FIN));
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK_STATE(&f, C, TCPL_CLOSED);
}

TEST(rst_after_fin_half_close_then_abort)
{
    fx f;
    fx_fin_wait_2(&f);
    tx(&f, S, A | PSH, 300); /* data the client will never read */
    raw(&f, C, RST | A, f.nxt[C], f.nxt[S], 0, 0);
    CHECK(f.r.anomalies == BIT(RST_AFTER_FIN));
    CHECK(f.c.first_closer == C && !f.c.first_close_rst);
    CHECK(tcpl_close_kind(&f.c) == TCPL_CLOSE_FIN_THEN_RST);
    CHECK(strcmp(tcpl_close_name(TCPL_CLOSE_FIN_THEN_RST), "FIN then RST") == 0);
}

TEST(zero_window_and_recovery)
{
    fx f;
    fx_established(&f);
    f.win[S] = 0;
    tx(&f, S, A, 0);
    CHECK(f.r.anomalies == BIT(ZERO_WINDOW));
    CHECK(f.r.events[0].endpoint == S);
    tx(&f, S, A, 0);
    CHECK(f.r.anomalies == 0); /* once per episode */
    f.win[S] = 1000;
    tx(&f, S, A, 0);
    f.win[S] = 0;
    tx(&f, S, A, 0);
    CHECK(f.r.anomalies == BIT(ZERO_WINDOW)); /* a new episode */
}

TEST(zero_window_stall_and_probes)
{
    fx f;
    fx_established(&f);
    f.win[S] = 0;
    tx(&f, S, A, 0);
    /* Linux's zero-window probes: one below the next sequence number.
     * They are answered, and are not keepalives of a dead peer. */
    for (int i = 0; i < 4; i++) {
        wait_ms(&f, 400);
        raw(&f, C, A, f.nxt[C] - 1, f.nxt[S], 0, 65535);
        tx(&f, S, A, 0);
    }
    CHECK(f.all == (BIT(ZERO_WINDOW) | BIT(ZERO_WINDOW_STALL)));
    f.win[S] = 5000;
    tx(&f, S, A, 0);
    fin(&f);
    CHECK(f.r.anomalies == 0);
}

TEST(zero_window_stall_until_end)
{
    fx f;
    fx_established(&f);
    f.win[C] = 0;
    tx(&f, C, A, 0);
    wait_ms(&f, 2000);
    fin(&f);
    CHECK(f.r.anomalies == BIT(ZERO_WINDOW_STALL));
    CHECK(f.r.events[0].duration_ns == 2000 * MS);
}

TEST(zero_window_not_on_rst_or_syn)
{
    fx f;
    fx_init(&f, 1000, 5000);
    raw(&f, C, SYN, 1000, 0, 0, 0);
    raw(&f, S, RST | A, 0, 1001, 0, 0);
    CHECK(!(f.all & BIT(ZERO_WINDOW)));
}

TEST(reset_abort_linger0)
{
    fx f;
    fx_established(&f);
    tx(&f, C, A | PSH, 1000);
    raw(&f, C, RST | A, f.nxt[C], f.nxt[S], 0, 0);
    CHECK(f.all == BIT(RESET));
    CHECK(tcpl_conn_is_over(&f.c));
}

TEST(data_after_fin)
{
    fx f;
    fx_fin_wait_1(&f);
    tx(&f, C, A | PSH, 10);
    CHECK(f.r.anomalies == BIT(DATA_AFTER_FIN));
}

TEST(fin_with_data_is_clean)
{
    fx f;
    fx_established(&f);
    tx(&f, C, FIN | A | PSH, 100);
    CHECK_STATE(&f, C, TCPL_FIN_WAIT_1);
    tx(&f, S, A, 0);
    CHECK_STATE(&f, S, TCPL_CLOSE_WAIT);
    CHECK_STATE(&f, C, TCPL_FIN_WAIT_2);
    CHECK(f.all == 0);
}

TEST(ack_of_data_before_fin_does_not_close)
{
    fx f;
    fx_established(&f);
    uint32_t before = f.nxt[C];
    tx(&f, C, FIN | A | PSH, 100);
    tx_ack(&f, S, A, 0, before + 100); /* data acked, FIN not */
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
    CHECK_STATE(&f, C, TCPL_FIN_WAIT_1);
}

TEST(lost_fin_retransmitted_moves_receiver_once)
{
    fx f;
    fx_established(&f);
    uint32_t fseq = f.nxt[C];
    tx(&f, C, FIN | A, 0);
    tx_ack(&f, S, A | PSH, 10, fseq); /* the FIN was lost on the way */
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
    raw(&f, C, FIN | A, fseq, f.nxt[S], 0, 65535);
    CHECK(f.r.ntransitions == 0);
    tx(&f, S, A, 0);
    CHECK_STATE(&f, S, TCPL_CLOSE_WAIT);
    CHECK(f.all == 0);
}

TEST(port_reuse_after_time_wait)
{
    fx f;
    fx_time_wait(&f);
    tcpl_segment s = {.ts_ns = f.t + MS, .seq = 90000, .flags = SYN, .from = C};
    tcpl_result r;
    CHECK(tcpl_step(&f.c, &s, &r) == TCPL_NEW_LIFECYCLE);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT); /* untouched */
    tcpl_conn next;
    tcpl_conn_successor(&next, &f.c);
    CHECK(tcpl_step(&next, &s, &r) == TCPL_OK);
    CHECK(r.anomalies == BIT(PORT_REUSE));
    CHECK(next.ep[C].state == TCPL_SYN_SENT && next.ep[S].state == TCPL_CLOSED);
}

TEST(new_lifecycle_after_reset_is_not_reuse)
{
    fx f;
    fx_established(&f);
    raw(&f, C, RST | A, f.nxt[C], f.nxt[S], 0, 0);
    tcpl_segment s = {.ts_ns = f.t + MS, .seq = 90000, .flags = SYN, .from = S};
    tcpl_result r;
    CHECK(tcpl_step(&f.c, &s, &r) == TCPL_NEW_LIFECYCLE);
    tcpl_conn next;
    tcpl_conn_successor(&next, &f.c);
    CHECK(tcpl_step(&next, &s, &r) == TCPL_OK);
    CHECK(r.anomalies == 0);
    CHECK(next.client == S); /* roles follow the new SYN */
}

TEST(port_reuse_while_open)
{
    fx f;
    fx_established(&f);
    raw(&f, C, SYN, 777777, 0, 0, 65535);
    CHECK(f.rc == TCPL_OK);
    CHECK(f.r.anomalies == BIT(PORT_REUSE));
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
}

TEST(retransmitted_syn_is_same_lifecycle)
{
    fx f;
    fx_syn_sent(&f);
    raw(&f, C, SYN, 1000, 0, 0, 65535);
    CHECK(f.rc == TCPL_OK);
    CHECK(f.r.ntransitions == 0);
}

TEST(abandoned_attempt_new_isn_new_lifecycle)
{
    fx f;
    fx_syn_sent(&f);
    wait_ms(&f, 3000);
    raw(&f, C, SYN, 424242, 0, 0, 65535);
    CHECK(f.rc == TCPL_NEW_LIFECYCLE);
}

TEST(simultaneous_close_both_time_wait)
{
    fx f;
    fx_closing(&f);
    tx(&f, S, A, 0);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
    CHECK_STATE(&f, S, TCPL_TIME_WAIT);
    CHECK(f.all == BIT(SIMULTANEOUS_CLOSE));
    CHECK(f.c.first_closer == C);
}

TEST(midstream_role_guess_by_port)
{
    fx f;
    fx_init(&f, 1000, 5000);
    tx(&f, C, A | PSH, 10); /* from port 40000 to port 80 */
    CHECK(f.c.client == C && f.c.role_guessed);
    CHECK(strcmp(tcpl_role_name(&f.c, S), "server") == 0);
    tx(&f, C, FIN | A, 0);
    tx(&f, S, FIN | A, 0);
    tx(&f, C, A, 0);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(f.all == BIT(MIDSTREAM));
}

TEST(midstream_without_ports_sender_is_client)
{
    tcpl_conn c;
    tcpl_result r;
    tcpl_conn_init(&c, NULL);
    tcpl_segment s = {.ts_ns = 1, .seq = 5, .ack = 9, .flags = A, .window = 10, .from = 1};
    CHECK(tcpl_step(&c, &s, &r) == TCPL_OK);
    CHECK(c.client == 1 && c.role_guessed);
}

TEST(rst_out_of_window_ignored)
{
    fx f;
    fx_established(&f);
    raw(&f, S, RST | A, f.nxt[S] + 100000, f.nxt[C], 0, 0);
    CHECK(f.r.anomalies == BIT(RST_OUT_OF_WINDOW));
    CHECK_STATE(&f, C, TCPL_ESTABLISHED);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
    CHECK(f.c.first_closer == -1);
}

TEST(syn_with_data_tfo)
{
    fx f;
    fx_init(&f, 1000, 5000);
    tx(&f, C, SYN, 20); /* TFO: data in the SYN */
    tx(&f, S, SYN | A, 0);
    CHECK(f.r.transitions[0].to == TCPL_SYN_RECEIVED);
    tx(&f, C, A, 0);
    CHECK_STATE(&f, C, TCPL_ESTABLISHED);
    CHECK_STATE(&f, S, TCPL_ESTABLISHED);
    CHECK(f.all == 0);
}

TEST(sequence_wraparound_full_lifecycle)
{
    fx f;
    fx_init(&f, 0xFFFFFFF0u, 0xFFFFFF00u);
    tx(&f, C, SYN, 0);
    tx(&f, S, SYN | A, 0);
    tx(&f, C, A, 0);
    tx(&f, C, A | PSH, 100); /* crosses 2^32 */
    tx(&f, S, A | PSH, 1000);
    tx(&f, C, FIN | A, 0);
    tx(&f, S, A, 0);
    CHECK_STATE(&f, S, TCPL_CLOSE_WAIT);
    tx(&f, S, FIN | A, 0);
    tx(&f, C, A, 0);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(f.all == 0);
}

TEST(capture_ends_mid_connection_is_clean)
{
    fx f;
    fx_established(&f);
    fin(&f);
    CHECK(f.r.anomalies == 0);
    CHECK_STATE(&f, C, TCPL_ESTABLISHED);
}

TEST(time_in_state_reported_before_segment)
{
    fx f;
    fx_fin_wait_2(&f);
    wait_ms(&f, 490);
    tx(&f, S, FIN | A, 0);
    CHECK(f.r.in_state_ns[S] == 500 * MS);
}

TEST(invalid_sender_rejected)
{
    tcpl_conn c;
    tcpl_result r;
    tcpl_conn_init(&c, NULL);
    tcpl_segment s = {.from = 2, .flags = SYN};
    CHECK(tcpl_step(&c, &s, &r) == TCPL_EINVAL);
    CHECK(c.segments == 0);
}

TEST(names_round_trip)
{
    for (int i = 0; i < TCPL_STATE_COUNT; i++) {
        const char *n = tcpl_state_name((tcpl_state)i);
        CHECK(tcpl_state_from_name(n, strlen(n)) == i);
    }
    for (int i = 0; i < TCPL_ANOMALY_COUNT; i++) {
        const char *n = tcpl_anomaly_name((tcpl_anomaly)i);
        CHECK(tcpl_anomaly_from_name(n, strlen(n)) == i);
        CHECK(strchr(tcpl_anomaly_template((tcpl_anomaly)i), '\n') == NULL);
    }
    CHECK(tcpl_state_from_name("CLOSE_WAITX", 10) == TCPL_CLOSE_WAIT);
    CHECK(tcpl_state_from_name("LISTEN", 6) == -1);
    CHECK(strcmp(tcpl_state_name((tcpl_state)99), "?") == 0);
}

TEST(describe_truncates_safely)
{
    fx f;
    fx_fin_wait_2(&f);
    tcpl_event e = {.anomaly = TCPL_A_CLOSE_WAIT_STALL, .endpoint = S, .duration_ns = 3000 * MS};
    char small[12];
    size_t want = tcpl_describe(&f.c, &e, small, sizeof small);
    CHECK(strlen(small) == sizeof small - 1);
    CHECK(want > sizeof small);
    CHECK(strncmp(small, "server stay", 11) == 0);
}

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

/* ---------------------------------------------------------------- main */
