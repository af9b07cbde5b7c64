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

#include <lrs/accounts.h>
#include <lrs/auth.h>
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

struct lrs_store_model; /* lrs/store.h */

/**
 * The match model in use for the register of `s`: the newest one saved
 * by `lrs train` (lrs_store_model_latest), read with lrs_match_model_read;
 * when none was ever saved, the shipped defaults (lrs_match_model_default)
 * and info->id 0. `info` may be NULL. A stored model that does not read
 * (e.g. written by a newer program) is LRS_ECORRUPT with diag "model"
 * naming the row and the reason; nothing falls back silently.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_model_get(struct lrs_store *s, struct lrs_match_model *out,
                      struct lrs_store_model *info, struct lrs_diag *diag);

/**
 * Build a match index (lrs/match.h) with `model` (NULL: the register's
 * own, lrs_service_model_get) of
 * every learner of the store: active and linked ones (closed ones are
 * never answered), each with its former family names (the name history,
 * most recent first, then previous_family_name), and every merge linked
 * to its master. *out is owned (lrs_match_index_free()). LRS_EINVAL with
 * the learner's ULN in `diag` when a stored record cannot be indexed.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_index_load(struct lrs_store *s, const struct lrs_match_model *model,
                       struct lrs_match_index **out, struct lrs_diag *diag);

/** What lrs_service_index_apply() did. */
enum lrs_index_apply {
    LRS_INDEX_APPLY_INSERTED = 1, /* the learner was new to the index */
    LRS_INDEX_APPLY_UPDATED,      /* its record was brought up to date */
    LRS_INDEX_APPLY_SKIPPED,      /* closed or gone from the store: left
                                     as it was (NEEDSWORK below) */
};

/**
 * Bring learner `uln` of `idx` up to date with the store, for a change
 * read from the change feed (lrs/changes.h) that may have been made by
 * another process: read the learner again with its former family names,
 * insert or update (re-key) it, link it to its master when it is merged
 * (inserting the master first if the index lacks it) or unlink it when
 * it no longer is, and tell the index each non-match pair naming it.
 * Idempotent: applying a change twice, or one this process made itself,
 * leaves the same index. Not audited: nobody reads a learner here, the
 * index copies the register as lrs_service_index_load() does.
 * NEEDSWORK: lrs/match.h has no removal, so a learner closed or deleted
 * elsewhere stays in the index until it is loaded again (*done SKIPPED).
 * LRS_EINVAL (diag names the learner) when its stored record cannot be
 * indexed; store errors with the store's message.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_index_apply(struct lrs_store *s, struct lrs_match_index *idx,
                        const char *uln, enum lrs_index_apply *done,
                        struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* Register after search, amend, merge and unmerge (register.c)       */
/* ------------------------------------------------------------------ */

struct lrs_match_result; /* lrs/match.h */

/** The registerSingleLearner answers (DOMAIN.md), valued as their numbers. */
enum lrs_register_code {
    LRS_REGISTER_NEW = 5,      /* WSRC0005: registered, a ULN issued */
    LRS_REGISTER_REFUSED = 21, /* WSRC0021: could not be registered */
};

/** "WSRC0005", "WSRC0021"; "WSRC????" otherwise. Static. */
LRS_API const char *lrs_register_code_name(enum lrs_register_code code);

enum lrs_register_flags {
    /**
     * The caller has seen the candidates of the search and confirms a new
     * learner (a reason is required): each candidate shown is recorded
     * as not the same learner (lrs_store_non_match_add, CONFIRM_NEW). An
     * identical learner still refuses.
     */
    LRS_REGISTER_CONFIRM_NEW = 1u << 0,
};

/** How a registration went, beside the search in its lrs_match_result. */
struct lrs_register_outcome {
    enum lrs_register_code code;
    /* Refused because a learner with the same given name, family name,
     * date of birth, gender and postcode (compared normalised) exists:
     * same_uln (its master when it was merged). Confirming cannot
     * override this. */
    bool identical;
    char same_uln[LRS_ULN_SIZE];
    size_t not_same; /* candidates recorded as not the same learner */
};

/**
 * Register `l` after searching for it (registerSingleLearner; a find must
 * precede a register, DOMAIN.md; docs/matching.md "Register after
 * search"): check it (its ULN must be empty: one is issued), search `idx`
 * with its details into `res` (initialised by the caller; its candidates
 * and their explanation are the answer either way), then
 * - any candidate (WSRC0004, 0022, 0003 or 0002) and no
 *   LRS_REGISTER_CONFIRM_NEW: refused (WSRC0021), nothing written;
 * - a candidate identical in the five details: refused, confirmed or not;
 * - otherwise, in one transaction: insert with a new ULN (written back to
 *   l->uln), claim the learner's identity key (lrs_store_identity_claim:
 *   a learner with the same details registered meanwhile, by any process,
 *   refuses it instead), audit REGISTER, and with CONFIRM_NEW record each
 *   candidate as not the same with `reason`; then insert the learner and
 *   those pairs into `idx`, so the next search finds it.
 * Registrations through one process are serialised (search, write,
 * index), so two at once of one person in one process also give one ULN.
 * LRS_OK with out->code either way; LRS_EINVAL (diag names the field) for
 * a bad learner, a ULN given, or CONFIRM_NEW without a reason; store
 * errors as lrs_service_learner_register(). Call it with no transaction
 * open on `s` (it commits its own; LRS_BUG otherwise).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_register(struct lrs_store *s, struct lrs_match_index *idx,
                     const struct lrs_actor *actor, struct lrs_learner *l,
                     unsigned flags, const char *reason,
                     struct lrs_match_result *res,
                     struct lrs_register_outcome *out, struct lrs_diag *diag);

/**
 * Amend learner l->uln (updateSingleLearner) as
 * lrs_service_learner_update(), and keep `idx` current: the learner is
 * re-keyed (lrs_match_index_update) with its former family names from
 * the name history, so a search finds it by the old name and by the new.
 * A change of any name needs a reason (a deed poll, say; LRS_EINVAL,
 * field "reason"), kept in the name history. A merged learner cannot be
 * amended (LRS_EINVAL, field "uln": amend its master). `idx` may be NULL.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_amend(struct lrs_store *s, struct lrs_match_index *idx,
                  const struct lrs_actor *actor, struct lrs_learner *l,
                  int32_t expected_version, const char *reason,
                  struct lrs_diag *diag);

/**
 * Merge learner `merged_uln` into `master_uln` (both validated; a reason
 * required): lrs_store_link_merge() (the link history row with who, when
 * and why), audit MERGE of both, one transaction; then link them in `idx`
 * (may be NULL). Neither record's names are changed: both stay in the
 * register and in the index, and a search or lookup matching the merged
 * one answers the master (WSRC0022). Errors as lrs_store_learner_merge().
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_merge(struct lrs_store *s, struct lrs_match_index *idx,
                  const struct lrs_actor *actor, struct lrs_str merged_uln,
                  struct lrs_str master_uln, const char *reason,
                  struct lrs_diag *diag);

/**
 * Undo the merge of `merged_uln` (a reason required):
 * lrs_store_link_unmerge(), whose rules say when that is no longer
 * possible (the diag says why), audit UPDATE of both learners, one
 * transaction; then unlink it in `idx` (may be NULL): it is found as
 * itself again. The master's ULN goes to `master` (may be NULL).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_unmerge(struct lrs_store *s, struct lrs_match_index *idx,
                    const struct lrs_actor *actor, struct lrs_str merged_uln,
                    const char *reason, char master[LRS_ULN_SIZE],
                    struct lrs_diag *diag);

/**
 * Record a person's decision that learners `a` and `b` are not the same
 * (a reason required; lrs_store_non_match_add()), then tell `idx` (may be
 * NULL): a duplicate search for either never raises the other again.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_not_same(struct lrs_store *s, struct lrs_match_index *idx,
                     const struct lrs_actor *actor, struct lrs_str a,
                     struct lrs_str b, const char *reason,
                     struct lrs_diag *diag);

/**
 * The possible duplicates of registered learner `uln`: read it (audited,
 * following a merge to its master), search `idx` with its details on its
 * behalf (lrs_match_query.uln), into `res`: itself, the records merged
 * with it and the learners decided not to be it are left out.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_duplicates(struct lrs_store *s, const struct lrs_match_index *idx,
                       const struct lrs_actor *actor, struct lrs_str uln,
                       struct lrs_match_result *res, struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* Organisations and users (lib/service/accounts.c)                   */
/* ------------------------------------------------------------------ */

/**
 * The roles a user of an organisation of `kind` may have: operator for
 * the LRS, school and admin for a school, ao for an awarding
 * organisation; none for a provider yet. Learner accounts are apart.
 */
LRS_API unsigned lrs_service_org_roles(enum lrs_org_kind kind);

/** An organisation as a form or a JSON body gives it: text, NULL or ""
 *  when not given. Borrowed for the call. */
struct lrs_org_input {
    const char *type;  /* "school", "ao" or "provider"; required */
    const char *name;  /* required */
    const char *la;    /* a school: LA number 100-999, with estab */
    const char *estab; /* a school: establishment number 0-9999 */
    const char *urn;   /* a school: URN 1-999999999 */
    const char *ukprn; /* an AO or provider: 8 digits; required */
};

/**
 * Add the organisation `in` describes (lrs_store_org_add()) into *out.
 * LRS_EINVAL with `diag` naming the field ("type", "name", "la", "estab",
 * "urn", "ukprn") for a missing or malformed value, or an identifier of
 * another kind of organisation; LRS_ECONFLICT when another organisation
 * has the same identifier. Nothing is written then.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_org_add(struct lrs_store *s, const struct lrs_org_input *in,
                    struct lrs_org *out, struct lrs_diag *diag);

/** A new staff user. Borrowed for the call. */
struct lrs_user_input {
    int64_t org_id;           /* the organisation (0: the LRS) */
    const char *login;        /* required, no spaces, unique */
    const char *display_name; /* may be NULL */
    unsigned roles;           /* bits of lrs_service_org_roles(kind) */
};

/**
 * Add the user `in` describes with a generated password (written to
 * `password`, to be shown once; the user must change it at the next
 * sign-in), hashed at `cost`, into *out (without the hash).
 * LRS_ENOTFOUND (field "org") for an unknown organisation; LRS_EINVAL
 * naming "login", "display_name" or "role" (no role, or one that does
 * not suit the organisation); LRS_ECONFLICT (field "login") when the
 * login is taken. On failure `password` is "".
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_user_add(struct lrs_store *s, const struct lrs_actor *actor,
                     const struct lrs_user_input *in, enum lrs_auth_cost cost,
                     struct lrs_user *out,
                     char password[LRS_AUTH_PASSWORD_NEW_SIZE],
                     struct lrs_diag *diag);

/**
 * Add a learner's own account for the learner with ULN `uln`, login
 * `login` (display name `display_name`, may be NULL), in organisation
 * `org_id`, with a generated password as lrs_service_user_add(), audited
 * (user_add, the account as subject, the learner's ULN) in the same
 * transaction. Only the command line and operators make these outside
 * the sign-up codes (lrs_service_invite_*). LRS_EINVAL naming "uln"
 * (not a ULN), "login" or "display_name"; LRS_ENOTFOUND naming "uln"
 * (no such learner) or "org"; LRS_ECONFLICT (field "login").
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_service_learner_account_add(
    struct lrs_store *s, const struct lrs_actor *actor, int64_t org_id,
    const char *login, const char *display_name, const char *uln,
    enum lrs_auth_cost cost, struct lrs_user *out,
    char password[LRS_AUTH_PASSWORD_NEW_SIZE], struct lrs_diag *diag);

/*
 * Every call below, and lrs_service_user_add(), is made by `actor`
 * (NULL or user 0: the command line, which may do anything). The acting
 * user is read from the store: an operator manages every organisation's
 * users, a school administrator only their own school's, and nobody else
 * any; an organisation or user out of the actor's reach is LRS_ENOTFOUND
 * (field "org" or "user"), as one that does not exist. Each change is
 * one transaction with its audit row (user_add, user_change,
 * user_disable, user_enable, user_password, token_add, token_revoke),
 * which names the actor and, as its subject_user_id, the user changed.
 */

/**
 * Whether `actor` may manage the users of organisation `org_id`, which
 * is read into *org: LRS_OK, or LRS_ENOTFOUND (field "org").
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_user_may_manage(struct lrs_store *s, const struct lrs_actor *actor,
                            int64_t org_id, struct lrs_org *org,
                            struct lrs_diag *diag);

/**
 * Give user `user_id` a new generated password (into `password`, shown
 * once), which must be changed at the next sign-in; every session of the
 * user ends. LRS_ENOTFOUND (field "user") when there is no such user.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_service_user_reset_password(
    struct lrs_store *s, const struct lrs_actor *actor, int64_t user_id,
    enum lrs_auth_cost cost, char password[LRS_AUTH_PASSWORD_NEW_SIZE],
    struct lrs_diag *diag);

/**
 * Disable user `user_id`: no sign-in, no API token, every session ended
 * at once. LRS_EINVAL (field "user") for the actor's own account;
 * LRS_ENOTFOUND (field "user") when there is no such user. Disabling
 * twice is LRS_OK.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_user_disable(struct lrs_store *s, const struct lrs_actor *actor,
                         int64_t user_id, struct lrs_diag *diag);

/** Enable user `user_id` again (sign-in and tokens work again); errors
 *  as lrs_service_user_disable(). */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_user_enable(struct lrs_store *s, const struct lrs_actor *actor,
                        int64_t user_id, struct lrs_diag *diag);

/** A change to a user. Borrowed for the call. */
struct lrs_user_change {
    const char *display_name; /* the new name; NULL keeps it */
    unsigned roles;           /* the new roles; 0 keeps them */
};

/**
 * Rename user `user_id` and/or change their roles, into *out (may be
 * NULL). The roles must suit the user's organisation (as
 * lrs_service_user_add()); a learner account keeps its role; nobody
 * changes their own roles. LRS_EINVAL naming "display_name" or "role";
 * LRS_ENOTFOUND (field "user").
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_user_change(struct lrs_store *s, const struct lrs_actor *actor,
                        int64_t user_id, const struct lrs_user_change *c,
                        struct lrs_user *out, struct lrs_diag *diag);

/**
 * Replace the acting user's own password with `hash` (as
 * lrs_auth_password_hash makes it; the caller has checked the current
 * password and the new one's policy) and clear must_change_password;
 * every session of the user ends. Audited user_password, the actor its
 * own subject. LRS_EINVAL (field "user") for the command line (user 0),
 * which has no password; LRS_ENOTFOUND (field "user").
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_password_change(struct lrs_store *s, const struct lrs_actor *actor,
                            const char *hash, struct lrs_diag *diag);

/**
 * Issue API token `t` (t->user_id its user, t->hash and t->label set:
 * lrs_store_token_add(), which sets t->id and t->created_ms) and audit
 * token_add. The actor may issue tokens only to themself; the command
 * line (NULL or user 0) to anyone. LRS_ENOTFOUND (field "user") for
 * another user or one that does not exist; LRS_EINVAL (field "label").
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_token_add(struct lrs_store *s, const struct lrs_actor *actor,
                      struct lrs_token *t, struct lrs_diag *diag);

/**
 * Revoke token `token_id` of user `user_id` (lrs_store_token_revoke())
 * and audit token_revoke; who may, as lrs_service_token_add(). Revoking
 * a revoked token is LRS_OK and keeps the first time. LRS_ENOTFOUND
 * (field "id") when the user has no such token, (field "user") for
 * another user's.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_token_revoke(struct lrs_store *s, const struct lrs_actor *actor,
                         int64_t user_id, int64_t token_id,
                         struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* A school's pupil roster (docs/school.md, "In the browser")          */
/* ------------------------------------------------------------------ */

/**
 * Keep `csv` (a roster the caller has read with lrs_school_roster_load_mem
 * of lrs/school.h) as the latest roster of the actor's organisation,
 * replacing any, with r->pupils, r->source ("upload" or "import") and
 * r->file_name; for an import, `before` is the roster it started from and
 * `ctf` the returned CTF (both ptr NULL for an upload). r->org_id and
 * r->user_id are set from `actor`. One audit row (roster_store) in the
 * same transaction. LRS_EINVAL, field "roster", when a text is empty,
 * too long, not UTF-8 or holds a NUL byte (lrs_store_roster_put's rules).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_roster_save(struct lrs_store *s, const struct lrs_actor *actor,
                        struct lrs_store_roster *r, struct lrs_str csv,
                        struct lrs_str before, struct lrs_str ctf,
                        struct lrs_diag *diag);

/**
 * Read the latest roster of the actor's organisation (never another's)
 * into `out` and `csv`, and the roster before its last import and the CTF
 * imported into `before` and `ctf` unless NULL; one audit row
 * (roster_read). LRS_ENOTFOUND (diag field "roster") when the
 * organisation has no roster.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_roster_get(struct lrs_store *s, const struct lrs_actor *actor,
                       struct lrs_store_roster *out, struct lrs_buf *csv,
                       struct lrs_buf *before, struct lrs_buf *ctf,
                       struct lrs_diag *diag);

#endif /* LRS_SERVICE_H */
