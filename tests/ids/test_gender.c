/* test_gender.c - the LRS gender codes. */
#include "testutil.h"

#include <lrs/ids.h>

static void assert_parses(const char *in, enum lrs_gender want)
{
    enum lrs_gender g = (enum lrs_gender)7;
    struct lrs_diag d = LRS_DIAG_INIT;

    assert_int_equal(lrs_gender_parse(lrs_str_c(in), &g, &d), LRS_OK);
    assert_int_equal(g, want);
}

static void assert_rejected(struct lrs_str in, const char *msg)
{
    enum lrs_gender g = (enum lrs_gender)7;
    struct lrs_diag d = LRS_DIAG_INIT;

    assert_int_equal(lrs_gender_parse(in, &g, &d), LRS_EINVAL);
    assert_string_equal(d.field, "gender");
    assert_string_equal(d.msg, msg);
    assert_int_equal(g, 7); /* untouched */
}

/* MIAPGender in ../spec/lrs/learner.xsd and DOMAIN.md: 0 not known, 1 male,
 * 2 female, 9 not specified; CTF exports use M and F. */
static void test_gender__codes_and_letters(void **state)
{
    (void)state;
    assert_parses("0", LRS_GENDER_NOT_KNOWN);
    assert_parses("1", LRS_GENDER_MALE);
    assert_parses("2", LRS_GENDER_FEMALE);
    assert_parses("9", LRS_GENDER_NOT_SPECIFIED);
    assert_parses("M", LRS_GENDER_MALE);
    assert_parses("m", LRS_GENDER_MALE);
    assert_parses("F", LRS_GENDER_FEMALE);
    assert_parses("f", LRS_GENDER_FEMALE);
    assert_parses("U", LRS_GENDER_NOT_KNOWN);
    assert_parses("u", LRS_GENDER_NOT_KNOWN);
    assert_parses("W", LRS_GENDER_NOT_SPECIFIED);
    assert_parses("w", LRS_GENDER_NOT_SPECIFIED);
}

static void test_gender__rejects_others(void **state)
{
    const char *const msg = "must be 0, 1, 2 or 9 (or M, F, U or W)";
    const struct lrs_str nul = {"\0", 1};

    (void)state;
    assert_rejected(LRS_STR(""), "is missing");
    assert_rejected((struct lrs_str){NULL, 0}, "is missing");
    assert_rejected(LRS_STR("3"), msg);
    assert_rejected(LRS_STR("X"), msg);
    assert_rejected(LRS_STR("Male"), msg);
    assert_rejected(LRS_STR("10"), msg);
    assert_rejected(LRS_STR(" 1"), msg);
    assert_rejected(LRS_STR("\xc3\xa9"), msg);
    assert_rejected(nul, msg);
}

static void test_gender__code_round_trips(void **state)
{
    static const enum lrs_gender all[] = {LRS_GENDER_NOT_KNOWN, LRS_GENDER_MALE,
                                          LRS_GENDER_FEMALE,
                                          LRS_GENDER_NOT_SPECIFIED};

    (void)state;
    assert_string_equal(lrs_gender_code(LRS_GENDER_NOT_KNOWN), "0");
    assert_string_equal(lrs_gender_code(LRS_GENDER_MALE), "1");
    assert_string_equal(lrs_gender_code(LRS_GENDER_FEMALE), "2");
    assert_string_equal(lrs_gender_code(LRS_GENDER_NOT_SPECIFIED), "9");
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        assert_parses(lrs_gender_code(all[i]), all[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gender__codes_and_letters),
        cmocka_unit_test(test_gender__rejects_others),
        cmocka_unit_test(test_gender__code_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
