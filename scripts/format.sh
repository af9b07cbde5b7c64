#!/bin/sh
# format.sh [--check]: apply .clang-format to every tracked C file, or with
# --check list the files that differ and fail. Files whose layout is
# deliberate (SQL migrations written as string tables) are listed in
# scripts/format-exclude.txt.
set -u
cd "$(dirname "$0")/.." || exit 1
if ! command -v clang-format >/dev/null 2>&1; then
    echo "format: clang-format not found (apt-get install clang-format)" >&2
    exit 1
fi
rc=0
for f in $(git ls-files '*.c' '*.h' | grep -vxF -f scripts/format-exclude.txt); do
    [ -f "$f" ] || continue
    if [ "${1:-}" = "--check" ]; then
        if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
            echo "format: $f differs from .clang-format (run 'make format')"
            rc=1
        fi
    else
        clang-format -i "$f"
    fi
done
[ "${1:-}" = "--check" ] && [ $rc -eq 0 ] && echo "format: ok"
exit $rc
