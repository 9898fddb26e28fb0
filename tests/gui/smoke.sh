#!/bin/sh
# smoke.sh PLUGIN_DIR SOURCE_DIR OUT_DIR [CAPTURE] - the Wireshark GUI with
# the plugin, as a user would start it: Wireshark (Qt) under Xvfb, as the
# unprivileged user (as root Wireshark ignores personal and
# WIRESHARK_PLUGIN_DIR plugins), opens CAPTURE (default
# captures/close_wait_rst.pcap) with the display filter
# tcp.lifecycle.anomaly, and must stay up.  With plugin/profile/ present the
# profile is copied into the user's profiles folder as "TCP lifecycle" and
# selected (-C).  Checks:
#   - Xvfb starts and Wireshark opens a window titled after the capture;
#   - no other top-level window shows up (an error dialog, such as the one
#     for a display filter naming a field the plugin did not register);
#   - Wireshark is still running after the file is loaded and the filter
#     applied, and again after the screenshot;
#   - the screenshot (OUT_DIR/gui-smoke.png, kept as the test's artifact) is
#     not blank.
# The packet matching the filter is selected (-g) and its TCP lifecycle
# subtree expanded with keystrokes, so the screenshot shows the packet list
# and the plugin's tree.  Every process is killed on exit, and each wait is
# bounded (TCPL_GUI_TIMEOUT seconds, default 60, for the window).
set -eu
plugdir=$1 src=$2 out=$3
cap=${4:-$src/captures/close_wait_rst.pcap}
filter=tcp.lifecycle.anomaly
limit=${TCPL_GUI_TIMEOUT:-60}
me=gui.smoke
unpriv=$src/tests/lib/unprivileged

xvfb_pid= ws_pid=
work=$(mktemp -d /tmp/tcpl-gui.XXXXXX)
chmod 755 "$work"
cleanup() {
    for p in $ws_pid $xvfb_pid; do
        kill "$p" 2>/dev/null || true
    done
    sleep 1
    for p in $ws_pid $xvfb_pid; do
        kill -9 "$p" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
die() {
    echo "FAIL: $me: $*" >&2
    for f in "$work/wireshark.err" "$work/xvfb.err"; do
        [ -s "$f" ] && { echo "--- $(basename "$f"):" >&2; tail -n 20 "$f" >&2; }
    done
    exit 1
}

mkdir -p "$out"
rm -f "$out/gui-smoke.png"
[ -d "$plugdir" ] || die "plugin folder $plugdir does not exist"
cp "$cap" "$work/" && chmod 644 "$work/$(basename "$cap")"
capfile=$work/$(basename "$cap")
home=$work/home
mkdir -p "$home/run"
chmod 700 "$home/run"
set --
if [ -f "$src/plugin/profile/install.sh" ]; then
    # As scripts/setup installs it.
    sh "$src/plugin/profile/install.sh" "$home/.config/wireshark/profiles" >"$work/profile.log" 2>&1 ||
        die "plugin/profile/install.sh failed: $(cat "$work/profile.log")"
    set -- -C "TCP lifecycle"
elif [ -d "$src/plugin/profile" ]; then
    mkdir -p "$home/.config/wireshark/profiles"
    cp -R "$src/plugin/profile" "$home/.config/wireshark/profiles/TCP lifecycle"
    set -- -C "TCP lifecycle"
fi
# Window geometry (no window manager under Xvfb, so Wireshark's own size
# would be small) and no bytes pane, so the packet list and the details fill
# the screenshot.  A profile's own "recent" file is left as it is.
conf=$home/.config/wireshark
mkdir -p "$conf"
printf '%s\n' 'gui.geometry_main_x: 0' 'gui.geometry_main_y: 0' \
    'gui.geometry_main_width: 1280' 'gui.geometry_main_height: 1024' \
    'gui.geometry_main_maximized: FALSE' >"$conf/recent_common"
profdir=$conf
[ $# -eq 0 ] || profdir="$conf/profiles/TCP lifecycle"
[ -f "$profdir/recent" ] || printf '%s\n' 'gui.byte_view_show: FALSE' >"$profdir/recent"
[ "$(id -u)" != 0 ] || chown -R nobody:nogroup "$home"

# Xvfb picks a free display itself and writes its number to fd 3; under
# `timeout` so that it cannot outlive a killed test either.
timeout -k 5 $((limit * 4)) Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.err" &
xvfb_pid=$!
i=0
while [ ! -s "$work/display" ]; do
    kill -0 "$xvfb_pid" 2>/dev/null || die "Xvfb exited"
    i=$((i + 1))
    [ "$i" -le $((limit * 10)) ] || die "Xvfb did not start in $limit s"
    sleep 0.1
done
DISPLAY=:$(head -n 1 "$work/display")
export DISPLAY

# Under `timeout` as well, so that Wireshark cannot outlive a killed test.
env HOME="$home" XDG_RUNTIME_DIR="$home/run" XDG_CONFIG_HOME="$home/.config" \
    WIRESHARK_PLUGIN_DIR="$plugdir" \
    timeout -k 5 $((limit * 3)) "$unpriv" \
    wireshark "$@" -r "$capfile" -Y "$filter" >"$work/wireshark.out" 2>"$work/wireshark.err" &
ws_pid=$!

# windows: names of the mapped top-level windows, one a line.
windows() {
    xdotool search --onlyvisible --name '.' 2>/dev/null | while read -r w; do
        xdotool getwindowname "$w" 2>/dev/null || true
    done | sed '/^$/d'
}
name=$(basename "$cap")
i=0
until windows | grep -qF "$name"; do
    kill -0 "$ws_pid" 2>/dev/null || die "Wireshark exited before opening $name"
    i=$((i + 1))
    [ "$i" -le $((limit * 2)) ] || die "no Wireshark window for $name in $limit s (windows: $(windows | tr '\n' '|'))"
    sleep 0.5
done
# Let it read the file, filter and draw.
sleep 3
kill -0 "$ws_pid" 2>/dev/null || die "Wireshark exited after opening $name"
others=$(windows | grep -vF "$name" || true)
[ -z "$others" ] || die "unexpected window(s), an error dialog?: $(echo "$others" | tr '\n' '|')"

# Expand the plugin's subtree of the first matching packet: the details
# pane's last top-level item is the postdissector's.
win=$(xdotool search --onlyvisible --name "$name" | head -n 1)
xdotool windowactivate --sync "$win" 2>/dev/null || xdotool windowfocus --sync "$win" || true
# Focus the details pane with a click in its empty lower part (the window
# sits at 0,0 at 1280x1024, see recent_common), then End selects its last
# top-level item (Down first: End alone does not move before a row is
# current) and Shift+Right expands it with all its subtrees.
xdotool mousemove 640 980 click 1 2>/dev/null || true
sleep 0.5
for k in ${TCPL_GUI_KEYS:-Down End shift+Right}; do
    xdotool key "$k" 2>/dev/null || true
    sleep 0.3
done
sleep 2

import -window root "$out/gui-smoke.png" 2>"$work/import.err" ||
    die "screenshot failed: $(cat "$work/import.err")"
kill -0 "$ws_pid" 2>/dev/null || die "Wireshark exited during the screenshot"
colours=$(identify -format '%k' "$out/gui-smoke.png" 2>/dev/null || echo 0)
[ "$colours" -ge 16 ] || die "the screenshot is blank ($colours colours)"
sleep 2
kill -0 "$ws_pid" 2>/dev/null || die "Wireshark did not stay up"
echo "$me: Wireshark showed $name with $filter ($*) and stayed up; screenshot $out/gui-smoke.png"
