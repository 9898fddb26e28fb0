/*
 * gen_export.c - write a synthetic tshark export of many short TCP
 * connections, for the streaming (memory) test and the speed benchmark.
 *
 * usage: gen_export CONNECTIONS CONCURRENT [STEP_US]
 * Each connection is a handshake, one request and its ACK, and a client-
 * first close: 9 packets, interleaved round-robin over CONCURRENT open
 * connections, STEP_US microseconds apart (default 10).  Every connection
 * has its own 4-tuple; the output is deterministic.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct conn {
    uint32_t id;
    uint32_t cseq, sseq;
    int step; /* next packet, 0..7 */
    int live;
} conn;

static uint64_t frame, now_us;

static void line(const conn *c, int from_client, const char *flags,
                 uint32_t seq, uint32_t ack, uint32_t len)
{
    unsigned a = (c->id >> 16) & 0xff, b = (c->id >> 8) & 0xff;
    unsigned port = 1024 + c->id % 60000;
    char cli[32], srv[] = "192.0.2.1";
    snprintf(cli, sizeof cli, "10.%u.%u.%u", a, b, c->id & 0xff);
    frame++;
    printf("%" PRIu64 "\t%" PRIu64 ".%06" PRIu64 "000\t%s\t%s\t\t\t%u\t%u\t%u\t%s\t%u\t%u\t%u\t%u\n",
           frame, 1700000000 + now_us / 1000000, now_us % 1000000,
           from_client ? cli : srv, from_client ? srv : cli,
           from_client ? port : 80, from_client ? 80 : port, c->id, flags,
           seq, ack, len, 512);
}

/* Emit the connection's next packet; returns 1 after its last. */
static int step(conn *c)
{
    uint32_t cs = c->cseq, ss = c->sseq;
    switch (c->step++) {
    case 0: line(c, 1, "0x0002", cs, 0, 0); break;
    case 1: line(c, 0, "0x0012", ss, cs + 1, 0); break;
    case 2: line(c, 1, "0x0010", cs + 1, ss + 1, 0); break;
    case 3: line(c, 1, "0x0018", cs + 1, ss + 1, 100); break;
    case 4: line(c, 0, "0x0010", ss + 1, cs + 101, 0); break;
    case 5: line(c, 1, "0x0011", cs + 101, ss + 1, 0); break;
    case 6: line(c, 0, "0x0011", ss + 1, cs + 102, 0); break;
    case 7: line(c, 1, "0x0010", cs + 102, ss + 2, 0); return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: gen_export CONNECTIONS CONCURRENT [STEP_US]\n");
        return 2;
    }
    long n = atol(argv[1]), k = atol(argv[2]);
    long us = argc == 4 ? atol(argv[3]) : 10;
    if (n < 1 || k < 1 || us < 0 || n > 16000000) {
        fprintf(stderr, "gen_export: bad arguments\n");
        return 2;
    }
    conn *open = calloc((size_t)k, sizeof *open);
    if (!open)
        return 1;
    uint32_t rnd = 12345;
    long next = 0, done = 0;
    puts("frame.number\tframe.time_epoch\tip.src\tip.dst\tipv6.src\tipv6.dst\t"
         "tcp.srcport\ttcp.dstport\ttcp.stream\ttcp.flags\ttcp.seq_raw\t"
         "tcp.ack_raw\ttcp.len\ttcp.window_size_value");
    while (done < n) {
        for (long i = 0; i < k; i++) {
            conn *c = &open[i];
            if (!c->live) {
                if (next == n)
                    continue;
                c->id = (uint32_t)next++;
                c->step = 0;
                c->live = 1;
                rnd = rnd * 1103515245u + 12345u;
                c->cseq = rnd;
                rnd = rnd * 1103515245u + 12345u;
                c->sseq = rnd;
            }
            now_us += (uint64_t)us;
            if (step(c)) {
                c->live = 0;
                done++;
            }
        }
    }
    free(open);
    return fflush(stdout) != 0;
}
