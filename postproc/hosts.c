/*
 * hosts.c - the report's per-host tally (hosts.h): an open-addressing table
 * of series, one per host and one per (client host, destination) for the
 * TIME_WAIT share, each a growable array of core's changes.  The rules,
 * what counts and when, are core's (core/hosts.c); this file only stores.
 *
 * Memory grows with the state changes, not the packets; each series is
 * compacted (equal buckets merged) whenever it has doubled since the last
 * time, so a host with a million short connections over a 1000-sample
 * series stays near 1000 x the states it used.
 */
#define _POSIX_C_SOURCE 200809L
#include "hosts.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_fmt.h"

typedef struct series {
    bool used;
    bool is_dest; /* a (host, destination) TIME_WAIT series */
    uint8_t family;
    uint8_t addr[16];
    uint8_t peer[16]; /* the destination (is_dest) */
    uint16_t port;
    size_t host;      /* is_dest: index of its host in hosts[] */
    tcpl_host_delta *d;
    size_t n, cap, ncompact;
} series;

/* A socket that leaves its host at `gone` (a handshake Linux gives up, a
 * TIME_WAIT whose timer runs out) unless the capture ends first, which is
 * known for sure only at tcpl_hosts_finish().  A destination's series is
 * named by its key: the table moves series when it grows. */
typedef struct pending {
    int64_t gone;
    size_t host;
    uint8_t peer[16];
    uint16_t port;
    uint8_t state;
    bool is_dest;
} pending;

struct tcpl_hosts {
    tcpl_host_clock clk;
    tcpl_host_limits lim;
    int64_t interval_ns;
    bool fixed;
    series *tab; /* open addressing, power of two */
    size_t tcap, tcount;
    tcpl_host_entry *hosts; /* in the order first seen, then sorted */
    size_t nhosts, hcap;
    pending *pend;
    size_t npend, pcap, pflush; /* pflush: settle() again at this many */
    bool failed;
    int64_t first_bucket, last_bucket, end_ns;
};

tcpl_hosts *tcpl_hosts_new(int64_t interval_ns, bool fixed,
                           const tcpl_host_limits *l)
{
    tcpl_hosts *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->interval_ns = interval_ns;
    h->fixed = fixed && interval_ns > 0;
    if (l)
        h->lim = *l;
    else
        tcpl_host_limits_init(&h->lim);
    tcpl_hosts_reset(h);
    return h;
}

void tcpl_hosts_reset(tcpl_hosts *h)
{
    for (size_t i = 0; i < h->tcap; i++)
        if (h->tab[i].used && h->tab[i].is_dest)
            free(h->tab[i].d);
    for (size_t i = 0; i < h->nhosts; i++)
        free(h->hosts[i].d);
    free(h->tab);
    free(h->hosts);
    free(h->pend);
    h->pend = NULL;
    h->npend = h->pcap = h->pflush = 0;
    h->tab = NULL;
    h->hosts = NULL;
    h->tcap = h->tcount = h->nhosts = h->hcap = 0;
    h->failed = false;
    tcpl_host_clock_init(&h->clk, h->interval_ns, h->fixed, TCPL_HOST_MAX_POINTS);
}

void tcpl_hosts_free(tcpl_hosts *h)
{
    if (!h)
        return;
    tcpl_hosts_reset(h);
    free(h);
}

/* ----------------------------------------------------------- the table */

static uint64_t key_hash(bool is_dest, uint8_t family, const uint8_t *addr,
                         const uint8_t *peer, uint16_t port)
{
    uint64_t x = 1469598103934665603ull ^ (uint64_t)(is_dest * 2 + family);
    for (int i = 0; i < 16; i++)
        x = (x ^ addr[i]) * 1099511628211ull;
    if (is_dest) {
        for (int i = 0; i < 16; i++)
            x = (x ^ peer[i]) * 1099511628211ull;
        x = (x ^ port) * 1099511628211ull;
    }
    return x ^ (x >> 29);
}

static bool key_eq(const series *s, bool is_dest, uint8_t family,
                   const uint8_t *addr, const uint8_t *peer, uint16_t port)
{
    return s->is_dest == is_dest && s->family == family &&
           memcmp(s->addr, addr, 16) == 0 &&
           (!is_dest || (s->port == port && memcmp(s->peer, peer, 16) == 0));
}

static bool grow_table(tcpl_hosts *h)
{
    size_t nc = h->tcap ? h->tcap * 2 : 256;
    series *t = calloc(nc, sizeof *t);
    if (!t)
        return false;
    for (size_t i = 0; i < h->tcap; i++) {
        series *s = &h->tab[i];
        if (!s->used)
            continue;
        size_t j = key_hash(s->is_dest, s->family, s->addr, s->peer, s->port) & (nc - 1);
        while (t[j].used)
            j = (j + 1) & (nc - 1);
        t[j] = *s;
    }
    free(h->tab);
    h->tab = t;
    h->tcap = nc;
    return true;
}

/* The series of a host (is_dest false) or of a host's destination; host
 * series live in hosts[] and the table keeps their index. */
static series *lookup(tcpl_hosts *h, bool is_dest, uint8_t family,
                      const uint8_t *addr, const uint8_t *peer, uint16_t port)
{
    uint64_t hash = key_hash(is_dest, family, addr, peer, port);
    /* Grows only to insert, so finding a series never moves the others. */
    if (h->tcap) {
        for (size_t j = hash & (h->tcap - 1); h->tab[j].used; j = (j + 1) & (h->tcap - 1))
            if (key_eq(&h->tab[j], is_dest, family, addr, peer, port))
                return &h->tab[j];
    }
    if ((h->tcount + 1) * 4 > h->tcap * 3 && !grow_table(h))
        return NULL;
    size_t j = hash & (h->tcap - 1);
    while (h->tab[j].used)
        j = (j + 1) & (h->tcap - 1);
    series *s = &h->tab[j];
    memset(s, 0, sizeof *s);
    s->used = true;
    s->is_dest = is_dest;
    s->family = family;
    memcpy(s->addr, addr, 16);
    if (is_dest) {
        memcpy(s->peer, peer, 16);
        s->port = port;
    }
    if (!is_dest) {
        if (h->nhosts == h->hcap) {
            size_t nc = h->hcap ? h->hcap * 2 : 16;
            void *p = realloc(h->hosts, nc * sizeof *h->hosts);
            if (!p) {
                s->used = false;
                return NULL;
            }
            h->hosts = p;
            h->hcap = nc;
        }
        tcpl_host_entry *e = &h->hosts[h->nhosts];
        memset(e, 0, sizeof *e);
        e->family = family;
        memcpy(e->addr, addr, 16);
        s->host = h->nhosts++;
    }
    h->tcount++;
    return s;
}

/* The storage of a series: a host's lives in its entry. */
typedef struct store {
    tcpl_host_delta **d;
    size_t *n, *cap, *ncompact;
} store;

static store store_of(tcpl_hosts *h, series *s)
{
    if (s->is_dest)
        return (store){&s->d, &s->n, &s->cap, &s->ncompact};
    tcpl_host_entry *e = &h->hosts[s->host];
    return (store){&e->d, &e->n, &e->cap, &e->ncompact};
}

static bool append(store st, const tcpl_host_delta *add, size_t k)
{
    if (k == 0)
        return true;
    if (*st.n + k > *st.cap && *st.n >= 64 && *st.n >= 2 * *st.ncompact) {
        *st.n = tcpl_host_compact(*st.d, *st.n);
        *st.ncompact = *st.n;
    }
    if (*st.n + k > *st.cap) {
        size_t nc = *st.cap ? *st.cap * 2 : 8;
        while (nc < *st.n + k)
            nc *= 2;
        void *p = realloc(*st.d, nc * sizeof **st.d);
        if (!p)
            return false;
        *st.d = p;
        *st.cap = nc;
    }
    memcpy(*st.d + *st.n, add, k * sizeof *add);
    *st.n += k;
    return true;
}

static void rebucket_all(tcpl_hosts *h, int64_t factor)
{
    for (size_t i = 0; i < h->tcap; i++)
        if (h->tab[i].used) {
            store st = store_of(h, &h->tab[i]);
            *st.n = tcpl_host_rebucket(*st.d, *st.n, factor);
            *st.ncompact = *st.n;
        }
}

static void see(tcpl_hosts *h, int64_t t)
{
    int64_t f = tcpl_host_clock_see(&h->clk, t);
    if (f > 1)
        rebucket_all(h, f);
}

/* ------------------------------------------------------------ lifecycles */

/*
 * The state endpoint ep entered at timeline entry i, and when.  The
 * tracker dates an entry by the packet (or the end) that showed it; the
 * engine dates the expiry of TIME_WAIT when its timer ran out, which the
 * endpoint's since_ns holds for its last state.
 */
static int64_t entry_time(const tcpl_lifecycle *lc, size_t i, int64_t prev)
{
    const tcpl_tl_entry *e = &lc->timeline[i];
    const tcpl_endpoint *p = &lc->conn.ep[e->endpoint];
    for (size_t k = i + 1; k < lc->ntimeline; k++)
        if (lc->timeline[k].endpoint == e->endpoint)
            return e->ts_ns;
    if (p->state == e->state && p->since_ns < e->ts_ns && p->since_ns >= prev)
        return p->since_ns;
    return e->ts_ns;
}

/*
 * Apply the pending departures that happen at or before end_ns (all of
 * them at the capture's end; during it, those before the latest time any
 * lifecycle has shown, which the capture's end cannot precede).  Keeps the
 * rest, so the list holds only the sockets of the last timer's length.
 */
static bool settle(tcpl_hosts *h, int64_t end_ns, bool all)
{
    size_t keep = 0;
    bool ok = true;
    for (size_t i = 0; i < h->npend; i++) {
        pending *p = &h->pend[i];
        if (!all && p->gone > end_ns) {
            h->pend[keep++] = *p;
            continue;
        }
        tcpl_host_delta d;
        if (!tcpl_host_gone(&h->clk, (tcpl_state)p->state, p->gone, end_ns, &d))
            continue;
        series *s = NULL; /* an existing series: the lookup moves none */
        if (p->is_dest) {
            const tcpl_host_entry *e = &h->hosts[p->host];
            s = lookup(h, true, e->family, e->addr, p->peer, p->port);
        }
        store st = s ? store_of(h, s)
                     : (store){&h->hosts[p->host].d, &h->hosts[p->host].n,
                               &h->hosts[p->host].cap, &h->hosts[p->host].ncompact};
        if ((p->is_dest && !s) || !append(st, &d, 1))
            ok = false;
    }
    h->npend = keep;
    return ok;
}

static bool push_pending(tcpl_hosts *h, const pending *p)
{
    if (h->npend == h->pcap) {
        /* Most of a long capture's departures are already due: settle
         * those before growing. */
        if (h->npend >= h->pflush && h->clk.lo_ns <= h->clk.hi_ns) {
            if (!settle(h, h->clk.hi_ns, false))
                return false;
            h->pflush = 2 * h->npend > 1024 ? 2 * h->npend : 1024;
        }
        if (h->npend == h->pcap) {
            size_t nc = h->pcap ? h->pcap * 2 : 64;
            void *q = realloc(h->pend, nc * sizeof *h->pend);
            if (!q)
                return false;
            h->pend = q;
            h->pcap = nc;
        }
    }
    h->pend[h->npend++] = *p;
    return true;
}

static bool add_endpoint(tcpl_hosts *h, const tcpl_lifecycle *lc, int ep)
{
    const tcpl_tuple *t = &lc->tuple;
    const uint8_t *addr = ep == 0 ? t->src : t->dst;
    const tcpl_conn *c = &lc->conn;
    /* The TIME_WAIT share is of a client's ephemeral ports toward one
     * destination; a server's TIME_WAITs hold its listening port. */
    bool client = c->client >= 0 && c->client == ep;
    static const uint8_t none[16];
    series *hs = lookup(h, false, t->family, addr, none, 0);
    if (!hs)
        return false;
    size_t hi = hs->host; /* hs itself moves if the table grows below */
    series *ds = NULL;
    if (client) {
        ds = lookup(h, true, t->family, addr, ep == 0 ? t->dst : t->src,
                    ep == 0 ? t->dport : t->sport);
        if (!ds)
            return false;
        ds->host = hi;
    }
    tcpl_host_entry *he = &h->hosts[hi];
    store hst = {&he->d, &he->n, &he->cap, &he->ncompact};
    tcpl_host_walk w, tw;
    tcpl_host_walk_init(&w);
    tcpl_host_walk_init(&tw);
    tcpl_host_delta d[2];
    int64_t prev = INT64_MIN;
    bool ok = true;
    tcpl_state last = TCPL_UNKNOWN;
    bool any = false;
    for (size_t i = 0; i < lc->ntimeline; i++) {
        if (lc->timeline[i].endpoint != ep)
            continue;
        int64_t ts = entry_time(lc, i, prev);
        tcpl_state to = lc->timeline[i].state;
        size_t k = tcpl_host_walk_step(&w, &h->clk, to, ts, d);
        ok = ok && append(hst, d, k);
        if (ds) {
            k = tcpl_host_walk_step(&tw, &h->clk,
                                    to == TCPL_TIME_WAIT ? TCPL_TIME_WAIT : TCPL_CLOSED,
                                    ts, d);
            ok = ok && append(store_of(h, ds), d, k);
        }
        prev = ts;
        last = to;
        any = true;
    }
    /* A timeline cut at TCPL_TL_MAX still ends in the engine's state. */
    if (lc->timeline_dropped && any && last != c->ep[ep].state) {
        int64_t ts = c->ep[ep].since_ns > prev ? c->ep[ep].since_ns : prev;
        size_t k = tcpl_host_walk_step(&w, &h->clk, c->ep[ep].state, ts, d);
        ok = ok && append(hst, d, k);
    }
    int64_t gone;
    tcpl_state held = w.state;
    int64_t tw_ns = c->cfg.time_wait_ns;
    ok = ok && append(hst, d, tcpl_host_walk_end(&w, &h->clk, c->last_ns, tw_ns, d, &gone));
    if (ok && gone != INT64_MAX)
        ok = push_pending(h, &(pending){.gone = gone, .host = hi, .state = (uint8_t)held});
    if (ds) {
        held = tw.state;
        ok = ok && append(store_of(h, ds), d,
                          tcpl_host_walk_end(&tw, &h->clk, c->last_ns, tw_ns, d, &gone));
        if (ok && gone != INT64_MAX) {
            pending p = {.gone = gone, .host = hi, .port = ds->port,
                         .state = (uint8_t)held, .is_dest = true};
            memcpy(p.peer, ds->peer, 16);
            ok = push_pending(h, &p);
        }
    }
    return ok;
}

int tcpl_hosts_add(tcpl_hosts *h, const tcpl_lifecycle *lc)
{
    if (lc->ntimeline == 0)
        return 0;
    /* The clock first: a coarser interval must apply to these changes too. */
    see(h, lc->timeline[0].ts_ns);
    see(h, lc->timeline[lc->ntimeline - 1].ts_ns);
    for (int ep = 0; ep < 2; ep++)
        if (!add_endpoint(h, lc, ep)) {
            h->failed = true;
            return -1;
        }
    return 0;
}

/* ------------------------------------------------------------- the end */

static int entry_cmp(const void *a, const void *b)
{
    const tcpl_host_entry *x = a, *y = b;
    if (x->held != y->held)
        return x->held > y->held ? -1 : 1;
    if (x->peak_held != y->peak_held)
        return x->peak_held > y->peak_held ? -1 : 1;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return memcmp(x->addr, y->addr, 16);
}

/* The most TIME_WAIT a destination series held at one sample. */
static void dest_peak(const tcpl_hosts *h, const series *s, tcpl_host_dest *out)
{
    int64_t run = 0;
    out->peak = 0;
    for (size_t i = 0; i < s->n; i++) {
        run += s->d[i].delta;
        bool bucket_done = i + 1 == s->n || s->d[i + 1].bucket != s->d[i].bucket;
        if (bucket_done && s->d[i].bucket >= h->first_bucket - 1 &&
            s->d[i].bucket <= h->last_bucket && run > (int64_t)out->peak) {
            int64_t b = s->d[i].bucket < h->first_bucket ? h->first_bucket
                                                         : s->d[i].bucket;
            out->peak = (uint32_t)run;
            out->peak_ns = tcpl_host_sample_ns(&h->clk, b, h->end_ns);
        }
    }
}

void tcpl_hosts_finish(tcpl_hosts *h, int64_t first_ns, int64_t last_ns)
{
    if (first_ns > last_ns)
        first_ns = last_ns = 0;
    see(h, first_ns);
    see(h, last_ns);
    h->first_bucket = tcpl_host_bucket(&h->clk, first_ns);
    h->last_bucket = tcpl_host_bucket(&h->clk, last_ns);
    h->end_ns = last_ns;
    if (!settle(h, last_ns, true))
        h->failed = true;
    for (size_t i = 0; i < h->nhosts; i++) {
        tcpl_host_entry *e = &h->hosts[i];
        e->n = tcpl_host_compact(e->d, e->n);
        e->ncompact = e->n;
    }
    for (size_t i = 0; i < h->tcap; i++) {
        series *s = &h->tab[i];
        if (!s->used || !s->is_dest)
            continue;
        s->n = tcpl_host_compact(s->d, s->n);
        s->ncompact = s->n;
        tcpl_host_dest d = {0};
        dest_peak(h, s, &d);
        tcpl_host_entry *e = &h->hosts[s->host];
        /* Ties go to the lower address, whatever the table's order. */
        bool better = d.peak > e->dest.peak ||
                      (d.peak == e->dest.peak && d.peak > 0 &&
                       (memcmp(s->peer, e->dest.addr, 16) < 0 ||
                        (memcmp(s->peer, e->dest.addr, 16) == 0 &&
                         s->port < e->dest.port)));
        if (better) {
            d.family = s->family;
            memcpy(d.addr, s->peer, 16);
            d.port = s->port;
            e->dest = d;
        }
    }
    for (size_t i = 0; i < h->nhosts; i++) {
        tcpl_host_entry *e = &h->hosts[i];
        tcpl_host_judge(&h->lim, &h->clk, e->d, e->n, h->first_bucket,
                        h->last_bucket, h->end_ns, &e->dest, &e->v);
        e->held = 0;
        for (int s = 0; s < TCPL_STATE_COUNT; s++)
            e->held += (uint64_t)(e->v.final[s] > 0 ? e->v.final[s] : 0);
        tcpl_host_cursor c;
        tcpl_host_cursor_init(&c, e->d, e->n, h->first_bucket);
        for (;;) {
            uint64_t sum = 0;
            for (int s = 0; s < TCPL_STATE_COUNT; s++)
                sum += (uint64_t)(c.count[s] > 0 ? c.count[s] : 0);
            if (sum > e->peak_held)
                e->peak_held = sum;
            if (c.i >= c.n || c.bucket >= h->last_bucket)
                break;
            /* Counts change only where a change is: skip to it. */
            int64_t next = c.d[c.i].bucket;
            c.bucket = (next > h->last_bucket ? h->last_bucket : next) - 1;
            tcpl_host_cursor_next(&c);
        }
    }
    if (h->nhosts > 1)
        qsort(h->hosts, h->nhosts, sizeof *h->hosts, entry_cmp);
}

bool tcpl_hosts_failed(const tcpl_hosts *h) { return h->failed; }
size_t tcpl_hosts_count(const tcpl_hosts *h) { return h->nhosts; }
const tcpl_host_entry *tcpl_hosts_get(const tcpl_hosts *h, size_t i)
{
    return i < h->nhosts ? &h->hosts[i] : NULL;
}
const tcpl_host_clock *tcpl_hosts_clock(const tcpl_hosts *h) { return &h->clk; }
const tcpl_host_limits *tcpl_hosts_limits(const tcpl_hosts *h) { return &h->lim; }
int64_t tcpl_hosts_first_bucket(const tcpl_hosts *h) { return h->first_bucket; }
int64_t tcpl_hosts_last_bucket(const tcpl_hosts *h) { return h->last_bucket; }
int64_t tcpl_hosts_end_ns(const tcpl_hosts *h) { return h->end_ns; }

char *tcpl_host_addr_str(char *buf, size_t n, uint8_t family,
                         const uint8_t *addr)
{
    if (!inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, buf, (socklen_t)n) && n)
        buf[0] = '\0';
    return buf;
}

char *tcpl_host_dest_str(char *buf, size_t n, const tcpl_host_dest *d)
{
    char a[64];
    tcpl_host_addr_str(a, sizeof a, d->family, d->addr);
    snprintf(buf, n, d->family == 6 ? "[%s]:%u" : "%s:%u", a, (unsigned)d->port);
    return buf;
}
