/*
 * pcap_feed.c - one captured frame into the tracker, for every command
 * that reads captures (see pcap_feed.h).  The decoding is core's
 * (tcpl_wire_decode); this file only counts what was not TCP or not whole.
 */
#include "pcap_feed.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define PROG "tcp-lifecycle"

int tcpl_feed_decode(int linktype, const tcpl_pcap_packet *p,
                     tcpl_wire_tcp *w, tcpl_tuple *t, tcpl_segment *s,
                     tcpl_feed_stats *st)
{
    int rc;

    st->records++;
    rc = tcpl_wire_decode(linktype, p->data, p->caplen, w);
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
    if (rc > 0) { /* an ICMP error about no connection in the capture */
        st->non_tcp++;
        return 0;
    }
    return 1;
}

void tcpl_feed_note(const char *name, const tcpl_feed_stats *st)
{
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
