/*
 * hosts.c - the rules of the per-host netstat (include/tcpl/hosts.h): which
 * states a host's netstat lists, what "at time t" means for a series of
 * samples, how an endpoint's walk through its states becomes changes to its
 * host's counts, and when the counts deserve a warning.
 *
 * Counts are kept as changes (+1 when an endpoint is first seen in a state
 * at a sample, -1 when it is no longer) so that lifecycles may arrive in
 * any order (the tracker hands them over when they end) and several
 * collections of them add up: the series is the running sum, read once at
 * the end.  The caller owns and grows the arrays; nothing here allocates.
 */
#include "tcpl/hosts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- names */

static const struct {
    const char *name;
    tcpl_severity sev;
    const char *text;
} warnings[] = {
#define TCPL_HOST_WARNING_ROW(id, name, sev, text) {name, sev, text},
    TCPL_HOST_WARNINGS(TCPL_HOST_WARNING_ROW)
#undef TCPL_HOST_WARNING_ROW
};

tcpl_state tcpl_host_warning_state(tcpl_host_warning w)
{
    switch (w) {
    case TCPL_HW_TIME_WAIT_ACCUMULATION: return TCPL_TIME_WAIT;
    case TCPL_HW_SYN_SENT_PILEUP: return TCPL_SYN_SENT;
    case TCPL_HW_SYN_RECEIVED_PILEUP: return TCPL_SYN_RECEIVED;
    case TCPL_HW_CLOSE_WAIT_LEAK: return TCPL_CLOSE_WAIT;
    default: return TCPL_UNKNOWN;
    }
}

const char *tcpl_host_warning_name(tcpl_host_warning w)
{
    return (unsigned)w < TCPL_HOST_WARNING_COUNT ? warnings[w].name : "?";
}

tcpl_severity tcpl_host_warning_severity(tcpl_host_warning w)
{
    return (unsigned)w < TCPL_HOST_WARNING_COUNT ? warnings[w].sev
                                                 : TCPL_SEV_NOTE;
}

const char *tcpl_host_warning_template(tcpl_host_warning w)
{
    return (unsigned)w < TCPL_HOST_WARNING_COUNT ? warnings[w].text : "";
}

int tcpl_host_warning_from_name(const char *name, size_t len)
{
    for (int w = 0; w < TCPL_HOST_WARNING_COUNT; w++)
        if (strlen(warnings[w].name) == len &&
            memcmp(warnings[w].name, name, len) == 0)
            return w;
    return -1;
}

void tcpl_host_limits_init(tcpl_host_limits *l)
{
    l->port_range = 60999 - 32768 + 1; /* Linux ip_local_port_range */
    l->time_wait = (l->port_range + 99) / 100;
    l->syn_sent = 64;
    l->syn_received = 64;
    l->close_wait = 5;
}

/* ------------------------------------------------------------- the clock */

/* Floor division: capture times may in principle precede the epoch. */
static int64_t fdiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void tcpl_host_clock_init(tcpl_host_clock *clk, int64_t base_ns, bool fixed,
                          uint32_t max_points)
{
    clk->base_ns = base_ns > 0 ? base_ns : TCPL_HOST_INTERVAL_NS;
    clk->interval_ns = clk->base_ns;
    clk->max_points = max_points;
    clk->fixed = fixed;
    clk->lo_ns = INT64_MAX;
    clk->hi_ns = INT64_MIN;
}

/* Round intervals for the default, each a multiple of the one before, so
 * a coarser bucket is a whole number of finer ones. */
static const int64_t ladder_s[] = {1, 5, 10, 30, 60, 300, 600, 1800, 3600};

static int64_t next_interval(const tcpl_host_clock *clk)
{
    if (!clk->fixed && clk->base_ns == TCPL_HOST_INTERVAL_NS)
        for (size_t k = 0; k < sizeof ladder_s / sizeof ladder_s[0]; k++)
            if (ladder_s[k] * TCPL_HOST_INTERVAL_NS > clk->interval_ns)
                return ladder_s[k] * TCPL_HOST_INTERVAL_NS;
    return clk->interval_ns * 2;
}

int64_t tcpl_host_clock_see(tcpl_host_clock *clk, int64_t t_ns)
{
    if (t_ns < clk->lo_ns)
        clk->lo_ns = t_ns;
    if (t_ns > clk->hi_ns)
        clk->hi_ns = t_ns;
    int64_t was = clk->interval_ns;
    while (clk->max_points &&
           fdiv(clk->hi_ns, clk->interval_ns) - fdiv(clk->lo_ns, clk->interval_ns) +
                   1 > (int64_t)clk->max_points &&
           clk->interval_ns < INT64_MAX / 4)
        clk->interval_ns = next_interval(clk);
    return clk->interval_ns / was;
}

int64_t tcpl_host_bucket(const tcpl_host_clock *clk, int64_t t_ns)
{
    return fdiv(t_ns, clk->interval_ns);
}

int64_t tcpl_host_sample_ns(const tcpl_host_clock *clk, int64_t bucket,
                            int64_t end_ns)
{
    int64_t t = (bucket + 1) * clk->interval_ns;
    return t > end_ns ? end_ns : t;
}

/* The first bucket whose sample (taken at its end) is at or after t: the
 * state entered at t counts there, a state left at t no longer does. */
static int64_t first_sample_at_or_after(const tcpl_host_clock *clk, int64_t t)
{
    return fdiv(t - 1, clk->interval_ns);
}

/* ----------------------------------------------------------- the walk */

void tcpl_host_walk_init(tcpl_host_walk *w)
{
    w->state = TCPL_UNKNOWN;
    w->since_ns = 0;
    w->counted = false;
}

/* netstat lists every socket but a closed one: CLOSED means the kernel
 * holds nothing (an expired TIME_WAIT, a reset, a refused attempt). */
bool tcpl_host_lists(tcpl_state s)
{
    return s != TCPL_CLOSED && (unsigned)s < TCPL_STATE_COUNT;
}

size_t tcpl_host_walk_step(tcpl_host_walk *w, const tcpl_host_clock *clk,
                           tcpl_state to, int64_t ts_ns,
                           tcpl_host_delta out[2])
{
    size_t n = 0;
    if (ts_ns < w->since_ns && w->counted)
        ts_ns = w->since_ns; /* never a span of negative length */
    if (w->counted) {
        int64_t b1 = first_sample_at_or_after(clk, w->since_ns);
        int64_t b2 = first_sample_at_or_after(clk, ts_ns);
        if (b1 != b2) {
            out[n++] = (tcpl_host_delta){b1, 1, (uint8_t)w->state};
            out[n++] = (tcpl_host_delta){b2, -1, (uint8_t)w->state};
        }
    }
    w->state = to;
    w->since_ns = ts_ns;
    w->counted = tcpl_host_lists(to);
    return n;
}

int64_t tcpl_host_give_up_ns(tcpl_state s)
{
    switch (s) {
    case TCPL_SYN_SENT: return INT64_C(64000000000);
    case TCPL_SYN_RECEIVED: return INT64_C(32000000000);
    default: return 0;
    }
}

int64_t tcpl_host_leaves_at(tcpl_state s, int64_t entered_ns, int64_t last_ns,
                            int64_t time_wait_ns)
{
    if (s == TCPL_TIME_WAIT)
        return entered_ns + time_wait_ns;
    int64_t g = tcpl_host_give_up_ns(s);
    if (g == 0)
        return INT64_MAX;
    return (last_ns > entered_ns ? last_ns : entered_ns) + g;
}

size_t tcpl_host_walk_end(tcpl_host_walk *w, const tcpl_host_clock *clk,
                          int64_t last_ns, int64_t time_wait_ns,
                          tcpl_host_delta out[1], int64_t *gone_ns)
{
    *gone_ns = INT64_MAX;
    if (!w->counted)
        return 0;
    /* A TIME_WAIT whose timer ran is a transition the walk has already
     * seen (to CLOSED).  One still held was written before its timer ran
     * (a --linger shorter than TIME_WAIT, an eviction): the socket leaves
     * its host when the timer would have run, not at the capture's end. */
    *gone_ns = tcpl_host_leaves_at(w->state, w->since_ns, last_ns, time_wait_ns);
    w->counted = false;
    out[0] = (tcpl_host_delta){first_sample_at_or_after(clk, w->since_ns), 1,
                               (uint8_t)w->state};
    return 1;
}

bool tcpl_host_gone(const tcpl_host_clock *clk, tcpl_state s, int64_t gone_ns,
                    int64_t end_ns, tcpl_host_delta *out)
{
    if (gone_ns > end_ns) /* still held at the last sample */
        return false;
    *out = (tcpl_host_delta){first_sample_at_or_after(clk, gone_ns), -1,
                             (uint8_t)s};
    return true;
}

/* --------------------------------------------------------- the series */

static int delta_cmp(const void *a, const void *b)
{
    const tcpl_host_delta *x = a, *y = b;
    if (x->bucket != y->bucket)
        return x->bucket < y->bucket ? -1 : 1;
    return (int)x->state - (int)y->state;
}

size_t tcpl_host_compact(tcpl_host_delta *d, size_t n)
{
    if (n == 0)
        return 0;
    qsort(d, n, sizeof *d, delta_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k && d[k - 1].bucket == d[i].bucket && d[k - 1].state == d[i].state)
            d[k - 1].delta += d[i].delta;
        else
            d[k++] = d[i];
        if (d[k - 1].delta == 0)
            k--;
    }
    return k;
}

size_t tcpl_host_rebucket(tcpl_host_delta *d, size_t n, int64_t factor)
{
    if (factor <= 1)
        return n;
    for (size_t i = 0; i < n; i++)
        d[i].bucket = fdiv(d[i].bucket, factor);
    return tcpl_host_compact(d, n);
}

static void apply_through(tcpl_host_cursor *c, int64_t bucket)
{
    while (c->i < c->n && c->d[c->i].bucket <= bucket) {
        c->count[c->d[c->i].state % TCPL_STATE_COUNT] += c->d[c->i].delta;
        c->i++;
    }
}

void tcpl_host_cursor_init(tcpl_host_cursor *c, const tcpl_host_delta *d,
                           size_t n, int64_t first_bucket)
{
    memset(c, 0, sizeof *c);
    c->d = d;
    c->n = n;
    c->bucket = first_bucket;
    apply_through(c, first_bucket);
}

void tcpl_host_cursor_next(tcpl_host_cursor *c)
{
    c->bucket++;
    apply_through(c, c->bucket);
}

/* ----------------------------------------------------------- warnings */

void tcpl_host_judge(const tcpl_host_limits *l, const tcpl_host_clock *clk,
                     const tcpl_host_delta *d, size_t n, int64_t first_bucket,
                     int64_t last_bucket, int64_t end_ns,
                     const tcpl_host_dest *dest, tcpl_host_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->cw_first_ns = -1;
    tcpl_host_cursor c;
    tcpl_host_cursor_init(&c, d, n, first_bucket);
    int64_t cw_prev = 0;
    uint32_t rises = 0;
    for (;;) {
        int64_t t = tcpl_host_sample_ns(clk, c.bucket, end_ns);
        for (int s = 0; s < TCPL_STATE_COUNT; s++)
            if (c.count[s] > v->peak[s]) {
                v->peak[s] = c.count[s];
                v->peak_ns[s] = t;
            }
        /* A leak only grows: count the rises since it last fell, so an
         * application that closes its sockets, late, is not called one. */
        int64_t cw = c.count[TCPL_CLOSE_WAIT];
        if (cw > 0 && v->cw_first_ns < 0)
            v->cw_first_ns = t;
        if (cw > cw_prev)
            rises++;
        else if (cw < cw_prev)
            rises = 0;
        cw_prev = cw;
        if (c.bucket >= last_bucket)
            break;
        tcpl_host_cursor_next(&c);
    }
    memcpy(v->final, c.count, sizeof v->final);
    v->cw_rises = rises;

    if (v->peak[TCPL_TIME_WAIT] >= l->time_wait ||
        (dest && dest->peak >= l->time_wait))
        v->warnings |= TCPL_BIT(TCPL_HW_TIME_WAIT_ACCUMULATION);
    if (v->peak[TCPL_SYN_SENT] >= l->syn_sent)
        v->warnings |= TCPL_BIT(TCPL_HW_SYN_SENT_PILEUP);
    if (v->peak[TCPL_SYN_RECEIVED] >= l->syn_received)
        v->warnings |= TCPL_BIT(TCPL_HW_SYN_RECEIVED_PILEUP);
    /* Grown in two samples at least: one burst of closes by the peer is
     * the peer's doing, a count that keeps climbing is the application's. */
    if (v->final[TCPL_CLOSE_WAIT] >= l->close_wait && rises >= 2)
        v->warnings |= TCPL_BIT(TCPL_HW_CLOSE_WAIT_LEAK);
}

/* Seconds from t0, as the text report gives times: 3 decimals. */
static void secs(char *buf, size_t n, int64_t t_ns, int64_t t0_ns)
{
    int64_t d = t_ns - t0_ns;
    if (d < 0)
        d = 0;
    snprintf(buf, n, "%lld.%03lld", (long long)(d / 1000000000),
             (long long)(d % 1000000000 / 1000000));
}

size_t tcpl_host_describe(tcpl_host_warning w, const char *host,
                          const tcpl_host_verdict *v,
                          const tcpl_host_dest *dest, const char *dest_text,
                          const tcpl_host_limits *l, int64_t t0_ns, char *buf,
                          size_t n)
{
    const char *tpl = tcpl_host_warning_template(w);
    tcpl_state st = tcpl_host_warning_state(w);
    size_t at = 0;
    char tmp[256];
    for (const char *p = tpl; *p; p++) {
        const char *put = tmp;
        tmp[0] = '\0';
        if (p[0] == '%' && p[1]) {
            switch (*++p) {
            case 'H':
                put = host;
                break;
            case 'N':
                snprintf(tmp, sizeof tmp, "%lld",
                         (long long)(w == TCPL_HW_CLOSE_WAIT_LEAK ? v->final[st]
                                                                  : v->peak[st]));
                break;
            case 'T':
                secs(tmp, sizeof tmp, v->peak_ns[st], t0_ns);
                break;
            case 'D':
                if (dest && dest_text && dest->peak > 0 && l->port_range) {
                    char t[32];
                    secs(t, sizeof t, dest->peak_ns, t0_ns);
                    snprintf(tmp, sizeof tmp,
                             "; toward %s alone %u of its %u ephemeral ports "
                             "(%.1f%%) at %s s, which no new connection to it "
                             "can use",
                             dest_text, dest->peak, l->port_range,
                             100.0 * dest->peak / l->port_range, t);
                }
                break;
            case 'R': {
                char t[32];
                secs(t, sizeof t, v->cw_first_ns, t0_ns);
                snprintf(tmp, sizeof tmp, "from %s s on, rising at %u samples",
                         t, v->cw_rises);
                break;
            }
            default:
                tmp[0] = p[0] == '%' ? '%' : *p;
                tmp[1] = '\0';
            }
        } else {
            tmp[0] = *p;
            tmp[1] = '\0';
        }
        size_t len = strlen(put);
        if (at < n) {
            size_t room = n - at - 1;
            memcpy(buf + at, put, len < room ? len : room);
        }
        at += len;
    }
    if (n)
        buf[at < n ? at : n - 1] = '\0';
    return at;
}
