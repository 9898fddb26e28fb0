/*
 * test_tracker.c - the tracker's own contract, independent of any input
 * format: every lifecycle is emitted exactly once with all its packets,
 * whatever the table growth, deletions and idle evictions in between;
 * successors are numbered per stream; evicted lifecycles end at their
 * last segment plus linger; what is left at the end comes out in creation
 * order; a cap on open lifecycles ends the least recently active one,
 * marked and counted; moving the clock without a packet ends idle ones
 * as a packet would; retiring a 4-tuple ends its lifecycle as the end of
 * the input would.  The engine is the real one: the tracker is only
 * routing.
 *
 * usage: test_tracker NAME   (one ctest test per NAME)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracker.h"

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,  \
                    #cond);                                                    \
            exit(1);                                                           \
        }                                                                      \
    } while (0)

/* What the emit callback saw. */
typedef struct seen {
    size_t n, cap;
    uint64_t *id;
    uint64_t *packets;
    int64_t *stream;
    uint32_t *successor;
    int64_t *end_ns;
    tcpl_lc_end *end;
} seen;

static void on_emit(void *user, const tcpl_lifecycle *lc)
{
    seen *s = user;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->id = realloc(s->id, s->cap * sizeof *s->id);
        s->packets = realloc(s->packets, s->cap * sizeof *s->packets);
        s->stream = realloc(s->stream, s->cap * sizeof *s->stream);
        s->successor = realloc(s->successor, s->cap * sizeof *s->successor);
        s->end_ns = realloc(s->end_ns, s->cap * sizeof *s->end_ns);
        s->end = realloc(s->end, s->cap * sizeof *s->end);
        CHECK(s->id && s->packets && s->stream && s->successor && s->end_ns && s->end);
    }
    s->id[s->n] = lc->id;
    s->packets[s->n] = lc->packets;
    s->stream[s->n] = lc->stream;
    s->successor[s->n] = lc->successor;
    s->end_ns[s->n] = lc->end_ns;
    s->end[s->n] = lc->end;
    s->n++;
}

static void seen_free(seen *s)
{
    free(s->id);
    free(s->packets);
    free(s->stream);
    free(s->successor);
    free(s->end_ns);
    free(s->end);
}

static tcpl_tracker *new_tracker(seen *s, int64_t linger_ns)
{
    tcpl_tracker_opts o;
    tcpl_tracker_opts_init(&o);
    o.linger_ns = linger_ns;
    o.emit = on_emit;
    o.user = s;
    tcpl_tracker *tr = tcpl_tracker_new(&o);
    CHECK(tr);
    return tr;
}

static tcpl_tuple tuple(uint32_t client, uint16_t cport, int reverse)
{
    tcpl_tuple t;
    memset(&t, 0, sizeof t);
    t.family = 4;
    uint8_t c[4] = {10, (uint8_t)(client >> 16), (uint8_t)(client >> 8), (uint8_t)client};
    uint8_t s[4] = {192, 0, 2, 1};
    memcpy(reverse ? t.dst : t.src, c, 4);
    memcpy(reverse ? t.src : t.dst, s, 4);
    t.sport = reverse ? 80 : cport;
    t.dport = reverse ? cport : 80;
    return t;
}

static int64_t now_ns;
static uint64_t frame;

/* Packet k (0..6) of a client-first close; 7 packets in all. */
static void packet(tcpl_tracker *tr, uint32_t client, uint16_t cport,
                   int64_t stream, uint32_t isn, int k)
{
    static const struct { int rev; uint16_t flags; uint32_t seq, ack; } p[7] = {
        {0, TCPL_SYN, 0, 0},
        {1, TCPL_SYN | TCPL_ACK, 5000, 1},
        {0, TCPL_ACK, 1, 5001},
        {0, TCPL_FIN | TCPL_ACK, 1, 5001},
        {1, TCPL_ACK, 5001, 2},
        {1, TCPL_FIN | TCPL_ACK, 5001, 2},
        {0, TCPL_ACK, 2, 5002},
    };
    tcpl_tuple t = tuple(client, cport, p[k].rev);
    tcpl_segment s;
    memset(&s, 0, sizeof s);
    now_ns += 1000;
    s.ts_ns = now_ns;
    s.flags = p[k].flags;
    /* Each side's numbers offset by the connection's own ISN. */
    s.seq = p[k].seq + (p[k].rev ? isn * 7 : isn);
    s.ack = p[k].ack ? p[k].ack + (p[k].rev ? isn : isn * 7) : 0;
    s.window = 1000;
    s.sport = t.sport;
    s.dport = t.dport;
    CHECK(tcpl_tracker_packet(tr, &t, &s, ++frame, stream, NULL) == 0);
}

/* Many interleaved connections through growth, deletions and evictions:
 * each emitted once, with its 7 packets. */
static void test_every_lifecycle_once(void)
{
    seen s = {0};
    /* Each connection sends every 300 us; closed ones linger 2 ms. */
    tcpl_tracker *tr = new_tracker(&s, 2000000);
    const uint32_t n = 20000, conc = 300;
    uint32_t next = 0, done = 0;
    int step[300];
    uint32_t who[300];
    for (uint32_t i = 0; i < conc; i++)
        step[i] = -1;
    while (done < n) {
        for (uint32_t i = 0; i < conc; i++) {
            if (step[i] < 0) {
                if (next == n)
                    continue;
                who[i] = next++;
                step[i] = 0;
            }
            packet(tr, who[i], (uint16_t)(1024 + who[i] % 50000), who[i], who[i] * 2654435761u, step[i]);
            if (++step[i] == 7) {
                step[i] = -1;
                done++;
            }
        }
    }
    tcpl_tracker_stats st;
    tcpl_tracker_get_stats(tr, &st);
    CHECK(tcpl_tracker_finish(tr) == 0);
    if (s.n != n)
        fprintf(stderr, "emitted %zu of %u; created %llu, evicted %llu\n", s.n, n,
                (unsigned long long)st.lifecycles, (unsigned long long)st.evicted);
    CHECK(s.n == n);
    char *hit = calloc(n, 1);
    CHECK(hit);
    for (size_t i = 0; i < s.n; i++) {
        CHECK(s.id[i] < n && !hit[s.id[i]]);
        hit[s.id[i]] = 1;
        CHECK(s.packets[i] == 7);
    }
    CHECK(st.lifecycles == n && st.packets == 7ull * n);
    CHECK(st.evicted > n / 2);        /* eviction really happened */
    CHECK(st.peak_open < 4 * conc);   /* and kept the table small */
    free(hit);
    tcpl_tracker_free(tr);
    seen_free(&s);
}

/* A SYN on a TIME_WAIT 4-tuple starts a successor: numbered on the same
 * stream, fresh on another; the predecessor is emitted at once. */
static void test_successor_numbering(void)
{
    seen s = {0};
    tcpl_tracker *tr = new_tracker(&s, 0);
    for (int k = 0; k < 7; k++)
        packet(tr, 1, 4000, 7, 100, k);
    for (int k = 0; k < 7; k++)
        packet(tr, 1, 4000, 7, 900000, k);
    CHECK(s.n == 1 && s.id[0] == 0 && s.end[0] == TCPL_LC_END_SUCCESSOR);
    for (int k = 0; k < 3; k++)
        packet(tr, 1, 4000, 9, 5000000, k);
    CHECK(s.n == 2 && s.stream[1] == 7 && s.successor[1] == 1);
    CHECK(tcpl_tracker_finish(tr) == 0);
    CHECK(s.n == 3 && s.stream[2] == 9 && s.successor[2] == 0);
    CHECK(s.stream[0] == 7 && s.successor[0] == 0);
    tcpl_tracker_free(tr);
    seen_free(&s);
}

/* Without a stream hint, lifecycles are numbered by creation. */
static void test_no_hint_numbering(void)
{
    seen s = {0};
    tcpl_tracker *tr = new_tracker(&s, 0);
    packet(tr, 1, 4000, -1, 1, 0);
    packet(tr, 2, 4000, -1, 2, 0);
    packet(tr, 3, 4000, -1, 3, 0);
    CHECK(tcpl_tracker_finish(tr) == 0);
    CHECK(s.n == 3);
    for (size_t i = 0; i < 3; i++)
        CHECK(s.id[i] == i && s.stream[i] == (int64_t)i);
    tcpl_tracker_free(tr);
    seen_free(&s);
}

/* An idle closed lifecycle ends at its last segment plus linger, not when
 * the next unrelated packet happened to come. */
static void test_idle_end_time(void)
{
    seen s = {0};
    tcpl_tracker *tr = new_tracker(&s, 1000000000);
    for (int k = 0; k < 7; k++)
        packet(tr, 1, 4000, 0, 100, k);
    int64_t last = now_ns;
    now_ns += 5000000000; /* 5 s later, another connection */
    packet(tr, 2, 4000, 1, 200, 0);
    CHECK(s.n == 1 && s.end[0] == TCPL_LC_END_IDLE);
    CHECK(s.end_ns[0] == last + 1000000000);
    CHECK(tcpl_tracker_finish(tr) == 0);
    CHECK(s.n == 2 && s.end[1] == TCPL_LC_END_INPUT);
    tcpl_tracker_free(tr);
    seen_free(&s);
}

/* What the last emit handed out, for comparing two trackers. */
static tcpl_conn kept_conn;
static tcpl_lc_end kept_end;
static int64_t kept_end_ns;
static int kept_n;

static void keep_conn(void *user, const tcpl_lifecycle *lc)
{
    (void)user;
    kept_conn = lc->conn;
    kept_end = lc->end;
    kept_end_ns = lc->end_ns;
    kept_n++;
}

/* Retiring a 4-tuple (annotate, once it knows no later frame has it) ends
 * its lifecycle as the end of the input would: the same engine verdicts,
 * including those that depend on the end's time (an unanswered SYN), and
 * only that lifecycle; the tuple's hash is the same both ways. */
static void test_retire_as_finish(void)
{
    tcpl_tracker_opts o;
    tcpl_tuple a = tuple(1, 4000, 0), a_rev = tuple(1, 4000, 1);

    CHECK(tcpl_tracker_tuple_hash(&a) == tcpl_tracker_tuple_hash(&a_rev));
    CHECK(tcpl_tracker_tuple_hash(&a) != tcpl_tracker_tuple_hash(&(tcpl_tuple){0}));
    tcpl_tracker_opts_init(&o);
    o.linger_ns = 0;
    o.emit = keep_conn;

    /* One tracker: A sends a SYN never answered, B opens; A retired. */
    now_ns = 0;
    frame = 0;
    tcpl_tracker *tr = tcpl_tracker_new(&o);
    CHECK(tr);
    packet(tr, 1, 4000, -1, 100, 0);
    for (int k = 0; k < 3; k++)
        packet(tr, 2, 4000, -1, 200, k);
    int64_t end = now_ns + 5000000000; /* past the 1 s SYN timeout */
    CHECK(tcpl_tracker_retire(tr, &a_rev, end) == 1);
    CHECK(kept_n == 1 && kept_end == TCPL_LC_END_INPUT && kept_end_ns == end);
    CHECK(kept_conn.anomalies & TCPL_BIT(TCPL_A_SYN_UNANSWERED));
    tcpl_conn retired = kept_conn;
    CHECK(tcpl_tracker_retire(tr, &a, end) == 0 && kept_n == 1);
    tcpl_tracker_stats st;
    tcpl_tracker_get_stats(tr, &st);
    CHECK(st.open == 1); /* B is still there */
    tcpl_tracker_free(tr);

    /* The other: the same packets of A, ended by the input's end. */
    now_ns = 0;
    frame = 0;
    kept_n = 0;
    tr = tcpl_tracker_new(&o);
    CHECK(tr);
    packet(tr, 1, 4000, -1, 100, 0);
    CHECK(tcpl_tracker_finish_at(tr, end) == 0 && kept_n == 1);
    CHECK(memcmp(&retired, &kept_conn, sizeof retired) == 0);
    tcpl_tracker_free(tr);
}

/* Open connections are never evicted, however long they are silent. */
static void test_open_not_evicted(void)
{
    seen s = {0};
    tcpl_tracker *tr = new_tracker(&s, 1000000);
    for (int k = 0; k < 3; k++)
        packet(tr, 1, 4000, 0, 100, k); /* ESTABLISHED */
    now_ns += 3600000000000; /* an hour */
    packet(tr, 2, 4000, 1, 200, 0);
    CHECK(s.n == 0);
    CHECK(tcpl_tracker_finish(tr) == 0);
    CHECK(s.n == 2 && s.id[0] == 0 && s.id[1] == 1); /* creation order */
    tcpl_tracker_free(tr);
    seen_free(&s);
}

/* max_open: a new connection past the cap ends the least recently active
 * one (not the oldest created), at its last segment, marked and counted;
 * every lifecycle is still emitted once, and the table never holds more. */
static void test_cap_evicts_least_recent(void)
{
    seen s = {0};
    tcpl_tracker_opts o;
    tcpl_tracker_opts_init(&o);
    o.linger_ns = 0;
    o.max_open = 3;
    o.emit = on_emit;
    o.user = &s;
    tcpl_tracker *tr = tcpl_tracker_new(&o);
    CHECK(tr);
    for (uint32_t c = 1; c <= 3; c++)
        for (int k = 0; k < 3; k++)
            packet(tr, c, 4000, c, 100 * c, k); /* three ESTABLISHED */
    packet(tr, 1, 4000, 1, 100, 3); /* client 1 active again: 2 is the idlest */
    int64_t last2 = 0;
    CHECK(s.n == 0);
    last2 = now_ns - 1000 * 4; /* its ACK was 4 packets ago */
    packet(tr, 4, 4000, 4, 400, 0);
    CHECK(s.n == 1 && s.id[0] == 1 && s.end[0] == TCPL_LC_END_EVICTED);
    CHECK(s.end_ns[0] == last2);
    packet(tr, 5, 4000, 5, 500, 0); /* next idlest: client 3 */
    CHECK(s.n == 2 && s.id[1] == 2 && s.end[1] == TCPL_LC_END_EVICTED);
    /* A later packet of an evicted connection starts a new lifecycle. */
    packet(tr, 2, 4000, 2, 200, 3);
    CHECK(s.n == 3 && s.id[2] == 0); /* client 1 was the idlest then */
    tcpl_tracker_stats st;
    tcpl_tracker_get_stats(tr, &st);
    CHECK(st.capped == 3 && st.peak_open == 3 && st.open == 3);
    CHECK(st.lifecycles == 6);
    CHECK(tcpl_tracker_finish(tr) == 0);
    CHECK(s.n == 6);
    for (size_t i = 3; i < 6; i++)
        CHECK(s.end[i] == TCPL_LC_END_INPUT);
    tcpl_tracker_free(tr);
    seen_free(&s);
}

/* tcpl_tracker_advance(): with no packet, an idle closed lifecycle leaves
 * once the clock passes its linger, dated as a packet would have; an open
 * one stays; the clock never goes back. */
static void test_advance_evicts_idle(void)
{
    seen s = {0};
    tcpl_tracker *tr = new_tracker(&s, 1000000000);
    for (int k = 0; k < 7; k++)
        packet(tr, 1, 4000, 0, 100, k); /* closed */
    int64_t last = now_ns;
    for (int k = 0; k < 3; k++)
        packet(tr, 2, 4000, 1, 200, k); /* open */
    tcpl_tracker_advance(tr, last + 500000000);
    CHECK(s.n == 0);
    tcpl_tracker_advance(tr, last + 3000000000);
    CHECK(s.n == 1 && s.id[0] == 0 && s.end[0] == TCPL_LC_END_IDLE);
    CHECK(s.end_ns[0] == last + 1000000000);
    tcpl_tracker_advance(tr, 0); /* backwards: nothing happens */
    CHECK(s.n == 1);
    CHECK(tcpl_tracker_finish(tr) == 0);
    CHECK(s.n == 2 && s.id[1] == 1);
    tcpl_tracker_free(tr);
    seen_free(&s);
}

/* What on_event saw: anomalies in the order they were raised. */
typedef struct events_seen {
    size_t n;
    tcpl_anomaly a[16];
    uint64_t frame[16];
    uint64_t id[16];
} events_seen;

typedef struct both_seen {
    seen *s;
    events_seen *e;
} both_seen;

static void on_event(void *user, const tcpl_lifecycle *lc, const tcpl_tl_event *ev)
{
    events_seen *e = ((both_seen *)user)->e;
    CHECK(e->n < 16);
    e->a[e->n] = ev->ev.anomaly;
    e->frame[e->n] = ev->frame;
    e->id[e->n] = lc->id;
    e->n++;
}

static void on_emit_pair(void *user, const tcpl_lifecycle *lc)
{
    seen *s = ((both_seen *)user)->s;
    events_seen *e = ((both_seen *)user)->e;
    /* Every anomaly of a lifecycle was announced before it is emitted. */
    size_t announced = 0;
    for (size_t i = 0; i < e->n; i++)
        announced += e->id[i] == lc->id;
    CHECK(announced == lc->nevents);
    on_emit(s, lc);
}

/* on_event: each anomaly as it is raised, with its frame, before the
 * lifecycle that holds it is emitted. */
static void test_events_as_raised(void)
{
    seen s = {0};
    events_seen e = {0};
    both_seen both = {&s, &e};
    tcpl_tracker_opts o;
    tcpl_tracker_opts_init(&o);
    o.emit = on_emit_pair;
    o.on_event = on_event;
    o.user = &both;
    tcpl_tracker *tr = tcpl_tracker_new(&o);
    CHECK(tr);
    /* A SYN answered by a RST: refused, on the RST's frame. */
    tcpl_tuple t = tuple(1, 4000, 0);
    tcpl_segment sg;
    memset(&sg, 0, sizeof sg);
    sg.ts_ns = now_ns += 1000;
    sg.flags = TCPL_SYN;
    sg.seq = 10;
    sg.window = 1000;
    sg.sport = t.sport;
    sg.dport = t.dport;
    CHECK(tcpl_tracker_packet(tr, &t, &sg, ++frame, -1, NULL) == 0);
    CHECK(e.n == 0);
    t = tuple(1, 4000, 1);
    sg.ts_ns = now_ns += 1000;
    sg.flags = TCPL_RST | TCPL_ACK;
    sg.seq = 0;
    sg.ack = 11;
    sg.window = 0;
    sg.sport = t.sport;
    sg.dport = t.dport;
    CHECK(tcpl_tracker_packet(tr, &t, &sg, ++frame, -1, NULL) == 0);
    CHECK(e.n >= 1 && e.frame[0] == frame);
    bool refused = false;
    for (size_t i = 0; i < e.n; i++)
        refused |= e.a[i] == TCPL_A_REFUSED;
    CHECK(refused);
    CHECK(s.n == 0);
    CHECK(tcpl_tracker_finish(tr) == 0);
    CHECK(s.n == 1);
    tcpl_tracker_free(tr);
    seen_free(&s);
}

static const struct {
    const char *name;
    void (*fn)(void);
} tests[] = {
    {"cap_evicts_least_recent", test_cap_evicts_least_recent},
    {"advance_evicts_idle", test_advance_evicts_idle},
    {"events_as_raised", test_events_as_raised},
    {"retire_as_finish", test_retire_as_finish},
    {"every_lifecycle_once", test_every_lifecycle_once},
    {"successor_numbering", test_successor_numbering},
    {"no_hint_numbering", test_no_hint_numbering},
    {"idle_end_time", test_idle_end_time},
    {"open_not_evicted", test_open_not_evicted},
};

int main(int argc, char **argv)
{
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (argc < 2 || strcmp(argv[1], tests[i].name) == 0) {
            tests[i].fn();
            if (argc >= 2)
                return 0;
        }
    }
    if (argc >= 2) {
        fprintf(stderr, "no test %s\n", argv[1]);
        return 1;
    }
    return 0;
}
