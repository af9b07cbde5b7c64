/*
 * import.c - bulk import and export of learners as CSV.
 *
 * Import reads the header, maps its columns to learner fields, then for
 * each row sets every field (lrs_learner_field_set), checks the learner
 * and inserts it with an IMPORT audit row, all in one transaction: either
 * every valid row is committed together or nothing is. A row that breaks
 * a rule is reported with its line, column and the rule, and the import
 * goes on so that one run lists every problem (up to max_rejects).
 *
 * Export scans the register in ULN order, writing CSV through a callback
 * in 64 KiB pieces, and audits every learner written. The ULNs are kept in
 * memory (8 bytes each) so that the audit rows can be written after the
 * scan: a scan may not be interleaved with other calls on the store.
 */
#include "base/base.h"

#include "service/service_int.h"

#define DEFAULT_PROGRESS_EVERY 10000
#define DEFAULT_MAX_REJECTS    100
#define EXPORT_FLUSH           65536

/* The columns every import file must have (the issue's list). */
static const enum lrs_learner_field required[] = {
    LRS_FIELD_ULN,         LRS_FIELD_GIVEN_NAME,    LRS_FIELD_MIDDLE_NAMES,
    LRS_FIELD_FAMILY_NAME, LRS_FIELD_DATE_OF_BIRTH, LRS_FIELD_GENDER,
    LRS_FIELD_POSTCODE,
};

struct import {
    struct lrs_store *s;
    const struct lrs_actor *actor;
    const struct lrs_import_opts *opts;
    struct lrs_import_result r;
    struct lrs_diag first; /* the first reject */
    uint64_t max_rejects;  /* 0: no limit */
    enum lrs_learner_field col_field[LRS_FIELD__COUNT];
    size_t columns;
};

/* Report a reject; returns non-zero to stop the import. */
static enum lrs_err reject(struct import *im, uint64_t line, size_t column,
                           const struct lrs_diag *why,
                           const struct lrs_csv_record *rec)
{
    enum lrs_err err = LRS_OK;

    if (im->r.rejected == 0)
        im->first = *why;
    im->r.rejected++;
    if (im->opts->on_reject)
        err = im->opts->on_reject(im->opts->ctx, line, column, why, rec);
    if (!err && im->max_rejects && im->r.rejected >= im->max_rejects)
        err = LRS_ELIMIT;
    return err;
}

/* Header-level problem: reported at line 1 and fatal. */
static enum lrs_err bad_header(struct import *im, size_t column,
                               struct lrs_diag *diag, const char *fmt, ...)
    LRS_PRINTF(4, 5);
static enum lrs_err bad_header(struct import *im, size_t column,
                               struct lrs_diag *diag, const char *fmt, ...)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    char msg[120];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    d.field = "header";
    snprintf(d.msg, sizeof d.msg, "%s", msg);
    (void)reject(im, 1, column, &d, NULL);
    if (diag)
        *diag = d;
    return LRS_ERR(LRS_EINVAL);
}

static enum lrs_err read_header(struct import *im,
                                const struct lrs_csv_record *rec,
                                struct lrs_diag *diag)
{
    bool seen[LRS_FIELD__COUNT] = {false};

    if (rec->count > LRS_FIELD__COUNT)
        return bad_header(im, LRS_FIELD__COUNT + 1, diag,
                          "more than %d columns", (int)LRS_FIELD__COUNT);
    for (size_t i = 0; i < rec->count; i++) {
        enum lrs_learner_field f;

        if (lrs_learner_field_lookup(rec->fields[i], &f))
            return bad_header(
                im, i + 1, diag, "unknown column '%.*s'",
                (int)(rec->fields[i].len < 40 ? rec->fields[i].len : 40),
                rec->fields[i].ptr);
        if (seen[f])
            return bad_header(im, i + 1, diag, "column '%s' appears twice",
                              lrs_learner_field_name(f));
        seen[f] = true;
        im->col_field[i] = f;
    }
    for (size_t i = 0; i < LRS_ARRAY_LEN(required); i++)
        if (!seen[required[i]])
            return bad_header(im, 0, diag, "missing column '%s'",
                              lrs_learner_field_name(required[i]));
    im->columns = rec->count;
    return LRS_OK;
}

/* The 1-based column holding `field`, or 0. */
static size_t column_of(const struct import *im, const char *field)
{
    for (size_t i = 0; field && i < im->columns; i++)
        if (strcmp(lrs_learner_field_name(im->col_field[i]), field) == 0)
            return i + 1;
    return 0;
}

/*
 * One data row: LRS_OK when inserted or rejected (the import goes on), an
 * error to stop.
 */
static enum lrs_err import_row(struct import *im,
                               const struct lrs_csv_record *rec)
{
    struct lrs_learner l;
    struct lrs_diag d = LRS_DIAG_INIT;
    bool issue;
    enum lrs_err err;

    lrs_learner_init(&l);
    for (size_t i = 0; i < rec->count; i++) {
        err = lrs_learner_field_set(&l, im->col_field[i], rec->fields[i], &d);
        if (err)
            return reject(im, rec->line, i + 1, &d, rec);
    }
    /* Each field passed its rule above; only the required ones remain. */
    err = lrs__service_learner_required(&l, &d);
    if (err)
        return reject(im, rec->line, column_of(im, d.field), &d, rec);
    issue = l.uln[0] == '\0';
    err = lrs_store_learner_insert(im->s, im->actor, &l);
    if (err == LRS_ECONFLICT) {
        lrs_diag_set(&d, "uln", "learner %s is already registered", l.uln);
        return reject(im, rec->line, column_of(im, "uln"), &d, rec);
    }
    if (err)
        return err;
    im->r.imported++;
    im->r.issued += issue;
    return lrs__service_audit(im->s, im->actor, LRS_AUDIT_IMPORT, l.uln, NULL);
}

static enum lrs_err import_rows(struct import *im, struct lrs_csv *csv,
                                struct lrs_diag *diag)
{
    const struct lrs_import_opts *o = im->opts;
    const uint64_t every =
        o->progress_every ? o->progress_every : DEFAULT_PROGRESS_EVERY;
    struct lrs_csv_record rec;
    enum lrs_err err;
    bool eof;

    err = lrs_csv_next(csv, &rec, &eof, diag);
    if (!err && eof)
        return bad_header(im, 0, diag, "the file is empty (no header row)");
    if (!err)
        err = read_header(im, &rec, diag);
    while (!err) {
        err = lrs_csv_next(csv, &rec, &eof, diag);
        if (err || eof)
            break;
        im->r.rows++;
        err = import_row(im, &rec);
        if (o->on_progress && im->r.rows % every == 0)
            o->on_progress(o->ctx, im->r.rows, lrs_csv_bytes(csv));
    }
    if ((err == LRS_EINVAL || err == LRS_ELIMIT) && diag && diag->field &&
        strcmp(diag->field, "csv") == 0 && o->on_reject)
        (void)o->on_reject(o->ctx, 0, 0, diag, NULL);
    if (!err && o->on_progress)
        o->on_progress(o->ctx, im->r.rows, lrs_csv_bytes(csv));
    return err;
}

enum lrs_err lrs_service_import_learners(struct lrs_store *s,
                                         const struct lrs_actor *actor,
                                         lrs_csv_read_fn read, void *read_ctx,
                                         const struct lrs_import_opts *opts,
                                         struct lrs_import_result *result,
                                         struct lrs_diag *diag)
{
    static const struct lrs_import_opts no_opts;
    struct import im;
    struct lrs_csv_opts copts;
    struct lrs_csv *csv = NULL;
    enum lrs_err err;
    bool own = false;

    memset(&im, 0, sizeof im);
    im.s = s;
    im.actor = actor;
    im.opts = opts ? opts : &no_opts;
    im.max_rejects = im.opts->max_rejects;
    if (!im.max_rejects && !im.opts->skip_invalid)
        im.max_rejects = DEFAULT_MAX_REJECTS;
    memset(&copts, 0, sizeof copts);
    copts.name = im.opts->name;
    copts.max_fields = LRS_FIELD__COUNT + 8;
    err = lrs_csv_new(read, read_ctx, &copts, &csv);
    if (err)
        goto out;
    err = lrs__service_enter(s, &own, diag);
    if (err)
        goto out;
    err = import_rows(&im, csv, diag);
    if (err == LRS_ELIMIT && im.r.rejected >= im.max_rejects &&
        im.max_rejects) {
        /* Stopped at the reject limit: an input error, not a limit. */
        err = LRS_ERR(LRS_EINVAL);
    }
    if (!err && im.r.rejected && !im.opts->skip_invalid)
        err = LRS_ERR(LRS_EINVAL);
    if (err == LRS_EINVAL && im.r.rejected && diag &&
        (!diag->field || strcmp(diag->field, "csv") != 0))
        *diag = im.first;
    if (err && err != LRS_EINVAL && err != LRS_ELIMIT && diag && !diag->msg[0])
        lrs__service_store_err(s, err, diag);
    err = lrs__service_leave(s, own, err, diag);
out:
    if (err)
        im.r.imported = im.r.issued = 0;
    if (result)
        *result = im.r;
    lrs_csv_free(csv);
    return err;
}

/* ------------------------------------------------------------------ */
/* Export                                                             */
/* ------------------------------------------------------------------ */

struct export
{
    struct lrs_buf out;
    lrs_write_fn write;
    void *ctx;
    char(*ulns)[LRS_ULN_SIZE]; /* learners written, for the audit */
    size_t count, cap;
};

static enum lrs_err flush(struct export *x)
{
    enum lrs_err err = LRS_OK;

    if (x->out.len)
        err = x->write(x->ctx, x->out.data, x->out.len);
    lrs_buf_reset(&x->out);
    return err;
}

static enum lrs_err export_one(const struct lrs_learner *l, void *ctx)
{
    struct export *x = ctx;
    char dob[11], share[2] = {(char)('0' + l->ability_to_share), '\0'};
    const char *const v[] = {
        l->uln,
        l->given_name,
        l->middle_names,
        l->family_name,
        dob,
        lrs_gender_code(l->gender),
        l->postcode,
        l->previous_family_name,
        l->preferred_given_name,
        l->address_line1,
        l->address_line2,
        l->address_town,
        l->address_county,
        share,
    };
    enum lrs_err err = LRS_OK;

    lrs_date_format(l->date_of_birth, dob);
    for (size_t i = 0; i < LRS_ARRAY_LEN(v) && !err; i++)
        err = lrs_csv_put(&x->out, lrs_str_c(v[i]), i == 0);
    if (!err)
        err = lrs_buf_addch(&x->out, '\n');
    if (!err && x->count == x->cap) {
        const size_t cap = x->cap ? x->cap * 2 : 1024;
        size_t bytes;
        void *p;

        err = lrs_mul_size(cap, sizeof *x->ulns, &bytes);
        p = err ? NULL : lrs_realloc(x->ulns, bytes);
        if (!p)
            return err ? err : LRS_ERR(LRS_ENOMEM);
        x->ulns = p;
        x->cap = cap;
    }
    if (!err)
        memcpy(x->ulns[x->count++], l->uln, LRS_ULN_SIZE);
    if (!err && x->out.len >= EXPORT_FLUSH)
        err = flush(x);
    return err;
}

enum lrs_err lrs_service_export_learners(struct lrs_store *s,
                                         const struct lrs_actor *actor,
                                         lrs_write_fn write, void *write_ctx,
                                         uint64_t *count, struct lrs_diag *diag)
{
    struct export x;
    enum lrs_err err;
    bool own = false;

    memset(&x, 0, sizeof x);
    lrs_buf_init(&x.out, 0);
    x.write = write;
    x.ctx = write_ctx;
    for (int f = 0; f < LRS_FIELD__COUNT; f++) {
        err = lrs_csv_put(
            &x.out,
            lrs_str_c(lrs_learner_field_name((enum lrs_learner_field)f)),
            f == 0);
        if (err)
            goto out;
    }
    err = lrs_buf_addch(&x.out, '\n');
    if (!err)
        err = lrs__service_enter(s, &own, diag);
    if (err)
        goto out;
    err = lrs_store_learner_scan(s, export_one, &x);
    if (!err)
        err = flush(&x);
    if (err == LRS_EIO && !lrs_store_errmsg(s)[0])
        lrs_diag_set(diag, "output", "cannot write the export");
    else if (err)
        lrs__service_store_err(s, err, diag);
    for (size_t i = 0; !err && i < x.count; i++)
        err = lrs__service_audit(s, actor, LRS_AUDIT_EXPORT, x.ulns[i], diag);
    err = lrs__service_leave(s, own, err, diag);
out:
    if (!err && count)
        *count = x.count;
    lrs_free(x.ulns);
    lrs_buf_release(&x.out);
    return err;
}
