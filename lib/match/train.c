/*
 * train.c - estimating m and u from the register (`lrs train`).
 *
 * u: the level distribution of random pairs of learners. Two learners
 * drawn at random are almost surely two people, so the share of pairs at
 * a level is P(level | different people) (Fellegi and Sunter 1969; the
 * way Splink estimates u).
 *
 * m: expectation-maximisation over the pairs that blocking brings
 * together (Winkler, "Using the EM algorithm for weight computation in
 * the Fellegi-Sunter model of record linkage", 1988), one blocking rule
 * at a time, as Splink trains: the pairs sharing a key of one kind (date
 * of birth and given name, say) are a mixture of matches and
 * non-matches; with the fields independent within each class, EM finds
 * the share of matches, the match distribution m of each field *not* in
 * the rule's key, and the non-match distribution of the blocked pairs.
 * The fields of the key agree by construction, so they carry no evidence
 * in that rule's pairs and are left out of its EM; each field's m is the
 * mean over the rules that estimate it. The blocked non-matches' own
 * distribution is not the u of the model (they share a key, so agree far
 * more often than random pairs) and is thrown away. Within one rule's
 * pairs the matches stay a sizeable share; all of a learner's blocks at
 * once hold mostly people who share a common given name and a birthday,
 * whom EM over all of them took for the matches at a million learners.
 *
 * Pairs whose given names are "different" are left out of EM: the twin
 * rule never lets them match (docs/matching.md, "Decisions"), and in a
 * register without duplicates twins and siblings would otherwise become
 * the match class. m of given "different" therefore stays at its default.
 *
 * Pairs are reduced to counts of level patterns (one level per field), so
 * each EM iteration costs the number of distinct patterns, not of pairs.
 *
 * Guard rails, so that a small or odd register cannot produce absurd
 * weights: below min_learners the shipped defaults are returned; a rule
 * is not used when its EM finds fewer than min_matches matches, or when
 * less than min_agreement of them are pairs the shipped model would at
 * least call possible matches (agreement(), below), and a field that no
 * rule used estimates keeps the default m; both
 * estimates are smoothed towards the defaults (m_prior pseudo-matches,
 * u_prior pseudo-pairs); and each m and u is held within a factor
 * 2^(max_shift/2) of its default.
 */
#include "base/base.h"

#include "match/match_int.h"

#include <math.h>

#define FIELDS LRS_MATCH_FIELD__COUNT
#define LEVELS LRS_MATCH_LEVEL_MAX

/* Levels per field, in the order of enum lrs_match_field. */
static const unsigned level_count[FIELDS] = {
    LRS_MATCH_NAME__COUNT, LRS_MATCH_NAME__COUNT,   LRS_MATCH_NAME__COUNT,
    LRS_MATCH_DOB__COUNT,  LRS_MATCH_GENDER__COUNT, LRS_MATCH_POSTCODE__COUNT,
};

#define PATTERNS                                                               \
    (LRS_MATCH_NAME__COUNT * LRS_MATCH_NAME__COUNT * LRS_MATCH_NAME__COUNT *   \
     LRS_MATCH_DOB__COUNT * LRS_MATCH_GENDER__COUNT *                          \
     LRS_MATCH_POSTCODE__COUNT)

static const unsigned missing_level[FIELDS] = {
    LRS_MATCH_NAME_MISSING,   LRS_MATCH_NAME_MISSING,
    LRS_MATCH_NAME_MISSING,   LRS_MATCH_DOB_MISSING,
    LRS_MATCH_GENDER_MISSING, LRS_MATCH_POSTCODE_UNKNOWN,
};

/* The blocking rules EM runs over, and the fields each one's key is made
 * of (left out of its EM). Between them every field is estimated by at
 * least two rules. */
static const struct rule {
    const char *name;
    unsigned kind; /* enum key_kind */
    bool keyed[FIELDS];
} rules[LRS_MATCH_TRAIN_RULES] = {
    {"dob+given", KIND_DG, {[LRS_MATCH_GIVEN] = true, [LRS_MATCH_DOB] = true}},
    {"dob+postcode",
     KIND_DP,
     {[LRS_MATCH_DOB] = true, [LRS_MATCH_POSTCODE] = true}},
    {"postcode+family",
     KIND_PF,
     {[LRS_MATCH_POSTCODE] = true, [LRS_MATCH_FAMILY] = true}},
    {"given+family+year+month",
     KIND_GFYM,
     {[LRS_MATCH_GIVEN] = true, [LRS_MATCH_FAMILY] = true}},
};

void lrs_match_train_opts_default(struct lrs_match_train_opts *o)
{
    o->seed = 1;
    o->u_pairs = 1000000;
    o->em_learners = 100000;
    o->max_iterations = 30;
    o->tolerance = 1e-5;
    o->min_learners = 1000;
    o->min_matches = 50;
    o->min_agreement = 0.9;
    o->m_prior = 100;
    o->u_prior = 10000;
    o->max_shift = 4;
}

static struct lrs_match_mu *field_mu(struct lrs_match_model *m, unsigned f)
{
    switch (f) {
    case LRS_MATCH_GIVEN:
        return m->given;
    case LRS_MATCH_MIDDLE:
        return m->middle;
    case LRS_MATCH_FAMILY:
        return m->family;
    case LRS_MATCH_DOB:
        return m->dob;
    case LRS_MATCH_GENDER:
        return m->gender;
    default:
        return m->postcode;
    }
}

/*
 * Whether level `l` of field `f` has an m and u to estimate: not missing
 * or none (no evidence by definition), not the given and middle "former"
 * level, and not the given and family "one_side": those never occur.
 */
static bool trained(unsigned f, unsigned l)
{
    if (l == missing_level[f])
        return false;
    if (f <= LRS_MATCH_FAMILY && l == LRS_MATCH_NAME_NONE)
        return false; /* no evidence, like missing */
    if (f != LRS_MATCH_MIDDLE && f <= LRS_MATCH_FAMILY &&
        l == LRS_MATCH_NAME_ONE_SIDE)
        return false;
    return !(f <= LRS_MATCH_MIDDLE && l == LRS_MATCH_NAME_FORMER);
}

/* Whether EM estimates m of level `l` of field `f`. */
static bool em_level(unsigned f, unsigned l)
{
    return trained(f, l) &&
           !(f == LRS_MATCH_GIVEN && l == LRS_MATCH_NAME_DIFFERENT);
}

static uint64_t next_rand(uint64_t *state)
{
    /* splitmix64 (Steele, Lea and Flood, 2014). */
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Round to 4 significant digits, so that the model file stays readable. */
static double round4(double v)
{
    const double scale = pow(10, 3 - floor(log10(v)));

    return round(v * scale) / scale;
}

/* Hold `v` within a factor `f` of `def` and in (0, 1]; count a clamp. */
static double clamp(double v, double def, double f, unsigned *clamped)
{
    const double lo = def / f, hi = def * f < 1 ? def * f : 1;

    if (v < lo || v > hi) {
        (*clamped)++;
        return v < lo ? lo : hi;
    }
    return v;
}

static enum lrs_err check_opts(const struct lrs_match_train_opts *o,
                               struct lrs_diag *diag)
{
    const char *bad = NULL;

    if (o->u_pairs < 1000 || o->u_pairs > (1ull << 32))
        bad = "u_pairs";
    else if (o->em_learners < 1)
        bad = "em_learners";
    else if (o->max_iterations < 1 || o->max_iterations > 1000)
        bad = "max_iterations";
    else if (!(o->tolerance > 0 && o->tolerance < 1))
        bad = "tolerance";
    else if (o->min_learners < 2)
        bad = "min_learners";
    else if (!(o->min_matches >= 0) || !(o->m_prior >= 0) || !(o->u_prior >= 0))
        bad = !(o->min_matches >= 0) ? "min_matches"
              : !(o->m_prior >= 0)   ? "m_prior"
                                     : "u_prior";
    else if (!(o->min_agreement >= 0 && o->min_agreement <= 1))
        bad = "min_agreement";
    else if (!(o->max_shift >= 0 && o->max_shift <= 40))
        bad = "max_shift";
    if (!bad)
        return LRS_OK;
    lrs_diag_set(diag, bad, "training option %s is out of range", bad);
    return LRS_ERR(LRS_EINVAL);
}

/* ------------------------------------------------------------------ */
/* Pairs                                                              */
/* ------------------------------------------------------------------ */

/* Learner `id` as a query, its names viewed in the name table. */
static void query_of(const struct lrs_match_index *idx, uint32_t id,
                     struct pq *q)
{
    const struct lrn *r = &idx->lrns[id];

    lrs__name_view(&idx->names, r->given, false, &q->g);
    lrs__name_view(&idx->names, r->middle, false, &q->m);
    lrs__name_view(&idx->names, r->family, true, &q->f);
    lrs__name_view(&idx->names, 0, true, &q->p);
    q->f_last = idx->names.v[r->family].last;
    q->dob = r->dob;
    if (r->dob != DOB_NONE)
        q->date = dob_unpack(r->dob);
    else
        q->date = (struct lrs_date){0, 0, 0};
    q->gender = r->gender;
    q->middle_known = true; /* a register record: all it has */
    q->postcode = r->postcode;
    q->pair_count = 0; /* no family-given-given weighting: levels only */
    lrs__pq_bind(idx, q);
}

static size_t pattern_of(const struct lrs_match_candidate *c)
{
    size_t p = 0;

    for (unsigned f = 0; f < FIELDS; f++)
        p = p * level_count[f] + c->level[f];
    return p;
}

static void levels_of(size_t p, unsigned lv[FIELDS])
{
    for (unsigned f = FIELDS; f-- > 0;) {
        lv[f] = (unsigned)(p % level_count[f]);
        p /= level_count[f];
    }
}

/* Count the levels of `pairs` random pairs into cnt. */
static void sample_u(const struct lrs_match_index *idx, uint64_t pairs,
                     uint64_t seed, double cnt[FIELDS][LEVELS + 1])
{
    uint64_t state = seed ^ 0x75u;

    for (uint64_t i = 0; i < pairs; i++) {
        const uint32_t a = (uint32_t)(next_rand(&state) % idx->count);
        uint32_t b = (uint32_t)(next_rand(&state) % (idx->count - 1));
        struct lrs_match_candidate c;
        struct pq q;

        b += b >= a; /* a distinct second learner */
        query_of(idx, a, &q);
        lrs__score(idx, &q, b, &c);
        for (unsigned f = 0; f < FIELDS; f++)
            cnt[f][c.level[f]] += 1;
    }
}

/* Whether learner `id` is among the EM sample (about em/count of all). */
static bool sampled(uint32_t id, uint64_t seed, uint64_t em, uint32_t count)
{
    uint64_t state = seed ^ ((uint64_t)id << 20);

    return em >= count || next_rand(&state) % count < em;
}

/* Count the level patterns of the pairs blocked by rule `r` into pat[]. */
static enum lrs_err collect_pairs(const struct lrs_match_index *idx,
                                  const struct lrs_match_train_opts *o,
                                  const struct rule *r, double *pat,
                                  struct lrs_match_train_rule *rep,
                                  uint64_t *em_learners)
{
    struct lrs_match_result res;
    enum lrs_err err = LRS_OK;

    lrs_match_result_init(&res);
    for (uint32_t a = 0; a < idx->count && !err; a++) {
        uint32_t *ids;
        size_t n;
        struct pq q;

        if (!sampled(a, o->seed, o->em_learners, idx->count))
            continue;
        ++*em_learners;
        query_of(idx, a, &q);
        err = lrs__block_kind(idx, &q, r->kind, &res, &ids, &n);
        for (size_t i = 0; !err && i < n; i++) {
            const uint32_t b = ids[i];
            struct lrs_match_candidate c;

            /* Each pair once: from its lower end when both are sampled. */
            if (b == a ||
                (b < a && sampled(b, o->seed, o->em_learners, idx->count)))
                continue;
            lrs__score(idx, &q, b, &c);
            if (c.level[LRS_MATCH_GIVEN] == LRS_MATCH_NAME_DIFFERENT) {
                rep->excluded++;
                continue;
            }
            pat[pattern_of(&c)] += 1;
            rep->pairs++;
        }
    }
    lrs_match_result_release(&res);
    return err;
}

/* ------------------------------------------------------------------ */
/* EM                                                                 */
/* ------------------------------------------------------------------ */

struct em {
    size_t count;  /* distinct patterns */
    uint32_t *pat; /* owned: the patterns */
    double *n;     /* owned: pairs with each */
    double total;  /* pairs */
    double p;      /* share of matches */
    double m[FIELDS][LEVELS + 1];
    double b[FIELDS][LEVELS + 1]; /* non-matches among blocked pairs */
    bool use[FIELDS];             /* the fields EM weighs (not keyed) */
};

/* Normalise v over the EM levels of field f, with a tiny floor. */
static void normalise(unsigned f, double v[LEVELS + 1])
{
    double sum = 0;

    for (unsigned l = 0; l < level_count[f]; l++)
        if (em_level(f, l))
            sum += v[l] + 1e-9;
    for (unsigned l = 0; l < level_count[f]; l++)
        v[l] = em_level(f, l) && sum > 0 ? (v[l] + 1e-9) / sum : 1;
}

/* One E and M step; returns the largest change of an m. */
static double em_step(struct em *e)
{
    double m[FIELDS][LEVELS + 1] = {{0}}, b[FIELDS][LEVELS + 1] = {{0}};
    double matched = 0, delta = 0;

    for (size_t k = 0; k < e->count; k++) {
        unsigned lv[FIELDS];
        double pm = e->p, pb = 1 - e->p, g;

        levels_of(e->pat[k], lv);
        for (unsigned f = 0; f < FIELDS; f++) {
            if (!e->use[f] || !em_level(f, lv[f]))
                continue;
            pm *= e->m[f][lv[f]];
            pb *= e->b[f][lv[f]];
        }
        g = pm + pb > 0 ? pm / (pm + pb) : 0;
        matched += g * e->n[k];
        for (unsigned f = 0; f < FIELDS; f++) {
            m[f][lv[f]] += g * e->n[k];
            b[f][lv[f]] += (1 - g) * e->n[k];
        }
    }
    for (unsigned f = 0; f < FIELDS; f++) {
        if (!e->use[f])
            continue;
        normalise(f, m[f]);
        normalise(f, b[f]);
        for (unsigned l = 0; l < level_count[f]; l++) {
            const double d = fabs(m[f][l] - e->m[f][l]);

            delta = d > delta ? d : delta;
            e->m[f][l] = m[f][l];
            e->b[f][l] = b[f][l];
        }
    }
    e->p = matched / e->total;
    return delta;
}

/*
 * Start: m from the defaults, the blocked non-matches as random pairs
 * (`u`, the counts of sample_u()). Starting the non-matches from the
 * blocked pairs themselves instead leaves EM nothing to tell apart when
 * a rule's pairs are nearly all matches (people sharing a date of birth
 * and a postcode, say): it stays where it started.
 */
static void em_start(struct em *e, const struct lrs_match_model *def,
                     const double u[FIELDS][LEVELS + 1])
{
    struct lrs_match_model *d = (struct lrs_match_model *)def;

    for (unsigned f = 0; f < FIELDS; f++) {
        for (unsigned l = 0; l < level_count[f]; l++) {
            e->m[f][l] = field_mu(d, f)[l].m;
            e->b[f][l] = u[f][l];
        }
        normalise(f, e->m[f]);
        normalise(f, e->b[f]);
    }
    e->p = 0.05;
}

static enum lrs_err em_run(const double *pat, const struct lrs_match_model *def,
                           const double u[FIELDS][LEVELS + 1],
                           const struct lrs_match_train_opts *o, struct em *e,
                           struct lrs_match_train_rule *rep)
{
    for (size_t k = 0; k < PATTERNS; k++)
        e->count += pat[k] > 0;
    rep->patterns = e->count;
    if (!e->count)
        return LRS_OK;
    e->pat = lrs_calloc(e->count, sizeof *e->pat);
    e->n = lrs_calloc(e->count, sizeof *e->n);
    if (!e->pat || !e->n)
        return LRS_ERR(LRS_ENOMEM);
    e->count = 0;
    for (size_t k = 0; k < PATTERNS; k++) {
        if (pat[k] > 0) {
            e->pat[e->count] = (uint32_t)k;
            e->n[e->count++] = pat[k];
            e->total += pat[k];
        }
    }
    em_start(e, def, u);
    while (rep->iterations < o->max_iterations) {
        rep->iterations++;
        if (em_step(e) < o->tolerance) {
            rep->converged = true;
            break;
        }
    }
    rep->matches = e->p * e->total;
    return LRS_OK;
}

/*
 * The share of EM's expected matches that lie in pairs the shipped model
 * scores at least `low` bits (its possible-match threshold): in a
 * register without duplicates EM takes some cluster of different people
 * (a shared birthday and given name, say) for the matches, and the
 * shipped model, which knows what a match looks like, disagrees.
 */
static double agreement(const struct em *e, const struct lrs_match_model *def,
                        double low)
{
    struct lrs_match_model *d = (struct lrs_match_model *)def;
    double agree = 0, all = 0;

    for (size_t k = 0; k < e->count; k++) {
        unsigned lv[FIELDS];
        double pm = e->p, pb = 1 - e->p, score = 0, g;

        levels_of(e->pat[k], lv);
        for (unsigned f = 0; f < FIELDS; f++) {
            score += lrs_match_weight(field_mu(d, f)[lv[f]]);
            if (!e->use[f] || !em_level(f, lv[f]))
                continue;
            pm *= e->m[f][lv[f]];
            pb *= e->b[f][lv[f]];
        }
        g = pm + pb > 0 ? pm / (pm + pb) : 0;
        all += g * e->n[k];
        if (score >= low)
            agree += g * e->n[k];
    }
    return all > 0 ? agree / all : 0;
}

/* ------------------------------------------------------------------ */
/* The model                                                          */
/* ------------------------------------------------------------------ */

/* m of field f: EM's distribution smoothed towards the defaults. */
static void set_m(struct lrs_match_model *out,
                  const struct lrs_match_model *def,
                  const double em_m[LEVELS + 1], unsigned f,
                  const struct lrs_match_train_opts *o, double matches,
                  unsigned *clamped)
{
    struct lrs_match_model *d = (struct lrs_match_model *)def;
    const struct lrs_match_mu *dm = field_mu(d, f);
    const double factor = pow(2, o->max_shift / 2);
    double prior[LEVELS + 1], mass = 1;

    for (unsigned l = 0; l < level_count[f]; l++)
        prior[l] = dm[l].m;
    normalise(f, prior);
    /* Given "different" is not in EM: its default share stays out. */
    if (f == LRS_MATCH_GIVEN)
        mass = 1 - dm[LRS_MATCH_NAME_DIFFERENT].m;
    for (unsigned l = 0; l < level_count[f]; l++) {
        double v;

        if (!em_level(f, l))
            continue;
        v = (matches * em_m[l] + o->m_prior * prior[l]) /
            (matches + o->m_prior);
        v = clamp(round4(mass * v), dm[l].m, factor, clamped);
        field_mu(out, f)[l].m = v;
    }
}

/* u of field f from the random-pair counts, smoothed and held. */
static void set_u(struct lrs_match_model *out,
                  const struct lrs_match_model *def,
                  const double cnt[LEVELS + 1], unsigned f,
                  const struct lrs_match_train_opts *o, unsigned *clamped)
{
    struct lrs_match_model *d = (struct lrs_match_model *)def;
    const struct lrs_match_mu *du = field_mu(d, f);
    const double factor = pow(2, o->max_shift / 2);
    double pairs = 0;

    for (unsigned l = 0; l < level_count[f]; l++)
        if (trained(f, l))
            pairs += cnt[l];
    for (unsigned l = 0; l < level_count[f]; l++) {
        double v;

        if (!trained(f, l))
            continue;
        v = (cnt[l] + o->u_prior * du[l].u) / (pairs + o->u_prior);
        field_mu(out, f)[l].u = clamp(round4(v), du[l].u, factor, clamped);
    }
}

/* EM over the pairs of rule `r`: its m into m_out, its figures into rep. */
static enum lrs_err
em_rule(const struct lrs_match_index *idx, const struct lrs_match_train_opts *o,
        const struct lrs_match_model *def, const double u[FIELDS][LEVELS + 1],
        const struct rule *r, double *pat, double low,
        double m_out[FIELDS][LEVELS + 1], struct lrs_match_train_rule *rep,
        uint64_t *em_learners)
{
    struct em e;
    enum lrs_err err;

    memset(&e, 0, sizeof e);
    memset(pat, 0, PATTERNS * sizeof *pat);
    rep->name = r->name;
    for (unsigned f = 0; f < FIELDS; f++)
        e.use[f] = !r->keyed[f];
    err = collect_pairs(idx, o, r, pat, rep, em_learners);
    if (!err)
        err = em_run(pat, def, u, o, &e, rep);
    if (!err && e.count) {
        rep->agreement = agreement(&e, def, low);
        rep->used = rep->matches >= o->min_matches &&
                    rep->agreement >= o->min_agreement;
        memcpy(m_out, e.m, sizeof e.m);
    }
    lrs_free(e.pat);
    lrs_free(e.n);
    return err;
}

static enum lrs_err estimate(const struct lrs_match_index *idx,
                             const struct lrs_match_train_opts *o,
                             struct lrs_match_model *out,
                             struct lrs_match_train_report *rep)
{
    struct lrs_match_model def;
    double cnt[FIELDS][LEVELS + 1] = {{0}};
    double m[LRS_MATCH_TRAIN_RULES][FIELDS][LEVELS + 1];
    const double n = (double)idx->count;
    double *pat = NULL, low, agree = 0, found = 0;
    enum lrs_err err = LRS_OK;

    lrs_match_model_default(&def);
    low = log2(n > def.min_register ? n : def.min_register) + def.low;
    pat = lrs_calloc(PATTERNS, sizeof *pat);
    if (!pat)
        return LRS_ERR(LRS_ENOMEM);
    sample_u(idx, o->u_pairs, o->seed, cnt);
    rep->u_pairs = o->u_pairs;
    for (unsigned i = 0; i < LRS_MATCH_TRAIN_RULES && !err; i++) {
        struct lrs_match_train_rule *rr = &rep->rules[i];
        uint64_t learners = 0;

        err = em_rule(idx, o, &def, (const double(*)[LEVELS + 1]) cnt,
                      &rules[i], pat, low, m[i], rr, &learners);
        rep->em_learners = learners;
        rep->em_pairs += rr->pairs;
        rep->em_excluded += rr->excluded;
        rep->em_patterns += rr->patterns;
        rep->iterations =
            rr->iterations > rep->iterations ? rr->iterations : rep->iterations;
        found += rr->matches;
        if (rr->used) {
            rep->rules_used++;
            rep->matches =
                rr->matches > rep->matches ? rr->matches : rep->matches;
            agree += rr->agreement * rr->matches;
        }
    }
    lrs_free(pat);
    if (err)
        return err;
    rep->converged = true;
    for (unsigned i = 0; i < LRS_MATCH_TRAIN_RULES; i++)
        if (rep->rules[i].patterns && !rep->rules[i].converged)
            rep->converged = false;
    rep->match_share = rep->em_pairs ? found / (double)rep->em_pairs : 0;
    rep->agreement = 0;
    if (rep->rules_used) {
        double used = 0;

        for (unsigned i = 0; i < LRS_MATCH_TRAIN_RULES; i++)
            if (rep->rules[i].used)
                used += rep->rules[i].matches;
        rep->agreement = used > 0 ? agree / used : 0;
    }
    rep->m_default = rep->rules_used == 0;
    /* Each field's m: the mean over the rules used that estimate it,
     * smoothed with their mean of expected matches. */
    for (unsigned f = 0; f < FIELDS; f++) {
        double mean[LEVELS + 1] = {0}, matches = 0;
        unsigned k = 0;

        set_u(out, &def, cnt[f], f, o, &rep->clamped);
        for (unsigned i = 0; i < LRS_MATCH_TRAIN_RULES; i++) {
            if (!rep->rules[i].used || rules[i].keyed[f])
                continue;
            for (unsigned l = 0; l < level_count[f]; l++)
                mean[l] += m[i][f][l];
            matches += rep->rules[i].matches;
            k++;
        }
        if (!k)
            continue;
        for (unsigned l = 0; l < level_count[f]; l++)
            mean[l] /= k;
        set_m(out, &def, mean, f, o, matches / k, &rep->clamped);
        rep->m_fields++;
    }
    return LRS_OK;
}

enum lrs_err lrs_match_model_estimate(const struct lrs_match_index *idx,
                                      const struct lrs_match_train_opts *opts,
                                      struct lrs_match_model *model,
                                      struct lrs_match_train_report *report,
                                      struct lrs_diag *diag)
{
    struct lrs_match_index *w = (struct lrs_match_index *)idx;
    struct lrs_match_train_opts o;
    struct lrs_match_train_report rep;
    struct lrs_match_model out, def;
    enum lrs_err err = LRS_OK;

    LRS_ASSERT(idx->magic == INDEX_MAGIC);
    if (opts)
        o = *opts;
    else
        lrs_match_train_opts_default(&o);
    err = check_opts(&o, diag);
    if (err)
        return err;
    memset(&rep, 0, sizeof rep);
    lrs_match_model_default(&def);
    err = lrs__index_rdlock(w); /* blocking needs every learner linked */
    if (err)
        return err;
    out = idx->model;
    /* Start from the shipped m and u: the anchor of every training. */
    for (unsigned f = 0; f < FIELDS; f++)
        memcpy(field_mu(&out, f), field_mu(&def, f),
               level_count[f] * sizeof(struct lrs_match_mu));
    rep.learners = idx->count;
    rep.fallback = idx->count < o.min_learners;
    if (!rep.fallback)
        err = estimate(idx, &o, &out, &rep);
    pthread_rwlock_unlock(&w->lock);
    if (err)
        return err;
    *model = out;
    if (report)
        *report = rep;
    return LRS_OK;
}
