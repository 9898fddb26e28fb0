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
# --split runs callgrind instead, on plain and plugin only, and prints
# where the plugin's extra instructions go: its postdissector (engine step,
# wire decode, flow lookup, tree items, columns, expert info, tap), then
# tshark's own work for the extra items (the -T fields walk, printing the
# three values, freeing the tree).  Each part is a difference of inclusive
# counts of exported symbols between the two runs, per packet; start-up is
# not taken out there (~80 a packet at the default 10000 packets).
#
# usage: bench/instructions.sh [-c PACKETS] [-B BUILD_DIR] [--build] [--split] [CAPTURE]
# (default 30000 packets, 10000 with --split; a few minutes: valgrind runs
# ~50x slower, callgrind ~100x)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=$top/build-bench
count=
cap=
rebuild=0
split=0

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
    --split) split=1; shift ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) [ -z "$cap" ] || usage; cap=$1; shift ;;
    esac
done
[ -n "$count" ] || { [ $split = 1 ] && count=10000 || count=30000; }
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

# split: callgrind on plain and plugin, inclusive counts per symbol, and the
# difference per packet for the parts named below.
if [ $split = 1 ]; then
    command -v callgrind_annotate >/dev/null || die "needs callgrind_annotate (valgrind)"
    cg=$work/callgrind
    mkdir -p "$cg"
    chmod 777 "$cg" # tshark runs as nobody and writes its profile here
    cgrun() {
        local v=$1 dir=$work/plugins-tcpl extra=("${lc[@]}")
        [ "$v" = plain ] && { dir=$work/plugins-none; extra=(); }
        setpriv --reuid=nobody --regid=nogroup --clear-groups \
            env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME=/nonexistent WIRESHARK_PLUGIN_DIR="$dir" \
            valgrind --tool=callgrind --callgrind-out-file="$cg/$v.out" \
            tshark -r "$cap" -c "$count" "${base[@]}" "${extra[@]}" >"$cg/$v.txt" 2>"$cg/$v.err" ||
            { echo "$v: tshark under callgrind failed (see $cg/$v.err)" >&2; return 1; }
        [ "$(wc -l <"$cg/$v.txt")" = "$count" ] || { echo "$v: tshark printed the wrong number of lines" >&2; return 1; }
        callgrind_annotate --inclusive=yes --threshold=100 "$cg/$v.out" >"$cg/$v.incl" 2>/dev/null
    }
    echo "instructions.sh: callgrind, $count packets, plain and plugin side by side" >&2
    cgrun plain & p1=$!
    cgrun plugin & p2=$!
    wait $p1 || die "the plain callgrind run failed"
    wait $p2 || die "the plugin callgrind run failed"
    # Each row: symbol, indent, label.  A symbol's inclusive count in the
    # plugin run minus the plain run, divided by the packets.
    awk -v n="$count" -v cap="$cap" '
        function val(line) { v = line; sub(/^ */, "", v); sub(/ .*/, "", v); gsub(/,/, "", v); return v + 0 }
        function sym(line) { s = line; sub(/^ *[0-9,]+ *\([^)]*\) */, "", s); sub(/ \[.*$/, "", s); sub(/^.*:/, "", s); return s }
        FNR == 1 { f++ }
        /^ *[0-9,]+ *\(/ { k = sym($0); if (k ~ /^PROGRAM TOTALS/) k = "TOTAL"; c[f, k] += val($0) }
        END {
            split("TOTAL|0|all of tshark;" \
                  "dissect_tcp_lifecycle|1|the postdissector;" \
                  "compute|2|first pass (decode, lookup, engine, store);" \
                  "tcpl_wire_decode|3|wire decode (tcpl_wire_decode);" \
                  "tcpl_step|3|engine step (tcpl_step);" \
                  "compute-tcpl_wire_decode-tcpl_step|3|flow lookup and the frame record (the rest);" \
                  "draw|2|drawing (draw: items, summaries, expert info);" \
                  "proto_tree_add_string|3|string items (proto_tree_add_string);" \
                  "proto_tree_add_uint|3|subtree items (proto_tree_add_uint);" \
                  "proto_tree_add_time|3|time items (proto_tree_add_time);" \
                  "proto_tree_add_boolean|3|boolean items (proto_tree_add_boolean);" \
                  "expert_add_info_format|3|expert info (expert_add_info_format);" \
                  "tcpl_zeek_verdict|3|Zeek conn_state and history (tcpl_zeek_verdict);" \
                  "col_prepend_fstr|2|Info column tag (col_prepend_fstr);" \
                  "tap_queue_packet|2|Statistics tap (tap_queue_packet);" \
                  "write_fields_proto_tree|1|tshark -T fields: walking the tree;" \
                  "get_node_field_value|2|printing field values (get_node_field_value);" \
                  "epan_dissect_reset|1|freeing the tree (epan_dissect_reset)", rows, ";")
            printf "extra instructions per packet, plugin run minus plain run, first %d packets of %s\n", n, cap
            printf "(callgrind, inclusive; start-up included in the total)\n"
            for (i = 1; i in rows; i++) {
                split(rows[i], r, "|")
                # "a-b-c": a less b and c, all in the plugin run
                ns = split(r[1], t, "-")
                d = (c[2, t[1]] - c[1, t[1]]) / n
                for (j = 2; j <= ns; j++)
                    d -= c[2, t[j]] / n
                printf "%9.0f  %*s%s\n", d, 2 * r[2], "", r[3]
            }
        }' "$cg/plain.incl" "$cg/plugin.incl" | tee "$work/split.txt"
    exit 0
fi

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
