#!/bin/sh
# stats.sh - Statistics → TCP lifecycle (`tshark -q -z tcp_lifecycle,tree`).
#
# On every capture with kernel truth, in two passes: the final
# client/server state pair the kernel reported is counted, every expected
# anomaly is counted, and each breakdown (state pairs, first closer, close
# type) adds up to the number of lifecycles.  One pass must add up too.
# A refused connection's close type is "none (refused)".
. "$(dirname "$0")/common.sh"
need_plugin

# rows FILE: "name<TAB>count" for each row of the stats tree.
rows() {
    awk '/^Topic \/ Item/ { on = 1; next } on && /^-+$/ { if (seen) exit; next }
         on && NF { seen = 1; sub(/^ +/, ""); n = split($0, f, /  +/); print f[1] "\t" f[2] }' "$1"
}

# check_sums ROWS CAPTURE: each breakdown adds up to Lifecycles.
check_sums() {
    awk -F'\t' -v cap="$2" '
        $1 == "Lifecycles" { n = $2; next }
        $1 == "Final states (client / server)" || $1 == "First closer" || $1 == "Close type" ||
        $1 == "With anomalies" || $1 ~ /^Time in state/ { sect = $1; next }
        sect == "Final states (client / server)" { pairs += $2 }
        sect == "First closer" { closers += $2 }
        sect == "Close type" { types += $2 }
        END {
            if (n < 1) { print cap ": no lifecycle counted"; exit 1 }
            if (pairs != n || closers != n || types != n) {
                printf "%s: %d lifecycles, but state pairs %d, closers %d, close types %d\n", cap, n, pairs, closers, types
                exit 1
            }
        }' "$1"
}

for t in "$TCPL_SOURCE_DIR"/captures/*.truth; do
    c=${t%.truth}.pcap
    [ -f "$c" ] || continue
    name=$(basename "$c")
    in=$(input "$c")
    for pass in "" -2; do
        # shellcheck disable=SC2086
        ts $pass -q -r "$in" -z tcp_lifecycle,tree >"$tmp/st.txt" 2>"$tmp/err.txt" ||
            fail "tshark -z tcp_lifecycle,tree failed on $name: $(head -c 2000 "$tmp/err.txt")"
        rows "$tmp/st.txt" >"$tmp/rows.txt"
        msg=$(check_sums "$tmp/rows.txt" "$name ${pass:-(one pass)}") || fail "$msg: $(cat "$tmp/st.txt")"
    done
    # Two passes: the kernel's final states and the expected anomalies.
    # Each client endpoint line and the server line of the same 4-tuple.
    awk '$1 == "endpoint" { st[$2 " " $3] = $5; role[$2 " " $3] = $4 }
         END { for (k in st) if (role[k] == "client") { split(k, a, " ");
                   print st[k] " / " st[a[2] " " a[1]] } }' "$t" | sort | uniq -c |
    while read -r n pair; do
        awk -F'\t' -v p="$pair" -v n="$n" '$1 == p && $2 >= n { f = 1 } END { exit !f }' "$tmp/rows.txt" ||
            fail "$name: fewer than $n lifecycles counted as $pair: $(cat "$tmp/rows.txt")"
    done || exit 1
    for a in $(awk '$1 == "expect" { print $2 }' "$t"); do
        awk -F'\t' -v a="($a)" 'index($1, a) && $2 >= 1 { f = 1 } END { exit !f }' "$tmp/rows.txt" ||
            fail "$name: anomaly $a not counted: $(cat "$tmp/rows.txt")"
    done
    grep -q '^Time in state' "$tmp/rows.txt" || fail "$name: no time in state"
    echo "ok   $name"
done

c=$(captures_with refused | head -n 1)
ts -2 -q -r "$(input "$c")" -z tcp_lifecycle,tree >"$tmp/st.txt" 2>"$tmp/err.txt" || fail "tshark failed"
rows "$tmp/st.txt" | grep -q "^none (refused)	1$" || fail "refused: close type not 'none (refused)': $(cat "$tmp/st.txt")"
echo "PASS"
