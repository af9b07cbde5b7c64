/*
 * test_session.c - signed session cookies and CSRF tokens: round trip,
 * expiry, forgery by flipping any byte, another key, CSRF binding.
 */
#include "testutil.h"

#include <lrs/auth.h>

#include <string.h>

static struct lrs_auth_key key, other;

static int setup(void **state)
{
    (void)state;
    if (lrs_auth_init() != LRS_OK)
        return -1;
    lrs_auth_key_generate(&key);
    lrs_auth_key_generate(&other);
    return 0;
}

static void test_session__round_trip(void **state)
{
    struct lrs_session s, got;
    char c[LRS_AUTH_SESSION_SIZE];

    (void)state;
    lrs_session_init(&s, 42, 1000000, 3600000);
    lrs_auth_session_encode(&key, &s, c);
    assert_memory_equal(c, "v1.", 3);
    assert_int_equal(lrs_auth_session_decode(&key, lrs_str_c(c), 1000001, &got),
                     LRS_OK);
    assert_int_equal(got.user_id, 42);
    assert_int_equal(got.issued_ms, 1000000);
    assert_int_equal(got.expires_ms, 4600000);
    assert_memory_equal(got.nonce, s.nonce, sizeof s.nonce);
}

static void test_session__expired(void **state)
{
    struct lrs_session s, got;
    char c[LRS_AUTH_SESSION_SIZE];

    (void)state;
    lrs_session_init(&s, 7, 1000, 500);
    lrs_auth_session_encode(&key, &s, c);
    assert_int_equal(lrs_auth_session_decode(&key, lrs_str_c(c), 1499, &got),
                     LRS_OK);
    assert_int_equal(lrs_auth_session_decode(&key, lrs_str_c(c), 1500, &got),
                     LRS_ENOTFOUND);
}

static void test_session__any_flipped_byte_is_refused(void **state)
{
    struct lrs_session s, got;
    char c[LRS_AUTH_SESSION_SIZE];

    (void)state;
    lrs_session_init(&s, 9, 0, 1000);
    lrs_auth_session_encode(&key, &s, c);
    for (size_t i = 0; i < strlen(c); i++) {
        char forged[LRS_AUTH_SESSION_SIZE];

        memcpy(forged, c, sizeof forged);
        forged[i] = forged[i] == 'A' ? 'B' : 'A';
        assert_int_not_equal(
            lrs_auth_session_decode(&key, lrs_str_c(forged), 1, &got), LRS_OK);
    }
    assert_int_equal(lrs_auth_session_decode(&other, lrs_str_c(c), 1, &got),
                     LRS_EINVAL);
    assert_int_equal(lrs_auth_session_decode(&key, LRS_STR("v1."), 1, &got),
                     LRS_EINVAL);
    assert_int_equal(lrs_auth_session_decode(&key, LRS_STR(""), 1, &got),
                     LRS_EINVAL);
}

static void test_session__csrf_bound_to_session(void **state)
{
    struct lrs_session a, b;
    char ta[LRS_AUTH_CSRF_SIZE], tb[LRS_AUTH_CSRF_SIZE];

    (void)state;
    lrs_session_init(&a, 1, 0, 1000);
    lrs_session_init(&b, 1, 0, 1000);
    lrs_auth_csrf_token(&key, &a, ta);
    lrs_auth_csrf_token(&key, &b, tb);
    assert_int_equal(strlen(ta), LRS_AUTH_CSRF_SIZE - 1);
    assert_true(lrs_auth_csrf_check(&key, &a, lrs_str_c(ta)));
    assert_false(lrs_auth_csrf_check(&key, &a, lrs_str_c(tb)));
    assert_false(lrs_auth_csrf_check(&other, &a, lrs_str_c(ta)));
    assert_false(lrs_auth_csrf_check(&key, &a, LRS_STR("")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session__round_trip),
        cmocka_unit_test(test_session__expired),
        cmocka_unit_test(test_session__any_flipped_byte_is_refused),
        cmocka_unit_test(test_session__csrf_bound_to_session),
    };

    return cmocka_run_group_tests_name("auth_session", tests, setup, NULL);
}
