#!/bin/sh
# truth.sh TOOL CAPTURE.pcap CAPTURE.truth
# Export the capture with a stock tshark, run `report --format json`, and
# check it against the kernel's truth:
#   endpoint ADDR:PORT PEER:PORT client|server STATE
#       the last lifecycle on that 4-tuple has that endpoint in that role,
#       ending in STATE;
#   expect NAME / allow NAME
#       expected anomalies are all flagged, and nothing is flagged that is
#       neither expected nor allowed (over all streams of the capture).
set -u
tool=$1 pcap=$2 truth=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Refuse to pass on a capture that has nothing to check.
grep -q '^endpoint ' "$truth" || { echo "$truth: no endpoint lines" >&2; exit 1; }
tshark -n -r "$pcap" -T fields -E header=y -E separator=/t \
    $("$tool" fields) > "$work/export.tsv" 2> "$work/tshark.err" || {
    echo "tshark failed on $pcap:" >&2; cat "$work/tshark.err" >&2; exit 1; }
"$tool" report --format json "$work/export.tsv" > "$work/report.json" || {
    echo "report failed on the export of $pcap" >&2; exit 1; }
awk -v truth="$truth" '
function field(line, key,    m) {
    if (!match(line, "\"" key "\":(\"[^\"]*\"|[0-9]+|null)")) return ""
    m = substr(line, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
    gsub(/"/, "", m)
    return m
}
/"stream":/ {
    n++
    cl[n] = field($0, "client"); sv[n] = field($0, "server")
    cf[n] = field($0, "client_final"); sf[n] = field($0, "server_final")
    ff[n] = field($0, "first_frame") + 0
    if (match($0, /"anomalies":\[[^]]*\]/)) {
        list = substr($0, RSTART + 13, RLENGTH - 14)
        gsub(/"/, "", list)
        k = split(list, names, ",")
        for (i = 1; i <= k; i++) flagged[names[i]] = 1
    }
}
END {
    bad = 0
    while ((getline line < truth) > 0) {
        sub(/#.*/, "", line)
        nf = split(line, w, /[ \t]+/)
        if (nf == 0 || w[1] == "description") continue
        if (w[1] == "expect") { expect[w[2]] = 1; continue }
        if (w[1] == "allow") { allow[w[2]] = 1; continue }
        if (w[1] != "endpoint") continue
        checked++
        best = 0
        for (i = 1; i <= n; i++) {
            hit = (w[4] == "client") ? (cl[i] == w[2] && sv[i] == w[3]) \
                                     : (sv[i] == w[2] && cl[i] == w[3])
            if (hit && (best == 0 || ff[i] > ff[best])) best = i
        }
        if (best == 0) {
            printf "%s %s (%s): no stream with it in that role\n", w[2], w[4], w[3]
            bad = 1; continue
        }
        got = (w[4] == "client") ? cf[best] : sf[best]
        if (got != w[5]) {
            printf "%s %s: final state %s, the kernel says %s\n", w[4], w[2], got, w[5]
            bad = 1
        }
    }
    for (a in expect) if (!(a in flagged)) { printf "expected anomaly %s not flagged\n", a; bad = 1 }
    for (a in flagged) if (a != "" && !(a in expect) && !(a in allow)) {
        printf "anomaly %s flagged, neither expected nor allowed\n", a; bad = 1 }
    if (!checked) { print "no endpoint checked"; bad = 1 }
    exit bad
}' "$work/report.json" >&2 || { echo "($pcap: see above)" >&2; exit 1; }
