#!/bin/sh
# streaming.sh TOOL GEN_EXPORT
# Memory follows the connections open at a time, not the input: 25000 and
# 100000 short connections, 50 at a time, go through report with a short linger.
# The tracker's own peak of lifecycles held must stay near the concurrency,
# the process's peak RSS must not grow with a 4x larger input, and every
# connection must still be reported (none lost to eviction).
set -u
tool=$1 gen=$2
# AddressSanitizer keeps freed memory in quarantine (256 MB by default),
# which would read as growth; the test is about what the program holds.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0
export ASAN_OPTIONS
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { # CONNECTIONS -> prints "peak_open connections streams maxrss_kb"
    "$gen" "$1" 50 > "$work/in.tsv" || exit 1
    /usr/bin/time -f '%M' -o "$work/rss" \
        "$tool" report --format csv --linger 0.005 "$work/in.tsv" > "$work/out.csv" || exit 1
    streams=$(($(wc -l < "$work/out.csv") - 1))
    "$tool" report --format json --anomalies-only --linger 0.005 "$work/in.tsv" | tail -n 1 > "$work/tot"
    peak=$(sed 's/.*"peak_open":\([0-9]*\).*/\1/' "$work/tot")
    conns=$(sed 's/.*"connections":\([0-9]*\).*/\1/' "$work/tot")
    echo "$peak $conns $streams $(cat "$work/rss")"
}
set -- $(run 25000); p1=$1 c1=$2 s1=$3 m1=$4
set -- $(run 100000); p2=$1 c2=$2 s2=$3 m2=$4
echo "25000 connections: peak_open $p1, reported $s1 of $c1, max RSS $m1 kB"
echo "100000 connections: peak_open $p2, reported $s2 of $c2, max RSS $m2 kB"
fail=0
[ "$c1" = 25000 ] && [ "$s1" = 25000 ] || { echo "connections lost at 25000"; fail=1; }
[ "$c2" = 100000 ] && [ "$s2" = 100000 ] || { echo "connections lost at 100000"; fail=1; }
# 50 open plus those lingering 5 ms (500 packets at 10 us, 63 connections).
[ "$p2" -le 200 ] || { echo "peak_open $p2 > 200: lifecycles are not released"; fail=1; }
# 4x the input may not cost more than 25% more memory (sanitizer builds
# have a larger, but equally flat, baseline).
[ $((m2 * 4)) -le $((m1 * 5)) ] || { echo "RSS grew from $m1 to $m2 kB"; fail=1; }
exit $fail
