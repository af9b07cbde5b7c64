/*
 * service/plr.c - the PLR use cases (lrs/plr.h, docs/plr.md): results
 * upload, reading a PLR, printable PLR, shares, exam entries and the
 * submissions routine.
 *
 * Each call runs in one store transaction and audits every learner it
 * touches. Uploads stream their CSV: one row at a time is parsed into
 * caller-stack structs, verified, stored and reported, so memory does not
 * grow with the file.
 */
#include "base/base.h"

#include <lrs/auth.h>
#include <lrs/plr.h>

#include "service/plr_int.h"
#include "service/service_int.h"

#include <stdio.h>
#include <time.h>

/* Now, in Unix milliseconds (UTC), as the store counts time. */
static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ */
/* Names of codes                                                     */
/* ------------------------------------------------------------------ */

const char *lrs_result_outcome_name(enum lrs_result_outcome o)
{
    switch (o) {
    case LRS_RESULT_STORED:
        return "stored";
    case LRS_RESULT_CORRECTED:
        return "corrected";
    case LRS_RESULT_UPDATED:
        return "updated";
    case LRS_RESULT_UNCHANGED:
        return "unchanged";
    case LRS_RESULT_REJECTED:
        return "rejected";
    }
    return "unknown";
}

const char *lrs_entry_outcome_name(enum lrs_entry_outcome o)
{
    switch (o) {
    case LRS_ENTRY_NEW:
        return "new";
    case LRS_ENTRY_AMENDED:
        return "amended";
    case LRS_ENTRY_UNCHANGED:
        return "unchanged";
    case LRS_ENTRY_REJECTED:
        return "rejected";
    }
    return "unknown";
}

const char *lrs_plr_refusal_code(enum lrs_plr_refusal r)
{
    switch (r) {
    case LRS_PLR_GRANTED:
        return "";
    case LRS_PLR_NOT_VERIFIED:
        return "WSEC0208";
    case LRS_PLR_NOT_SHARED:
        return "WSEC0206";
    }
    return "";
}

/* ------------------------------------------------------------------ */
/* Field parsing                                                      */
/* ------------------------------------------------------------------ */

/* Optional text: trimmed, valid UTF-8, no control characters, fits. */
static enum lrs_err take_text(struct lrs_str v, const char *field, char *out,
                              size_t size, bool required, struct lrs_diag *diag)
{
    v = lrs_str_trim(v);
    if (v.len == 0 && required) {
        lrs_diag_set(diag, field, "is missing");
        return LRS_ERR(LRS_EINVAL);
    }
    if (v.len >= size) {
        lrs_diag_set(diag, field, "must be at most %zu bytes, got %zu",
                     size - 1, v.len);
        return LRS_ERR(LRS_EINVAL);
    }
    if (!lrs_utf8_valid(v)) {
        lrs_diag_set(diag, field, "is not valid UTF-8");
        return LRS_ERR(LRS_EINVAL);
    }
    for (size_t i = 0; i < v.len; i++) {
        if ((unsigned char)v.ptr[i] < 0x20 || v.ptr[i] == 0x7f) {
            lrs_diag_set(diag, field, "holds a control character");
            return LRS_ERR(LRS_EINVAL);
        }
    }
    memcpy(out, v.ptr, v.len);
    out[v.len] = '\0';
    return LRS_OK;
}

/* A UKPRN: 8 digits starting 1 (the UK Register of Learning Providers),
 * or empty when optional. */
static enum lrs_err take_ukprn(struct lrs_str v, const char *field,
                               char out[LRS_UKPRN_SIZE], bool required,
                               struct lrs_diag *diag)
{
    v = lrs_str_trim(v);
    if (v.len == 0 && !required) {
        out[0] = '\0';
        return LRS_OK;
    }
    if (v.len != 8 || v.ptr[0] != '1') {
        lrs_diag_set(diag, field, "must be a UKPRN: 8 digits starting 1");
        return LRS_ERR(LRS_EINVAL);
    }
    for (size_t i = 0; i < 8; i++) {
        if (v.ptr[i] < '0' || v.ptr[i] > '9') {
            lrs_diag_set(diag, field, "must be a UKPRN: 8 digits starting 1");
            return LRS_ERR(LRS_EINVAL);
        }
    }
    memcpy(out, v.ptr, 8);
    out[8] = '\0';
    return LRS_OK;
}

static enum lrs_err take_date(struct lrs_str v, const char *field,
                              struct lrs_date *out, bool required,
                              struct lrs_diag *diag)
{
    v = lrs_str_trim(v);
    *out = (struct lrs_date){0, 0, 0};
    if (v.len == 0) {
        if (!required)
            return LRS_OK;
        lrs_diag_set(diag, field, "is missing");
        return LRS_ERR(LRS_EINVAL);
    }
    return lrs_date_parse(v, LRS_DATE_PARSE_DMY, field, out, diag);
}

/* ------------------------------------------------------------------ */
/* Results upload                                                     */
/* ------------------------------------------------------------------ */

enum {
    R_ULN,
    R_GIVEN,
    R_FAMILY,
    R_SUBJECT_CODE,
    R_GRADE,
    R_AWARD_DATE,
    R_DOB,
    R_GENDER,
    R_SUBJECT,
    R_QUAL_TYPE,
    R_LEVEL,
    R_CREDITS,
    R_STATUS,
    R_PROVIDER_UKPRN,
    R_PROVIDER_NAME,
    R_PART_START,
    R_PART_END,
    R_LANGUAGE,
    R_RESTRICTION,
    R_COLLECTION,
    R_RETURN,
    R__COUNT
};

/* The documented columns (docs/plr.md); the first R_DOB are required. */
static const char *const rcols[R__COUNT] = {
    "uln",
    "given_name",
    "family_name",
    "subject_code",
    "grade",
    "award_date",
    "date_of_birth",
    "gender",
    "subject",
    "qualification_type",
    "level",
    "credits",
    "status",
    "provider_ukprn",
    "provider_name",
    "participation_start_date",
    "participation_end_date",
    "language",
    "restriction",
    "collection_type",
    "return_number",
};

#define F(i) lrs__plr_csv_field(rec, map, (i))

/* The learning-event fields of one row into `a` (not the learner's). */
static enum lrs_err parse_event(const struct lrs_csv_record *rec,
                                const int *map, struct lrs_achievement *a,
                                struct lrs_diag *d)
{
    struct lrs_str st = lrs_str_trim(F(R_STATUS));
    struct lrs_str cr = lrs_str_trim(F(R_CREDITS));
    enum lrs_err err;

    err = take_text(F(R_SUBJECT_CODE), "subject_code", a->subject_code,
                    sizeof a->subject_code, true, d);
    err = err ? err
              : take_text(F(R_GRADE), "grade", a->grade, sizeof a->grade, true,
                          d);
    err =
        err ? err
            : take_date(F(R_AWARD_DATE), "award_date", &a->award_date, true, d);
    err = err ? err
              : take_text(F(R_SUBJECT), "subject", a->subject,
                          sizeof a->subject, false, d);
    err = err ? err
              : take_text(F(R_QUAL_TYPE), "qualification_type",
                          a->qualification_type, sizeof a->qualification_type,
                          false, d);
    err = err ? err
              : take_text(F(R_LEVEL), "level", a->level, sizeof a->level, false,
                          d);
    err = err ? err
              : take_ukprn(F(R_PROVIDER_UKPRN), "provider_ukprn",
                           a->provider_ukprn, false, d);
    err = err ? err
              : take_text(F(R_PROVIDER_NAME), "provider_name", a->provider_name,
                          sizeof a->provider_name, false, d);
    err = err ? err
              : take_date(F(R_PART_START), "participation_start_date",
                          &a->participation_start, false, d);
    err = err ? err
              : take_date(F(R_PART_END), "participation_end_date",
                          &a->participation_end, false, d);
    err = err ? err
              : take_text(F(R_LANGUAGE), "language", a->language,
                          sizeof a->language, false, d);
    err = err ? err
              : take_text(F(R_RESTRICTION), "restriction", a->restriction,
                          sizeof a->restriction, false, d);
    err =
        err ? err
            : take_text(F(R_COLLECTION), "collection_type", a->collection_type,
                        sizeof a->collection_type, false, d);
    err = err ? err
              : take_text(F(R_RETURN), "return_number", a->return_number,
                          sizeof a->return_number, false, d);
    if (err)
        return err;
    if (st.len == 0 || (st.len == 1 && (st.ptr[0] == 'F' || st.ptr[0] == 'f')))
        a->status = 'F';
    else if (st.len == 1 && (st.ptr[0] == 'P' || st.ptr[0] == 'p'))
        a->status = 'P';
    else {
        lrs_diag_set(d, "status", "must be F (final) or P (provisional)");
        return LRS_ERR(LRS_EINVAL);
    }
    if (cr.len) {
        uint64_t v;

        if (lrs_parse_u64(cr, 0, 9999, &v)) {
            lrs_diag_set(d, "credits", "must be a whole number 0-9999");
            return LRS_ERR(LRS_EINVAL);
        }
        a->credits = (int32_t)v;
    }
    if (a->participation_start.year && a->participation_end.year &&
        lrs_date_to_days(a->participation_end) <
            lrs_date_to_days(a->participation_start)) {
        lrs_diag_set(d, "participation_end_date",
                     "is before participation_start_date");
        return LRS_ERR(LRS_EINVAL);
    }
    return LRS_OK;
}

static bool same_date(struct lrs_date a, struct lrs_date b)
{
    return a.year == b.year && a.month == b.month && a.day == b.day;
}

/* Whether the fields an upload sets differ, grade and status aside. */
static bool event_differs(const struct lrs_achievement *a,
                          const struct lrs_achievement *b)
{
    return strcmp(a->supplied_uln, b->supplied_uln) != 0 ||
           strcmp(a->ao_name, b->ao_name) != 0 ||
           a->ao_org_id != b->ao_org_id ||
           strcmp(a->provider_ukprn, b->provider_ukprn) != 0 ||
           strcmp(a->provider_name, b->provider_name) != 0 ||
           strcmp(a->subject, b->subject) != 0 ||
           strcmp(a->qualification_type, b->qualification_type) != 0 ||
           strcmp(a->level, b->level) != 0 ||
           !same_date(a->participation_start, b->participation_start) ||
           !same_date(a->participation_end, b->participation_end) ||
           a->credits != b->credits || strcmp(a->language, b->language) != 0 ||
           strcmp(a->source, b->source) != 0 ||
           strcmp(a->collection_type, b->collection_type) != 0 ||
           strcmp(a->return_number, b->return_number) != 0 ||
           strcmp(a->restriction, b->restriction) != 0 ||
           a->under_data_challenge != b->under_data_challenge;
}

/*
 * The learning events one upload has already keyed, by id, with the line
 * that keyed each: an open-addressing hash table (ids are positive, 0
 * marks a free slot) that doubles when half full. It grows with the rows
 * accepted (16 bytes each), the one thing an upload keeps across rows.
 */
struct seen {
    int64_t *ids;
    uint64_t *lines;
    size_t cap, count; /* cap: a power of two, or 0 */
};

static size_t seen_slot(const struct seen *t, int64_t id)
{
    size_t i = (size_t)((uint64_t)id * 0x9e3779b97f4a7c15u) & (t->cap - 1);

    while (t->ids[i] != 0 && t->ids[i] != id)
        i = (i + 1) & (t->cap - 1);
    return i;
}

/* The line that keyed `id` in this upload, or 0. */
static uint64_t seen_line(const struct seen *t, int64_t id)
{
    return t->cap ? t->lines[seen_slot(t, id)] : 0;
}

static enum lrs_err seen_add(struct seen *t, int64_t id, uint64_t line)
{
    size_t i;

    if ((t->count + 1) * 2 > t->cap) {
        struct seen n = {NULL, NULL, t->cap ? t->cap * 2 : 256, t->count};

        n.ids = lrs_calloc(n.cap, sizeof *n.ids);
        n.lines = lrs_calloc(n.cap, sizeof *n.lines);
        if (!n.ids || !n.lines) {
            lrs_free(n.ids);
            lrs_free(n.lines);
            return LRS_ERR(LRS_ENOMEM);
        }
        for (size_t k = 0; k < t->cap; k++) {
            if (t->ids[k] == 0)
                continue;
            i = seen_slot(&n, t->ids[k]);
            n.ids[i] = t->ids[k];
            n.lines[i] = t->lines[k];
        }
        lrs_free(t->ids);
        lrs_free(t->lines);
        *t = n;
    }
    i = seen_slot(t, id);
    if (t->ids[i] == 0)
        t->count++;
    t->ids[i] = id;
    t->lines[i] = line;
    return LRS_OK;
}

static void seen_release(struct seen *t)
{
    lrs_free(t->ids);
    lrs_free(t->lines);
    memset(t, 0, sizeof *t);
}

struct upload {
    struct lrs_store *s;
    const struct lrs_actor *actor;
    const struct lrs_results_opts *o;
    struct lrs_results_summary sum;
    struct seen seen; /* events keyed by earlier rows of this file */
};

/* Verify and store one parsed row; fill `row`. */
static enum lrs_err store_row(struct upload *u, struct lrs_verify_input *in,
                              struct lrs_achievement *a,
                              struct lrs_result_row *row, struct lrs_diag *diag)
{
    struct lrs_learner reg;
    struct lrs_verify_result vr;
    struct lrs_achievement old;
    enum lrs_err err;

    err = lrs__verify_one(u->s, NULL, in, &reg, &vr, diag);
    if (err)
        return err;
    row->code = lrs_verify_code_name(vr.code);
    row->flags = vr.flags;
    if (!lrs_verify_accepted(vr.code)) {
        row->outcome = LRS_RESULT_REJECTED;
        if (vr.code == LRS_VERIFY_NOT_FOUND)
            lrs_diag_set(&row->why, "uln", "no learner has ULN %s", in->uln);
        else
            lrs_diag_set(&row->why, "family_name",
                         "the names do not match ULN %s", in->uln);
        if (vr.code == LRS_VERIFY_NOT_FOUND)
            return LRS_OK;
        return lrs__service_audit(u->s, u->actor, LRS_AUDIT_VERIFY, in->uln,
                                  diag);
    }
    memcpy(a->uln, vr.master_uln, sizeof a->uln);
    memcpy(a->supplied_uln, in->uln, sizeof a->supplied_uln);
    err = lrs_store_achievement_find(u->s, a, &old);
    if (err == LRS_ENOTFOUND) {
        row->outcome = LRS_RESULT_STORED;
        a->id = 0;
    } else if (err) {
        return lrs__service_store_err(u->s, err, diag);
    } else if (seen_line(&u->seen, old.id)) {
        /* The key twice in one file: which row is meant is unknowable,
         * so the first stands and the repeat is refused (plr.h). */
        row->outcome = LRS_RESULT_REJECTED;
        row->code = "DUPLICATE";
        lrs_diag_set(&row->why, "subject_code",
                     "repeats line %llu: the same ULN, subject_code and "
                     "award_date twice in one file",
                     (unsigned long long)seen_line(&u->seen, old.id));
        return lrs__service_audit(u->s, u->actor, LRS_AUDIT_VERIFY, in->uln,
                                  diag);
    } else {
        a->id = old.id;
        if (strcmp(old.grade, a->grade) != 0 || old.status != a->status)
            row->outcome = LRS_RESULT_CORRECTED;
        else if (event_differs(a, &old))
            row->outcome = LRS_RESULT_UPDATED;
        else
            row->outcome = LRS_RESULT_UNCHANGED;
    }
    if (row->outcome == LRS_RESULT_UNCHANGED) {
        *a = old;
        err = seen_add(&u->seen, old.id, row->line);
        return err ? err
                   : lrs__service_audit(u->s, u->actor, LRS_AUDIT_VERIFY,
                                        in->uln, diag);
    }
    err = lrs_store_achievement_put(u->s, u->actor, a);
    if (err)
        return lrs__service_store_err(u->s, err, diag);
    err = seen_add(&u->seen, a->id, row->line);
    if (err)
        return err;
    return lrs__service_audit(u->s, u->actor, LRS_AUDIT_RESULT, a->uln, diag);
}

static void count(struct lrs_results_summary *sum, enum lrs_result_outcome o)
{
    switch (o) {
    case LRS_RESULT_STORED:
        sum->stored++;
        break;
    case LRS_RESULT_CORRECTED:
        sum->corrected++;
        break;
    case LRS_RESULT_UPDATED:
        sum->updated++;
        break;
    case LRS_RESULT_UNCHANGED:
        sum->unchanged++;
        break;
    case LRS_RESULT_REJECTED:
        sum->rejected++;
        break;
    }
}

static enum lrs_err upload_row(struct upload *u,
                               const struct lrs_csv_record *rec, const int *map,
                               struct lrs_diag *diag)
{
    struct lrs_verify_input in;
    struct lrs_achievement a;
    struct lrs_result_row row;
    enum lrs_err err;

    memset(&row, 0, sizeof row);
    row.line = rec->line;
    lrs_achievement_init(&a);
    memcpy(a.ao_ukprn, u->o->ao_ukprn, sizeof a.ao_ukprn);
    snprintf(a.ao_name, sizeof a.ao_name, "%s",
             u->o->ao_name ? u->o->ao_name : "");
    a.ao_org_id = u->o->ao_org_id;
    memcpy(a.source, "AO", 3);
    err = lrs_verify_input_set(&in, F(R_ULN), F(R_GIVEN), F(R_FAMILY), F(R_DOB),
                               F(R_GENDER), &row.why);
    if (!err)
        err = parse_event(rec, map, &a, &row.why);
    if (err == LRS_EINVAL) {
        row.outcome = LRS_RESULT_REJECTED;
        row.code = row.why.field && strcmp(row.why.field, "uln") == 0
                       ? "WSEC0136"
                       : "WSEC0001";
        err = LRS_OK;
    } else if (!err) {
        memcpy(a.supplied_uln, in.uln, sizeof a.supplied_uln);
        row.a = &a;
        err = store_row(u, &in, &a, &row, diag);
    }
    if (err)
        return err;
    count(&u->sum, row.outcome);
    return u->o->on_row ? u->o->on_row(u->o->ctx, &row) : LRS_OK;
}

#undef F

enum lrs_err lrs_plr_results_upload(struct lrs_store *s,
                                    const struct lrs_actor *actor,
                                    lrs_csv_read_fn read, void *read_ctx,
                                    const struct lrs_results_opts *opts,
                                    struct lrs_results_summary *sum,
                                    struct lrs_diag *diag)
{
    struct lrs_csv_opts copts = {opts->name, 0, 0, 0};
    struct upload u = {s, actor, opts, {0, 0, 0, 0, 0, 0}, {0}};
    struct lrs_csv *csv = NULL;
    struct lrs_csv_record rec;
    char ukprn[LRS_UKPRN_SIZE];
    int map[R__COUNT];
    enum lrs_err err;
    bool own = false, eof = false;

    err = take_ukprn(lrs_str_c(opts->ao_ukprn ? opts->ao_ukprn : ""), "ao",
                     ukprn, true, diag);
    if (!err)
        err = lrs_csv_new(read, read_ctx, &copts, &csv);
    if (!err)
        err = lrs_csv_next(csv, &rec, &eof, diag);
    if (!err && eof) {
        lrs_diag_set(diag, "header", "the file is empty");
        err = LRS_ERR(LRS_EINVAL);
    }
    if (!err)
        err = lrs__plr_csv_header(&rec, rcols, R__COUNT, R_DOB, map, diag);
    if (!err)
        err = lrs__service_enter(s, &own, diag);
    while (!err) {
        err = lrs_csv_next(csv, &rec, &eof, diag);
        if (err || eof)
            break;
        u.sum.rows++;
        err = upload_row(&u, &rec, map, diag);
    }
    if (own)
        err = lrs__service_leave(s, own, err, diag);
    lrs_csv_free(csv);
    seen_release(&u.seen);
    if (sum)
        *sum = u.sum;
    return err;
}

/* ------------------------------------------------------------------ */
/* Reading a PLR                                                      */
/* ------------------------------------------------------------------ */

void lrs_plr_init(struct lrs_plr *p)
{
    memset(p, 0, sizeof *p);
    lrs_learner_init(&p->learner);
}

void lrs_plr_release(struct lrs_plr *p)
{
    lrs_achievement_list_release(&p->events);
    lrs_plr_init(p);
}

static enum lrs_err collect(const struct lrs_achievement *a, void *ctx)
{
    return lrs_achievement_list_add(ctx, a);
}

enum lrs_err lrs_plr_get(struct lrs_store *s, const struct lrs_actor *actor,
                         const struct lrs_verify_input *in, unsigned flags,
                         struct lrs_plr *out, struct lrs_diag *diag)
{
    struct lrs_plr p;
    enum lrs_err err;
    bool own;

    lrs_plr_init(&p);
    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs__verify_one(s, actor, in, &p.learner, &p.verify, diag);
    if (!err && !lrs_verify_accepted(p.verify.code))
        p.refusal = LRS_PLR_NOT_VERIFIED;
    else if (!err && !(flags & LRS_PLR_GET_OWNER) &&
             p.learner.ability_to_share != LRS_SHARE_YES)
        p.refusal = LRS_PLR_NOT_SHARED;
    if (!err && p.refusal == LRS_PLR_GRANTED) {
        p.linked = strcmp(p.learner.uln, in->uln) != 0;
        err = lrs_store_achievement_scan(s, p.learner.uln, collect, &p.events);
        if (err && err != LRS_ENOMEM)
            lrs__service_store_err(s, err, diag);
        if (!err)
            err = lrs__service_audit(s, actor, LRS_AUDIT_PLR_READ,
                                     p.learner.uln, diag);
    }
    if (!err && p.refusal != LRS_PLR_GRANTED)
        lrs_learner_init(&p.learner);
    err = lrs__service_leave(s, own, err, diag);
    if (err) {
        lrs_plr_release(&p);
        return err;
    }
    *out = p;
    return LRS_OK;
}

enum lrs_err lrs_plr_consent_set(struct lrs_store *s,
                                 const struct lrs_actor *actor, const char *uln,
                                 enum lrs_ability_to_share choice,
                                 struct lrs_diag *diag)
{
    struct lrs_learner l;
    enum lrs_err err;

    if (choice != LRS_SHARE_YES && choice != LRS_SHARE_NO) {
        lrs_diag_set(diag, "ability_to_share",
                     "must be 1 (share) or 2 (do not share)");
        return LRS_ERR(LRS_EINVAL);
    }
    err = lrs_store_learner_get(s, uln, LRS_STORE_GET_RESOLVE, &l);
    if (err == LRS_ENOTFOUND)
        lrs_diag_set(diag, "uln", "no learner has ULN %s", uln);
    if (err)
        return err == LRS_ENOTFOUND ? err
                                    : lrs__service_store_err(s, err, diag);
    if (l.ability_to_share == choice)
        return LRS_OK;
    l.ability_to_share = choice;
    return lrs_service_amend(s, NULL, actor, &l, l.version, NULL, diag);
}

/* ------------------------------------------------------------------ */
/* Printable PLR                                                      */
/* ------------------------------------------------------------------ */

static enum lrs_err esc(struct lrs_buf *b, const char *s)
{
    enum lrs_err err = LRS_OK;

    for (; !err && *s; s++) {
        switch (*s) {
        case '&':
            err = lrs_buf_adds(b, "&amp;");
            break;
        case '<':
            err = lrs_buf_adds(b, "&lt;");
            break;
        case '>':
            err = lrs_buf_adds(b, "&gt;");
            break;
        case '"':
            err = lrs_buf_adds(b, "&quot;");
            break;
        case '\'':
            err = lrs_buf_adds(b, "&#39;");
            break;
        default:
            err = lrs_buf_addch(b, *s);
        }
    }
    return err;
}

static enum lrs_err cell(struct lrs_buf *b, const char *s)
{
    enum lrs_err err = lrs_buf_adds(b, "<td>");

    err = err ? err : esc(b, s);
    return err ? err : lrs_buf_adds(b, "</td>");
}

static enum lrs_err event_row(struct lrs_buf *b,
                              const struct lrs_achievement *a)
{
    char date[11] = "";
    char ao[LRS_PLR_TEXT_SIZE + 16];
    enum lrs_err err;

    if (a->award_date.year)
        lrs_date_format(a->award_date, date);
    if (a->ao_name[0])
        snprintf(ao, sizeof ao, "%s (%s)", a->ao_name, a->ao_ukprn);
    else
        snprintf(ao, sizeof ao, "UKPRN %s", a->ao_ukprn);
    err = lrs_buf_adds(b, "<tr>");
    err = err ? err : cell(b, date);
    err = err ? err : cell(b, a->qualification_type);
    err = err ? err : cell(b, a->subject[0] ? a->subject : a->subject_code);
    err = err ? err : cell(b, a->subject_code);
    err = err ? err : cell(b, a->level);
    err = err ? err : cell(b, a->grade);
    err = err ? err : cell(b, a->status == 'P' ? "provisional" : "final");
    err = err ? err : cell(b, ao);
    return err ? err : lrs_buf_adds(b, "</tr>\n");
}

enum lrs_err lrs_plr_html(const struct lrs_plr *p, struct lrs_buf *out)
{
    enum lrs_err err;

    err = lrs_buf_adds(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
        "<meta charset=\"utf-8\">\n<title>Personal Learning Record</title>\n"
        "<style>body{font-family:Arial,sans-serif;margin:2em}"
        "table{border-collapse:collapse;width:100%}"
        "th,td{border:1px solid #0b0c0c;padding:4px;text-align:left}"
        "@media print{body{margin:0}}</style>\n</head>\n<body>\n"
        "<h1>Personal Learning Record</h1>\n<p>");
    err = err ? err : esc(out, p->learner.given_name);
    err = err ? err : lrs_buf_addch(out, ' ');
    err = err ? err : esc(out, p->learner.family_name);
    if (!err && p->learner.uln[0])
        err = lrs_buf_addf(out, ", ULN %s", p->learner.uln);
    err = err ? err
              : lrs_buf_adds(out, "</p>\n<table>\n<tr><th>Awarded</th>"
                                  "<th>Qualification</th><th>Subject</th>"
                                  "<th>Code</th><th>Level</th><th>Grade</th>"
                                  "<th>Status</th><th>Awarded by</th></tr>\n");
    for (size_t i = 0; !err && i < p->events.count; i++)
        err = event_row(out, &p->events.items[i]);
    if (!err && p->events.count == 0)
        err = lrs_buf_adds(out, "<tr><td colspan=\"8\">No learning events "
                                "recorded.</td></tr>\n");
    return err ? err : lrs_buf_adds(out, "</table>\n</body>\n</html>\n");
}

/* ------------------------------------------------------------------ */
/* Shares                                                             */
/* ------------------------------------------------------------------ */

struct item_check {
    const int64_t *items;
    size_t count;
    size_t found;
};

static enum lrs_err check_items(const struct lrs_achievement *a, void *ctx)
{
    struct item_check *c = ctx;

    for (size_t i = 0; i < c->count; i++)
        if (c->items[i] == a->id)
            c->found++;
    return LRS_OK;
}

enum lrs_err lrs_plr_share_create(struct lrs_store *s,
                                  const struct lrs_actor *actor,
                                  struct lrs_str uln, const int64_t *items,
                                  size_t count, int64_t expires_ms,
                                  char token[LRS_SHARE_TOKEN_SIZE],
                                  struct lrs_share *out, struct lrs_diag *diag)
{
    struct lrs_learner l;
    struct lrs_share sh;
    struct item_check chk = {items, count, 0};
    char key[LRS_ULN_SIZE], tok[LRS_AUTH_TOKEN_SIZE];
    enum lrs_err err;
    bool own;

    _Static_assert(LRS_SHARE_TOKEN_SIZE == LRS_AUTH_TOKEN_SIZE,
                   "share tokens are API-token shaped");
    _Static_assert(LRS_SHARE_HASH_LEN == LRS_AUTH_TOKEN_HASH_LEN,
                   "share hashes are API-token hashes");
    uln = lrs_str_trim(uln);
    err = lrs_uln_check(uln, diag);
    if (err)
        return err;
    memcpy(key, uln.ptr, LRS_ULN_LEN);
    key[LRS_ULN_LEN] = '\0';
    if (count > LRS_SHARE_MAX_ITEMS) {
        lrs_diag_set(diag, "achievements", "at most %d may be chosen",
                     LRS_SHARE_MAX_ITEMS);
        return LRS_ERR(LRS_EINVAL);
    }
    if (expires_ms <= now_ms()) {
        lrs_diag_set(diag, "expires", "must be in the future");
        return LRS_ERR(LRS_EINVAL);
    }
    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_learner_get(s, key, LRS_STORE_GET_RESOLVE, &l);
    if (err == LRS_ENOTFOUND)
        lrs_diag_set(diag, "uln", "no learner has ULN %s", key);
    else if (err)
        lrs__service_store_err(s, err, diag);
    if (!err && count) {
        err = lrs_store_achievement_scan(s, l.uln, check_items, &chk);
        if (err)
            lrs__service_store_err(s, err, diag);
        else if (chk.found != count) {
            lrs_diag_set(diag, "achievements",
                         "not every chosen achievement is the learner's");
            err = LRS_ERR(LRS_EINVAL);
        }
    }
    if (!err) {
        memset(&sh, 0, sizeof sh);
        memcpy(sh.uln, l.uln, sizeof sh.uln);
        lrs_auth_token_new(tok, sh.token_hash);
        if (count)
            memcpy(sh.items, items, count * sizeof *items);
        sh.item_count = count;
        sh.expires_ms = expires_ms;
        sh.user_id = actor->user_id;
        sh.org_id = actor->org_id;
        err = lrs_store_share_insert(s, &sh);
        if (err)
            lrs__service_store_err(s, err, diag);
    }
    if (!err)
        err = lrs__service_audit(s, actor, LRS_AUDIT_SHARE, l.uln, diag);
    err = lrs__service_leave(s, own, err, diag);
    if (err)
        return err;
    memcpy(token, tok, LRS_SHARE_TOKEN_SIZE);
    if (out)
        *out = sh;
    return LRS_OK;
}

enum lrs_err lrs_plr_share_revoke(struct lrs_store *s,
                                  const struct lrs_actor *actor, int64_t id,
                                  struct lrs_diag *diag)
{
    struct lrs_share sh;
    enum lrs_err err;
    bool own;

    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_share_get(s, id, NULL, &sh);
    if (err == LRS_ENOTFOUND)
        lrs_diag_set(diag, "id", "no share %lld", (long long)id);
    else if (err)
        lrs__service_store_err(s, err, diag);
    if (!err && sh.revoked_ms == 0) {
        sh.revoked_ms = now_ms();
        err = lrs_store_share_update(s, &sh);
        if (err)
            lrs__service_store_err(s, err, diag);
        if (!err)
            err = lrs__service_audit(s, actor, LRS_AUDIT_SHARE, sh.uln, diag);
    }
    return lrs__service_leave(s, own, err, diag);
}

struct shown {
    const struct lrs_share *sh;
    struct lrs_achievement_list *list;
};

/* Keep what a share shows: chosen (or all), verified, and only the
 * fields about the achievement and who awarded it. */
static enum lrs_err keep_shared(const struct lrs_achievement *a, void *ctx)
{
    struct shown *sw = ctx;
    struct lrs_achievement v;
    bool chosen = sw->sh->item_count == 0;

    for (size_t i = 0; !chosen && i < sw->sh->item_count; i++)
        chosen = sw->sh->items[i] == a->id;
    if (!chosen || a->status != 'F' || a->under_data_challenge ||
        a->restriction[0])
        return LRS_OK;
    lrs_achievement_init(&v);
    v.id = a->id;
    memcpy(v.ao_ukprn, a->ao_ukprn, sizeof v.ao_ukprn);
    memcpy(v.ao_name, a->ao_name, sizeof v.ao_name);
    memcpy(v.subject_code, a->subject_code, sizeof v.subject_code);
    memcpy(v.subject, a->subject, sizeof v.subject);
    memcpy(v.qualification_type, a->qualification_type,
           sizeof v.qualification_type);
    memcpy(v.level, a->level, sizeof v.level);
    memcpy(v.grade, a->grade, sizeof v.grade);
    v.status = a->status;
    v.award_date = a->award_date;
    v.credits = a->credits;
    return lrs_achievement_list_add(sw->list, &v);
}

enum lrs_err lrs_plr_share_open(struct lrs_store *s,
                                const struct lrs_actor *actor,
                                struct lrs_str token, struct lrs_plr *out,
                                struct lrs_diag *diag)
{
    uint8_t hash[LRS_AUTH_TOKEN_HASH_LEN];
    struct lrs_share sh;
    struct lrs_learner l;
    struct lrs_plr p;
    struct shown sw;
    const int64_t now = now_ms();
    enum lrs_err err;
    bool own;

    if (lrs_auth_token_hash(lrs_str_trim(token), hash)) {
        lrs_diag_set(diag, "token", "no such share");
        return LRS_ENOTFOUND;
    }
    lrs_plr_init(&p);
    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_share_get(s, 0, hash, &sh);
    if (!err && (sh.revoked_ms || sh.expires_ms <= now))
        err = LRS_ENOTFOUND;
    if (err == LRS_ENOTFOUND)
        lrs_diag_set(diag, "token",
                     "no such share, or it was revoked or "
                     "has expired");
    else if (err)
        lrs__service_store_err(s, err, diag);
    if (!err)
        err = lrs_store_learner_get(s, sh.uln, LRS_STORE_GET_RESOLVE, &l);
    if (!err) {
        sw.sh = &sh;
        sw.list = &p.events;
        err = lrs_store_achievement_scan(s, l.uln, keep_shared, &sw);
    }
    if (!err) {
        sh.views++;
        sh.last_view_ms = now;
        err = lrs_store_share_update(s, &sh);
    }
    if (err && err != LRS_ENOTFOUND && err != LRS_ENOMEM && !diag->msg[0])
        lrs__service_store_err(s, err, diag);
    if (!err)
        err = lrs__service_audit(s, actor, LRS_AUDIT_SHARE_VIEW, l.uln, diag);
    err = lrs__service_leave(s, own, err, diag);
    if (err) {
        lrs_plr_release(&p);
        return err;
    }
    memcpy(p.learner.given_name, l.given_name, sizeof l.given_name);
    memcpy(p.learner.family_name, l.family_name, sizeof l.family_name);
    *out = p;
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Exam entries                                                       */
/* ------------------------------------------------------------------ */

enum {
    E_CANDIDATE,
    E_QUAL_CODE,
    E_SERIES,
    E_GIVEN,
    E_FAMILY,
    E_UCI,
    E_ULN,
    E_DOB,
    E_GENDER,
    E_QUAL_TITLE,
    E__COUNT
};

static const char *const ecols[E__COUNT] = {
    "candidate_number",
    "qualification_code",
    "series",
    "given_name",
    "family_name",
    "uci",
    "uln",
    "date_of_birth",
    "gender",
    "qualification_title",
};

#define F(i) lrs__plr_csv_field(rec, map, (i))

static enum lrs_err parse_entry(const struct lrs_csv_record *rec,
                                const int *map, struct lrs_entry *en,
                                struct lrs_verify_input *in, bool *has_uln,
                                struct lrs_diag *d)
{
    const struct lrs_str uln = lrs_str_trim(F(E_ULN));
    enum lrs_err err;

    err = take_text(F(E_CANDIDATE), "candidate_number", en->candidate_number,
                    sizeof en->candidate_number, true, d);
    err = err ? err
              : take_text(F(E_QUAL_CODE), "qualification_code",
                          en->qualification_code, sizeof en->qualification_code,
                          true, d);
    err = err ? err
              : take_text(F(E_SERIES), "series", en->series, sizeof en->series,
                          true, d);
    err = err ? err
              : take_text(F(E_UCI), "uci", en->uci, sizeof en->uci, false, d);
    err = err ? err
              : take_text(F(E_QUAL_TITLE), "qualification_title",
                          en->qualification_title,
                          sizeof en->qualification_title, false, d);
    if (err)
        return err;
    /* Names, date of birth and gender as a verification wants them; a
     * placeholder ULN when the school has none, for the checks only. */
    err =
        lrs_verify_input_set(in, uln.len ? uln : LRS_STR("1000000043"),
                             F(E_GIVEN), F(E_FAMILY), F(E_DOB), F(E_GENDER), d);
    if (err)
        return err;
    *has_uln = uln.len != 0;
    if (*has_uln)
        memcpy(en->uln, in->uln, sizeof en->uln);
    memcpy(en->given_name, in->given_name, sizeof en->given_name);
    memcpy(en->family_name, in->family_name, sizeof en->family_name);
    en->date_of_birth = in->date_of_birth;
    en->gender = in->gender;
    return LRS_OK;
}

/* Whether what the school sent differs (not the verification). */
static bool entry_differs(const struct lrs_entry *a, const struct lrs_entry *b)
{
    return strcmp(a->uci, b->uci) != 0 || strcmp(a->uln, b->uln) != 0 ||
           strcmp(a->given_name, b->given_name) != 0 ||
           strcmp(a->family_name, b->family_name) != 0 ||
           !same_date(a->date_of_birth, b->date_of_birth) ||
           a->gender != b->gender ||
           strcmp(a->qualification_title, b->qualification_title) != 0;
}

struct submit {
    struct lrs_store *s;
    const struct lrs_actor *actor;
    const struct lrs_entries_opts *o;
    struct lrs_entries_summary sum;
};

static enum lrs_err submit_row(struct submit *sb,
                               const struct lrs_csv_record *rec, const int *map,
                               struct lrs_diag *diag)
{
    const int64_t now = now_ms();
    struct lrs_entry en, old;
    struct lrs_entry_row row;
    struct lrs_verify_input in;
    bool has_uln = false;
    enum lrs_err err;

    memset(&en, 0, sizeof en);
    memset(&row, 0, sizeof row);
    row.line = rec->line;
    snprintf(en.school, sizeof en.school, "%s", sb->o->school);
    memcpy(en.ao_ukprn, sb->o->ao_ukprn, LRS_UKPRN_SIZE);
    err = parse_entry(rec, map, &en, &in, &has_uln, &row.why);
    if (err == LRS_EINVAL) {
        row.outcome = LRS_ENTRY_REJECTED;
        sb->sum.rejected++;
        return sb->o->on_row ? sb->o->on_row(sb->o->ctx, &row) : LRS_OK;
    }
    if (!err && has_uln) {
        struct lrs_learner reg;
        struct lrs_verify_result vr;

        err = lrs__verify_one(sb->s, sb->actor, &in, &reg, &vr, diag);
        en.verify_code = vr.code;
        en.verify_flags = vr.flags;
        if (!err && !lrs_verify_accepted(vr.code))
            sb->sum.not_verified++;
    }
    if (err)
        return err;
    err = lrs_store_entry_find(sb->s, &en, &old);
    if (err == LRS_ENOTFOUND) {
        row.outcome = LRS_ENTRY_NEW;
        en.submitted_ms = en.amended_ms = now;
        err = LRS_OK;
    } else if (!err) {
        en.id = old.id;
        en.submitted_ms = old.submitted_ms;
        en.sent_ms = old.sent_ms;
        row.outcome =
            entry_differs(&en, &old) ? LRS_ENTRY_AMENDED : LRS_ENTRY_UNCHANGED;
        /* Pending means sent_ms < amended_ms: an amendment in the same
         * millisecond as the last send must still count as after it. */
        en.amended_ms = old.amended_ms;
        if (row.outcome == LRS_ENTRY_AMENDED)
            en.amended_ms = now > old.sent_ms ? now : old.sent_ms + 1;
    }
    if (!err && (row.outcome != LRS_ENTRY_UNCHANGED ||
                 en.verify_code != old.verify_code ||
                 en.verify_flags != old.verify_flags))
        err = lrs_store_entry_put(sb->s, &en);
    if (err)
        return lrs__service_store_err(sb->s, err, diag);
    if (row.outcome == LRS_ENTRY_NEW)
        sb->sum.added++;
    else if (row.outcome == LRS_ENTRY_AMENDED)
        sb->sum.amended++;
    else
        sb->sum.unchanged++;
    row.e = &en;
    return sb->o->on_row ? sb->o->on_row(sb->o->ctx, &row) : LRS_OK;
}

#undef F

enum lrs_err lrs_plr_entries_submit(struct lrs_store *s,
                                    const struct lrs_actor *actor,
                                    lrs_csv_read_fn read, void *read_ctx,
                                    const struct lrs_entries_opts *opts,
                                    struct lrs_entries_summary *sum,
                                    struct lrs_diag *diag)
{
    struct lrs_csv_opts copts = {opts->name, 0, 0, 0};
    struct submit sb;
    struct lrs_csv *csv = NULL;
    struct lrs_csv_record rec;
    char ukprn[LRS_UKPRN_SIZE], school[LRS_PLR_CODE_SIZE];
    int map[E__COUNT];
    enum lrs_err err;
    bool own = false, eof = false;

    memset(&sb, 0, sizeof sb);
    sb.s = s;
    sb.actor = actor;
    sb.o = opts;
    err = take_ukprn(lrs_str_c(opts->ao_ukprn ? opts->ao_ukprn : ""), "ao",
                     ukprn, true, diag);
    if (!err)
        err = take_text(lrs_str_c(opts->school ? opts->school : ""), "school",
                        school, sizeof school, true, diag);
    if (!err)
        err = lrs_csv_new(read, read_ctx, &copts, &csv);
    if (!err)
        err = lrs_csv_next(csv, &rec, &eof, diag);
    if (!err && eof) {
        lrs_diag_set(diag, "header", "the file is empty");
        err = LRS_ERR(LRS_EINVAL);
    }
    if (!err)
        err = lrs__plr_csv_header(&rec, ecols, E__COUNT, E_UCI, map, diag);
    if (!err)
        err = lrs__service_enter(s, &own, diag);
    while (!err) {
        err = lrs_csv_next(csv, &rec, &eof, diag);
        if (err || eof)
            break;
        sb.sum.rows++;
        err = submit_row(&sb, &rec, map, diag);
    }
    if (own)
        err = lrs__service_leave(s, own, err, diag);
    lrs_csv_free(csv);
    if (sum)
        *sum = sb.sum;
    return err;
}

struct pending {
    struct lrs_entry *items;
    size_t count, cap;
};

static enum lrs_err gather(const struct lrs_entry *e, void *ctx)
{
    struct pending *p = ctx;

    if (p->count == p->cap) {
        const size_t cap = p->cap ? p->cap * 2 : 64;
        size_t bytes;
        struct lrs_entry *n;

        if (lrs_mul_size(cap, sizeof *n, &bytes))
            return LRS_ERR(LRS_ENOMEM);
        n = lrs_realloc(p->items, bytes);
        if (!n)
            return LRS_ERR(LRS_ENOMEM);
        p->items = n;
        p->cap = cap;
    }
    p->items[p->count++] = *e;
    return LRS_OK;
}

/* ENTRY audit rows for the learners of `p` (entries with a ULN). */
static enum lrs_err audit_entries(struct lrs_store *s,
                                  const struct lrs_actor *actor,
                                  const struct pending *p,
                                  struct lrs_diag *diag)
{
    enum lrs_err err = LRS_OK;

    for (size_t i = 0; !err && i < p->count; i++)
        if (p->items[i].uln[0])
            err = lrs__service_audit(s, actor, LRS_AUDIT_ENTRY, p->items[i].uln,
                                     diag);
    return err;
}

enum lrs_err lrs_plr_entries_send(struct lrs_store *s,
                                  const struct lrs_actor *actor,
                                  const char *ao_ukprn, const char *school,
                                  lrs_store_entry_fn fn, void *ctx,
                                  uint64_t *count, int64_t *submission,
                                  struct lrs_diag *diag)
{
    struct pending p = {NULL, 0, 0};
    struct lrs_entry_submission sub;
    const int64_t now = now_ms();
    enum lrs_err err;
    bool own;

    memset(&sub, 0, sizeof sub);
    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_entry_scan(s, ao_ukprn, school, LRS_ENTRY_SCAN_PENDING,
                               gather, &p);
    if (!err && p.count) {
        snprintf(sub.ao_ukprn, sizeof sub.ao_ukprn, "%s", ao_ukprn);
        snprintf(sub.school, sizeof sub.school, "%s", school ? school : "");
        sub.sent_ms = now;
        sub.entry_count = (int64_t)p.count;
        sub.user_id = actor->user_id;
        sub.org_id = actor->org_id;
        err = lrs_store_entry_submission_add(s, &sub);
    }
    if (err && err != LRS_ENOMEM)
        lrs__service_store_err(s, err, diag);
    for (size_t i = 0; !err && i < p.count; i++) {
        p.items[i].sent_ms = now;
        p.items[i].submission = sub.number;
        err = fn ? fn(&p.items[i], ctx) : LRS_OK;
        if (!err)
            err = lrs_store_entry_version_add(s, sub.id, &p.items[i]);
        if (!err)
            err = lrs_store_entry_mark_sent(s, p.items[i].id, now);
        if (err && err != LRS_ENOMEM)
            lrs__service_store_err(s, err, diag);
    }
    if (!err)
        err = audit_entries(s, actor, &p, diag);
    err = lrs__service_leave(s, own, err, diag);
    if (!err && count)
        *count = p.count;
    if (!err && submission)
        *submission = sub.number;
    lrs_free(p.items);
    return err;
}

enum lrs_err lrs_plr_entries_sent(struct lrs_store *s,
                                  const struct lrs_actor *actor,
                                  const char *ao_ukprn, int64_t number,
                                  lrs_store_entry_fn fn, void *ctx,
                                  struct lrs_diag *diag)
{
    struct pending p = {NULL, 0, 0};
    enum lrs_err err;
    bool own;

    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    /* Gathered first: the scan's callback may not call the store, and
     * each learner shown is audited. */
    err = lrs_store_entry_sent_scan(s, ao_ukprn, number, gather, &p);
    if (err && err != LRS_ENOMEM)
        lrs__service_store_err(s, err, diag);
    if (!err)
        err = audit_entries(s, actor, &p, diag);
    for (size_t i = 0; !err && fn && i < p.count; i++)
        err = fn(&p.items[i], ctx);
    err = lrs__service_leave(s, own, err, diag);
    lrs_free(p.items);
    return err;
}
