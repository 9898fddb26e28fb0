/*
 * report_fmt.h - what more than one report writer formats the same way:
 * times, endpoints, stream ids, per-lifecycle figures, and tcpl_sbuf, the
 * growable record buffer the machine formats build each line in.
 *
 * The buffer's small appends are static inline here on purpose: they run
 * several dozen times per record, and a report writes millions of records,
 * so a call across files for each of them would show in the report's speed.
 */
#ifndef TCPL_POSTPROC_REPORT_FMT_H
#define TCPL_POSTPROC_REPORT_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tracker.h"

/* Seconds with exactly 9 decimals ("-0.000001000"), into buf. */
char *tcpl_fmt_secs9(char *buf, size_t n, int64_t ns);

/* Seconds with 6 decimals, rounded half away from zero, for people. */
char *tcpl_fmt_secs6(char *buf, size_t n, int64_t ns);

/* "2026-12-01 23:05:00.123456 UTC", so reports do not depend on the
 * machine's time zone. */
char *tcpl_fmt_utc(char *buf, size_t n, int64_t ns);

/* Endpoint e (0: the tuple's source) as "127.0.0.1:80" or "[::1]:80". */
char *tcpl_fmt_endpoint(char *buf, size_t n, const tcpl_tuple *t, int e);

/* "7", or "7.1" for a port-reuse successor on tshark's stream 7. */
char *tcpl_fmt_stream_id(char *buf, size_t n, const tcpl_lifecycle *lc);

/* How long an endpoint stayed in the state entered at timeline[i]: until
 * its next entry, else until the lifecycle's end. */
int64_t tcpl_fmt_time_in(const tcpl_lifecycle *lc, size_t i);

/* Who closed first, as the totals count it (tcpl_report_totals.closer):
 * names for people and keys for machines. */
#define TCPL_CLOSER_KINDS 5
extern const char *const tcpl_closer_names[TCPL_CLOSER_KINDS];
extern const char *const tcpl_closer_keys[TCPL_CLOSER_KINDS];

/* The endpoint reported as the client; endpoint 0 when neither is known. */
static inline int tcpl_client_of(const tcpl_conn *c)
{
    return c->client >= 0 ? c->client : 0;
}

/* What the capture missed of a lifecycle, both endpoints together: the
 * engine's estimate from ACKs and sequence numbers that run past segments
 * the capture does not show. */
static inline uint64_t tcpl_lc_gaps(const tcpl_lifecycle *lc)
{
    return (uint64_t)lc->conn.ep[0].gaps + lc->conn.ep[1].gaps;
}

static inline uint64_t tcpl_lc_missed(const tcpl_lifecycle *lc)
{
    return lc->conn.ep[0].missed + lc->conn.ep[1].missed;
}

/* The lifecycle's encapsulation as tcpl_wire_encap_str() names it, into
 * buf (TCPL_WIRE_ENCAP_STRLEN bytes); "" when it had none, or the input
 * cannot tell (tshark exports). */
static inline const char *tcpl_lc_tunnel(const tcpl_lifecycle *lc, char *buf)
{
    tcpl_wire_encap_str(&lc->tuple.encap, buf, TCPL_WIRE_ENCAP_STRLEN);
    return buf;
}

/* Zeek's verdict on a lifecycle (core/zeek.c): what conn.log would say.
 * Zeek's originator is the client (tcpl_client_of). */
typedef struct tcpl_lc_zeek {
    char state[8];
    char history[TCPL_ZEEK_HISTORY];
    tcpl_zeek_counts n;
} tcpl_lc_zeek;

static inline void tcpl_lc_zeek_of(const tcpl_lifecycle *lc, tcpl_lc_zeek *z)
{
    tcpl_zeek_verdict(&lc->conn, z->state, sizeof z->state, z->history,
                      sizeof z->history);
    tcpl_zeek_counts_of(&lc->conn, &z->n);
}

/* Endpoint e's address alone ("10.0.0.1", "::1"), as Zeek writes it. */
char *tcpl_fmt_addr(char *buf, size_t n, const tcpl_tuple *t, int e);

/* How the roles were settled: "seen", "guessed" or "unknown". */
static inline const char *tcpl_roles_word(const tcpl_conn *c)
{
    return c->client < 0 ? "unknown" : c->role_guessed ? "guessed" : "seen";
}

/* ---- a growable line buffer for the machine formats
 *
 * Records are built here and written with one fwrite: with hundreds of
 * thousands of streams, printf's format parsing was most of the report's
 * time.  On allocation failure the buffer stops growing and the record is
 * cut short; `oom' makes the report fail rather than pass the damage off
 * as output. */
typedef struct tcpl_sbuf {
    char *p;
    size_t len, cap;
    bool oom;
} tcpl_sbuf;

/* Room for n more bytes; false (and oom set) when there is none. */
bool tcpl_sb_room(tcpl_sbuf *b, size_t n);

/* "00".."99", for writing two digits at a time. */
extern const char tcpl_digit_pairs[201];

static inline void sb_mem(tcpl_sbuf *b, const char *s, size_t n)
{
    if (b->len + n <= b->cap || tcpl_sb_room(b, n)) {
        memcpy(b->p + b->len, s, n);
        b->len += n;
    }
}

static inline void sb_puts(tcpl_sbuf *b, const char *s) { sb_mem(b, s, strlen(s)); }

static inline void sb_putc(tcpl_sbuf *b, char c)
{
    if (b->len < b->cap || tcpl_sb_room(b, 1))
        b->p[b->len++] = c;
}

static inline void sb_u64(tcpl_sbuf *b, uint64_t v)
{
    char d[24];
    size_t i = sizeof d;
    while (v >= 100) {
        i -= 2;
        memcpy(d + i, tcpl_digit_pairs + 2 * (v % 100), 2);
        v /= 100;
    }
    if (v >= 10) {
        i -= 2;
        memcpy(d + i, tcpl_digit_pairs + 2 * v, 2);
    } else {
        d[--i] = (char)('0' + v);
    }
    sb_mem(b, d + i, sizeof d - i);
}

/* Seconds with exactly 9 decimals: the digits, two at a time. */
static inline void sb_secs9(tcpl_sbuf *b, int64_t ns)
{
    uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    if (ns < 0)
        sb_putc(b, '-');
    sb_u64(b, a / 1000000000u);
    char d[10];
    uint64_t f = a % 1000000000u;
    d[0] = '.';
    for (int i = 8; i >= 2; i -= 2, f /= 100)
        memcpy(d + i, tcpl_digit_pairs + 2 * (f % 100), 2);
    d[1] = (char)('0' + f);
    sb_mem(b, d, 10);
}

static inline void sb_endpoint(tcpl_sbuf *b, const tcpl_tuple *t, int e)
{
    char a[80];
    sb_puts(b, tcpl_fmt_endpoint(a, sizeof a, t, e));
}

/* The set anomalies' names, sep between them; json quotes each. */
void tcpl_sb_anomalies(tcpl_sbuf *b, uint32_t mask, char sep, bool json);

/* Write the buffer to f and empty it.  Returns false when the record was
 * cut short for want of memory. */
static inline bool sb_flush(tcpl_sbuf *b, FILE *f)
{
    bool whole = !b->oom;
    fwrite(b->p, 1, b->len, f);
    b->len = 0;
    b->oom = false;
    return whole;
}

/* s as a JSON string into b.  in_script also escapes '<', so that the
 * string can sit inside an HTML <script> element ("</" never appears). */
void tcpl_sb_json_str(tcpl_sbuf *b, const char *s, bool in_script);

/* s as a CSV field into b, quoted only when it has to be (RFC 4180). */
void tcpl_sb_csv_str(tcpl_sbuf *b, const char *s);

#endif /* TCPL_POSTPROC_REPORT_FMT_H */
