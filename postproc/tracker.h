/*
 * tracker.h - many TCP connections in, one engine per lifecycle, completed
 * lifecycles out.
 *
 * Both inputs of the post-processor (tshark exports and, through the
 * annotate engineer's reader, pcap files) end up here: the caller turns a
 * packet into a 4-tuple and a tcpl_segment and calls tcpl_tracker_packet().
 * The tracker finds the lifecycle of that 4-tuple in its own open-addressing
 * hash table, steps the engine (core/), and records what the engine
 * reported: state transitions (the timeline) and anomaly events, each with
 * the frame that showed it, and the segments that moved it along (for
 * ladder diagrams).  It derives no TCP rule of its own.
 *
 * Memory is proportional to the lifecycles open at a time, not to the
 * input: a lifecycle leaves the table and is handed to the emit callback
 * when
 *   - a port-reuse SYN starts its successor (TCPL_NEW_LIFECYCLE),
 *   - every endpoint is CLOSED, TIME_WAIT, handshaking or unknown and no
 *     segment was seen on it for `linger_ns` of capture time (a SYN after
 *     that long would not meet a TIME_WAIT socket on Linux either: its
 *     TIME_WAIT lasts 60 s), or
 *   - the input ends (tcpl_tracker_finish()), or
 *   - with a cap on open lifecycles (max_open), a new lifecycle needs the
 *     room: the least recently active one is ended at its last segment
 *     and emitted, marked TCPL_LC_END_EVICTED and counted.
 * Each lifecycle is emitted exactly once; tcpl_finish() has run on it.
 */
#ifndef TCPL_POSTPROC_TRACKER_H
#define TCPL_POSTPROC_TRACKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpl/tcpl.h"
#include "tcpl/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The addresses and ports of one packet, as sent, and what it was
 * encapsulated in (all zero when the input does not say: tshark exports).
 * The tunnel takes no part in finding the lifecycle: a connection is its
 * inner 4-tuple, as in Zeek, so that a connection whose two directions
 * travel in different tunnels (GTP-U's per-direction TEIDs, the swapped
 * endpoints of any tunnel) or that is seen both inside and outside one
 * stays one lifecycle.  The price: two tunnels carrying the same inner
 * 4-tuple at the same time (overlapping tenant addresses) are merged.
 */
typedef struct tcpl_tuple {
    uint8_t family;  /* 4 or 6 */
    uint8_t src[16]; /* IPv4 in the first 4 bytes, the rest zero */
    uint8_t dst[16];
    uint16_t sport;
    uint16_t dport;
    tcpl_wire_encap encap; /* encap.n == 0: not encapsulated */
} tcpl_tuple;

/*
 * The tuple and segment of one frame that core's wire decoder read as TCP
 * (or as an ICMP error: then the tuple is the quoted segment's):
 * what `report --pcap`, annotate and the degradation test hand to
 * tcpl_tracker_packet(), made in one place so that they all feed the
 * engine alike.  The sender is the tuple's source; s->from is 0 (the
 * tracker numbers endpoints itself).
 */
void tcpl_tracker_from_wire(const tcpl_wire_tcp *w, int64_t ts_ns,
                            tcpl_tuple *t, tcpl_segment *s);

/* One state an endpoint entered. */
typedef struct tcpl_tl_entry {
    uint64_t frame;   /* frame that showed it; 0 = at the end (tcpl_finish) */
    int64_t ts_ns;    /* when it was entered */
    uint8_t endpoint; /* 0 or 1 */
    uint8_t inferred; /* entered through an inferred transition: deduced
                         from other segments' ACK and sequence numbers
                         (tcpl_transition.inferred), not shown by `frame` */
    tcpl_state state;
} tcpl_tl_entry;

/* One anomaly the engine raised. */
typedef struct tcpl_tl_event {
    uint64_t frame; /* frame that showed it; 0 = at the end (tcpl_finish) */
    int64_t ts_ns;
    tcpl_event ev;
} tcpl_tl_event;

/* One segment that moved a lifecycle along, as ladder diagrams draw it:
 * it changed a state, raised an anomaly, carried SYN, FIN or RST, or
 * closed or reopened its sender's receive window (the engine's
 * TCPL_EP_ZERO before and after the step).  What the engine made of it is
 * in the timeline and events at the same frame. */
enum {
    TCPL_SEG_WINDOW_ZERO = 0x01, /* the sender's window went to 0 */
    TCPL_SEG_WINDOW_OPEN = 0x02  /* the sender's window left 0 */
};

typedef struct tcpl_tl_segment {
    uint64_t frame;
    int64_t ts_ns;
    uint32_t len;    /* payload bytes */
    uint8_t from;    /* the sender, 0 or 1 */
    uint8_t flags;   /* TCP flags as sent (TCPL_SYN | TCPL_ACK ...) */
    uint8_t window;  /* TCPL_SEG_WINDOW_* */
    uint8_t icmp;    /* 4 or 6: an ICMP error quoting a segment `from` sent
                        (flags are the quoted ones); it travels toward
                        `from` */
} tcpl_tl_segment;

/* Why a lifecycle was closed and emitted. */
typedef enum tcpl_lc_end {
    TCPL_LC_END_INPUT,    /* the input ended */
    TCPL_LC_END_IDLE,     /* CLOSED/TIME_WAIT and idle for linger_ns */
    TCPL_LC_END_SUCCESSOR, /* a port-reuse SYN started the next lifecycle */
    TCPL_LC_END_EVICTED    /* max_open reached: it was the least recently
                              active; a later segment of it starts a new
                              (midstream) lifecycle */
} tcpl_lc_end;

/*
 * Per-lifecycle lists are bounded so that one pathological connection
 * (zero-window episodes forever) cannot eat the memory; what does not fit
 * is counted in *_dropped and must be reported as such.
 */
#define TCPL_TL_MAX 256

/* A lifecycle as handed to the emit callback (read-only there). */
typedef struct tcpl_lifecycle {
    tcpl_conn conn;      /* the engine's view; conn.client, conn.first_closer... */
    tcpl_tuple tuple;    /* src/sport = endpoint 0, the sender of its first segment;
                            tuple.encap: that of its first encapsulated packet */
    int64_t stream;      /* stream hint of its first packet (tcp.stream), see below */
    uint32_t successor;  /* 0, or n for the n-th successor on the same stream */
    uint64_t id;         /* creation order, from 0, unique per tracker */
    uint64_t first_frame;
    uint64_t last_frame;
    uint64_t packets;
    int64_t end_ns;      /* time tcpl_finish() ran at */
    tcpl_lc_end end;
    size_t ntimeline;    /* entries in timeline[], in the order they happened */
    size_t nevents;      /* entries in events[] */
    uint64_t timeline_dropped;
    uint64_t events_dropped;
    tcpl_tl_entry *timeline;
    tcpl_tl_event *events;
    size_t nsegments;    /* entries in segments[], in frame order */
    uint64_t segments_dropped;
    tcpl_tl_segment *segments;
    /* With tcpl_tracker_opts.zeek_rows: the rows Zeek's conn.log would
     * hold for this lifecycle, in time order (core/zeek_rows.c); the last
     * one ends with the lifecycle.  Not bounded: each holds at least one
     * packet.  Rows memory could not hold are counted, and a report must
     * then fail rather than leave them out. */
    size_t nzeek_rows;
    uint64_t zeek_rows_dropped;
    tcpl_zeek_row *zeek_rows;
} tcpl_lifecycle;

/* Receives each completed lifecycle; lc is valid during the call only. */
typedef void (*tcpl_tracker_emit_fn)(void *user, const tcpl_lifecycle *lc);

/* Receives each anomaly as the engine raises it, before it is stored in
 * lc (which it may not be: see TCPL_TL_MAX); both valid during the call. */
typedef void (*tcpl_tracker_event_fn)(void *user, const tcpl_lifecycle *lc,
                                      const tcpl_tl_event *ev);

typedef struct tcpl_tracker_opts {
    tcpl_config cfg;           /* engine thresholds */
    int64_t linger_ns;         /* idle time before a closed lifecycle leaves; <= 0: never */
    tcpl_tracker_emit_fn emit; /* required */
    tcpl_tracker_event_fn on_event; /* optional */
    void *user;                /* for emit and on_event */
    uint64_t max_open;         /* cap on lifecycles open at once; 0: none */
    bool zeek_rows;            /* also cut each lifecycle into Zeek's rows */
} tcpl_tracker_opts;

/* Defaults: engine defaults, linger 65 s (Linux TIME_WAIT is 60 s). emit/user left NULL. */
void tcpl_tracker_opts_init(tcpl_tracker_opts *o);

typedef struct tcpl_tracker tcpl_tracker;

/* NULL when out of memory. */
tcpl_tracker *tcpl_tracker_new(const tcpl_tracker_opts *o);

/* Frees everything, including lifecycles not emitted yet (they are lost:
 * call tcpl_tracker_finish() first to report them). NULL is fine. */
void tcpl_tracker_free(tcpl_tracker *tr);

/* What one packet did, for callers that draw per packet (annotate, the
 * plugin cross-check).  Pointers are valid until the next tracker call. */
typedef struct tcpl_packet_info {
    const tcpl_lifecycle *lc; /* lifecycle the packet was stepped into */
    uint8_t from;             /* the sender's endpoint index in lc */
    bool new_lifecycle;       /* it started a successor; prev_finish is set */
    tcpl_result r;            /* the engine's result for this segment */
    tcpl_result prev_finish;  /* the predecessor's tcpl_finish() result */
} tcpl_packet_info;

/*
 * Feed one TCP packet.  s->from is ignored: the tracker numbers endpoints
 * per lifecycle (0 = sender of its first segment).  frame is the caller's
 * frame number (from 1).  stream_hint is tcp.stream when the input has it;
 * a successor with the same hint as its predecessor gets successor =
 * predecessor's + 1 (reported as "7.1"), a different hint starts at 0.  With
 * stream_hint < 0 the tracker numbers lifecycles itself (stream = id).
 * May call the emit callback (successor, idle eviction) before returning.
 * out may be NULL.  Returns 0, or -1 when out of memory (nothing changed),
 * or 1 when s is an ICMP error (s->icmp) quoting a 4-tuple that has no
 * lifecycle, other than one quoting a SYN: nothing changed, out not
 * filled.
 */
int tcpl_tracker_packet(tcpl_tracker *tr, const tcpl_tuple *t,
                        const tcpl_segment *s, uint64_t frame,
                        int64_t stream_hint, tcpl_packet_info *out);

/*
 * Move the tracker's clock to now_ns (never backwards) and emit the
 * lifecycles that have been idle for linger_ns by then: a live capture
 * calls this when no packet came for a while.  Ends are dated as with
 * packets (last segment + linger_ns), so the result does not depend on
 * when this is called.
 */
void tcpl_tracker_advance(tcpl_tracker *tr, int64_t now_ns);

/*
 * End of input: run tcpl_finish() on every lifecycle still open, at the
 * latest timestamp seen, and emit them in creation order.  Returns 0, or -1
 * when out of memory (then nothing was emitted).
 */
int tcpl_tracker_finish(tcpl_tracker *tr);

/* The same with the end dated end_ns: a tracker that saw only a share of
 * the capture (report --pcap's engine workers, shard.c) ends its
 * lifecycles where the whole capture ends, as one tracker would. */
int tcpl_tracker_finish_at(tcpl_tracker *tr, int64_t end_ns);

/*
 * For a caller that reads its input twice and so knows where each
 * 4-tuple is seen for the last time (annotate): a hash of t's 4-tuple,
 * the same for both directions, and a way to end t's lifecycle right
 * after its last packet instead of at the end of the input.  Retiring
 * ends it exactly as tcpl_tracker_finish_at(end_ns) would later (marked
 * TCPL_LC_END_INPUT), so the output is the same, and memory then follows
 * the lifecycles still to be seen again, not every lifecycle of the
 * input.  Returns 1 when t had a lifecycle (emitted), 0 when it had none.
 */
uint64_t tcpl_tracker_tuple_hash(const tcpl_tuple *t);
int tcpl_tracker_retire(tcpl_tracker *tr, const tcpl_tuple *t, int64_t end_ns);

typedef struct tcpl_tracker_stats {
    uint64_t packets;    /* packets stepped */
    uint64_t lifecycles; /* lifecycles created */
    uint64_t open;       /* lifecycles in the table now */
    uint64_t peak_open;  /* most at a time */
    uint64_t evicted;    /* emitted early because idle */
    uint64_t capped;     /* emitted early because max_open was reached */
    int64_t first_ns;    /* earliest timestamp seen (INT64_MAX if none) */
    int64_t last_ns;     /* latest timestamp seen (INT64_MIN if none) */
} tcpl_tracker_stats;

void tcpl_tracker_get_stats(const tcpl_tracker *tr, tcpl_tracker_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* TCPL_POSTPROC_TRACKER_H */
