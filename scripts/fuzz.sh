#!/bin/sh
# fuzz.sh FUZZ_DIR SECONDS: build the libFuzzer harnesses with clang and run
# each for SECONDS on its corpus. New interesting inputs go to
# FUZZ_DIR/corpus-NAME (not into the repository: minimise and add by hand
# what is worth keeping, with `fuzz_NAME -merge=1 fuzz/corpus/NAME DIR`).
set -eu
dir=$1
seconds=$2
CC=clang sh scripts/setup-build.sh "$dir" -Dfuzz=true -Dtests=false \
    -Dbuildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false
meson compile -C "$dir"
for bin in "$dir"/fuzz/fuzz_*; do
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    name=${bin##*/fuzz_}
    mkdir -p "$dir/corpus-$name"
    dict=""
    [ -f "fuzz/$name.dict" ] && dict="-dict=fuzz/$name.dict"
    echo "== fuzz_$name for ${seconds}s"
    "$bin" -max_total_time="$seconds" -timeout=10 $dict \
        "$dir/corpus-$name" "fuzz/corpus/$name"
done
