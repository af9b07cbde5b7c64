/*
 * test_admin.c - organisations and users over HTTP (cmd/lrsd/h_admin.c,
 * docs/api.md): an operator lists and adds organisations, lists an
 * organisation's users, adds one with a role (the generated password is
 * answered once and signs in, with a change required), resets a password
 * (the old one stops working) and disables a user (who can no longer sign
 * in); every bad field is named and changes nothing; nobody but an
 * operator may do any of it, except a school's administrator for their
 * own school's users (and nobody else's: 404, as if they did not exist).
 * Renaming and role changes (within what suits the organisation), and a
 * disabled user's API token refused at once, then working again when the
 * user is enabled. Every account change (added, roles changed, disabled,
 * enabled, password reset and changed, API token issued and revoked) is
 * an audit row naming the actor and the user changed, read back with
 * GET /api/v1/users/{id}/audit by whoever may manage the user; lrsd's log
 * names neither by login.
 */
#include "harness.h"

#include <lrs/accounts.h>
#include <lrs/auth.h>
#include <lrs/lrs.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

static struct harness srv;
static char school_bearer[96];

static void op(const char *method, const char *path, const char *json,
               struct http_resp *res)
{
    const char *const hdrs[] = {srv.bearer, NULL};

    http_request(&srv, method, path, json ? "application/json" : NULL, json,
                 json ? strlen(json) : 0, hdrs, res);
}

static int setup(void **state)
{
    struct lrs_store *s;

    (void)state;
    harness_start(&srv, NULL);
    s = harness_store_open(&srv);
    harness_user_add(s, harness_org_add(s, LRS_ORG_SCHOOL, "Mill", 1000),
                     "clerk@mill", LRS_ROLE_SCHOOL_USER, school_bearer);
    lrs_store_free(s);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    assert_int_equal(harness_stop(&srv), 0);
    return 0;
}

/* POST /api/v1/session with `login` and `password`: the status. */
static long sign_in(const char *login, const char *password, bool *must)
{
    struct http_resp res;
    char body[256];
    long status;

    snprintf(body, sizeof body, "{\"login\": \"%s\", \"password\": \"%s\"}",
             login, password);
    http_post_json(&srv, "/api/v1/session", body, &res);
    status = res.status;
    if (status == 200 && must) {
        json_t *j = http_json(&res);

        *must = json_is_true(json_object_get(j, "must_change_password"));
        json_decref(j);
    }
    http_resp_release(&res);
    return status;
}

static void test_admin__organisations(void **state)
{
    struct http_resp res;
    json_t *j, *orgs;

    (void)state;
    op("POST", "/api/v1/organisations",
       "{\"type\": \"ao\", \"name\": \"Northern Board\", \"ukprn\": "
       "\"10077777\"}",
       &res);
    assert_int_equal(res.status, 201);
    j = http_json(&res);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "ao");
    assert_string_equal(json_string_value(json_object_get(j, "ukprn")),
                        "10077777");
    json_decref(j);
    http_resp_release(&res);

    /* A school by LA + establishment given as numbers. */
    op("POST", "/api/v1/organisations",
       "{\"type\": \"school\", \"name\": \"Brook\", \"la\": 802, "
       "\"estab\": 4001}",
       &res);
    assert_int_equal(res.status, 201);
    http_resp_release(&res);

    op("POST", "/api/v1/organisations",
       "{\"type\": \"school\", \"name\": \"Brook\", \"la\": \"802\"}", &res);
    http_assert_error(&res, 400, "WSEC0001", "estab");
    http_resp_release(&res);
    op("POST", "/api/v1/organisations", "{\"type\": \"ao\", \"name\": \"X\"}",
       &res);
    http_assert_error(&res, 400, "WSEC0001", "ukprn");
    http_resp_release(&res);
    op("POST", "/api/v1/organisations", "{\"name\": \"X\"}", &res);
    http_assert_error(&res, 400, "WSEC0001", "type");
    http_resp_release(&res);
    op("POST", "/api/v1/organisations",
       "{\"type\": \"ao\", \"name\": \"Again\", \"ukprn\": \"10077777\"}",
       &res);
    http_assert_error(&res, 409, "LRSD0409", "ukprn");
    http_resp_release(&res);

    op("GET", "/api/v1/organisations", NULL, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    orgs = json_object_get(j, "organisations");
    /* The LRS, Mill, Northern Board and Brook; nothing of the refusals. */
    assert_int_equal(json_array_size(orgs), 4);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(orgs, 3), "name")),
        "Brook");
    json_decref(j);
    http_resp_release(&res);
}

static void test_admin__users(void **state)
{
    const char *pw, *pw2;
    struct http_resp res, res2;
    char path[96], first[64], second[64];
    json_int_t id;
    bool must = false;
    json_t *j, *j2, *users;

    (void)state;
    op("POST", "/api/v1/users",
       "{\"org_id\": 1, \"login\": \"head@mill\", \"display_name\": \"Ms "
       "Head\", \"roles\": [\"school\", \"admin\"]}",
       &res);
    assert_int_equal(res.status, 201);
    j = http_json(&res);
    pw = json_string_value(json_object_get(j, "password"));
    assert_non_null(pw);
    assert_int_equal(strlen(pw), 20);
    snprintf(first, sizeof first, "%s", pw);
    id = json_integer_value(json_object_get(json_object_get(j, "user"), "id"));
    assert_true(json_is_true(
        json_object_get(json_object_get(j, "user"), "must_change_password")));
    json_decref(j);
    http_resp_release(&res);
    assert_int_equal(sign_in("head@mill", first, &must), 200);
    assert_true(must);

    /* A role that does not suit a school; an unknown organisation; a
     * login in use; no roles. */
    op("POST", "/api/v1/users",
       "{\"org_id\": 1, \"login\": \"x@mill\", \"roles\": [\"operator\"]}",
       &res);
    http_assert_error(&res, 400, "WSEC0001", "roles");
    http_resp_release(&res);
    op("POST", "/api/v1/users",
       "{\"org_id\": 99, \"login\": \"x@mill\", \"roles\": [\"school\"]}",
       &res);
    http_assert_error(&res, 404, "LRSD0404", "org_id");
    http_resp_release(&res);
    op("POST", "/api/v1/users",
       "{\"org_id\": 1, \"login\": \"head@mill\", \"roles\": [\"school\"]}",
       &res);
    http_assert_error(&res, 409, "LRSD0409", "login");
    http_resp_release(&res);
    op("POST", "/api/v1/users",
       "{\"org_id\": 1, \"login\": \"x@mill\", \"roles\": []}", &res);
    http_assert_error(&res, 400, "WSEC0001", "roles");
    http_resp_release(&res);

    op("GET", "/api/v1/organisations/1/users", NULL, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    users = json_object_get(j, "users");
    assert_int_equal(json_array_size(users), 2); /* clerk@mill, head@mill */
    assert_null(strstr(res.body.data, "argon2"));
    assert_null(strstr(res.body.data, first));
    json_decref(j);
    http_resp_release(&res);
    op("GET", "/api/v1/organisations/77/users", NULL, &res);
    http_assert_error(&res, 404, "LRSD0404", "organisation");
    http_resp_release(&res);

    /* Reset: a new password, the old one refused. */
    snprintf(path, sizeof path, "/api/v1/users/%lld/password", (long long)id);
    op("POST", path, NULL, &res2);
    assert_int_equal(res2.status, 200);
    j2 = http_json(&res2);
    pw2 = json_string_value(json_object_get(j2, "password"));
    assert_non_null(pw2);
    snprintf(second, sizeof second, "%s", pw2);
    assert_string_not_equal(first, second);
    json_decref(j2);
    http_resp_release(&res2);
    assert_int_equal(sign_in("head@mill", first, NULL), 401);
    assert_int_equal(sign_in("head@mill", second, NULL), 200);
    op("POST", "/api/v1/users/999/password", NULL, &res);
    http_assert_error(&res, 404, "LRSD0404", "user");
    http_resp_release(&res);

    /* Disable: no more sign-in. */
    snprintf(path, sizeof path, "/api/v1/users/%lld/disable", (long long)id);
    op("POST", path, NULL, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    assert_true(
        json_is_true(json_object_get(json_object_get(j, "user"), "disabled")));
    json_decref(j);
    http_resp_release(&res);
    assert_int_equal(sign_in("head@mill", second, NULL), 401);
}

static void test_admin__operators_only(void **state)
{
    static const char *const paths[][2] = {
        {"GET", "/api/v1/organisations"},
        {"POST", "/api/v1/organisations"},
        {"GET", "/api/v1/organisations/1/users"},
        {"POST", "/api/v1/users"},
        {"POST", "/api/v1/users/1/password"},
        {"POST", "/api/v1/users/1/disable"},
        {"POST", "/api/v1/users/1/enable"},
        {"PATCH", "/api/v1/users/1"},
    };
    const char *const hdrs[] = {school_bearer, NULL};
    struct http_resp res;
    bool must;

    (void)state;
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        http_request(&srv, paths[i][0], paths[i][1],
                     paths[i][0][0] == 'P' ? "application/json" : NULL,
                     paths[i][0][0] == 'P' ? "{}" : NULL,
                     paths[i][0][0] == 'P' ? 2 : 0, hdrs, &res);
        http_assert_error(&res, 403, "LRSD0403", NULL);
        http_resp_release(&res);
        /* Without credentials: 401. */
        http_request(&srv, paths[i][0], paths[i][1],
                     paths[i][0][0] == 'P' ? "application/json" : NULL,
                     paths[i][0][0] == 'P' ? "{}" : NULL,
                     paths[i][0][0] == 'P' ? 2 : 0, NULL, &res);
        http_assert_error(&res, 401, "LRSD0401", NULL);
        http_resp_release(&res);
    }
    /* The school user was not disabled by any of it. */
    assert_int_equal(sign_in("clerk@mill", "not used here, 12345", &must), 200);
}

/* `method` `path` with `json` as the holder of `bearer`: the status. */
static long as(const char *bearer, const char *method, const char *path,
               const char *json)
{
    const char *const hdrs[] = {bearer, NULL};
    struct http_resp res;
    long status;

    http_request(&srv, method, path, json ? "application/json" : NULL, json,
                 json ? strlen(json) : 0, hdrs, &res);
    status = res.status;
    http_resp_release(&res);
    return status;
}

static int64_t user_id(const char *login)
{
    struct lrs_store *s = harness_store_open(&srv);
    struct lrs_user u;

    assert_int_equal(lrs_store_user_get_by_login(s, login, &u), LRS_OK);
    lrs_store_free(s);
    return u.id;
}

static void test_admin__change_enable_and_school_admins(void **state)
{
    char boss[HARNESS_BEARER_SIZE], other[HARNESS_BEARER_SIZE],
        ao[HARNESS_BEARER_SIZE], path[96];
    struct lrs_store *s = harness_store_open(&srv);
    int64_t hill, clerk, other_id, boss_id;
    struct http_resp res;
    json_t *j, *u;

    (void)state;
    hill = harness_org_add(s, LRS_ORG_SCHOOL, "Hill", 1001);
    harness_user_add(s, 1, "boss@mill", LRS_ROLE_SCHOOL_ADMIN, boss);
    harness_user_add(s, hill, "clerk@hill", LRS_ROLE_SCHOOL_USER, other);
    harness_user_add(s, harness_org_add_ao(s, "Board", "10000001"), "ao@board",
                     LRS_ROLE_AO_USER, ao);
    lrs_store_free(s);
    clerk = user_id("clerk@mill");
    other_id = user_id("clerk@hill");
    boss_id = user_id("boss@mill");

    /* An operator renames and promotes; a role unfit for a school and
     * an empty change are refused naming the field. */
    snprintf(path, sizeof path, "/api/v1/users/%lld", (long long)clerk);
    op("PATCH", path,
       "{\"display_name\": \"Mr Clerk\", \"roles\": [\"school\", \"admin\"]}",
       &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    u = json_object_get(j, "user");
    assert_string_equal(json_string_value(json_object_get(u, "display_name")),
                        "Mr Clerk");
    assert_int_equal(json_array_size(json_object_get(u, "roles")), 2);
    json_decref(j);
    http_resp_release(&res);
    op("PATCH", path, "{\"roles\": [\"ao\"]}", &res);
    http_assert_error(&res, 400, "WSEC0001", "roles");
    http_resp_release(&res);
    op("PATCH", path, "{}", &res);
    http_assert_error(&res, 400, "WSEC0001", "display_name");
    http_resp_release(&res);
    op("PATCH", "/api/v1/users/999", "{\"display_name\": \"X\"}", &res);
    http_assert_error(&res, 404, "LRSD0404", "user");
    http_resp_release(&res);

    /* A disabled user's token stops at once, and works again after. */
    assert_int_equal(as(other, "GET", "/api/v1/tokens", NULL), 200);
    snprintf(path, sizeof path, "/api/v1/users/%lld/disable",
             (long long)other_id);
    op("POST", path, NULL, &res);
    assert_int_equal(res.status, 200);
    http_resp_release(&res);
    assert_int_equal(as(other, "GET", "/api/v1/tokens", NULL), 401);
    snprintf(path, sizeof path, "/api/v1/users/%lld/enable",
             (long long)other_id);
    op("POST", path, NULL, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    assert_true(
        json_is_false(json_object_get(json_object_get(j, "user"), "disabled")));
    json_decref(j);
    http_resp_release(&res);
    assert_int_equal(as(other, "GET", "/api/v1/tokens", NULL), 200);

    /* A school administrator: their own school's users only. */
    assert_int_equal(as(boss, "GET", "/api/v1/organisations/1/users", NULL),
                     200);
    snprintf(path, sizeof path, "/api/v1/organisations/%lld/users",
             (long long)hill);
    assert_int_equal(as(boss, "GET", path, NULL), 404);
    assert_int_equal(as(boss, "GET", "/api/v1/organisations", NULL), 403);
    assert_int_equal(as(boss, "POST", "/api/v1/users",
                        "{\"org_id\": 1, \"login\": \"new@mill\", "
                        "\"roles\": [\"school\"]}"),
                     201);
    snprintf(path, sizeof path,
             "{\"org_id\": %lld, \"login\": \"new@hill\", "
             "\"roles\": [\"school\"]}",
             (long long)hill);
    assert_int_equal(as(boss, "POST", "/api/v1/users", path), 404);
    snprintf(path, sizeof path, "/api/v1/users/%lld/password",
             (long long)clerk);
    assert_int_equal(as(boss, "POST", path, NULL), 200);
    snprintf(path, sizeof path, "/api/v1/users/%lld/password",
             (long long)other_id);
    assert_int_equal(as(boss, "POST", path, NULL), 404);
    snprintf(path, sizeof path, "/api/v1/users/%lld/disable",
             (long long)other_id);
    assert_int_equal(as(boss, "POST", path, NULL), 404);
    snprintf(path, sizeof path, "/api/v1/users/%lld", (long long)other_id);
    assert_int_equal(as(boss, "PATCH", path, "{\"display_name\": \"X\"}"), 404);
    snprintf(path, sizeof path, "/api/v1/users/%lld/disable",
             (long long)boss_id);
    assert_int_equal(as(boss, "POST", path, NULL), 400);
    /* The other school's user is untouched. */
    assert_int_equal(as(other, "GET", "/api/v1/tokens", NULL), 200);
    /* An AO user manages nobody. */
    assert_int_equal(as(ao, "GET", "/api/v1/organisations/1/users", NULL), 403);
    assert_int_equal(as(ao, "POST", path, NULL), 403);
}

/* A session of `login` signed in with `pw`: "Cookie: ..." and
 * "X-CSRF-Token: ..." header lines. */
struct sess {
    char cookie[LRS_AUTH_SESSION_SIZE + 32];
    char csrf[LRS_AUTH_CSRF_SIZE + 32];
};

static void session_of(const char *login, const char *pw, struct sess *s)
{
    struct http_resp res;
    char body[256], set[256];
    json_t *j;

    snprintf(body, sizeof body, "{\"login\": \"%s\", \"password\": \"%s\"}",
             login, pw);
    http_post_json(&srv, "/api/v1/session", body, &res);
    assert_int_equal(res.status, 200);
    assert_true(http_header(&res, "Set-Cookie", set, sizeof set));
    snprintf(s->cookie, sizeof s->cookie, "Cookie: %.*s",
             (int)strcspn(set, ";"), set);
    j = http_json(&res);
    snprintf(s->csrf, sizeof s->csrf, "X-CSRF-Token: %s",
             json_string_value(json_object_get(j, "csrf_token")));
    json_decref(j);
    http_resp_release(&res);
}

/* `method` `path` with `json` in session `s`: the status; the body's
 * JSON into *out when `out` is not NULL (owned). */
static long in_session(const struct sess *s, const char *method,
                       const char *path, const char *json, json_t **out)
{
    const char *const hdrs[] = {s->cookie, s->csrf, NULL};
    struct http_resp res;
    long status;

    http_request(&srv, method, path, json ? "application/json" : NULL, json,
                 json ? strlen(json) : 0, hdrs, &res);
    status = res.status;
    if (out)
        *out = http_json(&res);
    http_resp_release(&res);
    return status;
}

static void test_admin__account_trail(void **state)
{
    static const char add[] =
        "{\"org_id\": 1, \"login\": \"trail@mill\", \"roles\": [\"school\"]}";
    static const char *const want[] = {
        "user_add",      "user_change",   "user_disable", "user_enable",
        "user_password", "user_password", "token_add",    "token_revoke",
    };
    char op[HARNESS_BEARER_SIZE], head[HARNESS_BEARER_SIZE],
        other[HARNESS_BEARER_SIZE], ao[HARNESS_BEARER_SIZE];
    const char *const op_hdrs[] = {op, NULL};
    struct lrs_store *s = harness_store_open(&srv);
    char path[96], body[256], pw[64];
    int64_t op_id, id, token;
    struct http_resp res;
    json_t *j, *rows;
    struct sess me;

    (void)state;
    harness_user_add(s, 0, "trail-op", LRS_ROLE_OPERATOR, op);
    harness_user_add(s, 1, "trail-head", LRS_ROLE_SCHOOL_ADMIN, head);
    harness_user_add(s, harness_org_add(s, LRS_ORG_SCHOOL, "Dale", 1002),
                     "dale-head", LRS_ROLE_SCHOOL_ADMIN, other);
    harness_user_add(s, harness_org_add_ao(s, "Trail Board", "10000002"),
                     "trail-ao", LRS_ROLE_AO_USER, ao);
    lrs_store_free(s);
    op_id = user_id("trail-op");

    /* An operator user adds, changes, disables, enables and resets. */
    http_request(&srv, "POST", "/api/v1/users", "application/json", add,
                 strlen(add), op_hdrs, &res);
    assert_int_equal(res.status, 201);
    j = http_json(&res);
    id = json_integer_value(json_object_get(json_object_get(j, "user"), "id"));
    json_decref(j);
    http_resp_release(&res);
    snprintf(path, sizeof path, "/api/v1/users/%lld", (long long)id);
    assert_int_equal(
        as(op, "PATCH", path, "{\"roles\": [\"school\", \"admin\"]}"), 200);
    snprintf(path, sizeof path, "/api/v1/users/%lld/disable", (long long)id);
    assert_int_equal(as(op, "POST", path, NULL), 200);
    snprintf(path, sizeof path, "/api/v1/users/%lld/enable", (long long)id);
    assert_int_equal(as(op, "POST", path, NULL), 200);
    snprintf(path, sizeof path, "/api/v1/users/%lld/password", (long long)id);
    http_request(&srv, "POST", path, NULL, NULL, 0, op_hdrs, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    snprintf(pw, sizeof pw, "%s",
             json_string_value(json_object_get(j, "password")));
    json_decref(j);
    http_resp_release(&res);

    /* The user changes their password, then issues and revokes a token. */
    session_of("trail@mill", pw, &me);
    snprintf(body, sizeof body,
             "{\"current_password\": \"%s\", \"new_password\": "
             "\"the trail user's own\"}",
             pw);
    assert_int_equal(
        in_session(&me, "POST", "/api/v1/session/password", body, NULL), 204);
    session_of("trail@mill", "the trail user's own", &me);
    assert_int_equal(
        in_session(&me, "POST", "/api/v1/agreement", "{\"version\": 1}", NULL),
        200);
    assert_int_equal(
        in_session(&me, "POST", "/api/v1/tokens", "{\"label\": \"MIS\"}", &j),
        201);
    token = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/tokens/%lld", (long long)token);
    assert_int_equal(in_session(&me, "DELETE", path, NULL, NULL), 204);

    /* Each change is one row, in order, naming the actor and the user. */
    snprintf(path, sizeof path, "/api/v1/users/%lld/audit", (long long)id);
    http_request(&srv, "GET", path, NULL, NULL, 0, op_hdrs, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    assert_int_equal(json_integer_value(json_object_get(j, "user_id")), id);
    rows = json_object_get(j, "entries");
    assert_int_equal(json_array_size(rows), sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        json_t *e = json_array_get(rows, i);

        assert_string_equal(json_string_value(json_object_get(e, "action")),
                            want[i]);
        assert_int_equal(json_integer_value(json_object_get(e, "user_id")),
                         i < 5 ? op_id : id);
        assert_int_equal(json_integer_value(json_object_get(e, "org_id")),
                         i < 5 ? 0 : 1);
        assert_int_equal(
            json_integer_value(json_object_get(e, "subject_user_id")), id);
        assert_string_equal(json_string_value(json_object_get(e, "source")),
                            "http");
        assert_string_equal(json_string_value(json_object_get(e, "addr")),
                            "127.0.0.1");
    }
    /* Ids only: no login, name or password anywhere in it. */
    assert_null(strstr(res.body.data, "trail@mill"));
    assert_null(strstr(res.body.data, pw));
    json_decref(j);
    http_resp_release(&res);
    /* Nor in lrsd's log. */
    assert_false(harness_log_has(&srv, "trail@mill"));
    assert_false(harness_log_has(&srv, pw));

    /* Who may read it: the school's administrator, not another school's
     * (404, as if there were no such user), not an AO (403). */
    assert_int_equal(as(head, "GET", path, NULL), 200);
    assert_int_equal(as(other, "GET", path, NULL), 404);
    assert_int_equal(as(ao, "GET", path, NULL), 403);
    assert_int_equal(as(op, "GET", "/api/v1/users/99999/audit", NULL), 404);
    http_request(&srv, "GET", "/api/v1/users/x/audit", NULL, NULL, 0, op_hdrs,
                 &res);
    http_assert_error(&res, 400, "WSEC0001", "user");
    http_resp_release(&res);
    http_request(&srv, "GET", "/api/v1/users/0/audit", NULL, NULL, 0, op_hdrs,
                 &res);
    http_assert_error(&res, 400, "WSEC0001", "user");
    http_resp_release(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_admin__organisations),
        cmocka_unit_test(test_admin__users),
        cmocka_unit_test(test_admin__operators_only),
        cmocka_unit_test(test_admin__change_enable_and_school_admins),
        cmocka_unit_test(test_admin__account_trail),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
