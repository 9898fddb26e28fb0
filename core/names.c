/*
 * names.c - the one place state and anomaly names become strings.
 *
 * Every table here is generated from the X-macro lists in tcpl.h, so a
 * name cannot drift between the enum, the plugin's filter values, the
 * post-processor's reports and the truth files.  tcpl_describe() turns an
 * anomaly event into the plain-words line reports and annotations show.
 */
#include <stdio.h>
#include <string.h>

#include "tcpl/tcpl.h"

static const char *const state_names[TCPL_STATE_COUNT] = {
#define TCPL_STATE_NAME(n) #n,
    TCPL_STATES(TCPL_STATE_NAME)
#undef TCPL_STATE_NAME
};

static const struct {
    const char *name;
    tcpl_severity severity;
    tcpl_kind kind;
    const char *text;
} anomaly_info[TCPL_ANOMALY_COUNT] = {
#define TCPL_ANOMALY_INFO(id, name, sev, kind, text) {name, sev, kind, text},
    TCPL_ANOMALIES(TCPL_ANOMALY_INFO)
#undef TCPL_ANOMALY_INFO
};

const char *tcpl_state_name(tcpl_state s)
{
    return (unsigned)s < TCPL_STATE_COUNT ? state_names[s] : "?";
}

const char *tcpl_anomaly_name(tcpl_anomaly a)
{
    return (unsigned)a < TCPL_ANOMALY_COUNT ? anomaly_info[a].name : "?";
}

tcpl_severity tcpl_anomaly_severity(tcpl_anomaly a)
{
    return (unsigned)a < TCPL_ANOMALY_COUNT ? anomaly_info[a].severity
                                            : TCPL_SEV_ERROR;
}

tcpl_kind tcpl_anomaly_kind(tcpl_anomaly a)
{
    return (unsigned)a < TCPL_ANOMALY_COUNT ? anomaly_info[a].kind
                                            : TCPL_KIND_CONN;
}

const char *tcpl_anomaly_template(tcpl_anomaly a)
{
    return (unsigned)a < TCPL_ANOMALY_COUNT ? anomaly_info[a].text : "?";
}

/* Exact, length-bounded match: callers pass fields cut out of larger
 * buffers that are not NUL-terminated at the field's end. */
static int lookup(const char *name, size_t len, const char *(*get)(int),
                  int count)
{
    for (int i = 0; i < count; i++) {
        const char *n = get(i);
        if (strlen(n) == len && memcmp(n, name, len) == 0)
            return i;
    }
    return -1;
}

static const char *state_at(int i) { return state_names[i]; }
static const char *anomaly_at(int i) { return anomaly_info[i].name; }

int tcpl_state_from_name(const char *name, size_t len)
{
    return lookup(name, len, state_at, TCPL_STATE_COUNT);
}

int tcpl_anomaly_from_name(const char *name, size_t len)
{
    return lookup(name, len, anomaly_at, TCPL_ANOMALY_COUNT);
}

tcpl_close tcpl_close_kind(const tcpl_conn *c)
{
    if (c->anomalies & TCPL_BIT(TCPL_A_REFUSED))
        return TCPL_CLOSE_REFUSED;
    /* An ICMP error that ended the attempt refused it as well. */
    if ((c->anomalies & TCPL_BIT(TCPL_A_UNREACHABLE)) && c->first_closer < 0)
        return TCPL_CLOSE_REFUSED;
    if (c->first_closer < 0)
        return TCPL_CLOSE_OPEN;
    if (c->first_close_rst)
        return TCPL_CLOSE_RST;
    return (c->anomalies & TCPL_BIT(TCPL_A_RST_AFTER_FIN))
               ? TCPL_CLOSE_FIN_THEN_RST
               : TCPL_CLOSE_FIN;
}

const char *tcpl_close_name(tcpl_close k)
{
    static const char *const names[TCPL_CLOSE_COUNT] = {
        [TCPL_CLOSE_OPEN] = "none (still open)",
        [TCPL_CLOSE_REFUSED] = "none (refused)",
        [TCPL_CLOSE_FIN] = "FIN",
        [TCPL_CLOSE_RST] = "RST",
        [TCPL_CLOSE_FIN_THEN_RST] = "FIN then RST",
    };
    return (unsigned)k < TCPL_CLOSE_COUNT ? names[k] : "?";
}

const char *tcpl_role_name(const tcpl_conn *c, int endpoint)
{
    if (c->client < 0)
        return endpoint == 0 ? "endpoint A" : "endpoint B";
    return endpoint == c->client ? "client" : "server";
}

/* "ICMP port unreachable (type 3, code 3) from the server's own address,
 * Linux: ECONNREFUSED" */
static void describe_icmp(const tcpl_conn *c, const tcpl_event *e, char *buf,
                          size_t n)
{
    const tcpl_icmp_info *in =
        tcpl_icmp_lookup(e->icmp, e->icmp_type, e->icmp_code);
    const char *peer = tcpl_role_name(c, !(e->endpoint & 1));
    int at = snprintf(buf, n, "%s %s (type %u, code %u) from ",
                      e->icmp == 6 ? "ICMPv6" : "ICMP", in->what,
                      e->icmp_type, e->icmp_code);
    if (at < 0 || (size_t)at >= n)
        return;
    if (e->icmp_from_peer)
        at += snprintf(buf + at, n - (size_t)at, "the %s's own address", peer);
    else
        at += snprintf(buf + at, n - (size_t)at, "a router on the way to the %s",
                       peer);
    if (at < 0 || (size_t)at >= n)
        return;
    if (e->anomaly == TCPL_A_PACKET_TOO_BIG && e->bytes)
        snprintf(buf + at, n - (size_t)at, ", next-hop MTU %lu",
                 (unsigned long)e->bytes);
    else if (in->err[0])
        snprintf(buf + at, n - (size_t)at, "; Linux: %s", in->err);
}

/* "TTL 64, the server's other packets 57" (or "57 to 58") */
static void describe_ttl(const tcpl_conn *c, const tcpl_event *e, char *buf,
                         size_t n)
{
    const char *self = tcpl_role_name(c, e->endpoint & 1);
    if (e->ttl_lo == e->ttl_hi)
        snprintf(buf, n, "TTL %u, the %s's other packets %u", e->ttl, self,
                 e->ttl_lo);
    else
        snprintf(buf, n, "TTL %u, the %s's other packets %u to %u", e->ttl,
                 self, e->ttl_lo, e->ttl_hi);
}

size_t tcpl_describe(const tcpl_conn *c, const tcpl_event *e, char *buf,
                     size_t n)
{
    const char *t = tcpl_anomaly_template(e->anomaly);
    int self = e->endpoint & 1;
    size_t out = 0;

    /* Emit through one helper so truncation is handled in one place. */
#define PUT(str, slen)                                                         \
    do {                                                                       \
        size_t l_ = (slen);                                                    \
        if (n > 0 && out < n - 1) {                                            \
            size_t room_ = n - 1 - out;                                        \
            memcpy(buf + out, (str), l_ < room_ ? l_ : room_);                 \
        }                                                                      \
        out += l_;                                                             \
    } while (0)

    for (; *t; t++) {
        if (t[0] == '%' && t[1]) {
            char num[32];
            const char *s = NULL;
            t++;
            switch (*t) {
            case 'S': s = tcpl_role_name(c, self); break;
            case 'P': s = tcpl_role_name(c, !self); break;
            case 'T': {
                int64_t d = e->duration_ns < 0 ? 0 : e->duration_ns;
                snprintf(num, sizeof num, "%.1f", (double)d / 1e9);
                s = num;
                break;
            }
            case 'B':
                snprintf(num, sizeof num, "%lu", (unsigned long)e->bytes);
                s = num;
                break;
            case 'I': {
                char what[200];
                describe_icmp(c, e, what, sizeof what);
                PUT(what, strlen(what));
                continue;
            }
            case 'L': {
                char what[120];
                describe_ttl(c, e, what, sizeof what);
                PUT(what, strlen(what));
                continue;
            }
            default: num[0] = '%'; num[1] = *t; num[2] = 0; s = num; break;
            }
            PUT(s, strlen(s));
        } else {
            PUT(t, 1);
        }
    }
#undef PUT
    if (n > 0)
        buf[out < n ? out : n - 1] = '\0';
    return out;
}
