#!/bin/bash
# percore.sh - where one core's time goes in `report --pcap` (issue 12,
# part 2), side by side in one run: instructions per packet and wall
# packets/s of each stage, and each one's ratio to the libpcap read floor.
#
# Stages (bench/percore.c, built as build*/tests/annotate/percore):
#   floor   libpcap's pcap_next_ex alone, the cost any capture reader pays
#   read    the program's own reader (postproc/pcap_in.c)
#   decode  + link/IP/TCP decoding into tuple and segment
#   step    + connection lookup, engine step, timeline recording, the end
# and then the program itself, `report --pcap --jobs 1 --format F`, for
# json, csv, text and zeek: what output formatting adds.
#
# Instructions come from valgrind (cachegrind, no cache simulation) on the
# whole capture minus a run on its first packet alone, divided by the
# packets in between: start-up is taken out, and no load on the machine
# moves them.  Wall packets/s is the median of -n runs; it means something
# only on a quiet machine (the 1-minute load average is printed).
# With --profile, callgrind splits the json report's instructions by part
# of the path (reading, decoding, lookup, engine, Zeek bookkeeping,
# recording, output).
#
# usage: bench/percore.sh [-n REPS] [-B BUILD_DIR] [--no-build] [--no-valgrind] [--profile] [CAPTURE]
# (default: 5 runs, build-bench, build-bench/bench.pcap; ~2 min)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=$top/build-bench
reps=5
cap=
do_build=1
do_vg=1
profile=0

die() { echo "percore.sh: $*" >&2; exit 1; }
usage() { sed -n 's/^# usage: /usage: /p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
    -n) [ $# -ge 2 ] || usage
        [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le 100 ] ||
            { echo "percore.sh: -n: expected an integer in 1..100, got '$2'" >&2; exit 2; }
        reps=$2; shift 2 ;;
    -B) [ $# -ge 2 ] || usage; build=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --no-valgrind) do_vg=0; shift ;;
    --profile) profile=1; shift ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) [ -z "$cap" ] || usage; cap=$1; shift ;;
    esac
done
[ -n "$cap" ] || cap=$build/bench.pcap
[ -f "$cap" ] || die "no capture $cap: give one or run bench/make-capture.sh (as root)"
if [ $do_vg = 1 ] || [ $profile = 1 ]; then
    command -v valgrind >/dev/null || die "needs valgrind (or --no-valgrind)"
fi
command -v tcpdump >/dev/null || die "needs tcpdump (to cut the one-packet capture)"

if [ $do_build = 1 ]; then
    mkdir -p "$build"
    cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release >"$build/percore-configure.log" 2>&1 ||
        die "cmake configure failed, see $build/percore-configure.log"
    cmake --build "$build" -j2 --target tcp-lifecycle percore >"$build/percore-build.log" 2>&1 ||
        die "build failed, see $build/percore-build.log"
fi
cli=$build/postproc/tcp-lifecycle
stages=$build/tests/annotate/percore
[ -x "$cli" ] && [ -x "$stages" ] || die "no tcp-lifecycle or percore in $build (drop --no-build)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
one=$work/one.pcap
tcpdump -r "$cap" -c 1 -w "$one" 2>/dev/null || die "tcpdump could not cut $cap"
packets=$("$stages" floor "$cap" | cut -d' ' -f2)
[ "$packets" -ge 2 ] || die "$cap has fewer than 2 packets"

rows=(floor read decode step json csv text zeek)

# cmd ROW CAPTURE: the command line of a row
cmd() {
    case $1 in
    floor|read|decode|step) echo "$stages $1 $2" ;;
    *) echo "$cli report --pcap --jobs 1 --format $1 $2" ;;
    esac
}

# irefs ROW CAPTURE: instructions the row executes on CAPTURE
irefs() {
    # shellcheck disable=SC2046
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        $(cmd "$1" "$2") 2>"$work/vg.err" >/dev/null ||
        die "$1 failed under valgrind: $(tail -3 "$work/vg.err")"
    sed -n 's/.*I *refs: *//p' "$work/vg.err" | tr -d ,
}

# wall ROW: one run's packets per second (the stages time their own run
# from opening the file; the program is timed around the whole command)
wall() {
    case $1 in
    floor|read|decode|step) $(cmd "$1" "$cap") | cut -d' ' -f4 ;;
    *)  local t0=$EPOCHREALTIME
        # shellcheck disable=SC2046
        $(cmd "$1" "$cap") >/dev/null || die "$1 failed"
        local t1=$EPOCHREALTIME
        awk -v p="$packets" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f\n", p / (b - a) }' ;;
    esac
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

load_before=$(cut -d' ' -f1 /proc/loadavg)
declare -A ipp pps
for r in "${rows[@]}"; do
    if [ $do_vg = 1 ]; then
        full=$(irefs "$r" "$cap")
        base=$(irefs "$r" "$one")
        ipp[$r]=$(awk -v f="$full" -v b="$base" -v n="$packets" 'BEGIN { printf "%.0f", (f - b) / (n - 1) }')
    else
        ipp[$r]=-
    fi
done
# Rows alternate within each repetition, so drift hits all of them alike.
for ((i = 0; i < reps; i++)); do
    for r in "${rows[@]}"; do
        wall "$r" >>"$work/wall.$r"
    done
done
for r in "${rows[@]}"; do
    pps[$r]=$(median <"$work/wall.$r")
done
load_after=$(cut -d' ' -f1 /proc/loadavg)

echo "tcp-lifecycle report --pcap, one core, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine:  $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "capture:  $cap ($packets packets)"
echo "runs:     instructions: valgrind, whole capture minus its first packet alone;"
echo "          wall: median of $reps runs (stages from opening the file, the program whole)"
echo "load:     1-min load average $load_before before, $load_after after (wall figures need < 0.5)"
echo
printf '%-8s %12s %10s %14s %10s\n' row instr/pkt "x floor" "wall pkt/s" "floor/x"
for r in "${rows[@]}"; do
    if [ "${ipp[$r]}" = - ]; then
        ratio=-
    else
        ratio=$(awk -v a="${ipp[$r]}" -v b="${ipp[floor]}" 'BEGIN { printf "%.2f", a / b }')
    fi
    slow=$(awk -v a="${pps[$r]}" -v b="${pps[floor]}" 'BEGIN { printf "%.2f", (a > 0) ? b / a : 0 }')
    name=$r
    case $r in json|csv|text|zeek) name="report $r" ;; esac
    printf '%-12s %8s %10s %14s %10s\n' "$name" "${ipp[$r]}" "$ratio" "${pps[$r]}" "$slow"
done

[ $profile = 1 ] || exit 0

# Where the json report's instructions go.  Reading, decoding and output
# are differences between the rows above; what the step stage adds is split
# by callgrind on that stage into the engine (tcpl_step and tcpl_finish
# without the Zeek bookkeeping they call), the Zeek bookkeeping, the
# timeline recording, and the rest: the connection lookup and the
# tracker's lists.
[ $do_vg = 1 ] || die "--profile needs the instruction counts (drop --no-valgrind)"
echo
out=$work/cg.out
# shellcheck disable=SC2046
valgrind --tool=callgrind --callgrind-out-file="$out" $(cmd step "$cap") >/dev/null 2>"$work/cg.err" ||
    die "callgrind failed: $(tail -3 "$work/cg.err")"
callgrind_annotate --inclusive=yes "$out" 2>/dev/null >"$work/incl.txt"
# fn NAME: the inclusive count of function NAME (0 when inlined away)
fn() {
    awk -v name="$1" '$0 ~ ":" name " " {gsub(",", "", $1); print $1; found = 1; exit}
        END { if (!found) print 0 }' "$work/incl.txt"
}
awk -v n="$packets" -v floor="${ipp[floor]}" -v rd="${ipp[read]}" \
    -v dec="${ipp[decode]}" -v step="${ipp[step]}" -v json="${ipp[json]}" \
    -v eng="$(fn tcpl_step)" -v fin="$(fn tcpl_finish)" -v zeek="$(fn eng_zeek_step)" \
    -v rec="$(fn record)" -v rseg="$(fn record_segment)" 'BEGIN {
    eng = (eng + fin - zeek) / n; zeek /= n; rec = (rec + rseg) / n
    lookup = step - dec - eng - zeek - rec
    printf "where report --pcap --format json spends its %d instructions per packet\n", json
    printf "%-44s %10s %7s\n", "part", "instr/pkt", "share"
    row("reading (pcap_in.c; libpcap floor " floor ")", rd)
    row("decoding (link, IP, TCP, tuple, segment)", dec - rd)
    row("connection lookup, tracker lists", lookup)
    row("engine step and finish, without Zeek", eng)
    row("Zeek bookkeeping (eng_zeek_step)", zeek)
    row("timeline and segment recording", rec)
    row("output formatting and writing (json)", json - step)
}
function row(name, v) { printf "%-44s %10.0f %6.1f%%\n", name, v, 100 * v / json }'
