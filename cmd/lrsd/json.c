/*
 * json.c - JSON in and out of lrsd, with jansson.
 *
 * Errors answer with one shape everywhere (docs/api.md):
 *
 *   {"code": "WSEC0001", "field": "given_name", "message": "..."}
 *
 * `code` is an LRS code where the LRS has one (WSEC0001 badly formed
 * request, WSEC0136 invalid ULN, WSRC0021 ...) and an lrsd code
 * (LRSD + the HTTP status) for what the LRS does not define. A handler
 * that rejects a request has changed nothing yet: every check happens
 * before the service is called.
 *
 * Request bodies are parsed with JSON_REJECT_DUPLICATES (a repeated key is
 * an error, not "last one wins") and must be objects.
 *
 * The answers of the busiest routes (a learner, a search's outcome) are
 * written straight into a buffer with struct lrsd_jw rather than built as
 * jansson objects and dumped: a search answer as objects took about a
 * hundred allocations and about 15% of the request's CPU time (profiled
 * with perf, docs/PERFORMANCE.md). The text is the same byte for byte;
 * the buffer becomes the response's body without another copy.
 */
#include "lrsd.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void lrsd_reply_json(struct lrsd_req *r, unsigned status, json_t *body)
{
    char *text;

    static const char oom[] =
        "{\"code\":\"LRSD0500\",\"message\":\"out of memory\"}";

    if (!body) {
        lrsd_reply_data(r, 500, "application/json", oom, sizeof oom - 1);
        return;
    }
    text = json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(body);
    if (!text) {
        lrsd_reply_json(r, status, NULL);
        return;
    }
    lrsd_reply_data(r, status, "application/json", text, strlen(text));
    free(text); /* jansson allocates with malloc */
}

void lrsd_reply_error(struct lrsd_req *r, unsigned status, const char *code,
                      const char *field, const char *fmt, ...)
{
    char msg[256];
    json_t *body;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    body = json_object();
    if (body) {
        json_object_set_new(body, "code", json_string(code));
        if (field)
            json_object_set_new(body, "field", json_string(field));
        json_object_set_new(body, "message", json_string(msg));
    }
    lrsd_reply_json(r, status, body);
}

/* Whether the Content-Type is application/json, parameters allowed. */
static bool is_json_type(const char *ct)
{
    const size_t n = strlen("application/json");

    if (!ct)
        return false;
    while (*ct == ' ')
        ct++;
    return strncasecmp(ct, "application/json", n) == 0 &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

json_t *lrsd_json_body(struct lrsd_req *r)
{
    json_error_t jerr;
    json_t *j;

    if (!is_json_type(lrsd_header(r, MHD_HTTP_HEADER_CONTENT_TYPE))) {
        lrsd_reply_error(r, 415, "LRSD0415", NULL,
                         "the request body must be application/json");
        return NULL;
    }
    if (r->body.len == 0) {
        lrsd_reply_error(r, 400, "WSEC0001", NULL,
                         "the request body is empty; a JSON object is "
                         "needed");
        return NULL;
    }
    j = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        lrsd_reply_error(r, 400, "WSEC0001", NULL,
                         "malformed JSON at line %d column %d: %s", jerr.line,
                         jerr.column, jerr.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        lrsd_reply_error(r, 400, "WSEC0001", NULL,
                         "the request body must be a JSON object");
        return NULL;
    }
    return j;
}

/* The number of UTF-8 characters of `s` (jansson has checked the UTF-8),
 * or SIZE_MAX when it holds a control character. */
static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        const unsigned char c = (unsigned char)s[i];

        if (c < 0x20 || c == 0x7f)
            return SIZE_MAX;
        if ((c & 0xc0) != 0x80)
            n++;
    }
    return n;
}

bool lrsd_json_str(struct lrsd_req *r, json_t *obj, const char *key,
                   unsigned flags, size_t max_chars, const char **out)
{
    json_t *v = json_object_get(obj, key);
    size_t chars;

    *out = NULL;
    if (!v || json_is_null(v)) {
        if (!(flags & LRSD_JSON_REQUIRED))
            return true;
        lrsd_reply_error(r, 400, "WSEC0001", key, "%s is required", key);
        return false;
    }
    if (!json_is_string(v)) {
        lrsd_reply_error(r, 400, "WSEC0001", key, "%s must be a string", key);
        return false;
    }
    chars = utf8_chars(json_string_value(v), json_string_length(v));
    if (chars == SIZE_MAX) {
        lrsd_reply_error(r, 400, "WSEC0001", key,
                         "%s must not hold control characters", key);
        return false;
    }
    if (chars > max_chars) {
        lrsd_reply_error(r, 400, "WSEC0001", key,
                         "%s must be at most %zu characters, got %zu", key,
                         max_chars, chars);
        return false;
    }
    if (chars == 0 && (flags & LRSD_JSON_REQUIRED)) {
        lrsd_reply_error(r, 400, "WSEC0001", key, "%s must not be empty", key);
        return false;
    }
    *out = json_string_value(v);
    return true;
}

/* ------------------------------------------------------------------ */
/* JSON written straight out                                          */
/* ------------------------------------------------------------------ */

static void jw_fail(struct lrsd_jw *w, enum lrs_err err)
{
    if (!w->err)
        w->err = err;
}

static void jw_add(struct lrsd_jw *w, const char *s, size_t len)
{
    if (!w->err && lrs_buf_add(&w->b, s, len) != LRS_OK)
        jw_fail(w, LRS_ENOMEM);
}

/* The comma before a value or member that follows another. */
static void jw_sep(struct lrsd_jw *w)
{
    if (w->comma)
        jw_add(w, ",", 1);
}

void lrsd_jw_open(struct lrsd_jw *w, char c)
{
    jw_sep(w);
    jw_add(w, &c, 1);
    w->comma = false;
}

void lrsd_jw_close(struct lrsd_jw *w, char c)
{
    jw_add(w, &c, 1);
    w->comma = true;
}

/*
 * The code point of the UTF-8 sequence at s[*i] (advancing *i), or -1
 * when it is not well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF).
 */
static long utf8_next(const unsigned char *s, size_t len, size_t *i)
{
    static const long min[] = {0, 0, 0x80, 0x800, 0x10000};
    const unsigned char c = s[*i];
    size_t n;
    long cp;

    if (c < 0xc2 || c > 0xf4)
        return -1; /* a continuation byte, an overlong lead, or too high */
    n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    if (*i + n > len)
        return -1;
    cp = c & (0x7f >> n);
    for (size_t k = 1; k < n; k++) {
        if ((s[*i + k] & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (s[*i + k] & 0x3f);
    }
    if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    *i += n;
    return cp;
}

/* Append `s` as a JSON string, ASCII only (as JSON_ENSURE_ASCII). */
static void jw_string(struct lrsd_jw *w, const char *str)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)str;
    const size_t len = strlen(str);
    size_t i = 0, run = 0;

    jw_add(w, "\"", 1);
    while (i < len) {
        const unsigned char c = s[i];
        char esc[16];
        size_t n = 0;
        long cp;

        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        jw_add(w, (const char *)s + run, i - run);
        if (c == '"' || c == '\\') {
            esc[n++] = '\\';
            esc[n++] = (char)c;
            i++;
        } else if (c == '\n' || c == '\r' || c == '\t' || c == '\b' ||
                   c == '\f') {
            esc[n++] = '\\';
            esc[n++] = c == '\n'   ? 'n'
                       : c == '\r' ? 'r'
                       : c == '\t' ? 't'
                       : c == '\b' ? 'b'
                                   : 'f';
            i++;
        } else {
            cp = c < 0x80 ? (long)s[i++] : utf8_next(s, len, &i);
            if (cp < 0) {
                jw_fail(w, LRS_EINVAL);
                return;
            }
            if (cp > 0xffff) {
                const long v = cp - 0x10000;
                const long hi = 0xd800 | (v >> 10), lo = 0xdc00 | (v & 0x3ff);

                for (int k = 0; k < 2; k++) {
                    const long u = k ? lo : hi;

                    esc[n++] = '\\';
                    esc[n++] = 'u';
                    for (int sh = 12; sh >= 0; sh -= 4)
                        esc[n++] = hex[(u >> sh) & 0xf];
                }
            } else {
                esc[n++] = '\\';
                esc[n++] = 'u';
                for (int sh = 12; sh >= 0; sh -= 4)
                    esc[n++] = hex[(cp >> sh) & 0xf];
            }
        }
        jw_add(w, esc, n);
        run = i;
    }
    jw_add(w, (const char *)s + run, len - run);
    jw_add(w, "\"", 1);
}

void lrsd_jw_key(struct lrsd_jw *w, const char *key)
{
    jw_sep(w);
    jw_string(w, key);
    jw_add(w, ":", 1);
    w->comma = false;
}

void lrsd_jw_str(struct lrsd_jw *w, const char *s)
{
    jw_sep(w);
    jw_string(w, s);
    w->comma = true;
}

void lrsd_jw_int(struct lrsd_jw *w, long long v)
{
    char num[24];
    const int n = snprintf(num, sizeof num, "%lld", v);

    jw_sep(w);
    jw_add(w, num, (size_t)n);
    w->comma = true;
}

void lrsd_jw_real(struct lrsd_jw *w, double v)
{
    char num[40];
    int n;

    jw_sep(w);
    if (v != v || v - v != 0) {
        jw_fail(w, LRS_EINVAL); /* NaN and infinities are not JSON */
        return;
    }
    /* 17 significant digits read back as `v` exactly (as jansson
     * writes reals); never written like an integer. */
    n = snprintf(num, sizeof num, "%.17g", v);
    if (!strpbrk(num, ".eE"))
        n += snprintf(num + n, sizeof num - (size_t)n, ".0");
    jw_add(w, num, (size_t)n);
    w->comma = true;
}

void lrsd_jw_kstr(struct lrsd_jw *w, const char *key, const char *s)
{
    lrsd_jw_key(w, key);
    lrsd_jw_str(w, s);
}

void lrsd_jw_kint(struct lrsd_jw *w, const char *key, long long v)
{
    lrsd_jw_key(w, key);
    lrsd_jw_int(w, v);
}

void lrsd_jw_kreal(struct lrsd_jw *w, const char *key, double v)
{
    lrsd_jw_key(w, key);
    lrsd_jw_real(w, v);
}

void lrsd_jw_release(struct lrsd_jw *w)
{
    lrs_buf_release(&w->b);
    w->comma = false;
    w->err = LRS_OK;
}

void lrsd_reply_jw(struct lrsd_req *r, unsigned status, struct lrsd_jw *w)
{
    size_t len = 0;
    char *text;

    if (w->err) {
        lrsd_log(LRS_LOG_ERROR, "http", r->id, "cannot write the answer",
                 "error=%s", lrs_strerror(w->err));
        lrsd_jw_release(w);
        lrsd_reply_json(r, 500, NULL);
        return;
    }
    text = lrs_buf_take(&w->b, &len);
    lrsd_jw_release(w);
    if (!text) {
        lrsd_reply_json(r, 500, NULL);
        return;
    }
    lrsd_reply_owned(r, status, "application/json", text, len);
}
