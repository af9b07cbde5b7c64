/*
 * test_accounts.c - accounts against a real lrsd: sign-in (wrong password
 * and unknown login answer alike), the user agreement gate, CSRF, API
 * tokens (hashed at rest, revocable), sign-out revoking the session,
 * role isolation and the sign-in rate limit. A copied cookie dies with its
 * session (issue 6): after signing out (by the API or the page's button),
 * a password reset or disabling the user, the copy is refused by the API
 * (401) and the pages (sent to sign in), and every session of the user
 * ends, not only the one in hand.
 *
 * Organisations and users are put in the store directly (lrs/accounts.h,
 * as `lrs org add` and `lrs user add` do) while lrsd runs, with passwords
 * hashed at the minimum cost to keep the test quick.
 */
#include "harness.h"

#include <lrs/lrs.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#define PW   "correct horse battery staple"
#define FORM "application/x-www-form-urlencoded"

static struct harness srv;
static char uln_a[LRS_ULN_SIZE];
static int64_t school_id, ao_id;

/* A session: the cookie header line and the CSRF header line. */
struct sess {
    char cookie[LRS_AUTH_SESSION_SIZE + 32];
    char csrf[LRS_AUTH_CSRF_SIZE + 32];
};

/* A user with the password PW who has not accepted the agreement. */
static void add_user(struct lrs_store *s, int64_t org, const char *login,
                     unsigned roles, const char *uln, bool disabled)
{
    const struct harness_user u = {login, roles, uln, PW, disabled, false};

    (void)harness_user_make(s, org, &u, NULL);
}

static void add_learner(struct lrs_store *s)
{
    const struct lrs_actor actor = LRS_ACTOR_CLI;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_learner l;

    lrs_learner_init(&l);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_GIVEN_NAME, LRS_STR("Zoe"), &d),
        LRS_OK);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_FAMILY_NAME, LRS_STR("Ng"), &d),
        LRS_OK);
    assert_int_equal(lrs_learner_field_set(&l, LRS_FIELD_DATE_OF_BIRTH,
                                           LRS_STR("2008-03-14"), &d),
                     LRS_OK);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_GENDER, LRS_STR("2"), &d), LRS_OK);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_POSTCODE, LRS_STR("SW1A 1AA"), &d),
        LRS_OK);
    if (lrs_service_learner_register(s, &actor, &l, &d) != LRS_OK)
        fail_msg("register: %s", d.msg);
    memcpy(uln_a, l.uln, sizeof uln_a);
}

static int setup(void **state)
{
    static const char *const extra[] = {"--signin-rate", "5", NULL};
    struct lrs_store *s;

    (void)state;
    assert_int_equal(lrs_auth_init(), LRS_OK);
    harness_start(&srv, extra);
    s = harness_store_open(&srv);
    add_learner(s);
    school_id = harness_org_add(s, LRS_ORG_SCHOOL, "Mill Lane Primary", 2000);
    ao_id = harness_org_add_ao(s, "Example Awards", "10012345");
    add_user(s, school_id, "teacher", LRS_ROLE_SCHOOL_USER, NULL, false);
    add_user(s, school_id, "head", LRS_ROLE_SCHOOL_ADMIN, NULL, false);
    add_user(s, ao_id, "awarder", LRS_ROLE_AO_USER, NULL, false);
    add_user(s, 0, "op", LRS_ROLE_OPERATOR, NULL, false);
    add_user(s, 0, "zoe", LRS_ROLE_LEARNER, uln_a, false);
    add_user(s, school_id, "gone", LRS_ROLE_SCHOOL_USER, NULL, true);
    add_user(s, school_id, "limited", LRS_ROLE_SCHOOL_USER, NULL, false);
    add_user(s, school_id, "hammered", LRS_ROLE_SCHOOL_USER, NULL, false);
    lrs_store_free(s);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return harness_stop(&srv) == 0 ? 0 : -1;
}

static void sign_in_status(const char *login, const char *pw,
                           struct http_resp *res)
{
    char body[256];

    snprintf(body, sizeof body, "{\"login\":\"%s\",\"password\":\"%s\"}", login,
             pw);
    http_post_json(&srv, "/api/v1/session", body, res);
}

/* Sign in with `pw`; fill `s`; returns the parsed body (owned). */
static json_t *sign_in_with(const char *login, const char *pw, struct sess *s)
{
    struct http_resp res;
    char set[256];
    json_t *j;
    size_t n;

    sign_in_status(login, pw, &res);
    if (res.status != 200)
        fail_msg("sign-in %s: %ld %s", login, res.status, res.body.data);
    assert_true(http_header(&res, "Set-Cookie", set, sizeof set));
    assert_non_null(strstr(set, "HttpOnly"));
    assert_non_null(strstr(set, "SameSite=Strict"));
    assert_non_null(strstr(set, "Path=/"));
    n = strcspn(set, ";");
    snprintf(s->cookie, sizeof s->cookie, "Cookie: %.*s", (int)n, set);
    j = http_json(&res);
    snprintf(s->csrf, sizeof s->csrf, "X-CSRF-Token: %s",
             json_string_value(json_object_get(j, "csrf_token")));
    http_resp_release(&res);
    return j;
}

/* Sign in with PW. */
static json_t *sign_in(const char *login, struct sess *s)
{
    return sign_in_with(login, PW, s);
}

static void sess_send(const struct sess *s, bool csrf, const char *method,
                      const char *path, const char *json, struct http_resp *res)
{
    const char *const with[] = {s->cookie, s->csrf, NULL};
    const char *const without[] = {s->cookie, NULL};

    http_request(&srv, method, path, json ? "application/json" : NULL, json,
                 json ? strlen(json) : 0, csrf ? with : without, res);
}

/* The session's cookie and CSRF token still work: on the API and on a
 * page (the agreement page opens to anyone signed in). */
static void assert_live(const struct sess *s)
{
    const char *const hdrs[] = {s->cookie, NULL};
    struct http_resp res;

    http_request(&srv, "GET", "/api/v1/session", NULL, NULL, 0, hdrs, &res);
    assert_int_equal(res.status, 200);
    http_resp_release(&res);
    http_request(&srv, "GET", "/agreement", NULL, NULL, 0, hdrs, &res);
    assert_int_equal(res.status, 200);
    http_resp_release(&res);
}

/* The session's cookie is refused everywhere: the API answers 401 (to a
 * read, and to a write with its CSRF token), a page sends the browser to
 * sign in. */
static void assert_dead(const struct sess *s)
{
    const char *const hdrs[] = {s->cookie, NULL};
    struct http_resp res;
    char where[64];

    http_request(&srv, "GET", "/api/v1/session", NULL, NULL, 0, hdrs, &res);
    http_assert_error(&res, 401, "LRSD0401", NULL);
    http_resp_release(&res);
    sess_send(s, true, "POST", "/api/v1/tokens", "{\"label\":\"x\"}", &res);
    http_assert_error(&res, 401, "LRSD0401", NULL);
    http_resp_release(&res);
    http_request(&srv, "GET", "/agreement", NULL, NULL, 0, hdrs, &res);
    assert_int_equal(res.status, 303);
    assert_true(http_header(&res, "Location", where, sizeof where));
    assert_string_equal(where, "/sign-in");
    http_resp_release(&res);
}

static void agree(const struct sess *s)
{
    struct http_resp res;

    sess_send(s, true, "POST", "/api/v1/agreement", "{\"version\":1}", &res);
    assert_int_equal(res.status, 200);
    http_resp_release(&res);
}

/* ------------------------------------------------------------------ */

static void test_signin__ok_sets_cookie_and_csrf(void **state)
{
    struct sess s;
    json_t *j = sign_in("teacher", &s), *u;

    (void)state;
    u = json_object_get(j, "user");
    assert_string_equal(json_string_value(json_object_get(u, "login")),
                        "teacher");
    assert_int_equal(json_integer_value(json_object_get(u, "org_id")),
                     school_id);
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(u, "roles"), 0)),
        "school");
    assert_true(json_is_true(json_object_get(j, "agreement_required")));
    assert_int_equal(
        strlen(json_string_value(json_object_get(j, "csrf_token"))),
        LRS_AUTH_CSRF_SIZE - 1);
    json_decref(j);
}

static void test_signin__wrong_password_and_unknown_login_alike(void **state)
{
    struct http_resp a, b, c;
    json_t *ja, *jb, *jc;

    (void)state;
    sign_in_status("head", "not the password at all", &a);
    sign_in_status("nobody-here", "not the password at all", &b);
    sign_in_status("gone", PW, &c); /* disabled */
    http_assert_error(&a, 401, "LRSD0401", NULL);
    http_assert_error(&b, 401, "LRSD0401", NULL);
    http_assert_error(&c, 401, "LRSD0401", NULL);
    ja = http_json(&a);
    jb = http_json(&b);
    jc = http_json(&c);
    assert_string_equal(json_string_value(json_object_get(ja, "message")),
                        json_string_value(json_object_get(jb, "message")));
    assert_string_equal(json_string_value(json_object_get(ja, "message")),
                        json_string_value(json_object_get(jc, "message")));
    json_decref(ja);
    json_decref(jb);
    json_decref(jc);
    http_resp_release(&a);
    http_resp_release(&b);
    http_resp_release(&c);
}

static void test_agreement__gate_then_accept(void **state)
{
    struct http_resp res;
    char path[64];
    struct sess s;
    json_t *j = sign_in("op", &s);

    (void)state;
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/learners/%s", uln_a);
    sess_send(&s, false, "GET", path, NULL, &res);
    http_assert_error(&res, 403, "LRSD0403", "agreement");
    http_resp_release(&res);
    sess_send(&s, false, "GET", "/api/v1/agreement", NULL, &res);
    assert_int_equal(res.status, 200);
    http_resp_release(&res);
    /* Accepting changes state: the CSRF token is needed. */
    sess_send(&s, false, "POST", "/api/v1/agreement", "{\"version\":1}", &res);
    http_assert_error(&res, 403, "LRSD0403", "csrf");
    http_resp_release(&res);
    sess_send(&s, true, "POST", "/api/v1/agreement", "{\"version\":7}", &res);
    http_assert_error(&res, 400, "WSEC0001", "version");
    http_resp_release(&res);
    agree(&s);
    sess_send(&s, false, "GET", path, NULL, &res);
    assert_int_equal(res.status, 200);
    http_resp_release(&res);
}

static void test_csrf__cookie_write_needs_token(void **state)
{
    const char *const bad[3] = {NULL, "X-CSRF-Token: AAAA", NULL};
    const char *hdrs[3];
    struct http_resp res;
    char path[64];
    struct sess s;

    (void)state;
    json_decref(sign_in("head", &s));
    agree(&s);
    snprintf(path, sizeof path, "/api/v1/learners/%s", uln_a);
    sess_send(&s, false, "PATCH", path, "{\"version\":1}", &res);
    http_assert_error(&res, 403, "LRSD0403", "csrf");
    http_resp_release(&res);
    hdrs[0] = s.cookie;
    hdrs[1] = bad[1];
    hdrs[2] = NULL;
    http_request(&srv, "PATCH", path, "application/json", "{\"version\":1}", 13,
                 hdrs, &res);
    http_assert_error(&res, 403, "LRSD0403", "csrf");
    http_resp_release(&res);
    sess_send(&s, true, "PATCH", path,
              "{\"version\":1,\"postcode\":\"N1 9GU\"}", &res);
    assert_int_equal(res.status, 200);
    http_resp_release(&res);
}

static void test_tokens__create_use_list_revoke(void **state)
{
    char bearer[128], path[64];
    const char *const hdrs[] = {bearer, NULL};
    struct http_resp res;
    struct sess s;
    json_t *j, *list;
    int64_t id;

    (void)state;
    json_decref(sign_in("awarder", &s));
    agree(&s);
    sess_send(&s, true, "POST", "/api/v1/tokens", "{\"label\":\"AO system\"}",
              &res);
    assert_int_equal(res.status, 201);
    j = http_json(&res);
    id = json_integer_value(json_object_get(j, "id"));
    snprintf(bearer, sizeof bearer, "Authorization: Bearer %s",
             json_string_value(json_object_get(j, "token")));
    json_decref(j);
    http_resp_release(&res);

    /* The token acts as its user, without CSRF (no cookie). */
    http_request(&srv, "GET", "/api/v1/session", NULL, NULL, 0, hdrs, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(j, "user"), "login")),
        "awarder");
    json_decref(j);
    http_resp_release(&res);

    /* Listed without its text. */
    http_request(&srv, "GET", "/api/v1/tokens", NULL, NULL, 0, hdrs, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    list = json_object_get(j, "tokens");
    assert_int_equal(json_array_size(list), 1);
    assert_null(json_object_get(json_array_get(list, 0), "token"));
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(list, 0), "label")),
        "AO system");
    json_decref(j);
    http_resp_release(&res);

    /* Someone else cannot revoke it; its owner can, and then it fails. */
    snprintf(path, sizeof path, "/api/v1/tokens/%lld", (long long)id);
    {
        struct sess t;

        json_decref(sign_in("limited", &t));
        agree(&t);
        sess_send(&t, true, "DELETE", path, NULL, &res);
        http_assert_error(&res, 404, "LRSD0404", NULL);
        http_resp_release(&res);
    }
    http_request(&srv, "DELETE", path, NULL, NULL, 0, hdrs, &res);
    assert_int_equal(res.status, 204);
    http_resp_release(&res);
    http_request(&srv, "GET", "/api/v1/session", NULL, NULL, 0, hdrs, &res);
    http_assert_error(&res, 401, "LRSD0401", NULL);
    http_resp_release(&res);
}

static void test_signout__revokes_the_session(void **state)
{
    struct http_resp res;
    char set[256];
    struct sess s;

    (void)state;
    json_decref(sign_in("teacher", &s));
    sess_send(&s, false, "GET", "/api/v1/session", NULL, &res);
    assert_int_equal(res.status, 200);
    http_resp_release(&res);
    sess_send(&s, false, "DELETE", "/api/v1/session", NULL, &res);
    http_assert_error(&res, 403, "LRSD0403", "csrf");
    http_resp_release(&res);
    sess_send(&s, true, "DELETE", "/api/v1/session", NULL, &res);
    assert_int_equal(res.status, 204);
    assert_true(http_header(&res, "Set-Cookie", set, sizeof set));
    assert_non_null(strstr(set, "Max-Age=0"));
    http_resp_release(&res);
    /* A copy of the cookie is dead too, for the pages as for the API. */
    assert_dead(&s);
}

/* The sign-out button of the pages (a form POST with the CSRF field). */
static void test_signout__page_button_kills_a_copied_cookie(void **state)
{
    struct sess s, copy, other;
    const char *hdrs[2];
    struct http_resp res;
    char form[96], set[256];

    (void)state;
    json_decref(sign_in("limited", &s));
    json_decref(sign_in("limited", &other));
    copy = s;
    assert_live(&copy);
    hdrs[0] = s.cookie;
    hdrs[1] = NULL;
    /* Without the form's CSRF field the session stays. */
    http_request(&srv, "POST", "/sign-out", FORM, "csrf=AAAA", 9, hdrs, &res);
    assert_int_equal(res.status, 403);
    http_resp_release(&res);
    assert_live(&copy);
    snprintf(form, sizeof form, "csrf=%s", s.csrf + strlen("X-CSRF-Token: "));
    http_request(&srv, "POST", "/sign-out", FORM, form, strlen(form), hdrs,
                 &res);
    assert_int_equal(res.status, 200);
    assert_true(http_header(&res, "Set-Cookie", set, sizeof set));
    assert_non_null(strstr(set, "Max-Age=0"));
    http_resp_release(&res);
    assert_dead(&copy);
    /* Signing out again with the copy: sent to sign in, nothing else. */
    http_request(&srv, "POST", "/sign-out", FORM, form, strlen(form), hdrs,
                 &res);
    assert_int_equal(res.status, 303);
    http_resp_release(&res);
    /* Only that session ended: the user's other one goes on. */
    assert_live(&other);
}

/* POST /api/v1/users/{id}/`what` as the operator token: the answer. */
static json_t *manage(int64_t id, const char *what)
{
    const char *const hdrs[] = {srv.bearer, NULL};
    struct http_resp res;
    char path[96];
    json_t *j;

    snprintf(path, sizeof path, "/api/v1/users/%lld/%s", (long long)id, what);
    http_request(&srv, "POST", path, NULL, NULL, 0, hdrs, &res);
    if (res.status != 200)
        fail_msg("%s: %ld %s", path, res.status, res.body.data);
    j = http_json(&res);
    http_resp_release(&res);
    return j;
}

static void test_sessions__reset_and_disable_end_every_one(void **state)
{
    struct lrs_store *st = harness_store_open(&srv);
    char pw[LRS_AUTH_PASSWORD_NEW_SIZE];
    struct sess a, b, c;
    struct lrs_user u;
    json_t *j;

    (void)state;
    add_user(st, school_id, "twice", LRS_ROLE_SCHOOL_USER, NULL, false);
    assert_int_equal(lrs_store_user_get_by_login(st, "twice", &u), LRS_OK);
    lrs_store_free(st);
    /* Two sessions, say two browsers; the cookie of one copied. */
    json_decref(sign_in("twice", &a));
    json_decref(sign_in("twice", &b));
    assert_live(&a);
    assert_live(&b);

    /* A password reset by someone else ends both. */
    j = manage(u.id, "password");
    snprintf(pw, sizeof pw, "%s",
             json_string_value(json_object_get(j, "password")));
    json_decref(j);
    assert_dead(&a);
    assert_dead(&b);

    /* Signed in again with the new password; disabling ends that too,
     * and enabling does not bring it back. */
    json_decref(sign_in_with("twice", pw, &c));
    assert_live(&c);
    json_decref(manage(u.id, "disable"));
    assert_dead(&c);
    json_decref(manage(u.id, "enable"));
    assert_dead(&c);
    assert_dead(&a);
}

static void test_roles__isolation(void **state)
{
    struct http_resp res;
    char path[64], body[128];
    struct sess ao, school, learner;
    json_t *j;

    (void)state;
    snprintf(path, sizeof path, "/api/v1/learners/%s", uln_a);
    json_decref(sign_in("awarder", &ao));
    agree(&ao);
    /* An AO cannot amend learners. */
    sess_send(&ao, true, "PATCH", path, "{\"version\":1}", &res);
    http_assert_error(&res, 403, "LRSD0403", NULL);
    http_resp_release(&res);
    /* A school user cannot read the operator-only endpoint. */
    json_decref(sign_in("teacher", &school));
    agree(&school);
    sess_send(&school, false, "GET", path, NULL, &res);
    http_assert_error(&res, 403, "LRSD0403", NULL);
    http_resp_release(&res);
    /* A learner sees only their own record, and nothing else. */
    json_decref(sign_in("zoe", &learner));
    agree(&learner);
    sess_send(&learner, false, "GET", "/api/v1/me/learner", NULL, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    assert_string_equal(json_string_value(json_object_get(j, "uln")), uln_a);
    json_decref(j);
    http_resp_release(&res);
    sess_send(&learner, false, "GET", path, NULL, &res);
    http_assert_error(&res, 403, "LRSD0403", NULL);
    http_resp_release(&res);
    snprintf(body, sizeof body,
             "{\"uln\":\"%s\",\"given_name\":\"Zoe\",\"family_name\":\"Ng\"}",
             uln_a);
    sess_send(&learner, true, "POST", "/api/v1/learners/by-uln", body, &res);
    http_assert_error(&res, 403, "LRSD0403", NULL);
    http_resp_release(&res);
    sess_send(&learner, true, "POST", "/api/v1/tokens", "{\"label\":\"x\"}",
              &res);
    http_assert_error(&res, 403, "LRSD0403", NULL);
    http_resp_release(&res);
    /* Staff have no learner record of their own. */
    sess_send(&school, false, "GET", "/api/v1/me/learner", NULL, &res);
    http_assert_error(&res, 403, "LRSD0403", NULL);
    http_resp_release(&res);
}

static void test_signin__rate_limited_per_login(void **state)
{
    struct http_resp res;
    char after[16];
    int i;

    (void)state;
    /* lrsd runs with --signin-rate 5: the sixth attempt in a minute is
     * refused before any password is checked, even the right one. */
    for (i = 0; i < 5; i++) {
        sign_in_status("hammered", "wrong wrong wrong", &res);
        http_assert_error(&res, 401, "LRSD0401", NULL);
        http_resp_release(&res);
    }
    sign_in_status("hammered", PW, &res);
    http_assert_error(&res, 429, "LRSD0429", NULL);
    assert_true(http_header(&res, "Retry-After", after, sizeof after));
    http_resp_release(&res);
    /* Another login is not affected. */
    sign_in_status("head", PW, &res);
    assert_int_equal(res.status, 200);
    http_resp_release(&res);
}

static void test_password__reset_forces_a_change(void **state)
{
    struct lrs_store *st = harness_store_open(&srv);
    char hash[LRS_AUTH_HASH_SIZE];
    struct http_resp res;
    struct lrs_user u;
    struct sess s;

    (void)state;
    assert_int_equal(lrs_store_user_get_by_login(st, "head", &u), LRS_OK);
    assert_int_equal(
        lrs_auth_password_hash(LRS_STR(PW), LRS_AUTH_COST_MIN, hash), LRS_OK);
    assert_int_equal(
        lrs_store_user_set_password(st, u.id, hash, LRS_USER_MUST_CHANGE),
        LRS_OK);
    lrs_store_free(st);
    json_decref(sign_in("head", &s));
    sess_send(&s, true, "GET", "/api/v1/tokens", NULL, &res);
    http_assert_error(&res, 403, "LRSD0403", "password");
    http_resp_release(&res);
    sess_send(&s, true, "POST", "/api/v1/session/password",
              "{\"current_password\":\"" PW "\",\"new_password\":\"short\"}",
              &res);
    http_assert_error(&res, 400, "WSEC0001", "new_password");
    http_resp_release(&res);
    sess_send(&s, true, "POST", "/api/v1/session/password",
              "{\"current_password\":\"" PW "\","
              "\"new_password\":\"a brand new passphrase\"}",
              &res);
    assert_int_equal(res.status, 204);
    http_resp_release(&res);
    /* Every session ended with the change. */
    sess_send(&s, false, "GET", "/api/v1/session", NULL, &res);
    http_assert_error(&res, 401, "LRSD0401", NULL);
    http_resp_release(&res);
    sign_in_status("head", "a brand new passphrase", &res);
    assert_int_equal(res.status, 200);
    http_resp_release(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signin__ok_sets_cookie_and_csrf),
        cmocka_unit_test(test_signin__wrong_password_and_unknown_login_alike),
        cmocka_unit_test(test_agreement__gate_then_accept),
        cmocka_unit_test(test_csrf__cookie_write_needs_token),
        cmocka_unit_test(test_tokens__create_use_list_revoke),
        cmocka_unit_test(test_signout__revokes_the_session),
        cmocka_unit_test(test_signout__page_button_kills_a_copied_cookie),
        cmocka_unit_test(test_sessions__reset_and_disable_end_every_one),
        cmocka_unit_test(test_roles__isolation),
        cmocka_unit_test(test_signin__rate_limited_per_login),
        cmocka_unit_test(test_password__reset_forces_a_change),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
