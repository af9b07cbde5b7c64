/*
 * metrics.c - counters, gauges and histograms, written out for Prometheus.
 *
 * Every number is a C11 atomic updated with relaxed ordering: each is an
 * independent count, and a scrape that sees one request counted and its
 * latency not yet is harmless. Requests are counted by route (the pattern,
 * never the path, so no ULN becomes a label) and status, 100 to 599; the
 * latency histogram is per route with the buckets below. Memory is fixed
 * at start: about 270 KiB of counters.
 *
 * Format: the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/).
 */
#include "lrsd.h"

#include <string.h>

#define STATUS_MIN   100
#define STATUS_COUNT 500
#define WSRC_MAX     32

/* Upper bounds of the latency buckets in microseconds, then +Inf. */
static const uint64_t bucket_us[] = {
    100,   250,    500,    1000,   2500,    5000,    10000,   25000,
    50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000,
};
#define BUCKETS (LRSD_LEN(bucket_us) + 1)

struct route_stats {
    _Atomic uint64_t by_status[STATUS_COUNT];
    _Atomic uint64_t bucket[BUCKETS]; /* not cumulative; summed on output */
    _Atomic uint64_t sum_ns;
    _Atomic uint64_t count;
};

/* One slot per route plus one for requests that matched none. */
static struct route_stats routes[LRSD_ROUTE_MAX + 1];
static _Atomic uint64_t matches[WSRC_MAX + 1];
static _Atomic int64_t gauges[LRSD_GAUGE__COUNT];
/* The change feed (lrsd_metrics_feed). */
static _Atomic uint64_t feed_applied, feed_reads, feed_errors;
static _Atomic int64_t feed_lag_ms;

static const struct {
    const char *name;
    const char *help;
} gauge_info[LRSD_GAUGE__COUNT] = {
    {"lrsd_jobs_queued", "Batch jobs waiting for a worker."},
    {"lrsd_jobs_running", "Batch jobs being processed."},
    {"lrsd_index_learners", "Learners in the in-memory match index."},
    {"lrsd_index_bytes", "Memory held by the match index, bytes."},
    {"lrsd_http_requests_in_flight", "Requests being handled now."},
};

static size_t slot(size_t route)
{
    return route < lrsd_route_count ? route : LRSD_ROUTE_MAX;
}

void lrsd_metrics_request(size_t route, unsigned status, uint64_t ns)
{
    struct route_stats *rs = &routes[slot(route)];
    const uint64_t us = ns / 1000;
    size_t b = 0;

    if (status >= STATUS_MIN && status < STATUS_MIN + STATUS_COUNT)
        atomic_fetch_add_explicit(&rs->by_status[status - STATUS_MIN], 1,
                                  memory_order_relaxed);
    while (b < LRSD_LEN(bucket_us) && us > bucket_us[b])
        b++;
    atomic_fetch_add_explicit(&rs->bucket[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&rs->sum_ns, ns, memory_order_relaxed);
    atomic_fetch_add_explicit(&rs->count, 1, memory_order_relaxed);
}

void lrsd_metrics_match(unsigned wsrc)
{
    if (wsrc <= WSRC_MAX)
        atomic_fetch_add_explicit(&matches[wsrc], 1, memory_order_relaxed);
}

void lrsd_metrics_gauge_set(enum lrsd_gauge g, int64_t value)
{
    atomic_store_explicit(&gauges[g], value, memory_order_relaxed);
}

void lrsd_metrics_gauge_add(enum lrsd_gauge g, int64_t delta)
{
    atomic_fetch_add_explicit(&gauges[g], delta, memory_order_relaxed);
}

int64_t lrsd_metrics_gauge_get(enum lrsd_gauge g)
{
    return atomic_load_explicit(&gauges[g], memory_order_relaxed);
}

void lrsd_metrics_feed(uint64_t applied, int64_t lag_ms, bool failed)
{
    atomic_fetch_add_explicit(&feed_reads, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&feed_applied, applied, memory_order_relaxed);
    if (failed)
        atomic_fetch_add_explicit(&feed_errors, 1, memory_order_relaxed);
    if (lag_ms >= 0)
        atomic_store_explicit(&feed_lag_ms, lag_ms, memory_order_relaxed);
}

static enum lrs_err write_feed(struct lrs_buf *out)
{
    return lrs_buf_addf(
        out,
        "# HELP lrsd_feed_changes_applied_total Changes from the store's "
        "change feed applied to the match index.\n"
        "# TYPE lrsd_feed_changes_applied_total counter\n"
        "lrsd_feed_changes_applied_total %llu\n"
        "# HELP lrsd_feed_reads_total Reads of the change feed.\n"
        "# TYPE lrsd_feed_reads_total counter\n"
        "lrsd_feed_reads_total %llu\n"
        "# HELP lrsd_feed_errors_total Reads of the change feed that "
        "failed.\n"
        "# TYPE lrsd_feed_errors_total counter\n"
        "lrsd_feed_errors_total %llu\n"
        "# HELP lrsd_feed_lag_seconds Time from a learner's write to its "
        "change in the match index, for the last read that applied any.\n"
        "# TYPE lrsd_feed_lag_seconds gauge\n"
        "lrsd_feed_lag_seconds %.3f\n",
        (unsigned long long)atomic_load_explicit(&feed_applied,
                                                 memory_order_relaxed),
        (unsigned long long)atomic_load_explicit(&feed_reads,
                                                 memory_order_relaxed),
        (unsigned long long)atomic_load_explicit(&feed_errors,
                                                 memory_order_relaxed),
        (double)atomic_load_explicit(&feed_lag_ms, memory_order_relaxed) / 1e3);
}

/* The labels of a route: {method="GET",route="/healthz"}. */
static void labels(size_t i, char *out, size_t out_len)
{
    char m[16];

    if (i >= lrsd_route_count) {
        snprintf(out, out_len, "method=\"\",route=\"none\"");
        return;
    }
    lrsd_methods_text(lrsd_routes[i].method, m, sizeof m);
    snprintf(out, out_len, "method=\"%s\",route=\"%s\"", m,
             lrsd_routes[i].pattern);
}

static enum lrs_err write_requests(struct lrs_buf *out)
{
    enum lrs_err err;

    err = lrs_buf_adds(out, "# HELP lrsd_http_requests_total HTTP requests by "
                            "route and status.\n"
                            "# TYPE lrsd_http_requests_total counter\n");
    for (size_t i = 0; !err && i <= LRSD_ROUTE_MAX; i++) {
        char l[160];

        if (i >= lrsd_route_count && i != LRSD_ROUTE_MAX)
            continue;
        labels(i, l, sizeof l);
        for (size_t s = 0; !err && s < STATUS_COUNT; s++) {
            const uint64_t n = atomic_load_explicit(&routes[i].by_status[s],
                                                    memory_order_relaxed);

            if (n)
                err = lrs_buf_addf(out,
                                   "lrsd_http_requests_total{%s,status="
                                   "\"%zu\"} %llu\n",
                                   l, s + STATUS_MIN, (unsigned long long)n);
        }
    }
    return err;
}

static enum lrs_err write_histogram(struct lrs_buf *out, size_t i)
{
    const struct route_stats *rs = &routes[i];
    const char *name = "lrsd_http_request_duration_seconds";
    uint64_t cum = 0;
    enum lrs_err err = LRS_OK;
    char l[160];

    if (!atomic_load_explicit(&rs->count, memory_order_relaxed))
        return LRS_OK;
    labels(i, l, sizeof l);
    for (size_t b = 0; !err && b < BUCKETS; b++) {
        char le[32];

        cum += atomic_load_explicit(&rs->bucket[b], memory_order_relaxed);
        if (b < LRSD_LEN(bucket_us))
            snprintf(le, sizeof le, "%g", (double)bucket_us[b] / 1e6);
        else
            snprintf(le, sizeof le, "+Inf");
        err = lrs_buf_addf(out, "%s_bucket{%s,le=\"%s\"} %llu\n", name, l, le,
                           (unsigned long long)cum);
    }
    if (!err)
        err = lrs_buf_addf(
            out, "%s_sum{%s} %.6f\n%s_count{%s} %llu\n", name, l,
            (double)atomic_load_explicit(&rs->sum_ns, memory_order_relaxed) /
                1e9,
            name, l, (unsigned long long)cum);
    return err;
}

static enum lrs_err write_matches(struct lrs_buf *out)
{
    enum lrs_err err;

    err = lrs_buf_adds(out, "# HELP lrsd_matches_total Find and register "
                            "outcomes by LRS code.\n"
                            "# TYPE lrsd_matches_total counter\n");
    for (unsigned c = 0; !err && c <= WSRC_MAX; c++) {
        const uint64_t n =
            atomic_load_explicit(&matches[c], memory_order_relaxed);

        if (n)
            err = lrs_buf_addf(out,
                               "lrsd_matches_total{code=\"WSRC%04u\"} "
                               "%llu\n",
                               c, (unsigned long long)n);
    }
    return err;
}

enum lrs_err lrsd_metrics_write(struct lrs_buf *out)
{
    enum lrs_err err;

    err = lrs_buf_addf(out,
                       "# HELP lrsd_build_info The running version.\n"
                       "# TYPE lrsd_build_info gauge\n"
                       "lrsd_build_info{version=\"%s\"} 1\n",
                       lrs_version());
    if (!err)
        err = write_requests(out);
    if (!err)
        err =
            lrs_buf_adds(out, "# HELP lrsd_http_request_duration_seconds "
                              "Time from request headers to response queued.\n"
                              "# TYPE lrsd_http_request_duration_seconds "
                              "histogram\n");
    for (size_t i = 0; !err && i <= LRSD_ROUTE_MAX; i++)
        if (i < lrsd_route_count || i == LRSD_ROUTE_MAX)
            err = write_histogram(out, i);
    if (!err)
        err = write_matches(out);
    if (!err)
        err = write_feed(out);
    for (size_t g = 0; !err && g < LRSD_GAUGE__COUNT; g++)
        err = lrs_buf_addf(
            out, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", gauge_info[g].name,
            gauge_info[g].help, gauge_info[g].name, gauge_info[g].name,
            (long long)lrsd_metrics_gauge_get((enum lrsd_gauge)g));
    return err;
}
