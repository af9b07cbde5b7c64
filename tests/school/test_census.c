/*
 * test_census.c - the census check (lib/school/census.c) over
 * tests/data/school/roster.csv on the spring census day of 2026.
 */
#include "schooltest.h"

static const struct lrs_date census = {2026, 1, 15};

static void test_census__lists_and_counts(void **state)
{
    struct lrs_school_roster *r = load_data("roster.csv");
    struct lrs_school_census c = LRS_SCHOOL_CENSUS_INIT;

    (void)state;
    assert_int_equal(lrs_school_census_run(r, census, &c), LRS_OK);
    /* Guests, leavers and withdrawn pre-admissions are not on roll. */
    assert_int_equal(c.on_roll, 11);
    /* Aged 14+: everyone on roll but Ahmed (13) and Patel (no DOB). */
    assert_int_equal(c.total.pupils, 9);
    assert_int_equal(c.total.with_uln, 1);
    assert_int_equal(c.total.invalid, 1);
    assert_int_equal(c.total.missing, 7);
    assert_int_equal(c.year_count, 2);
    assert_string_equal(c.years[0].nc_year, "10");
    assert_int_equal(c.years[0].pupils, 4);
    assert_string_equal(c.years[1].nc_year, "11");
    assert_int_equal(c.years[1].pupils, 5);
    assert_int_equal(c.years[1].with_uln, 1);
    /* 8 without a valid ULN aged 14+, and Patel of unknown age. */
    assert_int_equal(c.item_count, 9);
    assert_int_equal(c.items[0].row, 0);
    assert_string_equal(c.items[0].reason, "no ULN");
    assert_int_equal(c.items[0].age, 15);
    assert_int_equal(c.items[5].problem, LRS_SCHOOL_NO_ULN);
    assert_int_equal(c.items[5].age, -1);
    assert_string_equal(c.items[5].reason,
                        "no ULN, and no date of birth to tell the age");
    assert_int_equal(c.items[7].problem, LRS_SCHOOL_BAD_ULN);
    assert_string_equal(c.items[7].reason,
                        "ULN '1748529631' check digit is 1, expected 2");
    lrs_school_census_release(&c);
    lrs_school_roster_free(r);
}

static void test_census__csv_and_html(void **state)
{
    struct lrs_school_roster *r = load_data("roster.csv");
    struct lrs_school_census c = LRS_SCHOOL_CENSUS_INIT;
    struct lrs_buf b = LRS_BUF_INIT;

    (void)state;
    assert_int_equal(lrs_school_census_run(r, census, &c), LRS_OK);
    assert_int_equal(lrs_school_census_summary_csv(&c, &b), LRS_OK);
    assert_string_equal(b.data, "nc_year,pupils_14_plus,with_uln,missing_uln,"
                                "invalid_uln,percent_with_uln\n"
                                "10,4,0,4,0,0.0\n"
                                "11,5,1,3,1,20.0\n"
                                "all,9,1,7,1,11.1\n");
    lrs_buf_reset(&b);
    assert_int_equal(lrs_school_census_csv(&c, r, &b), LRS_OK);
    assert_non_null(strstr(b.data, "roster_line,upn,surname,forename,"
                                   "nc_year,age,uln,problem,reason\n"
                                   "2,G801200026001,Okafor,Chidi,11,15,,"
                                   "no_uln,no ULN\n"));
    assert_non_null(strstr(b.data, "11,F801200026008,Smith,Jordan,11,16,"
                                   "1748529631,invalid_uln,\"ULN "
                                   "'1748529631' check digit is 1, "
                                   "expected 2\"\n"));
    lrs_buf_reset(&b);
    assert_int_equal(lrs_school_census_html(&c, r, &b), LRS_OK);
    assert_non_null(strstr(b.data, "<svg "));
    assert_null(strstr(b.data, "<script"));
    assert_non_null(strstr(b.data, "@media print"));
    assert_non_null(strstr(b.data, "Year 11 (5)"));
    lrs_buf_release(&b);
    lrs_school_census_release(&c);
    lrs_school_roster_free(r);
}

static void test_census__everyone_ready(void **state)
{
    static const char text[] =
        "upn,uln,surname,forename,date_of_birth,sex,nc_year,postcode\n"
        "H801200001001,1000000043,Lee,Sam,2010-01-01,M,11,BS1 1AA\n"
        "B801200005001,,Lee,Kim,2013-01-01,F,8,BS1 1AA\n";
    struct lrs_school_roster *r = NULL;
    struct lrs_school_census c = LRS_SCHOOL_CENSUS_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf b = LRS_BUF_INIT;

    (void)state;
    assert_int_equal(
        lrs_school_roster_load_mem(text, sizeof text - 1, NULL, &r, &d),
        LRS_OK);
    assert_int_equal(lrs_school_census_run(r, census, &c), LRS_OK);
    assert_int_equal(c.item_count, 0);
    assert_int_equal(c.total.pupils, 1);
    assert_int_equal(c.total.with_uln, 1);
    /* Counts agree with their nouns: "1 holds", "2 pupils". */
    assert_int_equal(lrs_school_census_html(&c, r, &b), LRS_OK);
    assert_non_null(strstr(b.data, "<p>2 pupils on roll; 1 aged 14 and over "
                                   "on census day, of whom 1 holds a valid "
                                   "ULN (100.0%)."));
    lrs_buf_release(&b);
    lrs_school_census_release(&c);
    lrs_school_roster_free(r);
}

static void test_census__oom_loop(void **state)
{
    struct lrs_school_roster *r = load_data("roster.csv");

    (void)state;
    for (unsigned long n = 1; n < 1000; n++) {
        struct lrs_school_census c = LRS_SCHOOL_CENSUS_INIT;
        struct lrs_buf b = LRS_BUF_INIT;
        enum lrs_err err;
        int failed;

        test_alloc_fail_at(n);
        err = lrs_school_census_run(r, census, &c);
        if (!err)
            err = lrs_school_census_html(&c, r, &b);
        assert_true(err == LRS_OK || err == LRS_ENOMEM);
        lrs_buf_release(&b);
        lrs_school_census_release(&c);
        assert_int_equal(test_alloc_live(), 0);
        failed = test_alloc_failed();
        test_alloc_reset();
        if (!failed)
            break;
    }
    lrs_school_roster_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_census__lists_and_counts),
        cmocka_unit_test(test_census__csv_and_html),
        cmocka_unit_test(test_census__everyone_ready),
        cmocka_unit_test(test_census__oom_loop),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
