/*
 * test_model.c - the match model stored with the register, on every
 * engine: the store contract (lrs_store_model_save, _latest: append-only,
 * newest wins, who and when kept, bad text refused and nothing stored,
 * the caller's transaction), then the service over it
 * (lrs_service_model_get, lrs_service_index_load using the stored model,
 * a stored model that does not read refused).
 *
 * `test_model sqlite` (suite store-sqlite) and `test_model pg` under
 * tests/pg/with-pg.sh (suite store-pg). Each test starts from an empty,
 * initialised database.
 */
#include "testutil.h"

#include "factory.h"

#include <lrs/match.h>
#include <lrs/service.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

static const struct lrs_actor actor = {7, 3, "test", NULL};

static void test_model__none_saved(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_store_model m;
    struct lrs_buf text = LRS_BUF_INIT;

    (void)state;
    assert_int_equal(lrs_store_model_latest(s, &m, &text), LRS_ENOTFOUND);
    assert_int_equal(m.id, 0);
    assert_int_equal(text.len, 0);
    lrs_buf_release(&text);
    lrs_store_free(s);
}

static void test_model__newest_wins_history_kept(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_store *other;
    struct lrs_store_model a, b, got;
    struct lrs_buf text = LRS_BUF_INIT;
    const int64_t before = (int64_t)time(NULL) * 1000 - 1000;

    (void)state;
    memset(&a, 0, sizeof a);
    a.learners = 3000;
    snprintf(a.note, sizeof a.note, "lrs train: seed 1");
    assert_int_equal(
        lrs_store_model_save(s, &actor, &a, LRS_STR("first\nmodel 1\n")),
        LRS_OK);
    assert_true(a.id > 0);
    assert_true(a.trained_ms >= before);
    assert_int_equal(a.user_id, 7);
    assert_int_equal(a.org_id, 3);
    memset(&b, 0, sizeof b);
    b.learners = 4000;
    assert_int_equal(
        lrs_store_model_save(s, NULL, &b, LRS_STR("second\tmodel 2\n")),
        LRS_OK);
    assert_true(b.id > a.id);
    /* Another connection sees the newest, with who trained it. */
    other = factory_connect();
    assert_int_equal(lrs_store_model_latest(other, &got, &text), LRS_OK);
    assert_int_equal(got.id, b.id);
    assert_int_equal(got.learners, 4000);
    assert_int_equal(got.user_id, 0);
    assert_int_equal(got.trained_ms, b.trained_ms);
    assert_string_equal(got.note, "");
    assert_string_equal(text.data, "second\tmodel 2\n");
    lrs_store_free(other);
    lrs_buf_release(&text);
    lrs_store_free(s);
}

static void test_model__bad_text_refused(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_store_model m, got;
    struct lrs_buf big = LRS_BUF_INIT, text = LRS_BUF_INIT;
    static const char nul[] = "lrs-match-model 1\0x\n";
    const struct lrs_str bad[] = {
        LRS_STR(""),
        {nul, sizeof nul - 1},
        LRS_STR("lrs-match-model 1\r\n"),
        LRS_STR("# caf\xc3\xa9\n"),
    };

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&m, 0, sizeof m);
        assert_int_equal(lrs_store_model_save(s, &actor, &m, bad[i]),
                         LRS_EINVAL);
        assert_non_null(strstr(lrs_store_errmsg(s), "model must be"));
        assert_int_equal(m.id, 0);
    }
    for (size_t i = 0; i < LRS_STORE_MODEL_MAX; i++)
        assert_int_equal(lrs_buf_addch(&big, 'x'), LRS_OK);
    memset(&m, 0, sizeof m);
    assert_int_equal(lrs_store_model_save(s, &actor, &m, lrs_buf_str(&big)),
                     LRS_OK);
    assert_int_equal(lrs_buf_addch(&big, 'x'), LRS_OK);
    memset(&m, 0, sizeof m);
    assert_int_equal(lrs_store_model_save(s, &actor, &m, lrs_buf_str(&big)),
                     LRS_EINVAL);
    /* Only the one that fitted was stored, and a long note is cut. */
    assert_int_equal(lrs_store_model_latest(s, &got, &text), LRS_OK);
    assert_int_equal(text.len, LRS_STORE_MODEL_MAX);
    memset(&m, 0, sizeof m);
    memset(m.note, 'n', sizeof m.note - 1);
    assert_int_equal(lrs_store_model_save(s, &actor, &m, LRS_STR("x\n")),
                     LRS_OK);
    assert_int_equal(strlen(m.note), 255);
    assert_int_equal(lrs_store_model_latest(s, &got, &text), LRS_OK);
    assert_int_equal(strlen(got.note), 255);
    lrs_buf_release(&big);
    lrs_buf_release(&text);
    lrs_store_free(s);
}

static void test_model__caller_transaction_rolls_back(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_store_model m;
    struct lrs_buf text = LRS_BUF_INIT;

    (void)state;
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    memset(&m, 0, sizeof m);
    assert_int_equal(lrs_store_model_save(s, &actor, &m, LRS_STR("x\n")),
                     LRS_OK);
    lrs_store_rollback(s);
    assert_int_equal(lrs_store_model_latest(s, &m, &text), LRS_ENOTFOUND);
    lrs_buf_release(&text);
    lrs_store_free(s);
}

/* Register three learners through the service. */
static void learners(struct lrs_store *s)
{
    static const char *const given[] = {"Ann", "Bob", "Cara"};

    for (size_t i = 0; i < sizeof given / sizeof given[0]; i++) {
        struct lrs_learner l;
        struct lrs_diag d = LRS_DIAG_INIT;

        lrs_learner_init(&l);
        snprintf(l.given_name, sizeof l.given_name, "%s", given[i]);
        snprintf(l.family_name, sizeof l.family_name, "Smith");
        snprintf(l.postcode, sizeof l.postcode, "SW1A 1AA");
        l.date_of_birth = (struct lrs_date){2008, 3, (uint8_t)(i + 2)};
        l.gender = LRS_GENDER_FEMALE;
        assert_int_equal(lrs_service_learner_register(s, &actor, &l, &d),
                         LRS_OK);
    }
}

static void test_model__index_uses_stored_model(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_match_model shipped, m, got;
    struct lrs_store_model row, info;
    struct lrs_match_index *idx = NULL;
    struct lrs_buf text = LRS_BUF_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    learners(s);
    lrs_match_model_default(&shipped);
    /* Nothing stored: the shipped model, info id 0. */
    assert_int_equal(lrs_service_model_get(s, &got, &info, &d), LRS_OK);
    assert_int_equal(info.id, 0);
    assert_memory_equal(&got, &shipped, sizeof got);
    assert_int_equal(lrs_service_index_load(s, NULL, &idx, &d), LRS_OK);
    assert_true(lrs_match_index_model(idx)->high == shipped.high);
    lrs_match_index_free(idx);

    m = shipped;
    m.high = 7.5;
    m.given[LRS_MATCH_NAME_EXACT].m = 0.9;
    assert_int_equal(lrs_match_model_write(&m, &text), LRS_OK);
    memset(&row, 0, sizeof row);
    row.learners = 3;
    assert_int_equal(lrs_store_model_save(s, &actor, &row, lrs_buf_str(&text)),
                     LRS_OK);
    assert_int_equal(lrs_service_model_get(s, &got, &info, &d), LRS_OK);
    assert_int_equal(info.id, row.id);
    assert_int_equal(info.learners, 3);
    assert_true(got.high == 7.5);
    assert_true(got.given[LRS_MATCH_NAME_EXACT].m == 0.9);
    /* NULL: the stored model; a model given: that one. */
    assert_int_equal(lrs_service_index_load(s, NULL, &idx, &d), LRS_OK);
    assert_true(lrs_match_index_model(idx)->high == 7.5);
    assert_true(lrs_match_index_model(idx)->given[LRS_MATCH_NAME_EXACT].m ==
                0.9);
    lrs_match_index_free(idx);
    assert_int_equal(lrs_service_index_load(s, &shipped, &idx, &d), LRS_OK);
    assert_true(lrs_match_index_model(idx)->high == shipped.high);
    lrs_match_index_free(idx);
    lrs_buf_release(&text);
    lrs_store_free(s);
}

static void test_model__unreadable_stored_model_refused(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_store_model row;
    struct lrs_match_model got;
    struct lrs_match_index *idx = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    char want[64];

    (void)state;
    learners(s);
    memset(&row, 0, sizeof row);
    assert_int_equal(
        lrs_store_model_save(s, &actor, &row, LRS_STR("lrs-match-model 9\n")),
        LRS_OK);
    assert_int_equal(lrs_service_model_get(s, &got, NULL, &d), LRS_ECORRUPT);
    assert_string_equal(d.field, "model");
    snprintf(want, sizeof want,
             "the stored match model %lld: ", (long long)row.id);
    assert_non_null(strstr(d.msg, want));
    assert_non_null(strstr(d.msg, "version 9"));
    memset(&d, 0, sizeof d);
    assert_int_equal(lrs_service_index_load(s, NULL, &idx, &d), LRS_ECORRUPT);
    assert_null(idx);
    assert_string_equal(d.field, "model");
    lrs_store_free(s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model__none_saved),
        cmocka_unit_test(test_model__newest_wins_history_kept),
        cmocka_unit_test(test_model__bad_text_refused),
        cmocka_unit_test(test_model__caller_transaction_rolls_back),
        cmocka_unit_test(test_model__index_uses_stored_model),
        cmocka_unit_test(test_model__unreadable_stored_model_refused),
    };
    int rc;

    factory_setup(argc, argv);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
