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
 * Writes made elsewhere (`lrs register`, `lrs import`, another lrsd on
 * the same PostgreSQL) reach the index through the store's change feed
 * (lrs/changes.h): a cursor made just before each load, so nothing
 * committed after the load's snapshot is missed (a change already in the
 * load is applied again, which changes nothing). page_index_sync() reads
 * what changed since and applies each change with
 * lrs_service_index_apply(); the feed thread (feed.c) calls it every
 * FEED_POLL_MS, a registration before its search-first
 * (page_index_use_fresh) and the batch worker before each chunk.
 * `feed_lock` keeps one reader on the cursor at a time. A feed that fell
 * behind the store's pruning, or a change the index could not take,
 * marks the index stale: the next sync drops it and the next use loads
 * it afresh.
 */
#include "pages.h"

#include <lrs/changes.h>

#include <pthread.h>
#include <string.h>
#include <time.h>

static pthread_rwlock_t use_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lrs_match_index *shared; /* owned; NULL until loaded */
/* Lock order: use_lock, then load_lock, then feed_lock. */
static pthread_mutex_t feed_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lrs_store_cursor *cursor; /* owned, under feed_lock; made
                                           before each load of `shared` */
static atomic_bool stale;               /* drop `shared` at the next sync */

/* Changes read from the feed at a time. */
#define FEED_READ 1000

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Set the index gauges of /metrics from `idx`. */
static void gauges(const struct lrs_match_index *idx)
{
    struct lrs_match_stats st;

    lrs_match_index_stats(idx, &st);
    lrsd_metrics_gauge_set(LRSD_GAUGE_INDEX_LEARNERS, (int64_t)st.learners);
    lrsd_metrics_gauge_set(LRSD_GAUGE_INDEX_BYTES, (int64_t)st.bytes);
}

/* Load the index if need be; the caller holds use_lock shared. The feed's
 * cursor is made first: what commits after it is read from the feed. */
static enum lrs_err ensure(struct lrs_store *s, struct lrs_diag *diag)
{
    struct lrs_store_cursor *c = NULL;
    enum lrs_err err = LRS_OK;

    pthread_mutex_lock(&load_lock);
    if (!shared) {
        err = lrs_store_cursor_new(s, 0, &c);
        if (err)
            lrs_diag_set(diag, "db", "%s", lrs_store_errmsg(s));
        if (!err)
            err = lrs_service_index_load(s, NULL, &shared, diag);
        if (!err) {
            pthread_mutex_lock(&feed_lock);
            lrs_store_cursor_free(cursor);
            cursor = c;
            c = NULL;
            atomic_store(&stale, false);
            pthread_mutex_unlock(&feed_lock);
            gauges(shared);
            lrsd_log(LRS_LOG_INFO, "web", NULL, "match index loaded", NULL);
        }
        lrs_store_cursor_free(c);
    }
    pthread_mutex_unlock(&load_lock);
    return err;
}

/* One change from the feed into `idx`. */
struct apply {
    struct lrs_store *s;
    struct lrs_match_index *idx;
    uint64_t applied;
    int64_t lag_ms; /* the longest write-to-index delay this sync */
};

static enum lrs_err apply_change(const struct lrs_store_change *c, void *ctx)
{
    struct apply *a = ctx;
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_index_apply done;
    const enum lrs_err err =
        lrs_service_index_apply(a->s, a->idx, c->uln, &done, &d);
    const int64_t lag = now_ms() - c->at_ms;

    if (err == LRS_EINVAL) {
        /* A stored record the index cannot take: as a load would refuse
         * it, so take the next change rather than stop the feed. */
        lrsd_log(LRS_LOG_WARN, "feed", NULL, "change not indexed",
                 "change=%lld error=\"%s\"", (long long)c->id, d.msg);
        return LRS_OK;
    }
    if (err)
        return err;
    a->applied++;
    if (lag > a->lag_ms)
        a->lag_ms = lag;
    return LRS_OK;
}

/* Read the feed into `idx` (the caller holds use_lock shared). */
static void sync_with(struct lrs_store *s, struct lrs_match_index *idx)
{
    struct apply a = {s, idx, 0, 0};
    enum lrs_err err = LRS_OK;
    size_t n = 0;

    pthread_mutex_lock(&feed_lock);
    if (!cursor || atomic_load(&stale)) {
        pthread_mutex_unlock(&feed_lock);
        return;
    }
    /* Until a read comes back short: up to date as of that read. */
    do
        err =
            lrs_store_changes_since(s, cursor, FEED_READ, apply_change, &a, &n);
    while (!err && n == FEED_READ);
    pthread_mutex_unlock(&feed_lock);
    lrsd_metrics_feed(a.applied, a.applied ? a.lag_ms : -1, err != LRS_OK);
    if (a.applied)
        gauges(idx);
    if (!err)
        return;
    if (err == LRS_EIO || err == LRS_EBUSY) {
        /* The store is away for now: the same changes come next time. */
        lrsd_log(LRS_LOG_WARN, "feed", NULL, "cannot read the change feed",
                 "error=\"%s\"", lrs_store_errmsg(s));
        return;
    }
    lrsd_log(LRS_LOG_WARN, "feed", NULL, "match index stale", "error=\"%s\"",
             err == LRS_ECONFLICT ? lrs_store_errmsg(s) : lrs_strerror(err));
    atomic_store(&stale, true);
}

void page_index_sync(struct lrs_store *s)
{
    pthread_rwlock_rdlock(&use_lock);
    if (shared)
        sync_with(s, shared);
    pthread_rwlock_unlock(&use_lock);
    if (atomic_load(&stale))
        page_index_drop();
}

void page_index_sync_held(struct lrs_store *s, struct lrs_match_index *idx)
{
    sync_with(s, idx);
}

struct lrs_match_index *page_index_use_fresh(struct lrs_store *s,
                                             enum lrs_err *err,
                                             struct lrs_diag *diag)
{
    struct lrs_match_index *idx;

    if (atomic_load(&stale))
        page_index_drop();
    idx = page_index_use(s, err, diag);
    if (idx)
        sync_with(s, idx);
    return idx;
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
    pthread_mutex_lock(&feed_lock);
    lrs_store_cursor_free(cursor);
    cursor = NULL;
    atomic_store(&stale, false);
    pthread_mutex_unlock(&feed_lock);
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
    if (shared && to_match(sl, &l, &d)) {
        err = is_new ? lrs_match_index_insert(shared, &l, NULL, &d)
                     : lrs_match_index_update(shared, &l, &d);
        /* Already put in by the change feed, from the same commit. */
        if (err == LRS_ECONFLICT)
            err = lrs_match_index_update(shared, &l, &d);
    }
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
