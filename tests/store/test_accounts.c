/*
 * test_accounts.c - the engine-neutral contract of lrs/accounts.h:
 * organisations, users and roles, API tokens, sessions, settings.
 *
 * Runs on every engine like test_store.c: `test_accounts sqlite` (suite
 * store-sqlite) and `test_accounts pg` under tests/pg/with-pg.sh (suite
 * store-pg). Each test starts from an empty, initialised database.
 */
#include "testutil.h"

#include "factory.h"

#include <lrs/accounts.h>
#include <lrs/auth.h>

#include <stdio.h>
#include <string.h>

static struct lrs_org school(const char *name, int32_t la, int32_t estab)
{
    struct lrs_org o;

    memset(&o, 0, sizeof o);
    o.kind = LRS_ORG_SCHOOL;
    snprintf(o.name, sizeof o.name, "%s", name);
    o.la = la;
    o.estab = estab;
    return o;
}

static int64_t add_user(struct lrs_store *s, int64_t org, const char *login,
                        unsigned roles)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_user u;

    memset(&u, 0, sizeof u);
    u.org_id = org;
    snprintf(u.login, sizeof u.login, "%s", login);
    snprintf(u.display_name, sizeof u.display_name, "Ms Zoë Ng");
    snprintf(u.password_hash, sizeof u.password_hash, "$argon2id$fake");
    u.roles = roles;
    if (lrs_store_user_add(s, &u, &d) != LRS_OK)
        fail_msg("user_add: %s: %s", d.field ? d.field : "-", d.msg);
    assert_true(u.id > 0);
    return u.id;
}

/* ------------------------------------------------------------------ */

static void test_accounts__org_add_get_find(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_org a = school("Mill Lane Primary", 801, 2000), b, got;
    struct lrs_org_ref ref;

    (void)state;
    a.urn = 100123;
    assert_int_equal(lrs_store_org_add(s, &a, &d), LRS_OK);
    assert_true(a.id > 0);
    assert_true(a.created_ms > 0);
    memset(&b, 0, sizeof b);
    b.kind = LRS_ORG_AO;
    snprintf(b.name, sizeof b.name, "Example Awards");
    snprintf(b.ukprn, sizeof b.ukprn, "10012345");
    assert_int_equal(lrs_store_org_add(s, &b, &d), LRS_OK);
    assert_true(b.id != a.id);

    assert_int_equal(lrs_store_org_get(s, a.id, &got), LRS_OK);
    assert_int_equal(got.kind, LRS_ORG_SCHOOL);
    assert_string_equal(got.name, "Mill Lane Primary");
    assert_int_equal(got.la, 801);
    assert_int_equal(got.estab, 2000);
    assert_int_equal(got.urn, 100123);
    assert_string_equal(got.ukprn, "");

    memset(&ref, 0, sizeof ref);
    ref.la = 801;
    ref.estab = 2000;
    assert_int_equal(lrs_store_org_find(s, &ref, &got), LRS_OK);
    assert_int_equal(got.id, a.id);
    memset(&ref, 0, sizeof ref);
    ref.urn = 100123;
    assert_int_equal(lrs_store_org_find(s, &ref, &got), LRS_OK);
    assert_int_equal(got.id, a.id);
    memset(&ref, 0, sizeof ref);
    ref.ukprn = "10012345";
    assert_int_equal(lrs_store_org_find(s, &ref, &got), LRS_OK);
    assert_int_equal(got.id, b.id);
    assert_int_equal(got.kind, LRS_ORG_AO);
    ref.ukprn = "10099999";
    assert_int_equal(lrs_store_org_find(s, &ref, &got), LRS_ENOTFOUND);
    ref.urn = 5;
    assert_int_equal(lrs_store_org_find(s, &ref, &got), LRS_EINVAL);
    assert_int_equal(lrs_store_org_get(s, 999, &got), LRS_ENOTFOUND);
    assert_int_equal(lrs_store_org_get(s, 0, &got), LRS_OK);
    assert_int_equal(got.kind, LRS_ORG_LRS);
    lrs_store_free(s);
}

static void test_accounts__org_duplicates_and_bad_input(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_org a = school("A", 801, 2000), dup = school("B", 801, 2000);
    struct lrs_org bad;

    (void)state;
    assert_int_equal(lrs_store_org_add(s, &a, &d), LRS_OK);
    assert_int_equal(lrs_store_org_add(s, &dup, &d), LRS_ECONFLICT);
    assert_string_equal(d.field, "la");

    bad = school("C", 80, 1);
    assert_int_equal(lrs_store_org_add(s, &bad, &d), LRS_EINVAL);
    assert_string_equal(d.field, "la");
    bad = school("", 802, 1);
    assert_int_equal(lrs_store_org_add(s, &bad, &d), LRS_EINVAL);
    assert_string_equal(d.field, "name");
    bad = school("No identifiers", 0, 0);
    assert_int_equal(lrs_store_org_add(s, &bad, &d), LRS_EINVAL);
    memset(&bad, 0, sizeof bad);
    bad.kind = LRS_ORG_AO;
    snprintf(bad.name, sizeof bad.name, "AO");
    snprintf(bad.ukprn, sizeof bad.ukprn, "1234567x");
    assert_int_equal(lrs_store_org_add(s, &bad, &d), LRS_EINVAL);
    assert_string_equal(d.field, "ukprn");
    bad.kind = LRS_ORG_LRS;
    assert_int_equal(lrs_store_org_add(s, &bad, &d), LRS_EINVAL);
    assert_string_equal(d.field, "type");

    /* The transaction survives a duplicate. */
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    dup = school("B", 801, 2000);
    assert_int_equal(lrs_store_org_add(s, &dup, &d), LRS_ECONFLICT);
    dup = school("B", 801, 2001);
    assert_int_equal(lrs_store_org_add(s, &dup, &d), LRS_OK);
    assert_int_equal(lrs_store_commit(s), LRS_OK);
    lrs_store_free(s);
}

static enum lrs_err count_org(const struct lrs_org *o, void *ctx)
{
    (void)o;
    ++*(int *)ctx;
    return LRS_OK;
}

static void test_accounts__org_scan_lists_all(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_org a = school("A", 801, 1), b = school("B", 801, 2);
    int n = 0;

    (void)state;
    assert_int_equal(lrs_store_org_add(s, &a, &d), LRS_OK);
    assert_int_equal(lrs_store_org_add(s, &b, &d), LRS_OK);
    assert_int_equal(lrs_store_org_scan(s, count_org, &n), LRS_OK);
    assert_int_equal(n, 3); /* with the LRS itself */
    lrs_store_free(s);
}

static void test_accounts__user_add_and_get(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_org a = school("A", 801, 1);
    struct lrs_user u, dup;
    int64_t id;

    (void)state;
    assert_int_equal(lrs_store_org_add(s, &a, &d), LRS_OK);
    id = add_user(s, a.id, "head@mill.example",
                  LRS_ROLE_SCHOOL_USER | LRS_ROLE_SCHOOL_ADMIN);
    assert_int_equal(lrs_store_user_get(s, id, &u), LRS_OK);
    assert_string_equal(u.login, "head@mill.example");
    assert_string_equal(u.display_name, "Ms Zoë Ng");
    assert_string_equal(u.password_hash, "$argon2id$fake");
    assert_int_equal(u.org_id, a.id);
    assert_int_equal(u.roles, LRS_ROLE_SCHOOL_USER | LRS_ROLE_SCHOOL_ADMIN);
    assert_false(u.disabled);
    assert_false(u.must_change_password);
    assert_int_equal(u.agreement_version, 0);
    assert_string_equal(u.uln, "");
    assert_int_equal(lrs_store_user_get_by_login(s, "head@mill.example", &u),
                     LRS_OK);
    assert_int_equal(u.id, id);
    assert_int_equal(lrs_store_user_get_by_login(s, "nobody", &u),
                     LRS_ENOTFOUND);
    assert_int_equal(lrs_store_user_get(s, id + 100, &u), LRS_ENOTFOUND);

    memset(&dup, 0, sizeof dup);
    dup.org_id = a.id;
    snprintf(dup.login, sizeof dup.login, "head@mill.example");
    dup.roles = LRS_ROLE_SCHOOL_USER;
    assert_int_equal(lrs_store_user_add(s, &dup, &d), LRS_ECONFLICT);
    assert_string_equal(d.field, "login");
    dup.org_id = 4242;
    snprintf(dup.login, sizeof dup.login, "other");
    assert_int_equal(lrs_store_user_add(s, &dup, &d), LRS_ENOTFOUND);
    assert_string_equal(d.field, "org");
    dup.org_id = a.id;
    dup.roles = 0;
    assert_int_equal(lrs_store_user_add(s, &dup, &d), LRS_EINVAL);
    assert_string_equal(d.field, "role");
    dup.roles = LRS_ROLE_SCHOOL_USER;
    snprintf(dup.login, sizeof dup.login, "has space");
    assert_int_equal(lrs_store_user_add(s, &dup, &d), LRS_EINVAL);
    assert_string_equal(d.field, "login");
    lrs_store_free(s);
}

struct user_seen {
    int count;
    char logins[4][LRS_LOGIN_MAX + 1];
    unsigned roles[4];
    bool hash_read; /* a password hash reached the callback */
};

static enum lrs_err see_user(const struct lrs_user *u, void *ctx)
{
    struct user_seen *seen = ctx;

    if (u->password_hash[0])
        seen->hash_read = true;
    if (seen->count < 4) {
        snprintf(seen->logins[seen->count], sizeof seen->logins[0], "%s",
                 u->login);
        seen->roles[seen->count] = u->roles;
    }
    seen->count++;
    return LRS_OK;
}

static void test_accounts__user_scan_by_org(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_org a = school("A", 801, 1), b = school("B", 801, 2);
    struct user_seen seen;

    (void)state;
    assert_int_equal(lrs_store_org_add(s, &a, &d), LRS_OK);
    assert_int_equal(lrs_store_org_add(s, &b, &d), LRS_OK);
    add_user(s, a.id, "a1", LRS_ROLE_SCHOOL_USER | LRS_ROLE_SCHOOL_ADMIN);
    add_user(s, b.id, "b1", LRS_ROLE_SCHOOL_USER);
    add_user(s, a.id, "a2", LRS_ROLE_SCHOOL_USER);

    memset(&seen, 0, sizeof seen);
    assert_int_equal(lrs_store_user_scan(s, a.id, see_user, &seen), LRS_OK);
    assert_int_equal(seen.count, 2);
    assert_string_equal(seen.logins[0], "a1");
    assert_string_equal(seen.logins[1], "a2");
    assert_int_equal(seen.roles[0],
                     LRS_ROLE_SCHOOL_USER | LRS_ROLE_SCHOOL_ADMIN);
    assert_false(seen.hash_read);

    memset(&seen, 0, sizeof seen);
    assert_int_equal(lrs_store_user_scan(s, -1, see_user, &seen), LRS_OK);
    assert_int_equal(seen.count, 3);
    assert_string_equal(seen.logins[1], "b1");

    memset(&seen, 0, sizeof seen);
    assert_int_equal(lrs_store_user_scan(s, b.id + 100, see_user, &seen),
                     LRS_OK);
    assert_int_equal(seen.count, 0);
    lrs_store_free(s);
}

static void test_accounts__learner_account_has_uln(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_user u, got;

    (void)state;
    memset(&u, 0, sizeof u);
    snprintf(u.login, sizeof u.login, "zoe");
    u.roles = LRS_ROLE_LEARNER;
    assert_int_equal(lrs_store_user_add(s, &u, &d), LRS_EINVAL);
    assert_string_equal(d.field, "uln");
    snprintf(u.uln, sizeof u.uln, "1000000043");
    assert_int_equal(lrs_store_user_add(s, &u, &d), LRS_OK);
    assert_int_equal(lrs_store_user_get(s, u.id, &got), LRS_OK);
    assert_string_equal(got.uln, "1000000043");
    assert_int_equal(got.roles, LRS_ROLE_LEARNER);
    u.roles = LRS_ROLE_LEARNER | LRS_ROLE_OPERATOR;
    snprintf(u.login, sizeof u.login, "zoe2");
    assert_int_equal(lrs_store_user_add(s, &u, &d), LRS_EINVAL);
    lrs_store_free(s);
}

static void test_accounts__password_disable_agreement(void **state)
{
    struct lrs_store *s = factory_new_store();
    const int64_t id = add_user(s, 0, "op", LRS_ROLE_OPERATOR);
    struct lrs_user u;

    (void)state;
    assert_int_equal(lrs_store_user_set_password(s, id, "$argon2id$new",
                                                 LRS_USER_MUST_CHANGE),
                     LRS_OK);
    assert_int_equal(lrs_store_user_get(s, id, &u), LRS_OK);
    assert_string_equal(u.password_hash, "$argon2id$new");
    assert_true(u.must_change_password);
    assert_int_equal(lrs_store_user_set_password(s, id, "$argon2id$x", 0),
                     LRS_OK);
    assert_int_equal(lrs_store_user_get(s, id, &u), LRS_OK);
    assert_false(u.must_change_password);
    assert_int_equal(lrs_store_user_set_password(s, id + 9, "$a", 0),
                     LRS_ENOTFOUND);

    assert_int_equal(lrs_store_user_set_disabled(s, id, true), LRS_OK);
    assert_int_equal(lrs_store_user_get(s, id, &u), LRS_OK);
    assert_true(u.disabled);
    assert_int_equal(lrs_store_user_set_disabled(s, id, false), LRS_OK);
    assert_int_equal(lrs_store_user_get(s, id, &u), LRS_OK);
    assert_false(u.disabled);

    assert_int_equal(lrs_store_user_accept_agreement(s, id, 1, 1234), LRS_OK);
    assert_int_equal(lrs_store_user_get(s, id, &u), LRS_OK);
    assert_int_equal(u.agreement_version, 1);
    assert_int_equal(u.agreement_ms, 1234);
    assert_int_equal(lrs_store_user_accept_agreement(s, id, 0, 0), LRS_EINVAL);
    lrs_store_free(s);
}

static enum lrs_err count_token(const struct lrs_token *t, void *ctx)
{
    int *n = ctx;

    n[0]++;
    if (t->revoked_ms)
        n[1]++;
    return LRS_OK;
}

static void test_accounts__tokens(void **state)
{
    struct lrs_store *s = factory_new_store();
    const int64_t alice = add_user(s, 0, "alice", LRS_ROLE_OPERATOR);
    const int64_t bob = add_user(s, 0, "bob", LRS_ROLE_OPERATOR);
    struct lrs_diag d = LRS_DIAG_INIT;
    char text[LRS_AUTH_TOKEN_SIZE];
    struct lrs_token t, dup, got;
    int n[2] = {0, 0};

    (void)state;
    assert_int_equal(lrs_auth_init(), LRS_OK);
    memset(&t, 0, sizeof t);
    t.user_id = alice;
    lrs_auth_token_new(text, t.hash);
    snprintf(t.label, sizeof t.label, "MIS upload");
    assert_int_equal(lrs_store_token_add(s, &t, &d), LRS_OK);
    assert_true(t.id > 0);
    assert_int_equal(lrs_store_token_get_by_hash(s, t.hash, &got), LRS_OK);
    assert_int_equal(got.id, t.id);
    assert_int_equal(got.user_id, alice);
    assert_memory_equal(got.hash, t.hash, sizeof t.hash);
    assert_string_equal(got.label, "MIS upload");
    assert_int_equal(got.revoked_ms, 0);
    assert_int_equal(got.expires_ms, 0);

    dup = t;
    assert_int_equal(lrs_store_token_add(s, &dup, &d), LRS_ECONFLICT);
    dup.user_id = 9999;
    dup.hash[0] ^= 1;
    assert_int_equal(lrs_store_token_add(s, &dup, &d), LRS_ENOTFOUND);
    assert_string_equal(d.field, "user");

    /* Bob cannot revoke Alice's token; Alice can, once. */
    assert_int_equal(lrs_store_token_revoke(s, bob, t.id), LRS_ENOTFOUND);
    assert_int_equal(lrs_store_token_revoke(s, alice, t.id), LRS_OK);
    assert_int_equal(lrs_store_token_get_by_hash(s, t.hash, &got), LRS_OK);
    assert_true(got.revoked_ms > 0);
    assert_int_equal(lrs_store_token_revoke(s, alice, t.id), LRS_OK);

    memset(&dup, 0, sizeof dup);
    dup.user_id = alice;
    lrs_auth_token_new(text, dup.hash);
    dup.expires_ms = 4102444800000;
    assert_int_equal(lrs_store_token_add(s, &dup, &d), LRS_OK);
    assert_int_equal(lrs_store_token_scan(s, alice, count_token, n), LRS_OK);
    assert_int_equal(n[0], 2);
    assert_int_equal(n[1], 1);
    n[0] = n[1] = 0;
    assert_int_equal(lrs_store_token_scan(s, bob, count_token, n), LRS_OK);
    assert_int_equal(n[0], 0);
    dup.hash[5] ^= 0x55;
    assert_int_equal(lrs_store_token_get_by_hash(s, dup.hash, &got),
                     LRS_ENOTFOUND);
    lrs_store_free(s);
}

static void test_accounts__sessions_revoke(void **state)
{
    struct lrs_store *s = factory_new_store();
    const int64_t id = add_user(s, 0, "op", LRS_ROLE_OPERATOR);
    struct lrs_session_row a, b, got;

    (void)state;
    memset(&a, 0, sizeof a);
    memset(a.id, 0xa1, sizeof a.id);
    a.user_id = id;
    a.created_ms = 1000;
    a.expires_ms = 2000;
    snprintf(a.addr, sizeof a.addr, "127.0.0.1");
    b = a;
    memset(b.id, 0xb2, sizeof b.id);
    snprintf(b.addr, sizeof b.addr, "::1");
    assert_int_equal(lrs_store_session_add(s, &a), LRS_OK);
    assert_int_equal(lrs_store_session_add(s, &b), LRS_OK);
    assert_int_equal(lrs_store_session_get(s, a.id, &got), LRS_OK);
    assert_memory_equal(got.id, a.id, sizeof a.id);
    assert_int_equal(got.user_id, id);
    assert_int_equal(got.expires_ms, 2000);
    assert_int_equal(got.revoked_ms, 0);
    assert_string_equal(got.addr, "127.0.0.1");

    /* Signing out revokes one session only. */
    assert_int_equal(lrs_store_session_revoke(s, a.id), LRS_OK);
    assert_int_equal(lrs_store_session_get(s, a.id, &got), LRS_OK);
    assert_true(got.revoked_ms > 0);
    assert_int_equal(lrs_store_session_get(s, b.id, &got), LRS_OK);
    assert_int_equal(got.revoked_ms, 0);

    /* A password change revokes every session of the user. */
    assert_int_equal(lrs_store_user_set_password(s, id, "$argon2id$n", 0),
                     LRS_OK);
    assert_int_equal(lrs_store_session_get(s, b.id, &got), LRS_OK);
    assert_true(got.revoked_ms > 0);

    memset(got.id, 0x77, sizeof got.id);
    assert_int_equal(lrs_store_session_get(s, got.id, &a), LRS_ENOTFOUND);
    assert_int_equal(lrs_store_session_revoke(s, got.id), LRS_ENOTFOUND);
    lrs_store_free(s);
}

static void test_accounts__settings_are_set_once(void **state)
{
    struct lrs_store *s = factory_new_store(), *t;
    const uint8_t key[32] = {1, 2, 3, 0, 5, 255};
    uint8_t buf[64];
    size_t len = 0;

    (void)state;
    assert_int_equal(
        lrs_store_setting_get(s, "session_key", buf, sizeof buf, &len),
        LRS_ENOTFOUND);
    assert_int_equal(lrs_store_setting_add(s, "session_key", key, sizeof key),
                     LRS_OK);
    t = factory_connect();
    assert_int_equal(lrs_store_setting_add(t, "session_key", buf, 4),
                     LRS_ECONFLICT);
    assert_int_equal(
        lrs_store_setting_get(t, "session_key", buf, sizeof buf, &len), LRS_OK);
    assert_int_equal(len, sizeof key);
    assert_memory_equal(buf, key, sizeof key);
    assert_int_equal(lrs_store_setting_get(t, "session_key", buf, 8, &len),
                     LRS_ELIMIT);
    assert_int_equal(lrs_store_setting_add(t, "empty", "", 0), LRS_OK);
    assert_int_equal(lrs_store_setting_get(t, "empty", buf, sizeof buf, &len),
                     LRS_OK);
    assert_int_equal(len, 0);
    lrs_store_free(t);
    lrs_store_free(s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accounts__org_add_get_find),
        cmocka_unit_test(test_accounts__org_duplicates_and_bad_input),
        cmocka_unit_test(test_accounts__org_scan_lists_all),
        cmocka_unit_test(test_accounts__user_add_and_get),
        cmocka_unit_test(test_accounts__user_scan_by_org),
        cmocka_unit_test(test_accounts__learner_account_has_uln),
        cmocka_unit_test(test_accounts__password_disable_agreement),
        cmocka_unit_test(test_accounts__tokens),
        cmocka_unit_test(test_accounts__sessions_revoke),
        cmocka_unit_test(test_accounts__settings_are_set_once),
    };
    int rc;

    factory_setup(argc, argv);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
