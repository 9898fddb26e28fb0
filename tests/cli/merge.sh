#!/bin/sh
# merge.sh - `tcp-lifecycle merge` on its own: JSON reports of the golden
# exports, merged, equal the report of one run over the same exports; a
# part that is not a whole JSON report is named with its line, exit 1,
# and nothing is written; usage errors exit 2.
#
# usage: merge.sh TCP_LIFECYCLE GOLDEN_DIR
set -u
cli=$1 golden=$2
fail=0
work=$(mktemp -d /tmp/tcpl-merge.XXXXXX)
trap 'rm -rf "$work"' EXIT
no() { echo "FAIL: merge: $*" >&2; fail=1; }

set -- "$golden"/*.tsv
[ $# -ge 2 ] || { echo "ERROR: merge: fewer than two golden exports" >&2; exit 1; }
i=0
for f in "$@"; do
    i=$((i + 1))
    "$cli" report --format json --jobs 1 "$f" >"$work/p$i.json" 2>/dev/null
done
rc1=0
"$cli" report --format json --jobs 1 "$@" >"$work/one.json" 2>/dev/null || rc1=$?
parts=$(i=0; for f in "$@"; do i=$((i + 1)); printf '%s ' "$work/p$i.json"; done)
rc=0
# shellcheck disable=SC2086
"$cli" merge $parts >"$work/got.json" 2>"$work/err" || rc=$?
[ "$rc" = "$rc1" ] || no "exit $rc, one run $rc1: $(cat "$work/err")"
cmp -s "$work/one.json" "$work/got.json" || no "merged parts differ from one run"
# All in one part, and a part that is itself a merged report.
cat $parts >"$work/all.json"
"$cli" merge "$work/all.json" >"$work/got2.json" 2>/dev/null
cmp -s "$work/one.json" "$work/got2.json" || no "one part of all sections differs"
"$cli" merge "$work/one.json" >"$work/got3.json" 2>/dev/null
cmp -s "$work/one.json" "$work/got3.json" || no "a merged report merged again differs"

bad() { # LABEL PATTERN FILE: exit 1, PATTERN on stderr, nothing written
    rc=0
    "$cli" merge "$work/p1.json" "$3" >"$work/out" 2>"$work/err" || rc=$?
    [ "$rc" = 1 ] || no "$1: exit $rc, not 1"
    grep -q -- "$2" "$work/err" || no "$1: no '$2' in: $(cat "$work/err")"
    [ ! -s "$work/out" ] || no "$1: wrote output"
}
head -n 2 "$work/p2.json" >"$work/open.json"
bad "records without totals" "open.json:2: the part ends inside a section" "$work/open.json"
head -c 100 "$work/p2.json" >"$work/cut.json"
bad "last line cut" "cut.json:1: the last line is cut short" "$work/cut.json"
sed '$s/"connections"/"connexions"/' "$work/p2.json" >"$work/key.json"
bad "unknown totals key" "a totals key merge does not add up" "$work/key.json"
echo "stream,client" >"$work/csv.json"
bad "a CSV report" "csv.json:1: not a line of a JSON report" "$work/csv.json"
: >"$work/empty.json"
bad "an empty part" "empty.json: no report section in it" "$work/empty.json"
bad "missing part" "nothere.json: No such file" "$work/nothere.json"
rc=0
"$cli" merge >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || no "no parts: exit $rc, not 2"
rc=0
"$cli" merge --format csv "$work/p1.json" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || no "an option: exit $rc, not 2"
[ $fail = 0 ] && echo "merge: all checks passed"
exit $fail
