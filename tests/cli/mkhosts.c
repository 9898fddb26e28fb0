/*
 * mkhosts.c - a synthetic capture for the per-host netstat (report --hosts,
 * the plugin's host branch): many short connections whose pile-ups each
 * host warning is about, the same bytes every time.
 *
 * The kernel captures in captures/ have a handful of connections each;
 * these stories need hundreds.  Over 20 s of capture (Ethernet, IPv4,
 * correct checksums, headers only):
 *   10.0.0.1 -> 10.0.0.2:80   300 connections, one every 50 ms, each
 *                             closed first by the client: 300 client
 *                             TIME_WAITs (time_wait_accumulation);
 *   10.0.0.3 -> 10.0.3.x:22   70 SYNs to hosts that never answer, within
 *                             0.7 s (syn_sent_pileup);
 *   10.0.5.x -> 10.0.0.5:443  80 SYNs, each answered by a SYN-ACK whose
 *                             ACK never comes, resent as Linux does after
 *                             1, 3, 7 and 15 s (syn_received_pileup);
 *   10.0.4.x -> 10.0.0.4:8080 one connection every 2 s whose client
 *                             closes and whose server never does: a
 *                             CLOSE_WAIT count that only grows
 *                             (close_wait_leak);
 *   10.0.0.6 <-> 10.0.0.7:25  a connection whose server closes late: its
 *                             CLOSE_WAIT falls, no warning.
 *
 * With -l the capture goes on to 120 s (one more ACK of a leaking
 * connection): by then Linux has let go of the TIME_WAITs (60 s) and of the
 * handshakes (64 s after the last SYN, 32 s after the last SYN-ACK), so the
 * hosts hold only the leak at the end, the warnings staying as the peaks
 * were.
 *
 * usage: mkhosts [-l] OUT.pcap
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYN 0x02
#define FIN 0x01
#define ACK 0x10
#define PSH 0x08

typedef struct pkt {
    int64_t t_us;
    uint32_t seq_no; /* order of creation: ties keep it */
    uint8_t src[4], dst[4];
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t len;
} pkt;

static pkt *pkts;
static size_t npkts, cap;
static const int64_t T0 = INT64_C(1795000000) * 1000000; /* 2026-11-18 */

static void add(int64_t t_us, const uint8_t *src, uint16_t sport,
                const uint8_t *dst, uint16_t dport, uint32_t seq, uint32_t ack,
                uint8_t flags, uint16_t len)
{
    if (npkts == cap) {
        cap = cap ? cap * 2 : 1024;
        pkts = realloc(pkts, cap * sizeof *pkts);
        if (!pkts) {
            perror("mkhosts");
            exit(1);
        }
    }
    pkt *p = &pkts[npkts];
    p->t_us = T0 + t_us;
    p->seq_no = (uint32_t)npkts++;
    memcpy(p->src, src, 4);
    memcpy(p->dst, dst, 4);
    p->sport = sport;
    p->dport = dport;
    p->seq = seq;
    p->ack = ack;
    p->flags = flags;
    p->len = len;
}

/* One connection between c:cp and s:sp from time t (us), step us apart. */
typedef struct conn {
    const uint8_t *c, *s;
    uint16_t cp, sp;
    uint32_t cs, ss; /* next sequence numbers */
} conn;

static void c2s(conn *k, int64_t t, uint8_t flags, uint16_t len)
{
    add(t, k->c, k->cp, k->s, k->sp, k->cs, (flags & ACK) ? k->ss : 0, flags, len);
    k->cs += len + ((flags & (SYN | FIN)) ? 1 : 0);
}

static void s2c(conn *k, int64_t t, uint8_t flags, uint16_t len)
{
    add(t, k->s, k->sp, k->c, k->cp, k->ss, (flags & ACK) ? k->cs : 0, flags, len);
    k->ss += len + ((flags & (SYN | FIN)) ? 1 : 0);
}

static void open3(conn *k, int64_t t)
{
    c2s(k, t, SYN, 0);
    s2c(k, t + 200, SYN | ACK, 0);
    c2s(k, t + 400, ACK, 0);
    c2s(k, t + 600, PSH | ACK, 100);
    s2c(k, t + 900, PSH | ACK, 300);
    c2s(k, t + 1000, ACK, 0);
}

static int cmp(const void *a, const void *b)
{
    const pkt *x = a, *y = b;
    if (x->t_us != y->t_us)
        return x->t_us < y->t_us ? -1 : 1;
    return x->seq_no < y->seq_no ? -1 : 1;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    return s;
}

static uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)), put16(p + 2, (uint16_t)v); }

static void le32(FILE *f, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    fwrite(b, 1, 4, f);
}

static void write_pcap(FILE *f)
{
    le32(f, 0xa1b2c3d4);
    uint8_t ver[4] = {2, 0, 4, 0};
    fwrite(ver, 1, 4, f);
    le32(f, 0);
    le32(f, 0);
    le32(f, 65535);
    le32(f, 1); /* Ethernet */
    for (size_t i = 0; i < npkts; i++) {
        const pkt *p = &pkts[i];
        uint8_t fr[14 + 20 + 20 + 1500] = {0};
        size_t n = 14 + 20 + 20 + p->len;
        memcpy(fr, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00", 14);
        uint8_t *ip = fr + 14, *tcp = ip + 20;
        ip[0] = 0x45;
        put16(ip + 2, (uint16_t)(40 + p->len));
        put16(ip + 4, (uint16_t)(i & 0xffff));
        ip[6] = 0x40; /* DF */
        ip[8] = 64;
        ip[9] = 6;
        memcpy(ip + 12, p->src, 4);
        memcpy(ip + 16, p->dst, 4);
        put16(ip + 10, fold(sum16(ip, 20, 0)));
        put16(tcp, p->sport);
        put16(tcp + 2, p->dport);
        put32(tcp + 4, p->seq);
        put32(tcp + 8, p->ack);
        tcp[12] = 5 << 4;
        tcp[13] = p->flags;
        put16(tcp + 14, 64240);
        for (size_t k = 0; k < p->len; k++)
            tcp[20 + k] = (uint8_t)('a' + k % 26);
        uint8_t ph[12];
        memcpy(ph, p->src, 4);
        memcpy(ph + 4, p->dst, 4);
        ph[8] = 0;
        ph[9] = 6;
        put16(ph + 10, (uint16_t)(20 + p->len));
        put16(tcp + 16, fold(sum16(tcp, 20 + p->len, sum16(ph, 12, 0))));
        le32(f, (uint32_t)(p->t_us / 1000000));
        le32(f, (uint32_t)(p->t_us % 1000000));
        le32(f, (uint32_t)n);
        le32(f, (uint32_t)n);
        fwrite(fr, 1, n, f);
    }
}

int main(int argc, char **argv)
{
    int longer = argc == 3 && strcmp(argv[1], "-l") == 0;
    if (argc != 2 + longer) {
        fprintf(stderr, "usage: mkhosts [-l] OUT.pcap\n");
        return 2;
    }
    const char *out = argv[1 + longer];
    static const uint8_t h1[4] = {10, 0, 0, 1}, h2[4] = {10, 0, 0, 2},
                         h3[4] = {10, 0, 0, 3}, h4[4] = {10, 0, 0, 4},
                         h5[4] = {10, 0, 0, 5}, h6[4] = {10, 0, 0, 6},
                         h7[4] = {10, 0, 0, 7};
    static uint8_t far[70][4], flood[80][4], leak[8][4];
    /* TIME_WAIT: the client closes, the server answers at once. */
    for (int i = 0; i < 300; i++) {
        conn k = {h1, h2, (uint16_t)(40000 + i), 80, 1000u * (uint32_t)i, 7000u};
        int64_t t = 100000 + i * 50000;
        open3(&k, t);
        c2s(&k, t + 2000, FIN | ACK, 0);
        s2c(&k, t + 2200, FIN | ACK, 0);
        c2s(&k, t + 2400, ACK, 0);
    }
    /* SYN_SENT: SYNs nobody answers, one retransmitted a second later. */
    for (int i = 0; i < 70; i++) {
        far[i][0] = 10, far[i][1] = 0, far[i][2] = 3, far[i][3] = (uint8_t)(1 + i);
        conn k = {h3, far[i], (uint16_t)(50000 + i), 22, 5000u + (uint32_t)i, 0};
        int64_t t = 2000000 + i * 10000;
        c2s(&k, t, SYN, 0);
        k.cs--;
        c2s(&k, t + 1000000, SYN, 0);
    }
    /* SYN_RECEIVED: SYN-ACKs never acknowledged. */
    for (int i = 0; i < 80; i++) {
        flood[i][0] = 10, flood[i][1] = 0, flood[i][2] = 5, flood[i][3] = (uint8_t)(1 + i);
        conn k = {flood[i], h5, (uint16_t)(30000 + i), 443, 9000u * (uint32_t)i, 11000u};
        int64_t t = 5000000 + i * 5000;
        c2s(&k, t, SYN, 0);
        s2c(&k, t + 100, SYN | ACK, 0);
        /* Unanswered, the server sends it again (tcp_synack_retries);
         * without that the engine takes the missing ACK as one the capture
         * missed. */
        static const int64_t resend_s[] = {1, 3, 7, 15};
        for (int r = 0; r < 4 && t + resend_s[r] * 1000000 < 20000000; r++) {
            k.ss--;
            s2c(&k, t + 100 + resend_s[r] * 1000000, SYN | ACK, 0);
        }
    }
    /* CLOSE_WAIT that only grows: one every 2 s, never closed. */
    for (int i = 0; i < 8; i++) {
        leak[i][0] = 10, leak[i][1] = 0, leak[i][2] = 4, leak[i][3] = (uint8_t)(1 + i);
        conn k = {leak[i], h4, 45000, 8080, 100u, 200u + (uint32_t)i};
        int64_t t = 3000000 + i * 2000000;
        open3(&k, t);
        c2s(&k, t + 2000, FIN | ACK, 0);
        s2c(&k, t + 2200, ACK, 0);
    }
    /* CLOSE_WAIT that falls: the server closes 4 s after the client. */
    for (int i = 0; i < 6; i++) {
        conn k = {h6, h7, (uint16_t)(33000 + i), 25, 300u, 400u};
        int64_t t = 1000000 + i * 1500000;
        open3(&k, t);
        c2s(&k, t + 2000, FIN | ACK, 0);
        s2c(&k, t + 2200, ACK, 0);
        s2c(&k, t + 9000000, FIN | ACK, 0);
        c2s(&k, t + 9000200, ACK, 0);
    }
    /* The capture's last packet, at 20 s: the leaking server still
     * answers a keepalive-free ACK of its first client. */
    {
        conn k = {leak[0], h4, 45000, 8080, 100u + 102, 200u + 301};
        c2s(&k, 20000000, ACK, 0);
    }
    if (longer) {
        conn k = {leak[1], h4, 45000, 8080, 100u + 102, 201u + 301};
        c2s(&k, 120000000, ACK, 0);
    }
    qsort(pkts, npkts, sizeof *pkts, cmp);
    FILE *f = fopen(out, "wb");
    if (!f) {
        perror(out);
        return 1;
    }
    write_pcap(f);
    if (fclose(f) != 0) {
        perror(out);
        return 1;
    }
    return 0;
}
