#!/bin/sh
# display.sh - what a user sees without expanding a packet, and the
# subtree lines when expanding one.
#
# - Info column: "[TCP lifecycle: <phrase>, ...] " before the Info text on
#   exactly the frames that carry tcp.lifecycle.anomaly, in both passes.
# - End of capture (two passes): an anomaly only the end reveals is a
#   tcp.lifecycle.anomaly on the lifecycle's last packet, and only there.
# - Subtree lines summarise the packet and the lifecycle; the duplicated
#   tcp.lifecycle.state items are hidden.
# - Close type: "FIN then RST" after rst_after_fin; none on a refused
#   connection (nor a first closer).
. "$(dirname "$0")/common.sh"
need_plugin

for t in "$TCPL_SOURCE_DIR"/captures/*.truth; do
    c=${t%.truth}.pcap
    [ -f "$c" ] || continue
    in=$(input "$c")
    for pass in "" -2; do
        # shellcheck disable=SC2086
        ts $pass -r "$in" -T fields -E occurrence=a -e frame.number \
            -e tcp.lifecycle.anomaly >"$tmp/cols.txt" 2>"$tmp/err.txt" ||
            fail "tshark failed on $c: $(head -c 2000 "$tmp/err.txt")"
        # shellcheck disable=SC2086
        info_col $pass -r "$in" >"$tmp/info.txt" 2>"$tmp/err.txt" ||
            fail "tshark failed on $c: $(head -c 2000 "$tmp/err.txt")"
        awk -F'\t' 'NR == FNR { info[$1] = $2; next }
            ($2 != "") != (info[$1] ~ /^\[TCP lifecycle: [^]]+\] /) { print $0 "\t" info[$1]; bad = 1 }
            END { exit bad }' "$tmp/info.txt" "$tmp/cols.txt" >"$tmp/bad.txt" ||
            fail "$(basename "$c") ${pass:-(one pass)}: Info tag and tcp.lifecycle.anomaly disagree: $(head -n 3 "$tmp/bad.txt")"
    done
done
echo "ok   Info tags exactly on the frames with anomalies, every capture, both passes"

c=$(input "$(captures_with close_wait_stall | head -n 1)")
info_col -2 -r "$c" 2>"$tmp/err.txt" | cut -f2- >"$tmp/info.txt" || fail "tshark failed"
grep -q '^\[TCP lifecycle: CLOSE_WAIT stall\] ' "$tmp/info.txt" ||
    fail "no [TCP lifecycle: CLOSE_WAIT stall] tag: $(cat "$tmp/info.txt")"
echo "ok   [TCP lifecycle: CLOSE_WAIT stall]"

# handshake_incomplete is known only at the end of the capture.
c=$(captures_with handshake_incomplete | head -n 1)
[ -n "$c" ] || fail "no capture expects handshake_incomplete"
in=$(input "$c")
last=$(ts -r "$in" -Y tcp.lifecycle -T fields -e frame.number 2>/dev/null | tail -n 1)
f1=$(ts -r "$in" -Y 'tcp.lifecycle.anomaly == "handshake_incomplete"' -T fields -e frame.number 2>/dev/null)
f2=$(ts -2 -r "$in" -Y 'tcp.lifecycle.anomaly == "handshake_incomplete"' -T fields -e frame.number \
    -e _ws.expert.message 2>/dev/null)
tag=$(info_col -2 -r "$in" -Y 'tcp.lifecycle.anomaly == "handshake_incomplete"' 2>/dev/null)
[ -z "$f1" ] || fail "one pass already shows handshake_incomplete on frame $f1"
[ "$(echo "$f2" | wc -l)" = 1 ] && [ "$(echo "$f2" | cut -f1)" = "$last" ] ||
    fail "two passes: handshake_incomplete should be on the last frame ($last) only: $f2"
echo "$f2" | grep -q 'final ACK never came' || fail "end verdict without its expert info: $f2"
echo "$tag" | grep -q 'Handshake incomplete' || fail "end verdict without its Info tag: $tag"
echo "ok   end-of-capture verdict on the last frame ($last)"

# Subtree summaries.
c=$(input "$TCPL_SOURCE_DIR/captures/rst_after_fin.pcap")
ts -2 -r "$c" -V >"$tmp/v.txt" 2>"$tmp/err.txt" || fail "tshark -V failed"
grep -q '^\[TCP lifecycle: client FIN_WAIT_2 → CLOSED, server CLOSE_WAIT → CLOSED; rst_after_fin\]$' "$tmp/v.txt" ||
    fail "no packet summary line: $(grep 'TCP lifecycle' "$tmp/v.txt" | tail -n 3)"
grep -q '^    \[Lifecycle: stream 0, SYN → FIN then RST in 0\.153 s; client CLOSED, server CLOSED; rst_after_fin\]$' "$tmp/v.txt" ||
    fail "no lifecycle summary line: $(grep 'Lifecycle:' "$tmp/v.txt" | tail -n 3)"
! grep -q "Either endpoint's state" "$tmp/v.txt" || fail "tcp.lifecycle.state items are not hidden"
grep -q '\[Close type: FIN then RST\]' "$tmp/v.txt" || fail "close type of rst_after_fin is not 'FIN then RST'"
echo "ok   summaries"

c=$(input "$(captures_with refused | head -n 1)")
ts -2 -r "$c" -T fields -e tcp.lifecycle.stream.close_type -e tcp.lifecycle.stream.first_closer \
    -e tcp.lifecycle.stream.anomaly >"$tmp/r.txt" 2>"$tmp/err.txt" || fail "tshark failed"
grep -q refused "$tmp/r.txt" || fail "refused capture not refused: $(cat "$tmp/r.txt")"
! awk -F'\t' '$1 != "" || $2 != ""' "$tmp/r.txt" | grep -q . ||
    fail "a refused connection shows a close type or first closer: $(cat "$tmp/r.txt")"
echo "ok   refused: no close type"

# successor numbering: the second lifecycle on a 4-tuple
c=$(input "$(captures_with port_reuse | head -n 1)")
ts -2 -r "$c" -V 2>/dev/null | grep -q '\[Lifecycle: stream [0-9]* (successor 1), ' ||
    fail "port reuse: no '(successor 1)' in the lifecycle summary"
echo "ok   successor"
echo "PASS"
