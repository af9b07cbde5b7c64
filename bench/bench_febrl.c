/*
 * bench_febrl.c - match quality on the public FEBRL data sets, beside
 * the figures other tools publish for them (shared/data/SOURCES.md).
 *
 * FEBRL 4: dataset4a.csv is the register, each record of dataset4b.csv a
 * search; rec-N-dup-0 in 4b is the same person as rec-N-org in 4a. A
 * link is an exact match (WSRC0004); precision, recall and F1 count
 * links. FEBRL 3: deduplication, run two ways. Pairwise: each record is
 * searched against an index of all the others (it is re-keyed to nothing
 * while it is searched). As an LRS would meet them: the records arrive
 * one by one in file order, each is searched against those before it,
 * and an exact match is inserted and merged into the learner it matched
 * (lrs_match_index_merge: a later record that finds two records of one
 * person sees one learner, not two rivals), anything else is inserted as
 * a new learner. Precision, recall and F1 count the record pairs of the
 * clusters that the links make (transitive closure), against the 6,538
 * true pairs.
 *
 * Both sets also report the pairwise figure that other tools publish: a
 * pair is predicted when the candidate scores at least the exact
 * threshold and is not vetoed, whatever its rivals. The LRS decision is
 * stricter (one clear match: a record with two near-identical duplicates
 * among the others is a review, not a link), which is what the "links"
 * figures measure.
 *
 * FEBRL has no gender (missing for every record) and Australian
 * postcodes: four digits, which are not UK postcodes. Each run is made
 * twice: with names and date of birth only (YYYYMMDD; an invalid or
 * empty one is missing), and with each postcode mapped to a UK-shaped one
 * (uk_postcode() below: the same four digits always give the same
 * postcode, and postcodes sharing their first 1, 2 or 3 digits share
 * area, district or sector), so that postcode evidence counts as it does
 * for an English register. The street address and social security
 * number that other tools compare are not used. Each set runs with the
 * shipped model and with a model trained on its own register.
 *
 * FEBRL 4 also prints where recall is lost (breakdown()): for each 4b
 * record whose true 4a record was not linked, whether blocking never
 * brought that record in, the twin rule left it out (given names
 * "different"), it scored below the possible threshold, or it was a
 * review (below the exact threshold, vetoed, or a rival within the
 * margin), with the commonest level patterns of the missed pairs.
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
    struct lrs_date dob;    /* year 0 when missing */
    struct lrs_postcode pc; /* mapped (uk_postcode), or empty */
    char au[8];             /* the FEBRL postcode */
    uint64_t uln;           /* in the index */
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

/*
 * A UK-shaped postcode for a four-digit Australian one, deterministic:
 * the first digit picks the area (two letters), the second is the
 * district number, the third the sector, the fourth the unit's first
 * letter: 2617 -> "CF6 1AH"... so that FEBRL postcodes sharing their
 * first one, two or three digits share area, district or sector, as
 * nearby UK postcodes do. Anything but four digits is missing.
 */
static void uk_postcode(struct lrs_str au, struct lrs_postcode *out)
{
    static const char *const area[10] = {"AB", "BD", "CF", "DH", "EX",
                                         "FK", "GL", "HP", "KT", "LS"};
    char text[16];

    memset(out, 0, sizeof *out);
    if (au.len != 4)
        return;
    for (size_t i = 0; i < 4; i++)
        if (au.ptr[i] < '0' || au.ptr[i] > '9')
            return;
    snprintf(text, sizeof text, "%s%c %c%c%c", area[au.ptr[0] - '0'], au.ptr[1],
             au.ptr[2], 'A' + (au.ptr[3] - '0'),
             'A' + (au.ptr[0] - '0') + (au.ptr[1] - '0'));
    if (lrs_postcode_parse(lrs_str_c(text), out, NULL))
        memset(out, 0, sizeof *out);
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
        copy(field(line, 7), r->au, sizeof r->au);
        uk_postcode(lrs_str_c(r->au), &r->pc);
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

/* Whether the mapped postcodes are used (the second run of each set). */
static bool use_postcode;

static struct lrs_match_learner learner_of(const struct rec *r)
{
    struct lrs_match_learner l;

    memset(&l, 0, sizeof l);
    l.uln = r->uln;
    l.given = lrs_str_c(r->given);
    l.family = lrs_str_c(r->family);
    l.dob = r->dob;
    if (use_postcode)
        l.postcode = r->pc;
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
    if (use_postcode)
        q.postcode = r->pc;
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

    return c->score >= lrs_match_exact_threshold(res, c) &&
           !(c->flags & LRS_MATCH_CAND_VETO);
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
/* FEBRL 4: where recall is lost                                      */
/* ------------------------------------------------------------------ */

enum loss {
    LOSS_LINKED,    /* linked to the true record */
    LOSS_UNBLOCKED, /* no block brought the true record in */
    LOSS_TWIN,      /* given names "different": left out by the twin rule */
    LOSS_LOW,       /* scored below the possible threshold */
    LOSS_BELOW,     /* a review: the true record below the exact threshold */
    LOSS_VETO,      /* a review: above it but vetoed */
    LOSS_RIVAL,     /* a review: another record within the margin */
    LOSS__COUNT
};

static const char *const loss_names[LOSS__COUNT] = {
    "linked",
    "never blocked",
    "twin rule (given different)",
    "below the possible threshold",
    "review: below the exact threshold",
    "review: vetoed (given or dob level)",
    "review: a rival within the margin",
};

static const char *const loss_short[LOSS__COUNT] = {
    "linked",     "unblocked", "twin rule", "below low",
    "below high", "vetoed",    "rival",
};

static const char *dob_level_of(struct lrs_date q, struct lrs_date l)
{
    int differ;

    if (!q.year || !l.year)
        return "missing";
    if (q.year == l.year && q.month == l.month && q.day == l.day)
        return "exact";
    if (q.year == l.year && q.month == l.day && q.day == l.month)
        return "swapped";
    differ = (q.year != l.year) + (q.month != l.month) + (q.day != l.day);
    return differ == 1 ? "one_part" : "different";
}

struct pattern {
    char text[96];
    unsigned count;
};

static void count_pattern(struct pattern *p, size_t *n, size_t cap,
                          const char *text)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(p[i].text, text) == 0) {
            p[i].count++;
            return;
        }
    if (*n < cap) {
        snprintf(p[*n].text, sizeof p[*n].text, "%s", text);
        p[(*n)++].count = 1;
    }
}

static int cmp_pattern(const void *x, const void *y)
{
    const struct pattern *a = x, *b = y;

    return (a->count < b->count) - (a->count > b->count);
}

static const struct lrs_match_candidate *
cand_of(const struct lrs_match_result *res, size_t n, uint64_t uln)
{
    for (size_t k = 0; k < n; k++)
        if (res->candidates[k].uln == uln)
            return &res->candidates[k];
    return NULL;
}

static void breakdown(struct set *a, const struct set *b,
                      const struct lrs_match_model *model)
{
    struct lrs_match_model wide = *model;
    struct lrs_match_index *idx = build(a, model), *all;
    struct lrs_match_result res, diag;
    unsigned loss[LOSS__COUNT] = {0};
    static struct pattern pat[512];
    size_t npat = 0, *of;
    unsigned max_entity = 0;

    /* Every scored candidate kept: the possible threshold at the floor. */
    wide.low = -100;
    wide.max_possible = 1000;
    all = build(a, &wide);
    for (size_t j = 0; j < a->count; j++)
        if (a->v[j].entity > max_entity)
            max_entity = a->v[j].entity;
    of = calloc(max_entity + 1, sizeof *of);
    if (!of)
        abort();
    for (size_t j = 0; j < a->count; j++)
        of[a->v[j].entity] = j + 1;
    lrs_match_result_init(&res);
    lrs_match_result_init(&diag);
    for (size_t i = 0; i < b->count; i++) {
        const struct lrs_match_query q = query_of(&b->v[i]);
        const struct rec *t;
        const struct lrs_match_candidate *c, *w;
        enum loss why;
        char text[96];

        if (b->v[i].entity > max_entity || !of[b->v[i].entity])
            continue;
        t = &a->v[of[b->v[i].entity] - 1];
        if (lrs_match_index_find(idx, &q, &res, NULL) ||
            lrs_match_index_find(all, &q, &diag, NULL))
            continue;
        c = cand_of(&res, res.above_low, t->uln);
        w = cand_of(&diag, diag.above_low, t->uln);
        if ((res.code == LRS_MATCH_EXACT || res.code == LRS_MATCH_LINKED) &&
            res.candidates[0].uln == t->uln) {
            loss[LOSS_LINKED]++;
            continue;
        }
        if (c) {
            why = c->score < lrs_match_exact_threshold(&res, c) ? LOSS_BELOW
                  : (c->flags & LRS_MATCH_CAND_VETO)            ? LOSS_VETO
                                                                : LOSS_RIVAL;
        } else if (w) {
            why = LOSS_LOW;
        } else {
            if (lrs_match_index_find_uln(all, t->uln, q.given, q.family, &diag,
                                         NULL))
                diag.candidate_count = 0;
            why = diag.candidate_count &&
                          diag.candidates[0].level[LRS_MATCH_GIVEN] ==
                              LRS_MATCH_NAME_DIFFERENT
                      ? LOSS_TWIN
                      : LOSS_UNBLOCKED;
            w = diag.candidate_count ? &diag.candidates[0] : NULL;
        }
        loss[why]++;
        if (!w)
            continue;
        snprintf(
            text, sizeof text, "%-10s given %-9s family %-9s dob %-9s",
            loss_short[why],
            lrs_match_level_name(LRS_MATCH_GIVEN, w->level[LRS_MATCH_GIVEN]),
            lrs_match_level_name(LRS_MATCH_FAMILY, w->level[LRS_MATCH_FAMILY]),
            dob_level_of(q.dob, t->dob));
        count_pattern(pat, &npat, sizeof pat / sizeof pat[0], text);
    }
    printf("  where recall is lost (%zu searches):\n", b->count);
    for (int k = 0; k < LOSS__COUNT; k++)
        printf("    %-36s %5u  %5.1f%%\n", loss_names[k], loss[k],
               100.0 * loss[k] / (double)b->count);
    qsort(pat, npat, sizeof pat[0], cmp_pattern);
    printf("  commonest level patterns of the pairs not linked:\n");
    for (size_t k = 0; k < npat && k < 12; k++)
        printf("    %5u  %s\n", pat[k].count, pat[k].text);
    free(of);
    lrs_match_result_release(&res);
    lrs_match_result_release(&diag);
    lrs_match_index_free(idx);
    lrs_match_index_free(all);
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

/* FEBRL 3 as registrations arriving one by one, each link merged. */
static void febrl3_arrivals(struct set *s, const struct lrs_match_model *model)
{
    struct lrs_match_index *idx;
    struct lrs_match_result res;
    size_t *up = malloc(s->count * sizeof *up);
    double links = 0, wrong = 0, pred, tp, truth;

    if (!up || lrs_match_index_new(model, s->count, &idx))
        abort();
    for (size_t i = 0; i < s->count; i++) {
        up[i] = i;
        s->v[i].uln = uln_of((unsigned)i);
    }
    lrs_match_result_init(&res);
    for (size_t i = 0; i < s->count; i++) {
        const struct lrs_match_query q = query_of(&s->v[i]);
        struct lrs_match_learner l = learner_of(&s->v[i]);
        uint64_t master = 0;

        if (lrs_match_index_find(idx, &q, &res, NULL))
            abort();
        if (res.code == LRS_MATCH_EXACT || res.code == LRS_MATCH_LINKED) {
            const size_t j = rec_of(s, res.candidates[0].uln);

            links++;
            wrong += s->v[j].entity != s->v[i].entity;
            up[find_root(up, i)] = find_root(up, j);
            master = res.candidates[0].uln;
        }
        if (lrs_match_index_insert(idx, &l, NULL, NULL)) {
            l.given = l.family = (struct lrs_str){"", 0};
            if (lrs_match_index_insert(idx, &l, NULL, NULL))
                abort();
        }
        if (master && lrs_match_index_merge(idx, l.uln, master))
            abort();
    }
    count_pairs(s, up, &pred, &tp, &truth);
    printf("  one by one, each link merged: %.0f links, %.0f to another "
           "person\n",
           links, wrong);
    print_prf("  pairs of the merged clusters", tp, pred - tp, truth, 0.9954);
    lrs_match_result_release(&res);
    lrs_match_index_free(idx);
    free(up);
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
    for (int pass = 0; pass < 2; pass++) {
        struct lrs_match_model shipped;

        use_postcode = pass == 1;
        printf("\nFEBRL from %s: given name, family name, date of birth%s "
               "(no gender)\n",
               dir,
               use_postcode ? " and the postcode mapped to a UK shape"
                            : " (Australian postcodes not used)");
        lrs_match_model_default(&shipped);
        febrl4(&a, &b, NULL, "shipped model");
        breakdown(&a, &b, &shipped);
        if (trained(&a, &m)) {
            febrl4(&a, &b, &m, "model trained on 4a");
            breakdown(&a, &b, &m);
        }
        febrl3(&c, NULL, "shipped model");
        febrl3_arrivals(&c, NULL);
        if (trained(&c, &m)) {
            febrl3(&c, &m, "model trained on dataset3");
            febrl3_arrivals(&c, &m);
        }
    }
    free(a.v);
    free(b.v);
    free(c.v);
    return 0;
}
