/*
 * export.h - streaming reader of tshark field exports.
 *
 * Reads what `tshark -T fields -E header=y -E separator=/t $(tcp-lifecycle
 * fields)` writes: one header line naming the columns, then one line per
 * packet.  Columns are found by name, in any order; unknown columns are
 * ignored.  Each data line becomes a tuple + tcpl_segment for the tracker,
 * plus the plugin's own tcp.lifecycle.* verdicts when the export has them.
 *
 * The reader is strict: every number is parsed with its range, and anything
 * it cannot read exactly (a short line, a CR, a NUL, a line over
 * TCPL_EXPORT_MAX_LINE bytes, text where a number belongs) stops it with
 * "FILE:LINE: what is wrong" in x->err.  It allocates nothing after
 * tcpl_export_open(): lines are cut out of one fixed buffer.
 */
#ifndef TCPL_POSTPROC_EXPORT_H
#define TCPL_POSTPROC_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcpl/tcpl.h"
#include "tracker.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TCPL_EXPORT_MAX_LINE 65536
#define TCPL_EXPORT_MAX_COLS 256

/* The columns the reader knows, by tshark field name. */
#define TCPL_EXPORT_COLUMNS(X)                                                 \
    X(FRAME, "frame.number", 1)                                                \
    X(TIME, "frame.time_epoch", 1)                                             \
    X(IP_SRC, "ip.src", 0)                                                     \
    X(IP_DST, "ip.dst", 0)                                                     \
    X(IP6_SRC, "ipv6.src", 0)                                                  \
    X(IP6_DST, "ipv6.dst", 0)                                                  \
    X(SPORT, "tcp.srcport", 1)                                                 \
    X(DPORT, "tcp.dstport", 1)                                                 \
    X(STREAM, "tcp.stream", 0)                                                 \
    X(FLAGS, "tcp.flags", 1)                                                   \
    X(SEQ_RAW, "tcp.seq_raw", 0)                                               \
    X(ACK_RAW, "tcp.ack_raw", 0)                                               \
    X(SEQ, "tcp.seq", 0)                                                       \
    X(ACK, "tcp.ack", 0)                                                       \
    X(LEN, "tcp.len", 1)                                                       \
    X(WINDOW, "tcp.window_size_value", 0)                                      \
    X(TTL, "ip.ttl", 0)                                                        \
    X(HLIM, "ipv6.hlim", 0)                                                    \
    X(ICMP_TYPE, "icmp.type", 0)                                               \
    X(ICMP_CODE, "icmp.code", 0)                                               \
    X(ICMP6_TYPE, "icmpv6.type", 0)                                            \
    X(ICMP6_CODE, "icmpv6.code", 0)                                            \
    X(FRAME_LEN, "frame.len", 0)                                               \
    X(CAP_LEN, "frame.cap_len", 0)                                             \
    X(IP_LEN, "ip.len", 0)                                                     \
    X(IP6_PLEN, "ipv6.plen", 0)                                                \
    X(IP_HLEN, "ip.hdr_len", 0)                                                \
    X(IP_REASM, "ip.reassembled.length", 0)                                    \
    X(IP6_REASM, "ipv6.reassembled.length", 0)                                 \
    X(LC_SRC, "tcp.lifecycle.src_state", 0)                                    \
    X(LC_DST, "tcp.lifecycle.dst_state", 0)                                    \
    X(LC_ANOMALY, "tcp.lifecycle.anomaly", 0)

typedef enum tcpl_col {
#define TCPL_COL_ENUM(id, name, req) TCPL_COL_##id,
    TCPL_EXPORT_COLUMNS(TCPL_COL_ENUM)
#undef TCPL_COL_ENUM
    TCPL_COL_COUNT
} tcpl_col;

/* The -e options `tcp-lifecycle fields` prints, in this order. */
extern const char *const tcpl_export_fields[];

/* One data line. */
typedef struct tcpl_export_packet {
    uint64_t line;
    uint64_t frame;
    int64_t stream;       /* tcp.stream, -1 without the column */
    tcpl_tuple tuple;
    tcpl_segment seg;     /* seg.from unset: the tracker numbers endpoints */
    /* The plugin's verdicts, when the export carries them: */
    int lc_src;           /* tcpl_state, -1 when absent or empty */
    int lc_dst;
    bool has_lc_anomaly;  /* the anomaly column exists */
    uint32_t lc_anomalies;/* TCPL_BIT mask of the names it lists */
} tcpl_export_packet;

enum {
    TCPL_EXPORT_PACKET = 1,  /* *p filled */
    TCPL_EXPORT_EOF = 0,
    TCPL_EXPORT_SKIP = 2,    /* line read but not a usable TCP packet; see skip_* */
    TCPL_EXPORT_ERROR = -1   /* x->err says why; reading stops */
};

/* Why a line was skipped (counted, and a note in x->err for the caller). */
typedef enum tcpl_skip {
    TCPL_SKIP_NON_TCP,    /* no TCP ports: not a TCP packet */
    TCPL_SKIP_MULTI,      /* several IP or TCP headers (ICMP error, tunnel) */
    TCPL_SKIP_INCOMPLETE, /* TCP without all required fields (cut by snaplen?) */
    TCPL_SKIP_COUNT
} tcpl_skip;

typedef struct tcpl_export {
    const char *name;     /* for messages */
    FILE *f;              /* NULL: reading mem */
    const char *mem;
    size_t mem_len;
    size_t mem_pos;
    bool eof;
    int ncols;
    int col[TCPL_COL_COUNT];   /* index of each known column, -1 if missing */
    uint64_t line;             /* number of the line last read */
    uint64_t skipped[TCPL_SKIP_COUNT];
    tcpl_skip last_skip;
    uint64_t bytes;            /* bytes consumed */
    char err[512];
    size_t pos, end;
    char *buf;                 /* cap bytes: 4 * TCPL_EXPORT_MAX_LINE, or a small input */
    size_t cap;
    /* The two addresses parsed last, as text and bytes: the lines of a
     * connection repeat the same two, so most lines parse none. */
    struct tcpl_export_addr_memo {
        uint8_t family; /* 4 or 6; 0: empty slot */
        uint8_t len;
        char text[46];  /* the longest IPv6 text form is 45 */
        uint8_t bytes[16];
    } addr_memo[2];
    int addr_next;             /* the slot the next new address takes */
    uint64_t single_cols;      /* the columns that hold one value (of the first 64) */
    bool single_far;           /* and one of them is past the 64th */
    uint64_t commas;           /* fields of the current line holding a comma */
    bool nul;                  /* the current line holds a NUL */
    const char *fld[TCPL_EXPORT_MAX_COLS];
    uint32_t fln[TCPL_EXPORT_MAX_COLS];
} tcpl_export;

/* Set up a reader on f (or on mem/len when f is NULL).  Returns 0, or -1
 * when out of memory.  Reads nothing yet. */
int tcpl_export_open(tcpl_export *x, const char *name, FILE *f,
                     const char *mem, size_t len);
void tcpl_export_close(tcpl_export *x);

/*
 * Read and check the header line.  Returns 0, or TCPL_EXPORT_ERROR.  For
 * each optional column that is missing, note(user, text) is called once
 * with a one-line explanation of what degrades (note may be NULL).
 */
int tcpl_export_header(tcpl_export *x,
                       void (*note)(void *user, const char *text), void *user);

/* Read the next data line: one of the TCPL_EXPORT_* codes. */
int tcpl_export_next(tcpl_export *x, tcpl_export_packet *p);

#ifdef __cplusplus
}
#endif

#endif /* TCPL_POSTPROC_EXPORT_H */
