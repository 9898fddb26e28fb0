/*
 * path.c - what the path between the endpoints shows about a connection.
 *
 * Three kinds of evidence come from the network in between rather than
 * from the endpoints' own segments:
 *   - ICMP and ICMPv6 errors quoting a segment an endpoint sent: they end
 *     a connection attempt as the endpoint's stack does (Linux: tcp_v4_err,
 *     tcp_v6_err), and are notes once the connection is synchronized;
 *   - a SYN-ACK that acknowledges a sequence number the client never sent,
 *     answered by the client's RST (a sequence-rewriting middlebox or
 *     asymmetric routing): RFC 9293 3.10.7.3 keeps the client in SYN-SENT;
 *   - a RST whose IP TTL its apparent sender never used on the connection:
 *     most likely forged by a middlebox, so the apparent sender's state
 *     does not change.
 *   - a PMTU black hole: the oldest segment an endpoint has outstanding,
 *     larger than any the peer ever acknowledged, sent again and again
 *     at full size while the peer is still heard, and no ICMP packet too
 *     big seen (a router drops the segment and its error is filtered).
 * State changes still go through fsm.c's table (EV_ICMP_HARD,
 * EV_SYNACK_REJECT, EV_RECV_RST).  No allocation, no I/O, no globals.
 */
#include <string.h>

#include "engine_int.h"

/* ------------------------------------------------- ICMP, as Linux reads it */

#define ERR(what, err, drops) {TCPL_ICMP_ERROR, what, err, drops}

/* ICMP destination unreachable codes 0-15 (RFC 792, 1122, 1812): errno
 * from Linux's icmp_err_convert[]; a listener's pending connection is
 * dropped only for network and host unreachable (tcp_v4_err ->
 * tcp_req_err). */
static const tcpl_icmp_info unreach4[16] = {
    ERR("network unreachable", "ENETUNREACH", true),
    ERR("host unreachable", "EHOSTUNREACH", true),
    ERR("protocol unreachable", "ENOPROTOOPT", false),
    ERR("port unreachable", "ECONNREFUSED", false),
    {TCPL_ICMP_PTB, "fragmentation needed", "EMSGSIZE", false},
    ERR("source route failed", "EOPNOTSUPP", false),
    ERR("destination network unknown", "ENETUNREACH", false),
    ERR("destination host unknown", "EHOSTDOWN", false),
    ERR("source host isolated", "ENONET", false),
    ERR("network administratively prohibited", "ENETUNREACH", false),
    ERR("host administratively prohibited", "EHOSTUNREACH", false),
    ERR("network unreachable for TOS", "ENETUNREACH", false),
    ERR("host unreachable for TOS", "EHOSTUNREACH", false),
    ERR("communication administratively prohibited", "EHOSTUNREACH", false),
    ERR("host precedence violation", "EHOSTUNREACH", false),
    ERR("precedence cutoff in effect", "EHOSTUNREACH", false),
};

/* ICMPv6 destination unreachable codes 0-6 (RFC 4443): errno and
 * "fatal" from Linux's icmpv6_err_convert(); tcp_v6_err drops a
 * listener's pending connection on the fatal ones. */
static const tcpl_icmp_info unreach6[7] = {
    ERR("no route to destination", "ENETUNREACH", false),
    ERR("administratively prohibited", "EACCES", true),
    ERR("beyond scope of source address", "EHOSTUNREACH", false),
    ERR("address unreachable", "EHOSTUNREACH", false),
    ERR("port unreachable", "ECONNREFUSED", true),
    ERR("source address failed ingress/egress policy", "EACCES", true),
    ERR("reject route to destination", "EACCES", true),
};

const tcpl_icmp_info *tcpl_icmp_lookup(uint8_t family, uint8_t type,
                                       uint8_t code)
{
    static const tcpl_icmp_info ignored = {TCPL_ICMP_IGNORED, "not a TCP error", "", false};
    static const tcpl_icmp_info time4 = ERR("time exceeded", "EHOSTUNREACH", true);
    static const tcpl_icmp_info param4 = ERR("parameter problem", "EPROTO", true);
    static const tcpl_icmp_info ptb6 = {TCPL_ICMP_PTB, "packet too big", "EMSGSIZE", false};
    static const tcpl_icmp_info unknown6 = ERR("destination unreachable", "EPROTO", true);
    static const tcpl_icmp_info time6 = ERR("time exceeded", "EHOSTUNREACH", false);
    static const tcpl_icmp_info param6 = ERR("parameter problem", "EPROTO", true);

    if (family == 4) {
        switch (type) {
        case 3: return code < 16 ? &unreach4[code] : &ignored; /* NR_ICMP_UNREACH */
        case 11: return &time4;
        case 12: return &param4;
        default: return &ignored; /* source quench, redirect: not errors */
        }
    }
    if (family == 6) {
        switch (type) {
        case 1: return code < 7 ? &unreach6[code] : &unknown6;
        case 2: return &ptb6;
        case 3: return &time6;
        case 4: return &param6;
        default: return &ignored;
        }
    }
    return &ignored;
}

/*
 * Linux acts on an error only when the quoted sequence number lies in
 * [SND.UNA, SND.NXT] (tcp_v4_err: OUTOFWINDOWICMPS otherwise), which also
 * makes blind ICMP attacks harder (RFC 5927).  The observer's estimates:
 * the peer's latest ACK (the ISN before synchronization) and the
 * sender's own next sequence number.
 */
static bool quote_in_window(const tcpl_conn *c, const tcpl_segment *s)
{
    const tcpl_endpoint *ex = &c->ep[s->from], *ey = &c->ep[!s->from];
    uint32_t lo;

    if (s->icmp_seq_unknown)
        return true;
    if ((ex->bits & TCPL_EP_NXT) && seq_lt(ex->snd_nxt, s->seq))
        return false;
    if (eng_synchronized(ex->state) && (ey->bits & TCPL_EP_ACKED))
        lo = ey->ack;
    else if (ex->bits & TCPL_EP_SYN)
        lo = ex->isn;
    else
        return true;
    return seq_le(lo, s->seq);
}

static void raise_icmp(tcpl_conn *c, tcpl_result *r, tcpl_anomaly a,
                       const tcpl_segment *s)
{
    uint8_t before = r->nevents;
    eng_raise(c, r, a, s->from, -1);
    if (r->nevents > before) {
        tcpl_event *e = &r->events[r->nevents - 1];
        e->icmp = s->icmp;
        e->icmp_type = s->icmp_type;
        e->icmp_code = s->icmp_code;
        e->icmp_from_peer = s->icmp_from_peer;
        if (a == TCPL_A_PACKET_TOO_BIG)
            e->bytes = s->icmp_mtu;
    }
}

void eng_unseen_syn(tcpl_conn *c, tcpl_result *r, int x, uint32_t seq,
                    int64_t now)
{
    tcpl_endpoint *ex = &c->ep[x];
    ex->isn = seq;
    ex->snd_nxt = seq + 1;
    ex->syn_ns = now;
    ex->bits |= TCPL_EP_SYN | TCPL_EP_NXT | TCPL_EP_SYN_UNSEEN;
    eng_apply_as(c, r, x, EV_SEND_SYN, now, true);
}

void eng_on_icmp(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r)
{
    int x = s->from;
    const tcpl_endpoint *ex = &c->ep[x];
    const tcpl_icmp_info *in =
        tcpl_icmp_lookup(s->icmp, s->icmp_type, s->icmp_code);

    /* No socket to take it (closed, or TIME_WAIT, which Linux skips),
     * or one its stack would not match to the quote: nothing happened. */
    if (in->kind == TCPL_ICMP_IGNORED || !eng_holds(ex->state) ||
        ex->state == TCPL_TIME_WAIT || !quote_in_window(c, s))
        return;
    if (in->kind == TCPL_ICMP_PTB) {
        raise_icmp(c, r, TCPL_A_PACKET_TOO_BIG, s);
        return;
    }
    bool ends = ex->state == TCPL_SYN_SENT;
    if (ex->state == TCPL_SYN_RECEIVED) {
        /* A passive opener has only a request socket, which the listener
         * drops on some errors only; after a simultaneous open it is a
         * full socket, ended like SYN_SENT. */
        bool full = c->client == x ||
                    (c->anomalies & TCPL_BIT(TCPL_A_SIMULTANEOUS_OPEN));
        ends = full || in->drops_request;
    }
    if (ends) {
        /* connect() is still waiting in SYN_SENT, or in a simultaneous
         * open's SYN_RECEIVED; a listener's request has no socket. */
        bool connecting = ex->state == TCPL_SYN_SENT ||
                          (ex->state == TCPL_SYN_RECEIVED &&
                           (c->client == x ||
                            (c->anomalies & TCPL_BIT(TCPL_A_SIMULTANEOUS_OPEN))));
        if (connecting && tcpl_errno_value(in->err))
            eng_app_error(c, r, x, TCPL_CALL_CONNECT,
                          tcpl_errno_value(in->err));
        if (ex->state == TCPL_SYN_SENT)
            c->ep[x].bits |= TCPL_EP_ICMP_ENDED;
        raise_icmp(c, r, TCPL_A_UNREACHABLE, s);
        eng_apply(c, r, x, EV_ICMP_HARD, s->ts_ns);
    } else {
        raise_icmp(c, r, TCPL_A_ICMP_ERROR, s);
    }
}

/* ------------------------------------------------- rejected SYN-ACKs */

bool eng_bad_synack(tcpl_conn *c, const tcpl_segment *s)
{
    tcpl_endpoint *ex = &c->ep[s->from];
    const tcpl_endpoint *ey = &c->ep[!s->from];

    if ((s->flags & (TCPL_SYN | TCPL_ACK | TCPL_RST)) != (TCPL_SYN | TCPL_ACK) ||
        ey->state != TCPL_SYN_SENT || !(ey->bits & TCPL_EP_SYN) ||
        (ey->bits & TCPL_EP_SYN_UNSEEN))
        return false;
    /* 3.10.7.3 SYN-SENT: acceptable when ISS < SEG.ACK =< SND.NXT. */
    if (seq_lt(ey->isn, s->ack) &&
        (!(ey->bits & TCPL_EP_NXT) || seq_le(s->ack, ey->snd_nxt)))
        return false;
    ex->synack_ack = s->ack;
    ex->bits |= TCPL_EP_BAD_SYNACK;
    return true;
}

bool eng_synack_rejected(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r)
{
    int x = s->from, y = !x;
    tcpl_endpoint *ey = &c->ep[y];

    /* 3.10.7.3: the answer to an unacceptable ACK is <SEQ=SEG.ACK><CTL=RST>. */
    if (c->ep[x].state != TCPL_SYN_SENT || (s->flags & TCPL_ACK))
        return false;
    if (!(ey->bits & TCPL_EP_BAD_SYNACK) || s->seq != ey->synack_ack) {
        /* A SYN-SENT socket never aborts with a RST (Linux sends none on
         * close() during connect), so a bare RST not at its own next
         * sequence number answers a segment of the peer: with no SYN-ACK
         * of the peer seen, one the capture missed, rejected. */
        if ((ey->bits & TCPL_EP_SYNACK) || eng_holds(ey->state) ||
            ((c->ep[x].bits & TCPL_EP_NXT) && s->seq == c->ep[x].snd_nxt))
            return false;
    }
    ey->bits &= ~(uint32_t)TCPL_EP_BAD_SYNACK;
    c->ep[x].bits |= TCPL_EP_REJECTED;
    eng_raise(c, r, TCPL_A_SYNACK_REJECTED, x, -1);
    eng_apply(c, r, x, EV_SYNACK_REJECT, s->ts_ns);
    eng_apply(c, r, y, EV_RECV_RST, s->ts_ns);
    return true;
}

/* ------------------------------------------------------- forged RSTs */

void eng_note_ttl(tcpl_conn *c, const tcpl_segment *s)
{
    tcpl_endpoint *ex = &c->ep[s->from];

    if (s->ttl == 0 || (s->flags & TCPL_RST))
        return;
    if (ex->ttl_n == 0 || s->ttl < ex->ttl_lo)
        ex->ttl_lo = s->ttl;
    if (ex->ttl_n == 0 || s->ttl > ex->ttl_hi)
        ex->ttl_hi = s->ttl;
    if (ex->ttl_n < UINT32_MAX)
        ex->ttl_n++;
}

bool eng_rst_forged(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r)
{
    const tcpl_endpoint *ex = &c->ep[s->from];
    uint8_t before = r->nevents;

    /* No TTL, or nothing the sender sent to compare with: say nothing. */
    if (s->ttl == 0 || ex->ttl_n == 0)
        return false;
    if ((int)s->ttl + TCPL_TTL_SLACK >= ex->ttl_lo &&
        (int)s->ttl <= (int)ex->ttl_hi + TCPL_TTL_SLACK)
        return false;
    eng_raise(c, r, TCPL_A_RST_INJECTED, s->from, -1);
    if (r->nevents > before) {
        tcpl_event *e = &r->events[r->nevents - 1];
        e->ttl = s->ttl;
        e->ttl_lo = ex->ttl_lo;
        e->ttl_hi = ex->ttl_hi;
    }
    return true;
}

/* ------------------------------------------------- PMTU black holes */

/*
 * Runs on every TCP segment but RSTs, before eng_on_ack() moves X's ACK.
 * Linux keeps resending a segment the path silently drops at full size
 * while MTU probing is off (tcp_mtu_probing=0, the default), until its
 * retries run out minutes later.  The verdict rests on evidence only:
 *   - the head (X's data at Y's cumulative ACK) was seen TCPL_PMTU_SENDS
 *     times at one length over TCPL_PMTU_MIN_LEN, never acknowledged;
 *   - no segment of X that long was ever acknowledged: len_ok bounds the
 *     largest one Y's ACKs could have covered (an ACK's advance, capped at
 *     X's largest segment), and must be above 0 (smaller ones got through);
 *   - Y was alive while the head waited: it repeated its ACK while X had
 *     sent beyond it (a duplicate ACK, typically for a smaller segment
 *     behind the head), so this is not a peer that went away;
 *   - X had no shorter head to resend before (else the path is lossy for
 *     every size), Y's window is open (a closed window also stalls X), and
 *     no ICMP packet too big was seen on the connection (the path does
 *     report, and packet_too_big says so).
 * Fixed-size fields only: nothing is allocated.
 */
void eng_pmtu_step(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r)
{
    int x = s->from, y = !x;
    tcpl_endpoint *ex = &c->ep[x], *ey = &c->ep[y];

    if (s->flags & TCPL_SYN)
        return;
    /* X's ACK over Y's data: what it covers, and whether Y's head left. */
    if ((s->flags & TCPL_ACK) && (ex->bits & TCPL_EP_ACKED)) {
        if (seq_lt(ex->ack, s->ack)) {
            uint32_t adv = s->ack - ex->ack;
            uint32_t covered = adv < ey->len_max ? adv : ey->len_max;
            if (covered > ey->len_ok)
                ey->len_ok = covered;
            ey->bits &= ~(uint32_t)TCPL_EP_DUP_ACKED;
            if (ey->head_sends > 0 && seq_lt(ey->head_seq, s->ack)) {
                ey->head_sends = 0;
                ey->bits &= ~(uint32_t)TCPL_EP_BLACKHOLE;
            }
        } else if (s->ack == ex->ack && (ey->bits & TCPL_EP_NXT) &&
                   seq_lt(s->ack, ey->snd_nxt)) {
            ey->bits |= TCPL_EP_DUP_ACKED;
        }
    }
    if (s->len == 0)
        return;
    if (s->len > ex->len_max)
        ex->len_max = s->len;
    if (!(ey->bits & TCPL_EP_ACKED) || s->seq != ey->ack)
        return;
    if (ex->head_sends > 0 && ex->head_seq == s->seq && ex->head_len == s->len) {
        if (ex->head_sends < UINT32_MAX)
            ex->head_sends++;
        if (ex->head_sends == 2 &&
            (ex->resent_min == 0 || s->len < ex->resent_min))
            ex->resent_min = s->len;
    } else {
        ex->head_seq = s->seq;
        ex->head_len = s->len;
        ex->head_sends = 1;
        ex->head_ns = s->ts_ns;
        ex->bits &= ~(uint32_t)TCPL_EP_BLACKHOLE;
        return;
    }
    if (ex->head_sends < TCPL_PMTU_SENDS || (ex->bits & TCPL_EP_BLACKHOLE) ||
        ex->head_len <= TCPL_PMTU_MIN_LEN || ex->len_ok == 0 ||
        ex->len_ok >= ex->head_len || !(ex->bits & TCPL_EP_DUP_ACKED) ||
        ex->resent_min < ex->head_len || (ey->bits & TCPL_EP_ZERO) ||
        (c->anomalies & TCPL_BIT(TCPL_A_PACKET_TOO_BIG)))
        return;
    ex->bits |= TCPL_EP_BLACKHOLE;
    uint8_t before = r->nevents;
    eng_raise(c, r, TCPL_A_PMTU_BLACKHOLE, x, s->ts_ns - ex->head_ns);
    if (r->nevents > before)
        r->events[r->nevents - 1].bytes = ex->head_len;
}
