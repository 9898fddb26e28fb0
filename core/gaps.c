/*
 * gaps.c - reasoning through what the capture missed.
 *
 * Real captures miss packets: a busy tcpdump, a mirror port, a tap that
 * sees one direction.  When the network loses a segment the endpoints
 * notice (a retransmission fills the hole) and engine.c's observer rules
 * apply.  When the capture misses one the network delivered, what was
 * captured proves it: an ACK past the bytes seen, one sequence number past
 * the last byte (a FIN), a plain ACK from SYN_SENT (a SYN-ACK), a sender's
 * next segment starting beyond what it was seen sending.  Each deduction
 * is an event of fsm.c's table, its transitions marked inferred, and
 * the gap itself a capture_gap note.  At the end of the capture, what the
 * capture cannot show (an ACK still due, a RST in a one-way capture)
 * leaves states UNKNOWN rather than guessed, while silence that a stack
 * would have broken by retransmitting counts as acknowledgement.
 */
#include "engine_int.h"

/* The capture missed `seqs` sequence numbers endpoint i sent, `data` of
 * them bytes: a note on this packet, and counts for the report. */
static void capture_gap(tcpl_conn *c, tcpl_result *r, int i, uint32_t seqs,
                        uint32_t data)
{
    tcpl_endpoint *e = &c->ep[i];
    if (seqs == 0)
        return;
    e->gaps++;
    e->missed += data;
    eng_raise(c, r, TCPL_A_CAPTURE_GAP, i, -1);
    if (r->nevents > 0 && r->events[r->nevents - 1].anomaly ==
                              TCPL_A_CAPTURE_GAP)
        r->events[r->nevents - 1].bytes = data;
}

/*
 * A hole in i's own sequence numbers is settled: the peer acknowledged
 * past it with no retransmission filling it, so the network delivered
 * what the capture missed.
 */
static void hole_acked(tcpl_conn *c, tcpl_result *r, int i, uint32_t ack)
{
    tcpl_endpoint *e = &c->ep[i];
    if ((e->bits & TCPL_EP_HOLE) && seq_le(e->hole_hi, ack)) {
        e->bits &= ~(uint32_t)TCPL_EP_HOLE;
        uint32_t n = e->hole_hi - e->hole_lo;
        bool fin_in = (e->bits & TCPL_EP_FIN_UNSEEN) &&
                      e->fin_seq == e->hole_hi - 1;
        capture_gap(c, r, i, n, fin_in ? n - 1 : n);
    }
}

/*
 * Y (endpoint y) sent sequence numbers up to `upto` that the capture never
 * showed: X acknowledged them.  Whatever Y sent after its SYN carried an
 * ACK (RFC 9293 3.10.7.4: every segment after the handshake does), and
 * it was sent after X's earlier segments, so it acknowledged X's SYN and
 * what X had sent before (x_sent); one sequence number past Y's last
 * byte, with nothing seen after it, is Y's FIN.
 */
static void unseen_sent(tcpl_conn *c, tcpl_result *r, int y, uint32_t upto,
                        bool x_had, uint32_t x_sent, int64_t now)
{
    tcpl_endpoint *ey = &c->ep[y];
    const tcpl_endpoint *ex = &c->ep[!y];
    uint32_t from = ey->snd_nxt, n = upto - from;

    /* A FIN x had to send again was not acknowledged by y's segments
     * before it (FINs that crossed: a simultaneous close). */
    if (x_had && (ex->bits & TCPL_EP_FIN) && (ex->bits & TCPL_EP_RESENT) &&
        seq_lt(ex->fin_seq, x_sent))
        x_sent = ex->fin_seq;
    if (x_had && (!(ey->bits & TCPL_EP_ACKED) || seq_lt(ey->ack, x_sent))) {
        ey->ack = x_sent;
        ey->bits |= TCPL_EP_ACKED | TCPL_EP_ACK_UNSEEN | TCPL_EP_PLAIN_ACK;
    } else if ((ex->bits & TCPL_EP_SYN) &&
               (!(ey->bits & TCPL_EP_ACKED) || seq_le(ey->ack, ex->isn))) {
        ey->ack = ex->isn + 1;
        ey->bits |= TCPL_EP_ACKED | TCPL_EP_ACK_UNSEEN | TCPL_EP_PLAIN_ACK;
    }
    eng_settle(c, r, now);

    bool fin = n == 1 && eng_can(ey->state, EV_FIN_UNSEEN);
    if (fin)
        eng_sent_fin(c, r, y, from, now, true);
    else
        ey->active_ns = now; /* it sent data: its application is alive */
    /* After the peer's FIN its next act is usually its own FIN: missed
     * segments then may end with one. */
    if (n > 1 && ey->state == TCPL_CLOSE_WAIT)
        ey->bits |= TCPL_EP_TAIL_GAP;
    else
        ey->bits &= ~(uint32_t)TCPL_EP_TAIL_GAP;
    ey->snd_nxt = upto;
    /* A one-way capture misses the whole direction: that is the
     * one_sided note, not a gap. */
    if (ey->bits & TCPL_EP_SEEN) {
        if ((ey->bits & TCPL_EP_HOLE) && seq_le(from, ey->hole_lo))
            ey->bits &= ~(uint32_t)TCPL_EP_HOLE;
        capture_gap(c, r, y, n, fin ? 0 : n);
    }
}

/*
 * What X's ACK field proves.  Receipt: X got everything below it (the
 * peer's SYN, data, FIN).  And sending: where it covers sequence numbers
 * the capture never showed Y sending, Y sent them.  A plain ACK or data
 * from an endpoint waiting in SYN_SENT shows the peer's SYN-ACK arrived,
 * seen or not.
 */
void eng_on_ack(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r)
{
    int x = s->from, y = !x;
    tcpl_endpoint *ex = &c->ep[x], *ey = &c->ep[y];
    int64_t now = s->ts_ns;
    bool syn = (s->flags & TCPL_SYN) != 0;
    bool x_had = (ex->bits & TCPL_EP_NXT) != 0;
    uint32_t x_sent = ex->snd_nxt;

    if (syn && !(ey->bits & TCPL_EP_SYN) && eng_holds(ex->state)) {
        /* X's SYN-ACK answers Y's SYN, seen or not (simultaneous open
         * when X had sent a SYN of its own). */
        ey->isn = s->ack - 1;
        ey->snd_nxt = s->ack;
        ey->syn_ns = now;
        ey->bits |= TCPL_EP_SYN | TCPL_EP_NXT | TCPL_EP_SYN_UNSEEN;
        eng_apply_as(c, r, y, EV_SEND_SYN, now, true);
    }
    if (!syn && (ex->bits & TCPL_EP_SYN) && !(ex->bits & TCPL_EP_SYNACK) &&
        !(ey->bits & TCPL_EP_SYN) && eng_holds(ex->state)) {
        ey->isn = s->ack - 1;
        ey->snd_nxt = s->ack;
        ey->bits |= TCPL_EP_SYN | TCPL_EP_SYNACK | TCPL_EP_NXT |
                    TCPL_EP_SYN_UNSEEN;
        if (!(ey->bits & TCPL_EP_ACKED)) {
            ey->ack = ex->isn + 1;
            ey->bits |= TCPL_EP_ACKED | TCPL_EP_ACK_UNSEEN;
        }
        eng_apply(c, r, y, EV_SYNACK_UNSEEN, now);
    }

    if (!(ex->bits & TCPL_EP_ACKED) || seq_lt(ex->ack, s->ack)) {
        /* Y sent something new: it is alive, X's probes were answered. */
        if (ex->bits & TCPL_EP_ACKED) {
            ex->unanswered = 0;
            ex->bits &= ~(uint32_t)TCPL_EP_KEEPALIVE;
        }
        ex->ack = s->ack;
        ex->bits |= TCPL_EP_ACKED;
        ex->bits &= ~(uint32_t)TCPL_EP_ACK_UNSEEN;
    } else if (ex->ack == s->ack) {
        ex->bits &= ~(uint32_t)TCPL_EP_ACK_UNSEEN;
    }
    if (!syn)
        ex->bits |= TCPL_EP_PLAIN_ACK;

    hole_acked(c, r, y, s->ack);
    if ((ey->bits & TCPL_EP_NXT) && !(ey->bits & TCPL_EP_FIN) &&
        seq_lt(ey->snd_nxt, s->ack))
        unseen_sent(c, r, y, s->ack, x_had, x_sent, now);
    eng_settle(c, r, now);
}

/*
 * X's segment starts beyond what X was seen sending: the capture or the
 * network lost X's segments in between.  A retransmission into the hole
 * later means the network lost them (the endpoints noticed); the peer's
 * ACK past it without one means the capture did (hole_acked).  One
 * missing sequence number before a bare ACK is X's FIN.
 */
void eng_own_gap(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r)
{
    int x = s->from;
    tcpl_endpoint *ex = &c->ep[x];
    bool fin = (s->flags & TCPL_FIN) != 0;

    if (!(ex->bits & TCPL_EP_NXT) || (s->flags & (TCPL_SYN | TCPL_RST)))
        return;
    if (ex->bits & TCPL_EP_HOLE) {
        if (!seq_lt(s->seq, ex->hole_lo) && seq_lt(s->seq, ex->hole_hi))
            ex->bits &= ~(uint32_t)TCPL_EP_HOLE; /* retransmitted into it */
    }
    if (!seq_lt(ex->snd_nxt, s->seq))
        return;
    uint32_t n = s->seq - ex->snd_nxt;
    if (n == 1 && s->len == 0 && !fin && !(ex->bits & TCPL_EP_FIN) &&
        eng_can(ex->state, EV_FIN_UNSEEN))
        eng_sent_fin(c, r, x, ex->snd_nxt, s->ts_ns, true);
    if (ex->bits & TCPL_EP_HOLE) /* an older hole still open: count it */
        capture_gap(c, r, x, ex->hole_hi - ex->hole_lo,
                    ex->hole_hi - ex->hole_lo);
    ex->hole_lo = ex->snd_nxt;
    ex->hole_hi = s->seq;
    ex->bits |= TCPL_EP_HOLE;
    ex->snd_nxt = s->seq;
}

/*
 * The capture ends before the answer to x's last segment could show: x's
 * state (and its peer's, with `both`) becomes UNKNOWN, with a note saying
 * why.
 */
static void undecided(tcpl_conn *c, tcpl_result *r, int x, bool both,
                      int64_t end_ns)
{
    bool moved = eng_apply(c, r, x, EV_END_UNDECIDED, end_ns);
    if (both)
        moved |= eng_apply(c, r, !x, EV_END_UNDECIDED, end_ns);
    if (moved)
        eng_raise(c, r, TCPL_A_UNDECIDED, x,
                    elapsed(c->last_ns, end_ns));
}

/*
 * A one-way capture: endpoint y was never seen sending, yet the seen
 * endpoint's segments show y exists (its SYN-ACK, data or FIN
 * acknowledged, or a connection picked up mid-stream).  y's ACKs are
 * invisible, not missing, so at the end a FIN x sent and never had to
 * send again counts as acknowledged (a lost one would have been
 * retransmitted); transitions this causes are inferred.  Data x sent
 * last leaves both endpoints UNKNOWN: y's answer may have been a RST.
 */
static void one_sided_end(tcpl_conn *c, tcpl_result *r, int64_t end_ns)
{
    for (int x = 0; x < 2; x++) {
        tcpl_endpoint *ex = &c->ep[x], *ey = &c->ep[!x];
        if (!(ex->bits & TCPL_EP_SEEN) || (ey->bits & TCPL_EP_SEEN))
            continue;
        if (!(ey->bits & (TCPL_EP_SYN | TCPL_EP_NXT | TCPL_EP_ACKED)) &&
            !eng_synchronized(ey->state))
            continue; /* nothing shows y exists: a SYN nobody answered */
        eng_raise(c, r, TCPL_A_ONE_SIDED, x, -1);
        bool unacked = (ex->bits & TCPL_EP_NXT) && eng_holds(ey->state) &&
                       (!(ey->bits & TCPL_EP_ACKED) ||
                        seq_lt(ey->ack, ex->snd_nxt));
        /* Acknowledged at least: x's SYN (y's segments after it carry
         * the ACK), or what y's inferred segments acknowledged. */
        uint32_t base = (ey->bits & TCPL_EP_ACKED) ? ey->ack
                        : (ex->bits & TCPL_EP_SYN) ? ex->isn + 1
                                                   : ex->snd_nxt;
        /* Data x sent last, with no FIN after it to show y still
         * listened (x could not have closed after a RST). */
        bool data = unacked && !(ex->bits & TCPL_EP_FIN) &&
                    seq_lt(base, ex->snd_nxt);
        if (data) {
            /* y answered x's last data with an ACK (both open) or with a
             * RST (both closed): a RST is acknowledged by nothing, so the
             * seen side cannot show which. */
            undecided(c, r, x, true, end_ns);
        } else if (unacked && ex->unanswered == 0 &&
                   !((ex->bits & TCPL_EP_RESENT) &&
                     ex->state == TCPL_SYN_RECEIVED)) {
            ey->ack = ex->snd_nxt;
            ey->bits |= TCPL_EP_ACKED | TCPL_EP_ACK_UNSEEN | TCPL_EP_PLAIN_ACK;
            /* The ACK follows the last segment, not the capture's end
             * (a TIME_WAIT entered then may have expired by the end). */
            eng_settle(c, r, c->last_ns);
        }
    }
}

/*
 * Silence is evidence too.  A stack retransmits a SYN-ACK or a FIN until
 * it is acknowledged (Linux: the SYN-ACK after 1 s, a FIN after its RTO),
 * so one never sent again while the capture went on for twice the answer
 * time (2 * syn_timeout) was acknowledged: by an ACK the capture missed.
 * Two-way lifecycles only; in a one-way one the ACKs are invisible anyway
 * (one_sided_end).  The ACK is dated one answer time after the segment
 * at the latest, so timers (TIME_WAIT) run from then.
 */
static void silence_end(tcpl_conn *c, tcpl_result *r, int64_t end_ns)
{
    int64_t quiet = 2 * c->cfg.syn_timeout_ns;
    for (int x = 0; x < 2; x++) {
        tcpl_endpoint *ex = &c->ep[x], *ey = &c->ep[!x];
        uint32_t covers;
        int64_t sent;
        if (!(ex->bits & TCPL_EP_SEEN) || !(ey->bits & TCPL_EP_SEEN) ||
            (ex->bits & TCPL_EP_RESENT))
            continue;
        if (ex->state == TCPL_SYN_RECEIVED && (ex->bits & TCPL_EP_SYNACK)) {
            covers = ex->isn + 1;
            sent = ex->syn_ns;
        } else if ((ex->bits & TCPL_EP_FIN) && !eng_fin_acked(c, x) &&
                   eng_holds(ex->state)) {
            covers = ex->fin_seq + 1;
            sent = ex->fin_ns;
        } else {
            continue;
        }
        if (elapsed(sent, end_ns) < quiet)
            continue;
        if ((ey->bits & TCPL_EP_ACKED) && !seq_lt(ey->ack, covers))
            continue;
        ey->ack = covers;
        ey->bits |= TCPL_EP_ACKED | TCPL_EP_ACK_UNSEEN | TCPL_EP_PLAIN_ACK;
        capture_gap(c, r, !x, 1, 0);
        eng_settle(c, r, sent + c->cfg.syn_timeout_ns);
    }
}

void eng_finish_gaps(tcpl_conn *c, tcpl_result *r, int64_t end_ns)
{
    one_sided_end(c, r, end_ns);
    silence_end(c, r, end_ns);
    /* A FIN (last) sent within the answer time (syn_timeout) of the
     * capture's end and not yet acknowledged: its ACK may come just after
     * the capture, so neither endpoint's state is decided.  Unacknowledged
     * for longer, the missing ACK is evidence and the states stand.
     * A first SYN likewise: its SYN-ACK or RST may be just after the end. */
    for (int x = 0; x < 2; x++) {
        const tcpl_endpoint *ex = &c->ep[x], *ey = &c->ep[!x];
        if (ex->state == TCPL_SYN_SENT && !(ex->bits & TCPL_EP_SYN_LATE) &&
            !(ey->bits & TCPL_EP_SEEN) &&
            elapsed(ex->syn_ns, end_ns) < c->cfg.syn_timeout_ns)
            undecided(c, r, x, false, end_ns);
        /* The SYN it sent again after an ICMP error: the next error (or
         * a SYN-ACK) that decides it may be just after the end. */
        else if (ex->state == TCPL_SYN_SENT &&
                 (ex->bits & TCPL_EP_ICMP_SOFT) &&
                 elapsed(ex->since_ns, end_ns) < c->cfg.syn_timeout_ns)
            undecided(c, r, x, false, end_ns);
        if ((ex->bits & TCPL_EP_FIN) && (ex->bits & TCPL_EP_SEEN) &&
            (ey->bits & TCPL_EP_SEEN) && !eng_fin_acked(c, x) &&
            elapsed(ex->fin_ns, end_ns) < c->cfg.syn_timeout_ns)
            undecided(c, r, x, true, end_ns);
    }
    /* An endpoint in CLOSE_WAIT whose last segments the capture missed,
     * never seen sending after them: the ACK covering them cannot tell a
     * final FIN from a last byte, but an application that got EOF and
     * sent its last data closes next, in the same burst.  Had it gone on
     * sending, the capture would show it. */
    for (int i = 0; i < 2; i++) {
        tcpl_endpoint *e = &c->ep[i];
        if ((e->bits & TCPL_EP_TAIL_GAP) && e->state == TCPL_CLOSE_WAIT) {
            eng_sent_fin(c, r, i, e->snd_nxt - 1, e->active_ns, true);
            eng_settle(c, r, e->active_ns);
        }
    }
}
