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
