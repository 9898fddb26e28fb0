#!/usr/bin/env python3
"""zeek_agree.py - how often our conn_state and history agree with Zeek's.

Runs our CLI on each trace of a zeek-dev set (../shared/zeek-dev: 47 of
Zeek's test traces and the verdicts Zeek's own baselines give their TCP
connections, conn.tsv) and pairs our rows with Zeek's: same trace, same
unordered 4-tuple, in order of appearance (conn.tsv has no timestamps;
Zeek logs the rows of one 4-tuple in the order it removed them, which is
the order they started).  Two sections:

1. Zeek's rows (`report --pcap --format zeek-json --zeek-rows`): our
   lifecycles cut into the rows Zeek's timers make (core/zeek_rows.c), so
   every Zeek row should pair 1:1 with one of ours.  Agreement over every
   paired row, the confusion matrix and every disagreement; each
   disagreement must be in ROW_KNOWN (a reason outside TCP's rules: Zeek
   dropped packets with bad checksums, a payload cut by the snapshot
   length, IP fragments, a letter of Zeek's application analysers), and
   a Zeek row we have no row for must be in ROW_SPLITS.
2. Our lifecycles (`--format zeek-json`, one row per lifecycle), as
   before the row mode existed: Zeek's extra rows are "split by Zeek"
   (SPLITS), other disagreements are in KNOWN.

Not compared: orig_ip_bytes / resp_ip_bytes (and orig_bytes /
resp_bytes).  conn.tsv has no byte column, only the packet counts, so
there is nothing of Zeek's to hold them against here; the IP byte counts
are checked against tshark's IP lengths instead (tests/annotate/ip_bytes.sh).

Usage: zeek_agree.py TOOL ZEEK_DEV_DIR [--check]
  --check: exit 1 unless, over Zeek's rows, conn_state agrees on >= 99 %
  and history exactly on >= 95 % of all paired rows, no row is unmatched
  either way, every disagreement is explained; and the lifecycle section's
  tables still hold (every entry still observed as described, its
  unexplained rows in agreement).
"""
import collections
import json
import os
import subprocess
import sys

# Zeek cuts one of our lifecycles into several rows (docs/zeek.md, "One of
# our rows, several of Zeek's").  Key: (trace, orig_h, orig_p, resp_h,
# resp_p) as conn.tsv gives it; '*' for the tuple means every tuple of the
# trace.  Value: why.  Our lifecycles on the tuple, in time order, take
# Zeek's rows in order, each as many as fit in its packets (Zeek's pieces
# add up to at most the lifecycle's packets); the first row a lifecycle
# takes is paired and compared (it is usually different: it is a piece),
# the rest are counted as split.
SPLITS = {
    ('llc.pcap', '*'):
        'lone RSTs repeated once a minute on one 4-tuple: Zeek removes a '
        'connection 5 s after its RST (tcp_close_delay) and logs each RST '
        'as a new OTH "R" row; we keep the 4-tuple one lifecycle (no SYN, '
        'no handshake ends it) with all its RSTs',
    ('ssh_ssh.client-side-half-duplex.pcap', '*'):
        'one-way capture (client side only): the originator never shows a '
        'SYN-ACK, so Zeek keeps it SYN_SENT and its attempt timer '
        '(tcp_attempt_delay, 5 s) logs S0 "SAD" and starts a new row for '
        'what follows; we keep one lifecycle, SH "SADF"',
    ('chksums_localhost-bad-chksum.pcap', '*'):
        'the client\'s packets have bad checksums (the capture was taken on '
        'the sending host, whose NIC fills them in later); Zeek made its '
        'first row, OTH "C", of the dropped SYN and a second, flipped one '
        'at the SYN-ACK; with --check-checksums the SYN starts no lifecycle '
        'of ours, which begins at the SYN-ACK ("^hCadf")',
    ('tunnels_Teredo.pcap', '*'):
        'Zeek removes a connection 5 s after its close completed '
        '(tcp_close_delay); later RSTs/ACKs start a new mid-stream row; we '
        'keep the 4-tuple one lifecycle until a new SYN',
}

# Paired rows where Zeek and we differ for a reason outside our rules.
# Key: (trace, orig_h, orig_p, resp_h, resp_p) as conn.tsv gives it, or
# (trace, '*').  Value: (why, kind).  A key listed but agreeing fails
# --check: the table must stay true.
# A key may also name a Zeek row that has no lifecycle of ours at all
# (kind 'no lifecycle'): it is then not counted as unmatched.
TCP_SYN_BAD = ('tcp_syn-bad.pcap', '141.142.228.5', '59856', '192.150.187.43', '80')
KNOWN = {
    TCP_SYN_BAD: (
        'the one SYN has a bad TCP checksum: Zeek (without -C) made a '
        'connection of it, OTH "C" with 0 packets; with --check-checksums '
        'a bad segment joins a lifecycle but never starts one (it is no '
        'evidence of a connection), so we have no row', 'no lifecycle'),
    ('tunnels_gtp_gtp2_different_udp_port.pcap', '10.131.17.170', '51803', '173.199.115.168', '80'): (
        'Zeek\'s "X": its own analyser gave up on the content (a protocol '
        'violation in the HTTP it parses); not a TCP event, we have no '
        'such letter; the rest of the history agrees', 'X'),
    ('ftp_fake-long-commands.pcap', '127.0.0.1', '58634', '127.0.0.1', '21'): (
        'Zeek\'s "X": its FTP analyser gave up on the over-long commands; '
        'not a TCP event, we have no such letter; the rest of the history '
        'agrees', 'X'),
}

# Traces whose baseline Zeek made with -C although conn.tsv's zeek_C says
# N: the test runs `zeek -b -Cr TRACE` (zeek_C only saw a lone -C).  Both
# carry TCP checksums that are wrong on the wire (tshark agrees), which
# Zeek ignored: ours must not check them either.
RAN_WITH_C = {
    'ftp_ftp-password-pass-command.pcap',
    'tunnels_geneve-many-options.pcap',
}


# Section 1, Zeek's rows.  Keys: (trace, orig_h, orig_p, resp_h, resp_p) as
# conn.tsv gives them, or (trace, '*') for every tuple of the trace.
# Values: (why, kind).  Each disagreement was checked on the wire with
# tshark (-o tcp.check_checksum:TRUE for the checksums; frame.cap_len;
# ip.flags.mf and ip.frag_offset).  An entry no longer observed fails
# --check: the tables must stay true.  The kinds checksum, snaplen and
# fragments are input handling (checksum verification, content gaps at
# the snapshot length, IP reassembly), not row cutting; they stay listed
# until the decoder does what Zeek does there.
#
# Zeek rows without a row of ours: Zeek made them for a reason outside
# its TCP timers, so our row takes them in order, as many as its packets
# hold; the first is paired (and listed if it disagrees).
ROW_SPLITS = {
    ('chksums_localhost-bad-chksum.pcap', '*'): (
        'Zeek ran without -C and dropped every packet of the client (bad '
        'checksums: captured on the sending host, before its NIC filled '
        'them in): it logged the SYN as OTH "C" (0 packets) and opened a '
        'second, flipped row at the SYN-ACK (SH "HcADF"); with '
        '--check-checksums we drop the same packets, so our one row begins '
        'at the SYN-ACK (SHR "^hCadf", the same row seen from our client); '
        'the first Zeek row is paired with it.  tshark shows all 10 '
        'packets of one complete connection (SF "ShADadFf" unchecked)',
        'checksum'),
}

# Paired rows that disagree for a reason outside TCP's rules.  Kind 'no
# lifecycle': a Zeek row with no row of ours at all, by design; it is
# listed but not counted as unmatched.
ROW_KNOWN = {
    # The same lone bad-checksum SYN as in KNOWN, for the same reason.
    TCP_SYN_BAD: KNOWN[TCP_SYN_BAD],
    ('tunnels_gtp_gtp2_different_udp_port.pcap', '10.131.17.170', '51803', '173.199.115.168', '80'): (
        'Zeek\'s "X": its HTTP analyser gave up on the content (a protocol '
        'violation); not a TCP event, we have no such letter; the rest of '
        'the history and conn_state agree', 'X'),
    ('ftp_fake-long-commands.pcap', '127.0.0.1', '58634', '127.0.0.1', '21'): (
        'Zeek\'s "X": its FTP analyser gave up on the over-long commands; '
        'not a TCP event, we have no such letter; the rest of the history '
        'and conn_state agree', 'X'),
}


def key_match(table, trace, tup):
    return table.get((trace,) + tup) or table.get((trace, '*'))


def key_of(table, trace, tup):
    """The key of table's entry for trace and tuple, or None."""
    for k in ((trace,) + tup, (trace, '*')):
        if k in table:
            return k
    return None


def load_zeek(path):
    rows = collections.OrderedDict()
    with open(path) as f:
        head = f.readline().rstrip('\n').split('\t')
        for line in f:
            r = dict(zip(head, line.rstrip('\n').split('\t')))
            tup = (r['orig_h'], r['orig_p'], r['resp_h'], r['resp_p'])
            k = (r['trace_file'], frozenset([tup[:2], tup[2:]]))
            rows.setdefault(k, []).append(r)
    return rows


def load_ours(tool, traces_dir, zeek_rows, checked):
    rows = collections.defaultdict(list)
    extra = ['--zeek-rows'] if zeek_rows else []
    for name in sorted(os.listdir(traces_dir)):
        # As Zeek's verdict was made: checksums checked unless it ran -C.
        opt = ['--check-checksums'] if name in checked else []
        p = subprocess.run([tool, 'report', '--pcap', '--format', 'zeek-json']
                           + extra + opt + [os.path.join(traces_dir, name)],
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit('zeek_agree: %s: exit %d: %s' % (name, p.returncode,
                                                      p.stderr.strip()))
        for line in p.stdout.splitlines():
            o = json.loads(line)
            a = (o['id.orig_h'], str(o['id.orig_p']))
            b = (o['id.resp_h'], str(o['id.resp_p']))
            rows[(name, frozenset([a, b]))].append(o)
    for v in rows.values():
        v.sort(key=lambda o: o['ts'])
    return rows


def pct(a, b):
    return 100.0 * a / b if b else 100.0


def tup_of(r):
    return (r['orig_h'], r['orig_p'], r['resp_h'], r['resp_p'])


def compare(z, o):
    """(conn_state equal, history equal, our history as compared).  Zeek's
    originator may be our responder (its direction heuristic differs from
    ours for SYN-less starts, docs/zeek.md): the history is compared with
    cases swapped then."""
    hist = o.get('history', '')
    if (o['id.orig_h'], str(o['id.orig_p'])) != (z['orig_h'], z['orig_p']):
        hist = hist.swapcase()
    return z['conn_state'] == o['conn_state'], z['history'] == hist, hist


def print_confusion(conf):
    print("\nconfusion (Zeek's conn_state in rows, ours in columns):")
    states = sorted({a for a, _ in conf} | {b for _, b in conf})
    print('%-7s' % '' + ''.join('%7s' % s for s in states))
    for a in states:
        print('%-7s' % a + ''.join('%7s' % (conf[(a, b)] or '.') for b in states))


def print_disagreements(dis):
    print('\ndisagreements (paired rows):')
    for why, trace, tup, z, o, hist in dis:
        print('  %-16s %s %s:%s -> %s:%s  zeek %s %s %s/%s pkts, ours %s %s %d/%d pkts'
              % (why, trace, tup[0], tup[1], tup[2], tup[3], z['conn_state'],
                 z['history'] or '-', z['orig_pkts'], z['resp_pkts'],
                 o['conn_state'], hist or '-', o['orig_pkts'], o['resp_pkts']))


def row_section(zeek, ours):
    """Section 1: our rows in Zeek's row mode, paired 1:1 with Zeek's.
    Returns the failures."""
    paired, extra_z, unmatched_z, no_lc = [], [], [], []
    for k, zs in zeek.items():
        trace, os_ = k[0], ours.get(k, [])
        sp = key_of(ROW_SPLITS, trace, tup_of(zs[0]))
        if len(zs) > len(os_) and sp:
            # Zeek has a row more than its TCP rules make (ROW_SPLITS):
            # our rows take Zeek's in order, each as many as its packets
            # hold; the first is paired, the rest are counted.
            zi = 0
            for o in os_:
                room, first = o['orig_pkts'] + o['resp_pkts'], True
                while zi < len(zs):
                    z = zs[zi]
                    zp = int(z['orig_pkts']) + int(z['resp_pkts'])
                    if not first and zp > room:
                        break
                    if first:
                        paired.append((trace, tup_of(z), z, o))
                    else:
                        extra_z.append((trace, tup_of(z), z, sp))
                    room -= zp
                    first = False
                    zi += 1
            unmatched_z += [(trace, tup_of(z)) for z in zs[zi:]]
            continue
        for i, z in enumerate(zs):
            kk = key_of(ROW_KNOWN, trace, tup_of(z))
            if i < len(os_):
                paired.append((trace, tup_of(z), z, os_[i]))
            elif kk and ROW_KNOWN[kk][1] == 'no lifecycle':
                no_lc.append((trace, tup_of(z), z, kk))
            else:
                unmatched_z.append((trace, tup_of(z)))
    unmatched_o = [(k[0], o) for k, v in ours.items()
                   for o in v[len(zeek.get(k, [])):]]

    conf = collections.Counter()
    agree_s = agree_h = judged = judged_s = judged_h = 0
    dis, seen = [], set()
    for _, _, _, sp in extra_z + no_lc:
        seen.add(sp)
    for trace, tup, z, o in paired:
        s_ok, h_ok, hist = compare(z, o)
        conf[(z['conn_state'], o['conn_state'])] += 1
        agree_s += s_ok
        agree_h += h_ok
        kk = key_of(ROW_KNOWN, trace, tup)
        kn = ROW_KNOWN[kk] if kk else None
        if not kn and key_of(ROW_SPLITS, trace, tup):
            kk = key_of(ROW_SPLITS, trace, tup)
            kn = ROW_SPLITS[kk]
        if not (s_ok and h_ok):
            if kk:
                seen.add(kk)
            dis.append(('known: ' + kn[1] if kn else 'UNEXPLAINED',
                        trace, tup, z, o, hist))
        if not kn:
            judged += 1
            judged_s += s_ok
            judged_h += h_ok

    n = len(paired)
    nz = sum(len(v) for v in zeek.values())
    print('== 1. Zeek\'s rows (report --format zeek-json --zeek-rows) ==')
    print('Zeek rows %d: paired 1:1 with one of our rows %d, extra rows of '
          'Zeek\'s (ROW_SPLITS) %d, without a row of ours by design '
          '(ROW_KNOWN) %d, unmatched %d; our rows without a Zeek row %d'
          % (nz, n, len(extra_z), len(no_lc), len(unmatched_z), len(unmatched_o)))
    print('all paired rows: conn_state %d/%d = %.1f %%, history exact %d/%d = %.1f %%'
          % (agree_s, n, pct(agree_s, n), agree_h, n, pct(agree_h, n)))
    print('paired rows outside the tables: conn_state %d/%d = %.1f %%, '
          'history exact %d/%d = %.1f %%'
          % (judged_s, judged, pct(judged_s, judged), judged_h, judged,
             pct(judged_h, judged)))
    print_confusion(conf)
    print_disagreements(dis)
    for trace, tup, z, sp in extra_z:
        print('  extra Zeek row (%s) %s %s:%s -> %s:%s  zeek %s %s %s/%s pkts'
              % (ROW_SPLITS[sp][1], trace, tup[0], tup[1], tup[2], tup[3], z['conn_state'],
                 z['history'] or '-', z['orig_pkts'], z['resp_pkts']))
    for trace, tup, z, kk in no_lc:
        print('  Zeek row without a row of ours (%s) %s %s:%s -> %s:%s  zeek %s %s %s/%s pkts'
              % (ROW_KNOWN[kk][1], trace, tup[0], tup[1], tup[2], tup[3], z['conn_state'],
                 z['history'] or '-', z['orig_pkts'], z['resp_pkts']))
    for k, (why, kind) in sorted(ROW_SPLITS.items()):
        print('\nextra Zeek rows (%s), %s:\n  %s' % (kind, k[0], why))
    for k, (why, kind) in sorted(ROW_KNOWN.items()):
        print('\nknown difference (%s), %s %s:\n  %s'
              % (kind, k[0], ' '.join(k[1:]), why))
    for trace, tup in unmatched_z:
        print('UNMATCHED Zeek row: %s %s' % (trace, ' '.join(tup)))
    for trace, o in unmatched_o:
        print('UNMATCHED row of ours: %s %s:%s -> %s:%s %s %s' % (
            trace, o['id.orig_h'], o['id.orig_p'], o['id.resp_h'],
            o['id.resp_p'], o['conn_state'], o.get('history', '-')))

    bad = []
    if pct(agree_s, n) < 99.0:
        bad.append('rows: conn_state agreement below 99 %')
    if pct(agree_h, n) < 95.0:
        bad.append('rows: history agreement below 95 %')
    if unmatched_z or unmatched_o:
        bad.append('rows: unmatched rows')
    if any(d[0] == 'UNEXPLAINED' for d in dis):
        bad.append('rows: unexplained disagreements')
    stale = (set(ROW_KNOWN) | set(ROW_SPLITS)) - seen
    if stale:
        bad.append('rows: table entries no longer observed: %s' % sorted(stale))
    return bad


def lifecycle_section(zeek, ours):
    """Section 2: one of our rows per lifecycle.  Returns the failures."""

    paired = []            # (trace, tup, zeek row, our row)
    split = []             # (trace, tup, zeek row, our row it belongs to)
    unmatched_z = []
    used = set()
    seen_split, seen_known = set(), set()
    for k, zs in zeek.items():
        trace = k[0]
        os_ = ours.get(k, [])
        used.add(k)
        z0 = zs[0]
        tup = (z0['orig_h'], z0['orig_p'], z0['resp_h'], z0['resp_p'])
        sp = SPLITS.get((trace,) + tup) and (trace,) + tup or \
            ((trace, '*') if (trace, '*') in SPLITS else None)
        if len(zs) > len(os_) and sp:
            seen_split.add(sp)
            zi = 0
            for o in os_:
                room = o['orig_pkts'] + o['resp_pkts']
                first = True
                while zi < len(zs):
                    z = zs[zi]
                    zp = int(z['orig_pkts']) + int(z['resp_pkts'])
                    if not first and zp > room:
                        break
                    t = (z['orig_h'], z['orig_p'], z['resp_h'], z['resp_p'])
                    (paired if first else split).append((trace, t, z, o))
                    room -= zp
                    first = False
                    zi += 1
            for z in zs[zi:]:
                t = (z['orig_h'], z['orig_p'], z['resp_h'], z['resp_p'])
                unmatched_z.append((trace, t, z, 'more packets than our lifecycles'))
            continue
        for i, z in enumerate(zs):
            t = (z['orig_h'], z['orig_p'], z['resp_h'], z['resp_p'])
            if i < len(os_):
                paired.append((trace, t, z, os_[i]))
            elif key_match(KNOWN, trace, t):
                seen_known.add((trace,) + t)
            else:
                unmatched_z.append((trace, t, z, 'no lifecycle left'))
    unmatched_o = [(k[0], o) for k, v in ours.items() if k not in used for o in v]
    unmatched_o += [(k[0], o) for k, v in ours.items() if k in used
                    for o in v[len(zeek[k]):]]

    # a lifecycle Zeek cut: its first piece is not comparable with it
    split_ids = {id(o) for _, _, _, o in split}
    conf = collections.Counter()
    agree_s = agree_h = 0
    judged = judged_s = judged_h = 0
    dis = []
    for trace, tup, z, o in paired:
        # Zeek's originator may be our responder (its direction heuristic
        # differs from ours for SYN-less starts, docs/zeek.md): compare the
        # history with cases swapped then.
        hist = o.get('history', '')
        if (o['id.orig_h'], str(o['id.orig_p'])) != (z['orig_h'], z['orig_p']):
            hist = hist.swapcase()
        s_ok = z['conn_state'] == o['conn_state']
        h_ok = z['history'] == hist
        conf[(z['conn_state'], o['conn_state'])] += 1
        agree_s += s_ok
        agree_h += h_ok
        sp = id(o) in split_ids
        kn = key_match(KNOWN, trace, tup)
        if not (s_ok and h_ok):
            why = ('split by Zeek' if sp else
                   'known: ' + kn[1] if kn else 'UNEXPLAINED')
            if kn:
                seen_known.add((trace, '*') if (trace, '*') in KNOWN else (trace,) + tup)
            dis.append((why, trace, tup, z, o, hist))
        if not sp and not kn:
            judged += 1
            judged_s += s_ok
            judged_h += h_ok

    n = len(paired)
    nz = sum(len(v) for v in zeek.values())
    print('\n== 2. our lifecycles (report --format zeek-json), one row each ==')
    print('Zeek rows %d: paired with one of our lifecycles %d, split by Zeek '
          '(later pieces of a paired lifecycle) %d, unmatched %d; our '
          'lifecycles without a Zeek row %d'
          % (nz, n, len(split), len(unmatched_z), len(unmatched_o)))
    print('all paired rows:   conn_state %d/%d = %.1f %%, history exact %d/%d = %.1f %%'
          % (agree_s, n, pct(agree_s, n), agree_h, n, pct(agree_h, n)))
    print('paired rows Zeek did not split, outside KNOWN: conn_state %d/%d = %.1f %%, '
          'history exact %d/%d = %.1f %%'
          % (judged_s, judged, pct(judged_s, judged), judged_h, judged,
             pct(judged_h, judged)))
    print_confusion(conf)
    print_disagreements(dis)
    for k, why in sorted(SPLITS.items()):
        print('\nsplit by Zeek, %s: %d rows\n  %s' % (
            k[0], sum(1 for s in split if s[0] == k[0]), why))
    for k, (why, kind) in sorted(KNOWN.items()):
        print('\nknown difference (%s), %s:\n  %s' % (kind, k[0], why))
    for trace, tup, z, why in unmatched_z:
        print('UNMATCHED Zeek row (%s): %s %s' % (why, trace, ' '.join(tup)))
    for trace, o in unmatched_o:
        print('UNMATCHED lifecycle: %s %s:%s -> %s:%s %s %s' % (
            trace, o['id.orig_h'], o['id.orig_p'], o['id.resp_h'],
            o['id.resp_p'], o['conn_state'], o.get('history', '-')))

    bad = []
    if judged_s != judged or judged_h != judged:
        bad.append('lifecycles: rows outside the tables disagree')
    if unmatched_z or unmatched_o:
        bad.append('lifecycles: unmatched rows')
    if any(d[0] == 'UNEXPLAINED' for d in dis):
        bad.append('lifecycles: unexplained disagreements')
    stale = (set(SPLITS) - seen_split) | (set(KNOWN) - seen_known)
    if stale:
        bad.append('lifecycles: table entries no longer observed: %s' % sorted(stale))
    return bad


def main():
    if len(sys.argv) < 3:
        sys.exit('usage: zeek_agree.py TOOL ZEEK_DEV_DIR [--check]')
    tool, zd = sys.argv[1], sys.argv[2]
    check = '--check' in sys.argv[3:]
    zeek = load_zeek(os.path.join(zd, 'conn.tsv'))
    traces = os.path.join(zd, 'traces')
    checked = {k[0] for k, zs in zeek.items()
               if zs[0]['zeek_C'] != 'Y' and k[0] not in RAN_WITH_C}
    bad = row_section(zeek, load_ours(tool, traces, True, checked))
    bad += lifecycle_section(zeek, load_ours(tool, traces, False, checked))
    if not check:
        return 0
    for b in bad:
        print('zeek_agree: FAIL: ' + b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
