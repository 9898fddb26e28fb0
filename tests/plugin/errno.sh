#!/bin/sh
# errno.sh - tcp.lifecycle.errno on kernel-truth captures: the error each
# application most likely saw, on the frame that caused it, in one pass
# and in two.  The connect() errnos are the ones the scenario driver
# printed (captures/README.md: 111 for port unreachable and a refusing
# RST, 113 for host unreachable and ICMP admin-prohibited, 13 for ICMPv6
# admin-prohibited); ICMP captures end the attempt twice, once per SYN.
. "$(dirname "$0")/common.sh"
need_plugin

# check CAPTURE EXPECTED: EXPECTED is "frame<TAB>value|..." in frame order.
check() {
    for pass in "" -2; do
        # shellcheck disable=SC2086
        got=$(ts $pass -r "$(input "$TCPL_SOURCE_DIR/captures/$1.pcap")" \
            -Y tcp.lifecycle.errno -T fields -E occurrence=a -E aggregator=';' \
            -e frame.number -e tcp.lifecycle.errno 2>"$tmp/err.txt" |
            tr '\t\n' ' |') ||
            fail "tshark on $1 failed: $(head -c 2000 "$tmp/err.txt")"
        [ "$got" = "$2" ] ||
            fail "$1 ${pass:-(one pass)}: got [$got], expected [$2]"
    done
    echo "ok   $1"
}

check refused '2 connect: ECONNREFUSED (111)|'
check refused_v6 '2 connect: ECONNREFUSED (111)|'
check icmp_port_unreachable '2 connect: ECONNREFUSED (111)|4 connect: ECONNREFUSED (111)|'
check icmp_host_unreachable '2 connect: EHOSTUNREACH (113)|4 connect: EHOSTUNREACH (113)|'
check icmp_admin_prohibited '2 connect: EHOSTUNREACH (113)|4 connect: EHOSTUNREACH (113)|'
check icmp_admin_prohibited_v6 '2 connect: EACCES (13)|4 connect: EACCES (13)|'
check icmp_addr_unreachable_v6 '2 connect: EHOSTUNREACH (113)|4 connect: EHOSTUNREACH (113)|'
# the server reads the client's FIN, then the client's RST meets it in
# CLOSE_WAIT: Linux's tcp_reset sets EPIPE there
check close_wait_rst '9 read: 0 (end of stream)|11 write: EPIPE (32)|'
check abort_linger0 '12 read: ECONNRESET (104)|'
check normal_close_client_first '9 read: 0 (end of stream)|'
# nothing proves an errno: the SYN is still unanswered at the end
check syn_timeout ''

# The item names the endpoint whose application saw it.
ts -r "$(input "$TCPL_SOURCE_DIR/captures/refused.pcap")" -Y tcp.lifecycle.errno \
    -V 2>"$tmp/err.txt" >"$tmp/tree.txt" ||
    fail "tshark -V failed: $(head -c 2000 "$tmp/err.txt")"
grep -q 'Application error: connect: ECONNREFUSED (111) (client)' "$tmp/tree.txt" ||
    fail "no 'Application error: ... (client)' item: $(grep -i 'error' "$tmp/tree.txt" | head -5)"
echo "PASS"
