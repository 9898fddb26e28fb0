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
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=$top/build-bench
count=100000
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
for v in plain plugin; do
    if [ $v = plain ]; then dir=$work/plugins-none; extra=(); else dir=$work/plugins-tcpl; extra=("${lc[@]}"); fi
    perf record -q -e cpu-clock -F 1999 -g -o "$work/perf.$v.data" -- \
        setpriv --reuid=nobody --regid=nogroup --clear-groups \
        env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME=/nonexistent WIRESHARK_PLUGIN_DIR="$dir" \
        tshark -r "$cap" -c "$count" "${fields[@]}" "${extra[@]}" >/dev/null 2>"$work/perf.$v.err" ||
        die "perf record ($v) failed: $(tail -1 "$work/perf.$v.err")"
    echo "== $v: samples by shared object (first $count packets)"
    perf report -i "$work/perf.$v.data" --no-children --sort dso --stdio 2>/dev/null |
        grep -E '^ +[0-9]' | head -8
done
# Absolute sample counts, so the two runs compare directly (same sampling
# rate, same packets): what the plugin run spends more, symbol by symbol.
samples() { # DATA -> "count<TAB>dso sym" per symbol
    perf report -i "$1" --no-children --sort dso,sym --stdio -g none -n 2>/dev/null |
        awk '/^ +[0-9.]+%/ { n = $2; $1 = ""; $2 = ""; sub(/^ +/, ""); print n "\t" $0 }'
}
samples "$work/perf.plain.data" >"$work/perf.plain.txt"
samples "$work/perf.plugin.data" >"$work/perf.plugin.txt"
awk -F'\t' 'NR == FNR { base[$2] = $1; tb += $1; next }
    { tp += $1; d = $1 - base[$2]; if (d > 0) print d "\t" $2 }
    END { printf "total samples: plain %d, plugin %d (+%.1f%%)\n", tb, tp, 100 * (tp - tb) / tb > "/dev/stderr" }' \
    "$work/perf.plain.txt" "$work/perf.plugin.txt" | sort -t$'\t' -k1,1nr | head -25 >"$work/perf.diff.txt"
echo "== symbols with the most extra samples in the plugin run (1 sample = 0.5 ms)"
cat "$work/perf.diff.txt"
echo "== symbols in tcp_lifecycle.so (self samples)"
grep 'tcp_lifecycle.so' "$work/perf.plugin.txt" | sort -t$'\t' -k1,1nr | head -15
echo "== call chains: perf report -i $work/perf.plugin.data --children"
