/*
 * fixture.h - what the engine's unit tests share (test_engine.c,
 * test_anomaly.c and test_gaps.c for the transition table, the anomalies
 * and the missed segments, test_path.c for the evidence from the path:
 * ICMP errors, TTLs, rejected SYN-ACKs): checks, a fixture that plays a loss-free network, state
 * fixtures named after the state they reach, and TEST(name), which
 * registers a test that ctest runs as engine.<name>.
 */
#ifndef TCPL_TESTS_FIXTURE_H
#define TCPL_TESTS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpl/tcpl.h"

#define C 0 /* the client is endpoint 0: it sends the first segment */
#define S 1
#define MS INT64_C(1000000)

extern int failed; /* set by a failed check of the running test */

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
            failed = 1;                                                        \
        }                                                                      \
    } while (0)

#define CHECK_STATE(f, who, st)                                                \
    do {                                                                       \
        tcpl_state got_ = (f)->c.ep[who].state;                                \
        if (got_ != (st)) {                                                    \
            fprintf(stderr, "%s:%d: endpoint %d is %s, expected %s\n",         \
                    __FILE__, __LINE__, who, tcpl_state_name(got_),            \
                    tcpl_state_name(st));                                      \
            failed = 1;                                                        \
        }                                                                      \
    } while (0)

typedef struct fx {
    tcpl_conn c;
    tcpl_result r;   /* result of the latest step or finish */
    uint32_t all;    /* anomalies raised by every step so far */
    int64_t t;       /* clock, ns */
    uint32_t nxt[2]; /* next sequence number of each side */
    uint32_t win[2]; /* window each side advertises */
    int rc;          /* return code of the latest step */
    uint8_t ttl[2];  /* IP TTL each side's segments carry (0 = unknown) */
} fx;

void fx_init(fx *f, uint32_t cisn, uint32_t sisn);
void wait_ms(fx *f, int64_t ms);
/* Step one segment with every field spelled out. */
int raw(fx *f, int from, uint16_t flags, uint32_t seq, uint32_t ack,
        uint32_t len, uint32_t win);
/* Step a segment as a loss-free network carries it: the sender's next
 * sequence number, and an ACK covering all the peer has sent. */
int tx(fx *f, int from, uint16_t flags, uint32_t len);
/* Like tx() but with a chosen ACK (the peer's data not yet received). */
int tx_ack(fx *f, int from, uint16_t flags, uint32_t len, uint32_t ack);
void fin(fx *f);
/* An ICMP error (family 4 or 6) about a segment `about` sent with
 * sequence number seq and flags; from_peer: sent by the peer's host. */
int icmp_err(fx *f, int about, uint8_t family, uint8_t type, uint8_t code,
             uint32_t seq, uint16_t flags, int from_peer);
/* A segment the network delivered and the capture missed: the sender's
 * sequence numbers move on, nothing is stepped. */
void miss(fx *f, int from, uint16_t flags, uint32_t len);
/* The latest step moved endpoint `who` to `to`, marked inferred or not. */
int moved(const fx *f, int who, tcpl_state to, int inferred);
/* Fixtures: each leaves the connection in the named state pair. */
void fx_syn_sent(fx *f);
void fx_syn_received(fx *f);
void fx_established(fx *f);
/* client FIN_WAIT_1, server ESTABLISHED (the FIN not yet acked) */
void fx_fin_wait_1(fx *f);
/* client FIN_WAIT_2, server CLOSE_WAIT */
void fx_fin_wait_2(fx *f);
/* server LAST_ACK, client FIN_WAIT_2 (the server's FIN not yet acked) */
void fx_last_ack(fx *f);
/* client TIME_WAIT, server CLOSED */
void fx_time_wait(fx *f);
/* client CLOSING, server FIN_WAIT_2: FINs crossed, the client acked first */
void fx_closing(fx *f);
/* One-way captures, established: only the server's segments (its SYN-ACK
 * proves the SYN, its data's ACK the client's request), or only the
 * client's (its ACKs prove the SYN-ACK and the server's answer). */
void fx_server_only(fx *f);
void fx_client_only(fx *f);

#define A TCPL_ACK
#define SYN TCPL_SYN
#define FIN TCPL_FIN
#define RST TCPL_RST
#define PSH TCPL_PSH
#define BIT(x) TCPL_BIT(TCPL_A_##x)

typedef void (*test_fn)(void);
void test_register(const char *label, test_fn fn);

#define TEST(name)                                                             \
    static void test_##name(void);                                             \
    __attribute__((constructor)) static void reg_##name(void)                  \
    {                                                                          \
        test_register(#name, test_##name);                                     \
    }                                                                          \
    static void test_##name(void)

#endif /* TCPL_TESTS_FIXTURE_H */
