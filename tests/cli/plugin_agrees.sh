#!/bin/sh
# plugin_agrees.sh TOOL PLUGIN_DIR CAPTURE...
# Export every capture with the plugin's tcp.lifecycle.* columns (tshark as
# nobody: as root it ignores WIRESHARK_PLUGIN_DIR) and let report compare
# them with its own inference, packet by packet: they must agree, and the
# plugin must really have filled them (so the test cannot pass by the
# plugin not loading).
set -u
tool=$1 plugins=$2
shift 2
work=$(mktemp -d)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
# HOME too: tshark reads its personal configuration from there.
nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$work" WIRESHARK_PLUGIN_DIR="$plugins" "$@"; }
nobody tshark -G protocols 2>/dev/null | grep -q 'tcp_lifecycle' ||
    { echo "the plugin does not load from $plugins (as nobody)"; exit 1; }
fail=0
for pcap in "$@"; do
    name=$(basename "$pcap" .pcap)
    cp "$pcap" "$work/in.pcap" && chmod 644 "$work/in.pcap"
    nobody tshark -n -r "$work/in.pcap" -T fields -E header=y -E separator=/t \
        $("$tool" fields --plugin) > "$work/$name.tsv" 2> "$work/err" ||
        { echo "$name: tshark failed: $(head -1 "$work/err")"; fail=1; continue; }
    if ! "$tool" report --format json "$work/$name.tsv" > "$work/out" 2> "$work/rerr"; then
        echo "$name: report exited non-zero:"; head -n 12 "$work/rerr"; fail=1; continue
    fi
    checked=$(tail -n 1 "$work/out" | sed 's/.*"plugin_checked":\([0-9]*\).*/\1/')
    [ "$checked" -gt 0 ] 2>/dev/null ||
        { echo "$name: no packet carried tcp.lifecycle columns"; fail=1; continue; }
    echo "$name: $checked packets agree"
done
exit $fail
