#!/bin/sh
# jobs.sh - `report --jobs N` writes byte for byte what `--jobs 1` writes:
# standard output, standard error and exit status, in every format.
#
# Inputs: every capture of captures/ as one many-file run, then a merged
# set (all captures merged into one, next to a few of them, a capture cut
# mid-packet and a file that is not a capture, so that errors and their
# order are compared too), then tshark exports through the export path.
# N is 2, 3 and more than there are files.
#
# usage: jobs.sh TCP_LIFECYCLE CAPTURES_DIR
. "$(dirname "$0")/lib.sh"
cli=$1 capdir=$2

set --
for c in "$capdir"/*.pcap; do
    [ -f "$c" ] || continue
    set -- "$@" "$c"
done
[ $# -gt 1 ] || die "fewer than two captures in $capdir"
all="$*"
mergecap -F pcap -w "$work/merged.pcap" "$@" || die "mergecap failed"
size=$(wc -c <"$capdir/port_reuse.pcap")
head -c $((size - 7)) "$capdir/port_reuse.pcap" >"$work/cut.pcap"
echo "not a capture" >"$work/junk.pcap"
mixed="$work/merged.pcap $capdir/refused.pcap $work/cut.pcap $work/junk.pcap $capdir/zero_window.pcap"

compare() { # LABEL ARGS...: --jobs 1 against 2, 3 and 64
    label=$1
    shift
    rc1=0
    "$cli" report --jobs 1 "$@" >"$work/o1" 2>"$work/e1" || rc1=$?
    [ -s "$work/o1" ] || fail "$label: --jobs 1 wrote nothing"
    for n in 2 3 64; do
        rc=0
        "$cli" report --jobs $n "$@" >"$work/o" 2>"$work/e" || rc=$?
        [ "$rc" = "$rc1" ] || fail "$label: --jobs $n exits $rc, --jobs 1 $rc1"
        cmp -s "$work/o1" "$work/o" ||
            fail "$label: --jobs $n output differs: $(cmp "$work/o1" "$work/o" 2>&1)"
        cmp -s "$work/e1" "$work/e" ||
            fail "$label: --jobs $n messages differ:
$(diff "$work/e1" "$work/e" | head -n 4)"
    done
    echo "$me: $label: identical (exit $rc1, $(wc -c <"$work/o1") bytes)"
}

for fmt in text csv json; do
    # shellcheck disable=SC2086
    compare "every capture, $fmt" --pcap --format "$fmt" $all
    # shellcheck disable=SC2086
    compare "merged set and bad files, $fmt" --pcap --format "$fmt" $mixed
done
# shellcheck disable=SC2086
compare "every capture, --anomalies-only --max-connections 2" --pcap --format json \
    --anomalies-only --max-connections 2 $all
[ "$rc1" = 0 ] || fail "every capture: exit $rc1"

# The export path: tshark exports of a few captures and of the merged set.
# A first file that makes no section: the next one is the first section
# (no separator before it in text), which its process could not know.
compare "unreadable first file, text" --pcap "$work/junk.pcap" "$capdir/refused.pcap" \
    "$capdir/zero_window.pcap"

# shellcheck disable=SC2046
set -- $("$cli" fields)
exports=
for c in "$work/merged.pcap" "$capdir/refused.pcap" "$capdir/close_wait_stall.pcap"; do
    e=$work/$(basename "$c" .pcap).tsv
    stock_tshark -r "$c" -T fields -E header=y -E separator=/t "$@" >"$e" ||
        die "tshark export of $c failed"
    exports="$exports $e"
done
# shellcheck disable=SC2086
compare "exports, text" $exports
# shellcheck disable=SC2086
compare "exports, json" --format json $exports
finish
