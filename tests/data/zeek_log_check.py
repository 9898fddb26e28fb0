#!/usr/bin/env python3
"""zeek_log_check.py TOOL CAPTURE... - `--format zeek` is a conn.log that
Zeek's tools read.  Reads it as zeek-cut does (the #separator line, then
#fields names the columns; #types their types; `-` unset, `(empty)` an
empty set) and checks every value against its type, the header lines Zeek
writes, and that `--format zeek-json` says the same with unset fields left
out, as Zeek's JSON logs do."""
import ipaddress
import json
import re
import subprocess
import sys

HEAD = ['#separator', '#set_separator', '#empty_field', '#unset_field',
        '#path', '#open', '#fields', '#types']
ZEEK_FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p',
               'proto', 'service', 'duration', 'orig_bytes', 'resp_bytes',
               'conn_state', 'local_orig', 'local_resp', 'missed_bytes',
               'history', 'orig_pkts', 'orig_ip_bytes', 'resp_pkts',
               'resp_ip_bytes', 'tunnel_parents']


def fail(msg):
    print('zeek_log_check: ' + msg)
    sys.exit(1)


def check_value(typ, val, where):
    if typ == 'time' or typ == 'interval':
        ok = re.fullmatch(r'-?\d+\.\d{6}', val)
    elif typ == 'count':
        ok = re.fullmatch(r'\d+', val)
    elif typ == 'port':
        ok = re.fullmatch(r'\d+', val) and int(val) < 65536
    elif typ == 'addr':
        try:
            ipaddress.ip_address(val)
            ok = True
        except ValueError:
            ok = False
    elif typ == 'bool':
        ok = val in ('T', 'F')
    elif typ == 'enum' or typ == 'string':
        ok = val != '' and '\t' not in val
    elif typ.startswith('set['):
        ok = val == '(empty)' or all(x for x in val.split(','))
    else:
        ok = False
    if not ok:
        fail('%s: %r is not a %s' % (where, val, typ))


def parse(text, name):
    """zeek-cut's reading: header lines by name, rows by #fields."""
    logs = []
    hdr = {}
    rows = None
    for n, line in enumerate(text.split('\n')[:-1], 1):
        where = '%s line %d' % (name, n)
        if line.startswith('#'):
            if line.startswith('#separator '):
                if line != '#separator \\x09':
                    fail(where + ': separator is not a tab')
                hdr = {'#separator': '\t'}
                rows = None
                continue
            key, _, val = line.partition('\t')
            hdr[key] = val
            if key == '#types':
                if [k for k in HEAD if k not in hdr]:
                    fail(where + ': header lacks %s' % [k for k in HEAD if k not in hdr])
                rows = []
                logs.append((dict(hdr), rows))
            elif key == '#close':
                if rows is None:
                    fail(where + ': #close before #types')
                rows = None
            continue
        if rows is None:
            fail(where + ': a row outside a log (no #fields/#types before it, or after #close)')
        fields = hdr['#fields'].split('\t')
        types = hdr['#types'].split('\t')
        vals = line.split('\t')
        if len(vals) != len(fields):
            fail('%s: %d values for %d fields' % (where, len(vals), len(fields)))
        rec = {}
        for f, t, v in zip(fields, types, vals):
            if v != hdr['#unset_field']:
                check_value(t, v, '%s field %s' % (where, f))
                rec[f] = v
        rows.append(rec)
    if rows is not None:
        fail('%s: no #close at the end' % name)
    return logs


def run(tool, args):
    p = subprocess.run([tool, 'report'] + args, capture_output=True, text=True)
    if p.returncode != 0:
        fail('report %s: exit %d: %s' % (' '.join(args), p.returncode, p.stderr))
    return p.stdout


def main():
    tool, caps = sys.argv[1], sys.argv[2:]
    nrows = 0
    for cap in caps:
        logs = parse(run(tool, ['--pcap', '--format', 'zeek', cap]), cap)
        if len(logs) != 1:
            fail('%s: %d logs in one file' % (cap, len(logs)))
        hdr, rows = logs[0]
        fields = hdr['#fields'].split('\t')
        if fields[:len(ZEEK_FIELDS)] != ZEEK_FIELDS:
            fail('%s: conn.log fields are not first, in order' % cap)
        if hdr['#path'] != 'conn' or hdr['#set_separator'] != ',' or \
           hdr['#empty_field'] != '(empty)' or hdr['#unset_field'] != '-':
            fail('%s: header values differ from Zeek\'s' % cap)
        if any(not f.startswith('tcpl_') for f in fields[len(ZEEK_FIELDS):]):
            fail('%s: our own fields must start with tcpl_' % cap)
        uids = [r['uid'] for r in rows]
        if len(set(uids)) != len(uids) or not all(re.fullmatch(r'C[0-9A-Za-z]{17}', u) for u in uids):
            fail('%s: uids not unique or not in Zeek\'s form' % cap)
        js = [json.loads(l) for l in run(tool, ['--pcap', '--format', 'zeek-json', cap]).splitlines()]
        if len(js) != len(rows):
            fail('%s: %d JSON objects for %d TSV rows' % (cap, len(js), len(rows)))
        for r, j in zip(rows, js):
            if set(j) != set(r):
                fail('%s: JSON keys %s differ from the TSV\'s set fields %s'
                     % (cap, sorted(set(j) ^ set(r)), r['uid']))
            for k, v in j.items():
                tv = r[k]
                if isinstance(v, list):
                    same = (','.join(v) if v else '(empty)') == tv
                elif isinstance(v, (int, float)):
                    same = abs(float(tv) - v) < 1e-6
                else:
                    same = str(v) == tv
                if not same:
                    fail('%s %s: %s is %r in TSV, %r in JSON' % (cap, r['uid'], k, tv, v))
        nrows += len(rows)
    if nrows == 0:
        fail('no rows written: nothing was checked')
    print('zeek_log_check: %d rows in %d logs read by #fields and typed by #types'
          % (nrows, len(caps)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
