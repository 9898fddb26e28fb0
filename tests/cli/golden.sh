#!/bin/sh
# golden.sh TOOL DIR EXPECTED [REPORT-ARGS...]
# Run `TOOL report REPORT-ARGS` inside DIR (so file names in the output are
# the relative ones the expected file holds) and compare its standard output
# with DIR/EXPECTED.  TCPL_UPDATE_GOLDEN=1 rewrites EXPECTED instead; review
# the diff before committing it.
set -u
tool=$1 dir=$2 expected=$3
shift 3
cd "$dir" || exit 1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$tool" report "$@" > "$out"
rc=$?
if [ $rc -ne 0 ]; then
    echo "report exited $rc" >&2
    exit 1
fi
if [ "${TCPL_UPDATE_GOLDEN:-}" = 1 ]; then
    cp "$out" "$expected"
    echo "updated $dir/$expected"
    exit 0
fi
diff -u "$expected" "$out" || exit 1
# Text reports are for a 100-column terminal.
case $expected in
*.txt)
    awk 'length($0) > 100 { printf "line %d has %d columns\n", NR, length($0); bad = 1 }
         END { exit bad }' "$out" ;;
esac
