#!/bin/bash
# make-captures.sh - regenerate the kernel-truth captures in captures/.
#
# Every scenario runs in a network namespace of its own (tcpl-<name>), on
# its loopback interface only, so nothing here can reach or change the
# host's network.  Per scenario: load the scenario's nftables rules, record
# lo with tcpdump (snaplen 128: full IPv4/IPv6 + TCP headers with options,
# payload cut), play the scenario with the C driver scenario.c, record the
# kernel's own view (`ss -tan`) while the driver still holds its sockets,
# and write <name>.pcap and <name>.truth (format in captures/README.md).
#
# On lo tcpdump sees each packet once, when it is transmitted: nft output
# rules act before the capture point (the packet never shows), input rules
# after it (the packet shows but never arrives).
#
# A routed scenario (ROUTERS=N) instead gives the client and the server a
# namespace each (tcpl-<name>, tcpl-<name>-s) with N router namespaces in
# a line between them (tcpl-<name>-r1 next to the client ...), joined by
# veth pairs made here; each router forwards, so a packet's TTL falls by
# one per hop.  Addresses are from the benchmarking range 198.18.0.0/15
# (RFC 2544), link i being 198.18.<i+1>.0/24, and exist only inside
# these namespaces.  tcpdump records the client's interface; the truth is
# `ss` on both hosts.
#
# usage: sudo captures/make-captures.sh [scenario...]   (default: all)
#        captures/make-captures.sh --list
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${TCPL_CAPTURES_OUT:-$here}

all_scenarios="normal_close_client_first normal_close_server_first refused
syn_timeout backlog_overflow close_wait_stall close_wait_rst rst_after_fin
half_close_stream close_unread abort_linger0 zero_window half_open_vanished dead_peer_keepalive
simultaneous_open simultaneous_open_asym simultaneous_close embryonic midstream port_reuse reuse_after_time_wait data_loss
fin_with_data fast_open
normal_close_client_first_v6 refused_v6 close_wait_stall_v6 half_open_vanished_v6
port_reuse_v6
icmp_port_unreachable icmp_host_unreachable icmp_admin_prohibited
icmp_port_unreachable_v6 icmp_admin_prohibited_v6 icmp_addr_unreachable_v6
synack_rejected rst_injected
rst_injected_routed pmtu_blackhole"

# Per scenario: description, anomalies expected and allowed, nft rules
# loaded before the scenario starts (RULES) and at its "cut" sync point
# (CUT_RULES), one "<chain> <rule>" per line, sysctls of the namespace
# (SYSCTLS, name=value words), whether the capture starts
# only when the driver asks (LATE), and whether the pair goes to pending/
# (PENDING: a kernel truth the tools do not meet yet, kept out of the
# plugin and CLI truth tests until they do; see README.md).  Routed
# scenarios: the number of routers (ROUTERS), rules of the router next to
# the client (ROUTER_RULES, chains forward and output; RULES then apply
# to the client's host and SYSCTLS to both hosts), and a narrower link
# (NARROW: "<router> <west|east> <mtu>").
define() {
    DESC='' EXPECT='' ALLOW='' RULES='' CUT_RULES='' SYSCTLS='' LATE=0 PENDING=0
    ROUTERS=0 ROUTER_RULES='' NARROW=''
    local v6=
    case $1 in *_v6) v6=" (IPv6)" ;; esac
    case ${1%_v6} in
    normal_close_client_first)
        DESC="handshake, request and response, the client closes first (FIN/ACK/FIN/ACK); client ends in TIME_WAIT$v6" ;;
    normal_close_server_first)
        DESC="handshake, request and response, the server closes first; server ends in TIME_WAIT" ;;
    refused)
        DESC="connect to a port nobody listens on: the SYN is answered by RST+ACK$v6"
        EXPECT="refused" ;;
    syn_timeout)
        DESC="a firewall drops every SYN at the server's input; the client retransmits and is still in SYN_SENT at capture end"
        EXPECT="syn_unanswered"
        RULES="input tcp dport 5000 tcp flags & (syn | ack) == syn drop" ;;
    backlog_overflow)
        DESC="listen backlog 1, never accepted: two clients fill the accept queue, the third one's SYNs are dropped by the listener and retransmitted"
        EXPECT="syn_unanswered" ;;
    close_wait_stall)
        DESC="the client closes, the server application never calls close(): server stalls in CLOSE_WAIT, client in FIN_WAIT_2, until capture end; the server's keepalives (idle 1 s) show the stall on the wire$v6"
        EXPECT="close_wait_stall" ;;
    close_wait_rst)
        DESC="CLOSE_WAIT stall of 1.6 s, then the server application writes and the closed client answers with a RST"
        EXPECT="close_wait_stall rst_after_fin" ;;
    rst_after_fin)
        DESC="the client half-closes (shutdown SHUT_WR, FIN), the server sends data the client never reads, the client's close() then sends a RST"
        EXPECT="rst_after_fin" ;;
    half_close_stream)
        DESC="the client sends its request and half-closes (shutdown SHUT_WR, FIN); the server, in CLOSE_WAIT, keeps streaming its answer for 3 s (a 500-byte chunk every 100 ms), then closes; the client reads it all to EOF and closes: a busy server, not a stall" ;;
    close_unread)
        DESC="the client closes with unread data in its receive buffer: the kernel sends a RST instead of a FIN"
        EXPECT="reset" ;;
    abort_linger0)
        DESC="the client aborts mid-stream with SO_LINGER 0 (all received data was read): RST, no FIN"
        EXPECT="reset" ;;
    zero_window)
        DESC="a slow reader with a 2 KB receive buffer stops reading for 2 s: window 0, zero-window probes, then it reads and the window reopens; normal close"
        EXPECT="zero_window zero_window_stall" ;;
    half_open_vanished)
        DESC="the client aborts (SO_LINGER 0) but its RST is dropped before the wire; the server's later data meets the client kernel's RST$v6"
        EXPECT="half_open"
        ALLOW="reset"
        RULES="output tcp sport 41000 tcp flags & (rst | ack) == rst | ack drop" ;;
    dead_peer_keepalive)
        DESC="after an exchange all client-to-server packets are dropped at the server's input; the client's keepalives go unanswered and it aborts with a RST; the server still holds the connection"
        EXPECT="half_open"
        ALLOW="reset"
        CUT_RULES="input tcp sport 41000 tcp dport 5000 drop" ;;
    simultaneous_open)
        DESC="two sockets on fixed ports connect to each other; the first SYN of each is dropped at input, the retransmitted SYNs cross (simultaneous open)"
        EXPECT="simultaneous_open"
        ALLOW="syn_unanswered"
        RULES="input tcp sport 41000 tcp flags & (syn | ack) == syn limit rate 1/hour burst 1 packets drop
input tcp sport 41001 tcp flags & (syn | ack) == syn limit rate 1/hour burst 1 packets drop" ;;
    simultaneous_open_asym)
        DESC="two sockets on fixed ports connect to each other; only 41000's first SYN is dropped at input, so 41001's SYN reaches 41000 in SYN_SENT, which answers SYN-ACK; 41001 goes straight to ESTABLISHED"
        EXPECT="simultaneous_open"
        RULES="input tcp sport 41000 tcp flags & (syn | ack) == syn limit rate 1/hour burst 1 packets drop" ;;
    simultaneous_close)
        DESC="both endpoints close at once; the first FIN of each is dropped at input, so the retransmitted FINs cross (CLOSING on both sides)"
        EXPECT="simultaneous_close"
        RULES="input tcp sport 41000 tcp flags & fin == fin limit rate 1/hour burst 1 packets drop
input tcp sport 5000 tcp flags & fin == fin limit rate 1/hour burst 1 packets drop" ;;
    embryonic)
        DESC="the server's SYN-ACKs are dropped at the client's input: SYN, SYN-ACK and retransmissions, never the final ACK (SYN-flood shape)"
        EXPECT="handshake_incomplete"
        ALLOW="syn_unanswered"
        RULES="input tcp sport 5000 tcp flags & (syn | ack) == syn | ack drop" ;;
    midstream)
        DESC="the capture starts after the handshake and one exchange; one more exchange, then the client closes first"
        EXPECT="midstream"
        LATE=1 ;;
    port_reuse)
        DESC="the client closes first (TIME_WAIT), then reconnects from the same port at once: the same 4-tuple reused while in TIME_WAIT; the truth is the second lifecycle's$v6"
        EXPECT="port_reuse" ;;
    reuse_after_time_wait)
        DESC="the client closes first (TIME_WAIT), waits 61 s until the kernel's 60 s TIME_WAIT is over, then connects again from the same port: a new connection on the same 4-tuple, not a reuse" ;;
    fin_with_data)
        DESC="corked writes: the client's request and its FIN travel in one segment, then the server's response and its FIN in one segment"
        ;;
    fast_open)
        DESC="TCP Fast Open: the first connection (41000) gets a cookie, the second (41001) carries its 200-byte request in the SYN; both close normally, client first"
        SYSCTLS="net.ipv4.tcp_fastopen=3" ;;
    icmp_port_unreachable | icmp_host_unreachable | icmp_admin_prohibited | icmp_addr_unreachable)
        # nft's names: port-unreachable, host-unreachable, admin-prohibited
        # (ICMP code 13 / ICMPv6 code 1), addr-unreachable (ICMPv6 only).
        local kind=${1%_v6} proto=icmp
        kind=${kind#icmp_}
        kind=${kind//_/-}
        [ -z "$v6" ] || proto=icmpv6
        DESC="a firewall rejects the SYN at the server's input with $proto $kind; the first error meets the socket while connect() holds it (soft), the one answering the SYN's retransmission ends the attempt$v6"
        EXPECT="unreachable"
        ALLOW="syn_unanswered"
        RULES="input tcp dport 5000 tcp flags & (syn | ack) == syn reject with $proto type $kind" ;;
    synack_rejected)
        DESC="the client's SYN is dropped at the server's input (no socket sees it); a raw socket answers with a SYN-ACK acknowledging a number the client never sent; the client answers RST (seq = that ACK), stays in SYN_SENT and retransmits its SYN"
        EXPECT="synack_rejected"
        ALLOW="syn_unanswered"
        RULES="input tcp dport 5000 tcp flags & (syn | ack) == syn drop" ;;
    rst_injected)
        DESC="the server's packets leave with TTL 57 (an nft rule, as if 7 hops away); after the server's greeting a firewall rule rejects the client's request with a TCP reset in the server's name (TTL 64): the client's connection is reset, the server's stays ESTABLISHED"
        EXPECT="rst_injected"
        RULES="output tcp sport 5000 tcp flags & rst == 0 ip ttl set 57
input tcp dport 5000 meta length > 200 reject with tcp reset" ;;
    rst_injected_routed)
        DESC="client and server on hosts of their own, two routers between them (TTLs fall by one per hop); after the server's greeting the router next to the client rejects the client's request with a TCP reset in the server's name: the RST arrives with TTL 64, the server's own packets with 62; the client's connection is reset, the server's stays ESTABLISHED"
        EXPECT="rst_injected"
        ROUTERS=2
        ROUTER_RULES="forward tcp dport 5000 meta length > 200 reject with tcp reset" ;;
    pmtu_blackhole)
        DESC="client, router, server; the router's link toward the server has MTU 1280, the hosts' links 1500, and the router's ICMP fragmentation-needed errors are dropped at its output; three small exchanges pass, then the client's 6000-byte upload goes out in full-size segments (DF) that are retransmitted at full size for 5 s (tcp_mtu_probing=0), never delivered"
        EXPECT="pmtu_blackhole"
        ROUTERS=1
        ROUTER_RULES="output icmp type destination-unreachable icmp code frag-needed drop"
        NARROW="1 east 1280"
        SYSCTLS="net.ipv4.tcp_mtu_probing=0" ;;
    data_loss)
        DESC="the client sends 8 segments of 1000 bytes; one is dropped once at the server's input and retransmitted; otherwise a normal connection, client closes first"
        RULES="input tcp dport 5000 @ih,0,32 0x43303034 limit rate 1/hour burst 1 packets drop" ;;
    *)
        echo "make-captures.sh: unknown scenario $1 (see --list)" >&2
        exit 2 ;;
    esac
}

if [ "${1:-}" = --list ]; then
    # shellcheck disable=SC2086 # one name per word
    printf '%s\n' $all_scenarios
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "make-captures.sh: needs root (network namespaces, nft, tcpdump)" >&2
    exit 2
fi
for tool in cc ip nft tcpdump ss tshark; do
    command -v $tool >/dev/null || { echo "make-captures.sh: $tool not found" >&2; exit 2; }
done
scenarios=${*:-$all_scenarios}
for s in $scenarios; do define "$s"; done

work=$(mktemp -d /tmp/tcpl-captures.XXXXXX)
ns=
all_ns=   # every namespace of the scenario being played
hosts=    # those holding its sockets
iface=lo  # where tcpdump records, in $ns
tcpdump_pid=
driver_pid=

# Only what this script started: its own driver and tcpdump by pid, and
# the namespaces it created.
del_namespaces() {
    local n
    for n in $all_ns; do ip netns del "$n" 2>/dev/null || true; done
    all_ns=
}
cleanup() {
    if [ -n "$driver_pid" ]; then kill "$driver_pid" 2>/dev/null || true; fi
    if [ -n "$tcpdump_pid" ]; then kill "$tcpdump_pid" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    del_namespaces
    [ -n "${TCPL_KEEP_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

cc -std=c11 -O2 -Wall -Wextra -Werror -o "$work/scenario" "$here/scenario.c" \
    "$here/scenario_path.c"

start_tcpdump() {
    : >"$work/tcpdump.err"
    # -Z root: Debian's tcpdump otherwise drops to its own user, which cannot
    # write into our private work folder.  --immediate-mode and -U: each
    # packet is read and written at once; otherwise packets still waiting in
    # the kernel's ring buffer are lost when tcpdump is stopped.
    # ICMP too: the errors that quote a TCP segment are part of its story.
    ip netns exec "$ns" tcpdump -i "$iface" -s 128 --immediate-mode -U -Z root -w "$work/cap.pcap" \
        'tcp or icmp or icmp6' 2>"$work/tcpdump.err" &
    tcpdump_pid=$!
    for _ in $(seq 200); do
        grep -q 'listening on' "$work/tcpdump.err" && return 0
        sleep 0.02
    done
    echo "make-captures.sh: tcpdump did not start:" >&2
    cat "$work/tcpdump.err" >&2
    exit 1
}

stop_tcpdump() {
    sleep 0.1
    kill -INT "$tcpdump_pid"
    wait "$tcpdump_pid" || true
    tcpdump_pid=
}

# load_rules RULES [namespace]
load_rules() {
    local line
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        ip netns exec "${2:-$ns}" nft "add rule inet tcpl ${line%% *} ${line#* }"
    done <<<"$1"
}

new_namespace() {
    ip netns del "$1" 2>/dev/null || true
    ip netns add "$1"
    all_ns="$all_ns $1"
    ip -n "$1" link set lo up
    ip netns exec "$1" nft -f - <<'EOF'
table inet tcpl {
    chain input { type filter hook input priority 0; }
    chain output { type filter hook output priority 0; }
    chain forward { type filter hook forward priority 0; }
}
EOF
}

# The routed path: client (tcpl-<name>), routers r1..rN, server (-s),
# node k's interface "east" paired with node k+1's "west".  Link i joins
# node i (address .1) and node i+1 (.2) in 198.18.<i+1>.0/24.  GSO is
# limited to one segment on the hosts so that tcpdump records the
# segments the wire carries, not the kernel's unsplit batches (ethtool
# is not needed for that).
setup_path() {
    local r=$ROUTERS nodes=("$ns") k
    for k in $(seq "$r"); do nodes+=("$ns-r$k"); done
    nodes+=("$ns-s")
    for k in "${nodes[@]}"; do
        new_namespace "$k"
        # IPv4 only: no link-local addresses, so no neighbour discovery
        # packets in the capture.
        ip netns exec "$k" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
            net.ipv6.conf.default.disable_ipv6=1
    done
    hosts="$ns $ns-s"
    client_addr=198.18.1.1 server_addr=198.18.$((r + 1)).2
    for k in $(seq 0 "$r"); do
        ip link add east netns "${nodes[k]}" type veth peer name west netns "${nodes[k + 1]}"
        ip -n "${nodes[k]}" addr add "198.18.$((k + 1)).1/24" dev east
        ip -n "${nodes[k + 1]}" addr add "198.18.$((k + 1)).2/24" dev west
        ip -n "${nodes[k]}" link set east up
        ip -n "${nodes[k + 1]}" link set west up
    done
    ip -n "$ns" link set east gso_max_segs 1
    ip -n "$ns-s" link set west gso_max_segs 1
    ip -n "$ns" route add default via 198.18.1.2
    ip -n "$ns-s" route add default via "198.18.$((r + 1)).1"
    for k in $(seq "$r"); do
        ip netns exec "${nodes[k]}" sysctl -q -w net.ipv4.ip_forward=1
        [ "$k" = 1 ] || ip -n "${nodes[k]}" route add "$client_addr/32" via "198.18.$k.1"
        [ "$k" = "$r" ] || ip -n "${nodes[k]}" route add "$server_addr/32" via "198.18.$((k + 1)).2"
    done
    if [ -n "$NARROW" ]; then
        # shellcheck disable=SC2086 # three words
        set -- $NARROW
        ip -n "${nodes[$1]}" link set "$2" mtu "$3"
    fi
    load_rules "$ROUTER_RULES" "$ns-r1"
    iface=east
}

# ss's view of every host without the header, listening sockets dropped
# (LISTEN never shows on the wire and has no peer).
kernel_view() {
    local h
    for h in $hosts; do
        ip netns exec "$h" ss -tanH | awk '$1 != "LISTEN" { print $1, $4, $5 }'
    done | sort
}

# ss -tin per host, for the truth file's comments (retransmission counters).
kernel_detail() {
    local h
    for h in $hosts; do
        echo "on ${h#tcpl-}:"
        ip netns exec "$h" ss -tinH state connected | sed 's/^/  /'
    done
}

# Writes the truth file: one endpoint line per endpoint of every 4-tuple
# in the capture, its role from the first SYN without ACK on that tuple
# (mid-stream: the endpoint not on the server port 5000), its state from
# ss (absent = CLOSED).
write_truth() {
    local name=$1 pcap=$2 ssfile=$3 truth=$4
    {
        echo "# $name: generated by captures/make-captures.sh on Linux $(uname -r)"
        echo "# kernel view at capture end (ss -tan, listeners omitted):"
        if [ -s "$ssfile" ]; then sed 's/^/#   /' "$ssfile"; else echo "#   (no sockets)"; fi
        if [ -e "$work/mark" ]; then
            echo "# kernel view at the driver's mark (ss -tan, listeners omitted):"
            if [ -s "$work/mark" ]; then sed 's/^/#   /' "$work/mark"; else echo "#   (no sockets)"; fi
        fi
        if [ "$ROUTERS" -gt 0 ]; then
            echo "# path: client $client_addr, $ROUTERS router(s), server $server_addr${NARROW:+ (narrow link: router $NARROW)}"
            echo "# kernel detail at capture end (ss -tin on each host):"
            sed 's/^/#   /' "$work/detail"
        fi
        local line
        for line in $SYSCTLS; do echo "# sysctl: $line"; done
        while IFS= read -r line; do
            [ -n "$line" ] && echo "# nft at start: $line"
        done <<<"$RULES"
        while IFS= read -r line; do
            [ -n "$line" ] && echo "# nft at the cut: $line"
        done <<<"$CUT_RULES"
        while IFS= read -r line; do
            [ -n "$line" ] && echo "# nft on router 1: $line"
        done <<<"$ROUTER_RULES"
        echo "description $DESC"
        # ICMP errors quote a TCP header: only TCP's own segments name endpoints.
        tshark -r "$pcap" -Y 'tcp and not icmp and not icmpv6' -T fields -E separator=/t -e ip.src -e ipv6.src \
            -e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport \
            -e tcp.flags.syn -e tcp.flags.ack 2>/dev/null |
        awk -F'\t' -v ssfile="$ssfile" '
            BEGIN {
                map["ESTAB"] = "ESTABLISHED"; map["SYN-SENT"] = "SYN_SENT"
                map["SYN-RECV"] = "SYN_RECEIVED"; map["FIN-WAIT-1"] = "FIN_WAIT_1"
                map["FIN-WAIT-2"] = "FIN_WAIT_2"; map["TIME-WAIT"] = "TIME_WAIT"
                map["CLOSE-WAIT"] = "CLOSE_WAIT"; map["LAST-ACK"] = "LAST_ACK"
                map["CLOSING"] = "CLOSING"
                while ((getline line < ssfile) > 0) {
                    split(line, f, " ")
                    if (!(f[1] in map)) {
                        print "make-captures.sh: unknown ss state " f[1] > "/dev/stderr"
                        bad = 1
                    }
                    state[f[2] " " f[3]] = map[f[1]]
                }
            }
            function ep(a4, a6, port) { return a4 != "" ? a4 ":" port : "[" a6 "]:" port }
            {
                src = ep($1, $2, $3); dst = ep($4, $5, $6)
                key = src < dst ? src " " dst : dst " " src
                if (!(key in seen)) { seen[key] = 1; order[n++] = key }
                if ($7 == "1" && $8 == "0" && !(key in client)) client[key] = src
            }
            END {
                if (bad) exit 1
                for (i = 0; i < n; i++) {
                    split(order[i], e, " ")
                    if (!(order[i] in client)) {
                        # mid-stream: the real client is the non-5000 side
                        client[order[i]] = e[1] ~ /:5000$/ ? e[2] : e[1]
                    }
                    for (j = 1; j <= 2; j++) {
                        me = e[j]; peer = e[3 - j]
                        st = (me " " peer) in state ? state[me " " peer] : "CLOSED"
                        role = client[order[i]] == me ? "client" : "server"
                        print "endpoint", me, peer, role, st
                    }
                }
            }'
        for a in $EXPECT; do echo "expect $a"; done
        for a in $ALLOW; do echo "allow $a"; done
    } >"$truth"
}

# Plays one scenario; sets unstable=1 when the kernel's view changed
# between the two ss runs around the end of the capture (a packet slipped
# in), so the caller plays it again.  (Not a return status: errexit does
# not apply inside a function called from a || list.)
play() {
    local name=$1
    define "$name"
    ns=tcpl-$name
    local -a env=()
    if [ "$ROUTERS" -gt 0 ]; then
        setup_path
        env=(TCPL_SERVER_NETNS="/run/netns/$ns-s" TCPL_CLIENT_ADDR="$client_addr"
             TCPL_SERVER_ADDR="$server_addr")
    else
        new_namespace "$ns"
        hosts=$ns iface=lo
    fi
    local kv h
    for kv in $SYSCTLS; do
        for h in $hosts; do ip netns exec "$h" sysctl -q -w "$kv"; done
    done
    load_rules "$RULES"
    rm -rf "$work/sync" "$work/cap.pcap" "$work/mark"
    mkdir "$work/sync"
    [ "$LATE" = 1 ] || start_tcpdump
    ip netns exec "$ns" env "${env[@]}" "$work/scenario" "$name" "$work/sync" &
    driver_pid=$!
    local done_end=0 rc
    while [ $done_end = 0 ]; do
        if ! kill -0 "$driver_pid" 2>/dev/null; then
            wait "$driver_pid" && rc=0 || rc=$?
            driver_pid=
            echo "make-captures.sh: $name: driver exited early ($rc)" >&2
            exit 1
        fi
        if [ -e "$work/sync/capture" ] && [ ! -e "$work/sync/capture.go" ]; then
            start_tcpdump
            touch "$work/sync/capture.go"
        fi
        if [ -e "$work/sync/cut" ] && [ ! -e "$work/sync/cut.go" ]; then
            load_rules "$CUT_RULES"
            touch "$work/sync/cut.go"
        fi
        if [ -e "$work/sync/mark" ] && [ ! -e "$work/sync/mark.go" ]; then
            kernel_view >"$work/mark"
            touch "$work/sync/mark.go"
        fi
        if [ -e "$work/sync/end" ]; then
            kernel_view >"$work/ss1"
            kernel_detail >"$work/detail"
            stop_tcpdump
            kernel_view >"$work/ss2"
            touch "$work/sync/end.go"
            done_end=1
        fi
        sleep 0.01
    done
    wait "$driver_pid" && rc=0 || rc=$?
    driver_pid=
    [ $rc = 0 ] || { echo "make-captures.sh: $name: driver failed ($rc)" >&2; exit 1; }
    del_namespaces
    ns=
    if ! cmp -s "$work/ss1" "$work/ss2"; then
        echo "make-captures.sh: $name: kernel view changed at capture end" >&2
        unstable=1
        return 0
    fi
    write_truth "$name" "$work/cap.pcap" "$work/ss1" "$work/truth"
    local dest=$out tag=
    if [ "$PENDING" = 1 ]; then
        dest=$out/pending tag=" (pending)"
        mkdir -p "$dest"
    fi
    cp "$work/cap.pcap" "$dest/$name.pcap"
    cp "$work/truth" "$dest/$name.truth"
    echo "== $name: $(tshark -r "$dest/$name.pcap" 2>/dev/null | wc -l) packets$tag"
    grep '^endpoint' "$dest/$name.truth" | sed 's/^/   /'
}

for s in $scenarios; do
    for _ in 1 2 3; do
        unstable=0
        play "$s"
        [ "$unstable" = 1 ] || break
    done
    [ "$unstable" = 0 ] || { echo "make-captures.sh: $s: unstable, giving up" >&2; exit 1; }
done
