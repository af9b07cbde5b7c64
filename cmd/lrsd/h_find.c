/*
 * h_find.c - finding and registering learners: learnerByDemographics
 * (POST /api/v1/learners/search) and registerSingleLearner (POST
 * /api/v1/learners), search first.
 *
 * Both search the server's one match index (pages_index.c, shared with
 * the web pages and locked by itself, docs/matching.md), so a learner
 * registered here is found by the next search on either face at once.
 *
 * Scope (ARCHITECTURE.md, Security): a learner's full details only for
 * an exact match (WSRC0004/0022); a possible match shows what a person
 * needs to choose (ULN, names, date of birth, postcode district, score,
 * and how each field compared, in words). Every learner returned is read
 * through lrs_service_learner_get(), which writes its audit row. Searches
 * are rate limited per user (--search-rate): 429 with Retry-After.
 *
 * Registering is lrs_service_register() (lib/service/register.c): its
 * search, write and index insert are one step, the learner's identity
 * key refuses the same person registered meanwhile by another process,
 * and a confirmed new learner records each candidate shown as not the
 * same, with the caller's reason.
 */
#include "lrsd.h"
#include "pages.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The body fields that make a search, with whether each is mandatory. */
static const struct {
    const char *key;
    enum lrs_learner_field f;
    bool required;
} search_fields[] = {
    {"given_name", LRS_FIELD_GIVEN_NAME, true},
    {"family_name", LRS_FIELD_FAMILY_NAME, true},
    {"date_of_birth", LRS_FIELD_DATE_OF_BIRTH, true},
    {"gender", LRS_FIELD_GENDER, true},
    {"postcode", LRS_FIELD_POSTCODE, true},
    {"middle_names", LRS_FIELD_MIDDLE_NAMES, false},
    {"previous_family_name", LRS_FIELD_PREVIOUS_FAMILY_NAME, false},
};

/* Set field `f` of `l` from JSON `v` (string or integer); false after
 * replying 400 WSEC0001 naming the field. */
static bool set_field(struct lrsd_req *r, struct lrs_learner *l,
                      enum lrs_learner_field f, json_t *v)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const char *name = lrs_learner_field_name(f);
    struct lrs_str value;
    char num[24];

    if (json_is_string(v)) {
        value = (struct lrs_str){json_string_value(v), json_string_length(v)};
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        value = lrs_str_c(num);
    } else {
        lrsd_reply_error(r, 400, "WSEC0001", name, "%s must be a string", name);
        return false;
    }
    if (lrs_learner_field_set(l, f, value, &d) != LRS_OK) {
        lrsd_reply_error(r, 400, "WSEC0001", d.field ? d.field : name, "%s",
                         d.msg);
        return false;
    }
    return true;
}

/* Read the search fields of `body` into `l`; false after replying. Each
 * missing mandatory field is WSEC0001 naming it. */
static bool read_search(struct lrsd_req *r, json_t *body, struct lrs_learner *l)
{
    lrs_learner_init(l);
    for (size_t i = 0; i < LRSD_LEN(search_fields); i++) {
        json_t *v = json_object_get(body, search_fields[i].key);
        const bool blank = !v || json_is_null(v) ||
                           (json_is_string(v) && json_string_length(v) == 0);

        if (blank) {
            if (!search_fields[i].required)
                continue;
            lrsd_reply_error(r, 400, "WSEC0001", search_fields[i].key,
                             "%s is required", search_fields[i].key);
            return false;
        }
        if (!set_field(r, l, search_fields[i].f, v))
            return false;
    }
    return true;
}

/* Take one search from the caller's allowance; false after a 429. */
static bool rate_ok(struct lrsd_req *r)
{
    int64_t retry_ms = 0;
    char secs[24];

    if (lrs_ratelimit_take(lrsd_app.search_limit, (uint64_t)r->who.user_id,
                           now_ms(), &retry_ms) == LRS_OK)
        return true;
    snprintf(secs, sizeof secs, "%lld", (long long)(retry_ms + 999) / 1000);
    lrsd_reply_error(r, 429, "LRSD0429", NULL,
                     "too many searches; try again in %s seconds", secs);
    lrsd_reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, secs);
    return false;
}

/* Run the find for `l` against the shared index. */
static enum lrs_err find(struct lrs_store *s, const struct lrs_learner *l,
                         struct lrs_match_result *res, struct lrs_diag *d)
{
    struct lrs_match_query q;

    memset(&q, 0, sizeof q);
    q.given = lrs_str_c(l->given_name);
    q.middle = lrs_str_c(l->middle_names);
    q.family = lrs_str_c(l->family_name);
    q.previous_family = lrs_str_c(l->previous_family_name);
    q.dob = l->date_of_birth;
    q.gender = l->gender;
    if (lrs_postcode_parse(lrs_str_c(l->postcode), &q.postcode, d) != LRS_OK)
        return LRS_EINVAL;
    return page_index_find(s, &q, res, d);
}

/* ------------------------------------------------------------------ */
/* Answers                                                            */
/* ------------------------------------------------------------------ */

/* How field `f` compared at `level`, in plain words. */
static const char *level_words(enum lrs_match_field f, unsigned level)
{
    static const char *const names[] = {"the same",
                                        "the same apart from extra names",
                                        "a former name",
                                        "a known variant",
                                        "spelt very similarly",
                                        "spelt similarly",
                                        "one letter different",
                                        "sounds the same",
                                        "only the initial agrees",
                                        "different",
                                        "not given",
                                        "none on either side",
                                        "given on one side only"};
    static const char *const dob[] = {"the same", "day and month swapped",
                                      "one part different", "different",
                                      "not given"};
    static const char *const gender[] = {"the same", "different", "not known"};
    static const char *const pc[] = {"the same",          "the same sector",
                                     "the same district", "the same area",
                                     "different",         "not known"};

    switch (f) {
    case LRS_MATCH_GIVEN:
    case LRS_MATCH_MIDDLE:
    case LRS_MATCH_FAMILY:
        return level < LRSD_LEN(names) ? names[level] : "?";
    case LRS_MATCH_DOB:
        return level < LRSD_LEN(dob) ? dob[level] : "?";
    case LRS_MATCH_GENDER:
        return level < LRSD_LEN(gender) ? gender[level] : "?";
    case LRS_MATCH_POSTCODE:
        return level < LRSD_LEN(pc) ? pc[level] : "?";
    case LRS_MATCH_FIELD__COUNT:
        break;
    }
    return "?";
}

static const char *const field_words[] = {"given name",  "middle names",
                                          "family name", "date of birth",
                                          "gender",      "postcode"};

/* The member "explanation" of candidate `c`: one sentence, and how each
 * field compared. */
static void jw_explain(struct lrsd_jw *w, const struct lrs_match_candidate *c)
{
    char text[512];
    size_t n = 0;

    text[0] = '\0';
    for (unsigned f = 0; f < LRS_MATCH_FIELD__COUNT; f++) {
        const char *words = level_words((enum lrs_match_field)f, c->level[f]);
        const int k = snprintf(text + n, sizeof text - n, "%s%s %s",
                               n ? "; " : "", field_words[f], words);

        if (k > 0 && (size_t)k < sizeof text - n)
            n += (size_t)k;
    }
    text[n] = '\0';
    lrsd_jw_key(w, "explanation");
    lrsd_jw_open(w, '{');
    lrsd_jw_kstr(w, "text", text);
    lrsd_jw_key(w, "fields");
    lrsd_jw_open(w, '[');
    for (unsigned f = 0; f < LRS_MATCH_FIELD__COUNT; f++) {
        const enum lrs_match_field mf = (enum lrs_match_field)f;

        lrsd_jw_open(w, '{');
        lrsd_jw_kstr(w, "field", lrs_match_field_name(mf));
        lrsd_jw_kstr(w, "level", lrs_match_level_name(mf, c->level[f]));
        lrsd_jw_kstr(w, "words", level_words(mf, c->level[f]));
        lrsd_jw_kreal(w, "weight", c->weight[f]);
        lrsd_jw_close(w, '}');
    }
    lrsd_jw_close(w, ']');
    lrsd_jw_close(w, '}');
}

/* A learner in full (exact matches and registrations only). */
static void jw_learner(struct lrsd_jw *w, const struct lrs_learner *l)
{
    lrsd_jw_open(w, '{');
    lrsd_jw_learner(w, l);
    lrsd_jw_close(w, '}');
}

/* What a person needs to choose among possible matches, and whether the
 * record is live (its status, as every learner answered has); no more. */
static void jw_candidate(struct lrsd_jw *w, const struct lrs_learner *l,
                         const struct lrs_match_candidate *c)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_postcode pc;
    char dob[11], district[16] = "";

    lrs_date_format(l->date_of_birth, dob);
    if (l->postcode[0] &&
        lrs_postcode_parse(lrs_str_c(l->postcode), &pc, &d) == LRS_OK) {
        const struct lrs_str dist = lrs_postcode_district(&pc);

        snprintf(district, sizeof district, "%.*s", (int)dist.len, dist.ptr);
    }
    lrsd_jw_open(w, '{');
    lrsd_jw_kstr(w, "uln", l->uln);
    lrsd_jw_kstr(w, "given_name", l->given_name);
    lrsd_jw_kstr(w, "family_name", l->family_name);
    lrsd_jw_kstr(w, "date_of_birth", dob);
    lrsd_jw_kstr(w, "postcode_district", district);
    lrsd_jw_kstr(w, "status", lrsd_learner_status_name(l->status));
    lrsd_jw_kreal(w, "score", c->score);
    jw_explain(w, c);
    lrsd_jw_close(w, '}');
}

static void reply_err(struct lrsd_req *r, enum lrs_err err,
                      const struct lrs_diag *d)
{
    if (err == LRS_EINVAL || err == LRS_ELIMIT) {
        lrsd_reply_error(r, 400, "WSEC0001", d->field, "%s", d->msg);
        return;
    }
    if (err == LRS_EBUSY) {
        lrsd_reply_error(r, 503, "LRSD0503", NULL,
                         "the store is busy; try again");
        lrsd_reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
        return;
    }
    lrsd_log(LRS_LOG_ERROR, "find", r->id, "service error", "error=%s",
             lrs_strerror(err));
    lrsd_reply_error(r, 500, "LRSD0500", NULL, "internal error");
}

/*
 * Reply with the outcome of a find: code, message, and the learner of an
 * exact match in full, or the candidates. Each learner shown is read, and
 * so audited, through the service; one closed since the index saw it is
 * left out.
 */
static void reply_found(struct lrsd_req *r, struct lrs_store *s,
                        const struct lrs_match_result *res, unsigned status,
                        const char *code)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    const bool exact =
        res->code == LRS_MATCH_EXACT || res->code == LRS_MATCH_LINKED;
    struct lrsd_jw w = LRSD_JW_INIT;
    size_t shown = 0;

    lrsd_jw_open(&w, '{');
    lrsd_jw_kstr(&w, "code", code ? code : lrs_match_code_name(res->code));
    lrsd_jw_kstr(&w, "message",
                 code ? "the learner was not registered: the register "
                        "holds a learner who may be the same person"
                      : lrs_batch_code_text(lrs_match_code_name(res->code)));
    lrsd_jw_key(&w, exact ? "learner" : "candidates");
    if (!exact)
        lrsd_jw_open(&w, '[');
    for (size_t i = 0; i < res->candidate_count && !(exact && shown); i++) {
        const struct lrs_match_candidate *c = &res->candidates[i];
        struct lrs_learner l;
        char uln[24];
        enum lrs_err err;

        snprintf(uln, sizeof uln, "%010llu", (unsigned long long)c->uln);
        err = lrs_service_learner_get(s, &actor, lrs_str_c(uln), &l, NULL, &d);
        if (err == LRS_ENOTFOUND)
            continue; /* closed since the index saw it */
        if (err) {
            lrsd_jw_release(&w);
            reply_err(r, err, &d);
            return;
        }
        if (exact) {
            lrsd_jw_open(&w, '{');
            lrsd_jw_learner(&w, &l);
            jw_explain(&w, c);
            lrsd_jw_close(&w, '}');
        } else {
            jw_candidate(&w, &l, c);
        }
        shown++;
    }
    if (exact && !shown) {
        /* The one exact match was closed meanwhile. */
        lrsd_jw_release(&w);
        reply_err(r, LRS_ENOTFOUND, &d);
        return;
    }
    if (!exact)
        lrsd_jw_close(&w, ']');
    lrsd_jw_close(&w, '}');
    lrsd_reply_jw(r, status, &w);
}

/* Refused because learner `uln` has the same details, though the search
 * did not show it (registered meanwhile by another process): 409
 * WSRC0021 with that learner, as for an exact match. */
static void reply_same(struct lrsd_req *r, struct lrs_store *s, const char *uln)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    struct lrsd_jw w = LRSD_JW_INIT;
    struct lrs_learner l;
    enum lrs_err err;

    err = lrs_service_learner_get(s, &actor, lrs_str_c(uln), &l, NULL, &d);
    if (err) {
        reply_err(r, err, &d);
        return;
    }
    lrsd_jw_open(&w, '{');
    lrsd_jw_kstr(&w, "code", "WSRC0021");
    lrsd_jw_kstr(&w, "message",
                 "the learner was not registered: the "
                 "register holds a learner with the same "
                 "details");
    lrsd_jw_key(&w, "learner");
    jw_learner(&w, &l);
    lrsd_jw_close(&w, '}');
    lrsd_reply_jw(r, 409, &w);
}

/* ------------------------------------------------------------------ */
/* Handlers                                                           */
/* ------------------------------------------------------------------ */

/* POST /api/v1/learners/search: learnerByDemographics. */
void lrsd_h_learner_search(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    json_t *body = lrsd_json_body(r);
    struct lrs_match_result res;
    struct lrs_learner l;
    struct lrs_store *s;
    enum lrs_err err;

    lrs_match_result_init(&res);
    if (!body)
        return;
    if (!read_search(r, body, &l) || !rate_ok(r))
        goto out;
    s = lrsd_store(r);
    if (!s)
        goto out;
    err = find(s, &l, &res, &d);
    if (err) {
        reply_err(r, err, &d);
        goto out;
    }
    lrsd_metrics_match((unsigned)res.code);
    reply_found(r, s, &res, 200, NULL);
out:
    lrs_match_result_release(&res);
    json_decref(body);
}

/* Fields of a registration besides the search's. */
static const enum lrs_learner_field extra_fields[] = {
    LRS_FIELD_PREFERRED_GIVEN_NAME, LRS_FIELD_ADDRESS_LINE1,
    LRS_FIELD_ADDRESS_LINE2,        LRS_FIELD_ADDRESS_TOWN,
    LRS_FIELD_ADDRESS_COUNTY,       LRS_FIELD_ABILITY_TO_SHARE,
};

/*
 * The member of `body` for field `f`: its name (address_line3), or the
 * name a learner is answered with (address_town, address_county), so
 * that a client may send back what it read.
 */
static json_t *extra_value(json_t *body, enum lrs_learner_field f)
{
    json_t *v = json_object_get(body, lrs_learner_field_name(f));

    if (!v && f == LRS_FIELD_ADDRESS_TOWN)
        v = json_object_get(body, "address_town");
    if (!v && f == LRS_FIELD_ADDRESS_COUNTY)
        v = json_object_get(body, "address_county");
    return v;
}

/*
 * POST /api/v1/learners: register, search first. No match: registered,
 * 201 WSRC0005 with the learner. An exact match: 409 WSRC0021 with that
 * learner. Possible matches: 409 WSRC0021 with the candidates, unless
 * the body says {"confirm_new": true, "reason": "..."}; a learner with
 * the same five details refuses even then.
 */
void lrsd_h_learner_register(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = lrsd_actor(r);
    json_t *body = lrsd_json_body(r), *confirm;
    struct lrs_register_outcome reg;
    struct lrs_match_index *idx;
    struct lrs_match_result res;
    struct lrs_learner l;
    const char *reason = NULL;
    struct lrsd_jw w = LRSD_JW_INIT;
    struct lrs_store *s;
    enum lrs_err err;

    lrs_match_result_init(&res);
    if (!body)
        return;
    if (!read_search(r, body, &l))
        goto out;
    for (size_t i = 0; i < LRSD_LEN(extra_fields); i++) {
        json_t *v = extra_value(body, extra_fields[i]);

        if (v && !json_is_null(v) && !set_field(r, &l, extra_fields[i], v))
            goto out;
    }
    confirm = json_object_get(body, "confirm_new");
    if (confirm && !json_is_boolean(confirm)) {
        lrsd_reply_error(r, 400, "WSEC0001", "confirm_new",
                         "confirm_new must be true or false");
        goto out;
    }
    if (!lrsd_json_str(r, body, "reason", 0, 255, &reason))
        goto out;
    if (json_is_true(confirm) && !reason) {
        lrsd_reply_error(r, 400, "WSEC0001", "reason",
                         "a reason is required to register a learner who "
                         "may already be registered");
        goto out;
    }
    err = lrs_service_learner_check(&l, &d);
    if (err || !rate_ok(r))
        goto check;
    s = lrsd_store(r);
    if (!s)
        goto out;
    /* What other processes registered meanwhile is in the index before
     * the search that decides whether this one is new. */
    idx = page_index_use_fresh(s, &err, &d);
    if (!idx)
        goto check;
    err = lrs_service_register(s, idx, &actor, &l,
                               json_is_true(confirm) ? LRS_REGISTER_CONFIRM_NEW
                                                     : 0,
                               reason, &res, &reg, &d);
    page_index_done();
    if (err && reg.code == LRS_REGISTER_NEW) {
        /* Registered and committed, but not indexed: load it afresh. */
        lrsd_log(LRS_LOG_WARN, "find", r->id, "match index dropped",
                 "uln=%s error=%s", l.uln, lrs_strerror(err));
        page_index_drop();
        err = LRS_OK;
    }
    if (err)
        goto check;
    lrsd_metrics_match((unsigned)res.code);
    if (reg.code != LRS_REGISTER_NEW) {
        lrsd_metrics_match(21);
        if (res.candidate_count == 0 && reg.identical)
            reply_same(r, s, reg.same_uln);
        else
            reply_found(r, s, &res, 409, "WSRC0021");
        goto out;
    }
    lrsd_metrics_match(5);
    lrsd_jw_open(&w, '{');
    lrsd_jw_kstr(&w, "code", "WSRC0005");
    lrsd_jw_kstr(&w, "message", "registered: a new ULN was issued");
    lrsd_jw_key(&w, "learner");
    jw_learner(&w, &l);
    lrsd_jw_close(&w, '}');
    lrsd_reply_jw(r, 201, &w);
    goto out;
check:
    if (err)
        reply_err(r, err, &d);
out:
    lrs_match_result_release(&res);
    json_decref(body);
}
