#!/bin/bash
# bigcap.sh - memory and time as a capture grows (issue 12, part 4): report
# --pcap (with and without --max-connections), annotate and the plugin
# (tshark, one pass) over synthetic captures of 1, 3 and 10 million
# packets made by bench/gencap (deterministic), with the real-kernel
# benchmark capture (bench/make-capture.sh) merged in when it exists.
#
# gencap makes ~9.4 packets per connection at a fixed concurrency (2000
# connections open at once by default) and 20 us between packets, so the
# 10 M capture spans ~200 s and holds ~1.06 M connections.  What report
# keeps in memory is the connections open at a time plus those that closed
# less than --linger (65 s) ago: once a capture is longer than the linger,
# that stops growing, and so must report's peak RSS.  The plugin keeps
# state per frame as Wireshark itself does, so its memory grows with the
# capture; the table gives both per-packet costs.
#
# Peak RSS and CPU from GNU time; wall time too, but on a loaded machine
# only CPU time and memory mean much (the load average is printed).
#
# usage: bench/bigcap.sh [-B BUILD_DIR] [-s "1 3 10"] [-p "1 3 10"] [--no-mix]
#   -s SIZES   capture sizes in millions of packets (default "1 3 10")
#   -p SIZES   the sizes the plugin runs on (default: all; "" for none)
#   --no-mix   leave the real-kernel capture out
# Needs: root (tshark runs as nobody), tshark, mergecap, setpriv, GNU time,
# ~2.5 GB free in /tmp for the 10 M capture (deleted at the end), and for
# the plugin at 10 M packets some 10 GB of memory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=$top/build-bench
sizes="1 3 10" psizes=unset mix=1

die() { echo "bigcap.sh: $*" >&2; exit 1; }
usage() { sed -n 's/^# usage: /usage: /p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
    -B) [ $# -ge 2 ] || usage; build=$2; shift 2 ;;
    -s) [ $# -ge 2 ] || usage; sizes=$2; shift 2 ;;
    -p) [ $# -ge 2 ] || usage; psizes=$2; shift 2 ;;
    --no-mix) mix=0; shift ;;
    *) usage ;;
    esac
done
[ "$psizes" != unset ] || psizes=$sizes
[ -x /usr/bin/time ] || die "needs GNU time: apt-get install time"
for s in $sizes $psizes; do [[ $s =~ ^[0-9]+$ ]] && [ "$s" -ge 1 ] || usage; done

cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target tcp-lifecycle gencap >/dev/null
cli=$build/postproc/tcp-lifecycle
gencap=$build/tests/annotate/gencap
plugin_so=
if [ -n "$psizes" ]; then
    [ "$(id -u)" = 0 ] || die "run as root for the plugin (tshark runs as nobody), or -p ''"
    cmake --build "$build" -j2 --target tcp_lifecycle >/dev/null
    plugin_so=$(find "$build" -path "$build/bench-work" -prune -o -name tcp_lifecycle.so -type f -print | head -1)
    [ -n "$plugin_so" ] || die "the plugin was not built"
fi
real=$build/bench.pcap
[ $mix = 1 ] && [ -f "$real" ] || real=

work=$(mktemp -d /tmp/tcpl-bigcap.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
if [ -n "$plugin_so" ]; then
    ws_ver=$(tshark --version 2>/dev/null | sed -n '1s/.* \([0-9]*\.[0-9]*\)\.[0-9]*.*/\1/p')
    mkdir -p "$work/plugins/$ws_ver/epan"
    install -m 644 "$plugin_so" "$work/plugins/$ws_ver/epan/"
    chmod -R a+rX "$work/plugins"
fi

load() { cut -d' ' -f1 /proc/loadavg; }
echo "bigcap.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)"
echo "1-min load average at the start: $(load)"
echo "synthetic: bench/gencap -k 2000 (2000 open at once), 20 us between packets${real:+; merged with $real}"
echo
printf '%-6s %-32s %9s %9s %11s %10s\n' size run "wall s" "CPU s" "peak RSS MB" "peak open"

# measure LABEL SIZE CMD...: one line of the table
measure() {
    local label=$1 size=$2
    shift 2
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$work/out" 2>"$work/err" ||
        { echo "bigcap.sh: $label failed: $(tail -n 2 "$work/err")" >&2; return 0; }
    local peak=
    if head -c 1 "$work/out" | grep -q '{'; then
        peak=$(tail -n 1 "$work/out" | sed -n 's/.*"peak_open":\([0-9]*\).*/\1/p')
    fi
    read -r wall user sys rss <"$work/time"
    printf '%-6s %-32s %9.2f %9.2f %11.1f %10s\n' "${size}M" "$label" "$wall" \
        "$(echo "$user + $sys" | bc)" "$(echo "$rss / 1024" | bc -l)" "${peak:--}"
}

for m in $sizes; do
    cap=$work/cap.pcap
    conns=$((m * 1000000 * 10 / 94))
    "$gencap" -c "$conns" -k 2000 -s "$m" "$work/syn.pcap" 2>"$work/gen"
    if [ -n "$real" ]; then
        mergecap -F pcap -w "$cap" "$work/syn.pcap" "$real"
        rm -f "$work/syn.pcap"
    else
        mv "$work/syn.pcap" "$cap"
    fi
    chmod 644 "$cap"
    echo "# ${m}M: $(sed 's/^gencap: //' "$work/gen")${real:+ + the real-kernel capture}, $(du -m "$cap" | cut -f1) MB" >&2
    measure "report --pcap --jobs 1" "$m" "$cli" report --pcap --format json --jobs 1 "$cap"
    measure "report --pcap --jobs 2" "$m" "$cli" report --pcap --format json --jobs 2 "$cap"
    measure "report --max-connections 100000" "$m" "$cli" report --pcap --format json --jobs 1 \
        --max-connections 100000 "$cap"
    measure "report --linger 5" "$m" "$cli" report --pcap --format json --jobs 1 --linger 5 "$cap"
    measure "annotate" "$m" "$cli" annotate "$cap" "$work/ann.pcapng"
    rm -f "$work/ann.pcapng"
    if [[ " $psizes " == *" $m "* ]]; then
        measure "plugin (tshark, one pass)" "$m" setpriv --reuid=nobody --regid=nogroup \
            --clear-groups env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME=/nonexistent \
            WIRESHARK_PLUGIN_DIR="$work/plugins" tshark -r "$cap" -T fields -e tcp.stream \
            -e tcp.lifecycle.src_state -e tcp.lifecycle.dst_state -e tcp.lifecycle.anomaly
        measure "tshark alone (same fields)" "$m" setpriv --reuid=nobody --regid=nogroup \
            --clear-groups env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME=/nonexistent \
            WIRESHARK_PLUGIN_DIR="$work/none" tshark -r "$cap" -T fields -e tcp.stream -e tcp.flags
    fi
    rm -f "$cap"
done
echo
echo "1-min load average at the end: $(load)"
