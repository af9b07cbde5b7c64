/*
 * bench_store_pg.c - the register on PostgreSQL: bulk import rate (rows/s)
 * of 1,000,000 learners with their ULNs, import with ULNs issued, the full
 * scan (cursor, 1000 rows per FETCH), and single registrations through
 * the service layer, each its own commit (synchronous_commit on).
 *
 * usage: bench_store_pg [LEARNERS]   (default 1000000)
 * The server is $LRS_TEST_PG_URL; without it the program runs itself again
 * under tests/pg/with-pg.sh, which starts a private server on 127.0.0.1
 * (fsync off there: the figures are the engine's and the protocol's, not
 * the disk's). Every figure is printed, none asserted (PERFORMANCE.md).
 */
#include "bench.h"

#include "store/store_int.h"

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

/* A CSV of n learners (as bench_store.c); ULNs from a fixed key unless
 * `blank`. */
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

/* An empty, initialised register on the server. */
static struct lrs_store *fresh(const char *url)
{
    struct lrs_store *s = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_store_open(url, LRS_STORE_OPEN_NO_SCHEMA_CHECK, &s, &d) ||
        lrs__store_reset(s) || lrs_store_init(s, NULL)) {
        fprintf(stderr, "bench_store_pg: cannot initialise %s: %s%s\n", url,
                d.msg, s ? lrs_store_errmsg(s) : "");
        exit(1);
    }
    return s;
}

static void bench_import(const char *url, uint64_t n, bool blank,
                         const char *name)
{
    struct lrs_buf csv = LRS_BUF_INIT;
    struct lrs_import_result r;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;
    struct lrs_csv_mem m;
    uint64_t t0;

    if (make_csv(&csv, n, blank)) {
        fprintf(stderr, "bench_store_pg: cannot build the CSV\n");
        exit(1);
    }
    s = fresh(url);
    m = (struct lrs_csv_mem){csv.data, csv.len};
    t0 = bench_now_ns();
    if (lrs_service_import_learners(s, &actor, lrs_csv_mem_read, &m, NULL, &r,
                                    &d)) {
        fprintf(stderr, "bench_store_pg: import failed: %s\n", d.msg);
        exit(1);
    }
    bench_report(name, r.imported, bench_now_ns() - t0);
    lrs_store_free(s);
    lrs_buf_release(&csv);
}

static enum lrs_err scan_one(const struct lrs_learner *l, void *ctx)
{
    *(uint64_t *)ctx += (uint64_t)l->uln[9];
    return LRS_OK;
}

static void bench_scan(const char *url)
{
    struct lrs_store *s = NULL;
    struct lrs_store_stats st;
    uint64_t sum = 0, t0;

    if (lrs_store_open(url, 0, &s, NULL) || lrs_store_stats(s, &st))
        exit(1);
    t0 = bench_now_ns();
    if (lrs_store_learner_scan(s, scan_one, &sum))
        exit(1);
    bench_report("scan learners (index build)", st.learners,
                 bench_now_ns() - t0);
    bench_sink(sum);
    lrs_store_free(s);
}

static void bench_register(const char *url, uint64_t n)
{
    struct lrs_store *s = fresh(url);
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
            fprintf(stderr, "bench_store_pg: register failed: %s\n", d.msg);
            exit(1);
        }
    }
    bench_report("register (one commit each)", n, bench_now_ns() - t0);
    lrs_store_free(s);
}

int main(int argc, char **argv)
{
    const char *url = getenv("LRS_TEST_PG_URL");
    const uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;

    if (!url || !*url) {
        /* Run again with a private server; with-pg.sh sets the URL. */
        execlp("sh", "sh", LRS_WITH_PG, argv[0], argc > 1 ? argv[1] : NULL,
               (char *)NULL);
        perror("bench_store_pg: cannot run " LRS_WITH_PG);
        return 1;
    }
    bench_import(url, n, false, "import learners (ULNs given)");
    bench_scan(url);
    bench_import(url, n / 10, true, "import learners (ULNs issued)");
    bench_register(url, 2000);
    return 0;
}
