/*
 * truth.h - read and check a kernel-truth file (captures/NAME.truth).
 *
 * The format is described in captures/README.md: `description`, `endpoint
 * ADDR:PORT PEER:PORT client|server STATE`, `expect NAME`, `allow NAME` and
 * '#' comments.  Two programs read it: tests/captures/truthcheck (which
 * validates every committed file) and tests/degrade (which scores the
 * engine on damaged copies of the captures).  They share this reader so
 * that a file one accepts, the other reads the same way.
 *
 * Names of states and anomalies are looked up with the engine's own
 * tcpl_state_from_name() and tcpl_anomaly_from_name(), so a truth file
 * cannot name something the tools do not know.  Beyond the syntax the
 * reader checks what the format promises: one description, addresses that
 * parse, every endpoint's peer listed with the opposite role, no endpoint
 * twice, no anomaly both expected and allowed.
 */
#ifndef TCPL_TESTS_TRUTH_H
#define TCPL_TESTS_TRUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpl/tcpl.h"

enum { TCPL_TRUTH_MAX_ENDPOINTS = 64, TCPL_TRUTH_ADDR_MAX = 64 };

/* One ADDR:PORT as written and as the wire decoder stores it. */
typedef struct tcpl_truth_addr {
    char text[TCPL_TRUTH_ADDR_MAX]; /* "127.0.0.1:41000" or "[::1]:41000" */
    uint8_t family;                 /* 4 or 6 */
    uint8_t addr[16];               /* IPv4 in the first 4 bytes, rest zero */
    uint16_t port;
} tcpl_truth_addr;

typedef struct tcpl_truth_endpoint {
    tcpl_truth_addr me;
    tcpl_truth_addr peer;
    bool client;      /* else server */
    tcpl_state state; /* the kernel's final state (never UNKNOWN) */
    int line;         /* where the file says so */
} tcpl_truth_endpoint;

typedef struct tcpl_truth {
    size_t nendpoints;
    tcpl_truth_endpoint ep[TCPL_TRUTH_MAX_ENDPOINTS];
    uint32_t expect; /* TCPL_BIT(anomaly) of the expect lines */
    uint32_t allow;  /* and of the allow lines */
} tcpl_truth;

/* Receives each problem found; line is 0 when the file cannot be opened. */
typedef void (*tcpl_truth_error_fn)(void *user, const char *path, int line,
                                    const char *what);

/*
 * Read path into *t, reporting every problem through err (not only the
 * first, so one run shows all that is wrong with a file).  Returns the
 * number of problems: 0 means *t is complete and valid.
 */
int tcpl_truth_read(const char *path, tcpl_truth *t, tcpl_truth_error_fn err,
                    void *user);

#endif /* TCPL_TESTS_TRUTH_H */
