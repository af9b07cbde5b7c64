/*
 * service/roster.c - a school's latest pupil roster kept in the store
 * (lrs_service_roster_save, lrs_service_roster_get).
 *
 * A roster is learner data (names, dates of birth, addresses of every
 * pupil), so every store and read is audited, as a learner read is, and
 * scoped to the actor's own organisation: there is no way through here to
 * name another organisation's roster. The rows of a roster hold no ULN of
 * one learner, so the audit rows name none. What the roster says is
 * lib/school's business: the caller reads it first, so that a malformed
 * roster is refused with lib/school's precise error before anything is
 * stored.
 */
#include "base/base.h"

#include "service/service_int.h"

/* The ULN of a roster's audit rows: none (lrs__service_audit copies a
 * whole ULN buffer). */
static const char no_uln[LRS_ULN_SIZE] = "";

static bool text_ok(struct lrs_str t, const char *what, struct lrs_diag *diag)
{
    if (t.len == 0) {
        lrs_diag_set(diag, "roster", "the %s is empty", what);
        return false;
    }
    if (t.len > LRS_STORE_ROSTER_MAX) {
        lrs_diag_set(diag, "roster", "the %s is %zu bytes, more than %u", what,
                     t.len, LRS_STORE_ROSTER_MAX);
        return false;
    }
    if (memchr(t.ptr, '\0', t.len) || !lrs_utf8_valid(t)) {
        lrs_diag_set(diag, "roster", "the %s is not UTF-8 text", what);
        return false;
    }
    return true;
}

enum lrs_err lrs_service_roster_save(struct lrs_store *s,
                                     const struct lrs_actor *actor,
                                     struct lrs_store_roster *r,
                                     struct lrs_str csv, struct lrs_str before,
                                     struct lrs_str ctf, struct lrs_diag *diag)
{
    bool own;
    enum lrs_err err;

    if (!text_ok(csv, "roster", diag) ||
        (before.ptr && !text_ok(before, "earlier roster", diag)) ||
        (ctf.ptr && !text_ok(ctf, "CTF", diag)))
        return LRS_ERR(LRS_EINVAL);
    r->org_id = actor->org_id;
    r->user_id = actor->user_id;
    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_roster_put(s, r, csv, before, ctf);
    if (err == LRS_EINVAL)
        lrs_diag_set(diag, "roster", "%s", lrs_store_errmsg(s));
    else if (err)
        lrs__service_store_err(s, err, diag);
    if (!err)
        err =
            lrs__service_audit(s, actor, LRS_AUDIT_ROSTER_STORE, no_uln, diag);
    return lrs__service_leave(s, own, err, diag);
}

enum lrs_err lrs_service_roster_get(struct lrs_store *s,
                                    const struct lrs_actor *actor,
                                    struct lrs_store_roster *out,
                                    struct lrs_buf *csv, struct lrs_buf *before,
                                    struct lrs_buf *ctf, struct lrs_diag *diag)
{
    bool own;
    enum lrs_err err;

    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_roster_get(s, actor->org_id, out, csv, before, ctf);
    if (err == LRS_ENOTFOUND)
        lrs_diag_set(diag, "roster", "no roster has been uploaded");
    else if (err)
        lrs__service_store_err(s, err, diag);
    else
        err = lrs__service_audit(s, actor, LRS_AUDIT_ROSTER_READ, no_uln, diag);
    return lrs__service_leave(s, own, err, diag);
}
