/*
 * test_find.c - blocking and the LRS find decisions (lib/match/find.c):
 * exact, possible, too many, none and linked; the twin and sibling rule;
 * names with diacritics, apostrophes and hyphens; married names through
 * the name history; day/month swaps; find by ULN; block caps.
 */
#include "fixture.h"

static struct lrs_match_index *idx;
static struct lrs_match_result res;

/* A small register: a family with twins, and some others. */
static const struct fx_learner reg[] = {
    {1, "Oliver", "James", "Hughes", "2010-05-14", 1, "CF10 1AA", NULL, NULL},
    {2, "Harry", "", "Hughes", "2010-05-14", 1, "CF10 1AA", NULL, NULL},
    {3, "Grace", "", "Hughes", "2012-09-02", 2, "CF10 1AA", NULL, NULL},
    {4, "Zoë", "", "O'Brien", "2009-02-11", 2, "BT7 1NN", NULL, NULL},
    {5, "Amelia", "Rose", "Smith-Jones", "2011-07-30", 2, "M20 2RN", NULL,
     NULL},
    {6, "Chloe", "", "Taylor", "2008-11-05", 2, "LS6 3BX", "Walker", NULL},
    {7, "Dylan", "", "Evans", "2009-04-07", 1, "SA1 1AA", NULL, NULL},
    {8, "Kai", "", "Lowe", "2009-01-20", 1, "ZZ99 3VZ", NULL, NULL},
};

static int setup(void **state)
{
    (void)state;
    assert_int_equal(lrs_match_index_new(NULL, 0, &idx), LRS_OK);
    for (size_t i = 0; i < FX_LEN(reg); i++)
        fx_insert(idx, &reg[i]);
    lrs_match_result_init(&res);
    fx_assert_sane(idx);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lrs_match_result_release(&res);
    lrs_match_index_free(idx);
    return 0;
}

static void assert_exact(struct lrs_match_query q, unsigned n)
{
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
    assert_int_equal(res.candidate_count, 1);
    assert_int_equal(res.candidates[0].uln, fx_uln(n));
}

static void test_find__exact_match(void **state)
{
    (void)state;
    assert_exact(
        fx_query("Oliver", "James", "Hughes", "2010-05-14", 1, "CF10 1AA"), 1);
    assert_true(res.candidates[0].score >= res.high);
    assert_true(res.blocks_probed > 0);
    assert_true(res.candidates_scored >= 1);
    /* Raw input is normalised: case, spaces, postcode form. */
    assert_exact(
        fx_query("  OLIVER ", "james", "hughes", "2010-05-14", 1, "cf101aa"),
        1);
}

/*
 * Twins (same family name, date of birth and postcode, different given
 * names) are never linked: the unregistered twin is no match, and each
 * registered twin finds only itself.
 */
static void test_find__twins_never_linked(void **state)
{
    struct lrs_match_query q;

    (void)state;
    q = fx_query("Jacob", "", "Hughes", "2010-05-14", 1, "CF10 1AA");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_NONE);
    assert_true(res.excluded >= 2);
    assert_exact(fx_query("Harry", "", "Hughes", "2010-05-14", 1, "CF10 1AA"),
                 2);
    /* A sibling: same family name and address, another birthday. */
    q = fx_query("Noah", "", "Hughes", "2014-01-30", 1, "CF10 1AA");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_NONE);
}

/*
 * Two different middle names are two people, whatever else agrees (the
 * unregistered twin of Oliver James with the same given name): never an
 * exact match. With the middle name left out, Oliver is linked.
 */
static void test_find__different_middle_names_vetoed(void **state)
{
    struct lrs_match_query q;

    (void)state;
    q = fx_query("Oliver", "Thomas", "Hughes", "2010-05-14", 1, "CF10 1AA");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_POSSIBLE);
    assert_int_equal(res.candidates[0].uln, fx_uln(1));
    assert_int_equal(res.candidates[0].level[LRS_MATCH_MIDDLE],
                     LRS_MATCH_NAME_DIFFERENT);
    assert_true(res.candidates[0].flags & LRS_MATCH_CAND_VETO);
    assert_true(res.candidates[0].score >= res.high);
    assert_exact(fx_query("Oliver", "", "Hughes", "2010-05-14", 1, "CF10 1AA"),
                 1);
}

/*
 * Weak corroboration (a postcode in another area, or one part of the date
 * of birth wrong) needs high_weak more bits for an exact match: the same
 * evidence is a link with the postcode unknown and a possible match from
 * another area.
 */
static void test_find__weak_corroboration_needs_high_weak(void **state)
{
    const struct lrs_match_model *m = lrs_match_index_model(idx);
    struct lrs_match_query q;
    double far, unknown;

    (void)state;
    assert_true(m->high_weak > 0);
    /* Day and month swapped, gender not known: given 6.5 + family 8.2 +
     * dob 5.1 = 19.7 bits, over high (15.3) but not over high + high_weak
     * (17.3) once the other area's -3.1 counts. */
    q = fx_query("Dylan", "", "Evans", "2009-07-04", 0, "");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
    assert_false(res.candidates[0].flags & LRS_MATCH_CAND_WEAK);
    unknown = res.candidates[0].score;
    q = fx_query("Dylan", "", "Evans", "2009-07-04", 0, "NE1 4ST");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_POSSIBLE);
    assert_int_equal(res.candidates[0].level[LRS_MATCH_POSTCODE],
                     LRS_MATCH_POSTCODE_DIFFERENT);
    assert_true(res.candidates[0].flags & LRS_MATCH_CAND_WEAK);
    assert_true(res.high_weak == res.high + m->high_weak);
    far = res.candidates[0].score;
    assert_true(far >= res.high && far < res.high_weak);
    assert_true(unknown >= res.high);
    /* The same from the same district: a link. */
    q = fx_query("Dylan", "", "Evans", "2009-07-04", 0, "SA1 9ZZ");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
    /* The year wrong instead (one part), at the same address: given 6.5 +
     * family 8.2 + dob 1.3 + postcode 13.0 = 29.0 bits, a link; with the
     * postcode unknown, 16.0 bits is over high but weak: possible. */
    q = fx_query("Dylan", "", "Evans", "2010-04-07", 0, "SA1 1AA");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
    assert_true(res.candidates[0].flags & LRS_MATCH_CAND_WEAK);
    q = fx_query("Dylan", "", "Evans", "2010-04-07", 0, "");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_POSSIBLE);
    assert_true(res.candidates[0].score >= res.high &&
                res.candidates[0].score < res.high_weak);
}

/* A given name that only sounds alike never makes an exact match. */
static void test_find__phonetic_given_is_vetoed(void **state)
{
    struct lrs_match_query q;

    (void)state;
    q = fx_query("Ollifer", "James", "Hughes", "2010-05-14", 1, "CF10 1AA");
    (void)fx_find(idx, &q, &res);
    if (res.candidate_count &&
        res.candidates[0].level[LRS_MATCH_GIVEN] == LRS_MATCH_NAME_PHONETIC) {
        assert_int_equal(res.code, LRS_MATCH_POSSIBLE);
        assert_true(res.candidates[0].flags & LRS_MATCH_CAND_VETO);
    }
}

static void test_find__diacritics_apostrophes_hyphens(void **state)
{
    (void)state;
    assert_exact(fx_query("Zoe", "", "OBrien", "2009-02-11", 2, "BT7 1NN"), 4);
    assert_int_equal(res.candidates[0].level[LRS_MATCH_GIVEN],
                     LRS_MATCH_NAME_EXACT);
    assert_exact(fx_query("ZOË", "", "o'brien", "2009-02-11", 2, "BT7 1NN"), 4);
    assert_exact(
        fx_query("Amelia", "Rose", "Smith Jones", "2011-07-30", 2, "M20 2RN"),
        5);
    assert_int_equal(res.candidates[0].level[LRS_MATCH_FAMILY],
                     LRS_MATCH_NAME_EXACT);
    /* One part of the double-barrelled name. */
    assert_exact(
        fx_query("Amelia", "Rose", "Jones", "2011-07-30", 2, "M20 2RN"), 5);
    assert_int_equal(res.candidates[0].level[LRS_MATCH_FAMILY],
                     LRS_MATCH_NAME_TOKEN);
}

/* A married name: the query's family name is the learner's former one. */
static void test_find__married_name_via_history(void **state)
{
    struct lrs_match_query q;

    (void)state;
    assert_exact(fx_query("Chloe", "", "Walker", "2008-11-05", 2, "LS6 3BX"),
                 6);
    assert_int_equal(res.candidates[0].level[LRS_MATCH_FAMILY],
                     LRS_MATCH_NAME_FORMER);
    /* The query's previous family name against the current one. */
    q = fx_query("Chloe", "", "Baker", "2008-11-05", 2, "LS6 3BX");
    q.previous_family = lrs_str_c("Taylor");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
    assert_int_equal(res.candidates[0].level[LRS_MATCH_FAMILY],
                     LRS_MATCH_NAME_FORMER);
}

static void test_find__day_month_swap(void **state)
{
    (void)state;
    assert_exact(fx_query("Dylan", "", "Evans", "2009-07-04", 1, "SA1 1AA"), 7);
    assert_int_equal(res.candidates[0].level[LRS_MATCH_DOB],
                     LRS_MATCH_DOB_SWAPPED);
}

/*
 * With a ZZ99 postcode on both sides nothing links through the postcode:
 * a query that agrees only on the placeholder and the family name is no
 * match.
 */
static void test_find__zz99_is_no_evidence(void **state)
{
    struct lrs_match_query q;

    (void)state;
    q = fx_query("Kai", "", "Lowe", "2009-01-20", 1, "ZZ99 3VZ");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
    assert_int_equal(res.candidates[0].level[LRS_MATCH_POSTCODE],
                     LRS_MATCH_POSTCODE_UNKNOWN);
    q = fx_query("Kai", "", "Lowe", "2001-08-30", 1, "ZZ99 3VZ");
    assert_int_not_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
}

static void test_find__no_match(void **state)
{
    struct lrs_match_query q;

    (void)state;
    q = fx_query("Priya", "", "Patel", "2010-01-01", 2, "LE1 1AA");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_NONE);
    assert_int_equal(res.candidate_count, 0);
    /* Nothing to block on. */
    q = fx_query("", "", "", "", 0, "");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_NONE);
    assert_int_equal(res.blocks_probed, 0);
}

static void test_find__bad_input_names_field(void **state)
{
    struct lrs_match_query q;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    q = fx_query("Ann", "", "Lee", "2010-01-01", 2, "");
    q.family = (struct lrs_str){"L\x01", 2};
    assert_int_equal(lrs_match_index_find(idx, &q, &res, &d), LRS_EINVAL);
    assert_string_equal(d.field, "family_name");
    q = fx_query("Ann", "", "Lee", "", 7, "");
    assert_int_equal(lrs_match_index_find(idx, &q, &res, &d), LRS_EINVAL);
    assert_string_equal(d.field, "gender");
}

static void test_find__by_uln(void **state)
{
    (void)state;
    assert_int_equal(lrs_match_index_find_uln(idx, fx_uln(4), lrs_str_c("Zoe"),
                                              lrs_str_c("O'Brien"), &res, NULL),
                     LRS_OK);
    assert_int_equal(res.code, LRS_MATCH_EXACT);
    assert_int_equal(res.candidates[0].uln, fx_uln(4));
    assert_int_equal(lrs_match_index_find_uln(idx, fx_uln(4), lrs_str_c("Mary"),
                                              lrs_str_c("O'Brien"), &res, NULL),
                     LRS_OK);
    assert_int_equal(res.code, LRS_MATCH_NONE);
    assert_int_equal(res.candidate_count, 1); /* the failure explained */
    assert_int_equal(lrs_match_index_find_uln(idx, fx_uln(999),
                                              lrs_str_c("Zoe"),
                                              lrs_str_c("O'Brien"), &res, NULL),
                     LRS_OK);
    assert_int_equal(res.code, LRS_MATCH_NONE);
    assert_int_equal(res.candidate_count, 0);
}

/* Possible matches (WSRC0003) and too many (WSRC0002). */
static void test_find__possible_and_too_many(void **state)
{
    struct lrs_match_index *big;
    struct lrs_match_query q;

    (void)state;
    assert_int_equal(lrs_match_index_new(NULL, 0, &big), LRS_OK);
    /* Twelve learners called Jack Smith born on one day, all over. */
    for (unsigned i = 0; i < 12; i++) {
        char pc[16];

        snprintf(pc, sizeof pc, "B%u 1AA", i + 1);
        fx_insert(big, &(struct fx_learner){100 + i, "Jack", "", "Smith",
                                            "2009-03-03", 1, pc, NULL, NULL});
    }
    q = fx_query("Jack", "", "Smith", "2009-03-03", 1, "");
    assert_int_equal(fx_find(big, &q, &res), LRS_MATCH_TOO_MANY);
    assert_int_equal(res.candidate_count, 10);
    assert_int_equal(res.above_low, 12);
    /* Known postcode: that one learner stands out. */
    q = fx_query("Jack", "", "Smith", "2009-03-03", 1, "B7 1AA");
    assert_int_equal(fx_find(big, &q, &res), LRS_MATCH_EXACT);
    assert_int_equal(res.candidates[0].uln, fx_uln(106));
    lrs_match_index_free(big);

    assert_int_equal(lrs_match_index_new(NULL, 0, &big), LRS_OK);
    for (unsigned i = 0; i < 3; i++) {
        char pc[16];

        snprintf(pc, sizeof pc, "B%u 1AA", i + 1);
        fx_insert(big, &(struct fx_learner){200 + i, "Jack", "", "Smith",
                                            "2009-03-03", 1, pc, NULL, NULL});
    }
    q = fx_query("Jack", "", "Smith", "2009-03-03", 1, "");
    assert_int_equal(fx_find(big, &q, &res), LRS_MATCH_POSSIBLE);
    assert_int_equal(res.candidate_count, 3);
    for (size_t i = 1; i < res.candidate_count; i++)
        assert_true(res.candidates[i - 1].score >= res.candidates[i].score);
    lrs_match_index_free(big);
}

/* Oversized blocks are cut at max_block and counted, never silent. */
static void test_find__oversized_blocks_counted(void **state)
{
    struct lrs_match_model m;
    struct lrs_match_index *big;
    struct lrs_match_query q;
    struct lrs_match_stats st;

    (void)state;
    lrs_match_model_default(&m);
    m.max_block = 5;
    assert_int_equal(lrs_match_index_new(&m, 0, &big), LRS_OK);
    for (unsigned i = 0; i < 20; i++)
        fx_insert(big,
                  &(struct fx_learner){300 + i, "Jack", "", "Smith",
                                       "2009-03-03", 1, "B1 1AA", NULL, NULL});
    q = fx_query("Jack", "", "Smith", "2009-03-03", 1, "B1 1AA");
    (void)fx_find(big, &q, &res);
    assert_true(res.blocks_oversized > 0);
    assert_true(res.candidates_scored <= 20);
    lrs_match_index_stats(big, &st);
    assert_int_equal(st.blocks_oversized, res.blocks_oversized);
    assert_int_equal(st.finds, 1);
    lrs_match_index_free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find__exact_match),
        cmocka_unit_test(test_find__twins_never_linked),
        cmocka_unit_test(test_find__different_middle_names_vetoed),
        cmocka_unit_test(test_find__weak_corroboration_needs_high_weak),
        cmocka_unit_test(test_find__phonetic_given_is_vetoed),
        cmocka_unit_test(test_find__diacritics_apostrophes_hyphens),
        cmocka_unit_test(test_find__married_name_via_history),
        cmocka_unit_test(test_find__day_month_swap),
        cmocka_unit_test(test_find__zz99_is_no_evidence),
        cmocka_unit_test(test_find__no_match),
        cmocka_unit_test(test_find__bad_input_names_field),
        cmocka_unit_test(test_find__by_uln),
        cmocka_unit_test(test_find__possible_and_too_many),
        cmocka_unit_test(test_find__oversized_blocks_counted),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
