#!/bin/sh
# self_contained.sh TOOL CAPTURE...
# The HTML report needs nothing from outside the file (no src, link,
# import or address other than the SVG namespace name), carries one record
# per connection the CSV report lists, keeps "</" out of its JSON so that
# no data can close a script element, and is the same with --jobs 2.
set -u
tool=$1
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
"$tool" report --pcap --format html "$@" > "$work/page.html" || { echo "FAIL: report --format html"; exit 1; }
"$tool" report --pcap --format csv "$@" > "$work/all.csv" || { echo "FAIL: report --format csv"; exit 1; }
outside=$(sed 's|http://www.w3.org/2000/svg||g' "$work/page.html" |
    grep -Eio '(src|href)="[a-z]+:[^"]*"|<link[^>]*>|@import|url\((https?:)?//|https?://[^ "<]*' | head -5)
[ -z "$outside" ] || { echo "FAIL: the page refers outside itself: $outside"; fail=1; }
want=$(($(wc -l < "$work/all.csv") - 1))
got=$(sed -n '/class="tcpl-recs"/,/<\/script>/p' "$work/page.html" | grep -c '^\[[0-9]')
[ "$got" = "$want" ] || { echo "FAIL: $got records in the page, the CSV has $want connections"; fail=1; }
scripts=$(grep -o '<script[^>]*>' "$work/page.html" | sort | uniq -c | tr -s ' ')
echo "$scripts" | grep -q '1 <script>$' || { echo "FAIL: not exactly one script: $scripts"; fail=1; }
sed -n '/type="application\/json"/,/<\/script>/p' "$work/page.html" | sed 's|</script>||g' | grep -q '</' &&
    { echo "FAIL: '</' inside the page's JSON"; fail=1; }
# The page is made in one process whatever --jobs says (its string table
# spans the files): the same bytes with --jobs 1 and 2.
"$tool" report --pcap --format html --jobs 1 "$@" > "$work/one.html" &&
    "$tool" report --pcap --format html --jobs 2 "$@" > "$work/two.html" &&
    cmp -s "$work/one.html" "$work/two.html" || { echo "FAIL: --jobs 2 makes another page"; fail=1; }
grep -q '^<!DOCTYPE html>' "$work/page.html" && tail -n 1 "$work/page.html" | grep -q '</html>$' ||
    { echo "FAIL: not one whole HTML document"; fail=1; }
exit $fail
