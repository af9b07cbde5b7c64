#!/bin/sh
# pg_compare.sh LRS [LEARNERS] [QUERIES]: the same searches against the
# match engine and against PostgreSQL with pg_trgm and fuzzystrmatch, as
# searches a second on one connection / one thread, and their ratio.
#
# Run it under tests/pg/with-pg.sh (it needs $LRS_TEST_PG_URL); bench_pg
# does that for `make bench`. LRS is the lrs program. The data is one
# `lrs synth` register (default 1,000,000 learners) and its queries
# (default 2,000). PostgreSQL gets the query a careful DBA would write:
# candidates by date of birth, postcode or Double Metaphone of the family
# name, each behind its own index (the planner ORs three bitmap scans),
# ranked by trigram similarity() of the names plus one for an equal date
# and one for an equal postcode, best ten. The match engine does more per
# search (twenty blocks, ten comparison levels, a decision), so the ratio
# favours PostgreSQL if anything.
set -eu
lrs=$1
n=${2:-1000000}
nq=${3:-2000}
: "${LRS_TEST_PG_URL:?run under tests/pg/with-pg.sh}"
dir=$(mktemp -d /tmp/lrs-pgcmp.XXXXXX)
trap 'rm -rf "$dir"' EXIT INT TERM
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$LRS_TEST_PG_URL" "$@"; }
now() { date +%s%N; }

"$lrs" synth --learners "$n" --queries "$nq" --seed 7 --out "$dir/s" >/dev/null

t0=$(now)
psql <<SQL
CREATE EXTENSION pg_trgm;
CREATE EXTENSION fuzzystrmatch;
CREATE TABLE learner (
    uln text PRIMARY KEY, given_name text, middle_names text,
    family_name text, date_of_birth date, gender text, postcode text,
    previous_family_name text, preferred_given_name text,
    address_line1 text, address_line2 text, address_line3 text);
\copy learner FROM '$dir/s/learners.csv' WITH (FORMAT csv, HEADER true)
CREATE INDEX learner_dob ON learner (date_of_birth);
CREATE INDEX learner_postcode ON learner (postcode);
CREATE INDEX learner_family_dm ON learner (dmetaphone(family_name));
ANALYZE learner;
SQL
t1=$(now)
echo "postgresql: loaded and indexed $n learners in $(( (t1 - t0) / 1000000 )) ms"

# One EXECUTE a query, from the same queries.csv lrs find reads.
python3 - "$dir/s/queries.csv" > "$dir/queries.sql" <<'PY'
import csv, sys
def lit(v):
    return "NULL" if v == "" else "'" + v.replace("'", "''") + "'"
print("""PREPARE find(text, text, date, text) AS
SELECT uln, similarity(given_name, $1) + similarity(family_name, $2)
       + CASE WHEN date_of_birth = $3 THEN 1 ELSE 0 END
       + CASE WHEN postcode = $4 THEN 1 ELSE 0 END AS score
FROM learner
WHERE date_of_birth = $3 OR postcode = $4
   OR dmetaphone(family_name) = dmetaphone($2)
ORDER BY score DESC LIMIT 10;""")
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    print("EXECUTE find(%s, %s, %s, %s);" % (lit(r["given_name"]),
          lit(r["family_name"]), lit(r["date_of_birth"]), lit(r["postcode"])))
PY
head -n 9 "$dir/queries.sql" > "$dir/prepare.sql"
t0=$(now); psql -f "$dir/prepare.sql" >/dev/null; t1=$(now)
psql -f "$dir/queries.sql" >/dev/null; t2=$(now)
pg_ns=$(( (t2 - t1) - (t1 - t0) ))

# The match engine: the same queries 50 times over (one pass is too short
# to time beside the index build), less the time to build the index.
head -n 1 "$dir/s/queries.csv" > "$dir/none.csv"
cp "$dir/none.csv" "$dir/many.csv"
for i in $(seq 50); do tail -n +2 "$dir/s/queries.csv" >> "$dir/many.csv"; done
t0=$(now); "$lrs" find --learners "$dir/s/learners.csv" --csv "$dir/none.csv" >/dev/null; t1=$(now)
"$lrs" find --learners "$dir/s/learners.csv" --csv "$dir/many.csv" --out "$dir/r.csv"; t2=$(now)
lrs_ns=$(( ((t2 - t1) - (t1 - t0)) / 50 ))
[ "$lrs_ns" -gt 0 ] || lrs_ns=1

awk -v n="$nq" -v pg="$pg_ns" -v l="$lrs_ns" -v reg="$n" 'BEGIN {
    printf "postgresql (pg_trgm + fuzzystrmatch): %d searches in %.3f s = %.0f searches/s\n", n, pg / 1e9, n / (pg / 1e9)
    printf "openlrs match engine:                 %d searches in %.3f s = %.0f searches/s\n", n, l / 1e9, n / (l / 1e9)
    printf "ratio at %d learners: openlrs %.0f times the searches/s of postgresql\n", reg, pg / l
}'
