/*
 * test_role.c - role names round-trip and unknown names are refused.
 */
#include "testutil.h"

#include <lrs/auth.h>

#include <string.h>

static void test_role__names_round_trip(void **state)
{
    (void)state;
    for (unsigned bit = 1; bit <= LRS_ROLE_ALL; bit <<= 1) {
        const char *name = lrs_role_name((enum lrs_role)bit);
        enum lrs_role r;

        assert_non_null(name);
        assert_int_equal(lrs_role_parse(lrs_str_c(name), &r, NULL), LRS_OK);
        assert_int_equal(r, bit);
    }
    assert_null(lrs_role_name((enum lrs_role)(1u << 5)));
}

static void test_role__aliases(void **state)
{
    enum lrs_role r;

    (void)state;
    assert_int_equal(lrs_role_parse(LRS_STR("school-admin"), &r, NULL), LRS_OK);
    assert_int_equal(r, LRS_ROLE_SCHOOL_ADMIN);
    assert_int_equal(lrs_role_parse(LRS_STR("lrs-operator"), &r, NULL), LRS_OK);
    assert_int_equal(r, LRS_ROLE_OPERATOR);
}

static void test_role__unknown_names_the_field(void **state)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_role r;

    (void)state;
    assert_int_equal(lrs_role_parse(LRS_STR("root"), &r, &d), LRS_EINVAL);
    assert_string_equal(d.field, "role");
    assert_non_null(strstr(d.msg, "'root'"));
    assert_int_equal(lrs_role_parse(LRS_STR(""), &r, NULL), LRS_EINVAL);
    assert_int_equal(lrs_role_parse(LRS_STR("School"), &r, NULL), LRS_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role__names_round_trip),
        cmocka_unit_test(test_role__aliases),
        cmocka_unit_test(test_role__unknown_names_the_field),
    };

    return cmocka_run_group_tests_name("auth_role", tests, NULL, NULL);
}
