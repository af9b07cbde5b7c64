/*
 * test_batch.c - the engine-neutral contract of the batch store calls
 * (lrs/batch.h, lib/store/batch.c): jobs, rows, exceptions, claiming.
 *
 * Runs on SQLite (suite store-sqlite) and on PostgreSQL under
 * tests/pg/with-pg.sh (suite store-pg), like test_store.c.
 */
#include "testutil.h"

#include "factory.h"

#include <lrs/accounts.h>
#include <lrs/batch.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const char sha_a[] =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char sha_b[] =
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

static int64_t new_job(struct lrs_store *s, int64_t org, const char *sha,
                       const char *input)
{
    struct lrs_job j;

    memset(&j, 0, sizeof j);
    j.org_id = org;
    j.user_id = 5;
    snprintf(j.file_name, sizeof j.file_name, "ctf.xml");
    snprintf(j.addr, sizeof j.addr, "2001:db8::7");
    snprintf(j.sha256, sizeof j.sha256, "%s", sha);
    assert_int_equal(lrs_store_job_insert(s, &j, input, strlen(input)), LRS_OK);
    assert_true(j.id > 0);
    assert_int_equal(j.status, LRS_JOB_QUEUED);
    return j.id;
}

/* ------------------------------------------------------------------ */

static void test_batch__job_round_trip_and_duplicate_hash(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs_job j, dup;
    const int64_t id = new_job(s, 0, sha_a, "<CTfile/>");

    (void)state;
    assert_int_equal(lrs_store_job_get(s, id, &j), LRS_OK);
    assert_int_equal(j.org_id, 0);
    assert_int_equal(j.user_id, 5);
    assert_string_equal(j.file_name, "ctf.xml");
    assert_string_equal(j.addr, "2001:db8::7"); /* the uploader's */
    assert_string_equal(j.sha256, sha_a);
    assert_int_equal(j.input_len, 9);
    assert_int_equal(j.status, LRS_JOB_QUEUED);
    assert_true(j.created_ms > 0);
    assert_int_equal(lrs_store_job_blob(s, id, LRS_JOB_INPUT, &b), LRS_OK);
    assert_string_equal(b.data, "<CTfile/>");
    assert_int_equal(lrs_store_job_blob(s, id, LRS_JOB_RETURNED_CTF, &b),
                     LRS_ENOTFOUND);
    assert_int_equal(lrs_store_job_get(s, id + 100, &j), LRS_ENOTFOUND);

    /* The same bytes from the same organisation: a conflict, and the
     * transaction stays usable. */
    memset(&dup, 0, sizeof dup);
    snprintf(dup.sha256, sizeof dup.sha256, "%s", sha_a);
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    assert_int_equal(lrs_store_job_insert(s, &dup, "x", 1), LRS_ECONFLICT);
    assert_int_equal(lrs_store_job_find(s, 0, sha_a, &j), LRS_OK);
    assert_int_equal(j.id, id);
    assert_int_equal(lrs_store_commit(s), LRS_OK);
    assert_int_equal(lrs_store_job_find(s, 0, sha_b, &j), LRS_ENOTFOUND);
    lrs_buf_release(&b);
    lrs_store_free(s);
}

static void test_batch__claim_takes_oldest_once(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_job j;
    const int64_t a = new_job(s, 0, sha_a, "a");
    const int64_t b = new_job(s, 0, sha_b, "b");

    (void)state;
    assert_int_equal(lrs_store_job_claim(s, 0, "w1", 60000, &j), LRS_OK);
    assert_int_equal(j.id, a);
    assert_int_equal(j.status, LRS_JOB_RUNNING);
    assert_string_equal(j.claimed_by, "w1");
    assert_string_equal(j.addr, "2001:db8::7");
    assert_int_equal(lrs_store_job_claim(s, 0, "w2", 60000, &j), LRS_OK);
    assert_int_equal(j.id, b);
    assert_int_equal(lrs_store_job_claim(s, 0, "w3", 60000, &j), LRS_ENOTFOUND);
    /* A running job whose worker went quiet is taken again. */
    assert_int_equal(lrs_store_job_claim(s, 0, "w3", -1000, &j), LRS_OK);
    assert_int_equal(j.id, a);
    assert_string_equal(j.claimed_by, "w3");
    /* By id, unless done. */
    j.status = LRS_JOB_DONE;
    assert_int_equal(lrs_store_job_update(s, &j), LRS_OK);
    assert_int_equal(lrs_store_job_claim(s, a, "w4", 0, &j), LRS_ENOTFOUND);
    assert_int_equal(lrs_store_job_claim(s, b, "w4", 0, &j), LRS_OK);
    assert_string_equal(j.claimed_by, "w4");
    lrs_store_free(s);
}

struct claimer {
    int64_t got[8];
    int count;
    char name[8];
};

static void *claim_all(void *arg)
{
    struct claimer *c = arg;
    struct lrs_store *s = factory_connect();
    struct lrs_job j;
    enum lrs_err err;

    for (;;) {
        err = lrs_store_job_claim(s, 0, c->name, 600000, &j);
        if (err == LRS_EBUSY)
            continue;
        if (err)
            break;
        c->got[c->count++] = j.id;
    }
    lrs_store_free(s);
    return NULL;
}

static void test_batch__concurrent_claims_never_share(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct claimer c[4];
    pthread_t t[4];
    int seen[9] = {0}, total = 0;

    (void)state;
    for (int i = 1; i <= 8; i++) {
        char sha[65];

        memset(sha, '0' + i, 64);
        sha[64] = '\0';
        assert_int_equal(new_job(s, 0, sha, "x"), i);
    }
    memset(c, 0, sizeof c);
    for (int i = 0; i < 4; i++) {
        snprintf(c[i].name, sizeof c[i].name, "w%d", i);
        assert_int_equal(pthread_create(&t[i], NULL, claim_all, &c[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 4; i++) {
        for (int k = 0; k < c[i].count; k++) {
            assert_true(c[i].got[k] >= 1 && c[i].got[k] <= 8);
            seen[c[i].got[k]]++;
            total++;
        }
    }
    assert_int_equal(total, 8);
    for (int i = 1; i <= 8; i++)
        assert_int_equal(seen[i], 1);
    lrs_store_free(s);
}

static enum lrs_err collect_row(const struct lrs_job_row *r, void *ctx)
{
    struct lrs_buf *b = ctx;

    return lrs_buf_addf(b, "%llu %s %s %s %lld;",
                        (unsigned long long)r->ordinal, r->upn, r->code,
                        r->uln[0] ? r->uln : "-", (long long)r->exception_id);
}

static void test_batch__rows_commit_with_progress_or_not_at_all(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs_job j;
    struct lrs_job_row rows[3];
    const int64_t id = new_job(s, 0, sha_a, "x");

    (void)state;
    memset(rows, 0, sizeof rows);
    for (int i = 0; i < 3; i++) {
        rows[i].job_id = id;
        rows[i].ordinal = (uint64_t)i + 1;
        snprintf(rows[i].upn, sizeof rows[i].upn, "H80120000100%d", i);
        snprintf(rows[i].code, sizeof rows[i].code, "WSRC0004");
    }
    snprintf(rows[0].uln, sizeof rows[0].uln, "1000000043");
    rows[2].exception_id = 9;
    snprintf(rows[2].code, sizeof rows[2].code, "RC010");

    /* A chunk rolled back leaves neither rows nor progress. */
    assert_int_equal(lrs_store_job_get(s, id, &j), LRS_OK);
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    assert_int_equal(lrs_store_job_rows_insert(s, rows, 3), LRS_OK);
    j.rows_done = j.checkpoint = 3;
    assert_int_equal(lrs_store_job_update(s, &j), LRS_OK);
    lrs_store_rollback(s);
    assert_int_equal(lrs_store_job_row_scan(s, id, collect_row, &b), LRS_OK);
    assert_string_equal(b.data, "");
    assert_int_equal(lrs_store_job_get(s, id, &j), LRS_OK);
    assert_int_equal(j.checkpoint, 0);

    assert_int_equal(lrs_store_begin(s), LRS_OK);
    assert_int_equal(lrs_store_job_rows_insert(s, rows, 3), LRS_OK);
    j.rows_total = 3;
    j.rows_done = j.checkpoint = 3;
    assert_int_equal(lrs_store_job_update(s, &j), LRS_OK);
    assert_int_equal(lrs_store_commit(s), LRS_OK);
    assert_int_equal(lrs_store_job_row_scan(s, id, collect_row, &b), LRS_OK);
    assert_string_equal(b.data, "1 H801200001000 WSRC0004 1000000043 0;"
                                "2 H801200001001 WSRC0004 - 0;"
                                "3 H801200001002 RC010 - 9;");
    assert_int_equal(lrs_store_job_get(s, id, &j), LRS_OK);
    assert_int_equal(j.rows_done, 3);
    assert_int_equal(j.checkpoint, 3);

    /* A row twice is a conflict. */
    assert_int_equal(lrs_store_job_rows_insert(s, rows + 1, 1), LRS_ECONFLICT);
    snprintf(rows[1].uln, sizeof rows[1].uln, "1748529632");
    assert_int_equal(lrs_store_job_row_set_uln(s, &rows[1]), LRS_OK);
    lrs_buf_reset(&b);
    assert_int_equal(lrs_store_job_row_scan(s, id, collect_row, &b), LRS_OK);
    assert_non_null(strstr(b.data, "2 H801200001001 WSRC0004 1748529632 0;"));
    rows[1].ordinal = 99;
    assert_int_equal(lrs_store_job_row_set_uln(s, &rows[1]), LRS_ENOTFOUND);
    lrs_buf_release(&b);
    lrs_store_free(s);
}

static void test_batch__outputs_stored(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_buf ctf = LRS_BUF_INIT, csv = LRS_BUF_INIT, html = LRS_BUF_INIT;
    struct lrs_buf b = LRS_BUF_INIT;
    const int64_t id = new_job(s, 0, sha_a, "x");

    (void)state;
    assert_int_equal(lrs_buf_adds(&ctf, "<CTfile>\xc3\xab</CTfile>"), LRS_OK);
    assert_int_equal(lrs_buf_add(&csv, "a\0b", 3), LRS_OK);
    assert_int_equal(lrs_buf_adds(&html, "<html></html>"), LRS_OK);
    assert_int_equal(lrs_store_job_outputs(s, id, &ctf, &csv, &html), LRS_OK);
    assert_int_equal(lrs_store_job_blob(s, id, LRS_JOB_RETURNED_CTF, &b),
                     LRS_OK);
    assert_string_equal(b.data, ctf.data);
    assert_int_equal(lrs_store_job_blob(s, id, LRS_JOB_REPORT_CSV, &b), LRS_OK);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 3);
    assert_int_equal(lrs_store_job_blob(s, id, LRS_JOB_REPORT_HTML, &b),
                     LRS_OK);
    assert_string_equal(b.data, "<html></html>");
    assert_int_equal(lrs_store_job_outputs(s, id + 1, &ctf, &csv, &html),
                     LRS_ENOTFOUND);
    lrs_buf_release(&ctf);
    lrs_buf_release(&csv);
    lrs_buf_release(&html);
    lrs_buf_release(&b);
    lrs_store_free(s);
}

static enum lrs_err count_job(const struct lrs_job *j, void *ctx)
{
    struct lrs_buf *b = ctx;

    return lrs_buf_addf(b, "%lld;", (long long)j->id);
}

static enum lrs_err collect_exc(const struct lrs_exception *x, void *ctx)
{
    struct lrs_buf *b = ctx;

    return lrs_buf_addf(b, "%lld %s %s %s;", (long long)x->id, x->code,
                        lrs_exception_status_name(x->status), x->candidates);
}

static enum lrs_err collect_code(const struct lrs_exception *x, void *ctx)
{
    return lrs_buf_addf(ctx, "%s ", x->code);
}

static void test_batch__exceptions_resolve_once(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_buf b = LRS_BUF_INIT, cand = LRS_BUF_INIT;
    struct lrs_exception x, y;
    struct lrs_exception_filter f = {0, -1, -1, ""};
    const int64_t id = new_job(s, 0, sha_a, "x");

    (void)state;
    memset(&x, 0, sizeof x);
    x.job_id = id;
    x.org_id = 0;
    x.ordinal = 2;
    snprintf(x.code, sizeof x.code, "WSRC0003");
    snprintf(x.reason, sizeof x.reason, "possible matches");
    x.candidates = "{\"code\":\"WSRC0003\",\"candidates\":[]}";
    assert_int_equal(lrs_store_exception_insert(s, &x), LRS_OK);
    assert_true(x.id > 0);
    memset(&y, 0, sizeof y);
    y.job_id = id;
    y.ordinal = 3;
    snprintf(y.code, sizeof y.code, "RC010");
    assert_int_equal(lrs_store_exception_insert(s, &y), LRS_OK);

    assert_int_equal(lrs_store_exception_get(s, x.id, &y, &cand), LRS_OK);
    assert_string_equal(y.code, "WSRC0003");
    assert_string_equal(y.reason, "possible matches");
    assert_string_equal(y.candidates, x.candidates);
    assert_int_equal(y.status, LRS_EXCEPTION_OPEN);
    assert_int_equal(y.ordinal, 2);

    snprintf(y.resolved_uln, sizeof y.resolved_uln, "1000000043");
    y.resolved_by = 7;
    y.resolved_ms = 1234;
    snprintf(y.resolution_reason, sizeof y.resolution_reason, "same pupil");
    assert_int_equal(lrs_store_exception_resolve(s, &y), LRS_OK);
    assert_int_equal(lrs_store_exception_resolve(s, &y), LRS_ECONFLICT);
    assert_int_equal(lrs_store_exception_get(s, x.id, &y, &cand), LRS_OK);
    assert_int_equal(y.status, LRS_EXCEPTION_RESOLVED);
    assert_string_equal(y.resolved_uln, "1000000043");
    assert_false(y.resolved_new);
    assert_int_equal(y.resolved_by, 7);
    assert_int_equal(y.resolved_ms, 1234);
    assert_string_equal(y.resolution_reason, "same pupil");

    assert_int_equal(lrs_store_exception_scan(s, &f, collect_exc, &b), LRS_OK);
    assert_non_null(strstr(b.data, "WSRC0003 resolved"));
    assert_non_null(strstr(b.data, "RC010 open ;"));
    lrs_buf_reset(&b);
    f.status = LRS_EXCEPTION_OPEN;
    assert_int_equal(lrs_store_exception_scan(s, &f, collect_exc, &b), LRS_OK);
    assert_null(strstr(b.data, "WSRC0003"));
    assert_non_null(strstr(b.data, "RC010 open"));
    lrs_buf_reset(&b);
    f.org_id = 3;
    assert_int_equal(lrs_store_exception_scan(s, &f, collect_exc, &b), LRS_OK);
    assert_string_equal(b.data, "");
    assert_int_equal(lrs_store_exception_get(s, 999, &y, &cand), LRS_ENOTFOUND);

    lrs_buf_reset(&b);
    assert_int_equal(lrs_store_job_scan(s, -1, count_job, &b), LRS_OK);
    assert_string_equal(b.data, "1;");
    lrs_buf_reset(&b);
    assert_int_equal(lrs_store_job_scan(s, 4, count_job, &b), LRS_OK);
    assert_string_equal(b.data, "");
    lrs_buf_release(&b);
    lrs_buf_release(&cand);
    lrs_store_free(s);
}

static void add_exception(struct lrs_store *s, int64_t job, int64_t org,
                          uint64_t ordinal, const char *code, bool resolve)
{
    struct lrs_exception x;

    memset(&x, 0, sizeof x);
    x.job_id = job;
    x.org_id = org;
    x.ordinal = ordinal;
    snprintf(x.code, sizeof x.code, "%s", code);
    x.candidates = "";
    assert_int_equal(lrs_store_exception_insert(s, &x), LRS_OK);
    if (!resolve)
        return;
    snprintf(x.resolved_uln, sizeof x.resolved_uln, "1000000043");
    x.resolved_by = 7;
    x.resolved_ms = 1234;
    assert_int_equal(lrs_store_exception_resolve(s, &x), LRS_OK);
}

/* The codes of the exceptions `f` lets through, "RC010 WSRC0003 ". */
static const char *scan_codes(struct lrs_store *s,
                              const struct lrs_exception_filter *f,
                              struct lrs_buf *b)
{
    lrs_buf_reset(b);
    assert_int_equal(lrs_store_exception_scan(s, f, collect_code, b), LRS_OK);
    return b->data;
}

static int64_t new_school(struct lrs_store *s, const char *name, int32_t estab)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_org o;

    memset(&o, 0, sizeof o);
    o.kind = LRS_ORG_SCHOOL;
    snprintf(o.name, sizeof o.name, "%s", name);
    o.la = 801;
    o.estab = estab;
    assert_int_equal(lrs_store_org_add(s, &o, &d), LRS_OK);
    return o.id;
}

static void test_batch__exceptions_filtered_by_code(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs_exception_filter f = {0, -1, -1, "RC010"};
    const int64_t a = new_school(s, "Mill Lane Primary", 2000),
                  other = new_school(s, "Other School", 2001);
    const int64_t j1 = new_job(s, a, sha_a, "x"),
                  j2 = new_job(s, a, sha_b, "y"),
                  j3 = new_job(s, other, sha_a, "x");

    (void)state;
    add_exception(s, j1, a, 1, "RC010", false);
    add_exception(s, j1, a, 2, "WSRC0003", false);
    add_exception(s, j1, a, 3, "RC010", true);
    add_exception(s, j2, a, 1, "RC010", false);
    add_exception(s, j2, a, 2, "RC013", false);
    add_exception(s, j3, other, 1, "RC010", false);

    /* The code alone, then with each other filter. */
    assert_string_equal(scan_codes(s, &f, &b), "RC010 RC010 RC010 RC010 ");
    f.org_id = a;
    assert_string_equal(scan_codes(s, &f, &b), "RC010 RC010 RC010 ");
    f.job_id = j1;
    assert_string_equal(scan_codes(s, &f, &b), "RC010 RC010 ");
    f.status = LRS_EXCEPTION_OPEN;
    assert_string_equal(scan_codes(s, &f, &b), "RC010 ");
    f.status = LRS_EXCEPTION_RESOLVED;
    assert_string_equal(scan_codes(s, &f, &b), "RC010 ");
    f.job_id = j2;
    assert_string_equal(scan_codes(s, &f, &b), "");
    /* Another organisation's job under this one's id: nothing. */
    f = (struct lrs_exception_filter){j3, a, -1, "RC010"};
    assert_string_equal(scan_codes(s, &f, &b), "");
    /* A code nobody has, and one that differs only in case. */
    f = (struct lrs_exception_filter){0, -1, -1, "RC011"};
    assert_string_equal(scan_codes(s, &f, &b), "");
    snprintf(f.code, sizeof f.code, "rc010");
    assert_string_equal(scan_codes(s, &f, &b), "");
    /* "" is any code, in id order. */
    f = (struct lrs_exception_filter){0, a, -1, ""};
    assert_string_equal(scan_codes(s, &f, &b),
                        "RC010 WSRC0003 RC010 RC010 RC013 ");
    f.job_id = j2;
    snprintf(f.code, sizeof f.code, "RC013");
    assert_string_equal(scan_codes(s, &f, &b), "RC013 ");
    lrs_buf_release(&b);
    lrs_store_free(s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch__job_round_trip_and_duplicate_hash),
        cmocka_unit_test(test_batch__claim_takes_oldest_once),
        cmocka_unit_test(test_batch__concurrent_claims_never_share),
        cmocka_unit_test(test_batch__rows_commit_with_progress_or_not_at_all),
        cmocka_unit_test(test_batch__outputs_stored),
        cmocka_unit_test(test_batch__exceptions_resolve_once),
        cmocka_unit_test(test_batch__exceptions_filtered_by_code),
    };
    int rc;

    factory_setup(argc, argv);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
