#!/bin/sh
# check-truth.sh - checks one captures/*.truth file against its capture.
#
# truthcheck (C, linked with the engine's name tables) validates the file's
# format and prints its endpoints; this script then reads the capture with
# stock tshark and checks that every endpoint named exists in it, that
# every connection in the capture has both endpoints in the truth, and that
# the client is the endpoint that sent the first SYN without ACK (when the
# capture has one).
#
# usage: check-truth.sh CHECKER FILE.truth FILE.pcap
#        check-truth.sh --expect-error PATTERN CHECKER FILE.truth FILE.pcap
#            passes only when the check fails with a message matching
#            PATTERN (the suite's proof that a broken truth file is caught)
#        check-truth.sh --complete DIR MIN
#            every DIR/*.pcap has a .truth and back, and at least MIN pairs
set -u

fail() { echo "check-truth: $*" >&2; exit 1; }

if [ "${1:-}" = --complete ]; then
    [ $# = 3 ] || fail "usage: --complete DIR MIN"
    dir=$2 min=$3 n=0
    for t in "$dir"/*.truth; do
        [ -e "$t" ] || continue
        [ -e "${t%.truth}.pcap" ] || fail "$t: no capture ${t%.truth}.pcap"
        n=$((n + 1))
    done
    for p in "$dir"/*.pcap; do
        [ -e "$p" ] || continue
        [ -e "${p%.pcap}.truth" ] || fail "$p: no truth file ${p%.pcap}.truth"
    done
    [ "$n" -ge "$min" ] || fail "$dir: $n capture/truth pairs, want at least $min"
    echo "check-truth: $n capture/truth pairs"
    exit 0
fi

if [ "${1:-}" = --expect-error ]; then
    [ $# = 5 ] || fail "usage: --expect-error PATTERN CHECKER TRUTH PCAP"
    pattern=$2
    shift 2
    err=$(sh "$0" "$@" 2>&1 >/dev/null) && fail "$2: accepted, but it is broken ($pattern)"
    printf '%s\n' "$err"
    printf '%s\n' "$err" | grep -q -- "$pattern" ||
        fail "$2: rejected, but not for the expected reason ($pattern)"
    exit 0
fi

[ $# = 3 ] || fail "usage: CHECKER FILE.truth FILE.pcap"
checker=$1 truth=$2 pcap=$3
command -v tshark >/dev/null || fail "tshark not found"
[ -r "$pcap" ] || fail "$pcap: cannot read"

tmp=$(mktemp -d) || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT

"$checker" "$truth" >"$tmp/truth" || exit 1

# ICMP errors quote a TCP header: only TCP's own segments name endpoints.
tshark -r "$pcap" -Y 'tcp and not icmp and not icmpv6' -T fields -E separator=/t -e ip.src -e ipv6.src \
    -e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport \
    -e tcp.flags.syn -e tcp.flags.ack >"$tmp/packets" 2>"$tmp/tshark.err" ||
    fail "$pcap: tshark failed: $(cat "$tmp/tshark.err")"
[ -s "$tmp/packets" ] || fail "$pcap: no TCP packets"

# One line per endpoint the capture shows: "<me> <peer> <role or ->", the
# role known only when the capture has a SYN without ACK on that 4-tuple.
awk -F'\t' '
    function ep(a4, a6, port) { return a4 != "" ? a4 ":" port : "[" a6 "]:" port }
    function yes(v) { return v == "1" || v == "True" }
    $3 == "" { next }
    {
        src = ep($1, $2, $3); dst = ep($4, $5, $6)
        key = src < dst ? src " " dst : dst " " src
        if (!(key in seen)) { seen[key] = 1; order[n++] = key }
        if (yes($7) && !yes($8) && !(key in client)) client[key] = src
    }
    END {
        for (i = 0; i < n; i++) {
            split(order[i], e, " ")
            for (j = 1; j <= 2; j++) {
                role = "-"
                if (order[i] in client)
                    role = client[order[i]] == e[j] ? "client" : "server"
                print e[j], e[3 - j], role
            }
        }
    }' "$tmp/packets" >"$tmp/capture"

status=0
while read -r me peer role; do
    seen=$(awk -v me="$me" -v peer="$peer" '$1 == me && $2 == peer { print $3 }' "$tmp/capture")
    if [ -z "$seen" ]; then
        echo "check-truth: $truth: endpoint $me (peer $peer) is not in $pcap" >&2
        status=1
    elif [ "$seen" != - ] && [ "$seen" != "$role" ]; then
        echo "check-truth: $truth: $me is the $role in the truth, but the capture's first SYN makes it the $seen" >&2
        status=1
    fi
done <"$tmp/truth"
while read -r me peer role; do
    awk -v me="$me" -v peer="$peer" '$1 == me && $2 == peer { f = 1 } END { exit !f }' "$tmp/truth" ||
        { echo "check-truth: $truth: the capture has endpoint $me (peer $peer), the truth does not" >&2; status=1; }
done <"$tmp/capture"
[ $status = 0 ] && echo "check-truth: $truth: $(wc -l <"$tmp/truth") endpoints, all in $pcap"
exit $status
