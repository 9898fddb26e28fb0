/*
 * report_export.c - `tcp-lifecycle report` over tshark exports: the loop
 * that reads an export, steps the tracker, checks the plugin's columns
 * against the engine where the export has them, and hands the file
 * section to the report.  Also the threshold options' number parser,
 * which every command shares.
 */
#define _POSIX_C_SOURCE 200809L
#include "report_writer.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export.h"

#define PROG "tcp-lifecycle"

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

    /* Not when records stream onto the same terminal: the lines would
     * interleave.  A spooled format (text) cannot. */
    const tcpl_report_writer *w = tcpl_report_writer_for(o->format);
    progress pg = {.on = isatty(2) == 1 &&
                         ((w && w->spools) || isatty(1) != 1)};
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
        int trc = tcpl_tracker_packet(tr, &p.tuple, &p.seg, p.frame, p.stream, &pi);
        if (trc < 0) {
            snprintf(err, sizeof err, "%s:%" PRIu64 ": out of memory", name, p.line);
            break;
        }
        if (trc > 0) /* an ICMP error about no connection in the export */
            continue;
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
