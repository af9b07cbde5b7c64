/* test_arena.c - alignment, large blocks, release and OOM. */
#include "testutil.h"

#include <stdalign.h>
#include <string.h>

static void test_arena__aligned_and_distinct(void **state)
{
    struct lrs_arena a = LRS_ARENA_INIT;
    char *prev = NULL;

    (void)state;
    for (size_t i = 1; i < 3000; i += 7) {
        char *p = lrs_arena_alloc(&a, i);

        assert_non_null(p);
        assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
        memset(p, 0x5a, i);
        assert_true(p != prev);
        prev = p;
    }
    assert_non_null(lrs_arena_alloc(&a, 1 << 20)); /* larger than a chunk */
    assert_string_equal(lrs_arena_strndup(&a, "hello", 4), "hell");
    lrs_arena_release(&a);
    assert_null(a.head);
    assert_non_null(lrs_arena_alloc(&a, 8)); /* usable again */
    lrs_arena_release(&a);
}

static void test_arena__oom_returns_null_and_frees(void **state)
{
    struct lrs_arena a = LRS_ARENA_INIT;

    (void)state;
    test_alloc_fail_at(3);
    assert_non_null(lrs_arena_alloc(&a, 4000));
    assert_non_null(lrs_arena_alloc(&a, 4000));
    assert_null(lrs_arena_alloc(&a, 4000));
    lrs_arena_release(&a);
    assert_int_equal(test_alloc_live(), 0);
    test_alloc_reset();
    assert_null(lrs_arena_alloc(&a, SIZE_MAX - 8));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena__aligned_and_distinct),
        cmocka_unit_test(test_arena__oom_returns_null_and_frees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
