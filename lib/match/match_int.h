/*
 * match/match_int.h - private types of the match engine, shared by the
 * files of lib/match only.
 *
 * The index is a set of flat arrays (docs/matching.md, "Memory"):
 *
 *   lrns[id]            what comparisons read of a learner (struct lrn:
 *                       32 bytes, two to a cache line)
 *   ext[id]             the rest of it (struct lrn_ext: ULN, former
 *                       names, master)
 *   names               interned normalised names with their phonetic
 *                       codes and frequencies; a learner holds name ids
 *   sb[bucket], se[]    the static part of the blocking table, built in
 *                       bulk: the entries of bucket b are se[sb[b] ..
 *                       sb[b + 1]), each an entry number e = id *
 *                       KEY_SLOTS + slot and its key's 32-bit fingerprint
 *   heads[], de[]       the dynamic part: a chained hash table of the
 *                       entries linked one at a time since the last build
 *   ulns[]              open-addressed ULN -> id table
 *
 * A learner's keys are a pure function of its record (lrn_keys()), so an
 * entry stores no key: re-keying recomputes the old keys, unlinks them,
 * changes the record and links the new ones. An insert only stores the
 * record; its keys are linked before the next read (lrs__index_rdlock()),
 * all pending learners together, so a load of millions builds the static
 * part once.
 */
#ifndef LRS_MATCH_INT_H
#define LRS_MATCH_INT_H

#include <lrs/match.h>
#include <lrs/text.h>

#include <pthread.h>
#include <stdatomic.h>

#define NONE     UINT32_MAX
#define DOB_NONE INT32_MIN

/*
 * A date of birth packed as year << 9 | month << 5 | day: equal dates are
 * equal numbers, and the parts come out with shifts (lrs_date_to_days()
 * and back cost a calendar computation each). `dob & 511` is month * 32
 * + day, `dob >> 9` the year.
 */
static inline int32_t dob_pack(struct lrs_date d)
{
    return (int32_t)((uint32_t)d.year << 9 | (uint32_t)d.month << 5 | d.day);
}

static inline struct lrs_date dob_unpack(int32_t dob)
{
    const struct lrs_date d = {(int16_t)(dob >> 9), (uint8_t)(dob >> 5 & 15),
                               (uint8_t)(dob & 31)};

    return d;
}

/*
 * A hint to start loading the cache line at `p` for reading, so that the
 * misses of independent lookups overlap instead of following one another
 * (the index is far larger than the caches at a million learners). It
 * changes no result.
 */
#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch((p), 0, 1)
#else
#define PREFETCH(p) ((void)(p))
#endif

/*
 * Blocking key slots of a learner. Each slot holds at most one key; an
 * empty slot (no key: a missing field) is simply not linked.
 */
enum key_slot {
    SLOT_DF_FAMILY = 0, /* dob + first family token phonetic */
    SLOT_DF_LAST,       /* dob + last family token (double-barrelled) */
    SLOT_DF_FORMER0,    /* dob + former family name phonetic */
    SLOT_DF_FORMER1,
    SLOT_PF,   /* postcode + family phonetic */
    SLOT_GFYM, /* given + family phonetic + birth year and month */
    SLOT_DG,   /* dob + given phonetic */
    SLOT_PG,   /* postcode + given phonetic */
    SLOT_DP,   /* dob + postcode */
    SLOT_GFMD, /* given + family phonetic + day and month */
    SLOT_GFYD, /* given + family phonetic + birth year and day */
    KEY_SLOTS
};

/* Key kinds: the hash of a key mixes its kind in. */
enum key_kind {
    KIND_DF = 1,
    KIND_PF,
    KIND_GFYM,
    KIND_DG,
    KIND_PG,
    KIND_DP,
    KIND_GFMD,
    KIND_GFYD,
};

/* The parts of a dob_pack() date the given + family keys take two of:
 * with any one part of a date wrong, one of the three keys still holds. */
#define DOB_YM(dob) ((uint64_t)((dob) >> 5))
#define DOB_YD(dob) ((uint64_t)((dob) >> 9) << 5 | (uint64_t)((dob)&31))
#define DOB_MD(dob) ((uint64_t)((dob)&511))

/* A Double Metaphone code of at most 4 characters packed in 32 bits. */
typedef uint32_t mpcode;

/* An interned normalised name. */
struct name {
    uint32_t off;          /* of the NUL-terminated text in the pool */
    uint16_t len;          /* bytes */
    uint8_t ntok;          /* tokens, at most 255 counted */
    bool nick;             /* its first token is in a nickname pair */
    mpcode first[2];       /* primary and alternate code, first token */
    mpcode last;           /* primary code of the last token */
    uint32_t given_count;  /* learners with this given name */
    uint32_t family_count; /* learners with this family name */
};

struct names {
    struct name *v; /* owned; v[0] is the empty name */
    uint32_t count;
    uint32_t cap;
    char *pool; /* owned; the texts */
    size_t pool_len;
    size_t pool_cap;
    uint32_t *slots;  /* owned; open-addressed name ids, NONE = free */
    size_t slot_mask; /* slots - 1; a power of two minus one */
};

/* One (given name, family name) pair of name ids and its learners. */
struct pair {
    uint32_t given; /* name id; 0 = a free slot */
    uint32_t family;
    uint32_t count; /* learners holding the pair */
};

struct pairs {
    struct pair *v; /* owned; mask + 1 slots, or NULL */
    size_t mask;    /* slots - 1; a power of two minus one */
    size_t used;    /* slots holding a pair */
};

/*
 * A postcode packed in 64 bits (0 = missing or a ZZ99 placeholder):
 * bits 0-47 eight characters of six bits (1-26 A-Z, 27-36 0-9, 0 none)
 * of the text without its space, bits 48-50 the outward length, bits
 * 51-52 the area length, bit 53 BFPO.
 */
typedef uint64_t pcode;

/*
 * One learner as a comparison reads it: 32 bytes in an array aligned to
 * 64, so that a candidate's bound (lrs__bound()) costs one cache miss and
 * its score at most one more for struct lrn_ext, needed only when the
 * learner has former names.
 */
struct lrn {
    pcode postcode;
    uint32_t given; /* name ids; 0 = missing */
    uint32_t middle;
    uint32_t family;
    uint32_t preferred;
    int32_t dob;     /* dob_pack(), DOB_NONE when missing */
    uint8_t gender;  /* enum lrs_gender; 0 and 9 mean missing */
    uint8_t formers; /* former family names in ext[].former */
    uint16_t unused;
};

/* The rest of a learner: for candidates kept, ULN lookups, keys, merges. */
struct lrn_ext {
    uint64_t uln;
    uint32_t former[LRS_MATCH_FORMER_MAX]; /* name ids, most recent first */
    uint32_t master; /* NONE, or the id it was merged into */
};

/* An entry of the static part of the blocking table. */
struct ent {
    uint32_t fp; /* the key's bits 32-63 */
    uint32_t e;  /* id * KEY_SLOTS + slot; NONE once removed */
};

/* An entry of the dynamic part. */
struct dent {
    uint32_t next; /* the next de[] of its chain, or of the free list */
    uint32_t fp;   /* the key's bits 32-63 */
    uint32_t e;    /* id * KEY_SLOTS + slot; NONE when free */
};

/*
 * The weights log2(m/u) of the model's levels, computed when the model is
 * set (lrs__weights()) rather than once per field per candidate, and the
 * best weights that the bound of a candidate (lrs__bound()) assumes for
 * a name it has not compared.
 */
struct wts {
    double given[LRS_MATCH_NAME__COUNT];
    double middle[LRS_MATCH_NAME__COUNT];
    double family[LRS_MATCH_NAME__COUNT];
    double dob[LRS_MATCH_DOB__COUNT];
    double gender[LRS_MATCH_GENDER__COUNT];
    double postcode[LRS_MATCH_POSTCODE__COUNT];
    double swapped;
    /* The best weight of a level from token to different: two names
     * present and not equal (family: `former` left out, lrs__bound()). */
    double given_ne, middle_ne, family_ne;
    /* The best weight of a level from token to initial: what a name
     * compared the other way round needs for a swap to count. */
    double given_sw, family_sw;
};

#define INDEX_MAGIC 0x4d415443u /* "MATC" */

struct lrs_match_index {
    uint32_t magic;
    struct lrs_match_model model;
    struct wts w; /* of `model` */
    pthread_rwlock_t lock;
    struct lrn *lrns;    /* in lrns_mem, aligned to 64 bytes */
    void *lrns_mem;      /* owned */
    struct lrn_ext *ext; /* owned */
    uint32_t count;      /* learners */
    uint32_t cap;
    uint32_t merged; /* learners with a master */
    struct names names;
    struct pairs pairs; /* learners by (given, family) pair (pairs.c) */
    /* Blocking table (index.c): the static part, */
    uint32_t *sb;    /* owned; sb_mask + 2 offsets into se, or NULL */
    struct ent *se;  /* owned; se_count entries by bucket, or NULL */
    size_t sb_mask;  /* buckets - 1, a power of two minus one */
    size_t se_count; /* entries of se, removed ones included */
    /* and the dynamic part. */
    uint32_t *heads; /* owned; head_mask + 1 chain heads */
    size_t head_mask;
    struct dent *de; /* owned; de_cap entries, de_count used */
    uint32_t de_count, de_cap;
    uint32_t de_free; /* a free list through de[].next, NONE when empty */
    uint32_t de_live; /* entries linked in the dynamic part */
    uint32_t linked;  /* learners [0, linked) have their keys linked */
    uint64_t keys;    /* blocking keys of every learner, linked or not */
    uint32_t *ulns;   /* owned; uln_mask + 1 slots of ids */
    size_t uln_mask;
    _Atomic uint64_t finds;
    _Atomic uint64_t oversized;
    /* Pairs decided not the same (links.c): id << 32 | partner, both
     * ways, sorted; owned. */
    uint64_t *apart;
    size_t apart_count, apart_cap;
};

/*
 * The levels of one query name against the learner names met in one find,
 * by learner name id: a level is a function of the two names and the
 * model only, and the candidates of a find share many names (a date of
 * birth block holds many SMITHs). Direct-mapped; a collision recomputes.
 */
#define MEMO_SLOTS 256
struct memo {
    uint32_t id[MEMO_SLOTS]; /* learner name id + 1; 0 = empty */
    uint8_t level[MEMO_SLOTS];
};

/* Learner-side view of a normalised name, for comparisons. */
struct nm {
    struct lrs_str s;  /* normalised text; len 0 = missing */
    uint32_t id;       /* name id, or NONE when not in the name table */
    mpcode first[2];   /* primary and alternate of the first token */
    bool nick;         /* the first token is in a nickname pair */
    uint32_t count;    /* frequency in the role compared (0 for queries) */
    struct memo *memo; /* a query name's memo, or NULL (learner views) */
    /* A query name's weight when a learner's name equals it, as a given
     * [0] and as a family name [1] (the learner's count is then its own);
     * valid when `exact_known` (lrs__pq_bind()). */
    double exact[2];
    bool exact_known;
};

/* A prepared query. */
struct pq {
    char given[LRS_NAME_SIZE];
    char middle[LRS_NAME_SIZE];
    char family[LRS_NAME_SIZE];
    char previous[LRS_NAME_SIZE];
    struct nm g, m, f, p; /* views of the four names */
    mpcode f_last;        /* last family token, when two or more */
    int32_t dob;          /* dob_pack(), DOB_NONE when missing */
    struct lrs_date date; /* the same, as a date */
    uint8_t gender;
    bool middle_known; /* lrs_match_query.middle_known */
    pcode postcode;
    uint64_t uln;        /* lrs_match_query.uln */
    uint32_t pair_count; /* learners holding the query's given and family
                            names (pairs.c), during a find */
    struct memo memo[4]; /* of g, m, f and p during a find */
};

/* names.c */
void lrs__names_release(struct names *n);
enum lrs_err lrs__names_init(struct names *n);
enum lrs_err lrs__names_intern(struct names *n, struct lrs_str s, uint32_t *id);
/* The id of `s`, or 0 (the empty name) when it is not interned. */
uint32_t lrs__names_find(const struct names *n, struct lrs_str s);
size_t lrs__names_bytes(const struct names *n);
mpcode lrs__mp_pack(const char *code);
void lrs__name_codes(struct lrs_str s, mpcode first[2], mpcode *last);
void lrs__name_view(const struct names *n, uint32_t id, bool family,
                    struct nm *out);

/* pairs.c */
void lrs__pairs_release(struct pairs *p);
/* Room for `more` new pairs, so that lrs__pairs_add() cannot fail. */
enum lrs_err lrs__pairs_reserve(struct pairs *p, size_t more);
void lrs__pairs_add(struct pairs *p, uint32_t given, uint32_t family,
                    int delta);
uint32_t lrs__pairs_count(const struct pairs *p, uint32_t given,
                          uint32_t family);
size_t lrs__pairs_bytes(const struct pairs *p);

/* nickname.c: 0 no pair, 1 a pair of the broad list, 2 a curated pair */
int lrs__nickname(struct lrs_str a, struct lrs_str b);
/* Whether the first token of `s` is in some nickname pair: when either
 * name's is not, lrs__nickname() of the two is 0 without a search. */
bool lrs__nickname_any(struct lrs_str s);
/* An upper bound of lrs_name_jaro_winkler(a, b), cheaper (compare.c). */
double lrs__jw_bound(struct lrs_str a, struct lrs_str b);

/* compare.c */
pcode lrs__pc_pack(const struct lrs_postcode *pc);
void lrs__weights(const struct lrs_match_model *model, struct wts *out);
/* Fill the exact weights of the query's names (their ids known). */
void lrs__pq_bind(const struct lrs_match_index *idx, struct pq *q);
/*
 * A bound on lrs__score()'s score of learner `id` that reads only its
 * record (no name text): never below the score. A candidate whose bound
 * is under the possible threshold need not be compared.
 */
double lrs__bound(const struct lrs_match_index *idx, const struct pq *q,
                  uint32_t id);
/* The same with the given name compared (its memo makes that cheap): a
 * tighter bound, for the candidates lrs__bound() left. */
double lrs__bound_given(const struct lrs_match_index *idx, const struct pq *q,
                        uint32_t id);
void lrs__score(const struct lrs_match_index *idx, const struct pq *q,
                uint32_t id, struct lrs_match_candidate *out);
unsigned lrs__name_level(const struct lrs_match_model *model,
                         const struct nm *q, const struct nm *l);
double lrs__name_weight(const struct lrs_match_index *idx, bool family,
                        unsigned level, uint32_t count);

/* find.c: a query normalised and checked (no index needed), */
enum lrs_err lrs__query_prep(const struct lrs_match_query *query, struct pq *q,
                             struct lrs_diag *diag);
/* then bound to the index (its read lock held): name ids, counts, memos
 * and exact weights, as a find uses it. */
void lrs__query_bind(const struct lrs_match_index *idx, struct pq *q);
/* find.c: the distinct learner ids of the blocks of `q`, in ascending
 * order, into the scratch of `res` (*ids valid until its next use). */
enum lrs_err lrs__block(const struct lrs_match_index *idx, const struct pq *q,
                        struct lrs_match_result *res, uint32_t **ids,
                        size_t *count);
/* The same, from the keys of one kind only (enum key_kind; 0: all). */
enum lrs_err lrs__block_kind(const struct lrs_match_index *idx,
                             const struct pq *q, unsigned kind,
                             struct lrs_match_result *res, uint32_t **ids,
                             size_t *count);

/* model.c: the levels fixed by definition (missing: m = u = 1). */
void lrs__model_fixed(struct lrs_match_model *m);

/* index.c */
/* Link the keys of learners inserted since the last link (write lock). */
enum lrs_err lrs__index_link(struct lrs_match_index *idx);
/* Take the read lock with every learner's keys linked; on an error
 * (LRS_ENOMEM linking) the lock is not held. */
enum lrs_err lrs__index_rdlock(struct lrs_match_index *idx);
int lrs__lrn_keys(const struct lrs_match_index *idx, uint32_t id,
                  uint64_t keys[KEY_SLOTS]);
uint64_t lrs__key(unsigned kind, uint64_t a, uint64_t b, uint64_t c);
uint32_t lrs__uln_find(const struct lrs_match_index *idx, uint64_t uln);
uint32_t lrs__root(const struct lrs_match_index *idx, uint32_t id);

/* links.c: the not-same pairs of one learner, for a find about it. */
struct apart {
    uint32_t self;         /* the query's learner, NONE when none */
    const uint64_t *pairs; /* its pairs (low 32 bits: the partner) */
    size_t count;
};
void lrs__apart_begin(const struct lrs_match_index *idx, uint64_t uln,
                      struct apart *out);
/* Whether candidate `id` is the query's learner, merged with it, or a
 * learner decided not to be it. */
bool lrs__apart_skip(const struct lrs_match_index *idx, const struct apart *a,
                     uint32_t id);
void lrs__apart_free(struct lrs_match_index *idx);

#endif /* LRS_MATCH_INT_H */
