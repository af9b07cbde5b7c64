/*
 * lrs/links.h - the store side of the decisions people make about
 * learner records: merges and unmerges, pairs decided not to be the same
 * learner, registrations confirmed as new despite candidates, and the
 * identity keys that let two registrations of one person at once end in
 * one ULN.
 *
 * The rows here are appended, never rewritten, except the one-per-pair
 * set of non-matches and the identity keys, which are the current state
 * the history explains. docs/data-model.md describes the tables (schema
 * version 5) and docs/matching.md the rules ("Register after search",
 * "Merge and unmerge").
 *
 * As lrs/store.h: no validation of learner fields and no audit rows here
 * (the service layer, lrs/service.h, does both); every write runs in the
 * caller's transaction or, without one, in its own. Errors and messages
 * as lrs/store.h (lrs_store_errmsg()).
 *
 * Ownership: structs are caller storage and borrowed for the call; rows
 * handed to callbacks are borrowed for the callback only.
 * Thread-safety: as the store (one thread per struct lrs_store).
 */
#ifndef LRS_LINKS_H
#define LRS_LINKS_H

#include <lrs/base.h>
#include <lrs/store.h>

/* ------------------------------------------------------------------ */
/* The link history                                                   */
/* ------------------------------------------------------------------ */

/** What a link history row records. Stored by name (lrs_link_action_name). */
enum lrs_link_action {
    LRS_LINK_MERGE = 1,   /* uln was merged into other_uln (its master) */
    LRS_LINK_UNMERGE,     /* uln's merge into other_uln was undone */
    LRS_LINK_NOT_SAME,    /* a person decided uln and other_uln are two
                             learners */
    LRS_LINK_CONFIRM_NEW, /* uln was registered although other_uln was a
                             candidate of its search */
};

/** "merge", "unmerge", "not_same", "confirm_new"; "unknown" otherwise. */
LRS_API const char *lrs_link_action_name(enum lrs_link_action a);

/** Longest reason kept, in bytes (longer ones are cut at a character). */
#define LRS_LINK_REASON_MAX 255

/** One row of the link history: who decided what about two ULNs. */
struct lrs_link {
    int64_t id; /* assigned by the store, ascending */
    enum lrs_link_action action;
    char uln[LRS_ULN_SIZE];       /* the learner acted on */
    char other_uln[LRS_ULN_SIZE]; /* the master, or the other learner */
    int64_t at_ms;                /* Unix ms, set by the store */
    int64_t user_id;              /* who */
    int64_t org_id;               /* on behalf of */
    int32_t version; /* merge, unmerge: uln's version after it; else 0 */
    char reason[LRS_LINK_REASON_MAX + 1]; /* why, never empty */
};

typedef enum lrs_err (*lrs_store_link_fn)(const struct lrs_link *l, void *ctx);

/**
 * Append a row (l->id and l->at_ms are set). For the rows that go with no
 * other change (not-same, confirm-new); merges and unmerges append theirs
 * themselves.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_link_append(struct lrs_store *s, const struct lrs_actor *actor,
                      struct lrs_link *l);

/**
 * Stream the link history in ascending id order: the rows where `uln` is
 * either ULN, or every row when `uln` is NULL.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_link_scan(struct lrs_store *s,
                                                       const char *uln,
                                                       lrs_store_link_fn fn,
                                                       void *ctx);

/* ------------------------------------------------------------------ */
/* Merge and unmerge                                                  */
/* ------------------------------------------------------------------ */

/**
 * lrs_store_learner_merge() and a MERGE row of the link history, in one
 * transaction. Errors as lrs_store_learner_merge().
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_link_merge(struct lrs_store *s, const struct lrs_actor *actor,
                     const char *merged_uln, const char *master_uln,
                     const char *reason, struct lrs_diag *diag);

/**
 * Undo the merge of `merged_uln`: the learner becomes ACTIVE again with no
 * master (its version bumped), its open row of the merges table gets
 * unmerged_ms, and an UNMERGE row is appended; one transaction. The
 * master's ULN goes to `master` (may be NULL). Refused, with nothing
 * changed and the reason in `diag` (field "uln"), when (docs/matching.md,
 * "Unmerge"):
 * - the learner is not merged (LRS_EINVAL);
 * - its master has since been merged into another learner
 *   (LRS_ECONFLICT: unmerge the master first);
 * - the learner's record was changed after it was merged, so it can no
 *   longer be restored as it was (LRS_ECONFLICT);
 * - the merges table holds no open merge matching the learner's master
 *   (LRS_ECORRUPT).
 * LRS_ENOTFOUND when there is no such learner.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_link_unmerge(struct lrs_store *s, const struct lrs_actor *actor,
                       const char *merged_uln, const char *reason,
                       char master[LRS_ULN_SIZE], struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* Pairs that are not the same learner                                */
/* ------------------------------------------------------------------ */

/** A pair a person decided are two learners; uln_a < uln_b. */
struct lrs_non_match {
    char uln_a[LRS_ULN_SIZE];
    char uln_b[LRS_ULN_SIZE];
    int64_t at_ms;   /* when it was decided */
    int64_t user_id; /* who */
    int64_t org_id;  /* on behalf of */
    char reason[LRS_LINK_REASON_MAX + 1];
};

typedef enum lrs_err (*lrs_store_non_match_fn)(const struct lrs_non_match *p,
                                               void *ctx);

/**
 * Record that `a` and `b` are not the same learner, and append a NOT_SAME
 * row (or, with `confirm_new`, a CONFIRM_NEW row: a registers despite b)
 * to the link history; one transaction. Both must be learners
 * (LRS_ENOTFOUND) and differ (LRS_EINVAL, field "uln"). A pair already
 * recorded is LRS_ECONFLICT and changes nothing.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_non_match_add(struct lrs_store *s, const struct lrs_actor *actor,
                        const char *a, const char *b, bool confirm_new,
                        const char *reason, struct lrs_diag *diag);

/** Stream the non-match pairs of `uln` (NULL: all), by (uln_a, uln_b). */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_non_match_scan(struct lrs_store *s, const char *uln,
                         lrs_store_non_match_fn fn, void *ctx);

/* ------------------------------------------------------------------ */
/* Identity keys                                                      */
/* ------------------------------------------------------------------ */

/** Longest identity key in bytes, without its NUL. */
#define LRS_IDENTITY_MAX 600

/**
 * Claim the identity key `key` (the service's normalised given name,
 * family name, date of birth, gender and postcode) for learner `uln`, in
 * the caller's transaction. When another learner holds it: LRS_ECONFLICT
 * with that learner's ULN in `holder` (the transaction still usable; on
 * PostgreSQL a claim made by a transaction not yet committed is waited
 * for). A key already held by `uln` is LRS_OK.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_identity_claim(struct lrs_store *s, const char *key, const char *uln,
                         char holder[LRS_ULN_SIZE]);

/** Drop every identity key of `uln` (before an amendment re-claims). */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_identity_drop(struct lrs_store *s,
                                                           const char *uln);

#endif /* LRS_LINKS_H */
