#!/bin/sh
# prefs.sh - thresholds are preferences settable with -o.
#
# On a capture that shows a CLOSE_WAIT stall: flagged with the default
# (1 s); gone with -o tcp_lifecycle.close_wait_stall:100; back with a
# fractional 0.5; an invalid value is reported, not taken.
. "$(dirname "$0")/common.sh"
need_plugin

caps=$(captures_with close_wait_stall | head -n 1)
[ -n "$caps" ] || fail "no capture in captures/ expects close_wait_stall"

# count CAPTURE ARGS...: frames whose per-packet or stream anomalies name
# close_wait_stall, two-pass.
count() {
    c=$1
    shift
    ts -2 "$@" -r "$c" -T fields -E occurrence=a -e tcp.lifecycle.anomaly \
        -e tcp.lifecycle.stream.anomaly -e tcp.lifecycle.src_state >"$tmp/out.txt" 2>"$tmp/err.txt" ||
        fail "tshark $* failed: $(head -c 2000 "$tmp/err.txt")"
    awk -F'\t' '$3 == "" { next } { seen = 1 } /close_wait_stall/ { n++ }
        END { if (!seen) exit 1; print n + 0 }' "$tmp/out.txt" ||
        fail "no frame carries tcp.lifecycle fields"
}

for c in $caps; do
    in=$(input "$c")
    name=$(basename "$c")
    d=$(count "$in")
    [ "$d" -gt 0 ] || fail "$name: close_wait_stall not flagged with the default threshold"
    h=$(count "$in" -o tcp_lifecycle.close_wait_stall:100)
    [ "$h" -eq 0 ] || fail "$name: close_wait_stall still flagged with a 100 s threshold ($h frames)"
    f=$(count "$in" -o tcp_lifecycle.close_wait_stall:0.5)
    [ "$f" -gt 0 ] || fail "$name: close_wait_stall not flagged with a 0.5 s threshold"
    echo "ok   $name: default $d frames, 100 s: $h, 0.5 s: $f"
done

ts -r "$in" -o tcp_lifecycle.close_wait_stall:abc -c 1 -T fields -e frame.number \
    >/dev/null 2>"$tmp/err.txt"
grep -q 'close_wait_stall.*not a number' "$tmp/err.txt" ||
    fail "an invalid threshold was not reported: $(cat "$tmp/err.txt")"
echo "PASS"
