/*
 * wire_csum.c - verify the checksums of a decoded TCP segment (implements
 * tcpl_wire_checksum() of tcpl/wire.h).
 *
 * Kept out of the decoder's walk: most captures are taken where checksums
 * are right or, on the sending host, where the NIC fills them in after the
 * capture point, so summing every byte of every payload would cost the
 * common case for nothing.  Callers that want it (an opt-in, as in tshark
 * and the opposite of Zeek's default) ask after decoding, while the frame
 * is still in memory.  The sum is RFC 1071's ones' complement sum; the
 * pseudo-header is RFC 9293's for IPv4 and RFC 8200's for IPv6.
 */
#include "wire_int.h"

/* Add n bytes at p to a running 32-bit sum of big-endian 16-bit words;
 * an odd last byte is padded with zero, as RFC 1071 says. */
static uint32_t sum_bytes(uint32_t sum, const uint8_t *p, size_t n)
{
    while (n >= 2) {
        sum += (uint32_t)((p[0] << 8) | p[1]);
        p += 2;
        n -= 2;
        /* Fold early so a 64 KiB segment cannot overflow. */
        if (sum & 0x80000000u)
            sum = (sum & 0xFFFF) + (sum >> 16);
    }
    if (n)
        sum += (uint32_t)(p[0] << 8);
    return sum;
}

/* The folded sum is 0xFFFF exactly when the checksum field was right. */
static int sums_to_ones(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return sum == 0xFFFF;
}

int tcpl_wire_checksum(const tcpl_wire_tcp *w)
{
    size_t hlen, seg;
    uint32_t sum;

    if (w->icmp || w->ip_hdr == NULL || w->tcp_hdr == NULL ||
        w->frag.ip != NULL || w->cap_len < w->len)
        return TCPL_CSUM_UNCHECKED;
    hlen = (size_t)(w->tcp_hdr[12] >> 4) * 4;
    seg = hlen + w->len;
    if (w->family == 4) {
        size_t ihl = (size_t)(w->ip_hdr[0] & 0x0F) * 4;
        if (!sums_to_ones(sum_bytes(0, w->ip_hdr, ihl)))
            return TCPL_CSUM_BAD_IP;
        sum = sum_bytes(0, w->src, 4);
        sum = sum_bytes(sum, w->dst, 4);
    } else {
        sum = sum_bytes(0, w->src, 16);
        sum = sum_bytes(sum, w->dst, 16);
        /* The upper-layer length is 32 bits here. */
        sum += (uint32_t)(seg >> 16);
    }
    sum += 6; /* protocol TCP, zero-padded */
    sum += (uint32_t)(seg & 0xFFFF);
    sum = sum_bytes(sum, w->tcp_hdr, seg);
    return sums_to_ones(sum) ? TCPL_CSUM_OK : TCPL_CSUM_BAD_TCP;
}
