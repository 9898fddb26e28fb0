/*
 * picture.c - the timeline and ladder of one lifecycle as SVG, and the
 * tables (palette, patterns, sizes) the HTML page's script draws with.
 * The rules are written down in picture.h; report_html.js repeats the
 * geometry, never the constants.
 */
#include "picture.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

static const double dims[TCPL_PIC_DIM_COUNT] = {
#define TCPL_PIC_DIM_VALUE(name, v) v,
    TCPL_PIC_DIMS(TCPL_PIC_DIM_VALUE)
#undef TCPL_PIC_DIM_VALUE
};

static const char *const dim_names[TCPL_PIC_DIM_COUNT] = {
#define TCPL_PIC_DIM_NAME(name, v) #name,
    TCPL_PIC_DIMS(TCPL_PIC_DIM_NAME)
#undef TCPL_PIC_DIM_NAME
};

double tcpl_pic_dim(int dim)
{
    return (unsigned)dim < TCPL_PIC_DIM_COUNT ? dims[dim] : 0;
}

/* Light fills so that black text reads on every one; the hatching tells
 * states apart on paper.  The handshake is blue, the open connection
 * green, the active closer's states orange to violet, the passive
 * closer's (where stalls live) red to pink. */
#define DIAG "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4"
#define BACK "M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4"
const tcpl_pic_state_style tcpl_pic_states[TCPL_STATE_COUNT] = {
    [TCPL_UNKNOWN] = {"#e0e0e0", "M1,1h1 M5,5h1"},
    [TCPL_CLOSED] = {"#ffffff", NULL},
    [TCPL_SYN_SENT] = {"#a6cee3", DIAG},
    [TCPL_SYN_RECEIVED] = {"#9ecae1", BACK},
    [TCPL_ESTABLISHED] = {"#b8e186", NULL},
    [TCPL_FIN_WAIT_1] = {"#fdc086", DIAG},
    [TCPL_FIN_WAIT_2] = {"#fee391", "M0,4h8"},
    [TCPL_CLOSING] = {"#d4b9da", DIAG " " BACK},
    [TCPL_TIME_WAIT] = {"#cbc9e2", "M4,0v8"},
    [TCPL_CLOSE_WAIT] = {"#fb9a99", BACK},
    [TCPL_LAST_ACK] = {"#fcc5c0", "M0,4h8 M4,0v8"},
};

#define ALERT "#c62828" /* anomaly marks */

/* A white halo keeps text legible over hatching, on screen and on paper. */
const char tcpl_pic_css[] =
    ".halo{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}";

void tcpl_sb_printf(tcpl_sbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        sb_mem(b, small, (size_t)n);
        return;
    }
    if (!tcpl_sb_room(b, (size_t)n + 1))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void tcpl_sb_xml(tcpl_sbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': sb_puts(b, "&amp;"); break;
        case '<': sb_puts(b, "&lt;"); break;
        case '>': sb_puts(b, "&gt;"); break;
        case '"': sb_puts(b, "&quot;"); break;
        default:
            /* Control characters are not allowed in XML 1.0 at all. */
            sb_putc(b, (unsigned char)*s < 0x20 ? ' ' : *s);
        }
    }
}

int64_t tcpl_pic_us(int64_t ns)
{
    /* Rounded half away from zero, so that the page (which gets these
     * integers) and the SVG writer start from the same numbers. */
    return ns >= 0 ? (ns + 500) / 1000 : -((-ns + 500) / 1000);
}

/* %.3g without an exponent below 1000. */
static void g3(char *buf, size_t n, double v)
{
    if (v >= 999.5)
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%.3g", v);
}

char *tcpl_pic_fmt_us(char *buf, size_t n, double us)
{
    char num[32];
    double a = fabs(us);
    const char *unit;
    if (a == 0) {
        snprintf(buf, n, "0");
        return buf;
    }
    if (a < 1) {
        g3(num, sizeof num, a * 1e3);
        unit = "ns";
    } else if (a < 999.5) {
        g3(num, sizeof num, a);
        unit = "\xc2\xb5s";
    } else if (a < 999.5e3) {
        g3(num, sizeof num, a / 1e3);
        unit = "ms";
    } else {
        g3(num, sizeof num, a / 1e6);
        unit = "s";
    }
    snprintf(buf, n, "%s%s %s", us < 0 ? "-" : "", num, unit);
    return buf;
}

/* ------------------------------------------------------------ the tables */

void tcpl_pic_defs(tcpl_sbuf *b)
{
    sb_puts(b, "<defs>");
    for (int s = 0; s < TCPL_STATE_COUNT; s++) {
        const tcpl_pic_state_style *st = &tcpl_pic_states[s];
        tcpl_sb_printf(b,
                       "<pattern id=\"tcpl-s-%s\" width=\"8\" height=\"8\" "
                       "patternUnits=\"userSpaceOnUse\"><rect width=\"8\" "
                       "height=\"8\" fill=\"%s\"/>",
                       tcpl_state_name((tcpl_state)s), st->fill);
        if (st->hatch)
            tcpl_sb_printf(b, "<path d=\"%s\" stroke=\"#333\" stroke-width=\"0.8\"/>",
                           st->hatch);
        sb_puts(b, "</pattern>");
    }
    sb_puts(b, "<marker id=\"tcpl-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" "
               "refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
               "orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"#222\"/>"
               "</marker></defs>");
}

static void json_esc(tcpl_sbuf *b, const char *s)
{
    sb_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            sb_putc(b, '\\');
        if ((unsigned char)*s >= 0x20)
            sb_putc(b, *s);
    }
    sb_putc(b, '"');
}

void tcpl_pic_constants_json(tcpl_sbuf *b)
{
    sb_puts(b, "{\"dims\":{");
    for (int d = 0; d < TCPL_PIC_DIM_COUNT; d++)
        tcpl_sb_printf(b, "%s\"%s\":%g", d ? "," : "", dim_names[d], dims[d]);
    sb_puts(b, "},\"states\":[");
    for (int s = 0; s < TCPL_STATE_COUNT; s++) {
        sb_puts(b, s ? "," : "");
        json_esc(b, tcpl_state_name((tcpl_state)s));
    }
    sb_puts(b, "],\"fills\":[");
    for (int s = 0; s < TCPL_STATE_COUNT; s++) {
        sb_puts(b, s ? "," : "");
        json_esc(b, tcpl_pic_states[s].fill);
    }
    sb_puts(b, "],\"anomalies\":[");
    for (int a = 0; a < TCPL_ANOMALY_COUNT; a++) {
        sb_puts(b, a ? "," : "");
        json_esc(b, tcpl_anomaly_name((tcpl_anomaly)a));
    }
    sb_puts(b, "],\"capture_note\":[");
    for (int a = 0; a < TCPL_ANOMALY_COUNT; a++)
        tcpl_sb_printf(b, "%s%d", a ? "," : "",
                       tcpl_anomaly_kind((tcpl_anomaly)a) == TCPL_KIND_CAPTURE);
    sb_puts(b, "],\"closes\":[");
    for (int k = 0; k < TCPL_CLOSE_COUNT; k++) {
        sb_puts(b, k ? "," : "");
        json_esc(b, tcpl_close_name((tcpl_close)k));
    }
    sb_puts(b, "],\"closers\":[");
    for (int k = 0; k < TCPL_CLOSER_KINDS; k++) {
        sb_puts(b, k ? "," : "");
        json_esc(b, tcpl_closer_names[k]);
    }
    tcpl_sb_printf(b, "],\"alert\":\"%s\",\"css\":", ALERT);
    json_esc(b, tcpl_pic_css);
    sb_putc(b, '}');
}

/* An anomaly mark: filled for the connection's, hollow for the capture's. */
static void mark(tcpl_sbuf *b, double x, double y, bool capture)
{
    double m = PIC(MARK);
    tcpl_sb_printf(b,
                   "<path class=\"mark\" d=\"M%.1f,%.1fl%g,%gl%g,%gl%g,%gz\" "
                   "fill=\"%s\" stroke=\"#222\"/>",
                   x, y - m, m, m, -m, m, -m, -m, capture ? "#fff" : ALERT);
}

void tcpl_pic_legend(tcpl_sbuf *b)
{
    double w = PIC(WIDTH), cw = PIC(CHAR_W);
    tcpl_sb_printf(b, "<svg class=\"legend\" width=\"%g\" height=\"%g\" "
                      "font-size=\"%g\">",
                   w, PIC(LEGEND_H), PIC(FONT));
    double x = 8, y = 6;
    for (int s = 0; s < TCPL_STATE_COUNT; s++) {
        const char *name = tcpl_state_name((tcpl_state)s);
        double item = 18 + cw * (double)strlen(name) + 14;
        if (x + item > w) {
            x = 8;
            y += 20;
        }
        tcpl_sb_printf(b,
                       "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"12\" "
                       "fill=\"url(#tcpl-s-%s)\" stroke=\"#333\" stroke-width=\"0.6\"/>"
                       "<text x=\"%.1f\" y=\"%.1f\">%s</text>",
                       x, y, name, x + 18, y + 10, name);
        x += item;
    }
    static const char *const keys[] = {"anomaly", "capture note",
                                       "stall: how long it lasted",
                                       "inferred (from ACK/sequence numbers)",
                                       "receive window 0"};
    y += 20;
    x = 8;
    for (int k = 0; k < 5; k++) {
        double cy = y + 6;
        if (k < 2)
            mark(b, x + 6, cy, k == 1);
        else if (k == 2)
            tcpl_sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                              "stroke=\"%s\" stroke-width=\"2\"/>",
                           x, cy, x + 14, cy, ALERT);
        else if (k == 3)
            tcpl_sb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"12\" "
                              "fill=\"#fff\" stroke=\"#333\" stroke-dasharray=\"3,2\"/>",
                           x, y);
        else
            tcpl_sb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"%g\" "
                              "fill=\"#222\"/>",
                           x, y + 12 - PIC(ZW_H), PIC(ZW_H));
        tcpl_sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", x + 18, y + 10,
                       keys[k]);
        x += 18 + cw * (double)strlen(keys[k]) + 18;
    }
    sb_puts(b, "</svg>");
}

/* ------------------------------------------------------------ the axis */

#define MAXB (3 * TCPL_TL_MAX + 2)

typedef struct axis {
    size_t n;
    double b[MAXB];   /* boundaries, microseconds, ascending, distinct */
    double cum[MAXB]; /* drawn length up to each boundary */
    bool log;
} axis;

static double us_at(const tcpl_lifecycle *lc, int64_t ts)
{
    return (double)tcpl_pic_us(ts - lc->conn.first_ns);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, c = *(const double *)y;
    return (a > c) - (a < c);
}

static void axis_build(axis *a, const tcpl_lifecycle *lc)
{
    size_t n = 0;
    a->b[n++] = 0;
    a->b[n++] = us_at(lc, lc->end_ns);
    for (size_t i = 0; i < lc->ntimeline && n < MAXB; i++)
        a->b[n++] = us_at(lc, lc->timeline[i].ts_ns);
    for (size_t i = 0; i < lc->nevents && n < MAXB; i++)
        a->b[n++] = us_at(lc, lc->events[i].ts_ns);
    for (size_t i = 0; i < lc->nsegments && n < MAXB; i++)
        if (lc->segments[i].window)
            a->b[n++] = us_at(lc, lc->segments[i].ts_ns);
    qsort(a->b, n, sizeof a->b[0], cmp_double);
    size_t m = 1;
    for (size_t i = 1; i < n; i++)
        if (a->b[i] != a->b[m - 1])
            a->b[m++] = a->b[i];
    if (m == 1) /* a single instant: give it one microsecond */
        a->b[m++] = a->b[0] + 1;
    a->n = m;
    double span = a->b[m - 1] - a->b[0], shortest = span;
    for (size_t i = 1; i < m; i++)
        if (a->b[i] - a->b[i - 1] < shortest)
            shortest = a->b[i] - a->b[i - 1];
    a->log = span > PIC(LOG_RATIO) * shortest;
    a->cum[0] = 0;
    for (size_t i = 1; i < m; i++) {
        double g = a->b[i] - a->b[i - 1];
        a->cum[i] = a->cum[i - 1] + (a->log ? log10(1 + g / PIC(TAU_US)) : g);
    }
}

static double axis_x(const axis *a, double t)
{
    double x0 = PIC(TL_X0), x1 = PIC(TL_X1);
    size_t n = a->n;
    if (t <= a->b[0])
        return x0;
    if (t >= a->b[n - 1])
        return x1;
    size_t lo = 0, hi = n - 1; /* b[lo] <= t < b[hi] */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (a->b[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    double f = (t - a->b[lo]) / (a->b[hi] - a->b[lo]);
    double c = a->cum[lo] + f * (a->cum[hi] - a->cum[lo]);
    return x0 + (x1 - x0) * c / a->cum[n - 1];
}

static void axis_draw(tcpl_sbuf *b, const axis *a, double ay)
{
    double x0 = PIC(TL_X0), x1 = PIC(TL_X1);
    char lab[40];
    tcpl_sb_printf(b, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#333\"/>",
                   x0, ay, x1, ay);
    double last = -1e9;
    if (a->log) {
        for (size_t i = 0; i < a->n; i++) {
            double x = axis_x(a, a->b[i]);
            tcpl_sb_printf(b, "<line class=\"tick\" x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" "
                              "y2=\"%g\" stroke=\"#333\"/>",
                           x, ay, x, ay + 4);
            if (x - last >= PIC(TICK_GAP)) {
                tcpl_sb_printf(b, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%s</text>",
                               x, ay + 15, tcpl_pic_fmt_us(lab, sizeof lab, a->b[i]));
                last = x;
            }
        }
        return;
    }
    double lo = a->b[0], hi = a->b[a->n - 1];
    double raw = (hi - lo) / 6, p = pow(10, floor(log10(raw))), m = raw / p;
    double step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
    for (double k = ceil(lo / step); k * step <= hi; k++) {
        double x = axis_x(a, k * step);
        tcpl_sb_printf(b, "<line class=\"tick\" x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" "
                          "y2=\"%g\" stroke=\"#333\"/><text x=\"%.1f\" y=\"%g\" "
                          "text-anchor=\"middle\">%s</text>",
                       x, ay, x, ay + 4, x, ay + 15,
                       tcpl_pic_fmt_us(lab, sizeof lab, k * step));
    }
}

/* ------------------------------------------------------------ timeline */

/* Lane 0 is the client's (endpoint A's while no role is known). */
static int lane_of(const tcpl_lifecycle *lc, int endpoint)
{
    return endpoint == tcpl_client_of(&lc->conn) ? 0 : 1;
}

static double lane_y(int lane)
{
    return PIC(TL_TOP) + lane * (PIC(LANE_H) + PIC(LANE_GAP));
}

static void where(char *buf, size_t n, uint64_t frame, double us)
{
    char t[40];
    if (frame)
        snprintf(buf, n, "frame %llu (+%s)", (unsigned long long)frame,
                 tcpl_pic_fmt_us(t, sizeof t, us));
    else
        snprintf(buf, n, "the end of the capture (+%s)",
                 tcpl_pic_fmt_us(t, sizeof t, us));
}

static void bar(tcpl_sbuf *b, const tcpl_lifecycle *lc, const axis *a, size_t i)
{
    const tcpl_tl_entry *te = &lc->timeline[i];
    double t0 = us_at(lc, te->ts_ns), t1 = us_at(lc, lc->end_ns);
    for (size_t j = i + 1; j < lc->ntimeline; j++)
        if (lc->timeline[j].endpoint == te->endpoint) {
            t1 = us_at(lc, lc->timeline[j].ts_ns);
            break;
        }
    int lane = lane_of(lc, te->endpoint);
    double x0 = axis_x(a, t0), x1 = axis_x(a, t1), y = lane_y(lane);
    double w = x1 - x0 < PIC(MIN_BAR) ? PIC(MIN_BAR) : x1 - x0;
    const char *name = tcpl_state_name(te->state);
    char at[80], dur[40];
    where(at, sizeof at, te->frame, t0);
    tcpl_pic_fmt_us(dur, sizeof dur, t1 - t0);
    tcpl_sb_printf(b,
                   "<g class=\"bar\" data-state=\"%s\" data-lane=\"%d\"><rect "
                   "x=\"%.1f\" y=\"%g\" width=\"%.1f\" height=\"%g\" "
                   "fill=\"url(#tcpl-s-%s)\" stroke=\"#333\" stroke-width=\"0.6\"%s>"
                   "<title>%s %s from %s for %s%s</title></rect>",
                   name, lane, x0, y, w, PIC(LANE_H), name,
                   te->inferred ? " stroke-dasharray=\"3,2\"" : "",
                   tcpl_role_name(&lc->conn, te->endpoint), name, at, dur,
                   te->inferred ? ", inferred from the ACK and sequence numbers "
                                  "of other segments"
                                : "");
    char label[80];
    snprintf(label, sizeof label, "%s %s", name, dur);
    double cw = PIC(CHAR_W);
    if ((double)strlen(label) * cw + 8 > w)
        snprintf(label, sizeof label, "%s", name);
    if ((double)strlen(label) * cw + 8 <= w)
        tcpl_sb_printf(b, "<text class=\"halo\" x=\"%.1f\" y=\"%g\">%s</text>",
                       x0 + 4, y + PIC(LANE_H) / 2 + 4, label);
    sb_puts(b, "</g>");
}

/* A receive window held at 0, from the segment that closed it to the one
 * that reopened it (or the end), as a dark strip along its sender's lane. */
static void zero_band(tcpl_sbuf *b, const tcpl_lifecycle *lc, const axis *a,
                      const tcpl_tl_segment *from, double t1)
{
    int lane = lane_of(lc, from->from);
    double t0 = us_at(lc, from->ts_ns), x0 = axis_x(a, t0), x1 = axis_x(a, t1);
    char at[80], dur[40];
    where(at, sizeof at, from->frame, t0);
    tcpl_sb_printf(b,
                   "<rect class=\"zw\" x=\"%.1f\" y=\"%g\" width=\"%.1f\" "
                   "height=\"%g\" fill=\"#222\"><title>%s advertised a zero receive "
                   "window from %s for %s</title></rect>",
                   x0, lane_y(lane) + PIC(LANE_H) - PIC(ZW_H),
                   x1 - x0 < PIC(MIN_BAR) ? PIC(MIN_BAR) : x1 - x0, PIC(ZW_H),
                   tcpl_role_name(&lc->conn, from->from), at,
                   tcpl_pic_fmt_us(dur, sizeof dur, t1 - t0));
}

void tcpl_pic_timeline(tcpl_sbuf *b, const tcpl_lifecycle *lc, double y)
{
    axis *a = malloc(sizeof *a);
    if (!a) {
        b->oom = true;
        return;
    }
    axis_build(a, lc);
    tcpl_sb_printf(b, "<svg class=\"timeline\" y=\"%g\" width=\"%g\" height=\"%g\" "
                      "font-size=\"%g\">",
                   y, PIC(WIDTH), PIC(TL_HEIGHT), PIC(FONT));
    sb_puts(b, "<text x=\"8\" y=\"14\" font-weight=\"bold\">Timeline</text>");
    for (int lane = 0; lane < 2; lane++) {
        int ep = lane == 0 ? tcpl_client_of(&lc->conn) : !tcpl_client_of(&lc->conn);
        tcpl_sb_printf(b,
                       "<text x=\"8\" y=\"%g\">%s</text><rect class=\"lane\" "
                       "x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" "
                       "stroke=\"#bbb\"/>",
                       lane_y(lane) + PIC(LANE_H) / 2 + 4,
                       tcpl_role_name(&lc->conn, ep), PIC(TL_X0), lane_y(lane),
                       PIC(TL_X1) - PIC(TL_X0), PIC(LANE_H));
    }
    for (size_t i = 0; i < lc->ntimeline; i++)
        bar(b, lc, a, i);
    const tcpl_tl_segment *closed[2] = {NULL, NULL}; /* per sender */
    for (size_t i = 0; i < lc->nsegments; i++) {
        const tcpl_tl_segment *s = &lc->segments[i];
        if (s->window == TCPL_SEG_WINDOW_ZERO && !closed[s->from & 1])
            closed[s->from & 1] = s;
        if (s->window == TCPL_SEG_WINDOW_OPEN && closed[s->from & 1]) {
            zero_band(b, lc, a, closed[s->from & 1], us_at(lc, s->ts_ns));
            closed[s->from & 1] = NULL;
        }
    }
    for (int e = 0; e < 2; e++)
        if (closed[e])
            zero_band(b, lc, a, closed[e], us_at(lc, lc->end_ns));
    for (size_t i = 0; i < lc->nevents; i++) {
        const tcpl_tl_event *ev = &lc->events[i];
        int lane = lane_of(lc, ev->ev.endpoint);
        bool note = tcpl_anomaly_kind(ev->ev.anomaly) == TCPL_KIND_CAPTURE;
        double t = us_at(lc, ev->ts_ns), x = axis_x(a, t), y0 = lane_y(lane);
        char text[512], at[80];
        tcpl_describe(&lc->conn, &ev->ev, text, sizeof text);
        where(at, sizeof at, ev->frame, t);
        tcpl_sb_printf(b, "<g class=\"anomaly\" data-anomaly=\"%s\">",
                       tcpl_anomaly_name(ev->ev.anomaly));
        if (ev->ev.duration_ns > 0 && !note) {
            double ys = y0 + PIC(LANE_H) + 3;
            tcpl_sb_printf(b, "<line class=\"stall\" x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" "
                              "y2=\"%g\" stroke=\"%s\" stroke-width=\"2\"/>",
                           axis_x(a, t - (double)tcpl_pic_us(ev->ev.duration_ns)), ys,
                           x, ys, ALERT);
        }
        mark(b, x, y0, note);
        tcpl_sb_printf(b, "<title>%s at %s: ", tcpl_anomaly_name(ev->ev.anomaly), at);
        tcpl_sb_xml(b, text);
        sb_puts(b, "</title></g>");
    }
    double ay = lane_y(1) + PIC(LANE_H) + PIC(AXIS_GAP);
    axis_draw(b, a, ay);
    tcpl_sb_printf(b, "<text class=\"scale\" x=\"%g\" y=\"%g\" fill=\"#444\">%s</text>",
                   PIC(TL_X0), ay + 32,
                   a->log ? "log-stretch time axis: each stretch between two events "
                            "is drawn by the logarithm of its length; ticks and bars "
                            "give real times"
                          : "linear time axis: time since the first packet");
    sb_puts(b, "</svg>");
    free(a);
}

/* ------------------------------------------------------------ ladder */

/* The row a frame's states and anomalies are written on: its segment's,
 * else the last row (the end of the capture). */
static size_t row_of(const tcpl_lifecycle *lc, uint64_t frame)
{
    for (size_t r = 0; frame && r < lc->nsegments; r++)
        if (lc->segments[r].frame == frame)
            return r;
    return lc->nsegments;
}

/* Rows: one per segment, and one for the end when anything lands there. */
static size_t ladder_rows(const tcpl_lifecycle *lc)
{
    for (size_t i = 0; i < lc->ntimeline; i++)
        if (row_of(lc, lc->timeline[i].frame) == lc->nsegments)
            return lc->nsegments + 1;
    for (size_t i = 0; i < lc->nevents; i++)
        if (row_of(lc, lc->events[i].frame) == lc->nsegments)
            return lc->nsegments + 1;
    return lc->nsegments;
}

double tcpl_pic_ladder_height(const tcpl_lifecycle *lc)
{
    return PIC(LD_TOP) + (double)ladder_rows(lc) * PIC(LD_ROW) + PIC(LD_SLANT) +
           PIC(LD_BOTTOM);
}

static double lane_x(int lane)
{
    return lane == 0 ? PIC(LD_CX) : PIC(LD_SX);
}

/* "SYN, ACK + 1448 B, window 0" */
static void seg_label(char *buf, size_t n, const tcpl_tl_segment *s)
{
    static const struct {
        uint8_t bit;
        const char *name;
    } order[] = {{TCPL_SYN, "SYN"}, {TCPL_FIN, "FIN"}, {TCPL_RST, "RST"}, {TCPL_ACK, "ACK"}};
    size_t len = 0;
    buf[0] = '\0';
    if (s->icmp) { /* the quoted segment's flags are not this packet's */
        snprintf(buf, n, "ICMP%s error", s->icmp == 6 ? "v6" : "");
        return;
    }
    for (size_t k = 0; k < 4 && len < n; k++)
        if (s->flags & order[k].bit)
            len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? ", " : "",
                                    order[k].name);
    if (len == 0 && len < n)
        len += (size_t)snprintf(buf, n, "(no flags)");
    if (s->len && len < n)
        len += (size_t)snprintf(buf + len, n - len, " + %lu B", (unsigned long)s->len);
    if (s->window && len < n)
        snprintf(buf + len, n - len, ", %s",
                 s->window == TCPL_SEG_WINDOW_ZERO ? "window 0" : "window opens");
}

void tcpl_pic_ladder(tcpl_sbuf *b, const tcpl_lifecycle *lc, double y)
{
    size_t rows = ladder_rows(lc);
    double h = tcpl_pic_ladder_height(lc), top = PIC(LD_TOP), row = PIC(LD_ROW);
    double slant = PIC(LD_SLANT), cx = PIC(LD_CX), sx = PIC(LD_SX);
    int ci = tcpl_client_of(&lc->conn);
    char t[40];
    tcpl_sb_printf(b, "<svg class=\"ladder\" y=\"%g\" width=\"%g\" height=\"%.0f\" "
                      "font-size=\"%g\">",
                   y, PIC(WIDTH), h, PIC(FONT));
    sb_puts(b, "<text x=\"8\" y=\"14\" font-weight=\"bold\">Ladder</text>");
    tcpl_sb_printf(b, "<text x=\"%g\" y=\"32\" text-anchor=\"end\" fill=\"#444\">frame</text>"
                      "<text x=\"%g\" y=\"32\" fill=\"#444\">time</text>",
                   PIC(LD_FRAME_X), PIC(LD_TIME_X));
    for (int lane = 0; lane < 2; lane++) {
        int ep = lane == 0 ? ci : !ci;
        char ep_s[80];
        tcpl_sb_printf(b,
                       "<text x=\"%g\" y=\"16\" text-anchor=\"middle\" "
                       "font-weight=\"bold\">%s</text><text x=\"%g\" y=\"30\" "
                       "text-anchor=\"middle\">%s</text><line class=\"lane\" "
                       "x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%.0f\" stroke=\"#444\" "
                       "stroke-width=\"2\"/>",
                       lane_x(lane), tcpl_role_name(&lc->conn, ep), lane_x(lane),
                       tcpl_fmt_endpoint(ep_s, sizeof ep_s, &lc->tuple, ep),
                       lane_x(lane), top - 6, lane_x(lane), h - 6);
    }
    for (size_t r = 0; r < lc->nsegments; r++) {
        const tcpl_tl_segment *s = &lc->segments[r];
        double ry = top + (double)r * row;
        /* An ICMP error travels toward the sender of what it quotes. */
        int src = lane_of(lc, s->from) ^ (s->icmp ? 1 : 0);
        double x1 = lane_x(src), x2 = lane_x(!src);
        char label[80];
        seg_label(label, sizeof label, s);
        tcpl_sb_printf(b,
                       "<g class=\"arrow\" data-frame=\"%llu\"><line x1=\"%g\" "
                       "y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#222\" "
                       "stroke-width=\"1.3\" marker-end=\"url(#tcpl-arrow)\"/>"
                       "<text class=\"halo\" x=\"%g\" y=\"%.1f\" "
                       "text-anchor=\"middle\">%s</text>"
                       "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%llu</text>"
                       "<text x=\"%g\" y=\"%.1f\" fill=\"#444\">%s</text></g>",
                       (unsigned long long)s->frame, x1, ry, x2, ry + slant,
                       (x1 + x2) / 2, ry + slant / 2 - 3, label, PIC(LD_FRAME_X),
                       ry + slant / 2 + 4, (unsigned long long)s->frame,
                       PIC(LD_TIME_X), ry + slant / 2 + 4,
                       tcpl_pic_fmt_us(t, sizeof t, us_at(lc, s->ts_ns)));
    }
    if (rows > lc->nsegments) {
        double ry = top + (double)lc->nsegments * row;
        tcpl_sb_printf(b, "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">end</text>"
                          "<text x=\"%g\" y=\"%.1f\" fill=\"#444\">%s</text>",
                       PIC(LD_FRAME_X), ry + slant / 2 + 4, PIC(LD_TIME_X),
                       ry + slant / 2 + 4,
                       tcpl_pic_fmt_us(t, sizeof t, us_at(lc, lc->end_ns)));
    }
    /* States beside their lane, stacked when several land on one spot. */
    uint8_t *stack = calloc(rows * 3 + 1, 1);
    if (!stack) {
        b->oom = true;
        sb_puts(b, "</svg>");
        return;
    }
    for (size_t i = 0; i < lc->ntimeline; i++) {
        const tcpl_tl_entry *te = &lc->timeline[i];
        size_t r = row_of(lc, te->frame);
        int lane = lane_of(lc, te->endpoint);
        bool at_end = r < lc->nsegments && lane_of(lc, lc->segments[r].from) != lane;
        double ty = top + (double)r * row + (at_end ? slant : 0) + 4 +
                    stack[r * 3 + lane] * PIC(LD_STACK);
        stack[r * 3 + lane]++;
        tcpl_sb_printf(b,
                       "<text class=\"state\" data-lane=\"%d\" x=\"%g\" y=\"%.1f\" "
                       "text-anchor=\"%s\"%s>%s%s<title>%s %s%s</title></text>",
                       lane, lane == 0 ? cx - 8 : sx + 8, ty, lane == 0 ? "end" : "start",
                       te->inferred ? " font-style=\"italic\"" : "",
                       tcpl_state_name(te->state), te->inferred ? " (inferred)" : "",
                       tcpl_role_name(&lc->conn, te->endpoint),
                       tcpl_state_name(te->state),
                       te->inferred ? ": inferred from the ACK and sequence numbers "
                                      "of other segments"
                                    : "");
    }
    for (size_t i = 0; i < lc->nevents; i++) {
        const tcpl_tl_event *ev = &lc->events[i];
        size_t r = row_of(lc, ev->frame);
        int lane = lane_of(lc, ev->ev.endpoint);
        bool note = tcpl_anomaly_kind(ev->ev.anomaly) == TCPL_KIND_CAPTURE;
        bool at_end = r < lc->nsegments && lane_of(lc, lc->segments[r].from) != lane;
        double ry = top + (double)r * row;
        char text[512];
        tcpl_describe(&lc->conn, &ev->ev, text, sizeof text);
        tcpl_sb_printf(b, "<g class=\"anomaly\" data-anomaly=\"%s\">",
                       tcpl_anomaly_name(ev->ev.anomaly));
        mark(b, lane_x(lane), ry + (at_end ? slant : 0), note);
        tcpl_sb_printf(b, "<text x=\"%g\" y=\"%.1f\" fill=\"%s\"%s>%s</text><title>",
                       PIC(LD_NOTE_X), ry + slant / 2 + 4 + stack[r * 3 + 2] * PIC(LD_STACK),
                       note ? "#444" : ALERT, note ? " font-style=\"italic\"" : "",
                       tcpl_anomaly_name(ev->ev.anomaly));
        stack[r * 3 + 2]++;
        tcpl_sb_xml(b, text);
        sb_puts(b, "</title></g>");
    }
    free(stack);
    sb_puts(b, "</svg>");
}
