/*
 * register.c - the use cases that change who is who in the register and
 * keep the match index current: register after search, amend, merge,
 * unmerge, not-same, and the duplicate search of a registered learner.
 *
 * Each writes the store in one transaction with its audit rows, then
 * changes the index (lrs/match.h) after the commit: the index never holds
 * what the store does not. docs/matching.md ("Register after search",
 * "Merge and unmerge") states the rules.
 *
 * Two registrations of one person at once: within one process they are
 * serialised by `reg_lock` (search, write and index as one step), so the
 * second one's search sees the first. Across processes (two lrs
 * commands, two lrsd nodes, each with its own index) the register
 * transaction claims the learner's identity key in the store
 * (lrs_store_identity_claim): the normalised given name, family name,
 * date of birth, gender and postcode. The key is unique, so the second
 * transaction finds it taken (on PostgreSQL it waits for the first to
 * commit) and the registration is refused as identical (WSRC0021).
 */
#include "base/base.h"

#include "service/service_int.h"

#include <lrs/links.h>
#include <lrs/match.h>
#include <lrs/text.h>

#include <pthread.h>

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;

const char *lrs_register_code_name(enum lrs_register_code code)
{
    switch (code) {
    case LRS_REGISTER_NEW:
        return "WSRC0005";
    case LRS_REGISTER_REFUSED:
        return "WSRC0021";
    }
    return "WSRC????";
}

/* Copy a validated 10-digit ULN slice into a C string. */
static enum lrs_err take_uln(struct lrs_str in, char out[LRS_ULN_SIZE],
                             struct lrs_diag *diag)
{
    const struct lrs_str v = lrs_str_trim(in);
    const enum lrs_err err = lrs_uln_check(v, diag);

    if (err)
        return err;
    memcpy(out, v.ptr, LRS_ULN_LEN);
    out[LRS_ULN_LEN] = '\0';
    return LRS_OK;
}

static uint64_t uln_num(const char *uln)
{
    uint64_t v = 0;

    for (const char *p = uln; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (uint64_t)(*p - '0');
    return v;
}

/* A decision needs its reason (DOMAIN.md: who, when and why). */
static enum lrs_err need_reason(const char *reason, const char *what,
                                struct lrs_diag *diag)
{
    if (reason && lrs_str_trim(lrs_str_c(reason)).len)
        return LRS_OK;
    lrs_diag_set(diag, "reason", "%s needs a reason", what);
    return LRS_ERR(LRS_EINVAL);
}

/*
 * The identity key of `l`: the normalised given and family names, date
 * of birth, gender and canonical postcode, '|' between them (never in a
 * normalised name). The five details of DOMAIN.md's WSRC0021.
 */
static enum lrs_err identity_of(const struct lrs_learner *l,
                                char out[LRS_IDENTITY_MAX + 1],
                                struct lrs_diag *diag)
{
    char given[LRS_NAME_SIZE], family[LRS_NAME_SIZE], dob[11];
    size_t glen, flen;
    enum lrs_err err;
    int n;

    err = lrs_name_normalise_to(lrs_str_c(l->given_name), "given_name", given,
                                &glen, diag);
    if (!err)
        err = lrs_name_normalise_to(lrs_str_c(l->family_name), "family_name",
                                    family, &flen, diag);
    if (err)
        return err;
    lrs_date_format(l->date_of_birth, dob);
    n = snprintf(out, LRS_IDENTITY_MAX + 1, "%s|%s|%s|%d|%s", given, family,
                 dob, (int)l->gender, l->postcode);
    if (n < 0 || n > LRS_IDENTITY_MAX) {
        lrs_diag_set(diag, "given_name", "names too long to compare");
        return LRS_ERR(LRS_ELIMIT);
    }
    return LRS_OK;
}

/* The search a learner's own details make. */
static void query_of(const struct lrs_learner *l, struct lrs_match_query *q)
{
    memset(q, 0, sizeof *q);
    q->given = lrs_str_c(l->given_name);
    q->middle = lrs_str_c(l->middle_names);
    q->middle_known = true; /* a record: no middle names means none */
    q->family = lrs_str_c(l->family_name);
    q->previous_family = lrs_str_c(l->previous_family_name);
    q->dob = l->date_of_birth;
    q->gender = l->gender;
    /* Checked by lrs_service_learner_check(): canonical or empty. */
    if (l->postcode[0] &&
        lrs_postcode_parse(lrs_str_c(l->postcode), &q->postcode, NULL))
        memset(&q->postcode, 0, sizeof q->postcode);
}

/* Whether candidate `c` agrees exactly on the five details. */
static bool identical(const struct lrs_match_candidate *c)
{
    return c->level[LRS_MATCH_GIVEN] == LRS_MATCH_NAME_EXACT &&
           c->level[LRS_MATCH_FAMILY] == LRS_MATCH_NAME_EXACT &&
           c->level[LRS_MATCH_DOB] == LRS_MATCH_DOB_EXACT &&
           c->level[LRS_MATCH_GENDER] == LRS_MATCH_GENDER_SAME &&
           c->level[LRS_MATCH_POSTCODE] == LRS_MATCH_POSTCODE_EXACT &&
           !(c->flags & LRS_MATCH_CAND_SWAPPED);
}

/* ------------------------------------------------------------------ */
/* Former family names, for re-keying                                 */
/* ------------------------------------------------------------------ */

_Static_assert(sizeof((struct lrs__former *)0)->name /
                       sizeof((struct lrs__former *)0)->name[0] ==
                   LRS_MATCH_FORMER_MAX,
               "one former name slot per index slot");

/* The history runs oldest first: each family name it replaced becomes the
 * most recent former one (as lrs_service_index_load does). */
static enum lrs_err add_change(const struct lrs_name_change *c, void *ctx)
{
    struct lrs__former *f = ctx;

    if (!c->family_name[0] || strcmp(f->name[0], c->family_name) == 0)
        return LRS_OK;
    memmove(f->name[1], f->name[0], sizeof f->name[0]);
    snprintf(f->name[0], sizeof f->name[0], "%s", c->family_name);
    return LRS_OK;
}

enum lrs_err lrs__service_indexed(struct lrs_store *s,
                                  const struct lrs_learner *sl,
                                  struct lrs__former *f,
                                  struct lrs_match_learner *ml,
                                  struct lrs_diag *diag)
{
    struct lrs_str prev = lrs_str_c(sl->previous_family_name);
    size_t n = 0;
    enum lrs_err err;

    memset(f, 0, sizeof *f);
    err = lrs_store_name_history_scan(s, sl->uln, add_change, f);
    if (err)
        return lrs__service_store_err(s, err, diag);
    err = lrs__service_match_learner(sl, ml, diag);
    if (err)
        return err;
    ml->former[0] = ml->former[1] = (struct lrs_str){"", 0};
    for (size_t i = 0; i < LRS_MATCH_FORMER_MAX; i++)
        if (f->name[i][0] && strcmp(f->name[i], sl->family_name) != 0)
            ml->former[n++] = lrs_str_c(f->name[i]);
    if (n < LRS_MATCH_FORMER_MAX && prev.len &&
        strcmp(sl->previous_family_name, sl->family_name) != 0 &&
        (n == 0 || !lrs_str_eq(ml->former[0], prev)))
        ml->former[n] = prev;
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Register after search                                              */
/* ------------------------------------------------------------------ */

/* The write half of a registration: one transaction. */
static enum lrs_err register_write(
    struct lrs_store *s, const struct lrs_actor *actor, struct lrs_learner *row,
    const char *key, const struct lrs_match_result *res, bool confirm,
    const char *reason, struct lrs_register_outcome *out, struct lrs_diag *diag)
{
    char holder[LRS_ULN_SIZE];
    enum lrs_err err;

    err = lrs_store_begin(s);
    if (err)
        return lrs__service_store_err(s, err, diag);
    err = lrs_service_learner_register(s, actor, row, diag);
    if (err)
        goto out;
    err = lrs_store_identity_claim(s, key, row->uln, holder);
    if (err == LRS_ECONFLICT) {
        /* Registered meanwhile by another process: refused, not failed. */
        out->code = LRS_REGISTER_REFUSED;
        out->identical = true;
        memcpy(out->same_uln, holder, sizeof out->same_uln);
        lrs_store_rollback(s);
        return LRS_OK;
    }
    if (err) {
        lrs__service_store_err(s, err, diag);
        goto out;
    }
    for (size_t i = 0; confirm && !err && i < res->candidate_count; i++) {
        char other[LRS_ULN_SIZE];

        snprintf(other, sizeof other, "%010llu",
                 (unsigned long long)res->candidates[i].uln);
        err = lrs_store_non_match_add(s, actor, row->uln, other, true, reason,
                                      diag);
        if (err && err != LRS_EINVAL && err != LRS_ECONFLICT)
            lrs__service_store_err(s, err, diag);
        out->not_same += !err;
    }
out:
    if (err) {
        lrs_store_rollback(s);
        return err;
    }
    err = lrs_store_commit(s);
    if (err)
        return lrs__service_store_err(s, err, diag);
    out->code = LRS_REGISTER_NEW;
    return LRS_OK;
}

/* After the commit: the new learner and its pairs into the index. */
static enum lrs_err register_index(struct lrs_match_index *idx,
                                   const struct lrs_learner *row,
                                   const struct lrs_match_result *res,
                                   bool confirm, struct lrs_diag *diag)
{
    struct lrs_match_learner ml;
    enum lrs_err err;

    err = lrs__service_match_learner(row, &ml, diag);
    if (!err)
        err = lrs_match_index_insert(idx, &ml, NULL, diag);
    /* Put in meanwhile by a reader of the change feed, from the same
     * commit (lrs_service_index_apply): the same record. */
    if (err == LRS_ECONFLICT)
        err = lrs_match_index_update(idx, &ml, diag);
    for (size_t i = 0; confirm && !err && i < res->candidate_count; i++)
        err = lrs_match_index_not_same(idx, ml.uln, res->candidates[i].uln);
    if (err && diag && !diag->msg[0])
        lrs_diag_set(diag, "index",
                     "learner %s was registered but not indexed: %s", row->uln,
                     lrs_strerror(err));
    return err;
}

enum lrs_err
lrs_service_register(struct lrs_store *s, struct lrs_match_index *idx,
                     const struct lrs_actor *actor, struct lrs_learner *l,
                     unsigned flags, const char *reason,
                     struct lrs_match_result *res,
                     struct lrs_register_outcome *out, struct lrs_diag *diag)
{
    const bool confirm = (flags & LRS_REGISTER_CONFIRM_NEW) != 0;
    char key[LRS_IDENTITY_MAX + 1];
    struct lrs_match_query q;
    struct lrs_learner row = *l;
    enum lrs_err err;

    memset(out, 0, sizeof *out);
    out->code = LRS_REGISTER_REFUSED;
    if (row.uln[0]) {
        lrs_diag_set(diag, "uln", "is issued by the register; leave it out");
        return LRS_ERR(LRS_EINVAL);
    }
    err = lrs_service_learner_check(&row, diag);
    if (!err && confirm)
        err = need_reason(reason,
                          "registering a learner despite its "
                          "candidates",
                          diag);
    if (!err)
        err = identity_of(&row, key, diag);
    if (err)
        return err;
    /* The search and the write are one step here: no caller's
     * transaction may hold the write open across them. */
    if (lrs_store_in_transaction(s))
        LRS_BUG("lrs_service_register inside a transaction");
    query_of(&row, &q);
    /* Whoever registers may not know the middle names (the form leaves
     * them optional): an empty field must not count against a learner
     * who has some, or the search first could miss a duplicate. */
    q.middle_known = false;
    pthread_mutex_lock(&reg_lock);
    err = lrs_match_index_find(idx, &q, res, diag);
    if (err)
        goto out;
    for (size_t i = 0; i < res->candidate_count; i++) {
        if (identical(&res->candidates[i])) {
            out->identical = true;
            snprintf(out->same_uln, sizeof out->same_uln, "%010llu",
                     (unsigned long long)res->candidates[i].uln);
            goto out;
        }
    }
    if (res->code != LRS_MATCH_NONE && !confirm)
        goto out;
    err = register_write(s, actor, &row, key, res, confirm, reason, out, diag);
    if (!err && out->code == LRS_REGISTER_NEW) {
        *l = row;
        err = register_index(idx, &row, res, confirm, diag);
    }
out:
    pthread_mutex_unlock(&reg_lock);
    return err;
}

/* ------------------------------------------------------------------ */
/* Amend                                                              */
/* ------------------------------------------------------------------ */

static bool names_differ(const struct lrs_learner *a,
                         const struct lrs_learner *b)
{
    return strcmp(a->given_name, b->given_name) != 0 ||
           strcmp(a->middle_names, b->middle_names) != 0 ||
           strcmp(a->family_name, b->family_name) != 0 ||
           strcmp(a->preferred_given_name, b->preferred_given_name) != 0;
}

/* The store half of an amendment, in the open transaction. */
static enum lrs_err amend_write(struct lrs_store *s,
                                const struct lrs_actor *actor,
                                struct lrs_learner *row,
                                int32_t expected_version, const char *reason,
                                struct lrs_diag *diag)
{
    char key[LRS_IDENTITY_MAX + 1], holder[LRS_ULN_SIZE];
    struct lrs_learner old;
    enum lrs_err err;

    err = lrs_store_learner_get(s, row->uln, 0, &old);
    if (err == LRS_ENOTFOUND) {
        lrs_diag_set(diag, "uln", "no learner has ULN %s", row->uln);
        return err;
    }
    if (err)
        return lrs__service_store_err(s, err, diag);
    if (old.status == LRS_LEARNER_LINKED) {
        lrs_diag_set(diag, "uln", "learner %s is merged into %s; amend %s",
                     old.uln, old.master_uln, old.master_uln);
        return LRS_ERR(LRS_EINVAL);
    }
    if (names_differ(&old, row)) {
        err = need_reason(reason, "a change of name", diag);
        if (err)
            return err;
    }
    err = lrs_service_learner_update(s, actor, row, expected_version, reason,
                                     diag);
    if (!err)
        err = identity_of(row, key, diag);
    if (!err)
        err = lrs_store_identity_drop(s, row->uln);
    /* A key another learner holds stays theirs: the amendment makes two
     * learners alike, which a person has chosen to do. */
    if (!err) {
        err = lrs_store_identity_claim(s, key, row->uln, holder);
        if (err == LRS_ECONFLICT)
            err = LRS_OK;
        else if (err)
            lrs__service_store_err(s, err, diag);
    }
    return err;
}

enum lrs_err lrs_service_amend(struct lrs_store *s, struct lrs_match_index *idx,
                               const struct lrs_actor *actor,
                               struct lrs_learner *l, int32_t expected_version,
                               const char *reason, struct lrs_diag *diag)
{
    struct lrs_learner row = *l;
    struct lrs_match_learner ml;
    struct lrs__former f;
    enum lrs_err err;
    bool own;

    if (!row.uln[0]) {
        lrs_diag_set(diag, "uln", "is required");
        return LRS_ERR(LRS_EINVAL);
    }
    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = amend_write(s, actor, &row, expected_version, reason, diag);
    err = lrs__service_leave(s, own, err, diag);
    if (err)
        return err;
    *l = row;
    if (!idx)
        return LRS_OK;
    err = lrs__service_indexed(s, &row, &f, &ml, diag);
    if (!err)
        err = lrs_match_index_update(idx, &ml, diag);
    if (err == LRS_ENOTFOUND)
        err = lrs_match_index_insert(idx, &ml, NULL, diag);
    return err;
}

/* ------------------------------------------------------------------ */
/* Merge, unmerge, not the same                                       */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_service_merge(struct lrs_store *s, struct lrs_match_index *idx,
                               const struct lrs_actor *actor,
                               struct lrs_str merged_uln,
                               struct lrs_str master_uln, const char *reason,
                               struct lrs_diag *diag)
{
    char merged[LRS_ULN_SIZE], master[LRS_ULN_SIZE];
    enum lrs_err err;
    bool own;

    err = take_uln(merged_uln, merged, diag);
    if (!err)
        err = take_uln(master_uln, master, diag);
    if (!err)
        err = need_reason(reason, "a merge", diag);
    if (err)
        return err;
    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_link_merge(s, actor, merged, master, reason, diag);
    if (err == LRS_ENOTFOUND)
        lrs_diag_set(diag, "uln", "%s", lrs_store_errmsg(s));
    else if (err && err != LRS_EINVAL && err != LRS_ECONFLICT)
        lrs__service_store_err(s, err, diag);
    if (!err)
        err = lrs__service_audit(s, actor, LRS_AUDIT_MERGE, merged, diag);
    if (!err)
        err = lrs__service_audit(s, actor, LRS_AUDIT_MERGE, master, diag);
    err = lrs__service_leave(s, own, err, diag);
    if (err || !idx)
        return err;
    err = lrs_match_index_merge(idx, uln_num(merged), uln_num(master));
    if (err)
        lrs_diag_set(diag, "index",
                     "merged %s into %s but not in the index: "
                     "%s",
                     merged, master, lrs_strerror(err));
    return err;
}

enum lrs_err lrs_service_unmerge(struct lrs_store *s,
                                 struct lrs_match_index *idx,
                                 const struct lrs_actor *actor,
                                 struct lrs_str merged_uln, const char *reason,
                                 char master[LRS_ULN_SIZE],
                                 struct lrs_diag *diag)
{
    char merged[LRS_ULN_SIZE], was[LRS_ULN_SIZE];
    enum lrs_err err;
    bool own;

    err = take_uln(merged_uln, merged, diag);
    if (!err)
        err = need_reason(reason, "an unmerge", diag);
    if (err)
        return err;
    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_link_unmerge(s, actor, merged, reason, was, diag);
    if (err && err != LRS_EINVAL && err != LRS_ECONFLICT &&
        err != LRS_ENOTFOUND && err != LRS_ECORRUPT)
        lrs__service_store_err(s, err, diag);
    if (!err)
        err = lrs__service_audit(s, actor, LRS_AUDIT_UPDATE, merged, diag);
    if (!err)
        err = lrs__service_audit(s, actor, LRS_AUDIT_UPDATE, was, diag);
    err = lrs__service_leave(s, own, err, diag);
    if (err)
        return err;
    if (master)
        memcpy(master, was, LRS_ULN_SIZE);
    if (!idx)
        return LRS_OK;
    err = lrs_match_index_unmerge(idx, uln_num(merged));
    /* Not merged in the index: it was loaded before the merge. */
    if (err == LRS_EINVAL)
        err = LRS_OK;
    if (err)
        lrs_diag_set(diag, "index", "unmerged %s but not in the index: %s",
                     merged, lrs_strerror(err));
    return err;
}

enum lrs_err lrs_service_not_same(struct lrs_store *s,
                                  struct lrs_match_index *idx,
                                  const struct lrs_actor *actor,
                                  struct lrs_str a, struct lrs_str b,
                                  const char *reason, struct lrs_diag *diag)
{
    char ua[LRS_ULN_SIZE], ub[LRS_ULN_SIZE];
    enum lrs_err err;
    bool own;

    err = take_uln(a, ua, diag);
    if (!err)
        err = take_uln(b, ub, diag);
    if (!err)
        err = need_reason(reason, "a decision that two learners differ", diag);
    if (err)
        return err;
    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_non_match_add(s, actor, ua, ub, false, reason, diag);
    if (err && err != LRS_EINVAL && err != LRS_ECONFLICT &&
        err != LRS_ENOTFOUND)
        lrs__service_store_err(s, err, diag);
    err = lrs__service_leave(s, own, err, diag);
    if (err || !idx)
        return err;
    err = lrs_match_index_not_same(idx, uln_num(ua), uln_num(ub));
    /* A closed learner is not indexed: nothing to filter. */
    return err == LRS_ENOTFOUND ? LRS_OK : err;
}

enum lrs_err
lrs_service_duplicates(struct lrs_store *s, const struct lrs_match_index *idx,
                       const struct lrs_actor *actor, struct lrs_str uln,
                       struct lrs_match_result *res, struct lrs_diag *diag)
{
    struct lrs_learner l;
    struct lrs_match_query q;
    enum lrs_err err;

    err = lrs_service_learner_get(s, actor, uln, &l, NULL, diag);
    if (err)
        return err;
    query_of(&l, &q);
    q.uln = uln_num(l.uln);
    return lrs_match_index_find(idx, &q, res, diag);
}

/* ------------------------------------------------------------------ */
/* Loading                                                            */
/* ------------------------------------------------------------------ */

static enum lrs_err load_pair(const struct lrs_non_match *p, void *ctx)
{
    const enum lrs_err err =
        lrs_match_index_not_same(ctx, uln_num(p->uln_a), uln_num(p->uln_b));

    /* A closed learner is not indexed. */
    return err == LRS_ENOTFOUND ? LRS_OK : err;
}

enum lrs_err lrs__service_links_load(struct lrs_store *s,
                                     struct lrs_match_index *idx,
                                     struct lrs_diag *diag)
{
    const enum lrs_err err = lrs_store_non_match_scan(s, NULL, load_pair, idx);

    if (err == LRS_ENOMEM)
        lrs_diag_set(diag, "index", "cannot load the non-matches: %s",
                     lrs_strerror(err));
    else if (err)
        lrs__service_store_err(s, err, diag);
    return err;
}
