#!/bin/sh
# hosts_browser.sh TOOL CHROMIUM MKHOSTS OUT_DIR
# The HTML report's per-host charts in headless Chromium, on mkhosts'
# synthetic capture: the hosts with warnings are listed first with their
# warning, no chart is drawn until one is opened (#host=ADDR opens it), and
# the opened chart stacks the host's counts in the timeline's fills: its
# last band is CLOSE_WAIT 8 for the leaking server.  A screenshot is left
# in OUT_DIR.
set -u
tool=$1 chromium=$2 mk=$3 out=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
fail=0
bad() { echo "FAIL: $*"; fail=1; }
"$mk" "$work/hosts.pcap" || { echo "mkhosts failed"; exit 1; }
"$tool" report --pcap --format html "$work/hosts.pcap" > "$work/page.html" ||
    bad "report --format html failed"

dump() { # HASH
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
        --user-data-dir="$work/profile" --virtual-time-budget=20000 \
        --dump-dom "file://$work/page.html#$1" > "$work/dom" 2> "$work/chromium.err"
    grep -q 'data-ready="1"' "$work/dom" || { bad "#$1: the page did not finish drawing"; return 1; }
    errs=$(grep -o 'data-errors="[^"]*"' "$work/dom")
    [ "$errs" = 'data-errors=""' ] || bad "#$1: script errors: $errs"
}

dump "" && {
    hosts=$(grep -o '<details class="host"[^>]*data-host="[^"]*"' "$work/dom" |
            sed 's/.*data-host="//; s/"$//' | head -4 | sort | tr '\n' ' ')
    [ "$hosts" = "10.0.0.1 10.0.0.3 10.0.0.4 10.0.0.5 " ] ||
        bad "the four warned hosts do not come first: $hosts"
    for w in time_wait_accumulation syn_sent_pileup syn_received_pileup close_wait_leak; do
        grep -q "<span class=\"err\">$w</span>" "$work/dom" || bad "warning $w not listed"
    done
    grep -q 'class="band" data-state="[A-Z]' "$work/dom" && bad "a chart was drawn before being opened"
}
dump "host=10.0.0.4" && {
    n=$(grep -o 'class="band" data-state="CLOSE_WAIT"' "$work/dom" | wc -l)
    [ "$n" -ge 7 ] || bad "10.0.0.4: $n CLOSE_WAIT bands, want one per rise"
    grep -q '<title>CLOSE_WAIT 8 from' "$work/dom" || bad "10.0.0.4: no band of 8 CLOSE_WAIT"
    grep -o 'class="band" data-state="[A-Z_]*"' "$work/dom" | grep -qv CLOSE_WAIT &&
        bad "10.0.0.4: bands of other states"
    grep -q 'fill="url(#tcpl-s-CLOSE_WAIT)"' "$work/dom" || bad "not the timeline's CLOSE_WAIT fill"
}
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" \
    --virtual-time-budget=20000 --window-size=1200,900 --screenshot="$out/hosts.png" \
    "file://$work/page.html#host=10.0.0.1" > /dev/null 2>&1 || bad "no screenshot"
[ $fail = 0 ] && echo PASS
exit $fail
