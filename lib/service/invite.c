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
 *
 * Who may issue a code: the command line and operators, for any learner;
 * a school, only for a learner it has a relationship with (knows()): a
 * pupil given that ULN in one of its S2S files, in its stored pupil
 * roster, or in its exam entries. Anyone else, and a school for any other
 * learner, is refused as if no learner had the ULN, so that the refusal
 * does not tell whether the ULN is someone's.
 */
#include "base/base.h"

#include <lrs/accounts.h>
#include <lrs/auth.h>
#include <lrs/batch.h>
#include <lrs/csv.h>
#include <lrs/plr.h>

#include "service/plr_int.h"
#include "service/service_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
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

/* ------------------------------------------------------------------ */
/* Who may issue a code                                               */
/* ------------------------------------------------------------------ */

/* The learner being looked for: the ULN given and its master's. */
struct wanted {
    const char *given, *master;
    bool found;
};

static bool is_wanted(struct wanted *w, struct lrs_str uln)
{
    uln = lrs_str_trim(uln);
    if (lrs_str_eq(uln, lrs_str_c(w->given)) ||
        lrs_str_eq(uln, lrs_str_c(w->master)))
        w->found = true;
    return w->found;
}

static enum lrs_err entry_seen(const struct lrs_entry *e, void *ctx)
{
    is_wanted(ctx, lrs_str_c(e->uln));
    return LRS_OK;
}

/* The UKPRNs of every awarding organisation, for the entry scan. */
struct ukprns {
    char (*v)[LRS_UKPRN_SIZE];
    size_t count, cap;
};

static enum lrs_err ao_seen(const struct lrs_org *o, void *ctx)
{
    struct ukprns *u = ctx;

    if (o->kind != LRS_ORG_AO || !o->ukprn[0])
        return LRS_OK;
    if (u->count == u->cap) {
        const size_t cap = u->cap ? u->cap * 2 : 8;
        size_t bytes;
        void *v = NULL;

        if (lrs_mul_size(cap, sizeof *u->v, &bytes) == LRS_OK)
            v = lrs_realloc(u->v, bytes);
        if (!v)
            return LRS_ERR(LRS_ENOMEM);
        u->v = v;
        u->cap = cap;
    }
    memcpy(u->v[u->count++], o->ukprn, LRS_UKPRN_SIZE);
    return LRS_OK;
}

/*
 * In the school's exam entries, to any AO. The school's reference is the
 * one lrsd files entries under (LA and establishment as seven digits, or
 * the URN: cmd/lrsd/h_plr.c lrsd_school_ref()).
 */
static enum lrs_err in_entries(struct lrs_store *s, const struct lrs_org *org,
                               struct wanted *w)
{
    struct ukprns aos = {NULL, 0, 0};
    char ref[LRS_PLR_CODE_SIZE];
    enum lrs_err err;

    if (org->la)
        snprintf(ref, sizeof ref, "%03d%04d", (int)org->la, (int)org->estab);
    else
        snprintf(ref, sizeof ref, "%lld", (long long)org->urn);
    err = lrs_store_org_scan(s, ao_seen, &aos);
    for (size_t i = 0; !err && !w->found && i < aos.count; i++)
        err = lrs_store_entry_scan(s, aos.v[i], ref, 0, entry_seen, w);
    lrs_free(aos.v);
    return err;
}

/* In the school's stored roster, column `uln` (docs/school.md). */
static enum lrs_err in_roster(struct lrs_store *s, const struct lrs_org *org,
                              struct wanted *w)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf csv = LRS_BUF_INIT;
    const struct lrs_csv_opts opts = {"roster", 0, 0, 0};
    struct lrs_store_roster r;
    struct lrs_csv *c = NULL;
    struct lrs_csv_record rec;
    struct lrs_csv_mem mem;
    size_t col = SIZE_MAX;
    bool eof = false;
    enum lrs_err err;

    err = lrs_store_roster_get(s, org->id, &r, &csv, NULL, NULL);
    if (err == LRS_ENOTFOUND) {
        err = LRS_OK;
        goto out;
    }
    mem = (struct lrs_csv_mem){csv.data, csv.len};
    if (!err)
        err = lrs_csv_new(lrs_csv_mem_read, &mem, &opts, &c);
    if (!err)
        err = lrs_csv_next(c, &rec, &eof, &d);
    for (size_t i = 0; !err && !eof && i < rec.count; i++) {
        const struct lrs_str h = lrs_str_trim(rec.fields[i]);

        if (h.len == 3 && strncasecmp(h.ptr, "uln", 3) == 0)
            col = i;
    }
    while (!err && !eof && col != SIZE_MAX && !w->found) {
        err = lrs_csv_next(c, &rec, &eof, &d);
        if (!err && !eof && col < rec.count)
            is_wanted(w, rec.fields[col]);
    }
    /* A stored roster was read when it was stored; one that cannot be
     * read now shows no pupil rather than failing the code. */
    if (err == LRS_EINVAL || err == LRS_ELIMIT)
        err = LRS_OK;
out:
    lrs_csv_free(c);
    lrs_buf_release(&csv);
    return err;
}

/* The ids of the school's S2S files. */
struct job_ids {
    int64_t *v;
    size_t count, cap;
};

static enum lrs_err job_seen(const struct lrs_job *j, void *ctx)
{
    struct job_ids *ids = ctx;

    if (ids->count == ids->cap) {
        const size_t cap = ids->cap ? ids->cap * 2 : 16;
        size_t bytes;
        void *v = NULL;

        if (lrs_mul_size(cap, sizeof *ids->v, &bytes) == LRS_OK)
            v = lrs_realloc(ids->v, bytes);
        if (!v)
            return LRS_ERR(LRS_ENOMEM);
        ids->v = v;
        ids->cap = cap;
    }
    ids->v[ids->count++] = j->id;
    return LRS_OK;
}

static enum lrs_err row_seen(const struct lrs_job_row *r, void *ctx)
{
    is_wanted(ctx, lrs_str_c(r->uln));
    return LRS_OK;
}

/* A pupil of one of the school's S2S files who was given the ULN. */
static enum lrs_err in_files(struct lrs_store *s, const struct lrs_org *org,
                             struct wanted *w)
{
    struct job_ids ids = {NULL, 0, 0};
    enum lrs_err err = lrs_store_job_scan(s, org->id, job_seen, &ids);

    for (size_t i = 0; !err && !w->found && i < ids.count; i++)
        err = lrs_store_job_row_scan(s, ids.v[i], row_seen, w);
    lrs_free(ids.v);
    return err;
}

/*
 * Whether `actor` may issue a code for the learner whose ULN was given as
 * `given` (master `master`): *ok. Store errors pass through.
 */
static enum lrs_err may_invite(struct lrs_store *s,
                               const struct lrs_actor *actor, const char *given,
                               const char *master, bool *ok,
                               struct lrs_diag *diag)
{
    struct wanted w = {given, master, false};
    struct lrs_user me;
    struct lrs_org org;
    enum lrs_err err;

    *ok = false;
    if (!actor || actor->user_id == 0) {
        *ok = true; /* the command line */
        return LRS_OK;
    }
    err = lrs_store_user_get(s, actor->user_id, &me);
    if (!err)
        err = lrs_store_org_get(s, me.org_id, &org);
    if (err == LRS_ENOTFOUND)
        return LRS_OK;
    if (!err && (me.roles & LRS_ROLE_OPERATOR)) {
        *ok = true;
        return LRS_OK;
    }
    if (err || org.kind != LRS_ORG_SCHOOL ||
        !(me.roles & (LRS_ROLE_SCHOOL_USER | LRS_ROLE_SCHOOL_ADMIN)))
        return err ? lrs__service_store_err(s, err, diag) : LRS_OK;
    err = in_entries(s, &org, &w);
    if (!err && !w.found)
        err = in_roster(s, &org, &w);
    if (!err && !w.found)
        err = in_files(s, &org, &w);
    if (err)
        return lrs__service_store_err(s, err, diag);
    *ok = w.found;
    return LRS_OK;
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
    bool own, allowed = false;

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
    if (!err)
        err = may_invite(s, actor, key, l.uln, &allowed, diag);
    if (!err && !allowed)
        err = LRS_ERR(LRS_ENOTFOUND);
    if (err == LRS_ENOTFOUND)
        lrs_diag_set(diag, "uln", "no learner has ULN %s%s", key,
                     actor && actor->user_id && actor->org_id
                         ? " among your school's pupils (its S2S files, "
                           "pupil roster and exam entries)"
                         : "");
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
        err = lrs__service_audit_user(s, actor, LRS_AUDIT_INVITE, u.id, reg.uln,
                                      diag);
    err = lrs__service_leave(s, own, err, diag);
    if (err)
        return err;
    if (out)
        *out = u;
    return LRS_OK;
}
