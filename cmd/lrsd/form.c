/*
 * form.c - the bodies of HTML forms: application/x-www-form-urlencoded
 * and multipart/form-data (RFC 7578), parsed into the request's arena.
 *
 * Nothing here knows HTTP beyond the bytes: pages_form.c hands in the
 * body and its Content-Type, so that fuzz/fuzz_form.c can run the same
 * code. Both parsers are strict where leniency would hide a forged or
 * broken request (a '%' without two hex digits, a NUL in a value, a part
 * without its headers or delimiter, too many fields): they return false
 * and the page answers as to a missing form.
 */
#include "form.h"

#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode `len` bytes of a urlencoded name or value into the arena. */
static char *decode(struct lrs_arena *a, const char *s, size_t len)
{
    char *out = lrs_arena_alloc(a, len + 1);
    size_t n = 0;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '+') {
            out[n++] = ' ';
        } else if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 &&
                   hexval(s[i + 2]) >= 0) {
            out[n++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else if (s[i] == '%') {
            return NULL;
        } else {
            out[n++] = s[i];
        }
    }
    out[n] = '\0';
    /* A NUL inside a value would cut it short unseen: refuse it. */
    if (strlen(out) != n)
        return NULL;
    return out;
}

bool lrsd_form_urlencoded(struct lrs_arena *a, const char *body, size_t len,
                          struct page_form *f)
{
    const char *s = body, *end = body + len;

    f->count = 0;
    while (s < end) {
        const char *amp = memchr(s, '&', (size_t)(end - s));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(s, '=', (size_t)(stop - s));
        char *name, *value;
        struct lrs_str v;

        if (stop == s) {
            s = stop + 1;
            continue;
        }
        if (!eq || f->count == LRS_FORM_FIELDS_MAX)
            return false;
        name = decode(a, s, (size_t)(eq - s));
        value = decode(a, eq + 1, (size_t)(stop - eq - 1));
        if (!name || !value)
            return false;
        v = lrs_str_trim(lrs_str_c(value));
        value = lrs_arena_strndup(a, v.ptr, v.len);
        if (!value)
            return false;
        f->fields[f->count].name = name;
        f->fields[f->count++].value = value;
        s = amp ? amp + 1 : end;
    }
    return true;
}

const char *page_form_get(const struct page_form *f, const char *name)
{
    for (size_t i = 0; i < f->count; i++)
        if (strcmp(f->fields[i].name, name) == 0)
            return f->fields[i].value;
    return "";
}

/* `needle` in `hay`, or NULL (memmem is a GNU extension). */
static const char *find_bytes(const char *hay, size_t hay_len,
                              const char *needle, size_t len)
{
    for (size_t i = 0; len && i + len <= hay_len; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, len) == 0)
            return hay + i;
    return NULL;
}

/* The value of `attr="..."` in a part's headers, into the arena. */
static const char *header_attr(struct lrs_arena *a, const char *h, size_t n,
                               const char *attr)
{
    const char *at = find_bytes(h, n, attr, strlen(attr));
    const char *v, *end;

    if (!at)
        return NULL;
    v = at + strlen(attr);
    end = memchr(v, '"', (size_t)(h + n - v));
    return end ? lrs_arena_strndup(a, v, (size_t)(end - v)) : NULL;
}

/* Keep text part `name` = `len` bytes of `v`, trimmed, in u->form. */
static bool keep_field(struct lrs_arena *a, struct page_upload *u,
                       const char *name, const char *v, size_t len)
{
    struct lrs_str t = lrs_str_trim((struct lrs_str){v, len});
    char *value;

    if (u->form.count == LRS_FORM_FIELDS_MAX || memchr(t.ptr, '\0', t.len))
        return false;
    value = lrs_arena_strndup(a, t.ptr, t.len);
    if (!value)
        return false;
    u->form.fields[u->form.count].name = name;
    u->form.fields[u->form.count++].value = value;
    return true;
}

bool lrsd_form_multipart(struct lrs_arena *a, const char *ct, const char *body,
                         size_t len, const char *file_field,
                         struct page_upload *u)
{
    const char *b = ct ? strstr(ct, "boundary=") : NULL;
    const char *end = body + len, *at;
    char delim[128];
    size_t dlen;

    memset(u, 0, sizeof *u);
    u->file_name = "";
    if (!ct || strncmp(ct, "multipart/form-data", 19) != 0 || !b)
        return false;
    b += 9;
    dlen = strcspn(b, "; ");
    if (dlen == 0 || dlen > 100)
        return false;
    if (b[0] == '"' && dlen > 2) {
        b++;
        dlen -= 2;
    }
    delim[0] = delim[1] = '-';
    memcpy(delim + 2, b, dlen);
    dlen += 2;
    at = find_bytes(body, len, delim, dlen);
    while (at) {
        const char *h = at + dlen, *hend, *next, *name;

        if (end - h < 2 || memcmp(h, "--", 2) == 0)
            break; /* the closing delimiter */
        h += 2;    /* CRLF */
        hend = find_bytes(h, (size_t)(end - h), "\r\n\r\n", 4);
        if (!hend)
            return false;
        next = find_bytes(hend + 4, (size_t)(end - hend - 4), delim, dlen);
        if (!next || next - (hend + 4) < 2)
            return false;
        name = header_attr(a, h, (size_t)(hend - h), " name=\"");
        if (name && strcmp(name, file_field) == 0) {
            const char *fn =
                header_attr(a, h, (size_t)(hend - h), "filename=\"");

            u->file_name = fn ? fn : "";
            u->data = hend + 4;
            u->len = (size_t)(next - 2 - u->data);
            u->has_file = true;
        } else if (name && !keep_field(a, u, name, hend + 4,
                                       (size_t)(next - 2 - (hend + 4)))) {
            return false;
        }
        at = next;
    }
    return true;
}
