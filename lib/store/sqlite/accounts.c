/*
 * sqlite/accounts.c - the account ops of the SQLite engine: organisations,
 * users and roles, API tokens, sessions, settings (lrs/accounts.h; the
 * tables are in schema.c, versions 1 and 2).
 *
 * These run a few times per request at most, so each statement is
 * prepared on use and finalized at once rather than cached: simpler, and
 * nothing to invalidate when `reset` drops the tables. Inserts use ON
 * CONFLICT DO NOTHING RETURNING id, so a duplicate is LRS_ECONFLICT with
 * the transaction still usable, as on PostgreSQL.
 */
#include "base/base.h"

#include "store/sqlite/sqlite_int.h"

#include <lrs/auth.h>

#include <sqlite3.h>

#define ORG_COLS "id, kind, name, la, estab, urn, ukprn, created_ms"
#define USER_COLS                                                              \
    "id, org_id, login, display_name, password_hash, disabled,"                \
    " must_change_password, agreement_version, agreement_ms, uln,"             \
    " created_ms,"                                                             \
    " (SELECT group_concat(role) FROM user_roles WHERE user_id = users.id)"
/* USER_COLS without the password hash, for lists. */
#define USER_SCAN_COLS                                                         \
    "id, org_id, login, display_name, '', disabled,"                           \
    " must_change_password, agreement_version, agreement_ms, uln,"             \
    " created_ms,"                                                             \
    " (SELECT group_concat(role) FROM user_roles WHERE user_id = users.id)"
#define TOKEN_COLS                                                             \
    "id, user_id, token_hash, label, created_ms, expires_ms, revoked_ms"
#define SESSION_COLS "id, user_id, created_ms, expires_ms, revoked_ms, addr"

/* Prepare `sql` into *st; on failure the message is recorded. */
static enum lrs_err prep(void *e, const char *sql, sqlite3_stmt **st)
{
    const int rc = sqlite3_prepare_v2(lrs__sqlite_db(e), sql, -1, st, NULL);

    if (rc != SQLITE_OK) {
        *st = NULL;
        return lrs__sqlite_fail(e, rc);
    }
    return LRS_OK;
}

/* Step `st` once for a statement with at most one row, then finalize it.
 * `read` (may be NULL) reads the row. ENOTFOUND when there was none. */
static enum lrs_err one_row(void *e, sqlite3_stmt *st,
                            void (*read)(sqlite3_stmt *, void *), void *out)
{
    int rc = sqlite3_step(st);
    enum lrs_err err = LRS_OK;

    if (rc == SQLITE_ROW) {
        if (read)
            read(st, out);
        rc = sqlite3_step(st);
    } else if (rc == SQLITE_DONE) {
        err = LRS_ENOTFOUND;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        err = lrs__sqlite_fail(e, rc);
    sqlite3_finalize(st);
    return err;
}

/* Run a statement with no rows; *changes (may be NULL) its row count. */
static enum lrs_err exec(void *e, sqlite3_stmt *st, int *changes)
{
    const int rc = sqlite3_step(st);
    enum lrs_err err = LRS_OK;

    if (rc != SQLITE_DONE)
        err = lrs__sqlite_fail(e, rc);
    else if (changes)
        *changes = sqlite3_changes(lrs__sqlite_db(e));
    sqlite3_finalize(st);
    return err;
}

static void col_text(sqlite3_stmt *st, int i, char *dst, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    size_t n = t ? (size_t)sqlite3_column_bytes(st, i) : 0;

    if (n > size - 1)
        n = size - 1;
    if (n)
        memcpy(dst, t, n);
    dst[n] = '\0';
}

static int bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (!s || !*s)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static int bind_i64_or_null(sqlite3_stmt *st, int i, int64_t v)
{
    if (!v)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_int64(st, i, v);
}

static void id_row(sqlite3_stmt *st, void *out)
{
    *(int64_t *)out = sqlite3_column_int64(st, 0);
}

/* ------------------------------------------------------------------ */
/* Organisations                                                      */
/* ------------------------------------------------------------------ */

static void org_row(sqlite3_stmt *st, void *out)
{
    struct lrs_org *o = out;
    const unsigned char *kind = sqlite3_column_text(st, 1);

    memset(o, 0, sizeof *o);
    o->id = sqlite3_column_int64(st, 0);
    o->kind = LRS_ORG_LRS;
    for (int k = LRS_ORG_LRS; k <= LRS_ORG_PROVIDER; k++)
        if (kind && strcmp((const char *)kind,
                           lrs_org_kind_name((enum lrs_org_kind)k)) == 0)
            o->kind = (enum lrs_org_kind)k;
    col_text(st, 2, o->name, sizeof o->name);
    o->la = sqlite3_column_int(st, 3);
    o->estab = sqlite3_column_int(st, 4);
    o->urn = sqlite3_column_int64(st, 5);
    col_text(st, 6, o->ukprn, sizeof o->ukprn);
    o->created_ms = sqlite3_column_int64(st, 7);
}

enum lrs_err lrs__sqlite_org_insert(void *e, struct lrs_org *o)
{
    sqlite3_stmt *st;
    enum lrs_err err = prep(e,
                            "INSERT INTO organisations (kind, name, la, estab,"
                            " urn, ukprn, created_ms) VALUES (?1, ?2, ?3, ?4,"
                            " ?5, ?6, ?7) ON CONFLICT DO NOTHING RETURNING id",
                            &st);

    if (err)
        return err;
    sqlite3_bind_text(st, 1, lrs_org_kind_name(o->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, o->name, -1, SQLITE_STATIC);
    bind_i64_or_null(st, 3, o->la);
    if (o->la)
        sqlite3_bind_int(st, 4, o->estab);
    bind_i64_or_null(st, 5, o->urn);
    bind_text_or_null(st, 6, o->ukprn);
    sqlite3_bind_int64(st, 7, o->created_ms);
    err = one_row(e, st, id_row, &o->id);
    if (err == LRS_ENOTFOUND)
        return lrs__sqlite_fail_msg(e, LRS_ECONFLICT, "duplicate identifier");
    return err;
}

enum lrs_err lrs__sqlite_org_get(void *e, int64_t id, struct lrs_org *out)
{
    sqlite3_stmt *st;
    enum lrs_err err =
        prep(e, "SELECT " ORG_COLS " FROM organisations WHERE id = ?1", &st);

    if (err)
        return err;
    sqlite3_bind_int64(st, 1, id);
    return one_row(e, st, org_row, out);
}

enum lrs_err lrs__sqlite_org_find(void *e, const struct lrs_org_ref *ref,
                                  struct lrs_org *out)
{
    sqlite3_stmt *st;
    enum lrs_err err;

    if (ref->la) {
        err = prep(e,
                   "SELECT " ORG_COLS " FROM organisations"
                   " WHERE la = ?1 AND estab = ?2",
                   &st);
        if (err)
            return err;
        sqlite3_bind_int(st, 1, ref->la);
        sqlite3_bind_int(st, 2, ref->estab);
    } else if (ref->urn) {
        err = prep(e, "SELECT " ORG_COLS " FROM organisations WHERE urn = ?1",
                   &st);
        if (err)
            return err;
        sqlite3_bind_int64(st, 1, ref->urn);
    } else {
        err = prep(e,
                   "SELECT " ORG_COLS " FROM organisations"
                   " WHERE ukprn = ?1",
                   &st);
        if (err)
            return err;
        sqlite3_bind_text(st, 1, ref->ukprn, -1, SQLITE_STATIC);
    }
    return one_row(e, st, org_row, out);
}

enum lrs_err lrs__sqlite_org_scan(void *e, lrs_store_org_fn fn, void *ctx)
{
    struct lrs_org o;
    sqlite3_stmt *st;
    int rc;
    enum lrs_err err =
        prep(e, "SELECT " ORG_COLS " FROM organisations ORDER BY id", &st);

    if (err)
        return err;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        org_row(st, &o);
        err = fn(&o, ctx);
        if (err)
            break;
    }
    if (!err && rc != SQLITE_DONE)
        err = lrs__sqlite_fail(e, rc);
    sqlite3_finalize(st);
    return err;
}

/* ------------------------------------------------------------------ */
/* Users                                                              */
/* ------------------------------------------------------------------ */

static void user_row(sqlite3_stmt *st, void *out)
{
    struct lrs_user *u = out;

    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(st, 0);
    u->org_id = sqlite3_column_int64(st, 1);
    col_text(st, 2, u->login, sizeof u->login);
    col_text(st, 3, u->display_name, sizeof u->display_name);
    col_text(st, 4, u->password_hash, sizeof u->password_hash);
    u->disabled = sqlite3_column_int(st, 5) != 0;
    u->must_change_password = sqlite3_column_int(st, 6) != 0;
    u->agreement_version = sqlite3_column_int(st, 7);
    u->agreement_ms = sqlite3_column_int64(st, 8);
    lrs__store_uln_text(sqlite3_column_int64(st, 9), u->uln);
    u->created_ms = sqlite3_column_int64(st, 10);
    u->roles = lrs__store_role_bits((const char *)sqlite3_column_text(st, 11));
}

/* One user_roles row for each bit of `roles`. */
static enum lrs_err roles_insert(void *e, int64_t user_id, unsigned roles)
{
    sqlite3_stmt *st;
    enum lrs_err err = LRS_OK;

    for (unsigned bit = 1; !err && bit <= LRS_ROLE_ALL; bit <<= 1) {
        if (!(roles & bit))
            continue;
        err = prep(e,
                   "INSERT INTO user_roles (user_id, role)"
                   " VALUES (?1, ?2)",
                   &st);
        if (err)
            break;
        sqlite3_bind_int64(st, 1, user_id);
        sqlite3_bind_text(st, 2, lrs__store_role_name(bit), -1, SQLITE_STATIC);
        err = exec(e, st, NULL);
    }
    return err;
}

enum lrs_err lrs__sqlite_user_insert(void *e, struct lrs_user *u)
{
    sqlite3_stmt *st;
    enum lrs_err err = prep(
        e,
        "INSERT INTO users (org_id, login, display_name, password_hash,"
        " disabled, must_change_password, agreement_version, agreement_ms,"
        " uln, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        " ON CONFLICT DO NOTHING RETURNING id",
        &st);

    if (err)
        return err;
    sqlite3_bind_int64(st, 1, u->org_id);
    sqlite3_bind_text(st, 2, u->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, u->display_name, -1, SQLITE_STATIC);
    bind_text_or_null(st, 4, u->password_hash);
    sqlite3_bind_int(st, 5, u->disabled);
    sqlite3_bind_int(st, 6, u->must_change_password);
    sqlite3_bind_int(st, 7, u->agreement_version);
    sqlite3_bind_int64(st, 8, u->agreement_ms);
    bind_i64_or_null(st, 9, lrs__store_uln_int(u->uln));
    sqlite3_bind_int64(st, 10, u->created_ms);
    err = one_row(e, st, id_row, &u->id);
    if (err == LRS_ENOTFOUND)
        return lrs__sqlite_fail_msg(e, LRS_ECONFLICT, "login or ULN in use");
    return err ? err : roles_insert(e, u->id, u->roles);
}

enum lrs_err lrs__sqlite_user_get(void *e, int64_t id, const char *login,
                                  struct lrs_user *out)
{
    sqlite3_stmt *st;
    enum lrs_err err;

    if (login) {
        err = prep(e, "SELECT " USER_COLS " FROM users WHERE login = ?1", &st);
        if (err)
            return err;
        sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
    } else {
        err = prep(e, "SELECT " USER_COLS " FROM users WHERE id = ?1", &st);
        if (err)
            return err;
        sqlite3_bind_int64(st, 1, id);
    }
    return one_row(e, st, user_row, out);
}

/* The users of one organisation, or all; never the password hashes. */
enum lrs_err lrs__sqlite_user_scan(void *e, int64_t org_id,
                                   lrs_store_user_fn fn, void *ctx)
{
    struct lrs_user u;
    sqlite3_stmt *st;
    int rc;
    enum lrs_err err = prep(e,
                            "SELECT " USER_SCAN_COLS " FROM users"
                            " WHERE ?1 < 0 OR org_id = ?1 ORDER BY id",
                            &st);

    if (err)
        return err;
    sqlite3_bind_int64(st, 1, org_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        user_row(st, &u);
        err = fn(&u, ctx);
        if (err)
            break;
    }
    if (!err && rc != SQLITE_DONE)
        err = lrs__sqlite_fail(e, rc);
    sqlite3_finalize(st);
    return err;
}

enum lrs_err lrs__sqlite_user_update(void *e, const struct lrs_user *u)
{
    sqlite3_stmt *st;
    int n = 0;
    enum lrs_err err = prep(e,
                            "UPDATE users SET password_hash = ?2,"
                            " disabled = ?3, must_change_password = ?4,"
                            " agreement_version = ?5, agreement_ms = ?6,"
                            " display_name = ?7 WHERE id = ?1",
                            &st);

    if (err)
        return err;
    sqlite3_bind_int64(st, 1, u->id);
    bind_text_or_null(st, 2, u->password_hash);
    sqlite3_bind_int(st, 3, u->disabled);
    sqlite3_bind_int(st, 4, u->must_change_password);
    sqlite3_bind_int(st, 5, u->agreement_version);
    sqlite3_bind_int64(st, 6, u->agreement_ms);
    sqlite3_bind_text(st, 7, u->display_name, -1, SQLITE_STATIC);
    err = exec(e, st, &n);
    if (!err && n == 0)
        return LRS_ENOTFOUND;
    if (err)
        return err;
    /* The roles as a whole: the few rows of one user. */
    err = prep(e, "DELETE FROM user_roles WHERE user_id = ?1", &st);
    if (err)
        return err;
    sqlite3_bind_int64(st, 1, u->id);
    err = exec(e, st, NULL);
    return err ? err : roles_insert(e, u->id, u->roles);
}

/* ------------------------------------------------------------------ */
/* API tokens                                                         */
/* ------------------------------------------------------------------ */

static void token_row(sqlite3_stmt *st, void *out)
{
    struct lrs_token *t = out;

    memset(t, 0, sizeof *t);
    t->id = sqlite3_column_int64(st, 0);
    t->user_id = sqlite3_column_int64(st, 1);
    if (sqlite3_column_bytes(st, 2) == LRS_TOKEN_HASH_LEN)
        memcpy(t->hash, sqlite3_column_blob(st, 2), LRS_TOKEN_HASH_LEN);
    col_text(st, 3, t->label, sizeof t->label);
    t->created_ms = sqlite3_column_int64(st, 4);
    t->expires_ms = sqlite3_column_int64(st, 5);
    t->revoked_ms = sqlite3_column_int64(st, 6);
}

enum lrs_err lrs__sqlite_token_insert(void *e, struct lrs_token *t)
{
    sqlite3_stmt *st;
    enum lrs_err err = prep(e,
                            "INSERT INTO api_tokens (user_id, token_hash,"
                            " label, created_ms, expires_ms) VALUES (?1, ?2,"
                            " ?3, ?4, ?5) ON CONFLICT DO NOTHING RETURNING id",
                            &st);

    if (err)
        return err;
    sqlite3_bind_int64(st, 1, t->user_id);
    sqlite3_bind_blob(st, 2, t->hash, LRS_TOKEN_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, t->label, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, t->created_ms);
    bind_i64_or_null(st, 5, t->expires_ms);
    err = one_row(e, st, id_row, &t->id);
    if (err == LRS_ENOTFOUND)
        return lrs__sqlite_fail_msg(e, LRS_ECONFLICT, "token hash in use");
    return err;
}

enum lrs_err lrs__sqlite_token_get(void *e, const uint8_t *hash,
                                   struct lrs_token *out)
{
    sqlite3_stmt *st;
    enum lrs_err err = prep(
        e, "SELECT " TOKEN_COLS " FROM api_tokens WHERE token_hash = ?1", &st);

    if (err)
        return err;
    sqlite3_bind_blob(st, 1, hash, LRS_TOKEN_HASH_LEN, SQLITE_STATIC);
    return one_row(e, st, token_row, out);
}

enum lrs_err lrs__sqlite_token_revoke(void *e, int64_t user_id, int64_t id,
                                      int64_t at_ms)
{
    sqlite3_stmt *st;
    enum lrs_err err = prep(e,
                            "UPDATE api_tokens SET revoked_ms ="
                            " coalesce(revoked_ms, ?3)"
                            " WHERE id = ?1 AND user_id = ?2",
                            &st);
    int n = 0;

    if (err)
        return err;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int64(st, 3, at_ms);
    err = exec(e, st, &n);
    if (!err && n == 0)
        return LRS_ENOTFOUND;
    return err;
}

enum lrs_err lrs__sqlite_token_scan(void *e, int64_t user_id,
                                    lrs_store_token_fn fn, void *ctx)
{
    struct lrs_token t;
    sqlite3_stmt *st;
    int rc;
    enum lrs_err err = prep(e,
                            "SELECT " TOKEN_COLS " FROM api_tokens"
                            " WHERE user_id = ?1 ORDER BY id",
                            &st);

    if (err)
        return err;
    sqlite3_bind_int64(st, 1, user_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        token_row(st, &t);
        err = fn(&t, ctx);
        if (err)
            break;
    }
    if (!err && rc != SQLITE_DONE)
        err = lrs__sqlite_fail(e, rc);
    sqlite3_finalize(st);
    return err;
}

/* ------------------------------------------------------------------ */
/* Sessions                                                           */
/* ------------------------------------------------------------------ */

static void session_row(sqlite3_stmt *st, void *out)
{
    struct lrs_session_row *r = out;

    memset(r, 0, sizeof *r);
    if (sqlite3_column_bytes(st, 0) == LRS_SESSION_ID_LEN)
        memcpy(r->id, sqlite3_column_blob(st, 0), LRS_SESSION_ID_LEN);
    r->user_id = sqlite3_column_int64(st, 1);
    r->created_ms = sqlite3_column_int64(st, 2);
    r->expires_ms = sqlite3_column_int64(st, 3);
    r->revoked_ms = sqlite3_column_int64(st, 4);
    col_text(st, 5, r->addr, sizeof r->addr);
}

enum lrs_err lrs__sqlite_session_insert(void *e,
                                        const struct lrs_session_row *r)
{
    sqlite3_stmt *st;
    enum lrs_err err = prep(e,
                            "INSERT INTO sessions (id, user_id, created_ms,"
                            " expires_ms, addr) VALUES (?1, ?2, ?3, ?4, ?5)",
                            &st);

    if (err)
        return err;
    sqlite3_bind_blob(st, 1, r->id, LRS_SESSION_ID_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, r->user_id);
    sqlite3_bind_int64(st, 3, r->created_ms);
    sqlite3_bind_int64(st, 4, r->expires_ms);
    sqlite3_bind_text(st, 5, r->addr, -1, SQLITE_STATIC);
    return exec(e, st, NULL);
}

enum lrs_err lrs__sqlite_session_get(void *e, const uint8_t *id,
                                     struct lrs_session_row *out)
{
    sqlite3_stmt *st;
    enum lrs_err err =
        prep(e, "SELECT " SESSION_COLS " FROM sessions WHERE id = ?1", &st);

    if (err)
        return err;
    sqlite3_bind_blob(st, 1, id, LRS_SESSION_ID_LEN, SQLITE_STATIC);
    return one_row(e, st, session_row, out);
}

enum lrs_err lrs__sqlite_session_revoke(void *e, const uint8_t *id,
                                        int64_t user_id, int64_t at_ms)
{
    sqlite3_stmt *st;
    int n = 0;
    enum lrs_err err;

    if (id) {
        err = prep(e,
                   "UPDATE sessions SET revoked_ms ="
                   " coalesce(revoked_ms, ?2) WHERE id = ?1",
                   &st);
        if (err)
            return err;
        sqlite3_bind_blob(st, 1, id, LRS_SESSION_ID_LEN, SQLITE_STATIC);
    } else {
        err = prep(e,
                   "UPDATE sessions SET revoked_ms = ?2"
                   " WHERE user_id = ?1 AND revoked_ms IS NULL",
                   &st);
        if (err)
            return err;
        sqlite3_bind_int64(st, 1, user_id);
    }
    sqlite3_bind_int64(st, 2, at_ms);
    err = exec(e, st, &n);
    if (!err && id && n == 0)
        return LRS_ENOTFOUND;
    return err;
}

/* ------------------------------------------------------------------ */
/* Settings                                                           */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__sqlite_setting_get(void *e, const char *name, void *buf,
                                     size_t cap, size_t *len)
{
    sqlite3_stmt *st;
    size_t n;
    int rc;
    enum lrs_err err =
        prep(e, "SELECT value FROM settings WHERE name = ?1", &st);

    if (err)
        return err;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        n = (size_t)sqlite3_column_bytes(st, 0);
        if (n > cap) {
            err = LRS_ELIMIT;
        } else {
            if (n)
                memcpy(buf, sqlite3_column_blob(st, 0), n);
            *len = n;
        }
    } else if (rc == SQLITE_DONE) {
        err = LRS_ENOTFOUND;
    } else {
        err = lrs__sqlite_fail(e, rc);
    }
    sqlite3_finalize(st);
    return err;
}

enum lrs_err lrs__sqlite_setting_insert(void *e, const char *name,
                                        const void *value, size_t len)
{
    sqlite3_stmt *st;
    int n = 0;
    enum lrs_err err = prep(e,
                            "INSERT INTO settings (name, value)"
                            " VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                            &st);

    if (err)
        return err;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, len ? value : "", (int)len, SQLITE_STATIC);
    err = exec(e, st, &n);
    if (!err && n == 0)
        return lrs__sqlite_fail_msg(e, LRS_ECONFLICT, "setting exists");
    return err;
}
