/*
 * cmd_find.c - `lrs find`: search the register with the match engine
 * (docs/matching.md), one learner from the options or a CSV file of
 * queries, answering with the LRS find codes.
 *
 * The index is built from the store (--db PATH, else $LRS_DB, else
 * ./var/lrs.db: every learner streamed by lrs_store_learner_scan(), merged
 * ones linked to their masters, closed ones left out) or from a register
 * CSV file (--learners, the format of `lrs synth`'s learners.csv). The CSV
 * readers here are small RFC 4180 ones that find their columns by header
 * name.
 *
 * `lrs train` lives here too: it builds the same index and stores the
 * model estimated from it (lrs_match_model_estimate()) with the register
 * (lrs_store_model_save), where `lrs find`, `lrs register`, `lrs batch`
 * and lrsd find it, and with --out writes it to a model file, which
 * `lrs find --model` reads.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char find_usage[] =
    "lrs find [--db PATH | --learners FILE] (--uln ULN --given G --family F |\n"
    "                --given G --family F --dob YYYY-MM-DD [--gender G]\n"
    "                [--postcode PC] [--middle M] [--previous-family P] |\n"
    "                --csv QUERIES [--out RESULTS]) [--model FILE] [--json]\n"
    "                [--explain]";

static const char find_help[] =
    "Find a learner: by ULN and names (learnerByULN), or by demographics\n"
    "(learnerByDemographics), and print the LRS code (WSRC0001 no match,\n"
    "WSRC0002 too many, WSRC0003 possible matches, WSRC0004 exact match,\n"
    "WSRC0022 linked learner) with the ULNs found.\n"
    "\n"
    "    --db PATH         the store to search (default $LRS_DB, else\n"
    "                      ./var/lrs.db)\n"
    "    --learners FILE   instead of a store, a register CSV with the\n"
    "                      header of 'lrs synth'\n"
    "                      learners.csv (uln,given_name,middle_names,\n"
    "                      family_name,date_of_birth,gender,postcode,\n"
    "                      previous_family_name,preferred_given_name,...)\n"
    "    --csv FILE        queries: id,given_name,middle_names,family_name,\n"
    "                      date_of_birth,gender,postcode; each row is a\n"
    "                      record, so an empty middle_names means the\n"
    "                      learner has none\n"
    "    --out FILE        results (id,code,uln,candidates,score) for\n"
    "                      'lrs eval'; default standard output\n"
    "    --json            print the answer as JSON\n"
    "    --explain         print each candidate's field levels and weights\n"
    "    --model FILE      a model file written by 'lrs train --out'\n"
    "                      (default: the model 'lrs train' stored with\n"
    "                      the register, else the shipped one; with\n"
    "                      --learners, the shipped one)\n"
    "    --high BITS       exact-match offset of the model (default 2)\n"
    "    --low BITS        possible-match offset of the model (default -3)\n"
    "\n"
    "Exit status: 0 when a learner was found (WSRC0004 or WSRC0022) or a\n"
    "CSV file was answered, 1 otherwise, 2 for a usage error.\n";

/* ------------------------------------------------------------------ */
/* CSV                                                                */
/* ------------------------------------------------------------------ */

/*
 * The learner and query files, read with lib/csv (the project's one CSV
 * reader) straight from the file: strict RFC 4180, every record with the
 * header's number of fields, malformed text reported with its line and
 * column.
 */
struct csv {
    int fd;
    struct lrs_csv *csv;
    const char *path;
    unsigned long line; /* where the last record read starts */
};

static bool csv_open(struct csv *c, const char *path)
{
    const struct lrs_csv_opts opts = {.name = path};
    enum lrs_err err;

    memset(c, 0, sizeof *c);
    c->path = path;
    c->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (c->fd < 0) {
        cli_error("cannot open '%s': %s", path, strerror(errno));
        return false;
    }
    err = lrs_csv_new(lrs_fd_read, &c->fd, &opts, &c->csv);
    if (err) {
        cli_error("cannot read '%s': %s", path, lrs_strerror(err));
        close(c->fd);
        c->fd = -1;
        return false;
    }
    return true;
}

static void csv_close(struct csv *c)
{
    lrs_csv_free(c->csv);
    if (c->fd >= 0)
        close(c->fd);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

/*
 * The next record: its fields in *f (valid until the next call); returns
 * the field count, 0 at the end, -1 after printing why the file is bad.
 */
static int csv_next(struct csv *c, const struct lrs_str **f)
{
    struct lrs_csv_record rec;
    struct lrs_diag d = LRS_DIAG_INIT;
    bool eof;

    if (lrs_csv_next(c->csv, &rec, &eof, &d)) {
        cli_error("%s", d.msg);
        return -1;
    }
    if (eof)
        return 0;
    c->line = (unsigned long)rec.line;
    *f = rec.fields;
    return (int)rec.count;
}

/* Column numbers of `names` in the header, -1 when absent. */
static bool csv_header(struct csv *c, const char *const *names, int count,
                       int *cols, int required)
{
    const struct lrs_str *f = NULL;
    const int n = csv_next(c, &f);

    if (n < 0)
        return false;
    if (n == 0) {
        cli_error("%s is empty: expected a header", c->path);
        return false;
    }

    for (int i = 0; i < count; i++) {
        cols[i] = -1;
        for (int j = 0; j < n; j++)
            if (lrs_str_eq(f[j], lrs_str_c(names[i])))
                cols[i] = j;
        if (i < required && cols[i] < 0) {
            cli_error("%s: the header has no column '%s'", c->path, names[i]);
            return false;
        }
    }
    return true;
}

static struct lrs_str col(const struct lrs_str *f, int n, int i)
{
    return i >= 0 && i < n ? f[i] : (struct lrs_str){NULL, 0};
}

/* ------------------------------------------------------------------ */
/* Fields                                                             */
/* ------------------------------------------------------------------ */

static bool parse_date(struct lrs_str s, struct lrs_date *out,
                       struct lrs_diag *d)
{
    out->year = 0;
    if (s.len == 0)
        return true;
    return lrs_date_parse(s, LRS_DATE_PARSE_DMY, "date_of_birth", out, d) ==
           LRS_OK;
}

static bool parse_gender(struct lrs_str s, enum lrs_gender *out,
                         struct lrs_diag *d)
{
    *out = LRS_GENDER_NOT_KNOWN;
    return s.len == 0 || lrs_gender_parse(s, out, d) == LRS_OK;
}

static bool parse_postcode(struct lrs_str s, struct lrs_postcode *out,
                           struct lrs_diag *d)
{
    memset(out, 0, sizeof *out);
    return s.len == 0 || lrs_postcode_parse(s, out, d) == LRS_OK;
}

static bool parse_uln(struct lrs_str s, uint64_t *out, struct lrs_diag *d)
{
    return lrs_uln_check(s, d) == LRS_OK &&
           lrs_parse_u64(s, 1, 9999999999u, out) == LRS_OK;
}

/* ------------------------------------------------------------------ */
/* The register                                                       */
/* ------------------------------------------------------------------ */

enum {
    L_ULN,
    L_GIVEN,
    L_MIDDLE,
    L_FAMILY,
    L_DOB,
    L_GENDER,
    L_POSTCODE,
    L_PREVIOUS,
    L_PREFERRED,
    L__COUNT
};

static const char *const learner_cols[L__COUNT] = {
    "uln",         "given_name",           "middle_names",
    "family_name", "date_of_birth",        "gender",
    "postcode",    "previous_family_name", "preferred_given_name",
};

static bool load_learners(struct lrs_match_index *idx, const char *path)
{
    struct csv c;
    const struct lrs_str *f = NULL;
    int cols[L__COUNT], n;
    bool ok = false;

    if (!csv_open(&c, path))
        return false;
    if (!csv_header(&c, learner_cols, L__COUNT, cols, 4))
        goto out;
    while ((n = csv_next(&c, &f)) > 0) {
        struct lrs_match_learner l = {0};
        struct lrs_diag d = LRS_DIAG_INIT;
        enum lrs_err err;

        l.given = col(f, n, cols[L_GIVEN]);
        l.middle = col(f, n, cols[L_MIDDLE]);
        l.family = col(f, n, cols[L_FAMILY]);
        l.preferred = col(f, n, cols[L_PREFERRED]);
        l.former[0] = col(f, n, cols[L_PREVIOUS]);
        if (!parse_uln(col(f, n, cols[L_ULN]), &l.uln, &d) ||
            !parse_date(col(f, n, cols[L_DOB]), &l.dob, &d) ||
            !parse_gender(col(f, n, cols[L_GENDER]), &l.gender, &d) ||
            !parse_postcode(col(f, n, cols[L_POSTCODE]), &l.postcode, &d)) {
            cli_error("%s line %lu: %s: %s", path, c.line,
                      d.field ? d.field : "field", d.msg);
            goto out;
        }
        err = lrs_match_index_insert(idx, &l, NULL, &d);
        if (err) {
            cli_error("%s line %lu: cannot index learner: %s%s%s", path, c.line,
                      lrs_strerror(err), d.msg[0] ? ": " : "", d.msg);
            goto out;
        }
    }
    if (n < 0)
        goto out;
    ok = true;
out:
    csv_close(&c);
    return ok;
}

static const char *db_url(const char *opt)
{
    const char *env = getenv("LRS_DB");

    if (opt)
        return opt;
    return env && *env ? env : "./var/lrs.db";
}

/* The --high and --low offsets given (NULL: keep the model's). */
struct offsets {
    const char *high, *low;
};

static bool offset(const char *s, const char *name, double *out);

/*
 * Set *idx to an index of every learner of the store
 * (lrs_service_index_load: name history, merges, closed left out) with
 * `model`, or with `model` NULL the register's own model (the one `lrs
 * train` stored, else the shipped one); `off` then moves its thresholds.
 */
static bool load_store(struct lrs_match_index **idx, const char *url,
                       const struct lrs_match_model *model,
                       const struct offsets *off)
{
    struct lrs_store *s = NULL;
    struct lrs_match_model m;
    struct lrs_diag d = LRS_DIAG_INIT;
    bool ok = false;

    *idx = NULL;
    if (lrs_store_open(url, 0, &s, &d)) {
        cli_error("%s", d.msg);
        return false;
    }
    if (model)
        m = *model;
    else if (lrs_service_model_get(s, &m, NULL, &d)) {
        cli_error("%s", d.msg);
        goto out;
    }
    if (off && (!offset(off->high, "--high", &m.high) ||
                !offset(off->low, "--low", &m.low)))
        goto out;
    if (lrs_service_index_load(s, &m, idx, &d))
        cli_error("cannot index the register: %s", d.msg);
    else
        ok = true;
out:
    lrs_store_free(s);
    return ok;
}

/* ------------------------------------------------------------------ */
/* Model files                                                        */
/* ------------------------------------------------------------------ */

static bool read_model(const char *path, struct lrs_match_model *out)
{
    struct lrs_buf file = LRS_BUF_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_err err = lrs_file_read(path, &file, &d);

    if (err) {
        cli_error("%s", d.msg);
        lrs_buf_release(&file);
        return false;
    }
    err = lrs_match_model_read(lrs_buf_str(&file), out, &d);
    lrs_buf_release(&file);
    if (err) {
        cli_error("%s: %s", path, d.msg);
        return false;
    }
    return true;
}

/* Write `model` to `path` atomically (lrs_file_write_atomic). */
static bool write_model(const char *path, const struct lrs_match_model *model,
                        const char *comment)
{
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    bool ok = false;

    if (lrs_buf_adds(&b, comment) || lrs_match_model_write(model, &b))
        cli_error("cannot write the model: out of memory");
    else if (lrs_file_write_atomic(path, lrs_buf_str(&b), &d))
        cli_error("%s", d.msg);
    else
        ok = true;
    lrs_buf_release(&b);
    return ok;
}

/* ------------------------------------------------------------------ */
/* Answers                                                            */
/* ------------------------------------------------------------------ */

static bool print_answer(const struct lrs_match_result *res, bool json,
                         bool explain)
{
    struct lrs_buf b = LRS_BUF_INIT;
    enum lrs_err err = LRS_OK;

    if (json) {
        err = lrs_match_explain_json(res, &b);
        if (!err)
            err = lrs_buf_addch(&b, '\n');
    } else if (explain) {
        err = lrs_match_explain_text(res, &b);
    } else {
        /* A no-match answer lists no ULN (--explain shows why). */
        const size_t n = res->code == LRS_MATCH_NONE ? 0 : res->candidate_count;

        err = lrs_buf_adds(&b, lrs_match_code_name(res->code));
        for (size_t i = 0; !err && i < n; i++)
            err = lrs_buf_addf(&b, " %llu",
                               (unsigned long long)res->candidates[i].uln);
        if (!err && res->code == LRS_MATCH_LINKED)
            err = lrs_buf_addf(
                &b, " (linked %llu)",
                (unsigned long long)res->candidates[0].matched_uln);
        if (!err)
            err = lrs_buf_addch(&b, '\n');
    }
    if (err) {
        cli_error("cannot render the answer: %s", lrs_strerror(err));
        lrs_buf_release(&b);
        return false;
    }
    fputs(b.data, stdout);
    lrs_buf_release(&b);
    return true;
}

static bool linked(const struct lrs_match_result *res)
{
    return res->code == LRS_MATCH_EXACT || res->code == LRS_MATCH_LINKED;
}

/* One results row: id,code,uln,candidates,score. */
static enum lrs_err add_result(struct lrs_buf *out, struct lrs_str id,
                               const struct lrs_match_result *res)
{
    enum lrs_err err = lrs_csv_put(out, id, true);

    if (!err)
        err = lrs_buf_addf(out, ",%s,", lrs_match_code_name(res->code));
    if (!err && linked(res))
        err = lrs_buf_addf(out, "%llu",
                           (unsigned long long)res->candidates[0].uln);
    if (!err)
        err = lrs_buf_addch(out, ',');
    for (size_t i = 0; i < res->candidate_count && !err; i++)
        err = lrs_buf_addf(out, "%s%llu", i ? " " : "",
                           (unsigned long long)res->candidates[i].uln);
    if (!err)
        err = lrs_buf_addch(out, ',');
    if (!err && res->candidate_count)
        err = lrs_buf_addf(out, "%.4f", res->candidates[0].score);
    if (!err)
        err = lrs_buf_addch(out, '\n');
    return err;
}

/*
 * Where the results go: standard output, or a file that appears whole
 * when every query has been answered (lrs_file_out), never half written.
 */
struct results {
    struct lrs_file_out file;
    bool to_file;
    struct lrs_buf buf; /* rows not yet written */
};

static bool results_open(struct results *r, const char *path)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    r->file = (struct lrs_file_out)LRS_FILE_OUT_INIT;
    r->to_file = path != NULL;
    lrs_buf_init(&r->buf, 0);
    if (r->to_file && lrs_file_out_open(&r->file, path, &d)) {
        cli_error("%s", d.msg);
        return false;
    }
    return true;
}

/* Write what is buffered; false after printing why. */
static bool results_flush(struct results *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    if (r->to_file) {
        if (lrs_file_out_write(&r->file, r->buf.data, r->buf.len, &d)) {
            cli_error("%s", d.msg);
            return false;
        }
    } else if (fwrite(r->buf.data, 1, r->buf.len, stdout) != r->buf.len) {
        cli_error("cannot write results: %s", strerror(errno));
        return false;
    }
    lrs_buf_reset(&r->buf);
    return true;
}

/* Finish: on success the file is put in place; otherwise it never appears. */
static bool results_close(struct results *r, bool ok)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    ok = ok && results_flush(r);
    if (ok && !r->to_file && fflush(stdout)) {
        cli_error("cannot write results: %s", strerror(errno));
        ok = false;
    }
    if (ok && r->to_file && lrs_file_out_commit(&r->file, &d)) {
        cli_error("%s", d.msg);
        ok = false;
    }
    lrs_file_out_release(&r->file);
    lrs_buf_release(&r->buf);
    return ok;
}

/* A progress line on a terminal for long query files. */
static void progress(bool tty, unsigned long done, bool last)
{
    if (!tty || (!last && done % 1000))
        return;
    fprintf(stderr, "\rsearched: %lu queries%s", done, last ? "\n" : "");
    fflush(stderr);
}

enum {
    Q_ID,
    Q_GIVEN,
    Q_MIDDLE,
    Q_FAMILY,
    Q_DOB,
    Q_GENDER,
    Q_POSTCODE,
    Q_PREVIOUS,
    Q__COUNT
};

static const char *const query_cols[Q__COUNT] = {
    "id",          "given_name",           "middle_names",
    "family_name", "date_of_birth",        "gender",
    "postcode",    "previous_family_name",
};

static int find_csv(const struct lrs_match_index *idx, const char *path,
                    const char *out_path)
{
    struct csv c;
    const struct lrs_str *f = NULL;
    struct lrs_match_result res;
    struct results out;
    const bool tty = isatty(STDERR_FILENO);
    unsigned long done = 0;
    int cols[Q__COUNT], n;
    bool ok = false;

    if (!csv_open(&c, path))
        return CLI_FAIL;
    lrs_match_result_init(&res);
    if (!results_open(&out, out_path))
        goto out;
    if (!csv_header(&c, query_cols, Q__COUNT, cols, 4))
        goto out;
    if (lrs_buf_adds(&out.buf, "id,code,uln,candidates,score\n"))
        goto oom;
    while ((n = csv_next(&c, &f)) > 0) {
        struct lrs_match_query q = {0};
        struct lrs_diag d = LRS_DIAG_INIT;
        enum lrs_err err;

        q.given = col(f, n, cols[Q_GIVEN]);
        q.middle = col(f, n, cols[Q_MIDDLE]);
        q.middle_known = true; /* a row is a record: empty means none */
        q.family = col(f, n, cols[Q_FAMILY]);
        q.previous_family = col(f, n, cols[Q_PREVIOUS]);
        if (!parse_date(col(f, n, cols[Q_DOB]), &q.dob, &d) ||
            !parse_gender(col(f, n, cols[Q_GENDER]), &q.gender, &d) ||
            !parse_postcode(col(f, n, cols[Q_POSTCODE]), &q.postcode, &d)) {
            cli_error("%s line %lu: %s: %s", path, c.line,
                      d.field ? d.field : "field", d.msg);
            goto out;
        }
        err = lrs_match_index_find(idx, &q, &res, &d);
        if (err) {
            cli_error("%s line %lu: cannot search: %s%s%s", path, c.line,
                      lrs_strerror(err), d.msg[0] ? ": " : "", d.msg);
            goto out;
        }
        if (add_result(&out.buf, col(f, n, cols[Q_ID]), &res))
            goto oom;
        if (out.buf.len >= 65536 && !results_flush(&out))
            goto out;
        progress(tty, ++done, false);
    }
    if (n < 0)
        goto out;
    progress(tty, done, true);
    ok = true;
    goto out;
oom:
    cli_error("cannot search '%s': out of memory", path);
out:
    if (!results_close(&out, ok))
        ok = false;
    lrs_match_result_release(&res);
    csv_close(&c);
    return ok ? CLI_OK : CLI_FAIL;
}

/* ------------------------------------------------------------------ */
/* The command                                                        */
/* ------------------------------------------------------------------ */

struct find_opts {
    const char *learners, *csv, *out, *uln, *given, *middle, *family, *previous,
        *dob, *gender, *postcode, *high, *low, *db, *model;
    bool json, explain;
};

static int parse_args(int argc, char **argv, struct find_opts *o)
{
    static const struct {
        const char *name;
        size_t off;
    } opts[] = {
        {"--learners", offsetof(struct find_opts, learners)},
        {"--db", offsetof(struct find_opts, db)},
        {"--csv", offsetof(struct find_opts, csv)},
        {"--out", offsetof(struct find_opts, out)},
        {"--uln", offsetof(struct find_opts, uln)},
        {"--given", offsetof(struct find_opts, given)},
        {"--middle", offsetof(struct find_opts, middle)},
        {"--family", offsetof(struct find_opts, family)},
        {"--previous-family", offsetof(struct find_opts, previous)},
        {"--dob", offsetof(struct find_opts, dob)},
        {"--gender", offsetof(struct find_opts, gender)},
        {"--postcode", offsetof(struct find_opts, postcode)},
        {"--high", offsetof(struct find_opts, high)},
        {"--low", offsetof(struct find_opts, low)},
        {"--model", offsetof(struct find_opts, model)},
    };

    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        bool known = false;

        if (cli_is_help(argv[i]))
            return cli_usage(find_usage, find_help);
        if (strcmp(argv[i], "--json") == 0) {
            o->json = true;
            continue;
        }
        if (strcmp(argv[i], "--explain") == 0) {
            o->explain = true;
            continue;
        }
        for (size_t k = 0; k < sizeof opts / sizeof opts[0] && !known; k++) {
            if (strcmp(argv[i], opts[k].name) != 0)
                continue;
            if (i + 1 >= argc) {
                cli_error("%s needs a value", opts[k].name);
                return cli_usage(find_usage, NULL);
            }
            *(const char **)((char *)o + opts[k].off) = argv[++i];
            known = true;
        }
        if (!known) {
            cli_error("unknown option '%s'", argv[i]);
            return cli_usage(find_usage, NULL);
        }
    }
    if (o->learners && o->db) {
        cli_error("give --db or --learners, not both");
        return cli_usage(find_usage, NULL);
    }
    if (!o->csv && (!o->given || !o->family || (!o->uln && !o->dob))) {
        cli_error("give --csv, or --uln with --given and --family, or "
                  "--given, --family and --dob");
        return cli_usage(find_usage, NULL);
    }
    return CLI_OK;
}

static int find_one(const struct lrs_match_index *idx,
                    const struct find_opts *o)
{
    struct lrs_match_result res;
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_err err;
    int rc;

    lrs_match_result_init(&res);
    if (o->uln) {
        uint64_t uln;

        if (!parse_uln(lrs_str_c(o->uln), &uln, &d)) {
            cli_error("--uln: %s", d.msg);
            return CLI_FAIL;
        }
        err = lrs_match_index_find_uln(idx, uln, lrs_str_c(o->given),
                                       lrs_str_c(o->family), &res, &d);
    } else {
        struct lrs_match_query q = {0};

        q.given = lrs_str_c(o->given);
        q.middle = lrs_str_c(o->middle);
        q.family = lrs_str_c(o->family);
        q.previous_family = lrs_str_c(o->previous);
        if (!parse_date(lrs_str_c(o->dob), &q.dob, &d) ||
            !parse_gender(lrs_str_c(o->gender), &q.gender, &d) ||
            !parse_postcode(lrs_str_c(o->postcode), &q.postcode, &d)) {
            cli_error("%s: %s", d.field ? d.field : "field", d.msg);
            return CLI_FAIL;
        }
        err = lrs_match_index_find(idx, &q, &res, &d);
    }
    if (err) {
        cli_error("cannot search: %s%s%s", lrs_strerror(err),
                  d.msg[0] ? ": " : "", d.msg);
        lrs_match_result_release(&res);
        return CLI_FAIL;
    }
    rc = print_answer(&res, o->json, o->explain) && linked(&res) ? CLI_OK
                                                                 : CLI_FAIL;
    lrs_match_result_release(&res);
    return rc;
}

static bool offset(const char *s, const char *name, double *out)
{
    char *end;
    double v;

    if (!s)
        return true;
    v = strtod(s, &end);
    if (end == s || *end != '\0' || !(v > -100 && v < 100)) {
        cli_error("%s must be a number of bits, got '%s'", name, s);
        return false;
    }
    *out = v;
    return true;
}

int cmd_find(int argc, char **argv)
{
    struct find_opts o;
    struct lrs_match_model model;
    struct lrs_match_index *idx = NULL;
    enum lrs_err err;
    int rc = parse_args(argc, argv, &o);

    if (rc != CLI_OK)
        return rc;
    const struct offsets off = {o.high, o.low};

    /* The offsets are checked first (a usage error before any file is
     * read), and applied again to the model read. */
    lrs_match_model_default(&model);
    if (!offset(o.high, "--high", &model.high) ||
        !offset(o.low, "--low", &model.low))
        return CLI_USAGE;
    if (o.model && !read_model(o.model, &model))
        return CLI_FAIL;
    if (!offset(o.high, "--high", &model.high) ||
        !offset(o.low, "--low", &model.low))
        return CLI_USAGE;
    if (!o.learners) {
        /* The register's own model unless --model names one. */
        if (!load_store(&idx, db_url(o.db), o.model ? &model : NULL, &off))
            return CLI_FAIL;
    } else {
        err = lrs_match_index_new(&model, 0, &idx);
        if (err) {
            cli_error("cannot create the index: %s%s", lrs_strerror(err),
                      err == LRS_EINVAL ? " (the model needs high - low >= "
                                          "margin)"
                                        : "");
            return CLI_FAIL;
        }
    }
    if (o.learners && !load_learners(idx, o.learners))
        rc = CLI_FAIL;
    else if (o.csv)
        rc = find_csv(idx, o.csv, o.out);
    else
        rc = find_one(idx, &o);
    lrs_match_index_free(idx);
    return rc;
}

/* ------------------------------------------------------------------ */
/* lrs train                                                          */
/* ------------------------------------------------------------------ */

static const char train_usage[] =
    "lrs train [--db PATH [--out MODEL] | --learners FILE --out MODEL]\n"
    "                [--seed N] [--pairs N] [--sample N]\n"
    "       lrs train [--db PATH] --use MODEL";

static const char train_help[] =
    "Estimate the match model from the register (docs/matching.md,\n"
    "\"Training\"): u of each comparison level from random pairs of\n"
    "learners, m by expectation-maximisation over the pairs that blocking\n"
    "brings together, both held near the shipped defaults. Writes the\n"
    "model file that 'lrs find --model' reads, and prints each level's\n"
    "weight before and after. A register of fewer than 1,000 learners\n"
    "gets the shipped model. The model is stored with the register (the\n"
    "newest one stored is what 'lrs find', 'lrs register', 'lrs batch'\n"
    "and lrsd use) and, with --out, written to a file. With --use, the\n"
    "model file MODEL is stored as it is instead (a model written by\n"
    "--out with its thresholds changed: docs/matching.md, \"Decisions\").\n"
    "\n"
    "    --db PATH         the store (default $LRS_DB, else ./var/lrs.db)\n"
    "    --learners FILE   instead of a store, a register CSV (as for\n"
    "                      'lrs find'); nothing is stored, --out is needed\n"
    "    --out MODEL       the model file to write\n"
    "    --seed N          sampling seed (default 1)\n"
    "    --pairs N         random pairs for u (default 1000000)\n"
    "    --sample N        learners whose blocks feed EM (default 100000)\n"
    "    --use MODEL       store this model file with the register, checked,\n"
    "                      without training\n";

struct train_opts {
    const char *db, *learners, *out, *seed, *pairs, *sample, *use;
};

static int train_args(int argc, char **argv, struct train_opts *o)
{
    static const struct {
        const char *name;
        size_t off;
    } opts[] = {
        {"--db", offsetof(struct train_opts, db)},
        {"--learners", offsetof(struct train_opts, learners)},
        {"--out", offsetof(struct train_opts, out)},
        {"--seed", offsetof(struct train_opts, seed)},
        {"--pairs", offsetof(struct train_opts, pairs)},
        {"--sample", offsetof(struct train_opts, sample)},
        {"--use", offsetof(struct train_opts, use)},
    };

    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        bool known = false;

        if (cli_is_help(argv[i]))
            return cli_usage(train_usage, train_help);
        for (size_t k = 0; k < sizeof opts / sizeof opts[0] && !known; k++) {
            if (strcmp(argv[i], opts[k].name) != 0)
                continue;
            if (i + 1 >= argc) {
                cli_error("%s needs a value", opts[k].name);
                return cli_usage(train_usage, NULL);
            }
            *(const char **)((char *)o + opts[k].off) = argv[++i];
            known = true;
        }
        if (!known) {
            cli_error("unknown option '%s'", argv[i]);
            return cli_usage(train_usage, NULL);
        }
    }
    if (o->learners && o->db) {
        cli_error("give --db or --learners, not both");
        return cli_usage(train_usage, NULL);
    }
    if (o->use && (o->learners || o->out || o->seed || o->pairs || o->sample)) {
        cli_error("--use stores a model file as it is: give it with --db "
                  "only (--learners, --out, --seed, --pairs and --sample are "
                  "for training)");
        return cli_usage(train_usage, NULL);
    }
    if (o->learners && !o->out) {
        cli_error("give --out MODEL (a register CSV has no store to keep "
                  "the model)");
        return cli_usage(train_usage, NULL);
    }
    return CLI_OK;
}

static bool count_opt(const char *s, const char *name, uint64_t min,
                      uint64_t max, uint64_t *out)
{
    if (!s)
        return true;
    if (lrs_parse_u64(lrs_str_c(s), min, max, out)) {
        cli_error("%s must be a whole number from %llu to %llu, got '%s'", name,
                  (unsigned long long)min, (unsigned long long)max, s);
        return false;
    }
    return true;
}

static void print_report(const struct lrs_match_train_report *r,
                         const struct lrs_match_train_opts *o)
{
    if (r->fallback) {
        printf("%llu learners, fewer than %llu: the shipped model is "
               "written\n",
               (unsigned long long)r->learners,
               (unsigned long long)o->min_learners);
        return;
    }
    printf("trained on %llu learners: u from %llu random pairs; m by EM "
           "over the blocked pairs of %llu learners, one blocking rule at a "
           "time\n",
           (unsigned long long)r->learners, (unsigned long long)r->u_pairs,
           (unsigned long long)r->em_learners);
    printf("%-23s %10s %9s %5s %12s %9s  %s\n", "rule", "pairs", "patterns",
           "iter", "matches", "agreement", "used");
    for (unsigned i = 0; i < LRS_MATCH_TRAIN_RULES; i++) {
        const struct lrs_match_train_rule *x = &r->rules[i];

        printf("%-23s %10llu %9llu %5u %12.1f %8.1f%%  %s\n", x->name,
               (unsigned long long)x->pairs, (unsigned long long)x->patterns,
               x->iterations, x->matches, 100 * x->agreement,
               x->used                       ? "yes"
               : x->matches < o->min_matches ? "no: too few matches"
                                             : "no: not what the shipped "
                                               "model calls matches");
    }
    printf("%llu pairs left out by the twin rule\n",
           (unsigned long long)r->em_excluded);
    if (r->m_default)
        printf("m kept at the shipped values: no rule found %.0f matches "
               "that the shipped model agrees with (a register without "
               "duplicates?)\n",
               o->min_matches);
    else
        printf("m trained for %u of %u fields (the others keep the shipped "
               "values)\n",
               r->m_fields, (unsigned)LRS_MATCH_FIELD__COUNT);
    printf("%u values held at a cap\n", r->clamped);
}

/* Save `model` with the register at `url` (lrs_store_model_save), as the
 * command-line actor; say which row it is. */
static bool store_model(const char *url, const struct lrs_match_model *model,
                        uint64_t learners, const char *comment)
{
    const struct lrs_actor actor = LRS_ACTOR_CLI;
    struct lrs_store *s = NULL;
    struct lrs_store_model row;
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    bool ok = false;

    if (lrs_buf_adds(&b, comment) || lrs_match_model_write(model, &b)) {
        cli_error("cannot write the model: out of memory");
        goto out;
    }
    if (lrs_store_open(url, 0, &s, &d)) {
        cli_error("%s", d.msg);
        goto out;
    }
    memset(&row, 0, sizeof row);
    row.learners = (int64_t)learners;
    /* The comment without its "# " and line feed. */
    snprintf(row.note, sizeof row.note, "%.*s", (int)(strlen(comment) - 3),
             comment + 2);
    if (lrs_store_model_save(s, &actor, &row, lrs_buf_str(&b))) {
        cli_error("%s", lrs_store_errmsg(s));
        goto out;
    }
    printf("stored as match model %lld of the register\n", (long long)row.id);
    ok = true;
out:
    lrs_store_free(s);
    lrs_buf_release(&b);
    return ok;
}

/* Each trained level's weight, shipped and trained, in bits. */
static void print_weights(const struct lrs_match_model *m)
{
    struct lrs_match_model d;
    const struct lrs_match_mu *a[] = {m->given, m->middle, m->family,
                                      m->dob,   m->gender, m->postcode};
    const struct lrs_match_mu *b[] = {d.given, d.middle, d.family,
                                      d.dob,   d.gender, d.postcode};

    lrs_match_model_default(&d);
    printf("%-20s %8s %8s %8s %8s\n", "level", "m", "u", "bits", "shipped");
    for (unsigned f = 0; f < LRS_MATCH_FIELD__COUNT; f++) {
        const enum lrs_match_field field = (enum lrs_match_field)f;

        for (unsigned l = 0; l <= LRS_MATCH_LEVEL_MAX; l++) {
            const char *name = lrs_match_level_name(field, l);
            char key[40];

            if (strcmp(name, "?") == 0 || strcmp(name, "missing") == 0 ||
                strcmp(name, "unknown") == 0 ||
                (f <= LRS_MATCH_MIDDLE && strcmp(name, "former") == 0))
                continue;
            snprintf(key, sizeof key, "%s.%s", lrs_match_field_name(field),
                     name);
            printf("%-20s %8.4g %8.4g %+8.2f %+8.2f\n", key, a[f][l].m,
                   a[f][l].u, lrs_match_weight(a[f][l]),
                   lrs_match_weight(b[f][l]));
        }
    }
}

int cmd_train(int argc, char **argv)
{
    struct train_opts o;
    struct lrs_match_train_opts to;
    struct lrs_match_train_report rep;
    struct lrs_match_model model;
    struct lrs_match_index *idx = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    char comment[128];
    enum lrs_err err;
    int rc = train_args(argc, argv, &o);

    if (rc != CLI_OK)
        return rc;
    if (o.use) {
        /* Checked as any model file is read; trained on no learners. */
        if (!read_model(o.use, &model))
            return CLI_FAIL;
        snprintf(comment, sizeof comment, "# lrs train --use %.90s\n", o.use);
        return store_model(db_url(o.db), &model, 0, comment) ? CLI_OK
                                                             : CLI_FAIL;
    }
    lrs_match_train_opts_default(&to);
    if (!count_opt(o.seed, "--seed", 0, UINT64_MAX, &to.seed) ||
        !count_opt(o.pairs, "--pairs", 1000, 1ull << 32, &to.u_pairs) ||
        !count_opt(o.sample, "--sample", 1, UINT32_MAX, &to.em_learners))
        return CLI_USAGE;
    /* Training starts from the shipped model, never from a stored one:
     * the caps hold each value near the shipped value, not near the last
     * training. */
    lrs_match_model_default(&model);
    if (!o.learners) {
        if (!load_store(&idx, db_url(o.db), &model, NULL))
            return CLI_FAIL;
    } else {
        err = lrs_match_index_new(NULL, 0, &idx);
        if (err) {
            cli_error("cannot create the index: %s", lrs_strerror(err));
            return CLI_FAIL;
        }
        if (!load_learners(idx, o.learners)) {
            rc = CLI_FAIL;
            goto out;
        }
    }
    err = lrs_match_model_estimate(idx, &to, &model, &rep, &d);
    if (err) {
        cli_error("cannot train: %s%s%s", lrs_strerror(err),
                  d.msg[0] ? ": " : "", d.msg);
        rc = CLI_FAIL;
        goto out;
    }
    print_report(&rep, &to);
    print_weights(&model);
    snprintf(comment, sizeof comment, "# lrs train: %llu learners, seed %llu\n",
             (unsigned long long)rep.learners, (unsigned long long)to.seed);
    rc = CLI_OK;
    if (!o.learners &&
        !store_model(db_url(o.db), &model, rep.learners, comment))
        rc = CLI_FAIL;
    else if (o.out && !write_model(o.out, &model, comment))
        rc = CLI_FAIL;
out:
    lrs_match_index_free(idx);
    return rc;
}
