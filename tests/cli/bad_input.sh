#!/bin/sh
# bad_input.sh TOOL GOOD_EXPORT CASE
# Derive one kind of bad input from a good export and check that `report`
# rejects it the documented way: exit 1, "tcp-lifecycle: FILE:LINE: what",
# no crash (a sanitizer report or signal is a non-1 exit), and that the
# streams read before the bad line are still reported (no silent loss).
set -u
tool=$1 good=$2 case=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
in=$work/$case.tsv
head1() { head -n 1 "$good"; }
body() { sed -n '2,$p' "$good"; }
partial=no   # whether streams before the bad line must still be reported
case $case in
truncated)   # the last line cut in the middle, no newline at the end
    head -n 5 "$good" > "$in"
    sed -n 6p "$good" | cut -c1-30 | tr -d '\n' >> "$in"
    line=6 msg='truncated last line'; partial=yes ;;
columns)     # a line with a field missing
    head -n 5 "$good" > "$in"
    sed -n 6p "$good" | cut -f1-10 >> "$in"
    line=6 msg='10 fields where the header has 14 columns'; partial=yes ;;
extra)       # a line with one field too many
    head -n 3 "$good" > "$in"
    sed -n 4p "$good" | sed 's/$/\t1/' >> "$in"
    line=4 msg='more fields than the header'"'"'s 14 columns' ;;
nonnumeric)  # text where a port belongs
    head -n 5 "$good" > "$in"
    sed -n 6p "$good" | awk -F'\t' 'BEGIN{OFS="\t"} {$7="80x"; print}' >> "$in"
    line=6 msg='tcp.srcport: "80x" is not a number in 0\.\.65535'; partial=yes ;;
range)       # a number out of its range
    head -n 2 "$good" > "$in"
    sed -n 3p "$good" | awk -F'\t' 'BEGIN{OFS="\t"} {$11="4294967296"; print}' >> "$in"
    line=3 msg='tcp.seq_raw: "4294967296" is not a number in 0\.\.4294967295' ;;
time)        # more decimals than nanoseconds
    head -n 2 "$good" > "$in"
    sed -n 3p "$good" | awk -F'\t' 'BEGIN{OFS="\t"} {$2=$2 "5"; print}' >> "$in"
    line=3 msg='frame.time_epoch: ".*" is not seconds with at most 9 decimals' ;;
farpast)     # a time so far from 1970 that durations would overflow
    head -n 2 "$good" > "$in"
    sed -n 3p "$good" | awk -F'\t' 'BEGIN{OFS="\t"} {$2="-7953458245.724740000"; print}' >> "$in"
    line=3 msg='frame.time_epoch: "-7953458245.724740000" is not seconds with at most 9 decimals' ;;
address)     # not an IPv4 address
    head -n 2 "$good" > "$in"
    sed -n 3p "$good" | awk -F'\t' 'BEGIN{OFS="\t"} {$3="127.0.0.256"; print}' >> "$in"
    line=3 msg='ip.src: "127.0.0.256" is not an IPv4 address' ;;
hugefield)   # a field far longer than any real one, line still short enough
    head -n 2 "$good" > "$in"
    sed -n 3p "$good" | awk -F'\t' 'BEGIN{OFS="\t"} {s=""; for(i=0;i<5000;i++) s=s "9"; $12=s; print}' >> "$in"
    line=3 msg='tcp.ack_raw: "9{40}\.\.\." is not a number' ;;
hugeline)    # a line longer than the reader's limit
    head -n 2 "$good" > "$in"
    awk 'BEGIN{s=""; for(i=0;i<70000;i++) s=s "x"; print "1\t" s}' >> "$in"
    line=3 msg='line longer than 65536 bytes' ;;
binary)      # binary junk with NUL bytes
    printf 'frame.number\000\001\002\377\376\n\000\000' > "$in"
    line=1 msg='binary data \(NUL byte\)' ;;
binarybody)  # a NUL in the middle of an otherwise good export
    head -n 4 "$good" > "$in"
    printf '1\0002\n' >> "$in"
    line=5 msg='binary data \(NUL byte\)'; partial=yes ;;
crlf)        # Windows line ends
    sed 's/$/\r/' "$good" > "$in"
    line=1 msg='CRLF line end' ;;
crlfbody)    # CRLF only from some line on
    head -n 5 "$good" > "$in"
    sed -n '6,$p' "$good" | sed 's/$/\r/' >> "$in"
    line=6 msg='CRLF line end'; partial=yes ;;
empty)       # nothing at all
    : > "$in"
    line=1 msg='empty input: no header line' ;;
noheader)    # data without the header line
    body > "$in"
    line=1 msg='no header line: the first line looks like data' ;;
missing)     # a required column left out of the export
    cut -f1-9,11- "$good" > "$in"
    line=1 msg='missing required column tcp.flags' ;;
separator)   # exported with commas instead of tabs
    tr '\t' ',' < "$good" > "$in"
    line=1 msg='no header line: no known column name' ;;
duplicate)   # the same column twice
    paste "$good" "$good" > "$in"
    line=1 msg='column frame.number appears twice' ;;
capture)     # a pcap handed over instead of its export
    printf '\324\303\262\241\002\000\004\000' > "$in"
    head -c 200 /dev/zero >> "$in"
    line=1 msg='this is a capture file, not a tshark export' ;;
*)
    echo "bad_input.sh: unknown case $case" >&2; exit 1 ;;
esac
cd "$work"
name=$(basename "$in")
"$tool" report --format json "$name" > out.json 2> err.txt
rc=$?
if [ $rc -ne 1 ]; then
    echo "$case: expected exit 1, got $rc" >&2; cat err.txt >&2; exit 1
fi
if ! grep -Eq "^tcp-lifecycle: $name:$line: $msg" err.txt; then
    echo "$case: stderr lacks 'tcp-lifecycle: $name:$line: $msg':" >&2
    cat err.txt >&2; exit 1
fi
# The totals object says reading stopped, at the same place.
if ! grep -q "\"error\":\"$name:$line: " out.json; then
    echo "$case: the report's totals do not carry the error" >&2; cat out.json >&2; exit 1
fi
if [ $partial = yes ] && ! grep -q '"stream":0,' out.json; then
    echo "$case: stream 0, read before the bad line, is missing from the report" >&2
    cat out.json >&2; exit 1
fi
exit 0
