/*
 * test_csv.c - the strict RFC 4180 reader, UTF-8 checks and the writer
 * (lib/csv/csv.c). Error vectors name the rule of RFC 4180 section 2 they
 * break, or the limit.
 */
#include "testutil.h"

#include <lrs/csv.h>

#include <stdio.h>
#include <string.h>

/* Read all of `text`; returns the error, fills `out` with "a|b\n" lines. */
static enum lrs_err read_all(const char *text, size_t len, char *out,
                             size_t cap, struct lrs_diag *d,
                             const struct lrs_csv_opts *o)
{
    struct lrs_csv_mem m = {text, len};
    struct lrs_csv *c = NULL;
    struct lrs_csv_record r;
    enum lrs_err err;
    bool eof = false;
    size_t n = 0;

    out[0] = '\0';
    assert_int_equal(lrs_csv_new(lrs_csv_mem_read, &m, o, &c), LRS_OK);
    for (;;) {
        err = lrs_csv_next(c, &r, &eof, d);
        if (err || eof)
            break;
        for (size_t i = 0; i < r.count; i++)
            n += (size_t)snprintf(out + n, cap - n, "%s%.*s", i ? "|" : "",
                                  (int)r.fields[i].len, r.fields[i].ptr);
        n += (size_t)snprintf(out + n, cap - n, "@%llu\n",
                              (unsigned long long)r.line);
    }
    if (err) {
        /* Sticky: the same error again. */
        struct lrs_diag d2 = LRS_DIAG_INIT;

        assert_int_equal(lrs_csv_next(c, &r, &eof, &d2), err);
        assert_string_equal(d2.msg, d->msg);
    }
    lrs_csv_free(c);
    return err;
}

static void test_csv__reads_plain_and_quoted(void **state)
{
    static const char in[] = "\xef\xbb\xbf"
                             "a,b,c\r\n"
                             "1,\"x, \"\"y\"\"\",\n"
                             "2,\"two\nlines\",z";
    char out[256];
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    assert_int_equal(read_all(in, sizeof in - 1, out, sizeof out, &d, NULL),
                     LRS_OK);
    assert_string_equal(out, "a|b|c@1\n1|x, \"y\"|@2\n2|two\nlines|z@3\n");
}

static void test_csv__empty_input_is_eof(void **state)
{
    char out[16];
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    assert_int_equal(read_all("", 0, out, sizeof out, &d, NULL), LRS_OK);
    assert_string_equal(out, "");
}

struct bad {
    const char *in;
    enum lrs_err err;
    const char *msg;
};

static void test_csv__errors_name_line_column_rule(void **state)
{
    static const struct bad v[] = {
        /* RFC 4180 2.5: a field with a quote must be quoted. */
        {"a,b\n1,x\"y\n", LRS_EINVAL,
         "t.csv line 2, column 2: quote inside an unquoted field"},
        {"a,b\n1,\"xy\n", LRS_EINVAL,
         "t.csv line 2, column 2: unterminated quoted field"},
        {"a,b\n\"x\"y,1\n", LRS_EINVAL,
         "t.csv line 2, column 1: unexpected character after a closing "
         "quote"},
        /* RFC 4180 2.4: each line the same number of fields. */
        {"a,b\n1,2\n3\n", LRS_EINVAL, "t.csv line 3: has 1 fields, expected 2"},
        {"a,b\n1,2,3\n", LRS_EINVAL, "t.csv line 2: has 3 fields, expected 2"},
        {"a,b\n1\r2,3\n", LRS_EINVAL,
         "t.csv line 2, column 1: carriage return not followed by a line "
         "feed"},
        {"a,b\n1,\xff\xfe\n", LRS_EINVAL,
         "t.csv line 2, column 2: invalid UTF-8 at byte 1 of the field"},
        {"a,b\n1,ab\xc0\xaf\n", LRS_EINVAL, /* overlong '/' */
         "t.csv line 2, column 2: invalid UTF-8 at byte 3 of the field"},
        {"a,b\n1,\xed\xa0\x80\n", LRS_EINVAL, /* surrogate */
         "t.csv line 2, column 2: invalid UTF-8 at byte 1 of the field"},
        {"a,b\n1,0123456789A\n", LRS_ELIMIT,
         "t.csv line 2, column 2: field longer than 10 bytes"},
        {"a,b,c,d,e\n", LRS_ELIMIT,
         "t.csv line 1, column 5: more than 4 "
         "fields"},
    };
    const struct lrs_csv_opts o = {"t.csv", 10, 4, 0};

    (void)state;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char out[256];
        struct lrs_diag d = LRS_DIAG_INIT;

        assert_int_equal(
            read_all(v[i].in, strlen(v[i].in), out, sizeof out, &d, &o),
            v[i].err);
        assert_string_equal(d.field, "csv");
        assert_string_equal(d.msg, v[i].msg);
    }
}

static void test_csv__nul_byte_is_rejected(void **state)
{
    static const char in[] = "a\nx\0y\n";
    char out[64];
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    assert_int_equal(read_all(in, sizeof in - 1, out, sizeof out, &d, NULL),
                     LRS_EINVAL);
    assert_string_equal(d.msg, "input line 2, column 1: field holds a NUL "
                               "byte");
}

/* Records longer than one 64 KiB chunk are read whole. */
static void test_csv__spans_chunks(void **state)
{
    static char in[200000];
    struct lrs_csv_mem m;
    struct lrs_csv *c = NULL;
    struct lrs_csv_record r;
    const struct lrs_csv_opts o = {NULL, 100000, 0, 0};
    bool eof;
    size_t n = 0;

    (void)state;
    n += (size_t)snprintf(in, sizeof in, "h\n\"");
    memset(in + n, 'x', 90000);
    n += 90000;
    in[n++] = '"';
    in[n++] = '\n';
    m = (struct lrs_csv_mem){in, n};
    assert_int_equal(lrs_csv_new(lrs_csv_mem_read, &m, &o, &c), LRS_OK);
    assert_int_equal(lrs_csv_next(c, &r, &eof, NULL), LRS_OK);
    assert_int_equal(lrs_csv_next(c, &r, &eof, NULL), LRS_OK);
    assert_false(eof);
    assert_int_equal(r.fields[0].len, 90000);
    assert_int_equal(lrs_csv_next(c, &r, &eof, NULL), LRS_OK);
    assert_true(eof);
    assert_int_equal(lrs_csv_bytes(c), n);
    lrs_csv_free(c);
}

static void test_csv__writer_quotes_only_when_needed(void **state)
{
    struct lrs_buf b = LRS_BUF_INIT;

    (void)state;
    assert_int_equal(lrs_csv_put(&b, LRS_STR("O'Brien"), true), LRS_OK);
    assert_int_equal(lrs_csv_put(&b, LRS_STR("Flat 3, Mill Lane"), false),
                     LRS_OK);
    assert_int_equal(lrs_csv_put(&b, LRS_STR("say \"hi\""), false), LRS_OK);
    assert_int_equal(lrs_csv_put(&b, LRS_STR(""), false), LRS_OK);
    assert_string_equal(b.data,
                        "O'Brien,\"Flat 3, Mill Lane\",\"say \"\"hi\"\"\",");
    lrs_buf_release(&b);
}

static void test_csv__utf8_rules(void **state)
{
    (void)state;
    assert_true(lrs_utf8_valid(LRS_STR("Zoë Wiśniewska 山田")));
    assert_true(lrs_utf8_valid(LRS_STR("\xf4\x8f\xbf\xbf")));  /* U+10FFFF */
    assert_false(lrs_utf8_valid(LRS_STR("\xf4\x90\x80\x80"))); /* > max */
    assert_false(lrs_utf8_valid(LRS_STR("\xe0\x80\xaf")));     /* overlong */
    assert_false(lrs_utf8_valid(LRS_STR("\xc3")));             /* truncated */
    assert_int_equal(lrs_utf8_count(LRS_STR("Zoë")), 3);
}

/* OOM loop: every allocation failure is a clean LRS_ENOMEM, no leak. */
static void test_csv__oom_loop(void **state)
{
    static const char in[] = "a,b\n\"1\",2\n3,4\n";

    (void)state;
    for (unsigned long n = 1; n < 50; n++) {
        struct lrs_csv_mem m = {in, sizeof in - 1};
        struct lrs_csv *c = NULL;
        struct lrs_csv_record r;
        enum lrs_err err;
        bool eof = false;

        test_alloc_fail_at(n);
        err = lrs_csv_new(lrs_csv_mem_read, &m, NULL, &c);
        while (!err && !eof)
            err = lrs_csv_next(c, &r, &eof, NULL);
        lrs_csv_free(c);
        assert_true(err == LRS_OK || err == LRS_ENOMEM);
        assert_int_equal(test_alloc_live(), 0);
        if (!test_alloc_failed()) {
            test_alloc_reset();
            break;
        }
        test_alloc_reset();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv__reads_plain_and_quoted),
        cmocka_unit_test(test_csv__empty_input_is_eof),
        cmocka_unit_test(test_csv__errors_name_line_column_rule),
        cmocka_unit_test(test_csv__nul_byte_is_rejected),
        cmocka_unit_test(test_csv__spans_chunks),
        cmocka_unit_test(test_csv__writer_quotes_only_when_needed),
        cmocka_unit_test(test_csv__utf8_rules),
        cmocka_unit_test(test_csv__oom_loop),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
