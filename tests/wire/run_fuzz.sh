#!/bin/sh
# Run the wire decoder fuzzer for a bounded time from the unit tests' frames.
# Usage: run_fuzz.sh FUZZ_WIRE SECONDS TEST... (each TEST writes its frames
# as seeds with --write-seeds DIR)
# A fresh corpus each run keeps the run time and the result reproducible
# enough for CI; a crash, leak or over-read makes libFuzzer exit non-zero.
set -eu
fuzz_wire=$(realpath "$1") seconds=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
for t in "$@"; do
    "$(realpath "$t")" --write-seeds "$work/corpus" >/dev/null
done
n=$(ls "$work/corpus" | wc -l)
if [ "$n" -lt 60 ]; then
    echo "run_fuzz: only $n seeds written" >&2
    exit 1
fi
cd "$work"
"$fuzz_wire" -max_total_time="$seconds" -max_len=2048 -timeout=10 \
    -print_final_stats=1 "$work/corpus" 2>"$work/log" || {
    tail -n 40 "$work/log" >&2
    exit 1
}
grep -E '^(stat::number_of_executed_units|Done)' "$work/log" || tail -n 3 "$work/log"
