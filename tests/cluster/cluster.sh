#!/bin/sh
# cluster.sh - scripts/cluster-report on a real GNU parallel "cluster" of
# two hosts emulated on this machine (localssh stands in for ssh: w1 and
# w2, one job slot each, separate processes talking to parallel through
# pipes as ssh would): the joined report equals `report --pcap --format
# json --jobs 1` on the same files, byte for byte, with its exit status.
#
# Files: every capture of captures/, three synthetic captures (gencap),
# one cut mid-packet (exit 1, its section still written) and one that is
# not a capture (no section, exit 1).  During the run one host's report of
# one synthetic capture is killed (SIGKILL) after writing part of its
# output: the capture must be reported again, neither lost nor counted
# twice.  Without GNU parallel the test fails: it is in scripts/packages.
#
# usage: cluster.sh TCP_LIFECYCLE GENCAP CAPTURES_DIR CLUSTER_REPORT
set -eu
cli=$1 gencap=$2 capdir=$3 cr=$4
here=$(cd "$(dirname "$0")" && pwd)
me=cluster
failures=0
fail() { echo "FAIL: $me: $*" >&2; failures=$((failures + 1)); }
die() { echo "ERROR: $me: $*" >&2; exit 1; }

command -v parallel >/dev/null 2>&1 ||
    die "GNU parallel is not installed (scripts/packages lists it: scripts/install-packages)"
work=$(mktemp -d /tmp/tcpl-cluster.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

set --
for c in "$capdir"/*.pcap; do
    [ -f "$c" ] && set -- "$@" "$c"
done
for s in 1 2 3; do
    "$gencap" -c 3000 -k 100 -s "$s" "$work/syn$s.pcap" 2>/dev/null || die "gencap failed"
done
size=$(wc -c <"$work/syn3.pcap")
head -c $((size - 7)) "$work/syn3.pcap" >"$work/cut.pcap"
echo "not a capture" >"$work/junk.pcap"
set -- "$@" "$work/syn1.pcap" "$work/cut.pcap" "$work/syn2.pcap" "$work/junk.pcap" "$work/syn3.pcap"

rc1=0
"$cli" report --pcap --format json --jobs 1 "$@" >"$work/one.json" 2>/dev/null || rc1=$?
[ "$rc1" = 1 ] || fail "--jobs 1 exits $rc1, not 1 (a cut and a junk file are in the set)"

run() { # LABEL VICTIM FILES...: cluster-report into $work/got.json, killing VICTIM's first attempt
    label=$1 victim=$2
    shift 2
    state=$work/state-$label
    mkdir "$state"
    rc=0
    # SHELL unset, as under some CI runners: GNU parallel then runs
    # nothing on remote hosts unless cluster-report gives it one.
    env -u SHELL TCPL_VICTIM=$victim TCPL_STATE=$state PATH="$here:$PATH" \
        "$cr" -S 1/w1,1/w2 --ssh "$here/localssh" --cli "$here/flaky $cli" \
        --local-cli "$cli" "$@" >"$work/got.json" 2>"$work/err" &
    pid=$!
    if [ -n "$victim" ]; then
        tries=0
        while [ ! -s "$state/victim.pid" ] && [ $tries -lt 1200 ]; do
            sleep 0.1
            tries=$((tries + 1))
        done
        if [ -s "$state/victim.pid" ]; then
            kill -KILL "$(cat "$state/victim.pid")"
        else
            fail "$label: the report of $victim never started"
        fi
    fi
    wait $pid || rc=$?
}

run killed syn2.pcap "$@"
[ "$rc" = "$rc1" ] || fail "killed: cluster-report exits $rc, --jobs 1 $rc1: $(cat "$work/err")"
cmp -s "$work/one.json" "$work/got.json" ||
    fail "killed: the joined report differs from --jobs 1: $(cmp "$work/one.json" "$work/got.json" 2>&1)"
st=$work/state-killed
[ -d "$st/victim.once" ] || fail "killed: syn2.pcap's first attempt did not run"
n=$(grep -c "syn2.pcap\$" "$st/ran" || true)
[ "$n" = 1 ] || fail "killed: syn2.pcap was reported again $n times, not once"
for h in w1 w2; do
    grep -q "^$h " "$st/ran" || fail "killed: host $h ran no report"
done
grep -q "junk.pcap" "$work/err" || fail "killed: the junk file's failure is not named: $(cat "$work/err")"
# Counted once: the connections in the overall totals are the sum of the
# sections' (the victim's partial output is nowhere).
sum=$(grep '"totals":{"kind"' "$work/got.json" | sed 's/.*"connections":\([0-9]*\).*/\1/' |
      awk '{ s += $1 } END { print s }')
all=$(tail -n 1 "$work/got.json" | sed 's/.*"connections":\([0-9]*\).*/\1/')
[ "$sum" = "$all" ] && [ "$all" -gt 9000 ] ||
    fail "killed: overall connections $all, sections $sum"
[ "$failures" -ne 0 ] || echo "$me: killed worker: joined report identical to --jobs 1 ($all connections, exit $rc)"

# Good files only, no failure: exit 0 and the same report.
set -- "$capdir"/*.pcap "$work/syn1.pcap" "$work/syn2.pcap"
rc1=0
"$cli" report --pcap --format json --jobs 1 "$@" >"$work/one.json" 2>/dev/null || rc1=$?
run clean "" "$@"
[ "$rc" = 0 ] && [ "$rc1" = 0 ] || fail "clean: cluster-report exits $rc, --jobs 1 $rc1: $(cat "$work/err")"
cmp -s "$work/one.json" "$work/got.json" || fail "clean: the joined report differs from --jobs 1"
[ "$failures" -ne 0 ] || echo "$me: clean run: identical (exit $rc)"

if [ "$failures" -ne 0 ]; then
    echo "$me: $failures check(s) failed" >&2
    exit 1
fi
echo "$me: all checks passed"
