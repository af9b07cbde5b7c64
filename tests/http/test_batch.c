/*
 * test_batch.c - batches and exceptions against a real lrsd: a school
 * uploads a CTF (tests/data/batch/school.xml), lrsd's worker runs it
 * (polled with a generous bound, no timing asserted), the returned CTF
 * carries ULNs, the exceptions are listed (by job, status and code) and
 * one is resolved; another school sees neither the batch nor its
 * exceptions (404, as missing), and an awarding organisation may not
 * upload (403).
 *
 * The register holds Emma Olivia Morgan with the ULN the file's pupils
 * quote (2931986320), so pupil 8 ("Morgen", another postcode, recorded
 * as male) is a possible match: an exception naming her.
 */
#include "harness.h"

#include <lrs/batch.h>
#include <lrs/lrs.h>
#include <lrs/store.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EMMA "2931986320"

static struct harness srv;
static char school[96], other[96], ao[96];
static struct lrs_buf ctf = LRS_BUF_INIT;
static int64_t job_id, exception_id;
static int64_t school_org, teacher_id; /* the uploader */

/* ------------------------------------------------------------------ */
/* Learners made in the store directly                                */
/* ------------------------------------------------------------------ */

static void set(struct lrs_learner *l, enum lrs_learner_field f, const char *v)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_learner_field_set(l, f, lrs_str_c(v), &d) != LRS_OK)
        fail_msg("%s: %s", lrs_learner_field_name(f), d.msg);
}

/* Emma Olivia Morgan, with the ULN the CTF quotes. */
static void add_emma(struct lrs_store *s)
{
    const struct lrs_actor actor = LRS_ACTOR_CLI;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_learner l;

    lrs_learner_init(&l);
    set(&l, LRS_FIELD_ULN, EMMA);
    set(&l, LRS_FIELD_GIVEN_NAME, "Emma");
    set(&l, LRS_FIELD_MIDDLE_NAMES, "Olivia");
    set(&l, LRS_FIELD_FAMILY_NAME, "Morgan");
    set(&l, LRS_FIELD_DATE_OF_BIRTH, "2010-09-28");
    set(&l, LRS_FIELD_GENDER, "F");
    set(&l, LRS_FIELD_POSTCODE, "BN6 8JE");
    if (lrs_service_learner_register(s, &actor, &l, &d) != LRS_OK)
        fail_msg("register: %s", d.msg);
}

static void read_ctf(void)
{
    char path[1024], chunk[4096];
    const char *dir = getenv("LRS_BATCH_DATA");
    size_t n;
    FILE *f;

    snprintf(path, sizeof path, "%s/school.xml",
             dir ? dir : "tests/data/batch");
    f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open '%s'", path);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        assert_int_equal(lrs_buf_add(&ctf, chunk, n), LRS_OK);
    fclose(f);
}

static int setup(void **state)
{
    struct lrs_store *s;
    int64_t a, b, aoid;

    (void)state;
    assert_int_equal(lrs_auth_init(), LRS_OK);
    read_ctf();
    harness_start(&srv, NULL);
    s = harness_store_open(&srv);
    add_emma(s);
    a = harness_org_add(s, LRS_ORG_SCHOOL, "Example Academy", 2000);
    b = harness_org_add(s, LRS_ORG_SCHOOL, "Other School", 2001);
    aoid = harness_org_add(s, LRS_ORG_AO, "Example Awards", 1);
    school_org = a;
    teacher_id = harness_user_make(
        s, a,
        &(struct harness_user){"teacher", LRS_ROLE_SCHOOL_USER, NULL, NULL,
                               false, true},
        school);
    harness_user_add(s, b, "elsewhere", LRS_ROLE_SCHOOL_USER, other);
    harness_user_add(s, aoid, "awarder", LRS_ROLE_AO_USER, ao);
    lrs_store_free(s);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lrs_buf_release(&ctf);
    return harness_stop(&srv) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Requests                                                           */
/* ------------------------------------------------------------------ */

static void get_as(const char *bearer, const char *path, struct http_resp *res)
{
    const char *const hdrs[] = {bearer, NULL};

    http_request(&srv, "GET", path, NULL, NULL, 0, hdrs, res);
}

static void upload_as(const char *bearer, struct http_resp *res)
{
    const char *const hdrs[] = {bearer, NULL};

    http_request(&srv, "POST", "/api/v1/batches?name=school.xml",
                 "application/xml", ctf.data, ctf.len, hdrs, res);
}

/* GET `path` as `bearer`, expecting `status`; the body as JSON. */
static json_t *get_json(const char *bearer, const char *path, long status)
{
    struct http_resp res;
    json_t *j;

    get_as(bearer, path, &res);
    if (res.status != status) {
        harness_dump_log(&srv);
        fail_msg("GET %s: %ld, not %ld: %s", path, res.status, status,
                 res.body.data);
    }
    j = http_json(&res);
    http_resp_release(&res);
    return j;
}

static const char *str(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));

    return v ? v : "";
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* ------------------------------------------------------------------ */
/* Tests, in order: each uses what the one before made                */
/* ------------------------------------------------------------------ */

static void test_upload__ao_is_403(void **state)
{
    struct http_resp res;

    (void)state;
    upload_as(ao, &res);
    http_assert_error(&res, 403, "LRSD0403", NULL);
    http_resp_release(&res);
}

static void test_upload__school_runs_to_done(void **state)
{
    struct http_resp res;
    char path[64];
    json_t *j;

    (void)state;
    upload_as(school, &res);
    if (res.status != 202) {
        harness_dump_log(&srv);
        fail_msg("upload: %ld: %s", res.status, res.body.data);
    }
    j = http_json(&res);
    job_id = json_integer_value(json_object_get(j, "id"));
    assert_true(job_id > 0);
    json_decref(j);
    http_resp_release(&res);

    /* Poll until the worker is done: bounded only so that a broken
     * server cannot hang the run (two minutes). */
    snprintf(path, sizeof path, "/api/v1/batches/%lld", (long long)job_id);
    for (int i = 0;; i++) {
        const char *status;

        j = get_json(school, path, 200);
        status = str(j, "status");
        if (strcmp(status, "done") == 0) {
            json_decref(j);
            break;
        }
        if (strcmp(status, "failed") == 0 || i == 1200) {
            harness_dump_log(&srv);
            fail_msg("job %lld: %s (%s)", (long long)job_id, status,
                     str(j, "error"));
        }
        json_decref(j);
        sleep_ms(100);
    }
}

static void test_download__ctf_has_ulns(void **state)
{
    struct http_resp res;
    char path[64];

    (void)state;
    snprintf(path, sizeof path, "/api/v1/batches/%lld/ctf", (long long)job_id);
    get_as(school, path, &res);
    assert_int_equal(res.status, 200);
    assert_non_null(strstr(res.body.data, "<UniqueLearnerNumber>"));
    assert_non_null(strstr(res.body.data, EMMA));
    http_resp_release(&res);
}

struct audit_count {
    int batch; /* rows with source batch */
    int wrong; /* of those, rows that do not name the uploader */
};

static enum lrs_err count_audit(const struct lrs_audit *a, void *ctx)
{
    struct audit_count *c = ctx;

    if (!a->actor.source || strcmp(a->actor.source, "batch") != 0)
        return LRS_OK;
    c->batch++;
    if (a->actor.user_id != teacher_id || a->actor.org_id != school_org ||
        !a->actor.addr || strcmp(a->actor.addr, "127.0.0.1") != 0)
        c->wrong++;
    return LRS_OK;
}

/* The audit rows the worker wrote name the uploader: user, organisation
 * and the address the file came from (kept with the job). */
static void test_audit__batch_rows_name_the_uploader(void **state)
{
    struct audit_count c = {0, 0};
    struct lrs_store *s = harness_store_open(&srv);
    struct http_resp res;
    struct lrs_job job;
    char path[64];
    const char *p;

    (void)state;
    assert_int_equal(lrs_store_job_get(s, job_id, &job), LRS_OK);
    assert_string_equal(job.addr, "127.0.0.1");
    assert_int_equal(job.user_id, teacher_id);
    snprintf(path, sizeof path, "/api/v1/batches/%lld/ctf", (long long)job_id);
    get_as(school, path, &res);
    assert_int_equal(res.status, 200);
    /* Every learner of the returned CTF. */
    for (p = strstr(res.body.data, "<UniqueLearnerNumber>"); p;
         p = strstr(p + 1, "<UniqueLearnerNumber>")) {
        char uln[LRS_ULN_SIZE];

        snprintf(uln, sizeof uln, "%.10s", p + 21);
        assert_int_equal(lrs_store_audit_scan(s, uln, count_audit, &c), LRS_OK);
    }
    http_resp_release(&res);
    lrs_store_free(s);
    assert_true(c.batch > 0);
    assert_int_equal(c.wrong, 0);
}

static void test_exceptions__listed_and_one_resolved(void **state)
{
    struct http_resp res;
    char path[96], body[96];
    const char *const hdrs[] = {school, NULL};
    json_t *j, *list, *x;
    char *text;
    size_t i;

    (void)state;
    snprintf(path, sizeof path, "/api/v1/exceptions?job=%lld&status=open",
             (long long)job_id);
    j = get_json(school, path, 200);
    list = json_object_get(j, "exceptions");
    assert_true(json_array_size(list) >= 1);
    json_array_foreach(list, i, x)
    {
        const char *code = str(x, "code");

        assert_int_equal(json_integer_value(json_object_get(x, "job_id")),
                         job_id);
        if (!exception_id &&
            (strcmp(code, "WSRC0003") == 0 || strcmp(code, "WSRC0002") == 0))
            exception_id = json_integer_value(json_object_get(x, "id"));
    }
    json_decref(j);
    if (!exception_id)
        fail_msg("no possible-match exception for 'Morgen'");

    /* Emma is a candidate: choose her. */
    snprintf(path, sizeof path, "/api/v1/exceptions/%lld",
             (long long)exception_id);
    j = get_json(school, path, 200);
    text = json_dumps(json_object_get(j, "explanation"), 0);
    assert_non_null(text);
    assert_non_null(strstr(text, EMMA));
    free(text);
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/exceptions/%lld/resolve",
             (long long)exception_id);
    snprintf(body, sizeof body, "{\"uln\":\"%s\"}", EMMA);
    http_request(&srv, "POST", path, "application/json", body, strlen(body),
                 hdrs, &res);
    if (res.status != 200) {
        harness_dump_log(&srv);
        fail_msg("resolve: %ld: %s", res.status, res.body.data);
    }
    j = http_json(&res);
    assert_string_equal(str(j, "status"), "resolved");
    assert_string_equal(str(j, "uln"), EMMA);
    json_decref(j);
    http_resp_release(&res);

    /* Resolved once only. */
    http_request(&srv, "POST", path, "application/json", body, strlen(body),
                 hdrs, &res);
    assert_int_equal(res.status, 409);
    http_resp_release(&res);
    snprintf(path, sizeof path, "/api/v1/exceptions/%lld",
             (long long)exception_id);
    j = get_json(school, path, 200);
    assert_string_equal(str(j, "status"), "resolved");
    json_decref(j);
}

/* The codes of the exceptions `path` lists, "RC010 WSRC0003 ". */
static void codes_of(const char *bearer, const char *path, char *out,
                     size_t size)
{
    json_t *j = get_json(bearer, path, 200), *x;
    size_t i, used = 0;

    out[0] = '\0';
    json_array_foreach(json_object_get(j, "exceptions"), i, x)
    {
        const int n = snprintf(out + used, size - used, "%s ", str(x, "code"));

        assert_true(n > 0 && (size_t)n < size - used);
        used += (size_t)n;
    }
    json_decref(j);
}

/* ?code= is filtered by the store, with the other filters; a code no
 * exception can have is refused naming the field. Runs after one
 * WSRC0003 was resolved. */
static void test_exceptions__filtered_by_code(void **state)
{
    static const char *const bad[] = {"XYZ", "rc010", "WSRC0004",
                                      "RC0100000000000", "RC010%20"};
    struct http_resp res;
    char path[128], codes[256];

    (void)state;
    codes_of(school, "/api/v1/exceptions", codes, sizeof codes);
    assert_string_equal(codes, "RC010 RC006 RC013 WSEC0136 WSRC0003 ");
    codes_of(school, "/api/v1/exceptions?code=RC010", codes, sizeof codes);
    assert_string_equal(codes, "RC010 ");
    snprintf(path, sizeof path,
             "/api/v1/exceptions?job=%lld&status=open&code=RC013",
             (long long)job_id);
    codes_of(school, path, codes, sizeof codes);
    assert_string_equal(codes, "RC013 ");
    snprintf(path, sizeof path, "/api/v1/exceptions?job=%lld&code=RC013",
             (long long)(job_id + 1000));
    codes_of(school, path, codes, sizeof codes);
    assert_string_equal(codes, "");
    codes_of(school, "/api/v1/exceptions?status=open&code=WSRC0003", codes,
             sizeof codes);
    assert_string_equal(codes, "");
    codes_of(school, "/api/v1/exceptions?status=resolved&code=WSRC0003", codes,
             sizeof codes);
    assert_string_equal(codes, "WSRC0003 ");
    codes_of(school, "/api/v1/exceptions?code=RC011", codes, sizeof codes);
    assert_string_equal(codes, "");
    codes_of(school, "/api/v1/exceptions?code=", codes, sizeof codes);
    assert_string_equal(codes, "RC010 RC006 RC013 WSEC0136 WSRC0003 ");
    /* Another school: the code matches, the organisation does not. */
    codes_of(other, "/api/v1/exceptions?code=RC010", codes, sizeof codes);
    assert_string_equal(codes, "");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(path, sizeof path, "/api/v1/exceptions?code=%s", bad[i]);
        get_as(school, path, &res);
        http_assert_error(&res, 400, "WSEC0001", "code");
        http_resp_release(&res);
    }
}

static void test_scope__other_school_gets_404(void **state)
{
    const char *const hdrs[] = {other, NULL};
    const char *const body = "{\"uln\":\"" EMMA "\"}";
    struct http_resp res;
    char path[96];
    json_t *j;

    (void)state;
    snprintf(path, sizeof path, "/api/v1/batches/%lld", (long long)job_id);
    json_decref(get_json(other, path, 404));
    snprintf(path, sizeof path, "/api/v1/batches/%lld/ctf", (long long)job_id);
    json_decref(get_json(other, path, 404));
    snprintf(path, sizeof path, "/api/v1/exceptions/%lld",
             (long long)exception_id);
    json_decref(get_json(other, path, 404));
    snprintf(path, sizeof path, "/api/v1/exceptions/%lld/resolve",
             (long long)exception_id);
    http_request(&srv, "POST", path, "application/json", body, strlen(body),
                 hdrs, &res);
    http_assert_error(&res, 404, "LRSD0404", NULL);
    http_resp_release(&res);
    /* Their lists do not show it. */
    j = get_json(other, "/api/v1/batches", 200);
    assert_int_equal(json_array_size(json_object_get(j, "batches")), 0);
    json_decref(j);
    j = get_json(other, "/api/v1/exceptions", 200);
    assert_int_equal(json_array_size(json_object_get(j, "exceptions")), 0);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upload__ao_is_403),
        cmocka_unit_test(test_upload__school_runs_to_done),
        cmocka_unit_test(test_download__ctf_has_ulns),
        cmocka_unit_test(test_audit__batch_rows_name_the_uploader),
        cmocka_unit_test(test_exceptions__listed_and_one_resolved),
        cmocka_unit_test(test_exceptions__filtered_by_code),
        cmocka_unit_test(test_scope__other_school_gets_404),
    };

    return cmocka_run_group_tests_name("http_batch", tests, setup, teardown);
}
