#!/bin/sh
# run.sh BUILD_DIR: the main job of `make run`. Until lrsd serves HTTP this
# is a short command-line demonstration of what the register can do.
set -eu
b=$1
say() { printf '\n$ %s\n' "$*"; "$@" || true; }
echo "openlrs $("$b/lrs" --version | cut -d' ' -f3): command-line demonstration"
say "$b/lrs" --help
