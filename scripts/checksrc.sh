#!/bin/sh
# checksrc.sh: house rules a compiler does not check (STYLE.md).
# - lib/ files include "base/base.h" (or "base.h" in lib/base) first;
# - cmd/ includes only <lrs/*.h> of the library, never lib/ internals;
# - public headers include only <stddef.h>, <stdint.h>, <stdbool.h> and
#   other <lrs/*.h>.
set -u
rc=0
for f in $(git ls-files 'lib/*.c'); do
    first=$(grep -m1 '^#include' "$f")
    case "$f" in
    lib/base/*) want='#include "base.h"' ;;
    *) want='#include "base/base.h"' ;;
    esac
    if [ "$first" != "$want" ]; then
        echo "$f: first include must be $want"
        rc=1
    fi
done
for f in $(git ls-files 'cmd/*.c' 'cmd/*.h'); do
    if grep -nE '#include "(base|ids|text|store|match|ctf|service)/' "$f"; then
        echo "$f: cmd/ may include only <lrs/*.h> from the library"
        rc=1
    fi
done
for f in $(git ls-files 'include/lrs/*.h'); do
    if grep -nE '^#include <' "$f" |
        grep -vE '<(stddef|stdint|stdbool)\.h>|<lrs/[a-z_]+\.h>'; then
        echo "$f: public headers include only stddef/stdint/stdbool and lrs/"
        rc=1
    fi
done
[ $rc -eq 0 ] && echo "checksrc: ok"
exit $rc
