/* test_upn.c - UPN checking and the check letter. */
#include "testutil.h"

#include <lrs/ids.h>

#include <stdio.h>
#include <string.h>

static void assert_rejected(const char *upn, const char *msg)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_upn_kind kind = 0;

    assert_int_equal(lrs_upn_check(lrs_str_c(upn), &kind, &d), LRS_EINVAL);
    assert_string_equal(d.field, "upn");
    assert_string_equal(d.msg, msg);
    assert_int_equal(kind, 0); /* untouched on failure */
}

static void assert_valid(const char *upn, enum lrs_upn_kind want)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_upn_kind kind = 0;

    assert_int_equal(lrs_upn_check(lrs_str_c(upn), &kind, &d), LRS_OK);
    assert_int_equal(kind, want);
    assert_int_equal(lrs_upn_check_letter(upn + 1), upn[0]);
}

/* Build a UPN with a correct check letter from characters 2-13. */
static void make_upn(const char *chars12, char out[LRS_UPN_LEN + 1])
{
    memcpy(out + 1, chars12, 12);
    out[0] = lrs_upn_check_letter(chars12);
    out[LRS_UPN_LEN] = '\0';
}

/* Vectors from DOMAIN.md, which takes them from the GovTalk UPN standard
 * v2.0 and the DfE UPN guidance (LA 801 is Bristol). */
static void test_upn__domain_examples(void **state)
{
    (void)state;
    assert_valid("H801200001001", LRS_UPN_PERMANENT);
    assert_valid("B801200005001", LRS_UPN_PERMANENT);
    assert_valid("G80120000101A", LRS_UPN_TEMPORARY);
    assert_rejected("Z801200001001",
                    "UPN invalid (wrong check letter at character 1)");
    assert_rejected("A801200005001",
                    "UPN invalid (wrong check letter at character 1)");
}

/* Check letters worked by hand from the GovTalk rule (DOMAIN.md):
 * H801200001001: 8*2 + 1*4 + 2*5 + 1*10 + 1*13 = 53, 53 mod 23 = 7 = H.
 * G80120000101A: 16 + 4 + 10 + 10 + 1*12 + A(0)*13 = 52 mod 23 = 6 = G. */
static void test_upn__check_letter_rule(void **state)
{
    (void)state;
    assert_int_equal(lrs_upn_check_letter("801200001001"), 'H');
    assert_int_equal(lrs_upn_check_letter("80120000101A"), 'G');
    assert_int_equal(lrs_upn_check_letter("000000000000"), 'A');
    /* I, O and S are not in the alphabet; nor is lower case. */
    assert_int_equal(lrs_upn_check_letter("80120000101I"), '\0');
    assert_int_equal(lrs_upn_check_letter("80120000101O"), '\0');
    assert_int_equal(lrs_upn_check_letter("80120000101S"), '\0');
    assert_int_equal(lrs_upn_check_letter("80120000101a"), '\0');
    assert_int_equal(lrs_upn_check_letter("8012000010 1"), '\0');
}

/* The DfE wording, from DOMAIN.md (DfE census validation rules 1510-1550). */
static void test_upn__dfe_wording_for_each_rule(void **state)
{
    char upn[LRS_UPN_LEN + 1];

    (void)state;
    assert_rejected("", "UPN is missing");
    /* LA 900 is not recognised; the check letter R is right for it. */
    assert_int_equal(lrs_upn_check_letter("900400001001"), 'R');
    assert_rejected("R900400001001",
                    "UPN invalid (characters 2-4 not a recognised LA code)");
    assert_rejected("H8X1200001001",
                    "UPN invalid (characters 2-4 not a recognised LA code)");
    assert_rejected("H000200001001",
                    "UPN invalid (characters 2-4 not a recognised LA code)");
    assert_rejected("H8012000A1001",
                    "UPN invalid (characters 5-12 not all numeric)");
    assert_rejected("H801 00001001",
                    "UPN invalid (characters 5-12 not all numeric)");
    assert_rejected("H80120000100S",
                    "UPN invalid (character 13 not a recognised value)");
    assert_rejected("H80120000100a",
                    "UPN invalid (character 13 not a recognised value)");
    assert_rejected("H80120000100-",
                    "UPN invalid (character 13 not a recognised value)");
    /* A letter outside the alphabet, or lower case, in character 1. */
    assert_rejected("I801200001001",
                    "UPN invalid (wrong check letter at character 1)");
    assert_rejected("h801200001001",
                    "UPN invalid (wrong check letter at character 1)");
    make_upn("80120000101B", upn);
    assert_valid(upn, LRS_UPN_TEMPORARY);
}

static void test_upn__malformed_input(void **state)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_str nul = {"H801200\0"
                                "01001",
                                13};
    char big[1000];

    (void)state;
    assert_rejected("H80120000100",
                    "UPN invalid (must be 13 characters, got 12)");
    assert_rejected("H8012000010011",
                    "UPN invalid (must be 13 characters, got 14)");
    assert_rejected(" H801200001001",
                    "UPN invalid (must be 13 characters, got 14)");
    assert_rejected("H80120000\xc3\xa9"
                    "01",
                    "UPN invalid (characters 5-12 not all numeric)");
    memset(big, 'A', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_rejected(big, "UPN invalid (must be 13 characters, got 999)");
    assert_int_equal(lrs_upn_check(nul, NULL, &d), LRS_EINVAL);
    assert_string_equal(d.msg, "UPN invalid (characters 5-12 not all numeric)");
    assert_int_equal(lrs_upn_check((struct lrs_str){NULL, 0}, NULL, &d),
                     LRS_EINVAL);
    assert_string_equal(d.msg, "UPN is missing");
    assert_int_equal(lrs_upn_check(LRS_STR("H801200001001"), NULL, NULL),
                     LRS_OK);
}

/* The LA list: DfE census validation rule 1530 plus 942 and 943. */
static void test_upn__la_codes(void **state)
{
    static const unsigned yes[] = {
        1,   5,   201, 213, 301, 320, 330, 336, 340, 344, 350, 359,
        370, 373, 380, 384, 390, 394, 420, 660, 681, 701, 708, 800,
        801, 803, 805, 820, 839, 840, 841, 865, 896, 908, 909, 916,
        919, 921, 925, 926, 928, 929, 931, 933, 935, 938, 940, 943};
    static const unsigned no[] = {
        0,   6,   200, 214, 300, 321, 329, 337, 345, 360, 374, 385, 395, 419,
        421, 659, 682, 700, 709, 799, 804, 809, 814, 817, 824, 827, 832, 842,
        847, 853, 858, 862, 897, 907, 910, 920, 930, 934, 939, 944, 999};

    (void)state;
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        char chars[13], upn[LRS_UPN_LEN + 1];

        assert_true(lrs_upn_la_recognised(yes[i]));
        snprintf(chars, sizeof chars, "%03u200001001", yes[i]);
        make_upn(chars, upn);
        assert_valid(upn, LRS_UPN_PERMANENT);
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        char chars[13], upn[LRS_UPN_LEN + 1];

        assert_false(lrs_upn_la_recognised(no[i]));
        snprintf(chars, sizeof chars, "%03u200001001", no[i]);
        make_upn(chars, upn);
        assert_rejected(
            upn, "UPN invalid (characters 2-4 not a recognised LA code)");
    }
}

/* Property: every single-character change of a valid UPN's characters 2-13
 * to another digit changes the check letter (weights 2-13 are all nonzero
 * mod 23, which is prime). */
static void test_upn__check_letter_catches_single_digit_errors(void **state)
{
    const char *good = "801200001001";

    (void)state;
    for (int pos = 0; pos < 12; pos++) {
        for (char c = '0'; c <= '9'; c++) {
            char chars[13];

            memcpy(chars, good, 13);
            if (chars[pos] == c)
                continue;
            chars[pos] = c;
            assert_int_not_equal(lrs_upn_check_letter(chars), 'H');
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upn__domain_examples),
        cmocka_unit_test(test_upn__check_letter_rule),
        cmocka_unit_test(test_upn__dfe_wording_for_each_rule),
        cmocka_unit_test(test_upn__malformed_input),
        cmocka_unit_test(test_upn__la_codes),
        cmocka_unit_test(test_upn__check_letter_catches_single_digit_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
