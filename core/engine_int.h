/*
 * engine_int.h - what the parts of the engine share, and nothing public.
 *
 * fsm.c holds the transition table and the only code that moves a state;
 * engine.c steps a segment through it;
 * path.c reads what the path between the endpoints shows (ICMP errors,
 * TTLs, rejected SYN-ACKs); gaps.c holds the reasoning about what the
 * capture missed (segments proven by ACKs and sequence numbers, one-way
 * captures, what the end of the capture leaves undecided).  All feed
 * evidence to the one table through eng_apply(), so a reader still finds
 * every rule in fsm[].
 */
#ifndef TCPL_ENGINE_INT_H
#define TCPL_ENGINE_INT_H

#include "tcpl/tcpl.h"

/* RFC 1982 serial arithmetic: sequence numbers wrap at 2^32. */
static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }

static inline int64_t elapsed(int64_t from, int64_t to)
{
    return to > from ? to - from : 0; /* captures are not always in order */
}

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
    EV_ICMP_HARD,   /* an ICMP error about a segment it sent reached it,
                       one its stack ends the connection attempt on */
    EV_SYNACK_REJECT, /* it answered an unacceptable SYN-ACK with a RST */
    EV_SYN_AGAIN,   /* it retransmitted the SYN of an attempt an ICMP error
                       was taken to have ended */
    /* Evidence of segments the capture missed (capture loss, a one-way
     * tap).  Transitions they cause are reported as inferred. */
    EV_SYNACK_UNSEEN, /* the peer's plain ACK or data shows it got a SYN-ACK from it */
    EV_FIN_UNSEEN,    /* an ACK one past its last byte, or its own next
                         sequence number, shows it sent a FIN */
    EV_END_UNDECIDED, /* the capture ends before what decides its state: an
                         ACK still due, or a RST a one-way capture cannot show */
    EV_COUNT
} event;

/* fsm.c: the table and its bookkeeping. */
bool eng_synchronized(tcpl_state s); /* ESTABLISHED or later */
bool eng_holds(tcpl_state s);        /* holds a connection at all */
void eng_raise(tcpl_conn *c, tcpl_result *r, tcpl_anomaly a, int endpoint,
               int64_t duration);
/* Apply one event to endpoint i through the table; true if it moved.
 * `inferred`: the evidence is a segment the capture missed. */
bool eng_apply_as(tcpl_conn *c, tcpl_result *r, int i, event ev,
                  int64_t now, bool inferred);
bool eng_apply(tcpl_conn *c, tcpl_result *r, int i, event ev, int64_t now);
/* Endpoint i's application saw err from call (tcpl_app_error). */
void eng_app_error(tcpl_conn *c, tcpl_result *r, int i, tcpl_call call,
                   int err);
bool eng_can(tcpl_state s, event ev); /* the table has a cell for it */
bool eng_fin_acked(const tcpl_conn *c, int i);
/* Move both endpoints as far as the ACKs known so far prove. */
void eng_settle(tcpl_conn *c, tcpl_result *r, int64_t now);

/* engine.c: the step. */
/* Endpoint x sent its FIN at fseq (unseen: proven, not captured). */
void eng_sent_fin(tcpl_conn *c, tcpl_result *r, int x, uint32_t fseq,
                  int64_t now, bool unseen);

/* path.c: what the path between the endpoints shows. */
void eng_on_icmp(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r);
/* Endpoint x sent a SYN at seq that only an ICMP error's quote shows. */
void eng_unseen_syn(tcpl_conn *c, tcpl_result *r, int x, uint32_t seq,
                    int64_t now);
/* A SYN-ACK whose ACK its SYN_SENT receiver cannot accept: recorded, and
 * true, so that its ACK field proves nothing. */
bool eng_bad_synack(tcpl_conn *c, const tcpl_segment *s);
/* The RST s answers a rejected SYN-ACK: handled, true. */
bool eng_synack_rejected(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r);
/* The sender's TTL range, from its segments other than RSTs. */
void eng_note_ttl(tcpl_conn *c, const tcpl_segment *s);
/* The RST s has a TTL its apparent sender never used: flagged, true. */
bool eng_rst_forged(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r);
/* The evidence for a PMTU black hole, on every segment but RSTs (before
 * eng_on_ack): raises pmtu_blackhole. */
void eng_pmtu_step(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r);

/* gaps.c: what the capture missed. */
void eng_own_gap(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r);
void eng_on_ack(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r);
/* At tcpl_finish(), before the end-of-capture verdicts. */
void eng_finish_gaps(tcpl_conn *c, tcpl_result *r, int64_t end_ns);

/* zeek.c: Zeek's view of the same segment (c->zeek), once roles are known
 * and before c->segments counts it. */
void eng_zeek_step(tcpl_conn *c, const tcpl_segment *s);
/* The same on any tcpl_zeek (zeek_rows.c keeps one per Zeek row): orig,
 * the sender is the originator; first, it is the row's first segment. */
void eng_zeek_update(tcpl_zeek *z, const tcpl_segment *s, bool orig,
                     bool first);
tcpl_zeek_conn_state eng_zeek_conn_state(const tcpl_zeek *z);
/* any: z has seen a segment, the first at first_ns. */
void eng_zeek_counts(const tcpl_zeek *z, int64_t first_ns, bool any,
                     tcpl_zeek_counts *out);
/* A segment that failed its checksum: Zeek's 'C'/'c', nothing else. */
void eng_zeek_corrupt(tcpl_zeek *z, bool orig);

#endif /* TCPL_ENGINE_INT_H */
