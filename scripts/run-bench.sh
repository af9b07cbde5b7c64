#!/bin/sh
# run-bench.sh BUILD_DIR: run every benchmark of the release build and print
# its figures, headed by the machine and date (for docs/PERFORMANCE.md).
set -eu
b=$1
echo "# openlrs benchmarks, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "# $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo)"
for bench in "$b"/bench/bench_*; do
    [ -f "$bench" ] && [ -x "$bench" ] || continue
    echo
    echo "## ${bench##*/}"
    "$bench"
done
echo
echo "## lrsd over HTTP (scripts/bench-http.sh)"
sh "$(dirname "$0")/bench-http.sh" "$b"
