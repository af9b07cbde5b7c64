/*
 * bench_plr.c - results into the PLR on SQLite: rows verified and stored
 * per second by lrs_plr_results_upload() (parse, verify the ULN and names
 * against the register, find the event's key, insert, audit; one
 * transaction), then the same file again (every row verified and found
 * unchanged), then single verifications (verifyLearner, one transaction
 * each).
 *
 * usage: bench_plr [ROWS] [LEARNERS] [DIR]  (default 200000, 100000, /tmp)
 * Every figure is printed, none asserted (docs/PERFORMANCE.md, "PLR").
 */
#include "bench.h"

#include <lrs/plr.h>
#include <lrs/service.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct lrs_actor actor = {0, 0, "bench", NULL};

static const char *const given[] = {"Oliver", "Amelia", "Muhammad", "Zoë",
                                    "Siân",   "Jack",   "Isla",     "Noah"};
static const char *const family[] = {"Smith",       "O'Brien", "Wiśniewska",
                                     "Smith-Jones", "Patel",   "Evans"};
static const char *const subjects[] = {"600/1166/X", "601/4433/2", "601/0000/9",
                                       "603/1234/5", "600/9999/1", "601/5555/3",
                                       "602/7777/7", "600/2222/2"};

static void die(const char *what, const char *why)
{
    fprintf(stderr, "bench_plr: %s: %s\n", what, why);
    exit(1);
}

static struct lrs_store *fresh(const char *path)
{
    struct lrs_store *s = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    char side[600];

    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    if (lrs_store_open(path,
                       LRS_STORE_OPEN_CREATE | LRS_STORE_OPEN_NO_SCHEMA_CHECK,
                       &s, &d) ||
        lrs_store_init(s, NULL))
        die("cannot create the store", d.msg);
    return s;
}

/* `n` learners with ULNs from a fixed key; their ULNs into ulns[]. */
static void register_learners(struct lrs_store *s, uint64_t n, char (*ulns)[11])
{
    struct lrs_buf csv = LRS_BUF_INIT;
    struct lrs_import_result r;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_uln_key key;
    struct lrs_csv_mem m;
    uint64_t counter = 0;

    for (size_t i = 0; i < sizeof key.bytes; i++)
        key.bytes[i] = (uint8_t)(i * 29 + 3);
    if (lrs_buf_adds(&csv, "uln,given_name,middle_names,family_name,"
                           "date_of_birth,gender,postcode\n"))
        die("csv", "out of memory");
    for (uint64_t i = 0; i < n; i++) {
        if (lrs_uln_issue(&key, &counter, ulns[i]) ||
            lrs_buf_addf(&csv, "%s,%s,,%s,2008-%02u-%02u,%u,SW1A 1AA\n",
                         ulns[i], given[i % 8], family[i % 6],
                         (unsigned)(1 + i % 12), (unsigned)(1 + i % 28),
                         (unsigned)(1 + i % 2)))
            die("csv", "cannot build");
    }
    m = (struct lrs_csv_mem){csv.data, csv.len};
    if (lrs_service_import_learners(s, &actor, lrs_csv_mem_read, &m, NULL, &r,
                                    &d))
        die("import", d.msg);
    lrs_buf_release(&csv);
}

/* A results CSV: rows spread over the learners, a few names only
 * similar, one in 50 not matching (rejected). */
static void make_results(struct lrs_buf *b, uint64_t rows, uint64_t learners,
                         char (*ulns)[11])
{
    if (lrs_buf_adds(b, "uln,given_name,family_name,date_of_birth,"
                        "subject_code,subject,qualification_type,level,"
                        "grade,award_date,credits,status\n"))
        die("csv", "out of memory");
    for (uint64_t i = 0; i < rows; i++) {
        const uint64_t l = (i * 7919) % learners;
        const char *fam = i % 50 == 49 ? "Nobody" : family[l % 6];
        const char *giv = i % 10 == 9 ? "Olly" : given[l % 8];

        if (lrs_buf_addf(b,
                         "%s,%s,%s,2008-%02u-%02u,%s,Subject %u,GCSE,2,%u,"
                         "2024-08-%02u,12,F\n",
                         ulns[l], l % 8 == 0 ? giv : given[l % 8], fam,
                         (unsigned)(1 + l % 12), (unsigned)(1 + l % 28),
                         subjects[(i / learners) % 8], (unsigned)(i % 8),
                         (unsigned)(1 + i % 9), (unsigned)(10 + i % 18)))
            die("csv", "cannot build");
    }
}

static void upload(struct lrs_store *s, const struct lrs_buf *csv,
                   const char *name)
{
    struct lrs_results_opts o = {"bench.csv", "10000001", "Bench Board",
                                 0,           NULL,       NULL};
    struct lrs_results_summary sum;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_csv_mem m = {csv->data, csv->len};
    uint64_t t0 = bench_now_ns();

    if (lrs_plr_results_upload(s, &actor, lrs_csv_mem_read, &m, &o, &sum, &d))
        die("upload", d.msg);
    bench_report(name, sum.rows, bench_now_ns() - t0);
    printf("  rows %llu: stored %llu, corrected %llu, unchanged %llu, "
           "rejected %llu\n",
           (unsigned long long)sum.rows, (unsigned long long)sum.stored,
           (unsigned long long)sum.corrected, (unsigned long long)sum.unchanged,
           (unsigned long long)sum.rejected);
}

static void verify_single(struct lrs_store *s, uint64_t n, uint64_t learners,
                          char (*ulns)[11])
{
    uint64_t t0 = bench_now_ns(), ok = 0;

    for (uint64_t i = 0; i < n; i++) {
        const uint64_t l = (i * 104729) % learners;
        struct lrs_verify_input in;
        struct lrs_verify_result r;
        struct lrs_diag d = LRS_DIAG_INIT;

        if (lrs_verify_input_set(
                &in, lrs_str_c(ulns[l]), lrs_str_c(given[l % 8]),
                lrs_str_c(family[l % 6]), LRS_STR(""), LRS_STR(""), &d) ||
            lrs_verify_learner(s, &actor, &in, &r, &d))
            die("verify", d.msg);
        ok += lrs_verify_accepted(r.code);
    }
    bench_report("verifyLearner (own durable txn each)", n,
                 bench_now_ns() - t0);
    bench_sink(ok);
}

int main(int argc, char **argv)
{
    const uint64_t rows = argc > 1 ? strtoull(argv[1], NULL, 10) : 200000;
    const uint64_t learners = argc > 2 ? strtoull(argv[2], NULL, 10) : 100000;
    const char *dir = argc > 3 ? argv[3] : "/tmp";
    char path[512];
    char(*ulns)[11];
    struct lrs_buf csv = LRS_BUF_INIT;
    struct lrs_store *s;

    if (!rows || !learners)
        die("usage", "bench_plr [ROWS] [LEARNERS] [DIR]");
    ulns = calloc(learners, sizeof *ulns);
    if (!ulns)
        die("memory", "out of memory");
    snprintf(path, sizeof path, "%s/bench_plr.db", dir);
    s = fresh(path);
    register_learners(s, learners, ulns);
    make_results(&csv, rows, learners, ulns);
    printf("register: %llu learners; results: %llu rows (%zu bytes)\n",
           (unsigned long long)learners, (unsigned long long)rows, csv.len);
    upload(s, &csv, "results upload (new rows)");
    upload(s, &csv, "results upload (same file again)");
    verify_single(s, 2000, learners, ulns);
    lrs_store_free(s);
    lrs_buf_release(&csv);
    free(ulns);
    unlink(path);
    return 0;
}
