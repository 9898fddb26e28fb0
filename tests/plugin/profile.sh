#!/bin/sh
# profile.sh - the "TCP lifecycle" configuration profile (plugin/profile/).
#
# Installed with plugin/profile/install.sh into a scratch personal
# configuration folder, `tshark -C "TCP lifecycle"` must show the client
# state, server state and anomaly columns, colour each anomaly packet with
# one of our rules (every anomaly the engine names has a rule), keep
# Wireshark's default rules after ours, and offer filter buttons whose
# filters compile.
. "$(dirname "$0")/common.sh"
need_plugin

profiles="$tmp/home/.config/wireshark/profiles"
sh "$TCPL_SOURCE_DIR/plugin/profile/install.sh" "$profiles" >/dev/null ||
    fail "install.sh failed"
chmod -R a+rwX "$tmp/home"
prof="$profiles/TCP lifecycle"
for f in preferences colorfilters dfilter_buttons; do
    [ -s "$prof/$f" ] || fail "profile has no $f"
done

# Every anomaly name of the engine's list has a colouring rule.
names=$(sed -n 's/^ *X([A-Z_]*, "\([a-z_]*\)".*/\1/p' "$TCPL_SOURCE_DIR/include/tcpl/tcpl.h")
[ "$(echo "$names" | wc -l)" -ge 10 ] || fail "cannot read the anomaly names from tcpl.h"
for a in $names; do
    grep -q "^@TCP lifecycle: [^@]*@.*tcp.lifecycle.anomaly == \"$a\"" "$prof/colorfilters" ||
        fail "no colouring rule for $a"
done
grep -q '^@TCP@tcp@' "$prof/colorfilters" || echo "note: no global colorfilters appended (none found)"

c=$(input "$(captures_with close_wait_stall | head -n 1)")
ts -C "TCP lifecycle" -2 -r "$c" >"$tmp/list.txt" 2>"$tmp/err.txt" ||
    fail "tshark -C failed: $(head -c 2000 "$tmp/err.txt")"
grep -q ' CLOSE_WAIT close_wait_stall \[TCP lifecycle: CLOSE_WAIT stall\]' "$tmp/list.txt" ||
    fail "tshark -C \"TCP lifecycle\": no client/server state and anomaly columns: $(tail -n 3 "$tmp/list.txt")"
ts -2 -r "$c" >"$tmp/plain.txt" 2>"$tmp/err.txt" || fail "tshark failed"
! grep -q 'FIN_WAIT_2 CLOSE_WAIT' "$tmp/plain.txt" || fail "the default profile shows our columns too"
echo "ok   columns with -C"

for t in "$TCPL_SOURCE_DIR"/captures/*.truth; do
    c=${t%.truth}.pcap
    [ -f "$c" ] || continue
    ts -C "TCP lifecycle" --color -2 -r "$(input "$c")" -T fields -e frame.number \
        -e tcp.lifecycle.anomaly -e frame.coloring_rule.name >"$tmp/col.txt" 2>"$tmp/err.txt" ||
        fail "tshark --color failed on $c: $(head -c 2000 "$tmp/err.txt")"
    ! grep -qi 'error\|invalid' "$tmp/err.txt" || fail "colouring rules rejected: $(cat "$tmp/err.txt")"
    awk -F'\t' '$2 != "" && $3 !~ /^TCP lifecycle: / { print; bad = 1 } END { exit bad }' \
        "$tmp/col.txt" >"$tmp/bad.txt" ||
        fail "$(basename "$c"): anomaly packets not coloured by our rules: $(head -n 3 "$tmp/bad.txt")"
done
echo "ok   colouring rules"

sed -n 's/^"[A-Z]*","[^"]*","\([^"]*\)".*/\1/p' "$prof/dfilter_buttons" >"$tmp/buttons.txt"
grep -q '^tcp.lifecycle.anomaly$' "$tmp/buttons.txt" || fail "no tcp.lifecycle.anomaly filter button"
while read -r expr; do
    ts -C "TCP lifecycle" -r "$c" -Y "$expr" -c 1 >/dev/null 2>"$tmp/err.txt" ||
        fail "filter button '$expr' does not compile: $(cat "$tmp/err.txt")"
done <"$tmp/buttons.txt"
echo "ok   filter buttons"
echo "PASS"
