#!/bin/sh
# shard.sh - `report --pcap FILE --jobs N` on one capture (N engine threads,
# the reader one of them, postproc/shard.c) writes byte for byte what `--jobs 1`
# writes: standard output, standard error and exit status, in every format.
#
# Inputs: each capture of captures/ alone, all of them merged into one, and
# a synthetic capture of many interleaved connections (bench/gencap) read
# with several lingers: 65 s (lifecycles end at the end of input), 10 ms
# and 0.5 ms (most end idle, in between other workers' packets, and the
# report's reorder heap overflows behind connections left open), 0 (never
# idle); Zeek's rows (--zeek-rows) of the merged and synthetic captures.
# Then filters, a capture cut mid-packet, and standard input.
# Last, that the threads are really there: while report waits on a pipe,
# /proc shows N threads with --jobs N (the reader is one of the engines),
# and one when the run must stay on one tracker (--jobs 1,
# --max-connections, --streaming).
#
# usage: shard.sh TCP_LIFECYCLE GENCAP CAPTURES_DIR
. "$(dirname "$0")/lib.sh"
cli=$1 gencap=$2 capdir=$3

set --
for c in "$capdir"/*.pcap; do
    [ -f "$c" ] || continue
    set -- "$@" "$c"
done
[ $# -gt 1 ] || die "fewer than two captures in $capdir"
mergecap -F pcap -w "$work/merged.pcap" "$@" || die "mergecap failed"
"$gencap" -c 12000 -k 300 -s 3 "$work/syn.pcap" 2>/dev/null || die "gencap failed"
size=$(wc -c <"$work/syn.pcap")
head -c $((size - 7)) "$work/syn.pcap" >"$work/cut.pcap"

compare() { # LABEL JOBS ARGS...: --jobs 1 against each of JOBS
    label=$1 jobs=$2
    shift 2
    rc1=0
    "$cli" report --jobs 1 "$@" <"$work/syn.pcap" >"$work/o1" 2>"$work/e1" || rc1=$?
    [ -s "$work/o1" ] || fail "$label: --jobs 1 wrote nothing"
    for n in $jobs; do
        rc=0
        "$cli" report --jobs "$n" "$@" <"$work/syn.pcap" >"$work/o" 2>"$work/e" || rc=$?
        [ "$rc" = "$rc1" ] || fail "$label: --jobs $n exits $rc, --jobs 1 $rc1"
        cmp -s "$work/o1" "$work/o" ||
            fail "$label: --jobs $n output differs: $(cmp "$work/o1" "$work/o" 2>&1)"
        cmp -s "$work/e1" "$work/e" ||
            fail "$label: --jobs $n messages differ:
$(diff "$work/e1" "$work/e" | head -n 4)"
    done
    checked=$((checked + 1))
}

checked=0
for fmt in text csv json; do
    for c in "$@" "$work/merged.pcap"; do
        compare "$(basename "$c"), $fmt" "2 3" --pcap --format "$fmt" "$c"
    done
    for linger in 65 0.01 0.0005 0; do
        compare "synthetic, linger $linger, $fmt" "2 3 5" --pcap --format "$fmt" \
            --linger "$linger" "$work/syn.pcap"
    done
done
# Zeek's rows travel from the workers with their lifecycles.
for c in "$work/merged.pcap" "$work/syn.pcap"; do
    compare "$(basename "$c"), zeek rows" "2 3" --pcap --format zeek --zeek-rows \
        --linger 0.01 "$c"
done
echo "$me: $checked captures and formats identical"
[ "$rc1" = 0 ] || fail "synthetic: exit $rc1"
# The counts that show the merge had work to do: idle ends and a peak
# well below the connections.
"$cli" report --pcap --linger 0.01 --jobs 2 "$work/syn.pcap" >"$work/o" ||
    fail "synthetic, linger 0.01: exit $?"
grep -q 'at most [0-9]* open at a time; [0-9]* reported early' "$work/o" ||
    fail "synthetic, linger 0.01: no lifecycle ended idle: $(sed -n 4p "$work/o")"

compare "anomalies only" "2 3" --pcap --anomalies-only --linger 0.001 "$work/syn.pcap"
# The per-host tally keeps lifecycles whole: the end of input's chunks
# then carry copies, placed unrendered.
compare "hosts, json" "2 3" --pcap --hosts --format json "$work/syn.pcap"
compare "hosts, text, linger 0.01" "2 3" --pcap --hosts --linger 0.01 "$work/syn.pcap"
compare "one stream" "2" --pcap --format json --stream 77 "$work/syn.pcap"
compare "cut mid-packet, text" "2 3" --pcap --linger 0.01 "$work/cut.pcap"
[ "$rc1" = 1 ] || fail "cut mid-packet: exit $rc1, not 1"
compare "cut mid-packet, json" "2" --pcap --format json "$work/cut.pcap"
compare "standard input" "2 3" --pcap --format csv --linger 0.01 -

# The end of input's records are written by whichever thread is free:
# a failing output still fails the run, with the message --jobs 1 gives.
for fmt in json csv text; do
    for n in 1 2 3; do
        rc=0
        "$cli" report --pcap --format $fmt --jobs $n "$work/syn.pcap" >/dev/full 2>"$work/e$n" || rc=$?
        [ "$rc" = 1 ] || fail "$fmt to a full disk, --jobs $n: exit $rc, not 1"
        grep -q 'write error: No space left on device' "$work/e$n" ||
            fail "$fmt to a full disk, --jobs $n: no write error reported: $(cat "$work/e$n")"
    done
done
# And a pipe (no file offset): the same bytes.
"$cli" report --pcap --format json --jobs 1 "$work/syn.pcap" | cat >"$work/p1"
"$cli" report --pcap --format json --jobs 2 "$work/syn.pcap" | cat >"$work/p2"
cmp -s "$work/p1" "$work/p2" || fail "json through a pipe: --jobs 2 differs from --jobs 1"

# Threads: count them while report is blocked on a pipe that stays open.
threads() { # ARGS...: prints how many threads report runs with
    rm -f "$work/fifo"
    mkfifo "$work/fifo"
    "$cli" report "$@" - <"$work/fifo" >/dev/null 2>&1 &
    pid=$!
    exec 3>"$work/fifo"
    head -c 24 "$work/syn.pcap" >&3 # the file header: reading has begun
    n=0 prev=-1 tries=0
    # Steady for half a second, or 10 s.
    while [ $tries -lt 100 ]; do
        n=$(ls /proc/$pid/task 2>/dev/null | wc -l)
        [ "$n" = "$prev" ] && [ $tries -ge 5 ] && break
        prev=$n
        tries=$((tries + 1))
        sleep 0.1
    done
    exec 3>&-
    wait $pid || true
    echo "$n"
}
[ -d /proc/self/task ] || die "no /proc/PID/task to count threads in"
t=$(threads --pcap --jobs 1)
[ "$t" = 1 ] || fail "--jobs 1 runs $t threads"
# ThreadSanitizer starts a thread of its own with the second one: a run
# under it says so with TCPL_EXTRA_THREADS=1.
extra=${TCPL_EXTRA_THREADS:-0}
for n in 2 3 4; do
    t=$(threads --pcap --jobs $n)
    [ "$t" = $((n + extra)) ] ||
        fail "--jobs $n on one capture runs $t threads, not $((n + extra))"
done
t=$(threads --pcap --jobs 3 --max-connections 100)
[ "$t" = 1 ] || fail "--max-connections with --jobs 3 runs $t threads, not 1"
t=$(threads --pcap --jobs 3 --streaming --format json)
[ "$t" = 1 ] || fail "--streaming with --jobs 3 runs $t threads, not 1"
finish
