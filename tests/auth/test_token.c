/*
 * test_token.c - API tokens: shape, hash at rest, refusal of lookalikes.
 */
#include "testutil.h"

#include <lrs/auth.h>

#include <string.h>

static int setup(void **state)
{
    (void)state;
    return lrs_auth_init() == LRS_OK ? 0 : -1;
}

static void test_token__shape_and_hash(void **state)
{
    char t[LRS_AUTH_TOKEN_SIZE], t2[LRS_AUTH_TOKEN_SIZE];
    uint8_t h[LRS_AUTH_TOKEN_HASH_LEN], again[LRS_AUTH_TOKEN_HASH_LEN];
    uint8_t h2[LRS_AUTH_TOKEN_HASH_LEN];

    (void)state;
    lrs_auth_token_new(t, h);
    assert_int_equal(strlen(t), LRS_AUTH_TOKEN_SIZE - 1);
    assert_memory_equal(t, "lrst_", 5);
    assert_int_equal(lrs_auth_token_hash(lrs_str_c(t), again), LRS_OK);
    assert_memory_equal(h, again, sizeof h);
    lrs_auth_token_new(t2, h2);
    assert_string_not_equal(t, t2);
    assert_memory_not_equal(h, h2, sizeof h);
    assert_true(lrs_auth_equal(h, again, sizeof h));
    assert_false(lrs_auth_equal(h, h2, sizeof h));
}

static void test_token__lookalikes_refused(void **state)
{
    char t[LRS_AUTH_TOKEN_SIZE];
    uint8_t h[LRS_AUTH_TOKEN_HASH_LEN];

    (void)state;
    lrs_auth_token_new(t, h);
    assert_int_equal(lrs_auth_token_hash(LRS_STR(""), h), LRS_EINVAL);
    assert_int_equal(lrs_auth_token_hash((struct lrs_str){t, strlen(t) - 1}, h),
                     LRS_EINVAL);
    t[0] = 'x';
    assert_int_equal(lrs_auth_token_hash(lrs_str_c(t), h), LRS_EINVAL);
    t[0] = 'l';
    t[10] = '+';
    assert_int_equal(lrs_auth_token_hash(lrs_str_c(t), h), LRS_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token__shape_and_hash),
        cmocka_unit_test(test_token__lookalikes_refused),
    };

    return cmocka_run_group_tests_name("auth_token", tests, setup, NULL);
}
