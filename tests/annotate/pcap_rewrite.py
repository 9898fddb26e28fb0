#!/usr/bin/env python3
"""pcap_rewrite.py - rewrite an Ethernet pcap the way captures hide things.

Makes, from a real capture, the inputs capture_limits.sh needs:
  fill IN OUT            payloads the snapshot length cut are restored to
                         their IP length (zero bytes) and every IPv4 header
                         and TCP checksum is made right: a capture as a tap
                         with no snaplen would have taken it.
  corrupt IN OUT N       the TCP checksum of the N-th TCP packet (1-based)
                         made wrong, nothing else changed.
  frag IN OUT SIZE [reverse] [overlap]
                         every TCP/IP datagram whose IP payload exceeds SIZE
                         bytes (a multiple of 8) is sent as fragments of
                         SIZE data bytes, IPv4 or IPv6 (a fragment header),
                         all with the packet's timestamp; reverse: the
                         fragments of each datagram last first; overlap:
                         the first fragmented datagram also gets a piece
                         that overlaps its first one with other bytes.
  ipip IN OUT            every IPv4 frame's datagram (fragments too) put
                         inside an outer IPv4 header (protocol 4) between
                         192.0.2.1 and 192.0.2.2, one per direction.
Only classic little-endian pcap with Ethernet framing (the project's
captures/); anything else is refused.  Plain Python, no scapy.
"""
import struct
import sys


def read_pcap(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic, = struct.unpack_from('<I', data, 0)
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        sys.exit('pcap_rewrite: %s: not a little-endian classic pcap' % path)
    if struct.unpack_from('<I', data, 20)[0] != 1:
        sys.exit('pcap_rewrite: %s: not Ethernet' % path)
    head, recs, off = data[:24], [], 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack_from('<IIII', data, off)
        recs.append([sec, frac, orig, bytearray(data[off + 16:off + 16 + incl])])
        off += 16 + incl
    return head, recs


def write_pcap(path, head, recs):
    with open(path, 'wb') as f:
        # The snaplen field: large enough for every packet now.
        f.write(head[:16] + struct.pack('<I', 262144) + head[20:])
        for sec, frac, orig, b in recs:
            f.write(struct.pack('<IIII', sec, frac, len(b), max(orig, len(b))))
            f.write(bytes(b))


def ones(b):
    if len(b) % 2:
        b = bytes(b) + b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), bytes(b)))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def tcp_at(b):
    """(ip offset, version, tcp offset, ip end) of a TCP/IP frame, or None."""
    if len(b) < 14 or b[12:14] not in (b'\x08\x00', b'\x86\xdd'):
        return None
    ip = 14
    if b[12:14] == b'\x08\x00':
        if b[ip + 9] != 6 or struct.unpack_from('!H', b, ip + 6)[0] & 0x3FFF:
            return None
        ihl = (b[ip] & 15) * 4
        return ip, 4, ip + ihl, ip + struct.unpack_from('!H', b, ip + 2)[0]
    if b[ip + 6] != 6:
        return None
    return ip, 6, ip + 40, ip + 40 + struct.unpack_from('!H', b, ip + 4)[0]


def fix_sums(b):
    t = tcp_at(b)
    if not t:
        return
    ip, v, tcp, end = t
    seg = b[tcp:end]
    seg[16:18] = b'\0\0'
    if v == 4:
        b[ip + 10:ip + 12] = b'\0\0'
        b[ip + 10:ip + 12] = struct.pack('!H', ones(b[ip:tcp]))
        ph = bytes(b[ip + 12:ip + 20]) + struct.pack('!BBH', 0, 6, len(seg))
    else:
        ph = bytes(b[ip + 8:ip + 40]) + struct.pack('!I', len(seg)) + b'\0\0\0\x06'
    b[tcp + 16:tcp + 18] = struct.pack('!H', ones(ph + bytes(seg)))


def fill(recs):
    for r in recs:
        t = tcp_at(r[3])
        if t and len(r[3]) < t[3]:
            r[3] += bytes(t[3] - len(r[3]))
        r[2] = len(r[3])
        fix_sums(r[3])


def corrupt(recs, n):
    k = 0
    for r in recs:
        t = tcp_at(r[3])
        if t:
            k += 1
            if k == n:
                r[3][t[2] + 16] ^= 0x5A
                return
    sys.exit('pcap_rewrite: fewer than %d TCP packets' % n)


def fragments(b, size, ident):
    """The frames of b's datagram cut into size-byte pieces."""
    ip, v, tcp, end = tcp_at(b)
    eth = bytes(b[:14])
    if v == 4:
        hdr, data = bytes(b[ip:tcp]), bytes(b[tcp:end])
    else:
        hdr, data = bytes(b[ip:ip + 40]), bytes(b[ip + 40:end])
    out = []
    for lo in range(0, len(data), size):
        piece = data[lo:lo + size]
        more = lo + size < len(data)
        if v == 4:
            h = bytearray(hdr)
            struct.pack_into('!HHH', h, 2, len(h) + len(piece), ident,
                             (0x2000 if more else 0) | lo // 8)
            h[10:12] = b'\0\0'
            h[10:12] = struct.pack('!H', ones(h))
            out.append(bytearray(eth + bytes(h) + piece))
        else:
            h = bytearray(hdr)
            struct.pack_into('!H', h, 4, 8 + len(piece))
            h[6] = 44
            fh = struct.pack('!BBHI', 6, 0, lo | (1 if more else 0), ident)
            out.append(bytearray(eth + bytes(h) + fh + piece))
    return out


def frag(recs, size, reverse, overlap):
    new, ident = [], 0x4000
    for sec, frac, orig, b in recs:
        t = tcp_at(b)
        if not t or t[3] - t[2] <= size or len(b) < t[3]:
            new.append([sec, frac, orig, b])
            continue
        ident += 1
        fs = fragments(b, size, ident)
        if overlap:
            bad = bytearray(fs[0])
            bad[-1] ^= 0xFF  # the same place, other bytes
            fs.insert(1, bad)
            overlap = False
        if reverse:
            fs.reverse()
        new += [[sec, frac, len(f), f] for f in fs]
    return new


def ipip(recs):
    for r in recs:
        b = r[3]
        if len(b) < 34 or b[12:14] != b'\x08\x00':
            continue
        inner = bytes(b[14:])
        a, z = b'\xc0\x00\x02\x01', b'\xc0\x00\x02\x02'
        src, dst = (a, z) if inner[12:16] <= inner[16:20] else (z, a)
        h = bytearray(struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(inner),
                                  0, 0, 64, 4, 0, src, dst))
        h[10:12] = struct.pack('!H', ones(h))
        r[3] = bytearray(bytes(b[:14]) + bytes(h) + inner)
        r[2] += 20


def main(a):
    if len(a) < 3 or a[0] not in ('fill', 'corrupt', 'frag', 'ipip'):
        sys.exit(__doc__)
    head, recs = read_pcap(a[1])
    if a[0] == 'fill':
        fill(recs)
    elif a[0] == 'ipip':
        ipip(recs)
    elif a[0] == 'corrupt':
        corrupt(recs, int(a[3]))
    else:
        size = int(a[3])
        if size <= 0 or size % 8:
            sys.exit('pcap_rewrite: SIZE must be a positive multiple of 8')
        recs = frag(recs, size, 'reverse' in a[4:], 'overlap' in a[4:])
    write_pcap(a[2], head, recs)


if __name__ == '__main__':
    main(sys.argv[1:])
