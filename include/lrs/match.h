/*
 * lrs/match.h - the match engine: an in-memory index of learners, the
 * comparison of a query with each candidate, and the LRS find decision.
 *
 * Every search, registration and batch pupil goes through here. The index
 * is fed learner records through this API (it knows nothing of the store):
 * lrs_match_index_insert() at load time and for each new learner,
 * lrs_match_index_update() when a learner's details are amended (the
 * learner is re-keyed), lrs_match_index_merge() when a duplicate is linked
 * to its master. lrs_match_index_find() answers a demographic search with
 * an LRS find code (WSRC0001/2/3/4/22) and the scored candidates, each
 * with the level and weight of every field, so that every answer explains
 * itself (lrs_match_explain_text(), lrs_match_explain_json()).
 *
 * How it decides is in docs/matching.md: normalise, block (several keys
 * per learner, union at query time), compare field by field into levels,
 * add the Fellegi-Sunter weights log2(m/u) of the levels, then decide with
 * the thresholds of the model. Twins and siblings (same family name, date
 * of birth and postcode, different given names) are never linked: a given
 * name level of "different" vetoes an exact match whatever the total.
 *
 * Memory: about 130-140 bytes per learner (lrs_match_index_stats() reports the
 * exact figure), plus one entry per distinct name.
 *
 * Ownership: every `struct lrs_str` argument is borrowed for the call only;
 * the index copies what it keeps. A result owns its candidate array until
 * lrs_match_result_release().
 *
 * Thread-safety: the index holds a read-write lock. Any number of threads
 * may call lrs_match_index_find() (and the other read-only functions) at
 * once; insert, update and merge take the lock exclusively and wait for
 * running finds. Writers are preferred (on glibc): once an insert waits,
 * new finds wait behind it, so a stream of finds cannot starve inserts.
 * Each thread needs its own lrs_match_result.
 */
#ifndef LRS_MATCH_H
#define LRS_MATCH_H

#include <lrs/base.h>
#include <lrs/ids.h>

/* ------------------------------------------------------------------ */
/* Codes, fields and levels                                           */
/* ------------------------------------------------------------------ */

/** The LRS find codes (DOMAIN.md), valued as their numbers. */
enum lrs_match_code {
    LRS_MATCH_NONE = 1,     /* WSRC0001: no match */
    LRS_MATCH_TOO_MANY = 2, /* WSRC0002: more than max_possible matches */
    LRS_MATCH_POSSIBLE = 3, /* WSRC0003: 1 to max_possible possible matches */
    LRS_MATCH_EXACT = 4,    /* WSRC0004: one exact match */
    LRS_MATCH_LINKED = 22,  /* WSRC0022: the exact match was merged into a
                               master; the master is answered */
};

/** "WSRC0004" and so on; static storage; "WSRC????" for a bad value. */
LRS_API const char *lrs_match_code_name(enum lrs_match_code code);

/** The compared fields, in the order of the level and weight arrays. */
enum lrs_match_field {
    LRS_MATCH_GIVEN = 0,
    LRS_MATCH_MIDDLE,
    LRS_MATCH_FAMILY,
    LRS_MATCH_DOB,
    LRS_MATCH_GENDER,
    LRS_MATCH_POSTCODE,
    LRS_MATCH_FIELD__COUNT
};

/**
 * Name levels, given, middle and family alike, strongest first. A name is
 * compared as its normalised form (lrs/text.h); "token" means one name's
 * tokens are all among the other's (SMITH JONES and JONES; a given MARY ANNE
 * against given MARY with middle ANNE).
 */
enum lrs_match_name_level {
    LRS_MATCH_NAME_EXACT = 0, /* equal normalised names */
    LRS_MATCH_NAME_TOKEN,     /* token subset (double-barrelled, middle) */
    LRS_MATCH_NAME_FORMER,    /* family: equal to a former family name */
    LRS_MATCH_NAME_VARIANT,   /* a known nickname or variant (Bob, Robert) */
    LRS_MATCH_NAME_JW_HIGH,   /* Jaro-Winkler >= model jw_high */
    LRS_MATCH_NAME_JW_MID,    /* Jaro-Winkler >= model jw_mid */
    LRS_MATCH_NAME_ONE_EDIT,  /* one insertion, deletion, substitution or
                                 swap of adjacent letters (JSCK, JACK) */
    LRS_MATCH_NAME_PHONETIC,  /* a Double Metaphone code in common */
    LRS_MATCH_NAME_INITIAL,   /* one is an initial of the other */
    LRS_MATCH_NAME_DIFFERENT, /* none of the above */
    LRS_MATCH_NAME_MISSING,   /* either side has no name (middle names:
                                 the query did not say) */
    LRS_MATCH_NAME_NONE,      /* middle names only: neither has any */
    LRS_MATCH_NAME_ONE_SIDE,  /* middle names only: one has some, the
                                 other none */
    LRS_MATCH_NAME__COUNT
};

/** Date of birth levels. */
enum lrs_match_dob_level {
    LRS_MATCH_DOB_EXACT = 0,
    LRS_MATCH_DOB_SWAPPED,  /* day and month swapped */
    LRS_MATCH_DOB_ONE_PART, /* exactly one of day, month, year differs */
    LRS_MATCH_DOB_DIFFERENT,
    LRS_MATCH_DOB_MISSING,
    LRS_MATCH_DOB__COUNT
};

/** Gender levels; codes 0 (not known) and 9 (not specified) are missing. */
enum lrs_match_gender_level {
    LRS_MATCH_GENDER_SAME = 0,
    LRS_MATCH_GENDER_DIFFERENT,
    LRS_MATCH_GENDER_MISSING,
    LRS_MATCH_GENDER__COUNT
};

/** Postcode levels; a ZZ99 placeholder counts as unknown. */
enum lrs_match_postcode_level {
    LRS_MATCH_POSTCODE_EXACT = 0,
    LRS_MATCH_POSTCODE_SECTOR,   /* same sector ("SW1A 1"), not exact */
    LRS_MATCH_POSTCODE_DISTRICT, /* same outward code ("SW1A") */
    LRS_MATCH_POSTCODE_AREA,     /* same area letters ("SW") */
    LRS_MATCH_POSTCODE_DIFFERENT,
    LRS_MATCH_POSTCODE_UNKNOWN, /* missing, or ZZ99 on either side */
    LRS_MATCH_POSTCODE__COUNT
};

/** Levels of each field never exceed this. */
#define LRS_MATCH_LEVEL_MAX 12

/**
 * The name of `level` of `field`, e.g. "exact", "jw_high", "sector";
 * static storage; "?" for an out-of-range value.
 */
LRS_API const char *lrs_match_level_name(enum lrs_match_field field,
                                         unsigned level);

/**
 * The name of `field`: "given", "middle", "family", "dob", "gender",
 * "postcode".
 */
LRS_API const char *lrs_match_field_name(enum lrs_match_field field);

/* ------------------------------------------------------------------ */
/* The model                                                          */
/* ------------------------------------------------------------------ */

/**
 * The m and u probabilities of a level: m = P(level | same person), u =
 * P(level | different people). Its weight is log2(m / u), in bits.
 */
struct lrs_match_mu {
    double m; /* in (0, 1] */
    double u; /* in (0, 1] */
};

/**
 * The Fellegi-Sunter model and the decision rules. lrs_match_model_default()
 * fills the shipped values; docs/matching.md gives the reasoning for each.
 */
struct lrs_match_model {
    struct lrs_match_mu given[LRS_MATCH_NAME__COUNT];
    struct lrs_match_mu middle[LRS_MATCH_NAME__COUNT];
    struct lrs_match_mu family[LRS_MATCH_NAME__COUNT];
    struct lrs_match_mu dob[LRS_MATCH_DOB__COUNT];
    struct lrs_match_mu gender[LRS_MATCH_GENDER__COUNT];
    struct lrs_match_mu postcode[LRS_MATCH_POSTCODE__COUNT];
    /* Given and family names found swapped: this m/u multiplies in. */
    struct lrs_match_mu swapped;
    /*
     * Exact-name frequency weighting: u of an exact name is
     * (count + prior * u_level) / (learners + prior), where count is the
     * learners holding that name in that role and u_level the u of the
     * exact level above, and never below name_u_floor. `prior` is the
     * number of pseudo-learners that keep a small register's estimate
     * near the default.
     */
    bool name_frequency; /* apply the weighting at all */
    double name_u_floor; /* smallest u of an exact name */
    double name_prior;   /* pseudo-learners of the smoothing */
    /*
     * The family name's weight given the given name: when both names are
     * exact, u of the family name is its share among the other learners
     * with the same given name, (pair - 1 + pair_prior * u_family) /
     * (given - 1 + pair_prior), where pair and given count the learners
     * holding both names and the given name, and u_family is the u above.
     * It is used only when it is larger (names that cluster, e.g. AOIFE
     * MURPHY), never to make a weight stronger. 0 turns it off.
     */
    double pair_prior;
    /*
     * A given name that is only a variant from the broad nickname list
     * (Emily for Amelia; curated short forms such as Bill for William
     * are exempt), a
     * Jaro-Winkler jw_mid or one edit away from the learner's cannot
     * make an exact match when the query's given name is itself a common
     * registered given name: held by at least this share of learners,
     * and by 3 or more. Both are then more likely two people's names
     * (twins, siblings: Lily and Lila).
     */
    double variant_common;
    double jw_high; /* Jaro-Winkler band of the jw_high level */
    double jw_mid;  /* Jaro-Winkler band of the jw_mid level */
    /*
     * Decisions, in bits. The prior odds that a given learner is the one
     * sought are about 1 / learners, so the thresholds are offsets above
     * log2(max(learners, min_register)): exact needs score >= that + high,
     * possible needs score >= that + low.
     */
    double high;   /* exact-match offset */
    double low;    /* possible-match offset */
    double margin; /* an exact match needs no rival within this */
    /*
     * Extra bits an exact match needs when its postcode is in another
     * area (level different) or one part of its date of birth is wrong
     * (one_part): where people who share a learner's names and about its
     * birthday are found (docs/matching.md, "Decisions").
     */
    double high_weak;
    double min_register;     /* the register size assumed at least */
    unsigned max_possible;   /* more possible matches: WSRC0002 (10) */
    unsigned max_block;      /* learners taken from one block (2000) */
    unsigned max_candidates; /* learners scored per query (20000) */
};

/** Fill `model` with the shipped defaults (docs/matching.md). */
LRS_API void lrs_match_model_default(struct lrs_match_model *model);

/** The weight log2(m/u) of `mu`, in bits. */
LRS_API double lrs_match_weight(struct lrs_match_mu mu);

/**
 * Check every value of `model`: each m and u in (0, 1], jw_mid <= jw_high,
 * high - low >= margin, and the ranges of docs/matching.md ("Model
 * file"). LRS_EINVAL with diag naming the key (e.g. "given.exact.m").
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_match_model_check(const struct lrs_match_model *model,
                      struct lrs_diag *diag);

/**
 * Append `model` to `out` as the model file: a comment, the line
 * "lrs-match-model 1", then one "key value" line per parameter in a fixed
 * order (docs/matching.md, "Model file"). Numbers are written in the
 * shortest form that reads back exactly, so the text is stable. The
 * levels fixed by definition (missing; given and middle "former") are
 * not written. On error `out` may hold part of the text.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_match_model_write(const struct lrs_match_model *model, struct lrs_buf *out);

/**
 * Parse a model file into *out (untouched on error). Strict: the version
 * line first (blank lines and lines starting with '#' are skipped
 * anywhere), then every key exactly once, "key value" with one space,
 * plain decimal numbers, no control characters; then
 * lrs_match_model_check(). LRS_EINVAL with diag naming the key ("model"
 * for a line with no known key, "version" for the header) and a message
 * that starts with the line number ("line 7: ...").
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_match_model_read(struct lrs_str text, struct lrs_match_model *out,
                     struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* Records                                                            */
/* ------------------------------------------------------------------ */

/** Former family names a learner keeps in the index (most recent first). */
#define LRS_MATCH_FORMER_MAX 2

/**
 * A learner as the index takes it. Names are raw UTF-8 (normalised by the
 * index); an empty name is missing. Every slice is borrowed for the call.
 */
struct lrs_match_learner {
    uint64_t uln;             /* a valid ULN, the learner's key */
    struct lrs_str given;     /* given (first) name */
    struct lrs_str middle;    /* middle names, space separated */
    struct lrs_str family;    /* current family name */
    struct lrs_str preferred; /* preferred given name, or empty */
    struct lrs_str former[LRS_MATCH_FORMER_MAX]; /* former family names,
                                                    most recent first */
    struct lrs_date dob;                         /* year 0 when missing */
    enum lrs_gender gender;                      /* 0 or 9 when not known */
    struct lrs_postcode postcode; /* text[0] == '\0' when missing */
};

/**
 * A demographic search. As lrs_match_learner: raw names, year 0 for a
 * missing date, an empty postcode text for a missing postcode.
 */
struct lrs_match_query {
    struct lrs_str given;
    struct lrs_str middle;
    struct lrs_str family;
    struct lrs_str previous_family; /* optional former family name */
    struct lrs_date dob;
    enum lrs_gender gender;
    struct lrs_postcode postcode;
    /*
     * Whether `middle` is all the learner's middle names, so that empty
     * means the learner has none (a record from a school's MIS: a CTF
     * pupil, a row of a CSV of records). False when the searcher may
     * simply not have given them (a search form, a registration): an
     * empty `middle` is then no evidence either way (docs/matching.md,
     * "Middle names").
     */
    bool middle_known;
    /*
     * The registered learner the query describes (a duplicate review), or
     * 0. When set, that learner, the records merged with it and every
     * learner a person decided is not it (lrs_match_index_not_same()) are
     * left out of the answer.
     */
    uint64_t uln;
};

/* ------------------------------------------------------------------ */
/* Results                                                            */
/* ------------------------------------------------------------------ */

enum lrs_match_candidate_flags {
    /** Given and family names matched the other way round. */
    LRS_MATCH_CAND_SWAPPED = 1u << 0,
    /** The record that scored was merged; `uln` is its master's. */
    LRS_MATCH_CAND_MERGED = 1u << 1,
    /**
     * Never an exact match, whatever the score: the given names agree
     * only phonetically or by an initial, or as a variant, jw_mid or one
     * edit of another common given name, or a given name is missing, or
     * the date of birth is different, or both have middle names and
     * they are different.
     */
    LRS_MATCH_CAND_VETO = 1u << 2,
    /** The given name matched the learner's preferred given name. */
    LRS_MATCH_CAND_PREFERRED = 1u << 3,
    /**
     * Weak corroboration: the postcode is in another area or one part of
     * the date of birth is wrong, so an exact match needs the model's
     * high_weak more bits (lrs_match_result.high_weak).
     */
    LRS_MATCH_CAND_WEAK = 1u << 4,
};

/** A scored candidate. */
struct lrs_match_candidate {
    uint64_t uln;         /* the learner to answer (a master) */
    uint64_t matched_uln; /* the record that scored; == uln unless merged */
    uint32_t learner;     /* index id of `uln` */
    uint32_t matched;     /* index id of `matched_uln` */
    double score;         /* sum of the weights, bits */
    uint8_t level[LRS_MATCH_FIELD__COUNT]; /* per field, its level enum */
    double weight[LRS_MATCH_FIELD__COUNT]; /* per field, bits */
    double swap_weight; /* the swapped weight when SWAPPED, else 0 */
    unsigned flags;     /* enum lrs_match_candidate_flags */
};

/**
 * The answer to one find. Initialise with lrs_match_result_init() and reuse
 * it across finds: its arrays are kept and grown, so a warm result makes a
 * find allocation-free. Release with lrs_match_result_release().
 */
struct lrs_match_result {
    enum lrs_match_code code;
    /*
     * The candidates, best first: for WSRC0004/0022 the one match; for
     * WSRC0003 each possible match; for WSRC0002 the best max_possible
     * of them; for WSRC0001 none. Owned by the result, valid until the
     * next find or release.
     */
    struct lrs_match_candidate *candidates;
    size_t candidate_count;
    size_t above_low;           /* candidates that reached the low mark */
    uint64_t excluded;          /* compared in full but dropped by the twin
                                   rule: given names different */
    double high;                /* the exact threshold used, bits */
    double high_weak;           /* the exact threshold of a candidate
                                   flagged LRS_MATCH_CAND_WEAK, bits */
    double low;                 /* the possible threshold used, bits */
    uint64_t blocks_probed;     /* blocking keys looked up */
    uint64_t candidates_scored; /* distinct learners compared, at least by
                                   their bound */
    uint64_t candidates_pruned; /* of those, left out by the bound: below
                                   the possible threshold whatever their
                                   names (docs/matching.md) */
    uint64_t blocks_oversized;  /* blocks cut at max_block */
    bool candidates_capped;     /* max_candidates was reached */
    /* Scratch space, owned; not part of the answer. */
    void *scratch;
    size_t scratch_size;
    size_t candidate_cap;
};

/** Initialise an empty result. */
/**
 * The exact threshold of candidate `c` of `res`: res->high_weak when `c`
 * is flagged LRS_MATCH_CAND_WEAK, else res->high.
 */
static inline double
lrs_match_exact_threshold(const struct lrs_match_result *res,
                          const struct lrs_match_candidate *c)
{
    return c->flags & LRS_MATCH_CAND_WEAK ? res->high_weak : res->high;
}

LRS_API void lrs_match_result_init(struct lrs_match_result *res);
/** Free what `res` holds and leave it empty. */
LRS_API void lrs_match_result_release(struct lrs_match_result *res);

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */

struct lrs_match_index;

/**
 * Create an empty index with the model `model` (copied; NULL for the
 * defaults). `capacity` (0 for none) is how many learners to make room for
 * now. *out is owned: free with lrs_match_index_free().
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_match_index_new(const struct lrs_match_model *model, size_t capacity,
                    struct lrs_match_index **out);

/** Free the index; NULL is a no-op. */
LRS_API void lrs_match_index_free(struct lrs_match_index *idx);

/* ------------------------------------------------------------------ */
/* Operations                                                         */
/* ------------------------------------------------------------------ */

/**
 * Add a learner. *id (may be NULL) receives its index id. LRS_ECONFLICT
 * when the ULN is already in the index; LRS_EINVAL (diag names the field)
 * for an invalid ULN, a name that does not normalise, or a bad date or
 * gender; LRS_ELIMIT at 2^32-2 learners; LRS_ENOMEM. On error the index is
 * unchanged.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_match_index_insert(struct lrs_match_index *idx,
                       const struct lrs_match_learner *learner, uint32_t *id,
                       struct lrs_diag *diag);

/**
 * Link the blocking keys of the learners inserted since the last build.
 * An insert only stores its learner; the next find, training or stats
 * links every pending learner at once (many: one bulk build of the
 * blocking table, docs/matching.md "Memory"). Call this after loading a
 * register so that the first search does not pay for the build.
 * LRS_ENOMEM (the learners stay pending, the index valid).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_match_index_build(struct lrs_match_index *idx);

/**
 * Replace the details of the learner with `learner->uln` (an amendment)
 * and re-key it: its old blocking keys are removed and its new ones added,
 * and the name frequencies follow. LRS_ENOTFOUND for an unknown ULN; other
 * errors as insert. On error the index is unchanged.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_match_index_update(struct lrs_match_index *idx,
                       const struct lrs_match_learner *learner,
                       struct lrs_diag *diag);

/**
 * Link the learner `merged_uln` to `master_uln`: finds that match the
 * merged record answer the master with WSRC0022. The merged record keeps
 * its keys (its details may be what a school still holds). A master that
 * is itself merged is followed to its own master. LRS_ENOTFOUND for an
 * unknown ULN, LRS_EINVAL when the two are the same learner or the merge
 * would make a cycle.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_match_index_merge(struct lrs_match_index *idx, uint64_t merged_uln,
                      uint64_t master_uln);

/**
 * Undo lrs_match_index_merge() of `merged_uln`: finds that match the
 * record answer it again, and records merged into it follow it again.
 * LRS_ENOTFOUND for an unknown ULN, LRS_EINVAL when it is not merged.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_match_index_unmerge(struct lrs_match_index *idx, uint64_t merged_uln);

/**
 * Remember that a person decided learners `a` and `b` are not the same:
 * a find whose query names one of them (lrs_match_query.uln) never
 * answers the other, nor a record merged with the other. The pairs live
 * beside the learner records, sorted, so that a find without a query ULN
 * pays nothing and one with it a binary search. Idempotent.
 * LRS_ENOTFOUND for an unknown ULN, LRS_EINVAL when a == b, LRS_ENOMEM.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_match_index_not_same(struct lrs_match_index *idx, uint64_t a, uint64_t b);

/**
 * Search: normalise the query, probe its blocks, score every candidate
 * and decide (docs/matching.md). The answer goes to `res` (initialised by
 * the caller, reused). LRS_EINVAL (diag names the field) when a name does
 * not normalise; LRS_ENOMEM. A query with nothing to block on gives
 * WSRC0001.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_match_index_find(const struct lrs_match_index *idx,
                     const struct lrs_match_query *query,
                     struct lrs_match_result *res, struct lrs_diag *diag);

/**
 * Look a learner up by ULN and check the names (learnerByULN): WSRC0004
 * (WSRC0022 when the ULN was merged; the master is answered) when both
 * the given and the family name reach at least the phonetic level against
 * the record (family names also against former ones), else WSRC0001 with
 * the compared record as the only candidate so that the failure explains
 * itself. Unknown ULN: WSRC0001 and no candidates. Errors as find.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_match_index_find_uln(const struct lrs_match_index *idx, uint64_t uln,
                         struct lrs_str given, struct lrs_str family,
                         struct lrs_match_result *res, struct lrs_diag *diag);

/** Figures about an index. */
struct lrs_match_stats {
    uint64_t learners; /* records, merged ones included */
    uint64_t merged;   /* records linked to a master */
    uint64_t names;    /* distinct normalised names, the empty one not */
    uint64_t keys;     /* blocking keys of every learner (linked, unless
                          linking failed) */
    uint64_t bytes;    /* memory the index holds, allocated capacity
                          included: learner records, blocking table (both
                          parts), ULN table, name table, not-same pairs */
    uint64_t finds;    /* finds and ULN lookups answered since creation */
    uint64_t blocks_oversized; /* blocks cut at max_block, all finds */
};

/**
 * Read the figures of `idx` into *out. Links the learners inserted since
 * the last build first (as a find does: it may take the write lock, and
 * then waits for running finds), so that `bytes` is the built index's;
 * when linking fails (no memory) the figures are those of the index as it
 * is, pending learners unlinked. Safe from any thread.
 */
LRS_API void lrs_match_index_stats(const struct lrs_match_index *idx,
                                   struct lrs_match_stats *out);

/**
 * The model in use, borrowed from `idx` until lrs_match_index_set_model()
 * or its free; not to be read while another thread sets the model.
 */
LRS_API const struct lrs_match_model *
lrs_match_index_model(const struct lrs_match_index *idx);

/**
 * Replace the model of `idx` with a copy of `model` (a trained one, say),
 * taking the lock exclusively. LRS_EINVAL (diag names the key) when
 * lrs_match_model_check() fails; the index then keeps its model.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_match_index_set_model(struct lrs_match_index *idx,
                          const struct lrs_match_model *model,
                          struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* Training                                                           */
/* ------------------------------------------------------------------ */

/**
 * How lrs_match_model_estimate() trains (docs/matching.md, "Training").
 * lrs_match_train_opts_default() fills the values in brackets.
 */
struct lrs_match_train_opts {
    uint64_t seed;           /* of the deterministic sampling (1) */
    uint64_t u_pairs;        /* random learner pairs compared for u
                                (1,000,000) */
    uint64_t em_learners;    /* learners sampled whose blocks give the EM
                                pairs (100,000) */
    unsigned max_iterations; /* EM iterations at most (30) */
    double tolerance;        /* EM stops when no m moves more (1e-5) */
    uint64_t min_learners;   /* a smaller register gets the shipped
                                defaults (1,000) */
    double min_matches;      /* fewer expected matches among the EM pairs:
                                m stays at the defaults (50) */
    double min_agreement;    /* smaller share of EM's matches in pairs the
                                shipped model scores at least its possible
                                threshold: m stays at the defaults (0.9) */
    double m_prior;          /* pseudo-matches holding m towards the
                                defaults (100) */
    double u_prior;          /* pseudo-pairs holding u towards the
                                defaults (10,000) */
    double max_shift;        /* bits a level's weight may move from the
                                default: m and u each stay within a factor
                                2^(max_shift/2) of theirs (4) */
};

/** Fill `opts` with the defaults. */
LRS_API void lrs_match_train_opts_default(struct lrs_match_train_opts *opts);

/** What a training did. */
/* The blocking rules EM runs over, one at a time (docs/matching.md). */
#define LRS_MATCH_TRAIN_RULES 4

/** What EM did over the pairs of one blocking rule. */
struct lrs_match_train_rule {
    const char *name;    /* its key: "dob+given", "dob+postcode",
                            "postcode+family",
                            "given+family+year+month" */
    uint64_t pairs;      /* blocked pairs given to EM */
    uint64_t excluded;   /* left out by the twin rule */
    uint64_t patterns;   /* distinct level patterns among them */
    unsigned iterations; /* EM iterations run */
    bool converged;      /* stopped by the tolerance */
    double matches;      /* expected matches among the pairs */
    double agreement;    /* share of those the shipped model scores at
                            least its possible-match threshold */
    bool used;           /* matches >= min_matches and agreement >=
                            min_agreement: its m estimates count */
};

struct lrs_match_train_report {
    uint64_t learners;    /* in the index */
    bool fallback;        /* fewer than min_learners: defaults returned */
    uint64_t u_pairs;     /* random pairs compared */
    uint64_t em_learners; /* learners whose blocks were read, per rule */
    uint64_t em_pairs;    /* blocked pairs given to EM, all rules */
    uint64_t em_excluded; /* blocked pairs left out by the twin rule
                             (given names different: never a match) */
    uint64_t em_patterns; /* distinct level patterns, summed over rules */
    unsigned iterations;  /* EM iterations of the longest rule */
    bool converged;       /* every rule's EM stopped by the tolerance */
    double match_share;   /* expected matches / em_pairs, all rules */
    double matches;       /* the most expected matches of a rule used */
    double agreement;     /* of the rules used, the share of their
                             matches that the shipped model scores at
                             least its possible-match threshold */
    unsigned rules_used;  /* rules whose estimates count */
    unsigned m_fields;    /* fields whose m was trained (the others keep
                             the defaults: no rule used estimates them) */
    bool m_default;       /* no rule used: m kept at the defaults */
    unsigned clamped;     /* m and u values held at their cap */
    struct lrs_match_train_rule rules[LRS_MATCH_TRAIN_RULES];
};

/**
 * Estimate the m and u of every level from the learners of `idx`
 * (Fellegi-Sunter with conditional independence): u from random pairs
 * of learners, m by expectation-maximisation over the pairs that
 * blocking brings together, starting from and smoothed towards the
 * shipped defaults, each kept within max_shift bits of them
 * (docs/matching.md, "Training"). *model receives the model of `idx`
 * with the trained m and u (the levels fixed by definition, the swap
 * weight, the thresholds and the frequency settings are copied, not
 * trained). A register smaller than min_learners gives the shipped m
 * and u. Deterministic for a given index, options and seed. `opts` may
 * be NULL (defaults); `report` may be NULL. Takes the index's lock
 * shared: finds may run meanwhile, inserts wait. LRS_EINVAL (diag names
 * the option) for options out of range; LRS_ENOMEM.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_match_model_estimate(
    const struct lrs_match_index *idx, const struct lrs_match_train_opts *opts,
    struct lrs_match_model *model, struct lrs_match_train_report *report,
    struct lrs_diag *diag);

/**
 * The index id of `uln`; LRS_ENOTFOUND when the index has no such
 * learner.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_match_index_lookup(const struct lrs_match_index *idx, uint64_t uln,
                       uint32_t *id);

/* ------------------------------------------------------------------ */
/* Explanation                                                        */
/* ------------------------------------------------------------------ */

/**
 * Append to `out` a readable table of `res`: the code, the thresholds,
 * then per candidate its ULN, each field's level and weight, and the
 * total. On error `out` may hold part of the text.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_match_explain_text(const struct lrs_match_result *res, struct lrs_buf *out);

/**
 * Append `res` to `out` as one JSON object: {"code":"WSRC0004",
 * "high":..,"low":..,"candidates":[{"uln":"..","score":..,"fields":
 * {"given":{"level":"exact","weight":..},..}}],"counters":{..}}
 * (docs/matching.md has the full shape).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_match_explain_json(const struct lrs_match_result *res, struct lrs_buf *out);

/**
 * Whether normalised single names `a` and `b` are a known nickname pair
 * (either way), from the nickname tables built into the library
 * (data/nicknames/README).
 */
LRS_API bool lrs_match_nickname(struct lrs_str a, struct lrs_str b);

#endif /* LRS_MATCH_H */
