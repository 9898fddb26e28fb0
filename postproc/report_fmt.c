/*
 * report_fmt.c - the formatting helpers the report writers share (see
 * report_fmt.h): times, endpoints, stream ids, and the out-of-line parts
 * of the record buffer.
 */
#define _POSIX_C_SOURCE 200809L
#include "report_fmt.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

const char *const tcpl_closer_names[TCPL_CLOSER_KINDS] = {
    "client FIN", "client RST", "server FIN", "server RST", "not closed"};
const char *const tcpl_closer_keys[TCPL_CLOSER_KINDS] = {
    "client_fin", "client_rst", "server_fin", "server_rst", "none"};

const char tcpl_digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

char *tcpl_fmt_secs9(char *buf, size_t n, int64_t ns)
{
    uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    snprintf(buf, n, "%s%" PRIu64 ".%09" PRIu64, ns < 0 ? "-" : "",
             a / 1000000000u, a % 1000000000u);
    return buf;
}

/* By hand, not snprintf: the text format writes several per state
 * change, and printf's format parsing was a third of its time. */
char *tcpl_fmt_secs6(char *buf, size_t n, int64_t ns)
{
    uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    uint64_t us = a / 1000u + (a % 1000u >= 500u);
    uint64_t whole = us / 1000000u, frac = us % 1000000u;
    char d[32];
    size_t i = sizeof d, len;

    for (int k = 0; k < 6; k++, frac /= 10)
        d[--i] = (char)('0' + frac % 10);
    d[--i] = '.';
    do {
        d[--i] = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    if (ns < 0)
        d[--i] = '-';
    if (n == 0)
        return buf;
    /* Cut short like snprintf when buf is too small. */
    len = sizeof d - i < n - 1 ? sizeof d - i : n - 1;
    memcpy(buf, d + i, len);
    buf[len] = '\0';
    return buf;
}

char *tcpl_fmt_utc(char *buf, size_t n, int64_t ns)
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
        snprintf(buf, n, "%s s", tcpl_fmt_secs9((char[32]){0}, 32, ns));
        return buf;
    }
    char d[40];
    strftime(d, sizeof d, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(buf, n, "%s.%06" PRId64 " UTC", d, sub / 1000);
    return buf;
}

char *tcpl_fmt_endpoint(char *buf, size_t n, const tcpl_tuple *t, int e)
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

char *tcpl_fmt_addr(char *buf, size_t n, const tcpl_tuple *t, int e)
{
    if (!inet_ntop(t->family == 4 ? AF_INET : AF_INET6, e == 0 ? t->src : t->dst,
                   buf, (socklen_t)n) && n)
        buf[0] = '\0';
    return buf;
}

/* v's digits ending at end, backwards; returns where they start. */
static char *digits_before(char *end, uint64_t v)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

/* By hand: every format writes one per record, and snprintf's two were
 * most of what naming a stream cost. */
char *tcpl_fmt_stream_id(char *buf, size_t n, const tcpl_lifecycle *lc)
{
    char d[48], *end = d + sizeof d, *p = end;
    if (lc->successor) {
        p = digits_before(p, lc->successor);
        *--p = '.';
    }
    uint64_t a = lc->stream < 0 ? (uint64_t)0 - (uint64_t)lc->stream
                                : (uint64_t)lc->stream;
    p = digits_before(p, a);
    if (lc->stream < 0)
        *--p = '-';
    if (n == 0)
        return buf;
    /* Cut short like snprintf when buf is too small. */
    size_t len = (size_t)(end - p) < n - 1 ? (size_t)(end - p) : n - 1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    return buf;
}

int64_t tcpl_fmt_time_in(const tcpl_lifecycle *lc, size_t i)
{
    for (size_t k = i + 1; k < lc->ntimeline; k++)
        if (lc->timeline[k].endpoint == lc->timeline[i].endpoint)
            return lc->timeline[k].ts_ns - lc->timeline[i].ts_ns;
    return lc->end_ns - lc->timeline[i].ts_ns;
}

bool tcpl_sb_room(tcpl_sbuf *b, size_t n)
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

void tcpl_sb_anomalies(tcpl_sbuf *b, uint32_t mask, char sep, bool json)
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

void tcpl_sb_csv_str(tcpl_sbuf *b, const char *s)
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

void tcpl_sb_json_str(tcpl_sbuf *b, const char *s, bool in_script)
{
    sb_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            sb_putc(b, '\\');
            sb_putc(b, (char)c);
        } else if (c < 0x20 || (in_script && c == '<')) {
            char u[8];
            snprintf(u, sizeof u, "\\u%04x", c);
            sb_puts(b, u);
        } else {
            sb_putc(b, (char)c);
        }
    }
    sb_putc(b, '"');
}
