/*
 * report_hosts.c - how the report draws the per-host netstat (hosts.h):
 * the final table in the text summary, and `report --hosts` as text, CSV
 * and JSON Lines.  The text, csv and json writers call in here; the tally
 * itself belongs to the report (report.c).
 *
 * The series are written at their change points only: a sample is written
 * when one of the host's counts differs from the sample before (and the
 * last sample, at the end of the capture, always), because a capture of an
 * hour at one-second samples would otherwise repeat every count 3600
 * times.  A reader fills forward (pandas: pivot, then ffill).  CSV is in
 * long form (file,host,time,state,count): each host uses a few of the
 * eleven states, and data tools turn long into wide in one call
 * (pivot_table, tidyr's pivot_wider) but need a fixed column set the
 * other way round.  JSON keeps the report's shape: one object per line
 * with "file" first, the counts as a {"STATE":n} object like the totals'.
 */
#include "report_hosts.h"

#include <inttypes.h>
#include <string.h>

/* Hosts in the text summary's table, and series in the text --hosts view:
 * enough to see who matters, short enough to read. */
#define SUMMARY_HOSTS 10
#define TEXT_SERIES_HOSTS 20

static void host_name(char *buf, size_t n, const tcpl_host_entry *e)
{
    tcpl_host_addr_str(buf, n, e->family, e->addr);
}

static int64_t total(const int64_t *count)
{
    int64_t s = 0;
    for (int k = 0; k < TCPL_STATE_COUNT; k++)
        s += count[k] > 0 ? count[k] : 0;
    return s;
}

static void describe(const tcpl_hosts *h, const tcpl_host_entry *e,
                     tcpl_host_warning w, int64_t t0, char *buf, size_t n)
{
    char host[64], dest[80];
    host_name(host, sizeof host, e);
    tcpl_host_dest_str(dest, sizeof dest, &e->dest);
    tcpl_host_describe(w, host, &e->v, &e->dest,
                       e->dest.peak ? dest : NULL, tcpl_hosts_limits(h), t0,
                       buf, n);
}

/* ------------------------------------------------------- text summary */

void tcpl_hosts_text_summary(FILE *f, const tcpl_hosts *h)
{
    if (!h)
        return;
    size_t n = tcpl_hosts_count(h), holding = 0, warned = 0;
    uint64_t rest = 0;
    for (size_t i = 0; i < n; i++) {
        const tcpl_host_entry *e = tcpl_hosts_get(h, i);
        if (e->held)
            holding++;
        if (e->held && holding > SUMMARY_HOSTS)
            rest += e->held;
        warned += e->v.warnings != 0;
    }
    if (holding) {
        fputs("  host at end      sockets  states (netstat from the wire)\n", f);
        size_t shown = 0;
        for (size_t i = 0; i < n && shown < SUMMARY_HOSTS; i++) {
            const tcpl_host_entry *e = tcpl_hosts_get(h, i);
            if (!e->held)
                continue;
            shown++;
            char name[64];
            host_name(name, sizeof name, e);
            fprintf(f, "    %-15s %8" PRIu64 " ", name, e->held);
            const char *sep = " ";
            for (int s = 0; s < TCPL_STATE_COUNT; s++)
                if (e->v.final[s] > 0) {
                    fprintf(f, "%s%s %" PRId64, sep, tcpl_state_name((tcpl_state)s),
                            e->v.final[s]);
                    sep = ", ";
                }
            fputc('\n', f);
        }
        if (holding > SUMMARY_HOSTS)
            fprintf(f, "    %zu more hosts holding %" PRIu64 " sockets (--hosts lists all)\n",
                    holding - SUMMARY_HOSTS, rest);
    }
    if (warned) {
        fputs("  host warning     hosts\n", f);
        for (int w = 0; w < TCPL_HOST_WARNING_COUNT; w++) {
            size_t k = 0, listed = 0;
            for (size_t i = 0; i < n; i++)
                k += (tcpl_hosts_get(h, i)->v.warnings & TCPL_BIT(w)) != 0;
            if (!k)
                continue;
            fprintf(f, "    %-22s", tcpl_host_warning_name((tcpl_host_warning)w));
            for (size_t i = 0; i < n && listed < 3; i++) {
                const tcpl_host_entry *e = tcpl_hosts_get(h, i);
                if (!(e->v.warnings & TCPL_BIT(w)))
                    continue;
                char name[64];
                host_name(name, sizeof name, e);
                fprintf(f, "%s%s", listed ? ", " : " ", name);
                listed++;
            }
            if (k > listed)
                fprintf(f, " and %zu more", k - listed);
            fputc('\n', f);
        }
    }
}

/* ------------------------------------------------------- series walking */

typedef void (*sample_fn)(void *user, const tcpl_host_entry *e, int64_t t,
                          const int64_t *count, const int64_t *prev,
                          bool first);

/* Call fn at every sample of e where a count changed, and at the last. */
static void walk(const tcpl_hosts *h, const tcpl_host_entry *e, sample_fn fn,
                 void *user)
{
    const tcpl_host_clock *clk = tcpl_hosts_clock(h);
    int64_t last = tcpl_hosts_last_bucket(h), end = tcpl_hosts_end_ns(h);
    int64_t prev[TCPL_STATE_COUNT] = {0};
    bool first = true;
    tcpl_host_cursor c;
    tcpl_host_cursor_init(&c, e->d, e->n, tcpl_hosts_first_bucket(h));
    for (;;) {
        bool changed = memcmp(prev, c.count, sizeof prev) != 0;
        if (changed || c.bucket >= last) {
            if (!first || total(c.count) || c.bucket >= last)
                fn(user, e, tcpl_host_sample_ns(clk, c.bucket, end), c.count,
                   prev, first);
            first = false;
            memcpy(prev, c.count, sizeof prev);
        }
        if (c.bucket >= last)
            break;
        int64_t next = c.i < c.n ? c.d[c.i].bucket : last;
        c.bucket = (next > last ? last : next) - 1;
        tcpl_host_cursor_next(&c);
    }
}

/* ------------------------------------------------------------ text view */

typedef struct text_walk {
    FILE *f;
    int64_t t0;
    bool used[TCPL_STATE_COUNT];
} text_walk;

static void used_states(void *user, const tcpl_host_entry *e, int64_t t,
                        const int64_t *count, const int64_t *prev, bool first)
{
    (void)e, (void)t, (void)prev, (void)first;
    text_walk *tw = user;
    for (int s = 0; s < TCPL_STATE_COUNT; s++)
        tw->used[s] |= count[s] != 0;
}

static void text_row(void *user, const tcpl_host_entry *e, int64_t t,
                     const int64_t *count, const int64_t *prev, bool first)
{
    (void)e, (void)prev, (void)first;
    text_walk *tw = user;
    int64_t d = t - tw->t0;
    fprintf(tw->f, "    %9" PRId64 ".%03" PRId64, d / 1000000000,
            (d % 1000000000) / 1000000);
    for (int s = 0; s < TCPL_STATE_COUNT; s++)
        if (tw->used[s])
            fprintf(tw->f, " %*" PRId64, (int)strlen(tcpl_state_name((tcpl_state)s)),
                    count[s]);
    fputc('\n', tw->f);
}

/* Wrapped at 99 columns under a 6-column indent. */
static void text_wrapped(FILE *f, const char *lead, const char *text)
{
    int col = fprintf(f, "%s", lead);
    const char *s = text;
    while (*s) {
        const char *w = strchr(s, ' ');
        int wl = w ? (int)(w - s) : (int)strlen(s);
        if (col > 6 && col + 1 + wl > 99) {
            fputs("\n      ", f);
            col = 6;
        } else if (col > 6) {
            fputc(' ', f);
            col++;
        }
        fwrite(s, 1, (size_t)wl, f);
        col += wl;
        s += wl;
        while (*s == ' ')
            s++;
    }
    fputc('\n', f);
}

void tcpl_hosts_text(tcpl_writer_ctx *ctx, FILE *f, const tcpl_hosts *h)
{
    size_t n = tcpl_hosts_count(h);
    const tcpl_host_clock *clk = tcpl_hosts_clock(h);
    char iv[40];
    tcpl_fmt_secs6(iv, sizeof iv, clk->interval_ns);
    /* "1.000000" -> "1", "0.500000" -> "0.5" */
    char *dot = strchr(iv, '.');
    if (dot) {
        char *e = iv + strlen(iv);
        while (e > dot && (e[-1] == '0' || e[-1] == '.'))
            *--e = '\0';
    }
    fprintf(f, "hosts  %zu, each as netstat -nat on it would have counted the "
               "capture's sockets\n       at the end of every %s s (times from "
               "the capture's start; the last row at its end)\n",
            n, iv);
    if (tcpl_hosts_failed(h))
        fputs("  ERROR  out of memory: some connections are not counted\n", f);
    /* Warned hosts first, then the others in the tally's order. */
    size_t shown = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n && shown < TEXT_SERIES_HOSTS; i++) {
            const tcpl_host_entry *e = tcpl_hosts_get(h, i);
            if ((pass == 0) != (e->v.warnings != 0))
                continue;
            shown++;
            char name[64];
            host_name(name, sizeof name, e);
            fprintf(f, "\n  host %s: %" PRIu64 " socket%s at the end, at most %" PRIu64
                       " at once\n",
                    name, e->held, e->held == 1 ? "" : "s", e->peak_held);
            for (int w = 0; w < TCPL_HOST_WARNING_COUNT; w++) {
                if (!(e->v.warnings & TCPL_BIT(w)))
                    continue;
                char line[768], lead[64];
                describe(h, e, (tcpl_host_warning)w, ctx->t0, line, sizeof line);
                snprintf(lead, sizeof lead, "    %s:",
                         tcpl_host_warning_name((tcpl_host_warning)w));
                text_wrapped(f, lead, line);
            }
            text_walk tw = {f, ctx->t0, {false}};
            walk(h, e, used_states, &tw);
            fputs("         time", f);
            for (int s = 0; s < TCPL_STATE_COUNT; s++)
                if (tw.used[s])
                    fprintf(f, " %s", tcpl_state_name((tcpl_state)s));
            fputc('\n', f);
            walk(h, e, text_row, &tw);
        }
    if (n > shown)
        fprintf(f, "\n  %zu more hosts without warnings (--format csv or json lists "
                   "every one)\n",
                n - shown);
    fputc('\n', f);
}

/* What the CSV and JSON rows of one host are written with. */
typedef struct row_walk {
    tcpl_writer_ctx *ctx;
    FILE *f;
    const char *host;
} row_walk;

/* ------------------------------------------------------------ csv view */

const char tcpl_hosts_csv_columns[] = "file,host,time,state,count\n";

static void csv_row(void *user, const tcpl_host_entry *e, int64_t t,
                    const int64_t *count, const int64_t *prev, bool first)
{
    (void)e, (void)first;
    row_walk *cw = user;
    tcpl_sbuf *b = &cw->ctx->sb;
    for (int s = 0; s < TCPL_STATE_COUNT; s++) {
        if (count[s] == prev[s])
            continue;
        tcpl_sb_csv_str(b, cw->ctx->name);
        sb_putc(b, ',');
        sb_puts(b, cw->host);
        sb_putc(b, ',');
        sb_secs9(b, t);
        sb_putc(b, ',');
        sb_puts(b, tcpl_state_name((tcpl_state)s));
        sb_putc(b, ',');
        sb_u64(b, (uint64_t)(count[s] > 0 ? count[s] : 0));
        sb_putc(b, '\n');
    }
    if (!sb_flush(b, cw->f))
        cw->ctx->failed = true;
}

void tcpl_hosts_csv(tcpl_writer_ctx *ctx, FILE *f, const tcpl_hosts *h)
{
    for (size_t i = 0; i < tcpl_hosts_count(h); i++) {
        const tcpl_host_entry *e = tcpl_hosts_get(h, i);
        char name[64];
        host_name(name, sizeof name, e);
        row_walk cw = {ctx, f, name};
        walk(h, e, csv_row, &cw);
    }
}

/* ------------------------------------------------------------ json view */

static void json_counts(tcpl_sbuf *b, const int64_t *count)
{
    sb_putc(b, '{');
    bool first = true;
    for (int s = 0; s < TCPL_STATE_COUNT; s++) {
        if (count[s] <= 0)
            continue;
        if (!first)
            sb_putc(b, ',');
        sb_putc(b, '"');
        sb_puts(b, tcpl_state_name((tcpl_state)s));
        sb_puts(b, "\":");
        sb_u64(b, (uint64_t)count[s]);
        first = false;
    }
    sb_putc(b, '}');
}

static void json_head(tcpl_writer_ctx *ctx, const char *host)
{
    tcpl_sbuf *b = &ctx->sb;
    sb_puts(b, "{\"file\":");
    tcpl_sb_json_str(b, ctx->name, false);
    sb_puts(b, ",\"host\":\"");
    sb_puts(b, host);
    sb_putc(b, '"');
}

static void json_row(void *user, const tcpl_host_entry *e, int64_t t,
                     const int64_t *count, const int64_t *prev, bool first)
{
    (void)e, (void)prev, (void)first;
    row_walk *jw = user;
    tcpl_sbuf *b = &jw->ctx->sb;
    json_head(jw->ctx, jw->host);
    sb_puts(b, ",\"time\":");
    sb_secs9(b, t);
    sb_puts(b, ",\"counts\":");
    json_counts(b, count);
    sb_puts(b, "}\n");
    if (!sb_flush(b, jw->f))
        jw->ctx->failed = true;
}

void tcpl_hosts_json(tcpl_writer_ctx *ctx, FILE *f, const tcpl_hosts *h)
{
    tcpl_sbuf *b = &ctx->sb;
    const tcpl_host_limits *l = tcpl_hosts_limits(h);
    for (size_t i = 0; i < tcpl_hosts_count(h); i++) {
        const tcpl_host_entry *e = tcpl_hosts_get(h, i);
        char name[64];
        host_name(name, sizeof name, e);
        json_head(ctx, name);
        sb_puts(b, ",\"interval\":");
        sb_secs9(b, tcpl_hosts_clock(h)->interval_ns);
        sb_puts(b, ",\"final\":");
        json_counts(b, e->v.final);
        sb_puts(b, ",\"peak\":");
        json_counts(b, e->v.peak);
        sb_puts(b, ",\"warnings\":[");
        for (int w = 0, k = 0; w < TCPL_HOST_WARNING_COUNT; w++)
            if (e->v.warnings & TCPL_BIT(w)) {
                sb_puts(b, k++ ? ",\"" : "\"");
                sb_puts(b, tcpl_host_warning_name((tcpl_host_warning)w));
                sb_putc(b, '"');
            }
        sb_puts(b, "],\"incomplete\":");
        sb_puts(b, tcpl_hosts_failed(h) ? "true" : "false");
        sb_puts(b, "}\n");
        row_walk jw = {ctx, f, name};
        walk(h, e, json_row, &jw);
        for (int w = 0; w < TCPL_HOST_WARNING_COUNT; w++) {
            if (!(e->v.warnings & TCPL_BIT(w)))
                continue;
            tcpl_state st = tcpl_host_warning_state((tcpl_host_warning)w);
            char line[768];
            describe(h, e, (tcpl_host_warning)w, ctx->t0, line, sizeof line);
            json_head(ctx, name);
            sb_puts(b, ",\"warning\":\"");
            sb_puts(b, tcpl_host_warning_name((tcpl_host_warning)w));
            sb_puts(b, "\",\"time\":");
            sb_secs9(b, w == TCPL_HW_CLOSE_WAIT_LEAK ? tcpl_hosts_end_ns(h)
                                                     : e->v.peak_ns[st]);
            sb_puts(b, ",\"count\":");
            sb_u64(b, (uint64_t)(w == TCPL_HW_CLOSE_WAIT_LEAK ? e->v.final[st]
                                                              : e->v.peak[st]));
            sb_puts(b, ",\"destination\":");
            if (w == TCPL_HW_TIME_WAIT_ACCUMULATION && e->dest.peak) {
                char dest[80];
                tcpl_host_dest_str(dest, sizeof dest, &e->dest);
                tcpl_sb_json_str(b, dest, false);
                sb_puts(b, ",\"destination_count\":");
                sb_u64(b, e->dest.peak);
                sb_puts(b, ",\"port_share\":");
                char sh[32];
                snprintf(sh, sizeof sh, "%.4f",
                         l->port_range ? (double)e->dest.peak / l->port_range : 0.0);
                sb_puts(b, sh);
            } else {
                sb_puts(b, "null,\"destination_count\":null,\"port_share\":null");
            }
            sb_puts(b, ",\"text\":");
            tcpl_sb_json_str(b, line, false);
            sb_puts(b, "}\n");
        }
        if (!sb_flush(b, f))
            ctx->failed = true;
    }
}

/* ------------------------------------------------------------ html data */

typedef struct html_walk {
    tcpl_sbuf *b;
    int64_t t0;
    bool first;
} html_walk;

static void html_row(void *user, const tcpl_host_entry *e, int64_t t,
                     const int64_t *count, const int64_t *prev, bool first)
{
    (void)e, (void)prev, (void)first;
    html_walk *hw = user;
    tcpl_sbuf *b = hw->b;
    if (!hw->first)
        sb_putc(b, ',');
    hw->first = false;
    sb_putc(b, '[');
    sb_u64(b, (uint64_t)((t - hw->t0) / 1000));
    for (int s = 0; s < TCPL_STATE_COUNT; s++) {
        sb_putc(b, ',');
        sb_u64(b, (uint64_t)(count[s] > 0 ? count[s] : 0));
    }
    sb_putc(b, ']');
}

void tcpl_hosts_html(tcpl_writer_ctx *ctx, tcpl_sbuf *b, const tcpl_hosts *h,
                     size_t top)
{
    sb_puts(b, "{\"interval_us\":");
    sb_u64(b, (uint64_t)(tcpl_hosts_clock(h)->interval_ns / 1000));
    sb_puts(b, ",\"hosts\":");
    sb_u64(b, tcpl_hosts_count(h));
    sb_puts(b, ",\"incomplete\":");
    sb_puts(b, tcpl_hosts_failed(h) ? "true" : "false");
    sb_puts(b, ",\"drawn\":[");
    /* Hosts with warnings, then the others in the tally's order (most
     * sockets held at the end first) up to `top` in all. */
    size_t n = tcpl_hosts_count(h), drawn = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            const tcpl_host_entry *e = tcpl_hosts_get(h, i);
            if ((pass == 0) != (e->v.warnings != 0))
                continue;
            if (pass == 1 && (drawn >= top || e->peak_held == 0))
                break;
            char name[64];
            host_name(name, sizeof name, e);
            sb_puts(b, drawn++ ? ",{\"host\":" : "{\"host\":");
            tcpl_sb_json_str(b, name, true);
            sb_puts(b, ",\"held\":");
            sb_u64(b, e->held);
            sb_puts(b, ",\"peak\":");
            sb_u64(b, e->peak_held);
            sb_puts(b, ",\"warnings\":[");
            bool firstw = true;
            for (int w = 0; w < TCPL_HOST_WARNING_COUNT; w++) {
                if (!(e->v.warnings & TCPL_BIT(w)))
                    continue;
                char line[768];
                describe(h, e, (tcpl_host_warning)w, ctx->t0, line, sizeof line);
                sb_puts(b, firstw ? "[" : ",[");
                firstw = false;
                tcpl_sb_json_str(b, tcpl_host_warning_name((tcpl_host_warning)w), true);
                sb_putc(b, ',');
                tcpl_sb_json_str(b, line, true);
                sb_putc(b, ']');
            }
            sb_puts(b, "],\"series\":[");
            html_walk hw = {b, ctx->t0, true};
            walk(h, e, html_row, &hw);
            sb_puts(b, "]}");
        }
    sb_puts(b, "]}");
}
