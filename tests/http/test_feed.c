/*
 * test_feed.c - lrsd follows writes made by other processes (the store's
 * change feed, cmd/lrsd/feed.c and pages_index.c): while a real lrsd
 * serves, another process (`lrs register`, `lrs amend`, `lrs merge` on
 * the same SQLite file, or the same PostgreSQL database under
 * tests/pg/with-pg.sh) writes, and
 *
 * - a search finds the new learner, within the feed's poll interval;
 * - an amended family name is found by the new name;
 * - a search matching a merged learner answers its master (WSRC0022);
 * - a registration right after an outside one of a similar person (a
 *   given name spelt differently, so the store's identity key cannot
 *   catch it) is refused with the other learner as candidate, not given
 *   a second ULN;
 * - a batch after an outside registration returns the existing ULN and
 *   registers nobody twice.
 *
 * lrsd loads its index before the outside writes (a search first), so
 * only the feed can bring them in. Waits are generous bounds (20 s) that
 * only stop a broken server from hanging the run: no timing is asserted.
 */
#include "harness.h"

#include <lrs/lrs.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WAIT_MS 20000

static struct harness srv;
static char school[96], op[96];

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Run `lrs ARGS --db <the server's store>`; its first output line into
 * `out` (may be NULL). Fails the test unless it exits 0. */
static void lrs(char *out, size_t out_len, const char *fmt, ...)
    LRS_PRINTF(3, 4);

static void lrs(char *out, size_t out_len, const char *fmt, ...)
{
    const char *bin = getenv("LRS_BIN");
    char args[512], cmd[1024], line[256] = "";
    va_list ap;
    FILE *f;
    int rc;

    if (!bin)
        fail_msg("LRS_BIN is not set");
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "'%s' %s --db '%s' 2>&1", bin, args, srv.db);
    f = popen(cmd, "r");
    assert_non_null(f);
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    while (fgetc(f) != EOF)
        ;
    rc = pclose(f);
    if (rc != 0)
        fail_msg("lrs %s: exit %d: %s", args, rc, line);
    line[strcspn(line, "\n")] = '\0';
    if (out)
        snprintf(out, out_len, "%s", line);
}

/* `lrs register` a learner; its ULN. */
static void outside_register(const char *given, const char *family,
                             const char *dob, const char *postcode,
                             char uln[LRS_ULN_SIZE])
{
    char line[256];

    lrs(line, sizeof line,
        "register --given '%s' --family '%s' --dob %s --gender 2 "
        "--postcode '%s'",
        given, family, dob, postcode);
    if (strncmp(line, "WSRC0005 ", 9) != 0 || strlen(line) != 19)
        fail_msg("lrs register: %s", line);
    memcpy(uln, line + 9, LRS_ULN_SIZE);
}

static void post_as(const char *bearer, const char *path, const char *json,
                    struct http_resp *res)
{
    const char *const hdrs[] = {bearer, NULL};

    http_request(&srv, "POST", path, "application/json", json, strlen(json),
                 hdrs, res);
}

static const char *str(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));

    return v ? v : "";
}

/* POST a search; the answer's code, and the answered learner's ULN (""
 * unless exact) into `uln`. */
static void search(const char *given, const char *family, const char *dob,
                   const char *postcode, char code[16], char uln[LRS_ULN_SIZE])
{
    struct http_resp res;
    char body[512];
    json_t *j;

    snprintf(body, sizeof body,
             "{\"given_name\":\"%s\",\"family_name\":\"%s\","
             "\"date_of_birth\":\"%s\",\"gender\":2,\"postcode\":\"%s\"}",
             given, family, dob, postcode);
    post_as(op, "/api/v1/learners/search", body, &res);
    if (res.status != 200) {
        harness_dump_log(&srv);
        fail_msg("search: %ld: %s", res.status, res.body.data);
    }
    j = http_json(&res);
    snprintf(code, 16, "%s", str(j, "code"));
    snprintf(uln, LRS_ULN_SIZE, "%s",
             str(json_object_get(j, "learner"), "uln"));
    json_decref(j);
    http_resp_release(&res);
}

/* Search until the answer is `want_code` with learner `want_uln`; fails
 * after WAIT_MS. */
static void search_until(const char *given, const char *family, const char *dob,
                         const char *postcode, const char *want_code,
                         const char *want_uln)
{
    char code[16], uln[LRS_ULN_SIZE];

    for (int waited = 0;; waited += 50) {
        search(given, family, dob, postcode, code, uln);
        if (strcmp(code, want_code) == 0 && strcmp(uln, want_uln) == 0)
            return;
        if (waited >= WAIT_MS) {
            harness_dump_log(&srv);
            fail_msg("search for %s %s: %s %s, not %s %s", given, family, code,
                     uln, want_code, want_uln);
        }
        sleep_ms(50);
    }
}

static uint64_t learners_in_store(void)
{
    struct lrs_store *s = harness_store_open(&srv);
    struct lrs_store_stats st;

    assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
    lrs_store_free(s);
    return st.learners;
}

/* ------------------------------------------------------------------ */
/* Set-up                                                             */
/* ------------------------------------------------------------------ */

static int setup(void **state)
{
    /* The searches below poll: no rate limit in the way. */
    static const char *const extra[] = {"--search-rate", "100000", NULL};
    struct lrs_store *s;
    char code[16], uln[LRS_ULN_SIZE];
    int64_t sch;

    (void)state;
    assert_int_equal(lrs_auth_init(), LRS_OK);
    harness_start(&srv, extra);
    s = harness_store_open(&srv);
    sch = harness_org_add(s, LRS_ORG_SCHOOL, "Mill Lane", 2000);
    harness_user_add(s, sch, "teacher", LRS_ROLE_SCHOOL_USER, school);
    harness_user_add(s, 0, "op", LRS_ROLE_OPERATOR, op);
    lrs_store_free(s);
    /* The index is loaded now, before any outside write. */
    search("Nobody", "Atall", "2009-01-01", "LS1 1AA", code, uln);
    assert_string_equal(code, "WSRC0001");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return harness_stop(&srv) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Tests                                                              */
/* ------------------------------------------------------------------ */

static void test_feed__outside_register_is_found(void **state)
{
    char uln[LRS_ULN_SIZE];

    (void)state;
    outside_register("Folasade", "Bankole", "2009-05-04", "LS6 2AB", uln);
    search_until("Folasade", "Bankole", "2009-05-04", "LS6 2AB", "WSRC0004",
                 uln);
}

static void test_feed__amended_name_is_found(void **state)
{
    char uln[LRS_ULN_SIZE], line[256];

    (void)state;
    outside_register("Ngozi", "Adeyemi", "2010-02-03", "M14 5RE", uln);
    search_until("Ngozi", "Adeyemi", "2010-02-03", "M14 5RE", "WSRC0004", uln);
    lrs(line, sizeof line,
        "amend %s --version 1 --family Whitfield --reason 'deed poll'", uln);
    search_until("Ngozi", "Whitfield", "2010-02-03", "M14 5RE", "WSRC0004",
                 uln);
}

static void test_feed__merged_answers_master(void **state)
{
    char master[LRS_ULN_SIZE], dup[LRS_ULN_SIZE];

    (void)state;
    outside_register("Tobias", "Lindqvist", "2009-09-19", "BS6 5NL", master);
    outside_register("Aurelia", "Marchetti", "2011-01-30", "NE1 4ST", dup);
    search_until("Aurelia", "Marchetti", "2011-01-30", "NE1 4ST", "WSRC0004",
                 dup);
    lrs(NULL, 0, "merge %s --into %s --reason 'one person'", dup, master);
    search_until("Aurelia", "Marchetti", "2011-01-30", "NE1 4ST", "WSRC0022",
                 master);
}

static void test_feed__register_after_outside_one_refused(void **state)
{
    char uln[LRS_ULN_SIZE];
    struct http_resp res;
    uint64_t before;
    json_t *j, *cand;

    (void)state;
    outside_register("Oluwaseun", "Okonjo", "2010-07-08", "B1 1AA", uln);
    before = learners_in_store();
    /* At once, no waiting: the registration reads the feed itself. The
     * given name is spelt differently, so only the search can see it. */
    post_as(school, "/api/v1/learners",
            "{\"given_name\":\"Oluwasuen\",\"family_name\":\"Okonjo\","
            "\"date_of_birth\":\"2010-07-08\",\"gender\":2,"
            "\"postcode\":\"B1 1AA\"}",
            &res);
    if (res.status != 409) {
        harness_dump_log(&srv);
        fail_msg("register: %ld, not 409: %s", res.status, res.body.data);
    }
    j = http_json(&res);
    assert_string_equal(str(j, "code"), "WSRC0021");
    cand = json_object_get(j, "learner");
    if (!cand)
        cand = json_array_get(json_object_get(j, "candidates"), 0);
    assert_string_equal(str(cand, "uln"), uln);
    json_decref(j);
    http_resp_release(&res);
    assert_int_equal(learners_in_store(), before);
}

/* A CTF of one pupil for the school (LA 801, establishment 2000). */
static void one_pupil_ctf(struct lrs_buf *b, const char *forename,
                          const char *surname, const char *dob,
                          const char *postcode)
{
    assert_int_equal(
        lrs_buf_addf(b,
                     "<?xml version=\"1.0\"?>\n<CTfile><Header>"
                     "<CTFversion>25.0</CTFversion><SourceSchool><LEA>801"
                     "</LEA><Estab>2000</Estab></SourceSchool></Header>\n"
                     "<CTFpupilData><Pupil><UPN>H801200001001</UPN>"
                     "<Surname>%s</Surname><Forename>%s</Forename>"
                     "<DOB>%s</DOB><Sex>F</Sex><Address><AddressLines>"
                     "<AddressLine1>4 High St</AddressLine1></AddressLines>"
                     "<PostCode>%s</PostCode></Address></Pupil>\n"
                     "</CTFpupilData></CTfile>\n",
                     surname, forename, dob, postcode),
        LRS_OK);
}

static void test_feed__batch_returns_outside_uln(void **state)
{
    const char *const hdrs[] = {school, NULL};
    struct lrs_buf ctf = LRS_BUF_INIT;
    char uln[LRS_ULN_SIZE], path[96];
    struct http_resp res;
    uint64_t before;
    int64_t id;
    json_t *j;

    (void)state;
    outside_register("Saoirse", "Brennan", "2010-11-12", "CF10 1AA", uln);
    before = learners_in_store();
    one_pupil_ctf(&ctf, "Saoirse", "Brennan", "2010-11-12", "CF10 1AA");
    http_request(&srv, "POST", "/api/v1/batches?name=feed.xml",
                 "application/xml", ctf.data, ctf.len, hdrs, &res);
    lrs_buf_release(&ctf);
    if (res.status != 202) {
        harness_dump_log(&srv);
        fail_msg("upload: %ld: %s", res.status, res.body.data);
    }
    j = http_json(&res);
    id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    http_resp_release(&res);
    snprintf(path, sizeof path, "/api/v1/batches/%lld", (long long)id);
    for (int waited = 0;; waited += 50) {
        char status[16];

        http_request(&srv, "GET", path, NULL, NULL, 0, hdrs, &res);
        assert_int_equal(res.status, 200);
        j = http_json(&res);
        snprintf(status, sizeof status, "%s", str(j, "status"));
        json_decref(j);
        http_resp_release(&res);
        if (strcmp(status, "done") == 0)
            break;
        if (strcmp(status, "failed") == 0 || waited >= WAIT_MS) {
            harness_dump_log(&srv);
            fail_msg("job %lld: %s", (long long)id, status);
        }
        sleep_ms(50);
    }
    snprintf(path, sizeof path, "/api/v1/batches/%lld/ctf", (long long)id);
    http_request(&srv, "GET", path, NULL, NULL, 0, hdrs, &res);
    assert_int_equal(res.status, 200);
    if (!strstr(res.body.data, uln))
        fail_msg("returned CTF lacks %s: %s", uln, res.body.data);
    http_resp_release(&res);
    assert_int_equal(learners_in_store(), before);
}

static void test_feed__metrics(void **state)
{
    struct http_resp res;

    (void)state;
    http_get(&srv, "/metrics", &res);
    assert_int_equal(res.status, 200);
    assert_non_null(strstr(res.body.data, "lrsd_feed_lag_seconds "));
    assert_non_null(strstr(res.body.data, "lrsd_feed_changes_applied_total "));
    /* The tests before applied outside writes through the feed. */
    assert_null(strstr(res.body.data, "lrsd_feed_changes_applied_total 0\n"));
    http_resp_release(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_feed__outside_register_is_found),
        cmocka_unit_test(test_feed__amended_name_is_found),
        cmocka_unit_test(test_feed__merged_answers_master),
        cmocka_unit_test(test_feed__register_after_outside_one_refused),
        cmocka_unit_test(test_feed__batch_returns_outside_uln),
        cmocka_unit_test(test_feed__metrics),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
