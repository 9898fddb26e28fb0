#!/bin/sh
# truth.sh CAPTURE - the plugin against the kernel's own view.
#
# Runs two-pass tshark with the plugin over one capture of captures/ and
# checks it against the capture's .truth file (format: captures/README.md):
# every endpoint's final state, as the stream-level fields of the last
# lifecycle on its 4-tuple show it, equals the kernel's; every `expect`
# anomaly is flagged somewhere; nothing outside expect and allow is.
. "$(dirname "$0")/common.sh"

cap=${1:?usage: truth.sh CAPTURE}
truth=${cap%.*}.truth
[ -f "$cap" ] || fail "no capture $cap"
[ -f "$truth" ] || fail "no truth file $truth"
# One tshark run per capture keeps the suite fast: a plugin that did not
# load fails below anyway (tshark rejects unknown -e fields, and a
# capture without tcp.lifecycle fields fails).
need_instrumented

in=$(input "$cap")
ts -2 -r "$in" -T fields -E occurrence=a -E aggregator=, \
    -e ip.src -e ipv6.src -e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport \
    -e tcp.lifecycle.src_state -e tcp.lifecycle.role \
    -e tcp.lifecycle.stream.client_state -e tcp.lifecycle.stream.server_state \
    -e tcp.lifecycle.stream.anomaly -e tcp.lifecycle.anomaly \
    >"$tmp/fields.txt" 2>"$tmp/tshark.err"
rc=$?
[ $rc -eq 0 ] || fail "tshark exited $rc: $(head -c 2000 "$tmp/tshark.err")"

awk -F'\t' -v truthfile="$truth" '
function first(s,   a) { split(s, a, ","); return a[1] }
function ep(v4, v6, port) {
    if (v4 != "") return first(v4) ":" first(port)
    return "[" first(v6) "]:" first(port)
}
function pairkey(a, b) { return a < b ? a "|" b : b "|" a }
FNR == NR {
    if ($7 == "") next                  # not a frame the plugin stepped
    rows++
    src = ep($1, $2, $3); dst = ep($4, $5, $6)
    k = pairkey(src, dst)
    # The last frame of a 4-tuple carries its last lifecycle, finished.
    client[k] = $8 == "client" ? src : $8 == "server" ? dst : ""
    cstate[k] = $9; sstate[k] = $10
    n = split($11 "," $12, a, ",")
    for (i = 1; i <= n; i++) if (a[i] != "") flagged[a[i]] = 1
    next
}
/^[ \t]*(#|$)/ { next }
$1 == "description" { next }
$1 == "endpoint" {
    endpoints++
    k = pairkey($2, $3)
    if (!(k in cstate)) {
        printf "endpoint %s (peer %s): no frame of this connection in the capture\n", $2, $3
        bad++; next
    }
    if (client[k] == "") {
        printf "endpoint %s (peer %s): no role inferred\n", $2, $3
        bad++; next
    }
    role = client[k] == $2 ? "client" : "server"
    got = role == "client" ? cstate[k] : sstate[k]
    if (got != $5) {
        printf "endpoint %s (peer %s): kernel %s, plugin %s (%s)\n", $2, $3, $5, got == "" ? "(none)" : got, role
        bad++
    } else {
        printf "ok   endpoint %s %s %s\n", $2, role, got
    }
    if (role != $4)
        printf "note endpoint %s: truth says %s, plugin inferred %s\n", $2, $4, role
    next
}
$1 == "expect" { expect[$2] = 1; next }
$1 == "allow" { allow[$2] = 1; next }
{ printf "%s:%d: unknown line: %s\n", truthfile, FNR, $0; bad++ }
END {
    if (rows == 0) { print "no frame carries tcp.lifecycle fields"; exit 1 }
    if (endpoints == 0) { print truthfile ": no endpoint lines"; exit 1 }
    for (x in expect)
        if (!(x in flagged)) { printf "expected anomaly %s not flagged\n", x; bad++ }
        else printf "ok   expected %s flagged\n", x
    for (x in flagged)
        if (!(x in expect) && !(x in allow)) { printf "unexpected anomaly %s flagged\n", x; bad++ }
    exit bad > 0
}' "$tmp/fields.txt" FS=' ' "$truth" || fail "$(basename "$cap") disagrees with the kernel"
echo "PASS: $(basename "$cap")"
