/*
 * pcapng_out.h - a minimal pcapng writer for annotated copies of captures.
 *
 * One section, one interface (the input's link type and snapshot length,
 * nanosecond timestamps via if_tsresol = 9) and one Enhanced Packet Block
 * per packet carrying the original length and any number of opt_comment
 * options: what annotate needs and no more.  Everything is written
 * little-endian, which every pcapng reader accepts through the byte-order
 * magic.
 */
#ifndef TCPL_POSTPROC_PCAPNG_OUT_H
#define TCPL_POSTPROC_PCAPNG_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A comment: UTF-8 text, not necessarily NUL-terminated. */
typedef struct tcpl_pcapng_text {
    const char *text;
    size_t len;
} tcpl_pcapng_text;

/* Longest text one option holds; longer comments are cut (at a UTF-8
 * character boundary) to this many bytes. */
#define TCPL_PCAPNG_MAX_COMMENT 65532

/*
 * Section header and interface description.  appl (may be NULL) goes into
 * shb_userappl.  Returns 0, or -1 on a write error (see ferror/errno).
 */
int tcpl_pcapng_write_header(FILE *f, int linktype, uint32_t snaplen,
                             const char *appl);

/*
 * One packet on interface 0.  ts_ns must be >= 0 (pcapng timestamps are
 * unsigned).  Returns 0, or -1 on a write error or a negative timestamp.
 */
int tcpl_pcapng_write_packet(FILE *f, int64_t ts_ns, uint32_t caplen,
                             uint32_t len, const uint8_t *data,
                             const tcpl_pcapng_text *comments,
                             size_t ncomments);

#ifdef __cplusplus
}
#endif

#endif /* TCPL_POSTPROC_PCAPNG_OUT_H */
