/*
 * test_store.c - the engine-neutral contract of lrs/store.h.
 *
 * Every test here must pass on every engine: `test_store sqlite` (suite
 * store-sqlite) and `test_store pg` under tests/pg/with-pg.sh (suite
 * store-pg). Each test starts from an empty, initialised database.
 */
#include "testutil.h"

#include "factory.h"
#include "store/store_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct lrs_actor actor = {7, 3, "test", NULL};

static void make(struct lrs_learner *l, const char *uln, const char *given,
                 const char *family)
{
    lrs_learner_init(l);
    snprintf(l->uln, sizeof l->uln, "%s", uln);
    snprintf(l->given_name, sizeof l->given_name, "%s", given);
    snprintf(l->family_name, sizeof l->family_name, "%s", family);
    snprintf(l->middle_names, sizeof l->middle_names, "Zoë Anne");
    snprintf(l->postcode, sizeof l->postcode, "SW1A 1AA");
    snprintf(l->address_line1, sizeof l->address_line1, "Flat 3, 27 Mill Lane");
    snprintf(l->address_town, sizeof l->address_town, "London");
    l->date_of_birth = (struct lrs_date){2010, 2, 28};
    l->gender = LRS_GENDER_FEMALE;
    l->ability_to_share = LRS_SHARE_YES;
}

static uint64_t count_learners(struct lrs_store *s)
{
    struct lrs_store_stats st;

    assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
    return st.learners;
}

/* ------------------------------------------------------------------ */

static void test_store__init_is_idempotent(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_store_init_result r;
    struct lrs_store_stats st;

    (void)state;
    assert_int_equal(lrs_store_init(s, &r), LRS_OK);
    assert_int_equal(r.from_version, LRS_STORE_SCHEMA_VERSION);
    assert_int_equal(r.to_version, LRS_STORE_SCHEMA_VERSION);
    assert_false(r.key_created);
    assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
    assert_int_equal(st.schema_version, LRS_STORE_SCHEMA_VERSION);
    assert_int_equal(st.organisations, 1);
    assert_int_equal(st.learners, 0);
    assert_int_equal(st.uln_counter, 0);
    lrs_store_free(s);
}

static void test_store__first_init_creates_key(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_store_init_result r;

    (void)state;
    assert_int_equal(lrs__store_reset(s), LRS_OK);
    assert_int_equal(lrs_store_init(s, &r), LRS_OK);
    assert_int_equal(r.from_version, 0);
    assert_true(r.key_created);
    lrs_store_free(s);
}

static void test_store__uninitialised_is_refused(void **state)
{
    struct lrs_store *s = factory_new_store(), *t = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    assert_int_equal(lrs__store_reset(s), LRS_OK);
    assert_int_equal(lrs_store_open(factory_url(), 0, &t, &d), LRS_ENOTFOUND);
    assert_null(t);
    assert_string_equal(d.field, "db");
    assert_non_null(strstr(d.msg, "not initialised; run 'lrs init'"));
    lrs_store_free(s);
}

static void test_store__insert_and_get_round_trip(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_learner l, got;

    (void)state;
    make(&l, "1000000043", "Siân", "O'Brien-Jones");
    snprintf(l.previous_family_name, sizeof l.previous_family_name,
             "Wiśniewska");
    snprintf(l.preferred_given_name, sizeof l.preferred_given_name, "Sia");
    assert_int_equal(lrs_store_learner_insert(s, &actor, &l), LRS_OK);
    assert_int_equal(l.version, 1);
    assert_true(l.created_ms > 0);
    assert_int_equal(l.created_by, 7);
    assert_int_equal(l.created_org, 3);
    assert_int_equal(lrs_store_learner_get(s, "1000000043", 0, &got), LRS_OK);
    assert_memory_equal(&l, &got, sizeof l);
    assert_int_equal(lrs_store_learner_get(s, "1748529632", 0, &got),
                     LRS_ENOTFOUND);
    lrs_store_free(s);
}

static void test_store__duplicate_uln_conflicts_and_txn_survives(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_learner a, b;

    (void)state;
    make(&a, "1000000043", "Ann", "Smith");
    make(&b, "1000000043", "Bob", "Jones");
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    assert_int_equal(lrs_store_learner_insert(s, &actor, &a), LRS_OK);
    assert_int_equal(lrs_store_learner_insert(s, &actor, &b), LRS_ECONFLICT);
    assert_non_null(strstr(lrs_store_errmsg(s), "already exists"));
    assert_string_equal(b.given_name, "Bob");
    make(&b, "1748529632", "Bob", "Jones");
    assert_int_equal(lrs_store_learner_insert(s, &actor, &b), LRS_OK);
    assert_int_equal(lrs_store_commit(s), LRS_OK);
    assert_int_equal(count_learners(s), 2);
    lrs_store_free(s);
}

static void test_store__issues_valid_distinct_ulns(void **state)
{
    struct lrs_store *s = factory_new_store();
    char seen[200][LRS_ULN_SIZE];
    struct lrs_store_stats st;

    (void)state;
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    for (int i = 0; i < 200; i++) {
        struct lrs_learner l;

        make(&l, "", "Ann", "Smith");
        assert_int_equal(lrs_store_learner_insert(s, &actor, &l), LRS_OK);
        assert_int_equal(lrs_uln_check(lrs_str_c(l.uln), NULL), LRS_OK);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(seen[j], l.uln);
        memcpy(seen[i], l.uln, LRS_ULN_SIZE);
    }
    assert_int_equal(lrs_store_commit(s), LRS_OK);
    assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
    assert_int_equal(st.learners, 200);
    assert_true(st.uln_counter >= 200);
    lrs_store_free(s);
}

/* A ULN already present (imported) is skipped by the issuer. */
static void test_store__issue_skips_present_uln(void **state)
{
    struct lrs_store *s = factory_new_store();
    const struct lrs_store_ops *ops = lrs__store_ops(s);
    struct lrs_uln_key key;
    struct lrs_learner taken, l;
    uint64_t counter = 0, next;
    char uln[LRS_ULN_SIZE];

    (void)state;
    assert_int_equal(ops->uln_key_get(lrs__store_engine(s), &key), LRS_OK);
    /* The first counter that yields a ULN on its own. */
    for (;; counter++) {
        next = counter;
        assert_int_equal(lrs_uln_issue(&key, &next, uln), LRS_OK);
        if (next == counter + 1)
            break;
    }
    make(&taken, uln, "Imported", "Learner");
    assert_int_equal(lrs_store_learner_insert(s, &actor, &taken), LRS_OK);
    make(&l, "", "Ann", "Smith");
    assert_int_equal(lrs_store_learner_insert(s, &actor, &l), LRS_OK);
    assert_string_not_equal(l.uln, uln);
    assert_int_equal(count_learners(s), 2);
    lrs_store_free(s);
}

static void test_store__rollback_undoes_everything(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_learner l, got;
    struct lrs_audit a;

    (void)state;
    make(&l, "1000000043", "Ann", "Smith");
    memset(&a, 0, sizeof a);
    a.actor = actor;
    a.action = LRS_AUDIT_REGISTER;
    memcpy(a.uln, "1000000043", LRS_ULN_SIZE);
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    assert_true(lrs_store_in_transaction(s));
    assert_int_equal(lrs_store_learner_insert(s, &actor, &l), LRS_OK);
    assert_int_equal(lrs_store_audit_append(s, &a), LRS_OK);
    lrs_store_rollback(s);
    assert_false(lrs_store_in_transaction(s));
    assert_int_equal(lrs_store_learner_get(s, "1000000043", 0, &got),
                     LRS_ENOTFOUND);
    assert_int_equal(count_learners(s), 0);
    lrs_store_rollback(s); /* no-op */
    lrs_store_free(s);
}

static void test_store__commit_is_seen_by_another_connection(void **state)
{
    struct lrs_store *s = factory_new_store(), *t;
    struct lrs_learner l, got;

    (void)state;
    make(&l, "", "Ann", "Smith");
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    assert_int_equal(lrs_store_learner_insert(s, &actor, &l), LRS_OK);
    assert_int_equal(lrs_store_commit(s), LRS_OK);
    t = factory_connect();
    assert_int_equal(lrs_store_learner_get(t, l.uln, 0, &got), LRS_OK);
    assert_string_equal(got.given_name, "Ann");
    lrs_store_free(t);
    lrs_store_free(s);
}

struct names {
    int count;
    struct lrs_name_change last;
};

static enum lrs_err count_name(const struct lrs_name_change *c, void *ctx)
{
    struct names *n = ctx;

    n->count++;
    n->last = *c;
    return LRS_OK;
}

static void test_store__update_checks_version_and_keeps_names(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_learner l, u, got;
    struct names n = {0};

    (void)state;
    make(&l, "1000000043", "Ann", "Smith");
    assert_int_equal(lrs_store_learner_insert(s, &actor, &l), LRS_OK);
    /* Not a name: no history. */
    u = l;
    snprintf(u.postcode, sizeof u.postcode, "M1 1AE");
    assert_int_equal(lrs_store_learner_update(s, &actor, &u, 1, "moved"),
                     LRS_OK);
    assert_int_equal(u.version, 2);
    assert_int_equal(u.created_ms, l.created_ms);
    /* A stale version changes nothing. */
    u = l;
    snprintf(u.family_name, sizeof u.family_name, "Jones");
    assert_int_equal(lrs_store_learner_update(s, &actor, &u, 1, "deed poll"),
                     LRS_ECONFLICT);
    assert_non_null(strstr(lrs_store_errmsg(s), "has version 2, not 1"));
    assert_string_equal(u.family_name, "Jones");
    assert_int_equal(u.version, 1);
    assert_int_equal(lrs_store_learner_get(s, "1000000043", 0, &got), LRS_OK);
    assert_string_equal(got.family_name, "Smith");
    assert_string_equal(got.postcode, "M1 1AE");
    assert_int_equal(got.version, 2);
    /* The right version: the old names go to the history. */
    got.family_name[0] = '\0';
    snprintf(got.family_name, sizeof got.family_name, "Jones");
    assert_int_equal(lrs_store_learner_update(s, &actor, &got, 2, "deed poll"),
                     LRS_OK);
    assert_int_equal(got.version, 3);
    assert_int_equal(
        lrs_store_name_history_scan(s, "1000000043", count_name, &n), LRS_OK);
    assert_int_equal(n.count, 1);
    assert_string_equal(n.last.family_name, "Smith");
    assert_string_equal(n.last.given_name, "Ann");
    assert_string_equal(n.last.reason, "deed poll");
    assert_int_equal(n.last.user_id, 7);
    assert_int_equal(n.last.org_id, 3);
    n.count = 0;
    assert_int_equal(lrs_store_name_history_scan(s, NULL, count_name, &n),
                     LRS_OK);
    assert_int_equal(n.count, 1);
    /* Status and links are not the caller's to change here. */
    got.status = LRS_LEARNER_LINKED;
    snprintf(got.master_uln, sizeof got.master_uln, "1748529632");
    assert_int_equal(lrs_store_learner_update(s, &actor, &got, 3, NULL),
                     LRS_OK);
    assert_int_equal(got.status, LRS_LEARNER_ACTIVE);
    assert_string_equal(got.master_uln, "");
    /* Missing learner. */
    make(&u, "1748529632", "X", "Y");
    assert_int_equal(lrs_store_learner_update(s, &actor, &u, 1, NULL),
                     LRS_ENOTFOUND);
    lrs_store_free(s);
}

static void test_store__merge_links_and_resolves(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_learner a, b, c, got;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store_stats st;

    (void)state;
    make(&a, "1000000043", "Ann", "Smith");
    make(&b, "1748529632", "Ann", "Smith");
    make(&c, "1026893096", "Ann", "Smith");
    assert_int_equal(lrs_store_learner_insert(s, &actor, &a), LRS_OK);
    assert_int_equal(lrs_store_learner_insert(s, &actor, &b), LRS_OK);
    assert_int_equal(lrs_store_learner_insert(s, &actor, &c), LRS_OK);
    assert_int_equal(lrs_store_learner_merge(s, &actor, "1748529632",
                                             "1000000043", "duplicate", &d),
                     LRS_OK);
    assert_int_equal(lrs_store_learner_get(s, "1748529632", 0, &got), LRS_OK);
    assert_int_equal(got.status, LRS_LEARNER_LINKED);
    assert_string_equal(got.master_uln, "1000000043");
    assert_int_equal(got.version, 2);
    assert_int_equal(
        lrs_store_learner_get(s, "1748529632", LRS_STORE_GET_RESOLVE, &got),
        LRS_OK);
    assert_string_equal(got.uln, "1000000043");
    /* Already linked; into itself; into a linked master; missing. */
    assert_int_equal(
        lrs_store_learner_merge(s, &actor, "1748529632", "1026893096", "", &d),
        LRS_ECONFLICT);
    assert_int_equal(
        lrs_store_learner_merge(s, &actor, "1026893096", "1026893096", "", &d),
        LRS_EINVAL);
    assert_string_equal(d.field, "uln");
    assert_int_equal(
        lrs_store_learner_merge(s, &actor, "1026893096", "1748529632", "", &d),
        LRS_EINVAL);
    assert_int_equal(
        lrs_store_learner_merge(s, &actor, "1026893096", "6936002314", "", &d),
        LRS_ENOTFOUND);
    assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
    assert_int_equal(st.linked, 1);
    assert_int_equal(st.active, 2);
    assert_int_equal(st.merges, 1);
    lrs_store_free(s);
}

struct scan {
    int count;
    char last[LRS_ULN_SIZE];
    int stop_at;
};

static enum lrs_err scan_one(const struct lrs_learner *l, void *ctx)
{
    struct scan *sc = ctx;

    assert_true(strcmp(sc->last, l->uln) < 0);
    memcpy(sc->last, l->uln, LRS_ULN_SIZE);
    if (++sc->count == sc->stop_at)
        return LRS_ELIMIT;
    return LRS_OK;
}

static void test_store__scan_streams_in_uln_order(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct scan sc;

    (void)state;
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    for (int i = 0; i < 2500; i++) {
        struct lrs_learner l;

        make(&l, "", "Ann", "Smith");
        assert_int_equal(lrs_store_learner_insert(s, &actor, &l), LRS_OK);
    }
    assert_int_equal(lrs_store_commit(s), LRS_OK);
    memset(&sc, 0, sizeof sc);
    assert_int_equal(lrs_store_learner_scan(s, scan_one, &sc), LRS_OK);
    assert_int_equal(sc.count, 2500);
    memset(&sc, 0, sizeof sc);
    sc.stop_at = 1200;
    assert_int_equal(lrs_store_learner_scan(s, scan_one, &sc), LRS_ELIMIT);
    assert_int_equal(sc.count, 1200);
    /* The store is still usable after a stopped scan. */
    assert_int_equal(count_learners(s), 2500);
    lrs_store_free(s);
}

struct audits {
    int count;
    struct lrs_audit last;
    char source[16];
    char addr[64];
};

static enum lrs_err count_audit(const struct lrs_audit *a, void *ctx)
{
    struct audits *n = ctx;

    n->count++;
    n->last = *a;
    snprintf(n->source, sizeof n->source, "%s", a->actor.source);
    snprintf(n->addr, sizeof n->addr, "%s", a->actor.addr);
    return LRS_OK;
}

static void test_store__audit_rows_append_and_filter(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_audit a;
    struct audits n = {0};

    (void)state;
    memset(&a, 0, sizeof a);
    a.actor = actor;
    a.action = LRS_AUDIT_READ;
    memcpy(a.uln, "1000000043", LRS_ULN_SIZE);
    assert_int_equal(lrs_store_audit_append(s, &a), LRS_OK);
    a.action = LRS_AUDIT_UPDATE;
    memcpy(a.uln, "1748529632", LRS_ULN_SIZE);
    assert_int_equal(lrs_store_audit_append(s, &a), LRS_OK);
    assert_int_equal(lrs_store_audit_scan(s, NULL, count_audit, &n), LRS_OK);
    assert_int_equal(n.count, 2);
    n.count = 0;
    assert_int_equal(lrs_store_audit_scan(s, "1000000043", count_audit, &n),
                     LRS_OK);
    assert_int_equal(n.count, 1);
    assert_int_equal(n.last.action, LRS_AUDIT_READ);
    assert_int_equal(n.last.actor.user_id, 7);
    assert_int_equal(n.last.actor.org_id, 3);
    assert_string_equal(n.source, "test");
    assert_string_equal(n.addr, "");
    assert_true(n.last.at_ms > 0);
    assert_string_equal(lrs_audit_action_name(LRS_AUDIT_EXPORT), "export");
    lrs_store_free(s);
}

/* The client's address is kept with the row, alone and inside a
 * transaction (where the PostgreSQL engine sends rows by COPY, so the
 * odd characters check its escaping). */
static void test_store__audit_rows_keep_the_address(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_audit a;
    struct audits n = {0};

    (void)state;
    memset(&a, 0, sizeof a);
    a.actor = actor;
    a.actor.addr = "2001:db8::7";
    a.action = LRS_AUDIT_READ;
    memcpy(a.uln, "1000000043", LRS_ULN_SIZE);
    assert_int_equal(lrs_store_audit_append(s, &a), LRS_OK);
    assert_int_equal(lrs_store_audit_scan(s, "1000000043", count_audit, &n),
                     LRS_OK);
    assert_int_equal(n.count, 1);
    assert_string_equal(n.addr, "2001:db8::7");

    assert_int_equal(lrs_store_begin(s), LRS_OK);
    a.actor.addr = "10.1.2.3\t\\x";
    memcpy(a.uln, "1748529632", LRS_ULN_SIZE);
    assert_int_equal(lrs_store_audit_append(s, &a), LRS_OK);
    assert_int_equal(lrs_store_commit(s), LRS_OK);
    n.count = 0;
    assert_int_equal(lrs_store_audit_scan(s, "1748529632", count_audit, &n),
                     LRS_OK);
    assert_int_equal(n.count, 1);
    assert_string_equal(n.addr, "10.1.2.3\t\\x");
    lrs_store_free(s);
}

/* An account row names its subject beside the actor, alone and inside a
 * transaction (PostgreSQL's COPY), and a user's rows are found by it;
 * every action has a name that reads back. */
static void test_store__audit_rows_name_the_user_changed(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_audit a;
    struct audits n = {0};

    (void)state;
    memset(&a, 0, sizeof a);
    a.actor = actor;
    a.action = LRS_AUDIT_USER_DISABLE;
    a.subject_user_id = 42;
    assert_int_equal(lrs_store_audit_append(s, &a), LRS_OK);
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    a.action = LRS_AUDIT_TOKEN_REVOKE;
    assert_int_equal(lrs_store_audit_append(s, &a), LRS_OK);
    a.action = LRS_AUDIT_TOKEN_ADD;
    a.subject_user_id = 43;
    assert_int_equal(lrs_store_audit_append(s, &a), LRS_OK);
    a.action = LRS_AUDIT_READ;
    a.subject_user_id = 0;
    memcpy(a.uln, "1000000043", LRS_ULN_SIZE);
    assert_int_equal(lrs_store_audit_append(s, &a), LRS_OK);
    assert_int_equal(lrs_store_commit(s), LRS_OK);

    assert_int_equal(lrs_store_audit_scan_user(s, 42, count_audit, &n), LRS_OK);
    assert_int_equal(n.count, 2);
    assert_int_equal(n.last.action, LRS_AUDIT_TOKEN_REVOKE);
    assert_int_equal(n.last.subject_user_id, 42);
    assert_int_equal(n.last.actor.user_id, 7);
    assert_string_equal(n.last.uln, "");
    n.count = 0;
    assert_int_equal(lrs_store_audit_scan_user(s, 43, count_audit, &n), LRS_OK);
    assert_int_equal(n.count, 1);
    assert_int_equal(n.last.action, LRS_AUDIT_TOKEN_ADD);
    n.count = 0;
    assert_int_equal(lrs_store_audit_scan_user(s, 7, count_audit, &n), LRS_OK);
    assert_int_equal(n.count, 0); /* the actor is not the subject */
    assert_int_equal(lrs_store_audit_scan(s, "1000000043", count_audit, &n),
                     LRS_OK);
    assert_int_equal(n.count, 1);
    assert_int_equal(n.last.subject_user_id, 0);
    for (int act = LRS_AUDIT_READ; act <= LRS_AUDIT_ACTION_LAST; act++)
        assert_string_not_equal(
            lrs_audit_action_name((enum lrs_audit_action)act), "unknown");
    lrs_store_free(s);
}

/* A sink that keeps the rows it is given (their addresses). */
struct sunk {
    int count;
    char addr[64];
};

static enum lrs_err keep_row(void *ctx, const struct lrs_audit *a)
{
    struct sunk *k = ctx;

    k->count++;
    snprintf(k->addr, sizeof k->addr, "%s", a->actor.addr);
    return LRS_OK;
}

static enum lrs_err refuse_row(void *ctx, const struct lrs_audit *a)
{
    (void)ctx;
    (void)a;
    return LRS_EIO;
}

/* With a sink, rows appended outside a transaction go to it (and its
 * error is the append's); inside one they are written as always. */
static void test_store__audit_sink_takes_rows_outside_transactions(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct sunk k = {0};
    struct audits n = {0};
    struct lrs_audit a;

    (void)state;
    memset(&a, 0, sizeof a);
    a.actor = actor;
    a.actor.addr = "192.0.2.1";
    a.action = LRS_AUDIT_READ;
    memcpy(a.uln, "1000000043", LRS_ULN_SIZE);
    assert_false(lrs_store_audit_sink_on(s));
    lrs_store_audit_sink_set(s, keep_row, &k);
    assert_true(lrs_store_audit_sink_on(s));
    assert_int_equal(lrs_store_audit_append(s, &a), LRS_OK);
    assert_int_equal(k.count, 1);
    assert_string_equal(k.addr, "192.0.2.1");
    assert_int_equal(lrs_store_audit_scan(s, NULL, count_audit, &n), LRS_OK);
    assert_int_equal(n.count, 0);

    assert_int_equal(lrs_store_begin(s), LRS_OK);
    assert_false(lrs_store_audit_sink_on(s));
    assert_int_equal(lrs_store_audit_append(s, &a), LRS_OK);
    assert_int_equal(lrs_store_commit(s), LRS_OK);
    assert_int_equal(k.count, 1);
    assert_int_equal(lrs_store_audit_scan(s, NULL, count_audit, &n), LRS_OK);
    assert_int_equal(n.count, 1);

    lrs_store_audit_sink_set(s, refuse_row, NULL);
    assert_int_equal(lrs_store_audit_append(s, &a), LRS_EIO);
    lrs_store_audit_sink_set(s, NULL, NULL);
    assert_false(lrs_store_audit_sink_on(s));
    lrs_store_free(s);
}

/* ULN uniqueness under concurrency: N connections issuing at once. */
#define THREADS    4
#define PER_THREAD 100

struct worker {
    char ulns[PER_THREAD][LRS_ULN_SIZE];
    int failures;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    struct lrs_store *s = factory_connect();

    for (int i = 0; i < PER_THREAD; i++) {
        struct lrs_learner l;
        enum lrs_err err;

        make(&l, "", "Ann", "Smith");
        do
            err = lrs_store_learner_insert(s, &actor, &l);
        while (err == LRS_EBUSY);
        if (err)
            w->failures++;
        memcpy(w->ulns[i], l.uln, LRS_ULN_SIZE);
    }
    lrs_store_free(s);
    return NULL;
}

static int cmp_uln(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void test_store__concurrent_issue_never_repeats(void **state)
{
    struct lrs_store *s = factory_new_store();
    static struct worker w[THREADS];
    pthread_t t[THREADS];
    static char all[THREADS * PER_THREAD][LRS_ULN_SIZE];

    (void)state;
    memset(w, 0, sizeof w);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(w[i].failures, 0);
        memcpy(all[i * PER_THREAD], w[i].ulns, sizeof w[i].ulns);
    }
    qsort(all, THREADS * PER_THREAD, LRS_ULN_SIZE, cmp_uln);
    for (int i = 1; i < THREADS * PER_THREAD; i++)
        assert_string_not_equal(all[i - 1], all[i]);
    assert_int_equal(count_learners(s), THREADS * PER_THREAD);
    lrs_store_free(s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store__init_is_idempotent),
        cmocka_unit_test(test_store__first_init_creates_key),
        cmocka_unit_test(test_store__uninitialised_is_refused),
        cmocka_unit_test(test_store__insert_and_get_round_trip),
        cmocka_unit_test(test_store__duplicate_uln_conflicts_and_txn_survives),
        cmocka_unit_test(test_store__issues_valid_distinct_ulns),
        cmocka_unit_test(test_store__issue_skips_present_uln),
        cmocka_unit_test(test_store__rollback_undoes_everything),
        cmocka_unit_test(test_store__commit_is_seen_by_another_connection),
        cmocka_unit_test(test_store__update_checks_version_and_keeps_names),
        cmocka_unit_test(test_store__merge_links_and_resolves),
        cmocka_unit_test(test_store__scan_streams_in_uln_order),
        cmocka_unit_test(test_store__audit_rows_append_and_filter),
        cmocka_unit_test(test_store__audit_rows_keep_the_address),
        cmocka_unit_test(test_store__audit_rows_name_the_user_changed),
        cmocka_unit_test(
            test_store__audit_sink_takes_rows_outside_transactions),
        cmocka_unit_test(test_store__concurrent_issue_never_repeats),
    };
    int rc;

    factory_setup(argc, argv);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
