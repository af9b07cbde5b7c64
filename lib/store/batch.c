/*
 * store/batch.c - the engine-neutral half of batch jobs, rows and
 * exceptions (lrs/batch.h): argument checks, times, transactions and
 * messages; the engines (batch.c of each) move the rows.
 */
#include "base/base.h"

#include "store/store_int.h"

const char *lrs_job_status_name(enum lrs_job_status st)
{
    switch (st) {
    case LRS_JOB_QUEUED:
        return "queued";
    case LRS_JOB_RUNNING:
        return "running";
    case LRS_JOB_DONE:
        return "done";
    case LRS_JOB_FAILED:
        return "failed";
    }
    return "unknown";
}

const char *lrs_exception_status_name(enum lrs_exception_status st)
{
    switch (st) {
    case LRS_EXCEPTION_OPEN:
        return "open";
    case LRS_EXCEPTION_RESOLVED:
        return "resolved";
    }
    return "unknown";
}

/* Close a write opened with lrs__store_txn_enter(): a message for every
 * error but the two a caller expects, then commit or roll back. */
static enum lrs_err end_write(struct lrs_store *s, bool own, enum lrs_err err,
                              const char *what)
{
    if (err && err != LRS_ENOTFOUND && err != LRS_ECONFLICT)
        lrs__store_failed(s, err, what);
    return lrs__store_txn_leave(s, own, err);
}

/* Run one engine read; a message for every error but "not found". */
static enum lrs_err read_done(struct lrs_store *s, enum lrs_err err,
                              const char *what)
{
    if (err && err != LRS_ENOTFOUND)
        return lrs__store_failed(s, err, what);
    return err;
}

/* ------------------------------------------------------------------ */
/* Jobs                                                               */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_job_insert(struct lrs_store *s, struct lrs_job *j,
                                  const void *input, size_t len)
{
    struct lrs_job row = *j;
    bool own;
    enum lrs_err err;

    row.status = LRS_JOB_QUEUED;
    row.created_ms = row.updated_ms = lrs__store_now_ms();
    row.input_len = len;
    row.rows_total = row.rows_done = row.checkpoint = 0;
    row.claimed_by[0] = row.error[0] = '\0';
    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = lrs__store_ops(s)->job_insert(lrs__store_engine(s), &row, input, len);
    if (err == LRS_ECONFLICT)
        lrs__store_failedf(s, err,
                           "organisation %lld already sent a file "
                           "with SHA-256 %.16s...",
                           (long long)row.org_id, row.sha256);
    else if (err)
        lrs__store_failed(s, err, "store a batch job");
    err = lrs__store_txn_leave(s, own, err);
    if (!err)
        *j = row;
    return err;
}

enum lrs_err lrs_store_job_get(struct lrs_store *s, int64_t id,
                               struct lrs_job *out)
{
    return read_done(
        s, lrs__store_ops(s)->job_get(lrs__store_engine(s), id, 0, NULL, out),
        "read a batch job");
}

enum lrs_err lrs_store_job_find(struct lrs_store *s, int64_t org_id,
                                const char *sha256, struct lrs_job *out)
{
    return read_done(s,
                     lrs__store_ops(s)->job_get(lrs__store_engine(s), 0, org_id,
                                                sha256, out),
                     "look up a batch job");
}

enum lrs_err lrs_store_job_blob(struct lrs_store *s, int64_t id,
                                enum lrs_job_blob which, struct lrs_buf *out)
{
    return read_done(
        s, lrs__store_ops(s)->job_blob(lrs__store_engine(s), id, which, out),
        "read a batch file");
}

enum lrs_err lrs_store_job_claim(struct lrs_store *s, int64_t id,
                                 const char *worker, int64_t stale_ms,
                                 struct lrs_job *out)
{
    const int64_t now = lrs__store_now_ms();
    bool own;
    enum lrs_err err;

    if (!worker || strlen(worker) >= sizeof out->claimed_by)
        LRS_BUG("lrs_store_job_claim: worker name missing or too long");
    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = lrs__store_ops(s)->job_claim(lrs__store_engine(s), id, worker, now,
                                       now - stale_ms, out);
    return end_write(s, own, err, "claim a batch job");
}

enum lrs_err lrs_store_job_update(struct lrs_store *s, struct lrs_job *j)
{
    bool own;
    enum lrs_err err = lrs__store_txn_enter(s, &own);

    if (err)
        return err;
    j->updated_ms = lrs__store_now_ms();
    err = lrs__store_ops(s)->job_update(lrs__store_engine(s), j);
    return end_write(s, own, err, "update a batch job");
}

enum lrs_err lrs_store_job_outputs(struct lrs_store *s, int64_t id,
                                   const struct lrs_buf *ctf,
                                   const struct lrs_buf *csv,
                                   const struct lrs_buf *html)
{
    bool own;
    enum lrs_err err = lrs__store_txn_enter(s, &own);

    if (err)
        return err;
    err = lrs__store_ops(s)->job_outputs(lrs__store_engine(s), id, ctf, csv,
                                         html);
    return end_write(s, own, err, "store the outputs of a batch job");
}

enum lrs_err lrs_store_job_scan(struct lrs_store *s, int64_t org_id,
                                lrs_store_job_fn fn, void *ctx)
{
    return read_done(
        s, lrs__store_ops(s)->job_scan(lrs__store_engine(s), org_id, fn, ctx),
        "list batch jobs");
}

/* ------------------------------------------------------------------ */
/* Rows                                                               */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_job_rows_insert(struct lrs_store *s,
                                       const struct lrs_job_row *rows,
                                       size_t count)
{
    bool own;
    enum lrs_err err;

    if (count == 0)
        return LRS_OK;
    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = lrs__store_ops(s)->job_rows_insert(lrs__store_engine(s), rows, count);
    return end_write(s, own, err, "store batch rows");
}

enum lrs_err lrs_store_job_row_set_uln(struct lrs_store *s,
                                       const struct lrs_job_row *r)
{
    bool own;
    enum lrs_err err = lrs__store_txn_enter(s, &own);

    if (err)
        return err;
    err = lrs__store_ops(s)->job_row_set_uln(lrs__store_engine(s), r);
    return end_write(s, own, err, "update a batch row");
}

enum lrs_err lrs_store_job_row_scan(struct lrs_store *s, int64_t job_id,
                                    lrs_store_job_row_fn fn, void *ctx)
{
    return read_done(
        s,
        lrs__store_ops(s)->job_row_scan(lrs__store_engine(s), job_id, fn, ctx),
        "read batch rows");
}

/* ------------------------------------------------------------------ */
/* Exceptions                                                         */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_exception_insert(struct lrs_store *s,
                                        struct lrs_exception *x)
{
    bool own;
    enum lrs_err err = lrs__store_txn_enter(s, &own);

    if (err)
        return err;
    x->status = LRS_EXCEPTION_OPEN;
    if (!x->created_ms)
        x->created_ms = lrs__store_now_ms();
    if (!x->candidates)
        x->candidates = "";
    err = lrs__store_ops(s)->exception_insert(lrs__store_engine(s), x);
    return end_write(s, own, err, "store an exception");
}

enum lrs_err lrs_store_exception_get(struct lrs_store *s, int64_t id,
                                     struct lrs_exception *out,
                                     struct lrs_buf *candidates)
{
    return read_done(s,
                     lrs__store_ops(s)->exception_get(lrs__store_engine(s), id,
                                                      out, candidates),
                     "read an exception");
}

enum lrs_err lrs_store_exception_resolve(struct lrs_store *s,
                                         const struct lrs_exception *x)
{
    bool own;
    enum lrs_err err = lrs__store_txn_enter(s, &own);

    if (err)
        return err;
    err = lrs__store_ops(s)->exception_resolve(lrs__store_engine(s), x);
    return end_write(s, own, err, "resolve an exception");
}

enum lrs_err lrs_store_exception_scan(struct lrs_store *s,
                                      const struct lrs_exception_filter *f,
                                      lrs_store_exception_fn fn, void *ctx)
{
    return read_done(
        s, lrs__store_ops(s)->exception_scan(lrs__store_engine(s), f, fn, ctx),
        "list exceptions");
}
