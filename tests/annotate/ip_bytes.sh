#!/bin/sh
# ip_bytes.sh - Zeek's orig_ip_bytes / resp_ip_bytes as `report --pcap
# --format zeek` writes them, against tshark's own reading of every
# capture in captures/: per tcp.stream and sending endpoint, the packets
# and the sum of their IP lengths (ip.len, or ipv6.plen + 40 as Zeek's
# IP_Hdr::TotalLen counts an IPv6 packet; the innermost header's when
# tshark shows several).  ICMP errors are left out of tshark's side: to
# Zeek they belong to an ICMP connection, and our rows do not count them.
# Then the same from an export without the ip.len / ipv6.plen columns:
# the counts are unset ('-'), not 0.
#
# usage: ip_bytes.sh TCP_LIFECYCLE CAPTURES_DIR
. "$(dirname "$0")/lib.sh"
cli=$1 capdir=$2

n=0
for c in "$capdir"/*.pcap; do
    name=$(basename "$c")
    # Our rows: the client is Zeek's originator; a stream's lifecycles
    # ("7", "7.1") are summed per sending endpoint, as tshark's stream is.
    "$cli" report --pcap --format zeek "$c" >"$work/z.log" 2>"$work/z.err" ||
        { fail "$name: report --pcap exited $?: $(head -n 1 "$work/z.err")"; continue; }
    awk -F'\t' '
        /^#/ { next }
        { split($22, s, "."); o = s[1] " " $3 ":" $4; r = s[1] " " $5 ":" $6
          if ($18 == "-" || $20 == "-") { print "unset " $22; next }
          pk[o] += $17; by[o] += $18; pk[r] += $19; by[r] += $20 }
        END { for (k in pk) if (pk[k] > 0) print k, pk[k], by[k] }' \
        "$work/z.log" | sort >"$work/ours"
    stock_tshark -r "$c" -Y 'tcp && !icmp && !icmpv6' -T fields \
        -e tcp.stream -e ip.src -e ipv6.src -e tcp.srcport -e ip.len \
        -e ipv6.plen >"$work/t.tsv" || { fail "$name: tshark failed"; continue; }
    awk -F'\t' '
        function last(v,  a, k) { k = split(v, a, ","); return a[k] }
        { src = $2 != "" ? last($2) : last($3)
          len = $5 != "" ? last($5) : last($6) + 40
          k = $1 " " src ":" $4; pk[k]++; by[k] += len }
        END { for (k in pk) print k, pk[k], by[k] }' \
        "$work/t.tsv" | sort >"$work/theirs"
    [ -s "$work/theirs" ] || continue
    n=$((n + 1))
    cmp -s "$work/ours" "$work/theirs" ||
        fail "$name: IP bytes differ from tshark's (stream endpoint packets bytes):
$(diff "$work/theirs" "$work/ours" | head -n 6)"
done
[ "$n" -gt 10 ] || die "only $n captures compared"
echo "$me: $n captures compared with tshark"

# Fragmented datagrams (pcap_rewrite.py, as capture_limits.sh makes them):
# the whole datagram's length counts, from --pcap's reassembler and from
# tshark's in an export (ip.reassembled.length), IPv4 and IPv6, and it is
# what the unfragmented capture gives.
for c in data_loss close_wait_stall_v6; do
    python3 "$(dirname "$0")/pcap_rewrite.py" fill "$capdir/$c.pcap" "$work/$c.full.pcap" &&
        python3 "$(dirname "$0")/pcap_rewrite.py" frag "$work/$c.full.pcap" "$work/$c.frag.pcap" 64 ||
        die "$c: pcap_rewrite failed"
    "$cli" report --pcap --format zeek "$work/$c.full.pcap" | grep -v '^#' | cut -f 17-20 >"$work/full"
    "$cli" report --pcap --format zeek "$work/$c.frag.pcap" | grep -v '^#' | cut -f 17-20 >"$work/pcap"
    # shellcheck disable=SC2046
    stock_tshark -r "$work/$c.frag.pcap" -T fields -E header=y -E separator=/t \
        $("$cli" fields) >"$work/frag.tsv" || die "$c: tshark export failed"
    "$cli" report --format zeek "$work/frag.tsv" | grep -v '^#' | cut -f 17-20 >"$work/export"
    grep -q '^[0-9]' "$work/full" || fail "$c: no IP bytes: $(cat "$work/full")"
    cmp -s "$work/full" "$work/pcap" ||
        fail "$c: fragments change --pcap's IP bytes: $(cat "$work/full") vs $(cat "$work/pcap")"
    cmp -s "$work/full" "$work/export" ||
        fail "$c: fragments change the export's IP bytes: $(cat "$work/full") vs $(cat "$work/export")"
done

# An export without the IP length columns: unset, in zeek and zeek-json.
c="$capdir/normal_close_client_first.pcap"
stock_tshark -r "$c" -T fields -E header=y -E separator=/t \
    $("$cli" fields | sed 's/-e ip[v6]*\.[a-z_.]*len[a-z._]*//g') >"$work/old.tsv" ||
    die "tshark export failed"
! head -n 1 "$work/old.tsv" | grep -q 'ip.len\|plen\|length' || die "an IP length still in the export"
"$cli" report --format zeek "$work/old.tsv" >"$work/old.log" || fail "report on an old export"
awk -F'\t' '!/^#/ && ($18 != "-" || $20 != "-") { bad = 1 } END { exit bad }' \
    "$work/old.log" || fail "an export without ip.len has IP byte counts"
"$cli" report --format zeek-json "$work/old.tsv" >"$work/old.json" || fail "report zeek-json"
! grep -q '_ip_bytes' "$work/old.json" || fail "zeek-json writes unknown IP bytes"
"$cli" report --format json "$work/old.tsv" | grep -q '"orig_ip_bytes":null,"resp_ip_bytes":null' ||
    fail "json: unknown IP bytes are not null"
finish
