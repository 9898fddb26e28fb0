#!/bin/sh
# check_deb.sh SOURCE_DIR WORK_DIR - build the Debian package with
# scripts/package, unpack it with dpkg -x into a scratch root and check:
#   - the plugin sits in the installed Wireshark's global plugin folder
#     (tshark -G folders), epan subfolder, and loads from there;
#   - the CLI runs, the man page is there, and the profile folder
#     plugin/profile/ (when the source has one) is in Wireshark's global
#     profiles folder as "TCP lifecycle", file for file;
#   - nothing lies outside /usr, and the control fields name the package,
#     its Wireshark version and a libwireshark dependency.
set -eu
src=$1 work=$2
me=package.deb
failures=0
fail() { echo "FAIL: $me: $*" >&2; failures=$((failures + 1)); }
die() { echo "ERROR: $me: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
chmod 755 "$work"
"$src/scripts/package" "$work/build" >"$work/package.log" 2>&1 ||
    die "scripts/package failed: $(tail -n 20 "$work/package.log")"
deb=$(ls "$work"/build/tcp-lifecycle_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || die "scripts/package made no .deb"
root=$work/root
dpkg-deb -x "$deb" "$root" || die "dpkg-deb -x $deb failed"
chmod -R a+rX "$work"
echo "$me: $(basename "$deb")"

# Where the installed Wireshark looks.
tshark -G folders >"$work/folders" 2>/dev/null || die "tshark -G folders failed"
folder() { awk -F'\t' -v k="$1" 'index($1, k) == 1 { print $2; exit }' "$work/folders"; }
global_plugins=$(folder "Global Plugins:")
global_conf=$(folder "Global configuration:")
[ -n "$global_plugins" ] && [ -n "$global_conf" ] ||
    die "tshark -G folders names no global plugin or configuration folder"
ws=$(basename "$global_plugins")     # 4.0, 4.4, ...

so=$global_plugins/epan/tcp_lifecycle.so
[ -f "$root$so" ] || fail "no $so in the package: $(dpkg-deb -c "$deb" | grep -o '\./.*\.so' || true)"

# The plugin loads from the package's copy of that folder (as nobody:
# tshark run as root ignores WIRESHARK_PLUGIN_DIR).
if [ -f "$root$so" ]; then
    mkdir -p "$work/home"
    [ "$(id -u)" != 0 ] || chown nobody:nogroup "$work/home"
    env HOME="$work/home" WIRESHARK_PLUGIN_DIR="$root$(dirname "$global_plugins")" \
        "$src/tests/lib/unprivileged" tshark -G protocols >"$work/protocols" 2>"$work/protocols.err" || true
    awk -F'\t' '$3 == "tcp_lifecycle" { f = 1 } END { exit !f }' "$work/protocols" ||
        fail "tshark does not load the packaged plugin: $(head -c 500 "$work/protocols.err")"
fi

cli=$root/usr/bin/tcp-lifecycle
if [ -x "$cli" ]; then
    "$cli" fields | grep -q 'tcp.stream' || fail "packaged tcp-lifecycle fields prints no tcp.stream"
else
    fail "no executable /usr/bin/tcp-lifecycle"
fi
[ -f "$root/usr/share/man/man1/tcp-lifecycle.1" ] || [ -f "$root/usr/share/man/man1/tcp-lifecycle.1.gz" ] ||
    fail "no man page /usr/share/man/man1/tcp-lifecycle.1"

# Each profile file (not its installer) is installed, beginning with the
# source's content (install.sh appends Wireshark's default colouring rules
# to colorfilters).
profile="$global_conf/profiles/TCP lifecycle"
if [ -d "$src/plugin/profile" ]; then
    n=0
    for f in "$src"/plugin/profile/*; do
        [ -f "$f" ] && [ "$(basename "$f")" != install.sh ] || continue
        n=$((n + 1))
        g="$root$profile/$(basename "$f")"
        if [ ! -f "$g" ]; then
            fail "profile file $(basename "$f") not installed as $profile/$(basename "$f")"
        elif ! head -c "$(wc -c <"$f")" "$g" | cmp -s - "$f"; then
            fail "$profile/$(basename "$f") does not begin with plugin/profile/$(basename "$f")"
        fi
    done
    [ "$n" -gt 0 ] || fail "plugin/profile/ has no files"
    [ ! -e "$root$profile/install.sh" ] || fail "the profile's installer is in the package"
    echo "$me: profile: $n file(s) in $profile"
elif [ -e "$root$profile" ]; then
    fail "the package has a profile but the source has no plugin/profile/"
fi

outside=$(find "$root" -mindepth 1 -maxdepth 1 ! -name usr)
[ -z "$outside" ] || fail "files outside /usr: $outside"
unexpected=$(cd "$root" && find . -type f | grep -v -e '^\./usr/bin/tcp-lifecycle$' \
    -e '^\./usr/share/man/man1/tcp-lifecycle\.1' -e "^\.$so\$" \
    -e "^\./usr/share/wireshark/profiles/TCP lifecycle/" || true)
[ -z "$unexpected" ] || fail "unexpected files in the package: $unexpected"

[ "$(dpkg-deb -f "$deb" Package)" = tcp-lifecycle ] || fail "Package is not tcp-lifecycle"
case $(dpkg-deb -f "$deb" Version) in
    *+ws"$ws") ;;
    *) fail "Version $(dpkg-deb -f "$deb" Version) does not name Wireshark $ws" ;;
esac
dpkg-deb -f "$deb" Depends | grep -q 'libwireshark[0-9]' ||
    fail "Depends has no libwireshark: $(dpkg-deb -f "$deb" Depends)"
[ "$(dpkg-deb -f "$deb" Architecture)" = "$(dpkg --print-architecture)" ] ||
    fail "Architecture is not $(dpkg --print-architecture)"

if [ "$failures" -ne 0 ]; then
    echo "$me: $failures check(s) failed" >&2
    exit 1
fi
echo "$me: all checks passed"
