/*
 * test_plr.c - verification, results, exam entries, the PLR and shares
 * against a real lrsd (cmd/lrsd/h_plr.c, docs/api.md): every
 * verification code, results with good, bad and duplicate rows and
 * corrections, AO isolation (an AO writes and sees only its own),
 * the submissions routine, consent refused (WSEC0206), names that do not
 * match (WSEC0208), a merged ULN (WSRC0022), a learner seeing only their
 * own PLR, and shares that expire and are revoked.
 *
 * Organisations, users, API tokens and learners are put in the store
 * directly (lrs/accounts.h, lrs/service.h) while lrsd runs, as
 * test_accounts.c does; every request then goes over HTTP.
 */
#include "harness.h"

#include <lrs/accounts.h>
#include <lrs/auth.h>
#include <lrs/lrs.h>
#include <lrs/plr.h>
#include <lrs/service.h>
#include <lrs/store.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AO_A "10011111"
#define AO_B "10022222"

static struct harness srv;
/* Catherine Lee (shares), Sam Ward (does not), Kate Lee (merged into
 * Catherine), and a valid ULN nobody has. */
static char uln_cat[LRS_ULN_SIZE], uln_sam[LRS_ULN_SIZE], uln_tom[LRS_ULN_SIZE],
    uln_kate[LRS_ULN_SIZE], uln_none[LRS_ULN_SIZE];
static int64_t ao_a_id;

/* "Authorization: Bearer ..." of each user. */
enum who { AOA, AOB, TEACHER, OP, CAT, SAM, WHO__COUNT };
static char bearer[WHO__COUNT][HARNESS_BEARER_SIZE];

/* A user who has accepted the agreement, with an API token. */
static void add_user(struct lrs_store *s, enum who w, int64_t org,
                     const char *login, unsigned roles, const char *uln)
{
    const struct harness_user u = {login, roles, uln, NULL, false, true};

    (void)harness_user_make(s, org, &u, bearer[w]);
}

static void add_learner(struct lrs_store *s, const char *given,
                        const char *family, const char *dob,
                        enum lrs_ability_to_share share, char out[LRS_ULN_SIZE])
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
        lrs_learner_field_set(&l, LRS_FIELD_POSTCODE, LRS_STR("LS1 4AP"), &d),
        LRS_OK);
    l.ability_to_share = share;
    if (lrs_service_learner_register(s, &actor, &l, &d) != LRS_OK)
        fail_msg("register: %s", d.msg);
    memcpy(out, l.uln, LRS_ULN_SIZE);
}

/* A ULN with a valid check digit that no learner has. */
static void unused_uln(struct lrs_store *s, char out[LRS_ULN_SIZE])
{
    struct lrs_learner l;

    for (int n = 999999990; n > 999990000; n--) {
        char base[16];
        int c;

        snprintf(base, sizeof base, "%d", n);
        c = lrs_uln_check_digit(base);
        if (c < 0)
            continue;
        snprintf(out, LRS_ULN_SIZE, "%.9s%d", base, c % 10);
        if (lrs_store_learner_get(s, out, 0, &l) == LRS_ENOTFOUND)
            return;
    }
    fail_msg("no unused ULN");
}

static int setup(void **state)
{
    const struct lrs_actor actor = LRS_ACTOR_CLI;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;
    int64_t school, ao_b;

    (void)state;
    assert_int_equal(lrs_auth_init(), LRS_OK);
    harness_start(&srv, NULL);
    s = harness_store_open(&srv);
    add_learner(s, "Catherine", "Lee", "2008-01-02", LRS_SHARE_YES, uln_cat);
    add_learner(s, "Sam", "Ward", "2007-05-06", LRS_SHARE_NO, uln_sam);
    add_learner(s, "Tom", "Bell", "2009-07-15", LRS_SHARE_NO, uln_tom);
    add_learner(s, "Kate", "Leigh-Smith", "2008-02-01", LRS_SHARE_YES,
                uln_kate);
    if (lrs_store_learner_merge(s, &actor, uln_kate, uln_cat, "duplicate",
                                &d) != LRS_OK)
        fail_msg("merge: %s", d.msg);
    unused_uln(s, uln_none);
    school = harness_org_add(s, LRS_ORG_SCHOOL, "Park School", 3000);
    ao_a_id = harness_org_add_ao(s, "Alpha Awards", AO_A);
    ao_b = harness_org_add_ao(s, "Beta Board", AO_B);
    add_user(s, AOA, ao_a_id, "alpha", LRS_ROLE_AO_USER, NULL);
    add_user(s, AOB, ao_b, "beta", LRS_ROLE_AO_USER, NULL);
    add_user(s, TEACHER, school, "teacher", LRS_ROLE_SCHOOL_USER, NULL);
    add_user(s, OP, 0, "op", LRS_ROLE_OPERATOR, NULL);
    add_user(s, CAT, 0, "cat", LRS_ROLE_LEARNER, uln_cat);
    add_user(s, SAM, 0, "sam", LRS_ROLE_LEARNER, uln_sam);
    lrs_store_free(s);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return harness_stop(&srv) == 0 ? 0 : -1;
}

/* Send as `w` (WHO__COUNT: nobody). */
static void send(enum who w, const char *method, const char *path,
                 const char *type, const char *body, struct http_resp *res)
{
    const char *const hdrs[] = {w < WHO__COUNT ? bearer[w] : NULL, NULL};

    http_request(&srv, method, path, type, body, body ? strlen(body) : 0, hdrs,
                 res);
}

/* Send and expect `status`; returns the JSON body (owned). */
static json_t *call(enum who w, const char *method, const char *path,
                    const char *type, const char *body, long status)
{
    struct http_resp res;
    json_t *j;

    send(w, method, path, type, body, &res);
    if (res.status != status)
        fail_msg("%s %s: %ld, wanted %ld: %s", method, path, res.status, status,
                 res.body.data);
    j = http_json(&res);
    http_resp_release(&res);
    return j;
}

static const char *str(json_t *j, const char *key)
{
    const char *v = json_string_value(json_object_get(j, key));

    return v ? v : "";
}

static json_t *verify(enum who w, const char *uln, const char *given,
                      const char *family, const char *extra, long status)
{
    char body[512];

    snprintf(body, sizeof body,
             "{\"uln\":\"%s\",\"given_name\":\"%s\",\"family_name\":\"%s\"%s}",
             uln, given, family, extra ? extra : "");
    return call(w, "POST", "/api/v1/verify", "application/json", body, status);
}

static bool has_flag(json_t *j, const char *flag)
{
    json_t *v;
    size_t i;

    json_array_foreach(json_object_get(j, "flags"), i, v)
    {
        if (strcmp(json_string_value(v), flag) == 0)
            return true;
    }
    return false;
}

static int audit_count(const char *uln, enum lrs_audit_action action);

/* ------------------------------------------------------------------ */
/* Verification                                                       */
/* ------------------------------------------------------------------ */

static void test_verify__each_code(void **state)
{
    json_t *j;

    (void)state;
    j = verify(AOA, uln_cat, "Catherine", "Lee",
               ",\"date_of_birth\":\"2008-01-02\",\"gender\":\"2\"", 200);
    assert_string_equal(str(j, "code"), "WSVRC001");
    assert_true(json_is_true(json_object_get(j, "accepted")));
    assert_int_equal(json_array_size(json_object_get(j, "flags")), 0);
    json_decref(j);

    j = verify(AOA, uln_kate, "Catherine", "Lee", NULL, 200);
    assert_string_equal(str(j, "code"), "WSVRC002");
    assert_string_equal(str(j, "master_uln"), uln_cat);
    json_decref(j);

    j = verify(TEACHER, uln_cat, "Katherine", "Lee", NULL, 200);
    assert_string_equal(str(j, "code"), "WSVRC003");
    assert_string_equal(str(j, "given_name"), "similar");
    json_decref(j);

    j = verify(OP, uln_kate, "Katherine", "Lee", NULL, 200);
    assert_string_equal(str(j, "code"), "WSVRC004");
    json_decref(j);

    j = verify(AOA, uln_cat, "John", "Smith", NULL, 200);
    assert_string_equal(str(j, "code"), "WSVRC005");
    assert_false(json_is_true(json_object_get(j, "accepted")));
    assert_true(has_flag(j, "VRF1"));
    assert_true(has_flag(j, "VRF5"));
    json_decref(j);

    j = verify(AOA, uln_cat, "Catherine", "Lee",
               ",\"date_of_birth\":\"1990-09-09\"", 200);
    assert_string_equal(str(j, "code"), "WSVRC005");
    assert_true(has_flag(j, "VRF7"));
    json_decref(j);

    j = verify(AOA, uln_none, "Catherine", "Lee", NULL, 200);
    assert_string_equal(str(j, "code"), "WSVRC006");
    json_decref(j);
}

static void test_verify__bad_input_and_roles(void **state)
{
    struct http_resp res;
    char body[256];

    (void)state;
    send(AOA, "POST", "/api/v1/verify", "application/json",
         "{\"uln\":\"1234567890\",\"given_name\":\"A\",\"family_name\":\"B\"}",
         &res);
    http_assert_error(&res, 400, "WSEC0136", "uln");
    http_resp_release(&res);
    snprintf(body, sizeof body, "{\"uln\":\"%s\",\"given_name\":\"A\"}",
             uln_cat);
    send(AOA, "POST", "/api/v1/verify", "application/json", body, &res);
    http_assert_error(&res, 400, "WSEC0001", "family_name");
    http_resp_release(&res);
    snprintf(body, sizeof body,
             "{\"uln\":\"%s\",\"given_name\":\"A\",\"family_name\":\"B\"}",
             uln_cat);
    send(CAT, "POST", "/api/v1/verify", "application/json", body, &res);
    http_assert_error(&res, 403, "LRSD0403", NULL);
    http_resp_release(&res);
    send(WHO__COUNT, "POST", "/api/v1/verify", "application/json", body, &res);
    http_assert_error(&res, 401, "LRSD0401", NULL);
    http_resp_release(&res);
}

static void test_verify__batch_csv_and_json(void **state)
{
    char csv[512], arr[512];
    json_t *j, *sum;

    (void)state;
    snprintf(csv, sizeof csv,
             "uln,given_name,family_name,date_of_birth\n"
             "%s,Catherine,Lee,2008-01-02\n%s,Catherine,Lee,\n"
             "%s,Sam,Smith,\n1234567890,A,B,\n%s,X,Y,\n",
             uln_cat, uln_kate, uln_sam, uln_none);
    j = call(AOA, "POST", "/api/v1/verify/batch", "text/csv", csv, 200);
    sum = json_object_get(j, "summary");
    assert_int_equal(json_integer_value(json_object_get(sum, "rows")), 5);
    assert_int_equal(json_integer_value(json_object_get(sum, "invalid")), 1);
    assert_int_equal(json_integer_value(json_object_get(sum, "WSVRC001")), 1);
    assert_int_equal(json_integer_value(json_object_get(sum, "WSVRC002")), 1);
    assert_int_equal(json_integer_value(json_object_get(sum, "WSVRC005")), 1);
    assert_int_equal(json_integer_value(json_object_get(sum, "WSVRC006")), 1);
    assert_int_equal(json_array_size(json_object_get(j, "rows")), 5);
    assert_string_equal(
        str(json_array_get(json_object_get(j, "rows"), 3), "code"), "WSEC0136");
    json_decref(j);

    snprintf(arr, sizeof arr,
             "[{\"uln\":\"%s\",\"given_name\":\"Cathy\",\"family_name\":"
             "\"Lee\"},{\"uln\":\"%s\",\"given_name\":\"Sam\","
             "\"family_name\":\"Ward\",\"gender\":\"1\"}]",
             uln_cat, uln_sam);
    j = call(OP, "POST", "/api/v1/verify/batch", "application/json", arr, 200);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(j, "summary"), "rows")),
                     2);
    assert_string_equal(
        str(json_array_get(json_object_get(j, "rows"), 1), "code"), "WSVRC003");
    json_decref(j);
    j = call(AOA, "POST", "/api/v1/verify/batch", "text/csv", "uln,nickname\n",
             400);
    assert_string_equal(str(j, "code"), "WSEC0001");
    json_decref(j);
}

/* ------------------------------------------------------------------ */
/* Results                                                            */
/* ------------------------------------------------------------------ */

static json_t *row_at(json_t *j, size_t i)
{
    return json_array_get(json_object_get(j, "rows"), i);
}

static json_int_t summary(json_t *j, const char *key)
{
    return json_integer_value(
        json_object_get(json_object_get(j, "summary"), key));
}

static void test_results__good_bad_duplicate_and_corrections(void **state)
{
    char csv[1024];
    json_t *j;

    (void)state;
    snprintf(csv, sizeof csv,
             "uln,given_name,family_name,subject_code,subject,"
             "qualification_type,level,grade,award_date\n"
             "%s,Catherine,Lee,600/1166/X,Mathematics,GCSE,2,7,2024-08-22\n"
             "%s,Catherine,Lee,600/1167/1,English,GCSE,2,6,2024-08-22\n"
             "1234567890,A,B,600/1166/X,Mathematics,GCSE,2,5,2024-08-22\n"
             "%s,John,Smith,600/1166/X,Mathematics,GCSE,2,5,2024-08-22\n"
             "%s,Sam,Ward,600/1166/X,Mathematics,GCSE,2,4,2024-08-22\n"
             "%s,Sam,Ward,600/1166/X,Mathematics,GCSE,2,4,2024-08-22\n"
             "%s,Sam,Ward,600/1166/X,Mathematics,GCSE,2,4,2024-08-22\n"
             "%s,Catherine,Lee,600/1168/3,Science,GCSE,2,5,not a date\n",
             uln_cat, uln_kate, uln_sam, uln_none, uln_sam, uln_sam, uln_cat);
    j = call(AOA, "POST", "/api/v1/results", "text/csv", csv, 200);
    assert_string_equal(str(j, "ao_ukprn"), AO_A);
    assert_int_equal(summary(j, "rows"), 8);
    assert_int_equal(summary(j, "stored"), 3);
    assert_int_equal(summary(j, "unchanged"), 0);
    assert_int_equal(summary(j, "rejected"), 5);
    assert_string_equal(str(row_at(j, 0), "outcome"), "stored");
    assert_string_equal(str(row_at(j, 1), "code"), "WSVRC002");
    assert_string_equal(str(row_at(j, 2), "code"), "WSEC0136");
    assert_string_equal(str(row_at(j, 3), "code"), "WSVRC005");
    assert_string_equal(str(row_at(j, 4), "code"), "WSVRC006");
    /* The same key twice in one file: the first is stored, the repeat
     * rejected with DUPLICATE naming the first line. */
    assert_string_equal(str(row_at(j, 5), "outcome"), "stored");
    assert_string_equal(str(row_at(j, 6), "outcome"), "rejected");
    assert_string_equal(str(row_at(j, 6), "code"), "DUPLICATE");
    assert_string_equal(str(row_at(j, 6), "field"), "subject_code");
    assert_non_null(strstr(str(row_at(j, 6), "reason"), "repeats line 7"));
    assert_string_equal(str(row_at(j, 7), "outcome"), "rejected");
    assert_string_equal(str(row_at(j, 7), "field"), "award_date");
    assert_true(strlen(str(row_at(j, 7), "reason")) > 0);
    json_decref(j);

    /* The same row again: unchanged; a new grade: corrected (JSON). */
    snprintf(csv, sizeof csv,
             "uln,given_name,family_name,subject_code,subject,"
             "qualification_type,level,grade,award_date\n"
             "%s,Catherine,Lee,600/1166/X,Mathematics,GCSE,2,7,2024-08-22\n",
             uln_cat);
    j = call(AOA, "POST", "/api/v1/results", "text/csv", csv, 200);
    assert_int_equal(summary(j, "unchanged"), 1);
    json_decref(j);
    snprintf(csv, sizeof csv,
             "[{\"uln\":\"%s\",\"given_name\":\"Catherine\",\"family_name\":"
             "\"Lee\",\"subject_code\":\"600/1166/X\",\"subject\":"
             "\"Mathematics\",\"qualification_type\":\"GCSE\",\"level\":\"2\","
             "\"grade\":\"8\",\"award_date\":\"2024-08-22\",\"credits\":12}]",
             uln_cat);
    j = call(AOA, "POST", "/api/v1/results", "application/json", csv, 200);
    assert_int_equal(summary(j, "corrected"), 1);
    json_decref(j);

    /* JSON too: a key repeated in one array is rejected, even with another
     * grade and date spelling (which row the AO meant cannot be told). */
    snprintf(csv, sizeof csv,
             "[{\"uln\":\"%s\",\"given_name\":\"Catherine\",\"family_name\":"
             "\"Lee\",\"subject_code\":\"600/1169/5\",\"grade\":\"6\","
             "\"award_date\":\"2024-08-22\"},"
             "{\"uln\":\"%s\",\"given_name\":\"Catherine\",\"family_name\":"
             "\"Lee\",\"subject_code\":\"600/1169/5\",\"grade\":\"9\","
             "\"award_date\":\"22/08/2024\"}]",
             uln_cat, uln_cat);
    j = call(AOA, "POST", "/api/v1/results", "application/json", csv, 200);
    assert_int_equal(summary(j, "stored"), 1);
    assert_int_equal(summary(j, "rejected"), 1);
    assert_string_equal(str(row_at(j, 1), "code"), "DUPLICATE");
    assert_non_null(strstr(str(row_at(j, 1), "reason"), "repeats line 2"));
    json_decref(j);
}

static void test_results__ao_isolation_and_roles(void **state)
{
    char csv[512], path[128];
    json_t *j, *ev, *v;
    size_t i;
    int alpha = 0, beta = 0;

    (void)state;
    /* An AO cannot name another AO: the column is not one of the
     * documented ones, and nothing is stored. */
    snprintf(csv, sizeof csv,
             "uln,given_name,family_name,subject_code,grade,award_date,"
             "ao_ukprn\n%s,Catherine,Lee,600/1166/X,1,2024-08-22," AO_A "\n",
             uln_cat);
    j = call(AOB, "POST", "/api/v1/results", "text/csv", csv, 400);
    json_decref(j);
    /* Beta's own result for the same subject is Beta's, beside Alpha's. */
    snprintf(csv, sizeof csv,
             "uln,given_name,family_name,subject_code,grade,award_date\n"
             "%s,Catherine,Lee,600/1166/X,1,2024-08-22\n",
             uln_cat);
    j = call(AOB, "POST", "/api/v1/results", "text/csv", csv, 200);
    assert_int_equal(summary(j, "stored"), 1);
    assert_string_equal(str(j, "ao_ukprn"), AO_B);
    json_decref(j);

    snprintf(path, sizeof path,
             "/api/v1/learners/%s/plr?given_name=Catherine&family_name=Lee",
             uln_cat);
    j = call(OP, "GET", path, NULL, NULL, 200);
    ev = json_object_get(j, "achievements");
    json_array_foreach(ev, i, v)
    {
        if (strcmp(str(v, "subject_code"), "600/1166/X") != 0)
            continue;
        if (strcmp(str(v, "ao_ukprn"), AO_A) == 0) {
            alpha++;
            assert_string_equal(str(v, "grade"), "8"); /* untouched */
            assert_string_equal(str(v, "ao_name"), "Alpha Awards");
        } else if (strcmp(str(v, "ao_ukprn"), AO_B) == 0) {
            beta++;
            assert_string_equal(str(v, "grade"), "1");
        }
    }
    assert_int_equal(alpha, 1);
    assert_int_equal(beta, 1);
    json_decref(j);

    /* Schools, operators and learners do not upload results. */
    j = call(TEACHER, "POST", "/api/v1/results", "text/csv", csv, 403);
    json_decref(j);
    j = call(OP, "POST", "/api/v1/results", "text/csv", csv, 403);
    json_decref(j);
    j = call(CAT, "POST", "/api/v1/results", "text/csv", csv, 403);
    json_decref(j);
    j = call(AOA, "POST", "/api/v1/results", "text/plain", csv, 415);
    json_decref(j);
}

/* ------------------------------------------------------------------ */
/* Entries                                                            */
/* ------------------------------------------------------------------ */

static void test_entries__verified_pending_sent_isolated(void **state)
{
    char csv[1024], path[64];
    json_t *j;

    (void)state;
    snprintf(csv, sizeof csv,
             "candidate_number,qualification_code,series,given_name,"
             "family_name,uln,qualification_title\n"
             "0001,600/1166/X,2025-06,Catherine,Lee,%s,Mathematics\n"
             "0002,600/1166/X,2025-06,Sam,Smith,%s,Mathematics\n"
             "0003,600/1166/X,2025-06,New,Pupil,,Mathematics\n",
             uln_cat, uln_sam);
    j = call(TEACHER, "POST", "/api/v1/entries?ao=" AO_A, "text/csv", csv, 200);
    assert_int_equal(summary(j, "added"), 3);
    assert_int_equal(summary(j, "not_verified"), 1);
    assert_string_equal(str(j, "school"), "8013000");
    assert_string_equal(str(row_at(j, 0), "verify_code"), "WSVRC001");
    assert_false(
        json_is_true(json_object_get(row_at(j, 0), "ao_would_reject")));
    assert_string_equal(str(row_at(j, 1), "verify_code"), "WSVRC005");
    assert_true(json_is_true(json_object_get(row_at(j, 1), "ao_would_reject")));
    assert_true(strlen(str(row_at(j, 1), "reason")) > 0);
    json_decref(j);

    /* Nothing is the AO's until sent. */
    j = call(AOA, "GET", "/api/v1/entries", NULL, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(j, "entries")), 0);
    json_decref(j);
    j = call(TEACHER, "GET", "/api/v1/entries/pending?ao=" AO_A, NULL, NULL,
             200);
    assert_int_equal(json_integer_value(json_object_get(j, "count")), 3);
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/entries/send?ao=%lld",
             (long long)ao_a_id);
    j = call(TEACHER, "POST", path, NULL, NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "sent")), 3);
    json_decref(j);
    j = call(AOA, "GET", "/api/v1/entries", NULL, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(j, "entries")), 3);
    json_decref(j);
    j = call(AOB, "GET", "/api/v1/entries", NULL, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(j, "entries")), 0);
    json_decref(j);

    /* The AO sees what it was sent, and not an amendment until it is
     * sent: Sam Smith, not Sam Ward, in submission 1. */
    snprintf(csv, sizeof csv,
             "{\"ao\":\"" AO_A "\",\"entries\":[{\"candidate_number\":\"0003\","
             "\"qualification_code\":\"600/1166/X\",\"series\":\"2025-06\","
             "\"given_name\":\"Sam\",\"family_name\":\"Ward\",\"uln\":\"%s\","
             "\"qualification_title\":\"Mathematics\"}]}",
             uln_sam);
    j = call(TEACHER, "POST", "/api/v1/entries", "application/json", csv, 200);
    assert_int_equal(summary(j, "amended"), 1);
    json_decref(j);
    j = call(AOA, "GET", "/api/v1/entries", NULL, NULL, 200);
    assert_string_equal(
        str(json_array_get(json_object_get(j, "entries"), 2), "family_name"),
        "Pupil");
    assert_int_equal(
        json_integer_value(json_object_get(
            json_array_get(json_object_get(j, "entries"), 2), "submission")),
        1);
    json_decref(j);
    /* The amendment alone is pending, then sent (JSON form) as
     * submission 2; the AO then sees it, and submission 1 as it was. */
    j = call(TEACHER, "POST", "/api/v1/entries/send", "application/json",
             "{\"ao\":\"" AO_A "\"}", 200);
    assert_int_equal(json_integer_value(json_object_get(j, "sent")), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "submission")), 2);
    assert_string_equal(
        str(json_array_get(json_object_get(j, "entries"), 0), "uln"), uln_sam);
    json_decref(j);
    j = call(AOA, "GET", "/api/v1/entries", NULL, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(j, "entries")), 3);
    assert_string_equal(
        str(json_array_get(json_object_get(j, "entries"), 2), "family_name"),
        "Ward");
    json_decref(j);
    j = call(AOA, "GET", "/api/v1/entries?submission=1", NULL, NULL, 200);
    assert_string_equal(
        str(json_array_get(json_object_get(j, "entries"), 2), "family_name"),
        "Pupil");
    json_decref(j);
    j = call(AOA, "GET", "/api/v1/entries?submission=x", NULL, NULL, 400);
    assert_string_equal(str(j, "field"), "submission");
    json_decref(j);

    /* Roles and names. */
    j = call(AOA, "POST", "/api/v1/entries?ao=" AO_A, "text/csv", csv, 403);
    json_decref(j);
    j = call(TEACHER, "GET", "/api/v1/entries", NULL, NULL, 403);
    json_decref(j);
    j = call(TEACHER, "GET", "/api/v1/entries/pending?ao=99999999", NULL, NULL,
             404);
    assert_string_equal(str(j, "field"), "ao");
    json_decref(j);
    j = call(TEACHER, "GET", "/api/v1/entries/pending", NULL, NULL, 400);
    assert_string_equal(str(j, "field"), "ao");
    json_decref(j);
}

/* ------------------------------------------------------------------ */
/* Reading a PLR                                                      */
/* ------------------------------------------------------------------ */

static void plr_path(char *out, size_t len, const char *uln, const char *given,
                     const char *family)
{
    snprintf(out, len, "/api/v1/learners/%s/plr?given_name=%s&family_name=%s",
             uln, given, family);
}

static void test_plr__granted_refused_linked(void **state)
{
    char path[160], body[160];
    json_t *j;
    int before;

    (void)state;
    before = audit_count(uln_cat, LRS_AUDIT_PLR_READ);
    plr_path(path, sizeof path, uln_cat, "Catherine", "Lee");
    j = call(AOB, "GET", path, NULL, NULL, 200);
    assert_string_equal(str(json_object_get(j, "learner"), "family_name"),
                        "Lee");
    assert_true(json_array_size(json_object_get(j, "achievements")) >= 3);
    json_decref(j);
    assert_int_equal(audit_count(uln_cat, LRS_AUDIT_PLR_READ), before + 1);

    /* Names that do not match: WSEC0208, as for an unknown ULN. */
    plr_path(path, sizeof path, uln_cat, "John", "Smith");
    j = call(AOA, "GET", path, NULL, NULL, 404);
    assert_string_equal(str(j, "code"), "WSEC0208");
    json_decref(j);
    plr_path(path, sizeof path, uln_none, "John", "Smith");
    j = call(AOA, "GET", path, NULL, NULL, 404);
    assert_string_equal(str(j, "code"), "WSEC0208");
    json_decref(j);

    /* Sam chose not to share: WSEC0206, for an AO and a school alike;
     * an operator needs no consent. */
    plr_path(path, sizeof path, uln_sam, "Sam", "Ward");
    j = call(AOA, "GET", path, NULL, NULL, 403);
    assert_string_equal(str(j, "code"), "WSEC0206");
    json_decref(j);
    j = call(TEACHER, "GET", path, NULL, NULL, 403);
    assert_string_equal(str(j, "code"), "WSEC0206");
    json_decref(j);
    j = call(OP, "GET", path, NULL, NULL, 200);
    json_decref(j);

    /* A merged ULN: the master's record, WSRC0022 (names in a body). */
    snprintf(path, sizeof path, "/api/v1/learners/%s/plr", uln_kate);
    snprintf(body, sizeof body,
             "{\"given_name\":\"Catherine\",\"family_name\":\"Lee\"}");
    j = call(AOA, "POST", path, "application/json", body, 200);
    assert_string_equal(str(j, "code"), "WSRC0022");
    assert_string_equal(str(json_object_get(j, "learner"), "uln"), uln_cat);
    json_decref(j);

    plr_path(path, sizeof path, uln_cat, "Catherine", "Lee");
    j = call(CAT, "GET", path, NULL, NULL, 403);
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/learners/%s/plr?given_name=A",
             uln_cat);
    j = call(AOA, "GET", path, NULL, NULL, 400);
    assert_string_equal(str(j, "field"), "family_name");
    json_decref(j);
}

static void test_plr__learner_sees_only_their_own(void **state)
{
    struct http_resp res;
    char ct[64];
    json_t *j;

    (void)state;
    j = call(CAT, "GET", "/api/v1/me/plr", NULL, NULL, 200);
    assert_string_equal(str(json_object_get(j, "learner"), "uln"), uln_cat);
    assert_true(json_array_size(json_object_get(j, "achievements")) >= 3);
    json_decref(j);
    /* Sam does not share with organisations, but sees their own. */
    j = call(SAM, "GET", "/api/v1/me/plr", NULL, NULL, 200);
    assert_string_equal(str(json_object_get(j, "learner"), "uln"), uln_sam);
    assert_int_equal(json_array_size(json_object_get(j, "achievements")), 1);
    json_decref(j);
    j = call(AOA, "GET", "/api/v1/me/plr", NULL, NULL, 403);
    json_decref(j);

    send(CAT, "GET", "/api/v1/me/plr.html", NULL, NULL, &res);
    assert_int_equal(res.status, 200);
    assert_true(http_header(&res, "Content-Type", ct, sizeof ct));
    assert_non_null(strstr(ct, "text/html"));
    assert_non_null(strstr(res.body.data, "Catherine"));
    assert_non_null(strstr(res.body.data, "Mathematics"));
    http_resp_release(&res);
}

/* ------------------------------------------------------------------ */
/* Shares                                                             */
/* ------------------------------------------------------------------ */

static enum lrs_err count_action(const struct lrs_audit *a, void *ctx)
{
    int *n = ctx;

    if ((int)a->action == n[1])
        n[0]++;
    return LRS_OK;
}

/* Keep the one row of a scan (a second fails the test); its strings
 * are not kept. */
static enum lrs_err keep_audit(const struct lrs_audit *a, void *ctx)
{
    struct lrs_audit *got = ctx;

    assert_int_equal(got->action, 0);
    *got = *a;
    got->actor.source = NULL;
    got->actor.addr = NULL;
    return LRS_OK;
}

static int audit_count(const char *uln, enum lrs_audit_action action)
{
    struct lrs_store *s = harness_store_open(&srv);
    int n[2] = {0, (int)action};

    assert_int_equal(lrs_store_audit_scan(s, uln, count_action, n), LRS_OK);
    lrs_store_free(s);
    return n[0];
}

static void test_shares__open_revoke_expire(void **state)
{
    char path[160], tok[LRS_AUTH_TOKEN_SIZE], body[160];
    struct lrs_store *s;
    struct lrs_share sh;
    json_t *j, *ev, *v, *all;
    char *dump;
    int64_t id, first;
    size_t i;
    int before;

    (void)state;
    all = call(CAT, "GET", "/api/v1/me/plr", NULL, NULL, 200);
    first = json_integer_value(json_object_get(
        json_array_get(json_object_get(all, "achievements"), 0), "id"));
    json_decref(all);

    /* Everything: the verified achievements with who awarded them, and
     * the learner's name; not the ULN or the date of birth. */
    j = call(CAT, "POST", "/api/v1/me/shares", "application/json",
             "{\"expires_days\":7}", 201);
    snprintf(tok, sizeof tok, "%s", str(j, "token"));
    id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    assert_true(strncmp(tok, "lrst_", 5) == 0);
    before = audit_count(uln_cat, LRS_AUDIT_SHARE_VIEW);
    snprintf(path, sizeof path, "/api/v1/shares/%s", tok);
    j = call(WHO__COUNT, "GET", path, NULL, NULL, 200);
    assert_string_equal(str(json_object_get(j, "learner"), "given_name"),
                        "Catherine");
    assert_null(json_object_get(json_object_get(j, "learner"), "uln"));
    ev = json_object_get(j, "achievements");
    assert_true(json_array_size(ev) >= 3);
    json_array_foreach(ev, i, v)
    {
        assert_true(strlen(str(v, "ao_name")) > 0);
        assert_null(json_object_get(v, "supplied_uln"));
    }
    json_decref(j);
    assert_int_equal(audit_count(uln_cat, LRS_AUDIT_SHARE_VIEW), before + 1);

    /* Another learner cannot revoke it; Catherine can, then it is gone. */
    snprintf(path, sizeof path, "/api/v1/me/shares/%lld", (long long)id);
    j = call(SAM, "DELETE", path, NULL, NULL, 404);
    json_decref(j);
    j = call(CAT, "DELETE", path, NULL, NULL, 200);
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/shares/%s", tok);
    j = call(WHO__COUNT, "GET", path, NULL, NULL, 404);
    assert_string_equal(str(j, "field"), "token");
    json_decref(j);

    /* A chosen achievement only. */
    snprintf(body, sizeof body, "{\"achievements\":[%lld]}", (long long)first);
    j = call(CAT, "POST", "/api/v1/me/shares", "application/json", body, 201);
    snprintf(path, sizeof path, "/api/v1/shares/%s", str(j, "token"));
    json_decref(j);
    j = call(WHO__COUNT, "GET", path, NULL, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(j, "achievements")), 1);
    json_decref(j);
    /* Not someone else's achievement, nor a bad expiry. */
    j = call(SAM, "POST", "/api/v1/me/shares", "application/json", body, 400);
    assert_string_equal(str(j, "field"), "achievements");
    json_decref(j);
    j = call(CAT, "POST", "/api/v1/me/shares", "application/json",
             "{\"expires_days\":0}", 400);
    assert_string_equal(str(j, "field"), "expires_days");
    json_decref(j);

    /* An expired share (made in the store, as time passing would). */
    s = harness_store_open(&srv);
    memset(&sh, 0, sizeof sh);
    memcpy(sh.uln, uln_cat, sizeof sh.uln);
    lrs_auth_token_new(tok, sh.token_hash);
    sh.expires_ms = (int64_t)time(NULL) * 1000 - 1000;
    assert_int_equal(lrs_store_share_insert(s, &sh), LRS_OK);
    lrs_store_free(s);
    snprintf(path, sizeof path, "/api/v1/shares/%s", tok);
    j = call(WHO__COUNT, "GET", path, NULL, NULL, 404);
    json_decref(j);
    j = call(WHO__COUNT, "GET", "/api/v1/shares/lrst_nonsense", NULL, NULL,
             404);
    json_decref(j);

    /* The learner's list: every share with its state, never a token. */
    j = call(CAT, "GET", "/api/v1/me/shares", NULL, NULL, 200);
    v = json_object_get(j, "shares");
    assert_int_equal(json_array_size(v), 3);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(v, 0), "id")), id);
    assert_string_equal(str(json_array_get(v, 0), "state"), "revoked");
    assert_string_equal(str(json_array_get(v, 1), "state"), "active");
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(v, 1), "views")), 1);
    assert_int_equal(
        json_array_size(json_object_get(json_array_get(v, 1), "achievements")),
        1);
    assert_string_equal(str(json_array_get(v, 2), "state"), "expired");
    assert_null(json_object_get(json_array_get(v, 0), "token"));
    dump = json_dumps(j, 0);
    assert_non_null(dump);
    assert_null(strstr(dump, "lrst_"));
    free(dump);
    json_decref(j);
    j = call(SAM, "GET", "/api/v1/me/shares", NULL, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(j, "shares")), 0);
    json_decref(j);
    j = call(AOA, "GET", "/api/v1/me/shares", NULL, NULL, 403);
    json_decref(j);
}

static void test_plr__learner_sets_ability_to_share(void **state)
{
    char path[160];
    json_t *j;
    int before;

    (void)state;
    /* Sam does not share: refused; Sam says yes: granted; no again. */
    plr_path(path, sizeof path, uln_sam, "Sam", "Ward");
    j = call(AOA, "GET", path, NULL, NULL, 403);
    assert_string_equal(str(j, "code"), "WSEC0206");
    json_decref(j);
    before = audit_count(uln_sam, LRS_AUDIT_UPDATE);
    j = call(SAM, "PUT", "/api/v1/me/ability-to-share", "application/json",
             "{\"ability_to_share\":1}", 200);
    json_decref(j);
    assert_int_equal(audit_count(uln_sam, LRS_AUDIT_UPDATE), before + 1);
    j = call(AOA, "GET", path, NULL, NULL, 200);
    json_decref(j);
    j = call(SAM, "PUT", "/api/v1/me/ability-to-share", "application/json",
             "{\"ability_to_share\":2}", 200);
    json_decref(j);
    j = call(AOA, "GET", path, NULL, NULL, 403);
    assert_string_equal(str(j, "code"), "WSEC0206");
    json_decref(j);
    /* 0 (notice not seen) is not a choice; nor is anything else. */
    j = call(SAM, "PUT", "/api/v1/me/ability-to-share", "application/json",
             "{\"ability_to_share\":0}", 400);
    assert_string_equal(str(j, "field"), "ability_to_share");
    json_decref(j);
    j = call(SAM, "PUT", "/api/v1/me/ability-to-share", "application/json",
             "{\"ability_to_share\":\"yes\"}", 400);
    json_decref(j);
    j = call(AOA, "PUT", "/api/v1/me/ability-to-share", "application/json",
             "{\"ability_to_share\":1}", 403);
    json_decref(j);
}

/* ------------------------------------------------------------------ */
/* Learner accounts: sign-up codes                                    */
/* ------------------------------------------------------------------ */

static json_t *signup_as(const char *uln, const char *given, const char *family,
                         const char *dob, const char *code, long status)
{
    char body[512];

    snprintf(body, sizeof body,
             "{\"uln\":\"%s\",\"given_name\":\"%s\",\"family_name\":\"%s\","
             "\"date_of_birth\":\"%s\",\"code\":\"%s\",\"login\":"
             "\"new.learner\",\"password\":\"a long enough passphrase\"}",
             uln, given, family, dob, code);
    return call(WHO__COUNT, "POST", "/api/v1/signup", "application/json", body,
                status);
}

/* A sign-up code for `uln`, issued by `w` and expected with `status`. */
static void invite(enum who w, const char *uln, long status, char code[32])
{
    char body[128];
    json_t *j;

    snprintf(body, sizeof body, "{\"uln\":\"%s\"}", uln);
    j = call(w, "POST", "/api/v1/invites", "application/json", body, status);
    snprintf(code, 32, "%s", str(j, "code"));
    json_decref(j);
}

static void test_signup__code_then_account(void **state)
{
    char code[32], sams[32], csv[256];
    int before;
    json_t *j;

    (void)state;
    /* Only schools and operators issue codes. */
    invite(AOA, uln_tom, 403, code);
    invite(SAM, uln_tom, 403, code);
    invite(OP, uln_none, 404, code);
    /* A school only for its own pupils: Tom is in none of the teacher's
     * files, roster or entries yet, and is refused as if no one had the
     * ULN; once the school enters him for an exam, it may. */
    invite(TEACHER, uln_tom, 404, code);
    snprintf(csv, sizeof csv,
             "candidate_number,qualification_code,series,given_name,"
             "family_name,uln\n0009,600/1166/X,2026-06,Tom,Bell,%s\n",
             uln_tom);
    j = call(TEACHER, "POST", "/api/v1/entries?ao=" AO_A, "text/csv", csv, 200);
    json_decref(j);
    before = audit_count(uln_tom, LRS_AUDIT_INVITE);
    invite(TEACHER, uln_tom, 201, code);
    assert_int_equal(strlen(code), 14);
    assert_int_equal(audit_count(uln_tom, LRS_AUDIT_INVITE), before + 1);

    /* Details that are not exactly the register's: one answer, field
     * "code", that does not say what was wrong. */
    j = signup_as(uln_tom, "Tom", "Bell", "2009-07-16", code, 400);
    assert_string_equal(str(j, "field"), "code");
    json_decref(j);
    j = signup_as(uln_tom, "Tom", "Bel", "2009-07-15", code, 400);
    assert_string_equal(str(j, "field"), "code");
    json_decref(j);
    j = signup_as(uln_tom, "Tom", "Bell", "2009-07-15", "AAAA-AAAA-AAAA", 400);
    assert_string_equal(str(j, "field"), "code");
    json_decref(j);
    j = signup_as(uln_tom, "Tom", "Bell", "", code, 400);
    assert_string_equal(str(j, "field"), "date_of_birth");
    json_decref(j);
    /* Sam has an account already (one each). */
    invite(OP, uln_sam, 201, sams);
    j = signup_as(uln_sam, "Sam", "Ward", "2007-05-06", sams, 409);
    assert_string_equal(str(j, "field"), "uln");
    json_decref(j);
    /* The account, which then signs in. */
    j = signup_as(uln_tom, "Tom", "Bell", "2009-07-15", code, 201);
    assert_string_equal(str(j, "uln"), uln_tom);
    assert_string_equal(str(j, "login"), "new.learner");
    json_decref(j);
    assert_int_equal(audit_count(uln_tom, LRS_AUDIT_INVITE), before + 2);
    /* That row also names the account made: its trail is that row. */
    {
        struct lrs_store *st = harness_store_open(&srv);
        struct lrs_user u;
        struct lrs_audit got;

        assert_int_equal(lrs_store_user_get_by_login(st, "new.learner", &u),
                         LRS_OK);
        memset(&got, 0, sizeof got);
        assert_int_equal(lrs_store_audit_scan_user(st, u.id, keep_audit, &got),
                         LRS_OK);
        assert_int_equal(got.action, LRS_AUDIT_INVITE);
        assert_int_equal(got.subject_user_id, u.id);
        assert_string_equal(got.uln, uln_tom);
        lrs_store_free(st);
    }
    j = call(WHO__COUNT, "POST", "/api/v1/session", "application/json",
             "{\"login\":\"new.learner\",\"password\":\"a long enough "
             "passphrase\"}",
             200);
    json_decref(j);
    /* Once only. */
    j = signup_as(uln_tom, "Tom", "Bell", "2009-07-15", code, 400);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify__each_code),
        cmocka_unit_test(test_verify__bad_input_and_roles),
        cmocka_unit_test(test_verify__batch_csv_and_json),
        cmocka_unit_test(test_results__good_bad_duplicate_and_corrections),
        cmocka_unit_test(test_results__ao_isolation_and_roles),
        cmocka_unit_test(test_entries__verified_pending_sent_isolated),
        cmocka_unit_test(test_plr__granted_refused_linked),
        cmocka_unit_test(test_plr__learner_sees_only_their_own),
        cmocka_unit_test(test_shares__open_revoke_expire),
        cmocka_unit_test(test_plr__learner_sets_ability_to_share),
        cmocka_unit_test(test_signup__code_then_account),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
