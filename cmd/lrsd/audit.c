/*
 * audit.c - group commit of the audit rows of reads.
 *
 * Every learner read is audited, and nobody may be answered before their
 * read is on record. Written one by one, each read costs a durable commit
 * (an fsync on SQLite, a round trip and a WAL flush on PostgreSQL), which
 * bounds reads to the commits the disk can make a second.
 *
 * So the pooled connections hand the rows they append outside a
 * transaction (lrs_store_audit_sink_set()) to one writer thread with its
 * own store connection. The writer takes every row queued, appends them
 * in one transaction and commits: while it commits, the next rows gather,
 * so under load one commit carries many rows, and when idle a row is
 * committed at once.
 *
 * Each row gets a sequence number as it is queued; `durable_seq` is the
 * last one the writer has committed (or failed to). A request that read
 * something is a waiter: the sequence numbers of its first and last rows.
 * Two ways to wait:
 *
 * - Held (lrsd_audit_attach_req(), routes flagged LRSD_ROUTE_READ_ONLY):
 *   the sink only queues, the handler builds its answer, and then
 *   lrsd_audit_hold() suspends the connection (libmicrohttpd's
 *   MHD_suspend_connection) until the writer has committed the request's
 *   last row; the writer resumes it and server.c sends the answer, or a
 *   503 instead if a commit failed. The request thread serves other
 *   connections meanwhile, so a few threads carry as many waiting reads
 *   as there are connections.
 * - Blocking (lrsd_audit_attach(), every other use): the sink queues and
 *   waits on a condition variable, as a write-then-read handler or the
 *   batch worker needs.
 *
 * Either way a request answers only after its rows are durable; if a
 * commit fails, every waiter whose rows may have been in it fails (503)
 * and none is answered with data that is not on record.
 *
 * Rows never point at their waiters (they are copies in an array the
 * writer swaps out), so a waiter can leave the list without touching the
 * queue. The lock is taken before libmicrohttpd's own (suspend is called
 * under it, so that the writer can never resume a connection that is not
 * yet suspended); the writer resumes connections after unlocking.
 *
 * Writes (register, amend, merge, batch jobs) are untouched: their audit
 * rows go in their own transaction, so a change and its row stay one.
 */
#include "lrsd.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* A row as queued: a copy, with the address it points to. */
struct row {
    struct lrs_audit a; /* a.actor.addr is set from `addr` on commit */
    char addr[46];
};

/* A growable array of rows. */
struct rows {
    struct row *v; /* owned */
    size_t len, cap;
};

/* How many connections the writer resumes after one unlock, at most. */
#define RESUME_BATCH 64

static struct {
    pthread_mutex_t lock;
    pthread_cond_t work;  /* rows were queued, or stop */
    pthread_cond_t done;  /* a batch was committed (or failed) */
    struct rows queue;    /* rows waiting for the writer */
    struct rows batch;    /* the writer's: being committed */
    uint64_t queued_seq;  /* sequence number of the last row queued */
    uint64_t durable_seq; /* ... of the last row committed or failed */
    struct lrsd_audit_wait *waiters; /* listed waiters, doubly linked */
    bool running;
    bool stop;
    bool abandoned; /* lrsd_audit_abandon(): hold nothing any more */
    pthread_t thread;
    struct lrs_store *s; /* the writer's own connection */
} j = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .work = PTHREAD_COND_INITIALIZER,
    .done = PTHREAD_COND_INITIALIZER,
};

/* ------------------------------------------------------------------ */
/* The writer                                                         */
/* ------------------------------------------------------------------ */

/* Append the rows of `b` in one transaction and commit. */
static enum lrs_err commit_rows(struct rows *b)
{
    enum lrs_err err = lrs_store_begin(j.s);

    for (size_t i = 0; i < b->len && !err; i++) {
        b->v[i].a.actor.addr = b->v[i].addr;
        err = lrs_store_audit_append(j.s, &b->v[i].a);
    }
    if (!err)
        err = lrs_store_commit(j.s);
    else if (lrs_store_in_transaction(j.s))
        lrs_store_rollback(j.s);
    if (err) {
        char q[200];

        lrsd_log(LRS_LOG_ERROR, "audit", NULL, "audit commit failed",
                 "error=%s rows=%zu message=%s", lrs_strerror(err), b->len,
                 lrsd_log_quote(lrs_store_errmsg(j.s), q, sizeof q));
    }
    return err;
}

static void unlink_waiter(struct lrsd_audit_wait *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        j.waiters = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->prev = w->next = NULL;
    w->listed = false;
}

/*
 * Under the lock: the rows after `from` up to `to` were committed, with
 * outcome `err`. Fail every waiter that may have had a row among them;
 * settle every sealed waiter whose rows are all done, collecting the
 * connections to resume in `conns` (up to RESUME_BATCH; returns how many,
 * and sets *more when some are left for another pass).
 */
static size_t settle(uint64_t from, uint64_t to, enum lrs_err err,
                     struct MHD_Connection **conns, bool *more)
{
    struct lrsd_audit_wait *w = j.waiters, *next;
    size_t n = 0;

    *more = false;
    for (; w; w = next) {
        next = w->next;
        if (err && w->first_seq <= to && w->last_seq > from)
            w->err = err;
        if (!w->sealed || w->last_seq > to)
            continue;
        if (w->conn && n == RESUME_BATCH) {
            *more = true;
            continue;
        }
        unlink_waiter(w);
        w->done = true;
        if (w->conn)
            conns[n++] = w->conn;
    }
    return n;
}

static void *writer(void *arg)
{
    struct MHD_Connection *conns[RESUME_BATCH];

    (void)arg;
    pthread_mutex_lock(&j.lock);
    for (;;) {
        const uint64_t from = j.durable_seq;
        uint64_t to;
        struct rows t;
        enum lrs_err err;
        bool more = true;

        while (j.queue.len == 0 && !j.stop)
            pthread_cond_wait(&j.work, &j.lock);
        if (j.queue.len == 0)
            break; /* stopping, and nothing is left */
        /* Swap arrays: the queue's rows become the batch, and the queue
         * takes the batch's (empty) storage. */
        t = j.batch;
        j.batch = j.queue;
        j.queue = t;
        to = j.queued_seq;
        pthread_mutex_unlock(&j.lock);
        err = commit_rows(&j.batch);
        j.batch.len = 0;
        pthread_mutex_lock(&j.lock);
        j.durable_seq = to;
        while (more) {
            size_t n = settle(from, to, err, conns, &more);

            pthread_cond_broadcast(&j.done);
            if (n == 0)
                continue;
            pthread_mutex_unlock(&j.lock);
            for (size_t i = 0; i < n; i++)
                MHD_resume_connection(conns[i]);
            pthread_mutex_lock(&j.lock);
            /* A later pass must not fail a waiter twice for one batch. */
            err = LRS_OK;
        }
    }
    pthread_mutex_unlock(&j.lock);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Queueing rows                                                      */
/* ------------------------------------------------------------------ */

/* Under the lock: queue a copy of `a` for waiter `w`. */
static enum lrs_err enqueue(struct lrsd_audit_wait *w,
                            const struct lrs_audit *a)
{
    struct row *row;

    if (!j.running || j.stop || j.abandoned)
        return LRS_EIO;
    if (j.queue.len == j.queue.cap) {
        const size_t cap = j.queue.cap ? j.queue.cap * 2 : 256;
        size_t bytes;
        struct row *v;

        if (lrs_mul_size(cap, sizeof *v, &bytes) != LRS_OK)
            return LRS_ENOMEM;
        v = lrs_realloc(j.queue.v, bytes);
        if (!v)
            return LRS_ENOMEM;
        j.queue.v = v;
        j.queue.cap = cap;
    }
    row = &j.queue.v[j.queue.len++];
    row->a = *a;
    snprintf(row->addr, sizeof row->addr, "%s",
             a->actor.addr ? a->actor.addr : "");
    row->a.actor.addr = NULL;
    j.queued_seq++;
    if (!w->listed) {
        w->first_seq = j.queued_seq;
        w->prev = NULL;
        w->next = j.waiters;
        if (j.waiters)
            j.waiters->prev = w;
        j.waiters = w;
        w->listed = true;
    }
    w->last_seq = j.queued_seq;
    pthread_cond_signal(&j.work);
    return LRS_OK;
}

/* The sink of a held request: queue the row; the answer waits. */
static enum lrs_err sink_held(void *ctx, const struct lrs_audit *a)
{
    struct lrsd_audit_wait *w = ctx;
    enum lrs_err err;

    pthread_mutex_lock(&j.lock);
    err = enqueue(w, a);
    pthread_mutex_unlock(&j.lock);
    return err;
}

/* The sink of every other connection: queue the row and wait for it. */
static enum lrs_err sink_blocking(void *ctx, const struct lrs_audit *a)
{
    struct lrsd_audit_wait w;
    enum lrs_err err;

    (void)ctx;
    memset(&w, 0, sizeof w);
    w.sealed = true;
    pthread_mutex_lock(&j.lock);
    err = enqueue(&w, a);
    while (!err && !w.done)
        pthread_cond_wait(&j.done, &j.lock);
    pthread_mutex_unlock(&j.lock);
    return err ? err : w.err;
}

/* ------------------------------------------------------------------ */
/* Public                                                             */
/* ------------------------------------------------------------------ */

enum lrs_err lrsd_audit_start(const char *db, struct lrs_diag *diag)
{
    enum lrs_err err = lrs_store_open(db, 0, &j.s, diag);

    if (err)
        return err;
    j.stop = false;
    j.abandoned = false;
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
        lrs_store_audit_sink_set(s, sink_blocking, NULL);
}

void lrsd_audit_attach_req(struct lrs_store *s, struct lrsd_audit_wait *w)
{
    if (s && j.running)
        lrs_store_audit_sink_set(s, sink_held, w);
}

void lrsd_audit_attach_for(struct lrsd_req *r)
{
    if (r->route < lrsd_route_count &&
        (lrsd_routes[r->route].flags & LRSD_ROUTE_READ_ONLY))
        lrsd_audit_attach_req(r->store, &r->audit);
}

bool lrsd_audit_hold(struct lrsd_audit_wait *w, struct MHD_Connection *conn)
{
    bool held = false;

    /* Only this request's thread lists a waiter that is not sealed, and
     * the writer unlists only sealed ones: no lock needed to look. */
    if (!w->listed)
        return false;
    pthread_mutex_lock(&j.lock);
    if (w->last_seq <= j.durable_seq || j.abandoned) {
        unlink_waiter(w);
        if (j.abandoned && !w->err)
            w->err = LRS_EIO;
    } else {
        w->sealed = true;
        w->conn = conn;
        MHD_suspend_connection(conn);
        held = true;
    }
    pthread_mutex_unlock(&j.lock);
    return held;
}

void lrsd_audit_release(struct lrsd_audit_wait *w)
{
    /* Normally unlisted by lrsd_audit_hold() or by the writer before it
     * resumed the connection; a request that never reached its handler
     * queued nothing. */
    if (!w->listed)
        return;
    pthread_mutex_lock(&j.lock);
    if (w->listed)
        unlink_waiter(w);
    pthread_mutex_unlock(&j.lock);
}

void lrsd_audit_abandon(void)
{
    struct MHD_Connection *conns[RESUME_BATCH];
    bool more = true;

    pthread_mutex_lock(&j.lock);
    j.abandoned = true;
    while (more) {
        struct lrsd_audit_wait *w = j.waiters, *next;
        size_t n = 0;

        more = false;
        for (; w; w = next) {
            next = w->next;
            if (!w->err)
                w->err = LRS_EIO;
            if (!w->sealed)
                continue; /* its hold will see `abandoned` */
            if (w->conn && n == RESUME_BATCH) {
                more = true;
                continue;
            }
            unlink_waiter(w);
            w->done = true;
            if (w->conn)
                conns[n++] = w->conn;
        }
        pthread_cond_broadcast(&j.done);
        pthread_mutex_unlock(&j.lock);
        for (size_t i = 0; i < n; i++)
            MHD_resume_connection(conns[i]);
        pthread_mutex_lock(&j.lock);
    }
    pthread_mutex_unlock(&j.lock);
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
    lrs_free(j.queue.v);
    lrs_free(j.batch.v);
    memset(&j.queue, 0, sizeof j.queue);
    memset(&j.batch, 0, sizeof j.batch);
}
