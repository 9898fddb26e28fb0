/*
 * pcap_in.c - capture reading for annotate and `report --pcap` (see
 * pcap_in.h).
 *
 * libpcap reads the packets.  When comments are wanted and the input is
 * pcapng, a second, much cheaper walk over the same file runs in lockstep:
 * for every packet libpcap returns, the scanner advances to the next packet
 * block (EPB, SPB or the obsolete PB, the three libpcap returns) and reads
 * only that block's options, seeking over the packet bytes.  The two walks
 * must agree on the number of packets; if they ever disagree, that is an
 * error, never a silent shift of comments onto the wrong packets.
 *
 * A classic pcap file (version 2.4, either byte order and resolution) is
 * walked by our own loop over large read() buffers instead: libpcap's two
 * freads per packet cost more than everything else the reading does.  It
 * takes only the records it is sure libpcap would return unchanged; at
 * the first one it is not sure of (a cut record, a length beyond the
 * snapshot length, an odd timestamp) and at the end of the file, libpcap
 * is moved to that record's offset and reads the rest, so truncation and
 * damage are told exactly as before.
 */
/* pcap.h uses the BSD u_int/u_char types, hidden by strict C11 (clang's
 * fuzz builds already define it). */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include "pcap_in.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "tcpl/wire.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_PB 0x00000002u  /* obsolete Packet Block */
#define BT_SPB 0x00000003u /* Simple Packet Block */
#define BT_EPB 0x00000006u /* Enhanced Packet Block */
#define SHB_MAGIC 0x1A2B3C4Du
#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1

/* Headers are all the engine reads: link, IP with extension headers, TCP
 * with options fit easily, and copying less keeps up with bursts. */
#define LIVE_SNAPLEN 512
/* How long a capture with no traffic blocks before tcpl_pcap_next()
 * returns TCPL_PCAP_AGAIN, so lingering lifecycles, --stats-interval and
 * signals are served without a packet to wake us.  libpcap's own timeout
 * does not do it in immediate mode (Linux waits for a packet), so the
 * handle is non-blocking and the wait is our poll(). */
#define LIVE_TIMEOUT_MS 200

/* The fast reader's buffer: many records per read(), and always room for
 * one record of libpcap's largest snapshot length (256 KiB). */
#define FAST_BUF (1024u * 1024)

/* Far above any real block (libpcap itself refuses blocks over 16 MiB). */
#define MAX_OPTIONS_BYTES (16u * 1024 * 1024)

typedef struct scanner {
    FILE *f;
    bool big_endian;     /* section is big-endian */
    uint8_t *opts;       /* options of the current packet block */
    size_t opts_cap;
    tcpl_pcap_comment *comments;
    size_t ncomments;
    size_t comments_cap;
    uint64_t offset;     /* file offset of the next block, for messages */
} scanner;

/* Our own walk over a classic pcap file (see the top of the file). */
typedef struct fast_reader {
    int fd;          /* -1: libpcap reads */
    bool swapped;    /* records in the other byte order */
    bool nano;       /* fractions are nanoseconds, not microseconds */
    uint8_t *buf;
    size_t len;      /* bytes in buf */
    size_t pos;      /* start of the next record in buf */
    uint64_t offset; /* file offset of buf[pos] */
} fast_reader;

struct tcpl_pcap_in {
    pcap_t *p;
    const char *path;    /* as messages name it: "<stdin>" for "-" */
    int64_t ts_scale;    /* ns per unit of tv_usec: 1, or 1000 when a live
                            interface only gives microseconds */
    bool live;
    int fd;              /* live: what poll() waits on */
    int linktype;
    uint32_t snaplen;
    bool pcapng;
    bool want_comments;
    uint64_t frame;
    scanner sc;
    fast_reader fr;
};

static void fmt(char *err, size_t n, const char *f, ...)
{
    va_list ap;

    if (n == 0)
        return;
    va_start(ap, f);
    vsnprintf(err, n, f, ap);
    va_end(ap);
}

/* libpcap hands out DLT_ values; files and wire.h use LINKTYPE_ values.
 * They differ only for a few historical types. */
static int dlt_to_linktype(int dlt)
{
    switch (dlt) {
    case DLT_NULL: return TCPL_LINK_NULL;
    case DLT_EN10MB: return TCPL_LINK_ETHERNET;
    case DLT_PPP: return TCPL_LINK_PPP;
    case DLT_FDDI: return TCPL_LINK_FDDI;
    case DLT_PPP_SERIAL: return TCPL_LINK_PPP_HDLC;
    case DLT_PPP_ETHER: return TCPL_LINK_PPP_ETHER;
    case DLT_RAW: return TCPL_LINK_RAW;
#if DLT_LOOP != DLT_RAW
    case DLT_LOOP: return TCPL_LINK_LOOP;
#endif
    default:
        /* Above 103 the two numberings coincide (libpcap's own rule for
         * values it has no special case for). */
        return dlt > 103 ? dlt : -1;
    }
}

/* ------------------------------------------------------------ scanner */

static uint32_t rd32(const scanner *s, const uint8_t *p)
{
    if (s->big_endian)
        return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
               ((uint32_t)p[2] << 8) | p[3];
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[1] << 8) | p[0];
}

static uint16_t rd16(const scanner *s, const uint8_t *p)
{
    if (s->big_endian)
        return (uint16_t)((p[0] << 8) | p[1]);
    return (uint16_t)((p[1] << 8) | p[0]);
}

/* Read exactly n bytes; 0 ok, 1 clean EOF before any byte, -1 short. */
static int rd_exact(scanner *s, void *buf, size_t n)
{
    size_t got = fread(buf, 1, n, s->f);

    if (got == n)
        return 0;
    return got == 0 && feof(s->f) ? 1 : -1;
}

static int skip(scanner *s, uint64_t n)
{
    /* fseek past the end "succeeds"; a short file shows up at the next
     * read, or at the final agreement check with libpcap. */
    while (n > 0) {
        long step = n > (uint64_t)0x40000000 ? 0x40000000 : (long)n;
        if (fseek(s->f, step, SEEK_CUR) != 0)
            return -1;
        n -= (uint64_t)step;
    }
    return 0;
}

static int add_comment(scanner *s, const uint8_t *text, uint16_t len)
{
    if (s->ncomments == s->comments_cap) {
        size_t nc = s->comments_cap ? s->comments_cap * 2 : 4;
        void *q = realloc(s->comments, nc * sizeof *s->comments);
        if (!q)
            return -1;
        s->comments = q;
        s->comments_cap = nc;
    }
    s->comments[s->ncomments].text = (const char *)text;
    s->comments[s->ncomments].len = len;
    s->ncomments++;
    return 0;
}

/* Collect opt_comment options from s->opts[0..n). */
static int parse_options(scanner *s, size_t n, char *err, size_t errlen,
                         const char *path)
{
    size_t pos = 0;

    while (pos + 4 <= n) {
        uint16_t code = rd16(s, s->opts + pos);
        uint16_t len = rd16(s, s->opts + pos + 2);
        size_t padded = ((size_t)len + 3) & ~(size_t)3;

        if (code == OPT_ENDOFOPT)
            return 0;
        pos += 4;
        if (padded > n - pos) {
            fmt(err, errlen, "%s: pcapng block at offset %llu: option %u "
                "runs past the end of its block", path,
                (unsigned long long)s->offset, code);
            return -1;
        }
        if (code == OPT_COMMENT && add_comment(s, s->opts + pos, len) != 0) {
            fmt(err, errlen, "%s: out of memory", path);
            return -1;
        }
        pos += padded;
    }
    return 0;
}

/*
 * Advance to the next packet block and collect its comments.  Returns 1
 * at a packet block, 0 at the end of the file, -1 with err filled.
 */
static int scan_next_packet(scanner *s, char *err, size_t errlen,
                            const char *path)
{
    uint8_t hdr[12];

    s->ncomments = 0;
    for (;;) {
        uint32_t type, len;
        int rc = rd_exact(s, hdr, 8);

        if (rc == 1)
            return 0;
        if (rc < 0)
            goto short_block;
        if (rd32(s, hdr) == BT_SHB) {
            /* The byte-order magic decides how this section is read. */
            if (rd_exact(s, hdr + 8, 4) != 0)
                goto short_block;
            if (memcmp(hdr + 8, "\x1A\x2B\x3C\x4D", 4) == 0)
                s->big_endian = true;
            else if (memcmp(hdr + 8, "\x4D\x3C\x2B\x1A", 4) == 0)
                s->big_endian = false;
            else {
                fmt(err, errlen, "%s: pcapng section at offset %llu has a "
                    "bad byte-order magic", path,
                    (unsigned long long)s->offset);
                return -1;
            }
            len = rd32(s, hdr + 4);
            if (len < 28 || len % 4 != 0)
                goto bad_length;
            if (skip(s, len - 12) != 0)
                goto short_block;
            s->offset += len;
            continue;
        }
        type = rd32(s, hdr);
        len = rd32(s, hdr + 4);
        if (len < 12 || len % 4 != 0)
            goto bad_length;
        if (type == BT_EPB || type == BT_PB) {
            uint8_t fixed[20];
            uint32_t caplen;
            uint64_t body = len - 12, data, nopts;

            if (body < 20)
                goto bad_length;
            if (rd_exact(s, fixed, 20) != 0)
                goto short_block;
            caplen = rd32(s, fixed + 12); /* same place in EPB and PB */
            data = ((uint64_t)caplen + 3) & ~(uint64_t)3;
            if (data > body - 20)
                goto bad_length;
            nopts = body - 20 - data;
            if (nopts > MAX_OPTIONS_BYTES)
                goto bad_length;
            if (skip(s, data) != 0)
                goto short_block;
            if (nopts > s->opts_cap) {
                void *q = realloc(s->opts, nopts);
                if (!q) {
                    fmt(err, errlen, "%s: out of memory", path);
                    return -1;
                }
                s->opts = q;
                s->opts_cap = nopts;
            }
            if (nopts && rd_exact(s, s->opts, nopts) != 0)
                goto short_block;
            if (parse_options(s, nopts, err, errlen, path) != 0)
                return -1;
            if (skip(s, 4) != 0)
                goto short_block;
            s->offset += len;
            return 1;
        }
        if (skip(s, len - 8) != 0)
            goto short_block;
        s->offset += len;
        if (type == BT_SPB)
            return 1;
    }
short_block:
    fmt(err, errlen, "%s: pcapng block at offset %llu is cut short", path,
        (unsigned long long)s->offset);
    return -1;
bad_length:
    fmt(err, errlen, "%s: pcapng block at offset %llu has an impossible "
        "length", path, (unsigned long long)s->offset);
    return -1;
}

/* libpcap's "truncated dump file; tried to read 66 captured bytes, only
 * got 10": the part after "; " says how much was missing; our message
 * already says it is truncated. */
static const char *libpcap_detail(const char *msg)
{
    const char *semi = strstr(msg, "; ");
    return semi ? semi + 2 : msg;
}

/* ------------------------------------------------------------ fast pcap */

static uint32_t fast32(const fast_reader *r, const uint8_t *b)
{
    uint32_t v;
    memcpy(&v, b, 4);
    return r->swapped ? __builtin_bswap32(v) : v;
}

/* Link types whose frames libpcap hands out as stored.  It rewrites the
 * pseudo-headers of some others (USB, NFLOG, Linux cooked CAN) when the
 * file's byte order is not the host's. */
static bool fast_linktype(int lt, bool swapped)
{
    switch (lt) {
    case TCPL_LINK_NULL: case TCPL_LINK_ETHERNET: case TCPL_LINK_RAW:
    case TCPL_LINK_LOOP: case TCPL_LINK_IPV4: case TCPL_LINK_IPV6:
        return true;
    case TCPL_LINK_LINUX_SLL: case TCPL_LINK_LINUX_SLL2:
        return !swapped;
    default:
        return false;
    }
}

/* Take over the reading of path from libpcap when it is a classic pcap
 * file we can walk; otherwise leave it to libpcap (fd stays -1). */
static void fast_open(tcpl_pcap_in *in, const char *path)
{
    fast_reader *r = &in->fr;
    uint8_t hdr[24];
    uint32_t magic;
    uint16_t major, minor;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return;
    if (read(fd, hdr, sizeof hdr) != (ssize_t)sizeof hdr)
        goto no;
    memcpy(&magic, hdr, 4);
    if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du)
        r->swapped = false;
    else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u)
        r->swapped = true;
    else
        goto no; /* pcapng, or a variant libpcap knows better */
    r->nano = magic == 0xa1b23c4du || magic == 0x4d3cb2a1u;
    memcpy(&major, hdr + 4, 2);
    memcpy(&minor, hdr + 6, 2);
    if (r->swapped) {
        major = __builtin_bswap16(major);
        minor = __builtin_bswap16(minor);
    }
    /* Older minor versions may store the two lengths swapped. */
    if (major != 2 || minor != 4 || !fast_linktype(in->linktype, r->swapped))
        goto no;
    r->buf = malloc(FAST_BUF);
    if (!r->buf)
        goto no;
    r->fd = fd;
    r->offset = sizeof hdr;
    return;
no:
    close(fd);
}

static void fast_close(fast_reader *r)
{
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    free(r->buf);
    r->buf = NULL;
}

/* Hand the rest of the file to libpcap at the record we stopped at.
 * 0, or -1 with err filled. */
static int fast_handover(tcpl_pcap_in *in, char *err, size_t errlen)
{
    FILE *f = pcap_file(in->p);
    off_t at = (off_t)in->fr.offset;

    fast_close(&in->fr);
    if (!f || fseeko(f, at, SEEK_SET) != 0) {
        fmt(err, errlen, "%s:frame %llu: cannot seek to offset %lld: %s",
            in->path, (unsigned long long)in->frame + 1, (long long)at,
            strerror(errno));
        return -1;
    }
    return 0;
}

/* Keep the unread bytes and read more after them.  1, or 0 at the end of
 * the file or on a read error (libpcap then says which). */
static int fast_fill(fast_reader *r)
{
    size_t have = r->len - r->pos;
    ssize_t n;

    memmove(r->buf, r->buf + r->pos, have);
    r->len = have;
    r->pos = 0;
    do
        n = read(r->fd, r->buf + r->len, FAST_BUF - r->len);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return 0;
    r->len += (size_t)n;
    return 1;
}

/* The next record as libpcap would return it: 1 with p filled (but for
 * the frame number), 0 when libpcap must take over from r->offset. */
static int fast_next(tcpl_pcap_in *in, tcpl_pcap_packet *p)
{
    fast_reader *r = &in->fr;

    for (;;) {
        size_t have = r->len - r->pos;
        if (have >= 16) {
            const uint8_t *h = r->buf + r->pos;
            uint32_t sec = fast32(r, h), frac = fast32(r, h + 4);
            uint32_t caplen = fast32(r, h + 8);
            /* libpcap reads the seconds as signed and may cut or refuse
             * long records: those are its to read. */
            if (caplen > in->snaplen || sec > INT32_MAX ||
                frac >= (r->nano ? 1000000000u : 1000000u))
                return 0;
            if (have >= 16 + (size_t)caplen) {
                p->ts_ns = (int64_t)sec * 1000000000 +
                           (int64_t)frac * (r->nano ? 1 : 1000);
                p->caplen = caplen;
                p->len = fast32(r, h + 12);
                p->data = h + 16;
                r->pos += 16 + (size_t)caplen;
                r->offset += 16 + (uint64_t)caplen;
                return 1;
            }
        }
        if (!fast_fill(r))
            return 0;
    }
}

/* ------------------------------------------------------------ the API */

tcpl_pcap_in *tcpl_pcap_open(const char *path, bool want_comments, char *err,
                             size_t errlen)
{
    char perr[PCAP_ERRBUF_SIZE];
    tcpl_pcap_in *in;
    uint8_t magic[4];
    FILE *f;

    perr[0] = '\0';
    in = calloc(1, sizeof *in);
    if (!in) {
        fmt(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    in->path = strcmp(path, "-") == 0 ? "<stdin>" : path;
    in->ts_scale = 1;
    in->fr.fd = -1;
    in->p = pcap_open_offline_with_tstamp_precision(
        path, PCAP_TSTAMP_PRECISION_NANO, perr);
    if (!in->p) {
        /* libpcap's "unknown file format" means: not a capture at all. */
        if (strstr(perr, "unknown file format"))
            fmt(err, errlen, "%s: not a pcap or pcapng capture", in->path);
        else if (strstr(perr, "truncated"))
            fmt(err, errlen, "%s: truncated: the capture ends inside its "
                "headers, before frame 1 (libpcap: %s)", in->path,
                libpcap_detail(perr));
        else if (strncmp(perr, path, strlen(path)) == 0 && perr[strlen(path)] == ':')
            /* libpcap names the file itself ("PATH: No such file ..."). */
            fmt(err, errlen, "%s: cannot open:%s", in->path, perr + strlen(path) + 1);
        else
            fmt(err, errlen, "%s: %s", in->path, perr[0] ? perr : "cannot open");
        free(in);
        return NULL;
    }
    in->linktype = dlt_to_linktype(pcap_datalink(in->p));
    in->snaplen = (uint32_t)pcap_snapshot(in->p);

    /* Standard input cannot be read a second time: no comments from it
     * (report --pcap needs none). */
    if (strcmp(path, "-") == 0) {
        if (want_comments) {
            fmt(err, errlen, "<stdin>: comments can only be read from a file");
            tcpl_pcap_close(in);
            return NULL;
        }
        return in;
    }
    /* libpcap opened it, so it is one of the two formats: the first four
     * bytes say which. */
    f = fopen(path, "rb");
    if (!f) {
        fmt(err, errlen, "%s: %s", path, strerror(errno));
        tcpl_pcap_close(in);
        return NULL;
    }
    in->pcapng = fread(magic, 1, 4, f) == 4 &&
                 memcmp(magic, "\x0A\x0D\x0D\x0A", 4) == 0;
    in->want_comments = want_comments && in->pcapng;
    if (in->want_comments) {
        rewind(f);
        in->sc.f = f;
    } else {
        fclose(f);
    }
    if (!in->pcapng)
        fast_open(in, path);
    return in;
}

void tcpl_pcap_close(tcpl_pcap_in *in)
{
    if (!in)
        return;
    fast_close(&in->fr);
    if (in->p)
        pcap_close(in->p);
    if (in->sc.f)
        fclose(in->sc.f);
    free(in->sc.opts);
    free(in->sc.comments);
    free(in);
}

int tcpl_pcap_linktype(const tcpl_pcap_in *in)
{
    return in->linktype;
}

uint32_t tcpl_pcap_snaplen(const tcpl_pcap_in *in)
{
    return in->snaplen;
}

bool tcpl_pcap_is_pcapng(const tcpl_pcap_in *in)
{
    return in->pcapng;
}

int tcpl_pcap_next(tcpl_pcap_in *in, tcpl_pcap_packet *p, char *err,
                   size_t errlen)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc;

    if (in->fr.fd >= 0) {
        if (fast_next(in, p)) {
            p->frame = ++in->frame;
            p->ncomments = 0;
            p->comments = NULL;
            return 1;
        }
        if (fast_handover(in, err, errlen) != 0)
            return -1;
    }
    rc = pcap_next_ex(in->p, &h, &data);
    if (rc == 0 && in->live) {
        /* Nothing yet: wait a little.  A signal cuts the wait short
         * (EINTR), and the caller looks at why. */
        struct pollfd pfd = {.fd = in->fd, .events = POLLIN};
        if (poll(&pfd, 1, LIVE_TIMEOUT_MS) <= 0)
            return TCPL_PCAP_AGAIN;
        rc = pcap_next_ex(in->p, &h, &data);
    }
    if (rc == PCAP_ERROR_BREAK) {
        /* libpcap is done; the scanner must be too. */
        if (in->want_comments) {
            int s = scan_next_packet(&in->sc, err, errlen, in->path);
            if (s < 0)
                return -1;
            if (s > 0) {
                fmt(err, errlen, "%s:frame %llu: libpcap ended before the "
                    "last packet block", in->path,
                    (unsigned long long)in->frame + 1);
                return -1;
            }
        }
        return 0;
    }
    if (rc == 0)
        return TCPL_PCAP_AGAIN; /* a live capture's timeout, no packet */
    if (rc != 1) {
        const char *msg = pcap_geterr(in->p);
        /* Cut in the middle of a packet: a file still being written or
         * copied mid-write, or a `tcpdump -w -` killed mid-packet. */
        if (strstr(msg, "truncated"))
            fmt(err, errlen, "%s:frame %llu: truncated: the capture ends in "
                "the middle of this frame (libpcap: %s)", in->path,
                (unsigned long long)in->frame + 1, libpcap_detail(msg));
        else
            fmt(err, errlen, "%s:frame %llu: %s", in->path,
                (unsigned long long)in->frame + 1, msg);
        return -1;
    }
    in->frame++;
    /* The engine counts time in int64 ns: that ends in 2262.  pcapng's
     * 64-bit timestamps go beyond; refuse rather than wrap around. */
    if (h->ts.tv_sec > INT64_MAX / 1000000000 - 1 ||
        h->ts.tv_sec < INT64_MIN / 1000000000 + 1) {
        fmt(err, errlen, "%s:frame %llu: timestamp %lld s is outside "
            "1678..2262, which nanosecond times cannot hold", in->path,
            (unsigned long long)in->frame, (long long)h->ts.tv_sec);
        return -1;
    }
    p->frame = in->frame;
    p->ts_ns = (int64_t)h->ts.tv_sec * 1000000000 +
               (int64_t)h->ts.tv_usec * in->ts_scale;
    p->caplen = h->caplen;
    p->len = h->len;
    p->data = data;
    p->ncomments = 0;
    p->comments = NULL;
    if (in->want_comments) {
        int s = scan_next_packet(&in->sc, err, errlen, in->path);
        if (s < 0)
            return -1;
        if (s == 0) {
            fmt(err, errlen, "%s:frame %llu: no packet block for it in the "
                "file", in->path, (unsigned long long)in->frame);
            return -1;
        }
        p->ncomments = in->sc.ncomments;
        p->comments = in->sc.comments;
    }
    return 1;
}

/* ------------------------------------------------------------ live */


tcpl_pcap_in *tcpl_pcap_open_live(const char *iface, const char *filter,
                                  char *err, size_t errlen)
{
    char perr[PCAP_ERRBUF_SIZE];
    struct bpf_program prog;
    tcpl_pcap_in *in = calloc(1, sizeof *in);
    int rc;

    if (!in) {
        fmt(err, errlen, "%s: out of memory", iface);
        return NULL;
    }
    in->path = iface;
    in->fr.fd = -1;
    in->live = true;
    in->ts_scale = 1;
    perr[0] = '\0';
    in->p = pcap_create(iface, perr);
    if (!in->p) {
        fmt(err, errlen, "%s: %s", iface, perr[0] ? perr : "cannot capture");
        free(in);
        return NULL;
    }
    pcap_set_snaplen(in->p, LIVE_SNAPLEN);
    pcap_set_promisc(in->p, 0);
    pcap_set_timeout(in->p, LIVE_TIMEOUT_MS); /* where immediate mode is not */
    /* Lifecycles are written as they end: packets must not wait in the
     * kernel for a buffer to fill. */
    pcap_set_immediate_mode(in->p, 1);
    pcap_set_buffer_size(in->p, 16 << 20);
    if (pcap_set_tstamp_precision(in->p, PCAP_TSTAMP_PRECISION_NANO) != 0)
        in->ts_scale = 1000;
    rc = pcap_activate(in->p);
    if (rc < 0) {
        /* PCAP_ERROR_PERM_DENIED and friends: libpcap's own text names
         * the cause (no such device, not permitted ...). */
        const char *msg = pcap_geterr(in->p);
        fmt(err, errlen, "%s: cannot capture: %s", iface,
            msg && msg[0] ? msg : pcap_statustostr(rc));
        tcpl_pcap_close(in);
        return NULL;
    }
    if (in->ts_scale == 1 &&
        pcap_get_tstamp_precision(in->p) != PCAP_TSTAMP_PRECISION_NANO)
        in->ts_scale = 1000;
    in->fd = pcap_get_selectable_fd(in->p);
    if (in->fd < 0 || pcap_setnonblock(in->p, 1, perr) != 0) {
        fmt(err, errlen, "%s: cannot wait for packets with poll()", iface);
        tcpl_pcap_close(in);
        return NULL;
    }
    in->linktype = dlt_to_linktype(pcap_datalink(in->p));
    in->snaplen = (uint32_t)pcap_snapshot(in->p);
    if (filter) {
        if (pcap_compile(in->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            fmt(err, errlen, "--filter: '%s': %s", filter, pcap_geterr(in->p));
            tcpl_pcap_close(in);
            return NULL;
        }
        rc = pcap_setfilter(in->p, &prog);
        pcap_freecode(&prog);
        if (rc != 0) {
            fmt(err, errlen, "%s: cannot set the filter: %s", iface,
                pcap_geterr(in->p));
            tcpl_pcap_close(in);
            return NULL;
        }
    }
    return in;
}

void tcpl_pcap_breakloop(tcpl_pcap_in *in)
{
    if (in && in->p)
        pcap_breakloop(in->p);
}

bool tcpl_pcap_live_drops(tcpl_pcap_in *in, uint64_t *dropped)
{
    struct pcap_stat ps;

    if (!in->live || pcap_stats(in->p, &ps) != 0)
        return false;
    *dropped = (uint64_t)ps.ps_drop + ps.ps_ifdrop;
    return true;
}
