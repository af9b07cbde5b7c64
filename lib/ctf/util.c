/*
 * util.c - what the reader and the writer share: one-time libxml2 set-up,
 * the error guard that keeps libxml2 from printing, and UTF-8 checks.
 *
 * libxml2 reports errors through handlers that are thread-local in its
 * threaded builds. The guard saves the calling thread's handlers, installs
 * ones that record the first error into a struct lrs__ctf_xml_err, and
 * restores the saved ones on leave. So the library never prints, and a host
 * that uses libxml2 for something else keeps its own handlers.
 */
#include "base/base.h"

#include "ctf/ctf_int.h"

#include <pthread.h>

#include <libxml/globals.h>
#include <libxml/parser.h>

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init_once(void)
{
    xmlInitParser();
}

void lrs__ctf_xml_init(void)
{
    pthread_once(&xml_once, xml_init_once);
}

void lrs__ctf_xml_error(void *ctx, lrs__ctf_xml_error_ptr e)
{
    struct lrs__ctf_xml_err *rec = ctx;
    const char *m;
    size_t n = 0;

    /* Warnings (e.g. about namespaces) do not make a file malformed. */
    if (!rec || rec->set || !e || e->level < XML_ERR_ERROR)
        return;
    rec->set = true;
    rec->nomem = e->code == XML_ERR_NO_MEMORY;
    rec->code = e->code;
    rec->line = e->line;
    rec->col = e->int2;
    m = e->message ? e->message : "malformed XML";
    /* libxml2's wording ends in "indicate encoding !"; say what it is. */
    if (e->code == XML_ERR_INVALID_CHAR && strstr(m, "proper UTF-8"))
        m = "invalid UTF-8";
    while (*m == ' ')
        m++;
    /* Keep the first line only; libxml2 adds byte dumps on later lines. */
    while (m[n] && m[n] != '\n' && n < sizeof rec->msg - 1)
        n++;
    while (n > 0 && (m[n - 1] == ' ' || m[n - 1] == '\r'))
        n--;
    memcpy(rec->msg, m, n);
    rec->msg[n] = '\0';
    /* House style is lower case: "Opening and ..." -> "opening and ...". */
    if (rec->msg[0] >= 'A' && rec->msg[0] <= 'Z' && rec->msg[1] >= 'a' &&
        rec->msg[1] <= 'z')
        rec->msg[0] = (char)(rec->msg[0] - 'A' + 'a');
}

/* libxml2's generic handler is printf-like; drop whatever it says. */
static void xml_silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

void lrs__ctf_guard_enter(struct lrs__ctf_guard *g,
                          struct lrs__ctf_xml_err *rec)
{
    g->structured_fn = xmlStructuredError;
    g->structured_ctx = xmlStructuredErrorContext;
    g->generic_fn = xmlGenericError;
    g->generic_ctx = xmlGenericErrorContext;
    xmlSetStructuredErrorFunc(rec, lrs__ctf_xml_error);
    xmlSetGenericErrorFunc(NULL, xml_silent);
}

void lrs__ctf_guard_leave(const struct lrs__ctf_guard *g)
{
    xmlSetStructuredErrorFunc(g->structured_ctx, g->structured_fn);
    xmlSetGenericErrorFunc(g->generic_ctx, g->generic_fn);
}

/*
 * Decode one UTF-8 character at s[0..len), rejecting overlong forms,
 * surrogates and values above U+10FFFF. Returns its length (0 if invalid)
 * and stores the code point in *cp.
 */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
    size_t n;
    uint32_t c = s[0], min;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if ((c & 0xe0) == 0xc0) {
        n = 2, c &= 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        n = 3, c &= 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        n = 4, c &= 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n > len)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3fu);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

/* XML 1.0 section 2.2, production [2] Char. */
static bool xml_char(uint32_t c)
{
    if (c < 0x20)
        return c == 0x9 || c == 0xa || c == 0xd;
    return c <= 0xd7ff || (c >= 0xe000 && c <= 0xfffd) ||
           (c >= 0x10000 && c <= 0x10ffff);
}

bool lrs__ctf_xml_text_ok(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        uint32_t cp;
        const size_t n = utf8_next(p + i, len - i, &cp);

        if (n == 0 || !xml_char(cp))
            return false;
        i += n;
    }
    return true;
}

size_t lrs__ctf_utf8_count(const char *s, size_t len)
{
    size_t count = 0;

    for (size_t i = 0; i < len; i++)
        count += ((unsigned char)s[i] & 0xc0) != 0x80;
    return count;
}
