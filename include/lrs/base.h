/*
 * lrs/base.h - errors, diagnostics, allocation, strings, arenas and logging.
 *
 * Every other liblrs module builds on these. The rules:
 *
 * - Every fallible function returns `enum lrs_err` (LRS_OK is 0) and hands
 *   results back through out-parameters. Input errors also fill a caller's
 *   `struct lrs_diag`, which names the offending field and the rule broken.
 * - All memory goes through lrs_malloc() and friends, so that a host (or a
 *   test) can replace the allocator, for example to fail the nth call.
 * - `struct lrs_str` is a borrowed slice (pointer and length, no NUL needed);
 *   `struct lrs_buf` is an owned, growable, always NUL-terminated buffer.
 * - The library never prints. A host installs a log callback with
 *   lrs_log_set(); until then every message is dropped.
 *
 * Thread-safety: lrs_set_allocator() and lrs_log_set() must be called before
 * other threads use the library. Everything else here is safe to call from
 * any thread on distinct objects.
 */
#ifndef LRS_BASE_H
#define LRS_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define LRS_API               __attribute__((visibility("default")))
#define LRS_NODISCARD         __attribute__((warn_unused_result))
#define LRS_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define LRS_API
#define LRS_NODISCARD
#define LRS_PRINTF(fmt, args)
#endif

/* ------------------------------------------------------------------ */
/* Errors                                                             */
/* ------------------------------------------------------------------ */

/** The one error type of liblrs. Add new values before LRS_ERR__COUNT. */
enum lrs_err {
    LRS_OK = 0,    /* success */
    LRS_ENOMEM,    /* an allocation failed; every object is still valid */
    LRS_EINVAL,    /* the input broke a rule; see the lrs_diag */
    LRS_ENOTFOUND, /* the thing asked for does not exist */
    LRS_ECONFLICT, /* a concurrent change or duplicate won (stale version) */
    LRS_EIO,       /* an operating-system or database I/O error */
    LRS_ECORRUPT,  /* stored data broke an invariant */
    LRS_EBUSY,     /* the resource is locked or in use; try again */
    LRS_ELIMIT,    /* a size, count or rate limit was exceeded */
    LRS_ERR__COUNT /* number of values; not an error */
};

/** A short lower-case description of `err`; never NULL, static storage. */
LRS_API const char *lrs_strerror(enum lrs_err err);

/**
 * What was wrong with an input: the field that broke a rule and a message
 * that names the rule, e.g. field "uln", msg "check digit is 3, expected 2".
 * `field` points to static storage (a string literal) or is NULL.
 */
struct lrs_diag {
    const char *field; /* the offending field, static storage, or NULL */
    char msg[160];     /* NUL-terminated, lower case, no final period */
};

/** Empty diagnostic: no field, empty message. */
#define LRS_DIAG_INIT                                                          \
    {                                                                          \
        NULL,                                                                  \
        {                                                                      \
            0                                                                  \
        }                                                                      \
    }

/**
 * Fill `d` (which may be NULL: then nothing happens) with `field` and a
 * printf-formatted message, truncated to fit. `field` must be static.
 */
LRS_API void lrs_diag_set(struct lrs_diag *d, const char *field,
                          const char *fmt, ...) LRS_PRINTF(3, 4);

/* ------------------------------------------------------------------ */
/* Allocation                                                         */
/* ------------------------------------------------------------------ */

/** A replacement allocator. All four members must be set. */
struct lrs_allocator {
    void *(*malloc_fn)(size_t size);
    void *(*calloc_fn)(size_t count, size_t size);
    void *(*realloc_fn)(void *ptr, size_t size);
    void (*free_fn)(void *ptr);
};

/** Install `a` (borrowed for the life of the process); NULL restores libc. */
LRS_API void lrs_set_allocator(const struct lrs_allocator *a);

/** malloc through the hook; owned, free with lrs_free(). NULL on failure. */
LRS_API void *lrs_malloc(size_t size);
/** calloc through the hook, overflow-checked; NULL on failure. */
LRS_API void *lrs_calloc(size_t count, size_t size);
/** realloc through the hook; on failure returns NULL and `ptr` is intact. */
LRS_API void *lrs_realloc(void *ptr, size_t size);
/** Free memory from the hooks above; lrs_free(NULL) is a no-op. */
LRS_API void lrs_free(void *ptr);
/** A NUL-terminated copy of `len` bytes of `s`; owned, or NULL. */
LRS_API char *lrs_strndup(const char *s, size_t len);

/** `*out = a * b`, or LRS_ELIMIT (and *out untouched) on overflow. */
LRS_API LRS_NODISCARD enum lrs_err lrs_mul_size(size_t a, size_t b,
                                                size_t *out);

/* ------------------------------------------------------------------ */
/* Strings                                                            */
/* ------------------------------------------------------------------ */

/** A borrowed byte slice; need not be NUL-terminated; ptr may be NULL iff
 *  len is 0. */
struct lrs_str {
    const char *ptr; /* borrowed from the caller */
    size_t len;      /* bytes */
};

/** A slice of a string literal. */
#define LRS_STR(lit) ((struct lrs_str){(lit), sizeof(lit) - 1})

/** A slice of a NUL-terminated string (NULL gives an empty slice). */
LRS_API struct lrs_str lrs_str_c(const char *s);
/** Whether two slices hold the same bytes. */
LRS_API bool lrs_str_eq(struct lrs_str a, struct lrs_str b);
/** `s` without leading and trailing ASCII white space. */
LRS_API struct lrs_str lrs_str_trim(struct lrs_str s);

/**
 * Parse `s` as an unsigned decimal number in [min, max]: ASCII digits only,
 * no sign, no spaces, at least one digit. On failure *out is untouched and
 * the result is LRS_EINVAL (not a number) or LRS_ELIMIT (out of range).
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_parse_u64(struct lrs_str s, uint64_t min,
                                                 uint64_t max, uint64_t *out);

/**
 * An owned, growable byte buffer. Invariants: `data` is never NULL and
 * data[len] == '\0'; cap == 0 means `data` points to a shared static empty
 * string; `max` (0 = no limit) caps `len`, and growing past it fails with
 * LRS_ELIMIT. Initialise with LRS_BUF_INIT or lrs_buf_init().
 */
struct lrs_buf {
    char *data; /* owned when cap > 0 */
    size_t len; /* bytes in use, not counting the NUL */
    size_t cap; /* bytes allocated, 0 when nothing is */
    size_t max; /* largest allowed len, 0 for no limit */
};

extern LRS_API char lrs_buf__empty[1];
#define LRS_BUF_INIT                                                           \
    {                                                                          \
        lrs_buf__empty, 0, 0, 0                                                \
    }

/** Initialise `b` empty with the length limit `max` (0 = none). */
LRS_API void lrs_buf_init(struct lrs_buf *b, size_t max);
/** Free what `b` holds and leave it empty (ready for reuse). */
LRS_API void lrs_buf_release(struct lrs_buf *b);
/** Set the length to 0, keeping the allocation. */
LRS_API void lrs_buf_reset(struct lrs_buf *b);
/** Make room for `extra` more bytes. */
LRS_API LRS_NODISCARD enum lrs_err lrs_buf_grow(struct lrs_buf *b,
                                                size_t extra);
/** Append `len` bytes. On error `b` is unchanged. */
LRS_API LRS_NODISCARD enum lrs_err lrs_buf_add(struct lrs_buf *b,
                                               const void *ptr, size_t len);
/** Append a NUL-terminated string. */
LRS_API LRS_NODISCARD enum lrs_err lrs_buf_adds(struct lrs_buf *b,
                                                const char *s);
/** Append one byte. */
LRS_API LRS_NODISCARD enum lrs_err lrs_buf_addch(struct lrs_buf *b, char c);
/** Append printf-formatted text. On error `b` is unchanged. */
LRS_API LRS_NODISCARD enum lrs_err lrs_buf_addf(struct lrs_buf *b,
                                                const char *fmt, ...)
    LRS_PRINTF(2, 3);
/** Shorten to `len` bytes (no-op if already shorter). */
LRS_API void lrs_buf_truncate(struct lrs_buf *b, size_t len);
/**
 * Hand the contents out: returns an owned NUL-terminated string (free with
 * lrs_free()), or NULL on ENOMEM, and leaves `b` empty. *len_out (if not
 * NULL) receives the length.
 */
LRS_API char *lrs_buf_take(struct lrs_buf *b, size_t *len_out);
/** The contents as a slice, borrowed until `b` next changes. */
LRS_API struct lrs_str lrs_buf_str(const struct lrs_buf *b);

/* ------------------------------------------------------------------ */
/* Arena                                                              */
/* ------------------------------------------------------------------ */

struct lrs_arena_chunk;

/**
 * A bump allocator for per-request and per-row memory: many small
 * allocations, freed together by lrs_arena_release(). Not thread-safe.
 * Never keep an arena pointer in a longer-lived object.
 */
struct lrs_arena {
    struct lrs_arena_chunk *head; /* newest chunk, owned */
    size_t chunk_size;            /* default chunk size in bytes */
};

#define LRS_ARENA_INIT                                                         \
    {                                                                          \
        NULL, 0                                                                \
    }

/** `size` bytes aligned for any type, valid until release; NULL on ENOMEM. */
LRS_API void *lrs_arena_alloc(struct lrs_arena *a, size_t size);
/** A NUL-terminated copy of `len` bytes in the arena; NULL on ENOMEM. */
LRS_API char *lrs_arena_strndup(struct lrs_arena *a, const char *s, size_t len);
/** Free every allocation of the arena; it may be used again. */
LRS_API void lrs_arena_release(struct lrs_arena *a);

/* ------------------------------------------------------------------ */
/* Logging                                                            */
/* ------------------------------------------------------------------ */

enum lrs_log_level {
    LRS_LOG_DEBUG = 0, /* may hold learner data; never enable in production */
    LRS_LOG_INFO,
    LRS_LOG_WARN,
    LRS_LOG_ERROR,
    LRS_LOG_OFF
};

/** Host callback: `module` and `msg` are borrowed for the call only. */
typedef void (*lrs_log_fn)(enum lrs_log_level level, const char *module,
                           const char *msg, void *ctx);

/**
 * Install `fn` (NULL: drop everything) to receive messages at `min_level`
 * and above. `ctx` is passed through untouched.
 */
LRS_API void lrs_log_set(lrs_log_fn fn, void *ctx,
                         enum lrs_log_level min_level);

/* ------------------------------------------------------------------ */
/* Output files                                                       */
/* ------------------------------------------------------------------ */

/**
 * An output file that appears whole or not at all. Open writes to a new
 * temporary file beside `path` (mode 0600: outputs hold personal data);
 * commit flushes it to disk, renames it over `path` and syncs the
 * directory; release before commit removes it, leaving `path` as it was.
 * When `path` already exists and is not a regular file (a device such as
 * /dev/null or /dev/stdout, a FIFO), it is opened and written directly:
 * there is nothing to replace, and renaming over a device would destroy
 * it. Initialise with LRS_FILE_OUT_INIT. Not thread-safe.
 */
struct lrs_file_out {
    int fd;     /* write here (write(2) or lrs_file_out_write); -1: none */
    char *path; /* owned: the target path */
    char *tmp;  /* owned: the temporary file, NULL when writing directly */
};

#define LRS_FILE_OUT_INIT                                                      \
    {                                                                          \
        -1, NULL, NULL                                                         \
    }

/**
 * Start writing `path`. Diagnostics use field "file" and name the path:
 * "cannot create a file beside 'x': Permission denied".
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_file_out_open(struct lrs_file_out *o,
                                                     const char *path,
                                                     struct lrs_diag *diag);
/** Write all `len` bytes (retrying short writes); LRS_EIO with a diag. */
LRS_API LRS_NODISCARD enum lrs_err lrs_file_out_write(struct lrs_file_out *o,
                                                      const void *ptr,
                                                      size_t len,
                                                      struct lrs_diag *diag);
/**
 * Make the file durable and put it in place, then release `o`. On error
 * the temporary file is removed, `path` is unchanged, and `o` released.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_file_out_commit(struct lrs_file_out *o,
                                                       struct lrs_diag *diag);
/** Abandon an uncommitted file (removing the temporary); no-op if none. */
LRS_API void lrs_file_out_release(struct lrs_file_out *o);

/** Write `data` to `path` atomically in one call (open, write, commit). */
LRS_API LRS_NODISCARD enum lrs_err lrs_file_write_atomic(const char *path,
                                                         struct lrs_str data,
                                                         struct lrs_diag *diag);

/**
 * Append the whole of file `path` to `b`. LRS_EIO with a diagnostic (field
 * "file") naming the path and the system's reason; LRS_ENOMEM. On error
 * `b` is as it was.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_file_read(const char *path, struct lrs_buf *b, struct lrs_diag *diag);

/**
 * A chunk reader over the file descriptor `*(int *)ctx` (retrying EINTR),
 * in the shape of lrs_csv_read_fn and the importers' callbacks: *got = 0
 * at the end; LRS_EIO on a read error.
 */
LRS_API enum lrs_err lrs_fd_read(void *ctx, char *buf, size_t cap, size_t *got);

/** The library's version, e.g. "0.1.0". */
LRS_API const char *lrs_version(void);

#endif /* LRS_BASE_H */
