/*
 * lifecycle-store.h - what the dissector reads from the plugin's memory of
 * a capture (lifecycle-store.c): per-frame records, lifecycles, and the
 * view a dissection draws.
 */
#ifndef TCPL_LIFECYCLE_STORE_H
#define TCPL_LIFECYCLE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <epan/packet.h>

#include "tcpl/tcpl.h"

typedef struct frame_event {
    uint8_t anomaly;     /* tcpl_anomaly */
    uint8_t endpoint;    /* in the numbering of the lifecycle it is about */
    uint8_t of_prev;     /* about the lifecycle this frame's SYN succeeded */
    /* What tcpl_describe() needs of the event beyond its kind: the ICMP
     * error (unreachable, icmp_error, packet_too_big), the TTLs
     * (rst_injected), the byte count (capture_gap) or MTU. */
    uint8_t icmp, icmp_type, icmp_code, icmp_from_peer;
    uint8_t ttl, ttl_lo, ttl_hi;
    uint32_t bytes;
    int64_t duration_ns;
} frame_event;

/* Revisited frames show the lifecycle as of the capture's end.  That view
 * is a finished copy, rebuilt if the live one moved on since (a live
 * capture keeps adding frames while older ones are redrawn).  Allocated
 * only when a frame is revisited. */
typedef struct final_view {
    tcpl_conn conn;
    int64_t end_ns;
    uint32_t segments;
    uint8_t nevents;
    frame_event events[TCPL_MAX_EVENTS];
} final_view;

typedef struct lifecycle {
    tcpl_conn conn;          /* live: advanced by every first-pass frame */
    struct lifecycle *prev;  /* lifecycle it succeeded on the same 4-tuple */
    final_view *final;
    uint32_t last_frame;     /* latest frame stepped into it */
    int32_t stream;          /* Wireshark's tcp.stream of its first frame, -1 */
    uint16_t successor;      /* lifecycles before it on the same 4-tuple */
    uint8_t ep0_side;        /* flow_key side of the engine's endpoint 0 */
} lifecycle;

/* What one frame did, stored on the first pass and drawn on every pass:
 * 32 bytes.  Transitions and events are rare, so they live in a separate
 * block (transitions, then events at an 8-byte boundary, then the
 * application errors, tcpl_app_error[2]) that most frames do not have. */
typedef struct frame_rec {
    lifecycle *lc;            /* NULL: the frame was not stepped */
    int64_t in_state_ns;      /* sender's time in its state before the frame */
    void *extra;              /* ntrans transitions, nevents events */
    uint8_t state[2];         /* both endpoints after the frame */
    uint8_t from;             /* engine endpoint that sent the frame */
    uint8_t ntrans;
    uint8_t nevents;
    uint8_t icmp;             /* an ICMP error about the lifecycle */
    uint8_t tunnelled;        /* the TCP segment was encapsulated */
} frame_rec;

#define EXTRA_EVENTS_AT(ntrans)                                                \
    (((ntrans) * sizeof(tcpl_transition) + 7) & ~(size_t)7)

static inline const tcpl_transition *rec_trans(const frame_rec *r)
{
    return (const tcpl_transition *)r->extra;
}

static inline const frame_event *rec_events(const frame_rec *r)
{
    return (const frame_event *)((const char *)r->extra +
                                 EXTRA_EVENTS_AT(r->ntrans));
}

/* What the frame made each endpoint's application see, after the events
 * in the same block; NULL when the frame has no block (it caused
 * nothing: every error comes with a transition). */
static inline const tcpl_app_error *rec_app(const frame_rec *r)
{
    if (r->extra == NULL)
        return NULL;
    return (const tcpl_app_error *)((const char *)rec_events(r) +
                                    r->nevents * sizeof(frame_event));
}

/* What one dissection of a frame shows: its record, its lifecycle so far
 * (first pass) or as the whole capture shows it (revisited), and, on the
 * lifecycle's last frame when revisited, the verdicts only the capture's
 * end revealed (drawn there like the frame's own anomalies). */
typedef struct frame_view {
    const frame_rec *r;
    lifecycle *lc;
    const tcpl_conn *c;
    const frame_event *end_ev;
    int n_end;
} frame_view;

/* Per file: forget everything (init), drop pointers into the file scope
 * (cleanup, the memory itself is Wireshark's to free). */
void tcpl_store_init(void);
void tcpl_store_cleanup(void);

/* First, in-order pass: step the frame's lifecycle with the engine and
 * store the record; NULL if the frame is not TCP we can read.  New
 * lifecycles start with cfg.  check_sums: verify IPv4 header and TCP
 * checksums; a bad one is no evidence (the CLI's --check-checksums). */
frame_rec *compute(tvbuff_t *tvb, packet_info *pinfo, const tcpl_config *cfg,
                   bool check_sums);

/* The record of frame num, or NULL if it was not stepped. */
frame_rec *rec_get(uint32_t num);

/* The frame's encapsulation as tcpl_wire_encap_str() writes it; false if
 * it has none.  Decodes the frame again: only tunnelled frames carry the
 * text, and keeping it would cost every frame a pointer (kept only for a
 * frame that completed a reassembled datagram in a tunnel). */
bool tunnel_text(tvbuff_t *tvb, packet_info *pinfo, char *buf, size_t n);

/* The frame's time in ns, clamped to +-4e9 s. */
int64_t frame_ns(const nstime_t *t);

/* The view of frame num: the lifecycle so far, or (whole) as the whole
 * capture shows it, with the end's verdicts on its last frame. */
void view_init(frame_view *v, const frame_rec *r, uint32_t num, bool whole);

/* The frame's anomalies in the view: its own, then the end's verdicts. */
int view_nevents(const frame_view *v);
const frame_event *view_event(const frame_view *v, int i);

#endif /* TCPL_LIFECYCLE_STORE_H */
