/*
 * bench_store.c - the register on SQLite: bulk import rate (rows/s) of
 * 1,000,000 learners with their ULNs, import with ULNs issued, durable
 * single registrations through the service layer (one fsync'd commit
 * each), and the full scan the match engine uses to build its index.
 *
 * usage: bench_store [LEARNERS] [DIR]   (default 1000000, /tmp)
 * Every figure is printed, none asserted (docs/PERFORMANCE.md).
 */
#include "bench.h"

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
static const char *const postcodes[] = {"SW1A 1AA", "M1 1AE",  "B33 8TH",
                                        "CR2 6XH",  "LS1 4AP", "EX4 3SR"};

/* A CSV of n learners; ULNs from a fixed key unless `blank`. */
static int make_csv(struct lrs_buf *b, uint64_t n, bool blank)
{
    struct lrs_uln_key key;
    uint64_t counter = 0;

    for (size_t i = 0; i < sizeof key.bytes; i++)
        key.bytes[i] = (uint8_t)(i * 29 + 3);
    if (lrs_buf_adds(b, "uln,given_name,middle_names,family_name,"
                        "date_of_birth,gender,postcode,address_line1,"
                        "address_line3\n"))
        return -1;
    for (uint64_t i = 0; i < n; i++) {
        char uln[LRS_ULN_LEN + 1] = "";

        if (!blank && lrs_uln_issue(&key, &counter, uln))
            return -1;
        if (lrs_buf_addf(b,
                         "%s,%s,,%s,20%02u-%02u-%02u,%u,%s,"
                         "\"Flat %u, %u Mill Lane\",London\n",
                         uln, given[i % 8], family[i % 6],
                         (unsigned)(8 + i % 6), (unsigned)(1 + i % 12),
                         (unsigned)(1 + i % 28), (unsigned)(1 + i % 2),
                         postcodes[i % 6], (unsigned)(i % 9 + 1),
                         (unsigned)(i % 200 + 1)))
            return -1;
    }
    return 0;
}

static struct lrs_store *fresh(const char *path)
{
    struct lrs_store *s = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    char wal[600];

    unlink(path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    if (lrs_store_open(path,
                       LRS_STORE_OPEN_CREATE | LRS_STORE_OPEN_NO_SCHEMA_CHECK,
                       &s, &d) ||
        lrs_store_init(s, NULL)) {
        fprintf(stderr, "bench_store: cannot create %s: %s\n", path, d.msg);
        exit(1);
    }
    return s;
}

static void bench_import(const char *path, uint64_t n, bool blank,
                         const char *name)
{
    struct lrs_buf csv = LRS_BUF_INIT;
    struct lrs_import_result r;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;
    struct lrs_csv_mem m;
    uint64_t t0;

    if (make_csv(&csv, n, blank)) {
        fprintf(stderr, "bench_store: cannot build the CSV\n");
        exit(1);
    }
    s = fresh(path);
    m = (struct lrs_csv_mem){csv.data, csv.len};
    t0 = bench_now_ns();
    if (lrs_service_import_learners(s, &actor, lrs_csv_mem_read, &m, NULL, &r,
                                    &d)) {
        fprintf(stderr, "bench_store: import failed: %s\n", d.msg);
        exit(1);
    }
    bench_report(name, r.imported, bench_now_ns() - t0);
    lrs_store_free(s);
    lrs_buf_release(&csv);
}

static void bench_scan_count(const struct lrs_learner *l, uint64_t *sum)
{
    *sum += (uint64_t)l->uln[9];
}

static enum lrs_err scan_one(const struct lrs_learner *l, void *ctx)
{
    bench_scan_count(l, ctx);
    return LRS_OK;
}

static void bench_scan(const char *path)
{
    struct lrs_store *s = NULL;
    struct lrs_store_stats st;
    uint64_t sum = 0, t0;

    if (lrs_store_open(path, 0, &s, NULL) || lrs_store_stats(s, &st))
        exit(1);
    t0 = bench_now_ns();
    if (lrs_store_learner_scan(s, scan_one, &sum))
        exit(1);
    bench_report("scan learners (index build)", st.learners,
                 bench_now_ns() - t0);
    bench_sink(sum);
    lrs_store_free(s);
}

static void bench_register(const char *path, uint64_t n)
{
    struct lrs_store *s = fresh(path);
    struct lrs_diag d = LRS_DIAG_INIT;
    const uint64_t t0 = bench_now_ns();

    for (uint64_t i = 0; i < n; i++) {
        struct lrs_learner l;

        lrs_learner_init(&l);
        snprintf(l.given_name, sizeof l.given_name, "%s", given[i % 8]);
        snprintf(l.family_name, sizeof l.family_name, "%s", family[i % 6]);
        snprintf(l.postcode, sizeof l.postcode, "%s", postcodes[i % 6]);
        l.date_of_birth = (struct lrs_date){2010, 5, 17};
        l.gender = LRS_GENDER_FEMALE;
        if (lrs_service_learner_register(s, &actor, &l, &d)) {
            fprintf(stderr, "bench_store: register failed: %s\n", d.msg);
            exit(1);
        }
    }
    bench_report("register (durable commit each)", n, bench_now_ns() - t0);
    lrs_store_free(s);
}

int main(int argc, char **argv)
{
    const uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    const char *dir = argc > 2 ? argv[2] : "/tmp";
    char path[512];

    snprintf(path, sizeof path, "%s/bench_store.%ld.db", dir, (long)getpid());
    bench_import(path, n, false, "import learners (ULNs given)");
    bench_scan(path);
    bench_import(path, n / 5, true, "import learners (ULNs issued)");
    bench_register(path, 2000);
    unlink(path);
    strncat(path, "-wal", sizeof path - strlen(path) - 1);
    unlink(path);
    return 0;
}
