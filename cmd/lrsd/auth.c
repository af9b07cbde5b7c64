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
 * Users, their roles and API tokens live in the store (lrs/accounts.h):
 * a token is looked up by its SHA-256, a cookie's nonce names a session
 * row (revoked by signing out, a password change or disabling the user),
 * and the user is read afresh on every request, so a disabled user or a
 * changed role takes effect at once on every lrsd. The operator token of
 * --operator-token-file, when given, is also accepted: user 0 of
 * organisation 0 (the LRS), role LRS operator, as the command-line
 * program acts for the system.
 */
#include "lrsd.h"

#include <arpa/inet.h>
#include <netinet/in.h>
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

void lrsd_principal_set(struct lrsd_principal *who, const struct lrs_user *u)
{
    memset(who, 0, sizeof *who);
    who->user_id = u->id;
    who->org_id = u->org_id;
    who->roles = u->roles;
    who->agreed = u->agreement_version >= LRSD_AGREEMENT_VERSION;
    who->must_change_password = u->must_change_password;
    snprintf(who->login, sizeof who->login, "%s", u->login);
    snprintf(who->uln, sizeof who->uln, "%s", u->uln);
}

enum lrsd_session_state lrsd_session_load(struct lrs_store *s,
                                          const struct lrs_session *sess,
                                          struct lrsd_principal *who)
{
    struct lrs_session_row row;
    struct lrs_user u;
    enum lrs_err err = lrs_store_session_get(s, sess->nonce, &row);

    if (err == LRS_ENOTFOUND ||
        (!err && (row.revoked_ms || row.user_id != sess->user_id)))
        return LRSD_SESSION_ENDED;
    if (!err)
        err = lrs_store_user_get(s, sess->user_id, &u);
    if (err == LRS_ENOTFOUND)
        return LRSD_SESSION_GONE;
    if (err)
        return LRSD_SESSION_DOWN;
    if (u.disabled)
        return LRSD_SESSION_DISABLED;
    lrsd_principal_set(who, &u);
    who->by_session = true;
    who->session = *sess;
    return LRSD_SESSION_LIVE;
}

/* A store error while checking credentials: 503, logged. */
static bool store_down(struct lrsd_req *r)
{
    char q[200];

    lrsd_log(LRS_LOG_ERROR, "auth", r->id, "cannot check credentials",
             "error=%s",
             lrsd_log_quote(r->store ? lrs_store_errmsg(r->store) : "", q,
                            sizeof q));
    lrsd_reply_error(r, 503, "LRSD0503", NULL, "the store is not available");
    return false;
}

/* The principal of an API token, or false (replied). */
static bool by_token(struct lrsd_req *r, const char *token)
{
    uint8_t hash[LRS_AUTH_TOKEN_HASH_LEN];
    struct lrs_store *s;
    struct lrs_token t;
    struct lrs_user u;
    enum lrs_err err;

    if (lrs_auth_token_hash(lrs_str_c(token), hash) != LRS_OK)
        return deny(r, 401, "LRSD0401", NULL, "the API token is malformed");
    memset(&r->who, 0, sizeof r->who);
    if (lrsd_app.have_operator_token &&
        lrs_auth_equal(hash, lrsd_app.operator_token_hash, sizeof hash)) {
        r->who.roles = LRS_ROLE_OPERATOR;
        r->who.agreed = true;
        return true;
    }
    s = lrsd_store(r);
    if (!s)
        return false;
    err = lrs_store_token_get_by_hash(s, hash, &t);
    if (err == LRS_ENOTFOUND)
        return deny(r, 401, "LRSD0401", NULL, "the API token is not valid");
    if (err)
        return store_down(r);
    if (t.revoked_ms)
        return deny(r, 401, "LRSD0401", NULL, "the API token was revoked");
    if (t.expires_ms && t.expires_ms <= now_ms())
        return deny(r, 401, "LRSD0401", NULL, "the API token has expired");
    err = lrs_store_user_get(s, t.user_id, &u);
    if (err == LRS_ENOTFOUND)
        return deny(r, 401, "LRSD0401", NULL, "the API token is not valid");
    if (err)
        return store_down(r);
    if (u.disabled)
        return deny(r, 401, "LRSD0401", NULL, "this account is disabled");
    lrsd_principal_set(&r->who, &u);
    return true;
}

/* The principal of a session cookie, or false (replied). */
static bool by_cookie(struct lrsd_req *r, const char *cookie)
{
    struct lrs_session sess;
    struct lrs_store *s;
    enum lrs_err err;

    err = lrs_auth_session_decode(&lrsd_app.session_key, lrs_str_c(cookie),
                                  now_ms(), &sess);
    if (err == LRS_ENOTFOUND)
        return deny(r, 401, "LRSD0401", NULL,
                    "the session has expired; sign in again");
    if (err)
        return deny(r, 401, "LRSD0401", NULL, "the session is not valid");
    s = lrsd_store(r);
    if (!s)
        return false;
    switch (lrsd_session_load(s, &sess, &r->who)) {
    case LRSD_SESSION_LIVE:
        return true;
    case LRSD_SESSION_ENDED:
        return deny(r, 401, "LRSD0401", NULL,
                    "the session has ended; sign in again");
    case LRSD_SESSION_GONE:
        return deny(r, 401, "LRSD0401", NULL, "the session is not valid");
    case LRSD_SESSION_DISABLED:
        return deny(r, 401, "LRSD0401", NULL, "this account is disabled");
    case LRSD_SESSION_DOWN:
        break;
    }
    return store_down(r);
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
    if (r->who.must_change_password &&
        !(route->flags & LRSD_ROUTE_NO_AGREEMENT))
        return deny(r, 403, "LRSD0403", "password",
                    "choose a new password first");
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
    lrsd_audit_attach_for(r);
    return r->store;
}

struct lrs_actor lrsd_actor(const struct lrsd_req *r)
{
    return (struct lrs_actor){r->who.user_id, r->who.org_id, "http", r->addr};
}

#define KEY_SETTING "session_key"

enum lrs_err lrsd_session_key_load(struct lrs_diag *diag)
{
    struct lrs_auth_key k;
    struct lrs_store *s = NULL;
    size_t len = 0;
    enum lrs_err err = lrsd_db_get(lrsd_app.db, &s, diag);

    if (err)
        return err;
    err = lrs_store_setting_get(s, KEY_SETTING, k.bytes, sizeof k.bytes, &len);
    if (err == LRS_ENOTFOUND) {
        /* First start of this register: make the key. Another lrsd may
         * make one at the same moment; the first stored wins, and the
         * loser reads it back. */
        lrs_auth_key_generate(&k);
        err = lrs_store_setting_add(s, KEY_SETTING, k.bytes, sizeof k.bytes);
        if (err == LRS_ECONFLICT)
            err = lrs_store_setting_get(s, KEY_SETTING, k.bytes, sizeof k.bytes,
                                        &len);
        else
            len = sizeof k.bytes;
    }
    if (!err && len != sizeof k.bytes)
        err = LRS_ECORRUPT;
    if (err)
        lrs_diag_set(diag, "db", "cannot load the session key: %s",
                     lrs_store_errmsg(s)[0] ? lrs_store_errmsg(s)
                                            : lrs_strerror(err));
    else
        lrsd_app.session_key = k;
    lrsd_db_put(lrsd_app.db, s);
    return err;
}
