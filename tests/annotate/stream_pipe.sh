#!/bin/sh
# stream_pipe.sh - `report --pcap -` and --streaming against the plain
# file report.
#
# On every capture of captures/ and on all of them merged into one:
#   - from a pipe, the report is the file's (but for the file's name);
#   - streaming (JSON and CSV, file and pipe), the records are the file
#     report's, possibly in another order (as lifecycles end), and the
#     totals are the same;
#   - --max-connections 1 on the merged set evicts, marks and counts.
# Then a pipe that stays open (the writer has sent the whole merged
# capture and waits): SIGINT ends the streamed report with exit 0, every
# lifecycle written and the totals last, equal to the file's; SIGTERM too.
#
# usage: stream_pipe.sh TCP_LIFECYCLE CAPTURES_DIR
. "$(dirname "$0")/lib.sh"
cli=$1 capdir=$2

set --
for c in "$capdir"/*.pcap; do
    [ -f "$c" ] || continue
    set -- "$@" "$c"
done
[ $# -gt 0 ] || die "no capture in $capdir"
mergecap -F pcap -w "$work/merged.pcap" "$@" || die "mergecap failed"
set -- "$@" "$work/merged.pcap"

strip_name() { sed 's/^{"file":"[^"]*",/{/' "$1"; }
sorted_records() { strip_name "$1" | grep '^{"stream":' | sort; }
k=0
for c in "$@"; do
    name=$(basename "$c")
    k=$((k + 1))
    "$cli" report --pcap --format json "$c" >"$work/file.json" 2>"$work/err" ||
        { fail "$name: report --pcap exited non-zero: $(head -n 1 "$work/err")"; continue; }
    strip_name "$work/file.json" >"$work/file.norm"
    sorted_records "$work/file.json" >"$work/file.rec"

    "$cli" report --pcap --format json - <"$c" >"$work/pipe.json" 2>"$work/err" ||
        fail "$name: from a pipe: exit non-zero: $(head -n 1 "$work/err")"
    strip_name "$work/pipe.json" | cmp -s - "$work/file.norm" ||
        fail "$name: from a pipe the report differs from the file's"

    for how in file pipe; do
        if [ $how = file ]; then
            "$cli" report --pcap --streaming --format json "$c" >"$work/s.json" 2>"$work/err"
        else
            "$cli" report --pcap --streaming --format json - <"$c" >"$work/s.json" 2>"$work/err"
        fi || fail "$name: streaming ($how) exited non-zero: $(head -n 1 "$work/err")"
        sorted_records "$work/s.json" | cmp -s - "$work/file.rec" ||
            fail "$name: streaming ($how): not the file report's records"
        [ "$(strip_name "$work/s.json" | tail -n 1)" = "$(tail -n 1 "$work/file.norm")" ] ||
            fail "$name: streaming ($how): totals differ"
    done
    "$cli" report --pcap --format csv "$c" >"$work/file.csv" 2>/dev/null || true
    "$cli" report --pcap --streaming --format csv - <"$c" >"$work/s.csv" 2>"$work/err" ||
        fail "$name: streaming CSV exited non-zero"
    [ "$(sed 1d "$work/file.csv" | cut -d, -f2- | sort)" = \
      "$(sed 1d "$work/s.csv" | cut -d, -f2- | sort)" ] ||
        fail "$name: streaming CSV rows differ from the file's"
    grep -q '^tcp-lifecycle: <stdin>: totals: [0-9]* TCP packets' "$work/err" ||
        fail "$name: streaming CSV: no totals on stderr"
done
echo "$me: $k inputs compared"

# --max-connections 1 on the merged set: some connections overlap.
m=$work/merged.pcap
"$cli" report --pcap --format json --max-connections 1 "$m" >"$work/cap.json" 2>"$work/err" ||
    fail "--max-connections 1: exit non-zero: $(head -n 1 "$work/err")"
ev=$(tail -n 1 "$work/cap.json" | sed -n 's/.*"evicted_max_connections":\([0-9]*\).*/\1/p')
marked=$(grep -c '"end_reason":"evicted"' "$work/cap.json" || true)
conns=$(tail -n 1 "$work/cap.json" | sed -n 's/.*"connections":\([0-9]*\).*/\1/p')
recs=$(grep -c '^{"file":"[^"]*","stream":' "$work/cap.json" || true)
[ -n "$ev" ] && [ "$ev" -gt 0 ] || fail "--max-connections 1: evicted_max_connections '$ev'"
[ "$marked" = "$ev" ] || fail "--max-connections 1: $marked records marked evicted, totals $ev"
[ "$recs" = "$conns" ] || fail "--max-connections 1: $recs records for $conns connections"
tail -n 1 "$work/cap.json" | grep -q '"peak_open":1,' || fail "--max-connections 1: peak_open is not 1"
grep -q '"evicted_max_connections"' "$work/file.json" &&
    fail "without --max-connections the totals have evicted_max_connections"
"$cli" report --pcap --max-connections 1 "$m" 2>/dev/null |
    grep -q "^  streams  .* $ev evicted by --max-connections" ||
    fail "--max-connections 1: the text header does not count the evicted"

# A pipe whose writer stays: only a signal ends the input.
"$cli" report --pcap --format json "$m" >"$work/file.json"
sorted_records "$work/file.json" >"$work/file.rec"
for sig in INT TERM; do
    rm -f "$work/fifo"
    mkfifo "$work/fifo"
    "$cli" report --pcap --streaming --format json - <"$work/fifo" >"$work/s.json" 2>"$work/err" &
    rpid=$!
    (cat "$m"; exec sleep 60) >"$work/fifo" &
    wpid=$!
    # Until the reader has taken every packet: the last frame's lifecycle
    # cannot end before, but records that ended earlier show it reads.
    i=0
    until [ -s "$work/s.json" ]; do
        i=$((i + 1))
        [ $i -lt 100 ] || break
        sleep 0.1
    done
    sleep 0.5
    kill -$sig "$rpid"
    rc=0
    wait "$rpid" || rc=$?
    kill "$wpid" 2>/dev/null || true
    wait "$wpid" 2>/dev/null || true
    [ "$rc" -eq 0 ] || fail "SIG$sig on a pipe: exit $rc: $(head -n 2 "$work/err")"
    tail -n 1 "$work/s.json" | grep -q '^{"file":"<stdin>","totals":{' ||
        fail "SIG$sig on a pipe: no totals last"
    sorted_records "$work/s.json" | cmp -s - "$work/file.rec" ||
        fail "SIG$sig on a pipe: not every lifecycle, or not the file's"
    [ "$(strip_name "$work/s.json" | tail -n 1)" = "$(strip_name "$work/file.json" | tail -n 1)" ] ||
        fail "SIG$sig on a pipe: totals differ from the file's"
done
finish
