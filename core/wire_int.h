/*
 * wire_int.h - what wire.c and wire_icmp.c share, and nothing public.
 *
 * wire.c walks link layer and IP down to the transport header; when that
 * header is ICMP or ICMPv6 it hands the rest to wire_icmp.c, which reads
 * the error and the TCP segment it quotes.
 */
#ifndef TCPL_WIRE_INT_H
#define TCPL_WIRE_INT_H

#include "tcpl/wire.h"

#define TCPL_IPPROTO_ICMP 1
#define TCPL_IPPROTO_ICMPV6 58

/*
 * The ICMP layer of an IPv4 packet (p: the ICMP header, cap bytes
 * captured, ip_len bytes by the IP header), or of an IPv6 one.  out holds
 * the outer addresses and TTL on entry.  Returns a TCPL_WIRE_* code.
 */
int wire_icmp4(const uint8_t *p, size_t cap, size_t ip_len, tcpl_wire_tcp *out);
int wire_icmp6(const uint8_t *p, size_t cap, size_t ip_len, tcpl_wire_tcp *out);

#endif /* TCPL_WIRE_INT_H */
