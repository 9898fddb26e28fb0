#!/bin/sh
# compat-check.sh - compile the plugin against newer Wireshark headers.
#
# Usage: plugin/compat-check.sh VERSION...      e.g. plugin/compat-check.sh 4.4 4.6
#
# The plugin must build warning-free against the Wireshark of Debian's other
# suites (4.4 in trixie, 4.6 in sid) while this machine runs 4.0.  For each
# version this fetches the Wireshark development packages and the libraries
# their CMake files point at with a private apt configuration (own sources
# list, state and cache: the system's apt state is never touched), unpacks
# them with dpkg -x, then configures the project against them with
# -DTCPL_WERROR=ON and builds the plugin.  Prints OK or FAIL per version;
# exits 0 if all are OK, 1 if any failed, 2 on usage errors.
#
# Environment: TCPL_COMPAT_CACHE (default /var/cache/tcpl-compat, else a
# folder under TMPDIR) keeps downloads between runs; TCPL_COMPAT_MIRROR
# overrides the Debian mirror, which is otherwise the one this machine's
# apt already uses for its own release.
set -u

usage() {
    echo "usage: $0 VERSION... (known: 4.4 = trixie, 4.6 = sid)" >&2
    exit 2
}
[ $# -ge 1 ] || usage
for v in "$@"; do
    case $v in 4.4|4.6) ;; *) usage ;; esac
done

src=$(cd "$(dirname "$0")/.." && pwd)
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)

cache=${TCPL_COMPAT_CACHE:-/var/cache/tcpl-compat}
if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
    cache=${TMPDIR:-/tmp}/tcpl-compat
    mkdir -p "$cache" || exit 1
fi

mirror=$(sh "$src/plugin/debian-mirror.sh") || exit 1
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

# check VERSION SUITE: prints OK/FAIL, returns non-zero on failure.
check() {
    v=$1 suite=$2
    d=$cache/$suite
    mkdir -p "$d/empty" "$d/state/lists/partial" "$d/cache/archives/partial" \
        "$d/debs" || return 1
    : >"$d/state/status"
    echo "deb [signed-by=$keyring] $mirror $suite main" >"$d/sources.list"
    # Only headers are taken from these suites, nothing is installed, so a
    # mirror whose sid Release file has passed its Valid-Until still does.
    # APT_CONFIG is read before apt.conf.d, so pointing Dir::Etc::Parts at
    # an empty folder also keeps the system's hooks (cache cleaners) out.
    cat >"$d/apt.conf" <<EOF
Dir::Etc::Parts "$d/empty";
Dir::Etc::Main "$d/empty/none";
Dir::Etc::SourceList "$d/sources.list";
Dir::Etc::SourceParts "$d/empty";
Dir::Etc::Preferences "$d/empty/none";
Dir::Etc::PreferencesParts "$d/empty";
Dir::State "$d/state";
Dir::State::status "$d/state/status";
Dir::Cache "$d/cache";
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
Acquire::Languages "none";
Acquire::Check-Valid-Until "false";
EOF
    apt_() { APT_CONFIG="$d/apt.conf" "$@"; }
    log=$d/log
    : >"$log"

    # Refresh the index at most once a day.
    if [ -z "$(find "$d/state/lists" -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
        if ! apt_ apt-get -q update >>"$log" 2>&1; then
            echo "$v ($suite): FAIL (apt-get update; see $log)"
            return 1
        fi
    fi

    # The -dev packages, plus the libraries they depend on (their CMake
    # targets name those files, and the plugin links against them).
    pkgs="wireshark-dev libwireshark-dev libwiretap-dev libwsutil-dev"
    libs=$(for p in libwireshark-dev libwiretap-dev libwsutil-dev; do
        apt_ apt-cache depends "$p" 2>>"$log"
    done | awk '$1 == "Depends:" && $2 ~ /^lib(wireshark|wiretap|wsutil)[0-9]+$/ { print $2 }' |
        sort -u)
    if [ -z "$libs" ]; then
        echo "$v ($suite): FAIL (no Wireshark libraries in $suite; see $log)"
        return 1
    fi
    got=$(apt_ apt-cache policy libwireshark-dev 2>>"$log" |
        awk '$1 == "Candidate:" { print $2 }')
    case $got in
        "$v".*|*:"$v".*) ;;
        *) echo "$v ($suite): FAIL ($suite carries Wireshark '$got', not $v)"
           return 1 ;;
    esac

    rm -f "$d"/debs/*.deb.partial
    for p in $pkgs $libs; do
        # apt-get download names the file after the version; reuse it.
        ver=$(apt_ apt-cache policy "$p" | awk '$1 == "Candidate:" { print $2 }')
        ver_file=$(echo "$ver" | sed 's/:/%3a/')
        if [ -z "$(ls "$d/debs/${p}_${ver_file}_"*.deb 2>/dev/null)" ]; then
            if ! (cd "$d/debs" && apt_ apt-get -q download "$p" >>"$log" 2>&1); then
                echo "$v ($suite): FAIL (download of $p; see $log)"
                return 1
            fi
        fi
    done

    root=$d/root
    rm -rf "$root"
    mkdir -p "$root"
    for p in $pkgs $libs; do
        ver=$(apt_ apt-cache policy "$p" | awk '$1 == "Candidate:" { print $2 }')
        ver_file=$(echo "$ver" | sed 's/:/%3a/')
        dpkg -x "$(ls "$d/debs/${p}_${ver_file}_"*.deb | head -n 1)" "$root" ||
            return 1
    done

    # 4.0 keeps its CMake package in .../wireshark/cmake, newer ones in
    # .../cmake/wireshark.
    wsdir=
    for c in "$root/usr/lib/$multiarch/cmake/wireshark" \
             "$root/usr/lib/$multiarch/wireshark/cmake"; do
        [ -f "$c/WiresharkConfig.cmake" ] && wsdir=$c && break
    done
    if [ -z "$wsdir" ]; then
        echo "$v ($suite): FAIL (no WiresharkConfig.cmake in the packages)"
        return 1
    fi

    b=$d/build
    rm -rf "$b"
    if ! cmake -S "$src" -B "$b" -DWireshark_DIR="$wsdir" -DTCPL_WERROR=ON \
            -DCMAKE_BUILD_TYPE=RelWithDebInfo >>"$log" 2>&1; then
        echo "$v ($suite): FAIL (cmake configure; see $log)"
        return 1
    fi
    if ! grep -q "^Wireshark_DIR:.*=$wsdir\$" "$b/CMakeCache.txt" ||
       ! grep -q "WIRESHARK_VERSION_MINOR ${v#*.}\$" \
            "$root/usr/include/wireshark/ws_version.h"; then
        echo "$v ($suite): FAIL (not configured against the $v headers; see $log)"
        return 1
    fi
    if ! cmake --build "$b" --target tcp_lifecycle -- -j2 >>"$log" 2>&1; then
        echo "$v ($suite): FAIL (compile; see $log)"
        grep -E 'error|warning' "$log" | head -n 20 >&2
        return 1
    fi
    # -Werror already fails the build on a compiler warning; this also
    # catches one that a flag change let through.
    if grep -Eq '\.[ch]:[0-9]+:[0-9]+: warning:' "$log"; then
        echo "$v ($suite): FAIL (warnings; see $log)"
        grep -E '\.[ch]:[0-9]+:[0-9]+: warning:' "$log" | head -n 20 >&2
        return 1
    fi
    echo "$v ($suite): OK ($got)"
    return 0
}

status=0
for v in "$@"; do
    case $v in
        4.4) suite=trixie ;;
        4.6) suite=sid ;;
    esac
    check "$v" "$suite" || status=1
done
exit $status
