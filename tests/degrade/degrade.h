/*
 * degrade.h - what the degradation program's two halves share: the
 * variant classes and metrics, the captures and their tallies.  degrade.c
 * reads the captures, damages and runs them; degrade_score.c judges each
 * endpoint against the truth and averages; degrade_out.c prints the
 * tables and checks the --assert targets.
 */
#ifndef TCPL_DEGRADE_H
#define TCPL_DEGRADE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpl/tcpl.h"
#include "tracker.h"
#include "truth.h"

#define PROG "tcpl_degrade"

enum { SEEDS = 20 };

/* 5% of 2^53: a packet is dropped when 53 random bits fall below it. */
#define LOSS_THRESHOLD ((UINT64_C(1) << 53) / 20)

/* ---------------------------------------------------------------- classes */

typedef enum dclass {
    C_COMPLETE,
    C_DROP_ONE,
    C_DROP_LAST,
    C_RANDOM5,
    C_C2S,
    C_S2C,
    C_COUNT
} dclass;

extern const char *const class_names[C_COUNT];

/* Metrics an assertion can name: percentages, means over captures. */
typedef enum metric {
    M_RIGHT,
    M_WRONG,
    M_UNKNOWN,
    M_SEEN_RIGHT, /* c2s, s2c: the endpoint whose packets were kept */
    M_FALSE,      /* variants with a false anomaly */
    M_COUNT
} metric;

extern const char *const metric_names[M_COUNT];

/* Counts for one capture (or all) in one class. */
typedef struct tally {
    uint64_t variants;
    uint64_t checks; /* truth endpoints scored, over all variants */
    uint64_t right, wrong, unknown;
    uint64_t seen_checks, seen_right;
    uint64_t false_variants;
    uint64_t role_reversed; /* the engine's role for the endpoint was the other */
} tally;

/* ------------------------------------------------------------- the input */

/* One TCP packet of a capture, decoded once. */
typedef struct packet {
    uint64_t frame;
    tcpl_tuple t;
    tcpl_segment s;
    int8_t sender_client; /* by the truth: 1 client, 0 server, -1 not in it */
} packet;

typedef struct capture {
    char *name; /* file name without folder and extension */
    packet *pkts;
    size_t npkts;
    tcpl_truth *truth;
    /* from the complete run */
    bool *is_last;               /* per packet: a lifecycle's last packet */
    uint32_t complete_anomalies; /* everything the complete run flagged */
    tally t[C_COUNT];
} capture;

/* What a variant's run keeps of each lifecycle it emitted. */
typedef struct lc_view {
    tcpl_tuple tuple; /* src/sport = endpoint 0 */
    uint64_t first_frame, last_frame;
    tcpl_state state[2];
    int8_t client; /* endpoint index, -1 if unknown */
    uint32_t anomalies;
} lc_view;

typedef struct run {
    lc_view *lcs;
    size_t n, cap;
    bool oom;
} run;

/* One line of -v, kept for --summary. */
typedef struct failure {
    char *key;     /* "CAPTURE: what", the same in every variant it hits */
    char *variant; /* the variant's label */
    size_t order;  /* when it happened: variants are listed in run order */
} failure;

typedef struct assertion {
    const char *text;
    dclass cls;
    metric m;
    bool at_most; /* <=, else >= */
    double limit;
} assertion;

typedef struct options {
    bool verbose;
    bool per_capture;
    bool run_class[C_COUNT];
    size_t summary; /* groups to print, 0 = none */
    assertion *asserts;
    size_t nasserts;
} options;

typedef struct state {
    const options *o;
    capture *caps;
    size_t ncaps, caps_cap;
    failure *fails;
    size_t nfails, fails_cap;
    bool oom;
} state;

/* An endpoint's final state against the kernel's. */
typedef enum verdict { V_RIGHT, V_WRONG, V_UNKNOWN } verdict;

/* degrade.c */
void error_line(const char *fmt, ...);

/* degrade_score.c: scoring primitives and their self-test */
uint64_t splitmix64(uint64_t *x);
bool same_addr(uint8_t family, const uint8_t *a, uint16_t port,
               const tcpl_truth_addr *t);
const lc_view *find_lifecycle(const lc_view *lcs, size_t n,
                              const tcpl_truth_endpoint *e, int *idx);
verdict classify(const lc_view *lc, int idx, const tcpl_truth_endpoint *e);
uint32_t false_anomalies(uint32_t flagged, uint32_t known);
bool class_metric(const capture *caps, size_t ncaps, dclass c, metric m,
                  double *out);
int self_test(void);

/* degrade_out.c: tables, the failure summary, assertions */
void print_tables(const state *st);
void print_per_capture(const state *st);
int print_summary(state *st);
int parse_assert(const char *s, assertion *a);
bool assertion_holds(const assertion *a, const capture *caps, size_t ncaps,
                     bool *have, double *measured);
int check_assertions(const state *st);

#endif /* TCPL_DEGRADE_H */
