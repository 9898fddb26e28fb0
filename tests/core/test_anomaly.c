/*
 * test_anomaly.c - unit tests of the lifecycle anomalies (refused and
 * unanswered SYNs, half-open, stalls, zero window, reuse, mid-stream
 * pickup) and of their names and texts.  Same style as test_engine.c: a
 * state fixture, one more segment or the end of the capture, the states
 * and the anomalies raised.  Every anomaly has a test here.
 */
#include "fixture.h"

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
