/*
 * shard_keep.c - what a worker of shard.c keeps of the lifecycles it ends,
 * and how they reach the reader: copies in an arena (offsets, since the
 * arena moves as it grows), the map from a worker's lifecycle numbers to
 * the report's, and, at the end of input, chunks of copies that whichever
 * thread is free renders, the reader merges by number, and blocks of the
 * output that whichever thread is free writes.
 */
#define _GNU_SOURCE /* fopencookie */

#include "shard_int.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/*
 * The end of input.  Each engine (the reader is engine 0) ends what it
 * still has open, in its numbers' order, as copies into its chunks; a full
 * chunk is sealed.  Rendering a sealed chunk is work anyone can do: the
 * thread that is free claims the one whose records come first.  Only the
 * reader places records, merging the engines' chunks by number.  Which
 * engine holds a connection was fixed by the hash long before, and the
 * reader also reads and writes everything, so a fixed split of the
 * rendering left one thread idle for a third of this phase; shared, both
 * stay busy to the end.
 */

static bool never(const worker *me)
{
    (void)me;
    return false;
}

/* me has a chunk to fill (under mu). */
static bool has_free(const worker *me)
{
    return me->produced - me->consumed < CHUNKS;
}

/* Every engine has ended everything, and all of it is placed (under mu). */
static bool all_placed(const worker *me)
{
    const shard *sh = me->sh;
    for (int k = 0; k < sh->nw; k++)
        if (!sh->w[k].fin_done || sh->w[k].produced != sh->w[k].consumed)
            return false;
    return true;
}

/* The reader has placed everything, or the run stopped (under mu). */
static bool fin_over(const worker *me)
{
    return me->sh->fin_over;
}

/*
 * Under mu: the engine whose record comes next in the report's order,
 * when that record can be placed now, and in *upto the lowest number any
 * other engine can still give; -1 otherwise.  An engine with a sealed
 * chunk knows its next number; one without knows only that it will be
 * past the last it sealed (next_min), which bounds it.
 */
static int placeable(shard *sh, uint64_t *upto)
{
    uint64_t b[TCPL_SHARD_MAX];
    bool exact[TCPL_SHARD_MAX];
    int best = -1;
    for (int k = 0; k < sh->nw; k++) {
        worker *w = &sh->w[k];
        exact[k] = w->produced > w->consumed;
        if (exact[k])
            b[k] = w->fin[w->consumed % CHUNKS].recs[sh->pos[k]].gid;
        else
            b[k] = w->fin_done ? UINT64_MAX : w->next_min;
        if (best < 0 || b[k] < b[best] || (b[k] == b[best] && exact[k]))
            best = k;
    }
    if (best < 0 || !exact[best] ||
        !sh->w[best].fin[sh->w[best].consumed % CHUNKS].rendered)
        return -1;
    /* Numbers are unique: an engine bounded by the same number has a
     * higher one next. */
    *upto = UINT64_MAX;
    for (int k = 0; k < sh->nw; k++)
        if (k != best && b[k] < *upto)
            *upto = b[k];
    return best;
}

/* Under mu: claim the sealed, unclaimed chunk whose records come first. */
static chunk *claim(shard *sh)
{
    chunk *best = NULL;
    for (int k = 0; k < sh->nw; k++) {
        worker *w = &sh->w[k];
        for (uint64_t i = w->consumed; i < w->produced; i++) {
            chunk *c = &w->fin[i % CHUNKS];
            if (!c->claimed && (!best || c->recs[0].gid < best->recs[0].gid))
                best = c;
        }
    }
    if (best)
        best->claimed = true;
    return best;
}

/* Render a claimed chunk with me's context; its counts go to me's totals,
 * which add up to the same whoever renders what. */
static void render_chunk(worker *me, chunk *c)
{
    if (!c->mem && !(c->mem = open_memstream(&c->buf, &c->size))) {
        c->bad = me->oom = true;
        return;
    }
    rewind(c->mem);
    for (size_t i = 0; i < c->nrec; i++) {
        fin_rec *x = &c->recs[i];
        emitted *e = tcpl_shard_arena_get(c->arena, x->aoff);
        long at = ftell(c->mem);
        tcpl_report_render(me->sh->r, &me->rctx, &me->tot, c->mem, &e->lc);
        long end = ftell(c->mem);
        if (at < 0 || end < at) {
            c->bad = me->oom = true;
            return;
        }
        x->off = (size_t)at;
        x->len = (size_t)(end - at);
    }
    if (fflush(c->mem) != 0) /* the text is not there: none of it is placed */
        c->bad = me->oom = true;
}

/* The reader: engine k's records into the report, up to number upto;
 * its chunk goes back once all are out. */
static void place_run(shard *sh, int k, uint64_t upto)
{
    worker *w = &sh->w[k];
    chunk *c = &w->fin[w->consumed % CHUNKS];
    while (sh->pos[k] < c->nrec && c->recs[sh->pos[k]].gid <= upto) {
        const fin_rec *x = &c->recs[sh->pos[k]++];
        if (c->bad)
            continue;
        if (w->render) {
            tcpl_report_rendered(sh->r, x->gid, c->buf + x->off, x->len);
        } else {
            emitted *e = tcpl_shard_arena_get(c->arena, x->aoff);
            tcpl_report_lifecycle(sh->r, &e->lc);
        }
    }
    if (sh->pos[k] == c->nrec) {
        sh->pos[k] = 0;
        pthread_mutex_lock(&sh->mu);
        w->consumed++;
        pthread_cond_broadcast(&sh->fin);
        pthread_mutex_unlock(&sh->mu);
    }
}

/* ------------------------------------------------------------ output
 *
 * Writing is a large part of the end of input (the kernel copies every
 * record into the page cache), and only the reader can place records.
 * So while it places, what it writes goes into blocks, and whichever
 * thread is free writes the full ones, one at a time and in order: a
 * plain write() that carries on the output's own offset, for a file, a
 * pipe or a terminal alike.
 */

/* Under mu: a full block waits, and nobody is writing. */
static bool write_ready(const shard *sh)
{
    return sh->ofile && !sh->owriting && sh->owritten < sh->ofill;
}

/* Under mu (released while writing): the oldest full block out. */
static void write_block(shard *sh)
{
    size_t i = sh->owritten % OBLOCKS;
    const char *p = sh->ob[i].buf;
    size_t n = sh->ob[i].len;
    int err = 0;
    sh->owriting = true;
    pthread_mutex_unlock(&sh->mu);
    while (n) {
        ssize_t w = write(sh->ofd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            err = w < 0 ? errno : EIO;
            break;
        }
        p += w;
        n -= (size_t)w;
    }
    pthread_mutex_lock(&sh->mu);
    if (err && !sh->oerr)
        sh->oerr = err;
    sh->ob[i].len = 0;
    sh->owritten++;
    sh->owriting = false;
    pthread_cond_broadcast(&sh->fin);
}

/* The reader's block is full: hand it over, and take the next once it is
 * written out (writing one itself rather than wait idle). */
static void out_seal(shard *sh)
{
    pthread_mutex_lock(&sh->mu);
    sh->ofill++;
    pthread_cond_broadcast(&sh->fin);
    while (sh->ofill - sh->owritten >= OBLOCKS) {
        if (write_ready(sh))
            write_block(sh);
        else
            pthread_cond_wait(&sh->fin, &sh->mu);
    }
    pthread_mutex_unlock(&sh->mu);
}

/* ofile's writes (the reader's, unbuffered: straight from the records). */
static ssize_t out_write(void *cookie, const char *buf, size_t n)
{
    shard *sh = cookie;
    for (size_t left = n; left;) {
        size_t i = sh->ofill % OBLOCKS, room = OBLOCK_BYTES - sh->ob[i].len;
        size_t k = left < room ? left : room;
        memcpy(sh->ob[i].buf + sh->ob[i].len, buf, k);
        sh->ob[i].len += k;
        buf += k;
        left -= k;
        if (sh->ob[i].len == OBLOCK_BYTES)
            out_seal(sh);
    }
    return (ssize_t)n;
}

void tcpl_shard_out_begin(shard *sh)
{
    if (!sh->render || !tcpl_report_records_direct(sh->r))
        return;
    FILE *real = tcpl_report_divert(sh->r, NULL);
    int fd = real ? fileno(real) : -1;
    cookie_io_functions_t io = {.write = out_write};
    FILE *f = NULL;
    /* What the report wrote so far goes first; an output that already
     * failed, or has no descriptor, is left as it is. */
    bool ok = fd >= 0 && fflush(real) == 0 && !ferror(real);
    for (int i = 0; ok && i < OBLOCKS; i++)
        ok = (sh->ob[i].buf = malloc(OBLOCK_BYTES)) != NULL;
    if (ok && (f = fopencookie(sh, "w", io)) != NULL &&
        setvbuf(f, NULL, _IONBF, 0) == 0) {
        sh->ofile = f;
        sh->oreal = real;
        sh->ofd = fd;
        tcpl_report_divert(sh->r, f);
        return;
    }
    if (f)
        fclose(f);
    for (int i = 0; i < OBLOCKS; i++) {
        free(sh->ob[i].buf);
        sh->ob[i].buf = NULL;
    }
    tcpl_report_divert(sh->r, real);
}

/* Everything placed: the last block out, and the records back where they
 * went. */
static void out_end(shard *sh)
{
    if (!sh->ofile)
        return;
    pthread_mutex_lock(&sh->mu);
    if (sh->ob[sh->ofill % OBLOCKS].len) {
        sh->ofill++;
        pthread_cond_broadcast(&sh->fin);
    }
    while (sh->owritten < sh->ofill) {
        if (write_ready(sh))
            write_block(sh);
        else
            pthread_cond_wait(&sh->fin, &sh->mu);
    }
    FILE *f = sh->ofile;
    sh->ofile = NULL;
    pthread_mutex_unlock(&sh->mu);
    tcpl_report_divert(sh->r, sh->oreal);
    fclose(f);
    for (int i = 0; i < OBLOCKS; i++) {
        free(sh->ob[i].buf);
        sh->ob[i].buf = NULL;
    }
    if (sh->oerr) {
        errno = sh->oerr; /* for the report's message */
        tcpl_report_fail(sh->r);
    }
}

/*
 * me's part of the shared work until done(me) holds: the reader places
 * what it can, and anyone renders (at most renders chunks).  With wait it
 * sleeps when there is nothing to do; without, it returns then.
 */
static void help(worker *me, bool (*done)(const worker *), bool wait,
                 int renders)
{
    shard *sh = me->sh;
    pthread_mutex_lock(&sh->mu);
    while (!done(me)) {
        uint64_t upto;
        int k = me->k == 0 ? placeable(sh, &upto) : -1;
        if (k >= 0) {
            pthread_mutex_unlock(&sh->mu);
            place_run(sh, k, upto);
            pthread_mutex_lock(&sh->mu);
            continue;
        }
        /* The others write first (the reader's blocks come back sooner),
         * the reader only when it would otherwise wait. */
        if (me->k != 0 && write_ready(sh)) {
            write_block(sh);
            continue;
        }
        chunk *c = renders > 0 ? claim(sh) : NULL;
        if (c) {
            renders--;
            pthread_mutex_unlock(&sh->mu);
            render_chunk(me, c);
            pthread_mutex_lock(&sh->mu);
            c->rendered = true;
            pthread_cond_broadcast(&sh->fin);
            continue;
        }
        if (!wait)
            break;
        if (write_ready(sh)) {
            write_block(sh);
            continue;
        }
        pthread_cond_wait(&sh->fin, &sh->mu);
    }
    pthread_mutex_unlock(&sh->mu);
}

/* Seal w's chunk, if it holds anything: from now on it is read only. */
static void seal(worker *w)
{
    shard *sh = w->sh;
    chunk *c = &w->fin[w->produced % CHUNKS];
    if (!c->nrec)
        return;
    pthread_mutex_lock(&sh->mu);
    /* Copies for a report that keeps lifecycles need no rendering. */
    c->claimed = c->rendered = !w->render;
    w->next_min = c->recs[c->nrec - 1].gid + 1;
    w->produced++;
    pthread_cond_broadcast(&sh->fin);
    pthread_mutex_unlock(&sh->mu);
}

/* Add a lifecycle ended at the end of input to chunk c, numbered as one
 * table would (its id mapped).  False (w->oom set) when memory ran out. */
static bool chunk_add(worker *w, chunk *c, const tcpl_lifecycle *lc)
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
    x->aoff = c->alen;
    if (!tcpl_shard_arena_put(&c->arena, &c->alen, &c->acap, &l, 0)) {
        w->oom = true;
        return false;
    }
    c->nrec++;
    return true;
}

void tcpl_shard_finish_emit(worker *w, const tcpl_lifecycle *lc)
{
    chunk *c = &w->fin[w->produced % CHUNKS];
    if (!chunk_add(w, c, lc) || (c->nrec < FIN_RECS && c->alen < FIN_BYTES))
        return;
    seal(w);
    /* The reader places as it goes, and renders a chunk for each it
     * seals; a worker goes on ending its own until it runs out of chunks
     * (only it can end them), then renders. */
    if (w->k == 0)
        help(w, never, false, 1);
    help(w, has_free, true, INT_MAX);
    c = &w->fin[w->produced % CHUNKS];
    c->nrec = c->alen = 0;
    c->claimed = c->rendered = c->bad = false;
}

void tcpl_shard_worker_end(worker *w)
{
    shard *sh = w->sh;
    seal(w);
    pthread_mutex_lock(&sh->mu);
    w->fin_done = true;
    pthread_cond_broadcast(&sh->fin);
    pthread_mutex_unlock(&sh->mu);
    help(w, fin_over, true, INT_MAX);
}

void tcpl_shard_merge_finish(shard *sh)
{
    worker *rw = &sh->w[0];
    seal(rw);
    pthread_mutex_lock(&sh->mu);
    rw->fin_done = true;
    pthread_mutex_unlock(&sh->mu);
    help(rw, all_placed, true, INT_MAX);
    out_end(sh);
    pthread_mutex_lock(&sh->mu);
    sh->fin_over = true;
    pthread_cond_broadcast(&sh->fin);
    pthread_mutex_unlock(&sh->mu);
}
