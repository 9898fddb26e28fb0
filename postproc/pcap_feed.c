/*
 * pcap_feed.c - one captured frame into the tracker, for every command
 * that reads captures (see pcap_feed.h).  The decoding, the checksums and
 * the fragment reassembly are core's (tcpl_wire_decode, tcpl_wire_checksum,
 * tcpl_ipfrag); this file owns the reassembler's memory, chooses what is
 * asked for, and counts what was not TCP or not whole.
 */
#include "pcap_feed.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "tcp-lifecycle"

static int decode(int linktype, const tcpl_pcap_packet *p, tcpl_wire_tcp *w,
                  tcpl_feed_stats *st)
{
    int rc = tcpl_wire_decode(linktype, p->data, p->caplen, w);

    if (!st->reassemble || !w->frag.ip)
        return rc;
    if (!st->frag) {
        size_t n = tcpl_ipfrag_size(TCPL_IPFRAG_SLOTS);
        st->frag_mem = malloc(n);
        st->frag = tcpl_ipfrag_init(st->frag_mem, n, TCPL_IPFRAG_SLOTS,
                                    TCPL_IPFRAG_TIMEOUT_NS);
        if (!st->frag) {
            /* The fragment goes on as it is (a first fragment as the
             * segment's start), counted in the note. */
            free(st->frag_mem);
            st->frag_mem = NULL;
            st->reassemble = false;
            st->frag_no_memory++;
            return rc;
        }
    }
    return tcpl_ipfrag_resume(st->frag, rc, p->ts_ns, w);
}

int tcpl_feed_decode(int linktype, const tcpl_pcap_packet *p,
                     tcpl_wire_tcp *w, tcpl_tuple *t, tcpl_segment *s,
                     tcpl_feed_stats *st)
{
    int rc, sum = TCPL_CSUM_UNCHECKED;

    st->records++;
    rc = decode(linktype, p, w, st);
    if (rc == TCPL_IPFRAG_HELD)
        return 0;
    if (rc == TCPL_WIRE_TCP && st->check_checksums) {
        sum = tcpl_wire_checksum(w);
        /* Zeek's IP layer drops such a packet before any connection
         * sees it. */
        if (sum == TCPL_CSUM_BAD_IP) {
            st->bad_ip_checksums++;
            return 0;
        }
        if (sum == TCPL_CSUM_BAD_TCP)
            st->bad_tcp_checksums++;
    }
    if (rc == TCPL_WIRE_NOT_TCP) {
        st->non_tcp++;
        return 0;
    }
    if (rc != TCPL_WIRE_TCP && rc != TCPL_WIRE_ICMP) {
        if (st->incomplete++ == 0) {
            st->first_incomplete = p->frame;
            st->first_incomplete_rc = rc;
        }
        return 0;
    }
    tcpl_tracker_from_wire(w, p->ts_ns, t, s);
    s->bad_checksum = sum == TCPL_CSUM_BAD_TCP;
    return 1;
}

int tcpl_feed(tcpl_tracker *tr, int linktype, const tcpl_pcap_packet *p,
              tcpl_wire_tcp *w, tcpl_packet_info *pi, tcpl_feed_stats *st)
{
    tcpl_tuple t;
    tcpl_segment s;

    if (tcpl_feed_decode(linktype, p, w, &t, &s, st) == 0)
        return 0;
    return tcpl_feed_track(tr, &t, &s, p->frame, pi, st);
}

int tcpl_feed_track(tcpl_tracker *tr, const tcpl_tuple *t,
                    const tcpl_segment *s, uint64_t frame,
                    tcpl_packet_info *pi, tcpl_feed_stats *st)
{
    int rc;

    /* No stream hint: the tracker numbers lifecycles in the order they
     * start, which is how Wireshark numbers tcp.stream (a port-reuse SYN
     * starts a new one in both). */
    rc = tcpl_tracker_packet(tr, t, s, frame, -1, pi);
    if (rc < 0)
        return -1;
    if (rc > 0) { /* an ICMP error about no connection in the capture, or
                     a bad checksum that starts none */
        if (!s->bad_checksum)
            st->non_tcp++;
        return 0;
    }
    return 1;
}

void tcpl_feed_end(tcpl_feed_stats *st)
{
    if (!st->frag)
        return;
    tcpl_ipfrag_expire_all(st->frag);
    /* The counts outlive the reassembler, for tcpl_feed_note(). */
    st->frag_stats = *tcpl_ipfrag_stats_of(st->frag);
    free(st->frag_mem);
    st->frag_mem = NULL;
    st->frag = NULL;
}

static const char *plural(uint64_t n)
{
    return n == 1 ? "" : "s";
}

void tcpl_feed_note(const char *name, const tcpl_feed_stats *st)
{
    const tcpl_ipfrag_stats *f = st->frag ? tcpl_ipfrag_stats_of(st->frag)
                                          : &st->frag_stats;
    uint64_t frag_drops = f->overlapping + f->bad + f->timed_out;

    if (st->bad_ip_checksums || st->bad_tcp_checksums)
        fprintf(stderr,
                PROG ": %s: note: bad checksums: %" PRIu64 " TCP segment%s "
                "taken as no evidence (Zeek's 'C'), %" PRIu64 " frame%s "
                "dropped for the IPv4 header's\n",
                name, st->bad_tcp_checksums, plural(st->bad_tcp_checksums),
                st->bad_ip_checksums, plural(st->bad_ip_checksums));
    if (frag_drops || f->no_room || st->frag_no_memory)
        fprintf(stderr,
                PROG ": %s: note: IP fragments: %" PRIu64 " datagram%s "
                "reassembled from %" PRIu64 " fragment%s; dropped: %" PRIu64
                " overlapping, %" PRIu64 " malformed or cut, %" PRIu64
                " incomplete, %" PRIu64 " fragment%s with no free slot%s\n",
                name, f->reassembled, plural(f->reassembled), f->fragments,
                plural(f->fragments), f->overlapping, f->bad, f->timed_out,
                f->no_room + st->frag_no_memory,
                plural(f->no_room + st->frag_no_memory),
                st->frag_no_memory ? " (out of memory)" : "");
    if (st->incomplete == 0)
        return;
    fprintf(stderr,
            PROG ": %s: note: %" PRIu64 " frame%s with a %s TCP/IP header "
            "(first: frame %" PRIu64 ") not tracked\n",
            name, st->incomplete, st->incomplete == 1 ? "" : "s",
            st->first_incomplete_rc == TCPL_WIRE_TRUNCATED ? "truncated"
                                                           : "malformed",
            st->first_incomplete);
}

int tcpl_feed_check_link(tcpl_pcap_in *in, const char *name, char *err,
                         size_t n)
{
    int lt = tcpl_pcap_linktype(in);

    if (tcpl_wire_decode(lt, NULL, 0, &(tcpl_wire_tcp){0}) !=
        TCPL_WIRE_LINKTYPE)
        return 0;
    snprintf(err, n, "%s: link type %d is not supported (Ethernet, Linux "
             "cooked v1/v2, raw IP, BSD/OpenBSD loopback, FDDI, PPP, PPPoE, "
             "Cisco HDLC and MPLS are)", name, lt);
    tcpl_pcap_close(in);
    return -1;
}

tcpl_pcap_in *tcpl_feed_open(const char *path, bool comments, char *err,
                             size_t n)
{
    tcpl_pcap_in *in = tcpl_pcap_open(path, comments, err, n);

    if (!in)
        return NULL;
    if (tcpl_feed_check_link(in, strcmp(path, "-") == 0 ? "<stdin>" : path,
                             err, n) != 0)
        return NULL;
    return in;
}
