# common.sh - sourced by every plugin test: run tshark with the plugin from
# the build tree, unprivileged, with a time limit.
#
# As root, tshark ignores WIRESHARK_PLUGIN_DIR, so tshark runs as nobody.
# nobody may not be able to reach the build tree (a clone under /root), so
# the plugin folder and every input are copied into a private temporary
# folder first.  In the sanitizer build the plugin needs the ASan runtime
# loaded before anything else: tshark is not built with it, so it is
# preloaded.  Every test calls need_plugin first, so none passes because
# the plugin silently failed to load.
#
# Environment (set by ctest): TCPL_PLUGIN_DIR (the build's plugins folder),
# TCPL_SANITIZE (ON in the sanitizer build), TCPL_SOURCE_DIR.
set -u

: "${TCPL_PLUGIN_DIR:?TCPL_PLUGIN_DIR not set}"
: "${TCPL_SOURCE_DIR:?TCPL_SOURCE_DIR not set}"
TCPL_SANITIZE=${TCPL_SANITIZE:-OFF}
TCPL_TIMEOUT=${TCPL_TIMEOUT:-60}

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpl-plugin.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
mkdir -p "$tmp/home" "$tmp/in"
cp -R "$TCPL_PLUGIN_DIR" "$tmp/plugins" || fail "cannot copy $TCPL_PLUGIN_DIR"
chmod -R a+rX "$tmp/plugins"
plugin_so=$(find "$tmp/plugins" -name "${TCPL_PLUGIN_FILE:-tcp_lifecycle.so}" | head -n 1)
[ -n "$plugin_so" ] || fail "no ${TCPL_PLUGIN_FILE:-tcp_lifecycle.so} under $TCPL_PLUGIN_DIR (build the plugin first)"

[ "$(id -u)" != 0 ] || chown nobody:nogroup "$tmp/home"
as_user="$(dirname "$0")/../lib/unprivileged"

asan_env=
if [ "$TCPL_SANITIZE" = ON ]; then
    libasan=$(gcc -print-file-name=libasan.so)
    [ -f "$libasan" ] || fail "sanitizer build but no libasan.so ($libasan)"
    # exitcode 86 tells an ASan report apart from tshark's own errors.
    asan_env="LD_PRELOAD=$libasan ASAN_OPTIONS=detect_leaks=0:exitcode=86 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1"
fi

# input FILE: copy FILE where nobody can read it; prints the copy's path.
input() {
    dst="$tmp/in/$(basename "$1")"
    cp "$1" "$dst" || fail "cannot copy $1"
    chmod 644 "$dst"
    echo "$dst"
}

# info_col ARGS...: "frame<TAB>Info" per frame, from the packet-list line.
# From Wireshark 4.4 on, -T fields -e _ws.col.Info is filled before
# postdissectors run, so it lacks the plugin's tag; the packet list (like
# the GUI's) is built after them and has it, in every version.
info_col() {
    ts "$@" -o 'gui.column.format:"No.","%m","Info","%i"' -T tabs | sed 's/^ *//'
}

# ts ARGS...: tshark with the plugin.  Exit status 124 means it timed out.
ts() {
    # shellcheck disable=SC2086 # word splitting of the env lists is wanted
    $as_user env HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" \
        WIRESHARK_PLUGIN_DIR="$tmp/plugins" \
        timeout "$TCPL_TIMEOUT" env $asan_env tshark "$@"
}

# need_instrumented: in the sanitizer build, the plugin under test must
# itself carry ASan instrumentation.
need_instrumented() {
    if [ "$TCPL_SANITIZE" = ON ]; then
        nm -D "$plugin_so" | grep -q '__asan_' ||
            fail "sanitizer build, but $plugin_so has no ASan instrumentation"
    fi
}

# need_plugin: fail unless tshark registers our protocol.  It can only come
# from our copy: WIRESHARK_PLUGIN_DIR replaces the global plugin folder and
# the personal one lies in our empty HOME.  (-G plugins would name the file,
# but it also runs the extcap helpers, which hang under the preloaded ASan
# runtime.)  Each test also fails if our fields come out empty.
need_plugin() {
    need_instrumented
    ts -G protocols >"$tmp/protocols.txt" 2>"$tmp/protocols.err" ||
        fail "tshark -G protocols failed: $(head -c 2000 "$tmp/protocols.err")"
    awk -F'\t' '$3 == "tcp_lifecycle" { f = 1 } END { exit !f }' "$tmp/protocols.txt" ||
        fail "tshark did not load $plugin_so: $(head -c 2000 "$tmp/protocols.err")"
}

# captures_with WORD: the captures/*.pcap whose .truth has an `expect WORD`.
captures_with() {
    for t in "$TCPL_SOURCE_DIR"/captures/*.truth; do
        [ -f "$t" ] || continue
        if awk -v a="$1" '$1 == "expect" && $2 == a { f = 1 } END { exit !f }' "$t"; then
            for c in "${t%.truth}.pcap" "${t%.truth}.pcapng"; do
                [ -f "$c" ] && echo "$c"
            done
        fi
    done
}
