#!/bin/sh
# optional_columns.sh TOOL GOOD_EXPORT
# Without the optional columns (tcp.stream, tcp.window_size_value, the IPv6
# pair) and with relative tcp.seq/tcp.ack instead of the raw ones, report
# still works: exit 0, one note per missing column on stderr, the same
# connections and final states as from the full export.
set -u
tool=$1 good=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Keep frame, time, ip pair, ports, flags, seq, ack, len; rename the raw
# sequence columns to the relative names (values stay consistent per
# direction, which is all the engine needs).
cut -f1-4,7-8,10-13 "$good" | sed '1s/tcp.seq_raw/tcp.seq/; 1s/tcp.ack_raw/tcp.ack/' > "$work/in.tsv"
"$tool" report --format csv "$work/in.tsv" > "$work/out.csv" 2> "$work/err"
rc=$?
cat "$work/err"
[ $rc = 0 ] || { echo "expected exit 0, got $rc"; exit 1; }
for note in 'no ipv6.src/ipv6.dst columns' 'no tcp.stream column' \
            'no tcp.window_size_value column' 'using relative tcp.seq/tcp.ack'; do
    grep -q "note: $note" "$work/err" || { echo "missing note: $note"; exit 1; }
done
# IPv4 streams of the full export, compared on client, server and finals.
"$tool" report --format csv "$good" > "$work/full.csv" || exit 1
pick() { awk -F, 'NR > 1 && $4 !~ /^\[/ { print $4, $5, $13, $14 }' "$1"; }
pick "$work/full.csv" > "$work/a"
pick "$work/out.csv" > "$work/b"
[ -s "$work/a" ] || { echo "no IPv4 stream in $good"; exit 1; }
diff -u "$work/a" "$work/b"
