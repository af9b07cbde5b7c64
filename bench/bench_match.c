/*
 * bench_match.c - the match engine at scale: index build rate, memory per
 * learner, single-thread searches per second and their latency
 * percentiles.
 *
 * Usage: bench_match [--learners N] [--queries N] (default 1,000,000
 * learners and 100,000 queries; docs/PERFORMANCE.md records a run at
 * --learners 10000000, which needs about 3 GB of memory). Learners are made up
 * here from syllable tables (2,000 family names with a skewed
 * draw, a few hundred given names, birthdays over seven years,
 * postcodes over ~20,000 sectors); queries are copies of register learners
 * with one change each (none, a moved postcode, a typo in the family name,
 * a day/month swap) and one query in five is a new person.
 */
#include "bench.h"

#include <lrs/lrs.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
    /* xorshift64* (Vigna, 2016). */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1du;
}

static unsigned below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/*
 * Skewed draw in [0, n): small indexes far more often, so the commonest
 * of 2,000 family names is held by about 2% of learners (Smith: 1.3% of
 * people in England and Wales).
 */
static unsigned skewed(unsigned n)
{
    const double u = (double)(rnd() >> 11) / 9007199254740992.0;

    return (unsigned)((double)n * u * u);
}

static const char *const heads[] = {
    "Ash", "Bal",   "Car",  "Dal",  "Ever", "Fair", "Gold", "Hart", "Ing",
    "Jar", "Kel",   "Lang", "Mor",  "Nor",  "Okon", "Pat",  "Quin", "Rad",
    "Sal", "Thorn", "Up",   "Vel",  "Wal",  "Yar",  "Zel",  "Brad", "Crom",
    "Dun", "Ellis", "Fitz", "Gar",  "Hol",  "Kha",  "Lind", "Mac",  "New",
    "Os",  "Pem",   "Ros",  "Shar", "Tal",  "Whit", "Ad",   "Ben",  "Chau",
    "Dev", "Eg",    "Fen",  "Gil",  "Ham",
};
static const char *const tails[] = {
    "ton",   "ley", "wood", "field", "er",  "son",   "ford", "well",
    "by",    "ham", "wick", "man",   "den", "ridge", "more", "worth",
    "hurst", "ow",  "ay",   "ski",   "ova", "ini",   "ez",   "an",
    "el",    "ar",  "is",   "ian",   "ock", "ade",   "ith",  "ers",
    "ings",  "ell", "ane",  "ope",   "ute", "arn",   "ent",  "oy",
};
static const char *const given_heads[] = {
    "Al", "Be", "Ca", "Da", "El", "Fa", "Ga", "Ha", "Is",
    "Ja", "Ka", "La", "Ma", "Na", "Ol", "Pa", "Ra", "Sa",
    "Ta", "Va", "Wi", "Ya", "Zo", "Ch", "Ju",
};
static const char *const given_tails[] = {
    "mir", "ra",  "ly",  "na",  "ven", "thur", "cob", "ssa",
    "rry", "mie", "lia", "nah", "bel", "den",  "ion", "ric",
};

#define N_HEADS (sizeof heads / sizeof heads[0])
#define N_TAILS (sizeof tails / sizeof tails[0])

struct person {
    char given[32], family[32], postcode[12];
    struct lrs_date dob;
    int gender;
};

static void make_person(struct person *p)
{
    const unsigned f = skewed((unsigned)(N_HEADS * N_TAILS));
    const unsigned g = skewed(25 * 16);

    snprintf(p->family, sizeof p->family, "%s%s", heads[f % N_HEADS],
             tails[f / N_HEADS]);
    snprintf(p->given, sizeof p->given, "%s%s", given_heads[g % 25],
             given_tails[g / 25]);
    p->dob =
        lrs_date_from_days(lrs_date_to_days((struct lrs_date){2007, 1, 1}) +
                           (int32_t)below(7 * 365));
    p->gender = 1 + (int)below(2);
    snprintf(p->postcode, sizeof p->postcode, "%c%c%u %u%c%c", 'A' + below(20),
             'A' + below(20), 1 + below(50), below(10),
             "ABDEFGHJLNPQRSTUWXYZ"[below(20)],
             "ABDEFGHJLNPQRSTUWXYZ"[below(20)]);
}

/* The nth valid ULN. */
static uint64_t uln_of(unsigned n)
{
    uint64_t base = 100000000u + (uint64_t)n * 7u;

    for (;; base++) {
        char d[10];
        int c;

        snprintf(d, sizeof d, "%09llu", (unsigned long long)base);
        c = lrs_uln_check_digit(d);
        if (c >= 0)
            return base * 10u + (uint64_t)c;
    }
}

static void to_learner(const struct person *p, uint64_t uln,
                       struct lrs_match_learner *l)
{
    memset(l, 0, sizeof *l);
    l->uln = uln;
    l->given = lrs_str_c(p->given);
    l->family = lrs_str_c(p->family);
    l->dob = p->dob;
    l->gender = (enum lrs_gender)p->gender;
    if (lrs_postcode_parse(lrs_str_c(p->postcode), &l->postcode, NULL))
        memset(&l->postcode, 0, sizeof l->postcode);
}

static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

/* Change one thing about a copy of a register learner. */
static void corrupt(struct person *p, unsigned kind)
{
    size_t n;

    switch (kind) {
    case 1: /* moved */
        snprintf(p->postcode, sizeof p->postcode, "ZA%u 1AB", 1 + below(9));
        break;
    case 2: /* a typo in the family name */
        n = strlen(p->family);
        p->family[1 + below((unsigned)n - 1)] = 'q';
        break;
    case 3: /* day and month swapped, when that is a date */
        if (p->dob.day <= 12) {
            const uint8_t d = p->dob.day;

            p->dob.day = p->dob.month;
            p->dob.month = d;
        }
        break;
    default:
        break;
    }
}

/* --learners N and --queries N; a bare number is the learners. */
static bool parse_args(int argc, char **argv, unsigned *n, unsigned *queries)
{
    for (int i = 1; i < argc; i++) {
        unsigned *to = n;
        const char *v = argv[i];
        char *end;
        unsigned long x;

        if (strcmp(argv[i], "--learners") == 0 ||
            strcmp(argv[i], "--queries") == 0) {
            if (i + 1 >= argc)
                return false;
            to = argv[i][2] == 'q' ? queries : n;
            v = argv[++i];
        }
        x = strtoul(v, &end, 10);
        if (end == v || *end || x == 0 || x > 100000000u)
            return false;
        *to = (unsigned)x;
    }
    return true;
}

int main(int argc, char **argv)
{
    unsigned n = 1000000u, queries = 100000u;
    struct person *people;
    uint64_t *lat;
    struct lrs_match_index *idx;
    struct lrs_match_result res;
    struct lrs_match_stats st;
    uint64_t t0, codes[23] = {0};

    if (!parse_args(argc, argv, &n, &queries)) {
        fprintf(stderr, "usage: bench_match [--learners N] [--queries N]\n");
        return 2;
    }
    people = calloc(n, sizeof *people);
    lat = calloc(queries, sizeof *lat);
    if (!people || !lat) {
        fprintf(stderr, "bench_match: cannot allocate\n");
        return 1;
    }
    for (unsigned i = 0; i < n; i++)
        make_person(&people[i]);
    /* The store loader knows the count; so does this. */
    if (lrs_match_index_new(NULL, n, &idx)) {
        fprintf(stderr, "bench_match: cannot create the index\n");
        return 1;
    }
    t0 = bench_now_ns();
    for (unsigned i = 0; i < n; i++) {
        struct lrs_match_learner l;

        to_learner(&people[i], uln_of(i), &l);
        if (lrs_match_index_insert(idx, &l, NULL, NULL)) {
            fprintf(stderr, "bench_match: insert %u failed\n", i);
            return 1;
        }
    }
    bench_report("match index insert", n, bench_now_ns() - t0);
    lrs_match_index_stats(idx, &st);
    printf("match index: %llu learners, %llu names, %llu keys, "
           "%.1f bytes/learner\n",
           (unsigned long long)st.learners, (unsigned long long)st.names,
           (unsigned long long)st.keys, (double)st.bytes / (double)n);

    lrs_match_result_init(&res);
    t0 = bench_now_ns();
    for (unsigned i = 0; i < queries; i++) {
        struct person p;
        struct lrs_match_query q;
        struct lrs_match_learner l;
        uint64_t s;

        if (i % 5 == 4) {
            make_person(&p);
        } else {
            p = people[below(n)];
            corrupt(&p, i % 4);
        }
        to_learner(&p, 0, &l);
        memset(&q, 0, sizeof q);
        q.given = l.given;
        q.family = l.family;
        q.dob = l.dob;
        q.gender = l.gender;
        q.postcode = l.postcode;
        s = bench_now_ns();
        if (lrs_match_index_find(idx, &q, &res, NULL)) {
            fprintf(stderr, "bench_match: find failed\n");
            return 1;
        }
        lat[i] = bench_now_ns() - s;
        codes[res.code]++;
    }
    bench_report("match find (1 thread)", queries, bench_now_ns() - t0);
    qsort(lat, queries, sizeof *lat, cmp_u64);
    printf("match find latency: p50 %.1f us, p99 %.1f us, max %.1f us\n",
           (double)lat[queries / 2] / 1e3,
           (double)lat[queries * 99 / 100] / 1e3,
           (double)lat[queries - 1] / 1e3);
    printf("match find codes: WSRC0004 %llu, WSRC0003 %llu, WSRC0002 %llu, "
           "WSRC0001 %llu\n",
           (unsigned long long)codes[LRS_MATCH_EXACT],
           (unsigned long long)codes[LRS_MATCH_POSSIBLE],
           (unsigned long long)codes[LRS_MATCH_TOO_MANY],
           (unsigned long long)codes[LRS_MATCH_NONE]);
    lrs_match_index_stats(idx, &st);
    printf("match find: %llu oversized blocks\n",
           (unsigned long long)st.blocks_oversized);
    {
        struct lrs_match_model model;
        struct lrs_match_train_report rep;

        t0 = bench_now_ns();
        if (lrs_match_model_estimate(idx, NULL, &model, &rep, NULL)) {
            fprintf(stderr, "bench_match: training failed\n");
            return 1;
        }
        printf("match train: %.2f s (%llu random pairs, %llu blocked pairs "
               "of %llu learners, %u EM iterations)\n",
               (double)(bench_now_ns() - t0) / 1e9,
               (unsigned long long)rep.u_pairs,
               (unsigned long long)rep.em_pairs,
               (unsigned long long)rep.em_learners, rep.iterations);
    }
    lrs_match_result_release(&res);
    lrs_match_index_free(idx);
    free(people);
    free(lat);
    return 0;
}
