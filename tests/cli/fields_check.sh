#!/bin/sh
# fields_check.sh TOOL
# `fields` prints one line of "-e NAME" options, and tshark knows every
# NAME (with --plugin too, minus the plugin's own, which need the plugin).
set -u
tool=$1
known=$(mktemp)
trap 'rm -f "$known"' EXIT
tshark -G fields 2>/dev/null | cut -f3 > "$known"
[ -s "$known" ] || { echo "tshark -G fields printed nothing"; exit 1; }
line=$("$tool" fields) || exit 1
[ "$(printf '%s\n' "$line" | wc -l)" = 1 ] || { echo "not one line: $line"; exit 1; }
n=0
for w in $line; do
    [ "$w" = -e ] && continue
    grep -qx "$w" "$known" || { echo "tshark has no field $w"; exit 1; }
    n=$((n + 1))
done
[ $n -ge 13 ] || { echo "only $n fields: $line"; exit 1; }
plugin=$("$tool" fields --plugin) || exit 1
case $plugin in
"$line -e tcp.lifecycle.src_state -e tcp.lifecycle.dst_state -e tcp.lifecycle.anomaly") ;;
*) echo "--plugin does not add the three plugin columns: $plugin"; exit 1 ;;
esac
echo "$n fields, all known to tshark"
