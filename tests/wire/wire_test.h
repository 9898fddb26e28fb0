/*
 * wire_test.h - shared by the frame decoder's unit tests (test_wire.c for
 * the plain path, test_wire_encap.c for encapsulations and tunnels): check
 * macros, frame builders and decode helpers, defined in wire_test.c.
 *
 * Every frame is assembled byte by byte from field values written in the
 * test, so an expected value is a number the reader can check against the
 * header layout, not something computed by the decoder's own logic.
 */
#ifndef TCPL_WIRE_TEST_H
#define TCPL_WIRE_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcpl/wire.h"

extern int failures;
extern int checks;
extern const char *current; /* name of the case being checked */

#define CHECK(cond)                                                            \
    do {                                                                       \
        checks++;                                                              \
        if (!(cond)) {                                                         \
            failures++;                                                        \
            fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__,         \
                    __LINE__, current, #cond);                                 \
        }                                                                      \
    } while (0)

#define CHECK_EQ(a, b)                                                         \
    do {                                                                       \
        long long a_ = (long long)(a), b_ = (long long)(b);                    \
        checks++;                                                              \
        if (a_ != b_) {                                                        \
            failures++;                                                        \
            fprintf(stderr, "%s:%d: %s: %s == %lld, expected %lld\n",          \
                    __FILE__, __LINE__, current, #a, a_, b_);                  \
        }                                                                      \
    } while (0)

typedef struct frame {
    uint8_t b[512];
    size_t n;
} frame;

void put8(frame *f, unsigned v);
void put16(frame *f, unsigned v);
void put32(frame *f, uint32_t v);
void fill(frame *f, unsigned byte, size_t n);
/* Ethernet header 02:.. <- 04:.. with the given type or length. */
void eth(frame *f, unsigned ethertype);
void vlan_tag(frame *f, unsigned vid, unsigned inner_type);
/* IPv4 header of ihl 32-bit words (options are NOPs), 10.0.0.1 -> 10.0.0.2 */
void ipv4(frame *f, unsigned ihl, unsigned total_len, unsigned frag,
          unsigned proto);
/* IPv6 header, 2001:db8::1 -> 2001:db8::2 */
void ipv6(frame *f, unsigned payload_len, unsigned next);
void ext8(frame *f, unsigned next, unsigned len8);
void frag6(frame *f, unsigned next, unsigned offset8, int more);
/* TCP header with doff 32-bit words (options are NOPs); flags is 12 bits. */
void tcp(frame *f, unsigned sport, unsigned dport, uint32_t seq, uint32_t ack,
         unsigned doff, unsigned flags, unsigned window);

/* Where --write-seeds puts every frame that decodes (NULL: nowhere). */
extern const char *seed_dir;

/* Decode the first caplen bytes of f (a heap copy of exactly that size). */
int decode(int link, const frame *f, size_t caplen, tcpl_wire_tcp *w);

extern const uint8_t v4src[4], v4dst[4], v6src[16], v6dst[16];
void check_v4_addrs(const tcpl_wire_tcp *w);
void check_v6_addrs(const tcpl_wire_tcp *w);

/* Every prefix of f cut before hdr_end is TRUNCATED; every longer one
 * decodes to the header the whole frame gives. */
void check_prefixes(int link, const frame *f, size_t hdr_end);

/* For the encapsulation tests: carriers 192.0.2.1 -> 192.0.2.2 (IPv4,
 * total_len bytes, frag: flags and offset as in the header) and
 * 2001:db8:ffff::1 -> ::2 (IPv6); a UDP header; the inner segments, which
 * are 10.0.0.1:40000 -> 10.0.0.2:80 with 5 bytes (inner4), the same after
 * an Ethernet header (inner_eth4), and 2001:db8::1:40001 -> ::2:443 with 3
 * bytes (inner6); checks of those, and of the encapsulation's text. */
#define INNER4_LEN (20 + 20 + 5)
#define INNER6_LEN (40 + 20 + 3)
void outer4(frame *f, unsigned total_len, unsigned frag, unsigned proto);
void outer6(frame *f, unsigned payload_len, unsigned next);
void udp(frame *f, unsigned sport, unsigned dport, unsigned len);
void inner4(frame *f);
void inner6(frame *f);
void inner_eth4(frame *f);
void check_inner4(const tcpl_wire_tcp *w);
void check_inner6(const tcpl_wire_tcp *w);
void check_encap(const tcpl_wire_tcp *w, const char *want);

#endif /* TCPL_WIRE_TEST_H */
