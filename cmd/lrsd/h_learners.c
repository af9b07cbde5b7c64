/*
 * h_learners.c - the learner endpoints: read by ULN, learnerByULN, amend.
 *
 * Every learner read and write goes through lrs/service.h, which checks
 * the fields and writes the audit row in the same transaction: a request
 * that cannot be audited fails. Input is checked in full before the
 * service is called, so a rejected request changes nothing.
 *
 * Names travel in request bodies, never in URLs, so that they do not land
 * in the access logs of proxies: learnerByULN is a POST.
 *
 * JSON learner fields are named as the CSV columns of
 * lrs_learner_field_name() ("given_name", "date_of_birth", ...); docs/api.md
 * lists them.
 */
#include "lrsd.h"
#include "pages.h"

#include <lrs/links.h>

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Learners as JSON                                                   */
/* ------------------------------------------------------------------ */

const char *lrsd_learner_status_name(enum lrs_learner_status s)
{
    switch (s) {
    case LRS_LEARNER_ACTIVE:
        return "active";
    case LRS_LEARNER_LINKED:
        return "linked";
    case LRS_LEARNER_CLOSED:
        return "closed";
    }
    return "unknown";
}

void lrsd_jw_learner(struct lrsd_jw *w, const struct lrs_learner *l)
{
    char dob[11];

    lrs_date_format(l->date_of_birth, dob);
    lrsd_jw_kstr(w, "uln", l->uln);
    lrsd_jw_kstr(w, "given_name", l->given_name);
    lrsd_jw_kstr(w, "middle_names", l->middle_names);
    lrsd_jw_kstr(w, "family_name", l->family_name);
    lrsd_jw_kstr(w, "previous_family_name", l->previous_family_name);
    lrsd_jw_kstr(w, "preferred_given_name", l->preferred_given_name);
    lrsd_jw_kstr(w, "date_of_birth", dob);
    lrsd_jw_kint(w, "gender", (int)l->gender);
    lrsd_jw_kstr(w, "postcode", l->postcode);
    lrsd_jw_kstr(w, "address_line1", l->address_line1);
    lrsd_jw_kstr(w, "address_line2", l->address_line2);
    lrsd_jw_kstr(w, "address_town", l->address_town);
    lrsd_jw_kstr(w, "address_county", l->address_county);
    lrsd_jw_kint(w, "ability_to_share", (int)l->ability_to_share);
    lrsd_jw_kstr(w, "status", lrsd_learner_status_name(l->status));
    lrsd_jw_kint(w, "version", (int)l->version);
    if (l->master_uln[0])
        lrsd_jw_kstr(w, "master_uln", l->master_uln);
}

/*
 * Answer a service error: input errors are 400 with the diag's field
 * (WSEC0136 for a bad ULN), a stale version 409, a missing learner 404,
 * a busy store 503, anything else 500 (logged with the request id).
 */
static void reply_service_err(struct lrsd_req *r, enum lrs_err err,
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
                         d->msg[0] ? d->msg : "no such learner");
        return;
    case LRS_ECONFLICT:
        lrsd_reply_error(r, 409, "LRSD0409", field ? field : "version", "%s",
                         d->msg[0] ? d->msg : "a newer version exists");
        return;
    case LRS_EBUSY:
        lrsd_reply_error(r, 503, "LRSD0503", NULL,
                         "the store is busy; try again");
        lrsd_reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
        return;
    default:
        break;
    }
    lrsd_log(LRS_LOG_ERROR, "learner", r->id, "service error", "error=%s",
             lrs_strerror(err));
    lrsd_reply_error(r, 500, "LRSD0500", NULL, "internal error");
}

/* Reply with a learner; `asked` is the ULN asked for (linked: WSRC0022). */
static void reply_learner(struct lrsd_req *r, unsigned status,
                          const struct lrs_learner *l, bool linked,
                          const char *asked)
{
    struct lrsd_jw w = LRSD_JW_INIT;

    lrsd_jw_open(&w, '{');
    lrsd_jw_learner(&w, l);
    if (linked) {
        lrsd_jw_kstr(&w, "code", "WSRC0022");
        lrsd_jw_kstr(&w, "linked_uln", asked);
    }
    lrsd_jw_close(&w, '}');
    lrsd_reply_jw(r, status, &w);
}

/* ------------------------------------------------------------------ */
/* Handlers                                                           */
/* ------------------------------------------------------------------ */

/* GET /api/v1/learners/{uln}: an operator reads a learner by ULN alone. */
void lrsd_h_learner_get(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    const char *uln = lrsd_param(r, 0);
    struct lrs_store *s;
    struct lrs_learner l;
    bool linked = false;
    enum lrs_err err;

    if (!uln) {
        lrsd_reply_error(r, 500, "LRSD0500", NULL, "out of memory");
        return;
    }
    s = lrsd_store(r);
    if (!s)
        return;
    err = lrs_service_learner_get(s, &actor, lrs_str_c(uln), &l, &linked, &d);
    if (err) {
        reply_service_err(r, err, &d);
        return;
    }
    reply_learner(r, 200, &l, linked, uln);
}

/* GET /api/v1/me/learner: a learner account reads its own record. */
void lrsd_h_learner_me(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    struct lrs_store *s;
    struct lrs_learner l;
    bool linked = false;
    enum lrs_err err;

    s = lrsd_store(r);
    if (!s)
        return;
    err = lrs_service_learner_get(s, &actor, lrs_str_c(r->who.uln), &l, &linked,
                                  &d);
    if (err) {
        reply_service_err(r, err, &d);
        return;
    }
    reply_learner(r, 200, &l, linked, r->who.uln);
}

/* Whether two names are equal once normalised (O'Brien = OBRIEN). */
static bool same_name(const char *a, const char *b)
{
    char na[LRS_NAME_SIZE], nb[LRS_NAME_SIZE];
    size_t la, lb;

    if (lrs_name_normalise_to(lrs_str_c(a), NULL, na, &la, NULL) != LRS_OK ||
        lrs_name_normalise_to(lrs_str_c(b), NULL, nb, &lb, NULL) != LRS_OK)
        return false;
    return la == lb && memcmp(na, nb, la) == 0;
}

/*
 * POST /api/v1/learners/by-uln {uln, given_name, family_name}: the LRS's
 * learnerByULN. The learner is returned only when both names match the
 * record (or, after a deed poll, the family name matches the previous
 * family name); otherwise the answer is the same as for an unknown ULN,
 * so that the endpoint cannot be used to learn which ULNs exist.
 */
void lrsd_h_learner_by_uln(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    json_t *body = lrsd_json_body(r);
    const char *uln, *given, *family;
    struct lrs_store *s;
    struct lrs_learner l;
    bool linked = false;
    enum lrs_err err;

    if (!body)
        return;
    if (!lrsd_json_str(r, body, "uln", LRSD_JSON_REQUIRED, 10, &uln) ||
        !lrsd_json_str(r, body, "given_name", LRSD_JSON_REQUIRED,
                       LRS_LEARNER_NAME_MAX, &given) ||
        !lrsd_json_str(r, body, "family_name", LRSD_JSON_REQUIRED,
                       LRS_LEARNER_NAME_MAX, &family))
        goto out;
    if (lrs_uln_check(lrs_str_c(uln), &d) != LRS_OK) {
        lrsd_reply_error(r, 400, "WSEC0136", "uln", "%s", d.msg);
        goto out;
    }
    s = lrsd_store(r);
    if (!s)
        goto out;
    err = lrs_service_learner_get(s, &actor, lrs_str_c(uln), &l, &linked, &d);
    if (err && err != LRS_ENOTFOUND) {
        reply_service_err(r, err, &d);
        goto out;
    }
    if (err || !same_name(given, l.given_name) ||
        !(same_name(family, l.family_name) ||
          (l.previous_family_name[0] &&
           same_name(family, l.previous_family_name)))) {
        lrsd_reply_error(r, 404, "WSEC0208", NULL,
                         "learner could not be verified");
        goto out;
    }
    reply_learner(r, 200, &l, linked, uln);
out:
    json_decref(body);
}

/* Keys of an amendment body that are not learner fields. */
static bool is_meta(const char *key)
{
    return strcmp(key, "version") == 0 || strcmp(key, "reason") == 0;
}

/* Apply one JSON member to `l`; false when it has replied. */
static bool apply_field(struct lrsd_req *r, struct lrs_learner *l,
                        const char *key, json_t *v)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_learner_field f;
    char num[24];
    struct lrs_str value;

    if (lrs_learner_field_lookup(lrs_str_c(key), &f) != LRS_OK) {
        /* Named when short enough to be a field name at all. */
        lrsd_reply_error(r, 400, "WSEC0001", strlen(key) <= 64 ? key : NULL,
                         "unknown learner field '%.40s'", key);
        return false;
    }
    if (f == LRS_FIELD_ULN) {
        lrsd_reply_error(r, 400, "WSEC0001", "uln",
                         "a learner's ULN cannot be amended");
        return false;
    }
    if (json_is_string(v)) {
        value = (struct lrs_str){json_string_value(v), json_string_length(v)};
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        value = lrs_str_c(num);
    } else {
        lrsd_reply_error(r, 400, "WSEC0001", lrs_learner_field_name(f),
                         "%s must be a string", lrs_learner_field_name(f));
        return false;
    }
    if (lrs_learner_field_set(l, f, value, &d) != LRS_OK) {
        lrsd_reply_error(r, 400, "WSEC0001", d.field, "%s", d.msg);
        return false;
    }
    return true;
}

/*
 * PATCH /api/v1/learners/{uln} {version, reason?, fields...}: amend a
 * learner (updateSingleLearner). `version` must be the version read;
 * name changes need a `reason` (e.g. "deed poll"), kept in the history.
 * lrs_service_amend() re-keys the learner in the server's match index
 * (pages_index.c), so a search finds it by the new name and the old.
 */
void lrsd_h_learner_amend(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    json_t *body = lrsd_json_body(r), *version, *v;
    const char *uln = lrsd_param(r, 0), *reason, *key;
    struct lrs_match_index *idx;
    struct lrs_store *s;
    struct lrs_learner l;
    enum lrs_err err;
    int32_t before;

    if (!body)
        return;
    version = json_object_get(body, "version");
    if (!json_is_integer(version) || json_integer_value(version) < 1 ||
        json_integer_value(version) > INT32_MAX) {
        lrsd_reply_error(r, 400, "WSEC0001", "version",
                         "version must be the learner's version number, "
                         "a positive integer");
        goto out;
    }
    if (!lrsd_json_str(r, body, "reason", 0, 255, &reason))
        goto out;
    if (!uln || lrs_uln_check(lrs_str_c(uln), &d) != LRS_OK) {
        lrsd_reply_error(r, 400, "WSEC0136", "uln", "%s", d.msg);
        goto out;
    }
    /* Every field is checked before the learner is read, so that a bad
     * request reads (and audits) nothing. */
    lrs_learner_init(&l);
    json_object_foreach(body, key, v)
    {
        if (!is_meta(key) && !apply_field(r, &l, key, v))
            goto out;
    }
    s = lrsd_store(r);
    if (!s)
        goto out;
    /* The record to amend is read without an audit row of its own: the
     * caller sees it only as amended, which lrs_service_amend() audits
     * (UPDATE), and a refused amendment shows and records nothing. */
    err = lrs_store_learner_get(s, uln, LRS_STORE_GET_RESOLVE, &l);
    if (err == LRS_ENOTFOUND) {
        lrsd_reply_error(r, 404, "LRSD0404", "uln", "no learner has ULN %s",
                         uln);
        goto out;
    }
    if (err) {
        reply_service_err(r, err, &d);
        goto out;
    }
    if (strcmp(l.uln, uln) != 0) {
        lrsd_reply_error(r, 409, "LRSD0409", "uln",
                         "learner %s was merged into %s; amend that one", uln,
                         l.uln);
        goto out;
    }
    json_object_foreach(body, key, v)
    {
        if (!is_meta(key) && !apply_field(r, &l, key, v))
            goto out;
    }
    before = l.version;
    idx = page_index_use(s, &err, &d);
    if (!idx)
        lrsd_log(LRS_LOG_WARN, "learner", r->id, "match index not loaded",
                 "error=%s", lrs_strerror(err));
    err = lrs_service_amend(s, idx, &actor, &l,
                            (int32_t)json_integer_value(version), reason, &d);
    if (idx)
        page_index_done();
    if (err && l.version != before) {
        /* Amended and committed, but not re-keyed: load it afresh. */
        lrsd_log(LRS_LOG_WARN, "learner", r->id, "match index dropped",
                 "uln=%s error=%s", l.uln, lrs_strerror(err));
        page_index_drop();
        err = LRS_OK;
    }
    if (err) {
        reply_service_err(r, err, &d);
        goto out;
    }
    reply_learner(r, 200, &l, false, uln);
out:
    json_decref(body);
}

/* ------------------------------------------------------------------ */
/* Audit trail (operators)                                            */
/* ------------------------------------------------------------------ */

json_t *lrsd_audit_json(const struct lrs_audit *a)
{
    json_t *entry = json_pack("{s:I, s:I, s:s, s:I, s:I, s:s, s:s}", "id",
                              (json_int_t)a->id, "at_ms", (json_int_t)a->at_ms,
                              "action", lrs_audit_action_name(a->action),
                              "user_id", (json_int_t)a->actor.user_id, "org_id",
                              (json_int_t)a->actor.org_id, "source",
                              a->actor.source ? a->actor.source : "", "addr",
                              a->actor.addr ? a->actor.addr : "");

    if (entry && a->subject_user_id &&
        json_object_set_new(entry, "subject_user_id",
                            json_integer(a->subject_user_id)) != 0) {
        json_decref(entry);
        return NULL;
    }
    return entry;
}

static enum lrs_err audit_entry(const struct lrs_audit *a, void *ctx)
{
    json_t *entry = lrsd_audit_json(a);

    if (!entry || json_array_append_new(ctx, entry) != 0)
        return LRS_ENOMEM;
    return LRS_OK;
}

/*
 * GET /api/v1/learners/{uln}/audit: every audit row of the learner, oldest
 * first: when, what, who (user and organisation), through what (http,
 * batch, cli) and from which address. It holds no personal data beyond
 * the ULN, so reading it is not itself audited.
 */
void lrsd_h_learner_audit(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const char *uln = lrsd_param(r, 0);
    struct lrs_store *s;
    struct lrs_learner l;
    enum lrs_err err;
    json_t *rows;

    if (!uln) {
        lrsd_reply_error(r, 500, "LRSD0500", NULL, "out of memory");
        return;
    }
    if (lrs_uln_check(lrs_str_c(uln), &d) != LRS_OK) {
        lrsd_reply_error(r, 400, "WSEC0136", "uln", "%s", d.msg);
        return;
    }
    s = lrsd_store(r);
    if (!s)
        return;
    err = lrs_store_learner_get(s, uln, 0, &l);
    if (err == LRS_ENOTFOUND) {
        lrsd_reply_error(r, 404, "LRSD0404", "uln", "no such learner");
        return;
    }
    rows = json_array();
    if (!err)
        err =
            rows ? lrs_store_audit_scan(s, uln, audit_entry, rows) : LRS_ENOMEM;
    if (err) {
        json_decref(rows);
        reply_service_err(r, err, &d);
        return;
    }
    lrsd_reply_json(r, 200,
                    json_pack("{s:s, s:o}", "uln", uln, "entries", rows));
}

/* ------------------------------------------------------------------ */
/* Merge, unmerge and the link history (operators)                    */
/* ------------------------------------------------------------------ */

/* Path parameter 0 as a checked ULN; NULL after replying. */
static const char *path_uln(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const char *uln = lrsd_param(r, 0);

    if (!uln) {
        lrsd_reply_error(r, 500, "LRSD0500", NULL, "out of memory");
        return NULL;
    }
    if (lrs_uln_check(lrs_str_c(uln), &d) != LRS_OK) {
        lrsd_reply_error(r, 400, "WSEC0136", "uln", "%s", d.msg);
        return NULL;
    }
    return uln;
}

/*
 * POST /api/v1/learners/{uln}/merge {"into": ULN, "reason": text}: link
 * learner {uln} to its master `into` through lrs_service_merge() (the
 * link history row, MERGE audited for both, the shared index told), as
 * the merge page does. 200 {"uln", "master_uln"}.
 */
void lrsd_h_learner_merge(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    const char *uln = path_uln(r);
    const char *into, *reason;
    struct lrs_store *s;
    enum lrs_err err;
    json_t *body;

    if (!uln)
        return;
    body = lrsd_json_body(r);
    if (!body)
        return;
    if (!lrsd_json_str(r, body, "into", LRSD_JSON_REQUIRED, 10, &into) ||
        !lrsd_json_str(r, body, "reason", LRSD_JSON_REQUIRED,
                       LRS_LINK_REASON_MAX, &reason))
        goto out;
    if (lrs_uln_check(lrs_str_c(into), &d) != LRS_OK) {
        lrsd_reply_error(r, 400, "WSEC0136", "into", "%s", d.msg);
        goto out;
    }
    s = lrsd_store(r);
    if (!s)
        goto out;
    err = page_index_merge(s, &actor, uln, into, reason, &d);
    if (err) {
        reply_service_err(r, err, &d);
        goto out;
    }
    lrsd_reply_json(r, 200,
                    json_pack("{s:s, s:s}", "uln", uln, "master_uln", into));
out:
    json_decref(body);
}

/*
 * POST /api/v1/learners/{uln}/unmerge {"reason": text}: undo the merge
 * of {uln} through lrs_service_unmerge(). 200 {"uln", "master_uln"} (the
 * master it had).
 */
void lrsd_h_learner_unmerge(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    const char *uln = path_uln(r);
    char master[LRS_ULN_SIZE] = "";
    struct lrs_store *s;
    const char *reason;
    enum lrs_err err;
    json_t *body;

    if (!uln)
        return;
    body = lrsd_json_body(r);
    if (!body)
        return;
    if (!lrsd_json_str(r, body, "reason", LRSD_JSON_REQUIRED,
                       LRS_LINK_REASON_MAX, &reason))
        goto out;
    s = lrsd_store(r);
    if (!s)
        goto out;
    err = page_index_unmerge(s, &actor, uln, reason, master, &d);
    if (err) {
        reply_service_err(r, err, &d);
        goto out;
    }
    lrsd_reply_json(r, 200,
                    json_pack("{s:s, s:s}", "uln", uln, "master_uln", master));
out:
    json_decref(body);
}

static enum lrs_err link_entry(const struct lrs_link *l, void *ctx)
{
    json_t *entry = json_pack(
        "{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:i, s:s}", "id",
        (json_int_t)l->id, "action", lrs_link_action_name(l->action), "uln",
        l->uln, "other_uln", l->other_uln, "at_ms", (json_int_t)l->at_ms,
        "user_id", (json_int_t)l->user_id, "org_id", (json_int_t)l->org_id,
        "version", (int)l->version, "reason", l->reason);

    if (!entry || json_array_append_new(ctx, entry) != 0)
        return LRS_ENOMEM;
    return LRS_OK;
}

/*
 * GET /api/v1/learners/{uln}/links: the link history rows naming {uln}
 * (merges, unmerges, not-same and confirm-new decisions), oldest first.
 */
void lrsd_h_learner_links(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const char *uln = path_uln(r);
    struct lrs_store *s;
    struct lrs_learner l;
    enum lrs_err err;
    json_t *rows;

    if (!uln)
        return;
    s = lrsd_store(r);
    if (!s)
        return;
    err = lrs_store_learner_get(s, uln, 0, &l);
    if (err == LRS_ENOTFOUND) {
        lrsd_reply_error(r, 404, "LRSD0404", "uln", "no such learner");
        return;
    }
    rows = json_array();
    if (!err)
        err = rows ? lrs_store_link_scan(s, uln, link_entry, rows) : LRS_ENOMEM;
    if (err) {
        json_decref(rows);
        reply_service_err(r, err, &d);
        return;
    }
    lrsd_reply_json(r, 200, json_pack("{s:s, s:o}", "uln", uln, "links", rows));
}
