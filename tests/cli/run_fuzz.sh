#!/bin/sh
# run_fuzz.sh FUZZ_EXPORT SECONDS GOLDEN_DIR
# Run the export fuzzer for a bounded time, seeded with the golden exports
# (cut to their first lines, to stay small) and a few broken ones.  A
# crash, leak, over-read or undefined behaviour makes libFuzzer exit
# non-zero, and so this test.
set -eu
fuzz=$(realpath "$1") seconds=$2 golden=$(realpath "$3")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
for f in "$golden"/*.tsv; do
    head -n 30 "$f" > "$work/corpus/$(basename "$f")"
done
head -n 3 "$golden/basic.tsv" | sed 's/$/\r/' > "$work/corpus/crlf"
printf 'frame.number\ttcp.flags\n1\t0x12' > "$work/corpus/short"
n=$(ls "$work/corpus" | wc -l)
[ "$n" -ge 5 ] || { echo "run_fuzz: only $n seeds" >&2; exit 1; }
cd "$work"
"$fuzz" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=1024 -close_fd_mask=2 \
    -print_final_stats=1 "$work/corpus" 2> "$work/log" || {
    rc=$?
    tail -n 40 "$work/log" >&2
    # A signal from outside (no report above) shows as 128+N.
    echo "run_fuzz: libFuzzer exited with status $rc" >&2
    exit 1
}
grep -E '^(stat::number_of_executed_units|Done)' "$work/log" || tail -n 3 "$work/log"
