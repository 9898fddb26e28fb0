#!/bin/sh
# plugin_wrong.sh TOOL GOLDEN_DIR
# An export whose tcp.lifecycle.* columns disagree with the engine on one
# packet (frame 1 claims CLOSE_WAIT for a client that just sent its SYN):
# report must name that frame on stderr, count 3 packets checked and 1
# disagreement in its totals, and exit 1.
set -u
tool=$1 dir=$2
cd "$dir" || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$tool" report --format json plugin_wrong.tsv > "$work/out" 2> "$work/err"
rc=$?
cat "$work/err"
[ $rc = 1 ] || { echo "expected exit 1, got $rc"; exit 1; }
grep -q '^tcp-lifecycle: plugin_wrong.tsv:2: frame 1: the plugin says src CLOSE_WAIT' "$work/err" ||
    { echo "no disagreement message for frame 1"; exit 1; }
grep -q '"plugin_checked":3,"plugin_disagreements":1,' "$work/out" ||
    { echo "totals do not count 3 checked, 1 disagreement:"; tail -1 "$work/out"; exit 1; }
