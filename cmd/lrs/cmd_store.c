/*
 * cmd_store.c - the register commands: `lrs init`, `lrs import learners`,
 * `lrs export learners`, `lrs show`, `lrs stats`.
 *
 * The store is `--db PATH` (or a postgres:// URL), else $LRS_DB, else
 * ./var/lrs.db. Every command acts as the command-line actor (user 0 of
 * the LRS itself, source "cli"), so its reads and writes are audited.
 * Learner data goes to standard output only when asked for (show,
 * export); messages on standard error hold at most a ULN.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_DB "./var/lrs.db"

static const struct lrs_actor cli_actor = LRS_ACTOR_CLI;

/* The store URL: --db, then $LRS_DB, then the default. */
static const char *db_url(const char *opt)
{
    const char *env = getenv("LRS_DB");

    if (opt)
        return opt;
    if (env && *env)
        return env;
    return DEFAULT_DB;
}

/* Open the store for a command; prints the error and returns NULL. */
static struct lrs_store *open_store(const char *url, unsigned flags)
{
    struct lrs_store *s = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_store_open(url, flags, &s, &d)) {
        cli_error("%s", d.msg);
        return NULL;
    }
    return s;
}

/*
 * Pull `--db PATH` / `--db=PATH` out of argv (in place); returns the new
 * argc, or -1 on a missing value.
 */
static int take_db(int argc, char **argv, const char **db)
{
    int out = 0;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0) {
            if (i + 1 == argc)
                return -1;
            *db = argv[++i];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            *db = argv[i] + 5;
        } else {
            argv[out++] = argv[i];
        }
    }
    argv[out] = NULL;
    return out;
}

/* ------------------------------------------------------------------ */
/* lrs init                                                           */
/* ------------------------------------------------------------------ */

int cmd_init(int argc, char **argv)
{
    static const char usage[] = "lrs init [--db PATH]";
    struct lrs_store_init_result r;
    const char *db = NULL;
    struct lrs_store *s;
    int rc = CLI_OK;

    argc = take_db(argc, argv, &db);
    if (argc != 1)
        return cli_usage(usage, "Create the register, or bring its schema "
                                "up to date (idempotent).\n");
    db = db_url(db);
    if (strcmp(db, DEFAULT_DB) == 0 && mkdir("./var", 0777) != 0 &&
        errno != EEXIST) {
        cli_error("cannot create directory './var': %s", strerror(errno));
        return CLI_FAIL;
    }
    s = open_store(db, LRS_STORE_OPEN_CREATE | LRS_STORE_OPEN_NO_SCHEMA_CHECK);
    if (!s)
        return CLI_FAIL;
    if (lrs_store_init(s, &r)) {
        cli_error("%s", lrs_store_errmsg(s));
        rc = CLI_FAIL;
    } else if (r.from_version == r.to_version) {
        printf("store '%s' is up to date (schema version %d)\n", db,
               r.to_version);
    } else if (r.from_version == 0) {
        printf("initialised store '%s' (schema version %d)\n", db,
               r.to_version);
    } else {
        printf("upgraded store '%s' from schema version %d to %d\n", db,
               r.from_version, r.to_version);
    }
    lrs_store_free(s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* lrs import learners                                                */
/* ------------------------------------------------------------------ */

struct import_ui {
    const char *file;
    FILE *rejects;        /* --skip-invalid: where rejected rows go */
    struct lrs_buf line;  /* scratch for one rejects row */
    bool tty;             /* progress bar on stderr */
    uint64_t total_bytes; /* input size, 0 if unknown */
    uint64_t t0_ns;
    bool drew;
};

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* "rows, rate, time left" on one terminal line (stderr). */
static void on_progress(void *ctx, uint64_t rows, uint64_t bytes)
{
    struct import_ui *ui = ctx;
    const double secs = (double)(now_ns() - ui->t0_ns) / 1e9;
    const double rate = secs > 0 ? (double)rows / secs : 0;
    char left[32] = "?";

    if (!ui->tty)
        return;
    if (ui->total_bytes && bytes && secs > 0) {
        const double bps = (double)bytes / secs;
        const double rest = (double)(ui->total_bytes - bytes) / bps;

        snprintf(left, sizeof left, "%d:%02d", (int)rest / 60, (int)rest % 60);
        fprintf(stderr, "\rimporting: %3d%% %llu rows, %.0f rows/s, %s left ",
                (int)(100.0 * (double)bytes / (double)ui->total_bytes),
                (unsigned long long)rows, rate, left);
    } else {
        fprintf(stderr, "\rimporting: %llu rows, %.0f rows/s ",
                (unsigned long long)rows, rate);
    }
    ui->drew = true;
}

static enum lrs_err on_reject(void *ctx, uint64_t line, size_t column,
                              const struct lrs_diag *why,
                              const struct lrs_csv_record *rec)
{
    struct import_ui *ui = ctx;
    char where[64] = "";
    enum lrs_err err = LRS_OK;

    if (ui->drew) {
        fputc('\n', stderr);
        ui->drew = false;
    }
    if (!rec) {
        /* A malformed file: the reader's message already says where. */
        if (line && column)
            cli_error("%s line %llu, column %zu: %s", ui->file,
                      (unsigned long long)line, column, why->msg);
        else if (line)
            cli_error("%s line %llu: %s", ui->file, (unsigned long long)line,
                      why->msg);
        else
            cli_error("%s", why->msg);
        return LRS_OK;
    }
    if (column)
        snprintf(where, sizeof where, ", column %zu (%s)", column,
                 why->field ? why->field : "?");
    cli_error("%s line %llu%s: %s", ui->file, (unsigned long long)line, where,
              why->msg);
    if (!ui->rejects)
        return LRS_OK;
    lrs_buf_reset(&ui->line);
    for (size_t i = 0; i < rec->count && !err; i++)
        err = lrs_csv_put(&ui->line, rec->fields[i], i == 0);
    if (!err) {
        char msg[256];

        snprintf(msg, sizeof msg, "line %llu%s: %s", (unsigned long long)line,
                 where, why->msg);
        err = lrs_csv_put(&ui->line, lrs_str_c(msg), false);
    }
    if (!err)
        err = lrs_buf_addch(&ui->line, '\n');
    if (!err &&
        fwrite(ui->line.data, 1, ui->line.len, ui->rejects) != ui->line.len)
        err = LRS_EIO;
    return err;
}

/* Copy the header of `file` to the rejects file, plus an "error" column. */
static void rejects_header(FILE *out, const char *file)
{
    struct lrs_csv_record rec;
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs_csv *csv = NULL;
    bool eof = true;
    int fd = open(file, O_RDONLY);
    enum lrs_err err = fd < 0 ? LRS_EIO : LRS_OK;

    if (!err)
        err = lrs_csv_new(lrs_fd_read, &fd, NULL, &csv);
    if (!err)
        err = lrs_csv_next(csv, &rec, &eof, NULL);
    for (size_t i = 0; !err && !eof && i < rec.count; i++)
        err = lrs_csv_put(&b, rec.fields[i], i == 0);
    if (!err && !eof)
        err = lrs_csv_put(&b, LRS_STR("error"), false);
    if (!err && !eof)
        err = lrs_buf_addch(&b, '\n');
    if (!err)
        fwrite(b.data, 1, b.len, out);
    lrs_buf_release(&b);
    lrs_csv_free(csv);
    if (fd >= 0)
        close(fd);
}

static int import_learners(const char *db, const char *file, bool skip,
                           const char *rejects_path)
{
    struct import_ui ui;
    struct lrs_import_opts o;
    struct lrs_import_result r;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf rpath = LRS_BUF_INIT;
    struct stat st;
    struct lrs_store *s = NULL;
    enum lrs_err err;
    int fd, rc = CLI_FAIL;

    memset(&ui, 0, sizeof ui);
    lrs_buf_init(&ui.line, 0);
    ui.file = file;
    fd = open(file, O_RDONLY);
    if (fd < 0) {
        cli_error("cannot open '%s': %s", file, strerror(errno));
        return CLI_FAIL;
    }
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        ui.total_bytes = (uint64_t)st.st_size;
    ui.tty = isatty(STDERR_FILENO);
    s = open_store(db, 0);
    if (!s)
        goto out;
    if (skip) {
        if (!rejects_path) {
            if (lrs_buf_addf(&rpath, "%s.rejects.csv", file))
                goto out;
            rejects_path = rpath.data;
        }
        ui.rejects = fopen(rejects_path, "w");
        if (!ui.rejects) {
            cli_error("cannot create '%s': %s", rejects_path, strerror(errno));
            goto out;
        }
        rejects_header(ui.rejects, file);
    }
    memset(&o, 0, sizeof o);
    o.name = file;
    o.skip_invalid = skip;
    o.on_reject = on_reject;
    o.on_progress = on_progress;
    o.progress_every = 20000;
    o.ctx = &ui;
    ui.t0_ns = now_ns();
    err = lrs_service_import_learners(s, &cli_actor, lrs_fd_read, &fd, &o, &r,
                                      &d);
    if (ui.drew)
        fputc('\n', stderr);
    if (err == LRS_EINVAL) {
        if (r.rejected)
            cli_error("nothing imported: %llu invalid row%s",
                      (unsigned long long)r.rejected,
                      r.rejected == 1 ? "" : "s");
        else
            cli_error("nothing imported: %s", d.msg);
    } else if (err) {
        cli_error("nothing imported: %s", d.msg[0] ? d.msg : lrs_strerror(err));
    } else {
        printf("imported %llu learner%s (%llu ULN%s issued)",
               (unsigned long long)r.imported, r.imported == 1 ? "" : "s",
               (unsigned long long)r.issued, r.issued == 1 ? "" : "s");
        if (skip)
            printf(", rejected %llu row%s (see '%s')",
                   (unsigned long long)r.rejected, r.rejected == 1 ? "" : "s",
                   rejects_path);
        printf("\n");
        rc = CLI_OK;
    }
out:
    if (ui.rejects && fclose(ui.rejects) != 0 && rc == CLI_OK) {
        cli_error("cannot write '%s'", rejects_path);
        rc = CLI_FAIL;
    }
    lrs_buf_release(&ui.line);
    lrs_buf_release(&rpath);
    lrs_store_free(s);
    close(fd);
    return rc;
}

int cmd_import(int argc, char **argv)
{
    static const char usage[] =
        "lrs import learners FILE.csv [--skip-invalid [--rejects FILE]] "
        "[--db PATH]";
    static const char help[] =
        "Import learners from CSV with a header row: uln, given_name,\n"
        "middle_names, family_name, date_of_birth, gender, postcode, and\n"
        "optionally previous_family_name, preferred_given_name,\n"
        "address_line1..4, ability_to_share. A blank uln issues one.\n"
        "Nothing is imported unless every row is valid; --skip-invalid\n"
        "imports the valid rows and writes the others to FILE.rejects.csv.\n";
    const char *db = NULL, *file = NULL, *rejects = NULL;
    bool skip = false;

    argc = take_db(argc, argv, &db);
    if (argc < 2 || strcmp(argv[1], "learners") != 0)
        return cli_usage(usage, help);
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--skip-invalid") == 0)
            skip = true;
        else if (strcmp(argv[i], "--rejects") == 0 && i + 1 < argc)
            rejects = argv[++i];
        else if (argv[i][0] == '-' || file)
            return cli_usage(usage, help);
        else
            file = argv[i];
    }
    if (!file || (rejects && !skip))
        return cli_usage(usage, help);
    return import_learners(db_url(db), file, skip, rejects);
}

/* ------------------------------------------------------------------ */
/* lrs export learners                                                */
/* ------------------------------------------------------------------ */

static enum lrs_err write_file(void *ctx, const char *buf, size_t len)
{
    FILE *f = ctx;

    return fwrite(buf, 1, len, f) == len ? LRS_OK : LRS_EIO;
}

int cmd_export(int argc, char **argv)
{
    static const char usage[] = "lrs export learners [FILE.csv] [--db PATH]";
    const char *db = NULL, *file = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;
    uint64_t n = 0;
    FILE *f = stdout;
    int rc = CLI_OK;

    argc = take_db(argc, argv, &db);
    if (argc < 2 || argc > 3 || strcmp(argv[1], "learners") != 0)
        return cli_usage(usage, "Write every learner as CSV (the import "
                                "columns), to FILE or standard output.\n");
    if (argc == 3)
        file = argv[2];
    s = open_store(db_url(db), 0);
    if (!s)
        return CLI_FAIL;
    if (file) {
        f = fopen(file, "w");
        if (!f) {
            cli_error("cannot create '%s': %s", file, strerror(errno));
            lrs_store_free(s);
            return CLI_FAIL;
        }
    }
    if (lrs_service_export_learners(s, &cli_actor, write_file, f, &n, &d)) {
        cli_error("cannot export learners: %s", d.msg);
        rc = CLI_FAIL;
    }
    if (file) {
        if (fclose(f) != 0 && rc == CLI_OK) {
            cli_error("cannot write '%s': %s", file, strerror(errno));
            rc = CLI_FAIL;
        }
        if (rc == CLI_OK)
            printf("exported %llu learner%s to '%s'\n", (unsigned long long)n,
                   n == 1 ? "" : "s", file);
    } else if (fflush(stdout) != 0) {
        rc = CLI_FAIL;
    }
    lrs_store_free(s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* lrs show, lrs stats                                                */
/* ------------------------------------------------------------------ */

static void show_field(const char *name, const char *value)
{
    if (value && *value)
        printf("%-22s %s\n", name, value);
}

static void show_learner(const struct lrs_learner *l)
{
    static const char *const status[] = {"active", "linked", "closed"};
    static const char *const share[] = {"0 (privacy notice not seen)",
                                        "1 (shares)", "2 (does not share)"};
    char dob[11];

    lrs_date_format(l->date_of_birth, dob);
    show_field("uln:", l->uln);
    show_field("given_name:", l->given_name);
    show_field("middle_names:", l->middle_names);
    show_field("family_name:", l->family_name);
    show_field("previous_family_name:", l->previous_family_name);
    show_field("preferred_given_name:", l->preferred_given_name);
    show_field("date_of_birth:", dob);
    show_field("gender:", lrs_gender_code(l->gender));
    show_field("postcode:", l->postcode);
    show_field("address_line1:", l->address_line1);
    show_field("address_line2:", l->address_line2);
    show_field("address_line3:", l->address_town);
    show_field("address_line4:", l->address_county);
    show_field("ability_to_share:", (unsigned)l->ability_to_share < 3
                                        ? share[l->ability_to_share]
                                        : "?");
    show_field("status:", (unsigned)l->status < 3 ? status[l->status] : "?");
    show_field("master_uln:", l->master_uln);
    printf("%-22s %d\n", "version:", (int)l->version);
}

int cmd_show(int argc, char **argv)
{
    static const char usage[] = "lrs show ULN [--db PATH]";
    const char *db = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_learner l;
    struct lrs_store *s;
    enum lrs_err err;
    bool linked = false;

    argc = take_db(argc, argv, &db);
    if (argc != 2 || argv[1][0] == '-')
        return cli_usage(usage, "Show one learner; a merged ULN shows its "
                                "master (WSRC0022).\n");
    s = open_store(db_url(db), 0);
    if (!s)
        return CLI_FAIL;
    err = lrs_service_learner_get(s, &cli_actor, lrs_str_c(argv[1]), &l,
                                  &linked, &d);
    lrs_store_free(s);
    if (err) {
        if (d.field && strcmp(d.field, "uln") == 0 && err == LRS_EINVAL)
            cli_error("invalid ULN '%s': %s", argv[1], d.msg);
        else
            cli_error("%s", d.msg);
        return CLI_FAIL;
    }
    if (linked)
        printf("%s is linked to master %s (WSRC0022)\n", argv[1], l.uln);
    show_learner(&l);
    return CLI_OK;
}

int cmd_stats(int argc, char **argv)
{
    static const char usage[] = "lrs stats [--db PATH]";
    const char *db = NULL;
    struct lrs_store_stats st;
    struct lrs_store *s;

    argc = take_db(argc, argv, &db);
    if (argc != 1)
        return cli_usage(usage, "Count the register.\n");
    s = open_store(db_url(db), 0);
    if (!s)
        return CLI_FAIL;
    if (lrs_store_stats(s, &st)) {
        cli_error("%s", lrs_store_errmsg(s));
        lrs_store_free(s);
        return CLI_FAIL;
    }
    printf("engine:          %s\n", lrs_store_engine(s));
    printf("schema version:  %d\n", st.schema_version);
    printf("learners:        %llu\n", (unsigned long long)st.learners);
    printf("  active:        %llu\n", (unsigned long long)st.active);
    printf("  linked:        %llu\n", (unsigned long long)st.linked);
    printf("  closed:        %llu\n", (unsigned long long)st.closed);
    printf("name changes:    %llu\n", (unsigned long long)st.name_changes);
    printf("merges:          %llu\n", (unsigned long long)st.merges);
    printf("organisations:   %llu\n", (unsigned long long)st.organisations);
    printf("audit rows:      %llu\n", (unsigned long long)st.audit_rows);
    printf("ULN counter:     %llu\n", (unsigned long long)st.uln_counter);
    lrs_store_free(s);
    return CLI_OK;
}
