#!/bin/sh
# setup-build.sh DIR [MESON OPTIONS...]: configure a meson build tree, or
# reconfigure it when it exists (so new test files are picked up).
set -eu
dir=$1
shift
if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >"$dir.setup.log" 2>&1 ||
        { cat "$dir.setup.log" >&2; exit 1; }
else
    mkdir -p "$(dirname "$dir")"
    meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 ||
        { cat "$dir.setup.log" >&2; exit 1; }
fi
rm -f "$dir.setup.log"
