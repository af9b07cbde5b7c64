/*
 * test_csv.c - lib/synth's CSV files: the eval reader over lib/csv (slices,
 * lines, the end, header and field-count rules, lib/csv's diagnostics) and
 * the buffered CSV writer.
 */
#include "testutil.h"

#include "base/base.h"

#include "synth/synth_int.h"

#include <string.h>

static void init(struct lrs__csv *c, const char *text)
{
    lrs__csv_init(c, "t.csv", lrs_str_c(text));
}

static void expect_field(struct lrs_str f, const char *want)
{
    assert_int_equal(f.len, strlen(want));
    assert_memory_equal(f.ptr, want, f.len);
}

static void test_csv__plain_quoted_and_escaped(void **state)
{
    struct lrs__csv c;
    struct lrs_str f[8];
    size_t n;

    (void)state;
    init(&c, "a,\"b,c\",\"say \"\"hi\"\"\",\r\n\"x\ny\",,z,\n");
    assert_int_equal(lrs__csv_next(&c, f, 8, &n, NULL), LRS_OK);
    assert_int_equal(n, 4);
    expect_field(f[0], "a");
    expect_field(f[1], "b,c");
    expect_field(f[2], "say \"hi\"");
    expect_field(f[3], "");
    assert_int_equal(c.line, 1);
    assert_int_equal(lrs__csv_next(&c, f, 8, &n, NULL), LRS_OK);
    assert_int_equal(n, 4);
    expect_field(f[0], "x\ny");
    expect_field(f[1], "");
    expect_field(f[2], "z");
    expect_field(f[3], "");
    assert_int_equal(c.line, 2);
    assert_int_equal(lrs__csv_next(&c, f, 8, &n, NULL), LRS_ENOTFOUND);
    lrs__csv_release(&c);
}

static void test_csv__last_line_end_optional_and_bom_skipped(void **state)
{
    struct lrs__csv c;
    struct lrs_str f[4];
    size_t n;

    (void)state;
    init(&c, "\xef\xbb\xbfid,x\n1,2");
    assert_int_equal(lrs__csv_header(&c, "id,x", NULL), LRS_OK);
    assert_int_equal(lrs__csv_next(&c, f, 4, &n, NULL), LRS_OK);
    assert_int_equal(n, 2);
    expect_field(f[1], "2");
    assert_int_equal(lrs__csv_next(&c, f, 4, &n, NULL), LRS_ENOTFOUND);
    lrs__csv_release(&c);
}

/* Each malformed text and the words its diagnostic must hold. */
static const struct {
    const char *text;
    const char *msg;
} bad[] = {
    {"a,\"b\n", "t.csv line 1, column 2: unterminated quoted field"},
    {"a,b\"c\n", "t.csv line 1, column 2: quote inside an unquoted field"},
    {"ok,x\n\"a\"b,c\n",
     "t.csv line 2, column 1: unexpected character after a closing quote"},
    {"a,b,c,d,e\n", "t.csv line 1, column 5: too many fields"},
    {"a,b\nc\n", "t.csv line 2: has 1 fields, expected 2"},
};

static void test_csv__malformed_names_line_and_column(void **state)
{
    (void)state;
    for (size_t i = 0; i < LRS_ARRAY_LEN(bad); i++) {
        struct lrs__csv c;
        struct lrs_str f[4];
        struct lrs_diag d = LRS_DIAG_INIT;
        size_t n;
        enum lrs_err err;

        init(&c, bad[i].text);
        do
            err = lrs__csv_next(&c, f, 4, &n, &d);
        while (err == LRS_OK);
        assert_int_equal(err, LRS_EINVAL);
        assert_string_equal(d.msg, bad[i].msg);
        lrs__csv_release(&c);
    }
}

static void test_csv__header_must_match_exactly(void **state)
{
    struct lrs__csv c;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    init(&c, "id,uln\n");
    assert_int_equal(lrs__csv_header(&c, "id,uln,kind", &d), LRS_EINVAL);
    assert_string_equal(d.msg,
                        "t.csv line 1, column 3: header must be 'id,uln,kind'");
    lrs__csv_release(&c);
    init(&c, "");
    assert_int_equal(lrs__csv_header(&c, "id", &d), LRS_EINVAL);
    assert_string_equal(d.field, "header");
    lrs__csv_release(&c);
}

static void test_csv__writer_quotes_only_when_needed(void **state)
{
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    struct lrs__out o;

    (void)state;
    assert_non_null(f);
    assert_int_equal(lrs__out_init(&o, f), LRS_OK);
    lrs__out_field(&o, "O'Brien");
    lrs__out_ch(&o, ',');
    lrs__out_field(&o, "Flat 3, 2 Mill Lane");
    lrs__out_ch(&o, ',');
    lrs__out_field(&o, "a\"b");
    lrs__out_ch(&o, ',');
    lrs__out_u64(&o, 42, 6);
    assert_int_equal(lrs__out_finish(&o), LRS_OK);
    fclose(f);
    assert_string_equal(mem, "O'Brien,\"Flat 3, 2 Mill Lane\",\"a\"\"b\","
                             "000042");
    free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv__plain_quoted_and_escaped),
        cmocka_unit_test(test_csv__last_line_end_optional_and_bom_skipped),
        cmocka_unit_test(test_csv__malformed_names_line_and_column),
        cmocka_unit_test(test_csv__header_must_match_exactly),
        cmocka_unit_test(test_csv__writer_quotes_only_when_needed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
