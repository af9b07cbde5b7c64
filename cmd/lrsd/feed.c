/*
 * feed.c - the change feed thread: keeps the shared match index up to
 * date with writes made by other processes, and prunes old changes.
 *
 * Every FEED_POLL_MS it reads what the store's change feed has since its
 * last read and applies it to the index (page_index_sync, pages_index.c),
 * so a learner registered by `lrs register` or `lrs import` on the same
 * SQLite file, or by another lrsd on the same PostgreSQL, is found by
 * searches here within about that interval. Registrations and batch
 * chunks also read the feed themselves just before they search, so they
 * never wait for this thread. Once an hour (and at start) it deletes
 * changes older than LRS_CHANGES_RETENTION_MS. It has a store connection
 * of its own, so it never waits for the request pool.
 */
#include "lrsd.h"
#include "pages.h"

#include <lrs/changes.h>

#include <pthread.h>
#include <time.h>

#define FEED_POLL_MS  250
#define FEED_PRUNE_MS (3600 * 1000)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_t thread;
static bool started, stopping;
static struct lrs_store *conn; /* owned by the thread while it runs */

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void prune(void)
{
    struct timespec ts;
    uint64_t removed = 0;
    int64_t now;

    clock_gettime(CLOCK_REALTIME, &ts);
    now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (lrs_store_changes_prune(conn, now - LRS_CHANGES_RETENTION_MS,
                                &removed) != LRS_OK)
        lrsd_log(LRS_LOG_WARN, "feed", NULL, "cannot prune the change log",
                 "error=\"%s\"", lrs_store_errmsg(conn));
    else if (removed)
        lrsd_log(LRS_LOG_INFO, "feed", NULL, "change log pruned",
                 "removed=%llu", (unsigned long long)removed);
}

static void *main_loop(void *arg)
{
    int64_t pruned_at = mono_ms() - FEED_PRUNE_MS;

    (void)arg;
    for (;;) {
        struct timespec until;
        bool stop;

        pthread_mutex_lock(&lock);
        stop = stopping;
        pthread_mutex_unlock(&lock);
        if (stop)
            break;
        page_index_sync(conn);
        if (mono_ms() - pruned_at >= FEED_PRUNE_MS) {
            prune();
            pruned_at = mono_ms();
        }
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += (long)FEED_POLL_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_mutex_lock(&lock);
        while (!stopping && pthread_cond_timedwait(&wake, &lock, &until) == 0)
            ;
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

bool lrsd_feed_start(const char *db, struct lrs_diag *diag)
{
    if (lrs_store_open(db, 0, &conn, diag) != LRS_OK)
        return false;
    stopping = false;
    if (pthread_create(&thread, NULL, main_loop, NULL) != 0) {
        lrs_diag_set(diag, "feed", "cannot start the change feed thread");
        lrs_store_free(conn);
        conn = NULL;
        return false;
    }
    started = true;
    return true;
}

void lrsd_feed_stop(void)
{
    if (!started)
        return;
    pthread_mutex_lock(&lock);
    stopping = true;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    pthread_join(thread, NULL);
    started = false;
    lrs_store_free(conn);
    conn = NULL;
}
