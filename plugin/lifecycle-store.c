/*
 * lifecycle-store.c - the plugin's memory of a capture: flows keyed by
 * their 4-tuple, the lifecycles on each, and a compact record per TCP
 * frame.  compute() steps the engine on the first, in-order pass and
 * stores what the frame did; every later dissection reads it back, and
 * sees the lifecycle as the whole capture shows it (view_init).
 *
 * Flows are keyed by the 4-tuple, not by tcp.stream: Wireshark may start a
 * new tcp.stream on port reuse, while the engine must see the reuse to
 * report it.  IP fragments are put back together by the CLI's reassembler
 * (core's tcpl_ipfrag_resume) on the first pass, so the segment is stepped
 * on the frame that completes it, as report --pcap steps it.  All memory
 * comes from the file scope.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <epan/conversation.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/packet.h>
#include <wiretap/wtap.h>
#include <wsutil/wmem/wmem.h>

#include "lifecycle-store.h"
#include "tcpl/ipfrag.h"
#include "tcpl/wire.h"

/* Side 0 of a key is the (address, port) that sorts lower. */
typedef struct flow_key {
    uint8_t addr[2][16];
    uint16_t port[2];
    uint8_t family;
    uint8_t pad; /* zeroed, so the key can be hashed and compared as bytes */
} flow_key;

typedef struct flow {
    flow_key key;
    lifecycle *cur;
} flow;

/*
 * Frame records, indexed by frame number, stored inline in pages: no
 * allocation per frame, and the table grows without copying (a doubling
 * array would briefly hold two copies, raising peak memory on big
 * captures).  A page is only allocated once a TCP frame falls in it.
 */
#define REC_PAGE_BITS 12
#define REC_PAGE_SIZE (1u << REC_PAGE_BITS)

static frame_rec **rec_pages;
static uint32_t rec_npages;
static wmem_map_t *flows;
static tcpl_ipfrag *frags; /* made at a file's first fragment */
/* Frame number -> tunnel text, for the few frames whose TCP segment came
 * out of IP reassembly inside a tunnel: decoding such a frame alone shows
 * a fragment, not the tunnelled segment, so its text is kept. */
static wmem_map_t *frag_tunnels;
static int64_t capture_end_ns;
static bool capture_seen;

static int proto_tcp = -1;
static uint64_t flow_seed; /* flow_hash()'s, per file */

void tcpl_store_init(void)
{
    rec_pages = NULL;
    rec_npages = 0;
    flows = NULL;
    frags = NULL;
    frag_tunnels = NULL;
    capture_end_ns = 0;
    capture_seen = false;
    proto_tcp = proto_get_id_by_filter_name("tcp");
    flow_seed = (uint64_t)g_random_int() << 32 | g_random_int();
}

void tcpl_store_cleanup(void)
{
    /* The memory itself belongs to the file scope, which Wireshark frees;
     * only the pointers into it must not outlive the file. */
    rec_pages = NULL;
    rec_npages = 0;
    flows = NULL;
    frags = NULL;
    frag_tunnels = NULL;
}

/* The record of frame num, or NULL if it was not stepped. */
frame_rec *rec_get(uint32_t num)
{
    uint32_t page = num >> REC_PAGE_BITS;
    frame_rec *r;

    if (page >= rec_npages || rec_pages[page] == NULL)
        return NULL;
    r = &rec_pages[page][num & (REC_PAGE_SIZE - 1)];
    return r->lc ? r : NULL;
}

/* The (zeroed) slot for frame num, created on demand. */
static frame_rec *rec_slot(uint32_t num)
{
    uint32_t page = num >> REC_PAGE_BITS;

    if (page >= rec_npages) {
        uint32_t n = rec_npages ? rec_npages : 16;
        frame_rec **grown;

        while (n <= page)
            n *= 2;
        grown = wmem_alloc0_array(wmem_file_scope(), frame_rec *, n);
        if (rec_npages)
            memcpy(grown, rec_pages, rec_npages * sizeof *grown);
        rec_pages = grown;
        rec_npages = n;
    }
    if (rec_pages[page] == NULL)
        rec_pages[page] =
            wmem_alloc0_array(wmem_file_scope(), frame_rec, REC_PAGE_SIZE);
    return &rec_pages[page][num & (REC_PAGE_SIZE - 1)];
}

/* Looked up on every TCP frame.  A multiply-xorshift over the key's five
 * words instead of wmem_strong_hash() took the lookup from ~530 to ~100
 * instructions a frame (callgrind, first 10 000 frames of the benchmark
 * capture).  Its seed is drawn per file, so that a capture crafted to
 * make flows collide in one run does not in the next. */
static guint flow_hash(gconstpointer k)
{
    uint64_t w[(sizeof(flow_key) + 7) / 8] = {0};
    uint64_t h = flow_seed;

    memcpy(w, k, sizeof(flow_key));
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        h = (h ^ w[i]) * UINT64_C(0x9e3779b97f4a7c15);
        h ^= h >> 29;
    }
    h *= UINT64_C(0xbf58476d1ce4e5b9);
    return (guint)(h ^ (h >> 32));
}

static gboolean flow_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(flow_key)) == 0;
}

/* ------------------------------------------------------------ first pass */

/* Wireshark's encapsulation numbers to the libpcap LINKTYPE_ values the
 * decoder speaks.  wiretap has this mapping but does not export it. */
static int linktype_of(int encap)
{
    switch (encap) {
    case WTAP_ENCAP_ETHERNET: return TCPL_LINK_ETHERNET;
    case WTAP_ENCAP_SLL: return TCPL_LINK_LINUX_SLL;
    case WTAP_ENCAP_SLL2: return TCPL_LINK_LINUX_SLL2;
    case WTAP_ENCAP_RAW_IP: return TCPL_LINK_RAW;
    case WTAP_ENCAP_RAW_IP4: return TCPL_LINK_IPV4;
    case WTAP_ENCAP_RAW_IP6: return TCPL_LINK_IPV6;
    case WTAP_ENCAP_NULL: return TCPL_LINK_NULL;
    case WTAP_ENCAP_LOOP: return TCPL_LINK_LOOP;
    /* Bit-swapped or not, FDDI's MAC addresses are all that differ. */
    case WTAP_ENCAP_FDDI: return TCPL_LINK_FDDI;
    case WTAP_ENCAP_FDDI_BITSWAPPED: return TCPL_LINK_FDDI;
    /* wiretap reads LINKTYPE_PPP and LINKTYPE_PPP_HDLC both as PPP; the
     * decoder tells their framings apart by the bytes. */
    case WTAP_ENCAP_PPP: return TCPL_LINK_PPP;
    case WTAP_ENCAP_PPP_ETHER: return TCPL_LINK_PPP_ETHER;
    case WTAP_ENCAP_CHDLC: return TCPL_LINK_C_HDLC;
    /* (LINKTYPE_MPLS has no wiretap encapsulation: Wireshark cannot open
     * such a file, so there is nothing to map.) */
    default: return -1;
    }
}

bool tunnel_text(tvbuff_t *tvb, packet_info *pinfo, char *buf, size_t n)
{
    const wtap_rec *rec = pinfo->rec;
    guint caplen = tvb_captured_length(tvb);
    tcpl_wire_tcp w;
    int linktype;

    if (rec == NULL || rec->rec_type != REC_TYPE_PACKET || caplen == 0)
        return false;
    if (frag_tunnels != NULL) {
        const char *kept = (const char *)wmem_map_lookup(
            frag_tunnels, GUINT_TO_POINTER(pinfo->num));
        if (kept != NULL) {
            g_strlcpy(buf, kept, n);
            return true;
        }
    }
    linktype = linktype_of(rec->rec_header.packet_header.pkt_encap);
    if (linktype < 0 ||
        tcpl_wire_decode(linktype, tvb_get_ptr(tvb, 0, caplen), caplen,
                         &w) != TCPL_WIRE_TCP ||
        w.encap.n == 0)
        return false;
    tcpl_wire_encap_str(&w.encap, buf, n);
    return true;
}

/* Fill a canonical key; returns the side the sender is on.  The tunnel is
 * not part of it, as in the post-processor's tracker (tracker.h says
 * why). */
static int make_key(const tcpl_wire_tcp *w, flow_key *k)
{
    size_t alen = w->family == 6 ? 16 : 4;
    int c = memcmp(w->src, w->dst, alen);
    int src_side;

    if (c == 0)
        c = (int)w->sport - (int)w->dport;
    src_side = c <= 0 ? 0 : 1;
    memset(k, 0, sizeof *k);
    k->family = w->family;
    memcpy(k->addr[src_side], w->src, alen);
    memcpy(k->addr[!src_side], w->dst, alen);
    k->port[src_side] = w->sport;
    k->port[!src_side] = w->dport;
    return src_side;
}

/* Wireshark's tcp.stream of the frame being dissected, -1 if the TCP
 * dissector kept no conversation for it.  Read, not created: the TCP
 * dissector has already run on this frame. */
static int32_t tcp_stream_of(packet_info *pinfo)
{
    conversation_t *conv;
    const struct tcp_analysis *tcpd;

    if (proto_tcp < 0)
        return -1;
    conv = find_conversation_pinfo(pinfo, 0);
    if (conv == NULL)
        return -1;
    tcpd = (const struct tcp_analysis *)conversation_get_proto_data(conv,
                                                                   proto_tcp);
    return tcpd ? (int32_t)tcpd->stream : -1;
}

static lifecycle *lifecycle_new(int ep0_side, packet_info *pinfo,
                                const tcpl_config *cfg)
{
    lifecycle *lc = wmem_new0(wmem_file_scope(), lifecycle);

    tcpl_conn_init(&lc->conn, cfg);
    lc->ep0_side = (uint8_t)ep0_side;
    lc->stream = tcp_stream_of(pinfo);
    return lc;
}

static void copy_events(frame_event *dst, const tcpl_result *r, int of_prev)
{
    for (int i = 0; i < r->nevents; i++) {
        dst[i].anomaly = (uint8_t)r->events[i].anomaly;
        dst[i].endpoint = r->events[i].endpoint;
        dst[i].of_prev = (uint8_t)of_prev;
        dst[i].duration_ns = r->events[i].duration_ns;
        dst[i].bytes = r->events[i].bytes;
        dst[i].icmp = r->events[i].icmp;
        dst[i].icmp_type = r->events[i].icmp_type;
        dst[i].icmp_code = r->events[i].icmp_code;
        dst[i].icmp_from_peer = r->events[i].icmp_from_peer;
        dst[i].ttl = r->events[i].ttl;
        dst[i].ttl_lo = r->events[i].ttl_lo;
        dst[i].ttl_hi = r->events[i].ttl_hi;
    }
}

/* A pcapng timestamp can be any 64-bit count; clamping to +-4e9 s (year
 * 2096) keeps ns values, and differences of two, inside int64_t. */
int64_t frame_ns(const nstime_t *t)
{
    const int64_t lim = INT64_C(4000000000);
    int64_t secs = (int64_t)t->secs;

    if (secs > lim)
        return lim * 1000000000;
    if (secs < -lim)
        return -lim * 1000000000;
    return secs * 1000000000 + t->nsecs;
}

frame_rec *compute(tvbuff_t *tvb, packet_info *pinfo, const tcpl_config *cfg,
                   bool check_sums)
{
    const wtap_rec *rec = pinfo->rec;
    tcpl_wire_tcp w;
    tcpl_segment seg;
    tcpl_result res, fin;
    flow_key key;
    flow *f;
    lifecycle *lc;
    frame_rec *r;
    int linktype, side, from, rc, sum;
    guint caplen;
    int64_t ts;

    if (rec == NULL || rec->rec_type != REC_TYPE_PACKET)
        return NULL;
    /* Any frame, TCP or not, shows the capture still running: a stall
     * lasts at least until the capture's last frame. */
    ts = frame_ns(&pinfo->abs_ts);
    if (!capture_seen || ts > capture_end_ns)
        capture_end_ns = ts;
    capture_seen = true;

    linktype = linktype_of(rec->rec_header.packet_header.pkt_encap);
    caplen = tvb_captured_length(tvb);
    if (linktype < 0 || caplen == 0)
        return NULL;
    rc = tcpl_wire_decode(linktype, tvb_get_ptr(tvb, 0, caplen), caplen, &w);
    if (w.frag.ip != NULL) {
        /* As report --pcap (pcap_feed.c): as many slots, Linux's
         * timeout.  wmem aligns as malloc does. */
        if (frags == NULL) {
            size_t n = tcpl_ipfrag_size(TCPL_IPFRAG_SLOTS);
            frags = tcpl_ipfrag_init(wmem_alloc(wmem_file_scope(), n), n,
                                     TCPL_IPFRAG_SLOTS,
                                     TCPL_IPFRAG_TIMEOUT_NS);
        }
        if (frags != NULL) {
            rc = tcpl_ipfrag_resume(frags, rc, ts, &w);
            if (rc == TCPL_WIRE_TCP && w.encap.n != 0) {
                char text[TCPL_WIRE_ENCAP_STRLEN];

                if (frag_tunnels == NULL)
                    frag_tunnels = wmem_map_new(wmem_file_scope(),
                                                g_direct_hash, g_direct_equal);
                tcpl_wire_encap_str(&w.encap, text, sizeof text);
                wmem_map_insert(frag_tunnels, GUINT_TO_POINTER(pinfo->num),
                                wmem_strdup(wmem_file_scope(), text));
            }
        }
    }
    if (rc != TCPL_WIRE_TCP && rc != TCPL_WIRE_ICMP)
        return NULL;
    sum = rc == TCPL_WIRE_TCP && check_sums ? tcpl_wire_checksum(&w)
                                            : TCPL_CSUM_UNCHECKED;
    /* As Zeek's IP layer: a bad IPv4 header sum drops the packet. */
    if (sum == TCPL_CSUM_BAD_IP)
        return NULL;

    if (flows == NULL)
        flows = wmem_map_new(wmem_file_scope(), flow_hash, flow_equal);
    /* An ICMP error's addresses and ports are those of the segment it
     * quotes: it joins that connection, and starts one only when it
     * quotes a SYN (tcpl_icmp_quotes_syn). */
    side = make_key(&w, &key);
    f = (flow *)wmem_map_lookup(flows, &key);
    if (f == NULL && rc == TCPL_WIRE_ICMP &&
        (w.flags & (TCPL_SYN | TCPL_ACK | TCPL_RST)) != TCPL_SYN)
        return NULL;
    /* A segment that failed its checksum joins a lifecycle, never starts
     * one (the tracker's rule too). */
    if (f == NULL && sum == TCPL_CSUM_BAD_TCP)
        return NULL;
    if (f == NULL) {
        f = wmem_new(wmem_file_scope(), flow);
        f->key = key;
        f->cur = lifecycle_new(side, pinfo, cfg);
        wmem_map_insert(flows, &f->key, f);
    }
    lc = f->cur;
    from = side == lc->ep0_side ? 0 : 1;
    tcpl_wire_segment(&w, ts, (uint8_t)from, &seg);
    seg.bad_checksum = sum == TCPL_CSUM_BAD_TCP;
    fin.nevents = 0;
    rc = tcpl_step(&lc->conn, &seg, &res);
    if (rc == TCPL_NEW_LIFECYCLE) {
        /* The SYN opens a new lifecycle on the same 4-tuple: close the
         * books on the old one here, and keep what that revealed so that
         * the SYN's frame can show it. */
        lifecycle *next = lifecycle_new(side, pinfo, cfg);

        tcpl_finish(&lc->conn, ts, &fin);
        tcpl_conn_successor(&next->conn, &lc->conn);
        next->prev = lc;
        next->successor = (uint16_t)(lc->successor + (lc->successor < UINT16_MAX));
        f->cur = next;
        lc = next;
        from = 0;
        tcpl_wire_segment(&w, ts, 0, &seg);
        rc = tcpl_step(&lc->conn, &seg, &res);
    }
    if (rc != TCPL_OK)
        return NULL;
    lc->last_frame = pinfo->num;

    r = rec_slot(pinfo->num);
    r->lc = lc;
    r->in_state_ns = res.in_state_ns[from];
    r->state[0] = (uint8_t)res.state[0];
    r->state[1] = (uint8_t)res.state[1];
    r->from = (uint8_t)from;
    r->icmp = seg.icmp != 0;
    r->tunnelled = w.encap.n != 0;
    r->ntrans = res.ntransitions;
    r->nevents = (uint8_t)(fin.nevents + res.nevents);
    r->extra = NULL;
    if (r->ntrans || r->nevents || res.app[0].call || res.app[1].call) {
        size_t at = EXTRA_EVENTS_AT(r->ntrans);
        size_t app_at = at + r->nevents * sizeof(frame_event);
        char *x = wmem_alloc(wmem_file_scope(), app_at + sizeof res.app);
        frame_event *ev = (frame_event *)(x + at);

        memcpy(x, res.transitions, r->ntrans * sizeof(tcpl_transition));
        copy_events(ev, &fin, 1);
        copy_events(ev + fin.nevents, &res, 0);
        memcpy(x + app_at, res.app, sizeof res.app);
        r->extra = x;
    }
    return r;
}

/* ------------------------------------------------------------ views */

/* The lifecycle as the whole capture shows it: finished at the capture's
 * end unless a successor already finished it at its own SYN. */
static const tcpl_conn *whole_view(lifecycle *lc)
{
    final_view *f = lc->final;
    tcpl_result fin;

    if (lc->conn.finished)
        return &lc->conn;
    if (f != NULL && f->segments == lc->conn.segments &&
        f->end_ns == capture_end_ns)
        return &f->conn;
    if (f == NULL)
        f = lc->final = wmem_new(wmem_file_scope(), final_view);
    f->conn = lc->conn;
    tcpl_finish(&f->conn, capture_end_ns, &fin);
    f->segments = lc->conn.segments;
    f->end_ns = capture_end_ns;
    f->nevents = fin.nevents;
    copy_events(f->events, &fin, 0);
    return &f->conn;
}

void view_init(frame_view *v, const frame_rec *r, uint32_t num,
                      bool whole)
{
    lifecycle *lc = r->lc;

    v->r = r;
    v->lc = lc;
    v->c = whole ? whole_view(lc) : &lc->conn;
    v->end_ev = NULL;
    v->n_end = 0;
    if (whole && num == lc->last_frame && lc->final != NULL &&
        v->c == &lc->final->conn) {
        v->end_ev = lc->final->events;
        v->n_end = lc->final->nevents;
    }
}

/* The i-th anomaly the frame shows: its own, then the end's verdicts. */
const frame_event *view_event(const frame_view *v, int i)
{
    return i < v->r->nevents ? &rec_events(v->r)[i]
                             : &v->end_ev[i - v->r->nevents];
}

int view_nevents(const frame_view *v)
{
    return v->r->nevents + v->n_end;
}

