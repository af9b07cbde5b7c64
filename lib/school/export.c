/*
 * export.c - the ULN-request CTF a school sends to the LRS, and its log.
 *
 * Each selected roster row becomes a CTF pupil holding only basic details
 * and address (DOMAIN.md: "Only basic details and address should be
 * sent"), is checked with lrs_ctf_validate_pupil() on census day, and is
 * written unless a finding blocks it. The findings are reworded into what
 * a school's MIS says on export (DOMAIN.md, "The school side"), and every
 * selected pupil gets at least one log entry.
 */
#include "base/base.h"

#include "school/school_int.h"

#include <lrs/ctf.h>

/* A CTF pupil built from a roster row, with the storage it points into. */
struct req {
    struct lrs_ctf_pupil p;
    char dob[11];
    char sex[2];
    struct lrs_postcode pc;
};

/* CTF elements as roster columns, for the log. */
static const struct {
    const char *element, *column;
} columns[] = {
    {"UPN", "upn"},
    {"UniqueLearnerNumber", "uln"},
    {"Surname", "surname"},
    {"Forename", "forename"},
    {"MiddleNames", "middle_names"},
    {"PreferredSurname", "preferred_surname"},
    {"FormerSurname", "former_surname"},
    {"DOB", "date_of_birth"},
    {"Sex", "sex"},
    {"Gender", "sex"},
    {"SAON", "saon"},
    {"PAON", "paon"},
    {"Street", "street"},
    {"Locality", "locality"},
    {"Town", "town"},
    {"AdministrativeArea", "administrative_area"},
    {"PostTown", "post_town"},
    {"AddressLine1", "address_line1"},
    {"AddressLine2", "address_line2"},
    {"AddressLine3", "address_line3"},
    {"AddressLine4", "address_line4"},
    {"AddressLine5", "address_line5"},
    {"PostCode", "postcode"},
    {"Address", "address"},
};

static const char *column_of(const char *element)
{
    for (size_t i = 0; i < LRS_ARRAY_LEN(columns); i++)
        if (strcmp(columns[i].element, element) == 0)
            return columns[i].column;
    return element;
}

struct lrs_date lrs_school_census_day(int year)
{
    const struct lrs_date jan1 = {(int16_t)year, 1, 1};
    const int32_t days = lrs_date_to_days(jan1);
    /* Day 0, 1970-01-01, was a Thursday. */
    const int w = (int)(((days % 7) + 7) % 7);

    return lrs_date_from_days(days + (7 - w) % 7 + 14);
}

static bool on_roll(const struct lrs_school_pupil *p)
{
    return p->status != LRS_SCHOOL_LEFT && p->status != LRS_SCHOOL_WITHDRAWN;
}

static bool valid_uln(const struct lrs_school_pupil *p)
{
    return lrs_uln_check(lrs_str_c(p->field[LRS_SCHOOL_ULN]), NULL) == LRS_OK;
}

static bool selected(const struct lrs_school_pupil *p,
                     const struct lrs_school_export_opts *o)
{
    if (!on_roll(p))
        return false;
    switch (o->select) {
    case LRS_SCHOOL_SELECT_ALL:
        return true;
    case LRS_SCHOOL_SELECT_YEARS:
        return p->nc_year >= 1 && (o->years & (1u << p->nc_year)) != 0;
    case LRS_SCHOOL_SELECT_CENSUS:
        break;
    }
    /* A pupil of unknown age goes, so that the log says why it blocks. */
    if (valid_uln(p))
        return false;
    return !p->has_dob || lrs_date_age_on(p->dob, o->census_date) >= 14;
}

static void build(const struct lrs_school_pupil *s, struct req *q)
{
    const char *const *f = s->field;
    struct lrs_ctf_pupil *p = &q->p;
    struct lrs_ctf_address *a = &p->address;

    memset(q, 0, sizeof *q);
    p->upn = f[LRS_SCHOOL_UPN];
    p->uln = f[LRS_SCHOOL_ULN];
    p->uci = "";
    p->surname = f[LRS_SCHOOL_SURNAME];
    p->forename = f[LRS_SCHOOL_FORENAME];
    if (s->has_dob)
        lrs_date_format(s->dob, q->dob);
    p->dob = q->dob;
    q->sex[0] = (char)(f[LRS_SCHOOL_SEX][0] & ~0x20);
    if (!f[LRS_SCHOOL_SEX][0])
        q->sex[0] = '\0';
    p->sex = q->sex;
    p->sex_element = LRS_CTF_SEX_SEX;
    p->former_upn = f[LRS_SCHOOL_FORMER_UPN];
    p->preferred_surname = f[LRS_SCHOOL_PREFERRED_SURNAME];
    p->preferred_forename = "";
    p->former_surname = f[LRS_SCHOOL_FORMER_SURNAME];
    p->middle_names = f[LRS_SCHOOL_MIDDLE_NAMES];
    p->nc_year_actual = f[LRS_SCHOOL_NC_YEAR];
    a->saon = f[LRS_SCHOOL_SAON];
    a->paon = f[LRS_SCHOOL_PAON];
    a->street = f[LRS_SCHOOL_STREET];
    a->locality = f[LRS_SCHOOL_LOCALITY];
    a->town = f[LRS_SCHOOL_TOWN];
    a->administrative_area = f[LRS_SCHOOL_ADMINISTRATIVE_AREA];
    a->post_town = f[LRS_SCHOOL_POST_TOWN];
    a->uprn = "";
    a->county = "";
    for (int i = 0; i < 5; i++)
        a->lines[i] = f[LRS_SCHOOL_ADDRESS_LINE1 + i];
    for (int i = LRS_SCHOOL_SAON; i <= LRS_SCHOOL_POST_TOWN; i++)
        a->has_bs7666 |= *f[i] != '\0';
    for (int i = LRS_SCHOOL_ADDRESS_LINE1; i <= LRS_SCHOOL_ADDRESS_LINE5; i++)
        a->has_lines |= *f[i] != '\0';
    /* The canonical form when it parses; else as written, for RC011. */
    a->postcode = f[LRS_SCHOOL_POSTCODE];
    if (lrs_postcode_parse(lrs_str_c(a->postcode), &q->pc, NULL) == LRS_OK)
        a->postcode = q->pc.text;
}

/* One finding as a school's MIS words it (DOMAIN.md). */
static enum lrs_err log_finding(struct lrs_school_log *log,
                                struct lrs_school_log_entry *e,
                                const struct lrs_ctf_finding *f,
                                const struct lrs_ctf_pupil *p)
{
    const char *msg = f->message;

    e->code = f->code;
    e->field = column_of(f->field);
    e->severity = f->severity == LRS_CTF_BLOCKING ? LRS_SCHOOL_BLOCKING
                                                  : LRS_SCHOOL_WARNING;
    if (strcmp(f->code, LRS_CTF_RC_NULL_VALUES) == 0)
        msg = "No postcode - no ULN can be issued (Null Values)";
    else if (strcmp(f->code, LRS_CTF_RC_INSUFFICIENT) == 0 &&
             strcmp(f->field, "DOB") == 0)
        msg = "Date of birth missing - no ULN can be issued";
    else if (strcmp(f->code, LRS_CTF_RC_INSUFFICIENT) == 0 &&
             (strcmp(f->field, "Sex") == 0 || strcmp(f->field, "Gender") == 0))
        msg = "Sex missing - no ULN can be issued";
    else if (strcmp(f->code, LRS_CTF_W_HAS_ULN) == 0)
        return lrs__school_log_add(log, e,
                                   "CTF export includes pupils who already "
                                   "have ULNs (ULN %s)",
                                   p->uln);
    return lrs__school_log_add(log, e, "%s", msg);
}

static enum lrs_err export_one(const struct lrs_school_pupil *s,
                               struct lrs_date on, struct lrs_ctf_writer *w,
                               struct lrs_ctf_findings *fs,
                               struct lrs_school_log *log,
                               struct lrs_school_export_stats *st)
{
    struct lrs_school_log_entry e = {0};
    struct lrs_diag d = LRS_DIAG_INIT;
    struct req q;
    enum lrs_err err;
    bool go;

    build(s, &q);
    lrs_ctf_findings_reset(fs);
    err = lrs_ctf_validate_pupil(&q.p, on, fs);
    if (err)
        return err;
    st->selected++;
    go = fs->blocking_count == 0;
    if (go) {
        err = lrs_ctf_writer_add(w, &q.p, &d);
        if (err && err != LRS_EINVAL)
            return err;
        go = err == LRS_OK;
    }
    e.roster_line = s->line;
    e.ctf_pupil = go ? st->exported + 1 : 0;
    e.upn = q.p.upn;
    e.surname = q.p.surname;
    e.forename = q.p.forename;
    e.outcome = go ? "exported" : "not exported";
    if (err == LRS_EINVAL) {
        e.code = LRS_CTF_RC_FORMAT;
        e.severity = LRS_SCHOOL_BLOCKING;
        e.field = column_of(d.field ? d.field : "");
        err = lrs__school_log_add(log, &e, "%s", d.msg);
        if (err)
            return err;
    }
    for (size_t i = 0; !err && i < fs->count; i++) {
        err = log_finding(log, &e, &fs->items[i], &q.p);
        st->warnings += fs->items[i].severity == LRS_CTF_WARNING;
    }
    if (!err && go && fs->count == 0) {
        e.severity = LRS_SCHOOL_INFO;
        err = lrs__school_log_add(log, &e, "exported");
    }
    st->exported += go;
    st->blocked += !go;
    st->with_uln += go && *q.p.uln;
    return err;
}

static bool digits(const char *s, size_t n)
{
    if (!s || strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Export to the file `ctf_path`, or with `ctf_path` NULL into `buf`. */
static enum lrs_err export_to(const struct lrs_school_roster *r,
                              const struct lrs_school_export_opts *o,
                              const char *ctf_path, struct lrs_buf *buf,
                              struct lrs_school_log *log,
                              struct lrs_school_export_stats *st,
                              struct lrs_diag *diag)
{
    struct lrs_ctf_findings fs = LRS_CTF_FINDINGS_INIT;
    struct lrs_ctf_header h;
    struct lrs_ctf_writer *w = NULL;
    char year[8];
    enum lrs_err err;

    memset(st, 0, sizeof *st);
    if (!digits(o->la, 3) || !digits(o->estab, 4)) {
        lrs_diag_set(diag, "school",
                     "school must be LA/ESTAB: 3 and 4 digits (e.g. 801/2000)");
        return LRS_ERR(LRS_EINVAL);
    }
    if (o->select == LRS_SCHOOL_SELECT_YEARS && !(o->years & 0x7ffeu)) {
        lrs_diag_set(diag, "years", "no year group chosen (1-14)");
        return LRS_ERR(LRS_EINVAL);
    }
    /* The academic year starts in September and is named by that year,
     * as CTF AcademicYear is (2025 for 2025/26). */
    snprintf(year, sizeof year, "%d",
             o->census_date.month >= 9 ? o->census_date.year
                                       : o->census_date.year - 1);
    h = (struct lrs_ctf_header){
        .document_name = "Common Transfer File",
        .ctf_version = "25.0",
        .date_time = o->date_time ? o->date_time : "",
        .document_qualifier = "partial",
        .data_qualifier = "partial",
        .data_descriptor = "ULN request",
        .supplier_id = LRS_CTF_SUPPLIER_ID,
        .source_lea = o->la,
        .source_estab = o->estab,
        .source_urn = "",
        .source_school_name = o->school_name ? o->school_name : "",
        .source_academic_year = year,
        .dest_lea = LRS_CTF_LRS_LEA,
        .dest_estab = LRS_CTF_LRS_ESTAB,
    };
    err = ctf_path ? lrs_ctf_writer_open(ctf_path, &h, &w, diag)
                   : lrs_ctf_writer_open_buf(buf, &h, &w, diag);
    if (err)
        return err;
    for (size_t i = 0; !err && i < r->count; i++)
        if (selected(&r->pupils[i], o))
            err = export_one(&r->pupils[i], o->census_date, w, &fs, log, st);
    if (err) {
        lrs_diag_set(diag, NULL, "%s", lrs_strerror(err));
        lrs_ctf_writer_free(w);
    } else {
        err = lrs_ctf_writer_commit(w, diag);
    }
    lrs_ctf_findings_release(&fs);
    return err;
}

enum lrs_err lrs_school_export(const struct lrs_school_roster *r,
                               const struct lrs_school_export_opts *o,
                               const char *ctf_path, struct lrs_school_log *log,
                               struct lrs_school_export_stats *st,
                               struct lrs_diag *diag)
{
    return export_to(r, o, ctf_path, NULL, log, st, diag);
}

enum lrs_err lrs_school_export_buf(const struct lrs_school_roster *r,
                                   const struct lrs_school_export_opts *o,
                                   struct lrs_buf *ctf,
                                   struct lrs_school_log *log,
                                   struct lrs_school_export_stats *st,
                                   struct lrs_diag *diag)
{
    return export_to(r, o, NULL, ctf, log, st, diag);
}
