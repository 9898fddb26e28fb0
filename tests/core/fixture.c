/*
 * fixture.c - the engine tests' fixture and runner (see fixture.h).
 *
 * Run with no argument for all tests, or with a test name; ctest runs one
 * process per test (the names are read from the test files by CMake).
 */
#include "fixture.h"

int failed;

/* ------------------------------------------------------------ fixture */


void fx_init(fx *f, uint32_t cisn, uint32_t sisn)
{
    memset(f, 0, sizeof *f);
    tcpl_conn_init(&f->c, NULL);
    f->t = INT64_C(1700000000) * 1000 * MS;
    f->nxt[C] = cisn;
    f->nxt[S] = sisn;
    f->win[C] = f->win[S] = 65535;
}

void wait_ms(fx *f, int64_t ms) { f->t += ms * MS; }

/* Step one segment with every field spelled out. */
int raw(fx *f, int from, uint16_t flags, uint32_t seq, uint32_t ack,
               uint32_t len, uint32_t win)
{
    tcpl_segment s = {0};
    f->t += 10 * MS;
    s.ts_ns = f->t;
    s.from = (uint8_t)from;
    s.flags = flags;
    s.seq = seq;
    s.ack = ack;
    s.len = len;
    s.window = win;
    s.sport = from == C ? 40000 : 80;
    s.dport = from == C ? 80 : 40000;
    s.ttl = f->ttl[from];
    f->rc = tcpl_step(&f->c, &s, &f->r);
    f->all |= f->r.anomalies;
    return f->rc;
}

/* Step a segment as a loss-free network carries it: the sender's next
 * sequence number, and an ACK covering all the peer has sent. */
int tx(fx *f, int from, uint16_t flags, uint32_t len)
{
    uint32_t seq = f->nxt[from];
    f->nxt[from] += len + ((flags & TCPL_SYN) ? 1 : 0) + ((flags & TCPL_FIN) ? 1 : 0);
    return raw(f, from, flags, seq, (flags & TCPL_ACK) ? f->nxt[!from] : 0,
               len, f->win[from]);
}

/* Like tx() but with a chosen ACK (the peer's data not yet received). */
int tx_ack(fx *f, int from, uint16_t flags, uint32_t len, uint32_t ack)
{
    uint32_t seq = f->nxt[from];
    f->nxt[from] += len + ((flags & TCPL_SYN) ? 1 : 0) + ((flags & TCPL_FIN) ? 1 : 0);
    return raw(f, from, flags, seq, ack, len, f->win[from]);
}

int icmp_err(fx *f, int about, uint8_t family, uint8_t type, uint8_t code,
             uint32_t seq, uint16_t flags, int from_peer)
{
    tcpl_segment s = {0};
    f->t += 10 * MS;
    s.ts_ns = f->t;
    s.from = (uint8_t)about;
    s.flags = flags;
    s.seq = seq;
    s.sport = about == C ? 40000 : 80;
    s.dport = about == C ? 80 : 40000;
    s.ttl = 64;
    s.icmp = family;
    s.icmp_type = type;
    s.icmp_code = code;
    s.icmp_from_peer = (uint8_t)from_peer;
    s.icmp_mtu = family == 6 && type == 2 ? 1280 : 0;
    f->rc = tcpl_step(&f->c, &s, &f->r);
    f->all |= f->r.anomalies;
    return f->rc;
}

void fin(fx *f) { tcpl_finish(&f->c, f->t, &f->r); f->all |= f->r.anomalies; }

/* A segment the network delivered and the capture missed: the sender's
 * sequence numbers move on, nothing is stepped. */
void miss(fx *f, int from, uint16_t flags, uint32_t len)
{
    f->nxt[from] += len + ((flags & TCPL_SYN) ? 1 : 0) + ((flags & TCPL_FIN) ? 1 : 0);
}

/* The latest step moved endpoint `who` to `to`, marked inferred or not. */
int moved(const fx *f, int who, tcpl_state to, int inferred)
{
    for (int i = 0; i < f->r.ntransitions; i++) {
        const tcpl_transition *t = &f->r.transitions[i];
        if (t->endpoint == who && t->to == to)
            return t->inferred == inferred;
    }
    return 0;
}


/* Fixtures: each leaves the connection in the named state pair. */
void fx_syn_sent(fx *f) { fx_init(f, 1000, 5000); tx(f, C, SYN, 0); }
void fx_syn_received(fx *f) { fx_syn_sent(f); tx(f, S, SYN | A, 0); }
void fx_established(fx *f)
{
    fx_syn_received(f);
    tx(f, C, A, 0);
    tx(f, C, A | PSH, 100);
    tx(f, S, A | PSH, 200);
    tx(f, C, A, 0);
}
/* client FIN_WAIT_1, server ESTABLISHED (the FIN not yet acked) */
void fx_fin_wait_1(fx *f) { fx_established(f); tx(f, C, FIN | A, 0); }
/* client FIN_WAIT_2, server CLOSE_WAIT */
void fx_fin_wait_2(fx *f) { fx_fin_wait_1(f); tx(f, S, A, 0); }
/* server LAST_ACK, client FIN_WAIT_2 (the server's FIN not yet acked) */
void fx_last_ack(fx *f) { fx_fin_wait_2(f); tx(f, S, FIN | A, 0); }
/* client TIME_WAIT, server CLOSED */
void fx_time_wait(fx *f) { fx_last_ack(f); tx(f, C, A, 0); }
/* client CLOSING, server FIN_WAIT_2: FINs crossed, the client acked first */
void fx_closing(fx *f)
{
    fx_established(f);
    uint32_t cfin = f->nxt[C];
    tx(f, C, FIN | A, 0);
    tx_ack(f, S, FIN | A, 0, cfin); /* crossed: does not cover the client's FIN */
    tx_ack(f, C, A, 0, f->nxt[S]);  /* the client acks the server's FIN first */
}

/* One-way captures, established: only the server's segments (its SYN-ACK
 * proves the SYN, its data's ACK the client's request), or only the
 * client's (its ACKs prove the SYN-ACK and the server's answer). */
void fx_server_only(fx *f)
{
    fx_init(f, 1000, 5000);
    miss(f, C, SYN, 0);
    tx(f, S, SYN | A, 0);
    miss(f, C, A | PSH, 100);
    tx(f, S, A | PSH, 200);
}
void fx_client_only(fx *f)
{
    fx_syn_sent(f);
    miss(f, S, SYN | A, 0);
    tx(f, C, A, 0);
    tx(f, C, A | PSH, 100);
    miss(f, S, A | PSH, 300);
    tx(f, C, A, 0);
}

/* ------------------------------------------------------------- registry */

static struct { const char *label; test_fn fn; } tests[256];
static int ntests;

void test_register(const char *label, test_fn fn)
{
    if (ntests == (int)(sizeof tests / sizeof tests[0])) {
        fprintf(stderr, "too many tests\n");
        exit(2);
    }
    tests[ntests].label = label;
    tests[ntests++].fn = fn;
}

int main(int argc, char **argv)
{
    int run = 0, bad = 0;
    for (int i = 0; i < ntests; i++) {
        if (argc > 1 && strcmp(argv[1], tests[i].label) != 0)
            continue;
        failed = 0;
        tests[i].fn();
        run++;
        if (failed) {
            bad++;
            fprintf(stderr, "FAIL %s\n", tests[i].label);
        }
    }
    if (run == 0) {
        fprintf(stderr, "no test named %s\n", argc > 1 ? argv[1] : "");
        return 2;
    }
    printf("%d passed, %d failed\n", run - bad, bad);
    return bad ? 1 : 0;
}
