/*
 * pages_index.c - the match index behind the pages' searches.
 *
 * The index (lrs/match.h) is built from the store on the first search,
 * as `lrs find --db` builds it: every learner but closed ones, merged
 * ones linked to their masters. Learners registered or amended through
 * the pages are put in it at once. The index locks itself, so searches
 * run in parallel; building it is done once, under `build_lock`.
 *
 * NEEDSWORK: changes made elsewhere (the JSON API, `lrs import`, another
 * lrsd) are not seen until restart; a change feed from the store
 * (ARCHITECTURE.md, Scale-out) will keep it fresh.
 */
#include "pages.h"

#include <pthread.h>
#include <string.h>

static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lrs_match_index *shared; /* owned; NULL until built */

/* The index record of a store learner; false on a bad ULN or postcode. */
static bool to_match(const struct lrs_learner *sl, struct lrs_match_learner *l,
                     struct lrs_diag *d)
{
    uint64_t uln;

    memset(l, 0, sizeof *l);
    if (lrs_parse_u64(lrs_str_c(sl->uln), 0, UINT64_MAX, &uln) != LRS_OK) {
        lrs_diag_set(d, "uln", "bad ULN in the store");
        return false;
    }
    l->uln = uln;
    if (sl->postcode[0] &&
        lrs_postcode_parse(lrs_str_c(sl->postcode), &l->postcode, d) != LRS_OK)
        return false;
    l->given = lrs_str_c(sl->given_name);
    l->middle = lrs_str_c(sl->middle_names);
    l->family = lrs_str_c(sl->family_name);
    l->preferred = lrs_str_c(sl->preferred_given_name);
    l->former[0] = lrs_str_c(sl->previous_family_name);
    l->dob = sl->date_of_birth;
    l->gender = sl->gender;
    return true;
}

struct load {
    struct lrs_match_index *idx;
    uint64_t (*merges)[2]; /* owned: merged ULN, master ULN */
    size_t merge_count, merge_cap;
    struct lrs_diag diag;
};

static enum lrs_err load_one(const struct lrs_learner *sl, void *ctx)
{
    struct load *ld = ctx;
    struct lrs_match_learner l;
    uint64_t master;
    enum lrs_err err;

    if (sl->status == LRS_LEARNER_CLOSED)
        return LRS_OK;
    if (!to_match(sl, &l, &ld->diag))
        return LRS_EINVAL;
    err = lrs_match_index_insert(ld->idx, &l, NULL, &ld->diag);
    if (err || sl->status != LRS_LEARNER_LINKED)
        return err;
    if (lrs_parse_u64(lrs_str_c(sl->master_uln), 0, UINT64_MAX, &master))
        return LRS_EINVAL;
    if (ld->merge_count == ld->merge_cap) {
        const size_t cap = ld->merge_cap ? 2 * ld->merge_cap : 64;
        void *p = lrs_realloc(ld->merges, cap * sizeof *ld->merges);

        if (!p)
            return LRS_ENOMEM;
        ld->merges = p;
        ld->merge_cap = cap;
    }
    ld->merges[ld->merge_count][0] = l.uln;
    ld->merges[ld->merge_count++][1] = master;
    return LRS_OK;
}

/* Build the index from `s`; the caller holds build_lock. */
static enum lrs_err build(struct lrs_store *s, struct lrs_diag *diag)
{
    struct load ld = {0};
    enum lrs_err err;

    err = lrs_match_index_new(NULL, 0, &ld.idx);
    if (err)
        return err;
    err = lrs_store_learner_scan(s, load_one, &ld);
    for (size_t i = 0; !err && i < ld.merge_count; i++)
        err = lrs_match_index_merge(ld.idx, ld.merges[i][0], ld.merges[i][1]);
    lrs_free(ld.merges);
    if (err) {
        *diag = ld.diag;
        lrs_match_index_free(ld.idx);
        return err;
    }
    shared = ld.idx;
    lrsd_log(LRS_LOG_INFO, "web", NULL, "match index built", NULL);
    return LRS_OK;
}

/* The index, built on first use. */
static struct lrs_match_index *get(struct lrs_store *s, enum lrs_err *err,
                                   struct lrs_diag *diag)
{
    struct lrs_match_index *idx;

    pthread_mutex_lock(&build_lock);
    *err = shared ? LRS_OK : build(s, diag);
    idx = shared;
    pthread_mutex_unlock(&build_lock);
    return idx;
}

enum lrs_err page_index_find(struct lrs_store *s,
                             const struct lrs_match_query *q,
                             struct lrs_match_result *res,
                             struct lrs_diag *diag)
{
    enum lrs_err err;
    struct lrs_match_index *idx = get(s, &err, diag);

    if (!idx)
        return err;
    return lrs_match_index_find(idx, q, res, diag);
}

void page_index_put(const struct lrs_learner *sl, bool is_new)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_match_learner l;
    enum lrs_err err = LRS_OK;

    pthread_mutex_lock(&build_lock);
    if (shared && to_match(sl, &l, &d))
        err = is_new ? lrs_match_index_insert(shared, &l, NULL, &d)
                     : lrs_match_index_update(shared, &l, &d);
    pthread_mutex_unlock(&build_lock);
    if (err)
        lrsd_log(LRS_LOG_WARN, "web", NULL, "match index not updated",
                 "error=%s", lrs_strerror(err));
}

void lrsd_web_release(void)
{
    pthread_mutex_lock(&build_lock);
    lrs_match_index_free(shared);
    shared = NULL;
    pthread_mutex_unlock(&build_lock);
}
