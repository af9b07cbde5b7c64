/*
 * bench_febrl.c - match quality on the public FEBRL data sets, beside
 * the figures other tools publish for them (shared/data/SOURCES.md).
 *
 * FEBRL 4: dataset4a.csv is the register, each record of dataset4b.csv a
 * search; rec-N-dup-0 in 4b is the same person as rec-N-org in 4a. A
 * link is an exact match (WSRC0004); precision, recall and F1 count
 * links. FEBRL 3: deduplication; each record is searched against an
 * index of all the others (it is re-keyed to nothing while it is
 * searched), its exact matches are links, and precision, recall and F1
 * count the record pairs of the clusters that the links make (transitive
 * closure), against the 6,538 true pairs.
 *
 * Both sets also report the pairwise figure that other tools publish: a
 * pair is predicted when the candidate scores at least the exact
 * threshold and is not vetoed, whatever its rivals. The LRS decision is
 * stricter (one clear match: a record with two near-identical duplicates
 * among the others is a review, not a link), which is what the "links"
 * figures measure.
 *
 * FEBRL has no gender (missing for every record) and Australian
 * postcodes (four digits, which are not UK postcodes: missing too), so
 * only given name, family name and date of birth (YYYYMMDD; an invalid
 * or empty one is missing) carry evidence; the street address and social
 * security number that other tools compare are not used. Each set runs
 * with the shipped model and with a model trained on its own register.
 *
 * Usage: bench_febrl [DIR] (default $LRS_FEBRL_DIR, else
 * /work/shared/data/febrl, else ../shared/data/febrl). Without the data
 * it says so and exits 0: it is a benchmark, not a test.
 */
#include "bench.h"

#include <lrs/lrs.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rec {
    unsigned entity; /* N of rec-N-... */
    bool org;        /* rec-N-org */
    char given[64], family[64];
    struct lrs_date dob; /* year 0 when missing */
    uint64_t uln;        /* in the index */
};

struct set {
    struct rec *v;
    size_t count;
};

/* ------------------------------------------------------------------ */
/* Reading                                                            */
/* ------------------------------------------------------------------ */

static struct lrs_str field(const char *line, int n)
{
    const char *p = line, *end;

    for (int i = 0; i < n && p; i++) {
        p = strchr(p, ',');
        if (p)
            p++;
    }
    if (!p)
        return (struct lrs_str){"", 0};
    end = p + strcspn(p, ",\r\n");
    return lrs_str_trim((struct lrs_str){p, (size_t)(end - p)});
}

static void copy(struct lrs_str s, char *out, size_t size)
{
    const size_t n = s.len < size - 1 ? s.len : size - 1;

    memcpy(out, s.ptr, n);
    out[n] = '\0';
}

static struct lrs_date dob_of(struct lrs_str s)
{
    struct lrs_date d = {0, 0, 0};
    uint64_t v;

    if (s.len != 8 || lrs_parse_u64(s, 0, 99999999, &v))
        return d;
    if (lrs_date_valid((int)(v / 10000), (int)(v / 100 % 100), (int)(v % 100)))
        d = (struct lrs_date){(int16_t)(v / 10000), (uint8_t)(v / 100 % 100),
                              (uint8_t)(v % 100)};
    return d;
}

static bool load(const char *dir, const char *name, struct set *s)
{
    char path[512], line[1024];
    FILE *f;
    size_t cap = 0;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "r");
    if (!f)
        return false;
    memset(s, 0, sizeof *s);
    if (!fgets(line, sizeof line, f)) { /* the header */
        fclose(f);
        return false;
    }
    while (fgets(line, sizeof line, f)) {
        struct rec *r;
        const struct lrs_str id = field(line, 0);
        char idbuf[64];

        if (s->count == cap) {
            cap = cap ? 2 * cap : 1024;
            s->v = realloc(s->v, cap * sizeof *s->v);
            if (!s->v)
                abort();
        }
        r = &s->v[s->count++];
        memset(r, 0, sizeof *r);
        copy(id, idbuf, sizeof idbuf);
        r->entity = (unsigned)strtoul(idbuf + 4, NULL, 10);
        r->org = strstr(idbuf, "-org") != NULL;
        copy(field(line, 1), r->given, sizeof r->given);
        copy(field(line, 2), r->family, sizeof r->family);
        r->dob = dob_of(field(line, 9));
    }
    fclose(f);
    return true;
}

/* ------------------------------------------------------------------ */
/* The index                                                          */
/* ------------------------------------------------------------------ */

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

static struct lrs_match_learner learner_of(const struct rec *r)
{
    struct lrs_match_learner l;

    memset(&l, 0, sizeof l);
    l.uln = r->uln;
    l.given = lrs_str_c(r->given);
    l.family = lrs_str_c(r->family);
    l.dob = r->dob;
    return l;
}

static struct lrs_match_index *build(struct set *s,
                                     const struct lrs_match_model *model)
{
    struct lrs_match_index *idx;

    if (lrs_match_index_new(model, s->count, &idx))
        abort();
    for (size_t i = 0; i < s->count; i++) {
        struct lrs_match_learner l;

        s->v[i].uln = uln_of((unsigned)i);
        l = learner_of(&s->v[i]);
        if (lrs_match_index_insert(idx, &l, NULL, NULL)) {
            /* A name that does not normalise is left out, as missing. */
            l.given = l.family = (struct lrs_str){"", 0};
            if (lrs_match_index_insert(idx, &l, NULL, NULL))
                abort();
        }
    }
    return idx;
}

static struct lrs_match_query query_of(const struct rec *r)
{
    struct lrs_match_query q;

    memset(&q, 0, sizeof q);
    q.given = lrs_str_c(r->given);
    q.family = lrs_str_c(r->family);
    q.dob = r->dob;
    return q;
}

/* The record of register ULN `uln` (ULNs are issued in record order). */
static size_t rec_of(const struct set *s, uint64_t uln)
{
    for (size_t lo = 0, hi = s->count; lo < hi;) {
        const size_t mid = (lo + hi) / 2;

        if (s->v[mid].uln == uln)
            return mid;
        if (s->v[mid].uln < uln)
            lo = mid + 1;
        else
            hi = mid;
    }
    abort();
}

/*
 * Whether candidate k is a predicted pair in the pairwise sense that
 * other tools report: it scored at least the exact threshold and no
 * veto stops it, whatever its rivals (the LRS decision, which wants one
 * clear match, is the "links" figure).
 */
static bool pair_linked(const struct lrs_match_result *res, size_t k)
{
    const struct lrs_match_candidate *c = &res->candidates[k];

    return c->score >= res->high && !(c->flags & LRS_MATCH_CAND_VETO);
}

static void print_prf(const char *what, double tp, double fp, double truth,
                      double published)
{
    const double p = tp + fp > 0 ? tp / (tp + fp) : 0;
    const double r = truth > 0 ? tp / truth : 0;
    const double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;

    printf("%-34s precision %.4f  recall %.4f  F1 %.4f   (Splink F1 %.4f)\n",
           what, p, r, f1, published);
}

static bool trained(const struct set *reg, struct lrs_match_model *out)
{
    struct lrs_match_index *idx = build((struct set *)reg, NULL);
    struct lrs_match_train_report rep;
    const bool ok =
        lrs_match_model_estimate(idx, NULL, out, &rep, NULL) == LRS_OK;

    if (ok)
        printf("  trained on the register: %.0f expected matches, m %s\n",
               rep.matches,
               rep.m_default ? "kept at the shipped values" : "from EM");
    lrs_match_index_free(idx);
    return ok;
}

/* ------------------------------------------------------------------ */
/* FEBRL 4: 4b searched against 4a                                    */
/* ------------------------------------------------------------------ */

static void febrl4(struct set *a, const struct set *b,
                   const struct lrs_match_model *model, const char *label)
{
    struct lrs_match_index *idx = build(a, model);
    struct lrs_match_result res;
    double tp = 0, fp = 0, reviews = 0, review_hits = 0, ptp = 0, pfp = 0;
    const uint64_t t0 = bench_now_ns();

    lrs_match_result_init(&res);
    for (size_t i = 0; i < b->count; i++) {
        const struct lrs_match_query q = query_of(&b->v[i]);

        if (lrs_match_index_find(idx, &q, &res, NULL))
            continue;
        for (size_t k = 0; k < res.candidate_count; k++) {
            if (!pair_linked(&res, k))
                continue;
            if (a->v[rec_of(a, res.candidates[k].uln)].entity == b->v[i].entity)
                ptp++;
            else
                pfp++;
        }
        if (res.code == LRS_MATCH_EXACT || res.code == LRS_MATCH_LINKED) {
            const struct rec *r = &a->v[rec_of(a, res.candidates[0].uln)];

            if (r->entity == b->v[i].entity)
                tp++;
            else
                fp++;
        } else if (res.code != LRS_MATCH_NONE) {
            reviews++;
            for (size_t k = 0; k < res.candidate_count; k++)
                if (a->v[rec_of(a, res.candidates[k].uln)].entity ==
                    b->v[i].entity) {
                    review_hits++;
                    break;
                }
        }
    }
    printf("FEBRL4 %-27s %zu searches in %.2f s\n", label, b->count,
           (double)(bench_now_ns() - t0) / 1e9);
    print_prf("  links (4b against 4a)", tp, fp, (double)b->count, 0.9998);
    print_prf("  pairs above the exact threshold", ptp, pfp, (double)b->count,
              0.9998);
    printf("  reviews %.0f (%.2f%%), %.0f holding the true record; "
           "recall with reviews %.4f\n",
           reviews, 100 * reviews / (double)b->count, review_hits,
           (tp + review_hits) / (double)b->count);
    lrs_match_result_release(&res);
    lrs_match_index_free(idx);
}

/* ------------------------------------------------------------------ */
/* FEBRL 3: deduplication                                             */
/* ------------------------------------------------------------------ */

static size_t find_root(size_t *up, size_t i)
{
    while (up[i] != i) {
        up[i] = up[up[i]];
        i = up[i];
    }
    return i;
}

static int cmp_pair(const void *x, const void *y)
{
    const size_t *a = x, *b = y;

    if (a[0] != b[0])
        return (a[0] > b[0]) - (a[0] < b[0]);
    return (a[1] > b[1]) - (a[1] < b[1]);
}

/* Pairs within the groups of `key`, and within groups of (key, entity). */
static void count_pairs(const struct set *s, size_t *up, double *pred,
                        double *tp, double *truth)
{
    const size_t n = s->count;
    size_t(*k)[2] = malloc(n * sizeof *k);

    if (!k)
        abort();
    *pred = *tp = *truth = 0;
    for (int pass = 0; pass < 3; pass++) {
        double *out = pass == 0 ? pred : pass == 1 ? tp : truth;

        for (size_t i = 0; i < n; i++) {
            k[i][0] = pass == 2 ? s->v[i].entity : find_root(up, i);
            k[i][1] = pass == 1 ? s->v[i].entity : 0;
        }
        qsort(k, n, sizeof *k, cmp_pair);
        for (size_t i = 0, run = 1; i < n; i++, run++) {
            if (i + 1 == n || cmp_pair(k[i], k[i + 1]) != 0) {
                *out += (double)run * (double)(run - 1) / 2;
                run = 0;
            }
        }
    }
    free(k);
}

static void febrl3(struct set *s, const struct lrs_match_model *model,
                   const char *label)
{
    struct lrs_match_index *idx = build(s, model);
    struct lrs_match_result res;
    size_t *up = malloc(s->count * sizeof *up);
    size_t(*pairs)[2] = malloc(10 * s->count * sizeof *pairs);
    size_t npairs = 0, distinct = 0;
    double links = 0, wrong = 0, pred, tp, truth, ptp = 0;
    const uint64_t t0 = bench_now_ns();

    if (!up || !pairs)
        abort();
    for (size_t i = 0; i < s->count; i++)
        up[i] = i;
    lrs_match_result_init(&res);
    for (size_t i = 0; i < s->count; i++) {
        const struct lrs_match_query q = query_of(&s->v[i]);
        struct lrs_match_learner l;

        /* Out of the index while it is searched: no date, no postcode,
         * no key. */
        memset(&l, 0, sizeof l);
        l.uln = s->v[i].uln;
        if (lrs_match_index_update(idx, &l, NULL))
            abort();
        if (lrs_match_index_find(idx, &q, &res, NULL))
            abort();
        for (size_t k = 0; k < res.candidate_count && k < 10; k++) {
            const size_t j = rec_of(s, res.candidates[k].uln);

            if (!pair_linked(&res, k))
                continue;
            pairs[npairs][0] = i < j ? i : j;
            pairs[npairs++][1] = i < j ? j : i;
        }
        if (res.code == LRS_MATCH_EXACT || res.code == LRS_MATCH_LINKED) {
            const size_t j = rec_of(s, res.candidates[0].uln);

            links++;
            wrong += s->v[j].entity != s->v[i].entity;
            up[find_root(up, i)] = find_root(up, j);
        }
        l = learner_of(&s->v[i]);
        if (lrs_match_index_update(idx, &l, NULL)) {
            l.given = l.family = (struct lrs_str){"", 0};
            if (lrs_match_index_update(idx, &l, NULL))
                abort();
        }
    }
    count_pairs(s, up, &pred, &tp, &truth);
    qsort(pairs, npairs, sizeof *pairs, cmp_pair);
    for (size_t i = 0; i < npairs; i++) {
        if (i && cmp_pair(pairs[i], pairs[i - 1]) == 0)
            continue;
        distinct++;
        ptp += s->v[pairs[i][0]].entity == s->v[pairs[i][1]].entity;
    }
    printf("FEBRL3 %-27s %zu searches in %.2f s; %.0f links, %.0f to "
           "another person; %.0f true pairs\n",
           label, s->count, (double)(bench_now_ns() - t0) / 1e9, links, wrong,
           truth);
    print_prf("  pairs of the linked clusters", tp, pred - tp, truth, 0.9954);
    print_prf("  pairs above the exact threshold", ptp, (double)distinct - ptp,
              truth, 0.9954);
    lrs_match_result_release(&res);
    lrs_match_index_free(idx);
    free(up);
    free(pairs);
}

int main(int argc, char **argv)
{
    const char *env = getenv("LRS_FEBRL_DIR");
    const char *dirs[] = {argc > 1 ? argv[1] : NULL, env,
                          "/work/shared/data/febrl", "../shared/data/febrl"};
    struct set a, b, c;
    struct lrs_match_model m;
    const char *dir = NULL;

    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0] && !dir; i++)
        if (dirs[i] && load(dirs[i], "dataset4a.csv", &a))
            dir = dirs[i];
    if (!dir) {
        printf("bench_febrl: skipped, the FEBRL data is not here (give its "
               "directory, or set LRS_FEBRL_DIR)\n");
        return 0;
    }
    if (!load(dir, "dataset4b.csv", &b) || !load(dir, "dataset3.csv", &c)) {
        printf("bench_febrl: skipped, %s lacks dataset4b.csv or "
               "dataset3.csv\n",
               dir);
        return 0;
    }
    printf("FEBRL from %s: given name, family name and date of birth only "
           "(no gender; Australian postcodes are not used)\n",
           dir);
    febrl4(&a, &b, NULL, "shipped model");
    if (trained(&a, &m))
        febrl4(&a, &b, &m, "model trained on 4a");
    febrl3(&c, NULL, "shipped model");
    if (trained(&c, &m))
        febrl3(&c, &m, "model trained on dataset3");
    free(a.v);
    free(b.v);
    free(c.v);
    return 0;
}
