#!/bin/sh
# plugin_agrees.sh TOOL PLUGIN_DIR CAPTURE...
# Export the captures, merged into one file (one tshark start instead
# of one per capture), with the plugin's tcp.lifecycle.* columns, and let
# report compare them with its own inference packet by packet: they must
# agree.  The merge only makes more lifecycles (4-tuples repeat across
# captures and become port-reuse successors); plugin and engine see the
# same packets either way.  Merged in time order, not concatenated: the
# captures were made on different days, and in name order the clock would
# jump forward and back, so report's linger would end connections at a
# jump forward that the plugin keeps, and the two would disagree about
# port_reuse for no reason a real capture could show.  tshark runs as nobody, since as root it
# ignores WIRESHARK_PLUGIN_DIR, and the plugin must really have filled the
# columns, so the test cannot pass by the plugin not loading.
set -u
tool=$1 plugins=$2
shift 2
work=$(mktemp -d)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
# In the sanitizer build the plugin is instrumented and tshark is not: the
# ASan runtime has to be preloaded for tshark to load it at all.
asan_env=
if [ "${TCPL_SANITIZE:-OFF}" = ON ]; then
    libasan=$(gcc -print-file-name=libasan.so)
    [ -f "$libasan" ] || { echo "sanitizer build but no libasan.so"; exit 1; }
    asan_env="LD_PRELOAD=$libasan ASAN_OPTIONS=detect_leaks=0:exitcode=86"
fi
# HOME too: tshark reads its personal configuration from there.
# shellcheck disable=SC2086 # asan_env is a list of assignments
nobody() { "$(dirname "$0")/../lib/unprivileged" env HOME="$work" WIRESHARK_PLUGIN_DIR="$plugins" $asan_env "$@"; }
[ $# -gt 0 ] || { echo "no captures"; exit 1; }
mergecap -w "$work/all.pcapng" "$@" || { echo "mergecap failed"; exit 1; }
chmod 644 "$work/all.pcapng"
nobody tshark -n -r "$work/all.pcapng" -T fields -E header=y -E separator=/t \
    $("$tool" fields --plugin) > "$work/all.tsv" 2> "$work/err" ||
    { echo "tshark failed: $(head -n 3 "$work/err")"; exit 1; }
if ! "$tool" report --format json "$work/all.tsv" > "$work/out" 2> "$work/rerr"; then
    echo "report exited non-zero:"; head -n 12 "$work/rerr"; exit 1
fi
tot=$(tail -n 1 "$work/out")
checked=$(echo "$tot" | sed 's/.*"plugin_checked":\([0-9]*\).*/\1/')
packets=$(echo "$tot" | sed 's/.*"packets":\([0-9]*\).*/\1/')
[ "$checked" -gt 0 ] 2>/dev/null ||
    { echo "no packet carried tcp.lifecycle columns: the plugin did not load"; exit 1; }
echo "$# captures, $packets TCP packets: the plugin's columns on $checked packets agree with the engine"
