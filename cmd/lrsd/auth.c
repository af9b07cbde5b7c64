/*
 * auth.c - who is calling, and may they: tokens, cookies, roles, CSRF.
 *
 * A request to a route with roles must carry either
 *
 *   Authorization: Bearer lrst_...   an API token (MIS and AO systems), or
 *   Cookie: lrs_session=v1....       a session from signing in (pages).
 *
 * A cookie-borne request that changes state (anything but GET and HEAD)
 * must also carry its session's CSRF token in X-CSRF-Token: a cookie is
 * sent by the browser whatever page asks, the header only by our own
 * pages. SameSite=Strict on the cookie is a second wall, not the only one.
 *
 * The principal then needs one of the route's roles, and must have
 * accepted the user agreement unless the route exists to accept it.
 *
 * NEEDSWORK: users, their roles and their API tokens live in the store,
 * whose account operations are still to come (docs/server.md). Until then
 * the one principal lrsd knows is the operator token of
 * --operator-token-file: user 0 of organisation 0 (the LRS), role LRS
 * operator, as the command-line program acts for the system.
 */
#include "lrsd.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct lrsd_app lrsd_app;

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool deny(struct lrsd_req *r, unsigned status, const char *code,
                 const char *field, const char *msg)
{
    lrsd_reply_error(r, status, code, field, "%s", msg);
    if (status == 401)
        lrsd_reply_header(r, "WWW-Authenticate", "Bearer realm=\"lrs\"");
    return false;
}

/* The principal of an API token, or false (replied). */
static bool by_token(struct lrsd_req *r, const char *token)
{
    uint8_t hash[LRS_AUTH_TOKEN_HASH_LEN];

    if (lrs_auth_token_hash(lrs_str_c(token), hash) != LRS_OK)
        return deny(r, 401, "LRSD0401", NULL, "the API token is malformed");
    if (lrsd_app.have_operator_token &&
        lrs_auth_equal(hash, lrsd_app.operator_token_hash, sizeof hash)) {
        memset(&r->who, 0, sizeof r->who);
        r->who.roles = LRS_ROLE_OPERATOR;
        r->who.agreed = true;
        return true;
    }
    return deny(r, 401, "LRSD0401", NULL, "the API token is not valid");
}

/* The principal of a session cookie, or false (replied). */
static bool by_cookie(struct lrsd_req *r, const char *cookie)
{
    struct lrs_session s;
    enum lrs_err err;

    err = lrs_auth_session_decode(&lrsd_app.session_key, lrs_str_c(cookie),
                                  now_ms(), &s);
    if (err == LRS_ENOTFOUND)
        return deny(r, 401, "LRSD0401", NULL,
                    "the session has expired; sign in again");
    if (err)
        return deny(r, 401, "LRSD0401", NULL, "the session is not valid");
    /* NEEDSWORK: load user s.user_id (roles, organisation, agreement,
     * disabled) from the store once it has account operations. */
    return deny(r, 401, "LRSD0401", NULL,
                "user accounts are not available in this build");
}

static bool csrf_ok(struct lrsd_req *r)
{
    const char *t;

    if (!r->who.by_session)
        return true;
    if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0)
        return true;
    t = lrsd_header(r, "X-CSRF-Token");
    return t && lrs_auth_csrf_check(&lrsd_app.session_key, &r->who.session,
                                    lrs_str_c(t));
}

bool lrsd_authorize(struct lrsd_req *r)
{
    const struct lrsd_route *route = &lrsd_routes[r->route];
    const char *authz = lrsd_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *cookie =
        MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "lrs_session");
    bool ok;

    if (authz) {
        if (strncasecmp(authz, "Bearer ", 7) != 0)
            return deny(r, 401, "LRSD0401", NULL,
                        "use Authorization: Bearer with an API token");
        ok = by_token(r, authz + 7);
    } else if (cookie) {
        ok = by_cookie(r, cookie);
    } else {
        return deny(r, 401, "LRSD0401", NULL, "sign in first");
    }
    if (!ok)
        return false;
    if (!(r->who.roles & route->roles))
        return deny(r, 403, "LRSD0403", NULL, "your role may not do this");
    if (!csrf_ok(r))
        return deny(r, 403, "LRSD0403", "csrf",
                    "the X-CSRF-Token header is missing or wrong");
    if (!r->who.agreed && !(route->flags & LRSD_ROUTE_NO_AGREEMENT))
        return deny(r, 403, "LRSD0403", "agreement",
                    "accept the user agreement first");
    return true;
}

struct lrs_store *lrsd_store(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_err err;

    if (r->store)
        return r->store;
    err = lrsd_db_get(lrsd_app.db, &r->store, &d);
    if (err) {
        char q[200];

        lrsd_log(LRS_LOG_ERROR, "db", r->id, "cannot open store", "error=%s",
                 lrsd_log_quote(d.msg, q, sizeof q));
        lrsd_reply_error(r, 503, "LRSD0503", NULL,
                         "the store is not available");
        return NULL;
    }
    return r->store;
}

struct lrs_actor lrsd_actor(const struct lrsd_req *r)
{
    return (struct lrs_actor){r->who.user_id, r->who.org_id, "http"};
}
