/* test_str.c - slices and lrs_parse_u64. */
#include "testutil.h"

static void test_str__parse_u64_accepts_digits_in_range(void **state)
{
    uint64_t v = 7;

    (void)state;
    assert_int_equal(lrs_parse_u64(LRS_STR("0"), 0, 10, &v), LRS_OK);
    assert_int_equal(v, 0);
    assert_int_equal(
        lrs_parse_u64(LRS_STR("18446744073709551615"), 0, UINT64_MAX, &v),
        LRS_OK);
    assert_true(v == UINT64_MAX);
    assert_int_equal(lrs_parse_u64(LRS_STR("007"), 1, 9, &v), LRS_OK);
    assert_int_equal(v, 7);
}

static void test_str__parse_u64_rejects_bad_input(void **state)
{
    uint64_t v = 42;
    const struct lrs_str nul = {"1\0002", 3};

    (void)state;
    assert_int_equal(lrs_parse_u64(LRS_STR(""), 0, 10, &v), LRS_EINVAL);
    assert_int_equal(lrs_parse_u64(LRS_STR("-1"), 0, 10, &v), LRS_EINVAL);
    assert_int_equal(lrs_parse_u64(LRS_STR(" 1"), 0, 10, &v), LRS_EINVAL);
    assert_int_equal(lrs_parse_u64(LRS_STR("1a"), 0, 10, &v), LRS_EINVAL);
    assert_int_equal(lrs_parse_u64(nul, 0, 1000, &v), LRS_EINVAL);
    assert_int_equal(lrs_parse_u64(LRS_STR("11"), 0, 10, &v), LRS_ELIMIT);
    assert_int_equal(lrs_parse_u64(LRS_STR("0"), 1, 10, &v), LRS_ELIMIT);
    assert_int_equal(
        lrs_parse_u64(LRS_STR("18446744073709551616"), 0, UINT64_MAX, &v),
        LRS_ELIMIT);
    assert_int_equal(v, 42); /* untouched on every failure */
}

static void test_str__trim_and_eq(void **state)
{
    (void)state;
    assert_true(
        lrs_str_eq(lrs_str_trim(LRS_STR(" \t ab c\r\n")), LRS_STR("ab c")));
    assert_true(lrs_str_eq(lrs_str_trim(LRS_STR("   ")), LRS_STR("")));
    assert_false(lrs_str_eq(LRS_STR("ab"), LRS_STR("abc")));
    assert_true(lrs_str_eq(lrs_str_c(NULL), LRS_STR("")));
    assert_int_equal(lrs_str_c("abc").len, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_str__parse_u64_accepts_digits_in_range),
        cmocka_unit_test(test_str__parse_u64_rejects_bad_input),
        cmocka_unit_test(test_str__trim_and_eq),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
