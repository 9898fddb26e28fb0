/*
 * report_html.js - the script of `tcp-lifecycle report --format html`,
 * embedded into every page (cmake/embed.cmake).  It reads the JSON the
 * writer (report_html.c) put into the page, draws the summary, a virtual
 * table (only the rows in view exist in the DOM, so 20,000 connections
 * open fast) and, for the opened row, the timeline and ladder.
 *
 * The pictures follow the rules of postproc/picture.h with the constants
 * picture.c wrote into #tcpl-pic: change both together (tests/html compares
 * the page's drawing of a connection with the svg format's).
 * The page's state (sort, filters, opened row) lives in the URL hash, e.g.
 * #sort=-duration&anomaly=refused&open=3.1, so links can be shared.
 * Plain ES5, no library: it has to open from disk anywhere.
 */
(function () {
  'use strict';
  var body = document.body;
  var errors = [];
  window.addEventListener('error', function (e) {
    errors.push(String(e.message));
    body.setAttribute('data-errors', errors.join(' | '));
  });
  var t0 = window.performance ? performance.now() : 0;

  function json(el) { return JSON.parse(el.textContent); }
  var P = json(document.getElementById('tcpl-pic'));
  var D = P.dims;
  var STR = json(document.getElementById('tcpl-strings'));
  var files = [].map.call(document.querySelectorAll('script.tcpl-file'), json);
  var recs = [];
  [].forEach.call(document.querySelectorAll('script.tcpl-recs'), function (el) {
    var a = json(el);
    a.pop(); /* the null that ends the array */
    for (var i = 0; i < a.length; i++) recs.push(a[i]);
  });

  /* Fields of a record (report_html.c, html_lifecycle). */
  var FILE = 0, STREAM = 1, SUCC = 2, ROLES = 3, CH = 4, CP = 5, SH = 6, SP = 7,
    START = 8, DUR = 9, END = 10, CFIN = 11, SFIN = 12, CLOSER = 13, CLOSE = 14,
    MASK = 15, PKTS = 16, FFRAME = 17, LFRAME = 18, DROP = 19, TL = 20, EV = 21,
    SEG = 22, TUNNEL = 23;
  var FIN = 1, SYN = 2, RST = 4, ACK = 16;

  /* A record's lists as the drawing reads them, decoded when first drawn
   * (report_html.c's html_lifecycle has the coding): timeline [lane,
   * state, frame, us, inferred]..., events [anomaly, lane, frame, us,
   * duration, text]..., segments [frame, us, lane, flags, window, bytes]... */
  function decode(r) {
    if (r.decoded) return r;
    function lists(src, width, unpack) {
      var out = [], frame = r[FFRAME], us = 0;
      for (var i = 0; i < src.length; i += width) {
        var df = src[i + 1];
        if (df >= 0) frame += df;
        us += src[i + 2];
        unpack(out, src, i, df >= 0 ? frame : 0, us);
      }
      return out;
    }
    r[EV] = lists(r[EV], 5, function (o, s, i, f, t) {
      o.push(s[i] >> 1, s[i] & 1, f, t, s[i + 3], s[i + 4]);
    });
    r[SEG] = lists(r[SEG], 4, function (o, s, i, f, t) {
      o.push(f, t, s[i] & 1, s[i] >> 3, (s[i] >> 1) & 3, s[i + 3]);
    });
    var tl = r[TL], out = [];
    for (var i = 0; i < tl.length;) {
      var c = tl[i];
      if (c & 4) {
        out.push(c & 1, c >> 3, tl[i + 1] >= 0 ? r[FFRAME] + tl[i + 1] : 0, tl[i + 2], (c >> 1) & 1);
        i += 3;
      } else {
        var k = tl[i + 1] * 6;
        out.push(c & 1, c >> 3, r[SEG][k], r[SEG][k + 1], (c >> 1) & 1);
        i += 2;
      }
    }
    r[TL] = out;
    r.decoded = true;
    return r;
  }

  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;';
    });
  }
  function g3(v) { return v >= 999.5 ? v.toFixed(0) : String(parseFloat(v.toPrecision(3))); }
  function fmtUs(us) {
    var a = Math.abs(us), num, unit;
    if (a === 0) return '0';
    if (a < 1) { num = g3(a * 1e3); unit = 'ns'; }
    else if (a < 999.5) { num = g3(a); unit = '\u00b5s'; }
    else if (a < 999.5e3) { num = g3(a / 1e3); unit = 'ms'; }
    else { num = g3(a / 1e6); unit = 's'; }
    return (us < 0 ? '-' : '') + num + ' ' + unit;
  }
  function f1(x) { return x.toFixed(1); }
  function streamId(r) { return r[STREAM] + (r[SUCC] ? '.' + r[SUCC] : ''); }
  function rowKey(r) { return (files.length > 1 ? r[FILE] + '/' : '') + streamId(r); }
  function host(i) { return STR[i]; }
  function ep(r, lane) { return lane ? host(r[SH]) + ':' + r[SP] : host(r[CH]) + ':' + r[CP]; }
  function role(r, lane) {
    return r[ROLES] === 2 ? (lane ? 'endpoint B' : 'endpoint A') : (lane ? 'server' : 'client');
  }
  function anomalyNames(mask) {
    var out = [];
    for (var a = 0; a < P.anomalies.length; a++) if (mask & (1 << a)) out.push(P.anomalies[a]);
    return out;
  }

  /* ---------------------------------------------------------- pictures */

  function mark(x, y, capture) {
    var m = D.MARK;
    return '<path class="mark" d="M' + f1(x) + ',' + f1(y - m) + 'l' + m + ',' + m + 'l' +
      (-m) + ',' + m + 'l' + (-m) + ',' + (-m) + 'z" fill="' + (capture ? '#fff' : P.alert) +
      '" stroke="#222"/>';
  }

  function axisBuild(r) {
    var b = [0, r[END]], tl = r[TL], ev = r[EV], i;
    for (i = 3; i < tl.length; i += 5) b.push(tl[i]);
    for (i = 3; i < ev.length; i += 6) b.push(ev[i]);
    for (i = 0; i < r[SEG].length; i += 6) if (r[SEG][i + 4]) b.push(r[SEG][i + 1]);
    b.sort(function (x, y) { return x - y; });
    var u = [b[0]];
    for (i = 1; i < b.length; i++) if (b[i] !== u[u.length - 1]) u.push(b[i]);
    if (u.length === 1) u.push(u[0] + 1);
    var span = u[u.length - 1] - u[0], shortest = span;
    for (i = 1; i < u.length; i++) shortest = Math.min(shortest, u[i] - u[i - 1]);
    var log = span > D.LOG_RATIO * shortest, cum = [0];
    for (i = 1; i < u.length; i++) {
      var g = u[i] - u[i - 1];
      cum.push(cum[i - 1] + (log ? Math.log(1 + g / D.TAU_US) / Math.LN10 : g));
    }
    return { b: u, cum: cum, log: log };
  }

  function axisX(a, t) {
    var b = a.b, n = b.length;
    if (t <= b[0]) return D.TL_X0;
    if (t >= b[n - 1]) return D.TL_X1;
    var lo = 0, hi = n - 1;
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (b[mid] <= t) lo = mid; else hi = mid;
    }
    var f = (t - b[lo]) / (b[hi] - b[lo]);
    var c = a.cum[lo] + f * (a.cum[hi] - a.cum[lo]);
    return D.TL_X0 + (D.TL_X1 - D.TL_X0) * c / a.cum[n - 1];
  }

  function axisDraw(a, ay) {
    var s = '<line x1="' + D.TL_X0 + '" y1="' + ay + '" x2="' + D.TL_X1 + '" y2="' + ay +
      '" stroke="#333"/>', x, i;
    function tick(x) {
      return '<line class="tick" x1="' + f1(x) + '" y1="' + ay + '" x2="' + f1(x) + '" y2="' +
        (ay + 4) + '" stroke="#333"/>';
    }
    function label(x, t) {
      return '<text x="' + f1(x) + '" y="' + (ay + 15) + '" text-anchor="middle">' + fmtUs(t) + '</text>';
    }
    if (a.log) {
      var last = -1e9;
      for (i = 0; i < a.b.length; i++) {
        x = axisX(a, a.b[i]);
        s += tick(x);
        if (x - last >= D.TICK_GAP) { s += label(x, a.b[i]); last = x; }
      }
      return s;
    }
    var lo = a.b[0], hi = a.b[a.b.length - 1];
    var raw = (hi - lo) / 6, p = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10)), m = raw / p;
    var step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
    for (var k = Math.ceil(lo / step); k * step <= hi; k++) {
      x = axisX(a, k * step);
      s += tick(x) + label(x, k * step);
    }
    return s;
  }

  function laneY(lane) { return D.TL_TOP + lane * (D.LANE_H + D.LANE_GAP); }
  function where(frame, us) {
    return frame ? 'frame ' + frame + ' (+' + fmtUs(us) + ')' : 'the end of the capture (+' + fmtUs(us) + ')';
  }
  var INFERRED = ', inferred from the ACK and sequence numbers of other segments';

  function timeline(r) {
    var a = axisBuild(r), tl = r[TL], ev = r[EV], i, j;
    var s = '<svg class="timeline" width="' + D.WIDTH + '" height="' + D.TL_HEIGHT +
      '" font-size="' + D.FONT + '"><text x="8" y="14" font-weight="bold">Timeline</text>';
    for (var lane = 0; lane < 2; lane++) {
      s += '<text x="8" y="' + (laneY(lane) + D.LANE_H / 2 + 4) + '">' + role(r, lane) +
        '</text><rect class="lane" x="' + D.TL_X0 + '" y="' + laneY(lane) + '" width="' +
        (D.TL_X1 - D.TL_X0) + '" height="' + D.LANE_H + '" fill="none" stroke="#bbb"/>';
    }
    for (i = 0; i < tl.length; i += 5) {
      var ln = tl[i], name = P.states[tl[i + 1]], ta = tl[i + 3], tb = r[END];
      for (j = i + 5; j < tl.length; j += 5) if (tl[j] === ln) { tb = tl[j + 3]; break; }
      var x0 = axisX(a, ta), x1 = axisX(a, tb), y = laneY(ln);
      var w = x1 - x0 < D.MIN_BAR ? D.MIN_BAR : x1 - x0, inf = tl[i + 4];
      var dur = fmtUs(tb - ta);
      s += '<g class="bar" data-state="' + name + '" data-lane="' + ln + '"><rect x="' + f1(x0) +
        '" y="' + y + '" width="' + f1(w) + '" height="' + D.LANE_H + '" fill="url(#tcpl-s-' +
        name + ')" stroke="#333" stroke-width="0.6"' + (inf ? ' stroke-dasharray="3,2"' : '') +
        '><title>' + role(r, ln) + ' ' + name + ' from ' + where(tl[i + 2], ta) + ' for ' + dur +
        (inf ? INFERRED : '') + '</title></rect>';
      var label = name + ' ' + dur;
      if (label.length * D.CHAR_W + 8 > w) label = name;
      if (label.length * D.CHAR_W + 8 <= w)
        s += '<text class="halo" x="' + f1(x0 + 4) + '" y="' + (y + D.LANE_H / 2 + 4) + '">' + label + '</text>';
      s += '</g>';
    }
    var seg = r[SEG], closed = [-1, -1];
    function band(k, t1) {
      var lane = seg[k + 2], ta = seg[k + 1], xa = axisX(a, ta), xb = axisX(a, t1);
      s += '<rect class="zw" x="' + f1(xa) + '" y="' + (laneY(lane) + D.LANE_H - D.ZW_H) + '" width="' +
        f1(xb - xa < D.MIN_BAR ? D.MIN_BAR : xb - xa) + '" height="' + D.ZW_H + '" fill="#222"><title>' +
        role(r, lane) + ' advertised a zero receive window from ' + where(seg[k], ta) + ' for ' +
        fmtUs(t1 - ta) + '</title></rect>';
    }
    for (i = 0; i < seg.length; i += 6) {
      var from = seg[i + 2];
      if (seg[i + 4] === 1 && closed[from] < 0) closed[from] = i;
      if (seg[i + 4] === 2 && closed[from] >= 0) { band(closed[from], seg[i + 1]); closed[from] = -1; }
    }
    for (i = 0; i < 2; i++) if (closed[i] >= 0) band(closed[i], r[END]);
    for (i = 0; i < ev.length; i += 6) {
      var an = ev[i], el = ev[i + 1], note = P.capture_note[an], t = ev[i + 3];
      var x = axisX(a, t), yy = laneY(el);
      s += '<g class="anomaly" data-anomaly="' + P.anomalies[an] + '">';
      if (ev[i + 4] > 0 && !note) {
        var ys = yy + D.LANE_H + 3;
        s += '<line class="stall" x1="' + f1(axisX(a, t - ev[i + 4])) + '" y1="' + ys + '" x2="' +
          f1(x) + '" y2="' + ys + '" stroke="' + P.alert + '" stroke-width="2"/>';
      }
      s += mark(x, yy, note) + '<title>' + P.anomalies[an] + ' at ' + where(ev[i + 2], t) + ': ' +
        esc(STR[ev[i + 5]]) + '</title></g>';
    }
    var ay = laneY(1) + D.LANE_H + D.AXIS_GAP;
    s += axisDraw(a, ay);
    s += '<text class="scale" x="' + D.TL_X0 + '" y="' + (ay + 32) + '" fill="#444">' +
      (a.log ? 'log-stretch time axis: each stretch between two events is drawn by the ' +
        'logarithm of its length; ticks and bars give real times'
        : 'linear time axis: time since the first packet') + '</text>';
    return s + '</svg>';
  }

  function segLabel(flags, window, len) {
    if (flags >= 256) return 'ICMP' + (flags >= 512 ? 'v6' : '') + ' error';
    var out = [];
    if (flags & SYN) out.push('SYN');
    if (flags & FIN) out.push('FIN');
    if (flags & RST) out.push('RST');
    if (flags & ACK) out.push('ACK');
    var s = out.length ? out.join(', ') : '(no flags)';
    if (len) s += ' + ' + len + ' B';
    if (window) s += ', ' + (window === 1 ? 'window 0' : 'window opens');
    return s;
  }

  function ladder(r) {
    var seg = r[SEG], tl = r[TL], ev = r[EV], nseg = seg.length / 6, i;
    function rowOf(frame) {
      for (var k = 0; frame && k < nseg; k++) if (seg[k * 6] === frame) return k;
      return nseg;
    }
    var rows = nseg;
    for (i = 0; i < tl.length; i += 5) if (rowOf(tl[i + 2]) === nseg) rows = nseg + 1;
    for (i = 0; i < ev.length; i += 6) if (rowOf(ev[i + 2]) === nseg) rows = nseg + 1;
    var top = D.LD_TOP, row = D.LD_ROW, slant = D.LD_SLANT;
    var h = top + rows * row + slant + D.LD_BOTTOM;
    function laneX(lane) { return lane === 0 ? D.LD_CX : D.LD_SX; }
    var s = '<svg class="ladder" width="' + D.WIDTH + '" height="' + h.toFixed(0) +
      '" font-size="' + D.FONT + '"><text x="8" y="14" font-weight="bold">Ladder</text>' +
      '<text x="' + D.LD_FRAME_X + '" y="32" text-anchor="end" fill="#444">frame</text><text x="' +
      D.LD_TIME_X + '" y="32" fill="#444">time</text>';
    for (var lane = 0; lane < 2; lane++) {
      s += '<text x="' + laneX(lane) + '" y="16" text-anchor="middle" font-weight="bold">' +
        role(r, lane) + '</text><text x="' + laneX(lane) + '" y="30" text-anchor="middle">' +
        esc(ep(r, lane)) + '</text><line class="lane" x1="' + laneX(lane) + '" y1="' + (top - 6) +
        '" x2="' + laneX(lane) + '" y2="' + (h - 6).toFixed(0) + '" stroke="#444" stroke-width="2"/>';
    }
    for (i = 0; i < nseg; i++) {
      /* An ICMP error travels toward the sender of what it quotes. */
      var k = i * 6, ry = top + i * row, from = seg[k + 2] ^ (seg[k + 3] >= 256 ? 1 : 0);
      var x1 = laneX(from), x2 = laneX(1 - from);
      s += '<g class="arrow" data-frame="' + seg[k] + '"><line x1="' + x1 + '" y1="' + f1(ry) +
        '" x2="' + x2 + '" y2="' + f1(ry + slant) + '" stroke="#222" stroke-width="1.3" ' +
        'marker-end="url(#tcpl-arrow)"/><text class="halo" x="' + (x1 + x2) / 2 + '" y="' +
        f1(ry + slant / 2 - 3) + '" text-anchor="middle">' + segLabel(seg[k + 3], seg[k + 4], seg[k + 5]) +
        '</text><text x="' + D.LD_FRAME_X + '" y="' + f1(ry + slant / 2 + 4) +
        '" text-anchor="end">' + seg[k] + '</text><text x="' + D.LD_TIME_X + '" y="' +
        f1(ry + slant / 2 + 4) + '" fill="#444">' + fmtUs(seg[k + 1]) + '</text></g>';
    }
    if (rows > nseg) {
      var ey = top + nseg * row + slant / 2 + 4;
      s += '<text x="' + D.LD_FRAME_X + '" y="' + f1(ey) + '" text-anchor="end">end</text><text x="' +
        D.LD_TIME_X + '" y="' + f1(ey) + '" fill="#444">' + fmtUs(r[END]) + '</text>';
    }
    var stack = {};
    function bump(key) { var v = stack[key] || 0; stack[key] = v + 1; return v; }
    for (i = 0; i < tl.length; i += 5) {
      var rr = rowOf(tl[i + 2]), ln = tl[i], name = P.states[tl[i + 1]], inf = tl[i + 4];
      var atEnd = rr < nseg && seg[rr * 6 + 2] !== ln;
      var ty = top + rr * row + (atEnd ? slant : 0) + 4 + bump(rr * 3 + ln) * D.LD_STACK;
      s += '<text class="state" data-lane="' + ln + '" x="' + (ln === 0 ? D.LD_CX - 8 : D.LD_SX + 8) +
        '" y="' + f1(ty) + '" text-anchor="' + (ln === 0 ? 'end' : 'start') + '"' +
        (inf ? ' font-style="italic"' : '') + '>' + name + (inf ? ' (inferred)' : '') +
        '<title>' + role(r, ln) + ' ' + name + (inf ? ': inferred from the ACK and sequence ' +
          'numbers of other segments' : '') + '</title></text>';
    }
    for (i = 0; i < ev.length; i += 6) {
      var er = rowOf(ev[i + 2]), el = ev[i + 1], an = ev[i], note = P.capture_note[an];
      var eEnd = er < nseg && seg[er * 6 + 2] !== el, ery = top + er * row;
      s += '<g class="anomaly" data-anomaly="' + P.anomalies[an] + '">' +
        mark(laneX(el), ery + (eEnd ? slant : 0), note) + '<text x="' + D.LD_NOTE_X + '" y="' +
        f1(ery + slant / 2 + 4 + bump(er * 3 + 2) * D.LD_STACK) + '" fill="' + (note ? '#444' : P.alert) +
        '"' + (note ? ' font-style="italic"' : '') + '>' + P.anomalies[an] + '</text><title>' +
        esc(STR[ev[i + 5]]) + '</title></g>';
    }
    return s + '</svg>';
  }

  /* ---------------------------------------------------------- state */

  var COLS = [
    { key: 'stream', title: 'stream', w: 70, get: function (r) { return r[STREAM] + r[SUCC] / 1e4; },
      show: function (r) { return (files.length > 1 ? r[FILE] + '/' : '') + streamId(r); } },
    { key: 'client', title: 'client', w: 170, get: function (r) { return ep(r, 0); },
      show: function (r) { return ep(r, 0); } },
    { key: 'server', title: 'server', w: 170, get: function (r) { return ep(r, 1); },
      show: function (r) { return ep(r, 1); } },
    { key: 'start', title: 'start', w: 80, get: function (r) { return r[START]; },
      show: function (r) { return fmtUs(r[START]); } },
    { key: 'duration', title: 'duration', w: 80, get: function (r) { return r[DUR]; },
      show: function (r) { return fmtUs(r[DUR]); } },
    { key: 'client_final', title: 'client at end', w: 110, get: function (r) { return P.states[r[CFIN]]; },
      show: function (r) { return P.states[r[CFIN]]; } },
    { key: 'server_final', title: 'server at end', w: 110, get: function (r) { return P.states[r[SFIN]]; },
      show: function (r) { return P.states[r[SFIN]]; } },
    { key: 'close', title: 'first close', w: 110, get: function (r) { return P.closers[r[CLOSER]]; },
      show: function (r) { return r[CLOSE] === 1 ? 'refused' : P.closers[r[CLOSER]]; } },
    { key: 'packets', title: 'packets', w: 72, get: function (r) { return r[PKTS]; },
      show: function (r) { return r[PKTS]; } },
    { key: 'anomalies', title: 'anomalies', w: 200, get: function (r) { return anomalyNames(r[MASK]).join(' '); },
      show: function (r) { return anomalyNames(r[MASK]).join(' '); } }
  ];
  var state = { sort: '', anomaly: '', state: '', pair: '', q: '', open: '' };

  function readHash() {
    var s = { sort: '', anomaly: '', state: '', pair: '', q: '', open: '', host: '' };
    location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i < 0) return;
      var k = decodeURIComponent(kv.slice(0, i)), v = decodeURIComponent(kv.slice(i + 1));
      if (Object.prototype.hasOwnProperty.call(s, k)) s[k] = v;
    });
    return s;
  }
  function writeHash() {
    var parts = [];
    Object.keys(state).forEach(function (k) {
      if (state[k]) parts.push(k + '=' + encodeURIComponent(state[k]));
    });
    var h = parts.length ? '#' + parts.join('&') : '';
    if (h !== location.hash && !(h === '' && location.hash === '#')) {
      if (history.replaceState) history.replaceState(null, '', h || location.pathname);
      else location.hash = h;
    }
  }

  var view = []; /* indexes of recs, filtered and sorted */
  function refilter() {
    var bit = state.anomaly ? P.anomalies.indexOf(state.anomaly) : -1;
    var st = state.state ? P.states.indexOf(state.state) : -1;
    var pair = state.pair ? state.pair.split('/') : null;
    var q = state.q.toLowerCase();
    view = [];
    for (var i = 0; i < recs.length; i++) {
      var r = recs[i];
      if (state.anomaly && (bit < 0 || !(r[MASK] & (1 << bit)))) continue;
      if (state.state && r[CFIN] !== st && r[SFIN] !== st) continue;
      if (pair && (P.states[r[CFIN]] !== pair[0] || P.states[r[SFIN]] !== pair[1])) continue;
      if (q && (ep(r, 0) + ' ' + ep(r, 1) + (r.length > TUNNEL ? ' ' + STR[r[TUNNEL]] : ''))
        .toLowerCase().indexOf(q) < 0) continue;
      view.push(i);
    }
    var key = state.sort.replace(/^-/, ''), desc = state.sort.charAt(0) === '-';
    var col = COLS.filter(function (c) { return c.key === key; })[0];
    if (col) {
      var keys = recs.map(col.get);
      view.sort(function (a, b) {
        var x = keys[a], y = keys[b];
        var c = x < y ? -1 : x > y ? 1 : a - b;
        return desc ? -c : c;
      });
    }
  }

  /* ---------------------------------------------------------- summary */

  function bars(title, items, total) {
    if (!items.length) return '<div class="chart"><h3>' + title + '</h3><p>none</p></div>';
    var max = Math.max.apply(null, items.map(function (it) { return it.n; }));
    return '<div class="chart"><h3>' + title + '</h3>' + items.map(function (it) {
      return '<a class="barrow" href="' + it.href + '" title="' + esc(it.tip || '') + '"><span class="lab">' +
        esc(it.label) + '</span><span class="bar" style="width:' + (100 * it.n / max).toFixed(1) +
        '%"></span><span class="n">' + it.n + (total ? ' (' + (100 * it.n / total).toFixed(1) + '%)' : '') +
        '</span></a>';
    }).join('') + '</div>';
  }

  function plural(n, what) { return n + ' ' + what + (n === 1 ? '' : 's'); }

  function summary() {
    var f = document.getElementById('files');
    var pk = 0, conns = 0, gaps = 0, missed = 0;
    var list = files.map(function (x) {
      pk += x.packets; conns += x.connections; gaps += x.gaps; missed += x.missed;
      return '<div class="file"><b>' + esc(x.name) + '</b> (' + esc(x.kind) + '): ' +
        (x.utc ? 'from ' + esc(x.utc) + ', ' + fmtUs(x.span_us) + ' of capture, ' : '') +
        plural(x.packets, 'TCP packet') + ', ' + plural(x.connections, 'connection') +
        (x.shown !== x.connections ? ', ' + x.shown + ' shown' : '') +
        (x.non_tcp + x.multi_header + x.incomplete ? ', skipped ' + x.non_tcp + ' not TCP, ' +
          x.multi_header + ' with several headers, ' + x.incomplete + ' incomplete' : '') +
        (x.error ? '<div class="err">reading stopped: ' + esc(x.error) + '</div>' : '') + '</div>';
    }).join('');
    var bad = files.some(function (x) { return x.error; });
    f.innerHTML = files.length > 3 ? '<details' + (bad ? ' open' : '') + '><summary>' +
      files.length + ' files</summary>' + list + '</details>' : list;
    var counts = P.anomalies.map(function () { return 0; }), pairs = {};
    recs.forEach(function (r) {
      for (var a = 0; a < counts.length; a++) if (r[MASK] & (1 << a)) counts[a]++;
      var k = P.states[r[CFIN]] + '/' + P.states[r[SFIN]];
      pairs[k] = (pairs[k] || 0) + 1;
    });
    var an = [];
    counts.forEach(function (n, a) {
      if (n) an.push({ label: P.anomalies[a] + (P.capture_note[a] ? ' (capture)' : ''), n: n,
        href: '#anomaly=' + P.anomalies[a] });
    });
    an.sort(function (x, y) { return y.n - x.n; });
    var pl = Object.keys(pairs).map(function (k) {
      return { label: k.replace('/', ' / '), n: pairs[k], href: '#pair=' + encodeURIComponent(k) };
    }).sort(function (x, y) { return y.n - x.n; }).slice(0, 12);
    var gapItems = gaps ? [{ label: gaps + ' gaps, ' + missed + ' bytes missed', n: counts[P.anomalies.indexOf('capture_gap')],
      href: '#anomaly=capture_gap', tip: 'segments the network delivered but the capture does not show' }] : [];
    document.getElementById('summary').innerHTML =
      '<p class="totals">' + plural(pk, 'TCP packet') + ', ' + plural(conns, 'connection') +
      (files.length > 1 ? ' in ' + files.length + ' files' : '') + '; ' + recs.length +
      ' in the table. Click a bar to list its connections, a row to draw it (keys: \u2191 \u2193 ' +
      'next and previous, Esc close, / search).</p>' +
      bars('Anomalies (connections)', an, recs.length) +
      bars('Final states: client / server', pl, recs.length) +
      '<div class="chart"><h3>Capture gaps (estimate)</h3>' +
      (gaps ? bars('', gapItems, 0).replace('<h3></h3>', '') : '<p>the capture shows no sign of missed segments</p>') +
      '</div>';
  }

  /* ---------------------------------------------------------- hosts */

  /* Per host, its sockets in each state over time (report_html.c writes
   * the hosts with warnings and the few holding the most, report_hosts.c
   * the data): a stacked step chart in the timeline's fills, drawn when its
   * entry is first opened. */
  var HOSTS = [].map.call(document.querySelectorAll('script.tcpl-hosts'), json);

  function hostChart(h, spanUs) {
    var W = D.WIDTH, H = 150, X0 = 56, X1 = W - 12, Y0 = 12, Y1 = H - 22;
    var ser = h.series, top = 1, i, s;
    for (i = 0; i < ser.length; i++) {
      var sum = 0;
      for (s = 1; s < ser[i].length; s++) sum += ser[i][s];
      if (sum > top) top = sum;
    }
    var end = Math.max(spanUs, ser.length ? ser[ser.length - 1][0] : 0, 1);
    function x(us) { return X0 + (X1 - X0) * Math.max(0, us) / end; }
    function y(n) { return Y1 - (Y1 - Y0) * n / top; }
    var out = '<svg class="hostchart" width="' + W + '" height="' + H + '" font-size="' + D.FONT +
      '"><rect x="' + X0 + '" y="' + Y0 + '" width="' + (X1 - X0) + '" height="' + (Y1 - Y0) +
      '" fill="none" stroke="#bbb"/>';
    var used = {};
    for (i = 0; i + 1 < ser.length; i++) {
      var xa = x(ser[i][0]), xb = x(ser[i + 1][0]), base = 0;
      if (xb - xa < 0.2) continue;
      for (s = 1; s < ser[i].length; s++) {
        var n = ser[i][s];
        if (!n) continue;
        var name = P.states[s - 1];
        used[name] = true;
        out += '<rect class="band" data-state="' + name + '" x="' + f1(xa) + '" y="' + f1(y(base + n)) +
          '" width="' + f1(xb - xa) + '" height="' + f1(y(base) - y(base + n)) + '" fill="url(#tcpl-s-' +
          name + ')"><title>' + name + ' ' + n + ' from ' + fmtUs(ser[i][0]) + '</title></rect>';
        base += n;
      }
    }
    out += '<text x="' + (X0 - 4) + '" y="' + (Y0 + 10) + '" text-anchor="end">' + top + '</text>' +
      '<text x="' + (X0 - 4) + '" y="' + Y1 + '" text-anchor="end">0</text>' +
      '<text x="' + X0 + '" y="' + (H - 6) + '">0</text>' +
      '<text x="' + X1 + '" y="' + (H - 6) + '" text-anchor="end">' + fmtUs(end) + '</text>';
    var lx = X0 + 40;
    P.states.forEach(function (name) {
      if (!used[name]) return;
      out += '<rect x="' + lx + '" y="' + (H - 16) + '" width="12" height="10" fill="url(#tcpl-s-' +
        name + ')" stroke="#333" stroke-width="0.6"/><text x="' + (lx + 16) + '" y="' + (H - 7) + '">' +
        name + '</text>';
      lx += 24 + name.length * D.CHAR_W;
    });
    return out + '</svg>';
  }

  function hostsSection() {
    var html = '', k = 0;
    HOSTS.forEach(function (hs, f) {
      if (!hs.drawn.length) return;
      var file = files[f] || { name: '', span_us: 0 };
      html += '<div class="chart hosts"><h3>Hosts: sockets per state over time (netstat from the wire' +
        (files.length > 1 ? ', ' + esc(file.name) : '') + '; a sample every ' + fmtUs(hs.interval_us) +
        ')</h3>' + (hs.incomplete ? '<p class="err">out of memory: some connections are not counted</p>' : '');
      hs.drawn.forEach(function (h) {
        var warn = h.warnings.map(function (w) { return w[0]; }).join(', ');
        html += '<details class="host" data-file="' + f + '" data-i="' + k + '" data-host="' + esc(h.host) +
          '"><summary><b>' + esc(h.host) + '</b>: ' + plural(h.held, 'socket') + ' at the end, at most ' +
          h.peak + (warn ? ' \u00b7 <span class="err">' + warn + '</span>' : '') + '</summary></details>';
        h.k = k++;
      });
      if (hs.hosts > hs.drawn.length)
        html += '<p>' + (hs.hosts - hs.drawn.length) + ' more hosts: tcp-lifecycle report --hosts lists ' +
          'every one</p>';
      html += '</div>';
    });
    if (!html) return;
    var div = document.createElement('div');
    div.id = 'hosts';
    div.innerHTML = html;
    document.getElementById('summary').appendChild(div);
    div.addEventListener('toggle', function (e) {
      var d = e.target, name = d.getAttribute('data-host');
      if (d.open) {
        drawHost(d);
        if (state.host !== name) { state.host = name; writeHash(); }
      } else if (state.host === name) {
        state.host = ''; writeHash();
      }
    }, true);
  }

  /* The chart of an opened entry, once. */
  function drawHost(d) {
    if (d.getAttribute('data-drawn')) return;
    var f = Number(d.getAttribute('data-file')), h = null;
    HOSTS[f].drawn.forEach(function (x) { if (x.k === Number(d.getAttribute('data-i'))) h = x; });
    if (!h) return;
    d.setAttribute('data-drawn', '1');
    d.insertAdjacentHTML('beforeend', h.warnings.map(function (w) {
      return '<p class="events"><b>' + w[0] + '</b>: ' + esc(w[1]) + '</p>';
    }).join('') + hostChart(h, (files[f] || {}).span_us || 0));
  }

  /* #host=ADDR opens that host's chart (the first file's, with several). */
  function openHost() {
    if (!state.host) return;
    var ds = document.querySelectorAll('details.host');
    for (var i = 0; i < ds.length; i++)
      if (ds[i].getAttribute('data-host') === state.host) {
        drawHost(ds[i]);
        ds[i].open = true;
        return;
      }
  }

  /* ---------------------------------------------------------- table */

  var ROWH = 22, tableEl, vp, spacer, headEl, countEl, detailEl;
  var grid = COLS.map(function (c, i) {
    return i === COLS.length - 1 ? 'minmax(' + c.w + 'px,1fr)' : c.w + 'px';
  }).join(' ');

  function controls() {
    var c = document.getElementById('controls');
    var used = P.anomalies.filter(function (a, i) {
      return recs.some(function (r) { return r[MASK] & (1 << i); });
    });
    c.innerHTML = '<label>search endpoints <input id="q" type="search" placeholder="10.0.0.1:443"></label> ' +
      '<label>anomaly <select id="fa"><option value="">any</option>' +
      used.map(function (a) { return '<option>' + a + '</option>'; }).join('') + '</select></label> ' +
      '<label>final state <select id="fs"><option value="">any</option>' +
      P.states.map(function (s) { return '<option>' + s + '</option>'; }).join('') + '</select></label> ' +
      '<span id="pair"></span> <span id="count"></span>';
    countEl = document.getElementById('count');
    document.getElementById('q').addEventListener('input', function (e) {
      state.q = e.target.value; update(false);
    });
    document.getElementById('fa').addEventListener('change', function (e) {
      state.anomaly = e.target.value; update(false);
    });
    document.getElementById('fs').addEventListener('change', function (e) {
      state.state = e.target.value; update(false);
    });
  }

  function table() {
    tableEl = document.getElementById('table');
    tableEl.innerHTML = '<div class="thead" style="grid-template-columns:' + grid + '"></div>' +
      '<div class="vp"><div class="spacer"></div></div><div id="detail"></div>';
    headEl = tableEl.firstChild;
    vp = tableEl.children[1];
    spacer = vp.firstChild;
    detailEl = document.getElementById('detail');
    headEl.addEventListener('click', function (e) {
      var k = e.target.getAttribute('data-key');
      if (!k) return;
      state.sort = state.sort === k ? '-' + k : k;
      update(false);
    });
    vp.addEventListener('scroll', function () { requestAnimationFrame(paint); });
    spacer.addEventListener('click', function (e) {
      var row = e.target.closest('.row');
      if (!row) return;
      var k = row.getAttribute('data-key');
      state.open = state.open === k ? '' : k;
      update(true);
    });
  }

  var painted = '';
  function paint() {
    var first = Math.max(0, Math.floor(vp.scrollTop / ROWH) - 5);
    var last = Math.min(view.length, first + Math.ceil((vp.clientHeight || 600) / ROWH) + 10);
    var sig = first + ':' + last + ':' + state.open;
    if (sig === painted) return;
    painted = sig;
    var html = '';
    for (var i = first; i < last; i++) {
      var r = recs[view[i]], k = rowKey(r);
      html += '<div class="row' + (r[MASK] ? ' bad' : '') + (k === state.open ? ' open' : '') +
        '" data-key="' + esc(k) + '" style="top:' + i * ROWH + 'px;grid-template-columns:' + grid + '">' +
        COLS.map(function (c) { return '<span>' + esc(c.show(r)) + '</span>'; }).join('') + '</div>';
    }
    spacer.innerHTML = html;
  }

  function detail() {
    if (!state.open) { detailEl.innerHTML = ''; return; }
    var r = null;
    for (var i = 0; i < recs.length && !r; i++) if (rowKey(recs[i]) === state.open) r = recs[i];
    if (!r) {
      detailEl.innerHTML = '<p class="err">no connection ' + esc(state.open) + ' in this report</p>';
      return;
    }
    decode(r);
    var ev = r[EV], list = '', file = files[r[FILE]] ? files[r[FILE]].name : '';
    for (var e = 0; e < ev.length; e += 6)
      list += '<li><b>' + P.anomalies[ev[e]] + '</b> (' + where(ev[e + 2], ev[e + 3]) + '): ' +
        esc(STR[ev[e + 5]]) + '</li>';
    detailEl.innerHTML = '<div class="dhead"><b>stream ' + streamId(r) + '</b>' +
      (files.length > 1 ? ' of ' + esc(file) : '') + ': ' + role(r, 0) + ' ' +
      esc(ep(r, 0)) + ' \u2192 ' + role(r, 1) + ' ' + esc(ep(r, 1)) + ' \u00b7 ' + r[PKTS] +
      ' packets, frames ' + r[FFRAME] + '\u2013' + r[LFRAME] + ' \u00b7 ' + fmtUs(r[DUR]) +
      (r[ROLES] === 1 ? ' \u00b7 roles guessed from the ports' : '') +
      (r.length > TUNNEL ? ' \u00b7 tunnel ' + esc(STR[r[TUNNEL]]) : '') +
      (r[DROP] ? ' \u00b7 <span class="err">' + r[DROP] + ' entries not kept (too many)</span>' : '') +
      ' <a href="#" id="save">save as SVG</a></div>' +
      (list ? '<ul class="events">' + list + '</ul>' : '') +
      '<div class="pics" id="pics">' + timeline(r) + ladder(r) + '</div>' +
      '<p class="cmd">Same picture from the command line: <code>tcp-lifecycle report --format svg --stream ' +
      streamId(r) + ' ' + esc(file) + '</code> (add --pcap for a capture file)</p>';
    document.getElementById('save').addEventListener('click', function (ev2) {
      ev2.preventDefault();
      var defs = document.querySelector('svg[aria-hidden] defs').outerHTML;
      var tlh = D.TL_HEIGHT + 8, svgs = document.querySelectorAll('#pics > svg');
      var h = tlh + Number(svgs[1].getAttribute('height'));
      var doc = '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="' +
        D.WIDTH + '" height="' + h + '" font-family="DejaVu Sans, Verdana, Arial, sans-serif"><style>' +
        P.css + '</style>' + defs +
        '<rect width="100%" height="100%" fill="#fff"/>' + svgs[0].outerHTML +
        svgs[1].outerHTML.replace('<svg ', '<svg y="' + tlh + '" ') + '</svg>';
      var a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([doc], { type: 'image/svg+xml' }));
      a.download = 'stream-' + streamId(r) + '.svg';
      a.click();
    });
  }

  function update(scrollToOpen) {
    writeHash();
    refilter();
    headEl.innerHTML = COLS.map(function (c) {
      var s = state.sort === c.key ? ' \u25b2' : state.sort === '-' + c.key ? ' \u25bc' : '';
      return '<span data-key="' + c.key + '" title="sort by ' + c.title + '">' + c.title + s + '</span>';
    }).join('');
    spacer.style.height = view.length * ROWH + 'px';
    countEl.textContent = view.length + ' of ' + recs.length + ' connections';
    document.getElementById('q').value = state.q;
    document.getElementById('fa').value = state.anomaly;
    document.getElementById('fs').value = state.state;
    document.getElementById('pair').innerHTML = state.pair ?
      'final states ' + esc(state.pair.replace('/', ' / ')) + ' <a href="#" id="nopair">(all)</a>' : '';
    if (state.pair) document.getElementById('nopair').addEventListener('click', function (e) {
      e.preventDefault(); state.pair = ''; update(false);
    });
    body.setAttribute('data-visible', view.length);
    body.setAttribute('data-hash', location.hash); /* for tests reading the DOM */
    painted = '';
    if (scrollToOpen && state.open) {
      var at = -1;
      for (var i = 0; i < view.length && at < 0; i++) if (rowKey(recs[view[i]]) === state.open) at = i;
      if (at >= 0 && (at * ROWH < vp.scrollTop || at * ROWH > vp.scrollTop + vp.clientHeight - ROWH))
        vp.scrollTop = Math.max(0, at * ROWH - 2 * ROWH);
    }
    paint();
    detail();
    openHost();
  }

  window.addEventListener('hashchange', function () {
    state = readHash();
    update(true);
  });
  /* A summary bar replaces the filters but keeps the sort, and brings the
   * table into view. */
  document.getElementById('summary').addEventListener('click', function (e) {
    var a = e.target.closest('a.barrow');
    if (!a) return;
    e.preventDefault();
    var kv = a.getAttribute('href').slice(1).split('=');
    state.anomaly = state.state = state.pair = state.q = state.open = '';
    state[kv[0]] = decodeURIComponent(kv[1]);
    update(true);
    vp.scrollTop = 0;
    tableEl.scrollIntoView();
  });

  /* Keys: up and down open the previous or next row, Escape closes it,
   * / goes to the search field. */
  document.addEventListener('keydown', function (e) {
    var tag = e.target.tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === '/') { e.preventDefault(); document.getElementById('q').focus(); return; }
    if (e.key === 'Escape' && state.open) { state.open = ''; update(false); return; }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' || !view.length) return;
    e.preventDefault();
    var at = -1;
    for (var i = 0; i < view.length && at < 0; i++) if (rowKey(recs[view[i]]) === state.open) at = i;
    at = at < 0 ? 0 : Math.max(0, Math.min(view.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)));
    state.open = rowKey(recs[view[at]]);
    update(true);
  });

  state = readHash();
  document.title = 'TCP lifecycles: ' + (files.length > 3 ? files.length + ' files' :
    files.map(function (f) { return f.name.replace(/^.*\//, ''); }).join(', '));
  summary();
  hostsSection();
  controls();
  table();
  update(true);
  void tableEl.offsetHeight; /* layout included in the time to first render */
  /* Since navigation started (loading and parsing the page included), and
   * of that, this script's own part. */
  var now = window.performance ? performance.now() : 0;
  body.setAttribute('data-render-ms', now.toFixed(1));
  body.setAttribute('data-script-ms', (now - t0).toFixed(1));
  body.setAttribute('data-ready', '1');
}());
