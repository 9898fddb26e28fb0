#!/bin/sh
# annotate_report.sh - annotate reads frames as `report --pcap` does:
# on captures with IP fragments (in order and last first) and with a bad
# TCP checksum (--check-checksums), the per-packet labels of annotate add
# up to report's rows: per lifecycle the packets labelled, the final
# states (the last labelled packet's, by role) and the anomalies.  The
# captures are rewritten from real-kernel ones by pcap_rewrite.py, as in
# capture_limits.sh.
#
# usage: annotate_report.sh TCP_LIFECYCLE CAPTURES_DIR
. "$(dirname "$0")/lib.sh"
cli=$1 capdir=$2
rw="python3 $(dirname "$0")/pcap_rewrite.py"

# compare NAME [OPTION...]: report's CSV against annotate's labels.
compare() {
    in=$1
    shift
    rc=0
    "$cli" report --pcap --format csv "$@" "$in" >"$work/r.csv" 2>"$work/r.err" || rc=$?
    [ "$rc" -eq 0 ] || { fail "$(basename "$in") $*: report exited $rc"; return; }
    rc=0
    "$cli" annotate "$in" "$work/o.pcapng" --labels "$work/l.csv" "$@" 2>"$work/a.err" || rc=$?
    [ "$rc" -eq 0 ] || { fail "$(basename "$in") $*: annotate exited $rc: $(cat "$work/a.err")"; return; }
    cmp -s "$work/r.err" "$work/a.err" ||
        fail "$(basename "$in") $*: notes differ: $(cat "$work/r.err") / $(cat "$work/a.err")"
    python3 - "$work/r.csv" "$work/l.csv" <<'PY' || fail "$(basename "$in") $*: annotate and report differ"
import csv, sys
rep = {}
for r in csv.DictReader(open(sys.argv[1])):
    key = r['stream'] if r['successor'] == '0' else r['stream'] + '.' + r['successor']
    rep[key] = (int(r['packets']), r['client_final'], r['server_final'],
                set(filter(None, r['anomalies'].split(';'))), r['client'])
ann = {}
for r in csv.DictReader(open(sys.argv[2])):
    if not r['stream']:
        continue
    n, last, an = ann.get(r['stream'], (0, None, set()))
    for col in ('anomalies', 'end_anomalies'):
        an |= set(filter(None, r[col].split(';')))
    ann[r['stream']] = (n + 1, r, an)
bad = 0
if not rep:
    print('no lifecycle in the report'); bad = 1
if set(rep) != set(ann):
    print('lifecycles: report', sorted(rep), 'annotate', sorted(ann)); bad = 1
for k in sorted(set(rep) & set(ann)):
    pk, cf, sf, an, client = rep[k]
    n, last, aan = ann[k]
    states = (last['src_state'], last['dst_state'])
    if last['src'] != client:
        states = states[::-1]
    got = (n, states[0], states[1], aan)
    if got != (pk, cf, sf, an):
        print('lifecycle %s: report %s, annotate %s' % (k, (pk, cf, sf, sorted(an)),
              (n, states[0], states[1], sorted(aan))))
        bad = 1
sys.exit(bad)
PY
}

k=0
for c in data_loss close_wait_stall_v6 close_wait_rst normal_close_client_first_v6; do
    src=$capdir/$c.pcap
    [ -f "$src" ] || die "no $src"
    $rw fill "$src" "$work/$c.full.pcap" || die "$c: pcap_rewrite fill failed"
    compare "$work/$c.full.pcap"
    for how in "" reverse; do
        $rw frag "$work/$c.full.pcap" "$work/$c.frag.pcap" 64 $how || die "$c: frag failed"
        compare "$work/$c.frag.pcap"
        k=$((k + 1))
    done
    $rw corrupt "$work/$c.full.pcap" "$work/$c.bad.pcap" 4 || die "$c: corrupt failed"
    compare "$work/$c.bad.pcap" --check-checksums
    grep -q "note: bad checksums: 1 TCP segment" "$work/a.err" ||
        fail "$c: annotate --check-checksums: no note: $(cat "$work/a.err")"
    compare "$work/$c.bad.pcap"
done
# The overlapping fragment's datagram is dropped by both, and said so.
$rw frag "$work/data_loss.full.pcap" "$work/ov.pcap" 64 overlap || die "frag overlap failed"
compare "$work/ov.pcap"
grep -q "note: IP fragments: .* dropped: 1 overlapping" "$work/a.err" ||
    fail "overlap: annotate says nothing: $(cat "$work/a.err")"
echo "$me: $k fragmented captures and 4 with a bad checksum compared"
finish
