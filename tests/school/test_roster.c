/*
 * test_roster.c - reading a roster strictly and writing it back
 * (lib/school/roster.c). The error vectors are crafted, one per rule of
 * docs/school.md ("Reading a roster").
 */
#include "schooltest.h"

static const char header[] =
    "upn,uln,surname,forename,date_of_birth,sex,nc_year,enrolment_status,"
    "postcode\n";

static enum lrs_err load_text(const char *text, struct lrs_school_roster **r,
                              struct lrs_diag *d)
{
    return lrs_school_roster_load_mem(text, strlen(text), "r.csv", r, d);
}

static void test_roster__reads_the_sample(void **state)
{
    struct lrs_school_roster *r = load_data("roster.csv");
    const struct lrs_school_pupil *p;

    (void)state;
    assert_int_equal(lrs_school_roster_count(r), 14);
    p = lrs_school_roster_pupil(r, 1);
    assert_int_equal(p->line, 3);
    assert_string_equal(p->field[LRS_SCHOOL_UPN], "T80120002600A");
    assert_string_equal(p->field[LRS_SCHOOL_FORENAME], "Siobh\xc3\xa1n");
    assert_string_equal(p->field[LRS_SCHOOL_ADDRESS_LINE1],
                        "Flat 2, 5 King Street");
    /* dd/mm/yyyy is read as a date. */
    assert_true(p->has_dob);
    assert_int_equal(p->dob.year, 2011);
    assert_int_equal(p->dob.month, 7);
    assert_int_equal(p->dob.day, 2);
    assert_int_equal(p->nc_year, 10);
    /* Absent columns read as "". */
    assert_string_equal(p->field[LRS_SCHOOL_SAON], "");
    p = lrs_school_roster_pupil(r, 4);
    assert_int_equal(p->status, LRS_SCHOOL_GUEST);
    p = lrs_school_roster_pupil(r, 7);
    assert_false(p->has_dob);
    p = lrs_school_roster_pupil(r, 12);
    assert_int_equal(p->status, LRS_SCHOOL_WITHDRAWN);
    lrs_school_roster_free(r);
}

/* Each rule broken once, with the exact diagnostic. */
static void test_roster__precise_errors(void **state)
{
    static const struct {
        const char *text, *msg;
    } v[] = {
        {"", "r.csv is empty (no header line)"},
        {"upn,surname,forename,date_of_birth,sex,postcode,shoe_size\n",
         "r.csv line 1, column 7: unknown column 'shoe_size'"},
        {"upn,surname,forename,date_of_birth,sex,postcode,UPN\n",
         "r.csv line 1, column 7: column 'upn' appears twice (also column 1)"},
        {"upn,surname,forename,date_of_birth,postcode\n",
         "r.csv line 1: missing column 'sex'"},
        {"upn,surname,forename,date_of_birth,sex,postcode\n"
         "A,B,C,2010-01-01,M,BS1 1AA\n"
         "D,\"E,F,2010-01-01,M,BS1 1AA\n",
         "r.csv line 3, column 2: unterminated quoted field"},
        {"upn,surname,forename,date_of_birth,sex,postcode\n"
         "A,B,C,31/02/2011,M,BS1 1AA\n",
         "r.csv line 2, column 4 (date_of_birth): '31/02/2011' is not a "
         "valid date: day 31 does not exist in February 2011"},
        {"upn,surname,forename,date_of_birth,sex,postcode\n"
         "A,B,C,2011-13-01,M,BS1 1AA\n",
         "r.csv line 2, column 4 (date_of_birth): '2011-13-01' is not a "
         "valid date: month 13 is not 1-12"},
        {"upn,surname,forename,date_of_birth,sex,postcode\n"
         "A,B,C,2011-01-01,X,BS1 1AA\n",
         "r.csv line 2, column 5 (sex): 'X' is not M or F"},
        {"upn,surname,forename,date_of_birth,sex,postcode,nc_year\n"
         "A,B,C,2011-01-01,M,BS1 1AA,15\n",
         "r.csv line 2, column 7 (nc_year): '15' is not a national "
         "curriculum year (N1, N2, R, 1-14 or X)"},
        {"upn,surname,forename,date_of_birth,sex,postcode,enrolment_status\n"
         "A,B,C,2011-01-01,M,BS1 1AA,expelled\n",
         "r.csv line 2, column 7 (enrolment_status): 'expelled' is not "
         "current, pre-admission, withdrawn, left or guest"},
        {"upn,surname,forename,date_of_birth,sex,postcode\n"
         "H801200001001,B,C,2011-01-01,M,BS1 1AA\n"
         "B801200005001,B,C,2011-01-01,M,BS1 1AA\n"
         "H801200001001,D,E,2011-01-01,M,BS1 1AA\n"
         "B801200005001,D,E,2011-01-01,M,BS1 1AA\n",
         "r.csv line 4, column 1 (upn): duplicate UPN 'H801200001001' (also "
         "on line 2)"},
        {"upn,surname,forename,date_of_birth,sex,postcode\n"
         "A,B,C,2011-01-01,M\n",
         "r.csv line 2: has 5 fields, expected 6"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        struct lrs_school_roster *r = (void *)1;
        struct lrs_diag d = LRS_DIAG_INIT;

        assert_int_equal(load_text(v[i].text, &r, &d), LRS_EINVAL);
        assert_null(r);
        assert_string_equal(d.msg, v[i].msg);
    }
}

static void test_roster__writes_back_what_it_read(void **state)
{
    char *in = slurp(data_path("roster.csv"));
    struct lrs_school_roster *r = load_data("roster.csv");
    struct lrs_buf b = LRS_BUF_INIT;

    (void)state;
    assert_int_equal(lrs_school_roster_csv(r, &b), LRS_OK);
    assert_string_equal(b.data, in);
    lrs_buf_release(&b);
    lrs_school_roster_free(r);
    free(in);
}

static void test_roster__trims_for_use_keeps_for_output(void **state)
{
    struct lrs_school_roster *r = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf b = LRS_BUF_INIT;
    char text[512];

    (void)state;
    snprintf(text, sizeof text, "%s%s", header,
             " H801200001001 ,, Smith ,Jo, 2010-01-01 ,m,R,LEFT,BS1 1AA\n");
    assert_int_equal(load_text(text, &r, &d), LRS_OK);
    assert_string_equal(lrs_school_roster_pupil(r, 0)->field[LRS_SCHOOL_UPN],
                        "H801200001001");
    assert_string_equal(
        lrs_school_roster_pupil(r, 0)->field[LRS_SCHOOL_SURNAME], "Smith");
    assert_int_equal(lrs_school_roster_pupil(r, 0)->status, LRS_SCHOOL_LEFT);
    assert_int_equal(lrs_school_roster_pupil(r, 0)->nc_year, 0);
    assert_int_equal(lrs_school_roster_csv(r, &b), LRS_OK);
    assert_string_equal(b.data, text);
    lrs_buf_release(&b);
    lrs_school_roster_free(r);
}

static void test_roster__names(void **state)
{
    (void)state;
    assert_string_equal(lrs_school_field_name(LRS_SCHOOL_DATE_OF_BIRTH),
                        "date_of_birth");
    assert_string_equal(lrs_school_field_name(LRS_SCHOOL_POSTCODE), "postcode");
    assert_string_equal(lrs_school_status_name(LRS_SCHOOL_PRE_ADMISSION),
                        "pre-admission");
}

static void test_roster__missing_file(void **state)
{
    struct lrs_school_roster *r = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    assert_int_equal(lrs_school_roster_load("/nonexistent/r.csv", NULL, &r, &d),
                     LRS_EIO);
    assert_null(r);
    assert_string_equal(d.msg, "cannot open '/nonexistent/r.csv': No such "
                               "file or directory");
}

static void test_roster__oom_loop(void **state)
{
    char *in = slurp(data_path("roster.csv"));

    (void)state;
    for (unsigned long n = 1; n < 10000; n++) {
        struct lrs_school_roster *r = NULL;
        struct lrs_buf b = LRS_BUF_INIT;
        enum lrs_err err;

        test_alloc_fail_at(n);
        err = lrs_school_roster_load_mem(in, strlen(in), NULL, &r, NULL);
        if (!err)
            err = lrs_school_roster_csv(r, &b);
        assert_true(err == LRS_OK || err == LRS_ENOMEM);
        if (!err)
            assert_string_equal(b.data, in);
        lrs_buf_release(&b);
        lrs_school_roster_free(r);
        assert_int_equal(test_alloc_live(), 0);
        if (!test_alloc_failed()) {
            test_alloc_reset();
            break;
        }
        test_alloc_reset();
    }
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roster__reads_the_sample),
        cmocka_unit_test(test_roster__precise_errors),
        cmocka_unit_test(test_roster__writes_back_what_it_read),
        cmocka_unit_test(test_roster__trims_for_use_keeps_for_output),
        cmocka_unit_test(test_roster__names),
        cmocka_unit_test(test_roster__missing_file),
        cmocka_unit_test(test_roster__oom_loop),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
