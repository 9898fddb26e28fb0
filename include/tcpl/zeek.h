/*
 * zeek.h - Zeek's view of a lifecycle: its conn_state, history and
 * per-direction counts, as Zeek's conn.log would show them.
 *
 * Zeek judges a connection by what each endpoint *sent* (INACTIVE,
 * SYN_SENT, SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED, RESET), a coarser
 * model than our RFC 9293 states and one that never looks at what the peer
 * received.  Users join our reports with their conn.log, so the engine
 * keeps that view too: tcpl_step() updates a tcpl_zeek inside each
 * tcpl_conn from the same segments, so no adapter can forget it and the
 * plugin and the CLI cannot differ.  Nothing here allocates.
 *
 * Zeek's originator is our client (tcpl_conn.client); when the first
 * segment of a lifecycle came from the server, Zeek would have flipped the
 * direction, and the history starts with '^'.  Everything is computed per
 * our lifecycle: where Zeek cuts one lifecycle into several connections
 * (its attempt timer, its removal of a closed connection), see
 * docs/zeek.md; tcpl_zeek_rows below makes those rows on request.
 */
#ifndef TCPL_ZEEK_H
#define TCPL_ZEEK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tcpl_conn;
struct tcpl_segment;

/* Zeek's per-endpoint states (its TCP_ENDPOINT_* values, same order). */
#define TCPL_ZEEK_EP_STATES(X)                                                 \
    X(INACTIVE)                                                                \
    X(SYN_SENT)                                                                \
    X(SYN_ACK_SENT)                                                            \
    X(PARTIAL)                                                                 \
    X(ESTABLISHED)                                                             \
    X(CLOSED)                                                                  \
    X(RESET)

typedef enum tcpl_zeek_ep_state {
#define TCPL_ZEEK_EP_ENUM(n) TCPL_ZE_##n,
    TCPL_ZEEK_EP_STATES(TCPL_ZEEK_EP_ENUM)
#undef TCPL_ZEEK_EP_ENUM
    TCPL_ZE_COUNT
} tcpl_zeek_ep_state;

/* conn.log's conn_state values. */
#define TCPL_ZEEK_CONN_STATES(X)                                               \
    X(S0)                                                                      \
    X(S1)                                                                      \
    X(SF)                                                                      \
    X(REJ)                                                                     \
    X(S2)                                                                      \
    X(S3)                                                                      \
    X(RSTO)                                                                    \
    X(RSTR)                                                                    \
    X(RSTOS0)                                                                  \
    X(RSTRH)                                                                   \
    X(SH)                                                                      \
    X(SHR)                                                                     \
    X(OTH)

typedef enum tcpl_zeek_conn_state {
#define TCPL_ZEEK_CONN_ENUM(n) TCPL_ZC_##n,
    TCPL_ZEEK_CONN_STATES(TCPL_ZEEK_CONN_ENUM)
#undef TCPL_ZEEK_CONN_ENUM
    TCPL_ZC_COUNT
} tcpl_zeek_conn_state;

/* Out-of-order data blocks remembered per direction to tell a content gap
 * from data that merely arrived late.  Zeek keeps them all; more than
 * this many holes at once is counted as if the highest block were
 * missing. */
#define TCPL_ZEEK_BLOCKS 3

/* History bytes kept, NUL included.  A longer history (a storm of RSTs or
 * FINs at new sequence numbers) is cut here; `history_cut` says so. */
#define TCPL_ZEEK_HISTORY 40

/*
 * One endpoint as Zeek tracks it.  Sequence numbers are raw; "rel" values
 * are Zeek's 64-bit relative ones (start + 1 is the first data byte).
 * Callers read `state` and `pkts`, and leave the rest to the engine.
 */
typedef struct tcpl_zeek_endpoint {
    uint64_t pkts;          /* segments it sent */
    uint64_t ip_bytes;      /* the IP lengths of those segments, summed */
    uint64_t reassem;       /* rel: data up to here delivered or declared missing */
    uint64_t trim;          /* rel: the peer acknowledged up to here */
    uint64_t fin_rel;       /* rel: just past its latest FIN */
    uint64_t blk_lo[TCPL_ZEEK_BLOCKS]; /* rel: data seen beyond a hole */
    uint64_t blk_hi[TCPL_ZEEK_BLOCKS];
    uint32_t start;         /* its initial sequence number, as Zeek sets it */
    uint32_t last;          /* one past the highest sequence number it sent */
    uint32_t ack;           /* highest ACK the peer sent for its data */
    uint32_t seq_wraps;     /* times `last` wrapped around 2^32 */
    uint32_t ack_wraps;     /* times `ack` wrapped */
    uint32_t hist_syn;      /* rel (low 32 bits) of its latest SYN */
    uint32_t hist_fin;      /* ... of its latest FIN's end */
    uint32_t hist_rst;      /* ... of its latest RST */
    uint32_t fin_cnt;       /* FINs it sent */
    uint32_t rxmt_cnt;      /* retransmissions ('T'/'t' at 1, 10, 100, ...) */
    uint32_t win0_cnt;      /* zero windows ('W'/'w') */
    uint32_t gap_cnt;       /* content gaps ('G'/'g') */
    uint32_t chk_cnt;       /* bad checksums ('C'/'c'), when checked */
    uint16_t seen;          /* once-per-direction history letters already given */
    uint8_t state;          /* tcpl_zeek_ep_state */
    uint8_t prev_state;
    uint8_t did_close;      /* Zeek reported its close */
    uint8_t nblk;
} tcpl_zeek_endpoint;

typedef struct tcpl_zeek {
    tcpl_zeek_endpoint ep[2]; /* [0] originator (our client), [1] responder */
    uint64_t missed_bytes;    /* bytes in content gaps, as Zeek counts them */
    int64_t last_ns;          /* latest segment before both sides closed
                                 (Zeek's duration ends there) */
    char history[TCPL_ZEEK_HISTORY];
    uint8_t hlen;
    uint8_t history_cut;      /* letters were dropped at the end */
    uint8_t ip_len_unknown;   /* a segment counted came without its IP
                                 length (tcpl_segment.ip_len 0): the IP
                                 byte counts are not known */
} tcpl_zeek;

/* conn_state of the lifecycle so far (as Zeek's conn.log would give it if
 * the connection ended now). */
tcpl_zeek_conn_state tcpl_zeek_state(const struct tcpl_conn *c);

const char *tcpl_zeek_conn_state_name(tcpl_zeek_conn_state s); /* "SF"; "?" */
const char *tcpl_zeek_ep_state_name(tcpl_zeek_ep_state s); /* "SYN_SENT"; "?" */

/*
 * conn_state's name into state[sn] and the history into history[hn], each
 * NUL-terminated when its size is > 0 (a too small buffer truncates).  A
 * NULL buffer is skipped.  Returns the history's length.
 */
size_t tcpl_zeek_verdict(const struct tcpl_conn *c, char *state, size_t sn,
                         char *history, size_t hn);

/* conn.log's counts.  Bytes are payload bytes as the sequence numbers
 * show them (Zeek's endpoint size: data the capture missed but the peer
 * acknowledged counts too); Zeek logs them only when `duration_ns` > 0,
 * which `bytes_logged` says.  IP bytes are Zeek's orig_ip_bytes and
 * resp_ip_bytes: the IP lengths of the packets counted in orig_pkts and
 * resp_pkts, headers included, retransmissions too; known only when every
 * one of those packets gave its length (`ip_bytes_known`: not so from an
 * export without the ip.len / ipv6.plen column). */
typedef struct tcpl_zeek_counts {
    uint64_t orig_pkts, resp_pkts;
    uint64_t orig_bytes, resp_bytes;
    uint64_t orig_ip_bytes, resp_ip_bytes;
    int ip_bytes_known;
    uint64_t missed_bytes; /* Zeek's content gaps, both directions */
    int64_t duration_ns;   /* first segment to the last before both closed */
    int bytes_logged;
} tcpl_zeek_counts;

void tcpl_zeek_counts_of(const struct tcpl_conn *c, tcpl_zeek_counts *out);

/* ------------------------------------------------------------ Zeek's rows */

/*
 * Zeek logs a connection when it removes it, and its timers remove one
 * where TCP would not end it: a later packet of the same 4-tuple then
 * starts a new conn.log row.  A tcpl_zeek_rows, fed the segments of one of
 * our lifecycles, cuts it into the rows Zeek would log, each with its
 * conn_state, history and counts over just its own segments
 * (core/zeek_rows.c).  It is Zeek's view only: the lifecycle and its
 * verdict (tcpl_conn.zeek) do not change.  The caller owns the object and
 * the rows it keeps; nothing here allocates.
 *
 * Zeek's defaults (scripts/base/init-bare.zeek), which Zeek's own test
 * baselines use.
 */
#define TCPL_ZEEK_ATTEMPT_DELAY_NS INT64_C(5000000000)    /* tcp_attempt_delay */
#define TCPL_ZEEK_CLOSE_DELAY_NS INT64_C(5000000000)      /* tcp_close_delay */
#define TCPL_ZEEK_RESET_DELAY_NS INT64_C(5000000000)      /* tcp_reset_delay */
#define TCPL_ZEEK_INACTIVITY_NS INT64_C(300000000000)     /* tcp_inactivity_timeout */

/* Why Zeek ended a row (the name is the --zeek-rows column's value). */
#define TCPL_ZEEK_CUTS(X)                                                      \
    X(LIFECYCLE, "lifecycle")   /* our lifecycle ended: so does the row */     \
    X(ATTEMPT, "attempt")       /* still an unanswered attempt 5 s on */       \
    X(CLOSE, "close")           /* 5 s after its close completed */            \
    X(RESET, "reset")           /* 5 s after a RST that followed a FIN */      \
    X(INACTIVITY, "inactivity") /* 5 min without a packet */                  \
    X(REUSE, "reuse")           /* a SYN at a new sequence number */

typedef enum tcpl_zeek_cut {
#define TCPL_ZEEK_CUT_ENUM(id, name) TCPL_ZCUT_##id,
    TCPL_ZEEK_CUTS(TCPL_ZEEK_CUT_ENUM)
#undef TCPL_ZEEK_CUT_ENUM
    TCPL_ZCUT_COUNT
} tcpl_zeek_cut;

const char *tcpl_zeek_cut_name(tcpl_zeek_cut c); /* "close"; "?" */

/* One conn.log row, complete. */
typedef struct tcpl_zeek_row {
    int64_t first_ns;       /* its first segment: conn.log's ts */
    tcpl_zeek_counts n;
    uint8_t state;          /* tcpl_zeek_conn_state */
    uint8_t cut;            /* tcpl_zeek_cut: why it ended */
    uint8_t history_cut;
    char history[TCPL_ZEEK_HISTORY];
} tcpl_zeek_row;

typedef struct tcpl_zeek_rows {
    tcpl_zeek z;            /* the row being built */
    int64_t first_ns;       /* its first segment */
    int64_t attempt_ns;     /* the attempt timer's time; INT64_MAX: none */
    int64_t remove_ns;      /* removal after a completed close; INT64_MAX */
    int64_t reset_ns;       /* removal after a RST that followed a FIN */
    uint64_t segments;      /* in the row being built */
    uint64_t rows;          /* rows ended so far */
} tcpl_zeek_rows;

void tcpl_zeek_rows_init(tcpl_zeek_rows *zr);

/*
 * Feed a segment of the lifecycle (after tcpl_step() took it; ICMP errors
 * are no TCP packets to Zeek and change nothing), from_client: its sender
 * is our client.  Returns 1 when Zeek would have removed the connection
 * before this segment, which then starts a new row: *done holds the row
 * that ended; else 0.
 */
int tcpl_zeek_rows_step(tcpl_zeek_rows *zr, const struct tcpl_segment *s,
                        bool from_client, tcpl_zeek_row *done);

/* The row being built, as it stands (the lifecycle's last row once the
 * lifecycle ended).  Returns 0, and fills nothing, when it has no
 * segment. */
int tcpl_zeek_rows_last(const tcpl_zeek_rows *zr, tcpl_zeek_row *out);

#ifdef __cplusplus
}
#endif

#endif /* TCPL_ZEEK_H */
