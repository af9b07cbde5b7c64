/*
 * index.c - build the match index from the store (lrs_service_index_load).
 *
 * The model first (NULL: the register's own, lrs_service_model_get),
 * then two passes over the store, both streamed: the name history, kept
 * in memory as each learner's former family names (the history is small:
 * one row per amendment), then every learner, inserted with those names,
 * and last the merges, linked once every record is in. Closed learners
 * are left out: they must never be answered. docs/matching.md.
 */
#include "base/base.h"

#include "service/service_int.h"

#include <lrs/links.h>
#include <lrs/match.h>

/* Former family names of one learner, most recent first. */
struct former {
    uint64_t uln; /* 0: an empty slot */
    char name[LRS_MATCH_FORMER_MAX][LRS_LEARNER_NAME_SIZE];
};

struct load {
    struct lrs_match_index *idx;
    struct former *map; /* open addressing, cap a power of two */
    size_t map_count, map_cap;
    uint64_t (*merges)[2]; /* merged ULN, master ULN */
    size_t merge_count, merge_cap;
    struct lrs_diag *diag;
    char uln[LRS_ULN_SIZE]; /* the learner being loaded, for messages */
};

static uint64_t uln_num(const char *uln)
{
    uint64_t v = 0;

    for (const char *p = uln; *p; p++)
        v = v * 10 + (uint64_t)(*p - '0');
    return v;
}

static size_t slot_of(uint64_t uln, size_t cap)
{
    return (size_t)((uln * 0x9e3779b97f4a7c15u) >> 20) & (cap - 1);
}

static struct former *map_find(struct load *ld, uint64_t uln, bool add)
{
    size_t i;

    if (add && (ld->map_count + 1) * 2 > ld->map_cap) {
        const size_t cap = ld->map_cap ? ld->map_cap * 2 : 64;
        struct former *m = lrs_calloc(cap, sizeof *m);

        if (!m)
            return NULL;
        for (size_t k = 0; k < ld->map_cap; k++) {
            if (!ld->map[k].uln)
                continue;
            i = slot_of(ld->map[k].uln, cap);
            while (m[i].uln)
                i = (i + 1) & (cap - 1);
            m[i] = ld->map[k];
        }
        lrs_free(ld->map);
        ld->map = m;
        ld->map_cap = cap;
    }
    if (!ld->map_cap)
        return NULL;
    i = slot_of(uln, ld->map_cap);
    while (ld->map[i].uln && ld->map[i].uln != uln)
        i = (i + 1) & (ld->map_cap - 1);
    if (ld->map[i].uln == uln)
        return &ld->map[i];
    if (!add)
        return NULL;
    ld->map[i].uln = uln;
    ld->map_count++;
    return &ld->map[i];
}

/* A name change: the family name it replaced becomes the most recent
 * former one (the scan runs oldest first). */
static enum lrs_err add_change(const struct lrs_name_change *c, void *ctx)
{
    struct load *ld = ctx;
    struct former *f;

    if (!c->family_name[0])
        return LRS_OK;
    f = map_find(ld, uln_num(c->uln), true);
    if (!f)
        return LRS_ERR(LRS_ENOMEM);
    if (strcmp(f->name[0], c->family_name) == 0)
        return LRS_OK;
    memmove(f->name[1], f->name[0], sizeof f->name[0]);
    snprintf(f->name[0], sizeof f->name[0], "%s", c->family_name);
    return LRS_OK;
}

static enum lrs_err add_merge(struct load *ld, uint64_t merged, uint64_t master)
{
    if (ld->merge_count == ld->merge_cap) {
        const size_t cap = ld->merge_cap ? 2 * ld->merge_cap : 64;
        void *p = lrs_realloc(ld->merges, cap * sizeof *ld->merges);

        if (!p)
            return LRS_ERR(LRS_ENOMEM);
        ld->merges = p;
        ld->merge_cap = cap;
    }
    ld->merges[ld->merge_count][0] = merged;
    ld->merges[ld->merge_count++][1] = master;
    return LRS_OK;
}

enum lrs_err lrs__service_match_learner(const struct lrs_learner *sl,
                                        struct lrs_match_learner *out,
                                        struct lrs_diag *diag)
{
    enum lrs_err err;

    memset(out, 0, sizeof *out);
    err = lrs_uln_check(lrs_str_c(sl->uln), diag);
    if (err)
        return err;
    out->uln = uln_num(sl->uln);
    if (sl->postcode[0]) {
        err = lrs_postcode_parse(lrs_str_c(sl->postcode), &out->postcode, diag);
        if (err)
            return err;
    }
    out->given = lrs_str_c(sl->given_name);
    out->middle = lrs_str_c(sl->middle_names);
    out->family = lrs_str_c(sl->family_name);
    out->preferred = lrs_str_c(sl->preferred_given_name);
    out->former[0] = lrs_str_c(sl->previous_family_name);
    out->dob = sl->date_of_birth;
    out->gender = sl->gender;
    return LRS_OK;
}

/* Fill the former names of `l`: the history, most recent first, then the
 * previous_family_name of the record; never the current name twice. */
static void add_former(struct load *ld, const struct lrs_learner *sl,
                       struct lrs_match_learner *l)
{
    const struct former *f = map_find(ld, l->uln, false);
    size_t n = 0;

    l->former[0] = l->former[1] = (struct lrs_str){"", 0};
    for (size_t i = 0; f && i < LRS_MATCH_FORMER_MAX; i++) {
        if (f->name[i][0] && strcmp(f->name[i], sl->family_name) != 0)
            l->former[n++] = lrs_str_c(f->name[i]);
    }
    if (n < LRS_MATCH_FORMER_MAX && sl->previous_family_name[0] &&
        strcmp(sl->previous_family_name, sl->family_name) != 0 &&
        (n == 0 ||
         !lrs_str_eq(l->former[0], lrs_str_c(sl->previous_family_name))))
        l->former[n] = lrs_str_c(sl->previous_family_name);
}

static enum lrs_err add_learner(const struct lrs_learner *sl, void *ctx)
{
    struct load *ld = ctx;
    struct lrs_match_learner l;
    enum lrs_err err;

    if (sl->status == LRS_LEARNER_CLOSED)
        return LRS_OK;
    memcpy(ld->uln, sl->uln, sizeof ld->uln);
    err = lrs__service_match_learner(sl, &l, ld->diag);
    if (err)
        return err;
    add_former(ld, sl, &l);
    err = lrs_match_index_insert(ld->idx, &l, NULL, ld->diag);
    if (err || sl->status != LRS_LEARNER_LINKED)
        return err;
    err = lrs_uln_check(lrs_str_c(sl->master_uln), ld->diag);
    if (err)
        return err;
    return add_merge(ld, l.uln, uln_num(sl->master_uln));
}

enum lrs_err lrs_service_model_get(struct lrs_store *s,
                                   struct lrs_match_model *out,
                                   struct lrs_store_model *info,
                                   struct lrs_diag *diag)
{
    struct lrs_store_model row;
    struct lrs_buf text = LRS_BUF_INIT;
    struct lrs_diag why = LRS_DIAG_INIT;
    enum lrs_err err = lrs_store_model_latest(s, &row, &text);

    lrs_match_model_default(out);
    if (err == LRS_ENOTFOUND) {
        memset(&row, 0, sizeof row);
        err = LRS_OK;
    } else if (err) {
        lrs__service_store_err(s, err, diag);
    } else if (lrs_match_model_read(lrs_buf_str(&text), out, &why)) {
        lrs_match_model_default(out);
        lrs_diag_set(diag, "model", "the stored match model %lld: %s",
                     (long long)row.id, why.msg);
        err = LRS_ERR(LRS_ECORRUPT);
    }
    lrs_buf_release(&text);
    if (!err && info)
        *info = row;
    return err;
}

enum lrs_err lrs_service_index_load(struct lrs_store *s,
                                    const struct lrs_match_model *model,
                                    struct lrs_match_index **out,
                                    struct lrs_diag *diag)
{
    struct lrs_store_stats st;
    struct lrs_match_model stored;
    struct load ld;
    enum lrs_err err;

    *out = NULL;
    memset(&ld, 0, sizeof ld);
    ld.diag = diag;
    if (!model) {
        err = lrs_service_model_get(s, &stored, NULL, diag);
        if (err)
            return err;
        model = &stored;
    }
    err = lrs_store_stats(s, &st);
    if (err)
        return lrs__service_store_err(s, err, diag);
    /* Room for an eighth more learners: the first registration after a
     * load would otherwise double the record arrays at once, copying
     * every record under the index's write lock (at 10,000,000 learners
     * most of a second in which no search runs). Untouched room costs
     * address space, not memory. */
    err = lrs_match_index_new(
        model, (size_t)st.learners + (size_t)st.learners / 8 + 1024, &ld.idx);
    if (err) {
        lrs_diag_set(diag, "model", "cannot create the index: %s",
                     lrs_strerror(err));
        return err;
    }
    err = lrs_store_name_history_scan(s, NULL, add_change, &ld);
    if (err) {
        lrs__service_store_err(s, err, diag);
        goto out;
    }
    err = lrs_store_learner_scan(s, add_learner, &ld);
    if (err) {
        if (!diag || !diag->msg[0])
            lrs__service_store_err(s, err, diag);
        else if (ld.uln[0]) {
            char why[sizeof diag->msg];

            memcpy(why, diag->msg, sizeof why);
            lrs_diag_set(diag, diag->field, "learner %s: %s", ld.uln, why);
        }
        goto out;
    }
    for (size_t i = 0; !err && i < ld.merge_count; i++) {
        err = lrs_match_index_merge(ld.idx, ld.merges[i][0], ld.merges[i][1]);
        if (err)
            lrs_diag_set(diag, "uln", "cannot link %llu to %llu: %s",
                         (unsigned long long)ld.merges[i][0],
                         (unsigned long long)ld.merges[i][1],
                         lrs_strerror(err));
    }
    if (!err)
        err = lrs__service_links_load(s, ld.idx, diag);
    /* The blocking table in one bulk build now, not at the first find. */
    if (!err) {
        err = lrs_match_index_build(ld.idx);
        if (err)
            lrs_diag_set(diag, "index", "cannot build the index: %s",
                         lrs_strerror(err));
    }
out:
    lrs_free(ld.map);
    lrs_free(ld.merges);
    if (err) {
        lrs_match_index_free(ld.idx);
        return err;
    }
    *out = ld.idx;
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Following the change feed                                          */
/* ------------------------------------------------------------------ */

/* Insert or update `sl` in `idx`; *inserted says which. */
static enum lrs_err put_one(struct lrs_store *s, struct lrs_match_index *idx,
                            const struct lrs_learner *sl, bool *inserted,
                            struct lrs_diag *diag)
{
    struct lrs__former f;
    struct lrs_match_learner ml;
    enum lrs_err err = lrs__service_indexed(s, sl, &f, &ml, diag);

    *inserted = false;
    if (err)
        return err;
    err = lrs_match_index_update(idx, &ml, diag);
    if (err == LRS_ENOTFOUND) {
        err = lrs_match_index_insert(idx, &ml, NULL, diag);
        *inserted = !err;
        /* Inserted meanwhile by the writer itself, in this process
         * (register after search indexes after its commit). */
        if (err == LRS_ECONFLICT)
            err = lrs_match_index_update(idx, &ml, diag);
    }
    return err;
}

/* Link `sl` to its master, putting the master in first when the index
 * lacks it (both written elsewhere, the master's change not read yet). */
static enum lrs_err link_master(struct lrs_store *s,
                                struct lrs_match_index *idx,
                                const struct lrs_learner *sl,
                                struct lrs_diag *diag)
{
    const uint64_t uln = uln_num(sl->uln), master = uln_num(sl->master_uln);
    struct lrs_learner m;
    bool inserted;
    enum lrs_err err = lrs_uln_check(lrs_str_c(sl->master_uln), diag);

    if (err)
        return err;
    err = lrs_match_index_merge(idx, uln, master);
    if (err != LRS_ENOTFOUND)
        return err;
    err = lrs_store_learner_get(s, sl->master_uln, 0, &m);
    if (err)
        return lrs__service_store_err(s, err, diag);
    if (m.status == LRS_LEARNER_CLOSED)
        return LRS_OK;
    err = put_one(s, idx, &m, &inserted, diag);
    if (!err)
        err = lrs_match_index_merge(idx, uln, master);
    return err;
}

static enum lrs_err apply_pair(const struct lrs_non_match *p, void *ctx)
{
    const enum lrs_err err =
        lrs_match_index_not_same(ctx, uln_num(p->uln_a), uln_num(p->uln_b));

    /* The other learner is not indexed (yet): its own change, read
     * later, tells the index the pair. */
    return err == LRS_ENOTFOUND ? LRS_OK : err;
}

enum lrs_err lrs_service_index_apply(struct lrs_store *s,
                                     struct lrs_match_index *idx,
                                     const char *uln,
                                     enum lrs_index_apply *done,
                                     struct lrs_diag *diag)
{
    struct lrs_learner sl;
    bool inserted = false;
    enum lrs_err err;

    *done = LRS_INDEX_APPLY_SKIPPED;
    err = lrs_store_learner_get(s, uln, 0, &sl);
    if (err == LRS_ENOTFOUND)
        return LRS_OK;
    if (err)
        return lrs__service_store_err(s, err, diag);
    if (sl.status == LRS_LEARNER_CLOSED)
        return LRS_OK;
    err = put_one(s, idx, &sl, &inserted, diag);
    if (!err && sl.status == LRS_LEARNER_LINKED)
        err = link_master(s, idx, &sl, diag);
    else if (!err) {
        err = lrs_match_index_unmerge(idx, uln_num(sl.uln));
        if (err == LRS_EINVAL) /* was not merged */
            err = LRS_OK;
    }
    if (!err) {
        err = lrs_store_non_match_scan(s, sl.uln, apply_pair, idx);
        if (err && err != LRS_ENOMEM)
            lrs__service_store_err(s, err, diag);
    }
    if (err) {
        if (diag && !diag->msg[0])
            lrs_diag_set(diag, "index", "learner %s: %s", uln,
                         lrs_strerror(err));
        return err;
    }
    *done = inserted ? LRS_INDEX_APPLY_INSERTED : LRS_INDEX_APPLY_UPDATED;
    return LRS_OK;
}
