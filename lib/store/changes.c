/*
 * store/changes.c - the engine-neutral half of lrs/changes.h: cursors
 * over the change log.
 *
 * The engines append the rows (in the transaction of each learner and
 * non-match write) and read them (change_read: rows after an id, plus
 * the snapshot's horizon). This file turns those reads into a
 * feed that misses nothing.
 *
 * SQLite serialises writers, so its ids are in commit order: the cursor
 * is the last id read, and the engine reports no horizon (xmax 0).
 *
 * PostgreSQL takes an id when a row is written and commits later, so a
 * transaction T still in progress when we read may hold ids below the
 * highest we saw. Such a T was in progress at that read: its xid was in
 * the snapshot's [xmin, xmax). So each read also asks again for the rows
 * at or below `hi` whose xid is at least `late_xmin`, the xmin of the
 * oldest read whose in-progress transactions may not all have finished;
 * once a snapshot's xmin reaches `late_xmax` (the newest such read's
 * xmax), they all have, and every row they committed has been read. The
 * rows read again are filtered through `seen` (returned ids with their
 * xids), so none is returned twice. Rows of transactions that began after
 * a read got higher ids than anything that read saw, so `id > hi` finds
 * them.
 */
#include "base/base.h"

#include <lrs/changes.h>

#include "store/store_int.h"

#define CURSOR_MAGIC 0x43555253u /* "CURS" */
#define MAX_DEFAULT  1000
#define NO_XID       INT64_MAX

struct seen {
    int64_t id, xid;
};

struct lrs_store_cursor {
    uint32_t magic;
    int64_t hi;        /* every row with id <= hi was returned, or is of
                          a transaction with xid >= late_xmin */
    int64_t late_xmin; /* NO_XID: nothing to read again */
    int64_t late_xmax;
    struct seen *seen; /* sorted by id; ids <= hi with xid >= late_xmin */
    size_t seen_count, seen_cap;
    struct lrs__change *rows; /* the read buffer */
    size_t rows_cap;
    int64_t last_at_ms;
    uint64_t returned;
};

#define CHECK(c) LRS_ASSERT((c) && (c)->magic == CURSOR_MAGIC)
#define OPS(s)   lrs__store_ops(s)
#define ENG(s)   lrs__store_engine(s)

/* The first index of `c->seen` whose id is >= id. */
static size_t seen_at(const struct lrs_store_cursor *c, int64_t id)
{
    size_t lo = 0, hi = c->seen_count;

    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;

        if (c->seen[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool seen_has(const struct lrs_store_cursor *c, int64_t id)
{
    const size_t i = seen_at(c, id);

    return i < c->seen_count && c->seen[i].id == id;
}

/* Make room for `more` ids in `c->seen`, so that seen_add cannot fail. */
static enum lrs_err seen_reserve(struct lrs_store_cursor *c, size_t more)
{
    size_t cap = c->seen_cap ? c->seen_cap : 64, bytes;
    void *p;

    while (cap - c->seen_count < more)
        if (lrs_mul_size(cap, 2, &cap))
            return LRS_ERR(LRS_ENOMEM);
    if (cap == c->seen_cap)
        return LRS_OK;
    if (lrs_mul_size(cap, sizeof *c->seen, &bytes))
        return LRS_ERR(LRS_ENOMEM);
    p = lrs_realloc(c->seen, bytes);
    if (!p)
        return LRS_ERR(LRS_ENOMEM);
    c->seen = p;
    c->seen_cap = cap;
    return LRS_OK;
}

static void seen_add(struct lrs_store_cursor *c, int64_t id, int64_t xid)
{
    const size_t i = seen_at(c, id);

    memmove(c->seen + i + 1, c->seen + i,
            (c->seen_count - i) * sizeof *c->seen);
    c->seen[i] = (struct seen){id, xid};
    c->seen_count++;
}

/* Forget the ids that will never be read again: xid below late_xmin. */
static void seen_trim(struct lrs_store_cursor *c)
{
    size_t n = 0;

    for (size_t i = 0; i < c->seen_count; i++)
        if (c->seen[i].xid >= c->late_xmin)
            c->seen[n++] = c->seen[i];
    c->seen_count = n;
}

/*
 * After a read with horizon h: which transactions may still add rows at
 * or below hi. `complete`: every row the read's snapshot shows was handed
 * out (not cut off by `max`, no callback stopped it).
 */
static void advance(struct lrs_store_cursor *c,
                    const struct lrs__change_read *h, bool complete)
{
    const bool busy = h->xmin < h->xmax; /* transactions in progress */

    if (h->xmax == 0) { /* commit order: nothing is ever late */
        c->late_xmin = NO_XID;
        c->seen_count = 0;
        return;
    }
    if (c->late_xmin == NO_XID || (complete && h->xmin >= c->late_xmax)) {
        c->late_xmin = busy ? h->xmin : NO_XID;
        c->late_xmax = busy ? h->xmax : 0;
    } else {
        if (busy && h->xmin < c->late_xmin)
            c->late_xmin = h->xmin;
        if (h->xmax > c->late_xmax)
            c->late_xmax = h->xmax;
    }
    seen_trim(c);
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_cursor_new(struct lrs_store *s, unsigned flags,
                                  struct lrs_store_cursor **out)
{
    struct lrs__change_read h;
    struct lrs_store_cursor *c;
    int64_t last = 0;
    enum lrs_err err;

    *out = NULL;
    c = lrs_calloc(1, sizeof *c);
    if (!c)
        return LRS_ERR(LRS_ENOMEM);
    c->magic = CURSOR_MAGIC;
    c->late_xmin = NO_XID;
    memset(&h, 0, sizeof h);
    err = OPS(s)->change_tail(ENG(s), &last, &h);
    if (err) {
        lrs__store_failed(s, err, "read the change log");
        lrs_store_cursor_free(c);
        return err;
    }
    c->hi = (flags & LRS_STORE_CURSOR_FROM_START) ? h.pruned : last;
    /* Transactions in progress now may still commit rows below `last`. */
    advance(c, &h, true);
    *out = c;
    return LRS_OK;
}

void lrs_store_cursor_free(struct lrs_store_cursor *c)
{
    if (!c)
        return;
    CHECK(c);
    lrs_free(c->seen);
    lrs_free(c->rows);
    LRS_POISON(c, sizeof *c);
    lrs_free(c);
}

/* ------------------------------------------------------------------ */
/* Operations                                                         */
/* ------------------------------------------------------------------ */

/* Make room for `max` rows in the read buffer. */
static enum lrs_err reserve(struct lrs_store_cursor *c, size_t max)
{
    size_t bytes;
    void *p;

    if (c->rows_cap >= max)
        return LRS_OK;
    if (lrs_mul_size(max, sizeof *c->rows, &bytes))
        return LRS_ERR(LRS_ENOMEM);
    p = lrs_realloc(c->rows, bytes);
    if (!p)
        return LRS_ERR(LRS_ENOMEM);
    c->rows = p;
    c->rows_cap = max;
    return LRS_OK;
}

enum lrs_err lrs_store_changes_since(struct lrs_store *s,
                                     struct lrs_store_cursor *c, size_t max,
                                     lrs_store_change_fn fn, void *ctx,
                                     size_t *count)
{
    struct lrs__change_read h;
    size_t n = 0;
    int64_t hi;
    enum lrs_err err;

    CHECK(c);
    if (count)
        *count = 0;
    if (!max)
        max = MAX_DEFAULT;
    err = reserve(c, max);
    if (err)
        return err;
    memset(&h, 0, sizeof h);
    err = OPS(s)->change_read(ENG(s), c->hi, c->late_xmin, max, c->rows, &h);
    if (err)
        return lrs__store_failed(s, err, "read the change log");
    if (h.pruned > c->hi)
        return lrs__store_failedf(s, LRS_ECONFLICT,
                                  "the change log was pruned past this "
                                  "reader (id %lld, pruned to %lld); "
                                  "load again",
                                  (long long)c->hi, (long long)h.pruned);
    if (h.xmax != 0) {
        err = seen_reserve(c, h.count);
        if (err)
            return err;
    }
    hi = c->hi;
    for (size_t i = 0; !err && i < h.count; i++) {
        const struct lrs__change *r = &c->rows[i];
        struct lrs_store_change pub;

        if (r->id <= c->hi && seen_has(c, r->id))
            continue;
        memset(&pub, 0, sizeof pub);
        pub.id = r->id;
        memcpy(pub.uln, r->uln, sizeof pub.uln);
        pub.at_ms = r->at_ms;
        err = fn(&pub, ctx);
        if (err)
            break;
        if (h.xmax != 0)
            seen_add(c, r->id, r->xid);
        if (r->id > hi)
            hi = r->id;
        if (r->at_ms > c->last_at_ms)
            c->last_at_ms = r->at_ms;
        c->returned++;
        n++;
    }
    c->hi = hi;
    advance(c, &h, !err && h.count < max);
    if (count)
        *count = n;
    return err;
}

void lrs_store_cursor_info(const struct lrs_store_cursor *c,
                           struct lrs_store_cursor_info *out)
{
    CHECK(c);
    memset(out, 0, sizeof *out);
    out->last_id = c->hi;
    out->last_at_ms = c->last_at_ms;
    out->returned = c->returned;
    out->pending = c->seen_count;
}

enum lrs_err lrs_store_changes_prune(struct lrs_store *s, int64_t before_ms,
                                     uint64_t *removed)
{
    uint64_t n = 0;
    enum lrs_err err;
    bool own;

    err = lrs__store_txn_enter(s, &own);
    if (err)
        return err;
    err = OPS(s)->change_prune(ENG(s), before_ms, &n);
    if (err)
        lrs__store_failed(s, err, "prune the change log");
    err = lrs__store_txn_leave(s, own, err);
    if (!err && removed)
        *removed = n;
    return err;
}
