/*
 * report.c - writers of `tcp-lifecycle report` (text, CSV, JSON Lines) and
 * the loop that runs a tshark export through the tracker into them.
 *
 * Each completed lifecycle is written once every lifecycle that started
 * before it has been (a bounded reorder heap), and then forgotten; only
 * counters survive it, so a report over millions of connections needs no
 * more memory than the connections open at once.  The text format wants
 * its totals first, so its stream sections go to a temporary file that is
 * copied out after the header.  Names and explanations come from the
 * engine (tcpl_state_name, tcpl_describe ...).
 */
#define _POSIX_C_SOURCE 200809L
#include "report.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export.h"

#define PROG "tcp-lifecycle"
#define WRAP 99 /* text lines stay within a 100-column terminal */

/* Counters of one file section, or of all of them. */
typedef struct totals {
    uint64_t files;
    uint64_t lines;
    uint64_t packets;
    uint64_t skipped[3];
    uint64_t lifecycles;
    uint64_t shown;
    uint64_t peak_open;
    uint64_t evicted;
    uint64_t plugin_checked;
    uint64_t plugin_disagreements;
    uint64_t errors;
    int64_t first_ns;
    int64_t last_ns;
    uint64_t final[2][TCPL_STATE_COUNT]; /* [0] client, [1] server */
    uint64_t closer[5]; /* client FIN, client RST, server FIN, server RST, none */
    uint64_t anomaly[TCPL_ANOMALY_COUNT];
    uint64_t gaps;   /* capture gaps, over every lifecycle and endpoint */
    uint64_t missed; /* data bytes the capture missed, likewise */
} totals;

/* A growable buffer for one CSV or JSON record (see sb_room). */
typedef struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
} sbuf;

typedef struct reorder_rec {
    uint64_t id;
    char *text; /* the rendered record, NULL when not shown */
    size_t len;
} reorder_rec;

struct tcpl_report {
    tcpl_report_opts o;
    uint64_t next_id;    /* lifecycle id whose record is due next */
    reorder_rec *heap;   /* records waiting for their turn */
    size_t nheap;
    size_t heap_bytes;
    sbuf sb;             /* CSV and JSON records are built here */
    FILE *mem;           /* renders records that have to wait */
    char *mem_buf;
    size_t mem_len;
    FILE *out;
    FILE *body;       /* text: this file's stream sections, spooled */
    const char *name; /* current file */
    int64_t t0;
    bool t0_set;
    bool csv_header_done;
    bool failed; /* an output error happened */
    totals file;
    totals all;
};

static const char *const closer_names[5] = {"client FIN", "client RST",
                                            "server FIN", "server RST",
                                            "not closed"};
static const char *const closer_keys[5] = {"client_fin", "client_rst",
                                           "server_fin", "server_rst", "none"};

void tcpl_report_opts_init(tcpl_report_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = TCPL_FMT_TEXT;
    o->stream = -1;
    o->successor = -1;
    tcpl_tracker_opts_init(&o->tracker);
}

static void totals_reset(totals *t)
{
    memset(t, 0, sizeof *t);
    t->first_ns = INT64_MAX;
    t->last_ns = INT64_MIN;
}

tcpl_report *tcpl_report_new(const tcpl_report_opts *o, FILE *out)
{
    tcpl_report *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->o = *o;
    r->out = out;
    totals_reset(&r->all);
    return r;
}

/* ------------------------------------------------------------ formatting */

/* Exact decimal seconds from integer nanoseconds ("-0.000001000"). */
static char *secs9(char *buf, size_t n, int64_t ns)
{
    uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    snprintf(buf, n, "%s%" PRIu64 ".%09" PRIu64, ns < 0 ? "-" : "",
             a / 1000000000u, a % 1000000000u);
    return buf;
}

/* Microsecond precision, rounded half away from zero, for people. */
static char *secs6(char *buf, size_t n, int64_t ns)
{
    uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    uint64_t us = a / 1000u + (a % 1000u >= 500u);
    snprintf(buf, n, "%s%" PRIu64 ".%06" PRIu64, ns < 0 ? "-" : "",
             us / 1000000u, us % 1000000u);
    return buf;
}

/* UTC, so that reports do not depend on the machine's time zone. */
static char *utc(char *buf, size_t n, int64_t ns)
{
    int64_t sec = ns / 1000000000;
    int64_t sub = ns % 1000000000;
    if (sub < 0) {
        sub += 1000000000;
        sec--;
    }
    time_t t = (time_t)sec;
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        snprintf(buf, n, "%s s", secs9((char[32]){0}, 32, ns));
        return buf;
    }
    char d[40];
    strftime(d, sizeof d, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(buf, n, "%s.%06" PRId64 " UTC", d, sub / 1000);
    return buf;
}

/* "127.0.0.1:80" or "[::1]:80". */
static char *endpoint_str(char *buf, size_t n, const tcpl_tuple *t, int e)
{
    char a[INET6_ADDRSTRLEN];
    const uint8_t *ad = e == 0 ? t->src : t->dst;
    unsigned port = e == 0 ? t->sport : t->dport;
    if (t->family == 4 && n >= 22) {
        /* By hand: inet_ntop and snprintf were a tenth of a JSON report. */
        unsigned v[5] = {ad[0], ad[1], ad[2], ad[3], port};
        char *p = buf;
        for (int k = 0; k < 5; k++) {
            char tmp[5];
            int m = 0;
            do {
                tmp[m++] = (char)('0' + v[k] % 10);
                v[k] /= 10;
            } while (v[k]);
            while (m)
                *p++ = tmp[--m];
            *p++ = k < 3 ? '.' : k == 3 ? ':' : '\0';
        }
        return buf;
    }
    inet_ntop(t->family == 4 ? AF_INET : AF_INET6, ad, a, sizeof a);
    if (t->family == 4)
        snprintf(buf, n, "%s:%u", a, port);
    else
        snprintf(buf, n, "[%s]:%u", a, port);
    return buf;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* Write text at column `indent`, wrapped at word boundaries within WRAP
 * columns; the first line continues the current one at column `col`. */
static void wrap(FILE *f, int col, int indent, const char *text)
{
    const char *s = text;
    while (*s) {
        const char *w = s;
        while (*w && *w != ' ')
            w++;
        int wl = (int)(w - s);
        if (col > indent && col + 1 + wl > WRAP) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', f);
            col++;
        }
        fwrite(s, 1, (size_t)wl, f);
        col += wl;
        s = w;
        while (*s == ' ')
            s++;
    }
    fputc('\n', f);
}

/* ------------------------------------------------------------ lifecycles */

static int client_of(const tcpl_conn *c)
{
    return c->client >= 0 ? c->client : 0;
}

static bool wanted(const tcpl_report *r, const tcpl_lifecycle *lc)
{
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

static char *stream_id(char *buf, size_t n, const tcpl_lifecycle *lc)
{
    if (lc->successor)
        snprintf(buf, n, "%" PRId64 ".%" PRIu32, lc->stream, lc->successor);
    else
        snprintf(buf, n, "%" PRId64, lc->stream);
    return buf;
}

/* How long endpoint e stayed in the state entered at timeline[i]: until
 * its next entry, else until the lifecycle's end. */
static int64_t time_in(const tcpl_lifecycle *lc, size_t i)
{
    for (size_t k = i + 1; k < lc->ntimeline; k++)
        if (lc->timeline[k].endpoint == lc->timeline[i].endpoint)
            return lc->timeline[k].ts_ns - lc->timeline[i].ts_ns;
    return lc->end_ns - lc->timeline[i].ts_ns;
}

/* What the capture missed of a lifecycle, both endpoints together: the
 * engine's estimate from ACKs and sequence numbers that run past segments
 * the capture does not show. */
static uint64_t lc_gaps(const tcpl_lifecycle *lc)
{
    return (uint64_t)lc->conn.ep[0].gaps + lc->conn.ep[1].gaps;
}

static uint64_t lc_missed(const tcpl_lifecycle *lc)
{
    return lc->conn.ep[0].missed + lc->conn.ep[1].missed;
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
    default: return "until the end";
    }
}

static void frame_words(char *buf, size_t n, const tcpl_lifecycle *lc,
                        uint64_t frame)
{
    if (frame)
        snprintf(buf, n, "frame %" PRIu64, frame);
    else
        snprintf(buf, n, "%s", lc->end == TCPL_LC_END_IDLE ? "when idle"
                                                            : "at the end");
}

static void write_text(tcpl_report *r, FILE *f, const tcpl_lifecycle *lc)
{
    const tcpl_conn *c = &lc->conn;
    char a[80], b[80], t1[40], t2[40], t3[40], id[48];
    int ci = client_of(c);

    char head[400];
    int hl = snprintf(head, sizeof head, "stream %-6s %s %s ->",
                      stream_id(id, sizeof id, lc), tcpl_role_name(c, ci),
                      endpoint_str(a, sizeof a, &lc->tuple, ci));
    int tl = snprintf(NULL, 0, "%s %s%s", tcpl_role_name(c, !ci),
                      endpoint_str(b, sizeof b, &lc->tuple, !ci),
                      c->role_guessed ? "  (roles guessed)" : "");
    /* Long IPv6 addresses: the peer goes on a line of its own. */
    fprintf(f, "%s%s%s %s%s\n", head, hl + 1 + tl > WRAP ? "\n          " : " ",
            tcpl_role_name(c, !ci), b, c->role_guessed ? "  (roles guessed)" : "");
    fprintf(f, "  time     +%s .. +%s s, %s s, frames %" PRIu64 "..%" PRIu64
               ", %" PRIu64 " packets\n",
            secs6(t1, sizeof t1, c->first_ns - r->t0),
            secs6(t2, sizeof t2, c->last_ns - r->t0),
            secs6(t3, sizeof t3, c->last_ns - c->first_ns), lc->first_frame,
            lc->last_frame, lc->packets);
    if (c->first_closer >= 0)
        fprintf(f, "  closed   first by the %s, with a %s\n",
                tcpl_role_name(c, c->first_closer),
                c->first_close_rst ? "RST" : "FIN");
    else
        fputs("  closed   by neither endpoint\n", f);
    fprintf(f, "  final    %s %s, %s %s\n", tcpl_role_name(c, ci),
            tcpl_state_name(c->ep[ci].state), tcpl_role_name(c, !ci),
            tcpl_state_name(c->ep[!ci].state));
    if (lc_gaps(lc) || lc_missed(lc))
        fprintf(f, "  capture  %" PRIu64 " gap%s, %" PRIu64 " bytes missed\n",
                lc_gaps(lc), lc_gaps(lc) == 1 ? "" : "s", lc_missed(lc));

    for (int side = 0; side < 2; side++) {
        int e = side == 0 ? ci : !ci;
        bool first = true;
        for (size_t i = 0; i < lc->ntimeline; i++) {
            const tcpl_tl_entry *te = &lc->timeline[i];
            if (te->endpoint != e)
                continue;
            char fr[32], st[40], left[80];
            frame_words(fr, sizeof fr, lc, te->frame);
            /* A state deduced from later ACKs or sequence numbers says so;
             * the frame column absorbs the longer name where it can. */
            snprintf(st, sizeof st, "%s%s", tcpl_state_name(te->state),
                     te->inferred ? " (inferred)" : "");
            snprintf(left, sizeof left, "%-13s %s", st, fr);
            int over = (int)strlen(left) > 27 ? (int)strlen(left) - 27 : 0;
            fprintf(f, "  %-8s %-27s +%s s", first ? tcpl_role_name(c, e) : "",
                    left, secs6(t1, sizeof t1, te->ts_ns - r->t0));
            if (is_last(lc, i) && te->state == TCPL_CLOSED)
                fputc('\n', f);
            else
                fprintf(f, "%*sfor %s s%s%s\n",
                        12 - (int)strlen(t1) - over > 1 ? 12 - (int)strlen(t1) - over : 1, "",
                        secs6(t2, sizeof t2, time_in(lc, i)),
                        is_last(lc, i) ? ", " : "",
                        is_last(lc, i) ? end_words(lc) : "");
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
        char fr[32], line[512], what[700];
        frame_words(fr, sizeof fr, lc, ev->frame);
        tcpl_describe(c, &ev->ev, line, sizeof line);
        snprintf(what, sizeof what, "%s, %s (+%s s): %s",
                 tcpl_anomaly_name(ev->ev.anomaly), fr,
                 secs6(t1, sizeof t1, ev->ts_ns - r->t0), line);
        fputs(i == 0 ? "  anomaly  " : "           ", f);
        wrap(f, 11, 11, what);
    }
    if (lc->events_dropped)
        fprintf(f, "  (%" PRIu64 " more anomaly events not kept)\n",
                lc->events_dropped);
    fputc('\n', f);
}

static const char *const csv_columns =
    "file,stream,successor,client,server,roles,start,end,duration,packets,"
    "first_frame,last_frame,client_final,server_final,first_closer,"
    "first_close,anomalies,client_states,server_states,capture_gaps,"
    "missed_bytes\n";

/* ---- a growable line buffer for the machine formats
 *
 * CSV and JSON records are built in r->sb and written with one fwrite:
 * with hundreds of thousands of streams, printf's format parsing was most
 * of the report's time.  On allocation failure the buffer stops growing
 * and the record is cut short; `oom' makes the report fail rather than
 * pass the damage off as output. */
static bool sb_room(sbuf *b, size_t n)
{
    if (b->len + n <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

static inline void sb_mem(sbuf *b, const char *s, size_t n)
{
    if (b->len + n <= b->cap || sb_room(b, n)) {
        memcpy(b->p + b->len, s, n);
        b->len += n;
    }
}

static void sb_puts(sbuf *b, const char *s) { sb_mem(b, s, strlen(s)); }

static inline void sb_putc(sbuf *b, char c)
{
    if (b->len < b->cap || sb_room(b, 1))
        b->p[b->len++] = c;
}

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static void sb_u64(sbuf *b, uint64_t v)
{
    char d[24];
    size_t i = sizeof d;
    while (v >= 100) {
        i -= 2;
        memcpy(d + i, digit_pairs + 2 * (v % 100), 2);
        v /= 100;
    }
    if (v >= 10) {
        i -= 2;
        memcpy(d + i, digit_pairs + 2 * v, 2);
    } else {
        d[--i] = (char)('0' + v);
    }
    sb_mem(b, d + i, sizeof d - i);
}

/* Seconds with exactly 9 decimals: the digits, two at a time. */
static void sb_secs9(sbuf *b, int64_t ns)
{
    uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    if (ns < 0)
        sb_putc(b, '-');
    sb_u64(b, a / 1000000000u);
    char d[10];
    uint64_t f = a % 1000000000u;
    d[0] = '.';
    for (int i = 8; i >= 2; i -= 2, f /= 100)
        memcpy(d + i, digit_pairs + 2 * (f % 100), 2);
    d[1] = (char)('0' + f);
    sb_mem(b, d, 10);
}

static void sb_endpoint(sbuf *b, const tcpl_tuple *t, int e)
{
    char a[80];
    sb_puts(b, endpoint_str(a, sizeof a, t, e));
}

static void sb_json_str(sbuf *b, const char *s)
{
    sb_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            sb_putc(b, '\\');
            sb_putc(b, (char)c);
        } else if (c < 0x20) {
            char u[8];
            snprintf(u, sizeof u, "\\u%04x", c);
            sb_puts(b, u);
        } else {
            sb_putc(b, (char)c);
        }
    }
    sb_putc(b, '"');
}

static void sb_csv_str(sbuf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        sb_puts(b, s);
        return;
    }
    sb_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            sb_putc(b, '"');
        sb_putc(b, *s);
    }
    sb_putc(b, '"');
}

static void sb_anomalies(sbuf *b, uint32_t mask, char sep, bool json)
{
    bool first = true;
    for (int a = 0; a < TCPL_ANOMALY_COUNT; a++) {
        if (!(mask & TCPL_BIT(a)))
            continue;
        if (!first)
            sb_putc(b, sep);
        if (json)
            sb_putc(b, '"');
        sb_puts(b, tcpl_anomaly_name((tcpl_anomaly)a));
        if (json)
            sb_putc(b, '"');
        first = false;
    }
}

static const char *roles_word(const tcpl_conn *c)
{
    return c->client < 0 ? "unknown" : c->role_guessed ? "guessed" : "seen";
}

static void sb_flush(tcpl_report *r, FILE *f)
{
    sbuf *b = &r->sb;
    if (b->oom)
        r->failed = true;
    fwrite(b->p, 1, b->len, f);
    b->len = 0;
    b->oom = false;
}

static void write_csv(tcpl_report *r, FILE *f, const tcpl_lifecycle *lc)
{
    sbuf *b = &r->sb;
    const tcpl_conn *c = &lc->conn;
    int ci = client_of(c);
    sb_csv_str(b, r->name);
    sb_putc(b, ',');
    sb_u64(b, (uint64_t)lc->stream);
    sb_putc(b, ',');
    sb_u64(b, lc->successor);
    sb_putc(b, ',');
    sb_endpoint(b, &lc->tuple, ci);
    sb_putc(b, ',');
    sb_endpoint(b, &lc->tuple, !ci);
    sb_putc(b, ',');
    sb_puts(b, roles_word(c));
    sb_putc(b, ',');
    sb_secs9(b, c->first_ns);
    sb_putc(b, ',');
    sb_secs9(b, c->last_ns);
    sb_putc(b, ',');
    sb_secs9(b, c->last_ns - c->first_ns);
    sb_putc(b, ',');
    sb_u64(b, lc->packets);
    sb_putc(b, ',');
    sb_u64(b, lc->first_frame);
    sb_putc(b, ',');
    sb_u64(b, lc->last_frame);
    sb_putc(b, ',');
    sb_puts(b, tcpl_state_name(c->ep[ci].state));
    sb_putc(b, ',');
    sb_puts(b, tcpl_state_name(c->ep[!ci].state));
    sb_putc(b, ',');
    if (c->first_closer >= 0)
        sb_puts(b, tcpl_role_name(c, c->first_closer));
    sb_putc(b, ',');
    if (c->first_closer >= 0)
        sb_puts(b, c->first_close_rst ? "RST" : "FIN");
    sb_putc(b, ',');
    sb_anomalies(b, c->anomalies, ';', false);
    for (int side = 0; side < 2; side++) {
        int e = side == 0 ? ci : !ci;
        bool first = true;
        sb_putc(b, ',');
        for (size_t i = 0; i < lc->ntimeline; i++) {
            if (lc->timeline[i].endpoint != e)
                continue;
            if (!first)
                sb_putc(b, ' ');
            sb_puts(b, tcpl_state_name(lc->timeline[i].state));
            first = false;
        }
    }
    sb_putc(b, ',');
    sb_u64(b, lc_gaps(lc));
    sb_putc(b, ',');
    sb_u64(b, lc_missed(lc));
    sb_putc(b, '\n');
    sb_flush(r, f);
}

static void write_json(tcpl_report *r, FILE *f, const tcpl_lifecycle *lc)
{
    sbuf *b = &r->sb;
    const tcpl_conn *c = &lc->conn;
    int ci = client_of(c);
    sb_puts(b, "{\"file\":");
    sb_json_str(b, r->name);
    sb_puts(b, ",\"stream\":");
    sb_u64(b, (uint64_t)lc->stream);
    sb_puts(b, ",\"successor\":");
    sb_u64(b, lc->successor);
    sb_puts(b, ",\"client\":\"");
    sb_endpoint(b, &lc->tuple, ci);
    sb_puts(b, "\",\"server\":\"");
    sb_endpoint(b, &lc->tuple, !ci);
    sb_puts(b, "\",\"roles\":\"");
    sb_puts(b, roles_word(c));
    sb_puts(b, "\",\"client_final\":\"");
    sb_puts(b, tcpl_state_name(c->ep[ci].state));
    sb_puts(b, "\",\"server_final\":\"");
    sb_puts(b, tcpl_state_name(c->ep[!ci].state));
    sb_putc(b, '"');
    if (c->first_closer < 0) {
        sb_puts(b, ",\"first_closer\":null,\"first_close\":null");
    } else {
        sb_puts(b, ",\"first_closer\":\"");
        sb_puts(b, tcpl_role_name(c, c->first_closer));
        sb_puts(b, "\",\"first_close\":\"");
        sb_puts(b, c->first_close_rst ? "RST" : "FIN");
        sb_putc(b, '"');
    }
    sb_puts(b, ",\"anomalies\":[");
    sb_anomalies(b, c->anomalies, ',', true);
    sb_puts(b, "],\"start\":");
    sb_secs9(b, c->first_ns);
    sb_puts(b, ",\"end\":");
    sb_secs9(b, c->last_ns);
    sb_puts(b, ",\"duration\":");
    sb_secs9(b, c->last_ns - c->first_ns);
    sb_puts(b, ",\"packets\":");
    sb_u64(b, lc->packets);
    sb_puts(b, ",\"first_frame\":");
    sb_u64(b, lc->first_frame);
    sb_puts(b, ",\"last_frame\":");
    sb_u64(b, lc->last_frame);
    sb_puts(b, ",\"end_reason\":\"");
    sb_puts(b, lc->end == TCPL_LC_END_IDLE        ? "idle"
               : lc->end == TCPL_LC_END_SUCCESSOR ? "successor"
                                                  : "input");
    sb_puts(b, "\",\"timeline\":[");
    for (size_t i = 0; i < lc->ntimeline; i++) {
        const tcpl_tl_entry *te = &lc->timeline[i];
        sb_puts(b, i ? ",{\"endpoint\":\"" : "{\"endpoint\":\"");
        sb_puts(b, tcpl_role_name(c, te->endpoint));
        sb_puts(b, "\",\"state\":\"");
        sb_puts(b, tcpl_state_name(te->state));
        sb_puts(b, "\",\"frame\":");
        if (te->frame)
            sb_u64(b, te->frame);
        else
            sb_puts(b, "null");
        sb_puts(b, ",\"time\":");
        sb_secs9(b, te->ts_ns);
        sb_puts(b, ",\"duration\":");
        sb_secs9(b, time_in(lc, i));
        sb_puts(b, te->inferred ? ",\"inferred\":true}" : ",\"inferred\":false}");
    }
    sb_puts(b, "],\"events\":[");
    for (size_t i = 0; i < lc->nevents; i++) {
        const tcpl_tl_event *ev = &lc->events[i];
        char line[512];
        tcpl_describe(c, &ev->ev, line, sizeof line);
        sb_puts(b, i ? ",{\"anomaly\":\"" : "{\"anomaly\":\"");
        sb_puts(b, tcpl_anomaly_name(ev->ev.anomaly));
        sb_puts(b, "\",\"endpoint\":\"");
        sb_puts(b, tcpl_role_name(c, ev->ev.endpoint));
        sb_puts(b, "\",\"frame\":");
        if (ev->frame)
            sb_u64(b, ev->frame);
        else
            sb_puts(b, "null");
        sb_puts(b, ",\"time\":");
        sb_secs9(b, ev->ts_ns);
        sb_puts(b, ",\"duration\":");
        if (ev->ev.duration_ns >= 0)
            sb_secs9(b, ev->ev.duration_ns);
        else
            sb_puts(b, "null");
        sb_puts(b, ",\"text\":");
        sb_json_str(b, line);
        sb_putc(b, '}');
    }
    sb_puts(b, "],\"dropped\":");
    sb_u64(b, lc->timeline_dropped + lc->events_dropped);
    sb_puts(b, ",\"capture_gaps\":");
    sb_u64(b, lc_gaps(lc));
    sb_puts(b, ",\"missed_bytes\":");
    sb_u64(b, lc_missed(lc));
    sb_puts(b, "}\n");
    sb_flush(r, f);
}

static void count(totals *t, const tcpl_lifecycle *lc, bool shown)
{
    const tcpl_conn *c = &lc->conn;
    int ci = client_of(c);
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
    t->gaps += lc_gaps(lc);
    t->missed += lc_missed(lc);
}

static void write_one(tcpl_report *r, FILE *f, const tcpl_lifecycle *lc)
{
    if (!f) { /* no spool (begin_file failed): fail, do not crash */
        r->failed = true;
        return;
    }
    switch (r->o.format) {
    case TCPL_FMT_TEXT: write_text(r, f, lc); break;
    case TCPL_FMT_CSV: write_csv(r, f, lc); break;
    case TCPL_FMT_JSON: write_json(r, f, lc); break;
    }
}

/* Where stream records go: the text spool, or the output itself. */
static FILE *dest(tcpl_report *r)
{
    return r->o.format == TCPL_FMT_TEXT ? r->body : r->out;
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
        r->failed = true;
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

void tcpl_report_lifecycle(void *user, const tcpl_lifecycle *lc)
{
    tcpl_report *r = user;
    bool shown = wanted(r, lc);
    count(&r->file, lc, shown);
    /* In order, or late (its turn was given away): write it now. */
    if (lc->id < r->next_id || (lc->id == r->next_id && r->nheap == 0)) {
        if (shown)
            write_one(r, dest(r), lc);
        if (lc->id == r->next_id)
            r->next_id++;
        drain(r, false);
        return;
    }
    reorder_rec rec = {lc->id, NULL, 0};
    if (shown) {
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
        long len = ftell(r->mem);
        rec.text = len > 0 ? malloc((size_t)len) : NULL;
        if (len > 0 && !rec.text) {
            /* No memory to wait: write it out of order rather than lose it. */
            write_one(r, dest(r), lc);
            return;
        }
        if (len > 0)
            memcpy(rec.text, r->mem_buf, (size_t)len);
        rec.len = len > 0 ? (size_t)len : 0;
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

/* ------------------------------------------------------------ sections */

int tcpl_report_begin_file(tcpl_report *r, const char *name)
{
    r->name = name;
    r->t0 = 0;
    r->t0_set = false;
    r->next_id = 0;
    totals_reset(&r->file);
    if (r->o.format == TCPL_FMT_TEXT) {
        r->body = tmpfile();
        if (!r->body)
            return -1;
    }
    if (r->o.format == TCPL_FMT_CSV && !r->csv_header_done) {
        fputs(csv_columns, r->out);
        r->csv_header_done = true;
    }
    return 0;
}

void tcpl_report_origin(tcpl_report *r, int64_t t0_ns)
{
    if (!r->t0_set) {
        r->t0 = t0_ns;
        r->t0_set = true;
    }
}

static void text_header(FILE *f, const totals *t, const char *title,
                        const char *kind, const char *error)
{
    char t1[64], t2[64], t3[40];
    fprintf(f, "tcp-lifecycle report: %s", title);
    if (kind)
        fprintf(f, " (%s)", kind);
    fputc('\n', f);
    if (t->packets)
        fprintf(f, "  capture  %s .. %s, %s s\n", utc(t1, sizeof t1, t->first_ns),
                utc(t2, sizeof t2, t->last_ns),
                secs6(t3, sizeof t3, t->last_ns - t->first_ns));
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
        for (int k = 0; k < 5; k++)
            if (t->closer[k])
                fprintf(f, "    %-13s %9" PRIu64 "\n", closer_names[k],
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
    }
    fputc('\n', f);
}

/* {"file":..., "totals":{...}}; file NULL for the overall totals. */
static void json_totals(FILE *f, const char *file, const totals *t,
                        const char *kind, const char *error)
{
    char t1[40], t2[40];
    fputs("{\"file\":", f);
    if (file)
        json_str(f, file);
    else
        fputs("null", f);
    fputs(",\"totals\":{", f);
    if (kind)
        fprintf(f, "\"kind\":\"%s\",", kind);
    else
        fprintf(f, "\"files\":%" PRIu64 ",", t->files);
    fprintf(f, "\"lines\":%" PRIu64 ",\"packets\":%" PRIu64
               ",\"skipped\":{\"non_tcp\":%" PRIu64 ",\"multi_header\":%" PRIu64
               ",\"incomplete\":%" PRIu64 "},\"connections\":%" PRIu64
               ",\"shown\":%" PRIu64 ",\"peak_open\":%" PRIu64
               ",\"evicted\":%" PRIu64,
            t->lines, t->packets, t->skipped[0], t->skipped[1], t->skipped[2],
            t->lifecycles, t->shown, t->peak_open, t->evicted);
    if (t->packets)
        fprintf(f, ",\"start\":%s,\"end\":%s", secs9(t1, sizeof t1, t->first_ns),
                secs9(t2, sizeof t2, t->last_ns));
    else
        fputs(",\"start\":null,\"end\":null", f);
    for (int side = 0; side < 2; side++) {
        fprintf(f, ",\"%s_final\":{", side ? "server" : "client");
        bool first = true;
        for (int s = 0; s < TCPL_STATE_COUNT; s++) {
            if (!t->final[side][s])
                continue;
            fprintf(f, "%s\"%s\":%" PRIu64, first ? "" : ",",
                    tcpl_state_name((tcpl_state)s), t->final[side][s]);
            first = false;
        }
        fputc('}', f);
    }
    fputs(",\"first_closer\":{", f);
    for (int k = 0; k < 5; k++)
        fprintf(f, "%s\"%s\":%" PRIu64, k ? "," : "", closer_keys[k], t->closer[k]);
    fputs("},\"anomalies\":{", f);
    bool first = true;
    for (int a = 0; a < TCPL_ANOMALY_COUNT; a++) {
        if (!t->anomaly[a])
            continue;
        fprintf(f, "%s\"%s\":%" PRIu64, first ? "" : ",",
                tcpl_anomaly_name((tcpl_anomaly)a), t->anomaly[a]);
        first = false;
    }
    fprintf(f, "},\"plugin_checked\":%" PRIu64 ",\"plugin_disagreements\":%" PRIu64
               ",\"error\":",
            t->plugin_checked, t->plugin_disagreements);
    if (error)
        json_str(f, error);
    else if (t->errors)
        fprintf(f, "\"%" PRIu64 " files could not be read to the end\"", t->errors);
    else
        fputs("null", f);
    fprintf(f, ",\"capture_gaps\":%" PRIu64 ",\"missed_bytes\":%" PRIu64 "}}\n",
            t->gaps, t->missed);
}

static void totals_add(totals *all, const totals *t)
{
    all->files++;
    all->lines += t->lines;
    all->packets += t->packets;
    for (int i = 0; i < 3; i++)
        all->skipped[i] += t->skipped[i];
    all->lifecycles += t->lifecycles;
    all->shown += t->shown;
    if (t->peak_open > all->peak_open)
        all->peak_open = t->peak_open;
    all->evicted += t->evicted;
    all->plugin_checked += t->plugin_checked;
    all->plugin_disagreements += t->plugin_disagreements;
    all->errors += t->errors;
    if (t->first_ns < all->first_ns)
        all->first_ns = t->first_ns;
    if (t->last_ns > all->last_ns)
        all->last_ns = t->last_ns;
    for (int s = 0; s < 2; s++)
        for (int k = 0; k < TCPL_STATE_COUNT; k++)
            all->final[s][k] += t->final[s][k];
    for (int k = 0; k < 5; k++)
        all->closer[k] += t->closer[k];
    for (int k = 0; k < TCPL_ANOMALY_COUNT; k++)
        all->anomaly[k] += t->anomaly[k];
    all->gaps += t->gaps;
    all->missed += t->missed;
}

int tcpl_report_end_file(tcpl_report *r, const tcpl_file_info *info)
{
    drain(r, true);
    totals *t = &r->file;
    t->lines = info->lines;
    t->packets = info->stats.packets;
    t->skipped[0] = info->skipped_non_tcp;
    t->skipped[1] = info->skipped_multi;
    t->skipped[2] = info->skipped_incomplete;
    t->peak_open = info->stats.peak_open;
    t->evicted = info->stats.evicted;
    t->plugin_checked = info->plugin_checked;
    t->plugin_disagreements = info->plugin_disagreements;
    t->errors = info->error != NULL;
    t->first_ns = info->stats.first_ns;
    t->last_ns = info->stats.last_ns;
    totals_add(&r->all, t);

    if (r->o.format == TCPL_FMT_TEXT && !r->body) {
        r->failed = true; /* begin_file failed: nothing to copy */
    } else if (r->o.format == TCPL_FMT_TEXT) {
        if (r->all.files > 1)
            fputc('\n', r->out);
        text_header(r->out, t, r->name, info->kind, info->error);
        if (ferror(r->body))
            r->failed = true;
        rewind(r->body);
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, r->body)) > 0)
            fwrite(buf, 1, n, r->out);
        if (ferror(r->body))
            r->failed = true;
        fclose(r->body);
        r->body = NULL;
    } else if (r->o.format == TCPL_FMT_JSON) {
        json_totals(r->out, r->name, t, info->kind, info->error);
    }
    if (ferror(r->out))
        r->failed = true;
    return r->failed ? -1 : 0;
}

int tcpl_report_close(tcpl_report *r)
{
    if (r->all.files > 1) {
        if (r->o.format == TCPL_FMT_TEXT) {
            char title[64];
            snprintf(title, sizeof title, "all %" PRIu64 " files", r->all.files);
            fputc('\n', r->out);
            text_header(r->out, &r->all, title, NULL, NULL);
        } else if (r->o.format == TCPL_FMT_JSON) {
            json_totals(r->out, NULL, &r->all, NULL, NULL);
        }
    }
    if (r->body)
        fclose(r->body);
    while (r->nheap)
        free(heap_pop(r).text);
    free(r->heap);
    if (r->mem)
        fclose(r->mem);
    free(r->mem_buf);
    free(r->sb.p);
    if (fflush(r->out) != 0 || ferror(r->out))
        r->failed = true;
    bool failed = r->failed;
    free(r);
    return failed ? -1 : 0;
}

/* ------------------------------------------------------------ exports */

typedef struct progress {
    bool on;
    struct timespec last;
} progress;

static void progress_tick(progress *p, const tcpl_export *x)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double dt = (double)(now.tv_sec - p->last.tv_sec) +
                (double)(now.tv_nsec - p->last.tv_nsec) / 1e9;
    if (dt < 0.5)
        return;
    p->last = now;
    fprintf(stderr, "\r" PROG ": %s: %" PRIu64 " lines, %.1f MB ", x->name,
            x->line, (double)x->bytes / 1e6);
}

static void print_note(void *user, const char *text)
{
    fprintf(stderr, PROG ": %s: note: %s\n", (const char *)user, text);
}

/* Compare the plugin's verdict on one packet with the engine's. */
static bool plugin_agrees(const tcpl_export_packet *p, const tcpl_packet_info *pi)
{
    if (p->lc_src >= 0 && p->lc_src != (int)pi->r.state[pi->from])
        return false;
    if (p->lc_dst >= 0 && p->lc_dst != (int)pi->r.state[!pi->from])
        return false;
    if (p->has_lc_anomaly) {
        uint32_t mine = pi->r.anomalies;
        /* The predecessor's closing verdicts may be drawn on the SYN that
         * ended it, or not at all: both are the engine's. */
        uint32_t with_prev = mine | (pi->new_lifecycle ? pi->prev_finish.anomalies : 0);
        if (p->lc_anomalies != mine && p->lc_anomalies != with_prev)
            return false;
    }
    return true;
}

static void state_pair(char *buf, size_t n, int src, int dst, uint32_t an)
{
    size_t o = (size_t)snprintf(buf, n, "src %s, dst %s, anomalies [",
                                src >= 0 ? tcpl_state_name((tcpl_state)src) : "-",
                                dst >= 0 ? tcpl_state_name((tcpl_state)dst) : "-");
    for (int a = 0; a < TCPL_ANOMALY_COUNT && o < n; a++)
        if (an & TCPL_BIT(a))
            o += (size_t)snprintf(buf + o, n - o, "%s%s", o && buf[o - 1] != '[' ? "," : "",
                                  tcpl_anomaly_name((tcpl_anomaly)a));
    if (o < n)
        snprintf(buf + o, n - o, "]");
}

#define MAX_NOTES 5
#define MAX_DISAGREEMENTS 10

/* The export loop over f, or over mem/len when f is NULL. */
static int run_export(tcpl_report *r, const tcpl_report_opts *o,
                      const char *name, FILE *f, const char *mem, size_t len)
{
    tcpl_export x;
    tcpl_tracker *tr = NULL;
    int status = 0;
    tcpl_file_info info;
    memset(&info, 0, sizeof info);
    info.kind = "tshark export";
    char err[sizeof x.err];
    err[0] = '\0';

    if (tcpl_export_open(&x, name, f, mem, len) != 0 ||
        tcpl_report_begin_file(r, name) != 0) {
        fprintf(stderr, PROG ": %s: %s\n", name,
                x.buf ? "cannot create a temporary file" : "out of memory");
        tcpl_export_close(&x);
        return 1;
    }
    tcpl_tracker_opts to = o->tracker;
    to.emit = tcpl_report_lifecycle;
    to.user = r;
    tr = tcpl_tracker_new(&to);
    if (!tr) {
        snprintf(err, sizeof err, "%s: out of memory", name);
        goto done;
    }

    if (tcpl_export_header(&x, print_note, (void *)name) != 0) {
        snprintf(err, sizeof err, "%s", x.err);
        goto done;
    }
    info.plugin_columns = x.col[TCPL_COL_LC_SRC] >= 0 ||
                          x.col[TCPL_COL_LC_DST] >= 0 ||
                          x.col[TCPL_COL_LC_ANOMALY] >= 0;

    /* Not when CSV or JSON streams onto the same terminal: the lines would
     * interleave.  Text is spooled, so it cannot. */
    progress pg = {.on = isatty(2) == 1 &&
                         (o->format == TCPL_FMT_TEXT || isatty(1) != 1)};
    if (pg.on)
        clock_gettime(CLOCK_MONOTONIC, &pg.last);
    uint64_t notes[TCPL_SKIP_COUNT] = {0};
    tcpl_export_packet p;
    tcpl_packet_info pi;
    for (;;) {
        int rc = tcpl_export_next(&x, &p);
        if (pg.on && (x.line & 0xffff) == 0)
            progress_tick(&pg, &x);
        if (rc == TCPL_EXPORT_EOF)
            break;
        if (rc == TCPL_EXPORT_ERROR) {
            snprintf(err, sizeof err, "%s", x.err);
            break;
        }
        if (rc == TCPL_EXPORT_SKIP) {
            /* Non-TCP lines are expected without -Y tcp: counted only. */
            if (x.last_skip != TCPL_SKIP_NON_TCP) {
                uint64_t k = ++notes[x.last_skip];
                if (k <= MAX_NOTES)
                    fprintf(stderr, PROG ": %s\n", x.err);
                if (k == MAX_NOTES)
                    fprintf(stderr, PROG ": %s: note: further notes of this kind "
                                    "are only counted in the report\n", name);
            }
            continue;
        }
        tcpl_report_origin(r, p.seg.ts_ns);
        if (tcpl_tracker_packet(tr, &p.tuple, &p.seg, p.frame, p.stream, &pi) != 0) {
            snprintf(err, sizeof err, "%s:%" PRIu64 ": out of memory", name, p.line);
            break;
        }
        if (p.lc_src >= 0 || p.lc_dst >= 0 || (p.has_lc_anomaly && p.lc_anomalies)) {
            info.plugin_checked++;
            if (!plugin_agrees(&p, &pi)) {
                uint64_t k = ++info.plugin_disagreements;
                if (k <= MAX_DISAGREEMENTS) {
                    char theirs[300], mine[300];
                    state_pair(theirs, sizeof theirs, p.lc_src, p.lc_dst, p.lc_anomalies);
                    state_pair(mine, sizeof mine, pi.r.state[pi.from],
                               pi.r.state[!pi.from], pi.r.anomalies);
                    fprintf(stderr, PROG ": %s:%" PRIu64 ": frame %" PRIu64
                                    ": the plugin says %s; the engine says %s\n",
                            name, p.line, p.frame, theirs, mine);
                }
            }
        }
    }
    if (pg.on)
        fprintf(stderr, "\r%*s\r", 70, "");

done:
    if (tr && tcpl_tracker_finish(tr) != 0 && !err[0])
        snprintf(err, sizeof err, "%s: out of memory", name);
    if (tr)
        tcpl_tracker_get_stats(tr, &info.stats);
    else
        info.stats.first_ns = INT64_MAX, info.stats.last_ns = INT64_MIN;
    tcpl_tracker_free(tr);
    info.lines = x.line;
    info.skipped_non_tcp = x.skipped[TCPL_SKIP_NON_TCP];
    info.skipped_multi = x.skipped[TCPL_SKIP_MULTI];
    info.skipped_incomplete = x.skipped[TCPL_SKIP_INCOMPLETE];
    if (err[0]) {
        fprintf(stderr, PROG ": %s\n", err);
        info.error = err;
        status = 1;
    }
    if (info.plugin_disagreements) {
        fprintf(stderr, PROG ": %s: %" PRIu64 " packets where the plugin's "
                        "tcp.lifecycle columns disagree with the engine\n",
                name, info.plugin_disagreements);
        status = 1;
    }
    if (tcpl_report_end_file(r, &info) != 0)
        status = 1;
    tcpl_export_close(&x);
    return status;
}

int tcpl_report_export(tcpl_report *r, const tcpl_report_opts *o,
                       const char *path)
{
    bool is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "r");
    if (!f) {
        fprintf(stderr, PROG ": %s: cannot open: %s\n", name, strerror(errno));
        return 1;
    }
    int status = run_export(r, o, name, f, NULL, 0);
    if (!is_stdin)
        fclose(f);
    return status;
}

int tcpl_report_export_mem(tcpl_report *r, const tcpl_report_opts *o,
                           const char *name, const char *data, size_t len)
{
    return run_export(r, o, name, NULL, data, len);
}

/* Seconds with up to 9 decimals, in 0..86400, to nanoseconds; every
 * command's threshold options go through here. */
bool tcpl_parse_seconds(const char *s, int64_t *ns)
{
    int64_t sec = 0, frac = 0;
    int digits = 0, decimals = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        sec = sec * 10 + (*p - '0');
        if (sec > 86400)
            return false;
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, decimals++) {
            if (decimals == 9)
                return false;
            frac = frac * 10 + (*p - '0');
        }
        if (decimals == 0)
            return false;
    }
    if (*p || digits == 0)
        return false;
    for (int k = decimals; k < 9; k++)
        frac *= 10;
    *ns = sec * 1000000000 + frac;
    return *ns <= INT64_C(86400000000000);
}
