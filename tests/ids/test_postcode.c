/* test_postcode.c - postcode parsing, normalising and parts. */
#include "testutil.h"

#include <lrs/ids.h>

#include <string.h>

/* Invariants of every parsed postcode; re-parsing gives the same. */
static void assert_sane_postcode(const struct lrs_postcode *pc)
{
    struct lrs_postcode again;
    const size_t len = strlen(pc->text);
    const struct lrs_str area = lrs_postcode_area(pc);
    const struct lrs_str district = lrs_postcode_district(pc);
    const struct lrs_str sector = lrs_postcode_sector(pc);

    assert_true(len >= 6 && len <= LRS_POSTCODE_MAX);
    assert_int_equal(pc->text[pc->outward_len], ' ');
    assert_true(district.ptr == pc->text && district.len == pc->outward_len);
    if (pc->bfpo) {
        assert_int_equal(area.len, 0);
        assert_int_equal(sector.len, 0);
    } else {
        assert_int_equal(len, (size_t)pc->outward_len + 4);
        assert_true(area.len == 1 || area.len == 2);
        assert_int_equal(sector.len, (size_t)pc->outward_len + 2);
    }
    assert_int_equal(lrs_postcode_parse(lrs_str_c(pc->text), &again, NULL),
                     LRS_OK);
    assert_memory_equal(&again, pc, sizeof again);
}

static void assert_parses(const char *in, const char *canonical)
{
    struct lrs_postcode pc;
    struct lrs_diag d = LRS_DIAG_INIT;

    assert_int_equal(lrs_postcode_parse(lrs_str_c(in), &pc, &d), LRS_OK);
    assert_string_equal(pc.text, canonical);
    assert_sane_postcode(&pc);
}

static void assert_rejected(struct lrs_str in, const char *msg)
{
    struct lrs_postcode pc;
    struct lrs_diag d = LRS_DIAG_INIT;

    memset(&pc, 0x5a, sizeof pc);
    assert_int_equal(lrs_postcode_parse(in, &pc, &d), LRS_EINVAL);
    assert_string_equal(d.field, "postcode");
    assert_string_equal(d.msg, msg);
    assert_int_equal((unsigned char)pc.text[0], 0x5a); /* untouched */
}

static void assert_parts(const char *in, const char *area, const char *district,
                         const char *sector)
{
    struct lrs_postcode pc;

    assert_int_equal(lrs_postcode_parse(lrs_str_c(in), &pc, NULL), LRS_OK);
    assert_true(lrs_str_eq(lrs_postcode_area(&pc), lrs_str_c(area)));
    assert_true(lrs_str_eq(lrs_postcode_district(&pc), lrs_str_c(district)));
    assert_true(lrs_str_eq(lrs_postcode_sector(&pc), lrs_str_c(sector)));
}

/* Every outward shape of the LRS pattern (DOMAIN.md, MIAPPostCode in
 * ../spec/lrs/learner.xsd): A9, A99, AA9, AA99, A9A, AA9A, and R. */
static void test_postcode__pattern_shapes(void **state)
{
    (void)state;
    assert_parses("M1 1AE", "M1 1AE");
    assert_parses("B33 8TH", "B33 8TH");
    assert_parses("CR2 6XH", "CR2 6XH");
    assert_parses("DN55 1PT", "DN55 1PT");
    assert_parses("W1A 0AX", "W1A 0AX");
    assert_parses("EC1A 1BB", "EC1A 1BB");
    assert_parses("SW1A 1AA", "SW1A 1AA");
    assert_parses("GIR 0AA", "GIR 0AA");
    assert_parses("BS7 8AA", "BS7 8AA");
}

static void test_postcode__normalises_case_and_space(void **state)
{
    (void)state;
    assert_parses("sw1a1aa", "SW1A 1AA");
    assert_parses("  Sw1A   1aA \t\n", "SW1A 1AA");
    assert_parses("S W 1 A 1 A A", "SW1A 1AA");
    assert_parses("m11ae", "M1 1AE");
    /* The schema's own form: optional space, trailing spaces. */
    assert_parses("SW1A1AA  ", "SW1A 1AA");
}

static void test_postcode__parts(void **state)
{
    (void)state;
    assert_parts("SW1A 1AA", "SW", "SW1A", "SW1A 1");
    assert_parts("M1 1AE", "M", "M1", "M1 1");
    assert_parts("B33 8TH", "B", "B33", "B33 8");
    assert_parts("CR2 6XH", "CR", "CR2", "CR2 6");
    assert_parts("W1A 0AX", "W", "W1A", "W1A 0");
    assert_parts("GIR 0AA", "GI", "GIR", "GIR 0");
    assert_parts("BFPO 57", "", "BFPO", "");
}

/* BFPO: `BFPO ?[0-9]{1,4}` (DOMAIN.md, MIAPPostCode). */
static void test_postcode__bfpo(void **state)
{
    struct lrs_postcode pc;

    (void)state;
    assert_parses("BFPO 123", "BFPO 123");
    assert_parses("bfpo123", "BFPO 123");
    assert_parses("BFPO 1", "BFPO 1");
    assert_parses("BFPO1234", "BFPO 1234");
    assert_int_equal(lrs_postcode_parse(LRS_STR("BFPO 57"), &pc, NULL), LRS_OK);
    assert_true(pc.bfpo);
    assert_false(pc.unknown);
    assert_rejected(LRS_STR("BFPO"), "BFPO number must be 1 to 4 digits");
    assert_rejected(LRS_STR("BFPO 12345"), "BFPO number must be 1 to 4 digits");
    assert_rejected(LRS_STR("BFPO 12A"), "BFPO number must be 1 to 4 digits");
}

/* ZZ99 placeholders (DOMAIN.md): never evidence of a match. */
static void test_postcode__zz99_placeholders_are_unknown(void **state)
{
    static const char *const placeholders[] = {
        "ZZ99 9ZZ", "ZZ99 3VZ", "ZZ99 3CZ", "ZZ99 3GZ",
        "ZZ99 1WZ", "ZZ99 2WZ", "zz993vz",  "ZZ99 7AB",
    };

    (void)state;
    for (size_t i = 0; i < sizeof placeholders / sizeof placeholders[0]; i++) {
        struct lrs_postcode pc;

        assert_int_equal(
            lrs_postcode_parse(lrs_str_c(placeholders[i]), &pc, NULL), LRS_OK);
        assert_true(pc.unknown);
        assert_false(pc.bfpo);
        assert_sane_postcode(&pc);
    }
    assert_parses("zz993vz", "ZZ99 3VZ");
    /* Other ZZ districts are not placeholders; a real code is known. */
    {
        struct lrs_postcode pc;

        assert_int_equal(lrs_postcode_parse(LRS_STR("SW1A 1AA"), &pc, NULL),
                         LRS_OK);
        assert_false(pc.unknown);
    }
    assert_rejected(LRS_STR("ZZ98 3VZ"),
                    "inward code '3VZ' must end in two letters other than "
                    "C, I, K, M, O or V");
    assert_rejected(LRS_STR("ZZ99 ZZZ"), "inward code 'ZZZ' must start with a "
                                         "digit");
}

static void test_postcode__pattern_violations(void **state)
{
    (void)state;
    assert_rejected(LRS_STR("SW1A 1CA"),
                    "inward code '1CA' must end in two letters other than "
                    "C, I, K, M, O or V");
    assert_rejected(LRS_STR("SW1A 1AI"),
                    "inward code '1AI' must end in two letters other than "
                    "C, I, K, M, O or V");
    assert_rejected(LRS_STR("SW1A AAA"),
                    "inward code 'AAA' must start with a digit");
    assert_rejected(LRS_STR("1W1A 1AA"),
                    "outward code '1W1A' must be 1 or 2 letters, a digit (or "
                    "R) and an optional letter or digit");
    assert_rejected(LRS_STR("SWA 1AA"),
                    "outward code 'SWA' must be 1 or 2 letters, a digit (or "
                    "R) and an optional letter or digit");
    assert_rejected(LRS_STR("ABC1 1AA"),
                    "outward code 'ABC1' must be 1 or 2 letters, a digit (or "
                    "R) and an optional letter or digit");
    assert_rejected(LRS_STR("S 1AA"),
                    "must have 5 to 7 letters and digits, got 4");
    assert_rejected(LRS_STR("SW1AB 1AA"),
                    "must have 5 to 7 letters and digits, got 8");
    assert_rejected(LRS_STR("SW1A-1AA"),
                    "must contain only letters, digits and spaces");
    assert_rejected(LRS_STR("SW1A 1AA."),
                    "must contain only letters, digits and spaces");
}

static void test_postcode__malformed_input(void **state)
{
    char big[200];
    const struct lrs_str nul = {"SW1A\0"
                                "1AA",
                                8};

    (void)state;
    assert_rejected(LRS_STR(""), "is missing");
    assert_rejected((struct lrs_str){NULL, 0}, "is missing");
    assert_rejected(LRS_STR("   \t "), "is missing");
    assert_rejected(nul, "must not contain NUL bytes");
    assert_rejected(LRS_STR("SW1A 1\xc3\x85"
                            "A"),
                    "must contain only ASCII characters");
    memset(big, ' ', sizeof big);
    memcpy(big, "SW1A 1AA", 8);
    assert_rejected((struct lrs_str){big, 65},
                    "must be at most 64 bytes, got 65");
    {
        struct lrs_postcode pc;

        assert_int_equal(
            lrs_postcode_parse((struct lrs_str){big, 64}, &pc, NULL), LRS_OK);
        assert_string_equal(pc.text, "SW1A 1AA");
    }
    memset(big, 'A', sizeof big);
    assert_rejected((struct lrs_str){big, 64},
                    "must have 5 to 7 letters and digits, got 64");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_postcode__pattern_shapes),
        cmocka_unit_test(test_postcode__normalises_case_and_space),
        cmocka_unit_test(test_postcode__parts),
        cmocka_unit_test(test_postcode__bfpo),
        cmocka_unit_test(test_postcode__zz99_placeholders_are_unknown),
        cmocka_unit_test(test_postcode__pattern_violations),
        cmocka_unit_test(test_postcode__malformed_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
