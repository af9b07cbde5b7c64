/*
 * test_reader.c - the streaming CTF reader: the sample files of
 * tests/data/ctf, hostile XML, limits, sticky errors and the OOM loop.
 */
#include "ctftest.h"

#include <fcntl.h>
#include <time.h>

/* Read every pupil of an open reader; returns the final error. */
static enum lrs_err drain(struct lrs_ctf_reader *r, uint64_t *count,
                          struct lrs_diag *d)
{
    const struct lrs_ctf_pupil *p;
    enum lrs_err err;
    uint64_t n = 0;

    while ((err = lrs_ctf_reader_next(r, &p, d)) == LRS_OK && p)
        n++;
    if (count)
        *count = n;
    return err;
}

/* Open a memory CTF with the default limits, read it all. */
static enum lrs_err read_mem(const char *xml, size_t len, uint64_t *count,
                             struct lrs_diag *d)
{
    struct lrs_ctf_reader *r;
    enum lrs_err err;

    err = lrs_ctf_reader_open_mem(xml, len, NULL, &r, d);
    if (err)
        return err;
    err = drain(r, count, d);
    lrs_ctf_reader_free(r);
    return err;
}

static enum lrs_err read_str(const char *xml, struct lrs_diag *d)
{
    return read_mem(xml, strlen(xml), NULL, d);
}

static void test_reader__ctf25_header(void **state)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_ctf_header *h, *h2;
    struct lrs_ctf_reader *r;

    (void)state;
    assert_int_equal(
        lrs_ctf_reader_open_file(data_path("ctf25_sample.xml"), NULL, &r, &d),
        LRS_OK);
    assert_int_equal(lrs_ctf_reader_header(r, &h, &d), LRS_OK);
    assert_string_equal(h->document_name, "Common Transfer File");
    assert_string_equal(h->ctf_version, "25.0");
    assert_string_equal(h->date_time, "2025-10-01T09:15:00");
    assert_string_equal(h->document_qualifier, "partial");
    assert_string_equal(h->data_qualifier, "partial");
    assert_string_equal(h->data_descriptor, "ULN request");
    assert_string_equal(h->supplier_id, "ExampleMIS");
    assert_string_equal(h->source_lea, "801");
    assert_string_equal(h->source_estab, "2000");
    assert_string_equal(h->source_urn, "100000");
    /* &amp; arrives decoded. */
    assert_string_equal(h->source_school_name, "St Mary & St John Academy");
    assert_string_equal(h->source_academic_year, "2025");
    assert_string_equal(h->dest_lea, "XXX");
    assert_string_equal(h->dest_estab, "XXXX");
    /* Idempotent: the same header again. */
    assert_int_equal(lrs_ctf_reader_header(r, &h2, &d), LRS_OK);
    assert_ptr_equal(h, h2);
    lrs_ctf_reader_free(r);
}

static void test_reader__ctf25_pupils(void **state)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_ctf_pupil *p;
    struct lrs_ctf_reader *r;

    (void)state;
    assert_int_equal(
        lrs_ctf_reader_open_file(data_path("ctf25_sample.xml"), NULL, &r, &d),
        LRS_OK);
    /* Pupil 1: BS7666 address, many unknown sections, a contact whose
     * Surname and Address must not leak into the pupil's. */
    assert_int_equal(lrs_ctf_reader_next(r, &p, &d), LRS_OK);
    assert_non_null(p);
    assert_int_equal(p->ordinal, 1);
    assert_int_equal(p->line, 27);
    assert_string_equal(p->upn, "H801200001001");
    assert_string_equal(p->uln, "");
    assert_string_equal(p->uci, "801200000001A");
    assert_string_equal(p->surname, "Okafor");
    assert_string_equal(p->forename, "Chidi");
    assert_string_equal(p->middle_names, "Emeka");
    assert_string_equal(p->preferred_surname, "Okafor");
    assert_string_equal(p->preferred_forename, "Chidi");
    assert_string_equal(p->nc_year_actual, "11");
    assert_string_equal(p->dob, "2010-03-14");
    assert_string_equal(p->sex, "M");
    assert_int_equal(p->sex_element, LRS_CTF_SEX_SEX);
    assert_true(p->address.has_bs7666);
    assert_false(p->address.has_lines);
    assert_string_equal(p->address.saon, "Flat 2");
    assert_string_equal(p->address.paon, "12");
    assert_string_equal(p->address.street, "Hotwell Road");
    assert_string_equal(p->address.locality, "Hotwells");
    assert_string_equal(p->address.town, "Bristol");
    assert_string_equal(p->address.administrative_area, "City of Bristol");
    assert_string_equal(p->address.post_town, "Bristol");
    assert_string_equal(p->address.uprn, "000100012345");
    assert_string_equal(p->address.postcode, "BS8 4NU");
    assert_string_equal(p->address.county, "");
    /* Pupil 2: temporary UPN, AddressLines, UTF-8 name, FormerUPN. */
    assert_int_equal(lrs_ctf_reader_next(r, &p, &d), LRS_OK);
    assert_int_equal(p->ordinal, 2);
    assert_string_equal(p->upn, "G80120000101A");
    assert_string_equal(p->forename, "Siobh\xc3\xa1n");
    assert_string_equal(p->former_upn, "B801200005001");
    assert_string_equal(p->former_surname, "Walsh");
    assert_string_equal(p->middle_names, "");
    assert_false(p->address.has_bs7666);
    assert_true(p->address.has_lines);
    assert_string_equal(p->address.lines[0], "4 Cumberland Close");
    assert_string_equal(p->address.lines[1], "Spike Island");
    assert_string_equal(p->address.lines[2], "Bristol");
    assert_string_equal(p->address.lines[3], "");
    assert_string_equal(p->address.county, "Avon");
    assert_string_equal(p->address.postcode, "bs1 6xn");
    assert_string_equal(p->address.paon, "");
    /* Pupil 3: no postcode. */
    assert_int_equal(lrs_ctf_reader_next(r, &p, &d), LRS_OK);
    assert_string_equal(p->forename, "Zo\xc3\xab");
    assert_string_equal(p->address.postcode, "");
    /* Pupil 4: rural, no street. */
    assert_int_equal(lrs_ctf_reader_next(r, &p, &d), LRS_OK);
    assert_string_equal(p->address.paon, "Rose Cottage");
    assert_string_equal(p->address.street, "");
    assert_string_equal(p->preferred_forename, "Tom");
    /* Pupil 5: a guest with no UPN; CDATA address line. */
    assert_int_equal(lrs_ctf_reader_next(r, &p, &d), LRS_OK);
    assert_string_equal(p->upn, "");
    assert_string_equal(p->surname, "Diallo");
    assert_string_equal(p->address.lines[0], "21 Gloucester Road");
    /* Pupil 6: already has a ULN. */
    assert_int_equal(lrs_ctf_reader_next(r, &p, &d), LRS_OK);
    assert_int_equal(p->ordinal, 6);
    assert_string_equal(p->uln, "1000000043");
    assert_string_equal(p->surname, "O'Brien");
    /* The end, then the end again. */
    assert_int_equal(lrs_ctf_reader_next(r, &p, &d), LRS_OK);
    assert_null(p);
    assert_int_equal(lrs_ctf_reader_next(r, &p, &d), LRS_OK);
    assert_null(p);
    lrs_ctf_reader_free(r);
}

static void test_reader__ctf24_gender(void **state)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_ctf_header *h;
    const struct lrs_ctf_pupil *p;
    struct lrs_ctf_reader *r;
    uint64_t n = 0;

    (void)state;
    assert_int_equal(
        lrs_ctf_reader_open_file(data_path("ctf24_gender.xml"), NULL, &r, &d),
        LRS_OK);
    assert_int_equal(lrs_ctf_reader_header(r, &h, &d), LRS_OK);
    assert_string_equal(h->ctf_version, "24.0");
    assert_string_equal(h->source_urn, "");
    assert_string_equal(h->data_descriptor, "");
    while (lrs_ctf_reader_next(r, &p, &d) == LRS_OK && p) {
        n++;
        assert_int_equal(p->sex_element, LRS_CTF_SEX_GENDER);
        assert_int_equal(p->ordinal, n);
    }
    assert_null(p);
    assert_int_equal(n, 8);
    lrs_ctf_reader_free(r);
}

static void test_reader__memory_and_check_file_agree(void **state)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    uint64_t n_mem = 0, n_file = 0;
    size_t len;
    char *xml = slurp(data_path("ctf25_sample.xml"), &len);

    (void)state;
    assert_int_equal(read_mem(xml, len, &n_mem, &d), LRS_OK);
    assert_int_equal(
        lrs_ctf_check_file(data_path("ctf25_sample.xml"), NULL, &n_file, &d),
        LRS_OK);
    assert_int_equal(n_mem, 6);
    assert_int_equal(n_file, 6);
    free(xml);
}

static void test_reader__trims_and_takes_local_names(void **state)
{
    static const char xml[] =
        "<?xml version='1.0'?>\n"
        "<c:CTfile xmlns:c='urn:example:ctf'>\n"
        " <c:Header><c:CTFversion> 26.0\n</c:CTFversion></c:Header>\n"
        " <c:CTFpupilData>\n"
        "  <c:Pupil><c:Surname>\n   de la Cruz  \n</c:Surname>"
        "<c:Forename/><c:NewIn26>x</c:NewIn26></c:Pupil>\n"
        " </c:CTFpupilData>\n"
        "</c:CTfile>\n";
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_ctf_header *h;
    const struct lrs_ctf_pupil *p;
    struct lrs_ctf_reader *r;

    (void)state;
    assert_int_equal(lrs_ctf_reader_open_mem(xml, sizeof xml - 1, NULL, &r, &d),
                     LRS_OK);
    assert_int_equal(lrs_ctf_reader_header(r, &h, &d), LRS_OK);
    assert_string_equal(h->ctf_version, "26.0");
    assert_int_equal(lrs_ctf_reader_next(r, &p, &d), LRS_OK);
    assert_non_null(p);
    assert_string_equal(p->surname, "de la Cruz");
    assert_string_equal(p->forename, "");
    assert_int_equal(p->line, 6);
    assert_int_equal(lrs_ctf_reader_next(r, &p, &d), LRS_OK);
    assert_null(p);
    lrs_ctf_reader_free(r);
}

static void test_reader__no_pupils(void **state)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    uint64_t n = 99;

    (void)state;
    assert_int_equal(read_mem("<CTfile><Header/></CTfile>", 26, &n, &d),
                     LRS_OK);
    assert_int_equal(n, 0);
    assert_int_equal(
        read_mem("<CTfile><Header/><CTFpupilData/></CTfile>", 41, &n, &d),
        LRS_OK);
    assert_int_equal(n, 0);
}

/* Each hostile or broken file fails cleanly with a placed diagnostic. */
static void test_reader__hostile_files(void **state)
{
    /* What each file does is described in the file itself. */
    static const struct {
        const char *file;
        enum lrs_err err;
        const char *msg; /* exact diagnostic */
    } cases[] = {
        {"billion_laughs.xml", LRS_EINVAL,
         "line 2, column 1: a DOCTYPE is not allowed in a CTF (no DTDs, no "
         "entities)"},
        {"xxe.xml", LRS_EINVAL,
         "line 2, column 1: a DOCTYPE is not allowed in a CTF (no DTDs, no "
         "entities)"},
        {"xxe_parameter.xml", LRS_EINVAL,
         "line 3, column 1: a DOCTYPE is not allowed in a CTF (no DTDs, no "
         "entities)"},
        {"doctype_external.xml", LRS_EINVAL,
         "line 2, column 1: a DOCTYPE is not allowed in a CTF (no DTDs, no "
         "entities)"},
        {"deep.xml", LRS_ELIMIT, "line 6: elements nested deeper than 64"},
        {"invalid_utf8.xml", LRS_EINVAL, "line 8, column 18: invalid UTF-8"},
        {"truncated.xml", LRS_EINVAL,
         "line 13, column 19: the file ends inside the document (truncated)"},
        {"not_ctf.xml", LRS_EINVAL,
         "line 2: root element is 'Invoice', not 'CTfile'"},
        {"mismatched.xml", LRS_EINVAL,
         "line 8, column 33: opening and ending tag mismatch: Surname line 8 "
         "and Forename"},
        {"duplicate.xml", LRS_EINVAL,
         "line 10: element 'Surname' appears twice"},
        {"no_header.xml", LRS_EINVAL,
         "line 3: CTFpupilData comes before the Header"},
        {"utf16.xml", LRS_EINVAL,
         "line 1, column 1: unsupported encoding (UTF-16 or UTF-32); a CTF "
         "must be UTF-8"},
    };
    char name[256];

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct lrs_diag d = LRS_DIAG_INIT;
        size_t len;
        char *xml;

        snprintf(name, sizeof name, "hostile/%s", cases[i].file);
        assert_int_equal(lrs_ctf_check_file(data_path(name), NULL, NULL, &d),
                         cases[i].err);
        assert_string_equal(d.msg, cases[i].msg);
        /* The same from memory. */
        xml = slurp(data_path(name), &len);
        memset(&d, 0, sizeof d);
        assert_int_equal(read_mem(xml, len, NULL, &d), cases[i].err);
        assert_string_equal(d.msg, cases[i].msg);
        free(xml);
    }
}

/*
 * An external entity must never be read, even by a path the DOCTYPE check
 * does not cover: the bytes of /etc/passwd never reach a diagnostic, and
 * an undeclared entity reference is an error, not an empty string.
 */
static void test_reader__external_entity_never_read(void **state)
{
    static const char undeclared[] =
        "<CTfile><Header/><CTFpupilData><Pupil><Surname>&secret;</Surname>"
        "</Pupil></CTFpupilData></CTfile>";
    static const char xinclude[] =
        "<CTfile xmlns:xi='http://www.w3.org/2001/XInclude'><Header/>"
        "<CTFpupilData><Pupil><Surname><xi:include href='file:///etc/passwd'"
        " parse='text'/></Surname></Pupil></CTFpupilData></CTfile>";
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_ctf_pupil *p;
    struct lrs_ctf_reader *r;

    (void)state;
    assert_int_equal(read_str(undeclared, &d), LRS_EINVAL);
    assert_non_null(strstr(d.msg, "secret"));
    assert_null(strstr(d.msg, "root:"));
    /* XInclude is not processed: the element is unknown and skipped. */
    assert_int_equal(
        lrs_ctf_reader_open_mem(xinclude, sizeof xinclude - 1, NULL, &r, &d),
        LRS_OK);
    assert_int_equal(lrs_ctf_reader_next(r, &p, &d), LRS_OK);
    assert_non_null(p);
    assert_string_equal(p->surname, "");
    lrs_ctf_reader_free(r);
}

/* A 20 MB text node fails at the run limit, long before its end. */
static void test_reader__huge_text_node_fails_fast(void **state)
{
    const size_t big = 20u * 1024 * 1024;
    static const char head[] = "<CTfile><Header/><CTFpupilData><Pupil>"
                               "<Attendance>";
    static const char tail[] = "</Attendance></Pupil></CTFpupilData>"
                               "</CTfile>";
    const size_t len = sizeof head - 1 + big + sizeof tail - 1;
    struct lrs_diag d = LRS_DIAG_INIT;
    char *xml = malloc(len), *dir, path[4096];
    struct timespec t0, t1;
    FILE *f;
    double s;

    (void)state;
    assert_non_null(xml);
    memcpy(xml, head, sizeof head - 1);
    memset(xml + sizeof head - 1, 'A', big);
    memcpy(xml + sizeof head - 1 + big, tail, sizeof tail - 1);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(read_mem(xml, len, NULL, &d), LRS_ELIMIT);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_string_equal(d.msg,
                        "line 1, column 1048616: more than 1048576 bytes "
                        "without markup (a text node, comment or tag too "
                        "large)");
    s = (double)(t1.tv_sec - t0.tv_sec) +
        (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(s < 2.0);
    /* The same from a file. */
    dir = temp_dir();
    snprintf(path, sizeof path, "%s/huge.xml", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(xml, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    memset(&d, 0, sizeof d);
    assert_int_equal(lrs_ctf_check_file(path, NULL, NULL, &d), LRS_ELIMIT);
    assert_non_null(strstr(d.msg, "without markup"));
    rm_dir(dir);
    free(xml);
}

static void test_reader__field_text_limit(void **state)
{
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    assert_int_equal(lrs_buf_adds(&b, "<CTfile><Header/><CTFpupilData>"
                                      "<Pupil>\n<Surname>"),
                     LRS_OK);
    for (int i = 0; i < 4097; i++)
        assert_int_equal(lrs_buf_addch(&b, 'x'), LRS_OK);
    assert_int_equal(lrs_buf_adds(&b, "</Surname></Pupil></CTFpupilData>"
                                      "</CTfile>"),
                     LRS_OK);
    assert_int_equal(read_mem(b.data, b.len, NULL, &d), LRS_ELIMIT);
    assert_string_equal(d.field, "Surname");
    assert_non_null(strstr(d.msg, "text of 'Surname' is longer than 4096"));
    /* 4096 bytes exactly is fine; a long unknown element too. */
    lrs_buf_reset(&b);
    assert_int_equal(lrs_buf_adds(&b, "<CTfile><Header/><CTFpupilData>"
                                      "<Pupil><Surname>"),
                     LRS_OK);
    for (int i = 0; i < 4096; i++)
        assert_int_equal(lrs_buf_addch(&b, 'x'), LRS_OK);
    assert_int_equal(lrs_buf_adds(&b, "</Surname><Notes>"), LRS_OK);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(lrs_buf_addch(&b, 'y'), LRS_OK);
    assert_int_equal(lrs_buf_adds(&b, "</Notes></Pupil></CTFpupilData>"
                                      "</CTfile>"),
                     LRS_OK);
    assert_int_equal(read_mem(b.data, b.len, NULL, &d), LRS_OK);
    lrs_buf_release(&b);
}

static void test_reader__file_size_limit(void **state)
{
    struct lrs_ctf_limits lim;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_ctf_reader *r = (void *)1;
    size_t len;
    char *xml = slurp(data_path("ctf25_sample.xml"), &len);

    (void)state;
    lrs_ctf_limits_init(&lim);
    assert_int_equal(lim.max_file_len, 200u * 1024 * 1024);
    assert_int_equal(lim.max_text_len, 4096);
    assert_int_equal(lim.max_depth, 64);
    lim.max_file_len = 1000;
    assert_int_equal(
        lrs_ctf_reader_open_file(data_path("ctf25_sample.xml"), &lim, &r, &d),
        LRS_ELIMIT);
    assert_null(r);
    assert_non_null(strstr(d.msg, "larger than the limit of 1000"));
    assert_int_equal(lrs_ctf_reader_open_mem(xml, len, &lim, &r, &d),
                     LRS_ELIMIT);
    assert_null(r);
    /* A smaller depth limit than the file needs. */
    lrs_ctf_limits_init(&lim);
    lim.max_depth = 5;
    assert_int_equal(lrs_ctf_reader_open_mem(xml, len, &lim, &r, &d), LRS_OK);
    assert_int_equal(drain(r, NULL, &d), LRS_ELIMIT);
    assert_string_equal(d.msg, "line 42: elements nested deeper than 5");
    lrs_ctf_reader_free(r);
    free(xml);
}

static void test_reader__errors_are_sticky(void **state)
{
    struct lrs_diag d = LRS_DIAG_INIT, d2 = LRS_DIAG_INIT;
    const struct lrs_ctf_pupil *p;
    const struct lrs_ctf_header *h;
    struct lrs_ctf_reader *r;
    size_t len;
    char *xml = slurp(data_path("hostile/truncated.xml"), &len);

    (void)state;
    assert_int_equal(lrs_ctf_reader_open_mem(xml, len, NULL, &r, &d), LRS_OK);
    /* The first pupil is whole and is returned; the error comes after. */
    assert_int_equal(lrs_ctf_reader_next(r, &p, &d), LRS_OK);
    assert_non_null(p);
    assert_string_equal(p->surname, "Okafor");
    assert_int_equal(lrs_ctf_reader_next(r, &p, &d), LRS_EINVAL);
    assert_null(p);
    assert_int_equal(lrs_ctf_reader_next(r, &p, &d2), LRS_EINVAL);
    assert_string_equal(d.msg, d2.msg);
    assert_int_equal(lrs_ctf_reader_header(r, &h, &d2), LRS_EINVAL);
    assert_null(h);
    lrs_ctf_reader_free(r);
    free(xml);
}

static void test_reader__cannot_open(void **state)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_ctf_reader *r;

    (void)state;
    assert_int_equal(
        lrs_ctf_reader_open_file("/nonexistent/x.xml", NULL, &r, &d), LRS_EIO);
    assert_string_equal(d.msg, "cannot open: No such file or directory");
    assert_int_equal(lrs_ctf_reader_open_file("/", NULL, &r, &d), LRS_EIO);
    assert_string_equal(d.msg, "cannot open: is a directory");
    assert_int_equal(read_mem("", 0, NULL, &d), LRS_EINVAL);
    assert_int_equal(read_str("hello", &d), LRS_EINVAL);
    assert_string_equal(d.msg, "line 1, column 1: not XML: a CTF starts "
                               "with '<'");
}

static void test_reader__structure_rules(void **state)
{
    /* Each document breaks one structural rule of the reader. */
    static const struct {
        const char *xml, *msg;
    } cases[] = {
        {"<CTfile><Header/><Header/></CTfile>",
         "line 1: element 'Header' appears twice"},
        {"<CTfile><Header/><CTFpupilData><Pupil><Sex>M</Sex><Gender>M"
         "</Gender></Pupil></CTFpupilData></CTfile>",
         "line 1: pupil has both 'Sex' and 'Gender'"},
        {"<CTfile><Header/><CTFpupilData><Pupil><Address/><Address/>"
         "</Pupil></CTFpupilData></CTfile>",
         "line 1: element 'Address' appears twice"},
        {"<CTfile/>", "no Header in the file"},
        {"<CTfile><Header/></CTfile><Extra/>",
         "line 1, column 27: extra content at the end of the document"},
        {"<!-- <!DOCTYPE in a comment is fine --><?pi x?><CTfile><Heade"
         "r/></CTfile>",
         NULL},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct lrs_diag d = LRS_DIAG_INIT;

        if (!cases[i].msg) {
            assert_int_equal(read_str(cases[i].xml, &d), LRS_OK);
            continue;
        }
        assert_int_equal(read_str(cases[i].xml, &d), LRS_EINVAL);
        assert_string_equal(d.msg, cases[i].msg);
    }
}

/* The same pupil fields repeat in each pupil: the seen marks reset. */
static void test_reader__many_pupils(void **state)
{
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_ctf_reader *r;
    const struct lrs_ctf_pupil *p;
    uint64_t n = 0;

    (void)state;
    assert_int_equal(lrs_buf_adds(&b, "<CTfile><Header/><CTFpupilData>\n"),
                     LRS_OK);
    for (int i = 0; i < 2000; i++)
        assert_int_equal(lrs_buf_addf(&b,
                                      "<Pupil><UPN>U%d</UPN><Surname>S%d"
                                      "</Surname><Address><PostCode>BS1 1AA"
                                      "</PostCode></Address></Pupil>\n",
                                      i, i),
                         LRS_OK);
    assert_int_equal(lrs_buf_adds(&b, "</CTFpupilData></CTfile>\n"), LRS_OK);
    assert_int_equal(lrs_ctf_reader_open_mem(b.data, b.len, NULL, &r, &d),
                     LRS_OK);
    while (lrs_ctf_reader_next(r, &p, &d) == LRS_OK && p) {
        char want[32];

        snprintf(want, sizeof want, "S%llu", (unsigned long long)n);
        assert_string_equal(p->surname, want);
        assert_int_equal(p->line, n + 2);
        n++;
    }
    assert_int_equal(n, 2000);
    lrs_ctf_reader_free(r);
    lrs_buf_release(&b);
}

/*
 * libxml2 keeps element lines only below 65535; the reader still gives the
 * exact line of each <Pupil> past that, from the white space before it.
 */
static void test_reader__line_numbers_past_65535(void **state)
{
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_ctf_reader *r;
    const struct lrs_ctf_pupil *p;
    uint64_t n = 0;

    (void)state;
    assert_int_equal(lrs_buf_adds(&b, "<CTfile>\n<Header/>\n<CTFpupilData>\n"),
                     LRS_OK);
    for (int i = 0; i < 8000; i++)
        assert_int_equal(lrs_buf_adds(&b, "<Pupil>\n<UPN>x</UPN>\n<Notes>\n"
                                          "a\nb\nc\n</Notes>\n<Surname>s"
                                          "</Surname>\n</Pupil>\n"),
                         LRS_OK);
    assert_int_equal(lrs_buf_adds(&b, "</CTFpupilData>\n</CTfile>\n"), LRS_OK);
    assert_int_equal(lrs_ctf_reader_open_mem(b.data, b.len, NULL, &r, &d),
                     LRS_OK);
    while (lrs_ctf_reader_next(r, &p, &d) == LRS_OK && p) {
        assert_int_equal(p->line, 4 + 9 * n);
        n++;
    }
    assert_int_equal(n, 8000);
    lrs_ctf_reader_free(r);
    lrs_buf_release(&b);
}

/* libxml2 must never print: stderr stays empty across every bad file. */
static void test_reader__silent_on_stderr(void **state)
{
    static const char *const files[] = {
        "hostile/billion_laughs.xml", "hostile/invalid_utf8.xml",
        "hostile/truncated.xml",      "hostile/mismatched.xml",
        "hostile/deep.xml",           "hostile/xxe.xml",
    };
    char *dir = temp_dir(), path[4096];
    struct lrs_diag d = LRS_DIAG_INIT;
    int saved, fd;
    off_t size;

    (void)state;
    snprintf(path, sizeof path, "%s/stderr", dir);
    fflush(stderr);
    saved = dup(2);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 2);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        assert_int_not_equal(
            lrs_ctf_check_file(data_path(files[i]), NULL, NULL, &d), LRS_OK);
    assert_int_equal(read_str("<CTfile><Header/><a b='1' b='2'/></CTfile>", &d),
                     LRS_EINVAL);
    assert_int_equal(read_str("<CTfile><Header/>&#0;</CTfile>", &d),
                     LRS_EINVAL);
    fflush(stderr);
    size = lseek(fd, 0, SEEK_END);
    dup2(saved, 2);
    close(saved);
    close(fd);
    assert_int_equal(size, 0);
    rm_dir(dir);
}

/*
 * OOM loop (curl -t): fail the nth allocation through the lrs_ hook and
 * require a clean LRS_ENOMEM or success, and no leak. libxml2's own
 * allocations use its default allocator.
 */
static void test_reader__oom_loop(void **state)
{
    size_t len;
    char *xml = slurp(data_path("ctf25_sample.xml"), &len);
    unsigned long n;

    (void)state;
    for (n = 1; n < 10000; n++) {
        struct lrs_diag d = LRS_DIAG_INIT;
        struct lrs_ctf_reader *r = NULL;
        uint64_t count = 0;
        enum lrs_err err;

        test_alloc_fail_at(n);
        err = lrs_ctf_reader_open_mem(xml, len, NULL, &r, &d);
        if (!err) {
            err = drain(r, &count, &d);
            lrs_ctf_reader_free(r);
        }
        assert_int_equal(test_alloc_live(), 0);
        if (!test_alloc_failed()) {
            test_alloc_reset();
            assert_int_equal(err, LRS_OK);
            assert_int_equal(count, 6);
            break;
        }
        test_alloc_reset();
        assert_int_equal(err, LRS_ENOMEM);
    }
    assert_true(n > 3);
    free(xml);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader__ctf25_header),
        cmocka_unit_test(test_reader__ctf25_pupils),
        cmocka_unit_test(test_reader__ctf24_gender),
        cmocka_unit_test(test_reader__memory_and_check_file_agree),
        cmocka_unit_test(test_reader__trims_and_takes_local_names),
        cmocka_unit_test(test_reader__no_pupils),
        cmocka_unit_test(test_reader__hostile_files),
        cmocka_unit_test(test_reader__external_entity_never_read),
        cmocka_unit_test(test_reader__huge_text_node_fails_fast),
        cmocka_unit_test(test_reader__field_text_limit),
        cmocka_unit_test(test_reader__file_size_limit),
        cmocka_unit_test(test_reader__errors_are_sticky),
        cmocka_unit_test(test_reader__cannot_open),
        cmocka_unit_test(test_reader__structure_rules),
        cmocka_unit_test(test_reader__many_pupils),
        cmocka_unit_test(test_reader__line_numbers_past_65535),
        cmocka_unit_test(test_reader__silent_on_stderr),
        cmocka_unit_test(test_reader__oom_loop),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
