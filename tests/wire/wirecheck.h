/*
 * wirecheck.h - shared by the decoder's unit tests (test_wire.c for TCP,
 * test_wire_icmp.c for ICMP errors): check macros, a frame builder whose
 * every byte comes from a field value written in the test, and decode(),
 * which also writes each frame that decodes as a libFuzzer seed.
 */
#ifndef TCPL_TESTS_WIRECHECK_H
#define TCPL_TESTS_WIRECHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcpl/wire.h"

extern int failures;
extern int checks;
extern const char *current;
extern const char *seed_dir;
extern const uint8_t v4src[4], v4dst[4], v6src[16], v6dst[16];

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
void eth(frame *f, unsigned ethertype);
void vlan_tag(frame *f, unsigned vid, unsigned inner_type);
void ipv4(frame *f, unsigned ihl, unsigned total_len, unsigned frag,
          unsigned proto);
void ipv6(frame *f, unsigned payload_len, unsigned next);
void ext8(frame *f, unsigned next, unsigned len8);
void frag6(frame *f, unsigned next, unsigned offset8, int more);
void tcp(frame *f, unsigned sport, unsigned dport, uint32_t seq, uint32_t ack,
         unsigned doff, unsigned flags, unsigned window);
/* Decode a heap copy of caplen bytes; a whole frame that decodes (TCP or
 * ICMP) is written as a seed when seeds are asked for. */
int decode(int link, const frame *f, size_t caplen, tcpl_wire_tcp *w);
void check_v4_addrs(const tcpl_wire_tcp *w);
void check_v6_addrs(const tcpl_wire_tcp *w);
void check_prefixes(int link, const frame *f, size_t hdr_end);

#endif /* TCPL_TESTS_WIRECHECK_H */
