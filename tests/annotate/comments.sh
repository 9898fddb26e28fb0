#!/bin/sh
# comments.sh - comments already in a pcapng input are kept, before ours,
# on the packets that had them (TCP or not), and annotating an annotated
# file again keeps every earlier comment (several per packet).
#
# usage: comments.sh TCP_LIFECYCLE MKCAP
. "$(dirname "$0")/lib.sh"
cli=$1 mkcap=$2

"$mkcap" eth "$work/in.pcap" || die "mkcap failed"
"$cli" annotate "$work/in.pcap" "$work/plain.pcapng" || die "annotate of the plain input failed"

# Frame 2 is the first SYN, frame 1 an ARP packet (mkcap's story).
editcap -a '2:trainer: the handshake starts here' -a '1:an ARP, not TCP' \
    "$work/in.pcap" "$work/in.pcapng" 2>"$work/err" || die "editcap -a failed: $(cat "$work/err")"
n=$(stock_tshark -r "$work/in.pcapng" -Y frame.comment | wc -l)
[ "$n" -eq 2 ] || die "editcap made $n commented packets, not 2"

"$cli" annotate "$work/in.pcapng" "$work/once.pcapng" || fail "annotate of a commented pcapng failed"
"$cli" annotate "$work/once.pcapng" "$work/twice.pcapng" || fail "annotate of an annotated file failed"

# -T fields joins several comments of a packet with ','; our comments
# contain no ',' and the trainer's none either.
for f in plain once twice; do
    stock_tshark -r "$work/$f.pcapng" -T fields -E separator=/t \
        -e frame.number -e frame.comment >"$work/$f.txt"
done
ours2=$(awk -F'\t' '$1 == 2 { print $2 }' "$work/plain.txt")
[ -n "$ours2" ] || fail "no comment of ours on frame 2 of the plain input"

got=$(awk -F'\t' '$1 == 2 { print $2 }' "$work/once.txt")
[ "$got" = "trainer: the handshake starts here,$ours2" ] ||
    fail "frame 2 after one pass: '$got'"
got=$(awk -F'\t' '$1 == 1 { print $2 }' "$work/once.txt")
[ "$got" = "an ARP, not TCP" ] || fail "frame 1 (ARP) after one pass: '$got'"
got=$(awk -F'\t' '$1 == 2 { print $2 }' "$work/twice.txt")
[ "$got" = "trainer: the handshake starts here,$ours2,$ours2" ] ||
    fail "frame 2 after two passes: '$got'"

# Every other packet: the plain annotation, once per pass.
bad=$(awk -F'\t' 'FILENAME ~ /plain/ { p[$1] = $2; next }
    $1 > 2 && $2 != (p[$1] == "" ? "" : p[$1] "," p[$1]) { print $1 }' \
    "$work/plain.txt" "$work/twice.txt" | head -n 5)
[ -z "$bad" ] || fail "frames whose comments changed in the second pass: $bad"

# Timestamps of a pcapng input (if_tsresol 9 from our own writer) survive.
stock_tshark -r "$work/in.pcap" -T fields -e frame.time_epoch -e frame.len >"$work/t0"
stock_tshark -r "$work/twice.pcapng" -T fields -e frame.time_epoch -e frame.len >"$work/t2"
cmp -s "$work/t0" "$work/t2" || fail "times or lengths changed over two passes"
finish
