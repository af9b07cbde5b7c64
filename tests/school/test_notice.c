/*
 * test_notice.c - lib/school/notice.c: which pupils get a privacy notice,
 * the notice's file name, and the pages (escaped, no scripts), one by
 * one and all in the page --pdf prints.
 */
#include "schooltest.h"

/* Before the import: who held which ULN. */
static const char before_csv[] =
    "upn,former_upn,uln,surname,forename,date_of_birth,sex,postcode\n"
    "G801200026001,,,Okafor,Chidi,2010-03-14,M,BS8 4NU\n"
    "Z801200026004,,1000000043,Hollis,Thomas,2011-01-21,M,BS40 8AB\n"
    ",,,Diallo,Amara,2010-05-09,F,BS6 5NL\n"
    "T80120002600A,,,Brennan-Walsh,Siobh\xc3\xa1n,2011-07-02,F,BS1 6XN\n"
    "J801200026012,,,Green,Sam,2011-01-10,M,BS3 1HW\n"
    "C801200026006,,1748529631,Patel,Arjun,2010-01-01,M,BS8 2LG\n";

/* After it: rows in another order, one pupil new, one UPN replaced. */
static const char after_csv[] =
    "upn,former_upn,uln,surname,forename,date_of_birth,sex,postcode\n"
    "Z801200026004,,1000000043,Hollis,Thomas,2011-01-21,M,BS40 8AB\n"
    "G801200026001,,4733206177,Okafor,Chidi,2010-03-14,M,BS8 4NU\n"
    ",,8993500931,DIALLO,amara,2010-05-09,F,BS6 5NL\n"
    "W801200026002,T80120002600A,9453063028,Brennan-Walsh,Siobh\xc3\xa1n,"
    "2011-07-02,F,BS1 6XN\n"
    "J801200026012,,1748529631,Green,Sam,2011-01-10,M,BS3 1HW\n"
    "C801200026006,,4432342624,Patel,Arjun,2010-01-01,M,BS8 2LG\n"
    "K801200026003,,5000000012,Fairbairn,Zo\xc3\xab,2010-11-30,F,BS1 1AA\n";

static struct lrs_school_roster *mem(const char *csv)
{
    struct lrs_school_roster *r = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_school_roster_load_mem(csv, strlen(csv), NULL, &r, &d) != LRS_OK)
        fail_msg("%s", d.msg);
    return r;
}

/* A pupil gets a notice when the ULN is valid now and was not before. */
static void test_notice__since_takes_new_ulns_only(void **state)
{
    struct lrs_school_roster *b = mem(before_csv), *a = mem(after_csv);
    size_t *rows, count;

    (void)state;
    assert_int_equal(lrs_school_notices_select(a, b, &rows, &count), LRS_OK);
    /* Okafor (UPN), Diallo (no UPN: names and birthday, case ignored),
     * Brennan-Walsh (found by former UPN), Patel (invalid ULN before),
     * Fairbairn (new to the roster). Not Hollis (held it already), nor
     * Green (the ULN fails its check). */
    assert_int_equal(count, 5);
    assert_int_equal(rows[0], 1);
    assert_int_equal(rows[1], 2);
    assert_int_equal(rows[2], 3);
    assert_int_equal(rows[3], 5);
    assert_int_equal(rows[4], 6);
    lrs_free(rows);
    lrs_school_roster_free(a);
    lrs_school_roster_free(b);
}

static void test_notice__all_takes_every_valid_uln(void **state)
{
    struct lrs_school_roster *a = mem(after_csv);
    size_t *rows, count;

    (void)state;
    assert_int_equal(lrs_school_notices_select(a, NULL, &rows, &count), LRS_OK);
    assert_int_equal(count, 6); /* all but Green's invalid ULN */
    assert_int_equal(rows[4], 5);
    lrs_free(rows);
    lrs_school_roster_free(a);
}

static void test_notice__file_name_by_upn_or_line(void **state)
{
    static const char csv[] =
        "upn,uln,surname,forename,date_of_birth,sex,postcode\n"
        "G801200026001,4733206177,Okafor,Chidi,2010-03-14,M,BS8 4NU\n"
        ",8993500931,Diallo,Amara,2010-05-09,F,BS6 5NL\n"
        "../../etc/x,9453063028,Evans,Rhys,2010-08-08,M,BS7 8AA\n";
    struct lrs_school_roster *r = mem(csv);
    char name[LRS_SCHOOL_NOTICE_NAME_SIZE];

    (void)state;
    lrs_school_notice_file_name(r, 0, name);
    assert_string_equal(name, "notice-G801200026001.html");
    lrs_school_notice_file_name(r, 1, name);
    assert_string_equal(name, "notice-line-3.html");
    /* A UPN that is not one never reaches a file name. */
    lrs_school_notice_file_name(r, 2, name);
    assert_string_equal(name, "notice-line-4.html");
    lrs_school_roster_free(r);
}

/* Every roster value is escaped; the pages have no scripts. */
static void test_notice__pages_escape_every_value(void **state)
{
    static const char csv[] =
        "upn,uln,surname,forename,middle_names,date_of_birth,sex,postcode\n"
        "\"<i>\",4733206177,\"<script>alert(1)</script>\",\"A&B\","
        "\"\"\"Q\"\"\",2010-03-14,M,BS8 4NU\n";
    struct lrs_school_roster *r = mem(csv);
    struct lrs_buf b = LRS_BUF_INIT;
    const size_t row = 0;

    (void)state;
    assert_int_equal(lrs_school_notice_html(r, 0, "St Mary's <High>", &b),
                     LRS_OK);
    assert_null(strstr(b.data, "<script"));
    assert_null(strstr(b.data, "<i>"));
    assert_non_null(strstr(b.data, "<td>A&amp;B &quot;Q&quot; "
                                   "&lt;script&gt;alert(1)&lt;/script&gt;"
                                   "</td>"));
    assert_non_null(strstr(b.data, "<td>St Mary&#39;s &lt;High&gt;</td>"));
    assert_non_null(strstr(b.data, "<p class=\"uln\">4733206177</p>"));
    assert_non_null(strstr(b.data, "Personal Learning Record"));
    assert_non_null(strstr(b.data, "Who can see it?"));
    assert_non_null(strstr(b.data, "@media print"));
    lrs_buf_reset(&b);
    assert_int_equal(lrs_school_notice_index_html(r, &row, 1, NULL, &b),
                     LRS_OK);
    assert_null(strstr(b.data, "<script"));
    assert_non_null(strstr(b.data, "<td>&lt;i&gt;</td>"));
    assert_non_null(strstr(b.data, "<a href=\"notice-line-2.html\">"));
    assert_non_null(strstr(b.data, "1 notice to print"));
    lrs_buf_release(&b);
    lrs_school_roster_free(r);
}

/* The page --pdf prints: every notice in one document, a sheet each,
 * each with its own pupil and ULN, escaped as the single pages are. */
static void test_notice__print_page_holds_every_notice(void **state)
{
    struct lrs_school_roster *b = mem(before_csv), *a = mem(after_csv);
    struct lrs_buf out = LRS_BUF_INIT;
    size_t *rows = NULL, count = 0, sections = 0;
    const char *p;

    (void)state;
    assert_int_equal(lrs_school_notices_select(a, b, &rows, &count), LRS_OK);
    assert_int_equal(count, 5);
    assert_int_equal(
        lrs_school_notices_print_html(a, rows, count, "A&B School", &out),
        LRS_OK);
    for (p = out.data; (p = strstr(p, "<section class=\"notice\">")); p++)
        sections++;
    assert_int_equal(sections, count);
    assert_int_equal(strncmp(out.data, "<!DOCTYPE html>", 15), 0);
    assert_non_null(strstr(out.data, ".notice{break-after:page}"));
    assert_non_null(strstr(out.data, "<p class=\"uln\">4733206177</p>"));
    assert_non_null(strstr(out.data, "<p class=\"uln\">5000000012</p>"));
    assert_null(strstr(out.data, "1000000043")); /* held before: no notice */
    assert_non_null(strstr(out.data, "<td>A&amp;B School</td>"));
    assert_null(strstr(out.data, "<script"));
    lrs_buf_reset(&out);
    assert_int_equal(lrs_school_notices_print_html(a, rows, 0, NULL, &out),
                     LRS_OK);
    assert_null(strstr(out.data, "<section"));
    lrs_free(rows);
    lrs_buf_release(&out);
    lrs_school_roster_free(a);
    lrs_school_roster_free(b);
}

static void test_notice__oom_loop(void **state)
{
    struct lrs_school_roster *b = mem(before_csv), *a = mem(after_csv);
    const long rosters = test_alloc_live();

    (void)state;
    for (unsigned long n = 1; n < 10000; n++) {
        struct lrs_buf out = LRS_BUF_INIT;
        size_t *rows = NULL, count = 0;
        enum lrs_err err;
        int failed;

        test_alloc_fail_at(n);
        err = lrs_school_notices_select(a, b, &rows, &count);
        for (size_t i = 0; !err && i < count; i++)
            err = lrs_school_notice_html(a, rows[i], "School", &out);
        if (!err)
            err = lrs_school_notice_index_html(a, rows, count, "S", &out);
        if (!err)
            err = lrs_school_notices_print_html(a, rows, count, "S", &out);
        assert_true(err == LRS_OK || err == LRS_ENOMEM);
        lrs_free(rows);
        lrs_buf_release(&out);
        assert_int_equal(test_alloc_live(), rosters);
        failed = test_alloc_failed();
        test_alloc_reset();
        if (!failed)
            break;
    }
    lrs_school_roster_free(a);
    lrs_school_roster_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_notice__since_takes_new_ulns_only),
        cmocka_unit_test(test_notice__all_takes_every_valid_uln),
        cmocka_unit_test(test_notice__file_name_by_upn_or_line),
        cmocka_unit_test(test_notice__pages_escape_every_value),
        cmocka_unit_test(test_notice__print_page_holds_every_notice),
        cmocka_unit_test(test_notice__oom_loop),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
