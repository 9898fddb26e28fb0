#!/bin/sh
# plugin_equal.sh - annotate's labels equal the plugin's fields, packet by
# packet, on every capture in captures/ and on mkcap's captures of every
# link type: sender state, receiver state, transitions and anomalies.
#
# The plugin is loaded from the build tree by tshark running as nobody
# (root tshark ignores WIRESHARK_PLUGIN_DIR).  If the plugin is not built
# or does not load, this test fails: it never passes by comparing nothing.
#
# usage: plugin_equal.sh TCP_LIFECYCLE MKCAP PLUGIN_DIR CAPTURES_DIR [STRIDE]
# With STRIDE n > 1 (the sanitizer build, where tshark with the ASan
# runtime preloaded starts slowly) only every n-th capture of captures/ and
# five of the link types are compared; the plain build compares all.
. "$(dirname "$0")/lib.sh"
cli=$1 mkcap=$2 plugdir=$3 capdir=$4 stride=${5:-1}

[ -d "$plugdir" ] || die "plugin folder $plugdir does not exist: build the tcp_lifecycle target"
# The filter name is the third column; Wireshark 4.4 and later print more
# after it.  Into a file, not a pipe: an early exit would SIGPIPE tshark.
plugin_tshark "$plugdir" -G protocols >"$work/protocols.txt" || true
awk -F'\t' '$3 == "tcp_lifecycle" { f = 1 } END { exit !f }' "$work/protocols.txt" ||
    die "tshark (as nobody, WIRESHARK_PLUGIN_DIR=$plugdir) did not load the tcp_lifecycle plugin: $(tail -n 3 "$work/tshark.err")"

links="eth vlan qinq sll sll2 raw ipv4 ipv6 null loop vxlan gre mpls pppoe"
[ "$stride" -le 1 ] || links="eth qinq sll2 raw loop"
inputs=
nlinks=0
for link in $links; do
    nlinks=$((nlinks + 1))
    "$mkcap" "$link" "$work/mk-$link.pcap" || die "mkcap $link failed"
    chmod 644 "$work/mk-$link.pcap"
    inputs="$inputs $work/mk-$link.pcap"
done
ncap=0 k=0
for c in "$capdir"/*.pcap "$capdir"/*.pcapng; do
    [ -f "$c" ] || continue
    k=$((k + 1))
    [ $(((k - 1) % stride)) -eq 0 ] || continue
    # nobody must be able to read it; copy it where it can.
    cp "$c" "$work/cap-$(basename "$c")"
    chmod 644 "$work/cap-$(basename "$c")"
    inputs="$inputs $work/cap-$(basename "$c")"
    ncap=$((ncap + 1))
done
echo "$me: comparing on $ncap of $k captures from $capdir and $nlinks made by mkcap"

for in in $inputs; do
    name=$(basename "$in")
    if ! "$cli" annotate "$in" "$work/out.pcapng" --labels "$work/labels.csv" 2>"$work/err"; then
        fail "$name: annotate failed: $(head -n 2 "$work/err")"
        continue
    fi
    plugin_tshark "$plugdir" -r "$in" -T fields -E separator=/t \
        -e frame.number -e tcp.lifecycle.src_state -e tcp.lifecycle.dst_state \
        -e tcp.lifecycle.transition -e tcp.lifecycle.anomaly >"$work/plugin.txt" ||
        { fail "$name: tshark with the plugin failed: $(tail -n 2 "$work/tshark.err")"; continue; }
    # The CSV lists several values with ';', tshark with ','.
    awk -F, 'NR > 1 { gsub(/;/, ",", $7); gsub(/;/, ",", $8);
                      print $1 "\t" $5 "\t" $6 "\t" $7 "\t" $8 }' \
        "$work/labels.csv" >"$work/ours.txt"
    tracked=$(awk -F'\t' '$2 != ""' "$work/plugin.txt" | wc -l)
    ours=$(awk -F, 'NR > 1 && $2 != ""' "$work/labels.csv" | wc -l)
    [ "$tracked" -gt 0 ] || fail "$name: the plugin annotated no packet"
    [ "$ours" -gt 0 ] || fail "$name: annotate labelled no packet"
    if ! cmp -s "$work/plugin.txt" "$work/ours.txt"; then
        fail "$name: $(diff "$work/plugin.txt" "$work/ours.txt" | grep -c '^<') packets differ, first:
$(diff "$work/plugin.txt" "$work/ours.txt" | head -n 6)"
    fi
done
finish
