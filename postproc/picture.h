/*
 * picture.h - how a lifecycle is drawn: the timeline (two lanes of state
 * bars on a shared time axis) and the ladder (the segments that moved it,
 * as arrows between the two endpoints, states written beside them).
 *
 * The look is defined here once: the palette and black-and-white pattern
 * of each state, the sizes, the choice between a linear and a logarithmic
 * axis, the ticks, the ladder's rows.  `report --format svg` draws with
 * these functions; `report --format html` hands the same tables to its page
 * script (tcpl_pic_constants_json) and embeds the same pattern definitions
 * and legend, so the script only repeats the geometry below, never a
 * constant.  Any change to the rules below is a change to report_html.js
 * too; tests/html compares the two pictures of the same connection.
 *
 * Geometry rules (both implementations):
 *  - Times are microseconds since the lifecycle's first packet.
 *  - Axis: the boundaries are 0, the end, and the times of every state
 *    entry, anomaly and segment that closed or reopened a window.  When the whole span is at most TCPL_PIC_LOG_RATIO times
 *    the shortest stretch between two boundaries, the axis is linear;
 *    otherwise each stretch between boundaries is drawn
 *    log10(1 + length / TCPL_PIC_TAU_US) wide (a "log-stretch" axis), so a
 *    50 us handshake and a 60 s TIME_WAIT are both legible and a longer
 *    stall still looks longer.  Times inside a stretch are interpolated.
 *  - Ticks: linear, every 1, 2 or 5 x 10^k us giving at most 7 ticks;
 *    log-stretch, one per boundary, labelled when TICK_GAP px from the last
 *    label.
 *  - A receive window at 0 is a ZW_H strip at the bottom of its sender's
 *    lane, from the segment that closed it to the one that reopened it, or
 *    to the end.
 *  - Ladder: one row per recorded segment, in frame order; the arrow runs
 *    from the sender's lane at the row's top to the receiver's lane SLANT
 *    lower; a state is written beside its lane at the arrow's end on that
 *    lane (the sender's states at the top, the receiver's at the bottom);
 *    states no segment shows (at the end of the capture) get a last row.
 */
#ifndef TCPL_POSTPROC_PICTURE_H
#define TCPL_POSTPROC_PICTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "report_fmt.h"
#include "tracker.h"

/* Sizes, in px of a 960 px wide picture.  X(NAME, value) so that the page
 * script gets every one of them by name. */
#define TCPL_PIC_DIMS(X)                                                       \
    X(WIDTH, 960)        /* the picture */                                     \
    X(TL_X0, 76)         /* timeline plot: left edge */                        \
    X(TL_X1, 944)        /* ... right edge */                                  \
    X(TL_TOP, 22)        /* first lane's top (a caption above) */              \
    X(LANE_H, 26)        /* a lane's height */                                 \
    X(LANE_GAP, 12)      /* between the two lanes */                           \
    X(AXIS_GAP, 10)      /* from the second lane to the axis */                \
    X(TL_HEIGHT, 136)    /* the whole timeline */                              \
    X(TICK_GAP, 60)      /* least distance between two tick labels */          \
    X(MIN_BAR, 2)        /* narrowest bar */                                   \
    X(CHAR_W, 7.2)       /* a character at FONT, at most */                   \
    X(FONT, 11)          /* text size */                                       \
    X(MARK, 5)           /* half size of an anomaly mark */                    \
    X(ZW_H, 5)           /* height of a zero-window strip */                   \
    X(LD_TOP, 44)        /* ladder: first row's top (lane headings above) */   \
    X(LD_ROW, 30)        /* between two rows */                                \
    X(LD_SLANT, 16)      /* how much lower an arrow ends than it starts */     \
    X(LD_CX, 330)        /* client lane */                                     \
    X(LD_SX, 630)        /* server lane */                                     \
    X(LD_FRAME_X, 52)    /* frame numbers end here */                          \
    X(LD_TIME_X, 62)     /* times start here */                                \
    X(LD_NOTE_X, 770)    /* anomaly names start here */                        \
    X(LD_STACK, 13)      /* between two states written on the same row */      \
    X(LD_BOTTOM, 22)     /* below the last arrow */                            \
    X(LEGEND_H, 64)      /* the legend (three rows) */                         \
    X(TAU_US, 10)        /* log-stretch axis: scale of a stretch's length */  \
    X(LOG_RATIO, 100)    /* span / shortest stretch beyond which log-stretch */

enum {
#define TCPL_PIC_DIM_ENUM(name, v) TCPL_PIC_DIM_##name,
    TCPL_PIC_DIMS(TCPL_PIC_DIM_ENUM)
#undef TCPL_PIC_DIM_ENUM
    TCPL_PIC_DIM_COUNT
};

/* Microseconds, rounded half away from zero: the times both drawings
 * start from (the page gets these integers). */
int64_t tcpl_pic_us(int64_t ns);

/* CSS rules the drawings use (text halos over patterns), for a <style>. */
extern const char tcpl_pic_css[];

/* A dimension's value. */
double tcpl_pic_dim(int dim);
#define PIC(name) tcpl_pic_dim(TCPL_PIC_DIM_##name)

/* The look of a state: fill colour, and the stroke path of its pattern
 * tile (8 x 8 px) for black and white (NULL: plain). */
typedef struct tcpl_pic_state_style {
    const char *fill;
    const char *hatch;
} tcpl_pic_state_style;

extern const tcpl_pic_state_style tcpl_pic_states[TCPL_STATE_COUNT];

/* <defs>: one pattern per state (id "tcpl-s-NAME"), to be put once in a
 * document; the drawings fill with url(#tcpl-s-NAME). */
void tcpl_pic_defs(tcpl_sbuf *b);

/* The legend as an <svg> element WIDTH x LEGEND_H (states, anomaly marks,
 * inferred). */
void tcpl_pic_legend(tcpl_sbuf *b);

/* The constants the page script draws with, as one JSON object: dims,
 * state names and fills, anomaly names and kinds, first-close names, the
 * alert colour, tcpl_pic_css (for the SVG the page saves). */
void tcpl_pic_constants_json(tcpl_sbuf *b);

/* "13 us", "1.97 s": a time or duration in microseconds for a label. */
char *tcpl_pic_fmt_us(char *buf, size_t n, double us);

/* The timeline of lc as an <svg> element WIDTH x TL_HEIGHT, its y offset
 * in the enclosing document (nested svg). */
void tcpl_pic_timeline(tcpl_sbuf *b, const tcpl_lifecycle *lc, double y);

/* Height of lc's ladder, and the ladder as an <svg> element. */
double tcpl_pic_ladder_height(const tcpl_lifecycle *lc);
void tcpl_pic_ladder(tcpl_sbuf *b, const tcpl_lifecycle *lc, double y);

/* XML-escaped text. */
void tcpl_sb_xml(tcpl_sbuf *b, const char *s);

/* printf into the buffer. */
void tcpl_sb_printf(tcpl_sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif /* TCPL_POSTPROC_PICTURE_H */
