#!/bin/sh
# capture_gap.sh - a real capture with one packet removed: the adapters show
# what the engine inferred through the gap.
#
# captures/normal_close_client_first.pcap without its frame 8 (the client's
# FIN, removed with editcap at run time): the server's ACK of that FIN (now
# frame 8) proves it, so
#   - report (text, CSV, JSON) shows the client ESTABLISHED -> FIN_WAIT_1
#     marked inferred, final client TIME_WAIT and server CLOSED, a
#     capture_gap note and the stream's and the totals' capture loss, and no
#     syn_unanswered or data_after_fin;
#   - annotate's comment and label of frame 8 carry "(inferred)";
#   - the plugin (when PLUGIN_DIR is given) marks the same transition and
#     sets tcp.lifecycle.inferred on frame 8 only.
# The untouched capture is the control: nothing inferred, no gap.
#
# usage: capture_gap.sh TCP_LIFECYCLE CAPTURES_DIR [PLUGIN_DIR]
. "$(dirname "$0")/lib.sh"
cli=$1 capdir=$2 plugdir=${3:-}

src=$capdir/normal_close_client_first.pcap
[ -f "$src" ] || die "$src is missing"
command -v editcap >/dev/null || die "editcap not found (package wireshark-common)"
cp "$src" "$work/full.pcap"
editcap "$src" "$work/nofin.pcap" 8 2>"$work/err" || die "editcap failed: $(cat "$work/err")"
chmod 644 "$work/full.pcap" "$work/nofin.pcap"
# The removed frame must be the client's FIN, or this test proves nothing.
stock_tshark -r "$src" -Y 'frame.number == 8 && tcp.flags.fin == 1 && tcp.srcport == 41000' |
    grep -q . || die "frame 8 of $src is not the client's FIN"
n=$(stock_tshark -r "$work/nofin.pcap" | wc -l)
[ "$n" -eq 10 ] || die "editcap left $n frames, not 10"
stock_tshark -r "$work/nofin.pcap" -Y 'tcp.srcport == 41000 && tcp.flags.fin == 1' | grep -q . &&
    die "the copy still holds a FIN from the client"

# ---- report, text
"$cli" report --pcap "$work/nofin.pcap" >"$work/r.txt" 2>"$work/err" ||
    die "report --pcap failed: $(head -n 2 "$work/err")"
# The client's timeline, one state per line, the inferred mark kept.
awk '/^  client   / { on = 1 } /^  server   / { on = 0 }
     on { sub(/^  client   /, "  "); sub(/^ +/, ""); sub(/ +frame .*| +at the end.*/, ""); print }' \
    "$work/r.txt" >"$work/client.txt"
got=$(tr '\n' ' ' <"$work/client.txt")
case $got in
*"ESTABLISHED FIN_WAIT_1 (inferred) "*) ;;
*) fail "text: the client's timeline is '$got', not ESTABLISHED then FIN_WAIT_1 (inferred)" ;;
esac
[ "$(grep -c '(inferred)' "$work/r.txt")" -eq 1 ] ||
    fail "text: not exactly one inferred state: $(grep '(inferred)' "$work/r.txt")"
grep -q '^  final    client TIME_WAIT, server CLOSED$' "$work/r.txt" ||
    fail "text: final states: $(grep '^  final ' "$work/r.txt")"
grep -q '^  anomaly  capture_gap, frame 8 ' "$work/r.txt" ||
    fail "text: no capture_gap note on frame 8: $(grep -A1 '^  anomaly' "$work/r.txt")"
grep -q '^  capture  1 gap, 0 bytes missed$' "$work/r.txt" ||
    fail "text: the stream's capture line: '$(grep '^  capture  [0-9]' "$work/r.txt")'"
grep -q '^  loss     1 capture gap, 0 data bytes missed (estimated)$' "$work/r.txt" ||
    fail "text: the totals' loss line: '$(grep '^  loss' "$work/r.txt")'"
if grep -E 'syn_unanswered|data_after_fin' "$work/r.txt" >"$work/bad"; then
    fail "text: false anomalies: $(head -n 2 "$work/bad")"
fi

# ---- report, JSON: the timeline entry, the stream's and the totals' counts
"$cli" report --pcap --format json "$work/nofin.pcap" >"$work/r.json" 2>"$work/err" ||
    die "report --pcap --format json failed: $(head -n 2 "$work/err")"
grep -q '{"endpoint":"client","state":"ESTABLISHED","frame":3,[^}]*"inferred":false},{"endpoint":"server","state":"ESTABLISHED",[^}]*},{"endpoint":"client","state":"FIN_WAIT_1","frame":8,[^}]*"inferred":true}' "$work/r.json" ||
    fail "json: no client ESTABLISHED -> FIN_WAIT_1 inferred at frame 8"
[ "$(grep -o '"inferred":true' "$work/r.json" | wc -l)" -eq 1 ] ||
    fail "json: not exactly one inferred timeline entry"
grep -q '"client_final":"TIME_WAIT","server_final":"CLOSED"' "$work/r.json" ||
    fail "json: final states"
grep -q '"anomalies":\["capture_gap"\]' "$work/r.json" ||
    fail "json: anomalies are not just capture_gap: $(grep -o '"anomalies":[^]]*]' "$work/r.json" | head -n 1)"
grep -q '"dropped":0,"capture_gaps":1,"missed_bytes":0,' "$work/r.json" ||
    fail "json: the stream's capture_gaps/missed_bytes"
tail -n 1 "$work/r.json" | grep -q '"capture_gaps":1,"missed_bytes":0}}$' ||
    fail "json: the totals' capture_gaps/missed_bytes: $(tail -n 1 "$work/r.json")"

# ---- report, CSV: the capture columns, found by name
"$cli" report --pcap --format csv "$work/nofin.pcap" >"$work/r.csv" 2>"$work/err" ||
    die "report --pcap --format csv failed: $(head -n 2 "$work/err")"
got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "capture_gaps") c = i }
               NR <= 2 { print $c "," $(c + 1) }' "$work/r.csv" | tr '\n' ' ')
[ "$got" = "capture_gaps,missed_bytes 1,0 " ] || fail "csv: capture_gaps,missed_bytes columns '$got'"

# ---- a capture note alone is no anomaly for --anomalies-only
"$cli" report --pcap --anomalies-only --format csv "$work/nofin.pcap" >"$work/ao.csv" 2>"$work/err" ||
    die "report --anomalies-only failed: $(head -n 2 "$work/err")"
[ "$(wc -l <"$work/ao.csv")" -eq 1 ] || fail "--anomalies-only kept a stream with only capture_gap"

# ---- the control: the whole capture shows nothing inferred and no gap
"$cli" report --pcap --format json "$work/full.pcap" >"$work/full.json" 2>"$work/err" ||
    die "report --pcap on the whole capture failed: $(head -n 2 "$work/err")"
grep -q '"inferred":true' "$work/full.json" && fail "control: an inferred state in the whole capture"
grep -q '"capture_gaps":1' "$work/full.json" && fail "control: a capture gap in the whole capture"
grep -q '"dropped":0,"capture_gaps":0,"missed_bytes":0,' "$work/full.json" ||
    fail "control: the stream does not say capture_gaps 0"

# ---- annotate: the comment and the label of frame 8
want='client ESTABLISHED -> FIN_WAIT_1 (inferred)'
"$cli" annotate "$work/nofin.pcap" "$work/out.pcapng" --labels "$work/labels.csv" 2>"$work/err" ||
    die "annotate failed: $(head -n 2 "$work/err")"
stock_tshark -r "$work/out.pcapng" -T fields -E separator=/t \
    -e frame.number -e frame.comment >"$work/comments.txt"
c8=$(awk -F'\t' '$1 == 8 { print $2 }' "$work/comments.txt")
case $c8 in
"$want -> FIN_WAIT_2 | server ESTABLISHED -> CLOSE_WAIT | anomaly: capture_gap"*) ;;
*) fail "annotate: frame 8's comment is '$c8'" ;;
esac
[ "$(grep -c 'inferred' "$work/comments.txt")" -eq 1 ] ||
    fail "annotate: '(inferred)' on other frames than 8: $(grep -c inferred "$work/comments.txt")"
l8=$(awk -F, '$1 == 8 { print $7 }' "$work/labels.csv")
[ "$l8" = "$want;client FIN_WAIT_1 -> FIN_WAIT_2;server ESTABLISHED -> CLOSE_WAIT" ] ||
    fail "annotate: frame 8's label transition is '$l8'"

# ---- the plugin: the same string, and tcp.lifecycle.inferred to filter on
if [ -n "$plugdir" ]; then
    plugin_tshark "$plugdir" -G protocols | grep -q "	tcp_lifecycle$" ||
        die "tshark (as nobody, WIRESHARK_PLUGIN_DIR=$plugdir) did not load the plugin: $(tail -n 3 "$work/tshark.err")"
    plugin_tshark "$plugdir" -r "$work/nofin.pcap" -Y tcp.lifecycle.inferred -T fields \
        -E separator=/t -e frame.number -e tcp.lifecycle.inferred \
        -e tcp.lifecycle.transition >"$work/plugin.txt" ||
        die "tshark with the plugin failed: $(tail -n 2 "$work/tshark.err")"
    got=$(cat "$work/plugin.txt")
    exp=$(printf '8\t1\t%s,client FIN_WAIT_1 -> FIN_WAIT_2,server ESTABLISHED -> CLOSE_WAIT' "$want")
    [ "$got" = "$exp" ] || fail "plugin: tcp.lifecycle.inferred frames: '$got', expected '$exp'"
    n=$(plugin_tshark "$plugdir" -r "$work/full.pcap" -Y tcp.lifecycle.inferred | wc -l)
    [ "$n" -eq 0 ] || fail "plugin: control: $n frames with tcp.lifecycle.inferred in the whole capture"
    # Two passes draw the same per-packet values.
    plugin_tshark "$plugdir" -2 -r "$work/nofin.pcap" -Y tcp.lifecycle.inferred -T fields \
        -E separator=/t -e frame.number -e tcp.lifecycle.inferred \
        -e tcp.lifecycle.transition >"$work/plugin2.txt" || die "tshark -2 with the plugin failed"
    cmp -s "$work/plugin.txt" "$work/plugin2.txt" ||
        fail "plugin: two passes differ: $(cat "$work/plugin2.txt")"
fi
finish
