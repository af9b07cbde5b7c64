/*
 * test_writer.c - the returned CTF: round trips through the reader, the
 * header the LRS writes, escaping, refusal of bad text, atomic replacement
 * and the OOM loop.
 */
#include "ctftest.h"

#include <sys/stat.h>

/* An owned copy of a pupil, so it outlives the reader's next call. */
struct copy {
    struct lrs_ctf_pupil p;
    struct lrs_arena arena;
};

static const char *dup_str(struct lrs_arena *a, const char *s)
{
    char *c = lrs_arena_strndup(a, s, strlen(s));

    assert_non_null(c);
    return c;
}

static void copy_pupil(struct copy *c, const struct lrs_ctf_pupil *p)
{
    struct lrs_arena *a = &c->arena;
    struct lrs_ctf_address *d = &c->p.address;
    const struct lrs_ctf_address *s = &p->address;

    c->p = *p;
    c->p.upn = dup_str(a, p->upn);
    c->p.uln = dup_str(a, p->uln);
    c->p.uci = dup_str(a, p->uci);
    c->p.surname = dup_str(a, p->surname);
    c->p.forename = dup_str(a, p->forename);
    c->p.dob = dup_str(a, p->dob);
    c->p.sex = dup_str(a, p->sex);
    c->p.former_upn = dup_str(a, p->former_upn);
    c->p.preferred_surname = dup_str(a, p->preferred_surname);
    c->p.preferred_forename = dup_str(a, p->preferred_forename);
    c->p.former_surname = dup_str(a, p->former_surname);
    c->p.middle_names = dup_str(a, p->middle_names);
    c->p.nc_year_actual = dup_str(a, p->nc_year_actual);
    d->saon = dup_str(a, s->saon);
    d->paon = dup_str(a, s->paon);
    d->street = dup_str(a, s->street);
    d->locality = dup_str(a, s->locality);
    d->town = dup_str(a, s->town);
    d->administrative_area = dup_str(a, s->administrative_area);
    d->post_town = dup_str(a, s->post_town);
    d->uprn = dup_str(a, s->uprn);
    for (int i = 0; i < 5; i++)
        d->lines[i] = dup_str(a, s->lines[i]);
    d->county = dup_str(a, s->county);
    d->postcode = dup_str(a, s->postcode);
}

/* Every field the reader keeps is equal (ordinal and line aside). */
static void assert_same_pupil(const struct lrs_ctf_pupil *a,
                              const struct lrs_ctf_pupil *b)
{
    assert_string_equal(a->upn, b->upn);
    assert_string_equal(a->uln, b->uln);
    assert_string_equal(a->uci, b->uci);
    assert_string_equal(a->surname, b->surname);
    assert_string_equal(a->forename, b->forename);
    assert_string_equal(a->dob, b->dob);
    assert_string_equal(a->sex, b->sex);
    assert_int_equal(a->sex_element, b->sex_element);
    assert_string_equal(a->former_upn, b->former_upn);
    assert_string_equal(a->preferred_surname, b->preferred_surname);
    assert_string_equal(a->preferred_forename, b->preferred_forename);
    assert_string_equal(a->former_surname, b->former_surname);
    assert_string_equal(a->middle_names, b->middle_names);
    assert_string_equal(a->nc_year_actual, b->nc_year_actual);
    assert_int_equal(a->address.has_bs7666, b->address.has_bs7666);
    assert_int_equal(a->address.has_lines, b->address.has_lines);
    assert_string_equal(a->address.saon, b->address.saon);
    assert_string_equal(a->address.paon, b->address.paon);
    assert_string_equal(a->address.street, b->address.street);
    assert_string_equal(a->address.locality, b->address.locality);
    assert_string_equal(a->address.town, b->address.town);
    assert_string_equal(a->address.administrative_area,
                        b->address.administrative_area);
    assert_string_equal(a->address.post_town, b->address.post_town);
    assert_string_equal(a->address.uprn, b->address.uprn);
    for (int i = 0; i < 5; i++)
        assert_string_equal(a->address.lines[i], b->address.lines[i]);
    assert_string_equal(a->address.county, b->address.county);
    assert_string_equal(a->address.postcode, b->address.postcode);
}

/*
 * Read `in`, write its pupils to `out` with the returned-CTF header (the
 * 2nd pupil gets ULN 1748529632), read `out` back and compare.
 */
static void round_trip(const char *in, const char *out, size_t expect_count)
{
    struct copy *orig = calloc(expect_count, sizeof *orig);
    struct lrs_ctf_header hdr_in_copy, ret;
    const struct lrs_ctf_header *h;
    const struct lrs_ctf_pupil *p;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_ctf_reader *r;
    struct lrs_ctf_writer *w;
    size_t n = 0;

    assert_non_null(orig);
    assert_int_equal(lrs_ctf_reader_open_file(in, NULL, &r, &d), LRS_OK);
    assert_int_equal(lrs_ctf_reader_header(r, &h, &d), LRS_OK);
    hdr_in_copy = *h;
    lrs_ctf_header_for_return(&hdr_in_copy, "2025-10-02T08:00:00", &ret);
    assert_int_equal(lrs_ctf_writer_open(out, &ret, &w, &d), LRS_OK);
    while (lrs_ctf_reader_next(r, &p, &d) == LRS_OK && p) {
        assert_true(n < expect_count);
        copy_pupil(&orig[n], p);
        if (n == 1)
            orig[n].p.uln = "1748529632";
        assert_int_equal(lrs_ctf_writer_add(w, &orig[n].p, &d), LRS_OK);
        n++;
    }
    assert_null(p);
    assert_int_equal(n, expect_count);
    /* Nothing at `out` until commit. */
    assert_int_equal(access(out, F_OK), -1);
    assert_int_equal(lrs_ctf_writer_commit(w, &d), LRS_OK);

    /* Read the returned CTF back: header, then the same pupils. */
    {
        struct lrs_ctf_reader *r2;

        assert_int_equal(lrs_ctf_reader_open_file(out, NULL, &r2, &d), LRS_OK);
        assert_int_equal(lrs_ctf_reader_header(r2, &h, &d), LRS_OK);
        assert_string_equal(h->document_name, "Common Transfer File");
        assert_string_equal(h->ctf_version, hdr_in_copy.ctf_version);
        assert_string_equal(h->date_time, "2025-10-02T08:00:00");
        assert_string_equal(h->document_qualifier, "partial");
        assert_string_equal(h->supplier_id, "openlrs");
        assert_string_equal(h->source_lea, "XXX");
        assert_string_equal(h->source_estab, "XXXX");
        assert_string_equal(h->source_school_name, "Learning Records Service");
        assert_string_equal(h->source_academic_year,
                            hdr_in_copy.source_academic_year);
        assert_string_equal(h->dest_lea, hdr_in_copy.source_lea);
        assert_string_equal(h->dest_estab, hdr_in_copy.source_estab);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(lrs_ctf_reader_next(r2, &p, &d), LRS_OK);
            assert_non_null(p);
            assert_int_equal(p->ordinal, i + 1);
            assert_same_pupil(p, &orig[i].p);
        }
        assert_int_equal(lrs_ctf_reader_next(r2, &p, &d), LRS_OK);
        assert_null(p);
        lrs_ctf_reader_free(r2);
    }
    lrs_ctf_reader_free(r);
    for (size_t i = 0; i < n; i++)
        lrs_arena_release(&orig[i].arena);
    free(orig);
}

static void test_writer__round_trip_ctf25(void **state)
{
    char *dir = temp_dir(), out[4096];
    struct stat st;

    (void)state;
    snprintf(out, sizeof out, "%s/returned.xml", dir);
    round_trip(data_path("ctf25_sample.xml"), out, 6);
    /* Personal data: the file is private to its owner. */
    assert_int_equal(stat(out, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* Only the committed file is left: no temporary beside it. */
    assert_int_equal(dir_count(dir), 1);
    rm_dir(dir);
}

static void test_writer__round_trip_ctf24_keeps_gender(void **state)
{
    char *dir = temp_dir(), out[4096];
    size_t len;
    char *xml;

    (void)state;
    snprintf(out, sizeof out, "%s/returned.xml", dir);
    round_trip(data_path("ctf24_gender.xml"), out, 8);
    xml = slurp(out, &len);
    assert_non_null(strstr(xml, "<Gender>M</Gender>"));
    assert_null(strstr(xml, "<Sex>"));
    assert_non_null(strstr(xml, "<CTFversion>24.0</CTFversion>"));
    free(xml);
    rm_dir(dir);
}

/* A second round trip gives byte-identical output: writing is stable. */
static void test_writer__second_round_trip_is_identical(void **state)
{
    char *dir = temp_dir(), a[4096], b[4096];
    size_t la, lb;
    char *xa, *xb;

    (void)state;
    snprintf(a, sizeof a, "%s/a.xml", dir);
    snprintf(b, sizeof b, "%s/b.xml", dir);
    round_trip(data_path("ctf25_sample.xml"), a, 6);
    round_trip(a, b, 6);
    xa = slurp(a, &la);
    xb = slurp(b, &lb);
    /* b's header names the LRS as its destination; compare the pupils. */
    assert_string_equal(strstr(xa, "<CTFpupilData>"),
                        strstr(xb, "<CTFpupilData>"));
    free(xa);
    free(xb);
    rm_dir(dir);
}

/* The writer into memory makes the very bytes the file writer makes. */
static void test_writer__buf_same_bytes_as_file(void **state)
{
    char *dir = temp_dir(), a[4096], b[4096];
    struct lrs_ctf_header hin, ret;
    const struct lrs_ctf_header *h;
    const struct lrs_ctf_pupil *p;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf mem = LRS_BUF_INIT, small = LRS_BUF_INIT;
    struct lrs_ctf_reader *r;
    struct lrs_ctf_writer *w, *wm, *ws;
    size_t la;
    char *xa;

    (void)state;
    snprintf(a, sizeof a, "%s/a.xml", dir);
    round_trip(data_path("ctf25_sample.xml"), a, 6);
    snprintf(b, sizeof b, "%s/b.xml", dir);
    assert_int_equal(lrs_ctf_reader_open_file(a, NULL, &r, &d), LRS_OK);
    assert_int_equal(lrs_ctf_reader_header(r, &h, &d), LRS_OK);
    hin = *h;
    lrs_ctf_header_for_return(&hin, "2025-10-02T08:00:00", &ret);
    assert_int_equal(lrs_ctf_writer_open(b, &ret, &w, &d), LRS_OK);
    assert_int_equal(lrs_buf_add(&mem, "old", 3), LRS_OK);
    assert_int_equal(lrs_ctf_writer_open_buf(&mem, &ret, &wm, &d), LRS_OK);
    small.max = 600;
    assert_int_equal(lrs_ctf_writer_open_buf(&small, &ret, &ws, &d), LRS_OK);
    while (lrs_ctf_reader_next(r, &p, &d) == LRS_OK && p) {
        const enum lrs_err e = lrs_ctf_writer_add(ws, p, &d);

        assert_true(e == LRS_OK || e == LRS_ELIMIT);
        assert_int_equal(lrs_ctf_writer_add(w, p, &d), LRS_OK);
        assert_int_equal(lrs_ctf_writer_add(wm, p, &d), LRS_OK);
    }
    assert_int_equal(lrs_ctf_writer_commit(w, &d), LRS_OK);
    assert_int_equal(lrs_ctf_writer_commit(wm, &d), LRS_OK);
    /* Past its max, the buffer writer fails cleanly. */
    assert_int_equal(lrs_ctf_writer_commit(ws, &d), LRS_ELIMIT);
    xa = slurp(b, &la);
    assert_int_equal(mem.len, la);
    assert_memory_equal(mem.data, xa, la);
    free(xa);
    lrs_ctf_reader_free(r);
    lrs_buf_release(&mem);
    lrs_buf_release(&small);
    rm_dir(dir);
}

static struct lrs_ctf_pupil tricky_pupil(void)
{
    struct lrs_ctf_pupil p;

    memset(&p, 0, sizeof p);
    p.upn = "H801200001001";
    p.uln = p.uci = p.dob = p.sex = p.former_upn = "";
    p.surname = "O'Brien & <Sons> \"Ltd\"";
    p.forename = "Zo\xc3\xab\tAnn";
    p.middle_names = "]]> &amp;";
    p.preferred_surname = p.preferred_forename = p.former_surname = "";
    p.nc_year_actual = "";
    p.address.saon = p.address.paon = p.address.street = "";
    p.address.locality = p.address.town = p.address.administrative_area = "";
    p.address.post_town = p.address.uprn = p.address.county = "";
    for (int i = 0; i < 5; i++)
        p.address.lines[i] = "";
    p.address.postcode = "BS1 1AA";
    return p;
}

static void test_writer__escapes_and_refuses_bad_text(void **state)
{
    struct lrs_ctf_header hdr = {"",        "25.0", "2025-10-02T08:00:00",
                                 "partial", "",     "",
                                 "openlrs", "XXX",  "XXXX",
                                 "",        "",     "2025",
                                 "801",     "2000"};
    struct lrs_ctf_pupil p = tricky_pupil(), bad;
    const struct lrs_ctf_pupil *q;
    struct lrs_diag d = LRS_DIAG_INIT;
    char *dir = temp_dir(), out[4096];
    struct lrs_ctf_reader *r;
    struct lrs_ctf_writer *w;

    (void)state;
    snprintf(out, sizeof out, "%s/x.xml", dir);
    assert_int_equal(lrs_ctf_writer_open(out, &hdr, &w, &d), LRS_OK);
    assert_int_equal(lrs_ctf_writer_add(w, &p, &d), LRS_OK);
    /* Invalid UTF-8, and a control character XML cannot carry. */
    bad = p, bad.surname = "Fa\xc3\x28rbairn";
    assert_int_equal(lrs_ctf_writer_add(w, &bad, &d), LRS_EINVAL);
    assert_string_equal(d.field, "Surname");
    assert_string_equal(d.msg, "'Surname' is not valid UTF-8 text for XML");
    bad = p, bad.address.postcode = "BS1\x01 1AA";
    assert_int_equal(lrs_ctf_writer_add(w, &bad, &d), LRS_EINVAL);
    assert_string_equal(d.field, "PostCode");
    /* The writer is still usable, and the refused pupils left no trace. */
    assert_int_equal(lrs_ctf_writer_add(w, &p, &d), LRS_OK);
    assert_int_equal(lrs_ctf_writer_commit(w, &d), LRS_OK);
    assert_int_equal(lrs_ctf_reader_open_file(out, NULL, &r, &d), LRS_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(lrs_ctf_reader_next(r, &q, &d), LRS_OK);
        assert_non_null(q);
        assert_string_equal(q->surname, p.surname);
        assert_string_equal(q->forename, p.forename);
        assert_string_equal(q->middle_names, p.middle_names);
        assert_int_equal(q->sex_element, LRS_CTF_SEX_NONE);
    }
    assert_int_equal(lrs_ctf_reader_next(r, &q, &d), LRS_OK);
    assert_null(q);
    lrs_ctf_reader_free(r);
    rm_dir(dir);
}

static void test_writer__free_without_commit_leaves_nothing(void **state)
{
    struct lrs_ctf_header hdr = {"", "25.0",    "",    "partial", "",
                                 "", "openlrs", "XXX", "XXXX",    "",
                                 "", "",        "801", "2000"};
    struct lrs_ctf_pupil p = tricky_pupil();
    struct lrs_diag d = LRS_DIAG_INIT;
    char *dir = temp_dir(), out[4096];
    struct lrs_ctf_writer *w;
    size_t len;
    char *xml;
    FILE *f;

    (void)state;
    snprintf(out, sizeof out, "%s/x.xml", dir);
    f = fopen(out, "w");
    assert_non_null(f);
    fputs("old content\n", f);
    fclose(f);
    assert_int_equal(lrs_ctf_writer_open(out, &hdr, &w, &d), LRS_OK);
    assert_int_equal(lrs_ctf_writer_add(w, &p, &d), LRS_OK);
    assert_int_equal(dir_count(dir), 2);
    lrs_ctf_writer_free(w);
    lrs_ctf_writer_free(NULL);
    /* The old file is untouched and the temporary file is gone. */
    assert_int_equal(dir_count(dir), 1);
    xml = slurp(out, &len);
    assert_string_equal(xml, "old content\n");
    free(xml);
    /* Commit replaces it whole; an empty DateTime means now. */
    assert_int_equal(lrs_ctf_writer_open(out, &hdr, &w, &d), LRS_OK);
    assert_int_equal(lrs_ctf_writer_commit(w, &d), LRS_OK);
    assert_int_equal(dir_count(dir), 1);
    xml = slurp(out, &len);
    assert_non_null(strstr(xml, "<DateTime>20"));
    assert_non_null(strstr(xml, "<CTFpupilData/>"));
    free(xml);
    rm_dir(dir);
}

static void test_writer__cannot_create(void **state)
{
    struct lrs_ctf_header hdr = {"", "25.0", "", "", "", "", "",
                                 "", "",     "", "", "", "", ""};
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_ctf_writer *w = (void *)1;

    (void)state;
    assert_int_equal(
        lrs_ctf_writer_open("/nonexistent/dir/x.xml", &hdr, &w, &d), LRS_EIO);
    assert_null(w);
    assert_string_equal(d.msg, "cannot create a file beside "
                               "'/nonexistent/dir/x.xml': No such file or "
                               "directory");
    /* A header that is not valid UTF-8 is refused at open. */
    hdr.supplier_id = "\xff";
    assert_int_equal(lrs_ctf_writer_open("/tmp/never.xml", &hdr, &w, &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "SupplierID");
}

static void test_writer__oom_loop(void **state)
{
    struct lrs_ctf_header hdr = {"",        "25.0", "2025-10-02T08:00:00",
                                 "partial", "",     "",
                                 "openlrs", "XXX",  "XXXX",
                                 "",        "",     "2025",
                                 "801",     "2000"};
    struct lrs_ctf_pupil p = tricky_pupil();
    char *dir = temp_dir(), out[4096];
    unsigned long n;

    (void)state;
    snprintf(out, sizeof out, "%s/x.xml", dir);
    for (n = 1; n < 1000; n++) {
        struct lrs_diag d = LRS_DIAG_INIT;
        struct lrs_ctf_writer *w;
        enum lrs_err err;

        unlink(out);
        test_alloc_fail_at(n);
        err = lrs_ctf_writer_open(out, &hdr, &w, &d);
        if (!err)
            err = lrs_ctf_writer_add(w, &p, &d);
        if (!err)
            err = lrs_ctf_writer_commit(w, &d);
        else if (w)
            lrs_ctf_writer_free(w);
        assert_int_equal(test_alloc_live(), 0);
        if (!test_alloc_failed()) {
            test_alloc_reset();
            assert_int_equal(err, LRS_OK);
            break;
        }
        test_alloc_reset();
        assert_int_equal(err, LRS_ENOMEM);
        /* A failed writer leaves no file behind. */
        assert_int_equal(dir_count(dir), 0);
    }
    assert_true(n > 1);
    assert_int_equal(dir_count(dir), 1);
    rm_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer__round_trip_ctf25),
        cmocka_unit_test(test_writer__round_trip_ctf24_keeps_gender),
        cmocka_unit_test(test_writer__second_round_trip_is_identical),
        cmocka_unit_test(test_writer__buf_same_bytes_as_file),
        cmocka_unit_test(test_writer__escapes_and_refuses_bad_text),
        cmocka_unit_test(test_writer__free_without_commit_leaves_nothing),
        cmocka_unit_test(test_writer__cannot_create),
        cmocka_unit_test(test_writer__oom_loop),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
