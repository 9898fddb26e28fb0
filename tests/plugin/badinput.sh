#!/bin/sh
# badinput.sh - fuzzed and truncated captures never crash or hang tshark.
#
# Every capture is fuzzed with Wireshark's own method (editcap -E 0.02,
# fixed seeds so a failure reproduces; half of the rounds spare the
# Ethernet header so more damage lands in IP and TCP) and cut to small
# snap lengths (editcap -s), then read with the plugin in two passes with
# a full tree (every field drawn) and in one pass.  In the sanitizer build
# the plugin is instrumented and the ASan runtime preloaded, so an invalid
# read (exit 86) or undefined behaviour (UBSan report) fails the run; a run
# over the time limit fails as a hang.  Timestamps shifted centuries away
# test the time arithmetic.
. "$(dirname "$0")/common.sh"
need_plugin

set -- "$TCPL_SOURCE_DIR"/captures/*.pcap "$TCPL_SOURCE_DIR"/tests/plugin/data/*.pcap
srcs=
for f; do [ -f "$f" ] && srcs="$srcs $f"; done
[ -n "$srcs" ] || fail "no captures"

# All captures in one file, then every damaged variant of it concatenated
# into one file per kind: two tshark runs per kind keep the suite fast, and
# 4-tuples recurring across copies add port reuse to the mix.
mkdir -p "$tmp/bad"
# shellcheck disable=SC2086
mergecap -a -F pcapng -w "$tmp/bad/all.pcapng" $srcs || fail "mergecap failed"
variant() { # variant OUT EDITCAP-ARGS...
    out=$1
    shift
    editcap "$@" "$tmp/bad/all.pcapng" "$tmp/bad/$out" >/dev/null 2>&1 ||
        fail "editcap $* failed"
}
variant f1 -E 0.02 --seed 1
variant f2 -E 0.02 --seed 2
variant f3 -E 0.02 -o 14 --seed 3
variant f4 -E 0.02 -o 14 --seed 4
for snap in 40 54 60 80; do
    variant "s$snap" -s "$snap"
done
# Timestamps far from now (pcapng holds 64 bits of them): nanosecond
# arithmetic must not overflow.
variant t1 -F pcapng -t 20000000000
variant t2 -F pcapng -t -20000000000
(cd "$tmp/bad" && mergecap -a -F pcapng -w fuzz.pcapng f1 f2 f3 f4 &&
    mergecap -a -F pcapng -w snap.pcapng s40 s54 s60 s80 &&
    mergecap -a -F pcapng -w time.pcapng t1 t2) || fail "mergecap failed"
chmod 644 "$tmp"/bad/*.pcapng
kinds="fuzz snap time"

check_rc() { # check_rc RC WHAT
    case $1 in
        0) ;;
        124) fail "$2: tshark hung (over ${TCPL_TIMEOUT} s)" ;;
        86) fail "$2: AddressSanitizer report: $(grep -A 12 'ERROR: AddressSanitizer' "$tmp/err.txt" | head -n 14)" ;;
        *) fail "$2: tshark exited $1: $(tail -c 2000 "$tmp/err.txt")" ;;
    esac
    if grep -q 'runtime error:\|ERROR: AddressSanitizer' "$tmp/err.txt"; then
        fail "$2: sanitizer report: $(grep -A 5 'runtime error:\|ERROR: AddressSanitizer' "$tmp/err.txt" | head -n 12)"
    fi
}

for k in $kinds; do
    f=$tmp/bad/$k.pcapng
    ts -2 -V -r "$f" >/dev/null 2>"$tmp/err.txt"
    check_rc $? "$k (two passes, full tree)"
    ts -r "$f" -T fields -e tcp.lifecycle.src_state -e tcp.lifecycle.anomaly \
        -e tcp.lifecycle.stream.anomaly -e tcp.lifecycle.transition \
        >"$tmp/out.txt" 2>"$tmp/err.txt"
    check_rc $? "$k (one pass)"
    n=$(awk -F'\t' '$1 != ""' "$tmp/out.txt" | wc -l)
    case $k in
        *) [ "$n" -gt 0 ] || fail "$k: no frame was stepped, so nothing was tested" ;;
    esac
    echo "ok   $k: $(wc -l <"$tmp/out.txt") frames, $n stepped"
done
echo "PASS"
