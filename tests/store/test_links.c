/*
 * test_links.c - the engine-neutral contract of lrs/links.h
 * (lib/store/links.c over each engine's links.c): the link history,
 * merge and unmerge with their rules, non-match pairs, identity keys.
 *
 * `test_links sqlite` (suite store-sqlite) and `test_links pg` under
 * tests/pg/with-pg.sh (suite store-pg). Each test starts from an empty,
 * initialised database.
 */
#include "testutil.h"

#include "factory.h"

#include <lrs/links.h>

#include <stdio.h>
#include <string.h>

static const struct lrs_actor actor = {7, 3, "test", NULL};

/* ULNs with valid check digits (lrs uln check). */
#define ULN_A "1000000019"
#define ULN_B "1000000027"
#define ULN_C "1000000035"
#define ULN_D "1000000043"

static void learner(struct lrs_store *s, const char *uln, const char *given)
{
    struct lrs_learner l;

    lrs_learner_init(&l);
    snprintf(l.uln, sizeof l.uln, "%s", uln);
    snprintf(l.given_name, sizeof l.given_name, "%s", given);
    snprintf(l.family_name, sizeof l.family_name, "Smith");
    snprintf(l.postcode, sizeof l.postcode, "SW1A 1AA");
    l.date_of_birth = (struct lrs_date){2008, 3, 2};
    l.gender = LRS_GENDER_FEMALE;
    assert_int_equal(lrs_store_learner_insert(s, &actor, &l), LRS_OK);
}

static struct lrs_store *world(void)
{
    struct lrs_store *s = factory_new_store();

    learner(s, ULN_A, "Ann");
    learner(s, ULN_B, "Anne");
    learner(s, ULN_C, "Annie");
    learner(s, ULN_D, "Bob");
    return s;
}

/* Append "action uln other reason;" per row. */
static enum lrs_err list_link(const struct lrs_link *l, void *ctx)
{
    assert_true(l->id > 0);
    assert_true(l->at_ms > 0);
    assert_int_equal(l->user_id, 7);
    assert_int_equal(l->org_id, 3);
    assert_int_equal(lrs_buf_addf(ctx, "%s %s %s %s;",
                                  lrs_link_action_name(l->action), l->uln,
                                  l->other_uln, l->reason),
                     LRS_OK);
    return LRS_OK;
}

static enum lrs_err list_pair(const struct lrs_non_match *p, void *ctx)
{
    assert_true(p->at_ms > 0);
    assert_int_equal(
        lrs_buf_addf(ctx, "%s-%s %s;", p->uln_a, p->uln_b, p->reason), LRS_OK);
    return LRS_OK;
}

static void test_links__merge_unmerge_history(void **state)
{
    struct lrs_store *s = world();
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs_learner l;
    char master[LRS_ULN_SIZE];
    int32_t version;

    (void)state;
    assert_int_equal(lrs_store_link_merge(s, &actor, ULN_B, ULN_A, "dup", &d),
                     LRS_OK);
    assert_int_equal(lrs_store_learner_get(s, ULN_B, 0, &l), LRS_OK);
    assert_int_equal(l.status, LRS_LEARNER_LINKED);
    version = l.version;
    assert_int_equal(
        lrs_store_link_unmerge(s, &actor, ULN_B, "wrong", master, &d), LRS_OK);
    assert_string_equal(master, ULN_A);
    assert_int_equal(lrs_store_learner_get(s, ULN_B, 0, &l), LRS_OK);
    assert_int_equal(l.status, LRS_LEARNER_ACTIVE);
    assert_string_equal(l.master_uln, "");
    assert_int_equal(l.version, version + 1);
    assert_string_equal(l.given_name, "Anne");
    /* Merged again, elsewhere: the history keeps all three. */
    assert_int_equal(
        lrs_store_link_merge(s, &actor, ULN_B, ULN_C, "dup again", &d), LRS_OK);
    assert_int_equal(lrs_store_link_scan(s, ULN_B, list_link, &b), LRS_OK);
    assert_string_equal(b.data, "merge " ULN_B " " ULN_A " dup;"
                                "unmerge " ULN_B " " ULN_A " wrong;"
                                "merge " ULN_B " " ULN_C " dup again;");
    lrs_buf_reset(&b);
    assert_int_equal(lrs_store_link_scan(s, ULN_A, list_link, &b), LRS_OK);
    assert_string_equal(b.data, "merge " ULN_B " " ULN_A " dup;"
                                "unmerge " ULN_B " " ULN_A " wrong;");
    lrs_buf_release(&b);
    lrs_store_free(s);
}

static void test_links__unmerge_refused_when_no_longer_possible(void **state)
{
    struct lrs_store *s = world();
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_learner l;
    struct lrs_store_stats st;

    (void)state;
    /* Not merged. */
    assert_int_equal(lrs_store_link_unmerge(s, &actor, ULN_A, "x", NULL, &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "uln");
    assert_string_equal(d.msg, "learner " ULN_A " is not merged");
    assert_int_equal(
        lrs_store_link_unmerge(s, &actor, "1000000051", "x", NULL, &d),
        LRS_ENOTFOUND);
    /* The master has since been merged elsewhere. */
    assert_int_equal(lrs_store_link_merge(s, &actor, ULN_B, ULN_A, "d", &d),
                     LRS_OK);
    assert_int_equal(lrs_store_link_merge(s, &actor, ULN_A, ULN_C, "d", &d),
                     LRS_OK);
    assert_int_equal(lrs_store_link_unmerge(s, &actor, ULN_B, "x", NULL, &d),
                     LRS_ECONFLICT);
    assert_string_equal(d.msg, "cannot unmerge " ULN_B ": its master " ULN_A
                               " has since been merged into " ULN_C
                               "; unmerge " ULN_A " first");
    assert_int_equal(lrs_store_learner_get(s, ULN_B, 0, &l), LRS_OK);
    assert_int_equal(l.status, LRS_LEARNER_LINKED);
    /* Undo in order: then it is possible again. */
    assert_int_equal(lrs_store_link_unmerge(s, &actor, ULN_A, "x", NULL, &d),
                     LRS_OK);
    /* The record changed while merged: it cannot be restored as it was. */
    assert_int_equal(lrs_store_learner_get(s, ULN_B, 0, &l), LRS_OK);
    snprintf(l.address_line1, sizeof l.address_line1, "1 High Street");
    assert_int_equal(lrs_store_learner_update(s, &actor, &l, l.version, ""),
                     LRS_OK);
    assert_int_equal(lrs_store_link_unmerge(s, &actor, ULN_B, "x", NULL, &d),
                     LRS_ECONFLICT);
    assert_string_equal(d.msg, "cannot unmerge " ULN_B ": its record was "
                               "changed after it was merged into " ULN_A
                               ", so it cannot be restored as it was");
    assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
    assert_int_equal(st.linked, 1);
    lrs_store_free(s);
}

static void test_links__unmerge_in_caller_transaction_rolls_back(void **state)
{
    struct lrs_store *s = world();
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs_learner l;

    (void)state;
    assert_int_equal(lrs_store_link_merge(s, &actor, ULN_B, ULN_A, "d", &d),
                     LRS_OK);
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    assert_int_equal(lrs_store_link_unmerge(s, &actor, ULN_B, "x", NULL, &d),
                     LRS_OK);
    lrs_store_rollback(s);
    assert_int_equal(lrs_store_learner_get(s, ULN_B, 0, &l), LRS_OK);
    assert_int_equal(l.status, LRS_LEARNER_LINKED);
    assert_int_equal(lrs_store_link_scan(s, NULL, list_link, &b), LRS_OK);
    assert_string_equal(b.data, "merge " ULN_B " " ULN_A " d;");
    /* Undone, then possible from the same state. */
    assert_int_equal(lrs_store_link_unmerge(s, &actor, ULN_B, "x", NULL, &d),
                     LRS_OK);
    lrs_buf_release(&b);
    lrs_store_free(s);
}

static void test_links__non_match_pairs(void **state)
{
    struct lrs_store *s = world();
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf b = LRS_BUF_INIT;

    (void)state;
    assert_int_equal(
        lrs_store_non_match_add(s, &actor, ULN_C, ULN_A, false, "twins", &d),
        LRS_OK);
    /* The same pair either way round: recorded once. */
    assert_int_equal(
        lrs_store_non_match_add(s, &actor, ULN_A, ULN_C, false, "again", &d),
        LRS_ECONFLICT);
    assert_string_equal(d.msg, "learners " ULN_A " and " ULN_C
                               " are already recorded as not the same "
                               "learner");
    assert_int_equal(
        lrs_store_non_match_add(s, &actor, ULN_A, ULN_A, false, "x", &d),
        LRS_EINVAL);
    assert_int_equal(
        lrs_store_non_match_add(s, &actor, ULN_A, "1000000051", false, "x", &d),
        LRS_ENOTFOUND);
    assert_int_equal(
        lrs_store_non_match_add(s, &actor, ULN_D, ULN_B, true, "new pupil", &d),
        LRS_OK);
    assert_int_equal(lrs_store_non_match_scan(s, NULL, list_pair, &b), LRS_OK);
    assert_string_equal(b.data, ULN_A "-" ULN_C " twins;" ULN_B "-" ULN_D
                                      " new pupil;");
    lrs_buf_reset(&b);
    assert_int_equal(lrs_store_non_match_scan(s, ULN_C, list_pair, &b), LRS_OK);
    assert_string_equal(b.data, ULN_A "-" ULN_C " twins;");
    lrs_buf_reset(&b);
    assert_int_equal(lrs_store_link_scan(s, NULL, list_link, &b), LRS_OK);
    assert_string_equal(b.data, "not_same " ULN_C " " ULN_A " twins;"
                                "confirm_new " ULN_D " " ULN_B " new pupil;");
    lrs_buf_release(&b);
    lrs_store_free(s);
}

static void test_links__identity_keys(void **state)
{
    struct lrs_store *s = world();
    char holder[LRS_ULN_SIZE];

    (void)state;
    assert_int_equal(lrs_store_identity_claim(s, "ANN|SMITH", ULN_A, holder),
                     LRS_OK);
    assert_int_equal(lrs_store_identity_claim(s, "ANN|SMITH", ULN_A, holder),
                     LRS_OK);
    /* Another learner: refused, the transaction still usable. */
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    assert_int_equal(lrs_store_identity_claim(s, "ANN|SMITH", ULN_B, holder),
                     LRS_ECONFLICT);
    assert_string_equal(holder, ULN_A);
    assert_int_equal(lrs_store_identity_claim(s, "ANNE|SMITH", ULN_B, holder),
                     LRS_OK);
    assert_int_equal(lrs_store_commit(s), LRS_OK);
    /* Dropped, the key is free. */
    assert_int_equal(lrs_store_identity_drop(s, ULN_A), LRS_OK);
    assert_int_equal(lrs_store_identity_claim(s, "ANN|SMITH", ULN_C, holder),
                     LRS_OK);
    assert_int_equal(lrs_store_identity_claim(s, "ANNE|SMITH", ULN_C, holder),
                     LRS_ECONFLICT);
    assert_string_equal(holder, ULN_B);
    lrs_store_free(s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_links__merge_unmerge_history),
        cmocka_unit_test(test_links__unmerge_refused_when_no_longer_possible),
        cmocka_unit_test(test_links__unmerge_in_caller_transaction_rolls_back),
        cmocka_unit_test(test_links__non_match_pairs),
        cmocka_unit_test(test_links__identity_keys),
    };
    int rc;

    factory_setup(argc, argv);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
