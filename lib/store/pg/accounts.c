/*
 * pg/accounts.c - the account ops of the PostgreSQL engine:
 * organisations, users and roles, API tokens, sessions, settings
 * (lrs/accounts.h; tables in schema.c, versions 1 and 2).
 *
 * These run a few times per request at most, so they use PQexecParams
 * (parameters apart from the SQL, as everywhere in this engine) without
 * joining pg.c's table of prepared statements. Inserts use ON CONFLICT DO
 * NOTHING RETURNING id: a duplicate is LRS_ECONFLICT and, unlike a failed
 * statement, leaves the transaction usable. bytea comes back as text in
 * the hex format and is decoded with PQunescapeBytea.
 */
#include "base/base.h"

#include "store/pg/pg_int.h"

#include <lrs/auth.h>

#include <stdlib.h>

#define ORG_COLS "id, kind, name, la, estab, urn, ukprn, created_ms"
#define USER_COLS                                                              \
    "id, org_id, login, display_name, password_hash, disabled,"                \
    " must_change_password, agreement_version, agreement_ms, uln,"             \
    " created_ms, (SELECT string_agg(role, ',' ORDER BY role)"                 \
    " FROM user_roles WHERE user_id = users.id)"
/* USER_COLS without the password hash, for lists. */
#define USER_SCAN_COLS                                                         \
    "id, org_id, login, display_name, '', disabled,"                           \
    " must_change_password, agreement_version, agreement_ms, uln,"             \
    " created_ms, (SELECT string_agg(role, ',' ORDER BY role)"                 \
    " FROM user_roles WHERE user_id = users.id)"
#define TOKEN_COLS                                                             \
    "id, user_id, token_hash, label, created_ms, expires_ms, revoked_ms"
#define SESSION_COLS "id, user_id, created_ms, expires_ms, revoked_ms, addr"

/* Run `sql` for its row count only. */
static enum lrs_err run_count(struct pg *p, const char *sql,
                              const struct pg_params *pp, int64_t *rows)
{
    PGresult *res;
    enum lrs_err err = lrs__pg_exec_params(p, sql, pp, &res);

    if (err)
        return err;
    *rows = strtoll(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return LRS_OK;
}

/* Decode bytea column `col` into dst if it is exactly `len` bytes. */
static void bytes(const PGresult *res, int row, int col, uint8_t *dst,
                  size_t len)
{
    size_t n = 0;
    unsigned char *raw =
        PQunescapeBytea((const unsigned char *)PQgetvalue(res, row, col), &n);

    if (raw && n == len)
        memcpy(dst, raw, len);
    PQfreemem(raw);
}

/* The one row of `res` through `read`, or LRS_ENOTFOUND; clears res. */
static enum lrs_err one(PGresult *res,
                        void (*read)(const PGresult *, int, void *), void *out)
{
    const bool found = PQntuples(res) > 0;

    if (found)
        read(res, 0, out);
    PQclear(res);
    return found ? LRS_OK : LRS_ENOTFOUND;
}

static void id_row(const PGresult *res, int row, void *out)
{
    *(int64_t *)out = lrs__pg_col_i64(res, row, 0);
}

/* ------------------------------------------------------------------ */
/* Organisations                                                      */
/* ------------------------------------------------------------------ */

static void org_row(const PGresult *res, int row, void *out)
{
    struct lrs_org *o = out;
    const char *kind = PQgetvalue(res, row, 1);

    memset(o, 0, sizeof *o);
    o->id = lrs__pg_col_i64(res, row, 0);
    for (int k = LRS_ORG_LRS; k <= LRS_ORG_PROVIDER; k++)
        if (strcmp(kind, lrs_org_kind_name((enum lrs_org_kind)k)) == 0)
            o->kind = (enum lrs_org_kind)k;
    lrs__pg_col_text(res, row, 2, o->name, sizeof o->name);
    o->la = (int32_t)lrs__pg_col_i64(res, row, 3);
    o->estab = (int32_t)lrs__pg_col_i64(res, row, 4);
    o->urn = lrs__pg_col_i64(res, row, 5);
    lrs__pg_col_text(res, row, 6, o->ukprn, sizeof o->ukprn);
    o->created_ms = lrs__pg_col_i64(res, row, 7);
}

/* An integer parameter, or SQL NULL for 0. */
static void param_i64_or_null(struct pg_params *pp, int64_t v)
{
    if (v)
        lrs__pg_param_i64(pp, v);
    else
        lrs__pg_param_str(pp, NULL);
}

enum lrs_err lrs__pg_org_insert(void *e, struct lrs_org *o)
{
    struct pg_params pp;
    PGresult *res;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    lrs__pg_param_str(&pp, lrs_org_kind_name(o->kind));
    lrs__pg_param_str(&pp, o->name);
    param_i64_or_null(&pp, o->la);
    if (o->la)
        lrs__pg_param_i64(&pp, o->estab);
    else
        lrs__pg_param_str(&pp, NULL);
    param_i64_or_null(&pp, o->urn);
    lrs__pg_param_str(&pp, o->ukprn[0] ? o->ukprn : NULL);
    lrs__pg_param_i64(&pp, o->created_ms);
    err = lrs__pg_exec_params(
        e,
        "INSERT INTO organisations (kind, name, la, estab, urn, ukprn,"
        " created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT DO NOTHING RETURNING id",
        &pp, &res);
    if (!err)
        err = one(res, id_row, &o->id);
    if (err == LRS_ENOTFOUND)
        return lrs__pg_fail(e, LRS_ECONFLICT, "duplicate identifier");
    return err;
}

enum lrs_err lrs__pg_org_get(void *e, int64_t id, struct lrs_org *out)
{
    struct pg_params pp;
    PGresult *res;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    lrs__pg_param_i64(&pp, id);
    err = lrs__pg_exec_params(
        e, "SELECT " ORG_COLS " FROM organisations WHERE id = $1", &pp, &res);
    return err ? err : one(res, org_row, out);
}

enum lrs_err lrs__pg_org_find(void *e, const struct lrs_org_ref *ref,
                              struct lrs_org *out)
{
    struct pg_params pp;
    PGresult *res;
    const char *sql;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    if (ref->la) {
        sql = "SELECT " ORG_COLS " FROM organisations"
              " WHERE la = $1 AND estab = $2";
        lrs__pg_param_i64(&pp, ref->la);
        lrs__pg_param_i64(&pp, ref->estab);
    } else if (ref->urn) {
        sql = "SELECT " ORG_COLS " FROM organisations WHERE urn = $1";
        lrs__pg_param_i64(&pp, ref->urn);
    } else {
        sql = "SELECT " ORG_COLS " FROM organisations WHERE ukprn = $1";
        lrs__pg_param_str(&pp, ref->ukprn);
    }
    err = lrs__pg_exec_params(e, sql, &pp, &res);
    return err ? err : one(res, org_row, out);
}

enum lrs_err lrs__pg_org_scan(void *e, lrs_store_org_fn fn, void *ctx)
{
    struct pg_params pp;
    struct lrs_org o;
    PGresult *res;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    err = lrs__pg_exec_params(
        e, "SELECT " ORG_COLS " FROM organisations ORDER BY id", &pp, &res);
    if (err)
        return err;
    for (int i = 0; !err && i < PQntuples(res); i++) {
        org_row(res, i, &o);
        err = fn(&o, ctx);
    }
    PQclear(res);
    return err;
}

/* ------------------------------------------------------------------ */
/* Users                                                              */
/* ------------------------------------------------------------------ */

static void user_row(const PGresult *res, int row, void *out)
{
    struct lrs_user *u = out;

    memset(u, 0, sizeof *u);
    u->id = lrs__pg_col_i64(res, row, 0);
    u->org_id = lrs__pg_col_i64(res, row, 1);
    lrs__pg_col_text(res, row, 2, u->login, sizeof u->login);
    lrs__pg_col_text(res, row, 3, u->display_name, sizeof u->display_name);
    lrs__pg_col_text(res, row, 4, u->password_hash, sizeof u->password_hash);
    u->disabled = lrs__pg_col_i64(res, row, 5) != 0;
    u->must_change_password = lrs__pg_col_i64(res, row, 6) != 0;
    u->agreement_version = (int32_t)lrs__pg_col_i64(res, row, 7);
    u->agreement_ms = lrs__pg_col_i64(res, row, 8);
    lrs__store_uln_text(lrs__pg_col_i64(res, row, 9), u->uln);
    u->created_ms = lrs__pg_col_i64(res, row, 10);
    u->roles = lrs__store_role_bits(PQgetvalue(res, row, 11));
}

/* One user_roles row for each bit of `roles`. */
static enum lrs_err roles_insert(struct pg *e, int64_t user_id, unsigned roles)
{
    struct pg_params pp;
    enum lrs_err err = LRS_OK;

    for (unsigned bit = 1; !err && bit <= LRS_ROLE_ALL; bit <<= 1) {
        int64_t n;

        if (!(roles & bit))
            continue;
        lrs__pg_params_init(&pp);
        lrs__pg_param_i64(&pp, user_id);
        lrs__pg_param_str(&pp, lrs__store_role_name(bit));
        err = run_count(e,
                        "INSERT INTO user_roles (user_id, role)"
                        " VALUES ($1, $2)",
                        &pp, &n);
    }
    return err;
}

enum lrs_err lrs__pg_user_insert(void *e, struct lrs_user *u)
{
    struct pg_params pp;
    PGresult *res;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    lrs__pg_param_i64(&pp, u->org_id);
    lrs__pg_param_str(&pp, u->login);
    lrs__pg_param_str(&pp, u->display_name);
    lrs__pg_param_str(&pp, u->password_hash[0] ? u->password_hash : NULL);
    lrs__pg_param_i64(&pp, u->disabled);
    lrs__pg_param_i64(&pp, u->must_change_password);
    lrs__pg_param_i64(&pp, u->agreement_version);
    lrs__pg_param_i64(&pp, u->agreement_ms);
    param_i64_or_null(&pp, lrs__store_uln_int(u->uln));
    lrs__pg_param_i64(&pp, u->created_ms);
    err = lrs__pg_exec_params(
        e,
        "INSERT INTO users (org_id, login, display_name, password_hash,"
        " disabled, must_change_password, agreement_version,"
        " agreement_ms, uln, created_ms) VALUES ($1, $2, $3, $4, $5,"
        " $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING id",
        &pp, &res);
    if (!err)
        err = one(res, id_row, &u->id);
    if (err == LRS_ENOTFOUND)
        return lrs__pg_fail(e, LRS_ECONFLICT, "login or ULN in use");
    return err ? err : roles_insert(e, u->id, u->roles);
}

enum lrs_err lrs__pg_user_get(void *e, int64_t id, const char *login,
                              struct lrs_user *out)
{
    struct pg_params pp;
    PGresult *res;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    if (login) {
        lrs__pg_param_str(&pp, login);
        err = lrs__pg_exec_params(
            e, "SELECT " USER_COLS " FROM users WHERE login = $1", &pp, &res);
    } else {
        lrs__pg_param_i64(&pp, id);
        err = lrs__pg_exec_params(
            e, "SELECT " USER_COLS " FROM users WHERE id = $1", &pp, &res);
    }
    return err ? err : one(res, user_row, out);
}

/* The users of one organisation, or all; never the password hashes. */
enum lrs_err lrs__pg_user_scan(void *e, int64_t org_id, lrs_store_user_fn fn,
                               void *ctx)
{
    struct pg_params pp;
    struct lrs_user u;
    PGresult *res;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    lrs__pg_param_i64(&pp, org_id);
    err =
        lrs__pg_exec_params(e,
                            "SELECT " USER_SCAN_COLS " FROM users"
                            " WHERE $1::bigint < 0 OR org_id = $1 ORDER BY id",
                            &pp, &res);
    if (err)
        return err;
    for (int i = 0; !err && i < PQntuples(res); i++) {
        user_row(res, i, &u);
        err = fn(&u, ctx);
    }
    PQclear(res);
    return err;
}

enum lrs_err lrs__pg_user_update(void *e, const struct lrs_user *u)
{
    struct pg_params pp;
    int64_t n = 0;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    lrs__pg_param_i64(&pp, u->id);
    lrs__pg_param_str(&pp, u->password_hash[0] ? u->password_hash : NULL);
    lrs__pg_param_i64(&pp, u->disabled);
    lrs__pg_param_i64(&pp, u->must_change_password);
    lrs__pg_param_i64(&pp, u->agreement_version);
    lrs__pg_param_i64(&pp, u->agreement_ms);
    lrs__pg_param_str(&pp, u->display_name);
    err = run_count(e,
                    "UPDATE users SET password_hash = $2, disabled = $3,"
                    " must_change_password = $4, agreement_version = $5,"
                    " agreement_ms = $6, display_name = $7 WHERE id = $1",
                    &pp, &n);
    if (!err && n == 0)
        return LRS_ENOTFOUND;
    if (err)
        return err;
    /* The roles as a whole: the few rows of one user. */
    lrs__pg_params_init(&pp);
    lrs__pg_param_i64(&pp, u->id);
    err = run_count(e, "DELETE FROM user_roles WHERE user_id = $1", &pp, &n);
    return err ? err : roles_insert(e, u->id, u->roles);
}

/* ------------------------------------------------------------------ */
/* API tokens                                                         */
/* ------------------------------------------------------------------ */

static void token_row(const PGresult *res, int row, void *out)
{
    struct lrs_token *t = out;

    memset(t, 0, sizeof *t);
    t->id = lrs__pg_col_i64(res, row, 0);
    t->user_id = lrs__pg_col_i64(res, row, 1);
    bytes(res, row, 2, t->hash, sizeof t->hash);
    lrs__pg_col_text(res, row, 3, t->label, sizeof t->label);
    t->created_ms = lrs__pg_col_i64(res, row, 4);
    t->expires_ms = lrs__pg_col_i64(res, row, 5);
    t->revoked_ms = lrs__pg_col_i64(res, row, 6);
}

enum lrs_err lrs__pg_token_insert(void *e, struct lrs_token *t)
{
    struct pg_params pp;
    PGresult *res;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    lrs__pg_param_i64(&pp, t->user_id);
    lrs__pg_param_bin(&pp, t->hash, sizeof t->hash);
    lrs__pg_param_str(&pp, t->label);
    lrs__pg_param_i64(&pp, t->created_ms);
    param_i64_or_null(&pp, t->expires_ms);
    err = lrs__pg_exec_params(
        e,
        "INSERT INTO api_tokens (user_id, token_hash, label,"
        " created_ms, expires_ms) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT DO NOTHING RETURNING id",
        &pp, &res);
    if (!err)
        err = one(res, id_row, &t->id);
    if (err == LRS_ENOTFOUND)
        return lrs__pg_fail(e, LRS_ECONFLICT, "token hash in use");
    return err;
}

enum lrs_err lrs__pg_token_get(void *e, const uint8_t *hash,
                               struct lrs_token *out)
{
    struct pg_params pp;
    PGresult *res;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    lrs__pg_param_bin(&pp, hash, LRS_TOKEN_HASH_LEN);
    err = lrs__pg_exec_params(
        e, "SELECT " TOKEN_COLS " FROM api_tokens WHERE token_hash = $1", &pp,
        &res);
    return err ? err : one(res, token_row, out);
}

enum lrs_err lrs__pg_token_revoke(void *e, int64_t user_id, int64_t id,
                                  int64_t at_ms)
{
    struct pg_params pp;
    int64_t n = 0;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    lrs__pg_param_i64(&pp, id);
    lrs__pg_param_i64(&pp, user_id);
    lrs__pg_param_i64(&pp, at_ms);
    err = run_count(e,
                    "UPDATE api_tokens SET revoked_ms ="
                    " coalesce(revoked_ms, $3) WHERE id = $1"
                    " AND user_id = $2",
                    &pp, &n);
    if (!err && n == 0)
        return LRS_ENOTFOUND;
    return err;
}

enum lrs_err lrs__pg_token_scan(void *e, int64_t user_id, lrs_store_token_fn fn,
                                void *ctx)
{
    struct pg_params pp;
    struct lrs_token t;
    PGresult *res;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    lrs__pg_param_i64(&pp, user_id);
    err = lrs__pg_exec_params(e,
                              "SELECT " TOKEN_COLS
                              " FROM api_tokens WHERE user_id = $1"
                              " ORDER BY id",
                              &pp, &res);
    if (err)
        return err;
    for (int i = 0; !err && i < PQntuples(res); i++) {
        token_row(res, i, &t);
        err = fn(&t, ctx);
    }
    PQclear(res);
    return err;
}

/* ------------------------------------------------------------------ */
/* Sessions                                                           */
/* ------------------------------------------------------------------ */

static void session_row(const PGresult *res, int row, void *out)
{
    struct lrs_session_row *r = out;

    memset(r, 0, sizeof *r);
    bytes(res, row, 0, r->id, sizeof r->id);
    r->user_id = lrs__pg_col_i64(res, row, 1);
    r->created_ms = lrs__pg_col_i64(res, row, 2);
    r->expires_ms = lrs__pg_col_i64(res, row, 3);
    r->revoked_ms = lrs__pg_col_i64(res, row, 4);
    lrs__pg_col_text(res, row, 5, r->addr, sizeof r->addr);
}

enum lrs_err lrs__pg_session_insert(void *e, const struct lrs_session_row *r)
{
    struct pg_params pp;
    int64_t n;

    lrs__pg_params_init(&pp);
    lrs__pg_param_bin(&pp, r->id, sizeof r->id);
    lrs__pg_param_i64(&pp, r->user_id);
    lrs__pg_param_i64(&pp, r->created_ms);
    lrs__pg_param_i64(&pp, r->expires_ms);
    lrs__pg_param_str(&pp, r->addr);
    return run_count(e,
                     "INSERT INTO sessions (id, user_id, created_ms,"
                     " expires_ms, addr) VALUES ($1, $2, $3, $4, $5)",
                     &pp, &n);
}

enum lrs_err lrs__pg_session_get(void *e, const uint8_t *id,
                                 struct lrs_session_row *out)
{
    struct pg_params pp;
    PGresult *res;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    lrs__pg_param_bin(&pp, id, LRS_SESSION_ID_LEN);
    err = lrs__pg_exec_params(
        e, "SELECT " SESSION_COLS " FROM sessions WHERE id = $1", &pp, &res);
    return err ? err : one(res, session_row, out);
}

enum lrs_err lrs__pg_session_revoke(void *e, const uint8_t *id, int64_t user_id,
                                    int64_t at_ms)
{
    struct pg_params pp;
    int64_t n = 0;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    if (id) {
        lrs__pg_param_bin(&pp, id, LRS_SESSION_ID_LEN);
        lrs__pg_param_i64(&pp, at_ms);
        err = run_count(e,
                        "UPDATE sessions SET revoked_ms ="
                        " coalesce(revoked_ms, $2) WHERE id = $1",
                        &pp, &n);
        if (!err && n == 0)
            return LRS_ENOTFOUND;
        return err;
    }
    lrs__pg_param_i64(&pp, user_id);
    lrs__pg_param_i64(&pp, at_ms);
    return run_count(e,
                     "UPDATE sessions SET revoked_ms = $2"
                     " WHERE user_id = $1 AND revoked_ms IS NULL",
                     &pp, &n);
}

/* ------------------------------------------------------------------ */
/* Settings                                                           */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__pg_setting_get(void *e, const char *name, void *buf,
                                 size_t cap, size_t *len)
{
    struct pg_params pp;
    PGresult *res;
    unsigned char *raw;
    size_t n = 0;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    lrs__pg_param_str(&pp, name);
    err = lrs__pg_exec_params(e, "SELECT value FROM settings WHERE name = $1",
                              &pp, &res);
    if (err)
        return err;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return LRS_ENOTFOUND;
    }
    raw = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 0), &n);
    PQclear(res);
    if (!raw)
        return lrs__pg_fail(e, LRS_ENOMEM, "out of memory");
    if (n > cap) {
        err = LRS_ELIMIT;
    } else {
        if (n)
            memcpy(buf, raw, n);
        *len = n;
    }
    PQfreemem(raw);
    return err;
}

enum lrs_err lrs__pg_setting_insert(void *e, const char *name,
                                    const void *value, size_t len)
{
    struct pg_params pp;
    int64_t n = 0;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    lrs__pg_param_str(&pp, name);
    lrs__pg_param_bin(&pp, len ? value : "", len);
    err = run_count(e,
                    "INSERT INTO settings (name, value) VALUES ($1, $2)"
                    " ON CONFLICT DO NOTHING",
                    &pp, &n);
    if (!err && n == 0)
        return lrs__pg_fail(e, LRS_ECONFLICT, "setting exists");
    return err;
}
