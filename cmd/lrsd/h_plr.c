/*
 * h_plr.c - verification, results, exam entries, the PLR and its shares
 * over HTTP (lrs/plr.h, docs/plr.md, docs/api.md).
 *
 * Every use case is the service's: it validates, verifies names against
 * the register and audits each learner it touches in one transaction.
 * This file only turns requests into calls and answers into JSON, and
 * scopes each call to the caller's organisation:
 *
 * - an awarding organisation (AO) is the caller's organisation, read from
 *   the accounts store by the principal's org_id; a body never names it,
 *   so an AO writes only its own results and sees only entries sent to
 *   it;
 * - a school's reference is its LA + establishment number ("8012000"),
 *   or its URN, from the same place;
 * - a learner account reads and shares only the ULN it is linked to.
 *
 * Bulk inputs (batch verification, results, entries) are CSV as the CLI
 * takes them; a JSON array of objects is first written as the same CSV
 * (keys are the column names), so both take one path through the
 * library.
 */
#include "lrsd.h"

#include <lrs/accounts.h>
#include <lrs/plr.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether the request's Content-Type is `type`, parameters allowed. */
static bool content_is(struct lrsd_req *r, const char *type)
{
    const char *ct = lrsd_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
    const size_t n = strlen(type);

    if (!ct)
        return false;
    while (*ct == ' ')
        ct++;
    return strncasecmp(ct, type, n) == 0 &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* A query-string argument, or NULL. */
static const char *query(struct lrsd_req *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

/* Answer a service error as h_learners.c does. */
static void reply_err(struct lrsd_req *r, enum lrs_err err,
                      const struct lrs_diag *d)
{
    const char *field = d->field;

    switch (err) {
    case LRS_EINVAL:
    case LRS_ELIMIT:
        lrsd_reply_error(r, 400,
                         field && strcmp(field, "uln") == 0 ? "WSEC0136"
                                                            : "WSEC0001",
                         field, "%s", d->msg[0] ? d->msg : "invalid input");
        return;
    case LRS_ENOTFOUND:
        lrsd_reply_error(r, 404, "LRSD0404", field, "%s",
                         d->msg[0] ? d->msg : "not found");
        return;
    case LRS_ECONFLICT:
        lrsd_reply_error(r, 409, "LRSD0409", field, "%s",
                         d->msg[0] ? d->msg : "conflict");
        return;
    case LRS_EBUSY:
        lrsd_reply_error(r, 503, "LRSD0503", NULL,
                         "the store is busy; try again");
        lrsd_reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
        return;
    default:
        break;
    }
    lrsd_log(LRS_LOG_ERROR, "plr", r->id, "service error", "error=%s",
             lrs_strerror(err));
    lrsd_reply_error(r, 500, "LRSD0500", NULL, "internal error");
}

/* The caller's organisation, which must be of `kind`; replies 403
 * otherwise. */
static bool caller_org(struct lrsd_req *r, struct lrs_store *s,
                       enum lrs_org_kind kind, struct lrs_org *out)
{
    if (r->who.org_id == 0 ||
        lrs_store_org_get(s, r->who.org_id, out) != LRS_OK ||
        out->kind != kind) {
        lrsd_reply_error(
            r, 403, "LRSD0403", NULL, "the caller's organisation is not %s",
            kind == LRS_ORG_AO ? "an awarding organisation" : "a school");
        return false;
    }
    if (kind == LRS_ORG_AO && !out->ukprn[0]) {
        lrsd_reply_error(r, 403, "LRSD0403", NULL,
                         "the awarding organisation has no UKPRN");
        return false;
    }
    return true;
}

void lrsd_school_ref(const struct lrs_org *o, char out[LRS_PLR_CODE_SIZE])
{
    if (o->la)
        snprintf(out, LRS_PLR_CODE_SIZE, "%03d%04d", (int)o->la, (int)o->estab);
    else
        snprintf(out, LRS_PLR_CODE_SIZE, "%lld", (long long)o->urn);
}

/*
 * The AO a school names in `ao` (organisation id, or UKPRN when it is 8
 * digits). Replies 400/404 and returns false when it names no AO.
 */
static bool named_ao(struct lrsd_req *r, struct lrs_store *s, const char *ao,
                     struct lrs_org *out)
{
    struct lrs_org_ref ref;
    uint64_t id = 0;
    enum lrs_err err;

    if (!ao || !ao[0]) {
        lrsd_reply_error(r, 400, "WSEC0001", "ao",
                         "ao (the awarding organisation's id or UKPRN) is "
                         "required");
        return false;
    }
    memset(&ref, 0, sizeof ref);
    if (strlen(ao) == 8) {
        ref.ukprn = ao;
        err = lrs_store_org_find(s, &ref, out);
    } else if (lrs_parse_u64(lrs_str_c(ao), 1, INT64_MAX, &id) == LRS_OK) {
        err = lrs_store_org_get(s, (int64_t)id, out);
    } else {
        err = LRS_EINVAL;
    }
    if (err || out->kind != LRS_ORG_AO || !out->ukprn[0]) {
        lrsd_reply_error(r, err == LRS_EINVAL ? 400 : 404,
                         err == LRS_EINVAL ? "WSEC0001" : "LRSD0404", "ao",
                         "no awarding organisation '%.20s'", ao);
        return false;
    }
    return true;
}

/* Append `s` to `b` as one CSV field, quoted. */
static enum lrs_err csv_field(struct lrs_buf *b, const char *s, size_t len)
{
    enum lrs_err err = lrs_buf_addch(b, '"');

    for (size_t i = 0; !err && i < len; i++) {
        err = lrs_buf_addch(b, s[i]);
        if (!err && s[i] == '"')
            err = lrs_buf_addch(b, '"');
    }
    return err ? err : lrs_buf_addch(b, '"');
}

/*
 * Write the JSON array `arr` of flat objects as CSV into `out`: the
 * header is the union of the keys in first-seen order, values are
 * strings or integers. Replies 400 and returns false on a bad element.
 */
static bool json_to_csv(struct lrsd_req *r, json_t *arr, struct lrs_buf *out)
{
    json_t *cols = json_array(), *obj, *v;
    const char *key;
    size_t i, c;
    enum lrs_err err = cols ? LRS_OK : LRS_ENOMEM;

    json_array_foreach(arr, i, obj)
    {
        if (!json_is_object(obj)) {
            lrsd_reply_error(r, 400, "WSEC0001", NULL,
                             "element %zu of the array is not an object", i);
            json_decref(cols);
            return false;
        }
        json_object_foreach(obj, key, v)
        {
            bool seen = false;

            for (c = 0; !seen && c < json_array_size(cols); c++)
                seen = strcmp(json_string_value(json_array_get(cols, c)),
                              key) == 0;
            if (!seen && json_array_append_new(cols, json_string(key)))
                err = LRS_ENOMEM;
        }
    }
    for (c = 0; !err && c < json_array_size(cols); c++) {
        const char *k = json_string_value(json_array_get(cols, c));

        if (c)
            err = lrs_buf_addch(out, ',');
        if (!err)
            err = csv_field(out, k, strlen(k));
    }
    if (!err)
        err = lrs_buf_addch(out, '\n');
    json_array_foreach(arr, i, obj)
    {
        for (c = 0; !err && c < json_array_size(cols); c++) {
            const char *k = json_string_value(json_array_get(cols, c));
            char num[24] = "";

            v = json_object_get(obj, k);
            if (c)
                err = lrs_buf_addch(out, ',');
            if (json_is_integer(v)) {
                snprintf(num, sizeof num, "%lld",
                         (long long)json_integer_value(v));
            } else if (v && !json_is_string(v) && !json_is_null(v)) {
                lrsd_reply_error(r, 400, "WSEC0001", k,
                                 "element %zu: %s must be a string", i, k);
                json_decref(cols);
                return false;
            }
            if (!err)
                err = json_is_string(v) ? csv_field(out, json_string_value(v),
                                                    json_string_length(v))
                                        : csv_field(out, num, strlen(num));
        }
        if (!err)
            err = lrs_buf_addch(out, '\n');
    }
    json_decref(cols);
    if (err) {
        lrsd_reply_error(r, 500, "LRSD0500", NULL, "out of memory");
        return false;
    }
    return true;
}

/*
 * The bulk input of a request as CSV: the body itself when it is
 * text/csv, or the JSON array (or the array member `arr_key` of a JSON
 * object, whose object is then *obj_out, owned) converted. Replies and
 * returns false on failure.
 */
static bool bulk_csv(struct lrsd_req *r, const char *arr_key,
                     struct lrs_buf *csv, json_t **obj_out)
{
    json_error_t jerr;
    json_t *j, *arr;
    bool ok;

    if (obj_out)
        *obj_out = NULL;
    if (content_is(r, "text/csv")) {
        if (lrs_buf_add(csv, r->body.data, r->body.len) != LRS_OK) {
            lrsd_reply_error(r, 500, "LRSD0500", NULL, "out of memory");
            return false;
        }
        return true;
    }
    if (!content_is(r, "application/json")) {
        lrsd_reply_error(r, 415, "LRSD0415", NULL,
                         "the request body must be text/csv or "
                         "application/json");
        return false;
    }
    j = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        lrsd_reply_error(r, 400, "WSEC0001", NULL,
                         "malformed JSON at line %d column %d: %s", jerr.line,
                         jerr.column, jerr.text);
        return false;
    }
    arr = json_is_object(j) && arr_key ? json_object_get(j, arr_key) : j;
    if (!json_is_array(arr) || json_array_size(arr) == 0) {
        lrsd_reply_error(r, 400, "WSEC0001", arr_key,
                         "the body must be a non-empty JSON array%s%s",
                         arr_key ? " or an object with the array " : "",
                         arr_key ? arr_key : "");
        json_decref(j);
        return false;
    }
    ok = json_to_csv(r, arr, csv);
    if (ok && obj_out && json_is_object(j))
        *obj_out = json_incref(j);
    json_decref(j);
    return ok;
}

static json_t *flags_json(unsigned flags)
{
    json_t *a = json_array();
    char name[8];

    for (unsigned i = 0; a && i < 8; i++) {
        if (!(flags & (1u << i)))
            continue;
        snprintf(name, sizeof name, "VRF%u", i + 1);
        json_array_append_new(a, json_string(name));
    }
    return a;
}

static json_t *verify_json(const struct lrs_verify_result *v)
{
    json_t *j = json_pack(
        "{s:s, s:s, s:b, s:s, s:o, s:s, s:s, s:s, s:s}", "code",
        lrs_verify_code_name(v->code), "text", lrs_verify_code_text(v->code),
        "accepted", lrs_verify_accepted(v->code), "uln", v->uln, "flags",
        flags_json(v->flags), "given_name", lrs_verify_level_name(v->given),
        "family_name", lrs_verify_level_name(v->family), "date_of_birth",
        lrs_verify_level_name(v->date_of_birth), "gender",
        lrs_verify_level_name(v->gender));

    if (j && (v->code == LRS_VERIFY_LINKED_MATCH ||
              v->code == LRS_VERIFY_LINKED_SIMILAR))
        json_object_set_new(j, "master_uln", json_string(v->master_uln));
    if (j && v->swapped)
        json_object_set_new(j, "swapped", json_true());
    return j;
}

/* ------------------------------------------------------------------ */
/* Verification                                                       */
/* ------------------------------------------------------------------ */

/* Read the verification fields of `obj` into `in`; false when replied. */
static bool verify_input(struct lrsd_req *r, json_t *obj,
                         struct lrs_verify_input *in)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const char *uln, *given, *family, *dob, *gender;

    if (!lrsd_json_str(r, obj, "uln", LRSD_JSON_REQUIRED, 10, &uln) ||
        !lrsd_json_str(r, obj, "given_name", LRSD_JSON_REQUIRED,
                       LRS_LEARNER_NAME_MAX, &given) ||
        !lrsd_json_str(r, obj, "family_name", LRSD_JSON_REQUIRED,
                       LRS_LEARNER_NAME_MAX, &family) ||
        !lrsd_json_str(r, obj, "date_of_birth", 0, 10, &dob) ||
        !lrsd_json_str(r, obj, "gender", 0, 1, &gender))
        return false;
    if (lrs_verify_input_set(in, lrs_str_c(uln), lrs_str_c(given),
                             lrs_str_c(family), lrs_str_c(dob ? dob : ""),
                             lrs_str_c(gender ? gender : ""), &d) != LRS_OK) {
        reply_err(r, LRS_EINVAL, &d);
        return false;
    }
    return true;
}

/* POST /api/v1/verify: verifyLearner for one learner. */
void lrsd_h_verify(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    json_t *body = lrsd_json_body(r);
    struct lrs_verify_input in;
    struct lrs_verify_result res;
    struct lrs_store *s;
    enum lrs_err err;

    if (!body)
        return;
    if (!verify_input(r, body, &in))
        goto out;
    s = lrsd_store(r);
    if (!s)
        goto out;
    err = lrs_verify_learner(s, &actor, &in, &res, &d);
    if (err) {
        reply_err(r, err, &d);
        goto out;
    }
    lrsd_reply_json(r, 200, verify_json(&res));
out:
    json_decref(body);
}

static enum lrs_err batch_row(void *ctx, uint64_t line,
                              const struct lrs_verify_input *in,
                              const struct lrs_verify_result *res,
                              const struct lrs_diag *why)
{
    json_t *rows = ctx, *j;

    if (res) {
        j = verify_json(res);
    } else {
        j = json_pack("{s:s, s:s}", "uln", in ? in->uln : "", "code",
                      why->field && strcmp(why->field, "uln") == 0
                          ? "WSEC0136"
                          : "WSEC0001");
        if (j && why->field)
            json_object_set_new(j, "field", json_string(why->field));
        if (j)
            json_object_set_new(j, "message", json_string(why->msg));
    }
    if (!j)
        return LRS_ENOMEM;
    json_object_set_new(j, "line", json_integer((json_int_t)line));
    return json_array_append_new(rows, j) ? LRS_ENOMEM : LRS_OK;
}

/* POST /api/v1/verify/batch: a CSV or JSON array of learners. */
void lrsd_h_verify_batch(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    struct lrs_buf csv = LRS_BUF_INIT;
    struct lrs_verify_summary sum;
    struct lrs_csv_mem mem;
    struct lrs_store *s;
    json_t *rows = json_array(), *counts;
    enum lrs_err err;

    if (!bulk_csv(r, NULL, &csv, NULL))
        goto out;
    s = lrsd_store(r);
    if (!s)
        goto out;
    mem = (struct lrs_csv_mem){csv.data, csv.len};
    memset(&sum, 0, sizeof sum);
    err = rows ? lrs_verify_csv(s, &actor, lrs_csv_mem_read, &mem, "body",
                                batch_row, rows, &sum, &d)
               : LRS_ENOMEM;
    if (err) {
        reply_err(r, err, &d);
        goto out;
    }
    counts = json_pack("{s:I, s:I}", "rows", (json_int_t)sum.rows, "invalid",
                       (json_int_t)sum.invalid);
    for (int c = 1; counts && c <= 6; c++)
        json_object_set_new(counts,
                            lrs_verify_code_name((enum lrs_verify_code)c),
                            json_integer((json_int_t)sum.by_code[c]));
    lrsd_reply_json(r, 200,
                    json_pack("{s:o, s:O}", "summary", counts, "rows", rows));
out:
    json_decref(rows);
    lrs_buf_release(&csv);
}

/* ------------------------------------------------------------------ */
/* Results                                                            */
/* ------------------------------------------------------------------ */

static enum lrs_err result_row(void *ctx, const struct lrs_result_row *row)
{
    json_t *j =
        json_pack("{s:I, s:s, s:s, s:o}", "line", (json_int_t)row->line,
                  "outcome", lrs_result_outcome_name(row->outcome), "code",
                  row->code ? row->code : "", "flags", flags_json(row->flags));

    if (!j)
        return LRS_ENOMEM;
    if (row->outcome == LRS_RESULT_REJECTED) {
        if (row->why.field)
            json_object_set_new(j, "field", json_string(row->why.field));
        json_object_set_new(j, "reason", json_string(row->why.msg));
    }
    if (row->a) {
        json_object_set_new(j, "uln", json_string(row->a->uln));
        json_object_set_new(j, "subject_code",
                            json_string(row->a->subject_code));
        if (row->a->id)
            json_object_set_new(j, "id", json_integer(row->a->id));
    }
    return json_array_append_new(ctx, j) ? LRS_ENOMEM : LRS_OK;
}

/*
 * POST /api/v1/results: an AO's results as CSV or a JSON array; the AO is
 * the caller's organisation, never a value of the body.
 */
void lrsd_h_results_upload(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    struct lrs_buf csv = LRS_BUF_INIT;
    struct lrs_results_summary sum;
    struct lrs_results_opts o;
    struct lrs_csv_mem mem;
    struct lrs_store *s;
    struct lrs_org ao;
    json_t *rows = json_array();
    enum lrs_err err;

    if (!bulk_csv(r, NULL, &csv, NULL))
        goto out;
    s = lrsd_store(r);
    if (!s || !caller_org(r, s, LRS_ORG_AO, &ao))
        goto out;
    memset(&o, 0, sizeof o);
    o.name = "body";
    o.ao_ukprn = ao.ukprn;
    o.ao_name = ao.name;
    o.ao_org_id = ao.id;
    o.on_row = result_row;
    o.ctx = rows;
    memset(&sum, 0, sizeof sum);
    mem = (struct lrs_csv_mem){csv.data, csv.len};
    err = rows ? lrs_plr_results_upload(s, &actor, lrs_csv_mem_read, &mem, &o,
                                        &sum, &d)
               : LRS_ENOMEM;
    if (err) {
        reply_err(r, err, &d);
        goto out;
    }
    lrsd_reply_json(
        r, 200,
        json_pack(
            "{s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:s, s:O}", "summary", "rows",
            (json_int_t)sum.rows, "stored", (json_int_t)sum.stored, "corrected",
            (json_int_t)sum.corrected, "updated", (json_int_t)sum.updated,
            "unchanged", (json_int_t)sum.unchanged, "rejected",
            (json_int_t)sum.rejected, "ao_ukprn", ao.ukprn, "rows", rows));
out:
    json_decref(rows);
    lrs_buf_release(&csv);
}

/* ------------------------------------------------------------------ */
/* Exam entries                                                       */
/* ------------------------------------------------------------------ */

static json_t *entry_json(const struct lrs_entry *e)
{
    char dob[11];
    json_t *j;

    lrs_date_format(e->date_of_birth, dob);
    j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i,"
                  " s:s, s:s, s:I, s:I, s:I}",
                  "id", (json_int_t)e->id, "school", e->school, "ao_ukprn",
                  e->ao_ukprn, "series", e->series, "candidate_number",
                  e->candidate_number, "uci", e->uci, "uln", e->uln,
                  "given_name", e->given_name, "family_name", e->family_name,
                  "date_of_birth", e->date_of_birth.year ? dob : "", "gender",
                  (int)e->gender, "qualification_code", e->qualification_code,
                  "qualification_title", e->qualification_title, "submitted_ms",
                  (json_int_t)e->submitted_ms, "amended_ms",
                  (json_int_t)e->amended_ms, "sent_ms", (json_int_t)e->sent_ms);

    if (j && e->verify_code) {
        json_object_set_new(j, "verify_code",
                            json_string(lrs_verify_code_name(e->verify_code)));
        json_object_set_new(j, "verify_flags", flags_json(e->verify_flags));
        json_object_set_new(j, "ao_would_reject",
                            json_boolean(!lrs_verify_accepted(e->verify_code)));
    }
    return j;
}

static enum lrs_err entry_row(void *ctx, const struct lrs_entry_row *row)
{
    json_t *j = row->e ? entry_json(row->e) : json_object();

    if (!j)
        return LRS_ENOMEM;
    json_object_set_new(j, "line", json_integer((json_int_t)row->line));
    json_object_set_new(j, "outcome",
                        json_string(lrs_entry_outcome_name(row->outcome)));
    if (row->outcome == LRS_ENTRY_REJECTED) {
        if (row->why.field)
            json_object_set_new(j, "field", json_string(row->why.field));
        json_object_set_new(j, "reason", json_string(row->why.msg));
    } else if (row->e && row->e->verify_code &&
               !lrs_verify_accepted(row->e->verify_code)) {
        json_object_set_new(
            j, "reason",
            json_string(lrs_verify_code_text(row->e->verify_code)));
    }
    return json_array_append_new(ctx, j) ? LRS_ENOMEM : LRS_OK;
}

/*
 * POST /api/v1/entries?ao=ID|UKPRN: a school's exam entries (CSV, a JSON
 * array, or {"ao": ..., "entries": [...]}).
 */
void lrsd_h_entries_submit(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    struct lrs_buf csv = LRS_BUF_INIT;
    struct lrs_entries_summary sum;
    struct lrs_entries_opts o;
    struct lrs_csv_mem mem;
    struct lrs_store *s;
    struct lrs_org school, ao;
    char ref[LRS_PLR_CODE_SIZE];
    const char *ao_arg = query(r, "ao");
    json_t *rows = json_array(), *obj = NULL;
    enum lrs_err err;

    if (!bulk_csv(r, "entries", &csv, &obj))
        goto out;
    if (obj && json_is_string(json_object_get(obj, "ao")))
        ao_arg = json_string_value(json_object_get(obj, "ao"));
    s = lrsd_store(r);
    if (!s || !caller_org(r, s, LRS_ORG_SCHOOL, &school) ||
        !named_ao(r, s, ao_arg, &ao))
        goto out;
    lrsd_school_ref(&school, ref);
    memset(&o, 0, sizeof o);
    o.name = "body";
    o.school = ref;
    o.ao_ukprn = ao.ukprn;
    o.on_row = entry_row;
    o.ctx = rows;
    memset(&sum, 0, sizeof sum);
    mem = (struct lrs_csv_mem){csv.data, csv.len};
    err = rows ? lrs_plr_entries_submit(s, &actor, lrs_csv_mem_read, &mem, &o,
                                        &sum, &d)
               : LRS_ENOMEM;
    if (err) {
        reply_err(r, err, &d);
        goto out;
    }
    lrsd_reply_json(
        r, 200,
        json_pack("{s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:s, s:s, s:O}",
                  "summary", "rows", (json_int_t)sum.rows, "added",
                  (json_int_t)sum.added, "amended", (json_int_t)sum.amended,
                  "unchanged", (json_int_t)sum.unchanged, "rejected",
                  (json_int_t)sum.rejected, "not_verified",
                  (json_int_t)sum.not_verified, "school", ref, "ao_ukprn",
                  ao.ukprn, "rows", rows));
out:
    json_decref(obj);
    json_decref(rows);
    lrs_buf_release(&csv);
}

struct entry_list {
    json_t *arr;
    bool sent_only; /* only entries already sent (the AO's view) */
};

static enum lrs_err add_entry(const struct lrs_entry *e, void *ctx)
{
    struct entry_list *l = ctx;
    json_t *j;

    if (l->sent_only && e->sent_ms == 0)
        return LRS_OK;
    j = entry_json(e);
    if (j && e->submission)
        json_object_set_new(j, "submission",
                            json_integer((json_int_t)e->submission));
    return j && !json_array_append_new(l->arr, j) ? LRS_OK : LRS_ENOMEM;
}

/* The school and named AO of an entries request; false when replied. */
static bool school_and_ao(struct lrsd_req *r, struct lrs_store *s,
                          const char *ao_arg, char ref[LRS_PLR_CODE_SIZE],
                          struct lrs_org *ao)
{
    struct lrs_org school;

    if (!caller_org(r, s, LRS_ORG_SCHOOL, &school) ||
        !named_ao(r, s, ao_arg, ao))
        return false;
    lrsd_school_ref(&school, ref);
    return true;
}

/* GET /api/v1/entries/pending?ao=: what the next send would hand over. */
void lrsd_h_entries_pending(struct lrsd_req *r)
{
    struct entry_list l = {json_array(), false};
    char ref[LRS_PLR_CODE_SIZE];
    struct lrs_org ao;
    struct lrs_store *s = lrsd_store(r);
    enum lrs_err err;

    if (!s || !school_and_ao(r, s, query(r, "ao"), ref, &ao))
        goto out;
    err = l.arr ? lrs_store_entry_scan(s, ao.ukprn, ref, LRS_ENTRY_SCAN_PENDING,
                                       add_entry, &l)
                : LRS_ENOMEM;
    if (err) {
        struct lrs_diag d = LRS_DIAG_INIT;

        reply_err(r, err, &d);
        goto out;
    }
    lrsd_reply_json(r, 200,
                    json_pack("{s:s, s:I, s:O}", "ao_ukprn", ao.ukprn, "count",
                              (json_int_t)json_array_size(l.arr), "entries",
                              l.arr));
out:
    json_decref(l.arr);
}

/* POST /api/v1/entries/send?ao= (or {"ao"}): the submissions routine. */
void lrsd_h_entries_send(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct entry_list l = {json_array(), false};
    char ref[LRS_PLR_CODE_SIZE];
    const struct lrs_actor actor = lrsd_actor(r);
    const char *ao_arg = query(r, "ao");
    struct lrs_org ao;
    struct lrs_store *s;
    json_t *body = NULL;
    uint64_t count = 0;
    int64_t number = 0;
    enum lrs_err err;

    if (!ao_arg && r->body.len) {
        body = lrsd_json_body(r);
        if (!body ||
            !lrsd_json_str(r, body, "ao", LRSD_JSON_REQUIRED, 20, &ao_arg))
            goto out;
    }
    s = lrsd_store(r);
    if (!s || !school_and_ao(r, s, ao_arg, ref, &ao))
        goto out;
    err = l.arr ? lrs_plr_entries_send(s, &actor, ao.ukprn, ref, add_entry, &l,
                                       &count, &number, &d)
                : LRS_ENOMEM;
    if (err) {
        reply_err(r, err, &d);
        goto out;
    }
    lrsd_reply_json(r, 200,
                    json_pack("{s:s, s:I, s:I, s:O}", "ao_ukprn", ao.ukprn,
                              "sent", (json_int_t)count, "submission",
                              (json_int_t)number, "entries", l.arr));
out:
    json_decref(body);
    json_decref(l.arr);
}

/*
 * GET /api/v1/entries[?submission=N]: an AO's view, what it was sent as
 * it was sent: the last sent version of each entry, or submission N.
 */
void lrsd_h_entries_ao(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    struct entry_list l = {json_array(), true};
    const char *sub = query(r, "submission");
    struct lrs_org ao;
    struct lrs_store *s;
    uint64_t number = 0;
    enum lrs_err err;

    if (sub && lrs_parse_u64(lrs_str_c(sub), 1, INT64_MAX, &number)) {
        lrsd_reply_error(r, 400, "WSEC0001", "submission",
                         "submission must be a submission number");
        goto out;
    }
    s = lrsd_store(r);
    if (!s || !caller_org(r, s, LRS_ORG_AO, &ao))
        goto out;
    err = l.arr ? lrs_plr_entries_sent(s, &actor, ao.ukprn, (int64_t)number,
                                       add_entry, &l, &d)
                : LRS_ENOMEM;
    if (err) {
        reply_err(r, err, &d);
        goto out;
    }
    lrsd_reply_json(r, 200,
                    json_pack("{s:s, s:I, s:O}", "ao_ukprn", ao.ukprn, "count",
                              (json_int_t)json_array_size(l.arr), "entries",
                              l.arr));
out:
    json_decref(l.arr);
}

/* ------------------------------------------------------------------ */
/* The PLR                                                            */
/* ------------------------------------------------------------------ */

static json_t *achievement_json(const struct lrs_achievement *a, bool full)
{
    char award[11], status[2] = {a->status, '\0'};
    json_t *j;

    lrs_date_format(a->award_date, award);
    j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                  (json_int_t)a->id, "subject_code", a->subject_code, "subject",
                  a->subject, "qualification_type", a->qualification_type,
                  "level", a->level, "grade", a->grade, "status", status,
                  "award_date", award, "ao_ukprn", a->ao_ukprn, "ao_name",
                  a->ao_name);
    if (j && a->credits >= 0)
        json_object_set_new(j, "credits", json_integer(a->credits));
    if (j && full) {
        json_object_set_new(j, "supplied_uln", json_string(a->supplied_uln));
        json_object_set_new(j, "provider_ukprn",
                            json_string(a->provider_ukprn));
        json_object_set_new(j, "provider_name", json_string(a->provider_name));
        json_object_set_new(j, "source", json_string(a->source));
        json_object_set_new(j, "restriction", json_string(a->restriction));
        json_object_set_new(j, "under_data_challenge",
                            json_boolean(a->under_data_challenge));
        json_object_set_new(j, "loaded_ms", json_integer(a->loaded_ms));
        json_object_set_new(j, "updated_ms", json_integer(a->updated_ms));
    }
    return j;
}

static json_t *plr_json(const struct lrs_plr *p, const char *asked, bool full)
{
    json_t *events = json_array(), *j;

    for (size_t i = 0; events && i < p->events.count; i++)
        json_array_append_new(events,
                              achievement_json(&p->events.items[i], full));
    j = json_pack("{s:{s:s, s:s}, s:o}", "learner", "given_name",
                  p->learner.given_name, "family_name", p->learner.family_name,
                  "achievements", events);
    if (j && full) {
        json_object_set_new(json_object_get(j, "learner"), "uln",
                            json_string(p->learner.uln));
        json_object_set_new(j, "verify", verify_json(&p->verify));
    }
    if (j && p->linked) {
        json_object_set_new(j, "code", json_string("WSRC0022"));
        json_object_set_new(j, "linked_uln", json_string(asked));
    }
    return j;
}

/* A name from the query string or, failing that, the JSON body. */
static bool plr_arg(struct lrsd_req *r, json_t *body, const char *key,
                    unsigned flags, size_t max, const char **out)
{
    *out = query(r, key);
    if (*out || !body) {
        if (!*out && (flags & LRSD_JSON_REQUIRED)) {
            lrsd_reply_error(r, 400, "WSEC0001", key, "%s is required", key);
            return false;
        }
        return true;
    }
    return lrsd_json_str(r, body, key, flags, max, out);
}

/*
 * GET (or POST) /api/v1/learners/{uln}/plr with given_name and
 * family_name (query or JSON body), optionally date_of_birth and gender:
 * GetLearnerLearningEvents for an organisation. Operators need no
 * consent; every other caller needs AbilityToShare 1 (WSEC0206).
 */
void lrsd_h_plr_get(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    const char *uln = lrsd_param(r, 0), *given, *family, *dob, *gender;
    const unsigned flags =
        (r->who.roles & LRS_ROLE_OPERATOR) ? LRS_PLR_GET_OWNER : 0;
    struct lrs_verify_input in;
    struct lrs_store *s;
    struct lrs_plr p;
    json_t *body = NULL;
    enum lrs_err err;

    lrs_plr_init(&p);
    if (r->body.len) {
        body = lrsd_json_body(r);
        if (!body)
            return;
    }
    if (!uln ||
        !plr_arg(r, body, "given_name", LRSD_JSON_REQUIRED,
                 LRS_LEARNER_NAME_MAX, &given) ||
        !plr_arg(r, body, "family_name", LRSD_JSON_REQUIRED,
                 LRS_LEARNER_NAME_MAX, &family) ||
        !plr_arg(r, body, "date_of_birth", 0, 10, &dob) ||
        !plr_arg(r, body, "gender", 0, 1, &gender))
        goto out;
    if (lrs_verify_input_set(&in, lrs_str_c(uln), lrs_str_c(given),
                             lrs_str_c(family), lrs_str_c(dob ? dob : ""),
                             lrs_str_c(gender ? gender : ""), &d) != LRS_OK) {
        reply_err(r, LRS_EINVAL, &d);
        goto out;
    }
    s = lrsd_store(r);
    if (!s)
        goto out;
    err = lrs_plr_get(s, &actor, &in, flags, &p, &d);
    if (err) {
        reply_err(r, err, &d);
        goto out;
    }
    if (p.refusal == LRS_PLR_NOT_VERIFIED)
        lrsd_reply_error(r, 404, "WSEC0208", NULL,
                         "learner could not be verified");
    else if (p.refusal == LRS_PLR_NOT_SHARED)
        lrsd_reply_error(r, 403, "WSEC0206", NULL,
                         "the learner has chosen not to share their record");
    else
        lrsd_reply_json(r, 200, plr_json(&p, uln, true));
out:
    lrs_plr_release(&p);
    json_decref(body);
}

/* The signed-in learner's own PLR into `p`; false when replied. */
static bool own_plr(struct lrsd_req *r, struct lrs_store *s, struct lrs_plr *p)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    struct lrs_verify_input in;
    struct lrs_learner l;
    enum lrs_err err;

    /* The names come from the register itself: the account is linked to
     * the ULN, so the verification inside lrs_plr_get() is exact. */
    err = lrs_store_learner_get(s, r->who.uln, LRS_STORE_GET_RESOLVE, &l);
    if (!err)
        err = lrs_verify_input_set(
            &in, lrs_str_c(r->who.uln), lrs_str_c(l.given_name),
            lrs_str_c(l.family_name), LRS_STR(""), LRS_STR(""), &d);
    if (!err)
        err = lrs_plr_get(s, &actor, &in, LRS_PLR_GET_OWNER, p, &d);
    if (!err && p->refusal != LRS_PLR_GRANTED) {
        d.field = "uln";
        err = LRS_ENOTFOUND;
    }
    if (err) {
        reply_err(r, err, &d);
        return false;
    }
    return true;
}

/* GET /api/v1/me/plr: a learner account's own PLR. */
void lrsd_h_plr_me(struct lrsd_req *r)
{
    struct lrs_store *s = lrsd_store(r);
    struct lrs_plr p;

    lrs_plr_init(&p);
    if (s && own_plr(r, s, &p))
        lrsd_reply_json(r, 200, plr_json(&p, r->who.uln, true));
    lrs_plr_release(&p);
}

/* GET /api/v1/me/plr.html: the same, as one printable page. */
void lrsd_h_plr_me_html(struct lrsd_req *r)
{
    struct lrs_buf html = LRS_BUF_INIT;
    struct lrs_store *s = lrsd_store(r);
    struct lrs_plr p;

    lrs_plr_init(&p);
    if (s && own_plr(r, s, &p)) {
        if (lrs_plr_html(&p, &html) == LRS_OK)
            lrsd_reply_data(r, 200, "text/html; charset=utf-8", html.data,
                            html.len);
        else
            lrsd_reply_error(r, 500, "LRSD0500", NULL, "out of memory");
    }
    lrs_buf_release(&html);
    lrs_plr_release(&p);
}

/* ------------------------------------------------------------------ */
/* Shares                                                             */
/* ------------------------------------------------------------------ */

/* Most days a share may last (docs/plr.md), and the default. */
#define SHARE_DAYS_MAX     3650
#define SHARE_DAYS_DEFAULT 30

/*
 * POST /api/v1/me/shares {"achievements": [ids] (omitted: all),
 * "expires_days": n}: share the learner's PLR; the token is in this
 * answer only.
 */
void lrsd_h_share_create(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    json_t *body = lrsd_json_body(r), *items, *days, *v;
    int64_t ids[LRS_SHARE_MAX_ITEMS], expires;
    char token[LRS_SHARE_TOKEN_SIZE];
    struct lrs_share sh;
    struct lrs_store *s;
    json_int_t n = SHARE_DAYS_DEFAULT;
    size_t count = 0, i;
    enum lrs_err err;

    if (!body)
        return;
    items = json_object_get(body, "achievements");
    days = json_object_get(body, "expires_days");
    if (days && (!json_is_integer(days) || json_integer_value(days) < 1 ||
                 json_integer_value(days) > SHARE_DAYS_MAX)) {
        lrsd_reply_error(r, 400, "WSEC0001", "expires_days",
                         "expires_days must be a whole number of days, "
                         "1 to %d",
                         SHARE_DAYS_MAX);
        goto out;
    }
    if (days)
        n = json_integer_value(days);
    if (items && (!json_is_array(items) ||
                  json_array_size(items) > LRS_SHARE_MAX_ITEMS)) {
        lrsd_reply_error(r, 400, "WSEC0001", "achievements",
                         "achievements must be an array of at most %d ids",
                         LRS_SHARE_MAX_ITEMS);
        goto out;
    }
    json_array_foreach(items, i, v)
    {
        if (!json_is_integer(v) || json_integer_value(v) < 1) {
            lrsd_reply_error(r, 400, "WSEC0001", "achievements",
                             "achievement %zu is not an id", i);
            goto out;
        }
        ids[count++] = (int64_t)json_integer_value(v);
    }
    s = lrsd_store(r);
    if (!s)
        goto out;
    expires = now_ms() + (int64_t)n * 86400 * 1000;
    err = lrs_plr_share_create(s, &actor, lrs_str_c(r->who.uln), ids, count,
                               expires, token, &sh, &d);
    if (err) {
        reply_err(r, err, &d);
        goto out;
    }
    lrsd_reply_json(r, 201,
                    json_pack("{s:I, s:s, s:I, s:I}", "id", (json_int_t)sh.id,
                              "token", token, "expires_ms",
                              (json_int_t)sh.expires_ms, "achievements",
                              (json_int_t)count));
out:
    json_decref(body);
}

/* DELETE /api/v1/me/shares/{id}: revoke one of the learner's shares. */
void lrsd_h_share_revoke(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    const char *arg = lrsd_param(r, 0);
    struct lrs_learner l;
    struct lrs_share sh;
    struct lrs_store *s;
    uint64_t id = 0;
    enum lrs_err err;

    if (!arg || lrs_parse_u64(lrs_str_c(arg), 1, INT64_MAX, &id) != LRS_OK) {
        lrsd_reply_error(r, 400, "WSEC0001", "id", "the share id is a number");
        return;
    }
    s = lrsd_store(r);
    if (!s)
        return;
    /* Another learner's share answers as a missing one. */
    err = lrs_store_share_get(s, (int64_t)id, NULL, &sh);
    if (!err)
        err = lrs_store_learner_get(s, r->who.uln, LRS_STORE_GET_RESOLVE, &l);
    if (err == LRS_ENOTFOUND || (!err && strcmp(sh.uln, l.uln) != 0)) {
        lrsd_reply_error(r, 404, "LRSD0404", "id", "no share %llu",
                         (unsigned long long)id);
        return;
    }
    if (!err)
        err = lrs_plr_share_revoke(s, &actor, (int64_t)id, &d);
    if (err) {
        reply_err(r, err, &d);
        return;
    }
    lrsd_reply_json(
        r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "revoked", 1));
}

static enum lrs_err share_item(const struct lrs_share *sh, void *ctx)
{
    const int64_t now = now_ms();
    json_t *items = json_array(), *j;

    for (size_t i = 0; items && i < sh->item_count; i++)
        json_array_append_new(items, json_integer((json_int_t)sh->items[i]));
    j = json_pack(
        "{s:I, s:o*, s:I, s:I, s:I, s:I, s:s}", "id", (json_int_t)sh->id,
        "achievements", items, "created_ms", (json_int_t)sh->created_ms,
        "expires_ms", (json_int_t)sh->expires_ms, "revoked_ms",
        (json_int_t)sh->revoked_ms, "views", (json_int_t)sh->views, "state",
        sh->revoked_ms          ? "revoked"
        : sh->expires_ms <= now ? "expired"
                                : "active");
    if (!j || json_array_append_new(ctx, j))
        return LRS_ENOMEM;
    return LRS_OK;
}

/* GET /api/v1/me/shares: the learner's shares (never their tokens). */
void lrsd_h_shares_list(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s = lrsd_store(r);
    json_t *arr = json_array();
    struct lrs_learner l;
    enum lrs_err err;

    if (!s || !arr) {
        json_decref(arr);
        if (s)
            lrsd_reply_error(r, 500, "LRSD0500", NULL, "out of memory");
        return;
    }
    err = lrs_store_learner_get(s, r->who.uln, LRS_STORE_GET_RESOLVE, &l);
    if (!err)
        err = lrs_store_share_scan(s, l.uln, share_item, arr);
    if (err) {
        d.field = "uln";
        json_decref(arr);
        reply_err(r, err, &d);
        return;
    }
    lrsd_reply_json(r, 200, json_pack("{s:o}", "shares", arr));
}

/*
 * PUT /api/v1/me/ability-to-share {"ability_to_share": 1|2}: the
 * learner's privacy-notice choice (lrs_plr_consent_set: amended,
 * audited).
 */
void lrsd_h_consent_set(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    json_t *body = lrsd_json_body(r), *v;
    struct lrs_store *s;
    enum lrs_err err;

    if (!body)
        return;
    v = json_object_get(body, "ability_to_share");
    if (!json_is_integer(v) || (json_integer_value(v) != LRS_SHARE_YES &&
                                json_integer_value(v) != LRS_SHARE_NO)) {
        lrsd_reply_error(r, 400, "WSEC0001", "ability_to_share",
                         "ability_to_share must be 1 (share) or 2 (do not "
                         "share)");
        goto out;
    }
    s = lrsd_store(r);
    if (!s)
        goto out;
    err = lrs_plr_consent_set(s, &actor, r->who.uln,
                              (enum lrs_ability_to_share)json_integer_value(v),
                              &d);
    if (err) {
        reply_err(r, err, &d);
        goto out;
    }
    lrsd_reply_json(r, 200,
                    json_pack("{s:I}", "ability_to_share",
                              (json_int_t)json_integer_value(v)));
out:
    json_decref(body);
}

/* GET /api/v1/shares/{token}: public; the verified achievements only. */
void lrsd_h_share_open(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    const char *token = lrsd_param(r, 0);
    struct lrs_store *s;
    struct lrs_plr p;
    enum lrs_err err;

    lrs_plr_init(&p);
    s = token ? lrsd_store(r) : NULL;
    if (!s)
        goto out;
    err = lrs_plr_share_open(s, &actor, lrs_str_c(token), &p, &d);
    if (err) {
        reply_err(r, err, &d);
        goto out;
    }
    lrsd_reply_json(r, 200, plr_json(&p, "", false));
out:
    lrs_plr_release(&p);
}

/* ------------------------------------------------------------------ */
/* Learner accounts: sign-up codes                                    */
/* ------------------------------------------------------------------ */

/* Days a sign-up code works, at most and unless chosen (docs/plr.md). */
#define INVITE_DAYS_MAX     90
#define INVITE_DAYS_DEFAULT 14

/*
 * POST /api/v1/invites {"uln", "expires_days"}: schools and operators
 * issue a learner's one-time sign-up code, shown in this answer only; a
 * school only for its own pupils (lrs_plr_invite_create(), docs/plr.md).
 */
void lrsd_h_invite_create(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    json_t *body = lrsd_json_body(r), *days;
    char code[LRS_INVITE_CODE_SIZE];
    const char *uln = NULL;
    struct lrs_invite inv;
    struct lrs_store *s;
    json_int_t n = INVITE_DAYS_DEFAULT;
    enum lrs_err err;

    if (!body)
        return;
    if (!lrsd_json_str(r, body, "uln", LRSD_JSON_REQUIRED, 10, &uln))
        goto out;
    days = json_object_get(body, "expires_days");
    if (days && (!json_is_integer(days) || json_integer_value(days) < 1 ||
                 json_integer_value(days) > INVITE_DAYS_MAX)) {
        lrsd_reply_error(r, 400, "WSEC0001", "expires_days",
                         "expires_days must be a whole number of days, 1 to %d",
                         INVITE_DAYS_MAX);
        goto out;
    }
    if (days)
        n = json_integer_value(days);
    s = lrsd_store(r);
    if (!s)
        goto out;
    err = lrs_plr_invite_create(s, &actor, lrs_str_c(uln),
                                now_ms() + (int64_t)n * 86400 * 1000,
                                LRS_AUTH_COST_INTERACTIVE, code, &inv, &d);
    if (err) {
        reply_err(r, err, &d);
        goto out;
    }
    lrsd_reply_json(r, 201,
                    json_pack("{s:s, s:s, s:I}", "uln", inv.uln, "code", code,
                              "expires_ms", (json_int_t)inv.expires_ms));
out:
    json_decref(body);
}

/* The rate-limit key of sign-ups from one address (FNV-1a, as logins). */
uint64_t lrsd_signup_key(const char *addr)
{
    uint64_t h = 14695981039346656037u;

    for (const unsigned char *c = (const unsigned char *)"signup "; *c; c++)
        h = (h ^ *c) * 1099511628211u;
    for (const unsigned char *c = (const unsigned char *)addr; *c; c++)
        h = (h ^ *c) * 1099511628211u;
    return h ? h : 1;
}

/*
 * POST /api/v1/signup {"uln", "given_name", "family_name",
 * "date_of_birth", "code", "login", "password"}: public. A person creates
 * the learner account of a ULN (lrs_plr_signup). Attempts from one
 * address share the sign-in rate limit.
 */
void lrsd_h_signup(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    json_t *body = lrsd_json_body(r);
    const char *v[7] = {NULL};
    static const char *const keys[7] = {
        "uln",  "given_name", "family_name", "date_of_birth",
        "code", "login",      "password",
    };
    static const size_t max[7] = {10, 35, 35, 10, 20, LRS_LOGIN_MAX, 1024};
    struct lrs_signup in;
    struct lrs_store *s;
    struct lrs_user u;
    int64_t retry_ms = 0;
    enum lrs_err err;

    if (!body)
        return;
    for (size_t i = 0; i < 7; i++)
        if (!lrsd_json_str(r, body, keys[i], LRSD_JSON_REQUIRED, max[i], &v[i]))
            goto out;
    if (lrs_ratelimit_take(lrsd_app.signin_limit, lrsd_signup_key(r->addr),
                           now_ms(), &retry_ms) != LRS_OK) {
        lrsd_reply_error(r, 429, "LRSD0429", NULL,
                         "too many attempts; try again later");
        goto out;
    }
    in = (struct lrs_signup){lrs_str_c(v[0]), lrs_str_c(v[1]), lrs_str_c(v[2]),
                             lrs_str_c(v[3]), lrs_str_c(v[4]), lrs_str_c(v[5]),
                             lrs_str_c(v[6])};
    s = lrsd_store(r);
    if (!s)
        goto out;
    err = lrs_plr_signup(s, &actor, &in, LRS_AUTH_COST_INTERACTIVE, &u, &d);
    if (err) {
        reply_err(r, err, &d);
        goto out;
    }
    lrsd_reply_json(r, 201,
                    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)u.id,
                              "login", u.login, "uln", u.uln));
out:
    json_decref(body);
}
