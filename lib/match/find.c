/*
 * find.c - a search: prepare the query, probe its blocks, score each
 * distinct candidate, and decide with the LRS find codes.
 *
 * The query side generates more keys than a learner stores: besides the
 * learner's own key kinds it probes the swapped day/month date, the names
 * swapped, the last token of a double-barrelled family name and the
 * query's previous family name, so one learner record answers all of
 * those without extra entries (docs/matching.md, "Blocking").
 *
 * Candidate ids from all blocks go into the result's scratch array, are
 * sorted and made unique, then scored. A warm result needs no allocation.
 */
#include "base/base.h"

#include "match/match_int.h"

#include <math.h>

#define MAX_PROBES 32
#define AHEAD      24 /* candidates whose records are fetched ahead */
/* The bound and the score add the same weights in other orders: a bound
 * this close under the threshold is compared all the same. */
#define BOUND_SLACK 1e-6

struct scratch {
    uint32_t *ids; /* owned; cap */
    uint32_t *tmp; /* owned; cap, for sorting ids */
    size_t cap;
};

void lrs_match_result_init(struct lrs_match_result *res)
{
    memset(res, 0, sizeof *res);
    res->code = LRS_MATCH_NONE;
}

void lrs_match_result_release(struct lrs_match_result *res)
{
    struct scratch *s = res->scratch;

    if (s) {
        lrs_free(s->ids);
        lrs_free(s->tmp);
    }
    lrs_free(s);
    lrs_free(res->candidates);
    lrs_match_result_init(res);
}

static enum lrs_err reserve_ids(struct lrs_match_result *res, size_t n)
{
    struct scratch *s = res->scratch;
    uint32_t *ids;

    if (!s) {
        s = lrs_calloc(1, sizeof *s);
        if (!s)
            return LRS_ERR(LRS_ENOMEM);
        res->scratch = s;
        res->scratch_size = sizeof *s;
    }
    if (s->cap >= n)
        return LRS_OK;
    ids = lrs_realloc(s->ids, n * sizeof *ids);
    if (!ids)
        return LRS_ERR(LRS_ENOMEM);
    s->ids = ids;
    ids = lrs_realloc(s->tmp, n * sizeof *ids);
    if (!ids)
        return LRS_ERR(LRS_ENOMEM); /* ids is merely larger */
    s->tmp = ids;
    s->cap = n;
    return LRS_OK;
}

static enum lrs_err reserve_candidates(struct lrs_match_result *res, size_t n)
{
    struct lrs_match_candidate *c;
    size_t cap = res->candidate_cap ? res->candidate_cap : 16;

    if (n <= res->candidate_cap)
        return LRS_OK;
    while (cap < n)
        cap *= 2;
    c = lrs_realloc(res->candidates, cap * sizeof *c);
    if (!c)
        return LRS_ERR(LRS_ENOMEM);
    res->candidates = c;
    res->candidate_cap = cap;
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* The query                                                          */
/* ------------------------------------------------------------------ */

static enum lrs_err prep_name(struct lrs_str raw, const char *field, char *buf,
                              struct nm *out, struct lrs_diag *diag)
{
    size_t len;
    mpcode last;
    const enum lrs_err err = lrs_name_normalise_to(raw, field, buf, &len, diag);

    if (err)
        return err;
    out->s = (struct lrs_str){buf, len};
    out->nick = lrs__nickname_any(out->s);
    out->id = NONE;
    out->count = 0;
    out->memo = NULL;
    out->exact[0] = out->exact[1] = 0;
    out->exact_known = false;
    lrs__name_codes(out->s, out->first, &last);
    return LRS_OK;
}

enum lrs_err lrs__query_prep(const struct lrs_match_query *query, struct pq *q,
                             struct lrs_diag *diag)
{
    mpcode first[2];
    enum lrs_err err;

    err = prep_name(query->given, "given_name", q->given, &q->g, diag);
    if (!err)
        err = prep_name(query->middle, "middle_names", q->middle, &q->m, diag);
    if (!err)
        err = prep_name(query->family, "family_name", q->family, &q->f, diag);
    if (!err)
        err = prep_name(query->previous_family, "previous_family_name",
                        q->previous, &q->p, diag);
    if (err)
        return err;
    lrs__name_codes(q->f.s, first, &q->f_last);
    q->date = query->dob;
    if (query->dob.year == 0) {
        q->dob = DOB_NONE;
    } else if (!lrs_date_valid(query->dob.year, query->dob.month,
                               query->dob.day)) {
        lrs_diag_set(diag, "date_of_birth", "not a valid date");
        return LRS_ERR(LRS_EINVAL);
    } else {
        q->dob = dob_pack(query->dob);
    }
    if (query->gender != LRS_GENDER_NOT_KNOWN &&
        query->gender != LRS_GENDER_MALE &&
        query->gender != LRS_GENDER_FEMALE &&
        query->gender != LRS_GENDER_NOT_SPECIFIED) {
        lrs_diag_set(diag, "gender", "must be 0, 1, 2 or 9");
        return LRS_ERR(LRS_EINVAL);
    }
    q->gender = (uint8_t)query->gender;
    q->postcode = lrs__pc_pack(&query->postcode);
    q->uln = query->uln;
    q->middle_known = query->middle_known;
    q->pair_count = 0;
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Blocking                                                           */
/* ------------------------------------------------------------------ */

struct plan {
    uint64_t keys[MAX_PROBES];
    size_t count;
    unsigned only; /* a key kind: probe only its keys; 0: all */
};

static void add(struct plan *p, unsigned kind, uint64_t a, uint64_t b,
                uint64_t c, bool ok)
{
    uint64_t k;

    if (!ok || (p->only && kind != p->only))
        return;
    k = lrs__key(kind, a, b, c);
    for (size_t i = 0; i < p->count; i++)
        if (p->keys[i] == k)
            return;
    if (LRS_ALWAYS(p->count < MAX_PROBES))
        p->keys[p->count++] = k;
}

static void make_plan(const struct pq *q, unsigned only, struct plan *p)
{
    const mpcode f = q->f.first[0], fa = q->f.first[1], fl = q->f_last;
    const mpcode g = q->g.first[0], pf = q->p.first[0];
    const uint64_t dob = (uint64_t)q->dob, pc = q->postcode;
    const bool has_dob = q->dob != DOB_NONE;
    uint64_t sdob = 0;
    bool has_sdob = false;

    p->count = 0;
    p->only = only;
    if (has_dob && q->date.day <= 12 && q->date.day != q->date.month &&
        lrs_date_valid(q->date.year, q->date.day, q->date.month)) {
        const struct lrs_date s = {q->date.year, q->date.day, q->date.month};

        sdob = (uint64_t)dob_pack(s);
        has_sdob = true;
    }
    /* Date of birth and family name: also its last token, its alternate
     * code, the query's previous name, and the given name (swapped). */
    add(p, KIND_DF, dob, f, 0, has_dob && f);
    add(p, KIND_DF, dob, fa, 0, has_dob && fa);
    add(p, KIND_DF, dob, fl, 0, has_dob && fl);
    add(p, KIND_DF, dob, pf, 0, has_dob && pf);
    add(p, KIND_DF, dob, g, 0, has_dob && g);
    add(p, KIND_DF, sdob, f, 0, has_sdob && f);
    /* Date of birth and given name: family names changed. */
    add(p, KIND_DG, dob, g, 0, has_dob && g);
    add(p, KIND_DG, dob, f, 0, has_dob && f);
    add(p, KIND_DG, sdob, g, 0, has_sdob && g);
    /* Postcode and family name. */
    add(p, KIND_PF, pc, f, 0, pc && f);
    add(p, KIND_PF, pc, fl, 0, pc && fl);
    add(p, KIND_PF, pc, pf, 0, pc && pf);
    add(p, KIND_PF, pc, g, 0, pc && g);
    /* Postcode and given name; postcode and date of birth: both survive
     * a changed family name and a typo in it. */
    add(p, KIND_PG, pc, g, 0, pc && g);
    add(p, KIND_PG, pc, f, 0, pc && f);
    add(p, KIND_DP, dob, pc, 0, has_dob && pc);
    add(p, KIND_DP, sdob, pc, 0, has_sdob && pc);
    /* Given and family names and two of the three parts of the date:
     * whichever one part is wrong, one of them holds. */
    if (has_dob) {
        const uint64_t ym = DOB_YM(q->dob), yd = DOB_YD(q->dob);
        const uint64_t md = DOB_MD(q->dob);

        add(p, KIND_GFYM, g, f, ym, g && f);
        add(p, KIND_GFYM, f, g, ym, g && f);
        add(p, KIND_GFYM, g, fl, ym, g && fl);
        add(p, KIND_GFYM, g, pf, ym, g && pf);
        add(p, KIND_GFYD, g, f, yd, g && f);
        add(p, KIND_GFYD, f, g, yd, g && f);
        add(p, KIND_GFYD, g, fl, yd, g && fl);
        add(p, KIND_GFYD, g, pf, yd, g && pf);
        add(p, KIND_GFMD, g, f, md, g && f);
        add(p, KIND_GFMD, f, g, md, g && f);
    }
}

/*
 * Sort ids ascending: least significant byte first, one counting pass a
 * byte, skipping a byte that every id shares; a few ids by insertion.
 * qsort() with its comparison calls was a few percent of a find.
 */
static void sort_ids(uint32_t *ids, uint32_t *tmp, size_t n)
{
    uint32_t *a = ids;

    if (n <= 32) {
        for (size_t i = 1; i < n; i++) {
            const uint32_t x = a[i];
            size_t j = i;

            for (; j > 0 && a[j - 1] > x; j--)
                a[j] = a[j - 1];
            a[j] = x;
        }
        return;
    }
    for (unsigned shift = 0; shift < 32; shift += 8) {
        size_t at[256] = {0}, sum = 0;
        uint32_t *t;

        for (size_t i = 0; i < n; i++)
            at[a[i] >> shift & 255]++;
        if (at[a[0] >> shift & 255] == n)
            continue;
        for (size_t b = 0; b < 256; b++) {
            const size_t c = at[b];

            at[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[at[a[i] >> shift & 255]++] = a[i];
        t = a;
        a = tmp;
        tmp = t;
    }
    /* After an odd number of passes the ids are in the other buffer. */
    if (a != ids)
        memcpy(ids, a, n * sizeof *ids);
}

/*
 * Collect the distinct learner ids of the blocks into the scratch. A
 * block is read newest first: the dynamic part's chain, then the static
 * part's run (index.c, "Blocking table"). The bucket offsets and chain
 * heads of every probe are fetched first, then the runs: the twenty-odd
 * probes of a query wait for memory together, not one after another.
 */
static size_t collect(const struct lrs_match_index *idx, const struct plan *p,
                      struct lrs_match_result *res)
{
    struct scratch *s = res->scratch;
    const uint32_t max_block = idx->model.max_block;
    const size_t max = idx->model.max_candidates;
    const struct ent *se = idx->se;
    const struct dent *de = idx->de;
    uint32_t from[MAX_PROBES], to[MAX_PROBES];
    size_t n = 0, u = 0;

    for (size_t i = 0; i < p->count; i++) {
        PREFETCH(&idx->heads[(size_t)p->keys[i] & idx->head_mask]);
        if (se)
            PREFETCH(&idx->sb[(size_t)p->keys[i] & idx->sb_mask]);
    }
    for (size_t i = 0; i < p->count; i++) {
        const size_t b = (size_t)p->keys[i] & idx->sb_mask;

        from[i] = to[i] = 0;
        if (se) {
            from[i] = idx->sb[b];
            to[i] = idx->sb[b + 1];
            /* The whole run (of a large block, its first 32 lines). */
            for (uint32_t k = from[i]; k < to[i] && k < from[i] + 256; k += 8)
                PREFETCH(&se[k]);
            if (to[i] > from[i])
                PREFETCH(&se[to[i] - 1]);
        }
    }
    for (size_t i = 0; i < p->count && !res->candidates_capped; i++) {
        const uint32_t f = (uint32_t)(p->keys[i] >> 32);
        uint32_t taken = 0, d = idx->heads[(size_t)p->keys[i] & idx->head_mask];
        bool full = false;

        res->blocks_probed++;
        for (uint32_t k = from[i]; !full && (d != NONE || k < to[i]);) {
            uint32_t e;

            /* The chain, then the run: both newest first. */
            if (d != NONE) {
                e = de[d].fp == f ? de[d].e : NONE;
                d = de[d].next;
            } else {
                e = se[k].fp == f ? se[k].e : NONE;
                k++;
            }
            if (e == NONE)
                continue;
            if (taken == max_block) {
                res->blocks_oversized++;
                full = true;
            } else if (n == max) {
                res->candidates_capped = true;
                full = true;
            } else {
                s->ids[n++] = e / KEY_SLOTS;
                taken++;
            }
        }
    }
    sort_ids(s->ids, s->tmp, n);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || s->ids[i] != s->ids[i - 1])
            s->ids[u++] = s->ids[i];
    return u;
}

/* ------------------------------------------------------------------ */
/* Decision                                                           */
/* ------------------------------------------------------------------ */

static int cmp_score(const void *a, const void *b)
{
    const struct lrs_match_candidate *x = a, *y = b;

    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return (x->uln > y->uln) - (x->uln < y->uln);
}

static int cmp_root(const void *a, const void *b)
{
    const struct lrs_match_candidate *x = a, *y = b;

    if (x->learner != y->learner)
        return (x->learner > y->learner) - (x->learner < y->learner);
    return cmp_score(a, b);
}

/* Keep the best-scoring record of each master. */
static size_t unique_roots(struct lrs_match_candidate *c, size_t n)
{
    size_t u = 0;

    qsort(c, n, sizeof *c, cmp_root);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || c[i].learner != c[u - 1].learner)
            c[u++] = c[i];
    return u;
}

static void thresholds(const struct lrs_match_index *idx,
                       struct lrs_match_result *res)
{
    const double active = (double)(idx->count - idx->merged);
    const double n =
        active > idx->model.min_register ? active : idx->model.min_register;

    res->high = log2(n) + idx->model.high;
    res->low = log2(n) + idx->model.low;
    res->high_weak = res->high + idx->model.high_weak;
}

static void decide(const struct lrs_match_index *idx,
                   struct lrs_match_result *res, size_t kept)
{
    const struct lrs_match_model *m = &idx->model;
    const struct lrs_match_candidate *best = res->candidates;

    if (kept > 1)
        qsort(res->candidates, kept, sizeof *res->candidates, cmp_score);
    res->above_low = kept;
    if (kept == 0) {
        res->code = LRS_MATCH_NONE;
        res->candidate_count = 0;
    } else if (best->score >= lrs_match_exact_threshold(res, best) &&
               !(best->flags & LRS_MATCH_CAND_VETO) &&
               (kept == 1 ||
                res->candidates[1].score < best->score - m->margin)) {
        res->code = best->flags & LRS_MATCH_CAND_MERGED ? LRS_MATCH_LINKED
                                                        : LRS_MATCH_EXACT;
        res->candidate_count = 1;
    } else if (kept > m->max_possible) {
        res->code = LRS_MATCH_TOO_MANY;
        res->candidate_count = m->max_possible;
    } else {
        res->code = LRS_MATCH_POSSIBLE;
        res->candidate_count = kept;
    }
}

static void reset(struct lrs_match_result *res)
{
    res->code = LRS_MATCH_NONE;
    res->candidate_count = 0;
    res->above_low = 0;
    res->excluded = 0;
    res->blocks_probed = 0;
    res->candidates_scored = 0;
    res->candidates_pruned = 0;
    res->blocks_oversized = 0;
    res->candidates_capped = false;
}

/* Point the candidate at its master. */
static void resolve(const struct lrs_match_index *idx,
                    struct lrs_match_candidate *c)
{
    const uint32_t root = lrs__root(idx, c->matched);

    c->learner = root;
    c->uln = idx->ext[root].uln;
    c->matched_uln = idx->ext[c->matched].uln;
    if (root != c->matched)
        c->flags |= LRS_MATCH_CAND_MERGED;
}

/* The name id of a query name, when the name table holds it. */
static void intern_view(const struct lrs_match_index *idx, struct nm *n)
{
    const uint32_t id = lrs__names_find(&idx->names, n->s);

    n->id = id || !n->s.len ? id : NONE;
}

void lrs__query_bind(const struct lrs_match_index *idx, struct pq *q)
{
    intern_view(idx, &q->g);
    intern_view(idx, &q->m);
    intern_view(idx, &q->f);
    intern_view(idx, &q->p);
    q->g.count = q->g.id == NONE ? 0 : idx->names.v[q->g.id].given_count;
    q->pair_count = lrs__pairs_count(&idx->pairs, q->g.id, q->f.id);
    memset(q->memo, 0, sizeof q->memo);
    q->g.memo = &q->memo[0];
    q->m.memo = &q->memo[1];
    q->f.memo = &q->memo[2];
    q->p.memo = &q->memo[3];
    lrs__pq_bind(idx, q);
}

enum lrs_err lrs__block(const struct lrs_match_index *idx, const struct pq *q,
                        struct lrs_match_result *res, uint32_t **ids,
                        size_t *count)
{
    return lrs__block_kind(idx, q, 0, res, ids, count);
}

enum lrs_err lrs__block_kind(const struct lrs_match_index *idx,
                             const struct pq *q, unsigned kind,
                             struct lrs_match_result *res, uint32_t **ids,
                             size_t *count)
{
    struct plan plan;
    const enum lrs_err err = reserve_ids(res, idx->model.max_candidates);

    if (err)
        return err;
    res->blocks_probed = 0;
    res->blocks_oversized = 0;
    res->candidates_capped = false;
    make_plan(q, kind, &plan);
    *count = collect(idx, &plan, res);
    *ids = ((struct scratch *)res->scratch)->ids;
    return LRS_OK;
}

/*
 * Score the `n` candidates `ids` (modified: the ones left after the
 * bounds are kept in place), keep those at or above `low` and decide.
 * The thresholds are set and the query bound.
 */
static enum lrs_err score_ids(const struct lrs_match_index *idx,
                              const struct pq *q, const struct apart *ap,
                              uint32_t *ids, size_t n,
                              struct lrs_match_result *res)
{
    size_t left = 0, kept = 0;
    bool merged = false;
    enum lrs_err err;

    res->candidates_scored = n;
    /* First the bounds, a short loop over the records, each fetched AHEAD
     * candidates before it is read (each is a cache miss in a large
     * register, and they overlap only when asked for early); the ids of
     * the candidates left are kept in place. Most candidates of a large
     * register share a block by chance and fall far short: their bound,
     * from the record alone, says so. */
    for (size_t i = 0; i < AHEAD && i < n; i++)
        PREFETCH(&idx->lrns[ids[i]]);
    for (size_t i = 0; i < n; i++) {
        if (i + AHEAD < n)
            PREFETCH(&idx->lrns[ids[i + AHEAD]]);
        if (ap->self != NONE && lrs__apart_skip(idx, ap, ids[i]))
            continue;
        if (lrs__bound(idx, q, ids[i]) < res->low - BOUND_SLACK)
            res->candidates_pruned++;
        else
            ids[left++] = ids[i];
    }
    /* Then the full comparison of the others, in the same order, unless
     * their given names, compared, bring their bound under too. */
    for (size_t i = 0; i < left; i++) {
        struct lrs_match_candidate c;

        if (lrs__bound_given(idx, q, ids[i]) < res->low - BOUND_SLACK) {
            res->candidates_pruned++;
            continue;
        }
        lrs__score(idx, q, ids[i], &c);
        if (c.level[LRS_MATCH_GIVEN] == LRS_MATCH_NAME_DIFFERENT) {
            res->excluded++; /* the twin rule */
            continue;
        }
        if (c.score < res->low)
            continue;
        err = reserve_candidates(res, kept + 1);
        if (err)
            return err;
        resolve(idx, &c);
        merged |= (c.flags & LRS_MATCH_CAND_MERGED) != 0;
        res->candidates[kept++] = c;
    }
    if (merged)
        kept = unique_roots(res->candidates, kept);
    decide(idx, res, kept);
    return LRS_OK;
}

static enum lrs_err find_locked(const struct lrs_match_index *idx, struct pq *q,
                                struct lrs_match_result *res)
{
    uint32_t *ids;
    size_t n;
    struct apart ap;
    enum lrs_err err;

    thresholds(idx, res);
    lrs__apart_begin(idx, q->uln, &ap);
    lrs__query_bind(idx, q);
    err = lrs__block(idx, q, res, &ids, &n);
    if (err)
        return err;
    return score_ids(idx, q, &ap, ids, n, res);
}

enum lrs_err lrs_match_index_find(const struct lrs_match_index *idx,
                                  const struct lrs_match_query *query,
                                  struct lrs_match_result *res,
                                  struct lrs_diag *diag)
{
    struct lrs_match_index *w = (struct lrs_match_index *)idx;
    struct pq q;
    enum lrs_err err;

    LRS_ASSERT(idx->magic == INDEX_MAGIC);
    reset(res);
    err = lrs__query_prep(query, &q, diag);
    if (err)
        return err;
    err = lrs__index_rdlock(w);
    if (err)
        return err;
    err = find_locked(idx, &q, res);
    pthread_rwlock_unlock(&w->lock);
    if (err) {
        reset(res);
        return err;
    }
    atomic_fetch_add_explicit(&w->finds, 1, memory_order_relaxed);
    if (res->blocks_oversized)
        atomic_fetch_add_explicit(&w->oversized, res->blocks_oversized,
                                  memory_order_relaxed);
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* By ULN                                                             */
/* ------------------------------------------------------------------ */

static bool name_ok(unsigned level)
{
    return level <= LRS_MATCH_NAME_PHONETIC;
}

enum lrs_err lrs_match_index_find_uln(const struct lrs_match_index *idx,
                                      uint64_t uln, struct lrs_str given,
                                      struct lrs_str family,
                                      struct lrs_match_result *res,
                                      struct lrs_diag *diag)
{
    struct lrs_match_index *w = (struct lrs_match_index *)idx;
    const struct lrs_match_query query = {.given = given, .family = family};
    struct lrs_match_candidate *c;
    struct pq q;
    uint32_t id;
    enum lrs_err err;

    LRS_ASSERT(idx->magic == INDEX_MAGIC);
    reset(res);
    err = lrs__query_prep(&query, &q, diag);
    if (!err)
        err = reserve_candidates(res, 1);
    if (err)
        return err;
    pthread_rwlock_rdlock(&w->lock);
    thresholds(idx, res);
    id = lrs__uln_find(idx, uln);
    if (id != NONE) {
        c = res->candidates;
        lrs__score(idx, &q, id, c);
        resolve(idx, c);
        res->candidate_count = 1;
        res->candidates_scored = 1;
        if (name_ok(c->level[LRS_MATCH_GIVEN]) &&
            name_ok(c->level[LRS_MATCH_FAMILY]))
            res->code = c->flags & LRS_MATCH_CAND_MERGED ? LRS_MATCH_LINKED
                                                         : LRS_MATCH_EXACT;
    }
    pthread_rwlock_unlock(&w->lock);
    atomic_fetch_add_explicit(&w->finds, 1, memory_order_relaxed);
    return LRS_OK;
}
