/*
 * store/store_int.h - the engine interface of the store (private to
 * lib/store/ and the store tests).
 *
 * lib/store/store.c is engine-neutral: it owns the public API, the
 * transaction state, ULN issuing, version checks, name history and merge
 * rules, and error messages. An engine is a `const struct lrs_store_ops`
 * (SQLite's sqlite3_io_methods, curl's Curl_cftype): small, dumb
 * operations on its own connection object. All SQL lives in the engines
 * (lib/store/sqlite/, lib/store/pg/) and nowhere else.
 *
 * Contract shared by every op:
 * - `e` is the engine's connection object from `open`; one thread at a time.
 * - Ops return LRS_OK or an error code and never print. On an error other
 *   than LRS_ENOTFOUND the op leaves a message in the engine, returned by
 *   `errmsg` until the next op (engine text such as "database is locked";
 *   store.c adds what it was doing). No message holds learner data.
 * - Engine error mapping: lock or serialization timeouts -> LRS_EBUSY;
 *   unique-key violations -> LRS_ECONFLICT; out of memory -> LRS_ENOMEM;
 *   a corrupt file -> LRS_ECORRUPT; everything else -> LRS_EIO.
 * - Write ops may assume store.c has opened a transaction with `begin`
 *   (store.c wraps every public write in one when the caller has not).
 * - Strings in learner structs are NUL-terminated; "" is stored as the
 *   engine's empty string (not NULL) and read back as "".
 * - Timestamps are Unix milliseconds, filled in by store.c, not the engine.
 * - Prepared statements may be cached for the life of the connection.
 */
#ifndef LRS_STORE_INT_H
#define LRS_STORE_INT_H

#include <lrs/accounts.h>
#include <lrs/batch.h>
#include <lrs/links.h>
#include <lrs/plr.h>
#include <lrs/store.h>

/** One merge, as recorded in the merges table. */
struct lrs__merge {
    char merged_uln[LRS_ULN_SIZE];
    char master_uln[LRS_ULN_SIZE];
    int64_t at_ms;
    int64_t user_id;
    int64_t org_id;
    const char *reason; /* borrowed, never NULL */
};

/** One row of the change log as an engine reads it (lrs/changes.h). */
struct lrs__change {
    int64_t id;
    char uln[LRS_ULN_SIZE];
    int64_t at_ms;
    int64_t xid; /* PostgreSQL: the writing transaction; SQLite: 0 */
};

/** What a read of the change log saw besides its rows. */
struct lrs__change_read {
    size_t count;   /* rows read */
    int64_t xmin;   /* PostgreSQL: the oldest transaction in progress at
                       the read's snapshot; SQLite: 0 */
    int64_t xmax;   /* PostgreSQL: the first transaction not yet started
                       then; SQLite: 0 (ids are in commit order) */
    int64_t pruned; /* the highest id lrs_store_changes_prune removed */
};

struct lrs_store_ops {
    /** "sqlite" or "postgres", static. */
    const char *name;

    /**
     * Connect to `url` (the string given to lrs_store_open). With
     * LRS_STORE_OPEN_CREATE create the database file if missing; without
     * it a missing SQLite file is LRS_ENOTFOUND. Configure the connection
     * for durable commits and a busy timeout of `busy_ms`. On failure set
     * `diag` (field "db") with the engine's reason only, e.g. "unable to
     * open database file"; store.c prefixes "cannot open store 'url'".
     * *out is the engine's object (freed with `close`).
     */
    enum lrs_err (*open)(const char *url, unsigned flags, int busy_ms,
                         void **out, struct lrs_diag *diag);
    /** Roll back any open transaction, release everything. NULL is ok. */
    void (*close)(void *e);
    /** The message of the last failed op ("" if none); borrowed. */
    const char *(*errmsg)(void *e);

    /* -------- schema -------- */

    /** *version = the schema version, 0 if the database has no schema. */
    enum lrs_err (*schema_version)(void *e, int *version);
    /**
     * Apply the engine's migrations from+1 .. to (each engine has the same
     * numbered list, 1 .. LRS_STORE_SCHEMA_VERSION, giving equivalent
     * tables; see docs/data-model.md), and record `to` as the schema
     * version. Called inside a transaction.
     */
    enum lrs_err (*migrate)(void *e, int from, int to);
    /**
     * Drop every table, sequence and function the migrations created, so
     * that the database is empty again. Tests only (the contract suite
     * uses it to start each test from nothing); not in the public API.
     */
    enum lrs_err (*reset)(void *e);

    /* -------- transactions -------- */

    /** Begin a write transaction (SQLite: BEGIN IMMEDIATE). */
    enum lrs_err (*begin)(void *e);
    /** Commit; on failure the engine has rolled back. */
    enum lrs_err (*commit)(void *e);
    /** Roll back; must not fail in a way the caller can act on. */
    void (*rollback)(void *e);

    /* -------- ULN allocator -------- */

    /** Read the stored ULN key; LRS_ENOTFOUND when none was stored. */
    enum lrs_err (*uln_key_get)(void *e, struct lrs_uln_key *key);
    /** Store the ULN key; LRS_ECONFLICT if one is already stored. */
    enum lrs_err (*uln_key_put)(void *e, const struct lrs_uln_key *key);
    /**
     * Hand out a counter value never handed out before, by any connection,
     * including transactions that later rolled back or connections that
     * died (SQLite: a row updated in the caller's transaction, so a
     * rollback gives the value back but no other writer can have seen it;
     * PostgreSQL: nextval of a sequence, which is never given back).
     */
    enum lrs_err (*uln_counter_next)(void *e, uint64_t *counter);
    /** *counter = the next value uln_counter_next would hand out. */
    enum lrs_err (*uln_counter_peek)(void *e, uint64_t *counter);

    /* -------- learners -------- */

    /** Whether a learner row with this ULN exists (any status). */
    enum lrs_err (*learner_exists)(void *e, const char *uln, bool *exists);
    /**
     * Insert every field of `l` as given (uln set; version, times and
     * created_* filled by store.c). LRS_ECONFLICT if the ULN exists, and
     * then the transaction must still be usable (PostgreSQL: ON CONFLICT
     * DO NOTHING and check the row count, not a failed statement).
     */
    enum lrs_err (*learner_insert)(void *e, const struct lrs_learner *l);
    /** Read one learner; LRS_ENOTFOUND when there is none. */
    enum lrs_err (*learner_get)(void *e, const char *uln,
                                struct lrs_learner *out);
    /**
     * Overwrite the learner l->uln with every field of `l` except uln and
     * created_*, provided its stored version is `expected_version`
     * (`UPDATE ... WHERE uln = ? AND version = ?`). LRS_ECONFLICT when no
     * row had that version (store.c has checked that the row exists).
     */
    enum lrs_err (*learner_update)(void *e, const struct lrs_learner *l,
                                   int32_t expected_version);
    /**
     * Stream every learner in ascending ULN order to `fn`, in bounded
     * memory. A non-zero return from `fn` stops the scan and is returned.
     */
    enum lrs_err (*learner_scan)(void *e, lrs_store_learner_fn fn, void *ctx);

    /* -------- history, merges, audit -------- */

    /** Append a name change (c->id ignored; the engine assigns it). */
    enum lrs_err (*name_change_insert)(void *e,
                                       const struct lrs_name_change *c);
    /** Stream name changes of `uln` (NULL: all) in ascending id order. */
    enum lrs_err (*name_change_scan)(void *e, const char *uln,
                                     lrs_store_name_change_fn fn, void *ctx);
    /** Append a merge row. */
    enum lrs_err (*merge_insert)(void *e, const struct lrs__merge *m);
    /** Append an audit row (a->id ignored; at_ms already filled). */
    enum lrs_err (*audit_insert)(void *e, const struct lrs_audit *a);
    /**
     * Stream audit rows of `uln` (NULL: all) in ascending id order. The
     * engine may point a->actor.source at its own storage, valid for the
     * callback only.
     */
    enum lrs_err (*audit_scan)(void *e, const char *uln, lrs_store_audit_fn fn,
                               void *ctx);
    /** Stream audit rows whose subject_user_id is `user_id`, in ascending
     *  id order; source as audit_scan. */
    enum lrs_err (*audit_scan_user)(void *e, int64_t user_id,
                                    lrs_store_audit_fn fn, void *ctx);

    /** Fill every count of `out` except schema_version and uln_counter. */
    enum lrs_err (*stats)(void *e, struct lrs_store_stats *out);
    /* -------- accounts (lib/store/<engine>/accounts.c) -------- */

    /** Insert `o` (checked by accounts.c); set o->id. LRS_ECONFLICT on a
     *  duplicate identifier, with the transaction still usable. */
    enum lrs_err (*org_insert)(void *e, struct lrs_org *o);
    /** Read organisation `id`; LRS_ENOTFOUND when none. */
    enum lrs_err (*org_get)(void *e, int64_t id, struct lrs_org *out);
    /** Read the organisation of the one identifier `ref` sets. */
    enum lrs_err (*org_find)(void *e, const struct lrs_org_ref *ref,
                             struct lrs_org *out);
    /** Stream organisations in id order. */
    enum lrs_err (*org_scan)(void *e, lrs_store_org_fn fn, void *ctx);
    /** Insert user `u` and one user_roles row per role bit (names from
     *  lrs__store_role_name); set u->id. LRS_ECONFLICT: login in use. */
    enum lrs_err (*user_insert)(void *e, struct lrs_user *u);
    /** Read a user with its roles: by `login` when not NULL, else `id`. */
    enum lrs_err (*user_get)(void *e, int64_t id, const char *login,
                             struct lrs_user *out);
    /** Stream the users of `org_id` (all when negative) in id order,
     *  password_hash left "". */
    enum lrs_err (*user_scan)(void *e, int64_t org_id, lrs_store_user_fn fn,
                              void *ctx);
    /** Write password_hash, disabled, must_change_password and the
     *  agreement of user u->id; LRS_ENOTFOUND when there is none. */
    enum lrs_err (*user_update)(void *e, const struct lrs_user *u);
    /** Insert `t`; set t->id. LRS_ECONFLICT: the hash is stored. */
    enum lrs_err (*token_insert)(void *e, struct lrs_token *t);
    /** Read the token with `hash`; LRS_ENOTFOUND when none. */
    enum lrs_err (*token_get)(void *e, const uint8_t *hash,
                              struct lrs_token *out);
    /** Set revoked_ms = at_ms on token `id` of `user_id` where it is not
     *  revoked yet; LRS_ENOTFOUND when the user has no token `id`. */
    enum lrs_err (*token_revoke)(void *e, int64_t user_id, int64_t id,
                                 int64_t at_ms);
    /** Stream the tokens of `user_id` in id order. */
    enum lrs_err (*token_scan)(void *e, int64_t user_id, lrs_store_token_fn fn,
                               void *ctx);
    /** Insert a session row. */
    enum lrs_err (*session_insert)(void *e, const struct lrs_session_row *r);
    /** Read session `id`; LRS_ENOTFOUND when none. */
    enum lrs_err (*session_get)(void *e, const uint8_t *id,
                                struct lrs_session_row *out);
    /** Revoke (revoked_ms = at_ms, where not yet revoked) session `id`,
     *  or with `id` NULL every session of `user_id`. LRS_ENOTFOUND when
     *  `id` names no session. */
    enum lrs_err (*session_revoke)(void *e, const uint8_t *id, int64_t user_id,
                                   int64_t at_ms);
    /** Read setting `name` (see lrs_store_setting_get). */
    enum lrs_err (*setting_get)(void *e, const char *name, void *buf,
                                size_t cap, size_t *len);
    /** Insert setting `name`; LRS_ECONFLICT when it exists, with the
     *  transaction still usable. */
    enum lrs_err (*setting_insert)(void *e, const char *name, const void *value,
                                   size_t len);

    /* -------- batch (lib/store/<engine>/batch.c, lrs/batch.h) -------- */

    /** Insert job `j` (status queued) with its input; set j->id.
     *  LRS_ECONFLICT when (org_id, sha256) exists, the transaction still
     *  usable. */
    enum lrs_err (*job_insert)(void *e, struct lrs_job *j, const void *input,
                               size_t len);
    /** Read job `id`, or with `sha256` not NULL the job of (org, sha256).
     *  LRS_ENOTFOUND when none. */
    enum lrs_err (*job_get)(void *e, int64_t id, int64_t org,
                            const char *sha256, struct lrs_job *out);
    /** Replace `out` with a blob; LRS_ENOTFOUND: no job or SQL NULL. */
    enum lrs_err (*job_blob)(void *e, int64_t id, enum lrs_job_blob which,
                             struct lrs_buf *out);
    /** Atomically take job `id` (not done), or with id 0 the oldest queued
     *  or running job with updated_ms < stale_before; make it running for
     *  `worker` at `now_ms`. LRS_ENOTFOUND when there is none. */
    enum lrs_err (*job_claim)(void *e, int64_t id, const char *worker,
                              int64_t now_ms, int64_t stale_before,
                              struct lrs_job *out);
    /** Write status, counts, checkpoint, claimed_by, error, updated_ms. */
    enum lrs_err (*job_update)(void *e, const struct lrs_job *j);
    /** Write the three output blobs of job `id`. */
    enum lrs_err (*job_outputs)(void *e, int64_t id, const struct lrs_buf *ctf,
                                const struct lrs_buf *csv,
                                const struct lrs_buf *html);
    /** Stream jobs of `org` (-1: all), newest first. */
    enum lrs_err (*job_scan)(void *e, int64_t org, lrs_store_job_fn fn,
                             void *ctx);
    /** Insert rows; LRS_ECONFLICT on a duplicate (job, ordinal). */
    enum lrs_err (*job_rows_insert)(void *e, const struct lrs_job_row *rows,
                                    size_t count);
    /** Set uln of one row; LRS_ENOTFOUND when it does not exist. */
    enum lrs_err (*job_row_set_uln)(void *e, const struct lrs_job_row *r);
    /** Stream the rows of a job in ordinal order. */
    enum lrs_err (*job_row_scan)(void *e, int64_t job_id,
                                 lrs_store_job_row_fn fn, void *ctx);
    /** Insert an exception; set x->id. */
    enum lrs_err (*exception_insert)(void *e, struct lrs_exception *x);
    /** Read exception `id`, its candidates into `cand`. */
    enum lrs_err (*exception_get)(void *e, int64_t id,
                                  struct lrs_exception *out,
                                  struct lrs_buf *cand);
    /** Write the resolution where status is open; LRS_ECONFLICT if not. */
    enum lrs_err (*exception_resolve)(void *e, const struct lrs_exception *x);
    /** Stream exceptions passing `f` in id order. */
    enum lrs_err (*exception_scan)(void *e,
                                   const struct lrs_exception_filter *f,
                                   lrs_store_exception_fn fn, void *ctx);

    /* -------- plr (lib/store/<engine>/plr.c, lrs/plr.h) -------- */

    /** Read the achievement with the key fields of `key` (ao_ukprn, uln,
     *  subject_code, award_date); LRS_ENOTFOUND when none. */
    enum lrs_err (*achievement_find)(void *e, const struct lrs_achievement *key,
                                     struct lrs_achievement *out);
    /** Insert `a` and set a->id; LRS_ECONFLICT (transaction usable) when
     *  its key exists. */
    enum lrs_err (*achievement_insert)(void *e, struct lrs_achievement *a);
    /** Overwrite achievement a->id with every field but loaded_ms;
     *  LRS_ENOTFOUND when none. */
    enum lrs_err (*achievement_update)(void *e,
                                       const struct lrs_achievement *a);
    /** Stream the achievements of `uln` by award date, then id. */
    enum lrs_err (*achievement_scan)(void *e, const char *uln,
                                     lrs_store_achievement_fn fn, void *ctx);
    /** Append a grade change (c->id and c->uln ignored). */
    enum lrs_err (*grade_change_insert)(void *e,
                                        const struct lrs_grade_change *c);
    /** Stream the grade changes of learner `uln` in id order. */
    enum lrs_err (*grade_change_scan)(void *e, const char *uln,
                                      lrs_store_grade_change_fn fn, void *ctx);
    /** Read the entry with the key fields of `key`; LRS_ENOTFOUND. */
    enum lrs_err (*entry_find)(void *e, const struct lrs_entry *key,
                               struct lrs_entry *out);
    /** Insert (en->id 0: set it) or overwrite entry en->id. */
    enum lrs_err (*entry_put)(void *e, struct lrs_entry *en);
    /** Stream entries of `ao` (and `school` unless NULL) in id order. */
    enum lrs_err (*entry_scan)(void *e, const char *ao, const char *school,
                               unsigned flags, lrs_store_entry_fn fn,
                               void *ctx);
    /** Set sent_ms of entry `id`; LRS_ENOTFOUND when none. */
    enum lrs_err (*entry_mark_sent)(void *e, int64_t id, int64_t sent_ms);
    /** Insert a share and set sh->id; LRS_ECONFLICT: hash exists. */
    enum lrs_err (*share_insert)(void *e, struct lrs_share *sh);
    /** Read share `id`, or by `hash` when not NULL; LRS_ENOTFOUND. */
    enum lrs_err (*share_get)(void *e, int64_t id, const uint8_t *hash,
                              struct lrs_share *out);
    /** Write revoked_ms, views, last_view_ms; LRS_ENOTFOUND when none. */
    enum lrs_err (*share_update)(void *e, const struct lrs_share *sh);
    /** Stream the shares of learner `uln` in id order. */
    enum lrs_err (*share_scan)(void *e, const char *uln, lrs_store_share_fn fn,
                               void *ctx);
    /** Insert a submission; set sub->id and sub->number (the next). */
    enum lrs_err (*entry_submission_add)(void *e,
                                         struct lrs_entry_submission *sub);
    /** Keep entry `en` as sent in submission `submission_id`. */
    enum lrs_err (*entry_version_add)(void *e, int64_t submission_id,
                                      const struct lrs_entry *en);
    /** Stream what `ao` was sent (number 0: the last of each entry). */
    enum lrs_err (*entry_sent_scan)(void *e, const char *ao, int64_t number,
                                    lrs_store_entry_fn fn, void *ctx);
    /** Insert a sign-up code and set inv->id. */
    enum lrs_err (*invite_insert)(void *e, struct lrs_invite *inv);
    /** The newest unused code of `uln`; LRS_ENOTFOUND when none. */
    enum lrs_err (*invite_live)(void *e, const char *uln,
                                struct lrs_invite *out);
    /** Write used_ms, account_id, attempts; LRS_ENOTFOUND when none. */
    enum lrs_err (*invite_update)(void *e, const struct lrs_invite *inv);

    /* -------- links (lib/store/<engine>/links.c, lrs/links.h) -------- */

    /** Append a link history row (l->at_ms filled); set l->id. */
    enum lrs_err (*link_insert)(void *e, struct lrs_link *l);
    /** Stream the link rows naming `uln` (NULL: all) in id order. */
    enum lrs_err (*link_scan)(void *e, const char *uln, lrs_store_link_fn fn,
                              void *ctx);
    /** The newest merges row of `merged_uln` with no unmerged_ms: its
     *  master and merged_ms. LRS_ENOTFOUND when none. */
    enum lrs_err (*merge_open)(void *e, const char *merged_uln,
                               char master[LRS_ULN_SIZE], int64_t *merged_ms);
    /** Set unmerged_ms = at_ms on the open merges rows of `merged_uln`. */
    enum lrs_err (*merge_close)(void *e, const char *merged_uln, int64_t at_ms);
    /** Insert a non-match pair (uln_a < uln_b); LRS_ECONFLICT when it is
     *  recorded, with the transaction still usable. */
    enum lrs_err (*non_match_insert)(void *e, const struct lrs_non_match *p);
    /** Stream the pairs naming `uln` (NULL: all) by (uln_a, uln_b). */
    enum lrs_err (*non_match_scan)(void *e, const char *uln,
                                   lrs_store_non_match_fn fn, void *ctx);
    /** Insert identity `key` for `uln`. Held by another learner:
     *  LRS_ECONFLICT and its ULN in `holder`, the transaction usable;
     *  held by `uln` already: LRS_OK. */
    enum lrs_err (*identity_insert)(void *e, const char *key, const char *uln,
                                    char holder[LRS_ULN_SIZE]);
    /** Delete every identity key of `uln`. */
    enum lrs_err (*identity_drop)(void *e, const char *uln);

    /* -------- the match model (lib/store/<engine>/model.c) -------- */

    /** Append model row `m` (trained_ms filled) with `text`; set m->id. */
    enum lrs_err (*model_insert)(void *e, struct lrs_store_model *m,
                                 struct lrs_str text);
    /** The newest model row and its text (`text` replaced);
     *  LRS_ENOTFOUND when there is none. */
    enum lrs_err (*model_latest)(void *e, struct lrs_store_model *out,
                                 struct lrs_buf *text);

    /* -------- school rosters (lib/store/<engine>/roster.c) -------- */

    /** Insert or replace the roster of r->org_id (updated_ms filled);
     *  `before` and `ctf` with ptr NULL are SQL NULL. Texts are
     *  NUL-terminated. */
    enum lrs_err (*roster_put)(void *e, const struct lrs_store_roster *r,
                               struct lrs_str csv, struct lrs_str before,
                               struct lrs_str ctf);
    /** Read the roster of `org_id`; `before`, `ctf` NULL: not read.
     *  Buffers are empty on entry. LRS_ENOTFOUND when there is none. */
    enum lrs_err (*roster_get)(void *e, int64_t org_id,
                               struct lrs_store_roster *out,
                               struct lrs_buf *csv, struct lrs_buf *before,
                               struct lrs_buf *ctf);

    /* -------- the change feed (lib/store/<engine>/changes.c) -------- */

    /**
     * Read into `rows` (room for `limit`), in id order, at most `limit`
     * change rows visible now: those with id > `after`, and those with
     * id <= `after` and xid >= `late_xid` (INT64_MAX: none). Fill `out`:
     * the count, the horizon of the snapshot that read them (one
     * snapshot for rows and horizon) and the pruned mark.
     */
    enum lrs_err (*change_read)(void *e, int64_t after, int64_t late_xid,
                                size_t limit, struct lrs__change *rows,
                                struct lrs__change_read *out);
    /** *last = the highest id visible now (0: none); `out` as
     *  change_read with no rows. */
    enum lrs_err (*change_tail)(void *e, int64_t *last,
                                struct lrs__change_read *out);
    /** Delete the rows with at_ms < before_ms but the newest row, and
     *  raise the pruned mark to the highest id deleted; *removed rows. */
    enum lrs_err (*change_prune)(void *e, int64_t before_ms, uint64_t *removed);
};

/** The engines compiled in. */
extern const struct lrs_store_ops lrs__store_sqlite_ops;
#ifdef LRS_HAVE_PG
extern const struct lrs_store_ops lrs__store_pg_ops;
#endif

/** The engine and connection behind a public store (for tests). */
const struct lrs_store_ops *lrs__store_ops(const struct lrs_store *s);
void *lrs__store_engine(const struct lrs_store *s);
/**
 * Replace the engine's operations with `ops` working on the same connection
 * object (tests only: a faulty vtable that fails its nth call and otherwise
 * calls the real one).
 */
void lrs__store_set_ops(struct lrs_store *s, const struct lrs_store_ops *ops);

/**
 * Drop everything and leave an empty database (tests only): the contract
 * suite calls this and then lrs_store_init() at the start of each test.
 */
enum lrs_err lrs__store_reset(struct lrs_store *s);

/** Now, in Unix milliseconds (UTC). */
int64_t lrs__store_now_ms(void);

/* For lib/store/accounts.c: store.c's transaction and message helpers. */

/** Open a transaction unless one is open; *own: close it with _leave. */
enum lrs_err lrs__store_txn_enter(struct lrs_store *s, bool *own);
/** Commit (err == LRS_OK) or roll back a transaction `own`ed; returns
 *  err, or the commit's error. */
enum lrs_err lrs__store_txn_leave(struct lrs_store *s, bool own,
                                  enum lrs_err err);
/**
 * The action stored as `name` (lrs_audit_action_name's inverse), for the
 * engines' audit scans; an unknown name gives 0.
 */
enum lrs_audit_action lrs__audit_action_from_name(const char *name);

/** Record "cannot WHAT: engine message" as the store's message. */
enum lrs_err lrs__store_failed(struct lrs_store *s, enum lrs_err err,
                               const char *what);
/** Record a message of our own. */
enum lrs_err lrs__store_failedf(struct lrs_store *s, enum lrs_err err,
                                const char *fmt, ...) LRS_PRINTF(3, 4);

/** The user_roles.role name of one role bit, or NULL (accounts.c). */
const char *lrs__store_role_name(unsigned bit);
/** The role bits of a comma-separated list of role names ("" is 0). */
unsigned lrs__store_role_bits(const char *names);
/** "yyyy..." ten digits of an integer ULN, "" when out of range. */
void lrs__store_uln_text(int64_t v, char out[LRS_ULN_SIZE]);
/** The integer of a ten-digit ULN, or 0 when `uln` is not one. */
int64_t lrs__store_uln_int(const char *uln);

#endif /* LRS_STORE_INT_H */
