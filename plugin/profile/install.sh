#!/bin/sh
# install.sh - install the "TCP lifecycle" configuration profile.
#
# usage: plugin/profile/install.sh [PROFILES_DIR]
#
# PROFILES_DIR defaults to the personal profiles folder tshark names
# (`tshark -G folders`, "Personal configuration", plus /profiles).  The
# profile's colorfilters get Wireshark's default colouring rules (from the
# global configuration folder) appended after ours, because a profile's own
# colorfilters replaces the defaults.  An existing profile of that name is
# replaced (its files only).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
folders=$(tshark -G folders 2>/dev/null || true)
dest=${1:-}
if [ -z "$dest" ]; then
    conf=$(printf '%s\n' "$folders" | awk -F'\t' '/^Personal configuration:/ { print $2 }')
    [ -n "$conf" ] || { echo "install.sh: tshark -G folders names no personal configuration folder" >&2; exit 1; }
    dest=$conf/profiles
fi
prof="$dest/TCP lifecycle"
mkdir -p "$prof"
cp "$here/preferences" "$here/dfilter_buttons" "$prof/"
global=$(printf '%s\n' "$folders" | awk -F'\t' '/^Global configuration:/ { print $2 }')
{
    cat "$here/colorfilters"
    if [ -n "$global" ] && [ -f "$global/colorfilters" ]; then
        grep -v '^#' "$global/colorfilters"
    fi
} >"$prof/colorfilters"
echo "install.sh: profile in $prof"
