/*
 * bench_batch.c - the S2S batch end to end (docs/batch.md): a CTF of
 * PUPILS pupils against a register of LEARNERS learners, in an SQLite
 * store on disk (durable commits).
 *
 * usage: bench_batch [LEARNERS [PUPILS [CHUNK [RUNS]]]] (default
 * 1,000,000, 10,000, LRS_BATCH_CHUNK_DEFAULT pupils a commit, and one
 * run: RUNS jobs one after another, each on its own copy of the
 * register, so they all do the same work)
 *
 * BENCH_BATCH_DIR=DIR keeps the set-up in DIR and reuses what is there
 * (learners.csv and queries.csv from lrs synth, register.db, ctf.xml):
 * a 10,000,000-learner set-up takes many minutes.
 *
 * Setup (not timed as the batch): lrs synth writes the register and
 * PUPILS queries against it (19% exact copies, 65% corrupted, 16% people
 * not in the register); the register is imported; the queries become a
 * CTF with the lib/ctf writer. Then, timed: loading the match index from
 * the store (once per process: a server keeps it), and the job itself:
 * store the file, check it whole, decide every pupil (match, register
 * the unmatched, exceptions), commit per chunk (2,000 pupils or 250 ms),
 * and write the returned CTF and both reports into the store. Last, `xmllint
 * --stream` reads the same file, and the ratio of the job to that reading time
 * is printed.
 */
#include "bench.h"

#include <lrs/lrs.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* CPU time of this process, ns: the figure least moved by other load. */
static uint64_t cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A valid permanent UPN from a number (LA 801; tests/batch/make_ctf.py). */
static void make_upn(uint64_t n, char out[14])
{
    static const char alpha[] = "ABCDEFGHJKLMNPQRTUVWXYZ";
    unsigned sum = 0;

    snprintf(out + 1, 13, "801%09llu", (unsigned long long)n);
    for (int i = 1; i < 13; i++)
        sum += (unsigned)(out[i] - '0') * (unsigned)(i + 1);
    out[0] = alpha[sum % 23];
}

/* Split a queries.csv line (no quoted fields) into f[7]. */
static int split(char *line, char **f, int max)
{
    int n = 0;

    line[strcspn(line, "\r\n")] = '\0';
    f[n++] = line;
    for (char *p = line; *p && n < max; p++) {
        if (*p == ',') {
            *p = '\0';
            f[n++] = p + 1;
        }
    }
    return n;
}

static int write_ctf(const char *queries, const char *path, uint64_t *count)
{
    struct lrs_ctf_header h = {0};
    struct lrs_ctf_writer *w = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    char line[1024];
    FILE *q = fopen(queries, "r");

    if (!q)
        return -1;
    h.document_name = "Common Transfer File";
    h.ctf_version = "25.0";
    h.date_time = "2026-09-01T09:00:00";
    h.document_qualifier = "partial";
    h.supplier_id = "bench";
    h.source_lea = "801";
    h.source_estab = "2000";
    h.dest_lea = "XXX";
    h.dest_estab = "XXXX";
    h.data_qualifier = h.data_descriptor = h.source_urn = "";
    h.source_school_name = "Bench School";
    h.source_academic_year = "2026";
    if (lrs_ctf_writer_open(path, &h, &w, &d) != LRS_OK ||
        !fgets(line, sizeof line, q)) {
        fprintf(stderr, "bench_batch: %s\n", d.msg);
        fclose(q);
        return -1;
    }
    *count = 0;
    while (fgets(line, sizeof line, q)) {
        static const char *const empty = "";
        struct lrs_ctf_pupil p;
        char upn[14], addr[32];
        char *f[8];

        if (split(line, f, 8) < 7)
            continue;
        memset(&p, 0, sizeof p);
        p.upn = p.uln = p.uci = p.former_upn = p.preferred_surname = empty;
        p.preferred_forename = p.former_surname = p.nc_year_actual = empty;
        p.address.saon = p.address.paon = p.address.street = empty;
        p.address.locality = p.address.town = empty;
        p.address.administrative_area = p.address.post_town = empty;
        p.address.uprn = p.address.county = empty;
        for (int i = 0; i < 5; i++)
            p.address.lines[i] = empty;
        make_upn(++*count, upn);
        snprintf(addr, sizeof addr, "%llu High Street",
                 (unsigned long long)(*count % 200 + 1));
        p.upn = upn;
        p.forename = f[1];
        p.middle_names = f[2];
        p.surname = f[3];
        p.dob = f[4];
        p.sex = strcmp(f[5], "1") == 0   ? "M"
                : strcmp(f[5], "2") == 0 ? "F"
                                         : "";
        p.sex_element = LRS_CTF_SEX_SEX;
        p.address.has_lines = true;
        p.address.lines[0] = addr;
        p.address.postcode = f[6];
        if (lrs_ctf_writer_add(w, &p, &d) != LRS_OK) {
            fprintf(stderr, "bench_batch: %s\n", d.msg);
            lrs_ctf_writer_free(w);
            fclose(q);
            return -1;
        }
    }
    fclose(q);
    return lrs_ctf_writer_commit(w, &d) == LRS_OK ? 0 : -1;
}

/* The pupils of queries.csv (its lines after the header). */
static int count_pupils(const char *queries, uint64_t *count)
{
    FILE *q = fopen(queries, "r");
    int c, last = '\n';

    if (!q)
        return -1;
    *count = 0;
    while ((c = getc(q)) != EOF) {
        if (c == '\n')
            ++*count;
        last = c;
    }
    if (last != '\n')
        ++*count;
    fclose(q);
    if (*count)
        --*count;
    return 0;
}

static int setup(const char *dir, uint64_t learners, uint64_t pupils,
                 const char *db, const char *ctf, uint64_t *count)
{
    struct lrs_synth_opts so = {learners, pupils, 7, 0};
    struct lrs_import_opts io = {0};
    struct lrs_import_result ir;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s = NULL;
    const struct lrs_actor actor = LRS_ACTOR_CLI;
    char path[512], part[640];
    int fd, rc = -1;

    snprintf(path, sizeof path, "%s/learners.csv", dir);
    if (access(path, R_OK) != 0 &&
        lrs_synth_write(&so, dir, NULL, &d) != LRS_OK) {
        fprintf(stderr, "bench_batch: synth: %s\n", d.msg);
        goto out;
    }
    /* The register is imported under another name and renamed when
     * whole, so that a set-up stopped half way is never reused. */
    if (access(db, R_OK) != 0) {
        snprintf(part, sizeof part, "%s.part", db);
        unlink(part);
        if (lrs_store_open(
                part, LRS_STORE_OPEN_CREATE | LRS_STORE_OPEN_NO_SCHEMA_CHECK,
                &s, &d) != LRS_OK ||
            lrs_store_init(s, NULL) != LRS_OK) {
            fprintf(stderr, "bench_batch: setup: %s\n", d.msg);
            goto out;
        }
        fd = open(path, O_RDONLY);
        io.name = path;
        if (fd < 0 || lrs_service_import_learners(s, &actor, lrs_fd_read, &fd,
                                                  &io, &ir, &d) != LRS_OK) {
            fprintf(stderr, "bench_batch: import: %s\n", d.msg);
            if (fd >= 0)
                close(fd);
            goto out;
        }
        close(fd);
        lrs_store_free(s);
        s = NULL;
        if (rename(part, db) != 0) {
            perror(db);
            goto out;
        }
    }
    snprintf(path, sizeof path, "%s/queries.csv", dir);
    rc = access(ctf, R_OK) == 0 ? count_pupils(path, count)
                                : write_ctf(path, ctf, count);
out:
    lrs_store_free(s);
    return rc;
}

static int slurp(const char *path, struct lrs_buf *b)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;

    if (!f)
        return -1;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (lrs_buf_add(b, chunk, n) != LRS_OK)
            break;
    fclose(f);
    return 0;
}

/* Copy the file `from` to `to` (the job runs on a copy of the register). */
static int copy_file(const char *from, const char *to)
{
    char buf[1 << 16];
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    size_t n;
    int rc = 0;

    if (!out) {
        if (in)
            fclose(in);
        return -1;
    }
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            rc = -1;
    if (ferror(in))
        rc = -1;
    fclose(in);
    return fclose(out) == 0 ? rc : -1;
}

/* One job on a copy of the register; its wall time into *job_ns. */
static int run_job(const char *dir, const char *db, const struct lrs_buf *in,
                   uint64_t count, size_t chunk, uint64_t *job_ns)
{
    const struct lrs_actor actor = LRS_ACTOR_CLI;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s = NULL;
    struct lrs_match_index *idx = NULL;
    struct lrs_batch_totals t;
    struct lrs_batch_opts bo = {0};
    struct lrs_match_stats st;
    struct lrs_job job;
    char run[600];
    uint64_t t0, c0;
    bool existing;
    int rc = -1;

    snprintf(run, sizeof run, "%s/run.db", dir);
    unlink(run);
    /* A register kept from an older version is brought up to date on
     * the copy (lrs init), and closed, so that the job does not pay for
     * checkpointing the migration. */
    if (copy_file(db, run) != 0 ||
        lrs_store_open(run, LRS_STORE_OPEN_NO_SCHEMA_CHECK, &s, &d) != LRS_OK ||
        lrs_store_init(s, NULL) != LRS_OK) {
        fprintf(stderr, "bench_batch: copy or open %s: %s\n", run, d.msg);
        goto out;
    }
    lrs_store_free(s);
    s = NULL;
    if (lrs_store_open(run, 0, &s, &d) != LRS_OK) {
        fprintf(stderr, "bench_batch: copy or open %s: %s\n", run, d.msg);
        goto out;
    }
    t0 = bench_now_ns();
    if (lrs_service_index_load(s, NULL, &idx, &d) != LRS_OK) {
        fprintf(stderr, "bench_batch: %s\n", d.msg);
        goto out;
    }
    lrs_match_index_stats(idx, &st);
    bench_report("index load from the store, learners", st.learners,
                 bench_now_ns() - t0);
    bo.chunk = chunk;
    t0 = bench_now_ns();
    c0 = cpu_ns();
    if (lrs_service_batch_submit(s, &actor, "ctf.xml", in->data, in->len, &job,
                                 &existing, &d) != LRS_OK ||
        lrs_service_batch_run(s, idx, &actor, job.id, &bo, &t, &d) != LRS_OK) {
        fprintf(stderr, "bench_batch: %s\n", d.msg);
        goto out;
    }
    *job_ns = bench_now_ns() - t0;
    bench_report("batch job end to end, pupils", count, *job_ns);
    printf("  of which CPU %.3f s (the rest waits for fsync or the CPU)\n",
           (double)(cpu_ns() - c0) / 1e9);
    printf("  %llu new, %llu existing, %llu possible, %llu not found, "
           "%llu rejected; CTF %zu bytes\n",
           (unsigned long long)t.count[LRS_BATCH_NEW],
           (unsigned long long)t.count[LRS_BATCH_EXISTING],
           (unsigned long long)t.count[LRS_BATCH_POSSIBLE],
           (unsigned long long)t.count[LRS_BATCH_NOT_FOUND],
           (unsigned long long)t.count[LRS_BATCH_REJECTED], in->len);
    rc = 0;
out:
    lrs_match_index_free(idx);
    lrs_store_free(s);
    unlink(run);
    snprintf(run, sizeof run, "%s/run.db-wal", dir);
    unlink(run);
    snprintf(run, sizeof run, "%s/run.db-shm", dir);
    unlink(run);
    return rc;
}

int main(int argc, char **argv)
{
    uint64_t learners = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    uint64_t pupils = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000;
    const size_t chunk = argc > 3 ? (size_t)strtoull(argv[3], NULL, 10) : 0;
    const unsigned runs = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 10) : 1;
    const char *keep = getenv("BENCH_BATCH_DIR");
    char tmp[] = "/tmp/lrs-bench-batch-XXXXXX", db[600], ctf[600], cmd[1400];
    const char *dir = keep && keep[0] ? keep : tmp;
    struct lrs_buf in = LRS_BUF_INIT;
    uint64_t count = 0, t0, job_ns = 0, lint_ns = 0;
    int rc = 0;

    if (dir == tmp && !mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    if (dir != tmp && mkdir(dir, 0700) != 0 && errno != EEXIST) {
        perror(dir);
        return 1;
    }
    snprintf(db, sizeof db, "%s/register.db", dir);
    snprintf(ctf, sizeof ctf, "%s/ctf.xml", dir);
    t0 = bench_now_ns();
    if (setup(dir, learners, pupils, db, ctf, &count) != 0)
        return 1;
    bench_report("setup (synth, import, write CTF; or reused) learners",
                 learners, bench_now_ns() - t0);
    if (slurp(ctf, &in) != 0)
        return 1;
    snprintf(cmd, sizeof cmd, "xmllint --stream --noout '%s'", ctf);
    for (int i = 0; i < 3; i++) {
        const uint64_t a = bench_now_ns();

        if (system(cmd) != 0) {
            lint_ns = 0;
            break;
        }
        if (!lint_ns || bench_now_ns() - a < lint_ns)
            lint_ns = bench_now_ns() - a;
    }
    if (lint_ns)
        bench_report("xmllint --stream (best of 3), pupils", count, lint_ns);
    else
        printf("  xmllint not found (apt-get install libxml2-utils)\n");
    for (unsigned i = 0; i < runs && rc == 0; i++) {
        rc = run_job(dir, db, &in, count, chunk, &job_ns);
        if (rc == 0 && lint_ns)
            printf("  batch / xmllint reading time: %.1fx\n",
                   (double)job_ns / (double)lint_ns);
    }
    lrs_buf_release(&in);
    if (dir == tmp) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            rc = 1;
    }
    return rc ? 1 : 0;
}
