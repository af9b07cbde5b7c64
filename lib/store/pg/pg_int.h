/*
 * store/pg/pg_int.h - shared between the files of the PostgreSQL engine
 * only (pg.c: connection, statements, errors, transactions; schema.c:
 * migrations; learner.c: rows).
 *
 * Every statement the engine runs is in the table of pg.c, prepared once
 * per connection on first use (PQprepare) and run with PQexecPrepared:
 * parameters travel apart from the SQL, as text, or as binary for bytea;
 * results come back as text.
 */
#ifndef LRS_STORE_PG_INT_H
#define LRS_STORE_PG_INT_H

#include "store/store_int.h"

#include <libpq-fe.h>

/** The statements of the engine, named by what they do. */
enum pg_stmt {
    PG_BEGIN = 0,
    PG_COMMIT,
    PG_ROLLBACK,
    PG_SCHEMA_EXISTS,
    PG_SCHEMA_GET,
    PG_SCHEMA_SET,
    PG_MIGRATE_LOCK,
    PG_KEY_GET,
    PG_KEY_PUT,
    PG_COUNTER_BLOCK,
    PG_COUNTER_PEEK,
    PG_LEARNER_EXISTS,
    PG_LEARNER_INSERT,
    PG_LEARNER_GET,
    PG_LEARNER_UPDATE,
    PG_LEARNER_SCAN_OPEN,
    PG_LEARNER_SCAN_FETCH,
    PG_LEARNER_SCAN_CLOSE,
    PG_NAME_INSERT,
    PG_NAME_SCAN_ALL,
    PG_NAME_SCAN_ULN,
    PG_NAME_SCAN_FETCH,
    PG_NAME_SCAN_CLOSE,
    PG_MERGE_INSERT,
    PG_AUDIT_INSERT,
    PG_AUDIT_SCAN_ALL,
    PG_AUDIT_SCAN_ULN,
    PG_AUDIT_SCAN_USER,
    PG_AUDIT_SCAN_FETCH,
    PG_AUDIT_SCAN_CLOSE,
    PG_STATS,
    PG_STMT__COUNT
};

/** Rows fetched per round trip by the scans (bounded memory). */
#define PG_SCAN_BATCH 1000
/** Most ULN counters taken from the sequence in one round trip. */
#define PG_COUNTER_BLOCK_MAX 256
/** Audit rows buffered in a transaction before they are sent. */
#define PG_AUDIT_BATCH 1000
/** Statements of other files prepared by their text (lrs__pg_run_static). */
#define PG_STATIC_MAX 16

/** One connection: the engine object handed to store.c. */
struct pg {
    PGconn *conn;                  /* owned */
    bool prepared[PG_STMT__COUNT]; /* prepared on this connection */
    uint64_t plr_prepared;         /* bit i: plr.c's statement i, likewise */
    char errmsg[256];              /* last failure, "" if none */
    /* Counters taken from the sequence and not yet handed out:
     * ctr[ctr_at .. ctr_len). The next block is ctr_block long. */
    uint64_t ctr[PG_COUNTER_BLOCK_MAX];
    size_t ctr_at, ctr_len, ctr_block;
    /* Audit rows of the open transaction not yet sent, as COPY text. */
    struct lrs_buf audit;
    size_t audit_rows;
    /* Statements prepared by lrs__pg_run_static on this connection: the
     * SQL (borrowed: static strings) and the serial of the name
     * "lrss<serial>"; serials never repeat on a connection, so a name
     * left behind by a failed DEALLOCATE is never taken again. */
    const char *static_sql[PG_STATIC_MAX];
    unsigned static_serial[PG_STATIC_MAX];
    unsigned static_count, static_next;
};

/** Parameters of one statement, as text (NULL = SQL NULL). */
struct pg_params {
    const char *values[24];
    int lengths[24]; /* only read for binary parameters */
    int formats[24]; /* 0 text, 1 binary */
    int count;
    char scratch[24][24]; /* room for formatted integers */
};

/** Clear `p` to no parameters. */
void lrs__pg_params_init(struct pg_params *p);
/** Append a text parameter (borrowed; NULL is SQL NULL). */
void lrs__pg_param_str(struct pg_params *p, const char *s);
/** Append an integer parameter. */
void lrs__pg_param_i64(struct pg_params *p, int64_t v);
/** Append a binary parameter of `len` bytes (borrowed). */
void lrs__pg_param_bin(struct pg_params *p, const void *ptr, size_t len);

/**
 * Run statement `st` with `params` (may be NULL) and hand back its result
 * in *res (owned, PQclear) on success. On failure *res is NULL, the error
 * is mapped (SQLSTATE, see pg.c) and the message recorded in p->errmsg.
 */
enum lrs_err lrs__pg_run(struct pg *p, enum pg_stmt st,
                         const struct pg_params *params, PGresult **res);

/** Run a statement for its effect only. */
enum lrs_err lrs__pg_do(struct pg *p, enum pg_stmt st,
                        const struct pg_params *params);

/**
 * As lrs__pg_run, for a statement kept beside the code that uses it (the
 * batch ops) rather than in pg.c's table: `sql` must be a string with
 * static storage that never changes, as its address is the key of the
 * prepared statement. Prepared on first use; past PG_STATIC_MAX
 * statements it runs unprepared. For statements run per row or per chunk.
 */
enum lrs_err lrs__pg_run_static(struct pg *p, const char *sql,
                                const struct pg_params *params, PGresult **res);

/** Run SQL text with no parameters (DDL); never for data. */
enum lrs_err lrs__pg_exec_sql(struct pg *p, const char *sql);

/** Forget every prepared statement (after DEALLOCATE ALL). */
void lrs__pg_forget_prepared(struct pg *p);

/** Map a failed result (NULL: none, e.g. a lost connection) to an error
 *  and record its message. */
enum lrs_err lrs__pg_fail_result(struct pg *p, const PGresult *res);

/** Record a message of our own in p->errmsg and return `err`. */
enum lrs_err lrs__pg_fail(struct pg *p, enum lrs_err err, const char *fmt, ...)
    LRS_PRINTF(3, 4);

/** Parse column `col` of row `row` as an integer in [min, max]; NULL is
 *  0. LRS_ECORRUPT (with a message) when it is not one. */
enum lrs_err lrs__pg_get_i64(struct pg *p, const PGresult *res, int row,
                             int col, int64_t min, int64_t max, int64_t *out);

/** Run `sql` unprepared with `pp`; *out is the result (PQclear it) on
 *  success, else NULL and the error of lrs__pg_fail_result(). */
enum lrs_err lrs__pg_exec_params(struct pg *p, const char *sql,
                                 const struct pg_params *pp, PGresult **out);

/** Column `col` of row `row` as a whole number; 0 when NULL. For values
 *  the database itself wrote (ids, times): lrs__pg_get_i64() checks. */
int64_t lrs__pg_col_i64(const PGresult *res, int row, int col);

/** Column `col` of row `row` into `dst`, cut to size - 1 bytes; NULL is
 *  the empty string. */
void lrs__pg_col_text(const PGresult *res, int row, int col, char *dst,
                      size_t size);

/** Whether the connection is inside a transaction block. */
bool lrs__pg_in_txn(const struct pg *p);

/* schema.c */
enum lrs_err lrs__pg_schema_version(void *e, int *version);
enum lrs_err lrs__pg_migrate(void *e, int from, int to);
enum lrs_err lrs__pg_reset(void *e);

/* learner.c */
/** Send the buffered audit rows (before COMMIT and audit reads). */
enum lrs_err lrs__pg_audit_flush(struct pg *p);
/** Forget the buffered audit rows (ROLLBACK). */
void lrs__pg_audit_drop(struct pg *p);
/** Forget the counters taken but not handed out (reset). */
void lrs__pg_counter_drop(struct pg *p);
enum lrs_err lrs__pg_uln_key_get(void *e, struct lrs_uln_key *key);
enum lrs_err lrs__pg_uln_key_put(void *e, const struct lrs_uln_key *key);
enum lrs_err lrs__pg_uln_counter_next(void *e, uint64_t *counter);
enum lrs_err lrs__pg_uln_counter_peek(void *e, uint64_t *counter);
enum lrs_err lrs__pg_learner_exists(void *e, const char *uln, bool *exists);
enum lrs_err lrs__pg_learner_insert(void *e, const struct lrs_learner *l);
enum lrs_err lrs__pg_learner_get(void *e, const char *uln,
                                 struct lrs_learner *out);
enum lrs_err lrs__pg_learner_update(void *e, const struct lrs_learner *l,
                                    int32_t expected_version);
enum lrs_err lrs__pg_learner_scan(void *e, lrs_store_learner_fn fn, void *ctx);
enum lrs_err lrs__pg_name_change_insert(void *e,
                                        const struct lrs_name_change *c);
enum lrs_err lrs__pg_name_change_scan(void *e, const char *uln,
                                      lrs_store_name_change_fn fn, void *ctx);
enum lrs_err lrs__pg_merge_insert(void *e, const struct lrs__merge *m);
enum lrs_err lrs__pg_audit_insert(void *e, const struct lrs_audit *a);
enum lrs_err lrs__pg_audit_scan(void *e, const char *uln, lrs_store_audit_fn fn,
                                void *ctx);
enum lrs_err lrs__pg_audit_scan_user(void *e, int64_t user_id,
                                     lrs_store_audit_fn fn, void *ctx);
enum lrs_err lrs__pg_stats(void *e, struct lrs_store_stats *out);

/* accounts.c: the account ops of lrs__store_pg_ops. */
enum lrs_err lrs__pg_org_insert(void *e, struct lrs_org *o);
enum lrs_err lrs__pg_org_get(void *e, int64_t id, struct lrs_org *out);
enum lrs_err lrs__pg_org_find(void *e, const struct lrs_org_ref *ref,
                              struct lrs_org *out);
enum lrs_err lrs__pg_org_scan(void *e, lrs_store_org_fn fn, void *ctx);
enum lrs_err lrs__pg_user_insert(void *e, struct lrs_user *u);
enum lrs_err lrs__pg_user_get(void *e, int64_t id, const char *login,
                              struct lrs_user *out);
enum lrs_err lrs__pg_user_scan(void *e, int64_t org_id, lrs_store_user_fn fn,
                               void *ctx);
enum lrs_err lrs__pg_user_update(void *e, const struct lrs_user *u);
enum lrs_err lrs__pg_token_insert(void *e, struct lrs_token *t);
enum lrs_err lrs__pg_token_get(void *e, const uint8_t *hash,
                               struct lrs_token *out);
enum lrs_err lrs__pg_token_revoke(void *e, int64_t user_id, int64_t id,
                                  int64_t at_ms);
enum lrs_err lrs__pg_token_scan(void *e, int64_t user_id, lrs_store_token_fn fn,
                                void *ctx);
enum lrs_err lrs__pg_session_insert(void *e, const struct lrs_session_row *r);
enum lrs_err lrs__pg_session_get(void *e, const uint8_t *id,
                                 struct lrs_session_row *out);
enum lrs_err lrs__pg_session_revoke(void *e, const uint8_t *id, int64_t user_id,
                                    int64_t at_ms);
enum lrs_err lrs__pg_setting_get(void *e, const char *name, void *buf,
                                 size_t cap, size_t *len);
enum lrs_err lrs__pg_setting_insert(void *e, const char *name,
                                    const void *value, size_t len);

/* batch.c: the batch ops (store_int.h). */
enum lrs_err lrs__pg_job_insert(void *e, struct lrs_job *j, const void *input,
                                size_t len);
enum lrs_err lrs__pg_job_get(void *e, int64_t id, int64_t org,
                             const char *sha256, struct lrs_job *out);
enum lrs_err lrs__pg_job_blob(void *e, int64_t id, enum lrs_job_blob which,
                              struct lrs_buf *out);
enum lrs_err lrs__pg_job_claim(void *e, int64_t id, const char *worker,
                               int64_t now_ms, int64_t stale_before,
                               struct lrs_job *out);
enum lrs_err lrs__pg_job_update(void *e, const struct lrs_job *j);
enum lrs_err lrs__pg_job_outputs(void *e, int64_t id, const struct lrs_buf *ctf,
                                 const struct lrs_buf *csv,
                                 const struct lrs_buf *html);
enum lrs_err lrs__pg_job_scan(void *e, int64_t org, lrs_store_job_fn fn,
                              void *ctx);
enum lrs_err lrs__pg_job_rows_insert(void *e, const struct lrs_job_row *rows,
                                     size_t count);
enum lrs_err lrs__pg_job_row_set_uln(void *e, const struct lrs_job_row *r);
enum lrs_err lrs__pg_job_row_scan(void *e, int64_t job_id,
                                  lrs_store_job_row_fn fn, void *ctx);
enum lrs_err lrs__pg_exception_insert(void *e, struct lrs_exception *x);
enum lrs_err lrs__pg_exception_get(void *e, int64_t id,
                                   struct lrs_exception *out,
                                   struct lrs_buf *cand);
enum lrs_err lrs__pg_exception_resolve(void *e, const struct lrs_exception *x);
enum lrs_err lrs__pg_exception_scan(void *e,
                                    const struct lrs_exception_filter *f,
                                    lrs_store_exception_fn fn, void *ctx);
/** Schema version 6: the jobs' blobs in batch_blobs (NULL-terminated). */
extern const char *const lrs__pg_batch_blobs_migration[];
extern const char *const lrs__pg_job_addr_migration[];

/* plr.c: the PLR ops (store_int.h) and their migration. */
/** The statements of the PLR migration (NULL-terminated). */
extern const char *const lrs__pg_plr_migration[];
enum lrs_err lrs__pg_achievement_find(void *e,
                                      const struct lrs_achievement *key,
                                      struct lrs_achievement *out);
enum lrs_err lrs__pg_achievement_insert(void *e, struct lrs_achievement *a);
enum lrs_err lrs__pg_achievement_update(void *e,
                                        const struct lrs_achievement *a);
enum lrs_err lrs__pg_achievement_scan(void *e, const char *uln,
                                      lrs_store_achievement_fn fn, void *ctx);
enum lrs_err lrs__pg_grade_change_insert(void *e,
                                         const struct lrs_grade_change *c);
enum lrs_err lrs__pg_grade_change_scan(void *e, const char *uln,
                                       lrs_store_grade_change_fn fn, void *ctx);
enum lrs_err lrs__pg_entry_find(void *e, const struct lrs_entry *key,
                                struct lrs_entry *out);
enum lrs_err lrs__pg_entry_put(void *e, struct lrs_entry *en);
enum lrs_err lrs__pg_entry_scan(void *e, const char *ao, const char *school,
                                unsigned flags, lrs_store_entry_fn fn,
                                void *ctx);
enum lrs_err lrs__pg_entry_mark_sent(void *e, int64_t id, int64_t sent_ms);
enum lrs_err lrs__pg_share_insert(void *e, struct lrs_share *sh);
enum lrs_err lrs__pg_share_get(void *e, int64_t id, const uint8_t *hash,
                               struct lrs_share *out);
enum lrs_err lrs__pg_share_update(void *e, const struct lrs_share *sh);
enum lrs_err lrs__pg_share_scan(void *e, const char *uln, lrs_store_share_fn fn,
                                void *ctx);
extern const char *const lrs__pg_invite_migration[];
extern const char *const lrs__pg_entry_versions_migration[];
enum lrs_err lrs__pg_entry_submission_add(void *e,
                                          struct lrs_entry_submission *sub);
enum lrs_err lrs__pg_entry_version_add(void *e, int64_t submission_id,
                                       const struct lrs_entry *en);
enum lrs_err lrs__pg_entry_sent_scan(void *e, const char *ao, int64_t number,
                                     lrs_store_entry_fn fn, void *ctx);
enum lrs_err lrs__pg_invite_insert(void *e, struct lrs_invite *inv);
enum lrs_err lrs__pg_invite_live(void *e, const char *uln,
                                 struct lrs_invite *out);
enum lrs_err lrs__pg_invite_update(void *e, const struct lrs_invite *inv);

/* links.c: the link ops (store_int.h) and their migration. */
/** The statements of the links migration (NULL-terminated). */
extern const char *const lrs__pg_links_migration[];
enum lrs_err lrs__pg_link_insert(void *e, struct lrs_link *l);
enum lrs_err lrs__pg_link_scan(void *e, const char *uln, lrs_store_link_fn fn,
                               void *ctx);
enum lrs_err lrs__pg_merge_open(void *e, const char *merged_uln,
                                char master[LRS_ULN_SIZE], int64_t *merged_ms);
enum lrs_err lrs__pg_merge_close(void *e, const char *merged_uln,
                                 int64_t at_ms);
enum lrs_err lrs__pg_non_match_insert(void *e, const struct lrs_non_match *np);
enum lrs_err lrs__pg_non_match_scan(void *e, const char *uln,
                                    lrs_store_non_match_fn fn, void *ctx);
enum lrs_err lrs__pg_identity_insert(void *e, const char *key, const char *uln,
                                     char holder[LRS_ULN_SIZE]);
enum lrs_err lrs__pg_identity_drop(void *e, const char *uln);

/* model.c: the match model ops (store_int.h) and their migration. */
/** Schema version 7: match_models (NULL-terminated). */
extern const char *const lrs__pg_model_migration[];
enum lrs_err lrs__pg_model_insert(void *e, struct lrs_store_model *m,
                                  struct lrs_str text);
enum lrs_err lrs__pg_model_latest(void *e, struct lrs_store_model *out,
                                  struct lrs_buf *text);

/* changes.c: the change log (store_int.h) and its migration. */
/** Schema version 11: learner_changes, change_log and their triggers. */
extern const char *const lrs__pg_changes_migration[];
enum lrs_err lrs__pg_change_read(void *e, int64_t after, int64_t late_xid,
                                 size_t limit, struct lrs__change *rows,
                                 struct lrs__change_read *out);
enum lrs_err lrs__pg_change_tail(void *e, int64_t *last,
                                 struct lrs__change_read *out);
enum lrs_err lrs__pg_change_prune(void *e, int64_t before_ms,
                                  uint64_t *removed);

/* roster.c: school rosters (store_int.h) and their migration. */
/** Schema version 8: school_rosters (NULL-terminated). */
extern const char *const lrs__pg_roster_migration[];
enum lrs_err lrs__pg_roster_put(void *e, const struct lrs_store_roster *r,
                                struct lrs_str csv, struct lrs_str before,
                                struct lrs_str ctf);
enum lrs_err lrs__pg_roster_get(void *e, int64_t org_id,
                                struct lrs_store_roster *out,
                                struct lrs_buf *csv, struct lrs_buf *before,
                                struct lrs_buf *ctf);

#endif /* LRS_STORE_PG_INT_H */
