#!/bin/sh
# run-tests.sh TEST_DIR FUZZ_DIR: every test openlrs has.
#
# 1. The debug build with AddressSanitizer and UndefinedBehaviorSanitizer
#    (-fno-sanitize-recover=all): unit tests, CLI golden files, store
#    suites (PostgreSQL included: the suite starts its own server), and a
#    replay of every checked-in fuzz corpus.
# 2. The clang libFuzzer build: each harness runs for FUZZ_TEST_SECONDS
#    (default 3) on a scratch copy of its corpus.
# It ends with one line: "N passed, N failed" (", N skipped" if any).
set -u
test_dir=$1
fuzz_dir=$2
fuzz_seconds=${FUZZ_TEST_SECONDS:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
build_failed=0
meson_rc=0

echo "== sanitizer build ($test_dir)"
if sh scripts/setup-build.sh "$test_dir" -Dbuildtype=debug \
        -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true \
        -Dc_args=-fno-sanitize-recover=all \
        -Dc_link_args=-fno-sanitize-recover=all &&
    meson compile -C "$test_dir" >"$results/compile.log" 2>&1; then
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        meson test -C "$test_dir" --print-errorlogs --num-processes 2 \
        --timeout-multiplier 3
    meson_rc=$?
    # This run's log, kept before anything else can run meson test in
    # the same build directory and overwrite it.
    cp "$test_dir/meson-logs/testlog.json" "$results/testlog.json" 2>/dev/null
else
    cat "$results/compile.log" 2>/dev/null | tail -50
    echo "run-tests: the sanitizer build failed" >&2
    build_failed=1
fi

echo "== fuzz ($fuzz_dir, ${fuzz_seconds}s per harness)"
: >"$results/fuzz.txt"
if CC=clang sh scripts/setup-build.sh "$fuzz_dir" -Dfuzz=true -Dtests=false \
        -Dbuildtype=debugoptimized -Db_sanitize=address,undefined \
        -Db_lundef=false -Dwerror=true &&
    meson compile -C "$fuzz_dir" >"$results/fcompile.log" 2>&1; then
    for bin in "$fuzz_dir"/fuzz/fuzz_*; do
        [ -f "$bin" ] && [ -x "$bin" ] || continue
        name=${bin##*/fuzz_}
        scratch="$results/corpus-$name"
        mkdir -p "$scratch"
        dict=""
        [ -f "$here/fuzz/$name.dict" ] && dict="-dict=$here/fuzz/$name.dict"
        if "$bin" -max_total_time="$fuzz_seconds" -timeout=10 \
                -rss_limit_mb=2048 -print_final_stats=0 $dict \
                "$scratch" "$here/fuzz/corpus/$name" \
                >"$results/fuzz-$name.log" 2>&1; then
            echo "fuzz $name: ok"
            echo "ok $name" >>"$results/fuzz.txt"
        else
            tail -40 "$results/fuzz-$name.log"
            echo "fuzz $name: FAILED (crash input is in the log above)"
            echo "not ok $name" >>"$results/fuzz.txt"
        fi
    done
else
    tail -50 "$results/fcompile.log" 2>/dev/null
    echo "run-tests: the fuzz build failed" >&2
    build_failed=1
fi

python3 scripts/test-summary.py "$results/testlog.json" \
    "$results/fuzz.txt" "$build_failed" "$meson_rc"
