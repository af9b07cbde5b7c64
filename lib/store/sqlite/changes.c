/*
 * sqlite/changes.c - the change log of the SQLite engine (store_int.h,
 * "the change feed") and the migration that creates it.
 *
 * The rows are appended by the engine's own writes, in their transaction
 * (lrs__sqlite_change_append: the learner insert and update of sqlite.c,
 * the pair insert of links.c), which are the only statements that write
 * those tables. Not by a trigger, as PostgreSQL does: an SQLite trigger
 * that writes makes every learner insert keep a statement journal, and
 * doubled the CPU of a bulk import (PERFORMANCE.md); the explicit insert
 * costs about a tenth of one. Writers are serialised (BEGIN IMMEDIATE),
 * so the ids are in commit order. A plain rowid, not AUTOINCREMENT (a
 * write of sqlite_sequence per row): pruning never deletes the row with
 * the highest id, so no id is ever used twice. The reads run a few times
 * a second, so their statements are prepared on use.
 */
#include "base/base.h"

#include "store/sqlite/sqlite_int.h"

#include <sqlite3.h>

/* Schema version 11 (docs/data-model.md): the change log. */
const char *const lrs__sqlite_changes_migration[] = {
    "CREATE TABLE learner_changes ("
    " id INTEGER PRIMARY KEY,"
    " uln INTEGER NOT NULL,"
    " at_ms INTEGER NOT NULL)",
    "CREATE TABLE change_log ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " pruned_through INTEGER NOT NULL CHECK (pruned_through >= 0))",
    "INSERT INTO change_log (id, pruned_through) VALUES (1, 0)",
    NULL,
};

/* Prepare `sql`; on failure record the message. */
static enum lrs_err prepare(void *e, const char *sql, sqlite3_stmt **st)
{
    const int rc = sqlite3_prepare_v2(lrs__sqlite_db(e), sql, -1, st, NULL);

    if (rc != SQLITE_OK) {
        sqlite3_finalize(*st);
        *st = NULL;
        return lrs__sqlite_fail(e, rc);
    }
    return LRS_OK;
}

/* Step `st` to its one row and read integer column 0 into *out. */
static enum lrs_err one_int(void *e, sqlite3_stmt *st, int64_t *out)
{
    const int rc = sqlite3_step(st);

    if (rc != SQLITE_ROW)
        return lrs__sqlite_fail(e, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc);
    *out = sqlite3_column_int64(st, 0);
    return LRS_OK;
}

static enum lrs_err pruned_mark(void *e, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    enum lrs_err err =
        prepare(e, "SELECT pruned_through FROM change_log WHERE id = 1", &st);

    if (!err)
        err = one_int(e, st, out);
    sqlite3_finalize(st);
    return err;
}

/*
 * Both reads run in one read transaction, so the pruned mark and the
 * rows come from the same snapshot (the WAL keeps it while we read).
 */
static enum lrs_err read_rows(void *e, int64_t after, size_t limit,
                              struct lrs__change *rows,
                              struct lrs__change_read *out)
{
    sqlite3_stmt *st = NULL;
    enum lrs_err err = prepare(e,
                               "SELECT id, uln, at_ms FROM learner_changes"
                               " WHERE id > ?1 ORDER BY id LIMIT ?2",
                               &st);
    int rc;

    if (err)
        return err;
    rc = sqlite3_bind_int64(st, 1, after);
    rc = rc ? rc : sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
    while (!rc && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct lrs__change *r = &rows[out->count++];

        r->id = sqlite3_column_int64(st, 0);
        lrs__store_uln_text(sqlite3_column_int64(st, 1), r->uln);
        r->at_ms = sqlite3_column_int64(st, 2);
        r->xid = 0;
        rc = 0;
    }
    if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    if (rc)
        err = lrs__sqlite_fail(e, rc);
    sqlite3_finalize(st);
    return err;
}

/* BEGIN (deferred: a read) unless the store has a transaction open. */
static enum lrs_err read_begin(void *e, bool *own)
{
    sqlite3 *db = lrs__sqlite_db(e);
    int rc;

    *own = sqlite3_get_autocommit(db) != 0;
    if (!*own)
        return LRS_OK;
    rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        *own = false;
        return lrs__sqlite_fail(e, rc);
    }
    return LRS_OK;
}

static void read_end(void *e, bool own)
{
    if (own)
        (void)sqlite3_exec(lrs__sqlite_db(e), "COMMIT", NULL, NULL, NULL);
}

enum lrs_err lrs__sqlite_change_read(void *e, int64_t after, int64_t late_xid,
                                     size_t limit, struct lrs__change *rows,
                                     struct lrs__change_read *out)
{
    bool own;
    enum lrs_err err;

    /* Ids are in commit order here: nothing is ever read late. */
    (void)late_xid;
    memset(out, 0, sizeof *out);
    err = read_begin(e, &own);
    if (err)
        return err;
    err = pruned_mark(e, &out->pruned);
    if (!err)
        err = read_rows(e, after, limit, rows, out);
    read_end(e, own);
    return err;
}

enum lrs_err lrs__sqlite_change_tail(void *e, int64_t *last,
                                     struct lrs__change_read *out)
{
    sqlite3_stmt *st = NULL;
    bool own;
    enum lrs_err err;

    memset(out, 0, sizeof *out);
    err = read_begin(e, &own);
    if (err)
        return err;
    err = pruned_mark(e, &out->pruned);
    if (!err)
        err =
            prepare(e, "SELECT coalesce(max(id), 0) FROM learner_changes", &st);
    if (!err)
        err = one_int(e, st, last);
    sqlite3_finalize(st);
    read_end(e, own);
    if (!err && *last < out->pruned)
        *last = out->pruned;
    return err;
}

enum lrs_err lrs__sqlite_change_prune(void *e, int64_t before_ms,
                                      uint64_t *removed)
{
    sqlite3_stmt *st = NULL;
    int64_t upto = 0;
    /* Never the newest row: the next id is max(id) + 1. */
    enum lrs_err err = prepare(e,
                               "SELECT coalesce(max(id), 0) FROM"
                               " learner_changes WHERE at_ms < ?1 AND id <"
                               " (SELECT max(id) FROM learner_changes)",
                               &st);
    int rc;

    *removed = 0;
    if (!err) {
        rc = sqlite3_bind_int64(st, 1, before_ms);
        err = rc ? lrs__sqlite_fail(e, rc) : one_int(e, st, &upto);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (err || upto == 0)
        return err;
    err = prepare(
        e, "DELETE FROM learner_changes WHERE id <= ?1 AND at_ms < ?2", &st);
    if (!err) {
        rc = sqlite3_bind_int64(st, 1, upto);
        rc = rc ? rc : sqlite3_bind_int64(st, 2, before_ms);
        rc = rc ? rc : sqlite3_step(st);
        if (rc != SQLITE_DONE)
            err = lrs__sqlite_fail(e, rc);
        else
            *removed = (uint64_t)sqlite3_changes64(lrs__sqlite_db(e));
    }
    sqlite3_finalize(st);
    st = NULL;
    if (!err)
        err = prepare(e,
                      "UPDATE change_log SET pruned_through ="
                      " max(pruned_through, ?1) WHERE id = 1",
                      &st);
    if (!err) {
        rc = sqlite3_bind_int64(st, 1, upto);
        rc = rc ? rc : sqlite3_step(st);
        if (rc != SQLITE_DONE)
            err = lrs__sqlite_fail(e, rc);
    }
    sqlite3_finalize(st);
    return err;
}
