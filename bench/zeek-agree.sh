#!/bin/sh
# zeek-agree.sh [ZEEK_DEV_DIR] - build the CLI and measure its agreement
# with Zeek on Zeek's own test traces (bench/zeek_agree.py does the
# measuring and holds the table of known differences).  The traces live
# beside the checkout, in ../shared/zeek-dev, which CI has and a clone does
# not: without them this says it is skipped and exits 0.  With them, it
# asserts the targets (exit 1 when they are missed).
set -eu
cd "$(dirname "$0")/.."
zd=${1:-../shared/zeek-dev}
if [ ! -f "$zd/conn.tsv" ] || [ ! -d "$zd/traces" ]; then
    echo "zeek-agree: skipped: no Zeek development set at $zd"
    exit 0
fi
cmake -S . -B build-zeek -DTCPL_WERROR=ON >/dev/null
cmake --build build-zeek -j2 --target tcp-lifecycle >/dev/null
python3 bench/zeek_agree.py build-zeek/postproc/tcp-lifecycle "$zd" --check
