/*
 * export.c - the tshark field-export reader declared in export.h.
 *
 * One fixed buffer, lines found with memchr, fields cut in place and parsed
 * by hand: the report has to keep up with millions of lines per second, and
 * strtoul() would accept what an exact reader must reject (spaces, signs,
 * trailing junk, silent saturation).  Every rejection names the file, the
 * line, the column and the offending text.
 */
#include "export.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

#define BUF_SIZE (4 * TCPL_EXPORT_MAX_LINE)
#define SLACK 8

/* For the few helpers every line calls many times, where the compiler's
 * own judgement keeps a call. */
#if defined(__GNUC__)
#define HOT_INLINE static inline __attribute__((always_inline))
#else
#define HOT_INLINE static inline
#endif

static const char *const col_names[TCPL_COL_COUNT] = {
#define TCPL_COL_NAME(id, name, req) name,
    TCPL_EXPORT_COLUMNS(TCPL_COL_NAME)
#undef TCPL_COL_NAME
};

/* What `fields` prints: the columns a stock tshark can fill, without the
 * plugin's (users add those when they have the plugin) and without the
 * relative tcp.seq/tcp.ack fallbacks. */
const char *const tcpl_export_fields[] = {
    "frame.number", "frame.time_epoch", "ip.src", "ip.dst", "ipv6.src",
    "ipv6.dst", "tcp.srcport", "tcp.dstport", "tcp.stream", "tcp.flags",
    "tcp.seq_raw", "tcp.ack_raw", "tcp.len", "tcp.window_size_value",
    "ip.ttl", "ipv6.hlim", "icmp.type", "icmp.code", "icmpv6.type",
    "icmpv6.code", "frame.len", "frame.cap_len", "ip.len", "ipv6.plen",
    "ip.hdr_len", "ip.reassembled.length", "ipv6.reassembled.length", NULL};

int tcpl_export_open(tcpl_export *x, const char *name, FILE *f,
                     const char *mem, size_t len)
{
    memset(x, 0, sizeof *x);
    x->name = name;
    x->f = f;
    x->mem = mem;
    x->mem_len = len;
    for (int i = 0; i < TCPL_COL_COUNT; i++)
        x->col[i] = -1;
    /* An input in memory that fits needs no more than itself: every line
     * check then sees the whole input at once, as with a large file. */
    x->cap = !f && len < BUF_SIZE ? len + 1 : BUF_SIZE;
    /* SLACK more, zeroed: dec() reads numbers 8 bytes at a time, past the
     * end of a field that ends the input. */
    x->buf = malloc(x->cap + SLACK);
    if (!x->buf)
        return -1;
    memset(x->buf + x->cap, 0, SLACK);
    return 0;
}

void tcpl_export_close(tcpl_export *x)
{
    free(x->buf);
    x->buf = NULL;
}

/* ------------------------------------------------------------ messages */

static int fail(tcpl_export *x, uint64_t line, const char *fmt, ...)
{
    int n = snprintf(x->err, sizeof x->err, "%s:%llu: ", x->name,
                     (unsigned long long)line);
    if (n < 0 || (size_t)n >= sizeof x->err)
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->err + n, sizeof x->err - (size_t)n, fmt, ap);
    va_end(ap);
    return TCPL_EXPORT_ERROR;
}

/* Quote a field for a message: at most 40 bytes, non-printables escaped,
 * so a binary or huge field cannot flood the terminal. */
static const char *show(const char *s, size_t len, char *out, size_t n)
{
    size_t o = 0;
    size_t i;
    for (i = 0; i < len && o + 8 < n && i < 40; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, n - o, "\\x%02x", c);
    }
    if (i < len && o + 4 < n) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

/* ------------------------------------------------------------ lines */

static size_t fill(tcpl_export *x, char *dst, size_t room)
{
    if (x->f)
        return fread(dst, 1, room, x->f);
    size_t n = x->mem_len - x->mem_pos;
    if (n > room)
        n = room;
    memcpy(dst, x->mem + x->mem_pos, n);
    x->mem_pos += n;
    return n;
}

/* Next line without its '\n': 1, 0 at end of input, or an error. */
static int read_line(tcpl_export *x, char **s, size_t *len)
{
    for (;;) {
        char *p = x->buf + x->pos;
        size_t avail = x->end - x->pos;
        char *nl = memchr(p, '\n', avail);
        if (nl) {
            *s = p;
            *len = (size_t)(nl - p);
            x->pos += *len + 1;
            x->bytes += *len + 1;
            x->line++;
            if (*len > TCPL_EXPORT_MAX_LINE)
                return fail(x, x->line, "line longer than %d bytes",
                            TCPL_EXPORT_MAX_LINE);
            return 1;
        }
        if (avail > TCPL_EXPORT_MAX_LINE)
            return fail(x, x->line + 1, "line longer than %d bytes",
                        TCPL_EXPORT_MAX_LINE);
        if (x->eof) {
            if (avail)
                return fail(x, x->line + 1,
                            "truncated last line (no newline at the end of "
                            "the input)");
            return 0;
        }
        memmove(x->buf, p, avail);
        x->pos = 0;
        x->end = avail;
        size_t got = fill(x, x->buf + x->end, x->cap - x->end);
        if (got == 0) {
            if (x->f && ferror(x->f))
                return fail(x, x->line + 1, "read error: %s", strerror(errno));
            x->eof = true;
        }
        x->end += got;
    }
}

/*
 * Cut a line at tabs; returns the field count, or -1 if over max.  One pass
 * over the bytes also notes NULs and which of the first 64 fields hold a
 * comma (tshark's separator for repeated fields): one loop is cheaper than
 * a memchr per field and per question.
 *
 * Where SSE2 is there (every x86-64), the pass looks at 16 bytes at a time
 * and visits only the tabs and commas, by their bits in a mask: a byte
 * costs well under one instruction instead of four, and this loop was a
 * third of the reader's time.  The byte loop does the rest of the line
 * (and all of it elsewhere); both cut the same way.
 */
static int split(tcpl_export *x, const char *s, size_t len, int max)
{
    static const unsigned char special[256] = {['\t'] = 1, [','] = 2, ['\0'] = 3};
    int n = 0;
    const char *start = s, *end = s + len, *p = s;
    x->commas = 0;
    x->nul = false;
#if defined(__SSE2__) && defined(__GNUC__)
    const __m128i tab = _mm_set1_epi8('\t'), comma = _mm_set1_epi8(','),
                  zero = _mm_setzero_si128();
    for (; end - p >= 16; p += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned mt = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, tab));
        unsigned mc = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma));
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)))
            x->nul = true;
        for (unsigned m = mt | mc; m; m &= m - 1) {
            int b = __builtin_ctz(m);
            if (mt & (1u << b)) {
                if (n == max)
                    return -1;
                x->fld[n] = start;
                x->fln[n] = (uint32_t)(p + b - start);
                n++;
                start = p + b + 1;
            } else if (n < 64) {
                x->commas |= UINT64_C(1) << n;
            }
        }
    }
#endif
    for (; p < end; p++) {
        unsigned char k = special[(unsigned char)*p];
        if (!k)
            continue;
        if (k == 1) {
            if (n == max)
                return -1;
            x->fld[n] = start;
            x->fln[n] = (uint32_t)(p - start);
            n++;
            start = p + 1;
        } else if (k == 2) {
            if (n < 64)
                x->commas |= UINT64_C(1) << n;
        } else {
            x->nul = true;
        }
    }
    if (n == max)
        return -1;
    x->fld[n] = start;
    x->fln[n] = (uint32_t)(end - start);
    return n + 1;
}

/* ------------------------------------------------------------ header */

/* pcap (either byte order, us or ns) and pcapng magic numbers: the most
 * likely binary file handed to report by mistake. */
static bool is_capture(const char *s, size_t len)
{
    static const unsigned char magic[][4] = {
        {0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4},
        {0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d},
        {0x0a, 0x0d, 0x0d, 0x0a}};
    if (len < 4)
        return false;
    for (size_t i = 0; i < sizeof magic / sizeof magic[0]; i++)
        if (memcmp(s, magic[i], 4) == 0)
            return true;
    return false;
}

/* The columns a TCP packet has one value in: a comma in any of them (two
 * IP or TCP headers) makes the line a skipped one.  The header turns them
 * into a mask of the line's fields, so a line checks them all at once. */
static const tcpl_col single[] = {
    TCPL_COL_IP_SRC, TCPL_COL_IP_DST, TCPL_COL_IP6_SRC, TCPL_COL_IP6_DST,
    TCPL_COL_SPORT,  TCPL_COL_DPORT,  TCPL_COL_STREAM,  TCPL_COL_FLAGS,
    TCPL_COL_SEQ_RAW, TCPL_COL_ACK_RAW, TCPL_COL_SEQ,   TCPL_COL_ACK,
    TCPL_COL_LEN,    TCPL_COL_WINDOW, TCPL_COL_TTL,    TCPL_COL_HLIM};

int tcpl_export_header(tcpl_export *x,
                       void (*note)(void *user, const char *text), void *user)
{
    char *s;
    size_t len;
    char q[200];
    /* Look at the first bytes before any line logic: a capture file has no
     * lines to speak of. */
    x->end = fill(x, x->buf, x->cap);
    if (x->end == 0 && x->f && ferror(x->f))
        return fail(x, 1, "read error: %s", strerror(errno));
    if (x->end == 0)
        x->eof = true;
    if (is_capture(x->buf, x->end))
        return fail(x, 1, "this is a capture file, not a tshark export: "
                          "export it with tshark -T fields first, or use "
                          "report --pcap");
    int rc = read_line(x, &s, &len);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return fail(x, 1, "empty input: no header line (export with tshark "
                          "-T fields -E header=y)");
    if (memchr(s, '\0', len))
        return fail(x, 1, "binary data (NUL byte) where the header line "
                          "should be: not a tshark text export");
    if (len && s[len - 1] == '\r')
        return fail(x, 1, "CRLF line end: convert the export to LF line ends "
                          "(e.g. tr -d '\\r')");
    int n = split(x, s, len, TCPL_EXPORT_MAX_COLS);
    if (n < 0)
        return fail(x, 1, "header has more than %d columns",
                    TCPL_EXPORT_MAX_COLS);
    x->ncols = n;
    int known = 0;
    for (int i = 0; i < n; i++) {
        for (int c = 0; c < TCPL_COL_COUNT; c++) {
            if (strlen(col_names[c]) == x->fln[i] &&
                memcmp(col_names[c], x->fld[i], x->fln[i]) == 0) {
                if (x->col[c] >= 0)
                    return fail(x, 1, "column %s appears twice in the header",
                                col_names[c]);
                x->col[c] = i;
                known++;
            }
        }
    }
    if (!known) {
        if (x->fln[0] && x->fld[0][0] >= '0' && x->fld[0][0] <= '9')
            return fail(x, 1, "no header line: the first line looks like "
                              "data (export with -E header=y)");
        if (x->fln[0] && x->fld[0][0] == '"')
            return fail(x, 1, "quoted column names: export without -E quote");
        return fail(x, 1, "no header line: no known column name in \"%s\" "
                          "(expected tab-separated names such as frame.number; "
                          "export with -E header=y -E separator=/t)",
                    show(s, len, q, sizeof q));
    }
    for (size_t k = 0; k < sizeof single / sizeof single[0]; k++) {
        int i = x->col[single[k]];
        if (i >= 64)
            x->single_far = true;
        else if (i >= 0)
            x->single_cols |= UINT64_C(1) << i;
    }
    static const tcpl_col required[] = {TCPL_COL_FRAME, TCPL_COL_TIME,
                                        TCPL_COL_SPORT, TCPL_COL_DPORT,
                                        TCPL_COL_FLAGS, TCPL_COL_LEN};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (x->col[required[i]] < 0)
            return fail(x, 1, "missing required column %s (export with the "
                              "-e options `tcp-lifecycle fields` prints)",
                        col_names[required[i]]);
    if (x->col[TCPL_COL_SEQ_RAW] < 0 && x->col[TCPL_COL_SEQ] < 0)
        return fail(x, 1, "missing required column tcp.seq_raw (or tcp.seq)");
    if (x->col[TCPL_COL_ACK_RAW] < 0 && x->col[TCPL_COL_ACK] < 0)
        return fail(x, 1, "missing required column tcp.ack_raw (or tcp.ack)");
    if ((x->col[TCPL_COL_IP_SRC] < 0) != (x->col[TCPL_COL_IP_DST] < 0))
        return fail(x, 1, "missing required column %s: ip.src and ip.dst go "
                          "together",
                    x->col[TCPL_COL_IP_SRC] < 0 ? "ip.src" : "ip.dst");
    if ((x->col[TCPL_COL_IP6_SRC] < 0) != (x->col[TCPL_COL_IP6_DST] < 0))
        return fail(x, 1, "missing required column %s: ipv6.src and ipv6.dst "
                          "go together",
                    x->col[TCPL_COL_IP6_SRC] < 0 ? "ipv6.src" : "ipv6.dst");
    if (x->col[TCPL_COL_IP_SRC] < 0 && x->col[TCPL_COL_IP6_SRC] < 0)
        return fail(x, 1, "missing required columns: ip.src/ip.dst or "
                          "ipv6.src/ipv6.dst");
    if (note) {
        if (x->col[TCPL_COL_IP_SRC] < 0)
            note(user, "no ip.src/ip.dst columns: IPv4 packets are skipped "
                       "(counted as incomplete)");
        if (x->col[TCPL_COL_IP6_SRC] < 0)
            note(user, "no ipv6.src/ipv6.dst columns: IPv6 packets are "
                       "skipped (counted as incomplete)");
        if (x->col[TCPL_COL_STREAM] < 0)
            note(user, "no tcp.stream column: streams are numbered in the "
                       "order their first packet appears");
        if (x->col[TCPL_COL_WINDOW] < 0)
            note(user, "no tcp.window_size_value column: zero windows "
                       "cannot be seen");
        if (x->col[TCPL_COL_SEQ_RAW] < 0 || x->col[TCPL_COL_ACK_RAW] < 0)
            note(user, "using relative tcp.seq/tcp.ack: export tcp.seq_raw "
                       "and tcp.ack_raw for exact results with port reuse");
    }
    return 0;
}

/* ------------------------------------------------------------ fields */

static int bad_number(tcpl_export *x, tcpl_col c, const char *s, size_t len,
                      const char *range)
{
    char q[200];
    return fail(x, x->line, "%s: \"%s\" is not a number in %s", col_names[c],
                show(s, len, q, sizeof q), range);
}

/* dec() for the lengths its loop cannot take: none, or 20 digits and more,
 * where only exactly 20 can still fit a uint64_t. */
static bool dec_long(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    if (len != 20)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < 19; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9)
            return false;
        v = v * 10 + d;
    }
    unsigned d = (unsigned char)s[19] - '0';
    if (d > 9 || v > (UINT64_MAX - d) / 10)
        return false;
    v = v * 10 + d;
    if (v > max)
        return false;
    *out = v;
    return true;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* 1..8 digits at s, 8 bytes read (the buffer's SLACK covers the end): the
 * bytes of the field are checked for '0'..'9' and combined into the value
 * all at once, in pairs, fours and then eights, instead of a loop turn per
 * digit.  The first digit is the lowest byte; shifted up by the digits it
 * lacks of 8, the number reads as if it had leading zeros. */
HOT_INLINE bool dec8(const char *s, size_t len, uint64_t *out)
{
    uint64_t v, keep = len == 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * len)) - 1;
    const uint64_t hi = UINT64_C(0xf0f0f0f0f0f0f0f0) & keep;
    const uint64_t zeros = UINT64_C(0x3030303030303030) & keep;
    memcpy(&v, s, 8);
    v &= keep;
    /* A digit's high half is 3, and stays 3 with 6 added. */
    if ((v & hi) != zeros || ((v + UINT64_C(0x0606060606060606)) & hi) != zeros)
        return false;
    v = (v - zeros) << (8 * (8 - len));
    v = (v * 10 + (v >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
    v = (v * 100 + (v >> 16)) & UINT64_C(0x0000ffff0000ffff);
    *out = (v * 10000 + (v >> 32)) & UINT64_C(0xffffffff);
    return true;
}
#define HAVE_DEC8 1
#endif

/* Decimal, digits only, at most max.  Up to 19 digits cannot overflow a
 * uint64_t, so only 20-digit input needs the careful path (dec_long): no
 * division per digit where every line has a dozen numbers. */
HOT_INLINE bool dec(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    if (len - 1 >= 19) /* 0, or 20 and more */
        return dec_long(s, len, max, out);
    uint64_t v = 0;
#ifdef HAVE_DEC8
    if (len > 3) {
        /* 8 digits at a time from the end; the first piece takes the rest. */
        size_t head = len & 7 ? len & 7 : 8;
        uint64_t part;
        if (!dec8(s, head, &v))
            return false;
        for (size_t i = head; i < len; i += 8) {
            if (!dec8(s + i, 8, &part))
                return false;
            v = v * 100000000u + part;
        }
        goto done;
    }
#endif
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9)
            return false;
        v = v * 10 + d;
    }
#ifdef HAVE_DEC8
done:
#endif
    if (v > max)
        return false;
    *out = v;
    return true;
}

/* A dozen calls a line: inline, with the message out of the way. */
HOT_INLINE int num(tcpl_export *x, tcpl_col c, uint64_t max,
                  const char *range, uint64_t *out)
{
    int i = x->col[c];
    if (dec(x->fld[i], x->fln[i], max, out))
        return 0;
    return bad_number(x, c, x->fld[i], x->fln[i], range);
}

/* tcp.flags is printed as hex ("0x0012"); decimal is accepted too. */
static int flags(tcpl_export *x, uint16_t *out)
{
    int i = x->col[TCPL_COL_FLAGS];
    const char *s = x->fld[i];
    size_t len = x->fln[i];
    uint64_t v = 0;
    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        if (len > 2 + 16)
            goto bad;
        for (size_t k = 2; k < len; k++) {
            unsigned char ch = (unsigned char)s[k];
            unsigned d;
            if (ch >= '0' && ch <= '9')
                d = ch - '0';
            else if (ch >= 'a' && ch <= 'f')
                d = ch - 'a' + 10;
            else if (ch >= 'A' && ch <= 'F')
                d = ch - 'A' + 10;
            else
                goto bad;
            v = v * 16 + d;
            if (v > 0xfff)
                goto bad;
        }
    } else if (!dec(s, len, 0xfff, &v)) {
        goto bad;
    }
    *out = (uint16_t)v;
    return 0;
bad:
    return bad_number(x, TCPL_COL_FLAGS, s, len, "0x000..0xfff");
}

/* Seconds with up to 9 decimals, to exact nanoseconds: a double would
 * round 10-digit seconds plus 9 decimals. */
static int epoch_ns(tcpl_export *x, int64_t *out)
{
    int i = x->col[TCPL_COL_TIME];
    const char *s = x->fld[i];
    size_t len = x->fln[i];
    const char *end = s + len;
    const char *p = s;
    bool neg = false;
    if (p < end && *p == '-') {
        neg = true;
        p++;
    }
    const char *dot = memchr(p, '.', (size_t)(end - p));
    const char *ie = dot ? dot : end;
    uint64_t sec, frac = 0;
    /* At most 4611686017 s (year 2116) either side of 1970: under 2^62 ns
     * with any fraction, so that the difference of any two times (a
     * duration, a time in state) fits in int64 too.  9223372035 s, which
     * only the times themselves fit, let a fuzzed -7953458245 s time
     * overflow the tracker's subtraction. */
    if (!dec(p, (size_t)(ie - p), UINT64_C(4611686017), &sec))
        goto bad;
    if (dot) {
        size_t fl = (size_t)(end - dot - 1);
        if (fl == 0 || fl > 9 || !dec(dot + 1, fl, UINT64_C(999999999), &frac))
            goto bad;
        for (size_t k = fl; k < 9; k++)
            frac *= 10;
    }
    int64_t v = (int64_t)sec * 1000000000 + (int64_t)frac;
    *out = neg ? -v : v;
    return 0;
bad:
    return fail(x, x->line,
                "frame.time_epoch: \"%s\" is not seconds with at most 9 "
                "decimals",
                show(s, len, (char[200]){0}, 200));
}

static bool ipv4(const char *s, size_t len, uint8_t out[16])
{
    const char *end = s + len;
    memset(out, 0, 16);
    for (int k = 0; k < 4; k++) {
        unsigned v = 0;
        int digits = 0;
        for (; s < end && (unsigned)((unsigned char)*s - '0') <= 9u; s++) {
            if (++digits > 3)
                return false;
            v = v * 10 + (unsigned)(*s - '0');
        }
        if (digits == 0 || v > 255)
            return false;
        out[k] = (uint8_t)v;
        if (k < 3) {
            if (s >= end || *s != '.')
                return false;
            s++;
        }
    }
    return s == end;
}

static bool ipv6(const char *s, size_t len, uint8_t out[16])
{
    char tmp[64];
    if (len == 0 || len >= sizeof tmp)
        return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    return inet_pton(AF_INET6, tmp, out) == 1;
}

static int addr(tcpl_export *x, tcpl_col c, int family, uint8_t out[16])
{
    int i = x->col[c];
    const char *s = x->fld[i];
    size_t len = x->fln[i];
    for (int k = 0; k < 2; k++) {
        const struct tcpl_export_addr_memo *m = &x->addr_memo[k];
        if (m->family == family && m->len == len && memcmp(m->text, s, len) == 0) {
            memcpy(out, m->bytes, 16);
            x->addr_next = !k; /* keep this one, the other goes first */
            return 0;
        }
    }
    bool ok = family == 4 ? ipv4(s, len, out) : ipv6(s, len, out);
    if (ok) {
        struct tcpl_export_addr_memo *m = &x->addr_memo[x->addr_next];
        if (len <= sizeof m->text) {
            m->family = (uint8_t)family;
            m->len = (uint8_t)len;
            memcpy(m->text, s, len);
            memcpy(m->bytes, out, 16);
            x->addr_next = !x->addr_next;
        }
        return 0;
    }
    char q[200];
    return fail(x, x->line, "%s: \"%s\" is not an IPv%d address", col_names[c],
                show(s, len, q, sizeof q), family);
}

static bool empty(const tcpl_export *x, tcpl_col c)
{
    return x->col[c] < 0 || x->fln[x->col[c]] == 0;
}

static bool multi(const tcpl_export *x, tcpl_col c)
{
    int i = x->col[c];
    if (i < 0)
        return false;
    if (i < 64)
        return (x->commas >> i) & 1;
    return memchr(x->fld[i], ',', x->fln[i]) != NULL;
}

static int state_col(tcpl_export *x, tcpl_col c, int *out)
{
    *out = -1;
    if (empty(x, c))
        return 0;
    int i = x->col[c];
    *out = tcpl_state_from_name(x->fld[i], x->fln[i]);
    if (*out >= 0)
        return 0;
    char q[200];
    return fail(x, x->line, "%s: \"%s\" is not a state name", col_names[c],
                show(x->fld[i], x->fln[i], q, sizeof q));
}

static int anomaly_col(tcpl_export *x, uint32_t *mask)
{
    *mask = 0;
    if (empty(x, TCPL_COL_LC_ANOMALY))
        return 0;
    int i = x->col[TCPL_COL_LC_ANOMALY];
    const char *s = x->fld[i], *end = s + x->fln[i];
    while (s <= end) {
        const char *c = memchr(s, ',', (size_t)(end - s));
        const char *e = c ? c : end;
        int a = tcpl_anomaly_from_name(s, (size_t)(e - s));
        if (a < 0) {
            char q[200];
            return fail(x, x->line,
                        "tcp.lifecycle.anomaly: \"%s\" is not an anomaly name",
                        show(s, (size_t)(e - s), q, sizeof q));
        }
        *mask |= TCPL_BIT(a);
        s = e + 1;
    }
    return 0;
}

static int skip(tcpl_export *x, tcpl_skip why, uint64_t frame)
{
    static const char *const text[TCPL_SKIP_COUNT] = {
        "not a TCP packet",
        "several IP or TCP headers (an ICMP error quoting TCP, or a tunnel)",
        ("TCP packet without an address or another required field (an "
         "address family not exported, or cut short by the snap length)")};
    x->skipped[why]++;
    x->last_skip = why;
    snprintf(x->err, sizeof x->err, "%s:%llu: note: frame %llu skipped: %s",
             x->name, (unsigned long long)x->line, (unsigned long long)frame,
             text[why]);
    return TCPL_EXPORT_SKIP;
}

/* Narrow column c of this line to its k-th comma-separated value (from
 * 0); false when it has fewer. */
static bool narrow(tcpl_export *x, tcpl_col c, int k)
{
    int i = x->col[c];
    if (i < 0)
        return false;
    const char *s = x->fld[i], *end = s + x->fln[i];
    for (; k > 0; k--) {
        const char *comma = memchr(s, ',', (size_t)(end - s));
        if (!comma)
            return false;
        s = comma + 1;
    }
    const char *comma = memchr(s, ',', (size_t)(end - s));
    x->fld[i] = s;
    x->fln[i] = (uint32_t)((comma ? comma : end) - s);
    if (i < 64)
        x->commas &= ~(UINT64_C(1) << i);
    return true;
}

/*
 * An ICMP error quoting a TCP header: tshark prints the outer and the
 * quoted IP addresses as "outer,quoted" and the quoted TCP header's
 * fields once, but no tcp.seq_raw (so the engine cannot check the quote
 * against the window) and no tcp.len.  The tuple is the quoted
 * segment's: the error joins that connection.
 */
static int icmp_line(tcpl_export *x, tcpl_export_packet *p)
{
    bool v6 = !empty(x, TCPL_COL_ICMP6_TYPE);
    tcpl_col src = v6 ? TCPL_COL_IP6_SRC : TCPL_COL_IP_SRC;
    tcpl_col dst = v6 ? TCPL_COL_IP6_DST : TCPL_COL_IP_DST;
    tcpl_col type = v6 ? TCPL_COL_ICMP6_TYPE : TCPL_COL_ICMP_TYPE;
    tcpl_col code = v6 ? TCPL_COL_ICMP6_CODE : TCPL_COL_ICMP_CODE;
    tcpl_col ttl = v6 ? TCPL_COL_HLIM : TCPL_COL_TTL;
    tcpl_tuple *t = &p->tuple;
    uint8_t outer[16];
    uint64_t v;

    /* Exactly an outer and a quoted header of the one family. */
    if (!empty(x, v6 ? TCPL_COL_IP_SRC : TCPL_COL_IP6_SRC) ||
        multi(x, type) || multi(x, code) || multi(x, TCPL_COL_SPORT) ||
        multi(x, TCPL_COL_DPORT) || multi(x, TCPL_COL_FLAGS))
        return skip(x, TCPL_SKIP_MULTI, p->frame);
    if (empty(x, src) || empty(x, dst) || empty(x, type) || empty(x, code) ||
        empty(x, TCPL_COL_FLAGS) || !multi(x, src) || !multi(x, dst))
        return skip(x, TCPL_SKIP_INCOMPLETE, p->frame);
    t->family = v6 ? 6 : 4;
    int si = x->col[src];
    const char *whole = x->fld[si];
    uint32_t whole_len = x->fln[si];
    if (!narrow(x, src, 0) || addr(x, src, t->family, outer))
        return TCPL_EXPORT_ERROR;
    x->fld[si] = whole;
    x->fln[si] = whole_len;
    if (!narrow(x, src, 1) || !narrow(x, dst, 1))
        return skip(x, TCPL_SKIP_MULTI, p->frame);
    if (addr(x, src, t->family, t->src) || addr(x, dst, t->family, t->dst))
        return TCPL_EXPORT_ERROR;
    if (num(x, TCPL_COL_SPORT, 65535, "0..65535", &v))
        return TCPL_EXPORT_ERROR;
    t->sport = (uint16_t)v;
    if (num(x, TCPL_COL_DPORT, 65535, "0..65535", &v))
        return TCPL_EXPORT_ERROR;
    t->dport = (uint16_t)v;
    memset(&p->seg, 0, sizeof p->seg);
    if (epoch_ns(x, &p->seg.ts_ns) || flags(x, &p->seg.flags))
        return TCPL_EXPORT_ERROR;
    p->seg.icmp_seq_unknown = 1;
    if (!empty(x, TCPL_COL_SEQ_RAW) && !multi(x, TCPL_COL_SEQ_RAW)) {
        if (num(x, TCPL_COL_SEQ_RAW, UINT32_MAX, "0..4294967295", &v))
            return TCPL_EXPORT_ERROR;
        p->seg.seq = (uint32_t)v;
        p->seg.icmp_seq_unknown = 0;
    }
    if (num(x, type, 255, "0..255", &v))
        return TCPL_EXPORT_ERROR;
    p->seg.icmp_type = (uint8_t)v;
    if (num(x, code, 255, "0..255", &v))
        return TCPL_EXPORT_ERROR;
    p->seg.icmp_code = (uint8_t)v;
    p->seg.icmp = t->family;
    p->seg.icmp_from_peer = memcmp(outer, t->dst, 16) == 0;
    if (!empty(x, ttl) && narrow(x, ttl, 0)) {
        if (num(x, ttl, 255, "0..255", &v))
            return TCPL_EXPORT_ERROR;
        p->seg.ttl = (uint8_t)v;
    }
    p->seg.sport = t->sport;
    p->seg.dport = t->dport;
    p->stream = -1;
    if (!empty(x, TCPL_COL_STREAM) && !multi(x, TCPL_COL_STREAM)) {
        if (num(x, TCPL_COL_STREAM, UINT32_MAX, "0..4294967295", &v))
            return TCPL_EXPORT_ERROR;
        p->stream = (int64_t)v;
    }
    p->lc_src = p->lc_dst = -1;
    p->lc_anomalies = 0;
    p->has_lc_anomaly = false;
    return TCPL_EXPORT_PACKET;
}

int tcpl_export_next(tcpl_export *x, tcpl_export_packet *p)
{
    char *s;
    size_t len;
    int rc = read_line(x, &s, &len);
    if (rc <= 0)
        return rc;
    if (len && s[len - 1] == '\r')
        return fail(x, x->line, "CRLF line end: convert the export to LF "
                                "line ends (e.g. tr -d '\\r')");
    int n = split(x, s, len, x->ncols);
    if (x->nul)
        return fail(x, x->line, "binary data (NUL byte): not a tshark text "
                                "export");
    if (n != x->ncols) {
        if (n < 0)
            return fail(x, x->line, "more fields than the header's %d columns",
                        x->ncols);
        return fail(x, x->line, "%d fields where the header has %d columns "
                                "(truncated line?)",
                    n, x->ncols);
    }

    p->line = x->line;
    uint64_t v;
    if (num(x, TCPL_COL_FRAME, UINT64_MAX, "0..18446744073709551615", &p->frame))
        return TCPL_EXPORT_ERROR;
    if (epoch_ns(x, &p->seg.ts_ns))
        return TCPL_EXPORT_ERROR;

    if (empty(x, TCPL_COL_SPORT) && empty(x, TCPL_COL_DPORT))
        return skip(x, TCPL_SKIP_NON_TCP, p->frame);
    if (!empty(x, TCPL_COL_ICMP_TYPE) || !empty(x, TCPL_COL_ICMP6_TYPE))
        return icmp_line(x, p);
    if (x->commas & x->single_cols)
        return skip(x, TCPL_SKIP_MULTI, p->frame);
    if (x->single_far)
        for (size_t k = 0; k < sizeof single / sizeof single[0]; k++)
            if (multi(x, single[k]))
                return skip(x, TCPL_SKIP_MULTI, p->frame);
    bool v4 = !empty(x, TCPL_COL_IP_SRC), v6 = !empty(x, TCPL_COL_IP6_SRC);
    if (v4 && v6)
        return skip(x, TCPL_SKIP_MULTI, p->frame);
    tcpl_col seqc = x->col[TCPL_COL_SEQ_RAW] >= 0 ? TCPL_COL_SEQ_RAW : TCPL_COL_SEQ;
    tcpl_col ackc = x->col[TCPL_COL_ACK_RAW] >= 0 ? TCPL_COL_ACK_RAW : TCPL_COL_ACK;
    if ((!v4 && !v6) || empty(x, v4 ? TCPL_COL_IP_DST : TCPL_COL_IP6_DST) ||
        empty(x, TCPL_COL_SPORT) || empty(x, TCPL_COL_DPORT) ||
        empty(x, TCPL_COL_FLAGS) || empty(x, seqc) || empty(x, ackc) ||
        empty(x, TCPL_COL_LEN))
        return skip(x, TCPL_SKIP_INCOMPLETE, p->frame);

    tcpl_tuple *t = &p->tuple;
    memset(t, 0, sizeof *t); /* no encapsulation in an export */
    t->family = v4 ? 4 : 6;
    if (addr(x, v4 ? TCPL_COL_IP_SRC : TCPL_COL_IP6_SRC, t->family, t->src) ||
        addr(x, v4 ? TCPL_COL_IP_DST : TCPL_COL_IP6_DST, t->family, t->dst))
        return TCPL_EXPORT_ERROR;
    if (num(x, TCPL_COL_SPORT, 65535, "0..65535", &v))
        return TCPL_EXPORT_ERROR;
    t->sport = (uint16_t)v;
    if (num(x, TCPL_COL_DPORT, 65535, "0..65535", &v))
        return TCPL_EXPORT_ERROR;
    t->dport = (uint16_t)v;
    if (flags(x, &p->seg.flags))
        return TCPL_EXPORT_ERROR;
    if (num(x, seqc, UINT32_MAX, "0..4294967295", &v))
        return TCPL_EXPORT_ERROR;
    p->seg.seq = (uint32_t)v;
    if (num(x, ackc, UINT32_MAX, "0..4294967295", &v))
        return TCPL_EXPORT_ERROR;
    p->seg.ack = (uint32_t)v;
    if (num(x, TCPL_COL_LEN, UINT32_MAX, "0..4294967295", &v))
        return TCPL_EXPORT_ERROR;
    p->seg.len = (uint32_t)v;
    p->seg.window = 65535; /* no column: a window that never reads as zero */
    if (!empty(x, TCPL_COL_WINDOW)) {
        if (num(x, TCPL_COL_WINDOW, 65535, "0..65535", &v))
            return TCPL_EXPORT_ERROR;
        p->seg.window = (uint32_t)v;
    }
    /* TTL / hop limit: optional, silently (0 = unknown: no RST is then
     * compared with its sender's other packets). */
    p->seg.ttl = 0;
    tcpl_col ttlc = v4 ? TCPL_COL_TTL : TCPL_COL_HLIM;
    if (!empty(x, ttlc)) {
        if (num(x, ttlc, 255, "0..255", &v))
            return TCPL_EXPORT_ERROR;
        p->seg.ttl = (uint8_t)v;
    }
    /* Frame lengths: optional, silently.  What the snapshot length cut
     * off a frame is cut off its end, so off the payload first (the
     * --pcap path knows it from the IP length; both must agree). */
    p->seg.uncaptured = 0;
    p->seg.bad_checksum = 0;
    if (!empty(x, TCPL_COL_FRAME_LEN) && !empty(x, TCPL_COL_CAP_LEN)) {
        uint64_t wire, cap;
        if (num(x, TCPL_COL_FRAME_LEN, UINT32_MAX, "0..4294967295", &wire) ||
            num(x, TCPL_COL_CAP_LEN, UINT32_MAX, "0..4294967295", &cap))
            return TCPL_EXPORT_ERROR;
        if (wire > cap)
            p->seg.uncaptured = (uint32_t)(wire - cap < p->seg.len
                                               ? wire - cap
                                               : p->seg.len);
    }
    /* IP length: optional, silently (0 = unknown: Zeek's orig_ip_bytes
     * and resp_ip_bytes are then written unset).  IPv6's field leaves out
     * the fixed header, which Zeek's count includes.  On a datagram tshark
     * reassembled, the length fields are the last fragment's: the whole
     * datagram's is its header and the reassembled payload, as --pcap's
     * reassembler rebuilds it. */
    p->seg.ip_len = 0;
    tcpl_col lenc = v4 ? TCPL_COL_IP_LEN : TCPL_COL_IP6_PLEN;
    tcpl_col reasc = v4 ? TCPL_COL_IP_REASM : TCPL_COL_IP6_REASM;
    if (!empty(x, reasc) && !multi(x, reasc) &&
        (!v4 || (!empty(x, TCPL_COL_IP_HLEN) && !multi(x, TCPL_COL_IP_HLEN)))) {
        uint64_t hl = 40;
        if ((v4 && num(x, TCPL_COL_IP_HLEN, 60, "0..60", &hl)) ||
            num(x, reasc, 65535, "0..65535", &v))
            return TCPL_EXPORT_ERROR;
        p->seg.ip_len = (uint32_t)(hl + v);
    } else if (!empty(x, lenc) && !multi(x, lenc)) {
        if (num(x, lenc, 65535, "0..65535", &v))
            return TCPL_EXPORT_ERROR;
        p->seg.ip_len = (uint32_t)v + (v4 ? 0 : 40);
    }
    p->seg.icmp = p->seg.icmp_type = p->seg.icmp_code = 0;
    p->seg.icmp_from_peer = p->seg.icmp_seq_unknown = 0;
    p->seg.icmp_mtu = 0;
    p->seg.from = 0;
    p->seg.sport = t->sport;
    p->seg.dport = t->dport;
    p->stream = -1;
    if (!empty(x, TCPL_COL_STREAM)) {
        if (num(x, TCPL_COL_STREAM, UINT32_MAX, "0..4294967295", &v))
            return TCPL_EXPORT_ERROR;
        p->stream = (int64_t)v;
    }
    if (state_col(x, TCPL_COL_LC_SRC, &p->lc_src) ||
        state_col(x, TCPL_COL_LC_DST, &p->lc_dst) ||
        anomaly_col(x, &p->lc_anomalies))
        return TCPL_EXPORT_ERROR;
    p->has_lc_anomaly = x->col[TCPL_COL_LC_ANOMALY] >= 0;
    return TCPL_EXPORT_PACKET;
}
