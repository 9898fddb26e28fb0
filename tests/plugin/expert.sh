#!/bin/sh
# expert.sh - every anomaly is also an expert info, with its severity.
#
# tshark -z expert collects expert infos without building a tree; it must
# list the refused connection as a warning of our protocol, with the
# engine's plain-words text.  Per frame, every tcp.lifecycle.anomaly comes
# with an expert message.
. "$(dirname "$0")/common.sh"
need_plugin

caps=$(captures_with refused | head -n 1)
[ -n "$caps" ] || fail "no capture in captures/ expects refused"
caps="$caps $TCPL_SOURCE_DIR/tests/plugin/data/linktype-ethernet.pcap"
for c in $caps; do
    in=$(input "$c")
    name=$(basename "$c")
    for pass in "" -2; do
        # shellcheck disable=SC2086
        ts $pass -q -r "$in" -z expert >"$tmp/exp.txt" 2>"$tmp/err.txt" ||
            fail "tshark -z expert failed: $(head -c 2000 "$tmp/err.txt")"
        # The Warns section lists "count group protocol summary".
        awk '/^Warns/ { w = 1; next } /^[A-Z][a-z]+ \(/ { w = 0 }
             w && /TCP lifecycle/ && /SYN with a RST/ { f = 1 } END { exit !f }' "$tmp/exp.txt" ||
            fail "$name ${pass}: refused not listed as a warning: $(cat "$tmp/exp.txt")"
    done
    ts -r "$in" -Y tcp.lifecycle.anomaly -T fields -E occurrence=a -E aggregator='|' \
        -e tcp.lifecycle.anomaly -e _ws.expert.message >"$tmp/out.txt" 2>"$tmp/err.txt" ||
        fail "tshark failed: $(head -c 2000 "$tmp/err.txt")"
    [ -s "$tmp/out.txt" ] || fail "$name: no frame with an anomaly"
    awk -F'\t' '{ if (split($2, m, "|") < split($1, a, "|")) exit 1 }' "$tmp/out.txt" ||
        fail "$name: an anomaly without an expert message: $(cat "$tmp/out.txt")"
    echo "ok   $name"
done
echo "PASS"
