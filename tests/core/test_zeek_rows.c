/*
 * test_zeek_rows.c - unit tests of the cutting of a lifecycle into Zeek's
 * conn.log rows (core/zeek_rows.c): one test per rule of Zeek's that ends
 * a row, and the times at which it does and does not.
 *
 * Each test plays an exchange through tcpl_step() (the fixture) and feeds
 * the same segments to a tcpl_zeek_rows, as the CLI's tracker does.  The
 * rows and their verdicts expected here are those Zeek logs for such an
 * exchange by the rules of its TCP session adapter (the timers'
 * conditions and delays, tcp_*_delay and tcp_inactivity_timeout at their
 * defaults), worked out from its sources, not taken from our output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpl/tcpl.h"

#include "fixture.h"

#define SEC INT64_C(1000000000)
#define MAXROWS 8

/* The fixture plus the row cutter and the rows it ended. */
typedef struct rx {
    fx f;
    tcpl_zeek_rows zr;
    tcpl_zeek_row rows[MAXROWS];
    int n;
} rx;

static void rx_init(rx *r, uint32_t cisn, uint32_t sisn)
{
    fx_init(&r->f, cisn, sisn);
    tcpl_zeek_rows_init(&r->zr);
    r->n = 0;
}

/* One segment with every field given, to the engine and to the cutter. */
static void rraw(rx *r, int from, uint16_t flags, uint32_t seq, uint32_t ack,
                 uint32_t len)
{
    int rc = raw(&r->f, from, flags, seq, ack, len, r->f.win[from]);
    CHECK(rc == TCPL_OK); /* the lifecycle goes on: the cut is Zeek's */
    /* An IPv4 packet without options (the engine's copy, through the
     * fixture, has no IP length: the lifecycle's IP bytes are unknown). */
    tcpl_segment s = {.ts_ns = r->f.t, .from = (uint8_t)from,
                      .flags = flags, .seq = seq, .ack = ack, .len = len,
                      .window = r->f.win[from], .ip_len = 40 + len};
    tcpl_zeek_row done;
    if (tcpl_zeek_rows_step(&r->zr, &s, from == r->f.c.client, &done)) {
        CHECK(r->n < MAXROWS);
        if (r->n < MAXROWS)
            r->rows[r->n++] = done;
    }
}

/* As the fixture's tx(): next sequence number, ACK of all the peer sent. */
static void rtx(rx *r, int from, uint16_t flags, uint32_t len)
{
    fx *f = &r->f;
    uint32_t seq = f->nxt[from];
    f->nxt[from] += len + ((flags & TCPL_SYN) ? 1 : 0) +
                    ((flags & TCPL_FIN) ? 1 : 0);
    rraw(r, from, flags, seq, (flags & TCPL_ACK) ? f->nxt[!from] : 0, len);
}

/* Ends the lifecycle: its last row joins the others. */
static void rx_end(rx *r)
{
    tcpl_zeek_row last;
    if (tcpl_zeek_rows_last(&r->zr, &last) && r->n < MAXROWS)
        r->rows[r->n++] = last;
}

static void row_is(const rx *r, int i, const char *state, const char *history,
                   tcpl_zeek_cut cut, int line)
{
    if (i >= r->n) {
        fprintf(stderr, "%s:%d: row %d missing (%d rows)\n", __FILE__, line,
                i, r->n);
        failed = 1;
        return;
    }
    const tcpl_zeek_row *w = &r->rows[i];
    const char *st = tcpl_zeek_conn_state_name((tcpl_zeek_conn_state)w->state);
    if (strcmp(st, state) != 0 || strcmp(w->history, history) != 0 ||
        w->cut != cut) {
        fprintf(stderr, "%s:%d: row %d is %s %s (%s), expected %s %s (%s)\n",
                __FILE__, line, i, st, w->history,
                tcpl_zeek_cut_name((tcpl_zeek_cut)w->cut), state, history,
                tcpl_zeek_cut_name(cut));
        failed = 1;
    }
}
#define ROW(r, i, st, h, cut) row_is(r, i, st, h, TCPL_ZCUT_##cut, __LINE__)

static void handshake(rx *r)
{
    rtx(r, C, SYN, 0);
    rtx(r, S, SYN | A, 0);
    rtx(r, C, A, 0);
}

/* ============================================= tcp_attempt_delay (5 s) */

TEST(attempt_cuts_unanswered_syn_train)
{
    rx r;
    rx_init(&r, 1000, 5000);
    rraw(&r, C, SYN, 1000, 0, 0);
    wait_ms(&r.f, 990);
    rraw(&r, C, SYN, 1000, 0, 0); /* 1 s: a retransmission, same row */
    wait_ms(&r.f, 1990);
    rraw(&r, C, SYN, 1000, 0, 0); /* 3 s */
    wait_ms(&r.f, 3990);
    rraw(&r, C, SYN, 1000, 0, 0); /* 7 s: the attempt was removed at 5 s */
    rx_end(&r);
    CHECK(r.n == 2);
    ROW(&r, 0, "S0", "S", ATTEMPT);
    ROW(&r, 1, "S0", "S", LIFECYCLE);
    CHECK(r.rows[0].n.orig_pkts == 3 && r.rows[1].n.orig_pkts == 1);
    /* Each row counts the IP bytes of its own packets only. */
    CHECK(r.rows[0].n.ip_bytes_known && r.rows[1].n.ip_bytes_known);
    CHECK(r.rows[0].n.orig_ip_bytes == 3 * 40);
    CHECK(r.rows[1].n.orig_ip_bytes == 40);
    CHECK(r.rows[0].n.resp_ip_bytes == 0 && r.rows[1].n.resp_ip_bytes == 0);
    CHECK(r.rows[1].first_ns - r.rows[0].first_ns == 7 * SEC);
    /* The lifecycle's own verdict is unchanged: one attempt. */
    CHECK(r.f.c.zeek.ep[0].pkts == 4);
}

TEST(attempt_fires_at_exactly_5_s)
{
    rx r;
    rx_init(&r, 1000, 5000);
    rraw(&r, C, SYN, 1000, 0, 0);
    wait_ms(&r.f, 4990);
    rraw(&r, C, SYN, 1000, 0, 0); /* 5.000 s: the timer fires first */
    rx_end(&r);
    CHECK(r.n == 2);
    ROW(&r, 0, "S0", "S", ATTEMPT);
}

TEST(attempt_answered_in_time_is_kept)
{
    rx r;
    rx_init(&r, 1000, 5000);
    handshake(&r);
    wait_ms(&r.f, 10000);
    rtx(&r, C, A | PSH, 100);
    rtx(&r, S, A, 0);
    rx_end(&r);
    CHECK(r.n == 1);
    ROW(&r, 0, "S1", "ShADa", LIFECYCLE);
}

TEST(attempt_cuts_one_way_capture)
{
    /* Only the client's side: its SYN-ACK never shows, so Zeek keeps it
     * SYN_SENT, and what it sends after 5 s is a new, mid-stream row. */
    rx r;
    rx_init(&r, 1000, 5000);
    rraw(&r, C, SYN, 1000, 0, 0);
    rraw(&r, C, A, 1001, 5001, 0);
    rraw(&r, C, A | PSH, 1001, 5001, 100);
    wait_ms(&r.f, 6000);
    rraw(&r, C, A | PSH, 1101, 5001, 100);
    rraw(&r, C, FIN | A, 1201, 5001, 0);
    rx_end(&r);
    CHECK(r.n == 2);
    ROW(&r, 0, "S0", "SAD", ATTEMPT);
    ROW(&r, 1, "SH", "DF", LIFECYCLE);
}

/* =============================================== tcp_close_delay (5 s) */

TEST(close_removes_5_s_after_a_rst)
{
    rx r;
    rx_init(&r, 1000, 5000);
    handshake(&r);
    rtx(&r, C, A | PSH, 100);
    rtx(&r, S, A, 0);
    rtx(&r, C, RST | A, 0);
    wait_ms(&r.f, 6000);
    rtx(&r, S, RST, 0); /* after the removal: a row of its own */
    rx_end(&r);
    CHECK(r.n == 2);
    ROW(&r, 0, "RSTO", "ShADaR", CLOSE);
    ROW(&r, 1, "RSTRH", "^r", LIFECYCLE);
}

TEST(close_keeps_what_comes_within_5_s)
{
    rx r;
    rx_init(&r, 1000, 5000);
    handshake(&r);
    rtx(&r, C, A | PSH, 100);
    rtx(&r, S, A, 0);
    rtx(&r, C, RST | A, 0);
    wait_ms(&r.f, 2000);
    rtx(&r, S, RST, 0);
    rx_end(&r);
    CHECK(r.n == 1);
    ROW(&r, 0, "RSTR", "ShADaRr", LIFECYCLE);
}

TEST(close_counts_from_the_completing_fin)
{
    /* The final ACK comes after both FINs: Zeek's last time stays at the
     * second FIN, and removal is 5 s after it. */
    rx r;
    rx_init(&r, 1000, 5000);
    handshake(&r);
    rtx(&r, C, FIN | A, 0);
    rtx(&r, S, FIN | A, 0);
    rtx(&r, C, A, 0);
    wait_ms(&r.f, 4970);
    rtx(&r, C, A, 0); /* 4.99 s after the second FIN: same row */
    CHECK(r.n == 0);
    rtx(&r, C, A, 0); /* 5.00 s: removed just before */
    rx_end(&r);
    CHECK(r.n == 2);
    ROW(&r, 0, "SF", "ShAFf", CLOSE);
    ROW(&r, 1, "OTH", "A", LIFECYCLE);
}

TEST(close_of_a_lone_fin_from_the_server)
{
    /* A FIN from a side whose peer never sent completes a close at once:
     * the client's ACK and RST seconds later are new rows (Teredo.pcap). */
    rx r;
    rx_init(&r, 1000, 5000);
    /* No SYN: the ports make C (40000) the client, though S speaks first. */
    rraw(&r, S, FIN | A, 5000, 1000, 0);
    rraw(&r, C, A, 1000, 5001, 0);
    wait_ms(&r.f, 7000);
    rraw(&r, C, RST, 1000, 0, 0);
    rx_end(&r);
    CHECK(r.n == 2);
    ROW(&r, 0, "SHR", "^fA", CLOSE);
    ROW(&r, 1, "OTH", "R", LIFECYCLE);
}

/* =============================================== tcp_reset_delay (5 s) */

TEST(reset_removes_5_s_after_rst_following_fin)
{
    /* A RST from a side that sent a FIN, its peer still open: no close
     * completes, but Zeek's reset timer removes it 5 s on. */
    rx r;
    rx_init(&r, 1000, 5000);
    handshake(&r);
    rtx(&r, C, FIN | A, 0);
    rtx(&r, S, A, 0);
    rtx(&r, C, RST | A, 0);
    wait_ms(&r.f, 6000);
    rtx(&r, S, A | PSH, 50);
    rx_end(&r);
    CHECK(r.n == 2);
    ROW(&r, 0, "RSTO", "ShAFaR", RESET);
    ROW(&r, 1, "OTH", "^d", LIFECYCLE);
}

/* ======================================== tcp_inactivity_timeout (5 min) */

TEST(inactivity_removes_after_5_min)
{
    rx r;
    rx_init(&r, 1000, 5000);
    handshake(&r);
    rtx(&r, C, A | PSH, 100);
    wait_ms(&r.f, 299980);
    rtx(&r, S, A, 0); /* 299.99 s idle: kept */
    CHECK(r.n == 0);
    wait_ms(&r.f, 300000);
    rtx(&r, C, A | PSH, 100); /* 300.01 s idle: a new, mid-stream row */
    rx_end(&r);
    CHECK(r.n == 2);
    ROW(&r, 0, "S1", "ShADa", INACTIVITY);
    ROW(&r, 1, "OTH", "D", LIFECYCLE);
}

/* ================================================= IsReuse: a new SYN */

TEST(reuse_on_syn_at_new_sequence_number)
{
    /* A SYN with a new sequence number inside an open connection: we keep
     * one lifecycle (nothing ended it), Zeek replaces the connection. */
    rx r;
    rx_init(&r, 1000, 5000);
    handshake(&r);
    rtx(&r, C, A | PSH, 100);
    rtx(&r, S, A, 0);
    rraw(&r, C, SYN, 90000, 0, 0);
    rx_end(&r);
    CHECK(r.n == 2);
    ROW(&r, 0, "S1", "ShADa", REUSE);
    ROW(&r, 1, "S0", "S", LIFECYCLE);
}

TEST(reuse_on_any_syn_once_a_side_closed)
{
    /* Its own first sequence number again, but after its FIN: Zeek calls
     * any SYN on a connection closed in some sense a reuse. */
    rx r;
    rx_init(&r, 1000, 5000);
    handshake(&r);
    rtx(&r, C, FIN | A, 0);
    rtx(&r, S, A, 0);
    rraw(&r, C, SYN, 1000, 0, 0);
    rx_end(&r);
    CHECK(r.n == 2);
    ROW(&r, 0, "S2", "ShAFa", REUSE);
    ROW(&r, 1, "S0", "S", LIFECYCLE);
}

TEST(reuse_not_for_retransmitted_synack)
{
    rx r;
    rx_init(&r, 1000, 5000);
    rraw(&r, C, SYN, 1000, 0, 0);
    rraw(&r, S, SYN | A, 5000, 1001, 0);
    rraw(&r, S, SYN | A, 5000, 1001, 0);
    rraw(&r, C, A, 1001, 5001, 0);
    rx_end(&r);
    CHECK(r.n == 1);
    ROW(&r, 0, "S1", "ShA", LIFECYCLE);
}

/* ================================================================ misc */

TEST(icmp_errors_are_not_packets_to_zeek)
{
    tcpl_zeek_rows zr;
    tcpl_zeek_row row;
    tcpl_zeek_rows_init(&zr);
    tcpl_segment s = {.ts_ns = 1, .icmp = 4, .icmp_type = 3, .flags = SYN};
    CHECK(tcpl_zeek_rows_step(&zr, &s, true, &row) == 0);
    CHECK(tcpl_zeek_rows_last(&zr, &row) == 0); /* no row without a packet */
    CHECK(strcmp(tcpl_zeek_cut_name(TCPL_ZCUT_INACTIVITY), "inactivity") == 0);
    CHECK(strcmp(tcpl_zeek_cut_name(TCPL_ZCUT_COUNT), "?") == 0);
}

/* ================================================ checksums (checked) */

TEST(bad_checksum_adds_c_to_its_row_only)
{
    rx r;
    rx_init(&r, 1000, 5000);
    handshake(&r);
    /* A data segment of the client's whose checksum failed: to the engine
     * and to the cutter it is only Zeek's 'C', not a packet of the row. */
    tcpl_segment bad = {.ts_ns = r.f.t, .from = C, .flags = A,
                        .seq = r.f.nxt[C], .ack = r.f.nxt[S], .len = 100,
                        .window = r.f.win[C], .bad_checksum = 1,
                        .ip_len = 140};
    tcpl_result res;
    CHECK(tcpl_step(&r.f.c, &bad, &res) == TCPL_OK);
    tcpl_zeek_row done;
    CHECK(tcpl_zeek_rows_step(&r.zr, &bad, true, &done) == 0);
    rtx(&r, C, A | FIN, 0);
    rtx(&r, S, A | FIN, 0);
    rtx(&r, C, A, 0);
    rx_end(&r);
    CHECK(r.n == 1);
    ROW(&r, 0, "SF", "ShACFf", LIFECYCLE);
    CHECK(r.rows[0].n.orig_pkts == 4 && r.rows[0].n.orig_bytes == 0);
    /* Nor are its IP bytes counted: Zeek's TCP analyser drops it before
     * its ConnSize analyser sees it. */
    CHECK(r.rows[0].n.orig_ip_bytes == 4 * 40);
    CHECK(r.rows[0].n.resp_ip_bytes == 2 * 40);
    /* A lone bad segment starts no row. */
    tcpl_zeek_rows z2;
    tcpl_zeek_rows_init(&z2);
    CHECK(tcpl_zeek_rows_step(&z2, &bad, true, &done) == 0);
    CHECK(!tcpl_zeek_rows_last(&z2, &done));
}
