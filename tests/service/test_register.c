/*
 * test_register.c - register after search and amend (lib/service/
 * register.c): WSRC0005 and WSRC0021, confirm-new with its reason, the
 * identical learner that nothing overrides, the index kept current, a
 * deed poll found by the old name and the new, and two registrations of
 * one person at once ending in one ULN.
 *
 * `test_service_register sqlite` (suite service) and `... pg` under
 * tests/pg/with-pg.sh (suite store-pg).
 */
#include "testutil.h"

#include "factory.h"

#include <lrs/links.h>
#include <lrs/match.h>
#include <lrs/service.h>

#include <pthread.h>
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

static struct lrs_match_index *load(struct lrs_store *s)
{
    struct lrs_match_index *idx = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;

    assert_int_equal(lrs_service_index_load(s, NULL, &idx, &d), LRS_OK);
    return idx;
}

/* Register `l`; returns the code. */
static enum lrs_register_code
reg(struct lrs_store *s, struct lrs_match_index *idx, struct lrs_learner *l,
    unsigned flags, const char *reason, struct lrs_match_result *res,
    struct lrs_register_outcome *out)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    assert_int_equal(
        lrs_service_register(s, idx, &actor, l, flags, reason, res, out, &d),
        LRS_OK);
    return out->code;
}

static enum lrs_match_code find(const struct lrs_match_index *idx,
                                const struct lrs_learner *l,
                                struct lrs_match_result *res)
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
    assert_int_equal(lrs_match_index_find(idx, &q, res, &d), LRS_OK);
    return res->code;
}

static uint64_t num(const char *uln)
{
    uint64_t v = 0;

    assert_int_equal(lrs_parse_u64(lrs_str_c(uln), 1, 9999999999u, &v), LRS_OK);
    return v;
}

static uint64_t count_learners(struct lrs_store *s)
{
    struct lrs_store_stats st;

    assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
    return st.learners;
}

static enum lrs_err list_link(const struct lrs_link *l, void *ctx)
{
    return lrs_buf_addf(ctx, "%s %s %s;", lrs_link_action_name(l->action),
                        l->other_uln, l->reason);
}

static void test_register__new_then_refused_then_confirmed(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_match_index *idx = load(s);
    struct lrs_match_result res;
    struct lrs_register_outcome out;
    struct lrs_learner amelia, again, twin, confirmed;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf b = LRS_BUF_INIT;
    char want[200];

    (void)state;
    lrs_match_result_init(&res);
    person(&amelia, "Amelia", "Watson", "LS6 2AB");
    assert_int_equal(reg(s, idx, &amelia, 0, NULL, &res, &out),
                     LRS_REGISTER_NEW);
    assert_string_equal(lrs_register_code_name(out.code), "WSRC0005");
    assert_int_equal(res.code, LRS_MATCH_NONE);
    assert_int_equal(strlen(amelia.uln), 10);
    /* The index is current: the next search finds her. */
    assert_int_equal(find(idx, &amelia, &res), LRS_MATCH_EXACT);
    assert_int_equal(res.candidates[0].uln, num(amelia.uln));

    /* The same person moved house: a candidate, so refused. */
    person(&again, "Amelia", "Watson", "M1 1AE");
    assert_int_equal(reg(s, idx, &again, 0, NULL, &res, &out),
                     LRS_REGISTER_REFUSED);
    assert_string_equal(lrs_register_code_name(out.code), "WSRC0021");
    assert_false(out.identical);
    assert_true(res.code != LRS_MATCH_NONE);
    assert_int_equal(res.candidates[0].uln, num(amelia.uln));
    assert_string_equal(again.uln, "");
    assert_int_equal(count_learners(s), 1);

    /* Her twin: the twin rule leaves Amelia out, so she is new. */
    person(&twin, "Ava", "Watson", "LS6 2AB");
    assert_int_equal(reg(s, idx, &twin, 0, NULL, &res, &out), LRS_REGISTER_NEW);

    /* Confirmed new needs a reason. */
    assert_int_equal(lrs_service_register(s, idx, &actor, &again,
                                          LRS_REGISTER_CONFIRM_NEW, "  ", &res,
                                          &out, &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "reason");
    assert_int_equal(reg(s, idx, &again, LRS_REGISTER_CONFIRM_NEW,
                         "a different Amelia: other parents", &res, &out),
                     LRS_REGISTER_NEW);
    assert_int_equal(out.not_same, 1);
    confirmed = again;
    assert_int_equal(lrs_store_link_scan(s, confirmed.uln, list_link, &b),
                     LRS_OK);
    snprintf(want, sizeof want,
             "confirm_new %s a different Amelia: other parents;", amelia.uln);
    assert_string_equal(b.data, want);
    assert_int_equal(count_learners(s), 3);

    /* Identical details: refused even when confirmed. */
    person(&again, "AMELIA", "watson", "ls62ab");
    assert_int_equal(
        reg(s, idx, &again, LRS_REGISTER_CONFIRM_NEW, "sure", &res, &out),
        LRS_REGISTER_REFUSED);
    assert_true(out.identical);
    assert_string_equal(out.same_uln, amelia.uln);
    assert_int_equal(count_learners(s), 3);

    /* A ULN given is an input error. */
    snprintf(again.uln, sizeof again.uln, "1000000043");
    assert_int_equal(
        lrs_service_register(s, idx, &actor, &again, 0, NULL, &res, &out, &d),
        LRS_EINVAL);
    assert_string_equal(d.field, "uln");

    lrs_buf_release(&b);
    lrs_match_result_release(&res);
    lrs_match_index_free(idx);
    lrs_store_free(s);
}

/* A name history row: its family name and reason. */
static enum lrs_err list_change(const struct lrs_name_change *c, void *ctx)
{
    return lrs_buf_addf(ctx, "%s %s;", c->family_name, c->reason);
}

static void test_register__deed_poll_found_by_old_and_new_name(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_match_index *idx = load(s), *fresh;
    struct lrs_match_result res;
    struct lrs_register_outcome out;
    struct lrs_learner l, old;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf b = LRS_BUF_INIT;

    (void)state;
    lrs_match_result_init(&res);
    person(&l, "Grace", "Okafor", "B15 2TT");
    assert_int_equal(reg(s, idx, &l, 0, NULL, &res, &out), LRS_REGISTER_NEW);
    old = l;
    snprintf(l.family_name, sizeof l.family_name, "Przybylski");
    /* A change of name needs its reason. */
    assert_int_equal(lrs_service_amend(s, idx, &actor, &l, 1, "", &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "reason");
    /* A stale version changes nothing. */
    assert_int_equal(lrs_service_amend(s, idx, &actor, &l, 7, "deed poll", &d),
                     LRS_ECONFLICT);
    assert_int_equal(lrs_service_amend(s, idx, &actor, &l, 1, "deed poll", &d),
                     LRS_OK);
    assert_int_equal(l.version, 2);
    assert_int_equal(lrs_store_name_history_scan(s, l.uln, list_change, &b),
                     LRS_OK);
    assert_string_equal(b.data, "Okafor deed poll;");
    /* Found by the new name and by the old (a former family name). */
    assert_int_equal(find(idx, &l, &res), LRS_MATCH_EXACT);
    assert_int_equal(res.candidates[0].uln, num(l.uln));
    assert_true(find(idx, &old, &res) == LRS_MATCH_EXACT ||
                res.code == LRS_MATCH_POSSIBLE);
    assert_int_equal(res.candidates[0].uln, num(l.uln));
    assert_int_equal(res.candidates[0].level[LRS_MATCH_FAMILY],
                     LRS_MATCH_NAME_FORMER);
    /* And so does an index loaded afresh. */
    assert_int_equal(lrs_service_index_load(s, NULL, &fresh, &d), LRS_OK);
    assert_int_equal(find(fresh, &old, &res) == LRS_MATCH_NONE, false);
    assert_int_equal(res.candidates[0].level[LRS_MATCH_FAMILY],
                     LRS_MATCH_NAME_FORMER);
    lrs_match_index_free(fresh);
    /* Registering her under the old name again is refused. */
    old.uln[0] = '\0';
    assert_int_equal(reg(s, idx, &old, 0, NULL, &res, &out),
                     LRS_REGISTER_REFUSED);
    /* An amendment without a change of name needs no reason. */
    snprintf(l.address_line1, sizeof l.address_line1, "2 Hill Road");
    assert_int_equal(lrs_service_amend(s, idx, &actor, &l, 2, NULL, &d),
                     LRS_OK);

    lrs_buf_release(&b);
    lrs_match_result_release(&res);
    lrs_match_index_free(idx);
    lrs_store_free(s);
}

/* ------------------------------------------------------------------ */
/* Two at once                                                        */
/* ------------------------------------------------------------------ */

struct racer {
    pthread_barrier_t *start;
    struct lrs_match_index *idx; /* NULL: its own, loaded first */
    struct lrs_learner l;
    struct lrs_register_outcome out;
    enum lrs_err err;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct lrs_store *s = factory_connect();
    struct lrs_match_index *own = r->idx ? NULL : load(s);
    struct lrs_match_result res;
    struct lrs_diag d = LRS_DIAG_INIT;

    lrs_match_result_init(&res);
    pthread_barrier_wait(r->start);
    r->err = lrs_service_register(s, r->idx ? r->idx : own, &actor, &r->l, 0,
                                  NULL, &res, &r->out, &d);
    lrs_match_result_release(&res);
    lrs_match_index_free(own);
    lrs_store_free(s);
    return NULL;
}

/* Two registrations start together; exactly one ULN results. */
static void run_race(struct lrs_match_index *shared, const char *given_a,
                     const char *given_b)
{
    struct lrs_store *s = factory_new_store();
    pthread_barrier_t start;
    pthread_t t[2];
    struct racer r[2];
    int news = 0;

    memset(r, 0, sizeof r);
    pthread_barrier_init(&start, NULL, 2);
    for (int i = 0; i < 2; i++) {
        r[i].start = &start;
        r[i].idx = shared;
        person(&r[i].l, i ? given_b : given_a, "Nakamura", "CF10 1AA");
        assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(r[i].err, LRS_OK);
        news += r[i].out.code == LRS_REGISTER_NEW;
    }
    pthread_barrier_destroy(&start);
    assert_int_equal(news, 1);
    assert_int_equal(count_learners(s), 1);
    if (!shared) {
        /* Each had its own index (two processes): the identity key. */
        const struct racer *lost =
            r[0].out.code == LRS_REGISTER_NEW ? &r[1] : &r[0];
        const struct racer *won = lost == &r[0] ? &r[1] : &r[0];

        assert_true(lost->out.identical);
        assert_string_equal(lost->out.same_uln, won->l.uln);
    }
    lrs_store_free(s);
}

static void test_register__two_processes_at_once_one_uln(void **state)
{
    (void)state;
    for (int round = 0; round < 5; round++)
        run_race(NULL, "Hana", "HANA");
}

static void test_register__two_threads_one_index_one_uln(void **state)
{
    (void)state;
    /* Not identical (Hana, Hanna): the shared index's search sees the
     * first registration because registrations are serialised. */
    for (int round = 0; round < 3; round++) {
        struct lrs_match_index *idx;

        assert_int_equal(lrs_match_index_new(NULL, 0, &idx), LRS_OK);
        run_race(idx, "Hana", "Hanna");
        lrs_match_index_free(idx);
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register__new_then_refused_then_confirmed),
        cmocka_unit_test(test_register__deed_poll_found_by_old_and_new_name),
        cmocka_unit_test(test_register__two_processes_at_once_one_uln),
        cmocka_unit_test(test_register__two_threads_one_index_one_uln),
    };
    int rc;

    factory_setup(argc, argv);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
