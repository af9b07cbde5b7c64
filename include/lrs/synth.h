/*
 * lrs/synth.h - synthetic registers and query sets, and the evaluation of
 * a matcher's answers against their truth.
 *
 * The generator writes three CSV files (formats in docs/synth.md):
 *
 *   learners.csv  the register: learners with valid, distinct ULNs, in
 *                 families (siblings and twins share family name, address
 *                 and postcode), with British, Irish, Welsh, Scottish,
 *                 South Asian, African and Eastern European names;
 *   queries.csv   searches: corrupted copies of register learners (typos,
 *                 nicknames, swapped names, day/month swaps, moves, ...),
 *                 new people, and twins or siblings of register learners
 *                 who are not themselves in the register;
 *   truth.csv     for each query, the ULN it must find (empty when none)
 *                 and the corruption kinds applied.
 *
 * Output is a pure function of the options: the same seed, counts and
 * library version give byte-identical files. Ages are relative to the
 * fixed reference date LRS_SYNTH_REF_DATE, not to today.
 *
 * The evaluator reads a truth file and a results file (one matcher answer
 * per query) and counts true, false and missed links and reviews, overall
 * and per corruption kind.
 *
 * Thread-safety: no global state; distinct objects may be used from
 * distinct threads.
 */
#ifndef LRS_SYNTH_H
#define LRS_SYNTH_H

#include <lrs/base.h>

/** The reference date for ages: learners are 13 to 19 on this day. */
#define LRS_SYNTH_REF_DATE "2026-09-01"

/** Largest register the generator accepts (the ULN space is 9e8). */
#define LRS_SYNTH_MAX_LEARNERS 100000000u
/** Largest query set the generator accepts. */
#define LRS_SYNTH_MAX_QUERIES 100000000u

/**
 * The kinds of query, in the order they are written in truth.csv kind
 * strings (joined with '+') and reported by the evaluator.
 */
enum lrs_synth_kind {
    LRS_SYNTH_EXACT = 0,     /* an unchanged copy of a register learner */
    LRS_SYNTH_TYPO_GIVEN,    /* one keyboard slip in the given name */
    LRS_SYNTH_TYPO_FAMILY,   /* one keyboard slip in the family name */
    LRS_SYNTH_NICKNAME,      /* given name is a nickname or preferred name */
    LRS_SYNTH_SWAPPED_NAMES, /* given and family names swapped */
    LRS_SYNTH_DOB_SWAP,      /* day and month of birth swapped */
    LRS_SYNTH_DOB_TYPO,      /* one of day, month, year of birth wrong */
    LRS_SYNTH_MOVED,         /* a different postcode (moved house) */
    LRS_SYNTH_NO_POSTCODE,   /* postcode missing */
    LRS_SYNTH_NO_GENDER,     /* gender missing */
    LRS_SYNTH_HYPHENATED,    /* a part of a double-barrelled name added,
                                dropped, or its hyphen made a space */
    LRS_SYNTH_DIACRITICS,    /* accents dropped (Zoë as Zoe) or added */
    LRS_SYNTH_MARRIED_NAME,  /* a new family name not in the register */
    LRS_SYNTH_PREVIOUS_NAME, /* the learner's previous family name */
    LRS_SYNTH_NO_MIDDLE,     /* the middle names left out */
    LRS_SYNTH_NEW_PERSON,    /* someone not in the register */
    LRS_SYNTH_TWIN,          /* the unregistered twin of a register
                                learner: must not link */
    LRS_SYNTH_SIBLING,       /* an unregistered sibling at the same
                                address: must not link */
    LRS_SYNTH_KIND__COUNT    /* number of kinds; not a kind */
};

/** The name of `kind` as written in truth.csv ("typo_given"); static. */
LRS_API const char *lrs_synth_kind_name(enum lrs_synth_kind kind);

/**
 * The kind called `name`, or LRS_SYNTH_KIND__COUNT when there is none.
 */
LRS_API enum lrs_synth_kind lrs_synth_kind_find(struct lrs_str name);

/* ------------------------------------------------------------------ */
/* Generation                                                         */
/* ------------------------------------------------------------------ */

/** What to generate. */
struct lrs_synth_opts {
    uint64_t learner_count; /* register size, 1..LRS_SYNTH_MAX_LEARNERS */
    uint64_t query_count;   /* queries, 0..LRS_SYNTH_MAX_QUERIES */
    uint64_t seed;          /* any value; same seed, same files */
    /*
     * Duplicates in the register, per 10,000 learners (0..1000; default
     * 0, and then the files are as without this field): after a learner,
     * with this chance, a second record of the same person with one
     * corruption (a typo, a nickname, a moved house...) and its own ULN,
     * as a register that once missed a link holds. For `lrs train`,
     * whose EM needs true duplicates to estimate m; queries target only
     * the first records.
     */
    uint32_t duplicates_per_10k;
};

/** What was generated. */
struct lrs_synth_stats {
    uint64_t learners;     /* rows of learners.csv */
    uint64_t families;     /* households in the register */
    uint64_t with_sibling; /* learners with a sibling in the register */
    uint64_t twins;        /* learners with a twin in the register */
    uint64_t duplicates;   /* second records (duplicates_per_10k) */
    uint64_t queries;      /* rows of queries.csv (and of truth.csv) */
    uint64_t matchable;    /* queries whose truth ULN is set */
    uint64_t kind_count[LRS_SYNTH_KIND__COUNT]; /* queries with each kind */
};

/**
 * Generate learners.csv, queries.csv and truth.csv in the directory
 * `dir` (created if missing; its parent must exist). Each file is written
 * to a hidden temporary name in `dir` and renamed into place only when it
 * is complete, so a reader never sees a half-written file. `stats` may be
 * NULL. Errors: LRS_EINVAL for out-of-range options (diag field
 * "learners" or "queries"), LRS_EIO when a file cannot be written (diag
 * names the path and the system error), LRS_ENOMEM.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_synth_write(const struct lrs_synth_opts *opts, const char *dir,
                struct lrs_synth_stats *stats, struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* Evaluation                                                         */
/* ------------------------------------------------------------------ */

/**
 * Outcome counts for a set of queries. A result "links" when its code is
 * WSRC0004 (exact match) or WSRC0022 (linked learner); it is a "review"
 * when the code is WSRC0003 (possible matches) or WSRC0002 (too many).
 */
struct lrs_eval_counts {
    uint64_t queries;      /* queries counted */
    uint64_t matchable;    /* queries whose truth ULN is set */
    uint64_t true_links;   /* linked the truth ULN */
    uint64_t false_links;  /* linked a ULN that is not the truth ULN,
                              including any link when the truth is empty */
    uint64_t wrong_links;  /* false links of matchable queries */
    uint64_t missed_links; /* matchable, answered WSRC0001: a duplicate
                              ULN would be issued */
    uint64_t reviews;      /* answered WSRC0003 or WSRC0002 */
    uint64_t review_hits;  /* reviews whose candidates hold the truth ULN */
    uint64_t true_new;     /* truth empty, answered WSRC0001 */
};

/** Rates from lrs_eval_counts; NaN where the denominator is 0. */
struct lrs_eval_rates {
    double false_link;    /* false_links / queries */
    double missed_link;   /* missed_links / matchable */
    double review;        /* reviews / queries */
    double precision;     /* true_links / (true_links + false_links) */
    double recall;        /* true_links / matchable (reviews not linked) */
    double f1;            /* harmonic mean of precision and recall */
    double recall_review; /* (true_links + review_hits) / matchable */
};

/** The counts of one corruption kind (a component of the kind string). */
struct lrs_eval_kind {
    char *name;                    /* owned by the lrs_eval, e.g. "moved" */
    struct lrs_eval_counts counts; /* queries that had this kind */
};

/**
 * An evaluation. Initialise with LRS_EVAL_INIT; lrs_eval_release() frees
 * it. A query whose kind is "typo_family+moved" counts once overall and
 * once under each of its two kinds.
 */
struct lrs_eval {
    struct lrs_eval_counts overall; /* every query */
    struct lrs_eval_kind *kinds;    /* owned; the enum lrs_synth_kind order,
                                       then unknown kinds as first seen */
    size_t kind_count;              /* entries of kinds */
};

#define LRS_EVAL_INIT                                                          \
    {                                                                          \
        {0, 0, 0, 0, 0, 0, 0, 0, 0}, NULL, 0                                   \
    }

/**
 * Evaluate the CSV text `results` against the CSV text `truth` (formats
 * in docs/synth.md); `truth_name` and `results_name` (borrowed, e.g. file
 * names) are quoted in diagnostics. Both files are read strictly (RFC
 * 4180, exact headers, valid ULNs and codes), and every truth id must
 * have exactly one result and every result a truth id. On LRS_EINVAL the
 * diagnostic names the file, line, column and rule, e.g.
 * "results.csv line 7, column 3 (uln): check digit is 3, expected 2".
 * `ev` is cleared first; on error it is left empty.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_eval_run(struct lrs_eval *ev, struct lrs_str truth, const char *truth_name,
             struct lrs_str results, const char *results_name,
             struct lrs_diag *diag);

/**
 * lrs_eval_run() on the files at `truth_path` and `results_path`.
 * LRS_EIO (diag names the path and the system error) when one cannot be
 * read.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_eval_files(struct lrs_eval *ev,
                                                  const char *truth_path,
                                                  const char *results_path,
                                                  struct lrs_diag *diag);

/** Free what `ev` holds and leave it as LRS_EVAL_INIT. */
LRS_API void lrs_eval_release(struct lrs_eval *ev);

/** The rates of `counts` into `out`. */
LRS_API void lrs_eval_rates_of(const struct lrs_eval_counts *counts,
                               struct lrs_eval_rates *out);

#endif /* LRS_SYNTH_H */
