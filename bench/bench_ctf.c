/*
 * bench_ctf.c - writing and reading Common Transfer Files.
 *
 * Writes a CTF of 10,000 pupils (each with a BS7666 address, basic
 * details and an unknown section the reader must skip) into a temporary
 * directory with the CTF writer, then times: writing it, reading it with
 * the streaming reader (pupils/s and MB/s), reading plus validating every
 * pupil, and the whole-file check. It then reads a 100,000-pupil file and
 * prints the peak resident set size after each size, which stays flat
 * because the reader holds one pupil at a time.
 */
#include "bench.h"

#include <lrs/ctf.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const surnames[] = {"Okafor", "Smith",        "Patel",
                                       "Nguyen", "O'Brien",      "Kowalski",
                                       "Evans",  "Brennan-Walsh"};
static const char *const forenames[] = {"Chidi", "Ava", "Arjun", "Linh",
                                        "Niamh", "Jan", "Rhys",  "Zo\xc3\xab"};

static void die(const char *what, const struct lrs_diag *d)
{
    fprintf(stderr, "bench_ctf: %s: %s\n", what, d->msg);
    exit(1);
}

/* Write `count` pupils to `path`; returns the elapsed nanoseconds. */
static uint64_t write_file(const char *path, unsigned count)
{
    const struct lrs_ctf_header hdr = {"Common Transfer File",
                                       "25.0",
                                       "2025-10-01T09:00:00",
                                       "partial",
                                       "",
                                       "",
                                       "bench",
                                       "801",
                                       "2000",
                                       "100000",
                                       "Bench Academy",
                                       "2025",
                                       "XXX",
                                       "XXXX"};
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_ctf_writer *w;
    const uint64_t t0 = bench_now_ns();

    if (lrs_ctf_writer_open(path, &hdr, &w, &d))
        die("open writer", &d);
    for (unsigned i = 0; i < count; i++) {
        char upn[16], dob[11], paon[12];
        struct lrs_ctf_pupil p;

        memset(&p, 0, sizeof p);
        snprintf(upn, sizeof upn, "X801%09u", i);
        snprintf(dob, sizeof dob, "20%02u-%02u-%02u", 9 + i % 3, 1 + i % 12,
                 1 + i % 28);
        snprintf(paon, sizeof paon, "%u", 1 + i % 200);
        p.upn = upn;
        p.surname = surnames[i % 8];
        p.forename = forenames[(i / 8) % 8];
        p.middle_names = i % 3 ? "" : "James";
        p.dob = dob;
        p.sex = i % 2 ? "F" : "M";
        p.nc_year_actual = "10";
        p.address.has_bs7666 = true;
        p.address.paon = paon;
        p.address.street = "Hotwell Road";
        p.address.town = "Bristol";
        p.address.postcode = "BS8 4NU";
        if (lrs_ctf_writer_add(w, &p, &d))
            die("add pupil", &d);
    }
    if (lrs_ctf_writer_commit(w, &d))
        die("commit", &d);
    return bench_now_ns() - t0;
}

/* Read every pupil (validating each when asked); returns nanoseconds. */
static uint64_t read_file(const char *path, unsigned expect, bool validate)
{
    struct lrs_ctf_findings f = LRS_CTF_FINDINGS_INIT;
    const struct lrs_date on = {2025, 10, 1};
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_ctf_pupil *p;
    struct lrs_ctf_reader *r;
    const uint64_t t0 = bench_now_ns();
    uint64_t n = 0, findings = 0;
    enum lrs_err err;

    if (lrs_ctf_reader_open_file(path, NULL, &r, &d))
        die("open reader", &d);
    while ((err = lrs_ctf_reader_next(r, &p, &d)) == LRS_OK && p) {
        n++;
        bench_sink(strlen(p->surname));
        if (validate) {
            lrs_ctf_findings_reset(&f);
            if (lrs_ctf_validate_pupil(p, on, &f))
                die("validate", &d);
            findings += f.count;
        }
    }
    if (err)
        die("read", &d);
    lrs_ctf_reader_free(r);
    lrs_ctf_findings_release(&f);
    if (n != expect) {
        fprintf(stderr, "bench_ctf: read %llu pupils, wrote %u\n",
                (unsigned long long)n, expect);
        exit(1);
    }
    bench_sink(findings);
    return bench_now_ns() - t0;
}

static long peak_rss_kib(void)
{
    struct rusage ru;

    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

static void report_mb(const char *name, off_t bytes, uint64_t ns)
{
    const double s = (double)ns / 1e9;

    printf("%-40s %12.1f MB in %8.3f s = %14.1f MB/s\n", name,
           (double)bytes / 1e6, s, s > 0 ? (double)bytes / 1e6 / s : 0.0);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char dir[4096], small[4200], big[4200];
    struct lrs_diag d = LRS_DIAG_INIT;
    uint64_t ns, count;
    struct stat st;

    snprintf(dir, sizeof dir, "%s/lrs-bench-ctf-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("bench_ctf: mkdtemp");
        return 1;
    }
    snprintf(small, sizeof small, "%s/10k.xml", dir);
    snprintf(big, sizeof big, "%s/100k.xml", dir);

    ns = write_file(small, 10000);
    bench_report("ctf write 10k pupils (pupils)", 10000, ns);
    if (stat(small, &st) != 0)
        return 1;
    report_mb("ctf write 10k pupils (bytes)", st.st_size, ns);

    ns = read_file(small, 10000, false);
    bench_report("ctf read 10k pupils (pupils)", 10000, ns);
    report_mb("ctf read 10k pupils (bytes)", st.st_size, ns);
    ns = read_file(small, 10000, true);
    bench_report("ctf read+validate 10k pupils", 10000, ns);
    {
        const uint64_t t0 = bench_now_ns();

        if (lrs_ctf_check_file(small, NULL, &count, &d))
            die("check", &d);
        bench_report("ctf check_file 10k pupils", count, bench_now_ns() - t0);
    }
    printf("%-40s %12ld KiB\n", "peak RSS after 10k pupils", peak_rss_kib());

    (void)write_file(big, 100000);
    if (stat(big, &st) != 0)
        return 1;
    ns = read_file(big, 100000, false);
    bench_report("ctf read 100k pupils (pupils)", 100000, ns);
    report_mb("ctf read 100k pupils (bytes)", st.st_size, ns);
    printf("%-40s %12ld KiB\n", "peak RSS after 100k pupils", peak_rss_kib());

    unlink(small);
    unlink(big);
    rmdir(dir);
    return 0;
}
