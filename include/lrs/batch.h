/*
 * lrs/batch.h - the S2S batch: a school's CTF in, ULNs and exceptions out.
 *
 * Two layers, as for learners (store.h, service.h):
 *
 * - Store: batch jobs, their rows and exceptions (lrs_store_job_*,
 *   lrs_store_exception_*). A job holds the input CTF itself (a blob), its
 *   progress (rows done of total, the checkpoint: the last pupil whose
 *   effects are committed) and, once done, the returned CTF and the two
 *   reports. A row is one pupil's outcome; an exception is a pupil a person
 *   must resolve. These calls store and fetch; they validate nothing.
 *
 * - Service: lrs_service_batch_submit() stores a file as a job (the same
 *   bytes from the same organisation are the same job),
 *   lrs_service_batch_run() runs it: each pupil is checked, matched and,
 *   if nobody matches, registered, and every chunk of pupils is committed
 *   with the checkpoint in one transaction, so a crash at any point loses
 *   nothing and a re-run issues no ULN twice. docs/batch.md has the rules,
 *   codes and the report formats.
 *
 * Ownership: structs are caller storage; blobs come back in a caller's
 * lrs_buf. Pointers handed to callbacks are borrowed for the callback.
 * Thread-safety: as the store (one thread per struct lrs_store).
 */
#ifndef LRS_BATCH_H
#define LRS_BATCH_H

#include <lrs/base.h>
#include <lrs/store.h>

struct lrs_match_index; /* lrs/match.h */

/* ------------------------------------------------------------------ */
/* Store: jobs                                                        */
/* ------------------------------------------------------------------ */

/** Where a job is in its life. Stored by name (lrs_job_status_name). */
enum lrs_job_status {
    LRS_JOB_QUEUED = 0, /* stored, waiting for a worker */
    LRS_JOB_RUNNING,    /* claimed by a worker (claimed_by) */
    LRS_JOB_DONE,       /* every pupil committed, outputs stored */
    LRS_JOB_FAILED,     /* stopped: `error` says why; may be run again */
};

/** "queued", "running", "done", "failed"; "unknown" otherwise. Static. */
LRS_API const char *lrs_job_status_name(enum lrs_job_status st);

/** The blobs a job keeps; stored by value (batch_blobs.kind): never
 *  renumber. */
enum lrs_job_blob {
    LRS_JOB_INPUT = 0,    /* the CTF as uploaded */
    LRS_JOB_RETURNED_CTF, /* the CTF returned, with the ULNs */
    LRS_JOB_REPORT_CSV,   /* pupils without a ULN, CSV */
    LRS_JOB_REPORT_HTML,  /* the printable report */
};

/** Hex SHA-256 of the input and its NUL. */
#define LRS_JOB_SHA256_SIZE 65

/** One batch job (the blobs apart). */
struct lrs_job {
    int64_t id;      /* assigned by the store, ascending */
    int64_t org_id;  /* the uploading organisation: it alone sees it */
    int64_t user_id; /* who uploaded it (0: the system) */
    enum lrs_job_status status;
    char file_name[256];              /* as uploaded, for people; may be "" */
    char sha256[LRS_JOB_SHA256_SIZE]; /* of the input, lower-case hex */
    uint64_t input_len;               /* bytes of the input blob */
    uint64_t rows_total;              /* pupils in the file (0 until checked) */
    uint64_t rows_done;               /* pupils whose outcome is committed */
    uint64_t checkpoint;              /* ordinal of the last committed pupil */
    char claimed_by[64];              /* the worker running it, "" when none */
    int64_t created_ms;               /* Unix ms */
    int64_t updated_ms; /* Unix ms: last progress; a stale lease */
    char error[256];    /* why it failed, "" otherwise; no personal data */
    char addr[46];      /* the uploader's network address, "" when there
                         * was none (lrs); the audit rows the job writes
                         * carry it */
};

/**
 * Store a new queued job with its input (`input`, `len` bytes, copied).
 * j->org_id, user_id, file_name and sha256 are taken from `j`; the store
 * fills id, status, times. LRS_ECONFLICT when the organisation already
 * has a job with that sha256 (and `j` is then unchanged).
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_job_insert(struct lrs_store *s,
                                                        struct lrs_job *j,
                                                        const void *input,
                                                        size_t len);

/** Fetch job `id`; LRS_ENOTFOUND when there is none. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_job_get(struct lrs_store *s, int64_t id, struct lrs_job *out);

/** The job of `org_id` whose input has `sha256`; LRS_ENOTFOUND if none. */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_job_find(struct lrs_store *s,
                                                      int64_t org_id,
                                                      const char *sha256,
                                                      struct lrs_job *out);

/**
 * Replace `out` with blob `which` of job `id`. LRS_ENOTFOUND when the job
 * or that blob does not exist (outputs exist once the job is done).
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_job_blob(struct lrs_store *s,
                                                      int64_t id,
                                                      enum lrs_job_blob which,
                                                      struct lrs_buf *out);

/**
 * Claim a job for `worker` (a name, at most 63 bytes) in one atomic step:
 * job `id`, whatever its status but done; or with `id` 0 the oldest job
 * that is queued or running with no progress for `stale_ms` (its worker
 * died). It becomes running, claimed_by worker, updated now. PostgreSQL
 * takes it with FOR UPDATE SKIP LOCKED, SQLite under BEGIN IMMEDIATE, so
 * two workers never claim the same job. LRS_ENOTFOUND when there is none
 * (or job `id` is done).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_job_claim(struct lrs_store *s, int64_t id, const char *worker,
                    int64_t stale_ms, struct lrs_job *out);

/**
 * Write the status, rows_total, rows_done, checkpoint, claimed_by and
 * error of `j` (updated_ms becomes now). In the caller's transaction when
 * one is open: that is how progress commits with a chunk's effects.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_job_update(struct lrs_store *s,
                                                        struct lrs_job *j);

/** Store the three outputs of job `id` (each copied). */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_job_outputs(struct lrs_store *s, int64_t id,
                      const struct lrs_buf *ctf, const struct lrs_buf *csv,
                      const struct lrs_buf *html);

typedef enum lrs_err (*lrs_store_job_fn)(const struct lrs_job *j, void *ctx);

/** Every job of `org_id` (-1: of all), newest first. */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_job_scan(struct lrs_store *s,
                                                      int64_t org_id,
                                                      lrs_store_job_fn fn,
                                                      void *ctx);

/* ------------------------------------------------------------------ */
/* Store: rows                                                        */
/* ------------------------------------------------------------------ */

/** The longest outcome code ("WSVRC001") and its NUL. */
#define LRS_BATCH_CODE_SIZE 12

/** One pupil's outcome. */
struct lrs_job_row {
    int64_t job_id;
    uint64_t ordinal; /* 1 for the file's first pupil */
    char upn[16];     /* as in the file (at most 13 kept), may be "" */
    char code[LRS_BATCH_CODE_SIZE]; /* docs/batch.md: WSRC0004, RC010... */
    char uln[LRS_ULN_SIZE];         /* the ULN returned, "" for none */
    int64_t exception_id;           /* its exception, 0 for none */
};

/**
 * Insert `count` rows. LRS_ECONFLICT when one (job, ordinal) exists: the
 * caller's transaction must then be rolled back.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_job_rows_insert(struct lrs_store *s, const struct lrs_job_row *rows,
                          size_t count);

/** Set the uln of row (r->job_id, r->ordinal); LRS_ENOTFOUND if none. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_job_row_set_uln(struct lrs_store *s, const struct lrs_job_row *r);

typedef enum lrs_err (*lrs_store_job_row_fn)(const struct lrs_job_row *r,
                                             void *ctx);

/** The rows of job `job_id` in ordinal order. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_job_row_scan(struct lrs_store *s, int64_t job_id,
                       lrs_store_job_row_fn fn, void *ctx);

/* ------------------------------------------------------------------ */
/* Store: exceptions                                                  */
/* ------------------------------------------------------------------ */

enum lrs_exception_status {
    LRS_EXCEPTION_OPEN = 0,
    LRS_EXCEPTION_RESOLVED,
};

/** "open" or "resolved"; static. */
LRS_API const char *lrs_exception_status_name(enum lrs_exception_status st);

/**
 * A pupil a person must resolve. `candidates` is JSON text (the match
 * explanation, lrs_match_explain_json(): every candidate with each
 * field's level and weight; "" when no search was made). From a scan or a
 * get it is borrowed as the callback or the buffer says; on insert it is
 * borrowed for the call.
 */
struct lrs_exception {
    int64_t id;
    int64_t job_id;
    int64_t org_id;
    uint64_t ordinal; /* the job's row */
    char code[LRS_BATCH_CODE_SIZE];
    enum lrs_exception_status status;
    char reason[256]; /* in plain words; no personal data */
    const char *candidates;
    int64_t created_ms;
    /* The resolution (status resolved): */
    char resolved_uln[LRS_ULN_SIZE]; /* the ULN chosen or issued */
    bool resolved_new;               /* a new learner was registered */
    int64_t resolved_by;             /* user id */
    int64_t resolved_ms;
    char resolution_reason[256];
};

/** Insert `x` (open); x->id receives its id. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_exception_insert(struct lrs_store *s, struct lrs_exception *x);

/**
 * Fetch exception `id`; its candidates JSON goes to `candidates` (which
 * out->candidates then points into). LRS_ENOTFOUND when there is none.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_exception_get(struct lrs_store *s, int64_t id,
                        struct lrs_exception *out, struct lrs_buf *candidates);

/**
 * Record the resolution of `x` (x->id, resolved_*): status becomes
 * resolved. LRS_ECONFLICT when it is not open (resolved meanwhile).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_exception_resolve(struct lrs_store *s, const struct lrs_exception *x);

/** Which exceptions a scan returns: 0 / -1 / "" fields mean "any". The
 *  store compares; it does not check that a code is one it knows. */
struct lrs_exception_filter {
    int64_t job_id;                 /* 0: any */
    int64_t org_id;                 /* -1: any */
    int status;                     /* -1: any, else lrs_exception_status */
    char code[LRS_BATCH_CODE_SIZE]; /* "": any, else only this outcome
                                       code (RC010, WSRC0003...) */
};

typedef enum lrs_err (*lrs_store_exception_fn)(const struct lrs_exception *x,
                                               void *ctx);

/** The exceptions that pass `f`, in id order. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_exception_scan(struct lrs_store *s,
                         const struct lrs_exception_filter *f,
                         lrs_store_exception_fn fn, void *ctx);

/* ------------------------------------------------------------------ */
/* Service: outcomes                                                  */
/* ------------------------------------------------------------------ */

/**
 * How the LRS batch output counts a pupil (getBatchRegistrationOutput:
 * new, exists, possible match, not found, rejected).
 */
enum lrs_batch_category {
    LRS_BATCH_NEW = 0,   /* WSRC0005: registered, a new ULN */
    LRS_BATCH_EXISTING,  /* WSRC0004/0022, WSVRC001/002: ULN returned */
    LRS_BATCH_POSSIBLE,  /* WSRC0003/0002: possible or too many matches */
    LRS_BATCH_NOT_FOUND, /* the ULN supplied: invalid, unknown, mismatch */
    LRS_BATCH_REJECTED,  /* RC006, RC010, RC011, RC013: the data */
    LRS_BATCH__COUNT
};

/** "new", "existing", "possible match", "not found", "rejected". */
LRS_API const char *lrs_batch_category_name(enum lrs_batch_category c);

/** The category of an outcome code; LRS_BATCH_REJECTED if unknown. */
LRS_API enum lrs_batch_category lrs_batch_code_category(const char *code);

/** What a code means, in plain words ("possible matches: a person..."). */
LRS_API const char *lrs_batch_code_text(const char *code);

/**
 * The outcome codes one by one, by category (new, existing, possible
 * match, not found, rejected): the `i`th from 0, NULL past the last.
 * Static. For lists people choose from (docs/batch.md has them all).
 */
LRS_API const char *lrs_batch_code_at(size_t i);

/**
 * Whether an exception can carry `code`: a known outcome code that gives
 * no ULN (possible match, not found, rejected). Exact, upper case.
 */
LRS_API bool lrs_batch_code_is_exception(const char *code);

/* ------------------------------------------------------------------ */
/* Service: running a job                                             */
/* ------------------------------------------------------------------ */

/**
 * A chunk (one transaction, one checkpoint) ends at this many pupils or
 * after LRS_BATCH_CHUNK_MS_DEFAULT of work, whichever comes first. A
 * crash loses at most the chunk being decided (docs/batch.md).
 */
#define LRS_BATCH_CHUNK_DEFAULT    2000
#define LRS_BATCH_CHUNK_MS_DEFAULT 250

/** Progress: pupils done of the total; called after each commit. */
typedef void (*lrs_batch_progress_fn)(void *ctx, uint64_t done, uint64_t total);

struct lrs_batch_opts {
    const char *worker; /* claimed_by; NULL: "lrs" */
    size_t chunk;       /* most pupils a commit; 0: LRS_BATCH_CHUNK_DEFAULT */
    unsigned chunk_ms;  /* most ms of work a commit; 0: ..._CHUNK_MS_DEFAULT */
    struct lrs_date on; /* ages are taken on this day; year 0: the day
                           the job was created (stable across re-runs) */
    lrs_batch_progress_fn on_progress; /* may be NULL */
    /* Called after every chunk commit with the checkpoint, before the
     * next chunk starts (tests kill the process here). May be NULL. */
    void (*on_commit)(void *ctx, uint64_t checkpoint);
    /* Asked before each chunk starts: true stops the run there (a server
     * shutting down). The job goes back to the queue with its committed
     * checkpoint, for the next run to carry on from. May be NULL. */
    bool (*should_stop)(void *ctx);
    /* Called before each chunk starts, outside any transaction, before
     * should_stop (lrsd reads the store's change feed into the index
     * here, so the chunk sees learners other processes registered). May
     * be NULL. */
    void (*before_chunk)(void *ctx);
    void *ctx; /* passed to the four */
};

/** What a run did, counted by category over the whole job. */
struct lrs_batch_totals {
    uint64_t pupils;
    uint64_t count[LRS_BATCH__COUNT]; /* by enum lrs_batch_category */
    uint64_t exceptions_open;
    uint64_t exceptions_resolved;
};

/**
 * Store the CTF `data` (`len` bytes) as a job of actor->org_id, named
 * `file_name`. When that organisation already sent the same bytes (equal
 * SHA-256), *job is that earlier job and *existing is true: nothing new is
 * stored, and running it again returns the earlier ULNs (docs/batch.md).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_batch_submit(struct lrs_store *s, const struct lrs_actor *actor,
                         const char *file_name, const void *data, size_t len,
                         struct lrs_job *job, bool *existing,
                         struct lrs_diag *diag);

/**
 * Run job `job_id` to the end with the match index `idx` (loaded from the
 * same store with lrs_service_index_load(); learners registered are added
 * to it as they are). Claims the job (resuming after its checkpoint if a
 * worker died), checks the whole CTF first (a malformed file fails the
 * job with the reason in its error and `diag`, and changes nothing else),
 * then for each pupil decides (docs/batch.md), and commits every
 * `chunk` pupils with the checkpoint. Finally writes the returned CTF and
 * the reports into the job and marks it done. A job already done is
 * left as it is (LRS_OK). When opts->should_stop says so at a chunk
 * boundary, the job is queued again (status queued, its checkpoint kept)
 * and the run returns LRS_EBUSY; the index is then as consistent as after
 * a commit. On a store error the index may hold learners of the chunk
 * that was rolled back: free it and load it again before another run.
 * *totals (may be NULL) receives the counts.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_batch_run(struct lrs_store *s, struct lrs_match_index *idx,
                      const struct lrs_actor *actor, int64_t job_id,
                      const struct lrs_batch_opts *opts,
                      struct lrs_batch_totals *totals, struct lrs_diag *diag);

/**
 * Write the returned CTF, the CSV report and the HTML report of job
 * `job_id` again from its input, rows and exceptions, store them, and
 * count its totals. Run after an exception is resolved.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_service_batch_outputs(struct lrs_store *s, int64_t job_id,
                          struct lrs_batch_totals *totals,
                          struct lrs_diag *diag);

/**
 * Resolve exception `id` of actor->org_id (the LRS, org 0, may resolve
 * any): with `uln` (10 digits) that learner (its master if merged) is the
 * pupil; with `uln` NULL a new learner is registered from the pupil's data
 * in the job's CTF (LRS_EINVAL naming the field when it lacks a mandatory
 * one). `reason` is required. The row gets the ULN and the job's outputs
 * are written again, all in one transaction. LRS_ECONFLICT when already
 * resolved; *uln_out (may be NULL) receives the ULN.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_service_exception_resolve(
    struct lrs_store *s, const struct lrs_actor *actor, int64_t id,
    const char *uln, const char *reason, char uln_out[LRS_ULN_SIZE],
    struct lrs_diag *diag);

#endif /* LRS_BATCH_H */
