/*
 * csv.c - the CSV files of lib/synth: reading the truth and results files
 * of `lrs eval` through lib/csv (the project's one CSV reader), and a
 * buffered writer for the data set's files.
 */
#include "base/base.h"

#include "synth/synth_int.h"

void lrs__csv_init(struct lrs__csv *c, const char *name, struct lrs_str text)
{
    const struct lrs_csv_opts opts = {.name = name,
                                      .max_fields = LRS__CSV_MAX_FIELDS};

    memset(c, 0, sizeof *c);
    c->name = name;
    c->mem = (struct lrs_csv_mem){text.ptr ? text.ptr : "", text.len};
    /* A failure here (no memory) is returned by the first lrs__csv_next. */
    c->err = lrs_csv_new(lrs_csv_mem_read, &c->mem, &opts, &c->csv);
}

void lrs__csv_release(struct lrs__csv *c)
{
    lrs_csv_free(c->csv);
    c->csv = NULL;
}

enum lrs_err lrs__csv_next(struct lrs__csv *c, struct lrs_str *fields,
                           size_t max, size_t *count, struct lrs_diag *diag)
{
    struct lrs_csv_record rec;
    bool eof;
    enum lrs_err err = c->err;

    *count = 0;
    if (err)
        return err;
    err = lrs_csv_next(c->csv, &rec, &eof, diag);
    if (err)
        return err;
    if (eof)
        return LRS_ENOTFOUND;
    c->line = rec.line;
    if (rec.count > max) {
        lrs_diag_set(diag, "csv", "%s line %llu, column %zu: too many fields",
                     c->name, (unsigned long long)rec.line, max + 1);
        return LRS_ERR(LRS_EINVAL);
    }
    memcpy(fields, rec.fields, rec.count * sizeof *fields);
    *count = rec.count;
    return LRS_OK;
}

enum lrs_err lrs__csv_header(struct lrs__csv *c, const char *want,
                             struct lrs_diag *diag)
{
    struct lrs_str f[LRS__CSV_MAX_FIELDS];
    size_t n = 0, col = 0;
    const char *w = want;
    enum lrs_err err = lrs__csv_next(c, f, LRS__CSV_MAX_FIELDS, &n, diag);

    if (err == LRS_ENOTFOUND) {
        lrs_diag_set(diag, "header", "%s is empty: expected the header '%s'",
                     c->name, want);
        return LRS_ERR(LRS_EINVAL);
    }
    if (err)
        return err;
    for (; *w; col++) {
        const char *comma = strchr(w, ',');
        const size_t len = comma ? (size_t)(comma - w) : strlen(w);

        if (col >= n || f[col].len != len || memcmp(f[col].ptr, w, len)) {
            lrs_diag_set(diag, "header",
                         "%s line %llu, column %zu: header must be '%s'",
                         c->name, (unsigned long long)c->line, col + 1, want);
            return LRS_ERR(LRS_EINVAL);
        }
        w += len + (comma != NULL);
    }
    if (n != col) {
        lrs_diag_set(diag, "header",
                     "%s line %llu, column %zu: header must be '%s'", c->name,
                     (unsigned long long)c->line, col + 1, want);
        return LRS_ERR(LRS_EINVAL);
    }
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Writer                                                             */
/* ------------------------------------------------------------------ */

#define OUT_CAP (1u << 20)

enum lrs_err lrs__out_init(struct lrs__out *o, FILE *f)
{
    o->f = f;
    o->len = 0;
    o->cap = OUT_CAP;
    o->failed = false;
    o->buf = lrs_malloc(o->cap);
    return o->buf ? LRS_OK : LRS_ERR(LRS_ENOMEM);
}

static void flush(struct lrs__out *o)
{
    if (!o->failed && o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->failed = true;
    o->len = 0;
}

enum lrs_err lrs__out_finish(struct lrs__out *o)
{
    flush(o);
    lrs_free(o->buf);
    o->buf = NULL;
    o->cap = 0;
    return o->failed ? LRS_ERR(LRS_EIO) : LRS_OK;
}

void lrs__out_raw(struct lrs__out *o, const char *s, size_t len)
{
    if (o->len + len > o->cap) {
        flush(o);
        if (len > o->cap) {
            if (!o->failed && fwrite(s, 1, len, o->f) != len)
                o->failed = true;
            return;
        }
    }
    memcpy(o->buf + o->len, s, len);
    o->len += len;
}

void lrs__out_str(struct lrs__out *o, const char *s)
{
    lrs__out_raw(o, s, strlen(s));
}

void lrs__out_ch(struct lrs__out *o, char c)
{
    if (o->len == o->cap)
        flush(o);
    o->buf[o->len++] = c;
}

void lrs__out_u64(struct lrs__out *o, uint64_t v, int width)
{
    char tmp[24];
    int n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width)
        tmp[n++] = '0';
    while (n)
        lrs__out_ch(o, tmp[--n]);
}

void lrs__out_field(struct lrs__out *o, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        lrs__out_str(o, s);
        return;
    }
    lrs__out_ch(o, '"');
    for (; *s; s++) {
        if (*s == '"')
            lrs__out_ch(o, '"');
        lrs__out_ch(o, *s);
    }
    lrs__out_ch(o, '"');
}
