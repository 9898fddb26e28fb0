#!/bin/bash
# jobs.sh - `report --pcap --jobs 2` against `--jobs 1`, side by side in
# one run (issue 12, part 1): on one large capture (one reader, two engine
# threads, postproc/shard.c) and over many files (one process per file,
# postproc/jobs.c).
#
# The repetitions alternate --jobs 1 and --jobs 2 so that drift in the
# machine's load hits both; the table gives medians of wall time, CPU time
# (user + system) and peak RSS, and the speed-ups (wall of --jobs 1 over
# wall of --jobs 2, median of the per-repetition ratios).  Each --jobs 2
# output is compared with --jobs 1's: a speed-up of a different report
# would be no speed-up.  A speed-up needs two idle cores: the 1-minute load
# average before and after is printed, and on a busy machine the figures
# say little (the issue's targets: >= 1.8 on one capture, >= 1.9 over many
# files).
#
# Inputs, made by bench/gencap (deterministic) unless given: one capture of
# CONN connections (default 300000, ~2.8 M packets) and FILES files of
# CONN/FILES connections each (default 8).  -c CAPTURE uses an existing
# capture as the large one instead (bench/make-capture.sh's, say).
#
# usage: bench/jobs.sh [-n REPS] [-B BUILD_DIR] [-k CONN] [-f FILES] [-c CAPTURE]
# Needs: GNU time (apt-get install time), cmake and a C compiler.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=$top/build-bench
reps=5 conn=300000 files=8 cap=

die() { echo "jobs.sh: $*" >&2; exit 1; }
usage() { sed -n 's/^# usage: /usage: /p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
    -n) [ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] || usage; reps=$2; shift 2 ;;
    -B) [ $# -ge 2 ] || usage; build=$2; shift 2 ;;
    -k) [ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 100 ] || usage; conn=$2; shift 2 ;;
    -f) [ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 2 ] || usage; files=$2; shift 2 ;;
    -c) [ $# -ge 2 ] || usage; cap=$2; shift 2 ;;
    *) usage ;;
    esac
done
[ -x /usr/bin/time ] || die "needs GNU time: apt-get install time"

cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target tcp-lifecycle gencap >/dev/null
cli=$build/postproc/tcp-lifecycle
gencap=$build/tests/annotate/gencap
work=$(mktemp -d /tmp/tcpl-jobs.XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ -z "$cap" ]; then
    cap=$work/one.pcap
    "$gencap" -c "$conn" -k 500 -s 12 "$cap" 2>"$work/gen.txt"
fi
many=()
for ((i = 0; i < files; i++)); do
    "$gencap" -c $((conn / files)) -k 500 -s $((100 + i)) "$work/many$i.pcap" 2>>"$work/gen.txt"
    many+=("$work/many$i.pcap")
done
# The page cache holds them from here on: reading is not the disk's speed.
cat "$cap" "${many[@]}" >/dev/null

load() { cut -d' ' -f1 /proc/loadavg; }
load_before=$(load)

# run LABEL ARGS...: one timed run into $work/LABEL.out; appends
# "wall cpu rss" to $work/LABEL.t
run() {
    local label=$1
    shift
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$cli" report --pcap --format json \
        "$@" >"$work/$label.out"
    awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$work/time" >>"$work/$label.t"
}

for ((r = 0; r < reps; r++)); do
    if ((r % 2 == 0)); then order="1 2"; else order="2 1"; fi
    for j in $order; do run "one$j" --jobs "$j" "$cap"; done
    cmp -s "$work/one1.out" "$work/one2.out" || die "one capture: --jobs 2 output differs"
    for j in $order; do run "many$j" --jobs "$j" "${many[@]}"; done
    cmp -s "$work/many1.out" "$work/many2.out" || die "many files: --jobs 2 output differs"
done
load_after=$(load)

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v c="$2" '{ print $c }' "$work/$1.t"; }

pk=$(capinfos -c -M "$cap" 2>/dev/null | awk -F': *' '/Number of packets/ { print $2 }' || true)
echo "tcp-lifecycle report --pcap --jobs 2 against --jobs 1, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine:  $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
echo "one:      $cap${pk:+ ($pk packets)}"
echo "many:     $files files of $((conn / files)) connections ($(awk '{ print $2 }' "$work/gen.txt" | tail -n 1) packets in the last)"
echo "runs:     $reps repetitions each, alternating; medians"
echo "load:     1-min load average $load_before before, $load_after after"
echo
printf '%-24s %9s %9s %12s\n' run "wall s" "CPU s" "peak RSS MB"
for l in one1 one2 many1 many2; do
    case $l in
    one*) name="one capture, --jobs ${l#one}" ;;
    *) name="many files, --jobs ${l#many}" ;;
    esac
    printf '%-24s %9.3f %9.2f %12.1f\n' "$name" "$(col $l 1 | median)" "$(col $l 2 | median)" \
        "$(col $l 3 | median | awk '{ print $1 / 1024 }')"
done
echo
for s in one many; do
    ratio=$(paste <(col ${s}1 1) <(col ${s}2 1) | awk '{ print $1 / $2 }' | median)
    target=1.8
    [ $s = many ] && target=1.9
    printf '%-34s %6.3f  (issue 12 target >= %s)\n' \
        "$([ $s = one ] && echo "speed-up, one capture:" || echo "speed-up, many files:")" "$ratio" "$target"
done
