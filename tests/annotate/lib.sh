# lib.sh - shared helpers of the annotate test scripts (sourced, POSIX sh).
#
# Each script gets a private work folder (removed on exit), a fail()
# that names the check, and tshark wrappers: stock tshark as root (root
# ignores every plugin folder, so it is Wireshark without our plugin) and
# tshark as nobody with WIRESHARK_PLUGIN_DIR for the plugin comparisons.

set -eu

failures=0
me=$(basename "$0" .sh)

fail() {
    echo "FAIL: $me: $*" >&2
    failures=$((failures + 1))
}

die() {
    echo "ERROR: $me: $*" >&2
    exit 1
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$me: $failures check(s) failed" >&2
        exit 1
    fi
    echo "$me: all checks passed"
}

# A work folder nobody can read too (the plugin's tshark runs as nobody).
work=$(mktemp -d /tmp/tcpl-annotate.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

stock_tshark() {
    tshark "$@" 2>>"$work/tshark.err"
}

# tshark as nobody, loading the plugin from $1; HOME points at a folder
# nobody owns, because tshark crashes on an unreadable personal config.
# In the sanitizer build (TCPL_SANITIZE=ON in the environment) the plugin
# needs the ASan runtime preloaded into the uninstrumented tshark.
plugin_tshark() {
    plugdir=$1
    shift
    mkdir -p "$work/home"
    [ "$(id -u)" != 0 ] || chown nobody:nogroup "$work/home"
    asan=
    if [ "${TCPL_SANITIZE:-OFF}" = ON ]; then
        libasan=$(gcc -print-file-name=libasan.so)
        [ -f "$libasan" ] || die "sanitizer build but no libasan.so ($libasan)"
        asan="LD_PRELOAD=$libasan ASAN_OPTIONS=detect_leaks=0"
    fi
    # shellcheck disable=SC2086
    "$(dirname "$0")/../lib/unprivileged" \
        env HOME="$work/home" WIRESHARK_PLUGIN_DIR="$plugdir" $asan \
        tshark "$@" 2>>"$work/tshark.err"
}

# Leftover temporary outputs of annotate in folder $1 (must be none).
leftovers() {
    find "$1" -maxdepth 1 -name '.*.tmp.*' | head -n 5
}
