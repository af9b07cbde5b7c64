/*
 * test_index.c - the match index loaded from the store and kept current
 * from the change feed (lib/service/index.c, lrs_service_index_apply):
 * an index loaded on one connection follows learners registered, amended,
 * merged and unmerged on another, a merge applied before its master is
 * known, applying a change twice, and a closed learner left as it was.
 *
 * `test_service_index sqlite` (suite service) and `... pg` under
 * tests/pg/with-pg.sh (suite store-pg).
 */
#include "testutil.h"

#include "factory.h"

#include <lrs/changes.h>
#include <lrs/links.h>
#include <lrs/match.h>
#include <lrs/service.h>

#include <stdio.h>
#include <string.h>

static const struct lrs_actor actor = {5, 2, "test", NULL};

static void person(struct lrs_learner *l, const char *given, const char *family,
                   const char *postcode)
{
    lrs_learner_init(l);
    snprintf(l->given_name, sizeof l->given_name, "%s", given);
    snprintf(l->family_name, sizeof l->family_name, "%s", family);
    snprintf(l->postcode, sizeof l->postcode, "%s", postcode);
    l->date_of_birth = (struct lrs_date){2010, 5, 4};
    l->gender = LRS_GENDER_FEMALE;
}

/* Register `l` through the service on `s` (another process's write). */
static void add(struct lrs_store *s, struct lrs_learner *l)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_service_learner_register(s, &actor, l, &d) != LRS_OK)
        fail_msg("register: %s", d.msg);
}

/* The find of `l`'s details: its code, and the first candidate's ULN. */
static enum lrs_match_code find(const struct lrs_match_index *idx,
                                const struct lrs_learner *l, uint64_t *uln)
{
    struct lrs_match_result res;
    struct lrs_match_query q;
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_match_code code;

    memset(&q, 0, sizeof q);
    q.given = lrs_str_c(l->given_name);
    q.family = lrs_str_c(l->family_name);
    q.dob = l->date_of_birth;
    q.gender = l->gender;
    assert_int_equal(
        lrs_postcode_parse(lrs_str_c(l->postcode), &q.postcode, &d), LRS_OK);
    lrs_match_result_init(&res);
    assert_int_equal(lrs_match_index_find(idx, &q, &res, &d), LRS_OK);
    code = res.code;
    *uln = res.candidate_count ? res.candidates[0].uln : 0;
    lrs_match_result_release(&res);
    return code;
}

static uint64_t num(const char *uln)
{
    uint64_t v = 0;

    for (const char *p = uln; *p; p++)
        v = v * 10 + (uint64_t)(*p - '0');
    return v;
}

/* What the feed has since `c`, applied to `idx`, read on `s`. */
struct feed {
    struct lrs_store *s;
    struct lrs_match_index *idx;
    unsigned inserted, updated, skipped;
};

static enum lrs_err apply(const struct lrs_store_change *c, void *ctx)
{
    struct feed *f = ctx;
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_index_apply done;

    assert_int_equal(lrs_service_index_apply(f->s, f->idx, c->uln, &done, &d),
                     LRS_OK);
    f->inserted += done == LRS_INDEX_APPLY_INSERTED;
    f->updated += done == LRS_INDEX_APPLY_UPDATED;
    f->skipped += done == LRS_INDEX_APPLY_SKIPPED;
    return LRS_OK;
}

static void follow(struct feed *f, struct lrs_store_cursor *c)
{
    f->inserted = f->updated = f->skipped = 0;
    assert_int_equal(lrs_store_changes_since(f->s, c, 0, apply, f, NULL),
                     LRS_OK);
}

static void test_index__follows_another_connection(void **state)
{
    struct lrs_store *s = factory_new_store(), *other = factory_connect();
    struct lrs_match_index *idx = NULL;
    struct lrs_store_cursor *c = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_learner a, b, amended;
    struct feed f;
    uint64_t uln;

    (void)state;
    person(&a, "Imogen", "Achterberg", "LS6 2AB");
    add(s, &a);
    assert_int_equal(lrs_store_cursor_new(s, 0, &c), LRS_OK);
    assert_int_equal(lrs_service_index_load(s, NULL, &idx, &d), LRS_OK);
    f = (struct feed){s, idx, 0, 0, 0};

    /* A learner registered elsewhere: found once the change is read. */
    person(&b, "Ottoline", "Ferreira", "BS6 5NL");
    add(other, &b);
    assert_int_equal(find(idx, &b, &uln), LRS_MATCH_NONE);
    follow(&f, c);
    assert_int_equal(f.inserted, 1);
    assert_int_equal(find(idx, &b, &uln), LRS_MATCH_EXACT);
    assert_int_equal(uln, num(b.uln));

    /* Amended elsewhere (a deed poll of both names): found by the new
     * names once the change is read. */
    amended = a;
    snprintf(amended.given_name, sizeof amended.given_name, "Clemency");
    snprintf(amended.family_name, sizeof amended.family_name, "Winterbottom");
    assert_int_equal(
        lrs_service_amend(other, NULL, &actor, &amended, 1, "deed poll", &d),
        LRS_OK);
    assert_int_equal(find(idx, &amended, &uln), LRS_MATCH_NONE);
    follow(&f, c);
    assert_int_equal(f.updated, 1);
    assert_int_equal(find(idx, &amended, &uln), LRS_MATCH_EXACT);
    assert_int_equal(uln, num(a.uln));

    /* Merged elsewhere: b answers its master a (WSRC0022); unmerged: b
     * again. */
    assert_int_equal(lrs_service_merge(other, NULL, &actor, lrs_str_c(b.uln),
                                       lrs_str_c(a.uln), "one person", &d),
                     LRS_OK);
    follow(&f, c);
    assert_int_equal(find(idx, &b, &uln), LRS_MATCH_LINKED);
    assert_int_equal(uln, num(a.uln));
    assert_int_equal(lrs_service_unmerge(other, NULL, &actor, lrs_str_c(b.uln),
                                         "two people", NULL, &d),
                     LRS_OK);
    follow(&f, c);
    assert_int_equal(find(idx, &b, &uln), LRS_MATCH_EXACT);
    assert_int_equal(uln, num(b.uln));

    /* Applying a change again changes nothing. */
    assert_int_equal(
        lrs_service_index_apply(s, idx, b.uln, &(enum lrs_index_apply){0}, &d),
        LRS_OK);
    assert_int_equal(find(idx, &b, &uln), LRS_MATCH_EXACT);
    assert_int_equal(uln, num(b.uln));

    lrs_store_cursor_free(c);
    lrs_match_index_free(idx);
    lrs_store_free(other);
    lrs_store_free(s);
}

static void test_index__merge_before_its_master_is_known(void **state)
{
    struct lrs_store *s = factory_new_store(), *other = factory_connect();
    struct lrs_match_index *idx = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_learner m, x;
    enum lrs_index_apply done;
    uint64_t uln;

    (void)state;
    assert_int_equal(lrs_service_index_load(s, NULL, &idx, &d), LRS_OK);
    person(&m, "Perpetua", "Nwachukwu", "NE1 4ST");
    person(&x, "Clementine", "Vasquez", "M14 5RE");
    add(other, &m);
    add(other, &x);
    assert_int_equal(lrs_service_merge(other, NULL, &actor, lrs_str_c(x.uln),
                                       lrs_str_c(m.uln), "one person", &d),
                     LRS_OK);
    /* The merged learner's change first: its master is put in too. */
    assert_int_equal(lrs_service_index_apply(s, idx, x.uln, &done, &d), LRS_OK);
    assert_int_equal(done, LRS_INDEX_APPLY_INSERTED);
    assert_int_equal(find(idx, &x, &uln), LRS_MATCH_LINKED);
    assert_int_equal(uln, num(m.uln));
    assert_int_equal(lrs_service_index_apply(s, idx, m.uln, &done, &d), LRS_OK);
    assert_int_equal(done, LRS_INDEX_APPLY_UPDATED);
    assert_int_equal(find(idx, &m, &uln), LRS_MATCH_EXACT);
    assert_int_equal(uln, num(m.uln));

    /* A ULN the store does not have: nothing to do. */
    assert_int_equal(lrs_service_index_apply(s, idx, "1000000019", &done, &d),
                     LRS_OK);
    assert_int_equal(done, LRS_INDEX_APPLY_SKIPPED);

    lrs_match_index_free(idx);
    lrs_store_free(other);
    lrs_store_free(s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index__follows_another_connection),
        cmocka_unit_test(test_index__merge_before_its_master_is_known),
    };
    int rc;

    factory_setup(argc, argv);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
