/*
 * test_nickname.c - the built-in nickname tables (lib/match/nickname.c,
 * generated from data/nicknames/ at build time).
 */
#include "fixture.h"

static bool nick(const char *a, const char *b)
{
    return lrs_match_nickname(lrs_str_c(a), lrs_str_c(b));
}

static void test_nickname__pairs_both_ways(void **state)
{
    (void)state;
    /* names.csv (carltonnorthern/nicknames): robert has_nickname bob. */
    assert_true(nick("ROBERT", "BOB"));
    assert_true(nick("BOB", "ROBERT"));
    assert_true(nick("WILLIAM", "BILL"));
    /* extra.csv: jakub has_nickname kuba. */
    assert_true(nick("KUBA", "JAKUB"));
    assert_false(nick("ROBERT", "ROBERT"));
    assert_false(nick("ROBERT", "MARY"));
    assert_false(nick("", "BOB"));
    assert_false(nick("MARY", "BOB"));
    /* Prefixes are not matches. */
    assert_false(nick("ROBER", "BOB"));
    assert_false(nick("ROBERTS", "BOB"));
    /* Punctuation in the source becomes a space: k.c. is "K C". */
    assert_true(nick("CASEY", "K C"));
}

static void test_nickname__curated_and_broad(void **state)
{
    (void)state;
    assert_int_equal(lrs__nickname(lrs_str_c("AMELIA"), lrs_str_c("AMY")), 2);
    /* Only the broad list pairs these two distinct names. */
    assert_int_equal(lrs__nickname(lrs_str_c("AMELIA"), lrs_str_c("EMILY")), 1);
    assert_int_equal(lrs__nickname(lrs_str_c("AMELIA"), lrs_str_c("ZED")), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nickname__pairs_both_ways),
        cmocka_unit_test(test_nickname__curated_and_broad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
