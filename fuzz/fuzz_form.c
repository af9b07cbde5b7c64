/*
 * fuzz_form.c - the HTML form bodies of lrsd's pages (cmd/lrsd/form.c):
 * application/x-www-form-urlencoded and multipart/form-data.
 *
 * The first byte picks the parser (even: urlencoded; odd: multipart with
 * the boundary "XyZ", the Content-Type's parameters in the first line of
 * the rest when it starts with "ct:"). Invariants on success: at most
 * LRS_FORM_FIELDS_MAX fields, each name and value a NUL-terminated string
 * with no outer spaces in the value; an uploaded file's bytes lie inside
 * the body; page_form_get() finds every name. A failure must leave no
 * leak and no read outside the input.
 */
#include "../cmd/lrsd/form.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_form(const struct page_form *f)
{
    if (f->count > LRS_FORM_FIELDS_MAX)
        abort();
    for (size_t i = 0; i < f->count; i++) {
        const char *v = f->fields[i].value;
        const size_t n = strlen(v);

        if (!f->fields[i].name || !v)
            abort();
        if (n && (v[0] == ' ' || v[n - 1] == ' '))
            abort();
        if (page_form_get(f, f->fields[i].name) == NULL)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lrs_arena a = LRS_ARENA_INIT;
    char ct[160] = "multipart/form-data; boundary=XyZ";
    const char *body;
    size_t len;

    if (size < 1)
        return 0;
    body = (const char *)data + 1;
    len = size - 1;
    if (data[0] % 2 == 0) {
        struct page_form f;

        if (lrsd_form_urlencoded(&a, body, len, &f))
            check_form(&f);
    } else {
        struct page_upload u;
        const char *nl = memchr(body, '\n', len);

        if (len > 3 && memcmp(body, "ct:", 3) == 0 && nl &&
            (size_t)(nl - body) - 3 < sizeof ct) {
            memcpy(ct, body + 3, (size_t)(nl - body - 3));
            ct[nl - body - 3] = '\0';
            len -= (size_t)(nl - body + 1);
            body = nl + 1;
        }
        if (lrsd_form_multipart(&a, ct, body, len, "file", &u)) {
            check_form(&u.form);
            if (u.has_file && (u.data < body || u.data + u.len > body + len))
                abort();
            if (!u.file_name)
                abort();
        }
    }
    lrs_arena_release(&a);
    return 0;
}
