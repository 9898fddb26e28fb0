/*
 * hosts.h - a netstat from the wire: per host (IP address), how many of
 * its endpoints were in each state over time, and the host-level warnings
 * read from those counts.
 *
 * What a count means: `netstat -nat | sort | uniq -c` run on the host at
 * the end of every interval, for the connections the capture saw.  An
 * endpoint belongs to its own address (a client and its server count on
 * their own hosts).  It counts from the first state the engine gave it
 * (its first timeline entry) until it enters CLOSED, which netstat never
 * lists; UNKNOWN and inferred states count as what the engine says, never
 * guessed further.  A lifecycle the capture joined mid-way counts from its
 * first captured packet on, in the state the engine picked up: the
 * connection existed before, but the wire cannot date it.  LISTEN sockets
 * never show on the wire and are not counted.  A handshake the wire shows
 * no more of leaves the count when Linux's own retries would have given it
 * up (tcpl_host_give_up_ns), though the connection's final state stays
 * what the engine says: the engine describes the connection, this the
 * host's socket table.
 *
 * Time: intervals are aligned to the epoch (bucket b covers
 * [b*I, (b+1)*I)), so two captures of the same period agree; the count of
 * bucket b is the state at its end, (b+1)*I, and the last bucket's is the
 * state at the end of the capture.  A state held only between two sample
 * times is not seen, as netstat would not see it.
 *
 * Memory: the engine allocates nothing.  A host's series is a list of
 * changes (tcpl_host_delta) in an array the caller owns and grows; the
 * functions here fill, compact, coarsen and read it.
 */
#ifndef TCPL_HOSTS_H
#define TCPL_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpl/tcpl.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * X(ID, "name", severity, "plain-words explanation")
 *
 * The explanation is a template for tcpl_host_describe(): %H is the host,
 * %N the peak count, %T when it was reached (seconds into the capture),
 * %D the destination and its share of the ephemeral ports
 * (time_wait_accumulation as a client), %R how the CLOSE_WAIT count rose.
 * The names are stable (filter values, CSV and JSON keys).
 */
#define TCPL_HOST_WARNINGS(X)                                                  \
    X(TIME_WAIT_ACCUMULATION, "time_wait_accumulation", TCPL_SEV_WARN,         \
      "%H held %N sockets in TIME_WAIT at %T s%D: each stays 60 s after its "  \
      "connection closed; pooling or reusing connections avoids them")         \
    X(SYN_SENT_PILEUP, "syn_sent_pileup", TCPL_SEV_WARN,                       \
      "%H had %N connection attempts in SYN_SENT at once (%T s): the peers "   \
      "do not answer (a firewall dropping, hosts down) or %H is scanning")     \
    X(SYN_RECEIVED_PILEUP, "syn_received_pileup", TCPL_SEV_WARN,               \
      "%H had %N handshakes in SYN_RECEIVED at once (%T s): the final ACKs "   \
      "do not come (SYN flood, spoofed sources, asymmetric routing), and a "   \
      "listener's SYN queue near its limit drops new SYNs")                    \
    X(CLOSE_WAIT_LEAK, "close_wait_leak", TCPL_SEV_WARN,                       \
      "%H's CLOSE_WAIT count grew and never fell (%R, %N at the end): its "    \
      "application does not close sockets after the peer closed; they leak " \
      "until the process exits")

typedef enum tcpl_host_warning {
#define TCPL_HOST_WARNING_ENUM(id, name, sev, text) TCPL_HW_##id,
    TCPL_HOST_WARNINGS(TCPL_HOST_WARNING_ENUM)
#undef TCPL_HOST_WARNING_ENUM
    TCPL_HOST_WARNING_COUNT
} tcpl_host_warning;

const char *tcpl_host_warning_name(tcpl_host_warning w);
/* The state a warning counts (TIME_WAIT for time_wait_accumulation ...). */
tcpl_state tcpl_host_warning_state(tcpl_host_warning w);
tcpl_severity tcpl_host_warning_severity(tcpl_host_warning w);
const char *tcpl_host_warning_template(tcpl_host_warning w);
int tcpl_host_warning_from_name(const char *name, size_t len);

/*
 * Thresholds (report --warn-*, plugin preferences).  Defaults, from Linux:
 *   time_wait 283: 1% of the default ephemeral range (ip_local_port_range
 *     32768-60999, 28,232 ports).  A TIME_WAIT lasts 60 s (TCP_TIMEWAIT_LEN),
 *     so 283 toward one destination means ~4.7 new connections a second to
 *     it, and the count grows with the rate: at ~470 a second every port
 *     is held and connect() fails with EADDRNOTAVAIL.
 *   syn_sent 64: a SYN_SENT lasts one round trip when the peer answers;
 *     unanswered, Linux keeps it ~127 s (tcp_syn_retries 6), so this many
 *     at one instant means peers that do not answer, or a scan.
 *   syn_received 64: half of 128, the smallest SYN queue Linux gives a
 *     listener (tcp_max_syn_backlog's floor, and somaxconn before Linux
 *     5.4; 4096 since): a listener with the common backlog is half full.
 *   close_wait 5: one or two sockets wait for the application between
 *     requests; five that only ever accumulate are a leak.
 *   port_range 28232: the ephemeral ports, for the share.
 */
typedef struct tcpl_host_limits {
    uint32_t time_wait;
    uint32_t syn_sent;
    uint32_t syn_received;
    uint32_t close_wait;
    uint32_t port_range;
} tcpl_host_limits;

void tcpl_host_limits_init(tcpl_host_limits *l);

/* The states a host's netstat lists: all but CLOSED (the kernel holds
 * nothing then). */
bool tcpl_host_lists(tcpl_state s);

/*
 * How long after a connection's last segment Linux has dropped a socket in
 * state s that sent nothing more (0: it keeps it).  SYN_SENT: 64 s, the
 * wait after connect()'s last SYN (tcp_syn_retries 6: 1+2+...+64 = 127 s,
 * then ETIMEDOUT); no retry is ever further from the one before, so a
 * longer silence means it gave up.  SYN_RECEIVED: 32 s, likewise for the
 * SYN-ACKs (tcp_synack_retries 5: 63 s in all).  Other states have no
 * timer the wire can bound (an application may hold ESTABLISHED or
 * CLOSE_WAIT forever; FIN_WAIT_2 waits tcp_fin_timeout only once its
 * socket is closed, which the wire does not show); TIME_WAIT's 60 s is the
 * engine's (tcpl_config.time_wait_ns).
 */
int64_t tcpl_host_give_up_ns(tcpl_state s);
/*
 * When a host stops listing a socket in state s that no segment ends, by
 * Linux's timers: TIME_WAIT time_wait_ns after it entered it (entered_ns;
 * the engine's TIME_WAIT timer, tcpl_config.time_wait_ns), a handshake
 * when Linux gives it up, counted from the lifecycle's last segment
 * (last_ns).  INT64_MAX: only the wire can end it.  The one rule for both
 * adapters (the CLI's series, the plugin's Statistics branch).
 */
int64_t tcpl_host_leaves_at(tcpl_state s, int64_t entered_ns, int64_t last_ns,
                            int64_t time_wait_ns);

/* ------------------------------------------------------------ the clock */

/*
 * The interval of the series.  The caller's interval (`base_ns`) is kept
 * unless the capture would need more than max_points samples: then it is
 * multiplied (ladder of round factors when the interval is the default,
 * doubling for one the user gave) until the span fits.  The result depends
 * only on the earliest and latest times seen, not on their order.
 */
typedef struct tcpl_host_clock {
    int64_t base_ns;     /* the interval asked for */
    int64_t interval_ns; /* the interval in use: base_ns times a factor */
    uint32_t max_points; /* most samples per host (0: no limit) */
    bool fixed;          /* the user chose base_ns: only double it */
    int64_t lo_ns;       /* earliest and latest time seen (lo > hi: none) */
    int64_t hi_ns;
} tcpl_host_clock;

/* Defaults: 1 s, at most 1000 samples. */
#define TCPL_HOST_INTERVAL_NS INT64_C(1000000000)
#define TCPL_HOST_MAX_POINTS 1000

void tcpl_host_clock_init(tcpl_host_clock *clk, int64_t base_ns, bool fixed,
                          uint32_t max_points);

/* Note that time t happened.  Returns the factor by which the interval just
 * grew (1: unchanged); the caller then passes it to tcpl_host_rebucket()
 * for every series it keeps. */
int64_t tcpl_host_clock_see(tcpl_host_clock *clk, int64_t t_ns);

/* The bucket holding time t, and the time a bucket's sample is taken at
 * (its end, or end_ns for the bucket holding the end of the capture). */
int64_t tcpl_host_bucket(const tcpl_host_clock *clk, int64_t t_ns);
int64_t tcpl_host_sample_ns(const tcpl_host_clock *clk, int64_t bucket,
                            int64_t end_ns);

/* ----------------------------------------------------------- the series */

/* From the sample of `bucket` on, `state` has `delta` more endpoints. */
typedef struct tcpl_host_delta {
    int64_t bucket;
    int32_t delta;
    uint8_t state; /* tcpl_state */
} tcpl_host_delta;

/*
 * One endpoint's walk through its states, fed with every state it entered
 * in order (the engine's transitions), then ended.  Each call writes the
 * changes the step makes to the host's counts into out (at most 2) and
 * returns how many.
 */
typedef struct tcpl_host_walk {
    tcpl_state state;
    int64_t since_ns;
    bool counted; /* state is one netstat lists */
} tcpl_host_walk;

void tcpl_host_walk_init(tcpl_host_walk *w);
size_t tcpl_host_walk_step(tcpl_host_walk *w, const tcpl_host_clock *clk,
                           tcpl_state to, int64_t ts_ns,
                           tcpl_host_delta out[2]);
/*
 * The end of the lifecycle, whose last segment was at last_ns: the last
 * state is held to the end of the capture, or until Linux gave the
 * handshake up or a TIME_WAIT the lifecycle was written in ran out
 * (tcpl_host_leaves_at, with the engine's time_wait_ns): *gone_ns is then
 * that time, else INT64_MAX.
 * The capture's end is known only once every lifecycle is in: the caller
 * keeps (state, *gone_ns) and, at the end, asks tcpl_host_gone() for the
 * change it makes.
 */
size_t tcpl_host_walk_end(tcpl_host_walk *w, const tcpl_host_clock *clk,
                          int64_t last_ns, int64_t time_wait_ns,
                          tcpl_host_delta out[1], int64_t *gone_ns);

/* The change a socket in state s given up at gone_ns makes, in a capture
 * ending at end_ns: none (false) when the capture ended first. */
bool tcpl_host_gone(const tcpl_host_clock *clk, tcpl_state s, int64_t gone_ns,
                    int64_t end_ns, tcpl_host_delta *out);

/* Sort d by bucket and state and merge equal ones (dropping zeros).
 * Returns the new length. */
size_t tcpl_host_compact(tcpl_host_delta *d, size_t n);

/* The interval grew by factor: move d's changes to the coarser buckets,
 * compacted.  Returns the new length. */
size_t tcpl_host_rebucket(tcpl_host_delta *d, size_t n, int64_t factor);

/*
 * Reading a compacted series sample by sample: init at the first bucket
 * (every change before it is applied), then next() moves one bucket on.
 */
typedef struct tcpl_host_cursor {
    const tcpl_host_delta *d;
    size_t n, i;
    int64_t bucket;
    int64_t count[TCPL_STATE_COUNT];
} tcpl_host_cursor;

void tcpl_host_cursor_init(tcpl_host_cursor *c, const tcpl_host_delta *d,
                           size_t n, int64_t first_bucket);
void tcpl_host_cursor_next(tcpl_host_cursor *c);

/* ----------------------------------------------------------- warnings */

/* Where a TIME_WAIT pile-up pointed: the destination toward which the host
 * (as client, from its ephemeral ports) held the most at once. */
typedef struct tcpl_host_dest {
    uint8_t family;
    uint8_t addr[16];
    uint16_t port;
    uint32_t peak;       /* most TIME_WAIT toward it at one sample */
    int64_t peak_ns;
} tcpl_host_dest;

typedef struct tcpl_host_verdict {
    uint32_t warnings;                     /* TCPL_BIT(tcpl_host_warning) */
    int64_t peak[TCPL_STATE_COUNT];        /* most at one sample */
    int64_t peak_ns[TCPL_STATE_COUNT];     /* first sample time with it */
    int64_t final[TCPL_STATE_COUNT];       /* at the end of the capture */
    uint32_t cw_rises;                     /* samples where CLOSE_WAIT rose */
    int64_t cw_first_ns;                   /* first sample with CLOSE_WAIT */
} tcpl_host_verdict;

/*
 * Read a compacted series from first_bucket to last_bucket (the capture's
 * first and last packet) and decide its warnings.  dest may be NULL.
 */
void tcpl_host_judge(const tcpl_host_limits *l, const tcpl_host_clock *clk,
                     const tcpl_host_delta *d, size_t n, int64_t first_bucket,
                     int64_t last_bucket, int64_t end_ns,
                     const tcpl_host_dest *dest, tcpl_host_verdict *v);

/*
 * One warning in plain words into buf (NUL-terminated when n > 0); host is
 * the host's address as text, dest_text dest's ("10.0.0.2:80", NULL when
 * there is no dest), t0_ns the capture's start (times are given from it).
 * Returns the length it wanted, as snprintf.
 */
size_t tcpl_host_describe(tcpl_host_warning w, const char *host,
                          const tcpl_host_verdict *v,
                          const tcpl_host_dest *dest, const char *dest_text,
                          const tcpl_host_limits *l, int64_t t0_ns, char *buf,
                          size_t n);

#ifdef __cplusplus
}
#endif

#endif /* TCPL_HOSTS_H */
