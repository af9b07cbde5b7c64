/*
 * csv.c - the strict streaming RFC 4180 reader, UTF-8 checks and the
 * field writer.
 *
 * The reader pulls input in 64 KiB chunks and runs a small state machine
 * one byte at a time, copying each field's unescaped bytes into one record
 * buffer. Field boundaries are kept as offsets while the buffer may still
 * move, and turned into slices once the record is complete. The first
 * error is remembered: a reader that failed keeps failing the same way.
 */
#include "base/base.h"

#include <lrs/csv.h>

#define CHUNK_SIZE 65536

struct lrs_csv {
    lrs_csv_read_fn read;
    void *ctx;
    struct lrs_csv_opts opts;
    char *chunk;          /* CHUNK_SIZE bytes of input, owned */
    size_t pos, end;      /* unread bytes are chunk[pos..end) */
    bool at_eof;          /* the callback reported the end */
    bool started;         /* the byte order mark check is done */
    uint64_t consumed;    /* bytes handed to the state machine */
    uint64_t line;        /* current physical line, from 1 */
    size_t expect_fields; /* fields of the first record, 0 before it */
    struct lrs_buf rec;   /* unescaped bytes of the current record */
    size_t *offs;         /* field i starts at rec.data + offs[i] */
    struct lrs_str *fields;
    size_t fields_cap;
    enum lrs_err err; /* sticky first error */
    struct lrs_diag err_diag;
};

/* ------------------------------------------------------------------ */
/* UTF-8                                                              */
/* ------------------------------------------------------------------ */

/* Length of the valid sequence at p (p < end), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
    const unsigned c = p[0];
    size_t n;
    unsigned lo = 0x80, hi = 0xbf;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4;
    else
        return 0;
    if ((size_t)(end - p) < n)
        return 0;
    /* Overlongs, surrogates and > U+10FFFF (RFC 3629 section 4). */
    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return n;
}

/* Offset of the first invalid byte of `s`, or s.len if it is all valid. */
static size_t utf8_bad_at(struct lrs_str s)
{
    const unsigned char *p = (const unsigned char *)s.ptr;
    const unsigned char *const end = p + s.len;

    while (p < end) {
        size_t n;

        if (*p < 0x80) {
            p++;
            continue;
        }
        n = utf8_seq(p, end);
        if (n == 0)
            return (size_t)(p - (const unsigned char *)s.ptr);
        p += n;
    }
    return s.len;
}

bool lrs_utf8_valid(struct lrs_str s)
{
    return utf8_bad_at(s) == s.len;
}

size_t lrs_utf8_count(struct lrs_str s)
{
    size_t n = 0;

    for (size_t i = 0; i < s.len; i++)
        n += ((unsigned char)s.ptr[i] & 0xc0) != 0x80;
    return n;
}

/* ------------------------------------------------------------------ */
/* Reader                                                             */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_csv_mem_read(void *ctx, char *buf, size_t cap, size_t *got)
{
    struct lrs_csv_mem *m = ctx;
    const size_t n = m->len < cap ? m->len : cap;

    if (n)
        memcpy(buf, m->ptr, n);
    m->ptr += n;
    m->len -= n;
    *got = n;
    return LRS_OK;
}

enum lrs_err lrs_csv_new(lrs_csv_read_fn read, void *ctx,
                         const struct lrs_csv_opts *opts, struct lrs_csv **out)
{
    struct lrs_csv *c;

    *out = NULL;
    c = lrs_calloc(1, sizeof *c);
    if (!c)
        return LRS_ERR(LRS_ENOMEM);
    c->chunk = lrs_malloc(CHUNK_SIZE);
    if (!c->chunk) {
        lrs_free(c);
        return LRS_ERR(LRS_ENOMEM);
    }
    c->read = read;
    c->ctx = ctx;
    if (opts)
        c->opts = *opts;
    if (!c->opts.name)
        c->opts.name = "input";
    if (!c->opts.max_field_len)
        c->opts.max_field_len = 4096;
    if (!c->opts.max_fields)
        c->opts.max_fields = 256;
    if (!c->opts.max_record_len)
        c->opts.max_record_len = 1u << 20;
    c->line = 1;
    lrs_buf_init(&c->rec, 0);
    *out = c;
    return LRS_OK;
}

void lrs_csv_free(struct lrs_csv *c)
{
    if (!c)
        return;
    lrs_buf_release(&c->rec);
    lrs_free(c->chunk);
    lrs_free(c->offs);
    lrs_free(c->fields);
    lrs_free(c);
}

uint64_t lrs_csv_bytes(const struct lrs_csv *c)
{
    return c->consumed;
}

/* Remember and report an error at `line`, `column` (0: the whole record). */
static enum lrs_err fail(struct lrs_csv *c, enum lrs_err err, uint64_t line,
                         size_t column, struct lrs_diag *diag, const char *rule)
{
    if (column)
        lrs_diag_set(&c->err_diag, "csv", "%s line %llu, column %zu: %s",
                     c->opts.name, (unsigned long long)line, column, rule);
    else
        lrs_diag_set(&c->err_diag, "csv", "%s line %llu: %s", c->opts.name,
                     (unsigned long long)line, rule);
    c->err = err;
    if (diag)
        *diag = c->err_diag;
    return LRS_ERR(err);
}

/* Refill the chunk; false at the end of input or on error (c->err set). */
static bool refill(struct lrs_csv *c)
{
    size_t got = 0;
    enum lrs_err err;

    if (c->at_eof)
        return false;
    err = c->read(c->ctx, c->chunk, CHUNK_SIZE, &got);
    if (err) {
        c->err = err;
        lrs_diag_set(&c->err_diag, "csv", "cannot read %s: %s", c->opts.name,
                     lrs_strerror(err));
        return false;
    }
    if (got == 0) {
        c->at_eof = true;
        return false;
    }
    c->pos = 0;
    c->end = got;
    return true;
}

/* The next byte, or -1 at the end of input (or on a read error). */
static inline int peek(struct lrs_csv *c)
{
    if (c->pos == c->end && !refill(c))
        return -1;
    return (unsigned char)c->chunk[c->pos];
}

static inline int get(struct lrs_csv *c)
{
    const int ch = peek(c);

    if (ch >= 0) {
        c->pos++;
        c->consumed++;
    }
    return ch;
}

/* Skip a UTF-8 byte order mark at the start of the input. */
static void skip_bom(struct lrs_csv *c)
{
    c->started = true;
    if (peek(c) != 0xef)
        return;
    /* The first chunk holds at least three bytes unless the input is
     * shorter; a partial mark is left for the UTF-8 check to reject. */
    if (c->end - c->pos >= 3 &&
        memcmp(c->chunk + c->pos, "\xef\xbb\xbf", 3) == 0) {
        c->pos += 3;
        c->consumed += 3;
    }
}

static enum lrs_err add_byte(struct lrs_csv *c, char ch, size_t field_start,
                             size_t column, struct lrs_diag *diag)
{
    char msg[64];

    if (c->rec.len - field_start >= c->opts.max_field_len) {
        snprintf(msg, sizeof msg, "field longer than %zu bytes",
                 c->opts.max_field_len);
        return fail(c, LRS_ELIMIT, c->line, column, diag, msg);
    }
    if (c->rec.len >= c->opts.max_record_len) {
        snprintf(msg, sizeof msg, "record longer than %zu bytes",
                 c->opts.max_record_len);
        return fail(c, LRS_ELIMIT, c->line, column, diag, msg);
    }
    if (ch == '\0')
        return fail(c, LRS_EINVAL, c->line, column, diag,
                    "field holds a NUL byte");
    if (lrs_buf_addch(&c->rec, ch))
        return LRS_ERR(LRS_ENOMEM);
    return LRS_OK;
}

/* Record where field number `n` (0-based) starts. */
static enum lrs_err start_field(struct lrs_csv *c, size_t n,
                                struct lrs_diag *diag)
{
    char msg[64];

    if (n >= c->opts.max_fields) {
        snprintf(msg, sizeof msg, "more than %zu fields", c->opts.max_fields);
        return fail(c, LRS_ELIMIT, c->line, n + 1, diag, msg);
    }
    if (n >= c->fields_cap) {
        const size_t cap = c->fields_cap ? c->fields_cap * 2 : 16;
        size_t *offs = lrs_realloc(c->offs, cap * sizeof *offs);
        struct lrs_str *f;

        if (!offs)
            return LRS_ERR(LRS_ENOMEM);
        c->offs = offs;
        f = lrs_realloc(c->fields, cap * sizeof *f);
        if (!f)
            return LRS_ERR(LRS_ENOMEM);
        c->fields = f;
        c->fields_cap = cap;
    }
    c->offs[n] = c->rec.len;
    return LRS_OK;
}

/*
 * Read one quoted field (the opening quote consumed). On return *term is
 * the byte after the closing quote: ',', '\n' or -1.
 */
static enum lrs_err read_quoted(struct lrs_csv *c, size_t start, size_t column,
                                int *term, struct lrs_diag *diag)
{
    const uint64_t first_line = c->line;
    enum lrs_err err;
    int ch;

    for (;;) {
        ch = get(c);
        if (ch < 0) {
            if (c->err)
                return c->err;
            return fail(c, LRS_EINVAL, first_line, column, diag,
                        "unterminated quoted field");
        }
        if (ch == '"') {
            if (peek(c) != '"')
                break;
            get(c);
        } else if (ch == '\n') {
            c->line++;
        }
        err = add_byte(c, (char)ch, start, column, diag);
        if (err)
            return err;
    }
    ch = get(c);
    if (ch == '\r') {
        if (peek(c) != '\n')
            return fail(c, LRS_EINVAL, c->line, column, diag,
                        "carriage return not followed by a line feed");
        ch = get(c);
    }
    if (ch != ',' && ch != '\n' && ch >= 0)
        return fail(c, LRS_EINVAL, c->line, column, diag,
                    "unexpected character after a closing quote");
    *term = ch;
    return c->err;
}

/* Append chunk[pos..pos+n) to the record, within the limits. */
static enum lrs_err add_run(struct lrs_csv *c, size_t n, size_t start,
                            size_t column, struct lrs_diag *diag)
{
    if (c->rec.len - start + n > c->opts.max_field_len ||
        c->rec.len + n > c->opts.max_record_len) {
        /* Let add_byte find the exact byte and say which limit. */
        for (size_t i = 0; i < n; i++) {
            const enum lrs_err err =
                add_byte(c, c->chunk[c->pos + i], start, column, diag);

            if (err)
                return err;
        }
    } else if (lrs_buf_add(&c->rec, c->chunk + c->pos, n)) {
        return LRS_ERR(LRS_ENOMEM);
    }
    c->pos += n;
    c->consumed += n;
    return LRS_OK;
}

/* Read one unquoted field; *term as for read_quoted. */
static enum lrs_err read_plain(struct lrs_csv *c, size_t start, size_t column,
                               int *term, struct lrs_diag *diag)
{
    enum lrs_err err;

    for (;;) {
        int ch;
        size_t n = 0;

        /* Fast path: the run of ordinary bytes left in this chunk. */
        while (c->pos + n < c->end) {
            const char b = c->chunk[c->pos + n];

            if (b == ',' || b == '\n' || b == '\r' || b == '"' || b == '\0')
                break;
            n++;
        }
        if (n) {
            err = add_run(c, n, start, column, diag);
            if (err)
                return err;
            continue;
        }
        ch = get(c);
        if (ch == '\r') {
            if (peek(c) != '\n')
                return fail(c, LRS_EINVAL, c->line, column, diag,
                            "carriage return not followed by a line feed");
            ch = get(c);
        }
        if (ch < 0 || ch == ',' || ch == '\n') {
            *term = ch;
            return c->err;
        }
        if (ch == '"')
            return fail(c, LRS_EINVAL, c->line, column, diag,
                        "quote inside an unquoted field");
        err = add_byte(c, (char)ch, start, column, diag);
        if (err)
            return err;
    }
}

/* Check every field's UTF-8 and turn offsets into slices. */
static enum lrs_err finish(struct lrs_csv *c, size_t n, uint64_t line,
                           struct lrs_csv_record *rec, struct lrs_diag *diag)
{
    char msg[80];

    for (size_t i = 0; i < n; i++) {
        const size_t end = i + 1 < n ? c->offs[i + 1] : c->rec.len;
        const struct lrs_str f = {c->rec.data + c->offs[i], end - c->offs[i]};
        const size_t bad = utf8_bad_at(f);

        if (bad != f.len) {
            snprintf(msg, sizeof msg, "invalid UTF-8 at byte %zu of the field",
                     bad + 1);
            return fail(c, LRS_EINVAL, line, i + 1, diag, msg);
        }
        c->fields[i] = f;
    }
    if (!c->expect_fields) {
        c->expect_fields = n;
    } else if (n != c->expect_fields) {
        snprintf(msg, sizeof msg, "has %zu fields, expected %zu", n,
                 c->expect_fields);
        return fail(c, LRS_EINVAL, line, 0, diag, msg);
    }
    rec->fields = c->fields;
    rec->count = n;
    rec->line = line;
    return LRS_OK;
}

enum lrs_err lrs_csv_next(struct lrs_csv *c, struct lrs_csv_record *rec,
                          bool *eof, struct lrs_diag *diag)
{
    const uint64_t line = c->line;
    size_t n = 0;
    enum lrs_err err;
    int term;

    *eof = false;
    if (c->err) {
        if (diag)
            *diag = c->err_diag;
        return c->err;
    }
    if (!c->started)
        skip_bom(c);
    lrs_buf_reset(&c->rec);
    if (peek(c) < 0) {
        if (c->err) {
            if (diag)
                *diag = c->err_diag;
            return c->err;
        }
        *eof = true;
        return LRS_OK;
    }
    do {
        err = start_field(c, n, diag);
        if (err)
            return err;
        if (peek(c) == '"') {
            get(c);
            err = read_quoted(c, c->rec.len, n + 1, &term, diag);
        } else {
            err = read_plain(c, c->rec.len, n + 1, &term, diag);
        }
        if (err) {
            if (diag && err == c->err)
                *diag = c->err_diag;
            return err;
        }
        n++;
    } while (term == ',');
    if (term == '\n')
        c->line++;
    return finish(c, n, line, rec, diag);
}

/* ------------------------------------------------------------------ */
/* Writer                                                             */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_csv_put(struct lrs_buf *b, struct lrs_str field, bool first)
{
    const size_t mark = b->len;
    bool quote = false;
    enum lrs_err err = LRS_OK;

    for (size_t i = 0; i < field.len && !quote; i++) {
        const char ch = field.ptr[i];

        quote = ch == ',' || ch == '"' || ch == '\r' || ch == '\n';
    }
    if (!first)
        err = lrs_buf_addch(b, ',');
    if (!err && !quote)
        err = lrs_buf_add(b, field.ptr, field.len);
    if (!err && quote) {
        err = lrs_buf_addch(b, '"');
        for (size_t i = 0; i < field.len && !err; i++) {
            if (field.ptr[i] == '"')
                err = lrs_buf_addch(b, '"');
            if (!err)
                err = lrs_buf_addch(b, field.ptr[i]);
        }
        if (!err)
            err = lrs_buf_addch(b, '"');
    }
    if (err)
        lrs_buf_truncate(b, mark);
    return err;
}
