/*
 * db.c - a pool of store connections for the request threads.
 *
 * A struct lrs_store is one connection for one thread at a time
 * (lrs/store.h), so each request borrows one from the pool and gives it
 * back when it is done. The pool opens connections on demand, up to the
 * number of request threads, and keeps them; a thread never waits for
 * another's connection unless more requests run at once than there are
 * threads, which the thread pool itself prevents.
 */
#include "lrsd.h"

#include <pthread.h>
#include <string.h>

#define POOL_MAX 256

struct lrsd_db {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    const char *url; /* borrowed from the config */
    unsigned max;    /* connections at most */
    unsigned open;   /* connections opened */
    unsigned idle;   /* entries in `free_list` */
    struct lrs_store *free_list[POOL_MAX];
};

enum lrs_err lrsd_db_open(const char *url, bool init, unsigned max,
                          struct lrsd_db **out, struct lrs_diag *diag)
{
    struct lrsd_db *db;
    struct lrs_store *s = NULL;
    unsigned flags = 0;
    enum lrs_err err;

    *out = NULL;
    if (init)
        flags = LRS_STORE_OPEN_CREATE | LRS_STORE_OPEN_NO_SCHEMA_CHECK;
    err = lrs_store_open(url, flags, &s, diag);
    if (err)
        return err;
    if (init) {
        struct lrs_store_init_result res;

        err = lrs_store_init(s, &res);
        if (err) {
            lrs_diag_set(diag, "db", "%s", lrs_store_errmsg(s));
            lrs_store_free(s);
            return err;
        }
    }
    db = lrs_calloc(1, sizeof *db);
    if (!db) {
        lrs_store_free(s);
        return LRS_ENOMEM;
    }
    pthread_mutex_init(&db->lock, NULL);
    pthread_cond_init(&db->freed, NULL);
    db->url = url;
    db->max = max < 1 ? 1 : max > POOL_MAX ? POOL_MAX : max;
    db->open = 1;
    db->idle = 1;
    db->free_list[0] = s;
    *out = db;
    return LRS_OK;
}

enum lrs_err lrsd_db_get(struct lrsd_db *db, struct lrs_store **out,
                         struct lrs_diag *diag)
{
    enum lrs_err err = LRS_OK;

    *out = NULL;
    pthread_mutex_lock(&db->lock);
    while (db->idle == 0 && db->open >= db->max)
        pthread_cond_wait(&db->freed, &db->lock);
    if (db->idle) {
        *out = db->free_list[--db->idle];
        pthread_mutex_unlock(&db->lock);
        lrsd_audit_attach(*out);
        return LRS_OK;
    }
    db->open++;
    pthread_mutex_unlock(&db->lock);
    err = lrs_store_open(db->url, 0, out, diag);
    if (err) {
        pthread_mutex_lock(&db->lock);
        db->open--;
        pthread_cond_signal(&db->freed);
        pthread_mutex_unlock(&db->lock);
    }
    lrsd_audit_attach(*out);
    return err;
}

void lrsd_db_put(struct lrsd_db *db, struct lrs_store *s)
{
    if (!s)
        return;
    /* A transaction left open by a failed request must not leak into the
     * next one. */
    if (lrs_store_in_transaction(s))
        lrs_store_rollback(s);
    pthread_mutex_lock(&db->lock);
    db->free_list[db->idle++] = s;
    pthread_cond_signal(&db->freed);
    pthread_mutex_unlock(&db->lock);
}

void lrsd_db_free(struct lrsd_db *db)
{
    if (!db)
        return;
    for (unsigned i = 0; i < db->idle; i++)
        lrs_store_free(db->free_list[i]);
    pthread_cond_destroy(&db->freed);
    pthread_mutex_destroy(&db->lock);
    lrs_free(db);
}
