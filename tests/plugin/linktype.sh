#!/bin/sh
# linktype.sh - the same traffic seen on Ethernet (tcpdump -i lo) and
# through Linux cooked captures v1 and v2 (tcpdump -i any) gives the same
# per-packet and stream fields.  The three files in data/ were recorded
# at the same time from one loopback exchange (IPv4 and IPv6 connections
# and a refused one).
. "$(dirname "$0")/common.sh"
need_plugin

fields="-e tcp.lifecycle.src_state -e tcp.lifecycle.dst_state
 -e tcp.lifecycle.role -e tcp.lifecycle.transition -e tcp.lifecycle.anomaly
 -e tcp.lifecycle.stream.client_state -e tcp.lifecycle.stream.server_state
 -e tcp.lifecycle.stream.anomaly"
for l in ethernet sll sll2; do
    in=$(input "$TCPL_SOURCE_DIR/tests/plugin/data/linktype-$l.pcap")
    # shellcheck disable=SC2086
    ts -2 -r "$in" -T fields -E occurrence=a $fields >"$tmp/$l.txt" 2>"$tmp/err.txt" ||
        fail "tshark failed on $l: $(head -c 2000 "$tmp/err.txt")"
    n=$(awk -F'\t' '$1 == ""' "$tmp/$l.txt" | wc -l)
    [ "$n" -eq 0 ] || fail "$l: $n TCP frames without tcp.lifecycle fields"
done
[ -s "$tmp/ethernet.txt" ] || fail "no output"
for l in sll sll2; do
    cmp -s "$tmp/ethernet.txt" "$tmp/$l.txt" ||
        fail "$l differs from Ethernet: $(diff "$tmp/ethernet.txt" "$tmp/$l.txt" | head -n 10)"
done
echo "PASS: $(wc -l <"$tmp/ethernet.txt") frames agree across Ethernet, SLL, SLL2"
