/*
 * h_auth.c - sign-in, sign-out, the user agreement, password change and
 * API tokens (docs/api.md "Signing in").
 *
 * Sign-in answers an unknown login, a wrong password and a disabled
 * account alike (401, same message, and the same time: an unknown login
 * is checked against a dummy hash), so that it does not tell which logins
 * exist. Attempts are rate limited per login before any hash is checked.
 * A session is a signed cookie (lrs/auth.h) whose random nonce is also a
 * row in the store: signing out revokes that row, so a copied cookie dies
 * with it on every lrsd. A password change and issuing or revoking a
 * token go through the service (lrs/service.h), which audits them.
 */
#include "lrsd.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A store failure in a handler: 503 and a log line. */
static void store_failed(struct lrsd_req *r, const char *what)
{
    char q[200];

    lrsd_log(LRS_LOG_ERROR, "auth", r->id, what, "error=%s",
             lrsd_log_quote(lrs_store_errmsg(r->store), q, sizeof q));
    lrsd_reply_error(r, 503, "LRSD0503", NULL, "the store is not available");
}

static json_t *roles_json(unsigned roles)
{
    json_t *a = json_array();

    for (unsigned bit = 1; a && bit <= LRS_ROLE_ALL; bit <<= 1)
        if (roles & bit)
            json_array_append_new(
                a, json_string(lrs_role_name((enum lrs_role)bit)));
    return a;
}

/* {"user": {...}, "csrf_token", "agreement_required", ...} for `who`. */
static json_t *session_json(const struct lrsd_principal *who)
{
    char csrf[LRS_AUTH_CSRF_SIZE];
    json_t *j = json_object(), *u = json_object();

    if (!j || !u) {
        json_decref(j);
        json_decref(u);
        return NULL;
    }
    json_object_set_new(u, "id", json_integer(who->user_id));
    json_object_set_new(u, "login", json_string(who->login));
    json_object_set_new(u, "org_id", json_integer(who->org_id));
    json_object_set_new(u, "roles", roles_json(who->roles));
    if (who->uln[0])
        json_object_set_new(u, "uln", json_string(who->uln));
    json_object_set_new(j, "user", u);
    if (who->by_session) {
        lrs_auth_csrf_token(&lrsd_app.session_key, &who->session, csrf);
        json_object_set_new(j, "csrf_token", json_string(csrf));
        json_object_set_new(j, "expires_ms",
                            json_integer(who->session.expires_ms));
    }
    json_object_set_new(j, "agreement_version",
                        json_integer(LRSD_AGREEMENT_VERSION));
    json_object_set_new(j, "agreement_required", json_boolean(!who->agreed));
    json_object_set_new(j, "must_change_password",
                        json_boolean(who->must_change_password));
    return j;
}

/* A non-zero rate-limit key for a login (FNV-1a). */
static uint64_t login_key(const char *login)
{
    uint64_t h = 14695981039346656037u;

    for (const unsigned char *p = (const unsigned char *)login; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return h ? h : 1;
}

static void set_cookie(struct lrsd_req *r, const char *value, int64_t max_s)
{
    char c[LRS_AUTH_SESSION_SIZE + 128];

    snprintf(c, sizeof c,
             "lrs_session=%s; Path=/; Max-Age=%lld; HttpOnly; "
             "SameSite=Strict%s",
             value, (long long)max_s,
             lrsd_app.secure_cookies ? "; Secure" : "");
    lrsd_reply_header(r, MHD_HTTP_HEADER_SET_COOKIE, c);
}

/* ------------------------------------------------------------------ */
/* Sessions                                                           */
/* ------------------------------------------------------------------ */

/* POST /api/v1/session {"login", "password"}: sign in. */
void lrsd_h_session_create(struct lrsd_req *r)
{
    json_t *body = lrsd_json_body(r);
    const char *login = NULL, *password = NULL;
    char cookie[LRS_AUTH_SESSION_SIZE];
    struct lrs_session_row row;
    struct lrs_store *s;
    struct lrs_user u;
    int64_t retry_ms = 0;
    enum lrs_err err;
    bool ok;

    if (!body)
        return;
    /* "username" is the name this endpoint first documented. */
    if (!lrsd_json_str(r, body,
                       json_object_get(body, "username") ? "username" : "login",
                       LRSD_JSON_REQUIRED, LRS_LOGIN_MAX, &login) ||
        !lrsd_json_str(r, body, "password", LRSD_JSON_REQUIRED, 1024,
                       &password))
        goto out;
    if (lrs_ratelimit_take(lrsd_app.signin_limit, login_key(login), now_ms(),
                           &retry_ms) != LRS_OK) {
        char after[24];

        snprintf(after, sizeof after, "%lld",
                 (long long)(retry_ms + 999) / 1000);
        lrsd_reply_error(r, 429, "LRSD0429", NULL,
                         "too many sign-in attempts; try again later");
        lrsd_reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, after);
        goto out;
    }
    s = lrsd_store(r);
    if (!s)
        goto out;
    err = lrs_store_user_get_by_login(s, login, &u);
    if (err && err != LRS_ENOTFOUND) {
        store_failed(r, "cannot read a user");
        goto out;
    }
    if (err || !u.password_hash[0]) {
        /* Spend the time a real check takes; the answer is no anyway. */
        const enum lrs_err spent =
            lrs_auth_password_verify(lrsd_app.dummy_hash, lrs_str_c(password));

        (void)spent;
        ok = false;
    } else {
        ok = lrs_auth_password_verify(u.password_hash, lrs_str_c(password)) ==
                 LRS_OK &&
             !u.disabled;
    }
    if (!ok) {
        lrsd_log(LRS_LOG_INFO, "auth", r->id, "sign-in refused", "addr=%s",
                 r->addr);
        lrsd_reply_error(r, 401, "LRSD0401", NULL,
                         "the login or the password is wrong");
        goto out;
    }
    lrsd_principal_set(&r->who, &u);
    r->who.by_session = true;
    lrs_session_init(&r->who.session, u.id, now_ms(), LRSD_SESSION_TTL_MS);
    memset(&row, 0, sizeof row);
    memcpy(row.id, r->who.session.nonce, sizeof row.id);
    row.user_id = u.id;
    row.created_ms = r->who.session.issued_ms;
    row.expires_ms = r->who.session.expires_ms;
    snprintf(row.addr, sizeof row.addr, "%s", r->addr);
    if (lrs_store_session_add(s, &row) != LRS_OK) {
        store_failed(r, "cannot record a session");
        goto out;
    }
    lrsd_log(LRS_LOG_INFO, "auth", r->id, "signed in", "user=%lld addr=%s",
             (long long)u.id, r->addr);
    lrs_auth_session_encode(&lrsd_app.session_key, &r->who.session, cookie);
    lrsd_reply_json(r, 200, session_json(&r->who));
    set_cookie(r, cookie, LRSD_SESSION_TTL_MS / 1000);
out:
    json_decref(body);
}

/* GET /api/v1/session: who am I, and the CSRF token of my session. */
void lrsd_h_session_get(struct lrsd_req *r)
{
    lrsd_reply_json(r, 200, session_json(&r->who));
}

/* DELETE /api/v1/session: sign out (revoke the session everywhere). */
void lrsd_h_session_delete(struct lrsd_req *r)
{
    struct lrs_store *s;
    enum lrs_err err;

    if (!r->who.by_session) {
        lrsd_reply_error(r, 400, "WSEC0001", NULL,
                         "an API token has no session; revoke the token "
                         "instead");
        return;
    }
    s = lrsd_store(r);
    if (!s)
        return;
    err = lrs_store_session_revoke(s, r->who.session.nonce);
    if (err && err != LRS_ENOTFOUND) {
        store_failed(r, "cannot revoke a session");
        return;
    }
    lrsd_reply_data(r, 204, "application/json", "", 0);
    set_cookie(r, "", 0);
}

/* POST /api/v1/session/password {"current_password", "new_password"}. */
void lrsd_h_password_change(struct lrsd_req *r)
{
    json_t *body = lrsd_json_body(r);
    const char *cur = NULL, *next = NULL;
    char hash[LRS_AUTH_HASH_SIZE];
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_actor actor;
    struct lrs_store *s;
    struct lrs_user u;

    if (!body)
        return;
    if (!lrsd_json_str(r, body, "current_password", LRSD_JSON_REQUIRED, 1024,
                       &cur) ||
        !lrsd_json_str(r, body, "new_password", LRSD_JSON_REQUIRED, 1024,
                       &next))
        goto out;
    if (r->who.user_id == 0) {
        lrsd_reply_error(r, 400, "WSEC0001", NULL,
                         "the operator token has no password");
        goto out;
    }
    if (lrs_auth_password_check(lrs_str_c(next), &d) != LRS_OK) {
        lrsd_reply_error(r, 400, "WSEC0001", "new_password", "%s", d.msg);
        goto out;
    }
    s = lrsd_store(r);
    if (!s)
        goto out;
    if (lrs_store_user_get(s, r->who.user_id, &u) != LRS_OK) {
        store_failed(r, "cannot read a user");
        goto out;
    }
    if (lrs_auth_password_verify(u.password_hash, lrs_str_c(cur)) != LRS_OK) {
        lrsd_reply_error(r, 403, "LRSD0403", "current_password",
                         "the current password is wrong");
        goto out;
    }
    if (lrs_auth_password_hash(lrs_str_c(next), LRS_AUTH_COST_INTERACTIVE,
                               hash) != LRS_OK) {
        lrsd_reply_error(r, 503, "LRSD0503", NULL, "out of memory");
        goto out;
    }
    /* Every session of the user ends, this one too: sign in again. */
    actor = lrsd_actor(r);
    if (lrs_service_password_change(s, &actor, hash, &d) != LRS_OK) {
        store_failed(r, "cannot set a password");
        goto out;
    }
    lrsd_reply_data(r, 204, "application/json", "", 0);
    set_cookie(r, "", 0);
out:
    json_decref(body);
}

/* ------------------------------------------------------------------ */
/* The user agreement                                                 */
/* ------------------------------------------------------------------ */

/* GET /api/v1/agreement: the version to accept and whether I have. */
void lrsd_h_agreement_get(struct lrsd_req *r)
{
    json_t *j = json_object();

    if (j) {
        json_object_set_new(j, "version", json_integer(LRSD_AGREEMENT_VERSION));
        json_object_set_new(j, "accepted", json_boolean(r->who.agreed));
    }
    lrsd_reply_json(r, 200, j);
}

/* POST /api/v1/agreement {"version": N}: accept the current agreement. */
void lrsd_h_agreement_accept(struct lrsd_req *r)
{
    json_t *body = lrsd_json_body(r);
    json_t *v;
    struct lrs_store *s;

    if (!body)
        return;
    v = json_object_get(body, "version");
    if (!json_is_integer(v) ||
        json_integer_value(v) != LRSD_AGREEMENT_VERSION) {
        lrsd_reply_error(r, 400, "WSEC0001", "version",
                         "version must be the current agreement, %d",
                         LRSD_AGREEMENT_VERSION);
        goto out;
    }
    if (r->who.user_id != 0) {
        s = lrsd_store(r);
        if (!s)
            goto out;
        if (lrs_store_user_accept_agreement(
                s, r->who.user_id, LRSD_AGREEMENT_VERSION, 0) != LRS_OK) {
            store_failed(r, "cannot record the agreement");
            goto out;
        }
    }
    r->who.agreed = true;
    lrsd_reply_json(r, 200, session_json(&r->who));
out:
    json_decref(body);
}

/* ------------------------------------------------------------------ */
/* API tokens                                                         */
/* ------------------------------------------------------------------ */

static json_t *token_json(const struct lrs_token *t)
{
    json_t *j = json_object();

    if (!j)
        return NULL;
    json_object_set_new(j, "id", json_integer(t->id));
    json_object_set_new(j, "label", json_string(t->label));
    json_object_set_new(j, "created_ms", json_integer(t->created_ms));
    if (t->expires_ms)
        json_object_set_new(j, "expires_ms", json_integer(t->expires_ms));
    if (t->revoked_ms)
        json_object_set_new(j, "revoked_ms", json_integer(t->revoked_ms));
    return j;
}

static enum lrs_err add_token(const struct lrs_token *t, void *ctx)
{
    json_t *j = token_json(t);

    if (!j || json_array_append_new(ctx, j) != 0)
        return LRS_ENOMEM;
    return LRS_OK;
}

/* The operator token is no user: it has no tokens of its own. */
static bool has_user(struct lrsd_req *r)
{
    if (r->who.user_id)
        return true;
    lrsd_reply_error(r, 400, "WSEC0001", NULL,
                     "the operator token has no tokens of its own");
    return false;
}

/* GET /api/v1/tokens: my API tokens (never their text). */
void lrsd_h_tokens_list(struct lrsd_req *r)
{
    json_t *a, *j;
    struct lrs_store *s;

    if (!has_user(r))
        return;
    s = lrsd_store(r);
    if (!s)
        return;
    a = json_array();
    if (!a) {
        lrsd_reply_json(r, 500, NULL);
        return;
    }
    if (lrs_store_token_scan(s, r->who.user_id, add_token, a) != LRS_OK) {
        json_decref(a);
        store_failed(r, "cannot list tokens");
        return;
    }
    j = json_object();
    if (j)
        json_object_set_new(j, "tokens", a);
    else
        json_decref(a);
    lrsd_reply_json(r, 200, j);
}

/* POST /api/v1/tokens {"label"}: a new token, its text shown once. */
void lrsd_h_token_create(struct lrsd_req *r)
{
    json_t *body = lrsd_json_body(r), *j;
    char text[LRS_AUTH_TOKEN_SIZE];
    struct lrs_diag d = LRS_DIAG_INIT;
    const char *label = NULL;
    struct lrs_actor actor;
    struct lrs_store *s;
    struct lrs_token t;
    enum lrs_err err;

    if (!body)
        return;
    if (!has_user(r) || !lrsd_json_str(r, body, "label", LRSD_JSON_REQUIRED,
                                       LRS_TOKEN_LABEL_MAX, &label))
        goto out;
    s = lrsd_store(r);
    if (!s)
        goto out;
    memset(&t, 0, sizeof t);
    t.user_id = r->who.user_id;
    snprintf(t.label, sizeof t.label, "%s", label);
    lrs_auth_token_new(text, t.hash);
    actor = lrsd_actor(r);
    err = lrs_service_token_add(s, &actor, &t, &d);
    if (err == LRS_EINVAL || err == LRS_ENOTFOUND) {
        lrsd_reply_error(r, 400, "WSEC0001", d.field, "%s", d.msg);
        goto out;
    }
    if (err) {
        store_failed(r, "cannot add a token");
        goto out;
    }
    j = token_json(&t);
    if (j)
        json_object_set_new(j, "token", json_string(text));
    lrsd_reply_json(r, 201, j);
out:
    json_decref(body);
}

/* DELETE /api/v1/tokens/{id}: revoke one of my tokens. */
void lrsd_h_token_revoke(struct lrsd_req *r)
{
    const char *id = lrsd_param(r, 0);
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_actor actor;
    struct lrs_store *s;
    enum lrs_err err;
    uint64_t n;

    if (!has_user(r))
        return;
    if (!id || lrs_parse_u64(lrs_str_c(id), 1, INT64_MAX, &n) != LRS_OK) {
        lrsd_reply_error(r, 400, "WSEC0001", "id", "id must be a number");
        return;
    }
    s = lrsd_store(r);
    if (!s)
        return;
    actor = lrsd_actor(r);
    err = lrs_service_token_revoke(s, &actor, r->who.user_id, (int64_t)n, &d);
    if (err == LRS_ENOTFOUND) {
        lrsd_reply_error(r, 404, "LRSD0404", "id", "no such token");
        return;
    }
    if (err) {
        store_failed(r, "cannot revoke a token");
        return;
    }
    lrsd_reply_data(r, 204, "application/json", "", 0);
}
