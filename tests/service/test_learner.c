/*
 * test_learner.c - learner field rules and the single-learner use cases
 * (lib/service/learner.c). Field rules come from learner.xsd (the LRS
 * `Learner` type); the store comes from tests/store/factory.c, so
 * `test_service_learner pg` runs the same cases on PostgreSQL.
 */
#include "testutil.h"

#include "factory.h"

#include <lrs/service.h>

#include <stdio.h>
#include <string.h>

static const struct lrs_actor actor = {5, 2, "test", NULL};

static enum lrs_err set(struct lrs_learner *l, enum lrs_learner_field f,
                        const char *v, struct lrs_diag *d)
{
    return lrs_learner_field_set(l, f, lrs_str_c(v), d);
}

static void valid(struct lrs_learner *l)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    lrs_learner_init(l);
    assert_int_equal(set(l, LRS_FIELD_GIVEN_NAME, "Zoë", &d), LRS_OK);
    assert_int_equal(set(l, LRS_FIELD_FAMILY_NAME, "O'Brien", &d), LRS_OK);
    assert_int_equal(set(l, LRS_FIELD_DATE_OF_BIRTH, "2010-02-28", &d), LRS_OK);
    assert_int_equal(set(l, LRS_FIELD_GENDER, "F", &d), LRS_OK);
    assert_int_equal(set(l, LRS_FIELD_POSTCODE, "sw1a1aa", &d), LRS_OK);
}

struct rule {
    enum lrs_learner_field f;
    const char *value;
    const char *field, *msg; /* expected diag; msg NULL = accepted */
};

static void test_learner__field_rules(void **state)
{
    /* learner.xsd: MIAPName maxLength 35 counts characters, not bytes. */
    static const struct rule v[] = {
        {LRS_FIELD_GIVEN_NAME, "ŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁ", NULL,
         NULL},
        {LRS_FIELD_GIVEN_NAME, "ŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁŁ",
         "given_name", "must be at most 35 characters, got 36"},
        {LRS_FIELD_FAMILY_NAME, "Smith\tJones", "family_name",
         "must not contain control characters (byte 6)"},
        {LRS_FIELD_FAMILY_NAME, "Sm\xc3", "family_name", "is not valid UTF-8"},
        {LRS_FIELD_ADDRESS_LINE1,
         "123456789012345678901234567890123456789012345678901", "address_line1",
         "must be at most 50 characters, got 51"},
        {LRS_FIELD_DATE_OF_BIRTH, "", "date_of_birth", "is missing"},
        {LRS_FIELD_DATE_OF_BIRTH, "31/12/2009", NULL, NULL},
        {LRS_FIELD_GENDER, "", "gender", "is missing"},
        {LRS_FIELD_GENDER, "9", NULL, NULL},
        {LRS_FIELD_ULN, "", NULL, NULL},
        {LRS_FIELD_ULN, " 1000000043 ", NULL, NULL},
        {LRS_FIELD_ULN, "1748529631", "uln", "check digit is 1, expected 2"},
        {LRS_FIELD_ABILITY_TO_SHARE, "3", "ability_to_share",
         "must be 0, 1 or 2"},
        {LRS_FIELD_POSTCODE, "", NULL, NULL},
    };

    (void)state;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        struct lrs_learner l;
        struct lrs_diag d = LRS_DIAG_INIT;
        enum lrs_err err;

        lrs_learner_init(&l);
        err = set(&l, v[i].f, v[i].value, &d);
        if (!v[i].msg) {
            assert_int_equal(err, LRS_OK);
            continue;
        }
        assert_int_equal(err, LRS_EINVAL);
        assert_string_equal(d.field, v[i].field);
        assert_string_equal(d.msg, v[i].msg);
    }
}

static void test_learner__field_names_round_trip(void **state)
{
    enum lrs_learner_field f;

    (void)state;
    for (int i = 0; i < LRS_FIELD__COUNT; i++) {
        assert_int_equal(
            lrs_learner_field_lookup(
                lrs_str_c(lrs_learner_field_name((enum lrs_learner_field)i)),
                &f),
            LRS_OK);
        assert_int_equal(f, i);
    }
    assert_int_equal(lrs_learner_field_lookup(LRS_STR("address_town"), &f),
                     LRS_OK);
    assert_int_equal(f, LRS_FIELD_ADDRESS_TOWN);
    assert_int_equal(lrs_learner_field_lookup(LRS_STR("ULN"), &f),
                     LRS_ENOTFOUND);
    assert_null(lrs_learner_field_name(LRS_FIELD__COUNT));
}

static void test_learner__check_requires_mandatory_fields(void **state)
{
    struct lrs_learner l;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    valid(&l);
    assert_int_equal(lrs_service_learner_check(&l, &d), LRS_OK);
    assert_string_equal(l.postcode, "SW1A 1AA");
    l.postcode[0] = '\0';
    assert_int_equal(lrs_service_learner_check(&l, &d), LRS_EINVAL);
    assert_string_equal(d.field, "postcode");
    valid(&l);
    snprintf(l.given_name, sizeof l.given_name, "   ");
    assert_int_equal(lrs_service_learner_check(&l, &d), LRS_EINVAL);
    assert_string_equal(d.field, "given_name");
    valid(&l);
    l.date_of_birth.month = 13;
    assert_int_equal(lrs_service_learner_check(&l, &d), LRS_EINVAL);
    assert_string_equal(d.field, "date_of_birth");
}

struct audits {
    int n;
    enum lrs_audit_action last;
    char uln[LRS_ULN_SIZE];
};

static enum lrs_err on_audit(const struct lrs_audit *a, void *ctx)
{
    struct audits *x = ctx;

    x->n++;
    x->last = a->action;
    memcpy(x->uln, a->uln, LRS_ULN_SIZE);
    assert_int_equal(a->actor.user_id, 5);
    assert_int_equal(a->actor.org_id, 2);
    return LRS_OK;
}

static void test_learner__register_get_update_are_audited(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_learner l, got;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct audits a = {0};
    bool linked = true;

    (void)state;
    valid(&l);
    assert_int_equal(lrs_service_learner_register(s, &actor, &l, &d), LRS_OK);
    assert_int_equal(lrs_uln_check(lrs_str_c(l.uln), NULL), LRS_OK);
    assert_int_equal(lrs_store_audit_scan(s, NULL, on_audit, &a), LRS_OK);
    assert_int_equal(a.n, 1);
    assert_int_equal(a.last, LRS_AUDIT_REGISTER);
    assert_string_equal(a.uln, l.uln);

    assert_int_equal(
        lrs_service_learner_get(s, &actor, lrs_str_c(l.uln), &got, &linked, &d),
        LRS_OK);
    assert_false(linked);
    assert_string_equal(got.family_name, "O'Brien");
    memset(&a, 0, sizeof a);
    assert_int_equal(lrs_store_audit_scan(s, l.uln, on_audit, &a), LRS_OK);
    assert_int_equal(a.n, 2);
    assert_int_equal(a.last, LRS_AUDIT_READ);

    /* Stale version: refused, clear error, nothing changes. */
    snprintf(got.family_name, sizeof got.family_name, "Murphy");
    assert_int_equal(
        lrs_service_learner_update(s, &actor, &got, 7, "deed poll", &d),
        LRS_ECONFLICT);
    assert_string_equal(d.field, "version");
    assert_non_null(strstr(d.msg, "has version 1, not 7"));
    assert_int_equal(
        lrs_service_learner_update(s, &actor, &got, 1, "deed poll", &d),
        LRS_OK);
    assert_int_equal(got.version, 2);
    memset(&a, 0, sizeof a);
    assert_int_equal(lrs_store_audit_scan(s, l.uln, on_audit, &a), LRS_OK);
    assert_int_equal(a.n, 3);
    assert_int_equal(a.last, LRS_AUDIT_UPDATE);

    /* Bad and unknown ULNs. */
    assert_int_equal(lrs_service_learner_get(s, &actor, LRS_STR("1748529631"),
                                             &got, NULL, &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "uln");
    assert_int_equal(lrs_service_learner_get(s, &actor, LRS_STR("1748529632"),
                                             &got, NULL, &d),
                     LRS_ENOTFOUND);
    assert_string_equal(d.msg, "no learner has ULN 1748529632");
    lrs_store_free(s);
}

static void test_learner__register_refuses_duplicate_uln(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_learner l;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    valid(&l);
    memcpy(l.uln, "1000000043", LRS_ULN_SIZE);
    assert_int_equal(lrs_service_learner_register(s, &actor, &l, &d), LRS_OK);
    assert_int_equal(lrs_service_learner_register(s, &actor, &l, &d),
                     LRS_ECONFLICT);
    assert_string_equal(d.field, "uln");
    assert_string_equal(d.msg, "learner 1000000043 is already registered");
    lrs_store_free(s);
}

static void test_learner__merged_uln_resolves_to_master(void **state)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_learner a, b, got;
    struct lrs_diag d = LRS_DIAG_INIT;
    bool linked = false;

    (void)state;
    valid(&a);
    valid(&b);
    assert_int_equal(lrs_service_learner_register(s, &actor, &a, &d), LRS_OK);
    assert_int_equal(lrs_service_learner_register(s, &actor, &b, &d), LRS_OK);
    assert_int_equal(lrs_service_learner_merge(s, &actor, lrs_str_c(b.uln),
                                               lrs_str_c(a.uln), "duplicate",
                                               &d),
                     LRS_OK);
    assert_int_equal(
        lrs_service_learner_get(s, &actor, lrs_str_c(b.uln), &got, &linked, &d),
        LRS_OK);
    assert_true(linked);
    assert_string_equal(got.uln, a.uln);
    lrs_store_free(s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_learner__field_rules),
        cmocka_unit_test(test_learner__field_names_round_trip),
        cmocka_unit_test(test_learner__check_requires_mandatory_fields),
        cmocka_unit_test(test_learner__register_get_update_are_audited),
        cmocka_unit_test(test_learner__register_refuses_duplicate_uln),
        cmocka_unit_test(test_learner__merged_uln_resolves_to_master),
    };
    int rc;

    factory_setup(argc, argv);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
