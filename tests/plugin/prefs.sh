#!/bin/sh
# prefs.sh - thresholds are preferences settable with -o, checked on entry.
#
# On a capture that shows a CLOSE_WAIT stall: flagged with the default
# (1000 ms); gone with -o tcp_lifecycle.close_wait_stall_ms:100000; back
# with 500 ms.  Thresholds are unsigned preferences, so Wireshark itself
# refuses a value that is not a number ("abc", "-5", "0.5") where it is
# entered: tshark -o fails, the GUI's field does not take it.  The seconds
# preferences of earlier versions are obsolete: -o with them fails loudly.
# The transition tags of the Info column are off unless asked for.
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
    h=$(count "$in" -o tcp_lifecycle.close_wait_stall_ms:100000)
    [ "$h" -eq 0 ] || fail "$name: close_wait_stall still flagged with a 100 s threshold ($h frames)"
    f=$(count "$in" -o tcp_lifecycle.close_wait_stall_ms:500)
    [ "$f" -gt 0 ] || fail "$name: close_wait_stall not flagged with a 500 ms threshold"
    echo "ok   $name: default $d frames, 100 s: $h, 500 ms: $f"
done

for bad in close_wait_stall_ms:abc close_wait_stall_ms:-5 syn_timeout_ms:0.5 \
    zero_window_stall_ms: close_wait_stall:5; do
    if ts -r "$in" -o "tcp_lifecycle.$bad" -c 1 -T fields -e frame.number \
        >/dev/null 2>"$tmp/err.txt"; then
        fail "-o tcp_lifecycle.$bad was taken"
    fi
    grep -q "tcp_lifecycle" "$tmp/err.txt" ||
        fail "-o tcp_lifecycle.$bad refused without saying why: $(cat "$tmp/err.txt")"
    echo "ok   -o tcp_lifecycle.$bad refused: $(head -n 1 "$tmp/err.txt")"
done

# Transition tags: none by default, there with the preference.
info_col -r "$in" 2>"$tmp/err.txt" | cut -f2- >"$tmp/off.txt" ||
    fail "tshark failed: $(head -c 2000 "$tmp/err.txt")"
! grep -q 'ESTABLISHED' "$tmp/off.txt" || fail "transition tags without the preference"
info_col -r "$in" -o tcp_lifecycle.tag_transitions:TRUE 2>"$tmp/err.txt" | cut -f2- \
    >"$tmp/on.txt" || fail "tshark failed: $(head -c 2000 "$tmp/err.txt")"
grep -q '^\[TCP lifecycle: client SYN_SENT' "$tmp/on.txt" ||
    fail "no transition tag with tag_transitions on: $(head -n 3 "$tmp/on.txt")"
echo "PASS"
