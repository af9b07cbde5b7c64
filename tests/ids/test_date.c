/* test_date.c - date parsing, day numbers, formatting and ages. */
#include "testutil.h"

#include <lrs/ids.h>

#include <stdio.h>
#include <string.h>

static struct lrs_date date_of(int y, int m, int d)
{
    const struct lrs_date r = {(int16_t)y, (uint8_t)m, (uint8_t)d};

    return r;
}

static void assert_parses(const char *in, unsigned flags, int y, int m, int d)
{
    struct lrs_date out;
    struct lrs_diag diag = LRS_DIAG_INIT;

    assert_int_equal(lrs_date_parse(lrs_str_c(in), flags, "dob", &out, &diag),
                     LRS_OK);
    assert_int_equal(out.year, y);
    assert_int_equal(out.month, m);
    assert_int_equal(out.day, d);
}

static void assert_rejected(struct lrs_str in, unsigned flags, const char *msg)
{
    struct lrs_date out = {7, 7, 7};
    struct lrs_diag diag = LRS_DIAG_INIT;

    assert_int_equal(lrs_date_parse(in, flags, "date_of_birth", &out, &diag),
                     LRS_EINVAL);
    assert_string_equal(diag.field, "date_of_birth");
    assert_string_equal(diag.msg, msg);
    assert_int_equal(out.year, 7); /* untouched */
}

/* MIAPDate in ../spec/lrs/learner.xsd: yyyy-mm-dd, years 18xx-20xx, real
 * calendar with Gregorian leap years (DOMAIN.md). */
static void test_date__iso_real_calendar(void **state)
{
    (void)state;
    assert_parses("2008-09-01", 0, 2008, 9, 1);
    assert_parses("1800-01-01", 0, 1800, 1, 1);
    assert_parses("2099-12-31", 0, 2099, 12, 31);
    assert_parses("2000-02-29", 0, 2000, 2, 29); /* divisible by 400 */
    assert_parses("2024-02-29", 0, 2024, 2, 29);
    assert_rejected(LRS_STR("1900-02-29"), 0,
                    "day 29 does not exist in February 1900");
    assert_rejected(LRS_STR("2023-02-29"), 0,
                    "day 29 does not exist in February 2023");
    assert_rejected(LRS_STR("2023-04-31"), 0,
                    "day 31 does not exist in April 2023");
    assert_rejected(LRS_STR("2023-01-00"), 0,
                    "day 0 does not exist in January 2023");
    assert_rejected(LRS_STR("2023-13-01"), 0, "month 13 is not 1-12");
    assert_rejected(LRS_STR("2023-00-01"), 0, "month 0 is not 1-12");
    assert_rejected(LRS_STR("1799-12-31"), 0, "year 1799 is outside 1800-2099");
    assert_rejected(LRS_STR("2100-01-01"), 0, "year 2100 is outside 1800-2099");
}

static void test_date__dmy_only_with_flag(void **state)
{
    (void)state;
    assert_parses("01/09/2008", LRS_DATE_PARSE_DMY, 2008, 9, 1);
    assert_parses("1/9/2008", LRS_DATE_PARSE_DMY, 2008, 9, 1);
    assert_parses("29/02/2024", LRS_DATE_PARSE_DMY, 2024, 2, 29);
    assert_parses("2008-09-01", LRS_DATE_PARSE_DMY, 2008, 9, 1);
    assert_rejected(LRS_STR("01/09/2008"), 0, "must be a date as yyyy-mm-dd");
    assert_rejected(LRS_STR("29/02/2023"), LRS_DATE_PARSE_DMY,
                    "day 29 does not exist in February 2023");
    assert_rejected(LRS_STR("01/09/08"), LRS_DATE_PARSE_DMY,
                    "must be a date as yyyy-mm-dd or dd/mm/yyyy");
    assert_rejected(LRS_STR("001/09/2008"), LRS_DATE_PARSE_DMY,
                    "must be a date as yyyy-mm-dd or dd/mm/yyyy");
    assert_rejected(LRS_STR("01/09/2008/"), LRS_DATE_PARSE_DMY,
                    "must be a date as yyyy-mm-dd or dd/mm/yyyy");
    assert_rejected(LRS_STR("/1/092008"), LRS_DATE_PARSE_DMY,
                    "must be a date as yyyy-mm-dd or dd/mm/yyyy");
    assert_rejected(LRS_STR("1//12008"), LRS_DATE_PARSE_DMY,
                    "must be a date as yyyy-mm-dd or dd/mm/yyyy");
    assert_rejected(LRS_STR("a1/09/2008"), LRS_DATE_PARSE_DMY,
                    "must be a date as yyyy-mm-dd or dd/mm/yyyy");
}

static void test_date__malformed_input(void **state)
{
    const struct lrs_str nul = {"2008-09-0\0", 10};
    struct lrs_date out;
    struct lrs_diag diag = LRS_DIAG_INIT;

    (void)state;
    assert_rejected(LRS_STR(""), 0, "is missing");
    assert_rejected((struct lrs_str){NULL, 0}, LRS_DATE_PARSE_DMY,
                    "is missing");
    assert_rejected(LRS_STR(" 2008-09-01"), 0, "must be a date as yyyy-mm-dd");
    assert_rejected(LRS_STR("2008-9-01"), 0, "must be a date as yyyy-mm-dd");
    assert_rejected(LRS_STR("2008/09/01"), 0, "must be a date as yyyy-mm-dd");
    assert_rejected(LRS_STR("+008-09-01"), 0, "must be a date as yyyy-mm-dd");
    assert_rejected(LRS_STR("2008-09-01T00:00:00"), 0,
                    "must be a date as yyyy-mm-dd");
    assert_rejected(LRS_STR("2008-09-\xc3\xa9"), 0,
                    "must be a date as yyyy-mm-dd");
    assert_rejected(nul, 0, "must be a date as yyyy-mm-dd");
    /* A NULL field is named "date"; a NULL diagnostic is allowed. */
    assert_int_equal(lrs_date_parse(LRS_STR("x"), 0, NULL, &out, &diag),
                     LRS_EINVAL);
    assert_string_equal(diag.field, "date");
    assert_int_equal(lrs_date_parse(LRS_STR("x"), 0, NULL, &out, NULL),
                     LRS_EINVAL);
}

static void test_date__day_numbers(void **state)
{
    (void)state;
    assert_int_equal(lrs_date_to_days(date_of(1970, 1, 1)), 0);
    assert_int_equal(lrs_date_to_days(date_of(1969, 12, 31)), -1);
    assert_int_equal(lrs_date_to_days(date_of(2000, 3, 1)), 11017);
    assert_int_equal(lrs_date_to_days(date_of(2024, 2, 29)), 19782);
    assert_int_equal(lrs_date_to_days(date_of(1800, 1, 1)), -62091);
    assert_int_equal(lrs_date_to_days(date_of(2099, 12, 31)), 47481);
    /* Clamped outside the valid range. */
    assert_int_equal(lrs_date_from_days(-100000).year, 1800);
    assert_int_equal(lrs_date_to_days(lrs_date_from_days(INT32_MIN)), -62091);
    assert_int_equal(lrs_date_to_days(lrs_date_from_days(INT32_MAX)), 47481);
}

/* Property: from_days inverts to_days on every day of 1800-2099, and day
 * numbers are consecutive through the calendar. */
static void test_date__round_trip_every_day(void **state)
{
    int32_t expect = lrs_date_to_days(date_of(1800, 1, 1));

    (void)state;
    for (int y = 1800; y <= 2099; y++) {
        for (int m = 1; m <= 12; m++) {
            for (int d = 1; d <= 31; d++) {
                struct lrs_date back;
                char text[11], want[11];

                if (!lrs_date_valid(y, m, d))
                    continue;
                assert_int_equal(lrs_date_to_days(date_of(y, m, d)), expect);
                back = lrs_date_from_days(expect);
                assert_int_equal(back.year, y);
                assert_int_equal(back.month, m);
                assert_int_equal(back.day, d);
                lrs_date_format(back, text);
                snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
                assert_string_equal(text, want);
                expect++;
            }
        }
    }
    assert_int_equal(expect, 47482);
}

static void test_date__valid(void **state)
{
    (void)state;
    assert_true(lrs_date_valid(2024, 2, 29));
    assert_false(lrs_date_valid(2100, 2, 28));
    assert_false(lrs_date_valid(1799, 12, 31));
    assert_false(lrs_date_valid(2023, 2, 29));
    assert_false(lrs_date_valid(2023, 0, 1));
    assert_false(lrs_date_valid(2023, 13, 1));
    assert_false(lrs_date_valid(2023, 6, 31));
    assert_false(lrs_date_valid(2023, 6, -1));
}

static void test_date__age_on(void **state)
{
    const struct lrs_date dob = date_of(2010, 9, 15);
    const struct lrs_date leap = date_of(2008, 2, 29);

    (void)state;
    assert_int_equal(lrs_date_age_on(dob, date_of(2024, 9, 14)), 13);
    assert_int_equal(lrs_date_age_on(dob, date_of(2024, 9, 15)), 14);
    assert_int_equal(lrs_date_age_on(dob, date_of(2025, 1, 16)), 14);
    assert_int_equal(lrs_date_age_on(dob, date_of(2010, 9, 15)), 0);
    assert_int_equal(lrs_date_age_on(dob, date_of(2009, 9, 15)), -1);
    assert_int_equal(lrs_date_age_on(dob, date_of(2009, 9, 16)), -1);
    assert_int_equal(lrs_date_age_on(dob, date_of(2009, 9, 14)), -2);
    /* A 29 February birthday: a year older on 1 March in a common year. */
    assert_int_equal(lrs_date_age_on(leap, date_of(2023, 2, 28)), 14);
    assert_int_equal(lrs_date_age_on(leap, date_of(2023, 3, 1)), 15);
    assert_int_equal(lrs_date_age_on(leap, date_of(2024, 2, 29)), 16);
    /* LRS batch age range 13-110 (DOMAIN.md, RC013) at the extremes. */
    assert_int_equal(
        lrs_date_age_on(date_of(1800, 1, 1), date_of(2099, 12, 31)), 299);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date__iso_real_calendar),
        cmocka_unit_test(test_date__dmy_only_with_flag),
        cmocka_unit_test(test_date__malformed_input),
        cmocka_unit_test(test_date__day_numbers),
        cmocka_unit_test(test_date__round_trip_every_day),
        cmocka_unit_test(test_date__valid),
        cmocka_unit_test(test_date__age_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
