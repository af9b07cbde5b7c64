/*
 * test_corrupt.c - each corruption kind changes what it says and nothing
 * else; typos, accents and nicknames behave.
 */
#include "testutil.h"

#include "base/base.h"

#include "synth/synth_int.h"

#include <lrs/ids.h>

#include <string.h>

static const struct lrs__surname kowalski = {"Kowalski", "Kowalska", 1};
static const struct lrs__surname jones = {"Jones", "Jones", 1};
static struct lrs__tables tables;

static int setup(void **state)
{
    (void)state;
    return lrs__tables_init(&tables) == LRS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    lrs__tables_release(&tables);
    return 0;
}

static int32_t day(int y, int m, int d)
{
    const struct lrs_date dt = {(int16_t)y, (uint8_t)m, (uint8_t)d};

    return lrs_date_to_days(dt);
}

/* Zoë Grace Kowalska, born 5 March 2010, AL3 4AB, once called Jones. */
static struct lrs__person zoe(void)
{
    struct lrs__person p;

    memset(&p, 0, sizeof p);
    p.family[0] = &kowalski;
    p.previous = &jones;
    p.given = "Zoë";
    p.middle[0] = "Grace";
    p.preferred = "Zo";
    p.dob = day(2010, 3, 5);
    p.area = 0; /* AL */
    p.district = 3;
    p.sector = 4;
    p.unit[0] = 0; /* A */
    p.unit[1] = 1; /* B */
    p.sex = 2;
    p.gender = 2;
    p.group = GROUP_EAST_EUROPEAN;
    return p;
}

static void query(const struct lrs__person *p, enum lrs_synth_kind k,
                  uint64_t seed, struct lrs__query *q)
{
    struct rng r;

    lrs__rng_seed(&r, seed);
    lrs__corrupt(&tables, p, 1u << k, &r, q);
}

static void test_corrupt__exact_is_the_register_record(void **state)
{
    const struct lrs__person p = zoe();
    struct lrs__query q;

    (void)state;
    query(&p, LRS_SYNTH_EXACT, 1, &q);
    assert_string_equal(q.given, "Zoë");
    assert_string_equal(q.middle, "Grace");
    assert_string_equal(q.family, "Kowalska");
    assert_int_equal(q.dob, p.dob);
    assert_int_equal(q.gender, 2);
    assert_string_equal(q.postcode, "AL3 4AB");
}

/* Which fields each kind may change: given, family, dob, postcode. */
static void test_corrupt__each_kind_changes_only_its_fields(void **state)
{
    const struct lrs__person p = zoe();
    struct lrs__query e, q;
    struct lrs_postcode pc;

    (void)state;
    query(&p, LRS_SYNTH_EXACT, 1, &e);
    for (uint64_t seed = 1; seed <= 50; seed++) {
        query(&p, LRS_SYNTH_TYPO_GIVEN, seed, &q);
        assert_string_not_equal(q.given, e.given);
        assert_string_equal(q.family, e.family);
        query(&p, LRS_SYNTH_TYPO_FAMILY, seed, &q);
        assert_string_not_equal(q.family, e.family);
        assert_string_equal(q.given, e.given);
        assert_int_equal(q.family[0], 'K');
        query(&p, LRS_SYNTH_MOVED, seed, &q);
        assert_string_not_equal(q.postcode, e.postcode);
        assert_int_equal(q.dob, e.dob);
        assert_int_equal(lrs_postcode_parse(lrs_str_c(q.postcode), &pc, NULL),
                         LRS_OK);
        query(&p, LRS_SYNTH_DOB_TYPO, seed, &q);
        assert_int_not_equal(q.dob, e.dob);
        assert_string_equal(q.postcode, e.postcode);
        query(&p, LRS_SYNTH_HYPHENATED, seed, &q);
        assert_non_null(strchr(q.family, '-'));
        assert_non_null(strstr(q.family, "Kowalska"));
        query(&p, LRS_SYNTH_MARRIED_NAME, seed, &q);
        assert_string_not_equal(q.family, e.family);
    }
    query(&p, LRS_SYNTH_NICKNAME, 1, &q);
    assert_string_equal(q.given, "Zo");
    query(&p, LRS_SYNTH_SWAPPED_NAMES, 1, &q);
    assert_string_equal(q.given, "Kowalska");
    assert_string_equal(q.family, "Zoë");
    query(&p, LRS_SYNTH_DOB_SWAP, 1, &q);
    assert_int_equal(q.dob, day(2010, 5, 3));
    query(&p, LRS_SYNTH_NO_POSTCODE, 1, &q);
    assert_string_equal(q.postcode, "");
    query(&p, LRS_SYNTH_NO_GENDER, 1, &q);
    assert_int_equal(q.gender, -1);
    query(&p, LRS_SYNTH_DIACRITICS, 1, &q);
    assert_string_equal(q.given, "Zoe");
    query(&p, LRS_SYNTH_PREVIOUS_NAME, 1, &q);
    assert_string_equal(q.family, "Jones");
    query(&p, LRS_SYNTH_EXACT, 1, &q);
    assert_string_equal(q.middle, "Grace");
    query(&p, LRS_SYNTH_NO_MIDDLE, 1, &q);
    assert_string_equal(q.middle, "");
    assert_string_equal(q.given, "Zoë");
}

static void test_corrupt__typo_is_one_ascii_edit_after_the_initial(void **state)
{
    struct lrs__person p = zoe();
    struct lrs__query q;

    (void)state;
    p.family[0] = &jones;
    p.given = "Matthews";
    for (uint64_t seed = 1; seed <= 2000; seed++) {
        size_t len;

        query(&p, LRS_SYNTH_TYPO_GIVEN, seed, &q);
        len = strlen(q.given);
        assert_true(len >= 7 && len <= 9);
        assert_int_equal(q.given[0], 'M');
        assert_string_not_equal(q.given, "Matthews");
        for (size_t i = 1; i < len; i++)
            assert_true(q.given[i] >= 'a' && q.given[i] <= 'z');
    }
}

static void test_corrupt__diacritics_fold_and_add(void **state)
{
    struct lrs__person p = zoe();
    static const struct lrs__surname wis = {"Wiśniewski", "Wiśniewska", 1};
    struct lrs__query q;

    (void)state;
    p.given = "Łukasz";
    p.sex = 1;
    p.family[0] = &wis;
    query(&p, LRS_SYNTH_DIACRITICS, 1, &q);
    assert_string_equal(q.given, "Lukasz");
    assert_string_equal(q.family, "Wisniewski");
    p.family[0] = &jones;
    p.given = "Sean";
    query(&p, LRS_SYNTH_DIACRITICS, 1, &q);
    assert_string_equal(q.given, "Seán");
}

static void test_corrupt__applicability(void **state)
{
    struct lrs__person p = zoe();

    (void)state;
    assert_true(lrs__kinds_applicable(1u << LRS_SYNTH_DOB_SWAP, &p));
    p.dob = day(2010, 3, 13);
    assert_false(lrs__kinds_applicable(1u << LRS_SYNTH_DOB_SWAP, &p));
    p.dob = day(2010, 3, 3);
    assert_false(lrs__kinds_applicable(1u << LRS_SYNTH_DOB_SWAP, &p));
    p.previous = NULL;
    assert_false(lrs__kinds_applicable(1u << LRS_SYNTH_PREVIOUS_NAME, &p));
    p.preferred = NULL;
    assert_false(lrs__kinds_applicable(1u << LRS_SYNTH_NICKNAME, &p));
    p.given = "William";
    assert_true(lrs__kinds_applicable(1u << LRS_SYNTH_NICKNAME, &p));
    p.family[0] = &jones;
    p.given = "Amelia";
    assert_false(lrs__kinds_applicable(1u << LRS_SYNTH_DIACRITICS, &p));
    assert_true(lrs__kinds_applicable(1u << LRS_SYNTH_TYPO_GIVEN, &p));
    assert_true(lrs__kinds_applicable(1u << LRS_SYNTH_NO_MIDDLE, &p));
    p.middle[0] = NULL;
    assert_false(lrs__kinds_applicable(1u << LRS_SYNTH_NO_MIDDLE, &p));
}

static void test_corrupt__related_names(void **state)
{
    (void)state;
    assert_true(lrs__names_related("William", "Bill"));
    assert_true(lrs__names_related("Liam", "William"));
    assert_true(lrs__names_related("Bill", "Liam"));
    assert_true(lrs__names_related("Harry", "Henry"));
    assert_true(lrs__names_related("Amy", "Amy"));
    assert_false(lrs__names_related("Amelia", "Olivia"));
    assert_string_equal(lrs__accented("Zoe"), "Zoë");
    assert_null(lrs__accented("Zoë"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corrupt__exact_is_the_register_record),
        cmocka_unit_test(test_corrupt__each_kind_changes_only_its_fields),
        cmocka_unit_test(
            test_corrupt__typo_is_one_ascii_edit_after_the_initial),
        cmocka_unit_test(test_corrupt__diacritics_fold_and_add),
        cmocka_unit_test(test_corrupt__applicability),
        cmocka_unit_test(test_corrupt__related_names),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
