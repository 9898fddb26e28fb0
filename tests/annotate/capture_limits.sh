#!/bin/sh
# capture_limits.sh - what a capture hides, on the real-kernel captures:
# payloads cut by the snapshot length, checksums, IP fragments (report
# --pcap).  The project's captures were taken with a 128-byte snapshot
# length on loopback (whose checksums are never filled in); pcap_rewrite.py
# makes from each the capture a tap with no snaplen would have taken
# ("full": payloads restored as zero bytes, checksums right), then breaks
# it in one way at a time.  Zeek's conn.log rows (our columns included;
# not the header's dates, nor the uid, which hashes the file name) are
# compared.
#
# usage: capture_limits.sh TCP_LIFECYCLE CAPTURES_DIR
. "$(dirname "$0")/lib.sh"
cli=$1 capdir=$2
rw="python3 $(dirname "$0")/pcap_rewrite.py"

rows() { # FILE [OPTION...]: the conn.log rows without the uid, standard
         # error in $work/err
    f=$1
    shift
    "$cli" report --pcap --format zeek "$@" "$f" 2>"$work/err" >"$work/zeek" || return
    grep -v '^#' "$work/zeek" | cut -f 1,3-
}

col() { # N: column N of conn.log (as numbered there) on standard input
    cut -f "$(($1 - 1))"
}

gaps=0
for c in fin_with_data data_loss close_wait_stall_v6 normal_close_client_first_v6; do
    src=$capdir/$c.pcap
    [ -f "$src" ] || die "no $src"
    $rw fill "$src" "$work/$c.full.pcap" || die "$c: pcap_rewrite fill failed"
    rows "$work/$c.full.pcap" >"$work/full" || fail "$c: full: exit $?"
    cp "$work/full" "$work/$c.rows"
    [ -s "$work/full" ] || fail "$c: full: no rows"

    # Snaplen: the cut capture has the same states, conn_state and byte
    # counts (sequence numbers use the IP length), and its cut payloads are
    # content gaps where the full one has none.
    rows "$src" >"$work/cut" || fail "$c: cut: exit $?"
    for n in 10 11 12 23 24; do # orig_bytes resp_bytes conn_state finals
        col $n <"$work/cut" >"$work/a"
        col $n <"$work/full" >"$work/b"
        cmp -s "$work/a" "$work/b" ||
            fail "$c: snaplen: column $n differs: $(tr '\n' ' ' <"$work/a") vs $(tr '\n' ' ' <"$work/b")"
    done
    if col 16 <"$work/full" | grep -q '[Gg]' || [ "$(col 15 <"$work/full" | sort -u)" != 0 ]; then
        fail "$c: full: a content gap: $(cut -f 14,15 <"$work/full" | tr '\n' ' ')"
    fi
    if col 16 <"$work/cut" | grep -q '[Gg]'; then
        gaps=$((gaps + 1))
        [ "$(col 15 <"$work/cut" | sort -u)" != 0 ] ||
            fail "$c: cut: G in the history but no missed_bytes"
    fi

    # Checksums all right: checking them changes nothing.
    rows "$work/$c.full.pcap" --check-checksums >"$work/checked" ||
        fail "$c: --check-checksums: exit $?"
    cmp -s "$work/full" "$work/checked" ||
        fail "$c: --check-checksums on right sums changes the rows"
    [ ! -s "$work/err" ] || fail "$c: --check-checksums: $(cat "$work/err")"

    # One wrong TCP sum, on the 4th TCP packet: unchecked it still counts;
    # checked it is Zeek's 'C'/'c', one packet fewer, and a note.
    $rw corrupt "$work/$c.full.pcap" "$work/$c.bad.pcap" 4 || die "$c: corrupt failed"
    rows "$work/$c.bad.pcap" >"$work/bad" || fail "$c: bad sum: exit $?"
    cmp -s "$work/full" "$work/bad" ||
        fail "$c: a wrong sum changes the rows without --check-checksums"
    rows "$work/$c.bad.pcap" --check-checksums >"$work/bad" ||
        fail "$c: bad sum checked: exit $?"
    col 16 <"$work/bad" | grep -q '[Cc]' ||
        fail "$c: no C in the history: $(col 16 <"$work/bad" | tr '\n' ' ')"
    pk_full=$(cut -f 16,18 <"$work/full" | awk -F '\t' '{n += $1 + $2} END {print n}')
    pk_bad=$(cut -f 16,18 <"$work/bad" | awk -F '\t' '{n += $1 + $2} END {print n}')
    [ "$pk_bad" -eq $((pk_full - 1)) ] ||
        fail "$c: packets $pk_bad with a bad sum checked, $pk_full without"
    grep -q "note: bad checksums: 1 TCP segment taken as no evidence" "$work/err" ||
        fail "$c: no note on the bad sum: $(cat "$work/err")"

    # Fragments of 64 data bytes, in order and last first: the same rows.
    for how in "" reverse; do
        $rw frag "$work/$c.full.pcap" "$work/$c.frag.pcap" 64 $how ||
            die "$c: pcap_rewrite frag failed"
        frames=$(capinfos -c -M "$work/$c.frag.pcap" | awk '/Number of packets/ {print $NF}')
        whole=$(capinfos -c -M "$work/$c.full.pcap" | awk '/Number of packets/ {print $NF}')
        [ "$frames" -gt "$whole" ] || fail "$c: nothing was fragmented"
        rows "$work/$c.frag.pcap" >"$work/frag" || fail "$c: frag $how: exit $?"
        cmp -s "$work/full" "$work/frag" || {
            fail "$c: fragments ${how:-in order} change the rows:"
            diff "$work/full" "$work/frag" >&2 || true
        }
        [ ! -s "$work/err" ] || fail "$c: frag $how: $(cat "$work/err")"
    done
done
[ "$gaps" -ge 2 ] || fail "only $gaps cut captures show a content gap"

# An overlapping fragment drops its datagram (counted), the rest stays.
c=data_loss
$rw frag "$work/$c.full.pcap" "$work/ov.pcap" 64 overlap || die "frag overlap failed"
rows "$work/ov.pcap" >"$work/ov" || fail "overlap: exit $?"
grep -q "note: IP fragments: .* dropped: 1 overlapping" "$work/err" ||
    fail "overlap: no note: $(cat "$work/err")"
[ "$(col 12 <"$work/ov")" = "$(col 12 <"$work/$c.rows")" ] ||
    fail "overlap: conn_state changed"

# The option needs a capture to check.
rc=0
"$cli" report --check-checksums /dev/null >/dev/null 2>"$work/err" || rc=$?
[ "$rc" -eq 2 ] || fail "--check-checksums without --pcap: exit $rc, not 2"
grep -q "^tcp-lifecycle: report: --check-checksums goes with --pcap or --live" "$work/err" ||
    fail "--check-checksums without --pcap: $(cat "$work/err")"
finish
