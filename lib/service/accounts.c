/*
 * accounts.c - organisations and users as an operator manages them: the
 * use cases behind lrsd's /api/v1/organisations and /api/v1/users and the
 * operators' pages (docs/web.md, docs/api.md).
 *
 * The store checks what a row may hold (lrs/accounts.h); this file adds
 * what a person typing into a form needs: numbers given as text, and the
 * rule that a user's roles suit their organisation (a school's staff are
 * school users or admins, an awarding organisation's are AO users, the
 * LRS's are operators). Passwords are never chosen by the operator: a new
 * or reset account gets a generated one (lrs_auth_password_new), shown
 * once, which the user must change at the next sign-in.
 *
 * Who may manage users (docs/web.md, "Organisations and users"): the
 * command line (actor user 0) and operators, every organisation's; a
 * school administrator, only the users of their own school. The acting
 * user is read from the store on every call, never taken from the
 * caller; an organisation or user the actor may not manage is answered
 * as one that does not exist (LRS_ENOTFOUND). Every change is audited
 * in its transaction, naming both the user changed (the row's subject)
 * and the actor, when and from where: user_add, user_change,
 * user_disable, user_enable, user_password (a reset, or a user's own
 * change), token_add and token_revoke. An API token is issued or revoked
 * by its own user, or by the command line for anyone.
 *
 * Learner accounts (role learner, linked to a ULN) are not made here:
 * `lrs user add --role learner --uln` or the learner's own registration.
 */
#include "base/base.h"

#include <lrs/accounts.h>
#include <lrs/auth.h>

#include "service/service_int.h"

#include <stdio.h>
#include <string.h>

unsigned lrs_service_org_roles(enum lrs_org_kind kind)
{
    switch (kind) {
    case LRS_ORG_LRS:
        return LRS_ROLE_OPERATOR;
    case LRS_ORG_SCHOOL:
        return LRS_ROLE_SCHOOL_USER | LRS_ROLE_SCHOOL_ADMIN;
    case LRS_ORG_AO:
        return LRS_ROLE_AO_USER;
    case LRS_ORG_PROVIDER:
        break; /* NEEDSWORK: providers have no staff pages yet */
    }
    return 0;
}

/* Parse the optional number `text` of `field` in [min, max] into *out. */
static enum lrs_err number(const char *text, const char *field,
                           const char *what, uint64_t min, uint64_t max,
                           int64_t *out, struct lrs_diag *diag)
{
    uint64_t v;

    *out = 0;
    if (!text || !text[0])
        return LRS_OK;
    if (lrs_parse_u64(lrs_str_c(text), min, max, &v) != LRS_OK) {
        lrs_diag_set(diag, field, "%s must be a number from %llu to %llu", what,
                     (unsigned long long)min, (unsigned long long)max);
        return LRS_ERR(LRS_EINVAL);
    }
    *out = (int64_t)v;
    return LRS_OK;
}

enum lrs_err lrs_service_org_add(struct lrs_store *s,
                                 const struct lrs_org_input *in,
                                 struct lrs_org *out, struct lrs_diag *diag)
{
    struct lrs_org o;
    int64_t la, estab, urn;
    enum lrs_err err;

    memset(&o, 0, sizeof o);
    if (!in->type || !in->type[0]) {
        lrs_diag_set(diag, "type",
                     "choose the type of organisation: school, ao or "
                     "provider");
        return LRS_ERR(LRS_EINVAL);
    }
    err = lrs_org_kind_parse(lrs_str_c(in->type), &o.kind, diag);
    if (err)
        return err;
    if (!in->name || !in->name[0]) {
        lrs_diag_set(diag, "name", "enter the organisation's name");
        return LRS_ERR(LRS_EINVAL);
    }
    if (strlen(in->name) > LRS_ORG_NAME_MAX) {
        lrs_diag_set(diag, "name", "name must be at most %d bytes",
                     LRS_ORG_NAME_MAX);
        return LRS_ERR(LRS_EINVAL);
    }
    snprintf(o.name, sizeof o.name, "%s", in->name);
    err = number(in->la, "la", "LA number", 100, 999, &la, diag);
    if (!err)
        err = number(in->estab, "estab", "establishment number", 0, 9999,
                     &estab, diag);
    if (!err)
        err = number(in->urn, "urn", "URN", 1, 999999999, &urn, diag);
    if (err)
        return err;
    if ((in->la && in->la[0]) != (in->estab && in->estab[0])) {
        lrs_diag_set(diag, in->la && in->la[0] ? "estab" : "la",
                     "give the LA number and the establishment number "
                     "together");
        return LRS_ERR(LRS_EINVAL);
    }
    if (o.kind != LRS_ORG_SCHOOL && (la || urn)) {
        lrs_diag_set(diag, la ? "la" : "urn",
                     "only a school has an LA, establishment number or "
                     "URN");
        return LRS_ERR(LRS_EINVAL);
    }
    if (o.kind == LRS_ORG_SCHOOL && in->ukprn && in->ukprn[0]) {
        lrs_diag_set(diag, "ukprn",
                     "a school is known by its LA and "
                     "establishment number or URN, not a "
                     "UKPRN");
        return LRS_ERR(LRS_EINVAL);
    }
    if (in->ukprn && strlen(in->ukprn) > 8) {
        lrs_diag_set(diag, "ukprn", "UKPRN must be 8 digits");
        return LRS_ERR(LRS_EINVAL);
    }
    o.la = (int32_t)la;
    o.estab = (int32_t)estab;
    o.urn = urn;
    snprintf(o.ukprn, sizeof o.ukprn, "%s", in->ukprn ? in->ukprn : "");
    err = lrs_store_org_add(s, &o, diag);
    if (err && err != LRS_EINVAL && err != LRS_ECONFLICT)
        return lrs__service_store_err(s, err, diag);
    if (!err)
        *out = o;
    return err;
}

/* A new password and its hash at `cost`. */
static enum lrs_err new_password(enum lrs_auth_cost cost,
                                 char password[LRS_AUTH_PASSWORD_NEW_SIZE],
                                 char hash[LRS_AUTH_HASH_SIZE],
                                 struct lrs_diag *diag)
{
    lrs_auth_password_new(password);
    if (lrs_auth_password_hash(lrs_str_c(password), cost, hash) != LRS_OK) {
        lrs_diag_set(diag, "password",
                     "cannot hash the password: out of "
                     "memory");
        return LRS_ERR(LRS_ENOMEM);
    }
    return LRS_OK;
}

/* The audit row of a change to the account of user `subject`: no
 * learner, so no ULN. */
static enum lrs_err audit(struct lrs_store *s, const struct lrs_actor *actor,
                          enum lrs_audit_action action, int64_t subject,
                          struct lrs_diag *diag)
{
    static const struct lrs_actor cli = LRS_ACTOR_CLI;
    static const char no_uln[LRS_ULN_SIZE] = "";

    return lrs__service_audit_user(s, actor ? actor : &cli, action, subject,
                                   no_uln, diag);
}

/*
 * Whether `actor` may manage the users of organisation `org`: LRS_OK, or
 * LRS_ENOTFOUND with `field` "no ... has id `id`", as if it did not
 * exist, so that nothing about other organisations shows.
 */
static enum lrs_err scope(struct lrs_store *s, const struct lrs_actor *actor,
                          const struct lrs_org *org, const char *field,
                          int64_t id, struct lrs_diag *diag)
{
    struct lrs_user me;
    enum lrs_err err;

    if (!actor || actor->user_id == 0)
        return LRS_OK; /* the command line */
    err = lrs_store_user_get(s, actor->user_id, &me);
    if (err && err != LRS_ENOTFOUND)
        return lrs__service_store_err(s, err, diag);
    if (!err && !me.disabled) {
        if (me.roles & LRS_ROLE_OPERATOR)
            return LRS_OK;
        if ((me.roles & LRS_ROLE_SCHOOL_ADMIN) && me.org_id == org->id &&
            org->kind == LRS_ORG_SCHOOL)
            return LRS_OK;
    }
    lrs_diag_set(diag, field, "no %s has id %lld",
                 strcmp(field, "org") == 0 ? "organisation" : "user",
                 (long long)id);
    return LRS_ERR(LRS_ENOTFOUND);
}

enum lrs_err lrs_service_user_may_manage(struct lrs_store *s,
                                         const struct lrs_actor *actor,
                                         int64_t org_id, struct lrs_org *org,
                                         struct lrs_diag *diag)
{
    enum lrs_err err = lrs_store_org_get(s, org_id, org);

    if (err == LRS_ENOTFOUND) {
        lrs_diag_set(diag, "org", "no organisation has id %lld",
                     (long long)org_id);
        return err;
    }
    if (err)
        return lrs__service_store_err(s, err, diag);
    return scope(s, actor, org, "org", org_id, diag);
}

/* Whether `roles` suit `org`: LRS_OK, or LRS_EINVAL naming "role". */
static enum lrs_err roles_fit(const struct lrs_org *org, unsigned roles,
                              struct lrs_diag *diag)
{
    const unsigned allowed = lrs_service_org_roles(org->kind);

    if (!roles) {
        lrs_diag_set(diag, "role", "choose at least one role");
        return LRS_ERR(LRS_EINVAL);
    }
    for (unsigned bit = 1; bit <= LRS_ROLE_ALL; bit <<= 1) {
        if (!(roles & bit) || (allowed & bit))
            continue;
        lrs_diag_set(diag, "role",
                     "a user of %s '%.60s' cannot have the role %s",
                     org->kind == LRS_ORG_AO    ? "awarding organisation"
                     : org->kind == LRS_ORG_LRS ? "the LRS"
                                                : lrs_org_kind_name(org->kind),
                     org->name, lrs_role_name((enum lrs_role)bit));
        return LRS_ERR(LRS_EINVAL);
    }
    return LRS_OK;
}

/* The login and display name of a new account: LRS_EINVAL naming the
 * field. */
static enum lrs_err check_names(const char *login, const char *display_name,
                                struct lrs_diag *diag)
{
    if (!login || !login[0]) {
        lrs_diag_set(diag, "login", "enter the user's login");
        return LRS_ERR(LRS_EINVAL);
    }
    if (strlen(login) > LRS_LOGIN_MAX) {
        lrs_diag_set(diag, "login", "must be at most %d bytes", LRS_LOGIN_MAX);
        return LRS_ERR(LRS_EINVAL);
    }
    if (display_name && strlen(display_name) > LRS_DISPLAY_NAME_MAX) {
        lrs_diag_set(diag, "display_name", "must be at most %d bytes",
                     LRS_DISPLAY_NAME_MAX);
        return LRS_ERR(LRS_EINVAL);
    }
    return LRS_OK;
}

/* Store the new account `u` with its audit row (`uln` the learner's, or
 * NULL), in one transaction. */
static enum lrs_err add_account(struct lrs_store *s,
                                const struct lrs_actor *actor,
                                struct lrs_user *u,
                                const char uln[LRS_ULN_SIZE],
                                struct lrs_diag *diag)
{
    static const struct lrs_actor cli = LRS_ACTOR_CLI;
    bool own = false;
    enum lrs_err err = lrs__service_enter(s, &own, diag);

    if (err)
        return err;
    err = lrs_store_user_add(s, u, diag);
    if (err && err != LRS_EINVAL && err != LRS_ECONFLICT && err != LRS_ENOMEM)
        err = lrs__service_store_err(s, err, diag);
    if (!err && uln)
        err = lrs__service_audit_user(s, actor ? actor : &cli,
                                      LRS_AUDIT_USER_ADD, u->id, uln, diag);
    else if (!err)
        err = audit(s, actor, LRS_AUDIT_USER_ADD, u->id, diag);
    return lrs__service_leave(s, own, err, diag);
}

enum lrs_err lrs_service_learner_account_add(
    struct lrs_store *s, const struct lrs_actor *actor, int64_t org_id,
    const char *login, const char *display_name, const char *uln,
    enum lrs_auth_cost cost, struct lrs_user *out,
    char password[LRS_AUTH_PASSWORD_NEW_SIZE], struct lrs_diag *diag)
{
    struct lrs_learner l;
    struct lrs_user u;
    struct lrs_org org;
    enum lrs_err err;

    password[0] = '\0';
    err = check_names(login, display_name, diag);
    if (!err)
        err = lrs_uln_check(lrs_str_c(uln ? uln : ""), diag);
    if (err)
        return err;
    err = lrs_store_learner_get(s, uln, 0, &l);
    if (err == LRS_ENOTFOUND) {
        lrs_diag_set(diag, "uln", "no learner has ULN %.10s", uln);
        return err;
    }
    if (err)
        return lrs__service_store_err(s, err, diag);
    /* The organisation, and whether `actor` may add users to it. */
    err = lrs_service_user_may_manage(s, actor, org_id, &org, diag);
    if (err)
        return err;
    memset(&u, 0, sizeof u);
    u.org_id = org.id;
    u.roles = LRS_ROLE_LEARNER;
    snprintf(u.login, sizeof u.login, "%s", login);
    snprintf(u.display_name, sizeof u.display_name, "%s",
             display_name ? display_name : "");
    snprintf(u.uln, sizeof u.uln, "%s", l.uln);
    u.must_change_password = true;
    err = new_password(cost, password, u.password_hash, diag);
    if (!err)
        err = add_account(s, actor, &u, l.uln, diag);
    if (err) {
        memset(password, 0, LRS_AUTH_PASSWORD_NEW_SIZE);
        return err;
    }
    memset(u.password_hash, 0, sizeof u.password_hash);
    *out = u;
    return LRS_OK;
}

enum lrs_err lrs_service_user_add(struct lrs_store *s,
                                  const struct lrs_actor *actor,
                                  const struct lrs_user_input *in,
                                  enum lrs_auth_cost cost, struct lrs_user *out,
                                  char password[LRS_AUTH_PASSWORD_NEW_SIZE],
                                  struct lrs_diag *diag)
{
    struct lrs_user u;
    struct lrs_org org;
    enum lrs_err err;

    password[0] = '\0';
    err = check_names(in->login, in->display_name, diag);
    if (!err)
        err = lrs_service_user_may_manage(s, actor, in->org_id, &org, diag);
    if (!err)
        err = roles_fit(&org, in->roles, diag);
    if (err)
        return err;
    memset(&u, 0, sizeof u);
    u.org_id = org.id;
    u.roles = in->roles;
    snprintf(u.login, sizeof u.login, "%s", in->login);
    snprintf(u.display_name, sizeof u.display_name, "%s",
             in->display_name ? in->display_name : "");
    /* A generated password is shown on a screen: the user replaces it. */
    u.must_change_password = true;
    err = new_password(cost, password, u.password_hash, diag);
    if (!err)
        err = add_account(s, actor, &u, NULL, diag);
    if (err) {
        memset(password, 0, LRS_AUTH_PASSWORD_NEW_SIZE);
        return err;
    }
    memset(u.password_hash, 0, sizeof u.password_hash);
    *out = u;
    return LRS_OK;
}

/*
 * Read user `id` for a change by `actor`: LRS_ENOTFOUND naming "user"
 * when there is none or the actor may not manage it (scope()).
 */
static enum lrs_err user_for_change(struct lrs_store *s,
                                    const struct lrs_actor *actor, int64_t id,
                                    struct lrs_user *u, struct lrs_org *org,
                                    struct lrs_diag *diag)
{
    enum lrs_err err = lrs_store_user_get(s, id, u);

    if (!err)
        err = lrs_store_org_get(s, u->org_id, org);
    if (err == LRS_ENOTFOUND) {
        lrs_diag_set(diag, "user", "no user has id %lld", (long long)id);
        return err;
    }
    if (err)
        return lrs__service_store_err(s, err, diag);
    return scope(s, actor, org, "user", id, diag);
}

enum lrs_err lrs_service_user_reset_password(
    struct lrs_store *s, const struct lrs_actor *actor, int64_t user_id,
    enum lrs_auth_cost cost, char password[LRS_AUTH_PASSWORD_NEW_SIZE],
    struct lrs_diag *diag)
{
    char hash[LRS_AUTH_HASH_SIZE];
    struct lrs_user u;
    struct lrs_org org;
    enum lrs_err err;
    bool own = false;

    password[0] = '\0';
    err = user_for_change(s, actor, user_id, &u, &org, diag);
    if (!err)
        err = new_password(cost, password, hash, diag);
    if (!err)
        err = lrs__service_enter(s, &own, diag);
    if (!err) {
        err = lrs_store_user_set_password(s, u.id, hash, LRS_USER_MUST_CHANGE);
        if (err)
            err = lrs__service_store_err(s, err, diag);
        if (!err)
            err = audit(s, actor, LRS_AUDIT_USER_PASSWORD, u.id, diag);
        err = lrs__service_leave(s, own, err, diag);
    }
    if (err)
        memset(password, 0, LRS_AUTH_PASSWORD_NEW_SIZE);
    return err;
}

/* Disable or enable user `user_id`, audited. */
static enum lrs_err set_disabled(struct lrs_store *s,
                                 const struct lrs_actor *actor, int64_t user_id,
                                 bool disabled, struct lrs_diag *diag)
{
    struct lrs_user u;
    struct lrs_org org;
    enum lrs_err err;
    bool own = false;

    if (actor && actor->user_id == user_id) {
        lrs_diag_set(diag, "user", "you cannot %s your own account",
                     disabled ? "disable" : "enable");
        return LRS_ERR(LRS_EINVAL);
    }
    err = user_for_change(s, actor, user_id, &u, &org, diag);
    if (!err)
        err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_user_set_disabled(s, u.id, disabled);
    if (err)
        err = lrs__service_store_err(s, err, diag);
    if (!err)
        err = audit(s, actor,
                    disabled ? LRS_AUDIT_USER_DISABLE : LRS_AUDIT_USER_ENABLE,
                    u.id, diag);
    return lrs__service_leave(s, own, err, diag);
}

enum lrs_err lrs_service_user_disable(struct lrs_store *s,
                                      const struct lrs_actor *actor,
                                      int64_t user_id, struct lrs_diag *diag)
{
    return set_disabled(s, actor, user_id, true, diag);
}

enum lrs_err lrs_service_user_enable(struct lrs_store *s,
                                     const struct lrs_actor *actor,
                                     int64_t user_id, struct lrs_diag *diag)
{
    return set_disabled(s, actor, user_id, false, diag);
}

enum lrs_err
lrs_service_user_change(struct lrs_store *s, const struct lrs_actor *actor,
                        int64_t user_id, const struct lrs_user_change *c,
                        struct lrs_user *out, struct lrs_diag *diag)
{
    struct lrs_user u;
    struct lrs_org org;
    enum lrs_err err;
    bool own = false;

    err = user_for_change(s, actor, user_id, &u, &org, diag);
    if (err)
        return err;
    if (c->display_name && strlen(c->display_name) > LRS_DISPLAY_NAME_MAX) {
        lrs_diag_set(diag, "display_name", "name must be at most %d bytes",
                     LRS_DISPLAY_NAME_MAX);
        return LRS_ERR(LRS_EINVAL);
    }
    if (c->roles && c->roles != u.roles) {
        if (u.roles & LRS_ROLE_LEARNER) {
            lrs_diag_set(diag, "role", "a learner account keeps its one role");
            return LRS_ERR(LRS_EINVAL);
        }
        if (actor && actor->user_id == user_id) {
            lrs_diag_set(diag, "role", "you cannot change your own roles");
            return LRS_ERR(LRS_EINVAL);
        }
        err = roles_fit(&org, c->roles, diag);
        if (err)
            return err;
    }
    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_user_set_profile(s, u.id, c->display_name, c->roles);
    if (err == LRS_EINVAL)
        lrs_diag_set(diag, c->roles ? "role" : "display_name", "%s",
                     lrs_store_errmsg(s));
    else if (err)
        err = lrs__service_store_err(s, err, diag);
    if (!err)
        err = audit(s, actor, LRS_AUDIT_USER_CHANGE, u.id, diag);
    if (!err && out)
        err = lrs_store_user_get(s, u.id, out);
    return lrs__service_leave(s, own, err, diag);
}

enum lrs_err lrs_service_password_change(struct lrs_store *s,
                                         const struct lrs_actor *actor,
                                         const char *hash,
                                         struct lrs_diag *diag)
{
    enum lrs_err err;
    bool own = false;

    if (!actor || actor->user_id == 0) {
        lrs_diag_set(diag, "user", "the command line has no password");
        return LRS_ERR(LRS_EINVAL);
    }
    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_user_set_password(s, actor->user_id, hash, 0);
    if (err == LRS_ENOTFOUND)
        lrs_diag_set(diag, "user", "no user has id %lld",
                     (long long)actor->user_id);
    else if (err)
        err = lrs__service_store_err(s, err, diag);
    if (!err)
        err = audit(s, actor, LRS_AUDIT_USER_PASSWORD, actor->user_id, diag);
    return lrs__service_leave(s, own, err, diag);
}

/* ------------------------------------------------------------------ */
/* API tokens                                                         */
/* ------------------------------------------------------------------ */

/*
 * Whether `actor` may issue or revoke the API tokens of user `user_id`:
 * their own, or anyone's from the command line. LRS_ENOTFOUND (field
 * "user") otherwise, as for a user that does not exist.
 */
static enum lrs_err token_scope(const struct lrs_actor *actor, int64_t user_id,
                                struct lrs_diag *diag)
{
    if (!actor || actor->user_id == 0 || actor->user_id == user_id)
        return LRS_OK;
    lrs_diag_set(diag, "user", "no user has id %lld", (long long)user_id);
    return LRS_ERR(LRS_ENOTFOUND);
}

enum lrs_err lrs_service_token_add(struct lrs_store *s,
                                   const struct lrs_actor *actor,
                                   struct lrs_token *t, struct lrs_diag *diag)
{
    enum lrs_err err = token_scope(actor, t->user_id, diag);
    bool own = false;

    if (!err)
        err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_token_add(s, t, diag);
    if (err && err != LRS_EINVAL && err != LRS_ENOTFOUND &&
        err != LRS_ECONFLICT)
        err = lrs__service_store_err(s, err, diag);
    if (!err)
        err = audit(s, actor, LRS_AUDIT_TOKEN_ADD, t->user_id, diag);
    return lrs__service_leave(s, own, err, diag);
}

enum lrs_err lrs_service_token_revoke(struct lrs_store *s,
                                      const struct lrs_actor *actor,
                                      int64_t user_id, int64_t token_id,
                                      struct lrs_diag *diag)
{
    enum lrs_err err = token_scope(actor, user_id, diag);
    bool own = false;

    if (!err)
        err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_token_revoke(s, user_id, token_id);
    if (err == LRS_ENOTFOUND)
        lrs_diag_set(diag, "id", "no such token");
    else if (err)
        err = lrs__service_store_err(s, err, diag);
    if (!err)
        err = audit(s, actor, LRS_AUDIT_TOKEN_REVOKE, user_id, diag);
    return lrs__service_leave(s, own, err, diag);
}
