/*
 * tcpl.h - public interface of the tcp.lifecycle engine.
 *
 * The engine infers the RFC 9293 state of both endpoints of one TCP
 * connection from the segments a capture shows, and flags lifecycle
 * anomalies.  It is decoder-neutral: the Wireshark plugin, the tshark-export
 * reader and the pcap reader all translate their input into tcpl_segment
 * values and feed them to tcpl_step().  The engine does no I/O, keeps no
 * globals and never allocates: the caller owns every object (SQLite-style
 * init(&obj)).
 *
 * Observer semantics: a segment sent by endpoint A changes A's state as
 * *sent*; it changes B's state only once the wire shows B received it (B's
 * ACK covering A's SYN or FIN).  Pure ACKs and acceptable RSTs are taken as
 * received when seen, unless the receiver has stopped answering.
 *
 * Names of states and anomalies are defined once, here, by the X-macro
 * lists below; every adapter prints them through tcpl_state_name() and
 * tcpl_anomaly_name().
 */
#ifndef TCPL_TCPL_H
#define TCPL_TCPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpl/zeek.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- states */

/* RFC 9293 names with underscores.  LISTEN never shows on the wire;
 * UNKNOWN means no evidence yet; CLOSED means no connection exists. */
#define TCPL_STATES(X)                                                         \
    X(UNKNOWN)                                                                 \
    X(CLOSED)                                                                  \
    X(SYN_SENT)                                                                \
    X(SYN_RECEIVED)                                                            \
    X(ESTABLISHED)                                                             \
    X(FIN_WAIT_1)                                                              \
    X(FIN_WAIT_2)                                                              \
    X(CLOSING)                                                                 \
    X(TIME_WAIT)                                                               \
    X(CLOSE_WAIT)                                                              \
    X(LAST_ACK)

typedef enum tcpl_state {
#define TCPL_STATE_ENUM(n) TCPL_##n,
    TCPL_STATES(TCPL_STATE_ENUM)
#undef TCPL_STATE_ENUM
    TCPL_STATE_COUNT
} tcpl_state;

/* ------------------------------------------------------------- anomalies */

typedef enum tcpl_severity {
    TCPL_SEV_CHAT,
    TCPL_SEV_NOTE,
    TCPL_SEV_WARN,
    TCPL_SEV_ERROR
} tcpl_severity;

/* What an anomaly is about.  Capture notes describe the capture, not the
 * connection: they say where the evidence is thin (no handshake captured,
 * segments the capture missed, one direction never seen) and are never
 * counted as a fault of the endpoints. */
typedef enum tcpl_kind {
    TCPL_KIND_CONN,   /* something the endpoints or the network did */
    TCPL_KIND_CAPTURE /* something the capture lacks */
} tcpl_kind;

/*
 * X(ID, "filter name", severity, kind, "plain-words explanation")
 *
 * The explanation is a template for tcpl_describe(): %S is the endpoint the
 * anomaly is about ("client" or "server"), %P its peer, %T a duration in
 * seconds, %B a byte count, %I the ICMP error ("ICMP port unreachable
 * (type 3, code 3) from the server's own address; Linux: ECONNREFUSED"), %L
 * the TTL evidence ("TTL 64, the server's other packets 57").  The filter
 * names are the user-facing values of
 * tcp.lifecycle.anomaly: keep them stable.
 */
#define TCPL_ANOMALIES(X)                                                      \
    X(REFUSED, "refused", TCPL_SEV_WARN, TCPL_KIND_CONN,                       \
      "%P answered %S's SYN with a RST: nothing listens on that port, or a "   \
      "firewall rejects it")                                                   \
    X(SYN_UNANSWERED, "syn_unanswered", TCPL_SEV_WARN, TCPL_KIND_CONN,         \
      "%S's SYN got no SYN-ACK for %T s: dropped by a firewall, a full "       \
      "accept queue or the network")                                           \
    X(HANDSHAKE_INCOMPLETE, "handshake_incomplete", TCPL_SEV_WARN,             \
      TCPL_KIND_CONN,                                                          \
      "%S sent a SYN-ACK but the final ACK never came (%T s in "               \
      "SYN_RECEIVED): SYN flood, spoofed SYN or asymmetric routing")           \
    X(HALF_OPEN, "half_open", TCPL_SEV_WARN, TCPL_KIND_CONN,                   \
      "%S lost the connection while %P still held it: segments met a RST "     \
      "from %S, or went unanswered")                                           \
    X(CLOSE_WAIT_STALL, "close_wait_stall", TCPL_SEV_WARN, TCPL_KIND_CONN,     \
      "%S stayed in CLOSE_WAIT %T s: the application did not close its "       \
      "socket after %P's FIN")                                                 \
    X(RST_AFTER_FIN, "rst_after_fin", TCPL_SEV_NOTE, TCPL_KIND_CONN,           \
      "%S sent a RST after a FIN: an abortive close after a graceful one "     \
      "(unread data at close(), or data arriving after close())")              \
    X(ZERO_WINDOW, "zero_window", TCPL_SEV_NOTE, TCPL_KIND_CONN,               \
      "%S advertised a zero receive window: its application is not reading "   \
      "as fast as %P sends")                                                   \
    X(ZERO_WINDOW_STALL, "zero_window_stall", TCPL_SEV_WARN, TCPL_KIND_CONN,   \
      "%S kept its receive window at zero for %T s: its application stopped "  \
      "reading")                                                               \
    X(RESET, "reset", TCPL_SEV_WARN, TCPL_KIND_CONN,                           \
      "%S aborted the connection with a RST, with no FIN before it")           \
    X(DATA_AFTER_FIN, "data_after_fin", TCPL_SEV_WARN, TCPL_KIND_CONN,         \
      "%S sent new data after its own FIN")                                    \
    X(PORT_REUSE, "port_reuse", TCPL_SEV_NOTE, TCPL_KIND_CONN,                 \
      "%S opened a new connection on the same addresses and ports before "     \
      "the previous one was over (TIME_WAIT or still open)")                   \
    X(SIMULTANEOUS_OPEN, "simultaneous_open", TCPL_SEV_NOTE, TCPL_KIND_CONN,   \
      "both endpoints sent a SYN before seeing the other's (simultaneous "     \
      "open)")                                                                 \
    X(SIMULTANEOUS_CLOSE, "simultaneous_close", TCPL_SEV_NOTE, TCPL_KIND_CONN, \
      "both endpoints sent a FIN before receiving the other's (simultaneous "  \
      "close, through CLOSING)")                                               \
    X(MIDSTREAM, "midstream", TCPL_SEV_NOTE, TCPL_KIND_CAPTURE,                \
      "no handshake in the capture: states picked up mid-stream, roles "       \
      "guessed from the ports")                                                \
    X(RST_OUT_OF_WINDOW, "rst_out_of_window", TCPL_SEV_NOTE, TCPL_KIND_CONN,   \
      "%S sent a RST whose sequence number %P does not expect; stacks "        \
      "following RFC 5961 ignore it, so no state changed")                     \
    X(CAPTURE_GAP, "capture_gap", TCPL_SEV_NOTE, TCPL_KIND_CAPTURE,            \
      "the capture missed segments %S sent that the network delivered (%B "   \
      "bytes of data): %P acknowledged them, or %S's next segment starts "     \
      "beyond them")                                                           \
    X(ONE_SIDED, "one_sided", TCPL_SEV_NOTE, TCPL_KIND_CAPTURE,                \
      "%P was never seen sending (a one-way capture): %P's states are "        \
      "inferred from what %S acknowledged, UNKNOWN where nothing shows them")  \
    X(UNDECIDED, "undecided", TCPL_SEV_NOTE, TCPL_KIND_CAPTURE,                \
      "the capture ends %T s after %S's last segment, before the answer that " \
      "decides the states could show (an ACK or SYN-ACK, or a RST a one-way "  \
      "capture cannot show): they are UNKNOWN")                                \
    X(UNREACHABLE, "unreachable", TCPL_SEV_WARN, TCPL_KIND_CONN,               \
      "%S's connection attempt was ended by %I")                               \
    X(ICMP_ERROR, "icmp_error", TCPL_SEV_NOTE, TCPL_KIND_CONN,                 \
      "a segment %S sent met %I; it did not end the connection (a soft "       \
      "error to %S's stack)")                                                  \
    X(PACKET_TOO_BIG, "packet_too_big", TCPL_SEV_NOTE, TCPL_KIND_CONN,         \
      "a segment %S sent was too big for the path: %I; %S's stack lowers its " \
      "segment size and sends again")                                          \
    X(SYNACK_REJECTED, "synack_rejected", TCPL_SEV_WARN, TCPL_KIND_CONN,       \
      "%P's SYN-ACK acknowledges a sequence number %S never sent, so %S "      \
      "rejected it with a RST and stayed in SYN_SENT: a sequence-rewriting "   \
      "middlebox or asymmetric routing")                                       \
    X(RST_INJECTED, "rst_injected", TCPL_SEV_WARN, TCPL_KIND_CONN,             \
      "a RST in %S's name probably did not come from %S (%L): a middlebox "    \
      "such as a firewall or IPS forged it; %S's own state is unchanged")      \
    X(PMTU_BLACKHOLE, "pmtu_blackhole", TCPL_SEV_WARN, TCPL_KIND_CONN,         \
      "%S's %B-byte segment went unacknowledged for %T s though sent again "   \
      "and again, while %S's smaller segments got through and %P kept "        \
      "answering, and no ICMP packet too big was seen: a PMTU black hole (a "  \
      "router on the way drops segments this large and its ICMP errors are "   \
      "filtered out)")

typedef enum tcpl_anomaly {
#define TCPL_ANOMALY_ENUM(id, name, sev, kind, text) TCPL_A_##id,
    TCPL_ANOMALIES(TCPL_ANOMALY_ENUM)
#undef TCPL_ANOMALY_ENUM
    TCPL_ANOMALY_COUNT
} tcpl_anomaly;

#define TCPL_BIT(a) (UINT32_C(1) << (a))

/* -------------------------------------------------------------- segments */

/* Same bit values as the TCP header's flags octet (tcp.flags). */
enum {
    TCPL_FIN = 0x01,
    TCPL_SYN = 0x02,
    TCPL_RST = 0x04,
    TCPL_PSH = 0x08,
    TCPL_ACK = 0x10,
    TCPL_URG = 0x20,
    TCPL_ECE = 0x40,
    TCPL_CWR = 0x80
};

/*
 * One TCP segment as the capture shows it.  seq and ack may be raw or
 * relative, as long as each direction is consistent; all comparisons use
 * serial-number arithmetic, so wrap-around is fine.
 */
typedef struct tcpl_segment {
    int64_t ts_ns;   /* capture time in ns since any fixed epoch */
    uint32_t seq;    /* sequence number */
    uint32_t ack;    /* acknowledgment number (meaningful with TCPL_ACK) */
    uint32_t len;    /* payload bytes, SYN and FIN not counted */
    uint32_t window; /* header window field, unscaled: 0 is 0 at any scale */
    uint16_t flags;  /* TCPL_FIN | TCPL_SYN | ... */
    uint16_t sport;  /* source port; only guesses roles mid-stream, 0 = unknown */
    uint16_t dport;  /* destination port, likewise */
    uint8_t from;    /* sending endpoint, 0 or 1 (caller's numbering) */
    uint8_t ttl;     /* IPv4 TTL / IPv6 hop limit as captured, 0 = unknown */
    /* An ICMP or ICMPv6 error instead of a TCP segment: icmp is 4 or 6
     * (the ICMP's IP version), 0 for TCP.  Then seq (and flags, ack and
     * len when the quote is long enough, else 0) are the quoted TCP
     * header's, and `from` is the endpoint that sent the quoted segment:
     * the one the error is addressed to. */
    uint8_t icmp;
    uint8_t icmp_type;
    uint8_t icmp_code;
    uint8_t icmp_from_peer; /* the ICMP's source is the quoted segment's
                               destination (the peer's own host), not a
                               router on the path */
    uint16_t icmp_mtu;      /* next-hop MTU of a packet too big, else 0 */
    uint8_t icmp_seq_unknown; /* the input does not give the quoted sequence
                                 number (a tshark export): the error cannot
                                 be checked against the window, and is
                                 taken as matching */
    /* The capture's own limits, not the connection's.  uncaptured: payload
     * bytes the snapshot length cut off (len still counts them: they were
     * on the wire); to Zeek they are a content gap.  bad_checksum: the
     * segment failed a checksum the caller chose to verify; it is no
     * evidence of anything but itself (Zeek's 'C'), and joins an existing
     * lifecycle without starting one.  (bad_checksum sits here, in what
     * would be padding, so that ip_len costs the struct no size.) */
    uint8_t bad_checksum;
    uint32_t uncaptured;
    /* Length of the IP packet that carried the segment, header included
     * (IPv4 total length, IPv6 40 + payload length; the inner packet of a
     * tunnel, the whole datagram of reassembled fragments), as Zeek's
     * orig_ip_bytes / resp_ip_bytes add it up.  0 = unknown (an export
     * without the column, an ICMP error). */
    uint32_t ip_len;
} tcpl_segment;

/* --------------------------------------------------------- ICMP errors */

/*
 * What an ICMP or ICMPv6 error means to a Linux TCP socket (tcp_v4_err,
 * tcp_v6_err; errno values from icmp_err_convert and icmpv6_err_convert).
 */
typedef enum tcpl_icmp_kind {
    TCPL_ICMP_IGNORED, /* not about a TCP segment, or ignored by TCP
                          (source quench, redirect, unknown codes) */
    TCPL_ICMP_ERROR,   /* an error: ends a connection attempt (SYN_SENT,
                          SYN_RECEIVED), a soft error once synchronized */
    TCPL_ICMP_PTB      /* packet too big / fragmentation needed: path MTU
                          discovery, never an error */
} tcpl_icmp_kind;

typedef struct tcpl_icmp_info {
    tcpl_icmp_kind kind;
    const char *what;    /* "port unreachable", "time exceeded" */
    const char *err;     /* the errno a Linux socket reports: "ECONNREFUSED" */
    bool drops_request;  /* Linux also drops a listener's pending connection
                            (a SYN-ACK sent, no socket yet) on it */
} tcpl_icmp_info;

/* An ICMP error quoting a SYN proves that SYN even when the capture
 * missed it (a one-way capture of the other direction): adapters let it
 * start a lifecycle.  No other error does. */
static inline bool tcpl_icmp_quotes_syn(const tcpl_segment *s)
{
    return s->icmp && (s->flags & (TCPL_SYN | TCPL_ACK | TCPL_RST)) == TCPL_SYN;
}

/* family 4 (ICMP) or 6 (ICMPv6); never NULL (unknown: TCPL_ICMP_IGNORED). */
const tcpl_icmp_info *tcpl_icmp_lookup(uint8_t family, uint8_t type,
                                       uint8_t code);

/* -------------------------------------------------------------- settings */

typedef struct tcpl_config {
    int64_t syn_timeout_ns;       /* SYN without SYN-ACK this long: syn_unanswered */
    int64_t close_wait_stall_ns;  /* CLOSE_WAIT this long: close_wait_stall */
    int64_t zero_window_stall_ns; /* window 0 this long: zero_window_stall */
    int64_t time_wait_ns;         /* TIME_WAIT lasts this long (2*MSL), then CLOSED */
} tcpl_config;

/* Defaults: 1 s for each threshold; TIME_WAIT 60 s, as Linux keeps it
 * (TCP_TIMEWAIT_LEN), so final states match what ss shows. */
void tcpl_config_init(tcpl_config *cfg);

/* ------------------------------------------------- what the application saw */

/*
 * The error a Linux application most likely got from its socket, and from
 * which call.  Only what the wire proves: a RST answering a SYN (connect:
 * ECONNREFUSED); an ICMP error ending a connection attempt (connect: the
 * errno of icmp_err_convert / icmpv6_err_convert); the peer's FIN reaching
 * an ESTABLISHED endpoint (read returns 0); a RST reaching an ESTABLISHED
 * endpoint (read: ECONNRESET) or a CLOSE_WAIT one (write: EPIPE, as
 * Linux's tcp_reset sets it there).  Nothing for endpoints that may have
 * closed their socket already (FIN_WAIT_*, CLOSING, LAST_ACK, TIME_WAIT),
 * for a listener's pending connection (no socket yet), nor ETIMEDOUT: the
 * wire cannot show that connect()'s SYN retries ran out.
 */
typedef enum tcpl_call {
    TCPL_CALL_NONE,
    TCPL_CALL_CONNECT,
    TCPL_CALL_READ,
    TCPL_CALL_WRITE
} tcpl_call;

typedef struct tcpl_app_error {
    uint8_t call; /* tcpl_call; TCPL_CALL_NONE: nothing */
    uint8_t err;  /* Linux errno value; 0 with TCPL_CALL_READ: end of stream */
} tcpl_app_error;

/* ------------------------------------------------------------ connection */

/*
 * Per-endpoint tracking.  Public so that callers can allocate it; callers
 * read `state` and `since_ns` and leave the rest to the engine.
 */
typedef struct tcpl_endpoint {
    tcpl_state state;
    int64_t since_ns;      /* when `state` was entered */
    int64_t syn_ns;        /* when its first SYN was sent */
    int64_t zero_since_ns; /* when its window went to 0 (valid with TCPL_EP_ZERO) */
    int64_t fin_ns;        /* when its FIN was last sent (valid with TCPL_EP_FIN) */
    int64_t active_ns;     /* last sign of its application in CLOSE_WAIT:
                              new data sent, or its window moved */
    uint64_t missed;       /* data bytes it sent that the capture missed */
    uint32_t gaps;         /* capture gaps in what it sent */
    uint32_t isn;          /* initial sequence number (valid with TCPL_EP_SYN) */
    uint32_t snd_nxt;      /* highest sequence sent + 1, seen or proven by
                              the peer's ACK (valid with TCPL_EP_NXT) */
    uint32_t fin_seq;      /* sequence number of its FIN (valid with TCPL_EP_FIN) */
    uint32_t ack;          /* highest ack sent (valid with TCPL_EP_ACKED) */
    uint32_t window;       /* latest window field it sent */
    uint32_t hole_lo;      /* a jump in its own sequence numbers, not yet */
    uint32_t hole_hi;      /* known as capture loss or network loss
                              (valid with TCPL_EP_HOLE) */
    uint16_t unanswered;   /* retransmissions/keepalives since the peer last sent */
    uint32_t synack_ack;   /* the unacceptable ACK of its SYN-ACK (valid
                              with TCPL_EP_BAD_SYNACK) */
    uint8_t ttl_lo;        /* lowest and highest IP TTL of the segments */
    uint8_t ttl_hi;        /* it sent, RSTs left out (valid with ttl_n > 0) */
    uint32_t ttl_n;        /* how many of them had a known TTL */
    /* PMTU black hole evidence (path.c).  The head is its data segment
     * that starts at the peer's cumulative ACK, i.e. the oldest it has
     * outstanding. */
    int64_t head_ns;       /* when the head's first copy was seen */
    uint32_t head_seq;     /* the head's sequence number and length, */
    uint32_t head_len;     /* valid with head_sends > 0 */
    uint32_t head_sends;   /* copies of the head seen */
    uint32_t len_max;      /* its largest data segment */
    uint32_t len_ok;       /* no segment of it longer than this was ever
                              acknowledged (an upper bound; 0 none) */
    uint32_t resent_min;   /* shortest head it had to send again, 0 none */
    uint32_t bits;         /* TCPL_EP_* */
    tcpl_app_error app;    /* the latest error its application saw */
} tcpl_endpoint;

enum {
    TCPL_EP_SYN = 0x0001,       /* has sent a SYN (isn valid) */
    TCPL_EP_NXT = 0x0002,       /* snd_nxt valid */
    TCPL_EP_FIN = 0x0004,       /* has sent a FIN (fin_seq valid) */
    TCPL_EP_ACKED = 0x0008,     /* ack valid */
    TCPL_EP_ZERO = 0x0010,      /* its window is 0 now */
    TCPL_EP_ZW_STALL = 0x0020,  /* zero_window_stall raised for this episode */
    TCPL_EP_CW_STALL = 0x0040,  /* close_wait_stall raised */
    TCPL_EP_SYNACK = 0x0080,    /* has sent a SYN-ACK */
    TCPL_EP_SYN_LATE = 0x0100,  /* syn_unanswered raised */
    TCPL_EP_LOST = 0x0200,      /* lost the connection (half-open side) */
    TCPL_EP_SYNCED = 0x0400,    /* has been synchronized (ESTABLISHED or later) */
    TCPL_EP_PLAIN_ACK = 0x0800, /* has sent an ACK without SYN */
    TCPL_EP_SEEN = 0x1000,      /* the capture shows a segment it sent */
    TCPL_EP_FIN_UNSEEN = 0x2000,/* its FIN is known only from ACKs/sequence numbers */
    TCPL_EP_SYN_UNSEEN = 0x4000,/* its SYN(-ACK) is known only from the peer's ACK */
    TCPL_EP_ACK_UNSEEN = 0x8000,/* `ack` is deduced (segments the capture missed) */
    TCPL_EP_WIN = 0x10000,      /* window valid */
    TCPL_EP_HOLE = 0x20000,     /* hole_lo..hole_hi pending */
    TCPL_EP_KEEPALIVE = 0x40000,/* its latest probe was a keepalive, unanswered */
    TCPL_EP_TAIL_GAP = 0x80000, /* the capture missed its latest segments
                                   (more than one sequence number): a FIN
                                   may hide in them */
    TCPL_EP_RESENT = 0x100000,  /* it sent its SYN-ACK or FIN again: that
                                   one was not acknowledged in time */
    TCPL_EP_BAD_SYNACK = 0x200000, /* its SYN-ACK acknowledged what the peer
                                      never sent (synack_ack holds it) */
    TCPL_EP_ICMP_ENDED = 0x400000, /* an ICMP error ended its SYN_SENT */
    TCPL_EP_REJECTED = 0x800000,   /* it rejected a SYN-ACK: its next SYN
                                      answers that, not a silence */
    TCPL_EP_ICMP_SOFT = 0x1000000, /* it went on after an ICMP error (its
                                      SYN again), since since_ns */
    TCPL_EP_DUP_ACKED = 0x2000000, /* the peer acknowledged the same point
                                      again while it had sent beyond it
                                      (the peer is alive, something
                                      behind that point arrived); cleared
                                      when the peer's ACK moves on */
    TCPL_EP_BLACKHOLE = 0x4000000  /* pmtu_blackhole raised for its head */
};

/* A RST whose TTL lies more than this many hops outside the range of TTLs
 * its apparent sender used on the connection is flagged rst_injected.
 * Within a connection the path is stable (ECMP hashes on the 4-tuple), so
 * the range is usually one value; one hop of slack absorbs a route change
 * mid-connection.  A forger one hop away that starts from the same initial
 * TTL as the endpoint is therefore not told apart. */
#define TCPL_TTL_SLACK 1

/* pmtu_blackhole: the head of an endpoint's outstanding data, seen this
 * many times at the same length and never acknowledged.  Linux's minimum
 * RTO is 200 ms, so four copies take at least 1.4 s of exponential backoff
 * (fast retransmit and a tail loss probe can make two of them sooner);
 * random loss taking the same segment three times running is rare. */
#define TCPL_PMTU_SENDS 4
/* ...and longer than this many payload bytes: RFC 9293's default MSS,
 * which fits the 576-byte datagram every IPv4 host must accept, so a
 * segment this small is not stopped by any path MTU. */
#define TCPL_PMTU_MIN_LEN 536

typedef struct tcpl_conn {
    tcpl_config cfg;
    tcpl_endpoint ep[2];
    int64_t first_ns;      /* first segment */
    int64_t last_ns;       /* latest segment */
    int64_t prev_held_ns;  /* successor: the previous lifecycle held the
                              4-tuple until then (INT64_MAX: still open) */
    uint32_t anomalies;    /* every anomaly raised so far (TCPL_BIT mask) */
    uint32_t segments;     /* segments stepped */
    int8_t client;         /* endpoint index of the client, -1 until known */
    int8_t first_closer;   /* endpoint that closed first, -1 if none */
    uint8_t role_guessed;  /* client/server guessed (no SYN seen) */
    uint8_t first_close_rst; /* first close was a RST (else a FIN) */

    uint8_t finished;      /* tcpl_finish() has run */
    uint8_t last_from;     /* sender of the latest segment */
    tcpl_zeek zeek;        /* Zeek's view of the same segments (zeek.h) */
} tcpl_conn;

/* Start an empty connection.  cfg may be NULL for the defaults. */
void tcpl_conn_init(tcpl_conn *c, const tcpl_config *cfg);

/*
 * Start the lifecycle that follows `prev` on the same 4-tuple (after
 * tcpl_step() returned TCPL_NEW_LIFECYCLE).  The successor's first SYN
 * raises port_reuse when `prev` was not over at that SYN's time (still
 * open, or in a TIME_WAIT not yet expired).  Call it before or after
 * tcpl_finish(prev): the result is the same.
 */
void tcpl_conn_successor(tcpl_conn *next, const tcpl_conn *prev);

/* True when neither endpoint holds the connection any more (both CLOSED). */
bool tcpl_conn_is_over(const tcpl_conn *c);

/* ---------------------------------------------------------------- results */

#define TCPL_MAX_TRANSITIONS 8
#define TCPL_MAX_EVENTS 8

typedef struct tcpl_transition {
    uint8_t endpoint;
    uint8_t inferred; /* deduced from other segments' ACK and sequence
                         numbers, not shown by this segment itself */
    tcpl_state from;
    tcpl_state to;
} tcpl_transition;

typedef struct tcpl_event {
    tcpl_anomaly anomaly;
    uint8_t endpoint;    /* the endpoint the anomaly is about */
    int64_t duration_ns; /* the stall or wait it measured, -1 if none */
    uint32_t bytes;      /* capture_gap: sequence numbers missed;
                            packet_too_big: next-hop MTU (0 unknown);
                            pmtu_blackhole: the segment's length; else 0 */
    /* unreachable, icmp_error, packet_too_big: the ICMP error (as in
     * tcpl_segment); else 0. */
    uint8_t icmp;
    uint8_t icmp_type;
    uint8_t icmp_code;
    uint8_t icmp_from_peer;
    /* rst_injected: the RST's TTL and the range of the others; else 0. */
    uint8_t ttl;
    uint8_t ttl_lo;
    uint8_t ttl_hi;
} tcpl_event;

/* transitions[] and events[] hold ntransitions and nevents entries; what
 * lies past them is left as it was (not cleared on every segment). */
typedef struct tcpl_result {
    tcpl_state state[2];       /* both endpoints after the segment */
    int64_t in_state_ns[2];    /* time each had spent in its state before it */
    uint32_t anomalies;        /* mask of events[] */
    uint8_t ntransitions;
    uint8_t nevents;
    tcpl_transition transitions[TCPL_MAX_TRANSITIONS];
    tcpl_event events[TCPL_MAX_EVENTS];
    tcpl_app_error app[2];     /* what this segment made each endpoint's
                                  application see (call NONE: nothing) */
} tcpl_result;

enum {
    TCPL_OK = 0,
    TCPL_NEW_LIFECYCLE = 1, /* segment opens a new lifecycle: see below */
    TCPL_EINVAL = -1        /* segment rejected (from > 1): nothing changed */
};

/*
 * Feed one segment.  Fills *r (always) and returns TCPL_OK.
 *
 * Returns TCPL_NEW_LIFECYCLE, leaving c untouched and r empty, when the
 * segment is a new SYN on a 4-tuple whose lifecycle is over or in
 * TIME_WAIT: the caller closes the books on c (tcpl_finish at s->ts_ns),
 * starts a tcpl_conn_successor() and steps the same segment into it.
 *
 * Anomalies known only after a delay (stalls, unanswered SYNs) are raised
 * on the first segment of this connection that shows the delay passed.
 *
 * An ICMP error (s->icmp != 0) is evidence about the segment it quotes:
 * it can end a connection attempt, or is noted.  On a connection with no
 * segment yet it changes nothing, unless it quotes a SYN
 * (tcpl_icmp_quotes_syn): that SYN, unseen, then opens the lifecycle.
 */
int tcpl_step(tcpl_conn *c, const tcpl_segment *s, tcpl_result *r);

/*
 * The capture ended at end_ns: raise what only the end reveals (a SYN never
 * answered, a handshake never completed, a stall lasting until the end,
 * probes unanswered until the end).  Runs once per connection; later calls
 * report nothing.
 */
void tcpl_finish(tcpl_conn *c, int64_t end_ns, tcpl_result *r);

/* ------------------------------------------------------------------ names */

const char *tcpl_state_name(tcpl_state s);      /* "CLOSE_WAIT"; "?" if invalid */
const char *tcpl_anomaly_name(tcpl_anomaly a);  /* "close_wait_stall" */
tcpl_severity tcpl_anomaly_severity(tcpl_anomaly a);
tcpl_kind tcpl_anomaly_kind(tcpl_anomaly a);
const char *tcpl_anomaly_template(tcpl_anomaly a);

/* Parse a name back (truth files, plugin columns); -1 if unknown. */
int tcpl_state_from_name(const char *name, size_t len);
int tcpl_anomaly_from_name(const char *name, size_t len);

/*
 * How a lifecycle's first close went.  A refused attempt never opened, so
 * it has no close (and no first closer); a RST after a graceful FIN
 * (rst_after_fin) is "FIN then RST".
 */
typedef enum tcpl_close {
    TCPL_CLOSE_OPEN,        /* nothing closed it (yet) */
    TCPL_CLOSE_REFUSED,     /* a RST or an ICMP error (unreachable) ended
                               the attempt before it opened */
    TCPL_CLOSE_FIN,
    TCPL_CLOSE_RST,
    TCPL_CLOSE_FIN_THEN_RST,
    TCPL_CLOSE_COUNT
} tcpl_close;

tcpl_close tcpl_close_kind(const tcpl_conn *c);
/* "FIN", "RST", "FIN then RST"; "none (still open)", "none (refused)". */
const char *tcpl_close_name(tcpl_close k);

/* "client", "server" for endpoint i of c (also when guessed); "endpoint A"
 * / "endpoint B" while no role is known. */
const char *tcpl_role_name(const tcpl_conn *c, int endpoint);

/* Linux's number for an errno name ("ECONNREFUSED" -> 111); 0 if unknown. */
int tcpl_errno_value(const char *name);
/* "connect: ECONNREFUSED (111)", "read: 0 (end of stream)"; "" for
 * nothing.  Returns the length it wanted, as snprintf. */
size_t tcpl_app_error_text(tcpl_app_error a, char *buf, size_t n);

/*
 * One-line plain-words explanation of an event into buf (always
 * NUL-terminated when n > 0).  Returns the length it wanted, as snprintf.
 */
size_t tcpl_describe(const tcpl_conn *c, const tcpl_event *e, char *buf,
                     size_t n);

#ifdef __cplusplus
}
#endif

#endif /* TCPL_TCPL_H */
