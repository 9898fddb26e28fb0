/*
 * scenario.c - plays one TCP lifecycle scenario with real kernel sockets.
 *
 * make-captures.sh runs this driver inside a fresh network namespace while
 * tcpdump records the loopback interface.  Both endpoints live in this one
 * process: on loopback the kernel finishes a handshake or delivers a segment
 * before the sending call returns, so plain sequential socket calls give a
 * repeatable packet order.  Loss and firewalls are not made here but by the
 * nftables rules the script loads for the scenario.
 *
 * The driver talks to the script through files in a sync folder: at a sync
 * point it creates <dir>/<name> and waits for <dir>/<name>.go.  "capture"
 * asks the script to start tcpdump (mid-stream capture), "cut" to load the
 * scenario's second set of rules, "mark" to note the kernel's view in the
 * truth file's comments, and "end" to record `ss -tan` while every socket
 * is still held, so the kernel's view matches the capture's end.
 *
 * A routed scenario (make-captures.sh ROUTERS) puts the two endpoints on
 * hosts of their own, with routers in between: the script passes the
 * server host's namespace and both addresses in the environment
 * (TCPL_SERVER_NETNS, TCPL_CLIENT_ADDR, TCPL_SERVER_ADDR).  The driver
 * still runs as one process, in the client's namespace, and creates the
 * server's sockets after entering the server's (a socket stays in the
 * namespace it was made in).
 *
 * usage: scenario NAME SYNCDIR   (NAME with a _v6 suffix plays over ::1)
 */
#define _GNU_SOURCE /* setns */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"


int family = AF_INET;
static const char *sync_dir;
static const char *scenario_name;

/* IPv4 addresses of the two hosts (network order), loopback unless the
 * scenario is routed; the server's namespace and ours (-1 when there is
 * one namespace). */
static struct in_addr client_in = {0}, server_in = {0};
static int server_ns = -1, client_ns = -1;

/* Callers set errno to 0 before a failure that is not a system call's. */
void die(const char *fmt, ...)
{
    int err = errno; /* before stdio can change it */
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "scenario %s: ", scenario_name ? scenario_name : "?");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (err)
        fprintf(stderr, ": %s", strerror(err));
    fputc('\n', stderr);
    exit(1);
}

void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* The script may take a while (starting tcpdump, running ss): wait up to
 * 60 s, then give up so a broken script never leaves a driver behind. */
void sync_point(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", sync_dir, name);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0)
        die("create %s", path);
    close(fd);
    snprintf(path, sizeof path, "%s/%s.go", sync_dir, name);
    struct stat st;
    for (int i = 0; i < 6000; i++) {
        if (stat(path, &st) == 0)
            return;
        msleep(10);
    }
    errno = 0;
    die("no go for sync point %s", name);
}

socklen_t make_addr(struct sockaddr_storage *ss, int port)
{
    memset(ss, 0, sizeof *ss);
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        a->sin6_addr = in6addr_loopback;
        return sizeof *a;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    a->sin_addr = port == SERVER_PORT ? server_in : client_in;
    return sizeof *a;
}

/* Reads the routed scenario's environment, if the script set it. */
static void routed_setup(void)
{
    client_in.s_addr = server_in.s_addr = htonl(INADDR_LOOPBACK);
    const char *ns = getenv("TCPL_SERVER_NETNS");
    if (!ns)
        return;
    const char *ca = getenv("TCPL_CLIENT_ADDR"), *sa = getenv("TCPL_SERVER_ADDR");
    errno = 0;
    if (!ca || !sa || inet_pton(AF_INET, ca, &client_in) != 1 ||
        inet_pton(AF_INET, sa, &server_in) != 1 || family != AF_INET)
        die("a routed scenario needs IPv4 TCPL_CLIENT_ADDR and TCPL_SERVER_ADDR");
    server_ns = open(ns, O_RDONLY | O_CLOEXEC);
    client_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (server_ns < 0 || client_ns < 0)
        die("open the namespaces (%s)", ns);
}

/* The server's sockets are made on the server's host. */
static int host_socket(int port)
{
    bool there = port == SERVER_PORT && server_ns >= 0;
    if (there && setns(server_ns, CLONE_NEWNET) != 0)
        die("enter the server's namespace");
    int fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
    if (there && setns(client_ns, CLONE_NEWNET) != 0)
        die("back to the client's namespace");
    return fd;
}

static void set_int(int fd, int level, int opt, int v, const char *what)
{
    if (setsockopt(fd, level, opt, &v, sizeof v) != 0)
        die("setsockopt %s", what);
}

/* A socket bound to a fixed port, so every capture names the same
 * endpoints; SO_REUSEADDR lets port_reuse bind over its TIME_WAIT. */
int bound_socket(int port)
{
    int fd = host_socket(port);
    set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
    struct sockaddr_storage ss;
    socklen_t len = make_addr(&ss, port);
    if (bind(fd, (struct sockaddr *)&ss, len) != 0)
        die("bind port %d", port);
    return fd;
}

int listener(int backlog)
{
    int fd = bound_socket(SERVER_PORT);
    if (listen(fd, backlog) != 0)
        die("listen");
    return fd;
}

static void connect_to(int fd, int port)
{
    struct sockaddr_storage ss;
    socklen_t len = make_addr(&ss, port);
    if (connect(fd, (struct sockaddr *)&ss, len) != 0)
        die("connect to port %d", port);
}

/* Returns at once with the SYN sent: for SYNs that will not be answered. */
void connect_nb(int fd, int port)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
        die("fcntl");
    struct sockaddr_storage ss;
    socklen_t len = make_addr(&ss, port);
    if (connect(fd, (struct sockaddr *)&ss, len) == 0 || errno != EINPROGRESS)
        die("non-blocking connect to port %d did not start", port);
    errno = 0;
}

static void set_blocking(int fd, int on)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, on ? fl & ~O_NONBLOCK : fl | O_NONBLOCK))
        die("fcntl");
}

int accept_one(int lfd)
{
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0)
        die("accept");
    return fd;
}

int client(int sport)
{
    int fd = bound_socket(sport);
    connect_to(fd, SERVER_PORT);
    return fd;
}

/* Payload bytes are a readable tag then filler, so a truncated capture
 * still shows which write a segment came from. */
void send_n(int fd, size_t n, const char *tag)
{
    char buf[2048];
    if (n > sizeof buf) {
        errno = 0;
        die("send_n: %zu bytes is too many", n);
    }
    memset(buf, '.', n);
    memcpy(buf, tag, strlen(tag) < n ? strlen(tag) : n);
    size_t off = 0;
    while (off < n) {
        ssize_t k = send(fd, buf + off, n - off, MSG_NOSIGNAL);
        if (k < 0)
            die("send %s", tag);
        off += (size_t)k;
    }
}

void recv_n(int fd, size_t n)
{
    char buf[4096];
    while (n > 0) {
        ssize_t k = recv(fd, buf, n < sizeof buf ? n : sizeof buf, 0);
        if (k < 0)
            die("recv");
        if (k == 0) {
            errno = 0;
            die("recv: unexpected end of stream, %zu bytes missing", n);
        }
        n -= (size_t)k;
    }
}

static void expect_eof(int fd)
{
    char c;
    ssize_t k = recv(fd, &c, 1, 0);
    if (k != 0) {
        if (k > 0)
            errno = 0;
        die("expected the peer's FIN");
    }
}

/* shutdown(SHUT_WR): this side's FIN, while it can still receive. */
static void half_close(int fd)
{
    if (shutdown(fd, SHUT_WR) != 0)
        die("shutdown");
}

static void linger_zero(int fd)
{
    struct linger lg = {1, 0};
    if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) != 0)
        die("SO_LINGER");
}

/* Wait for a non-blocking connect to finish; returns its error (0 = ok). */
int connect_result(int fd, int timeout_ms)
{
    struct pollfd p = {fd, POLLOUT, 0};
    int k = poll(&p, 1, timeout_ms);
    if (k != 1) {
        if (k == 0)
            errno = 0;
        die("connect did not finish within %d ms", timeout_ms);
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        die("SO_ERROR");
    return err;
}

/* Request/response on an established pair, as an application would. */
static void exchange(int c, int s)
{
    send_n(c, 200, "REQUEST");
    recv_n(s, 200);
    send_n(s, 300, "RESPONSE");
    recv_n(c, 300);
}

/* `count` chunks of `size` bytes from `from`, each read at once by `to`,
 * `pause_ms` apart; tags CHUNK0, CHUNK1, ... */
static void stream_chunks(int from, int to, int count, size_t size, long pause_ms)
{
    for (int i = 0; i < count; i++) {
        char tag[16];
        snprintf(tag, sizeof tag, "CHUNK%d", i);
        send_n(from, size, tag);
        recv_n(to, size);
        msleep(pause_ms);
    }
}

/* ------------------------------------------------------------ scenarios */

/* A graceful close: `first` closes, `second` reads the FIN (EOF) and
 * closes too, with short pauses so each step shows apart on the wire. */
static void close_in_order(int first, int second)
{
    msleep(50);
    close(first);
    expect_eof(second);
    msleep(50);
    close(second);
    msleep(100);
}

static void normal_close_client_first(void)
{
    int l = listener(8);
    int c = client(CLIENT_PORT);
    int s = accept_one(l);
    exchange(c, s);
    close_in_order(c, s);
    sync_point("end");
}

static void normal_close_server_first(void)
{
    int l = listener(8);
    int c = client(CLIENT_PORT);
    int s = accept_one(l);
    exchange(c, s);
    close_in_order(s, c);
    sync_point("end");
}

static void refused(void)
{
    int c = bound_socket(CLIENT_PORT);
    struct sockaddr_storage ss;
    socklen_t len = make_addr(&ss, SERVER_PORT);
    if (connect(c, (struct sockaddr *)&ss, len) == 0 || errno != ECONNREFUSED)
        die("connect without a listener was not refused");
    errno = 0;
    msleep(100);
    sync_point("end");
}

/* A connect that never completes, held for 3.5 s.  syn_timeout: the
 * firewall (input rule) drops every SYN, which the kernel retransmits at
 * about 1 s and 3 s.  embryonic: the server's SYN-ACKs are dropped at the
 * client's input, so the capture shows SYN, SYN-ACK and their
 * retransmissions, never the final ACK.  Only the nft rule differs. */
static void connect_unfinished(void)
{
    int l = listener(8);
    int c = bound_socket(CLIENT_PORT);
    connect_nb(c, SERVER_PORT);
    msleep(3500);
    (void)l;
    sync_point("end");
}

/* Accept queue holds backlog + 1 connections on Linux: with backlog 1 the
 * third client's SYN is dropped by the listener itself. */
static void backlog_overflow(void)
{
    int l = listener(1);
    int c1 = client(CLIENT_PORT);
    msleep(50);
    int c2 = client(CLIENT_PORT + 1);
    msleep(50);
    int c3 = bound_socket(CLIENT_PORT + 2);
    connect_nb(c3, SERVER_PORT);
    msleep(3500);
    (void)l, (void)c1, (void)c2;
    sync_point("end");
}

static void keepalive(int fd, int idle, int intvl, int cnt)
{
    set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
    set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, idle, "TCP_KEEPIDLE");
    set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, intvl, "TCP_KEEPINTVL");
    set_int(fd, IPPROTO_TCP, TCP_KEEPCNT, cnt, "TCP_KEEPCNT");
}

/* The server's keepalives (idle 1 s) put packets on the wire while it sits
 * in CLOSE_WAIT: without them the capture would end with the ACK of the
 * FIN, and no observer could tell that the stall lasted. */
static void close_wait_stall(void)
{
    int l = listener(8);
    int c = client(CLIENT_PORT);
    int s = accept_one(l);
    keepalive(s, 1, 1, 5);
    exchange(c, s);
    msleep(50);
    close(c);
    msleep(2500); /* the server application never calls close() */
    sync_point("end");
}

static void close_wait_rst(void)
{
    int l = listener(8);
    int c = client(CLIENT_PORT);
    int s = accept_one(l);
    exchange(c, s);
    msleep(50);
    close(c);
    msleep(1600);
    send_n(s, 100, "LATE"); /* the closed client answers with a RST */
    msleep(200);
    sync_point("end");
}

static void rst_after_fin(void)
{
    int l = listener(8);
    int c = client(CLIENT_PORT);
    int s = accept_one(l);
    exchange(c, s);
    msleep(50);
    half_close(c);
    expect_eof(s);
    send_n(s, 500, "UNREAD");
    msleep(100);
    close(c); /* unread data: RST, after the FIN already sent */
    msleep(100);
    sync_point("end");
}

/* The client half-closes after its request; the server, in CLOSE_WAIT,
 * keeps streaming its answer for 3 s (a chunk every 100 ms, each read at
 * once), then closes: a busy server, not a stalled one. */
static void half_close_stream(void)
{
    int l = listener(8);
    int c = client(CLIENT_PORT);
    int s = accept_one(l);
    send_n(c, 200, "REQUEST");
    half_close(c);
    recv_n(s, 200);
    expect_eof(s);
    stream_chunks(s, c, 30, 500, 100);
    close_in_order(s, c); /* the client reads to EOF, then closes */
    sync_point("end");
}

static void close_unread(void)
{
    int l = listener(8);
    int c = client(CLIENT_PORT);
    int s = accept_one(l);
    send_n(c, 200, "REQUEST");
    recv_n(s, 200);
    send_n(s, 500, "UNREAD");
    msleep(100);
    close(c); /* unread data: RST instead of FIN */
    msleep(100);
    sync_point("end");
}

static void abort_linger0(void)
{
    int l = listener(8);
    int c = client(CLIENT_PORT);
    int s = accept_one(l);
    send_n(c, 200, "REQUEST");
    recv_n(s, 200);
    /* everything read: the RST is due to linger 0 */
    stream_chunks(s, c, 3, 1000, 20);
    linger_zero(c);
    close(c);
    msleep(100);
    sync_point("end");
}

/* A receiver with a tiny buffer that stops reading for 2 s: its window
 * closes, the sender probes, then reading resumes and the window opens. */
static void zero_window(void)
{
    enum { TOTAL = 48 * 1024 };
    int l = listener(8);
    int c = bound_socket(CLIENT_PORT);
    set_int(c, SOL_SOCKET, SO_RCVBUF, 2048, "SO_RCVBUF");
    connect_to(c, SERVER_PORT);
    int s = accept_one(l);
    set_int(s, SOL_SOCKET, SO_SNDBUF, 8192, "SO_SNDBUF");
    set_blocking(s, 0);
    set_blocking(c, 0);
    static char buf[TOTAL];
    memset(buf, 'z', sizeof buf);
    memcpy(buf, "BULK", 4);
    size_t sent = 0, got = 0;
    /* fill the receiver's window and the sender's buffer */
    for (int i = 0; i < 50 && sent < TOTAL; i++) {
        ssize_t k = send(s, buf + sent, TOTAL - sent, MSG_NOSIGNAL);
        if (k > 0)
            sent += (size_t)k;
        else if (errno != EAGAIN)
            die("send");
        msleep(10);
    }
    errno = 0;
    msleep(2000);
    while (got < TOTAL) {
        char rb[4096];
        ssize_t k = recv(c, rb, sizeof rb, 0);
        if (k > 0)
            got += (size_t)k;
        else if (k == 0) {
            errno = 0;
            die("recv: unexpected end of stream");
        } else if (errno != EAGAIN)
            die("recv");
        if (sent < TOTAL) {
            k = send(s, buf + sent, TOTAL - sent, MSG_NOSIGNAL);
            if (k > 0)
                sent += (size_t)k;
            else if (errno != EAGAIN)
                die("send");
        }
        msleep(5);
    }
    errno = 0;
    set_blocking(s, 1);
    set_blocking(c, 1);
    close_in_order(c, s);
    sync_point("end");
}

/* The client's abort (RST+ACK) is dropped on output, before the capture
 * point: the server never learns.  Its later data meets the client
 * kernel's plain RST (no socket any more). */
static void half_open_vanished(void)
{
    int l = listener(8);
    int c = client(CLIENT_PORT);
    int s = accept_one(l);
    exchange(c, s);
    msleep(50);
    linger_zero(c);
    close(c);
    msleep(500);
    send_n(s, 100, "ANYONE");
    msleep(200);
    sync_point("end");
}

/* Keepalive after 1 s idle, every 1 s, abort after 2 unanswered probes.
 * At "cut" the script drops all client-to-server packets at the server's
 * input, after the capture point. */
static void dead_peer_keepalive(void)
{
    int l = listener(8);
    int c = bound_socket(CLIENT_PORT);
    keepalive(c, 1, 1, 2);
    connect_to(c, SERVER_PORT);
    int s = accept_one(l);
    exchange(c, s);
    msleep(100); /* let delayed ACKs through before the cut */
    sync_point("cut");
    msleep(4000);
    sync_point("end");
}

/* Two sockets on fixed ports connect to each other.  The first SYN of each
 * is dropped at input (on loopback a SYN would otherwise meet a closed port
 * before the other side has connected); the retransmitted SYNs cross. */
static void simultaneous_open(void)
{
    int a = bound_socket(CLIENT_PORT);
    int b = bound_socket(CLIENT_PORT + 1);
    connect_nb(a, CLIENT_PORT + 1);
    connect_nb(b, CLIENT_PORT);
    int ea = connect_result(a, 5000);
    int eb = connect_result(b, 5000);
    if (ea || eb) {
        errno = ea ? ea : eb;
        die("simultaneous open failed");
    }
    set_blocking(a, 1);
    set_blocking(b, 1);
    exchange(a, b);
    close_in_order(a, b);
    sync_point("end");
}

/* Both close at once; the first FIN of each side is dropped at input so
 * both are in FIN_WAIT_1 when the retransmitted FINs arrive. */
static void simultaneous_close(void)
{
    int l = listener(8);
    int c = client(CLIENT_PORT);
    int s = accept_one(l);
    exchange(c, s);
    msleep(50);
    close(c);
    close(s);
    msleep(1000);
    sync_point("end");
}

static void midstream(void)
{
    int l = listener(8);
    int c = client(CLIENT_PORT);
    int s = accept_one(l);
    exchange(c, s);
    msleep(100);
    sync_point("capture");
    msleep(50);
    exchange(c, s);
    close_in_order(c, s);
    sync_point("end");
}

/* Loopback lets a TIME_WAIT 4-tuple be reused (tcp_tw_reuse = 2) once the
 * timestamp clock has moved on by a second; retry until the kernel agrees. */
static void port_reuse(void)
{
    int l = listener(8);
    for (int round = 0; round < 2; round++) {
        int c = -1, refusals = 0;
        for (int tries = 0; c < 0; tries++, refusals++) {
            c = bound_socket(CLIENT_PORT);
            struct sockaddr_storage ss;
            socklen_t len = make_addr(&ss, SERVER_PORT);
            if (connect(c, (struct sockaddr *)&ss, len) == 0)
                break;
            if (errno != EADDRNOTAVAIL || tries >= 40)
                die("reconnect on the same 4-tuple");
            close(c);
            c = -1;
            msleep(50);
        }
        if (round > 0)
            fprintf(stderr, "scenario %s: 4-tuple reused after %d refusal%s\n",
                    scenario_name, refusals, refusals == 1 ? "" : "s");
        errno = 0;
        int s = accept_one(l);
        exchange(c, s);
        close_in_order(c, s);
    }
    sync_point("end");
}

/* The same 4-tuple again once the TIME_WAIT is over (Linux: 60 s): a new
 * connection, not a reuse. */
static void reuse_after_time_wait(void)
{
    int l = listener(8);
    for (int round = 0; round < 2; round++) {
        int c = client(CLIENT_PORT);
        int s = accept_one(l);
        exchange(c, s);
        close_in_order(c, s);
        if (round == 0) {
            msleep(61000);
            sync_point("mark"); /* the script records ss: no TIME-WAIT left */
        }
    }
    sync_point("end");
}

/* Corked writes: the kernel sends the last data and the FIN in one
 * segment, on both sides. */
static void fin_with_data(void)
{
    int l = listener(8);
    int c = client(CLIENT_PORT);
    int s = accept_one(l);
    set_int(c, IPPROTO_TCP, TCP_CORK, 1, "TCP_CORK");
    send_n(c, 200, "REQUEST");
    half_close(c); /* FIN joins the corked data */
    recv_n(s, 200);
    expect_eof(s);
    set_int(s, IPPROTO_TCP, TCP_CORK, 1, "TCP_CORK");
    send_n(s, 300, "RESPONSE");
    close(s);
    recv_n(c, 300);
    expect_eof(c);
    close(c);
    msleep(100);
    sync_point("end");
}

/* TCP Fast Open (the script sets net.ipv4.tcp_fastopen = 3 in the
 * namespace): the first connection asks for a cookie, the second carries
 * its request in the SYN.  Different client ports, so no port reuse. */
static void fast_open(void)
{
    int l = listener(8);
    set_int(l, IPPROTO_TCP, TCP_FASTOPEN, 8, "TCP_FASTOPEN");
    for (int round = 0; round < 2; round++) {
        int c = bound_socket(CLIENT_PORT + round);
        struct sockaddr_storage ss;
        socklen_t len = make_addr(&ss, SERVER_PORT);
        char req[200];
        memset(req, '.', sizeof req);
        memcpy(req, "TFO-REQUEST", 11);
        ssize_t k = sendto(c, req, sizeof req, MSG_FASTOPEN,
                           (struct sockaddr *)&ss, len);
        if (k != (ssize_t)sizeof req)
            die("sendto MSG_FASTOPEN");
        int s = accept_one(l);
        recv_n(s, 200);
        send_n(s, 300, "RESPONSE");
        recv_n(c, 300);
        close_in_order(c, s);
    }
    sync_point("end");
}

/* One data segment is dropped once at the server's input (after the
 * capture point); the kernel retransmits and the connection recovers. */
static void data_loss(void)
{
    int l = listener(8);
    int c = client(CLIENT_PORT);
    int s = accept_one(l);
    set_int(c, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
    for (int i = 0; i < 8; i++) {
        char tag[16];
        snprintf(tag, sizeof tag, "C%03d", i);
        send_n(c, 1000, tag);
        msleep(20);
    }
    recv_n(s, 8000);
    send_n(s, 300, "RESPONSE");
    recv_n(c, 300);
    close_in_order(c, s);
    sync_point("end");
}

static const struct {
    const char *name;
    void (*play)(void);
} scenarios[] = {
    {"normal_close_client_first", normal_close_client_first},
    {"normal_close_server_first", normal_close_server_first},
    {"refused", refused},
    {"syn_timeout", connect_unfinished},
    {"backlog_overflow", backlog_overflow},
    {"close_wait_stall", close_wait_stall},
    {"close_wait_rst", close_wait_rst},
    {"rst_after_fin", rst_after_fin},
    {"half_close_stream", half_close_stream},
    {"close_unread", close_unread},
    {"abort_linger0", abort_linger0},
    {"zero_window", zero_window},
    {"half_open_vanished", half_open_vanished},
    {"dead_peer_keepalive", dead_peer_keepalive},
    {"simultaneous_open", simultaneous_open},
    /* same calls; only the script's nft rules differ */
    {"simultaneous_open_asym", simultaneous_open},
    {"simultaneous_close", simultaneous_close},
    {"embryonic", connect_unfinished},
    {"midstream", midstream},
    {"port_reuse", port_reuse},
    {"reuse_after_time_wait", reuse_after_time_wait},
    {"data_loss", data_loss},
    {"fin_with_data", fin_with_data},
    {"fast_open", fast_open},
    /* scenario_path.c: what the path does to a connection */
    {"icmp_port_unreachable", connect_rejected},
    {"icmp_host_unreachable", connect_rejected},
    {"icmp_admin_prohibited", connect_rejected},
    {"icmp_addr_unreachable", connect_rejected},
    {"synack_rejected", synack_rejected},
    {"rst_injected", rst_injected},
    /* routed: the same forged RST, made by a router two hops from the
     * server; a large transfer into a PMTU black hole */
    {"rst_injected_routed", rst_injected},
    {"pmtu_blackhole", pmtu_blackhole},
};

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: scenario NAME SYNCDIR\n");
        return 2;
    }
    scenario_name = argv[1];
    sync_dir = argv[2];
    char base[128];
    size_t n = strlen(argv[1]);
    if (n >= sizeof base) {
        fprintf(stderr, "scenario: name too long\n");
        return 2;
    }
    memcpy(base, argv[1], n + 1);
    if (n > 3 && strcmp(base + n - 3, "_v6") == 0) {
        family = AF_INET6;
        base[n - 3] = '\0';
    }
    routed_setup();
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
        if (strcmp(scenarios[i].name, base) == 0) {
            errno = 0;
            scenarios[i].play();
            return 0;
        }
    }
    fprintf(stderr, "scenario: unknown scenario %s\n", argv[1]);
    return 2;
}
