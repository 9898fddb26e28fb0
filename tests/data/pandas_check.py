#!/usr/bin/env python3
"""pandas_check.py TOOL CAPTURE... - the JSON Lines and CSV reports load
into pandas as a data scientist would (read_json(lines=True), read_csv)
with the column types one expects, the same connections in both, and
counts that agree with the report's own totals."""
import io
import subprocess
import sys

import pandas as pd

INT = ['stream', 'successor', 'packets', 'first_frame', 'last_frame',
       'capture_gaps', 'missed_bytes', 'orig_pkts', 'resp_pkts', 'orig_bytes',
       'resp_bytes', 'zeek_missed_bytes', 'orig_ip_bytes', 'resp_ip_bytes']
FLOAT = ['start', 'end', 'duration']
STR = ['file', 'client', 'server', 'roles', 'client_final', 'server_final',
       'conn_state', 'history']


def run(tool, args):
    p = subprocess.run([tool, 'report'] + args, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit('pandas_check: report %s: exit %d: %s' % (' '.join(args), p.returncode, p.stderr))
    return p.stdout


def fail(msg):
    print('pandas_check: ' + msg)
    sys.exit(1)


def main():
    tool, caps = sys.argv[1], sys.argv[2:]
    js = pd.read_json(io.StringIO(run(tool, ['--pcap', '--format', 'json'] + caps)),
                      lines=True, dtype=False)
    conns = js[js['totals'].isna()] if 'totals' in js else js
    totals = js[js['totals'].notna()]
    csv = pd.read_csv(io.StringIO(run(tool, ['--pcap', '--format', 'csv'] + caps)),
                      keep_default_na=False, na_values=[])
    if len(conns) == 0:
        fail('no connections read')
    per_file = totals[totals['file'].notna()]
    if len(per_file) != len(caps):
        fail('%d per-file totals for %d files' % (len(per_file), len(caps)))
    want = sum(t['shown'] for t in per_file['totals'])
    if len(conns) != want or len(csv) != want:
        fail('%d JSON rows, %d CSV rows, totals say %d shown'
             % (len(conns), len(csv), want))
    for col in INT:
        if not pd.api.types.is_integer_dtype(csv[col]):
            fail('CSV column %s is %s, not integer' % (col, csv[col].dtype))
        # JSON rows share columns with the totals rows, so pandas widens
        # them to float there: every value must still be a whole number.
        if not pd.api.types.is_numeric_dtype(conns[col]) or \
           (conns[col] != conns[col].round()).any():
            fail('JSON column %s is %s, not whole numbers' % (col, conns[col].dtype))
    for col in FLOAT:
        if not pd.api.types.is_float_dtype(csv[col]):
            fail('CSV column %s is %s, not float' % (col, csv[col].dtype))
        if not pd.api.types.is_numeric_dtype(conns[col]):
            fail('JSON column %s is %s, not numeric' % (col, conns[col].dtype))
    for col in STR:
        if csv[col].dtype != object or conns[col].dtype != object:
            fail('column %s is not text' % col)
    # The same connections, in the same order, with the same verdicts.
    for col in ['file', 'stream', 'successor', 'client', 'server', 'conn_state',
                'history', 'orig_pkts', 'resp_pkts', 'packets']:
        conv = 'int64' if col in INT else str
        a = list(csv[col].astype(conv))
        b = list(conns[col].astype(conv))
        if a != b:
            fail('column %s differs between CSV and JSON' % col)
    # Zeek's counts are TCP segments; our packets also count the ICMP
    # errors that quote the connection.
    if (csv['orig_pkts'] + csv['resp_pkts'] > csv['packets']).any():
        fail('orig_pkts + resp_pkts exceed packets')
    # The one-line queries the README shows must run.
    csv['hour'] = pd.to_datetime(csv['start'], unit='s').dt.floor('h')
    stalls = csv[csv['anomalies'].str.contains('close_wait_stall')].groupby('server').size()
    per_hour = csv.assign(anomaly=csv['anomalies'].str.split(';')).explode('anomaly') \
        .query('anomaly != ""').groupby(['hour', 'anomaly']).size()
    print('pandas_check: %d connections in %d files, types and counts as expected '
          '(%d servers with close_wait_stall, %d anomaly-hours)'
          % (len(csv), len(caps), len(stalls), len(per_hour)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
