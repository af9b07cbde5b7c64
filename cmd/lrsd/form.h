/*
 * form.h - HTML form bodies (form.c): what a browser posts, parsed into
 * an arena, with no HTTP types, so that the fuzz harness
 * (fuzz/fuzz_form.c) can include it.
 *
 * Strings point into the arena (or, for an uploaded file's bytes, into
 * the body), valid while both are.
 */
#ifndef LRSD_FORM_H
#define LRSD_FORM_H

#include <lrs/base.h>

#include <stdbool.h>
#include <stddef.h>

/** Most fields a form may have. */
#define LRS_FORM_FIELDS_MAX 32

/** A parsed form body. */
struct page_form {
    size_t count;
    struct {
        const char *name;  /* arena */
        const char *value; /* arena, decoded, trimmed of outer spaces */
    } fields[LRS_FORM_FIELDS_MAX];
};

/** A parsed multipart/form-data body: its text fields and one file. */
struct page_upload {
    struct page_form form; /* the text fields ("csrf" among them) */
    const char *file_name; /* arena, "" when absent */
    const char *data;      /* the file's bytes, into the body */
    size_t len;
    bool has_file; /* a part named as the file field was sent */
};

/**
 * Parse `len` bytes of an application/x-www-form-urlencoded `body` into
 * `f`. False when it is malformed (a name without '=', a bad %-escape, a
 * NUL), has more than LRS_FORM_FIELDS_MAX fields, or the arena is out of
 * memory.
 */
bool lrsd_form_urlencoded(struct lrs_arena *a, const char *body, size_t len,
                          struct page_form *f);

/** The value of `name` in `f` ("" when absent). */
const char *page_form_get(const struct page_form *f, const char *name);

/**
 * Parse `len` bytes of a multipart/form-data `body` whose Content-Type
 * is `ct` (with its boundary) into `u`: the part named `file_field` is
 * the file, every other named part a text field (trimmed). False when
 * `ct` is not multipart with a boundary of 1 to 100 bytes, a part is
 * malformed, a text value holds a NUL, or there are too many fields.
 */
bool lrsd_form_multipart(struct lrs_arena *a, const char *ct, const char *body,
                         size_t len, const char *file_field,
                         struct page_upload *u);

#endif /* LRSD_FORM_H */
