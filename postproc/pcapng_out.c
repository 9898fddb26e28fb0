/*
 * pcapng_out.c - the pcapng writer behind annotate (see pcapng_out.h).
 *
 * Blocks are assembled in little-endian with explicit byte stores, so the
 * output is the same on every host.  Options are padded to 32 bits and the
 * block length is written at both ends, as the format requires; readers
 * (Wireshark, libpcap) check both.
 */
#include "pcapng_out.h"

#include <string.h>

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u
#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define SHB_USERAPPL 4
#define IF_TSRESOL 9

static void le16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
    le16(p, v & 0xFFFF);
    le16(p + 2, v >> 16);
}

static size_t pad4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

static int put(FILE *f, const void *p, size_t n)
{
    return n == 0 || fwrite(p, 1, n, f) == n ? 0 : -1;
}

static int put_u32(FILE *f, uint32_t v)
{
    uint8_t b[4];

    le32(b, v);
    return put(f, b, 4);
}

static int put_padding(FILE *f, size_t n)
{
    static const uint8_t zero[4];

    return put(f, zero, pad4(n) - n);
}

/* An option: code, length, value, padding. */
static int put_option(FILE *f, uint16_t code, const void *v, size_t len)
{
    uint8_t h[4];

    le16(h, code);
    le16(h + 2, (uint32_t)len);
    if (put(f, h, 4) || put(f, v, len) || put_padding(f, len))
        return -1;
    return 0;
}

/* Cut a comment to what one option holds without splitting a UTF-8
 * sequence (continuation bytes are 10xxxxxx). */
static size_t comment_len(const tcpl_pcapng_text *t)
{
    size_t n = t->len;

    if (n <= TCPL_PCAPNG_MAX_COMMENT)
        return n;
    n = TCPL_PCAPNG_MAX_COMMENT;
    while (n > 0 && ((uint8_t)t->text[n] & 0xC0) == 0x80)
        n--;
    return n;
}

int tcpl_pcapng_write_header(FILE *f, int linktype, uint32_t snaplen,
                             const char *appl)
{
    size_t alen = appl ? strlen(appl) : 0;
    uint8_t b[24];
    uint32_t total;
    uint8_t tsresol = 9; /* 10^-9 s */

    if (alen > TCPL_PCAPNG_MAX_COMMENT)
        alen = TCPL_PCAPNG_MAX_COMMENT;
    /* SHB: type, length, magic, version 1.0, section length unknown. */
    total = 28 + (alen ? 4 + (uint32_t)pad4(alen) + 4 : 0);
    le32(b, BT_SHB);
    le32(b + 4, total);
    le32(b + 8, 0x1A2B3C4Du);
    le16(b + 12, 1);
    le16(b + 14, 0);
    memset(b + 16, 0xFF, 8);
    if (put(f, b, 24))
        return -1;
    if (alen && (put_option(f, SHB_USERAPPL, appl, alen) ||
                 put_option(f, OPT_ENDOFOPT, NULL, 0)))
        return -1;
    if (put_u32(f, total))
        return -1;

    /* IDB: link type, reserved, snaplen, if_tsresol, end of options. */
    total = 16 + 8 + 4 + 4;
    le32(b, BT_IDB);
    le32(b + 4, total);
    le16(b + 8, (uint32_t)linktype & 0xFFFF);
    le16(b + 10, 0);
    le32(b + 12, snaplen);
    if (put(f, b, 16) || put_option(f, IF_TSRESOL, &tsresol, 1) ||
        put_option(f, OPT_ENDOFOPT, NULL, 0) || put_u32(f, total))
        return -1;
    return 0;
}

int tcpl_pcapng_write_packet(FILE *f, int64_t ts_ns, uint32_t caplen,
                             uint32_t len, const uint8_t *data,
                             const tcpl_pcapng_text *comments,
                             size_t ncomments)
{
    uint8_t b[28];
    uint64_t ts, total;
    size_t i;

    if (ts_ns < 0)
        return -1;
    ts = (uint64_t)ts_ns;
    total = 28 + pad4(caplen) + 4;
    for (i = 0; i < ncomments; i++)
        total += 4 + pad4(comment_len(&comments[i]));
    if (ncomments)
        total += 4; /* opt_endofopt */
    if (total > UINT32_MAX)
        return -1;
    le32(b, BT_EPB);
    le32(b + 4, (uint32_t)total);
    le32(b + 8, 0); /* interface 0 */
    le32(b + 12, (uint32_t)(ts >> 32));
    le32(b + 16, (uint32_t)ts);
    le32(b + 20, caplen);
    le32(b + 24, len);
    if (put(f, b, 28) || put(f, data, caplen) || put_padding(f, caplen))
        return -1;
    for (i = 0; i < ncomments; i++)
        if (put_option(f, OPT_COMMENT, comments[i].text,
                       comment_len(&comments[i])))
            return -1;
    if (ncomments && put_option(f, OPT_ENDOFOPT, NULL, 0))
        return -1;
    return put_u32(f, (uint32_t)total);
}
