/*
 * test_openapi.c - docs/openapi.json stays true to lrsd.
 *
 * The document is read as lrsd has it built in (lrsd_openapi_json, from
 * the lrsd_core library this test links) and as a real lrsd serves it.
 * Checked without a server: it parses, "openapi" is 3.x, every $ref
 * resolves, every schema uses only the keywords the checker below knows;
 * every /api/v1 route of routes.c (and /healthz, /metrics) is a path and
 * method of the document and every documented operation is a route, with
 * the same roles (x-roles), authentication (security), agreement and
 * upload flags; every operation lists its error responses. Checked
 * against a real lrsd (SQLite here, PostgreSQL in http_openapi_pg): a
 * sample of answers from every tag carries exactly the properties its
 * documented schema names (additionalProperties false), each required
 * one, with the documented types, enums and patterns; every status
 * answered is documented for its operation, and every LRS code in a body
 * is one the operation lists in x-lrs-codes.
 *
 * The checker knows the subset of JSON Schema the document uses: $ref
 * (local), type, nullable, enum, pattern (POSIX extended, which the
 * patterns are written in), required, properties, additionalProperties,
 * items, oneOf, anyOf, min/maxLength, minimum/maximum, min/maxItems.
 */
#include "harness.h"

#include "lrsd.h"

#include <lrs/accounts.h>
#include <lrs/auth.h>
#include <lrs/lrs.h>
#include <lrs/service.h>
#include <lrs/store.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define AO_UKPRN "10011111"
#define EMMA     "2931986320"

static struct harness srv;
static json_t *doc; /* the built-in document, parsed */

enum who { SCHOOL, AO, OP, CAT, WHO__COUNT };
static char bearer[WHO__COUNT][HARNESS_BEARER_SIZE];
static char uln_cat[LRS_ULN_SIZE], uln_sam[LRS_ULN_SIZE],
    uln_kate[LRS_ULN_SIZE];
static int64_t ao_id;
static struct lrs_buf ctf = LRS_BUF_INIT;

/* Validated answers per tag, and the tags that must have some. */
static const char *const tags[] = {"operations", "accounts",   "learners",
                                   "batches",    "exceptions", "verification",
                                   "plr",        "admin"};
static unsigned sampled[LRSD_LEN(tags)];

/* ------------------------------------------------------------------ */
/* The document                                                       */
/* ------------------------------------------------------------------ */

/* The value at local reference `ref` ("#/a/b"), or NULL. */
static json_t *resolve(const char *ref)
{
    char part[128];
    json_t *at = doc;
    const char *p;

    if (strncmp(ref, "#/", 2) != 0)
        return NULL;
    p = ref + 2;
    while (at && *p) {
        size_t n = strcspn(p, "/"), k = 0;

        for (size_t i = 0; i < n && k + 1 < sizeof part; i++) {
            if (p[i] == '~' && i + 1 < n &&
                (p[i + 1] == '0' || p[i + 1] == '1'))
                part[k++] = p[++i] == '0' ? '~' : '/';
            else
                part[k++] = p[i];
        }
        part[k] = '\0';
        at = json_object_get(at, part);
        p += n;
        if (*p == '/')
            p++;
    }
    return at;
}

/* `v` with every $ref followed. */
static json_t *deref(json_t *v)
{
    for (int i = 0; i < 16 && json_is_object(v); i++) {
        const char *ref = json_string_value(json_object_get(v, "$ref"));

        if (!ref)
            return v;
        v = resolve(ref);
    }
    return v;
}

static json_t *operation(const char *method, const char *pattern)
{
    char m[16];
    size_t i;

    for (i = 0; method[i] && i + 1 < sizeof m; i++)
        m[i] = (char)(method[i] | 0x20);
    m[i] = '\0';
    return json_object_get(
        json_object_get(json_object_get(doc, "paths"), pattern), m);
}

static const char *str(json_t *j, const char *key)
{
    const char *v = json_string_value(json_object_get(j, key));

    return v ? v : "";
}

/* ------------------------------------------------------------------ */
/* The schema checker                                                 */
/* ------------------------------------------------------------------ */

struct why {
    char at[256];  /* where in the answer: $.learner.uln */
    char msg[256]; /* what is wrong */
};

static bool fail_at(struct why *w, const char *at, const char *fmt, ...)
    LRS_PRINTF(3, 4);

static bool fail_at(struct why *w, const char *at, const char *fmt, ...)
{
    va_list ap;

    snprintf(w->at, sizeof w->at, "%s", at);
    va_start(ap, fmt);
    vsnprintf(w->msg, sizeof w->msg, fmt, ap);
    va_end(ap);
    return false;
}

static size_t utf8_len(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

static bool matches(const char *pattern, const char *s)
{
    regex_t re;
    int rc;

    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
        fail_msg("pattern '%s' is not POSIX extended", pattern);
    rc = regexec(&re, s, 0, NULL, 0);
    regfree(&re);
    return rc == 0;
}

static bool check(json_t *schema, json_t *v, const char *at, struct why *w);

static bool check_type(const char *type, json_t *v)
{
    if (strcmp(type, "string") == 0)
        return json_is_string(v);
    if (strcmp(type, "integer") == 0)
        return json_is_integer(v);
    if (strcmp(type, "number") == 0)
        return json_is_number(v);
    if (strcmp(type, "boolean") == 0)
        return json_is_boolean(v);
    if (strcmp(type, "array") == 0)
        return json_is_array(v);
    if (strcmp(type, "object") == 0)
        return json_is_object(v);
    fail_msg("unknown type '%s' in the document", type);
    return false;
}

static bool check_object(json_t *s, json_t *v, const char *at, struct why *w)
{
    json_t *props = json_object_get(s, "properties"), *req, *extra, *x;
    char sub[256];
    const char *key;
    size_t i;

    req = json_object_get(s, "required");
    json_array_foreach(req, i, x)
    {
        if (!json_object_get(v, json_string_value(x)))
            return fail_at(w, at, "required property '%s' is missing",
                           json_string_value(x));
    }
    extra = json_object_get(s, "additionalProperties");
    json_object_foreach(v, key, x)
    {
        json_t *ps = json_object_get(props, key);

        snprintf(sub, sizeof sub, "%s.%s", at, key);
        if (ps) {
            if (!check(ps, x, sub, w))
                return false;
        } else if (json_is_false(extra)) {
            return fail_at(w, sub, "property not in the schema");
        } else if (json_is_object(extra) && !check(extra, x, sub, w)) {
            return false;
        }
    }
    return true;
}

static bool check_array(json_t *s, json_t *v, const char *at, struct why *w)
{
    json_t *items = json_object_get(s, "items"), *x;
    json_t *lo = json_object_get(s, "minItems"),
           *hi = json_object_get(s, "maxItems");
    char sub[256];
    size_t i;

    if (lo && json_array_size(v) < (size_t)json_integer_value(lo))
        return fail_at(w, at, "fewer than %lld items",
                       (long long)json_integer_value(lo));
    if (hi && json_array_size(v) > (size_t)json_integer_value(hi))
        return fail_at(w, at, "more than %lld items",
                       (long long)json_integer_value(hi));
    json_array_foreach(v, i, x)
    {
        snprintf(sub, sizeof sub, "%s[%zu]", at, i);
        if (items && !check(items, x, sub, w))
            return false;
    }
    return true;
}

static bool check_scalar(json_t *s, json_t *v, const char *at, struct why *w)
{
    json_t *e;
    size_t i;
    bool found = false;

    if (json_object_get(s, "enum")) {
        json_array_foreach(json_object_get(s, "enum"), i, e)
        {
            found = found || json_equal(e, v);
        }
        if (!found)
            return fail_at(w, at, "not one of the enum's values");
    }
    if (json_is_string(v)) {
        const char *p = str(s, "pattern");
        json_t *lo = json_object_get(s, "minLength"),
               *hi = json_object_get(s, "maxLength");

        if (p[0] && !matches(p, json_string_value(v)))
            return fail_at(w, at, "'%.60s' does not match %s",
                           json_string_value(v), p);
        if (lo &&
            utf8_len(json_string_value(v)) < (size_t)json_integer_value(lo))
            return fail_at(w, at, "shorter than minLength");
        if (hi &&
            utf8_len(json_string_value(v)) > (size_t)json_integer_value(hi))
            return fail_at(w, at, "longer than maxLength");
    }
    if (json_is_integer(v)) {
        json_t *lo = json_object_get(s, "minimum"),
               *hi = json_object_get(s, "maximum");

        if (lo && json_integer_value(v) < json_integer_value(lo))
            return fail_at(w, at, "below the minimum");
        if (hi && json_integer_value(v) > json_integer_value(hi))
            return fail_at(w, at, "above the maximum");
    }
    return true;
}

/* Whether `v` (at `at` in the answer) is valid against `schema`. */
static bool check(json_t *schema, json_t *v, const char *at, struct why *w)
{
    json_t *s = deref(schema), *alts;
    const char *type;

    if (!json_is_object(s))
        return fail_at(w, at, "the schema does not resolve");
    if (json_is_null(v) && json_is_true(json_object_get(s, "nullable")))
        return true;
    alts = json_object_get(s, "oneOf");
    if (!alts)
        alts = json_object_get(s, "anyOf");
    if (alts) {
        struct why ignored;
        json_t *alt;
        size_t i, ok = 0;

        json_array_foreach(alts, i, alt)
        {
            if (check(alt, v, at, &ignored))
                ok++;
        }
        if (ok == 0 || (ok > 1 && json_object_get(s, "oneOf")))
            return fail_at(w, at, "%zu of the alternatives match", ok);
        return true;
    }
    type = str(s, "type");
    if (type[0] && !check_type(type, v))
        return fail_at(w, at, "not of type %s", type);
    if (json_is_object(v))
        return check_object(s, v, at, w);
    if (json_is_array(v))
        return check_array(s, v, at, w);
    return check_scalar(s, v, at, w);
}

/* The keywords check() knows; a schema using another would be trusted
 * without being checked. */
static const char *const known_keywords[] = {
    "$ref",      "type",        "nullable",   "enum",
    "pattern",   "required",    "properties", "additionalProperties",
    "items",     "oneOf",       "anyOf",      "minLength",
    "maxLength", "minimum",     "maximum",    "minItems",
    "maxItems",  "description", "format",     "default",
};

static void keywords_known(json_t *schema, const char *at)
{
    const char *key;
    json_t *v;
    char sub[512];

    if (!json_is_object(schema))
        return;
    json_object_foreach(schema, key, v)
    {
        bool known = false;

        for (size_t i = 0; i < LRSD_LEN(known_keywords); i++)
            known = known || strcmp(key, known_keywords[i]) == 0;
        if (!known)
            fail_msg("%s: schema keyword '%s' is not checked", at, key);
        snprintf(sub, sizeof sub, "%s/%s", at, key);
        if (strcmp(key, "properties") == 0) {
            const char *pk;
            json_t *pv;

            json_object_foreach(v, pk, pv)
            {
                char p2[600];

                snprintf(p2, sizeof p2, "%s/%s", sub, pk);
                keywords_known(pv, p2);
            }
        } else if (strcmp(key, "items") == 0 ||
                   strcmp(key, "additionalProperties") == 0) {
            keywords_known(v, sub);
        } else if (strcmp(key, "oneOf") == 0 || strcmp(key, "anyOf") == 0) {
            json_t *alt;
            size_t i;

            json_array_foreach(v, i, alt)
            {
                keywords_known(alt, sub);
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* Routes against the document                                        */
/* ------------------------------------------------------------------ */

/* Whether route `rt` belongs in the document: the JSON API and the two
 * operational endpoints; the web pages do not. */
static bool documented(const struct lrsd_route *rt)
{
    return strncmp(rt->pattern, "/api/v1/", 8) == 0 ||
           strcmp(rt->pattern, "/healthz") == 0 ||
           strcmp(rt->pattern, "/metrics") == 0;
}

static const char *method_name(enum lrsd_method m)
{
    switch (m) {
    case LRSD_GET:
        return "get";
    case LRSD_HEAD:
        return "head";
    case LRSD_POST:
        return "post";
    case LRSD_PUT:
        return "put";
    case LRSD_PATCH:
        return "patch";
    case LRSD_DELETE:
        return "delete";
    }
    return "?";
}

/* The route for `method` (lower case) and `pattern`, or NULL. */
static const struct lrsd_route *route_of(const char *method,
                                         const char *pattern)
{
    for (size_t i = 0; i < lrsd_route_count; i++)
        if (strcmp(lrsd_routes[i].pattern, pattern) == 0 &&
            strcmp(method_name(lrsd_routes[i].method), method) == 0)
            return &lrsd_routes[i];
    return NULL;
}

/* The roles of x-roles as bits. */
static unsigned roles_of(json_t *op)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    unsigned bits = 0;
    json_t *v;
    size_t i;

    json_array_foreach(json_object_get(op, "x-roles"), i, v)
    {
        enum lrs_role role;

        if (lrs_role_parse(lrs_str_c(json_string_value(v)), &role, &d) !=
            LRS_OK)
            fail_msg("x-roles: %s", d.msg);
        bits |= (unsigned)role;
    }
    return bits;
}

static bool has_response(json_t *op, const char *status)
{
    return json_object_get(json_object_get(op, "responses"), status) != NULL;
}

/* Whether `sec` (a security array) has an alternative of exactly the
 * schemes `a` and, when not NULL, `b`. */
static bool has_alternative(json_t *sec, const char *a, const char *b)
{
    json_t *alt;
    size_t i;

    json_array_foreach(sec, i, alt)
    {
        if (json_object_size(alt) == (b ? 2u : 1u) && json_object_get(alt, a) &&
            (!b || json_object_get(alt, b)))
            return true;
    }
    return false;
}

/* Check one documented operation against its route. */
static void operation_matches_route(const char *pattern, const char *method,
                                    json_t *op, const struct lrsd_route *rt)
{
    json_t *sec = json_object_get(op, "security");
    const bool reads =
        strcmp(method, "get") == 0 || strcmp(method, "head") == 0;

    if (roles_of(op) != rt->roles)
        fail_msg("%s %s: x-roles is not the route's roles", method, pattern);
    if (!json_is_array(sec))
        fail_msg("%s %s: no security array", method, pattern);
    if (rt->roles == 0) {
        if (json_array_size(sec) != 0)
            fail_msg("%s %s: a public route has security", method, pattern);
    } else if (json_array_size(sec) != 2 ||
               !has_alternative(sec, "bearerToken", NULL) ||
               !(reads ? has_alternative(sec, "sessionCookie", NULL)
                       : has_alternative(sec, "sessionCookie", "csrfHeader"))) {
        fail_msg("%s %s: security is not bearer or session%s", method, pattern,
                 reads ? "" : " + CSRF");
    }
    if (json_is_true(json_object_get(op, "x-before-agreement")) !=
        ((rt->flags & LRSD_ROUTE_NO_AGREEMENT) != 0))
        fail_msg("%s %s: x-before-agreement is not the route's flag", method,
                 pattern);
    if (json_is_true(json_object_get(op, "x-upload")) !=
        ((rt->flags & LRSD_ROUTE_UPLOAD) != 0))
        fail_msg("%s %s: x-upload is not the route's flag", method, pattern);
}

static bool code_listed(json_t *op, const char *code);

/* The error responses an operation must list, from what lrsd does
 * before and around every handler (server.c, auth.c). */
static void operation_lists_errors(const char *pattern, const char *method,
                                   json_t *op, const struct lrsd_route *rt)
{
    json_t *responses = json_object_get(op, "responses"), *r;
    const char *status;
    bool ok2xx = false, any5xx = false;

    json_object_foreach(responses, status, r)
    {
        json_t *content = json_object_get(deref(r), "content"), *schema;

        if (status[0] == '2' || status[0] == '3')
            ok2xx = true;
        if (status[0] == '5')
            any5xx = true;
        if (!json_is_object(deref(r)) ||
            !json_is_string(json_object_get(deref(r), "description")))
            fail_msg("%s %s %s: no description", method, pattern, status);
        if (status[0] < '4' || strcmp(method, "head") == 0)
            continue;
        /* Every error answers JSON with a code. */
        schema = deref(json_object_get(
            json_object_get(content, "application/json"), "schema"));
        if (!json_is_array(json_object_get(schema, "required")) ||
            !json_object_get(json_object_get(schema, "properties"), "code"))
            fail_msg("%s %s %s: the error is not JSON with a code", method,
                     pattern, status);
    }
    if (!ok2xx || !any5xx)
        fail_msg("%s %s: needs a success and a 5xx response", method, pattern);
    if (rt->roles) {
        const bool only_401 = rt->roles == LRS_ROLE_ALL &&
                              (rt->flags & LRSD_ROUTE_NO_AGREEMENT) &&
                              strcmp(method, "get") == 0;

        if (!has_response(op, "401"))
            fail_msg("%s %s: signed-in route without 401", method, pattern);
        if (!only_401 && !has_response(op, "403"))
            fail_msg("%s %s: route with roles, CSRF or the agreement "
                     "without 403",
                     method, pattern);
    }
    if (json_object_get(op, "requestBody") || strcmp(method, "post") == 0 ||
        strcmp(method, "patch") == 0 || strcmp(method, "put") == 0) {
        if (!has_response(op, "413"))
            fail_msg("%s %s: a body may be sent, but no 413", method, pattern);
    }
    if (json_object_get(op, "requestBody")) {
        if (!has_response(op, "400"))
            fail_msg("%s %s: a body without 400", method, pattern);
        if (!has_response(op, "415"))
            fail_msg("%s %s: a typed body without 415", method, pattern);
    }
    /* A 400 is an LRS error, listed with the codes it answers. */
    if (has_response(op, "400") && !code_listed(op, "WSEC0001") &&
        !code_listed(op, "WSEC0136"))
        fail_msg("%s %s: 400 without WSEC0001 or WSEC0136 in x-lrs-codes",
                 method, pattern);
    if (strchr(pattern, '{') && !has_response(op, "400") &&
        !has_response(op, "404"))
        fail_msg("%s %s: a path parameter without 400 or 404", method, pattern);
}

/* ------------------------------------------------------------------ */
/* Tests without a server                                             */
/* ------------------------------------------------------------------ */

static void walk_refs(json_t *v, const char *at)
{
    const char *key;
    json_t *x;
    size_t i;

    if (json_is_object(v)) {
        const char *ref = json_string_value(json_object_get(v, "$ref"));

        if (ref && !resolve(ref))
            fail_msg("%s: $ref '%s' does not resolve", at, ref);
        json_object_foreach(v, key, x)
        {
            walk_refs(x, key);
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x)
        {
            walk_refs(x, at);
        }
    }
}

static void test_openapi__parses_as_openapi_3(void **state)
{
    const char *version = str(doc, "openapi");
    json_t *schemas =
               json_object_get(json_object_get(doc, "components"), "schemas"),
           *s;
    const char *name;

    (void)state;
    assert_true(strncmp(version, "3.", 2) == 0);
    assert_true(json_is_object(json_object_get(doc, "info")));
    assert_true(json_object_size(json_object_get(doc, "paths")) > 40);
    walk_refs(doc, "$");
    json_object_foreach(schemas, name, s)
    {
        keywords_known(s, name);
    }
    assert_int_equal(strlen(lrsd_openapi_etag), 34);
}

static void test_openapi__every_route_is_documented(void **state)
{
    (void)state;
    for (size_t i = 0; i < lrsd_route_count; i++) {
        const struct lrsd_route *rt = &lrsd_routes[i];
        json_t *op;

        if (!documented(rt))
            continue;
        op = operation(method_name(rt->method), rt->pattern);
        if (!op)
            fail_msg("route %s %s is not in docs/openapi.json",
                     method_name(rt->method), rt->pattern);
        operation_matches_route(rt->pattern, method_name(rt->method), op, rt);
    }
}

static void test_openapi__every_operation_is_a_route(void **state)
{
    json_t *paths = json_object_get(doc, "paths"), *item, *op, *ids;
    const char *pattern, *method;
    unsigned count = 0;

    (void)state;
    ids = json_object();
    json_object_foreach(paths, pattern, item)
    {
        json_object_foreach(item, method, op)
        {
            const struct lrsd_route *rt = route_of(method, pattern);
            const char *id = str(op, "operationId");
            const char *tag = json_string_value(
                json_array_get(json_object_get(op, "tags"), 0));
            bool tag_ok = false;

            if (!rt || !documented(rt))
                fail_msg("%s %s is documented but is no route of lrsd", method,
                         pattern);
            if (!id[0] || json_object_get(ids, id))
                fail_msg("%s %s: operationId missing or repeated", method,
                         pattern);
            json_object_set_new(ids, id, json_true());
            for (size_t t = 0; tag && t < LRSD_LEN(tags); t++)
                tag_ok = tag_ok || strcmp(tag, tags[t]) == 0;
            if (!tag_ok)
                fail_msg("%s %s: no known tag", method, pattern);
            operation_lists_errors(pattern, method, op, rt);
            count++;
        }
    }
    json_decref(ids);
    assert_true(count > 50);
}

/* x-lrs-codes names only codes the LRS defines (DOMAIN.md). */
static void test_openapi__lrs_codes_are_known(void **state)
{
    static const char *const pattern =
        "^(WSRC000[1-5]|WSRC002[12]|WSVRC00[1-6]|WSEC0001|WSEC0136|"
        "WSEC0206|WSEC0208)$";
    json_t *item, *op, *c;
    const char *p, *m;
    size_t i;

    (void)state;
    json_object_foreach(json_object_get(doc, "paths"), p, item)
    {
        json_object_foreach(item, m, op)
        {
            json_array_foreach(json_object_get(op, "x-lrs-codes"), i, c)
            {
                if (!matches(pattern, json_string_value(c)))
                    fail_msg("%s %s: unknown code %s", m, p,
                             json_string_value(c));
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* Answers of a real lrsd                                             */
/* ------------------------------------------------------------------ */

static void count_tag(json_t *op)
{
    const char *tag =
        json_string_value(json_array_get(json_object_get(op, "tags"), 0));

    for (size_t t = 0; tag && t < LRSD_LEN(tags); t++)
        if (strcmp(tag, tags[t]) == 0)
            sampled[t]++;
}

/* Whether `code` is listed in the operation's x-lrs-codes. */
static bool code_listed(json_t *op, const char *code)
{
    json_t *c;
    size_t i;

    json_array_foreach(json_object_get(op, "x-lrs-codes"), i, c)
    {
        if (strcmp(json_string_value(c), code) == 0)
            return true;
    }
    return false;
}

/* Whether `s` has the shape of an LRS code: "WS", then capital letters
 * and digits, 8 or 9 in all (WSRC0004, WSVRC001). A learner's sign-up
 * code ("WS54-8JPQ-6WJ9", random) is not one. */
static bool lrs_code_shape(const char *s)
{
    const size_t n = strlen(s);

    if (n < 8 || n > 9 || strncmp(s, "WS", 2) != 0)
        return false;
    for (size_t i = 2; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            return false;
    return true;
}

/* Every LRS code in the body (at any depth) must be listed. */
static void codes_listed(json_t *op, json_t *v, const char *what)
{
    const char *key;
    json_t *x;
    size_t i;

    if (json_is_object(v)) {
        json_object_foreach(v, key, x)
        {
            const char *s = json_string_value(x);

            if ((strcmp(key, "code") == 0 || strcmp(key, "verify_code") == 0) &&
                s && lrs_code_shape(s) && !code_listed(op, s))
                fail_msg("%s: code %s is not in x-lrs-codes", what, s);
            codes_listed(op, x, what);
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x)
        {
            codes_listed(op, x, what);
        }
    }
}

/*
 * Check one answer against the document: the status is documented for
 * the operation of (`method`, `pattern`); its Content-Type is the one
 * documented; a JSON body is valid against the schema, and its LRS codes
 * are listed. Returns the JSON body (owned), or NULL for another type.
 */
static json_t *conforms(const char *method, const char *pattern,
                        const struct http_resp *res)
{
    json_t *op = operation(method, pattern), *resp, *content, *media;
    char status[8], type[128] = "", what[300];
    const char *mt;
    struct why w;
    json_t *j = NULL;

    snprintf(what, sizeof what, "%s %s %ld", method, pattern, res->status);
    if (!op)
        fail_msg("%s: no such operation", what);
    snprintf(status, sizeof status, "%ld", res->status);
    resp = deref(json_object_get(json_object_get(op, "responses"), status));
    if (!resp)
        fail_msg("%s: status not documented: %s", what, res->body.data);
    content = json_object_get(resp, "content");
    if (!content || res->status == 304 || strcmp(method, "HEAD") == 0) {
        if (res->body.len && res->status != 204 && !content)
            fail_msg("%s: a body where none is documented", what);
        count_tag(op);
        return NULL;
    }
    if (!http_header(res, "Content-Type", type, sizeof type))
        fail_msg("%s: no Content-Type", what);
    json_object_foreach(content, mt, media)
    {
        const size_t n = strlen(mt);

        if (strncasecmp(type, mt, n) != 0 ||
            (type[n] != '\0' && type[n] != ';'))
            continue;
        if (strcmp(mt, "application/json") == 0) {
            j = http_json(res);
            if (!check(json_object_get(media, "schema"), j, "$", &w)) {
                char *text = json_dumps(j, JSON_COMPACT);

                fprintf(stderr, "# %s\n", text ? text : "");
                free(text);
                fail_msg("%s: %s: %s", what, w.at, w.msg);
            }
            codes_listed(op, j, what);
        }
        count_tag(op);
        return j;
    }
    fail_msg("%s: Content-Type %s is not documented", what, type);
    return NULL;
}

/* Send as `w` (WHO__COUNT: nobody), expect `want`, check the answer
 * against the document; the JSON body (owned) or NULL. */
static json_t *sample(enum who w, const char *method, const char *pattern,
                      const char *path, const char *type, const char *body,
                      long want)
{
    const char *const hdrs[] = {w < WHO__COUNT ? bearer[w] : NULL, NULL};
    struct http_resp res;
    json_t *j;

    http_request(&srv, method, path, type, body, body ? strlen(body) : 0, hdrs,
                 &res);
    if (res.status != want) {
        harness_dump_log(&srv);
        fail_msg("%s %s: %ld, wanted %ld: %s", method, path, res.status, want,
                 res.body.data);
    }
    j = conforms(method, pattern, &res);
    http_resp_release(&res);
    return j;
}

#define JSON "application/json"

/* sample() and drop the body. */
static void sample0(enum who w, const char *method, const char *pattern,
                    const char *path, const char *type, const char *body,
                    long want)
{
    json_decref(sample(w, method, pattern, path, type, body, want));
}

/* ------------------------------------------------------------------ */
/* Set-up                                                             */
/* ------------------------------------------------------------------ */

static void set(struct lrs_learner *l, enum lrs_learner_field f, const char *v)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_learner_field_set(l, f, lrs_str_c(v), &d) != LRS_OK)
        fail_msg("%s: %s", lrs_learner_field_name(f), d.msg);
}

static void add_learner(struct lrs_store *s, const char *uln, const char *given,
                        const char *family, const char *dob,
                        const char *postcode, enum lrs_ability_to_share share,
                        char out[LRS_ULN_SIZE])
{
    const struct lrs_actor actor = LRS_ACTOR_CLI;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_learner l;

    lrs_learner_init(&l);
    if (uln)
        set(&l, LRS_FIELD_ULN, uln);
    set(&l, LRS_FIELD_GIVEN_NAME, given);
    set(&l, LRS_FIELD_FAMILY_NAME, family);
    set(&l, LRS_FIELD_DATE_OF_BIRTH, dob);
    set(&l, LRS_FIELD_GENDER, "2");
    set(&l, LRS_FIELD_POSTCODE, postcode);
    l.ability_to_share = share;
    if (lrs_service_learner_register(s, &actor, &l, &d) != LRS_OK)
        fail_msg("register: %s", d.msg);
    if (out)
        memcpy(out, l.uln, LRS_ULN_SIZE);
}

static void read_ctf(void)
{
    char path[1024], chunk[4096];
    const char *dir = getenv("LRS_BATCH_DATA");
    size_t n;
    FILE *f;

    snprintf(path, sizeof path, "%s/school.xml",
             dir ? dir : "tests/data/batch");
    f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open '%s'", path);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        assert_int_equal(lrs_buf_add(&ctf, chunk, n), LRS_OK);
    fclose(f);
}

static int setup(void **state)
{
    const struct lrs_actor actor = LRS_ACTOR_CLI;
    const struct harness_user cat = {"cat", LRS_ROLE_LEARNER, NULL, NULL, false,
                                     true};
    struct lrs_diag d = LRS_DIAG_INIT;
    struct harness_user u = cat;
    json_error_t jerr;
    struct lrs_store *s;
    int64_t school;

    (void)state;
    assert_int_equal(lrs_auth_init(), LRS_OK);
    doc = json_loadb((const char *)lrsd_openapi_json, lrsd_openapi_json_len,
                     JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        fail_msg("the built-in document: line %d: %s", jerr.line, jerr.text);
    read_ctf();
    harness_start(&srv, NULL);
    s = harness_store_open(&srv);
    add_learner(s, NULL, "Catherine", "Lee", "2008-01-02", "LS1 4AP",
                LRS_SHARE_YES, uln_cat);
    add_learner(s, NULL, "Sam", "Ward", "2007-05-06", "LS1 4AP", LRS_SHARE_NO,
                uln_sam);
    add_learner(s, NULL, "Kate", "Leigh-Smith", "2008-02-01", "LS2 7HY",
                LRS_SHARE_YES, uln_kate);
    add_learner(s, EMMA, "Emma", "Morgan", "2010-09-28", "BN6 8JE",
                LRS_SHARE_NOT_SEEN, NULL);
    if (lrs_store_learner_merge(s, &actor, uln_kate, uln_cat, "duplicate",
                                &d) != LRS_OK)
        fail_msg("merge: %s", d.msg);
    school = harness_org_add(s, LRS_ORG_SCHOOL, "Park School", 3000);
    ao_id = harness_org_add_ao(s, "Alpha Awards", AO_UKPRN);
    harness_user_add(s, school, "teacher", LRS_ROLE_SCHOOL_USER,
                     bearer[SCHOOL]);
    harness_user_add(s, ao_id, "alpha", LRS_ROLE_AO_USER, bearer[AO]);
    harness_user_add(s, 0, "op", LRS_ROLE_OPERATOR, bearer[OP]);
    u.uln = uln_cat;
    u.password = "a password of the learner";
    (void)harness_user_make(s, 0, &u, bearer[CAT]);
    lrs_store_free(s);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    json_decref(doc);
    lrs_buf_release(&ctf);
    return harness_stop(&srv) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Samples, one test per tag, in order                                */
/* ------------------------------------------------------------------ */

static void test_serve__the_document_with_an_etag(void **state)
{
    const char *hdrs[] = {NULL, NULL};
    char etag[64], cc[64], inm[96];
    struct http_resp res;

    (void)state;
    http_get(&srv, "/api/v1/openapi.json", &res);
    assert_int_equal(res.status, 200);
    assert_int_equal(res.body.len, lrsd_openapi_json_len);
    assert_memory_equal(res.body.data, lrsd_openapi_json, res.body.len);
    assert_true(http_header(&res, "ETag", etag, sizeof etag));
    assert_string_equal(etag, lrsd_openapi_etag);
    assert_true(http_header(&res, "Cache-Control", cc, sizeof cc));
    assert_string_equal(cc, "public, no-cache");
    json_decref(conforms("GET", "/api/v1/openapi.json", &res));
    http_resp_release(&res);

    /* Revalidation: the same ETag (weak or in a list) is 304, no body. */
    snprintf(inm, sizeof inm, "If-None-Match: \"x\", W/%s", lrsd_openapi_etag);
    hdrs[0] = inm;
    http_request(&srv, "GET", "/api/v1/openapi.json", NULL, NULL, 0, hdrs,
                 &res);
    assert_int_equal(res.status, 304);
    assert_int_equal(res.body.len, 0);
    conforms("GET", "/api/v1/openapi.json", &res);
    http_resp_release(&res);
    hdrs[0] = "If-None-Match: \"another\"";
    http_request(&srv, "GET", "/api/v1/openapi.json", NULL, NULL, 0, hdrs,
                 &res);
    assert_int_equal(res.status, 200);
    http_resp_release(&res);

    /* Every other answer stays uncached. */
    http_get(&srv, "/api/v1/version", &res);
    assert_true(http_header(&res, "Cache-Control", cc, sizeof cc));
    assert_string_equal(cc, "no-store");
    http_resp_release(&res);
}

static void test_sample__operations(void **state)
{
    (void)state;
    sample0(WHO__COUNT, "GET", "/api/v1/version", "/api/v1/version", NULL, NULL,
            200);
    sample0(WHO__COUNT, "GET", "/healthz", "/healthz", NULL, NULL, 200);
    sample0(WHO__COUNT, "HEAD", "/healthz", "/healthz", NULL, NULL, 200);
    sample0(WHO__COUNT, "GET", "/metrics", "/metrics", NULL, NULL, 200);
}

static void test_sample__accounts(void **state)
{
    char path[64];
    json_t *j;

    (void)state;
    sample0(WHO__COUNT, "POST", "/api/v1/session", "/api/v1/session", JSON,
            "{\"login\": \"cat\", \"password\": \"a password of the "
            "learner\"}",
            200);
    sample0(WHO__COUNT, "POST", "/api/v1/session", "/api/v1/session", JSON,
            "{\"login\": \"cat\", \"password\": \"wrong, quite wrong\"}", 401);
    sample0(WHO__COUNT, "POST", "/api/v1/session", "/api/v1/session", JSON,
            "{\"login\": 7}", 400);
    sample0(CAT, "GET", "/api/v1/session", "/api/v1/session", NULL, NULL, 200);
    sample0(SCHOOL, "GET", "/api/v1/agreement", "/api/v1/agreement", NULL, NULL,
            200);
    sample0(WHO__COUNT, "GET", "/api/v1/agreement", "/api/v1/agreement", NULL,
            NULL, 401);
    j = sample(SCHOOL, "POST", "/api/v1/tokens", "/api/v1/tokens", JSON,
               "{\"label\": \"MIS\"}", 201);
    snprintf(path, sizeof path, "/api/v1/tokens/%lld",
             (long long)json_integer_value(json_object_get(j, "id")));
    json_decref(j);
    sample0(SCHOOL, "GET", "/api/v1/tokens", "/api/v1/tokens", NULL, NULL, 200);
    sample0(SCHOOL, "DELETE", "/api/v1/tokens/{id}", path, NULL, NULL, 204);
    sample0(SCHOOL, "DELETE", "/api/v1/tokens/{id}", "/api/v1/tokens/999999",
            NULL, NULL, 404);
    sample0(CAT, "GET", "/api/v1/tokens", "/api/v1/tokens", NULL, NULL, 403);
}

static void test_sample__learners(void **state)
{
    static const char zoe[] =
        "{\"given_name\": \"Zoë\", \"family_name\": \"O'Brien\", "
        "\"date_of_birth\": \"2009-03-14\", \"gender\": 2, "
        "\"postcode\": \"sw1a1aa\", \"address_line1\": \"1 The Mall\", "
        "\"address_line3\": \"London\"}";
    char path[96], body[256], zoe_uln[LRS_ULN_SIZE];
    json_t *j;

    (void)state;
    /* Register, search and the register refused (WSRC0005/4/1/21). */
    j = sample(SCHOOL, "POST", "/api/v1/learners", "/api/v1/learners", JSON,
               zoe, 201);
    snprintf(zoe_uln, sizeof zoe_uln, "%s",
             str(json_object_get(j, "learner"), "uln"));
    assert_string_equal(str(json_object_get(j, "learner"), "address_town"),
                        "London");
    json_decref(j);
    sample0(SCHOOL, "POST", "/api/v1/learners", "/api/v1/learners", JSON, zoe,
            409);
    j = sample(AO, "POST", "/api/v1/learners/search", "/api/v1/learners/search",
               JSON, zoe, 200);
    assert_string_equal(str(j, "code"), "WSRC0004");
    json_decref(j);
    j = sample(AO, "POST", "/api/v1/learners/search", "/api/v1/learners/search",
               JSON,
               "{\"given_name\": \"Nobody\", \"family_name\": \"Atall\", "
               "\"date_of_birth\": \"1990-01-01\", \"gender\": \"M\", "
               "\"postcode\": \"EH1 1YZ\"}",
               200);
    assert_string_equal(str(j, "code"), "WSRC0001");
    json_decref(j);
    sample0(AO, "POST", "/api/v1/learners/search", "/api/v1/learners/search",
            JSON, "{\"given_name\": \"Zoe\"}", 400);

    /* learnerByULN, read, amend. */
    snprintf(body, sizeof body,
             "{\"uln\": \"%s\", \"given_name\": \"ZOE\", \"family_name\": "
             "\"obrien\"}",
             zoe_uln);
    sample0(AO, "POST", "/api/v1/learners/by-uln", "/api/v1/learners/by-uln",
            JSON, body, 200);
    snprintf(body, sizeof body,
             "{\"uln\": \"%s\", \"given_name\": \"Zed\", \"family_name\": "
             "\"Other\"}",
             zoe_uln);
    sample0(AO, "POST", "/api/v1/learners/by-uln", "/api/v1/learners/by-uln",
            JSON, body, 404);
    snprintf(path, sizeof path, "/api/v1/learners/%s", uln_kate);
    j = sample(OP, "GET", "/api/v1/learners/{uln}", path, NULL, NULL, 200);
    assert_string_equal(str(j, "code"), "WSRC0022");
    json_decref(j);
    sample0(OP, "GET", "/api/v1/learners/{uln}", "/api/v1/learners/1234567890",
            NULL, NULL, 400);
    snprintf(path, sizeof path, "/api/v1/learners/%s", zoe_uln);
    sample0(SCHOOL, "PATCH", "/api/v1/learners/{uln}", path, JSON,
            "{\"version\": 1, \"reason\": \"deed poll\", \"family_name\": "
            "\"Khan-Smith\"}",
            200);
    sample0(SCHOOL, "PATCH", "/api/v1/learners/{uln}", path, JSON,
            "{\"version\": 1, \"postcode\": \"SW1A 2AA\"}", 409);
    sample0(CAT, "GET", "/api/v1/me/learner", "/api/v1/me/learner", NULL, NULL,
            200);

    /* Merge history and the audit trail (operators). */
    snprintf(path, sizeof path, "/api/v1/learners/%s/unmerge", uln_kate);
    sample0(OP, "POST", "/api/v1/learners/{uln}/unmerge", path, JSON,
            "{\"reason\": \"not the same after all\"}", 200);
    snprintf(path, sizeof path, "/api/v1/learners/%s/merge", uln_kate);
    snprintf(body, sizeof body, "{\"into\": \"%s\", \"reason\": \"same\"}",
             uln_cat);
    sample0(OP, "POST", "/api/v1/learners/{uln}/merge", path, JSON, body, 200);
    sample0(OP, "POST", "/api/v1/learners/{uln}/merge", path, JSON, body, 409);
    snprintf(path, sizeof path, "/api/v1/learners/%s/links", uln_kate);
    j = sample(OP, "GET", "/api/v1/learners/{uln}/links", path, NULL, NULL,
               200);
    assert_true(json_array_size(json_object_get(j, "links")) >= 2);
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/learners/%s/audit", zoe_uln);
    j = sample(OP, "GET", "/api/v1/learners/{uln}/audit", path, NULL, NULL,
               200);
    assert_true(json_array_size(json_object_get(j, "entries")) >= 3);
    json_decref(j);
    sample0(SCHOOL, "GET", "/api/v1/learners/{uln}/audit", path, NULL, NULL,
            403);
}

static void test_sample__verification(void **state)
{
    char body[512];
    json_t *j;

    (void)state;
    snprintf(body, sizeof body,
             "{\"uln\": \"%s\", \"given_name\": \"Catherine\", "
             "\"family_name\": \"Lee\", \"date_of_birth\": \"2008-01-02\"}",
             uln_cat);
    j = sample(AO, "POST", "/api/v1/verify", "/api/v1/verify", JSON, body, 200);
    assert_string_equal(str(j, "code"), "WSVRC001");
    json_decref(j);
    snprintf(body, sizeof body,
             "{\"uln\": \"%s\", \"given_name\": \"Kate\", \"family_name\": "
             "\"Lee\"}",
             uln_kate);
    sample0(AO, "POST", "/api/v1/verify", "/api/v1/verify", JSON, body, 200);
    sample0(AO, "POST", "/api/v1/verify", "/api/v1/verify", JSON,
            "{\"uln\": \"1234567890\", \"given_name\": \"A\", "
            "\"family_name\": \"B\"}",
            400);
    snprintf(
        body, sizeof body,
        "[{\"uln\": \"%s\", \"given_name\": \"Katherine\", "
        "\"family_name\": \"Lee\"},"
        " {\"uln\": \"12\", \"given_name\": \"A\", \"family_name\": \"B\"},"
        " {\"uln\": \"%s\", \"given_name\": \"Sam\", \"family_name\": "
        "\"Smith\", \"gender\": \"M\"}]",
        uln_cat, uln_sam);
    j = sample(AO, "POST", "/api/v1/verify/batch", "/api/v1/verify/batch", JSON,
               body, 200);
    assert_int_equal(json_array_size(json_object_get(j, "rows")), 3);
    json_decref(j);
}

static void test_sample__plr(void **state)
{
    char csv[1024], path[160];
    json_t *j;

    (void)state;
    snprintf(csv, sizeof csv,
             "uln,given_name,family_name,subject_code,subject,"
             "qualification_type,level,grade,award_date,credits\n"
             "%s,Catherine,Lee,600/1166/X,Mathematics,GCSE,2,7,2024-08-22,12\n"
             "%s,Kate,Leigh-Smith,600/1167/1,English,GCSE,2,6,2024-08-22,\n"
             "1234567890,A,B,600/1166/X,Mathematics,GCSE,2,5,2024-08-22,\n"
             "%s,John,Smith,600/1166/X,Mathematics,GCSE,2,5,2024-08-22,\n",
             uln_cat, uln_kate, uln_sam);
    j = sample(AO, "POST", "/api/v1/results", "/api/v1/results", "text/csv",
               csv, 200);
    assert_true(json_integer_value(json_object_get(
                    json_object_get(j, "summary"), "stored")) >= 1);
    json_decref(j);

    snprintf(path, sizeof path,
             "/api/v1/learners/%s/plr?given_name=Catherine&family_name=Lee",
             uln_cat);
    sample0(AO, "GET", "/api/v1/learners/{uln}/plr", path, NULL, NULL, 200);
    snprintf(path, sizeof path,
             "/api/v1/learners/%s/plr?given_name=Catherine&family_name=Lee",
             uln_kate);
    j = sample(OP, "GET", "/api/v1/learners/{uln}/plr", path, NULL, NULL, 200);
    assert_string_equal(str(j, "code"), "WSRC0022");
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/learners/%s/plr", uln_sam);
    sample0(AO, "POST", "/api/v1/learners/{uln}/plr", path, JSON,
            "{\"given_name\": \"Sam\", \"family_name\": \"Ward\"}", 403);
    sample0(AO, "POST", "/api/v1/learners/{uln}/plr", path, JSON,
            "{\"given_name\": \"John\", \"family_name\": \"Ward\"}", 404);
    sample0(CAT, "GET", "/api/v1/me/plr", "/api/v1/me/plr", NULL, NULL, 200);
    sample0(CAT, "GET", "/api/v1/me/plr.html", "/api/v1/me/plr.html", NULL,
            NULL, 200);

    /* A share, opened signed out, then revoked. */
    j = sample(CAT, "POST", "/api/v1/me/shares", "/api/v1/me/shares", JSON,
               "{\"expires_days\": 7}", 201);
    snprintf(path, sizeof path, "/api/v1/shares/%s", str(j, "token"));
    sample0(WHO__COUNT, "GET", "/api/v1/shares/{token}", path, NULL, NULL, 200);
    snprintf(path, sizeof path, "/api/v1/me/shares/%lld",
             (long long)json_integer_value(json_object_get(j, "id")));
    json_decref(j);
    sample0(CAT, "DELETE", "/api/v1/me/shares/{id}", path, NULL, NULL, 200);
    sample0(WHO__COUNT, "GET", "/api/v1/shares/{token}",
            "/api/v1/shares/no-such-share", NULL, NULL, 404);
    sample0(CAT, "GET", "/api/v1/me/shares", "/api/v1/me/shares", NULL, NULL,
            200);
    sample0(CAT, "PUT", "/api/v1/me/ability-to-share",
            "/api/v1/me/ability-to-share", JSON, "{\"ability_to_share\": 1}",
            200);
    sample0(CAT, "PUT", "/api/v1/me/ability-to-share",
            "/api/v1/me/ability-to-share", JSON, "{\"ability_to_share\": 0}",
            400);

    /* Sam makes his learner account with a sign-up code: not the school's
     * pupil, so from an operator. */
    snprintf(csv, sizeof csv, "{\"uln\": \"%s\"}", uln_sam);
    sample0(SCHOOL, "POST", "/api/v1/invites", "/api/v1/invites", JSON, csv,
            404);
    j = sample(OP, "POST", "/api/v1/invites", "/api/v1/invites", JSON, csv,
               201);
    snprintf(csv, sizeof csv,
             "{\"uln\": \"%s\", \"given_name\": \"Sam\", \"family_name\": "
             "\"Ward\", \"date_of_birth\": \"2007-05-06\", \"code\": \"%s\", "
             "\"login\": \"sam\", \"password\": \"Sam's own password\"}",
             uln_sam, str(j, "code"));
    json_decref(j);
    sample0(WHO__COUNT, "POST", "/api/v1/signup", "/api/v1/signup", JSON, csv,
            201);
    sample0(WHO__COUNT, "POST", "/api/v1/signup", "/api/v1/signup", JSON, csv,
            400);

    /* Exam entries: submitted, pending, sent, seen by the AO. */
    snprintf(csv, sizeof csv,
             "candidate_number,qualification_code,series,given_name,"
             "family_name,uln,qualification_title\n"
             "0001,600/1166/X,2025-06,Catherine,Lee,%s,Mathematics\n"
             "0002,600/1166/X,2025-06,Sam,Smith,%s,Mathematics\n"
             "0003,600/1166/X,2025-06,,Pupil,,Mathematics\n",
             uln_cat, uln_sam);
    sample0(SCHOOL, "POST", "/api/v1/entries", "/api/v1/entries?ao=" AO_UKPRN,
            "text/csv", csv, 200);
    sample0(SCHOOL, "GET", "/api/v1/entries/pending",
            "/api/v1/entries/pending?ao=" AO_UKPRN, NULL, NULL, 200);
    sample0(SCHOOL, "GET", "/api/v1/entries/pending", "/api/v1/entries/pending",
            NULL, NULL, 400);
    j = sample(SCHOOL, "POST", "/api/v1/entries/send", "/api/v1/entries/send",
               JSON, "{\"ao\": \"" AO_UKPRN "\"}", 200);
    assert_true(json_integer_value(json_object_get(j, "sent")) >= 2);
    json_decref(j);
    sample0(AO, "GET", "/api/v1/entries", "/api/v1/entries", NULL, NULL, 200);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

static void test_sample__batches_and_exceptions(void **state)
{
    const char *const hdrs[] = {bearer[SCHOOL], NULL};
    char path[96], body[96];
    struct http_resp res;
    int64_t job, exception = 0;
    json_t *j, *x;
    size_t i;

    (void)state;
    http_request(&srv, "POST", "/api/v1/batches?name=school.xml",
                 "application/xml", ctf.data, ctf.len, hdrs, &res);
    assert_int_equal(res.status, 202);
    j = conforms("POST", "/api/v1/batches", &res);
    http_resp_release(&res);
    job = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/batches/%lld", (long long)job);
    /* Bounded only so that a broken server cannot hang the run. */
    for (int n = 0;; n++) {
        j = sample(SCHOOL, "GET", "/api/v1/batches/{id}", path, NULL, NULL,
                   200);
        if (strcmp(str(j, "status"), "done") == 0)
            break;
        if (strcmp(str(j, "status"), "failed") == 0 || n == 1200)
            fail_msg("job %lld: %s", (long long)job, str(j, "status"));
        json_decref(j);
        sleep_ms(100);
    }
    json_decref(j);
    sample0(SCHOOL, "GET", "/api/v1/batches", "/api/v1/batches", NULL, NULL,
            200);
    sample0(AO, "GET", "/api/v1/batches", "/api/v1/batches", NULL, NULL, 403);
    sample0(SCHOOL, "GET", "/api/v1/batches/{id}", "/api/v1/batches/999999",
            NULL, NULL, 404);
    snprintf(path, sizeof path, "/api/v1/batches/%lld/ctf", (long long)job);
    sample0(SCHOOL, "GET", "/api/v1/batches/{id}/ctf", path, NULL, NULL, 200);
    snprintf(path, sizeof path, "/api/v1/batches/%lld/report.csv",
             (long long)job);
    sample0(SCHOOL, "GET", "/api/v1/batches/{id}/report.csv", path, NULL, NULL,
            200);
    snprintf(path, sizeof path, "/api/v1/batches/%lld/report.html",
             (long long)job);
    sample0(OP, "GET", "/api/v1/batches/{id}/report.html", path, NULL, NULL,
            200);

    snprintf(path, sizeof path, "/api/v1/exceptions?job=%lld", (long long)job);
    j = sample(SCHOOL, "GET", "/api/v1/exceptions", path, NULL, NULL, 200);
    json_array_foreach(json_object_get(j, "exceptions"), i, x)
    {
        if (!exception && (strcmp(str(x, "code"), "WSRC0003") == 0 ||
                           strcmp(str(x, "code"), "WSRC0002") == 0))
            exception = json_integer_value(json_object_get(x, "id"));
    }
    assert_true(json_array_size(json_object_get(j, "exceptions")) >= 2);
    json_decref(j);
    if (!exception)
        fail_msg("no possible-match exception");
    sample0(SCHOOL, "GET", "/api/v1/exceptions", "/api/v1/exceptions?status=x",
            NULL, NULL, 400);
    sample0(SCHOOL, "GET", "/api/v1/exceptions",
            "/api/v1/exceptions?code=WSRC0004", NULL, NULL, 400);
    snprintf(path, sizeof path, "/api/v1/exceptions?job=%lld&code=RC010",
             (long long)job);
    sample0(OP, "GET", "/api/v1/exceptions", path, NULL, NULL, 200);
    /* Every exception in detail: rejected rows too (explanation null). */
    snprintf(path, sizeof path, "/api/v1/exceptions?job=%lld", (long long)job);
    j = sample(OP, "GET", "/api/v1/exceptions", path, NULL, NULL, 200);
    json_array_foreach(json_object_get(j, "exceptions"), i, x)
    {
        snprintf(path, sizeof path, "/api/v1/exceptions/%lld",
                 (long long)json_integer_value(json_object_get(x, "id")));
        sample0(SCHOOL, "GET", "/api/v1/exceptions/{id}", path, NULL, NULL,
                200);
    }
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/exceptions/%lld/resolve",
             (long long)exception);
    snprintf(body, sizeof body, "{\"uln\": \"%s\"}", EMMA);
    sample0(SCHOOL, "POST", "/api/v1/exceptions/{id}/resolve", path, JSON, body,
            200);
    sample0(SCHOOL, "POST", "/api/v1/exceptions/{id}/resolve", path, JSON, body,
            409);
    snprintf(path, sizeof path, "/api/v1/exceptions/%lld",
             (long long)exception);
    sample0(SCHOOL, "GET", "/api/v1/exceptions/{id}", path, NULL, NULL, 200);
}

static void test_sample__admin(void **state)
{
    char path[64], body[160];
    json_t *j, *u;

    (void)state;
    sample0(OP, "GET", "/api/v1/organisations", "/api/v1/organisations", NULL,
            NULL, 200);
    j = sample(OP, "POST", "/api/v1/organisations", "/api/v1/organisations",
               JSON,
               "{\"type\": \"school\", \"name\": \"Brook\", \"la\": 802, "
               "\"estab\": 4001}",
               201);
    snprintf(body, sizeof body,
             "{\"org_id\": %lld, \"login\": \"head@brook\", \"roles\": "
             "[\"school\", \"admin\"]}",
             (long long)json_integer_value(json_object_get(j, "id")));
    snprintf(path, sizeof path, "/api/v1/organisations/%lld/users",
             (long long)json_integer_value(json_object_get(j, "id")));
    json_decref(j);
    sample0(OP, "POST", "/api/v1/organisations", "/api/v1/organisations", JSON,
            "{\"type\": \"ao\", \"name\": \"X\"}", 400);
    j = sample(OP, "POST", "/api/v1/users", "/api/v1/users", JSON, body, 201);
    u = json_object_get(j, "user");
    sample0(OP, "GET", "/api/v1/organisations/{id}/users", path, NULL, NULL,
            200);
    snprintf(path, sizeof path, "/api/v1/users/%lld/password",
             (long long)json_integer_value(json_object_get(u, "id")));
    sample0(OP, "POST", "/api/v1/users/{id}/password", path, NULL, NULL, 200);
    snprintf(path, sizeof path, "/api/v1/users/%lld/disable",
             (long long)json_integer_value(json_object_get(u, "id")));
    sample0(OP, "POST", "/api/v1/users/{id}/disable", path, NULL, NULL, 200);
    /* The account trail of what was just done to the user. */
    snprintf(path, sizeof path, "/api/v1/users/%lld/audit",
             (long long)json_integer_value(json_object_get(u, "id")));
    json_decref(j);
    j = sample(OP, "GET", "/api/v1/users/{id}/audit", path, NULL, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(j, "entries")), 3);
    json_decref(j);
    sample0(OP, "GET", "/api/v1/users/{id}/audit", "/api/v1/users/x/audit",
            NULL, NULL, 400);
    sample0(OP, "GET", "/api/v1/users/{id}/audit", "/api/v1/users/99999/audit",
            NULL, NULL, 404);
    sample0(OP, "POST", "/api/v1/users", "/api/v1/users", JSON, body, 409);
    sample0(SCHOOL, "GET", "/api/v1/organisations", "/api/v1/organisations",
            NULL, NULL, 403);
}

static void test_sample__every_tag_was_sampled(void **state)
{
    (void)state;
    for (size_t t = 0; t < LRSD_LEN(tags); t++)
        if (sampled[t] < 3)
            fail_msg("tag %s: %u answers checked", tags[t], sampled[t]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_openapi__parses_as_openapi_3),
        cmocka_unit_test(test_openapi__every_route_is_documented),
        cmocka_unit_test(test_openapi__every_operation_is_a_route),
        cmocka_unit_test(test_openapi__lrs_codes_are_known),
        cmocka_unit_test(test_serve__the_document_with_an_etag),
        cmocka_unit_test(test_sample__operations),
        cmocka_unit_test(test_sample__accounts),
        cmocka_unit_test(test_sample__learners),
        cmocka_unit_test(test_sample__verification),
        cmocka_unit_test(test_sample__plr),
        cmocka_unit_test(test_sample__batches_and_exceptions),
        cmocka_unit_test(test_sample__admin),
        cmocka_unit_test(test_sample__every_tag_was_sampled),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
