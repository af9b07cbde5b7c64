#!/bin/sh
# run.sh BUILD_DIR: the main job of `make run`.
#
# On first run it creates the embedded SQLite register var/lrs.db with a
# synthetic population (lrs synth: 100,000 learners; never real people),
# and an operator API token in var/operator.token. Then it starts lrsd on
# http://127.0.0.1:8080 in the foreground (Ctrl-C stops it cleanly).
# Set LRS_RUN_LEARNERS to change the size of the first register.
set -eu
b=$1
db=var/lrs.db
token=var/operator.token
learners=${LRS_RUN_LEARNERS:-100000}

mkdir -p var
if [ ! -f "$db" ]; then
    echo "run: creating $db with $learners synthetic learners"
    rm -rf var/synth
    "$b/lrs" init --db "$db.tmp"
    "$b/lrs" synth --learners "$learners" --queries 1000 --seed 1 \
        --out var/synth >/dev/null
    "$b/lrs" import learners var/synth/learners.csv --db "$db.tmp"
    # Only a complete register takes the final name.
    for ext in "" -wal -shm; do
        [ -f "$db.tmp$ext" ] && mv "$db.tmp$ext" "$db$ext"
    done
fi
if [ ! -f "$token" ]; then
    umask 077
    printf 'lrst_%s\n' "$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' |
        tr -d '=\n' | cut -c1-43)" >"$token"
fi
# The first synthetic learner, for the examples below.
eg=$(sed -n 2p var/synth/learners.csv 2>/dev/null || true)
field() { printf '%s' "$eg" | cut -d, -f"$1"; }
"$b/lrs" stats --db "$db"
cat <<EOT

lrsd on http://127.0.0.1:8080 (Ctrl-C stops it). The operator token is in
$token. Try:
  curl -H "Authorization: Bearer \$(cat $token)" \\
       http://127.0.0.1:8080/api/v1/learners/$(field 1)
  build/lrs find --db $db --given "$(field 2)" --family "$(field 4)" \\
       --dob $(field 5) --gender $(field 6) --postcode "$(field 7)" --explain

EOT
exec "$b/lrsd" --db "$db" --listen 127.0.0.1:8080 --threads 2 \
    --operator-token-file "$token"
