/*
 * fake_batch.c - a stand-in for `lrs batch` in the school tests: read a
 * ULN-request CTF and write the CTF the LRS would return, every pupil who
 * can be sent for a ULN holding one.
 *
 * usage: school-fake-batch REQUEST.xml RETURNED.xml [DATE]
 *
 * ULNs come from lrs_uln_issue() with an all-zero key and counters from 1,
 * so the output is the same on every run. A pupil who already has a ULN
 * keeps it; one with a blocking finding (checked on DATE, default
 * 2026-01-15) is returned without one, as the LRS would. NEEDSWORK: use
 * the real `lrs batch` once it has landed.
 */
#include <lrs/lrs.h>

#include <stdio.h>
#include <string.h>

static int fail(const char *what, const struct lrs_diag *d)
{
    fprintf(stderr, "school-fake-batch: %s: %s\n", what, d->msg);
    return 1;
}

int main(int argc, char **argv)
{
    const struct lrs_uln_key key = {{0}};
    struct lrs_ctf_findings fs = LRS_CTF_FINDINGS_INIT;
    struct lrs_ctf_reader *r = NULL;
    struct lrs_ctf_writer *w = NULL;
    const struct lrs_ctf_header *in;
    const struct lrs_ctf_pupil *p;
    struct lrs_ctf_header out;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_date on = {2026, 1, 15};
    uint64_t counter = 1;
    int rc = 1;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: school-fake-batch REQUEST RETURNED [DATE]\n");
        return 2;
    }
    if (argc == 4 && lrs_date_parse(lrs_str_c(argv[3]), 0, NULL, &on, &d))
        return fail(argv[3], &d);
    if (lrs_ctf_check_file(argv[1], NULL, NULL, &d) ||
        lrs_ctf_reader_open_file(argv[1], NULL, &r, &d) ||
        lrs_ctf_reader_header(r, &in, &d))
        goto out;
    lrs_ctf_header_for_return(in, "2026-01-20T10:00:00", &out);
    if (lrs_ctf_writer_open(argv[2], &out, &w, &d))
        goto out;
    for (;;) {
        struct lrs_ctf_pupil q;
        char uln[LRS_ULN_LEN + 1];

        if (lrs_ctf_reader_next(r, &p, &d))
            goto out;
        if (!p)
            break;
        q = *p;
        lrs_ctf_findings_reset(&fs);
        if (lrs_ctf_validate_pupil(p, on, &fs))
            goto out;
        if (!*p->uln && fs.blocking_count == 0) {
            if (lrs_uln_issue(&key, &counter, uln))
                goto out;
            q.uln = uln;
        }
        if (lrs_ctf_writer_add(w, &q, &d))
            goto out;
    }
    rc = lrs_ctf_writer_commit(w, &d) ? 1 : 0;
    w = NULL;
out:
    if (rc)
        (void)fail(argv[1], &d);
    lrs_ctf_writer_free(w);
    lrs_ctf_reader_free(r);
    lrs_ctf_findings_release(&fs);
    return rc;
}
