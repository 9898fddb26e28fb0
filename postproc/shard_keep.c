/*
 * shard_keep.c - what a worker of shard.c keeps of the lifecycles it ends,
 * and how they reach the reader: copies in an arena (offsets, since the
 * arena moves as it grows), the map from a worker's lifecycle numbers to
 * the report's, and, at the end of input, chunks of rendered records that
 * the reader merges by number while the workers go on rendering.
 */
#define _POSIX_C_SOURCE 200809L

#include "shard_int.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ id map */

int tcpl_shard_map_put(idmap *m, uint64_t k, uint64_t v)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 1024;
        uint64_t *nk = calloc(nc, sizeof *nk), *nv = malloc(nc * sizeof *nv);
        if (!nk || !nv) {
            free(nk);
            free(nv);
            return -1;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->key[i])
                continue;
            size_t j = (size_t)tcpl_shard_mix64(m->key[i]) & (nc - 1);
            while (nk[j])
                j = (j + 1) & (nc - 1);
            nk[j] = m->key[i];
            nv[j] = m->val[i];
        }
        free(m->key);
        free(m->val);
        m->key = nk;
        m->val = nv;
        m->cap = nc;
    }
    size_t j = (size_t)tcpl_shard_mix64(k) & (m->cap - 1);
    while (m->key[j])
        j = (j + 1) & (m->cap - 1);
    m->key[j] = k;
    m->val[j] = v;
    m->n++;
    return 0;
}

/* Look k up and remove it (backward-shift deletion, no tombstones). */
bool tcpl_shard_map_take(idmap *m, uint64_t k, uint64_t *v)
{
    if (!m->cap)
        return false;
    size_t mask = m->cap - 1, i = (size_t)tcpl_shard_mix64(k) & mask;
    while (m->key[i] && m->key[i] != k)
        i = (i + 1) & mask;
    if (!m->key[i])
        return false;
    *v = m->val[i];
    m->key[i] = 0;
    m->n--;
    for (size_t j = (i + 1) & mask; m->key[j]; j = (j + 1) & mask) {
        size_t home = (size_t)tcpl_shard_mix64(m->key[j]) & mask;
        /* Move j back to the hole unless its home lies in (i, j]. */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->key[i] = m->key[j];
            m->val[i] = m->val[j];
            m->key[j] = 0;
            i = j;
        }
    }
    return true;
}


void *tcpl_shard_grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t nc = *cap ? *cap : 64;
    while (nc < need)
        nc *= 2;
    void *np = realloc(p, nc * elem);
    if (np)
        *cap = nc;
    return np;
}

/* A copy of lc and its arrays at the end of an arena; false when out of
 * memory. */
bool tcpl_shard_arena_put(unsigned char **arena, size_t *alen, size_t *acap,
                      const tcpl_lifecycle *lc, uint64_t frame)
{
    size_t tl = lc->ntimeline * sizeof *lc->timeline;
    size_t ev = lc->nevents * sizeof *lc->events;
    size_t zr = lc->nzeek_rows * sizeof *lc->zeek_rows;
    size_t size = ALIGN_UP(sizeof(emitted)) + ALIGN_UP(tl) + ALIGN_UP(ev) +
                  ALIGN_UP(zr);
    unsigned char *a = tcpl_shard_grow(*arena, acap, *alen + size, 1);
    if (!a)
        return false;
    *arena = a;
    emitted *e = (emitted *)(a + *alen);
    e->lc = *lc;
    e->frame = frame;
    e->size = size;
    e->rendered = false;
    unsigned char *p = a + *alen + ALIGN_UP(sizeof(emitted));
    if (tl)
        memcpy(p, lc->timeline, tl);
    if (ev)
        memcpy(p + ALIGN_UP(tl), lc->events, ev);
    if (zr)
        memcpy(p + ALIGN_UP(tl) + ALIGN_UP(ev), lc->zeek_rows, zr);
    *alen += size;
    return true;
}

/* The copy at off, its arrays pointed at where the arena now is. */
emitted *tcpl_shard_arena_get(unsigned char *arena, size_t off)
{
    emitted *e = (emitted *)(arena + off);
    unsigned char *p = arena + off + ALIGN_UP(sizeof(emitted));
    e->lc.timeline = (tcpl_tl_entry *)p;
    size_t tl = ALIGN_UP(e->lc.ntimeline * sizeof *e->lc.timeline);
    e->lc.events = (tcpl_tl_event *)(p + tl);
    e->lc.zeek_rows = (tcpl_zeek_row *)(p + tl +
        ALIGN_UP(e->lc.nevents * sizeof *e->lc.events));
    return e;
}

/* Give the filled chunk to the reader; wait for a free one. */
static void hand_over(worker *w)
{
    shard *sh = w->sh;
    chunk *c = &w->fin[w->produced % CHUNKS];
    if (c->mem && fflush(c->mem) != 0)
        w->oom = true;
    pthread_mutex_lock(&sh->mu);
    w->produced++;
    pthread_cond_broadcast(&sh->fin);
    while (w->produced - w->consumed >= CHUNKS)
        pthread_cond_wait(&sh->fin, &sh->mu);
    pthread_mutex_unlock(&sh->mu);
    c = &w->fin[w->produced % CHUNKS];
    c->nrec = c->alen = 0;
    if (c->mem)
        rewind(c->mem);
}

/* Add a lifecycle ended at the end of input to chunk c, numbered as one
 * table would (its id mapped), rendered when the worker renders; *bytes
 * is then what the chunk holds.  False (w->oom set) when memory ran out. */
static bool chunk_add(worker *w, chunk *c, const tcpl_lifecycle *lc,
                      size_t *bytes)
{
    tcpl_lifecycle l = *lc;
    fin_rec *recs = tcpl_shard_grow(c->recs, &c->reccap, c->nrec + 1, sizeof *recs);
    if (!recs || !tcpl_shard_map_take(&w->map, lc->id + 1, &l.id)) {
        w->oom = true; /* the map cannot miss: every end had a start */
        return false;
    }
    c->recs = recs;
    l.stream = (int64_t)l.id;
    fin_rec *x = &recs[c->nrec];
    x->gid = l.id;
    if (w->render) {
        if (!c->mem && !(c->mem = open_memstream(&c->buf, &c->size))) {
            w->oom = true;
            return false;
        }
        long at = ftell(c->mem);
        tcpl_report_render(w->sh->r, &w->rctx, &w->tot, c->mem, &l);
        long end = ftell(c->mem);
        if (at < 0 || end < at) {
            w->oom = true;
            return false;
        }
        x->off = (size_t)at;
        x->len = (size_t)(end - at);
        *bytes = (size_t)end;
    } else {
        x->off = c->alen;
        if (!tcpl_shard_arena_put(&c->arena, &c->alen, &c->acap, &l, 0)) {
            w->oom = true;
            return false;
        }
        x->len = c->alen - x->off;
        *bytes = c->alen;
    }
    c->nrec++;
    return true;
}

/* A lifecycle ended at the end of input, into the current chunk. */
void tcpl_shard_finish_emit(worker *w, const tcpl_lifecycle *lc)
{
    size_t bytes;
    if (chunk_add(w, &w->fin[w->produced % CHUNKS], lc, &bytes) &&
        bytes >= CHUNK_BYTES)
        hand_over(w);
}

/* Worker k's next record at the end of input, in the chunk the reader
 * holds (sh->cur[k]); NULL when it has no more (sh->gone[k]) or, without
 * wait, when its next chunk is not handed over yet. */
static fin_rec *fin_head(shard *sh, int k, bool wait)
{
    worker *w = &sh->w[k];
    for (;;) {
        chunk *c = sh->cur[k];
        if (c) {
            if (sh->pos[k] < c->nrec)
                return &c->recs[sh->pos[k]];
            /* Written out: give it back. */
            sh->pos[k] = 0;
            sh->cur[k] = NULL;
            pthread_mutex_lock(&sh->mu);
            w->consumed++;
            pthread_cond_broadcast(&sh->fin);
            pthread_mutex_unlock(&sh->mu);
        }
        pthread_mutex_lock(&sh->mu);
        while (wait && w->produced == w->consumed && !w->fin_done)
            pthread_cond_wait(&sh->fin, &sh->mu);
        bool have = w->produced > w->consumed;
        bool gone = !have && w->fin_done;
        pthread_mutex_unlock(&sh->mu);
        if (!have) {
            sh->gone[k] = gone;
            return NULL;
        }
        sh->cur[k] = &w->fin[w->consumed % CHUNKS];
    }
}

static void place(shard *sh, const worker *w, const chunk *c, const fin_rec *x)
{
    if (w->render) {
        tcpl_report_rendered(sh->r, x->gid, c->buf + x->off, x->len);
    } else {
        emitted *e = tcpl_shard_arena_get(c->arena, x->off);
        tcpl_report_lifecycle(sh->r, &e->lc);
    }
}

/*
 * The end of input: what each worker ends now comes in its ids' order,
 * which is the report's; one tracker ends them all by number, so the
 * report's order is the merge of the workers' by number.  The reader is
 * one of them (its own records in w[0].fin[0]): a worker's record can be
 * placed once the reader has ended one of a higher number, or everything.
 * With wait, the merge waits for the workers' chunks until the reader's
 * own records are all out (all of them, once the reader has ended
 * everything); without, it stops at the first worker whose next chunk is
 * not there yet, so that the reader goes on rendering.
 */
static void fin_merge(shard *sh, bool wait)
{
    worker *rw = &sh->w[0];
    chunk *m = &rw->fin[0];
    if (m->mem && sh->mpos < m->nrec && fflush(m->mem) != 0) {
        rw->oom = true; /* the text is not there: drop the reader's */
        sh->mpos = m->nrec;
    }
    for (;;) {
        int best = -1;
        for (int k = 1; k < sh->nw; k++) {
            if (sh->gone[k])
                continue;
            if (!sh->head[k] && !(sh->head[k] = fin_head(sh, k, wait))) {
                if (sh->gone[k])
                    continue;
                return; /* its next number is not known yet */
            }
            if (best < 0 || sh->head[k]->gid < sh->head[best]->gid)
                best = k;
        }
        if (sh->mpos < m->nrec) {
            if (best < 0 || m->recs[sh->mpos].gid < sh->head[best]->gid) {
                place(sh, rw, m, &m->recs[sh->mpos++]);
                continue;
            }
        } else {
            if (sh->mpos) { /* all out: the reader's chunk starts over */
                sh->mpos = m->nrec = m->alen = 0;
                if (m->mem)
                    rewind(m->mem);
            }
            if (!sh->mdone && (best < 0 || sh->head[best]->gid > sh->mlast))
                return; /* the reader's next may come before */
        }
        if (best < 0)
            return;
        place(sh, &sh->w[best], sh->cur[best], sh->head[best]);
        sh->pos[best]++;
        sh->head[best] = NULL;
    }
}

void tcpl_shard_reader_emit(worker *w, const tcpl_lifecycle *lc)
{
    shard *sh = w->sh;
    chunk *c = &w->fin[0];
    size_t bytes;
    if (!chunk_add(w, c, lc, &bytes))
        return;
    sh->mlast = c->recs[c->nrec - 1].gid;
    /* Place what can be placed now and then, so that the workers never
     * wait for a chunk back; wait for them only when the reader's own
     * records reach a chunk's size. */
    if (bytes >= CHUNK_BYTES)
        fin_merge(sh, true);
    else if ((c->nrec & 31) == 0)
        fin_merge(sh, false);
}

void tcpl_shard_merge_finish(shard *sh)
{
    sh->mdone = true;
    fin_merge(sh, true);
}
