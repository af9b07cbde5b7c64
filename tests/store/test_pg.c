/*
 * test_pg.c - what only the PostgreSQL engine (lib/store/pg/) must show,
 * beyond the engine-neutral contract suite: ULNs unique across concurrent
 * connections, the sequence never giving a counter back, a duplicate ULN
 * leaving the transaction usable, SQLSTATE mapping (lock timeout is
 * LRS_EBUSY, a failed connection LRS_EIO without the role name), cursor
 * scans across batches and stopped early, concurrent `lrs init`.
 *
 * Run by tests/pg/with-pg.sh, which starts a private server and exports
 * LRS_TEST_PG_URL; without it every test fails (the pg suite never skips).
 */
#include "testutil.h"

#include "store/store_int.h"

#include <lrs/service.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS    8
#define PER_THREAD 150
/* Rows per FETCH of the engine's scans (PG_SCAN_BATCH, lib/store/pg). */
#define PG_SCAN_BATCH_TEST 1000

static const char *url(void)
{
    const char *u = getenv("LRS_TEST_PG_URL");

    if (!u || !*u)
        fail_msg("LRS_TEST_PG_URL is not set: run under tests/pg/with-pg.sh");
    return u;
}

static struct lrs_store *open_store(unsigned flags)
{
    struct lrs_store *s = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    const enum lrs_err err = lrs_store_open(url(), flags, &s, &d);

    if (err)
        fail_msg("cannot open %s: %s (%s)", url(), d.msg, lrs_strerror(err));
    return s;
}

/* A fresh, initialised register: the contract suite's starting point. */
static struct lrs_store *fresh(void)
{
    struct lrs_store *s = open_store(LRS_STORE_OPEN_NO_SCHEMA_CHECK);

    assert_int_equal(lrs__store_reset(s), LRS_OK);
    assert_int_equal(lrs_store_init(s, NULL), LRS_OK);
    return s;
}

static void learner(struct lrs_learner *l, const char *given)
{
    lrs_learner_init(l);
    snprintf(l->given_name, sizeof l->given_name, "%s", given);
    snprintf(l->family_name, sizeof l->family_name, "Smith");
    l->date_of_birth = (struct lrs_date){2010, 5, 17};
    l->gender = LRS_GENDER_FEMALE;
    snprintf(l->postcode, sizeof l->postcode, "SW1A 1AA");
}

static int cmp_uln(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* ------------------------------------------------------------------ */
/* Concurrency: N connections registering at once                     */
/* ------------------------------------------------------------------ */

struct worker {
    int id;
    char ulns[PER_THREAD][LRS_ULN_SIZE]; /* every ULN handed out */
    int committed;
    enum lrs_err err;
    char msg[256];
};

static pthread_barrier_t start;

/*
 * Register PER_THREAD learners through the service; odd workers run every
 * third registration in a transaction they roll back, so the ULNs handed
 * out include some that were never committed: none may come back.
 */
static void *work(void *arg)
{
    struct worker *w = arg;
    const struct lrs_actor actor = {0, 0, "test", NULL};
    struct lrs_store *s = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;

    w->err = lrs_store_open(url(), 0, &s, &d);
    pthread_barrier_wait(&start);
    for (int i = 0; !w->err && i < PER_THREAD; i++) {
        const bool undo = (w->id & 1) && i % 3 == 0;
        struct lrs_learner l;

        learner(&l, "Ann");
        if (undo)
            w->err = lrs_store_begin(s);
        if (!w->err)
            w->err = lrs_service_learner_register(s, &actor, &l, &d);
        if (!w->err)
            memcpy(w->ulns[i], l.uln, LRS_ULN_SIZE);
        if (undo)
            lrs_store_rollback(s);
        else if (!w->err)
            w->committed++;
    }
    if (w->err)
        snprintf(w->msg, sizeof w->msg, "%s", d.msg);
    lrs_store_free(s);
    return NULL;
}

static void test_pg__concurrent_registrations_never_share_a_uln(void **state)
{
    static struct worker w[THREADS];
    static char all[THREADS * PER_THREAD][LRS_ULN_SIZE];
    pthread_t t[THREADS];
    struct lrs_store *s = fresh();
    struct lrs_store_stats st;
    uint64_t committed = 0;
    size_t n = 0;

    (void)state;
    assert_int_equal(pthread_barrier_init(&start, NULL, THREADS), 0);
    for (int i = 0; i < THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].id = i;
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        if (w[i].err)
            fail_msg("worker %d: %s: %s", i, lrs_strerror(w[i].err), w[i].msg);
        committed += (uint64_t)w[i].committed;
        for (int j = 0; j < PER_THREAD; j++)
            memcpy(all[n++], w[i].ulns[j], LRS_ULN_SIZE);
    }
    pthread_barrier_destroy(&start);
    qsort(all, n, LRS_ULN_SIZE, cmp_uln);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(all[i - 1], all[i]) == 0)
            fail_msg("ULN %s issued twice", all[i]);
    }
    for (size_t i = 0; i < n; i++)
        assert_int_equal(lrs_uln_check(lrs_str_c(all[i]), NULL), LRS_OK);
    assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
    assert_int_equal(st.learners, committed);
    assert_true(committed < n); /* some were rolled back */
    lrs_store_free(s);
}

/* ------------------------------------------------------------------ */
/* The sequence and the transaction                                   */
/* ------------------------------------------------------------------ */

static void test_pg__rolled_back_counter_is_not_given_back(void **state)
{
    struct lrs_store *s = fresh();
    const struct lrs_actor actor = {0, 0, "test", NULL};
    struct lrs_store_stats st;
    struct lrs_learner a, b;
    uint64_t before;

    (void)state;
    assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
    before = st.uln_counter;
    learner(&a, "Ann");
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    assert_int_equal(lrs_store_learner_insert(s, &actor, &a), LRS_OK);
    lrs_store_rollback(s);
    learner(&b, "Bea");
    assert_int_equal(lrs_store_learner_insert(s, &actor, &b), LRS_OK);
    assert_string_not_equal(a.uln, b.uln);
    assert_int_equal(lrs_store_learner_get(s, a.uln, 0, &b), LRS_ENOTFOUND);
    assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
    assert_true(st.uln_counter >= before + 2);
    assert_int_equal(st.learners, 1);
    lrs_store_free(s);
}

static void test_pg__duplicate_uln_leaves_transaction_usable(void **state)
{
    struct lrs_store *s = fresh();
    const struct lrs_actor actor = {0, 0, "test", NULL};
    struct lrs_learner a, b, got;

    (void)state;
    learner(&a, "Ann");
    snprintf(a.uln, sizeof a.uln, "9999999999");
    learner(&b, "Bea");
    snprintf(b.uln, sizeof b.uln, "1000000001");
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    assert_int_equal(lrs_store_learner_insert(s, &actor, &a), LRS_OK);
    assert_int_equal(lrs_store_learner_insert(s, &actor, &a), LRS_ECONFLICT);
    assert_non_null(strstr(lrs_store_errmsg(s), "already exists"));
    assert_int_equal(lrs_store_learner_insert(s, &actor, &b), LRS_OK);
    assert_int_equal(lrs_store_commit(s), LRS_OK);
    assert_int_equal(lrs_store_learner_get(s, "9999999999", 0, &got), LRS_OK);
    assert_string_equal(got.given_name, "Ann");
    assert_int_equal(lrs_store_learner_get(s, "1000000001", 0, &got), LRS_OK);
    assert_string_equal(got.given_name, "Bea");
    lrs_store_free(s);
}

/* A server error inside a transaction: the failed call reports it, the
 * caller rolls back, and the connection carries on. */
static void test_pg__server_error_then_rollback(void **state)
{
    struct lrs_store *s = fresh();
    const struct lrs_actor actor = {0, 0, "test", NULL};
    struct lrs_learner a, got;

    (void)state;
    learner(&a, "Zo\xff");
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    assert_int_equal(lrs_store_learner_insert(s, &actor, &a), LRS_EIO);
    /* Class 22 messages lose their trailing value: no learner data. */
    assert_non_null(strstr(lrs_store_errmsg(s), "invalid byte sequence"));
    assert_null(strstr(lrs_store_errmsg(s), "0xff"));
    lrs_store_rollback(s);
    assert_false(lrs_store_in_transaction(s));
    learner(&a, "Zoe");
    assert_int_equal(lrs_store_learner_insert(s, &actor, &a), LRS_OK);
    assert_int_equal(lrs_store_learner_get(s, a.uln, 0, &got), LRS_OK);
    lrs_store_free(s);
}

/* A commit of a transaction the server has already aborted fails. */
static void test_pg__commit_after_error_fails(void **state)
{
    struct lrs_store *s = fresh();
    const struct lrs_actor actor = {0, 0, "test", NULL};
    struct lrs_store_stats st;
    struct lrs_learner a;

    (void)state;
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    learner(&a, "Ann");
    assert_int_equal(lrs_store_learner_insert(s, &actor, &a), LRS_OK);
    learner(&a, "Zo\xff");
    assert_int_equal(lrs_store_learner_insert(s, &actor, &a), LRS_EIO);
    assert_int_not_equal(lrs_store_commit(s), LRS_OK);
    assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
    assert_int_equal(st.learners, 0);
    lrs_store_free(s);
}

/* ------------------------------------------------------------------ */
/* Errors                                                             */
/* ------------------------------------------------------------------ */

/* The test URL with its user name replaced by `user`. */
static void url_as(const char *user, char *out, size_t size)
{
    const char *u = url(), *at = strchr(u, '@'), *scheme = strstr(u, "://");

    assert_non_null(at);
    assert_non_null(scheme);
    snprintf(out, size, "%.*s%s%s", (int)(scheme + 3 - u), u, user, at);
}

static void test_pg__unknown_role_is_eio_without_the_name(void **state)
{
    char bad[512];
    struct lrs_diag d = LRS_DIAG_INIT;
    void *e = NULL;

    (void)state;
    url_as("jane_doe_learner", bad, sizeof bad);
    assert_int_equal(lrs__store_pg_ops.open(bad, 0, 1000, &e, &d), LRS_EIO);
    assert_null(e);
    assert_string_equal(d.field, "db");
    assert_non_null(strstr(d.msg, "role \"...\""));
    assert_null(strstr(d.msg, "jane_doe"));
}

static void test_pg__refused_connection_is_eio(void **state)
{
    struct lrs_store *s = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    assert_int_equal(lrs_store_open("postgresql://127.0.0.1:1/none", 0, &s, &d),
                     LRS_EIO);
    assert_null(s);
    assert_non_null(strstr(d.msg, "cannot open store"));
}

/* A row lock held past the busy timeout (lock_timeout, SQLSTATE 55P03). */
static void test_pg__lock_timeout_is_ebusy(void **state)
{
    struct lrs_store *a = fresh(), *b = open_store(0);
    const struct lrs_actor actor = {0, 0, "test", NULL};
    struct lrs_learner l, m;

    (void)state;
    learner(&l, "Ann");
    assert_int_equal(lrs_store_learner_insert(a, &actor, &l), LRS_OK);
    m = l;
    assert_int_equal(lrs_store_begin(a), LRS_OK);
    assert_int_equal(lrs_store_learner_update(a, &actor, &l, 1, NULL), LRS_OK);
    snprintf(m.family_name, sizeof m.family_name, "Jones");
    assert_int_equal(lrs_store_learner_update(b, &actor, &m, 1, "test"),
                     LRS_EBUSY);
    assert_non_null(strstr(lrs_store_errmsg(b), "lock"));
    assert_int_equal(lrs_store_commit(a), LRS_OK);
    /* Now b's version is stale. */
    assert_int_equal(lrs_store_learner_update(b, &actor, &m, 1, "test"),
                     LRS_ECONFLICT);
    lrs_store_free(b);
    lrs_store_free(a);
}

/* ------------------------------------------------------------------ */
/* Scans                                                              */
/* ------------------------------------------------------------------ */

struct count {
    uint64_t rows, stop_at;
    char last[LRS_ULN_SIZE];
    bool ordered;
};

static enum lrs_err count_one(const struct lrs_learner *l, void *ctx)
{
    struct count *c = ctx;

    if (strcmp(c->last, l->uln) >= 0)
        c->ordered = false;
    memcpy(c->last, l->uln, LRS_ULN_SIZE);
    if (++c->rows == c->stop_at)
        return LRS_ELIMIT;
    return LRS_OK;
}

static void test_pg__scan_crosses_batches_and_stops_early(void **state)
{
    struct lrs_store *s = fresh();
    const struct lrs_actor actor = {0, 0, "test", NULL};
    struct count c = {0, 0, "", true};
    struct lrs_learner l;
    const uint64_t n = 2 * PG_SCAN_BATCH_TEST + 7;

    (void)state;
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    for (uint64_t i = 0; i < n; i++) {
        learner(&l, "Ann");
        assert_int_equal(lrs_store_learner_insert(s, &actor, &l), LRS_OK);
    }
    assert_int_equal(lrs_store_commit(s), LRS_OK);

    assert_int_equal(lrs_store_learner_scan(s, count_one, &c), LRS_OK);
    assert_int_equal(c.rows, n);
    assert_true(c.ordered);
    assert_false(lrs_store_in_transaction(s));

    c = (struct count){0, PG_SCAN_BATCH_TEST + 3, "", true};
    assert_int_equal(lrs_store_learner_scan(s, count_one, &c), LRS_ELIMIT);
    assert_int_equal(c.rows, PG_SCAN_BATCH_TEST + 3);
    /* The connection is usable, and so is a scan inside a transaction. */
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    c = (struct count){0, 5, "", true};
    assert_int_equal(lrs_store_learner_scan(s, count_one, &c), LRS_ELIMIT);
    c = (struct count){0, 0, "", true};
    assert_int_equal(lrs_store_learner_scan(s, count_one, &c), LRS_OK);
    assert_int_equal(c.rows, n);
    learner(&l, "Bea");
    assert_int_equal(lrs_store_learner_insert(s, &actor, &l), LRS_OK);
    assert_int_equal(lrs_store_commit(s), LRS_OK);
    assert_int_equal(lrs_store_learner_get(s, l.uln, 0, &l), LRS_OK);
    lrs_store_free(s);
}

/* ------------------------------------------------------------------ */
/* Schema                                                             */
/* ------------------------------------------------------------------ */

struct initer {
    struct lrs_store_init_result r;
    enum lrs_err err;
    char msg[256];
};

static void *init_one(void *arg)
{
    struct initer *in = arg;
    struct lrs_store *s = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;

    in->err = lrs_store_open(url(), LRS_STORE_OPEN_NO_SCHEMA_CHECK, &s, &d);
    pthread_barrier_wait(&start);
    if (!in->err)
        in->err = lrs_store_init(s, &in->r);
    snprintf(in->msg, sizeof in->msg, "%s", s ? lrs_store_errmsg(s) : d.msg);
    lrs_store_free(s);
    return NULL;
}

static void test_pg__concurrent_init_creates_one_schema(void **state)
{
    struct lrs_store *s = open_store(LRS_STORE_OPEN_NO_SCHEMA_CHECK);
    struct initer in[4];
    pthread_t t[4];
    int keys = 0;

    (void)state;
    assert_int_equal(lrs__store_reset(s), LRS_OK);
    assert_int_equal(pthread_barrier_init(&start, NULL, 4), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, init_one, &in[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        if (in[i].err)
            fail_msg("init %d: %s: %s", i, lrs_strerror(in[i].err), in[i].msg);
        assert_int_equal(in[i].r.to_version, LRS_STORE_SCHEMA_VERSION);
        keys += in[i].r.key_created;
    }
    pthread_barrier_destroy(&start);
    assert_int_equal(keys, 1);
    lrs_store_free(s);
}

static void test_pg__reset_and_init_again(void **state)
{
    struct lrs_store *s = fresh();
    const struct lrs_actor actor = {0, 0, "test", NULL};
    struct lrs_store_init_result r;
    struct lrs_learner l;

    (void)state;
    assert_string_equal(lrs_store_engine(s), "postgres");
    learner(&l, "Ann");
    assert_int_equal(lrs_store_learner_insert(s, &actor, &l), LRS_OK);
    /* Statements prepared against the dropped tables are prepared anew. */
    assert_int_equal(lrs__store_reset(s), LRS_OK);
    assert_int_equal(lrs_store_init(s, &r), LRS_OK);
    assert_int_equal(r.from_version, 0);
    assert_true(r.key_created);
    assert_int_equal(lrs_store_learner_get(s, l.uln, 0, &l), LRS_ENOTFOUND);
    assert_int_equal(lrs_store_learner_insert(s, &actor, &l), LRS_OK);
    assert_int_equal(lrs_store_init(s, &r), LRS_OK);
    assert_int_equal(r.from_version, LRS_STORE_SCHEMA_VERSION);
    assert_false(r.key_created);
    lrs_store_free(s);
}

/* ------------------------------------------------------------------ */
/* Out of memory                                                      */
/* ------------------------------------------------------------------ */

/* Open, insert a learner, append an audit row (kept for COPY) and commit. */
static enum lrs_err oom_round(void)
{
    const struct lrs_actor actor = {0, 0, "test", NULL};
    struct lrs_store *s = NULL;
    struct lrs_learner l;
    struct lrs_audit a;
    enum lrs_err err = lrs_store_open(url(), 0, &s, NULL);

    if (err)
        return err;
    err = lrs_store_begin(s);
    learner(&l, "Ann");
    if (!err)
        err = lrs_store_learner_insert(s, &actor, &l);
    memset(&a, 0, sizeof a);
    a.actor = actor;
    a.action = LRS_AUDIT_REGISTER;
    memcpy(a.uln, l.uln, sizeof a.uln);
    if (!err)
        err = lrs_store_audit_append(s, &a);
    if (!err)
        err = lrs_store_commit(s);
    else if (lrs_store_in_transaction(s))
        lrs_store_rollback(s);
    lrs_store_free(s);
    return err;
}

/* OOM loop (STYLE.md): fail the nth allocation, n = 1, 2, ...: each round
 * succeeds or fails with LRS_ENOMEM, and leaves nothing allocated. */
static void test_pg__oom_loop(void **state)
{
    unsigned long n;

    (void)state;
    lrs_store_free(fresh());
    for (n = 1;; n++) {
        enum lrs_err err;
        int failed;
        long live;

        test_alloc_fail_at(n);
        err = oom_round();
        failed = test_alloc_failed();
        live = test_alloc_live();
        test_alloc_reset();
        assert_int_equal(live, 0);
        if (!failed) {
            assert_int_equal(err, LRS_OK);
            break;
        }
        if (err != LRS_OK && err != LRS_ENOMEM)
            fail_msg("allocation %lu: %s", n, lrs_strerror(err));
    }
    assert_true(n > 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pg__concurrent_registrations_never_share_a_uln),
        cmocka_unit_test(test_pg__rolled_back_counter_is_not_given_back),
        cmocka_unit_test(test_pg__duplicate_uln_leaves_transaction_usable),
        cmocka_unit_test(test_pg__server_error_then_rollback),
        cmocka_unit_test(test_pg__commit_after_error_fails),
        cmocka_unit_test(test_pg__unknown_role_is_eio_without_the_name),
        cmocka_unit_test(test_pg__refused_connection_is_eio),
        cmocka_unit_test(test_pg__lock_timeout_is_ebusy),
        cmocka_unit_test(test_pg__scan_crosses_batches_and_stops_early),
        cmocka_unit_test(test_pg__concurrent_init_creates_one_schema),
        cmocka_unit_test(test_pg__reset_and_init_again),
        cmocka_unit_test(test_pg__oom_loop),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
