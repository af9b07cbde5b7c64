/*
 * pg/batch.c - the batch ops of the PostgreSQL engine: jobs, rows and
 * exceptions (store_int.h, schema versions 3 and 6), equivalent to
 * sqlite/batch.c.
 *
 * The statements a batch runs per pupil or per chunk (an exception, a
 * chunk's rows, the job's progress) are prepared once per connection
 * (lrs__pg_run_static); the rest, run once a job or per request, go
 * through PQexecParams (unnamed, parsed per call), which also keeps the
 * scans' "any" filters planned for the values given. A chunk's rows go in
 * one INSERT ... SELECT FROM unnest() of arrays. Parameters are text,
 * blobs binary. A queued job is claimed with FOR UPDATE SKIP LOCKED, so
 * workers on any number of nodes never take the same job and never wait
 * for one another (ARCHITECTURE.md Scale-out).
 */
#include "base/base.h"

#include "store/pg/pg_int.h"

#include <inttypes.h>

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

/* Version 12, as SQLite's: each job keeps its uploader's address. */
const char *const lrs__pg_job_addr_migration[] = {
    "ALTER TABLE batch_jobs ADD COLUMN addr text NOT NULL DEFAULT ''",
    NULL,
};

/* Version 6, as SQLite's: the blobs of a job in a table of their own, so
 * that a checkpoint updates a small row (sqlite/batch.c). */
const char *const lrs__pg_batch_blobs_migration[] = {
    "CREATE TABLE batch_blobs ("
    " job_id bigint NOT NULL REFERENCES batch_jobs(id),"
    " kind integer NOT NULL CHECK (kind BETWEEN 0 AND 3),"
    " data bytea NOT NULL,"
    " PRIMARY KEY (job_id, kind))",
    "INSERT INTO batch_blobs SELECT id, 0, input FROM batch_jobs",
    "INSERT INTO batch_blobs SELECT id, 1, returned_ctf FROM batch_jobs"
    " WHERE returned_ctf IS NOT NULL",
    "INSERT INTO batch_blobs SELECT id, 2, report_csv FROM batch_jobs"
    " WHERE report_csv IS NOT NULL",
    "INSERT INTO batch_blobs SELECT id, 3, report_html FROM batch_jobs"
    " WHERE report_html IS NOT NULL",
    "ALTER TABLE batch_jobs ADD COLUMN input_len bigint NOT NULL DEFAULT 0",
    "UPDATE batch_jobs SET input_len = octet_length(input)",
    "ALTER TABLE batch_jobs DROP COLUMN input, DROP COLUMN returned_ctf,"
    " DROP COLUMN report_csv, DROP COLUMN report_html",
    NULL,
};
static const char *const exc_status_names[] = {"open", "resolved"};

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

/*
 * The error of a failed result, mapped by pg.c's lrs__pg_fail_result (the
 * engine's one SQLSTATE map, primary message only: DETAIL lines echo
 * values); the result is cleared.
 */
static enum lrs_err fail(struct pg *p, PGresult *res)
{
    const enum lrs_err err = lrs__pg_fail_result(p, res);

    PQclear(res);
    return err;
}

/* Run `sql` with `params` (may be NULL); *out owns the result. */
static enum lrs_err exec(struct pg *p, const char *sql,
                         const struct pg_params *params, PGresult **out)
{
    const int n = params ? params->count : 0;
    PGresult *res;

    *out = NULL;
    p->errmsg[0] = '\0';
    res =
        PQexecParams(p->conn, sql, n, NULL, n ? params->values : NULL,
                     n ? params->lengths : NULL, n ? params->formats : NULL, 0);
    if (!res || (PQresultStatus(res) != PGRES_COMMAND_OK &&
                 PQresultStatus(res) != PGRES_TUPLES_OK))
        return fail(p, res);
    *out = res;
    return LRS_OK;
}

/* Run for the effect; *rows (may be NULL) receives the rows affected.
 * `prepared`: through lrs__pg_run_static (`sql` a string literal). */
static enum lrs_err run(struct pg *p, const char *sql,
                        const struct pg_params *params, bool prepared,
                        uint64_t *rows)
{
    PGresult *res;
    enum lrs_err err = prepared ? lrs__pg_run_static(p, sql, params, &res)
                                : exec(p, sql, params, &res);

    if (!err && rows)
        *rows = strtoull(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return err;
}

static uint64_t u64(const PGresult *res, int row, int col)
{
    const int64_t v = lrs__pg_col_i64(res, row, col);

    return v > 0 ? (uint64_t)v : 0;
}

static int find_name(const char *v, const char *const *names, int count)
{
    for (int i = 0; i < count; i++)
        if (strcmp(v, names[i]) == 0)
            return i;
    return -1;
}

/* A ten-digit ULN text or NULL (SQL NULL) for "". */
static const char *uln_param(const char *uln)
{
    return uln[0] ? uln : NULL;
}

static void uln_col(const PGresult *res, int row, int col,
                    char out[LRS_ULN_SIZE])
{
    out[0] = '\0';
    if (!PQgetisnull(res, row, col) && PQgetlength(res, row, col) == 10)
        lrs__pg_col_text(res, row, col, out, LRS_ULN_SIZE);
}

/* Row `row` of a JOB_COLS result. */
static enum lrs_err read_job(struct pg *p, const PGresult *res, int row,
                             struct lrs_job *j)
{
    int k;

    memset(j, 0, sizeof *j);
    j->id = lrs__pg_col_i64(res, row, 0);
    j->org_id = lrs__pg_col_i64(res, row, 1);
    j->user_id = lrs__pg_col_i64(res, row, 2);
    k = find_name(PQgetvalue(res, row, 3), status_names,
                  (int)LRS_ARRAY_LEN(status_names));
    if (k < 0)
        return lrs__pg_fail(p, LRS_ECORRUPT, "stored job status is unknown");
    j->status = (enum lrs_job_status)k;
    lrs__pg_col_text(res, row, 4, j->file_name, sizeof j->file_name);
    lrs__pg_col_text(res, row, 5, j->sha256, sizeof j->sha256);
    j->input_len = u64(res, row, 6);
    j->rows_total = u64(res, row, 7);
    j->rows_done = u64(res, row, 8);
    j->checkpoint = u64(res, row, 9);
    lrs__pg_col_text(res, row, 10, j->claimed_by, sizeof j->claimed_by);
    j->created_ms = lrs__pg_col_i64(res, row, 11);
    j->updated_ms = lrs__pg_col_i64(res, row, 12);
    lrs__pg_col_text(res, row, 13, j->error, sizeof j->error);
    lrs__pg_col_text(res, row, 14, j->addr, sizeof j->addr);
    return LRS_OK;
}

static enum lrs_err one_job(struct pg *p, const char *sql,
                            const struct pg_params *params, struct lrs_job *out)
{
    PGresult *res;
    enum lrs_err err = exec(p, sql, params, &res);

    if (err)
        return err;
    err = PQntuples(res) == 1 ? read_job(p, res, 0, out) : LRS_ENOTFOUND;
    PQclear(res);
    return err;
}

/* Store blob `which` of job `id` (`data` NULL: remove it). */
static enum lrs_err put_blob(void *e, int64_t id, enum lrs_job_blob which,
                             const void *data, size_t len)
{
    struct pg_params pa;
    uint64_t rows = 0;

    lrs__pg_params_init(&pa);
    lrs__pg_param_i64(&pa, id);
    lrs__pg_param_i64(&pa, (int64_t)which);
    if (!data)
        return run(e, "DELETE FROM batch_blobs WHERE job_id = $1 AND kind = $2",
                   &pa, false, &rows);
    lrs__pg_param_bin(&pa, len ? data : "", len);
    return run(e,
               "INSERT INTO batch_blobs (job_id, kind, data)"
               " VALUES ($1, $2, $3) ON CONFLICT (job_id, kind)"
               " DO UPDATE SET data = excluded.data",
               &pa, false, &rows);
}

/* ------------------------------------------------------------------ */
/* Jobs                                                               */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__pg_job_insert(void *e, struct lrs_job *j, const void *input,
                                size_t len)
{
    struct pg *p = e;
    struct pg_params pa;
    PGresult *res;
    enum lrs_err err;

    lrs__pg_params_init(&pa);
    lrs__pg_param_i64(&pa, j->org_id);
    lrs__pg_param_i64(&pa, j->user_id);
    lrs__pg_param_str(&pa, j->file_name);
    lrs__pg_param_str(&pa, j->sha256);
    lrs__pg_param_i64(&pa, j->created_ms);
    lrs__pg_param_i64(&pa, (int64_t)len);
    lrs__pg_param_str(&pa, j->addr);
    err = exec(p,
               "INSERT INTO batch_jobs (org_id, user_id, status, file_name,"
               " sha256, created_ms, updated_ms, input_len, addr) VALUES"
               " ($1, $2, 'queued', $3, $4, $5, $5, $6, $7)"
               " ON CONFLICT (org_id, sha256) DO NOTHING RETURNING id",
               &pa, &res);
    if (err)
        return err;
    if (PQntuples(res) == 1)
        j->id = lrs__pg_col_i64(res, 0, 0);
    else
        err = LRS_ECONFLICT;
    PQclear(res);
    if (err)
        return err;
    return put_blob(e, j->id, LRS_JOB_INPUT, input ? input : "", len);
}

enum lrs_err lrs__pg_job_get(void *e, int64_t id, int64_t org,
                             const char *sha256, struct lrs_job *out)
{
    struct pg_params pa;

    lrs__pg_params_init(&pa);
    if (sha256) {
        lrs__pg_param_i64(&pa, org);
        lrs__pg_param_str(&pa, sha256);
        return one_job(e,
                       "SELECT " JOB_COLS " FROM batch_jobs"
                       " WHERE org_id = $1 AND sha256 = $2",
                       &pa, out);
    }
    lrs__pg_param_i64(&pa, id);
    return one_job(e, "SELECT " JOB_COLS " FROM batch_jobs WHERE id = $1", &pa,
                   out);
}

enum lrs_err lrs__pg_job_blob(void *e, int64_t id, enum lrs_job_blob which,
                              struct lrs_buf *out)
{
    struct pg *p = e;
    struct pg_params pa;
    PGresult *res;
    enum lrs_err err;

    if ((unsigned)which > LRS_JOB_REPORT_HTML)
        LRS_BUG("job_blob: no such blob");
    lrs__pg_params_init(&pa);
    lrs__pg_param_i64(&pa, id);
    lrs__pg_param_i64(&pa, (int64_t)which);
    /* Results come back as text: bytea in hex, decoded here. */
    err =
        exec(p, "SELECT data FROM batch_blobs WHERE job_id = $1 AND kind = $2",
             &pa, &res);
    if (err)
        return err;
    if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
        err = LRS_ENOTFOUND;
    } else {
        size_t n;
        unsigned char *raw =
            PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 0), &n);

        if (!raw) {
            err = lrs__pg_fail(p, LRS_ENOMEM, "out of memory");
        } else {
            lrs_buf_reset(out);
            err = lrs_buf_add(out, raw, n);
            PQfreemem(raw);
        }
    }
    PQclear(res);
    return err;
}

enum lrs_err lrs__pg_job_claim(void *e, int64_t id, const char *worker,
                               int64_t now_ms, int64_t stale_before,
                               struct lrs_job *out)
{
    struct pg_params pa;

    lrs__pg_params_init(&pa);
    lrs__pg_param_str(&pa, worker);
    lrs__pg_param_i64(&pa, now_ms);
    lrs__pg_param_i64(&pa, id);
    lrs__pg_param_i64(&pa, stale_before);
    return one_job(e,
                   "UPDATE batch_jobs SET status = 'running',"
                   " claimed_by = $1, updated_ms = $2, error = ''"
                   " WHERE id = (SELECT id FROM batch_jobs WHERE"
                   " CASE WHEN $3::bigint > 0"
                   " THEN id = $3 AND status <> 'done'"
                   " ELSE status = 'queued' OR (status = 'running'"
                   " AND updated_ms < $4) END"
                   " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)"
                   " RETURNING " JOB_COLS,
                   &pa, out);
}

enum lrs_err lrs__pg_job_update(void *e, const struct lrs_job *j)
{
    struct pg_params pa;
    uint64_t rows = 0;
    enum lrs_err err;

    if ((unsigned)j->status >= LRS_ARRAY_LEN(status_names))
        LRS_BUG("job_update: bad status");
    lrs__pg_params_init(&pa);
    lrs__pg_param_i64(&pa, j->id);
    lrs__pg_param_str(&pa, status_names[j->status]);
    lrs__pg_param_i64(&pa, (int64_t)j->rows_total);
    lrs__pg_param_i64(&pa, (int64_t)j->rows_done);
    lrs__pg_param_i64(&pa, (int64_t)j->checkpoint);
    lrs__pg_param_str(&pa, j->claimed_by);
    lrs__pg_param_str(&pa, j->error);
    lrs__pg_param_i64(&pa, j->updated_ms);
    err = run(e,
              "UPDATE batch_jobs SET status = $2, rows_total = $3,"
              " rows_done = $4, checkpoint = $5, claimed_by = $6,"
              " error = $7, updated_ms = $8 WHERE id = $1",
              &pa, true, &rows);
    if (!err && rows == 0)
        return LRS_ENOTFOUND;
    return err;
}

enum lrs_err lrs__pg_job_outputs(void *e, int64_t id, const struct lrs_buf *ctf,
                                 const struct lrs_buf *csv,
                                 const struct lrs_buf *html)
{
    const struct lrs_buf *const b[] = {ctf, csv, html};
    const enum lrs_job_blob which[] = {LRS_JOB_RETURNED_CTF, LRS_JOB_REPORT_CSV,
                                       LRS_JOB_REPORT_HTML};
    struct pg_params pa;
    uint64_t rows = 0;
    enum lrs_err err;

    /* Lock the job's row: outputs are stored for an existing job. */
    lrs__pg_params_init(&pa);
    lrs__pg_param_i64(&pa, id);
    err = run(e, "SELECT 1 FROM batch_jobs WHERE id = $1 FOR UPDATE", &pa,
              false, &rows);
    if (!err && rows == 0)
        return LRS_ENOTFOUND;
    for (size_t i = 0; !err && i < LRS_ARRAY_LEN(b); i++)
        err = put_blob(e, id, which[i], b[i] ? b[i]->data : NULL,
                       b[i] ? b[i]->len : 0);
    return err;
}

enum lrs_err lrs__pg_job_scan(void *e, int64_t org, lrs_store_job_fn fn,
                              void *ctx)
{
    struct pg *p = e;
    struct pg_params pa;
    struct lrs_job j;
    PGresult *res;
    enum lrs_err err;

    /* A school's jobs are few (one a term or so): one result. */
    lrs__pg_params_init(&pa);
    lrs__pg_param_i64(&pa, org);
    err = exec(p,
               "SELECT " JOB_COLS " FROM batch_jobs"
               " WHERE $1::bigint < 0 OR org_id = $1 ORDER BY id DESC",
               &pa, &res);
    for (int i = 0; !err && i < PQntuples(res); i++) {
        err = read_job(p, res, i, &j);
        if (!err)
            err = fn(&j, ctx);
    }
    PQclear(res);
    return err;
}

/* ------------------------------------------------------------------ */
/* Rows                                                               */
/* ------------------------------------------------------------------ */

/* Append `s` to an array literal as a quoted element ("" for NULL). */
static enum lrs_err array_add(struct lrs_buf *b, const char *s, bool null)
{
    enum lrs_err err = lrs_buf_addch(b, b->len ? ',' : '{');

    if (err || null)
        return err ? err : lrs_buf_adds(b, "NULL");
    err = lrs_buf_addch(b, '"');
    for (; !err && *s; s++) {
        if (*s == '"' || *s == '\\')
            err = lrs_buf_addch(b, '\\');
        if (!err)
            err = lrs_buf_addch(b, *s);
    }
    return err ? err : lrs_buf_addch(b, '"');
}

enum lrs_err lrs__pg_job_rows_insert(void *e, const struct lrs_job_row *rows,
                                     size_t count)
{
    struct pg *p = e;
    struct lrs_buf a[6] = {LRS_BUF_INIT, LRS_BUF_INIT, LRS_BUF_INIT,
                           LRS_BUF_INIT, LRS_BUF_INIT, LRS_BUF_INIT};
    struct pg_params pa;
    enum lrs_err err = LRS_OK;

    /* Six arrays, one element per row: one round trip per chunk. */
    for (size_t i = 0; !err && i < count; i++) {
        const struct lrs_job_row *r = &rows[i];
        char job[24], ord[24], exc[24];

        snprintf(job, sizeof job, "%" PRId64, r->job_id);
        snprintf(ord, sizeof ord, "%" PRIu64, r->ordinal);
        snprintf(exc, sizeof exc, "%" PRId64, r->exception_id);
        err = array_add(&a[0], job, false);
        if (!err)
            err = array_add(&a[1], ord, false);
        if (!err)
            err = array_add(&a[2], r->upn, false);
        if (!err)
            err = array_add(&a[3], r->code, false);
        if (!err)
            err = array_add(&a[4], r->uln, r->uln[0] == '\0');
        if (!err)
            err = array_add(&a[5], exc, r->exception_id == 0);
    }
    for (size_t k = 0; !err && k < LRS_ARRAY_LEN(a); k++)
        err = lrs_buf_addch(&a[k], '}');
    if (err) {
        err = lrs__pg_fail(p, err, "out of memory");
        goto out;
    }
    lrs__pg_params_init(&pa);
    for (size_t k = 0; k < LRS_ARRAY_LEN(a); k++)
        lrs__pg_param_str(&pa, a[k].data);
    err = run(p,
              "INSERT INTO batch_rows (job_id, ordinal, upn, code, uln,"
              " exception_id) SELECT * FROM unnest($1::bigint[],"
              " $2::bigint[], $3::text[], $4::text[], $5::bigint[],"
              " $6::bigint[])",
              &pa, true, NULL);
out:
    for (size_t k = 0; k < LRS_ARRAY_LEN(a); k++)
        lrs_buf_release(&a[k]);
    return err;
}

enum lrs_err lrs__pg_job_row_set_uln(void *e, const struct lrs_job_row *r)
{
    struct pg_params pa;
    uint64_t rows = 0;
    enum lrs_err err;

    lrs__pg_params_init(&pa);
    lrs__pg_param_i64(&pa, r->job_id);
    lrs__pg_param_i64(&pa, (int64_t)r->ordinal);
    lrs__pg_param_str(&pa, uln_param(r->uln));
    err = run(e,
              "UPDATE batch_rows SET uln = $3 WHERE job_id = $1"
              " AND ordinal = $2",
              &pa, false, &rows);
    if (!err && rows == 0)
        return LRS_ENOTFOUND;
    return err;
}

enum lrs_err lrs__pg_job_row_scan(void *e, int64_t job_id,
                                  lrs_store_job_row_fn fn, void *ctx)
{
    struct pg *p = e;
    struct pg_params pa;
    struct lrs_job_row r;
    PGresult *res;
    enum lrs_err err;

    /* NEEDSWORK: one result holds every row of the job (about 60 bytes a
     * pupil); a cursor as the learner scan's if jobs grow past 100,000. */
    lrs__pg_params_init(&pa);
    lrs__pg_param_i64(&pa, job_id);
    err = exec(p,
               "SELECT ordinal, upn, code, uln, exception_id FROM batch_rows"
               " WHERE job_id = $1 ORDER BY ordinal",
               &pa, &res);
    for (int i = 0; !err && i < PQntuples(res); i++) {
        memset(&r, 0, sizeof r);
        r.job_id = job_id;
        r.ordinal = u64(res, i, 0);
        lrs__pg_col_text(res, i, 1, r.upn, sizeof r.upn);
        lrs__pg_col_text(res, i, 2, r.code, sizeof r.code);
        uln_col(res, i, 3, r.uln);
        r.exception_id = lrs__pg_col_i64(res, i, 4);
        err = fn(&r, ctx);
    }
    PQclear(res);
    return err;
}

/* ------------------------------------------------------------------ */
/* Exceptions                                                         */
/* ------------------------------------------------------------------ */

static enum lrs_err read_exception(struct pg *p, const PGresult *res, int row,
                                   struct lrs_exception *x)
{
    int k;

    memset(x, 0, sizeof *x);
    x->id = lrs__pg_col_i64(res, row, 0);
    x->job_id = lrs__pg_col_i64(res, row, 1);
    x->org_id = lrs__pg_col_i64(res, row, 2);
    x->ordinal = u64(res, row, 3);
    lrs__pg_col_text(res, row, 4, x->code, sizeof x->code);
    k = find_name(PQgetvalue(res, row, 5), exc_status_names,
                  (int)LRS_ARRAY_LEN(exc_status_names));
    if (k < 0)
        return lrs__pg_fail(p, LRS_ECORRUPT,
                            "stored exception status is unknown");
    x->status = (enum lrs_exception_status)k;
    lrs__pg_col_text(res, row, 6, x->reason, sizeof x->reason);
    x->candidates = PQgetvalue(res, row, 7);
    x->created_ms = lrs__pg_col_i64(res, row, 8);
    uln_col(res, row, 9, x->resolved_uln);
    x->resolved_new = lrs__pg_col_i64(res, row, 10) != 0;
    x->resolved_by = lrs__pg_col_i64(res, row, 11);
    x->resolved_ms = lrs__pg_col_i64(res, row, 12);
    lrs__pg_col_text(res, row, 13, x->resolution_reason,
                     sizeof x->resolution_reason);
    return LRS_OK;
}

enum lrs_err lrs__pg_exception_insert(void *e, struct lrs_exception *x)
{
    struct pg *p = e;
    struct pg_params pa;
    PGresult *res;
    enum lrs_err err;

    lrs__pg_params_init(&pa);
    lrs__pg_param_i64(&pa, x->job_id);
    lrs__pg_param_i64(&pa, x->org_id);
    lrs__pg_param_i64(&pa, (int64_t)x->ordinal);
    lrs__pg_param_str(&pa, x->code);
    lrs__pg_param_str(&pa, x->reason);
    lrs__pg_param_str(&pa, x->candidates);
    lrs__pg_param_i64(&pa, x->created_ms);
    err = lrs__pg_run_static(
        p,
        "INSERT INTO exceptions (job_id, org_id, ordinal, code,"
        " status, reason, candidates, created_ms) VALUES ($1, $2,"
        " $3, $4, 'open', $5, $6, $7) RETURNING id",
        &pa, &res);
    if (!err)
        x->id = lrs__pg_col_i64(res, 0, 0);
    PQclear(res);
    return err;
}

enum lrs_err lrs__pg_exception_get(void *e, int64_t id,
                                   struct lrs_exception *out,
                                   struct lrs_buf *cand)
{
    struct pg *p = e;
    struct pg_params pa;
    PGresult *res;
    enum lrs_err err;

    lrs__pg_params_init(&pa);
    lrs__pg_param_i64(&pa, id);
    err =
        exec(p, "SELECT " EXC_COLS " FROM exceptions WHERE id = $1", &pa, &res);
    if (err)
        return err;
    if (PQntuples(res) != 1) {
        err = LRS_ENOTFOUND;
    } else {
        err = read_exception(p, res, 0, out);
        if (!err) {
            lrs_buf_reset(cand);
            err = lrs_buf_adds(cand, out->candidates);
            out->candidates = cand->data;
        }
    }
    PQclear(res);
    return err;
}

enum lrs_err lrs__pg_exception_resolve(void *e, const struct lrs_exception *x)
{
    struct pg_params pa;
    uint64_t rows = 0;
    enum lrs_err err;

    lrs__pg_params_init(&pa);
    lrs__pg_param_i64(&pa, x->id);
    lrs__pg_param_str(&pa, uln_param(x->resolved_uln));
    lrs__pg_param_i64(&pa, x->resolved_new ? 1 : 0);
    lrs__pg_param_i64(&pa, x->resolved_by);
    lrs__pg_param_i64(&pa, x->resolved_ms);
    lrs__pg_param_str(&pa, x->resolution_reason);
    err = run(e,
              "UPDATE exceptions SET status = 'resolved', resolved_uln = $2,"
              " resolved_new = $3, resolved_by = $4, resolved_ms = $5,"
              " resolution_reason = $6 WHERE id = $1 AND status = 'open'",
              &pa, false, &rows);
    if (!err && rows == 0)
        return LRS_ECONFLICT;
    return err;
}

enum lrs_err lrs__pg_exception_scan(void *e,
                                    const struct lrs_exception_filter *f,
                                    lrs_store_exception_fn fn, void *ctx)
{
    struct pg *p = e;
    struct pg_params pa;
    struct lrs_exception x;
    PGresult *res;
    enum lrs_err err;

    lrs__pg_params_init(&pa);
    lrs__pg_param_i64(&pa, f->job_id);
    lrs__pg_param_i64(&pa, f->org_id);
    lrs__pg_param_str(&pa, f->status == LRS_EXCEPTION_OPEN       ? "open"
                           : f->status == LRS_EXCEPTION_RESOLVED ? "resolved"
                                                                 : "");
    lrs__pg_param_str(&pa, f->code);
    err = exec(p,
               "SELECT " EXC_COLS " FROM exceptions"
               " WHERE ($1::bigint = 0 OR job_id = $1)"
               " AND ($2::bigint < 0 OR org_id = $2)"
               " AND ($3::text = '' OR status = $3)"
               " AND ($4::text = '' OR code = $4) ORDER BY id",
               &pa, &res);
    for (int i = 0; !err && i < PQntuples(res); i++) {
        err = read_exception(p, res, i, &x);
        if (!err)
            err = fn(&x, ctx);
    }
    PQclear(res);
    return err;
}
