/*
 * sqlite/batch.c - the batch ops of the SQLite engine: jobs, rows and
 * exceptions (store_int.h, schema versions 3 and 6).
 *
 * The statements a batch runs per pupil or per chunk (an exception, a
 * chunk's rows, the job's progress) are prepared once per connection and
 * kept in the engine (finalized when the connection closes); the
 * rest, run once a job or per request, are prepared per call.
 * Claiming relies on the write transaction store.c has opened (BEGIN
 * IMMEDIATE): the SELECT and the UPDATE run under the one write lock, so
 * no other connection can claim the same job in between.
 */
#include "base/base.h"

#include "store/sqlite/sqlite_int.h"

#include <sqlite3.h>

#define JOB_COLS                                                               \
    "id, org_id, user_id, status, file_name, sha256, input_len,"               \
    " rows_total, rows_done, checkpoint, claimed_by, created_ms,"              \
    " updated_ms, error, addr"

#define EXC_COLS                                                               \
    "id, job_id, org_id, ordinal, code, status, reason, candidates,"           \
    " created_ms, resolved_uln, resolved_new, resolved_by, resolved_ms,"       \
    " resolution_reason"

static const char *const status_names[] = {"queued", "running", "done",
                                           "failed"};

/*
 * Version 6: the blobs of a job in a table of their own, keyed by
 * (job, enum lrs_job_blob). SQLite rewrites a whole record on UPDATE, so
 * with the input in the job's row every checkpoint copied the file (3.75
 * MB for 10,000 pupils) into the WAL; now it writes a few bytes.
 */
const char *const lrs__sqlite_batch_blobs_migration[] = {
    "CREATE TABLE batch_blobs ("
    " job_id INTEGER NOT NULL REFERENCES batch_jobs(id),"
    " kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 3),"
    " data BLOB NOT NULL,"
    " PRIMARY KEY (job_id, kind))",
    "INSERT INTO batch_blobs SELECT id, 0, input FROM batch_jobs",
    "INSERT INTO batch_blobs SELECT id, 1, returned_ctf FROM batch_jobs"
    " WHERE returned_ctf IS NOT NULL",
    "INSERT INTO batch_blobs SELECT id, 2, report_csv FROM batch_jobs"
    " WHERE report_csv IS NOT NULL",
    "INSERT INTO batch_blobs SELECT id, 3, report_html FROM batch_jobs"
    " WHERE report_html IS NOT NULL",
    "ALTER TABLE batch_jobs ADD COLUMN input_len INTEGER NOT NULL DEFAULT 0",
    "UPDATE batch_jobs SET input_len = length(input)",
    "ALTER TABLE batch_jobs DROP COLUMN input",
    "ALTER TABLE batch_jobs DROP COLUMN returned_ctf",
    "ALTER TABLE batch_jobs DROP COLUMN report_csv",
    "ALTER TABLE batch_jobs DROP COLUMN report_html",
    NULL,
};

/*
 * Version 12: each job keeps its uploader's network address, which the
 * audit rows the job writes carry (docs/data-model.md).
 */
const char *const lrs__sqlite_job_addr_migration[] = {
    "ALTER TABLE batch_jobs ADD COLUMN addr TEXT NOT NULL DEFAULT ''",
    NULL,
};

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

static enum lrs_err prepare(void *e, const char *sql, sqlite3_stmt **st)
{
    const int rc = sqlite3_prepare_v2(lrs__sqlite_db(e), sql, -1, st, NULL);

    if (rc != SQLITE_OK) {
        *st = NULL;
        return lrs__sqlite_fail(e, rc);
    }
    return LRS_OK;
}

/* The statements kept prepared: run per pupil or per chunk. */
enum batch_stmt { B_JOB_UPDATE, B_ROWS_INSERT, B_EXCEPTION_INSERT, B__COUNT };

static const char *const kept_sql[B__COUNT] = {
    [B_JOB_UPDATE] =
        "UPDATE batch_jobs SET status = ?2, rows_total = ?3, rows_done = ?4,"
        " checkpoint = ?5, claimed_by = ?6, error = ?7, updated_ms = ?8"
        " WHERE id = ?1",
    [B_ROWS_INSERT] = "INSERT INTO batch_rows (job_id, ordinal, upn, code,"
                      " uln, exception_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [B_EXCEPTION_INSERT] =
        "INSERT INTO exceptions (job_id, org_id, ordinal, code, status,"
        " reason, candidates, created_ms) VALUES (?1, ?2, ?3, ?4, 'open',"
        " ?5, ?6, ?7)",
};

_Static_assert(B__COUNT == LRS__SQLITE_BATCH_STMTS, "sqlite_int.h");

void lrs__sqlite_batch_close(void *e)
{
    sqlite3_stmt **kept_st = lrs__sqlite_batch_stmts(e);

    for (size_t i = 0; i < B__COUNT; i++) {
        sqlite3_finalize(kept_st[i]);
        kept_st[i] = NULL;
    }
}

/* Kept statement `id`, unbound and ready to step. */
static enum lrs_err kept(void *e, enum batch_stmt id, sqlite3_stmt **st)
{
    sqlite3_stmt **kept_st = lrs__sqlite_batch_stmts(e);

    *st = NULL;
    if (!kept_st[id]) {
        const int rc =
            sqlite3_prepare_v3(lrs__sqlite_db(e), kept_sql[id], -1,
                               SQLITE_PREPARE_PERSISTENT, &kept_st[id], NULL);

        if (rc != SQLITE_OK) {
            kept_st[id] = NULL;
            return lrs__sqlite_fail(e, rc);
        }
    }
    sqlite3_clear_bindings(kept_st[id]);
    *st = kept_st[id];
    return LRS_OK;
}

/* Step kept statement `st` to its end (no rows expected) and reset it. */
static enum lrs_err kept_done(void *e, sqlite3_stmt *st, int rc)
{
    enum lrs_err err;

    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    err = rc == SQLITE_DONE ? LRS_OK : lrs__sqlite_fail(e, rc);
    sqlite3_reset(st);
    return err;
}

/* Step `st` to its end (no rows expected) and finalize it. */
static enum lrs_err finish(void *e, sqlite3_stmt *st, int rc)
{
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) {
        const enum lrs_err err = lrs__sqlite_fail(e, rc);

        sqlite3_finalize(st);
        return err;
    }
    sqlite3_finalize(st);
    return LRS_OK;
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
    return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
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

/* A ten-digit ULN as an integer; 0 for "" or anything else. */
static sqlite3_int64 uln_int(const char *uln)
{
    sqlite3_int64 v = 0;
    size_t i;

    for (i = 0; uln[i]; i++) {
        if (i == LRS_ULN_LEN || uln[i] < '0' || uln[i] > '9')
            return 0;
        v = v * 10 + (uln[i] - '0');
    }
    return i == LRS_ULN_LEN ? v : 0;
}

static int bind_uln(sqlite3_stmt *st, int i, const char *uln)
{
    const sqlite3_int64 v = uln_int(uln);

    return v ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
}

static void col_uln(sqlite3_stmt *st, int i, char out[LRS_ULN_SIZE])
{
    sqlite3_int64 v = sqlite3_column_int64(st, i);

    out[0] = '\0';
    if (v < 1000000000 || v > 9999999999)
        return;
    for (int k = LRS_ULN_LEN - 1; k >= 0; k--) {
        out[k] = (char)('0' + v % 10);
        v /= 10;
    }
    out[LRS_ULN_LEN] = '\0';
}

static int status_of(const char *name, const char *const *names, int count)
{
    for (int i = 0; i < count; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

static uint64_t col_u64(sqlite3_stmt *st, int i)
{
    const sqlite3_int64 v = sqlite3_column_int64(st, i);

    return v > 0 ? (uint64_t)v : 0;
}

/* A row in JOB_COLS order. */
static enum lrs_err read_job(void *e, sqlite3_stmt *st, struct lrs_job *j)
{
    char status[16];
    int k;

    memset(j, 0, sizeof *j);
    j->id = sqlite3_column_int64(st, 0);
    j->org_id = sqlite3_column_int64(st, 1);
    j->user_id = sqlite3_column_int64(st, 2);
    col_text(st, 3, status, sizeof status);
    k = status_of(status, status_names, (int)LRS_ARRAY_LEN(status_names));
    if (k < 0)
        return lrs__sqlite_fail_msg(e, LRS_ECORRUPT,
                                    "stored job status is unknown");
    j->status = (enum lrs_job_status)k;
    col_text(st, 4, j->file_name, sizeof j->file_name);
    col_text(st, 5, j->sha256, sizeof j->sha256);
    j->input_len = col_u64(st, 6);
    j->rows_total = col_u64(st, 7);
    j->rows_done = col_u64(st, 8);
    j->checkpoint = col_u64(st, 9);
    col_text(st, 10, j->claimed_by, sizeof j->claimed_by);
    j->created_ms = sqlite3_column_int64(st, 11);
    j->updated_ms = sqlite3_column_int64(st, 12);
    col_text(st, 13, j->error, sizeof j->error);
    col_text(st, 14, j->addr, sizeof j->addr);
    return LRS_OK;
}

/* Run `st` (bound) and read its one job row, then finalize it. */
static enum lrs_err one_job(void *e, sqlite3_stmt *st, int rc,
                            struct lrs_job *out)
{
    enum lrs_err err = LRS_OK;

    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        err = read_job(e, st, out);
    else if (rc == SQLITE_DONE)
        err = LRS_ENOTFOUND;
    else
        err = lrs__sqlite_fail(e, rc);
    sqlite3_finalize(st);
    return err;
}

/* Store blob `which` of job `id` (`data` NULL: remove it). */
static enum lrs_err put_blob(void *e, int64_t id, enum lrs_job_blob which,
                             const void *data, size_t len)
{
    sqlite3_stmt *st;
    enum lrs_err err = prepare(
        e,
        data ? "INSERT INTO batch_blobs (job_id, kind, data)"
               " VALUES (?1, ?2, ?3) ON CONFLICT (job_id, kind)"
               " DO UPDATE SET data = excluded.data"
             : "DELETE FROM batch_blobs WHERE job_id = ?1 AND kind = ?2",
        &st);
    int rc;

    if (err)
        return err;
    rc = sqlite3_bind_int64(st, 1, id);
    rc = rc ? rc : sqlite3_bind_int(st, 2, (int)which);
    if (data)
        rc = rc ? rc
                : sqlite3_bind_blob64(st, 3, len ? data : "", len,
                                      SQLITE_STATIC);
    return finish(e, st, rc);
}

/* ------------------------------------------------------------------ */
/* Jobs                                                               */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__sqlite_job_insert(void *e, struct lrs_job *j,
                                    const void *input, size_t len)
{
    sqlite3_stmt *st;
    enum lrs_err err =
        prepare(e,
                "INSERT INTO batch_jobs (org_id, user_id, status, file_name,"
                " sha256, created_ms, updated_ms, input_len, addr) VALUES"
                " (?1, ?2, 'queued', ?3, ?4, ?5, ?5, ?6, ?7)"
                " ON CONFLICT (org_id, sha256) DO NOTHING",
                &st);
    int rc;

    if (err)
        return err;
    rc = sqlite3_bind_int64(st, 1, j->org_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 2, j->user_id);
    rc = rc ? rc : bind_text(st, 3, j->file_name);
    rc = rc ? rc : bind_text(st, 4, j->sha256);
    rc = rc ? rc : sqlite3_bind_int64(st, 5, j->created_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 6, (sqlite3_int64)len);
    rc = rc ? rc : bind_text(st, 7, j->addr);
    err = finish(e, st, rc);
    if (err)
        return err;
    if (sqlite3_changes(lrs__sqlite_db(e)) == 0)
        return LRS_ECONFLICT;
    j->id = sqlite3_last_insert_rowid(lrs__sqlite_db(e));
    return put_blob(e, j->id, LRS_JOB_INPUT, input ? input : "", len);
}

enum lrs_err lrs__sqlite_job_get(void *e, int64_t id, int64_t org,
                                 const char *sha256, struct lrs_job *out)
{
    sqlite3_stmt *st;
    enum lrs_err err;
    int rc;

    if (sha256) {
        err = prepare(e,
                      "SELECT " JOB_COLS " FROM batch_jobs"
                      " WHERE org_id = ?1 AND sha256 = ?2",
                      &st);
        if (err)
            return err;
        rc = sqlite3_bind_int64(st, 1, org);
        rc = rc ? rc : bind_text(st, 2, sha256);
    } else {
        err = prepare(e, "SELECT " JOB_COLS " FROM batch_jobs WHERE id = ?1",
                      &st);
        if (err)
            return err;
        rc = sqlite3_bind_int64(st, 1, id);
    }
    return one_job(e, st, rc, out);
}

enum lrs_err lrs__sqlite_job_blob(void *e, int64_t id, enum lrs_job_blob which,
                                  struct lrs_buf *out)
{
    sqlite3_stmt *st;
    enum lrs_err err;
    int rc;

    if ((unsigned)which > LRS_JOB_REPORT_HTML)
        LRS_BUG("job_blob: no such blob");
    err = prepare(e,
                  "SELECT data FROM batch_blobs WHERE job_id = ?1"
                  " AND kind = ?2",
                  &st);
    if (err)
        return err;
    rc = sqlite3_bind_int64(st, 1, id);
    rc = rc ? rc : sqlite3_bind_int(st, 2, (int)which);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        const void *p = sqlite3_column_blob(st, 0);
        const size_t n = (size_t)sqlite3_column_bytes(st, 0);

        lrs_buf_reset(out);
        err = lrs_buf_add(out, p ? p : "", n);
    } else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        err = LRS_ENOTFOUND;
    } else {
        err = lrs__sqlite_fail(e, rc);
    }
    sqlite3_finalize(st);
    return err;
}

enum lrs_err lrs__sqlite_job_claim(void *e, int64_t id, const char *worker,
                                   int64_t now_ms, int64_t stale_before,
                                   struct lrs_job *out)
{
    sqlite3_stmt *st;
    enum lrs_err err;
    int rc;

    /* One statement: the write lock of the caller's BEGIN IMMEDIATE is
     * held from the choice to the update. */
    err = prepare(e,
                  "UPDATE batch_jobs SET status = 'running',"
                  " claimed_by = ?1, updated_ms = ?2, error = ''"
                  " WHERE id = (SELECT id FROM batch_jobs WHERE"
                  " CASE WHEN ?3 > 0 THEN id = ?3 AND status <> 'done'"
                  " ELSE status = 'queued' OR (status = 'running'"
                  " AND updated_ms < ?4) END ORDER BY id LIMIT 1)"
                  " RETURNING " JOB_COLS,
                  &st);
    if (err)
        return err;
    rc = bind_text(st, 1, worker);
    rc = rc ? rc : sqlite3_bind_int64(st, 2, now_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 3, id);
    rc = rc ? rc : sqlite3_bind_int64(st, 4, stale_before);
    return one_job(e, st, rc, out);
}

enum lrs_err lrs__sqlite_job_update(void *e, const struct lrs_job *j)
{
    sqlite3_stmt *st;
    enum lrs_err err = kept(e, B_JOB_UPDATE, &st);
    int rc;

    if (err)
        return err;
    if ((unsigned)j->status >= LRS_ARRAY_LEN(status_names))
        LRS_BUG("job_update: bad status");
    rc = sqlite3_bind_int64(st, 1, j->id);
    rc = rc ? rc : bind_text(st, 2, status_names[j->status]);
    rc = rc ? rc : sqlite3_bind_int64(st, 3, (sqlite3_int64)j->rows_total);
    rc = rc ? rc : sqlite3_bind_int64(st, 4, (sqlite3_int64)j->rows_done);
    rc = rc ? rc : sqlite3_bind_int64(st, 5, (sqlite3_int64)j->checkpoint);
    rc = rc ? rc : bind_text(st, 6, j->claimed_by);
    rc = rc ? rc : bind_text(st, 7, j->error);
    rc = rc ? rc : sqlite3_bind_int64(st, 8, j->updated_ms);
    err = kept_done(e, st, rc);
    if (!err && sqlite3_changes(lrs__sqlite_db(e)) == 0)
        return LRS_ENOTFOUND;
    return err;
}

enum lrs_err lrs__sqlite_job_outputs(void *e, int64_t id,
                                     const struct lrs_buf *ctf,
                                     const struct lrs_buf *csv,
                                     const struct lrs_buf *html)
{
    const struct lrs_buf *const b[] = {ctf, csv, html};
    const enum lrs_job_blob which[] = {LRS_JOB_RETURNED_CTF, LRS_JOB_REPORT_CSV,
                                       LRS_JOB_REPORT_HTML};
    sqlite3_stmt *st;
    enum lrs_err err =
        prepare(e, "SELECT 1 FROM batch_jobs WHERE id = ?1", &st);
    int rc;

    if (err)
        return err;
    rc = sqlite3_bind_int64(st, 1, id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return LRS_ENOTFOUND;
    if (rc != SQLITE_ROW)
        return lrs__sqlite_fail(e, rc);
    for (size_t i = 0; !err && i < LRS_ARRAY_LEN(b); i++)
        err = put_blob(e, id, which[i], b[i] ? b[i]->data : NULL,
                       b[i] ? b[i]->len : 0);
    return err;
}

enum lrs_err lrs__sqlite_job_scan(void *e, int64_t org, lrs_store_job_fn fn,
                                  void *ctx)
{
    sqlite3_stmt *st;
    struct lrs_job j;
    enum lrs_err err = prepare(e,
                               "SELECT " JOB_COLS " FROM batch_jobs"
                               " WHERE ?1 < 0 OR org_id = ?1"
                               " ORDER BY id DESC",
                               &st);
    int rc;

    if (err)
        return err;
    rc = sqlite3_bind_int64(st, 1, org);
    while (!err && rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            break;
        rc = SQLITE_OK;
        err = read_job(e, st, &j);
        if (!err)
            err = fn(&j, ctx);
    }
    if (!err && rc != SQLITE_DONE)
        err = lrs__sqlite_fail(e, rc);
    sqlite3_finalize(st);
    return err;
}

/* ------------------------------------------------------------------ */
/* Rows                                                               */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__sqlite_job_rows_insert(void *e,
                                         const struct lrs_job_row *rows,
                                         size_t count)
{
    sqlite3_stmt *st;
    enum lrs_err err = kept(e, B_ROWS_INSERT, &st);

    for (size_t i = 0; !err && i < count; i++) {
        const struct lrs_job_row *r = &rows[i];
        int rc;

        rc = sqlite3_bind_int64(st, 1, r->job_id);
        rc = rc ? rc : sqlite3_bind_int64(st, 2, (sqlite3_int64)r->ordinal);
        rc = rc ? rc : bind_text(st, 3, r->upn);
        rc = rc ? rc : bind_text(st, 4, r->code);
        rc = rc ? rc : bind_uln(st, 5, r->uln);
        if (!rc)
            rc = r->exception_id ? sqlite3_bind_int64(st, 6, r->exception_id)
                                 : sqlite3_bind_null(st, 6);
        err = kept_done(e, st, rc);
    }
    return err;
}

enum lrs_err lrs__sqlite_job_row_set_uln(void *e, const struct lrs_job_row *r)
{
    sqlite3_stmt *st;
    enum lrs_err err = prepare(e,
                               "UPDATE batch_rows SET uln = ?3"
                               " WHERE job_id = ?1 AND ordinal = ?2",
                               &st);
    int rc;

    if (err)
        return err;
    rc = sqlite3_bind_int64(st, 1, r->job_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 2, (sqlite3_int64)r->ordinal);
    rc = rc ? rc : bind_uln(st, 3, r->uln);
    err = finish(e, st, rc);
    if (!err && sqlite3_changes(lrs__sqlite_db(e)) == 0)
        return LRS_ENOTFOUND;
    return err;
}

enum lrs_err lrs__sqlite_job_row_scan(void *e, int64_t job_id,
                                      lrs_store_job_row_fn fn, void *ctx)
{
    sqlite3_stmt *st;
    struct lrs_job_row r;
    enum lrs_err err = prepare(e,
                               "SELECT ordinal, upn, code, uln, exception_id"
                               " FROM batch_rows WHERE job_id = ?1"
                               " ORDER BY ordinal",
                               &st);
    int rc;

    if (err)
        return err;
    rc = sqlite3_bind_int64(st, 1, job_id);
    while (!err && rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            break;
        rc = SQLITE_OK;
        memset(&r, 0, sizeof r);
        r.job_id = job_id;
        r.ordinal = col_u64(st, 0);
        col_text(st, 1, r.upn, sizeof r.upn);
        col_text(st, 2, r.code, sizeof r.code);
        col_uln(st, 3, r.uln);
        r.exception_id = sqlite3_column_int64(st, 4);
        err = fn(&r, ctx);
    }
    if (!err && rc != SQLITE_DONE)
        err = lrs__sqlite_fail(e, rc);
    sqlite3_finalize(st);
    return err;
}

/* ------------------------------------------------------------------ */
/* Exceptions                                                         */
/* ------------------------------------------------------------------ */

static const char *const exc_status_names[] = {"open", "resolved"};

/* A row in EXC_COLS order; candidates stay in the statement. */
static enum lrs_err read_exception(void *e, sqlite3_stmt *st,
                                   struct lrs_exception *x)
{
    char status[16];
    int k;

    memset(x, 0, sizeof *x);
    x->id = sqlite3_column_int64(st, 0);
    x->job_id = sqlite3_column_int64(st, 1);
    x->org_id = sqlite3_column_int64(st, 2);
    x->ordinal = col_u64(st, 3);
    col_text(st, 4, x->code, sizeof x->code);
    col_text(st, 5, status, sizeof status);
    k = status_of(status, exc_status_names,
                  (int)LRS_ARRAY_LEN(exc_status_names));
    if (k < 0)
        return lrs__sqlite_fail_msg(e, LRS_ECORRUPT,
                                    "stored exception status is unknown");
    x->status = (enum lrs_exception_status)k;
    col_text(st, 6, x->reason, sizeof x->reason);
    x->candidates = (const char *)sqlite3_column_text(st, 7);
    if (!x->candidates)
        x->candidates = "";
    x->created_ms = sqlite3_column_int64(st, 8);
    col_uln(st, 9, x->resolved_uln);
    x->resolved_new = sqlite3_column_int(st, 10) != 0;
    x->resolved_by = sqlite3_column_int64(st, 11);
    x->resolved_ms = sqlite3_column_int64(st, 12);
    col_text(st, 13, x->resolution_reason, sizeof x->resolution_reason);
    return LRS_OK;
}

enum lrs_err lrs__sqlite_exception_insert(void *e, struct lrs_exception *x)
{
    sqlite3_stmt *st;
    enum lrs_err err = kept(e, B_EXCEPTION_INSERT, &st);
    int rc;

    if (err)
        return err;
    rc = sqlite3_bind_int64(st, 1, x->job_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 2, x->org_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 3, (sqlite3_int64)x->ordinal);
    rc = rc ? rc : bind_text(st, 4, x->code);
    rc = rc ? rc : bind_text(st, 5, x->reason);
    rc = rc ? rc : bind_text(st, 6, x->candidates);
    rc = rc ? rc : sqlite3_bind_int64(st, 7, x->created_ms);
    err = kept_done(e, st, rc);
    if (!err)
        x->id = sqlite3_last_insert_rowid(lrs__sqlite_db(e));
    return err;
}

enum lrs_err lrs__sqlite_exception_get(void *e, int64_t id,
                                       struct lrs_exception *out,
                                       struct lrs_buf *cand)
{
    sqlite3_stmt *st;
    enum lrs_err err =
        prepare(e, "SELECT " EXC_COLS " FROM exceptions WHERE id = ?1", &st);
    int rc;

    if (err)
        return err;
    rc = sqlite3_bind_int64(st, 1, id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        err = read_exception(e, st, out);
        if (!err) {
            lrs_buf_reset(cand);
            err = lrs_buf_adds(cand, out->candidates);
            out->candidates = cand->data;
        }
    } else if (rc == SQLITE_DONE) {
        err = LRS_ENOTFOUND;
    } else {
        err = lrs__sqlite_fail(e, rc);
    }
    sqlite3_finalize(st);
    return err;
}

enum lrs_err lrs__sqlite_exception_resolve(void *e,
                                           const struct lrs_exception *x)
{
    sqlite3_stmt *st;
    enum lrs_err err =
        prepare(e,
                "UPDATE exceptions SET status = 'resolved', resolved_uln = ?2,"
                " resolved_new = ?3, resolved_by = ?4, resolved_ms = ?5,"
                " resolution_reason = ?6 WHERE id = ?1 AND status = 'open'",
                &st);
    int rc;

    if (err)
        return err;
    rc = sqlite3_bind_int64(st, 1, x->id);
    rc = rc ? rc : bind_uln(st, 2, x->resolved_uln);
    rc = rc ? rc : sqlite3_bind_int(st, 3, x->resolved_new ? 1 : 0);
    rc = rc ? rc : sqlite3_bind_int64(st, 4, x->resolved_by);
    rc = rc ? rc : sqlite3_bind_int64(st, 5, x->resolved_ms);
    rc = rc ? rc : bind_text(st, 6, x->resolution_reason);
    err = finish(e, st, rc);
    if (!err && sqlite3_changes(lrs__sqlite_db(e)) == 0)
        return LRS_ECONFLICT;
    return err;
}

enum lrs_err lrs__sqlite_exception_scan(void *e,
                                        const struct lrs_exception_filter *f,
                                        lrs_store_exception_fn fn, void *ctx)
{
    sqlite3_stmt *st;
    struct lrs_exception x;
    enum lrs_err err = prepare(e,
                               "SELECT " EXC_COLS " FROM exceptions"
                               " WHERE (?1 = 0 OR job_id = ?1)"
                               " AND (?2 < 0 OR org_id = ?2)"
                               " AND (?3 = '' OR status = ?3)"
                               " AND (?4 = '' OR code = ?4) ORDER BY id",
                               &st);
    int rc;

    if (err)
        return err;
    rc = sqlite3_bind_int64(st, 1, f->job_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 2, f->org_id);
    if (!rc)
        rc = bind_text(st, 3,
                       f->status == LRS_EXCEPTION_OPEN       ? "open"
                       : f->status == LRS_EXCEPTION_RESOLVED ? "resolved"
                                                             : "");
    rc = rc ? rc : bind_text(st, 4, f->code);
    while (!err && rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            break;
        rc = SQLITE_OK;
        err = read_exception(e, st, &x);
        if (!err)
            err = fn(&x, ctx);
    }
    if (!err && rc != SQLITE_DONE)
        err = lrs__sqlite_fail(e, rc);
    sqlite3_finalize(st);
    return err;
}
