/*
 * synth/synth_int.h - private to lib/synth: the random number generator,
 * the name and place tables, the person record, corruptions and the CSV
 * reader and writer.
 */
#ifndef LRS_SYNTH_INT_H
#define LRS_SYNTH_INT_H

#include <lrs/csv.h>
#include <lrs/synth.h>

#include <stdio.h>

/* ------------------------------------------------------------------ */
/* Random numbers                                                     */
/* ------------------------------------------------------------------ */

/*
 * xoshiro256** seeded through splitmix64 (Blackman and Vigna, "Scrambled
 * linear pseudorandom number generators", 2018). Written here so that
 * output does not depend on the C library's rand().
 */
struct rng {
    uint64_t s[4];
};

static inline uint64_t lrs__splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static inline void lrs__rng_seed(struct rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = lrs__splitmix64(&seed);
}

static inline uint64_t lrs__rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    const uint64_t x = s[1] * 5;
    const uint64_t result = ((x << 7) | (x >> 57)) * 9;
    const uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* A number in [0, n) for n <= 2^32 (Lemire's multiply-shift). */
static inline uint32_t lrs__rng_below(struct rng *r, uint64_t n)
{
    return (uint32_t)(((lrs__rng_next(r) >> 32) * n) >> 32);
}

/* Whether an event of probability `per_10k` / 10000 happens. */
static inline bool lrs__rng_chance(struct rng *r, uint32_t per_10k)
{
    return lrs__rng_below(r, 10000) < per_10k;
}

/* ------------------------------------------------------------------ */
/* Tables (names.c)                                                   */
/* ------------------------------------------------------------------ */

/* A given name and its relative frequency. */
struct lrs__name {
    const char *text; /* UTF-8 */
    uint32_t weight;  /* relative frequency within its list */
};

/* A family name: its male and female forms (Kowalski, Kowalska). */
struct lrs__surname {
    const char *male;   /* UTF-8 */
    const char *female; /* UTF-8; the same pointer when not gendered */
    uint32_t weight;    /* relative frequency within its list */
};

/* A list of weighted items with its cumulative weights. */
struct lrs__wlist {
    const void *items; /* struct lrs__name or lrs__surname array */
    size_t count;
    uint32_t *cum; /* owned by lrs__tables: cum[i] = sum of 0..i */
};

/* The population groups of the register. */
enum lrs__group {
    GROUP_ENGLISH,
    GROUP_WELSH,
    GROUP_SCOTTISH,
    GROUP_IRISH,
    GROUP_SOUTH_ASIAN,
    GROUP_AFRICAN,
    GROUP_EAST_EUROPEAN,
    GROUP__COUNT
};

/* A postcode area: its letters, largest district number and post town. */
struct lrs__area {
    const char *letters; /* "B", "LS" */
    uint8_t max_district;
    const char *town;
    uint32_t weight; /* roughly the population served */
    bool welsh;      /* in Wales */
};

/* Every table with its cumulative weights, built once per generation. */
struct lrs__tables {
    struct lrs__wlist boys[GROUP__COUNT];
    struct lrs__wlist girls[GROUP__COUNT];
    struct lrs__wlist surnames[GROUP__COUNT];
    struct lrs__wlist areas;       /* all areas */
    struct lrs__wlist welsh_areas; /* the areas in Wales */
    uint32_t group_cum[GROUP__COUNT];
    uint16_t group_anglo[GROUP__COUNT]; /* per 10k: given from English */
};

enum lrs_err lrs__tables_init(struct lrs__tables *t);
void lrs__tables_release(struct lrs__tables *t);

/* A weighted draw from a list. */
const struct lrs__name *lrs__draw_name(const struct lrs__wlist *l,
                                       struct rng *r);
const struct lrs__surname *lrs__draw_surname(const struct lrs__wlist *l,
                                             struct rng *r);
/* An index into lrs__areas. */
size_t lrs__draw_area(const struct lrs__wlist *l, struct rng *r);
enum lrs__group lrs__draw_group(const struct lrs__tables *t, struct rng *r);

/* Streets, street types and localities for address lines. */
extern const char *const lrs__streets[];
extern const size_t lrs__street_count;
extern const char *const lrs__street_types[];
extern const size_t lrs__street_type_count;
extern const char *const lrs__localities[];
extern const size_t lrs__locality_count;
extern const struct lrs__area lrs__areas[];
extern const size_t lrs__area_count;

/*
 * The nicknames of a given name: a NULL-terminated list, or NULL when the
 * name has none. Whether `a` and `b` are the same name or one is a known
 * nickname of the other.
 */
const char *const *lrs__nicknames(const char *given);
bool lrs__names_related(const char *a, const char *b);

/* The accented form of a plain name ("Zoe" -> "Zoë"), or NULL. */
const char *lrs__accented(const char *plain);

/* ------------------------------------------------------------------ */
/* People (synth.c, corrupt.c)                                        */
/* ------------------------------------------------------------------ */

/* One person of the register (or of a query), stored compactly. */
struct lrs__person {
    const struct lrs__surname *family[2]; /* [1]: second part, or NULL */
    const struct lrs__surname *previous;  /* previous family name, or NULL */
    const char *given;                    /* static table string */
    const char *middle[2];                /* NULL when absent */
    const char *preferred;                /* NULL when absent */
    int32_t dob;                          /* days since 1970-01-01 */
    uint16_t house;                       /* house number */
    uint16_t street;                      /* index into lrs__streets */
    uint8_t flat;                         /* flat number, 0 for none */
    uint8_t street_type;                  /* index into lrs__street_types */
    uint8_t locality;                     /* 1 + index, 0 for none */
    uint8_t area;                         /* index into lrs__areas */
    uint8_t district;                     /* 1..max_district */
    uint8_t sector;                       /* 0..9 */
    uint8_t unit[2];                      /* indexes into the unit letters */
    uint8_t sex;                          /* 1 male, 2 female */
    uint8_t gender;                       /* the LRS code: 0, 1, 2, 9 */
    uint8_t group;                        /* enum lrs__group */
    char uln[11];                         /* ULN and NUL; empty if none */
};

/* The letters allowed in the inward unit of a postcode. */
extern const char lrs__unit_letters[];
#define LRS__UNIT_LETTER_COUNT 20u

/* The family name of `p` for its sex: "Smith-Jones", into out. */
void lrs__person_family(const struct lrs__person *p, char *out, size_t out_len);
/* The postcode of `p` ("LS12 3AB") into out (at least 10 bytes). */
void lrs__person_postcode(const struct lrs__person *p, char *out,
                          size_t out_len);

/* A query record as written to queries.csv. */
struct lrs__query {
    char given[128];
    char middle[128];
    char family[128];
    int32_t dob;       /* days since 1970-01-01 */
    int gender;        /* LRS code, or -1 when missing */
    char postcode[12]; /* empty when missing */
};

/* A fresh random address (postcode and lines) for `p` in its group. */
void lrs__random_address(const struct lrs__tables *t, struct lrs__person *p,
                         struct rng *r);

/* Whether the kinds in `mask` can all be applied to `p`. */
bool lrs__kinds_applicable(uint32_t mask, const struct lrs__person *p);

/* The query for `p` with the corruptions of `mask` applied. */
void lrs__corrupt(const struct lrs__tables *t, const struct lrs__person *p,
                  uint32_t mask, struct rng *r, struct lrs__query *q);

/* Copy `s` into `out` (always NUL-terminated, truncated to fit). */
void lrs__copy(char *out, size_t out_len, const char *s);

/* ------------------------------------------------------------------ */
/* CSV (csv.c)                                                        */
/* ------------------------------------------------------------------ */

/*
 * The `lrs eval` files read from text held in memory with lib/csv's strict
 * RFC 4180 reader (docs/synth.md): records as slices, the line where each
 * starts, LRS_ENOTFOUND at the end.
 */
struct lrs__csv {
    const char *name;       /* borrowed: the file name for diagnostics */
    struct lrs_csv_mem mem; /* the text still to read */
    struct lrs_csv *csv;    /* owned: lib/csv's reader over `mem` */
    enum lrs_err err;       /* a failure of lrs__csv_init, else LRS_OK */
    uint64_t line;          /* line where the last record started */
};

#define LRS__CSV_MAX_FIELDS 32

void lrs__csv_init(struct lrs__csv *c, const char *name, struct lrs_str text);
void lrs__csv_release(struct lrs__csv *c);

/*
 * Read the next record into fields[0..*count) (slices borrowed until the
 * next call). LRS_ENOTFOUND at the end of the text; LRS_EINVAL with a
 * diagnostic naming the line and column for malformed text or more than
 * `max` fields.
 */
enum lrs_err lrs__csv_next(struct lrs__csv *c, struct lrs_str *fields,
                           size_t max, size_t *count, struct lrs_diag *diag);

/*
 * Read the header and check that it is exactly `want` (comma-separated
 * names). LRS_EINVAL naming the first differing column otherwise.
 */
enum lrs_err lrs__csv_header(struct lrs__csv *c, const char *want,
                             struct lrs_diag *diag);

/* A buffered writer to a FILE with a sticky error flag. */
struct lrs__out {
    FILE *f;     /* borrowed */
    char *buf;   /* owned */
    size_t len;  /* bytes buffered */
    size_t cap;  /* bytes allocated */
    bool failed; /* a write failed; later writes do nothing */
};

enum lrs_err lrs__out_init(struct lrs__out *o, FILE *f);
/* Flush and free the buffer; LRS_EIO if any write failed. */
enum lrs_err lrs__out_finish(struct lrs__out *o);
void lrs__out_raw(struct lrs__out *o, const char *s, size_t len);
void lrs__out_str(struct lrs__out *o, const char *s);
void lrs__out_ch(struct lrs__out *o, char c);
void lrs__out_u64(struct lrs__out *o, uint64_t v, int width);
/* A CSV field: quoted when it holds a comma, quote, CR or LF. */
void lrs__out_field(struct lrs__out *o, const char *s);

#endif /* LRS_SYNTH_INT_H */
