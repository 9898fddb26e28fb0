#!/bin/bash
# instructions.sh - the plugin's cost in instructions per packet.
#
# Wall and CPU times move with whatever else the machine runs; instruction
# counts do not.  This counts the instructions tshark executes (valgrind
# cachegrind without cache simulation) on the first N packets of the
# benchmark capture and on the first packet only, and divides the
# difference by N-1: instructions per packet with start-up (library
# loading, field registration) taken out.  Three variants, as in run.sh:
# plain (no plugin loaded), plugin (printing three tcp.lifecycle fields),
# pluginq (plugin loaded, printing only plain's fields).  The ratio is a
# load-proof companion to run.sh's CPU-time ratio; it leaves out I/O,
# memory stalls and page faults, so it is not a wall-time ratio.
# Run as root.  It reuses run.sh's plugin folders; without them, or with
# --build (to measure the plugin as the tree now has it: run.sh's copy may
# be older), it builds the plugin (Release) and lays them out itself.
#
# usage: bench/instructions.sh [-c PACKETS] [-B BUILD_DIR] [--build] [CAPTURE]
# (default 30000 packets; a few minutes: valgrind runs ~50x slower)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=$top/build-bench
count=30000
cap=
rebuild=0

die() { echo "instructions.sh: $*" >&2; exit 1; }
usage() { sed -n 's/^# usage: /usage: /p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
    -c) [ $# -ge 2 ] || usage
        [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 1000 ] && [ "$2" -le 1000000 ] ||
            { echo "instructions.sh: -c: expected an integer in 1000..1000000, got '$2'" >&2; exit 2; }
        count=$2; shift 2 ;;
    -B) [ $# -ge 2 ] || usage; build=$2; shift 2 ;;
    --build) rebuild=1; shift ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) [ -z "$cap" ] || usage; cap=$1; shift ;;
    esac
done
[ "$(id -u)" = 0 ] || die "run as root"
command -v valgrind >/dev/null || die "needs valgrind (apt-get install valgrind)"
work=$build/bench-work
if [ $rebuild = 1 ] || ! find "$work/plugins-tcpl" -name tcp_lifecycle.so 2>/dev/null | grep -q .; then
    command -v cmake >/dev/null || die "needs cmake to build the plugin (or run bench/run.sh first)"
    mkdir -p "$build"
    cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release >"$build/instructions-build.log" 2>&1 &&
        cmake --build "$build" -j2 --target tcp_lifecycle >>"$build/instructions-build.log" 2>&1 ||
        die "building the plugin failed, see $build/instructions-build.log"
    so=$(find "$build" -path "$work" -prune -o -name tcp_lifecycle.so -type f -print | head -1)
    [ -n "$so" ] || die "the build made no tcp_lifecycle.so"
    ws_ver=$(tshark --version 2>/dev/null | sed -n '1s/.* \([0-9]*\.[0-9]*\)\.[0-9]*.*/\1/p')
    rm -rf "$work/plugins-none" "$work/plugins-tcpl"
    mkdir -p "$work/plugins-none/$ws_ver/epan" "$work/plugins-tcpl/$ws_ver/epan"
    install -m 644 "$so" "$work/plugins-tcpl/$ws_ver/epan/"
    chmod 755 "$work"
    chmod -R a+rX "$work/plugins-none" "$work/plugins-tcpl"
fi
[ -n "$cap" ] || cap=$work/bench.pcap
[ -f "$cap" ] || cap=$build/bench.pcap
[ -f "$cap" ] || die "no capture: give one or run bench/make-capture.sh"
packets=$(capinfos -M -c -T -r "$cap" | cut -f2)
[ "$packets" -ge "$count" ] || die "$cap has $packets packets, fewer than $count"

base=(-T fields -e tcp.stream -e tcp.flags)
lc=(-e tcp.lifecycle.src_state -e tcp.lifecycle.dst_state -e tcp.lifecycle.anomaly)

# irefs VARIANT PACKETS: writes the instruction count to $work/ir.VARIANT.PACKETS
irefs() {
    local v=$1 n=$2 dir=$work/plugins-tcpl extra=()
    case $v in
    plain) dir=$work/plugins-none ;;
    plugin) extra=("${lc[@]}") ;;
    esac
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
        env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME=/nonexistent WIRESHARK_PLUGIN_DIR="$dir" \
        valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        tshark -r "$cap" -c "$n" "${base[@]}" "${extra[@]}" 2>"$work/ir.$v.$n.err" >"$work/ir.$v.$n.out"
    [ "$(wc -l <"$work/ir.$v.$n.out")" = "$n" ] || { echo "$v: tshark printed the wrong number of lines" >&2; return 1; }
    if [ $v = plugin ] && ! awk -F'\t' '$3 != "" { f = 1 } END { exit !f }' "$work/ir.$v.$n.out"; then
        echo "plugin: no tcp.lifecycle values: plugin not working" >&2; return 1
    fi
    sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$work/ir.$v.$n.err" | tr -d , >"$work/ir.$v.$n"
    [ -s "$work/ir.$v.$n" ] || { echo "$v: no instruction count from valgrind" >&2; return 1; }
}

echo "instructions.sh: counting with valgrind, $count packets (two runs at a time)" >&2
pids=()
for v in plain plugin pluginq; do
    irefs $v 1 & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || die "a valgrind run failed (see $work/ir.*.err)"; done
pids=()
irefs plain "$count" & pids+=($!)
irefs plugin "$count" & pids+=($!)
for p in "${pids[@]}"; do wait "$p" || die "a valgrind run failed (see $work/ir.*.err)"; done
irefs pluginq "$count" || die "the pluginq valgrind run failed"

per() { awk -v a="$(cat "$work/ir.$1.$count")" -v b="$(cat "$work/ir.$1.1")" -v n="$count" \
    'BEGIN { printf "%.0f", (a - b) / (n - 1) }'; }
pp=$(per plain); pl=$(per plugin); pq=$(per pluginq)
{
    echo "instructions per packet, first $count packets of $cap (start-up excluded)"
    printf '%-8s %12s %12s\n' variant "instr/pkt" "start-up"
    for v in plain plugin pluginq; do
        printf '%-8s %12s %12s\n' $v "$(per $v)" "$(cat "$work/ir.$v.1")"
    done
    awk -v a="$pl" -v b="$pp" -v q="$pq" 'BEGIN {
        printf "plugin/plain  %.3f (+%.0f instructions per packet)\n", a / b, a - b
        printf "pluginq/plain %.3f (+%.0f instructions per packet)\n", q / b, q - b }'
} | tee "$work/instructions.txt"
