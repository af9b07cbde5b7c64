/* test_err.c - lrs_strerror covers every value; diagnostics and logging. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

static void test_err__strerror_covers_every_value(void **state)
{
    (void)state;
    for (int e = 0; e < LRS_ERR__COUNT; e++) {
        const char *s = lrs_strerror((enum lrs_err)e);

        assert_non_null(s);
        assert_string_not_equal(s, "unknown error");
        for (int f = 0; f < e; f++)
            assert_string_not_equal(s, lrs_strerror((enum lrs_err)f));
    }
    assert_string_equal(lrs_strerror(LRS_ERR__COUNT), "unknown error");
    assert_string_equal(lrs_strerror((enum lrs_err) - 1), "unknown error");
}

static void test_err__diag_names_field_and_truncates(void **state)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    char big[400];

    (void)state;
    lrs_diag_set(&d, "uln", "check digit is %d, expected %d", 3, 2);
    assert_string_equal(d.field, "uln");
    assert_string_equal(d.msg, "check digit is 3, expected 2");

    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    lrs_diag_set(&d, "name", "%s", big);
    assert_int_equal(strlen(d.msg), sizeof d.msg - 1);
    lrs_diag_set(NULL, "x", "ignored"); /* must not crash */
}

static int log_calls;
static char log_last[64];

static void capture(enum lrs_log_level level, const char *module,
                    const char *msg, void *ctx)
{
    (void)level;
    (void)module;
    assert_ptr_equal(ctx, &log_calls);
    log_calls++;
    snprintf(log_last, sizeof log_last, "%s", msg);
}

static void test_err__version_is_semver(void **state)
{
    const char *v = lrs_version();
    int dots = 0;

    (void)state;
    for (const char *p = v; *p; p++) {
        if (*p == '.')
            dots++;
        else
            assert_true(*p >= '0' && *p <= '9');
    }
    assert_int_equal(dots, 2);
    lrs_log_set(capture, &log_calls, LRS_LOG_INFO);
    lrs_log_set(NULL, NULL, LRS_LOG_DEBUG);
    assert_int_equal(log_calls, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err__strerror_covers_every_value),
        cmocka_unit_test(test_err__diag_names_field_and_truncates),
        cmocka_unit_test(test_err__version_is_semver),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
