/*
 * pages_form.c - a request's form (parsed by form.c), page sessions, CSRF,
 * redirects.
 *
 * A page session is the same signed cookie as the API's (lrs/auth.h,
 * cmd/lrsd/auth.c): lrs_session=v1...; HttpOnly; SameSite=Strict, whose
 * nonce is a session row in the store (revoked by signing out, a password
 * change or disabling the user), and whose user is read afresh on every
 * request. Every form that changes something carries the session's CSRF
 * token in a hidden field "csrf", checked here before the handler runs: a
 * cookie travels with any request the browser makes, the token only with
 * our own forms. The session is checked by lrsd_session_load() (auth.c),
 * the API's own check, so that a cookie the API refuses (signed out,
 * revoked by a password reset or a disabled user) is refused here too:
 * the page sends the browser to sign in.
 */
#include "pages.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ */
/* Forms                                                              */
/* ------------------------------------------------------------------ */

bool page_form_parse(struct lrsd_req *r, struct page_form *f)
{
    const char *ct = lrsd_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);

    f->count = 0;
    if (!ct || strncmp(ct, "application/x-www-form-urlencoded", 33) != 0)
        return false;
    return lrsd_form_urlencoded(&r->arena, r->body.data, r->body.len, f);
}

bool page_multipart_parse(struct lrsd_req *r, const char *file_field,
                          struct page_upload *u)
{
    return lrsd_form_multipart(&r->arena,
                               lrsd_header(r, MHD_HTTP_HEADER_CONTENT_TYPE),
                               r->body.data, r->body.len, file_field, u);
}

const char *page_query(struct lrsd_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* ------------------------------------------------------------------ */
/* Cookies and redirects                                              */
/* ------------------------------------------------------------------ */

void page_redirect(struct lrsd_req *r, const char *location)
{
    static const char body[] = "See other\n";

    lrsd_reply_data(r, 303, "text/plain; charset=utf-8", body, sizeof body - 1);
    lrsd_reply_header(r, MHD_HTTP_HEADER_LOCATION, location);
}

void page_set_session_cookie(struct lrsd_req *r, const struct lrs_session *s)
{
    char v[LRS_AUTH_SESSION_SIZE], c[LRS_AUTH_SESSION_SIZE + 128];

    if (s)
        lrs_auth_session_encode(&lrsd_app.session_key, s, v);
    snprintf(c, sizeof c,
             "lrs_session=%s; Path=/; Max-Age=%lld; HttpOnly; "
             "SameSite=Strict%s",
             s ? v : "",
             s ? (long long)((s->expires_ms - s->issued_ms) / 1000) : 0LL,
             lrsd_app.secure_cookies ? "; Secure" : "");
    lrsd_reply_header(r, MHD_HTTP_HEADER_SET_COOKIE, c);
}

/* ------------------------------------------------------------------ */
/* Who is asking                                                      */
/* ------------------------------------------------------------------ */

/*
 * Fill p->who from the session cookie: a valid signature, a session row
 * not revoked, an enabled user. False when there is no such session;
 * *down is set when the store could not say.
 */
static bool load_session(struct page *p, bool *down)
{
    struct lrsd_req *r = p->r;
    const char *cookie =
        MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "lrs_session");
    struct lrs_session sess;
    struct lrs_store *s;
    enum lrsd_session_state state;

    *down = false;
    if (!cookie ||
        lrs_auth_session_decode(&lrsd_app.session_key, lrs_str_c(cookie),
                                now_ms(), &sess) != LRS_OK)
        return false;
    s = page_store(p);
    if (!s) {
        *down = true;
        return false;
    }
    state = lrsd_session_load(s, &sess, &p->who);
    if (state == LRSD_SESSION_DOWN)
        *down = true;
    if (state != LRSD_SESSION_LIVE)
        return false;
    lrs_auth_csrf_token(&lrsd_app.session_key, &sess, p->csrf);
    p->signed_in = true;
    return true;
}

bool page_begin_auth(struct page *p, struct lrsd_req *r, unsigned roles,
                     unsigned flags, const struct page_form *form)
{
    bool down;

    memset(p, 0, sizeof *p);
    p->r = r;
    lrs_buf_init(&p->out, 0);
    if (!load_session(p, &down)) {
        if (down) {
            if (!r->status && !r->resp)
                page_fail(p, 503, "Sorry, the service is unavailable",
                          "Try again in a few minutes.");
            return false;
        }
        if (flags & PAGE_AUTH_OPTIONAL)
            return true;
        page_redirect(r, "/sign-in");
        return false;
    }
    if (form && !lrs_auth_csrf_check(&lrsd_app.session_key, &p->who.session,
                                     lrs_str_c(page_form_get(form, "csrf")))) {
        page_fail(p, 403, "Sorry, this form has expired",
                  "Go back, reload the page and try again.");
        return false;
    }
    if (roles && !(p->who.roles & roles)) {
        page_fail(p, 403, "You cannot use this page",
                  "Your role does not allow it. Ask your organisation's "
                  "administrator if you need it.");
        return false;
    }
    if (!p->who.agreed && !(flags & PAGE_AUTH_NO_AGREEMENT)) {
        page_redirect(r, "/agreement");
        return false;
    }
    if (p->who.must_change_password && !(flags & PAGE_AUTH_NO_AGREEMENT)) {
        page_redirect(r, "/password");
        return false;
    }
    r->who = p->who; /* the audit actor of the request (lrsd_actor) */
    return true;
}

struct lrs_store *page_store(struct page *p)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrsd_req *r = p->r;

    if (r->store)
        return r->store;
    if (lrsd_db_get(lrsd_app.db, &r->store, &d) != LRS_OK) {
        char q[200];

        lrsd_log(LRS_LOG_ERROR, "db", r->id, "cannot open store", "error=%s",
                 lrsd_log_quote(d.msg, q, sizeof q));
        r->store = NULL;
        page_fail(p, 503, "Sorry, the service is unavailable",
                  "Try again in a few minutes.");
        return NULL;
    }
    lrsd_audit_attach_for(r);
    return r->store;
}
