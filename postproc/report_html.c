/*
 * report_html.c - `report --format html`: one self-contained page (no
 * network, no external file) with a summary, a sortable and filterable
 * table of every connection, and each connection's timeline and ladder
 * drawn when its row is opened.
 *
 * The page has to open 20,000 connections in a couple of seconds, so no
 * picture is written here: each lifecycle becomes one compact JSON array of
 * numbers (times in microseconds, states and anomalies as indexes into the
 * tables picture.c hands over), repeated strings (addresses, anomaly texts)
 * go once into a string table at the end, and the page's script
 * (report_html.js, embedded at configure time) draws rows and pictures on
 * demand with picture.c's constants.
 *
 * Layout of the document: head and style; the pattern definitions and the
 * legend (from picture.c); <script type="application/json"> elements: the
 * drawing constants (#tcpl-pic), per file section its records
 * (.tcpl-recs, an array ending in null) and its totals (.tcpl-file), the
 * string table (#tcpl-strings); then the script.
 */
#include "picture.h"
#include "report_hosts.h"
#include "report_writer.h"

#include <stdlib.h>

/* report_html.js and report_html.css (cmake/embed.cmake). */
extern const char tcpl_html_js[];
extern const char tcpl_html_css[];

/* Hosts charted besides those with warnings. */
#define HTML_HOSTS_TOP 8

/* Strings written once and referred to by index. */
typedef struct html_state {
    char **keys;     /* open addressing, cap slots */
    uint32_t *index; /* the string's index, per slot */
    char **order;    /* strings by index */
    size_t cap, count;
    uint64_t files;  /* file sections begun */
} html_state;

static uint64_t str_hash(const char *s)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
    return h;
}

static bool strtab_grow(html_state *st)
{
    size_t nc = st->cap ? st->cap * 2 : 256;
    char **k = calloc(nc, sizeof *k);
    uint32_t *ix = calloc(nc, sizeof *ix);
    char **ord = realloc(st->order, nc / 2 * sizeof *ord);
    if (!k || !ix || !ord) {
        free(k);
        free(ix);
        if (ord)
            st->order = ord;
        return false;
    }
    st->order = ord;
    for (size_t i = 0; i < st->cap; i++) {
        if (!st->keys[i])
            continue;
        size_t j = str_hash(st->keys[i]) & (nc - 1);
        while (k[j])
            j = (j + 1) & (nc - 1);
        k[j] = st->keys[i];
        ix[j] = st->index[i];
    }
    free(st->keys);
    free(st->index);
    st->keys = k;
    st->index = ix;
    st->cap = nc;
    return true;
}

/* The index of s in the table; -1 when out of memory. */
static int64_t intern(html_state *st, const char *s)
{
    if (st->count + 1 > st->cap / 2 && !strtab_grow(st))
        return -1;
    size_t j = str_hash(s) & (st->cap - 1);
    for (; st->keys[j]; j = (j + 1) & (st->cap - 1))
        if (strcmp(st->keys[j], s) == 0)
            return st->index[j];
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (!copy)
        return -1;
    memcpy(copy, s, n);
    st->keys[j] = copy;
    st->index[j] = (uint32_t)st->count;
    st->order[st->count] = copy;
    return (int64_t)st->count++;
}

static void sb_i64(tcpl_sbuf *b, int64_t v)
{
    if (v < 0) {
        sb_putc(b, '-');
        sb_u64(b, (uint64_t)0 - (uint64_t)v);
    } else {
        sb_u64(b, (uint64_t)v);
    }
}

/* ",N" */
static void num(tcpl_sbuf *b, int64_t v)
{
    sb_putc(b, ',');
    sb_i64(b, v);
}

/* The first number of a list's i-th entry. */
static void first(tcpl_sbuf *b, size_t i, int64_t v)
{
    if (i)
        sb_putc(b, ',');
    sb_i64(b, v);
}

/* Host (interned) and port of endpoint e. */
static bool endpoint(tcpl_sbuf *b, html_state *st, const tcpl_tuple *t, int e)
{
    char s[80];
    tcpl_fmt_endpoint(s, sizeof s, t, e);
    char *colon = strrchr(s, ':');
    if (colon)
        *colon = '\0';
    int64_t h = intern(st, s);
    num(b, h);
    num(b, e == 0 ? t->sport : t->dport);
    return h >= 0;
}

static void html_begin_report(tcpl_writer_ctx *ctx)
{
    tcpl_sbuf *b = &ctx->sb;
    sb_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width\">"
               "<title>tcp-lifecycle report</title><style>");
    sb_puts(b, tcpl_html_css);
    sb_puts(b, tcpl_pic_css);
    sb_puts(b, "</style></head>\n<body data-render-ms=\"\" data-errors=\"\">"
               "<svg width=\"0\" height=\"0\" style=\"position:absolute\" "
               "aria-hidden=\"true\">");
    tcpl_pic_defs(b);
    sb_puts(b, "</svg>\n<header><h1>TCP connection lifecycles</h1>"
               "<div id=\"files\"></div></header>\n<section id=\"summary\"></section>\n"
               "<div id=\"legend\">");
    tcpl_pic_legend(b);
    sb_puts(b, "</div>\n<section id=\"controls\"></section>\n"
               "<div id=\"table\" role=\"table\"></div>\n"
               "<noscript>This report draws its table and pictures with "
               "JavaScript; the data is in the page's JSON script elements."
               "</noscript>\n<script type=\"application/json\" id=\"tcpl-pic\">");
    tcpl_pic_constants_json(b);
    sb_puts(b, "</script>\n");
    if (!sb_flush(b, ctx->out))
        ctx->failed = true;
}

static int html_begin_file(tcpl_writer_ctx *ctx)
{
    html_state *st = ctx->state;
    st->files++;
    fputs("<script type=\"application/json\" class=\"tcpl-recs\">[\n", ctx->out);
    return 0;
}

/* Events and segments are delta-coded, which halves their size: a frame
 * is the distance from the list's previous frame (the lifecycle's first frame to begin
 * with), or -1 for "at the end of the capture" (frame 0); a time is the
 * distance in microseconds from the list's previous time (0 to begin
 * with). */
typedef struct deltas {
    uint64_t frame;
    int64_t us;
} deltas;

static void delta(tcpl_sbuf *b, deltas *d, uint64_t frame, int64_t us)
{
    if (frame) {
        num(b, (int64_t)(frame - d->frame));
        d->frame = frame;
    } else {
        num(b, -1);
    }
    num(b, us - d->us);
    d->us = us;
}

/*
 * [file, stream, successor, roles (0 seen, 1 guessed, 2 unknown),
 *  client host, client port, server host, server port,
 *  start (us since the file's first packet), duration, end (tcpl_finish),
 *  client final, server final, closer (tcpl_closer_names), close kind
 *  (tcpl_close), anomaly mask, packets, first frame, last frame, dropped,
 *  [timeline: state*8 + 4 + inferred*2 + lane, frame since the first (-1:
 *   at the end), us; or state*8 + inferred*2 + lane, index of the segment
 *   it was entered on]...,
 *  [events: anomaly*2 + lane, frame, us, duration us or -1, text]...,
 *  [segments: flags*8 + window*2 + lane of the sender, frame, us, bytes]...
 *   (flags + 256 for an ICMP error quoting the segment, + 512 for ICMPv6),
 *  and only when it was encapsulated: its tunnel (tcpl_lc_tunnel)]
 * Lane 0 is the client; times in the lists are since the first packet,
 * frames and times delta-coded (see deltas).
 */
static void html_lifecycle(tcpl_writer_ctx *ctx, FILE *f, const tcpl_lifecycle *lc)
{
    html_state *st = ctx->state;
    tcpl_sbuf *b = &ctx->sb;
    const tcpl_conn *c = &lc->conn;
    int ci = tcpl_client_of(c);
    int64_t t0 = c->first_ns;
    bool ok = true;
    sb_putc(b, '[');
    sb_u64(b, st->files - 1);
    num(b, lc->stream);
    num(b, lc->successor);
    num(b, c->client < 0 ? 2 : c->role_guessed ? 1 : 0);
    ok &= endpoint(b, st, &lc->tuple, ci);
    ok &= endpoint(b, st, &lc->tuple, !ci);
    num(b, tcpl_pic_us(t0 - ctx->t0));
    num(b, tcpl_pic_us(c->last_ns - t0));
    num(b, tcpl_pic_us(lc->end_ns - t0));
    num(b, c->ep[ci].state);
    num(b, c->ep[!ci].state);
    num(b, c->first_closer < 0 ? 4
           : (c->first_closer == ci ? 0 : 2) + (c->first_close_rst ? 1 : 0));
    num(b, tcpl_close_kind(c));
    num(b, c->anomalies);
    num(b, (int64_t)lc->packets);
    num(b, (int64_t)lc->first_frame);
    num(b, (int64_t)lc->last_frame);
    num(b, (int64_t)(lc->timeline_dropped + lc->events_dropped + lc->segments_dropped));
    /* Most states are entered on a segment the ladder keeps: such an
     * entry names that segment instead of repeating frame and time. */
    sb_puts(b, ",[");
    size_t j = 0;
    for (size_t i = 0; i < lc->ntimeline; i++) {
        const tcpl_tl_entry *te = &lc->timeline[i];
        while (te->frame && j < lc->nsegments && lc->segments[j].frame < te->frame)
            j++;
        bool on_seg = te->frame && j < lc->nsegments && lc->segments[j].frame == te->frame &&
                      lc->segments[j].ts_ns == te->ts_ns;
        first(b, i, (int64_t)te->state * 8 + (on_seg ? 0 : 4) + te->inferred * 2 +
                        (te->endpoint == ci ? 0 : 1));
        if (on_seg) {
            num(b, (int64_t)j);
        } else {
            num(b, te->frame ? (int64_t)(te->frame - lc->first_frame) : -1);
            num(b, tcpl_pic_us(te->ts_ns - t0));
        }
    }
    deltas d = {lc->first_frame, 0};
    sb_puts(b, "],[");
    for (size_t i = 0; i < lc->nevents; i++) {
        const tcpl_tl_event *ev = &lc->events[i];
        char text[512];
        tcpl_describe(c, &ev->ev, text, sizeof text);
        first(b, i, (int64_t)ev->ev.anomaly * 2 + (ev->ev.endpoint == ci ? 0 : 1));
        delta(b, &d, ev->frame, tcpl_pic_us(ev->ts_ns - t0));
        num(b, ev->ev.duration_ns < 0 ? -1 : tcpl_pic_us(ev->ev.duration_ns));
        int64_t k = intern(st, text);
        ok &= k >= 0;
        num(b, k);
    }
    d = (deltas){lc->first_frame, 0};
    sb_puts(b, "],[");
    for (size_t i = 0; i < lc->nsegments; i++) {
        const tcpl_tl_segment *s = &lc->segments[i];
        first(b, i, ((int64_t)s->flags + (s->icmp ? 256 * (s->icmp == 6 ? 2 : 1) : 0)) * 8 +
                        s->window * 2 + (s->from == ci ? 0 : 1));
        delta(b, &d, s->frame, tcpl_pic_us(s->ts_ns - t0));
        num(b, s->len);
    }
    sb_putc(b, ']');
    if (lc->tuple.encap.n > 0) {
        char tunnel[TCPL_WIRE_ENCAP_STRLEN];
        int64_t k = intern(st, tcpl_lc_tunnel(lc, tunnel));
        ok &= k >= 0;
        num(b, k);
    }
    sb_puts(b, "],\n");
    if (!sb_flush(b, f) || !ok)
        ctx->failed = true;
}

static void html_end_file(tcpl_writer_ctx *ctx, const tcpl_report_totals *t,
                          const tcpl_file_info *info)
{
    tcpl_sbuf *b = &ctx->sb;
    char utc[64];
    sb_puts(b, "null]</script>");
    /* The per-host netstat, drawn lazily as stacked charts: hosts with
     * warnings and the few holding the most.  On the records' last line,
     * like every JSON element, one element's end per line. */
    if (ctx->hosts) {
        sb_puts(b, "<script type=\"application/json\" class=\"tcpl-hosts\">");
        tcpl_hosts_html(ctx, b, ctx->hosts, HTML_HOSTS_TOP);
        sb_puts(b, "</script>");
    }
    sb_puts(b, "\n<script type=\"application/json\" class=\"tcpl-file\">{\"name\":");
    tcpl_sb_json_str(b, ctx->name, true);
    sb_puts(b, ",\"kind\":");
    tcpl_sb_json_str(b, info->kind ? info->kind : "", true);
    sb_puts(b, ",\"utc\":");
    tcpl_sb_json_str(b, t->packets ? tcpl_fmt_utc(utc, sizeof utc, t->first_ns) : "", true);
    sb_puts(b, ",\"span_us\":");
    sb_i64(b, t->packets ? tcpl_pic_us(t->last_ns - t->first_ns) : 0);
    static const char *const keys[] = {"lines", "packets", "connections", "shown",
                                       "evicted", "gaps", "missed", "plugin_checked",
                                       "plugin_disagreements", "non_tcp", "multi_header",
                                       "incomplete"};
    const uint64_t vals[] = {t->lines, t->packets, t->lifecycles, t->shown,
                             t->evicted, t->gaps, t->missed, t->plugin_checked,
                             t->plugin_disagreements, t->skipped[0], t->skipped[1],
                             t->skipped[2]};
    for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++) {
        tcpl_sb_printf(b, ",\"%s\":", keys[k]);
        sb_u64(b, vals[k]);
    }
    sb_puts(b, ",\"error\":");
    if (info->error)
        tcpl_sb_json_str(b, info->error, true);
    else
        sb_puts(b, "null");
    sb_puts(b, "}</script>\n");
    if (!sb_flush(b, ctx->out))
        ctx->failed = true;
}

static void html_end_report(tcpl_writer_ctx *ctx)
{
    html_state *st = ctx->state;
    tcpl_sbuf *b = &ctx->sb;
    sb_puts(b, "<script type=\"application/json\" id=\"tcpl-strings\">[");
    for (size_t i = 0; i < st->count; i++) {
        if (i)
            sb_putc(b, ',');
        tcpl_sb_json_str(b, st->order[i], true);
        if (b->len > 65536 && !sb_flush(b, ctx->out))
            ctx->failed = true;
    }
    sb_puts(b, "]</script>\n<script>\n");
    sb_puts(b, tcpl_html_js);
    sb_puts(b, "</script>\n</body></html>\n");
    if (!sb_flush(b, ctx->out))
        ctx->failed = true;
    for (size_t i = 0; i < st->count; i++)
        free(st->order[i]);
    free(st->order);
    free(st->keys);
    free(st->index);
}

const tcpl_report_writer tcpl_writer_html = {
    .name = "html",
    .state_size = sizeof(html_state),
    .one_process = true,
    .begin_report = html_begin_report,
    .begin_file = html_begin_file,
    .lifecycle = html_lifecycle,
    .end_file = html_end_file,
    .end_report = html_end_report,
    .host_summary = true,
};
