/*
 * tracker.c - the 4-tuple -> lifecycle map behind tcpl_tracker_packet().
 *
 * An open-addressing hash table (linear probing, backward-shift deletion)
 * of lifecycle nodes keyed by the direction-independent 4-tuple.  Nodes
 * whose endpoints are all closed or still handshaking also sit on an idle
 * list ordered by their last activity, so evicting the ones idle for
 * linger_ns costs O(1) per packet instead of a table scan.  Every node is
 * also on an activity list, least recently active first, which is where a
 * cap on open lifecycles (max_open) takes its victim.  Whatever the
 * engine reports is copied into the node's timeline and event lists; the
 * node is freed right after the emit callback has seen it.
 *
 * Nodes come from the tracker's own slabs, 2 MiB mappings the kernel may
 * back with huge pages, and go back to a free list for the next lifecycle:
 * filling malloc's heap with ~1.5 KB nodes cost a page fault every three
 * nodes, a few percent of `report --pcap`, and the pool still holds only as
 * many nodes as were ever open at once.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, madvise */
#include "tracker.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Under AddressSanitizer a node on the free list stays poisoned, so a use
 * after its emit is still caught as with free(). */
#if defined(__SANITIZE_ADDRESS__)
#define TCPL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TCPL_ASAN 1
#endif
#endif
#ifdef TCPL_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define SLAB_BYTES ((size_t)2 << 20)

/* The direction-independent 4-tuple as five words: the lower endpoint's
 * address, the higher one's, then family and both ports.  Words, so that
 * building, hashing and comparing keys (on every packet) is a few loads
 * and no library call. */
typedef struct key {
    uint64_t w[5];
} key;

typedef struct node {
    tcpl_lifecycle lc;
    key k;
    uint64_t hash;
    int64_t touch_ns;   /* tracker clock at the last segment */
    struct node *iprev; /* idle list links, valid when idle */
    struct node *inext;
    struct node *aprev; /* activity list links, always valid */
    struct node *anext;
    bool idle;
    size_t tl_cap;
    size_t ev_cap;
    size_t seg_cap;
    size_t zrow_cap;
    tcpl_zeek_rows zr; /* with opts.zeek_rows: the Zeek row being cut */
} node;

struct tcpl_tracker {
    tcpl_tracker_opts o;
    node **slots;
    size_t cap; /* power of two */
    size_t count;
    node *idle_head; /* least recently active first */
    node *idle_tail;
    node *act_head; /* least recently active first */
    node *act_tail;
    int64_t now; /* latest timestamp seen: captures may step back slightly */
    uint64_t next_id;
    tcpl_tracker_stats st;
    struct slab *slabs; /* every slab, to unmap at the end */
    char *fresh;        /* the newest slab's untouched rest */
    size_t fresh_left;
    node *free_nodes;   /* nodes handed out and given back, linked by anext */
};

/* At the start of each slab; the nodes follow. */
typedef struct slab {
    struct slab *next;
} slab;

#define NODE_BYTES ((sizeof(node) + alignof(node) - 1) / alignof(node) * alignof(node))
#define SLAB_HEAD ((sizeof(slab) + alignof(node) - 1) / alignof(node) * alignof(node))

/* A 2 MiB mapping on a 2 MiB boundary, where a huge page can back it. */
static void *map_slab(void)
{
    char *m = mmap(NULL, 2 * SLAB_BYTES, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    size_t lead = (SLAB_BYTES - (uintptr_t)m % SLAB_BYTES) % SLAB_BYTES;
    if (lead)
        munmap(m, lead);
    munmap(m + lead + SLAB_BYTES, SLAB_BYTES - lead);
    m += lead;
#ifdef MADV_HUGEPAGE
    madvise(m, SLAB_BYTES, MADV_HUGEPAGE);
#endif
    return m;
}

/* A zeroed node, as calloc gives; NULL when out of memory. */
static node *node_alloc(tcpl_tracker *tr)
{
    node *n = tr->free_nodes;
    if (n) {
        UNPOISON(n, sizeof *n);
        tr->free_nodes = n->anext;
        memset(n, 0, sizeof *n);
        return n;
    }
    if (tr->fresh_left < NODE_BYTES) {
        slab *sl = map_slab();
        if (!sl)
            return NULL;
        sl->next = tr->slabs;
        tr->slabs = sl;
        tr->fresh = (char *)sl + SLAB_HEAD;
        tr->fresh_left = SLAB_BYTES - SLAB_HEAD;
    }
    n = (node *)(void *)tr->fresh; /* a new mapping reads as zeros */
    tr->fresh += NODE_BYTES;
    tr->fresh_left -= NODE_BYTES;
    return n;
}

void tcpl_tracker_opts_init(tcpl_tracker_opts *o)
{
    memset(o, 0, sizeof *o);
    tcpl_config_init(&o->cfg);
    o->linger_ns = INT64_C(65000000000);
}

tcpl_tracker *tcpl_tracker_new(const tcpl_tracker_opts *o)
{
    tcpl_tracker *tr = calloc(1, sizeof *tr);
    if (!tr)
        return NULL;
    tr->o = *o;
    tr->cap = 1024;
    tr->slots = calloc(tr->cap, sizeof *tr->slots);
    if (!tr->slots) {
        free(tr);
        return NULL;
    }
    tr->now = INT64_MIN;
    tr->st.first_ns = INT64_MAX;
    tr->st.last_ns = INT64_MIN;
    return tr;
}

static void node_free(tcpl_tracker *tr, node *n)
{
    free(n->lc.timeline);
    free(n->lc.events);
    free(n->lc.segments);
    free(n->lc.zeek_rows);
    n->anext = tr->free_nodes;
    tr->free_nodes = n;
    POISON(n, sizeof *n);
}

void tcpl_tracker_free(tcpl_tracker *tr)
{
    if (!tr)
        return;
    for (size_t i = 0; i < tr->cap; i++)
        if (tr->slots[i])
            node_free(tr, tr->slots[i]);
    free(tr->slots);
    for (slab *sl = tr->slabs, *next; sl; sl = next) {
        next = sl->next;
        UNPOISON(sl, SLAB_BYTES);
        munmap(sl, SLAB_BYTES);
    }
    free(tr);
}

/* ------------------------------------------------------------ the table */

static uint64_t word(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static void make_key(const tcpl_tuple *t, key *k)
{
    uint64_t s0 = word(t->src), s1 = word(t->src + 8);
    uint64_t d0 = word(t->dst), d1 = word(t->dst + 8);
    /* Any fixed order of the two endpoints will do: both directions of a
     * connection must only make the same key. */
    bool src_low = s0 != d0 ? s0 < d0 : s1 != d1 ? s1 < d1 : t->sport <= t->dport;
    uint16_t pa = src_low ? t->sport : t->dport, pb = src_low ? t->dport : t->sport;

    k->w[0] = src_low ? s0 : d0;
    k->w[1] = src_low ? s1 : d1;
    k->w[2] = src_low ? d0 : s0;
    k->w[3] = src_low ? d1 : s1;
    k->w[4] = (uint64_t)t->family | (uint64_t)pa << 16 | (uint64_t)pb << 32;
}

static bool key_eq(const key *x, const key *y)
{
    return ((x->w[0] ^ y->w[0]) | (x->w[1] ^ y->w[1]) | (x->w[2] ^ y->w[2]) |
            (x->w[3] ^ y->w[3]) | (x->w[4] ^ y->w[4])) == 0;
}

static uint64_t hash_key(const key *k)
{
    /* Word at a time, then a final mix so that the low bits (the slot
     * index) depend on every byte: ports alone often differ between
     * loopback flows. */
    uint64_t h = UINT64_C(0x9e3779b97f4a7c15);
    for (size_t i = 0; i < 5; i++) {
        h ^= k->w[i];
        h *= UINT64_C(0xff51afd7ed558ccd);
        h ^= h >> 32;
    }
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}

static size_t find_slot(const tcpl_tracker *tr, const key *k, uint64_t h)
{
    size_t mask = tr->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        node *n = tr->slots[i];
        if (!n || (n->hash == h && key_eq(&n->k, k)))
            return i;
    }
}

static int grow(tcpl_tracker *tr)
{
    size_t ncap = tr->cap * 2;
    node **ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t i = 0; i < tr->cap; i++) {
        node *n = tr->slots[i];
        if (!n)
            continue;
        size_t j = (size_t)n->hash & (ncap - 1);
        while (ns[j])
            j = (j + 1) & (ncap - 1);
        ns[j] = n;
    }
    free(tr->slots);
    tr->slots = ns;
    tr->cap = ncap;
    return 0;
}

/* Backward-shift deletion keeps every probe chain unbroken without
 * tombstones, so lookups never slow down as lifecycles come and go. */
static void remove_slot(tcpl_tracker *tr, size_t i)
{
    size_t mask = tr->cap - 1;
    size_t j = i;
    tr->slots[i] = NULL;
    for (;;) {
        j = (j + 1) & mask;
        node *n = tr->slots[j];
        if (!n)
            break;
        size_t home = (size_t)n->hash & mask;
        /* n may move into the hole at i unless its home lies in (i, j]. */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (stays)
            continue;
        tr->slots[i] = n;
        tr->slots[j] = NULL;
        i = j;
    }
    tr->count--;
}

/* ------------------------------------------------------------ idle list */

static void idle_unlink(tcpl_tracker *tr, node *n)
{
    if (!n->idle)
        return;
    if (n->iprev)
        n->iprev->inext = n->inext;
    else
        tr->idle_head = n->inext;
    if (n->inext)
        n->inext->iprev = n->iprev;
    else
        tr->idle_tail = n->iprev;
    n->iprev = n->inext = NULL;
    n->idle = false;
}

static void idle_append(tcpl_tracker *tr, node *n)
{
    n->iprev = tr->idle_tail;
    n->inext = NULL;
    if (tr->idle_tail)
        tr->idle_tail->inext = n;
    else
        tr->idle_head = n;
    tr->idle_tail = n;
    n->idle = true;
}

/* ------------------------------------------------------------ activity */

static void act_unlink(tcpl_tracker *tr, node *n)
{
    if (n->aprev)
        n->aprev->anext = n->anext;
    else if (tr->act_head == n)
        tr->act_head = n->anext;
    else
        return; /* not on the list */
    if (n->anext)
        n->anext->aprev = n->aprev;
    else
        tr->act_tail = n->aprev;
    n->aprev = n->anext = NULL;
}

static void act_append(tcpl_tracker *tr, node *n)
{
    n->aprev = tr->act_tail;
    n->anext = NULL;
    if (tr->act_tail)
        tr->act_tail->anext = n;
    else
        tr->act_head = n;
    tr->act_tail = n;
}

/*
 * A memory policy, not a TCP rule: a lifecycle may leave the table once no
 * endpoint holds an established connection any more.  The engine decides
 * the states; this only asks whether a late segment could still matter
 * within linger_ns, which covers Linux's 60 s TIME_WAIT and the gaps
 * between its SYN and SYN-ACK retransmissions (at most 32 s by default).
 */
static bool may_idle(const tcpl_conn *c)
{
    for (int i = 0; i < 2; i++) {
        switch (c->ep[i].state) {
        case TCPL_UNKNOWN:
        case TCPL_CLOSED:
        case TCPL_TIME_WAIT:
        case TCPL_SYN_SENT:
        case TCPL_SYN_RECEIVED:
            break;
        default:
            return false;
        }
    }
    return true;
}

/* ------------------------------------------------------------ recording */

static void add_entry(node *n, uint64_t frame, int64_t ts, uint8_t ep,
                      uint8_t inferred, tcpl_state st)
{
    tcpl_lifecycle *lc = &n->lc;
    if (lc->ntimeline == n->tl_cap) {
        size_t nc = n->tl_cap ? n->tl_cap * 2 : 8;
        if (nc > TCPL_TL_MAX)
            nc = TCPL_TL_MAX;
        void *p = nc > n->tl_cap ? realloc(lc->timeline, nc * sizeof *lc->timeline) : NULL;
        if (!p) {
            lc->timeline_dropped++;
            return;
        }
        lc->timeline = p;
        n->tl_cap = nc;
    }
    lc->timeline[lc->ntimeline++] = (tcpl_tl_entry){frame, ts, ep, inferred, st};
}

static void add_event(node *n, uint64_t frame, int64_t ts, const tcpl_event *e)
{
    tcpl_lifecycle *lc = &n->lc;
    if (lc->nevents == n->ev_cap) {
        size_t nc = n->ev_cap ? n->ev_cap * 2 : 4;
        if (nc > TCPL_TL_MAX)
            nc = TCPL_TL_MAX;
        void *p = nc > n->ev_cap ? realloc(lc->events, nc * sizeof *lc->events) : NULL;
        if (!p) {
            lc->events_dropped++;
            return;
        }
        lc->events = p;
        n->ev_cap = nc;
    }
    lc->events[lc->nevents++] = (tcpl_tl_event){frame, ts, *e};
}

/* The grow-or-drop of add_entry/add_event, for the segment list. */
static void add_segment(node *n, const tcpl_segment *s, uint64_t frame,
                        uint8_t window)
{
    tcpl_lifecycle *lc = &n->lc;
    if (lc->nsegments == n->seg_cap) {
        size_t nc = n->seg_cap ? n->seg_cap * 2 : 8;
        if (nc > TCPL_TL_MAX)
            nc = TCPL_TL_MAX;
        void *p = nc > n->seg_cap ? realloc(lc->segments, nc * sizeof *lc->segments) : NULL;
        if (!p) {
            lc->segments_dropped++;
            return;
        }
        lc->segments = p;
        n->seg_cap = nc;
    }
    lc->segments[lc->nsegments++] = (tcpl_tl_segment){
        frame, s->ts_ns, s->len, s->from, (uint8_t)s->flags, window, s->icmp};
}

/* Keep a finished Zeek row (opts.zeek_rows). */
static void add_zeek_row(node *n, const tcpl_zeek_row *row)
{
    tcpl_lifecycle *lc = &n->lc;
    if (lc->nzeek_rows == n->zrow_cap) {
        size_t nc = n->zrow_cap ? n->zrow_cap * 2 : 2;
        void *p = realloc(lc->zeek_rows, nc * sizeof *lc->zeek_rows);
        if (!p) {
            lc->zeek_rows_dropped++;
            return;
        }
        lc->zeek_rows = p;
        n->zrow_cap = nc;
    }
    lc->zeek_rows[lc->nzeek_rows++] = *row;
}

/* Keep s for the ladder when the engine said it mattered; zero_before is
 * the sender's TCPL_EP_ZERO before the step. */
static void record_segment(node *n, const tcpl_segment *s, uint64_t frame,
                           const tcpl_result *r, uint32_t zero_before)
{
    uint32_t zero_after = n->lc.conn.ep[s->from].bits & TCPL_EP_ZERO;
    uint8_t window = zero_after == zero_before ? 0
                     : zero_after              ? TCPL_SEG_WINDOW_ZERO
                                               : TCPL_SEG_WINDOW_OPEN;
    if (r->ntransitions || r->nevents || window ||
        (s->flags & (TCPL_SYN | TCPL_FIN | TCPL_RST)))
        add_segment(n, s, frame, window);
}

static void record(tcpl_tracker *tr, node *n, const tcpl_result *r,
                   uint64_t frame, int64_t ts)
{
    for (unsigned i = 0; i < r->ntransitions && i < TCPL_MAX_TRANSITIONS; i++)
        add_entry(n, frame, ts, r->transitions[i].endpoint,
                  r->transitions[i].inferred ? 1 : 0, r->transitions[i].to);
    for (unsigned i = 0; i < r->nevents && i < TCPL_MAX_EVENTS; i++) {
        if (tr->o.on_event) {
            tcpl_tl_event ev = {frame, ts, r->events[i]};
            tr->o.on_event(tr->o.user, &n->lc, &ev);
        }
        add_event(n, frame, ts, &r->events[i]);
    }
}

/* Close the books on n at end_ns and hand it out; the caller has already
 * taken it out of the table. */
static void finish_emit(tcpl_tracker *tr, node *n, int64_t end_ns,
                        uint64_t frame, tcpl_lc_end why, tcpl_result *fin)
{
    tcpl_result local;
    if (!fin)
        fin = &local;
    idle_unlink(tr, n);
    act_unlink(tr, n);
    tcpl_finish(&n->lc.conn, end_ns, fin);
    record(tr, n, fin, frame, end_ns);
    tcpl_zeek_row row;
    if (tr->o.zeek_rows && tcpl_zeek_rows_last(&n->zr, &row))
        add_zeek_row(n, &row);
    n->lc.end_ns = end_ns;
    n->lc.end = why;
    tr->o.emit(tr->o.user, &n->lc);
    node_free(tr, n);
}

static node *node_new(tcpl_tracker *tr, const tcpl_tuple *t, const key *k,
                      uint64_t h, uint64_t frame, int64_t stream_hint)
{
    node *n = node_alloc(tr);
    if (!n)
        return NULL;
    n->k = *k;
    n->hash = h;
    n->lc.tuple = *t;
    n->lc.id = tr->next_id;
    n->lc.stream = stream_hint >= 0 ? stream_hint : (int64_t)tr->next_id;
    n->lc.first_frame = frame;
    tcpl_conn_init(&n->lc.conn, &tr->o.cfg);
    tcpl_zeek_rows_init(&n->zr);
    return n;
}

static void evict_idle(tcpl_tracker *tr)
{
    if (tr->o.linger_ns <= 0)
        return;
    while (tr->idle_head &&
           tr->now - tr->idle_head->touch_ns >= tr->o.linger_ns) {
        node *n = tr->idle_head;
        size_t i = find_slot(tr, &n->k, n->hash);
        remove_slot(tr, i);
        tr->st.evicted++;
        tr->st.open = tr->count;
        /* Its end is where we stopped waiting for it, a fixed distance
         * from its last segment, so reports do not depend on when the next
         * unrelated packet happened to arrive. */
        finish_emit(tr, n, n->touch_ns + tr->o.linger_ns, 0, TCPL_LC_END_IDLE,
                    NULL);
    }
}

/* Make room for one more lifecycle under max_open: the least recently
 * active one ends where the capture last showed it. */
static void evict_for_cap(tcpl_tracker *tr)
{
    while (tr->o.max_open > 0 && tr->count >= tr->o.max_open && tr->act_head) {
        node *n = tr->act_head;
        remove_slot(tr, find_slot(tr, &n->k, n->hash));
        tr->st.capped++;
        tr->st.open = tr->count;
        finish_emit(tr, n, n->touch_ns, 0, TCPL_LC_END_EVICTED, NULL);
    }
}

void tcpl_tracker_advance(tcpl_tracker *tr, int64_t now_ns)
{
    if (now_ns > tr->now)
        tr->now = now_ns;
    evict_idle(tr);
}

/* ------------------------------------------------------------ the API */

void tcpl_tracker_from_wire(const tcpl_wire_tcp *w, int64_t ts_ns,
                            tcpl_tuple *t, tcpl_segment *s)
{
    memset(t, 0, sizeof *t);
    t->family = w->family;
    memcpy(t->src, w->src, 16);
    memcpy(t->dst, w->dst, 16);
    t->sport = w->sport;
    t->dport = w->dport;
    t->encap = w->encap;
    tcpl_wire_segment(w, ts_ns, 0, s);
}

int tcpl_tracker_packet(tcpl_tracker *tr, const tcpl_tuple *t,
                        const tcpl_segment *s, uint64_t frame,
                        int64_t stream_hint, tcpl_packet_info *out)
{
    key k;
    make_key(t, &k);
    uint64_t h = hash_key(&k);

    if (tr->count + 1 > tr->cap / 2 && grow(tr) != 0)
        return -1;

    if (s->ts_ns > tr->now)
        tr->now = s->ts_ns;
    evict_idle(tr);

    size_t i = find_slot(tr, &k, h);
    node *n = tr->slots[i];
    bool fresh = false;
    /* An ICMP error joins the connection it quotes, never starts one. */
    if (!n && s->icmp && !tcpl_icmp_quotes_syn(s))
        return 1;
    /* Nor does a segment that failed its checksum. */
    if (!n && s->bad_checksum)
        return 1;
    if (!n && tr->o.max_open > 0 && tr->count >= tr->o.max_open) {
        evict_for_cap(tr);
        i = find_slot(tr, &k, h); /* removals shift the table */
    }
    if (!n) {
        n = node_new(tr, t, &k, h, frame, stream_hint);
        if (!n)
            return -1;
        tr->next_id++;
        tr->slots[i] = n;
        tr->count++;
        tr->st.lifecycles++;
        fresh = true;
    }

    tcpl_lifecycle *lc = &n->lc;
    tcpl_segment seg = *s;
    seg.from = (memcmp(t->src, lc->tuple.src, 16) == 0 &&
                t->sport == lc->tuple.sport)
                   ? 0
                   : 1;
    /* The engine writes its result where the caller reads it: a copy of
     * tcpl_result per packet was a sixth of the tracker's own time. */
    tcpl_result local, *rp = out ? &out->r : &local;
    uint32_t zero_before = lc->conn.ep[seg.from].bits & TCPL_EP_ZERO;
    int rc = tcpl_step(&lc->conn, &seg, rp);
    if (out)
        out->new_lifecycle = false;

    if (rc == TCPL_NEW_LIFECYCLE && !fresh) {
        node *nn = node_new(tr, t, &k, h, frame, stream_hint);
        if (!nn)
            return -1;
        tr->next_id++;
        tr->st.lifecycles++;
        if (stream_hint >= 0 && stream_hint == lc->stream)
            nn->lc.successor = lc->successor + 1;
        tcpl_conn_successor(&nn->lc.conn, &lc->conn);
        tr->slots[i] = nn;
        act_append(tr, nn);
        tcpl_result fin;
        finish_emit(tr, n, s->ts_ns, frame, TCPL_LC_END_SUCCESSOR, &fin);
        if (out) {
            out->new_lifecycle = true;
            out->prev_finish = fin;
        }
        n = nn;
        lc = &n->lc;
        seg.from = 0;
        zero_before = 0;
        rc = tcpl_step(&lc->conn, &seg, rp);
    }
    /* A fresh engine never asks for a successor; if it ever did, the
     * segment still counts and the result (empty) records nothing. */
    (void)rc;
    if (tr->o.zeek_rows && !seg.icmp) {
        tcpl_zeek_row row;
        if (tcpl_zeek_rows_step(&n->zr, &seg, seg.from == lc->conn.client,
                                &row))
            add_zeek_row(n, &row);
    }

    lc->packets++;
    lc->last_frame = frame;
    /* The first packet may be the one seen before the tunnel (a capture
     * on both sides of a tunnel endpoint): name the tunnel once one shows. */
    if (lc->tuple.encap.n == 0 && t->encap.n != 0)
        lc->tuple.encap = t->encap;
    record(tr, n, rp, frame, s->ts_ns);
    if (!seg.bad_checksum)
        record_segment(n, &seg, frame, rp, zero_before);
    n->touch_ns = tr->now;
    act_unlink(tr, n);
    act_append(tr, n);
    idle_unlink(tr, n);
    if (may_idle(&lc->conn))
        idle_append(tr, n);

    tr->st.packets++;
    if (s->ts_ns < tr->st.first_ns)
        tr->st.first_ns = s->ts_ns;
    if (s->ts_ns > tr->st.last_ns)
        tr->st.last_ns = s->ts_ns;
    tr->st.open = tr->count;
    if (tr->count > tr->st.peak_open)
        tr->st.peak_open = tr->count;

    if (out) {
        out->lc = lc;
        out->from = seg.from;
    }
    return 0;
}

static int by_id(const void *a, const void *b)
{
    const node *x = *(node *const *)a, *y = *(node *const *)b;
    return (x->lc.id > y->lc.id) - (x->lc.id < y->lc.id);
}

int tcpl_tracker_finish(tcpl_tracker *tr)
{
    return tcpl_tracker_finish_at(tr, tr->st.last_ns);
}

int tcpl_tracker_finish_at(tcpl_tracker *tr, int64_t end_ns)
{
    if (tr->count == 0)
        return 0;
    node **all = malloc(tr->count * sizeof *all);
    if (!all)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < tr->cap; i++) {
        if (tr->slots[i]) {
            all[m++] = tr->slots[i];
            tr->slots[i] = NULL;
        }
    }
    tr->count = 0;
    tr->st.open = 0;
    tr->idle_head = tr->idle_tail = NULL;
    qsort(all, m, sizeof *all, by_id);
    int64_t end = end_ns;
    for (size_t i = 0; i < m; i++) {
        all[i]->idle = false;
        finish_emit(tr, all[i], end, 0, TCPL_LC_END_INPUT, NULL);
    }
    free(all);
    return 0;
}

uint64_t tcpl_tracker_tuple_hash(const tcpl_tuple *t)
{
    key k;
    make_key(t, &k);
    return hash_key(&k);
}

int tcpl_tracker_retire(tcpl_tracker *tr, const tcpl_tuple *t, int64_t end_ns)
{
    key k;
    make_key(t, &k);
    uint64_t h = hash_key(&k);
    size_t i = find_slot(tr, &k, h);
    node *n = tr->slots[i];
    if (!n)
        return 0;
    remove_slot(tr, i);
    tr->st.open = tr->count;
    finish_emit(tr, n, end_ns, 0, TCPL_LC_END_INPUT, NULL);
    return 1;
}

void tcpl_tracker_get_stats(const tcpl_tracker *tr, tcpl_tracker_stats *st)
{
    *st = tr->st;
}
