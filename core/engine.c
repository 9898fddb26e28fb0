/*
 * engine.c - the step: which evidence events a segment carries, for which
 * endpoint, in which order; the lifecycle around it (bootstrap from a
 * capture that starts mid-connection, successors on a reused 4-tuple,
 * timers, the end of the capture).
 *
 * The capture point sits between the endpoints, so the engine cannot see
 * inside either stack; it sees evidence.  A segment tells us what its
 * sender did (sent a SYN, a FIN, a RST) and, through its ACK field, what
 * its sender had received.  Each kind of evidence is an event for one
 * endpoint, and the RFC 9293 state machine is the table in fsm.c; this
 * file only decides which events a segment carries.
 *
 * Per segment from X to Y, in this order (tcpl_step):
 *   1. timers that expired since the previous segment (stalls, slow SYN);
 *   2. RST: acceptable or not (RFC 5961), then X and Y to CLOSED;
 *   3. X's segments the capture missed before this one (gaps.c);
 *   4. what X's ACK proves X received, and what it proves about Y's SYN
 *      and FIN, seen or missed by the capture ("settle", fsm.c);
 *   5. what X sends: SYN, SYN-ACK, FIN, data, window;
 *   6. settle again.
 * Receipt comes before sending because an ACK field reports what its
 * sender had received *before* it sent the segment: a FIN whose ACK covers
 * the peer's FIN is sent from CLOSE_WAIT, so it leads to LAST_ACK.
 *
 * Evidence of segments the capture missed is reasoned about in gaps.c and
 * fed to the same table.  No allocation, no I/O, no globals: everything
 * lives in the caller's tcpl_conn and tcpl_result.
 */
#include <string.h>

#include "engine_int.h"

/* ---------------------------------------------------------------- timers */

/*
 * Delays that have run out by `now`, for anomalies that are only known
 * after a while.  Called before each segment is applied (so the segment
 * that ends a stall still shows it) and from tcpl_finish().
 */
static void check_timers(tcpl_conn *c, tcpl_result *r, int64_t now,
                         const tcpl_segment *s)
{
    /* A non-SYN segment with ACK proves the handshake went on at some
     * time the capture did not show, so it cannot prove the SYN-ACK late. */
    bool handshake_moved =
        s && (s->flags & (TCPL_SYN | TCPL_RST | TCPL_ACK)) == TCPL_ACK;
    for (int i = 0; i < 2; i++) {
        tcpl_endpoint *e = &c->ep[i];
        const tcpl_endpoint *p = &c->ep[!i];
        /* Idle time, not time in state: an endpoint that keeps sending
         * after the peer's FIN is using a half-close, not stalled. */
        if (e->state == TCPL_CLOSE_WAIT && !(e->bits & TCPL_EP_CW_STALL) &&
            elapsed(e->active_ns, now) > c->cfg.close_wait_stall_ns) {
            e->bits |= TCPL_EP_CW_STALL;
            eng_raise(c, r, TCPL_A_CLOSE_WAIT_STALL, i,
                        elapsed(e->active_ns, now));
        }
        if ((e->bits & TCPL_EP_ZERO) && !(e->bits & TCPL_EP_ZW_STALL) &&
            elapsed(e->zero_since_ns, now) > c->cfg.zero_window_stall_ns) {
            e->bits |= TCPL_EP_ZW_STALL;
            eng_raise(c, r, TCPL_A_ZERO_WINDOW_STALL, i,
                        elapsed(e->zero_since_ns, now));
        }
        if (e->state == TCPL_SYN_SENT && !(p->bits & TCPL_EP_SYNACK) &&
            !(e->bits & TCPL_EP_SYN_LATE) && !handshake_moved &&
            elapsed(e->syn_ns, now) > c->cfg.syn_timeout_ns) {
            e->bits |= TCPL_EP_SYN_LATE;
            eng_raise(c, r, TCPL_A_SYN_UNANSWERED, i,
                        elapsed(e->syn_ns, now));
        }
        /* Dated when the timer fired, not when we noticed. */
        if (e->state == TCPL_TIME_WAIT &&
            elapsed(e->since_ns, now) >= c->cfg.time_wait_ns)
            eng_apply(c, r, i, EV_TIME_WAIT_DONE,
                  e->since_ns + c->cfg.time_wait_ns);
    }
}

/* ------------------------------------------------------------- lifecycle */

void tcpl_config_init(tcpl_config *cfg)
{
    cfg->syn_timeout_ns = 1000000000;
    cfg->close_wait_stall_ns = 1000000000;
    cfg->zero_window_stall_ns = 1000000000;
    cfg->time_wait_ns = INT64_C(60000000000);
}

void tcpl_conn_init(tcpl_conn *c, const tcpl_config *cfg)
{
    memset(c, 0, sizeof *c);
    if (cfg)
        c->cfg = *cfg;
    else
        tcpl_config_init(&c->cfg);
    c->client = -1;
    c->first_closer = -1;
}

/*
 * Until when prev holds its 4-tuple: forever while an endpoint is open,
 * until the TIME_WAIT timer for an endpoint in TIME_WAIT, and not at all
 * once every endpoint is closed.  An endpoint still in SYN_SENT gave up
 * its attempt when it sent a new SYN, so it holds nothing.
 */
static int64_t held_until(const tcpl_conn *prev)
{
    int64_t until = 0;
    for (int i = 0; i < 2; i++) {
        const tcpl_endpoint *e = &prev->ep[i];
        if (e->state == TCPL_TIME_WAIT) {
            int64_t t = e->since_ns + prev->cfg.time_wait_ns;
            if (t > until)
                until = t;
        } else if (eng_holds(e->state) && e->state != TCPL_SYN_SENT) {
            return INT64_MAX;
        }
    }
    return until;
}

void tcpl_conn_successor(tcpl_conn *next, const tcpl_conn *prev)
{
    tcpl_conn_init(next, &prev->cfg);
    next->prev_held_ns = held_until(prev);
}

bool tcpl_conn_is_over(const tcpl_conn *c)
{
    return c->segments > 0 && !eng_holds(c->ep[0].state) &&
           !eng_holds(c->ep[1].state);
}

/* Only the counts and what is always read are cleared: the transition
 * and event arrays (~350 bytes) are valid up to their counts, and clearing
 * them on every segment cost more than most of the step. */
static void result_clear(tcpl_result *r)
{
    r->anomalies = 0;
    r->ntransitions = 0;
    r->nevents = 0;
    memset(r->app, 0, sizeof r->app);
}

static void result_init(const tcpl_conn *c, tcpl_result *r, int64_t now)
{
    result_clear(r);
    for (int i = 0; i < 2; i++) {
        r->state[i] = c->ep[i].state;
        r->in_state_ns[i] = c->segments ? elapsed(c->ep[i].since_ns, now) : 0;
    }
}

static void result_done(const tcpl_conn *c, tcpl_result *r)
{
    r->state[0] = c->ep[0].state;
    r->state[1] = c->ep[1].state;
}

/*
 * A SYN without ACK that cannot belong to the lifecycle c holds: c is over
 * or lingering in TIME_WAIT, or its sender had given up its own attempt.
 * A retransmitted SYN (same ISN) always belongs to c.  A SYN-ACK with a
 * new ISN from an endpoint that already sent one answers a new SYN the
 * capture missed (a stack accepts a SYN only on a 4-tuple it no longer
 * holds): it opens the next lifecycle too.
 */
static bool opens_new_lifecycle(const tcpl_conn *c, const tcpl_segment *s)
{
    const tcpl_endpoint *x = &c->ep[s->from], *y = &c->ep[!s->from];
    uint16_t f = s->flags & (TCPL_SYN | TCPL_ACK | TCPL_RST);
    if ((f != TCPL_SYN && f != (TCPL_SYN | TCPL_ACK)) || c->segments == 0 ||
        s->icmp)
        return false;
    if ((x->bits & TCPL_EP_SYN) && s->seq == x->isn)
        return false;
    bool ended = true;
    for (int i = 0; i < 2; i++)
        if (eng_holds(c->ep[i].state) && c->ep[i].state != TCPL_TIME_WAIT)
            ended = false;
    /* A fresh SYN-ACK answers a new SYN the capture missed. */
    if (f != TCPL_SYN)
        return (x->bits & TCPL_EP_SYNACK) != 0;
    if (ended)
        return true;
    return x->state == TCPL_SYN_SENT && (x->bits & TCPL_EP_SYN) &&
           !eng_holds(y->state);
}

/*
 * The first segment of a connection: who is who, and where each endpoint
 * starts.  A SYN names the client; a SYN-ACK names the server (its
 * client's SYN came before the capture); anything else is mid-stream.
 */
static void bootstrap(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r)
{
    int x = s->from, y = !x;
    int64_t now = s->ts_ns;
    c->first_ns = now;
    c->ep[0].since_ns = c->ep[1].since_ns = now;
    if ((s->flags & (TCPL_SYN | TCPL_RST)) == TCPL_SYN) {
        bool synack = (s->flags & TCPL_ACK) != 0;
        c->client = (int8_t)(synack ? y : x);
        /* No TCB exists yet on the passive side: CLOSED, not LISTEN. */
        c->ep[synack ? x : y].state = TCPL_CLOSED;
        if (synack) {
            /* The SYN-ACK proves the SYN it answers, and its ISN. */
            tcpl_endpoint *ey = &c->ep[y];
            ey->state = TCPL_SYN_SENT;
            ey->syn_ns = now;
            ey->isn = s->ack - 1;
            ey->snd_nxt = s->ack;
            ey->bits |= TCPL_EP_SYN | TCPL_EP_NXT | TCPL_EP_SYN_UNSEEN;
        }
        return;
    }
    /* Mid-stream: a listener usually owns the lower, well-known port. */
    bool rst = (s->flags & TCPL_RST) != 0;
    if (s->sport && s->dport && s->sport != s->dport)
        c->client = (int8_t)(s->sport > s->dport ? x : y);
    else
        c->client = (int8_t)x;
    c->role_guessed = 1;
    /* A lone RST shows no connection was synchronized: it may refuse a
     * SYN the capture missed as well as abort one. */
    if (!rst) {
        eng_apply(c, r, x, EV_PICKUP, now);
        eng_apply(c, r, y, EV_PICKUP, now);
        /* X's ACK is where Y's sending stands: later ACKs past it show
         * what Y sent, seen or not. */
        if (s->flags & TCPL_ACK) {
            c->ep[y].snd_nxt = s->ack;
            c->ep[y].bits |= TCPL_EP_NXT;
        }
    }
    eng_raise(c, r, TCPL_A_MIDSTREAM, x, -1);
}

/*
 * RFC 5961 as Linux applies it: a RST is acceptable in SYN-SENT when its
 * ACK covers the SYN, otherwise when its sequence number is exactly the
 * next one the receiver expects.  The observer's best estimates of that
 * are the sender's own next sequence number and the receiver's latest ACK.
 */
static bool rst_acceptable(const tcpl_conn *c, const tcpl_segment *s)
{
    const tcpl_endpoint *x = &c->ep[s->from], *y = &c->ep[!s->from];
    if (y->state == TCPL_SYN_SENT && !(x->bits & TCPL_EP_SYNACK))
        return (s->flags & TCPL_ACK) && (y->bits & TCPL_EP_SYN) &&
               seq_lt(y->isn, s->ack) &&
               (!(y->bits & TCPL_EP_NXT) || seq_le(s->ack, y->snd_nxt));
    bool known = false;
    if (x->bits & TCPL_EP_NXT) {
        known = true;
        if (s->seq == x->snd_nxt)
            return true;
    }
    if (y->bits & TCPL_EP_ACKED) {
        known = true;
        if (s->seq == y->ack)
            return true;
    }
    return !known;
}

static void on_rst(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r)
{
    int x = s->from, y = !x;
    tcpl_endpoint *ex = &c->ep[x], *ey = &c->ep[y];
    int64_t now = s->ts_ns;

    if (eng_synack_rejected(c, s, r))
        return;
    bool forged = eng_rst_forged(c, s, r);
    if (!rst_acceptable(c, s)) {
        eng_raise(c, r, TCPL_A_RST_OUT_OF_WINDOW, x, -1);
        return;
    }
    bool fin_before = (ex->bits & TCPL_EP_FIN) || (ey->bits & TCPL_EP_FIN);
    bool was_synced = (ex->bits & TCPL_EP_SYNCED) || (ey->bits & TCPL_EP_SYNCED);
    bool x_held = eng_holds(ex->state), y_held = eng_holds(ey->state);

    if (forged) {
        /* X did not send it, so X keeps its state; Y's stack takes it as
         * X's and closes.  Y's connection is the one that ended first. */
        if (c->first_closer < 0 && was_synced && y_held) {
            c->first_closer = (int8_t)y;
            c->first_close_rst = 1;
        }
        eng_apply(c, r, y, EV_RECV_RST, now);
        return;
    }

    if (ey->state == TCPL_SYN_SENT && !(ex->bits & TCPL_EP_SYNACK)) {
        eng_raise(c, r, TCPL_A_REFUSED, y, -1);
    } else if ((ex->unanswered >= 2 || (ex->bits & TCPL_EP_KEEPALIVE)) &&
               x_held) {
        /* X gave up after its probes went unanswered (Linux aborts a
         * keepalive timeout with a RST): Y has been deaf all along, so the
         * RST most likely never reached it either.  One keepalive is
         * enough: a RST right after one is the keepalive timer's, the
         * capture may have missed the earlier probes. */
        ex->bits |= TCPL_EP_LOST;
        eng_raise(c, r, TCPL_A_HALF_OPEN, x, -1);
        eng_apply(c, r, x, EV_SEND_RST, now);
        if (c->first_closer < 0) {
            c->first_closer = (int8_t)x;
            c->first_close_rst = 1;
        }
        return;
    } else if (!(s->flags & TCPL_ACK) && !(ex->bits & TCPL_EP_FIN) &&
               eng_synchronized(ex->state) && c->last_from == y &&
               c->segments > 0) {
        /* A bare RST answering the peer's segment is what a kernel sends
         * when no socket exists for it: X lost the connection silently.
         * A live socket aborting sends RST+ACK. */
        ex->bits |= TCPL_EP_LOST;
        eng_raise(c, r, TCPL_A_HALF_OPEN, x, -1);
    } else if (fin_before && (x_held || y_held)) {
        eng_raise(c, r, TCPL_A_RST_AFTER_FIN, x, -1);
    } else if (was_synced && (x_held || y_held)) {
        eng_raise(c, r, TCPL_A_RESET, x, -1);
    }
    if (c->first_closer < 0 && was_synced && (x_held || y_held)) {
        c->first_closer = (int8_t)x;
        c->first_close_rst = 1;
    }
    eng_apply(c, r, x, EV_SEND_RST, now);
    eng_apply(c, r, y, EV_RECV_RST, now);
}

/*
 * X sent a FIN at sequence number fseq: seen on the wire, or (unseen)
 * proven by an ACK one past X's last byte or by X's own next sequence
 * number.  The first FIN of a lifecycle names its first closer.
 */
void eng_sent_fin(tcpl_conn *c, tcpl_result *r, int x, uint32_t fseq,
                     int64_t now, bool unseen)
{
    tcpl_endpoint *ex = &c->ep[x], *ey = &c->ep[!x];
    if (ex->bits & TCPL_EP_FIN)
        return;
    tcpl_state before = ex->state;
    ex->fin_seq = fseq;
    ex->fin_ns = now;
    ex->bits |= TCPL_EP_FIN | (unseen ? TCPL_EP_FIN_UNSEEN : 0u);
    /* An unseen FIN's timing is unknown, so it proves no crossing. */
    if (!unseen && before == TCPL_ESTABLISHED && (ey->bits & TCPL_EP_FIN))
        eng_raise(c, r, TCPL_A_SIMULTANEOUS_CLOSE, x, -1);
    if (eng_apply(c, r, x, unseen ? EV_FIN_UNSEEN : EV_SEND_FIN, now) &&
        c->first_closer < 0 && before != TCPL_CLOSE_WAIT) {
        c->first_closer = (int8_t)x;
        c->first_close_rst = 0;
    }
}






/*
 * What X's segment proves about X's sending side: SYN, SYN-ACK, FIN,
 * data beyond the FIN, probes, and the window it advertises.
 */
static void on_send(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r)
{
    int x = s->from, y = !x;
    tcpl_endpoint *ex = &c->ep[x], *ey = &c->ep[y];
    int64_t now = s->ts_ns;
    bool syn = (s->flags & TCPL_SYN) != 0, fin = (s->flags & TCPL_FIN) != 0;
    uint32_t end = s->seq + s->len + (syn ? 1u : 0u) + (fin ? 1u : 0u);
    bool had_nxt = (ex->bits & TCPL_EP_NXT) != 0;

    if (syn) {
        bool synack = (s->flags & TCPL_ACK) != 0;
        bool again = (ex->bits & TCPL_EP_SYN) && s->seq == ex->isn &&
                     (!synack || (ex->bits & TCPL_EP_SYNACK));
        if (again) {
            if (synack)
                ex->bits |= TCPL_EP_RESENT;
            /* The same SYN again: the ICMP error did not end it after all. */
            if (!synack && ex->state == TCPL_CLOSED &&
                (ex->bits & TCPL_EP_ICMP_ENDED)) {
                ex->bits &= ~(uint32_t)TCPL_EP_ICMP_ENDED;
                ex->bits |= TCPL_EP_ICMP_SOFT;
                eng_apply(c, r, x, EV_SYN_AGAIN, now);
            }
            /* Linux resends the SYN at once after rejecting a SYN-ACK
             * (tcp_rcv_synsent_state_process): that one answers the bad
             * SYN-ACK, and the wait for a good one starts over. */
            if (!synack && (ex->bits & TCPL_EP_REJECTED)) {
                ex->bits &= ~(uint32_t)TCPL_EP_REJECTED;
                ex->syn_ns = now;
            } else if (!synack && !(ex->bits & TCPL_EP_SYN_LATE)) {
                /* The SYN retransmitted: no SYN-ACK came back in time. */
                ex->bits |= TCPL_EP_SYN_LATE;
                eng_raise(c, r, TCPL_A_SYN_UNANSWERED, x,
                            elapsed(ex->syn_ns, now));
            }
        } else if ((ex->bits & TCPL_EP_SYN) && s->seq != ex->isn) {
            /* A fresh SYN while the previous lifecycle still holds. */
            eng_raise(c, r, TCPL_A_PORT_REUSE, x, -1);
        } else {
            if (!(ex->bits & TCPL_EP_SYN)) {
                ex->isn = s->seq;
                ex->syn_ns = now;
                ex->bits |= TCPL_EP_SYN;
            }
            if (synack) {
                ex->bits |= TCPL_EP_SYNACK;
                eng_apply(c, r, x, EV_SEND_SYNACK, now);
            } else {
                if (ey->state == TCPL_SYN_SENT)
                    eng_raise(c, r, TCPL_A_SIMULTANEOUS_OPEN, x, -1);
                else if (now < c->prev_held_ns)
                    eng_raise(c, r, TCPL_A_PORT_REUSE, x, -1);
                eng_apply(c, r, x, EV_SEND_SYN, now);
            }
        }
    }

    /* Probes: a keepalive sits one byte below what was already sent; a
     * retransmission repeats sent data.  A zero-window probe looks like a
     * keepalive but is expected while the peer's window is 0. */
    if (had_nxt && eng_synchronized(ex->state) && !syn) {
        bool repeat = (s->len > 0 || fin) && seq_le(end, ex->snd_nxt);
        bool keepalive = s->len <= 1 && !fin && s->seq + 1 == ex->snd_nxt;
        if (fin && repeat && (ex->bits & TCPL_EP_FIN)) {
            ex->bits |= TCPL_EP_RESENT;
            ex->fin_ns = now;
        }
        if ((repeat || keepalive) && !(ey->bits & TCPL_EP_ZERO) &&
            ex->unanswered < UINT16_MAX) {
            ex->unanswered++;
            if (keepalive)
                ex->bits |= TCPL_EP_KEEPALIVE;
        }
    }

    if (fin || s->len > 0)
        ex->bits &= ~(uint32_t)TCPL_EP_TAIL_GAP;
    if (fin)
        eng_sent_fin(c, r, x, s->seq + s->len, now, false);
    /* After a FIN only known from ACKs, "data after FIN" proves that
     * guess wrong (the missed sequence number was a byte), not the sender. */
    if (s->len > 0 && (ex->bits & TCPL_EP_FIN) &&
        !(ex->bits & TCPL_EP_FIN_UNSEEN) &&
        seq_lt(ex->fin_seq, s->seq + s->len) &&
        !(fin && s->seq + s->len == ex->fin_seq))
        eng_raise(c, r, TCPL_A_DATA_AFTER_FIN, x, -1);

    /* Its application is alive in CLOSE_WAIT while it sends new data or
     * its window moves (it reads). */
    if ((s->len > 0 && (!had_nxt || seq_lt(ex->snd_nxt, s->seq + s->len))) ||
        ((ex->bits & TCPL_EP_WIN) && s->window != ex->window))
        ex->active_ns = now;
    ex->window = s->window;
    ex->bits |= TCPL_EP_WIN;

    if (!had_nxt || seq_lt(ex->snd_nxt, end)) {
        ex->snd_nxt = end;
        ex->bits |= TCPL_EP_NXT;
    }

    /* The window of a SYN is never scaled and says nothing of the
     * application, so only synchronized endpoints count. */
    if (!syn && eng_holds(ex->state) && ex->state != TCPL_SYN_SENT) {
        if (s->window == 0 && !(ex->bits & TCPL_EP_ZERO)) {
            ex->bits |= TCPL_EP_ZERO;
            ex->bits &= ~(uint32_t)TCPL_EP_ZW_STALL;
            ex->zero_since_ns = now;
            eng_raise(c, r, TCPL_A_ZERO_WINDOW, x, -1);
        } else if (s->window != 0) {
            ex->bits &= ~(uint32_t)(TCPL_EP_ZERO | TCPL_EP_ZW_STALL);
        }
    }
}

int tcpl_step(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r)
{
    if (s->from > 1) {
        result_init(c, r, s->ts_ns);
        return TCPL_EINVAL;
    }
    if (s->bad_checksum) {
        /* Its bytes are not what the sender sent (or the sender's NIC
         * fixed them after the capture point): evidence of nothing, not
         * even of a new lifecycle.  Only Zeek's history records it. */
        result_init(c, r, s->ts_ns);
        if (c->segments > 0)
            eng_zeek_corrupt(&c->zeek, s->from == c->client);
        result_done(c, r);
        return TCPL_OK;
    }
    if (opens_new_lifecycle(c, s)) {
        result_clear(r);
        memset(r->state, 0, sizeof r->state);
        memset(r->in_state_ns, 0, sizeof r->in_state_ns);
        return TCPL_NEW_LIFECYCLE;
    }
    int x = s->from, y = !x;
    int64_t now = s->ts_ns;

    result_init(c, r, now);
    if (s->icmp) {
        /* Evidence about a segment, not a segment: it never starts a
         * connection nor answers probes. */
        if (c->segments == 0 && tcpl_icmp_quotes_syn(s)) {
            /* The quoted SYN, as a segment the capture missed. */
            bootstrap(c, &(tcpl_segment){.ts_ns = now, .from = s->from,
                                         .flags = TCPL_SYN, .seq = s->seq},
                      r);
            eng_unseen_syn(c, r, x, s->seq, now);
            c->segments++;
        } else if (c->segments > 0) {
            check_timers(c, r, now, NULL);
        }
        if (c->segments > 0)
            eng_on_icmp(c, s, r);
        result_done(c, r);
        return TCPL_OK;
    }
    if (c->segments == 0)
        bootstrap(c, s, r);
    else
        check_timers(c, r, now, s);
    c->ep[x].bits |= TCPL_EP_SEEN;

    if (s->flags & TCPL_RST) {
        on_rst(c, s, r);
    } else {
        eng_note_ttl(c, s);
        /* Receipt first: the ACK field reports what X had received
         * before it sent this segment. */
        /* X's missed segments were sent before this one. */
        eng_own_gap(c, s, r);
        eng_pmtu_step(c, s, r);
        /* An ACK its receiver cannot accept proves nothing it sent. */
        if ((s->flags & TCPL_ACK) && !eng_bad_synack(c, s))
            eng_on_ack(c, s, r);
        on_send(c, s, r);
        eng_settle(c, r, now);
        /* Anything X sends answers Y's probes. */
        c->ep[y].unanswered = 0;
        c->ep[y].bits &= ~(uint32_t)TCPL_EP_KEEPALIVE;
    }
    eng_zeek_step(c, s);

    c->segments++;
    c->last_from = (uint8_t)x;
    if (now > c->last_ns || c->segments == 1)
        c->last_ns = now;
    result_done(c, r);
    return TCPL_OK;
}




void tcpl_finish(tcpl_conn *c, int64_t end_ns, tcpl_result *r)
{
    result_init(c, r, end_ns);
    if (c->finished || c->segments == 0) {
        c->finished = 1;
        return;
    }
    c->finished = 1;
    eng_finish_gaps(c, r, end_ns);
    /* A SYN at the very end of the capture is not unanswered: its answer
     * may simply come after the capture.  check_timers flags one that
     * waited longer than syn_timeout; eng_finish_gaps made one younger
     * than that UNKNOWN. */
    check_timers(c, r, end_ns, NULL);
    for (int i = 0; i < 2; i++) {
        tcpl_endpoint *e = &c->ep[i];
        const tcpl_endpoint *p = &c->ep[!i];
        if (e->state == TCPL_SYN_RECEIVED)
            eng_raise(c, r, TCPL_A_HANDSHAKE_INCOMPLETE, i,
                        elapsed(e->since_ns, end_ns));
        /* Probes unanswered up to the end: the peer is gone or cut off.
         * (Unless the capture never shows the peer's answers at all.) */
        /* Not when a PMTU black hole ate them: the peer was heard after
         * the head went out. */
        if (e->unanswered >= 2 && eng_holds(e->state) && eng_holds(p->state) &&
            (p->bits & TCPL_EP_SEEN) && !(e->bits & TCPL_EP_BLACKHOLE) &&
            !(c->ep[!i].bits & TCPL_EP_LOST)) {
            c->ep[!i].bits |= TCPL_EP_LOST;
            eng_raise(c, r, TCPL_A_HALF_OPEN, !i, -1);
        }
    }
    result_done(c, r);
}
