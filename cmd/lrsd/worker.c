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
 * POLL_MS. lrsd_worker_stop() lets the job in hand finish and joins.
 *
 * The index: each job runs against an index loaded from the store when
 * the job starts, so it sees every learner committed until then; the
 * learners the job registers are then put into the server's shared index
 * (pages_index.c) so that searches find them.
 *
 * NEEDSWORK: run against the shared index itself (one index in memory,
 * no load per job, no window where a registration elsewhere is unseen by
 * a running job) once pages_index.c lends it out; and stop inside a job
 * at the next chunk (the batch service has no stop hook yet).
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

/* Put the learners job `id` registered into the shared index. */
static enum lrs_err put_row(const struct lrs_job_row *row, void *ctx)
{
    struct lrs_store *s = ctx;
    struct lrs_learner l;

    if (strcmp(row->code, "WSRC0005") != 0 || !row->uln[0])
        return LRS_OK;
    if (lrs_store_learner_get(s, row->uln, 0, &l) == LRS_OK)
        page_index_put(&l, true);
    return LRS_OK;
}

/* Claim and run one job; false when there was none. */
static bool run_one(void)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_actor actor = {0, 0, "batch"};
    struct lrs_batch_opts opts;
    struct lrs_match_index *idx = NULL;
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
    lrsd_log(LRS_LOG_INFO, "batch", NULL, "job started", "job=%s", id);
    err = lrs_service_index_load(s, NULL, &idx, &d);
    if (!err) {
        memset(&opts, 0, sizeof opts);
        opts.worker = worker_name;
        err = lrs_service_batch_run(s, idx, &actor, job.id, &opts, NULL, &d);
    }
    lrs_match_index_free(idx);
    if (!err)
        err = lrs_store_job_row_scan(s, job.id, put_row, s);
    if (err)
        lrsd_log(LRS_LOG_WARN, "batch", NULL, "job failed", "job=%s error=%s",
                 id, lrs_strerror(err));
    else
        lrsd_log(LRS_LOG_INFO, "batch", NULL, "job done", "job=%s", id);
    lrsd_metrics_gauge_set(LRSD_GAUGE_JOBS_RUNNING, 0);
    lrsd_db_put(lrsd_app.db, s);
    /* A job that failed is marked failed by the service (its error says
     * why); the claim takes only queued and stale running jobs. */
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
