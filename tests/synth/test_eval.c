/*
 * test_eval.c - the evaluator's arithmetic on hand-made truth and results
 * files, its strictness on malformed ones, and its OOM behaviour.
 */
#include "testutil.h"

#include <lrs/synth.h>

#include <math.h>
#include <string.h>

/* ULNs from DOMAIN.md's list of valid examples. */
static const char truth[] = "id,uln,kind\n"
                            "q1,1000000043,exact\n"
                            "q2,1748529632,typo_family+moved\n"
                            "q3,,new_person\n"
                            "q4,1026893096,moved\n"
                            "q5,,twin\n"
                            "q6,6936002314,typo_given\n"
                            "q7,4444599390,exact\n"
                            "q8,,custom\n";

static const char results[] =
    "id,code,uln,candidates,score\n"
    "q1,WSRC0004,1000000043,,12.5\n"         /* true link */
    "q2,WSRC0003,,1748529632 1000000043,3\n" /* review holding truth */
    "q3,WSRC0001,,,\n"                       /* correctly new */
    "q4,WSRC0001,,,\n"                       /* missed link */
    "q5,WSRC0022,6936002314,,\n"             /* false link: a twin */
    "q6,WSRC0004,1000000043,,\r\n"           /* wrong learner */
    "q8,WSRC0001,,,\n"                       /* correctly new */
    "q7,WSRC0002,,,\n";                      /* review, no truth */

static void assert_near(double got, double want, double eps)
{
    if (!(fabs(got - want) <= eps))
        fail_msg("got %.15g, expected %.15g", got, want);
}

static const struct lrs_eval_kind *kind(const struct lrs_eval *ev,
                                        const char *name)
{
    for (size_t i = 0; i < ev->kind_count; i++)
        if (strcmp(ev->kinds[i].name, name) == 0)
            return &ev->kinds[i];
    fail_msg("no kind '%s'", name);
    return NULL;
}

static void run(struct lrs_eval *ev, const char *t, const char *r,
                struct lrs_diag *d, enum lrs_err want)
{
    assert_int_equal(lrs_eval_run(ev, lrs_str_c(t), "truth.csv", lrs_str_c(r),
                                  "results.csv", d),
                     want);
}

static void test_eval__counts_each_outcome(void **state)
{
    struct lrs_eval ev = LRS_EVAL_INIT;
    const struct lrs_eval_counts *c = &ev.overall;

    (void)state;
    run(&ev, truth, results, NULL, LRS_OK);
    assert_int_equal(c->queries, 8);
    assert_int_equal(c->matchable, 5);
    assert_int_equal(c->true_links, 1);
    assert_int_equal(c->false_links, 2);
    assert_int_equal(c->wrong_links, 1);
    assert_int_equal(c->missed_links, 1);
    assert_int_equal(c->reviews, 2);
    assert_int_equal(c->review_hits, 1);
    assert_int_equal(c->true_new, 2);
    lrs_eval_release(&ev);
    assert_null(ev.kinds);
}

static void test_eval__rates_follow_the_definitions(void **state)
{
    struct lrs_eval ev = LRS_EVAL_INIT;
    struct lrs_eval_rates r;

    (void)state;
    run(&ev, truth, results, NULL, LRS_OK);
    lrs_eval_rates_of(&ev.overall, &r);
    assert_near(r.false_link, 2.0 / 8, 1e-12);
    assert_near(r.missed_link, 1.0 / 5, 1e-12);
    assert_near(r.review, 2.0 / 8, 1e-12);
    assert_near(r.precision, 1.0 / 3, 1e-12);
    assert_near(r.recall, 1.0 / 5, 1e-12);
    assert_near(r.f1, 0.25, 1e-12);
    assert_near(r.recall_review, 2.0 / 5, 1e-12);
    /* No true match: recall and F1 are undefined, not 0. */
    lrs_eval_rates_of(&kind(&ev, "twin")->counts, &r);
    assert_true(isnan(r.recall));
    assert_true(isnan(r.f1));
    assert_near(r.precision, 0, 0);
    assert_near(r.false_link, 1, 0);
    lrs_eval_release(&ev);
}

static void test_eval__kinds_split_and_ordered(void **state)
{
    static const char *const order[] = {"exact", "typo_given", "typo_family",
                                        "moved", "new_person", "twin",
                                        "custom"};
    struct lrs_eval ev = LRS_EVAL_INIT;
    const struct lrs_eval_counts *c;

    (void)state;
    run(&ev, truth, results, NULL, LRS_OK);
    assert_int_equal(ev.kind_count, 7);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(ev.kinds[i].name, order[i]);
    c = &kind(&ev, "moved")->counts;
    assert_int_equal(c->queries, 2);
    assert_int_equal(c->missed_links, 1);
    assert_int_equal(c->reviews, 1);
    assert_int_equal(c->review_hits, 1);
    c = &kind(&ev, "exact")->counts;
    assert_int_equal(c->queries, 2);
    assert_int_equal(c->true_links, 1);
    assert_int_equal(c->reviews, 1);
    assert_int_equal(c->review_hits, 0);
    c = &kind(&ev, "typo_given")->counts;
    assert_int_equal(c->wrong_links, 1);
    assert_int_equal(kind(&ev, "custom")->counts.true_new, 1);
    lrs_eval_release(&ev);
}

/* Malformed inputs and the diagnostic each must give. */
static const struct {
    const char *truth;
    const char *results;
    const char *msg;
} bad[] = {
    {"id,uln,kind\nq1,,exact\n",
     "id,code,uln,candidates,score\n"
     "q2,WSRC0001,,,\n",
     "results.csv line 2, column 1 (id): id is not in the truth file"},
    {"id,uln,kind\nq1,,exact\nq2,,exact\n",
     "id,code,uln,candidates,score\nq1,WSRC0001,,,\n",
     "id 'q2' (line 3 of the truth file) has no result in results.csv"},
    {"id,uln,kind\nq1,,exact\n",
     "id,code,uln,candidates,score\nq1,WSRC0001,,,\nq1,WSRC0001,,,\n",
     "results.csv line 3, column 1 (id): a second result for this id"},
    {"id,uln,kind\nq1,,exact\n",
     "id,code,uln,candidates,score\nq1,WSRC0009,,,\n",
     "results.csv line 2, column 2 (code): code must be WSRC0001, WSRC0002, "
     "WSRC0003, WSRC0004 or WSRC0022"},
    {"id,uln,kind\nq1,,exact\n",
     "id,code,uln,candidates,score\nq1,WSRC0004,,,\n",
     "results.csv line 2, column 3 (uln): a linking code (WSRC0004, "
     "WSRC0022) needs a ULN"},
    {"id,uln,kind\nq1,1748529631,exact\n",
     "id,code,uln,candidates,score\nq1,WSRC0001,,,\n",
     "truth.csv line 2, column 2 (uln): check digit is 1, expected 2"},
    {"id,uln,kind\nq1,,exact\n",
     "id,code,uln,candidates,score\nq1,WSRC0001,,\n",
     "results.csv line 2: has 4 fields, expected 5"},
    {"id,uln,kind\nq1,,exact\n", "id,code,uln,candidates\n",
     "results.csv line 1, column 5: header must be "
     "'id,code,uln,candidates,score'"},
    {"id,uln,kind\nq1,,exact\nq1,,moved\n", "",
     "truth.csv line 3, column 1 (id): duplicate id (first on line 2)"},
    {"id,uln,kind\nq1,,exact+\n", "",
     "truth.csv line 2, column 3 (kind): empty kind between '+'"},
    {"id,uln,kind\nq1,,\n", "",
     "truth.csv line 2, column 3 (kind): kind is missing"},
    {"id,uln,kind\nq1,,exact\n",
     "id,code,uln,candidates,score\nq1,WSRC0003,,1000000043  1748529632,\n",
     "results.csv line 2, column 4 (candidates): candidates must be ULNs "
     "separated by one space"},
    {"id,uln,kind\nq1,,exact\n",
     "id,code,uln,candidates,score\nq1,WSRC0003,,1000000043,high\n",
     "results.csv line 2, column 5 (score): score must be a number"},
    {"id,uln,kind\nq1,,exact\n",
     "id,code,uln,candidates,score\nq1,\"WSRC0001,,,\n",
     "results.csv line 2, column 2: unterminated quoted field"},
    {"id,uln,kind\nq1,,exact\n", "",
     "results.csv is empty: expected the header "
     "'id,code,uln,candidates,score'"},
};

static void test_eval__malformed_files_name_line_column_rule(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct lrs_eval ev = LRS_EVAL_INIT;
        struct lrs_diag d = LRS_DIAG_INIT;

        run(&ev, bad[i].truth, bad[i].results, &d, LRS_EINVAL);
        assert_string_equal(d.msg, bad[i].msg);
        assert_int_equal(ev.kind_count, 0);
        assert_int_equal(ev.overall.queries, 0);
    }
}

static void test_eval__missing_file_is_eio(void **state)
{
    struct lrs_eval ev = LRS_EVAL_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    assert_int_equal(lrs_eval_files(&ev, "/nonexistent/truth.csv",
                                    "/nonexistent/results.csv", &d),
                     LRS_EIO);
    assert_non_null(strstr(d.msg, "cannot open '/nonexistent/truth.csv'"));
}

static void test_eval__oom_fails_cleanly(void **state)
{
    (void)state;
    for (unsigned long n = 1;; n++) {
        struct lrs_eval ev = LRS_EVAL_INIT;
        enum lrs_err err;

        test_alloc_fail_at(n);
        err = lrs_eval_run(&ev, lrs_str_c(truth), "t", lrs_str_c(results), "r",
                           NULL);
        if (err == LRS_OK) {
            assert_int_equal(ev.overall.queries, 8);
            lrs_eval_release(&ev);
        } else {
            assert_int_equal(err, LRS_ENOMEM);
            assert_int_equal(ev.kind_count, 0);
        }
        assert_int_equal(test_alloc_live(), 0);
        if (!test_alloc_failed()) {
            test_alloc_reset();
            break;
        }
        test_alloc_reset();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval__counts_each_outcome),
        cmocka_unit_test(test_eval__rates_follow_the_definitions),
        cmocka_unit_test(test_eval__kinds_split_and_ordered),
        cmocka_unit_test(test_eval__malformed_files_name_line_column_rule),
        cmocka_unit_test(test_eval__missing_file_is_eio),
        cmocka_unit_test(test_eval__oom_fails_cleanly),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
