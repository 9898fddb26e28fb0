#!/bin/sh
# filter.sh - anomalies and states filter as strings.
#
# `tcp.lifecycle.anomaly == "refused"` must find the RST that refused the
# connection, in one pass and in two; `tcp.lifecycle.state` matches either
# endpoint's state.
. "$(dirname "$0")/common.sh"
need_plugin

caps=$(captures_with refused | head -n 1)
[ -n "$caps" ] || fail "no capture in captures/ expects refused"
caps="$caps $TCPL_SOURCE_DIR/tests/plugin/data/linktype-ethernet.pcap"
for c in $caps; do
    in=$(input "$c")
    for pass in "" -2; do
        # shellcheck disable=SC2086
        ts $pass -r "$in" -Y 'tcp.lifecycle.anomaly == "refused"' \
            -T fields -e frame.number -e tcp.flags.reset -e tcp.lifecycle.anomaly \
            >"$tmp/out.txt" 2>"$tmp/err.txt" ||
            fail "tshark $pass failed on $c: $(head -c 2000 "$tmp/err.txt")"
        n=$(wc -l <"$tmp/out.txt")
        [ "$n" -ge 1 ] || fail "$(basename "$c") $pass: no frame matches anomaly == \"refused\""
        awk -F'\t' '$2 != "1" && $2 != "True" { exit 1 }' "$tmp/out.txt" ||
            fail "$(basename "$c") $pass: a non-RST frame flagged refused: $(cat "$tmp/out.txt")"
        echo "ok   $(basename "$c") ${pass:-(one pass)}: $n frame(s) refused"
    done
done

# Both endpoints' states are under tcp.lifecycle.state: a frame whose
# sender is in SYN_SENT and receiver in CLOSED matches both.
in=$(input "$TCPL_SOURCE_DIR/tests/plugin/data/linktype-ethernet.pcap")
ts -r "$in" -Y 'tcp.lifecycle.state == "SYN_SENT" && tcp.lifecycle.state == "CLOSED"' \
    -T fields -e frame.number -e tcp.flags.syn >"$tmp/out.txt" 2>"$tmp/err.txt" ||
    fail "tshark failed: $(head -c 2000 "$tmp/err.txt")"
[ -s "$tmp/out.txt" ] || fail "tcp.lifecycle.state does not match both endpoints"
ts -r "$in" -Y 'tcp.lifecycle.anomaly == "no_such_anomaly"' -T fields -e frame.number \
    >"$tmp/out.txt" 2>"$tmp/err.txt" || fail "tshark failed: $(head -c 2000 "$tmp/err.txt")"
[ ! -s "$tmp/out.txt" ] || fail "a filter on an unknown anomaly matched"
echo "PASS"
