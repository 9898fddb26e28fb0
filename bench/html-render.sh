#!/bin/sh
# html-render.sh - size and time to first render of `report --format html`
# for 20,000 connections (issue 10), in headless Chromium.
#
# The export comes from tests/cli/gen_export (9-packet connections, 200 open
# at a time; no root, no capture needed), or give a capture file to use
# instead (e.g. build-bench/bench.pcap from make-capture.sh, read with
# --pcap).  The page records performance.now() (milliseconds since
# navigation started: reading the file, parsing HTML and JSON, drawing the
# summary and the first rows, layout) in body[data-render-ms] once the
# table is drawn; this script reads it back with --dump-dom, REPS times,
# and prints every sample and the median.  No --virtual-time-budget: the
# table is drawn before the load event, and virtual time would not be real.
#
# usage: bench/html-render.sh [-B BUILD_DIR] [-n REPS] [CAPTURE.pcap]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=$top/build reps=5 capture=
while [ $# -gt 0 ]; do
    case $1 in
    -B) build=$2; shift 2 ;;
    -n) reps=$2; shift 2 ;;
    *) capture=$1; shift ;;
    esac
done
tool=$build/postproc/tcp-lifecycle
gen=$build/tests/cli/gen_export
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -x "$tool" ] || { echo "html-render.sh: build first ($tool missing)" >&2; exit 1; }
[ -n "$chromium" ] || { echo "html-render.sh: needs chromium (scripts/packages-ci)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "$capture" ]; then
    "$tool" report --pcap --format html "$capture" > "$work/page.html"
    what=$capture
else
    "$gen" 20000 200 > "$work/in.tsv"
    "$tool" report --format html "$work/in.tsv" > "$work/page.html"
    what="gen_export 20000 200"
fi
conns=$(grep -c '^\[[0-9]' "$work/page.html")
size=$(wc -c < "$work/page.html")
echo "input: $what; $conns connections; page $size bytes ($(awk "BEGIN{printf \"%.2f\", $size/1048576}") MB)"
i=0
: > "$work/samples"
while [ "$i" -lt "$reps" ]; do
    i=$((i + 1))
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
        --user-data-dir="$work/profile" \
        --dump-dom "file://$work/page.html#sort=-duration" > "$work/dom" 2>/dev/null
    ms=$(grep -o 'data-render-ms="[0-9.]*"' "$work/dom" | tr -dc '0-9.')
    script=$(grep -o 'data-script-ms="[0-9.]*"' "$work/dom" | tr -dc '0-9.')
    errs=$(grep -o 'data-errors="[^"]*"' "$work/dom")
    [ "$errs" = 'data-errors=""' ] || { echo "page error: $errs" >&2; exit 1; }
    echo "run $i: first render $ms ms (script $script ms)"
    echo "$ms" >> "$work/samples"
done
echo "median first render: $(sort -g "$work/samples" | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}') ms over $reps runs (sorted by duration, as #sort=-duration)"
