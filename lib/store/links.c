/*
 * store/links.c - the engine-neutral half of lrs/links.h: the link
 * history, merge and unmerge with their history rows, non-match pairs and
 * identity keys.
 *
 * As store.c does for learners: each public write runs in the caller's
 * transaction or one of its own, times are filled in here, and the rules
 * that must hold on every engine live here too: when an unmerge is still
 * possible, and that a pair is stored once, lowest ULN first. The engines
 * (lib/store/<engine>/links.c) only move rows.
 */
#include "base/base.h"

#include "store/store_int.h"

/* The engine of `s` and its connection. */
#define OPS(s) lrs__store_ops(s)
#define ENG(s) lrs__store_engine(s)

const char *lrs_link_action_name(enum lrs_link_action a)
{
    switch (a) {
    case LRS_LINK_MERGE:
        return "merge";
    case LRS_LINK_UNMERGE:
        return "unmerge";
    case LRS_LINK_NOT_SAME:
        return "not_same";
    case LRS_LINK_CONFIRM_NEW:
        return "confirm_new";
    }
    return "unknown";
}

/* Copy at most LRS_LINK_REASON_MAX bytes of `src`, never cutting a UTF-8
 * character in two. */
static void copy_reason(char dst[LRS_LINK_REASON_MAX + 1], const char *src)
{
    size_t n = strlen(src ? src : "");

    if (n > LRS_LINK_REASON_MAX) {
        n = LRS_LINK_REASON_MAX;
        while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
            n--;
    }
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

/* A read, with a message on failure other than "not found". */
static enum lrs_err read_done(struct lrs_store *s, enum lrs_err err,
                              const char *what)
{
    if (err && err != LRS_ENOTFOUND)
        return lrs__store_failed(s, err, what);
    return err;
}

/* Read learner `uln`, with "no learner has ULN x" when there is none. */
static enum lrs_err get_learner(struct lrs_store *s, const char *uln,
                                struct lrs_learner *out)
{
    const enum lrs_err err = OPS(s)->learner_get(ENG(s), uln, out);

    if (err == LRS_ENOTFOUND)
        return lrs__store_failedf(s, err, "no learner has ULN %s", uln);
    return read_done(s, err, "read a learner");
}

/* Append a link row in the open transaction. */
static enum lrs_err append(struct lrs_store *s, const struct lrs_actor *actor,
                           enum lrs_link_action action, const char *uln,
                           const char *other, const char *reason, int64_t now,
                           int32_t version)
{
    struct lrs_link l;
    enum lrs_err err;

    memset(&l, 0, sizeof l);
    l.action = action;
    snprintf(l.uln, sizeof l.uln, "%s", uln);
    snprintf(l.other_uln, sizeof l.other_uln, "%s", other);
    l.at_ms = now;
    l.user_id = actor ? actor->user_id : 0;
    l.org_id = actor ? actor->org_id : 0;
    l.version = version;
    copy_reason(l.reason, reason);
    err = OPS(s)->link_insert(ENG(s), &l);
    if (err)
        return lrs__store_failed(s, err, "append to the link history");
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* The link history                                                   */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_link_append(struct lrs_store *s,
                                   const struct lrs_actor *actor,
                                   struct lrs_link *l)
{
    struct lrs_link row = *l;
    enum lrs_err err;
    bool own;

    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    row.at_ms = lrs__store_now_ms();
    row.user_id = actor ? actor->user_id : 0;
    row.org_id = actor ? actor->org_id : 0;
    copy_reason(row.reason, l->reason);
    err = OPS(s)->link_insert(ENG(s), &row);
    if (err)
        lrs__store_failed(s, err, "append to the link history");
    err = lrs__store_txn_leave(s, own, err);
    if (!err)
        *l = row;
    return err;
}

enum lrs_err lrs_store_link_scan(struct lrs_store *s, const char *uln,
                                 lrs_store_link_fn fn, void *ctx)
{
    const enum lrs_err err = OPS(s)->link_scan(ENG(s), uln, fn, ctx);

    if (err && OPS(s)->errmsg(ENG(s))[0])
        return lrs__store_failed(s, err, "read the link history");
    return err;
}

/* ------------------------------------------------------------------ */
/* Merge and unmerge                                                  */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_link_merge(struct lrs_store *s,
                                  const struct lrs_actor *actor,
                                  const char *merged_uln,
                                  const char *master_uln, const char *reason,
                                  struct lrs_diag *diag)
{
    struct lrs_learner merged;
    enum lrs_err err;
    bool own;

    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err =
        lrs_store_learner_merge(s, actor, merged_uln, master_uln, reason, diag);
    /* The history row keeps the version the merge left, so that an
     * unmerge can tell a later change of the record. */
    if (!err)
        err = get_learner(s, merged_uln, &merged);
    if (!err)
        err = append(s, actor, LRS_LINK_MERGE, merged_uln, master_uln, reason,
                     merged.updated_ms, merged.version);
    return lrs__store_txn_leave(s, own, err);
}

/* Refuse an unmerge: the message goes to the store and to `diag`. */
static enum lrs_err refuse(struct lrs_store *s, enum lrs_err err,
                           struct lrs_diag *diag, const char *fmt, ...)
    LRS_PRINTF(4, 5);

static enum lrs_err refuse(struct lrs_store *s, enum lrs_err err,
                           struct lrs_diag *diag, const char *fmt, ...)
{
    char msg[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lrs_diag_set(diag, "uln", "%s", msg);
    return lrs__store_failedf(s, err, "%s", msg);
}

/* The last MERGE row of a learner into a given master. */
struct last_merge {
    const char *uln, *master;
    struct lrs_link row; /* id 0: none */
};

static enum lrs_err keep_merge(const struct lrs_link *l, void *ctx)
{
    struct last_merge *m = ctx;

    if (l->action == LRS_LINK_MERGE && strcmp(l->uln, m->uln) == 0 &&
        strcmp(l->other_uln, m->master) == 0)
        m->row = *l;
    return LRS_OK;
}

/* Whether `l` is as its merge left it: the version the MERGE row of the
 * link history kept, or, for a merge made without one (through
 * lrs_store_learner_merge() alone), the time the merges row kept. */
static enum lrs_err unchanged(struct lrs_store *s, const struct lrs_learner *l,
                              int64_t merged_ms, bool *same)
{
    struct last_merge m = {l->uln, l->master_uln, {0}};
    const enum lrs_err err = OPS(s)->link_scan(ENG(s), l->uln, keep_merge, &m);

    if (err)
        return lrs__store_failed(s, err, "read the link history");
    *same = m.row.id ? m.row.version == l->version : l->updated_ms == merged_ms;
    return LRS_OK;
}

/* Whether the unmerge of `l` may go ahead (docs/matching.md "Unmerge"). */
static enum lrs_err unmerge_check(struct lrs_store *s,
                                  const struct lrs_learner *l,
                                  struct lrs_diag *diag)
{
    struct lrs_learner master;
    char open_master[LRS_ULN_SIZE];
    int64_t merged_ms = 0;
    enum lrs_err err;
    bool same = false;

    if (l->status != LRS_LEARNER_LINKED)
        return refuse(s, LRS_EINVAL, diag, "learner %s is not merged", l->uln);
    err = OPS(s)->merge_open(ENG(s), l->uln, open_master, &merged_ms);
    if (err == LRS_ENOTFOUND ||
        (!err && strcmp(open_master, l->master_uln) != 0))
        return refuse(s, LRS_ECORRUPT, diag,
                      "learner %s is linked to %s but no open merge "
                      "records it",
                      l->uln, l->master_uln);
    if (err)
        return lrs__store_failed(s, err, "read the merges");
    err = get_learner(s, l->master_uln, &master);
    if (err)
        return err;
    if (master.status == LRS_LEARNER_LINKED)
        return refuse(s, LRS_ECONFLICT, diag,
                      "cannot unmerge %s: its master %s has since been "
                      "merged into %s; unmerge %s first",
                      l->uln, master.uln, master.master_uln, master.uln);
    err = unchanged(s, l, merged_ms, &same);
    if (err)
        return err;
    if (!same)
        return refuse(s, LRS_ECONFLICT, diag,
                      "cannot unmerge %s: its record was changed after it "
                      "was merged into %s, so it cannot be restored as "
                      "it was",
                      l->uln, master.uln);
    return LRS_OK;
}

enum lrs_err lrs_store_link_unmerge(struct lrs_store *s,
                                    const struct lrs_actor *actor,
                                    const char *merged_uln, const char *reason,
                                    char master[LRS_ULN_SIZE],
                                    struct lrs_diag *diag)
{
    struct lrs_learner l;
    char was[LRS_ULN_SIZE];
    int64_t now;
    enum lrs_err err;
    bool own;

    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = get_learner(s, merged_uln, &l);
    if (err == LRS_ENOTFOUND)
        lrs_diag_set(diag, "uln", "no learner has ULN %s", merged_uln);
    if (!err)
        err = unmerge_check(s, &l, diag);
    if (err)
        goto out;
    memcpy(was, l.master_uln, sizeof was);
    now = lrs__store_now_ms();
    l.status = LRS_LEARNER_ACTIVE;
    l.master_uln[0] = '\0';
    l.updated_ms = now;
    l.version++;
    err = OPS(s)->learner_update(ENG(s), &l, l.version - 1);
    if (!err)
        err = OPS(s)->merge_close(ENG(s), merged_uln, now);
    if (err) {
        lrs__store_failed(s, err, "unmerge a learner");
        goto out;
    }
    err = append(s, actor, LRS_LINK_UNMERGE, merged_uln, was, reason, now,
                 l.version);
    if (!err && master)
        memcpy(master, was, LRS_ULN_SIZE);
out:
    return lrs__store_txn_leave(s, own, err);
}

/* ------------------------------------------------------------------ */
/* Non-match pairs                                                    */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_non_match_add(struct lrs_store *s,
                                     const struct lrs_actor *actor,
                                     const char *a, const char *b,
                                     bool confirm_new, const char *reason,
                                     struct lrs_diag *diag)
{
    struct lrs_non_match p;
    struct lrs_learner l;
    const bool swap = strcmp(a, b) > 0;
    enum lrs_err err;
    bool own;

    if (strcmp(a, b) == 0) {
        lrs_diag_set(diag, "uln", "learner %s cannot be paired with itself", a);
        return lrs__store_failedf(s, LRS_EINVAL, "%s", "same ULN twice");
    }
    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = get_learner(s, a, &l);
    if (!err)
        err = get_learner(s, b, &l);
    if (err == LRS_ENOTFOUND)
        lrs_diag_set(diag, "uln", "%s", lrs_store_errmsg(s));
    if (err)
        goto out;
    memset(&p, 0, sizeof p);
    snprintf(p.uln_a, sizeof p.uln_a, "%s", swap ? b : a);
    snprintf(p.uln_b, sizeof p.uln_b, "%s", swap ? a : b);
    p.at_ms = lrs__store_now_ms();
    p.user_id = actor ? actor->user_id : 0;
    p.org_id = actor ? actor->org_id : 0;
    copy_reason(p.reason, reason);
    err = OPS(s)->non_match_insert(ENG(s), &p);
    if (err == LRS_ECONFLICT) {
        lrs_diag_set(diag, "uln",
                     "learners %s and %s are already recorded as not the "
                     "same learner",
                     p.uln_a, p.uln_b);
        lrs__store_failedf(s, err, "%s", diag ? diag->msg : "recorded");
        goto out;
    }
    if (err) {
        lrs__store_failed(s, err, "record a non-match");
        goto out;
    }
    err =
        append(s, actor, confirm_new ? LRS_LINK_CONFIRM_NEW : LRS_LINK_NOT_SAME,
               a, b, reason, p.at_ms, 0);
out:
    return lrs__store_txn_leave(s, own, err);
}

enum lrs_err lrs_store_non_match_scan(struct lrs_store *s, const char *uln,
                                      lrs_store_non_match_fn fn, void *ctx)
{
    const enum lrs_err err = OPS(s)->non_match_scan(ENG(s), uln, fn, ctx);

    if (err && OPS(s)->errmsg(ENG(s))[0])
        return lrs__store_failed(s, err, "read the non-matches");
    return err;
}

/* ------------------------------------------------------------------ */
/* Identity keys                                                      */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_identity_claim(struct lrs_store *s, const char *key,
                                      const char *uln,
                                      char holder[LRS_ULN_SIZE])
{
    enum lrs_err err;
    bool own;

    holder[0] = '\0';
    if (strlen(key) > LRS_IDENTITY_MAX)
        return lrs__store_failedf(s, LRS_EINVAL,
                                  "identity key longer than %d bytes",
                                  LRS_IDENTITY_MAX);
    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = OPS(s)->identity_insert(ENG(s), key, uln, holder);
    if (err == LRS_ECONFLICT)
        lrs__store_failedf(s, err, "learner %s has the same details", holder);
    else if (err)
        lrs__store_failed(s, err, "claim an identity");
    return lrs__store_txn_leave(s, own, err);
}

enum lrs_err lrs_store_identity_drop(struct lrs_store *s, const char *uln)
{
    enum lrs_err err;
    bool own;

    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = OPS(s)->identity_drop(ENG(s), uln);
    if (err)
        lrs__store_failed(s, err, "drop identities");
    return lrs__store_txn_leave(s, own, err);
}
