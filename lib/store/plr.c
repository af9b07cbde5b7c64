/*
 * store/plr.c - the engine-neutral half of the PLR store (lrs/plr.h):
 * achievements with their grade history, exam entries, shares.
 *
 * As store.c does for learners: each public write runs in the caller's
 * transaction or one of its own, timestamps are filled here, and the one
 * rule that must hold on every engine lives here too: a replaced grade or
 * status is appended to the grade history in the same transaction.
 */
#include "base/base.h"

#include "store/store_int.h"

/* The engine of `s` and its connection. */
#define OPS(s) lrs__store_ops(s)
#define ENG(s) lrs__store_engine(s)

void lrs_achievement_init(struct lrs_achievement *a)
{
    memset(a, 0, sizeof *a);
    a->status = 'F';
    a->credits = -1;
}

void lrs_achievement_list_release(struct lrs_achievement_list *l)
{
    lrs_free(l->items);
    l->items = NULL;
    l->count = l->cap = 0;
}

enum lrs_err lrs_achievement_list_add(struct lrs_achievement_list *l,
                                      const struct lrs_achievement *a)
{
    if (l->count == l->cap) {
        const size_t cap = l->cap ? l->cap * 2 : 16;
        size_t bytes;
        struct lrs_achievement *p;

        if (lrs_mul_size(cap, sizeof *p, &bytes))
            return LRS_ERR(LRS_ENOMEM);
        p = lrs_realloc(l->items, bytes);
        if (!p)
            return LRS_ERR(LRS_ENOMEM);
        l->items = p;
        l->cap = cap;
    }
    l->items[l->count++] = *a;
    return LRS_OK;
}

/* A read: engine call, message on failure other than "not found". */
static enum lrs_err read_done(struct lrs_store *s, enum lrs_err err,
                              const char *what)
{
    if (err && err != LRS_ENOTFOUND)
        return lrs__store_failed(s, err, what);
    return err;
}

/* ------------------------------------------------------------------ */
/* Achievements                                                       */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_achievement_find(struct lrs_store *s,
                                        const struct lrs_achievement *key,
                                        struct lrs_achievement *out)
{
    return read_done(s, OPS(s)->achievement_find(ENG(s), key, out),
                     "read an achievement");
}

/* Replace achievement a->id, keeping a changed grade in the history. */
static enum lrs_err replace(struct lrs_store *s, const struct lrs_actor *actor,
                            struct lrs_achievement *a, int64_t now)
{
    struct lrs_achievement old;
    enum lrs_err err;

    err = OPS(s)->achievement_find(ENG(s), a, &old);
    if (err == LRS_OK && old.id != a->id)
        return lrs__store_failedf(s, LRS_ECONFLICT,
                                  "achievement %lld has another's key",
                                  (long long)a->id);
    if (err == LRS_ENOTFOUND)
        return lrs__store_failedf(s, LRS_ENOTFOUND, "no achievement %lld",
                                  (long long)a->id);
    if (err)
        return lrs__store_failed(s, err, "read an achievement");
    if (strcmp(old.grade, a->grade) != 0 || old.status != a->status) {
        struct lrs_grade_change c;

        memset(&c, 0, sizeof c);
        c.achievement_id = old.id;
        memcpy(c.grade, old.grade, sizeof c.grade);
        c.status = old.status;
        c.changed_ms = now;
        c.user_id = actor ? actor->user_id : 0;
        c.org_id = actor ? actor->org_id : 0;
        err = OPS(s)->grade_change_insert(ENG(s), &c);
        if (err)
            return lrs__store_failed(s, err, "write the grade history");
    }
    a->loaded_ms = old.loaded_ms;
    a->updated_ms = now;
    err = OPS(s)->achievement_update(ENG(s), a);
    if (err)
        return lrs__store_failed(s, err, "update an achievement");
    return LRS_OK;
}

enum lrs_err lrs_store_achievement_put(struct lrs_store *s,
                                       const struct lrs_actor *actor,
                                       struct lrs_achievement *a)
{
    const int64_t now = lrs__store_now_ms();
    struct lrs_achievement row = *a;
    enum lrs_err err;
    bool own;

    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    if (row.id == 0) {
        row.loaded_ms = row.updated_ms = now;
        err = OPS(s)->achievement_insert(ENG(s), &row);
        if (err == LRS_ECONFLICT)
            lrs__store_failedf(s, err, "an achievement with that key exists");
        else if (err)
            lrs__store_failed(s, err, "insert an achievement");
    } else {
        err = replace(s, actor, &row, now);
    }
    err = lrs__store_txn_leave(s, own, err);
    if (!err)
        *a = row;
    return err;
}

enum lrs_err lrs_store_achievement_scan(struct lrs_store *s, const char *uln,
                                        lrs_store_achievement_fn fn, void *ctx)
{
    return read_done(s, OPS(s)->achievement_scan(ENG(s), uln, fn, ctx),
                     "read achievements");
}

enum lrs_err lrs_store_grade_history_scan(struct lrs_store *s, const char *uln,
                                          lrs_store_grade_change_fn fn,
                                          void *ctx)
{
    return read_done(s, OPS(s)->grade_change_scan(ENG(s), uln, fn, ctx),
                     "read the grade history");
}

/* ------------------------------------------------------------------ */
/* Entries                                                            */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_entry_find(struct lrs_store *s,
                                  const struct lrs_entry *key,
                                  struct lrs_entry *out)
{
    return read_done(s, OPS(s)->entry_find(ENG(s), key, out),
                     "read an exam entry");
}

enum lrs_err lrs_store_entry_put(struct lrs_store *s, struct lrs_entry *e)
{
    enum lrs_err err;
    bool own;

    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = OPS(s)->entry_put(ENG(s), e);
    if (err)
        lrs__store_failed(s, err, "write an exam entry");
    return lrs__store_txn_leave(s, own, err);
}

enum lrs_err lrs_store_entry_scan(struct lrs_store *s, const char *ao_ukprn,
                                  const char *school, unsigned flags,
                                  lrs_store_entry_fn fn, void *ctx)
{
    return read_done(
        s, OPS(s)->entry_scan(ENG(s), ao_ukprn, school, flags, fn, ctx),
        "read exam entries");
}

enum lrs_err lrs_store_entry_mark_sent(struct lrs_store *s, int64_t id,
                                       int64_t sent_ms)
{
    enum lrs_err err;
    bool own;

    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = OPS(s)->entry_mark_sent(ENG(s), id, sent_ms);
    if (err && err != LRS_ENOTFOUND)
        lrs__store_failed(s, err, "mark an exam entry sent");
    return lrs__store_txn_leave(s, own, err);
}

enum lrs_err lrs_store_entry_submission_add(struct lrs_store *s,
                                            struct lrs_entry_submission *sub)
{
    enum lrs_err err;
    bool own;

    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    if (!sub->sent_ms)
        sub->sent_ms = lrs__store_now_ms();
    err = OPS(s)->entry_submission_add(ENG(s), sub);
    if (err)
        lrs__store_failed(s, err, "add a submission of entries");
    return lrs__store_txn_leave(s, own, err);
}

enum lrs_err lrs_store_entry_version_add(struct lrs_store *s,
                                         int64_t submission_id,
                                         const struct lrs_entry *e)
{
    enum lrs_err err;
    bool own;

    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = OPS(s)->entry_version_add(ENG(s), submission_id, e);
    if (err)
        lrs__store_failed(s, err, "keep a sent exam entry");
    return lrs__store_txn_leave(s, own, err);
}

enum lrs_err lrs_store_entry_sent_scan(struct lrs_store *s,
                                       const char *ao_ukprn, int64_t number,
                                       lrs_store_entry_fn fn, void *ctx)
{
    return read_done(s,
                     OPS(s)->entry_sent_scan(ENG(s), ao_ukprn, number, fn, ctx),
                     "read sent exam entries");
}

/* ------------------------------------------------------------------ */
/* Shares                                                             */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_share_insert(struct lrs_store *s, struct lrs_share *sh)
{
    enum lrs_err err;
    bool own;

    if (sh->item_count > LRS_SHARE_MAX_ITEMS)
        return lrs__store_failedf(s, LRS_ELIMIT,
                                  "a share holds at most %d "
                                  "achievements",
                                  LRS_SHARE_MAX_ITEMS);
    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    if (!sh->created_ms)
        sh->created_ms = lrs__store_now_ms();
    err = OPS(s)->share_insert(ENG(s), sh);
    if (err)
        lrs__store_failed(s, err, "insert a share");
    return lrs__store_txn_leave(s, own, err);
}

enum lrs_err lrs_store_share_get(struct lrs_store *s, int64_t id,
                                 const uint8_t *hash, struct lrs_share *out)
{
    return read_done(s, OPS(s)->share_get(ENG(s), id, hash, out),
                     "read a share");
}

enum lrs_err lrs_store_share_scan(struct lrs_store *s, const char *uln,
                                  lrs_store_share_fn fn, void *ctx)
{
    return read_done(s, OPS(s)->share_scan(ENG(s), uln, fn, ctx),
                     "read shares");
}

enum lrs_err lrs_store_share_update(struct lrs_store *s,
                                    const struct lrs_share *sh)
{
    enum lrs_err err;
    bool own;

    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = OPS(s)->share_update(ENG(s), sh);
    if (err && err != LRS_ENOTFOUND)
        lrs__store_failed(s, err, "update a share");
    return lrs__store_txn_leave(s, own, err);
}

/* ------------------------------------------------------------------ */
/* Sign-up codes                                                      */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_invite_insert(struct lrs_store *s,
                                     struct lrs_invite *inv)
{
    enum lrs_err err;
    bool own;

    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    if (!inv->created_ms)
        inv->created_ms = lrs__store_now_ms();
    err = OPS(s)->invite_insert(ENG(s), inv);
    if (err)
        lrs__store_failed(s, err, "insert a sign-up code");
    return lrs__store_txn_leave(s, own, err);
}

enum lrs_err lrs_store_invite_live(struct lrs_store *s, const char *uln,
                                   struct lrs_invite *out)
{
    return read_done(s, OPS(s)->invite_live(ENG(s), uln, out),
                     "read a sign-up code");
}

enum lrs_err lrs_store_invite_update(struct lrs_store *s,
                                     const struct lrs_invite *inv)
{
    enum lrs_err err;
    bool own;

    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = OPS(s)->invite_update(ENG(s), inv);
    if (err && err != LRS_ENOTFOUND)
        lrs__store_failed(s, err, "update a sign-up code");
    return lrs__store_txn_leave(s, own, err);
}
