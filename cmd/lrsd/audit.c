/*
 * audit.c - group commit of the audit rows of reads.
 *
 * Every learner read is audited, and nobody may be answered before their
 * read is on record. Written one by one, each read costs a durable commit
 * (an fsync on SQLite, a round trip and a WAL flush on PostgreSQL), which
 * bounds reads to the commits the disk can make a second.
 *
 * Here the request threads hand the rows of their reads (those appended
 * outside a transaction: lrs_store_audit_sink_set()) to one writer thread
 * with its own store connection, and wait. The writer takes every row
 * queued, appends them in one transaction, commits, and wakes their
 * requests with the outcome: while it commits, the next rows gather, so
 * under load one commit carries many rows, and when idle a row is
 * committed at once. A request answers only after its row is durable; if
 * the commit fails, every read of that batch fails (503) and none is
 * answered with data that is not on record.
 *
 * A waiting request holds its thread: run lrsd with about as many threads
 * (--threads) as reads are expected at once (docs/server.md).
 *
 * Writes (register, amend, merge, batch jobs) are untouched: their audit
 * rows go in their own transaction, so a change and its row stay one.
 */
#include "lrsd.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* One row waiting for the writer, on the waiting request's stack. */
struct pending {
    struct lrs_audit row; /* addr points to `addr` */
    char addr[46];
    bool done;        /* set by the writer under the lock */
    enum lrs_err err; /* the commit's outcome, once done */
    struct pending *next;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t work; /* rows were queued, or stop */
    pthread_cond_t done; /* a batch was committed (or failed) */
    struct pending *head;
    struct pending **tail;
    bool running;
    bool stop;
    pthread_t thread;
    struct lrs_store *s; /* the writer's own connection */
} j = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .work = PTHREAD_COND_INITIALIZER,
    .done = PTHREAD_COND_INITIALIZER,
};

/* Append the rows of `batch` in one transaction and commit. */
static enum lrs_err commit_batch(struct pending *batch)
{
    enum lrs_err err = lrs_store_begin(j.s);

    for (struct pending *p = batch; p && !err; p = p->next)
        err = lrs_store_audit_append(j.s, &p->row);
    if (!err)
        err = lrs_store_commit(j.s);
    else if (lrs_store_in_transaction(j.s))
        lrs_store_rollback(j.s);
    if (err) {
        char q[200];

        lrsd_log(LRS_LOG_ERROR, "audit", NULL, "audit commit failed",
                 "error=%s message=%s", lrs_strerror(err),
                 lrsd_log_quote(lrs_store_errmsg(j.s), q, sizeof q));
    }
    return err;
}

static void *writer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&j.lock);
    for (;;) {
        struct pending *batch, *next;
        enum lrs_err err;

        while (!j.head && !j.stop)
            pthread_cond_wait(&j.work, &j.lock);
        if (!j.head)
            break; /* stopping, and nothing is left */
        batch = j.head;
        j.head = NULL;
        j.tail = &j.head;
        pthread_mutex_unlock(&j.lock);
        err = commit_batch(batch);
        pthread_mutex_lock(&j.lock);
        /* A row is on its request's stack: read `next` before `done`. */
        for (struct pending *p = batch; p; p = next) {
            next = p->next;
            p->err = err;
            p->done = true;
        }
        pthread_cond_broadcast(&j.done);
    }
    pthread_mutex_unlock(&j.lock);
    return NULL;
}

/* The sink of every pooled connection: queue the row and wait. */
static enum lrs_err sink(void *ctx, const struct lrs_audit *a)
{
    struct pending p;

    (void)ctx;
    memset(&p, 0, sizeof p);
    p.row = *a;
    snprintf(p.addr, sizeof p.addr, "%s", a->actor.addr ? a->actor.addr : "");
    p.row.actor.addr = p.addr;
    pthread_mutex_lock(&j.lock);
    if (!j.running || j.stop) {
        pthread_mutex_unlock(&j.lock);
        return LRS_EIO;
    }
    *j.tail = &p;
    j.tail = &p.next;
    pthread_cond_signal(&j.work);
    while (!p.done)
        pthread_cond_wait(&j.done, &j.lock);
    pthread_mutex_unlock(&j.lock);
    return p.err;
}

enum lrs_err lrsd_audit_start(const char *db, struct lrs_diag *diag)
{
    enum lrs_err err = lrs_store_open(db, 0, &j.s, diag);

    if (err)
        return err;
    j.head = NULL;
    j.tail = &j.head;
    j.stop = false;
    if (pthread_create(&j.thread, NULL, writer, NULL) != 0) {
        lrs_store_free(j.s);
        j.s = NULL;
        lrs_diag_set(diag, NULL, "cannot start the audit writer");
        return LRS_EIO;
    }
    j.running = true;
    return LRS_OK;
}

void lrsd_audit_attach(struct lrs_store *s)
{
    if (s && j.running)
        lrs_store_audit_sink_set(s, sink, NULL);
}

void lrsd_audit_stop(void)
{
    if (!j.running)
        return;
    pthread_mutex_lock(&j.lock);
    j.stop = true;
    pthread_cond_signal(&j.work);
    pthread_mutex_unlock(&j.lock);
    pthread_join(j.thread, NULL);
    j.running = false;
    lrs_store_free(j.s);
    j.s = NULL;
}
