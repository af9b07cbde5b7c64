/*
 * cmd_school.c - `lrs school`: the school side of ULNs. Export the
 * ULN-request CTF from a pupil roster, import the returned CTF, check the
 * roster is ready for the January census, print privacy notices for
 * pupils who have just received a ULN (docs/school.md).
 *
 * Every command reads the whole roster first, so a malformed roster
 * prints one error naming line, column and rule, and writes nothing.
 * Every output file is written whole or not at all. Logs go to the files
 * asked for; a readable table of what needs attention goes to stdout.
 */
#define _XOPEN_SOURCE 700 /* nftw() */

#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char usage_line[] =
    "lrs school export-ctf <roster.csv> --school <LA/ESTAB> --out <ctf.xml>\n"
    "                          [--log <log.csv>] [--html <log.html>]\n"
    "                          [--census-date <yyyy-mm-dd>]\n"
    "                          [--years <10,11> | --all]\n"
    "                          [--school-name <name>] [--date-time <t>]\n"
    "   or: lrs school import-ctf <roster.csv> <returned.xml> --out <new.csv>\n"
    "                          [--log <log.csv>] [--html <log.html>]\n"
    "   or: lrs school census-check <roster.csv> --census-date <yyyy-mm-dd>\n"
    "                          [--csv <pupils.csv>] [--summary-csv <f.csv>]\n"
    "                          [--html <report.html>]\n"
    "   or: lrs school privacy-notices <roster.csv>\n"
    "                          (--out <dir> | --pdf <notices.pdf>)...\n"
    "                          (--since <roster-before.csv> | --all)\n"
    "                          [--school-name <name>]";

static const char help_text[] =
    "The school side of ULNs, over a pupil roster CSV (columns in\n"
    "docs/school.md).\n"
    "\n"
    "export-ctf    write the ULN-request CTF: by default the pupils aged 14\n"
    "              and over on census day without a valid ULN; --years\n"
    "              takes whole year groups, --all every pupil on roll.\n"
    "              Pupils with a blocking problem (no postcode, no date of\n"
    "              birth or sex) are left out. The census day defaults to\n"
    "              the next spring census (third Thursday of January).\n"
    "import-ctf    take the ULNs of a returned CTF into the roster and\n"
    "              write the result to --out; every change is logged\n"
    "census-check  list pupils aged 14 and over without a valid ULN and\n"
    "              ULNs that fail their check, with a summary by year\n"
    "privacy-notices\n"
    "              write a printable notice (HTML) for each pupil who has\n"
    "              just received a ULN: one who holds a valid ULN now but\n"
    "              did not in the roster given by --since (--all: every\n"
    "              pupil with a valid ULN), and an index.html listing them\n"
    "              (--out); --pdf prints them all into one PDF, a sheet\n"
    "              each, with Debian's chromium ($LRS_CHROMIUM to use\n"
    "              another)\n"
    "\n"
    "Exit status: 0 done (census-check: nothing needs attention), 1 on an\n"
    "error (census-check: some pupil needs attention), 2 on bad usage.\n";

struct args {
    const char *pos[2];
    int pos_count;
    const char *out, *log, *html, *csv, *summary_csv;
    const char *school, *school_name, *date_time, *census_date, *years;
    const char *since, *pdf;
    bool all;
};

/* Parse options into `a`; returns false on a usage error. */
static bool parse(int argc, char **argv, struct args *a)
{
    static const struct {
        const char *name;
        size_t off;
    } opts[] = {
        {"--out", offsetof(struct args, out)},
        {"--log", offsetof(struct args, log)},
        {"--html", offsetof(struct args, html)},
        {"--csv", offsetof(struct args, csv)},
        {"--summary-csv", offsetof(struct args, summary_csv)},
        {"--school", offsetof(struct args, school)},
        {"--school-name", offsetof(struct args, school_name)},
        {"--date-time", offsetof(struct args, date_time)},
        {"--census-date", offsetof(struct args, census_date)},
        {"--years", offsetof(struct args, years)},
        {"--since", offsetof(struct args, since)},
        {"--pdf", offsetof(struct args, pdf)},
    };

    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        bool known = false;

        if (strcmp(arg, "--all") == 0) {
            a->all = true;
            continue;
        }
        for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++) {
            const size_t n = strlen(opts[k].name);
            const char **slot = (const char **)((char *)a + opts[k].off);

            if (strcmp(arg, opts[k].name) == 0) {
                if (i + 1 == argc)
                    return false;
                *slot = argv[++i];
                known = true;
            } else if (strncmp(arg, opts[k].name, n) == 0 && arg[n] == '=') {
                *slot = arg + n + 1;
                known = true;
            }
        }
        if (known)
            continue;
        if (arg[0] == '-' || a->pos_count == 2)
            return false;
        a->pos[a->pos_count++] = arg;
    }
    return true;
}

static int usage(void)
{
    return cli_usage(usage_line, help_text);
}

/* The noun for `n` things: "1 pupil", "2 pupils", "0 pupils". */
static const char *noun(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* Write `b` to `path` atomically; prints the error. */
static bool save(const char *path, const struct lrs_buf *b)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_file_write_atomic(path, lrs_buf_str(b), &d) != LRS_OK) {
        cli_error("%s", d.msg);
        return false;
    }
    return true;
}

static struct lrs_school_roster *load(const char *path)
{
    struct lrs_school_roster *r = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_school_roster_load(path, NULL, &r, &d) != LRS_OK) {
        cli_error("%s", d.msg);
        return NULL;
    }
    return r;
}

static bool parse_day(const char *s, struct lrs_date *out)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_date_parse(lrs_str_c(s), 0, "census-date", out, &d) != LRS_OK) {
        cli_error("--census-date '%s': %s", s, d.msg);
        return false;
    }
    return true;
}

/* The next spring census day on or after today. */
static bool next_census(struct lrs_date *out)
{
    const time_t now = time(NULL);
    struct tm tm;
    struct lrs_date today, day;

    if (!localtime_r(&now, &tm))
        return false;
    today.year = (int16_t)(tm.tm_year + 1900);
    today.month = (uint8_t)(tm.tm_mon + 1);
    today.day = (uint8_t)tm.tm_mday;
    day = lrs_school_census_day(today.year);
    if (lrs_date_to_days(day) < lrs_date_to_days(today))
        day = lrs_school_census_day(today.year + 1);
    *out = day;
    return true;
}

/* "10,11" as a bit set of NC years 1-14. */
static bool parse_years(const char *s, uint32_t *out)
{
    *out = 0;
    while (*s) {
        const char *comma = strchr(s, ',');
        const size_t len = comma ? (size_t)(comma - s) : strlen(s);
        uint64_t y;

        if (lrs_parse_u64((struct lrs_str){s, len}, 1, 14, &y) != LRS_OK)
            return false;
        *out |= 1u << y;
        s += len + (comma != NULL);
    }
    return *out != 0;
}

/* Print `s` left-aligned in `width` characters (UTF-8 aware). */
static void pad(const char *s, size_t width)
{
    size_t n = 0;

    fputs(s, stdout);
    for (const char *c = s; *c; c++)
        n += ((unsigned char)*c & 0xc0) != 0x80;
    for (; n < width; n++)
        putchar(' ');
}

static void print_entry(const struct lrs_school_log_entry *e)
{
    char name[80], line[24] = "-";

    snprintf(name, sizeof name, "%s, %s", *e->surname ? e->surname : "-",
             *e->forename ? e->forename : "-");
    if (e->roster_line)
        snprintf(line, sizeof line, "%llu", (unsigned long long)e->roster_line);
    printf("%-5s %-13s  ", line, *e->upn ? e->upn : "-");
    pad(name, 24);
    printf(" %-8s %-5s %s", lrs_school_severity_name(e->severity), e->code,
           e->message);
    if (e->severity == LRS_SCHOOL_CHANGE)
        printf(" [%s: '%s' -> '%s']", e->field, e->old_value, e->new_value);
    putchar('\n');
}

/* Write the log files asked for. */
static bool save_logs(const struct args *a, const struct lrs_school_log *log,
                      const char *title)
{
    struct lrs_buf b = LRS_BUF_INIT;
    bool ok = true;

    if (a->log) {
        ok = lrs_school_log_csv(log, &b) == LRS_OK && save(a->log, &b);
        lrs_buf_reset(&b);
    }
    if (ok && a->html)
        ok = lrs_school_log_html(log, title, &b) == LRS_OK && save(a->html, &b);
    lrs_buf_release(&b);
    return ok;
}

/* ------------------------------------------------------------------ */
/* export-ctf                                                         */
/* ------------------------------------------------------------------ */

static int export_ctf(const struct args *a)
{
    struct lrs_school_export_opts o = {0};
    struct lrs_school_export_stats st;
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_school_roster *r;
    char la[8] = "", estab[8] = "", day[11];
    const char *slash;
    int rc = CLI_FAIL;

    if (a->pos_count != 1 || !a->school || !a->out || a->csv ||
        a->summary_csv || a->since || (a->all && a->years))
        return usage();
    slash = strchr(a->school, '/');
    if (slash && (size_t)(slash - a->school) < sizeof la &&
        strlen(slash + 1) < sizeof estab) {
        memcpy(la, a->school, (size_t)(slash - a->school));
        memcpy(estab, slash + 1, strlen(slash + 1));
    }
    o.la = la;
    o.estab = estab;
    o.school_name = a->school_name;
    o.date_time = a->date_time;
    o.select = a->all ? LRS_SCHOOL_SELECT_ALL : LRS_SCHOOL_SELECT_CENSUS;
    if (a->years) {
        o.select = LRS_SCHOOL_SELECT_YEARS;
        if (!parse_years(a->years, &o.years)) {
            cli_error("--years '%s': give year groups 1-14, e.g. 10,11",
                      a->years);
            return CLI_USAGE;
        }
    }
    if (a->census_date ? !parse_day(a->census_date, &o.census_date)
                       : !next_census(&o.census_date))
        return CLI_USAGE;
    r = load(a->pos[0]);
    if (!r)
        return CLI_FAIL;
    if (lrs_school_export(r, &o, a->out, &log, &st, &d) != LRS_OK) {
        cli_error("export to '%s': %s", a->out, d.msg);
        goto out;
    }
    for (size_t i = 0; i < log.count; i++)
        if (log.items[i].severity >= LRS_SCHOOL_WARNING)
            print_entry(&log.items[i]);
    lrs_date_format(o.census_date, day);
    printf("%s: %zu %s exported, %zu not exported (blocked), "
           "%zu %s; census day %s\n",
           a->out, st.exported, noun(st.exported, "pupil", "pupils"),
           st.blocked, st.warnings, noun(st.warnings, "warning", "warnings"),
           day);
    if (save_logs(a, &log, "CTF export log"))
        rc = CLI_OK;
out:
    lrs_school_log_release(&log);
    lrs_school_roster_free(r);
    return rc;
}

/* ------------------------------------------------------------------ */
/* import-ctf                                                         */
/* ------------------------------------------------------------------ */

static int import_ctf(const struct args *a)
{
    struct lrs_school_import_stats st;
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs_school_roster *r;
    int rc = CLI_FAIL;

    if (a->pos_count != 2 || !a->out || a->school || a->csv || a->summary_csv ||
        a->census_date || a->years || a->all || a->school_name ||
        a->date_time || a->since)
        return usage();
    r = load(a->pos[0]);
    if (!r)
        return CLI_FAIL;
    if (lrs_school_import(r, a->pos[1], &log, &st, &d) != LRS_OK) {
        cli_error("import of '%s': %s", a->pos[1], d.msg);
        goto out;
    }
    if (lrs_school_roster_csv(r, &b) != LRS_OK) {
        cli_error("out of memory");
        goto out;
    }
    for (size_t i = 0; i < log.count; i++)
        if (strcmp(log.items[i].code, "I007") != 0)
            print_entry(&log.items[i]);
    printf("%zu %s in the file: %zu matched, %zu %s added, "
           "%zu %s updated, %zu unchanged, %zu not found, %zu %s\n",
           st.file_pupils, noun(st.file_pupils, "pupil", "pupils"), st.matched,
           st.ulns_added, noun(st.ulns_added, "ULN", "ULNs"), st.upns_updated,
           noun(st.upns_updated, "UPN", "UPNs"), st.unchanged, st.not_found,
           st.conflicts, noun(st.conflicts, "conflict", "conflicts"));
    if (!save(a->out, &b) || !save_logs(a, &log, "CTF import log"))
        goto out;
    if (st.changes)
        printf("%s: %zu roster %s changed, each in the log\n", a->out,
               st.changes, noun(st.changes, "cell", "cells"));
    else
        printf("%s: no changes (the roster already held everything in "
               "the file)\n",
               a->out);
    rc = CLI_OK;
out:
    lrs_buf_release(&b);
    lrs_school_log_release(&log);
    lrs_school_roster_free(r);
    return rc;
}

/* ------------------------------------------------------------------ */
/* census-check                                                       */
/* ------------------------------------------------------------------ */

static void print_census(const struct lrs_school_census *c,
                         const struct lrs_school_roster *r)
{
    char day[11];

    for (size_t i = 0; i < c->item_count; i++) {
        const struct lrs_school_census_item *it = &c->items[i];
        const struct lrs_school_pupil *p = lrs_school_roster_pupil(r, it->row);
        char name[80], age[16] = "-";

        snprintf(name, sizeof name, "%s, %s", p->field[LRS_SCHOOL_SURNAME],
                 p->field[LRS_SCHOOL_FORENAME]);
        if (it->age >= 0)
            snprintf(age, sizeof age, "%d", it->age);
        printf("%-5llu %-13s  ", (unsigned long long)p->line,
               *p->field[LRS_SCHOOL_UPN] ? p->field[LRS_SCHOOL_UPN] : "-");
        pad(name, 24);
        printf(" year %-3s age %-3s %s\n",
               *p->field[LRS_SCHOOL_NC_YEAR] ? p->field[LRS_SCHOOL_NC_YEAR]
                                             : "-",
               age, it->reason);
    }
    lrs_date_format(c->census_date, day);
    printf("census day %s: %zu %s on roll, %zu aged 14 and over\n", day,
           c->on_roll, noun(c->on_roll, "pupil", "pupils"), c->total.pupils);
    printf("year  pupils  with ULN  no ULN  invalid  %% with ULN\n");
    for (size_t i = 0; i <= c->year_count; i++) {
        const struct lrs_school_census_year *y =
            i < c->year_count ? &c->years[i] : &c->total;
        const double pct =
            y->pupils ? 100.0 * (double)y->with_uln / (double)y->pupils : 100.0;

        printf("%-5s %6zu  %8zu  %6zu  %7zu  %9.1f\n",
               i < c->year_count ? (*y->nc_year ? y->nc_year : "none") : "all",
               y->pupils, y->with_uln, y->missing, y->invalid, pct);
    }
}

static int census_check(const struct args *a)
{
    struct lrs_school_census c = LRS_SCHOOL_CENSUS_INIT;
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs_school_roster *r;
    struct lrs_date day;
    bool ok = true;

    if (a->pos_count != 1 || !a->census_date || a->out || a->log || a->school ||
        a->years || a->all || a->school_name || a->date_time || a->since)
        return usage();
    if (!parse_day(a->census_date, &day))
        return CLI_USAGE;
    r = load(a->pos[0]);
    if (!r)
        return CLI_FAIL;
    if (lrs_school_census_run(r, day, &c) != LRS_OK) {
        cli_error("out of memory");
        lrs_school_roster_free(r);
        return CLI_FAIL;
    }
    print_census(&c, r);
    if (a->csv) {
        ok = lrs_school_census_csv(&c, r, &b) == LRS_OK && save(a->csv, &b);
        lrs_buf_reset(&b);
    }
    if (ok && a->summary_csv) {
        ok = lrs_school_census_summary_csv(&c, &b) == LRS_OK &&
             save(a->summary_csv, &b);
        lrs_buf_reset(&b);
    }
    if (ok && a->html)
        ok = lrs_school_census_html(&c, r, &b) == LRS_OK && save(a->html, &b);
    ok = ok && c.item_count == 0;
    lrs_buf_release(&b);
    lrs_school_census_release(&c);
    lrs_school_roster_free(r);
    return ok ? CLI_OK : CLI_FAIL;
}

/* ------------------------------------------------------------------ */
/* privacy-notices                                                    */
/* ------------------------------------------------------------------ */

/* Make the directory `dir` unless it is there already. */
static bool make_dir(const char *dir)
{
    struct stat st;

    if (mkdir(dir, 0700) == 0)
        return true;
    if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return true;
    cli_error("cannot create directory '%s': %s", dir,
              errno == EEXIST ? "a file of that name exists" : strerror(errno));
    return false;
}

/* Write one page into `dir`; prints the error. */
static bool save_in(const char *dir, const char *name, const struct lrs_buf *b)
{
    struct lrs_buf path = LRS_BUF_INIT;
    bool ok;

    if (lrs_buf_addf(&path, "%s/%s", dir, name) != LRS_OK) {
        cli_error("out of memory");
        return false;
    }
    ok = save(path.data, b);
    lrs_buf_release(&path);
    return ok;
}

/* Write the notices of `rows` and the index into a->out. */
static bool write_notices(const struct args *a,
                          const struct lrs_school_roster *r, const size_t *rows,
                          size_t count)
{
    struct lrs_buf b = LRS_BUF_INIT;
    bool ok = true;

    for (size_t i = 0; ok && i < count; i++) {
        const struct lrs_school_pupil *p = lrs_school_roster_pupil(r, rows[i]);
        char file[LRS_SCHOOL_NOTICE_NAME_SIZE], name[80];

        lrs_school_notice_file_name(r, rows[i], file);
        lrs_buf_reset(&b);
        ok = lrs_school_notice_html(r, rows[i], a->school_name, &b) == LRS_OK &&
             save_in(a->out, file, &b);
        if (!ok)
            break;
        snprintf(name, sizeof name, "%s, %s", p->field[LRS_SCHOOL_SURNAME],
                 p->field[LRS_SCHOOL_FORENAME]);
        printf("%-5llu %-13s  ", (unsigned long long)p->line,
               *p->field[LRS_SCHOOL_UPN] ? p->field[LRS_SCHOOL_UPN] : "-");
        pad(name, 24);
        printf(" %s  %s\n", p->field[LRS_SCHOOL_ULN], file);
    }
    lrs_buf_reset(&b);
    ok = ok &&
         lrs_school_notice_index_html(r, rows, count, a->school_name, &b) ==
             LRS_OK &&
         save_in(a->out, "index.html", &b);
    lrs_buf_release(&b);
    return ok;
}

/* nftw callback: remove one entry of the scratch directory. */
static int remove_entry(const char *path, const struct stat *st, int type,
                        struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    remove(path);
    return 0;
}

/* Run `argv` (argv[0] the program's path) with no input and its output
 * into the file `log`; true if it exits 0, else prints why. */
static bool run_quietly(const char *const argv[], const char *log)
{
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int status = 0, rc;

    if (posix_spawn_file_actions_init(&fa) != 0) {
        cli_error("out of memory");
        return false;
    }
    rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(
            &fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, 1, 2);
    if (rc == 0)
        /* posix_spawn's argv is not const for history's sake; it is
         * not written to. */
        rc =
            posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        cli_error("--pdf: cannot run '%s': %s", argv[0], strerror(rc));
        return false;
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            cli_error("--pdf: waiting for '%s': %s", argv[0], strerror(errno));
            return false;
        }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    if (WIFEXITED(status))
        cli_error("--pdf: '%s' failed (exit status %d); nothing written",
                  argv[0], WEXITSTATUS(status));
    else
        cli_error("--pdf: '%s' was killed (signal %d); nothing written",
                  argv[0], WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return false;
}

/*
 * Print the notices of `rows` into one PDF at a->pdf, each on a sheet of
 * its own: the combined page is written into a private scratch directory
 * and printed by a headless chromium (a Debian package, already what the
 * browser tests use; docs/school.md), whose PDF is then written to a->pdf
 * atomically. The scratch directory (it holds pupils' names) is removed
 * whatever happens.
 */
static bool print_pdf(const struct args *a, const struct lrs_school_roster *r,
                      const size_t *rows, size_t count)
{
    const char *browser = getenv("LRS_CHROMIUM");
    const char *tmp = getenv("TMPDIR");
    struct lrs_buf page = LRS_BUF_INIT, dir = LRS_BUF_INIT, html = LRS_BUF_INIT,
                   pdf = LRS_BUF_INIT, log = LRS_BUF_INIT,
                   profile = LRS_BUF_INIT, print_to = LRS_BUF_INIT,
                   url = LRS_BUF_INIT, out = LRS_BUF_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    bool ok = false, made = false;

    if (!browser || !*browser)
        browser = "/usr/bin/chromium";
    if (access(browser, X_OK) != 0) {
        cli_error("--pdf: needs chromium (Debian package 'chromium'): '%s' "
                  "is not an executable; install it or set LRS_CHROMIUM",
                  browser);
        return false;
    }
    if (lrs_buf_addf(&dir, "%s/lrs-notices-XXXXXX",
                     tmp && *tmp ? tmp : "/tmp") != LRS_OK ||
        lrs_school_notices_print_html(r, rows, count, a->school_name, &page) !=
            LRS_OK) {
        cli_error("out of memory");
        goto out;
    }
    if (!mkdtemp(dir.data)) {
        cli_error("--pdf: cannot make a scratch directory '%s': %s", dir.data,
                  strerror(errno));
        goto out;
    }
    made = true;
    if (lrs_buf_addf(&html, "%s/notices.html", dir.data) != LRS_OK ||
        lrs_buf_addf(&pdf, "%s/notices.pdf", dir.data) != LRS_OK ||
        lrs_buf_addf(&log, "%s/chromium.log", dir.data) != LRS_OK ||
        lrs_buf_addf(&profile, "--user-data-dir=%s/profile", dir.data) !=
            LRS_OK ||
        lrs_buf_addf(&print_to, "--print-to-pdf=%s", pdf.data) != LRS_OK ||
        lrs_buf_addf(&url, "file://%s", html.data) != LRS_OK) {
        cli_error("out of memory");
        goto out;
    }
    if (!save(html.data, &page))
        goto out;
    {
        const char *const argv[] = {browser,
                                    "--headless",
                                    "--no-sandbox",
                                    "--disable-gpu",
                                    "--disable-background-networking",
                                    "--disable-component-update",
                                    "--disable-sync",
                                    "--no-first-run",
                                    "--no-pdf-header-footer",
                                    profile.data,
                                    print_to.data,
                                    url.data,
                                    NULL};

        if (!run_quietly(argv, log.data))
            goto out;
    }
    if (lrs_file_read(pdf.data, &out, &d) != LRS_OK) {
        cli_error("--pdf: chromium wrote no PDF: %s", d.msg);
        goto out;
    }
    if (out.len < 5 || memcmp(out.data, "%PDF-", 5) != 0) {
        cli_error("--pdf: what chromium wrote is not a PDF; nothing written");
        goto out;
    }
    ok = save(a->pdf, &out);
out:
    if (made)
        nftw(dir.data, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    lrs_buf_release(&page);
    lrs_buf_release(&dir);
    lrs_buf_release(&html);
    lrs_buf_release(&pdf);
    lrs_buf_release(&log);
    lrs_buf_release(&profile);
    lrs_buf_release(&print_to);
    lrs_buf_release(&url);
    lrs_buf_release(&out);
    return ok;
}

static int privacy_notices(const struct args *a)
{
    struct lrs_school_roster *r = NULL, *before = NULL;
    size_t *rows = NULL, count = 0;
    int rc = CLI_FAIL;

    if (a->pos_count != 1 || (!a->out && !a->pdf) || a->log || a->html ||
        a->csv || a->summary_csv || a->school || a->census_date || a->years ||
        a->date_time || (!a->since == !a->all))
        return usage();
    r = load(a->pos[0]);
    if (!r)
        return CLI_FAIL;
    if (a->since) {
        before = load(a->since);
        if (!before)
            goto out;
    }
    if (lrs_school_notices_select(r, before, &rows, &count) != LRS_OK) {
        cli_error("out of memory");
        goto out;
    }
    if (a->out && (!make_dir(a->out) || !write_notices(a, r, rows, count)))
        goto out;
    if (a->pdf && count > 0 && !print_pdf(a, r, rows, count))
        goto out;
    if (a->out)
        printf("%s: %zu privacy %s for pupils %s, listed in index.html\n",
               a->out, count, noun(count, "notice", "notices"),
               a->since ? "who have just received a ULN" : "with a valid ULN");
    if (a->pdf && count == 0)
        printf("%s: not written, no pupil to give a notice to\n", a->pdf);
    else if (a->pdf)
        printf("%s: %zu privacy %s for pupils %s, a sheet each\n", a->pdf,
               count, noun(count, "notice", "notices"),
               a->since ? "who have just received a ULN" : "with a valid ULN");
    rc = CLI_OK;
out:
    lrs_free(rows);
    lrs_school_roster_free(before);
    lrs_school_roster_free(r);
    return rc;
}

int cmd_school(int argc, char **argv)
{
    struct args a;

    if (argc < 2 || cli_is_help(argv[1]))
        return usage();
    if (!parse(argc - 1, argv + 1, &a))
        return usage();
    if (strcmp(argv[1], "export-ctf") == 0)
        return export_ctf(&a);
    if (strcmp(argv[1], "import-ctf") == 0)
        return import_ctf(&a);
    if (strcmp(argv[1], "census-check") == 0)
        return census_check(&a);
    if (strcmp(argv[1], "privacy-notices") == 0)
        return privacy_notices(&a);
    cli_error("'%s' is not a school command; see 'lrs school --help'", argv[1]);
    return CLI_USAGE;
}
