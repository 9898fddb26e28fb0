#!/usr/bin/env python3
"""schema_check.py TOOL SCHEMA CAPTURE... - every line our JSON Lines report
writes validates against the published schema (postproc/schema/): reports
of the captures one by one and together, and a streamed report with its
anomaly events and interim totals; the totals name the schema's $id.
Fails (exit 1) on the first line that does not validate."""
import json
import subprocess
import sys

import jsonschema


def lines(tool, args):
    p = subprocess.run([tool, 'report'] + args, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit('schema_check: report %s: exit %d: %s' % (' '.join(args), p.returncode, p.stderr))
    return [json.loads(l) for l in p.stdout.splitlines()]


def main():
    tool, schema_path, caps = sys.argv[1], sys.argv[2], sys.argv[3:]
    schema = json.load(open(schema_path))
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    runs = [['--pcap', '--format', 'json', c] for c in caps]
    runs.append(['--pcap', '--format', 'json'] + caps)
    runs.append(['--pcap', '--format', 'json', '--streaming', '--events',
                 '--stats-interval', '1'] + caps)
    runs.append(['--pcap', '--format', 'json', '--hosts'] + caps)
    seen = {'connection': 0, 'totals': 0, 'event': 0, 'host': 0, 'host_sample': 0}
    for args in runs:
        for rec in lines(tool, args):
            errs = sorted(v.iter_errors(rec), key=lambda e: list(e.path))
            if errs:
                print('schema_check: report %s: %s\n  in %s' % (
                    ' '.join(args), errs[0].message, json.dumps(rec)[:400]))
                return 1
            if 'totals' in rec:
                seen['totals'] += 1
                if rec['totals']['schema'] != schema['$id']:
                    print('schema_check: totals name schema %r, the file is %r'
                          % (rec['totals']['schema'], schema['$id']))
                    return 1
            elif 'event' in rec:
                seen['event'] += 1
            elif 'warning' in rec:
                seen['host_warning'] = seen.get('host_warning', 0) + 1
            elif 'counts' in rec:
                seen['host_sample'] += 1
            elif 'host' in rec:
                seen['host'] += 1
            else:
                seen['connection'] += 1
    # A check that saw no record of a kind has not checked it.
    for kind, n in seen.items():
        if n == 0 and kind != 'event':
            print('schema_check: no %s record was written' % kind)
            return 1
    print('schema_check: %d connections, %d totals, %d events, %d hosts, '
          '%d host samples valid' % (seen['connection'], seen['totals'],
                                     seen['event'], seen['host'],
                                     seen['host_sample']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
