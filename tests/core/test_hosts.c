/*
 * test_hosts.c - unit tests of the per-host netstat (core/hosts.c): the
 * engine plays crafted connections, every transition it reports is walked
 * into its host's series (memory owned here, as a caller's would be), and
 * the series' samples and warnings are checked.  ctest names hosts.*.
 */
#include "fixture.h"

#include "tcpl/hosts.h"

#define SEC (1000 * MS)
#define MAXD 8192

/* One host's series, as a caller keeps it. */
typedef struct host {
    tcpl_host_delta d[MAXD];
    size_t n;
} host;

static tcpl_host_clock clk;
static host hosts[2]; /* [C] the client's host, [S] the server's */
static int64_t t_first, t_last;
/* Handshakes Linux gives up unless the capture ends first: settled at the
 * end, when the end is known. */
typedef struct pending {
    int who;
    tcpl_state state;
    int64_t gone;
} pending;
static pending pend[256];
static size_t npend;
static bool settled;

static void reset(int64_t interval_ns)
{
    tcpl_host_clock_init(&clk, interval_ns, true, 0);
    memset(hosts, 0, sizeof hosts);
    t_first = INT64_MAX;
    t_last = INT64_MIN;
    npend = 0;
    settled = false;
}

static void put(int who, const tcpl_host_delta *d, size_t k)
{
    for (size_t i = 0; i < k && hosts[who].n < MAXD; i++)
        hosts[who].d[hosts[who].n++] = d[i];
}

/* One connection's walks: each transition of the latest step goes to its
 * endpoint's host. */
typedef struct conn {
    fx f;
    tcpl_host_walk w[2];
} conn;

static void conn_start(conn *k, int64_t at)
{
    fx_init(&k->f, 1000, 5000);
    k->f.t = at;
    tcpl_host_walk_init(&k->w[C]);
    tcpl_host_walk_init(&k->w[S]);
}

static void feed(conn *k)
{
    tcpl_host_delta d[2];
    for (int i = 0; i < k->f.r.ntransitions; i++) {
        const tcpl_transition *tr = &k->f.r.transitions[i];
        /* The engine dates a TIME_WAIT's expiry when its timer ran out. */
        int64_t at = tr->to == TCPL_CLOSED && tr->from == TCPL_TIME_WAIT
                         ? k->f.c.ep[tr->endpoint].since_ns
                         : k->f.t;
        put(tr->endpoint, d,
            tcpl_host_walk_step(&k->w[tr->endpoint], &clk, tr->to, at, d));
    }
    if (k->f.t < t_first)
        t_first = k->f.t;
    if (k->f.t > t_last)
        t_last = k->f.t;
}

static void step(conn *k, int from, uint16_t flags, int64_t after_ms)
{
    wait_ms(&k->f, after_ms);
    tx(&k->f, from, flags, 0);
    feed(k);
}

static void conn_end(conn *k, int64_t at)
{
    tcpl_host_delta d[2];
    k->f.t = at;
    fin(&k->f);
    feed(k);
    for (int e = 0; e < 2; e++) {
        int64_t gone;
        tcpl_state held = k->w[e].state;
        put(e, d, tcpl_host_walk_end(&k->w[e], &clk, k->f.c.last_ns, k->f.c.cfg.time_wait_ns, d, &gone));
        if (gone != INT64_MAX && npend < 256)
            pend[npend++] = (pending){e, held, gone};
    }
}

static void settle(void)
{
    if (settled)
        return;
    settled = true;
    for (size_t i = 0; i < npend; i++) {
        tcpl_host_delta d;
        if (tcpl_host_gone(&clk, pend[i].state, pend[i].gone, t_last, &d))
            put(pend[i].who, &d, 1);
    }
}

static void handshake(conn *k)
{
    step(k, C, SYN, 0);
    step(k, S, SYN | A, 1);
    step(k, C, A, 1);
}

/* The client closes first: client TIME_WAIT, server CLOSED. */
static void client_closes(conn *k)
{
    step(k, C, FIN | A, 5);
    step(k, S, A, 1);
    step(k, S, FIN | A, 1);
    step(k, C, A, 1);
}

/* The count of state s on host who at the sample of the bucket holding t. */
static int64_t count_at(int who, tcpl_state s, int64_t t)
{
    host *h = &hosts[who];
    settle();
    h->n = tcpl_host_compact(h->d, h->n);
    tcpl_host_cursor c;
    tcpl_host_cursor_init(&c, h->d, h->n, tcpl_host_bucket(&clk, t));
    return c.count[s];
}

static void judge(int who, const tcpl_host_limits *l, tcpl_host_verdict *v)
{
    host *h = &hosts[who];
    settle();
    h->n = tcpl_host_compact(h->d, h->n);
    tcpl_host_judge(l, &clk, h->d, h->n, tcpl_host_bucket(&clk, t_first),
                    tcpl_host_bucket(&clk, t_last), t_last, NULL, v);
}

static const int64_t T0 = INT64_C(1700000000) * SEC;

/* n client-closed connections, one every 100 ms, the capture ending 1 s
 * after the last. */
static void time_waits(int n)
{
    reset(SEC);
    conn k;
    for (int i = 0; i < n; i++) {
        conn_start(&k, T0 + i * 100 * MS);
        handshake(&k);
        client_closes(&k);
        conn_end(&k, T0 + n * 100 * MS + SEC);
    }
}

TEST(hosts_300_client_time_waits)
{
    time_waits(300);
    tcpl_host_limits l;
    tcpl_host_limits_init(&l);
    CHECK(l.time_wait == 283 && l.port_range == 28232);
    tcpl_host_verdict v;
    judge(C, &l, &v);
    CHECK(v.final[TCPL_TIME_WAIT] == 300);
    CHECK(v.peak[TCPL_TIME_WAIT] == 300);
    CHECK(v.final[TCPL_ESTABLISHED] == 0);
    CHECK(v.warnings == TCPL_BIT(TCPL_HW_TIME_WAIT_ACCUMULATION));
    /* ten a second: after 10 s the sample shows about 100 of them */
    int64_t at10 = count_at(C, TCPL_TIME_WAIT, T0 + 10 * SEC + 500 * MS);
    CHECK(at10 >= 100 && at10 <= 111);
    /* the server closed nothing it holds: its host shows no socket */
    tcpl_host_verdict sv;
    judge(S, &l, &sv);
    CHECK(sv.final[TCPL_TIME_WAIT] == 0 && sv.final[TCPL_CLOSED] == 0);
    CHECK(sv.warnings == 0);
    char text[512];
    tcpl_host_dest dest = {4, {10, 0, 0, 2}, 80, 300, T0 + 30 * SEC};
    tcpl_host_describe(TCPL_HW_TIME_WAIT_ACCUMULATION, "10.0.0.1", &v, &dest,
                       "10.0.0.2:80", &l, T0, text, sizeof text);
    CHECK(strstr(text, "10.0.0.1 held 300 sockets in TIME_WAIT") != NULL);
    CHECK(strstr(text, "toward 10.0.0.2:80 alone 300 of its 28232 ephemeral "
                       "ports (1.1%)") != NULL);
}

TEST(hosts_time_wait_below_threshold)
{
    time_waits(250);
    tcpl_host_limits l;
    tcpl_host_limits_init(&l);
    tcpl_host_verdict v;
    judge(C, &l, &v);
    CHECK(v.peak[TCPL_TIME_WAIT] == 250);
    CHECK(v.warnings == 0);
}

TEST(hosts_time_wait_expires_after_60s)
{
    reset(SEC);
    conn k;
    conn_start(&k, T0);
    handshake(&k);
    client_closes(&k);
    conn_end(&k, T0 + 120 * SEC);
    /* held 60 s, dated by the timer, not by the end of the capture */
    CHECK(count_at(C, TCPL_TIME_WAIT, T0 + 59 * SEC) == 1);
    CHECK(count_at(C, TCPL_TIME_WAIT, T0 + 61 * SEC) == 0);
    CHECK(count_at(C, TCPL_CLOSED, T0 + 61 * SEC) == 0);
}

TEST(hosts_syn_sent_pileup)
{
    tcpl_host_limits l;
    tcpl_host_limits_init(&l);
    for (int n = 63; n <= 64; n++) {
        reset(SEC);
        conn k;
        for (int i = 0; i < n; i++) { /* SYNs nobody answers */
            conn_start(&k, T0 + i * 10 * MS);
            step(&k, C, SYN, 0);
            conn_end(&k, T0 + 2 * SEC);
        }
        tcpl_host_verdict v;
        judge(C, &l, &v);
        CHECK(v.peak[TCPL_SYN_SENT] == n);
        CHECK(((v.warnings & TCPL_BIT(TCPL_HW_SYN_SENT_PILEUP)) != 0) == (n == 64));
        /* the unseen servers hold nothing */
        judge(S, &l, &v);
        CHECK(v.peak[TCPL_SYN_RECEIVED] == 0 && v.peak[TCPL_UNKNOWN] == 0);
    }
}

TEST(hosts_handshakes_given_up_as_linux_does)
{
    /* 70 SYNs at T0 that nobody answers, 10 SYN-ACKs never acknowledged,
     * and a capture that goes on 100 s: connect() gave up 64 s after the
     * last SYN (tcp_syn_retries 6), the listener 32 s after its SYN-ACK
     * (tcp_synack_retries 5), so the sockets leave their hosts then; the
     * pile-up was there all the same. */
    reset(SEC);
    conn k;
    for (int i = 0; i < 70; i++) {
        conn_start(&k, T0 + i * MS);
        step(&k, C, SYN, 0);
        conn_end(&k, T0 + 100 * SEC);
    }
    for (int i = 0; i < 10; i++) { /* the SYN-ACK resent at 1 and 3 s */
        conn_start(&k, T0 + 500 * MS);
        step(&k, C, SYN, 0);
        step(&k, S, SYN | A, 1);
        k.f.nxt[S]--;
        step(&k, S, SYN | A, 1000);
        k.f.nxt[S]--;
        step(&k, S, SYN | A, 2000);
        conn_end(&k, T0 + 100 * SEC);
    }
    t_last = T0 + 100 * SEC;
    /* the last SYN-ACK at 3.5 s: held until 35.5 s, its client's SYN
     * until 67.5 s; the lone SYNs until 64.07 s */
    CHECK(count_at(C, TCPL_SYN_SENT, T0 + 63 * SEC) == 80);
    CHECK(count_at(C, TCPL_SYN_SENT, T0 + 65 * SEC) == 10);
    CHECK(count_at(C, TCPL_SYN_SENT, T0 + 68 * SEC) == 0);
    CHECK(count_at(S, TCPL_SYN_RECEIVED, T0 + 34 * SEC) == 10);
    CHECK(count_at(S, TCPL_SYN_RECEIVED, T0 + 36 * SEC) == 0);
    tcpl_host_limits l;
    tcpl_host_limits_init(&l);
    tcpl_host_verdict v;
    judge(C, &l, &v);
    CHECK(v.peak[TCPL_SYN_SENT] == 80 && v.final[TCPL_SYN_SENT] == 0);
    CHECK(v.warnings == TCPL_BIT(TCPL_HW_SYN_SENT_PILEUP));
    /* a capture that ends before: still held at its end */
    reset(SEC);
    conn_start(&k, T0);
    step(&k, C, SYN, 0);
    conn_end(&k, T0 + 60 * SEC);
    t_last = T0 + 60 * SEC;
    judge(C, &l, &v);
    CHECK(v.final[TCPL_SYN_SENT] == 1);
    CHECK(tcpl_host_give_up_ns(TCPL_ESTABLISHED) == 0 &&
          tcpl_host_give_up_ns(TCPL_CLOSE_WAIT) == 0);
}

/* The one rule both adapters use for a socket no segment ends: TIME_WAIT
 * from its entry, a handshake from the last segment, the rest never. */
TEST(hosts_leaves_at)
{
    int64_t tw = 60 * SEC;
    CHECK(tcpl_host_leaves_at(TCPL_TIME_WAIT, T0, T0 + 5 * SEC, tw) == T0 + tw);
    CHECK(tcpl_host_leaves_at(TCPL_SYN_SENT, T0, T0 + 7 * SEC, tw) ==
          T0 + 71 * SEC);
    CHECK(tcpl_host_leaves_at(TCPL_SYN_RECEIVED, T0 + 2 * SEC, T0, tw) ==
          T0 + 34 * SEC);
    CHECK(tcpl_host_leaves_at(TCPL_ESTABLISHED, T0, T0, tw) == INT64_MAX);
    CHECK(tcpl_host_leaves_at(TCPL_CLOSE_WAIT, T0, T0, tw) == INT64_MAX);
}

/* A lifecycle written while its TIME_WAIT still ran (a short --linger)
 * leaves its host when the timer would have run; one whose timer ran has
 * ended in CLOSED, which no host lists, and leaves nothing pending. */
TEST(hosts_walk_end_time_wait)
{
    reset(SEC);
    tcpl_host_walk w;
    tcpl_host_delta d[2];
    int64_t gone;
    tcpl_host_walk_init(&w);
    put(C, d, tcpl_host_walk_step(&w, &clk, TCPL_ESTABLISHED, T0, d));
    put(C, d, tcpl_host_walk_step(&w, &clk, TCPL_TIME_WAIT, T0 + 2 * SEC, d));
    put(C, d, tcpl_host_walk_end(&w, &clk, T0 + 2 * SEC, 60 * SEC, d, &gone));
    CHECK(gone == T0 + 62 * SEC);
    tcpl_host_walk_init(&w);
    put(S, d, tcpl_host_walk_step(&w, &clk, TCPL_TIME_WAIT, T0, d));
    put(S, d, tcpl_host_walk_step(&w, &clk, TCPL_CLOSED, T0 + 60 * SEC, d));
    put(S, d, tcpl_host_walk_end(&w, &clk, T0 + 60 * SEC, 60 * SEC, d, &gone));
    CHECK(gone == INT64_MAX);
}

TEST(hosts_syn_received_pileup)
{
    tcpl_host_limits l;
    tcpl_host_limits_init(&l);
    reset(SEC);
    conn k;
    for (int i = 0; i < 80; i++) { /* SYN-ACKs whose ACK never comes */
        conn_start(&k, T0 + i * 10 * MS);
        step(&k, C, SYN, 0);
        step(&k, S, SYN | A, 1);
        conn_end(&k, T0 + 3 * SEC);
    }
    tcpl_host_verdict v;
    judge(S, &l, &v);
    CHECK(v.peak[TCPL_SYN_RECEIVED] == 80);
    CHECK(v.warnings == TCPL_BIT(TCPL_HW_SYN_RECEIVED_PILEUP));
}

/* n connections whose peer closes, one a second; the server's application
 * never closes them (CLOSE_WAIT).  close_last: near the end the first is
 * closed after all (the count falls). */
static void close_waits(int n, bool close_last)
{
    reset(SEC);
    static conn ks[16];
    for (int i = 0; i < n; i++) {
        conn_start(&ks[i], T0 + i * SEC + 200 * MS);
        handshake(&ks[i]);
        step(&ks[i], C, FIN | A, 5);
        step(&ks[i], S, A, 1);
    }
    int64_t end = T0 + (n + 1) * SEC + 500 * MS;
    if (close_last) {
        ks[0].f.t = end - 1200 * MS;
        step(&ks[0], S, FIN | A, 0);
        step(&ks[0], C, A, 1);
    }
    for (int i = 0; i < n; i++)
        conn_end(&ks[i], end);
}

TEST(hosts_close_wait_leak_grows)
{
    close_waits(6, false);
    tcpl_host_limits l;
    tcpl_host_limits_init(&l);
    tcpl_host_verdict v;
    judge(S, &l, &v);
    CHECK(v.final[TCPL_CLOSE_WAIT] == 6);
    CHECK(v.cw_rises == 6);
    CHECK(v.warnings == TCPL_BIT(TCPL_HW_CLOSE_WAIT_LEAK));
    /* the clients wait in FIN_WAIT_2 on their own host */
    judge(C, &l, &v);
    CHECK(v.final[TCPL_FIN_WAIT_2] == 6 && v.warnings == 0);
}

TEST(hosts_close_wait_falls_no_warning)
{
    close_waits(6, true);
    tcpl_host_limits l;
    tcpl_host_limits_init(&l);
    tcpl_host_verdict v;
    judge(S, &l, &v);
    CHECK(v.final[TCPL_CLOSE_WAIT] == 5);
    CHECK(v.final[TCPL_LAST_ACK] == 0 && v.final[TCPL_UNKNOWN] == 0);
    CHECK(v.peak[TCPL_CLOSE_WAIT] == 6);
    CHECK(v.warnings == 0);
}

TEST(hosts_close_wait_one_burst_is_no_leak)
{
    /* five peers close within the same second: grown once, not a leak */
    reset(SEC);
    conn k;
    for (int i = 0; i < 5; i++) {
        conn_start(&k, T0 + i * 10 * MS);
        handshake(&k);
        step(&k, C, FIN | A, 5);
        step(&k, S, A, 1);
        conn_end(&k, T0 + 5 * SEC);
    }
    tcpl_host_limits l;
    tcpl_host_limits_init(&l);
    tcpl_host_verdict v;
    judge(S, &l, &v);
    CHECK(v.final[TCPL_CLOSE_WAIT] == 5 && v.cw_rises == 1);
    CHECK(v.warnings == 0);
}

TEST(hosts_sample_at_interval_end)
{
    reset(SEC);
    tcpl_host_walk w;
    tcpl_host_delta d[2];
    tcpl_host_walk_init(&w);
    /* SYN_SENT for 300 ms inside one interval: no sample sees it */
    put(C, d, tcpl_host_walk_step(&w, &clk, TCPL_SYN_SENT, T0 + 100 * MS, d));
    put(C, d, tcpl_host_walk_step(&w, &clk, TCPL_ESTABLISHED, T0 + 400 * MS, d));
    /* entered exactly at a sample time: that sample shows it */
    put(C, d, tcpl_host_walk_step(&w, &clk, TCPL_CLOSE_WAIT, T0 + 2 * SEC, d));
    put(C, d, tcpl_host_walk_step(&w, &clk, TCPL_CLOSED, T0 + 3 * SEC + 1, d));
    int64_t gone;
    put(C, d, tcpl_host_walk_end(&w, &clk, T0 + 3 * SEC, 60 * SEC, d, &gone));
    CHECK(gone == INT64_MAX);
    CHECK(count_at(C, TCPL_SYN_SENT, T0) == 0);
    CHECK(count_at(C, TCPL_ESTABLISHED, T0) == 1);     /* sample at T0+1 s */
    CHECK(count_at(C, TCPL_ESTABLISHED, T0 + SEC) == 0); /* at T0+2 s */
    CHECK(count_at(C, TCPL_CLOSE_WAIT, T0 + SEC) == 1);
    CHECK(count_at(C, TCPL_CLOSE_WAIT, T0 + 2 * SEC) == 1); /* at T0+3 s */
    CHECK(count_at(C, TCPL_CLOSE_WAIT, T0 + 3 * SEC) == 0);
    CHECK(count_at(C, TCPL_CLOSED, T0 + 9 * SEC) == 0); /* never listed */
}

TEST(hosts_coarser_interval_same_samples)
{
    /* Changes made at 1 s and moved to 5 s equal those made at 5 s. */
    static const int64_t at[] = {100, 1300, 4999, 5000, 5001, 7200, 12000, 19999};
    tcpl_host_delta fine[32], coarse[32], d[2];
    size_t nf = 0, nc = 0;
    tcpl_host_clock c5;
    tcpl_host_clock_init(&clk, SEC, true, 0);
    tcpl_host_clock_init(&c5, 5 * SEC, true, 0);
    tcpl_host_walk a, b;
    tcpl_host_walk_init(&a);
    tcpl_host_walk_init(&b);
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        tcpl_state s = i % 2 ? TCPL_ESTABLISHED : TCPL_TIME_WAIT;
        size_t k = tcpl_host_walk_step(&a, &clk, s, T0 + at[i] * MS, d);
        memcpy(fine + nf, d, k * sizeof *d);
        nf += k;
        k = tcpl_host_walk_step(&b, &c5, s, T0 + at[i] * MS, d);
        memcpy(coarse + nc, d, k * sizeof *d);
        nc += k;
    }
    nf = tcpl_host_rebucket(fine, nf, 5);
    nc = tcpl_host_compact(coarse, nc);
    CHECK(nf == nc);
    for (size_t i = 0; i < nf && i < nc; i++)
        CHECK(fine[i].bucket == coarse[i].bucket && fine[i].delta == coarse[i].delta &&
              fine[i].state == coarse[i].state);
}

TEST(hosts_clock_coarsens_on_the_ladder)
{
    tcpl_host_clock c;
    tcpl_host_clock_init(&c, TCPL_HOST_INTERVAL_NS, false, 1000);
    CHECK(tcpl_host_clock_see(&c, T0) == 1);
    CHECK(tcpl_host_clock_see(&c, T0 + 999 * SEC) == 1 && c.interval_ns == SEC);
    CHECK(tcpl_host_clock_see(&c, T0 + 3600 * SEC) == 5 && c.interval_ns == 5 * SEC);
    CHECK(tcpl_host_clock_see(&c, T0 + 86400 * SEC) == 60 &&
          c.interval_ns == 300 * SEC);
    /* the same times in another order end at the same interval */
    tcpl_host_clock o;
    tcpl_host_clock_init(&o, TCPL_HOST_INTERVAL_NS, false, 1000);
    tcpl_host_clock_see(&o, T0 + 86400 * SEC);
    tcpl_host_clock_see(&o, T0);
    CHECK(o.interval_ns == c.interval_ns);
    /* a user's interval only doubles */
    tcpl_host_clock u;
    tcpl_host_clock_init(&u, 3 * SEC, true, 10);
    tcpl_host_clock_see(&u, T0);
    tcpl_host_clock_see(&u, T0 + 40 * SEC);
    CHECK(u.interval_ns == 6 * SEC);
}

TEST(hosts_warning_names)
{
    CHECK(strcmp(tcpl_host_warning_name(TCPL_HW_CLOSE_WAIT_LEAK), "close_wait_leak") == 0);
    CHECK(tcpl_host_warning_from_name("syn_sent_pileup", 15) == TCPL_HW_SYN_SENT_PILEUP);
    CHECK(tcpl_host_warning_from_name("nope", 4) == -1);
    CHECK(tcpl_host_warning_severity(TCPL_HW_TIME_WAIT_ACCUMULATION) == TCPL_SEV_WARN);
}
