/*
 * zeek.c - Zeek's verdict on a lifecycle, from the segments the engine
 * steps: conn_state, history, packet and byte counts, missed bytes.
 *
 * This is Zeek's model, kept beside ours, not ours re-labelled: Zeek moves
 * an endpoint only on what it sends (its TCP analyzer's UpdateStateMachine),
 * numbers sequence space relative to the first SYN or first segment seen,
 * and declares a content gap when an ACK covers data its reassembler never
 * saw.  The rules below follow Zeek's sources (src/packet_analysis/
 * protocol/tcp/TCPSessionAdapter.cc, src/analyzer/protocol/tcp/
 * TCP_Endpoint.cc and TCP_Reassembler.cc, src/Conn.cc for the history,
 * scripts/base/protocols/conn/main.zeek for conn_state); each comment says
 * which rule it carries.  Where we knowingly differ, docs/zeek.md says so:
 * checksums are checked only when the caller asks (Zeek checks them by
 * default), roles are ours (no mid-connection flip), and per-lifecycle,
 * not per Zeek connection (zeek_rows.c cuts a lifecycle into Zeek's
 * connections, with eng_zeek_update()).  A payload the snapshot length
 * cut is sequence space like any other but never reaches Zeek's
 * reassembler, so an ACK that covers it reveals a content gap.
 *
 * eng_zeek_step() runs inside tcpl_step() for every segment the engine
 * accepts, after the roles are known.
 */
#include <stdbool.h>
#include <string.h>

#include "engine_int.h"

typedef tcpl_zeek_endpoint zep;

/* Zeek ignores SYN and RST sequence numbers that jump this far. */
#define TOO_LARGE_SEQ_DELTA 1048576

/* Letters Zeek gives at most once per direction (its HIST_* masks). */
enum {
    H_SYN = 0x01,
    H_FIN = 0x02,
    H_RST = 0x04,
    H_FIN_RST = 0x08,
    H_DATA = 0x10,
    H_ACK = 0x20,
    H_MULTI = 0x40
};

static const char *const conn_state_names[TCPL_ZC_COUNT] = {
#define TCPL_ZEEK_CONN_NAME(n) #n,
    TCPL_ZEEK_CONN_STATES(TCPL_ZEEK_CONN_NAME)
#undef TCPL_ZEEK_CONN_NAME
};

static const char *const ep_state_names[TCPL_ZE_COUNT] = {
#define TCPL_ZEEK_EP_NAME(n) #n,
    TCPL_ZEEK_EP_STATES(TCPL_ZEEK_EP_NAME)
#undef TCPL_ZEEK_EP_NAME
};

const char *tcpl_zeek_conn_state_name(tcpl_zeek_conn_state s)
{
    return (unsigned)s < TCPL_ZC_COUNT ? conn_state_names[s] : "?";
}

const char *tcpl_zeek_ep_state_name(tcpl_zeek_ep_state s)
{
    return (unsigned)s < TCPL_ZE_COUNT ? ep_state_names[s] : "?";
}

/* ---------------------------------------------------------------- history */

static void add_letter(tcpl_zeek *z, char code)
{
    if (z->hlen + 1 < TCPL_ZEEK_HISTORY) {
        z->history[z->hlen++] = code;
        z->history[z->hlen] = '\0';
    } else {
        z->history_cut = 1;
    }
}

/* Originator upper case, responder lower case. */
static char letter(bool orig, char upper)
{
    return orig ? upper : (char)(upper - 'A' + 'a');
}

/* Zeek's CheckHistory: the first time a kind of packet shows in a
 * direction, its letter is added; true when it had shown before. */
static bool once(tcpl_zeek *z, zep *e, bool orig, unsigned bit, char upper)
{
    if (e->seen & bit)
        return true;
    e->seen |= (uint16_t)bit;
    add_letter(z, letter(orig, upper));
    return false;
}

/* Zeek's ScaledHistoryEntry: the letter again at the 1st, 10th, 100th...
 * occurrence, so a log reader sees the order of magnitude. */
static void scaled(tcpl_zeek *z, bool orig, uint32_t *count, char upper)
{
    uint32_t n = ++*count, t = 1;
    while (t < n && t <= UINT32_MAX / 10)
        t *= 10;
    if (t == n)
        add_letter(z, letter(orig, upper));
}

/* -------------------------------------------------------- sequence space */

static uint64_t full_seq(uint32_t seq, uint32_t wraps)
{
    return ((uint64_t)wraps << 32) | seq;
}

static int32_t seq_delta(uint32_t a, uint32_t b) { return (int32_t)(a - b); }

/*
 * Zeek's relative sequence number of seq in e's space, `ref`/`wraps` being
 * the latest value seen of that kind and its wrap count.  Before any wrap
 * Zeek returns the signed 32-bit distance from the start, so a number
 * below the start comes out huge (and is flagged as underflow).
 */
static uint64_t relative(const zep *e, uint32_t seq, uint32_t ref,
                         uint32_t wraps, bool *underflow)
{
    int32_t d = seq_delta(seq, ref);
    if (d < 0 && wraps && seq > ref)
        wraps--;
    else if (d > 0 && seq < ref)
        wraps++;
    if (wraps == 0) {
        d = seq_delta(seq, e->start);
        if (d < 0 && underflow)
            *underflow = true;
        return (uint64_t)(int64_t)d;
    }
    return full_seq(seq, wraps) - e->start;
}

static void init_seqs(zep *e, uint32_t start, uint32_t last)
{
    e->start = start;
    e->ack = start;
    e->last = last;
}

static void set_last(zep *e, uint32_t last)
{
    if (last < e->last)
        e->seq_wraps++;
    e->last = last;
}

static void set_ack(zep *e, uint32_t ack)
{
    if (ack < e->ack)
        e->ack_wraps++;
    e->ack = ack;
}

/* Zeek's endpoint Size(): payload bytes from the highest sequence number
 * sent or acknowledged, without the SYN and FIN octets. */
static uint64_t zeek_size(const zep *e, const zep *p)
{
    uint64_t ack = full_seq(e->ack, e->ack_wraps);
    /* A SYN answered only by the endpoint's own RST: its numbers say
     * nothing about data it could never send. */
    if (e->prev_state == TCPL_ZE_SYN_SENT && e->state == TCPL_ZE_RESET &&
        p->state == TCPL_ZE_INACTIVE && ack != e->start &&
        ack != (uint64_t)e->start + 1)
        return 0;
    uint64_t last = full_seq(e->last, e->seq_wraps);
    uint64_t size = (last > ack ? last : ack) - e->start;
    if (size)
        size--;
    if (e->fin_cnt && size)
        size--;
    return size;
}

/* ------------------------------------------------------------ reassembly */

/* Both sides established, or closed after being established: only then
 * does Zeek trust an ACK beyond the data as a content gap. */
static bool clean(const zep *e)
{
    return e->state == TCPL_ZE_ESTABLISHED ||
           (e->state == TCPL_ZE_CLOSED && e->prev_state == TCPL_ZE_ESTABLISHED);
}

static void gap(tcpl_zeek *z, zep *e, bool orig, uint64_t len)
{
    if (len == 0 || !clean(e) || !clean(&z->ep[orig ? 1 : 0]))
        return;
    scaled(z, orig, &e->gap_cnt, 'G');
    z->missed_bytes += len;
}

static void drop_block(zep *e, int i)
{
    for (int j = i + 1; j < e->nblk; j++) {
        e->blk_lo[j - 1] = e->blk_lo[j];
        e->blk_hi[j - 1] = e->blk_hi[j];
    }
    e->nblk--;
}

/* Deliver every remembered block the in-order point has reached. */
static void absorb(zep *e)
{
    for (int i = 0; i < e->nblk;) {
        if (e->blk_lo[i] <= e->reassem) {
            if (e->blk_hi[i] > e->reassem)
                e->reassem = e->blk_hi[i];
            drop_block(e, i);
            i = 0;
        } else {
            i++;
        }
    }
}

/* Remember [lo, hi) beyond a hole, merged with what overlaps or touches
 * it, blocks kept in order. */
static void remember(zep *e, uint64_t lo, uint64_t hi)
{
    for (int i = 0; i < e->nblk;) {
        if (e->blk_lo[i] <= hi && lo <= e->blk_hi[i]) {
            lo = lo < e->blk_lo[i] ? lo : e->blk_lo[i];
            hi = hi > e->blk_hi[i] ? hi : e->blk_hi[i];
            drop_block(e, i);
        } else {
            i++;
        }
    }
    int at = 0;
    while (at < e->nblk && e->blk_lo[at] < lo)
        at++;
    if (e->nblk == TCPL_ZEEK_BLOCKS) {
        if (at == e->nblk)
            return; /* the highest: forget it */
        e->nblk--;  /* forget the highest kept one */
    }
    for (int j = e->nblk; j > at; j--) {
        e->blk_lo[j] = e->blk_lo[j - 1];
        e->blk_hi[j] = e->blk_hi[j - 1];
    }
    e->blk_lo[at] = lo;
    e->blk_hi[at] = hi;
    e->nblk++;
}

/* The reassembler's DataSent/NewBlock: data at rel seq, len bytes. */
static void data_sent(zep *e, uint64_t seq, uint64_t len)
{
    uint64_t hi = seq + len;
    uint64_t acked = full_seq(e->ack, e->ack_wraps) - e->start;
    /* What the peer already acknowledged was delivered or declared
     * missing: only the rest is new to the reassembler. */
    if (seq < acked) {
        if (hi <= acked)
            return;
        seq = acked;
    }
    if (hi <= e->trim)
        return;
    if (seq < e->trim)
        seq = e->trim;
    if (seq <= e->reassem) {
        if (hi > e->reassem) {
            e->reassem = hi;
            absorb(e);
        }
    } else {
        remember(e, seq, hi);
    }
}

/* The reassembler's AckReceived: the peer acknowledged e's data up to rel
 * seq.  What it acknowledged and nobody saw is a content gap, one per
 * hole. */
static void ack_received(tcpl_zeek *z, zep *e, bool orig, uint64_t seq)
{
    /* The FIN's own octet is not data. */
    if (e->fin_cnt > 0 && seq >= e->fin_rel)
        seq = e->fin_rel - 1;
    if (seq <= e->trim)
        return;
    while (e->reassem < seq && e->nblk > 0 && e->blk_lo[0] < seq) {
        gap(z, e, orig, e->blk_lo[0] - e->reassem);
        e->reassem = e->blk_lo[0];
        absorb(e);
    }
    if (seq > e->reassem) {
        gap(z, e, orig, seq - e->reassem);
        e->reassem = seq;
        absorb(e);
    }
    e->trim = seq;
}

/* --------------------------------------------------------- state machine */

static void set_state(zep *e, uint8_t st)
{
    if (st != e->state) {
        e->prev_state = e->state;
        e->state = st;
    }
}

/*
 * Zeek's UpdateStateMachine for one segment sent by e (orig: by the
 * originator).  Returns true when Zeek reports a close for e.  The cases
 * follow Zeek's Update*State functions: SYN, then FIN, then RST of the
 * same segment, each on the state the previous one left.
 */
static bool update_state(zep *e, zep *p, zep *origin, bool orig,
                         const tcpl_segment *s)
{
    bool syn = s->flags & TCPL_SYN, fin = s->flags & TCPL_FIN;
    bool rst = s->flags & TCPL_RST, ack = s->flags & TCPL_ACK;
    bool close = false;

    switch (e->state) {
    case TCPL_ZE_INACTIVE:
        if (syn) {
            if (orig) {
                /* The originator's SYN; a SYN-ACK from it is a weird
                 * Zeek still tracks. */
                set_state(e, ack ? TCPL_ZE_SYN_ACK_SENT : TCPL_ZE_SYN_SENT);
            } else {
                /* The responder's SYN(-ACK) establishes both: Zeek's
                 * answer to the originator's SYN, or a SYN after the
                 * originator's SYN-ACK (the reversal Zeek flips for;
                 * our roles are already fixed). */
                if (p->state == TCPL_ZE_SYN_SENT ||
                    (!ack && p->state == TCPL_ZE_SYN_ACK_SENT &&
                     s->seq == e->start))
                    set_state(p, TCPL_ZE_ESTABLISHED);
                set_state(e, TCPL_ZE_ESTABLISHED);
            }
        }
        if (fin) {
            set_state(e, TCPL_ZE_CLOSED);
            close = true;
        }
        if (rst) {
            set_state(e, TCPL_ZE_RESET);
            close = true;
        }
        if (e->state == TCPL_ZE_INACTIVE) {
            /* A bare ACK from the responder before its SYN-ACK (some
             * stacks do) is not yet a partial connection. */
            if (!orig && s->len == 0 && origin->state == TCPL_ZE_SYN_SENT)
                break;
            /* The SYN was missed but the SYN-ACK seen: established. */
            if (ack && p->state == TCPL_ZE_ESTABLISHED)
                set_state(e, TCPL_ZE_ESTABLISHED);
            else
                set_state(e, TCPL_ZE_PARTIAL);
        }
        break;
    case TCPL_ZE_SYN_SENT:
    case TCPL_ZE_SYN_ACK_SENT:
        /* Data or ACKs do not move a SYN sender: only its peer's SYN-ACK
         * (above) does. */
        if (fin) {
            set_state(e, TCPL_ZE_CLOSED);
            close = true;
        }
        if (rst) {
            set_state(e, TCPL_ZE_RESET);
            close = true;
        }
        break;
    case TCPL_ZE_ESTABLISHED:
    case TCPL_ZE_PARTIAL:
        /* A SYN after a partial start with a silent peer: Zeek guesses
         * the connection is being set up now. */
        if (syn && e->state == TCPL_ZE_PARTIAL &&
            p->state == TCPL_ZE_INACTIVE && !ack)
            set_state(e, TCPL_ZE_SYN_SENT);
        if (fin && !rst) {
            set_state(e, TCPL_ZE_CLOSED);
            /* The peer's FIN then RST was a normal close after all. */
            if (p->state == TCPL_ZE_RESET && p->prev_state == TCPL_ZE_CLOSED)
                set_state(p, TCPL_ZE_CLOSED);
            close = true;
        }
        if (rst) {
            set_state(e, TCPL_ZE_RESET);
            close = true;
        }
        break;
    case TCPL_ZE_CLOSED:
        /* A RST after a completed FIN exchange changes nothing. */
        if (rst && p->state != TCPL_ZE_CLOSED) {
            set_state(e, TCPL_ZE_RESET);
            if (!e->did_close)
                close = true;
        }
        break;
    default: /* RESET: nothing moves it */
        break;
    }
    return close;
}

/* Zeek's init_endpoint: where e's sequence space starts. */
static void init_endpoint(zep *e, const tcpl_segment *s, uint32_t end)
{
    bool syn = s->flags & TCPL_SYN;
    switch (e->state) {
    case TCPL_ZE_INACTIVE:
        /* Without a SYN, numbered as if one came just before. */
        if (syn)
            init_seqs(e, s->seq, end);
        else
            init_seqs(e, s->seq - 1, s->seq);
        break;
    case TCPL_ZE_SYN_SENT:
    case TCPL_ZE_SYN_ACK_SENT:
        if (syn && s->seq != e->start)
            init_seqs(e, s->seq, end);
        break;
    case TCPL_ZE_ESTABLISHED:
    case TCPL_ZE_PARTIAL:
        /* A SYN inside a connection: Zeek guesses it is the real start. */
        if (syn)
            init_seqs(e, s->seq, end);
        break;
    case TCPL_ZE_RESET:
        /* Numbers set by a RST first: a SYN now is more trustworthy. */
        if (syn && e->prev_state == TCPL_ZE_INACTIVE)
            init_seqs(e, s->seq, end);
        break;
    default:
        break;
    }
}

/* Zeek's update_history: the segment's letter. */
static void history_of(tcpl_zeek *z, zep *e, bool orig, const tcpl_segment *s,
                       uint64_t rel)
{
    bool syn = s->flags & TCPL_SYN, fin = s->flags & TCPL_FIN;
    bool rst = s->flags & TCPL_RST;
    int bits = syn + fin + rst;

    if (bits > 1) {
        if (fin && rst)
            once(z, e, orig, H_FIN_RST, 'I');
        else
            once(z, e, orig, H_MULTI, 'Q');
    } else if (syn) {
        /* Again only for a SYN at a new sequence number. */
        char code = (s->flags & TCPL_ACK) ? 'H' : 'S';
        if (once(z, e, orig, H_SYN, code) && (uint32_t)rel != e->hist_syn)
            add_letter(z, letter(orig, code));
        e->hist_syn = (uint32_t)rel;
    } else if (fin) {
        /* A FIN's number is where the data before it ends. */
        uint32_t at = (uint32_t)(rel + s->len);
        if (once(z, e, orig, H_FIN, 'F') && at != e->hist_fin)
            add_letter(z, letter(orig, 'F'));
        e->hist_fin = at;
    } else if (rst) {
        if (once(z, e, orig, H_RST, 'R') && (uint32_t)rel != e->hist_rst)
            add_letter(z, letter(orig, 'R'));
        e->hist_rst = (uint32_t)rel;
    } else if (s->len) {
        once(z, e, orig, H_DATA, 'D');
    } else if (s->flags & TCPL_ACK) {
        once(z, e, orig, H_ACK, 'A');
    }
}

/* Zeek's update_last_seq: a segment with payload that does not reach past
 * the highest sequence number sent is a retransmission. */
static void update_last(tcpl_zeek *z, zep *e, bool orig, const tcpl_segment *s,
                        uint32_t end)
{
    int32_t d = seq_delta(end, e->last);
    if ((s->flags & (TCPL_SYN | TCPL_RST)) &&
        (d > TOO_LARGE_SEQ_DELTA || d < -TOO_LARGE_SEQ_DELTA))
        return; /* not trusted */
    if ((s->flags & TCPL_FIN) && e->last == e->start + 1)
        set_last(e, end); /* only the SYN seen before: trust the FIN */
    else if (e->state == TCPL_ZE_RESET)
        return;
    else if (d > 0)
        set_last(e, end);
    else if (s->len > 0)
        scaled(z, orig, &e->rxmt_cnt, 'T');
}

void eng_zeek_step(tcpl_conn *c, const tcpl_segment *s)
{
    eng_zeek_update(&c->zeek, s, s->from == c->client, c->segments == 0);
}

void eng_zeek_update(tcpl_zeek *z, const tcpl_segment *s, bool orig, bool first)
{
    zep *e = &z->ep[orig ? 0 : 1], *p = &z->ep[orig ? 1 : 0];
    bool syn = s->flags & TCPL_SYN, fin = s->flags & TCPL_FIN;
    bool rst = s->flags & TCPL_RST, ack = s->flags & TCPL_ACK;

    if (first) {
        /* Zeek's reassembler numbers the first data byte 1. */
        for (int i = 0; i < 2; i++)
            z->ep[i].reassem = z->ep[i].trim = 1;
        /* The server spoke first: Zeek would flip the direction. */
        if (!orig)
            add_letter(z, '^');
    }
    e->pkts++;
    /* ConnSize counts every packet the TCP analyser accepted, with the
     * whole IP length (headers, retransmitted payload and all). */
    e->ip_bytes += s->ip_len;
    if (s->ip_len == 0)
        z->ip_len_unknown = 1;

    /* Sequence space the segment takes: SYN and FIN one each, a RST's
     * payload none. */
    uint32_t seg_len = s->len + syn + fin - (rst ? s->len : 0);
    uint32_t end = s->seq + seg_len;
    init_endpoint(e, s, end);
    bool underflow = false;
    uint64_t rel = relative(e, s->seq, e->last, e->seq_wraps, &underflow);

    history_of(z, e, orig, s, rel);

    /* Zero windows, unless with or after a RST, or once the peer has
     * closed (no window matters then). */
    if (s->window == 0 && !rst && p->state != TCPL_ZE_CLOSED &&
        e->state != TCPL_ZE_RESET)
        scaled(z, orig, &e->win0_cnt, 'W');

    uint64_t rel_ack = 0;
    if (ack) {
        if (p->state == TCPL_ZE_INACTIVE) {
            /* The peer's numbering starts from this ACK until it sends. */
            rel_ack = 1;
            init_seqs(p, s->ack - 1, s->ack - 1);
        } else {
            bool under = false;
            rel_ack = relative(p, s->ack, p->ack, p->ack_wraps, &under);
            if (under)
                rel_ack = 0;
            else if (!rst && seq_delta(s->ack, p->ack) > 0 &&
                     !(s->ack == 0 &&
                       seq_delta(s->ack, p->ack) > TOO_LARGE_SEQ_DELTA))
                set_ack(p, s->ack); /* a RST's ACK is not trusted */
        }
    }

    update_last(z, e, orig, s, end);

    /* Zeek's duration ignores what comes after both sides closed. */
    if (!e->did_close || !p->did_close)
        z->last_ns = s->ts_ns;

    bool close = update_state(e, p, &z->ep[0], orig, s);
    if (fin) {
        e->fin_cnt++;
        e->fin_rel = rel + seg_len;
    }

    /* After the state update, so a gap an ACK reveals in a RST or at the
     * very end is not trusted. */
    if (ack)
        ack_received(z, p, !orig, rel_ack);

    /* Zeek hands the reassembler only a payload captured whole. */
    if (s->len > 0 && !rst && !underflow && s->uncaptured == 0)
        data_sent(e, syn ? rel + 1 : rel, s->len);

    if (close)
        e->did_close = 1;
}

/* Zeek's ChecksumError: counted per sender, the letter scaled like 'T'. */
void eng_zeek_corrupt(tcpl_zeek *z, bool orig)
{
    scaled(z, orig, &z->ep[orig ? 0 : 1].chk_cnt, 'C');
}

/* ----------------------------------------------------------------- verdict */

/* Zeek's RSTOS0 test, its pattern ^?S[^HAFGIQ]*R.* over the history: the
 * originator's SYN, then its RST with nothing of the originator's that
 * shows a connection in between. */
static bool syn_then_rst(const char *h)
{
    if (*h == '^')
        h++;
    if (*h++ != 'S')
        return false;
    for (; *h; h++) {
        if (*h == 'R')
            return true;
        if (strchr("HAFGIQ", *h))
            return false;
    }
    return false;
}

static bool inactive(uint8_t st)
{
    return st == TCPL_ZE_INACTIVE || st == TCPL_ZE_PARTIAL;
}

tcpl_zeek_conn_state tcpl_zeek_state(const tcpl_conn *c)
{
    return eng_zeek_conn_state(&c->zeek);
}

tcpl_zeek_conn_state eng_zeek_conn_state(const tcpl_zeek *z)
{
    const zep *o = &z->ep[0], *r = &z->ep[1];
    uint8_t os = o->state, rs = r->state;

    if (rs == TCPL_ZE_RESET) {
        if (os == TCPL_ZE_SYN_SENT || os == TCPL_ZE_SYN_ACK_SENT ||
            (os == TCPL_ZE_RESET && zeek_size(o, r) == 0 &&
             zeek_size(r, o) == 0))
            return TCPL_ZC_REJ;
        return inactive(os) ? TCPL_ZC_RSTRH : TCPL_ZC_RSTR;
    }
    if (os == TCPL_ZE_RESET) {
        if (!inactive(rs))
            return TCPL_ZC_RSTO;
        return syn_then_rst(z->history) ? TCPL_ZC_RSTOS0 : TCPL_ZC_OTH;
    }
    if (os == TCPL_ZE_CLOSED && rs == TCPL_ZE_CLOSED)
        return TCPL_ZC_SF;
    if (os == TCPL_ZE_CLOSED)
        return inactive(rs) ? TCPL_ZC_SH : TCPL_ZC_S2;
    if (rs == TCPL_ZE_CLOSED)
        return inactive(os) ? TCPL_ZC_SHR : TCPL_ZC_S3;
    if (os == TCPL_ZE_SYN_SENT && rs == TCPL_ZE_INACTIVE)
        return TCPL_ZC_S0;
    if (os == TCPL_ZE_ESTABLISHED && rs == TCPL_ZE_ESTABLISHED)
        return TCPL_ZC_S1;
    return TCPL_ZC_OTH;
}

static void copy_out(char *dst, size_t n, const char *src)
{
    if (dst == NULL || n == 0)
        return;
    size_t len = strlen(src);
    if (len >= n)
        len = n - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

size_t tcpl_zeek_verdict(const tcpl_conn *c, char *state, size_t sn,
                         char *history, size_t hn)
{
    copy_out(state, sn, tcpl_zeek_conn_state_name(tcpl_zeek_state(c)));
    copy_out(history, hn, c->zeek.history);
    return c->zeek.hlen;
}

void tcpl_zeek_counts_of(const tcpl_conn *c, tcpl_zeek_counts *out)
{
    eng_zeek_counts(&c->zeek, c->first_ns, c->segments > 0, out);
}

void eng_zeek_counts(const tcpl_zeek *z, int64_t first_ns, bool any,
                     tcpl_zeek_counts *out)
{
    memset(out, 0, sizeof *out);
    out->orig_pkts = z->ep[0].pkts;
    out->resp_pkts = z->ep[1].pkts;
    out->orig_bytes = zeek_size(&z->ep[0], &z->ep[1]);
    out->resp_bytes = zeek_size(&z->ep[1], &z->ep[0]);
    out->orig_ip_bytes = z->ep[0].ip_bytes;
    out->resp_ip_bytes = z->ep[1].ip_bytes;
    out->ip_bytes_known = !z->ip_len_unknown;
    out->missed_bytes = z->missed_bytes;
    if (any)
        out->duration_ns = elapsed(first_ns, z->last_ns);
    out->bytes_logged = out->duration_ns > 0;
}
