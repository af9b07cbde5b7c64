/*
 * sqlite/roster.c - the school roster ops of the SQLite engine
 * (store_int.h, "school rosters") and the migration that creates their
 * table.
 *
 * A roster is stored when a school uploads or imports one and read by
 * its pages, so each statement is prepared on use and finalized at once,
 * as links.c does.
 */
#include "base/base.h"

#include "store/sqlite/sqlite_int.h"

#include <sqlite3.h>

/* Schema version 8 (docs/data-model.md): each school's latest roster. */
const char *const lrs__sqlite_roster_migration[] = {
    "CREATE TABLE school_rosters ("
    " org_id INTEGER PRIMARY KEY REFERENCES organisations(id),"
    " user_id INTEGER NOT NULL,"
    " updated_ms INTEGER NOT NULL,"
    " source TEXT NOT NULL CHECK (source IN ('upload','import')),"
    " file_name TEXT NOT NULL DEFAULT '',"
    " pupils INTEGER NOT NULL DEFAULT 0 CHECK (pupils >= 0),"
    " roster TEXT NOT NULL CHECK (length(roster) > 0),"
    " roster_before TEXT,"
    " import_ctf TEXT,"
    " CHECK ((source = 'import') = (roster_before IS NOT NULL)),"
    " CHECK ((roster_before IS NULL) = (import_ctf IS NULL)))",
    NULL,
};

enum lrs_err lrs__sqlite_roster_put(void *e, const struct lrs_store_roster *r,
                                    struct lrs_str csv, struct lrs_str before,
                                    struct lrs_str ctf)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(
        lrs__sqlite_db(e),
        "INSERT INTO school_rosters (org_id, user_id, updated_ms, source,"
        " file_name, pupils, roster, roster_before, import_ctf)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        " ON CONFLICT (org_id) DO UPDATE SET user_id = excluded.user_id,"
        " updated_ms = excluded.updated_ms, source = excluded.source,"
        " file_name = excluded.file_name, pupils = excluded.pupils,"
        " roster = excluded.roster, roster_before = excluded.roster_before,"
        " import_ctf = excluded.import_ctf",
        -1, &st, NULL);

    rc = rc ? rc : sqlite3_bind_int64(st, 1, r->org_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 2, r->user_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 3, r->updated_ms);
    rc = rc ? rc : sqlite3_bind_text(st, 4, r->source, -1, SQLITE_STATIC);
    rc = rc ? rc : sqlite3_bind_text(st, 5, r->file_name, -1, SQLITE_STATIC);
    rc = rc ? rc : sqlite3_bind_int64(st, 6, r->pupils);
    rc = rc ? rc
            : sqlite3_bind_text64(st, 7, csv.ptr, csv.len, SQLITE_STATIC,
                                  SQLITE_UTF8);
    if (!rc && before.ptr)
        rc = sqlite3_bind_text64(st, 8, before.ptr, before.len, SQLITE_STATIC,
                                 SQLITE_UTF8);
    if (!rc && ctf.ptr)
        rc = sqlite3_bind_text64(st, 9, ctf.ptr, ctf.len, SQLITE_STATIC,
                                 SQLITE_UTF8);
    if (!rc) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc ? lrs__sqlite_fail(e, rc) : LRS_OK;
}

/* Append column `col` of `st` (text or NULL) to `out`. */
static enum lrs_err column_text(sqlite3_stmt *st, int col, struct lrs_buf *out)
{
    const unsigned char *t = sqlite3_column_text(st, col);

    if (!t)
        return LRS_OK;
    return lrs_buf_add(out, t, (size_t)sqlite3_column_bytes(st, col));
}

enum lrs_err lrs__sqlite_roster_get(void *e, int64_t org_id,
                                    struct lrs_store_roster *out,
                                    struct lrs_buf *csv, struct lrs_buf *before,
                                    struct lrs_buf *ctf)
{
    sqlite3_stmt *st = NULL;
    enum lrs_err err = LRS_OK;
    int rc = sqlite3_prepare_v2(lrs__sqlite_db(e),
                                "SELECT user_id, updated_ms, source, file_name,"
                                " pupils, roster, roster_before IS NOT NULL,"
                                " roster_before, import_ctf"
                                " FROM school_rosters WHERE org_id = ?1",
                                -1, &st, NULL);

    rc = rc ? rc : sqlite3_bind_int64(st, 1, org_id);
    if (rc) {
        sqlite3_finalize(st);
        return lrs__sqlite_fail(e, rc);
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *source = sqlite3_column_text(st, 2);
        const unsigned char *name = sqlite3_column_text(st, 3);

        out->org_id = org_id;
        out->user_id = sqlite3_column_int64(st, 0);
        out->updated_ms = sqlite3_column_int64(st, 1);
        snprintf(out->source, sizeof out->source, "%s",
                 source ? (const char *)source : "");
        snprintf(out->file_name, sizeof out->file_name, "%s",
                 name ? (const char *)name : "");
        out->pupils = sqlite3_column_int64(st, 4);
        out->has_before = sqlite3_column_int(st, 6) != 0;
        err = column_text(st, 5, csv);
        if (!err && before)
            err = column_text(st, 7, before);
        if (!err && ctf)
            err = column_text(st, 8, ctf);
        if (err)
            err = lrs__sqlite_fail_msg(e, err, "out of memory");
    } else if (rc == SQLITE_DONE) {
        err = LRS_ENOTFOUND;
    } else {
        err = lrs__sqlite_fail(e, rc);
    }
    sqlite3_finalize(st);
    return err;
}
