/*
 * import.c - taking the ULNs of a returned CTF into the roster.
 *
 * The file is checked whole (lrs_ctf_check_file()) and its pupils copied
 * into memory before anything is decided. Each pupil is then matched to a
 * roster row: by UPN, then by former UPN (either way round), then by
 * surname, forename and date of birth, the order a school's MIS uses
 * (names compared as the match engine does: lrs__school_same_name()). The
 * decisions for all pupils are planned first, with every new cell value
 * allocated, and applied at the end by pointer assignment, which cannot
 * fail: so an error at any point leaves the roster as it was.
 *
 * Only three cells ever change: uln (the ULN arrived), and upn with
 * former_upn (a temporary UPN replaced by the permanent one in the file).
 * Every change is a log entry with the old and new value; any other
 * difference between file and roster is logged and left alone. The
 * messages are those of DOMAIN.md ("The school side") where it has one.
 */
#include "base/base.h"

#include "school/school_int.h"

#include <lrs/ctf.h>

/* A pupil of the file; strings in the import's arena. */
struct fp {
    uint64_t ordinal;
    const char *upn, *uln, *surname, *forename, *dob, *sex, *former_upn;
    const char *postcode;
};

/* One planned cell change. */
struct change {
    size_t row;
    enum lrs_school_field field;
    const char *value; /* in the roster's arena */
};

/* One log entry waiting for the pupil's outcome. */
struct step {
    const char *code;
    enum lrs_school_severity severity;
    const char *field;
    const char *old_value, *new_value;
    char msg[240];
};

struct imp {
    struct lrs_school_roster *r;
    struct lrs_arena arena;
    struct fp *fps;
    size_t fp_count;
    struct lrs__school_key *by_upn, *by_former, *by_uln;
    size_t n_upn, n_former, n_uln;
    uint64_t *taken_by;     /* per row: ordinal of the pupil matched, 0 */
    const char **new_uln;   /* per row: ULN planned for it, or NULL */
    struct change *changes; /* planned, in order */
    size_t change_count;
    struct step steps[12]; /* of the pupil being decided */
    size_t step_count;
};

static void step(struct imp *m, const char *code, enum lrs_school_severity sev,
                 const char *field, const char *old_value,
                 const char *new_value, const char *fmt, ...) LRS_PRINTF(7, 8);

static void step(struct imp *m, const char *code, enum lrs_school_severity sev,
                 const char *field, const char *old_value,
                 const char *new_value, const char *fmt, ...)
{
    struct step *s;
    va_list ap;

    if (LRS_NEVER(m->step_count == LRS_ARRAY_LEN(m->steps)))
        return;
    s = &m->steps[m->step_count++];
    s->code = code;
    s->severity = sev;
    s->field = field ? field : "";
    s->old_value = old_value ? old_value : "";
    s->new_value = new_value ? new_value : "";
    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------------ */
/* Reading the file                                                   */
/* ------------------------------------------------------------------ */

static const char *keep(struct imp *m, const char *s)
{
    return lrs_arena_strndup(&m->arena, s, strlen(s));
}

/* Where the returned CTF is: a file at `path`, or `len` bytes at `data`. */
struct source {
    const char *path;
    const char *data;
    size_t len;
};

static enum lrs_err open_source(const struct source *src,
                                struct lrs_ctf_reader **rd,
                                struct lrs_diag *diag)
{
    if (src->path)
        return lrs_ctf_reader_open_file(src->path, NULL, rd, diag);
    return lrs_ctf_reader_open_mem(src->data, src->len, NULL, rd, diag);
}

/* The whole-file check (lrs_ctf_check_file(), also for memory). */
static enum lrs_err check_source(const struct source *src, uint64_t *count,
                                 struct lrs_diag *diag)
{
    struct lrs_ctf_reader *rd = NULL;
    const struct lrs_ctf_pupil *p;
    enum lrs_err err;

    if (src->path)
        return lrs_ctf_check_file(src->path, NULL, count, diag);
    *count = 0;
    err = open_source(src, &rd, diag);
    while (!err) {
        err = lrs_ctf_reader_next(rd, &p, diag);
        if (err || !p)
            break;
        (*count)++;
    }
    lrs_ctf_reader_free(rd);
    return err;
}

static enum lrs_err read_file(struct imp *m, const struct source *src,
                              struct lrs_diag *diag)
{
    struct lrs_ctf_reader *rd = NULL;
    const struct lrs_ctf_pupil *p;
    uint64_t count = 0;
    enum lrs_err err;

    err = check_source(src, &count, diag);
    if (err)
        return err;
    m->fps = lrs_calloc(count ? (size_t)count : 1, sizeof *m->fps);
    if (!m->fps)
        return LRS_ERR(LRS_ENOMEM);
    err = open_source(src, &rd, diag);
    while (!err) {
        struct fp *f;

        err = lrs_ctf_reader_next(rd, &p, diag);
        if (err || !p)
            break;
        if (m->fp_count == count) {
            lrs_diag_set(diag, "ctf", "the file changed while it was read");
            err = LRS_ERR(LRS_EINVAL);
            break;
        }
        f = &m->fps[m->fp_count];
        f->ordinal = p->ordinal;
        f->upn = keep(m, p->upn);
        f->uln = keep(m, p->uln);
        f->surname = keep(m, p->surname);
        f->forename = keep(m, p->forename);
        f->dob = keep(m, p->dob);
        f->sex = keep(m, p->sex);
        f->former_upn = keep(m, p->former_upn);
        f->postcode = keep(m, p->address.postcode);
        if (!f->upn || !f->uln || !f->surname || !f->forename || !f->dob ||
            !f->sex || !f->former_upn || !f->postcode)
            err = LRS_ERR(LRS_ENOMEM);
        m->fp_count++;
    }
    lrs_ctf_reader_free(rd);
    return err;
}

/* ------------------------------------------------------------------ */
/* Indexes                                                            */
/* ------------------------------------------------------------------ */

static enum lrs_err index_of(struct imp *m, enum lrs_school_field f,
                             struct lrs__school_key **out, size_t *n)
{
    const struct lrs_school_roster *r = m->r;

    *n = 0;
    *out = lrs_calloc(r->count ? r->count : 1, sizeof **out);
    if (!*out)
        return LRS_ERR(LRS_ENOMEM);
    for (size_t i = 0; i < r->count; i++)
        if (*r->pupils[i].field[f])
            (*out)[(*n)++] = (struct lrs__school_key){r->pupils[i].field[f], i};
    qsort(*out, *n, sizeof **out, lrs__school_key_cmp);
    return LRS_OK;
}

/* The first row whose key is `key`, or SIZE_MAX. */
static size_t lookup(const struct lrs__school_key *keys, size_t n,
                     const char *key)
{
    size_t lo = 0, hi = n;

    if (!*key)
        return SIZE_MAX;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;

        if (strcmp(keys[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(keys[lo].key, key) == 0 ? keys[lo].row : SIZE_MAX;
}

/* ------------------------------------------------------------------ */
/* Deciding                                                           */
/* ------------------------------------------------------------------ */

/* Names and date of birth; `*several` when more than one row matches. */
static size_t match_names(const struct imp *m, const struct fp *f,
                          bool *several)
{
    struct lrs_date dob;
    size_t found = SIZE_MAX;

    *several = false;
    if (!*f->surname || !*f->forename ||
        lrs_date_parse(lrs_str_c(f->dob), 0, "DOB", &dob, NULL) != LRS_OK)
        return SIZE_MAX;
    for (size_t i = 0; i < m->r->count; i++) {
        const struct lrs_school_pupil *p = &m->r->pupils[i];

        if (!p->has_dob || lrs_date_to_days(p->dob) != lrs_date_to_days(dob) ||
            !lrs__school_same_name(p->field[LRS_SCHOOL_SURNAME], f->surname) ||
            !lrs__school_same_name(p->field[LRS_SCHOOL_FORENAME], f->forename))
            continue;
        if (found != SIZE_MAX) {
            *several = true;
            return SIZE_MAX;
        }
        found = i;
    }
    return found;
}

static size_t match(const struct imp *m, const struct fp *f, bool *several)
{
    size_t row;

    *several = false;
    row = lookup(m->by_upn, m->n_upn, f->upn);
    if (row != SIZE_MAX)
        return row;
    row = lookup(m->by_former, m->n_former, f->upn);
    if (row == SIZE_MAX)
        row = lookup(m->by_upn, m->n_upn, f->former_upn);
    if (row != SIZE_MAX)
        return row;
    return match_names(m, f, several);
}

static enum lrs_err plan(struct imp *m, size_t row, enum lrs_school_field fld,
                         const char *value)
{
    const char *v = lrs__school_roster_dup(m->r, value);

    if (!v)
        return LRS_ERR(LRS_ENOMEM);
    m->changes[m->change_count++] = (struct change){row, fld, v};
    return LRS_OK;
}

static bool temporary(const char *upn)
{
    enum lrs_upn_kind k;

    return lrs_upn_check(lrs_str_c(upn), &k, NULL) == LRS_OK &&
           k == LRS_UPN_TEMPORARY;
}

static bool permanent(const char *upn)
{
    enum lrs_upn_kind k;

    return lrs_upn_check(lrs_str_c(upn), &k, NULL) == LRS_OK &&
           k == LRS_UPN_PERMANENT;
}

/* A temporary UPN in the roster, the permanent one in the file. */
static enum lrs_err decide_upn(struct imp *m, size_t row, const struct fp *f)
{
    const struct lrs_school_pupil *p = &m->r->pupils[row];
    const char *old = p->field[LRS_SCHOOL_UPN];
    enum lrs_err err;

    if (!temporary(old) || !permanent(f->upn) ||
        lookup(m->by_upn, m->n_upn, f->upn) != SIZE_MAX)
        return LRS_OK;
    step(m, "I002", LRS_SCHOOL_CHANGE, "upn", old, f->upn,
         "Student had Temporary UPN recorded - Updated to Permanent UPN "
         "from import file");
    err = plan(m, row, LRS_SCHOOL_UPN, f->upn);
    if (err || *p->field[LRS_SCHOOL_FORMER_UPN])
        return err;
    step(m, "I002", LRS_SCHOOL_CHANGE, "former_upn", "", old,
         "Temporary UPN kept as the former UPN");
    return plan(m, row, LRS_SCHOOL_FORMER_UPN, old);
}

/* The row holding or about to hold `uln`, other than `row`; or SIZE_MAX. */
static size_t uln_holder(const struct imp *m, size_t row, const char *uln)
{
    size_t lo = 0, hi = m->n_uln;

    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;

        if (strcmp(m->by_uln[mid].key, uln) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < m->n_uln && strcmp(m->by_uln[lo].key, uln) == 0; lo++)
        if (m->by_uln[lo].row != row)
            return m->by_uln[lo].row;
    for (size_t i = 0; i < m->r->count; i++)
        if (i != row && m->new_uln[i] && strcmp(m->new_uln[i], uln) == 0)
            return i;
    return SIZE_MAX;
}

static enum lrs_err decide_uln(struct imp *m, size_t row, const struct fp *f)
{
    const char *held = m->r->pupils[row].field[LRS_SCHOOL_ULN];
    struct lrs_diag d = LRS_DIAG_INIT;
    size_t other;

    if (!*f->uln) {
        step(m, "I008", LRS_SCHOOL_WARNING, "uln", NULL, NULL,
             "No ULN in the import file for this student");
        return LRS_OK;
    }
    if (lrs_uln_check(lrs_str_c(f->uln), &d) != LRS_OK) {
        step(m, "I008", LRS_SCHOOL_BLOCKING, "uln", NULL, NULL,
             "ULN '%.12s' in the import file is invalid: %s - not taken",
             f->uln, d.msg);
        return LRS_OK;
    }
    if (strcmp(held, f->uln) == 0) {
        step(m, "I007", LRS_SCHOOL_INFO, "uln", NULL, NULL,
             "No change - the roster already holds ULN %s", f->uln);
        return LRS_OK;
    }
    if (*held) {
        step(m, "I006", LRS_SCHOOL_BLOCKING, "uln", NULL, NULL,
             "Student already holds a different ULN (%.12s) - ULN %s from "
             "the import file not taken",
             held, f->uln);
        return LRS_OK;
    }
    other = uln_holder(m, row, f->uln);
    if (other != SIZE_MAX) {
        step(m, "I006", LRS_SCHOOL_BLOCKING, "uln", NULL, NULL,
             "ULN %s is already held by another student (roster line %llu) "
             "- not taken",
             f->uln, (unsigned long long)m->r->pupils[other].line);
        return LRS_OK;
    }
    step(m, "I001", LRS_SCHOOL_CHANGE, "uln", "", f->uln,
         "Student already exists in the school, but some data might have "
         "been updated");
    m->new_uln[row] = f->uln;
    return plan(m, row, LRS_SCHOOL_ULN, f->uln);
}

/* Other differences are reported, never merged. */
static void note_differences(struct imp *m, size_t row, const struct fp *f)
{
    const struct lrs_school_pupil *p = &m->r->pupils[row];
    struct lrs_postcode a, b;
    char dob[11] = "";
    const struct {
        const char *field, *file, *roster;
        bool same;
    } cmp[] = {
        {"surname", f->surname, p->field[LRS_SCHOOL_SURNAME],
         lrs__school_same_name(f->surname, p->field[LRS_SCHOOL_SURNAME])},
        {"forename", f->forename, p->field[LRS_SCHOOL_FORENAME],
         lrs__school_same_name(f->forename, p->field[LRS_SCHOOL_FORENAME])},
        {"date_of_birth", f->dob, dob, false},
        {"sex", f->sex, p->field[LRS_SCHOOL_SEX],
         lrs__school_same(f->sex, p->field[LRS_SCHOOL_SEX])},
        {"postcode", f->postcode, p->field[LRS_SCHOOL_POSTCODE],
         lrs__school_same(f->postcode, p->field[LRS_SCHOOL_POSTCODE]) ||
             (lrs_postcode_parse(lrs_str_c(f->postcode), &a, NULL) == 0 &&
              lrs_postcode_parse(lrs_str_c(p->field[LRS_SCHOOL_POSTCODE]), &b,
                                 NULL) == 0 &&
              strcmp(a.text, b.text) == 0)},
    };

    if (p->has_dob)
        lrs_date_format(p->dob, dob);
    for (size_t i = 0; i < LRS_ARRAY_LEN(cmp); i++) {
        bool same = cmp[i].same;

        if (i == 2)
            same = strcmp(f->dob, dob) == 0;
        if (same || !*cmp[i].file)
            continue;
        step(m, "I009", LRS_SCHOOL_INFO, cmp[i].field, NULL, NULL,
             "Import file has %s '%.40s', the roster '%.40s' - not changed",
             cmp[i].field, cmp[i].file, cmp[i].roster);
    }
}

/* Write the pupil's steps into the log under one outcome. */
static enum lrs_err flush(struct imp *m, const struct fp *f, size_t row,
                          const char *outcome, struct lrs_school_log *log)
{
    struct lrs_school_log_entry e = {0};
    enum lrs_err err = LRS_OK;

    e.roster_line = row == SIZE_MAX ? 0 : m->r->pupils[row].line;
    e.ctf_pupil = f->ordinal;
    e.upn = f->upn;
    e.surname = f->surname;
    e.forename = f->forename;
    e.outcome = outcome;
    for (size_t i = 0; !err && i < m->step_count; i++) {
        const struct step *s = &m->steps[i];

        e.code = s->code;
        e.severity = s->severity;
        e.field = s->field;
        e.old_value = s->old_value;
        e.new_value = s->new_value;
        err = lrs__school_log_add(log, &e, "%s", s->msg);
    }
    m->step_count = 0;
    return err;
}

static enum lrs_err decide(struct imp *m, const struct fp *f,
                           struct lrs_school_log *log,
                           struct lrs_school_import_stats *st)
{
    const size_t before = m->change_count;
    const char *outcome;
    bool several, uln_added = false, upn_updated = false, conflict = false;
    size_t row;
    enum lrs_err err = LRS_OK;

    row = match(m, f, &several);
    if (row == SIZE_MAX) {
        if (several)
            step(m, "I010", LRS_SCHOOL_BLOCKING, NULL, NULL, NULL,
                 "Several students in the roster match by name and date of "
                 "birth - not imported");
        else
            step(m, "I005", LRS_SCHOOL_BLOCKING, NULL, NULL, NULL,
                 "Student not found in the school roster - not imported");
        st->not_found++;
        return flush(m, f, row, several ? "not imported" : "not found", log);
    }
    if (m->taken_by[row]) {
        step(m, "I010", LRS_SCHOOL_BLOCKING, NULL, NULL, NULL,
             "Matches the same student as pupil %llu of the import file - "
             "not imported",
             (unsigned long long)m->taken_by[row]);
        st->conflicts++;
        return flush(m, f, row, "not imported", log);
    }
    m->taken_by[row] = f->ordinal;
    st->matched++;
    if (m->r->pupils[row].status == LRS_SCHOOL_LEFT)
        step(m, "I003", LRS_SCHOOL_WARNING, "enrolment_status", NULL, NULL,
             "Student has rejoined school, please readmit student");
    else if (m->r->pupils[row].status == LRS_SCHOOL_WITHDRAWN)
        step(m, "I004", LRS_SCHOOL_WARNING, "enrolment_status", NULL, NULL,
             "Student exists in Pre-admission group with status of "
             "Withdrawal");
    err = decide_upn(m, row, f);
    if (!err)
        err = decide_uln(m, row, f);
    if (err)
        return err;
    note_differences(m, row, f);
    for (size_t i = 0; i < m->step_count; i++) {
        uln_added |= strcmp(m->steps[i].code, "I001") == 0;
        upn_updated |= strcmp(m->steps[i].code, "I002") == 0;
        conflict |= strcmp(m->steps[i].code, "I006") == 0;
    }
    st->changes += m->change_count - before;
    st->ulns_added += uln_added;
    st->upns_updated += upn_updated;
    st->conflicts += conflict;
    st->unchanged += m->change_count == before;
    if (uln_added && upn_updated)
        outcome = "ULN added, UPN updated";
    else if (uln_added)
        outcome = "ULN added";
    else if (upn_updated)
        outcome = "UPN updated";
    else
        outcome = conflict ? "conflict" : "unchanged";
    return flush(m, f, row, outcome, log);
}

static enum lrs_err import_from(struct lrs_school_roster *r,
                                const struct source *src,
                                struct lrs_school_log *log,
                                struct lrs_school_import_stats *st,
                                struct lrs_diag *diag)
{
    struct imp m;
    const size_t n = r->count ? r->count : 1;
    enum lrs_err err;

    LRS_ASSERT(r && r->magic == LRS__SCHOOL_ROSTER_MAGIC);
    memset(st, 0, sizeof *st);
    memset(&m, 0, sizeof m);
    m.r = r;
    err = read_file(&m, src, diag);
    if (err)
        goto out;
    st->file_pupils = m.fp_count;
    m.taken_by = lrs_calloc(n, sizeof *m.taken_by);
    m.new_uln = lrs_calloc(n, sizeof *m.new_uln);
    m.changes = lrs_calloc(m.fp_count * 3 + 1, sizeof *m.changes);
    if (!m.taken_by || !m.new_uln || !m.changes) {
        err = LRS_ERR(LRS_ENOMEM);
        goto out;
    }
    err = index_of(&m, LRS_SCHOOL_UPN, &m.by_upn, &m.n_upn);
    if (!err)
        err = index_of(&m, LRS_SCHOOL_FORMER_UPN, &m.by_former, &m.n_former);
    if (!err)
        err = index_of(&m, LRS_SCHOOL_ULN, &m.by_uln, &m.n_uln);
    for (size_t i = 0; !err && i < m.fp_count; i++)
        err = decide(&m, &m.fps[i], log, st);
    if (err)
        goto out;
    /* Everything is decided and allocated: apply, which cannot fail. */
    for (size_t i = 0; i < m.change_count; i++)
        lrs__school_roster_set(r, m.changes[i].row, m.changes[i].field,
                               m.changes[i].value);
out:
    if (err == LRS_ENOMEM)
        lrs_diag_set(diag, NULL, "out of memory");
    lrs_free(m.by_upn);
    lrs_free(m.by_former);
    lrs_free(m.by_uln);
    lrs_free(m.taken_by);
    lrs_free((void *)m.new_uln);
    lrs_free(m.changes);
    lrs_free(m.fps);
    lrs_arena_release(&m.arena);
    return err;
}

enum lrs_err lrs_school_import(struct lrs_school_roster *r,
                               const char *ctf_path, struct lrs_school_log *log,
                               struct lrs_school_import_stats *st,
                               struct lrs_diag *diag)
{
    const struct source src = {ctf_path, NULL, 0};

    return import_from(r, &src, log, st, diag);
}

enum lrs_err lrs_school_import_mem(struct lrs_school_roster *r,
                                   const char *data, size_t len,
                                   struct lrs_school_log *log,
                                   struct lrs_school_import_stats *st,
                                   struct lrs_diag *diag)
{
    const struct source src = {NULL, data, len};

    return import_from(r, &src, log, st, diag);
}
