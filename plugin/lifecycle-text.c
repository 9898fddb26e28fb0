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

/* Info-column phrase and what Expert Information adds, indexed by the
 * engine's own anomaly ids (tcpl.h), so no name is spelled twice; an
 * anomaly without an entry shows its name with spaces. */
static const struct {
    const char *phrase, *detail;
} phrases[TCPL_ANOMALY_COUNT] = {
    [TCPL_A_REFUSED] = {"Connection refused", "SYN answered by RST"},
    [TCPL_A_SYN_UNANSWERED] = {"SYN unanswered", "no SYN-ACK in time"},
    [TCPL_A_HANDSHAKE_INCOMPLETE] = {"Handshake incomplete",
        "final ACK of the handshake never came"},
    [TCPL_A_HALF_OPEN] = {"Half-open", "one endpoint lost the connection"},
    [TCPL_A_CLOSE_WAIT_STALL] = {"CLOSE_WAIT stall",
        "the application did not close"},
    [TCPL_A_RST_AFTER_FIN] = {"RST after FIN",
        "abortive close after a graceful one"},
    [TCPL_A_ZERO_WINDOW] = {"Zero window", "receiver not reading"},
    [TCPL_A_ZERO_WINDOW_STALL] = {"Zero-window stall",
        "receiver stopped reading"},
    [TCPL_A_RESET] = {"Reset", "aborted by RST without a FIN"},
    [TCPL_A_DATA_AFTER_FIN] = {"Data after FIN",
        "new data after the sender's FIN"},
    [TCPL_A_PORT_REUSE] = {"Port reuse",
        "new SYN before the old lifecycle ended"},
    [TCPL_A_SIMULTANEOUS_OPEN] = {"Simultaneous open", "both sides sent SYN"},
    [TCPL_A_SIMULTANEOUS_CLOSE] = {"Simultaneous close",
        "both sides sent FIN"},
    [TCPL_A_MIDSTREAM] = {"Mid-stream start", "no handshake captured"},
    [TCPL_A_RST_OUT_OF_WINDOW] = {"Out-of-window RST",
        "ignored by RFC 5961 stacks"},
    [TCPL_A_CAPTURE_GAP] = {"Capture gap", "the capture missed segments"},
    [TCPL_A_ONE_SIDED] = {"One-sided capture", "one direction never captured"},
    [TCPL_A_UNDECIDED] = {"Undecided end",
        "the capture ends before the answer that decides the states"},
    [TCPL_A_UNREACHABLE] = {"Unreachable",
        "an ICMP error ended the connection attempt"},
    [TCPL_A_ICMP_ERROR] = {"ICMP error",
        "an ICMP error the connection outlives"},
    [TCPL_A_PACKET_TOO_BIG] = {"Packet too big",
        "path MTU smaller than the segment"},
    [TCPL_A_SYNACK_REJECTED] = {"SYN-ACK rejected",
        "the SYN-ACK acknowledges what the client never sent"},
    [TCPL_A_RST_INJECTED] = {"Injected RST",
        "the RST's TTL is not its sender's"},
    [TCPL_A_PMTU_BLACKHOLE] = {"PMTU black hole",
        "large segments resent, never delivered, no ICMP"},
};

/* Filled on first use from the engine's list: phrase and headline of each
 * anomaly.  Static storage, so expert registration may keep pointers. */
static char phrase_of[TCPL_ANOMALY_COUNT][48];
static char headline_of[TCPL_ANOMALY_COUNT][128];
static int text_ready;

static void text_init(void)
{
    for (int a = 0; a < TCPL_ANOMALY_COUNT; a++) {
        const char *detail = phrases[a].detail;
        tcpl_buf b;

        if (phrases[a].phrase) {
            snprintf(phrase_of[a], sizeof phrase_of[a], "%s",
                     phrases[a].phrase);
        } else {
            char *p;

            snprintf(phrase_of[a], sizeof phrase_of[a], "%s",
                     tcpl_anomaly_name((tcpl_anomaly)a));
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
    tcpl_close close = tcpl_close_kind(c);
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
    tcpl_buf_add(b, close == TCPL_CLOSE_REFUSED ? "refused"
                    : close == TCPL_CLOSE_OPEN  ? "open"
                                                : tcpl_close_name(close));
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
