/*
 * test_export.c - the ULN-request CTF and its log (lib/school/export.c),
 * over tests/data/school/roster.csv, whose pupils are crafted so that
 * each export message of docs/school.md appears once. Ages are taken on
 * 2026-01-15, the spring census day of 2026.
 */
#include "schooltest.h"

static const struct lrs_date census = {2026, 1, 15};

static void opts_init(struct lrs_school_export_opts *o)
{
    memset(o, 0, sizeof *o);
    o->census_date = census;
    o->la = "801";
    o->estab = "2000";
    o->school_name = "Harbourside Academy";
    o->date_time = "2026-01-10T09:00:00";
}

/* The log entry for roster line `line` with code `code`, or NULL. */
static const struct lrs_school_log_entry *
entry(const struct lrs_school_log *log, uint64_t line, const char *code)
{
    for (size_t i = 0; i < log->count; i++)
        if (log->items[i].roster_line == line &&
            strcmp(log->items[i].code, code) == 0)
            return &log->items[i];
    return NULL;
}

static void test_export__default_selection_and_messages(void **state)
{
    struct lrs_school_roster *r = load_data("roster.csv");
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_export_opts o;
    struct lrs_school_export_stats st;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_ctf_reader *rd = NULL;
    const struct lrs_ctf_header *h;
    const struct lrs_ctf_pupil *p;
    const struct lrs_school_log_entry *e;
    char dir[64], path[128];
    size_t n = 0;

    (void)state;
    make_tmpdir(dir);
    snprintf(path, sizeof path, "%s/req.xml", dir);
    opts_init(&o);
    assert_int_equal(lrs_school_export(r, &o, path, &log, &st, &d), LRS_OK);
    assert_int_equal(st.selected, 10);
    assert_int_equal(st.exported, 6);
    assert_int_equal(st.blocked, 4);
    assert_int_equal(st.warnings, 3);
    assert_int_equal(st.with_uln, 0);

    e = entry(&log, 4, "RC010");
    assert_non_null(e);
    assert_string_equal(e->message,
                        "No postcode - no ULN can be issued (Null Values)");
    assert_string_equal(e->outcome, "not exported");
    assert_string_equal(e->field, "postcode");
    e = entry(&log, 5, "W002");
    assert_string_equal(e->message,
                        "Student address exported but street is missing");
    assert_string_equal(e->outcome, "exported");
    assert_int_equal(e->ctf_pupil, 3);
    e = entry(&log, 6, "W001");
    assert_string_equal(e->message, "UPN Missing or Invalid: UPN is missing");
    e = entry(&log, 7, "W001");
    assert_string_equal(e->message, "UPN Missing or Invalid: UPN invalid "
                                    "(wrong check letter at character 1)");
    e = entry(&log, 9, "RC006");
    assert_string_equal(e->message,
                        "Date of birth missing - no ULN can be issued");
    e = entry(&log, 10, "RC006");
    assert_string_equal(e->message, "Sex missing - no ULN can be issued");
    e = entry(&log, 11, "RC011");
    assert_string_equal(e->severity == LRS_SCHOOL_BLOCKING ? "b" : "w", "b");
    /* Under 14, left, withdrawn and ULN holders are not selected. */
    for (uint64_t line = 12; line <= 14; line++)
        assert_null(entry(&log, line, ""));
    assert_null(entry(&log, 8, "W003"));

    assert_int_equal(lrs_ctf_reader_open_file(path, NULL, &rd, &d), LRS_OK);
    assert_int_equal(lrs_ctf_reader_header(rd, &h, &d), LRS_OK);
    assert_string_equal(h->source_lea, "801");
    assert_string_equal(h->source_estab, "2000");
    assert_string_equal(h->source_school_name, "Harbourside Academy");
    assert_string_equal(h->source_academic_year, "2025");
    assert_string_equal(h->dest_lea, "XXX");
    assert_string_equal(h->date_time, "2026-01-10T09:00:00");
    while (lrs_ctf_reader_next(rd, &p, &d) == LRS_OK && p) {
        n++;
        if (n == 2) {
            /* Dates as yyyy-mm-dd, postcodes canonical. */
            assert_string_equal(p->dob, "2011-07-02");
            assert_string_equal(p->address.postcode, "BS1 6XN");
            assert_string_equal(p->address.lines[0], "Flat 2, 5 King Street");
            assert_string_equal(p->sex, "F");
        }
    }
    assert_int_equal(n, 6);
    lrs_ctf_reader_free(rd);
    lrs_school_log_release(&log);
    lrs_school_roster_free(r);
    remove_tmpdir(dir);
}

static void test_export__years_include_uln_holders(void **state)
{
    struct lrs_school_roster *r = load_data("roster.csv");
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_export_opts o;
    struct lrs_school_export_stats st;
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_school_log_entry *e;
    char dir[64], path[128];

    (void)state;
    make_tmpdir(dir);
    snprintf(path, sizeof path, "%s/req.xml", dir);
    opts_init(&o);
    o.select = LRS_SCHOOL_SELECT_YEARS;
    o.years = 1u << 11;
    assert_int_equal(lrs_school_export(r, &o, path, &log, &st, &d), LRS_OK);
    e = entry(&log, 8, "W003");
    assert_non_null(e);
    assert_string_equal(e->message, "CTF export includes pupils who already "
                                    "have ULNs (ULN 1000000043)");
    assert_int_equal(st.with_uln, 1);
    /* Year 10 is not taken; leavers never are. */
    assert_non_null(entry(&log, 2, ""));
    assert_null(entry(&log, 3, ""));
    assert_null(entry(&log, 15, ""));
    assert_null(entry(&log, 13, ""));
    lrs_school_log_release(&log);

    o.select = LRS_SCHOOL_SELECT_ALL;
    assert_int_equal(lrs_school_export(r, &o, path, &log, &st, &d), LRS_OK);
    /* Year 9, aged 13: the LRS accepts 13 (DOMAIN.md). */
    assert_non_null(entry(&log, 12, ""));
    assert_int_equal(st.selected, 12);
    lrs_school_log_release(&log);
    lrs_school_roster_free(r);
    remove_tmpdir(dir);
}

static void test_export__bad_options_write_nothing(void **state)
{
    struct lrs_school_roster *r = load_data("roster.csv");
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_export_opts o;
    struct lrs_school_export_stats st;
    struct lrs_diag d = LRS_DIAG_INIT;
    char dir[64], path[128];

    (void)state;
    make_tmpdir(dir);
    snprintf(path, sizeof path, "%s/req.xml", dir);
    opts_init(&o);
    o.la = "80";
    assert_int_equal(lrs_school_export(r, &o, path, &log, &st, &d), LRS_EINVAL);
    assert_string_equal(d.field, "school");
    o.la = "801";
    o.select = LRS_SCHOOL_SELECT_YEARS;
    o.years = 0;
    assert_int_equal(lrs_school_export(r, &o, path, &log, &st, &d), LRS_EINVAL);
    assert_string_equal(d.msg, "no year group chosen (1-14)");
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(log.count, 0);
    lrs_school_roster_free(r);
    remove_tmpdir(dir);
}

/* Spring census days: third Thursday of January (DfE census guides). */
static void test_export__census_day(void **state)
{
    static const struct {
        int year, day;
    } v[] = {{2024, 18}, {2025, 16}, {2026, 15}, {2027, 21}, {2032, 15}};

    (void)state;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        const struct lrs_date d = lrs_school_census_day(v[i].year);

        assert_int_equal(d.year, v[i].year);
        assert_int_equal(d.month, 1);
        assert_int_equal(d.day, v[i].day);
    }
}

static void test_export__oom_loop(void **state)
{
    struct lrs_school_roster *r = load_data("roster.csv");
    struct lrs_school_export_opts o;
    char dir[64], path[128];

    (void)state;
    make_tmpdir(dir);
    snprintf(path, sizeof path, "%s/req.xml", dir);
    opts_init(&o);
    for (unsigned long n = 1; n < 10000; n++) {
        struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
        struct lrs_school_export_stats st;
        enum lrs_err err;

        test_alloc_fail_at(n);
        err = lrs_school_export(r, &o, path, &log, &st, NULL);
        assert_true(err == LRS_OK || err == LRS_ENOMEM);
        if (!err)
            assert_int_equal(st.exported, 6);
        lrs_school_log_release(&log);
        assert_int_equal(test_alloc_live(), 0);
        if (!test_alloc_failed()) {
            test_alloc_reset();
            break;
        }
        test_alloc_reset();
    }
    lrs_school_roster_free(r);
    remove_tmpdir(dir);
}

/* Into memory: the same bytes and the same log as into a file. */
static void test_export__buf_equals_file(void **state)
{
    struct lrs_school_roster *r = load_data("roster.csv");
    struct lrs_school_log flog = LRS_SCHOOL_LOG_INIT,
                          blog = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_export_opts o;
    struct lrs_school_export_stats fst, bst;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf ctf = LRS_BUF_INIT, fcsv = LRS_BUF_INIT, bcsv = LRS_BUF_INIT;
    char dir[64], path[128], *file;

    (void)state;
    make_tmpdir(dir);
    snprintf(path, sizeof path, "%s/req.xml", dir);
    opts_init(&o);
    o.select = LRS_SCHOOL_SELECT_ALL;
    assert_int_equal(lrs_school_export(r, &o, path, &flog, &fst, &d), LRS_OK);
    assert_int_equal(lrs_school_export_buf(r, &o, &ctf, &blog, &bst, &d),
                     LRS_OK);
    file = slurp(path);
    assert_non_null(file);
    assert_int_equal(ctf.len, strlen(file));
    assert_memory_equal(ctf.data, file, ctf.len);
    assert_memory_equal(&fst, &bst, sizeof fst);
    assert_int_equal(lrs_school_log_csv(&flog, &fcsv), LRS_OK);
    assert_int_equal(lrs_school_log_csv(&blog, &bcsv), LRS_OK);
    assert_string_equal(fcsv.data, bcsv.data);
    /* Bad options: an error and no document. */
    lrs_buf_reset(&ctf);
    o.la = "80";
    assert_int_equal(lrs_school_export_buf(r, &o, &ctf, &blog, &bst, &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "school");
    assert_int_equal(ctf.len, 0);
    free(file);
    lrs_buf_release(&ctf);
    lrs_buf_release(&fcsv);
    lrs_buf_release(&bcsv);
    lrs_school_log_release(&flog);
    lrs_school_log_release(&blog);
    lrs_school_roster_free(r);
    remove_tmpdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export__default_selection_and_messages),
        cmocka_unit_test(test_export__years_include_uln_holders),
        cmocka_unit_test(test_export__bad_options_write_nothing),
        cmocka_unit_test(test_export__census_day),
        cmocka_unit_test(test_export__oom_loop),
        cmocka_unit_test(test_export__buf_equals_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
