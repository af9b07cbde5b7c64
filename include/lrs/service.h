/*
 * lrs/service.h - the learner service: the use cases over the store.
 *
 * Programs (lrs, lrsd) call these, not the store directly. Every call
 * validates its input against the LRS `Learner` type (learner.xsd: names
 * 1-35 characters, address lines up to 50, LRS postcode pattern, real
 * dates 1800-2099, gender 0/1/2/9, ULN check digit), runs in one store
 * transaction, and writes one audit row per learner read or written
 * (who, organisation, action, ULN, when) in that same transaction: a read
 * that cannot be audited fails. Audit rows and log messages never hold
 * learner data beyond the ULN.
 *
 * Input errors are LRS_EINVAL with a diag naming the field ("family_name",
 * "date_of_birth", ...) and the rule ("must be at most 35 characters, got
 * 36"). Store errors pass through (LRS_EBUSY, LRS_ECONFLICT for a stale
 * version, ...) with a diag (field "db") holding lrs_store_errmsg().
 *
 * Ownership: the store is borrowed for each call; `actor` and learner
 * structs are borrowed for the call. Thread-safety: as the store (one
 * thread per struct lrs_store).
 */
#ifndef LRS_SERVICE_H
#define LRS_SERVICE_H

#include <lrs/base.h>
#include <lrs/csv.h>
#include <lrs/ids.h>
#include <lrs/store.h>

/* ------------------------------------------------------------------ */
/* Learner fields                                                     */
/* ------------------------------------------------------------------ */

/** The learner fields that files and forms set, by their CSV names. */
enum lrs_learner_field {
    LRS_FIELD_ULN = 0,              /* "uln" */
    LRS_FIELD_GIVEN_NAME,           /* "given_name" */
    LRS_FIELD_MIDDLE_NAMES,         /* "middle_names" */
    LRS_FIELD_FAMILY_NAME,          /* "family_name" */
    LRS_FIELD_DATE_OF_BIRTH,        /* "date_of_birth" */
    LRS_FIELD_GENDER,               /* "gender" */
    LRS_FIELD_POSTCODE,             /* "postcode" */
    LRS_FIELD_PREVIOUS_FAMILY_NAME, /* "previous_family_name" */
    LRS_FIELD_PREFERRED_GIVEN_NAME, /* "preferred_given_name" */
    LRS_FIELD_ADDRESS_LINE1,        /* "address_line1" */
    LRS_FIELD_ADDRESS_LINE2,        /* "address_line2" */
    LRS_FIELD_ADDRESS_TOWN,         /* "address_line3" or "address_town" */
    LRS_FIELD_ADDRESS_COUNTY,       /* "address_line4" or "address_county" */
    LRS_FIELD_ABILITY_TO_SHARE,     /* "ability_to_share" */
    LRS_FIELD__COUNT
};

/** The CSV column name of `f` ("uln", ...); static; NULL if out of range. */
LRS_API const char *lrs_learner_field_name(enum lrs_learner_field f);

/**
 * The field whose CSV column name (or alias above) is `name`, exactly
 * (lower case); LRS_ENOTFOUND if none.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_learner_field_lookup(struct lrs_str name, enum lrs_learner_field *out);

/**
 * Parse `value` and store it in field `f` of `l`, applying that field's
 * rule: ULN by lrs_uln_check (empty: none, one will be issued); names
 * valid UTF-8, no control characters, at most 35 characters (given and
 * family names non-empty, not only spaces: checked by
 * lrs_service_learner_check); dates yyyy-mm-dd or dd/mm/yyyy; gender
 * 0/1/2/9 or M/F/U/W; postcode by lrs_postcode_parse and stored canonical
 * (empty allowed here); address lines at most 50 characters; ability to
 * share 0/1/2. Surrounding spaces are trimmed from every value. On
 * LRS_EINVAL the diag names the field's CSV name and `l` is unchanged.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_learner_field_set(struct lrs_learner *l, enum lrs_learner_field f,
                      struct lrs_str value, struct lrs_diag *diag);

/**
 * Check a whole learner for registration or update: given and family name
 * present, date of birth valid, gender a code, postcode present and
 * canonical, every length within the schema's, enumerations in range,
 * ULN (if set) valid. LRS_EINVAL with the first failing field.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_learner_check(const struct lrs_learner *l, struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* Single learners                                                    */
/* ------------------------------------------------------------------ */

/**
 * Register `l` (registerSingleLearner without the preceding find: the
 * match engine adds that): check it, insert it, issuing a ULN when l->uln
 * is "" (written back to l->uln), status ACTIVE, and audit REGISTER; one
 * transaction. A supplied ULN already registered is LRS_ECONFLICT
 * (diag field "uln").
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_learner_register(struct lrs_store *s, const struct lrs_actor *actor,
                             struct lrs_learner *l, struct lrs_diag *diag);

/**
 * Fetch the learner with ULN `uln` (validated: LRS_EINVAL, field "uln"),
 * following merges to the master (WSRC0022: then out->uln is the master
 * and *linked is true; `linked` may be NULL), and audit READ of `uln`
 * (and of the master when a link was followed).
 * LRS_ENOTFOUND when no learner has that ULN.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_learner_get(struct lrs_store *s, const struct lrs_actor *actor,
                        struct lrs_str uln, struct lrs_learner *out,
                        bool *linked, struct lrs_diag *diag);

/**
 * Amend learner l->uln (updateSingleLearner): check `l`, then replace the
 * stored learner if its version is still `expected_version`; otherwise
 * LRS_ECONFLICT (diag field "version": "learner 1000000043 has version 3,
 * not 2; fetch it again") and nothing changes. Changed names go to the
 * history with `reason`. Audit UPDATE. On success l->version is the new
 * version.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_learner_update(struct lrs_store *s, const struct lrs_actor *actor,
                           struct lrs_learner *l, int32_t expected_version,
                           const char *reason, struct lrs_diag *diag);

/**
 * Merge: link `merged_uln` to `master_uln` (both validated), audit MERGE
 * of both ULNs. Errors as lrs_store_learner_merge().
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_learner_merge(struct lrs_store *s, const struct lrs_actor *actor,
                          struct lrs_str merged_uln, struct lrs_str master_uln,
                          const char *reason, struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* Bulk import and export                                             */
/* ------------------------------------------------------------------ */

/**
 * A rejected row: its line, the column (1-based, 0 when the whole row is
 * wrong) and the diag saying why; `rec` is the row as read (NULL when the
 * CSV itself was malformed, which stops the import). Return non-zero to
 * stop the import with that error.
 */
typedef enum lrs_err (*lrs_import_reject_fn)(void *ctx, uint64_t line,
                                             size_t column,
                                             const struct lrs_diag *why,
                                             const struct lrs_csv_record *rec);

/** Progress: rows read so far and input bytes consumed. */
typedef void (*lrs_import_progress_fn)(void *ctx, uint64_t rows,
                                       uint64_t bytes);

struct lrs_import_opts {
    const char *name;     /* input name for messages (e.g. file name) */
    bool skip_invalid;    /* import the valid rows, reject the rest */
    uint64_t max_rejects; /* stop after this many rejects; 0 = 100 when
                             !skip_invalid, unlimited when skip_invalid */
    lrs_import_reject_fn on_reject;     /* may be NULL */
    lrs_import_progress_fn on_progress; /* may be NULL */
    uint64_t progress_every;            /* rows between calls; 0 = 10000 */
    void *ctx;                          /* passed to both callbacks */
};

struct lrs_import_result {
    uint64_t rows;     /* data rows read (not counting the header) */
    uint64_t imported; /* learners inserted and committed */
    uint64_t issued;   /* of which had a ULN issued (blank uln) */
    uint64_t rejected; /* rows rejected */
};

/**
 * Import learners from CSV (docs/store.md: a header row naming columns
 * from lrs_learner_field_name(); uln, given_name, middle_names,
 * family_name, date_of_birth, gender and postcode are required, the rest
 * optional; unknown columns are an error). Each row is checked like
 * lrs_service_learner_register(); a blank uln issues one; a ULN already
 * registered or repeated in the file is a reject. All rows go in one
 * transaction with one IMPORT audit row per learner.
 *
 * Without skip_invalid: any reject means nothing is imported
 * (LRS_EINVAL; every reject, up to max_rejects, reported through
 * on_reject; `diag` holds the first). With skip_invalid: rejects are
 * reported and the valid rows committed (LRS_OK). A malformed CSV
 * (quotes, field counts, UTF-8, limits) stops the import and imports
 * nothing either way. *result (may be NULL) is filled in all cases.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_service_import_learners(
    struct lrs_store *s, const struct lrs_actor *actor, lrs_csv_read_fn read,
    void *read_ctx, const struct lrs_import_opts *opts,
    struct lrs_import_result *result, struct lrs_diag *diag);

/** Write `len` bytes; LRS_EIO on failure. */
typedef enum lrs_err (*lrs_write_fn)(void *ctx, const char *buf, size_t len);

/**
 * Export every learner as CSV (the import columns, then status,
 * master_uln and version), in ULN order, through `write`, with one EXPORT
 * audit row per learner, committed after the last row is written.
 * *count (may be NULL) receives the number of learners.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_export_learners(struct lrs_store *s, const struct lrs_actor *actor,
                            lrs_write_fn write, void *write_ctx,
                            uint64_t *count, struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* The match index                                                    */
/* ------------------------------------------------------------------ */

struct lrs_match_index; /* lrs/match.h */
struct lrs_match_model; /* lrs/match.h */

/**
 * Build a match index (lrs/match.h) with `model` (NULL: the defaults) of
 * every learner of the store: active and linked ones (closed ones are
 * never answered), each with its former family names (the name history,
 * most recent first, then previous_family_name), and every merge linked
 * to its master. *out is owned (lrs_match_index_free()). LRS_EINVAL with
 * the learner's ULN in `diag` when a stored record cannot be indexed.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_index_load(struct lrs_store *s,
                       const struct lrs_match_model *model,
                       struct lrs_match_index **out, struct lrs_diag *diag);

#endif /* LRS_SERVICE_H */
