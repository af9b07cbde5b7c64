/*
 * fuzz_csv.c - the strict CSV reader (lib/csv) and the learner field
 * rules it feeds (lrs_learner_field_set).
 *
 * The input is read through a callback handing out 1 to 8 bytes at a time
 * (the first byte picks the size), so records cross read boundaries.
 * Invariants: every record has the header's field count; every field is
 * valid UTF-8, NUL-free and within the length limit; an error names the
 * field "csv" with a message and repeats on the next call; writing the
 * records back with lrs_csv_put and reading them again gives the same
 * fields. Every field also goes through every learner field rule, which
 * must accept or reject with a named field, never crash.
 */
#include <lrs/csv.h>
#include <lrs/service.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct drip {
    const uint8_t *p;
    size_t len, step;
};

static enum lrs_err drip_read(void *ctx, char *buf, size_t cap, size_t *got)
{
    struct drip *d = ctx;
    size_t n = d->len < d->step ? d->len : d->step;

    if (n > cap)
        n = cap;
    memcpy(buf, d->p, n);
    d->p += n;
    d->len -= n;
    *got = n;
    return LRS_OK;
}

static void check_fields(const struct lrs_csv_record *r, size_t max_len)
{
    for (size_t i = 0; i < r->count; i++) {
        const struct lrs_str f = r->fields[i];
        struct lrs_learner l;

        if (f.len > max_len || !lrs_utf8_valid(f) || memchr(f.ptr, 0, f.len))
            abort();
        lrs_learner_init(&l);
        for (int k = 0; k < LRS_FIELD__COUNT; k++) {
            struct lrs_diag d = LRS_DIAG_INIT;

            if (lrs_learner_field_set(&l, (enum lrs_learner_field)k, f, &d) &&
                (!d.field || !d.msg[0]))
                abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct lrs_csv_opts o = {"fuzz", 64, 16, 4096};
    struct drip in = {data, size, size ? (size_t)(data[0] % 8) + 1 : 1};
    struct lrs_buf again = LRS_BUF_INIT;
    struct lrs_csv *c = NULL;
    struct lrs_csv_record r;
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_err err;
    size_t fields = 0;
    bool eof = false;

    if (lrs_csv_new(drip_read, &in, &o, &c))
        return 0;
    for (;;) {
        err = lrs_csv_next(c, &r, &eof, &d);
        if (err || eof)
            break;
        if (fields && r.count != fields)
            abort();
        fields = r.count;
        check_fields(&r, o.max_field_len);
        for (size_t i = 0; i < r.count; i++)
            if (lrs_csv_put(&again, r.fields[i], i == 0))
                abort();
        if (lrs_buf_addch(&again, '\n'))
            abort();
    }
    if (err) {
        struct lrs_diag d2 = LRS_DIAG_INIT;

        if (!d.field || strcmp(d.field, "csv") != 0 || !d.msg[0])
            abort();
        if (lrs_csv_next(c, &r, &eof, &d2) != err || strcmp(d.msg, d2.msg))
            abort();
    }
    lrs_csv_free(c);
    if (!err && again.len) {
        /* Re-read what we wrote: the same number of fields, no error. */
        struct lrs_csv_mem m = {again.data, again.len};
        const struct lrs_csv_opts big = {"again", 1024, 16, 1u << 20};

        if (lrs_csv_new(lrs_csv_mem_read, &m, &big, &c) == LRS_OK) {
            for (;;) {
                err = lrs_csv_next(c, &r, &eof, NULL);
                if (err != LRS_OK && err != LRS_ENOMEM)
                    abort();
                if (err || eof)
                    break;
                if (r.count != fields)
                    abort();
            }
            lrs_csv_free(c);
        }
    }
    lrs_buf_release(&again);
    return 0;
}
