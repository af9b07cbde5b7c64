/*
 * test_worker.c - lrsd's batch worker (cmd/lrsd/worker.c) against a real
 * lrsd: a job stopped by SIGTERM in the middle stops at a chunk boundary,
 * is queued again with its checkpoint, and the next lrsd on the same
 * store carries on from there and finishes it with nobody registered
 * twice; and jobs run against the server's shared match index, loaded
 * once for every job (lrsd logs "match index loaded" each time it loads
 * it), not once per job.
 *
 * The CTF is made here: PUPILS pupils with distinct names, dates of birth
 * and postcodes (many registered, some possible matches of one another).
 * It is big enough that the job runs for many chunks (a chunk is at most
 * 250 ms of work), so the SIGTERM sent after the first commit lands while
 * the job runs. Waits are generous bounds; no timing is asserted.
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

#define PUPILS 20000

static struct harness srv;
static char school[96];

static const char *const given[] = {
    "Amara", "Ben",  "Chloe", "Dev",   "Ella",     "Finn", "Grace", "Harry",
    "Isla",  "Jack", "Kiran", "Leah",  "Mohammed", "Nia",  "Oscar", "Priya",
    "Quinn", "Rosa", "Sam",   "Tariq", "Una",      "Vik",  "Will",  "Zara"};
static const char *const family[] = {
    "Adams",  "Begum",  "Clarke", "Davies", "Evans", "Fraser",
    "Green",  "Hughes", "Iqbal",  "Jones",  "Khan",  "Lewis",
    "Morgan", "Nowak",  "Okafor", "Patel",  "Quinn", "Roberts",
    "Singh",  "Taylor", "Udeh",   "Vance",  "Walsh", "Young"};
static const char *const postcodes[] = {"LS1 1AA", "M1 1AE", "BS1 4DJ",
                                        "NE1 4ST", "B1 1AA", "CF10 1AA"};

/* PUPILS pupils, each a distinct person (name, date of birth). */
static void make_ctf(struct lrs_buf *b)
{
    assert_int_equal(
        lrs_buf_adds(b, "<?xml version=\"1.0\"?>\n<CTfile><Header>"
                        "<CTFversion>25.0</CTFversion><SourceSchool><LEA>801"
                        "</LEA><Estab>2000</Estab></SourceSchool></Header>\n"
                        "<CTFpupilData>\n"),
        LRS_OK);
    for (unsigned i = 0; i < PUPILS; i++) {
        const size_t ng = sizeof given / sizeof given[0];
        const size_t nf = sizeof family / sizeof family[0];

        assert_int_equal(
            lrs_buf_addf(
                b,
                "<Pupil><UPN>H801200001001</UPN><Surname>%s%c%c</Surname>"
                "<Forename>%s</Forename><DOB>20%02u-%02u-%02u</DOB>"
                "<Sex>%c</Sex><Address><AddressLines><AddressLine1>%u High "
                "St</AddressLine1></AddressLines><PostCode>%s</PostCode>"
                "</Address></Pupil>\n",
                family[i % nf], 'a' + (char)(i / nf % 26),
                'a' + (char)(i / nf / 26 % 26), given[i / 7 % ng], 8 + i % 4,
                1 + i % 12, 1 + i % 28, i % 2 ? 'F' : 'M', 1 + i % 300,
                postcodes[i % 6]),
            LRS_OK);
    }
    assert_int_equal(lrs_buf_adds(b, "</CTFpupilData></CTfile>\n"), LRS_OK);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

static int64_t upload(const struct lrs_buf *ctf, const char *name)
{
    const char *const hdrs[] = {school, NULL};
    struct http_resp res;
    char path[128];
    int64_t id;
    json_t *j;

    snprintf(path, sizeof path, "/api/v1/batches?name=%s", name);
    http_request(&srv, "POST", path, "application/xml", ctf->data, ctf->len,
                 hdrs, &res);
    if (res.status != 202) {
        harness_dump_log(&srv);
        fail_msg("upload: %ld: %s", res.status, res.body.data);
    }
    j = http_json(&res);
    id = json_integer_value(json_object_get(j, "id"));
    assert_true(id > 0);
    json_decref(j);
    http_resp_release(&res);
    return id;
}

/* The job as lrsd shows it: status and rows done. */
static void job_state(int64_t id, char status[16], uint64_t *done)
{
    const char *const hdrs[] = {school, NULL};
    struct http_resp res;
    char path[64];
    json_t *j;

    snprintf(path, sizeof path, "/api/v1/batches/%lld", (long long)id);
    http_request(&srv, "GET", path, NULL, NULL, 0, hdrs, &res);
    if (res.status != 200) {
        harness_dump_log(&srv);
        fail_msg("GET %s: %ld", path, res.status);
    }
    j = http_json(&res);
    snprintf(status, 16, "%s",
             json_string_value(json_object_get(j, "status"))
                 ? json_string_value(json_object_get(j, "status"))
                 : "");
    *done = (uint64_t)json_integer_value(json_object_get(j, "rows_done"));
    json_decref(j);
    http_resp_release(&res);
}

/* Poll job `id` until it is done (bounded: ten minutes). */
static void wait_done(int64_t id)
{
    char status[16];
    uint64_t done;

    for (int i = 0;; i++) {
        job_state(id, status, &done);
        if (strcmp(status, "done") == 0)
            return;
        if (strcmp(status, "failed") == 0 || i == 6000) {
            harness_dump_log(&srv);
            fail_msg("job %lld: %s", (long long)id, status);
        }
        sleep_ms(100);
    }
}

/* Lines of lrsd's log holding `needle`. */
static int log_count(const char *needle)
{
    char line[2048];
    int n = 0;
    FILE *f = fopen(srv.log, "r");

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        n += strstr(line, needle) != NULL;
    fclose(f);
    return n;
}

struct tally {
    uint64_t rows, registered;
};

static enum lrs_err tally(const struct lrs_job_row *r, void *ctx)
{
    struct tally *t = ctx;

    t->rows++;
    t->registered += strcmp(r->code, "WSRC0005") == 0;
    return LRS_OK;
}

static int setup(void **state)
{
    struct lrs_store *s;
    int64_t org;

    (void)state;
    assert_int_equal(lrs_auth_init(), LRS_OK);
    harness_start(&srv, NULL);
    s = harness_store_open(&srv);
    org = harness_org_add(s, LRS_ORG_SCHOOL, "Example Academy", 2000);
    harness_user_add(s, org, "teacher", LRS_ROLE_SCHOOL_USER, school);
    lrs_store_free(s);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return harness_stop(&srv) == 0 ? 0 : -1;
}

static void
test_worker__sigterm_stops_at_a_chunk_and_the_next_start_resumes(void **state)
{
    struct lrs_buf ctf = LRS_BUF_INIT, small = LRS_BUF_INIT;
    struct lrs_store_stats st;
    struct tally t = {0, 0};
    struct lrs_store *s;
    struct lrs_job j;
    char status[16];
    uint64_t done = 0;
    int64_t id, id2;

    (void)state;
    make_ctf(&ctf);
    id = upload(&ctf, "big.xml");
    /* The first chunk committed: the job is under way. */
    for (int i = 0; done == 0; i++) {
        job_state(id, status, &done);
        if (strcmp(status, "failed") == 0 || strcmp(status, "done") == 0 ||
            i == 6000) {
            harness_dump_log(&srv);
            fail_msg("job %lld: %s before it could be stopped", (long long)id,
                     status);
        }
        if (done == 0)
            sleep_ms(20);
    }
    assert_int_equal(harness_term(&srv), 0);
    assert_int_equal(log_count("job stopped"), 1);

    /* Queued again with its checkpoint, by nobody. */
    s = harness_store_open(&srv);
    assert_int_equal(lrs_store_job_get(s, id, &j), LRS_OK);
    assert_int_equal(j.status, LRS_JOB_QUEUED);
    assert_string_equal(j.claimed_by, "");
    assert_true(j.checkpoint > 0 && j.checkpoint < PUPILS);
    assert_int_equal(j.rows_done, j.checkpoint);
    assert_int_equal(j.rows_total, PUPILS);
    lrs_store_free(s);

    /* The next start carries on from the checkpoint and finishes. */
    harness_restart(&srv, NULL);
    wait_done(id);
    assert_int_equal(log_count("job started"), 1);
    assert_int_equal(log_count("from=0"), 0);
    s = harness_store_open(&srv);
    assert_int_equal(lrs_store_job_row_scan(s, id, tally, &t), LRS_OK);
    assert_int_equal(t.rows, PUPILS);
    assert_true(t.registered > 0);
    /* Nobody registered twice: one learner per WSRC0005 row. */
    assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
    assert_int_equal(st.learners, t.registered);
    lrs_store_free(s);

    /* Another job: the same shared index, loaded once in this lrsd. */
    assert_int_equal(
        lrs_buf_adds(&small,
                     "<CTfile><Header><CTFversion>25.0</CTFversion>"
                     "</Header><CTFpupilData><Pupil><UPN>H801200001001</UPN>"
                     "<Surname>Adamsaa</Surname><Forename>Amara</Forename>"
                     "<DOB>2008-01-01</DOB><Sex>M</Sex><Address>"
                     "<AddressLines><AddressLine1>1 High St</AddressLine1>"
                     "</AddressLines><PostCode>LS1 1AA</PostCode></Address>"
                     "</Pupil></CTFpupilData></CTfile>\n"),
        LRS_OK);
    id2 = upload(&small, "small.xml");
    wait_done(id2);
    assert_int_equal(log_count("job done"), 2);
    assert_int_equal(log_count("match index loaded"), 1);
    lrs_buf_release(&ctf);
    lrs_buf_release(&small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_worker__sigterm_stops_at_a_chunk_and_the_next_start_resumes),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
