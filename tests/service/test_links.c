/*
 * test_links.c - merge, unmerge and not-same through the service
 * (lib/service/register.c) with the match index kept current: a merged
 * ULN answers its master (WSRC0022) by search and by lookup, an unmerge
 * restores the learner and its index entries and is refused with the
 * reason when no longer possible, and a pair decided not the same is
 * never raised again, also by an index loaded afresh.
 *
 * `test_service_links sqlite` (suite service) and `... pg` under
 * tests/pg/with-pg.sh (suite store-pg).
 */
#include "testutil.h"

#include "factory.h"

#include <lrs/links.h>
#include <lrs/match.h>
#include <lrs/service.h>

#include <stdio.h>
#include <string.h>

static const struct lrs_actor actor = {5, 2, "test", NULL};

struct world {
    struct lrs_store *s;
    struct lrs_match_index *idx;
    struct lrs_match_result res;
    struct lrs_learner kate, katie, other;
};

/* Insert without a search: how two records of one person come about
 * (a bulk import, a batch before the first was indexed). */
static void learner(struct lrs_store *s, struct lrs_learner *l,
                    const char *given, const char *postcode)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    lrs_learner_init(l);
    snprintf(l->given_name, sizeof l->given_name, "%s", given);
    snprintf(l->family_name, sizeof l->family_name, "Jones");
    snprintf(l->postcode, sizeof l->postcode, "%s", postcode);
    l->date_of_birth = (struct lrs_date){2009, 11, 30};
    l->gender = LRS_GENDER_FEMALE;
    assert_int_equal(lrs_service_learner_register(s, &actor, l, &d), LRS_OK);
}

static void world_init(struct world *w)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    w->s = factory_new_store();
    learner(w->s, &w->kate, "Kate", "NE1 4ST");
    learner(w->s, &w->katie, "Katie", "NE1 4ST");
    learner(w->s, &w->other, "Kathryn", "NE1 4SU");
    assert_int_equal(lrs_service_index_load(w->s, NULL, &w->idx, &d), LRS_OK);
    lrs_match_result_init(&w->res);
}

static void world_release(struct world *w)
{
    lrs_match_result_release(&w->res);
    lrs_match_index_free(w->idx);
    lrs_store_free(w->s);
}

static void reload(struct world *w)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    lrs_match_index_free(w->idx);
    assert_int_equal(lrs_service_index_load(w->s, NULL, &w->idx, &d), LRS_OK);
}

static uint64_t num(const char *uln)
{
    uint64_t v = 0;

    assert_int_equal(lrs_parse_u64(lrs_str_c(uln), 1, 9999999999u, &v), LRS_OK);
    return v;
}

/* Search with `l`'s details. */
static enum lrs_match_code find(struct world *w, const struct lrs_learner *l)
{
    struct lrs_match_query q;
    struct lrs_diag d = LRS_DIAG_INIT;

    memset(&q, 0, sizeof q);
    q.given = lrs_str_c(l->given_name);
    q.family = lrs_str_c(l->family_name);
    q.dob = l->date_of_birth;
    q.gender = l->gender;
    assert_int_equal(
        lrs_postcode_parse(lrs_str_c(l->postcode), &q.postcode, &d), LRS_OK);
    assert_int_equal(lrs_match_index_find(w->idx, &q, &w->res, &d), LRS_OK);
    return w->res.code;
}

/* Whether the last answer lists `uln` as a candidate. */
static bool lists(const struct world *w, const char *uln)
{
    for (size_t i = 0; i < w->res.candidate_count; i++)
        if (w->res.candidates[i].uln == num(uln))
            return true;
    return false;
}

static enum lrs_err list_link(const struct lrs_link *l, void *ctx)
{
    return lrs_buf_addf(ctx, "%s %s>%s %s;", lrs_link_action_name(l->action),
                        l->uln, l->other_uln, l->reason);
}

static void test_links__merge_answers_master_unmerge_restores(void **state)
{
    struct world w;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf b = LRS_BUF_INIT, want = LRS_BUF_INIT;
    struct lrs_learner got;
    char master[LRS_ULN_SIZE];
    bool linked = false;

    (void)state;
    world_init(&w);
    assert_int_equal(lrs_service_merge(w.s, w.idx, &actor,
                                       lrs_str_c(w.katie.uln),
                                       lrs_str_c(w.kate.uln), "", &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "reason");
    assert_int_equal(
        lrs_service_merge(w.s, w.idx, &actor, lrs_str_c(w.katie.uln),
                          lrs_str_c(w.kate.uln), "same pupil, two schools", &d),
        LRS_OK);
    /* A search matching the merged record answers the master. */
    assert_int_equal(find(&w, &w.katie), LRS_MATCH_LINKED);
    assert_int_equal(w.res.candidates[0].uln, num(w.kate.uln));
    assert_int_equal(w.res.candidates[0].matched_uln, num(w.katie.uln));
    /* The master's own details still find the master. */
    assert_int_equal(find(&w, &w.kate), LRS_MATCH_EXACT);
    assert_int_equal(w.res.candidates[0].uln, num(w.kate.uln));
    /* A lookup by the merged ULN: the master, WSRC0022. */
    assert_int_equal(lrs_service_learner_get(w.s, &actor,
                                             lrs_str_c(w.katie.uln), &got,
                                             &linked, &d),
                     LRS_OK);
    assert_true(linked);
    assert_string_equal(got.uln, w.kate.uln);
    /* The same after a reload. */
    reload(&w);
    assert_int_equal(find(&w, &w.katie), LRS_MATCH_LINKED);

    assert_int_equal(lrs_service_unmerge(w.s, w.idx, &actor,
                                         lrs_str_c(w.katie.uln),
                                         "two pupils after all", master, &d),
                     LRS_OK);
    assert_string_equal(master, w.kate.uln);
    assert_int_equal(lrs_store_learner_get(w.s, w.katie.uln, 0, &got), LRS_OK);
    assert_int_equal(got.status, LRS_LEARNER_ACTIVE);
    assert_string_equal(got.given_name, "Katie");
    /* Found as herself again. */
    assert_int_equal(find(&w, &w.katie) == LRS_MATCH_LINKED, false);
    assert_true(lists(&w, w.katie.uln));
    reload(&w);
    assert_int_equal(find(&w, &w.katie) == LRS_MATCH_LINKED, false);
    assert_true(lists(&w, w.katie.uln));
    /* Not merged now: a second unmerge says so. */
    assert_int_equal(lrs_service_unmerge(w.s, w.idx, &actor,
                                         lrs_str_c(w.katie.uln), "again", NULL,
                                         &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "uln");

    assert_int_equal(lrs_store_link_scan(w.s, w.katie.uln, list_link, &b),
                     LRS_OK);
    assert_int_equal(lrs_buf_addf(&want,
                                  "merge %s>%s same pupil, two schools;"
                                  "unmerge %s>%s two pupils after all;",
                                  w.katie.uln, w.kate.uln, w.katie.uln,
                                  w.kate.uln),
                     LRS_OK);
    assert_string_equal(b.data, want.data);
    lrs_buf_release(&b);
    lrs_buf_release(&want);
    world_release(&w);
}

static void test_links__unmerge_refused_after_master_merged(void **state)
{
    struct world w;
    struct lrs_diag d = LRS_DIAG_INIT;
    char msg[200];

    (void)state;
    world_init(&w);
    assert_int_equal(lrs_service_merge(w.s, w.idx, &actor,
                                       lrs_str_c(w.katie.uln),
                                       lrs_str_c(w.kate.uln), "dup", &d),
                     LRS_OK);
    assert_int_equal(lrs_service_merge(w.s, w.idx, &actor,
                                       lrs_str_c(w.kate.uln),
                                       lrs_str_c(w.other.uln), "dup", &d),
                     LRS_OK);
    /* Katie's record answers the end of the chain. */
    assert_int_equal(find(&w, &w.katie), LRS_MATCH_LINKED);
    assert_int_equal(w.res.candidates[0].uln, num(w.other.uln));
    assert_int_equal(lrs_service_unmerge(w.s, w.idx, &actor,
                                         lrs_str_c(w.katie.uln), "x", NULL, &d),
                     LRS_ECONFLICT);
    snprintf(msg, sizeof msg,
             "cannot unmerge %s: its master %s has since been merged into "
             "%s; unmerge %s first",
             w.katie.uln, w.kate.uln, w.other.uln, w.kate.uln);
    assert_string_equal(d.field, "uln");
    assert_string_equal(d.msg, msg);
    /* The index is unchanged by the refusal. */
    assert_int_equal(find(&w, &w.katie), LRS_MATCH_LINKED);
    /* In order, both come undone. */
    assert_int_equal(lrs_service_unmerge(w.s, w.idx, &actor,
                                         lrs_str_c(w.kate.uln), "x", NULL, &d),
                     LRS_OK);
    assert_int_equal(find(&w, &w.katie), LRS_MATCH_LINKED);
    assert_int_equal(w.res.candidates[0].uln, num(w.kate.uln));
    assert_int_equal(lrs_service_unmerge(w.s, w.idx, &actor,
                                         lrs_str_c(w.katie.uln), "x", NULL, &d),
                     LRS_OK);
    world_release(&w);
}

static void test_links__not_same_never_raised_again(void **state)
{
    struct world w;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_learner amended;

    (void)state;
    world_init(&w);
    /* Kate's possible duplicates: Katie (never Kate herself). */
    assert_int_equal(lrs_service_duplicates(w.s, w.idx, &actor,
                                            lrs_str_c(w.kate.uln), &w.res, &d),
                     LRS_OK);
    assert_true(w.res.code != LRS_MATCH_NONE);
    assert_true(lists(&w, w.katie.uln));
    assert_false(lists(&w, w.kate.uln));

    assert_int_equal(lrs_service_not_same(w.s, w.idx, &actor,
                                          lrs_str_c(w.kate.uln),
                                          lrs_str_c(w.katie.uln), "", &d),
                     LRS_EINVAL);
    assert_int_equal(lrs_service_not_same(w.s, w.idx, &actor,
                                          lrs_str_c(w.kate.uln),
                                          lrs_str_c(w.katie.uln),
                                          "twins: birth certificates", &d),
                     LRS_OK);
    assert_int_equal(lrs_service_duplicates(w.s, w.idx, &actor,
                                            lrs_str_c(w.kate.uln), &w.res, &d),
                     LRS_OK);
    assert_false(lists(&w, w.katie.uln));
    assert_int_equal(lrs_service_duplicates(w.s, w.idx, &actor,
                                            lrs_str_c(w.katie.uln), &w.res, &d),
                     LRS_OK);
    assert_false(lists(&w, w.kate.uln));
    /* Remembered: an index loaded afresh, and after an amendment. */
    reload(&w);
    amended = w.katie;
    snprintf(amended.address_line1, sizeof amended.address_line1, "1 Quay");
    assert_int_equal(
        lrs_service_amend(w.s, w.idx, &actor, &amended, 1, NULL, &d), LRS_OK);
    assert_int_equal(lrs_service_duplicates(w.s, w.idx, &actor,
                                            lrs_str_c(w.kate.uln), &w.res, &d),
                     LRS_OK);
    assert_false(lists(&w, w.katie.uln));
    /* A plain search (not about a registered learner) still lists both:
     * it may be about either of them. */
    assert_int_equal(find(&w, &w.katie) == LRS_MATCH_NONE, false);
    assert_true(lists(&w, w.katie.uln));
    /* Decided once. */
    assert_int_equal(lrs_service_not_same(w.s, w.idx, &actor,
                                          lrs_str_c(w.katie.uln),
                                          lrs_str_c(w.kate.uln), "again", &d),
                     LRS_ECONFLICT);
    assert_string_equal(d.field, "uln");
    world_release(&w);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_links__merge_answers_master_unmerge_restores),
        cmocka_unit_test(test_links__unmerge_refused_after_master_merged),
        cmocka_unit_test(test_links__not_same_never_raised_again),
    };
    int rc;

    factory_setup(argc, argv);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
