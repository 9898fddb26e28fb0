#!/bin/sh
# plugin_frag.sh - the plugin reassembles IP fragments and checks
# checksums as `report --pcap` does: on captures rewritten from real-kernel
# ones (pcap_rewrite.py, as capture_limits.sh makes them) with fragments in
# order, last first and overlapping, and with a bad TCP checksum (the
# plugin's tcp_lifecycle.check_checksums, report's --check-checksums),
#  - per lifecycle, the plugin's tcp.lifecycle.stream.* on its last frame
#    (tshark -2) equal report's row: final states, conn_state, history;
#  - per frame, its fields equal annotate's labels (annotate reads frames
#    as report does: annotate_report.sh), in one pass and in two.
#
# usage: plugin_frag.sh TCP_LIFECYCLE PLUGIN_DIR CAPTURES_DIR
. "$(dirname "$0")/lib.sh"
cli=$1 plugdir=$2 capdir=$3
rw="python3 $(dirname "$0")/pcap_rewrite.py"

[ -d "$plugdir" ] || die "plugin folder $plugdir does not exist: build the tcp_lifecycle target"
plugin_tshark "$plugdir" -G protocols >"$work/protocols.txt" || true
awk -F'\t' '$3 == "tcp_lifecycle" { f = 1 } END { exit !f }' "$work/protocols.txt" ||
    die "tshark (as nobody) did not load the tcp_lifecycle plugin: $(tail -n 3 "$work/tshark.err")"

# compare CAPTURE SUMS: SUMS is on or off.
compare() {
    in=$1 sums=$2
    name="$(basename "$in") checksums $sums"
    chmod 644 "$in"
    opt= popt=
    if [ "$sums" = on ]; then
        opt=--check-checksums
        popt="-o tcp_lifecycle.check_checksums:TRUE"
    fi
    # shellcheck disable=SC2086
    "$cli" report --pcap --format csv $opt "$in" >"$work/r.csv" 2>/dev/null ||
        { fail "$name: report failed"; return; }
    awk -F, 'NR > 1 { print ($3 == 0 ? $2 : $2 "." $3), $13, $14, $23, $24 }' \
        "$work/r.csv" | sort >"$work/report.txt"
    # shellcheck disable=SC2086
    plugin_tshark "$plugdir" -2 $popt -r "$in" -T fields -E separator=/t \
        -e tcp.stream -e tcp.lifecycle.stream.client_state \
        -e tcp.lifecycle.stream.server_state -e tcp.lifecycle.stream.conn_state \
        -e tcp.lifecycle.stream.history >"$work/p.txt" ||
        { fail "$name: tshark with the plugin failed"; return; }
    # A stream's last frame with the fields is its lifecycle's last.
    awk -F'\t' '$2 != "" { last[$1] = $2 " " $3 " " $4 " " $5 }
                END { for (s in last) print s, last[s] }' "$work/p.txt" |
        sort >"$work/plugin.txt"
    [ -s "$work/report.txt" ] || fail "$name: report has no row"
    cmp -s "$work/report.txt" "$work/plugin.txt" ||
        fail "$name: plugin and report --pcap differ:
$(diff "$work/report.txt" "$work/plugin.txt" | head -n 6)"

    # shellcheck disable=SC2086
    "$cli" annotate "$in" "$work/o.pcapng" --labels "$work/l.csv" $opt 2>/dev/null ||
        { fail "$name: annotate failed"; return; }
    awk -F, 'NR > 1 { gsub(/;/, ",", $7); gsub(/;/, ",", $8);
                      print $1 "\t" $5 "\t" $6 "\t" $7 "\t" $8 }' \
        "$work/l.csv" >"$work/ours.txt"
    for passes in 1 2; do
        two=
        [ "$passes" = 1 ] || two=-2
        # shellcheck disable=SC2086
        plugin_tshark "$plugdir" $two $popt -r "$in" -T fields -E separator=/t \
            -e frame.number -e tcp.lifecycle.src_state -e tcp.lifecycle.dst_state \
            -e tcp.lifecycle.transition -e tcp.lifecycle.anomaly >"$work/pf.txt" ||
            { fail "$name: tshark with the plugin failed"; return; }
        # In one pass the anomalies only the end reveals are not known yet:
        # compare states and transitions only.
        if [ "$passes" = 1 ]; then
            cut -f 1-4 "$work/pf.txt" >"$work/a"
            cut -f 1-4 "$work/ours.txt" >"$work/b"
        else
            cp "$work/pf.txt" "$work/a"
            cp "$work/ours.txt" "$work/b"
        fi
        cmp -s "$work/a" "$work/b" ||
            fail "$name, $passes pass(es): plugin and annotate differ per frame:
$(diff "$work/a" "$work/b" | head -n 6)"
    done
}

n=0
for c in data_loss close_wait_stall_v6 normal_close_client_first_v6; do
    $rw fill "$capdir/$c.pcap" "$work/$c.full.pcap" || die "$c: fill failed"
    for how in "" reverse; do
        $rw frag "$work/$c.full.pcap" "$work/$c.frag$how.pcap" 64 $how || die "$c: frag failed"
        compare "$work/$c.frag$how.pcap" off
        n=$((n + 1))
    done
    $rw corrupt "$work/$c.full.pcap" "$work/$c.bad.pcap" 4 || die "$c: corrupt failed"
    compare "$work/$c.bad.pcap" on
    compare "$work/$c.bad.pcap" off
done
$rw frag "$work/data_loss.full.pcap" "$work/ov.pcap" 64 overlap || die "overlap failed"
compare "$work/ov.pcap" off

# Fragments inside an IP-in-IP tunnel: the same verdicts, and every frame
# with fields names the tunnel, the frames that complete a datagram too
# (decoded alone they hold only a fragment).
$rw ipip "$work/data_loss.frag.pcap" "$work/tun.pcap" || die "ipip failed"
compare "$work/tun.pcap" off
plugin_tshark "$plugdir" -r "$work/tun.pcap" -T fields -E separator=/t \
    -e frame.number -e tcp.lifecycle.src_state -e tcp.lifecycle.tunnel \
    >"$work/tun.txt" || fail "tunnelled fragments: tshark with the plugin failed"
awk -F'\t' '$2 != "" { n++; if ($3 !~ /^ipip 192\.0\.2\.[12]->192\.0\.2\.[12]$/) bad++ }
            END { if (n < 10 || bad) { print n + 0, bad + 0; exit 1 } }' "$work/tun.txt" ||
    fail "tunnelled fragments: frames with fields but no tunnel: $(awk -F'\t' '$2 != "" && $3 == ""' "$work/tun.txt" | head -n 3)"

echo "$me: $n fragmented captures, 3 with a bad checksum, 1 overlapping, 1 tunnelled compared"
finish
