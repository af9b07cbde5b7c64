/*
 * sqlite/links.c - the link ops of the SQLite engine (store_int.h,
 * "links"): the link history, the open merges, non-match pairs and
 * identity keys, and the migration that creates their tables.
 *
 * These run once per decision or registration, so each statement is
 * prepared on use and finalized at once, as accounts.c does. Inserts that
 * may meet a duplicate use ON CONFLICT DO NOTHING and look at the change
 * count, so a duplicate is LRS_ECONFLICT with the transaction usable.
 */
#include "base/base.h"

#include "store/sqlite/sqlite_int.h"

#include <sqlite3.h>

/* Schema version 5 (docs/data-model.md): the link history (append-only),
 * the pairs decided not to be the same learner, and the identity keys of
 * registrations (docs/matching.md, "Register after search"). */
const char *const lrs__sqlite_links_migration[] = {
    "CREATE TABLE learner_links ("
    " id INTEGER PRIMARY KEY,"
    " action TEXT NOT NULL CHECK (action IN"
    "  ('merge','unmerge','not_same','confirm_new')),"
    " uln INTEGER NOT NULL REFERENCES learners(uln),"
    " other_uln INTEGER NOT NULL REFERENCES learners(uln),"
    " at_ms INTEGER NOT NULL,"
    " user_id INTEGER NOT NULL,"
    " org_id INTEGER NOT NULL,"
    " version INTEGER NOT NULL DEFAULT 0,"
    " reason TEXT NOT NULL)",
    "CREATE INDEX learner_links_uln ON learner_links (uln, id)",
    "CREATE INDEX learner_links_other ON learner_links (other_uln, id)",
    "CREATE TABLE non_matches ("
    " uln_a INTEGER NOT NULL REFERENCES learners(uln),"
    " uln_b INTEGER NOT NULL REFERENCES learners(uln),"
    " at_ms INTEGER NOT NULL,"
    " user_id INTEGER NOT NULL,"
    " org_id INTEGER NOT NULL,"
    " reason TEXT NOT NULL,"
    " PRIMARY KEY (uln_a, uln_b),"
    " CHECK (uln_a < uln_b)) WITHOUT ROWID",
    "CREATE INDEX non_matches_b ON non_matches (uln_b)",
    "CREATE TABLE learner_identities ("
    " identity TEXT PRIMARY KEY,"
    " uln INTEGER NOT NULL REFERENCES learners(uln)) WITHOUT ROWID",
    "CREATE INDEX learner_identities_uln ON learner_identities (uln)",
    NULL,
};

#define LINK_COLS                                                              \
    "id, action, uln, other_uln, at_ms, user_id, org_id, reason, version"
#define PAIR_COLS "uln_a, uln_b, at_ms, user_id, org_id, reason"

/* Prepare `sql` into *st; on failure the message is recorded. */
static enum lrs_err prep(void *e, const char *sql, sqlite3_stmt **st)
{
    const int rc = sqlite3_prepare_v2(lrs__sqlite_db(e), sql, -1, st, NULL);

    if (rc != SQLITE_OK) {
        *st = NULL;
        return lrs__sqlite_fail(e, rc);
    }
    return LRS_OK;
}

/* Run a statement with no rows, finalize it; *changes its row count. */
static enum lrs_err exec(void *e, sqlite3_stmt *st, int *changes)
{
    const int rc = sqlite3_step(st);
    enum lrs_err err = LRS_OK;

    if (rc != SQLITE_DONE)
        err = lrs__sqlite_fail(e, rc);
    else if (changes)
        *changes = sqlite3_changes(lrs__sqlite_db(e));
    sqlite3_finalize(st);
    return err;
}

/* Bind a ten-digit ULN as its integer; LRS_EINVAL for anything else. */
static enum lrs_err bind_uln(void *e, sqlite3_stmt *st, int i, const char *uln)
{
    const int64_t v = lrs__store_uln_int(uln);
    int rc;

    if (!v)
        return lrs__sqlite_fail_msg(e, LRS_EINVAL, "not a ULN");
    rc = sqlite3_bind_int64(st, i, v);
    return rc == SQLITE_OK ? LRS_OK : lrs__sqlite_fail(e, rc);
}

static void col_text(sqlite3_stmt *st, int i, char *dst, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    size_t n = t ? (size_t)sqlite3_column_bytes(st, i) : 0;

    if (n > size - 1)
        n = size - 1;
    if (n)
        memcpy(dst, t, n);
    dst[n] = '\0';
}

/* Step through the rows of `st`, calling `row` on each, then finalize. */
static enum lrs_err each_row(void *e, sqlite3_stmt *st,
                             enum lrs_err (*row)(sqlite3_stmt *, void *),
                             void *ctx)
{
    enum lrs_err err = LRS_OK;
    int rc = SQLITE_DONE;

    while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW)
        err = row(st, ctx);
    if (!err && rc != SQLITE_DONE)
        err = lrs__sqlite_fail(e, rc);
    sqlite3_finalize(st);
    return err;
}

/* ------------------------------------------------------------------ */
/* The link history                                                   */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__sqlite_link_insert(void *e, struct lrs_link *l)
{
    sqlite3_stmt *st;
    enum lrs_err err = prep(e,
                            "INSERT INTO learner_links (action, uln,"
                            " other_uln, at_ms, user_id, org_id, reason,"
                            " version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                            " ?8)",
                            &st);
    int rc;

    if (err)
        return err;
    rc = sqlite3_bind_text(st, 1, lrs_link_action_name(l->action), -1,
                           SQLITE_STATIC);
    rc = rc ? rc : sqlite3_bind_int64(st, 4, l->at_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 5, l->user_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 6, l->org_id);
    rc = rc ? rc : sqlite3_bind_text(st, 7, l->reason, -1, SQLITE_STATIC);
    rc = rc ? rc : sqlite3_bind_int(st, 8, l->version);
    err = rc ? lrs__sqlite_fail(e, rc) : LRS_OK;
    err = err ? err : bind_uln(e, st, 2, l->uln);
    err = err ? err : bind_uln(e, st, 3, l->other_uln);
    if (err) {
        sqlite3_finalize(st);
        return err;
    }
    err = exec(e, st, NULL);
    if (!err)
        l->id = sqlite3_last_insert_rowid(lrs__sqlite_db(e));
    return err;
}

struct link_cb {
    lrs_store_link_fn fn;
    void *ctx;
};

static enum lrs_err link_row(sqlite3_stmt *st, void *ctx)
{
    const struct link_cb *cb = ctx;
    struct lrs_link l;
    char action[16];

    memset(&l, 0, sizeof l);
    l.id = sqlite3_column_int64(st, 0);
    col_text(st, 1, action, sizeof action);
    for (int a = LRS_LINK_MERGE; a <= LRS_LINK_CONFIRM_NEW; a++)
        if (strcmp(action, lrs_link_action_name((enum lrs_link_action)a)) == 0)
            l.action = (enum lrs_link_action)a;
    lrs__store_uln_text(sqlite3_column_int64(st, 2), l.uln);
    lrs__store_uln_text(sqlite3_column_int64(st, 3), l.other_uln);
    l.at_ms = sqlite3_column_int64(st, 4);
    l.user_id = sqlite3_column_int64(st, 5);
    l.org_id = sqlite3_column_int64(st, 6);
    col_text(st, 7, l.reason, sizeof l.reason);
    l.version = sqlite3_column_int(st, 8);
    return cb->fn(&l, cb->ctx);
}

enum lrs_err lrs__sqlite_link_scan(void *e, const char *uln,
                                   lrs_store_link_fn fn, void *ctx)
{
    struct link_cb cb = {fn, ctx};
    sqlite3_stmt *st;
    enum lrs_err err;

    err = prep(e,
               uln ? "SELECT " LINK_COLS " FROM learner_links"
                     " WHERE uln = ?1 OR other_uln = ?1 ORDER BY id"
                   : "SELECT " LINK_COLS " FROM learner_links ORDER BY id",
               &st);
    if (!err && uln)
        err = bind_uln(e, st, 1, uln);
    if (err) {
        sqlite3_finalize(st);
        return err;
    }
    return each_row(e, st, link_row, &cb);
}

/* ------------------------------------------------------------------ */
/* Open merges                                                        */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__sqlite_merge_open(void *e, const char *merged_uln,
                                    char master[LRS_ULN_SIZE],
                                    int64_t *merged_ms)
{
    sqlite3_stmt *st;
    enum lrs_err err = prep(e,
                            "SELECT master_uln, merged_ms FROM merges"
                            " WHERE merged_uln = ?1 AND unmerged_ms IS NULL"
                            " ORDER BY id DESC LIMIT 1",
                            &st);
    int rc;

    if (!err)
        err = bind_uln(e, st, 1, merged_uln);
    if (err) {
        sqlite3_finalize(st);
        return err;
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        lrs__store_uln_text(sqlite3_column_int64(st, 0), master);
        *merged_ms = sqlite3_column_int64(st, 1);
    } else if (rc == SQLITE_DONE) {
        err = LRS_ENOTFOUND;
    } else {
        err = lrs__sqlite_fail(e, rc);
    }
    sqlite3_finalize(st);
    return err;
}

enum lrs_err lrs__sqlite_merge_close(void *e, const char *merged_uln,
                                     int64_t at_ms)
{
    sqlite3_stmt *st;
    enum lrs_err err = prep(e,
                            "UPDATE merges SET unmerged_ms = ?2"
                            " WHERE merged_uln = ?1 AND unmerged_ms IS NULL",
                            &st);
    int rc;

    if (err)
        return err;
    err = bind_uln(e, st, 1, merged_uln);
    rc = sqlite3_bind_int64(st, 2, at_ms);
    if (!err && rc)
        err = lrs__sqlite_fail(e, rc);
    if (err) {
        sqlite3_finalize(st);
        return err;
    }
    return exec(e, st, NULL);
}

/* ------------------------------------------------------------------ */
/* Non-match pairs                                                    */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__sqlite_non_match_insert(void *e,
                                          const struct lrs_non_match *p)
{
    sqlite3_stmt *st;
    int changes = 0, rc;
    enum lrs_err err = prep(e,
                            "INSERT INTO non_matches (" PAIR_COLS ")"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                            " ON CONFLICT DO NOTHING",
                            &st);

    if (err)
        return err;
    rc = sqlite3_bind_int64(st, 3, p->at_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 4, p->user_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 5, p->org_id);
    rc = rc ? rc : sqlite3_bind_text(st, 6, p->reason, -1, SQLITE_STATIC);
    err = rc ? lrs__sqlite_fail(e, rc) : LRS_OK;
    err = err ? err : bind_uln(e, st, 1, p->uln_a);
    err = err ? err : bind_uln(e, st, 2, p->uln_b);
    if (err) {
        sqlite3_finalize(st);
        return err;
    }
    err = exec(e, st, &changes);
    if (!err && changes == 0)
        return lrs__sqlite_fail_msg(e, LRS_ECONFLICT, "pair recorded");
    /* A pair changes how both learners are answered (the change feed). */
    if (!err)
        err = lrs__sqlite_change_append(e, lrs__store_uln_int(p->uln_a),
                                        p->at_ms);
    if (!err)
        err = lrs__sqlite_change_append(e, lrs__store_uln_int(p->uln_b),
                                        p->at_ms);
    return err;
}

struct pair_cb {
    lrs_store_non_match_fn fn;
    void *ctx;
};

static enum lrs_err pair_row(sqlite3_stmt *st, void *ctx)
{
    const struct pair_cb *cb = ctx;
    struct lrs_non_match p;

    memset(&p, 0, sizeof p);
    lrs__store_uln_text(sqlite3_column_int64(st, 0), p.uln_a);
    lrs__store_uln_text(sqlite3_column_int64(st, 1), p.uln_b);
    p.at_ms = sqlite3_column_int64(st, 2);
    p.user_id = sqlite3_column_int64(st, 3);
    p.org_id = sqlite3_column_int64(st, 4);
    col_text(st, 5, p.reason, sizeof p.reason);
    return cb->fn(&p, cb->ctx);
}

enum lrs_err lrs__sqlite_non_match_scan(void *e, const char *uln,
                                        lrs_store_non_match_fn fn, void *ctx)
{
    struct pair_cb cb = {fn, ctx};
    sqlite3_stmt *st;
    enum lrs_err err;

    err = prep(e,
               uln ? "SELECT " PAIR_COLS " FROM non_matches"
                     " WHERE uln_a = ?1 OR uln_b = ?1 ORDER BY uln_a, uln_b"
                   : "SELECT " PAIR_COLS " FROM non_matches"
                     " ORDER BY uln_a, uln_b",
               &st);
    if (!err && uln)
        err = bind_uln(e, st, 1, uln);
    if (err) {
        sqlite3_finalize(st);
        return err;
    }
    return each_row(e, st, pair_row, &cb);
}

/* ------------------------------------------------------------------ */
/* Identity keys                                                      */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__sqlite_identity_insert(void *e, const char *key,
                                         const char *uln,
                                         char holder[LRS_ULN_SIZE])
{
    sqlite3_stmt *st;
    int changes = 0, rc;
    enum lrs_err err = prep(e,
                            "INSERT INTO learner_identities (identity, uln)"
                            " VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                            &st);

    if (err)
        return err;
    rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    err = rc ? lrs__sqlite_fail(e, rc) : bind_uln(e, st, 2, uln);
    if (err) {
        sqlite3_finalize(st);
        return err;
    }
    err = exec(e, st, &changes);
    if (err || changes)
        return err;
    err =
        prep(e, "SELECT uln FROM learner_identities WHERE identity = ?1", &st);
    if (err)
        return err;
    rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = rc ? rc : sqlite3_step(st);
    if (rc == SQLITE_ROW)
        lrs__store_uln_text(sqlite3_column_int64(st, 0), holder);
    else if (rc == SQLITE_DONE)
        err = lrs__sqlite_fail_msg(e, LRS_EIO, "identity key vanished");
    else
        err = lrs__sqlite_fail(e, rc);
    sqlite3_finalize(st);
    if (err)
        return err;
    if (strcmp(holder, uln) == 0)
        return LRS_OK;
    return lrs__sqlite_fail_msg(e, LRS_ECONFLICT, "identity held");
}

enum lrs_err lrs__sqlite_identity_drop(void *e, const char *uln)
{
    sqlite3_stmt *st;
    enum lrs_err err =
        prep(e, "DELETE FROM learner_identities WHERE uln = ?1", &st);

    if (err)
        return err;
    err = bind_uln(e, st, 1, uln);
    if (err) {
        sqlite3_finalize(st);
        return err;
    }
    return exec(e, st, NULL);
}
