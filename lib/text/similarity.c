/*
 * similarity.c - Jaro, Jaro-Winkler and bounded Damerau-Levenshtein over
 * the bytes of normalised names.
 *
 * Both work in fixed stack storage sized for LRS_NAME_CMP_MAX bytes, so a
 * comparison never allocates. Jaro keeps its "already matched" flags in
 * bit sets; the edit distance keeps three rows of the dynamic-programming
 * matrix and fills only the diagonal band |i - j| <= max, because a cell
 * outside it is already more than max. Sources and the choices made are in
 * docs/names.md.
 */
#include "base/base.h"

#include <lrs/text.h>

#define WORDS (LRS_NAME_CMP_MAX / 64)

static struct lrs_str clip(struct lrs_str s)
{
    if (s.len > LRS_NAME_CMP_MAX)
        s.len = LRS_NAME_CMP_MAX;
    return s;
}

static bool bit_get(const uint64_t *set, size_t i)
{
    return (set[i >> 6] >> (i & 63)) & 1u;
}

static void bit_set(uint64_t *set, size_t i)
{
    set[i >> 6] |= (uint64_t)1 << (i & 63);
}

/* ------------------------------------------------------------------ */
/* Jaro and Jaro-Winkler                                              */
/* ------------------------------------------------------------------ */

/*
 * The greedy matching of Jaro's method can pair characters differently
 * when the strings are swapped, so put every pair in one fixed order
 * (shorter first, then by bytes) to make the result exactly symmetric.
 */
static void order_pair(struct lrs_str *a, struct lrs_str *b)
{
    bool swap = a->len > b->len;

    if (a->len == b->len && a->len > 0)
        swap = memcmp(a->ptr, b->ptr, a->len) > 0;
    if (swap) {
        const struct lrs_str t = *a;

        *a = *b;
        *b = t;
    }
}

double lrs_name_jaro(struct lrs_str a, struct lrs_str b)
{
    uint64_t am[WORDS] = {0}, bm[WORDS] = {0};
    size_t window, m = 0, t = 0, k = 0;

    a = clip(a);
    b = clip(b);
    if (a.len == 0 || b.len == 0)
        return a.len == b.len ? 1.0 : 0.0;
    order_pair(&a, &b);
    /* Characters match when equal and no further apart than this. */
    window = (a.len > b.len ? a.len : b.len) / 2;
    window = window > 0 ? window - 1 : 0;
    for (size_t i = 0; i < a.len; i++) {
        const size_t lo = i > window ? i - window : 0;
        const size_t hi = i + window + 1 < b.len ? i + window + 1 : b.len;

        for (size_t j = lo; j < hi; j++) {
            if (b.ptr[j] == a.ptr[i] && !bit_get(bm, j)) {
                bit_set(am, i);
                bit_set(bm, j);
                m++;
                break;
            }
        }
    }
    if (m == 0)
        return 0.0;
    /* Matched characters that are out of order, counted in pairs. */
    for (size_t i = 0; i < a.len; i++) {
        if (!bit_get(am, i))
            continue;
        while (!bit_get(bm, k))
            k++;
        t += a.ptr[i] != b.ptr[k];
        k++;
    }
    t /= 2; /* Winkler's strcmp95 halves with integer division */
    return ((double)m / (double)a.len + (double)m / (double)b.len +
            (double)(m - t) / (double)m) /
           3.0;
}

double lrs_name_jaro_winkler(struct lrs_str a, struct lrs_str b)
{
    const double j = lrs_name_jaro(a, b);
    const size_t n = a.len < b.len ? a.len : b.len;
    size_t prefix = 0;

    /* Winkler's strcmp95 boosts only pairs that already look alike. */
    if (j <= 0.7)
        return j;
    while (prefix < 4 && prefix < n && a.ptr[prefix] == b.ptr[prefix])
        prefix++;
    return j + (double)prefix * 0.1 * (1.0 - j);
}

/* ------------------------------------------------------------------ */
/* Bounded optimal string alignment distance                          */
/* ------------------------------------------------------------------ */

static unsigned min2(unsigned x, unsigned y)
{
    return x < y ? x : y;
}

unsigned lrs_name_damerau_levenshtein(struct lrs_str a, struct lrs_str b,
                                      unsigned max)
{
    /* rows[r % 3] is row r of the matrix: distances of a[0..r) to b[0..j). */
    unsigned rows[3][LRS_NAME_CMP_MAX + 1];
    unsigned prev_min = 0, big;

    a = clip(a);
    b = clip(b);
    if (a.len < b.len) {
        const struct lrs_str t = a;

        a = b;
        b = t;
    }
    /* Now a is the longer; the distance is at most a.len. */
    if (max > a.len)
        max = (unsigned)a.len;
    if (a.len - b.len > max)
        return max + 1;
    big = max + 1;
    for (size_t j = 0; j <= b.len; j++)
        rows[0][j] = min2((unsigned)j, big);
    for (size_t i = 1; i <= a.len; i++) {
        unsigned *cur = rows[i % 3];
        const unsigned *up = rows[(i - 1) % 3];
        const unsigned *up2 = rows[(i + 1) % 3]; /* row i - 2 */
        const size_t lo = i > max ? i - max : 1;
        const size_t hi = i + max < b.len ? i + max : b.len;
        unsigned row_min;

        cur[0] = min2((unsigned)i, big);
        if (lo > 1)
            cur[lo - 1] = big;
        if (hi < b.len)
            cur[hi + 1] = big;
        row_min = cur[0];
        for (size_t j = lo; j <= hi; j++) {
            const unsigned cost = a.ptr[i - 1] != b.ptr[j - 1];
            unsigned v = min2(min2(up[j], cur[j - 1]) + 1, up[j - 1] + cost);

            if (i > 1 && j > 1 && a.ptr[i - 1] == b.ptr[j - 2] &&
                a.ptr[i - 2] == b.ptr[j - 1])
                v = min2(v, up2[j - 2] + 1);
            cur[j] = min2(v, big);
            row_min = min2(row_min, cur[j]);
        }
        /* Later rows draw on this row and, by a swap, the one above. */
        if (row_min > max && prev_min >= max)
            return big;
        prev_min = row_min;
    }
    return rows[a.len % 3][b.len];
}
