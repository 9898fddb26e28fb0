/*
 * degrade.c - how well the engine infers endpoint states from captures that
 * miss packets (issue 8, item 7).
 *
 * Real captures are imperfect: tcpdump drops packets, a mirror port sees
 * one direction, a lifecycle's last packet falls after the capture's end.
 * This program takes the kernel-truth captures (captures/NAME.pcap with
 * NAME.truth), reads each once into memory, makes damaged copies of it in
 * memory and runs every copy through a fresh tracker, exactly as
 * `tcp-lifecycle report --pcap` would (same decoder, same tuple and segment,
 * default options).  Then it scores each copy against the kernel's truth:
 *
 *   complete   nothing removed
 *   drop_one   each TCP packet removed in turn, except a lifecycle's last
 *   drop_last  each lifecycle's last packet removed, one at a time (the
 *              truth may be unknowable then: UNKNOWN is fine, wrong is not)
 *   random5    every packet dropped with probability 5%, seeds 1..20
 *   c2s, s2c   only the client's packets / only the server's (roles from
 *              the truth file, per connection)
 *
 * Each truth endpoint of each copy is `right` (the state the kernel
 * reported), `unknown` (UNKNOWN, or in no lifecycle at all) or `wrong`.
 * A copy has a false anomaly when it flags a connection anomaly (capture
 * notes such as midstream or capture_gap describe the capture and never
 * count) that the truth neither expects nor allows and that the complete
 * capture does not flag either.  Metrics are means over captures of each
 * capture's percentages, so that a capture with many packets does not
 * outweigh the scenarios with few.  `--assert CLASS:METRIC<=N` turns a
 * metric into a pass/fail target for ctest.
 *
 * Exit status: 0 all assertions hold; 1 an assertion failed, or bad input
 * ("tcpl_degrade: FILE:LINE: what is wrong"); 2 usage error.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pcap_in.h"
#include "tcpl/tcpl.h"
#include "tcpl/wire.h"
#include "tracker.h"
#include "truth.h"
#include "degrade.h"

const char *const class_names[C_COUNT] = {
    "complete", "drop_one", "drop_last", "random5", "c2s", "s2c"};
const char *const metric_names[M_COUNT] = {
    "right", "wrong", "unknown", "seen_right", "false"};

/* --------------------------------------------------------------- helpers */

void error_line(const char *fmt, ...)
{
    va_list ap;

    /* what stdout said so far comes first, also when both go to one log */
    fflush(stdout);
    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t nc;
    void *q;

    if (need <= *cap)
        return 0;
    nc = *cap ? *cap * 2 : 16;
    while (nc < need)
        nc *= 2;
    q = realloc(*p, nc * size);
    if (!q)
        return -1;
    *p = q;
    *cap = nc;
    return 0;
}



/* ------------------------------------------------------ running variants */

static void collect(void *user, const tcpl_lifecycle *lc)
{
    run *r = user;
    lc_view *v;

    if (grow((void **)&r->lcs, &r->cap, r->n + 1, sizeof *r->lcs) != 0) {
        r->oom = true;
        return;
    }
    v = &r->lcs[r->n++];
    v->tuple = lc->tuple;
    v->first_frame = lc->first_frame;
    v->last_frame = lc->last_frame;
    v->state[0] = lc->conn.ep[0].state;
    v->state[1] = lc->conn.ep[1].state;
    v->client = lc->conn.client;
    v->anomalies = lc->conn.anomalies;
}

/* Run the packets keep[] marks through a fresh tracker with report
 * --pcap's defaults.  Returns 0, or -1 when out of memory. */
static int run_variant(const capture *c, const bool *keep, run *r)
{
    tcpl_tracker_opts to;
    tcpl_tracker *tr;
    int rc = 0;

    r->n = 0;
    r->oom = false;
    tcpl_tracker_opts_init(&to);
    to.emit = collect;
    to.user = r;
    tr = tcpl_tracker_new(&to);
    if (!tr)
        return -1;
    /* 1: an ICMP error about no lifecycle, not tracked (not an error). */
    for (size_t i = 0; i < c->npkts && rc <= 0; i++)
        if (keep[i])
            rc = tcpl_tracker_packet(tr, &c->pkts[i].t, &c->pkts[i].s,
                                     c->pkts[i].frame, -1, NULL) < 0 ? -1 : 0;
    if (rc == 0)
        rc = tcpl_tracker_finish(tr);
    tcpl_tracker_free(tr);
    return rc != 0 || r->oom ? -1 : 0;
}

/* Note one failure: printed at once with -v, kept for --summary. */
static void fail_line(state *st, const capture *c, const char *label,
                      const char *fmt, ...)
{
    char what[256], key[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (st->o->verbose)
        printf("%s %s: %s\n", c->name, label, what);
    if (!st->o->summary)
        return;
    snprintf(key, sizeof key, "%s: %s", c->name, what);
    if (grow((void **)&st->fails, &st->fails_cap, st->nfails + 1,
             sizeof *st->fails) != 0) {
        st->oom = true;
        return;
    }
    st->fails[st->nfails].key = strdup(key);
    st->fails[st->nfails].variant = strdup(label);
    st->fails[st->nfails].order = st->nfails;
    if (!st->fails[st->nfails].key || !st->fails[st->nfails].variant) {
        free(st->fails[st->nfails].key);
        free(st->fails[st->nfails].variant);
        st->oom = true;
        return;
    }
    st->nfails++;
}

/* "client 127.0.0.1:41000", with the peer when the address alone is
 * ambiguous (a server with several clients) and, in c2s/s2c, whether its
 * packets were kept: "server 127.0.0.1:5000 (peer 127.0.0.1:41001, seen)". */
static void endpoint_name(char *buf, size_t n, const tcpl_truth *t,
                          const tcpl_truth_endpoint *e, const char *seen)
{
    size_t same = 0;
    int len;

    for (size_t i = 0; i < t->nendpoints; i++)
        same += strcmp(t->ep[i].me.text, e->me.text) == 0;
    len = snprintf(buf, n, "%s %s", e->client ? "client" : "server",
                   e->me.text);
    if (len < 0 || (size_t)len >= n)
        return;
    if (same > 1)
        snprintf(buf + len, n - (size_t)len, " (peer %s%s%s)", e->peer.text,
                 *seen ? ", " : "", seen);
    else if (*seen)
        snprintf(buf + len, n - (size_t)len, " (%s)", seen);
}

/* Score one variant's lifecycles against the truth. */
static void score(state *st, capture *c, dclass k, const char *label,
                  const run *r)
{
    tally *t = &c->t[k];
    uint32_t flagged = 0, known, fa;

    t->variants++;
    for (size_t i = 0; i < c->truth->nendpoints; i++) {
        const tcpl_truth_endpoint *e = &c->truth->ep[i];
        char who[3 * TCPL_TRUTH_ADDR_MAX];
        const char *seen_note = "";  /* c2s, s2c: "seen" or "unseen" */
        int idx = 0;
        const lc_view *lc = find_lifecycle(r->lcs, r->n, e, &idx);
        verdict v = classify(lc, idx, e);
        bool seen = (k == C_C2S && e->client) || (k == C_S2C && !e->client);

        if (k == C_C2S || k == C_S2C)
            seen_note = seen ? "seen" : "unseen";
        endpoint_name(who, sizeof who, c->truth, e, seen_note);
        t->checks++;
        if (seen)
            t->seen_checks++;
        if (v == V_RIGHT) {
            t->right++;
            if (seen)
                t->seen_right++;
        } else if (v == V_WRONG) {
            t->wrong++;
        } else {
            t->unknown++;
        }
        if (!lc)
            fail_line(st, c, label, "%s in no lifecycle, truth %s", who,
                      tcpl_state_name(e->state));
        else if (v != V_RIGHT)
            fail_line(st, c, label, "%s got %s, truth %s", who,
                      tcpl_state_name(lc->state[idx]),
                      tcpl_state_name(e->state));
        if (lc && lc->client >= 0 && (lc->client == idx) != e->client) {
            t->role_reversed++;
            fail_line(st, c, label, "%s came out as the %s", who,
                      e->client ? "server" : "client");
        }
    }
    for (size_t i = 0; i < r->n; i++)
        flagged |= r->lcs[i].anomalies;
    /* The complete capture is measured against the truth alone; a damaged
     * copy also against what the complete one flags (its own faults are
     * the complete class's to report). */
    known = c->truth->expect | c->truth->allow;
    if (k != C_COMPLETE)
        known |= c->complete_anomalies;
    else
        c->complete_anomalies = flagged;
    fa = false_anomalies(flagged, known);
    if (fa)
        t->false_variants++;
    for (int a = 0; a < TCPL_ANOMALY_COUNT; a++)
        if (fa & TCPL_BIT(a))
            fail_line(st, c, label, "false anomaly %s",
                      tcpl_anomaly_name((tcpl_anomaly)a));
}

/* "random5 seed 7 (-frames 3,18)": every removed frame, as long as the
 * label has room. */
static void random_label(char *buf, size_t n, int seed, const capture *c,
                         const bool *keep)
{
    size_t len, removed = 0, shown = 0;

    len = (size_t)snprintf(buf, n, "random5 seed %d (", seed);
    for (size_t i = 0; i < c->npkts; i++) {
        if (keep[i])
            continue;
        removed++;
        if (len + 32 < n) {
            len += (size_t)snprintf(buf + len, n - len, "%s%" PRIu64,
                                    shown ? "," : "-frames ", c->pkts[i].frame);
            shown++;
        }
    }
    if (removed == 0)
        snprintf(buf + len, n - len, "nothing removed)");
    else if (shown < removed)
        snprintf(buf + len, n - len, ",... %zu in all)", removed);
    else
        snprintf(buf + len, n - len, ")");
}

/* Every variant of one capture; the complete run comes first, since the
 * others need its lifecycles' last packets and its anomalies.  Returns 0,
 * or -1 when out of memory. */
static int degrade_capture(state *st, capture *c)
{
    const options *o = st->o;
    bool *keep = malloc(c->npkts * sizeof *keep);
    run r = {0};
    char label[512];
    int rc = -1;

    c->is_last = calloc(c->npkts, sizeof *c->is_last);
    if (!keep || !c->is_last)
        goto out;

    for (size_t i = 0; i < c->npkts; i++)
        keep[i] = true;
    if (run_variant(c, keep, &r) != 0)
        goto out;
    for (size_t j = 0; j < r.n; j++)
        for (size_t i = 0; i < c->npkts; i++)
            if (c->pkts[i].frame == r.lcs[j].last_frame)
                c->is_last[i] = true;
    score(st, c, C_COMPLETE, "complete", &r);

    for (int lastp = 0; lastp < 2; lastp++) {
        dclass k = lastp ? C_DROP_LAST : C_DROP_ONE;
        if (!o->run_class[k])
            continue;
        for (size_t d = 0; d < c->npkts; d++) {
            if (c->is_last[d] != (bool)lastp)
                continue;
            keep[d] = false;
            if (run_variant(c, keep, &r) != 0)
                goto out;
            keep[d] = true;
            snprintf(label, sizeof label, "%s -frame %" PRIu64,
                     class_names[k], c->pkts[d].frame);
            score(st, c, k, label, &r);
        }
    }

    if (o->run_class[C_RANDOM5]) {
        for (int seed = 1; seed <= SEEDS; seed++) {
            uint64_t x = (uint64_t)seed;
            for (size_t i = 0; i < c->npkts; i++)
                keep[i] = (splitmix64(&x) >> 11) >= LOSS_THRESHOLD;
            if (run_variant(c, keep, &r) != 0)
                goto out;
            random_label(label, sizeof label, seed, c, keep);
            score(st, c, C_RANDOM5, label, &r);
        }
    }

    for (int client = 1; client >= 0; client--) {
        dclass k = client ? C_C2S : C_S2C;
        if (!o->run_class[k])
            continue;
        /* A packet on no truth connection (the truth check forbids them)
         * is in neither direction. */
        for (size_t i = 0; i < c->npkts; i++)
            keep[i] = c->pkts[i].sender_client == client;
        if (run_variant(c, keep, &r) != 0)
            goto out;
        score(st, c, k, class_names[k], &r);
    }
    rc = st->oom ? -1 : 0;
out:
    free(r.lcs);
    free(keep);
    return rc;
}

/* ----------------------------------------------------------- reading */

static void truth_error(void *user, const char *path, int line,
                        const char *what)
{
    (void)user;
    if (line > 0)
        error_line("%s:%d: %s", path, line, what);
    else
        error_line("%s: %s", path, what);
}

/* Which truth endpoint sent p: 1 client, 0 server, -1 none. */
static int8_t sender_role(const tcpl_truth *t, const tcpl_tuple *tp)
{
    for (size_t i = 0; i < t->nendpoints; i++)
        if (same_addr(tp->family, tp->src, tp->sport, &t->ep[i].me) &&
            same_addr(tp->family, tp->dst, tp->dport, &t->ep[i].peer))
            return t->ep[i].client ? 1 : 0;
    return -1;
}

/* Read one capture and its truth into st->caps.  Returns 0, or 1 with the
 * message printed. */
static int load_capture(state *st, const char *pcap_path,
                        const char *truth_path)
{
    char err[TCPL_PCAP_ERR];
    tcpl_pcap_in *in = NULL;
    tcpl_pcap_packet p;
    capture *c;
    size_t pkts_cap = 0;
    const char *base;
    int lt, rc;

    if (grow((void **)&st->caps, &st->caps_cap, st->ncaps + 1,
             sizeof *st->caps) != 0) {
        error_line("out of memory");
        return 1;
    }
    c = &st->caps[st->ncaps++];
    memset(c, 0, sizeof *c);
    base = strrchr(pcap_path, '/');
    base = base ? base + 1 : pcap_path;
    c->name = strdup(base);
    c->truth = malloc(sizeof *c->truth);
    if (!c->name || !c->truth) {
        error_line("out of memory");
        return 1;
    }
    if (strrchr(c->name, '.'))
        *strrchr(c->name, '.') = '\0';
    if (tcpl_truth_read(truth_path, c->truth, truth_error, NULL) != 0)
        return 1;

    err[0] = '\0';
    in = tcpl_pcap_open(pcap_path, false, err, sizeof err);
    if (!in) {
        error_line("%s", err);
        return 1;
    }
    lt = tcpl_pcap_linktype(in);
    while ((rc = tcpl_pcap_next(in, &p, err, sizeof err)) > 0) {
        tcpl_wire_tcp w;
        packet *k;
        int d = tcpl_wire_decode(lt, p.data, p.caplen, &w);

        if (d == TCPL_WIRE_LINKTYPE) {
            snprintf(err, sizeof err, "%s: link type %d is not supported",
                     pcap_path, lt);
            rc = -1;
            break;
        }
        /* Other protocols, and headers too short or contradictory to
         * track, are not packets the tracker would see either.  ICMP
         * errors are: they quote a segment of a connection. */
        if (d != TCPL_WIRE_TCP && d != TCPL_WIRE_ICMP)
            continue;
        if (grow((void **)&c->pkts, &pkts_cap, c->npkts + 1,
                 sizeof *c->pkts) != 0) {
            snprintf(err, sizeof err, "%s: out of memory", pcap_path);
            rc = -1;
            break;
        }
        k = &c->pkts[c->npkts++];
        k->frame = p.frame;
        tcpl_tracker_from_wire(&w, p.ts_ns, &k->t, &k->s);
        k->sender_client = sender_role(c->truth, &k->t);
        /* An ICMP error travels the other way: from the quoted segment's
         * destination (or a router near it) to its sender. */
        if (d == TCPL_WIRE_ICMP && k->sender_client >= 0)
            k->sender_client = !k->sender_client;
    }
    tcpl_pcap_close(in);
    if (rc < 0) {
        error_line("%s", err);
        return 1;
    }
    if (c->npkts == 0) {
        error_line("%s: no TCP packets", pcap_path);
        return 1;
    }
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every NAME.pcap in dir that has a NAME.truth, in name order. */
static int load_folder(state *st, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int status = 0;

    if (!d) {
        error_line("%s: cannot open: %s", dir, strerror(errno));
        return 1;
    }
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len <= 5 || strcmp(de->d_name + len - 5, ".pcap") != 0)
            continue;
        if (grow((void **)&names, &cap, n + 1, sizeof *names) != 0 ||
            !(names[n] = strdup(de->d_name))) {
            error_line("out of memory");
            status = 1;
            break;
        }
        n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, by_name);
    size_t found = 0;
    for (size_t i = 0; i < n && status == 0; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 8;
        char *pcap = malloc(len), *truth = malloc(len);
        struct stat sb;

        if (!pcap || !truth) {
            error_line("out of memory");
            status = 1;
        } else {
            snprintf(pcap, len, "%s/%s", dir, names[i]);
            snprintf(truth, len, "%s/%.*s.truth", dir,
                     (int)(strlen(names[i]) - 5), names[i]);
            if (stat(truth, &sb) == 0) {
                found++;
                status = load_capture(st, pcap, truth);
            }
        }
        free(pcap);
        free(truth);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (status == 0 && found == 0) {
        error_line("%s: no NAME.pcap with a NAME.truth in it", dir);
        status = 1;
    }
    return status;
}

/* ------------------------------------------------------------------ main */

static const char usage_text[] =
    "usage: " PROG " [OPTIONS] FOLDER | CAPTURE.pcap TRUTH ...\n"
    "\n"
    "Score the engine on damaged copies of kernel-truth captures: every\n"
    "NAME.pcap in FOLDER that has a NAME.truth, or the pairs given.\n"
    "Classes: complete, drop_one (each packet but a lifecycle's last\n"
    "removed in turn), drop_last (each lifecycle's last removed), random5\n"
    "(5% loss, seeds 1..20), c2s and s2c (one direction only).\n"
    "\n"
    "  -v, --verbose        print every failure: wrong or unknown state,\n"
    "                       role reversed, false anomaly, with the variant\n"
    "  --per-capture        a row per capture and class\n"
    "  --summary N          the N most frequent failures, grouped\n"
    "  --class NAME         run only this class (repeatable; complete\n"
    "                       always runs, the others need it)\n"
    "  --assert CLASS:METRIC<=N, CLASS:METRIC>=N\n"
    "                       a target (repeatable); METRIC is right, wrong,\n"
    "                       unknown, false, or seen_right (c2s, s2c): a\n"
    "                       percentage, the mean over captures\n"
    "  --self-test          check the scoring code on hand-made data\n"
    "\n"
    "Exit status: 0 every assertion holds; 1 one failed, or bad input;\n"
    "2 usage error.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs(PROG ": ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see " PROG " --help)\n", stderr);
    return 2;
}

/* The value of option name at argv[*i] ("--name V" or "--name=V"); NULL
 * when arg is not that option.  *missing is set when the value is. */
static const char *option_value(int argc, char **argv, int *i,
                                const char *name, bool *missing)
{
    size_t n = strlen(name);
    const char *arg = argv[*i];

    if (strncmp(arg, name, n) != 0 || (arg[n] != '\0' && arg[n] != '='))
        return NULL;
    if (arg[n] == '=')
        return arg + n + 1;
    if (*i + 1 < argc)
        return argv[++*i];
    *missing = true;
    return NULL;
}

static void free_state(state *st)
{
    for (size_t i = 0; i < st->ncaps; i++) {
        free(st->caps[i].name);
        free(st->caps[i].pkts);
        free(st->caps[i].truth);
        free(st->caps[i].is_last);
    }
    free(st->caps);
    for (size_t i = 0; i < st->nfails; i++) {
        free(st->fails[i].key);
        free(st->fails[i].variant);
    }
    free(st->fails);
}

int main(int argc, char **argv)
{
    options o;
    state st;
    bool some_class = false;
    const char **inputs;
    size_t ninputs = 0;
    int status = 0;

    memset(&o, 0, sizeof o);
    memset(&st, 0, sizeof st);
    st.o = &o;
    inputs = calloc((size_t)argc, sizeof *inputs);
    o.asserts = calloc((size_t)argc, sizeof *o.asserts);
    if (!inputs || !o.asserts) {
        error_line("out of memory");
        status = 1;
        goto done;
    }
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v;
        bool missing = false;

        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(usage_text, stdout);
            goto done;
        } else if (strcmp(arg, "--self-test") == 0) {
            status = self_test() ? 1 : 0;
            goto done;
        } else if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
            o.verbose = true;
        } else if (strcmp(arg, "--per-capture") == 0) {
            o.per_capture = true;
        } else if ((v = option_value(argc, argv, &i, "--summary", &missing))) {
            char *end;
            unsigned long n;
            errno = 0;
            n = strtoul(v, &end, 10);
            if (errno || end == v || *end || v[0] == '-' || n > 100000) {
                status = usage_error("--summary: '%s' is not a count in 0..100000", v);
                goto done;
            }
            o.summary = n;
        } else if ((v = option_value(argc, argv, &i, "--class", &missing))) {
            int k;
            for (k = 0; k < C_COUNT; k++)
                if (strcmp(v, class_names[k]) == 0)
                    break;
            if (k == C_COUNT) {
                status = usage_error("--class: unknown class '%s' (complete, "
                                     "drop_one, drop_last, random5, c2s, s2c)", v);
                goto done;
            }
            o.run_class[k] = true;
            some_class = true;
        } else if ((v = option_value(argc, argv, &i, "--assert", &missing))) {
            if (parse_assert(v, &o.asserts[o.nasserts]) != 0) {
                status = usage_error("--assert: '%s' is not CLASS:METRIC<=N or "
                                     ">=N (METRIC right, wrong, unknown, false; "
                                     "seen_right for c2s, s2c; N in 0..100)", v);
                goto done;
            }
            o.nasserts++;
        } else if (missing) {
            status = usage_error("%s needs a value", arg);
            goto done;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            status = usage_error("unknown option '%s'", arg);
            goto done;
        } else {
            inputs[ninputs++] = arg;
        }
    }
    if (ninputs == 0) {
        status = usage_error("%s", "no captures: give a FOLDER or CAPTURE.pcap TRUTH pairs");
        goto done;
    }
    for (int k = 0; k < C_COUNT; k++)
        o.run_class[k] = o.run_class[k] || !some_class;
    o.run_class[C_COMPLETE] = true;
    for (size_t i = 0; i < o.nasserts; i++)
        if (!o.run_class[o.asserts[i].cls]) {
            status = usage_error("--assert %s: that class is not run (see --class)",
                                 o.asserts[i].text);
            goto done;
        }

    for (size_t i = 0; i < ninputs && status == 0; i++) {
        struct stat sb;
        if (stat(inputs[i], &sb) != 0) {
            error_line("%s: cannot open: %s", inputs[i], strerror(errno));
            status = 1;
        } else if (S_ISDIR(sb.st_mode)) {
            status = load_folder(&st, inputs[i]);
        } else if (i + 1 < ninputs) {
            status = load_capture(&st, inputs[i], inputs[i + 1]);
            i++;
        } else {
            status = usage_error("%s: a capture needs its truth file after it",
                                 inputs[i]);
        }
    }
    if (status != 0)
        goto done;

    for (size_t i = 0; i < st.ncaps; i++) {
        if (degrade_capture(&st, &st.caps[i]) != 0) {
            error_line("%s: out of memory", st.caps[i].name);
            status = 1;
            goto done;
        }
    }
    {
        size_t npkts = 0;
        for (size_t i = 0; i < st.ncaps; i++)
            npkts += st.caps[i].npkts;
        printf("%s%zu captures, %zu TCP packets\n", o.verbose ? "\n" : "",
               st.ncaps, npkts);
    }
    print_tables(&st);
    if (o.per_capture)
        print_per_capture(&st);
    if (o.summary && print_summary(&st) != 0) {
        error_line("out of memory");
        status = 1;
        goto done;
    }
    if (o.nasserts)
        printf("\n");
    status = check_assertions(&st);
done:
    if (fflush(stdout) != 0 && status == 0) {
        error_line("write error: %s", strerror(errno));
        status = 1;
    }
    free_state(&st);
    free(inputs);
    free(o.asserts);
    return status;
}
