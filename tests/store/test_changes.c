/*
 * test_changes.c - the engine-neutral contract of lrs/changes.h
 * (lib/store/changes.c over each engine's changes.c): every learner
 * write appends a change in its transaction, a cursor returns each
 * committed change once and misses none (on PostgreSQL also when a later
 * commit holds a lower id), pruning, and a cursor left behind by it.
 *
 * `test_changes sqlite` (suite store-sqlite) and `test_changes pg` under
 * tests/pg/with-pg.sh (suite store-pg). Each test starts from an empty,
 * initialised database.
 */
#include "testutil.h"

#include "factory.h"

#include <lrs/changes.h>
#include <lrs/links.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

static const struct lrs_actor actor = {7, 3, "test", NULL};

/* ULNs with valid check digits (lrs uln check). */
#define ULN_A "1000000019"
#define ULN_B "1000000027"
#define ULN_C "1000000035"
#define ULN_D "1000000043"

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

/* The changes read: "uln;" each, and their ids in order. */
struct got {
    struct lrs_buf ulns;
    int64_t ids[64];
    size_t count;
    size_t stop_at; /* 0: never; n: the nth change returns LRS_EBUSY */
};

static enum lrs_err take(const struct lrs_store_change *c, void *ctx)
{
    struct got *g = ctx;

    assert_true(c->id > 0);
    assert_true(c->at_ms > 0);
    assert_int_equal(strlen(c->uln), 10);
    if (g->stop_at && g->count + 1 == g->stop_at)
        return LRS_EBUSY;
    assert_true(g->count < sizeof g->ids / sizeof g->ids[0]);
    for (size_t i = 0; i < g->count; i++)
        assert_true(g->ids[i] != c->id); /* never twice */
    g->ids[g->count++] = c->id;
    assert_int_equal(lrs_buf_addf(&g->ulns, "%s;", c->uln), LRS_OK);
    return LRS_OK;
}

/* Read everything the cursor has now into a fresh `g`. */
static void read_all(struct lrs_store *s, struct lrs_store_cursor *c,
                     struct got *g)
{
    size_t n;

    lrs_buf_reset(&g->ulns);
    g->count = 0;
    g->stop_at = 0;
    assert_int_equal(lrs_store_changes_since(s, c, 0, take, g, &n), LRS_OK);
    assert_int_equal(n, g->count);
}

static void test_changes__every_learner_write_appends(void **state)
{
    struct lrs_store *s = factory_new_store(), *reader;
    struct lrs_store_cursor *c = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct got g = {LRS_BUF_INIT, {0}, 0, 0};
    struct lrs_learner l;
    char master[LRS_ULN_SIZE];

    (void)state;
    learner(s, ULN_A, "Ann");
    assert_int_equal(lrs_store_cursor_new(s, 0, &c), LRS_OK);
    read_all(s, c, &g);
    assert_string_equal(g.ulns.data, ""); /* made before the cursor */

    learner(s, ULN_B, "Anne");
    learner(s, ULN_C, "Annie");
    read_all(s, c, &g);
    assert_string_equal(g.ulns.data, ULN_B ";" ULN_C ";");
    read_all(s, c, &g);
    assert_string_equal(g.ulns.data, ""); /* each once */

    /* An amendment. */
    assert_int_equal(lrs_store_learner_get(s, ULN_A, 0, &l), LRS_OK);
    snprintf(l.family_name, sizeof l.family_name, "Jones");
    assert_int_equal(lrs_store_learner_update(s, &actor, &l, l.version, "deed"),
                     LRS_OK);
    read_all(s, c, &g);
    assert_string_equal(g.ulns.data, ULN_A ";");

    /* A merge, an unmerge, a non-match pair. */
    assert_int_equal(
        lrs_store_link_merge(s, &actor, ULN_B, ULN_A, "same person", &d),
        LRS_OK);
    read_all(s, c, &g);
    assert_string_equal(g.ulns.data, ULN_B ";");
    assert_int_equal(
        lrs_store_link_unmerge(s, &actor, ULN_B, "not after all", master, &d),
        LRS_OK);
    read_all(s, c, &g);
    assert_string_equal(g.ulns.data, ULN_B ";");
    assert_int_equal(
        lrs_store_non_match_add(s, &actor, ULN_C, ULN_A, false, "twins", &d),
        LRS_OK);
    read_all(s, c, &g);
    assert_string_equal(g.ulns.data, ULN_A ";" ULN_C ";");

    /* A write rolled back leaves no change; one transaction of several
     * writes leaves them all (an import). */
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    learner(s, ULN_D, "Dee");
    lrs_store_rollback(s);
    read_all(s, c, &g);
    assert_string_equal(g.ulns.data, "");
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    learner(s, ULN_D, "Dee");
    assert_int_equal(lrs_store_learner_get(s, ULN_C, 0, &l), LRS_OK);
    snprintf(l.postcode, sizeof l.postcode, "BS6 5NL");
    assert_int_equal(lrs_store_learner_update(s, &actor, &l, l.version, ""),
                     LRS_OK);
    reader = factory_connect(); /* another connection sees commits only */
    read_all(reader, c, &g);
    assert_string_equal(g.ulns.data, ""); /* not committed yet */
    assert_int_equal(lrs_store_commit(s), LRS_OK);
    read_all(reader, c, &g);
    assert_string_equal(g.ulns.data, ULN_D ";" ULN_C ";");

    lrs_buf_release(&g.ulns);
    lrs_store_cursor_free(c);
    lrs_store_free(reader);
    lrs_store_free(s);
}

static void test_changes__from_start_in_pieces(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_store_cursor *c = NULL;
    struct lrs_store_cursor_info info;
    struct got g = {LRS_BUF_INIT, {0}, 0, 0};
    size_t n = 9;

    (void)state;
    learner(s, ULN_A, "Ann");
    learner(s, ULN_B, "Anne");
    learner(s, ULN_C, "Annie");
    assert_int_equal(lrs_store_cursor_new(s, LRS_STORE_CURSOR_FROM_START, &c),
                     LRS_OK);
    assert_int_equal(lrs_store_changes_since(s, c, 2, take, &g, &n), LRS_OK);
    assert_int_equal(n, 2);
    assert_string_equal(g.ulns.data, ULN_A ";" ULN_B ";");
    assert_int_equal(lrs_store_changes_since(s, c, 2, take, &g, &n), LRS_OK);
    assert_int_equal(n, 1);
    assert_string_equal(g.ulns.data, ULN_A ";" ULN_B ";" ULN_C ";");
    assert_true(g.ids[0] < g.ids[1] && g.ids[1] < g.ids[2]);
    lrs_store_cursor_info(c, &info);
    assert_int_equal(info.last_id, g.ids[2]);
    assert_int_equal(info.returned, 3);
    assert_true(info.last_at_ms > 0);

    /* A callback that stops: that change and the rest come again. */
    learner(s, ULN_D, "Dee");
    lrs_buf_reset(&g.ulns);
    g.count = 0;
    g.stop_at = 1;
    assert_int_equal(lrs_store_changes_since(s, c, 0, take, &g, &n), LRS_EBUSY);
    assert_int_equal(n, 0);
    read_all(s, c, &g);
    assert_string_equal(g.ulns.data, ULN_D ";");

    lrs_buf_release(&g.ulns);
    lrs_store_cursor_free(c);
    lrs_store_free(s);
}

static void test_changes__prune(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_store_cursor *old = NULL, *c = NULL;
    struct got g = {LRS_BUF_INIT, {0}, 0, 0};
    uint64_t removed = 9;
    size_t n;

    (void)state;
    assert_int_equal(lrs_store_cursor_new(s, LRS_STORE_CURSOR_FROM_START, &old),
                     LRS_OK);
    learner(s, ULN_A, "Ann");
    learner(s, ULN_B, "Anne");
    /* Nothing older than a day: nothing goes. */
    assert_int_equal(lrs_store_changes_prune(s, now_ms() - 86400000, &removed),
                     LRS_OK);
    assert_int_equal(removed, 0);
    /* Everything up to now goes but the newest row; the cursor that
     * never read it has missed rows and is told so, and changes nothing. */
    assert_int_equal(lrs_store_changes_prune(s, now_ms() + 1, &removed),
                     LRS_OK);
    assert_int_equal(removed, 1);
    assert_int_equal(lrs_store_changes_since(s, old, 0, take, &g, &n),
                     LRS_ECONFLICT);
    assert_non_null(strstr(lrs_store_errmsg(s), "pruned"));
    assert_int_equal(g.count, 0);
    /* A new cursor, from the start or the end, reads what follows. */
    assert_int_equal(lrs_store_cursor_new(s, LRS_STORE_CURSOR_FROM_START, &c),
                     LRS_OK);
    learner(s, ULN_C, "Annie");
    read_all(s, c, &g);
    assert_string_equal(g.ulns.data, ULN_B ";" ULN_C ";");
    /* Ids go on after the kept row: never one used twice. */
    assert_true(g.ids[1] > g.ids[0]);

    lrs_buf_release(&g.ulns);
    lrs_store_cursor_free(old);
    lrs_store_cursor_free(c);
    lrs_store_free(s);
}

/*
 * PostgreSQL: a transaction that wrote first (so holds the lower id)
 * and commits after a later one is still read, once, by a cursor that
 * has already passed the later one's id; and a cursor made while a
 * writer is in progress still reads that writer's change. SQLite cannot
 * have two writers at once, so there the ids are in commit order.
 */
static void test_changes__late_commit_is_not_missed(void **state)
{
    struct lrs_store *s, *slow, *fast;
    struct lrs_store_cursor *c = NULL, *mid = NULL;
    struct got g = {LRS_BUF_INIT, {0}, 0, 0};

    (void)state;
    s = factory_new_store();
    slow = factory_connect();
    fast = factory_connect();
    assert_int_equal(lrs_store_cursor_new(s, 0, &c), LRS_OK);

    assert_int_equal(lrs_store_begin(slow), LRS_OK);
    learner(slow, ULN_A, "Ann"); /* takes the lower id */
    assert_int_equal(lrs_store_cursor_new(s, 0, &mid), LRS_OK);
    learner(fast, ULN_B, "Anne"); /* higher id, committed first */
    read_all(s, c, &g);
    assert_string_equal(g.ulns.data, ULN_B ";");
    read_all(s, mid, &g);
    assert_string_equal(g.ulns.data, ULN_B ";");
    read_all(s, c, &g);
    assert_string_equal(g.ulns.data, "");

    assert_int_equal(lrs_store_commit(slow), LRS_OK);
    read_all(s, c, &g);
    assert_string_equal(g.ulns.data, ULN_A ";"); /* late, not lost */
    read_all(s, mid, &g);
    assert_string_equal(g.ulns.data, ULN_A ";");
    learner(fast, ULN_C, "Annie");
    read_all(s, c, &g);
    assert_string_equal(g.ulns.data, ULN_C ";"); /* and never twice */
    read_all(s, c, &g);
    assert_string_equal(g.ulns.data, "");

    lrs_buf_release(&g.ulns);
    lrs_store_cursor_free(c);
    lrs_store_cursor_free(mid);
    lrs_store_free(fast);
    lrs_store_free(slow);
    lrs_store_free(s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_changes__every_learner_write_appends),
        cmocka_unit_test(test_changes__from_start_in_pieces),
        cmocka_unit_test(test_changes__prune),
        cmocka_unit_test(test_changes__late_commit_is_not_missed),
    };
    int rc;

    factory_setup(argc, argv);
    /* The last needs two writers at once: not on SQLite. */
    if (factory_is_sqlite())
        rc = _cmocka_run_group_tests(
            "changes", tests, sizeof tests / sizeof tests[0] - 1, NULL, NULL);
    else
        rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
