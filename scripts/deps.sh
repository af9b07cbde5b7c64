#!/bin/sh
# Install the Debian 12 packages openlrs needs, when any is missing.
# Each package and why it is here: docs/build.md.
set -eu

PACKAGES="
    gcc make pkg-config meson ninja-build python3
    clang libclang-rt-14-dev
    libsqlite3-dev libpq-dev postgresql
    libmicrohttpd-dev libxml2-dev libjansson-dev libsodium-dev
    libutf8proc-dev libcmocka-dev libcurl4-openssl-dev
"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=sudo
    else
        echo "deps: not root; please run: sudo apt-get install -y$missing" >&2
        exit 1
    fi
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet.
$SUDO apt-get update -qq || true
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y -qq --no-install-recommends $missing; then
    echo "deps: apt-get could not install:$missing" >&2
    exit 1
fi
