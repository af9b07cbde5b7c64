/*
 * cmd_ctf.c - `lrs ctf show` and `lrs ctf validate`: look into a Common
 * Transfer File and check it as a ULN request, as a school's exam officer
 * would before sending it.
 *
 * Both commands first check the whole file (lrs_ctf_check_file()), so a
 * malformed file prints one error and nothing else, then read it again to
 * print. A malformed file exits 1 with "lrs: ctf 'FILE': line L, column C:
 * <what>".
 */
#include "cli.h"

#include <stdbool.h>
#include <string.h>
#include <time.h>

static const char usage_line[] =
    "lrs ctf show <file>\n"
    "   or: lrs ctf validate <file> [--date <yyyy-mm-dd>] [--csv]";

static const char help_text[] =
    "Read a Common Transfer File (CTF 24, 25 or any recent version).\n"
    "\n"
    "show      print the header and one line per pupil: UPN, ULN, names,\n"
    "          date of birth, sex and postcode ('-' when absent)\n"
    "validate  check each pupil as a ULN request and list the findings:\n"
    "          UPN and name, code, severity and reason; then a summary\n"
    "\n"
    "  --date <yyyy-mm-dd>  take ages on this day (default: today)\n"
    "  --csv                findings as CSV on stdout, summary on stderr\n"
    "\n"
    "Codes: RC006 insufficient data, RC010 null values (no postcode),\n"
    "RC011 incorrect format, RC013 age outside 13-110 (blocking);\n"
    "W001 UPN missing or invalid, W002 no street, W003 already has a ULN,\n"
    "W004 placeholder postcode (warnings). See docs/ctf.md.\n"
    "\n"
    "Exit status: 0 when no finding blocks, 1 when one does or the file is\n"
    "malformed, 2 on bad usage.\n";

static int file_error(const char *path, const struct lrs_diag *d)
{
    cli_error("ctf '%s': %s", path, d->msg);
    return CLI_FAIL;
}

/* Check the whole file, then open it again for printing. */
static int open_checked(const char *path, struct lrs_ctf_reader **r,
                        const struct lrs_ctf_header **h)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_ctf_check_file(path, NULL, NULL, &d) != LRS_OK ||
        lrs_ctf_reader_open_file(path, NULL, r, &d) != LRS_OK)
        return file_error(path, &d);
    if (lrs_ctf_reader_header(*r, h, &d) != LRS_OK) {
        lrs_ctf_reader_free(*r);
        return file_error(path, &d);
    }
    return CLI_OK;
}

static const char *or_dash(const char *s)
{
    return *s ? s : "-";
}

static int show(const char *path)
{
    const struct lrs_ctf_header *h;
    const struct lrs_ctf_pupil *p;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_ctf_reader *r;
    uint64_t n = 0;
    enum lrs_err err = LRS_OK;
    int rc;

    rc = open_checked(path, &r, &h);
    if (rc != CLI_OK)
        return rc;
    printf("CTF %s from %s, %s, %s\n", or_dash(h->ctf_version),
           or_dash(h->supplier_id), or_dash(h->date_time),
           or_dash(h->document_qualifier));
    printf("source: %s/%s %s (URN %s), academic year %s\n",
           or_dash(h->source_lea), or_dash(h->source_estab),
           or_dash(h->source_school_name), or_dash(h->source_urn),
           or_dash(h->source_academic_year));
    printf("destination: %s/%s\n", or_dash(h->dest_lea),
           or_dash(h->dest_estab));
    for (;;) {
        err = lrs_ctf_reader_next(r, &p, &d);
        if (err || !p)
            break;
        n++;
        printf("%llu  %-13s  %-10s  %s, %s  %s  %s  %s\n",
               (unsigned long long)p->ordinal, or_dash(p->upn), or_dash(p->uln),
               or_dash(p->surname), or_dash(p->forename), or_dash(p->dob),
               or_dash(p->sex), or_dash(p->address.postcode));
    }
    lrs_ctf_reader_free(r);
    if (err != LRS_OK)
        return file_error(path, &d);
    printf("%llu pupil%s\n", (unsigned long long)n, n == 1 ? "" : "s");
    return CLI_OK;
}

/* Write `s` as one CSV field (RFC 4180 quoting when needed). */
static void csv_field(const char *s, bool last)
{
    if (strpbrk(s, ",\"\r\n")) {
        putchar('"');
        for (; *s; s++) {
            if (*s == '"')
                putchar('"');
            putchar(*s);
        }
        putchar('"');
    } else {
        fputs(s, stdout);
    }
    putchar(last ? '\n' : ',');
}

static void print_finding(const struct lrs_ctf_pupil *p,
                          const struct lrs_ctf_finding *f, bool csv)
{
    const char *sev = f->severity == LRS_CTF_BLOCKING ? "blocking" : "warning";
    char num[24];

    if (!csv) {
        printf("pupil %llu, %s %s, %s: %s (%s) %s\n",
               (unsigned long long)p->ordinal, *p->upn ? p->upn : "(no UPN)",
               or_dash(p->surname), or_dash(p->forename), f->code, sev,
               f->message);
        return;
    }
    snprintf(num, sizeof num, "%llu", (unsigned long long)p->ordinal);
    csv_field(num, false);
    snprintf(num, sizeof num, "%lu", p->line);
    csv_field(num, false);
    csv_field(p->upn, false);
    csv_field(p->surname, false);
    csv_field(p->forename, false);
    csv_field(f->code, false);
    csv_field(sev, false);
    csv_field(f->field, false);
    csv_field(f->message, true);
}

struct tally {
    uint64_t pupils, blocked, blocking, warnings;
};

static int validate(const char *path, struct lrs_date on, bool csv)
{
    struct lrs_ctf_findings fs = LRS_CTF_FINDINGS_INIT;
    const struct lrs_ctf_header *h;
    const struct lrs_ctf_pupil *p;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_ctf_reader *r;
    struct tally t = {0, 0, 0, 0};
    FILE *summary = csv ? stderr : stdout;
    enum lrs_err err = LRS_OK;
    int rc;

    rc = open_checked(path, &r, &h);
    if (rc != CLI_OK)
        return rc;
    if (csv)
        printf("pupil,line,upn,surname,forename,code,severity,field,"
               "message\n");
    for (;;) {
        err = lrs_ctf_reader_next(r, &p, &d);
        if (err || !p)
            break;
        lrs_ctf_findings_reset(&fs);
        if (lrs_ctf_validate_pupil(p, on, &fs) != LRS_OK) {
            err = LRS_ENOMEM;
            lrs_diag_set(&d, NULL, "out of memory");
            break;
        }
        for (size_t i = 0; i < fs.count; i++)
            print_finding(p, &fs.items[i], csv);
        t.pupils++;
        t.blocked += fs.blocking_count > 0;
        t.blocking += fs.blocking_count;
        t.warnings += fs.count - fs.blocking_count;
    }
    lrs_ctf_findings_release(&fs);
    lrs_ctf_reader_free(r);
    if (err != LRS_OK)
        return file_error(path, &d);
    fprintf(summary,
            "%llu pupil%s: %llu ready, %llu blocked; %llu blocking "
            "finding%s, %llu warning%s\n",
            (unsigned long long)t.pupils, t.pupils == 1 ? "" : "s",
            (unsigned long long)(t.pupils - t.blocked),
            (unsigned long long)t.blocked, (unsigned long long)t.blocking,
            t.blocking == 1 ? "" : "s", (unsigned long long)t.warnings,
            t.warnings == 1 ? "" : "s");
    return t.blocked ? CLI_FAIL : CLI_OK;
}

static bool today(struct lrs_date *out)
{
    const time_t now = time(NULL);
    struct tm tm;

    if (!localtime_r(&now, &tm) ||
        !lrs_date_valid(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday))
        return false;
    out->year = (int16_t)(tm.tm_year + 1900);
    out->month = (uint8_t)(tm.tm_mon + 1);
    out->day = (uint8_t)tm.tm_mday;
    return true;
}

static int run_validate(int argc, char **argv)
{
    const char *path = NULL;
    struct lrs_date on;
    bool csv = false, dated = false;

    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--csv") == 0) {
            csv = true;
        } else if (strcmp(argv[i], "--date") == 0 && i + 1 < argc) {
            struct lrs_diag d = LRS_DIAG_INIT;

            if (lrs_date_parse(lrs_str_c(argv[++i]), 0, "date", &on, &d)) {
                cli_error("--date '%s': %s", argv[i], d.msg);
                return CLI_USAGE;
            }
            dated = true;
        } else if (argv[i][0] == '-' || path) {
            return cli_usage(usage_line, NULL);
        } else {
            path = argv[i];
        }
    }
    if (!path)
        return cli_usage(usage_line, NULL);
    if (!dated && !today(&on)) {
        cli_error("cannot read today's date; give --date");
        return CLI_USAGE;
    }
    return validate(path, on, csv);
}

int cmd_ctf(int argc, char **argv)
{
    if (argc >= 2 && cli_is_help(argv[1])) {
        printf("usage: %s\n\n%s", usage_line, help_text);
        return CLI_OK;
    }
    if (argc == 3 && strcmp(argv[1], "show") == 0)
        return show(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "validate") == 0)
        return run_validate(argc, argv);
    return cli_usage(usage_line, NULL);
}
