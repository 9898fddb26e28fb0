/*
 * gencap.c - a large synthetic capture, the same bytes for the same
 * arguments: many TCP connections interleaved, for the scaling benchmarks
 * (bench/jobs.sh, bench/bigcap.sh) and the --jobs tests.
 *
 * The real-kernel benchmark capture (bench/make-capture.sh) has the
 * behaviours; this has the size: millions of connections at a fixed
 * concurrency, so memory can be watched as a capture grows.  Connections
 * are made one script at a time (handshake, request/response rounds, a
 * close) and CONC of them are open at once; each packet is taken from a
 * connection chosen by a seeded PRNG (splitmix64), so packets of different
 * connections interleave.  The mix, per thousand: client closes first
 * (500), server closes first (200), refused (100), reset after data (80),
 * a SYN never answered (40), a port-reuse SYN on the 4-tuple of a
 * connection that just ended (70: the tracker's successor path), and a
 * connection left open at the end (10).  10% are IPv6.  Clocks step back
 * by a microsecond now and then, as captures from several queues do.
 * Frames carry the headers only (caplen 54/74, length with the payload),
 * like a capture with a small snaplen.
 *
 * usage: gencap [-c CONNECTIONS] [-k CONC] [-r ROUNDS] [-g GAP_US] [-s SEED] OUT.pcap|-
 *   CONNECTIONS (default 1000): connections made
 *   CONC (64): open at once;  ROUNDS (2): mean request/response rounds
 *   GAP_US (20): mean time between packets, microseconds
 * It prints packets and connections written on standard error.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng;

static uint64_t next(void)
{
    uint64_t z = (rng += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
    return n ? next() % n : 0;
}

enum { FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16 };
enum { K_CLIENT, K_SERVER, K_REFUSED, K_RESET, K_NOANSWER, K_OPEN };

typedef struct step {
    uint8_t from_server;
    uint8_t flags;
    uint16_t len;
} step;

#define MAX_STEPS 64

typedef struct conn {
    int v6;
    uint32_t client, server; /* address index */
    uint16_t cport, sport;
    uint32_t cseq, sseq;     /* next sequence number of each side */
    int nsteps, at;
    step steps[MAX_STEPS];
} conn;

static FILE *out;
static uint64_t packets;
static int64_t now_ns = INT64_C(1700000000000000000);
static int64_t gap_ns = 20000;

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

static void addr(uint8_t *a, int v6, int server, uint32_t i)
{
    if (v6) {
        static const uint8_t pre[8] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0};
        memset(a, 0, 16);
        memcpy(a, pre, 8);
        a[7] = server ? 2 : 1;
        put32(a + 12, i);
    } else {
        a[0] = 10;
        a[1] = server ? 200 : (uint8_t)(i >> 16);
        a[2] = (uint8_t)(i >> 8);
        a[3] = (uint8_t)(i ? i : 1);
    }
}

static void emit(conn *c, const step *s)
{
    uint8_t f[14 + 40 + 20];
    uint8_t src[16], dst[16];
    int srv = s->from_server;
    size_t ip = c->v6 ? 40 : 20, cap = 14 + ip + 20;
    uint32_t *seq = srv ? &c->sseq : &c->cseq, ack = srv ? c->cseq : c->sseq;

    memset(f, 0, sizeof f);
    f[5] = srv ? 2 : 1;
    f[11] = srv ? 1 : 2;
    put16(f + 12, c->v6 ? 0x86dd : 0x0800);
    addr(src, c->v6, srv, srv ? c->server : c->client);
    addr(dst, c->v6, !srv, srv ? c->client : c->server);
    uint8_t *h = f + 14;
    if (c->v6) {
        h[0] = 0x60;
        put16(h + 4, (uint16_t)(20 + s->len));
        h[6] = 6;
        h[7] = 64;
        memcpy(h + 8, src, 16);
        memcpy(h + 24, dst, 16);
    } else {
        h[0] = 0x45;
        put16(h + 2, (uint16_t)(20 + 20 + s->len));
        h[8] = 64;
        h[9] = 6;
        memcpy(h + 12, src, 4);
        memcpy(h + 16, dst, 4);
        uint32_t sum = 0;
        for (int i = 0; i < 20; i += 2)
            sum += (uint32_t)(h[i] << 8 | h[i + 1]);
        while (sum >> 16)
            sum = (sum & 0xffff) + (sum >> 16);
        put16(h + 10, (uint16_t)~sum);
    }
    uint8_t *t = h + ip;
    put16(t, srv ? c->sport : c->cport);
    put16(t + 2, srv ? c->cport : c->sport);
    put32(t + 4, *seq);
    put32(t + 8, (s->flags & ACK) ? ack : 0);
    t[12] = 5 << 4;
    t[13] = s->flags;
    put16(t + 14, 65535);
    *seq += s->len + ((s->flags & (SYN | FIN)) ? 1 : 0);

    /* Mean gap, and now and then a step back of 1 us. */
    int64_t gap = (int64_t)below(2 * (uint64_t)gap_ns + 1);
    if (below(500) == 0)
        gap = -1000;
    now_ns += gap;
    uint8_t rec[16];
    uint32_t sec = (uint32_t)(now_ns / 1000000000), nsec = (uint32_t)(now_ns % 1000000000);
    uint32_t len = (uint32_t)(cap + s->len);
    memcpy(rec, &sec, 4);
    memcpy(rec + 4, &nsec, 4);
    uint32_t capl = (uint32_t)cap;
    memcpy(rec + 8, &capl, 4);
    memcpy(rec + 12, &len, 4);
    fwrite(rec, 1, 16, out);
    fwrite(f, 1, cap, out);
    packets++;
}

static void add(conn *c, int srv, int flags, unsigned len)
{
    if (c->nsteps < MAX_STEPS)
        c->steps[c->nsteps++] = (step){(uint8_t)srv, (uint8_t)flags, (uint16_t)len};
}

static int script(conn *c, int kind, uint64_t rounds)
{
    c->nsteps = c->at = 0;
    add(c, 0, SYN, 0);
    if (kind == K_REFUSED) {
        add(c, 1, RST | ACK, 0);
        return kind;
    }
    if (kind == K_NOANSWER)
        return kind;
    add(c, 1, SYN | ACK, 0);
    add(c, 0, ACK, 0);
    for (uint64_t r = 0; r < rounds && r < 28; r++) {
        add(c, 0, PSH | ACK, 100 + (unsigned)below(400));
        add(c, 1, PSH | ACK, 200 + (unsigned)below(1200));
    }
    switch (kind) {
    case K_CLIENT:
        add(c, 0, FIN | ACK, 0);
        add(c, 1, ACK, 0);
        add(c, 1, FIN | ACK, 0);
        add(c, 0, ACK, 0);
        break;
    case K_SERVER:
        add(c, 1, FIN | ACK, 0);
        add(c, 0, ACK, 0);
        add(c, 0, FIN | ACK, 0);
        add(c, 1, ACK, 0);
        break;
    case K_RESET:
        add(c, 0, RST | ACK, 0);
        break;
    default: /* K_OPEN: stays open */
        break;
    }
    return kind;
}

static int usage(void)
{
    fprintf(stderr, "usage: gencap [-c CONNECTIONS] [-k CONC] [-r ROUNDS] "
                    "[-g GAP_US] [-s SEED] OUT.pcap|-\n");
    return 2;
}

int main(int argc, char **argv)
{
    uint64_t nconn = 1000, conc = 64, rounds = 2, seed = 1;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        char *end;
        if (argv[i][0] == '-' && argv[i][1] && !argv[i][2] && i + 1 < argc &&
            strchr("ckrgs", argv[i][1])) {
            uint64_t v = strtoull(argv[i + 1], &end, 10);
            if (*end || end == argv[i + 1])
                return usage();
            switch (argv[i][1]) {
            case 'c': nconn = v; break;
            case 'k': conc = v ? v : 1; break;
            case 'r': rounds = v; break;
            case 'g': gap_ns = (int64_t)v * 1000; break;
            default: seed = v; break;
            }
            i++;
        } else if (!path) {
            path = argv[i];
        } else {
            return usage();
        }
    }
    if (!path)
        return usage();
    rng = seed;
    out = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
    if (!out) {
        perror(path);
        return 1;
    }
    uint32_t gh[6] = {0xa1b23c4d, 0x00040002, 0, 0, 262144, 1};
    fwrite(gh, 1, sizeof gh, out);

    conn *act = calloc(conc, sizeof *act), last;
    int *kinds = calloc(conc, sizeof *kinds);
    int have_last = 0;
    uint64_t made = 0, nact = 0;
    if (!act || !kinds) {
        fprintf(stderr, "gencap: out of memory\n");
        return 1;
    }
    memset(&last, 0, sizeof last);
    for (;;) {
        /* Fill free slots with new connections. */
        while (nact < conc && made < nconn) {
            conn *c = &act[nact];
            uint64_t pick = below(1000);
            if (have_last && pick < 70) {
                *c = last; /* same 4-tuple, a later ISN */
                c->cseq += 1000000;
                c->sseq = (uint32_t)next();
                kinds[nact] = script(c, below(2) ? K_CLIENT : K_SERVER, below(2 * rounds + 1));
                have_last = 0;
            } else {
                memset(c, 0, sizeof *c);
                c->v6 = below(10) == 0;
                c->client = (uint32_t)(1 + made / 40000);
                c->cport = (uint16_t)(20000 + made % 40000);
                c->server = (uint32_t)(1 + below(16));
                c->sport = below(2) ? 80 : 443;
                c->cseq = (uint32_t)next();
                c->sseq = (uint32_t)next();
                int kind = pick < 570 ? K_CLIENT : pick < 770 ? K_SERVER
                         : pick < 870 ? K_REFUSED : pick < 950 ? K_RESET
                         : pick < 990 ? K_NOANSWER : K_OPEN;
                kinds[nact] = script(c, kind, below(2 * rounds + 1));
            }
            made++;
            nact++;
        }
        if (!nact)
            break;
        uint64_t i = below(nact);
        conn *c = &act[i];
        emit(c, &c->steps[c->at++]);
        if (c->at == c->nsteps) {
            if (kinds[i] == K_CLIENT) {
                last = *c;
                have_last = 1;
            }
            act[i] = act[nact - 1];
            kinds[i] = kinds[nact - 1];
            nact--;
        }
    }
    free(act);
    free(kinds);
    if (fflush(out) != 0 || ferror(out) || (out != stdout && fclose(out) != 0)) {
        perror(path);
        return 1;
    }
    fprintf(stderr, "gencap: %" PRIu64 " packets, %" PRIu64 " connections\n",
            packets, made);
    return 0;
}
