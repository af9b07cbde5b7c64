/*
 * test_accounts.c - organisations and users as an operator manages them
 * (lib/service/accounts.c): text fields checked and named, identifiers of
 * the wrong kind refused, roles that suit the organisation, a generated
 * password that signs in once and must be changed, reset and disable;
 * rename, role changes and enable; who may manage whom (an operator
 * everyone, a school administrator only their own school's users), each
 * change audited, the row naming the user changed beside the actor; API
 * tokens issued and revoked (by their own user, or the command line) and
 * a user's own password change, audited alike.
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
        lrs_service_user_add(s, NULL,
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
            s, NULL,
            &(struct lrs_user_input){school, "x@mill", NULL, LRS_ROLE_AO_USER},
            LRS_AUTH_COST_MIN, &u, pw, &d),
        LRS_EINVAL);
    assert_string_equal(d.field, "role");
    assert_non_null(strstr(d.msg, "ao"));
    assert_string_equal(pw, "");
    assert_int_equal(
        lrs_service_user_add(
            s, NULL,
            &(struct lrs_user_input){ao, "x@board", NULL, LRS_ROLE_OPERATOR},
            LRS_AUTH_COST_MIN, &u, pw, &d),
        LRS_EINVAL);
    assert_string_equal(d.field, "role");
    assert_int_equal(
        lrs_service_user_add(s, NULL,
                             &(struct lrs_user_input){ao, "x@board", NULL, 0},
                             LRS_AUTH_COST_MIN, &u, pw, &d),
        LRS_EINVAL);
    assert_string_equal(d.field, "role");
    assert_int_equal(
        lrs_service_user_add(s, NULL,
                             &(struct lrs_user_input){ao + 50, "x@board", NULL,
                                                      LRS_ROLE_AO_USER},
                             LRS_AUTH_COST_MIN, &u, pw, &d),
        LRS_ENOTFOUND);
    assert_string_equal(d.field, "org");
    assert_int_equal(
        lrs_service_user_add(
            s, NULL, &(struct lrs_user_input){ao, "", NULL, LRS_ROLE_AO_USER},
            LRS_AUTH_COST_MIN, &u, pw, &d),
        LRS_EINVAL);
    assert_string_equal(d.field, "login");
    assert_int_equal(
        lrs_service_user_add(
            s, NULL,
            &(struct lrs_user_input){ao, "head@mill", NULL, LRS_ROLE_AO_USER},
            LRS_AUTH_COST_MIN, &u, pw, &d),
        LRS_ECONFLICT);
    assert_string_equal(d.field, "login");
    assert_int_equal(
        lrs_service_user_add(
            s, NULL,
            &(struct lrs_user_input){0, "op@lrs", NULL, LRS_ROLE_OPERATOR},
            LRS_AUTH_COST_MIN, &u, pw, &d),
        LRS_OK);
    lrs_store_free(s);
}

static void test_accounts__reset_and_disable(void **state)
{
    struct lrs_store *s = factory_new_store();
    const int64_t school =
        org(s, &(struct lrs_org_input){"school", "Mill", "", "", "100234", ""});
    const struct lrs_actor op = {0, 0, "test", NULL}; /* as the CLI */
    char first[LRS_AUTH_PASSWORD_NEW_SIZE], second[LRS_AUTH_PASSWORD_NEW_SIZE];
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_user u, got;

    (void)state;
    assert_int_equal(lrs_service_user_add(
                         s, NULL,
                         &(struct lrs_user_input){school, "clerk@mill", NULL,
                                                  LRS_ROLE_SCHOOL_USER},
                         LRS_AUTH_COST_MIN, &u, first, &d),
                     LRS_OK);
    /* The user changed it; a reset brings back must_change. */
    assert_int_equal(lrs_store_user_set_password(s, u.id, "$argon2id$x", 0),
                     LRS_OK);
    assert_int_equal(lrs_service_user_reset_password(
                         s, NULL, u.id, LRS_AUTH_COST_MIN, second, &d),
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
                         s, NULL, u.id + 99, LRS_AUTH_COST_MIN, second, &d),
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

/* Add a user as the command line; its id. */
static int64_t user(struct lrs_store *s, int64_t org_id, const char *login,
                    unsigned roles)
{
    char pw[LRS_AUTH_PASSWORD_NEW_SIZE];
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_user u;

    if (lrs_service_user_add(
            s, NULL, &(struct lrs_user_input){org_id, login, NULL, roles},
            LRS_AUTH_COST_MIN, &u, pw, &d) != LRS_OK)
        fail_msg("user_add: %s: %s", d.field ? d.field : "-", d.msg);
    return u.id;
}

struct audit_count {
    int64_t user_id;
    int n[LRS_AUDIT_ACTION_LAST + 1];
};

/* Count the account rows of actor c->user_id; each names a user changed
 * and no learner. */
static enum lrs_err count_audit(const struct lrs_audit *a, void *ctx)
{
    struct audit_count *c = ctx;

    if (a->actor.user_id == c->user_id && a->action >= LRS_AUDIT_USER_ADD &&
        a->action <= LRS_AUDIT_ACTION_LAST) {
        assert_string_equal(a->uln, "");
        assert_true(a->subject_user_id > 0);
        c->n[a->action]++;
    }
    return LRS_OK;
}

/* A user's account trail, as lrs_store_audit_scan_user() gives it. */
struct trail {
    int count;
    enum lrs_audit_action action[16];
    int64_t actor[16];
};

static enum lrs_err trail_row(const struct lrs_audit *a, void *ctx)
{
    struct trail *t = ctx;

    assert_true(t->count < 16);
    assert_string_equal(a->uln, "");
    t->action[t->count] = a->action;
    t->actor[t->count++] = a->actor.user_id;
    return LRS_OK;
}

static enum lrs_err count_all(const struct lrs_audit *a, void *ctx)
{
    (void)a;
    ++*(int *)ctx;
    return LRS_OK;
}

static void test_accounts__every_change_names_the_user_changed(void **state)
{
    struct lrs_store *s = factory_new_store();
    const int64_t school =
        org(s, &(struct lrs_org_input){"school", "Mill", "", "", "100234", ""});
    const int64_t opid = user(s, 0, "op@lrs", LRS_ROLE_OPERATOR);
    const struct lrs_actor op = {opid, 0, "test", "192.0.2.1"};
    char pw[LRS_AUTH_PASSWORD_NEW_SIZE], hash[LRS_AUTH_HASH_SIZE];
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_actor self;
    struct lrs_token t, other;
    struct trail tr = {0};
    struct lrs_user u;
    int rows = 0, after = 0;

    (void)state;
    assert_int_equal(lrs_service_user_add(
                         s, &op,
                         &(struct lrs_user_input){school, "clerk@mill", NULL,
                                                  LRS_ROLE_SCHOOL_USER},
                         LRS_AUTH_COST_MIN, &u, pw, &d),
                     LRS_OK);
    self = (struct lrs_actor){u.id, school, "test", "198.51.100.4"};
    assert_int_equal(
        lrs_service_user_change(
            s, &op, u.id, &(struct lrs_user_change){"Mr Clerk", 0}, NULL, &d),
        LRS_OK);
    assert_int_equal(lrs_service_user_disable(s, &op, u.id, &d), LRS_OK);
    assert_int_equal(lrs_service_user_enable(s, &op, u.id, &d), LRS_OK);
    assert_int_equal(lrs_service_user_reset_password(s, &op, u.id,
                                                     LRS_AUTH_COST_MIN, pw, &d),
                     LRS_OK);
    /* The user: their own password and a token, issued and revoked. */
    assert_int_equal(lrs_auth_password_hash(LRS_STR("a new passphrase of mine"),
                                            LRS_AUTH_COST_MIN, hash),
                     LRS_OK);
    assert_int_equal(lrs_service_password_change(s, &self, hash, &d), LRS_OK);
    assert_int_equal(lrs_store_user_get(s, u.id, &u), LRS_OK);
    assert_false(u.must_change_password);
    memset(&t, 0, sizeof t);
    t.user_id = u.id;
    snprintf(t.label, sizeof t.label, "MIS");
    t.hash[0] = 1;
    assert_int_equal(lrs_service_token_add(s, &self, &t, &d), LRS_OK);
    assert_true(t.id > 0);
    assert_int_equal(lrs_service_token_revoke(s, &self, u.id, t.id, &d),
                     LRS_OK);
    /* The command line issues a token to anyone. */
    other = t;
    other.id = 0;
    other.hash[0] = 2;
    assert_int_equal(lrs_service_token_add(s, NULL, &other, &d), LRS_OK);

    /* Refused, and so not audited: someone else's tokens (even an
     * operator's), an unknown token, the command line's password, a
     * label with a control character. */
    assert_int_equal(lrs_store_audit_scan(s, NULL, count_all, &rows), LRS_OK);
    other.id = 0;
    other.hash[0] = 3;
    assert_int_equal(lrs_service_token_add(s, &op, &other, &d), LRS_ENOTFOUND);
    assert_string_equal(d.field, "user");
    assert_int_equal(lrs_service_token_revoke(s, &op, u.id, t.id, &d),
                     LRS_ENOTFOUND);
    assert_string_equal(d.field, "user");
    assert_int_equal(lrs_service_token_revoke(s, &self, u.id, t.id + 99, &d),
                     LRS_ENOTFOUND);
    assert_string_equal(d.field, "id");
    assert_int_equal(lrs_service_password_change(s, NULL, hash, &d),
                     LRS_EINVAL);
    snprintf(other.label, sizeof other.label, "tab\there");
    assert_int_equal(lrs_service_token_add(s, &self, &other, &d), LRS_EINVAL);
    assert_string_equal(d.field, "label");
    assert_int_equal(lrs_store_audit_scan(s, NULL, count_all, &after), LRS_OK);
    assert_int_equal(after, rows);

    /* The user's trail: each change, in order, with who made it. */
    assert_int_equal(lrs_store_audit_scan_user(s, u.id, trail_row, &tr),
                     LRS_OK);
    assert_int_equal(tr.count, 9);
    {
        static const enum lrs_audit_action want[] = {
            LRS_AUDIT_USER_ADD,      LRS_AUDIT_USER_CHANGE,
            LRS_AUDIT_USER_DISABLE,  LRS_AUDIT_USER_ENABLE,
            LRS_AUDIT_USER_PASSWORD, LRS_AUDIT_USER_PASSWORD,
            LRS_AUDIT_TOKEN_ADD,     LRS_AUDIT_TOKEN_REVOKE,
            LRS_AUDIT_TOKEN_ADD,
        };
        const int64_t by[] = {opid, opid, opid, opid, opid,
                              u.id, u.id, u.id, 0};

        for (int i = 0; i < tr.count; i++) {
            assert_int_equal(tr.action[i], want[i]);
            assert_int_equal(tr.actor[i], by[i]);
        }
    }
    lrs_store_free(s);
}

static void test_accounts__change_rename_roles_enable(void **state)
{
    struct lrs_store *s = factory_new_store();
    const int64_t school =
        org(s, &(struct lrs_org_input){"school", "Mill", "", "", "100234", ""});
    const int64_t opid = user(s, 0, "op@lrs", LRS_ROLE_OPERATOR);
    const int64_t clerk = user(s, school, "clerk@mill", LRS_ROLE_SCHOOL_USER);
    const struct lrs_actor op = {opid, 0, "test", "192.0.2.1"};
    struct audit_count ac = {opid, {0}};
    char pw[LRS_AUTH_PASSWORD_NEW_SIZE];
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_user got;

    (void)state;
    /* Rename and promote to administrator: both in one change. */
    assert_int_equal(
        lrs_service_user_change(
            s, &op, clerk,
            &(struct lrs_user_change){"Mr Clerk", LRS_ROLE_SCHOOL_USER |
                                                      LRS_ROLE_SCHOOL_ADMIN},
            &got, &d),
        LRS_OK);
    assert_string_equal(got.display_name, "Mr Clerk");
    assert_int_equal(got.roles, LRS_ROLE_SCHOOL_USER | LRS_ROLE_SCHOOL_ADMIN);
    assert_int_equal(lrs_store_user_get(s, clerk, &got), LRS_OK);
    assert_string_equal(got.display_name, "Mr Clerk");
    assert_int_equal(got.roles, LRS_ROLE_SCHOOL_USER | LRS_ROLE_SCHOOL_ADMIN);
    /* A role that does not suit a school is refused; nothing changes. */
    assert_int_equal(lrs_service_user_change(
                         s, &op, clerk,
                         &(struct lrs_user_change){"Other", LRS_ROLE_AO_USER},
                         NULL, &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "role");
    assert_int_equal(lrs_store_user_get(s, clerk, &got), LRS_OK);
    assert_string_equal(got.display_name, "Mr Clerk");
    assert_int_equal(got.roles, LRS_ROLE_SCHOOL_USER | LRS_ROLE_SCHOOL_ADMIN);
    /* Nobody changes their own roles; renaming oneself is fine. */
    assert_int_equal(
        lrs_service_user_change(s, &op, opid,
                                &(struct lrs_user_change){
                                    NULL, LRS_ROLE_OPERATOR | LRS_ROLE_AO_USER},
                                NULL, &d),
        LRS_EINVAL);
    assert_string_equal(d.field, "role");
    assert_int_equal(
        lrs_service_user_change(s, &op, opid,
                                &(struct lrs_user_change){"Ops", 0}, NULL, &d),
        LRS_OK);
    assert_int_equal(lrs_service_user_change(s, &op, clerk + 99,
                                             &(struct lrs_user_change){"X", 0},
                                             NULL, &d),
                     LRS_ENOTFOUND);
    assert_string_equal(d.field, "user");

    /* Disable, then enable again; enabling oneself is refused. */
    assert_int_equal(lrs_service_user_disable(s, &op, clerk, &d), LRS_OK);
    assert_int_equal(lrs_store_user_get(s, clerk, &got), LRS_OK);
    assert_true(got.disabled);
    assert_int_equal(lrs_service_user_enable(s, &op, clerk, &d), LRS_OK);
    assert_int_equal(lrs_store_user_get(s, clerk, &got), LRS_OK);
    assert_false(got.disabled);
    assert_int_equal(lrs_service_user_enable(s, &op, opid, &d), LRS_EINVAL);
    assert_int_equal(lrs_service_user_reset_password(s, &op, clerk,
                                                     LRS_AUTH_COST_MIN, pw, &d),
                     LRS_OK);

    /* Each change is one audit row of the operator, without a ULN. */
    assert_int_equal(lrs_store_audit_scan(s, NULL, count_audit, &ac), LRS_OK);
    assert_int_equal(ac.n[LRS_AUDIT_USER_CHANGE], 2);
    assert_int_equal(ac.n[LRS_AUDIT_USER_DISABLE], 1);
    assert_int_equal(ac.n[LRS_AUDIT_USER_ENABLE], 1);
    assert_int_equal(ac.n[LRS_AUDIT_USER_PASSWORD], 1);
    assert_int_equal(ac.n[LRS_AUDIT_USER_ADD], 0);
    lrs_store_free(s);
}

static void test_accounts__school_admin_manages_own_school_only(void **state)
{
    struct lrs_store *s = factory_new_store();
    const int64_t mill =
        org(s, &(struct lrs_org_input){"school", "Mill", "", "", "100234", ""});
    const int64_t hill =
        org(s, &(struct lrs_org_input){"school", "Hill", "", "", "100235", ""});
    const int64_t head = user(s, mill, "head@mill", LRS_ROLE_SCHOOL_ADMIN);
    const int64_t clerk = user(s, mill, "clerk@mill", LRS_ROLE_SCHOOL_USER);
    const int64_t other = user(s, hill, "clerk@hill", LRS_ROLE_SCHOOL_USER);
    const int64_t opid = user(s, 0, "op@lrs", LRS_ROLE_OPERATOR);
    const struct lrs_actor admin = {head, mill, "test", NULL};
    const struct lrs_actor plain = {clerk, mill, "test", NULL};
    struct audit_count ac = {head, {0}};
    char pw[LRS_AUTH_PASSWORD_NEW_SIZE];
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_user u;
    struct lrs_org o;

    (void)state;
    /* Their own school: add, reset, disable, enable. */
    assert_int_equal(lrs_service_user_may_manage(s, &admin, mill, &o, &d),
                     LRS_OK);
    assert_int_equal(
        lrs_service_user_add(s, &admin,
                             &(struct lrs_user_input){mill, "new@mill", NULL,
                                                      LRS_ROLE_SCHOOL_USER},
                             LRS_AUTH_COST_MIN, &u, pw, &d),
        LRS_OK);
    assert_int_equal(u.org_id, mill);
    assert_int_equal(lrs_service_user_reset_password(s, &admin, clerk,
                                                     LRS_AUTH_COST_MIN, pw, &d),
                     LRS_OK);
    assert_int_equal(lrs_service_user_disable(s, &admin, clerk, &d), LRS_OK);
    assert_int_equal(lrs_service_user_enable(s, &admin, clerk, &d), LRS_OK);
    /* Another school, the LRS, an operator: as if they did not exist. */
    assert_int_equal(lrs_service_user_may_manage(s, &admin, hill, &o, &d),
                     LRS_ENOTFOUND);
    assert_string_equal(d.field, "org");
    assert_int_equal(
        lrs_service_user_add(s, &admin,
                             &(struct lrs_user_input){hill, "x@hill", NULL,
                                                      LRS_ROLE_SCHOOL_USER},
                             LRS_AUTH_COST_MIN, &u, pw, &d),
        LRS_ENOTFOUND);
    assert_string_equal(d.field, "org");
    assert_string_equal(pw, "");
    assert_int_equal(
        lrs_service_user_add(
            s, &admin,
            &(struct lrs_user_input){0, "x@lrs", NULL, LRS_ROLE_OPERATOR},
            LRS_AUTH_COST_MIN, &u, pw, &d),
        LRS_ENOTFOUND);
    assert_int_equal(lrs_service_user_reset_password(s, &admin, other,
                                                     LRS_AUTH_COST_MIN, pw, &d),
                     LRS_ENOTFOUND);
    assert_string_equal(d.field, "user");
    assert_int_equal(lrs_service_user_disable(s, &admin, other, &d),
                     LRS_ENOTFOUND);
    assert_int_equal(lrs_service_user_disable(s, &admin, opid, &d),
                     LRS_ENOTFOUND);
    assert_int_equal(lrs_service_user_change(s, &admin, other,
                                             &(struct lrs_user_change){"X", 0},
                                             NULL, &d),
                     LRS_ENOTFOUND);
    assert_int_equal(lrs_store_user_get(s, other, &u), LRS_OK);
    assert_false(u.disabled);
    assert_string_equal(u.display_name, "");
    assert_int_equal(lrs_store_user_get_by_login(s, "x@hill", &u),
                     LRS_ENOTFOUND);
    /* A school user who is not an administrator manages nobody. */
    assert_int_equal(lrs_service_user_may_manage(s, &plain, mill, &o, &d),
                     LRS_ENOTFOUND);
    assert_int_equal(lrs_service_user_disable(s, &plain, head, &d),
                     LRS_ENOTFOUND);
    /* A disabled administrator manages nobody either. */
    assert_int_equal(lrs_store_user_set_disabled(s, head, true), LRS_OK);
    assert_int_equal(lrs_service_user_disable(s, &admin, clerk, &d),
                     LRS_ENOTFOUND);

    assert_int_equal(lrs_store_audit_scan(s, NULL, count_audit, &ac), LRS_OK);
    assert_int_equal(ac.n[LRS_AUDIT_USER_ADD], 1);
    assert_int_equal(ac.n[LRS_AUDIT_USER_PASSWORD], 1);
    assert_int_equal(ac.n[LRS_AUDIT_USER_DISABLE], 1);
    assert_int_equal(ac.n[LRS_AUDIT_USER_ENABLE], 1);
    lrs_store_free(s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accounts__org_fields_checked),
        cmocka_unit_test(test_accounts__user_roles_suit_the_organisation),
        cmocka_unit_test(test_accounts__reset_and_disable),
        cmocka_unit_test(test_accounts__change_rename_roles_enable),
        cmocka_unit_test(test_accounts__school_admin_manages_own_school_only),
        cmocka_unit_test(test_accounts__every_change_names_the_user_changed),
    };
    int rc;

    factory_setup(argc, argv);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
