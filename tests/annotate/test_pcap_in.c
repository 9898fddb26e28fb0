/*
 * test_pcap_in.c - the pcapng comment scanner on the block kinds and byte
 * orders that editcap-made test files never show.
 *
 * Each file here is built byte by byte: big- and little-endian sections,
 * Enhanced, Simple and obsolete Packet Blocks, blocks the scanner must skip
 * (Name Resolution, custom), several comments and other options on one
 * packet, a second section.  The checks: every packet libpcap returns gets
 * exactly the comments of its own block, timestamps come out in ns, and a
 * damaged option area or a file cut short is an error, not a shift of
 * comments onto the wrong packets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcap_in.h"
#include "tcpl/wire.h"

static int failures, checks;
static const char *current;

#define CHECK(cond)                                                            \
    do {                                                                       \
        checks++;                                                              \
        if (!(cond)) {                                                         \
            failures++;                                                        \
            fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__,         \
                    __LINE__, current, #cond);                                 \
        }                                                                      \
    } while (0)

/* ------------------------------------------------------------ builder */

typedef struct blob {
    unsigned char b[8192];
    size_t n;
    int big; /* current section's byte order */
} blob;

static void u8(blob *f, unsigned v) { f->b[f->n++] = (unsigned char)v; }

static void u16(blob *f, unsigned v)
{
    if (f->big) {
        u8(f, v >> 8);
        u8(f, v);
    } else {
        u8(f, v);
        u8(f, v >> 8);
    }
}

static void u32(blob *f, unsigned long v)
{
    if (f->big) {
        u16(f, (unsigned)(v >> 16));
        u16(f, (unsigned)(v & 0xFFFF));
    } else {
        u16(f, (unsigned)(v & 0xFFFF));
        u16(f, (unsigned)(v >> 16));
    }
}

static void bytes(blob *f, const void *p, size_t n)
{
    memcpy(f->b + f->n, p, n);
    f->n += n;
    while (f->n % 4)
        f->b[f->n++] = 0;
}

/* Start a block; returns where its length goes. */
static size_t block(blob *f, unsigned long type)
{
    size_t at;

    u32(f, type);
    at = f->n;
    u32(f, 0);
    return at;
}

/* Finish it: trailing length, and patch the leading one. */
static void end_block(blob *f, size_t at)
{
    size_t len = f->n - (at - 4) + 4;
    size_t save = f->n;

    u32(f, (unsigned long)len);
    f->n = at;
    u32(f, (unsigned long)len);
    f->n = save + 4;
}

static void option(blob *f, unsigned code, const char *text, size_t len)
{
    u16(f, code);
    u16(f, (unsigned)len);
    bytes(f, text, len);
}

static void shb(blob *f, int big)
{
    size_t at;

    f->big = big;
    at = block(f, 0x0A0D0D0A);
    u32(f, 0x1A2B3C4D);
    u16(f, 1);
    u16(f, 0);
    u32(f, 0xFFFFFFFF);
    u32(f, 0xFFFFFFFF);
    option(f, 3, "test os", 7); /* shb_os: an option to skip */
    u32(f, 0);                  /* opt_endofopt */
    end_block(f, at);
}

static void idb(blob *f)
{
    size_t at = block(f, 1);

    u16(f, 1); /* Ethernet */
    u16(f, 0);
    u32(f, 0); /* no snaplen: SPBs then carry the whole packet */
    end_block(f, at);
}

/* A 60-byte frame whose first byte tells which packet it is. */
static void frame(unsigned char *p, unsigned id)
{
    memset(p, 0, 60);
    p[0] = (unsigned char)id;
    p[12] = 0x08;
    p[13] = 0x06; /* ARP: content does not matter here */
}

static void epb(blob *f, unsigned id, unsigned long ts_us,
                const char *const *comments, size_t ncomments)
{
    unsigned char p[60];
    size_t at = block(f, 6);

    frame(p, id);
    u32(f, 0);
    u32(f, 0);     /* timestamp high */
    u32(f, ts_us); /* default resolution: microseconds */
    u32(f, 60);
    u32(f, 60);
    bytes(f, p, 60);
    if (ncomments) {
        option(f, 2, "\0\0\0\1", 4); /* epb_flags before the comments */
        for (size_t i = 0; i < ncomments; i++)
            option(f, 1, comments[i], strlen(comments[i]));
        u32(f, 0);
    }
    end_block(f, at);
}

static void pb(blob *f, unsigned id, unsigned long ts_us, const char *comment)
{
    unsigned char p[60];
    size_t at = block(f, 2);

    frame(p, id);
    u16(f, 0); /* interface */
    u16(f, 0); /* drops */
    u32(f, 0);
    u32(f, ts_us);
    u32(f, 60);
    u32(f, 60);
    bytes(f, p, 60);
    option(f, 1, comment, strlen(comment));
    u32(f, 0);
    end_block(f, at);
}

static void spb(blob *f, unsigned id)
{
    unsigned char p[60];
    size_t at = block(f, 3);

    frame(p, id);
    u32(f, 60);
    bytes(f, p, 60);
    end_block(f, at);
}

static void skip_blocks(blob *f)
{
    size_t at = block(f, 4); /* Name Resolution Block, empty */

    u32(f, 0);
    end_block(f, at);
    at = block(f, 0x00000BAD); /* custom block */
    u32(f, 32473);
    bytes(f, "vendor data", 11);
    end_block(f, at);
}

static const char *write_file(const blob *f, size_t n)
{
    static char path[64];
    FILE *fp;

    snprintf(path, sizeof path, "/tmp/test_pcap_in.%ld.pcapng", (long)getpid());
    fp = fopen(path, "wb");
    if (!fp || fwrite(f->b, 1, n, fp) != n || fclose(fp) != 0) {
        perror(path);
        exit(1);
    }
    return path;
}

/* ------------------------------------------------------------ checks */

typedef struct want {
    unsigned id;
    long long ts_ns;
    const char *comments; /* joined with '|', "" for none */
} want;

static void expect(const char *path, const want *w, size_t n)
{
    char err[TCPL_PCAP_ERR];
    tcpl_pcap_in *in = tcpl_pcap_open(path, true, err, sizeof err);
    tcpl_pcap_packet p;
    size_t i = 0;
    int rc;

    CHECK(in != NULL);
    if (!in) {
        fprintf(stderr, "  %s\n", err);
        return;
    }
    CHECK(tcpl_pcap_is_pcapng(in));
    CHECK(tcpl_pcap_linktype(in) == TCPL_LINK_ETHERNET);
    while ((rc = tcpl_pcap_next(in, &p, err, sizeof err)) > 0) {
        char got[512] = "";
        size_t len = 0;

        CHECK(i < n);
        if (i >= n)
            break;
        for (size_t k = 0; k < p.ncomments; k++)
            len += (size_t)snprintf(got + len, sizeof got - len, "%s%.*s",
                                    k ? "|" : "", (int)p.comments[k].len,
                                    p.comments[k].text);
        CHECK(p.frame == i + 1);
        CHECK(p.caplen == 60 && p.len == 60 && p.data[0] == w[i].id);
        CHECK(p.ts_ns == w[i].ts_ns);
        CHECK(strcmp(got, w[i].comments) == 0);
        if (strcmp(got, w[i].comments) != 0)
            fprintf(stderr, "  frame %zu: comments '%s', want '%s'\n", i + 1,
                    got, w[i].comments);
        i++;
    }
    CHECK(rc == 0);
    if (rc < 0)
        fprintf(stderr, "  %s\n", err);
    CHECK(i == n);
    tcpl_pcap_close(in);
}

static void expect_error(const char *path, const char *words)
{
    char err[TCPL_PCAP_ERR] = "";
    tcpl_pcap_in *in = tcpl_pcap_open(path, true, err, sizeof err);
    tcpl_pcap_packet p;
    int rc = -1;

    if (in) {
        while ((rc = tcpl_pcap_next(in, &p, err, sizeof err)) > 0)
            ;
        tcpl_pcap_close(in);
    }
    CHECK(rc < 0);
    CHECK(strstr(err, path) == err);
    CHECK(strstr(err, words) != NULL);
    if (!strstr(err, words))
        fprintf(stderr, "  message '%s' lacks '%s'\n", err, words);
}

static void build_mixed(blob *f, int big)
{
    static const char *const two[] = {"first note", "second, longer note"};
    static const char *const one[] = {"odd"}; /* 3 bytes: padded */

    memset(f, 0, sizeof *f);
    shb(f, big);
    idb(f);
    epb(f, 1, 1000001, two, 2);
    skip_blocks(f);
    spb(f, 2);
    pb(f, 3, 1000003, "from an obsolete block");
    epb(f, 4, 1000004, NULL, 0);
    /* a second section (libpcap wants the same byte order in all) */
    shb(f, big);
    idb(f);
    epb(f, 5, 1000005, one, 1);
}

static const want mixed[] = {
    {1, 1000001000LL, "first note|second, longer note"},
    {2, 0, ""}, /* an SPB has no timestamp */
    {3, 1000003000LL, "from an obsolete block"},
    {4, 1000004000LL, ""},
    {5, 1000005000LL, "odd"},
};

int main(void)
{
    blob f;
    const char *path;

    current = "little_endian_mixed_blocks";
    build_mixed(&f, 0);
    path = write_file(&f, f.n);
    expect(path, mixed, 5);

    current = "big_endian_mixed_blocks";
    build_mixed(&f, 1);
    path = write_file(&f, f.n);
    expect(path, mixed, 5);

    current = "cut_short";
    build_mixed(&f, 0);
    path = write_file(&f, f.n - 6);
    expect_error(path, "frame 5");

    current = "option_past_block_end";
    build_mixed(&f, 0);
    /* First EPB: 28-byte header + 60 data, then the epb_flags option
     * (8 bytes), then the first comment's length field: make it huge. */
    {
        size_t shb_len = f.b[4] | (size_t)f.b[5] << 8;
        size_t at = shb_len + 20 /* IDB */ + 28 + 60 + 8 + 2;
        f.b[at] = 0xF0; /* little-endian 240 */
        f.b[at + 1] = 0x00;
    }
    path = write_file(&f, f.n);
    expect_error(path, "runs past the end of its block");

    unlink(path);
    if (failures) {
        fprintf(stderr, "test_pcap_in: %d of %d checks failed\n", failures,
                checks);
        return 1;
    }
    printf("test_pcap_in: %d checks passed\n", checks);
    return 0;
}
