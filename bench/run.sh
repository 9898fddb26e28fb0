#!/bin/bash
# run.sh - the speed benchmark of the plugin and the post-processor.
#
# Issues 2, 4 and 5 set speed targets relative to tshark itself, so every
# number here is a ratio of two programs measured in the same run on the same
# capture, with their repetitions interleaved (the order alternates between
# repetitions) so that drift in machine load or CPU clock hits both sides.
#
#   plain   tshark -r CAP -T fields -e tcp.stream -e tcp.flags, with no
#           plugin of ours loaded at all (the honest baseline)
#   plugin  the same plus -e tcp.lifecycle.src_state/dst_state/anomaly, with
#           the plugin loaded from the build tree
#   plain3  plain plus three of tshark's own string columns on every TCP
#           packet (tcp.flags.str, frame.protocols, eth.src_resolved), no
#           plugin: what printing three more string columns costs tshark
#           itself, the like-for-like baseline of plugin (informative)
#   pluginq the plugin loaded, printing only plain's fields (informative:
#           the plugin's own cost without tshark printing 3 more columns)
#   plain2 / plugin2   the same two with -2 (two-pass; informative)
#   export  tshark -T fields -E header=y $(tcp-lifecycle fields) > export.tsv
#   report  tcp-lifecycle report --format json export.tsv
#   pcap    tcp-lifecycle report --pcap CAP --format json
#
# tshark ignores WIRESHARK_PLUGIN_DIR when run as root, so every tshark runs
# as nobody through setpriv, each with its own plugin folder: an empty one
# for the baselines, one holding only tcp_lifecycle.so for the plugin runs.
# Neither loads Debian's bundled plugins, so the only difference between the
# two is our plugin.  Wall time comes from bash's EPOCHREALTIME, peak RSS
# from GNU time's %M (the process is tshark itself: setpriv and env exec it).
#
# usage: bench/run.sh [-n REPS] [-B BUILD_DIR] [--no-build] [CAPTURE]
# Without CAPTURE it uses BUILD_DIR/bench.pcap, making it first if missing.
# Needs: root, tshark, capinfos, setpriv (util-linux), GNU time
# (apt-get install time), cmake and a C compiler to build the project.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=$top/build-bench
reps=5
do_build=1
cap=
build_note=

die() { echo "run.sh: $*" >&2; exit 1; }
usage() { sed -n 's/^# usage: /usage: /p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
    -n) [ $# -ge 2 ] || usage
        [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le 50 ] ||
            { echo "run.sh: -n: expected an integer in 1..50, got '$2'" >&2; exit 2; }
        reps=$2; shift 2 ;;
    -B) [ $# -ge 2 ] || usage; build=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) [ -z "$cap" ] || usage; cap=$1; shift ;;
    esac
done

[ "$(id -u)" = 0 ] || die "run as root (tshark runs as nobody through setpriv)"
[ -x /usr/bin/time ] || die "needs GNU time: apt-get install time"
for tool in tshark capinfos setpriv awk; do
    command -v $tool >/dev/null || die "needs $tool"
done

# ---------------------------------------------------------------- build
if [ $do_build = 1 ]; then
    command -v cmake >/dev/null || die "needs cmake (or --no-build)"
    # Configure every time: the top level adds plugin/ and postproc/ only
    # when their CMakeLists.txt exist, which a stale cache would not notice.
    cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release >"$build/bench-configure.log" 2>&1 ||
        die "cmake configure failed, see $build/bench-configure.log"
    # Others' work in progress may break a target; measure what did build,
    # and say so in the results.
    keep_going=(-k)
    grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja' "$build/CMakeCache.txt" && keep_going=(-k 0)
    if ! cmake --build "$build" -j"$(nproc)" -- "${keep_going[@]}" >"$build/bench-build.log" 2>&1; then
        build_note="build had errors (see $build/bench-build.log): stale or missing binaries possible"
        echo "run.sh: warning: $build_note" >&2
    fi
fi
find_built() { # NAME: the build's own file, not run.sh's copies
    find "$build" -path "$build/bench-work" -prune -o -name "$1" -type f -print 2>/dev/null | head -1
}
plugin_so=$(find_built tcp_lifecycle.so)
cli=$(find_built tcp-lifecycle)

if [ -z "$cap" ]; then
    cap=$build/bench.pcap
    [ -f "$cap" ] || "$here/make-capture.sh" "$cap"
fi
[ -f "$cap" ] || die "$cap: no such capture"

# ------------------------------------------------------- work folder
work=$build/bench-work
rm -rf "$work"
mkdir -p "$work"
chmod 755 "$work"
ws_ver=$(tshark --version 2>/dev/null | sed -n '1s/.* \([0-9]*\.[0-9]*\)\.[0-9]*.*/\1/p')
none_dir=$work/plugins-none
tcpl_dir=$work/plugins-tcpl
mkdir -p "$none_dir/$ws_ver/epan" "$tcpl_dir/$ws_ver/epan"
chmod -R 755 "$none_dir" "$tcpl_dir"
if [ -n "$plugin_so" ]; then
    install -m 644 "$plugin_so" "$tcpl_dir/$ws_ver/epan/"
fi

# Command prefixes running a program as nobody with a given plugin folder
# (arrays, so that GNU time can exec them).
nobody_with() { # PLUGIN_DIR
    echo setpriv --reuid=nobody --regid=nogroup --clear-groups \
        env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME=/nonexistent \
        WIRESHARK_PLUGIN_DIR="$1"
}
read -r -a nb_none <<<"$(nobody_with "$none_dir")"
read -r -a nb_tcpl <<<"$(nobody_with "$tcpl_dir")"
as_nobody() { # PLUGIN_DIR CMD...
    local dir=$1; shift
    if [ "$dir" = "$tcpl_dir" ]; then "${nb_tcpl[@]}" "$@"; else "${nb_none[@]}" "$@"; fi
}

# The capture must be readable by nobody (every folder on its path too).
if ! as_nobody "$none_dir" test -r "$cap"; then
    cp "$cap" "$work/bench.pcap"
    chmod 644 "$work/bench.pcap"
    cap=$work/bench.pcap
    as_nobody "$none_dir" test -r "$cap" ||
        die "nobody cannot read $cap (is $build traversable, mode o+x?)"
fi

# ---------------------------------------------- what is there to measure
# has_protocol FILTER FILE: FILE (tshark -G protocols) lists FILTER.  The
# filter name is the third column; Wireshark 4.4 and later print more.
has_protocol() {
    awk -F'\t' -v p="$1" '$3 == p { f = 1 } END { exit !f }' "$2"
}
have_plugin=0
if [ -n "$plugin_so" ]; then
    # Into a file, not a pipe: grep -q quitting early would SIGPIPE tshark.
    as_nobody "$tcpl_dir" tshark -G protocols >"$work/protocols.tcpl" 2>/dev/null || true
    has_protocol tcp_lifecycle "$work/protocols.tcpl" ||
        die "$plugin_so does not load in tshark (checked with tshark -G protocols as nobody)"
    have_plugin=1
fi
as_nobody "$none_dir" tshark -G protocols >"$work/protocols.none" 2>/dev/null || true
has_protocol udp "$work/protocols.none" || die "tshark -G protocols failed as nobody"
if has_protocol tcp_lifecycle "$work/protocols.none"; then
    die "the baseline loads tcp_lifecycle anyway (installed in a system plugin folder?)"
fi
have_cli=0
fields=
if [ -n "$cli" ] && fields=$("$cli" fields 2>/dev/null) && [ -n "$fields" ]; then
    have_cli=1
fi
have_pcap=0
if [ $have_cli = 1 ] && "$cli" report --pcap "$cap" --format json >/dev/null 2>"$work/pcap-probe.err"; then
    have_pcap=1
fi

packets=$(capinfos -M -c -T -r "$cap" | cut -f2)

# ------------------------------------------------------------ measuring
samples=$work/samples.tsv
: >"$samples"

# measure NAME OUTFILE CMD...: one timed run, stdout to OUTFILE.
measure() {
    local name=$1 out=$2; shift 2
    local t0 t1 rc=0
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%e %M %U %S' -o "$work/time.$name" "$@" >"$out" 2>"$work/stderr.$name" || rc=$?
    t1=$EPOCHREALTIME
    if [ $rc != 0 ]; then
        echo "run.sh: $name failed (exit $rc):" >&2
        head -5 "$work/stderr.$name" >&2
        exit 1
    fi
    local rss cpu
    rss=$(tail -1 "$work/time.$name" | awk '{print $2}')
    cpu=$(tail -1 "$work/time.$name" | awk '{print $3 + $4}')
    awk -v n="$name" -v a="$t0" -v b="$t1" -v r="$rss" -v c="$cpu" \
        'BEGIN { printf "%s\t%.6f\t%d\t%.2f\n", n, b - a, r, c }' >>"$samples"
}

base_fields=(-e tcp.stream -e tcp.flags)
tcpl_fields=(-e tcp.lifecycle.src_state -e tcp.lifecycle.dst_state -e tcp.lifecycle.anomaly)

run_plain()   { measure plain   "$work/plain.out"   "${nb_none[@]}" tshark -r "$cap" -T fields "${base_fields[@]}"; }
run_plugin()  { measure plugin  "$work/plugin.out"  "${nb_tcpl[@]}" tshark -r "$cap" -T fields "${base_fields[@]}" "${tcpl_fields[@]}"; }
str_fields=(-e tcp.flags.str -e frame.protocols -e eth.src_resolved)
run_plain3()  { measure plain3  "$work/plain3.out"  "${nb_none[@]}" tshark -r "$cap" -T fields "${base_fields[@]}" "${str_fields[@]}"; }
run_pluginq() { measure pluginq "$work/pluginq.out" "${nb_tcpl[@]}" tshark -r "$cap" -T fields "${base_fields[@]}"; }
run_plain2()  { measure plain2  "$work/plain2.out"  "${nb_none[@]}" tshark -2 -r "$cap" -T fields "${base_fields[@]}"; }
run_plugin2() { measure plugin2 "$work/plugin2.out" "${nb_tcpl[@]}" tshark -2 -r "$cap" -T fields "${base_fields[@]}" "${tcpl_fields[@]}"; }
# shellcheck disable=SC2086  # $fields is the option list the CLI prints
run_export()  { measure export  "$work/export.tsv"  "${nb_none[@]}" tshark -r "$cap" -T fields -E header=y -E separator=/t $fields; }
run_report()  { measure report  "$work/report.json" "$cli" report --format json "$work/export.tsv"; }
run_pcap()    { measure pcap    "$work/pcap.json"   "$cli" report --pcap "$cap" --format json; }

# Checks that a plugin run really carried the plugin's columns.
check_plugin_out() {
    local f=$1 n
    n=$(awk -F'\t' '$3 != ""' "$f" | wc -l)
    [ "$n" -gt 0 ] || die "$(basename "$f"): tcp.lifecycle.src_state is empty on every line: plugin not working"
    echo "$n"
}

load0=$(cut -d' ' -f1 /proc/loadavg)
echo "run.sh: $packets packets, $reps repetitions; warming up" >&2
cat "$cap" >/dev/null
as_nobody "$none_dir" tshark -r "$cap" -T fields -e tcp.stream -c 1000 >/dev/null

for ((i = 1; i <= reps; i++)); do
    echo "run.sh: repetition $i/$reps" >&2
    if [ $have_plugin = 1 ]; then
        if ((i % 2)); then run_plain; run_plugin; run_pluginq; run_plain3; else run_plain3; run_pluginq; run_plugin; run_plain; fi
        if ((i % 2)); then run_plain2; run_plugin2; else run_plugin2; run_plain2; fi
    else
        run_plain; run_plain2
    fi
    if [ $have_cli = 1 ]; then
        run_export; run_report
        [ $have_pcap = 0 ] || run_pcap
    fi
done

# --------------------------------------------------------------- checks
plain_lines=$(wc -l <"$work/plain.out")
[ "$plain_lines" = "$packets" ] || echo "run.sh: note: plain printed $plain_lines lines for $packets packets" >&2
streams=$(awk -F'\t' '$1 != "" && $1 + 1 > m { m = $1 + 1 } END { print m + 0 }' "$work/plain.out")
annotated=n/a; annotated2=n/a
if [ $have_plugin = 1 ]; then
    annotated=$(check_plugin_out "$work/plugin.out")
    annotated2=$(check_plugin_out "$work/plugin2.out")
fi
export_lines=n/a; same_json=n/a
if [ $have_cli = 1 ]; then
    export_lines=$(($(wc -l <"$work/export.tsv") - 1))
    [ -s "$work/report.json" ] || die "report printed nothing"
    if [ $have_pcap = 1 ]; then
        # The inputs differ in name, kind and line count; the streams must not.
        norm() { sed -E 's/"file":"[^"]*",//; s/"kind":"[^"]*",//; s/"lines":[0-9]+,//' "$1"; }
        ndiff=$(diff <(norm "$work/report.json") <(norm "$work/pcap.json") | grep -c '^<' || true)
        if [ "$ndiff" = 0 ]; then same_json="same streams and totals ($(($(wc -l <"$work/pcap.json") - 1)) streams)"
        else same_json="DIFFERENT in $ndiff of $(wc -l <"$work/pcap.json") lines"; fi
    fi
fi

# -------------------------------------------------------------- results
med() { # VARIANT COLUMN -> median
    awk -F'\t' -v v="$1" -v c="$2" '$1 == v { print $c }' "$samples" | sort -g |
        awk '{ a[NR] = $1 } END { if (!NR) { print "nan"; exit }
              print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
range() { # VARIANT -> "min-max" wall
    awk -F'\t' -v v="$1" '$1 == v { if (!n++ || $2 < lo) lo = $2; if ($2 > hi) hi = $2 }
        END { if (n) printf "%.3f-%.3f", lo, hi; else printf "-" }' "$samples"
}
# paired NUM DEN COLUMN: median over repetitions of NUM_i / DEN_i, the two
# runs of one repetition being next to each other in time.
paired() {
    awk -F'\t' -v a="$1" -v b="$2" -v c="$3" '$1 == a { x[++na] = $c } $1 == b { y[++nb] = $c }
        END { for (i = 1; i <= na && i <= nb; i++) if (y[i] > 0) print x[i] / y[i] }' "$samples" |
        sort -g | awk '{ a[NR] = $1 } END { if (!NR) { print "n/a"; exit }
            printf "%.3f\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) print "n/a"; else printf "%.3f", a / b }'; }
verdict() { # VALUE OP LIMIT
    awk -v x="$1" -v op="$2" -v l="$3" 'BEGIN { if (x == "n/a") { print "n/a"; exit }
        ok = (op == "<=") ? (x + 0 <= l + 0) : (x + 0 >= l + 0); print ok ? "PASS" : "FAIL" }'
}

results=$work/results.txt
{
    echo "tcp.lifecycle benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine:  $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
    echo "tshark:   $(tshark --version 2>/dev/null | head -1)"
    echo "capture:  $cap: $packets packets, $streams TCP streams, $(stat -c %s "$cap") bytes"
    echo "runs:     $reps repetitions each, interleaved; medians (wall: min-max);"
    echo "          'paired' = median of the per-repetition ratios; verdicts use the medians"
    echo "load:     1-min load average $load0 before, $(cut -d' ' -f1 /proc/loadavg) after (other work on the machine inflates wall times)"
    echo
    printf '%-9s %10s %17s %13s %10s\n' variant "wall s" "(min-max)" "peak RSS MB" "CPU s"
    for v in plain plugin pluginq plain3 plain2 plugin2 export report pcap; do
        w=$(med $v 2)
        [ "$w" != nan ] || continue
        printf '%-9s %10.3f %17s %13.1f %10.2f\n' $v "$w" "$(range $v)" \
            "$(awk -v k="$(med $v 3)" 'BEGIN { print k / 1024 }')" "$(med $v 4)"
    done
    echo
    r_wall=$(ratio "$(med plugin 2)" "$(med plain 2)")
    r_rss=$(ratio "$(med plugin 3)" "$(med plain 3)")
    r_cpu=$(ratio "$(med plugin 4)" "$(med plain 4)")
    r_wall2=$(ratio "$(med plugin2 2)" "$(med plain2 2)")
    r_rss2=$(ratio "$(med plugin2 3)" "$(med plain2 3)")
    r_rep=$(ratio "$(med report 2)" "$(med export 2)")
    lps=n/a
    [ $have_cli = 0 ] || lps=$(awk -v l="$export_lines" -v t="$(med report 2)" 'BEGIN { printf "%.0f", l / t }')
    speedup=n/a
    [ $have_pcap = 0 ] || speedup=$(ratio "$(awk -v a="$(med export 2)" -v b="$(med report 2)" 'BEGIN { print a + b }')" "$(med pcap 2)")
    row() { printf '%-42s %9s %9s  %s\n' "$@"; }
    row ratio "medians" "paired" target
    row "plugin/plain wall (one pass)" "$r_wall" "$(paired plugin plain 2)" "<= 1.10 $(verdict "$r_wall" '<=' 1.10)"
    row "plugin/plain peak RSS (one pass)" "$r_rss" "$(paired plugin plain 3)" "<= 1.20 $(verdict "$r_rss" '<=' 1.20)"
    row "plugin/plain CPU user+sys (one pass)" "$r_cpu" "$(paired plugin plain 4)" "informative, robust to load"
    row "pluginq/plain wall (plugin, no lc fields)" "$(ratio "$(med pluginq 2)" "$(med plain 2)")" "$(paired pluginq plain 2)" "informative: cost without printing"
    row "plain3/plain wall (3 string columns more)" "$(ratio "$(med plain3 2)" "$(med plain 2)")" "$(paired plain3 plain 2)" "informative: tshark printing 3 strings"
    row "plugin/plain3 wall (like for like)" "$(ratio "$(med plugin 2)" "$(med plain3 2)")" "$(paired plugin plain3 2)" "informative: same columns printed"
    row "plugin2/plain2 wall (two pass, -2)" "$r_wall2" "$(paired plugin2 plain2 2)" "informative"
    row "plugin2/plain2 peak RSS (two pass, -2)" "$r_rss2" "$(paired plugin2 plain2 3)" "informative"
    row "report/export wall" "$r_rep" "$(paired report export 2)" "<= 0.10 $(verdict "$r_rep" '<=' 0.10)"
    row "report lines/s ($export_lines lines)" "$lps" "" ">= 2000000 $(verdict "$lps" '>=' 2000000)"
    lps_best=n/a
    [ $have_cli = 0 ] || lps_best=$(awk -F'\t' -v l="$export_lines" '$1 == "report" && (!n++ || $2 < m) { m = $2 }
        END { printf "%.0f", l / m }' "$samples")
    row "report lines/s, fastest run" "$lps_best" "" "informative: short runs suffer most from load"
    row "(export+report)/pcap wall: pcap speedup" "$speedup" "" "informative"
    echo
    echo "checks:   plugin annotated $annotated/$packets lines (one pass), $annotated2 (two pass);"
    echo "          report --pcap vs export path JSON: $same_json"
    [ -z "$build_note" ] || echo "          $build_note"
    [ $have_plugin = 1 ] || echo "          plugin not built: plugin rows missing"
    [ $have_cli = 1 ] || echo "          tcp-lifecycle not built: export/report rows missing"
    [ $have_cli = 0 ] || [ $have_pcap = 1 ] || echo "          report --pcap failed: $(head -1 "$work/pcap-probe.err")"
} | tee "$results"
echo "run.sh: samples in $samples, table in $results" >&2
