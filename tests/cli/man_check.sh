#!/bin/sh
# man_check.sh TOOL MANPAGE
# Every option --help names is documented in the man page, and the page
# renders without groff warnings.
set -u
tool=$1 page=$2
fail=0
opts=$("$tool" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
[ -n "$opts" ] || { echo "--help names no option"; exit 1; }
for o in $opts; do
    esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
    grep -q -- "$esc" "$page" || { echo "$o is in --help but not in $page"; fail=1; }
done
# groff is a dependency (scripts/packages): without it the page is unchecked.
command -v groff >/dev/null 2>&1 || { echo "groff is not installed"; exit 1; }
warn=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
[ -z "$warn" ] || { echo "groff: $warn"; fail=1; }
exit $fail
