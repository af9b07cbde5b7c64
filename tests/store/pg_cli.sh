#!/bin/sh
# pg_cli.sh LRS: the lrs store commands against PostgreSQL, as TAP.
#
# Run under tests/pg/with-pg.sh, which starts a private server and exports
# LRS_TEST_PG_URL (a golden .t file cannot start one). Fails, never skips,
# when the URL is missing. Each check prints "ok N - what" or "not ok".
set -u
lrs=$1
url=${LRS_TEST_PG_URL:-}
n=0
failed=0
dir=$(mktemp -d /tmp/lrs-pgcli.XXXXXX)
trap 'rm -rf "$dir"' EXIT INT TERM

echo "1..14"
if [ -z "$url" ]; then
    echo "Bail out! LRS_TEST_PG_URL is not set: run under tests/pg/with-pg.sh"
    exit 1
fi

# check WHAT EXPECTED-RC PATTERN CMD...: run CMD, require its exit code
# and that its stdout+stderr match the grep -E PATTERN.
check() {
    what=$1 rc_want=$2 pattern=$3
    shift 3
    n=$((n + 1))
    "$@" >"$dir/out" 2>&1
    rc=$?
    if [ "$rc" -eq "$rc_want" ] && grep -Eq -- "$pattern" "$dir/out"; then
        echo "ok $n - $what"
    else
        echo "not ok $n - $what (exit $rc, want $rc_want)"
        sed 's/^/# /' "$dir/out"
        failed=$((failed + 1))
    fi
}

cat >"$dir/good.csv" <<'EOF'
uln,given_name,middle_names,family_name,date_of_birth,gender,postcode
9999999998,Ann,Marie,Smith,2010-01-02,F,SW1A 1AA
,Bob,,Jones,11/03/2011,M,sw1a2aa
,Zoë,,O'Brien,2012-12-31,2,SW1A 1AA
EOF
cat >"$dir/bad.csv" <<'EOF'
uln,given_name,middle_names,family_name,date_of_birth,gender,postcode
,Cat,,Brown,2010-02-30,F,SW1A 1AA
,Dan,,Green,2010-02-03,F,SW1A 1AA
EOF
cat >"$dir/dup.csv" <<'EOF'
uln,given_name,middle_names,family_name,date_of_birth,gender,postcode
9999999998,Eve,,White,2010-02-03,F,SW1A 1AA
EOF

check "stats before init says to run lrs init" 1 "not initialised" \
    "$lrs" stats --db "$url"
check "lrs init creates the schema" 0 "^initialised store .* \(schema version 13\)" \
    "$lrs" init --db "$url"
check "lrs init again changes nothing" 0 "is up to date" \
    "$lrs" init --db "$url"
check "import learners issues two ULNs" 0 \
    "^imported 3 learners \(2 ULNs issued\)" \
    "$lrs" import learners "$dir/good.csv" --db "$url"
check "an invalid row imports nothing, with line and column" 1 \
    "line 2.*date_of_birth" \
    "$lrs" import learners "$dir/bad.csv" --db "$url"
check "a registered ULN is rejected" 1 "9999999998" \
    "$lrs" import learners "$dir/dup.csv" --db "$url"
check "--skip-invalid imports the valid row" 0 \
    "^imported 1 learner \(1 ULN issued\), rejected 1 row" \
    "$lrs" import learners "$dir/bad.csv" --skip-invalid \
    --rejects "$dir/rejects.csv" --db "$url"
check "stats counts learners on the postgres engine" 0 \
    "engine: +postgres" "$lrs" stats --db "$url"
check "stats: four learners" 0 "^learners: +4$" "$lrs" stats --db "$url"
check "show a learner by ULN" 0 "Smith" "$lrs" show 9999999998 --db "$url"
check "postgresql:// selects the same engine" 0 "Zoë" \
    "$lrs" export learners --db "$(echo "$url" | sed 's,^postgres://,postgresql://,')"

n=$((n + 1))
"$lrs" export learners "$dir/out.csv" --db "$url" >/dev/null 2>&1
rows=$(($(wc -l <"$dir/out.csv") - 1))
ulns=$(tail -n +2 "$dir/out.csv" | cut -d, -f1 | sort -u | wc -l)
if [ "$rows" -eq 4 ] && [ "$ulns" -eq 4 ]; then
    echo "ok $n - export: four learners, four distinct ULNs"
else
    echo "not ok $n - export: $rows rows, $ulns distinct ULNs"
    failed=$((failed + 1))
fi

check "an unreachable server is an error naming the store" 1 \
    "cannot open store 'postgres://127.0.0.1:1/none'" \
    "$lrs" stats --db "postgres://127.0.0.1:1/none"
check "LRS_DB selects the store too" 0 "engine: +postgres" \
    env LRS_DB="$url" "$lrs" stats

exit $((failed > 0))
