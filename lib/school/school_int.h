/*
 * school_int.h - what the files of lib/school share; only lib/school
 * includes it.
 */
#ifndef LRS_SCHOOL_INT_H
#define LRS_SCHOOL_INT_H

#include <lrs/school.h>

#define LRS__SCHOOL_ROSTER_MAGIC 0x5c400157u

/* The roster behind the opaque type (roster.c). */
struct lrs_school_roster {
    unsigned magic;
    char *name;             /* file name in messages, owned */
    struct lrs_arena arena; /* every cell and header name */
    /* Output column order: cols[i] is the field of column i. */
    enum lrs_school_field cols[LRS_SCHOOL_FIELD__COUNT];
    const char *header[LRS_SCHOOL_FIELD__COUNT]; /* names as read */
    size_t col_count;
    bool has_col[LRS_SCHOOL_FIELD__COUNT];
    struct lrs_school_pupil *pupils; /* owned, `count` in use */
    size_t count, cap;
    /* Cells exactly as read (surrounding white space kept), count rows of
     * LRS_SCHOOL_FIELD__COUNT; "" for an absent column. Owned array. */
    const char **raw;
};

/*
 * Set one cell of row `i` to `value`, which must live in the roster's
 * arena (lrs__school_roster_dup()). Adds the column at the end if the
 * file lacked it. Never fails: import allocates first, then applies.
 */
void lrs__school_roster_set(struct lrs_school_roster *r, size_t i,
                            enum lrs_school_field f, const char *value);

/* A copy of `s` in the roster's arena, or NULL on ENOMEM. */
const char *lrs__school_roster_dup(struct lrs_school_roster *r, const char *s);

/* Append an entry with printf-formatted message; strings are copied. */
enum lrs_err lrs__school_log_add(struct lrs_school_log *log,
                                 const struct lrs_school_log_entry *e,
                                 const char *fmt, ...) LRS_PRINTF(3, 4);

/* Append `s` to `out` with &, <, >, " and ' escaped for HTML. */
enum lrs_err lrs__school_html_escape(struct lrs_buf *out, const char *s);

/* The start of a printable HTML page titled `title`, and its end. */
enum lrs_err lrs__school_html_open(struct lrs_buf *out, const char *title);
enum lrs_err lrs__school_html_close(struct lrs_buf *out);

/* A key of a sorted index over roster rows (duplicate UPNs, matching). */
struct lrs__school_key {
    const char *key; /* borrowed from the roster */
    size_t row;
};

/* qsort order of struct lrs__school_key: by key, then by row. */
int lrs__school_key_cmp(const void *a, const void *b);

/* ASCII case-insensitive equality of two NUL-terminated strings. */
bool lrs__school_same(const char *a, const char *b);

/*
 * Whether two names are the same name: equal once normalised as the match
 * engine normalises them (lrs_name_normalise_to(): accents dropped, case
 * folded, hyphens and spaces alike, apostrophes dropped), so "Siobhán
 * Brennan-Walsh" is "SIOBHAN BRENNAN WALSH". A name that cannot be
 * normalised (invalid UTF-8, too long) is compared byte for byte, ASCII
 * case ignored (lrs__school_same()).
 */
bool lrs__school_same_name(const char *a, const char *b);

#endif /* LRS_SCHOOL_INT_H */
