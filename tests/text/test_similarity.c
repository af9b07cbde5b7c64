/* test_similarity.c - Jaro, Jaro-Winkler and the bounded OSA distance. */
#include "testutil.h"

#include <lrs/text.h>

#include <limits.h>
#include <math.h>
#include <string.h>

static double jw(const char *a, const char *b)
{
    return lrs_name_jaro_winkler(lrs_str_c(a), lrs_str_c(b));
}

static double jaro(const char *a, const char *b)
{
    return lrs_name_jaro(lrs_str_c(a), lrs_str_c(b));
}

static unsigned dl(const char *a, const char *b, unsigned max)
{
    return lrs_name_damerau_levenshtein(lrs_str_c(a), lrs_str_c(b), max);
}

struct jw_vec {
    const char *a, *b;
    double jaro, jw; /* to 3 decimal places */
};

/*
 * Sources: MARTHA/MARHTA, DWAYNE/DUANE and DIXON/DICKSONX are the worked
 * examples of Winkler (1990) as given in the Wikipedia article
 * "Jaro-Winkler distance". The next six pairs are from the comparison table
 * of Winkler (1994), "Advanced methods for record linkage", reproduced by
 * Cohen, Ravikumar and Fienberg (2003); those were made with strcmp95,
 * whose extra adjustments do not change these pairs (checked by hand).
 */
static const struct jw_vec jw_vectors[] = {
    {"MARTHA", "MARHTA", 0.944, 0.961},
    {"DWAYNE", "DUANE", 0.822, 0.840},
    {"DIXON", "DICKSONX", 0.767, 0.813},
    {"SHACKLEFORD", "SHACKELFORD", 0.970, 0.982},
    {"DUNNINGHAM", "CUNNIGHAM", 0.896, 0.896},
    {"NICHLESON", "NICHULSON", 0.926, 0.956},
    {"JONES", "JOHNSON", 0.790, 0.832},
    {"MASSEY", "MASSIE", 0.889, 0.933},
    {"ABROMS", "ABRAMS", 0.889, 0.922},
    /* Edge cases: the definitions of lrs/text.h. */
    {"SMITH", "SMITH", 1.0, 1.0},
    {"", "", 1.0, 1.0},
    {"", "SMITH", 0.0, 0.0},
    {"ABC", "XYZ", 0.0, 0.0},
    {"A", "A", 1.0, 1.0},
    /* Jaro 0.611 is under the boost threshold 0.7: no prefix bonus. */
    {"ABCDEFGH", "ABCDXXXXXXXX", 0.611, 0.611},
};

static void test_similarity__jaro_winkler_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof jw_vectors / sizeof jw_vectors[0]; i++) {
        const struct jw_vec *v = &jw_vectors[i];
        const double j = jaro(v->a, v->b), w = jw(v->a, v->b);

        if (fabs(j - v->jaro) > 0.0005 || fabs(w - v->jw) > 0.0005)
            fail_msg("%s/%s: jaro %.4f jw %.4f, want %.3f %.3f", v->a, v->b, j,
                     w, v->jaro, v->jw);
    }
}

struct dl_vec {
    const char *a, *b;
    unsigned d;
};

/*
 * Sources: kitten/sitting and Saturday/Sunday from the Wikipedia article
 * "Levenshtein distance"; CA/ABC from "Damerau-Levenshtein distance",
 * where the optimal string alignment form gives 3 (the unrestricted
 * distance is 2); the rest are single edits by construction.
 */
static const struct dl_vec dl_vectors[] = {
    {"KITTEN", "SITTING", 3}, {"SATURDAY", "SUNDAY", 3},
    {"CA", "ABC", 3},         {"AB", "BA", 1},
    {"MARTHA", "MARHTA", 1},  {"SMITH", "SMTIH", 1},
    {"SMITH", "SMYTH", 1},    {"SMITH", "SMITHS", 1},
    {"SMITH", "MITH", 1},     {"JONES", "JOENS", 1},
    {"OBRIEN", "OBRIAN", 1},  {"MACDONALD", "MCDONALD", 1},
    {"ABCDEF", "BADCFE", 3},  {"", "", 0},
    {"", "ABC", 3},           {"ABC", "", 3},
    {"ABC", "ABC", 0},
};

static void test_similarity__distance_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof dl_vectors / sizeof dl_vectors[0]; i++) {
        const struct dl_vec *v = &dl_vectors[i];

        if (dl(v->a, v->b, 100) != v->d || dl(v->b, v->a, UINT_MAX) != v->d)
            fail_msg("%s/%s: %u, want %u", v->a, v->b, dl(v->a, v->b, 100),
                     v->d);
        /* With the bound at the distance, and just under it. */
        assert_int_equal(dl(v->a, v->b, v->d), v->d);
        if (v->d > 0)
            assert_int_equal(dl(v->a, v->b, v->d - 1), v->d);
    }
}

static void test_similarity__distance_is_bounded(void **state)
{
    (void)state;
    assert_int_equal(dl("KITTEN", "SITTING", 2), 3);
    assert_int_equal(dl("KITTEN", "SITTING", 1), 2);
    assert_int_equal(dl("KITTEN", "SITTING", 0), 1);
    assert_int_equal(dl("A", "ABCDEFG", 2), 3);
    assert_int_equal(dl("ABCDEFGHIJ", "KLMNOPQRST", 3), 4);
    assert_int_equal(dl("SMITH", "SMITH", 0), 0);
}

/* Past LRS_NAME_CMP_MAX bytes, nothing is compared (lrs/text.h). */
static void test_similarity__long_input_is_clipped(void **state)
{
    char a[300], b[300];

    (void)state;
    memset(a, 'A', sizeof a);
    memset(b, 'A', sizeof b);
    b[280] = 'B';
    assert_int_equal(lrs_name_damerau_levenshtein((struct lrs_str){a, 300},
                                                  (struct lrs_str){b, 300}, 5),
                     0);
    assert_true(lrs_name_jaro_winkler((struct lrs_str){a, 300},
                                      (struct lrs_str){b, 300}) == 1.0);
    b[10] = 'B';
    assert_int_equal(lrs_name_damerau_levenshtein((struct lrs_str){a, 300},
                                                  (struct lrs_str){b, 300}, 5),
                     1);
}

/* The textbook full-matrix optimal string alignment distance. */
static unsigned reference_osa(const char *a, size_t la, const char *b,
                              size_t lb)
{
    unsigned d[16][16];

    for (size_t i = 0; i <= la; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            unsigned v = d[i - 1][j] + 1;

            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + (a[i - 1] != b[j - 1]) < v)
                v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

static unsigned rnd(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 16;
}

/*
 * Properties over random strings on a small alphabet (so that matches,
 * repeats and swaps are common): the bounded distance agrees with the
 * reference under every bound, DL(a, a) = 0, DL is symmetric and at most
 * the longer length; JW is symmetric, in [0, 1], 1 on equal strings and
 * never below Jaro.
 */
static void test_similarity__properties(void **state)
{
    unsigned seed = 4242;

    (void)state;
    for (int n = 0; n < 20000; n++) {
        char a[15], b[15];
        const size_t la = rnd(&seed) % 15, lb = rnd(&seed) % 15;
        const struct lrs_str sa = {a, la}, sb = {b, lb};
        const unsigned alphabet = 2 + rnd(&seed) % 4;
        unsigned ref;
        double w, j;

        for (size_t i = 0; i < la; i++)
            a[i] = (char)('A' + rnd(&seed) % alphabet);
        for (size_t i = 0; i < lb; i++)
            b[i] = (char)('A' + rnd(&seed) % alphabet);
        ref = reference_osa(a, la, b, lb);
        for (unsigned max = 0; max < 8; max++) {
            const unsigned want = ref <= max ? ref : max + 1;

            assert_int_equal(lrs_name_damerau_levenshtein(sa, sb, max), want);
            assert_int_equal(lrs_name_damerau_levenshtein(sb, sa, max), want);
        }
        assert_int_equal(lrs_name_damerau_levenshtein(sa, sb, UINT_MAX), ref);
        assert_true(ref <= (la > lb ? la : lb));
        assert_int_equal(lrs_name_damerau_levenshtein(sa, sa, 0), 0);

        w = lrs_name_jaro_winkler(sa, sb);
        j = lrs_name_jaro(sa, sb);
        assert_true(w == lrs_name_jaro_winkler(sb, sa));
        assert_true(j == lrs_name_jaro(sb, sa));
        assert_true(w >= 0.0 && w <= 1.0);
        assert_true(j >= 0.0 && j <= w);
        assert_true(lrs_name_jaro_winkler(sa, sa) == 1.0);
    }
}

/*
 * Jaro as the textbook gives it (Winkler 1990), for strings already in
 * lrs_name_jaro()'s order (shorter first, then by bytes): matches within
 * the window, greedily left to right, then half the out-of-order ones.
 */
static double reference_jaro(const char *a, size_t la, const char *b, size_t lb)
{
    bool am[100] = {false}, bm[100] = {false};
    size_t window = (la > lb ? la : lb) / 2, m = 0, t = 0, k = 0;

    window = window ? window - 1 : 0;
    for (size_t i = 0; i < la; i++)
        for (size_t j = i > window ? i - window : 0; j < lb && j <= i + window;
             j++)
            if (!bm[j] && a[i] == b[j]) {
                am[i] = bm[j] = true;
                m++;
                break;
            }
    if (!m)
        return 0;
    for (size_t i = 0; i < la; i++) {
        if (!am[i])
            continue;
        while (!bm[k])
            k++;
        t += a[i] != b[k++];
    }
    return ((double)m / (double)la + (double)m / (double)lb +
            (double)(m - t / 2) / (double)m) /
           3;
}

/* Jaro agrees with the textbook on random strings, short and long. */
static void test_similarity__jaro_is_the_textbook_one(void **state)
{
    unsigned seed = 99;

    (void)state;
    for (int n = 0; n < 4000; n++) {
        char a[100], b[100];
        size_t la = 1 + rnd(&seed) % 99, lb = 1 + rnd(&seed) % 99;
        const unsigned alphabet = 2 + rnd(&seed) % 5;
        const char *x = a, *y = b;

        for (size_t i = 0; i < la; i++)
            a[i] = (char)('A' + rnd(&seed) % alphabet);
        for (size_t i = 0; i < lb; i++)
            b[i] = (char)('A' + rnd(&seed) % alphabet);
        if (la > lb || (la == lb && memcmp(a, b, la) > 0)) {
            const size_t t = la;

            x = b;
            y = a;
            la = lb;
            lb = t;
        }
        assert_true(fabs(lrs_name_jaro((struct lrs_str){x, la},
                                       (struct lrs_str){y, lb}) -
                         reference_jaro(x, la, y, lb)) < 1e-12);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_similarity__jaro_winkler_vectors),
        cmocka_unit_test(test_similarity__jaro_is_the_textbook_one),
        cmocka_unit_test(test_similarity__distance_vectors),
        cmocka_unit_test(test_similarity__distance_is_bounded),
        cmocka_unit_test(test_similarity__long_input_is_clipped),
        cmocka_unit_test(test_similarity__properties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
