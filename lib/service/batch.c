/*
 * batch.c - the S2S batch service: a school's CTF in, ULNs and exceptions
 * out (lrs/batch.h, docs/batch.md).
 *
 * A job is run in three steps. First the whole file is read once to check
 * it is a well-formed CTF and count its pupils (a malformed file fails the
 * job and changes nothing else). Then the pupils are decided in order, in
 * chunks: each chunk's registrations, rows, exceptions and the job's new
 * checkpoint are committed in one transaction, so after a crash the job
 * resumes after the last committed pupil, and a pupil is decided exactly
 * once. On SQLite the ULN counter rolls back with a lost chunk, so the
 * re-run issues the very same ULNs; on PostgreSQL the sequence never gives
 * a value back, so a lost chunk's ULNs are skipped (never issued twice).
 * Last the outputs (returned CTF, CSV and HTML reports) are made from the
 * input, the rows and the exceptions, stored and the job marked done.
 *
 * The decision per pupil, with its sources, is in docs/batch.md: the UPN,
 * a ULN the school sent (checked as learnerByULN plus the date of birth),
 * the ULN-request checks of lib/ctf, then the match engine's find, and a
 * registration when nobody matches.
 */
#include "base/base.h"

#include "service/service_int.h"

#include <lrs/batch.h>
#include <lrs/ctf.h>
#include <lrs/match.h>

#include <sodium.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Codes                                                              */
/* ------------------------------------------------------------------ */

static const struct {
    const char *code;
    enum lrs_batch_category cat;
    const char *text;
} codes[] = {
    {"WSRC0005", LRS_BATCH_NEW, "registered: a new ULN was issued"},
    {"WSRC0004", LRS_BATCH_EXISTING, "exact match: the learner's ULN"},
    {"WSRC0022", LRS_BATCH_EXISTING,
     "linked learner: the ULN of the record it was merged into"},
    {"WSVRC001", LRS_BATCH_EXISTING, "the ULN sent was verified"},
    {"WSVRC002", LRS_BATCH_EXISTING,
     "the ULN sent was verified; it was merged, the master ULN returned"},
    {"WSRC0003", LRS_BATCH_POSSIBLE,
     "possible matches: a person must choose the learner or register a "
     "new one"},
    {"WSRC0002", LRS_BATCH_POSSIBLE,
     "too many matches: a person must choose the learner or register a "
     "new one"},
    {"WSEC0136", LRS_BATCH_NOT_FOUND, "the ULN sent is not a valid ULN"},
    {"WSVRC006", LRS_BATCH_NOT_FOUND, "the ULN sent does not exist"},
    {"WSVRC005", LRS_BATCH_NOT_FOUND,
     "the ULN sent belongs to a learner whose names or date of birth "
     "differ"},
    {"RC006", LRS_BATCH_REJECTED, "insufficient data to create a ULN"},
    {"RC010", LRS_BATCH_REJECTED, "null values: the postcode is missing"},
    {"RC011", LRS_BATCH_REJECTED, "incorrect format"},
    {"RC013", LRS_BATCH_REJECTED, "the learner is outside the ages 13 to 110"},
};

const char *lrs_batch_category_name(enum lrs_batch_category c)
{
    static const char *const names[LRS_BATCH__COUNT] = {
        "new", "existing", "possible match", "not found", "rejected"};

    return (unsigned)c < LRS_BATCH__COUNT ? names[c] : "unknown";
}

enum lrs_batch_category lrs_batch_code_category(const char *code)
{
    for (size_t i = 0; i < LRS_ARRAY_LEN(codes); i++)
        if (strcmp(code, codes[i].code) == 0)
            return codes[i].cat;
    return LRS_BATCH_REJECTED;
}

const char *lrs_batch_code_text(const char *code)
{
    for (size_t i = 0; i < LRS_ARRAY_LEN(codes); i++)
        if (strcmp(code, codes[i].code) == 0)
            return codes[i].text;
    return "unknown outcome";
}

const char *lrs_batch_code_at(size_t i)
{
    return i < LRS_ARRAY_LEN(codes) ? codes[i].code : NULL;
}

bool lrs_batch_code_is_exception(const char *code)
{
    for (size_t i = 0; i < LRS_ARRAY_LEN(codes); i++)
        if (strcmp(code, codes[i].code) == 0)
            return codes[i].cat != LRS_BATCH_NEW &&
                   codes[i].cat != LRS_BATCH_EXISTING;
    return false;
}

/* ------------------------------------------------------------------ */
/* Submitting                                                         */
/* ------------------------------------------------------------------ */

static void sha256_hex(const void *data, size_t len,
                       char out[LRS_JOB_SHA256_SIZE])
{
    unsigned char h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, LRS_JOB_SHA256_SIZE, h, sizeof h);
}

enum lrs_err lrs_service_batch_submit(struct lrs_store *s,
                                      const struct lrs_actor *actor,
                                      const char *file_name, const void *data,
                                      size_t len, struct lrs_job *job,
                                      bool *existing, struct lrs_diag *diag)
{
    struct lrs_job j;
    enum lrs_err err;

    memset(&j, 0, sizeof j);
    j.org_id = actor ? actor->org_id : 0;
    j.user_id = actor ? actor->user_id : 0;
    snprintf(j.addr, sizeof j.addr, "%s",
             actor && actor->addr ? actor->addr : "");
    snprintf(j.file_name, sizeof j.file_name, "%s", file_name ? file_name : "");
    sha256_hex(data, len, j.sha256);
    *existing = false;
    err = lrs_store_job_find(s, j.org_id, j.sha256, job);
    if (err == LRS_OK) {
        *existing = true;
        return LRS_OK;
    }
    if (err != LRS_ENOTFOUND)
        return lrs__service_store_err(s, err, diag);
    err = lrs_store_job_insert(s, &j, data, len);
    if (err == LRS_ECONFLICT) {
        /* Sent twice at once: the other upload won. */
        *existing = true;
        err = lrs_store_job_find(s, j.org_id, j.sha256, &j);
    }
    if (err)
        return lrs__service_store_err(s, err, diag);
    *job = j;
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Pupils as learners and queries                                     */
/* ------------------------------------------------------------------ */

static enum lrs_gender gender_of(const char *sex)
{
    if (sex[0] && !sex[1] && (sex[0] == 'M' || sex[0] == 'm'))
        return LRS_GENDER_MALE;
    if (sex[0] && !sex[1] && (sex[0] == 'F' || sex[0] == 'f'))
        return LRS_GENDER_FEMALE;
    return LRS_GENDER_NOT_KNOWN;
}

/* Copy at most `max` characters of `v` (cut at a character boundary). */
static void copy_chars(char *dst, size_t size, const char *v, size_t max)
{
    size_t n = 0, chars = 0;

    while (v[n] && n + 4 < size) {
        if (((unsigned char)v[n] & 0xc0) != 0x80) {
            if (chars == max)
                break;
            chars++;
        }
        n++;
    }
    while (n > 0 && ((unsigned char)v[n] & 0xc0) == 0x80)
        n--;
    memcpy(dst, v, n);
    dst[n] = '\0';
}

#define SET(dst, v, max) copy_chars((dst), sizeof(dst), (v), (max))

/*
 * The learner a pupil would be registered as. Addresses: BS7666 as line 1
 * "SAON, PAON Street", line 2 the locality, town the town (or post
 * town), county the administrative area (or County); lines as they come.
 */
static void learner_of(const struct lrs_ctf_pupil *p, struct lrs_learner *l)
{
    const struct lrs_ctf_address *a = &p->address;
    struct lrs_postcode pc;
    char line[256];

    lrs_learner_init(l);
    SET(l->given_name, p->forename, LRS_LEARNER_NAME_MAX);
    SET(l->middle_names, p->middle_names, LRS_LEARNER_NAME_MAX);
    SET(l->family_name, p->surname, LRS_LEARNER_NAME_MAX);
    SET(l->previous_family_name, p->former_surname, LRS_LEARNER_NAME_MAX);
    SET(l->preferred_given_name, p->preferred_forename, LRS_LEARNER_NAME_MAX);
    if (lrs_date_parse(lrs_str_c(p->dob), 0, "DOB", &l->date_of_birth, NULL) !=
        LRS_OK)
        l->date_of_birth = (struct lrs_date){0, 0, 0};
    l->gender = gender_of(p->sex);
    if (lrs_postcode_parse(lrs_str_c(a->postcode), &pc, NULL) == LRS_OK)
        snprintf(l->postcode, sizeof l->postcode, "%s", pc.text);
    if (a->lines[0][0]) {
        SET(l->address_line1, a->lines[0], LRS_LEARNER_ADDRESS_MAX);
        SET(l->address_line2, a->lines[1], LRS_LEARNER_ADDRESS_MAX);
        SET(l->address_town, a->lines[2], LRS_LEARNER_ADDRESS_MAX);
        SET(l->address_county, a->lines[3][0] ? a->lines[3] : a->county,
            LRS_LEARNER_ADDRESS_MAX);
        return;
    }
    snprintf(line, sizeof line, "%s%s%s%s%s", a->saon, a->saon[0] ? ", " : "",
             a->paon, a->paon[0] && a->street[0] ? " " : "", a->street);
    SET(l->address_line1, line, LRS_LEARNER_ADDRESS_MAX);
    SET(l->address_line2, a->locality, LRS_LEARNER_ADDRESS_MAX);
    SET(l->address_town, a->town[0] ? a->town : a->post_town,
        LRS_LEARNER_ADDRESS_MAX);
    SET(l->address_county,
        a->administrative_area[0] ? a->administrative_area : a->county,
        LRS_LEARNER_ADDRESS_MAX);
}

/* The search for a pupil: whatever of it parses. */
static void query_of(const struct lrs_ctf_pupil *p, struct lrs_match_query *q)
{
    memset(q, 0, sizeof *q);
    q->given = lrs_str_c(p->forename);
    q->middle = lrs_str_c(p->middle_names);
    q->middle_known = true; /* the MIS's record: no MiddleNames is none */
    q->family = lrs_str_c(p->surname);
    q->previous_family = lrs_str_c(p->former_surname);
    if (lrs_date_parse(lrs_str_c(p->dob), 0, "DOB", &q->dob, NULL) != LRS_OK)
        q->dob.year = 0;
    q->gender = gender_of(p->sex);
    if (lrs_postcode_parse(lrs_str_c(p->address.postcode), &q->postcode,
                           NULL) != LRS_OK)
        memset(&q->postcode, 0, sizeof q->postcode);
}

static void uln_text(uint64_t v, char out[LRS_ULN_SIZE])
{
    snprintf(out, LRS_ULN_SIZE, "%010llu", (unsigned long long)v);
}

/* ------------------------------------------------------------------ */
/* Deciding one pupil                                                 */
/* ------------------------------------------------------------------ */

/* The state of a run. */
struct run {
    struct lrs_store *s;
    struct lrs_match_index *idx;
    struct lrs_actor actor; /* source "batch" */
    struct lrs_job job;
    struct lrs_date on;
    struct lrs_match_result res;
    struct lrs_ctf_findings findings;
    struct lrs_buf json;
    struct lrs_diag *diag;
};

/* One pupil's outcome before it is stored. */
struct outcome {
    char code[LRS_BATCH_CODE_SIZE];
    char uln[LRS_ULN_SIZE];
    char reason[256];
    bool exception;
    bool explained; /* r->json holds the match explanation */
};

static void set_code(struct outcome *o, const char *code)
{
    snprintf(o->code, sizeof o->code, "%s", code);
}

static void reasonf(struct outcome *o, const char *fmt, ...) LRS_PRINTF(2, 3);
static void reasonf(struct outcome *o, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(o->reason, sizeof o->reason, fmt, ap);
    va_end(ap);
}

/* Keep the explanation of r->res for the exception. */
static enum lrs_err explain(struct run *r, struct outcome *o)
{
    lrs_buf_reset(&r->json);
    o->explained = true;
    return lrs_match_explain_json(&r->res, &r->json);
}

/* A ULN the school sent: valid, known, names and date of birth agree. */
static enum lrs_err check_sent_uln(struct run *r, const struct lrs_ctf_pupil *p,
                                   struct outcome *o)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_learner l;
    struct lrs_date dob;
    uint64_t uln;
    enum lrs_err err;

    o->exception = true;
    if (lrs_uln_check(lrs_str_c(p->uln), &d) != LRS_OK ||
        lrs_parse_u64(lrs_str_c(p->uln), 1, 9999999999u, &uln) != LRS_OK) {
        set_code(o, "WSEC0136");
        reasonf(o, "the ULN sent is invalid: %s", d.msg);
        return LRS_OK;
    }
    err = lrs_match_index_find_uln(r->idx, uln, lrs_str_c(p->forename),
                                   lrs_str_c(p->surname), &r->res, &d);
    if (err)
        return err;
    err = explain(r, o);
    if (err)
        return err;
    if (r->res.code == LRS_MATCH_NONE) {
        set_code(o, r->res.candidate_count ? "WSVRC005" : "WSVRC006");
        reasonf(o, "%s",
                r->res.candidate_count
                    ? "the ULN sent belongs to a learner with "
                      "other names"
                    : "no learner has the ULN sent");
        return LRS_OK;
    }
    uln_text(r->res.candidates[0].matched_uln, l.uln);
    err = lrs_store_learner_get(r->s, l.uln, 0, &l);
    if (err)
        return lrs__service_store_err(r->s, err, r->diag);
    if (lrs_date_parse(lrs_str_c(p->dob), 0, "DOB", &dob, NULL) != LRS_OK ||
        lrs_date_to_days(dob) != lrs_date_to_days(l.date_of_birth)) {
        set_code(o, "WSVRC005");
        reasonf(o, "the ULN sent belongs to a learner with another date "
                   "of birth");
        return LRS_OK;
    }
    set_code(o, r->res.code == LRS_MATCH_LINKED ? "WSVRC002" : "WSVRC001");
    uln_text(r->res.candidates[0].uln, o->uln);
    o->exception = false;
    return LRS_OK;
}

/* The first blocking finding names the code; the reason lists them all. */
static bool blocked(struct run *r, struct outcome *o)
{
    size_t used = 0;

    o->reason[0] = '\0';
    for (size_t i = 0; i < r->findings.count; i++) {
        const struct lrs_ctf_finding *f = &r->findings.items[i];
        int n;

        if (f->severity != LRS_CTF_BLOCKING)
            continue;
        if (!o->code[0])
            set_code(o, f->code);
        n = snprintf(o->reason + used, sizeof o->reason - used, "%s%s",
                     used ? "; " : "", f->message);
        if (n > 0)
            used = used + (size_t)n < sizeof o->reason ? used + (size_t)n
                                                       : sizeof o->reason - 1;
    }
    return o->code[0] != '\0';
}

/* No match: register the pupil and add it to the index. */
static enum lrs_err register_pupil(struct run *r, const struct lrs_ctf_pupil *p,
                                   struct outcome *o)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_match_learner ml;
    struct lrs_learner l;
    enum lrs_err err;

    learner_of(p, &l);
    err = lrs_service_learner_check(&l, &d);
    if (err == LRS_EINVAL) {
        set_code(o, "RC011");
        reasonf(o, "cannot be registered: %s %s", d.field ? d.field : "",
                d.msg);
        o->exception = true;
        return LRS_OK;
    }
    err = lrs_service_learner_register(r->s, &r->actor, &l, r->diag);
    if (err)
        return err;
    err = lrs__service_match_learner(&l, &ml, r->diag);
    if (!err)
        err = lrs_match_index_insert(r->idx, &ml, NULL, r->diag);
    if (err)
        return err;
    set_code(o, "WSRC0005");
    memcpy(o->uln, l.uln, sizeof o->uln);
    return LRS_OK;
}

static enum lrs_err decide(struct run *r, const struct lrs_ctf_pupil *p,
                           struct outcome *o)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_match_query q;
    enum lrs_err err;

    memset(o, 0, sizeof *o);
    /* The UPN is how the school's MIS finds the pupil in the returned
     * CTF: without a valid one the ULN could not be imported. */
    if (!p->upn[0] || lrs_upn_check(lrs_str_c(p->upn), NULL, &d) != LRS_OK) {
        set_code(o, p->upn[0] ? "RC011" : "RC006");
        reasonf(o, "UPN Missing or Invalid: %s",
                p->upn[0] ? d.msg : "UPN is missing");
        o->exception = true;
        return LRS_OK;
    }
    if (p->uln[0])
        return check_sent_uln(r, p, o);
    lrs_ctf_findings_reset(&r->findings);
    err = lrs_ctf_validate_pupil(p, r->on, &r->findings);
    if (err)
        return err;
    query_of(p, &q);
    if (blocked(r, o)) {
        /* Searched all the same, when there is enough to search on, so
         * that the person resolving it sees the likely learners. */
        o->exception = true;
        if (!q.given.len || !q.family.len || !q.dob.year)
            return LRS_OK;
        err = lrs_match_index_find(r->idx, &q, &r->res, &d);
        return err == LRS_EINVAL ? LRS_OK : err ? err : explain(r, o);
    }
    err = lrs_match_index_find(r->idx, &q, &r->res, &d);
    if (err == LRS_EINVAL) {
        set_code(o, "RC011");
        reasonf(o, "incorrect format: %s %s", d.field ? d.field : "", d.msg);
        o->exception = true;
        return LRS_OK;
    }
    if (err)
        return err;
    switch (r->res.code) {
    case LRS_MATCH_EXACT:
    case LRS_MATCH_LINKED:
        set_code(o, lrs_match_code_name(r->res.code));
        uln_text(r->res.candidates[0].uln, o->uln);
        return LRS_OK;
    case LRS_MATCH_POSSIBLE:
    case LRS_MATCH_TOO_MANY:
        set_code(o, lrs_match_code_name(r->res.code));
        reasonf(o, "%s %zu; choose the learner or register a new one",
                r->res.code == LRS_MATCH_POSSIBLE
                    ? "possible matches:"
                    : "too many matches, the best:",
                r->res.candidate_count);
        o->exception = true;
        return explain(r, o);
    case LRS_MATCH_NONE:
        break;
    }
    return register_pupil(r, p, o);
}

/* ------------------------------------------------------------------ */
/* Running                                                            */
/* ------------------------------------------------------------------ */

static void fail_job(struct run *r, const char *why)
{
    struct lrs_job j = r->job;

    /* Best effort: the job may be run again whatever this does. */
    lrs_store_rollback(r->s);
    j.status = LRS_JOB_FAILED;
    j.claimed_by[0] = '\0';
    snprintf(j.error, sizeof j.error, "%s", why);
    if (lrs_store_job_update(r->s, &j) == LRS_OK)
        r->job = j;
}

/*
 * Stopped between chunks: put the job back in the queue with its
 * checkpoint, so that the next worker (or run) claims it at once and
 * carries on. LRS_EBUSY says the job is not done.
 */
static enum lrs_err requeue(struct run *r)
{
    struct lrs_job j = r->job;
    enum lrs_err err;

    j.status = LRS_JOB_QUEUED;
    j.claimed_by[0] = '\0';
    err = lrs_store_job_update(r->s, &j);
    if (err)
        return lrs__service_store_err(r->s, err, r->diag);
    r->job = j;
    lrs_diag_set(r->diag, "job",
                 "stopped after pupil %llu of %llu; queued to carry on "
                 "from there",
                 (unsigned long long)j.checkpoint,
                 (unsigned long long)j.rows_total);
    return LRS_ERR(LRS_EBUSY);
}

/*
 * The pupils of a job's file, read once: the check, the decisions and the
 * returned CTF all use this copy (strings in the arena). About 1.3 times
 * the file in memory, next to the file itself.
 */
struct pupils {
    struct lrs_arena arena;
    struct lrs_ctf_header header; /* strings in the arena */
    struct lrs_ctf_pupil *items;  /* owned, by ordinal - 1 */
    size_t count, cap;
};

static void pupils_release(struct pupils *pp)
{
    lrs_arena_release(&pp->arena);
    lrs_free(pp->items);
    memset(pp, 0, sizeof *pp);
}

/* *s copied to the arena (NULL stays NULL); false on ENOMEM. */
static bool dup_str(struct lrs_arena *a, const char **s)
{
    if (!*s)
        return true;
    *s = lrs_arena_strndup(a, *s, strlen(*s));
    return *s != NULL;
}

static bool dup_pupil(struct lrs_arena *a, struct lrs_ctf_pupil *p)
{
    struct lrs_ctf_address *ad = &p->address;
    const char **const f[] = {
        &p->upn,
        &p->uln,
        &p->uci,
        &p->surname,
        &p->forename,
        &p->dob,
        &p->sex,
        &p->former_upn,
        &p->preferred_surname,
        &p->preferred_forename,
        &p->former_surname,
        &p->middle_names,
        &p->nc_year_actual,
        &ad->saon,
        &ad->paon,
        &ad->street,
        &ad->locality,
        &ad->town,
        &ad->administrative_area,
        &ad->post_town,
        &ad->uprn,
        &ad->lines[0],
        &ad->lines[1],
        &ad->lines[2],
        &ad->lines[3],
        &ad->lines[4],
        &ad->county,
        &ad->postcode,
    };

    for (size_t i = 0; i < LRS_ARRAY_LEN(f); i++)
        if (!dup_str(a, f[i]))
            return false;
    return true;
}

static bool dup_header(struct lrs_arena *a, struct lrs_ctf_header *h)
{
    const char **const f[] = {
        &h->document_name,      &h->ctf_version,
        &h->date_time,          &h->document_qualifier,
        &h->data_qualifier,     &h->data_descriptor,
        &h->supplier_id,        &h->source_lea,
        &h->source_estab,       &h->source_urn,
        &h->source_school_name, &h->source_academic_year,
        &h->dest_lea,           &h->dest_estab,
    };

    for (size_t i = 0; i < LRS_ARRAY_LEN(f); i++)
        if (!dup_str(a, f[i]))
            return false;
    return true;
}

/*
 * Read the whole file once: well formed, within limits (a malformed file
 * changes nothing); keep its header and pupils.
 */
static enum lrs_err load_pupils(const struct lrs_buf *in, struct pupils *pp,
                                struct lrs_diag *diag)
{
    struct lrs_ctf_reader *rd = NULL;
    const struct lrs_ctf_header *h;
    const struct lrs_ctf_pupil *p;
    enum lrs_err err =
        lrs_ctf_reader_open_mem(in->data, in->len, NULL, &rd, diag);

    if (!err)
        err = lrs_ctf_reader_header(rd, &h, diag);
    if (!err) {
        pp->header = *h;
        if (!dup_header(&pp->arena, &pp->header))
            err = LRS_ERR(LRS_ENOMEM);
    }
    while (!err) {
        err = lrs_ctf_reader_next(rd, &p, diag);
        if (err || !p)
            break;
        if (pp->count == pp->cap) {
            const size_t cap = pp->cap ? 2 * pp->cap : 256;
            struct lrs_ctf_pupil *n = lrs_realloc(pp->items, cap * sizeof *n);

            if (!n) {
                err = LRS_ERR(LRS_ENOMEM);
                break;
            }
            pp->items = n;
            pp->cap = cap;
        }
        pp->items[pp->count] = *p;
        if (!dup_pupil(&pp->arena, &pp->items[pp->count]))
            err = LRS_ERR(LRS_ENOMEM);
        pp->count++;
    }
    if (err == LRS_ENOMEM)
        lrs_diag_set(diag, NULL, "out of memory");
    lrs_ctf_reader_free(rd);
    return err;
}

/* Decide `p`, store its exception if any, and fill `row`. */
static enum lrs_err do_pupil(struct run *r, const struct lrs_ctf_pupil *p,
                             struct lrs_job_row *row)
{
    struct outcome o;
    struct lrs_exception x;
    enum lrs_err err = decide(r, p, &o);

    if (err)
        return err;
    memset(row, 0, sizeof *row);
    row->job_id = r->job.id;
    row->ordinal = p->ordinal;
    snprintf(row->upn, sizeof row->upn, "%.13s", p->upn);
    memcpy(row->code, o.code, sizeof row->code);
    memcpy(row->uln, o.uln, sizeof row->uln);
    if (!o.exception)
        return LRS_OK;
    memset(&x, 0, sizeof x);
    x.job_id = r->job.id;
    x.org_id = r->job.org_id;
    x.ordinal = p->ordinal;
    memcpy(x.code, o.code, sizeof x.code);
    memcpy(x.reason, o.reason, sizeof x.reason);
    x.candidates = o.explained ? r->json.data : "";
    err = lrs_store_exception_insert(r->s, &x);
    if (err)
        return lrs__service_store_err(r->s, err, r->diag);
    row->exception_id = x.id;
    return LRS_OK;
}

static uint64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/*
 * Decide the pupils after the checkpoint, a chunk per transaction. A
 * chunk ends at `chunk` pupils or after `chunk_ms` of work, whichever
 * comes first: each commit is an fsync, and a chunk is what a crash
 * loses (docs/batch.md, "Crashes").
 */
static enum lrs_err run_pupils(struct run *r, const struct pupils *pp,
                               const struct lrs_batch_opts *opts)
{
    const size_t chunk = opts->chunk ? opts->chunk : LRS_BATCH_CHUNK_DEFAULT;
    const uint64_t chunk_ms =
        opts->chunk_ms ? opts->chunk_ms : LRS_BATCH_CHUNK_MS_DEFAULT;
    struct lrs_job_row *rows = lrs_calloc(chunk, sizeof *rows);
    size_t i =
        r->job.checkpoint < pp->count ? (size_t)r->job.checkpoint : pp->count;
    enum lrs_err err = LRS_OK;

    if (!rows)
        return LRS_ERR(LRS_ENOMEM);
    while (!err && i < pp->count) {
        const uint64_t start = mono_ms();
        struct lrs_job next;
        size_t n = 0;

        /* Between chunks nothing is open: stopping here loses nothing. */
        if (opts->before_chunk)
            opts->before_chunk(opts->ctx);
        if (opts->should_stop && opts->should_stop(opts->ctx)) {
            lrs_free(rows);
            return LRS_EBUSY;
        }

        err = lrs_store_begin(r->s);
        while (!err && i < pp->count && n < chunk) {
            /* Reading the clock every 16 pupils costs nothing. */
            if (n > 0 && n % 16 == 0 && mono_ms() - start >= chunk_ms)
                break;
            err = do_pupil(r, &pp->items[i++], &rows[n++]);
        }
        if (err)
            break;
        next = r->job;
        next.checkpoint = rows[n - 1].ordinal;
        next.rows_done += n;
        err = lrs_store_job_rows_insert(r->s, rows, n);
        if (!err)
            err = lrs_store_job_update(r->s, &next);
        if (!err)
            err = lrs_store_commit(r->s);
        if (err) {
            lrs__service_store_err(r->s, err, r->diag);
            break;
        }
        r->job = next;
        if (opts->on_progress)
            opts->on_progress(opts->ctx, r->job.rows_done, r->job.rows_total);
        if (opts->on_commit)
            opts->on_commit(opts->ctx, r->job.checkpoint);
    }
    if (err)
        lrs_store_rollback(r->s);
    lrs_free(rows);
    return err;
}

static enum lrs_err make_outputs(struct lrs_store *s, int64_t job_id,
                                 const struct pupils *pp,
                                 struct lrs_batch_totals *totals,
                                 struct lrs_diag *diag);

static struct lrs_date day_of_ms(int64_t ms)
{
    return lrs_date_from_days((int32_t)(ms / 86400000));
}

enum lrs_err
lrs_service_batch_run(struct lrs_store *s, struct lrs_match_index *idx,
                      const struct lrs_actor *actor, int64_t job_id,
                      const struct lrs_batch_opts *opts,
                      struct lrs_batch_totals *totals, struct lrs_diag *diag)
{
    static const struct lrs_batch_opts none = {0};
    struct lrs_buf in = LRS_BUF_INIT;
    struct pupils pp;
    struct run r;
    enum lrs_err err;

    if (!opts)
        opts = &none;
    memset(&r, 0, sizeof r);
    memset(&pp, 0, sizeof pp);
    r.s = s;
    r.idx = idx;
    r.actor = actor ? *actor : (struct lrs_actor)LRS_ACTOR_CLI;
    r.actor.source = "batch";
    r.diag = diag;
    lrs_match_result_init(&r.res);
    lrs_buf_init(&r.json, 0);
    err = lrs_store_job_get(s, job_id, &r.job);
    /* What a job does is its uploader's doing: the audit rows name the
     * user, organisation and address that sent the file (source batch),
     * whoever runs it. */
    if (!err) {
        r.actor.user_id = r.job.user_id;
        r.actor.org_id = r.job.org_id;
        r.actor.addr = r.job.addr;
    }
    if (err == LRS_OK && r.job.status == LRS_JOB_DONE)
        goto outputs;
    if (!err)
        err = lrs_store_job_claim(
            s, job_id, opts->worker ? opts->worker : "lrs", 0, &r.job);
    if (!err)
        err = lrs_store_job_blob(s, job_id, LRS_JOB_INPUT, &in);
    if (err) {
        if (err == LRS_ENOTFOUND)
            lrs_diag_set(diag, "job", "no batch job %lld", (long long)job_id);
        else
            lrs__service_store_err(s, err, diag);
        goto out;
    }
    r.on = opts->on.year ? opts->on : day_of_ms(r.job.created_ms);
    err = load_pupils(&in, &pp, diag);
    lrs_buf_release(&in);
    if (err) {
        fail_job(&r, diag && diag->msg[0] ? diag->msg : lrs_strerror(err));
        goto out;
    }
    r.job.rows_total = pp.count;
    err = run_pupils(&r, &pp, opts);
    if (err == LRS_EBUSY) {
        err = requeue(&r);
        goto out;
    }
    if (err) {
        fail_job(&r, lrs_strerror(err));
        goto out;
    }
outputs:
    err = make_outputs(s, job_id, pp.items ? &pp : NULL, totals, diag);
    if (err || r.job.status == LRS_JOB_DONE)
        goto out;
    r.job.status = LRS_JOB_DONE;
    r.job.claimed_by[0] = '\0';
    err = lrs_store_job_update(s, &r.job);
    if (err)
        lrs__service_store_err(s, err, diag);
out:
    /* The match engine, the validation and the buffers report running out
     * of memory by their return value alone. */
    if (err && diag && !diag->msg[0])
        lrs_diag_set(diag, NULL, "%s", lrs_strerror(err));
    pupils_release(&pp);
    lrs_buf_release(&in);
    lrs_buf_release(&r.json);
    lrs_ctf_findings_release(&r.findings);
    lrs_match_result_release(&r.res);
    return err;
}

/* ------------------------------------------------------------------ */
/* Outputs                                                            */
/* ------------------------------------------------------------------ */

/* What the outputs need of each pupil's row and exception. */
struct row_info {
    struct lrs_job_row row;
    int64_t exception_id;
    enum lrs_exception_status status;
    char reason[256];
    char *candidates; /* owned: the candidate ULNs, space separated */
};

struct outputs {
    struct row_info *rows; /* by ordinal - 1 */
    size_t count, cap;
    struct lrs_batch_totals totals;
};

static enum lrs_err take_row(const struct lrs_job_row *row, void *ctx)
{
    struct outputs *o = ctx;

    if (o->count == o->cap) {
        const size_t cap = o->cap ? 2 * o->cap : 256;
        struct row_info *p = lrs_realloc(o->rows, cap * sizeof *p);

        if (!p)
            return LRS_ERR(LRS_ENOMEM);
        o->rows = p;
        o->cap = cap;
    }
    if (LRS_NEVER(row->ordinal != o->count + 1))
        return LRS_ERR(LRS_ECORRUPT);
    memset(&o->rows[o->count], 0, sizeof o->rows[0]);
    o->rows[o->count++].row = *row;
    o->totals.pupils++;
    o->totals.count[lrs_batch_code_category(row->code)]++;
    return LRS_OK;
}

/* The ULNs of a match explanation ("uln":"..." of each candidate). */
static char *candidate_ulns(const char *json)
{
    struct lrs_buf b = LRS_BUF_INIT;
    const char *at = json;
    enum lrs_err err = LRS_OK;

    while (!err && (at = strstr(at, "\"uln\":\"")) != NULL) {
        at += 7;
        err = lrs_buf_addf(&b, "%s%.10s", b.len ? " " : "", at);
    }
    if (err) {
        lrs_buf_release(&b);
        return NULL;
    }
    return lrs_buf_take(&b, NULL);
}

static enum lrs_err take_exception(const struct lrs_exception *x, void *ctx)
{
    struct outputs *o = ctx;
    struct row_info *ri;

    if (x->ordinal < 1 || x->ordinal > o->count)
        return LRS_ERR(LRS_ECORRUPT);
    ri = &o->rows[x->ordinal - 1];
    ri->exception_id = x->id;
    ri->status = x->status;
    memcpy(ri->reason, x->reason, sizeof ri->reason);
    ri->candidates = candidate_ulns(x->candidates);
    if (!ri->candidates)
        return LRS_ERR(LRS_ENOMEM);
    if (x->status == LRS_EXCEPTION_RESOLVED)
        o->totals.exceptions_resolved++;
    else
        o->totals.exceptions_open++;
    return LRS_OK;
}

static void outputs_release(struct outputs *o)
{
    for (size_t i = 0; i < o->count; i++)
        lrs_free(o->rows[i].candidates);
    lrs_free(o->rows);
}

/* A row's pupil has no ULN in the returned CTF: it goes in the report. */
static bool reported(const struct row_info *ri)
{
    return ri->row.uln[0] == '\0';
}

static enum lrs_err csv_field(struct lrs_buf *b, const char *v, bool last)
{
    enum lrs_err err = LRS_OK;

    if (strpbrk(v, ",\"\r\n")) {
        err = lrs_buf_addch(b, '"');
        for (const char *c = v; !err && *c; c++)
            err = *c == '"' ? lrs_buf_adds(b, "\"\"") : lrs_buf_addch(b, *c);
        if (!err)
            err = lrs_buf_addch(b, '"');
    } else {
        err = lrs_buf_adds(b, v);
    }
    return err ? err : lrs_buf_addch(b, last ? '\n' : ',');
}

static enum lrs_err html_text(struct lrs_buf *b, const char *v)
{
    enum lrs_err err = LRS_OK;

    for (; !err && *v; v++) {
        switch (*v) {
        case '<':
            err = lrs_buf_adds(b, "&lt;");
            break;
        case '>':
            err = lrs_buf_adds(b, "&gt;");
            break;
        case '&':
            err = lrs_buf_adds(b, "&amp;");
            break;
        case '"':
            err = lrs_buf_adds(b, "&quot;");
            break;
        default:
            err = lrs_buf_addch(b, *v);
        }
    }
    return err;
}

static enum lrs_err csv_row(struct lrs_buf *b, const struct row_info *ri,
                            const struct lrs_ctf_pupil *p)
{
    char ordinal[24], exc[24];
    const char *code = ri->row.code;
    enum lrs_err err;

    snprintf(ordinal, sizeof ordinal, "%llu",
             (unsigned long long)ri->row.ordinal);
    snprintf(exc, sizeof exc, "%lld", (long long)ri->exception_id);
    err = csv_field(b, ordinal, false);
    err = err ? err : csv_field(b, p->upn, false);
    err = err ? err : csv_field(b, p->surname, false);
    err = err ? err : csv_field(b, p->forename, false);
    err = err ? err : csv_field(b, p->dob, false);
    err = err ? err : csv_field(b, code, false);
    err = err ? err
              : csv_field(
                    b, lrs_batch_category_name(lrs_batch_code_category(code)),
                    false);
    err = err ? err
              : csv_field(
                    b, ri->reason[0] ? ri->reason : lrs_batch_code_text(code),
                    false);
    err = err ? err : csv_field(b, ri->candidates ? ri->candidates : "", false);
    return err ? err : csv_field(b, exc, true);
}

static enum lrs_err html_head(struct lrs_buf *b, const struct lrs_job *j,
                              const struct lrs_batch_totals *t)
{
    enum lrs_err err = lrs_buf_adds(
        b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8"
           "\">\n<title>ULN batch report</title>\n<style>\nbody{font-family:"
           "Arial,sans-serif;font-size:11pt;margin:2em}\ntable{border-collapse:"
           "collapse;margin:1em 0}\nth,td{border:1px solid #555;padding:3px "
           "6px;text-align:left;vertical-align:top}\nth{background:#eee}\n"
           "@media print{body{margin:0}tr{page-break-inside:avoid}}\n</style>"
           "\n</head>\n<body>\n<h1>ULN batch report</h1>\n<p>File: ");

    err = err ? err : html_text(b, j->file_name);
    err = err ? err
              : lrs_buf_addf(b,
                             " (job %lld, %llu pupils)</p>\n<table>\n<tr>"
                             "<th>New</th><th>Existing</th><th>Possible "
                             "match</th><th>Not found</th><th>Rejected</th>"
                             "</tr>\n<tr><td>%llu</td><td>%llu</td><td>%llu"
                             "</td><td>%llu</td><td>%llu</td></tr>\n"
                             "</table>\n<p>Exceptions: %llu to follow up, "
                             "%llu resolved.</p>\n",
                             (long long)j->id, (unsigned long long)t->pupils,
                             (unsigned long long)t->count[LRS_BATCH_NEW],
                             (unsigned long long)t->count[LRS_BATCH_EXISTING],
                             (unsigned long long)t->count[LRS_BATCH_POSSIBLE],
                             (unsigned long long)t->count[LRS_BATCH_NOT_FOUND],
                             (unsigned long long)t->count[LRS_BATCH_REJECTED],
                             (unsigned long long)t->exceptions_open,
                             (unsigned long long)t->exceptions_resolved);
    return err ? err
               : lrs_buf_adds(b, "<h2>Pupils without a ULN</h2>\n<table>\n"
                                 "<tr><th>Row</th><th>UPN</th><th>Name</th>"
                                 "<th>Date of birth</th><th>Code</th>"
                                 "<th>Reason</th><th>Candidate ULNs</th>"
                                 "<th>Exception</th></tr>\n");
}

static enum lrs_err html_row(struct lrs_buf *b, const struct row_info *ri,
                             const struct lrs_ctf_pupil *p)
{
    enum lrs_err err = lrs_buf_addf(b, "<tr><td>%llu</td><td>",
                                    (unsigned long long)ri->row.ordinal);

    err = err ? err : html_text(b, p->upn);
    err = err ? err : lrs_buf_adds(b, "</td><td>");
    err = err ? err : html_text(b, p->forename);
    err = err ? err : lrs_buf_addch(b, ' ');
    err = err ? err : html_text(b, p->surname);
    err = err ? err : lrs_buf_adds(b, "</td><td>");
    err = err ? err : html_text(b, p->dob);
    err = err ? err : lrs_buf_adds(b, "</td><td>");
    err = err ? err : html_text(b, ri->row.code);
    err = err ? err : lrs_buf_adds(b, "</td><td>");
    err = err ? err
              : html_text(b, ri->reason[0] ? ri->reason
                                           : lrs_batch_code_text(ri->row.code));
    err = err ? err : lrs_buf_adds(b, "</td><td>");
    err = err ? err : html_text(b, ri->candidates ? ri->candidates : "");
    return err ? err
               : lrs_buf_addf(b, "</td><td>%lld</td></tr>\n",
                              (long long)ri->exception_id);
}

/* Write the returned CTF and both reports from the pupils. */
static enum lrs_err render(const struct lrs_job *j, const struct pupils *pp,
                           const struct outputs *o, struct lrs_buf *ctf,
                           struct lrs_buf *csv, struct lrs_buf *html,
                           struct lrs_diag *diag)
{
    struct lrs_ctf_writer *w = NULL;
    struct lrs_ctf_header hout;
    char when[32];
    time_t t = (time_t)(j->created_ms / 1000);
    struct tm tm;
    enum lrs_err err;

    /* The header's DateTime is the upload's, so that the outputs of a job
     * are the same every time they are made. */
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    lrs_ctf_header_for_return(&pp->header, when, &hout);
    err = lrs_ctf_writer_open_buf(ctf, &hout, &w, diag);
    err = err ? err
              : lrs_buf_adds(csv, "row,upn,surname,forename,dob,code,"
                                  "category,reason,candidates,exception\n");
    err = err ? err : html_head(html, j, &o->totals);
    for (size_t i = 0; !err && i < pp->count; i++) {
        const struct lrs_ctf_pupil *p = &pp->items[i];
        struct lrs_ctf_pupil copy;
        const struct row_info *ri;

        if (p->ordinal > o->count) {
            lrs_diag_set(diag, "job", "pupil %llu has no outcome",
                         (unsigned long long)p->ordinal);
            err = LRS_ERR(LRS_ECORRUPT);
            break;
        }
        ri = &o->rows[p->ordinal - 1];
        copy = *p;
        copy.uln = ri->row.uln;
        err = lrs_ctf_writer_add(w, &copy, diag);
        if (!err && reported(ri))
            err = csv_row(csv, ri, p);
        if (!err && reported(ri))
            err = html_row(html, ri, p);
    }
    err = err ? err : lrs_buf_adds(html, "</table>\n</body>\n</html>\n");
    if (!err) {
        err = lrs_ctf_writer_commit(w, diag);
        w = NULL;
    }
    lrs_ctf_writer_free(w);
    return err;
}

/* Make and store the outputs; from `pp`, or from the input when NULL. */
static enum lrs_err make_outputs(struct lrs_store *s, int64_t job_id,
                                 const struct pupils *pp,
                                 struct lrs_batch_totals *totals,
                                 struct lrs_diag *diag)
{
    const struct lrs_exception_filter f = {job_id, -1, -1, ""};
    struct lrs_buf in = LRS_BUF_INIT, ctf = LRS_BUF_INIT;
    struct lrs_buf csv = LRS_BUF_INIT, html = LRS_BUF_INIT;
    struct pupils loaded;
    struct outputs o;
    struct lrs_job j;
    enum lrs_err err;

    memset(&o, 0, sizeof o);
    memset(&loaded, 0, sizeof loaded);
    err = lrs_store_job_get(s, job_id, &j);
    if (!err && !pp)
        err = lrs_store_job_blob(s, job_id, LRS_JOB_INPUT, &in);
    if (!err)
        err = lrs_store_job_row_scan(s, job_id, take_row, &o);
    if (!err)
        err = lrs_store_exception_scan(s, &f, take_exception, &o);
    if (err) {
        lrs__service_store_err(s, err, diag);
        goto out;
    }
    if (!pp) {
        err = load_pupils(&in, &loaded, diag);
        if (err)
            goto out;
        pp = &loaded;
    }
    err = render(&j, pp, &o, &ctf, &csv, &html, diag);
    if (!err) {
        err = lrs_store_job_outputs(s, job_id, &ctf, &csv, &html);
        if (err)
            lrs__service_store_err(s, err, diag);
    }
    if (!err && totals)
        *totals = o.totals;
out:
    outputs_release(&o);
    pupils_release(&loaded);
    lrs_buf_release(&in);
    lrs_buf_release(&ctf);
    lrs_buf_release(&csv);
    lrs_buf_release(&html);
    return err;
}

enum lrs_err lrs_service_batch_outputs(struct lrs_store *s, int64_t job_id,
                                       struct lrs_batch_totals *totals,
                                       struct lrs_diag *diag)
{
    return make_outputs(s, job_id, NULL, totals, diag);
}

/* ------------------------------------------------------------------ */
/* Resolving exceptions                                               */
/* ------------------------------------------------------------------ */

/* The pupil of row `ordinal` of the job's input, as a learner. */
static enum lrs_err pupil_learner(struct lrs_store *s, int64_t job_id,
                                  uint64_t ordinal, struct lrs_learner *l,
                                  struct lrs_diag *diag)
{
    struct lrs_buf in = LRS_BUF_INIT;
    struct lrs_ctf_reader *rd = NULL;
    const struct lrs_ctf_pupil *p = NULL;
    enum lrs_err err = lrs_store_job_blob(s, job_id, LRS_JOB_INPUT, &in);

    if (err) {
        lrs__service_store_err(s, err, diag);
        goto out;
    }
    err = lrs_ctf_reader_open_mem(in.data, in.len, NULL, &rd, diag);
    while (!err) {
        err = lrs_ctf_reader_next(rd, &p, diag);
        if (err || !p || p->ordinal == ordinal)
            break;
    }
    if (!err && !p) {
        lrs_diag_set(diag, "job", "job %lld has no pupil %llu",
                     (long long)job_id, (unsigned long long)ordinal);
        err = LRS_ERR(LRS_ECORRUPT);
    }
    if (!err)
        learner_of(p, l);
out:
    lrs_ctf_reader_free(rd);
    lrs_buf_release(&in);
    return err;
}

enum lrs_err lrs_service_exception_resolve(struct lrs_store *s,
                                           const struct lrs_actor *actor,
                                           int64_t id, const char *uln,
                                           const char *reason,
                                           char uln_out[LRS_ULN_SIZE],
                                           struct lrs_diag *diag)
{
    struct lrs_buf cand = LRS_BUF_INIT;
    struct lrs_exception x;
    struct lrs_learner l;
    struct lrs_job_row row;
    enum lrs_err err;

    if (!reason || !*reason) {
        lrs_diag_set(diag, "reason", "is missing: say why");
        return LRS_ERR(LRS_EINVAL);
    }
    if (uln && lrs_uln_check(lrs_str_c(uln), diag))
        return LRS_ERR(LRS_EINVAL);
    err = lrs_store_exception_get(s, id, &x, &cand);
    lrs_buf_release(&cand);
    x.candidates = NULL;
    if (!err && actor && actor->org_id != 0 && actor->org_id != x.org_id)
        err = LRS_ENOTFOUND;
    if (err) {
        if (err == LRS_ENOTFOUND)
            lrs_diag_set(diag, "id", "no exception %lld", (long long)id);
        else
            lrs__service_store_err(s, err, diag);
        return err;
    }
    if (x.status != LRS_EXCEPTION_OPEN) {
        lrs_diag_set(diag, "id", "exception %lld is already resolved (%s)",
                     (long long)id, x.resolved_uln);
        return LRS_ERR(LRS_ECONFLICT);
    }
    err = lrs_store_begin(s);
    if (err)
        return lrs__service_store_err(s, err, diag);
    if (uln) {
        err = lrs_store_learner_get(s, uln, LRS_STORE_GET_RESOLVE, &l);
        if (err == LRS_ENOTFOUND)
            lrs_diag_set(diag, "uln", "no learner has ULN %s", uln);
        else if (err)
            lrs__service_store_err(s, err, diag);
    } else {
        err = pupil_learner(s, x.job_id, x.ordinal, &l, diag);
        if (!err)
            err = lrs_service_learner_register(s, actor, &l, diag);
    }
    if (err)
        goto out;
    memcpy(x.resolved_uln, l.uln, sizeof x.resolved_uln);
    x.resolved_new = uln == NULL;
    x.resolved_by = actor ? actor->user_id : 0;
    x.resolved_ms = (int64_t)time(NULL) * 1000;
    snprintf(x.resolution_reason, sizeof x.resolution_reason, "%s", reason);
    memset(&row, 0, sizeof row);
    row.job_id = x.job_id;
    row.ordinal = x.ordinal;
    memcpy(row.uln, l.uln, sizeof row.uln);
    err = lrs_store_exception_resolve(s, &x);
    if (!err)
        err = lrs_store_job_row_set_uln(s, &row);
    if (err == LRS_ECONFLICT)
        lrs_diag_set(diag, "id", "exception %lld was resolved meanwhile",
                     (long long)id);
    else if (err)
        lrs__service_store_err(s, err, diag);
    if (!err)
        err = lrs_service_batch_outputs(s, x.job_id, NULL, diag);
    if (!err) {
        err = lrs_store_commit(s);
        if (err)
            lrs__service_store_err(s, err, diag);
    }
out:
    if (err)
        lrs_store_rollback(s);
    else if (uln_out)
        memcpy(uln_out, l.uln, LRS_ULN_SIZE);
    return err;
}
