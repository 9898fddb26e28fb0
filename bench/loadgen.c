/*
 * loadgen.c - real-kernel TCP load for the benchmark capture.
 *
 * The benchmarks need a large capture whose packets the Linux stack really
 * sent, with the mix of lifecycles a busy host shows: request/response
 * exchanges closed by either side, bulk transfers both ways, half-closes,
 * refused connects, abortive closes (SO_LINGER 0), closes with unread data
 * (the kernel answers with a RST), and a few receivers too slow for their
 * sender (zero windows).  One process runs both ends on loopback: a server
 * thread per accepted connection, and `-c` client workers that take
 * connection numbers from a shared counter.  Each connection's scenario and
 * sizes come from a PRNG seeded by (seed, connection number), so the same
 * options give the same mix whatever the thread timing.
 *
 * It is bounded: `-n` connections at most, no new connection after `-t`
 * seconds, every socket has send/receive timeouts, and an alarm kills the
 * process if the whole run overstays.  It runs inside the namespace made by
 * make-capture.sh; it never chooses an address other than 127.0.0.1 and ::1.
 *
 * Exit: 0 done, 1 setup failed or more than 1% of connections misbehaved,
 * 2 usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The wire header the client sends first; the server learns the scenario
 * from it, so one listening port serves every scenario. */
enum { HDR_LEN = 16, MAGIC0 = 'T', MAGIC1 = 'L' };

#define SCENARIOS(X)                                                         \
    X(RPC_CLIENT_CLOSE, "rpc, client closes first", 267)                      \
    X(RPC_SERVER_CLOSE, "rpc, server closes first", 220)                      \
    X(BULK_DOWN, "bulk download", 100)                                        \
    X(BULK_UP, "upload + half-close", 80)                                     \
    X(REFUSED, "refused (no listener)", 80)                                   \
    X(CLIENT_ABORT, "client RST abort", 70)                                   \
    X(SERVER_ABORT, "server RST abort", 60)                                   \
    X(UNREAD_CLOSE, "server closes with unread data", 85)                     \
    X(ZERO_WINDOW, "slow reader (zero window)", 5)                            \
    X(LAZY_CLOSE, "client slow to close (CLOSE_WAIT)", 3)                    \
    X(RACE_CLOSE, "both close at once", 30)

enum scenario {
#define SC_ENUM(id, text, weight) SC_##id,
    SCENARIOS(SC_ENUM)
#undef SC_ENUM
    SC_COUNT
};

static const char *const sc_text[] = {
#define SC_TEXT(id, text, weight) text,
    SCENARIOS(SC_TEXT)
#undef SC_TEXT
};

static const unsigned sc_weight[] = {
#define SC_WEIGHT(id, text, weight) weight,
    SCENARIOS(SC_WEIGHT)
#undef SC_WEIGHT
};

struct plan {
    enum scenario sc;
    int ipv6;
    unsigned rounds;    /* request/response round trips */
    uint32_t req_size;  /* bytes per request (the first includes the header) */
    uint32_t resp_size; /* bytes per response */
    uint32_t extra;     /* scenario detail: close order bit, reader delay ms */
};

struct options {
    unsigned connections;
    unsigned concurrency;
    unsigned time_limit_s;
    unsigned ipv6_pct;
    unsigned port;
    uint64_t seed;
    int verbose;
};

static struct options opt = {8000, 32, 60, 10, 9000, 1, 0};

static atomic_uint next_conn;
static atomic_uint done_by_sc[SC_COUNT];
static atomic_uint bad_by_sc[SC_COUNT];
static atomic_ulong bytes_moved;
static double start_s;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* splitmix64: tiny, good enough to spread scenarios and sizes. */
static uint64_t mix(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint32_t pick(uint64_t *st, uint32_t lo, uint32_t hi)
{
    return lo + (uint32_t)(mix(st) % (uint64_t)(hi - lo + 1));
}

static void make_plan(unsigned n, struct plan *p)
{
    uint64_t st = opt.seed * UINT64_C(1000003) + n;
    unsigned total = 0, w;
    for (int i = 0; i < SC_COUNT; i++)
        total += sc_weight[i];
    w = (unsigned)(mix(&st) % total);
    p->sc = 0;
    while (w >= sc_weight[p->sc]) {
        w -= sc_weight[p->sc];
        p->sc++;
    }
    p->ipv6 = (mix(&st) % 100) < opt.ipv6_pct;
    p->rounds = 1;
    p->req_size = pick(&st, 60, 600);
    p->resp_size = pick(&st, 100, 4000);
    p->extra = (uint32_t)(mix(&st) & 1);
    switch (p->sc) {
    case SC_RPC_CLIENT_CLOSE:
    case SC_RPC_SERVER_CLOSE:
        p->rounds = pick(&st, 2, 12);
        break;
    case SC_BULK_DOWN:
        p->resp_size = pick(&st, 16, 256) * 1024;
        break;
    case SC_RACE_CLOSE:
        /* Large enough that the server's FIN still waits behind data when
         * the client has read everything and closes. */
        p->resp_size = pick(&st, 64, 256) * 1024;
        break;
    case SC_BULK_UP:
        p->req_size = pick(&st, 1, 192) * 1024;
        p->resp_size = pick(&st, 40, 400);
        break;
    case SC_CLIENT_ABORT:
        p->rounds = pick(&st, 1, 4);
        break;
    case SC_UNREAD_CLOSE:
        p->req_size = pick(&st, 200, 1200);
        break;
    case SC_ZERO_WINDOW:
        p->resp_size = pick(&st, 64, 160) * 1024;
        p->extra = pick(&st, 250, 1500); /* ms before the reader starts */
        break;
    case SC_LAZY_CLOSE:
        p->rounds = pick(&st, 1, 3);
        p->extra = pick(&st, 1100, 1600); /* ms in CLOSE_WAIT */
        break;
    default:
        break;
    }
    if (p->req_size < HDR_LEN)
        p->req_size = HDR_LEN;
}

static void put32(unsigned char *b, uint32_t v)
{
    b[0] = (unsigned char)(v >> 24);
    b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);
    b[3] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
           b[3];
}

static void set_timeouts(int fd, int seconds)
{
    struct timeval tv = {seconds, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* Small messages must leave as their own segments, as an RPC protocol's
 * would, rather than wait for Nagle. */
static void set_nodelay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* close() that sends a RST instead of a FIN. */
static void abort_close(int fd)
{
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

/* Send n bytes of filler; the first HDR_LEN may be a header already in buf. */
static int send_all(int fd, const unsigned char *hdr, size_t n)
{
    static const unsigned char fill[16384] = {0};
    size_t off = 0;
    while (off < n) {
        const unsigned char *src = fill;
        size_t chunk = n - off;
        if (hdr && off < HDR_LEN) {
            src = hdr + off;
            chunk = HDR_LEN - off;
        } else if (chunk > sizeof fill) {
            chunk = sizeof fill;
        }
        ssize_t k = send(fd, src, chunk, MSG_NOSIGNAL);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        off += (size_t)k;
    }
    atomic_fetch_add(&bytes_moved, n);
    return 0;
}

/* Read exactly n bytes (into buf when given).  Returns 0, or -1 on error or
 * early end of stream (errno ECONNRESET, ETIMEDOUT... or 0 for EOF). */
static int recv_exact(int fd, unsigned char *buf, size_t n)
{
    unsigned char sink[16384];
    size_t off = 0;
    while (off < n) {
        size_t want = n - off;
        unsigned char *dst = sink;
        if (buf)
            dst = buf + off;
        else if (want > sizeof sink)
            want = sizeof sink;
        ssize_t k = recv(fd, dst, want, 0);
        if (k == 0) {
            errno = 0;
            return -1;
        }
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        off += (size_t)k;
    }
    return 0;
}

/* Read until the peer's FIN.  Returns 0 at EOF, -1 on error. */
static int recv_to_eof(int fd)
{
    unsigned char sink[16384];
    for (;;) {
        ssize_t k = recv(fd, sink, sizeof sink, 0);
        if (k == 0)
            return 0;
        if (k < 0 && errno != EINTR)
            return -1;
    }
}

/* ------------------------------------------------------------ server side */

static void *serve(void *arg)
{
    int fd = (int)(intptr_t)arg;
    unsigned char hdr[HDR_LEN];
    set_timeouts(fd, 10);
    set_nodelay(fd);
    if (recv_exact(fd, hdr, HDR_LEN) < 0 || hdr[0] != MAGIC0 ||
        hdr[1] != MAGIC1 || hdr[2] >= SC_COUNT || get32(hdr + 4) < HDR_LEN) {
        close(fd);
        return NULL;
    }
    enum scenario sc = hdr[2];
    unsigned rounds = hdr[3];
    uint32_t req = get32(hdr + 4), resp = get32(hdr + 8);

    if (sc == SC_UNREAD_CLOSE) {
        /* With the rest of the request still unread, Linux resets instead
         * of sending a FIN (RFC 2525 2.17).  Wait until it has all arrived,
         * so the close is a RST every time. */
        unsigned char peek[2048];
        for (int i = 0; i < 200; i++) {
            ssize_t queued = recv(fd, peek, sizeof peek, MSG_PEEK | MSG_DONTWAIT);
            if (queued >= (ssize_t)(req - HDR_LEN))
                break;
            usleep(1000);
        }
        close(fd);
        return NULL;
    }
    if (sc == SC_BULK_UP) {
        if (recv_to_eof(fd) == 0)
            send_all(fd, NULL, resp);
        close(fd);
        return NULL;
    }
    /* Everything else: `rounds` request/response exchanges. */
    if (recv_exact(fd, NULL, req - HDR_LEN) < 0)
        goto out;
    for (unsigned r = 0; r < rounds; r++) {
        if (r > 0 && recv_exact(fd, NULL, req) < 0)
            goto out;
        if (sc == SC_SERVER_ABORT) {
            abort_close(fd);
            return NULL;
        }
        if (send_all(fd, NULL, resp) < 0)
            goto out;
    }
    if (sc == SC_RPC_SERVER_CLOSE || sc == SC_LAZY_CLOSE ||
        sc == SC_RACE_CLOSE || (sc == SC_BULK_DOWN && !(get32(hdr + 12) & 1))) {
        /* Server closes first; the client answers with its own close. */
        close(fd);
        return NULL;
    }
    /* Client closes (or aborts) first: wait for its FIN or RST. */
    recv_to_eof(fd);
out:
    close(fd);
    return NULL;
}

static void *acceptor(void *arg)
{
    int lfd = (int)(intptr_t)arg;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 128 * 1024);
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE)
                continue;
            break;
        }
        pthread_t t;
        if (pthread_create(&t, &attr, serve, (void *)(intptr_t)fd) != 0)
            close(fd);
    }
    return NULL;
}

static int listen_on(int family, unsigned port)
{
    int fd = socket(family, SOCK_STREAM, 0), one = 1;
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    int rc;
    if (family == AF_INET) {
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons((uint16_t)port)};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        rc = bind(fd, (struct sockaddr *)&a, sizeof a);
    } else {
        struct sockaddr_in6 a = {.sin6_family = AF_INET6,
                                 .sin6_port = htons((uint16_t)port),
                                 .sin6_addr = IN6ADDR_LOOPBACK_INIT};
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        rc = bind(fd, (struct sockaddr *)&a, sizeof a);
    }
    if (rc < 0 || listen(fd, 4096) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* ------------------------------------------------------------ client side */

static int connect_to(int ipv6, unsigned port, int rcvbuf)
{
    int fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    set_timeouts(fd, 10);
    set_nodelay(fd);
    if (rcvbuf > 0) /* before connect, so the SYN's window already shows it */
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    int rc;
    if (!ipv6) {
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons((uint16_t)port)};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        rc = connect(fd, (struct sockaddr *)&a, sizeof a);
    } else {
        struct sockaddr_in6 a = {.sin6_family = AF_INET6,
                                 .sin6_port = htons((uint16_t)port),
                                 .sin6_addr = IN6ADDR_LOOPBACK_INIT};
        rc = connect(fd, (struct sockaddr *)&a, sizeof a);
    }
    if (rc < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* Run one connection as planned.  Returns 0 when it went as the scenario
 * says, -1 otherwise (counted, not fatal: the capture is still real). */
static int run_client(const struct plan *p)
{
    if (p->sc == SC_REFUSED) {
        int fd = connect_to(p->ipv6, opt.port + 1, 0);
        if (fd >= 0) {
            close(fd);
            return -1;
        }
        return errno == ECONNREFUSED ? 0 : -1;
    }
    int fd = connect_to(p->ipv6, opt.port,
                        p->sc == SC_ZERO_WINDOW ? 4096 : 0);
    if (fd < 0)
        return -1;
    unsigned char hdr[HDR_LEN] = {MAGIC0, MAGIC1, (unsigned char)p->sc,
                                  (unsigned char)p->rounds};
    put32(hdr + 4, p->req_size);
    put32(hdr + 8, p->resp_size);
    put32(hdr + 12, p->extra);
    int ok = -1;

    switch (p->sc) {
    case SC_UNREAD_CLOSE:
        /* The server reads only the header, then closes: we get a RST. */
        if (send_all(fd, hdr, p->req_size) < 0)
            break;
        ok = (recv_to_eof(fd) < 0 && errno == ECONNRESET) ? 0 : -1;
        break;
    case SC_BULK_UP:
        if (send_all(fd, hdr, p->req_size) < 0)
            break;
        shutdown(fd, SHUT_WR);
        ok = recv_exact(fd, NULL, p->resp_size) == 0 && recv_to_eof(fd) == 0
                 ? 0
                 : -1;
        break;
    case SC_SERVER_ABORT:
        if (send_all(fd, hdr, p->req_size) < 0)
            break;
        ok = (recv_to_eof(fd) < 0 && errno == ECONNRESET) ? 0 : -1;
        break;
    case SC_ZERO_WINDOW:
        if (send_all(fd, hdr, p->req_size) < 0)
            break;
        /* A reader that falls behind: the sender fills our small buffer,
         * we advertise a zero window, it probes until we read. */
        usleep(p->extra * 1000u);
        if (recv_exact(fd, NULL, p->resp_size) < 0)
            break;
        ok = 0;
        break;
    default: /* request/response rounds */
        for (unsigned r = 0; r < p->rounds; r++) {
            if (send_all(fd, r == 0 ? hdr : NULL, p->req_size) < 0 ||
                recv_exact(fd, NULL, p->resp_size) < 0)
                goto done;
        }
        if (p->sc == SC_CLIENT_ABORT) {
            abort_close(fd);
            return 0;
        }
        if (p->sc == SC_RPC_SERVER_CLOSE ||
            (p->sc == SC_BULK_DOWN && !(p->extra & 1))) {
            /* The server closes first; the client sees EOF, then closes. */
            ok = recv_to_eof(fd);
            break;
        }
        if (p->sc == SC_RACE_CLOSE) {
            /* The server closes after its last response and so do we,
             * without waiting for its FIN: the FINs cross (often a
             * simultaneous close through CLOSING). */
            ok = 0;
            break;
        }
        if (p->sc == SC_LAZY_CLOSE) {
            /* An application that forgets its socket for a while after the
             * peer's FIN: CLOSE_WAIT for over a second. */
            ok = recv_to_eof(fd);
            usleep(p->extra * 1000u);
            break;
        }
        ok = 0;
        break;
    }
done:
    close(fd);
    return ok;
}

static void *worker(void *arg)
{
    (void)arg;
    for (;;) {
        unsigned n = atomic_fetch_add(&next_conn, 1);
        if (n >= opt.connections || now_s() - start_s > opt.time_limit_s)
            break;
        struct plan p;
        make_plan(n, &p);
        int rc = run_client(&p);
        atomic_fetch_add(&done_by_sc[p.sc], 1);
        if (rc < 0) {
            atomic_fetch_add(&bad_by_sc[p.sc], 1);
            if (opt.verbose)
                fprintf(stderr, "loadgen: connection %u (%s): %s\n", n,
                        sc_text[p.sc], errno ? strerror(errno) : "early EOF");
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ main */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: loadgen [-n CONNECTIONS] [-c CONCURRENCY] [-t SECONDS]\n"
            "               [-6 IPV6_PERCENT] [-p PORT] [-s SEED] [-v]\n"
            "Makes real TCP connections on loopback (run it in a network\n"
            "namespace): server on 127.0.0.1/::1 PORT, refused connects to\n"
            "PORT+1.  Defaults: -n 8000 -c 32 -t 60 -6 10 -p 9000 -s 1.\n");
}

static int num_arg(const char *s, unsigned long lo, unsigned long hi,
                   char flag, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v < lo || v > hi) {
        fprintf(stderr, "loadgen: -%c: expected an integer in %lu..%lu, got '%s'\n",
                flag, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    int c;
    unsigned long v;
    while ((c = getopt(argc, argv, "n:c:t:6:p:s:vh")) != -1) {
        switch (c) {
        case 'n':
            if (num_arg(optarg, 1, 1000000, 'n', &v)) return 2;
            opt.connections = (unsigned)v;
            break;
        case 'c':
            if (num_arg(optarg, 1, 1024, 'c', &v)) return 2;
            opt.concurrency = (unsigned)v;
            break;
        case 't':
            if (num_arg(optarg, 1, 3600, 't', &v)) return 2;
            opt.time_limit_s = (unsigned)v;
            break;
        case '6':
            if (num_arg(optarg, 0, 100, '6', &v)) return 2;
            opt.ipv6_pct = (unsigned)v;
            break;
        case 'p':
            if (num_arg(optarg, 1, 65534, 'p', &v)) return 2;
            opt.port = (unsigned)v;
            break;
        case 's':
            if (num_arg(optarg, 0, 4294967295UL, 's', &v)) return 2;
            opt.seed = v;
            break;
        case 'v':
            opt.verbose = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    /* The whole run is bounded even if a socket misbehaves in a way the
     * per-socket timeouts do not catch. */
    alarm(opt.time_limit_s + 60);
    signal(SIGPIPE, SIG_IGN);

    int l4 = listen_on(AF_INET, opt.port);
    if (l4 < 0) {
        fprintf(stderr, "loadgen: listen on 127.0.0.1:%u: %s\n", opt.port,
                strerror(errno));
        return 1;
    }
    int l6 = -1;
    if (opt.ipv6_pct > 0) {
        l6 = listen_on(AF_INET6, opt.port);
        if (l6 < 0) {
            fprintf(stderr, "loadgen: listen on [::1]:%u: %s (use -6 0 "
                            "without IPv6)\n", opt.port, strerror(errno));
            return 1;
        }
    }
    pthread_t acc4, acc6;
    pthread_create(&acc4, NULL, acceptor, (void *)(intptr_t)l4);
    if (l6 >= 0)
        pthread_create(&acc6, NULL, acceptor, (void *)(intptr_t)l6);

    start_s = now_s();
    pthread_t *w = calloc(opt.concurrency, sizeof *w);
    if (!w) {
        fprintf(stderr, "loadgen: out of memory\n");
        return 1;
    }
    for (unsigned i = 0; i < opt.concurrency; i++)
        if (pthread_create(&w[i], NULL, worker, NULL) != 0) {
            fprintf(stderr, "loadgen: cannot start worker %u\n", i);
            return 1;
        }
    for (unsigned i = 0; i < opt.concurrency; i++)
        pthread_join(w[i], NULL);
    free(w);
    /* Let the server threads finish their closes before the capture stops;
     * the kernel finishes the handshakes of closed sockets on its own. */
    usleep(300 * 1000);

    unsigned total = 0, bad = 0;
    fprintf(stderr, "loadgen: %-32s %8s %8s\n", "scenario", "conns", "odd");
    for (int i = 0; i < SC_COUNT; i++) {
        unsigned d = atomic_load(&done_by_sc[i]), b = atomic_load(&bad_by_sc[i]);
        fprintf(stderr, "loadgen: %-32s %8u %8u\n", sc_text[i], d, b);
        total += d;
        bad += b;
    }
    fprintf(stderr, "loadgen: %u connections (%u odd), %.1f MB payload, %.1f s\n",
            total, bad, atomic_load(&bytes_moved) / 1e6, now_s() - start_s);
    if (total < opt.connections)
        fprintf(stderr, "loadgen: time limit reached after %u of %u connections\n",
                total, opt.connections);
    return bad * 100 > total ? 1 : 0;
}
