/*
 * lrs/changes.h - the change feed of the register: which learners were
 * written, in commit order, for a process that keeps a copy (lrsd's
 * match index) to follow the writes of every other process.
 *
 * Every write of a learner row (insert, amendment, merge, unmerge, a
 * change of status, an import row) and every non-match pair appends a
 * row to the change log in the same transaction (PostgreSQL: triggers;
 * SQLite: the engine's learner and pair writes), so a rolled-back write
 * leaves none. A reader holds a cursor and asks for what changed since;
 * each change names a ULN only: the reader reads the learner again.
 *
 * Order. On SQLite writers are serialised, so the log's ids are in commit
 * order and the cursor is the last id read. On PostgreSQL an id is taken
 * when the row is written, not when its transaction commits: a later
 * commit can hold a lower id, so "id > last" alone would miss it. The
 * cursor therefore also re-reads, below its last id, the rows of every
 * transaction that was still in progress at an earlier read, until the
 * snapshot shows each of them finished (docs/store.md, "Change feed").
 * A change may then come after one with a higher id, but never goes
 * missing, and none is returned twice by one cursor.
 *
 * Retention: lrs_store_changes_prune() removes rows older than a time
 * (lrsd keeps LRS_CHANGES_RETENTION_MS). A cursor that has fallen behind
 * the pruning gets LRS_ECONFLICT: its reader must load its copy afresh.
 *
 * Ownership: a cursor is owned by its creator (lrs_store_cursor_free()).
 * Changes handed to callbacks are borrowed for the callback only.
 * Thread-safety: a cursor is used by one thread at a time, with any
 * store connection to the same database.
 */
#ifndef LRS_CHANGES_H
#define LRS_CHANGES_H

#include <lrs/base.h>
#include <lrs/store.h>

/** How long lrsd keeps change rows: 7 days, in ms. */
#define LRS_CHANGES_RETENTION_MS (7 * 24 * 3600 * 1000LL)

/** One row of the change log. */
struct lrs_store_change {
    int64_t id;             /* position in the log (not commit order on
                               PostgreSQL, see above) */
    char uln[LRS_ULN_SIZE]; /* the learner written */
    int64_t at_ms;          /* the write's time (the learner's updated_ms) */
};

typedef enum lrs_err (*lrs_store_change_fn)(const struct lrs_store_change *c,
                                            void *ctx);

/** Where a reader is in the log. Opaque; heap-allocated. */
struct lrs_store_cursor;

/** Flags of lrs_store_cursor_new(). */
enum lrs_store_cursor_flags {
    /** Start at the beginning of the log (what is left after pruning)
     *  rather than at its end. */
    LRS_STORE_CURSOR_FROM_START = 1u << 0,
};

/** What a cursor knows, for metrics. */
struct lrs_store_cursor_info {
    int64_t last_id;    /* highest id returned (or skipped at the start) */
    int64_t last_at_ms; /* at_ms of the newest change returned; 0: none */
    uint64_t returned;  /* changes returned since the cursor was made */
    size_t pending;     /* PostgreSQL: ids read again until settled */
};

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */

/**
 * A cursor at the end of the log of `s` now: the first read returns the
 * changes committed after this call (and on PostgreSQL any committed
 * meanwhile by transactions still in progress now). With
 * LRS_STORE_CURSOR_FROM_START it starts at the first row kept. *out is
 * owned (lrs_store_cursor_free()). Errors as lrs/store.h.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_cursor_new(struct lrs_store *s, unsigned flags,
                     struct lrs_store_cursor **out);

/** Free a cursor; NULL is a no-op. */
LRS_API void lrs_store_cursor_free(struct lrs_store_cursor *c);

/* ------------------------------------------------------------------ */
/* Operations                                                         */
/* ------------------------------------------------------------------ */

/**
 * Hand `fn` the changes committed since the last call, at most `max` (0:
 * 1000), oldest first as far as the engine knows commit order, and
 * advance `c` past them. *count (may be NULL) is how many were handed
 * out; fewer than `max` means the reader is up to date as of this call.
 * A non-zero return from `fn` stops and is returned; the change it was
 * given counts as not read and comes again next time. LRS_ECONFLICT when
 * the log was pruned past the cursor (lrs_store_errmsg() says so).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_changes_since(struct lrs_store *s, struct lrs_store_cursor *c,
                        size_t max, lrs_store_change_fn fn, void *ctx,
                        size_t *count);

/** Fill `out` from the cursor. */
LRS_API void lrs_store_cursor_info(const struct lrs_store_cursor *c,
                                   struct lrs_store_cursor_info *out);

/**
 * Delete the change rows older than `before_ms` (Unix ms), except the
 * newest row of all (SQLite takes the next id after it), and remember
 * the highest id deleted, so that a cursor behind it learns it missed
 * rows. *removed (may be NULL) is how many went. In its own transaction
 * (or the caller's).
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_changes_prune(struct lrs_store *s,
                                                           int64_t before_ms,
                                                           uint64_t *removed);

#endif /* LRS_CHANGES_H */
