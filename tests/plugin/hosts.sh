#!/bin/sh
# hosts.sh MKHOSTS TOOL - the Statistics tree's per-host branch ("Hosts:
# sockets at the end (netstat)", tshark -z tcp_lifecycle,tree) on mkhosts'
# synthetic captures (20 s, and 120 s where Linux has let go of the
# TIME_WAITs and handshakes), in one pass and in two: every host's sockets
# per state at the end are those `tcp-lifecycle report --hosts` gives (its
# JSON "final"), and the branch's total is their sum.
. "$(dirname "$0")/common.sh"
mk=$1 tool=$2
need_plugin
for variant in "" -l; do # 20 s, then 120 s
# shellcheck disable=SC2086
"$mk" $variant "$tmp/hosts.pcap" || fail "mkhosts $variant failed"
in=$(input "$tmp/hosts.pcap")

# The report's final counts: "host STATE n", sorted.
"$tool" report --pcap --hosts --format json "$in" >"$tmp/hosts.jsonl" ||
    fail "report --hosts failed"
sed -n 's/^{"file":"[^"]*","host":"\([^"]*\)","interval":[^,]*,"final":{\([^}]*\)}.*/\1 \2/p' \
    "$tmp/hosts.jsonl" |
    awk '{ n = split($2, kv, ","); for (i = 1; i <= n; i++) { split(kv[i], p, ":");
           gsub(/"/, "", p[1]); print $1, p[1], p[2] } }' | sort >"$tmp/want.txt"
[ -s "$tmp/want.txt" ] || fail "report --hosts gave no final counts"
want_total=$(awk '{ s += $3 } END { print s }' "$tmp/want.txt")

for pass in "" -2; do
    # shellcheck disable=SC2086
    ts $pass -q -r "$in" -z tcp_lifecycle,tree >"$tmp/st.txt" 2>"$tmp/err.txt" ||
        fail "tshark -z tcp_lifecycle,tree failed: $(head -c 2000 "$tmp/err.txt")"
    # Under the branch: " HOST  n" then "  STATE  n" rows; rows at 0 are
    # states a host held earlier.
    awk '/^Hosts: sockets at the end/ { on = 1; total = $(NF - 4); next }
         on && /^[-=]+$/ { exit }
         on && /^  [A-Z]/ { if ($2 > 0) print host, $1, $2; next }
         on && /^ [^ ]/ { host = $1 }
         END { print "total", total > "/dev/stderr" }' "$tmp/st.txt" 2>"$tmp/total.txt" |
        sort >"$tmp/got.txt"
    diff -u "$tmp/want.txt" "$tmp/got.txt" >"$tmp/diff.txt" ||
        fail "plugin ${pass:-(one pass)} per-host counts differ from report --hosts: $(head -40 "$tmp/diff.txt")"
    grep -q "^total $want_total\$" "$tmp/total.txt" ||
        fail "plugin ${pass:-(one pass)}: branch total $(cat "$tmp/total.txt"), want $want_total"
    echo "ok   ${variant:-20 s} ${pass:-one pass}: $(wc -l <"$tmp/got.txt") host/state rows, $want_total sockets"
done
done
echo "PASS"
