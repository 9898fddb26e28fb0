#!/bin/sh
# debian-mirror.sh - print the Debian mirror to use for the other suites
# (trixie, sid): TCPL_COMPAT_MIRROR if set, else the mirror this machine's
# apt already uses for its own release, so that no host name is baked into
# the scripts.  Exits 1, with a message, when there is none.
# Used by compat-check.sh and runtime-check.sh.
mirror=${TCPL_COMPAT_MIRROR:-}
if [ -z "$mirror" ]; then
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    mirror=$(apt-cache policy 2>/dev/null |
        awk -v s="$codename/main" '$3 == s { print $2; exit }')
fi
if [ -z "$mirror" ]; then
    echo "$(basename "$0"): no Debian mirror found in apt's configuration;" \
         "set TCPL_COMPAT_MIRROR" >&2
    exit 1
fi
echo "$mirror"
