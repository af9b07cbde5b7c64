-- post.lua: a wrk script that POSTs JSON bodies to lrsd as the operator.
--
-- LRS_BENCH_BODIES names a file of request bodies, one JSON object a
-- line; LRS_BENCH_PATH the path to POST them to; LRS_BENCH_TOKEN the API
-- token (lrst_...). Each connection walks the bodies from its own start.
-- done() prints one line of figures for scripts/bench-http.sh.

local bodies = {}
for line in io.lines(os.getenv("LRS_BENCH_BODIES")) do
    bodies[#bodies + 1] = line
end
local path = os.getenv("LRS_BENCH_PATH")
local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("LRS_BENCH_TOKEN"),
}

local threads = {}
local next_id = 0

function setup(thread)
    thread:set("start", next_id * 7919)
    next_id = next_id + 1
    table.insert(threads, thread)
end

local i = 0

function init(args)
    i = start or 0
end

function request()
    i = i % #bodies + 1
    return wrk.format("POST", path, headers, bodies[i])
end

function done(summary, latency, requests)
    local e = summary.errors
    local secs = summary.duration / 1e6
    io.write(string.format(
        "RESULT requests=%d seconds=%.2f per_second=%.0f p50_ms=%.2f " ..
        "p99_ms=%.2f non200=%d socket_errors=%d\n",
        summary.requests, secs, summary.requests / secs,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        e.status, e.connect + e.read + e.write + e.timeout))
end
