#!/bin/sh
# make-capture.sh - record the large benchmark capture from real kernel traffic.
#
# The speed targets of the plugin and the post-processor are stated for a
# capture of at least 250k packets and thousands of connections, made by the
# Linux stack rather than synthesised.  This script builds bench/loadgen.c,
# runs it inside a private network namespace (tcpl-bench, removed on exit)
# while tcpdump records the namespace's loopback, and checks the result.
# Loopback gets an Ethernet-sized MTU and one segment per GSO packet, so the
# capture shows the segments a real 1500-byte path would carry instead of
# 64 KB loopback super-packets.  Snaplen 128 keeps every header and little
# payload.  Run as root.  Output: build-bench/bench.pcap, or the path given.
#
# usage: bench/make-capture.sh [OUT.pcap] [-- LOADGEN OPTIONS...]
# env:   MIN_PACKETS (default 250000), CC (default cc)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
out=$top/build-bench/bench.pcap
if [ $# -gt 0 ] && [ "$1" != "--" ]; then out=$1; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
min_packets=${MIN_PACKETS:-250000}
ns=tcpl-bench

die() { echo "make-capture.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (it creates a network namespace and captures)"
for tool in ip tcpdump capinfos tshark ${CC:-cc}; do
    command -v "$tool" >/dev/null || die "needs $tool (apt-get install iproute2 tcpdump tshark gcc)"
done

outdir=$(dirname "$out")
mkdir -p "$outdir"
tmp=$(mktemp -d "$outdir/.capture.XXXXXX")
tcpdump_pid=
cleanup() {
    if [ -n "$tcpdump_pid" ]; then kill "$tcpdump_pid" 2>/dev/null || true; fi
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

"${CC:-cc}" -std=c11 -O2 -Wall -Wextra -pthread -o "$tmp/loadgen" "$here/loadgen.c"

ip netns del "$ns" 2>/dev/null || true
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" ip link set lo mtu 1500
ip netns exec "$ns" ip link set lo gso_max_segs 1

# -Z root: Debian's tcpdump otherwise drops to user tcpdump, which may not
# write here.  -B: a big buffer so the burst does not overrun it.
ip netns exec "$ns" tcpdump -i lo -n -s 128 -B 65536 -Z root -w "$tmp/cap.pcap" \
    'tcp' 2>"$tmp/tcpdump.err" &
tcpdump_pid=$!
i=0
until grep -q 'listening on' "$tmp/tcpdump.err" 2>/dev/null; do
    i=$((i + 1))
    [ $i -lt 100 ] || { cat "$tmp/tcpdump.err" >&2; die "tcpdump did not start"; }
    kill -0 "$tcpdump_pid" 2>/dev/null || { cat "$tmp/tcpdump.err" >&2; die "tcpdump exited"; }
    sleep 0.1
done

start=$(date +%s.%N)
rc=0
ip netns exec "$ns" "$tmp/loadgen" "$@" || rc=$?
end=$(date +%s.%N)
# Late FINs and ACKs of the last closes, then stop the capture cleanly.
sleep 1
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" || true
tcpdump_pid=
grep -E 'captured|received|dropped' "$tmp/tcpdump.err" | sed 's/^/tcpdump: /' >&2
[ "$rc" = 0 ] || die "loadgen failed (exit $rc)"
dropped=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$tmp/tcpdump.err")
[ "${dropped:-0}" = 0 ] || echo "make-capture.sh: warning: tcpdump dropped $dropped packets" >&2

packets=$(capinfos -M -c -T -r "$tmp/cap.pcap" | cut -f2)
# Connections = SYNs without ACK; a 4-tuple seen in more than one SYN is
# either a retransmitted SYN or the kernel reusing a TIME_WAIT 4-tuple
# (tcp_tw_reuse applies to loopback by default), which is real and welcome.
tshark -n -r "$tmp/cap.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields \
    -e ip.src -e ipv6.src -e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport \
    2>/dev/null >"$tmp/syns.txt"
syns=$(wc -l <"$tmp/syns.txt")
tuples=$(sort -u "$tmp/syns.txt" | wc -l)
bytes=$(stat -c %s "$tmp/cap.pcap")
[ "$packets" -ge "$min_packets" ] ||
    die "only $packets packets (< $min_packets): raise loadgen's -n (e.g. -- -n 12000)"

mv "$tmp/cap.pcap" "$out"
chmod 644 "$out"
printf 'capture      %s\n' "$out"
printf 'packets      %s\n' "$packets"
printf 'connections  %s SYNs without ACK, on %s distinct 4-tuples\n' "$syns" "$tuples"
printf 'size         %s bytes\n' "$bytes"
awk -v s="$start" -v e="$end" 'BEGIN { printf "load time    %.1f s\n", e - s }'
