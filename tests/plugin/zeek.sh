#!/bin/sh
# zeek.sh - Zeek's verdict per lifecycle: tcp.lifecycle.stream.conn_state
# and tcp.lifecycle.stream.history.
#
# On real captures whose wire we know (captures/), the fields must carry
# what Zeek's conn.log says for that exchange, on every frame in two passes
# (the whole lifecycle) and on the last frame in one pass (the lifecycle so
# far is then all of it); a filter on conn_state must find exactly the
# captures with that verdict.  The expected values follow Zeek's rules
# (core/zeek.c, docs/zeek.md) applied to each capture's packets.
. "$(dirname "$0")/common.sh"
need_plugin

# capture  conn_state  history
# The captures were taken with a 128-byte snapshot length: a payload it
# cut never reaches Zeek's reassembler, so the ACK that covers it is a
# content gap ('G' for the client's data, 'g' for the server's).
cat >"$tmp/expect.txt" <<'END'
refused.pcap REJ Sr
refused_v6.pcap REJ Sr
syn_timeout.pcap S0 S
normal_close_client_first.pcap SF ShADaGdgFf
normal_close_server_first.pcap SF ShADaGdgfF
abort_linger0.pcap RSTO ShADaGdgR
close_wait_stall.pcap S2 ShADaGdgF
zero_window.pcap SF ShAdgWagFf
midstream.pcap SF DdAFaf
END

while read -r cap state hist; do
    src="$TCPL_SOURCE_DIR/captures/$cap"
    [ -f "$src" ] || fail "missing capture $cap"
    in=$(input "$src")
    for pass in -2 ""; do
        # shellcheck disable=SC2086
        ts $pass -r "$in" -T fields -e tcp.lifecycle.stream.conn_state \
            -e tcp.lifecycle.stream.history >"$tmp/out.txt" 2>"$tmp/err.txt" ||
            fail "tshark $pass failed on $cap: $(head -c 2000 "$tmp/err.txt")"
        [ -s "$tmp/out.txt" ] || fail "$cap $pass: no output"
        if [ -n "$pass" ]; then
            # Two passes: every frame shows the whole lifecycle's verdict.
            bad=$(awk -F'\t' -v s="$state" -v h="$hist" '$1 != s || $2 != h' "$tmp/out.txt" | head -n 3)
        else
            bad=$(tail -n 1 "$tmp/out.txt" | awk -F'\t' -v s="$state" -v h="$hist" '$1 != s || $2 != h')
        fi
        [ -z "$bad" ] || fail "$cap ${pass:-(one pass)}: expected $state $hist, got: $bad"
    done
    echo "ok   $cap: $state $hist"
done <"$tmp/expect.txt"

# One pass shows the lifecycle so far: the first frame of a normal
# connection is a lone SYN, an attempt (S0) until the answer comes.
in=$(input "$TCPL_SOURCE_DIR/captures/normal_close_client_first.pcap")
first=$(ts -r "$in" -T fields -e tcp.lifecycle.stream.conn_state \
    -e tcp.lifecycle.stream.history 2>"$tmp/err.txt" | head -n 1)
[ "$first" = "$(printf 'S0\tS')" ] ||
    fail "one pass, first frame: expected S0 S, got $first"
echo "ok   one pass, first frame: S0 S"

# Filters: conn_state == "S0" finds the unanswered SYNs and nothing of a
# refused or completed connection; == "REJ" finds the refused one.
check_filter() { # capture filter expected-count
    in=$(input "$TCPL_SOURCE_DIR/captures/$1")
    n=$(ts -2 -r "$in" -Y "$2" -T fields -e frame.number 2>"$tmp/err.txt" | wc -l)
    [ "$n" -eq "$3" ] || fail "$1: '$2' matched $n frame(s), expected $3"
    echo "ok   $1: '$2' matches $n frame(s)"
}
check_filter syn_timeout.pcap 'tcp.lifecycle.stream.conn_state == "S0"' 4
check_filter refused.pcap 'tcp.lifecycle.stream.conn_state == "S0"' 0
check_filter refused.pcap 'tcp.lifecycle.stream.conn_state == "REJ"' 2
check_filter normal_close_client_first.pcap 'tcp.lifecycle.stream.conn_state == "S0"' 0
check_filter normal_close_client_first.pcap 'tcp.lifecycle.stream.history contains "Ff"' 11
echo "PASS"
