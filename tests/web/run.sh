#!/bin/sh
# run.sh BROWSER_TEST: run the browser tests with node (docs/web.md).
# It installs nothing: `make deps` (scripts/deps.sh) brings node, npm,
# Debian's chromium and web/node_modules. What is missing is a failure,
# not a skip, so that a machine without them cannot pass unseen.
set -u
missing=""
command -v node >/dev/null 2>&1 || missing="$missing node"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing="$missing chromium"
[ -f "$WEB_DIR/node_modules/playwright-core/package.json" ] ||
    missing="$missing web/node_modules/playwright-core"
[ -f "$WEB_DIR/node_modules/govuk-frontend/package.json" ] ||
    missing="$missing web/node_modules/govuk-frontend"
if [ -n "$missing" ]; then
    echo "1..0 # missing:$missing"
    echo "Bail out! missing:$missing; run 'make deps'"
    exit 1
fi
exec node "$1"
