#!/bin/sh
# passes.sh - one pass and two passes show the same per-packet fields.
#
# Per-packet results are computed once, on the first pass, and stored; the
# second pass of tshark -2 (like any GUI redraw) must draw exactly them.
# One addition is allowed: on a lifecycle's last packet, two passes also
# list (after the packet's own) the anomalies only the capture's end
# revealed; tcp.lifecycle.anomaly is last, so one pass's line must be a
# prefix of two passes' line.
# Every capture of captures/ and of tests/plugin/data/ is concatenated into
# one file: 4-tuples that recur across captures then also exercise port
# reuse and timestamps that go backwards.
. "$(dirname "$0")/common.sh"
need_plugin

set -- "$TCPL_SOURCE_DIR"/captures/*.pcap "$TCPL_SOURCE_DIR"/tests/plugin/data/*.pcap
files=
for f; do [ -f "$f" ] && files="$files $(input "$f")"; done
[ -n "$files" ] || fail "no captures"
# shellcheck disable=SC2086
mergecap -a -F pcapng -w "$tmp/all.pcapng" $files || fail "mergecap failed"
chmod 644 "$tmp/all.pcapng"

fields="-e frame.number -e tcp.lifecycle.state -e tcp.lifecycle.src_state
 -e tcp.lifecycle.dst_state -e tcp.lifecycle.client_state
 -e tcp.lifecycle.server_state -e tcp.lifecycle.role
 -e tcp.lifecycle.role_guessed -e tcp.lifecycle.transition
 -e tcp.lifecycle.time_in_state -e tcp.lifecycle.anomaly"
# shellcheck disable=SC2086
ts -r "$tmp/all.pcapng" -T fields -E occurrence=a $fields >"$tmp/one.txt" 2>"$tmp/one.err" ||
    fail "one-pass tshark failed: $(head -c 2000 "$tmp/one.err")"
# shellcheck disable=SC2086
ts -2 -r "$tmp/all.pcapng" -T fields -E occurrence=a $fields >"$tmp/two.txt" 2>"$tmp/two.err" ||
    fail "two-pass tshark failed: $(head -c 2000 "$tmp/two.err")"

n=$(awk -F'\t' '$3 != ""' "$tmp/one.txt" | wc -l)
[ "$n" -gt 0 ] || fail "no frame carries tcp.lifecycle fields"
[ "$(wc -l <"$tmp/one.txt")" = "$(wc -l <"$tmp/two.txt")" ] ||
    fail "one and two passes print different numbers of frames"
paste -d '\n' "$tmp/one.txt" "$tmp/two.txt" | awk '
    NR % 2 { one = $0; next }
    substr($0, 1, length(one)) != one { print "one: " one; print "two: " $0; bad++ }
    $0 != one { extra++ }
    END { printf "%d frame(s) with end-of-capture anomalies\n", extra; exit bad > 0 }' \
    >"$tmp/cmp.txt" || { head -n 20 "$tmp/cmp.txt"; fail "per-packet fields differ between one and two passes"; }
echo "PASS: $n frames agree between one and two passes; $(tail -n 1 "$tmp/cmp.txt")"
