/*
 * lifecycle-text.c - the words the plugin shows: anomaly phrases for the
 * Info column, Expert Information and statistics, and the one-line
 * summaries of a packet and of a lifecycle for the subtree lines.
 *
 * Phrases are looked up by the engine's filter name, so the table can lag
 * behind the engine's X-macro list without harm: an anomaly with no phrase
 * here is shown by its name, underscores turned into spaces.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tcpl-plugin.h"

/* filter name, Info-column phrase, what Expert Information adds */
static const struct {
    const char *name, *phrase, *detail;
} phrases[] = {
    {"refused", "Connection refused", "SYN answered by RST"},
    {"syn_unanswered", "SYN unanswered", "no SYN-ACK in time"},
    {"handshake_incomplete", "Handshake incomplete",
     "final ACK of the handshake never came"},
    {"half_open", "Half-open", "one endpoint lost the connection"},
    {"close_wait_stall", "CLOSE_WAIT stall",
     "the application did not close"},
    {"rst_after_fin", "RST after FIN", "abortive close after a graceful one"},
    {"zero_window", "Zero window", "receiver not reading"},
    {"zero_window_stall", "Zero-window stall", "receiver stopped reading"},
    {"reset", "Reset", "aborted by RST without a FIN"},
    {"data_after_fin", "Data after FIN", "new data after the sender's FIN"},
    {"port_reuse", "Port reuse", "new SYN before the old lifecycle ended"},
    {"simultaneous_open", "Simultaneous open", "both sides sent SYN"},
    {"simultaneous_close", "Simultaneous close", "both sides sent FIN"},
    {"midstream", "Mid-stream start", "no handshake captured"},
    {"rst_out_of_window", "Out-of-window RST", "ignored by RFC 5961 stacks"},
    {"capture_gap", "Capture gap", "the capture missed segments"},
    {"one_sided", "One-sided capture", "one direction never captured"},
    {"undecided", "Undecided end",
     "the capture ends before the answer that decides the states"},
};

/* Filled on first use from the engine's list: phrase and headline of each
 * anomaly.  Static storage, so expert registration may keep pointers. */
static char phrase_of[TCPL_ANOMALY_COUNT][48];
static char headline_of[TCPL_ANOMALY_COUNT][128];
static int text_ready;

static void text_init(void)
{
    for (int a = 0; a < TCPL_ANOMALY_COUNT; a++) {
        const char *name = tcpl_anomaly_name((tcpl_anomaly)a);
        const char *detail = NULL;
        tcpl_buf b;
        size_t i;

        for (i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
            if (strcmp(phrases[i].name, name) == 0)
                break;
        if (i < sizeof phrases / sizeof phrases[0]) {
            snprintf(phrase_of[a], sizeof phrase_of[a], "%s",
                     phrases[i].phrase);
            detail = phrases[i].detail;
        } else {
            char *p;

            snprintf(phrase_of[a], sizeof phrase_of[a], "%s", name);
            for (p = phrase_of[a]; *p; p++)
                if (*p == '_')
                    *p = ' ';
            if (phrase_of[a][0] >= 'a' && phrase_of[a][0] <= 'z')
                phrase_of[a][0] = (char)(phrase_of[a][0] - 'a' + 'A');
        }
        tcpl_buf_init(&b, headline_of[a], sizeof headline_of[a]);
        tcpl_buf_add(&b, "TCP lifecycle: ");
        tcpl_buf_add(&b, phrase_of[a]);
        if (detail) {
            tcpl_buf_add(&b, " (");
            tcpl_buf_add(&b, detail);
            tcpl_buf_add(&b, ")");
        }
    }
    text_ready = 1;
}

const char *tcpl_anomaly_phrase(tcpl_anomaly a)
{
    if ((int)a < 0 || a >= TCPL_ANOMALY_COUNT)
        return "?";
    if (!text_ready)
        text_init();
    return phrase_of[a];
}

const char *tcpl_anomaly_headline(tcpl_anomaly a)
{
    if ((int)a < 0 || a >= TCPL_ANOMALY_COUNT)
        return "TCP lifecycle: ?";
    if (!text_ready)
        text_init();
    return headline_of[a];
}

int tcpl_has_close(const tcpl_conn *c)
{
    return c->first_closer >= 0 && !(c->anomalies & TCPL_BIT(TCPL_A_REFUSED));
}

const char *tcpl_close_type(const tcpl_conn *c)
{
    if (!tcpl_has_close(c))
        return NULL;
    if (c->first_close_rst)
        return "RST";
    if (c->anomalies & TCPL_BIT(TCPL_A_RST_AFTER_FIN))
        return "FIN then RST";
    return "FIN";
}

/* ------------------------------------------------------------ the builder */

void tcpl_buf_init(tcpl_buf *b, char *s, size_t cap)
{
    b->s = s;
    b->len = 0;
    b->cap = cap;
    if (cap)
        s[0] = '\0';
}

void tcpl_buf_add(tcpl_buf *b, const char *str)
{
    size_t n = strlen(str);

    if (b->cap == 0 || b->len + 1 >= b->cap)
        return;
    if (n > b->cap - 1 - b->len)
        n = b->cap - 1 - b->len;
    memcpy(b->s + b->len, str, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void tcpl_buf_addf(tcpl_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (b->cap == 0 || b->len + 1 >= b->cap)
        return;
    va_start(ap, fmt);
    n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    b->len += (size_t)n < b->cap - b->len ? (size_t)n : b->cap - 1 - b->len;
}

void tcpl_buf_seconds(tcpl_buf *b, int64_t ns)
{
    double s = ns > 0 ? (double)ns / 1e9 : 0;

    tcpl_buf_addf(b, s >= 100 ? "%.0f" : s >= 1 ? "%.1f" : s >= 0.001 ? "%.3f" : "%.6f", s);
}

/* ------------------------------------------------------------ summaries */

/* The endpoints in reading order: client first when known. */
static void reading_order(const tcpl_conn *c, int order[2])
{
    order[0] = c->client >= 0 ? c->client : 0;
    order[1] = !order[0];
}

void tcpl_packet_summary(tcpl_buf *b, const tcpl_conn *c,
                         const uint8_t states[2],
                         const tcpl_transition *trans, int ntrans,
                         const uint8_t *anomalies, int nanomalies)
{
    int order[2];

    reading_order(c, order);
    for (int k = 0; k < 2; k++) {
        int e = order[k];
        int moved = 0;

        tcpl_buf_add(b, k ? ", " : "");
        tcpl_buf_add(b, tcpl_role_name(c, e));
        tcpl_buf_add(b, " ");
        for (int i = 0; i < ntrans; i++) {
            if (trans[i].endpoint != e)
                continue;
            if (!moved)
                tcpl_buf_add(b, tcpl_state_name(trans[i].from));
            tcpl_buf_add(b, " " TCPL_ARROW " ");
            tcpl_buf_add(b, tcpl_state_name(trans[i].to));
            if (trans[i].inferred)
                tcpl_buf_add(b, " (inferred)");
            moved = 1;
        }
        if (!moved)
            tcpl_buf_add(b, tcpl_state_name((tcpl_state)states[e]));
    }
    for (int i = 0; i < nanomalies; i++) {
        tcpl_buf_add(b, i ? ", " : "; ");
        tcpl_buf_add(b, tcpl_anomaly_name((tcpl_anomaly)anomalies[i]));
    }
}

void tcpl_stream_summary(tcpl_buf *b, const tcpl_conn *c, int64_t stream,
                         unsigned successor)
{
    const char *close = tcpl_close_type(c);
    int order[2], first = 1;

    if (stream >= 0)
        tcpl_buf_addf(b, "stream %lld", (long long)stream);
    else
        tcpl_buf_add(b, "stream ?");
    if (successor)
        tcpl_buf_addf(b, " (successor %u)", successor);
    tcpl_buf_add(b, ", ");
    tcpl_buf_add(b, c->role_guessed ? "mid-stream" : "SYN");
    tcpl_buf_add(b, " " TCPL_ARROW " ");
    if (c->anomalies & TCPL_BIT(TCPL_A_REFUSED))
        tcpl_buf_add(b, "refused");
    else
        tcpl_buf_add(b, close ? close : "open");
    tcpl_buf_add(b, " in ");
    tcpl_buf_seconds(b, c->last_ns - c->first_ns);
    tcpl_buf_add(b, " s");
    if (c->client >= 0) {
        reading_order(c, order);
        tcpl_buf_addf(b, "; %s %s, %s %s", tcpl_role_name(c, order[0]),
                      tcpl_state_name(c->ep[order[0]].state),
                      tcpl_role_name(c, order[1]),
                      tcpl_state_name(c->ep[order[1]].state));
    }
    for (int a = 0; a < TCPL_ANOMALY_COUNT; a++) {
        if (!(c->anomalies & TCPL_BIT(a)))
            continue;
        tcpl_buf_add(b, first ? "; " : ", ");
        tcpl_buf_add(b, tcpl_anomaly_name((tcpl_anomaly)a));
        first = 0;
    }
}
