/*
 * lrs/csv.h - a strict, streaming RFC 4180 CSV reader and a CSV writer.
 *
 * The reader pulls bytes through a callback and hands back one record at
 * a time. It is strict: a quote must open a field or be doubled inside a
 * quoted one, nothing may follow a closing quote but a comma or a line
 * end, every record has as many fields as the first (the header), every
 * field is valid UTF-8 without NUL bytes, and fields, records and field
 * counts are bounded. Line ends are LF or CRLF; a final line end is
 * optional; a UTF-8 byte order mark at the very start is skipped. Quoted
 * fields may hold commas, quotes ("") and line ends.
 *
 * Every error names where and what, e.g. "learners.csv line 3, column 2:
 * unterminated quoted field" (lines count from 1 and are physical lines;
 * columns are 1-based field numbers), in a diag with field "csv".
 *
 * Ownership: struct lrs_csv is owned by its creator (lrs_csv_free()).
 * Record fields are borrowed until the next lrs_csv_next() or free.
 * Thread-safety: one reader per thread; no global state.
 */
#ifndef LRS_CSV_H
#define LRS_CSV_H

#include <lrs/base.h>

/** A streaming CSV reader (opaque). */
struct lrs_csv;

/**
 * Read up to `cap` bytes into `buf`, setting *got (0 at end of input).
 * Return LRS_OK or an error (LRS_EIO), which the reader passes on.
 */
typedef enum lrs_err (*lrs_csv_read_fn)(void *ctx, char *buf, size_t cap,
                                        size_t *got);

/** Limits and names; zero members take the defaults shown. */
struct lrs_csv_opts {
    const char *name;      /* input name in messages; NULL = "input" */
    size_t max_field_len;  /* bytes per field; 0 = 4096 */
    size_t max_fields;     /* fields per record; 0 = 256 */
    size_t max_record_len; /* bytes per record; 0 = 1 MiB */
};

/** One record; `fields` borrowed until the next call on the reader. */
struct lrs_csv_record {
    const struct lrs_str *fields; /* `count` unescaped fields */
    size_t count;                 /* number of fields, >= 1 */
    uint64_t line;                /* physical line where it starts */
};

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */

/**
 * A reader pulling from `read(ctx, ...)`; `opts` may be NULL and is copied
 * (opts->name is borrowed for the reader's life). *out owned by the caller.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_csv_new(lrs_csv_read_fn read, void *ctx,
                                               const struct lrs_csv_opts *opts,
                                               struct lrs_csv **out);

/** Free the reader; lrs_csv_free(NULL) is a no-op. */
LRS_API void lrs_csv_free(struct lrs_csv *c);

/* ------------------------------------------------------------------ */
/* Operations                                                         */
/* ------------------------------------------------------------------ */

/**
 * Read the next record into `*rec`. At the end of input return LRS_OK
 * with *eof true. A malformed record is LRS_EINVAL (or LRS_ELIMIT for a
 * bound) with `diag` naming line, column and rule; the reader cannot
 * continue after an error (later calls return the same error).
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_csv_next(struct lrs_csv *c,
                                                struct lrs_csv_record *rec,
                                                bool *eof,
                                                struct lrs_diag *diag);

/** Bytes consumed from the input so far (for progress reports). */
LRS_API uint64_t lrs_csv_bytes(const struct lrs_csv *c);

/** The read callback state for input held in memory. */
struct lrs_csv_mem {
    const char *ptr; /* borrowed; advanced as it is read */
    size_t len;      /* bytes left */
};

/** An lrs_csv_read_fn over a struct lrs_csv_mem (ctx). */
LRS_API enum lrs_err lrs_csv_mem_read(void *ctx, char *buf, size_t cap,
                                      size_t *got);

/** Whether `s` is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
LRS_API bool lrs_utf8_valid(struct lrs_str s);

/** The number of UTF-8 characters in valid UTF-8 `s`. */
LRS_API size_t lrs_utf8_count(struct lrs_str s);

/**
 * Append `field` to `b` as one CSV field, preceded by a comma unless
 * `first`, quoted only when it holds a comma, quote, CR or LF.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_csv_put(struct lrs_buf *b, struct lrs_str field, bool first);

#endif /* LRS_CSV_H */
