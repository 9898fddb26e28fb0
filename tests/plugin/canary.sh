#!/bin/sh
# canary.sh - proves the sanitizer runs can fail: a plugin with a
# deliberate heap overflow, loaded exactly like tcp_lifecycle.so, must make
# tshark stop with an AddressSanitizer report (exit 86).
# TCPL_PLUGIN_DIR points at the canary's plugin folder here.
TCPL_PLUGIN_FILE=tcpl_asan_canary.so
. "$(dirname "$0")/common.sh"
[ "$TCPL_SANITIZE" = ON ] || fail "canary.sh belongs to the sanitizer build"
need_instrumented

in=$(input "$TCPL_SOURCE_DIR/tests/plugin/data/linktype-ethernet.pcap")
ts -r "$in" -c 1 >/dev/null 2>"$tmp/err.txt"
rc=$?
[ $rc -eq 86 ] && grep -q 'ERROR: AddressSanitizer: heap-buffer-overflow' "$tmp/err.txt" ||
    fail "the overflow went unnoticed (exit $rc): $(head -c 1500 "$tmp/err.txt")"
echo "PASS: ASan stopped tshark on the canary's overflow"
