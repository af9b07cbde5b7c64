/*
 * test_accounts.c - organisations and users as an operator manages them
 * (lib/service/accounts.c): text fields checked and named, identifiers of
 * the wrong kind refused, roles that suit the organisation, a generated
 * password that signs in once and must be changed, reset and disable.
 *
 * `test_service_accounts sqlite` (suite service) and `... pg` under
 * tests/pg/with-pg.sh (suite store-pg).
 */
#include "testutil.h"

#include "factory.h"

#include <lrs/accounts.h>
#include <lrs/auth.h>
#include <lrs/service.h>

#include <stdio.h>
#include <string.h>

static int64_t org(struct lrs_store *s, const struct lrs_org_input *in)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_org o;

    if (lrs_service_org_add(s, in, &o, &d) != LRS_OK)
        fail_msg("org_add: %s: %s", d.field ? d.field : "-", d.msg);
    return o.id;
}

/* The field a refused organisation is blamed on; nothing is added. */
static const char *org_refused(struct lrs_store *s,
                               const struct lrs_org_input *in,
                               enum lrs_err want)
{
    static struct lrs_diag d;
    struct lrs_org o;

    d = (struct lrs_diag)LRS_DIAG_INIT;
    assert_int_equal(lrs_service_org_add(s, in, &o, &d), want);
    assert_non_null(d.field);
    assert_true(d.msg[0] != '\0');
    return d.field;
}

static enum lrs_err count_org(const struct lrs_org *o, void *ctx)
{
    (void)o;
    ++*(int *)ctx;
    return LRS_OK;
}

static void test_accounts__org_fields_checked(void **state)
{
    struct lrs_store *s = factory_new_store();
    const struct lrs_org_input mill = {
        "school", "Mill School", "801", "2000", "", ""};
    const struct lrs_org_input board = {"ao", "Exam Board", "",
                                        "",   "",           "10000001"};
    int n = 0;

    (void)state;
    assert_true(org(s, &mill) > 0);
    assert_true(org(s, &board) > 0);
    assert_string_equal(
        org_refused(s, &(struct lrs_org_input){"", "X", "", "", "", ""},
                    LRS_EINVAL),
        "type");
    assert_string_equal(
        org_refused(s, &(struct lrs_org_input){"club", "X", "", "", "", ""},
                    LRS_EINVAL),
        "type");
    assert_string_equal(
        org_refused(s,
                    &(struct lrs_org_input){"school", "", "801", "1", "", ""},
                    LRS_EINVAL),
        "name");
    assert_string_equal(
        org_refused(s,
                    &(struct lrs_org_input){"school", "X", "80x", "1", "", ""},
                    LRS_EINVAL),
        "la");
    assert_string_equal(
        org_refused(s,
                    &(struct lrs_org_input){"school", "X", "801", "", "", ""},
                    LRS_EINVAL),
        "estab");
    assert_string_equal(
        org_refused(s, &(struct lrs_org_input){"school", "X", "", "", "", ""},
                    LRS_EINVAL),
        "la");
    assert_string_equal(
        org_refused(
            s, &(struct lrs_org_input){"school", "X", "", "", "5", "10000002"},
            LRS_EINVAL),
        "ukprn");
    assert_string_equal(
        org_refused(s, &(struct lrs_org_input){"ao", "X", "", "", "5", ""},
                    LRS_EINVAL),
        "urn");
    assert_string_equal(
        org_refused(s, &(struct lrs_org_input){"ao", "X", "", "", "", "123"},
                    LRS_EINVAL),
        "ukprn");
    /* The same identifier twice. */
    assert_string_equal(org_refused(s, &mill, LRS_ECONFLICT), "la");
    assert_string_equal(org_refused(s, &board, LRS_ECONFLICT), "ukprn");
    assert_int_equal(lrs_store_org_scan(s, count_org, &n), LRS_OK);
    assert_int_equal(n, 3); /* the LRS, the school and the AO only */
    lrs_store_free(s);
}

static void test_accounts__user_roles_suit_the_organisation(void **state)
{
    struct lrs_store *s = factory_new_store();
    const int64_t school =
        org(s, &(struct lrs_org_input){"school", "Mill", "", "", "100234", ""});
    const int64_t ao =
        org(s, &(struct lrs_org_input){"ao", "Board", "", "", "", "10000001"});
    char pw[LRS_AUTH_PASSWORD_NEW_SIZE];
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_user u, got;

    (void)state;
    assert_int_equal(
        lrs_service_user_add(s,
                             &(struct lrs_user_input){
                                 school, "head@mill", "Ms Head",
                                 LRS_ROLE_SCHOOL_USER | LRS_ROLE_SCHOOL_ADMIN},
                             LRS_AUTH_COST_MIN, &u, pw, &d),
        LRS_OK);
    assert_int_equal(strlen(pw), 20);
    assert_string_equal(u.password_hash, "");
    assert_int_equal(lrs_store_user_get_by_login(s, "head@mill", &got), LRS_OK);
    assert_true(got.must_change_password);
    assert_int_equal(got.org_id, school);
    assert_int_equal(lrs_auth_password_verify(got.password_hash, lrs_str_c(pw)),
                     LRS_OK);

    /* An AO user in a school, an operator in an AO, no role at all. */
    assert_int_equal(
        lrs_service_user_add(
            s,
            &(struct lrs_user_input){school, "x@mill", NULL, LRS_ROLE_AO_USER},
            LRS_AUTH_COST_MIN, &u, pw, &d),
        LRS_EINVAL);
    assert_string_equal(d.field, "role");
    assert_non_null(strstr(d.msg, "ao"));
    assert_string_equal(pw, "");
    assert_int_equal(
        lrs_service_user_add(
            s, &(struct lrs_user_input){ao, "x@board", NULL, LRS_ROLE_OPERATOR},
            LRS_AUTH_COST_MIN, &u, pw, &d),
        LRS_EINVAL);
    assert_string_equal(d.field, "role");
    assert_int_equal(lrs_service_user_add(
                         s, &(struct lrs_user_input){ao, "x@board", NULL, 0},
                         LRS_AUTH_COST_MIN, &u, pw, &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "role");
    assert_int_equal(
        lrs_service_user_add(s,
                             &(struct lrs_user_input){ao + 50, "x@board", NULL,
                                                      LRS_ROLE_AO_USER},
                             LRS_AUTH_COST_MIN, &u, pw, &d),
        LRS_ENOTFOUND);
    assert_string_equal(d.field, "org");
    assert_int_equal(
        lrs_service_user_add(
            s, &(struct lrs_user_input){ao, "", NULL, LRS_ROLE_AO_USER},
            LRS_AUTH_COST_MIN, &u, pw, &d),
        LRS_EINVAL);
    assert_string_equal(d.field, "login");
    assert_int_equal(
        lrs_service_user_add(
            s,
            &(struct lrs_user_input){ao, "head@mill", NULL, LRS_ROLE_AO_USER},
            LRS_AUTH_COST_MIN, &u, pw, &d),
        LRS_ECONFLICT);
    assert_string_equal(d.field, "login");
    assert_int_equal(
        lrs_service_user_add(
            s, &(struct lrs_user_input){0, "op@lrs", NULL, LRS_ROLE_OPERATOR},
            LRS_AUTH_COST_MIN, &u, pw, &d),
        LRS_OK);
    lrs_store_free(s);
}

static void test_accounts__reset_and_disable(void **state)
{
    struct lrs_store *s = factory_new_store();
    const int64_t school =
        org(s, &(struct lrs_org_input){"school", "Mill", "", "", "100234", ""});
    const struct lrs_actor op = {9999, 0, "test", NULL};
    char first[LRS_AUTH_PASSWORD_NEW_SIZE], second[LRS_AUTH_PASSWORD_NEW_SIZE];
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_user u, got;

    (void)state;
    assert_int_equal(lrs_service_user_add(
                         s,
                         &(struct lrs_user_input){school, "clerk@mill", NULL,
                                                  LRS_ROLE_SCHOOL_USER},
                         LRS_AUTH_COST_MIN, &u, first, &d),
                     LRS_OK);
    /* The user changed it; a reset brings back must_change. */
    assert_int_equal(lrs_store_user_set_password(s, u.id, "$argon2id$x", 0),
                     LRS_OK);
    assert_int_equal(
        lrs_service_user_reset_password(s, u.id, LRS_AUTH_COST_MIN, second, &d),
        LRS_OK);
    assert_string_not_equal(first, second);
    assert_int_equal(lrs_store_user_get(s, u.id, &got), LRS_OK);
    assert_true(got.must_change_password);
    assert_int_equal(
        lrs_auth_password_verify(got.password_hash, lrs_str_c(second)), LRS_OK);
    assert_int_equal(
        lrs_auth_password_verify(got.password_hash, lrs_str_c(first)),
        LRS_EINVAL);
    assert_int_equal(lrs_service_user_reset_password(
                         s, u.id + 99, LRS_AUTH_COST_MIN, second, &d),
                     LRS_ENOTFOUND);
    assert_string_equal(d.field, "user");

    assert_int_equal(lrs_service_user_disable(s, &op, u.id, &d), LRS_OK);
    assert_int_equal(lrs_store_user_get(s, u.id, &got), LRS_OK);
    assert_true(got.disabled);
    assert_int_equal(lrs_service_user_disable(s, &op, u.id, &d), LRS_OK);
    assert_int_equal(lrs_service_user_disable(s, &op, u.id + 99, &d),
                     LRS_ENOTFOUND);
    assert_string_equal(d.field, "user");
    /* Nobody disables themself. */
    assert_int_equal(
        lrs_service_user_disable(
            s, &(struct lrs_actor){u.id, school, "test", NULL}, u.id, &d),
        LRS_EINVAL);
    assert_string_equal(d.field, "user");
    lrs_store_free(s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accounts__org_fields_checked),
        cmocka_unit_test(test_accounts__user_roles_suit_the_organisation),
        cmocka_unit_test(test_accounts__reset_and_disable),
    };
    int rc;

    factory_setup(argc, argv);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
