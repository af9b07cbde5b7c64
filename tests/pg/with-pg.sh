#!/bin/sh
# with-pg.sh CMD [ARGS...]: run CMD against a PostgreSQL server of its own.
#
# Creates a cluster with initdb in a temporary directory, starts it on a
# free port on 127.0.0.1 only (trust authentication, reachable from this
# machine only, and a Unix socket inside the directory), exports
# LRS_TEST_PG_URL=postgres://postgres@127.0.0.1:PORT/postgres, runs CMD,
# then stops the server and removes the directory, whatever CMD did.
# As root the server runs as the `postgres` user (PostgreSQL refuses root).
# Fails, never skips, when PostgreSQL is missing or does not start.
set -u

bindir=${PG_BINDIR:-}
if [ -z "$bindir" ]; then
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && bindir=$d
    done
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "with-pg: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
    exit 1
fi

dir=$(mktemp -d /tmp/lrs-pg.XXXXXX)
as_pg() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir"
    as_pg() { runuser -u postgres -- "$@"; }
fi
cleanup() {
    as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if ! as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    echo "with-pg: initdb failed" >&2
    exit 1
fi
if ! as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=100" \
        start >/dev/null 2>&1; then
    cat "$dir/server.log" >&2
    echo "with-pg: the server did not start" >&2
    exit 1
fi
export LRS_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
"$@"
