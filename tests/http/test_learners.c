/*
 * test_learners.c - the learner endpoints against a real lrsd: sign-in
 * required, roles, read by ULN, learnerByULN (names verified, unknown and
 * mismatched alike), amend with version numbers (409 when stale), bad
 * input changes nothing, and every access is audited.
 *
 * Learners are put in the store directly through lrs/service.h (as
 * `lrs import` would) while lrsd runs: SQLite in WAL mode serves both.
 */
#include "harness.h"

#include <lrs/lrs.h>
#include <lrs/service.h>
#include <lrs/store.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static struct harness srv;
static char uln_a[LRS_ULN_SIZE], uln_b[LRS_ULN_SIZE];
/* A school user and an awarding-organisation user (API tokens). */
static char school[96], ao[96];

/* Register a learner in the store `db` (as `lrs register` would). */
static void add_learner_to(const char *db, const char *given,
                           const char *family, const char *dob,
                           char out[LRS_ULN_SIZE])
{
    const struct lrs_actor actor = LRS_ACTOR_CLI;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;
    struct lrs_learner l;

    assert_int_equal(lrs_store_open(db, 0, &s, &d), LRS_OK);
    lrs_learner_init(&l);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_GIVEN_NAME, lrs_str_c(given), &d),
        LRS_OK);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_FAMILY_NAME, lrs_str_c(family), &d),
        LRS_OK);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_DATE_OF_BIRTH, lrs_str_c(dob), &d),
        LRS_OK);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_GENDER, LRS_STR("2"), &d), LRS_OK);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_POSTCODE, LRS_STR("SW1A 1AA"), &d),
        LRS_OK);
    if (lrs_service_learner_register(s, &actor, &l, &d) != LRS_OK)
        fail_msg("register: %s: %s", d.field ? d.field : "-", d.msg);
    memcpy(out, l.uln, LRS_ULN_SIZE);
    lrs_store_free(s);
}

static void add_learner(const char *given, const char *family, const char *dob,
                        char out[LRS_ULN_SIZE])
{
    add_learner_to(srv.db, given, family, dob, out);
}

static enum lrs_err count_row(const struct lrs_audit *a, void *ctx)
{
    (void)a;
    ++*(int *)ctx;
    return LRS_OK;
}

static int audit_rows(const char *uln)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;
    int n = 0;

    assert_int_equal(lrs_store_open(srv.db, 0, &s, &d), LRS_OK);
    assert_int_equal(lrs_store_audit_scan(s, uln, count_row, &n), LRS_OK);
    lrs_store_free(s);
    return n;
}

static int setup(void **state)
{
    /* The tests' requests come from 127.0.0.1, which plays the proxy. */
    const char *const extra[] = {"--trusted-proxy", "127.0.0.1", "--threads",
                                 "8", NULL};
    struct lrs_store *s;

    (void)state;
    harness_start(&srv, extra);
    add_learner("Zo\xc3\xab", "O'Brien", "2008-03-14", uln_a);
    add_learner("Amir", "Khan", "2009-11-02", uln_b);
    s = harness_store_open(&srv);
    harness_user_add(s, harness_org_add(s, LRS_ORG_SCHOOL, "Mill Lane", 2000),
                     "teacher", LRS_ROLE_SCHOOL_USER, school);
    harness_user_add(s, harness_org_add(s, LRS_ORG_AO, "Example Awards", 1),
                     "awarder", LRS_ROLE_AO_USER, ao);
    lrs_store_free(s);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return harness_stop(&srv) == 0 ? 0 : -1;
}

/* GET `path` as the operator. */
static void op_get(const char *path, struct http_resp *res)
{
    const char *const hdrs[] = {srv.bearer, NULL};

    http_request(&srv, "GET", path, NULL, NULL, 0, hdrs, res);
}

static void op_send(const char *method, const char *path, const char *json,
                    struct http_resp *res)
{
    const char *const hdrs[] = {srv.bearer, NULL};

    http_request(&srv, method, path, "application/json", json, strlen(json),
                 hdrs, res);
}

static void test_auth__none_is_401(void **state)
{
    struct http_resp res;
    char path[64], www[64];

    (void)state;
    snprintf(path, sizeof path, "/api/v1/learners/%s", uln_a);
    http_get(&srv, path, &res);
    http_assert_error(&res, 401, "LRSD0401", NULL);
    assert_true(http_header(&res, "WWW-Authenticate", www, sizeof www));
    http_resp_release(&res);
}

static void test_auth__bad_token_and_forged_cookie_are_401(void **state)
{
    const char *const bad[] = {
        "Authorization: Bearer "
        "lrst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        NULL};
    const char *const junk[] = {"Authorization: Bearer nonsense", NULL};
    const char *const basic[] = {"Authorization: Basic dXNlcjpwdw==", NULL};
    const char *const cookie[] = {"Cookie: lrs_session=v1.forged", NULL};
    const char *const *cases[] = {bad, junk, basic, cookie};
    struct http_resp res;
    char path[64];

    (void)state;
    snprintf(path, sizeof path, "/api/v1/learners/%s", uln_a);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http_request(&srv, "GET", path, NULL, NULL, 0, cases[i], &res);
        http_assert_error(&res, 401, "LRSD0401", NULL);
        http_resp_release(&res);
    }
}

static void test_get__operator_reads_and_is_audited(void **state)
{
    struct http_resp res;
    char path[64];
    const int before = audit_rows(uln_a);
    json_t *j;

    (void)state;
    snprintf(path, sizeof path, "/api/v1/learners/%s", uln_a);
    op_get(path, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    assert_string_equal(json_string_value(json_object_get(j, "uln")), uln_a);
    assert_string_equal(json_string_value(json_object_get(j, "family_name")),
                        "O'Brien");
    assert_string_equal(json_string_value(json_object_get(j, "date_of_birth")),
                        "2008-03-14");
    assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
    assert_string_equal(json_string_value(json_object_get(j, "status")),
                        "active");
    json_decref(j);
    http_resp_release(&res);
    assert_int_equal(audit_rows(uln_a), before + 1);
}

static void test_get__bad_and_unknown_uln(void **state)
{
    struct http_resp res;

    (void)state;
    op_get("/api/v1/learners/1748529631", &res);
    http_assert_error(&res, 400, "WSEC0136", "uln");
    http_resp_release(&res);
    op_get("/api/v1/learners/1000000043", &res);
    if (strcmp(uln_a, "1000000043") && strcmp(uln_b, "1000000043"))
        http_assert_error(&res, 404, "LRSD0404", NULL);
    http_resp_release(&res);
}

static void test_by_uln__names_verified(void **state)
{
    struct http_resp res;
    char body[256];
    json_t *j;

    (void)state;
    /* Names match once normalised: case, accents, apostrophes. */
    snprintf(body, sizeof body,
             "{\"uln\":\"%s\",\"given_name\":\"ZOE\","
             "\"family_name\":\"obrien\"}",
             uln_a);
    op_send("POST", "/api/v1/learners/by-uln", body, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    assert_string_equal(json_string_value(json_object_get(j, "uln")), uln_a);
    json_decref(j);
    http_resp_release(&res);

    /* A wrong name and an unknown ULN get the same answer. */
    snprintf(body, sizeof body,
             "{\"uln\":\"%s\",\"given_name\":\"Amir\","
             "\"family_name\":\"O'Brien\"}",
             uln_a);
    op_send("POST", "/api/v1/learners/by-uln", body, &res);
    http_assert_error(&res, 404, "WSEC0208", NULL);
    http_resp_release(&res);
    op_send("POST", "/api/v1/learners/by-uln",
            "{\"uln\":\"4444599390\",\"given_name\":\"A\","
            "\"family_name\":\"B\"}",
            &res);
    if (strcmp(uln_a, "4444599390") && strcmp(uln_b, "4444599390"))
        http_assert_error(&res, 404, "WSEC0208", NULL);
    http_resp_release(&res);

    op_send("POST", "/api/v1/learners/by-uln",
            "{\"uln\":\"123\",\"given_name\":\"A\",\"family_name\":\"B\"}",
            &res);
    http_assert_error(&res, 400, "WSEC0136", "uln");
    http_resp_release(&res);
    op_send("POST", "/api/v1/learners/by-uln", "{\"uln\":\"4444599390\"}",
            &res);
    http_assert_error(&res, 400, "WSEC0001", "given_name");
    http_resp_release(&res);
}

static json_t *get_learner(const char *uln)
{
    struct http_resp res;
    char path[64];
    json_t *j;

    snprintf(path, sizeof path, "/api/v1/learners/%s", uln);
    op_get(path, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    http_resp_release(&res);
    return j;
}

static void
test_amend__version_checked_and_bad_input_changes_nothing(void **state)
{
    struct http_resp res;
    char path[64];
    json_t *j;

    (void)state;
    snprintf(path, sizeof path, "/api/v1/learners/%s", uln_b);
    op_send("PATCH", path,
            "{\"version\":1,\"reason\":\"deed poll\","
            "\"family_name\":\"Khan-Smith\"}",
            &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
    assert_string_equal(json_string_value(json_object_get(j, "family_name")),
                        "Khan-Smith");
    json_decref(j);
    http_resp_release(&res);

    /* The same version again is stale. */
    op_send("PATCH", path,
            "{\"version\":1,\"reason\":\"deed poll\","
            "\"family_name\":\"Other\"}",
            &res);
    http_assert_error(&res, 409, "LRSD0409", NULL);
    http_resp_release(&res);

    /* Bad input: named, and nothing changes. */
    op_send("PATCH", path,
            "{\"version\":2,\"given_name\":\"Amir\","
            "\"date_of_birth\":\"2009-02-30\"}",
            &res);
    http_assert_error(&res, 400, "WSEC0001", "date_of_birth");
    http_resp_release(&res);
    op_send("PATCH", path, "{\"version\":2,\"shoe_size\":\"9\"}", &res);
    http_assert_error(&res, 400, "WSEC0001", NULL);
    http_resp_release(&res);
    op_send("PATCH", path, "{\"family_name\":\"X\"}", &res);
    http_assert_error(&res, 400, "WSEC0001", "version");
    http_resp_release(&res);
    op_send("PATCH", path, "{\"version\":2,\"uln\":\"1000000043\"}", &res);
    http_assert_error(&res, 400, "WSEC0001", "uln");
    http_resp_release(&res);

    j = get_learner(uln_b);
    assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
    assert_string_equal(json_string_value(json_object_get(j, "family_name")),
                        "Khan-Smith");
    json_decref(j);
}

/* Search as the operator for Zoë born 2008-03-14 with `family`. */
static json_t *search_zoe(const char *family)
{
    struct http_resp res;
    char body[256];
    json_t *j;

    snprintf(body, sizeof body,
             "{\"given_name\":\"Zo\xc3\xab\",\"family_name\":\"%s\","
             "\"date_of_birth\":\"2008-03-14\",\"gender\":2,"
             "\"postcode\":\"SW1A 1AA\"}",
             family);
    op_send("POST", "/api/v1/learners/search", body, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    http_resp_release(&res);
    return j;
}

/* The explanation of the first learner a search answered, in words. */
static const char *explained(json_t *j)
{
    json_t *l = json_object_get(j, "learner");
    const char *text;

    if (!l)
        l = json_array_get(json_object_get(j, "candidates"), 0);
    text = json_string_value(
        json_object_get(json_object_get(l, "explanation"), "text"));
    return text ? text : "";
}

static void test_amend__name_change_rekeys_the_search_index(void **state)
{
    struct http_resp res;
    char path[64];
    json_t *j;

    (void)state;
    /* The index is loaded by this search, before the amendment. */
    j = search_zoe("O'Brien");
    assert_string_equal(json_string_value(json_object_get(j, "code")),
                        "WSRC0004");
    json_decref(j);
    j = search_zoe("Fairweather");
    assert_null(strstr(explained(j), "family name the same"));
    json_decref(j);

    snprintf(path, sizeof path, "/api/v1/learners/%s", uln_a);
    /* A change of name needs a reason. */
    op_send("PATCH", path, "{\"version\":1,\"family_name\":\"Fairweather\"}",
            &res);
    http_assert_error(&res, 400, "WSEC0001", "reason");
    http_resp_release(&res);
    op_send("PATCH", path,
            "{\"version\":1,\"reason\":\"marriage\","
            "\"family_name\":\"Fairweather\"}",
            &res);
    assert_int_equal(res.status, 200);
    http_resp_release(&res);

    /* Found by the new name, compared the same. */
    j = search_zoe("Fairweather");
    assert_string_equal(json_string_value(json_object_get(j, "code")),
                        "WSRC0004");
    assert_non_null(strstr(explained(j), "family name the same"));
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(j, "learner"), "uln")),
                        uln_a);
    json_decref(j);
}

/* GET `path` from `h` as its operator with extra header `xff` (or none). */
static void get_from(const struct harness *h, const char *path, const char *xff,
                     struct http_resp *res)
{
    const char *const hdrs[] = {h->bearer, xff, NULL};

    http_request(h, "GET", path, NULL, NULL, 0, hdrs, res);
}

/* The last entry of `uln`'s audit trail through the API of `h`. */
static json_t *last_audit_entry(const struct harness *h, const char *uln)
{
    struct http_resp res;
    char path[80];
    json_t *j, *entries, *last;

    snprintf(path, sizeof path, "/api/v1/learners/%s/audit", uln);
    get_from(h, path, NULL, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    http_resp_release(&res);
    assert_string_equal(json_string_value(json_object_get(j, "uln")), uln);
    entries = json_object_get(j, "entries");
    assert_true(json_array_size(entries) > 0);
    last = json_array_get(entries, json_array_size(entries) - 1);
    json_incref(last);
    json_decref(j);
    return last;
}

/* Read uln_a from `h` with `xff`, then check the address its row got. */
static void read_and_expect(const struct harness *h, const char *uln,
                            const char *xff, const char *addr)
{
    struct http_resp res;
    char path[64];
    json_t *e;

    snprintf(path, sizeof path, "/api/v1/learners/%s", uln);
    get_from(h, path, xff, &res);
    assert_int_equal(res.status, 200);
    http_resp_release(&res);
    e = last_audit_entry(h, uln);
    assert_string_equal(json_string_value(json_object_get(e, "action")),
                        "read");
    assert_string_equal(json_string_value(json_object_get(e, "source")),
                        "http");
    assert_int_equal(json_integer_value(json_object_get(e, "user_id")), 0);
    assert_true(json_integer_value(json_object_get(e, "at_ms")) > 0);
    assert_string_equal(json_string_value(json_object_get(e, "addr")), addr);
    json_decref(e);
}

/* Every audit row names the source address: the connection's, or the last
 * X-Forwarded-For entry when the connection is the trusted proxy. */
static void test_audit__rows_name_the_source_address(void **state)
{
    (void)state;
    read_and_expect(&srv, uln_a, NULL, "127.0.0.1");
    read_and_expect(&srv, uln_a, "X-Forwarded-For: 203.0.113.9", "203.0.113.9");
    /* The proxy appends: earlier entries are the client's own claim. */
    read_and_expect(&srv, uln_a,
                    "X-Forwarded-For: 198.51.100.1, 2001:DB8:0::5 ",
                    "2001:db8::5");
    read_and_expect(&srv, uln_a, "X-Forwarded-For: not-an-address",
                    "127.0.0.1");
}

/* Without --trusted-proxy, X-Forwarded-For is not believed. */
static void
test_audit__forwarded_for_ignored_without_trusted_proxy(void **state)
{
    struct harness other;
    char uln[LRS_ULN_SIZE];

    (void)state;
    harness_start(&other, NULL);
    add_learner_to(other.db, "Ivy", "Moss", "2010-01-05", uln);
    read_and_expect(&other, uln, "X-Forwarded-For: 203.0.113.9", "127.0.0.1");
    assert_int_equal(harness_stop(&other), 0);
}

/* Only operators read the audit trail; bad and unknown ULNs are refused. */
static void test_audit__operators_only(void **state)
{
    const char *const *who[] = {(const char *const[]){school, NULL},
                                (const char *const[]){ao, NULL}};
    struct http_resp res;
    char path[80];

    (void)state;
    snprintf(path, sizeof path, "/api/v1/learners/%s/audit", uln_a);
    for (size_t i = 0; i < 2; i++) {
        http_request(&srv, "GET", path, NULL, NULL, 0, who[i], &res);
        http_assert_error(&res, 403, "LRSD0403", NULL);
        http_resp_release(&res);
    }
    op_get("/api/v1/learners/1748529631/audit", &res);
    http_assert_error(&res, 400, "WSEC0136", "uln");
    http_resp_release(&res);
}

/* POST `json` to `path` with `hdrs`. */
static void post_as(const char *const *hdrs, const char *path, const char *json,
                    struct http_resp *res)
{
    http_request(&srv, "POST", path, "application/json", json, strlen(json),
                 hdrs, res);
}

/* The link history of `uln` through the API. */
static json_t *links_of(const char *uln)
{
    struct http_resp res;
    char path[80];
    json_t *j, *links;

    snprintf(path, sizeof path, "/api/v1/learners/%s/links", uln);
    op_get(path, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    http_resp_release(&res);
    links = json_object_get(j, "links");
    json_incref(links);
    json_decref(j);
    return links;
}

static const char *str_of(json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));

    assert_non_null(v);
    return v;
}

/* Operators merge and unmerge through the API, with link history; a
 * school or an awarding organisation gets 403; bad input changes nothing. */
static void test_merge__api_merges_unmerges_with_history(void **state)
{
    const char *const op[] = {srv.bearer, NULL};
    const char *const *others[] = {(const char *const[]){school, NULL},
                                   (const char *const[]){ao, NULL}};
    char c[LRS_ULN_SIZE], m[LRS_ULN_SIZE], path[80], body[160], other[80];
    struct http_resp res;
    json_t *j, *links;

    (void)state;
    add_learner("Ruby", "Hart", "2011-06-01", c);
    add_learner("Rubie", "Hart", "2011-06-01", m);
    snprintf(path, sizeof path, "/api/v1/learners/%s/merge", c);
    snprintf(body, sizeof body, "{\"into\": \"%s\", \"reason\": \"dup\"}", m);
    for (size_t i = 0; i < 2; i++) {
        char p2[80];

        post_as(others[i], path, body, &res);
        http_assert_error(&res, 403, "LRSD0403", NULL);
        http_resp_release(&res);
        snprintf(p2, sizeof p2, "/api/v1/learners/%s/unmerge", c);
        post_as(others[i], p2, "{\"reason\": \"x\"}", &res);
        http_assert_error(&res, 403, "LRSD0403", NULL);
        http_resp_release(&res);
        snprintf(p2, sizeof p2, "/api/v1/learners/%s/links", c);
        http_request(&srv, "GET", p2, NULL, NULL, 0, others[i], &res);
        http_assert_error(&res, 403, "LRSD0403", NULL);
        http_resp_release(&res);
    }

    /* Bad input: each refused, naming the field, and nothing merged. */
    snprintf(other, sizeof other, "{\"into\": \"%s\"}", m);
    post_as(op, path, other, &res);
    http_assert_error(&res, 400, "WSEC0001", "reason");
    http_resp_release(&res);
    post_as(op, path, "{\"into\": \"1748529631\", \"reason\": \"dup\"}", &res);
    http_assert_error(&res, 400, "WSEC0136", "into");
    http_resp_release(&res);
    snprintf(other, sizeof other, "{\"into\": \"%s\", \"reason\": \"x\"}", c);
    post_as(op, path, other, &res);
    http_assert_error(&res, 400, "WSEC0136", "uln");
    http_resp_release(&res);
    post_as(op, "/api/v1/learners/1748529631/merge", body, &res);
    http_assert_error(&res, 400, "WSEC0136", "uln");
    http_resp_release(&res);
    links = links_of(c);
    assert_int_equal(json_array_size(links), 0);
    json_decref(links);

    /* The merge: a lookup of c now answers its master m. */
    post_as(op, path, body, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    assert_string_equal(str_of(j, "uln"), c);
    assert_string_equal(str_of(j, "master_uln"), m);
    json_decref(j);
    http_resp_release(&res);
    post_as(op, path, body, &res);
    http_assert_error(&res, 409, "LRSD0409", NULL);
    http_resp_release(&res);
    snprintf(other, sizeof other, "/api/v1/learners/%s", c);
    op_get(other, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    assert_string_equal(str_of(j, "uln"), m);
    assert_string_equal(str_of(j, "code"), "WSRC0022");
    json_decref(j);
    http_resp_release(&res);

    /* The unmerge: a reason is needed; then c is itself again. */
    snprintf(other, sizeof other, "/api/v1/learners/%s/unmerge", c);
    post_as(op, other, "{}", &res);
    http_assert_error(&res, 400, "WSEC0001", "reason");
    http_resp_release(&res);
    post_as(op, other, "{\"reason\": \"twins, not one learner\"}", &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    assert_string_equal(str_of(j, "master_uln"), m);
    json_decref(j);
    http_resp_release(&res);
    post_as(op, other, "{\"reason\": \"again\"}", &res);
    http_assert_error(&res, 400, "WSEC0136", "uln");
    http_resp_release(&res);

    links = links_of(c);
    assert_int_equal(json_array_size(links), 2);
    assert_string_equal(str_of(json_array_get(links, 0), "action"), "merge");
    assert_string_equal(str_of(json_array_get(links, 0), "other_uln"), m);
    assert_string_equal(str_of(json_array_get(links, 0), "reason"), "dup");
    assert_string_equal(str_of(json_array_get(links, 1), "action"), "unmerge");
    assert_string_equal(str_of(json_array_get(links, 1), "reason"),
                        "twins, not one learner");
    json_decref(links);
    snprintf(other, sizeof other, "/api/v1/learners/%s", c);
    op_get(other, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    assert_string_equal(str_of(j, "uln"), c);
    assert_null(json_object_get(j, "code"));
    json_decref(j);
    http_resp_release(&res);
}

/* Readers of one learner at once, each counting its 200s. */
#define READERS    8
#define READS_EACH 25

struct reader {
    pthread_t thread;
    int ok;
};

static void *read_many(void *arg)
{
    struct reader *rd = arg;
    char path[64];

    snprintf(path, sizeof path, "/api/v1/learners/%s", uln_b);
    for (int i = 0; i < READS_EACH; i++) {
        struct http_resp res;

        op_get(path, &res);
        rd->ok += res.status == 200;
        http_resp_release(&res);
    }
    return NULL;
}

/* Reads at once are committed together (audit.c), yet each is answered
 * only once its row is on record: as soon as the last answer is in,
 * another connection sees every row. */
static void test_audit__concurrent_reads_each_on_record(void **state)
{
    struct reader rd[READERS];
    const int before = audit_rows(uln_b);
    int ok = 0;

    (void)state;
    memset(rd, 0, sizeof rd);
    for (int i = 0; i < READERS; i++)
        assert_int_equal(pthread_create(&rd[i].thread, NULL, read_many, &rd[i]),
                         0);
    for (int i = 0; i < READERS; i++) {
        pthread_join(rd[i].thread, NULL);
        ok += rd[i].ok;
    }
    assert_int_equal(ok, READERS * READS_EACH);
    assert_int_equal(audit_rows(uln_b), before + READERS * READS_EACH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auth__none_is_401),
        cmocka_unit_test(test_auth__bad_token_and_forged_cookie_are_401),
        cmocka_unit_test(test_get__operator_reads_and_is_audited),
        cmocka_unit_test(test_get__bad_and_unknown_uln),
        cmocka_unit_test(test_by_uln__names_verified),
        cmocka_unit_test(
            test_amend__version_checked_and_bad_input_changes_nothing),
        cmocka_unit_test(test_amend__name_change_rekeys_the_search_index),
        cmocka_unit_test(test_audit__rows_name_the_source_address),
        cmocka_unit_test(
            test_audit__forwarded_for_ignored_without_trusted_proxy),
        cmocka_unit_test(test_audit__operators_only),
        cmocka_unit_test(test_merge__api_merges_unmerges_with_history),
        cmocka_unit_test(test_audit__concurrent_reads_each_on_record),
    };

    return cmocka_run_group_tests_name("http_learners", tests, setup, teardown);
}
