#!/bin/sh
# expect.sh CODE PATTERN CMD [ARG...]
# Run CMD; pass only if it exits with CODE and its standard error matches
# the extended regular expression PATTERN.  Used by the usage tests.
set -u
code=$1 pattern=$2
shift 2
err=$(mktemp)
trap 'rm -f "$err"' EXIT
"$@" >/dev/null 2>"$err"
rc=$?
if [ "$rc" -ne "$code" ]; then
    echo "expected exit $code, got $rc from: $*" >&2
    cat "$err" >&2
    exit 1
fi
if ! grep -Eq -- "$pattern" "$err"; then
    echo "stderr does not match /$pattern/:" >&2
    cat "$err" >&2
    exit 1
fi
exit 0
