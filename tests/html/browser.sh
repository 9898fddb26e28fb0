#!/bin/sh
# browser.sh TOOL CHROMIUM CAPTURES_DIR GEN_EXPORT OUT_DIR
# The HTML report in headless Chromium, driven through the URL hash and read
# back with --dump-dom: it loads without a script error, lists every
# connection, filters (anomaly, final state, endpoint text) and sorts as
# asked, and draws an opened connection with the same geometry as the svg
# format.  Then the same for a 20,000-connection export.  Screenshots of
# the page are left in OUT_DIR.
set -u
tool=$1 chromium=$2 caps=$3 gen=$4 out=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# dump PAGE HASH: the DOM after the script ran, into $work/dom
dump() {
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
        --user-data-dir="$work/profile" --virtual-time-budget=20000 \
        --dump-dom "file://$1#$2" > "$work/dom" 2> "$work/chromium.err"
    grep -q 'data-ready="1"' "$work/dom" || { bad "#$2: the page did not finish drawing"; tail -5 "$work/chromium.err"; return 1; }
    errs=$(grep -o 'data-errors="[^"]*"' "$work/dom")
    [ "$errs" = 'data-errors=""' ] || bad "#$2: script errors: $errs"
    return 0
}
attr() { grep -o "$1=\"[^\"]*\"" "$work/dom" | head -1 | sed 's/.*="\(.*\)"/\1/'; }
rows() { grep -o '<div class="row[^"]*" data-key="[^"]*"' "$work/dom" | sed 's/.*data-key="//; s/"$//'; }

# ---- every bundled capture in one page
set -- "$caps"/*.pcap
"$tool" report --pcap --format html "$@" > "$work/page.html" || bad "report --format html failed"
"$tool" report --pcap --format csv "$@" > "$work/all.csv" || bad "report --format csv failed"
# key as the page writes it (file index/stream[.successor]), duration,
# finals, anomalies, endpoints
tail -n +2 "$work/all.csv" | awk -F, '
    $1 != last { file++; last = $1 }
    { key = (file - 1) "/" $2 ($3 != "0" ? "." $3 : "");
      print key, $9, $13, $14, ($17 == "" ? "-" : $17), $4, $5 }' > "$work/keys"
total=$(wc -l < "$work/keys")

dump "$work/page.html" "" && {
    [ "$(attr data-visible)" = "$total" ] || bad "all: $(attr data-visible) rows, want $total"
    grep -q 'class="legend"' "$work/dom" || bad "no legend"
}

# filters through the hash: the count, and every drawn row qualifies
check_filter() { # HASH WANT_COUNT PATTERN_THE_ROW_MUST_MATCH
    dump "$work/page.html" "$1" || return
    [ "$(attr data-visible)" = "$2" ] || bad "#$1: $(attr data-visible) rows, want $2"
    drawn=$(rows | wc -l)
    [ "$drawn" -ge 1 ] || [ "$2" = 0 ] || bad "#$1: no row drawn"
    grep -o '<div class="row[^"]*" data-key=[^>]*>.*' "$work/dom" | sed 's/<div class="row/\n&/g' |
        grep 'class="row' | grep -v -- "$3" | head -3 | while read -r line; do
            echo "FAIL: #$1: a row without $3: $line"
        done | grep . && fail=1
}
refused=$(awk '$5 ~ /refused/' "$work/keys" | wc -l)
[ "$refused" -ge 1 ] || bad "no refused connection in the captures"
check_filter "anomaly=refused" "$refused" "refused"
cw=$(awk '$3 == "CLOSE_WAIT" || $4 == "CLOSE_WAIT"' "$work/keys" | wc -l)
check_filter "state=CLOSE_WAIT" "$cw" "CLOSE_WAIT"
v6=$(awk '$6 ~ /^\[::1\]/ || $7 ~ /^\[::1\]/' "$work/keys" | wc -l)
check_filter "q=%5B%3A%3A1%5D" "$v6" "\[::1\]"
check_filter "anomaly=no_such_anomaly" 0 "-"

# sorting: the longest connection first, then last
longest=$(sort -k2,2 -g -r "$work/keys" | head -1 | cut -d' ' -f1)
shortest=$(sort -k2,2 -g "$work/keys" | head -1 | cut -d' ' -f1)
dump "$work/page.html" "sort=-duration" && {
    [ "$(rows | head -1)" = "$longest" ] || bad "#sort=-duration: first row $(rows | head -1), want $longest"
    grep -q 'duration ▼' "$work/dom" || bad "#sort=-duration: the column does not show the order"
}
# (the page rewrites the hash it was given in its own order, without empty values)
dump "$work/page.html" "open=&q=&sort=duration" && {
    [ "$(rows | head -1)" = "$shortest" ] || bad "#sort=duration: first row $(rows | head -1), want $shortest"
    [ "$(attr data-hash)" = "#sort=duration" ] || bad "#open=&q=&sort=duration: the page's hash is $(attr data-hash)"
}
dump "$work/page.html" "sort=duration&anomaly=refused" && {
    [ "$(attr data-visible)" = "$refused" ] || bad "#sort and #anomaly together: $(attr data-visible) rows"
}

# an opened connection: the page draws what the svg format draws
geometry() { # bars, stalls, zero windows, marks, arrows, ladder states: coordinates, in order
    sed -n 's/.*\(<svg class="timeline".*\)/\1/p' "$1" | sed 's/<\/svg>.*//' |
        grep -o '<g class="bar"[^>]*><rect x="[-0-9.]*" y="[0-9.]*" width="[0-9.]*"\|<line class="stall" x1="[-0-9.]*" y1="[0-9.]*" x2="[-0-9.]*"\|<rect class="zw" x="[-0-9.]*" y="[0-9.]*" width="[0-9.]*"\|<path class="mark" d="M[-0-9.]*,[-0-9.]*' |
        sed 's/<rect class="zw" x="\([^"]*\)" y="\([^"]*\)" width="\([^"]*\)"/zw \1 \2 \3/; s/.*x="\([^"]*\)" y="\([^"]*\)" width="\([^"]*\)"/bar \1 \2 \3/; s/.*x1="\(.*\)" y1="\(.*\)" x2="\(.*\)"/stall \1 \2 \3/; s/.*d="M\(.*\),\(.*\)/mark \1 \2/'
    sed -n 's/.*\(<svg class="ladder".*\)/\1/p' "$1" | sed 's/<\/svg>.*//' |
        grep -o '<g class="arrow" data-frame="[0-9]*"><line x1="[0-9.]*" y1="[0-9.]*" x2="[0-9.]*" y2="[0-9.]*"\|<text class="state" data-lane="[01]" x="[0-9.]*" y="[0-9.]*"' |
        sed 's/.*data-frame="\([0-9]*\)"><line x1="\(.*\)" y1="\(.*\)" x2="\(.*\)" y2="\(.*\)"/arrow \1 \2 \3 \4 \5/; s/.*data-lane="\(.\)" x="\(.*\)" y="\(.*\)"/state \1 \2 \3/'
}
for name in close_wait_stall zero_window midstream half_open_vanished_v6 syn_timeout port_reuse simultaneous_close icmp_port_unreachable_v6; do
    index=$(ls "$caps"/*.pcap | grep -n "/$name.pcap\$" | cut -d: -f1)
    [ -n "$index" ] || { bad "no captures/$name.pcap"; continue; }
    key="$((index - 1))/0"
    "$tool" report --pcap --format svg --stream 0 "$caps/$name.pcap" > "$work/one.svg" || bad "$name: svg failed"
    dump "$work/page.html" "open=$key" || continue
    grep -q '<div class="row[^"]* open" data-key="'"$key"'"' "$work/dom" || bad "#open=$key: the row is not marked open"
    geometry "$work/one.svg" > "$work/geo.svg"
    geometry "$work/dom" > "$work/geo.page"
    [ -s "$work/geo.svg" ] || bad "$name: no geometry found in the svg"
    # Same shapes in the same order; numbers equal within rounding.
    paste -d' ' "$work/geo.svg" "$work/geo.page" | awk -v name="$name" \
        -v n1="$(wc -l < "$work/geo.svg")" -v n2="$(wc -l < "$work/geo.page")" '
        BEGIN { if (n1 != n2) { print "FAIL: " name ": the svg has " n1 " shapes, the page " n2; bad = 1 } }
        { h = NF / 2; if ($1 != $(h + 1)) { print "FAIL: " name ": " $0; bad = 1; next }
          for (i = 2; i <= h; i++) { d = $i - $(i + h); if (d < -0.15 || d > 0.15) { print "FAIL: " name " differs: " $0; bad = 1 } } }
        END { exit bad }' || fail=1
    grep -q 'class="scale"[^>]*>\(log-stretch\|linear\)' "$work/dom" || bad "#open=$key: the axis does not say its scale"
done
stall_index=$(ls "$caps"/*.pcap | grep -n "/close_wait_stall.pcap\$" | cut -d: -f1)
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --user-data-dir="$work/profile" --virtual-time-budget=20000 --window-size=1280,1800 \
    --screenshot="$out/html-page.png" "file://$work/page.html#open=$((stall_index - 1))/0&sort=-duration" \
    > /dev/null 2>&1
[ -s "$out/html-page.png" ] || bad "no screenshot"
dump "$work/page.html" "open=999/999" && {
    grep -q 'no connection 999/999' "$work/dom" || bad "#open of a missing connection says nothing"
}

# ---- tunnels: the search covers the tunnel, the opened connection names it
tun=$caps/../tests/plugin/data/tunnel-vxlan.pcap
if [ -f "$tun" ]; then
    "$tool" report --pcap --format html "$tun" > "$work/tun.html" || bad "report of $tun failed"
    want=$("$tool" report --pcap --format csv "$tun" | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "tunnel") c = i; next } $c ~ /^vxlan/' | wc -l)
    [ "$want" -ge 1 ] || bad "no vxlan connection in $tun"
    dump "$work/tun.html" "q=vxlan&open=0" && {
        [ "$(attr data-visible)" = "$want" ] || bad "#q=vxlan: $(attr data-visible) rows, want $want"
        grep -q 'tunnel vxlan ' "$work/dom" || bad "#open=0: the tunnel is not named"
    }
else
    bad "$tun is missing"
fi

# ---- 20,000 connections: opens, lists them all, draws one
"$gen" 20000 200 > "$work/big.tsv" || bad "gen_export failed"
"$tool" report --format html "$work/big.tsv" > "$work/big.html" || bad "report of 20000 connections failed"
size=$(wc -c < "$work/big.html")
echo "20000 connections: $size bytes"
[ "$size" -lt 8000000 ] || bad "the 20000-connection page is $size bytes"
dump "$work/big.html" "open=19999&sort=-duration" && {
    [ "$(attr data-visible)" = 20000 ] || bad "big: $(attr data-visible) rows, want 20000"
    drawn=$(rows | wc -l)
    [ "$drawn" -lt 200 ] || bad "big: $drawn rows in the DOM: not drawn lazily"
    grep -q '<svg class="timeline"' "$work/dom" || bad "big: #open=19999 drew no timeline"
    echo "20000 connections: first render after $(attr data-render-ms) ms"
}
exit $fail
