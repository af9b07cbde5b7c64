/*
 * bench_text.c - throughput of the name functions the match engine calls
 * for every comparison: normalisation, Jaro-Winkler, the bounded
 * Damerau-Levenshtein distance and Double Metaphone.
 *
 * The names are generated here: given and family names of British, Irish,
 * South Asian, African, Eastern European and other origins, written as
 * people type them (lower case, accents, apostrophes, hyphens, double
 * barrels, stray spaces), and pairs that are either unrelated or one typo
 * apart, the two cases a blocking index hands the comparator.
 */
#include "bench.h"

#include <lrs/lrs.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAMES  4096
#define ROUNDS 200

static const char *const given[] = {
    "Oliver",       "Amelia",   "Jack",       "Olivia",      "Harry",
    "Isla",         "George",   "Ava",        "Noah",        "Emily",
    "Siobh\u00E1n", "Niamh",    "Aoife",      "Se\u00E1n",   "Cormac",
    "Mohammed",     "Aisha",    "Priya",      "Arjun",       "Sanjay",
    "Fatima",       "Chidi",    "Oluwaseun",  "Ngozi",       "Kwame",
    "Abena",        "Tunde",    "Zo\u00EB",   "Ren\u00E9e",  "Jos\u00E9",
    "Mar\u00EDa",   "Wojciech", "Katarzyna",  "\u0141ukasz", "Ji\u0159\u00ED",
    "Dmitri",       "Bogdan",   "Ionu\u021B", "Mei",         "Wei",
    "Anh",          "Thi",      "Bj\u00F6rn", "S\u00F8ren",  "Anne-Marie",
};

static const char *const family[] = {
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "O'Brien",
    "O\u2019Sullivan",
    "MacDonald",
    "McLaughlin",
    "Gallagher",
    "Fitzgerald",
    "D'Arcy",
    "Smith-Jones",
    "Patel",
    "Khan",
    "Singh",
    "Chaudhry",
    "Bhattacharya",
    "Mukherjee",
    "Okonkwo",
    "Adebayo",
    "Mensah",
    "Osei",
    "Nwosu",
    "Kowalski",
    "Nowak",
    "Wi\u015Bniewski",
    "W\u00F3jcik",
    "Dvo\u0159\u00E1k",
    "Horv\u00E1th",
    "Popescu",
    "M\u00FCller",
    "Schmidt",
    "Schneider",
    "Stra\u00DFer",
    "Nguy\u1EC5n",
    "Tran",
    "Garc\u00EDa",
    "Rodr\u00EDguez",
    "Gonz\u00E1lez",
    "Rossi",
    "Bianchi",
    "Filipowicz",
    "Yilmaz",
    "\u00D8stergaard",
    "St. John",
    "Ap Rhys",
    "Van der Berg",
};

static uint32_t rnd(uint32_t *seed)
{
    *seed ^= *seed << 13;
    *seed ^= *seed >> 17;
    *seed ^= *seed << 5;
    return *seed;
}

static void make_raw(char *out, size_t cap, uint32_t *seed)
{
    const char *g = given[rnd(seed) % (sizeof given / sizeof given[0])];
    const char *f = family[rnd(seed) % (sizeof family / sizeof family[0])];
    const char *f2 = family[rnd(seed) % (sizeof family / sizeof family[0])];

    switch (rnd(seed) % 5) {
    case 0:
        snprintf(out, cap, "%s", f);
        break;
    case 1:
        snprintf(out, cap, "%s-%s", f, f2);
        break;
    case 2:
        snprintf(out, cap, " %s  ", g);
        break;
    case 3:
        snprintf(out, cap, "%s %s", g, f);
        break;
    default:
        snprintf(out, cap, "%s", g);
        break;
    }
    if (rnd(seed) % 4 == 0) /* typed in lower case */
        for (char *p = out; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
}

/* A copy of `s` with one typo: a swap, a change, a drop or an insert. */
static size_t typo(const char *s, size_t len, char *out, uint32_t *seed)
{
    size_t i = len ? rnd(seed) % len : 0;

    memcpy(out, s, len);
    switch (rnd(seed) % 4) {
    case 0:
        if (i + 1 < len) {
            out[i] = s[i + 1];
            out[i + 1] = s[i];
        }
        return len;
    case 1:
        if (len)
            out[i] = (char)('A' + rnd(seed) % 26);
        return len;
    case 2:
        if (len) {
            memmove(out + i, out + i + 1, len - i - 1);
            return len - 1;
        }
        return len;
    default:
        memmove(out + i + 1, out + i, len - i);
        out[i] = (char)('A' + rnd(seed) % 26);
        return len + 1;
    }
}

static char raw[NAMES][80];
static char norm[NAMES][LRS_NAME_SIZE];
static size_t norm_len[NAMES];
static char other[NAMES][LRS_NAME_SIZE];
static size_t other_len[NAMES];

int main(void)
{
    uint32_t seed = 2463534242u;
    uint64_t t0, sink = 0, ops = 0;
    double jw_sum = 0;
    size_t non_ascii = 0;
    char label[64];

    for (size_t i = 0; i < NAMES; i++) {
        make_raw(raw[i], sizeof raw[i], &seed);
        for (const char *p = raw[i]; *p; p++) {
            if ((unsigned char)*p >= 0x80) {
                non_ascii++;
                break;
            }
        }
    }
    snprintf(label, sizeof label, "name normalise (%zu%% non-ASCII)",
             non_ascii * 100 / NAMES);

    t0 = bench_now_ns();
    for (int r = 0; r < ROUNDS; r++) {
        for (size_t i = 0; i < NAMES; i++) {
            if (lrs_name_normalise_to(lrs_str_c(raw[i]), "name", norm[i],
                                      &norm_len[i], NULL) != LRS_OK)
                return 1;
            sink += norm_len[i];
        }
    }
    bench_report(label, (uint64_t)ROUNDS * NAMES, bench_now_ns() - t0);

    /* Half the pairs unrelated, half one typo apart. */
    for (size_t i = 0; i < NAMES; i++) {
        if (i % 2)
            other_len[i] = typo(norm[i], norm_len[i], other[i], &seed);
        else {
            const size_t j = rnd(&seed) % NAMES;

            memcpy(other[i], norm[j], norm_len[j]);
            other_len[i] = norm_len[j];
        }
    }

    t0 = bench_now_ns();
    for (int r = 0; r < ROUNDS * 4; r++)
        for (size_t i = 0; i < NAMES; i++)
            jw_sum +=
                lrs_name_jaro_winkler((struct lrs_str){norm[i], norm_len[i]},
                                      (struct lrs_str){other[i], other_len[i]});
    bench_report("jaro-winkler", (uint64_t)ROUNDS * 4 * NAMES,
                 bench_now_ns() - t0);

    t0 = bench_now_ns();
    for (int r = 0; r < ROUNDS * 4; r++)
        for (size_t i = 0; i < NAMES; i++)
            sink += lrs_name_damerau_levenshtein(
                (struct lrs_str){norm[i], norm_len[i]},
                (struct lrs_str){other[i], other_len[i]}, 2);
    bench_report("damerau-levenshtein (max 2)", (uint64_t)ROUNDS * 4 * NAMES,
                 bench_now_ns() - t0);

    t0 = bench_now_ns();
    for (int r = 0; r < ROUNDS; r++)
        for (size_t i = 0; i < NAMES; i++)
            sink += lrs_name_damerau_levenshtein(
                (struct lrs_str){norm[i], norm_len[i]},
                (struct lrs_str){other[i], other_len[i]}, 1000);
    bench_report("damerau-levenshtein (unbounded)", (uint64_t)ROUNDS * NAMES,
                 bench_now_ns() - t0);

    t0 = bench_now_ns();
    for (int r = 0; r < ROUNDS; r++) {
        for (size_t i = 0; i < NAMES; i++) {
            struct lrs_str rest = {norm[i], norm_len[i]}, tok;

            while (lrs_name_token_next(&rest, &tok)) {
                struct lrs_metaphone m;

                lrs_name_metaphone(tok, 0, &m);
                sink += (uint64_t)m.primary[0] + (uint64_t)m.alternate[0];
                ops++;
            }
        }
    }
    bench_report("double metaphone (per token)", ops, bench_now_ns() - t0);

    bench_sink(sink + (uint64_t)jw_sum);
    return 0;
}
