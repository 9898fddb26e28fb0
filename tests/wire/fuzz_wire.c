/*
 * fuzz_wire.c - libFuzzer target for the frame decoder.
 *
 * The decoder reads untrusted capture bytes in both the plugin and the CLI,
 * so it must never read outside the frame whatever the bytes say.  The
 * first input byte picks the link type (the same table test_wire's seeds
 * use); the rest is the frame, handed over in a buffer of exactly its size
 * so that AddressSanitizer sees any over-read.  Beyond "no crash", the
 * checks below hold the decoder to the contract wire.h states, the
 * encapsulation record included.
 *
 * The checksum verifier runs on every segment, and the fragment
 * reassembler on every fragment: the frame is also cut at each "FRAG"
 * marker into a sequence of frames of the same link type, fed in order
 * to a fresh reassembler, so that one input can hold the pieces of a
 * datagram (test_wire_frag writes such seeds).
 */
#include "tcpl/ipfrag.h"
#include "tcpl/wire.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t marker[4] = {'F', 'R', 'A', 'G'};

/* A whole datagram from the reassembler decodes like any raw frame. */
static void check_datagram(const uint8_t *dg, size_t len)
{
    tcpl_wire_tcp w;
    int rc;

    if (len > 60 + 65535)
        abort();
    rc = tcpl_wire_decode(TCPL_LINK_RAW, dg, len, &w);
    if (rc < TCPL_WIRE_MALFORMED || rc > TCPL_WIRE_ICMP)
        abort();
    if (rc == TCPL_WIRE_TCP && (tcpl_wire_checksum(&w) < TCPL_CSUM_OK ||
                                tcpl_wire_checksum(&w) > TCPL_CSUM_UNCHECKED))
        abort();
}

/* Feed each marker-separated frame's fragment to one reassembler. */
static void reassemble(int link, const uint8_t *data, size_t n)
{
    static void *mem;
    size_t need = tcpl_ipfrag_size(2);
    tcpl_ipfrag *r;
    int64_t ts = 0;

    if (!mem && !(mem = malloc(need)))
        abort();
    r = tcpl_ipfrag_init(mem, need, 2, 1000);
    if (!r)
        abort();
    while (n > 0) {
        const uint8_t *end = NULL;
        for (size_t i = 0; i + sizeof marker <= n; i++)
            if (memcmp(data + i, marker, sizeof marker) == 0) {
                end = data + i;
                break;
            }
        size_t len = end ? (size_t)(end - data) : n;
        uint8_t *frame = malloc(len ? len : 1);
        tcpl_wire_tcp w;
        const uint8_t *dg;
        size_t dlen;
        if (!frame)
            abort();
        memcpy(frame, data, len);
        tcpl_wire_decode(link, frame, len, &w);
        if (w.frag.ip) {
            if (w.frag.ip < frame || w.frag.ip + w.frag.cap > frame + len)
                abort();
            if (tcpl_ipfrag_add(r, &w.frag, ts += 400, &dg, &dlen) == 1)
                check_datagram(dg, dlen);
        }
        free(frame);
        if (!end)
            break;
        n -= len + sizeof marker;
        data = end + sizeof marker;
    }
    tcpl_ipfrag_expire_all(r);
    const tcpl_ipfrag_stats *st = tcpl_ipfrag_stats_of(r);
    if (st->reassembled + st->overlapping + st->bad + st->timed_out +
            st->no_room + st->duplicates > st->fragments)
        abort();
}

static const int links[] = {
    TCPL_LINK_NULL,      TCPL_LINK_ETHERNET, TCPL_LINK_RAW,
    TCPL_LINK_LOOP,      TCPL_LINK_LINUX_SLL, TCPL_LINK_IPV4,
    TCPL_LINK_IPV6,      TCPL_LINK_LINUX_SLL2, TCPL_LINK_FDDI,
    TCPL_LINK_PPP,       TCPL_LINK_PPP_HDLC, TCPL_LINK_PPP_ETHER,
    TCPL_LINK_C_HDLC,    TCPL_LINK_MPLS,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tcpl_wire_tcp w;
    tcpl_segment s;
    char text[TCPL_WIRE_ENCAP_STRLEN];
    uint8_t *frame;
    size_t n;
    int link, rc;

    if (size < 1)
        return 0;
    link = links[data[0] % (sizeof links / sizeof links[0])];
    n = size - 1;
    frame = malloc(n ? n : 1);
    if (!frame)
        abort();
    memcpy(frame, data + 1, n);
    rc = tcpl_wire_decode(link, frame, n, &w);
    if (rc < TCPL_WIRE_MALFORMED || rc > TCPL_WIRE_ICMP)
        abort(); /* TCPL_WIRE_LINKTYPE is impossible for these links */
    if ((rc == TCPL_WIRE_ICMP) != (w.icmp != 0) ||
        (rc == TCPL_WIRE_ICMP && w.icmp != 4 && w.icmp != 6))
        abort();
    if (rc == TCPL_WIRE_ICMP) {
        /* An error quotes at least ports and sequence number, behind an
         * 8-byte ICMP header and a 20- or 40-byte IP header of its own. */
        if ((w.family != 4 && w.family != 6) || n < 20 + 8 + 20 + 8 ||
            w.flags > 0x0FFF || w.window > 65535)
            abort();
        tcpl_wire_segment(&w, 1, 0, &s);
        if (s.icmp != w.icmp || s.seq != w.seq || s.from != 0)
            abort();
    }
    if (rc == TCPL_WIRE_TCP) {
        /* The IP length fields are 16 bits: no payload can exceed them
         * (length 0 means "as captured"), and the TCP header alone takes
         * 20 of the captured bytes. */
        if ((w.family != 4 && w.family != 6) ||
            (w.len > 65535 && w.len > n) ||
            n < 20 || w.window > 65535 || w.flags > 0x0FFF)
            abort();
        tcpl_wire_segment(&w, 1, 1, &s);
        if (s.len != w.len || s.flags != w.flags || s.from != 1)
            abort();
        /* The encapsulation record stays inside its bounds, names known
         * layers only, and its string fits the documented size. */
        if (w.encap.n > TCPL_WIRE_ENCAP_MAX ||
            (w.encap.family != 0 && w.encap.family != 4 &&
             w.encap.family != 6))
            abort();
        for (int i = 0; i < w.encap.n; i++)
            if (w.encap.layer[i] == 0 || w.encap.layer[i] >= TCPL_ENC_COUNT)
                abort();
        if (tcpl_wire_encap_str(&w.encap, text, sizeof text) >= sizeof text ||
            strlen(text) >= sizeof text)
            abort();
        rc = tcpl_wire_checksum(&w);
        if (rc < TCPL_CSUM_OK || rc > TCPL_CSUM_UNCHECKED ||
            (rc != TCPL_CSUM_UNCHECKED && w.cap_len != w.len) ||
            w.cap_len > w.len)
            abort();
    }
    free(frame);
    reassemble(link, data + 1, n);
    return 0;
}
