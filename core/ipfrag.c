/*
 * ipfrag.c - IPv4 and IPv6 fragment reassembly in the caller's memory
 * (implements tcpl/ipfrag.h; the rules are stated there).
 *
 * A fixed number of slots, each with room for the largest datagram IP can
 * carry, so that the memory is known before the first packet and no input
 * can make it grow.  Pieces are kept sorted and disjoint: the overlap test
 * is then one comparison per piece, and completeness one walk.
 */
#include "tcpl/ipfrag.h"

#include <stddef.h>
#include <string.h>

/* Datagram data IP can describe: the 16-bit length fields. */
#define MAX_DATA 65535u
/* The header kept to rebuild the datagram: an IPv4 header with options,
 * or IPv6's fixed header (extension headers before the fragment header
 * are left out: nothing downstream needs them). */
#define MAX_HDR 60

typedef struct piece {
    uint32_t lo, hi;
} piece;

typedef struct slot {
    uint8_t used;
    uint8_t family;
    uint8_t proto;
    uint8_t have_first;
    uint8_t have_last;
    uint8_t src[16];
    uint8_t dst[16];
    uint32_t id;
    int64_t first_ns;
    uint32_t total;        /* data bytes, once the last piece came */
    uint16_t hdr_len;
    uint16_t npieces;
    piece pieces[TCPL_IPFRAG_PIECES]; /* sorted by lo, disjoint */
    uint8_t hdr[MAX_HDR];
    uint8_t data[MAX_DATA];
} slot;

struct tcpl_ipfrag {
    unsigned nslots;
    int64_t timeout_ns;
    tcpl_ipfrag_stats st;
    uint8_t out[MAX_HDR + MAX_DATA];
    slot slots[];
};

size_t tcpl_ipfrag_size(unsigned slots)
{
    return sizeof(tcpl_ipfrag) + (size_t)slots * sizeof(slot);
}

tcpl_ipfrag *tcpl_ipfrag_init(void *mem, size_t n, unsigned slots,
                              int64_t timeout_ns)
{
    tcpl_ipfrag *r = mem;

    if (mem == NULL || slots == 0 || n < tcpl_ipfrag_size(slots))
        return NULL;
    memset(r, 0, sizeof *r);
    r->nslots = slots;
    r->timeout_ns = timeout_ns;
    for (unsigned i = 0; i < slots; i++)
        r->slots[i].used = 0;
    return r;
}

const tcpl_ipfrag_stats *tcpl_ipfrag_stats_of(const tcpl_ipfrag *r)
{
    return &r->st;
}

static void drop(slot *s, uint64_t *counter)
{
    s->used = 0;
    (*counter)++;
}

void tcpl_ipfrag_expire_all(tcpl_ipfrag *r)
{
    for (unsigned i = 0; i < r->nslots; i++)
        if (r->slots[i].used)
            drop(&r->slots[i], &r->st.timed_out);
}

static void expire(tcpl_ipfrag *r, int64_t now)
{
    for (unsigned i = 0; i < r->nslots; i++) {
        slot *s = &r->slots[i];
        if (s->used && now - s->first_ns > r->timeout_ns)
            drop(s, &r->st.timed_out);
    }
}

/* The addresses of the fragment's own IP header. */
static void addresses(const tcpl_wire_frag *f, uint8_t *src, uint8_t *dst)
{
    memset(src, 0, 16);
    memset(dst, 0, 16);
    if (f->family == 4) {
        memcpy(src, f->ip + 12, 4);
        memcpy(dst, f->ip + 16, 4);
    } else {
        memcpy(src, f->ip + 8, 16);
        memcpy(dst, f->ip + 24, 16);
    }
}

/* The slot of f's datagram, a fresh one, or NULL when all are taken. */
static slot *find(tcpl_ipfrag *r, const tcpl_wire_frag *f, int64_t now)
{
    uint8_t src[16], dst[16];
    slot *free_slot = NULL;

    addresses(f, src, dst);
    for (unsigned i = 0; i < r->nslots; i++) {
        slot *s = &r->slots[i];
        if (!s->used) {
            if (!free_slot)
                free_slot = s;
            continue;
        }
        if (s->family == f->family && s->id == f->id &&
            s->proto == f->proto && memcmp(s->src, src, 16) == 0 &&
            memcmp(s->dst, dst, 16) == 0)
            return s;
    }
    if (!free_slot)
        return NULL;
    memset(free_slot, 0, offsetof(slot, hdr));
    free_slot->used = 1;
    free_slot->family = f->family;
    free_slot->proto = f->proto;
    free_slot->id = f->id;
    free_slot->first_ns = now;
    memcpy(free_slot->src, src, 16);
    memcpy(free_slot->dst, dst, 16);
    return free_slot;
}

/* RFC 1071 checksum of an IPv4 header, for the one rebuilt. */
static uint16_t ip4_sum(const uint8_t *h, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)((h[i] << 8) | h[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

/* The datagram of a complete slot into r->out; 0 when it would exceed
 * what an IP length field can say. */
static size_t rebuild(tcpl_ipfrag *r, const slot *s)
{
    uint8_t *o = r->out;
    size_t n = s->hdr_len + (size_t)s->total;

    if (s->family == 4 && n > MAX_DATA)
        return 0;
    memcpy(o, s->hdr, s->hdr_len);
    if (s->family == 4) {
        o[2] = (uint8_t)(n >> 8);
        o[3] = (uint8_t)n;
        o[6] &= 0x40; /* keep DF; no MF, offset 0 */
        o[7] = 0;
        o[10] = o[11] = 0;
        uint16_t sum = ip4_sum(o, s->hdr_len);
        o[10] = (uint8_t)(sum >> 8);
        o[11] = (uint8_t)sum;
    } else {
        o[4] = (uint8_t)(s->total >> 8);
        o[5] = (uint8_t)s->total;
        o[6] = s->proto;
    }
    memcpy(o + s->hdr_len, s->data, s->total);
    return n;
}

int tcpl_ipfrag_add(tcpl_ipfrag *r, const tcpl_wire_frag *f, int64_t ts_ns,
                    const uint8_t **dgram, size_t *len)
{
    uint32_t lo = f->offset, hi;
    const uint8_t *bytes;
    slot *s;

    r->st.fragments++;
    expire(r, ts_ns);
    if (f->ip == NULL || (f->family != 4 && f->family != 6)) {
        r->st.bad++;
        return 0;
    }
    hi = lo + f->data_len;
    /* Cut by the snapshot length; past 64 KiB; a middle piece that is
     * empty or not a multiple of 8 bytes (RFC 791, RFC 8200). */
    if ((size_t)f->hdr_len + f->data_len > f->cap || f->data_len > MAX_DATA ||
        hi > MAX_DATA || (f->more && (f->data_len == 0 || f->data_len % 8)) ||
        (f->family == 4 && f->hdr_len > MAX_HDR) ||
        (f->family == 6 && f->hdr_len < 48)) {
        r->st.bad++;
        return 0;
    }
    bytes = f->ip + f->hdr_len;
    s = find(r, f, ts_ns);
    if (!s) {
        r->st.no_room++;
        return 0;
    }
    if (!f->more) {
        if ((s->have_last && s->total != hi) ||
            (s->npieces && s->pieces[s->npieces - 1].hi > hi)) {
            drop(s, &r->st.bad);
            return 0;
        }
        s->have_last = 1;
        s->total = hi;
    } else if (s->have_last && hi > s->total) {
        drop(s, &r->st.bad);
        return 0;
    }
    if (lo < hi) {
        int at = 0;
        for (int i = 0; i < s->npieces; i++) {
            const piece *p = &s->pieces[i];
            if (lo < p->hi && p->lo < hi) {
                if (p->lo == lo && p->hi == hi &&
                    memcmp(s->data + lo, bytes, hi - lo) == 0) {
                    r->st.duplicates++;
                    return 0;
                }
                drop(s, &r->st.overlapping);
                return 0;
            }
            if (p->lo < lo)
                at = i + 1;
        }
        if (s->npieces == TCPL_IPFRAG_PIECES) {
            drop(s, &r->st.bad);
            return 0;
        }
        memmove(&s->pieces[at + 1], &s->pieces[at],
                (size_t)(s->npieces - at) * sizeof s->pieces[0]);
        s->pieces[at] = (piece){lo, hi};
        s->npieces++;
        memcpy(s->data + lo, bytes, hi - lo);
    }
    if (lo == 0 && !s->have_first) {
        s->hdr_len = f->family == 4 ? (uint16_t)f->hdr_len : 40;
        memcpy(s->hdr, f->ip, s->hdr_len);
        s->have_first = 1;
    }
    if (!s->have_first || !s->have_last)
        return 0;
    uint32_t pos = 0;
    for (int i = 0; i < s->npieces && s->pieces[i].lo == pos; i++)
        pos = s->pieces[i].hi;
    if (pos != s->total)
        return 0;
    *len = rebuild(r, s);
    if (*len == 0) {
        drop(s, &r->st.bad);
        return 0;
    }
    s->used = 0;
    r->st.reassembled++;
    *dgram = r->out;
    return 1;
}

/* The datagram's walk starts at its own IP header: put back first the
 * layers the fragment's walk recorded around it. */
static void merge_encap(tcpl_wire_encap *e, const tcpl_wire_encap *outer)
{
    tcpl_wire_encap in = *e;

    if (outer->n == 0)
        return;
    *e = *outer;
    for (int i = 0; i < in.n && e->n < TCPL_WIRE_ENCAP_MAX; i++)
        e->layer[e->n++] = in.layer[i];
    if (e->family == 0) {
        e->family = in.family;
        memcpy(e->src, in.src, sizeof e->src);
        memcpy(e->dst, in.dst, sizeof e->dst);
    }
}

int tcpl_ipfrag_resume(tcpl_ipfrag *r, int rc, int64_t ts_ns,
                       tcpl_wire_tcp *w)
{
    for (int depth = 0; w->frag.ip && depth < TCPL_IPFRAG_DEPTH; depth++) {
        const uint8_t *dgram;
        size_t len;
        tcpl_wire_encap outer = w->encap;

        if (tcpl_ipfrag_add(r, &w->frag, ts_ns, &dgram, &len) == 0)
            return TCPL_IPFRAG_HELD;
        rc = tcpl_wire_decode(TCPL_LINK_RAW, dgram, len, w);
        merge_encap(&w->encap, &outer);
    }
    return rc;
}
