/*
 * test_password.c - the password policy and argon2id hash and verify.
 * Hashes use LRS_AUTH_COST_MIN so that the suite stays fast.
 */
#include "testutil.h"

#include <lrs/auth.h>

#include <string.h>

static int setup(void **state)
{
    (void)state;
    return lrs_auth_init() == LRS_OK ? 0 : -1;
}

static void test_password__policy(void **state)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    char big[1100];

    (void)state;
    assert_int_equal(lrs_auth_password_check(LRS_STR("correct horse"), &d),
                     LRS_OK);
    assert_int_equal(lrs_auth_password_check(LRS_STR("short pw"), &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "password");
    assert_non_null(strstr(d.msg, "at least 12"));
    assert_int_equal(lrs_auth_password_check(LRS_STR("tab\there ok ok"), &d),
                     LRS_EINVAL);
    assert_int_equal(
        lrs_auth_password_check(LRS_STR("bad \xff utf-8 here"), &d),
        LRS_EINVAL);
    assert_int_equal(
        lrs_auth_password_check(LRS_STR("overlong \xc0\xaf slash"), &d),
        LRS_EINVAL);
    assert_int_equal(
        lrs_auth_password_check(LRS_STR("Zo\xc3\xab's p\xc3\xa4ssword"), &d),
        LRS_OK);
    memset(big, 'a', sizeof big);
    assert_int_equal(lrs_auth_password_check((struct lrs_str){big, 1024}, &d),
                     LRS_OK);
    assert_int_equal(lrs_auth_password_check((struct lrs_str){big, 1025}, &d),
                     LRS_EINVAL);
}

/* A generated password passes the policy, is base64url, and differs. */
static void test_password__generated(void **state)
{
    char a[LRS_AUTH_PASSWORD_NEW_SIZE], b[LRS_AUTH_PASSWORD_NEW_SIZE];
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    lrs_auth_password_new(a);
    lrs_auth_password_new(b);
    assert_int_equal(strlen(a), 20);
    assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                               "qrstuvwxyz0123456789-_"),
                     20);
    assert_int_equal(lrs_auth_password_check(lrs_str_c(a), &d), LRS_OK);
    assert_string_not_equal(a, b);
}

static void test_password__hash_verifies(void **state)
{
    char h[LRS_AUTH_HASH_SIZE], h2[LRS_AUTH_HASH_SIZE];

    (void)state;
    assert_int_equal(
        lrs_auth_password_hash(LRS_STR("correct horse"), LRS_AUTH_COST_MIN, h),
        LRS_OK);
    assert_non_null(strstr(h, "$argon2id$"));
    assert_null(strstr(h, "correct horse"));
    assert_int_equal(lrs_auth_password_verify(h, LRS_STR("correct horse")),
                     LRS_OK);
    assert_int_equal(lrs_auth_password_verify(h, LRS_STR("correct horsf")),
                     LRS_EINVAL);
    assert_int_equal(lrs_auth_password_verify(h, LRS_STR("")), LRS_EINVAL);
    /* A fresh salt each time. */
    assert_int_equal(
        lrs_auth_password_hash(LRS_STR("correct horse"), LRS_AUTH_COST_MIN, h2),
        LRS_OK);
    assert_string_not_equal(h, h2);
}

static void test_password__malformed_hash_refused(void **state)
{
    (void)state;
    assert_int_equal(lrs_auth_password_verify("", LRS_STR("x")), LRS_EINVAL);
    assert_int_equal(
        lrs_auth_password_verify("$argon2id$v=19$junk", LRS_STR("x")),
        LRS_EINVAL);
    assert_int_equal(lrs_auth_password_verify(NULL, LRS_STR("x")), LRS_EINVAL);
}

static void test_password__rehash_on_cost_change(void **state)
{
    char h[LRS_AUTH_HASH_SIZE];

    (void)state;
    assert_int_equal(
        lrs_auth_password_hash(LRS_STR("correct horse"), LRS_AUTH_COST_MIN, h),
        LRS_OK);
    assert_false(lrs_auth_password_needs_rehash(h, LRS_AUTH_COST_MIN));
    assert_true(lrs_auth_password_needs_rehash(h, LRS_AUTH_COST_INTERACTIVE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password__policy),
        cmocka_unit_test(test_password__generated),
        cmocka_unit_test(test_password__hash_verifies),
        cmocka_unit_test(test_password__malformed_hash_refused),
        cmocka_unit_test(test_password__rehash_on_cost_change),
    };

    return cmocka_run_group_tests_name("auth_password", tests, setup, NULL);
}
