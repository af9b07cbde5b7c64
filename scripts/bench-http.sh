#!/bin/sh
# bench-http.sh BUILD_DIR: load a real lrsd on 127.0.0.1 with wrk and print
# ULN lookups and demographic searches per second, p50/p99 latency and
# errors (docs/PERFORMANCE.md, "lrsd over HTTP").
#
# The register (LRS_BENCH_LEARNERS, default 1,000,000 learners from
# `lrs synth` and `lrs import`) is cached under BUILD_DIR/bench-http, so
# reruns start at once (and brought up to the current schema with `lrs
# init`). lrsd runs on the release build with its default request threads
# (LRS_BENCH_LRSD_THREADS sets --threads), wrk with LRS_BENCH_CONNECTIONS
# (64) connections on 2 threads for LRS_BENCH_SECONDS (15) per endpoint.
# LRS_BENCH_LRSD runs another lrsd binary (to compare two builds in one
# sitting). Request bodies are sampled from the register (seeded, so reruns
# send the same requests) and sent as the operator by bench/http/post.lua.
#
# Each line also gives the CPU time lrsd and wrk used per request
# (lrsd_cpu_us, wrk_cpu_us: /proc/PID/stat and wrk's rusage): on a machine
# shared with other work those move far less than requests/s do.
set -eu
b=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
n=${LRS_BENCH_LEARNERS:-1000000}
secs=${LRS_BENCH_SECONDS:-15}
conns=${LRS_BENCH_CONNECTIONS:-64}
lrsd_threads=${LRS_BENCH_LRSD_THREADS:-}
data=$b/bench-http
db=$data/register-$n.db

command -v wrk >/dev/null 2>&1 || {
    echo "bench-http: wrk is missing (scripts/deps.sh installs it)" >&2
    exit 1
}
mkdir -p "$data"
if [ ! -f "$db" ]; then
    echo "bench-http: making a register of $n learners (cached in $db)"
    "$b/lrs" synth --learners "$n" --queries 0 --seed 11 \
        --out "$data/synth-$n" >/dev/null
    rm -f "$db.tmp" "$db.tmp-wal" "$db.tmp-shm"
    "$b/lrs" init --db "$db.tmp" >/dev/null
    "$b/lrs" import learners "$data/synth-$n/learners.csv" \
        --db "$db.tmp" >/dev/null
    mv "$db.tmp" "$db"
fi
if [ ! -f "$data/by-uln-$n.jsonl" ]; then
    # 20,000 learners of the register as learnerByULN and search bodies.
    python3 - "$data/synth-$n/learners.csv" "$data/by-uln-$n.jsonl" \
        "$data/search-$n.jsonl" <<'PY'
import csv, json, random, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
random.Random(11).shuffle(rows)
rows = rows[:20000]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps({"uln": r["uln"], "given_name": r["given_name"],
                            "family_name": r["family_name"]}) + "\n")
with open(sys.argv[3], "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps({k: r[k] for k in ("given_name", "family_name",
                "date_of_birth", "gender", "postcode")}) + "\n")
PY
fi

run=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$run"
}
trap cleanup EXIT INT TERM
# The store is changed by the run (audit rows): work on a copy, at the
# schema this lrs expects (a register cached by an older build).
cp "$db" "$run/lrs.db"
"$b/lrs" init --db "$run/lrs.db" >/dev/null
token="lrst_BenchOperatorToken_0123456789abcdefghijklmn"
echo "$token" >"$run/operator.token"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${LRS_BENCH_LRSD:-$b/lrsd}" --db "$run/lrs.db" --listen "127.0.0.1:$port" \
    ${lrsd_threads:+--threads "$lrsd_threads"} \
    --operator-token-file "$run/operator.token" \
    --search-rate 1000000 --log-level warn --max-connections 1000 \
    2>"$run/lrsd.log" &
pid=$!
up=
for _ in $(seq 1 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && up=1 && break
    kill -0 "$pid" 2>/dev/null || { cat "$run/lrsd.log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$up" ] || { echo "bench-http: lrsd did not start" >&2; exit 1; }
url=http://127.0.0.1:$port

# The first search loads the match index (seconds for a million): not timed.
head -n 1 "$data/search-$n.jsonl" | curl -sf -o /dev/null \
    -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
    --data-binary @- "$url/api/v1/learners/search" || {
    echo "bench-http: the warm-up search failed" >&2
    cat "$run/lrsd.log" >&2
    exit 1
}

# CPU seconds lrsd has used so far (user + system).
lrsd_cpu() {
    awk -v t="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / t }' \
        "/proc/$pid/stat"
}
bench() { # NAME PATH BODIES
    c0=$(lrsd_cpu)
    out=$(LRS_BENCH_BODIES=$3 LRS_BENCH_PATH=$2 LRS_BENCH_TOKEN=$token \
        python3 "$here/scripts/bench-rusage.py" \
        wrk -t2 -c"$conns" -d"${secs}s" -s "$here/bench/http/post.lua" "$url")
    c1=$(lrsd_cpu)
    echo "$out" | awk -v name="$1" -v c0="$c0" -v c1="$c1" '
        /^RESULT / { line = $0; sub(/^RESULT /, "", line)
                     split($2, a, "="); n = a[2] }
        /^RUSAGE / { split($2, w, "="); wrk = w[2] }
        END { if (n > 0)
                  printf "%s: %s lrsd_cpu_us=%.0f wrk_cpu_us=%.0f\n", name,
                         line, (c1 - c0) * 1e6 / n, wrk * 1e6 / n }'
}
echo "# lrsd over HTTP: $n learners, lrsd --threads" \
    "${lrsd_threads:-default (twice the $(nproc) processors)}, wrk 2 threads"
echo "# $conns connections, ${secs} s each, load average $(cut -d' ' -f1-3 /proc/loadavg)"
bench "learnerByULN (POST /api/v1/learners/by-uln)" /api/v1/learners/by-uln \
    "$data/by-uln-$n.jsonl"
bench "learnerByDemographics (POST /api/v1/learners/search)" \
    /api/v1/learners/search "$data/search-$n.jsonl"
