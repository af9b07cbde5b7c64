/*
 * test_model.c - the model file (lib/match/model.c): the round trip, the
 * stable text, the strict reader's errors (each naming its line and key)
 * and lrs_match_index_set_model().
 */
#include "fixture.h"

#include <math.h>

/* The default model as text. */
static void default_text(struct lrs_buf *b)
{
    struct lrs_match_model m;

    lrs_match_model_default(&m);
    lrs_buf_init(b, 0);
    assert_int_equal(lrs_match_model_write(&m, b), LRS_OK);
}

/*
 * The default text with the line of `key` replaced by `line` (NULL:
 * deleted), or `line` appended when `key` is NULL.
 */
static void edited(const char *key, const char *line, struct lrs_buf *out)
{
    struct lrs_buf b;
    const char *p, *end;

    default_text(&b);
    lrs_buf_init(out, 0);
    for (p = b.data; *p; p = end + 1) {
        end = strchr(p, '\n');
        assert_non_null(end);
        if (key && strncmp(p, key, strlen(key)) == 0 && p[strlen(key)] == ' ') {
            if (line)
                assert_int_equal(lrs_buf_addf(out, "%s\n", line), LRS_OK);
            continue;
        }
        assert_int_equal(lrs_buf_add(out, p, (size_t)(end - p + 1)), LRS_OK);
    }
    if (!key)
        assert_int_equal(lrs_buf_addf(out, "%s\n", line), LRS_OK);
    lrs_buf_release(&b);
}

static void test_model__default_text_is_stable(void **state)
{
    struct lrs_buf b;

    (void)state;
    default_text(&b);
    /* The head of the file, as docs/matching.md shows it. */
    assert_true(strncmp(b.data,
                        "# openlrs match model (docs/matching.md, \"Model "
                        "file\")\nlrs-match-model 3\ngiven.exact.m 0.88\n"
                        "given.exact.u 0.01\ngiven.token.m 0.03\n",
                        90) == 0);
    assert_non_null(strstr(b.data, "\ngiven.initial.u 0.00035\n"));
    assert_non_null(strstr(b.data, "\nname_frequency 1\n"));
    assert_non_null(strstr(b.data, "\nmax_candidates 20000\n"));
    assert_null(strstr(b.data, "missing"));
    assert_null(strstr(b.data, "given.former"));
    lrs_buf_release(&b);
}

static void test_model__round_trip(void **state)
{
    struct lrs_match_model m, back;
    struct lrs_buf a, b;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    lrs_match_model_default(&m);
    /* Values with no short decimal form, as training may give. */
    m.given[LRS_MATCH_NAME_EXACT].u = 1.0 / 3;
    m.dob[LRS_MATCH_DOB_EXACT].u = 3.9e-4 + 1e-19;
    m.postcode[LRS_MATCH_POSTCODE_AREA].m = 0.1 + 0.2;
    m.name_frequency = false;
    m.high = -0.5;
    m.low = -7.25;
    m.margin = 6.75;
    m.max_block = 77;
    lrs_buf_init(&a, 0);
    lrs_buf_init(&b, 0);
    assert_int_equal(lrs_match_model_write(&m, &a), LRS_OK);
    assert_int_equal(lrs_match_model_read(lrs_buf_str(&a), &back, &d), LRS_OK);
    assert_int_equal(lrs_match_model_write(&back, &b), LRS_OK);
    assert_string_equal(a.data, b.data);
    assert_true(back.given[LRS_MATCH_NAME_EXACT].u == 1.0 / 3);
    assert_true(back.postcode[LRS_MATCH_POSTCODE_AREA].m == 0.1 + 0.2);
    assert_false(back.name_frequency);
    assert_true(back.high == -0.5 && back.low == -7.25);
    assert_int_equal(back.max_block, 77);
    /* The levels the file leaves out are fixed. */
    assert_true(back.given[LRS_MATCH_NAME_MISSING].m == 1);
    assert_true(back.postcode[LRS_MATCH_POSTCODE_UNKNOWN].u == 1);
    assert_true(back.middle[LRS_MATCH_NAME_FORMER].m == 1);
    lrs_buf_release(&a);
    lrs_buf_release(&b);
}

static void test_model__comments_blank_lines_no_final_newline(void **state)
{
    struct lrs_buf b;
    struct lrs_match_model m;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    edited(NULL, "\n# trained 2026-01-01\n", &b);
    lrs_buf_truncate(&b, b.len - 1);
    assert_int_equal(lrs_match_model_read(lrs_buf_str(&b), &m, &d), LRS_OK);
    assert_true(m.dob[LRS_MATCH_DOB_EXACT].m == 0.95);
    lrs_buf_release(&b);
}

/* A malformed file: the edit, then the diag expected. */
struct bad {
    const char *key;  /* line replaced; NULL: `line` appended */
    const char *line; /* NULL: the line deleted */
    const char *field;
    const char *msg;
};

/* Line numbers: 1 is the comment, 2 the version, 3 given.exact.m. */
static const struct bad bads[] = {
    {"given.exact.m", "given.exact.m 1.5", "given.exact.m",
     "line 3: given.exact.m must be a probability in (0, 1]"},
    {"given.exact.u", "given.exact.u 0", "given.exact.u",
     "line 4: given.exact.u must be a probability in (0, 1]"},
    {"given.exact.u", "given.exact.u -0.01", "given.exact.u",
     "line 4: given.exact.u must be a probability in (0, 1]"},
    {"given.exact.m", "given.exact.m nan", "given.exact.m",
     "line 3: given.exact.m: 'nan' is not a plain decimal number"},
    {"given.exact.m", "given.exact.m inf", "given.exact.m",
     "line 3: given.exact.m: 'inf' is not a plain decimal number"},
    {"given.exact.m", "given.exact.m 0x1p-3", "given.exact.m",
     "line 3: given.exact.m: '0x1p-3' is not a plain decimal number"},
    {"given.exact.m", "given.exact.m +0.5", "given.exact.m",
     "line 3: given.exact.m: '+0.5' is not a plain decimal number"},
    {"given.exact.m", "given.exact.m .5", "given.exact.m",
     "line 3: given.exact.m: '.5' is not a plain decimal number"},
    {"given.exact.m", "given.exact.m 5.", "given.exact.m",
     "line 3: given.exact.m: '5.' is not a plain decimal number"},
    {"given.exact.m", "given.exact.m  0.88", "given.exact.m",
     "line 3: given.exact.m: ' 0.88' is not a plain decimal number"},
    {"given.exact.m", "given.exact.m 0.88 ", "given.exact.m",
     "line 3: given.exact.m: '0.88 ' is not a plain decimal number"},
    {"given.exact.m", "given.exact.m", "model", "line 3: expected 'key value'"},
    {"given.exact.m", "given.exact.m\t0.88", "model",
     "line 3: control character 0x09"},
    {"given.exact.m", "given.exact.m 0.88\r", "model",
     "line 3: control character 0x0d"},
    {NULL, "given.exakt.m 0.5", "model",
     "line 100: unknown key 'given.exakt.m'"},
    {NULL, "dob.exact.u 0.001", "dob.exact.u",
     "line 100: 'dob.exact.u' is given twice"},
    {NULL, "given.missing.m 1", "model",
     "line 100: unknown key 'given.missing.m'"},
    {"postcode.area.u", NULL, "postcode.area.u",
     "line 98 (end of file): key 'postcode.area.u' is missing"},
    {"max_possible", "max_possible 0", "max_possible",
     "line 97: max_possible must be in [1, 1000]"},
    {"max_candidates", "max_candidates 1.5", "max_candidates",
     "line 99: max_candidates must be in [1, 16777216]"},
    {"name_frequency", "name_frequency 2", "name_frequency",
     "line 85: name_frequency must be 0 or 1"},
    {"high", "high 1e999", "high", "line 92: high must be in [-100, 100]"},
    {"margin", "margin 20", "margin", "high - low must be at least margin"},
    {"jw_mid", "jw_mid 0.95", "jw_mid", "must not exceed jw_high"},
    {"lrs-match-model", "lrs-match-model 4", "version",
     "line 2: version 4, this program reads version 3 and older"},
    {"lrs-match-model", "lrs-match-model 1", "middle.one_side.m",
     "line 39: 'middle.one_side.m' is not a key of version 1"},
    {"lrs-match-model", "lrs-match-model 2", "middle.one_side.m",
     "line 39: 'middle.one_side.m' is not a key of version 2"},
    {"lrs-match-model", "lrs-match-model one", "version",
     "line 2: the version is not a whole number"},
    {"lrs-match-model", NULL, "version",
     "line 2: expected 'lrs-match-model 3' before any key"},
};

static void test_model__malformed_files_name_line_and_key(void **state)
{
    (void)state;
    for (size_t i = 0; i < FX_LEN(bads); i++) {
        struct lrs_buf b;
        struct lrs_match_model m;
        struct lrs_diag d = LRS_DIAG_INIT;

        lrs_match_model_default(&m);
        m.high = 42;
        edited(bads[i].key, bads[i].line, &b);
        assert_int_equal(lrs_match_model_read(lrs_buf_str(&b), &m, &d),
                         LRS_EINVAL);
        assert_non_null(d.field);
        if (strcmp(d.field, bads[i].field) != 0 ||
            strcmp(d.msg, bads[i].msg) != 0)
            fail_msg("case %zu: got %s: %s", i, d.field, d.msg);
        assert_true(m.high == 42); /* untouched on error */
        lrs_buf_release(&b);
    }
}

static void test_model__empty_and_nul(void **state)
{
    struct lrs_match_model m;
    struct lrs_diag d = LRS_DIAG_INIT;
    static const char nul[] = "lrs-match-model 1\ngiven\0.exact.m 0.8\n";

    (void)state;
    assert_int_equal(lrs_match_model_read(lrs_str_c(""), &m, &d), LRS_EINVAL);
    assert_string_equal(d.field, "version");
    assert_string_equal(d.msg, "line 0: no 'lrs-match-model 3' line");
    assert_int_equal(
        lrs_match_model_read((struct lrs_str){nul, sizeof nul - 1}, &m, &d),
        LRS_EINVAL);
    assert_string_equal(d.msg, "line 2: control character 0x00");
}

/* A version 1 file (before pair_prior, high_weak and middle.one_side)
 * still reads: the keys it lacks take their shipped values, the others
 * its own. */
static void test_model__version_1_reads_with_shipped_new_keys(void **state)
{
    struct lrs_buf v1, tmp;
    struct lrs_match_model m, def;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    lrs_match_model_default(&def);
    edited("lrs-match-model", "lrs-match-model 1", &tmp);
    lrs_buf_init(&v1, 0);
    for (const char *p = tmp.data, *end; *p; p = end + 1) {
        end = strchr(p, '\n');
        assert_non_null(end);
        if (strncmp(p, "pair_prior ", 11) == 0 ||
            strncmp(p, "high_weak ", 9) == 0 ||
            strncmp(p, "middle.one_side.", 16) == 0)
            continue;
        if (strncmp(p, "high ", 5) == 0) {
            assert_int_equal(lrs_buf_adds(&v1, "high 6\n"), LRS_OK);
            continue;
        }
        assert_int_equal(lrs_buf_add(&v1, p, (size_t)(end - p + 1)), LRS_OK);
    }
    assert_int_equal(lrs_match_model_read(lrs_buf_str(&v1), &m, &d), LRS_OK);
    assert_true(m.high == 6);
    assert_true(m.pair_prior == def.pair_prior);
    assert_true(m.high_weak == def.high_weak);
    assert_true(m.middle[LRS_MATCH_NAME_ONE_SIDE].m ==
                def.middle[LRS_MATCH_NAME_ONE_SIDE].m);
    assert_true(m.middle[LRS_MATCH_NAME_ONE_SIDE].u ==
                def.middle[LRS_MATCH_NAME_ONE_SIDE].u);
    lrs_buf_release(&v1);
    lrs_buf_release(&tmp);
}

static void test_model__index_set_model(void **state)
{
    struct lrs_match_index *idx, *bad;
    struct lrs_match_model m;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    assert_int_equal(lrs_match_index_new(NULL, 0, &idx), LRS_OK);
    lrs_match_model_default(&m);
    m.high = 7.5;
    assert_int_equal(lrs_match_index_set_model(idx, &m, &d), LRS_OK);
    assert_true(lrs_match_index_model(idx)->high == 7.5);
    m.dob[LRS_MATCH_DOB_EXACT].u = 0;
    assert_int_equal(lrs_match_index_set_model(idx, &m, &d), LRS_EINVAL);
    assert_string_equal(d.field, "dob.exact.u");
    assert_true(lrs_match_index_model(idx)->dob[LRS_MATCH_DOB_EXACT].u > 0);
    /* A bad model never makes an index. */
    assert_int_equal(lrs_match_index_new(&m, 0, &bad), LRS_EINVAL);
    assert_null(bad);
    lrs_match_index_free(idx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model__default_text_is_stable),
        cmocka_unit_test(test_model__round_trip),
        cmocka_unit_test(test_model__comments_blank_lines_no_final_newline),
        cmocka_unit_test(test_model__malformed_files_name_line_and_key),
        cmocka_unit_test(test_model__empty_and_nul),
        cmocka_unit_test(test_model__version_1_reads_with_shipped_new_keys),
        cmocka_unit_test(test_model__index_set_model),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
