#!/bin/sh
# svg_check.sh TOOL CAPTURE
# Every connection of CAPTURE as `report --format svg --stream N.M`: the
# document is valid XML (xmllint), has the two lanes of the timeline and of
# the ladder, one bar per state the CSV report lists, a mark for each of its
# anomalies in both pictures, and ladder arrows in frame order.
set -u
tool=$1 cap=$2
command -v xmllint >/dev/null 2>&1 || { echo "xmllint is not installed (scripts/packages: libxml2-utils)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$tool" report --pcap --format csv "$cap" > "$work/all.csv" || { echo "csv report failed"; exit 1; }
fail=0 n=0
count() { xmllint --xpath "count($1)" "$work/one.svg"; }
# stream, successor, anomalies, client states, server states
tail -n +2 "$work/all.csv" | awk -F, '{print $2, $3, ($17 == "" ? "-" : $17), $18 "|" $19}' > "$work/list"
while read -r stream succ anomalies states; do
    n=$((n + 1))
    id=$stream.$succ
    if ! "$tool" report --pcap --format svg --stream "$id" "$cap" > "$work/one.svg" 2> "$work/err"; then
        echo "$id: exit status $?: $(cat "$work/err")"; fail=1; continue
    fi
    xmllint --noout "$work/one.svg" || { echo "$id: not valid XML"; fail=1; continue; }
    lanes=$(count "//*[@class='timeline']//*[local-name()='rect'][@class='lane']")
    ladder_lanes=$(count "//*[@class='ladder']//*[local-name()='line'][@class='lane']")
    [ "$lanes" = 2 ] && [ "$ladder_lanes" = 2 ] || { echo "$id: lanes $lanes/$ladder_lanes, want 2/2"; fail=1; }
    want=$(echo "$states" | tr '|' ' ' | wc -w)
    bars=$(count "//*[@class='timeline']//*[@class='bar']")
    [ "$bars" = "$want" ] || { echo "$id: $bars bars, the CSV lists $want states"; fail=1; }
    arrows=$(count "//*[@class='ladder']//*[@class='arrow']")
    [ "$arrows" -ge 1 ] || { echo "$id: no ladder arrow"; fail=1; }
    frames=$(grep -o '<g class="arrow" data-frame="[0-9]*"' "$work/one.svg" | tr -dc '0-9\n')
    [ "$frames" = "$(echo "$frames" | sort -n -u)" ] || { echo "$id: arrows not in frame order: $frames"; fail=1; }
    if [ "$anomalies" != - ]; then
        for a in $(echo "$anomalies" | tr ';' ' '); do
            tl=$(count "//*[@class='timeline']//*[@data-anomaly='$a']")
            ld=$(count "//*[@class='ladder']//*[@data-anomaly='$a']")
            [ "$tl" -ge 1 ] && [ "$ld" -ge 1 ] || { echo "$id: $a marked $tl/$ld times (timeline/ladder)"; fail=1; }
        done
    fi
    marks=$(count "//*[@class='anomaly']")
    [ "$anomalies" != - ] || [ "$marks" = 0 ] || { echo "$id: $marks anomaly marks, the CSV lists none"; fail=1; }
done < "$work/list"
[ "$n" -gt 0 ] || { echo "no connection in $cap"; exit 1; }
exit $fail
