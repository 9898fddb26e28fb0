#!/bin/bash
# profile.sh - where tshark spends its time with the plugin, next to without.
#
# When run.sh shows the plugin over its targets, the question is which code
# pays: our postdissector and engine, the tree items it adds, or Wireshark
# code it makes run (field lookups, proto data, string formatting).  This
# samples tshark with perf (software cpu-clock, which works in VMs without a
# PMU) on the first packets of the benchmark capture, with the plugin and
# without, and prints the shared-object split of both and the plugin run's
# hottest symbols.  Run as root after run.sh (it reuses run.sh's plugin
# folders under BUILD_DIR/bench-work).
#
# usage: bench/profile.sh [-c PACKETS] [-B BUILD_DIR] [CAPTURE]
# (default 200000 packets; takes a few minutes, mostly perf report)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=$top/build-bench
count=200000
cap=

die() { echo "profile.sh: $*" >&2; exit 1; }
usage() { sed -n 's/^# usage: /usage: /p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
    -c) [ $# -ge 2 ] || usage
        [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 1000 ] ||
            { echo "profile.sh: -c: expected an integer >= 1000, got '$2'" >&2; exit 2; }
        count=$2; shift 2 ;;
    -B) [ $# -ge 2 ] || usage; build=$2; shift 2 ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) [ -z "$cap" ] || usage; cap=$1; shift ;;
    esac
done
[ "$(id -u)" = 0 ] || die "run as root"
command -v perf >/dev/null || die "needs perf (apt-get install linux-perf)"
work=$build/bench-work
[ -d "$work/plugins-tcpl" ] || die "run bench/run.sh first (it prepares $work)"
[ -n "$cap" ] || cap=$work/bench.pcap
[ -f "$cap" ] || cap=$build/bench.pcap
[ -f "$cap" ] || die "no capture: give one or run bench/make-capture.sh"
find "$work/plugins-tcpl" -name tcp_lifecycle.so | grep -q . || die "no plugin in $work/plugins-tcpl"

fields=(-T fields -e tcp.stream -e tcp.flags)
lc=(-e tcp.lifecycle.src_state -e tcp.lifecycle.dst_state -e tcp.lifecycle.anomaly)
# DWARF call graphs: Debian's Wireshark libraries have no frame pointers,
# but their .eh_frame lets perf unwind, so inclusive costs are known.
for v in plain plugin; do
    if [ $v = plain ]; then dir=$work/plugins-none; extra=(); else dir=$work/plugins-tcpl; extra=("${lc[@]}"); fi
    echo "profile.sh: recording $v ($count packets)" >&2
    perf record -q -e cpu-clock -F 999 --call-graph dwarf,16384 -o "$work/perf.$v.data" -- \
        setpriv --reuid=nobody --regid=nogroup --clear-groups \
        env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME=/nonexistent WIRESHARK_PLUGIN_DIR="$dir" \
        tshark -r "$cap" -c "$count" "${fields[@]}" "${extra[@]}" >/dev/null 2>"$work/perf.$v.err" ||
        die "perf record ($v) failed: $(tail -1 "$work/perf.$v.err")"
    grep -q 'tshark:' "$work/perf.$v.err" && die "tshark ($v): $(grep -m1 'tshark:' "$work/perf.$v.err")"
    echo "profile.sh: reading $v's samples (slow with DWARF call graphs)" >&2
    # Inclusive ("children") and self sample counts per symbol.
    perf report -i "$work/perf.$v.data" --children --sort sym --stdio -g none -n 2>/dev/null |
        awk '/^ +[0-9.]+%/ { p = $1; sub(/%/, "", p); $1 = $2 = $3 = ""; sub(/^ +/, ""); sub(/^\[[^]]*\] /, ""); print p "\t" $0 }' \
        >"$work/perf.$v.incl"   # inclusive share in percent
    perf report -i "$work/perf.$v.data" --no-children --sort dso,sym --stdio -g none -n 2>/dev/null |
        awk '/^ +[0-9.]+%/ { n = $2; $1 = $2 = ""; sub(/^ +/, ""); print n "\t" $0 }' >"$work/perf.$v.self"
done

total() { awk -F'\t' '{ t += $1 } END { print t + 0 }' "$1"; }
tp=$(total "$work/perf.plain.self"); tl=$(total "$work/perf.plugin.self")
echo "== samples (1 ms each at 999 Hz), first $count packets"
awk -v a="$tp" -v b="$tl" 'BEGIN { printf "plain %d, plugin %d: %+d (%+.1f%%)\n", a, b, b - a, 100 * (b - a) / a }'
echo "== inclusive samples of the main parts (plain / plugin / difference)"
for sym in __libc_start_call_main epan_dissect_run_with_taps call_all_postdissectors \
    dissect_tcp_lifecycle compute draw tcpl_step tcpl_wire_decode proto_tree_children_foreach \
    fputc proto_tree_add_item_new proto_tree_add_string wmem_map_lookup wmem_map_insert \
    wmem_alloc p_add_proto_data p_get_proto_data expert_add_info_format asm_exc_page_fault dl_main; do
    a=$(awk -F'\t' -v s="$sym" -v t="$tp" '$2 == s { printf "%d", $1 * t / 100 + 0.5; exit }' "$work/perf.plain.incl")
    b=$(awk -F'\t' -v s="$sym" -v t="$tl" '$2 == s { printf "%d", $1 * t / 100 + 0.5; exit }' "$work/perf.plugin.incl")
    printf '%-32s %7s %7s %+7d\n' "$sym" "${a:-0}" "${b:-0}" "$(( ${b:-0} - ${a:-0} ))"
done
echo "== symbols with the most extra self samples in the plugin run"
awk -F'\t' 'NR == FNR { base[$2] = $1; next } { d = $1 - base[$2]; if (d > 0) print d "\t" $2 }' \
    "$work/perf.plain.self" "$work/perf.plugin.self" | sort -t$'\t' -k1,1nr | head -20
echo "== self samples in tcp_lifecycle.so"
grep 'tcp_lifecycle.so' "$work/perf.plugin.self" | sort -t$'\t' -k1,1nr | head -12
echo "== call chains: perf report -i $work/perf.plugin.data --children"
