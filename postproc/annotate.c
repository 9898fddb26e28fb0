/*
 * annotate.c - `tcp-lifecycle annotate IN OUT.pcapng [--labels CSV]`.
 *
 * It reads a capture with pcap_in, decodes each frame's TCP header with
 * core's wire decoder and feeds the tracker, which steps the engine: the
 * same path as the plugin's, so annotations and plugin fields agree.  This
 * file only draws what the engine said -- states, transitions, anomalies
 * through tcpl_state_name(), tcpl_role_name() and tcpl_describe() -- and
 * holds no TCP rule.
 *
 * annotate reads the input three times.  Some anomalies are known only
 * when the capture ends (a CLOSE_WAIT that lasts to the end, a SYN never
 * answered); they belong on the lifecycle's last packet, which has been
 * written by then.  Pass 1 runs the engine to the end and notes those;
 * pass 2 writes the copy.  Like the plugin, both keep a lifecycle after it
 * closed, since a later packet on its 4-tuple (port reuse) is judged
 * against it; keeping every lifecycle to the end made memory grow with
 * the capture.  So pass 0 first finds, for each 4-tuple, the frame where
 * it is seen last and the capture's end: passes 1 and 2 end a lifecycle
 * right after that frame, exactly as the end of the input would, and hold
 * only the lifecycles that will be seen again.  Pass 0 also proves the
 * whole input readable before any output exists, and all output goes
 * through outfile.h, so a bad input never leaves an OUT that looks
 * complete.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"
#include "pcap_in.h"
#include "pcap_feed.h"
#include "pcapng_out.h"
#include "report.h"
#include "tcpl/tcpl.h"
#include "tcpl/wire.h"
#include "tracker.h"

#define PROG "tcp-lifecycle"

#ifndef TCPL_VERSION
#define TCPL_VERSION "0.1.0"
#endif

int tcpl_cmd_annotate(int argc, char **argv);

static const char annotate_usage[] =
    "usage: " PROG " annotate IN OUT.pcapng [--labels LABELS.csv] [OPTIONS]\n"
    "\n"
    "Copy the capture IN (pcap or pcapng) to OUT.pcapng with a packet comment\n"
    "on every TCP packet: the states of both endpoints after it, the\n"
    "transitions it caused and the lifecycle anomalies it revealed, e.g.\n"
    "  client SYN_SENT -> ESTABLISHED | server ESTABLISHED\n"
    "A transition deduced from other segments' ACK and sequence numbers (the\n"
    "capture missed the segment that caused it) ends in \" (inferred)\".\n"
    "Other packets, timestamps, original lengths and existing comments are\n"
    "kept.  OUT appears only when complete.\n"
    "\n"
    "  --labels FILE            also write one CSV row per packet: frame,\n"
    "                           stream, src, dst, src_state, dst_state,\n"
    "                           transition, anomalies, end_anomalies\n"
    "  --syn-timeout S          seconds without SYN-ACK for syn_unanswered (1)\n"
    "  --close-wait-stall S     seconds in CLOSE_WAIT for close_wait_stall (1)\n"
    "  --zero-window-stall S    seconds at window 0 for zero_window_stall (1)\n"
    "  --check-checksums        verify IPv4 header and TCP checksums, as Zeek\n"
    "                           does: a bad TCP sum is no evidence (Zeek's\n"
    "                           'C'), a bad IPv4 header sum drops the frame\n"
    "\n"
    "IP fragments are reassembled: a fragmented segment is annotated on the\n"
    "frame that completes it.  Link types: Ethernet (802.1Q/802.1ad tags), Linux cooked v1/v2, raw IP,\n"
    "BSD/OpenBSD loopback, FDDI, PPP, PPPoE, Cisco HDLC, MPLS.  TCP inside\n"
    "MPLS, PBB, PPPoE, VN-tag, E-tag, NSH, IP-in-IP, GRE/ERSPAN, VXLAN,\n"
    "Geneve, GTP-U, AYIYA and Teredo is read.  Exit status: 0 ok; 1 bad\n"
    "input or I/O error (no OUT is left behind); 2 usage error.\n";

/* ------------------------------------------------------------ helpers */

static int annotate_usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, PROG ": annotate: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see " PROG " annotate --help)\n");
    return 2;
}

/* A bounded string builder: text past the end is dropped, never overrun. */
typedef struct sbuf {
    char *b;
    size_t cap, len;
} sbuf;

static void sb_add(sbuf *s, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (s->len + 1 >= s->cap)
        return;
    va_start(ap, fmt);
    n = vsnprintf(s->b + s->len, s->cap - s->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    s->len += (size_t)n;
    if (s->len >= s->cap)
        s->len = s->cap - 1;
}

/* ------------------------------------------------------------ annotate */

/* An anomaly only the end of a lifecycle revealed, drawn on its last
 * packet. */
typedef struct end_note {
    uint64_t frame;
    size_t seq; /* order of arrival: keeps the engine's order per frame */
    tcpl_anomaly anomaly;
    char *text;
} end_note;

typedef struct annotate_ctx {
    const char *in_path;
    /* pass 0: bit f set when frame f is its 4-tuple's last; the time the
     * tracker ends what is still open at the end of the input */
    uint64_t *last_bits;
    size_t last_words;
    int64_t end_ns;
    /* pass 1 */
    end_note *notes;
    size_t nnotes, notes_cap;
    bool oom;
    /* pass 2: the lifecycle a port-reuse SYN just ended, for describing
     * what its tcpl_finish() raised */
    tcpl_conn prev;
    bool have_prev;
} annotate_ctx;

/* The short form of an explanation: tcpl_describe()'s text up to its
 * first ": " or "; " (the rest explains causes, for the report). */
static void short_text(const tcpl_conn *c, const tcpl_event *e, char *buf,
                       size_t n)
{
    char *cut;

    tcpl_describe(c, e, buf, n);
    cut = strstr(buf, ": ");
    if (cut)
        *cut = '\0';
    cut = strstr(buf, "; ");
    if (cut)
        *cut = '\0';
}

static void collect_end_notes(void *user, const tcpl_lifecycle *lc)
{
    annotate_ctx *cx = user;

    for (size_t i = 0; i < lc->nevents; i++) {
        const tcpl_tl_event *ev = &lc->events[i];
        char text[512];

        /* Frame 0 marks what tcpl_finish() raised at the end; at a
         * successor's SYN the events carry that SYN's frame and are drawn
         * there in pass 2. */
        if (ev->frame != 0)
            continue;
        if (cx->nnotes == cx->notes_cap) {
            size_t nc = cx->notes_cap ? cx->notes_cap * 2 : 16;
            void *q = realloc(cx->notes, nc * sizeof *cx->notes);
            if (!q) {
                cx->oom = true;
                return;
            }
            cx->notes = q;
            cx->notes_cap = nc;
        }
        short_text(&lc->conn, &ev->ev, text, sizeof text);
        cx->notes[cx->nnotes].text = strdup(text);
        if (!cx->notes[cx->nnotes].text) {
            cx->oom = true;
            return;
        }
        cx->notes[cx->nnotes].frame = lc->last_frame;
        cx->notes[cx->nnotes].seq = cx->nnotes;
        cx->notes[cx->nnotes].anomaly = ev->ev.anomaly;
        cx->nnotes++;
    }
}

static void remember_predecessor(void *user, const tcpl_lifecycle *lc)
{
    annotate_ctx *cx = user;

    if (lc->end == TCPL_LC_END_SUCCESSOR) {
        cx->prev = lc->conn;
        cx->have_prev = true;
    }
}

static int by_frame(const void *a, const void *b)
{
    const end_note *x = a, *y = b;

    if (x->frame != y->frame)
        return (x->frame > y->frame) - (x->frame < y->frame);
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static void endpoint_text(char *buf, size_t n, int family, const uint8_t *a,
                          uint16_t port)
{
    char ip[INET6_ADDRSTRLEN];

    if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, ip, sizeof ip))
        snprintf(ip, sizeof ip, "?");
    if (family == 6)
        snprintf(buf, n, "[%s]:%u", ip, port);
    else
        snprintf(buf, n, "%s:%u", ip, port);
}

/*
 * Draw one TCP packet: the comment (cm) and, when wanted, the CSV fields
 * from transition on (csv).  Both come from the engine's result only.
 */
static void draw_packet(annotate_ctx *cx, const tcpl_packet_info *pi,
                        const end_note *notes, size_t nnotes, sbuf *cm,
                        sbuf *csv)
{
    const tcpl_conn *c = &pi->lc->conn;
    const tcpl_result *r = &pi->r;
    int order[2];
    char text[512];
    bool first;

    /* Client first, as a reader tells the story. */
    order[0] = c->client >= 0 ? c->client : 0;
    order[1] = !order[0];
    for (int k = 0; k < 2; k++) {
        int ep = order[k];
        bool moved = false;

        if (k)
            sb_add(cm, " | ");
        sb_add(cm, "%s", tcpl_role_name(c, ep));
        for (int i = 0; i < r->ntransitions && i < TCPL_MAX_TRANSITIONS; i++) {
            const tcpl_transition *t = &r->transitions[i];
            if (t->endpoint != ep)
                continue;
            if (!moved)
                sb_add(cm, " %s", tcpl_state_name(t->from));
            sb_add(cm, " -> %s%s", tcpl_state_name(t->to),
                   t->inferred ? " (inferred)" : "");
            moved = true;
        }
        if (!moved)
            sb_add(cm, " %s", tcpl_state_name(r->state[ep]));
    }
    if (pi->new_lifecycle && cx->have_prev) {
        for (int i = 0; i < pi->prev_finish.nevents && i < TCPL_MAX_EVENTS;
             i++) {
            const tcpl_event *e = &pi->prev_finish.events[i];
            short_text(&cx->prev, e, text, sizeof text);
            sb_add(cm, " | previous connection: anomaly: %s (%s)",
                   tcpl_anomaly_name(e->anomaly), text);
        }
    }
    for (int i = 0; i < r->nevents && i < TCPL_MAX_EVENTS; i++) {
        const tcpl_event *e = &r->events[i];
        short_text(c, e, text, sizeof text);
        sb_add(cm, " | anomaly: %s (%s)", tcpl_anomaly_name(e->anomaly), text);
    }
    for (int k = 0; k < 2; k++) {
        if (tcpl_app_error_text(r->app[order[k]], text, sizeof text) > 0)
            sb_add(cm, " | errno: %s %s", tcpl_role_name(c, order[k]), text);
    }
    for (size_t i = 0; i < nnotes; i++)
        sb_add(cm, " | at end: anomaly: %s (%s)",
               tcpl_anomaly_name(notes[i].anomaly), notes[i].text);

    if (!csv)
        return;
    /* transition */
    first = true;
    for (int i = 0; i < r->ntransitions && i < TCPL_MAX_TRANSITIONS; i++) {
        const tcpl_transition *t = &r->transitions[i];
        sb_add(csv, "%s%s %s -> %s%s", first ? "" : ";",
               tcpl_role_name(c, t->endpoint), tcpl_state_name(t->from),
               tcpl_state_name(t->to), t->inferred ? " (inferred)" : "");
        first = false;
    }
    /* anomalies, as the plugin's tcp.lifecycle.anomaly of this frame */
    sb_add(csv, ",");
    first = true;
    if (pi->new_lifecycle)
        for (int i = 0; i < pi->prev_finish.nevents && i < TCPL_MAX_EVENTS;
             i++, first = false)
            sb_add(csv, "%s%s", first ? "" : ";",
                   tcpl_anomaly_name(pi->prev_finish.events[i].anomaly));
    for (int i = 0; i < r->nevents && i < TCPL_MAX_EVENTS; i++, first = false)
        sb_add(csv, "%s%s", first ? "" : ";",
               tcpl_anomaly_name(r->events[i].anomaly));
    /* end_anomalies */
    sb_add(csv, ",");
    for (size_t i = 0; i < nnotes; i++)
        sb_add(csv, "%s%s", i ? ";" : "", tcpl_anomaly_name(notes[i].anomaly));
}

typedef struct annotate_args {
    const char *in, *out, *labels;
    tcpl_config cfg;
    bool check_checksums;
} annotate_args;

/* Every pass reads frames as `report --pcap` does (pcap_feed.c): IP
 * fragments reassembled, checksums verified when asked, so that the
 * verdicts drawn are the report's. */
/* Open the input for one pass, read as report --pcap reads it
 * (fragments reassembled, checksums as asked): the pass's stats and link
 * type set, err cleared; NULL after saying why. */
static tcpl_pcap_in *open_pass(const annotate_args *a, bool comments,
                               tcpl_feed_stats *st, int *lt, char *err,
                               size_t n)
{
    memset(st, 0, sizeof *st);
    st->reassemble = true;
    st->check_checksums = a->check_checksums;
    err[0] = '\0';
    tcpl_pcap_in *in = tcpl_feed_open(a->in, comments, err, n);
    if (!in) {
        fprintf(stderr, PROG ": %s\n", err);
        return NULL;
    }
    *lt = tcpl_pcap_linktype(in);
    return in;
}

/* Pass 0's map from a 4-tuple's hash to the last frame it was stepped
 * in.  Only the 64-bit hash is kept: two 4-tuples sharing one share an
 * entry, and the earlier one's lifecycle is then ended later than it
 * could be, at the same result. */
typedef struct last_map {
    struct last_slot {
        uint64_t h; /* 0: empty */
        uint64_t frame;
    } *s;
    size_t cap, count;
} last_map;

static struct last_slot *last_find(last_map *m, uint64_t h)
{
    size_t mask = m->cap - 1;
    size_t i = (size_t)h & mask;

    while (m->s[i].h != 0 && m->s[i].h != h)
        i = (i + 1) & mask;
    return &m->s[i];
}

static int last_grow(last_map *m)
{
    last_map g = {NULL, m->cap ? m->cap * 2 : 1024, m->count};

    g.s = calloc(g.cap, sizeof *g.s);
    if (!g.s)
        return -1;
    for (size_t i = 0; i < m->cap; i++)
        if (m->s[i].h != 0)
            *last_find(&g, m->s[i].h) = m->s[i];
    free(m->s);
    *m = g;
    return 0;
}

static uint64_t tuple_hash(const tcpl_tuple *t)
{
    uint64_t h = tcpl_tracker_tuple_hash(t);

    return h ? h : 1;
}

/* Pass 0: which frame is each 4-tuple's last, and where the tracker will
 * date the end of the input (its latest stepped timestamp).  A frame
 * counts as stepped as the tracker decides: every TCP segment, and an ICMP
 * error when its 4-tuple already has a lifecycle or it quotes a SYN.
 * Returns 0, or 1 with the message printed. */
static int annotate_pass0(const annotate_args *a, annotate_ctx *cx,
                          uint64_t *records)
{
    char err[TCPL_PCAP_ERR];
    last_map m = {NULL, 0, 0};
    tcpl_pcap_in *in;
    tcpl_pcap_packet p;
    tcpl_wire_tcp w;
    tcpl_tuple t;
    tcpl_segment s;
    tcpl_feed_stats st;
    bool stepped_any = false;
    int rc, lt;

    in = open_pass(a, false, &st, &lt, err, sizeof err);
    if (!in)
        return 1;
    if (last_grow(&m) != 0)
        snprintf(err, sizeof err, "%s: out of memory", a->in);
    while (!err[0] && (rc = tcpl_pcap_next(in, &p, err, sizeof err)) > 0) {
        struct last_slot *e;
        uint64_t h;

        if (!tcpl_feed_decode(lt, &p, &w, &t, &s, &st))
            continue;
        h = tuple_hash(&t);
        e = last_find(&m, h);
        if (e->h == 0 && s.icmp && !tcpl_icmp_quotes_syn(&s))
            continue;
        if (e->h == 0) {
            if ((m.count + 1) * 2 > m.cap) {
                if (last_grow(&m) != 0) {
                    snprintf(err, sizeof err, "%s: out of memory", a->in);
                    break;
                }
                e = last_find(&m, h);
            }
            e->h = h;
            m.count++;
        }
        e->frame = p.frame;
        if (!stepped_any || s.ts_ns > cx->end_ns)
            cx->end_ns = s.ts_ns;
        stepped_any = true;
    }
    tcpl_pcap_close(in);
    tcpl_feed_end(&st);
    if (!err[0]) {
        cx->last_words = (size_t)(st.records / 64 + 1);
        cx->last_bits = calloc(cx->last_words, sizeof *cx->last_bits);
        if (!cx->last_bits)
            snprintf(err, sizeof err, "%s: out of memory", a->in);
    }
    for (size_t i = 0; !err[0] && i < m.cap; i++) {
        uint64_t f = m.s[i].frame;

        if (m.s[i].h != 0 && f / 64 < cx->last_words)
            cx->last_bits[f / 64] |= UINT64_C(1) << (f % 64);
    }
    free(m.s);
    if (err[0]) {
        fprintf(stderr, PROG ": %s\n", err);
        return 1;
    }
    *records = st.records;
    return 0;
}

/* Did pass 0 see frame f as its 4-tuple's last? */
static bool last_of_tuple(const annotate_ctx *cx, uint64_t f)
{
    return f / 64 < cx->last_words &&
           (cx->last_bits[f / 64] >> (f % 64) & 1);
}

/* End the lifecycle of w's 4-tuple: no later frame has it. */
static void retire(annotate_ctx *cx, tcpl_tracker *tr,
                   const tcpl_wire_tcp *w)
{
    tcpl_tuple t;
    tcpl_segment s;

    tcpl_tracker_from_wire(w, 0, &t, &s);
    tcpl_tracker_retire(tr, &t, cx->end_ns);
}

/* Pass 1: run the engine over the whole input, keep what only the ends
 * of lifecycles reveal.  Returns 0, or 1 with the message printed. */
static int annotate_pass1(const annotate_args *a, annotate_ctx *cx,
                          uint64_t records)
{
    char err[TCPL_PCAP_ERR];
    tcpl_tracker_opts to;
    tcpl_tracker *tr;
    tcpl_pcap_in *in;
    tcpl_pcap_packet p;
    tcpl_wire_tcp w;
    tcpl_feed_stats st;
    int rc = 0, lt;

    in = open_pass(a, false, &st, &lt, err, sizeof err);
    if (!in)
        return 1;
    tcpl_tracker_opts_init(&to);
    to.cfg = a->cfg;
    /* The plugin keeps every lifecycle of a file; so do we, up to the
     * last frame of its 4-tuple (pass 0), so that the engine sees exactly
     * the same sequence of segments. */
    to.linger_ns = 0;
    to.emit = collect_end_notes;
    to.user = cx;
    tr = tcpl_tracker_new(&to);
    if (!tr)
        snprintf(err, sizeof err, "%s: out of memory", a->in);
    while (tr && (rc = tcpl_pcap_next(in, &p, err, sizeof err)) > 0) {
        int tracked = tcpl_feed(tr, lt, &p, &w, NULL, &st);

        if (tracked < 0) {
            snprintf(err, sizeof err, "%s:frame %" PRIu64 ": out of memory",
                     a->in, p.frame);
            break;
        }
        if (tracked && last_of_tuple(cx, p.frame))
            retire(cx, tr, &w);
    }
    if (tr && !err[0] && tcpl_tracker_finish_at(tr, cx->end_ns) != 0)
        snprintf(err, sizeof err, "%s: out of memory", a->in);
    if (!err[0] && cx->oom)
        snprintf(err, sizeof err, "%s: out of memory", a->in);
    if (!err[0] && st.records != records)
        snprintf(err, sizeof err, "%s: the file changed while it was read "
                 "(%" PRIu64 " packets, then %" PRIu64 ")", a->in, records,
                 st.records);
    tcpl_tracker_free(tr);
    tcpl_pcap_close(in);
    tcpl_feed_end(&st);
    if (err[0]) {
        fprintf(stderr, PROG ": %s\n", err);
        return 1;
    }
    tcpl_feed_note(a->in, &st);
    if (cx->nnotes > 1)
        qsort(cx->notes, cx->nnotes, sizeof *cx->notes, by_frame);
    return 0;
}

/* Pass 2: write OUT (and the labels).  Returns 0, or 1 with the message
 * printed and no output left behind. */
static int annotate_pass2(const annotate_args *a, annotate_ctx *cx,
                          uint64_t records)
{
    char err[TCPL_PCAP_ERR];
    char cmbuf[4096], csvbuf[4096];
    tcpl_outfile out = {.slot = -1}, lab = {.slot = -1};
    tcpl_pcapng_text *texts = NULL;
    size_t texts_cap = 0, note = 0;
    tcpl_tracker_opts to;
    tcpl_tracker *tr = NULL;
    tcpl_pcap_in *in;
    tcpl_pcap_packet p;
    tcpl_packet_info pi;
    tcpl_wire_tcp w;
    tcpl_feed_stats st;
    int rc = 0, lt;
    bool labels_done = false;

    in = open_pass(a, true, &st, &lt, err, sizeof err);
    if (!in)
        return 1;
    if (tcpl_outfile_open(&out, a->out, err, sizeof err) != 0)
        goto done;
    if (a->labels && tcpl_outfile_open(&lab, a->labels, err, sizeof err) != 0)
        goto done;
    if (tcpl_pcapng_write_header(out.f, lt, tcpl_pcap_snaplen(in),
                                 PROG " annotate " TCPL_VERSION) != 0) {
        snprintf(err, sizeof err, "%s: write failed: %s", a->out,
                 strerror(errno));
        goto done;
    }
    if (lab.f)
        fputs("frame,stream,src,dst,src_state,dst_state,transition,anomalies,"
              "end_anomalies\n", lab.f);
    tcpl_tracker_opts_init(&to);
    to.cfg = a->cfg;
    to.linger_ns = 0;
    to.emit = remember_predecessor;
    to.user = cx;
    tr = tcpl_tracker_new(&to);
    if (!tr) {
        snprintf(err, sizeof err, "%s: out of memory", a->in);
        goto done;
    }

    while ((rc = tcpl_pcap_next(in, &p, err, sizeof err)) > 0) {
        sbuf cm = {cmbuf, sizeof cmbuf, 0}, csv = {csvbuf, sizeof csvbuf, 0};
        size_t n = 0, first_note;
        int tracked;

        cx->have_prev = false;
        tracked = tcpl_feed(tr, lt, &p, &w, &pi, &st);
        if (tracked < 0) {
            snprintf(err, sizeof err, "%s:frame %" PRIu64 ": out of memory",
                     a->in, p.frame);
            break;
        }
        while (note < cx->nnotes && cx->notes[note].frame < p.frame)
            note++;
        first_note = note;
        while (note < cx->nnotes && cx->notes[note].frame == p.frame)
            note++;

        if (p.ncomments + 1 > texts_cap) {
            size_t nc = p.ncomments + 8;
            void *q = realloc(texts, nc * sizeof *texts);
            if (!q) {
                snprintf(err, sizeof err, "%s: out of memory", a->in);
                break;
            }
            texts = q;
            texts_cap = nc;
        }
        for (; n < p.ncomments; n++) {
            texts[n].text = p.comments[n].text;
            texts[n].len = p.comments[n].len;
        }
        if (tracked) {
            /* no notes at all: notes is NULL, and NULL + 0 is undefined */
            draw_packet(cx, &pi, cx->notes ? cx->notes + first_note : NULL,
                        note - first_note, &cm, lab.f ? &csv : NULL);
            texts[n].text = cm.b;
            texts[n].len = cm.len;
            n++;
        }
        if (p.ts_ns < 0) {
            snprintf(err, sizeof err, "%s:frame %" PRIu64 ": a time before "
                     "1970 cannot be written to pcapng", a->in, p.frame);
            break;
        }
        if (tcpl_pcapng_write_packet(out.f, p.ts_ns, p.caplen, p.len, p.data,
                                     texts, n) != 0) {
            snprintf(err, sizeof err, "%s: write failed: %s", a->out,
                     strerror(errno));
            break;
        }
        if (lab.f) {
            if (tracked) {
                const tcpl_lifecycle *lc = pi.lc;
                char src[64], dst[64];
                endpoint_text(src, sizeof src, w.family, w.src, w.sport);
                endpoint_text(dst, sizeof dst, w.family, w.dst, w.dport);
                fprintf(lab.f, "%" PRIu64 ",%" PRId64 ",%s,%s,%s,%s,%s\n",
                        p.frame, lc->stream, src, dst,
                        tcpl_state_name(pi.r.state[pi.from]),
                        tcpl_state_name(pi.r.state[!pi.from]), csv.b);
            } else {
                fprintf(lab.f, "%" PRIu64 ",,,,,,,,\n", p.frame);
            }
        }
        /* Last: pi points into the lifecycle. */
        if (tracked && last_of_tuple(cx, p.frame))
            retire(cx, tr, &w);
    }
    if (!err[0] && st.records != records)
        snprintf(err, sizeof err, "%s: the file changed while it was read "
                 "(%" PRIu64 " packets, then %" PRIu64 ")", a->in, records,
                 st.records);
done:
    tcpl_tracker_free(tr);
    tcpl_pcap_close(in);
    tcpl_feed_end(&st);
    free(texts);
    /* OUT last, so that a failure before it leaves no OUT at all; a
     * failed OUT takes the labels written for it away again. */
    if (!err[0] && lab.f && tcpl_outfile_commit(&lab, err, sizeof err) == 0)
        labels_done = true;
    if (!err[0] && tcpl_outfile_commit(&out, err, sizeof err) != 0 &&
        labels_done)
        unlink(a->labels);
    if (err[0]) {
        tcpl_outfile_abort(&out);
        tcpl_outfile_abort(&lab);
        fprintf(stderr, PROG ": %s\n", err);
        return 1;
    }
    return 0;
}

int tcpl_cmd_annotate(int argc, char **argv)
{
    annotate_args a;
    annotate_ctx cx;
    uint64_t records = 0;
    int rc;

    memset(&a, 0, sizeof a);
    tcpl_config_init(&a.cfg);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        static const char *const secs[] = {"--syn-timeout",
                                           "--close-wait-stall",
                                           "--zero-window-stall"};
        int64_t *dst[] = {&a.cfg.syn_timeout_ns, &a.cfg.close_wait_stall_ns,
                          &a.cfg.zero_window_stall_ns};
        size_t k;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
            return fputs(annotate_usage, stdout) == EOF;
        if (strcmp(arg, "--labels") == 0 || strncmp(arg, "--labels=", 9) == 0) {
            const char *v = arg[8] == '=' ? arg + 9 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v || !*v)
                return annotate_usage_error("%s needs a file name", "--labels");
            a.labels = v;
            continue;
        }
        for (k = 0; k < 3; k++) {
            size_t n = strlen(secs[k]);
            if (strncmp(arg, secs[k], n) == 0 &&
                (arg[n] == '\0' || arg[n] == '=')) {
                const char *v = arg[n] == '=' ? arg + n + 1
                                : (i + 1 < argc ? argv[++i] : NULL);
                if (!v || !tcpl_parse_seconds(v, dst[k]))
                    return annotate_usage_error(
                        "%s needs seconds in 0..86400 (at most 9 decimals)",
                        secs[k]);
                break;
            }
        }
        if (k < 3)
            continue;
        if (strcmp(arg, "--check-checksums") == 0) {
            a.check_checksums = true;
            continue;
        }
        if (arg[0] == '-' && arg[1] != '\0')
            return annotate_usage_error("unknown option '%s'", arg);
        if (!a.in)
            a.in = arg;
        else if (!a.out)
            a.out = arg;
        else
            return annotate_usage_error("unexpected argument '%s'", arg);
    }
    if (!a.in || !a.out)
        return annotate_usage_error("%s", "needs IN and OUT.pcapng");
    if (strcmp(a.in, "-") == 0)
        return annotate_usage_error("%s", "IN must be a file (it is read three times)");
    if (strcmp(a.out, "-") == 0 || (a.labels && strcmp(a.labels, "-") == 0))
        return annotate_usage_error("%s", "OUT and LABELS must be files");
    if (a.labels && strcmp(a.labels, a.out) == 0)
        return annotate_usage_error("%s", "LABELS and OUT must differ");

    memset(&cx, 0, sizeof cx);
    cx.in_path = a.in;
    rc = annotate_pass0(&a, &cx, &records);
    if (rc == 0)
        rc = annotate_pass1(&a, &cx, records);
    if (rc == 0)
        rc = annotate_pass2(&a, &cx, records);
    for (size_t i = 0; i < cx.nnotes; i++)
        free(cx.notes[i].text);
    free(cx.notes);
    free(cx.last_bits);
    return rc;
}
