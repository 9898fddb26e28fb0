/*
 * report_zeek.c - the report as Zeek's conn.log: `--format zeek` in Zeek's
 * tab-separated log format (the #separator ... #types header, `-` for an
 * unset field, `(empty)` for an empty set, #close at the end), and
 * `--format zeek-json` in Zeek's JSON log style (one object per line,
 * dotted field names, unset fields left out).  Zeek's columns come first
 * and mean what they mean in conn.log; ours follow, prefixed `tcpl_`.
 *
 * Each row is one of our lifecycles, with the verdict core/zeek.c gives
 * it.  Zeek may cut one lifecycle into several rows of its own (its attempt
 * and close timers, see docs/zeek.md and the man page); with --zeek-rows
 * the rows are those (the tracker kept them, core/zeek_rows.c), each with
 * its own uid and a last column saying which of Zeek's rules ended it,
 * while the tcpl_* columns still describe the whole lifecycle.
 *
 * The header's #open and #close are the capture's first and last packet
 * times, not the wall clock Zeek uses, so the same capture always gives the
 * same bytes (goldens, --jobs).  A file section is a log of its own: Zeek's
 * readers (zeek-cut) take a new #fields line wherever it comes.  A section
 * whose input stopped on an error has no #close (see zeek_end_file).
 */
#define _POSIX_C_SOURCE 200809L
#include "report_spool.h"
#include "report_writer.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

/* conn.log's fields, then ours; #types in the same order. */
static const char *const zeek_fields[][2] = {
    {"ts", "time"},
    {"uid", "string"},
    {"id.orig_h", "addr"},
    {"id.orig_p", "port"},
    {"id.resp_h", "addr"},
    {"id.resp_p", "port"},
    {"proto", "enum"},
    {"service", "string"},
    {"duration", "interval"},
    {"orig_bytes", "count"},
    {"resp_bytes", "count"},
    {"conn_state", "string"},
    {"local_orig", "bool"},
    {"local_resp", "bool"},
    {"missed_bytes", "count"},
    {"history", "string"},
    {"orig_pkts", "count"},
    {"orig_ip_bytes", "count"},
    {"resp_pkts", "count"},
    {"resp_ip_bytes", "count"},
    {"tunnel_parents", "set[string]"},
    {"tcpl_stream", "string"},
    {"tcpl_client_final", "string"},
    {"tcpl_server_final", "string"},
    {"tcpl_first_closer", "string"},
    {"tcpl_first_close", "string"},
    {"tcpl_anomalies", "set[string]"},
    {"tcpl_tunnel", "string"},
    {"tcpl_duration", "interval"},
    {"tcpl_end_reason", "string"},
};
#define NFIELDS (sizeof zeek_fields / sizeof zeek_fields[0])

/* A connection id in Zeek's style: 'C' and 17 base-62 digits, here a
 * hash of what identifies the lifecycle in this report (file, tuple,
 * start, stream and successor), so the same input always gives the same
 * uid and two lifecycles of one report do not share one. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static void uid_digits(char out[19], const uint64_t hash[2])
{
    static const char digits[] =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    uint64_t h[2] = {hash[0], hash[1]};
    out[0] = 'C';
    for (int i = 1; i <= 11; i++, h[0] /= 62)
        out[i] = digits[h[0] % 62];
    for (int i = 12; i <= 17; i++, h[1] /= 62)
        out[i] = digits[h[1] % 62];
    out[18] = '\0';
}

/*
 * Zeek's tunnel_parents: the uids of the tunnel connections the
 * connection ran inside.  We do not log tunnels as connections, so the
 * parent's uid is ours for the outermost IP tunnel: a hash of the file,
 * the layers and the tunnel's two endpoints in either order (a tunnel is
 * one parent for both directions), stable across reports like our uids.
 * False when there is no IP tunnel (MPLS, PPPoE and the like are
 * framing, not tunnels, to Zeek too).
 */
static bool tunnel_uid(char out[19], const char *file, const tcpl_wire_encap *e)
{
    const uint8_t *a = e->src, *b = e->dst;
    uint64_t h[2] = {0x9e3779b97f4a7c15ULL, 0xcbf29ce484222325ULL};

    if (e->n == 0 || e->family == 0)
        return false;
    if (memcmp(a, b, sizeof e->src) > 0) {
        a = e->dst;
        b = e->src;
    }
    for (int k = 0; k < 2; k++) {
        h[k] = fnv(h[k], file, strlen(file));
        h[k] = fnv(h[k], e->layer, e->n);
        h[k] = fnv(h[k], &e->family, 1);
        h[k] = fnv(h[k], a, sizeof e->src);
        h[k] = fnv(h[k], b, sizeof e->dst);
    }
    uid_digits(out, h);
    return true;
}

static void zeek_uid(char out[19], const char *file, const tcpl_lifecycle *lc,
                     int64_t row)
{
    uint64_t h[2] = {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL};
    for (int k = 0; k < 2; k++) {
        h[k] = fnv(h[k], file, strlen(file));
        h[k] = fnv(h[k], &lc->tuple.family, 1);
        h[k] = fnv(h[k], lc->tuple.src, sizeof lc->tuple.src);
        h[k] = fnv(h[k], lc->tuple.dst, sizeof lc->tuple.dst);
        h[k] = fnv(h[k], &lc->tuple.sport, sizeof lc->tuple.sport);
        h[k] = fnv(h[k], &lc->tuple.dport, sizeof lc->tuple.dport);
        h[k] = fnv(h[k], &lc->conn.first_ns, sizeof lc->conn.first_ns);
        h[k] = fnv(h[k], &lc->stream, sizeof lc->stream);
        h[k] = fnv(h[k], &lc->successor, sizeof lc->successor);
        /* --zeek-rows: each row its own (the default's stay as they were). */
        if (row >= 0)
            h[k] = fnv(h[k], &row, sizeof row);
    }
    uid_digits(out, h);
}

/* Seconds with 6 decimals, as Zeek prints times and intervals, rounded
 * half away from zero. */
static void sb_secs6(tcpl_sbuf *b, int64_t ns)
{
    char t[40];
    sb_puts(b, tcpl_fmt_secs6(t, sizeof t, ns));
}

/* One value of the TSV: Zeek escapes its separator and anything not
 * printable as \xHH, so a row always has its number of fields. */
static void sb_tsv_str(tcpl_sbuf *b, const char *s)
{
    if (!*s) {
        sb_puts(b, "(empty)");
        return;
    }
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f || c == '\\') {
            char x[8];
            snprintf(x, sizeof x, "\\x%02x", c);
            sb_puts(b, x);
        } else {
            sb_putc(b, (char)c);
        }
    }
}

static const char *end_reason(const tcpl_lifecycle *lc)
{
    return lc->end == TCPL_LC_END_IDLE        ? "idle"
           : lc->end == TCPL_LC_END_SUCCESSOR ? "successor"
           : lc->end == TCPL_LC_END_EVICTED   ? "evicted"
                                              : "input";
}

/* What a row says in Zeek's columns: the lifecycle's verdict, or with
 * --zeek-rows one of the rows Zeek would cut it into (core/zeek_rows.c). */
typedef struct zrow {
    int64_t ts;
    int64_t index;      /* -1: the whole lifecycle */
    tcpl_zeek_counts n;
    const char *state;
    const char *history;
    const char *end;    /* --zeek-rows: why Zeek ended the row */
} zrow;

static bool rows_mode(const tcpl_writer_ctx *ctx)
{
    return ctx->o->tracker.zeek_rows;
}

/* Calls draw for each row of lc: one, or Zeek's rows of it. */
static void for_rows(tcpl_writer_ctx *ctx, FILE *f, const tcpl_lifecycle *lc,
                     void (*draw)(tcpl_writer_ctx *, FILE *,
                                  const tcpl_lifecycle *, const zrow *))
{
    if (!rows_mode(ctx)) {
        tcpl_lc_zeek z;
        tcpl_lc_zeek_of(lc, &z);
        zrow r = {lc->conn.first_ns, -1, z.n, z.state, z.history, NULL};
        draw(ctx, f, lc, &r);
        return;
    }
    /* A row left out for want of memory must not pass for a full log. */
    if (lc->zeek_rows_dropped)
        ctx->failed = true;
    for (size_t i = 0; i < lc->nzeek_rows; i++) {
        const tcpl_zeek_row *zr = &lc->zeek_rows[i];
        zrow r = {zr->first_ns, (int64_t)i, zr->n,
                  tcpl_zeek_conn_state_name((tcpl_zeek_conn_state)zr->state),
                  zr->history, tcpl_zeek_cut_name((tcpl_zeek_cut)zr->cut)};
        draw(ctx, f, lc, &r);
    }
}

/* ---- TSV */

typedef struct zeek_state {
    tcpl_spool *body; /* this file's rows, spooled until #open is known */
} zeek_state;

static void draw_row(tcpl_writer_ctx *ctx, FILE *f, const tcpl_lifecycle *lc,
                     const zrow *z)
{
    tcpl_sbuf *b = &ctx->sb;
    const tcpl_conn *c = &lc->conn;
    int ci = tcpl_client_of(c);
    char uid[19], parent[19], addr[64], id[48], tunnel[TCPL_WIRE_ENCAP_STRLEN];
    zeek_uid(uid, ctx->name, lc, z->index);
    sb_secs6(b, z->ts);
    sb_putc(b, '\t');
    sb_puts(b, uid);
    for (int side = 0; side < 2; side++) {
        int e = side == 0 ? ci : !ci;
        sb_putc(b, '\t');
        sb_puts(b, tcpl_fmt_addr(addr, sizeof addr, &lc->tuple, e));
        sb_putc(b, '\t');
        sb_u64(b, e == 0 ? lc->tuple.sport : lc->tuple.dport);
    }
    sb_puts(b, "\ttcp\t-\t");
    /* Zeek logs duration and bytes only when the duration is above zero. */
    if (z->n.bytes_logged) {
        sb_secs6(b, z->n.duration_ns);
        sb_putc(b, '\t');
        sb_u64(b, z->n.orig_bytes);
        sb_putc(b, '\t');
        sb_u64(b, z->n.resp_bytes);
    } else {
        sb_puts(b, "-\t-\t-");
    }
    sb_putc(b, '\t');
    sb_puts(b, z->state);
    sb_puts(b, "\t-\t-\t");
    sb_u64(b, z->n.missed_bytes);
    sb_putc(b, '\t');
    sb_puts(b, z->history[0] ? z->history : "-");
    sb_putc(b, '\t');
    sb_u64(b, z->n.orig_pkts);
    sb_putc(b, '\t');
    /* Unset when the input did not give every packet's IP length (an
     * export without ip.len / ipv6.plen). */
    if (z->n.ip_bytes_known)
        sb_u64(b, z->n.orig_ip_bytes);
    else
        sb_putc(b, '-');
    sb_putc(b, '\t');
    sb_u64(b, z->n.resp_pkts);
    sb_putc(b, '\t');
    if (z->n.ip_bytes_known)
        sb_u64(b, z->n.resp_ip_bytes);
    else
        sb_putc(b, '-');
    sb_putc(b, '\t');
    if (tunnel_uid(parent, ctx->name, &lc->tuple.encap))
        sb_puts(b, parent);
    else
        sb_putc(b, '-');
    sb_putc(b, '\t');
    sb_puts(b, tcpl_fmt_stream_id(id, sizeof id, lc));
    sb_putc(b, '\t');
    sb_puts(b, tcpl_state_name(c->ep[ci].state));
    sb_putc(b, '\t');
    sb_puts(b, tcpl_state_name(c->ep[!ci].state));
    sb_putc(b, '\t');
    if (c->first_closer >= 0) {
        sb_puts(b, tcpl_role_name(c, c->first_closer));
        sb_putc(b, '\t');
        sb_puts(b, c->first_close_rst ? "RST" : "FIN");
    } else {
        sb_puts(b, "-\t-");
    }
    sb_putc(b, '\t');
    if (c->anomalies)
        tcpl_sb_anomalies(b, c->anomalies, ',', false);
    else
        sb_puts(b, "(empty)");
    sb_putc(b, '\t');
    if (lc->tuple.encap.n > 0)
        sb_tsv_str(b, tcpl_lc_tunnel(lc, tunnel));
    else
        sb_putc(b, '-');
    sb_putc(b, '\t');
    sb_secs6(b, c->last_ns - c->first_ns);
    sb_putc(b, '\t');
    sb_puts(b, end_reason(lc));
    if (z->end) {
        sb_putc(b, '\t');
        sb_puts(b, z->end);
    }
    sb_putc(b, '\n');
    if (!sb_flush(b, f))
        ctx->failed = true;
}

static void write_row(tcpl_writer_ctx *ctx, FILE *f, const tcpl_lifecycle *lc)
{
    for_rows(ctx, f, lc, draw_row);
}

/* Zeek's #open/#close stamp, "2026-12-01-23-05-00", in UTC. */
static void stamp(char *buf, size_t n, int64_t ns)
{
    time_t t = (time_t)(ns >= 0 ? ns / 1000000000 : 0);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%d-%H-%M-%S", &tm))
        snprintf(buf, n, "1970-01-01-00-00-00");
}

static int zeek_begin_file(tcpl_writer_ctx *ctx)
{
    zeek_state *s = ctx->state;
    s->body = tcpl_spool_new(TCPL_SPOOL_MEM);
    ctx->records = s->body ? tcpl_spool_file(s->body) : NULL;
    return s->body ? 0 : -1;
}

static void zeek_end_file(tcpl_writer_ctx *ctx, const tcpl_report_totals *t,
                          const tcpl_file_info *info)
{
    zeek_state *s = ctx->state;
    FILE *f = ctx->out;
    char open_s[32], close_s[32];
    ctx->records = NULL;
    if (!s->body) {
        ctx->failed = true;
        return;
    }
    stamp(open_s, sizeof open_s, t->packets ? t->first_ns : 0);
    stamp(close_s, sizeof close_s, t->packets ? t->last_ns : 0);
    fprintf(f, "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
               "#unset_field\t-\n#path\tconn\n#open\t%s\n#fields",
            open_s);
    for (size_t k = 0; k < NFIELDS; k++)
        fprintf(f, "\t%s", zeek_fields[k][0]);
    if (rows_mode(ctx))
        fputs("\ttcpl_zeek_row_end", f);
    fputs("\n#types", f);
    for (size_t k = 0; k < NFIELDS; k++)
        fprintf(f, "\t%s", zeek_fields[k][1]);
    if (rows_mode(ctx))
        fputs("\tstring", f);
    fputc('\n', f);
    if (!tcpl_spool_drain(s->body, f))
        ctx->failed = true;
    s->body = NULL;
    /* A log whose reading stopped on an error ends without #close, as a
     * Zeek log does when Zeek did not finish it: readers tell it apart. */
    if (!info->error)
        fprintf(f, "#close\t%s\n", close_s);
}

static void zeek_end_report(tcpl_writer_ctx *ctx)
{
    zeek_state *s = ctx->state;
    tcpl_spool_free(s->body);
    s->body = NULL;
}

const tcpl_report_writer tcpl_writer_zeek = {
    .name = "zeek",
    .state_size = sizeof(zeek_state),
    .spools = true,
    .begin_file = zeek_begin_file,
    .lifecycle = write_row,
    .end_file = zeek_end_file,
    .end_report = zeek_end_report,
};

/* ---- JSON: Zeek's JSON logs leave unset fields out and write sets as
 * arrays, times and intervals as seconds. */

static void draw_json_row(tcpl_writer_ctx *ctx, FILE *f,
                          const tcpl_lifecycle *lc, const zrow *z)
{
    tcpl_sbuf *b = &ctx->sb;
    const tcpl_conn *c = &lc->conn;
    int ci = tcpl_client_of(c);
    char uid[19], parent[19], addr[64], id[48], tunnel[TCPL_WIRE_ENCAP_STRLEN];
    zeek_uid(uid, ctx->name, lc, z->index);
    sb_puts(b, "{\"ts\":");
    sb_secs6(b, z->ts);
    sb_puts(b, ",\"uid\":\"");
    sb_puts(b, uid);
    sb_puts(b, "\",\"id.orig_h\":\"");
    sb_puts(b, tcpl_fmt_addr(addr, sizeof addr, &lc->tuple, ci));
    sb_puts(b, "\",\"id.orig_p\":");
    sb_u64(b, ci == 0 ? lc->tuple.sport : lc->tuple.dport);
    sb_puts(b, ",\"id.resp_h\":\"");
    sb_puts(b, tcpl_fmt_addr(addr, sizeof addr, &lc->tuple, !ci));
    sb_puts(b, "\",\"id.resp_p\":");
    sb_u64(b, ci == 0 ? lc->tuple.dport : lc->tuple.sport);
    sb_puts(b, ",\"proto\":\"tcp\"");
    if (z->n.bytes_logged) {
        sb_puts(b, ",\"duration\":");
        sb_secs6(b, z->n.duration_ns);
        sb_puts(b, ",\"orig_bytes\":");
        sb_u64(b, z->n.orig_bytes);
        sb_puts(b, ",\"resp_bytes\":");
        sb_u64(b, z->n.resp_bytes);
    }
    sb_puts(b, ",\"conn_state\":\"");
    sb_puts(b, z->state);
    sb_puts(b, "\",\"missed_bytes\":");
    sb_u64(b, z->n.missed_bytes);
    if (z->history[0]) {
        sb_puts(b, ",\"history\":\"");
        sb_puts(b, z->history);
        sb_putc(b, '"');
    }
    /* conn.log's order; the IP byte counts left out when unknown. */
    sb_puts(b, ",\"orig_pkts\":");
    sb_u64(b, z->n.orig_pkts);
    if (z->n.ip_bytes_known) {
        sb_puts(b, ",\"orig_ip_bytes\":");
        sb_u64(b, z->n.orig_ip_bytes);
    }
    sb_puts(b, ",\"resp_pkts\":");
    sb_u64(b, z->n.resp_pkts);
    if (z->n.ip_bytes_known) {
        sb_puts(b, ",\"resp_ip_bytes\":");
        sb_u64(b, z->n.resp_ip_bytes);
    }
    if (tunnel_uid(parent, ctx->name, &lc->tuple.encap)) {
        sb_puts(b, ",\"tunnel_parents\":[\"");
        sb_puts(b, parent);
        sb_puts(b, "\"]");
    }
    sb_puts(b, ",\"tcpl_stream\":\"");
    sb_puts(b, tcpl_fmt_stream_id(id, sizeof id, lc));
    sb_puts(b, "\",\"tcpl_client_final\":\"");
    sb_puts(b, tcpl_state_name(c->ep[ci].state));
    sb_puts(b, "\",\"tcpl_server_final\":\"");
    sb_puts(b, tcpl_state_name(c->ep[!ci].state));
    sb_putc(b, '"');
    if (c->first_closer >= 0) {
        sb_puts(b, ",\"tcpl_first_closer\":\"");
        sb_puts(b, tcpl_role_name(c, c->first_closer));
        sb_puts(b, "\",\"tcpl_first_close\":\"");
        sb_puts(b, c->first_close_rst ? "RST" : "FIN");
        sb_putc(b, '"');
    }
    sb_puts(b, ",\"tcpl_anomalies\":[");
    tcpl_sb_anomalies(b, c->anomalies, ',', true);
    sb_putc(b, ']');
    if (lc->tuple.encap.n > 0) {
        sb_puts(b, ",\"tcpl_tunnel\":");
        tcpl_sb_json_str(b, tcpl_lc_tunnel(lc, tunnel), false);
    }
    sb_puts(b, ",\"tcpl_duration\":");
    sb_secs6(b, c->last_ns - c->first_ns);
    sb_puts(b, ",\"tcpl_end_reason\":\"");
    sb_puts(b, end_reason(lc));
    if (z->end) {
        sb_puts(b, "\",\"tcpl_zeek_row_end\":\"");
        sb_puts(b, z->end);
    }
    sb_puts(b, "\"}\n");
    if (!sb_flush(b, f))
        ctx->failed = true;
}

static void write_json_row(tcpl_writer_ctx *ctx, FILE *f,
                           const tcpl_lifecycle *lc)
{
    for_rows(ctx, f, lc, draw_json_row);
}

const tcpl_report_writer tcpl_writer_zeek_json = {
    .name = "zeek-json",
    .lifecycle = write_json_row,
};
