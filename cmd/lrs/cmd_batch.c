/*
 * cmd_batch.c - the S2S batch on the command line (docs/batch.md):
 * `lrs batch IN.xml --out OUT.xml --report REPORT.csv [--html FILE]`,
 * `lrs batch list`, `lrs exceptions list`, `lrs exceptions resolve`.
 *
 * `lrs batch` stores the file as a job, loads the match index from the
 * store, runs the job (a progress bar on a terminal) and writes the three
 * outputs from the job. Run again after a crash, it resumes the same job
 * (the same bytes from the same organisation are the same job) and
 * writes the same outputs. Two variables exist for the crash tests only:
 * LRS_BATCH_CHUNK (pupils a commit) and LRS_BATCH_KILL_AFTER=N (SIGKILL
 * this process right after its Nth commit).
 */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const struct lrs_actor cli_actor = LRS_ACTOR_CLI;

static const char *db_url(const char *opt)
{
    const char *env = getenv("LRS_DB");

    if (opt)
        return opt;
    return env && *env ? env : "./var/lrs.db";
}

static bool read_file(const char *path, struct lrs_buf *out)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_file_read(path, out, &d) != LRS_OK) {
        cli_error("%s", d.msg);
        return false;
    }
    return true;
}

/* Write `b` to `path` atomically (lrs_file_write_atomic). */
static bool write_file(const char *path, const struct lrs_buf *b)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_file_write_atomic(path, lrs_buf_str(b), &d) != LRS_OK) {
        cli_error("%s", d.msg);
        return false;
    }
    return true;
}

/* Write blob `which` of job `id` to `path` (NULL: nothing to do). */
static bool write_blob(struct lrs_store *s, int64_t id, enum lrs_job_blob which,
                       const char *path)
{
    struct lrs_buf b = LRS_BUF_INIT;
    enum lrs_err err;
    bool ok;

    if (!path)
        return true;
    err = lrs_store_job_blob(s, id, which, &b);
    if (err) {
        cli_error("cannot read the outputs of job %lld: %s", (long long)id,
                  err == LRS_ENOTFOUND ? "not written yet"
                                       : lrs_store_errmsg(s));
        lrs_buf_release(&b);
        return false;
    }
    ok = write_file(path, &b);
    lrs_buf_release(&b);
    return ok;
}

static void print_totals(int64_t id, const struct lrs_batch_totals *t)
{
    printf("job %lld: %llu pupils: %llu new, %llu existing, %llu possible "
           "match, %llu not found, %llu rejected; exceptions: %llu open, "
           "%llu resolved\n",
           (long long)id, (unsigned long long)t->pupils,
           (unsigned long long)t->count[LRS_BATCH_NEW],
           (unsigned long long)t->count[LRS_BATCH_EXISTING],
           (unsigned long long)t->count[LRS_BATCH_POSSIBLE],
           (unsigned long long)t->count[LRS_BATCH_NOT_FOUND],
           (unsigned long long)t->count[LRS_BATCH_REJECTED],
           (unsigned long long)t->exceptions_open,
           (unsigned long long)t->exceptions_resolved);
}

/* ------------------------------------------------------------------ */
/* Progress and the crash hook                                        */
/* ------------------------------------------------------------------ */

struct progress {
    bool tty;
    unsigned long kill_after; /* commits; 0: never */
    unsigned long commits;
};

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    const struct progress *p = ctx;
    const int width = 40;
    int fill;

    if (!p->tty || total == 0)
        return;
    fill = (int)((double)done / (double)total * width);
    fprintf(stderr, "\r[%.*s%*s] %llu/%llu", fill,
            "========================================", width - fill, "",
            (unsigned long long)done, (unsigned long long)total);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

static void on_commit(void *ctx, uint64_t checkpoint)
{
    struct progress *p = ctx;

    (void)checkpoint;
    if (p->kill_after && ++p->commits == p->kill_after)
        raise(SIGKILL);
}

static unsigned long env_number(const char *name)
{
    const char *v = getenv(name);
    uint64_t n = 0;

    if (v && lrs_parse_u64(lrs_str_c(v), 1, 1000000, &n) != LRS_OK)
        n = 0;
    return (unsigned long)n;
}

/* ------------------------------------------------------------------ */
/* lrs batch IN.xml                                                   */
/* ------------------------------------------------------------------ */

static const char batch_usage[] =
    "lrs batch IN.xml --out OUT.xml --report REPORT.csv [--html REPORT.html]\n"
    "                 [--db DB] [--org ID] [--on YYYY-MM-DD]\n"
    "   or: lrs batch list [--db DB] [--org ID]";

static const char batch_help[] =
    "Return ULNs for the pupils of a Common Transfer File (the S2S batch):\n"
    "each pupil is checked, found in the register (its ULN returned) or,\n"
    "when nobody matches, registered (a new ULN); the rest become\n"
    "exceptions for a person to resolve ('lrs exceptions').\n"
    "\n"
    "    --out FILE     the returned CTF: every pupil, with its ULN\n"
    "    --report FILE  CSV of every pupil without a ULN and why\n"
    "    --html FILE    the same as a printable page, with the totals\n"
    "    --org ID       the sending organisation (default 0, the LRS)\n"
    "    --on DATE      take ages on this day (default: the upload's)\n"
    "\n"
    "The same file sent again by the same organisation is the same job:\n"
    "its ULNs are returned again and nobody is registered twice. After a\n"
    "crash, the same command resumes the job from its last commit.\n";

struct batch_opts {
    const char *in, *out, *report, *html, *db, *org, *on;
    bool list;
};

static int batch_args(int argc, char **argv, struct batch_opts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char **slot = NULL;

        if (cli_is_help(argv[i]))
            return cli_usage(batch_usage, batch_help);
        if (strcmp(argv[i], "--out") == 0)
            slot = &o->out;
        else if (strcmp(argv[i], "--report") == 0)
            slot = &o->report;
        else if (strcmp(argv[i], "--html") == 0)
            slot = &o->html;
        else if (strcmp(argv[i], "--db") == 0)
            slot = &o->db;
        else if (strcmp(argv[i], "--org") == 0)
            slot = &o->org;
        else if (strcmp(argv[i], "--on") == 0)
            slot = &o->on;
        if (slot) {
            if (i + 1 == argc) {
                cli_error("%s needs a value", argv[i]);
                return cli_usage(batch_usage, NULL);
            }
            *slot = argv[++i];
        } else if (argv[i][0] == '-' || o->in) {
            cli_error("unknown argument '%s'", argv[i]);
            return cli_usage(batch_usage, NULL);
        } else if (i == 1 && strcmp(argv[i], "list") == 0) {
            o->list = true;
        } else {
            o->in = argv[i];
        }
    }
    if (!o->list && (!o->in || !o->out || !o->report)) {
        cli_error("give the CTF, --out and --report");
        return cli_usage(batch_usage, NULL);
    }
    return CLI_OK;
}

static bool parse_org(const char *s, int64_t *out)
{
    uint64_t v = 0;

    if (s && lrs_parse_u64(lrs_str_c(s), 0, INT64_MAX, &v) != LRS_OK) {
        cli_error("--org must be an organisation id, got '%s'", s);
        return false;
    }
    *out = (int64_t)v;
    return true;
}

static enum lrs_err list_job(const struct lrs_job *j, void *ctx)
{
    char when[32];
    const time_t t = (time_t)(j->created_ms / 1000);
    struct tm tm;

    (void)ctx;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    printf("%lld\t%s\t%llu/%llu\t%s\t%s%s%s\n", (long long)j->id,
           lrs_job_status_name(j->status), (unsigned long long)j->rows_done,
           (unsigned long long)j->rows_total, when, j->file_name,
           j->error[0] ? "\t" : "", j->error);
    return LRS_OK;
}

static int batch_run(struct lrs_store *s, const struct batch_opts *o,
                     int64_t org)
{
    struct lrs_actor actor = cli_actor;
    struct lrs_buf in = LRS_BUF_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_match_index *idx = NULL;
    struct lrs_batch_totals totals;
    struct lrs_batch_opts bo;
    struct progress pr;
    struct lrs_job job;
    const char *name = strrchr(o->in, '/');
    bool existing;
    enum lrs_err err;
    int rc = CLI_FAIL;

    actor.org_id = org;
    if (!read_file(o->in, &in))
        return CLI_FAIL;
    err = lrs_service_batch_submit(s, &actor, name ? name + 1 : o->in, in.data,
                                   in.len, &job, &existing, &d);
    lrs_buf_release(&in);
    if (err) {
        cli_error("cannot store '%s': %s", o->in, d.msg);
        return CLI_FAIL;
    }
    if (existing)
        fprintf(stderr, "lrs: '%s' was sent before: job %lld (%s)\n", o->in,
                (long long)job.id, lrs_job_status_name(job.status));
    if (job.status != LRS_JOB_DONE) {
        err = lrs_service_index_load(s, NULL, &idx, &d);
        if (err) {
            cli_error("cannot load the register: %s", d.msg);
            return CLI_FAIL;
        }
    }
    memset(&pr, 0, sizeof pr);
    pr.tty = isatty(STDERR_FILENO) != 0;
    pr.kill_after = env_number("LRS_BATCH_KILL_AFTER");
    memset(&bo, 0, sizeof bo);
    bo.chunk = env_number("LRS_BATCH_CHUNK");
    if (o->on && lrs_date_parse(lrs_str_c(o->on), 0, "--on", &bo.on, &d)) {
        cli_error("--on: %s", d.msg);
        lrs_match_index_free(idx);
        return CLI_USAGE;
    }
    bo.on_progress = on_progress;
    bo.on_commit = on_commit;
    bo.ctx = &pr;
    err = lrs_service_batch_run(s, idx, &actor, job.id, &bo, &totals, &d);
    lrs_match_index_free(idx);
    if (err) {
        cli_error("batch job %lld failed: %s", (long long)job.id,
                  d.msg[0] ? d.msg : lrs_strerror(err));
        return CLI_FAIL;
    }
    if (write_blob(s, job.id, LRS_JOB_RETURNED_CTF, o->out) &&
        write_blob(s, job.id, LRS_JOB_REPORT_CSV, o->report) &&
        write_blob(s, job.id, LRS_JOB_REPORT_HTML, o->html))
        rc = CLI_OK;
    print_totals(job.id, &totals);
    return rc;
}

int cmd_batch(int argc, char **argv)
{
    struct batch_opts o;
    struct lrs_store *s = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    int64_t org = 0;
    enum lrs_err err;
    int rc = batch_args(argc, argv, &o);

    if (rc != CLI_OK)
        return rc;
    if (!parse_org(o.org, &org))
        return CLI_USAGE;
    if (lrs_store_open(db_url(o.db), 0, &s, &d)) {
        cli_error("%s", d.msg);
        return CLI_FAIL;
    }
    if (o.list) {
        err = lrs_store_job_scan(s, o.org ? org : -1, list_job, NULL);
        if (err)
            cli_error("%s", lrs_store_errmsg(s));
        rc = err ? CLI_FAIL : CLI_OK;
    } else {
        rc = batch_run(s, &o, org);
    }
    lrs_store_free(s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* lrs exceptions                                                     */
/* ------------------------------------------------------------------ */

static const char exc_usage[] =
    "lrs exceptions list [--job N] [--status open|resolved] [--code CODE]\n"
    "                    [--db DB]\n"
    "   or: lrs exceptions resolve ID (--uln ULN | --new) --reason TEXT\n"
    "                              [--db DB] [--out OUT.xml]\n"
    "                              [--report REPORT.csv] [--html FILE]";

static const char exc_help[] =
    "List the pupils of batch jobs that a person must resolve, or resolve\n"
    "one: --uln names the learner the pupil is (its master if merged),\n"
    "--new registers the pupil as a new learner. The job's returned CTF\n"
    "and reports are made again with the ULN; --out, --report and --html\n"
    "write them.\n";

static enum lrs_err list_exception(const struct lrs_exception *x, void *ctx)
{
    struct lrs_buf *cands = ctx;
    const char *at = x->candidates;

    lrs_buf_reset(cands);
    while ((at = strstr(at, "\"uln\":\"")) != NULL) {
        at += 7;
        if (lrs_buf_addf(cands, "%s%.10s", cands->len ? " " : "", at))
            return LRS_ENOMEM;
    }
    printf("%lld\tjob %lld\trow %llu\t%s\t%s\t%s\t%s%s\n", (long long)x->id,
           (long long)x->job_id, (unsigned long long)x->ordinal, x->code,
           lrs_exception_status_name(x->status),
           x->status == LRS_EXCEPTION_RESOLVED ? x->resolved_uln : cands->data,
           x->reason, x->resolved_new ? " (new learner)" : "");
    return LRS_OK;
}

static int exc_list(struct lrs_store *s, int argc, char **argv)
{
    struct lrs_exception_filter f = {0, -1, -1, ""};
    struct lrs_buf cands = LRS_BUF_INIT;
    enum lrs_err err;

    for (int i = 2; i < argc; i++) {
        uint64_t v;

        if (strcmp(argv[i], "--job") == 0 && i + 1 < argc &&
            lrs_parse_u64(lrs_str_c(argv[i + 1]), 1, INT64_MAX, &v) == LRS_OK) {
            f.job_id = (int64_t)v;
            i++;
        } else if (strcmp(argv[i], "--status") == 0 && i + 1 < argc &&
                   (strcmp(argv[i + 1], "open") == 0 ||
                    strcmp(argv[i + 1], "resolved") == 0)) {
            f.status = argv[++i][0] == 'o' ? LRS_EXCEPTION_OPEN
                                           : LRS_EXCEPTION_RESOLVED;
        } else if (strcmp(argv[i], "--code") == 0 && i + 1 < argc) {
            if (!lrs_batch_code_is_exception(argv[i + 1])) {
                cli_error("--code: '%s' is not the code of an exception "
                          "(docs/batch.md)",
                          argv[i + 1]);
                return CLI_USAGE;
            }
            snprintf(f.code, sizeof f.code, "%s", argv[++i]);
        } else {
            cli_error("unknown or incomplete argument '%s'", argv[i]);
            return cli_usage(exc_usage, NULL);
        }
    }
    err = lrs_store_exception_scan(s, &f, list_exception, &cands);
    lrs_buf_release(&cands);
    if (err) {
        cli_error("%s",
                  err == LRS_ENOMEM ? "out of memory" : lrs_store_errmsg(s));
        return CLI_FAIL;
    }
    return CLI_OK;
}

static int exc_resolve(struct lrs_store *s, int argc, char **argv)
{
    const char *uln = NULL, *reason = NULL, *out = NULL, *report = NULL,
               *html = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_exception x;
    struct lrs_buf cand = LRS_BUF_INIT;
    char issued[LRS_ULN_SIZE];
    bool new_learner = false;
    uint64_t id = 0;
    enum lrs_err err;

    if (argc < 3 ||
        lrs_parse_u64(lrs_str_c(argv[2]), 1, INT64_MAX, &id) != LRS_OK) {
        cli_error("give the id of the exception");
        return cli_usage(exc_usage, NULL);
    }
    for (int i = 3; i < argc; i++) {
        const char **slot = NULL;

        if (strcmp(argv[i], "--new") == 0) {
            new_learner = true;
            continue;
        }
        if (strcmp(argv[i], "--uln") == 0)
            slot = &uln;
        else if (strcmp(argv[i], "--reason") == 0)
            slot = &reason;
        else if (strcmp(argv[i], "--out") == 0)
            slot = &out;
        else if (strcmp(argv[i], "--report") == 0)
            slot = &report;
        else if (strcmp(argv[i], "--html") == 0)
            slot = &html;
        if (!slot || i + 1 == argc) {
            cli_error("unknown or incomplete argument '%s'", argv[i]);
            return cli_usage(exc_usage, NULL);
        }
        *slot = argv[++i];
    }
    if ((uln != NULL) == new_learner || !reason) {
        cli_error("give --uln ULN or --new, and --reason");
        return cli_usage(exc_usage, NULL);
    }
    err = lrs_service_exception_resolve(s, &cli_actor, (int64_t)id, uln, reason,
                                        issued, &d);
    if (err) {
        cli_error("cannot resolve exception %llu: %s%s%s",
                  (unsigned long long)id, d.field ? d.field : "",
                  d.field ? ": " : "", d.msg);
        return CLI_FAIL;
    }
    printf("exception %llu resolved: %s%s\n", (unsigned long long)id, issued,
           new_learner ? " (new learner)" : "");
    err = lrs_store_exception_get(s, (int64_t)id, &x, &cand);
    lrs_buf_release(&cand);
    if (err) {
        cli_error("%s", lrs_store_errmsg(s));
        return CLI_FAIL;
    }
    if (!write_blob(s, x.job_id, LRS_JOB_RETURNED_CTF, out) ||
        !write_blob(s, x.job_id, LRS_JOB_REPORT_CSV, report) ||
        !write_blob(s, x.job_id, LRS_JOB_REPORT_HTML, html))
        return CLI_FAIL;
    return CLI_OK;
}

int cmd_exceptions(int argc, char **argv)
{
    const char *db = NULL;
    struct lrs_store *s = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    int out = 0, rc;

    /* --db anywhere. */
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            db = argv[++i];
        else
            argv[out++] = argv[i];
    }
    argc = out;
    if (argc < 2 || cli_is_help(argv[1]))
        return cli_usage(exc_usage, argc < 2 ? NULL : exc_help);
    if (strcmp(argv[1], "list") != 0 && strcmp(argv[1], "resolve") != 0) {
        cli_error("unknown subcommand '%s'", argv[1]);
        return cli_usage(exc_usage, NULL);
    }
    if (lrs_store_open(db_url(db), 0, &s, &d)) {
        cli_error("%s", d.msg);
        return CLI_FAIL;
    }
    rc = argv[1][0] == 'l' ? exc_list(s, argc, argv)
                           : exc_resolve(s, argc, argv);
    lrs_store_free(s);
    return rc;
}
