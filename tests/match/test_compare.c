/*
 * test_compare.c - comparison levels, weights, the model and the twin
 * rule (lib/match/compare.c).
 */
#include "fixture.h"

#include <math.h>

/* A one-learner index and a find against it: the levels and weights. */
struct one {
    struct lrs_match_index *idx;
    struct lrs_match_result res;
};

static void one_setup(struct one *o, const struct fx_learner *f)
{
    assert_int_equal(lrs_match_index_new(NULL, 0, &o->idx), LRS_OK);
    fx_insert(o->idx, f);
    lrs_match_result_init(&o->res);
}

static void one_teardown(struct one *o)
{
    lrs_match_result_release(&o->res);
    lrs_match_index_free(o->idx);
}

static const struct fx_learner ann = {
    1, "Ann", "Marie", "Przybylski", "2010-03-04", 2, "SW1A 1AA", NULL, NULL,
};

/* The candidate for `q` (must be found, as exact or possible). */
static const struct lrs_match_candidate *scored(struct one *o,
                                                struct lrs_match_query q)
{
    (void)fx_find(o->idx, &q, &o->res);
    assert_true(o->res.candidate_count >= 1);
    return &o->res.candidates[0];
}

static unsigned name_level(const char *a, const char *b)
{
    struct lrs_match_model m;
    struct nm x, y;
    mpcode last;

    lrs_match_model_default(&m);
    x.id = y.id = NONE;
    x.s = lrs_str_c(a);
    y.s = lrs_str_c(b);
    lrs__name_codes(x.s, x.first, &last);
    lrs__name_codes(y.s, y.first, &last);
    x.nick = lrs__nickname_any(x.s);
    y.nick = lrs__nickname_any(y.s);
    x.memo = y.memo = NULL;
    return lrs__name_level(&m, &x, &y);
}

/* The cheap Jaro-Winkler bound that lets slow_level() skip Jaro is never
 * below it (random names on small alphabets, common prefixes frequent). */
static void test_compare__jw_bound_never_below(void **state)
{
    uint64_t st = 11;

    (void)state;
    for (int n = 0; n < 50000; n++) {
        char a[24], b[24];
        const size_t la = 1 + (st = st * 6364136223846793005u + 1) % 23;
        const size_t lb = 1 + (st = st * 6364136223846793005u + 1) % 23;
        const unsigned alphabet =
            2 + (unsigned)((st = st * 6364136223846793005u + 1) >> 40) % 10;
        struct lrs_str x = {a, la}, y = {b, lb};

        for (size_t i = 0; i < la; i++)
            a[i] = (char)('A' + ((st = st * 6364136223846793005u + 1) >> 40) %
                                    alphabet);
        for (size_t i = 0; i < lb; i++)
            b[i] = (char)('A' + ((st = st * 6364136223846793005u + 1) >> 40) %
                                    alphabet);
        if (n % 3 == 0) /* share a prefix */
            memcpy(b, a, la < lb ? (la < 3 ? la : 3) : (lb < 3 ? lb : 3));
        if (lrs__jw_bound(x, y) < lrs_name_jaro_winkler(x, y))
            fail_msg("%.*s / %.*s: bound %.17g < jw %.17g", (int)la, a, (int)lb,
                     b, lrs__jw_bound(x, y), lrs_name_jaro_winkler(x, y));
    }
}

static void test_compare__name_levels(void **state)
{
    (void)state;
    /* Normalised inputs, as the index holds them. */
    assert_int_equal(name_level("SMITH", "SMITH"), LRS_MATCH_NAME_EXACT);
    assert_int_equal(name_level("SMITH JONES", "JONES"), LRS_MATCH_NAME_TOKEN);
    assert_int_equal(name_level("JONES", "SMITH JONES"), LRS_MATCH_NAME_TOKEN);
    assert_int_equal(name_level("JONES SMITH", "SMITH JONES"),
                     LRS_MATCH_NAME_TOKEN);
    assert_int_equal(name_level("BOB", "ROBERT"), LRS_MATCH_NAME_VARIANT);
    assert_int_equal(name_level("ROBERT", "BOB"), LRS_MATCH_NAME_VARIANT);
    /* Winkler's MARTHA/MARHTA: 0.961. */
    assert_int_equal(name_level("MARTHA", "MARHTA"), LRS_MATCH_NAME_JW_HIGH);
    /* DWAYNE/DUANE: 0.840, under both bands; phonetic TN = TN. */
    assert_int_equal(name_level("DWAYNE", "DUANE"), LRS_MATCH_NAME_PHONETIC);
    /* MASSEY/MASSIE: 0.933. */
    assert_int_equal(name_level("MASSEY", "MASSIE"), LRS_MATCH_NAME_JW_MID);
    /* JACK/JSCK: 0.850, but one substitution. */
    assert_int_equal(name_level("JACK", "JSCK"), LRS_MATCH_NAME_ONE_EDIT);
    /* One edit ranks above the jw_mid band: WHITE/WNITE 0.880 and
     * MASON/MAXON 0.893 are single typos; HARRINGTON/HARRIGTON (0.936,
     * a deletion) likewise; a transposition counts as one edit. */
    assert_int_equal(name_level("WHITE", "WNITE"), LRS_MATCH_NAME_ONE_EDIT);
    assert_int_equal(name_level("MASON", "MAXON"), LRS_MATCH_NAME_ONE_EDIT);
    assert_int_equal(name_level("HARRINGTON", "HARRIGTON"),
                     LRS_MATCH_NAME_ONE_EDIT);
    assert_int_equal(name_level("WEBB", "WBEB"), LRS_MATCH_NAME_ONE_EDIT);
    /* Two edits stay in their band, or below it. */
    assert_int_equal(name_level("MASSEY", "MASSIE"), LRS_MATCH_NAME_JW_MID);
    /* THORPE/THROPR: 0.858, two edits, no Double Metaphone code in
     * common. */
    assert_int_equal(name_level("THORPE", "THROPR"), LRS_MATCH_NAME_DIFFERENT);
    assert_int_equal(name_level("J", "JOHN"), LRS_MATCH_NAME_INITIAL);
    assert_int_equal(name_level("JOHN", "J"), LRS_MATCH_NAME_INITIAL);
    assert_int_equal(name_level("JOHN", "MARY"), LRS_MATCH_NAME_DIFFERENT);
    assert_int_equal(name_level("", "MARY"), LRS_MATCH_NAME_MISSING);
    assert_int_equal(name_level("MARY", ""), LRS_MATCH_NAME_MISSING);
}

static void test_compare__level_names(void **state)
{
    (void)state;
    assert_string_equal(lrs_match_level_name(LRS_MATCH_GIVEN, 0), "exact");
    assert_string_equal(
        lrs_match_level_name(LRS_MATCH_FAMILY, LRS_MATCH_NAME_FORMER),
        "former");
    assert_string_equal(
        lrs_match_level_name(LRS_MATCH_DOB, LRS_MATCH_DOB_SWAPPED), "swapped");
    assert_string_equal(
        lrs_match_level_name(LRS_MATCH_POSTCODE, LRS_MATCH_POSTCODE_UNKNOWN),
        "unknown");
    assert_string_equal(lrs_match_level_name(LRS_MATCH_GENDER, 99), "?");
    assert_string_equal(lrs_match_field_name(LRS_MATCH_MIDDLE), "middle");
    assert_string_equal(lrs_match_code_name(LRS_MATCH_LINKED), "WSRC0022");
    assert_string_equal(lrs_match_code_name(LRS_MATCH_TOO_MANY), "WSRC0002");
    for (unsigned f = 0; f < LRS_MATCH_FIELD__COUNT; f++)
        for (unsigned l = 0; l < LRS_MATCH_NAME__COUNT; l++)
            assert_non_null(lrs_match_level_name((enum lrs_match_field)f, l));
}

static void test_compare__default_model_is_sane(void **state)
{
    struct lrs_match_model m;

    (void)state;
    lrs_match_model_default(&m);
    /* Agreement is evidence for, disagreement against, missing nothing. */
    assert_true(lrs_match_weight(m.given[LRS_MATCH_NAME_EXACT]) > 0);
    assert_true(lrs_match_weight(m.given[LRS_MATCH_NAME_DIFFERENT]) < 0);
    assert_true(lrs_match_weight(m.family[LRS_MATCH_NAME_DIFFERENT]) < 0);
    assert_true(lrs_match_weight(m.dob[LRS_MATCH_DOB_DIFFERENT]) < 0);
    assert_true(fabs(lrs_match_weight(m.dob[LRS_MATCH_DOB_MISSING])) < 1e-9);
    assert_true(fabs(lrs_match_weight(m.postcode[LRS_MATCH_POSTCODE_UNKNOWN])) <
                1e-9);
    assert_true(fabs(lrs_match_weight(m.gender[LRS_MATCH_GENDER_MISSING])) <
                1e-9);
    /* Closer levels weigh more. */
    assert_true(lrs_match_weight(m.dob[LRS_MATCH_DOB_EXACT]) >
                lrs_match_weight(m.dob[LRS_MATCH_DOB_SWAPPED]));
    assert_true(lrs_match_weight(m.dob[LRS_MATCH_DOB_SWAPPED]) >
                lrs_match_weight(m.dob[LRS_MATCH_DOB_ONE_PART]));
    for (int l = LRS_MATCH_POSTCODE_EXACT; l < LRS_MATCH_POSTCODE_DIFFERENT;
         l++)
        assert_true(lrs_match_weight(m.postcode[l]) >
                    lrs_match_weight(m.postcode[l + 1]));
    assert_true(m.high - m.low >= m.margin);
    /* An index refuses a model whose margin would hide rivals. */
    {
        struct lrs_match_index *idx = NULL;

        m.margin = m.high - m.low + 1;
        assert_int_equal(lrs_match_index_new(&m, 0, &idx), LRS_EINVAL);
        assert_null(idx);
    }
}

static void test_compare__dob_levels(void **state)
{
    struct one o;
    static const struct {
        const char *dob;
        unsigned level;
    } v[] = {
        {"2010-03-04", LRS_MATCH_DOB_EXACT},
        {"2010-04-03", LRS_MATCH_DOB_SWAPPED},
        {"2010-03-05", LRS_MATCH_DOB_ONE_PART},
        {"2011-03-04", LRS_MATCH_DOB_ONE_PART},
        {"2010-05-04", LRS_MATCH_DOB_ONE_PART},
        {"2009-07-21", LRS_MATCH_DOB_DIFFERENT},
        {"", LRS_MATCH_DOB_MISSING},
    };

    (void)state;
    one_setup(&o, &ann);
    for (size_t i = 0; i < FX_LEN(v); i++) {
        const struct lrs_match_candidate *c =
            scored(&o, fx_query("Ann", "Marie", "Przybylski", v[i].dob, 2,
                                "SW1A 1AA"));

        assert_int_equal(c->level[LRS_MATCH_DOB], v[i].level);
    }
    one_teardown(&o);
}

static void test_compare__gender_levels(void **state)
{
    struct one o;
    static const struct {
        int gender;
        unsigned level;
    } v[] = {
        {2, LRS_MATCH_GENDER_SAME},
        {1, LRS_MATCH_GENDER_DIFFERENT},
        {0, LRS_MATCH_GENDER_MISSING},
        {9, LRS_MATCH_GENDER_MISSING},
    };

    (void)state;
    one_setup(&o, &ann);
    for (size_t i = 0; i < FX_LEN(v); i++) {
        const struct lrs_match_candidate *c =
            scored(&o, fx_query("Ann", "Marie", "Przybylski", "2010-03-04",
                                v[i].gender, "SW1A 1AA"));

        assert_int_equal(c->level[LRS_MATCH_GENDER], v[i].level);
    }
    one_teardown(&o);
}

static void test_compare__postcode_levels(void **state)
{
    struct one o;
    static const struct {
        const char *pc;
        unsigned level;
    } v[] = {
        {"sw1a1aa", LRS_MATCH_POSTCODE_EXACT},
        {"SW1A 1AB", LRS_MATCH_POSTCODE_SECTOR},
        {"SW1A 2AA", LRS_MATCH_POSTCODE_DISTRICT},
        {"SW9 1AA", LRS_MATCH_POSTCODE_AREA},
        {"M1 1AE", LRS_MATCH_POSTCODE_DIFFERENT},
        {"S1 1AA", LRS_MATCH_POSTCODE_DIFFERENT}, /* S is not SW */
        {"", LRS_MATCH_POSTCODE_UNKNOWN},
        {"ZZ99 3VZ", LRS_MATCH_POSTCODE_UNKNOWN},
    };

    (void)state;
    one_setup(&o, &ann);
    for (size_t i = 0; i < FX_LEN(v); i++) {
        const struct lrs_match_candidate *c =
            scored(&o, fx_query("Ann", "Marie", "Przybylski", "2010-03-04", 2,
                                v[i].pc));

        assert_int_equal(c->level[LRS_MATCH_POSTCODE], v[i].level);
    }
    one_teardown(&o);
}

/* ZZ99 placeholders on both sides are not evidence of a match. */
static void test_compare__zz99_never_counts(void **state)
{
    static const struct fx_learner nfa = {
        2, "Kai", "", "Lowe", "2009-01-20", 1, "ZZ99 3VZ", NULL, NULL,
    };
    struct one o;
    const struct lrs_match_candidate *c;

    (void)state;
    one_setup(&o, &nfa);
    c = scored(&o, fx_query("Kai", "", "Lowe", "2009-01-20", 1, "ZZ99 3VZ"));
    assert_int_equal(c->level[LRS_MATCH_POSTCODE], LRS_MATCH_POSTCODE_UNKNOWN);
    assert_true(fabs(c->weight[LRS_MATCH_POSTCODE]) < 1e-9);
    one_teardown(&o);
}

static void test_compare__middle_levels(void **state)
{
    struct one o;
    const struct lrs_match_candidate *c;

    (void)state;
    one_setup(&o, &ann);
    c = scored(&o, fx_query("Ann", "Marie", "Przybylski", "2010-03-04", 2,
                            "SW1A 1AA"));
    assert_int_equal(c->level[LRS_MATCH_MIDDLE], LRS_MATCH_NAME_EXACT);
    assert_true(c->weight[LRS_MATCH_MIDDLE] > 0);
    c = scored(&o, fx_query("Ann", "Grace", "Przybylski", "2010-03-04", 2,
                            "SW1A 1AA"));
    assert_int_equal(c->level[LRS_MATCH_MIDDLE], LRS_MATCH_NAME_DIFFERENT);
    assert_true(c->weight[LRS_MATCH_MIDDLE] < 0);
    one_teardown(&o);
}

/*
 * A query that leaves the middle names out says nothing about them
 * (missing); one that gives a learner's whole record (middle_known: a
 * CTF pupil) says the learner has none, which disagrees with a learner
 * who has some (one_side) and is no evidence against one who has none
 * (none, weight 0 like missing).
 */
static void test_compare__middle_absent(void **state)
{
    static const struct fx_learner bo = {
        2, "Bo", "", "Przybylski", "2010-03-04", 2, "SW1A 1AA", NULL, NULL,
    };
    struct one o;
    struct lrs_match_query q;
    const struct lrs_match_candidate *c;
    double known_none;

    (void)state;
    one_setup(&o, &ann);
    q = fx_query("Ann", "", "Przybylski", "2010-03-04", 2, "SW1A 1AA");
    c = scored(&o, q);
    assert_int_equal(c->level[LRS_MATCH_MIDDLE], LRS_MATCH_NAME_MISSING);
    assert_true(fabs(c->weight[LRS_MATCH_MIDDLE]) < 1e-9);
    q.middle_known = true;
    c = scored(&o, q);
    assert_int_equal(c->level[LRS_MATCH_MIDDLE], LRS_MATCH_NAME_ONE_SIDE);
    known_none = c->weight[LRS_MATCH_MIDDLE];
    assert_true(known_none < -1);
    assert_string_equal(
        lrs_match_level_name(LRS_MATCH_MIDDLE, c->level[LRS_MATCH_MIDDLE]),
        "one_side");
    one_teardown(&o);

    one_setup(&o, &bo);
    /* Middle names given, the learner has none: whether known or not. */
    q = fx_query("Bo", "Marie", "Przybylski", "2010-03-04", 2, "SW1A 1AA");
    c = scored(&o, q);
    assert_int_equal(c->level[LRS_MATCH_MIDDLE], LRS_MATCH_NAME_ONE_SIDE);
    assert_true(fabs(c->weight[LRS_MATCH_MIDDLE] - known_none) < 1e-9);
    q = fx_query("Bo", "", "Przybylski", "2010-03-04", 2, "SW1A 1AA");
    q.middle_known = true;
    c = scored(&o, q);
    assert_int_equal(c->level[LRS_MATCH_MIDDLE], LRS_MATCH_NAME_NONE);
    assert_true(fabs(c->weight[LRS_MATCH_MIDDLE]) < 1e-9);
    assert_string_equal(
        lrs_match_level_name(LRS_MATCH_MIDDLE, c->level[LRS_MATCH_MIDDLE]),
        "none");
    /* The levels are middle names' own. */
    assert_string_equal(
        lrs_match_level_name(LRS_MATCH_GIVEN, LRS_MATCH_NAME_ONE_SIDE), "?");
    assert_string_equal(
        lrs_match_level_name(LRS_MATCH_FAMILY, LRS_MATCH_NAME_NONE), "?");
    one_teardown(&o);
}

/*
 * Frequency weighting: an exact SMITH, held by many learners, weighs
 * less than an exact PRZYBYLSKI, held by one.
 */
static void test_compare__frequency_weighting(void **state)
{
    struct lrs_match_index *idx;
    struct lrs_match_result res;
    struct lrs_match_query q;
    double smith, przybylski;
    char given[16];

    (void)state;
    assert_int_equal(lrs_match_index_new(NULL, 0, &idx), LRS_OK);
    for (unsigned i = 0; i < 3000; i++) {
        struct fx_learner f = {10 + i, given,     "",   "Smith", "2008-06-01",
                               1,      "LS1 1AA", NULL, NULL};

        snprintf(given, sizeof given, "G%c%c%c", 'A' + i % 26,
                 'A' + i / 26 % 26, 'A' + i / 676);
        fx_insert(idx, &f);
    }
    fx_insert(idx,
              &(struct fx_learner){5000, "Adam", "", "Przybylski", "2008-06-02",
                                   1, "LS1 1AB", NULL, NULL});
    fx_insert(idx, &(struct fx_learner){5001, "Adam", "", "Smith", "2008-06-03",
                                        1, "LS1 1AD", NULL, NULL});
    lrs_match_result_init(&res);
    q = fx_query("Adam", "", "Przybylski", "2008-06-02", 1, "LS1 1AB");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
    przybylski = res.candidates[0].weight[LRS_MATCH_FAMILY];
    q = fx_query("Adam", "", "Smith", "2008-06-03", 1, "LS1 1AD");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
    smith = res.candidates[0].weight[LRS_MATCH_FAMILY];
    assert_int_equal(res.candidates[0].level[LRS_MATCH_FAMILY],
                     LRS_MATCH_NAME_EXACT);
    assert_true(przybylski > smith + 3);
    /* SMITH is a third of this register: u near 1/3, about 1.4 bits. */
    assert_true(smith > 0 && smith < 3);
    lrs_match_result_release(&res);
    lrs_match_index_free(idx);
}

/*
 * The family name's weight given the given name (pair_prior): in a
 * register where AOIFE is nearly always a MURPHY, a shared AOIFE MURPHY
 * says little beyond the given name, while AOIFE WALSH, held by one
 * learner, keeps the full weight of WALSH, whose share of the register is
 * the same as MURPHY's. With pair_prior 0 both weigh the same.
 */
static void test_compare__family_given_given(void **state)
{
    struct lrs_match_index *idx;
    struct lrs_match_result res;
    struct lrs_match_model m;
    struct lrs_match_query q;
    double murphy, walsh;
    char given[16], dob[16];

    (void)state;
    for (int pass = 0; pass < 2; pass++) {
        lrs_match_model_default(&m);
        if (pass)
            m.pair_prior = 0;
        assert_int_equal(lrs_match_index_new(&m, 0, &idx), LRS_OK);
        for (unsigned i = 0; i < 3000; i++) {
            struct fx_learner f = {10 + i, given,     "",   "Lowe", dob,
                                   2,      "LS1 1AA", NULL, NULL};

            snprintf(given, sizeof given, "G%c%c%c", 'A' + i % 26,
                     'A' + i / 26 % 26, 'A' + i / 676);
            snprintf(dob, sizeof dob, "2009-%02u-%02u", 1 + i % 12,
                     1 + i / 12 % 28);
            /* 100 AOIFE MURPHY and 100 JACK WALSH; the rest fillers. */
            if (i < 100) {
                f.given = "Aoife";
                f.family = "Murphy";
            } else if (i < 200) {
                f.given = "Jack";
                f.family = "Walsh";
            }
            fx_insert(idx, &f);
        }
        fx_insert(idx,
                  &(struct fx_learner){5000, "Aoife", "", "Walsh", "2010-06-02",
                                       2, "LS2 1AB", NULL, NULL});
        fx_insert(idx,
                  &(struct fx_learner){5001, "Jack", "", "Murphy", "2010-06-03",
                                       1, "LS2 1AD", NULL, NULL});
        lrs_match_result_init(&res);
        q = fx_query("Aoife", "", "Murphy", "2009-01-01", 2, "LS1 1AA");
        (void)fx_find(idx, &q, &res);
        assert_int_equal(res.candidates[0].uln, fx_uln(10));
        assert_int_equal(res.candidates[0].level[LRS_MATCH_FAMILY],
                         LRS_MATCH_NAME_EXACT);
        murphy = res.candidates[0].weight[LRS_MATCH_FAMILY];
        q = fx_query("Aoife", "", "Walsh", "2010-06-02", 2, "LS2 1AB");
        assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
        walsh = res.candidates[0].weight[LRS_MATCH_FAMILY];
        if (pass == 0)
            assert_true(walsh > murphy + 3);
        else
            assert_true(fabs(walsh - murphy) < 1e-9);
        lrs_match_result_release(&res);
        lrs_match_index_free(idx);
    }
}

/* Given and family names swapped are recognised, with a penalty. */
static void test_compare__swapped_names(void **state)
{
    struct one o;
    const struct lrs_match_candidate *c;

    (void)state;
    one_setup(&o, &ann);
    c = scored(&o, fx_query("Przybylski", "Marie", "Ann", "2010-03-04", 2,
                            "SW1A 1AA"));
    assert_true(c->flags & LRS_MATCH_CAND_SWAPPED);
    assert_int_equal(c->level[LRS_MATCH_GIVEN], LRS_MATCH_NAME_EXACT);
    assert_int_equal(c->level[LRS_MATCH_FAMILY], LRS_MATCH_NAME_EXACT);
    assert_true(c->swap_weight < 0);
    assert_int_equal(o.res.code, LRS_MATCH_EXACT);
    one_teardown(&o);
}

/* MARY ANNE in the given-name field against given MARY, middle ANNE. */
static void test_compare__middle_name_in_given(void **state)
{
    static const struct fx_learner mary = {
        3, "Mary", "Anne", "Okafor", "2011-09-09", 2, "B1 1AA", NULL, NULL,
    };
    struct one o;
    const struct lrs_match_candidate *c;

    (void)state;
    one_setup(&o, &mary);
    c = scored(&o,
               fx_query("Mary Anne", "", "Okafor", "2011-09-09", 2, "B1 1AA"));
    assert_int_equal(c->level[LRS_MATCH_GIVEN], LRS_MATCH_NAME_TOKEN);
    assert_int_equal(o.res.code, LRS_MATCH_EXACT);
    one_teardown(&o);
}

/* The preferred given name counts as a given name. */
static void test_compare__preferred_name(void **state)
{
    static const struct fx_learner kuba = {
        4, "Jakub", "", "Nowak", "2010-10-10", 1, "E1 6AN", NULL, "Koby",
    };
    struct one o;
    const struct lrs_match_candidate *c;

    (void)state;
    one_setup(&o, &kuba);
    c = scored(&o, fx_query("Koby", "", "Nowak", "2010-10-10", 1, "E1 6AN"));
    assert_true(c->flags & LRS_MATCH_CAND_PREFERRED);
    assert_int_equal(c->level[LRS_MATCH_GIVEN], LRS_MATCH_NAME_EXACT);
    one_teardown(&o);
}

/*
 * lrs__bound() and lrs__bound_given() are never below lrs__score(): a
 * find leaves out, unscored,
 * the candidates whose bound is under the possible threshold, so a bound
 * too low would change answers. Every query against every learner of a
 * register mixing the cases the bound reasons about (preferred, middle
 * and former names, double-barrelled and swapped names, missing fields,
 * names not in the register), under the shipped model and under one whose
 * weights put the best non-exact level elsewhere.
 */
static const char *const bound_given[] = {
    "",    "John",   "Jon", "Jack",  "Mary Anne", "Mary",  "Anne",
    "Bob", "Robert", "J",   "Smith", "Zoe",       "Jones",
};
static const char *const bound_family[] = {
    "",           "Smith", "Smyth", "Jones",  "Smith-Jones",
    "Przybylski", "John",  "Brown", "Browne", "Mary",
};
static const char *const bound_dob[] = {
    "", "2010-03-04", "2010-04-03", "2010-03-05", "2011-03-04", "2009-12-25",
};
static const char *const bound_pc[] = {
    "", "SW1A 1AA", "SW1A 1AB", "SW1A 2XX", "SW3 4QQ", "M1 1AE", "ZZ99 3CZ",
};

static const char *pick(const char *const *v, size_t n, uint64_t *state)
{
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    return v[(*state >> 33) % n];
}

static void check_bounds(struct lrs_match_index *idx, uint64_t seed)
{
    uint64_t st = seed;

    for (int i = 0; i < 300; i++) {
        const char *g = pick(bound_given, FX_LEN(bound_given), &st);
        const char *f = pick(bound_family, FX_LEN(bound_family), &st);
        const char *m = pick(bound_given, FX_LEN(bound_given), &st);
        struct lrs_match_query query = fx_query(
            i % 7 == 0 ? "Xavier" : g, i % 3 ? "" : m, i % 11 == 0 ? "Quux" : f,
            pick(bound_dob, FX_LEN(bound_dob), &st), (int)(st % 3),
            pick(bound_pc, FX_LEN(bound_pc), &st));
        struct pq q;

        query.middle_known = i % 2 == 0;
        if (i % 5 == 0)
            query.previous_family =
                lrs_str_c(pick(bound_family, FX_LEN(bound_family), &st));
        assert_int_equal(lrs__query_prep(&query, &q, NULL), LRS_OK);
        lrs__query_bind(idx, &q);
        for (uint32_t id = 0; id < idx->count; id++) {
            struct lrs_match_candidate c;
            const double b = lrs__bound(idx, &q, id);
            const double bg = lrs__bound_given(idx, &q, id);

            lrs__score(idx, &q, id, &c);
            if (b < c.score - 1e-9 || bg < c.score - 1e-9)
                fail_msg("query %d learner %u: bounds %.6f, %.6f < score "
                         "%.6f",
                         i, id, b, bg, c.score);
            /* Comparing the given name only tightens the bound. */
            assert_true(bg <= b + 1e-9);
        }
    }
}

static void test_compare__bound_never_below_score(void **state)
{
    struct lrs_match_index *idx;
    struct lrs_match_model m;
    uint64_t st = 7;

    (void)state;
    assert_int_equal(lrs_match_index_new(NULL, 0, &idx), LRS_OK);
    for (unsigned n = 0; n < 400; n++) {
        const struct fx_learner f = {
            n,
            pick(bound_given, FX_LEN(bound_given), &st),
            n % 3 ? "" : pick(bound_given, FX_LEN(bound_given), &st),
            pick(bound_family, FX_LEN(bound_family), &st),
            pick(bound_dob, FX_LEN(bound_dob), &st),
            (int)(st % 3),
            pick(bound_pc, FX_LEN(bound_pc), &st),
            n % 4 ? NULL : pick(bound_family, FX_LEN(bound_family), &st),
            n % 5 ? NULL : pick(bound_given, FX_LEN(bound_given), &st),
        };

        fx_insert(idx, &f);
    }
    check_bounds(idx, 1);
    /* Another best level short of exact for every name, a swap that
     * gains, no frequency weighting. */
    lrs_match_model_default(&m);
    m.given[LRS_MATCH_NAME_INITIAL].m = 0.5;
    m.family[LRS_MATCH_NAME_PHONETIC].m = 0.5;
    m.family[LRS_MATCH_NAME_FORMER].u = 0.5;
    m.middle[LRS_MATCH_NAME_JW_MID].m = 0.9;
    m.swapped.u = 0.01;
    m.name_frequency = false;
    assert_int_equal(lrs_match_index_set_model(idx, &m, NULL), LRS_OK);
    check_bounds(idx, 2);
    /* Middle names on one side only weighing more than any level short
     * of exact. */
    m.middle[LRS_MATCH_NAME_ONE_SIDE].m = 0.9;
    m.middle[LRS_MATCH_NAME_ONE_SIDE].u = 0.001;
    assert_int_equal(lrs_match_index_set_model(idx, &m, NULL), LRS_OK);
    check_bounds(idx, 3);
    lrs_match_index_free(idx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare__name_levels),
        cmocka_unit_test(test_compare__jw_bound_never_below),
        cmocka_unit_test(test_compare__level_names),
        cmocka_unit_test(test_compare__default_model_is_sane),
        cmocka_unit_test(test_compare__dob_levels),
        cmocka_unit_test(test_compare__gender_levels),
        cmocka_unit_test(test_compare__postcode_levels),
        cmocka_unit_test(test_compare__zz99_never_counts),
        cmocka_unit_test(test_compare__middle_levels),
        cmocka_unit_test(test_compare__middle_absent),
        cmocka_unit_test(test_compare__frequency_weighting),
        cmocka_unit_test(test_compare__family_given_given),
        cmocka_unit_test(test_compare__swapped_names),
        cmocka_unit_test(test_compare__middle_name_in_given),
        cmocka_unit_test(test_compare__preferred_name),
        cmocka_unit_test(test_compare__bound_never_below_score),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
