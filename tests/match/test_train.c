/*
 * test_train.c - estimating the model from the register
 * (lib/match/train.c): EM recovers the m and u of a generator whose truth
 * is known; small registers fall back to the defaults; odd registers
 * cannot move a weight beyond max_shift; training is deterministic.
 */
#include "fixture.h"

#include <math.h>
#include <stdlib.h>

/* ------------------------------------------------------------------ */
/* A generator with known m and u                                     */
/* ------------------------------------------------------------------ */

/*
 * Base people, then duplicates of the first DUPS of them with each field
 * corrupted independently at a known rate: the truth of m is 1 minus
 * that rate (given exact 0.90, family exact 0.92, dob exact 0.94,
 * postcode exact 0.75, gender same 0.98). u of an exact date of birth is
 * about 1/2557 (seven years of birthdays), of an exact postcode about
 * 1/POSTCODES, of the same gender about 1/2.
 */
#define BASES     20000
#define DUPS      4000
#define POSTCODES 5000

static uint64_t rng;

static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1du;
}

static unsigned below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static bool chance(double p)
{
    return (double)(rnd() >> 11) / 9007199254740992.0 < p;
}

static unsigned skewed(unsigned n)
{
    const double u = (double)(rnd() >> 11) / 9007199254740992.0;

    return (unsigned)((double)n * u * u);
}

static const char *const syl[] = {
    "al",  "ber", "cor", "dan", "el",  "fin", "gor",  "han", "is",  "jo",
    "kel", "lor", "mar", "nor", "ol",  "pen", "quin", "ros", "sal", "tor",
    "ul",  "ven", "wil", "yor", "zan", "bri", "cha",  "dru", "eth", "fra",
};

#define NSYL FX_LEN(syl)

struct person {
    char given[24], middle[24], family[32], postcode[12];
    struct lrs_date dob;
    int gender;
};

static void name_of(unsigned n, unsigned parts, char *out, size_t size)
{
    char buf[32] = "";

    for (unsigned i = 0; i < parts; i++) {
        const size_t len = strlen(buf);

        snprintf(buf + len, sizeof buf - len, "%s", syl[n % NSYL]);
        n /= NSYL;
    }
    snprintf(out, size, "%s", buf);
}

static void postcode_of(unsigned n, char out[12])
{
    uint64_t s = n * 0x9e3779b97f4a7c15u + 1;

    s ^= s >> 29;
    snprintf(out, 12, "%c%c%u %u%c%c", 'A' + (int)(s % 20),
             'A' + (int)(s / 20 % 20), 1 + (unsigned)(s / 400 % 30),
             (unsigned)(s / 12000 % 10),
             "ABDEFGHJLNPQRSTUWXYZ"[s / 120000 % 20],
             "ABDEFGHJLNPQRSTUWXYZ"[s / 2400000 % 20]);
}

static void make_base(struct person *p)
{
    memset(p, 0, sizeof *p);
    name_of(skewed(300) + 31, 2, p->given, sizeof p->given);
    if (chance(0.4))
        name_of(skewed(300) + 31, 2, p->middle, sizeof p->middle);
    name_of(skewed(3000) + 931, 3, p->family, sizeof p->family);
    p->dob = lrs_date_from_days(
        lrs_date_to_days((struct lrs_date){2008, 1, 1}) + (int32_t)below(2557));
    p->gender = 1 + (int)below(2);
    postcode_of(below(POSTCODES), p->postcode);
}

/* A letter after the first replaced: a typo, never the same name. */
static void typo(char *s)
{
    const size_t i = 1 + below((unsigned)strlen(s) - 1);

    s[i] = s[i] == 'x' ? 'q' : 'x';
}

static void make_dup(const struct person *b, struct person *p)
{
    *p = *b;
    if (chance(0.10))
        typo(p->given);
    if (chance(0.08))
        typo(p->family);
    if (!chance(0.7))
        p->middle[0] = '\0';
    if (chance(0.06))
        p->dob.day = (uint8_t)(p->dob.day < 28 ? p->dob.day + 1 : 1);
    if (chance(0.25))
        postcode_of(POSTCODES + below(POSTCODES), p->postcode);
    if (chance(0.02))
        p->gender = 3 - p->gender;
}

static void insert(struct lrs_match_index *idx, const struct person *p,
                   unsigned n)
{
    struct lrs_match_learner l;

    memset(&l, 0, sizeof l);
    l.uln = fx_uln(n);
    l.given = lrs_str_c(p->given);
    l.middle = lrs_str_c(p->middle);
    l.family = lrs_str_c(p->family);
    l.dob = p->dob;
    l.gender = (enum lrs_gender)p->gender;
    l.postcode = fx_pc(p->postcode);
    assert_int_equal(lrs_match_index_insert(idx, &l, NULL, NULL), LRS_OK);
}

static struct lrs_match_index *generated(void)
{
    struct lrs_match_index *idx;
    struct person *bases = calloc(BASES, sizeof *bases);

    assert_non_null(bases);
    rng = 0x1234567887654321u;
    assert_int_equal(lrs_match_index_new(NULL, BASES + DUPS, &idx), LRS_OK);
    for (unsigned i = 0; i < BASES; i++) {
        make_base(&bases[i]);
        insert(idx, &bases[i], i);
    }
    for (unsigned i = 0; i < DUPS; i++) {
        struct person d;

        make_dup(&bases[i], &d);
        insert(idx, &d, BASES + i);
    }
    free(bases);
    return idx;
}

static void text_of(const struct lrs_match_model *m, struct lrs_buf *b)
{
    lrs_buf_init(b, 0);
    assert_int_equal(lrs_match_model_write(m, b), LRS_OK);
}

/* ------------------------------------------------------------------ */
/* Tests                                                              */
/* ------------------------------------------------------------------ */

static void near(double got, double want, double tol, const char *what)
{
    if (fabs(got - want) > tol)
        fail_msg("%s: %g, expected %g +- %g", what, got, want, tol);
}

static void test_train__em_recovers_generator_truth(void **state)
{
    struct lrs_match_index *idx = generated();
    struct lrs_match_train_opts o;
    struct lrs_match_train_report r;
    struct lrs_match_model m;

    (void)state;
    lrs_match_train_opts_default(&o);
    o.u_pairs = 300000;
    assert_int_equal(lrs_match_model_estimate(idx, &o, &m, &r, NULL), LRS_OK);
    assert_false(r.fallback);
    assert_false(r.m_default);
    /* Every rule's EM finds the duplicates its key brings together, and
     * every field's m is trained. */
    assert_int_equal(r.rules_used, LRS_MATCH_TRAIN_RULES);
    assert_int_equal(r.m_fields, LRS_MATCH_FIELD__COUNT);
    for (unsigned i = 0; i < LRS_MATCH_TRAIN_RULES; i++) {
        assert_true(r.rules[i].used);
        assert_true(r.rules[i].agreement > 0.95);
        assert_true(r.rules[i].matches > 0.6 * DUPS);
    }
    assert_int_equal(r.learners, BASES + DUPS);
    assert_int_equal(r.u_pairs, 300000);
    /* Blocking finds the duplicates; EM counts them (loose bounds). */
    assert_true(r.em_pairs > DUPS);
    near(r.matches, DUPS, 0.15 * DUPS, "matches");
    /* m: the corruption rates of make_dup(). */
    near(m.given[LRS_MATCH_NAME_EXACT].m, 0.90, 0.05, "given exact m");
    near(m.family[LRS_MATCH_NAME_EXACT].m, 0.92, 0.05, "family exact m");
    near(m.dob[LRS_MATCH_DOB_EXACT].m, 0.94, 0.05, "dob exact m");
    near(m.dob[LRS_MATCH_DOB_ONE_PART].m, 0.06, 0.04, "dob one_part m");
    near(m.postcode[LRS_MATCH_POSTCODE_EXACT].m, 0.75, 0.05,
         "postcode exact m");
    near(m.gender[LRS_MATCH_GENDER_SAME].m, 0.98, 0.03, "gender same m");
    /* u: chance agreement of two people. */
    near(m.dob[LRS_MATCH_DOB_EXACT].u, 1.0 / 2557, 0.5 / 2557, "dob exact u");
    near(m.gender[LRS_MATCH_GENDER_SAME].u, 0.5, 0.03, "gender same u");
    near(m.postcode[LRS_MATCH_POSTCODE_EXACT].u, 1.0 / POSTCODES,
         1.0 / POSTCODES, "postcode exact u");
    near(m.postcode[LRS_MATCH_POSTCODE_DIFFERENT].u, 0.95, 0.05,
         "postcode different u");
    /* Not trained: fixed, copied or kept. */
    assert_true(m.dob[LRS_MATCH_DOB_MISSING].m == 1);
    assert_true(m.given[LRS_MATCH_NAME_DIFFERENT].m == 0.02);
    assert_true(m.swapped.m == 0.1 && m.high == 2 && m.max_block == 2000);
    assert_int_equal(lrs_match_model_check(&m, NULL), LRS_OK);
    lrs_match_index_free(idx);
}

static void test_train__deterministic(void **state)
{
    struct lrs_match_index *idx = generated();
    struct lrs_match_train_opts o;
    struct lrs_match_model a, b;
    struct lrs_buf ta, tb;

    (void)state;
    lrs_match_train_opts_default(&o);
    o.u_pairs = 20000;
    o.em_learners = 5000;
    assert_int_equal(lrs_match_model_estimate(idx, &o, &a, NULL, NULL), LRS_OK);
    assert_int_equal(lrs_match_model_estimate(idx, &o, &b, NULL, NULL), LRS_OK);
    text_of(&a, &ta);
    text_of(&b, &tb);
    assert_string_equal(ta.data, tb.data);
    lrs_buf_release(&tb);
    o.seed = 2;
    assert_int_equal(lrs_match_model_estimate(idx, &o, &b, NULL, NULL), LRS_OK);
    text_of(&b, &tb);
    assert_string_not_equal(ta.data, tb.data);
    lrs_buf_release(&ta);
    lrs_buf_release(&tb);
    lrs_match_index_free(idx);
}

static void test_train__small_register_gets_defaults(void **state)
{
    struct lrs_match_index *idx;
    struct lrs_match_train_report r;
    struct lrs_match_model m, def;
    struct lrs_buf a, b;

    (void)state;
    rng = 7;
    assert_int_equal(lrs_match_index_new(NULL, 0, &idx), LRS_OK);
    for (unsigned i = 0; i < 999; i++) {
        struct person p;

        make_base(&p);
        insert(idx, &p, i);
    }
    assert_int_equal(lrs_match_model_estimate(idx, NULL, &m, &r, NULL), LRS_OK);
    assert_true(r.fallback);
    assert_int_equal(r.learners, 999);
    assert_int_equal(r.u_pairs, 0);
    lrs_match_model_default(&def);
    text_of(&m, &a);
    text_of(&def, &b);
    assert_string_equal(a.data, b.data);
    lrs_buf_release(&a);
    lrs_buf_release(&b);
    lrs_match_index_free(idx);
}

/* Every trained weight within `bits` (and rounding) of the default. */
static void assert_within(const struct lrs_match_model *m, double bits)
{
    struct lrs_match_model def;
    const struct lrs_match_mu *a[] = {m->given, m->middle, m->family,
                                      m->dob,   m->gender, m->postcode};
    const struct lrs_match_mu *d[] = {def.given, def.middle, def.family,
                                      def.dob,   def.gender, def.postcode};
    const unsigned n[] = {LRS_MATCH_NAME__COUNT,   LRS_MATCH_NAME__COUNT,
                          LRS_MATCH_NAME__COUNT,   LRS_MATCH_DOB__COUNT,
                          LRS_MATCH_GENDER__COUNT, LRS_MATCH_POSTCODE__COUNT};

    lrs_match_model_default(&def);
    for (unsigned f = 0; f < LRS_MATCH_FIELD__COUNT; f++) {
        for (unsigned l = 0; l < n[f]; l++) {
            const double shift =
                lrs_match_weight(a[f][l]) - lrs_match_weight(d[f][l]);

            if (fabs(shift) > bits + 0.01)
                fail_msg("%s.%s moved %.2f bits",
                         lrs_match_field_name((enum lrs_match_field)f),
                         lrs_match_level_name((enum lrs_match_field)f, l),
                         shift);
        }
    }
}

/*
 * One household of 2,000 children: one family name, date of birth and
 * postcode, twenty given names. Blocks overflow and every pair looks
 * alike; the weights still stay near the defaults.
 */
static void test_train__odd_register_stays_near_defaults(void **state)
{
    struct lrs_match_index *idx;
    struct lrs_match_train_opts o;
    struct lrs_match_train_report r;
    struct lrs_match_model m;

    (void)state;
    assert_int_equal(lrs_match_index_new(NULL, 0, &idx), LRS_OK);
    for (unsigned i = 0; i < 2000; i++) {
        struct person p;

        memset(&p, 0, sizeof p);
        name_of(i % 20, 2, p.given, sizeof p.given);
        snprintf(p.family, sizeof p.family, "Smith");
        p.dob = (struct lrs_date){2010, 5, 5};
        p.gender = 1;
        snprintf(p.postcode, sizeof p.postcode, "SW1A 1AA");
        insert(idx, &p, i);
    }
    lrs_match_train_opts_default(&o);
    o.u_pairs = 20000;
    assert_int_equal(lrs_match_model_estimate(idx, &o, &m, &r, NULL), LRS_OK);
    assert_false(r.fallback);
    assert_true(r.clamped > 0);
    assert_within(&m, o.max_shift);
    assert_int_equal(lrs_match_model_check(&m, NULL), LRS_OK);
    o.max_shift = 0;
    assert_int_equal(lrs_match_model_estimate(idx, &o, &m, &r, NULL), LRS_OK);
    assert_within(&m, 0);
    lrs_match_index_free(idx);
}

static void test_train__bad_options(void **state)
{
    struct lrs_match_index *idx;
    struct lrs_match_train_opts o;
    struct lrs_match_model m;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    assert_int_equal(lrs_match_index_new(NULL, 0, &idx), LRS_OK);
    lrs_match_train_opts_default(&o);
    o.u_pairs = 10;
    assert_int_equal(lrs_match_model_estimate(idx, &o, &m, NULL, &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "u_pairs");
    lrs_match_train_opts_default(&o);
    o.max_shift = -1;
    assert_int_equal(lrs_match_model_estimate(idx, &o, &m, NULL, &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "max_shift");
    lrs_match_index_free(idx);
}

/* OOM loop (STYLE.md): a clean LRS_ENOMEM or success, and no leak. */
static void test_train__oom_loop(void **state)
{
    struct lrs_match_index *idx;
    struct lrs_match_train_opts o;
    struct lrs_match_model m;

    (void)state;
    rng = 11;
    assert_int_equal(lrs_match_index_new(NULL, 0, &idx), LRS_OK);
    for (unsigned i = 0; i < 1200; i++) {
        struct person p;

        make_base(&p);
        insert(idx, &p, i);
    }
    /* Linked first: the loop counts what training itself allocates. */
    assert_int_equal(lrs_match_index_build(idx), LRS_OK);
    lrs_match_train_opts_default(&o);
    o.u_pairs = 1000;
    o.em_learners = 200;
    for (unsigned long n = 1;; n++) {
        const long live = test_alloc_live();
        enum lrs_err err;

        test_alloc_fail_at(n);
        err = lrs_match_model_estimate(idx, &o, &m, NULL, NULL);
        test_alloc_reset();
        assert_int_equal(test_alloc_live(), live);
        if (err == LRS_OK)
            break;
        assert_int_equal(err, LRS_ENOMEM);
    }
    lrs_match_index_free(idx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_train__em_recovers_generator_truth),
        cmocka_unit_test(test_train__deterministic),
        cmocka_unit_test(test_train__small_register_gets_defaults),
        cmocka_unit_test(test_train__odd_register_stays_near_defaults),
        cmocka_unit_test(test_train__bad_options),
        cmocka_unit_test(test_train__oom_loop),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
