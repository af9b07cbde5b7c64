#!/bin/sh
# Install the Debian 12 packages openlrs needs, when any is missing.
# Each package and why it is here: docs/build.md.
set -eu

PACKAGES="
    gcc make pkg-config meson ninja-build python3 clang-format
    clang libclang-rt-14-dev
    libsqlite3-dev libpq-dev postgresql
    libmicrohttpd-dev libxml2-dev libjansson-dev libsodium-dev
    libutf8proc-dev libcmocka-dev libcurl4-openssl-dev openssl
    libxml2-utils wrk
    chromium
"
# The web pages' assets and browser tests (docs/web.md) need Node.js and
# npm: Debian's, unless a node is already on the PATH (NodeSource's
# nodejs bundles npm and conflicts with Debian's npm package).
command -v node >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs"
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"

# GOV.UK Frontend and playwright-core into web/node_modules, from the
# lock file, when missing or older than package-lock.json.
web_deps() {
    web=$(cd "$(dirname "$0")/.." && pwd)/web
    stamp=$web/node_modules/.openlrs-npm-ci
    if [ ! -f "$stamp" ] || [ "$web/package-lock.json" -nt "$stamp" ] ||
        [ "$web/package.json" -nt "$stamp" ]; then
        echo "deps: npm ci --prefix web"
        npm ci --prefix "$web" --no-audit --no-fund >/dev/null || {
            echo "deps: npm ci --prefix web failed" >&2
            exit 1
        }
        touch "$stamp"
    fi
}

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    web_deps
    exit 0
fi

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
web_deps
