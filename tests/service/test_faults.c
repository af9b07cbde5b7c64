/*
 * test_faults.c - I/O faults and allocation failures in the learner
 * service (STYLE.md: a faulty store vtable fails its nth call; OOM loop).
 *
 * The faulty engine wraps the real one and makes its nth call fail with
 * LRS_EIO (a failing commit rolls back first, as a real engine would).
 * For every n, a scenario of service calls runs until one fails; then,
 * with the real engine back, the register must be consistent: no
 * transaction left open, every learner with exactly the audit row of its
 * creation, and the store still usable. The OOM loop does the same with
 * the allocation hook failing its nth allocation during an import.
 */
#include "testutil.h"

#include "factory.h"
#include "store/store_int.h"

#include <lrs/service.h>

#include <stdio.h>
#include <string.h>

static const struct lrs_actor actor = {1, 0, "test", NULL};
static const struct lrs_store_ops *real;
static struct lrs_store_ops faulty;
static unsigned long calls, fail_at;
static int injected;

static int hit(void)
{
    if (fail_at && ++calls == fail_at) {
        injected = 1;
        return 1;
    }
    return 0;
}

static enum lrs_err f_begin(void *e)
{
    return hit() ? LRS_EIO : real->begin(e);
}

static enum lrs_err f_commit(void *e)
{
    if (hit()) {
        real->rollback(e);
        return LRS_EIO;
    }
    return real->commit(e);
}

static enum lrs_err f_counter_next(void *e, uint64_t *c)
{
    return hit() ? LRS_EIO : real->uln_counter_next(e, c);
}

static enum lrs_err f_exists(void *e, const char *uln, bool *x)
{
    return hit() ? LRS_EIO : real->learner_exists(e, uln, x);
}

static enum lrs_err f_insert(void *e, const struct lrs_learner *l)
{
    return hit() ? LRS_EIO : real->learner_insert(e, l);
}

static enum lrs_err f_get(void *e, const char *uln, struct lrs_learner *o)
{
    return hit() ? LRS_EIO : real->learner_get(e, uln, o);
}

static enum lrs_err f_update(void *e, const struct lrs_learner *l, int32_t v)
{
    return hit() ? LRS_EIO : real->learner_update(e, l, v);
}

static enum lrs_err f_names(void *e, const struct lrs_name_change *c)
{
    return hit() ? LRS_EIO : real->name_change_insert(e, c);
}

static enum lrs_err f_merge(void *e, const struct lrs__merge *m)
{
    return hit() ? LRS_EIO : real->merge_insert(e, m);
}

static enum lrs_err f_audit(void *e, const struct lrs_audit *a)
{
    return hit() ? LRS_EIO : real->audit_insert(e, a);
}

static enum lrs_err f_scan(void *e, lrs_store_learner_fn fn, void *ctx)
{
    return hit() ? LRS_EIO : real->learner_scan(e, fn, ctx);
}

static void make_faulty(struct lrs_store *s)
{
    real = lrs__store_ops(s);
    faulty = *real;
    faulty.begin = f_begin;
    faulty.commit = f_commit;
    faulty.uln_counter_next = f_counter_next;
    faulty.learner_exists = f_exists;
    faulty.learner_insert = f_insert;
    faulty.learner_get = f_get;
    faulty.learner_update = f_update;
    faulty.name_change_insert = f_names;
    faulty.merge_insert = f_merge;
    faulty.audit_insert = f_audit;
    faulty.learner_scan = f_scan;
}

static void learner(struct lrs_learner *l, const char *given)
{
    lrs_learner_init(l);
    snprintf(l->given_name, sizeof l->given_name, "%s", given);
    snprintf(l->family_name, sizeof l->family_name, "Smith");
    snprintf(l->postcode, sizeof l->postcode, "M1 1AE");
    l->date_of_birth = (struct lrs_date){2010, 1, 2};
    l->gender = LRS_GENDER_FEMALE;
}

static enum lrs_err discard(void *ctx, const char *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return LRS_OK;
}

/* Service calls until the first failure; returns it (LRS_OK: none). */
static enum lrs_err scenario(struct lrs_store *s)
{
    static const char csv[] = "uln,given_name,middle_names,family_name,"
                              "date_of_birth,gender,postcode\n"
                              ",Cat,,Jones,2010-01-02,2,M1 1AE\n"
                              "1000000043,Dan,,Jones,2010-01-02,1,M1 1AE\n";
    struct lrs_csv_mem m = {csv, sizeof csv - 1};
    struct lrs_learner a, b, got;
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_err err;

    learner(&a, "Ann");
    learner(&b, "Bea");
    err = lrs_service_learner_register(s, &actor, &a, &d);
    if (!err)
        err = lrs_service_learner_register(s, &actor, &b, &d);
    if (!err)
        err = lrs_service_learner_get(s, &actor, lrs_str_c(a.uln), &got, NULL,
                                      &d);
    if (!err) {
        snprintf(got.family_name, sizeof got.family_name, "Jones");
        err = lrs_service_learner_update(s, &actor, &got, got.version,
                                         "marriage", &d);
    }
    if (!err)
        err = lrs_service_learner_merge(s, &actor, lrs_str_c(b.uln),
                                        lrs_str_c(a.uln), "duplicate", &d);
    if (!err)
        err = lrs_service_import_learners(s, &actor, lrs_csv_mem_read, &m, NULL,
                                          NULL, &d);
    if (!err)
        err = lrs_service_export_learners(s, &actor, discard, NULL, NULL, &d);
    if (err)
        assert_non_null(d.field);
    return err;
}

struct audit_count {
    uint64_t created, reads;
};

static enum lrs_err count(const struct lrs_audit *a, void *ctx)
{
    struct audit_count *c = ctx;

    c->created +=
        a->action == LRS_AUDIT_REGISTER || a->action == LRS_AUDIT_IMPORT;
    c->reads += a->action == LRS_AUDIT_READ;
    return LRS_OK;
}

/* The register is consistent and usable. */
static void check_consistent(struct lrs_store *s)
{
    struct lrs_store_stats st;
    struct audit_count c = {0, 0};
    struct lrs_learner l;
    struct lrs_diag d = LRS_DIAG_INIT;

    assert_false(lrs_store_in_transaction(s));
    assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
    assert_int_equal(lrs_store_audit_scan(s, NULL, count, &c), LRS_OK);
    assert_int_equal(c.created, st.learners);
    assert_true(st.name_changes <= 1);
    assert_true(st.merges <= 1);
    learner(&l, "Eve");
    assert_int_equal(lrs_service_learner_register(s, &actor, &l, &d), LRS_OK);
}

static void test_faults__every_failing_call_leaves_it_consistent(void **state)
{
    unsigned long n;

    (void)state;
    for (n = 1; n < 200; n++) {
        struct lrs_store *s = factory_new_store();
        enum lrs_err err;

        make_faulty(s);
        lrs__store_set_ops(s, &faulty);
        calls = 0;
        fail_at = n;
        injected = 0;
        err = scenario(s);
        lrs__store_set_ops(s, real);
        fail_at = 0;
        if (!injected) {
            assert_int_equal(err, LRS_OK);
            check_consistent(s);
            lrs_store_free(s);
            break;
        }
        assert_int_not_equal(err, LRS_OK);
        check_consistent(s);
        lrs_store_free(s);
    }
    assert_true(n > 10 && n < 200);
}

static void test_faults__oom_during_import(void **state)
{
    static const char csv[] = "uln,given_name,middle_names,family_name,"
                              "date_of_birth,gender,postcode\n"
                              ",Cat,,Jones,2010-01-02,2,M1 1AE\n"
                              "\"1000000043\",Dan,,Jones,2010-01-02,1,"
                              "M1 1AE\n";
    unsigned long n;

    (void)state;
    for (n = 1; n < 100; n++) {
        struct lrs_store *s = factory_new_store();
        struct lrs_csv_mem m = {csv, sizeof csv - 1};
        struct lrs_diag d = LRS_DIAG_INIT;
        struct lrs_store_stats st;
        enum lrs_err err;
        int failed;

        test_alloc_fail_at(n);
        err = lrs_service_import_learners(s, &actor, lrs_csv_mem_read, &m, NULL,
                                          NULL, &d);
        failed = test_alloc_failed();
        test_alloc_reset();
        assert_true(err == LRS_OK || err == LRS_ENOMEM);
        /* The SQLite engine keeps nothing of ours between calls; others
         * may cache buffers on the connection (PostgreSQL's audit COPY
         * buffer), freed with the store. */
        if (factory_is_sqlite())
            assert_int_equal(test_alloc_live(), 0);
        assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
        assert_int_equal(st.learners, err ? 0 : 2);
        check_consistent(s);
        lrs_store_free(s);
        if (!failed)
            break;
    }
    assert_true(n > 1 && n < 100);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_faults__every_failing_call_leaves_it_consistent),
        cmocka_unit_test(test_faults__oom_during_import),
    };
    int rc;

    factory_setup(argc, argv);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
