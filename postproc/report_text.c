/*
 * report_text.c - the text format of `tcp-lifecycle report`, for people:
 * per file a header with the totals, then one section per stream with its
 * states, how long each lasted, and its anomalies explained.
 *
 * The header comes first but is only known at the end of the file, so the
 * stream sections are spooled (report_spool.h: in memory, then in a
 * temporary file past a bound) and copied out after it; memory stays
 * bounded however many streams there are.
 */
#define _POSIX_C_SOURCE 200809L
#include "report_hosts.h"
#include "report_spool.h"
#include "report_writer.h"

#include <inttypes.h>
#include <string.h>

#define WRAP 99 /* text lines stay within a 100-column terminal */

typedef struct text_state {
    tcpl_spool *body; /* this file's stream sections */
} text_state;

/* Write text at column `indent`, wrapped at word boundaries within WRAP
 * columns; the first line continues the current one at column `col`.
 * Built in a buffer and written in one piece: a stdio call per word and
 * per space cost more than the rest of a stream's section. */
static void wrap(FILE *f, int col, int indent, const char *text)
{
    char out[1024];
    size_t o = 0;
    const char *s = text;
    while (*s) {
        const char *w = s;
        while (*w && *w != ' ')
            w++;
        size_t wl = (size_t)(w - s);
        if (o + (size_t)indent + 1 > sizeof out) {
            fwrite(out, 1, o, f);
            o = 0;
        }
        if (col > indent && col + 1 + (int)wl > WRAP) {
            out[o++] = '\n';
            memset(out + o, ' ', (size_t)indent);
            o += (size_t)indent;
            col = indent;
        } else if (col > indent) {
            out[o++] = ' ';
            col++;
        }
        if (o + wl > sizeof out) {
            fwrite(out, 1, o, f);
            o = 0;
        }
        if (wl > sizeof out)
            fwrite(s, 1, wl, f);
        else {
            memcpy(out + o, s, wl);
            o += wl;
        }
        col += (int)wl;
        s = w;
        while (*s == ' ')
            s++;
    }
    if (o == sizeof out) {
        fwrite(out, 1, o, f);
        o = 0;
    }
    out[o++] = '\n';
    fwrite(out, 1, o, f);
}

static bool is_last(const tcpl_lifecycle *lc, size_t i)
{
    for (size_t k = i + 1; k < lc->ntimeline; k++)
        if (lc->timeline[k].endpoint == lc->timeline[i].endpoint)
            return false;
    return true;
}

static const char *end_words(const tcpl_lifecycle *lc)
{
    switch (lc->end) {
    case TCPL_LC_END_IDLE: return "until dropped as idle";
    case TCPL_LC_END_SUCCESSOR: return "until the next SYN";
    case TCPL_LC_END_EVICTED: return "until evicted (--max-connections)";
    default: return "until the end";
    }
}

/* Appenders for the state lines, written by hand rather than with printf
 * (whose format parsing was most of this format's time): each returns
 * the end of what it wrote. */
static char *put(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

/* s left-justified in width columns, as "%-*s". */
static char *put_left(char *p, const char *s, int width)
{
    char *q = put(p, s);
    while (q - p < width)
        *q++ = ' ';
    return q;
}

static char *put_u64(char *p, uint64_t v)
{
    char d[20];
    int i = (int)sizeof d;
    do {
        d[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    memcpy(p, d + i, sizeof d - (size_t)i);
    return p + (sizeof d - (size_t)i);
}

/* The frame of a state or an anomaly ("frame 7"), or when it was seen
 * without one, into p. */
static char *put_frame(char *p, const tcpl_lifecycle *lc, uint64_t frame)
{
    if (frame)
        return put_u64(put(p, "frame "), frame);
    return put(p, lc->end == TCPL_LC_END_IDLE      ? "when idle"
                  : lc->end == TCPL_LC_END_EVICTED ? "when evicted"
                                                   : "at the end");
}

/* One state of the timeline: the role (on an endpoint's first line), the
 * state and its frame, when it began and how long it lasted. */
static void state_line(tcpl_writer_ctx *ctx, FILE *f, const tcpl_lifecycle *lc,
                       size_t i, const char *role)
{
    const tcpl_tl_entry *te = &lc->timeline[i];
    char left[96], line[400], t1[40], t2[40], *p = left;
    bool last = is_last(lc, i);

    /* A state deduced from later ACKs or sequence numbers says so; the
     * frame column absorbs the longer name where it can. */
    p = put(p, tcpl_state_name(te->state));
    if (te->inferred)
        p = put(p, " (inferred)");
    while (p - left < 13)
        *p++ = ' ';
    *p++ = ' ';
    p = put_frame(p, lc, te->frame);
    *p = '\0';
    int over = p - left > 27 ? (int)(p - left) - 27 : 0;
    tcpl_fmt_secs6(t1, sizeof t1, te->ts_ns - ctx->t0);
    p = put_left(put(line, "  "), role, 8);
    *p++ = ' ';
    p = put(put(put_left(p, left, 27), " +"), t1);
    p = put(p, " s");
    if (!(last && te->state == TCPL_CLOSED)) {
        int pad = 12 - (int)strlen(t1) - over;
        for (int k = pad > 1 ? pad : 1; k > 0; k--)
            *p++ = ' ';
        p = put(put(p, "for "), tcpl_fmt_secs6(t2, sizeof t2, tcpl_fmt_time_in(lc, i)));
        p = put(p, " s");
        if (last)
            p = put(put(p, ", "), end_words(lc));
    }
    *p++ = '\n';
    fwrite(line, 1, (size_t)(p - line), f);
}

static void write_text(tcpl_writer_ctx *ctx, FILE *f, const tcpl_lifecycle *lc)
{
    const tcpl_conn *c = &lc->conn;
    char a[80], b[80], t1[40], t2[40], t3[40], id[48];
    int ci = tcpl_client_of(c);

    const char *guessed = c->role_guessed ? "  (roles guessed)" : "";
    const char *role = tcpl_role_name(c, ci), *peer = tcpl_role_name(c, !ci);
    /* The first five lines, built by hand (see put()) and written at once. */
    char line[1024], *p;
    tcpl_lc_zeek z;

    tcpl_fmt_endpoint(a, sizeof a, &lc->tuple, ci);
    tcpl_fmt_endpoint(b, sizeof b, &lc->tuple, !ci);
    p = put_left(put(line, "stream "), tcpl_fmt_stream_id(id, sizeof id, lc), 6);
    p = put(put(put(put(put(p, " "), role), " "), a), " ->");
    /* Long IPv6 addresses: the peer goes on a line of its own. */
    size_t tl = strlen(peer) + 1 + strlen(b) + strlen(guessed);
    p = put(p, (size_t)(p - line) + 1 + tl > WRAP ? "\n          " : " ");
    p = put(put(put(put(p, peer), " "), b), guessed);
    p = put(p, "\n  time     +");
    p = put(p, tcpl_fmt_secs6(t1, sizeof t1, c->first_ns - ctx->t0));
    p = put(put(p, " .. +"), tcpl_fmt_secs6(t2, sizeof t2, c->last_ns - ctx->t0));
    p = put(put(p, " s, "), tcpl_fmt_secs6(t3, sizeof t3, c->last_ns - c->first_ns));
    p = put_u64(put(p, " s, frames "), lc->first_frame);
    p = put_u64(put(p, ".."), lc->last_frame);
    p = put(put_u64(put(p, ", "), lc->packets), " packets\n");
    if (c->first_closer >= 0) {
        p = put(put(p, "  closed   first by the "), tcpl_role_name(c, c->first_closer));
        p = put(put(p, ", with a "), c->first_close_rst ? "RST\n" : "FIN\n");
    } else {
        p = put(p, "  closed   by neither endpoint\n");
    }
    p = put(put(put(put(p, "  final    "), role), " "), tcpl_state_name(c->ep[ci].state));
    p = put(put(put(put(p, ", "), peer), " "), tcpl_state_name(c->ep[!ci].state));
    tcpl_lc_zeek_of(lc, &z);
    p = put_left(put(p, "\n  zeek     "), z.state, 6);
    p = put(put(p, " "), z.history[0] ? z.history : "-");
    p = put(put_u64(put(p, ", orig "), z.n.orig_pkts), " pkts ");
    p = put(put_u64(p, z.n.orig_bytes), " bytes, resp ");
    p = put(put_u64(p, z.n.resp_pkts), " pkts ");
    p = put(put_u64(p, z.n.resp_bytes), " bytes");
    if (z.n.missed_bytes)
        p = put(put_u64(put(p, ", "), z.n.missed_bytes), " missed");
    *p++ = '\n';
    fwrite(line, 1, (size_t)(p - line), f);
    /* What each application most likely saw last (Linux semantics). */
    for (int side = 0; side < 2; side++) {
        int e = side == 0 ? ci : !ci;
        char err[64];
        if (tcpl_app_error_text(c->ep[e].app, err, sizeof err) > 0) {
            p = put(put(put(put(line, "  errno    "), tcpl_role_name(c, e)), " "), err);
            *p++ = '\n';
            fwrite(line, 1, (size_t)(p - line), f);
        }
    }
    if (tcpl_lc_gaps(lc) || tcpl_lc_missed(lc))
        fprintf(f, "  capture  %" PRIu64 " gap%s, %" PRIu64 " bytes missed\n",
                tcpl_lc_gaps(lc), tcpl_lc_gaps(lc) == 1 ? "" : "s", tcpl_lc_missed(lc));
    if (lc->tuple.encap.n > 0) {
        char tunnel[TCPL_WIRE_ENCAP_STRLEN];
        fprintf(f, "  tunnel   %s\n", tcpl_lc_tunnel(lc, tunnel));
    }

    for (int side = 0; side < 2; side++) {
        int e = side == 0 ? ci : !ci;
        bool first = true;
        for (size_t i = 0; i < lc->ntimeline; i++) {
            const tcpl_tl_entry *te = &lc->timeline[i];
            if (te->endpoint != e)
                continue;
            state_line(ctx, f, lc, i, first ? tcpl_role_name(c, e) : "");
            first = false;
        }
        if (first)
            fprintf(f, "  %-8s no state seen\n", tcpl_role_name(c, e));
    }
    if (lc->timeline_dropped)
        fprintf(f, "  (%" PRIu64 " more state changes not kept)\n",
                lc->timeline_dropped);
    for (size_t i = 0; i < lc->nevents; i++) {
        const tcpl_tl_event *ev = &lc->events[i];
        /* "name, frame N (+T s): description", the description cut to
         * 511 bytes as tcpl_describe() does; what holds it all. */
        char desc[512], what[700];
        tcpl_describe(c, &ev->ev, desc, sizeof desc);
        char *w = put(put(what, i == 0 ? "  anomaly  " : "           "),
                      tcpl_anomaly_name(ev->ev.anomaly));
        w = put_frame(put(w, ", "), lc, ev->frame);
        w = put(put(w, " (+"), tcpl_fmt_secs6(t1, sizeof t1, ev->ts_ns - ctx->t0));
        w = put(put(w, " s): "), desc);
        *w = '\0';
        fwrite(what, 1, 11, f);
        wrap(f, 11, 11, what + 11);
    }
    if (lc->events_dropped)
        fprintf(f, "  (%" PRIu64 " more anomaly events not kept)\n",
                lc->events_dropped);
    fputc('\n', f);
}

static void text_header(FILE *f, const tcpl_report_totals *t, const char *title,
                        const char *kind, const char *error,
                        const tcpl_hosts *hosts)
{
    char t1[64], t2[64], t3[40];
    fprintf(f, "tcp-lifecycle report: %s", title);
    if (kind)
        fprintf(f, " (%s)", kind);
    fputc('\n', f);
    if (t->packets)
        fprintf(f, "  capture  %s .. %s, %s s\n", tcpl_fmt_utc(t1, sizeof t1, t->first_ns),
                tcpl_fmt_utc(t2, sizeof t2, t->last_ns),
                tcpl_fmt_secs6(t3, sizeof t3, t->last_ns - t->first_ns));
    else
        fputs("  capture  no TCP packets\n", f);
    fprintf(f, "  packets  %" PRIu64 " TCP packets in %" PRIu64 " lines; skipped: %"
               PRIu64 " not TCP, %" PRIu64 " with several headers, %" PRIu64
               " incomplete\n",
            t->packets, t->lines, t->skipped[0], t->skipped[1], t->skipped[2]);
    fprintf(f, "  streams  %" PRIu64 " connections, %" PRIu64
               " shown; at most %" PRIu64 " open at a time",
            t->lifecycles, t->shown, t->peak_open);
    if (t->evicted)
        fprintf(f, "; %" PRIu64 " reported early (closed and idle)", t->evicted);
    if (t->capped)
        fprintf(f, "; %" PRIu64 " evicted by --max-connections", t->capped);
    fputc('\n', f);
    /* The capture's own loss, as the engine estimates it: segments the
     * peer's ACK or the sender's next sequence number prove were sent. */
    if (t->gaps || t->missed)
        fprintf(f, "  loss     %" PRIu64 " capture gap%s, %" PRIu64
                   " data bytes missed (estimated)\n",
                t->gaps, t->gaps == 1 ? "" : "s", t->missed);
    else if (t->lifecycles)
        fputs("  loss     no capture gaps seen\n", f);
    if (t->plugin_checked || t->plugin_disagreements)
        fprintf(f, "  plugin   tcp.lifecycle columns of %" PRIu64
                   " packets checked: %" PRIu64 " disagree with the engine\n",
                t->plugin_checked, t->plugin_disagreements);
    if (error) {
        fputs("  ERROR    reading stopped; this report covers the input up to:\n"
              "           ", f);
        wrap(f, 11, 11, error);
    } else if (t->errors)
        fprintf(f, "  ERROR    %" PRIu64 " files could not be read to the end\n",
                t->errors);
    if (t->lifecycles) {
        fputs("  final state      client  server\n", f);
        for (int s = 0; s < TCPL_STATE_COUNT; s++)
            if (t->final[0][s] || t->final[1][s])
                fprintf(f, "    %-13s %9" PRIu64 " %7" PRIu64 "\n",
                        tcpl_state_name((tcpl_state)s), t->final[0][s],
                        t->final[1][s]);
        fputs("  closed first     connections\n", f);
        for (int k = 0; k < TCPL_CLOSER_KINDS; k++)
            if (t->closer[k])
                fprintf(f, "    %-13s %9" PRIu64 "\n", tcpl_closer_names[k],
                        t->closer[k]);
        bool any = false;
        for (int a = 0; a < TCPL_ANOMALY_COUNT; a++)
            any |= t->anomaly[a] != 0;
        if (!any) {
            fputs("  anomalies        none\n", f);
        } else {
            fputs("  anomaly          connections\n", f);
            for (int a = 0; a < TCPL_ANOMALY_COUNT; a++)
                if (t->anomaly[a])
                    fprintf(f, "    %-18s %4" PRIu64 "\n",
                            tcpl_anomaly_name((tcpl_anomaly)a), t->anomaly[a]);
        }
        tcpl_hosts_text_summary(f, hosts);
    }
    fputc('\n', f);
}

static int text_begin_file(tcpl_writer_ctx *ctx)
{
    text_state *s = ctx->state;
    s->body = tcpl_spool_new(TCPL_SPOOL_MEM);
    ctx->records = s->body ? tcpl_spool_file(s->body) : NULL;
    return s->body ? 0 : -1;
}

static void text_end_file(tcpl_writer_ctx *ctx, const tcpl_report_totals *t,
                          const tcpl_file_info *info)
{
    text_state *s = ctx->state;
    ctx->records = NULL;
    if (!s->body) {
        ctx->failed = true; /* begin_file failed: nothing to copy */
        return;
    }
    if (ctx->all->files > 1)
        fputc('\n', ctx->out);
    text_header(ctx->out, t, ctx->name, info->kind, info->error, ctx->hosts);
    if (!tcpl_spool_drain(s->body, ctx->out))
        ctx->failed = true;
    s->body = NULL;
}

static void text_end_report(tcpl_writer_ctx *ctx)
{
    text_state *s = ctx->state;
    if (ctx->all->files > 1) {
        char title[64];
        snprintf(title, sizeof title, "all %" PRIu64 " files", ctx->all->files);
        fputc('\n', ctx->out);
        text_header(ctx->out, ctx->all, title, NULL, NULL, NULL);
    }
    tcpl_spool_free(s->body);
    s->body = NULL;
}

const tcpl_report_writer tcpl_writer_text = {
    .name = "text",
    .state_size = sizeof(text_state),
    .spools = true,
    .begin_file = text_begin_file,
    .lifecycle = write_text,
    .end_file = text_end_file,
    .end_report = text_end_report,
    .hosts = tcpl_hosts_text,
    .host_summary = true,
};
