/*
 * shard.c - one capture, N engine workers, the reader one of them (see
 * shard.h).
 *
 * The reader decodes frames and hands each TCP packet to the worker that
 * owns its connection (a hash of the two endpoints that is the same in
 * both directions).  Frames go out in epochs of EPOCH frames; a worker
 * steps its share of an epoch through its own tracker and keeps what
 * happened: the frames that started a lifecycle and copies of the
 * lifecycles it ended.  The reader then merges each finished epoch, in
 * epoch order, into exactly what one tracker would have done:
 *
 *   - one tracker numbers lifecycles in the order they start, and one
 *     packet starts at most one, so a lifecycle's number is the rank of
 *     the frame that started it among all such frames;
 *   - one tracker ends lifecycles at a packet: the idle ones first (in
 *     the order they went idle, i.e. by their last frame), then the one a
 *     port-reuse SYN replaces; at the end of input the rest, by number.
 *     A worker only sees its own packets, so it is given the capture's
 *     clock with each of them and at the end of each epoch (its idle
 *     lifecycles then end in the same epoch as they would in one
 *     tracker), and the reader finds the frame at which the capture's
 *     clock passed an idle lifecycle's end;
 *   - the most lifecycles open at once is counted over the merged
 *     sequence of starts and ends.
 * The report then sees the same lifecycles, numbered alike, in the same
 * order, and writes the same bytes.
 *
 * Writing the records is most of a report's work, so the reader does not
 * render the others': once an epoch is merged (LAG epochs behind the
 * reader) its lifecycles carry the report's numbers, each worker renders
 * its own while the reader reads on, and the reader only places the
 * finished records (SLOTS epochs behind).  What is still open at the end
 * of input comes out of each engine by number, in chunks that whichever
 * thread is free renders and the reader merges (shard_keep.c): never all
 * of it at once.
 *
 * The reader is worker 0, with no thread of its own: a third thread on two
 * cores made the pipeline run in turns (whichever thread the scheduler
 * left out was the one the others waited for).  It steps a smaller share,
 * what reading leaves it of an even split (reader_buckets).  A cap on
 * open lifecycles (--max-connections) is one table's property and is not
 * split: main.c keeps such runs, and streaming ones, on one tracker.
 */
#define _POSIX_C_SOURCE 200809L

#include "shard_int.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ workers */

/* Which worker owns a connection: the same for both directions (a sum of
 * the two endpoints' words), one mix for the spread.  It runs for every
 * packet in the reader, the one thread every packet waits for.  The top
 * bits pick a bucket (the reader's, worker 0, owns the first rb), the
 * rest spreads the others' evenly. */
static int owner(const tcpl_tuple *t, int nw, unsigned rb)
{
    uint64_t a[2], b[2];
    memcpy(a, t->src, 16);
    memcpy(b, t->dst, 16);
    uint64_t x = (a[0] ^ (a[1] * UINT64_C(0x9e3779b97f4a7c15))) +
                 (b[0] ^ (b[1] * UINT64_C(0x9e3779b97f4a7c15))) +
                 ((uint64_t)t->sport + t->dport) * UINT64_C(0xc2b2ae3d27d4eb4f) +
                 t->family;
    uint64_t h = tcpl_shard_mix64(x);
    if ((unsigned)(h >> 54) < rb) /* 54: 10 bits, BUCKETS */
        return 0;
    return 1 + (int)(h % (uint64_t)(nw - 1));
}

/* The reader's buckets with nw engines: an even split less what reading
 * costs it, i.e. with c = READER_COST / 100 and E the engine work,
 * c E + f E = (1 - f) E / (nw - 1), so f = (1 - c (nw - 1)) / nw. */
static unsigned reader_buckets(int nw)
{
    long num = 100 - (long)READER_COST * (nw - 1);
    return num <= 0 ? 0 : (unsigned)(num * BUCKETS / (100L * nw));
}

/* The tracker's emit callback in a worker: a copy into the epoch. */
static void worker_emit(void *user, const tcpl_lifecycle *lc)
{
    worker *w = user;
    if (w->finishing) {
        tcpl_shard_finish_emit(w, lc);
        return;
    }
    wslot *ws = w->cur;
    if (!tcpl_shard_arena_put(&ws->arena, &ws->alen, &ws->acap, lc, w->cur_frame)) {
        /* Lost: say so rather than write a report short of it. */
        if (!w->oom)
            w->oom_frame = w->cur_frame;
        w->oom = true;
    }
}

static void work_epoch(worker *w, slot *s)
{
    wslot *ws = &s->w[w->k];
    tcpl_tracker_stats st;
    w->cur = ws;
    for (size_t i = 0; i < ws->nin && !w->oom; i++) {
        const pkt *p = &s->pk[ws->in[i]];
        tcpl_tracker_advance(w->tr, p->now);
        w->cur_frame = p->frame;
        tcpl_tracker_get_stats(w->tr, &st);
        uint64_t before = st.lifecycles;
        int rc = tcpl_tracker_packet(w->tr, &p->t, &p->s, p->frame, -1, NULL);
        if (rc < 0) {
            w->oom = true;
            w->oom_frame = p->frame;
            break;
        }
        if (rc > 0 && !p->s.bad_checksum)
            w->untracked++;
        tcpl_tracker_get_stats(w->tr, &st);
        if (st.lifecycles != before)
            ws->made[ws->nmade++] = p->frame; /* room: made is as long as in */
    }
    w->cur_frame = 0;
    /* The last slot has no packets and the clock has not moved since the
     * epoch before: only the end of input. */
    if (!w->oom && !s->last)
        tcpl_tracker_advance(w->tr, s->end_now);
    if (!w->oom && s->last) {
        w->rctx.t0 = s->t0;
        w->finishing = true;
        if (tcpl_tracker_finish_at(w->tr, s->finish_ns) != 0)
            w->oom = true;
        w->finishing = false;
    }
}

/* Render what the worker ended in a merged epoch (numbered by then). */
static void render_slot(worker *w, slot *s)
{
    wslot *ws = &s->w[w->k];
    w->rctx.t0 = s->t0;
    if (!ws->alen)
        return;
    if (!ws->tmem && !(ws->tmem = open_memstream(&ws->tbuf, &ws->tsize))) {
        w->oom = true;
        return;
    }
    rewind(ws->tmem);
    for (size_t off = 0; off < ws->alen;) {
        emitted *e = tcpl_shard_arena_get(ws->arena, off);
        off += e->size;
        long at = ftell(ws->tmem);
        tcpl_report_render(w->sh->r, &w->rctx, &w->tot, ws->tmem, &e->lc);
        long end = ftell(ws->tmem);
        if (at < 0 || end < at) {
            w->oom = true;
            break;
        }
        e->toff = (size_t)at;
        e->tlen = (size_t)(end - at);
        e->rendered = true;
    }
    if (fflush(ws->tmem) != 0 || w->oom) {
        w->oom = true; /* the text is not there: none of it is placed */
        for (size_t off = 0; off < ws->alen;) {
            emitted *e = (emitted *)(ws->arena + off);
            e->rendered = false;
            off += e->size;
        }
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    shard *sh = w->sh;
    uint64_t e = 0, rn = 0;
    for (;;) {
        pthread_mutex_lock(&sh->mu);
        while (sh->rpub <= rn && sh->published <= e)
            pthread_cond_wait(&sh->work, &sh->mu);
        /* Rendering first: the reader waits for it to reuse the slot. */
        bool render = sh->rpub > rn;
        pthread_mutex_unlock(&sh->mu);
        if (render) {
            slot *s = &sh->s[rn++ % SLOTS];
            if (!w->oom && w->render)
                render_slot(w, s);
            pthread_mutex_lock(&sh->mu);
            if (++s->rdone == sh->nw)
                pthread_cond_broadcast(&sh->done);
            pthread_mutex_unlock(&sh->mu);
            continue;
        }
        slot *s = &sh->s[e++ % SLOTS];
        bool last = s->last;
        if (!w->oom)
            work_epoch(w, s);
        if (last)
            tcpl_shard_worker_end(w);
        pthread_mutex_lock(&sh->mu);
        if (w->oom)
            sh->wfail = true;
        if (++s->done == sh->nw)
            pthread_cond_broadcast(&sh->done);
        pthread_mutex_unlock(&sh->mu);
        if (last)
            return NULL;
    }
}

/* ------------------------------------------------------------ merging */

static int by_order(const void *a, const void *b)
{
    const ref *x = a, *y = b;
    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return (x->sub > y->sub) - (x->sub < y->sub);
}

/* The first frame of the epoch at which the capture's clock reached t. */
static uint64_t frame_at(const slot *s, int64_t t)
{
    size_t lo = 0, hi = s->ntcp;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->pk[mid].now >= t)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo < s->ntcp ? s->pk[lo].frame : (s->ntcp ? s->pk[s->ntcp - 1].frame : 0);
}

static void merge_epoch(shard *sh, slot *s)
{
    size_t nstarts = 0, nrefs = 0, total = 0, pos[TCPL_SHARD_MAX] = {0};

    for (int k = 0; k < sh->nw; k++)
        total += s->w[k].nmade;
    uint64_t *starts = tcpl_shard_grow(sh->starts, &sh->startcap, total, sizeof *starts);
    if (total && !starts) {
        sh->oom = true;
        return;
    }
    sh->starts = starts;
    /* Starts in frame order: the report's numbers. */
    for (;;) {
        int best = -1;
        for (int k = 0; k < sh->nw; k++)
            if (pos[k] < s->w[k].nmade &&
                (best < 0 || s->w[k].made[pos[k]] < s->w[best].made[pos[best]]))
                best = k;
        if (best < 0)
            break;
        starts[nstarts++] = s->w[best].made[pos[best]++];
        if (tcpl_shard_map_put(&sh->w[best].map, ++sh->next_local[best],
                    sh->next_gid++) != 0) {
            sh->oom = true;
            return;
        }
    }
    /* Ends, placed where one tracker would have made them. */
    for (int k = 0; k < sh->nw; k++) {
        wslot *ws = &s->w[k];
        for (size_t off = 0; off < ws->alen;) {
            emitted *e = tcpl_shard_arena_get(ws->arena, off);
            off += e->size;
            ref *rs = tcpl_shard_grow(s->refs, &s->refcap, nrefs + 1, sizeof *rs);
            if (!rs) {
                sh->oom = true;
                return;
            }
            s->refs = rs;
            ref *x = &rs[nrefs++];
            s->nrefs = nrefs;
            x->e = e;
            x->k = k;
            if (!tcpl_shard_map_take(&sh->w[k].map, e->lc.id + 1, &x->gid)) {
                sh->oom = true; /* cannot happen: every end had a start */
                return;
            }
            switch (e->lc.end) {
            case TCPL_LC_END_IDLE:
                x->kind = 0;
                x->frame = frame_at(s, e->lc.end_ns);
                x->sub = e->lc.last_frame;
                break;
            case TCPL_LC_END_SUCCESSOR:
            case TCPL_LC_END_EVICTED:
                x->kind = 1;
                x->frame = e->frame;
                x->sub = 0;
                break;
            default:
                x->kind = 2;
                x->frame = UINT64_MAX;
                x->sub = x->gid;
                break;
            }
        }
    }
    if (nrefs)
        qsort(s->refs, nrefs, sizeof *s->refs, by_order);
    /* Open lifecycles after each packet: ends at a frame come before the
     * start at it (a successor replaces its predecessor). */
    for (size_t i = 0, j = 0; j < nstarts; j++) {
        while (i < nrefs && s->refs[i].frame <= starts[j]) {
            sh->open--;
            i++;
        }
        if (++sh->open > sh->peak)
            sh->peak = sh->open;
        if (j + 1 == nstarts)
            for (; i < nrefs && s->refs[i].frame != UINT64_MAX; i++)
                sh->open--;
    }
    if (!nstarts)
        for (size_t i = 0; i < nrefs && s->refs[i].frame != UINT64_MAX; i++)
            sh->open--;
    /* Numbered as the report numbers them, for the workers to render. */
    for (size_t i = 0; i < nrefs; i++) {
        s->refs[i].e->lc.id = s->refs[i].gid;
        s->refs[i].e->lc.stream = (int64_t)s->refs[i].gid;
    }
}

/* The records of a merged epoch into the report, in order. */
static void place_refs(shard *sh, slot *s, bool rendered)
{
    for (size_t i = 0; i < s->nrefs; i++) {
        ref *x = &s->refs[i];
        if (!rendered)
            tcpl_report_lifecycle(sh->r, &x->e->lc);
        else if (x->e->rendered)
            tcpl_report_rendered(sh->r, x->gid, s->w[x->k].tbuf + x->e->toff,
                                 x->e->tlen);
    }
}

/* The report's time origin as it stands (set before anything ends). */
static int64_t origin(const tcpl_report *r)
{
    tcpl_writer_ctx c;
    tcpl_report_render_ctx(r, &c);
    return c.t0;
}

/* Wait for epoch e's steps, merge it, and hand its ends to the workers to
 * render. */
static void merge_slot(shard *sh, uint64_t e)
{
    slot *s = &sh->s[e % SLOTS];
    pthread_mutex_lock(&sh->mu);
    while (s->done < sh->nw)
        pthread_cond_wait(&sh->done, &sh->mu);
    sh->stop = sh->wfail;
    pthread_mutex_unlock(&sh->mu);
    s->nrefs = 0;
    if (!sh->oom)
        merge_epoch(sh, s);
    s->t0 = origin(sh->r);
    pthread_mutex_lock(&sh->mu);
    sh->rpub++;
    pthread_cond_broadcast(&sh->work);
    pthread_mutex_unlock(&sh->mu);
    /* The reader's own share, while the workers render theirs. */
    worker *w = &sh->w[0];
    if (!w->oom && w->render)
        render_slot(w, s);
    pthread_mutex_lock(&sh->mu);
    s->rdone++;
    pthread_mutex_unlock(&sh->mu);
    sh->merged = e + 1;
}

/* The reader steps its own share of the epoch it just handed out. */
static void reader_step(shard *sh, slot *s)
{
    worker *w = &sh->w[0];
    if (!w->oom)
        work_epoch(w, s);
    pthread_mutex_lock(&sh->mu);
    if (w->oom)
        sh->wfail = true;
    s->done++;
    pthread_mutex_unlock(&sh->mu);
}

static void slot_reset(shard *sh, slot *s)
{
    for (int k = 0; k < sh->nw; k++)
        s->w[k].nin = s->w[k].nmade = s->w[k].alen = 0;
    s->ntcp = 0;
    s->done = 0;
    s->rdone = 0;
    s->nrefs = 0;
    s->last = false;
}

/* Wait for epoch e's records, place them, and make its slot reusable. */
static void place_slot(shard *sh, uint64_t e)
{
    slot *s = &sh->s[e % SLOTS];
    pthread_mutex_lock(&sh->mu);
    while (s->rdone < sh->nw)
        pthread_cond_wait(&sh->done, &sh->mu);
    pthread_mutex_unlock(&sh->mu);
    place_refs(sh, s, sh->render);
    slot_reset(sh, s);
    sh->placed = e + 1;
}

static void publish(shard *sh)
{
    pthread_mutex_lock(&sh->mu);
    sh->published++;
    pthread_cond_broadcast(&sh->work);
    pthread_mutex_unlock(&sh->mu);
}

/* The slot's packet i to its worker. */
static void push(shard *sh, slot *s, size_t i)
{
    wslot *ws = &s->w[owner(&s->pk[i].t, sh->nw, sh->rbuckets)];
    ws->in[ws->nin++] = (uint32_t)i;
}

/* started: the worker threads, w[1] to w[started]. */
static void shard_free(shard *sh, int started)
{
    for (int k = 1; k <= started; k++)
        pthread_join(sh->w[k].th, NULL);
    /* All of them: a failed start leaves nw at the threads started. */
    for (int k = 0; k < TCPL_SHARD_MAX; k++)
        tcpl_tracker_free(sh->w[k].tr);
    for (int i = 0; i < SLOTS; i++) {
        for (int k = 0; k < TCPL_SHARD_MAX; k++) {
            free(sh->s[i].w[k].in);
            free(sh->s[i].w[k].made);
            free(sh->s[i].w[k].arena);
            if (sh->s[i].w[k].tmem)
                fclose(sh->s[i].w[k].tmem);
            free(sh->s[i].w[k].tbuf);
        }
        free(sh->s[i].pk);
    }
    for (int k = 0; k < TCPL_SHARD_MAX; k++) {
        worker *w = &sh->w[k];
        free(w->map.key);
        free(w->map.val);
        for (int i = 0; i < CHUNKS; i++) {
            if (w->fin[i].mem)
                fclose(w->fin[i].mem);
            free(w->fin[i].buf);
            free(w->fin[i].recs);
            free(w->fin[i].arena);
        }
    }
    for (int i = 0; i < SLOTS; i++)
        free(sh->s[i].refs);
    free(sh->starts);
    pthread_cond_destroy(&sh->work);
    pthread_cond_destroy(&sh->done);
    pthread_cond_destroy(&sh->fin);
    pthread_mutex_destroy(&sh->mu);
    free(sh);
}

/* The last epoch, so that the workers (waiting for the first) exit. */
static void stop_workers(shard *sh)
{
    slot *s = &sh->s[sh->published % SLOTS];
    s->last = true;
    s->end_now = INT64_MIN;
    s->finish_ns = INT64_MIN;
    sh->fin_over = true; /* nothing to render for the reader */
    publish(sh);
}

int tcpl_shard_capture(tcpl_report *r, const tcpl_report_opts *o,
                       tcpl_pcap_in *in, const char *name, int workers,
                       tcpl_feed_stats *st, tcpl_tracker_stats *ts,
                       char *err, size_t errlen)
{
    shard *sh = calloc(1, sizeof *sh);
    int lt = tcpl_pcap_linktype(in), started = 0, status = 0;
    int64_t now = INT64_MIN;
    bool end = false;
    tcpl_pcap_packet p;
    tcpl_wire_tcp w;

    memset(ts, 0, sizeof *ts);
    ts->first_ns = INT64_MAX;
    ts->last_ns = INT64_MIN;
    if (!sh) {
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    pthread_mutex_init(&sh->mu, NULL);
    pthread_cond_init(&sh->work, NULL);
    pthread_cond_init(&sh->done, NULL);
    pthread_cond_init(&sh->fin, NULL);
    sh->r = r;
    sh->nw = workers < 2 ? 2 : workers > TCPL_SHARD_MAX ? TCPL_SHARD_MAX : workers;
    for (int i = 0; i < SLOTS; i++) {
        /* A frame is at most one TCP packet: EPOCH of each is enough. */
        sh->s[i].pk = malloc(EPOCH * sizeof *sh->s[i].pk);
        if (!sh->s[i].pk)
            sh->oom = true;
        for (int k = 0; k < sh->nw; k++) {
            sh->s[i].w[k].in = malloc(EPOCH * sizeof *sh->s[i].w[k].in);
            sh->s[i].w[k].made = malloc(EPOCH * sizeof *sh->s[i].w[k].made);
            if (!sh->s[i].w[k].in || !sh->s[i].w[k].made)
                sh->oom = true;
        }
    }
    sh->render = !tcpl_report_keeps_lifecycles(r);
    for (int i = 0; i < sh->nw; i++) {
        sh->w[i].render = sh->render;
        tcpl_report_render_ctx(r, &sh->w[i].rctx);
    }
    for (int i = 0; i < sh->nw && !sh->oom; i++) {
        tcpl_tracker_opts to = o->tracker;
        to.emit = worker_emit;
        to.on_event = NULL;
        to.user = &sh->w[i];
        to.max_open = 0;
        sh->w[i].sh = sh;
        sh->w[i].k = i;
        if (!(sh->w[i].tr = tcpl_tracker_new(&to)))
            sh->oom = true;
    }
    sh->rbuckets = reader_buckets(sh->nw);
    /* Worker 0 is the reader itself: nw - 1 threads. */
    for (; started + 1 < sh->nw && !sh->oom; started++)
        if (pthread_create(&sh->w[started + 1].th, NULL, worker_main,
                           &sh->w[started + 1]) != 0)
            break;
    if (sh->oom || started + 1 < sh->nw) {
        snprintf(err, errlen, "%s: %s", name, sh->oom ? "out of memory"
                                                      : "cannot start a thread");
        sh->nw = started + 1; /* only those wait for epochs */
        if (started)
            stop_workers(sh);
        shard_free(sh, started);
        return -1;
    }

    while (!end) {
        uint64_t e = sh->published;
        while (sh->merged + LAG <= e)
            merge_slot(sh, sh->merged);
        while (sh->placed + SLOTS <= e)
            place_slot(sh, sh->placed);
        slot *s = &sh->s[e % SLOTS];
        size_t nframes = 0;
        while (nframes < EPOCH) {
            int rc = tcpl_pcap_next(in, &p, err, errlen);
            if (rc <= 0) {
                if (rc < 0)
                    status = -1;
                end = true;
                break;
            }
            nframes++;
            pkt *k = &s->pk[s->ntcp];
            if (tcpl_feed_decode(lt, &p, &w, &k->t, &k->s, st) == 0)
                continue;
            if (!k->s.icmp) /* as run_capture: the first TCP packet */
                tcpl_report_origin(r, p.ts_ns);
            if (p.ts_ns > now)
                now = p.ts_ns;
            k->frame = p.frame;
            k->now = now;
            push(sh, s, s->ntcp++);
        }
        if (sh->stop || sh->oom)
            end = true;
        s->end_now = now;
        s->last = false;
        publish(sh);
        reader_step(sh, s);
    }
    while (sh->merged < sh->published)
        merge_slot(sh, sh->merged);
    while (sh->placed < sh->published)
        place_slot(sh, sh->placed);
    /* One tracker ends what is still open at its last tracked packet
     * (ICMP errors that quote no connection move the clock, not that):
     * the workers are all waiting now, their totals can be read. */
    int64_t last_ns = INT64_MIN;
    for (int i = 0; i < sh->nw; i++) {
        tcpl_tracker_stats ws;
        tcpl_tracker_get_stats(sh->w[i].tr, &ws);
        if (ws.last_ns > last_ns)
            last_ns = ws.last_ns;
    }
    slot *fin = &sh->s[sh->published % SLOTS];
    fin->end_now = now;
    fin->finish_ns = last_ns;
    fin->last = true;
    fin->t0 = origin(r);
    publish(sh);
    /* The reader ends its own share, placing records as it goes
     * (shard_keep.c), then helps render and places the rest. */
    tcpl_shard_out_begin(sh);
    reader_step(sh, fin);
    tcpl_shard_merge_finish(sh);
    /* Its steps made no other ends (the clock stood still); were there
     * any, the workers are gone: the report renders them. */
    pthread_mutex_lock(&sh->mu);
    while (fin->done < sh->nw)
        pthread_cond_wait(&sh->done, &sh->mu);
    pthread_mutex_unlock(&sh->mu);
    fin->nrefs = 0;
    if (!sh->oom)
        merge_epoch(sh, fin);
    place_refs(sh, fin, false);
    for (int i = 0; i < sh->nw; i++)
        if (sh->render)
            tcpl_report_add_counts(r, &sh->w[i].tot, &sh->w[i].rctx);
    for (int i = 0; i < sh->nw; i++) {
        tcpl_tracker_stats ws;
        tcpl_tracker_get_stats(sh->w[i].tr, &ws);
        ts->packets += ws.packets;
        ts->lifecycles += ws.lifecycles;
        ts->open += ws.open;
        ts->evicted += ws.evicted;
        ts->capped += ws.capped;
        if (ws.first_ns < ts->first_ns)
            ts->first_ns = ws.first_ns;
        if (ws.last_ns > ts->last_ns)
            ts->last_ns = ws.last_ns;
        st->non_tcp += sh->w[i].untracked;
        if (sh->w[i].oom && status == 0) {
            if (sh->w[i].oom_frame)
                snprintf(err, errlen, "%s:frame %" PRIu64 ": out of memory",
                         name, sh->w[i].oom_frame);
            else
                snprintf(err, errlen, "%s: out of memory", name);
            status = -1;
        }
    }
    ts->peak_open = sh->peak;
    if (sh->oom && status == 0) {
        snprintf(err, errlen, "%s: out of memory", name);
        status = -1;
    }
    shard_free(sh, sh->nw - 1);
    return status;
}
