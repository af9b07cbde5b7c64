/*
 * store/sqlite/sqlite_int.h - shared between the files of the SQLite
 * engine only.
 */
#ifndef LRS_STORE_SQLITE_INT_H
#define LRS_STORE_SQLITE_INT_H

#include "store/store_int.h"

/**
 * The SQL statements (a NULL-terminated array, static) that take the
 * schema from version - 1 to `version`, or NULL when there is none.
 */
const char *const *lrs__sqlite_migration(int version);

/* sqlite.c, for accounts.c: the connection and its message. */
struct sqlite3;
/** The SQLite connection of engine object `e`. */
struct sqlite3 *lrs__sqlite_db(void *e);
/** Record the connection's message for `rc`; return its lrs_err. */
enum lrs_err lrs__sqlite_fail(void *e, int rc);
/** Record `msg`; return `err`. */
enum lrs_err lrs__sqlite_fail_msg(void *e, enum lrs_err err, const char *msg);

/* accounts.c: the account ops of lrs__store_sqlite_ops. */
enum lrs_err lrs__sqlite_org_insert(void *e, struct lrs_org *o);
enum lrs_err lrs__sqlite_org_get(void *e, int64_t id, struct lrs_org *out);
enum lrs_err lrs__sqlite_org_find(void *e, const struct lrs_org_ref *ref,
                                  struct lrs_org *out);
enum lrs_err lrs__sqlite_org_scan(void *e, lrs_store_org_fn fn, void *ctx);
enum lrs_err lrs__sqlite_user_insert(void *e, struct lrs_user *u);
enum lrs_err lrs__sqlite_user_get(void *e, int64_t id, const char *login,
                                  struct lrs_user *out);
enum lrs_err lrs__sqlite_user_scan(void *e, int64_t org_id,
                                   lrs_store_user_fn fn, void *ctx);
enum lrs_err lrs__sqlite_user_update(void *e, const struct lrs_user *u);
enum lrs_err lrs__sqlite_token_insert(void *e, struct lrs_token *t);
enum lrs_err lrs__sqlite_token_get(void *e, const uint8_t *hash,
                                   struct lrs_token *out);
enum lrs_err lrs__sqlite_token_revoke(void *e, int64_t user_id, int64_t id,
                                      int64_t at_ms);
enum lrs_err lrs__sqlite_token_scan(void *e, int64_t user_id,
                                    lrs_store_token_fn fn, void *ctx);
enum lrs_err lrs__sqlite_session_insert(void *e,
                                        const struct lrs_session_row *r);
enum lrs_err lrs__sqlite_session_get(void *e, const uint8_t *id,
                                     struct lrs_session_row *out);
enum lrs_err lrs__sqlite_session_revoke(void *e, const uint8_t *id,
                                        int64_t user_id, int64_t at_ms);
enum lrs_err lrs__sqlite_setting_get(void *e, const char *name, void *buf,
                                     size_t cap, size_t *len);
enum lrs_err lrs__sqlite_setting_insert(void *e, const char *name,
                                        const void *value, size_t len);

/* batch.c: the batch ops (store_int.h). */
enum lrs_err lrs__sqlite_job_insert(void *e, struct lrs_job *j,
                                    const void *input, size_t len);
enum lrs_err lrs__sqlite_job_get(void *e, int64_t id, int64_t org,
                                 const char *sha256, struct lrs_job *out);
enum lrs_err lrs__sqlite_job_blob(void *e, int64_t id, enum lrs_job_blob which,
                                  struct lrs_buf *out);
enum lrs_err lrs__sqlite_job_claim(void *e, int64_t id, const char *worker,
                                   int64_t now_ms, int64_t stale_before,
                                   struct lrs_job *out);
enum lrs_err lrs__sqlite_job_update(void *e, const struct lrs_job *j);
enum lrs_err lrs__sqlite_job_outputs(void *e, int64_t id,
                                     const struct lrs_buf *ctf,
                                     const struct lrs_buf *csv,
                                     const struct lrs_buf *html);
enum lrs_err lrs__sqlite_job_scan(void *e, int64_t org, lrs_store_job_fn fn,
                                  void *ctx);
enum lrs_err lrs__sqlite_job_rows_insert(void *e,
                                         const struct lrs_job_row *rows,
                                         size_t count);
enum lrs_err lrs__sqlite_job_row_set_uln(void *e, const struct lrs_job_row *r);
enum lrs_err lrs__sqlite_job_row_scan(void *e, int64_t job_id,
                                      lrs_store_job_row_fn fn, void *ctx);
enum lrs_err lrs__sqlite_exception_insert(void *e, struct lrs_exception *x);
enum lrs_err lrs__sqlite_exception_get(void *e, int64_t id,
                                       struct lrs_exception *out,
                                       struct lrs_buf *cand);
enum lrs_err lrs__sqlite_exception_resolve(void *e,
                                           const struct lrs_exception *x);
enum lrs_err lrs__sqlite_exception_scan(void *e,
                                        const struct lrs_exception_filter *f,
                                        lrs_store_exception_fn fn, void *ctx);
/** Schema version 6: the jobs' blobs in batch_blobs (NULL-terminated). */
extern const char *const lrs__sqlite_batch_blobs_migration[];
extern const char *const lrs__sqlite_job_addr_migration[];
/** How many statements batch.c keeps prepared on a connection. */
#define LRS__SQLITE_BATCH_STMTS 3
/** batch.c's kept statements of engine `e` (in the engine, so nothing is
 *  allocated for them; each NULL until first used). */
struct sqlite3_stmt **lrs__sqlite_batch_stmts(void *e);
/** Finalize them (sqlite.c calls it on close). */
void lrs__sqlite_batch_close(void *e);

/* plr.c: the PLR ops (store_int.h) and their migration. */
/** The statements of the PLR migration (NULL-terminated). */
extern const char *const lrs__sqlite_plr_migration[];
/** The slot where plr.c keeps its state for engine `e` (sqlite.c). */
void **lrs__sqlite_plr_state(void *e);
/** Free plr.c's state of engine `e` (sqlite.c calls it on close). */
void lrs__sqlite_plr_close(void *e);
enum lrs_err lrs__sqlite_achievement_find(void *e,
                                          const struct lrs_achievement *key,
                                          struct lrs_achievement *out);
enum lrs_err lrs__sqlite_achievement_insert(void *e, struct lrs_achievement *a);
enum lrs_err lrs__sqlite_achievement_update(void *e,
                                            const struct lrs_achievement *a);
enum lrs_err lrs__sqlite_achievement_scan(void *e, const char *uln,
                                          lrs_store_achievement_fn fn,
                                          void *ctx);
enum lrs_err lrs__sqlite_grade_change_insert(void *e,
                                             const struct lrs_grade_change *c);
enum lrs_err lrs__sqlite_grade_change_scan(void *e, const char *uln,
                                           lrs_store_grade_change_fn fn,
                                           void *ctx);
enum lrs_err lrs__sqlite_entry_find(void *e, const struct lrs_entry *key,
                                    struct lrs_entry *out);
enum lrs_err lrs__sqlite_entry_put(void *e, struct lrs_entry *en);
enum lrs_err lrs__sqlite_entry_scan(void *e, const char *ao, const char *school,
                                    unsigned flags, lrs_store_entry_fn fn,
                                    void *ctx);
enum lrs_err lrs__sqlite_entry_mark_sent(void *e, int64_t id, int64_t sent_ms);
enum lrs_err lrs__sqlite_share_insert(void *e, struct lrs_share *sh);
enum lrs_err lrs__sqlite_share_scan(void *e, const char *uln,
                                    lrs_store_share_fn fn, void *ctx);
extern const char *const lrs__sqlite_invite_migration[];
extern const char *const lrs__sqlite_entry_versions_migration[];
enum lrs_err lrs__sqlite_entry_submission_add(void *e,
                                              struct lrs_entry_submission *sub);
enum lrs_err lrs__sqlite_entry_version_add(void *e, int64_t submission_id,
                                           const struct lrs_entry *en);
enum lrs_err lrs__sqlite_entry_sent_scan(void *e, const char *ao,
                                         int64_t number, lrs_store_entry_fn fn,
                                         void *ctx);
enum lrs_err lrs__sqlite_invite_insert(void *e, struct lrs_invite *inv);
enum lrs_err lrs__sqlite_invite_live(void *e, const char *uln,
                                     struct lrs_invite *out);
enum lrs_err lrs__sqlite_invite_update(void *e, const struct lrs_invite *inv);
enum lrs_err lrs__sqlite_share_get(void *e, int64_t id, const uint8_t *hash,
                                   struct lrs_share *out);
enum lrs_err lrs__sqlite_share_update(void *e, const struct lrs_share *sh);

/* links.c: the link ops (store_int.h) and their migration. */
/** The statements of the links migration (NULL-terminated). */
extern const char *const lrs__sqlite_links_migration[];
enum lrs_err lrs__sqlite_link_insert(void *e, struct lrs_link *l);
enum lrs_err lrs__sqlite_link_scan(void *e, const char *uln,
                                   lrs_store_link_fn fn, void *ctx);
enum lrs_err lrs__sqlite_merge_open(void *e, const char *merged_uln,
                                    char master[LRS_ULN_SIZE],
                                    int64_t *merged_ms);
enum lrs_err lrs__sqlite_merge_close(void *e, const char *merged_uln,
                                     int64_t at_ms);
enum lrs_err lrs__sqlite_non_match_insert(void *e,
                                          const struct lrs_non_match *p);
enum lrs_err lrs__sqlite_non_match_scan(void *e, const char *uln,
                                        lrs_store_non_match_fn fn, void *ctx);
enum lrs_err lrs__sqlite_identity_insert(void *e, const char *key,
                                         const char *uln,
                                         char holder[LRS_ULN_SIZE]);
enum lrs_err lrs__sqlite_identity_drop(void *e, const char *uln);

/* model.c: the match model ops (store_int.h) and their migration. */
/** Schema version 7: match_models (NULL-terminated). */
extern const char *const lrs__sqlite_model_migration[];
enum lrs_err lrs__sqlite_model_insert(void *e, struct lrs_store_model *m,
                                      struct lrs_str text);
enum lrs_err lrs__sqlite_model_latest(void *e, struct lrs_store_model *out,
                                      struct lrs_buf *text);

/* changes.c: the change log (store_int.h) and its migration. */
/** Schema version 11: learner_changes and change_log. */
extern const char *const lrs__sqlite_changes_migration[];
/** Append a change of learner `uln` (sqlite.c; the learner and pair
 *  writes call it in their transaction). */
enum lrs_err lrs__sqlite_change_append(void *e, int64_t uln, int64_t at_ms);
enum lrs_err lrs__sqlite_change_read(void *e, int64_t after, int64_t late_xid,
                                     size_t limit, struct lrs__change *rows,
                                     struct lrs__change_read *out);
enum lrs_err lrs__sqlite_change_tail(void *e, int64_t *last,
                                     struct lrs__change_read *out);
enum lrs_err lrs__sqlite_change_prune(void *e, int64_t before_ms,
                                      uint64_t *removed);

/* roster.c: school rosters (store_int.h) and their migration. */
/** Schema version 8: school_rosters (NULL-terminated). */
extern const char *const lrs__sqlite_roster_migration[];
enum lrs_err lrs__sqlite_roster_put(void *e, const struct lrs_store_roster *r,
                                    struct lrs_str csv, struct lrs_str before,
                                    struct lrs_str ctf);
enum lrs_err lrs__sqlite_roster_get(void *e, int64_t org_id,
                                    struct lrs_store_roster *out,
                                    struct lrs_buf *csv, struct lrs_buf *before,
                                    struct lrs_buf *ctf);

#endif /* LRS_STORE_SQLITE_INT_H */
