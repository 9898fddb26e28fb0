/*
 * fsm.c - the RFC 9293 state machine as data, and the only code that moves
 * an endpoint's state.
 *
 * fsm[] has one row per state and one cell per evidence event, each cell
 * citing the rule it follows (RFC 9293 or Linux).  eng_apply() looks a
 * cell up, records the transition and what the application sees (errno),
 * and eng_settle() turns the ACKs seen so far into the events they prove.
 * engine.c and gaps.c decide which events a segment carries; neither sets
 * a state itself, so a reader finds every rule here.
 */
#include <string.h>

#include "engine_int.h"

/* ------------------------------------------------------ the state table */

/* A cell value: the evidence leaves several states possible: UNKNOWN. */
#define DOUBT TCPL_STATE_COUNT

/*
 * next state = fsm[state][event]; 0 (UNKNOWN, never a target) means the
 * event does not move that state; DOUBT makes it UNKNOWN.  LISTEN does
 * not exist on the wire: an endpoint that has not joined the connection
 * yet is CLOSED.
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
        [EV_SYN_AGAIN] = TCPL_SYN_SENT,       /* Linux tcp_v4_err: an ICMP error meeting a socket its application holds
                                                 (connect() still running) is only sk_err_soft: the attempt went on */
        [EV_SEND_SYNACK] = TCPL_SYN_RECEIVED, /* 3.10.7.2 LISTEN, SYN arrives: send SYN-ACK, enter SYN-RECEIVED */
        [EV_SYNACK_UNSEEN] = TCPL_SYN_RECEIVED, /* 3.10.7.2 as above: the SYN-ACK the client acknowledged was sent from LISTEN */
    },
    [TCPL_SYN_SENT] = {
        [EV_SEND_SYNACK] = TCPL_SYN_RECEIVED, /* 3.10.7.3 SYN-SENT, SYN without ACK: simultaneous open, SYN-RECEIVED */
        [EV_RECV_SYN] = TCPL_ESTABLISHED,     /* 3.10.7.3 SYN-SENT, acceptable SYN-ACK: send ACK, ESTABLISHED */
        [EV_SEND_RST] = TCPL_CLOSED,          /* 3.10.5 ABORT in SYN-SENT: delete the TCB */
        [EV_RECV_RST] = TCPL_CLOSED,          /* 3.10.7.3 SYN-SENT, RST with acceptable ACK: connection refused */
        [EV_ICMP_HARD] = TCPL_CLOSED,         /* Linux tcp_v4_err/tcp_v6_err: any ICMP error but PMTU in SYN-SENT sets
                                                 sk_err (icmp_err_convert: ECONNREFUSED, EHOSTUNREACH...) and tcp_done() */
        [EV_SYNACK_REJECT] = TCPL_SYN_SENT,   /* 3.10.7.3 SYN-SENT, unacceptable ACK: send <SEQ=SEG.ACK><CTL=RST>, drop it, stay */
        [EV_END_UNDECIDED] = DOUBT,           /* capture end: the SYN-ACK or RST that decides it is not in the capture */
    },
    [TCPL_SYN_RECEIVED] = {
        [EV_SYN_ACKED] = TCPL_ESTABLISHED,    /* 3.10.7.4 fifth step, SYN-RECEIVED: acceptable ACK, ESTABLISHED */
        [EV_SEND_FIN] = TCPL_FIN_WAIT_1,      /* 3.10.4 CLOSE in SYN-RECEIVED: send FIN, FIN-WAIT-1 */
        [EV_FIN_UNSEEN] = TCPL_FIN_WAIT_1,    /* 3.10.4 as above, the FIN known from the peer's ACK */
        [EV_RECV_FIN] = TCPL_CLOSE_WAIT,      /* 3.10.7.4 eighth step, SYN-RECEIVED: FIN, CLOSE-WAIT */
        [EV_SEND_RST] = TCPL_CLOSED,          /* 3.10.5 ABORT: send RST, delete the TCB */
        [EV_RECV_RST] = TCPL_CLOSED,          /* 3.10.7.4 second step: RST in SYN-RECEIVED closes it */
        [EV_ICMP_HARD] = TCPL_CLOSED,         /* Linux tcp_req_err: the listener drops its request socket (net/host
                                                 unreachable, time exceeded; ICMPv6: fatal errors); a full socket: tcp_done() */
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
bool eng_synchronized(tcpl_state s)
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
bool eng_holds(tcpl_state s)
{
    return s != TCPL_UNKNOWN && s != TCPL_CLOSED;
}

/* ------------------------------------------------------- result records */

void eng_raise(tcpl_conn *c, tcpl_result *r, tcpl_anomaly a,
                        int endpoint, int64_t duration)
{
    c->anomalies |= TCPL_BIT(a);
    r->anomalies |= TCPL_BIT(a);
    if (r->nevents < TCPL_MAX_EVENTS) {
        tcpl_event *e = &r->events[r->nevents++];
        memset(e, 0, sizeof *e);
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
    if (eng_synchronized(to))
        e->bits |= TCPL_EP_SYNCED;
}

void eng_app_error(tcpl_conn *c, tcpl_result *r, int i, tcpl_call call,
                   int err)
{
    tcpl_app_error a = {(uint8_t)call, (uint8_t)err};
    c->ep[i].app = a;
    r->app[i] = a;
}

/*
 * What endpoint i's application sees when ev moves it out of `from`, as
 * Linux reports it: tcp_reset() sets ECONNREFUSED in SYN-SENT, EPIPE in
 * CLOSE-WAIT and ECONNRESET otherwise; tcp_fin() makes read() return 0.
 * Only where the application surely still holds the socket: in FIN-WAIT
 * and later it may have closed it, and a listener's pending connection
 * (SYN-RECEIVED) has no socket yet.
 */
static void app_sees(tcpl_conn *c, tcpl_result *r, int i, event ev,
                     tcpl_state from)
{
    if (ev == EV_RECV_RST) {
        if (from == TCPL_SYN_SENT)
            eng_app_error(c, r, i, TCPL_CALL_CONNECT, 111); /* ECONNREFUSED */
        else if (from == TCPL_ESTABLISHED)
            eng_app_error(c, r, i, TCPL_CALL_READ, 104);    /* ECONNRESET */
        else if (from == TCPL_CLOSE_WAIT)
            eng_app_error(c, r, i, TCPL_CALL_WRITE, 32);    /* EPIPE */
    } else if (ev == EV_RECV_FIN && from == TCPL_ESTABLISHED) {
        eng_app_error(c, r, i, TCPL_CALL_READ, 0);
    }
}

/* Apply one event to endpoint i through the table; true if it moved.
 * `inferred`: the evidence is a segment the capture missed. */
bool eng_apply_as(tcpl_conn *c, tcpl_result *r, int i, event ev,
                     int64_t now, bool inferred)
{
    uint8_t to = fsm[c->ep[i].state][ev];
    if (to == 0)
        return false;
    app_sees(c, r, i, ev, c->ep[i].state);
    enter(c, r, i, to == DOUBT ? TCPL_UNKNOWN : (tcpl_state)to, now,
          inferred || ev >= EV_SYNACK_UNSEEN);
    return true;
}

bool eng_apply(tcpl_conn *c, tcpl_result *r, int i, event ev, int64_t now)
{
    return eng_apply_as(c, r, i, ev, now, false);
}

bool eng_can(tcpl_state s, event ev)
{
    return fsm[s][ev] != 0;
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
bool eng_fin_acked(const tcpl_conn *c, int i)
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
void eng_settle(tcpl_conn *c, tcpl_result *r, int64_t now)
{
    for (int round = 0; round < 8; round++) {
        bool moved = false;
        for (int i = 0; i < 2; i++) {
            const tcpl_endpoint *e = &c->ep[i], *p = &c->ep[!i];
            /* The cell first (e->state as each apply left it): once
             * established, a SYN acked again moves nothing, and that is
             * most segments. */
            /* An ACK the capture missed makes what it proves inferred. */
            bool e_guess = (e->bits & TCPL_EP_ACK_UNSEEN) != 0;
            bool p_guess = (p->bits & TCPL_EP_ACK_UNSEEN) != 0;
            /* A SYN-ACK's ACK is part of the SYN-ACK event itself; only a
             * plain ACK shows a SYN_SENT endpoint completed its side. */
            if (fsm[e->state][EV_RECV_SYN] && (e->bits & TCPL_EP_PLAIN_ACK) &&
                (p->bits & TCPL_EP_SYN) && seq_lt(p->isn, e->ack))
                moved |= eng_apply_as(c, r, i, EV_RECV_SYN, now, e_guess);
            if (fsm[e->state][EV_SYN_ACKED] && syn_acked(c, i))
                moved |= eng_apply_as(c, r, i, EV_SYN_ACKED, now, p_guess);
            if (fsm[e->state][EV_RECV_FIN] && (p->bits & TCPL_EP_FIN) &&
                (e->bits & TCPL_EP_ACKED) && seq_lt(p->fin_seq, e->ack))
                moved |= eng_apply_as(c, r, i, EV_RECV_FIN, now, e_guess);
            if (fsm[e->state][EV_FIN_ACKED] && eng_fin_acked(c, i))
                moved |= eng_apply_as(c, r, i, EV_FIN_ACKED, now, p_guess);
        }
        if (!moved)
            break;
    }
}
