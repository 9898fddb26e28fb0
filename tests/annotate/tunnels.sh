#!/bin/sh
# tunnels.sh - the TCP story of mkcap carried in VXLAN, GRE, MPLS and
# PPPoE over QinQ is the same story as on plain Ethernet: `report --pcap`
# finds the same lifecycles with the same final states and anomalies, and
# the plugin (where it is built) gives every frame the same states as on
# Ethernet, plus tcp.lifecycle.tunnel naming the encapsulation and, for IP
# tunnels, the endpoints of the frame's own direction; Zeek's conn.log
# names the IP tunnel as tunnel_parents.
#
# usage: tunnels.sh TCP_LIFECYCLE MKCAP [PLUGIN_DIR]
. "$(dirname "$0")/lib.sh"
cli=$1 mkcap=$2 plugdir=${3:-}

tunnels="vxlan gre mpls pppoe"

for link in eth $tunnels; do
    "$mkcap" "$link" "$work/$link.pcap" || die "mkcap $link failed"
    chmod 644 "$work/$link.pcap"
    "$cli" report --pcap --format csv "$work/$link.pcap" >"$work/$link.full.csv" \
        2>"$work/$link.err" || fail "$link: report --pcap exited non-zero: $(head -n 2 "$work/$link.err")"
    [ ! -s "$work/$link.err" ] || fail "$link: report --pcap complained: $(head -n 2 "$work/$link.err")"
    # Everything but the file name (and the tunnel, where the report has
    # that column: the one thing that must differ).
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "tunnel") t = i }
             { s = ""; for (i = 2; i <= NF; i++) if (i != t) s = s "," $i; print s }' \
        "$work/$link.full.csv" >"$work/$link.csv"
done

# The story's verdicts, on Ethernet first, so that "the same as Ethernet"
# cannot pass by both being empty or both being wrong.
want() { # stream client:port client_final server_final anomalies
    grep -q "^,$1,0,$2,[^,]*,seen,.*,$3,$4,[^,]*,[^,]*,$5," "$work/eth.csv" ||
        fail "eth: stream $1 ($2) is not $3/$4 with $5"
}
awk -F, 'NR > 1' "$work/eth.csv" | wc -l | grep -qx 9 ||
    fail "eth: $(($(wc -l <"$work/eth.csv") - 1)) lifecycles, expected 9"
want 0 10.1.0.1:40000 TIME_WAIT CLOSED close_wait_stall
want 1 10.1.0.1:40001 CLOSED CLOSED refused
want 2 10.1.0.1:40000 CLOSED CLOSED 'reset;port_reuse'
want 3 10.1.0.1:40002 FIN_WAIT_2 CLOSE_WAIT close_wait_stall
want 4 '\[2001:db8::1\]:40000' TIME_WAIT CLOSED close_wait_stall

for link in $tunnels; do
    cmp -s "$work/eth.csv" "$work/$link.csv" ||
        fail "$link: report differs from Ethernet's: $(diff "$work/eth.csv" "$work/$link.csv" | head -n 4)"
done

# The report names the tunnel where it has the column.
if head -n 1 "$work/vxlan.full.csv" | tr , '\n' | grep -qx tunnel; then
    for link in $tunnels; do
        case $link in
        vxlan) t='vxlan 192.0.2.1->192.0.2.2' ;;
        gre) t='gre 192.0.2.1->192.0.2.2' ;;
        *) t=$link ;;
        esac
        n=$(awk -F, -v t="$t" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "tunnel") c = i }
                               NR > 1 && $c == t' "$work/$link.full.csv" | wc -l)
        [ "$n" -eq 9 ] || fail "$link: $n of 9 lifecycles with tunnel '$t'"
    done
    n=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "tunnel") c = i }
                 NR > 1 && $c != ""' "$work/eth.full.csv" | wc -l)
    [ "$n" -eq 0 ] || fail "eth: $n lifecycles with a tunnel"
fi

# Zeek's tunnel_parents: one parent uid for every lifecycle of an IP
# tunnel (both directions and all 9 lifecycles share the one VXLAN or GRE
# tunnel), none for MPLS, PPPoE and plain Ethernet.
for link in eth $tunnels; do
    "$cli" report --pcap --format zeek "$work/$link.pcap" 2>"$work/err" |
        awk -F'\t' '/^#fields/ { for (i = 2; i <= NF; i++) if ($i == "tunnel_parents") c = i - 1 }
                    !/^#/ { print $c }' | sort | uniq -c >"$work/$link.parents"
    case $link in
    vxlan | gre)
        grep -Eqx ' *9 C[0-9A-Za-z]{17}' "$work/$link.parents" ||
            fail "$link: tunnel_parents not one uid for all 9: $(cat "$work/$link.parents")" ;;
    *)
        grep -Eqx ' *9 -' "$work/$link.parents" ||
            fail "$link: tunnel_parents set: $(cat "$work/$link.parents")" ;;
    esac
done
cmp -s "$work/vxlan.parents" "$work/gre.parents" &&
    fail "vxlan and gre: the same tunnel parent"

if [ -n "$plugdir" ]; then
    [ -d "$plugdir" ] || die "plugin folder $plugdir does not exist: build the tcp_lifecycle target"
    for link in eth $tunnels; do
        plugin_tshark "$plugdir" -2 -r "$work/$link.pcap" -T fields -E separator=/t \
            -e frame.number -e tcp.lifecycle.src_state -e tcp.lifecycle.dst_state \
            -e tcp.lifecycle.anomaly -e tcp.lifecycle.stream.client_state \
            -e tcp.lifecycle.stream.server_state -e tcp.lifecycle.tunnel \
            -e ip.src >"$work/$link.plugin" ||
            { fail "$link: tshark with the plugin failed: $(tail -n 2 "$work/tshark.err")"; continue; }
        cut -f1-6 "$work/$link.plugin" >"$work/$link.states"
    done
    ntcp=$(awk -F'\t' '$2 != ""' "$work/eth.states" | wc -l)
    [ "$ntcp" -eq 45 ] || fail "eth: the plugin drew $ntcp TCP frames, expected 45"
    awk -F'\t' '$7 != ""' "$work/eth.plugin" | grep -q . &&
        fail "eth: tcp.lifecycle.tunnel on a plain Ethernet frame"
    for link in $tunnels; do
        cmp -s "$work/eth.states" "$work/$link.states" ||
            fail "$link: plugin states differ from Ethernet's: $(diff "$work/eth.states" "$work/$link.states" | head -n 4)"
        # Each TCP frame's tunnel; IP tunnels name the frame's own
        # direction (the first ip.src is the outer one).
        bad=$(awk -F'\t' -v l="$link" '
            $2 == "" { if ($7 != "") print $1 ": not TCP but tunnel " $7; next }
            {
                if (l == "vxlan" || l == "gre") {
                    split($8, a, ",")
                    want = l " " a[1] "->" (a[1] == "192.0.2.1" ? "192.0.2.2" : "192.0.2.1")
                } else
                    want = l
                if ($7 != want) print $1 ": tunnel \"" $7 "\", expected \"" want "\""
            }' "$work/$link.plugin" | head -n 3)
        [ -z "$bad" ] || fail "$link: $bad"
    done
fi
finish
