/*
 * zeek_rows.c - one of our lifecycles cut into the rows Zeek's conn.log
 * would hold for it.
 *
 * Zeek writes a conn.log row when it removes a connection, and its timers
 * remove one where TCP does not end it; the next packet of the 4-tuple
 * then opens a new Zeek connection, numbered and judged afresh.  Each row
 * here keeps its own tcpl_zeek, stepped by the same code as the
 * lifecycle's verdict (zeek.c), so its conn_state, history and counts are
 * Zeek's over just its packets.  The rules are Zeek's TCP session adapter
 * (src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc) with the
 * defaults of scripts/base/init-bare.zeek:
 *
 *  - AttemptTimer: the originator's SYN from INACTIVE arms it for
 *    tcp_attempt_delay; when it fires with the originator still SYN_SENT
 *    (or SYN_ACK_SENT) and the responder silent, the attempt is removed;
 *  - ConnectionClosed: a close that completes (a RST, or the peer closed
 *    too or never sent) cancels the other timers and removes the
 *    connection tcp_close_delay after its last time;
 *  - UpdateClosedState: a RST from an endpoint that had sent a FIN, its
 *    peer not closed, arms ResetTimer for tcp_reset_delay (removal);
 *  - the session's inactivity timer: tcp_inactivity_timeout without a
 *    packet removes it;
 *  - IsReuse: a SYN at a new sequence number (or any SYN once a side has
 *    closed) replaces the connection.
 *
 * A Zeek timer fires when network time reaches it, before the packet that
 * brings network time there is processed; the packet that finds the
 * connection removed opens the next row.  Only this lifecycle's packets
 * are seen here, which is enough: every timer above is set to a fixed
 * time when armed.  (Zeek's ExpireTimer is rescheduled from whatever
 * network time it fires at, but the cases it removes are already removed
 * by the close delay above, so it is left out.)
 *
 * Roles stay ours: each row's originator is our client, and a row whose
 * first packet came from the server starts with '^'.  Zeek decides the
 * originator of a row opened mid-stream by its likely-server-port list,
 * which we do not have; docs/zeek.md says how to join such rows.
 */
#include <string.h>

#include "engine_int.h"

static const char *const cut_names[TCPL_ZCUT_COUNT] = {
#define TCPL_ZEEK_CUT_NAME(id, name) name,
    TCPL_ZEEK_CUTS(TCPL_ZEEK_CUT_NAME)
#undef TCPL_ZEEK_CUT_NAME
};

const char *tcpl_zeek_cut_name(tcpl_zeek_cut c)
{
    return (unsigned)c < TCPL_ZCUT_COUNT ? cut_names[c] : "?";
}

static void new_row(tcpl_zeek_rows *zr)
{
    memset(&zr->z, 0, sizeof zr->z);
    zr->first_ns = 0;
    zr->attempt_ns = zr->remove_ns = zr->reset_ns = INT64_MAX;
    zr->segments = 0;
}

void tcpl_zeek_rows_init(tcpl_zeek_rows *zr)
{
    new_row(zr);
    zr->rows = 0;
}

static void row_of(const tcpl_zeek_rows *zr, tcpl_zeek_cut cut,
                   tcpl_zeek_row *out)
{
    memset(out, 0, sizeof *out);
    out->first_ns = zr->first_ns;
    eng_zeek_counts(&zr->z, zr->first_ns, true, &out->n);
    out->state = (uint8_t)eng_zeek_conn_state(&zr->z);
    out->cut = (uint8_t)cut;
    out->history_cut = zr->z.history_cut;
    memcpy(out->history, zr->z.history, sizeof out->history);
}

int tcpl_zeek_rows_last(const tcpl_zeek_rows *zr, tcpl_zeek_row *out)
{
    if (zr->segments == 0)
        return 0;
    row_of(zr, TCPL_ZCUT_LIFECYCLE, out);
    return 1;
}

static bool attempt_pending(const tcpl_zeek *z)
{
    uint8_t o = z->ep[0].state, r = z->ep[1].state;
    return (o == TCPL_ZE_SYN_SENT || o == TCPL_ZE_SYN_ACK_SENT) &&
           r == TCPL_ZE_INACTIVE;
}

/* Zeek's IsReuse: does this SYN replace the connection?  A plain SYN is
 * judged against the originator's first sequence number, a SYN-ACK (only
 * while the originator has sent nothing) against the responder's. */
static bool reused(const tcpl_zeek *z, const tcpl_segment *s)
{
    const tcpl_zeek_endpoint *o = &z->ep[0], *r = &z->ep[1], *co = o;
    bool ack = s->flags & TCPL_ACK;
    if (!(s->flags & TCPL_SYN))
        return false;
    if (ack) {
        if (o->state != TCPL_ZE_INACTIVE)
            return false;
        co = r;
    }
    if (o->did_close || r->did_close)
        return true; /* closed in some sense: any SYN starts anew */
    if (s->seq == co->start)
        return false; /* a retransmission */
    /* The SYN of a SYN-ACK seen first (reordered capture): the same
     * connection, which Zeek's state machine then straightens out. */
    if (!ack && co->state == TCPL_ZE_SYN_ACK_SENT &&
        r->state == TCPL_ZE_INACTIVE && s->seq == r->start)
        return false;
    return true;
}

/* The timer that removed the connection by time t, the earliest if
 * several did; TCPL_ZCUT_COUNT if none. */
static tcpl_zeek_cut expired(const tcpl_zeek_rows *zr, int64_t t)
{
    tcpl_zeek_cut cut = TCPL_ZCUT_COUNT;
    int64_t when = INT64_MAX;
    struct {
        int64_t at;
        tcpl_zeek_cut cut;
        bool armed;
    } timers[] = {
        /* Checked when it fires: an answer by then keeps the attempt. */
        {zr->attempt_ns, TCPL_ZCUT_ATTEMPT, attempt_pending(&zr->z)},
        {zr->remove_ns, TCPL_ZCUT_CLOSE, true},
        {zr->reset_ns, TCPL_ZCUT_RESET, true},
        {zr->z.last_ns <= INT64_MAX - TCPL_ZEEK_INACTIVITY_NS
             ? zr->z.last_ns + TCPL_ZEEK_INACTIVITY_NS
             : INT64_MAX,
         TCPL_ZCUT_INACTIVITY, true},
    };
    for (size_t i = 0; i < sizeof timers / sizeof timers[0]; i++) {
        if (timers[i].armed && timers[i].at != INT64_MAX &&
            timers[i].at <= t && timers[i].at < when) {
            when = timers[i].at;
            cut = timers[i].cut;
        }
    }
    return cut;
}

static int64_t later(int64_t t, int64_t d)
{
    return t <= INT64_MAX - d ? t + d : INT64_MAX - 1;
}

int tcpl_zeek_rows_step(tcpl_zeek_rows *zr, const tcpl_segment *s,
                        bool from_client, tcpl_zeek_row *done)
{
    if (s->icmp)
        return 0;
    /* A segment that failed its checksum only adds Zeek's 'C' to the row
     * it falls in, as tcpl_step() does to the lifecycle's history. */
    if (s->bad_checksum) {
        if (zr->segments > 0)
            eng_zeek_corrupt(&zr->z, from_client);
        return 0;
    }
    int ended = 0;
    if (zr->segments > 0) {
        tcpl_zeek_cut cut = expired(zr, s->ts_ns);
        if (cut == TCPL_ZCUT_COUNT && reused(&zr->z, s))
            cut = TCPL_ZCUT_REUSE;
        if (cut != TCPL_ZCUT_COUNT) {
            row_of(zr, cut, done);
            zr->rows++;
            new_row(zr);
            ended = 1;
        }
    }

    tcpl_zeek *z = &zr->z;
    tcpl_zeek_endpoint *e = &z->ep[from_client ? 0 : 1];
    const tcpl_zeek_endpoint *p = &z->ep[from_client ? 1 : 0];
    bool first = zr->segments == 0;
    bool syn = s->flags & TCPL_SYN, rst = s->flags & TCPL_RST;
    /* UpdateInactiveState arms the attempt timer on the originator's SYN. */
    bool arms_attempt = from_client && syn && e->state == TCPL_ZE_INACTIVE;
    /* UpdateClosedState arms the reset timer on a RST after a FIN. */
    bool arms_reset = rst && e->state == TCPL_ZE_CLOSED &&
                      p->state != TCPL_ZE_CLOSED;
    bool closed_before = e->did_close;

    if (first)
        zr->first_ns = s->ts_ns;
    eng_zeek_update(z, s, from_client, first);
    zr->segments++;

    if (arms_attempt)
        zr->attempt_ns = later(s->ts_ns, TCPL_ZEEK_ATTEMPT_DELAY_NS);
    if (arms_reset && zr->reset_ns == INT64_MAX)
        zr->reset_ns = later(s->ts_ns, TCPL_ZEEK_RESET_DELAY_NS);
    /* ConnectionClosed: a close that completes cancels the other timers
     * and removes the connection a while after its last time; a later
     * completed close (the other side's) moves that time on. */
    if (!closed_before && e->did_close &&
        (e->state == TCPL_ZE_RESET || p->did_close ||
         p->state == TCPL_ZE_INACTIVE)) {
        zr->attempt_ns = zr->reset_ns = INT64_MAX;
        zr->remove_ns = later(z->last_ns, TCPL_ZEEK_CLOSE_DELAY_NS);
    }
    return ended;
}
