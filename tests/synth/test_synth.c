/*
 * test_synth.c - the generator: determinism, valid and distinct ULNs,
 * real-shaped fields, truth that points into the register, and the
 * documented proportions of families and query kinds.
 */
#include "testutil.h"

#include "base/base.h"

#include "synth/synth_int.h"

#include <lrs/ids.h>

#include <dirent.h>
#include <string.h>
#include <unistd.h>

/* A fresh directory under /tmp; removed (with its files) by rm_dir(). */
static void make_dir(char *out, size_t len)
{
    snprintf(out, len, "/tmp/lrs-test-synth-XXXXXX");
    assert_non_null(mkdtemp(out));
}

static void rm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512];

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static void slurp(const char *dir, const char *name, struct lrs_buf *b)
{
    char path[512], chunk[65536];
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    assert_non_null(f);
    lrs_buf_reset(b);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        assert_int_equal(lrs_buf_add(b, chunk, n), LRS_OK);
    fclose(f);
}

static void generate(const char *dir, uint64_t n, uint64_t m, uint64_t seed,
                     struct lrs_synth_stats *st)
{
    const struct lrs_synth_opts o = {n, m, seed, 0};
    struct lrs_diag d = LRS_DIAG_INIT;

    assert_int_equal(lrs_synth_write(&o, dir, st, &d), LRS_OK);
}

static void test_synth__same_seed_same_bytes(void **state)
{
    static const char *const files[] = {"learners.csv", "queries.csv",
                                        "truth.csv"};
    char a[64], b[64];
    struct lrs_buf x = LRS_BUF_INIT, y = LRS_BUF_INIT;

    (void)state;
    make_dir(a, sizeof a);
    make_dir(b, sizeof b);
    generate(a, 3000, 600, 42, NULL);
    generate(b, 3000, 600, 42, NULL);
    for (size_t i = 0; i < 3; i++) {
        slurp(a, files[i], &x);
        slurp(b, files[i], &y);
        assert_true(x.len > 0);
        assert_true(lrs_str_eq(lrs_buf_str(&x), lrs_buf_str(&y)));
    }
    generate(b, 3000, 600, 43, NULL);
    slurp(a, "learners.csv", &x);
    slurp(b, "learners.csv", &y);
    assert_false(lrs_str_eq(lrs_buf_str(&x), lrs_buf_str(&y)));
    lrs_buf_release(&x);
    lrs_buf_release(&y);
    rm_dir(a);
    rm_dir(b);
}

/* One register row, kept for the truth checks. */
struct learner {
    char uln[11];
    char key[160]; /* given|middle|family|dob|gender|postcode */
    char dob_postcode[24];
};

static int by_uln(const void *a, const void *b)
{
    return strcmp(((const struct learner *)a)->uln,
                  ((const struct learner *)b)->uln);
}

static void join_key(char *out, size_t len, const struct lrs_str *f)
{
    snprintf(out, len, "%.*s|%.*s|%.*s|%.*s|%.*s|%.*s", (int)f[0].len, f[0].ptr,
             (int)f[1].len, f[1].ptr, (int)f[2].len, f[2].ptr, (int)f[3].len,
             f[3].ptr, (int)f[4].len, f[4].ptr, (int)f[5].len, f[5].ptr);
}

/* Read and check learners.csv; returns the rows sorted by ULN. */
static struct learner *read_register(const char *dir, size_t n)
{
    const struct lrs_date ref = {2026, 9, 1};
    struct learner *rows = calloc(n, sizeof *rows);
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs__csv c;
    struct lrs_str f[LRS__CSV_MAX_FIELDS];
    size_t count, i = 0;

    assert_non_null(rows);
    slurp(dir, "learners.csv", &b);
    lrs__csv_init(&c, "learners.csv", lrs_buf_str(&b));
    assert_int_equal(
        lrs__csv_header(&c,
                        "uln,given_name,middle_names,family_name,"
                        "date_of_birth,gender,postcode,previous_family_name,"
                        "preferred_given_name,address_line1,address_line2,"
                        "address_line3",
                        NULL),
        LRS_OK);
    while (lrs__csv_next(&c, f, LRS__CSV_MAX_FIELDS, &count, NULL) == LRS_OK) {
        struct lrs_date dob;
        struct lrs_postcode pc;
        enum lrs_gender g;
        int age;

        assert_int_equal(count, 12);
        assert_true(i < n);
        assert_int_equal(lrs_uln_check(f[0], NULL), LRS_OK);
        memcpy(rows[i].uln, f[0].ptr, 10);
        assert_true(f[1].len > 0 && f[1].len <= 35);
        assert_true(f[3].len > 0 && f[3].len <= 70);
        assert_int_equal(lrs_date_parse(f[4], 0, "dob", &dob, NULL), LRS_OK);
        age = lrs_date_age_on(dob, ref);
        assert_true(age >= 13 && age <= 19);
        assert_int_equal(lrs_gender_parse(f[5], &g, NULL), LRS_OK);
        assert_int_equal(lrs_postcode_parse(f[6], &pc, NULL), LRS_OK);
        assert_int_equal(f[6].len, strlen(pc.text));
        assert_memory_equal(f[6].ptr, pc.text, f[6].len);
        assert_true(f[9].len > 0 && f[11].len > 0);
        join_key(rows[i].key, sizeof rows[i].key, f + 1);
        snprintf(rows[i].dob_postcode, sizeof rows[i].dob_postcode, "%.*s %.*s",
                 (int)f[4].len, f[4].ptr, (int)f[6].len, f[6].ptr);
        i++;
    }
    assert_int_equal(i, n);
    lrs__csv_release(&c);
    lrs_buf_release(&b);
    qsort(rows, n, sizeof *rows, by_uln);
    return rows;
}

static void test_synth__register_fields_valid_and_ulns_distinct(void **state)
{
    char dir[64];
    struct learner *rows;

    (void)state;
    make_dir(dir, sizeof dir);
    generate(dir, 20000, 10, 7, NULL);
    rows = read_register(dir, 20000);
    for (size_t i = 1; i < 20000; i++)
        assert_string_not_equal(rows[i - 1].uln, rows[i].uln);
    free(rows);
    rm_dir(dir);
}

static void test_synth__truth_points_into_register(void **state)
{
    const size_t n = 5000, m = 3000;
    char dir[64];
    struct learner *rows;
    struct lrs_buf qb = LRS_BUF_INIT, tb = LRS_BUF_INIT;
    struct lrs__csv qc, tc;
    struct lrs_str q[LRS__CSV_MAX_FIELDS], t[LRS__CSV_MAX_FIELDS];
    size_t qn, tn, exact = 0, twins = 0;

    (void)state;
    make_dir(dir, sizeof dir);
    generate(dir, n, m, 11, NULL);
    rows = read_register(dir, n);
    slurp(dir, "queries.csv", &qb);
    slurp(dir, "truth.csv", &tb);
    lrs__csv_init(&qc, "queries.csv", lrs_buf_str(&qb));
    lrs__csv_init(&tc, "truth.csv", lrs_buf_str(&tb));
    assert_int_equal(lrs__csv_header(&qc,
                                     "id,given_name,middle_names,family_name,"
                                     "date_of_birth,gender,postcode",
                                     NULL),
                     LRS_OK);
    assert_int_equal(lrs__csv_header(&tc, "id,uln,kind", NULL), LRS_OK);
    for (size_t i = 0; i < m; i++) {
        struct learner key, *hit;
        char qkey[160];

        assert_int_equal(lrs__csv_next(&qc, q, 8, &qn, NULL), LRS_OK);
        assert_int_equal(lrs__csv_next(&tc, t, 8, &tn, NULL), LRS_OK);
        assert_int_equal(qn, 7);
        assert_int_equal(tn, 3);
        assert_true(lrs_str_eq(q[0], t[0]));
        snprintf(key.uln, sizeof key.uln, "%.*s", (int)t[1].len, t[1].ptr);
        hit = t[1].len ? bsearch(&key, rows, n, sizeof *rows, by_uln) : NULL;
        assert_true(t[1].len == 0 || hit != NULL);
        join_key(qkey, sizeof qkey, q + 1);
        if (lrs_str_eq(t[2], LRS_STR("exact"))) {
            assert_string_equal(qkey, hit->key);
            exact++;
        } else if (hit) {
            assert_string_not_equal(qkey, hit->key);
        }
        if (lrs_str_eq(t[2], LRS_STR("twin"))) {
            /* Someone in the register shares the date of birth and home. */
            char dp[24];
            bool found = false;

            snprintf(dp, sizeof dp, "%.*s %.*s", (int)q[4].len, q[4].ptr,
                     (int)q[6].len, q[6].ptr);
            for (size_t j = 0; j < n && !found; j++)
                found = strcmp(rows[j].dob_postcode, dp) == 0;
            assert_true(found);
            twins++;
        }
        if (lrs_str_eq(t[2], LRS_STR("new_person")) ||
            lrs_str_eq(t[2], LRS_STR("twin")) ||
            lrs_str_eq(t[2], LRS_STR("sibling")))
            assert_int_equal(t[1].len, 0);
    }
    assert_int_equal(lrs__csv_next(&qc, q, 8, &qn, NULL), LRS_ENOTFOUND);
    assert_true(exact > 0 && twins > 0);
    lrs__csv_release(&qc);
    lrs__csv_release(&tc);
    lrs_buf_release(&qb);
    lrs_buf_release(&tb);
    free(rows);
    rm_dir(dir);
}

static void assert_near(uint64_t count, uint64_t total, double want,
                        double tolerance)
{
    const double got = (double)count / (double)total;

    if (got < want - tolerance || got > want + tolerance)
        fail_msg("proportion %.4f, expected %.4f +- %.4f", got, want,
                 tolerance);
}

static void test_synth__proportions_as_documented(void **state)
{
    const uint64_t n = 50000, m = 20000;
    char dir[64];
    struct lrs_synth_stats st;

    (void)state;
    make_dir(dir, sizeof dir);
    generate(dir, n, m, 3, &st);
    assert_int_equal(st.learners, n);
    assert_int_equal(st.queries, m);
    assert_near(st.with_sibling, n, 0.20, 0.02);
    assert_near(st.twins, n, 0.02, 0.005);
    assert_near(st.kind_count[LRS_SYNTH_NEW_PERSON], m, 0.10, 0.01);
    assert_near(st.kind_count[LRS_SYNTH_TWIN], m, 0.03, 0.006);
    assert_near(st.kind_count[LRS_SYNTH_SIBLING], m, 0.03, 0.006);
    assert_near(st.kind_count[LRS_SYNTH_EXACT], m, 0.19, 0.015);
    assert_near(st.matchable, m, 0.84, 0.015);
    for (int k = 0; k < LRS_SYNTH_KIND__COUNT; k++)
        assert_true(st.kind_count[k] > m / 100);
    rm_dir(dir);
}

/* One learners.csv row, copied: the ULN, every other field joined, and
 * given, family, date of birth and postcode apart. */
struct row {
    char uln[11];
    char rest[640];
    char f[4][96];
    bool address;
};

static void copy_field(char *out, size_t len, struct lrs_str f)
{
    snprintf(out, len, "%.*s", (int)f.len, f.ptr);
}

/* The rows of learners.csv (at most `max`), ULNs checked. */
static size_t register_rows(const char *dir, struct row *rows, size_t max)
{
    static const int apart[4] = {1, 3, 4, 6};
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs__csv c;
    struct lrs_str f[LRS__CSV_MAX_FIELDS];
    size_t count, n = 0;

    slurp(dir, "learners.csv", &b);
    lrs__csv_init(&c, "learners.csv", lrs_buf_str(&b));
    assert_int_equal(lrs__csv_header(&c,
                                     "uln,given_name,middle_names,family_name,"
                                     "date_of_birth,gender,postcode,"
                                     "previous_family_name,"
                                     "preferred_given_name,address_line1,"
                                     "address_line2,address_line3",
                                     NULL),
                     LRS_OK);
    while (lrs__csv_next(&c, f, LRS__CSV_MAX_FIELDS, &count, NULL) == LRS_OK) {
        struct row *r = &rows[n];
        size_t used = 0;

        assert_int_equal(count, 12);
        assert_true(n < max);
        assert_int_equal(lrs_uln_check(f[0], NULL), LRS_OK);
        copy_field(r->uln, sizeof r->uln, f[0]);
        for (size_t i = 1; i < 12; i++)
            used += (size_t)snprintf(r->rest + used, sizeof r->rest - used,
                                     "%.*s|", (int)f[i].len, f[i].ptr);
        for (size_t i = 0; i < 4; i++)
            copy_field(r->f[i], sizeof r->f[i], f[apart[i]]);
        r->address = f[9].len > 0;
        n++;
    }
    lrs__csv_release(&c);
    lrs_buf_release(&b);
    return n;
}

/*
 * --duplicates: about the asked share of second records, each right after
 * its first record and still the same person to a careful eye (at most
 * two of given, family, date of birth and postcode changed), under a ULN
 * of its own; the first records and the queries are those of a run
 * without duplicates.
 */
static void test_synth__duplicates(void **state)
{
    enum { N = 5000 };
    const struct lrs_synth_opts o = {N, 300, 9, 1000};
    struct lrs_synth_stats st;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf qa = LRS_BUF_INIT, qb = LRS_BUF_INIT;
    struct row *plain = calloc(N, sizeof *plain);
    struct row *dup = calloc(2 * N, sizeof *dup);
    char da[64], db[64];
    size_t np, nd, k = 0, seen = 0;

    (void)state;
    assert_non_null(plain);
    assert_non_null(dup);
    make_dir(da, sizeof da);
    make_dir(db, sizeof db);
    generate(da, N, 300, 9, NULL);
    assert_int_equal(lrs_synth_write(&o, db, &st, &d), LRS_OK);
    assert_true(st.duplicates >= 350 && st.duplicates <= 650);
    assert_int_equal(st.learners, N + st.duplicates);
    np = register_rows(da, plain, N);
    nd = register_rows(db, dup, 2 * N);
    assert_int_equal(np, N);
    assert_int_equal(nd, N + st.duplicates);
    for (size_t i = 0; i < nd; i++) {
        const struct row *p, *x = &dup[i];
        int same = 0;

        /* A first record: the plain run's fields but for the ULN (issued
         * from one counter with the duplicates). */
        if (k < np && strcmp(x->rest, plain[k].rest) == 0) {
            k++;
            continue;
        }
        assert_true(i > 0);
        p = &dup[i - 1];
        for (size_t f = 0; f < 4; f++)
            same += strcmp(p->f[f], x->f[f]) == 0;
        assert_true(same >= 2);
        assert_string_not_equal(p->uln, x->uln);
        assert_false(x->address);
        seen++;
    }
    assert_int_equal(k, np);
    assert_int_equal(seen, st.duplicates);
    slurp(da, "queries.csv", &qa);
    slurp(db, "queries.csv", &qb);
    assert_true(lrs_str_eq(lrs_buf_str(&qa), lrs_buf_str(&qb)));
    free(plain);
    free(dup);
    lrs_buf_release(&qa);
    lrs_buf_release(&qb);
    rm_dir(da);
    rm_dir(db);
}

static void test_synth__rejects_bad_options_and_paths(void **state)
{
    struct lrs_synth_opts o = {0, 10, 1, 0};
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    assert_int_equal(lrs_synth_write(&o, "/tmp", NULL, &d), LRS_EINVAL);
    assert_string_equal(d.field, "learners");
    o.learner_count = 10;
    o.query_count = (uint64_t)LRS_SYNTH_MAX_QUERIES + 1;
    assert_int_equal(lrs_synth_write(&o, "/tmp", NULL, &d), LRS_EINVAL);
    assert_string_equal(d.field, "queries");
    o.query_count = 10;
    o.duplicates_per_10k = 1001;
    assert_int_equal(lrs_synth_write(&o, "/tmp", NULL, &d), LRS_EINVAL);
    assert_string_equal(d.field, "duplicates");
    o.duplicates_per_10k = 0;
    assert_int_equal(lrs_synth_write(&o, "/nonexistent/x/y", NULL, &d),
                     LRS_EIO);
    assert_non_null(strstr(d.msg, "/nonexistent/x/y"));
}

static void test_synth__kind_names_round_trip(void **state)
{
    (void)state;
    for (int k = 0; k < LRS_SYNTH_KIND__COUNT; k++)
        assert_int_equal(lrs_synth_kind_find(lrs_str_c(
                             lrs_synth_kind_name((enum lrs_synth_kind)k))),
                         k);
    assert_int_equal(lrs_synth_kind_find(LRS_STR("nope")),
                     LRS_SYNTH_KIND__COUNT);
}

/* Fail each allocation in turn: ENOMEM, no leak, no files left behind. */
static void test_synth__oom_fails_cleanly(void **state)
{
    const struct lrs_synth_opts o = {30, 10, 5, 0};
    char dir[64];

    (void)state;
    make_dir(dir, sizeof dir);
    for (unsigned long n = 1;; n++) {
        char path[128];
        enum lrs_err err;

        test_alloc_fail_at(n);
        err = lrs_synth_write(&o, dir, NULL, NULL);
        assert_int_equal(test_alloc_live(), 0);
        snprintf(path, sizeof path, "%s/truth.csv", dir);
        if (!test_alloc_failed()) {
            test_alloc_reset();
            assert_int_equal(err, LRS_OK);
            break;
        }
        test_alloc_reset();
        assert_int_equal(err, LRS_ENOMEM);
        assert_int_equal(access(path, F_OK), -1);
    }
    rm_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_synth__same_seed_same_bytes),
        cmocka_unit_test(test_synth__register_fields_valid_and_ulns_distinct),
        cmocka_unit_test(test_synth__truth_points_into_register),
        cmocka_unit_test(test_synth__proportions_as_documented),
        cmocka_unit_test(test_synth__duplicates),
        cmocka_unit_test(test_synth__rejects_bad_options_and_paths),
        cmocka_unit_test(test_synth__kind_names_round_trip),
        cmocka_unit_test(test_synth__oom_fails_cleanly),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
