/*
 * merge.c - `tcp-lifecycle merge PART...`: JSON reports made apart (one
 * per capture, on other machines: scripts/cluster-report) joined into
 * the report one run over all the captures writes.
 *
 * A JSON report is its file sections one after the other, each closed by
 * a {"file":NAME,"totals":{...}} line, and with more than one section a
 * last {"file":null,...} line of overall totals.  So the joined report is
 * the parts' sections in the order given, and overall totals that the
 * report model itself adds up (tcpl_report_merge, as `report --jobs`
 * does) from each section's totals read back from its line: the numbers
 * are the same code's, not a script's.  Every part is read and checked
 * before anything is written, so a bad part leaves no output that looks
 * whole.  A totals key this program does not know is an error, not
 * skipped: a newer report's totals must not be added up as if complete.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_writer.h"

#define PROG "tcp-lifecycle"

typedef struct jp {
    const char *p;
    const char *what; /* the first thing found wrong, or NULL */
} jp;

static void skip_ws(jp *j)
{
    while (*j->p == ' ' || *j->p == '\t')
        j->p++;
}

static bool bad(jp *j, const char *what)
{
    if (!j->what)
        j->what = what;
    return false;
}

static bool lit(jp *j, const char *s)
{
    skip_ws(j);
    size_t n = strlen(s);
    if (strncmp(j->p, s, n) != 0)
        return false;
    j->p += n;
    return true;
}

/* A JSON string into out (escapes other than \" and \\ kept verbatim:
 * keys and names here are plain). */
static bool str(jp *j, char *out, size_t n)
{
    size_t k = 0;
    if (!lit(j, "\""))
        return bad(j, "a string expected");
    while (*j->p && *j->p != '"') {
        char c = *j->p++;
        if (c == '\\') {
            if (!*j->p)
                break;
            c = *j->p++;
        }
        if (k + 1 < n)
            out[k++] = c;
    }
    if (*j->p != '"')
        return bad(j, "an unterminated string");
    j->p++;
    out[k] = '\0';
    return true;
}

static bool u64(jp *j, uint64_t *v)
{
    skip_ws(j);
    uint64_t x = 0;
    const char *s = j->p;
    while (*j->p >= '0' && *j->p <= '9') {
        unsigned d = (unsigned)(*j->p++ - '0');
        if (x > (UINT64_MAX - d) / 10)
            return bad(j, "a number out of range");
        x = x * 10 + d;
    }
    if (j->p == s)
        return bad(j, "a number expected");
    *v = x;
    return true;
}

/* Seconds with 9 decimals (tcpl_fmt_secs9) to nanoseconds. */
static bool secs9(jp *j, int64_t *ns)
{
    bool neg = lit(j, "-");
    uint64_t s, f;
    const char *d;
    if (!u64(j, &s) || !lit(j, "."))
        return bad(j, "a time expected");
    d = j->p;
    if (!u64(j, &f) || j->p - d != 9 || s > (uint64_t)INT64_MAX / 1000000000u - 1)
        return bad(j, "a time expected");
    int64_t v = (int64_t)(s * 1000000000u + f);
    *ns = neg ? -v : v;
    return true;
}

static int state_index(const char *name)
{
    for (int s = 0; s < TCPL_STATE_COUNT; s++)
        if (strcmp(tcpl_state_name((tcpl_state)s), name) == 0)
            return s;
    return -1;
}

static int anomaly_index(const char *name)
{
    for (int a = 0; a < TCPL_ANOMALY_COUNT; a++)
        if (strcmp(tcpl_anomaly_name((tcpl_anomaly)a), name) == 0)
            return a;
    return -1;
}

static int closer_index(const char *name)
{
    for (int k = 0; k < TCPL_CLOSER_KINDS; k++)
        if (strcmp(tcpl_closer_keys[k], name) == 0)
            return k;
    return -1;
}

/* {"name":count,...} into counts[index(name)]. */
static bool counts(jp *j, uint64_t *c, int (*index)(const char *))
{
    char key[64];
    if (!lit(j, "{"))
        return bad(j, "an object expected");
    if (lit(j, "}"))
        return true;
    do {
        uint64_t v;
        if (!str(j, key, sizeof key) || !lit(j, ":") || !u64(j, &v))
            return bad(j, "a count expected");
        int i = index(key);
        if (i < 0)
            return bad(j, "an unknown state, anomaly or closer name");
        c[i] = v;
    } while (lit(j, ","));
    return lit(j, "}") || bad(j, "'}' expected");
}

static int skipped_index(const char *name)
{
    static const char *const k[3] = {"non_tcp", "multi_header", "incomplete"};
    for (int i = 0; i < 3; i++)
        if (strcmp(k[i], name) == 0)
            return i;
    return -1;
}

/* The totals object of a section line, after "totals":. */
static bool totals(jp *j, tcpl_report_totals *t, bool *capped)
{
    static const struct {
        const char *key;
        size_t off;
    } plain[] = {
        {"lines", offsetof(tcpl_report_totals, lines)},
        {"packets", offsetof(tcpl_report_totals, packets)},
        {"connections", offsetof(tcpl_report_totals, lifecycles)},
        {"shown", offsetof(tcpl_report_totals, shown)},
        {"peak_open", offsetof(tcpl_report_totals, peak_open)},
        {"evicted", offsetof(tcpl_report_totals, evicted)},
        {"evicted_max_connections", offsetof(tcpl_report_totals, capped)},
        {"plugin_checked", offsetof(tcpl_report_totals, plugin_checked)},
        {"plugin_disagreements", offsetof(tcpl_report_totals, plugin_disagreements)},
        {"capture_gaps", offsetof(tcpl_report_totals, gaps)},
        {"missed_bytes", offsetof(tcpl_report_totals, missed)},
    };
    char key[64], text[256];

    memset(t, 0, sizeof *t);
    t->first_ns = INT64_MAX;
    t->last_ns = INT64_MIN;
    if (!lit(j, "{"))
        return bad(j, "the totals object expected");
    do {
        bool done = false;
        if (!str(j, key, sizeof key) || !lit(j, ":"))
            return bad(j, "a totals key expected");
        for (size_t i = 0; i < sizeof plain / sizeof plain[0] && !done; i++) {
            if (strcmp(key, plain[i].key) != 0)
                continue;
            if (!u64(j, (uint64_t *)((char *)t + plain[i].off)))
                return false;
            if (plain[i].off == offsetof(tcpl_report_totals, capped))
                *capped = true;
            done = true;
        }
        if (done)
            continue;
        if (strcmp(key, "kind") == 0) {
            if (!str(j, text, sizeof text))
                return false;
        } else if (strcmp(key, "skipped") == 0) {
            if (!counts(j, t->skipped, skipped_index))
                return false;
        } else if (strcmp(key, "start") == 0 || strcmp(key, "end") == 0) {
            int64_t *v = key[0] == 's' ? &t->first_ns : &t->last_ns;
            if (!lit(j, "null") && !secs9(j, v))
                return false;
        } else if (strcmp(key, "client_final") == 0 ||
                   strcmp(key, "server_final") == 0) {
            if (!counts(j, t->final[key[0] == 's'], state_index))
                return false;
        } else if (strcmp(key, "first_closer") == 0) {
            if (!counts(j, t->closer, closer_index))
                return false;
        } else if (strcmp(key, "anomalies") == 0) {
            if (!counts(j, t->anomaly, anomaly_index))
                return false;
        } else if (strcmp(key, "error") == 0) {
            if (lit(j, "null"))
                t->errors = 0;
            else if (str(j, text, sizeof text))
                t->errors = 1;
            else
                return false;
        } else if (strcmp(key, "schema") == 0) {
            /* The merged report is written by this build's code: a part
             * made to another schema cannot be added to it. */
            if (!str(j, text, sizeof text))
                return false;
            if (strcmp(text, TCPL_REPORT_SCHEMA) != 0)
                return bad(j, "a part of another report schema (not "
                              TCPL_REPORT_SCHEMA ")");
        } else {
            /* "files" (overall totals), "open"/"kernel_dropped" (live),
             * or a key from a newer report: none is a section's. */
            return bad(j, "a totals key merge does not add up");
        }
    } while (lit(j, ","));
    return (lit(j, "}") && lit(j, "}")) || bad(j, "'}}' expected");
}

/*
 * What one line of a part is: 0 a lifecycle record (or anything else
 * that belongs to a section), 1 a section's totals (t filled), 2 overall
 * totals, -1 malformed (*what says why).
 */
static int classify(const char *line, tcpl_report_totals *t, bool *capped,
                    const char **what)
{
    jp j = {line, NULL};
    char name[4096];
    if (!lit(&j, "{\"file\":")) {
        *what = "not a line of a JSON report (report --format json)";
        return -1;
    }
    if (lit(&j, "null"))
        return 2;
    if (!str(&j, name, sizeof name)) {
        *what = j.what;
        return -1;
    }
    if (lit(&j, ",\"interim\"")) {
        *what = "interim totals: a streamed report cannot be merged";
        return -1;
    }
    if (!lit(&j, ",\"totals\":"))
        return 0;
    if (!totals(&j, t, capped) || (skip_ws(&j), *j.p != '\n' && *j.p)) {
        *what = j.what ? j.what : "text after the totals";
        return -1;
    }
    return 1;
}

static int usage(FILE *f)
{
    fputs("usage: " PROG " merge PART.json...\n"
          "Join JSON reports made apart (report --pcap --format json FILE, one\n"
          "per capture, see scripts/cluster-report), in the order given, into\n"
          "the report of one run over all of them: their sections, then the\n"
          "overall totals.  Exit status: 0 ok, 1 a part is not a whole JSON\n"
          "report, or a section says its input was cut short or disagreed\n"
          "with the plugin's columns (as the run over all exits 1), 2 usage.\n", f);
    return ferror(f) ? 1 : 0;
}

/* Pass 1 (out NULL): check part and collect its sections' totals; pass 2:
 * copy its section lines to out. */
static int read_part(const char *path, FILE *out, tcpl_report_totals **ts,
                     size_t *nts, size_t *cap, bool *capped, bool *errors)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t n = 0, lineno = 0;
    ssize_t len;
    bool open_section = false;
    size_t sections = 0;
    int status = 0;

    if (!f) {
        fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
        return 1;
    }
    while ((len = getline(&line, &n, f)) > 0) {
        tcpl_report_totals t;
        const char *what = NULL;
        lineno++;
        if (line[len - 1] != '\n') {
            fprintf(stderr, PROG ": %s:%zu: the last line is cut short\n", path, lineno);
            status = 1;
            break;
        }
        int kind = classify(line, &t, capped, &what);
        if (kind < 0) {
            fprintf(stderr, PROG ": %s:%zu: %s\n", path, lineno, what);
            status = 1;
            break;
        }
        if (out) {
            if (kind != 2 && fwrite(line, 1, (size_t)len, out) != (size_t)len)
                status = 1;
            continue;
        }
        open_section = kind == 0;
        if (kind == 1) {
            if (*nts == *cap) {
                size_t nc = *cap ? *cap * 2 : 16;
                tcpl_report_totals *p = realloc(*ts, nc * sizeof *p);
                if (!p) {
                    fprintf(stderr, PROG ": out of memory\n");
                    status = 1;
                    break;
                }
                *ts = p;
                *cap = nc;
            }
            (*ts)[(*nts)++] = t;
            sections++;
            /* What makes `report` exit 1 after writing the section. */
            if (t.errors || t.plugin_disagreements)
                *errors = true;
        }
    }
    if (status == 0 && ferror(f)) {
        fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
        status = 1;
    }
    if (status == 0 && !out && open_section) {
        fprintf(stderr, PROG ": %s:%zu: the part ends inside a section (no "
                "totals line after its records)\n", path, lineno);
        status = 1;
    }
    /* Every report has at least one section, even of a capture with no
     * connection: an empty part is a report that never ran (cluster-report
     * must not pass off nothing as an empty capture). */
    if (status == 0 && !out && !open_section && sections == 0) {
        fprintf(stderr, PROG ": %s: no report section in it (an empty part)\n", path);
        status = 1;
    }
    free(line);
    fclose(f);
    return status;
}

int tcpl_cmd_merge(int argc, char **argv)
{
    tcpl_report_totals *ts = NULL;
    size_t nts = 0, cap = 0;
    bool capped = false, errors = false;
    int first = 1;

    if (argc > 1 && strcmp(argv[1], "--") == 0)
        first = 2;
    else if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return usage(stdout);
    for (int i = first; first == 1 && i < argc; i++)
        if (argv[i][0] == '-') {
            fprintf(stderr, PROG ": merge: unknown option '%s' (see " PROG
                    " merge --help)\n", argv[i]);
            return 2;
        }
    if (argc <= first) {
        fprintf(stderr, PROG ": merge: no PART files (see " PROG " merge --help)\n");
        return 2;
    }
    for (int i = first; i < argc; i++)
        if (read_part(argv[i], NULL, &ts, &nts, &cap, &capped, &errors) != 0) {
            free(ts);
            return 1;
        }

    tcpl_report_opts o;
    tcpl_report_opts_init(&o);
    o.format = TCPL_FMT_JSON;
    if (capped) /* the overall totals then carry evicted_max_connections */
        o.tracker.max_open = 1;
    tcpl_report *r = tcpl_report_new(&o, stdout);
    if (!r) {
        free(ts);
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    tcpl_report_begin(r);
    int status = errors ? 1 : 0;
    for (int i = first; i < argc; i++)
        if (read_part(argv[i], stdout, &ts, &nts, &cap, &capped, &errors) != 0)
            status = 1;
    for (size_t i = 0; i < nts; i++)
        tcpl_report_merge(r, &ts[i]);
    free(ts);
    if (tcpl_report_close(r) != 0) {
        fprintf(stderr, PROG ": <stdout>: write error: %s\n", strerror(errno));
        status = 1;
    }
    return status;
}
