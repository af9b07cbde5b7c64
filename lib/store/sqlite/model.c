/*
 * sqlite/model.c - the match model ops of the SQLite engine (store_int.h,
 * "the match model") and the migration that creates their table.
 *
 * A model is saved once per `lrs train` and read once per index load, so
 * each statement is prepared on use and finalized at once, as links.c
 * does.
 */
#include "base/base.h"

#include "store/sqlite/sqlite_int.h"

#include <sqlite3.h>

/* Schema version 7 (docs/data-model.md): every match model trained on the
 * register, append-only; the newest is the one in use. */
const char *const lrs__sqlite_model_migration[] = {
    "CREATE TABLE match_models ("
    " id INTEGER PRIMARY KEY,"
    " trained_ms INTEGER NOT NULL,"
    " user_id INTEGER NOT NULL,"
    " org_id INTEGER NOT NULL,"
    " learners INTEGER NOT NULL DEFAULT 0 CHECK (learners >= 0),"
    " note TEXT NOT NULL DEFAULT '',"
    " model TEXT NOT NULL CHECK (length(model) > 0))",
    NULL,
};

enum lrs_err lrs__sqlite_model_insert(void *e, struct lrs_store_model *m,
                                      struct lrs_str text)
{
    sqlite3 *db = lrs__sqlite_db(e);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "INSERT INTO match_models (trained_ms,"
                                " user_id, org_id, learners, note, model)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                -1, &st, NULL);

    rc = rc ? rc : sqlite3_bind_int64(st, 1, m->trained_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 2, m->user_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 3, m->org_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 4, m->learners);
    rc = rc ? rc : sqlite3_bind_text(st, 5, m->note, -1, SQLITE_STATIC);
    rc = rc ? rc
            : sqlite3_bind_text64(st, 6, text.ptr, text.len, SQLITE_STATIC,
                                  SQLITE_UTF8);
    if (!rc) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc)
        return lrs__sqlite_fail(e, rc);
    m->id = sqlite3_last_insert_rowid(db);
    return LRS_OK;
}

enum lrs_err lrs__sqlite_model_latest(void *e, struct lrs_store_model *out,
                                      struct lrs_buf *text)
{
    sqlite3_stmt *st = NULL;
    enum lrs_err err = LRS_OK;
    int rc = sqlite3_prepare_v2(lrs__sqlite_db(e),
                                "SELECT id, trained_ms, user_id, org_id,"
                                " learners, note, model FROM match_models"
                                " ORDER BY id DESC LIMIT 1",
                                -1, &st, NULL);

    if (rc)
        return lrs__sqlite_fail(e, rc);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *note = sqlite3_column_text(st, 5);
        const unsigned char *model = sqlite3_column_text(st, 6);

        out->id = sqlite3_column_int64(st, 0);
        out->trained_ms = sqlite3_column_int64(st, 1);
        out->user_id = sqlite3_column_int64(st, 2);
        out->org_id = sqlite3_column_int64(st, 3);
        out->learners = sqlite3_column_int64(st, 4);
        snprintf(out->note, sizeof out->note, "%s",
                 note ? (const char *)note : "");
        err = lrs_buf_add(text, model ? (const char *)model : "",
                          (size_t)sqlite3_column_bytes(st, 6));
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
