/*
 * test_explain.c - the readable and JSON explanations of a find
 * (lib/match/explain.c).
 */
#include "fixture.h"

static const struct fx_learner reg[] = {
    {1, "Ruby", "", "Ahmed", "2011-12-01", 2, "LU1 3JH", NULL, NULL},
    {2, "Ruby", "", "Ahmed", "2011-12-01", 2, "LU1 3JJ", NULL, NULL},
};

static bool balanced(const char *s)
{
    int depth = 0;
    bool in_string = false;

    for (; *s; s++) {
        if (*s == '"')
            in_string = !in_string;
        else if (!in_string && (*s == '{' || *s == '['))
            depth++;
        else if (!in_string && (*s == '}' || *s == ']'))
            depth--;
        if (depth < 0)
            return false;
    }
    return depth == 0 && !in_string;
}

static void test_explain__text_and_json(void **state)
{
    struct lrs_match_index *idx;
    struct lrs_match_result res;
    struct lrs_match_query q;
    struct lrs_buf b = LRS_BUF_INIT;
    char uln[16];

    (void)state;
    assert_int_equal(lrs_match_index_new(NULL, 0, &idx), LRS_OK);
    fx_insert(idx, &reg[0]);
    lrs_match_result_init(&res);
    q = fx_query("Ruby", "", "Ahmed", "2011-12-01", 2, "LU1 3JH");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
    snprintf(uln, sizeof uln, "%llu", (unsigned long long)fx_uln(1));

    assert_int_equal(lrs_match_explain_text(&res, &b), LRS_OK);
    assert_non_null(strstr(b.data, "WSRC0004 exact match"));
    assert_non_null(strstr(b.data, uln));
    assert_non_null(strstr(b.data, "postcode"));
    assert_non_null(strstr(b.data, "exact"));
    assert_non_null(strstr(b.data, "missing")); /* the middle name */
    lrs_buf_reset(&b);

    assert_int_equal(lrs_match_explain_json(&res, &b), LRS_OK);
    assert_true(balanced(b.data));
    assert_int_equal(strncmp(b.data, "{\"code\":\"WSRC0004\"", 18), 0);
    assert_non_null(strstr(b.data, "\"given\":{\"level\":\"exact\""));
    assert_non_null(strstr(b.data, "\"dob\":{\"level\":\"exact\""));
    assert_non_null(strstr(b.data, "\"blocks_probed\":"));
    assert_non_null(strstr(b.data, uln));
    lrs_buf_reset(&b);

    /* A possible match lists both, each with its fields. */
    fx_insert(idx, &reg[1]);
    q = fx_query("Ruby", "", "Ahmed", "2011-12-01", 2, "");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_POSSIBLE);
    assert_int_equal(lrs_match_explain_json(&res, &b), LRS_OK);
    assert_true(balanced(b.data));
    assert_non_null(strstr(b.data, "},{\"uln\""));
    lrs_buf_reset(&b);
    assert_int_equal(lrs_match_explain_text(&res, &b), LRS_OK);
    assert_non_null(strstr(b.data, "WSRC0003 possible matches"));

    /* No match: the header alone. */
    lrs_buf_reset(&b);
    q = fx_query("Nobody", "", "Here", "2001-01-01", 1, "");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_NONE);
    assert_int_equal(lrs_match_explain_json(&res, &b), LRS_OK);
    assert_non_null(strstr(b.data, "\"candidates\":[]"));

    lrs_buf_release(&b);
    lrs_match_result_release(&res);
    lrs_match_index_free(idx);
}

/* A length-limited buffer: the explanation fails cleanly. */
static void test_explain__limit(void **state)
{
    struct lrs_match_index *idx;
    struct lrs_match_result res;
    struct lrs_match_query q;
    struct lrs_buf b;

    (void)state;
    assert_int_equal(lrs_match_index_new(NULL, 0, &idx), LRS_OK);
    fx_insert(idx, &reg[0]);
    lrs_match_result_init(&res);
    q = fx_query("Ruby", "", "Ahmed", "2011-12-01", 2, "LU1 3JH");
    (void)fx_find(idx, &q, &res);
    lrs_buf_init(&b, 40);
    assert_int_equal(lrs_match_explain_json(&res, &b), LRS_ELIMIT);
    assert_int_equal(lrs_match_explain_text(&res, &b), LRS_ELIMIT);
    lrs_buf_release(&b);
    lrs_match_result_release(&res);
    lrs_match_index_free(idx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explain__text_and_json),
        cmocka_unit_test(test_explain__limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
