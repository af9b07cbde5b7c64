/*
 * test_import.c - bulk import and export of learners (lib/service/
 * import.c): every bad row is reported with line, column and rule, and by
 * default a bad file changes nothing; --skip-invalid keeps the good rows;
 * export then import gives the same register.
 */
#include "testutil.h"

#include "factory.h"

#include <lrs/service.h>

#include <stdio.h>
#include <string.h>

static const struct lrs_actor actor = {0, 0, "test", NULL};

#define HEADER                                                                 \
    "uln,given_name,middle_names,family_name,date_of_birth,gender,postcode\n"

struct rejects {
    int n;
    char text[8][200];
};

static enum lrs_err on_reject(void *ctx, uint64_t line, size_t column,
                              const struct lrs_diag *why,
                              const struct lrs_csv_record *rec)
{
    struct rejects *r = ctx;

    (void)rec;
    if (r->n < 8)
        snprintf(r->text[r->n], sizeof r->text[0], "%llu:%zu:%s:%s",
                 (unsigned long long)line, column, why->field ? why->field : "",
                 why->msg);
    r->n++;
    return LRS_OK;
}

static enum lrs_err import(struct lrs_store *s, const char *csv, bool skip,
                           struct lrs_import_result *res, struct rejects *rj,
                           struct lrs_diag *d)
{
    struct lrs_csv_mem m = {csv, strlen(csv)};
    struct lrs_import_opts o;

    memset(&o, 0, sizeof o);
    memset(rj, 0, sizeof *rj);
    o.name = "in.csv";
    o.skip_invalid = skip;
    o.on_reject = on_reject;
    o.ctx = rj;
    return lrs_service_import_learners(s, &actor, lrs_csv_mem_read, &m, &o, res,
                                       d);
}

static uint64_t learners(struct lrs_store *s, uint64_t *audit)
{
    struct lrs_store_stats st;

    assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
    if (audit)
        *audit = st.audit_rows;
    return st.learners;
}

static void test_import__valid_file_imports_all(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_import_result r;
    struct rejects rj;
    struct lrs_diag d = LRS_DIAG_INIT;
    uint64_t audit;

    (void)state;
    assert_int_equal(import(s,
                            HEADER
                            "1000000043,Ann,,Smith,2010-01-02,2,SW1A 1AA\n"
                            ",Bob,Lee,Jones,31/12/2009,M,m1 1ae\n"
                            "\"1748529632\",\"O'Brien, Siân\",,Ó,2011-03-04,"
                            "9,BFPO 57\n",
                            false, &r, &rj, &d),
                     LRS_OK);
    assert_int_equal(r.rows, 3);
    assert_int_equal(r.imported, 3);
    assert_int_equal(r.issued, 1);
    assert_int_equal(r.rejected, 0);
    assert_int_equal(learners(s, &audit), 3);
    assert_int_equal(audit, 3);
    lrs_store_free(s);
}

static void test_import__one_bad_row_imports_nothing(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_import_result r;
    struct rejects rj;
    struct lrs_diag d = LRS_DIAG_INIT;
    uint64_t audit;

    (void)state;
    assert_int_equal(import(s,
                            HEADER
                            "1000000043,Ann,,Smith,2010-01-02,2,SW1A 1AA\n"
                            "1748529631,Bob,,Jones,2010-01-02,1,M1 1AE\n"
                            ",Cat,,Jones,2010-02-30,2,M1 1AE\n"
                            ",Dan,,,2010-02-03,1,M1 1AE\n"
                            "1000000043,Eve,,Smith,2010-01-02,2,SW1A 1AA\n",
                            false, &r, &rj, &d),
                     LRS_EINVAL);
    assert_int_equal(rj.n, 4);
    assert_string_equal(rj.text[0], "3:1:uln:check digit is 1, expected 2");
    assert_non_null(strstr(rj.text[1], "4:5:date_of_birth:"));
    assert_string_equal(rj.text[2], "5:4:family_name:is missing");
    assert_string_equal(rj.text[3],
                        "6:1:uln:learner 1000000043 is already registered");
    assert_string_equal(d.field, "uln");
    assert_int_equal(r.imported, 0);
    assert_int_equal(r.rejected, 4);
    assert_int_equal(learners(s, &audit), 0);
    assert_int_equal(audit, 0);
    lrs_store_free(s);
}

static void test_import__skip_invalid_keeps_good_rows(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_import_result r;
    struct rejects rj;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    assert_int_equal(import(s,
                            HEADER
                            "1000000043,Ann,,Smith,2010-01-02,2,SW1A 1AA\n"
                            ",Bob,,Jones,2010-01-02,X,M1 1AE\n"
                            ",Cat,,Jones,2010-01-02,2,NOT A PC\n"
                            ",Dan,,Jones,2010-01-02,1,M1 1AE\n",
                            true, &r, &rj, &d),
                     LRS_OK);
    assert_int_equal(r.imported, 2);
    assert_int_equal(r.rejected, 2);
    assert_non_null(strstr(rj.text[0], "3:6:gender:"));
    assert_non_null(strstr(rj.text[1], "4:7:postcode:"));
    assert_int_equal(learners(s, NULL), 2);
    lrs_store_free(s);
}

struct bad_file {
    const char *csv;
    const char *msg; /* expected diag message */
};

static void test_import__malformed_csv_changes_nothing(void **state)
{
    static const struct bad_file v[] = {
        {HEADER "1000000043,\"Ann,,Smith,2010-01-02,2,SW1A 1AA\n",
         "in.csv line 2, column 2: unterminated quoted field"},
        {HEADER "1000000043,Ann,,Smith,2010-01-02,2\n",
         "in.csv line 2: has 6 fields, expected 7"},
        {HEADER "1000000043,A\"nn,,Smith,2010-01-02,2,SW1A 1AA\n",
         "in.csv line 2, column 2: quote inside an unquoted field"},
        {HEADER "1000000043,Ann\xe9,,Smith,2010-01-02,2,SW1A 1AA\n",
         "in.csv line 2, column 2: invalid UTF-8 at byte 4 of the field"},
        {"uln,given_name,surname\n", "unknown column 'surname'"},
        {"uln,given_name,family_name\n", "missing column 'middle_names'"},
        {"", "the file is empty (no header row)"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        struct lrs_store *s = factory_new_store();
        struct lrs_import_result r;
        struct rejects rj;
        struct lrs_diag d = LRS_DIAG_INIT;

        assert_int_equal(import(s, v[i].csv, true, &r, &rj, &d), LRS_EINVAL);
        assert_string_equal(d.msg, v[i].msg);
        assert_int_equal(r.imported, 0);
        assert_int_equal(learners(s, NULL), 0);
        lrs_store_free(s);
    }
}

static enum lrs_err to_buf(void *ctx, const char *buf, size_t len)
{
    return lrs_buf_add(ctx, buf, len);
}

static void test_import__export_round_trips(void **state)
{
    struct lrs_store *s = factory_new_store(), *t;
    struct lrs_buf a = LRS_BUF_INIT, b = LRS_BUF_INIT;
    struct lrs_import_result r;
    struct rejects rj;
    struct lrs_diag d = LRS_DIAG_INIT;
    uint64_t n = 0;

    (void)state;
    assert_int_equal(
        import(s,
               "uln,given_name,middle_names,family_name,date_of_birth,"
               "gender,postcode,previous_family_name,preferred_given_name,"
               "address_line1,address_line2,address_line3,address_line4,"
               "ability_to_share\n"
               ",Ann,Zoë,Smith,2010-01-02,2,SW1A 1AA,Jones,Annie,"
               "\"Flat 3, 27 Mill Lane\",Kingswood,London,,1\n"
               ",Bob,,\"O\"\"Neil\",2010-01-02,1,M1 1AE,,,,,,,0\n",
               false, &r, &rj, &d),
        LRS_OK);
    assert_int_equal(lrs_service_export_learners(s, &actor, to_buf, &a, &n, &d),
                     LRS_OK);
    assert_int_equal(n, 2);
    t = factory_new_store();
    assert_int_equal(import(t, a.data, false, &r, &rj, &d), LRS_OK);
    assert_int_equal(lrs_service_export_learners(t, &actor, to_buf, &b, &n, &d),
                     LRS_OK);
    assert_string_equal(a.data, b.data);
    assert_non_null(strstr(a.data, "\"Flat 3, 27 Mill Lane\""));
    lrs_buf_release(&a);
    lrs_buf_release(&b);
    lrs_store_free(t);
    lrs_store_free(s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import__valid_file_imports_all),
        cmocka_unit_test(test_import__one_bad_row_imports_nothing),
        cmocka_unit_test(test_import__skip_invalid_keeps_good_rows),
        cmocka_unit_test(test_import__malformed_csv_changes_nothing),
        cmocka_unit_test(test_import__export_round_trips),
    };
    int rc;

    factory_setup(argc, argv);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
