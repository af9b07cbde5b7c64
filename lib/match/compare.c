/*
 * compare.c - comparison levels, the model and its weights, and the score
 * of one candidate against a query.
 *
 * Each field is compared into a level (lrs/match.h); the weight of a level
 * is log2(m/u) from the model, and the score of a candidate is the sum of
 * its field weights (Fellegi and Sunter, "A theory for record linkage",
 * JASA 1969). The u of an exact name match is taken from that name's
 * frequency in the register, so that a shared SMITH says less than a
 * PRZYBYLSKI (Winkler, "Frequency-based matching in Fellegi-Sunter model
 * of record linkage", 1989). docs/matching.md explains every default.
 */
#include "base/base.h"

#include "match/match_int.h"

#include <math.h>

/* The exact-match offsets, docs/matching.md "Decisions". */
#define HIGH_DEFAULT      2
#define HIGH_WEAK_DEFAULT 2
#define LOW_DEFAULT       (-3)
#define MARGIN_DEFAULT    5

/* ------------------------------------------------------------------ */
/* Model                                                              */
/* ------------------------------------------------------------------ */

static void set(struct lrs_match_mu *mu, double m, double u)
{
    mu->m = m;
    mu->u = u;
}

/* The given and family name levels; FORMER is family-only. */
static void name_defaults(struct lrs_match_mu *v, bool family)
{
    set(&v[LRS_MATCH_NAME_EXACT], 0.88, family ? 0.003 : 0.01);
    set(&v[LRS_MATCH_NAME_TOKEN], 0.03, family ? 0.0005 : 0.002);
    if (family)
        set(&v[LRS_MATCH_NAME_FORMER], 0.02, 0.0002);
    else
        set(&v[LRS_MATCH_NAME_FORMER], 1, 1);
    set(&v[LRS_MATCH_NAME_VARIANT], family ? 0.002 : 0.04,
        family ? 0.0005 : 0.002);
    set(&v[LRS_MATCH_NAME_JW_HIGH], 0.03, family ? 0.002 : 0.003);
    set(&v[LRS_MATCH_NAME_JW_MID], 0.015, 0.01);
    set(&v[LRS_MATCH_NAME_ONE_EDIT], 0.02, 0.004);
    set(&v[LRS_MATCH_NAME_PHONETIC], 0.01, family ? 0.004 : 0.005);
    set(&v[LRS_MATCH_NAME_INITIAL], 0.005, 0.00035); /* 0.005 x 0.07 */
    set(&v[LRS_MATCH_NAME_DIFFERENT], family ? 0.03 : 0.02,
        family ? 0.98 : 0.95);
    set(&v[LRS_MATCH_NAME_MISSING], 1, 1);
    set(&v[LRS_MATCH_NAME_NONE], 1, 1);
    set(&v[LRS_MATCH_NAME_ONE_SIDE], 1, 1);
}

/*
 * Middle names: one of two given (token), or an initial; a wholly
 * different middle name is evidence of another person. No frequency
 * weighting. Where the query says what the learner's middle names are
 * (lrs_match_query.middle_known), having some disagrees with having none
 * (one_side). Neither having any (none) is no evidence, like missing: an
 * empty field may mean "not recorded" (docs/matching.md, "Middle names").
 *
 * Every m and u here is a share of the pairs in which at least one side
 * has middle names, as `lrs train` measures u (missing and none are left
 * out). If a share p of learners has middle names (about 0.44 at school
 * age in `lrs synth`), a random pair has them on both sides in
 * p / (2 - p) of those pairs (0.28; the u of each level of two names is
 * 0.28 times the chance that two random middle names compare at it) and
 * on one side only in 2 (1 - p) / (2 - p) (0.72). m of one_side: one
 * record in ten of the same person leaves them out, a guess for real
 * registers that training replaces.
 */
static void middle_defaults(struct lrs_match_mu *v)
{
    set(&v[LRS_MATCH_NAME_EXACT], 0.55, 0.0056);
    set(&v[LRS_MATCH_NAME_TOKEN], 0.15, 0.0028);
    set(&v[LRS_MATCH_NAME_FORMER], 1, 1);
    set(&v[LRS_MATCH_NAME_VARIANT], 0.01, 0.00056);
    set(&v[LRS_MATCH_NAME_JW_HIGH], 0.03, 0.00084);
    set(&v[LRS_MATCH_NAME_JW_MID], 0.01, 0.0028);
    set(&v[LRS_MATCH_NAME_ONE_EDIT], 0.01, 0.0011);
    set(&v[LRS_MATCH_NAME_PHONETIC], 0.005, 0.0014);
    set(&v[LRS_MATCH_NAME_INITIAL], 0.05, 0.0028);
    set(&v[LRS_MATCH_NAME_DIFFERENT], 0.05, 0.27);
    set(&v[LRS_MATCH_NAME_MISSING], 1, 1);
    set(&v[LRS_MATCH_NAME_NONE], 1, 1);
    set(&v[LRS_MATCH_NAME_ONE_SIDE], 0.1, 0.72);
}

void lrs_match_model_default(struct lrs_match_model *m)
{
    memset(m, 0, sizeof *m);
    name_defaults(m->given, false);
    middle_defaults(m->middle);
    name_defaults(m->family, true);
    set(&m->dob[LRS_MATCH_DOB_EXACT], 0.95, 0.0003);
    set(&m->dob[LRS_MATCH_DOB_SWAPPED], 0.01, 0.0003);
    set(&m->dob[LRS_MATCH_DOB_ONE_PART], 0.025, 0.01);
    set(&m->dob[LRS_MATCH_DOB_DIFFERENT], 0.015, 0.99);
    set(&m->dob[LRS_MATCH_DOB_MISSING], 1, 1);
    set(&m->gender[LRS_MATCH_GENDER_SAME], 0.96, 0.5);
    set(&m->gender[LRS_MATCH_GENDER_DIFFERENT], 0.02, 0.5);
    set(&m->gender[LRS_MATCH_GENDER_MISSING], 1, 1);
    set(&m->postcode[LRS_MATCH_POSTCODE_EXACT], 0.8, 0.0001);
    set(&m->postcode[LRS_MATCH_POSTCODE_SECTOR], 0.04, 0.002);
    set(&m->postcode[LRS_MATCH_POSTCODE_DISTRICT], 0.03, 0.01);
    set(&m->postcode[LRS_MATCH_POSTCODE_AREA], 0.02, 0.04);
    set(&m->postcode[LRS_MATCH_POSTCODE_DIFFERENT], 0.11, 0.95);
    set(&m->postcode[LRS_MATCH_POSTCODE_UNKNOWN], 1, 1);
    set(&m->swapped, 0.1, 1);
    m->name_frequency = true;
    m->name_u_floor = 0.00002;
    m->name_prior = 10000;
    m->pair_prior = 20;
    m->variant_common = 0.0002;
    m->jw_high = 0.94;
    m->jw_mid = 0.88;
    m->high = HIGH_DEFAULT;
    m->low = LOW_DEFAULT;
    m->margin = MARGIN_DEFAULT;
    m->high_weak = HIGH_WEAK_DEFAULT;
    m->min_register = 10000;
    m->max_possible = 10;
    m->max_block = 2000;
    m->max_candidates = 20000;
}

double lrs_match_weight(struct lrs_match_mu mu)
{
    return log2(mu.m / mu.u);
}

static void weights_of(const struct lrs_match_mu *mu, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = lrs_match_weight(mu[i]);
}

/* The best of w[from .. to], levels of one field. */
static double best_of(const double *w, unsigned from, unsigned to)
{
    double b = w[from];

    for (unsigned i = from + 1; i <= to; i++)
        b = w[i] > b ? w[i] : b;
    return b;
}

void lrs__weights(const struct lrs_match_model *m, struct wts *w)
{
    enum { ONE = LRS_MATCH_NAME_TOKEN, DIFF = LRS_MATCH_NAME_DIFFERENT };

    weights_of(m->given, LRS_MATCH_NAME__COUNT, w->given);
    weights_of(m->middle, LRS_MATCH_NAME__COUNT, w->middle);
    weights_of(m->family, LRS_MATCH_NAME__COUNT, w->family);
    weights_of(m->dob, LRS_MATCH_DOB__COUNT, w->dob);
    weights_of(m->gender, LRS_MATCH_GENDER__COUNT, w->gender);
    weights_of(m->postcode, LRS_MATCH_POSTCODE__COUNT, w->postcode);
    w->swapped = lrs_match_weight(m->swapped);
    /* lrs__name_level() never gives `former` (family_best() does, from
     * the former names), so its weight counts only where those exist. */
    w->given_ne = best_of(w->given, ONE, DIFF);
    w->middle_ne = best_of(w->middle, ONE, DIFF);
    w->family_ne = best_of(w->family, LRS_MATCH_NAME_VARIANT, DIFF);
    if (w->family[ONE] > w->family_ne)
        w->family_ne = w->family[ONE];
    w->given_sw = best_of(w->given, ONE, DIFF - 1);
    w->family_sw = best_of(w->family, ONE, DIFF - 1);
}

/* ------------------------------------------------------------------ */
/* Names of things                                                    */
/* ------------------------------------------------------------------ */

static const char *const name_levels[] = {
    "exact",   "token",    "former",   "variant", "jw_high",
    "jw_mid",  "one_edit", "phonetic", "initial", "different",
    "missing", "none",     "one_side",
};
static const char *const dob_levels[] = {
    "exact", "swapped", "one_part", "different", "missing",
};
static const char *const gender_levels[] = {"same", "different", "missing"};
static const char *const postcode_levels[] = {
    "exact", "sector", "district", "area", "different", "unknown",
};

const char *lrs_match_level_name(enum lrs_match_field field, unsigned level)
{
    switch (field) {
    case LRS_MATCH_GIVEN:
    case LRS_MATCH_FAMILY:
        /* none and one_side are middle-name levels. */
        return level < LRS_MATCH_NAME_NONE ? name_levels[level] : "?";
    case LRS_MATCH_MIDDLE:
        return level < LRS_ARRAY_LEN(name_levels) ? name_levels[level] : "?";
    case LRS_MATCH_DOB:
        return level < LRS_ARRAY_LEN(dob_levels) ? dob_levels[level] : "?";
    case LRS_MATCH_GENDER:
        return level < LRS_ARRAY_LEN(gender_levels) ? gender_levels[level]
                                                    : "?";
    case LRS_MATCH_POSTCODE:
        return level < LRS_ARRAY_LEN(postcode_levels) ? postcode_levels[level]
                                                      : "?";
    default:
        return "?";
    }
}

const char *lrs_match_field_name(enum lrs_match_field field)
{
    static const char *const names[] = {"given", "middle", "family",
                                        "dob",   "gender", "postcode"};

    return (unsigned)field < LRS_ARRAY_LEN(names) ? names[field] : "?";
}

const char *lrs_match_code_name(enum lrs_match_code code)
{
    switch (code) {
    case LRS_MATCH_NONE:
        return "WSRC0001";
    case LRS_MATCH_TOO_MANY:
        return "WSRC0002";
    case LRS_MATCH_POSSIBLE:
        return "WSRC0003";
    case LRS_MATCH_EXACT:
        return "WSRC0004";
    case LRS_MATCH_LINKED:
        return "WSRC0022";
    default:
        return "WSRC????";
    }
}

/* ------------------------------------------------------------------ */
/* Postcodes                                                          */
/* ------------------------------------------------------------------ */

static unsigned pc_char(char c)
{
    if (c >= 'A' && c <= 'Z')
        return (unsigned)(c - 'A') + 1;
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0') + 27;
    return 0;
}

pcode lrs__pc_pack(const struct lrs_postcode *pc)
{
    pcode v = 0;
    unsigned n = 0;

    if (pc->text[0] == '\0' || pc->unknown)
        return 0;
    for (size_t i = 0; pc->text[i] && n < 8; i++) {
        const unsigned c = pc_char(pc->text[i]);

        if (c)
            v |= (pcode)c << (6 * n++);
    }
    v |= (pcode)(pc->outward_len & 7) << 48;
    v |= (pcode)(lrs_postcode_area(pc).len & 3) << 51;
    v |= (pcode)pc->bfpo << 53;
    return v;
}

/* The first `n` characters of a packed postcode. */
static pcode pc_prefix(pcode v, unsigned n)
{
    return v & ((1ull << (6 * n)) - 1);
}

static unsigned postcode_level(pcode q, pcode l)
{
    const unsigned out = (unsigned)(q >> 48) & 7;
    const unsigned area = (unsigned)(q >> 51) & 3;

    if (!q || !l)
        return LRS_MATCH_POSTCODE_UNKNOWN;
    if (q == l)
        return LRS_MATCH_POSTCODE_EXACT;
    if ((q >> 53 & 1) || (l >> 53 & 1) || out != ((l >> 48) & 7))
        return area && area == ((l >> 51) & 3) &&
                       pc_prefix(q, area) == pc_prefix(l, area)
                   ? LRS_MATCH_POSTCODE_AREA
                   : LRS_MATCH_POSTCODE_DIFFERENT;
    if (pc_prefix(q, out + 1) == pc_prefix(l, out + 1))
        return LRS_MATCH_POSTCODE_SECTOR;
    if (pc_prefix(q, out) == pc_prefix(l, out))
        return LRS_MATCH_POSTCODE_DISTRICT;
    if (area && area == ((l >> 51) & 3) &&
        pc_prefix(q, area) == pc_prefix(l, area))
        return LRS_MATCH_POSTCODE_AREA;
    return LRS_MATCH_POSTCODE_DIFFERENT;
}

/* ------------------------------------------------------------------ */
/* Dates and gender                                                   */
/* ------------------------------------------------------------------ */

static unsigned dob_level(const struct pq *q, int32_t l)
{
    struct lrs_date d;
    int differ;

    if (q->dob == DOB_NONE || l == DOB_NONE)
        return LRS_MATCH_DOB_MISSING;
    if (q->dob == l)
        return LRS_MATCH_DOB_EXACT;
    d = dob_unpack(l);
    if (d.year == q->date.year && d.day == q->date.month &&
        d.month == q->date.day)
        return LRS_MATCH_DOB_SWAPPED;
    differ = (d.year != q->date.year) + (d.month != q->date.month) +
             (d.day != q->date.day);
    return differ == 1 ? LRS_MATCH_DOB_ONE_PART : LRS_MATCH_DOB_DIFFERENT;
}

static bool gender_known(uint8_t g)
{
    return g == LRS_GENDER_MALE || g == LRS_GENDER_FEMALE;
}

static unsigned gender_level(uint8_t q, uint8_t l)
{
    if (!gender_known(q) || !gender_known(l))
        return LRS_MATCH_GENDER_MISSING;
    return q == l ? LRS_MATCH_GENDER_SAME : LRS_MATCH_GENDER_DIFFERENT;
}

/* ------------------------------------------------------------------ */
/* Names                                                              */
/* ------------------------------------------------------------------ */

#define MAX_TOKENS 8

static size_t tokens(struct lrs_str s, struct lrs_str *tok)
{
    size_t n = 0;
    const enum lrs_err err = lrs_name_tokens(s, tok, MAX_TOKENS, &n);

    /* LRS_ELIMIT only says that tokens beyond MAX_TOKENS were ignored. */
    (void)err;
    return n;
}

/* Whether every token of `a` is among the tokens of `b`. */
static bool subset(const struct lrs_str *a, size_t na, const struct lrs_str *b,
                   size_t nb)
{
    for (size_t i = 0; i < na; i++) {
        bool found = false;

        for (size_t j = 0; j < nb && !found; j++)
            found = lrs_str_eq(a[i], b[j]);
        if (!found)
            return false;
    }
    return na > 0;
}

static unsigned slow_level(const struct lrs_match_model *model,
                           const struct nm *q, const struct nm *l);

/* slow_level() through the query name's memo, when it has one. */
static unsigned memo_level(const struct lrs_match_model *model,
                           const struct nm *q, const struct nm *l)
{
    struct memo *m = q->memo;
    size_t k;
    unsigned level;

    if (!m || l->id == NONE)
        return slow_level(model, q, l);
    k = (size_t)((l->id * 0x9e3779b1u) >> 24) & (MEMO_SLOTS - 1);
    if (m->id[k] == l->id + 1)
        return m->level[k];
    level = slow_level(model, q, l);
    m->id[k] = l->id + 1;
    m->level[k] = (uint8_t)level;
    return level;
}

unsigned lrs__name_level(const struct lrs_match_model *model,
                         const struct nm *q, const struct nm *l)
{
    if (!q->s.len || !l->s.len)
        return LRS_MATCH_NAME_MISSING;
    /* Interned names: equal ids are equal names, distinct ids distinct. */
    if (q->id != NONE && l->id != NONE)
        return q->id == l->id ? LRS_MATCH_NAME_EXACT : memo_level(model, q, l);
    if (lrs_str_eq(q->s, l->s))
        return LRS_MATCH_NAME_EXACT;
    return memo_level(model, q, l);
}

/* Bit (byte & 63) of each byte of `s`: a superset of its letters. */
static uint64_t byte_mask(struct lrs_str s)
{
    uint64_t m = 0;

    for (size_t i = 0; i < s.len; i++)
        m |= (uint64_t)1 << ((unsigned char)s.ptr[i] & 63);
    return m;
}

/* Bytes of `s` whose bit is in `mask`. */
static size_t bytes_in(struct lrs_str s, uint64_t mask)
{
    size_t n = 0;

    for (size_t i = 0; i < s.len; i++)
        n += (mask >> ((unsigned char)s.ptr[i] & 63)) & 1u;
    return n;
}

/*
 * An upper bound of lrs_name_jaro_winkler(a, b) without matching: Jaro's
 * m matches are at most the bytes of either name that occur anywhere in
 * the other (t transpositions only lower it), and Winkler's boost grows
 * with Jaro for the pair's own common prefix.
 */
double lrs__jw_bound(struct lrs_str a, struct lrs_str b)
{
    const size_t ma = bytes_in(a, byte_mask(b)), mb = bytes_in(b, byte_mask(a));
    const double m = (double)(ma < mb ? ma : mb);
    size_t p = 0;
    double j;

    if (!a.len || !b.len)
        return 1; /* not a case slow_level() meets */
    if (m == 0)
        return 0;
    j = (m / (double)a.len + m / (double)b.len + 1) / 3;
    if (j <= 0.7)
        return j;
    while (p < 4 && p < a.len && p < b.len && a.ptr[p] == b.ptr[p])
        p++;
    return j + (double)p * 0.1 * (1 - j);
}

/* The levels below exact, for names known to differ. */
static unsigned slow_level(const struct lrs_match_model *model,
                           const struct nm *q, const struct nm *l)
{
    struct lrs_str qt[MAX_TOKENS], lt[MAX_TOKENS];
    size_t nq, nl;
    double jw;

    nq = tokens(q->s, qt);
    nl = tokens(l->s, lt);
    if (subset(qt, nq, lt, nl) || subset(lt, nl, qt, nq))
        return LRS_MATCH_NAME_TOKEN;
    if (q->nick && l->nick && lrs__nickname(qt[0], lt[0]))
        return LRS_MATCH_NAME_VARIANT;
    /* A pair that cannot reach jw_mid decides as if its jw were 0. */
    jw = nq == 1 && nl == 1 && lrs__jw_bound(q->s, l->s) < model->jw_mid
             ? 0
             : lrs_name_jaro_winkler(q->s, l->s);
    if ((nq > 1 || nl > 1) && jw < model->jw_high) {
        const double first = lrs_name_jaro_winkler(qt[0], lt[0]);

        jw = first > jw ? first : jw;
    }
    if (jw >= model->jw_high)
        return LRS_MATCH_NAME_JW_HIGH;
    /* One edit (a substitution, insertion, deletion or transposition of
     * neighbours) before the jw_mid band: WHITE/WNITE (0.880) and
     * MASON/MAXON (0.893) are single typos, which jw_mid, shared by many
     * unrelated names of similar letters, undervalues. */
    if (lrs_name_damerau_levenshtein(q->s, l->s, 1) <= 1 && q->s.len >= 2 &&
        l->s.len >= 2 && q->s.len + l->s.len >= 5)
        return LRS_MATCH_NAME_ONE_EDIT;
    if (jw >= model->jw_mid)
        return LRS_MATCH_NAME_JW_MID;
    if (q->first[0] &&
        (q->first[0] == l->first[0] || q->first[0] == l->first[1] ||
         q->first[1] == l->first[0] || q->first[1] == l->first[1]))
        return LRS_MATCH_NAME_PHONETIC;
    if ((qt[0].len == 1 || lt[0].len == 1) && qt[0].ptr[0] == lt[0].ptr[0])
        return LRS_MATCH_NAME_INITIAL;
    return LRS_MATCH_NAME_DIFFERENT;
}

/* u of an exact name held by `count` learners in its role. */
static double exact_u(const struct lrs_match_index *idx, double u_level,
                      uint32_t count)
{
    const struct lrs_match_model *m = &idx->model;
    const double n = (double)idx->count;
    const double u =
        ((double)count + m->name_prior * u_level) / (n + m->name_prior);

    return u < m->name_u_floor ? m->name_u_floor : u;
}

double lrs__name_weight(const struct lrs_match_index *idx, bool family,
                        unsigned level, uint32_t count)
{
    const struct lrs_match_model *m = &idx->model;
    struct lrs_match_mu mu;

    if (level != LRS_MATCH_NAME_EXACT || !m->name_frequency)
        return family ? idx->w.family[level] : idx->w.given[level];
    mu = family ? m->family[level] : m->given[level];
    mu.u = exact_u(idx, mu.u, count);
    return lrs_match_weight(mu);
}

/*
 * The weight of query name q's `level` against a learner's name held by
 * `count` learners in that role. An exact level means the learner's name
 * is q's own (equal ids, lrs__name_level()), so its count is q's and the
 * weight was computed once for the find.
 */
static double qweight(const struct lrs_match_index *idx, const struct nm *q,
                      bool family, unsigned level, uint32_t count)
{
    if (level == LRS_MATCH_NAME_EXACT && q->exact_known)
        return q->exact[family];
    return lrs__name_weight(idx, family, level, count);
}

static void bind_name(const struct lrs_match_index *idx, struct nm *n)
{
    const struct name *v;

    n->exact_known = n->id != NONE && n->id != 0;
    if (!n->exact_known)
        return;
    v = &idx->names.v[n->id];
    n->exact[0] =
        lrs__name_weight(idx, false, LRS_MATCH_NAME_EXACT, v->given_count);
    n->exact[1] =
        lrs__name_weight(idx, true, LRS_MATCH_NAME_EXACT, v->family_count);
}

void lrs__pq_bind(const struct lrs_match_index *idx, struct pq *q)
{
    bind_name(idx, &q->g);
    bind_name(idx, &q->m);
    bind_name(idx, &q->f);
    bind_name(idx, &q->p);
}

/*
 * The family name's weight given an exact given name (pair_prior in
 * lrs/match.h): u is the family name's share among the other learners
 * with the query's given name, smoothed towards its share of the
 * register. The candidate holds both names, so it is left out of both
 * counts: a name pair held by one learner keeps its full weight.
 */
static double family_given_given(const struct lrs_match_index *idx,
                                 const struct pq *q, uint32_t family_count,
                                 double weight)
{
    const struct lrs_match_model *m = &idx->model;
    const double mf = m->family[LRS_MATCH_NAME_EXACT].m;
    double uf, ufg;

    if (!m->name_frequency || m->pair_prior <= 0 || q->pair_count < 1 ||
        q->g.count < 1)
        return weight;
    uf = exact_u(idx, m->family[LRS_MATCH_NAME_EXACT].u, family_count);
    ufg = ((double)(q->pair_count - 1) + m->pair_prior * uf) /
          ((double)(q->g.count - 1) + m->pair_prior);
    return ufg > uf ? log2(mf / ufg) : weight;
}

/* ------------------------------------------------------------------ */
/* Scoring                                                            */
/* ------------------------------------------------------------------ */

/* The best level of the query given name against a learner's names. */
static void given_best(const struct lrs_match_index *idx, const struct nm *q,
                       const struct lrn *r, unsigned *level, double *weight,
                       bool *preferred)
{
    const struct lrs_match_model *m = &idx->model;
    struct nm g, alt;
    unsigned lv;
    double w;

    lrs__name_view(&idx->names, r->given, false, &g);
    lv = lrs__name_level(m, q, &g);
    /* MARY ANNE typed as the given name of given MARY, middle ANNE. */
    if (lv != LRS_MATCH_NAME_EXACT && lv != LRS_MATCH_NAME_TOKEN && r->middle &&
        g.s.len && q->s.len > g.s.len &&
        memcmp(q->s.ptr, g.s.ptr, g.s.len) == 0 && q->s.ptr[g.s.len] == ' ') {
        struct nm mid;
        struct lrs_str qt[MAX_TOKENS], mt[MAX_TOKENS];
        size_t nq, nm_;

        lrs__name_view(&idx->names, r->middle, false, &mid);
        nq = tokens(q->s, qt);
        nm_ = tokens(mid.s, mt);
        if (nq > 1 && subset(qt + 1, nq - 1, mt, nm_))
            lv = LRS_MATCH_NAME_TOKEN;
    }
    w = qweight(idx, q, false, lv, g.count);
    *preferred = false;
    if (r->preferred) {
        lrs__name_view(&idx->names, r->preferred, false, &alt);
        {
            const unsigned pl = lrs__name_level(m, q, &alt);
            const double pw = qweight(idx, q, false, pl,
                                      idx->names.v[r->preferred].given_count);

            if (pw > w) {
                lv = pl;
                w = pw;
                *preferred = true;
            }
        }
    }
    *level = lv;
    *weight = w;
}

/* The best level of the query family names against the learner's. */
static void family_best(const struct lrs_match_index *idx, const struct nm *q,
                        const struct nm *prev, uint32_t id, unsigned *level,
                        double *weight)
{
    const struct lrn *r = &idx->lrns[id];
    const struct lrs_match_model *m = &idx->model;
    struct nm f, o;
    unsigned lv;
    double w;

    lrs__name_view(&idx->names, r->family, true, &f);
    lv = lrs__name_level(m, q, &f);
    w = qweight(idx, q, true, lv, f.count);
    if (lv == LRS_MATCH_NAME_EXACT || lv == LRS_MATCH_NAME_TOKEN)
        goto out;
    for (int i = 0; r->formers && i < LRS_MATCH_FORMER_MAX; i++) {
        const uint32_t former = idx->ext[id].former[i];
        unsigned fl;

        if (!former)
            break;
        lrs__name_view(&idx->names, former, true, &o);
        fl = lrs__name_level(m, q, &o);
        if (fl == LRS_MATCH_NAME_EXACT || fl == LRS_MATCH_NAME_TOKEN) {
            const double fw = idx->w.family[LRS_MATCH_NAME_FORMER];

            if (fw > w) {
                lv = LRS_MATCH_NAME_FORMER;
                w = fw;
            }
        }
    }
    if (prev->s.len) {
        const unsigned pl = lrs__name_level(m, prev, &f);

        if (pl == LRS_MATCH_NAME_EXACT || pl == LRS_MATCH_NAME_TOKEN) {
            const double fw = idx->w.family[LRS_MATCH_NAME_FORMER];

            if (fw > w) {
                lv = LRS_MATCH_NAME_FORMER;
                w = fw;
            }
        }
    }
out:
    *level = lv;
    *weight = w;
}

/* Given and family names compared the other way round, with the penalty. */
static bool try_swapped(const struct lrs_match_index *idx, const struct pq *q,
                        const struct lrn *r, struct lrs_match_candidate *c)
{
    const struct lrs_match_model *m = &idx->model;
    struct nm g, f;
    unsigned gl, fl;
    double gw, fw, sw;

    lrs__name_view(&idx->names, r->given, false, &g);
    lrs__name_view(&idx->names, r->family, true, &f);
    gl = lrs__name_level(m, &q->f, &g);
    fl = lrs__name_level(m, &q->g, &f);
    if (gl >= LRS_MATCH_NAME_DIFFERENT || fl >= LRS_MATCH_NAME_DIFFERENT)
        return false;
    gw = qweight(idx, &q->f, false, gl, g.count);
    fw = qweight(idx, &q->g, true, fl, f.count);
    sw = idx->w.swapped;
    if (gw + fw + sw <=
        c->weight[LRS_MATCH_GIVEN] + c->weight[LRS_MATCH_FAMILY])
        return false;
    c->level[LRS_MATCH_GIVEN] = (uint8_t)gl;
    c->level[LRS_MATCH_FAMILY] = (uint8_t)fl;
    c->weight[LRS_MATCH_GIVEN] = gw;
    c->weight[LRS_MATCH_FAMILY] = fw;
    c->swap_weight = sw;
    c->flags |= LRS_MATCH_CAND_SWAPPED;
    c->flags &= ~(unsigned)LRS_MATCH_CAND_PREFERRED;
    return true;
}

/* Whether the given names of `c` are a curated nickname pair. */
static bool curated_variant(const struct lrs_match_index *idx,
                            const struct pq *q,
                            const struct lrs_match_candidate *c)
{
    const struct lrn *r = &idx->lrns[c->matched];
    const uint32_t id = c->flags & LRS_MATCH_CAND_PREFERRED ? r->preferred
                        : c->flags & LRS_MATCH_CAND_SWAPPED ? r->family
                                                            : r->given;
    const struct nm *qn = c->flags & LRS_MATCH_CAND_SWAPPED ? &q->f : &q->g;
    struct nm l;
    struct lrs_str qt, lt, rest;

    lrs__name_view(&idx->names, id, false, &l);
    rest = qn->s;
    if (!lrs_name_token_next(&rest, &qt))
        return false;
    rest = l.s;
    if (!lrs_name_token_next(&rest, &lt))
        return false;
    return lrs__nickname(qt, lt) == 2;
}

/*
 * The twin and sibling rule (docs/matching.md, "Decisions"): evidence
 * that cannot tell two children of one household apart never makes an
 * exact match.
 */
static bool vetoed(const struct lrs_match_index *idx, const struct pq *q,
                   const struct lrs_match_candidate *c)
{
    const double common = idx->model.variant_common * (double)idx->count;

    switch (c->level[LRS_MATCH_GIVEN]) {
    case LRS_MATCH_NAME_PHONETIC:
    case LRS_MATCH_NAME_INITIAL:
    case LRS_MATCH_NAME_DIFFERENT:
    case LRS_MATCH_NAME_MISSING:
        return true;
    case LRS_MATCH_NAME_VARIANT:
        if (curated_variant(idx, q, c))
            break;
        LRS_FALLTHROUGH;
    case LRS_MATCH_NAME_JW_MID:
    case LRS_MATCH_NAME_ONE_EDIT:
        if (q->g.count >= 3 && (double)q->g.count >= common)
            return true;
        break;
    default:
        break;
    }
    /* Twins rarely share a middle name; one person rarely has two. */
    return c->level[LRS_MATCH_DOB] == LRS_MATCH_DOB_DIFFERENT ||
           c->level[LRS_MATCH_MIDDLE] == LRS_MATCH_NAME_DIFFERENT;
}

/*
 * The middle names' level where either side has none: what their absence
 * says (lrs_match_query.middle_known). `learner_has`: whether the
 * learner has middle names.
 */
static unsigned middle_absent(const struct pq *q, bool learner_has)
{
    if (q->m.s.len)
        return LRS_MATCH_NAME_ONE_SIDE;
    if (!q->middle_known)
        return LRS_MATCH_NAME_MISSING;
    return learner_has ? LRS_MATCH_NAME_ONE_SIDE : LRS_MATCH_NAME_NONE;
}

void lrs__score(const struct lrs_match_index *idx, const struct pq *q,
                uint32_t id, struct lrs_match_candidate *c)
{
    const struct lrs_match_model *m = &idx->model;
    const struct lrn *r = &idx->lrns[id];
    struct nm mid;
    unsigned lv;
    double w;
    bool preferred;

    memset(c, 0, sizeof *c);
    c->matched = id;
    given_best(idx, &q->g, r, &lv, &w, &preferred);
    c->level[LRS_MATCH_GIVEN] = (uint8_t)lv;
    c->weight[LRS_MATCH_GIVEN] = w;
    if (preferred)
        c->flags |= LRS_MATCH_CAND_PREFERRED;
    family_best(idx, &q->f, &q->p, id, &lv, &w);
    if (lv == LRS_MATCH_NAME_EXACT &&
        c->level[LRS_MATCH_GIVEN] == LRS_MATCH_NAME_EXACT && !preferred)
        w = family_given_given(idx, q, idx->names.v[r->family].family_count, w);
    c->level[LRS_MATCH_FAMILY] = (uint8_t)lv;
    c->weight[LRS_MATCH_FAMILY] = w;
    if (c->level[LRS_MATCH_GIVEN] >= LRS_MATCH_NAME_DIFFERENT ||
        c->level[LRS_MATCH_FAMILY] >= LRS_MATCH_NAME_DIFFERENT)
        try_swapped(idx, q, r, c);
    lrs__name_view(&idx->names, r->middle, false, &mid);
    lv = q->m.s.len && mid.s.len ? lrs__name_level(m, &q->m, &mid)
                                 : middle_absent(q, mid.s.len != 0);
    c->level[LRS_MATCH_MIDDLE] = (uint8_t)lv;
    c->weight[LRS_MATCH_MIDDLE] = idx->w.middle[lv];
    lv = dob_level(q, r->dob);
    c->level[LRS_MATCH_DOB] = (uint8_t)lv;
    c->weight[LRS_MATCH_DOB] = idx->w.dob[lv];
    lv = gender_level(q->gender, r->gender);
    c->level[LRS_MATCH_GENDER] = (uint8_t)lv;
    c->weight[LRS_MATCH_GENDER] = idx->w.gender[lv];
    lv = postcode_level(q->postcode, r->postcode);
    c->level[LRS_MATCH_POSTCODE] = (uint8_t)lv;
    c->weight[LRS_MATCH_POSTCODE] = idx->w.postcode[lv];
    c->score = c->swap_weight;
    for (int i = 0; i < LRS_MATCH_FIELD__COUNT; i++)
        c->score += c->weight[i];
    if (vetoed(idx, q, c))
        c->flags |= LRS_MATCH_CAND_VETO;
    /* Where people who share a learner's names and about its birthday
     * are found (docs/matching.md, "Decisions"). */
    if (c->level[LRS_MATCH_POSTCODE] == LRS_MATCH_POSTCODE_DIFFERENT ||
        c->level[LRS_MATCH_DOB] == LRS_MATCH_DOB_ONE_PART)
        c->flags |= LRS_MATCH_CAND_WEAK;
}

/* ------------------------------------------------------------------ */
/* The bound                                                          */
/* ------------------------------------------------------------------ */

/*
 * The most a query name `q` can weigh against learner name `lid` without
 * reading the learner's text: `missing` when either is missing, `exact`
 * when the ids are equal, else `ne`, the best level short of exact. A
 * query name that is not in the name table (id NONE) equals no learner's
 * name: every learner name is interned.
 */
static double name_bound(const struct nm *q, uint32_t lid, double missing,
                         double exact, double ne)
{
    if (!q->s.len || !lid)
        return missing;
    return lid == q->id ? exact : ne;
}

/*
 * lrs__score() in outline, each step at its best: given_best() takes the
 * better of the given and the preferred name, family_best() may raise a
 * family name to `former` when the learner has former names or the query
 * a previous one, and try_swapped() may replace both names by
 * the swapped pair plus the swap weight (only when both of those are
 * below `different`). Date of birth, gender and postcode are exact. An
 * exact name weighs what lrs__pq_bind() computed for the query's name.
 * `g` is the given name's part, exactly or at its best.
 */
static double bound_with(const struct lrs_match_index *idx, const struct pq *q,
                         uint32_t id, double g)
{
    const struct wts *w = &idx->w;
    const struct lrn *r = &idx->lrns[id];
    const double fx = q->f.exact[1];
    double f, names;

    LRS_ASSERT(q->g.exact_known || q->g.id == NONE || q->g.id == 0);
    LRS_ASSERT(q->f.exact_known || q->f.id == NONE || q->f.id == 0);
    f = name_bound(&q->f, r->family, w->family[LRS_MATCH_NAME_MISSING], fx,
                   w->family_ne);
    /* `former`: the query's family name against a former one of the
     * learner's (even when the learner's current one is missing), or the
     * query's previous name against the learner's current one. */
    if (((q->f.s.len && r->formers) || (q->p.s.len && r->family)) &&
        w->family[LRS_MATCH_NAME_FORMER] > f)
        f = w->family[LRS_MATCH_NAME_FORMER];
    names = g + f;
    if (q->f.s.len && r->given && q->g.s.len && r->family) {
        const double gs = r->given == q->f.id ? q->f.exact[0] : w->given_sw;
        const double fs = r->family == q->g.id ? q->g.exact[1] : w->family_sw;

        if (gs + fs + w->swapped > names)
            names = gs + fs + w->swapped;
    }
    if (q->m.s.len && r->middle)
        names += r->middle == q->m.id ? w->middle[LRS_MATCH_NAME_EXACT]
                                      : w->middle_ne;
    else
        names += w->middle[middle_absent(q, r->middle != 0)];
    return names + w->dob[dob_level(q, r->dob)] +
           w->gender[gender_level(q->gender, r->gender)] +
           w->postcode[postcode_level(q->postcode, r->postcode)];
}

double lrs__bound(const struct lrs_match_index *idx, const struct pq *q,
                  uint32_t id)
{
    const struct wts *w = &idx->w;
    const struct lrn *r = &idx->lrns[id];
    const double gx = q->g.exact[0];
    const double missing = w->given[LRS_MATCH_NAME_MISSING];
    double g = name_bound(&q->g, r->given, missing, gx, w->given_ne);

    if (r->preferred) {
        const double p =
            name_bound(&q->g, r->preferred, missing, gx, w->given_ne);

        g = p > g ? p : g;
    }
    return bound_with(idx, q, id, g);
}

double lrs__bound_given(const struct lrs_match_index *idx, const struct pq *q,
                        uint32_t id)
{
    unsigned level;
    double g;
    bool preferred;

    given_best(idx, &q->g, &idx->lrns[id], &level, &g, &preferred);
    return bound_with(idx, q, id, g);
}
