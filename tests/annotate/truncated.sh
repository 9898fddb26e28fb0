#!/bin/sh
# truncated.sh - a capture cut in the middle of a packet is told the same
# way everywhere: `report --pcap` in every format, from a file and from a
# pipe, streaming or not, and annotate all say
#   tcp-lifecycle: NAME:frame N: truncated: ...
# with N the frame that is cut, exit 1, and (report) still write what came
# before, marked as incomplete where the format has room (text header
# ERROR, JSON totals "error").  A whole capture, through the same paths,
# exits 0: the control.
#
# usage: truncated.sh TCP_LIFECYCLE CAPTURES_DIR
. "$(dirname "$0")/lib.sh"
cli=$1 capdir=$2

src=$capdir/port_reuse.pcap
[ -f "$src" ] || die "no $src"
cp "$src" "$work/whole.pcap"
editcap -F pcapng "$src" "$work/whole.pcapng" || die "editcap failed"

# Frames a capture reader gets before the cut (tshark stops there too).
frames_before() {
    stock_tshark -r "$1" -T fields -e frame.number 2>/dev/null | tail -n 1
}

check_cut() { # LABEL FILE
    label=$1 f=$2
    n=$(frames_before "$f")
    n=${n:-0}
    cut_frame=$((n + 1))
    for how in file pipe; do
        if [ $how = file ]; then name=$f; else name='<stdin>'; fi
        for fmt in text csv json json-streaming; do
            set -- --format "$fmt"
            [ "$fmt" = json-streaming ] && set -- --format json --streaming
            rc=0
            if [ $how = file ]; then
                "$cli" report --pcap "$@" "$f" >"$work/out" 2>"$work/err" || rc=$?
            else
                "$cli" report --pcap "$@" - <"$f" >"$work/out" 2>"$work/err" || rc=$?
            fi
            what="$label, $how, $fmt"
            [ "$rc" -eq 1 ] || fail "$what: exit $rc, not 1"
            grep -q "^tcp-lifecycle: $name:frame $cut_frame: truncated: " "$work/err" ||
                fail "$what: no '$name:frame $cut_frame: truncated:' message: $(head -n 2 "$work/err")"
            case $fmt in
            text)
                grep -q '^  ERROR    reading stopped' "$work/out" ||
                    fail "$what: the header does not say reading stopped"
                ;;
            csv)
                rows=$(($(wc -l <"$work/out") - 1))
                [ "$n" -lt 4 ] || [ "$rows" -ge 1 ] ||
                    fail "$what: no row for the $n frames before the cut"
                ;;
            json*)
                tail -n 1 "$work/out" |
                    grep -q "\"error\":\"$name:frame $cut_frame: truncated: " ||
                    fail "$what: the totals have no error: $(tail -n 1 "$work/out" | cut -c1-200)"
                tail -n 1 "$work/out" | grep -q "\"packets\":$n," ||
                    fail "$what: the totals do not count the $n frames before the cut"
                ;;
            esac
        done
    done
    rc=0
    "$cli" annotate "$f" "$work/ann.pcapng" 2>"$work/err" || rc=$?
    [ "$rc" -eq 1 ] || fail "$label, annotate: exit $rc, not 1"
    grep -q "^tcp-lifecycle: $f:frame $cut_frame: truncated: " "$work/err" ||
        fail "$label, annotate: no '$f:frame $cut_frame: truncated:' message: $(head -n 2 "$work/err")"
    [ ! -e "$work/ann.pcapng" ] || fail "$label, annotate: left an output behind"
    rm -f "$work/ann.pcapng"
}

size=$(wc -c <"$work/whole.pcap")
head -c $((size - 7)) "$work/whole.pcap" >"$work/cut-last.pcap"
head -c 1010 "$work/whole.pcap" >"$work/cut-data.pcap"
head -c 30 "$work/whole.pcap" >"$work/cut-record-header.pcap"
psize=$(wc -c <"$work/whole.pcapng")
head -c $((psize - 9)) "$work/whole.pcapng" >"$work/cut-last.pcapng"
head -c $((psize / 2)) "$work/whole.pcapng" >"$work/cut-half.pcapng"

check_cut "pcap cut in the last frame" "$work/cut-last.pcap"
check_cut "pcap cut in a frame's data" "$work/cut-data.pcap"
check_cut "pcap cut in a record header" "$work/cut-record-header.pcap"
check_cut "pcapng cut in the last block" "$work/cut-last.pcapng"
check_cut "pcapng cut halfway" "$work/cut-half.pcapng"

# A cut in the file header: no frame yet, still named and exit 1.
head -c 10 "$work/whole.pcap" >"$work/cut-file-header.pcap"
rc=0
"$cli" report --pcap - <"$work/cut-file-header.pcap" >/dev/null 2>"$work/err" || rc=$?
[ "$rc" -eq 1 ] || fail "cut file header, pipe: exit $rc, not 1"
grep -q '^tcp-lifecycle: <stdin>: truncated: ' "$work/err" ||
    fail "cut file header, pipe: $(head -n 1 "$work/err")"

# The control: whole captures, same paths, exit 0 and no error.
for f in "$work/whole.pcap" "$work/whole.pcapng"; do
    rc=0
    "$cli" report --pcap --format json - <"$f" >"$work/out" 2>"$work/err" || rc=$?
    [ "$rc" -eq 0 ] || fail "$(basename "$f") from a pipe: exit $rc: $(head -n 1 "$work/err")"
    tail -n 1 "$work/out" | grep -q '"error":null' || fail "$(basename "$f"): the totals have an error"
    rc=0
    "$cli" report --pcap --format json "$f" >"$work/out2" 2>"$work/err" || rc=$?
    [ "$rc" -eq 0 ] || fail "$(basename "$f"): exit $rc: $(head -n 1 "$work/err")"
    sed 's/^{"file":"[^"]*",/{/' "$work/out" >"$work/a"
    sed 's/^{"file":"[^"]*",/{/' "$work/out2" >"$work/b"
    cmp -s "$work/a" "$work/b" || fail "$(basename "$f"): a pipe and the file give different reports"
done
finish
