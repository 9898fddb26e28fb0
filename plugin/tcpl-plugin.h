/*
 * tcpl-plugin.h - what the plugin's files share: the words the plugin shows
 * users (lifecycle-text.c) and what the dissector hands its statistics
 * (tcpl-stats.c) through the "tcp_lifecycle" tap.
 *
 * Nothing here decides anything about TCP: the words describe what the
 * engine in core/ already found.
 */
#ifndef TCPL_PLUGIN_H
#define TCPL_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "tcpl/tcpl.h"

/* "→" in UTF-8, as Wireshark's own Info column writes "80 → 443". */
#define TCPL_ARROW "\xe2\x86\x92"

/* ------------------------------------------------------- lifecycle-text.c */

/* Short phrase for an anomaly, for the Info column and the statistics:
 * "CLOSE_WAIT stall".  An anomaly without a phrase of its own (one the
 * engine added later) gets its filter name with spaces for underscores. */
const char *tcpl_anomaly_phrase(tcpl_anomaly a);

/* One-line headline of an anomaly for Expert Information's group column:
 * "TCP lifecycle: CLOSE_WAIT stall (the application did not close)".
 * Stable storage, as expert registration keeps the pointer. */
const char *tcpl_anomaly_headline(tcpl_anomaly a);

/* Small string builder over a caller's buffer; never overflows, always
 * NUL-terminated (truncates). */
typedef struct tcpl_buf {
    char *s;
    size_t len, cap;
} tcpl_buf;

void tcpl_buf_init(tcpl_buf *b, char *s, size_t cap);
void tcpl_buf_add(tcpl_buf *b, const char *str);
void tcpl_buf_addf(tcpl_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Seconds for people: "0.000012", "0.153", "12.5", "3600". */
void tcpl_buf_seconds(tcpl_buf *b, int64_t ns);

/* The packet's summary for the subtree line:
 * "client FIN_WAIT_2 → CLOSED, server CLOSE_WAIT → CLOSED; rst_after_fin".
 * states: both endpoints after the packet; trans: its transitions;
 * anomalies: the names to list (may be empty). */
void tcpl_packet_summary(tcpl_buf *b, const tcpl_conn *c,
                         const uint8_t states[2],
                         const tcpl_transition *trans, int ntrans,
                         const uint8_t *anomalies, int nanomalies);

/* The lifecycle's summary for the stream subtree line ("Lifecycle: ..."):
 * "stream 3 (successor 1), SYN → RST in 0.2 s; client CLOSED, server
 * CLOSED; rst_after_fin".  stream: Wireshark's tcp.stream of the
 * lifecycle's first packet, < 0 if unknown; successor: how many lifecycles
 * the same 4-tuple had before. */
void tcpl_stream_summary(tcpl_buf *b, const tcpl_conn *c, int64_t stream,
                         unsigned successor);

/* ------------------------------------------------------------ tcpl-stats.c */

/* What the dissector taps for every frame it stepped, once per
 * dissection that runs taps. */
typedef struct tcpl_tap_info {
    const void *lifecycle;        /* identity of the lifecycle */
    const tcpl_conn *conn;        /* the lifecycle as this frame draws it */
    const tcpl_transition *trans; /* this frame's transitions */
    int ntrans;
    int64_t ts_ns;                /* the frame's time */
    int from;                     /* the endpoint that sent the frame, -1
                                     for an ICMP error about it (its
                                     addresses are not the endpoints') */
} tcpl_tap_info;

#define TCPL_TAP_NAME "tcp_lifecycle"

/* Registers the stats tree "tcp_lifecycle,tree" (Statistics → TCP
 * lifecycle); called by plugin.c as a tap plugin. */
void tcpl_register_stats_tree(void);

#endif /* TCPL_PLUGIN_H */
