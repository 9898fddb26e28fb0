#!/bin/sh
# report_pcap.sh - `report --pcap CAP` gives the same JSON report as the
# tshark-export path (`tshark -T fields $(tcp-lifecycle fields)` then
# `report`) on every capture in captures/ and on mkcap's captures.  Only
# what names the input differs: the file name, its kind, and "lines"
# (an export counts its header line too).
#
# usage: report_pcap.sh TCP_LIFECYCLE MKCAP CAPTURES_DIR [STRIDE]
# With STRIDE n > 1 (the sanitizer build) only every n-th capture of
# captures/ is compared; the plain build compares all.
. "$(dirname "$0")/lib.sh"
cli=$1 mkcap=$2 capdir=$3 stride=${4:-1}

inputs=
for link in eth sll2 raw null; do
    "$mkcap" "$link" "$work/mk-$link.pcap" || die "mkcap $link failed"
    inputs="$inputs $work/mk-$link.pcap"
done
k=0
for c in "$capdir"/*.pcap "$capdir"/*.pcapng; do
    [ -f "$c" ] || continue
    k=$((k + 1))
    [ $(((k - 1) % stride)) -eq 0 ] || continue
    # A private copy: both paths must read the very same bytes even if
    # someone regenerates captures/ meanwhile.
    cp "$c" "$work/cap-$(basename "$c")"
    inputs="$inputs $work/cap-$(basename "$c")"
done
echo "$me: comparing on $(echo $inputs | wc -w) inputs ($k captures in $capdir)"
# shellcheck disable=SC2046
set -- $("$cli" fields)
[ $# -gt 4 ] || die "tcp-lifecycle fields printed '$*'"

normalize() {
    sed -e 's/^{"file":"[^"]*",/{/' -e 's/"kind":"[^"]*",//' \
        -e 's/"lines":[0-9]*,//' "$1"
}

for in in $inputs; do
    name=$(basename "$in")
    stock_tshark -r "$in" -T fields -E header=y -E separator=/t "$@" >"$work/export.tsv" ||
        { fail "$name: tshark export failed"; continue; }
    rc=0
    "$cli" report --format json "$work/export.tsv" >"$work/a.json" 2>"$work/a.err" || rc=$?
    [ "$rc" -eq 0 ] || fail "$name: report on the export exited $rc: $(head -n 2 "$work/a.err")"
    rc=0
    "$cli" report --pcap --format json "$in" >"$work/b.json" 2>"$work/b.err" || rc=$?
    [ "$rc" -eq 0 ] || fail "$name: report --pcap exited $rc: $(head -n 2 "$work/b.err")"
    n=$(grep -c '"stream":' "$work/b.json" || true)
    [ "$n" -gt 0 ] || fail "$name: report --pcap reported no connection"
    grep -q '"kind":"pcap"' "$work/b.json" || fail "$name: report --pcap does not say kind pcap"
    normalize "$work/a.json" >"$work/a.norm"
    normalize "$work/b.json" >"$work/b.norm"
    cmp -s "$work/a.norm" "$work/b.norm" ||
        fail "$name: reports differ:
$(diff "$work/a.norm" "$work/b.norm" | cut -c1-300 | head -n 4)"
done
finish
