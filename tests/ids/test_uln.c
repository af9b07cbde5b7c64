/* test_uln.c - ULN checking, the check digit and the keyed issuer. */
#include "testutil.h"

#include <lrs/ids.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum lrs_err check(const char *s, struct lrs_diag *d)
{
    return lrs_uln_check(lrs_str_c(s), d);
}

static void assert_rejected(const char *uln, const char *msg)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    assert_int_equal(check(uln, &d), LRS_EINVAL);
    assert_string_equal(d.field, "uln");
    assert_string_equal(d.msg, msg);
}

static struct lrs_uln_key key_of(uint8_t seed)
{
    struct lrs_uln_key k;

    for (size_t i = 0; i < sizeof k.bytes; i++)
        k.bytes[i] = (uint8_t)(seed * 31u + i * 7u + 1u);
    return k;
}

/*
 * Vectors from DOMAIN.md, which takes them from DfE school census rule 1575,
 * the ESFA ILR validator and the DAS shared packages.
 */
static void test_uln__domain_valid_examples(void **state)
{
    static const char *const valid[] = {
        "1000000043", "1748529632", "1026893096", "6936002314", "4444599390",
    };

    (void)state;
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        struct lrs_diag d = LRS_DIAG_INIT;

        assert_int_equal(check(valid[i], &d), LRS_OK);
        assert_int_equal(lrs_uln_check_digit(valid[i]), valid[i][9] - '0');
    }
}

/* Vectors from DOMAIN.md (same sources); the messages are ours. */
static void test_uln__domain_invalid_examples(void **state)
{
    (void)state;
    assert_rejected("1000000063", "has no valid check digit (remainder 0)");
    assert_rejected("1748529631", "check digit is 1, expected 2");
    /* The ILR's "temporary ULN" 9999999999 fails the check digit. */
    assert_rejected("9999999999", "check digit is 9, expected 8");
    assert_rejected("123456789", "must be 10 digits, got 9");
    assert_rejected("12345678901", "must be 10 digits, got 11");
    assert_rejected("ABC4567890", "must contain only digits");
    assert_rejected("0123456789", "must not start with 0");
}

static void test_uln__malformed_input(void **state)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    char big[4096];
    const struct lrs_str nul = {"100000\0"
                                "043",
                                10};

    (void)state;
    assert_rejected("", "is missing");
    assert_int_equal(lrs_uln_check((struct lrs_str){NULL, 0}, &d), LRS_EINVAL);
    assert_rejected(" 1000000043", "must contain only digits");
    assert_rejected("1000000043 ", "must contain only digits");
    assert_rejected("1000\xc3\xa9"
                    "00043",
                    "must contain only digits");
    assert_rejected("-100000043", "must contain only digits");
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_rejected(big, "must be 10 digits, got 4095");
    assert_int_equal(lrs_uln_check(nul, &d), LRS_EINVAL);
    assert_string_equal(d.msg, "must contain only digits");
    /* A NULL diagnostic is allowed. */
    assert_int_equal(check("1748529631", NULL), LRS_EINVAL);
}

static void test_uln__check_digit_rule(void **state)
{
    (void)state;
    /* 1*10 + 4*2 = 18, 18 mod 11 = 7, 10 - 7 = 3. */
    assert_int_equal(lrs_uln_check_digit("100000004"), 3);
    /* 1*10 + 6*2 = 22, remainder 0: no check digit. */
    assert_int_equal(lrs_uln_check_digit("100000006"), -1);
    assert_int_equal(lrs_uln_check_digit("10000000x"), -1);
    /* Equivalent form: weights 10..1 over all ten digits give 10 mod 11. */
    for (unsigned n = 100000000; n < 100000000 + 20000; n++) {
        char s[11];
        int c, sum = 0;

        snprintf(s, sizeof s, "%u", n);
        c = lrs_uln_check_digit(s);
        if (c < 0)
            continue;
        s[9] = (char)('0' + c);
        s[10] = '\0';
        for (int i = 0; i < 10; i++)
            sum += (10 - i) * (s[i] - '0');
        assert_int_equal(sum % 11, 10);
        assert_int_equal(check(s, NULL), LRS_OK);
    }
}

static void test_uln__every_wrong_check_digit_is_named(void **state)
{
    char s[11] = "1748529632";

    (void)state;
    for (char c = '0'; c <= '9'; c++) {
        struct lrs_diag d = LRS_DIAG_INIT;
        char want[64];

        s[9] = c;
        if (c == '2') {
            assert_int_equal(check(s, &d), LRS_OK);
            continue;
        }
        snprintf(want, sizeof want, "check digit is %c, expected 2", c);
        assert_int_equal(check(s, &d), LRS_EINVAL);
        assert_string_equal(d.msg, want);
    }
}

static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

/* Property: 1,000,000 consecutive counters give valid, distinct ULNs. */
static void test_uln__issue_million_distinct_and_valid(void **state)
{
    const size_t count = 1000000;
    const struct lrs_uln_key key = key_of(1);
    uint64_t *ulns = malloc(count * sizeof *ulns);
    uint64_t counter = 0, prev = 0, skipped = 0;

    (void)state;
    assert_non_null(ulns);
    for (size_t i = 0; i < count; i++) {
        char out[LRS_ULN_LEN + 1];
        struct lrs_diag d = LRS_DIAG_INIT;

        assert_int_equal(lrs_uln_issue(&key, &counter, out), LRS_OK);
        assert_int_equal(strlen(out), LRS_ULN_LEN);
        assert_int_equal(check(out, &d), LRS_OK);
        assert_true(counter > prev);
        skipped += counter - prev - 1;
        prev = counter;
        ulns[i] = strtoull(out, NULL, 10);
    }
    /* About 1 base in 11 has remainder 0 and is skipped. */
    assert_true(skipped > count / 13 && skipped < count / 9);
    qsort(ulns, count, sizeof *ulns, cmp_u64);
    for (size_t i = 1; i < count; i++)
        assert_true(ulns[i - 1] != ulns[i]);
    free(ulns);
}

static void test_uln__issue_is_deterministic(void **state)
{
    const struct lrs_uln_key key = key_of(2);
    uint64_t a = 0, b = 0;

    (void)state;
    for (int i = 0; i < 1000; i++) {
        char x[LRS_ULN_LEN + 1], y[LRS_ULN_LEN + 1];
        uint64_t again;

        again = a;
        assert_int_equal(lrs_uln_issue(&key, &a, x), LRS_OK);
        assert_int_equal(lrs_uln_issue(&key, &b, y), LRS_OK);
        assert_string_equal(x, y);
        assert_true(a == b);
        /* Reissuing from the same counter gives the same ULN. */
        assert_int_equal(lrs_uln_issue(&key, &again, y), LRS_OK);
        assert_string_equal(x, y);
    }
}

static void test_uln__different_keys_differ(void **state)
{
    const struct lrs_uln_key k1 = key_of(3), k2 = key_of(4);
    struct lrs_uln_key k3 = k1;
    uint64_t c1 = 0, c2 = 0, c3 = 0;
    int same12 = 0, same13 = 0;

    (void)state;
    k3.bytes[31] ^= 1; /* one bit of the second half of the key */
    for (int i = 0; i < 1000; i++) {
        char x[LRS_ULN_LEN + 1], y[LRS_ULN_LEN + 1], z[LRS_ULN_LEN + 1];

        assert_int_equal(lrs_uln_issue(&k1, &c1, x), LRS_OK);
        assert_int_equal(lrs_uln_issue(&k2, &c2, y), LRS_OK);
        assert_int_equal(lrs_uln_issue(&k3, &c3, z), LRS_OK);
        same12 += strcmp(x, y) == 0;
        same13 += strcmp(x, z) == 0;
    }
    assert_true(same12 <= 1);
    assert_true(same13 <= 1);
}

/* Property: consecutive ULNs share no visible structure. */
static void test_uln__consecutive_differ_in_many_digits(void **state)
{
    const struct lrs_uln_key key = key_of(5);
    char prev[LRS_ULN_LEN + 1];
    uint64_t counter = 0;
    long total = 0, first_digit_same = 0;
    const int pairs = 10000;

    (void)state;
    assert_int_equal(lrs_uln_issue(&key, &counter, prev), LRS_OK);
    for (int i = 0; i < pairs; i++) {
        char out[LRS_ULN_LEN + 1];
        int diff = 0;

        assert_int_equal(lrs_uln_issue(&key, &counter, out), LRS_OK);
        for (int j = 0; j < LRS_ULN_LEN; j++)
            diff += out[j] != prev[j];
        assert_true(diff >= 3);
        total += diff;
        first_digit_same += out[0] == prev[0];
        memcpy(prev, out, sizeof out);
    }
    /* Random digits differ 9 times in 10: about 9 of 10 positions. */
    assert_true(total >= 8L * pairs);
    /* The first digit (1-9) repeats about 1 time in 9, not always. */
    assert_true(first_digit_same < pairs / 5);
}

static void test_uln__issue_limits(void **state)
{
    const struct lrs_uln_key key = key_of(6);
    char out[LRS_ULN_LEN + 1] = "x";
    uint64_t counter = LRS_ULN_COUNTER_LIMIT;
    uint64_t last = LRS_ULN_COUNTER_LIMIT - 1;
    enum lrs_err err;

    (void)state;
    assert_int_equal(lrs_uln_issue(&key, &counter, out), LRS_ELIMIT);
    assert_true(counter == LRS_ULN_COUNTER_LIMIT);
    assert_string_equal(out, "");
    counter = UINT64_MAX;
    assert_int_equal(lrs_uln_issue(&key, &counter, out), LRS_ELIMIT);
    assert_true(counter == UINT64_MAX);
    /* The last counter either gives a ULN or, if skipped, ELIMIT. */
    err = lrs_uln_issue(&key, &last, out);
    if (err == LRS_OK) {
        assert_true(last == LRS_ULN_COUNTER_LIMIT);
        assert_int_equal(check(out, NULL), LRS_OK);
    } else {
        assert_int_equal(err, LRS_ELIMIT);
        assert_true(last == LRS_ULN_COUNTER_LIMIT - 1);
    }
}

static void test_uln__key_generate(void **state)
{
    struct lrs_uln_key a, b;
    const struct lrs_uln_key zero = {{0}};

    (void)state;
    assert_int_equal(lrs_uln_key_generate(&a), LRS_OK);
    assert_int_equal(lrs_uln_key_generate(&b), LRS_OK);
    assert_memory_not_equal(a.bytes, b.bytes, sizeof a.bytes);
    assert_memory_not_equal(a.bytes, zero.bytes, sizeof a.bytes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uln__domain_valid_examples),
        cmocka_unit_test(test_uln__domain_invalid_examples),
        cmocka_unit_test(test_uln__malformed_input),
        cmocka_unit_test(test_uln__check_digit_rule),
        cmocka_unit_test(test_uln__every_wrong_check_digit_is_named),
        cmocka_unit_test(test_uln__issue_million_distinct_and_valid),
        cmocka_unit_test(test_uln__issue_is_deterministic),
        cmocka_unit_test(test_uln__different_keys_differ),
        cmocka_unit_test(test_uln__consecutive_differ_in_many_digits),
        cmocka_unit_test(test_uln__issue_limits),
        cmocka_unit_test(test_uln__key_generate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
