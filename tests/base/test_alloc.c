/* test_alloc.c - the allocation hook and overflow checks. */
#include "testutil.h"

#include <string.h>

static void test_alloc__mul_size_detects_overflow(void **state)
{
    size_t out = 5;

    (void)state;
    assert_int_equal(lrs_mul_size(3, 4, &out), LRS_OK);
    assert_int_equal(out, 12);
    assert_int_equal(lrs_mul_size(SIZE_MAX / 2 + 1, 2, &out), LRS_ELIMIT);
    assert_int_equal(out, 12);
    assert_int_equal(lrs_mul_size(0, SIZE_MAX, &out), LRS_OK);
    assert_int_equal(out, 0);
    assert_null(lrs_calloc(SIZE_MAX / 2, 4));
}

static void test_alloc__hook_sees_every_call(void **state)
{
    void *p, *q;
    char *s;

    (void)state;
    test_alloc_fail_at(0);
    p = lrs_malloc(10);
    q = lrs_calloc(2, 8);
    s = lrs_strndup("abcdef", 3);
    assert_int_equal(test_alloc_live(), 3);
    assert_string_equal(s, "abc");
    p = lrs_realloc(p, 100);
    assert_non_null(p);
    lrs_free(p);
    lrs_free(q);
    lrs_free(s);
    lrs_free(NULL);
    assert_int_equal(test_alloc_live(), 0);
    test_alloc_fail_at(1);
    assert_null(lrs_malloc(1));
    assert_true(test_alloc_failed());
    test_alloc_reset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc__mul_size_detects_overflow),
        cmocka_unit_test(test_alloc__hook_sees_every_call),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
