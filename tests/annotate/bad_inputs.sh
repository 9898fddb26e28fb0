#!/bin/sh
# bad_inputs.sh - what annotate does with input it cannot use: exit 1 with
# "tcp-lifecycle: FILE..." on stderr, no OUT (an OUT that existed before
# stays as it was), no temporary file left; usage errors exit 2.  Then
# byte-mutated captures: annotate must exit 0 or 1, never crash, and any
# OUT it writes must be a capture Wireshark's reader accepts.
#
# usage: bad_inputs.sh TCP_LIFECYCLE MKCAP [MUTATIONS]
. "$(dirname "$0")/lib.sh"
cli=$1 mkcap=$2 mutations=${3:-100}

"$mkcap" eth "$work/good.pcap" || die "mkcap failed"
"$mkcap" badlink "$work/badlink.pcap" || die "mkcap badlink failed"
"$cli" annotate "$work/good.pcap" "$work/good.pcapng" || die "annotate of a good input failed"
size=$(wc -c <"$work/good.pcap")
head -c $((size - 7)) "$work/good.pcap" >"$work/cut.pcap"
head -c 30 "$work/good.pcap" >"$work/cut-in-record-header.pcap"
head -c 10 "$work/good.pcap" >"$work/cut-in-file-header.pcap"
size=$(wc -c <"$work/good.pcapng")
head -c $((size - 9)) "$work/good.pcapng" >"$work/cut.pcapng"
printf 'frame,stream\n1,0\n' >"$work/text.csv"
: >"$work/empty.pcap"

# expect_bad NAME INPUT WORDS: exit 1, message names INPUT and has WORDS.
expect_bad() {
    name=$1 input=$2 words=$3
    out=$work/out-$name.pcapng
    rc=0
    "$cli" annotate "$input" "$out" --labels "$work/out-$name.csv" 2>"$work/err" || rc=$?
    [ "$rc" -eq 1 ] || fail "$name: exit $rc, want 1"
    grep -q "^tcp-lifecycle: $input" "$work/err" ||
        fail "$name: message does not start with 'tcp-lifecycle: $input': $(head -n 2 "$work/err")"
    grep -qi "$words" "$work/err" || fail "$name: message lacks '$words': $(head -n 2 "$work/err")"
    [ ! -e "$out" ] || fail "$name: $out was left behind"
    [ ! -e "$work/out-$name.csv" ] || fail "$name: the labels file was left behind"
    [ -z "$(leftovers "$work")" ] || fail "$name: temporary files left: $(leftovers "$work")"
}

expect_bad truncated "$work/cut.pcap" "truncated"
expect_bad truncated_record_header "$work/cut-in-record-header.pcap" "truncated"
expect_bad truncated_file_header "$work/cut-in-file-header.pcap" "truncated"
expect_bad truncated_pcapng "$work/cut.pcapng" "truncated\|cut short"
expect_bad unknown_linktype "$work/badlink.pcap" "link type 147"
expect_bad not_a_capture "$work/text.csv" "not a pcap or pcapng capture"
expect_bad empty "$work/empty.pcap" "truncated\|not a pcap"
expect_bad missing "$work/no-such-file.pcap" "no such file"

# An OUT that existed stays untouched when the input is bad.
echo "precious" >"$work/keep.pcapng"
"$cli" annotate "$work/cut.pcap" "$work/keep.pcapng" 2>/dev/null && fail "keep: exit 0 on a truncated input"
[ "$(cat "$work/keep.pcapng")" = precious ] || fail "keep: an existing OUT was changed"

# An OUT that cannot be created.
rc=0
"$cli" annotate "$work/good.pcap" "$work/no-such-dir/out.pcapng" 2>"$work/err" || rc=$?
[ "$rc" -eq 1 ] || fail "unwritable OUT: exit $rc, want 1"
grep -q "^tcp-lifecycle: $work/no-such-dir/out.pcapng" "$work/err" ||
    fail "unwritable OUT: message $(head -n 1 "$work/err")"

# Usage errors.
for args in "" "$work/good.pcap" "$work/good.pcap $work/a $work/b" \
    "--frobnicate $work/good.pcap $work/o.pcapng" \
    "$work/good.pcap $work/o.pcapng --labels" \
    "$work/good.pcap $work/o.pcapng --close-wait-stall x" \
    "- $work/o.pcapng"; do
    rc=0
    # shellcheck disable=SC2086
    "$cli" annotate $args 2>/dev/null || rc=$?
    [ "$rc" -eq 2 ] || fail "usage '$args': exit $rc, want 2"
done
[ ! -e "$work/o.pcapng" ] || fail "a usage error wrote OUT"

# Mutated inputs, pcap and pcapng (fixed seeds: the same files every run).
i=0
while [ "$i" -lt "$mutations" ]; do
    for src in good.pcap good.pcapng; do
        m=$work/m$i-$src
        "$mkcap" mutate "$work/$src" "$m" "$i" $((1 + i % 6)) || die "mkcap mutate failed"
        rc=0
        "$cli" annotate "$m" "$m.out.pcapng" --labels "$m.csv" 2>"$work/err" || rc=$?
        case $rc in
        0)
            # capinfos reads every block through wiretap, as Wireshark
            # does, at a fraction of tshark's start-up cost.
            capinfos -c "$m.out.pcapng" >/dev/null 2>"$work/terr" ||
                fail "mutation $i of $src: wiretap cannot read our output: $(head -n 2 "$work/terr" | tr '\n' ' ')"
            ;;
        1)
            [ ! -e "$m.out.pcapng" ] || fail "mutation $i of $src: exit 1 but OUT left"
            grep -q "^tcp-lifecycle: " "$work/err" || fail "mutation $i of $src: exit 1 without a message"
            ;;
        *) fail "mutation $i of $src: exit $rc: $(head -n 3 "$work/err")" ;;
        esac
        rm -f "$m" "$m.out.pcapng" "$m.csv"
    done
    i=$((i + 1))
done
[ -z "$(leftovers "$work")" ] || fail "mutations: temporary files left"
finish
