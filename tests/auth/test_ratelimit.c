/*
 * test_ratelimit.c - token buckets: burst, exact refill, retry-after,
 * independence of keys, a full table, and the OOM loop.
 */
#include "testutil.h"

#include <lrs/auth.h>

static void test_ratelimit__burst_then_refill(void **state)
{
    struct lrs_ratelimit *rl;
    int64_t retry = 0;

    (void)state;
    assert_int_equal(lrs_ratelimit_new(60, 3, &rl), LRS_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(lrs_ratelimit_take(rl, 5, 0, NULL), LRS_OK);
    assert_int_equal(lrs_ratelimit_take(rl, 5, 0, &retry), LRS_ELIMIT);
    assert_int_equal(retry, 1000); /* 60 a minute: one a second */
    assert_int_equal(lrs_ratelimit_take(rl, 5, 999, &retry), LRS_ELIMIT);
    assert_int_equal(retry, 1);
    assert_int_equal(lrs_ratelimit_take(rl, 5, 1000, NULL), LRS_OK);
    /* A long pause refills to the burst, no more. */
    for (int i = 0; i < 3; i++)
        assert_int_equal(lrs_ratelimit_take(rl, 5, 600000, NULL), LRS_OK);
    assert_int_equal(lrs_ratelimit_take(rl, 5, 600000, NULL), LRS_ELIMIT);
    lrs_ratelimit_free(rl);
}

static void test_ratelimit__slow_rates_are_exact(void **state)
{
    struct lrs_ratelimit *rl;

    (void)state;
    /* 7 a minute, probed every millisecond: no refill is lost. */
    assert_int_equal(lrs_ratelimit_new(7, 1, &rl), LRS_OK);
    assert_int_equal(lrs_ratelimit_take(rl, 1, 0, NULL), LRS_OK);
    for (int64_t t = 1; t < 8572; t++)
        assert_int_equal(lrs_ratelimit_take(rl, 1, t, NULL), LRS_ELIMIT);
    assert_int_equal(lrs_ratelimit_take(rl, 1, 8572, NULL), LRS_OK);
    lrs_ratelimit_free(rl);
}

static void test_ratelimit__keys_are_independent(void **state)
{
    struct lrs_ratelimit *rl;

    (void)state;
    assert_int_equal(lrs_ratelimit_new(1, 1, &rl), LRS_OK);
    for (uint64_t k = 1; k <= 20000; k++)
        assert_int_equal(lrs_ratelimit_take(rl, k, 0, NULL), LRS_OK);
    /* A recent key in a full table is still limited. */
    assert_int_equal(lrs_ratelimit_take(rl, 20000, 0, NULL), LRS_ELIMIT);
    assert_int_equal(lrs_ratelimit_take(rl, 0, 0, NULL), LRS_OK);
    assert_int_equal(lrs_ratelimit_take(rl, 0, 0, NULL), LRS_ELIMIT);
    lrs_ratelimit_free(rl);
}

static void test_ratelimit__bad_args_and_oom(void **state)
{
    struct lrs_ratelimit *rl;

    (void)state;
    assert_int_equal(lrs_ratelimit_new(0, 1, &rl), LRS_EINVAL);
    assert_null(rl);
    test_alloc_fail_at(1);
    assert_int_equal(lrs_ratelimit_new(1, 1, &rl), LRS_ENOMEM);
    assert_null(rl);
    test_alloc_reset();
    assert_int_equal(test_alloc_live(), 0);
    lrs_ratelimit_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ratelimit__burst_then_refill),
        cmocka_unit_test(test_ratelimit__slow_rates_are_exact),
        cmocka_unit_test(test_ratelimit__keys_are_independent),
        cmocka_unit_test(test_ratelimit__bad_args_and_oom),
    };

    return cmocka_run_group_tests_name("auth_ratelimit", tests, NULL, NULL);
}
