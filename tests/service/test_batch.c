/*
 * test_batch.c - the S2S batch service (lib/service/batch.c, index.c):
 * each outcome of docs/batch.md, chunked commits and resuming, the same
 * file twice, outputs, resolving exceptions, and the run under
 * allocation failure (an OOM loop). The store comes from
 * tests/store/factory.c (`test_service_batch pg` runs on PostgreSQL).
 */
#include "testutil.h"

#include "factory.h"
#include "store/store_int.h"

#include <lrs/batch.h>
#include <lrs/match.h>
#include <lrs/service.h>

#include <stdio.h>
#include <string.h>

static const struct lrs_actor actor = {5, 0, "test", NULL};

/* Register: Ann Smith (twin sister Beth not registered), Carl Jones. */
static void seed(struct lrs_store *s, char ann[LRS_ULN_SIZE],
                 char carl[LRS_ULN_SIZE])
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_learner l;

    lrs_learner_init(&l);
    snprintf(l.given_name, sizeof l.given_name, "Ann");
    snprintf(l.family_name, sizeof l.family_name, "Smith");
    l.date_of_birth = (struct lrs_date){2010, 3, 4};
    l.gender = LRS_GENDER_FEMALE;
    snprintf(l.postcode, sizeof l.postcode, "BS1 4DJ");
    assert_int_equal(lrs_service_learner_register(s, &actor, &l, &d), LRS_OK);
    memcpy(ann, l.uln, LRS_ULN_SIZE);
    lrs_learner_init(&l);
    snprintf(l.given_name, sizeof l.given_name, "Carl");
    snprintf(l.family_name, sizeof l.family_name, "Jones");
    l.date_of_birth = (struct lrs_date){2009, 7, 8};
    l.gender = LRS_GENDER_MALE;
    snprintf(l.postcode, sizeof l.postcode, "M1 1AE");
    assert_int_equal(lrs_service_learner_register(s, &actor, &l, &d), LRS_OK);
    memcpy(carl, l.uln, LRS_ULN_SIZE);
}

static void pupil(struct lrs_buf *b, const char *upn, const char *uln,
                  const char *surname, const char *forename, const char *dob,
                  const char *sex, const char *postcode)
{
    assert_int_equal(
        lrs_buf_addf(b,
                     "<Pupil><UPN>%s</UPN>%s%s%s<Surname>%s</Surname>"
                     "<Forename>%s</Forename><DOB>%s</DOB><Sex>%s</Sex>"
                     "<Address><AddressLines><AddressLine1>1 High St"
                     "</AddressLine1></AddressLines>%s%s%s</Address>"
                     "</Pupil>\n",
                     upn, uln[0] ? "<UniqueLearnerNumber>" : "", uln,
                     uln[0] ? "</UniqueLearnerNumber>" : "", surname, forename,
                     dob, sex, postcode[0] ? "<PostCode>" : "", postcode,
                     postcode[0] ? "</PostCode>" : ""),
        LRS_OK);
}

/* The CTF of the tests: one pupil per outcome. */
static void ctf(struct lrs_buf *b, const char *ann, const char *carl)
{
    char bad[LRS_ULN_SIZE];

    memcpy(bad, carl, sizeof bad);
    bad[9] = bad[9] == '0' ? '1' : '0';
    assert_int_equal(
        lrs_buf_adds(b, "<?xml version=\"1.0\"?><CTfile><Header>"
                        "<CTFversion>25.0</CTFversion><SourceSchool><LEA>801"
                        "</LEA><Estab>2000</Estab></SourceSchool></Header>"
                        "<CTFpupilData>\n"),
        LRS_OK);
    /* 1 exact, 2 twin: new, 3 new, 4 no postcode, 5 bad UPN, 6 sent ULN,
     * 7 sent ULN of someone else, 8 sent invalid ULN, 9 too young, 10 the
     * new pupil of row 3 again (found, not registered twice). */
    pupil(b, "H801200001001", "", "Smith", "Ann", "2010-03-04", "F", "BS1 4DJ");
    pupil(b, "B801200005001", "", "Smith", "Beth", "2010-03-04", "F",
          "BS1 4DJ");
    pupil(b, "G80120000101A", "", "Patel", "Dev", "2011-01-02", "M", "LS1 1AA");
    pupil(b, "H801200001001", "", "Brown", "Eve", "2011-01-02", "F", "");
    pupil(b, "Z801200001001", "", "Green", "Fay", "2011-01-02", "F", "LS1 1AA");
    pupil(b, "H801200001001", carl, "Jones", "Carl", "2009-07-08", "M",
          "M1 1AE");
    pupil(b, "H801200001001", ann, "Jones", "Carl", "2009-07-08", "M",
          "M1 1AE");
    pupil(b, "H801200001001", bad, "Jones", "Carl", "2009-07-08", "M",
          "M1 1AE");
    pupil(b, "H801200001001", "", "Young", "Gus", "2020-01-01", "M", "LS1 1AA");
    pupil(b, "H801200001001", "", "Patel", "Dev", "2011-01-02", "M", "LS1 1AA");
    assert_int_equal(lrs_buf_adds(b, "</CTFpupilData></CTfile>\n"), LRS_OK);
}

static enum lrs_err collect(const struct lrs_job_row *r, void *ctx)
{
    struct lrs_buf *b = ctx;

    return lrs_buf_addf(b, "%s%s ", r->code,
                        r->uln[0]         ? "+"
                        : r->exception_id ? "!"
                                          : "-");
}

struct fixture {
    struct lrs_store *s;
    struct lrs_match_index *idx;
    char ann[LRS_ULN_SIZE], carl[LRS_ULN_SIZE];
    struct lrs_buf file;
    struct lrs_job job;
};

static void setup(struct fixture *f)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    bool existing;

    memset(f, 0, sizeof *f);
    f->s = factory_new_store();
    seed(f->s, f->ann, f->carl);
    lrs_buf_init(&f->file, 0);
    ctf(&f->file, f->ann, f->carl);
    assert_int_equal(lrs_service_batch_submit(f->s, &actor, "ctf.xml",
                                              f->file.data, f->file.len,
                                              &f->job, &existing, &d),
                     LRS_OK);
    assert_false(existing);
    assert_int_equal(lrs_service_index_load(f->s, NULL, &f->idx, &d), LRS_OK);
}

static void teardown(struct fixture *f)
{
    lrs_match_index_free(f->idx);
    lrs_buf_release(&f->file);
    lrs_store_free(f->s);
}

static const struct lrs_date on = {2026, 9, 1};

/* A row has an exception exactly when its code is an exception's. */
static enum lrs_err check_code(const struct lrs_job_row *r, void *ctx)
{
    (void)ctx;
    if (lrs_batch_code_is_exception(r->code) != (r->exception_id != 0))
        return LRS_ECORRUPT;
    return LRS_OK;
}

/* The codes of docs/batch.md, "The decision for one pupil". */
static void test_batch__codes_listed_and_exceptions_known(void **state)
{
    struct lrs_buf b = LRS_BUF_INIT;
    const char *code;

    (void)state;
    for (size_t i = 0; (code = lrs_batch_code_at(i)) != NULL; i++) {
        const enum lrs_batch_category cat = lrs_batch_code_category(code);
        const bool exc = lrs_batch_code_is_exception(code);

        assert_string_not_equal(lrs_batch_code_text(code), "unknown outcome");
        assert_int_equal(exc,
                         cat != LRS_BATCH_NEW && cat != LRS_BATCH_EXISTING);
        assert_int_equal(lrs_buf_addf(&b, "%s%s ", code, exc ? "!" : ""),
                         LRS_OK);
    }
    assert_string_equal(b.data, "WSRC0005 WSRC0004 WSRC0022 WSVRC001 "
                                "WSVRC002 WSRC0003! WSRC0002! WSEC0136! "
                                "WSVRC006! WSVRC005! RC006! RC010! RC011! "
                                "RC013! ");
    assert_false(lrs_batch_code_is_exception("rc010"));
    assert_false(lrs_batch_code_is_exception("RC0100"));
    assert_false(lrs_batch_code_is_exception(""));
    lrs_buf_release(&b);
}

/* Run the fixture's job with `o` and check each pupil's outcome. */
static void run_each_outcome(struct fixture *f, const struct lrs_batch_opts *o,
                             struct lrs_batch_totals *t)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf rows = LRS_BUF_INIT;

    assert_int_equal(
        lrs_service_batch_run(f->s, f->idx, &actor, f->job.id, o, t, &d),
        LRS_OK);
    assert_int_equal(lrs_store_job_row_scan(f->s, f->job.id, collect, &rows),
                     LRS_OK);
    assert_string_equal(rows.data, "WSRC0004+ WSRC0005+ WSRC0005+ RC010! "
                                   "RC011! WSVRC001+ WSVRC005! WSEC0136! "
                                   "RC013! WSRC0004+ ");
    lrs_buf_release(&rows);
}

static void test_batch__each_outcome(void **state)
{
    struct fixture f;
    struct lrs_batch_opts o = {0};
    struct lrs_batch_totals t;
    struct lrs_buf out = LRS_BUF_INIT;
    struct lrs_job j;

    (void)state;
    setup(&f);
    o.chunk = 3;
    o.on = on;
    run_each_outcome(&f, &o, &t);
    assert_int_equal(lrs_store_job_row_scan(f.s, f.job.id, check_code, NULL),
                     LRS_OK);
    assert_int_equal(t.pupils, 10);
    assert_int_equal(t.count[LRS_BATCH_NEW], 2);
    assert_int_equal(t.count[LRS_BATCH_EXISTING], 3);
    assert_int_equal(t.count[LRS_BATCH_NOT_FOUND], 2);
    assert_int_equal(t.count[LRS_BATCH_REJECTED], 3);
    assert_int_equal(t.exceptions_open, 5);
    assert_int_equal(lrs_store_job_get(f.s, f.job.id, &j), LRS_OK);
    assert_int_equal(j.status, LRS_JOB_DONE);
    assert_int_equal(j.rows_done, 10);
    assert_int_equal(j.checkpoint, 10);
    assert_int_equal(j.rows_total, 10);
    /* The returned CTF carries the ULNs; the report the rest. */
    assert_int_equal(
        lrs_store_job_blob(f.s, f.job.id, LRS_JOB_RETURNED_CTF, &out), LRS_OK);
    assert_non_null(strstr(out.data, f.ann));
    assert_non_null(strstr(out.data, "<SupplierID>openlrs</SupplierID>"));
    assert_int_equal(
        lrs_store_job_blob(f.s, f.job.id, LRS_JOB_REPORT_CSV, &out), LRS_OK);
    assert_non_null(strstr(out.data, "4,H801200001001,Brown,Eve,2011-01-02,"
                                     "RC010,rejected,"));
    assert_null(strstr(out.data, ",Ann,"));
    assert_int_equal(
        lrs_store_job_blob(f.s, f.job.id, LRS_JOB_REPORT_HTML, &out), LRS_OK);
    assert_non_null(strstr(out.data, "<td>Eve Brown</td>"));
    lrs_buf_release(&out);
    teardown(&f);
}

static void test_batch__resume_and_send_twice(void **state)
{
    struct fixture f;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_batch_opts o = {0};
    struct lrs_buf a = LRS_BUF_INIT, b = LRS_BUF_INIT;
    struct lrs_store_stats st1, st2;
    struct lrs_job j, again;
    bool existing;

    (void)state;
    setup(&f);
    o.chunk = 4;
    o.on = on;
    /* A worker claimed it and died: the run takes the job over. */
    assert_int_equal(lrs_store_job_claim(f.s, f.job.id, "dead", 0, &j), LRS_OK);
    assert_int_equal(
        lrs_service_batch_run(f.s, f.idx, &actor, f.job.id, &o, NULL, &d),
        LRS_OK);
    assert_int_equal(lrs_store_job_row_scan(f.s, f.job.id, collect, &a),
                     LRS_OK);
    assert_int_equal(lrs_store_stats(f.s, &st1), LRS_OK);
    /* The same bytes: the same job, done; running it changes nothing. */
    assert_int_equal(lrs_service_batch_submit(f.s, &actor, "again.xml",
                                              f.file.data, f.file.len, &again,
                                              &existing, &d),
                     LRS_OK);
    assert_true(existing);
    assert_int_equal(again.id, f.job.id);
    assert_int_equal(
        lrs_service_batch_run(f.s, f.idx, &actor, again.id, &o, NULL, &d),
        LRS_OK);
    assert_int_equal(lrs_store_job_row_scan(f.s, f.job.id, collect, &b),
                     LRS_OK);
    assert_string_equal(a.data, b.data);
    assert_int_equal(lrs_store_stats(f.s, &st2), LRS_OK);
    assert_int_equal(st1.learners, st2.learners);
    assert_int_equal(st2.learners, 4);
    lrs_buf_release(&a);
    lrs_buf_release(&b);
    teardown(&f);
}

static void test_batch__malformed_file_fails_the_job(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_match_index *idx = NULL;
    struct lrs_job j;
    struct lrs_store_stats st;
    static const char bad[] = "<CTfile><Header></Header><CTFpupilData>"
                              "<Pupil><UPN>H801200001001</UPN>"
                              "<Surname>A</Surname></Pupil>";
    bool existing;

    (void)state;
    assert_int_equal(lrs_service_batch_submit(s, &actor, "bad.xml", bad,
                                              sizeof bad - 1, &j, &existing,
                                              &d),
                     LRS_OK);
    assert_int_equal(lrs_service_index_load(s, NULL, &idx, &d), LRS_OK);
    assert_int_not_equal(
        lrs_service_batch_run(s, idx, &actor, j.id, NULL, NULL, &d), LRS_OK);
    assert_int_equal(lrs_store_job_get(s, j.id, &j), LRS_OK);
    assert_int_equal(j.status, LRS_JOB_FAILED);
    assert_true(j.error[0] != '\0');
    assert_int_equal(j.rows_done, 0);
    assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
    assert_int_equal(st.learners, 0);
    lrs_match_index_free(idx);
    lrs_store_free(s);
}

/* Says stop on its second call: after the first chunk is committed. */
static bool stop_second(void *ctx)
{
    return ++*(int *)ctx == 2;
}

static void test_batch__stop_between_chunks_and_carry_on(void **state)
{
    struct fixture f;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_batch_opts o = {0};
    struct lrs_store_stats st;
    struct lrs_job j;
    int asked = 0;

    (void)state;
    setup(&f);
    o.chunk = 3;
    o.on = on;
    o.should_stop = stop_second;
    o.ctx = &asked;
    assert_int_equal(
        lrs_service_batch_run(f.s, f.idx, &actor, f.job.id, &o, NULL, &d),
        LRS_EBUSY);
    assert_string_equal(d.field, "job");
    assert_non_null(strstr(d.msg, "stopped after pupil 3 of 10"));
    /* Queued again with the first chunk committed, for anyone to claim. */
    assert_int_equal(lrs_store_job_get(f.s, f.job.id, &j), LRS_OK);
    assert_int_equal(j.status, LRS_JOB_QUEUED);
    assert_string_equal(j.claimed_by, "");
    assert_int_equal(j.checkpoint, 3);
    assert_int_equal(j.rows_done, 3);
    assert_int_equal(j.rows_total, 10);
    assert_int_equal(lrs_store_job_claim(f.s, 0, "next", 60000, &j), LRS_OK);
    assert_int_equal(j.id, f.job.id);
    /* The next run carries on with the same index and ends as one run. */
    o.should_stop = NULL;
    run_each_outcome(&f, &o, NULL);
    assert_int_equal(lrs_store_stats(f.s, &st), LRS_OK);
    assert_int_equal(st.learners, 4);
    assert_int_equal(lrs_store_job_get(f.s, f.job.id, &j), LRS_OK);
    assert_int_equal(j.status, LRS_JOB_DONE);
    teardown(&f);
}

static enum lrs_err first_open(const struct lrs_exception *x, void *ctx)
{
    struct lrs_exception *out = ctx;

    if (out->id == 0 && strcmp(x->code, "RC011") != 0 &&
        strcmp(x->code, "RC013") != 0 && strcmp(x->code, "RC010") != 0)
        *out = *x;
    return LRS_OK;
}

static void test_batch__resolve_flows_into_the_returned_ctf(void **state)
{
    struct fixture f;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_batch_opts o = {0};
    struct lrs_exception_filter flt = {0, -1, LRS_EXCEPTION_OPEN, ""};
    struct lrs_exception x;
    struct lrs_buf out = LRS_BUF_INIT;
    char uln[LRS_ULN_SIZE];

    (void)state;
    setup(&f);
    o.on = on;
    assert_int_equal(
        lrs_service_batch_run(f.s, f.idx, &actor, f.job.id, &o, NULL, &d),
        LRS_OK);
    memset(&x, 0, sizeof x);
    flt.job_id = f.job.id;
    assert_int_equal(lrs_store_exception_scan(f.s, &flt, first_open, &x),
                     LRS_OK);
    assert_string_equal(x.code, "WSVRC005");
    /* A reason is required; a ULN must exist. */
    assert_int_equal(
        lrs_service_exception_resolve(f.s, &actor, x.id, f.carl, "", uln, &d),
        LRS_EINVAL);
    assert_int_equal(lrs_service_exception_resolve(
                         f.s, &actor, x.id, "1000000043", "same", uln, &d),
                     LRS_ENOTFOUND);
    assert_int_equal(lrs_service_exception_resolve(f.s, &actor, x.id, f.carl,
                                                   "same pupil", uln, &d),
                     LRS_OK);
    assert_string_equal(uln, f.carl);
    assert_int_equal(lrs_service_exception_resolve(f.s, &actor, x.id, f.carl,
                                                   "again", uln, &d),
                     LRS_ECONFLICT);
    assert_int_equal(
        lrs_store_job_blob(f.s, f.job.id, LRS_JOB_REPORT_CSV, &out), LRS_OK);
    assert_null(strstr(out.data, "WSVRC005"));
    lrs_buf_release(&out);
    teardown(&f);
}

static enum lrs_err count_exception(const struct lrs_exception *x, void *ctx)
{
    (void)x;
    ++*(uint64_t *)ctx;
    return LRS_OK;
}

/*
 * What a job left in the store: its rows, learners, audit, exceptions.
 * Each store has its own ULN key, so two stores issue different ULNs for
 * the same counters: rows are kept as "code:who", who being A or C for
 * the seeded learners and N1, N2... for new ones in order of appearance,
 * and the counter says how many ULNs were issued.
 */
struct effects {
    const struct fixture *f;
    char seen[8][LRS_ULN_SIZE]; /* the new ULNs, N1 first */
    size_t seen_count;
    struct lrs_buf rows;
    uint64_t learners, audit_rows, uln_counter, exceptions;
    uint64_t new_rows, exception_rows;
};

static const char *who(struct effects *e, const char *uln, char buf[8])
{
    size_t i;

    if (!uln[0])
        return "";
    if (strcmp(uln, e->f->ann) == 0)
        return "A";
    if (strcmp(uln, e->f->carl) == 0)
        return "C";
    for (i = 0; i < e->seen_count; i++)
        if (strcmp(uln, e->seen[i]) == 0)
            break;
    if (i == e->seen_count) {
        assert_true(i < sizeof e->seen / sizeof e->seen[0]);
        memcpy(e->seen[e->seen_count++], uln, LRS_ULN_SIZE);
    }
    snprintf(buf, 8, "N%zu", i + 1);
    return buf;
}

static enum lrs_err tally_row(const struct lrs_job_row *r, void *ctx)
{
    struct effects *e = ctx;
    char buf[8];

    e->new_rows += strcmp(r->code, "WSRC0005") == 0;
    e->exception_rows += r->exception_id != 0;
    return lrs_buf_addf(&e->rows, "%s:%s ", r->code, who(e, r->uln, buf));
}

static void effects_of(const struct fixture *f, struct effects *e)
{
    const struct lrs_exception_filter flt = {f->job.id, -1, -1, ""};
    struct lrs_store_stats st;

    lrs_buf_reset(&e->rows);
    e->f = f;
    e->seen_count = 0;
    e->new_rows = e->exception_rows = e->exceptions = 0;
    assert_int_equal(lrs_store_job_row_scan(f->s, f->job.id, tally_row, e),
                     LRS_OK);
    assert_int_equal(
        lrs_store_exception_scan(f->s, &flt, count_exception, &e->exceptions),
        LRS_OK);
    assert_int_equal(lrs_store_stats(f->s, &st), LRS_OK);
    e->learners = st.learners;
    e->audit_rows = st.audit_rows;
    e->uln_counter = st.uln_counter;
}

/*
 * Check that the new ULNs of `e` are those an undisturbed run issues on
 * SQLite: the first `e->seen_count` ULNs of the store's key from counter
 * `c0` (as issue_uln() in lib/store/store.c takes them), and that no
 * counter after them was used.
 */
static void assert_issued_from(struct lrs_store *s, uint64_t c0,
                               const struct effects *e)
{
    struct lrs_uln_key key;
    uint64_t c = c0;

    assert_int_equal(lrs__store_ops(s)->uln_key_get(lrs__store_engine(s), &key),
                     LRS_OK);
    for (size_t i = 0; i < e->seen_count; c++) {
        char uln[LRS_ULN_SIZE];
        uint64_t next = c;

        assert_int_equal(lrs_uln_issue(&key, &next, uln), LRS_OK);
        if (next != c + 1)
            continue; /* a counter whose base has no check digit */
        assert_string_equal(e->seen[i], uln);
        i++;
    }
    assert_int_equal(e->uln_counter, c);
}

/*
 * OOM loop (STYLE.md): allocation n fails during the index load and the
 * run, for every n until a run completes. Each failure is a clean
 * LRS_ENOMEM with a message, leaks nothing, and leaves only whole chunks
 * in the store (learners and exceptions exactly those of the committed
 * rows); a re-run then ends as an undisturbed run does: the same rows,
 * learners and audit rows, and on SQLite the very same ULNs (the counters
 * of a lost chunk roll back with it; a PostgreSQL sequence skips them).
 */
static void test_batch__oom_loop(void **state)
{
    struct effects want, got;
    struct lrs_batch_opts o = {0};
    unsigned long n, failures = 0;

    (void)state;
    memset(&want, 0, sizeof want);
    memset(&got, 0, sizeof got);
    lrs_buf_init(&want.rows, 0);
    lrs_buf_init(&got.rows, 0);
    o.chunk = 3;
    o.on = on;
    for (n = 0; n < 100000; n++) {
        struct lrs_diag d = LRS_DIAG_INIT;
        struct lrs_store_stats st0;
        struct fixture f;
        enum lrs_err err;
        int failed = 0;

        setup(&f);
        assert_int_equal(lrs_store_stats(f.s, &st0), LRS_OK);
        lrs_match_index_free(f.idx);
        f.idx = NULL;
        if (n > 0)
            test_alloc_fail_at(n);
        err = lrs_service_index_load(f.s, NULL, &f.idx, &d);
        if (!err)
            err = lrs_service_batch_run(f.s, f.idx, &actor, f.job.id, &o, NULL,
                                        &d);
        lrs_match_index_free(f.idx);
        f.idx = NULL;
        if (n > 0) {
            failed = test_alloc_failed();
            /* SQLite keeps nothing of ours between calls; PostgreSQL
             * caches buffers on the connection, freed with the store. */
            if (factory_is_sqlite())
                assert_int_equal(test_alloc_live(), 0);
            test_alloc_reset();
        }
        if (n == 0) {
            /* The undisturbed run the others must end as. */
            assert_int_equal(err, LRS_OK);
            effects_of(&f, &want);
            if (factory_is_sqlite())
                assert_issued_from(f.s, st0.uln_counter, &want);
            teardown(&f);
            continue;
        }
        if (err) {
            failures++;
            assert_int_equal(err, LRS_ENOMEM);
            assert_true(failed);
            assert_true(d.msg[0] != '\0');
            /* Only whole chunks: their learners and exceptions. */
            effects_of(&f, &got);
            assert_int_equal(got.learners,
                             want.learners - want.new_rows + got.new_rows);
            assert_int_equal(got.exceptions, got.exception_rows);
            /* Run again, undisturbed: as if nothing had failed. */
            assert_int_equal(lrs_service_index_load(f.s, NULL, &f.idx, &d),
                             LRS_OK);
            assert_int_equal(lrs_service_batch_run(f.s, f.idx, &actor, f.job.id,
                                                   &o, NULL, &d),
                             LRS_OK);
        }
        effects_of(&f, &got);
        assert_string_equal(got.rows.data, want.rows.data);
        if (factory_is_sqlite())
            assert_issued_from(f.s, st0.uln_counter, &got);
        assert_int_equal(got.learners, want.learners);
        assert_int_equal(got.audit_rows, want.audit_rows);
        assert_int_equal(got.exceptions, want.exceptions);
        assert_int_equal(got.new_rows, want.new_rows);
        teardown(&f);
        if (!failed)
            break;
    }
    assert_true(n > 1 && failures > 0);
    lrs_buf_release(&want.rows);
    lrs_buf_release(&got.rows);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch__codes_listed_and_exceptions_known),
        cmocka_unit_test(test_batch__each_outcome),
        cmocka_unit_test(test_batch__resume_and_send_twice),
        cmocka_unit_test(test_batch__malformed_file_fails_the_job),
        cmocka_unit_test(test_batch__resolve_flows_into_the_returned_ctf),
        cmocka_unit_test(test_batch__stop_between_chunks_and_carry_on),
        cmocka_unit_test(test_batch__oom_loop),
    };
    int rc;

    factory_setup(argc, argv);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
