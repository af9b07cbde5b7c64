/*
 * buf.c - struct lrs_buf, git's strbuf with curl's size cap.
 *
 * Growth doubles the capacity (at least 64 bytes) so appends are amortised
 * O(1). Every mutator either succeeds or leaves the buffer as it was.
 */
#include "base.h"

char lrs_buf__empty[1];

void lrs_buf_init(struct lrs_buf *b, size_t max)
{
    b->data = lrs_buf__empty;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void lrs_buf_release(struct lrs_buf *b)
{
    const size_t max = b->max;

    if (b->cap) {
        LRS_POISON(b->data, b->cap);
        lrs_free(b->data);
    }
    lrs_buf_init(b, max);
}

void lrs_buf_reset(struct lrs_buf *b)
{
    lrs_buf_truncate(b, 0);
}

void lrs_buf_truncate(struct lrs_buf *b, size_t len)
{
    if (len >= b->len)
        return;
    b->len = len;
    b->data[len] = '\0';
}

enum lrs_err lrs_buf_grow(struct lrs_buf *b, size_t extra)
{
    size_t want, cap;
    char *p;

    if (extra > SIZE_MAX - 1 - b->len)
        return LRS_ERR(LRS_ELIMIT);
    want = b->len + extra;
    if (b->max && want > b->max)
        return LRS_ERR(LRS_ELIMIT);
    if (want + 1 <= b->cap)
        return LRS_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < want + 1)
        cap = cap > SIZE_MAX / 2 ? want + 1 : cap * 2;
    p = lrs_realloc(b->cap ? b->data : NULL, cap);
    if (!p)
        return LRS_ERR(LRS_ENOMEM);
    if (!b->cap)
        p[0] = '\0';
    b->data = p;
    b->cap = cap;
    return LRS_OK;
}

enum lrs_err lrs_buf_add(struct lrs_buf *b, const void *ptr, size_t len)
{
    const enum lrs_err err = lrs_buf_grow(b, len);

    if (err)
        return err;
    if (len)
        memcpy(b->data + b->len, ptr, len);
    b->len += len;
    b->data[b->len] = '\0';
    return LRS_OK;
}

enum lrs_err lrs_buf_adds(struct lrs_buf *b, const char *s)
{
    return lrs_buf_add(b, s, strlen(s));
}

enum lrs_err lrs_buf_addch(struct lrs_buf *b, char c)
{
    return lrs_buf_add(b, &c, 1);
}

enum lrs_err lrs_buf_addf(struct lrs_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    enum lrs_err err;

    va_start(ap, fmt);
    n = vsnprintf(b->data + b->len, b->cap ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return LRS_ERR(LRS_EINVAL);
    if (b->cap && (size_t)n < b->cap - b->len) {
        if (b->max && b->len + (size_t)n > b->max) {
            b->data[b->len] = '\0';
            return LRS_ERR(LRS_ELIMIT);
        }
        b->len += (size_t)n;
        return LRS_OK;
    }
    err = lrs_buf_grow(b, (size_t)n);
    if (err) {
        b->data[b->len] = '\0';
        return err;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return LRS_OK;
}

char *lrs_buf_take(struct lrs_buf *b, size_t *len_out)
{
    char *p;

    if (!b->cap && lrs_buf_grow(b, 1))
        return NULL;
    p = b->data;
    if (len_out)
        *len_out = b->len;
    lrs_buf_init(b, b->max);
    return p;
}

struct lrs_str lrs_buf_str(const struct lrs_buf *b)
{
    struct lrs_str s = {b->data, b->len};
    return s;
}
