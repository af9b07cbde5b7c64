/*
 * csv.c - a strict RFC 4180 reader over text in memory, and a buffered
 * CSV writer.
 *
 * The reader finds each record's fields in one pass, remembering where
 * each starts and whether it was quoted with "" escapes; only those are
 * copied (unescaped) into `plain`, after the record is complete, so the
 * buffer grows once per record and no slice is left pointing into freed
 * memory. NEEDSWORK: lib/csv (a general streaming parser) is being
 * written; when it lands, eval.c should move to it and this reader go.
 */
#include "base/base.h"

#include "synth/synth_int.h"

void lrs__csv_init(struct lrs__csv *c, const char *name, struct lrs_str text)
{
    c->name = name;
    c->p = text.ptr ? text.ptr : "";
    c->end = c->p + text.len;
    c->line = 0;
    c->next_line = 1;
    lrs_buf_init(&c->plain, 0);
    /* A UTF-8 byte order mark, as spreadsheet programs write. */
    if (text.len >= 3 && memcmp(c->p, "\xef\xbb\xbf", 3) == 0)
        c->p += 3;
}

void lrs__csv_release(struct lrs__csv *c)
{
    lrs_buf_release(&c->plain);
}

/* Where a field lies in the input and whether it needs unescaping. */
struct span {
    const char *ptr;
    size_t len;
    bool escaped; /* quoted and holding "" */
};

static enum lrs_err bad(struct lrs__csv *c, size_t column,
                        struct lrs_diag *diag, const char *rule)
{
    lrs_diag_set(diag, "csv", "%s line %llu, column %zu: %s", c->name,
                 (unsigned long long)c->line, column, rule);
    return LRS_ERR(LRS_EINVAL);
}

/* Scan one quoted field starting after its opening quote. */
static enum lrs_err scan_quoted(struct lrs__csv *c, struct span *f,
                                size_t column, struct lrs_diag *diag)
{
    const char *p = c->p;

    f->ptr = p;
    f->escaped = false;
    for (;;) {
        if (p == c->end)
            return bad(c, column, diag, "unterminated quoted field");
        if (*p == '\0')
            return bad(c, column, diag, "NUL byte in field");
        if (*p == '"') {
            if (p + 1 < c->end && p[1] == '"') {
                f->escaped = true;
                p += 2;
                continue;
            }
            break;
        }
        if (*p == '\n')
            c->next_line++;
        p++;
    }
    f->len = (size_t)(p - f->ptr);
    c->p = p + 1;
    if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
        return bad(c, column, diag, "text after a closing quote");
    return LRS_OK;
}

static enum lrs_err scan_plain(struct lrs__csv *c, struct span *f,
                               size_t column, struct lrs_diag *diag)
{
    const char *p = c->p;

    f->ptr = p;
    f->escaped = false;
    while (p < c->end && *p != ',' && *p != '\n' && *p != '\r') {
        if (*p == '"')
            return bad(c, column, diag, "quote in an unquoted field");
        if (*p == '\0')
            return bad(c, column, diag, "NUL byte in field");
        p++;
    }
    f->len = (size_t)(p - f->ptr);
    c->p = p;
    return LRS_OK;
}

/* Consume the record's line end; a lone CR is an error. */
static enum lrs_err end_record(struct lrs__csv *c, size_t column,
                               struct lrs_diag *diag)
{
    if (c->p == c->end)
        return LRS_OK;
    if (*c->p == '\r') {
        c->p++;
        if (c->p == c->end || *c->p != '\n')
            return bad(c, column, diag, "carriage return without line feed");
    }
    c->p++;
    c->next_line++;
    return LRS_OK;
}

static enum lrs_err unescape(struct lrs__csv *c, const struct span *spans,
                             size_t count, struct lrs_str *fields)
{
    size_t need = 0, at = 0;
    enum lrs_err err;

    lrs_buf_reset(&c->plain);
    for (size_t i = 0; i < count; i++)
        if (spans[i].escaped)
            need += spans[i].len;
    err = lrs_buf_grow(&c->plain, need);
    if (err)
        return err;
    for (size_t i = 0; i < count; i++) {
        const struct span *s = &spans[i];

        fields[i].ptr = s->ptr;
        fields[i].len = s->len;
        if (!s->escaped)
            continue;
        fields[i].ptr = c->plain.data + at;
        for (size_t j = 0; j < s->len; j++) {
            c->plain.data[at++] = s->ptr[j];
            if (s->ptr[j] == '"')
                j++;
        }
        fields[i].len = (size_t)(c->plain.data + at - fields[i].ptr);
    }
    c->plain.len = at;
    c->plain.data[at] = '\0';
    return LRS_OK;
}

enum lrs_err lrs__csv_next(struct lrs__csv *c, struct lrs_str *fields,
                           size_t max, size_t *count, struct lrs_diag *diag)
{
    struct span spans[LRS__CSV_MAX_FIELDS];
    size_t n = 0;
    enum lrs_err err;

    LRS_ASSERT(max <= LRS__CSV_MAX_FIELDS);
    if (c->p == c->end)
        return LRS_ENOTFOUND;
    c->line = c->next_line;
    for (;;) {
        if (n == max)
            return bad(c, n + 1, diag, "too many fields");
        if (c->p < c->end && *c->p == '"') {
            c->p++;
            err = scan_quoted(c, &spans[n], n + 1, diag);
        } else {
            err = scan_plain(c, &spans[n], n + 1, diag);
        }
        if (err)
            return err;
        n++;
        if (c->p == c->end || *c->p != ',')
            break;
        c->p++;
    }
    err = end_record(c, n, diag);
    if (err)
        return err;
    err = unescape(c, spans, n, fields);
    if (err)
        return err;
    *count = n;
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
