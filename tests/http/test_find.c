/*
 * test_find.c - learnerByDemographics and register-after-search against a
 * real lrsd: each find code (WSRC0001/3/4/22 and 2), every mandatory
 * field missing in turn (WSEC0001 naming it), scope (full details only
 * for an exact match), the per-user rate limit (429, Retry-After), and
 * register: a new learner (WSRC0005), a duplicate refused (WSRC0021), a
 * possible match confirmed new with a reason, and roles. Every learner and
 * candidate answered carries the status GET /api/v1/learners/{uln} gives.
 */
#include "harness.h"

#include <lrs/lrs.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

static struct harness srv;
static char school[96], ao[96], op[96], limited[96];
static char uln_a[LRS_ULN_SIZE], uln_b[LRS_ULN_SIZE];

/* Accounts are made in the store directly (harness_user_add). */

/* Send `method` `path` as the holder of `bearer`. */
static void send_as(const char *bearer, const char *method, const char *path,
                    const char *ct, const void *body, size_t len,
                    struct http_resp *res)
{
    const char *const hdrs[] = {bearer, NULL};

    http_request(&srv, method, path, ct, body, len, hdrs, res);
}

static void post_as(const char *bearer, const char *path, const char *json,
                    struct http_resp *res)
{
    send_as(bearer, "POST", path, "application/json", json, strlen(json), res);
}

static void add_learner(struct lrs_store *s, const char *given,
                        const char *family, const char *dob,
                        const char *postcode, char out[LRS_ULN_SIZE])
{
    const struct lrs_actor actor = LRS_ACTOR_CLI;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_learner l;

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
        lrs_learner_field_set(&l, LRS_FIELD_POSTCODE, lrs_str_c(postcode), &d),
        LRS_OK);
    if (lrs_service_learner_register(s, &actor, &l, &d) != LRS_OK)
        fail_msg("register: %s", d.msg);
    if (out)
        memcpy(out, l.uln, LRS_ULN_SIZE);
}

static int setup(void **state)
{
    static const char *const extra[] = {"--search-rate", "8", NULL};
    struct lrs_store *s;
    int64_t sch, aoid;

    (void)state;
    assert_int_equal(lrs_auth_init(), LRS_OK);
    /* Learners first: lrsd loads its index from the store. */
    harness_start(&srv, extra);
    s = harness_store_open(&srv);
    add_learner(s, "Zoe", "Okonkwo", "2008-03-14", "SW1A 1AA", uln_a);
    add_learner(s, "Amir", "Khan", "2009-11-02", "LS1 4AP", uln_b);
    sch = harness_org_add(s, LRS_ORG_SCHOOL, "Mill Lane", 2000);
    aoid = harness_org_add(s, LRS_ORG_AO, "Example Awards", 1);
    harness_user_add(s, sch, "teacher", LRS_ROLE_SCHOOL_USER, school);
    harness_user_add(s, sch, "limited", LRS_ROLE_SCHOOL_USER, limited);
    harness_user_add(s, aoid, "awarder", LRS_ROLE_AO_USER, ao);
    harness_user_add(s, 0, "op", LRS_ROLE_OPERATOR, op);
    lrs_store_free(s);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return harness_stop(&srv) == 0 ? 0 : -1;
}

static json_t *search(const char *bearer, const char *body, long status)
{
    struct http_resp res;
    json_t *j;

    post_as(bearer, "/api/v1/learners/search", body, &res);
    if (res.status != status) {
        harness_dump_log(&srv);
        fail_msg("search: %ld, not %ld: %s", res.status, status, res.body.data);
    }
    j = http_json(&res);
    http_resp_release(&res);
    return j;
}

static const char *code_of(json_t *j)
{
    return json_string_value(json_object_get(j, "code"));
}

/*
 * Learner object `l` of a find or register answer carries the status
 * GET /api/v1/learners/{uln} answers for its ULN (and it is `want`).
 */
static void assert_status(json_t *l, const char *want)
{
    const char *uln = json_string_value(json_object_get(l, "uln"));
    struct http_resp res;
    char path[64];
    json_t *j;

    assert_non_null(uln);
    assert_string_equal(json_string_value(json_object_get(l, "status")), want);
    snprintf(path, sizeof path, "/api/v1/learners/%s", uln);
    send_as(op, "GET", path, NULL, NULL, 0, &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    assert_string_equal(json_string_value(json_object_get(j, "status")), want);
    json_decref(j);
    http_resp_release(&res);
}

static void test_search__exact_gives_full_details(void **state)
{
    json_t *j, *l;

    (void)state;
    j = search(op,
               "{\"given_name\":\"Zoe\",\"family_name\":\"Okonkwo\","
               "\"date_of_birth\":\"2008-03-14\",\"gender\":2,"
               "\"postcode\":\"sw1a1aa\"}",
               200);
    assert_string_equal(code_of(j), "WSRC0004");
    l = json_object_get(j, "learner");
    assert_string_equal(json_string_value(json_object_get(l, "uln")), uln_a);
    assert_string_equal(json_string_value(json_object_get(l, "postcode")),
                        "SW1A 1AA");
    assert_non_null(json_object_get(l, "explanation"));
    assert_status(l, "active");
    json_decref(j);
}

static void test_search__possible_shows_only_what_to_choose(void **state)
{
    json_t *j, *c;

    (void)state;
    j = search(op,
               "{\"given_name\":\"Zoe\",\"family_name\":\"Okonkwo\","
               "\"date_of_birth\":\"2008-03-15\",\"gender\":2,"
               "\"postcode\":\"SE1 7PB\"}",
               200);
    assert_string_equal(code_of(j), "WSRC0003");
    assert_null(json_object_get(j, "learner"));
    c = json_array_get(json_object_get(j, "candidates"), 0);
    assert_non_null(c);
    assert_string_equal(json_string_value(json_object_get(c, "uln")), uln_a);
    assert_string_equal(
        json_string_value(json_object_get(c, "postcode_district")), "SW1A");
    assert_null(json_object_get(c, "postcode"));
    assert_null(json_object_get(c, "address_line1"));
    assert_status(c, "active");
    assert_non_null(json_string_value(
        json_object_get(json_object_get(c, "explanation"), "text")));
    json_decref(j);
}

static void test_search__no_match(void **state)
{
    json_t *j;

    (void)state;
    j = search(op,
               "{\"given_name\":\"Priya\",\"family_name\":\"Nair\","
               "\"date_of_birth\":\"2007-01-20\",\"gender\":\"F\","
               "\"postcode\":\"M1 1AE\"}",
               200);
    assert_string_equal(code_of(j), "WSRC0001");
    assert_int_equal(json_array_size(json_object_get(j, "candidates")), 0);
    json_decref(j);
}

static void test_search__each_missing_field_named(void **state)
{
    static const char *const fields[] = {"given_name", "family_name",
                                         "date_of_birth", "gender", "postcode"};
    static const char *const values[] = {"\"Zoe\"", "\"Okonkwo\"",
                                         "\"2008-03-14\"", "2", "\"SW1A 1AA\""};

    (void)state;
    for (size_t miss = 0; miss < 5; miss++) {
        char body[512];
        size_t n = 0;
        struct http_resp res;

        n += (size_t)snprintf(body + n, sizeof body - n, "{");
        for (size_t i = 0; i < 5; i++)
            if (i != miss)
                n += (size_t)snprintf(body + n, sizeof body - n, "%s\"%s\":%s",
                                      n > 1 ? "," : "", fields[i], values[i]);
        snprintf(body + n, sizeof body - n, "}");
        post_as(op, "/api/v1/learners/search", body, &res);
        http_assert_error(&res, 400, "WSEC0001", fields[miss]);
        http_resp_release(&res);
    }
}

static void test_search__rate_limited_per_user(void **state)
{
    const char *body = "{\"given_name\":\"Priya\",\"family_name\":\"Nair\","
                       "\"date_of_birth\":\"2007-01-20\",\"gender\":2,"
                       "\"postcode\":\"M1 1AE\"}";
    struct http_resp res;
    char retry[32];
    int ok = 0;

    (void)state;
    for (int i = 0; i < 20; i++) {
        post_as(limited, "/api/v1/learners/search", body, &res);
        if (res.status == 429) {
            http_assert_error(&res, 429, "LRSD0429", NULL);
            assert_true(http_header(&res, "Retry-After", retry, sizeof retry));
            http_resp_release(&res);
            break;
        }
        assert_int_equal(res.status, 200);
        ok++;
        http_resp_release(&res);
    }
    assert_in_range(ok, 1, 19);
    /* Another user still may. */
    json_decref(search(ao, body, 200));
}

static void test_register__new_duplicate_confirm(void **state)
{
    const char *pupil = "\"given_name\":\"Tomasz\",\"family_name\":"
                        "\"Nowak\",\"date_of_birth\":\"2010-06-01\","
                        "\"gender\":1,\"postcode\":\"B1 1AA\"";
    char body[512], uln[16];
    struct http_resp res;
    json_t *j;

    (void)state;
    snprintf(body, sizeof body, "{%s}", pupil);
    post_as(school, "/api/v1/learners", body, &res);
    assert_int_equal(res.status, 201);
    j = http_json(&res);
    assert_string_equal(code_of(j), "WSRC0005");
    snprintf(uln, sizeof uln, "%s",
             json_string_value(
                 json_object_get(json_object_get(j, "learner"), "uln")));
    assert_int_equal(strlen(uln), 10);
    assert_status(json_object_get(j, "learner"), "active");
    json_decref(j);
    http_resp_release(&res);

    /* The same person again: found at once, not registered twice. */
    post_as(school, "/api/v1/learners", body, &res);
    assert_int_equal(res.status, 409);
    j = http_json(&res);
    assert_string_equal(code_of(j), "WSRC0021");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(j, "learner"), "uln")),
                        uln);
    assert_status(json_object_get(j, "learner"), "active");
    json_decref(j);
    http_resp_release(&res);
    /* confirm_new cannot override an exact match. */
    snprintf(body, sizeof body, "{%s,\"confirm_new\":true,\"reason\":\"twin\"}",
             pupil);
    post_as(school, "/api/v1/learners", body, &res);
    assert_int_equal(res.status, 409);
    http_resp_release(&res);

    /* A possible match: refused with candidates, then confirmed. */
    snprintf(body, sizeof body,
             "{\"given_name\":\"Zoe\",\"family_name\":\"Okonkwo\","
             "\"date_of_birth\":\"2008-03-15\",\"gender\":2,"
             "\"postcode\":\"SE1 7PB\"}");
    post_as(school, "/api/v1/learners", body, &res);
    assert_int_equal(res.status, 409);
    j = http_json(&res);
    assert_string_equal(code_of(j), "WSRC0021");
    assert_true(json_array_size(json_object_get(j, "candidates")) >= 1);
    assert_status(json_array_get(json_object_get(j, "candidates"), 0),
                  "active");
    json_decref(j);
    http_resp_release(&res);
    snprintf(body, sizeof body,
             "{\"given_name\":\"Zoe\",\"family_name\":\"Okonkwo\","
             "\"date_of_birth\":\"2008-03-15\",\"gender\":2,"
             "\"postcode\":\"SE1 7PB\",\"confirm_new\":true}");
    post_as(school, "/api/v1/learners", body, &res);
    http_assert_error(&res, 400, "WSEC0001", "reason");
    http_resp_release(&res);
    snprintf(body, sizeof body,
             "{\"given_name\":\"Zoe\",\"family_name\":\"Okonkwo\","
             "\"date_of_birth\":\"2008-03-15\",\"gender\":2,"
             "\"postcode\":\"SE1 7PB\",\"confirm_new\":true,"
             "\"reason\":\"a different pupil: checked with the family\"}");
    post_as(school, "/api/v1/learners", body, &res);
    assert_int_equal(res.status, 201);
    http_resp_release(&res);
}

static void test_register__roles(void **state)
{
    struct http_resp res;

    (void)state;
    post_as(ao, "/api/v1/learners",
            "{\"given_name\":\"A\",\"family_name\":\"B\","
            "\"date_of_birth\":\"2010-01-01\",\"gender\":1,"
            "\"postcode\":\"B1 1AA\"}",
            &res);
    http_assert_error(&res, 403, "LRSD0403", NULL);
    http_resp_release(&res);
    http_post_json(&srv, "/api/v1/learners/search", "{}", &res);
    assert_int_equal(res.status, 401);
    http_resp_release(&res);
}

static void test_metrics__matches_by_outcome(void **state)
{
    struct http_resp res;

    (void)state;
    http_get(&srv, "/metrics", &res);
    assert_int_equal(res.status, 200);
    assert_non_null(strstr(res.body.data, "WSRC0004"));
    http_resp_release(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search__exact_gives_full_details),
        cmocka_unit_test(test_search__possible_shows_only_what_to_choose),
        cmocka_unit_test(test_search__no_match),
        cmocka_unit_test(test_search__each_missing_field_named),
        cmocka_unit_test(test_search__rate_limited_per_user),
        cmocka_unit_test(test_register__new_duplicate_confirm),
        cmocka_unit_test(test_register__roles),
        cmocka_unit_test(test_metrics__matches_by_outcome),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
