#!/bin/sh
# run_fuzz.sh - bounded libFuzzer run of the whole annotate command, seeded
# with mkcap's captures of every link type and one annotated pcapng.
# usage: run_fuzz.sh FUZZ_ANNOTATE MKCAP TCP_LIFECYCLE SECONDS
set -eu
fuzz=$(realpath "$1") mkcap=$(realpath "$2") cli=$(realpath "$3") seconds=$4
work=$(mktemp -d /tmp/tcpl-fuzz-annotate.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
for link in eth vlan qinq sll sll2 raw ipv4 ipv6 null loop; do
    "$mkcap" "$link" "$work/corpus/$link.pcap"
done
"$cli" annotate "$work/corpus/eth.pcap" "$work/corpus/eth-annotated.pcapng"
cd "$work"
# -close_fd_mask=2: annotate's own messages about bad inputs are expected.
if ! "$fuzz" -max_total_time="$seconds" -max_len=8192 -timeout=20 \
    -close_fd_mask=2 -print_final_stats=1 "$work/corpus" >"$work/log" 2>&1; then
    tail -n 40 "$work/log" >&2
    exit 1
fi
grep -E '^stat::number_of_executed_units' "$work/log" || tail -n 3 "$work/log"
