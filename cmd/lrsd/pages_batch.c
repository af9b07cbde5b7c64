/*
 * pages_batch.c - the S2S ULN service in the browser: upload a CTF, the
 * files with their status and progress, a file's outcome and downloads,
 * the exceptions and their resolution; and the worker that runs the jobs.
 *
 * Everything goes through lrs/batch.h: lrs_service_batch_submit() stores
 * an upload (the same bytes from the same organisation are the same job)
 * and lrsd's batch worker (worker.c) runs it, committing progress as it
 * goes; lrs_service_exception_resolve() records a person's decision and
 * writes the returned CTF and reports again. docs/batch.md has the rules.
 *
 * Who sees what (ARCHITECTURE.md, Batch): a school sees only its own
 * organisation's files and exceptions; the LRS (operators) sees all. A
 * file or exception of another organisation is answered 404, as one that
 * does not exist, so that ids cannot be probed.
 *
 * Progress without script: while a file is queued or running, its pages
 * reload themselves every two seconds (meta refresh).
 */
#include "pages.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define BATCH_ROLES (PAGE_SCHOOL | PAGE_OPERATOR)

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

static bool is_operator(const struct page *p)
{
    return p->who.roles & PAGE_OPERATOR;
}

/* Whether the page's person may see things of organisation `org`. */
static bool may_see(const struct page *p, int64_t org)
{
    return is_operator(p) || org == p->who.org_id;
}

static void ms_text(int64_t ms, char out[32])
{
    const time_t t = (time_t)(ms / 1000);
    struct tm tm;

    if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%d %b %Y %H:%M", &tm))
        snprintf(out, 32, "-");
}

/* The job of the path's {id}, if this person may see it; else a 404. */
static bool path_job(struct page *p, struct lrs_store *s, struct lrs_job *j)
{
    const char *text = lrsd_param(p->r, 0);
    uint64_t id;

    if (text && lrs_parse_u64(lrs_str_c(text), 1, INT64_MAX, &id) == LRS_OK &&
        lrs_store_job_get(s, (int64_t)id, j) == LRS_OK && may_see(p, j->org_id))
        return true;
    page_fail(p, 404, "Page not found", "There is no such file.");
    return false;
}

/* A status tag: words first, colour only as an aid. */
static void status_tag(struct page *p, enum lrs_job_status st)
{
    static const char *const text[] = {"Queued", "Processing", "Done",
                                       "Failed"};
    static const char *const colour[] = {"govuk-tag--grey", "govuk-tag--blue",
                                         "govuk-tag--green", "govuk-tag--red"};
    const unsigned i = (unsigned)st < 4 ? (unsigned)st : 3;

    ph(p, "<strong class=\"govuk-tag %H\">%s</strong>", colour[i], text[i]);
}

/* Progress: a bar with the numbers beside it in words. */
static void progress(struct page *p, const struct lrs_job *j)
{
    const uint64_t total = j->rows_total, done = j->rows_done;
    const unsigned pct = total ? (unsigned)(done * 100 / total)
                               : (j->status == LRS_JOB_DONE ? 100 : 0);

    ph(p,
       "<progress class=\"lrs-progress\" max=\"100\" value=\"%u\" "
       "aria-label=\"Progress\">%u%%</progress> <span class=\"govuk-body-s\">"
       "%lld of %lld pupils</span>",
       pct, pct, (long long)done, (long long)total);
}

struct counts {
    uint64_t by[LRS_BATCH__COUNT];
    uint64_t rows;
};

static enum lrs_err count_row(const struct lrs_job_row *row, void *ctx)
{
    struct counts *c = ctx;

    c->by[lrs_batch_code_category(row->code)]++;
    c->rows++;
    return LRS_OK;
}

struct xcount {
    uint64_t open, resolved;
};

static enum lrs_err count_exception(const struct lrs_exception *x, void *ctx)
{
    struct xcount *c = ctx;

    if (x->status == LRS_EXCEPTION_OPEN)
        c->open++;
    else
        c->resolved++;
    return LRS_OK;
}

/* The outcome counts of a job, as the LRS's batch output counts them. */
static bool outcome(struct page *p, struct lrs_store *s,
                    const struct lrs_job *j)
{
    struct lrs_exception_filter f = {j->id, -1, -1, ""};
    struct counts c;
    struct xcount x = {0, 0};

    memset(&c, 0, sizeof c);
    if (lrs_store_job_row_scan(s, j->id, count_row, &c) != LRS_OK ||
        lrs_store_exception_scan(s, &f, count_exception, &x) != LRS_OK)
        return false;
    ph(p,
       "<dl class=\"govuk-summary-list govuk-summary-list--no-border\" "
       "id=\"outcome-%lld\">",
       (long long)j->id);
    for (unsigned i = 0; i < LRS_BATCH__COUNT; i++) {
        char n[24];

        snprintf(n, sizeof n, "%llu", (unsigned long long)c.by[i]);
        ph(p,
           "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-"
           "summary-list__key\">%s</dt><dd class=\"govuk-summary-list__"
           "value\">%s</dd></div>",
           lrs_batch_category_name((enum lrs_batch_category)i), n);
    }
    ph(p,
       "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-"
       "list__key\">Exceptions</dt><dd class=\"govuk-summary-list__value\">"
       "<a class=\"govuk-link\" href=\"/exceptions?file=%lld\">%lld open, "
       "%lld resolved</a></dd></div></dl>",
       (long long)j->id, (long long)x.open, (long long)x.resolved);
    return true;
}

/* ------------------------------------------------------------------ */
/* Files                                                              */
/* ------------------------------------------------------------------ */

struct file_list {
    struct page *p;
    struct lrs_store *s;
    size_t count;
    bool moving; /* a job is queued or running */
    bool failed; /* a store read failed */
};

static enum lrs_err file_row(const struct lrs_job *j, void *ctx)
{
    struct file_list *fl = ctx;
    struct page *p = fl->p;
    char when[32];

    if (fl->count++ == 0)
        ph(p, "<table class=\"govuk-table\" id=\"files\"><caption class="
              "\"govuk-table__caption govuk-table__caption--m\">Files you "
              "have uploaded</caption><thead class=\"govuk-table__head\">"
              "<tr class=\"govuk-table__row\"><th scope=\"col\" class="
              "\"govuk-table__header\">File</th><th scope=\"col\" class="
              "\"govuk-table__header\">Uploaded (UTC)</th><th scope=\"col\" "
              "class=\"govuk-table__header\">Status</th><th scope=\"col\" "
              "class=\"govuk-table__header\">Progress</th></tr></thead>"
              "<tbody class=\"govuk-table__body\">");
    if (j->status == LRS_JOB_QUEUED || j->status == LRS_JOB_RUNNING)
        fl->moving = true;
    ms_text(j->created_ms, when);
    ph(p,
       "<tr class=\"govuk-table__row\" id=\"file-%lld\"><td class=\"govuk-"
       "table__cell\"><a class=\"govuk-link\" href=\"/files/%lld\">%s</a>",
       (long long)j->id, (long long)j->id,
       j->file_name[0] ? j->file_name : "(no name)");
    if (j->status == LRS_JOB_DONE) {
        ph(p, "<details class=\"govuk-details govuk-!-margin-top-2 "
              "govuk-!-margin-bottom-0\"><summary class=\"govuk-details__"
              "summary\"><span class=\"govuk-details__summary-text\">"
              "Outcome</span></summary><div class=\"govuk-details__text\">");
        if (!outcome(p, fl->s, j))
            fl->failed = true;
        ph(p, "</div></details>");
    }
    ph(p,
       "</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-"
       "table__cell\">",
       when);
    status_tag(p, j->status);
    if (j->status == LRS_JOB_FAILED)
        ph(p, "<p class=\"govuk-body-s\">%s</p>", j->error);
    ph(p, "</td><td class=\"govuk-table__cell\">");
    progress(p, j);
    ph(p, "</td></tr>");
    return LRS_OK;
}

void lrsd_p_files(struct lrsd_req *r)
{
    struct lrs_buf body = LRS_BUF_INIT;
    struct file_list fl;
    struct lrs_store *s;
    struct page p;

    if (!page_begin_auth(&p, r, BATCH_ROLES, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s)
        goto out;
    /* The table first, so that the head knows whether to reload. */
    fl = (struct file_list){&p, s, 0, false, false};
    body = p.out;
    lrs_buf_init(&p.out, 0);
    if (lrs_store_job_scan(s, is_operator(&p) ? -1 : p.who.org_id, file_row,
                           &fl) != LRS_OK ||
        fl.failed) {
        lrs_buf_release(&body);
        page_fail(&p, 503, "Sorry, the service is unavailable",
                  "Your files could not be read. Try again later.");
        goto out;
    }
    {
        struct lrs_buf table = p.out;

        p.out = body;
        body = table;
    }
    p.refresh_s = fl.moving ? 2 : 0;
    page_head(&p, "Your files");
    if (page_query(r, "sent-before"))
        page_banner(&p, false, "You sent this file before",
                    "It was not processed again: its results are below.");
    ph(&p, "<h1 class=\"govuk-heading-l\">Your files</h1><p class=\"govuk-"
           "body\">Upload a school's Common Transfer File (CTF) to get the "
           "pupils' ULNs back. Pupils we cannot be sure of become "
           "exceptions for you to resolve.</p><a href=\"/files/upload\" "
           "role=\"button\" draggable=\"false\" class=\"govuk-button\" "
           "data-module=\"govuk-button\" id=\"upload\">Upload a file</a>");
    if (fl.moving)
        ph(&p, "<p class=\"govuk-body\" aria-live=\"polite\">Files are being "
               "processed. This page updates itself.</p>");
    if (fl.count) {
        ph(&p, "%H</tbody></table>", body.data);
    } else {
        ph(&p, "<p class=\"govuk-body\" id=\"files\">You have not uploaded "
               "any files.</p>");
    }
    page_send(&p, 200);
out:
    lrs_buf_release(&body);
    page_release(&p);
}

static void upload_form(struct page *p, unsigned status)
{
    const char *err = page_field_error(p, "ctf");

    page_head(p, "Upload a file");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p,
       "<h1 class=\"govuk-heading-l\">Upload a file</h1><form method=\"post\""
       " action=\"/files/upload\" enctype=\"multipart/form-data\" "
       "novalidate>");
    page_csrf_field(p);
    ph(p,
       "<div class=\"govuk-form-group%H\"><label class=\"govuk-label\" "
       "for=\"ctf\">Common Transfer File (CTF, XML)</label><div "
       "id=\"ctf-hint\" class=\"govuk-hint\">The file your MIS writes for a "
       "ULN request. Sending the same file again gives the same results."
       "</div>",
       err ? " govuk-form-group--error" : "");
    if (err)
        ph(p,
           "<p id=\"ctf-error\" class=\"govuk-error-message\"><span "
           "class=\"govuk-visually-hidden\">Error:</span> %s</p>",
           err);
    ph(p,
       "<input class=\"govuk-file-upload%H\" id=\"ctf\" name=\"ctf\" "
       "type=\"file\" accept=\".xml,text/xml,application/xml\" "
       "aria-describedby=\"ctf-hint%H\"></div><button type=\"submit\" "
       "class=\"govuk-button\" data-module=\"govuk-button\" id=\"send\">"
       "Upload</button></form></div></div>",
       err ? " govuk-file-upload--error" : "", err ? " ctf-error" : "");
    page_send(p, status);
}

void lrsd_p_upload(struct lrsd_req *r)
{
    struct page p;

    if (page_begin_auth(&p, r, BATCH_ROLES, 0, NULL))
        upload_form(&p, 200);
    page_release(&p);
}

void lrsd_p_upload_post(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_actor actor;
    struct page_upload u;
    struct lrs_store *s;
    struct lrs_job job;
    struct page p;
    bool existing = false;
    char loc[64];
    const char *base;

    if (!page_multipart_parse(r, "ctf", &u)) {
        page_redirect(r, "/files/upload");
        return;
    }
    if (!page_begin_auth(&p, r, BATCH_ROLES, 0, &u.form))
        goto out;
    if (!u.has_file || u.len == 0)
        page_error(&p, "ctf", "Select a CTF file");
    if (p.error_count) {
        upload_form(&p, 400);
        goto out;
    }
    s = page_store(&p);
    if (!s)
        goto out;
    base = strrchr(u.file_name, '/');
    base = base ? base + 1 : u.file_name;
    actor = lrsd_actor(r);
    if (lrs_service_batch_submit(s, &actor, base, u.data, u.len, &job,
                                 &existing, &d) != LRS_OK) {
        page_error(&p, "ctf", "The file could not be stored: %s", d.msg);
        upload_form(&p, 400);
        goto out;
    }
    if (!existing || job.status != LRS_JOB_DONE)
        lrsd_worker_kick();
    snprintf(loc, sizeof loc, "/files%s", existing ? "?sent-before=1" : "");
    page_redirect(r, loc);
out:
    page_release(&p);
}

void lrsd_p_file(struct lrsd_req *r)
{
    struct lrs_store *s;
    struct lrs_job j;
    struct page p;
    char when[32];

    if (!page_begin_auth(&p, r, BATCH_ROLES, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s || !path_job(&p, s, &j))
        goto out;
    p.refresh_s =
        j.status == LRS_JOB_QUEUED || j.status == LRS_JOB_RUNNING ? 2 : 0;
    ms_text(j.created_ms, when);
    page_head(&p, "File");
    ph(&p,
       "<span class=\"govuk-caption-l\">File</span><h1 class=\"govuk-"
       "heading-l\">%s</h1><dl class=\"govuk-summary-list\">",
       j.file_name[0] ? j.file_name : "(no name)");
    page_summary_row(&p, "Uploaded (UTC)", when);
    ph(&p, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-"
           "summary-list__key\">Status</dt><dd class=\"govuk-summary-list__"
           "value\" id=\"status\">");
    status_tag(&p, j.status);
    ph(&p, "</dd></div><div class=\"govuk-summary-list__row\"><dt class="
           "\"govuk-summary-list__key\">Progress</dt><dd class=\"govuk-"
           "summary-list__value\">");
    progress(&p, &j);
    ph(&p, "</dd></div>");
    if (j.error[0])
        page_summary_row(&p, "What went wrong", j.error);
    ph(&p, "</dl>");
    if (j.status == LRS_JOB_DONE) {
        ph(&p, "<h2 class=\"govuk-heading-m\">Outcome</h2>");
        if (!outcome(&p, s, &j)) {
            page_fail(&p, 503, "Sorry, the service is unavailable",
                      "The file's outcome could not be read.");
            goto out;
        }
        ph(&p,
           "<h2 class=\"govuk-heading-m\">Downloads</h2><ul class=\"govuk-"
           "list\"><li><a class=\"govuk-link\" id=\"download-ctf\" "
           "href=\"/files/%lld/returned.xml\" download>The returned CTF, "
           "with the ULNs (XML)</a></li><li><a class=\"govuk-link\" "
           "id=\"download-csv\" href=\"/files/%lld/report.csv\" download>"
           "Pupils without a ULN (CSV)</a></li><li><a class=\"govuk-link\" "
           "id=\"report\" href=\"/files/%lld/report.html\">The printable "
           "report</a></li></ul>",
           (long long)j.id, (long long)j.id, (long long)j.id);
    }
    ph(&p, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/files\">"
           "All your files</a></p>");
    page_send(&p, 200);
out:
    page_release(&p);
}

void lrsd_p_file_download(struct lrsd_req *r)
{
    static const struct {
        const char *name;
        enum lrs_job_blob blob;
        const char *type, *suffix;
        bool attachment;
    } kinds[] = {
        {"returned.xml", LRS_JOB_RETURNED_CTF, "application/xml",
         "-returned.xml", true},
        {"report.csv", LRS_JOB_REPORT_CSV, "text/csv; charset=utf-8",
         "-report.csv", true},
        {"report.html", LRS_JOB_REPORT_HTML, "text/html; charset=utf-8", "",
         false},
    };
    struct lrs_buf blob = LRS_BUF_INIT;
    const char *what = lrsd_param(r, 1);
    struct lrs_store *s;
    struct lrs_job j;
    struct page p;
    size_t k;

    if (!page_begin_auth(&p, r, BATCH_ROLES, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s || !path_job(&p, s, &j))
        goto out;
    for (k = 0; what && k < LRSD_LEN(kinds); k++)
        if (strcmp(what, kinds[k].name) == 0)
            break;
    if (!what || k == LRSD_LEN(kinds) ||
        lrs_store_job_blob(s, j.id, kinds[k].blob, &blob) != LRS_OK) {
        page_fail(&p, 404, "Page not found",
                  "There is no such download for this file (yet).");
        goto out;
    }
    lrsd_reply_data(r, 200, kinds[k].type, blob.data, blob.len);
    if (kinds[k].attachment) {
        char cd[128];

        snprintf(cd, sizeof cd, "attachment; filename=\"file-%lld%s\"",
                 (long long)j.id, kinds[k].suffix);
        lrsd_reply_header(r, "Content-Disposition", cd);
    } else {
        /* The service's report: shown, never able to run anything. */
        lrsd_reply_header(r, "Content-Security-Policy",
                          "default-src 'none'; style-src 'unsafe-inline'; "
                          "sandbox");
    }
out:
    lrs_buf_release(&blob);
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* Exceptions                                                         */
/* ------------------------------------------------------------------ */

struct x_list {
    struct page *p;
    struct lrs_store *s;
    size_t count;
    int64_t job_id;      /* the job whose rows are in `upns`, or 0 */
    struct lrs_buf upns; /* 16 bytes a row, by ordinal - 1 */
};

static enum lrs_err keep_upn(const struct lrs_job_row *row, void *ctx)
{
    struct lrs_buf *b = ctx;
    char upn[16];

    memset(upn, 0, sizeof upn);
    snprintf(upn, sizeof upn, "%s", row->upn);
    if (row->ordinal != b->len / 16 + 1)
        return LRS_ECORRUPT;
    return lrs_buf_add(b, upn, sizeof upn);
}

static const char *upn_of(struct x_list *xl, int64_t job, uint64_t ordinal)
{
    if (xl->job_id != job) {
        lrs_buf_reset(&xl->upns);
        xl->job_id = job;
        if (lrs_store_job_row_scan(xl->s, job, keep_upn, &xl->upns) != LRS_OK)
            lrs_buf_reset(&xl->upns);
    }
    if (ordinal == 0 || ordinal > xl->upns.len / 16)
        return "";
    return xl->upns.data + (ordinal - 1) * 16;
}

static enum lrs_err x_row(const struct lrs_exception *x, void *ctx)
{
    struct x_list *xl = ctx;
    struct page *p = xl->p;

    if (xl->count++ == 0)
        ph(p, "<div class=\"lrs-scroll\"><table class=\"govuk-table\" "
              "id=\"exceptions\"><caption class=\"govuk-table__caption "
              "govuk-table__caption--m\">Exceptions</caption><thead class="
              "\"govuk-table__head\"><tr class=\"govuk-table__row\"><th "
              "scope=\"col\" class=\"govuk-table__header\">File</th><th "
              "scope=\"col\" class=\"govuk-table__header\">Pupil</th><th "
              "scope=\"col\" class=\"govuk-table__header\">UPN</th><th "
              "scope=\"col\" class=\"govuk-table__header\">What needs doing"
              "</th><th scope=\"col\" class=\"govuk-table__header\">Status"
              "</th></tr></thead><tbody class=\"govuk-table__body\">");
    ph(p,
       "<tr class=\"govuk-table__row\" id=\"exception-%lld\"><td class="
       "\"govuk-table__cell\"><a class=\"govuk-link\" href=\"/files/%lld\">"
       "File %lld</a></td><td class=\"govuk-table__cell\">Row %lld</td>"
       "<td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__"
       "cell\"><a class=\"govuk-link\" href=\"/exceptions/%lld\">%s</a>"
       "<br><span class=\"govuk-body-s\">%s (%s)</span></td><td class="
       "\"govuk-table__cell\">",
       (long long)x->id, (long long)x->job_id, (long long)x->job_id,
       (long long)x->ordinal, upn_of(xl, x->job_id, x->ordinal),
       (long long)x->id, lrs_batch_code_text(x->code), x->reason, x->code);
    if (x->status == LRS_EXCEPTION_OPEN)
        ph(p, "<strong class=\"govuk-tag govuk-tag--orange\">Open</strong>");
    else
        ph(p,
           "<strong class=\"govuk-tag govuk-tag--green\">Resolved</strong>"
           "<br><span class=\"govuk-body-s\">ULN %s</span>",
           x->resolved_uln);
    ph(p, "</td></tr>");
    return LRS_OK;
}

/* The status filter's choices; the first is the default. */
static const struct {
    const char *value, *text;
    const char *adjective; /* in "3 open exceptions" */
    int status;            /* lrs_exception_filter.status */
} x_statuses[] = {
    {"open", "Open", "open ", LRS_EXCEPTION_OPEN},
    {"resolved", "Resolved", "resolved ", LRS_EXCEPTION_RESOLVED},
    {"all", "All", "", -1},
};

/* What the list shows: the store's filter, and what says it in words. */
struct x_query {
    struct lrs_exception_filter f;
    size_t status;       /* index in x_statuses */
    char file_name[256]; /* of f.job_id, when set; may be "" */
};

/*
 * Read the query's status, file and code into `q`, each bad value an
 * error on its field. A file of another organisation is answered as one
 * that does not exist (the file pages' 404), so ids cannot be probed.
 * False when the store could not be read.
 */
static bool x_query_read(struct page *p, struct lrs_store *s, struct x_query *q)
{
    const char *status = page_query(p->r, "status"),
               *file = page_query(p->r, "file"),
               *code = page_query(p->r, "code");
    struct lrs_job j;
    enum lrs_err err;
    uint64_t id;

    memset(q, 0, sizeof *q);
    q->f.org_id = is_operator(p) ? -1 : p->who.org_id;
    q->f.status = x_statuses[0].status;
    if (status && status[0]) {
        size_t i = 0;

        while (i < LRSD_LEN(x_statuses) &&
               strcmp(status, x_statuses[i].value) != 0)
            i++;
        if (i < LRSD_LEN(x_statuses)) {
            q->status = i;
            q->f.status = x_statuses[i].status;
        } else {
            page_error(p, "status", "Select open, resolved or all exceptions");
        }
    }
    if (file && file[0]) {
        if (lrs_parse_u64(lrs_str_c(file), 1, INT64_MAX, &id) != LRS_OK) {
            page_error(p, "file", "Select a file from the list");
        } else {
            err = lrs_store_job_get(s, (int64_t)id, &j);
            if (err && err != LRS_ENOTFOUND)
                return false;
            if (err || !may_see(p, j.org_id)) {
                page_error(p, "file",
                           "There is no file %llu: select one from the list",
                           (unsigned long long)id);
            } else {
                q->f.job_id = j.id;
                memcpy(q->file_name, j.file_name, sizeof q->file_name);
            }
        }
    }
    if (code && code[0]) {
        if (lrs_batch_code_is_exception(code))
            snprintf(q->f.code, sizeof q->f.code, "%s", code);
        else
            page_error(p, "code", "Select an outcome code from the list");
    }
    return true;
}

struct file_options {
    struct page *p;
    int64_t chosen; /* the job id selected, 0 for none */
};

static enum lrs_err file_option(const struct lrs_job *j, void *ctx)
{
    const struct file_options *fo = ctx;
    char when[32];

    ms_text(j->created_ms, when);
    ph(fo->p, "<option value=\"%lld\"%H>File %lld: %s, uploaded %s</option>",
       (long long)j->id, j->id == fo->chosen ? " selected" : "",
       (long long)j->id, j->file_name[0] ? j->file_name : "(no name)", when);
    return LRS_OK;
}

/*
 * The filters (GOV.UK: a label for each, a GET form that works without
 * script; not printed): status radios, the files this person may see
 * (newest first) and the codes an exception can have, with their words.
 * False when the files could not be read.
 */
static bool x_form(struct page *p, struct lrs_store *s, const struct x_query *q)
{
    const char *err = page_field_error(p, "status");
    struct file_options fo = {p, q->f.job_id};
    const char *code;
    const bool any = q->status != 0 || q->f.job_id || q->f.code[0];

    ph(p,
       "<form method=\"get\" action=\"/exceptions\" novalidate class=\"lrs-"
       "no-print\" id=\"filters\"><div class=\"govuk-form-group%H\">"
       "<fieldset class=\"govuk-fieldset\"%H><legend class=\"govuk-fieldset"
       "__legend govuk-fieldset__legend--s\">Status</legend>",
       err ? " govuk-form-group--error" : "",
       err ? " aria-describedby=\"status-error\"" : "");
    page_inline_error(p, "status", err);
    ph(p, "<div class=\"govuk-radios govuk-radios--small govuk-radios--"
          "inline\" data-module=\"govuk-radios\" id=\"status\">");
    for (size_t i = 0; i < LRSD_LEN(x_statuses); i++)
        ph(p,
           "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__"
           "input\" id=\"status-%s\" name=\"status\" type=\"radio\" "
           "value=\"%s\"%H><label class=\"govuk-label govuk-radios__label\" "
           "for=\"status-%s\">%s</label></div>",
           x_statuses[i].value, x_statuses[i].value,
           i == q->status ? " checked" : "", x_statuses[i].value,
           x_statuses[i].text);
    ph(p, "</div></fieldset></div>");

    err = page_field_error(p, "file");
    ph(p,
       "<div class=\"govuk-form-group%H\"><label class=\"govuk-label\" "
       "for=\"file\">File</label>",
       err ? " govuk-form-group--error" : "");
    page_inline_error(p, "file", err);
    ph(p,
       "<select class=\"govuk-select%H\" id=\"file\" name=\"file\"%H>"
       "<option value=\"\">All files</option>",
       err ? " govuk-select--error" : "",
       err ? " aria-describedby=\"file-error\"" : "");
    if (lrs_store_job_scan(s, q->f.org_id, file_option, &fo) != LRS_OK)
        return false;
    ph(p, "</select></div>");

    err = page_field_error(p, "code");
    ph(p,
       "<div class=\"govuk-form-group%H\"><label class=\"govuk-label\" "
       "for=\"code\">Outcome code</label>",
       err ? " govuk-form-group--error" : "");
    page_inline_error(p, "code", err);
    ph(p,
       "<select class=\"govuk-select%H\" id=\"code\" name=\"code\"%H>"
       "<option value=\"\">All codes</option>",
       err ? " govuk-select--error" : "",
       err ? " aria-describedby=\"code-error\"" : "");
    for (size_t i = 0; (code = lrs_batch_code_at(i)) != NULL; i++)
        if (lrs_batch_code_is_exception(code))
            ph(p, "<option value=\"%s\"%H>%s: %s</option>", code,
               strcmp(code, q->f.code) == 0 ? " selected" : "", code,
               lrs_batch_code_text(code));
    ph(p, "</select></div><div class=\"govuk-button-group\"><button type="
          "\"submit\" class=\"govuk-button govuk-button--secondary\" data-"
          "module=\"govuk-button\" id=\"filter\">Show</button>");
    if (any || p->error_count)
        ph(p, "<a class=\"govuk-link\" href=\"/exceptions\" id=\"clear\">"
              "Clear filters</a>");
    ph(p, "</div></form>");
    return true;
}

/* What the list shows, in words: "3 open exceptions with code RC010 in
 * file 12 (school.xml)." Printed with the list. */
static void x_shown(struct page *p, const struct x_query *q, size_t count)
{
    const char *adj = x_statuses[q->status].adjective;

    ph(p, "<p class=\"govuk-body\" id=\"shown\">");
    if (count)
        ph(p, "%zu %s%s", count, adj, count == 1 ? "exception" : "exceptions");
    else
        ph(p, "There are no %sexceptions", adj);
    if (q->f.code[0])
        ph(p, " with code %s", q->f.code);
    if (q->f.job_id)
        ph(p, " in file %lld", (long long)q->f.job_id);
    if (q->f.job_id && q->file_name[0])
        ph(p, " (%s)", q->file_name);
    ph(p, ".</p>");
}

/* GET /exceptions?status=open|resolved|all&file=&code=: the list. */
void lrsd_p_exceptions(struct lrsd_req *r)
{
    struct lrs_buf table = LRS_BUF_INIT;
    struct x_list xl = {NULL, NULL, 0, 0, LRS_BUF_INIT};
    struct x_query q;
    struct lrs_store *s;
    struct page p;
    bool ok;

    if (!page_begin_auth(&p, r, BATCH_ROLES, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s)
        goto out;
    ok = x_query_read(&p, s, &q);
    if (ok && !p.error_count) {
        /* The table first, so that the line above it can count. */
        table = p.out;
        lrs_buf_init(&p.out, 0);
        xl = (struct x_list){&p, s, 0, 0, LRS_BUF_INIT};
        ok = lrs_store_exception_scan(s, &q.f, x_row, &xl) == LRS_OK;
        {
            struct lrs_buf rows = p.out;

            p.out = table;
            table = rows;
        }
    }
    if (!ok) {
        page_fail(&p, 503, "Sorry, the service is unavailable",
                  "The exceptions could not be read.");
        goto out;
    }
    page_head(&p, "Exceptions");
    page_error_summary(&p);
    ph(&p, "<h1 class=\"govuk-heading-l\">Exceptions</h1><p class=\"govuk-"
           "body\">Pupils we could not give a ULN to without a person's "
           "decision. Open one to compare the pupil with the learners we "
           "found, and choose.</p>");
    if (!x_form(&p, s, &q)) {
        page_fail(&p, 503, "Sorry, the service is unavailable",
                  "Your files could not be read.");
        goto out;
    }
    if (!p.error_count) {
        x_shown(&p, &q, xl.count);
        if (xl.count)
            ph(&p,
               "%H</tbody></table></div><p class=\"govuk-body lrs-no-print\">"
               "To print this list, use your browser's Print command.</p>",
               table.data);
    }
    page_send(&p, p.error_count ? 400 : 200);
out:
    lrs_buf_release(&xl.upns);
    lrs_buf_release(&table);
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* One exception: compare and resolve                                 */
/* ------------------------------------------------------------------ */

/* A pupil of a job's CTF, copied out of the reader. */
struct pupil {
    char upn[16], uln[16], dob[16], sex[8], postcode[16];
    char forename[LRS_LEARNER_NAME_SIZE], middle[LRS_LEARNER_NAME_SIZE];
    char surname[LRS_LEARNER_NAME_SIZE];
    bool found;
};

/* Read pupil `ordinal` of job `job_id` from its input CTF. */
static bool read_pupil(struct lrs_store *s, int64_t job_id, uint64_t ordinal,
                       struct pupil *out)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf in = LRS_BUF_INIT;
    struct lrs_ctf_reader *rd = NULL;
    const struct lrs_ctf_pupil *cp;
    bool ok = false;

    memset(out, 0, sizeof *out);
    if (lrs_store_job_blob(s, job_id, LRS_JOB_INPUT, &in) != LRS_OK ||
        lrs_ctf_reader_open_mem(in.data, in.len, NULL, &rd, &d) != LRS_OK)
        goto out;
    while (lrs_ctf_reader_next(rd, &cp, &d) == LRS_OK && cp) {
        if (cp->ordinal != ordinal)
            continue;
        snprintf(out->upn, sizeof out->upn, "%s", cp->upn);
        snprintf(out->uln, sizeof out->uln, "%s", cp->uln);
        snprintf(out->dob, sizeof out->dob, "%s", cp->dob);
        snprintf(out->sex, sizeof out->sex, "%s", cp->sex);
        snprintf(out->postcode, sizeof out->postcode, "%s",
                 cp->address.postcode);
        snprintf(out->forename, sizeof out->forename, "%s", cp->forename);
        snprintf(out->middle, sizeof out->middle, "%s", cp->middle_names);
        snprintf(out->surname, sizeof out->surname, "%s", cp->surname);
        out->found = ok = true;
        break;
    }
out:
    lrs_ctf_reader_free(rd);
    lrs_buf_release(&in);
    return ok;
}

#define CANDIDATES_MAX 4

/* A candidate of an exception: the learner and each field's level. */
struct candidate {
    struct lrs_learner l;
    unsigned level[LRS_MATCH_FIELD__COUNT];
};

/* The level of field `f` named `name` ("exact", ...); 0 if unknown. */
static unsigned level_of(enum lrs_match_field f, const char *name)
{
    for (unsigned i = 0; name && i <= LRS_MATCH_LEVEL_MAX; i++)
        if (strcmp(lrs_match_level_name(f, i), name) == 0)
            return i;
    return 0;
}

/*
 * The candidates of the exception's explanation (lrs_match_explain_json),
 * each read from the store (audited). Returns how many, or -1 when one
 * could not be read.
 */
static int load_candidates(struct page *p, struct lrs_store *s,
                           const char *json, struct candidate *out)
{
    const struct lrs_actor actor = lrsd_actor(p->r);
    json_t *root = json && json[0] ? json_loads(json, 0, NULL) : NULL;
    json_t *list = json_object_get(root, "candidates"), *c;
    size_t i;
    int n = 0;

    json_array_foreach(list, i, c)
    {
        struct lrs_diag d = LRS_DIAG_INIT;
        json_t *fields = json_object_get(c, "fields");
        const char *uln = json_string_value(json_object_get(c, "uln"));

        if (n == CANDIDATES_MAX || !uln)
            break;
        if (lrs_service_learner_get(s, &actor, lrs_str_c(uln), &out[n].l, NULL,
                                    &d) != LRS_OK) {
            json_decref(root);
            return -1;
        }
        for (unsigned f = 0; f < LRS_MATCH_FIELD__COUNT; f++) {
            const enum lrs_match_field mf = (enum lrs_match_field)f;
            json_t *fl = json_object_get(fields, lrs_match_field_name(mf));

            out[n].level[f] =
                level_of(mf, json_string_value(json_object_get(fl, "level")));
        }
        n++;
    }
    json_decref(root);
    return n;
}

/* The pupil's value of match field `f`, as shown. */
static const char *pupil_value(const struct pupil *pu, unsigned f)
{
    switch (f) {
    case LRS_MATCH_GIVEN:
        return pu->forename;
    case LRS_MATCH_MIDDLE:
        return pu->middle;
    case LRS_MATCH_FAMILY:
        return pu->surname;
    case LRS_MATCH_DOB:
        return pu->dob;
    case LRS_MATCH_GENDER:
        return strcmp(pu->sex, "M") == 0   ? "Male"
               : strcmp(pu->sex, "F") == 0 ? "Female"
                                           : pu->sex;
    default:
        return pu->postcode;
    }
}

static const char *learner_value(const struct lrs_learner *l, unsigned f,
                                 char buf[32])
{
    switch (f) {
    case LRS_MATCH_GIVEN:
        return l->given_name;
    case LRS_MATCH_MIDDLE:
        return l->middle_names;
    case LRS_MATCH_FAMILY:
        return l->family_name;
    case LRS_MATCH_DOB:
        lrs_date_format(l->date_of_birth, buf);
        return buf;
    case LRS_MATCH_GENDER:
        return page_gender_text(l->gender);
    default:
        return l->postcode;
    }
}

static const char *const compare_labels[LRS_MATCH_FIELD__COUNT] = {
    "Given name",    "Middle names", "Family name",
    "Date of birth", "Gender",       "Postcode",
};

/* The pupil and each candidate side by side, differences in words. */
static void compare(struct page *p, const struct pupil *pu,
                    const struct candidate *c, int n)
{
    ph(p, "<div class=\"lrs-scroll\"><table class=\"govuk-table\" "
          "id=\"compare\"><caption class=\"govuk-table__caption govuk-table__"
          "caption--m\">The pupil in the file and the learners found"
          "</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-"
          "table__row\"><td class=\"govuk-table__header\"></td><th scope="
          "\"col\" class=\"govuk-table__header\">Pupil in the file</th>");
    for (int i = 0; i < n; i++)
        ph(p, "<th scope=\"col\" class=\"govuk-table__header\">ULN %s</th>",
           c[i].l.uln);
    ph(p,
       "</tr></thead><tbody class=\"govuk-table__body\"><tr class="
       "\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__"
       "header\">UPN</th><td class=\"govuk-table__cell\">%s</td>",
       pu->upn[0] ? pu->upn : "Not given");
    for (int i = 0; i < n; i++)
        ph(p, "<td class=\"govuk-table__cell\"></td>");
    ph(p, "</tr>");
    for (unsigned f = 0; f < LRS_MATCH_FIELD__COUNT; f++) {
        const char *mine = pupil_value(pu, f);

        ph(p,
           "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-"
           "table__header\">%s</th><td class=\"govuk-table__cell\">%s</td>",
           compare_labels[f], mine[0] ? mine : "Not given");
        for (int i = 0; i < n; i++) {
            char buf[32];
            const char *theirs = learner_value(&c[i].l, f, buf);
            const bool same = c[i].level[f] == 0;

            ph(p, "<td class=\"govuk-table__cell%H\">%s%H%s%H</td>",
               same ? "" : " lrs-differs", theirs[0] ? theirs : "Not given",
               same ? "" : " <span class=\"govuk-body-s\">(differs: ",
               same ? ""
                    : page_level_text((enum lrs_match_field)f, c[i].level[f]),
               same ? "" : ")</span>");
        }
        ph(p, "</tr>");
    }
    ph(p, "</tbody></table></div>");
}

/* The exception of the path's {id}, if this person may see it. */
static bool path_exception(struct page *p, struct lrs_store *s,
                           struct lrs_exception *x, struct lrs_buf *json)
{
    const char *text = lrsd_param(p->r, 0);
    uint64_t id;

    if (text && lrs_parse_u64(lrs_str_c(text), 1, INT64_MAX, &id) == LRS_OK &&
        lrs_store_exception_get(s, (int64_t)id, x, json) == LRS_OK &&
        may_see(p, x->org_id))
        return true;
    page_fail(p, 404, "Page not found", "There is no such exception.");
    return false;
}

static void exception_page(struct page *p, struct lrs_store *s,
                           const struct lrs_exception *x, const char *choice,
                           const char *other, const char *reason,
                           unsigned status)
{
    struct candidate c[CANDIDATES_MAX];
    struct pupil pu;
    int n;

    read_pupil(s, x->job_id, x->ordinal, &pu);
    n = load_candidates(p, s, x->candidates, c);
    if (n < 0) {
        page_fail(p, 503, "Sorry, the service is unavailable",
                  "A learner found could not be read.");
        return;
    }
    page_head(p, x->status == LRS_EXCEPTION_OPEN ? "Resolve an exception"
                                                 : "A resolved exception");
    page_error_summary(p);
    if (page_query(p->r, "resolved"))
        page_banner(p, true, "The exception is resolved",
                    "The file's returned CTF and reports now include this "
                    "pupil's ULN.");
    ph(p,
       "<span class=\"govuk-caption-l\">File %lld, row %lld</span><h1 "
       "class=\"govuk-heading-l\">%s %s</h1><div class=\"govuk-inset-text\" "
       "id=\"exception-reason\"><p class=\"govuk-body\"><strong>%s</strong> "
       "(%s)</p>"
       "<p class=\"govuk-body\">%s</p></div>",
       (long long)x->job_id, (long long)x->ordinal,
       pu.forename[0] ? pu.forename : "Pupil", pu.surname,
       lrs_batch_code_text(x->code), x->code, x->reason);
    compare(p, &pu, c, n);
    if (x->status != LRS_EXCEPTION_OPEN) {
        char when[32];

        ms_text(x->resolved_ms, when);
        ph(p, "<h2 class=\"govuk-heading-m\">Resolution</h2>"
              "<dl class=\"govuk-summary-list\" id=\"resolution\">");
        page_summary_row(p, "ULN", x->resolved_uln);
        page_summary_row(p, "Decision",
                         x->resolved_new ? "Registered as a new learner"
                                         : "An existing learner");
        page_summary_row(p, "Reason", x->resolution_reason);
        page_summary_row(p, "When (UTC)", when);
        ph(p, "</dl><p class=\"govuk-body\"><a class=\"govuk-link\" "
              "href=\"/exceptions\">Back to the exceptions</a></p>");
        page_send(p, status);
        return;
    }
    ph(p, "<form method=\"post\" action=\"/exceptions/%lld\" novalidate>",
       (long long)x->id);
    page_csrf_field(p);
    {
        const char *err = page_field_error(p, "choice");

        ph(p,
           "<div class=\"govuk-form-group%H\"><fieldset class=\"govuk-"
           "fieldset\"><legend class=\"govuk-fieldset__legend govuk-"
           "fieldset__legend--m\">Who is this pupil?</legend>",
           err ? " govuk-form-group--error" : "");
        if (err)
            ph(p,
               "<p id=\"choice-error\" class=\"govuk-error-message\"><span "
               "class=\"govuk-visually-hidden\">Error:</span> %s</p>",
               err);
        ph(p, "<div class=\"govuk-radios\" data-module=\"govuk-radios\" "
              "id=\"choice\">");
    }
    for (int i = 0; i < n; i++)
        ph(p,
           "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__"
           "input\" id=\"choice-%s\" name=\"choice\" type=\"radio\" "
           "value=\"%s\"%H><label class=\"govuk-label govuk-radios__label\" "
           "for=\"choice-%s\">This is the learner %s %s, ULN %s</label>"
           "</div>",
           c[i].l.uln, c[i].l.uln,
           strcmp(choice, c[i].l.uln) == 0 ? " checked" : "", c[i].l.uln,
           c[i].l.given_name, c[i].l.family_name, c[i].l.uln);
    ph(p,
       "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__"
       "input\" id=\"choice-other\" name=\"choice\" type=\"radio\" "
       "value=\"other\"%H data-aria-controls=\"other-reveal\"><label "
       "class=\"govuk-label govuk-radios__label\" for=\"choice-other\">"
       "Another learner, by ULN</label></div><div class=\"govuk-radios__"
       "conditional\" id=\"other-reveal\">",
       strcmp(choice, "other") == 0 ? " checked" : "");
    page_input(p, "other_uln", "ULN", NULL, other, "govuk-input--width-10",
               "off");
    ph(p,
       "</div><div class=\"govuk-radios__divider\">or</div><div class="
       "\"govuk-radios__item\"><input class=\"govuk-radios__input\" "
       "id=\"choice-new\" name=\"choice\" type=\"radio\" value=\"new\"%H>"
       "<label class=\"govuk-label govuk-radios__label\" for=\"choice-new\">"
       "Register as a new learner</label></div></div></fieldset></div>",
       strcmp(choice, "new") == 0 ? " checked" : "");
    page_input(p, "reason", "Why",
               "For example, the MIS has a typo in the "
               "family name",
               reason, NULL, "off");
    ph(p, "<button type=\"submit\" class=\"govuk-button\" data-module="
          "\"govuk-button\" id=\"resolve\">Resolve</button></form>");
    page_send(p, status);
}

void lrsd_p_exception(struct lrsd_req *r)
{
    struct lrs_buf json = LRS_BUF_INIT;
    struct lrs_exception x;
    struct lrs_store *s;
    struct page p;

    if (!page_begin_auth(&p, r, BATCH_ROLES, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s || !path_exception(&p, s, &x, &json))
        goto out;
    exception_page(&p, s, &x, "", "", "", 200);
out:
    lrs_buf_release(&json);
    page_release(&p);
}

/* Tell the index about a learner a resolution registered. */
static void index_new(struct lrs_store *s, const char *uln)
{
    struct lrs_learner l;

    if (lrs_store_learner_get(s, uln, 0, &l) == LRS_OK)
        page_index_put(&l, true);
}

void lrsd_p_exception_post(struct lrsd_req *r)
{
    struct lrs_buf json = LRS_BUF_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_exception x;
    struct lrs_actor actor;
    struct page_form f;
    struct lrs_store *s;
    struct page p;
    const char *choice, *other, *reason, *uln = NULL;
    char got[LRS_ULN_SIZE], loc[64];
    enum lrs_err err;

    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/exceptions");
        return;
    }
    if (!page_begin_auth(&p, r, BATCH_ROLES, 0, &f))
        goto out;
    s = page_store(&p);
    if (!s || !path_exception(&p, s, &x, &json))
        goto out;
    choice = page_form_get(&f, "choice");
    other = page_form_get(&f, "other_uln");
    reason = page_form_get(&f, "reason");
    if (!choice[0])
        page_error(&p, "choice", "Select who this pupil is");
    else if (strcmp(choice, "other") == 0 &&
             lrs_uln_check(lrs_str_c(other), &d) != LRS_OK)
        page_error(&p, "other_uln", "Enter a real ULN: %s",
                   other[0] ? d.msg : "it is missing");
    else if (strcmp(choice, "new") != 0)
        uln = strcmp(choice, "other") == 0 ? other : choice;
    if (!reason[0])
        page_error(&p, "reason", "Enter why");
    if (uln && lrs_uln_check(lrs_str_c(uln), &d) != LRS_OK)
        page_error(&p, "choice", "Select who this pupil is");
    if (!p.error_count && x.status != LRS_EXCEPTION_OPEN)
        page_error(&p, "choice",
                   "Someone has resolved this exception "
                   "already");
    if (!p.error_count) {
        actor = lrsd_actor(r);
        err = lrs_service_exception_resolve(s, &actor, x.id, uln, reason, got,
                                            &d);
        if (err == LRS_ECONFLICT)
            page_error(&p, "choice",
                       "Someone has resolved this exception "
                       "already");
        else if (err == LRS_EINVAL || err == LRS_ENOTFOUND)
            page_error(&p, uln ? "choice" : "choice", "%s: %s",
                       uln ? "That learner cannot be chosen"
                           : "A new learner cannot be registered",
                       d.msg);
        else if (err) {
            page_fail(&p, 503, "Sorry, the service is unavailable",
                      "The exception was not resolved. Try again later.");
            goto out;
        }
    }
    if (p.error_count) {
        exception_page(&p, s, &x, choice, other, reason, 400);
        goto out;
    }
    if (!uln)
        index_new(s, got);
    snprintf(loc, sizeof loc, "/exceptions/%lld?resolved=1", (long long)x.id);
    page_redirect(r, loc);
out:
    lrs_buf_release(&json);
    page_release(&p);
}
