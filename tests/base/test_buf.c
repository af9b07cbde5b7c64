/* test_buf.c - struct lrs_buf invariants, limits and the OOM loop. */
#include "testutil.h"

#include <string.h>

/* git's assert_sane_strbuf: run after every mutation. */
static void assert_sane(const struct lrs_buf *b)
{
    assert_non_null(b->data);
    assert_int_equal(b->data[b->len], '\0');
    if (b->cap)
        assert_true(b->len < b->cap);
    else
        assert_int_equal(b->len, 0);
    if (b->max)
        assert_true(b->len <= b->max);
}

static void test_buf__appends_and_stays_terminated(void **state)
{
    struct lrs_buf b = LRS_BUF_INIT;

    (void)state;
    assert_sane(&b);
    assert_string_equal(b.data, "");
    assert_int_equal(lrs_buf_adds(&b, "hello"), LRS_OK);
    assert_sane(&b);
    assert_int_equal(lrs_buf_addch(&b, ' '), LRS_OK);
    assert_sane(&b);
    assert_int_equal(lrs_buf_addf(&b, "%s %d", "world", 42), LRS_OK);
    assert_sane(&b);
    assert_string_equal(b.data, "hello world 42");
    for (int i = 0; i < 1000; i++)
        assert_int_equal(lrs_buf_addf(&b, "%04d", i), LRS_OK);
    assert_sane(&b);
    assert_int_equal(b.len, 14 + 4000);
    assert_memory_equal(b.data + 14 + 4 * 999, "0999", 4);
    lrs_buf_truncate(&b, 5);
    assert_sane(&b);
    assert_string_equal(b.data, "hello");
    lrs_buf_reset(&b);
    assert_sane(&b);
    assert_int_equal(b.len, 0);
    lrs_buf_release(&b);
    assert_sane(&b);
}

static void test_buf__binary_safe(void **state)
{
    struct lrs_buf b = LRS_BUF_INIT;

    (void)state;
    assert_int_equal(lrs_buf_add(&b, "a\0b", 3), LRS_OK);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 4);
    lrs_buf_release(&b);
}

static void test_buf__limit_refuses_and_keeps_content(void **state)
{
    struct lrs_buf b;

    (void)state;
    lrs_buf_init(&b, 8);
    assert_int_equal(lrs_buf_adds(&b, "12345678"), LRS_OK);
    assert_int_equal(lrs_buf_addch(&b, '9'), LRS_ELIMIT);
    assert_sane(&b);
    assert_string_equal(b.data, "12345678");
    lrs_buf_truncate(&b, 6);
    assert_int_equal(lrs_buf_addf(&b, "%s", "abc"), LRS_ELIMIT);
    assert_sane(&b);
    assert_string_equal(b.data, "123456");
    lrs_buf_release(&b);
    assert_int_equal(b.max, 8);
}

static void test_buf__take_hands_out_and_empties(void **state)
{
    struct lrs_buf b = LRS_BUF_INIT;
    size_t len = 99;
    char *s;

    (void)state;
    s = lrs_buf_take(&b, &len);
    assert_non_null(s);
    assert_string_equal(s, "");
    assert_int_equal(len, 0);
    lrs_free(s);
    assert_int_equal(lrs_buf_adds(&b, "abc"), LRS_OK);
    s = lrs_buf_take(&b, &len);
    assert_string_equal(s, "abc");
    assert_int_equal(len, 3);
    assert_sane(&b);
    assert_int_equal(b.cap, 0);
    lrs_free(s);
}

/* Every allocation failure gives a clean ENOMEM, no leak, a valid buffer. */
static void test_buf__oom_loop(void **state)
{
    (void)state;
    for (unsigned long n = 1;; n++) {
        struct lrs_buf b = LRS_BUF_INIT;
        enum lrs_err err = LRS_OK;

        test_alloc_fail_at(n);
        for (int i = 0; i < 200 && !err; i++)
            err = lrs_buf_addf(&b, "line %d of text\n", i);
        assert_sane(&b);
        if (err)
            assert_int_equal(err, LRS_ENOMEM);
        lrs_buf_release(&b);
        assert_int_equal(test_alloc_live(), 0);
        if (!test_alloc_failed()) {
            assert_int_equal(err, LRS_OK);
            break;
        }
        test_alloc_reset();
    }
    test_alloc_reset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf__appends_and_stays_terminated),
        cmocka_unit_test(test_buf__binary_safe),
        cmocka_unit_test(test_buf__limit_refuses_and_keeps_content),
        cmocka_unit_test(test_buf__take_hands_out_and_empties),
        cmocka_unit_test(test_buf__oom_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
