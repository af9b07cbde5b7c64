/*
 * worker.c - the batch worker: one thread that runs uploaded CTF jobs.
 *
 * It claims the oldest queued job (or a running one whose worker went
 * quiet for LEASE_MS: a crashed lrsd) with lrs_store_job_claim(), which
 * is atomic on both engines, so any number of lrsd may share a store. It
 * runs the job with lrs_service_batch_run(), which commits every chunk
 * with its checkpoint: progress (rows done of total) is visible to GET
 * /api/v1/batches/{id} while it runs, and a job cut off resumes after its
 * last chunk. An upload wakes the thread; otherwise it looks every
 * POLL_MS.
 *
 * The index: a job runs against the server's shared index (pages_index.c,
 * page_index_use), the one the searches use, so a job starts at once
 * instead of loading a million learners of its own, and the learners it
 * registers are in the index for searches (and later pupils) as soon as
 * they are decided. The index locks itself, so searches go on while a job
 * runs. After a failed run the index may hold learners of the chunk that
 * was rolled back, so it is dropped and the next use loads it afresh.
 * Learners registered by another process (`lrs register`, `lrs import`,
 * another lrsd) reach the shared index through the store's change feed:
 * the job reads it before it starts and before each chunk
 * (before_chunk), besides the feed thread's reads (feed.c).
 *
 * Stopping: lrsd_worker_stop() sets `stopping`; the batch service asks
 * before each chunk (should_stop), so a running job stops at its next
 * chunk boundary (a chunk is at most LRS_BATCH_CHUNK_MS_DEFAULT of work),
 * goes back to the queue with its checkpoint, and the next start carries
 * on from there.
 */
#include "lrsd.h"
#include "pages.h"

#include <lrs/batch.h>
#include <lrs/match.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define POLL_MS  2000
#define LEASE_MS (10 * 60 * 1000)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_t thread;
static bool started, stopping, kicked;
static char worker_name[64];

/* Asked by the batch service before each chunk. */
static bool should_stop(void *ctx)
{
    bool v;

    (void)ctx;
    pthread_mutex_lock(&lock);
    v = stopping;
    pthread_mutex_unlock(&lock);
    return v;
}

/* The job's connection and index, for before_chunk. */
struct chunk_ctx {
    struct lrs_store *s;
    struct lrs_match_index *idx;
};

/* Before each chunk: what other processes wrote since, into the index. */
static void before_chunk(void *ctx)
{
    const struct chunk_ctx *c = ctx;

    page_index_sync_held(c->s, c->idx);
}

/* Run job `job` against the shared index. */
static enum lrs_err run_job(struct lrs_store *s, const struct lrs_job *job,
                            struct lrs_diag *d)
{
    const struct lrs_actor actor = {0, 0, "batch", NULL};
    struct lrs_batch_opts opts;
    struct chunk_ctx cc;
    struct lrs_match_index *idx;
    enum lrs_err err;

    idx = page_index_use_fresh(s, &err, d);
    if (!idx)
        return err;
    cc.s = s;
    cc.idx = idx;
    memset(&opts, 0, sizeof opts);
    opts.worker = worker_name;
    opts.should_stop = should_stop;
    opts.before_chunk = before_chunk;
    opts.ctx = &cc;
    err = lrs_service_batch_run(s, idx, &actor, job->id, &opts, NULL, d);
    page_index_done();
    if (err && err != LRS_EBUSY)
        page_index_drop();
    return err;
}

/* Claim and run one job; false when there was none. */
static bool run_one(void)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s = NULL;
    struct lrs_job job;
    enum lrs_err err;
    char id[24];

    if (lrsd_db_get(lrsd_app.db, &s, &d) != LRS_OK)
        return false;
    err = lrs_store_job_claim(s, 0, worker_name, LEASE_MS, &job);
    if (err) {
        if (err != LRS_ENOTFOUND)
            lrsd_log(LRS_LOG_WARN, "batch", NULL, "cannot claim a job",
                     "error=%s", lrs_strerror(err));
        lrsd_db_put(lrsd_app.db, s);
        return false;
    }
    snprintf(id, sizeof id, "%lld", (long long)job.id);
    lrsd_metrics_gauge_set(LRSD_GAUGE_JOBS_RUNNING, 1);
    lrsd_log(LRS_LOG_INFO, "batch", NULL, "job started", "job=%s from=%llu", id,
             (unsigned long long)job.checkpoint);
    err = run_job(s, &job, &d);
    if (err == LRS_EBUSY)
        lrsd_log(LRS_LOG_INFO, "batch", NULL, "job stopped",
                 "job=%s reason=\"%s\"", id, d.msg);
    else if (err)
        lrsd_log(LRS_LOG_WARN, "batch", NULL, "job failed", "job=%s error=%s",
                 id, lrs_strerror(err));
    else
        lrsd_log(LRS_LOG_INFO, "batch", NULL, "job done", "job=%s", id);
    lrsd_metrics_gauge_set(LRSD_GAUGE_JOBS_RUNNING, 0);
    lrsd_db_put(lrsd_app.db, s);
    /* A job that failed is marked failed by the service (its error says
     * why); one stopped is queued again. */
    return true;
}

static void *main_loop(void *arg)
{
    (void)arg;
    for (;;) {
        struct timespec until;

        pthread_mutex_lock(&lock);
        if (stopping) {
            pthread_mutex_unlock(&lock);
            break;
        }
        kicked = false;
        pthread_mutex_unlock(&lock);
        if (run_one())
            continue;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += POLL_MS / 1000;
        pthread_mutex_lock(&lock);
        while (!stopping && !kicked &&
               pthread_cond_timedwait(&wake, &lock, &until) == 0)
            ;
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

bool lrsd_worker_start(void)
{
    char host[32] = "lrsd";

    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    snprintf(worker_name, sizeof worker_name, "lrsd:%s:%ld", host,
             (long)getpid());
    stopping = false;
    if (pthread_create(&thread, NULL, main_loop, NULL) != 0)
        return false;
    started = true;
    return true;
}

void lrsd_worker_kick(void)
{
    pthread_mutex_lock(&lock);
    kicked = true;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
}

void lrsd_worker_stop(void)
{
    if (!started)
        return;
    pthread_mutex_lock(&lock);
    stopping = true;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    pthread_join(thread, NULL);
    started = false;
}
