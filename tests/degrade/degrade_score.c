/*
 * degrade_score.c - how the degradation program judges: the lifecycle a
 * truth endpoint ended in, right / wrong / unknown against the kernel,
 * which flagged anomalies are false, the means over captures; the packet
 * loss generator; and --self-test, which checks all of it (and the
 * --assert parser) on hand-made data, so the metrics can be trusted to
 * fail and to pass.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "degrade.h"

/* The splitmix64 generator: tiny, fully specified, the same everywhere
 * (rand() is not), so seed N drops the same packets on every machine. */
uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));

    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* An address and port of a tuple is the truth's address t. */
bool same_addr(uint8_t family, const uint8_t *a, uint16_t pa,
               const tcpl_truth_addr *t)
{
    return family == t->family && pa == t->port &&
           memcmp(a, t->addr, family == 4 ? 4 : 16) == 0;
}

/* ------------------------------------------------------ classification */

/*
 * The last lifecycle (by first frame) on e's 4-tuple, whichever endpoint
 * sent its first packet; *idx is e's endpoint index in it.  NULL when no
 * lifecycle has that 4-tuple.
 */
const lc_view *find_lifecycle(const lc_view *lcs, size_t n,
                              const tcpl_truth_endpoint *e, int *idx)
{
    const lc_view *best = NULL;

    for (size_t i = 0; i < n; i++) {
        const tcpl_tuple *t = &lcs[i].tuple;
        int k;

        if (same_addr(t->family, t->src, t->sport, &e->me) &&
            same_addr(t->family, t->dst, t->dport, &e->peer))
            k = 0;
        else if (same_addr(t->family, t->dst, t->dport, &e->me) &&
                 same_addr(t->family, t->src, t->sport, &e->peer))
            k = 1;
        else
            continue;
        if (!best || lcs[i].first_frame > best->first_frame) {
            best = &lcs[i];
            *idx = k;
        }
    }
    return best;
}

/* e's final state in lc (NULL: in no lifecycle) against the truth. */
verdict classify(const lc_view *lc, int idx, const tcpl_truth_endpoint *e)
{
    if (!lc || lc->state[idx] == TCPL_UNKNOWN)
        return V_UNKNOWN;
    return lc->state[idx] == e->state ? V_RIGHT : V_WRONG;
}

/* Connection anomalies flagged and not known to be there: capture notes
 * never count. */
uint32_t false_anomalies(uint32_t flagged, uint32_t known)
{
    uint32_t m = 0;

    for (int a = 0; a < TCPL_ANOMALY_COUNT; a++)
        if ((flagged & TCPL_BIT(a)) && !(known & TCPL_BIT(a)) &&
            tcpl_anomaly_kind((tcpl_anomaly)a) == TCPL_KIND_CONN)
            m |= TCPL_BIT(a);
    return m;
}

/*
 * A class's metric over captures: the mean of each capture's percentage,
 * over the captures that have something to measure (a capture with no
 * variant in the class, or no seen endpoint, is left out).  Returns false
 * when no capture has.
 */
bool class_metric(const capture *caps, size_t ncaps, dclass c, metric m,
                  double *out)
{
    double sum = 0;
    size_t n = 0;

    for (size_t i = 0; i < ncaps; i++) {
        const tally *t = &caps[i].t[c];
        uint64_t num, den;

        switch (m) {
        case M_RIGHT: num = t->right, den = t->checks; break;
        case M_WRONG: num = t->wrong, den = t->checks; break;
        case M_UNKNOWN: num = t->unknown, den = t->checks; break;
        case M_SEEN_RIGHT: num = t->seen_right, den = t->seen_checks; break;
        default: num = t->false_variants, den = t->variants; break;
        }
        if (t->variants == 0 || den == 0)
            continue;
        sum += 100.0 * (double)num / (double)den;
        n++;
    }
    if (n == 0)
        return false;
    *out = sum / (double)n;
    return true;
}


/* ------------------------------------------------------------- self-test */

/*
 * --self-test: the scoring code on hand-made lifecycles, so that the
 * metrics can be trusted to fail and to pass.  Prints what failed; returns
 * the number of failed checks.
 */
int self_test(void)
{
    int failed = 0;
#define EXPECT(cond)                                                           \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, PROG ": self-test: %s:%d: %s\n", __FILE__,         \
                    __LINE__, #cond);                                          \
            failed++;                                                          \
        }                                                                      \
    } while (0)

    /* 10.0.0.1:40000 (client) -> 10.0.0.2:80 (server) */
    tcpl_truth_endpoint cl = {.client = true, .state = TCPL_TIME_WAIT};
    tcpl_truth_endpoint sv = {.client = false, .state = TCPL_CLOSED};
    cl.me = (tcpl_truth_addr){.family = 4, .addr = {10, 0, 0, 1}, .port = 40000};
    cl.peer = (tcpl_truth_addr){.family = 4, .addr = {10, 0, 0, 2}, .port = 80};
    sv.me = cl.peer;
    sv.peer = cl.me;

    lc_view lcs[4];
    memset(lcs, 0, sizeof lcs);
    /* an older lifecycle on the tuple, started by the client */
    lcs[0].tuple.family = 4;
    memcpy(lcs[0].tuple.src, cl.me.addr, 4);
    memcpy(lcs[0].tuple.dst, sv.me.addr, 4);
    lcs[0].tuple.sport = 40000;
    lcs[0].tuple.dport = 80;
    lcs[0].first_frame = 1;
    lcs[0].state[0] = TCPL_CLOSED;
    lcs[0].state[1] = TCPL_CLOSED;
    lcs[0].client = 0;
    /* the last one, first seen from the server (endpoint 0 = server) */
    lcs[1] = lcs[0];
    memcpy(lcs[1].tuple.src, sv.me.addr, 4);
    memcpy(lcs[1].tuple.dst, cl.me.addr, 4);
    lcs[1].tuple.sport = 80;
    lcs[1].tuple.dport = 40000;
    lcs[1].first_frame = 9;
    lcs[1].state[0] = TCPL_CLOSED;    /* server */
    lcs[1].state[1] = TCPL_CLOSE_WAIT; /* client */
    lcs[1].client = 0;                 /* the engine took the server for the client */
    /* same addresses as IPv6 bytes: another tuple */
    lcs[2] = lcs[0];
    lcs[2].tuple.family = 6;
    lcs[2].first_frame = 20;
    /* another port: another tuple */
    lcs[3] = lcs[0];
    lcs[3].tuple.sport = 40001;
    lcs[3].first_frame = 30;

    int idx = -1;
    const lc_view *lc = find_lifecycle(lcs, 4, &cl, &idx);
    EXPECT(lc == &lcs[1] && idx == 1);
    EXPECT(classify(lc, idx, &cl) == V_WRONG);   /* CLOSE_WAIT, truth TIME_WAIT */
    lc = find_lifecycle(lcs, 4, &sv, &idx);
    EXPECT(lc == &lcs[1] && idx == 0);
    EXPECT(classify(lc, idx, &sv) == V_RIGHT);
    EXPECT(lc->client >= 0 && (lc->client == idx) != sv.client); /* reversed */
    lcs[1].state[1] = TCPL_UNKNOWN;
    EXPECT(classify(&lcs[1], 1, &cl) == V_UNKNOWN);
    lcs[1].state[1] = TCPL_TIME_WAIT;
    EXPECT(classify(&lcs[1], 1, &cl) == V_RIGHT);
    EXPECT(find_lifecycle(lcs + 2, 2, &cl, &idx) == NULL);
    EXPECT(classify(NULL, 0, &cl) == V_UNKNOWN);

    /* capture notes never count; known anomalies do not either */
    uint32_t flagged = TCPL_BIT(TCPL_A_MIDSTREAM) | TCPL_BIT(TCPL_A_CAPTURE_GAP) |
                       TCPL_BIT(TCPL_A_ONE_SIDED) | TCPL_BIT(TCPL_A_RESET) |
                       TCPL_BIT(TCPL_A_HALF_OPEN);
    EXPECT(false_anomalies(flagged, TCPL_BIT(TCPL_A_RESET)) ==
           TCPL_BIT(TCPL_A_HALF_OPEN));
    EXPECT(false_anomalies(flagged, TCPL_BIT(TCPL_A_RESET) |
                                        TCPL_BIT(TCPL_A_HALF_OPEN)) == 0);

    /* means over captures, not pooled; a capture without variants is left
     * out: right = (100 + 25) / 2, pooled it would be 40 */
    capture caps[3];
    double v = -1;
    memset(caps, 0, sizeof caps);
    caps[0].t[C_DROP_ONE] = (tally){.variants = 1, .checks = 1, .right = 1};
    caps[1].t[C_DROP_ONE] = (tally){.variants = 2, .checks = 4, .right = 1,
                                    .wrong = 1, .unknown = 2,
                                    .false_variants = 1};
    EXPECT(class_metric(caps, 3, C_DROP_ONE, M_RIGHT, &v) && v == 62.5);
    EXPECT(class_metric(caps, 3, C_DROP_ONE, M_WRONG, &v) && v == 12.5);
    EXPECT(class_metric(caps, 3, C_DROP_ONE, M_UNKNOWN, &v) && v == 25);
    EXPECT(class_metric(caps, 3, C_DROP_ONE, M_FALSE, &v) && v == 25);
    EXPECT(!class_metric(caps, 3, C_RANDOM5, M_RIGHT, &v));
    EXPECT(!class_metric(caps, 3, C_DROP_ONE, M_SEEN_RIGHT, &v));

    /* assertions: the bounds hold inclusively, and fail just past them */
    assertion a;
    bool have;
    EXPECT(parse_assert("drop_one:right>=62.5", &a) == 0 &&
           assertion_holds(&a, caps, 3, &have, &v));
    EXPECT(parse_assert("drop_one:right>=62.6", &a) == 0 &&
           !assertion_holds(&a, caps, 3, &have, &v) && have);
    EXPECT(parse_assert("drop_one:wrong<=12.5", &a) == 0 &&
           assertion_holds(&a, caps, 3, &have, &v));
    EXPECT(parse_assert("drop_one:false<=24", &a) == 0 &&
           !assertion_holds(&a, caps, 3, &have, &v));
    EXPECT(parse_assert("random5:wrong<=100", &a) == 0 &&
           !assertion_holds(&a, caps, 3, &have, &v) && !have);
    EXPECT(parse_assert("c2s:seen_right>=90", &a) == 0 && a.cls == C_C2S &&
           a.m == M_SEEN_RIGHT && !a.at_most && a.limit == 90);
    EXPECT(parse_assert("drop_one:seen_right>=90", &a) != 0);
    EXPECT(parse_assert("drop_one:right=>90", &a) != 0);
    EXPECT(parse_assert("drop_one:right>=101", &a) != 0);
    EXPECT(parse_assert("drop_one:right>=", &a) != 0);
    EXPECT(parse_assert("drop_one:right>=9x", &a) != 0);
    EXPECT(parse_assert("drop:right>=9", &a) != 0);
    EXPECT(parse_assert("drop_one:rightish>=9", &a) != 0);
    EXPECT(parse_assert("drop_one", &a) != 0);

    /* the generator is splitmix64 (reference value for seed 0), and drops
     * close to 5% */
    uint64_t x = 0;
    EXPECT(splitmix64(&x) == UINT64_C(0xE220A8397B1DCDAF));
    size_t dropped = 0;
    x = 1;
    for (int i = 0; i < 100000; i++)
        dropped += (splitmix64(&x) >> 11) < LOSS_THRESHOLD;
    EXPECT(dropped > 4700 && dropped < 5300);
#undef EXPECT
    if (!failed)
        printf(PROG ": self-test: all checks passed\n");
    return failed;
}

