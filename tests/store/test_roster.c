/*
 * test_roster.c - a school's latest pupil roster stored with the register,
 * on every engine: the store contract (lrs_store_roster_put, _get: one
 * roster per organisation, replaced, the earlier roster of an import kept,
 * who and when kept, bad text refused with nothing stored, the caller's
 * transaction), then the service over it (lrs_service_roster_save, _get:
 * scoped to the actor's organisation, audited, UTF-8 checked).
 *
 * `test_roster sqlite` (suite store-sqlite) and `test_roster pg` under
 * tests/pg/with-pg.sh (suite store-pg). Each test starts from an empty,
 * initialised database.
 */
#include "testutil.h"

#include "factory.h"

#include <lrs/accounts.h>
#include <lrs/service.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Synthetic pupils, never real people. */
static const char roster_a[] =
    "upn,surname,forename,date_of_birth,sex,postcode\n"
    "A801200026001,Okafor,Chidi,2011-03-04,M,BS6 5NL\n";
static const char roster_b[] =
    "upn,uln,surname,forename,date_of_birth,sex,postcode\n"
    "A801200026001,4733206177,Okafor,Chidi,2011-03-04,M,BS6 5NL\n"
    "B801200026002,,Fairbairn,Zo\xc3\xab,2011-05-06,F,\n";

/* A school organisation; returns its id. */
static int64_t school(struct lrs_store *s, int estab)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_org o;

    memset(&o, 0, sizeof o);
    o.kind = LRS_ORG_SCHOOL;
    snprintf(o.name, sizeof o.name, "School %d", estab);
    o.la = 801;
    o.estab = estab;
    assert_int_equal(lrs_store_org_add(s, &o, &d), LRS_OK);
    return o.id;
}

static struct lrs_store_roster meta(int64_t org, const char *source,
                                    const char *file)
{
    struct lrs_store_roster r;

    memset(&r, 0, sizeof r);
    r.org_id = org;
    r.user_id = 5;
    r.pupils = 1;
    snprintf(r.source, sizeof r.source, "%s", source);
    snprintf(r.file_name, sizeof r.file_name, "%s", file);
    return r;
}

static const char ctf[] = "<CTfile><Header/></CTfile>\n";
static const struct lrs_str none = {NULL, 0};

static void test_roster__none_stored(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_store_roster got;
    struct lrs_buf csv = LRS_BUF_INIT, before = LRS_BUF_INIT;

    (void)state;
    assert_int_equal(lrs_store_roster_get(s, 0, &got, &csv, &before, NULL),
                     LRS_ENOTFOUND);
    assert_int_equal(got.org_id, 0);
    assert_int_equal(csv.len, 0);
    lrs_buf_release(&csv);
    lrs_buf_release(&before);
    lrs_store_free(s);
}

static void test_roster__replaced_per_org_before_kept(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_store *other;
    const int64_t one = school(s, 2001), two = school(s, 2002);
    const int64_t start = (int64_t)time(NULL) * 1000 - 1000;
    struct lrs_store_roster r = meta(one, "upload", "roster.csv"), got;
    struct lrs_buf csv = LRS_BUF_INIT, before = LRS_BUF_INIT;
    struct lrs_buf got_ctf = LRS_BUF_INIT;

    (void)state;
    assert_int_equal(lrs_store_roster_put(s, &r, LRS_STR(roster_a), none, none),
                     LRS_OK);
    assert_true(r.updated_ms >= start);
    assert_false(r.has_before);
    r = meta(two, "upload", "other.csv");
    r.pupils = 2;
    assert_int_equal(lrs_store_roster_put(s, &r, LRS_STR(roster_b), none, none),
                     LRS_OK);
    /* An import replaces school one's roster and keeps the one before. */
    r = meta(one, "import", "returned.xml");
    r.user_id = 6;
    r.pupils = 2;
    assert_int_equal(lrs_store_roster_put(s, &r, LRS_STR(roster_b),
                                          LRS_STR(roster_a), LRS_STR(ctf)),
                     LRS_OK);
    assert_true(r.has_before);

    other = factory_connect();
    assert_int_equal(
        lrs_store_roster_get(other, one, &got, &csv, &before, &got_ctf),
        LRS_OK);
    assert_string_equal(got_ctf.data, ctf);
    assert_int_equal(got.org_id, one);
    assert_int_equal(got.user_id, 6);
    assert_int_equal(got.pupils, 2);
    assert_int_equal(got.updated_ms, r.updated_ms);
    assert_string_equal(got.source, "import");
    assert_string_equal(got.file_name, "returned.xml");
    assert_true(got.has_before);
    assert_string_equal(csv.data, roster_b);
    assert_string_equal(before.data, roster_a);
    /* The other school's roster is its own; `before` may be left out. */
    assert_int_equal(lrs_store_roster_get(other, two, &got, &csv, NULL, NULL),
                     LRS_OK);
    assert_string_equal(got.file_name, "other.csv");
    assert_string_equal(got.source, "upload");
    assert_false(got.has_before);
    assert_string_equal(csv.data, roster_b);
    assert_int_equal(
        lrs_store_roster_get(other, two, &got, &csv, &before, &got_ctf),
        LRS_OK);
    assert_int_equal(before.len, 0);
    assert_int_equal(got_ctf.len, 0);
    /* A new upload drops the earlier roster. */
    r = meta(one, "upload", "again.csv");
    assert_int_equal(lrs_store_roster_put(s, &r, LRS_STR(roster_a), none, none),
                     LRS_OK);
    assert_int_equal(
        lrs_store_roster_get(other, one, &got, &csv, &before, NULL), LRS_OK);
    assert_false(got.has_before);
    assert_int_equal(before.len, 0);
    assert_string_equal(csv.data, roster_a);
    lrs_store_free(other);
    lrs_buf_release(&got_ctf);
    lrs_buf_release(&csv);
    lrs_buf_release(&before);
    lrs_store_free(s);
}

static void test_roster__bad_input_refused(void **state)
{
    struct lrs_store *s = factory_new_store();
    const int64_t org = school(s, 2003);
    struct lrs_store_roster r, got;
    struct lrs_buf csv = LRS_BUF_INIT, big = LRS_BUF_INIT;
    static const char nul[] = "upn\0x\n";
    const struct lrs_str bad[] = {LRS_STR(""), {nul, sizeof nul - 1}};

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = meta(org, "upload", "x.csv");
        assert_int_equal(lrs_store_roster_put(s, &r, bad[i], none, none),
                         LRS_EINVAL);
        assert_non_null(strstr(lrs_store_errmsg(s), "roster must be"));
        r = meta(org, "import", "x.csv");
        assert_int_equal(lrs_store_roster_put(s, &r, LRS_STR(roster_a), bad[i],
                                              LRS_STR(ctf)),
                         LRS_EINVAL);
        assert_int_equal(lrs_store_roster_put(s, &r, LRS_STR(roster_a),
                                              LRS_STR(roster_a), bad[i]),
                         LRS_EINVAL);
    }
    /* The source must say what came with it. */
    r = meta(org, "mail", "x.csv");
    assert_int_equal(lrs_store_roster_put(s, &r, LRS_STR(roster_a), none, none),
                     LRS_EINVAL);
    assert_non_null(strstr(lrs_store_errmsg(s), "upload (alone)"));
    r = meta(org, "import", "x.csv");
    assert_int_equal(lrs_store_roster_put(s, &r, LRS_STR(roster_a), none, none),
                     LRS_EINVAL);
    assert_int_equal(
        lrs_store_roster_put(s, &r, LRS_STR(roster_a), LRS_STR(roster_a), none),
        LRS_EINVAL);
    r = meta(org, "upload", "x.csv");
    assert_int_equal(lrs_store_roster_put(s, &r, LRS_STR(roster_a),
                                          LRS_STR(roster_a), LRS_STR(ctf)),
                     LRS_EINVAL);
    assert_int_equal(lrs_buf_addf(&big, "%s", roster_a), LRS_OK);
    while (big.len <= LRS_STORE_ROSTER_MAX)
        assert_int_equal(lrs_buf_addf(&big, "%s", roster_a + 47), LRS_OK);
    r = meta(org, "upload", "big.csv");
    assert_int_equal(lrs_store_roster_put(s, &r, lrs_buf_str(&big), none, none),
                     LRS_EINVAL);
    assert_int_equal(lrs_store_roster_get(s, org, &got, &csv, NULL, NULL),
                     LRS_ENOTFOUND);
    /* A file name without its NUL is cut to fit, never inside a
     * character: the last whole one before byte 255 ends it. */
    r = meta(org, "upload", "");
    memset(r.file_name, 'n', sizeof r.file_name);
    memcpy(r.file_name + 254, "\xc3\xab", 2);
    assert_int_equal(lrs_store_roster_put(s, &r, LRS_STR(roster_a), none, none),
                     LRS_OK);
    assert_int_equal(strlen(r.file_name), 254);
    assert_int_equal(lrs_store_roster_get(s, org, &got, &csv, NULL, NULL),
                     LRS_OK);
    assert_int_equal(strlen(got.file_name), 254);
    lrs_buf_release(&big);
    lrs_buf_release(&csv);
    lrs_store_free(s);
}

static void test_roster__caller_transaction_rolls_back(void **state)
{
    struct lrs_store *s = factory_new_store();
    const int64_t org = school(s, 2004);
    struct lrs_store_roster r = meta(org, "upload", "r.csv");
    struct lrs_buf csv = LRS_BUF_INIT;

    (void)state;
    assert_int_equal(lrs_store_begin(s), LRS_OK);
    assert_int_equal(lrs_store_roster_put(s, &r, LRS_STR(roster_a), none, none),
                     LRS_OK);
    lrs_store_rollback(s);
    assert_int_equal(lrs_store_roster_get(s, org, &r, &csv, NULL, NULL),
                     LRS_ENOTFOUND);
    lrs_buf_release(&csv);
    lrs_store_free(s);
}

struct audit_count {
    int stores, reads;
    int64_t org;
};

static enum lrs_err count_audit(const struct lrs_audit *a, void *ctx)
{
    struct audit_count *c = ctx;

    if (a->actor.org_id != c->org)
        return LRS_OK;
    assert_string_equal(a->uln, "");
    if (a->action == LRS_AUDIT_ROSTER_STORE)
        c->stores++;
    else if (a->action == LRS_AUDIT_ROSTER_READ)
        c->reads++;
    return LRS_OK;
}

static void test_roster__service_scoped_and_audited(void **state)
{
    struct lrs_store *s = factory_new_store();
    const int64_t one = school(s, 2005), two = school(s, 2006);
    const struct lrs_actor sam = {11, one, "web", NULL};
    const struct lrs_actor kim = {12, two, "web", NULL};
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store_roster r, got;
    struct lrs_buf csv = LRS_BUF_INIT, before = LRS_BUF_INIT;
    struct audit_count c = {0, 0, one};

    (void)state;
    r = meta(two, "upload", "r.csv"); /* org_id comes from the actor */
    assert_int_equal(
        lrs_service_roster_save(s, &sam, &r, LRS_STR(roster_a), none, none, &d),
        LRS_OK);
    assert_int_equal(r.org_id, one);
    assert_int_equal(r.user_id, 11);
    assert_int_equal(
        lrs_service_roster_get(s, &sam, &got, &csv, &before, NULL, &d), LRS_OK);
    assert_string_equal(csv.data, roster_a);
    assert_int_equal(got.user_id, 11);
    /* The other school has none: its own, never school one's. */
    assert_int_equal(
        lrs_service_roster_get(s, &kim, &got, &csv, NULL, NULL, &d),
        LRS_ENOTFOUND);
    assert_string_equal(d.field, "roster");
    assert_int_equal(csv.len, 0);
    /* Not UTF-8: refused, nothing stored, nothing audited. */
    r = meta(0, "upload", "bad.csv");
    assert_int_equal(lrs_service_roster_save(s, &sam, &r,
                                             LRS_STR("upn\nCaf\xe9\n"), none,
                                             none, &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "roster");
    assert_string_equal(d.msg, "the roster is not UTF-8 text");
    assert_int_equal(lrs_store_audit_scan(s, NULL, count_audit, &c), LRS_OK);
    assert_int_equal(c.stores, 1);
    assert_int_equal(c.reads, 1);
    assert_int_equal(
        lrs_service_roster_get(s, &sam, &got, &csv, NULL, NULL, &d), LRS_OK);
    assert_string_equal(csv.data, roster_a);
    lrs_buf_release(&csv);
    lrs_buf_release(&before);
    lrs_store_free(s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roster__none_stored),
        cmocka_unit_test(test_roster__replaced_per_org_before_kept),
        cmocka_unit_test(test_roster__bad_input_refused),
        cmocka_unit_test(test_roster__caller_transaction_rolls_back),
        cmocka_unit_test(test_roster__service_scoped_and_audited),
    };
    int rc;

    factory_setup(argc, argv);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
