#!/bin/sh
# runtime-check.sh - build, load and test the plugin inside a real Debian 13
# (Wireshark 4.4) or Debian unstable (4.6) system made with debootstrap, or
# in a bare Debian 12 (4.0, this project's main platform).
#
# Usage: plugin/runtime-check.sh [--full] VERSION...   e.g. plugin/runtime-check.sh 4.4 4.6
#
# For each version, as root:
#   1. debootstrap a minimal system of that suite into a cache folder (once;
#      later runs reuse it),
#   2. bind-mount /proc, /sys and /dev into it (unmounted on exit, failure
#      and interruption included),
#   3. copy this working tree to /src inside (no .git, no build folders),
#   4. install the project's packages there with scripts/install-packages,
#      the same command scripts/setup runs (so this also checks that the
#      package list and the clang runtime resolve on that suite),
#   5. configure with -DTCPL_WERROR=ON, build everything, check that tshark
#      (as nobody) reports the expected Wireshark version and loads the
#      plugin (tshark -G protocols lists tcp_lifecycle), and
#   6. run every ctest test whose name mentions the plugin: the plugin's
#      kernel-truth checks (plugin.truth.*), its other tests, and the
#      comparisons of the plugin with the CLI (cli.plugin_*,
#      annotate.plugin_equal).
# With --full, steps 5-6 are instead the README's two commands run inside:
# scripts/setup (whose installed files are removed again afterwards, so the
# cached system stays clean) and scripts/test (the whole suite, twice), with
# /src unreadable to nobody so that scripts/test takes its copy path, in a
# system that has no git.
#
# Prints OK or FAIL per version; exits 0 if all are OK, 1 if any failed,
# 2 on usage errors.  Output of each step goes to a log in the cache folder.
#
# Environment: TCPL_RUNTIME_CACHE (default /var/cache/tcpl-runtime) holds
# the systems (about 2 GB each once the packages are in); TCPL_COMPAT_MIRROR
# overrides the Debian mirror, otherwise the one this machine's apt uses.
# Unstable's Release file may have passed its Valid-Until on a mirror:
# only that system's apt is told to accept it.
set -u

usage() {
    echo "usage: $0 [--full] VERSION... (known: 4.0 = bookworm, 4.4 = trixie, 4.6 = sid)" >&2
    exit 2
}
full=0
[ "${1:-}" = --full ] && { full=1; shift; }
[ $# -ge 1 ] || usage
for v in "$@"; do
    case $v in 4.0|4.4|4.6) ;; *) usage ;; esac
done
if [ "$(id -u)" -ne 0 ]; then
    echo "runtime-check: debootstrap, mount and chroot need root" >&2
    exit 2
fi
for tool in debootstrap chroot mount umount mountpoint flock; do
    command -v $tool >/dev/null 2>&1 || {
        echo "runtime-check: $tool not found (apt-get install debootstrap)" >&2
        exit 2
    }
done

src=$(cd "$(dirname "$0")/.." && pwd)
cache=${TCPL_RUNTIME_CACHE:-/var/cache/tcpl-runtime}
mkdir -p "$cache" || exit 1

mirror=$(sh "$src/plugin/debian-mirror.sh") || exit 1

# Mounts made by this run, most recent first; undone on any exit.
mounted=
undo_mounts() {
    for m in $mounted; do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null ||
            echo "runtime-check: could not unmount $m" >&2
    done
    mounted=
}
trap 'undo_mounts' EXIT
trap 'undo_mounts; exit 130' INT
trap 'undo_mounts; exit 143' TERM HUP

# bind ROOT DIR: bind-mount /DIR on ROOT/DIR, unless something already is
# (a run killed with -9 leaves its mounts: they are taken over, not
# stacked, and unmounted at the end like this run's own).
bind() {
    if ! mountpoint -q "$1/$2"; then
        mkdir -p "$1/$2" && mount --bind "/$2" "$1/$2" || return 1
    fi
    mounted="$1/$2 $mounted"
}

# has_mounts DIR: something is mounted at or below DIR.
has_mounts() {
    awk -v d="$1" '$2 == d || index($2, d "/") == 1 { f = 1 } END { exit !f }' /proc/self/mounts
}

# in_root ROOT COMMAND...: run COMMAND in the system, as root, with a clean
# environment.
in_root() {
    r=$1
    shift
    chroot "$r" /usr/bin/env -i HOME=/root TERM=dumb LC_ALL=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        DEBIAN_FRONTEND=noninteractive "$@"
}

# check VERSION SUITE: prints OK/FAIL, returns non-zero on failure.
check() {
    v=$1 suite=$2
    d=$cache/$suite
    root=$d/root
    log=$d/log
    mkdir -p "$d" || return 1
    : >"$log"
    t0=$(date +%s)

    # 1. The base system, made once.  A half-made one (interrupted
    # debootstrap) is thrown away, never while anything is mounted in it.
    if [ ! -f "$root/.tcpl-base" ]; then
        for r in "$d/root.new" "$root"; do
            if has_mounts "$r"; then
                echo "$v ($suite): FAIL ($r has mounts; unmount them first)"
                return 1
            fi
            rm -rf "$r"
        done
        echo "== $v ($suite): debootstrap into $root" >>"$log"
        if ! debootstrap --variant=minbase "$suite" "$d/root.new" "$mirror" >>"$log" 2>&1; then
            echo "$v ($suite): FAIL (debootstrap; see $log)"
            return 1
        fi
        if [ "$suite" = sid ]; then
            echo 'Acquire::Check-Valid-Until "false";' \
                >"$d/root.new/etc/apt/apt.conf.d/99tcpl-valid-until"
        fi
        # No services start inside.
        printf '#!/bin/sh\nexit 101\n' >"$d/root.new/usr/sbin/policy-rc.d"
        chmod 755 "$d/root.new/usr/sbin/policy-rc.d"
        touch "$d/root.new/.tcpl-base"
        mv "$d/root.new" "$root" || return 1
    fi
    cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

    # 2. Mounts.
    for m in proc sys dev; do
        if ! bind "$root" "$m"; then
            echo "$v ($suite): FAIL (mount /$m)"
            return 1
        fi
    done

    # 3. The tree, as it is now.
    rm -rf "$root/src"
    mkdir -p "$root/src"
    tar -C "$src" --exclude=./.git --exclude='./build*' --exclude=./.cache \
        -cf - . | tar -C "$root/src" -xf - || return 1
    chmod -R a+rX "$root/src"
    chmod 755 "$root/src"

    # 4. The packages, as scripts/setup installs them.
    echo "== install-packages" >>"$log"
    if ! in_root "$root" /src/scripts/install-packages /src/scripts/packages >>"$log" 2>&1; then
        echo "$v ($suite): FAIL (scripts/install-packages; see $log)"
        return 1
    fi
    in_root "$root" apt-get clean >>"$log" 2>&1 || true   # the .debs: 350 MB
    t1=$(date +%s)

    got=$(in_root "$root" dpkg-query -W -f '${Version}' tshark 2>>"$log")
    case $got in
        "$v".*|*:"$v".*) ;;
        *) echo "$v ($suite): FAIL ($suite has tshark '$got', not $v)"
           return 1 ;;
    esac

    if [ "$full" = 1 ]; then
        echo "== scripts/setup" >>"$log"
        if ! in_root "$root" /src/scripts/setup >>"$log" 2>&1; then
            echo "$v ($suite): FAIL (scripts/setup; see $log)"
            return 1
        fi
        # setup installed into the system; take it out again.
        if [ -f "$root/src/build/install_manifest.txt" ]; then
            # (the manifest has no newline after its last line)
            while IFS= read -r f || [ -n "$f" ]; do rm -f "$root$f"; done <"$root/src/build/install_manifest.txt"
        fi
        echo "== scripts/test" >>"$log"
        chmod 700 "$root/src"
        rm -rf "$root"/tmp/tcpl-test.*     # earlier runs' copies
        if ! in_root "$root" /src/scripts/test >>"$log" 2>&1; then
            echo "$v ($suite): FAIL (scripts/test; see $log)"
            grep -E '^[0-9]+% tests passed|\*\*\*Failed|Failed  ' "$log" | head -n 20 >&2
            return 1
        fi
        t2=$(date +%s)
        echo "$v ($suite): OK (Wireshark $got; scripts/setup and scripts/test pass;" \
             "packages $((t1 - t0)) s, setup+test $((t2 - t1)) s)"
        return 0
    fi

    # 5. Build and load.
    echo "== build" >>"$log"
    if ! in_root "$root" sh -c 'cmake -S /src -B /src/build -DTCPL_WERROR=ON &&
            cmake --build /src/build -j"$(nproc)"' >>"$log" 2>&1; then
        echo "$v ($suite): FAIL (build; see $log)"
        grep -E 'error|warning' "$log" | head -n 20 >&2
        return 1
    fi
    chmod -R a+rX "$root/src/build"
    if grep -Eq '\.[ch]:[0-9]+:[0-9]+: warning:' "$log"; then
        echo "$v ($suite): FAIL (warnings; see $log)"
        return 1
    fi
    so=$(cd "$root/src/build/plugins" 2>/dev/null && ls -d */epan/tcp_lifecycle.so 2>/dev/null)
    case $so in
        "$v"/epan/tcp_lifecycle.so) ;;
        *) echo "$v ($suite): FAIL (plugin built as '$so', not $v/epan/tcp_lifecycle.so)"
           return 1 ;;
    esac
    mkdir -p "$root/tmp/tcpl-home" && chown nobody:nogroup "$root/tmp/tcpl-home"
    in_root "$root" setpriv --reuid=nobody --regid=nogroup --clear-groups \
        env HOME=/tmp/tcpl-home WIRESHARK_PLUGIN_DIR=/src/build/plugins \
        tshark -G protocols >"$d/protocols.txt" 2>>"$log"
    if ! awk -F'\t' '$3 == "tcp_lifecycle" { f = 1 } END { exit !f }' "$d/protocols.txt"; then
        echo "$v ($suite): FAIL (tshark $got does not load the plugin; see $log)"
        return 1
    fi

    # 6. The plugin's tests, kernel truth included.
    echo "== ctest -R plugin" >>"$log"
    if ! in_root "$root" sh -c 'cd /src/build && ctest --output-on-failure -j"$(nproc)" -R plugin' >>"$log" 2>&1; then
        echo "$v ($suite): FAIL (ctest -R plugin; see $log)"
        grep -E '\*\*\*Failed|Failed  |tests passed' "$log" | head -n 20 >&2
        return 1
    fi
    summary=$(grep -E '^[0-9]+% tests passed' "$log" | tail -n 1)
    t2=$(date +%s)
    echo "$v ($suite): OK (Wireshark $got loads the plugin; $summary;" \
         "packages $((t1 - t0)) s, build and tests $((t2 - t1)) s)"
    return 0
}

status=0
for v in "$@"; do
    case $v in
        4.0) suite=bookworm ;;
        4.4) suite=trixie ;;
        4.6) suite=sid ;;
    esac
    # One run per system at a time (others on this machine may share it).
    mkdir -p "$cache/$suite"
    exec 9>"$cache/$suite.lock"
    flock 9 || exit 1
    check "$v" "$suite" || status=1
    undo_mounts
    exec 9>&-
done
exit $status
