/*
 * accounts.c - the engine-neutral half of the account operations
 * (lrs/accounts.h): input checks with a diag naming the field, the
 * transaction around each write, the rules that tie rows together
 * (revoking sessions with a password change or a disable), and messages.
 * The engines (lib/store/<engine>/accounts.c) only move rows.
 */
#include "base/base.h"

#include "store/store_int.h"

#include <lrs/auth.h>

/* ------------------------------------------------------------------ */
/* Names and conversions shared with the engines                      */
/* ------------------------------------------------------------------ */

/* The user_roles.role names (the CHECK of schema version 1); the same
 * words as lrs_role_name(), kept here so the store does not link auth. */
static const struct {
    unsigned bit;
    const char *name;
} role_names[] = {
    {LRS_ROLE_SCHOOL_USER, "school"}, {LRS_ROLE_SCHOOL_ADMIN, "admin"},
    {LRS_ROLE_AO_USER, "ao"},         {LRS_ROLE_OPERATOR, "operator"},
    {LRS_ROLE_LEARNER, "learner"},
};

const char *lrs__store_role_name(unsigned bit)
{
    for (size_t i = 0; i < LRS_ARRAY_LEN(role_names); i++)
        if (role_names[i].bit == bit)
            return role_names[i].name;
    return NULL;
}

unsigned lrs__store_role_bits(const char *names)
{
    unsigned bits = 0;

    while (names && *names) {
        const size_t n = strcspn(names, ",");

        for (size_t i = 0; i < LRS_ARRAY_LEN(role_names); i++)
            if (strlen(role_names[i].name) == n &&
                memcmp(role_names[i].name, names, n) == 0)
                bits |= role_names[i].bit;
        names += n;
        if (*names == ',')
            names++;
    }
    return bits;
}

void lrs__store_uln_text(int64_t v, char out[LRS_ULN_SIZE])
{
    out[0] = '\0';
    if (v >= 1000000000 && v <= 9999999999)
        snprintf(out, LRS_ULN_SIZE, "%lld", (long long)v);
}

int64_t lrs__store_uln_int(const char *uln)
{
    uint64_t v;

    if (strlen(uln) != LRS_ULN_LEN ||
        lrs_parse_u64(lrs_str_c(uln), 1000000000, 9999999999, &v) != LRS_OK)
        return 0;
    return (int64_t)v;
}

static const char *const kind_names[] = {"lrs", "school", "ao", "provider"};

const char *lrs_org_kind_name(enum lrs_org_kind kind)
{
    if ((size_t)kind >= LRS_ARRAY_LEN(kind_names))
        return NULL;
    return kind_names[kind];
}

enum lrs_err lrs_org_kind_parse(struct lrs_str name, enum lrs_org_kind *out,
                                struct lrs_diag *diag)
{
    for (size_t i = 0; i < LRS_ARRAY_LEN(kind_names); i++) {
        if (lrs_str_eq(name, lrs_str_c(kind_names[i]))) {
            *out = (enum lrs_org_kind)i;
            return LRS_OK;
        }
    }
    lrs_diag_set(diag, "type",
                 "unknown organisation type '%.*s'; expected school, ao or "
                 "provider",
                 (int)(name.len > 40 ? 40 : name.len),
                 name.ptr ? name.ptr : "");
    return LRS_ERR(LRS_EINVAL);
}

/* Whether `s` is non-empty, at most `max` bytes, and free of control
 * characters and spaces (a login) or just control characters (a name). */
static bool text_ok(const char *s, size_t max, bool no_space)
{
    const size_t n = strnlen(s, max + 1);

    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        const unsigned char c = (unsigned char)s[i];

        if (c < 0x20 || c == 0x7f || (no_space && c == ' '))
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Organisations                                                      */
/* ------------------------------------------------------------------ */

static bool ukprn_ok(const char *u)
{
    if (strlen(u) != 8)
        return false;
    for (size_t i = 0; i < 8; i++)
        if (u[i] < '0' || u[i] > '9')
            return false;
    return true;
}

static enum lrs_err org_check(const struct lrs_org *o, struct lrs_diag *d)
{
    if (o->kind != LRS_ORG_SCHOOL && o->kind != LRS_ORG_AO &&
        o->kind != LRS_ORG_PROVIDER) {
        lrs_diag_set(d, "type",
                     "organisation type must be school, ao or "
                     "provider");
        return LRS_ERR(LRS_EINVAL);
    }
    if (!text_ok(o->name, LRS_ORG_NAME_MAX, false)) {
        lrs_diag_set(d, "name",
                     "name must be 1 to %d bytes without control "
                     "characters",
                     LRS_ORG_NAME_MAX);
        return LRS_ERR(LRS_EINVAL);
    }
    if ((o->la || o->estab) && (o->la < 100 || o->la > 999)) {
        lrs_diag_set(d, "la", "LA number must be 100 to 999, got %d",
                     (int)o->la);
        return LRS_ERR(LRS_EINVAL);
    }
    if (o->estab < 0 || o->estab > 9999) {
        lrs_diag_set(d, "estab", "establishment number must be 0 to 9999");
        return LRS_ERR(LRS_EINVAL);
    }
    if (o->urn < 0 || o->urn > 999999999) {
        lrs_diag_set(d, "urn", "URN must be 1 to 999999999");
        return LRS_ERR(LRS_EINVAL);
    }
    if (o->ukprn[0] && !ukprn_ok(o->ukprn)) {
        lrs_diag_set(d, "ukprn", "UKPRN must be 8 digits");
        return LRS_ERR(LRS_EINVAL);
    }
    if (o->kind == LRS_ORG_SCHOOL && !o->la && !o->urn) {
        lrs_diag_set(d, "la",
                     "a school needs an LA and establishment "
                     "number or a URN");
        return LRS_ERR(LRS_EINVAL);
    }
    if (o->kind != LRS_ORG_SCHOOL && !o->ukprn[0]) {
        lrs_diag_set(d, "ukprn", "an %s needs a UKPRN",
                     lrs_org_kind_name(o->kind));
        return LRS_ERR(LRS_EINVAL);
    }
    return LRS_OK;
}

enum lrs_err lrs_store_org_add(struct lrs_store *s, struct lrs_org *o,
                               struct lrs_diag *diag)
{
    const struct lrs_store_ops *ops = lrs__store_ops(s);
    struct lrs_org row = *o;
    enum lrs_err err;
    bool own;

    err = org_check(o, diag);
    if (err)
        return lrs__store_failedf(s, err, "%s",
                                  diag ? diag->msg : "invalid organisation");
    row.created_ms = lrs__store_now_ms();
    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = ops->org_insert(lrs__store_engine(s), &row);
    if (err == LRS_ECONFLICT) {
        lrs_diag_set(diag,
                     row.ukprn[0] ? "ukprn"
                     : row.urn    ? "urn"
                                  : "la",
                     "an organisation with this identifier exists");
        lrs__store_failedf(s, err,
                           "an organisation with this identifier exists");
    } else if (err) {
        lrs__store_failed(s, err, "add an organisation");
    }
    err = lrs__store_txn_leave(s, own, err);
    if (!err)
        *o = row;
    return err;
}

enum lrs_err lrs_store_org_get(struct lrs_store *s, int64_t id,
                               struct lrs_org *out)
{
    enum lrs_err err;

    err = lrs__store_ops(s)->org_get(lrs__store_engine(s), id, out);
    if (err == LRS_ENOTFOUND)
        return lrs__store_failedf(s, err, "no organisation has id %lld",
                                  (long long)id);
    if (err)
        return lrs__store_failed(s, err, "read an organisation");
    return LRS_OK;
}

enum lrs_err lrs_store_org_find(struct lrs_store *s,
                                const struct lrs_org_ref *ref,
                                struct lrs_org *out)
{
    const int given = (ref->la != 0) + (ref->urn != 0) + (ref->ukprn != NULL);
    enum lrs_err err;

    if (given != 1)
        return lrs__store_failedf(s, LRS_EINVAL,
                                  "give one of LA+establishment, URN or "
                                  "UKPRN");
    err = lrs__store_ops(s)->org_find(lrs__store_engine(s), ref, out);
    if (err == LRS_ENOTFOUND)
        return lrs__store_failedf(s, err, "no such organisation");
    if (err)
        return lrs__store_failed(s, err, "find an organisation");
    return LRS_OK;
}

enum lrs_err lrs_store_org_scan(struct lrs_store *s, lrs_store_org_fn fn,
                                void *ctx)
{
    enum lrs_err err;

    err = lrs__store_ops(s)->org_scan(lrs__store_engine(s), fn, ctx);
    if (err && lrs__store_ops(s)->errmsg(lrs__store_engine(s))[0])
        lrs__store_failed(s, err, "list organisations");
    return err;
}

/* ------------------------------------------------------------------ */
/* Users                                                              */
/* ------------------------------------------------------------------ */

static enum lrs_err user_check(const struct lrs_user *u, struct lrs_diag *d)
{
    if (!text_ok(u->login, LRS_LOGIN_MAX, true)) {
        lrs_diag_set(d, "login",
                     "login must be 1 to %d bytes without "
                     "spaces or control characters",
                     LRS_LOGIN_MAX);
        return LRS_ERR(LRS_EINVAL);
    }
    if (u->display_name[0] &&
        !text_ok(u->display_name, LRS_DISPLAY_NAME_MAX, false)) {
        lrs_diag_set(d, "name",
                     "name must be at most %d bytes without "
                     "control characters",
                     LRS_DISPLAY_NAME_MAX);
        return LRS_ERR(LRS_EINVAL);
    }
    if (u->roles == 0 || (u->roles & ~LRS_ROLE_ALL)) {
        lrs_diag_set(d, "role", "a user needs at least one known role");
        return LRS_ERR(LRS_EINVAL);
    }
    if ((u->roles & LRS_ROLE_LEARNER) &&
        (u->roles != LRS_ROLE_LEARNER || !lrs__store_uln_int(u->uln))) {
        lrs_diag_set(d, "uln",
                     "a learner account needs its ULN and no "
                     "other role");
        return LRS_ERR(LRS_EINVAL);
    }
    if (!(u->roles & LRS_ROLE_LEARNER) && u->uln[0]) {
        lrs_diag_set(d, "uln", "only a learner account has a ULN");
        return LRS_ERR(LRS_EINVAL);
    }
    return LRS_OK;
}

enum lrs_err lrs_store_user_add(struct lrs_store *s, struct lrs_user *u,
                                struct lrs_diag *diag)
{
    const struct lrs_store_ops *ops = lrs__store_ops(s);
    void *e = lrs__store_engine(s);
    struct lrs_user row = *u;
    struct lrs_org org;
    enum lrs_err err;
    bool own;

    err = user_check(u, diag);
    if (err)
        return lrs__store_failedf(s, err, "%s",
                                  diag ? diag->msg : "invalid user");
    row.created_ms = lrs__store_now_ms();
    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = ops->org_get(e, row.org_id, &org);
    if (err == LRS_ENOTFOUND) {
        lrs_diag_set(diag, "org", "no organisation has id %lld",
                     (long long)row.org_id);
        lrs__store_failedf(s, err, "no organisation has id %lld",
                           (long long)row.org_id);
        goto out;
    }
    if (!err)
        err = ops->user_insert(e, &row);
    if (err == LRS_ECONFLICT) {
        lrs_diag_set(diag, "login", "login '%s' is taken", row.login);
        lrs__store_failedf(s, err, "login '%s' is taken", row.login);
    } else if (err) {
        lrs__store_failed(s, err, "add a user");
    }
out:
    err = lrs__store_txn_leave(s, own, err);
    if (!err)
        *u = row;
    return err;
}

static enum lrs_err user_get(struct lrs_store *s, int64_t id, const char *login,
                             struct lrs_user *out)
{
    enum lrs_err err;

    err = lrs__store_ops(s)->user_get(lrs__store_engine(s), id, login, out);
    if (err == LRS_ENOTFOUND)
        return lrs__store_failedf(s, err, "no such user");
    if (err)
        return lrs__store_failed(s, err, "read a user");
    return LRS_OK;
}

enum lrs_err lrs_store_user_get(struct lrs_store *s, int64_t id,
                                struct lrs_user *out)
{
    return user_get(s, id, NULL, out);
}

enum lrs_err lrs_store_user_get_by_login(struct lrs_store *s, const char *login,
                                         struct lrs_user *out)
{
    return user_get(s, 0, login, out);
}

enum lrs_err lrs_store_user_scan(struct lrs_store *s, int64_t org_id,
                                 lrs_store_user_fn fn, void *ctx)
{
    enum lrs_err err;

    err = lrs__store_ops(s)->user_scan(lrs__store_engine(s), org_id, fn, ctx);
    if (err && lrs__store_ops(s)->errmsg(lrs__store_engine(s))[0])
        lrs__store_failed(s, err, "list users");
    return err;
}

/* What a change to a user does besides the row. */
enum user_change_flags {
    REVOKE_SESSIONS = 1u << 0,
};

struct user_change {
    const char *display_name; /* new display name, or NULL */
    unsigned roles;           /* new roles, or 0 to keep them */
    const char *hash;         /* new password hash, or NULL */
    int must_change;          /* -1 keep, 0 clear, 1 set */
    int disabled;             /* -1 keep, 0 enable, 1 disable */
    int32_t agreement;        /* > 0: accepted this version */
    int64_t agreement_ms;     /* when */
    unsigned flags;           /* enum user_change_flags */
};

/* Read user `id`, apply `c`, write it back, in one transaction. */
static enum lrs_err user_change(struct lrs_store *s, int64_t id,
                                const struct user_change *c)
{
    const struct lrs_store_ops *ops = lrs__store_ops(s);
    void *e = lrs__store_engine(s);
    struct lrs_user u;
    enum lrs_err err;
    bool own;

    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = user_get(s, id, NULL, &u);
    if (err)
        goto out;
    if (c->hash) {
        const size_t n = strlen(c->hash);

        if (n == 0 || n >= sizeof u.password_hash) {
            err = lrs__store_failedf(s, LRS_EINVAL,
                                     "the password hash is malformed");
            goto out;
        }
        memcpy(u.password_hash, c->hash, n + 1);
    }
    if (c->display_name)
        snprintf(u.display_name, sizeof u.display_name, "%s", c->display_name);
    if (c->roles)
        u.roles = c->roles;
    if (c->display_name || c->roles) {
        struct lrs_diag d = LRS_DIAG_INIT;

        if ((c->display_name &&
             strlen(c->display_name) >= sizeof u.display_name) ||
            user_check(&u, &d) != LRS_OK) {
            err = lrs__store_failedf(s, LRS_EINVAL, "%s",
                                     d.msg[0] ? d.msg : "name is too long");
            goto out;
        }
    }
    if (c->must_change >= 0)
        u.must_change_password = c->must_change;
    if (c->disabled >= 0)
        u.disabled = c->disabled;
    if (c->agreement > 0) {
        u.agreement_version = c->agreement;
        u.agreement_ms = c->agreement_ms;
    }
    err = ops->user_update(e, &u);
    if (!err && (c->flags & REVOKE_SESSIONS))
        err = ops->session_revoke(e, NULL, id, lrs__store_now_ms());
    if (err)
        lrs__store_failed(s, err, "update a user");
out:
    return lrs__store_txn_leave(s, own, err);
}

enum lrs_err lrs_store_user_set_password(struct lrs_store *s, int64_t id,
                                         const char *hash, unsigned flags)
{
    const struct user_change c = {
        NULL, 0, hash, (flags & LRS_USER_MUST_CHANGE) ? 1 : 0,
        -1,   0, 0,    REVOKE_SESSIONS};

    return user_change(s, id, &c);
}

enum lrs_err lrs_store_user_set_disabled(struct lrs_store *s, int64_t id,
                                         bool disabled)
{
    const struct user_change c = {NULL,
                                  0,
                                  NULL,
                                  -1,
                                  disabled ? 1 : 0,
                                  0,
                                  0,
                                  disabled ? REVOKE_SESSIONS : 0u};

    return user_change(s, id, &c);
}

enum lrs_err lrs_store_user_set_profile(struct lrs_store *s, int64_t id,
                                        const char *display_name,
                                        unsigned roles)
{
    const struct user_change c = {display_name, roles, NULL, -1, -1, 0, 0, 0};

    return user_change(s, id, &c);
}

enum lrs_err lrs_store_user_accept_agreement(struct lrs_store *s, int64_t id,
                                             int32_t version, int64_t at_ms)
{
    const struct user_change c = {
        NULL, 0, NULL, -1, -1, version, at_ms ? at_ms : lrs__store_now_ms(), 0};

    if (version < 1)
        return lrs__store_failedf(s, LRS_EINVAL,
                                  "agreement version must be at least 1");
    return user_change(s, id, &c);
}

/* ------------------------------------------------------------------ */
/* API tokens                                                         */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_token_add(struct lrs_store *s, struct lrs_token *t,
                                 struct lrs_diag *diag)
{
    const struct lrs_store_ops *ops = lrs__store_ops(s);
    void *e = lrs__store_engine(s);
    struct lrs_token row = *t;
    struct lrs_user u;
    enum lrs_err err;
    bool own;

    if (strnlen(t->label, sizeof t->label) > LRS_TOKEN_LABEL_MAX ||
        (t->label[0] && !text_ok(t->label, LRS_TOKEN_LABEL_MAX, false))) {
        lrs_diag_set(diag, "label",
                     "label must be at most %d bytes without "
                     "control characters",
                     LRS_TOKEN_LABEL_MAX);
        return lrs__store_failedf(s, LRS_EINVAL, "%s",
                                  diag ? diag->msg : "bad label");
    }
    row.created_ms = lrs__store_now_ms();
    row.revoked_ms = 0;
    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = ops->user_get(e, row.user_id, NULL, &u);
    if (err == LRS_ENOTFOUND) {
        lrs_diag_set(diag, "user", "no such user");
        lrs__store_failedf(s, err, "no user has id %lld",
                           (long long)row.user_id);
        goto out;
    }
    if (!err)
        err = ops->token_insert(e, &row);
    if (err == LRS_ECONFLICT)
        lrs__store_failedf(s, err, "this token is already stored");
    else if (err)
        lrs__store_failed(s, err, "add an API token");
out:
    err = lrs__store_txn_leave(s, own, err);
    if (!err)
        *t = row;
    return err;
}

enum lrs_err lrs_store_token_get_by_hash(struct lrs_store *s,
                                         const uint8_t hash[LRS_TOKEN_HASH_LEN],
                                         struct lrs_token *out)
{
    enum lrs_err err;

    err = lrs__store_ops(s)->token_get(lrs__store_engine(s), hash, out);
    if (err == LRS_ENOTFOUND)
        return lrs__store_failedf(s, err, "no such API token");
    if (err)
        return lrs__store_failed(s, err, "read an API token");
    return LRS_OK;
}

enum lrs_err lrs_store_token_revoke(struct lrs_store *s, int64_t user_id,
                                    int64_t id)
{
    enum lrs_err err;
    bool own;

    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = lrs__store_ops(s)->token_revoke(lrs__store_engine(s), user_id, id,
                                          lrs__store_now_ms());
    if (err == LRS_ENOTFOUND)
        lrs__store_failedf(s, err, "no such API token");
    else if (err)
        lrs__store_failed(s, err, "revoke an API token");
    return lrs__store_txn_leave(s, own, err);
}

enum lrs_err lrs_store_token_scan(struct lrs_store *s, int64_t user_id,
                                  lrs_store_token_fn fn, void *ctx)
{
    enum lrs_err err;

    err = lrs__store_ops(s)->token_scan(lrs__store_engine(s), user_id, fn, ctx);
    if (err && lrs__store_ops(s)->errmsg(lrs__store_engine(s))[0])
        lrs__store_failed(s, err, "list API tokens");
    return err;
}

/* ------------------------------------------------------------------ */
/* Sessions                                                           */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_session_add(struct lrs_store *s,
                                   const struct lrs_session_row *row)
{
    struct lrs_session_row r = *row;
    enum lrs_err err;
    bool own;

    r.revoked_ms = 0;
    r.addr[sizeof r.addr - 1] = '\0';
    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = lrs__store_ops(s)->session_insert(lrs__store_engine(s), &r);
    if (err)
        lrs__store_failed(s, err, "record a session");
    return lrs__store_txn_leave(s, own, err);
}

enum lrs_err lrs_store_session_get(struct lrs_store *s,
                                   const uint8_t id[LRS_SESSION_ID_LEN],
                                   struct lrs_session_row *out)
{
    enum lrs_err err;

    err = lrs__store_ops(s)->session_get(lrs__store_engine(s), id, out);
    if (err == LRS_ENOTFOUND)
        return lrs__store_failedf(s, err, "no such session");
    if (err)
        return lrs__store_failed(s, err, "read a session");
    return LRS_OK;
}

enum lrs_err lrs_store_session_revoke(struct lrs_store *s,
                                      const uint8_t id[LRS_SESSION_ID_LEN])
{
    enum lrs_err err;
    bool own;

    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = lrs__store_ops(s)->session_revoke(lrs__store_engine(s), id, 0,
                                            lrs__store_now_ms());
    if (err == LRS_ENOTFOUND)
        lrs__store_failedf(s, err, "no such session");
    else if (err)
        lrs__store_failed(s, err, "revoke a session");
    return lrs__store_txn_leave(s, own, err);
}

/* ------------------------------------------------------------------ */
/* Settings                                                           */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_setting_get(struct lrs_store *s, const char *name,
                                   void *buf, size_t cap, size_t *len)
{
    enum lrs_err err;

    err = lrs__store_ops(s)->setting_get(lrs__store_engine(s), name, buf, cap,
                                         len);
    if (err == LRS_ENOTFOUND)
        return lrs__store_failedf(s, err, "setting '%s' is not set", name);
    if (err == LRS_ELIMIT)
        return lrs__store_failedf(s, err, "setting '%s' is too long", name);
    if (err)
        return lrs__store_failed(s, err, "read a setting");
    return LRS_OK;
}

enum lrs_err lrs_store_setting_add(struct lrs_store *s, const char *name,
                                   const void *value, size_t len)
{
    enum lrs_err err;
    bool own;

    if (!text_ok(name, 64, true) || len > LRS_SETTING_MAX)
        return lrs__store_failedf(s, LRS_EINVAL,
                                  "a setting needs a name of 1 to 64 bytes "
                                  "and at most %d bytes of value",
                                  LRS_SETTING_MAX);
    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = lrs__store_ops(s)->setting_insert(lrs__store_engine(s), name, value,
                                            len);
    if (err == LRS_ECONFLICT)
        lrs__store_failedf(s, err, "setting '%s' is already set", name);
    else if (err)
        lrs__store_failed(s, err, "store a setting");
    return lrs__store_txn_leave(s, own, err);
}
