/*
 * service/invite.c - learners creating their own account (lrs/plr.h,
 * docs/plr.md "Learner accounts"): a school or the LRS issues a one-time
 * sign-up code for a learner's ULN, and a person who gives that code with
 * the learner's ULN, names and date of birth exactly as the register has
 * them (verifyLearner WSVRC001, nothing weaker) gets a learner account.
 *
 * Neither half is enough alone: personal details can be known to others
 * (classmates, family), and a code is useless without them. Codes are 12
 * characters of Crockford's base32 (60 bits), stored only as argon2id
 * hashes (lib/auth), expire, work once, and stop working after
 * LRS_INVITE_MAX_ATTEMPTS wrong tries; issuing a new code for a learner
 * ends the old one. Every failure gets one answer, so that an attempt
 * tells nothing about which part was wrong. lrsd also rate-limits the
 * attempts of each client address.
 */
#include "base/base.h"

#include <lrs/accounts.h>
#include <lrs/auth.h>
#include <lrs/plr.h>

#include "service/plr_int.h"
#include "service/service_int.h"

#include <stdio.h>
#include <time.h>

/* Crockford's base32: no I, L, O or U, so a code read aloud or copied by
 * hand survives. */
static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

#define CODE_CHARS 12

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The code as typed into its CODE_CHARS canonical characters: case,
 * spaces and hyphens ignored, O read as 0 and I or L as 1 (Crockford).
 * False when it is not a code.
 */
static bool code_canonical(struct lrs_str in, char out[CODE_CHARS + 1])
{
    size_t n = 0;

    for (size_t i = 0; i < in.len; i++) {
        char c = in.ptr[i];

        if (c == '-' || c == ' ')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c == 'O')
            c = '0';
        else if (c == 'I' || c == 'L')
            c = '1';
        if (n == CODE_CHARS || !strchr(alphabet, c) || c == '\0')
            return false;
        out[n++] = c;
    }
    out[n] = '\0';
    return n == CODE_CHARS;
}

/* A new code: `canon` to hash, `shown` as XXXX-XXXX-XXXX. */
static void code_new(char canon[CODE_CHARS + 1],
                     char shown[LRS_INVITE_CODE_SIZE])
{
    uint8_t r[CODE_CHARS];
    size_t k = 0;

    lrs_auth_random(r, sizeof r);
    for (size_t i = 0; i < CODE_CHARS; i++) {
        canon[i] = alphabet[r[i] & 31];
        if (i && i % 4 == 0)
            shown[k++] = '-';
        shown[k++] = canon[i];
    }
    canon[CODE_CHARS] = '\0';
    shown[k] = '\0';
}

enum lrs_err
lrs_plr_invite_create(struct lrs_store *s, const struct lrs_actor *actor,
                      struct lrs_str uln, int64_t expires_ms,
                      enum lrs_auth_cost cost, char code[LRS_INVITE_CODE_SIZE],
                      struct lrs_invite *out, struct lrs_diag *diag)
{
    char key[LRS_ULN_SIZE], canon[CODE_CHARS + 1], shown[LRS_INVITE_CODE_SIZE];
    struct lrs_invite inv, old;
    struct lrs_learner l;
    enum lrs_err err;
    bool own;

    uln = lrs_str_trim(uln);
    err = lrs_uln_check(uln, diag);
    if (err)
        return err;
    memcpy(key, uln.ptr, LRS_ULN_LEN);
    key[LRS_ULN_LEN] = '\0';
    if (expires_ms <= now_ms()) {
        lrs_diag_set(diag, "expires", "must be in the future");
        return LRS_ERR(LRS_EINVAL);
    }
    memset(&inv, 0, sizeof inv);
    code_new(canon, shown);
    if (lrs_auth_password_hash(lrs_str_c(canon), cost, inv.code_hash))
        return LRS_ERR(LRS_ENOMEM);
    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_learner_get(s, key, LRS_STORE_GET_RESOLVE, &l);
    if (err == LRS_ENOTFOUND)
        lrs_diag_set(diag, "uln", "no learner has ULN %s", key);
    else if (err)
        lrs__service_store_err(s, err, diag);
    /* One live code per learner: a new one ends the one before. */
    while (!err && lrs_store_invite_live(s, l.uln, &old) == LRS_OK) {
        old.used_ms = now_ms();
        err = lrs_store_invite_update(s, &old);
        if (err)
            lrs__service_store_err(s, err, diag);
    }
    if (!err) {
        memcpy(inv.uln, l.uln, sizeof inv.uln);
        inv.expires_ms = expires_ms;
        inv.user_id = actor->user_id;
        inv.org_id = actor->org_id;
        err = lrs_store_invite_insert(s, &inv);
        if (err)
            lrs__service_store_err(s, err, diag);
    }
    if (!err)
        err = lrs__service_audit(s, actor, LRS_AUDIT_INVITE, l.uln, diag);
    err = lrs__service_leave(s, own, err, diag);
    if (err)
        return err;
    memcpy(code, shown, LRS_INVITE_CODE_SIZE);
    if (out)
        *out = inv;
    return LRS_OK;
}

/* The one answer to every failed sign-up. */
static enum lrs_err refuse(struct lrs_diag *diag)
{
    lrs_diag_set(diag, "code",
                 "the details or the code do not match, or the code has "
                 "expired or been used");
    return LRS_ERR(LRS_EINVAL);
}

/* The checks that need no store: field by field, each named. */
static enum lrs_err signup_input(const struct lrs_signup *in,
                                 struct lrs_verify_input *v,
                                 char canon[CODE_CHARS + 1],
                                 struct lrs_diag *diag)
{
    const struct lrs_str login = lrs_str_trim(in->login);
    enum lrs_err err;

    err = lrs_verify_input_set(v, in->uln, in->given_name, in->family_name,
                               in->date_of_birth, LRS_STR(""), diag);
    if (err)
        return err;
    if (v->date_of_birth.year == 0) {
        lrs_diag_set(diag, "date_of_birth", "is missing");
        return LRS_ERR(LRS_EINVAL);
    }
    if (!code_canonical(lrs_str_trim(in->code), canon)) {
        lrs_diag_set(diag, "code",
                     "must be the 12 letters and digits you were given");
        return LRS_ERR(LRS_EINVAL);
    }
    if (login.len == 0 || login.len > LRS_LOGIN_MAX) {
        lrs_diag_set(diag, "login", "must be 1 to %d characters",
                     LRS_LOGIN_MAX);
        return LRS_ERR(LRS_EINVAL);
    }
    return lrs_auth_password_check(in->password, diag);
}

enum lrs_err lrs_plr_signup(struct lrs_store *s, const struct lrs_actor *actor,
                            const struct lrs_signup *in,
                            enum lrs_auth_cost cost, struct lrs_user *out,
                            struct lrs_diag *diag)
{
    const int64_t now = now_ms();
    struct lrs_verify_input v;
    struct lrs_verify_result vr;
    struct lrs_learner reg;
    struct lrs_invite inv;
    struct lrs_user u, taken;
    char canon[CODE_CHARS + 1];
    size_t g, f;
    bool own, have_invite = false, ok;
    enum lrs_err err;

    err = signup_input(in, &v, canon, diag);
    if (err)
        return err;
    memset(&u, 0, sizeof u);
    if (lrs_auth_password_hash(in->password, cost, u.password_hash))
        return LRS_ERR(LRS_ENOMEM);
    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs__verify_one(s, actor, &v, &reg, &vr, diag);
    if (!err && vr.code != LRS_VERIFY_NOT_FOUND) {
        err = lrs_store_invite_live(s, vr.master_uln, &inv);
        have_invite = err == LRS_OK;
        if (err == LRS_ENOTFOUND)
            err = LRS_OK;
        else if (err)
            lrs__service_store_err(s, err, diag);
    }
    if (err)
        return lrs__service_leave(s, own, err, diag);
    /* WSVRC001 only: every field exact, not through a merge (a linked
     * ULN's learner signs up with the master's). */
    ok = have_invite && vr.code == LRS_VERIFY_MATCH && inv.expires_ms > now &&
         inv.attempts < LRS_INVITE_MAX_ATTEMPTS &&
         lrs_auth_password_verify(inv.code_hash, lrs_str_c(canon)) == LRS_OK;
    if (!ok) {
        /* A wrong try against a live code counts, and is kept. */
        if (have_invite) {
            inv.attempts++;
            err = lrs_store_invite_update(s, &inv);
            if (err)
                lrs__service_store_err(s, err, diag);
        }
        err = lrs__service_leave(s, own, err, diag);
        return err ? err : refuse(diag);
    }
    u.org_id = 0; /* learners belong to the LRS, as `lrs user add` */
    u.roles = LRS_ROLE_LEARNER;
    memcpy(u.uln, reg.uln, sizeof u.uln);
    snprintf(u.login, sizeof u.login, "%.*s", (int)lrs_str_trim(in->login).len,
             lrs_str_trim(in->login).ptr);
    /* "Given Family", or the given name alone if both would not fit. */
    g = strlen(reg.given_name);
    f = strlen(reg.family_name);
    memcpy(u.display_name, reg.given_name, g + 1);
    if (g + 1 + f < sizeof u.display_name) {
        u.display_name[g] = ' ';
        memcpy(u.display_name + g + 1, reg.family_name, f + 1);
    }
    err = lrs_store_user_add(s, &u, diag);
    if (err == LRS_ECONFLICT &&
        lrs_store_user_get_by_login(s, u.login, &taken) == LRS_ENOTFOUND)
        /* The login is free: the learner has an account (one each). */
        lrs_diag_set(diag, "uln",
                     "the learner already has an account: sign in with it, "
                     "or ask for its password to be reset");
    if (!err) {
        inv.used_ms = now;
        inv.account_id = u.id;
        err = lrs_store_invite_update(s, &inv);
        if (err)
            lrs__service_store_err(s, err, diag);
    }
    if (!err)
        err = lrs__service_audit(s, actor, LRS_AUDIT_INVITE, reg.uln, diag);
    err = lrs__service_leave(s, own, err, diag);
    if (err)
        return err;
    if (out)
        *out = u;
    return LRS_OK;
}
