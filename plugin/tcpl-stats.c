/*
 * tcpl-stats.c - Statistics → TCP lifecycle, also `tshark -q -z
 * tcp_lifecycle,tree`: lifecycles counted by final client/server state
 * pair, anomaly, first closer and close type, and the time endpoints
 * spent in each state, and per host (IP address) its sockets in each
 * state at the end: a netstat from the wire, by core's rule of what a
 * netstat lists (include/tcpl/hosts.h; `tcp-lifecycle report --hosts`
 * draws the same counts over time).
 *
 * The dissector taps every frame it stepped with the lifecycle as that
 * frame shows it: so far in one pass, as the whole capture shows it when
 * frames are revisited (tshark -2, the GUI's retap).  A lifecycle's counts
 * can therefore change with each of its frames, so each tree keeps what it
 * last counted for every lifecycle, takes that back and counts the new
 * view.  Nothing here costs anything unless a stats tree is open.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <epan/packet.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>
#include <epan/to_str.h>
#include <wsutil/wmem/wmem.h>

#include "tcpl-plugin.h"
#include "tcpl/hosts.h"

enum { CLOSERS = 5, CLOSE_TYPES = TCPL_CLOSE_COUNT };

static const char *const closer_names[CLOSERS] = {
    "client", "server", "endpoint A", "endpoint B", "none"};

/* One host's sockets per state, as a netstat on it would list them. */
typedef struct host_count {
    const char *name; /* its address as text */
    int node;
    int total;
    int count[TCPL_STATE_COUNT];
    uint8_t shown[TCPL_STATE_COUNT];
    uint8_t dirty; /* changed by this frame: redraw its rows */
} host_count;

#define NOT_COUNTED 0xff

/* What a tree last counted for one lifecycle. */
typedef struct lc_count {
    uint32_t anomalies;
    uint8_t pair[2];      /* final states, client (or A) first */
    uint8_t closer;       /* index into closer_names */
    uint8_t close_type;   /* tcpl_close */
    uint8_t state[2];     /* each endpoint's state as the frames showed */
    int64_t entered[2];   /* when it entered it */
    int64_t open_ns[2];   /* time counted for the state it is still in */
    host_count *host[2];  /* each endpoint's host, once a frame shows it */
    uint8_t seen[2];      /* a transition of the endpoint was seen: it
                             counts from its first state on */
    uint8_t counted[2];   /* the state its host counts, or NOT_COUNTED */
    uint8_t queued[2];    /* an expiry for the counted state is queued, */
    int64_t queued_until[2]; /* ... to leave at this time */
    int64_t last;         /* the lifecycle's last segment, as last shown */
    int64_t time_wait_ns; /* its engine's TIME_WAIT, as last shown */
} lc_count;

/* A socket to take off its host's count once the capture's clock passes
 * `until` (its lifecycle may see no frame again): when Linux lets go of
 * it (tcpl_host_leaves_at).  Stale when the endpoint has moved on since
 * (another state, or a later segment). */
typedef struct expiry {
    lc_count *k;
    int e;
    int state;
    int64_t until;
} expiry;

typedef struct tree_counts {
    wmem_allocator_t *pool;
    wmem_map_t *lifecycles; /* lifecycle identity -> lc_count */
    int lifecycles_id, pairs_id, anomalies_id, closers_id, types_id, time_id;
    int n, with_anomaly;
    int pair[TCPL_STATE_COUNT][TCPL_STATE_COUNT];
    int anomaly[TCPL_ANOMALY_COUNT];
    int closer[CLOSERS];
    int close_type[CLOSE_TYPES];
    int64_t time_ns[TCPL_STATE_COUNT];
    /* Rows once shown: a count that drops back to 0 (one pass: a
     * lifecycle moved on) must be set to 0, not left as it was. */
    uint8_t pair_shown[TCPL_STATE_COUNT][TCPL_STATE_COUNT];
    uint8_t anomaly_shown[TCPL_ANOMALY_COUNT];
    uint8_t closer_shown[CLOSERS], type_shown[CLOSE_TYPES];
    uint8_t time_shown[TCPL_STATE_COUNT];
    int hosts_id, sockets;
    wmem_map_t *hosts;      /* address text -> host_count */
    wmem_array_t *dirty;    /* host_count * changed by the current frame */
    unsigned ndirty;        /* entries of dirty in use (it is reused) */
    wmem_array_t *expiry;   /* a min-heap of expiry on until */
    unsigned nexpiry;
    int64_t clock;          /* the latest frame time seen */
} tree_counts;

/* The open trees (a GUI may show several): stats_tree has no user pointer. */
static wmem_map_t *trees;

static void count_lifecycle(tree_counts *t, const lc_count *k, int sign)
{
    t->n += sign;
    t->pair[k->pair[0]][k->pair[1]] += sign;
    t->closer[k->closer] += sign;
    t->close_type[k->close_type] += sign;
    if (k->anomalies)
        t->with_anomaly += sign;
    for (int a = 0; a < TCPL_ANOMALY_COUNT; a++)
        if (k->anomalies & TCPL_BIT(a))
            t->anomaly[a] += sign;
}

/* The lifecycle's counted facts from the view this frame tapped. */
static void classify(lc_count *k, const tcpl_conn *c)
{
    int a = c->client >= 0 ? c->client : 0;
    tcpl_close type = tcpl_close_kind(c);

    k->anomalies = c->anomalies;
    k->pair[0] = (uint8_t)c->ep[a].state;
    k->pair[1] = (uint8_t)c->ep[!a].state;
    if (type < TCPL_CLOSE_FIN)
        k->closer = 4;
    else if (c->client >= 0)
        k->closer = c->first_closer == c->client ? 0 : 1;
    else
        k->closer = c->first_closer == 0 ? 2 : 3;
    k->close_type = (uint8_t)type;
}

/* ------------------------------------------------------------ hosts */

static void row(stats_tree *st, const char *name, int parent, int value,
                uint8_t *shown);

static void host_add(tree_counts *t, host_count *h, int state, int sign)
{
    h->count[state] += sign;
    h->total += sign;
    t->sockets += sign;
    if (!h->dirty) {
        h->dirty = 1;
        if (t->ndirty < wmem_array_get_count(t->dirty))
            *(host_count **)wmem_array_index(t->dirty, t->ndirty) = h;
        else
            wmem_array_append_one(t->dirty, h);
        t->ndirty++;
    }
}

static host_count *host_of(tree_counts *t, const address *a)
{
    char buf[WS_INET6_ADDRSTRLEN + 8];
    host_count *h;

    address_to_str_buf(a, buf, (int)sizeof buf);
    h = (host_count *)wmem_map_lookup(t->hosts, buf);
    if (h == NULL) {
        h = wmem_new0(t->pool, host_count);
        h->name = wmem_strdup(t->pool, buf);
        h->node = -1;
        wmem_map_insert(t->hosts, h->name, h);
    }
    return h;
}

/* When Linux lets go of endpoint e's socket in state s by the capture's
 * clock (INT64_MAX: only the wire ends it); the rule is core's. */
static int64_t leaves_at(const lc_count *k, int e, int s)
{
    return tcpl_host_leaves_at((tcpl_state)s, k->entered[e], k->last,
                               k->time_wait_ns);
}

static expiry *heap_at(tree_counts *t, unsigned i)
{
    return (expiry *)wmem_array_index(t->expiry, i);
}

static void heap_swap(tree_counts *t, unsigned a, unsigned b)
{
    expiry x = *heap_at(t, a);

    *heap_at(t, a) = *heap_at(t, b);
    *heap_at(t, b) = x;
}

static void heap_push(tree_counts *t, const expiry *x)
{
    unsigned i = t->nexpiry++;

    if (i < wmem_array_get_count(t->expiry))
        *heap_at(t, i) = *x;
    else
        wmem_array_append_one(t->expiry, *x);
    while (i > 0 && heap_at(t, (i - 1) / 2)->until > heap_at(t, i)->until) {
        heap_swap(t, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void heap_pop(tree_counts *t)
{
    unsigned i = 0;

    *heap_at(t, 0) = *heap_at(t, --t->nexpiry);
    for (;;) {
        unsigned l = 2 * i + 1, m = i;

        if (l < t->nexpiry && heap_at(t, l)->until < heap_at(t, m)->until)
            m = l;
        if (l + 1 < t->nexpiry && heap_at(t, l + 1)->until < heap_at(t, m)->until)
            m = l + 1;
        if (m == i)
            break;
        heap_swap(t, i, m);
        i = m;
    }
}

/* Count endpoint e of k on its host as the lifecycle now shows it: its
 * state, once its first one was seen, if a netstat lists it and Linux has
 * not let go of it by the capture's clock (a TIME_WAIT after 60 s, a
 * handshake given up). */
static void host_recount(tree_counts *t, lc_count *k, int e)
{
    int now = NOT_COUNTED, s = k->state[e];

    if (k->host[e] != NULL && k->seen[e] && tcpl_host_lists((tcpl_state)s) &&
        t->clock < leaves_at(k, e, s))
        now = s;
    if (now != k->counted[e]) {
        if (k->counted[e] != NOT_COUNTED)
            host_add(t, k->host[e], k->counted[e], -1);
        if (now != NOT_COUNTED)
            host_add(t, k->host[e], now, +1);
        k->counted[e] = (uint8_t)now;
        k->queued[e] = 0;
    }
    int64_t until = now != NOT_COUNTED ? leaves_at(k, e, now) : INT64_MAX;
    if (until != INT64_MAX && !(k->queued[e] && k->queued_until[e] == until)) {
        expiry x = {k, e, now, until};

        heap_push(t, &x);
        k->queued[e] = 1;
        k->queued_until[e] = until;
    }
}

/* What Linux let go of by the capture's clock leaves its host; entries
 * whose endpoint has moved on since are stale and skipped. */
static void expire(tree_counts *t)
{
    while (t->nexpiry > 0 && heap_at(t, 0)->until <= t->clock) {
        expiry x = *heap_at(t, 0);

        heap_pop(t);
        if (x.k->counted[x.e] == x.state &&
            leaves_at(x.k, x.e, x.state) == x.until) {
            host_add(t, x.k->host[x.e], x.state, -1);
            x.k->counted[x.e] = NOT_COUNTED;
            x.k->queued[x.e] = 0;
        }
    }
}

static void show_hosts(stats_tree *st, tree_counts *t)
{
    unsigned n = t->ndirty;

    stats_tree_manip_node_int(MN_SET, st, "Hosts: sockets at the end (netstat)",
                              0, TRUE, t->sockets);
    for (unsigned i = 0; i < n; i++) {
        host_count *h = *(host_count **)wmem_array_index(t->dirty, i);

        h->dirty = 0;
        if (h->node < 0 && h->total == 0)
            continue;
        h->node = stats_tree_manip_node_int(MN_SET, st, h->name, t->hosts_id,
                                            TRUE, h->total);
        for (int s = 0; s < TCPL_STATE_COUNT; s++)
            row(st, tcpl_state_name((tcpl_state)s), h->node, h->count[s],
                &h->shown[s]);
    }
    t->ndirty = 0;
}

static int clamp_int(int64_t v)
{
    return v > INT_MAX ? INT_MAX : v < 0 ? 0 : (int)v;
}

/* Set a row to value if it has ever been non-zero. */
static void row(stats_tree *st, const char *name, int parent, int value,
                uint8_t *shown)
{
    if (value == 0 && !*shown)
        return;
    *shown = 1;
    stats_tree_manip_node_int(MN_SET, st, name, parent, FALSE, value);
}

static void show(stats_tree *st, tree_counts *t)
{
    char name[64];
    int64_t total_ms = 0;

    stats_tree_manip_node_int(MN_SET, st, "Lifecycles", 0, TRUE, t->n);
    stats_tree_manip_node_int(MN_SET, st, "Final states (client / server)",
                              t->lifecycles_id, TRUE, t->n);
    for (int c = 0; c < TCPL_STATE_COUNT; c++)
        for (int s = 0; s < TCPL_STATE_COUNT; s++)
            if (t->pair[c][s] || t->pair_shown[c][s]) {
                snprintf(name, sizeof name, "%s / %s",
                         tcpl_state_name((tcpl_state)c),
                         tcpl_state_name((tcpl_state)s));
                row(st, name, t->pairs_id, t->pair[c][s], &t->pair_shown[c][s]);
            }
    stats_tree_manip_node_int(MN_SET, st, "With anomalies", t->lifecycles_id,
                              TRUE, t->with_anomaly);
    for (int a = 0; a < TCPL_ANOMALY_COUNT; a++)
        if (t->anomaly[a] || t->anomaly_shown[a]) {
            snprintf(name, sizeof name, "%s (%s)",
                     tcpl_anomaly_phrase((tcpl_anomaly)a),
                     tcpl_anomaly_name((tcpl_anomaly)a));
            row(st, name, t->anomalies_id, t->anomaly[a], &t->anomaly_shown[a]);
        }
    stats_tree_manip_node_int(MN_SET, st, "First closer", t->lifecycles_id,
                              TRUE, t->n);
    for (int i = 0; i < CLOSERS; i++)
        row(st, closer_names[i], t->closers_id, t->closer[i],
            &t->closer_shown[i]);
    stats_tree_manip_node_int(MN_SET, st, "Close type", t->lifecycles_id,
                              TRUE, t->n);
    for (int i = 0; i < CLOSE_TYPES; i++)
        row(st, tcpl_close_name((tcpl_close)i), t->types_id, t->close_type[i],
            &t->type_shown[i]);
    /* Time while the connection existed: neither before any evidence
     * (UNKNOWN) nor after it closed (CLOSED). */
    for (int s = 0; s < TCPL_STATE_COUNT; s++) {
        int ms = clamp_int(t->time_ns[s] / 1000000);

        if (s == TCPL_UNKNOWN || s == TCPL_CLOSED)
            continue;
        total_ms += ms;
        row(st, tcpl_state_name((tcpl_state)s), t->time_id, ms,
            &t->time_shown[s]);
    }
    stats_tree_manip_node_int(MN_SET, st, "Time in state (ms, both endpoints)",
                              0, TRUE, clamp_int(total_ms));
}

static tap_packet_status stats_packet(stats_tree *st, packet_info *pinfo,
                                      epan_dissect_t *edt _U_, const void *p,
                                      tap_flags_t flags _U_)
{
    const tcpl_tap_info *ti = (const tcpl_tap_info *)p;
    tree_counts *t = trees ? (tree_counts *)wmem_map_lookup(trees, st) : NULL;
    lc_count *k;
    int64_t end;

    if (t == NULL || ti == NULL)
        return TAP_PACKET_DONT_REDRAW;
    k = (lc_count *)wmem_map_lookup(t->lifecycles, ti->lifecycle);
    if (k == NULL) {
        k = wmem_new0(t->pool, lc_count);
        k->state[0] = k->state[1] = TCPL_UNKNOWN;
        k->entered[0] = k->entered[1] = ti->conn->first_ns;
        k->counted[0] = k->counted[1] = NOT_COUNTED;
        wmem_map_insert(t->lifecycles, ti->lifecycle, k);
    } else {
        count_lifecycle(t, k, -1);
    }
    /* Time per state: take back the still-open states' time, close the
     * states this frame left, count the open ones up to the lifecycle's
     * latest frame. */
    for (int e = 0; e < 2; e++) {
        t->time_ns[k->state[e]] -= k->open_ns[e];
        k->open_ns[e] = 0;
    }
    for (int i = 0; i < ti->ntrans; i++) {
        const tcpl_transition *tr = &ti->trans[i];
        int e = tr->endpoint & 1;

        if (ti->ts_ns > k->entered[e])
            t->time_ns[tr->from] += ti->ts_ns - k->entered[e];
        k->entered[e] = ti->ts_ns;
        k->state[e] = (uint8_t)tr->to;
        k->seen[e] = 1;
    }
    end = ti->conn->last_ns > ti->ts_ns ? ti->conn->last_ns : ti->ts_ns;
    for (int e = 0; e < 2; e++) {
        k->open_ns[e] = end > k->entered[e] ? end - k->entered[e] : 0;
        t->time_ns[k->state[e]] += k->open_ns[e];
    }
    classify(k, ti->conn);
    count_lifecycle(t, k, +1);
    /* Each endpoint belongs to its own address: the sender is the frame's
     * source (an ICMP error's addresses are a router's, not theirs). */
    if (ti->from == 0 || ti->from == 1) {
        if (k->host[ti->from] == NULL)
            k->host[ti->from] = host_of(t, &pinfo->src);
        if (k->host[!ti->from] == NULL)
            k->host[!ti->from] = host_of(t, &pinfo->dst);
    }
    if (ti->ts_ns > t->clock)
        t->clock = ti->ts_ns;
    k->last = ti->conn->last_ns;
    k->time_wait_ns = ti->conn->cfg.time_wait_ns;
    expire(t);
    for (int e = 0; e < 2; e++)
        host_recount(t, k, e);
    show(st, t);
    show_hosts(st, t);
    return TAP_PACKET_REDRAW;
}

/* Called when a tree opens and again when it is reset (a retap). */
static void stats_init(stats_tree *st)
{
    tree_counts *t = trees ? (tree_counts *)wmem_map_lookup(trees, st) : NULL;

    if (t != NULL) {
        wmem_destroy_allocator(t->pool);
        memset(t, 0, sizeof *t);
    } else {
        t = wmem_new0(wmem_epan_scope(), tree_counts);
    }
    t->pool = wmem_allocator_new(WMEM_ALLOCATOR_SIMPLE);
    t->lifecycles = wmem_map_new(t->pool, g_direct_hash, g_direct_equal);
    t->lifecycles_id =
        stats_tree_create_node(st, "Lifecycles", 0, STAT_DT_INT, TRUE);
    t->pairs_id = stats_tree_create_node(st, "Final states (client / server)",
                                         t->lifecycles_id, STAT_DT_INT, TRUE);
    t->anomalies_id = stats_tree_create_node(st, "With anomalies",
                                             t->lifecycles_id, STAT_DT_INT,
                                             TRUE);
    t->closers_id = stats_tree_create_node(st, "First closer",
                                           t->lifecycles_id, STAT_DT_INT, TRUE);
    t->types_id = stats_tree_create_node(st, "Close type", t->lifecycles_id,
                                         STAT_DT_INT, TRUE);
    t->time_id = stats_tree_create_node(
        st, "Time in state (ms, both endpoints)", 0, STAT_DT_INT, TRUE);
    t->hosts_id = stats_tree_create_node(
        st, "Hosts: sockets at the end (netstat)", 0, STAT_DT_INT, TRUE);
    t->hosts = wmem_map_new(t->pool, g_str_hash, g_str_equal);
    t->dirty = wmem_array_new(t->pool, sizeof(host_count *));
    t->expiry = wmem_array_new(t->pool, sizeof(expiry));
    if (trees == NULL)
        trees = wmem_map_new(wmem_epan_scope(), g_direct_hash, g_direct_equal);
    wmem_map_insert(trees, st, t);
}

static void stats_cleanup(stats_tree *st)
{
    tree_counts *t = trees ? (tree_counts *)wmem_map_remove(trees, st) : NULL;

    if (t == NULL)
        return;
    wmem_destroy_allocator(t->pool);
    wmem_free(wmem_epan_scope(), t);
}

void tcpl_register_stats_tree(void)
{
    stats_tree_register_plugin(TCPL_TAP_NAME, "tcp_lifecycle", "TCP lifecycle",
                               0, stats_packet, stats_init, stats_cleanup);
}
