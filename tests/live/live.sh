#!/bin/sh
# live.sh - `report --live` against the report of the same traffic written
# to a file.
#
# In a network namespace of its own (so only its loopback is touched),
# bench/loadgen makes a fixed number of real kernel connections while four
# captures run side by side on that loopback:
#   - Wireshark's dumpcap -w, the reference, later read with `report --pcap`
#     (not tcpdump: it insists on changing user, which a user namespace
#     without root cannot);
#   - report --live --events --stats-interval --linger 0.3 (JSON Lines);
#   - report --live --max-connections 20 (JSON), which must evict;
#   - report --live --format csv --filter 'tcp port PORT' (the listener's
#     port: loadgen's refused connects go to PORT+1 and must not show).
# SIGINT then ends them: each must exit 0 with its totals last.  The
# streamed lifecycles must be the file report's (same --linger), record for
# record (in end order instead of start order), with the same totals.
# Times and frame numbers are left out of the comparison: each capture
# socket stamps a loopback packet itself, microseconds apart, and packets
# of different connections sent at once from two CPUs may reach two
# sockets in either order (so two connections opened at once can take
# each other's stream numbers: those are left out too); and so is the
# end reason,
# because live the last connections end by the wall clock ("idle") while
# the file's end at its last packet ("input").
#
# The namespace needs root, or unprivileged user namespaces (unshare -r);
# when neither is available the test FAILS: it cannot be skipped quietly.
#
# usage: live.sh TCP_LIFECYCLE LOADGEN
set -eu
cli=$1 loadgen=$2
me=live
connections=300
port=9300

if [ "${TCPL_LIVE_INNER:-}" != 1 ]; then
    command -v dumpcap >/dev/null || { echo "FAIL: $me: needs dumpcap (wireshark-common)" >&2; exit 1; }
    command -v ip >/dev/null || { echo "FAIL: $me: needs ip (iproute2)" >&2; exit 1; }
    if [ "$(id -u)" = 0 ]; then ns="unshare -n"; else ns="unshare -rn"; fi
    if ! $ns true 2>/dev/null; then
        echo "FAIL: $me: cannot make a network namespace ($ns): run as root," \
             "or allow unprivileged user namespaces" >&2
        exit 1
    fi
    exec $ns env TCPL_LIVE_INNER=1 sh "$0" "$@"
fi

failures=0
fail() {
    echo "FAIL: $me: $*" >&2
    failures=$((failures + 1))
}
die() {
    echo "ERROR: $me: $*" >&2
    exit 1
}
work=$(mktemp -d /tmp/tcpl-live.XXXXXX)
pids=
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip link set lo up
# Real-path segments, as bench/make-capture.sh records them.
ip link set lo mtu 1500

# Headers only and a large buffer (MiB): the reference must not drop a
# packet of the bursts, or the two sides would not see the same traffic.
dumpcap -i lo -s 512 -B 64 -q -w "$work/cap.pcapng" 2>"$work/dumpcap.err" &
dumpcap_pid=$!
pids="$pids $dumpcap_pid"
"$cli" report --live lo --events --stats-interval 0.5 --linger 0.3 \
    >"$work/live.jsonl" 2>"$work/live.err" &
live_pid=$!
"$cli" report --live lo --max-connections 20 >"$work/capped.jsonl" 2>"$work/capped.err" &
capped_pid=$!
"$cli" report --live lo --format csv --filter "tcp port $port" >"$work/live.csv" \
    2>"$work/csv.err" &
csv_pid=$!
pids="$pids $live_pid $capped_pid $csv_pid"

wait_for() { # FILE PATTERN PID
    i=0
    until grep -q "$2" "$1" 2>/dev/null; do
        i=$((i + 1))
        kill -0 "$3" 2>/dev/null || die "$1: exited before '$2': $(cat "$1")"
        [ $i -lt 100 ] || die "$1: no '$2' in 10 s"
        sleep 0.1
    done
}
wait_for "$work/dumpcap.err" "Capturing on" "$dumpcap_pid"
# dumpcap says "Capturing on" before it opens the interface; it creates
# the file only after, so the file is the sign the capture socket exists
# (on a loaded machine loadgen's first connections were missed without it).
i=0
until [ -e "$work/cap.pcapng" ]; do
    i=$((i + 1))
    kill -0 "$dumpcap_pid" 2>/dev/null || die "dumpcap exited: $(cat "$work/dumpcap.err")"
    [ $i -lt 100 ] || die "dumpcap made no file in 10 s"
    sleep 0.1
done
for f in live capped csv; do
    eval "pid=\$${f}_pid"
    wait_for "$work/$f.err" "lo: listening" "$pid"
done

"$loadgen" -n $connections -c 16 -t 60 -p $port -s 7 >"$work/loadgen.out" 2>&1 ||
    die "loadgen failed: $(tail -n 3 "$work/loadgen.out")"
# The last FINs and ACKs, and at least two --stats-interval periods.
sleep 1.5

stop() { # PID NAME: SIGINT, then its exit status must be 0
    kill -INT "$1"
    rc=0
    wait "$1" || rc=$?
    [ "$rc" -eq 0 ] || fail "$2: exit status $rc after SIGINT: $(tail -n 2 "$work/$2.err")"
}
stop "$live_pid" live
stop "$capped_pid" capped
stop "$csv_pid" csv
kill -INT "$dumpcap_pid"
wait "$dumpcap_pid" || true
grep -q "dropped on interface 'Loopback: lo': [0-9]*/0 " "$work/dumpcap.err" ||
    fail "dumpcap dropped packets: $(grep dropped "$work/dumpcap.err")"
pids=

rc=0
"$cli" report --pcap --format json --linger 0.3 "$work/cap.pcapng" >"$work/file.json" \
    2>"$work/file.err" || rc=$?
[ "$rc" -eq 0 ] || die "report --pcap of dumpcap's file exited $rc: $(head -n 2 "$work/file.err")"

total() { # FILE KEY: a number from the last line (the totals)
    tail -n 1 "$1" | sed -n "s/.*\"$2\":\\([0-9]*\\).*/\\1/p"
}
records() { # FILE: lifecycle records without file name, stream, times, end reason
    grep '^{"file":"[^"]*","stream":' "$1" |
        sed -e 's/^{"file":"[^"]*","stream":[0-9]*,/{/' \
            -e 's/"\(start\|end\|duration\|time\|frame\|first_frame\|last_frame\)":\(-\{0,1\}[0-9.]*\|null\),//g' \
            -e 's/"end_reason":"[a-z]*",//' -e 's/,"text":"[^"]*"//g' | sort
}

# --- the streamed lifecycles are the file's
n=$(total "$work/file.json" connections)
[ "$n" -ge "$connections" ] ||
    fail "file report: $n connections for $connections made by loadgen"
tail -n 1 "$work/live.jsonl" | grep -q '^{"file":"lo","totals":{"kind":"live"' ||
    fail "live: last line is not the totals: $(tail -n 1 "$work/live.jsonl" | cut -c1-200)"
[ "$(total "$work/live.jsonl" connections)" = "$n" ] ||
    fail "live: $(total "$work/live.jsonl" connections) connections, the file $n"
[ "$(total "$work/live.jsonl" kernel_dropped)" = 0 ] ||
    fail "live: the kernel dropped packets; the comparison would not hold"
records "$work/live.jsonl" >"$work/live.rec"
records "$work/file.json" >"$work/file.rec"
[ "$(wc -l <"$work/live.rec")" -eq "$n" ] ||
    fail "live: $(wc -l <"$work/live.rec") lifecycle records for $n connections"
cmp -s "$work/live.rec" "$work/file.rec" ||
    fail "live and file records differ:
$(diff "$work/live.rec" "$work/file.rec" | cut -c1-300 | head -n 6)"
# Totals alike but for what names the input.
norm_totals() {
    tail -n 1 "$1" | sed -e 's/^{"file":"[^"]*",/{/' -e 's/"kind":"[^"]*",//' \
        -e 's/,"open":[0-9]*,"kernel_dropped":[0-9]*//' \
        -e 's/"\(start\|end\)":[0-9.]*,//g' -e 's/"evicted":[0-9]*,//'
}
[ "$(norm_totals "$work/live.jsonl")" = "$(norm_totals "$work/file.json")" ] ||
    fail "live and file totals differ:
$(norm_totals "$work/live.jsonl" | cut -c1-400)
$(norm_totals "$work/file.json" | cut -c1-400)"

# --- streaming order: records come as lifecycles end, not by stream
grep -o '^{"file":"lo","stream":[0-9]*' "$work/live.jsonl" | sed 's/.*://' >"$work/order"
sort -n "$work/order" | cmp -s - "$work/order" &&
    fail "live: records are in stream order; streaming writes them as they end"

# --- --stats-interval: running totals, marked, before the final ones
interim=$(grep -c '^{"file":"lo","interim":true,"totals":{' "$work/live.jsonl" || true)
[ "$interim" -ge 2 ] || fail "live: $interim interim totals in a run of more than 1 s at 0.5 s"

# --- --events: each anomaly with stream and frame, as raised, and in its
# lifecycle's record
grep '^{"event":"anomaly"' "$work/live.jsonl" >"$work/events" || true
[ -s "$work/events" ] || fail "live: no event line (loadgen makes refused and reset connections)"
bad=0
while IFS= read -r ev; do
    s=$(printf '%s\n' "$ev" | sed 's/.*"stream":\([0-9]*\).*/\1/')
    a=$(printf '%s\n' "$ev" | sed 's/.*"anomaly":"\([a-z_]*\)".*/\1/')
    printf '%s\n' "$ev" | grep -q '"frame":\(null\|[0-9][0-9]*\),' || bad=$((bad + 1))
    grep "^{\"file\":\"lo\",\"stream\":$s," "$work/live.jsonl" | grep -q "\"anomalies\":\[[^]]*\"$a\"" ||
        bad=$((bad + 1))
done <"$work/events"
[ "$bad" -eq 0 ] || fail "live: $bad event lines without frame or not in their stream's record"
# An event comes before its lifecycle's record.
first_ev=$(grep -n '^{"event"' "$work/live.jsonl" | head -n 1)
ev_line=${first_ev%%:*}
ev_stream=$(printf '%s\n' "$first_ev" | sed 's/.*"stream":\([0-9]*\).*/\1/')
rec_line=$(grep -n "^{\"file\":\"lo\",\"stream\":$ev_stream," "$work/live.jsonl" | head -n 1 | cut -d: -f1)
[ -n "$rec_line" ] && [ "$ev_line" -lt "$rec_line" ] ||
    fail "live: the event of stream $ev_stream is not before its record"

# --- --max-connections 20: evicted, written, counted
ev=$(total "$work/capped.jsonl" evicted_max_connections)
peak=$(total "$work/capped.jsonl" peak_open)
[ -n "$ev" ] && [ "$ev" -gt 0 ] || fail "capped: evicted_max_connections is '$ev'"
[ -n "$peak" ] && [ "$peak" -le 20 ] || fail "capped: peak_open $peak > 20"
marked=$(grep -c '"end_reason":"evicted"' "$work/capped.jsonl" || true)
[ "$marked" = "$ev" ] || fail "capped: $marked records say evicted, the totals $ev"
c=$(total "$work/capped.jsonl" connections)
recs=$(grep -c '^{"file":"lo","stream":' "$work/capped.jsonl" || true)
[ "$recs" = "$c" ] || fail "capped: $recs records for $c connections"
# An evicted connection that goes on starts a new (midstream) lifecycle:
# at least as many lifecycles as without the cap.
[ "$c" -ge "$n" ] || fail "capped: $c lifecycles, fewer than the $n without a cap"

# --- --filter and CSV: only the listener's port; totals on stderr
refused=$(tail -n 1 "$work/file.json" | sed -n 's/.*"refused":\([0-9]*\).*/\1/p')
rows=$(($(wc -l <"$work/live.csv") - 1))
[ "$rows" -eq $((n - ${refused:-0})) ] ||
    fail "csv --filter 'tcp port $port': $rows rows, expected $n - ${refused:-0} refused"
grep -q ":$((port + 1))," "$work/live.csv" && fail "csv --filter: a row on port $((port + 1))"
grep -q "^tcp-lifecycle: lo: totals: [0-9]* TCP packets, $rows connections" "$work/csv.err" ||
    fail "csv: no totals line on stderr: $(tail -n 1 "$work/csv.err")"

echo "$me: $n connections: live $(wc -l <"$work/live.rec") records, $interim interim" \
     "totals, $(wc -l <"$work/events") events; capped: $ev evicted, peak $peak"
if [ "$failures" -ne 0 ]; then
    echo "$me: $failures check(s) failed" >&2
    exit 1
fi
echo "$me: all checks passed"
