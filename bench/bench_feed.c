/*
 * bench_feed.c - the change feed (lrs/changes.h) on SQLite: how fast a
 * reader gets through the changes another connection made, alone and
 * applied to a match index (lrs_service_index_apply: the learner read
 * again with its name history, re-keyed or inserted), as lrsd's feed
 * thread does after a bulk import elsewhere.
 *
 * A register of LEARNERS learners is imported and indexed; then another
 * connection imports CHANGES more in one transaction; then two cursors
 * made before that import read its changes, one without applying them
 * and one applying each to the index.
 *
 * usage: bench_feed [LEARNERS] [CHANGES] [DIR]   (200000, 20000, /tmp)
 * Every figure is printed, none asserted (docs/PERFORMANCE.md).
 */
#include "bench.h"

#include <lrs/changes.h>
#include <lrs/match.h>
#include <lrs/service.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const struct lrs_actor actor = {0, 0, "bench", NULL};

static const char *const given[] = {"Oliver", "Amelia", "Muhammad", "Zoë",
                                    "Siân",   "Jack",   "Isla",     "Noah"};
static const char *const family[] = {"Smith",       "O'Brien", "Wiśniewska",
                                     "Smith-Jones", "Patel",   "Evans"};
static const char *const postcodes[] = {"SW1A 1AA", "M1 1AE",  "B33 8TH",
                                        "CR2 6XH",  "LS1 4AP", "EX4 3SR"};

/* CPU time of the process, ns: on a shared machine the wall clock
 * counts the other builds too. */
static uint64_t cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Report `ops` over the wall and the CPU time since w0 and c0. */
static void report(const char *name, uint64_t ops, uint64_t w0, uint64_t c0)
{
    char cpu[128];

    bench_report(name, ops, bench_now_ns() - w0);
    snprintf(cpu, sizeof cpu, "%s, CPU", name);
    bench_report(cpu, ops, cpu_ns() - c0);
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "bench_feed: %s: %s\n", what, why);
    exit(1);
}

/* Import n learners (ULNs issued), the i-th from `first`, on `s`. */
static void import(struct lrs_store *s, uint64_t first, uint64_t n)
{
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs_import_result r;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_csv_mem m;

    if (lrs_buf_adds(&b, "uln,given_name,middle_names,family_name,"
                         "date_of_birth,gender,postcode\n"))
        die("csv", "out of memory");
    for (uint64_t i = first; i < first + n; i++)
        if (lrs_buf_addf(&b, ",%s,,%s%llu,20%02u-%02u-%02u,%u,%s\n",
                         given[i % 8], family[i % 6],
                         (unsigned long long)(i % 9973), (unsigned)(8 + i % 6),
                         (unsigned)(1 + i % 12), (unsigned)(1 + i % 28),
                         (unsigned)(1 + i % 2), postcodes[i % 6]))
            die("csv", "out of memory");
    m = (struct lrs_csv_mem){b.data, b.len};
    if (lrs_service_import_learners(s, &actor, lrs_csv_mem_read, &m, NULL, &r,
                                    &d))
        die("import", d.msg);
    lrs_buf_release(&b);
}

static enum lrs_err count_only(const struct lrs_store_change *c, void *ctx)
{
    *(uint64_t *)ctx += (uint64_t)c->uln[9];
    return LRS_OK;
}

struct apply {
    struct lrs_store *s;
    struct lrs_match_index *idx;
};

static enum lrs_err apply(const struct lrs_store_change *c, void *ctx)
{
    const struct apply *a = ctx;
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_index_apply done;
    const enum lrs_err err =
        lrs_service_index_apply(a->s, a->idx, c->uln, &done, &d);

    if (err)
        die("apply", d.msg);
    return LRS_OK;
}

/* Read everything `c` has, 1000 at a time; the changes read. */
static uint64_t drain(struct lrs_store *s, struct lrs_store_cursor *c,
                      lrs_store_change_fn fn, void *ctx)
{
    uint64_t total = 0;
    size_t n;

    do {
        if (lrs_store_changes_since(s, c, 1000, fn, ctx, &n))
            die("read the feed", lrs_store_errmsg(s));
        total += n;
    } while (n == 1000);
    return total;
}

int main(int argc, char **argv)
{
    const uint64_t learners = argc > 1 ? strtoull(argv[1], NULL, 10) : 200000;
    const uint64_t changes = argc > 2 ? strtoull(argv[2], NULL, 10) : 20000;
    const char *dir = argc > 3 ? argv[3] : "/tmp";
    struct lrs_store_cursor *read_only = NULL, *applied = NULL;
    struct lrs_store *s = NULL, *other = NULL;
    struct lrs_match_index *idx = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct apply a;
    uint64_t sum = 0, n, t0, c0;
    char path[512], side[600];

    snprintf(path, sizeof path, "%s/bench_feed.%ld.db", dir, (long)getpid());
    if (lrs_store_open(path,
                       LRS_STORE_OPEN_CREATE | LRS_STORE_OPEN_NO_SCHEMA_CHECK,
                       &s, &d) ||
        lrs_store_init(s, NULL))
        die(path, d.msg);
    import(s, 0, learners);
    if (lrs_service_index_load(s, NULL, &idx, &d))
        die("load the index", d.msg);
    if (lrs_store_cursor_new(s, 0, &read_only) ||
        lrs_store_cursor_new(s, 0, &applied))
        die("cursor", lrs_store_errmsg(s));
    if (lrs_store_open(path, 0, &other, &d))
        die(path, d.msg);
    t0 = bench_now_ns();
    c0 = cpu_ns();
    import(other, learners, changes);
    report("import elsewhere (one transaction)", changes, t0, c0);

    t0 = bench_now_ns();
    c0 = cpu_ns();
    n = drain(s, read_only, count_only, &sum);
    report("feed read", n, t0, c0);
    a = (struct apply){s, idx};
    t0 = bench_now_ns();
    c0 = cpu_ns();
    n = drain(s, applied, apply, &a);
    report("feed read + apply to the index", n, t0, c0);
    bench_sink(sum);

    lrs_store_cursor_free(read_only);
    lrs_store_cursor_free(applied);
    lrs_match_index_free(idx);
    lrs_store_free(other);
    lrs_store_free(s);
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return 0;
}
