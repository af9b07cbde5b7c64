/*
 * synth.c - the synthetic register and query set generator.
 *
 * How it works, in three passes over one random stream per purpose:
 *
 * 1. Plan the queries: each gets a category (new person, twin, sibling,
 *    exact, one or two corruptions) and, unless it is a new person, a
 *    target learner index drawn uniformly from the register.
 * 2. Stream the register family by family to learners.csv. When the
 *    stream reaches a target index, the learner is captured for its
 *    queries. A query whose kinds cannot apply to its target (a nickname
 *    for a name that has none, a day/month swap when the day is over 12)
 *    waits and captures the next learner they do apply to; one still
 *    waiting at the end drops the kinds that do not apply.
 * 3. Write each query and its truth row from the captured learner, with
 *    a random stream seeded by the query number.
 *
 * Memory is O(queries), not O(learners), so a register of millions
 * streams straight to disk. Files are written under hidden temporary
 * names and renamed into place when complete.
 */
#include "base/base.h"

#include "synth/synth_int.h"

#include <lrs/ids.h>

#include <sys/stat.h>
#include <sys/types.h>

static const char *const kind_names[LRS_SYNTH_KIND__COUNT] = {
    "exact",         "typo_given",    "typo_family", "nickname",
    "swapped_names", "dob_swap",      "dob_typo",    "moved",
    "no_postcode",   "no_gender",     "hyphenated",  "diacritics",
    "married_name",  "previous_name", "no_middle",   "new_person",
    "twin",          "sibling",
};

const char *lrs_synth_kind_name(enum lrs_synth_kind kind)
{
    if ((unsigned)kind >= LRS_SYNTH_KIND__COUNT)
        return "unknown";
    return kind_names[kind];
}

enum lrs_synth_kind lrs_synth_kind_find(struct lrs_str name)
{
    for (int k = 0; k < LRS_SYNTH_KIND__COUNT; k++)
        if (lrs_str_eq(name, lrs_str_c(kind_names[k])))
            return (enum lrs_synth_kind)k;
    return LRS_SYNTH_KIND__COUNT;
}

/* ------------------------------------------------------------------ */
/* Shapes of the population (docs/synth.md)                           */
/* ------------------------------------------------------------------ */

/*
 * Families, per 10,000 households with a learner in the register: one
 * learner, two siblings, twins, three siblings. This gives about 20% of
 * learners a sibling in the register and 2% a twin.
 */
#define FAMILY_ONE   8950u
#define FAMILY_TWO   748u
#define FAMILY_TWINS 112u

/* Per 10,000 of learners or families. */
#define CHANCE_MALE           5120u
#define CHANCE_GENDER_9       30u
#define CHANCE_GENDER_0       20u
#define CHANCE_MIDDLE         4500u
#define CHANCE_SECOND_MIDDLE  1200u
#define CHANCE_PREFERRED      400u
#define CHANCE_HYPHENATED     300u
#define CHANCE_PREVIOUS       250u
#define CHANCE_TWINS_SAME_SEX 6700u
#define CHANCE_FLAT           1000u
#define CHANCE_LOCALITY       2500u

/* Query categories, per 10,000 queries. */
#define Q_NEW_PERSON 1000u
#define Q_TWIN       300u
#define Q_SIBLING    300u
#define Q_EXACT      1900u
#define Q_ONE        5000u /* the rest have two corruptions */

/* Weights of each corruption, and the fields it touches. */
#define F_GIVEN    1u
#define F_FAMILY   2u
#define F_MIDDLE   32u
#define F_DOB      4u
#define F_POSTCODE 8u
#define F_GENDER   16u

static const struct {
    enum lrs_synth_kind kind;
    uint32_t weight;
    uint32_t fields;
} corruptions[] = {
    {LRS_SYNTH_TYPO_GIVEN, 12, F_GIVEN},
    {LRS_SYNTH_TYPO_FAMILY, 12, F_FAMILY},
    {LRS_SYNTH_NICKNAME, 10, F_GIVEN},
    {LRS_SYNTH_SWAPPED_NAMES, 5, F_GIVEN | F_FAMILY},
    {LRS_SYNTH_DOB_SWAP, 8, F_DOB},
    {LRS_SYNTH_DOB_TYPO, 8, F_DOB},
    {LRS_SYNTH_MOVED, 12, F_POSTCODE},
    {LRS_SYNTH_NO_POSTCODE, 5, F_POSTCODE},
    {LRS_SYNTH_NO_GENDER, 5, F_GENDER},
    {LRS_SYNTH_HYPHENATED, 5, F_FAMILY},
    {LRS_SYNTH_DIACRITICS, 5, F_GIVEN | F_FAMILY},
    {LRS_SYNTH_MARRIED_NAME, 4, F_FAMILY},
    {LRS_SYNTH_PREVIOUS_NAME, 4, F_FAMILY},
    {LRS_SYNTH_NO_MIDDLE, 8, F_MIDDLE},
};

#define KIND(k) (1u << (k))
/* Kinds with no register learner behind them. */
#define UNMATCHED                                                              \
    (KIND(LRS_SYNTH_NEW_PERSON) | KIND(LRS_SYNTH_TWIN) |                       \
     KIND(LRS_SYNTH_SIBLING))

/* ------------------------------------------------------------------ */
/* The generator                                                      */
/* ------------------------------------------------------------------ */

/* A query's target learner, for sorting. */
struct target {
    uint64_t target; /* learner index */
    uint64_t query;  /* query number */
};

/* One planned query. */
struct plan {
    uint32_t kinds;         /* KIND() bits */
    bool captured;          /* `who` is set */
    bool waiting;           /* waiting for an applicable learner */
    uint64_t target;        /* learner index; unused for new people */
    struct lrs__person who; /* the captured learner */
};

struct gen {
    const struct lrs_synth_opts *opts;
    struct lrs__tables t;
    struct lrs_uln_key key;
    uint64_t counter;     /* next ULN counter */
    int32_t born_min;     /* earliest date of birth, days */
    int32_t born_max;     /* latest date of birth, days */
    struct plan *plans;   /* owned, one per query */
    struct target *order; /* owned: queries with a target, by target */
    uint64_t order_count;
    uint64_t *waiting; /* owned: query numbers waiting, oldest first */
    uint64_t waiting_count;
    struct lrs_synth_stats stats;
};

static int32_t days_of(int year, int month, int day)
{
    const struct lrs_date d = {(int16_t)year, (uint8_t)month, (uint8_t)day};

    return lrs_date_to_days(d);
}

static const char *draw_given(const struct lrs__tables *t, unsigned group,
                              unsigned sex, struct rng *r)
{
    const unsigned g =
        lrs__rng_chance(r, t->group_anglo[group]) ? GROUP_ENGLISH : group;
    const struct lrs__wlist *l = sex == 1 ? &t->boys[g] : &t->girls[g];

    return lrs__draw_name(l, r)->text;
}

void lrs__random_address(const struct lrs__tables *t, struct lrs__person *p,
                         struct rng *r)
{
    const bool wales = p->group == GROUP_WELSH && lrs__rng_chance(r, 9000);
    const struct lrs__area *a;
    uint32_t h1, h2;

    p->area = (uint8_t)lrs__draw_area(wales ? &t->welsh_areas : &t->areas, r);
    a = &lrs__areas[p->area];
    p->district = (uint8_t)(1 + lrs__rng_below(r, a->max_district));
    p->sector = (uint8_t)lrs__rng_below(r, 10);
    p->unit[0] = (uint8_t)lrs__rng_below(r, LRS__UNIT_LETTER_COUNT);
    p->unit[1] = (uint8_t)lrs__rng_below(r, LRS__UNIT_LETTER_COUNT);
    /* Low house numbers are commoner: the smaller of two draws. */
    h1 = 1 + lrs__rng_below(r, 180);
    h2 = 1 + lrs__rng_below(r, 180);
    p->house = (uint16_t)(h1 < h2 ? h1 : h2);
    p->flat = lrs__rng_chance(r, CHANCE_FLAT)
                  ? (uint8_t)(1 + lrs__rng_below(r, 40))
                  : 0;
    p->street = (uint16_t)lrs__rng_below(r, lrs__street_count);
    p->street_type = (uint8_t)lrs__rng_below(r, lrs__street_type_count);
    p->locality = lrs__rng_chance(r, CHANCE_LOCALITY)
                      ? (uint8_t)(1 + lrs__rng_below(r, lrs__locality_count))
                      : 0;
}

/* The household: group, family name(s), previous name, address. */
static void new_family(const struct gen *g, struct lrs__person *f,
                       struct rng *r)
{
    const struct lrs__wlist *l;

    memset(f, 0, sizeof *f);
    f->group = (uint8_t)lrs__draw_group(&g->t, r);
    l = &g->t.surnames[f->group];
    f->family[0] = lrs__draw_surname(l, r);
    if (lrs__rng_chance(r, CHANCE_HYPHENATED)) {
        const struct lrs__surname *s = lrs__draw_surname(l, r);

        if (s != f->family[0] && !strchr(s->male, '-'))
            f->family[1] = s;
    }
    if (lrs__rng_chance(r, CHANCE_PREVIOUS)) {
        const struct lrs__surname *s = lrs__draw_surname(l, r);

        if (s != f->family[0] && s != f->family[1])
            f->previous = s;
    }
    lrs__random_address(&g->t, f, r);
}

static uint8_t draw_gender(unsigned sex, struct rng *r)
{
    const uint32_t x = lrs__rng_below(r, 10000);

    if (x < CHANCE_GENDER_9)
        return LRS_GENDER_NOT_SPECIFIED;
    if (x < CHANCE_GENDER_9 + CHANCE_GENDER_0)
        return LRS_GENDER_NOT_KNOWN;
    return (uint8_t)sex;
}

/*
 * A child of household `f` with the given sex and date of birth, whose
 * given name is unlike those of `sibs` (no two children of a family share
 * a name or a nickname of one).
 */
static void new_child(const struct gen *g, const struct lrs__person *f,
                      unsigned sex, int32_t dob, const struct lrs__person *sibs,
                      size_t sib_count, struct rng *r, struct lrs__person *c)
{
    bool clash;

    *c = *f;
    c->sex = (uint8_t)sex;
    c->gender = draw_gender(sex, r);
    c->dob = dob;
    c->uln[0] = '\0';
    do {
        c->given = draw_given(&g->t, f->group, sex, r);
        clash = false;
        for (size_t i = 0; i < sib_count; i++)
            clash = clash || lrs__names_related(c->given, sibs[i].given);
    } while (clash);
    c->middle[0] = c->middle[1] = c->preferred = NULL;
    if (lrs__rng_chance(r, CHANCE_MIDDLE)) {
        const char *m = draw_given(&g->t, f->group, sex, r);

        if (strcmp(m, c->given) != 0)
            c->middle[0] = m;
    }
    if (c->middle[0] && lrs__rng_chance(r, CHANCE_SECOND_MIDDLE)) {
        const char *m = draw_given(&g->t, f->group, sex, r);

        if (strcmp(m, c->given) != 0 && strcmp(m, c->middle[0]) != 0)
            c->middle[1] = m;
    }
    if (lrs__rng_chance(r, CHANCE_PREFERRED)) {
        const char *const *n = lrs__nicknames(c->given);

        if (n)
            c->preferred = n[0];
        else if (c->middle[0] && strcmp(c->middle[0], c->given) != 0)
            c->preferred = c->middle[0];
    }
}

static unsigned draw_sex(struct rng *r)
{
    return lrs__rng_chance(r, CHANCE_MALE) ? 1 : 2;
}

static int32_t draw_dob(const struct gen *g, struct rng *r)
{
    return g->born_min + (int32_t)lrs__rng_below(
                             r, (uint64_t)(g->born_max - g->born_min + 1));
}

/* A date of birth at least ~10 months from every sibling's. */
static int32_t sibling_dob(const struct gen *g, const struct lrs__person *sibs,
                           size_t n, struct rng *r)
{
    int32_t dob = 0;

    for (int attempt = 0; attempt < 32; attempt++) {
        bool ok = true;

        dob = draw_dob(g, r);
        for (size_t i = 0; i < n; i++)
            ok = ok && (dob - sibs[i].dob > 300 || sibs[i].dob - dob > 300);
        if (ok)
            break;
    }
    return dob;
}

/*
 * Fill `kids` with one household; returns how many (1 to 3) and sets
 * *twins when they are twins.
 */
static size_t new_household(const struct gen *g, struct rng *r,
                            struct lrs__person kids[3], bool *twins)
{
    struct lrs__person f;
    const uint32_t x = lrs__rng_below(r, 10000);
    size_t n;

    *twins = false;
    new_family(g, &f, r);
    if (x < FAMILY_ONE) {
        /* One draw a statement: the order of evaluation of function
         * arguments is unspecified (gcc and clang differ), and the same
         * seed must give the same register whatever the compiler. */
        const int32_t dob = draw_dob(g, r);
        const unsigned sex = draw_sex(r);

        new_child(g, &f, sex, dob, kids, 0, r, &kids[0]);
        return 1;
    }
    if (x < FAMILY_ONE + FAMILY_TWO + FAMILY_TWINS &&
        x >= FAMILY_ONE + FAMILY_TWO) {
        const unsigned s1 = draw_sex(r);
        const unsigned s2 =
            lrs__rng_chance(r, CHANCE_TWINS_SAME_SEX) ? s1 : 3 - s1;
        const int32_t dob = draw_dob(g, r);

        new_child(g, &f, s1, dob, kids, 0, r, &kids[0]);
        new_child(g, &f, s2, dob, kids, 1, r, &kids[1]);
        *twins = true;
        return 2;
    }
    n = x < FAMILY_ONE + FAMILY_TWO ? 2 : 3;
    for (size_t i = 0; i < n; i++) {
        const int32_t dob = sibling_dob(g, kids, i, r);
        const unsigned sex = draw_sex(r);

        new_child(g, &f, sex, dob, kids, i, r, &kids[i]);
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* learners.csv                                                       */
/* ------------------------------------------------------------------ */

static void write_learner(struct lrs__out *o, const struct lrs__person *p)
{
    char buf[160], date[11];

    lrs__out_str(o, p->uln);
    lrs__out_ch(o, ',');
    lrs__out_field(o, p->given);
    lrs__out_ch(o, ',');
    if (p->middle[0]) {
        lrs__out_field(o, p->middle[0]);
        if (p->middle[1]) {
            lrs__out_ch(o, ' ');
            lrs__out_field(o, p->middle[1]);
        }
    }
    lrs__out_ch(o, ',');
    lrs__person_family(p, buf, sizeof buf);
    lrs__out_field(o, buf);
    lrs__out_ch(o, ',');
    lrs_date_format(lrs_date_from_days(p->dob), date);
    lrs__out_str(o, date);
    lrs__out_ch(o, ',');
    lrs__out_u64(o, p->gender, 1);
    lrs__out_ch(o, ',');
    lrs__person_postcode(p, buf, sizeof buf);
    lrs__out_str(o, buf);
    lrs__out_ch(o, ',');
    if (p->previous)
        lrs__out_field(o,
                       p->sex == 2 ? p->previous->female : p->previous->male);
    lrs__out_ch(o, ',');
    if (p->preferred)
        lrs__out_field(o, p->preferred);
    lrs__out_ch(o, ',');
    if (p->flat)
        snprintf(buf, sizeof buf, "Flat %u, %u %s %s", (unsigned)p->flat,
                 (unsigned)p->house, lrs__streets[p->street],
                 lrs__street_types[p->street_type]);
    else
        snprintf(buf, sizeof buf, "%u %s %s", (unsigned)p->house,
                 lrs__streets[p->street], lrs__street_types[p->street_type]);
    lrs__out_field(o, buf);
    lrs__out_ch(o, ',');
    if (p->locality)
        lrs__out_field(o, lrs__localities[p->locality - 1]);
    lrs__out_ch(o, ',');
    lrs__out_field(o, lrs__areas[p->area].town);
    lrs__out_ch(o, '\n');
}

/* ------------------------------------------------------------------ */
/* Planning and capture                                               */
/* ------------------------------------------------------------------ */

static uint32_t draw_corruption(struct rng *r, uint32_t busy_fields)
{
    uint32_t total = 0;

    for (size_t i = 0; i < LRS_ARRAY_LEN(corruptions); i++)
        if (!(corruptions[i].fields & busy_fields))
            total += corruptions[i].weight;
    if (total == 0)
        return 0;
    for (uint32_t x = lrs__rng_below(r, total), i = 0;; i++) {
        if (corruptions[i].fields & busy_fields)
            continue;
        if (x < corruptions[i].weight)
            return i;
        x -= corruptions[i].weight;
    }
}

static uint32_t plan_kinds(struct rng *r)
{
    uint32_t x = lrs__rng_below(r, 10000), i, j;

    if (x < Q_NEW_PERSON)
        return KIND(LRS_SYNTH_NEW_PERSON);
    x -= Q_NEW_PERSON;
    if (x < Q_TWIN)
        return KIND(LRS_SYNTH_TWIN);
    x -= Q_TWIN;
    if (x < Q_SIBLING)
        return KIND(LRS_SYNTH_SIBLING);
    x -= Q_SIBLING;
    if (x < Q_EXACT)
        return KIND(LRS_SYNTH_EXACT);
    x -= Q_EXACT;
    i = draw_corruption(r, 0);
    if (x < Q_ONE)
        return KIND(corruptions[i].kind);
    j = draw_corruption(r, corruptions[i].fields);
    return KIND(corruptions[i].kind) | KIND(corruptions[j].kind);
}

static int by_target(const void *a, const void *b)
{
    const struct target *x = a, *y = b;

    if (x->target != y->target)
        return x->target < y->target ? -1 : 1;
    return x->query < y->query ? -1 : x->query > y->query;
}

static enum lrs_err plan_queries(struct gen *g)
{
    const uint64_t m = g->opts->query_count;
    struct rng r;

    lrs__rng_seed(&r, g->opts->seed ^ 0x706c616e00000000u); /* "plan" */
    g->plans = lrs_calloc((size_t)m + 1, sizeof *g->plans);
    g->order = lrs_calloc((size_t)m + 1, sizeof *g->order);
    g->waiting = lrs_calloc((size_t)m + 1, sizeof *g->waiting);
    if (!g->plans || !g->order || !g->waiting)
        return LRS_ERR(LRS_ENOMEM);
    for (uint64_t q = 0; q < m; q++) {
        struct plan *p = &g->plans[q];

        p->kinds = plan_kinds(&r);
        p->target = lrs__rng_below(&r, g->opts->learner_count);
        if (!(p->kinds & KIND(LRS_SYNTH_NEW_PERSON))) {
            g->order[g->order_count].target = p->target;
            g->order[g->order_count++].query = q;
        }
    }
    qsort(g->order, (size_t)g->order_count, sizeof *g->order, by_target);
    return LRS_OK;
}

/* Offer learner `i` to the queries that target it or wait for one. */
static void capture(struct gen *g, uint64_t *next, uint64_t i,
                    const struct lrs__person *who)
{
    uint64_t kept = 0;

    for (uint64_t w = 0; w < g->waiting_count; w++) {
        struct plan *p = &g->plans[g->waiting[w]];

        if (lrs__kinds_applicable(p->kinds, who)) {
            p->who = *who;
            p->waiting = false;
        } else {
            g->waiting[kept++] = g->waiting[w];
        }
    }
    g->waiting_count = kept;
    while (*next < g->order_count && g->order[*next].target == i) {
        struct plan *p = &g->plans[g->order[(*next)++].query];

        /* Captured even when waiting: the fallback if nothing fits. */
        p->who = *who;
        p->captured = true;
        if (!lrs__kinds_applicable(p->kinds, who)) {
            p->waiting = true;
            g->waiting[g->waiting_count++] = (uint64_t)(p - g->plans);
        }
    }
}

/* A query still waiting at the end keeps only the kinds that apply. */
static void settle_waiting(struct gen *g)
{
    for (uint64_t w = 0; w < g->waiting_count; w++) {
        struct plan *p = &g->plans[g->waiting[w]];

        for (int k = 0; k < LRS_SYNTH_KIND__COUNT; k++)
            if (!lrs__kinds_applicable(KIND(k), &p->who))
                p->kinds &= ~KIND(k);
        if (!p->kinds)
            p->kinds = KIND(LRS_SYNTH_EXACT);
        p->waiting = false;
    }
    g->waiting_count = 0;
}

/* A second record of a person: the fields of query `q`, no address. */
static void write_duplicate(struct lrs__out *o, const char *uln,
                            const struct lrs__query *q)
{
    char date[11];

    lrs__out_str(o, uln);
    lrs__out_ch(o, ',');
    lrs__out_field(o, q->given);
    lrs__out_ch(o, ',');
    lrs__out_field(o, q->middle);
    lrs__out_ch(o, ',');
    lrs__out_field(o, q->family);
    lrs__out_ch(o, ',');
    lrs_date_format(lrs_date_from_days(q->dob), date);
    lrs__out_str(o, date);
    lrs__out_ch(o, ',');
    lrs__out_u64(o, q->gender < 0 ? 0 : (uint64_t)q->gender, 1);
    lrs__out_ch(o, ',');
    lrs__out_str(o, q->postcode);
    lrs__out_str(o, ",,,,,\n");
}

/*
 * With the chance of opts->duplicates_per_10k, write a second record of
 * `who` with one corruption that keeps it the same person to a careful
 * eye (not a new person, twin or sibling), under a ULN of its own. Its
 * own random stream, so the register's first records are those of a
 * run without duplicates.
 */
static enum lrs_err maybe_duplicate(struct gen *g, struct rng *r,
                                    struct lrs__out *o,
                                    const struct lrs__person *who)
{
    struct lrs__query q;
    char uln[LRS_ULN_LEN + 1];
    uint32_t kinds;
    enum lrs_err err;

    if (!lrs__rng_chance(r, g->opts->duplicates_per_10k))
        return LRS_OK;
    kinds = KIND(corruptions[draw_corruption(r, 0)].kind);
    if (!lrs__kinds_applicable(kinds, who))
        kinds = KIND(LRS_SYNTH_EXACT);
    lrs__corrupt(&g->t, who, kinds, r, &q);
    err = lrs_uln_issue(&g->key, &g->counter, uln);
    if (err)
        return err;
    write_duplicate(o, uln, &q);
    g->stats.duplicates++;
    return LRS_OK;
}

static enum lrs_err write_register(struct gen *g, struct lrs__out *o)
{
    struct rng r, dr;
    struct lrs__person kids[3];
    uint64_t i = 0, next = 0;
    bool twins;

    lrs__rng_seed(&r, g->opts->seed ^ 0x6c6561726e657273u);  /* "learners" */
    lrs__rng_seed(&dr, g->opts->seed ^ 0x6475706c69636174u); /* "duplicat" */
    lrs__out_str(o, "uln,given_name,middle_names,family_name,date_of_birth,"
                    "gender,postcode,previous_family_name,"
                    "preferred_given_name,address_line1,address_line2,"
                    "address_line3\n");
    while (i < g->opts->learner_count) {
        size_t n = new_household(g, &r, kids, &twins);

        if (n > g->opts->learner_count - i)
            n = (size_t)(g->opts->learner_count - i);
        g->stats.families++;
        if (n > 1)
            g->stats.with_sibling += n;
        if (n > 1 && twins)
            g->stats.twins += n;
        for (size_t k = 0; k < n; k++, i++) {
            enum lrs_err err = lrs_uln_issue(&g->key, &g->counter, kids[k].uln);

            if (err)
                return err;
            write_learner(o, &kids[k]);
            capture(g, &next, i, &kids[k]);
            err = maybe_duplicate(g, &dr, o, &kids[k]);
            if (err)
                return err;
        }
    }
    g->stats.learners = i + g->stats.duplicates;
    settle_waiting(g);
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* queries.csv and truth.csv                                          */
/* ------------------------------------------------------------------ */

/* The unregistered twin or sibling of `who`. */
static void relative(const struct gen *g, const struct lrs__person *who,
                     bool twin, struct rng *r, struct lrs__person *out)
{
    unsigned sex = draw_sex(r);
    int32_t dob = who->dob;

    if (twin) {
        if (lrs__rng_chance(r, CHANCE_TWINS_SAME_SEX))
            sex = who->sex;
    } else {
        const int32_t gap = 330 + (int32_t)lrs__rng_below(r, 1800);

        dob += lrs__rng_chance(r, 5000) ? gap : -gap;
    }
    new_child(g, who, sex, dob, who, 1, r, out);
}

static void make_query(const struct gen *g, uint64_t q, struct lrs__query *out)
{
    const struct plan *p = &g->plans[q];
    struct lrs__person x;
    struct rng r;
    uint64_t s = g->opts->seed ^ 0x7175657269657300u; /* "queries" */

    s += q * 0x9e3779b97f4a7c15u;
    lrs__rng_seed(&r, lrs__splitmix64(&s));
    if (p->kinds & KIND(LRS_SYNTH_NEW_PERSON)) {
        new_family(g, &x, &r);
        const int32_t dob = draw_dob(g, &r);
        const unsigned sex = draw_sex(&r);

        new_child(g, &x, sex, dob, &x, 0, &r, &x);
        lrs__corrupt(&g->t, &x, 0, &r, out);
    } else if (p->kinds & (KIND(LRS_SYNTH_TWIN) | KIND(LRS_SYNTH_SIBLING))) {
        relative(g, &p->who, p->kinds & KIND(LRS_SYNTH_TWIN), &r, &x);
        lrs__corrupt(&g->t, &x, 0, &r, out);
    } else {
        lrs__corrupt(&g->t, &p->who, p->kinds, &r, out);
    }
}

static void write_kinds(struct lrs__out *o, uint32_t kinds)
{
    bool first = true;

    for (int k = 0; k < LRS_SYNTH_KIND__COUNT; k++) {
        if (!(kinds & KIND(k)))
            continue;
        if (!first)
            lrs__out_ch(o, '+');
        lrs__out_str(o, kind_names[k]);
        first = false;
    }
}

static void write_queries(struct gen *g, struct lrs__out *qo,
                          struct lrs__out *to)
{
    lrs__out_str(qo, "id,given_name,middle_names,family_name,"
                     "date_of_birth,gender,postcode\n");
    lrs__out_str(to, "id,uln,kind\n");
    for (uint64_t q = 0; q < g->opts->query_count; q++) {
        const struct plan *p = &g->plans[q];
        struct lrs__query x;
        char date[11];

        make_query(g, q, &x);
        lrs__out_ch(qo, 'q');
        lrs__out_u64(qo, q + 1, 6);
        lrs__out_ch(qo, ',');
        lrs__out_field(qo, x.given);
        lrs__out_ch(qo, ',');
        lrs__out_field(qo, x.middle);
        lrs__out_ch(qo, ',');
        lrs__out_field(qo, x.family);
        lrs__out_ch(qo, ',');
        lrs_date_format(lrs_date_from_days(x.dob), date);
        lrs__out_str(qo, date);
        lrs__out_ch(qo, ',');
        if (x.gender >= 0)
            lrs__out_u64(qo, (uint64_t)x.gender, 1);
        lrs__out_ch(qo, ',');
        lrs__out_str(qo, x.postcode);
        lrs__out_ch(qo, '\n');

        lrs__out_ch(to, 'q');
        lrs__out_u64(to, q + 1, 6);
        lrs__out_ch(to, ',');
        if (!(p->kinds & UNMATCHED)) {
            lrs__out_str(to, p->who.uln);
            g->stats.matchable++;
        }
        lrs__out_ch(to, ',');
        write_kinds(to, p->kinds);
        lrs__out_ch(to, '\n');
        for (int k = 0; k < LRS_SYNTH_KIND__COUNT; k++)
            g->stats.kind_count[k] += (p->kinds >> k) & 1u;
    }
    g->stats.queries = g->opts->query_count;
}

/* ------------------------------------------------------------------ */
/* Files                                                              */
/* ------------------------------------------------------------------ */

enum { LEARNERS, QUERIES, TRUTH, FILE_COUNT };

static const char *const file_names[FILE_COUNT] = {
    "learners.csv",
    "queries.csv",
    "truth.csv",
};

/* The files of one generation: final and temporary paths, streams. */
struct files {
    struct lrs_buf path[FILE_COUNT];
    struct lrs_buf tmp[FILE_COUNT];
    FILE *f[FILE_COUNT];
    struct lrs__out out[FILE_COUNT];
};

static enum lrs_err io_error(struct lrs_diag *diag, const char *what,
                             const char *path)
{
    lrs_diag_set(diag, "out", "cannot %s '%s': %s", what, path,
                 strerror(errno));
    return LRS_ERR(LRS_EIO);
}

static enum lrs_err files_open(struct files *fs, const char *dir,
                               struct lrs_diag *diag)
{
    enum lrs_err err;

    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return io_error(diag, "create directory", dir);
    for (int i = 0; i < FILE_COUNT; i++) {
        err = lrs_buf_addf(&fs->path[i], "%s/%s", dir, file_names[i]);
        if (!err)
            err = lrs_buf_addf(&fs->tmp[i], "%s/.%s.tmp", dir, file_names[i]);
        if (err)
            return err;
        fs->f[i] = fopen(fs->tmp[i].data, "wb");
        if (!fs->f[i])
            return io_error(diag, "create", fs->tmp[i].data);
        err = lrs__out_init(&fs->out[i], fs->f[i]);
        if (err)
            return err;
    }
    return LRS_OK;
}

/* Flush and close every file; on success rename each into place. */
static enum lrs_err files_close(struct files *fs, enum lrs_err err,
                                struct lrs_diag *diag)
{
    for (int i = 0; i < FILE_COUNT; i++) {
        enum lrs_err e = LRS_OK;

        if (fs->out[i].buf && lrs__out_finish(&fs->out[i]) && !err)
            e = io_error(diag, "write", fs->tmp[i].data);
        if (fs->f[i] && fclose(fs->f[i]) != 0 && !err && !e)
            e = io_error(diag, "write", fs->tmp[i].data);
        fs->f[i] = NULL;
        if (!err)
            err = e;
    }
    for (int i = 0; i < FILE_COUNT && !err; i++)
        if (rename(fs->tmp[i].data, fs->path[i].data) != 0)
            err = io_error(diag, "rename into", fs->path[i].data);
    for (int i = 0; i < FILE_COUNT; i++) {
        if (err && fs->tmp[i].len)
            remove(fs->tmp[i].data);
        lrs_buf_release(&fs->path[i]);
        lrs_buf_release(&fs->tmp[i]);
    }
    return err;
}

/* ------------------------------------------------------------------ */
/* Entry point                                                        */
/* ------------------------------------------------------------------ */

static void derive_key(uint64_t seed, struct lrs_uln_key *key)
{
    uint64_t x = seed ^ 0x756c6e2d6b657900u; /* "uln-key" */

    for (size_t i = 0; i < sizeof key->bytes; i += 8) {
        const uint64_t v = lrs__splitmix64(&x);

        for (size_t b = 0; b < 8; b++)
            key->bytes[i + b] = (uint8_t)(v >> (8 * b));
    }
}

static enum lrs_err check_opts(const struct lrs_synth_opts *opts,
                               struct lrs_diag *diag)
{
    if (opts->learner_count < 1 ||
        opts->learner_count > LRS_SYNTH_MAX_LEARNERS) {
        lrs_diag_set(diag, "learners", "learner count must be 1 to %u",
                     LRS_SYNTH_MAX_LEARNERS);
        return LRS_ERR(LRS_EINVAL);
    }
    if (opts->duplicates_per_10k > 1000) {
        lrs_diag_set(diag, "duplicates",
                     "duplicates must be 0 to 1000 per 10,000 learners");
        return LRS_ERR(LRS_EINVAL);
    }
    if (opts->query_count > LRS_SYNTH_MAX_QUERIES) {
        lrs_diag_set(diag, "queries", "query count must be 0 to %u",
                     LRS_SYNTH_MAX_QUERIES);
        return LRS_ERR(LRS_EINVAL);
    }
    return LRS_OK;
}

enum lrs_err lrs_synth_write(const struct lrs_synth_opts *opts, const char *dir,
                             struct lrs_synth_stats *stats,
                             struct lrs_diag *diag)
{
    struct gen g;
    struct files fs;
    enum lrs_err err = check_opts(opts, diag);

    if (err)
        return err;
    memset(&g, 0, sizeof g);
    memset(&fs, 0, sizeof fs);
    for (int i = 0; i < FILE_COUNT; i++) {
        lrs_buf_init(&fs.path[i], 0);
        lrs_buf_init(&fs.tmp[i], 0);
    }
    g.opts = opts;
    g.born_min = days_of(2006, 9, 2);
    g.born_max = days_of(2013, 9, 1);
    derive_key(opts->seed, &g.key);
    err = lrs__tables_init(&g.t);
    if (err)
        goto out;
    err = plan_queries(&g);
    if (!err)
        err = files_open(&fs, dir, diag);
    if (!err)
        err = write_register(&g, &fs.out[LEARNERS]);
    if (!err)
        write_queries(&g, &fs.out[QUERIES], &fs.out[TRUTH]);
    err = files_close(&fs, err, diag);
    if (!err && stats)
        *stats = g.stats;
out:
    lrs__tables_release(&g.t);
    lrs_free(g.plans);
    lrs_free(g.order);
    lrs_free(g.waiting);
    return err;
}
