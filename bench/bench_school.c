/*
 * bench_school.c - the school side on a big secondary school.
 *
 * Builds a roster of 2,000 pupils (years 7-13, both address forms, a few
 * without a UPN) in a temporary directory and times: reading the roster,
 * exporting every pupil on roll as a ULN request (--all, the largest
 * request), importing the returned CTF (made here with the CTF writer, as
 * `lrs batch` would) and importing it again (the no-op), writing the
 * roster back, the census check, and the privacy notices of the pupils
 * who received a ULN (one file each). Figures are printed, not asserted.
 */
#include "bench.h"

#include <lrs/lrs.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PUPILS 2000

static const char *const surnames[] = {"Okafor", "Smith",        "Patel",
                                       "Nguyen", "O'Brien",      "Kowalski",
                                       "Evans",  "Brennan-Walsh"};
static const char *const forenames[] = {"Chidi", "Ava", "Arjun", "Linh",
                                        "Niamh", "Jan", "Rhys",  "Zo\xc3\xab"};

static void die(const char *what, const struct lrs_diag *d)
{
    fprintf(stderr, "bench_school: %s: %s\n", what, d ? d->msg : "failed");
    exit(1);
}

/* A permanent UPN for serial `i` of LA 801, establishment 2000. */
static void make_upn(unsigned i, char out[14])
{
    char rest[13];

    snprintf(rest, sizeof rest, "80120%02u%05u", 10 + i % 7, i);
    out[0] = lrs_upn_check_letter(rest);
    memcpy(out + 1, rest, 12);
    out[13] = '\0';
}

static void write_roster(const char *path)
{
    FILE *f = fopen(path, "w");

    if (!f)
        die(path, NULL);
    fputs("upn,uln,surname,forename,date_of_birth,sex,nc_year,"
          "enrolment_status,paon,street,town,address_line1,address_line2,"
          "postcode\n",
          f);
    for (unsigned i = 0; i < PUPILS; i++) {
        const unsigned year = 7 + i % 7;
        char upn[14] = "";

        if (i % 97 != 0)
            make_upn(i, upn);
        const unsigned month = 1 + (i / 28) % 12;
        /* Year N of 2025/26 was born from September of 2020 - N to
         * August of 2021 - N (its age on 1 September 2025 is N + 4). */
        const unsigned born = 2025 - year - 4 - (month >= 9);

        fprintf(f, "%s,,%s,%s %u,%02u/%02u/%u,%c,%u,current,", upn,
                surnames[i % 8], forenames[(i / 8) % 8], i, 1 + i % 28, month,
                born, "MF"[i % 2], year);
        if (i % 3)
            fprintf(f, "%u,High Street,Bristol,,,BS%u %uAB\n", i % 200,
                    1 + i % 40, i % 10);
        else
            fprintf(f, ",,,\"%u Park Row, Flat %u\",Bristol,BS%u %uAB\n",
                    i % 90, i % 7, 1 + i % 40, i % 10);
    }
    if (fclose(f) != 0)
        die(path, NULL);
}

/* The CTF the LRS would return: a ULN for every pupil. */
static void fake_batch(const char *req, const char *ret)
{
    const struct lrs_uln_key key = {{1}};
    struct lrs_ctf_reader *r = NULL;
    struct lrs_ctf_writer *w = NULL;
    const struct lrs_ctf_header *in;
    const struct lrs_ctf_pupil *p;
    struct lrs_ctf_header out;
    struct lrs_diag d = LRS_DIAG_INIT;
    uint64_t counter = 1;

    if (lrs_ctf_reader_open_file(req, NULL, &r, &d) ||
        lrs_ctf_reader_header(r, &in, &d))
        die(req, &d);
    lrs_ctf_header_for_return(in, NULL, &out);
    if (lrs_ctf_writer_open(ret, &out, &w, &d))
        die(ret, &d);
    for (;;) {
        struct lrs_ctf_pupil q;
        char uln[LRS_ULN_LEN + 1];

        if (lrs_ctf_reader_next(r, &p, &d))
            die(req, &d);
        if (!p)
            break;
        q = *p;
        if (lrs_uln_issue(&key, &counter, uln))
            die("uln", NULL);
        q.uln = uln;
        if (lrs_ctf_writer_add(w, &q, &d))
            die(ret, &d);
    }
    if (lrs_ctf_writer_commit(w, &d))
        die(ret, &d);
    lrs_ctf_reader_free(r);
}

static struct lrs_school_roster *load(const char *path)
{
    struct lrs_school_roster *r = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_school_roster_load(path, NULL, &r, &d))
        die(path, &d);
    return r;
}

/* Select, format and write the privacy notices of pupils who have a ULN
 * in `r` and not in `before`, as `lrs school privacy-notices` does. */
static void notices(const struct lrs_school_roster *r,
                    const struct lrs_school_roster *before, const char *dir)
{
    struct lrs_buf b = LRS_BUF_INIT, path = LRS_BUF_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    size_t *rows = NULL, count = 0;
    const uint64_t t0 = bench_now_ns();

    if (mkdir(dir, 0700) != 0 ||
        lrs_school_notices_select(r, before, &rows, &count))
        die(dir, NULL);
    for (size_t i = 0; i < count; i++) {
        char file[LRS_SCHOOL_NOTICE_NAME_SIZE];

        lrs_school_notice_file_name(r, rows[i], file);
        lrs_buf_reset(&b);
        lrs_buf_reset(&path);
        if (lrs_school_notice_html(r, rows[i], "Bench School", &b) ||
            lrs_buf_addf(&path, "%s/%s", dir, file) ||
            lrs_file_write_atomic(path.data, lrs_buf_str(&b), &d))
            die(file, &d);
    }
    lrs_buf_reset(&b);
    lrs_buf_reset(&path);
    if (lrs_school_notice_index_html(r, rows, count, NULL, &b) ||
        lrs_buf_addf(&path, "%s/index.html", dir) ||
        lrs_file_write_atomic(path.data, lrs_buf_str(&b), &d))
        die("index.html", &d);
    bench_report("school privacy-notices 2k (files)", count,
                 bench_now_ns() - t0);
    lrs_free(rows);
    lrs_buf_release(&b);
    lrs_buf_release(&path);
}

static void import(struct lrs_school_roster *r, const char *ret,
                   const char *name, size_t want_added)
{
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_import_stats st;
    struct lrs_diag d = LRS_DIAG_INIT;
    uint64_t t0 = bench_now_ns();

    if (lrs_school_import(r, ret, &log, &st, &d))
        die(ret, &d);
    bench_report(name, st.file_pupils, bench_now_ns() - t0);
    if (st.ulns_added != want_added)
        fprintf(stderr, "bench_school: %zu ULNs added, expected %zu\n",
                st.ulns_added, want_added);
    lrs_school_log_release(&log);
}

int main(void)
{
    char dir[] = "/tmp/lrs-bench-school-XXXXXX";
    char roster[64], req[64], ret[64], cmd[96];
    struct lrs_school_export_opts o = {0};
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_export_stats xs;
    struct lrs_school_census c = LRS_SCHOOL_CENSUS_INIT;
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_school_roster *r, *before;
    uint64_t t0;

    if (!mkdtemp(dir))
        die("mkdtemp", NULL);
    snprintf(roster, sizeof roster, "%s/roster.csv", dir);
    snprintf(req, sizeof req, "%s/request.xml", dir);
    snprintf(ret, sizeof ret, "%s/returned.xml", dir);
    write_roster(roster);

    t0 = bench_now_ns();
    r = load(roster);
    bench_report("school roster read 2k", lrs_school_roster_count(r),
                 bench_now_ns() - t0);

    o.census_date = lrs_school_census_day(2026);
    o.la = "801";
    o.estab = "2000";
    o.select = LRS_SCHOOL_SELECT_ALL;
    t0 = bench_now_ns();
    if (lrs_school_export(r, &o, req, &log, &xs, &d))
        die(req, &d);
    bench_report("school export-ctf 2k (all)", xs.selected,
                 bench_now_ns() - t0);
    lrs_school_log_release(&log);

    before = load(roster);
    fake_batch(req, ret);
    import(r, ret, "school import-ctf 2k", xs.exported);
    import(r, ret, "school re-import 2k (no-op)", 0);

    t0 = bench_now_ns();
    if (lrs_school_roster_csv(r, &b) ||
        lrs_file_write_atomic(roster, lrs_buf_str(&b), &d))
        die(roster, &d);
    bench_report("school roster write 2k", lrs_school_roster_count(r),
                 bench_now_ns() - t0);

    t0 = bench_now_ns();
    if (lrs_school_census_run(r, o.census_date, &c) ||
        lrs_school_census_html(&c, r, &b))
        die("census", NULL);
    bench_report("school census-check 2k (+html)", lrs_school_roster_count(r),
                 bench_now_ns() - t0);
    snprintf(req, sizeof req, "%s/notices", dir);
    notices(r, before, req);
    lrs_school_roster_free(before);
    printf("exported %zu, blocked %zu; census: %zu of %zu aged 14+ hold a "
           "ULN\n",
           xs.exported, xs.blocked, c.total.with_uln, c.total.pupils);

    lrs_school_census_release(&c);
    lrs_buf_release(&b);
    lrs_school_roster_free(r);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
