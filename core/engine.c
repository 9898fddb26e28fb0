/*
 * engine.c - infer both endpoints' TCP states from the segments a capture
 * shows, and flag lifecycle anomalies.
 *
 * The capture point sits between the endpoints, so the engine cannot see
 * inside either stack; it sees evidence.  A segment tells us what its
 * sender did (sent a SYN, a FIN, a RST) and, through its ACK field, what
 * its sender had received.  Each kind of evidence is an event for one
 * endpoint, and the RFC 9293 state machine is the table fsm[] below:
 * one row per state, one cell per event, each cell citing the rule it
 * follows.  Everything else here decides which events a segment carries.
 *
 * Per segment from X to Y, in this order (tcpl_step):
 *   1. timers that expired since the previous segment (stalls, slow SYN);
 *   2. RST: acceptable or not (RFC 5961), then X and Y to CLOSED;
 *   3. what X's ACK proves X received, and what it proves about Y's SYN
 *      and FIN ("settle");
 *   4. what X sends: SYN, SYN-ACK, FIN, data, window;
 *   5. settle again.
 * Receipt comes before sending because an ACK field reports what its
 * sender had received *before* it sent the segment: a FIN whose ACK covers
 * the peer's FIN is sent from CLOSE_WAIT, so it leads to LAST_ACK.
 *
 * No allocation, no I/O, no globals: everything lives in the caller's
 * tcpl_conn and tcpl_result.
 */
#include <string.h>

#include "tcpl/tcpl.h"

/* ------------------------------------------------------------- helpers */

/* RFC 1982 serial arithmetic: sequence numbers wrap at 2^32. */
static bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static bool seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }

static int64_t elapsed(int64_t from, int64_t to)
{
    return to > from ? to - from : 0; /* captures are not always in order */
}

/* ------------------------------------------------------ the state table */

/* Evidence about one endpoint, as the capture can show it. */
typedef enum event {
    EV_NONE,
    EV_SEND_SYN,    /* it sent a SYN without ACK */
    EV_SEND_SYNACK, /* it sent a SYN with ACK */
    EV_RECV_SYN,    /* its plain ACK covers the peer's SYN */
    EV_SYN_ACKED,   /* the peer's ACK covers its SYN */
    EV_SEND_FIN,    /* it sent its first FIN */
    EV_RECV_FIN,    /* its ACK covers the peer's FIN */
    EV_FIN_ACKED,   /* the peer's ACK covers its FIN */
    EV_SEND_RST,    /* it sent an acceptable RST */
    EV_RECV_RST,    /* an acceptable RST reached it */
    EV_PICKUP,      /* first sight of a connection with no handshake */
    EV_TIME_WAIT_DONE, /* 2*MSL passed in TIME_WAIT */
    /* Evidence of segments the capture missed (capture loss, a one-way
     * tap).  Transitions they cause are reported as inferred. */
    EV_SYNACK_UNSEEN, /* the peer's plain ACK or data shows it got a SYN-ACK from it */
    EV_FIN_UNSEEN,    /* an ACK one past its last byte, or its own next
                         sequence number, shows it sent a FIN */
    EV_END_UNDECIDED, /* the capture ends before what decides its state: an
                         ACK still due, or a RST a one-way capture cannot show */
    EV_COUNT
} event;

/* A cell value: the evidence leaves several states possible: UNKNOWN. */
#define DOUBT TCPL_STATE_COUNT

/*
 * next state = fsm[state][event]; 0 (UNKNOWN, never a target) means the
 * event does not move that state; DOUBT makes it UNKNOWN.  LISTEN does not exist on the wire: an
 * endpoint that has not joined the connection yet is CLOSED.
 */
static const uint8_t fsm[TCPL_STATE_COUNT][EV_COUNT] = {
    [TCPL_UNKNOWN] = {
        [EV_PICKUP] = TCPL_ESTABLISHED,       /* mid-stream: data flows, so both are synchronized */
        [EV_SEND_SYN] = TCPL_SYN_SENT,        /* 3.10.1 OPEN (active): send SYN, enter SYN-SENT */
        [EV_SEND_RST] = TCPL_CLOSED,          /* 3.10.5 / 3.10.7.1: after a RST its sender holds no TCB, whatever it had */
        [EV_RECV_RST] = TCPL_CLOSED,          /* 3.10.7 an acceptable RST ends any connection attempt or connection */
        /* Other evidence never meets UNKNOWN: bootstrap() places both
         * endpoints on the first segment (a lone RST leaves them here). */
    },
    [TCPL_CLOSED] = {
        [EV_SEND_SYN] = TCPL_SYN_SENT,        /* 3.10.1 OPEN (active): send SYN, enter SYN-SENT */
        [EV_SEND_SYNACK] = TCPL_SYN_RECEIVED, /* 3.10.7.2 LISTEN, SYN arrives: send SYN-ACK, enter SYN-RECEIVED */
        [EV_SYNACK_UNSEEN] = TCPL_SYN_RECEIVED, /* 3.10.7.2 as above: the SYN-ACK the client acknowledged was sent from LISTEN */
    },
    [TCPL_SYN_SENT] = {
        [EV_SEND_SYNACK] = TCPL_SYN_RECEIVED, /* 3.10.7.3 SYN-SENT, SYN without ACK: simultaneous open, SYN-RECEIVED */
        [EV_RECV_SYN] = TCPL_ESTABLISHED,     /* 3.10.7.3 SYN-SENT, acceptable SYN-ACK: send ACK, ESTABLISHED */
        [EV_SEND_RST] = TCPL_CLOSED,          /* 3.10.5 ABORT in SYN-SENT: delete the TCB */
        [EV_RECV_RST] = TCPL_CLOSED,          /* 3.10.7.3 SYN-SENT, RST with acceptable ACK: connection refused */
        [EV_END_UNDECIDED] = DOUBT,           /* capture end: the SYN-ACK or RST that decides it is not in the capture */
    },
    [TCPL_SYN_RECEIVED] = {
        [EV_SYN_ACKED] = TCPL_ESTABLISHED,    /* 3.10.7.4 fifth step, SYN-RECEIVED: acceptable ACK, ESTABLISHED */
        [EV_SEND_FIN] = TCPL_FIN_WAIT_1,      /* 3.10.4 CLOSE in SYN-RECEIVED: send FIN, FIN-WAIT-1 */
        [EV_FIN_UNSEEN] = TCPL_FIN_WAIT_1,    /* 3.10.4 as above, the FIN known from the peer's ACK */
        [EV_RECV_FIN] = TCPL_CLOSE_WAIT,      /* 3.10.7.4 eighth step, SYN-RECEIVED: FIN, CLOSE-WAIT */
        [EV_SEND_RST] = TCPL_CLOSED,          /* 3.10.5 ABORT: send RST, delete the TCB */
        [EV_RECV_RST] = TCPL_CLOSED,          /* 3.10.7.4 second step: RST in SYN-RECEIVED closes it */
    },
    [TCPL_ESTABLISHED] = {
        [EV_SEND_FIN] = TCPL_FIN_WAIT_1,      /* 3.10.4 CLOSE in ESTABLISHED: send FIN, FIN-WAIT-1 */
        [EV_FIN_UNSEEN] = TCPL_FIN_WAIT_1,    /* 3.10.4 as above, the FIN known from the peer's ACK */
        [EV_RECV_FIN] = TCPL_CLOSE_WAIT,      /* 3.10.7.4 eighth step, ESTABLISHED: FIN, CLOSE-WAIT */
        [EV_SEND_RST] = TCPL_CLOSED,          /* 3.10.5 ABORT: send RST, delete the TCB */
        [EV_RECV_RST] = TCPL_CLOSED,          /* 3.10.7.4 second step: RST, connection reset */
        [EV_END_UNDECIDED] = DOUBT,           /* capture end: the ACK or RST that decides it is not in the capture */
    },
    [TCPL_FIN_WAIT_1] = {
        [EV_FIN_ACKED] = TCPL_FIN_WAIT_2,     /* 3.10.7.4 fifth step, FIN-WAIT-1: FIN acknowledged, FIN-WAIT-2 */
        [EV_RECV_FIN] = TCPL_CLOSING,         /* 3.10.7.4 eighth step, FIN-WAIT-1: FIN not yet acked, CLOSING */
        [EV_END_UNDECIDED] = DOUBT,           /* capture end: the ACK or RST that decides it is not in the capture */
        [EV_SEND_RST] = TCPL_CLOSED,          /* 3.10.5 ABORT: send RST, delete the TCB */
        [EV_RECV_RST] = TCPL_CLOSED,          /* 3.10.7.4 second step: RST, connection reset */
    },
    [TCPL_FIN_WAIT_2] = {
        [EV_RECV_FIN] = TCPL_TIME_WAIT,       /* 3.10.7.4 eighth step, FIN-WAIT-2: FIN, TIME-WAIT */
        [EV_END_UNDECIDED] = DOUBT,           /* capture end: the ACK or RST that decides it is not in the capture */
        [EV_SEND_RST] = TCPL_CLOSED,          /* Linux: data after close() is answered by RST, socket gone */
        [EV_RECV_RST] = TCPL_CLOSED,          /* 3.10.7.4 second step: RST, connection reset */
    },
    [TCPL_CLOSING] = {
        [EV_FIN_ACKED] = TCPL_TIME_WAIT,      /* 3.10.7.4 fifth step, CLOSING: FIN acknowledged, TIME-WAIT */
        [EV_SEND_RST] = TCPL_CLOSED,          /* 3.10.5 ABORT: send RST, delete the TCB */
        [EV_RECV_RST] = TCPL_CLOSED,          /* 3.10.7.4 second step: RST closes it */
        [EV_END_UNDECIDED] = DOUBT,           /* capture end: the ACK or RST that decides it is not in the capture */
    },
    [TCPL_TIME_WAIT] = {
        [EV_TIME_WAIT_DONE] = TCPL_CLOSED,    /* 3.10.8 time-wait timeout: delete the TCB (Linux: 60 s) */
        [EV_SEND_RST] = TCPL_CLOSED,          /* Linux: a TIME-WAIT socket answering stray data with RST is removed */
        [EV_RECV_RST] = TCPL_CLOSED,          /* Linux (tcp_rfc1337=0): RST in TIME-WAIT kills it (RFC 1337 hazard) */
    },
    [TCPL_CLOSE_WAIT] = {
        [EV_SEND_FIN] = TCPL_LAST_ACK,        /* 3.10.4 CLOSE in CLOSE-WAIT: send FIN, LAST-ACK */
        [EV_FIN_UNSEEN] = TCPL_LAST_ACK,      /* 3.10.4 as above, the FIN known from the peer's ACK */
        [EV_END_UNDECIDED] = DOUBT,           /* capture end: the ACK or RST that decides it is not in the capture */
        [EV_SEND_RST] = TCPL_CLOSED,          /* 3.10.5 ABORT (Linux: close() with unread data) */
        [EV_RECV_RST] = TCPL_CLOSED,          /* 3.10.7.4 second step: RST, connection reset */
    },
    [TCPL_LAST_ACK] = {
        [EV_FIN_ACKED] = TCPL_CLOSED,         /* 3.10.7.4 fifth step, LAST-ACK: FIN acknowledged, CLOSED */
        [EV_END_UNDECIDED] = DOUBT,           /* capture end: the ACK or RST that decides it is not in the capture */
        [EV_SEND_RST] = TCPL_CLOSED,          /* 3.10.5 ABORT: send RST, delete the TCB */
        [EV_RECV_RST] = TCPL_CLOSED,          /* 3.10.7.4 second step: RST closes it */
    },
};

/* States in which an endpoint holds a synchronized connection. */
static bool synchronized(tcpl_state s)
{
    switch (s) {
    case TCPL_ESTABLISHED: case TCPL_FIN_WAIT_1: case TCPL_FIN_WAIT_2:
    case TCPL_CLOSING: case TCPL_TIME_WAIT: case TCPL_CLOSE_WAIT:
    case TCPL_LAST_ACK:
        return true;
    default:
        return false;
    }
}

/* States in which an endpoint still holds the connection at all. */
static bool holds(tcpl_state s)
{
    return s != TCPL_UNKNOWN && s != TCPL_CLOSED;
}

/* ------------------------------------------------------- result records */

static void raise_event(tcpl_conn *c, tcpl_result *r, tcpl_anomaly a,
                        int endpoint, int64_t duration)
{
    c->anomalies |= TCPL_BIT(a);
    r->anomalies |= TCPL_BIT(a);
    if (r->nevents < TCPL_MAX_EVENTS) {
        tcpl_event *e = &r->events[r->nevents++];
        e->anomaly = a;
        e->endpoint = (uint8_t)endpoint;
        e->duration_ns = duration;
        e->bytes = 0;
    }
}

static void enter(tcpl_conn *c, tcpl_result *r, int i, tcpl_state to,
                  int64_t now, bool inferred)
{
    tcpl_endpoint *e = &c->ep[i];
    if (e->state == to)
        return;
    if (r->ntransitions < TCPL_MAX_TRANSITIONS) {
        tcpl_transition *t = &r->transitions[r->ntransitions++];
        t->endpoint = (uint8_t)i;
        t->inferred = inferred;
        t->from = e->state;
        t->to = to;
    }
    e->state = to;
    e->since_ns = now;
    e->active_ns = now;
    if (synchronized(to))
        e->bits |= TCPL_EP_SYNCED;
}

/* Apply one event to endpoint i through the table; true if it moved.
 * `inferred`: the evidence is a segment the capture missed. */
static bool apply_as(tcpl_conn *c, tcpl_result *r, int i, event ev,
                     int64_t now, bool inferred)
{
    uint8_t to = fsm[c->ep[i].state][ev];
    if (to == 0)
        return false;
    enter(c, r, i, to == DOUBT ? TCPL_UNKNOWN : (tcpl_state)to, now,
          inferred || ev >= EV_SYNACK_UNSEEN);
    return true;
}

static bool apply(tcpl_conn *c, tcpl_result *r, int i, event ev, int64_t now)
{
    return apply_as(c, r, i, ev, now, false);
}

/* ------------------------------------------------------------ evidence */

/* i's SYN is covered by the peer's highest ACK. */
static bool syn_acked(const tcpl_conn *c, int i)
{
    const tcpl_endpoint *e = &c->ep[i], *p = &c->ep[!i];
    return (e->bits & TCPL_EP_SYN) && (p->bits & TCPL_EP_ACKED) &&
           seq_lt(e->isn, p->ack);
}

/* i's FIN is covered by the peer's highest ACK. */
static bool fin_acked(const tcpl_conn *c, int i)
{
    const tcpl_endpoint *e = &c->ep[i], *p = &c->ep[!i];
    return (e->bits & TCPL_EP_FIN) && (p->bits & TCPL_EP_ACKED) &&
           seq_lt(e->fin_seq, p->ack);
}

/*
 * Move both endpoints as far as the ACKs seen so far prove.  Iterates
 * because one step can enable another (simultaneous open: an endpoint
 * whose SYN was acked while it was still SYN_SENT becomes ESTABLISHED
 * once it has sent its SYN-ACK).  Every cell moves forward, so it ends.
 */
static void settle(tcpl_conn *c, tcpl_result *r, int64_t now)
{
    for (int round = 0; round < 8; round++) {
        bool moved = false;
        for (int i = 0; i < 2; i++) {
            const tcpl_endpoint *e = &c->ep[i], *p = &c->ep[!i];
            /* An ACK the capture missed makes what it proves inferred. */
            bool e_guess = (e->bits & TCPL_EP_ACK_UNSEEN) != 0;
            bool p_guess = (p->bits & TCPL_EP_ACK_UNSEEN) != 0;
            /* A SYN-ACK's ACK is part of the SYN-ACK event itself; only a
             * plain ACK shows a SYN_SENT endpoint completed its side. */
            if ((e->bits & TCPL_EP_PLAIN_ACK) && (p->bits & TCPL_EP_SYN) &&
                seq_lt(p->isn, e->ack))
                moved |= apply_as(c, r, i, EV_RECV_SYN, now, e_guess);
            if (syn_acked(c, i))
                moved |= apply_as(c, r, i, EV_SYN_ACKED, now, p_guess);
            if ((p->bits & TCPL_EP_FIN) && (e->bits & TCPL_EP_ACKED) &&
                seq_lt(p->fin_seq, e->ack))
                moved |= apply_as(c, r, i, EV_RECV_FIN, now, e_guess);
            if (fin_acked(c, i))
                moved |= apply_as(c, r, i, EV_FIN_ACKED, now, p_guess);
        }
        if (!moved)
            break;
    }
}

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
            raise_event(c, r, TCPL_A_CLOSE_WAIT_STALL, i,
                        elapsed(e->active_ns, now));
        }
        if ((e->bits & TCPL_EP_ZERO) && !(e->bits & TCPL_EP_ZW_STALL) &&
            elapsed(e->zero_since_ns, now) > c->cfg.zero_window_stall_ns) {
            e->bits |= TCPL_EP_ZW_STALL;
            raise_event(c, r, TCPL_A_ZERO_WINDOW_STALL, i,
                        elapsed(e->zero_since_ns, now));
        }
        if (e->state == TCPL_SYN_SENT && !(p->bits & TCPL_EP_SYNACK) &&
            !(e->bits & TCPL_EP_SYN_LATE) && !handshake_moved &&
            elapsed(e->syn_ns, now) > c->cfg.syn_timeout_ns) {
            e->bits |= TCPL_EP_SYN_LATE;
            raise_event(c, r, TCPL_A_SYN_UNANSWERED, i,
                        elapsed(e->syn_ns, now));
        }
        /* Dated when the timer fired, not when we noticed. */
        if (e->state == TCPL_TIME_WAIT &&
            elapsed(e->since_ns, now) >= c->cfg.time_wait_ns)
            apply(c, r, i, EV_TIME_WAIT_DONE,
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
        } else if (holds(e->state) && e->state != TCPL_SYN_SENT) {
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
    return c->segments > 0 && !holds(c->ep[0].state) &&
           !holds(c->ep[1].state);
}

static void result_init(const tcpl_conn *c, tcpl_result *r, int64_t now)
{
    memset(r, 0, sizeof *r);
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
    if ((f != TCPL_SYN && f != (TCPL_SYN | TCPL_ACK)) || c->segments == 0)
        return false;
    if ((x->bits & TCPL_EP_SYN) && s->seq == x->isn)
        return false;
    bool ended = true;
    for (int i = 0; i < 2; i++)
        if (holds(c->ep[i].state) && c->ep[i].state != TCPL_TIME_WAIT)
            ended = false;
    /* A fresh SYN-ACK answers a new SYN the capture missed. */
    if (f != TCPL_SYN)
        return (x->bits & TCPL_EP_SYNACK) != 0;
    if (ended)
        return true;
    return x->state == TCPL_SYN_SENT && (x->bits & TCPL_EP_SYN) &&
           !holds(y->state);
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
        apply(c, r, x, EV_PICKUP, now);
        apply(c, r, y, EV_PICKUP, now);
        /* X's ACK is where Y's sending stands: later ACKs past it show
         * what Y sent, seen or not. */
        if (s->flags & TCPL_ACK) {
            c->ep[y].snd_nxt = s->ack;
            c->ep[y].bits |= TCPL_EP_NXT;
        }
    }
    raise_event(c, r, TCPL_A_MIDSTREAM, x, -1);
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

    if (!rst_acceptable(c, s)) {
        raise_event(c, r, TCPL_A_RST_OUT_OF_WINDOW, x, -1);
        return;
    }
    bool fin_before = (ex->bits & TCPL_EP_FIN) || (ey->bits & TCPL_EP_FIN);
    bool was_synced = (ex->bits & TCPL_EP_SYNCED) || (ey->bits & TCPL_EP_SYNCED);
    bool x_held = holds(ex->state), y_held = holds(ey->state);

    if (ey->state == TCPL_SYN_SENT && !(ex->bits & TCPL_EP_SYNACK)) {
        raise_event(c, r, TCPL_A_REFUSED, y, -1);
    } else if ((ex->unanswered >= 2 || (ex->bits & TCPL_EP_KEEPALIVE)) &&
               x_held) {
        /* X gave up after its probes went unanswered (Linux aborts a
         * keepalive timeout with a RST): Y has been deaf all along, so the
         * RST most likely never reached it either.  One keepalive is
         * enough: a RST right after one is the keepalive timer's, the
         * capture may have missed the earlier probes. */
        ex->bits |= TCPL_EP_LOST;
        raise_event(c, r, TCPL_A_HALF_OPEN, x, -1);
        apply(c, r, x, EV_SEND_RST, now);
        if (c->first_closer < 0) {
            c->first_closer = (int8_t)x;
            c->first_close_rst = 1;
        }
        return;
    } else if (!(s->flags & TCPL_ACK) && !(ex->bits & TCPL_EP_FIN) &&
               synchronized(ex->state) && c->last_from == y &&
               c->segments > 0) {
        /* A bare RST answering the peer's segment is what a kernel sends
         * when no socket exists for it: X lost the connection silently.
         * A live socket aborting sends RST+ACK. */
        ex->bits |= TCPL_EP_LOST;
        raise_event(c, r, TCPL_A_HALF_OPEN, x, -1);
    } else if (fin_before && (x_held || y_held)) {
        raise_event(c, r, TCPL_A_RST_AFTER_FIN, x, -1);
    } else if (was_synced && (x_held || y_held)) {
        raise_event(c, r, TCPL_A_RESET, x, -1);
    }
    if (c->first_closer < 0 && was_synced && (x_held || y_held)) {
        c->first_closer = (int8_t)x;
        c->first_close_rst = 1;
    }
    apply(c, r, x, EV_SEND_RST, now);
    apply(c, r, y, EV_RECV_RST, now);
}

/*
 * X sent a FIN at sequence number fseq: seen on the wire, or (unseen)
 * proven by an ACK one past X's last byte or by X's own next sequence
 * number.  The first FIN of a lifecycle names its first closer.
 */
static void sent_fin(tcpl_conn *c, tcpl_result *r, int x, uint32_t fseq,
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
        raise_event(c, r, TCPL_A_SIMULTANEOUS_CLOSE, x, -1);
    if (apply(c, r, x, unseen ? EV_FIN_UNSEEN : EV_SEND_FIN, now) &&
        c->first_closer < 0 && before != TCPL_CLOSE_WAIT) {
        c->first_closer = (int8_t)x;
        c->first_close_rst = 0;
    }
}

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
    raise_event(c, r, TCPL_A_CAPTURE_GAP, i, -1);
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
    settle(c, r, now);

    bool fin = n == 1 && fsm[ey->state][EV_FIN_UNSEEN] != 0;
    if (fin)
        sent_fin(c, r, y, from, now, true);
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
static void on_ack(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r)
{
    int x = s->from, y = !x;
    tcpl_endpoint *ex = &c->ep[x], *ey = &c->ep[y];
    int64_t now = s->ts_ns;
    bool syn = (s->flags & TCPL_SYN) != 0;
    bool x_had = (ex->bits & TCPL_EP_NXT) != 0;
    uint32_t x_sent = ex->snd_nxt;

    if (syn && !(ey->bits & TCPL_EP_SYN) && holds(ex->state)) {
        /* X's SYN-ACK answers Y's SYN, seen or not (simultaneous open
         * when X had sent a SYN of its own). */
        ey->isn = s->ack - 1;
        ey->snd_nxt = s->ack;
        ey->syn_ns = now;
        ey->bits |= TCPL_EP_SYN | TCPL_EP_NXT | TCPL_EP_SYN_UNSEEN;
        apply_as(c, r, y, EV_SEND_SYN, now, true);
    }
    if (!syn && (ex->bits & TCPL_EP_SYN) && !(ex->bits & TCPL_EP_SYNACK) &&
        !(ey->bits & TCPL_EP_SYN) && holds(ex->state)) {
        ey->isn = s->ack - 1;
        ey->snd_nxt = s->ack;
        ey->bits |= TCPL_EP_SYN | TCPL_EP_SYNACK | TCPL_EP_NXT |
                    TCPL_EP_SYN_UNSEEN;
        if (!(ey->bits & TCPL_EP_ACKED)) {
            ey->ack = ex->isn + 1;
            ey->bits |= TCPL_EP_ACKED | TCPL_EP_ACK_UNSEEN;
        }
        apply(c, r, y, EV_SYNACK_UNSEEN, now);
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
    settle(c, r, now);
}

/*
 * X's segment starts beyond what X was seen sending: the capture or the
 * network lost X's segments in between.  A retransmission into the hole
 * later means the network lost them (the endpoints noticed); the peer's
 * ACK past it without one means the capture did (hole_acked).  One
 * missing sequence number before a bare ACK is X's FIN.
 */
static void own_gap(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r)
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
        fsm[ex->state][EV_FIN_UNSEEN] != 0)
        sent_fin(c, r, x, ex->snd_nxt, s->ts_ns, true);
    if (ex->bits & TCPL_EP_HOLE) /* an older hole still open: count it */
        capture_gap(c, r, x, ex->hole_hi - ex->hole_lo,
                    ex->hole_hi - ex->hole_lo);
    ex->hole_lo = ex->snd_nxt;
    ex->hole_hi = s->seq;
    ex->bits |= TCPL_EP_HOLE;
    ex->snd_nxt = s->seq;
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
            /* The SYN retransmitted: no SYN-ACK came back in time. */
            if (!synack && !(ex->bits & TCPL_EP_SYN_LATE)) {
                ex->bits |= TCPL_EP_SYN_LATE;
                raise_event(c, r, TCPL_A_SYN_UNANSWERED, x,
                            elapsed(ex->syn_ns, now));
            }
        } else if ((ex->bits & TCPL_EP_SYN) && s->seq != ex->isn) {
            /* A fresh SYN while the previous lifecycle still holds. */
            raise_event(c, r, TCPL_A_PORT_REUSE, x, -1);
        } else {
            if (!(ex->bits & TCPL_EP_SYN)) {
                ex->isn = s->seq;
                ex->syn_ns = now;
                ex->bits |= TCPL_EP_SYN;
            }
            if (synack) {
                ex->bits |= TCPL_EP_SYNACK;
                apply(c, r, x, EV_SEND_SYNACK, now);
            } else {
                if (ey->state == TCPL_SYN_SENT)
                    raise_event(c, r, TCPL_A_SIMULTANEOUS_OPEN, x, -1);
                else if (now < c->prev_held_ns)
                    raise_event(c, r, TCPL_A_PORT_REUSE, x, -1);
                apply(c, r, x, EV_SEND_SYN, now);
            }
        }
    }

    /* Probes: a keepalive sits one byte below what was already sent; a
     * retransmission repeats sent data.  A zero-window probe looks like a
     * keepalive but is expected while the peer's window is 0. */
    if (had_nxt && synchronized(ex->state) && !syn) {
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
        sent_fin(c, r, x, s->seq + s->len, now, false);
    /* After a FIN only known from ACKs, "data after FIN" proves that
     * guess wrong (the missed sequence number was a byte), not the sender. */
    if (s->len > 0 && (ex->bits & TCPL_EP_FIN) &&
        !(ex->bits & TCPL_EP_FIN_UNSEEN) &&
        seq_lt(ex->fin_seq, s->seq + s->len) &&
        !(fin && s->seq + s->len == ex->fin_seq))
        raise_event(c, r, TCPL_A_DATA_AFTER_FIN, x, -1);

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
    if (!syn && holds(ex->state) && ex->state != TCPL_SYN_SENT) {
        if (s->window == 0 && !(ex->bits & TCPL_EP_ZERO)) {
            ex->bits |= TCPL_EP_ZERO;
            ex->bits &= ~(uint32_t)TCPL_EP_ZW_STALL;
            ex->zero_since_ns = now;
            raise_event(c, r, TCPL_A_ZERO_WINDOW, x, -1);
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
    if (opens_new_lifecycle(c, s)) {
        memset(r, 0, sizeof *r);
        return TCPL_NEW_LIFECYCLE;
    }
    int x = s->from, y = !x;
    int64_t now = s->ts_ns;

    result_init(c, r, now);
    if (c->segments == 0)
        bootstrap(c, s, r);
    else
        check_timers(c, r, now, s);
    c->ep[x].bits |= TCPL_EP_SEEN;

    if (s->flags & TCPL_RST) {
        on_rst(c, s, r);
    } else {
        /* Receipt first: the ACK field reports what X had received
         * before it sent this segment. */
        /* X's missed segments were sent before this one. */
        own_gap(c, s, r);
        if (s->flags & TCPL_ACK)
            on_ack(c, s, r);
        on_send(c, s, r);
        settle(c, r, now);
        /* Anything X sends answers Y's probes. */
        c->ep[y].unanswered = 0;
        c->ep[y].bits &= ~(uint32_t)TCPL_EP_KEEPALIVE;
    }

    c->segments++;
    c->last_from = (uint8_t)x;
    if (now > c->last_ns || c->segments == 1)
        c->last_ns = now;
    result_done(c, r);
    return TCPL_OK;
}

/*
 * The capture ends before the answer to x's last segment could show: x's
 * state (and its peer's, with `both`) becomes UNKNOWN, with a note saying
 * why.
 */
static void undecided(tcpl_conn *c, tcpl_result *r, int x, bool both,
                      int64_t end_ns)
{
    bool moved = apply(c, r, x, EV_END_UNDECIDED, end_ns);
    if (both)
        moved |= apply(c, r, !x, EV_END_UNDECIDED, end_ns);
    if (moved)
        raise_event(c, r, TCPL_A_UNDECIDED, x,
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
            !synchronized(ey->state))
            continue; /* nothing shows y exists: a SYN nobody answered */
        raise_event(c, r, TCPL_A_ONE_SIDED, x, -1);
        bool unacked = (ex->bits & TCPL_EP_NXT) && holds(ey->state) &&
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
            settle(c, r, c->last_ns);
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
        } else if ((ex->bits & TCPL_EP_FIN) && !fin_acked(c, x) &&
                   holds(ex->state)) {
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
        settle(c, r, sent + c->cfg.syn_timeout_ns);
    }
}

void tcpl_finish(tcpl_conn *c, int64_t end_ns, tcpl_result *r)
{
    result_init(c, r, end_ns);
    if (c->finished || c->segments == 0) {
        c->finished = 1;
        return;
    }
    c->finished = 1;
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
        if ((ex->bits & TCPL_EP_FIN) && (ex->bits & TCPL_EP_SEEN) &&
            (ey->bits & TCPL_EP_SEEN) && !fin_acked(c, x) &&
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
            sent_fin(c, r, i, e->snd_nxt - 1, e->active_ns, true);
            settle(c, r, e->active_ns);
        }
    }
    check_timers(c, r, end_ns, NULL);
    for (int i = 0; i < 2; i++) {
        tcpl_endpoint *e = &c->ep[i];
        const tcpl_endpoint *p = &c->ep[!i];
        /* A SYN at the very end of the capture is not unanswered: its
         * answer may simply come after the capture (check_timers above
         * flags one that waited longer than syn_timeout). */
        if (e->state == TCPL_SYN_RECEIVED)
            raise_event(c, r, TCPL_A_HANDSHAKE_INCOMPLETE, i,
                        elapsed(e->since_ns, end_ns));
        /* Probes unanswered up to the end: the peer is gone or cut off.
         * (Unless the capture never shows the peer's answers at all.) */
        if (e->unanswered >= 2 && holds(e->state) && holds(p->state) &&
            (p->bits & TCPL_EP_SEEN) &&
            !(c->ep[!i].bits & TCPL_EP_LOST)) {
            c->ep[!i].bits |= TCPL_EP_LOST;
            raise_event(c, r, TCPL_A_HALF_OPEN, !i, -1);
        }
    }
    result_done(c, r);
}
