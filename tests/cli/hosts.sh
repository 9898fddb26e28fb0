#!/bin/sh
# hosts.sh TOOL MKHOSTS GOLDEN_DIR [PYTHON3 SCHEMA]
# report --hosts on mkhosts' synthetic capture (each host warning once, one
# CLOSE_WAIT count that falls): the goldens in text, CSV and JSON; the same
# bytes with --jobs 2 (engine threads), from standard input, from a tshark
# export (when tshark is installed); the JSON against the schema; the
# options and their usage errors.  TCPL_UPDATE_GOLDEN=1 rewrites the goldens.
set -u
tool=$1 mk=$2 golden=$3 py=${4:-} schema=${5:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
bad() { echo "hosts: $*" >&2; fail=1; }
cd "$work" || exit 1
"$mk" hosts.pcap || { echo "mkhosts failed" >&2; exit 1; }

for f in text:txt csv:csv json:jsonl; do
    fmt=${f%%:*} ext=${f#*:}
    "$tool" report --pcap --hosts --format "$fmt" --jobs 1 hosts.pcap > "one.$ext" ||
        bad "--format $fmt exited $?"
    if [ "${TCPL_UPDATE_GOLDEN:-}" = 1 ]; then
        cp "one.$ext" "$golden/hosts.$ext"
        echo "updated $golden/hosts.$ext"
    else
        diff -u "$golden/hosts.$ext" "one.$ext" || bad "--format $fmt differs from hosts.$ext"
    fi
    "$tool" report --pcap --hosts --format "$fmt" --jobs 2 hosts.pcap > "two.$ext"
    cmp -s "one.$ext" "two.$ext" || bad "--format $fmt: --jobs 2 differs from --jobs 1"
done
awk 'length($0) > 100 { bad = 1 } END { exit bad }' one.txt || bad "text wider than 100 columns"

# Every warning is raised, on the host that has it, and none elsewhere.
for w in "10.0.0.1 time_wait_accumulation" "10.0.0.3 syn_sent_pileup" \
         "10.0.0.5 syn_received_pileup" "10.0.0.4 close_wait_leak"; do
    grep -q "\"host\":\"${w% *}\",\"warning\":\"${w#* }\"" one.jsonl || bad "no ${w#* } on ${w% *}"
done
[ "$(grep -c '"warning":"' one.jsonl)" = 4 ] || bad "warnings other than the four"
grep -q '"host":"10.0.0.7","interval"' one.jsonl || bad "10.0.0.7 (CLOSE_WAIT that falls) not listed"
grep -q '"host":"10.0.0.7","interval".*"warnings":\[\]' one.jsonl || bad "10.0.0.7 warned"
grep -q '"destination":"10.0.0.2:80","destination_count":300,"port_share":0.0106' one.jsonl ||
    bad "TIME_WAIT share toward 10.0.0.2:80 missing"

# The plain text report's summary has the final per-host table.
"$tool" report --pcap hosts.pcap > plain.txt
grep -q '^    10.0.0.1             300  TIME_WAIT 300$' plain.txt || bad "summary: no 10.0.0.1 row"
grep -q '^    close_wait_leak        10.0.0.4$' plain.txt || bad "summary: no close_wait_leak row"
"$tool" report --pcap --jobs 2 hosts.pcap | cmp -s plain.txt - || bad "summary: --jobs 2 differs"

# Standard input and a tshark export count the same.
"$tool" report --pcap --hosts --format csv - < hosts.pcap | sed 's/^<stdin>,/hosts.pcap,/' |
    cmp -s one.csv - || bad "standard input differs"
if command -v tshark >/dev/null 2>&1; then
    tshark -r hosts.pcap -T fields -E header=y -E separator=/t $("$tool" fields) \
        > hosts.tsv 2>/dev/null
    "$tool" report --hosts --format csv hosts.tsv | sed 's/^hosts.tsv,/hosts.pcap,/' |
        cmp -s one.csv - || bad "tshark export differs"
fi
# Several files, in several processes: each file its own section.
cp hosts.pcap again.pcap
"$tool" report --pcap --hosts --format json --jobs 1 hosts.pcap again.pcap > multi1.jsonl
"$tool" report --pcap --hosts --format json --jobs 2 hosts.pcap again.pcap > multi2.jsonl
cmp -s multi1.jsonl multi2.jsonl || bad "two files: --jobs 2 differs"
[ "$(grep -c '"warning":"' multi1.jsonl)" = 8 ] || bad "two files: not 4 warnings each"
# Hosts are per file section, so parts made apart merge into the same.
"$tool" report --pcap --hosts --format json again.pcap > again.jsonl
"$tool" merge one.jsonl again.jsonl | cmp -s multi1.jsonl - || bad "merge of two parts differs"

# Linux lets go: on the capture that goes on to 120 s the TIME_WAITs and
# the handshakes have left their hosts; the leak stays, and the warnings
# (peaks) too.
"$mk" -l long.pcap || bad "mkhosts -l failed"
"$tool" report --pcap --hosts --format json long.pcap > long.jsonl
for h in '10.0.0.1' '10.0.0.3' '10.0.0.5'; do
    grep -q "\"host\":\"$h\",\"interval\":1.000000000,\"final\":{}" long.jsonl ||
        bad "long: $h still holds sockets at 120 s"
done
grep -q '"host":"10.0.0.4","interval":1.000000000,"final":{"CLOSE_WAIT":8}' long.jsonl ||
    bad "long: the leak is gone"
[ "$(grep -c '"warning":"' long.jsonl)" = 4 ] || bad "long: not the four warnings"

# Options.
"$tool" report --pcap --hosts --interval 5 hosts.pcap > five.txt
grep -q "at the end of every 5 s" five.txt || bad "--interval 5 not used"
grep -q "time_wait_accumulation: 10.0.0.1 held 300" five.txt || bad "--interval 5 lost the peak"
"$tool" report --pcap --hosts --warn-time-wait 301 --warn-close-wait 9 hosts.pcap > warn.txt
grep -q "time_wait_accumulation:" warn.txt && bad "--warn-time-wait 301 still warns"
grep -q "close_wait_leak:" warn.txt && bad "--warn-close-wait 9 still warns"
grep -q "syn_sent_pileup:" warn.txt || bad "--warn-time-wait dropped another warning"
for args in "--format zeek" "--format html" "--streaming --format json"; do
    # shellcheck disable=SC2086
    "$tool" report --pcap --hosts $args hosts.pcap > /dev/null 2> err.txt
    [ $? = 2 ] || bad "--hosts $args: not a usage error"
done
"$tool" report --pcap --interval 5 hosts.pcap > /dev/null 2> err.txt
[ $? = 2 ] && grep -q -- "--interval goes with --hosts" err.txt || bad "--interval alone accepted"
"$tool" report --pcap --hosts --warn-syn-sent 0 hosts.pcap > /dev/null 2> err.txt
[ $? = 2 ] || bad "--warn-syn-sent 0 accepted"

# The JSON follows the published schema.
if [ -n "$py" ]; then
    "$py" - "$schema" one.jsonl <<'PY' || bad "JSON does not follow the schema"
import json, sys, jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
for n, line in enumerate(open(sys.argv[2]), 1):
    errs = list(v.iter_errors(json.loads(line)))
    if errs:
        sys.exit('line %d: %s' % (n, errs[0].message))
PY
fi
exit $fail
