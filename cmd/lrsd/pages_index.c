/*
 * pages_index.c - the match index behind the pages' searches and the
 * batch worker.
 *
 * The index (lrs/match.h) is loaded from the store on first use by
 * lrs_service_index_load(), as `lrs find` and `lrs batch` load it (name
 * history, merges). Learners registered or amended through the pages and
 * the API are put in it at once; the batch worker runs its jobs against
 * it (worker.c), so the learners a job registers are in it as they are
 * decided.
 *
 * Two locks: the index locks itself for finds and inserts; `use_lock` here
 * only keeps the index alive while someone uses it. Users hold it shared;
 * dropping the index (after a failed batch run, which may leave learners
 * of a rolled-back chunk in it) takes it exclusively, and the next use
 * loads it again.
 *
 * NEEDSWORK: changes made elsewhere (the JSON API, `lrs import`, another
 * lrsd) are not seen until the index is loaded again; a change feed from
 * the store (ARCHITECTURE.md, Scale-out) will keep it fresh.
 */
#include "pages.h"

#include <pthread.h>
#include <string.h>

static pthread_rwlock_t use_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lrs_match_index *shared; /* owned; NULL until loaded */

/* Load the index if need be; the caller holds use_lock shared. */
static enum lrs_err ensure(struct lrs_store *s, struct lrs_diag *diag)
{
    enum lrs_err err = LRS_OK;

    pthread_mutex_lock(&load_lock);
    if (!shared) {
        err = lrs_service_index_load(s, NULL, &shared, diag);
        if (!err)
            lrsd_log(LRS_LOG_INFO, "web", NULL, "match index loaded", NULL);
    }
    pthread_mutex_unlock(&load_lock);
    return err;
}

struct lrs_match_index *page_index_use(struct lrs_store *s, enum lrs_err *err,
                                       struct lrs_diag *diag)
{
    pthread_rwlock_rdlock(&use_lock);
    *err = ensure(s, diag);
    if (*err) {
        pthread_rwlock_unlock(&use_lock);
        return NULL;
    }
    return shared;
}

void page_index_done(void)
{
    pthread_rwlock_unlock(&use_lock);
}

void page_index_drop(void)
{
    pthread_rwlock_wrlock(&use_lock);
    lrs_match_index_free(shared);
    shared = NULL;
    pthread_rwlock_unlock(&use_lock);
}

enum lrs_err page_index_find(struct lrs_store *s,
                             const struct lrs_match_query *q,
                             struct lrs_match_result *res,
                             struct lrs_diag *diag)
{
    enum lrs_err err;
    struct lrs_match_index *idx = page_index_use(s, &err, diag);

    if (!idx)
        return err;
    err = lrs_match_index_find(idx, q, res, diag);
    page_index_done();
    return err;
}

/* The index record of a store learner; false on a bad ULN or postcode. */
static bool to_match(const struct lrs_learner *sl, struct lrs_match_learner *l,
                     struct lrs_diag *d)
{
    uint64_t uln;

    memset(l, 0, sizeof *l);
    if (lrs_parse_u64(lrs_str_c(sl->uln), 0, UINT64_MAX, &uln) != LRS_OK) {
        lrs_diag_set(d, "uln", "bad ULN");
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

void page_index_put(const struct lrs_learner *sl, bool is_new)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_match_learner l;
    enum lrs_err err = LRS_OK;

    pthread_rwlock_rdlock(&use_lock);
    if (shared && to_match(sl, &l, &d))
        err = is_new ? lrs_match_index_insert(shared, &l, NULL, &d)
                     : lrs_match_index_update(shared, &l, &d);
    pthread_rwlock_unlock(&use_lock);
    if (err) {
        /* The index no longer matches the store: load it afresh. */
        lrsd_log(LRS_LOG_WARN, "web", NULL, "match index dropped", "error=%s",
                 lrs_strerror(err));
        page_index_drop();
    }
}

/* Give back the index after a merge or unmerge; see pages.h. */
static enum lrs_err link_done(enum lrs_err err, const struct lrs_diag *diag)
{
    page_index_done();
    if (err && diag->field && strcmp(diag->field, "index") == 0) {
        lrsd_log(LRS_LOG_WARN, "web", NULL, "match index dropped", "error=%s",
                 lrs_strerror(err));
        page_index_drop();
        return LRS_OK;
    }
    return err;
}

enum lrs_err page_index_merge(struct lrs_store *s,
                              const struct lrs_actor *actor, const char *merged,
                              const char *master, const char *reason,
                              struct lrs_diag *diag)
{
    enum lrs_err err;
    struct lrs_match_index *idx = page_index_use(s, &err, diag);

    if (!idx)
        return err;
    err = lrs_service_merge(s, idx, actor, lrs_str_c(merged), lrs_str_c(master),
                            reason, diag);
    return link_done(err, diag);
}

enum lrs_err page_index_unmerge(struct lrs_store *s,
                                const struct lrs_actor *actor,
                                const char *merged, const char *reason,
                                char master[LRS_ULN_SIZE],
                                struct lrs_diag *diag)
{
    enum lrs_err err;
    struct lrs_match_index *idx = page_index_use(s, &err, diag);

    if (!idx)
        return err;
    err = lrs_service_unmerge(s, idx, actor, lrs_str_c(merged), reason, master,
                              diag);
    return link_done(err, diag);
}

void lrsd_web_release(void)
{
    page_index_drop();
}
