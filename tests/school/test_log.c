/*
 * test_log.c - log entries and their CSV and HTML forms (lib/school/log.c).
 */
#include "schooltest.h"

static void fill(struct lrs_school_log *log)
{
    /* Internal, but public enough for a test: the one way entries are
     * made is through an export or import, so build one by import. */
    struct lrs_school_roster *r = load_data("roster.csv");
    struct lrs_school_import_stats st;
    struct lrs_diag d = LRS_DIAG_INIT;

    assert_int_equal(
        lrs_school_import(r, data_path("returned.xml"), log, &st, &d), LRS_OK);
    lrs_school_roster_free(r);
}

static void test_log__csv(void **state)
{
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_buf b = LRS_BUF_INIT;

    (void)state;
    fill(&log);
    assert_int_equal(lrs_school_log_csv(&log, &b), LRS_OK);
    assert_non_null(strstr(b.data,
                           "roster_line,ctf_pupil,upn,surname,forename,"
                           "outcome,code,severity,field,old_value,"
                           "new_value,message\n"
                           "2,1,G801200026001,Okafor,Chidi,ULN added,I001,"
                           "change,uln,,4733206177,\"Student already "
                           "exists in the school, but some data might "
                           "have been updated\"\n"));
    /* Not in the roster: no line. */
    assert_non_null(strstr(b.data, "\n,8,M801200026014,Unknown,Person,"
                                   "not found,I005,blocking,,,,"));
    lrs_buf_release(&b);
    lrs_school_log_release(&log);
    assert_int_equal(log.count, 0);
}

static void test_log__html_is_escaped(void **state)
{
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_buf b = LRS_BUF_INIT;

    (void)state;
    fill(&log);
    assert_int_equal(lrs_school_log_html(&log, "Import <log> & more", &b),
                     LRS_OK);
    assert_non_null(strstr(b.data, "<title>Import &lt;log&gt; &amp; more"
                                   "</title>"));
    assert_non_null(strstr(b.data, "<td>O&#39;Brien</td>"));
    assert_null(strstr(b.data, "O'Brien"));
    assert_null(strstr(b.data, "<script"));
    lrs_buf_release(&b);
    lrs_school_log_release(&log);
}

static void test_log__severity_names(void **state)
{
    (void)state;
    assert_string_equal(lrs_school_severity_name(LRS_SCHOOL_INFO), "info");
    assert_string_equal(lrs_school_severity_name(LRS_SCHOOL_CHANGE), "change");
    assert_string_equal(lrs_school_severity_name(LRS_SCHOOL_WARNING),
                        "warning");
    assert_string_equal(lrs_school_severity_name(LRS_SCHOOL_BLOCKING),
                        "blocking");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log__csv),
        cmocka_unit_test(test_log__html_is_escaped),
        cmocka_unit_test(test_log__severity_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
