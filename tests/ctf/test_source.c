/*
 * test_source.c - the guarded byte source under the reader (source.c),
 * seen through the public reader on memory input: the prolog scanner that
 * refuses a DOCTYPE, the encoding check, the run and size limits, and the
 * line and column of its diagnostics.
 */
#include "ctftest.h"

static enum lrs_err read_with(const char *xml, size_t len,
                              const struct lrs_ctf_limits *lim,
                              struct lrs_diag *d)
{
    const struct lrs_ctf_pupil *p;
    struct lrs_ctf_reader *r;
    enum lrs_err err;

    err = lrs_ctf_reader_open_mem(xml, len, lim, &r, d);
    if (err)
        return err;
    while ((err = lrs_ctf_reader_next(r, &p, d)) == LRS_OK && p)
        ;
    lrs_ctf_reader_free(r);
    return err;
}

static enum lrs_err read_str(const char *xml, struct lrs_diag *d)
{
    return read_with(xml, strlen(xml), NULL, d);
}

/* What the prolog may hold before the root, and what it may not. */
static void test_source__prolog(void **state)
{
    static const struct {
        const char *xml;
        const char *msg; /* NULL: accepted */
    } cases[] = {
        {"<CTfile><Header/></CTfile>", NULL},
        {"\xef\xbb\xbf<CTfile><Header/></CTfile>", NULL},
        {"\n\t <!-- c -->\n<CTfile><Header/></CTfile>", NULL},
        {"<?xml version='1.0'?><!-- a - b <!DOCTYPE x> -> --><?x a?b ?"
         "?>\n"
         "<CTfile><Header/></CTfile>",
         NULL},
        /* After the root has started, "<!" is CDATA or comment only. */
        {"<CTfile><Header><!-- <!DOCTYPE --><![CDATA[x]]></Header>"
         "</CTfile>",
         NULL},
        {"<!DOCTYPE CTfile><CTfile><Header/></CTfile>",
         "line 1, column 1: a DOCTYPE is not allowed in a CTF (no DTDs, no "
         "entities)"},
        {"<?xml version='1.0'?>\n  <!DOCTYPE CTfile [\n]><CTfile/>",
         "line 2, column 3: a DOCTYPE is not allowed in a CTF (no DTDs, no "
         "entities)"},
        {"<!-- x --><!ENTITY a 'b'><CTfile/>",
         "line 1, column 11: a DOCTYPE is not allowed in a CTF (no DTDs, no "
         "entities)"},
        {"<!-x><CTfile/>",
         "line 1, column 1: a DOCTYPE is not allowed in a CTF (no DTDs, no "
         "entities)"},
        {"\xef\xbb<CTfile/>",
         "line 1, column 1: invalid UTF-8 byte-order mark"},
        {"\xfe\xff\x00<", "line 1, column 1: unsupported encoding (UTF-16 "
                          "or UTF-32); a CTF must be UTF-8"},
        {"CTfile", "line 1, column 1: not XML: a CTF starts with '<'"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct lrs_diag d = LRS_DIAG_INIT;
        const size_t len = i == 10 ? 4 : strlen(cases[i].xml);
        const enum lrs_err err = read_with(cases[i].xml, len, NULL, &d);

        if (!cases[i].msg) {
            assert_int_equal(err, LRS_OK);
            continue;
        }
        assert_int_equal(err, LRS_EINVAL);
        assert_string_equal(d.field, "ctf");
        assert_string_equal(d.msg, cases[i].msg);
    }
}

/* Lines count '\n'; columns count characters, not UTF-8 bytes. */
static void test_source__positions_count_characters(void **state)
{
    struct lrs_ctf_limits lim;
    struct lrs_diag d = LRS_DIAG_INIT;
    static const char xml[] = "<CTfile>\n<Header/>\n"
                              "<N>\xc3\xa9\xc3\xa9\xc3\xa9xxxxxxxxxxxxxxx</N>"
                              "</CTfile>";

    (void)state;
    lrs_ctf_limits_init(&lim);
    lim.max_run_len = 10;
    assert_int_equal(read_with(xml, sizeof xml - 1, &lim, &d), LRS_ELIMIT);
    /* '<' of <N> at column 1, run counts from 'N' (column 2): the 11th
     * byte after it is the 3rd 'x', at character column 9. */
    assert_string_equal(d.msg, "line 3, column 9: more than 10 bytes without "
                               "markup (a text node, comment or tag too "
                               "large)");
}

/* The run limit covers tags and attributes too, and counts exactly. */
static void test_source__run_limit_boundary(void **state)
{
    struct lrs_ctf_limits lim;
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    lrs_ctf_limits_init(&lim);
    lim.max_run_len = 100;
    /* "CTfile a='" is 10 bytes, then 88 of value, then "'>" = 100. */
    assert_int_equal(lrs_buf_adds(&b, "<CTfile a='"), LRS_OK);
    for (int i = 0; i < 88; i++)
        assert_int_equal(lrs_buf_addch(&b, 'v'), LRS_OK);
    assert_int_equal(lrs_buf_adds(&b, "'><Header/></CTfile>"), LRS_OK);
    assert_int_equal(read_with(b.data, b.len, &lim, &d), LRS_OK);
    lrs_buf_reset(&b);
    assert_int_equal(lrs_buf_adds(&b, "<CTfile a='"), LRS_OK);
    for (int i = 0; i < 89; i++)
        assert_int_equal(lrs_buf_addch(&b, 'v'), LRS_OK);
    assert_int_equal(lrs_buf_adds(&b, "'><Header/></CTfile>"), LRS_OK);
    assert_int_equal(read_with(b.data, b.len, &lim, &d), LRS_ELIMIT);
    assert_non_null(strstr(d.msg, "line 1, column 102: more than 100 bytes"));
    lrs_buf_release(&b);
}

static void test_source__size_limit_counts_every_byte(void **state)
{
    static const char xml[] = "<CTfile><Header/></CTfile>\n"; /* 27 */
    struct lrs_ctf_limits lim;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    lrs_ctf_limits_init(&lim);
    lim.max_file_len = 27;
    assert_int_equal(read_with(xml, 27, &lim, &d), LRS_OK);
    lim.max_file_len = 26;
    assert_int_equal(read_with(xml, 27, &lim, &d), LRS_ELIMIT);
    assert_string_equal(d.msg, "file is 27 bytes, larger than the limit of "
                               "26");
}

/* NUL bytes and binary junk are refused as XML, never read past. */
static void test_source__binary_input(void **state)
{
    static const char junk[] = "<CTfile>\0\0\0<Header/></CTfile>";
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    assert_int_equal(read_with(junk, sizeof junk - 1, NULL, &d), LRS_EINVAL);
    assert_true(strncmp(d.msg, "line 1, column ", 15) == 0);
    assert_int_equal(read_str("<", &d), LRS_EINVAL);
    assert_int_equal(read_str("<!", &d), LRS_EINVAL);
    assert_int_equal(read_str("<!-- unterminated", &d), LRS_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source__prolog),
        cmocka_unit_test(test_source__positions_count_characters),
        cmocka_unit_test(test_source__run_limit_boundary),
        cmocka_unit_test(test_source__size_limit_counts_every_byte),
        cmocka_unit_test(test_source__binary_input),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
