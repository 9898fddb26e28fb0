#!/bin/bash
# degrade.sh - the degradation table of issue 8 (item 7), by hand.
#
# Builds tcpl_degrade and runs it over every captures/NAME.pcap that has a
# NAME.truth: each capture complete, with each packet removed in turn, with
# each lifecycle's last packet removed, with 5% random loss (seeds 1..20)
# and with one direction only, every copy scored against the kernel's
# truth.  Prints the whole table (right / wrong / unknown endpoint states,
# false anomalies, per class) and the most frequent failures.  ctest runs
# the same program per class with the issue's targets (ctest -R degrade);
# this script shows everything at once, whatever passes or fails.
#
# usage: bench/degrade.sh [-B BUILD_DIR] [--no-build] [tcpl_degrade options]
#   e.g. bench/degrade.sh -v               every failure, with its variant
#        bench/degrade.sh --per-capture    a row per capture and class
# Other options go to tcpl_degrade (--summary N, --class NAME, --assert ...;
# tcpl_degrade --help).  Needs cmake, a C compiler and libpcap's headers.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=$top/build-bench
do_build=1
summary=(--summary 15)
args=()

die() { echo "degrade.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
    case $1 in
    -B) [ $# -ge 2 ] || { echo "degrade.sh: -B needs a folder" >&2; exit 2; }
        build=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    -h|--help) sed -n 's/^# usage: /usage: /p' "$0"; exit 0 ;;
    --summary|--summary=*) summary=(); args+=("$1"); shift ;;
    *) args+=("$1"); shift ;;
    esac
done

if [ $do_build = 1 ]; then
    command -v cmake >/dev/null || die "needs cmake (or --no-build)"
    mkdir -p "$build"
    cmake -S "$top" -B "$build" >"$build/degrade-configure.log" 2>&1 ||
        die "cmake configure failed, see $build/degrade-configure.log"
    cmake --build "$build" --target tcpl_degrade -j"$(nproc)" \
        >"$build/degrade-build.log" 2>&1 ||
        die "build failed, see $build/degrade-build.log"
fi
prog=$build/tests/degrade/tcpl_degrade
[ -x "$prog" ] || die "$prog not built (libpcap missing? see $build/degrade-configure.log)"

echo "tcp.lifecycle degradation, $(date -u '+%Y-%m-%d %H:%M UTC'), tree at $(git -C "$top" describe --always --dirty 2>/dev/null || echo '?')"
exec "$prog" "${summary[@]}" "${args[@]}" "$top/captures"
