#!/bin/sh
# svg_errors.sh TOOL GOLDEN_DIR CAPTURES_DIR
# `report --format svg` writes the one picture asked for or nothing: a
# stream that is not there, a stream with several connections, bad input
# and a missing file are exit status 1 with a "tcp-lifecycle: FILE: ..."
# message and an empty standard output; standard input works.
set -u
tool=$1 golden=$2 caps=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
expect() { # CODE PATTERN ARGS...: exit CODE, stderr matches, stdout empty
    code=$1 pattern=$2
    shift 2
    "$tool" report --format svg "$@" > "$work/out" 2> "$work/err"
    rc=$?
    [ "$rc" = "$code" ] || { echo "FAIL: $*: exit $rc, want $code: $(cat "$work/err")"; fail=1; }
    [ "$pattern" = - ] || grep -Eq -- "$pattern" "$work/err" || { echo "FAIL: $*: stderr does not match /$pattern/: $(cat "$work/err")"; fail=1; }
    [ "$code" = 0 ] || [ ! -s "$work/out" ] || { echo "FAIL: $*: wrote $(wc -c < "$work/out") bytes though it failed"; fail=1; }
}
expect 1 "^tcp-lifecycle: .*close_wait_stall.pcap: no connection on stream 9 " --pcap --stream 9 "$caps/close_wait_stall.pcap"
expect 1 "^tcp-lifecycle: .*edge.tsv: stream 7 names 2 connections \(7, 7\.1\): pick one with --stream N\.M" --stream 7 "$golden/edge.tsv"
expect 1 "^tcp-lifecycle: the input: stream 0 names 2 connections .* and one input file" --stream 0 "$golden/basic.tsv" "$golden/reuse.tsv"
expect 1 "^tcp-lifecycle: the input: stream 0 names 2 connections .* and one input file" --jobs 2 --stream 0 "$golden/basic.tsv" "$golden/reuse.tsv"
expect 1 "^tcp-lifecycle: /nonexistent.tsv: cannot open" --stream 0 /nonexistent.tsv
head -n 5 "$golden/basic.tsv" > "$work/cut.tsv"
printf '7\t1.5\n' >> "$work/cut.tsv"
expect 1 "cut.tsv:6: .*" --stream 0 "$work/cut.tsv"
expect 1 "cut.tsv: not read to the end: no picture drawn" --stream 0 "$work/cut.tsv"
expect 2 "--format svg draws one connection: name it with --stream N\[\.M\]" "$golden/basic.tsv"
expect 0 - --stream 7.1 "$golden/edge.tsv"
grep -q '<svg xmlns="http://www.w3.org/2000/svg"' "$work/out" || { echo "FAIL: --stream 7.1 drew nothing"; fail=1; }
"$tool" report --format svg --stream 7.1 - < "$golden/edge.tsv" > "$work/stdin.svg" 2>/dev/null ||
    { echo "FAIL: from standard input: $(cat "$work/stdin.svg")"; fail=1; }
# The same picture from a file and from standard input, but for its name.
sed 's/&lt;stdin&gt;/edge.tsv/' "$work/stdin.svg" | sed "s|$golden/||" > "$work/a"
sed "s|$golden/||" "$work/out" > "$work/b"
cmp -s "$work/a" "$work/b" || { echo "FAIL: standard input draws another picture"; diff "$work/a" "$work/b" | head -5; fail=1; }
exit $fail
