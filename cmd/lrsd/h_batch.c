/*
 * h_batch.c - the S2S batch over HTTP: upload a CTF, list and follow the
 * files, download the returned CTF and the reports, and resolve the
 * exceptions (docs/batch.md has the rules, docs/api.md the routes).
 *
 * Scope (ARCHITECTURE.md, Batch and Security): a school sees only its
 * own organisation's files and exceptions; another's answer 404, exactly
 * as an id that does not exist, so that ids cannot be probed. Operators
 * see all. The route table keeps awarding organisations and learners out
 * (403). The worker (worker.c) runs the jobs.
 */
#include "lrsd.h"
#include "pages.h"

#include <lrs/batch.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Whether the caller sees everything (an LRS operator). */
static bool sees_all(const struct lrsd_req *r)
{
    return (r->who.roles & LRS_ROLE_OPERATOR) != 0;
}

static void reply_store_err(struct lrsd_req *r, enum lrs_err err,
                            const struct lrs_diag *d)
{
    if (err == LRS_EINVAL || err == LRS_ELIMIT) {
        lrsd_reply_error(r, 400, "WSEC0001", d->field, "%s",
                         d->msg[0] ? d->msg : "invalid input");
        return;
    }
    if (err == LRS_ECONFLICT) {
        lrsd_reply_error(r, 409, "LRSD0409", d->field, "%s",
                         d->msg[0] ? d->msg : "already done");
        return;
    }
    if (err == LRS_ENOTFOUND) {
        lrsd_reply_error(r, 404, "LRSD0404", NULL, "not found");
        return;
    }
    if (err == LRS_EBUSY) {
        lrsd_reply_error(r, 503, "LRSD0503", NULL,
                         "the store is busy; try again");
        lrsd_reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
        return;
    }
    lrsd_log(LRS_LOG_ERROR, "batch", r->id, "store error", "error=%s",
             lrs_strerror(err));
    lrsd_reply_error(r, 500, "LRSD0500", NULL, "internal error");
}

/* Path parameter `i` as a positive id; 0 after replying 404. */
static int64_t param_id(struct lrsd_req *r, size_t i)
{
    const char *p = lrsd_param(r, i);
    uint64_t v;

    if (!p || lrs_parse_u64(lrs_str_c(p), 1, INT64_MAX, &v) != LRS_OK) {
        lrsd_reply_error(r, 404, "LRSD0404", NULL, "not found");
        return 0;
    }
    return (int64_t)v;
}

static json_t *job_json(const struct lrs_job *j)
{
    char links[80];

    snprintf(links, sizeof links, "/api/v1/batches/%lld", (long long)j->id);
    return json_pack(
        "{s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I,"
        " s:s, s:s}",
        "id", (json_int_t)j->id, "org_id", (json_int_t)j->org_id, "file_name",
        j->file_name, "status", lrs_job_status_name(j->status), "sha256",
        j->sha256, "input_bytes", (json_int_t)j->input_len, "rows_total",
        (json_int_t)j->rows_total, "rows_done", (json_int_t)j->rows_done,
        "created_ms", (json_int_t)j->created_ms, "updated_ms",
        (json_int_t)j->updated_ms, "error", j->error, "href", links);
}

/* Fetch job `id` if the caller may see it; false after replying. */
static bool visible_job(struct lrsd_req *r, struct lrs_store *s, int64_t id,
                        struct lrs_job *j)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const enum lrs_err err = lrs_store_job_get(s, id, j);

    if (err) {
        reply_store_err(r, err, &d);
        return false;
    }
    if (!sees_all(r) && j->org_id != r->who.org_id) {
        lrsd_reply_error(r, 404, "LRSD0404", NULL, "not found");
        return false;
    }
    return true;
}

/* Whether the Content-Type is XML (application/xml or text/xml). */
static bool is_xml(const char *ct)
{
    static const char *const types[] = {"application/xml", "text/xml"};

    if (!ct)
        return false;
    while (*ct == ' ')
        ct++;
    for (size_t i = 0; i < LRSD_LEN(types); i++) {
        const size_t n = strlen(types[i]);

        if (strncasecmp(ct, types[i], n) == 0 &&
            (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' '))
            return true;
    }
    return false;
}

/*
 * POST /api/v1/batches (raw CTF XML; ?name= gives the file's name): store
 * the file as a job and queue it. 202 with the job; the same file sent
 * again by the same organisation is the same job (200).
 */
void lrsd_h_batch_upload(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    const char *name =
        MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "name");
    struct lrs_store *s;
    struct lrs_job job;
    bool existing = false;
    enum lrs_err err;

    if (!is_xml(lrsd_header(r, MHD_HTTP_HEADER_CONTENT_TYPE))) {
        lrsd_reply_error(r, 415, "LRSD0415", NULL,
                         "send the CTF as application/xml");
        return;
    }
    if (r->body.len == 0) {
        lrsd_reply_error(r, 400, "WSEC0001", "body", "the CTF is empty");
        return;
    }
    if (name && strlen(name) > 255) {
        lrsd_reply_error(r, 400, "WSEC0001", "name",
                         "name must be at most 255 bytes");
        return;
    }
    s = lrsd_store(r);
    if (!s)
        return;
    err = lrs_service_batch_submit(s, &actor, name ? name : "", r->body.data,
                                   r->body.len, &job, &existing, &d);
    if (err) {
        reply_store_err(r, err, &d);
        return;
    }
    if (!existing) {
        lrsd_metrics_gauge_add(LRSD_GAUGE_JOBS_QUEUED, 1);
        lrsd_worker_kick();
    }
    lrsd_reply_json(r, existing ? 200 : 202, job_json(&job));
}

struct list_ctx {
    json_t *list;
};

static enum lrs_err add_job(const struct lrs_job *j, void *ctx)
{
    struct list_ctx *c = ctx;

    return json_array_append_new(c->list, job_json(j)) ? LRS_ENOMEM : LRS_OK;
}

/* GET /api/v1/batches: the caller's organisation's files, newest first. */
void lrsd_h_batch_list(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct list_ctx c = {json_array()};
    struct lrs_store *s = lrsd_store(r);
    enum lrs_err err;

    if (!s || !c.list) {
        json_decref(c.list);
        return;
    }
    err = lrs_store_job_scan(s, sees_all(r) ? -1 : r->who.org_id, add_job, &c);
    if (err) {
        json_decref(c.list);
        reply_store_err(r, err, &d);
        return;
    }
    lrsd_reply_json(r, 200, json_pack("{s:o}", "batches", c.list));
}

/* GET /api/v1/batches/{id}: one file, its status and progress. */
void lrsd_h_batch_get(struct lrsd_req *r)
{
    const int64_t id = param_id(r, 0);
    struct lrs_store *s;
    struct lrs_job j;

    if (!id)
        return;
    s = lrsd_store(r);
    if (s && visible_job(r, s, id, &j))
        lrsd_reply_json(r, 200, job_json(&j));
}

/* Reply with blob `which` of job {id}, once the job is done. */
static void reply_blob(struct lrsd_req *r, enum lrs_job_blob which,
                       const char *type, const char *ext)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf b = LRS_BUF_INIT;
    const int64_t id = param_id(r, 0);
    struct lrs_store *s;
    struct lrs_job j;
    enum lrs_err err;
    char disp[96];

    if (!id)
        return;
    s = lrsd_store(r);
    if (!s || !visible_job(r, s, id, &j))
        return;
    if (j.status != LRS_JOB_DONE) {
        lrsd_reply_error(r, 409, "LRSD0409", NULL,
                         "batch %lld is %s; its outputs exist once it is "
                         "done",
                         (long long)id, lrs_job_status_name(j.status));
        return;
    }
    err = lrs_store_job_blob(s, id, which, &b);
    if (err) {
        reply_store_err(r, err, &d);
        goto out;
    }
    lrsd_reply_data(r, 200, type, b.data, b.len);
    snprintf(disp, sizeof disp, "attachment; filename=\"batch-%lld-%s\"",
             (long long)id, ext);
    lrsd_reply_header(r, "Content-Disposition", disp);
out:
    lrs_buf_release(&b);
}

void lrsd_h_batch_ctf(struct lrsd_req *r)
{
    reply_blob(r, LRS_JOB_RETURNED_CTF, "application/xml", "returned.xml");
}

void lrsd_h_batch_csv(struct lrsd_req *r)
{
    reply_blob(r, LRS_JOB_REPORT_CSV, "text/csv; charset=utf-8", "report.csv");
}

void lrsd_h_batch_html(struct lrsd_req *r)
{
    reply_blob(r, LRS_JOB_REPORT_HTML, "text/html; charset=utf-8",
               "report.html");
}

/* ------------------------------------------------------------------ */
/* Exceptions                                                         */
/* ------------------------------------------------------------------ */

static json_t *exception_json(const struct lrs_exception *x, bool detail)
{
    json_t *j = json_pack(
        "{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)x->id,
        "job_id", (json_int_t)x->job_id, "ordinal", (json_int_t)x->ordinal,
        "code", x->code, "status", lrs_exception_status_name(x->status),
        "reason", x->reason, "code_text", lrs_batch_code_text(x->code),
        "created_ms", (json_int_t)x->created_ms);

    if (j && x->status == LRS_EXCEPTION_RESOLVED)
        json_object_set_new(j, "resolution",
                            json_pack("{s:s, s:b, s:I, s:I, s:s}", "uln",
                                      x->resolved_uln, "new", x->resolved_new,
                                      "by", (json_int_t)x->resolved_by, "at_ms",
                                      (json_int_t)x->resolved_ms, "reason",
                                      x->resolution_reason));
    if (j && detail) {
        json_t *c = NULL;

        if (x->candidates && x->candidates[0])
            c = json_loads(x->candidates, 0, NULL);
        json_object_set_new(j, "explanation", c ? c : json_null());
    }
    return j;
}

static enum lrs_err add_exception(const struct lrs_exception *x, void *ctx)
{
    json_t *list = ctx;

    return json_array_append_new(list, exception_json(x, false)) ? LRS_ENOMEM
                                                                 : LRS_OK;
}

/*
 * GET /api/v1/exceptions?job=&status=open|resolved&code=: the list. The
 * store filters by all four (the organisation too); a code must be one an
 * exception can have (docs/batch.md).
 */
void lrsd_h_exceptions_list(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const char *job = MHD_lookup_connection_value(r->conn,
                                                  MHD_GET_ARGUMENT_KIND, "job"),
               *status = MHD_lookup_connection_value(
                   r->conn, MHD_GET_ARGUMENT_KIND, "status"),
               *code = MHD_lookup_connection_value(
                   r->conn, MHD_GET_ARGUMENT_KIND, "code");
    struct lrs_exception_filter f = {0, -1, -1, ""};
    struct lrs_store *s;
    enum lrs_err err;
    json_t *list;
    uint64_t v;

    if (job && job[0]) {
        if (lrs_parse_u64(lrs_str_c(job), 1, INT64_MAX, &v) != LRS_OK) {
            lrsd_reply_error(r, 400, "WSEC0001", "job",
                             "job must be a batch id");
            return;
        }
        f.job_id = (int64_t)v;
    }
    if (status && status[0]) {
        if (strcmp(status, "open") == 0)
            f.status = LRS_EXCEPTION_OPEN;
        else if (strcmp(status, "resolved") == 0)
            f.status = LRS_EXCEPTION_RESOLVED;
        else {
            lrsd_reply_error(r, 400, "WSEC0001", "status",
                             "status must be open or resolved");
            return;
        }
    }
    if (code && code[0]) {
        if (!lrs_batch_code_is_exception(code)) {
            lrsd_reply_error(r, 400, "WSEC0001", "code",
                             "code must be an exception's outcome code, "
                             "such as WSRC0003 or RC010");
            return;
        }
        snprintf(f.code, sizeof f.code, "%s", code);
    }
    if (!sees_all(r))
        f.org_id = r->who.org_id;
    s = lrsd_store(r);
    if (!s)
        return;
    list = json_array();
    if (!list) {
        lrsd_reply_error(r, 500, "LRSD0500", NULL, "out of memory");
        return;
    }
    err = lrs_store_exception_scan(s, &f, add_exception, list);
    if (err) {
        json_decref(list);
        reply_store_err(r, err, &d);
        return;
    }
    lrsd_reply_json(r, 200, json_pack("{s:o}", "exceptions", list));
}

/* Fetch exception `id` if the caller may see it; false after replying. */
static bool visible_exception(struct lrsd_req *r, struct lrs_store *s,
                              int64_t id, struct lrs_exception *x,
                              struct lrs_buf *cand)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const enum lrs_err err = lrs_store_exception_get(s, id, x, cand);

    if (err) {
        reply_store_err(r, err, &d);
        return false;
    }
    if (!sees_all(r) && x->org_id != r->who.org_id) {
        lrsd_reply_error(r, 404, "LRSD0404", NULL, "not found");
        return false;
    }
    return true;
}

/* GET /api/v1/exceptions/{id}: one exception with its candidates. */
void lrsd_h_exception_get(struct lrsd_req *r)
{
    struct lrs_buf cand = LRS_BUF_INIT;
    const int64_t id = param_id(r, 0);
    struct lrs_exception x;
    struct lrs_store *s;

    if (!id)
        return;
    s = lrsd_store(r);
    if (s && visible_exception(r, s, id, &x, &cand))
        lrsd_reply_json(r, 200, exception_json(&x, true));
    lrs_buf_release(&cand);
}

/*
 * POST /api/v1/exceptions/{id}/resolve {"uln": "..."} or {"new": true,
 * "reason": "..."}: the pupil is that learner, or a new one registered
 * from the pupil's data. The job's returned CTF and reports are written
 * again in the same transaction (lrs_service_exception_resolve()).
 */
void lrsd_h_exception_resolve(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf cand = LRS_BUF_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    json_t *body = lrsd_json_body(r), *is_new;
    const int64_t id = body ? param_id(r, 0) : 0;
    const char *uln = NULL, *reason = NULL;
    char got[LRS_ULN_SIZE] = "";
    struct lrs_exception x;
    struct lrs_store *s;
    enum lrs_err err;

    if (!body || !id)
        goto out;
    is_new = json_object_get(body, "new");
    if (is_new && !json_is_boolean(is_new)) {
        lrsd_reply_error(r, 400, "WSEC0001", "new", "new must be true");
        goto out;
    }
    if (!lrsd_json_str(r, body, "uln", 0, 10, &uln) ||
        !lrsd_json_str(r, body, "reason", 0, 255, &reason))
        goto out;
    if (json_is_true(is_new) == (uln != NULL)) {
        lrsd_reply_error(r, 400, "WSEC0001", "uln",
                         "give either the ULN of a candidate or "
                         "\"new\": true");
        goto out;
    }
    if (uln && lrs_uln_check(lrs_str_c(uln), &d) != LRS_OK) {
        lrsd_reply_error(r, 400, "WSEC0136", "uln", "%s", d.msg);
        goto out;
    }
    if (!uln && !reason) {
        lrsd_reply_error(r, 400, "WSEC0001", "reason",
                         "a reason is required to register a new learner");
        goto out;
    }
    s = lrsd_store(r);
    if (!s || !visible_exception(r, s, id, &x, &cand))
        goto out;
    err = lrs_service_exception_resolve(
        s, &actor, id, uln, reason ? reason : "candidate chosen", got, &d);
    if (err) {
        reply_store_err(r, err, &d);
        goto out;
    }
    if (!uln) {
        struct lrs_learner l;

        if (lrs_store_learner_get(s, got, 0, &l) == LRS_OK)
            page_index_put(&l, true);
    }
    lrsd_reply_json(r, 200,
                    json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)id,
                              "status", "resolved", "uln", got, "new",
                              uln == NULL));
out:
    lrs_buf_release(&cand);
    json_decref(body);
}
