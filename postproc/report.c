/*
 * report.c - the model of `tcp-lifecycle report`: which lifecycles are
 * shown, what is counted of them, the order they are written in, and the
 * file sections; the formats themselves are writers (report_writer.h).
 *
 * Each completed lifecycle is written once every lifecycle that started
 * before it has been (a bounded reorder heap), and then forgotten; only
 * counters survive it, so a report over millions of connections needs no
 * more memory than the connections open at once.
 *
 * Streaming (--live, or --streaming on a pipe) skips the reorder: a record
 * is written and flushed the moment its lifecycle ends, because a reader
 * tailing the output should not wait for a long-lived connection that
 * started earlier, and a live capture has no end to drain the heap at.
 */
#define _POSIX_C_SOURCE 200809L
#include "report_writer.h"

#include "hosts.h"

#include <stdlib.h>
#include <string.h>

/* --format: one row per format, in tcpl_format's order. */
static const tcpl_report_writer *const writers[] = {
    [TCPL_FMT_TEXT] = &tcpl_writer_text,
    [TCPL_FMT_CSV] = &tcpl_writer_csv,
    [TCPL_FMT_JSON] = &tcpl_writer_json,
    [TCPL_FMT_ZEEK] = &tcpl_writer_zeek,
    [TCPL_FMT_ZEEK_JSON] = &tcpl_writer_zeek_json,
    [TCPL_FMT_HTML] = &tcpl_writer_html,
    [TCPL_FMT_SVG] = &tcpl_writer_svg,
};

const tcpl_report_writer *tcpl_report_writer_for(tcpl_format f)
{
    if ((unsigned)f >= sizeof writers / sizeof writers[0])
        return NULL;
    return writers[f];
}

bool tcpl_format_from_name(const char *name, tcpl_format *f)
{
    for (size_t k = 0; k < sizeof writers / sizeof writers[0]; k++)
        if (writers[k] && strcmp(writers[k]->name, name) == 0) {
            *f = (tcpl_format)k;
            return true;
        }
    return false;
}

const char *tcpl_format_name(tcpl_format f)
{
    const tcpl_report_writer *w = tcpl_report_writer_for(f);
    return w ? w->name : NULL;
}

bool tcpl_format_needs_stream(tcpl_format f)
{
    const tcpl_report_writer *w = tcpl_report_writer_for(f);
    return w && w->one_stream;
}

bool tcpl_format_has_hosts(tcpl_format f)
{
    const tcpl_report_writer *w = tcpl_report_writer_for(f);
    return w && w->hosts;
}

bool tcpl_format_parallel(tcpl_format f)
{
    const tcpl_report_writer *w = tcpl_report_writer_for(f);
    return w && !w->one_process;
}

typedef struct reorder_rec {
    uint64_t id;
    char *text; /* the rendered record, NULL when not shown */
    size_t len;
} reorder_rec;

struct tcpl_report {
    tcpl_report_opts o;
    const tcpl_report_writer *w;
    tcpl_writer_ctx ctx;
    uint64_t next_id;    /* lifecycle id whose record is due next */
    reorder_rec *heap;   /* records waiting for their turn */
    size_t nheap;
    size_t heap_bytes;
    FILE *mem;           /* renders records that have to wait */
    char *mem_buf;
    size_t mem_len;
    bool t0_set;
    bool begun;          /* the writer's begin_report was called */
    bool part;           /* one file of a --jobs run: no report-wide output */
    tcpl_report_totals file;
    tcpl_report_totals all;
    /* The section's per-host netstat: with --hosts, or for a format whose
     * summary shows it; every lifecycle goes in, shown or not. */
    tcpl_hosts *hosts;
};

void tcpl_report_opts_init(tcpl_report_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = TCPL_FMT_TEXT;
    o->stream = -1;
    o->successor = -1;
    tcpl_tracker_opts_init(&o->tracker);
    tcpl_host_limits_init(&o->host_limits);
}

static void totals_reset(tcpl_report_totals *t)
{
    memset(t, 0, sizeof *t);
    t->first_ns = INT64_MAX;
    t->last_ns = INT64_MIN;
}

tcpl_report *tcpl_report_new(const tcpl_report_opts *o, FILE *out)
{
    const tcpl_report_writer *w = tcpl_report_writer_for(o->format);
    if (!w)
        return NULL;
    tcpl_report *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (w->state_size && !(r->ctx.state = calloc(1, w->state_size))) {
        free(r);
        return NULL;
    }
    r->o = *o;
    r->w = w;
    r->ctx.o = &r->o;
    r->ctx.out = out;
    r->ctx.records = out;
    r->ctx.all = &r->all;
    totals_reset(&r->all);
    if ((o->hosts && w->hosts) || w->host_summary) {
        r->hosts = tcpl_hosts_new(o->hosts_interval_ns, o->hosts_interval_ns > 0,
                                  &o->host_limits);
        if (!r->hosts) {
            free(r->ctx.state);
            free(r);
            return NULL;
        }
    }
    return r;
}

/* ------------------------------------------------------------ lifecycles */

static bool wanted(const tcpl_report *r, const tcpl_lifecycle *lc)
{
    if (r->o.hosts) /* the hosts' view replaces the connections' */
        return false;
    if (r->o.stream >= 0 && lc->stream != r->o.stream)
        return false;
    if (r->o.successor >= 0 && (int64_t)lc->successor != r->o.successor)
        return false;
    if (r->o.anomalies_only) {
        /* Capture notes say where evidence is thin, not that the
         * connection misbehaved. */
        bool any = false;
        for (int a = 0; a < TCPL_ANOMALY_COUNT && !any; a++)
            any = (lc->conn.anomalies & TCPL_BIT(a)) &&
                  tcpl_anomaly_kind((tcpl_anomaly)a) == TCPL_KIND_CONN;
        if (!any)
            return false;
    }
    return true;
}

static void count(tcpl_report_totals *t, const tcpl_lifecycle *lc, bool shown)
{
    const tcpl_conn *c = &lc->conn;
    int ci = tcpl_client_of(c);
    t->lifecycles++;
    t->shown += shown;
    t->final[0][c->ep[ci].state < TCPL_STATE_COUNT ? c->ep[ci].state : 0]++;
    t->final[1][c->ep[!ci].state < TCPL_STATE_COUNT ? c->ep[!ci].state : 0]++;
    if (c->first_closer < 0)
        t->closer[4]++;
    else
        t->closer[(c->first_closer == ci ? 0 : 2) + (c->first_close_rst ? 1 : 0)]++;
    for (int a = 0; a < TCPL_ANOMALY_COUNT; a++)
        if (c->anomalies & TCPL_BIT(a))
            t->anomaly[a]++;
    t->gaps += tcpl_lc_gaps(lc);
    t->missed += tcpl_lc_missed(lc);
}

static void write_one(tcpl_report *r, FILE *f, const tcpl_lifecycle *lc)
{
    if (!f) { /* no spool (begin_file failed): fail, do not crash */
        r->ctx.failed = true;
        return;
    }
    r->w->lifecycle(&r->ctx, f, lc);
}

/* Where stream records go: the output, or where the writer put them. */
static FILE *dest(tcpl_report *r)
{
    return r->ctx.records;
}

/* ---- reordering: streams in the order they started, within a bound
 *
 * The tracker hands lifecycles over when they end, which is not the order
 * they began.  Records that arrive early wait in a min-heap on the
 * lifecycle id until every earlier id has been written.  The heap is
 * bounded (REORDER_MAX records, REORDER_BYTES bytes): when a long-lived
 * connection would hold back too much, the oldest waiting record is
 * written anyway, and the connections still open from before it are
 * written when they end.  Memory stays bounded; order is only best effort
 * in that case (documented in the man page).
 */
#define REORDER_MAX 4096
#define REORDER_BYTES (8u << 20)

static void heap_swap(reorder_rec *a, reorder_rec *b)
{
    reorder_rec t = *a;
    *a = *b;
    *b = t;
}

static void heap_push(tcpl_report *r, reorder_rec rec)
{
    size_t i = r->nheap++;
    r->heap[i] = rec;
    while (i > 0 && r->heap[(i - 1) / 2].id > r->heap[i].id) {
        heap_swap(&r->heap[(i - 1) / 2], &r->heap[i]);
        i = (i - 1) / 2;
    }
}

static reorder_rec heap_pop(tcpl_report *r)
{
    reorder_rec top = r->heap[0];
    r->heap[0] = r->heap[--r->nheap];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < r->nheap && r->heap[l].id < r->heap[m].id)
            m = l;
        if (l + 1 < r->nheap && r->heap[l + 1].id < r->heap[m].id)
            m = l + 1;
        if (m == i)
            break;
        heap_swap(&r->heap[i], &r->heap[m]);
        i = m;
    }
    r->heap_bytes -= top.len;
    return top;
}

static void release(tcpl_report *r, reorder_rec rec)
{
    if (rec.len && dest(r))
        fwrite(rec.text, 1, rec.len, dest(r));
    else if (rec.len)
        r->ctx.failed = true;
    free(rec.text);
    if (rec.id >= r->next_id)
        r->next_id = rec.id + 1;
}

/* Write what waits and is due; force is for the end of a file. */
static void drain(tcpl_report *r, bool force)
{
    while (r->nheap && (force || r->heap[0].id == r->next_id ||
                        r->nheap > REORDER_MAX || r->heap_bytes > REORDER_BYTES))
        release(r, heap_pop(r));
}

bool tcpl_format_has_events(tcpl_format f)
{
    const tcpl_report_writer *w = tcpl_report_writer_for(f);
    return w && w->event;
}

void tcpl_report_event(void *user, const tcpl_lifecycle *lc,
                       const tcpl_tl_event *ev)
{
    tcpl_report *r = user;
    if (!r->w->event || !wanted(r, lc))
        return;
    r->w->event(&r->ctx, lc, ev);
    if (fflush(r->ctx.out) != 0)
        r->ctx.failed = true;
}

static void place(tcpl_report *r, uint64_t id, bool shown,
                  const tcpl_lifecycle *lc, const char *text, size_t len);

void tcpl_report_lifecycle(void *user, const tcpl_lifecycle *lc)
{
    tcpl_report *r = user;
    bool shown = wanted(r, lc);
    count(&r->file, lc, shown);
    if (r->hosts)
        tcpl_hosts_add(r->hosts, lc); /* a failure marks the tally */
    if (r->o.streaming) {
        if (shown) {
            write_one(r, dest(r), lc);
            if (dest(r) && fflush(dest(r)) != 0)
                r->ctx.failed = true;
        }
        return;
    }
    place(r, lc->id, shown, lc, NULL, 0);
}

/* A record into the order (see above): lc rendered here, or text already
 * rendered by another thread (lc NULL). */
static void place(tcpl_report *r, uint64_t id, bool shown,
                  const tcpl_lifecycle *lc, const char *text, size_t len)
{
    /* In order, or late (its turn was given away): write it now. */
    if (id < r->next_id || (id == r->next_id && r->nheap == 0)) {
        if (shown && lc)
            write_one(r, dest(r), lc);
        else if (shown && dest(r))
            fwrite(text, 1, len, dest(r));
        else if (shown)
            r->ctx.failed = true;
        if (id == r->next_id)
            r->next_id++;
        drain(r, false);
        return;
    }
    reorder_rec rec = {id, NULL, 0};
    if (shown && !lc) {
        rec.text = len ? malloc(len) : NULL;
        if (len && !rec.text) {
            /* No memory to wait: write it out of order rather than lose it. */
            if (dest(r))
                fwrite(text, 1, len, dest(r));
            return;
        }
        if (len)
            memcpy(rec.text, text, len);
        rec.len = len;
    } else if (shown) {
        if (!r->mem) {
            r->mem = open_memstream(&r->mem_buf, &r->mem_len);
            if (!r->mem) {
                write_one(r, dest(r), lc); /* out of order, not lost */
                return;
            }
        }
        rewind(r->mem);
        write_one(r, r->mem, lc);
        fflush(r->mem);
        long n = ftell(r->mem);
        rec.text = n > 0 ? malloc((size_t)n) : NULL;
        if (n > 0 && !rec.text) {
            /* No memory to wait: write it out of order rather than lose it. */
            write_one(r, dest(r), lc);
            return;
        }
        if (n > 0)
            memcpy(rec.text, r->mem_buf, (size_t)n);
        rec.len = n > 0 ? (size_t)n : 0;
    }
    if (!r->heap) {
        r->heap = malloc((REORDER_MAX + 1) * sizeof *r->heap);
        if (!r->heap) {
            release(r, rec);
            return;
        }
    }
    heap_push(r, rec);
    r->heap_bytes += rec.len;
    drain(r, false);
}

/* ---- rendering in other threads (shard.c) */

bool tcpl_report_keeps_lifecycles(const tcpl_report *r)
{
    return r->hosts != NULL;
}

bool tcpl_report_records_direct(const tcpl_report *r)
{
    return r->ctx.records != NULL && r->ctx.records == r->ctx.out;
}

FILE *tcpl_report_divert(tcpl_report *r, FILE *f)
{
    FILE *was = r->ctx.records;
    r->ctx.records = f;
    return was;
}

void tcpl_report_fail(tcpl_report *r)
{
    r->ctx.failed = true;
}

void tcpl_report_render_ctx(const tcpl_report *r, tcpl_writer_ctx *c)
{
    /* The writer's state and the section's spool are the report's own:
     * a record needs neither. */
    *c = r->ctx;
    memset(&c->sb, 0, sizeof c->sb);
    c->failed = false;
    c->complaint = NULL;
    c->state = NULL;
    c->records = NULL;
    c->hosts = NULL;
}

bool tcpl_report_render(const tcpl_report *r, tcpl_writer_ctx *c,
                        tcpl_report_totals *t, FILE *f, const tcpl_lifecycle *lc)
{
    bool shown = wanted(r, lc);
    count(t, lc, shown);
    if (shown)
        r->w->lifecycle(c, f, lc);
    return shown;
}

void tcpl_report_rendered(tcpl_report *r, uint64_t id, const char *text,
                          size_t len)
{
    place(r, id, len > 0, NULL, text, len);
}

/* What count() counts of each lifecycle, t's added to to. */
static void add_lifecycle_counts(tcpl_report_totals *to,
                                 const tcpl_report_totals *t)
{
    to->lifecycles += t->lifecycles;
    to->shown += t->shown;
    for (int s = 0; s < 2; s++)
        for (int k = 0; k < TCPL_STATE_COUNT; k++)
            to->final[s][k] += t->final[s][k];
    for (int k = 0; k < TCPL_CLOSER_KINDS; k++)
        to->closer[k] += t->closer[k];
    for (int k = 0; k < TCPL_ANOMALY_COUNT; k++)
        to->anomaly[k] += t->anomaly[k];
    to->gaps += t->gaps;
    to->missed += t->missed;
}

void tcpl_report_add_counts(tcpl_report *r, const tcpl_report_totals *t,
                            tcpl_writer_ctx *c)
{
    /* What count() adds, nothing else. */
    add_lifecycle_counts(&r->file, t);
    if (c->failed)
        r->ctx.failed = true;
    free(c->sb.p);
    memset(&c->sb, 0, sizeof c->sb);
}

/* ------------------------------------------------------------ sections */

int tcpl_report_begin_file(tcpl_report *r, const char *name)
{
    r->ctx.name = name;
    r->ctx.t0 = 0;
    r->t0_set = false;
    r->next_id = 0;
    totals_reset(&r->file);
    r->ctx.hosts = NULL;
    if (r->hosts)
        tcpl_hosts_reset(r->hosts);
    if (!r->begun) {
        r->begun = true;
        if (r->w->begin_report)
            r->w->begin_report(&r->ctx);
    }
    r->ctx.records = r->ctx.out;
    return r->w->begin_file ? r->w->begin_file(&r->ctx) : 0;
}

void tcpl_report_origin(tcpl_report *r, int64_t t0_ns)
{
    if (!r->t0_set) {
        r->ctx.t0 = t0_ns;
        r->t0_set = true;
    }
}

static void totals_add(tcpl_report_totals *all, const tcpl_report_totals *t)
{
    all->files++;
    all->lines += t->lines;
    all->packets += t->packets;
    for (int i = 0; i < 3; i++)
        all->skipped[i] += t->skipped[i];
    add_lifecycle_counts(all, t);
    if (t->peak_open > all->peak_open)
        all->peak_open = t->peak_open;
    all->evicted += t->evicted;
    all->capped += t->capped;
    all->plugin_checked += t->plugin_checked;
    all->plugin_disagreements += t->plugin_disagreements;
    all->errors += t->errors;
    if (t->first_ns < all->first_ns)
        all->first_ns = t->first_ns;
    if (t->last_ns > all->last_ns)
        all->last_ns = t->last_ns;
}

/* What the input loop knows into the section's totals. */
static void fill_totals(tcpl_report_totals *t, const tcpl_file_info *info)
{
    t->lines = info->lines;
    t->packets = info->stats.packets;
    t->skipped[0] = info->skipped_non_tcp;
    t->skipped[1] = info->skipped_multi;
    t->skipped[2] = info->skipped_incomplete;
    t->peak_open = info->stats.peak_open;
    t->evicted = info->stats.evicted;
    t->capped = info->stats.capped;
    t->plugin_checked = info->plugin_checked;
    t->plugin_disagreements = info->plugin_disagreements;
    t->errors = info->error != NULL;
    t->first_ns = info->stats.first_ns;
    t->last_ns = info->stats.last_ns;
}

int tcpl_report_interim(tcpl_report *r, const tcpl_file_info *info)
{
    if (!r->w->interim)
        return 1;
    /* A copy: the section's own totals are completed only at its end. */
    tcpl_report_totals t = r->file;
    fill_totals(&t, info);
    r->w->interim(&r->ctx, &t, info);
    if (fflush(r->ctx.out) != 0 || ferror(r->ctx.out))
        r->ctx.failed = true;
    return r->ctx.failed ? -1 : 0;
}

int tcpl_report_end_file(tcpl_report *r, const tcpl_file_info *info)
{
    drain(r, true);
    tcpl_report_totals *t = &r->file;
    fill_totals(t, info);
    totals_add(&r->all, t);

    if (r->hosts) {
        tcpl_hosts_finish(r->hosts, t->first_ns, t->last_ns);
        r->ctx.hosts = r->hosts;
        if (r->o.hosts && r->w->hosts) {
            if (r->ctx.records)
                r->w->hosts(&r->ctx, r->ctx.records, r->hosts);
            else
                r->ctx.failed = true;
        }
    }
    if (r->w->end_file)
        r->w->end_file(&r->ctx, t, info);
    r->ctx.hosts = NULL;
    if (ferror(r->ctx.out))
        r->ctx.failed = true;
    return r->ctx.failed ? -1 : 0;
}

/* ------------------------------------------------------------ --jobs */

void tcpl_report_as_part(tcpl_report *r, uint64_t files_before)
{
    r->part = true;
    r->begun = true;
    r->all.files = files_before;
}

bool tcpl_report_part_totals(const tcpl_report *r, uint64_t files_before,
                             tcpl_report_totals *t)
{
    *t = r->file;
    return r->all.files > files_before;
}

void tcpl_report_begin(tcpl_report *r)
{
    if (!r->begun) {
        r->begun = true;
        if (r->w->begin_report)
            r->w->begin_report(&r->ctx);
    }
}

void tcpl_report_merge(tcpl_report *r, const tcpl_report_totals *t)
{
    totals_add(&r->all, t);
}

int tcpl_report_close(tcpl_report *r)
{
    if (r->begun && !r->part && r->w->end_report)
        r->w->end_report(&r->ctx);
    while (r->nheap)
        free(heap_pop(r).text);
    free(r->heap);
    if (r->mem)
        fclose(r->mem);
    free(r->mem_buf);
    free(r->ctx.sb.p);
    tcpl_hosts_free(r->hosts);
    if (fflush(r->ctx.out) != 0 || ferror(r->ctx.out))
        r->ctx.failed = true;
    bool failed = r->ctx.failed;
    /* The complaint lives in the writer's state: say it before freeing. */
    if (r->ctx.complaint && !failed)
        fprintf(stderr, "tcp-lifecycle: %s\n", r->ctx.complaint);
    int rc = failed ? -1 : r->ctx.complaint ? 1 : 0;
    free(r->ctx.state);
    free(r);
    return rc;
}
