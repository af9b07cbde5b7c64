/*
 * fuzz_ctf.c - the streaming CTF reader and the ULN-request validation,
 * reading from memory.
 *
 * Invariants: the reader ends with success or a clean LRS_EINVAL /
 * LRS_ELIMIT / LRS_ENOMEM carrying a diagnostic; every string it hands out
 * is non-NULL, NUL-terminated and no longer than the text limit; pupils
 * are numbered 1, 2, 3 ... in order; an error is sticky; validation of
 * every pupil succeeds with well-formed findings. The limits are lowered
 * so that the fuzzer reaches them with small inputs.
 */
#include <lrs/ctf.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TEXT_MAX 256u

static void check_str(const char *s)
{
    if (!s || strlen(s) > TEXT_MAX)
        abort();
}

static void check_header(const struct lrs_ctf_header *h)
{
    const char *const all[] = {
        h->document_name,      h->ctf_version,        h->date_time,
        h->document_qualifier, h->data_qualifier,     h->data_descriptor,
        h->supplier_id,        h->source_lea,         h->source_estab,
        h->source_urn,         h->source_school_name, h->source_academic_year,
        h->dest_lea,           h->dest_estab};

    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        check_str(all[i]);
}

static void check_pupil(const struct lrs_ctf_pupil *p,
                        struct lrs_ctf_findings *f)
{
    const struct lrs_ctf_address *a = &p->address;
    const char *const all[] = {p->upn,
                               p->uln,
                               p->uci,
                               p->surname,
                               p->forename,
                               p->dob,
                               p->sex,
                               p->former_upn,
                               p->preferred_surname,
                               p->preferred_forename,
                               p->former_surname,
                               p->middle_names,
                               p->nc_year_actual,
                               a->saon,
                               a->paon,
                               a->street,
                               a->locality,
                               a->town,
                               a->administrative_area,
                               a->post_town,
                               a->uprn,
                               a->lines[0],
                               a->lines[1],
                               a->lines[2],
                               a->lines[3],
                               a->lines[4],
                               a->county,
                               a->postcode};
    const struct lrs_date on = {2025, 10, 1};
    size_t blocking = 0;

    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        check_str(all[i]);
    lrs_ctf_findings_reset(f);
    if (lrs_ctf_validate_pupil(p, on, f) != LRS_OK)
        abort();
    for (size_t i = 0; i < f->count; i++) {
        const struct lrs_ctf_finding *it = &f->items[i];

        if (!it->code || !it->field || it->message[0] == '\0' ||
            (it->severity != LRS_CTF_BLOCKING &&
             it->severity != LRS_CTF_WARNING))
            abort();
        blocking += it->severity == LRS_CTF_BLOCKING;
    }
    if (blocking != f->blocking_count)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lrs_ctf_findings f = LRS_CTF_FINDINGS_INIT;
    struct lrs_diag d = LRS_DIAG_INIT, d2 = LRS_DIAG_INIT;
    const struct lrs_ctf_header *h;
    const struct lrs_ctf_pupil *p;
    struct lrs_ctf_limits lim;
    struct lrs_ctf_reader *r;
    uint64_t n = 0;
    enum lrs_err err;

    lrs_ctf_limits_init(&lim);
    lim.max_file_len = 1u << 20;
    lim.max_text_len = TEXT_MAX;
    lim.max_run_len = 4096;
    lim.max_depth = 16;
    err = lrs_ctf_reader_open_mem((const char *)data, size, &lim, &r, &d);
    if (err) {
        if (r || d.msg[0] == '\0')
            abort();
        return 0;
    }
    err = lrs_ctf_reader_header(r, &h, &d);
    if (!err)
        check_header(h);
    while (!err) {
        err = lrs_ctf_reader_next(r, &p, &d);
        if (err || !p)
            break;
        if (p->ordinal != ++n)
            abort();
        check_pupil(p, &f);
    }
    if (err) {
        if ((err != LRS_EINVAL && err != LRS_ELIMIT && err != LRS_ENOMEM) ||
            d.msg[0] == '\0')
            abort();
        /* Sticky: the same error and message again. */
        if (lrs_ctf_reader_next(r, &p, &d2) != err || p ||
            strcmp(d.msg, d2.msg) != 0)
            abort();
    }
    lrs_ctf_findings_release(&f);
    lrs_ctf_reader_free(r);
    return 0;
}
