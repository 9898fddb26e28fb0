/*
 * wire_int.h - what the parts of the frame decoder share, and nothing
 * public.
 *
 * wire.c walks the plain path (link layer, VLAN tags, IPv4/IPv6, TCP);
 * wire_encap.c holds every encapsulation and tunnel; wire_icmp.c reads the
 * ICMP and ICMPv6 errors that quote a TCP segment.  wire.c and
 * wire_encap.c call each other at three points: an ethertype wire.c does
 * not know, an IP protocol other than TCP, and a link type other than the
 * plain ones.  Each call into wire_encap.c that enters a new layer records
 * it in out->encap, whose bound (TCPL_WIRE_ENCAP_MAX) is what ends any
 * nesting, however the bytes are crafted.
 */
#ifndef TCPL_WIRE_INT_H
#define TCPL_WIRE_INT_H

#include "tcpl/wire.h"

#define TCPL_IPPROTO_ICMP 1
#define TCPL_IPPROTO_ICMPV6 58

/* wire.c: an IPv4 or IPv6 datagram at p, and an ethertype's payload
 * (VLAN tags skipped first). */
int wire_ipv4(const uint8_t *p, size_t cap, tcpl_wire_tcp *out);
int wire_ipv6(const uint8_t *p, size_t cap, tcpl_wire_tcp *out);
int wire_ethertype(uint16_t type, const uint8_t *p, size_t cap,
                   tcpl_wire_tcp *out);

/* wire_encap.c: an ethertype the plain path does not know (802.3 length
 * fields included); an IP payload of protocol proto that is not TCP, len
 * bytes long by its IP header (more: the IP header says more fragments
 * follow, so len ends early); a link type the plain path does not know. */
int wire_encap_ethertype(uint16_t type, const uint8_t *p, size_t cap,
                         tcpl_wire_tcp *out);
int wire_encap_ip(uint8_t proto, const uint8_t *p, size_t cap, size_t len,
                  int more, tcpl_wire_tcp *out);
int wire_encap_link(int linktype, const uint8_t *frame, size_t caplen,
                    tcpl_wire_tcp *out);

/*
 * wire_icmp.c: the ICMP layer of an IPv4 packet (p: the ICMP header, cap
 * bytes captured, ip_len bytes by the IP header), or of an IPv6 one.  out
 * holds the outer addresses and TTL on entry.  Returns a TCPL_WIRE_* code.
 */
int wire_icmp4(const uint8_t *p, size_t cap, size_t ip_len, tcpl_wire_tcp *out);
int wire_icmp6(const uint8_t *p, size_t cap, size_t ip_len, tcpl_wire_tcp *out);

#endif /* TCPL_WIRE_INT_H */
