/*
 * test_import.c - taking a returned CTF into the roster
 * (lib/school/import.c). tests/data/school/returned.xml is crafted against
 * roster.csv so that each import message of docs/school.md appears; each
 * of its pupils says which in a comment.
 */
#include "schooltest.h"

static const struct lrs_school_log_entry *
entry(const struct lrs_school_log *log, uint64_t pupil, const char *code)
{
    for (size_t i = 0; i < log->count; i++)
        if (log->items[i].ctf_pupil == pupil &&
            strcmp(log->items[i].code, code) == 0)
            return &log->items[i];
    return NULL;
}

static char *roster_text(const struct lrs_school_roster *r)
{
    struct lrs_buf b = LRS_BUF_INIT;

    assert_int_equal(lrs_school_roster_csv(r, &b), LRS_OK);
    return lrs_buf_take(&b, NULL);
}

static void test_import__every_message(void **state)
{
    struct lrs_school_roster *r = load_data("roster.csv");
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_import_stats st;
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_school_log_entry *e;
    const struct lrs_school_pupil *p;

    (void)state;
    assert_int_equal(
        lrs_school_import(r, data_path("returned.xml"), &log, &st, &d), LRS_OK);
    assert_int_equal(st.file_pupils, 12);
    assert_int_equal(st.matched, 10);
    assert_int_equal(st.ulns_added, 6);
    assert_int_equal(st.upns_updated, 1);
    assert_int_equal(st.not_found, 1);
    assert_int_equal(st.conflicts, 3);
    assert_int_equal(st.changes, 8);

    e = entry(&log, 1, "I001");
    assert_string_equal(e->message, "Student already exists in the school, "
                                    "but some data might have been updated");
    assert_string_equal(e->field, "uln");
    assert_string_equal(e->old_value, "");
    assert_string_equal(e->new_value, "4733206177");
    assert_int_equal(e->severity, LRS_SCHOOL_CHANGE);
    assert_string_equal(lrs_school_roster_pupil(r, 0)->field[LRS_SCHOOL_ULN],
                        "4733206177");

    e = entry(&log, 2, "I002");
    assert_string_equal(e->message, "Student had Temporary UPN recorded - "
                                    "Updated to Permanent UPN from import "
                                    "file");
    assert_string_equal(e->old_value, "T80120002600A");
    assert_string_equal(e->new_value, "W801200026002");
    p = lrs_school_roster_pupil(r, 1);
    assert_string_equal(p->field[LRS_SCHOOL_UPN], "W801200026002");
    assert_string_equal(p->field[LRS_SCHOOL_FORMER_UPN], "T80120002600A");
    assert_string_equal(e[1].field, "former_upn");
    assert_string_equal(entry(&log, 2, "I001")->new_value, "9453063028");

    /* Matched by names and date of birth; a difference left alone. */
    assert_int_equal(entry(&log, 4, "I001")->roster_line, 6);
    e = entry(&log, 4, "I009");
    assert_string_equal(e->message, "Import file has postcode 'BS6 5NM', the "
                                    "roster 'BS6 5NL' - not changed");
    assert_string_equal(
        lrs_school_roster_pupil(r, 4)->field[LRS_SCHOOL_POSTCODE], "BS6 5NL");

    assert_string_equal(entry(&log, 5, "I003")->message,
                        "Student has rejoined school, please readmit student");
    assert_string_equal(entry(&log, 6, "I004")->message,
                        "Student exists in Pre-admission group with status "
                        "of Withdrawal");
    e = entry(&log, 7, "I006");
    assert_string_equal(e->message,
                        "Student already holds a different ULN (1000000043) "
                        "- ULN 3456789121 from the import file not taken");
    assert_string_equal(lrs_school_roster_pupil(r, 6)->field[LRS_SCHOOL_ULN],
                        "1000000043");
    e = entry(&log, 8, "I005");
    assert_string_equal(e->message,
                        "Student not found in the school roster - not "
                        "imported");
    assert_int_equal(e->roster_line, 0);
    assert_string_equal(e->outcome, "not found");
    e = entry(&log, 9, "I006");
    assert_string_equal(e->message, "ULN 1000000043 is already held by "
                                    "another student (roster line 8) - not "
                                    "taken");
    assert_string_equal(lrs_school_roster_pupil(r, 13)->field[LRS_SCHOOL_ULN],
                        "");
    assert_string_equal(entry(&log, 10, "I008")->message,
                        "No ULN in the import file for this student");
    assert_int_equal(entry(&log, 11, "I008")->severity, LRS_SCHOOL_BLOCKING);
    assert_string_equal(entry(&log, 12, "I010")->message,
                        "Matches the same student as pupil 1 of the import "
                        "file - not imported");
    lrs_school_log_release(&log);
    lrs_school_roster_free(r);
}

static void test_import__reimport_is_a_no_op(void **state)
{
    struct lrs_school_roster *r = load_data("roster.csv");
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_import_stats st;
    struct lrs_diag d = LRS_DIAG_INIT;
    char *once, *twice;

    (void)state;
    assert_int_equal(
        lrs_school_import(r, data_path("returned.xml"), &log, &st, &d), LRS_OK);
    once = roster_text(r);
    lrs_school_log_release(&log);
    assert_int_equal(
        lrs_school_import(r, data_path("returned.xml"), &log, &st, &d), LRS_OK);
    twice = roster_text(r);
    assert_string_equal(once, twice);
    assert_int_equal(st.changes, 0);
    assert_int_equal(st.ulns_added, 0);
    assert_int_equal(st.upns_updated, 0);
    assert_int_equal(st.unchanged, st.matched);
    /* The log says so, pupil by pupil. */
    assert_string_equal(entry(&log, 1, "I007")->message,
                        "No change - the roster already holds ULN "
                        "4733206177");
    assert_non_null(entry(&log, 2, "I007"));
    for (size_t i = 0; i < log.count; i++)
        assert_int_not_equal(log.items[i].severity, LRS_SCHOOL_CHANGE);
    lrs_free(once);
    lrs_free(twice);
    lrs_school_log_release(&log);
    lrs_school_roster_free(r);
}

/* A malformed file leaves the roster exactly as it was. */
static void test_import__bad_file_changes_nothing(void **state)
{
    static const char bad[] =
        "<CTfile><Header></Header><CTFpupilData><Pupil><UPN>G801200026001"
        "</UPN><UniqueLearnerNumber>4733206177</UniqueLearnerNumber>"
        "</Pupil><Pupil><UPN>x</Pupil></CTFpupilData></CTfile>\n";
    struct lrs_school_roster *r = load_data("roster.csv");
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_import_stats st;
    struct lrs_diag d = LRS_DIAG_INIT;
    char dir[64], path[128], *before, *after;
    FILE *f;

    (void)state;
    make_tmpdir(dir);
    snprintf(path, sizeof path, "%s/bad.xml", dir);
    f = fopen(path, "w");
    fputs(bad, f);
    fclose(f);
    before = roster_text(r);
    assert_int_equal(lrs_school_import(r, path, &log, &st, &d), LRS_EINVAL);
    assert_non_null(strstr(d.msg, "line 1"));
    after = roster_text(r);
    assert_string_equal(before, after);
    snprintf(path, sizeof path, "%s/none.xml", dir);
    assert_int_equal(lrs_school_import(r, path, &log, &st, &d), LRS_EIO);
    lrs_free(before);
    lrs_free(after);
    lrs_school_log_release(&log);
    lrs_school_roster_free(r);
    remove_tmpdir(dir);
}

/*
 * Write the CTF the LRS would return: a ULN for each pupil who can go.
 * lib/school sits below the store and the batch service, so its unit
 * test stands in for them here; the round trip through the real
 * `lrs batch` is tests/cli/school-batch.t.
 */
static void fake_batch(const char *req, const char *ret)
{
    const struct lrs_uln_key key = {{7}};
    struct lrs_ctf_findings fs = LRS_CTF_FINDINGS_INIT;
    struct lrs_ctf_reader *rd = NULL;
    struct lrs_ctf_writer *w = NULL;
    const struct lrs_ctf_header *in;
    const struct lrs_ctf_pupil *p;
    struct lrs_ctf_header out;
    struct lrs_diag d = LRS_DIAG_INIT;
    uint64_t counter = 1;

    assert_int_equal(lrs_ctf_reader_open_file(req, NULL, &rd, &d), LRS_OK);
    assert_int_equal(lrs_ctf_reader_header(rd, &in, &d), LRS_OK);
    lrs_ctf_header_for_return(in, NULL, &out);
    assert_int_equal(lrs_ctf_writer_open(ret, &out, &w, &d), LRS_OK);
    while (lrs_ctf_reader_next(rd, &p, &d) == LRS_OK && p) {
        struct lrs_ctf_pupil q = *p;
        char uln[LRS_ULN_LEN + 1];

        lrs_ctf_findings_reset(&fs);
        assert_int_equal(
            lrs_ctf_validate_pupil(p, (struct lrs_date){2026, 1, 15}, &fs),
            LRS_OK);
        if (!*p->uln && fs.blocking_count == 0) {
            assert_int_equal(lrs_uln_issue(&key, &counter, uln), LRS_OK);
            q.uln = uln;
        }
        assert_int_equal(lrs_ctf_writer_add(w, &q, &d), LRS_OK);
    }
    assert_int_equal(lrs_ctf_writer_commit(w, &d), LRS_OK);
    lrs_ctf_reader_free(rd);
    lrs_ctf_findings_release(&fs);
}

/* Export, the LRS, import: every exported pupil ends with a valid ULN. */
static void test_import__round_trip(void **state)
{
    struct lrs_school_roster *r = load_data("roster.csv");
    struct lrs_school_log xlog = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_log ilog = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_export_opts o = {0};
    struct lrs_school_export_stats xs;
    struct lrs_school_import_stats is;
    struct lrs_diag d = LRS_DIAG_INIT;
    char dir[64], req[128], ret[128];
    size_t holders = 0;

    (void)state;
    make_tmpdir(dir);
    snprintf(req, sizeof req, "%s/req.xml", dir);
    snprintf(ret, sizeof ret, "%s/ret.xml", dir);
    o.census_date = (struct lrs_date){2026, 1, 15};
    o.la = "801";
    o.estab = "2000";
    assert_int_equal(lrs_school_export(r, &o, req, &xlog, &xs, &d), LRS_OK);
    fake_batch(req, ret);
    assert_int_equal(lrs_school_import(r, ret, &ilog, &is, &d), LRS_OK);
    assert_int_equal(is.ulns_added, xs.exported);
    assert_int_equal(is.not_found + is.conflicts, 0);
    for (size_t i = 0; i < xlog.count; i++) {
        const struct lrs_school_log_entry *e = &xlog.items[i];
        const char *uln;

        if (strcmp(e->outcome, "exported") != 0)
            continue;
        uln = lrs_school_roster_pupil(r, e->roster_line - 2)
                  ->field[LRS_SCHOOL_ULN];
        assert_int_equal(lrs_uln_check(lrs_str_c(uln), NULL), LRS_OK);
        holders++;
    }
    assert_true(holders >= xs.exported);
    lrs_school_log_release(&xlog);
    lrs_school_log_release(&ilog);
    lrs_school_roster_free(r);
    remove_tmpdir(dir);
}

/* Twins with the same names and birthday cannot be told apart. */
static void test_import__ambiguous_names(void **state)
{
    static const char roster[] =
        "upn,uln,surname,forename,date_of_birth,sex,postcode\n"
        ",,Lee,Sam,2010-01-01,M,BS1 1AA\n"
        ",,Lee,Sam,2010-01-01,F,BS1 1AA\n";
    static const char ctf[] =
        "<CTfile><Header/><CTFpupilData><Pupil><Surname>LEE</Surname>"
        "<Forename>sam</Forename><DOB>2010-01-01</DOB>"
        "<UniqueLearnerNumber>1000000043</UniqueLearnerNumber></Pupil>"
        "</CTFpupilData></CTfile>\n";
    struct lrs_school_roster *r = NULL;
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_import_stats st;
    struct lrs_diag d = LRS_DIAG_INIT;
    char dir[64], path[128];
    FILE *f;

    (void)state;
    make_tmpdir(dir);
    snprintf(path, sizeof path, "%s/ret.xml", dir);
    f = fopen(path, "w");
    fputs(ctf, f);
    fclose(f);
    assert_int_equal(
        lrs_school_roster_load_mem(roster, sizeof roster - 1, NULL, &r, &d),
        LRS_OK);
    assert_int_equal(lrs_school_import(r, path, &log, &st, &d), LRS_OK);
    assert_string_equal(entry(&log, 1, "I010")->message,
                        "Several students in the roster match by name and "
                        "date of birth - not imported");
    assert_int_equal(st.changes, 0);
    lrs_school_log_release(&log);
    lrs_school_roster_free(r);
    remove_tmpdir(dir);
}

/* Names compare as the match engine normalises them (lrs_name_normalise_to:
 * accents, case, hyphens and apostrophes), not byte for byte. */
static void test_import__names_compare_normalised(void **state)
{
    static const char roster[] =
        "upn,uln,surname,forename,date_of_birth,sex,postcode\n"
        ",,Brennan-Walsh,Siobh\xc3\xa1n,2011-07-02,F,BS1 6XN\n"
        "H801200001001,,O'Brien,Zo\xc3\xab,2010-01-01,F,BS1 1AA\n";
    static const char ctf[] =
        "<CTfile><Header/><CTFpupilData><Pupil><Surname>BRENNAN WALSH"
        "</Surname><Forename>siobhan</Forename><DOB>2011-07-02</DOB>"
        "<UniqueLearnerNumber>1000000043</UniqueLearnerNumber></Pupil>"
        "<Pupil><UPN>H801200001001</UPN><Surname>OBrien</Surname>"
        "<Forename>ZOE</Forename><DOB>2010-01-01</DOB>"
        "<UniqueLearnerNumber>9453063028</UniqueLearnerNumber></Pupil>"
        "</CTFpupilData></CTfile>\n";
    struct lrs_school_roster *r = NULL;
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_import_stats st;
    struct lrs_diag d = LRS_DIAG_INIT;
    char dir[64], path[128];
    FILE *f;

    (void)state;
    make_tmpdir(dir);
    snprintf(path, sizeof path, "%s/ret.xml", dir);
    f = fopen(path, "w");
    fputs(ctf, f);
    fclose(f);
    assert_int_equal(
        lrs_school_roster_load_mem(roster, sizeof roster - 1, NULL, &r, &d),
        LRS_OK);
    assert_int_equal(lrs_school_import(r, path, &log, &st, &d), LRS_OK);
    assert_int_equal(st.matched, 2);
    assert_int_equal(st.ulns_added, 2);
    assert_string_equal(lrs_school_roster_pupil(r, 0)->field[LRS_SCHOOL_ULN],
                        "1000000043");
    /* The same names: no I009 "not changed" line for either. */
    for (size_t i = 0; i < log.count; i++)
        assert_string_not_equal(log.items[i].code, "I009");
    lrs_school_log_release(&log);
    lrs_school_roster_free(r);
    remove_tmpdir(dir);
}

/* A roster without a uln column gains one at the end. */
static void test_import__adds_the_uln_column(void **state)
{
    static const char roster[] =
        "upn,surname,forename,date_of_birth,sex,postcode\n"
        "H801200001001,Lee,Sam,2010-01-01,M,BS1 1AA\n";
    static const char ctf[] =
        "<CTfile><Header/><CTFpupilData><Pupil><UPN>H801200001001</UPN>"
        "<UniqueLearnerNumber>1000000043</UniqueLearnerNumber></Pupil>"
        "</CTFpupilData></CTfile>\n";
    struct lrs_school_roster *r = NULL;
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_import_stats st;
    struct lrs_diag d = LRS_DIAG_INIT;
    char dir[64], path[128], *text;
    FILE *f;

    (void)state;
    make_tmpdir(dir);
    snprintf(path, sizeof path, "%s/ret.xml", dir);
    f = fopen(path, "w");
    fputs(ctf, f);
    fclose(f);
    assert_int_equal(
        lrs_school_roster_load_mem(roster, sizeof roster - 1, NULL, &r, &d),
        LRS_OK);
    assert_int_equal(lrs_school_import(r, path, &log, &st, &d), LRS_OK);
    text = roster_text(r);
    assert_string_equal(text,
                        "upn,surname,forename,date_of_birth,sex,postcode,uln\n"
                        "H801200001001,Lee,Sam,2010-01-01,M,BS1 1AA,"
                        "1000000043\n");
    lrs_free(text);
    lrs_school_log_release(&log);
    lrs_school_roster_free(r);
    remove_tmpdir(dir);
}

static void test_import__oom_loop(void **state)
{
    struct lrs_school_roster *r0 = load_data("roster.csv");
    char *before = roster_text(r0);

    (void)state;
    lrs_school_roster_free(r0);
    for (unsigned long n = 1; n < 10000; n++) {
        struct lrs_school_roster *r = NULL;
        struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
        struct lrs_school_import_stats st;
        struct lrs_diag d = LRS_DIAG_INIT;
        enum lrs_err err;
        int failed;

        test_alloc_fail_at(n);
        err = lrs_school_roster_load_mem(before, strlen(before), NULL, &r, &d);
        if (!err)
            err =
                lrs_school_import(r, data_path("returned.xml"), &log, &st, &d);
        assert_true(err == LRS_OK || err == LRS_ENOMEM);
        lrs_school_log_release(&log);
        if (err && r) {
            /* The failure has happened: the roster is as it was. */
            char *after = roster_text(r);

            assert_string_equal(before, after);
            lrs_free(after);
        }
        lrs_school_roster_free(r);
        assert_int_equal(test_alloc_live(), 0);
        failed = test_alloc_failed();
        test_alloc_reset();
        if (!failed)
            break;
    }
    lrs_free(before);
}

/* From memory: the same log and roster as from the file; a malformed
 * document changes nothing. */
static void test_import__mem_equals_file(void **state)
{
    static const char bad[] =
        "<CTfile><Header></Header><CTFpupilData><Pupil><UPN>x</Pupil>"
        "</CTFpupilData></CTfile>\n";
    struct lrs_school_roster *a = load_data("roster.csv");
    struct lrs_school_roster *b = load_data("roster.csv");
    struct lrs_school_log alog = LRS_SCHOOL_LOG_INIT,
                          blog = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_import_stats ast, bst;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf acsv = LRS_BUF_INIT, bcsv = LRS_BUF_INIT;
    char *xml = slurp(data_path("returned.xml")), *ra, *rb, *again;

    (void)state;
    assert_non_null(xml);
    assert_int_equal(
        lrs_school_import(a, data_path("returned.xml"), &alog, &ast, &d),
        LRS_OK);
    assert_int_equal(
        lrs_school_import_mem(b, xml, strlen(xml), &blog, &bst, &d), LRS_OK);
    assert_memory_equal(&ast, &bst, sizeof ast);
    assert_true(bst.ulns_added > 0);
    assert_int_equal(lrs_school_log_csv(&alog, &acsv), LRS_OK);
    assert_int_equal(lrs_school_log_csv(&blog, &bcsv), LRS_OK);
    assert_string_equal(acsv.data, bcsv.data);
    ra = roster_text(a);
    rb = roster_text(b);
    assert_string_equal(ra, rb);
    assert_int_equal(
        lrs_school_import_mem(b, bad, sizeof bad - 1, &blog, &bst, &d),
        LRS_EINVAL);
    again = roster_text(b);
    assert_string_equal(rb, again);
    free(xml);
    lrs_free(ra);
    lrs_free(rb);
    lrs_free(again);
    lrs_buf_release(&acsv);
    lrs_buf_release(&bcsv);
    lrs_school_log_release(&alog);
    lrs_school_log_release(&blog);
    lrs_school_roster_free(a);
    lrs_school_roster_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import__every_message),
        cmocka_unit_test(test_import__reimport_is_a_no_op),
        cmocka_unit_test(test_import__bad_file_changes_nothing),
        cmocka_unit_test(test_import__round_trip),
        cmocka_unit_test(test_import__ambiguous_names),
        cmocka_unit_test(test_import__names_compare_normalised),
        cmocka_unit_test(test_import__adds_the_uln_column),
        cmocka_unit_test(test_import__oom_loop),
        cmocka_unit_test(test_import__mem_equals_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
