/*
 * cmd_plr.c - the PLR commands: `lrs verify`, `lrs results upload`,
 * `lrs plr show`, `lrs entries submit|pending|send|sent`, `lrs share
 * create|revoke|open` (lrs/plr.h, docs/plr.md).
 *
 * The store is `--db PATH`, else $LRS_DB, else ./var/lrs.db, as for the
 * register commands. Every command acts as the command-line actor (user 0
 * of the LRS itself, source "cli"), so what it reads is audited. Row
 * reports go to standard output as CSV; messages to standard error hold
 * at most a ULN.
 */
#include "cli.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_DB "./var/lrs.db"
#define DAY_MS     (24 * 60 * 60 * (int64_t)1000)
#define NELEM(a)   (sizeof(a) / sizeof((a)[0]))

static const struct lrs_actor cli_actor = LRS_ACTOR_CLI;

/* ------------------------------------------------------------------ */
/* Options                                                            */
/* ------------------------------------------------------------------ */

/* The options every PLR command may take; NULL when not given. */
struct opts {
    const char *db, *uln, *given, *family, *dob, *gender, *csv, *html;
    const char *ao, *ao_name, *school, *expires, *submission;
    const char *pos[4]; /* positional arguments */
    int npos;
};

static const struct {
    const char *name;
    size_t offset;
} known[] = {
    {"--db", offsetof(struct opts, db)},
    {"--uln", offsetof(struct opts, uln)},
    {"--given", offsetof(struct opts, given)},
    {"--family", offsetof(struct opts, family)},
    {"--dob", offsetof(struct opts, dob)},
    {"--gender", offsetof(struct opts, gender)},
    {"--csv", offsetof(struct opts, csv)},
    {"--html", offsetof(struct opts, html)},
    {"--ao", offsetof(struct opts, ao)},
    {"--ao-name", offsetof(struct opts, ao_name)},
    {"--school", offsetof(struct opts, school)},
    {"--expires", offsetof(struct opts, expires)},
    {"--submission", offsetof(struct opts, submission)},
};

/* Parse argv[first..] into `o`; -1 on an unknown option or missing
 * value (then the caller prints its usage). */
static int parse(int argc, char **argv, int first, struct opts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = first; i < argc; i++) {
        size_t k;

        if (argv[i][0] != '-' || argv[i][1] == '\0') {
            if (o->npos == (int)NELEM(o->pos))
                return -1;
            o->pos[o->npos++] = argv[i];
            continue;
        }
        for (k = 0; k < NELEM(known); k++)
            if (strcmp(argv[i], known[k].name) == 0)
                break;
        if (k == NELEM(known) || i + 1 == argc)
            return -1;
        *(const char **)((char *)o + known[k].offset) = argv[++i];
    }
    return 0;
}

static struct lrs_store *open_db(const char *opt)
{
    const char *env = getenv("LRS_DB");
    const char *url = opt ? opt : (env && *env ? env : DEFAULT_DB);
    struct lrs_store *s = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_store_open(url, 0, &s, &d)) {
        cli_error("%s", d.msg);
        return NULL;
    }
    return s;
}

/* Open `file` ("-": standard input); -1 after printing why. */
static int open_input(const char *file)
{
    int fd;

    if (strcmp(file, "-") == 0)
        return 0;
    fd = open(file, O_RDONLY);
    if (fd < 0)
        cli_error("cannot open '%s': %s", file, strerror(errno));
    return fd;
}

static void close_input(int fd)
{
    if (fd > 0)
        close(fd);
}

/* Print "lrs: FIELD: MSG" or the store's message. */
static void report(const struct lrs_diag *d)
{
    if (d->field && strcmp(d->field, "db") != 0)
        cli_error("%s: %s", d->field, d->msg);
    else
        cli_error("%s", d->msg);
}

/* One CSV field to stdout (quoted when needed). */
static void put(const char *s, bool first)
{
    struct lrs_buf b = LRS_BUF_INIT;

    if (lrs_csv_put(&b, lrs_str_c(s), first) == LRS_OK)
        fputs(b.data, stdout);
    lrs_buf_release(&b);
}

static void put_flags(unsigned flags)
{
    struct lrs_buf b = LRS_BUF_INIT;

    if (lrs_verify_flags_text(flags, &b) == LRS_OK)
        put(b.data, false);
    lrs_buf_release(&b);
}

/* ------------------------------------------------------------------ */
/* lrs verify                                                         */
/* ------------------------------------------------------------------ */

static enum lrs_err verify_row(void *ctx, uint64_t line,
                               const struct lrs_verify_input *in,
                               const struct lrs_verify_result *res,
                               const struct lrs_diag *why)
{
    char ln[24];

    (void)ctx;
    snprintf(ln, sizeof ln, "%llu", (unsigned long long)line);
    put(ln, true);
    if (!res) {
        char msg[200];

        snprintf(msg, sizeof msg, "%s: %s", why->field ? why->field : "row",
                 why->msg);
        put("", false);
        put(why->field && strcmp(why->field, "uln") == 0 ? "WSEC0136"
                                                         : "WSEC0001",
            false);
        put("", false);
        put("", false);
        put(msg, false);
        putchar('\n');
        return LRS_OK;
    }
    put(in->uln, false);
    put(lrs_verify_code_name(res->code), false);
    put_flags(res->flags);
    put(res->code == LRS_VERIFY_LINKED_MATCH ||
                res->code == LRS_VERIFY_LINKED_SIMILAR
            ? res->master_uln
            : "",
        false);
    put(lrs_verify_code_text(res->code), false);
    putchar('\n');
    return LRS_OK;
}

static int verify_csv(struct lrs_store *s, const char *file)
{
    struct lrs_verify_summary sum;
    struct lrs_diag d = LRS_DIAG_INIT;
    int fd = open_input(file);
    int rc = CLI_OK;

    if (fd < 0)
        return CLI_FAIL;
    puts("line,uln,code,flags,master_uln,outcome");
    if (lrs_verify_csv(s, &cli_actor, lrs_fd_read, &fd, file, verify_row, NULL,
                       &sum, &d)) {
        report(&d);
        rc = CLI_FAIL;
    } else {
        fprintf(stderr,
                "verified %llu rows: %llu matched, %llu similar, %llu did "
                "not match, %llu not found, %llu invalid\n",
                (unsigned long long)sum.rows,
                (unsigned long long)(sum.by_code[1] + sum.by_code[2]),
                (unsigned long long)(sum.by_code[3] + sum.by_code[4]),
                (unsigned long long)sum.by_code[5],
                (unsigned long long)sum.by_code[6],
                (unsigned long long)sum.invalid);
    }
    close_input(fd);
    return rc;
}

int cmd_verify(int argc, char **argv)
{
    static const char usage[] =
        "lrs verify --uln ULN --given NAME --family NAME [--dob DATE] "
        "[--gender G] [--db PATH]\n   or: lrs verify --csv FILE [--db PATH]";
    struct lrs_verify_input in;
    struct lrs_verify_result r;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;
    struct opts o;
    int rc = CLI_OK;

    if (parse(argc, argv, 1, &o) || o.npos ||
        (!o.csv && (!o.uln || !o.given || !o.family)))
        return cli_usage(usage, "Verify a learner's ULN and names "
                                "(verifyLearner: WSVRC001-006, VRF1-8).\n");
    if (!o.csv &&
        lrs_verify_input_set(&in, lrs_str_c(o.uln), lrs_str_c(o.given),
                             lrs_str_c(o.family), lrs_str_c(o.dob ? o.dob : ""),
                             lrs_str_c(o.gender ? o.gender : ""), &d)) {
        report(&d);
        return CLI_FAIL;
    }
    s = open_db(o.db);
    if (!s)
        return CLI_FAIL;
    if (o.csv) {
        rc = verify_csv(s, o.csv);
    } else if (lrs_verify_learner(s, &cli_actor, &in, &r, &d)) {
        report(&d);
        rc = CLI_FAIL;
    } else {
        struct lrs_buf flags = LRS_BUF_INIT;

        printf("%s %s\n", lrs_verify_code_name(r.code),
               lrs_verify_code_text(r.code));
        if (r.code == LRS_VERIFY_LINKED_MATCH ||
            r.code == LRS_VERIFY_LINKED_SIMILAR)
            printf("master ULN: %s\n", r.master_uln);
        if (r.code != LRS_VERIFY_NOT_FOUND) {
            printf("given name: %s (%s)\n", lrs_verify_level_name(r.given),
                   r.given_why);
            printf("family name: %s (%s)\n", lrs_verify_level_name(r.family),
                   r.family_why);
            printf("date of birth: %s\n",
                   lrs_verify_level_name(r.date_of_birth));
            printf("gender: %s\n", lrs_verify_level_name(r.gender));
        }
        if (r.flags && lrs_verify_flags_text(r.flags, &flags) == LRS_OK)
            printf("flags: %s\n", flags.data);
        lrs_buf_release(&flags);
        rc = lrs_verify_accepted(r.code) ? CLI_OK : CLI_FAIL;
    }
    lrs_store_free(s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* lrs results upload                                                 */
/* ------------------------------------------------------------------ */

static enum lrs_err result_row(void *ctx, const struct lrs_result_row *row)
{
    bool *header_done = ctx;
    char ln[24];

    /* The header comes with the first row: a bad --ao or file prints
     * nothing on standard output. */
    if (!*header_done)
        puts("line,outcome,code,flags,uln,reason");
    *header_done = true;
    snprintf(ln, sizeof ln, "%llu", (unsigned long long)row->line);
    put(ln, true);
    put(lrs_result_outcome_name(row->outcome), false);
    put(row->code, false);
    put_flags(row->flags);
    put(!row->a          ? ""
        : row->a->uln[0] ? row->a->uln
                         : row->a->supplied_uln,
        false);
    if (row->outcome == LRS_RESULT_REJECTED) {
        char why[200];

        snprintf(why, sizeof why, "%s: %s",
                 row->why.field ? row->why.field : "row", row->why.msg);
        put(why, false);
    } else {
        put("", false);
    }
    putchar('\n');
    return LRS_OK;
}

int cmd_results(int argc, char **argv)
{
    static const char usage[] = "lrs results upload FILE.csv --ao UKPRN "
                                "[--ao-name NAME] [--db PATH]";
    struct lrs_results_summary sum;
    struct lrs_results_opts ro;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;
    struct opts o;
    bool header_done = false;
    int fd, rc = CLI_OK;

    if (argc < 2 || strcmp(argv[1], "upload") != 0 ||
        parse(argc, argv, 2, &o) || o.npos != 1 || !o.ao)
        return cli_usage(usage, "Upload results (learning events) into "
                                "learners' PLRs; see docs/plr.md.\n");
    s = open_db(o.db);
    if (!s)
        return CLI_FAIL;
    fd = open_input(o.pos[0]);
    if (fd < 0) {
        lrs_store_free(s);
        return CLI_FAIL;
    }
    memset(&ro, 0, sizeof ro);
    ro.name = o.pos[0];
    ro.ao_ukprn = o.ao;
    ro.ao_name = o.ao_name;
    ro.on_row = result_row;
    ro.ctx = &header_done;
    if (lrs_plr_results_upload(s, &cli_actor, lrs_fd_read, &fd, &ro, &sum,
                               &d)) {
        report(&d);
        rc = CLI_FAIL;
    } else {
        fprintf(stderr,
                "%llu rows: %llu stored, %llu corrected, %llu updated, "
                "%llu unchanged, %llu rejected\n",
                (unsigned long long)sum.rows, (unsigned long long)sum.stored,
                (unsigned long long)sum.corrected,
                (unsigned long long)sum.updated,
                (unsigned long long)sum.unchanged,
                (unsigned long long)sum.rejected);
        rc = sum.rejected ? CLI_FAIL : CLI_OK;
    }
    close_input(fd);
    lrs_store_free(s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* lrs plr show                                                       */
/* ------------------------------------------------------------------ */

static void print_events(const struct lrs_achievement_list *l)
{
    puts("id,award_date,qualification_type,subject_code,subject,level,"
         "grade,status,ao_ukprn,ao_name");
    for (size_t i = 0; i < l->count; i++) {
        const struct lrs_achievement *a = &l->items[i];
        char id[24], date[11] = "";
        const char st[2] = {a->status, '\0'};

        snprintf(id, sizeof id, "%lld", (long long)a->id);
        if (a->award_date.year)
            lrs_date_format(a->award_date, date);
        put(id, true);
        put(date, false);
        put(a->qualification_type, false);
        put(a->subject_code, false);
        put(a->subject, false);
        put(a->level, false);
        put(a->grade, false);
        put(st, false);
        put(a->ao_ukprn, false);
        put(a->ao_name, false);
        putchar('\n');
    }
}

static int write_html(const struct lrs_plr *p, const char *file)
{
    struct lrs_buf b = LRS_BUF_INIT;
    FILE *f;
    int rc = CLI_OK;

    if (lrs_plr_html(p, &b)) {
        cli_error("out of memory");
        lrs_buf_release(&b);
        return CLI_FAIL;
    }
    f = strcmp(file, "-") == 0 ? stdout : fopen(file, "w");
    if (!f || fwrite(b.data, 1, b.len, f) != b.len) {
        cli_error("cannot write '%s': %s", file, strerror(errno));
        rc = CLI_FAIL;
    }
    if (f && f != stdout && fclose(f) != 0) {
        cli_error("cannot write '%s': %s", file, strerror(errno));
        rc = CLI_FAIL;
    }
    lrs_buf_release(&b);
    return rc;
}

int cmd_plr(int argc, char **argv)
{
    static const char usage[] = "lrs plr show ULN --given NAME --family NAME "
                                "[--html FILE] [--db PATH]";
    struct lrs_verify_input in;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_plr p;
    struct lrs_store *s;
    struct opts o;
    int rc = CLI_OK;

    if (argc < 2 || strcmp(argv[1], "show") != 0 || parse(argc, argv, 2, &o) ||
        o.npos != 1 || !o.given || !o.family)
        return cli_usage(usage,
                         "Show a learner's Personal Learning Record "
                         "(names must match; the learner must share).\n");
    if (lrs_verify_input_set(&in, lrs_str_c(o.pos[0]), lrs_str_c(o.given),
                             lrs_str_c(o.family), LRS_STR(""), LRS_STR(""),
                             &d)) {
        report(&d);
        return CLI_FAIL;
    }
    s = open_db(o.db);
    if (!s)
        return CLI_FAIL;
    lrs_plr_init(&p);
    if (lrs_plr_get(s, &cli_actor, &in, 0, &p, &d)) {
        report(&d);
        rc = CLI_FAIL;
    } else if (p.refusal == LRS_PLR_NOT_VERIFIED) {
        cli_error("%s: learner could not be verified (%s)",
                  lrs_plr_refusal_code(p.refusal),
                  lrs_verify_code_name(p.verify.code));
        rc = CLI_FAIL;
    } else if (p.refusal == LRS_PLR_NOT_SHARED) {
        cli_error("%s: learner opted not to share",
                  lrs_plr_refusal_code(p.refusal));
        rc = CLI_FAIL;
    } else if (o.html) {
        rc = write_html(&p, o.html);
    } else {
        if (p.linked)
            fprintf(stderr, "WSRC0022: ULN %s is linked to %s\n", in.uln,
                    p.learner.uln);
        print_events(&p.events);
    }
    lrs_plr_release(&p);
    lrs_store_free(s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* lrs entries                                                        */
/* ------------------------------------------------------------------ */

static void print_entry_head(void)
{
    puts("candidate_number,qualification_code,series,uln,given_name,"
         "family_name,code,flags");
}

static enum lrs_err print_entry(const struct lrs_entry *e, void *ctx)
{
    (void)ctx;
    put(e->candidate_number, true);
    put(e->qualification_code, false);
    put(e->series, false);
    put(e->uln, false);
    put(e->given_name, false);
    put(e->family_name, false);
    put(e->verify_code ? lrs_verify_code_name(e->verify_code) : "", false);
    put_flags(e->verify_flags);
    putchar('\n');
    return LRS_OK;
}

/* lrs entries sent --ao UKPRN [--submission N]: the AO's view. */
static int entries_sent(struct lrs_store *s, const struct opts *o)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    uint64_t number = 0;

    if (o->submission &&
        lrs_parse_u64(lrs_str_c(o->submission), 1, INT64_MAX, &number)) {
        cli_error("--submission: must be a submission number");
        return CLI_FAIL;
    }
    print_entry_head();
    if (lrs_plr_entries_sent(s, &cli_actor, o->ao, (int64_t)number, print_entry,
                             NULL, &d)) {
        report(&d);
        return CLI_FAIL;
    }
    return CLI_OK;
}

static enum lrs_err entry_row(void *ctx, const struct lrs_entry_row *row)
{
    char ln[24];

    (void)ctx;
    snprintf(ln, sizeof ln, "%llu", (unsigned long long)row->line);
    put(ln, true);
    put(lrs_entry_outcome_name(row->outcome), false);
    if (row->e) {
        put(row->e->verify_code ? lrs_verify_code_name(row->e->verify_code)
                                : "",
            false);
        put_flags(row->e->verify_flags);
        put(lrs_verify_accepted(row->e->verify_code) || !row->e->uln[0]
                ? ""
                : "the awarding organisation would reject this entry",
            false);
    } else {
        char why[200];

        snprintf(why, sizeof why, "%s: %s",
                 row->why.field ? row->why.field : "row", row->why.msg);
        put("", false);
        put("", false);
        put(why, false);
    }
    putchar('\n');
    return LRS_OK;
}

static int entries_submit(struct lrs_store *s, const struct opts *o)
{
    struct lrs_entries_opts eo = {o->pos[1], o->school, o->ao, entry_row, NULL};
    struct lrs_entries_summary sum;
    struct lrs_diag d = LRS_DIAG_INIT;
    int fd = open_input(o->pos[1]);
    int rc = CLI_OK;

    if (fd < 0)
        return CLI_FAIL;
    puts("line,outcome,code,flags,note");
    if (lrs_plr_entries_submit(s, &cli_actor, lrs_fd_read, &fd, &eo, &sum,
                               &d)) {
        report(&d);
        rc = CLI_FAIL;
    } else {
        fprintf(stderr,
                "%llu entries: %llu new, %llu amended, %llu unchanged, "
                "%llu rejected; %llu would not verify\n",
                (unsigned long long)sum.rows, (unsigned long long)sum.added,
                (unsigned long long)sum.amended,
                (unsigned long long)sum.unchanged,
                (unsigned long long)sum.rejected,
                (unsigned long long)sum.not_verified);
        rc = sum.rejected ? CLI_FAIL : CLI_OK;
    }
    close_input(fd);
    return rc;
}

int cmd_entries(int argc, char **argv)
{
    static const char usage[] =
        "lrs entries submit FILE.csv --school REF --ao UKPRN [--db PATH]\n"
        "   or: lrs entries pending --ao UKPRN [--school REF] [--db PATH]\n"
        "   or: lrs entries send --ao UKPRN [--school REF] [--db PATH]\n"
        "   or: lrs entries sent --ao UKPRN [--submission N] [--db PATH]";
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;
    struct opts o;
    uint64_t sent = 0;
    int64_t number = 0;
    int rc = CLI_OK;

    if (parse(argc, argv, 1, &o) || o.npos < 1 || !o.ao ||
        (strcmp(o.pos[0], "submit") == 0 && (o.npos != 2 || !o.school)) ||
        (strcmp(o.pos[0], "submit") != 0 && o.npos != 1) ||
        (strcmp(o.pos[0], "submit") != 0 && strcmp(o.pos[0], "pending") != 0 &&
         strcmp(o.pos[0], "send") != 0 && strcmp(o.pos[0], "sent") != 0))
        return cli_usage(usage, "Exam entries from a school to an awarding "
                                "organisation, verified at submission; "
                                "'send' is the submissions routine; 'sent' "
                                "what the AO was sent (the last version of "
                                "each entry, or submission N).\n");
    s = open_db(o.db);
    if (!s)
        return CLI_FAIL;
    if (strcmp(o.pos[0], "submit") == 0) {
        rc = entries_submit(s, &o);
    } else if (strcmp(o.pos[0], "pending") == 0) {
        print_entry_head();
        if (lrs_store_entry_scan(s, o.ao, o.school, LRS_ENTRY_SCAN_PENDING,
                                 print_entry, NULL)) {
            cli_error("%s", lrs_store_errmsg(s));
            rc = CLI_FAIL;
        }
    } else if (strcmp(o.pos[0], "sent") == 0) {
        rc = entries_sent(s, &o);
    } else {
        print_entry_head();
        if (lrs_plr_entries_send(s, &cli_actor, o.ao, o.school, print_entry,
                                 NULL, &sent, &number, &d)) {
            report(&d);
            rc = CLI_FAIL;
        } else if (sent) {
            fprintf(stderr, "sent %llu entries to %s: submission %lld\n",
                    (unsigned long long)sent, o.ao, (long long)number);
        } else {
            fprintf(stderr, "nothing to send to %s\n", o.ao);
        }
    }
    lrs_store_free(s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* lrs share                                                          */
/* ------------------------------------------------------------------ */

static int share_create(struct lrs_store *s, const struct opts *o)
{
    struct lrs_share sh;
    struct lrs_diag d = LRS_DIAG_INIT;
    char token[LRS_SHARE_TOKEN_SIZE];
    uint64_t days = 30;
    struct timespec ts;
    int64_t expires;

    if (o->expires && lrs_parse_u64(lrs_str_c(o->expires), 1, 3650, &days)) {
        cli_error("--expires: must be a number of days from 1 to 3650");
        return CLI_FAIL;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    expires = (int64_t)ts.tv_sec * 1000 + (int64_t)days * DAY_MS;
    if (lrs_plr_share_create(s, &cli_actor, lrs_str_c(o->pos[1]), NULL, 0,
                             expires, token, &sh, &d)) {
        report(&d);
        return CLI_FAIL;
    }
    printf("share %lld of ULN %s for %llu days\ntoken: %s\n", (long long)sh.id,
           sh.uln, (unsigned long long)days, token);
    return CLI_OK;
}

static int share_open(struct lrs_store *s, const struct opts *o)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_plr p;
    int rc;

    lrs_plr_init(&p);
    if (lrs_plr_share_open(s, &cli_actor, lrs_str_c(o->pos[1]), &p, &d)) {
        report(&d);
        return CLI_FAIL;
    }
    rc = o->html ? write_html(&p, o->html) : CLI_OK;
    if (!o->html)
        print_events(&p.events);
    lrs_plr_release(&p);
    return rc;
}

int cmd_share(int argc, char **argv)
{
    static const char usage[] =
        "lrs share create ULN [--expires DAYS] [--db PATH]\n"
        "   or: lrs share revoke ID [--db PATH]\n"
        "   or: lrs share open TOKEN [--html FILE] [--db PATH]";
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;
    struct opts o;
    uint64_t id = 0;
    int rc = CLI_OK;

    if (parse(argc, argv, 1, &o) || o.npos != 2 ||
        (strcmp(o.pos[0], "create") != 0 && strcmp(o.pos[0], "revoke") != 0 &&
         strcmp(o.pos[0], "open") != 0))
        return cli_usage(usage, "Share a learner's verified achievements "
                                "(all of them, until DAYS from now; 30 by "
                                "default), revoke a share, or open one.\n");
    if (strcmp(o.pos[0], "revoke") == 0 &&
        lrs_parse_u64(lrs_str_c(o.pos[1]), 1, INT64_MAX, &id)) {
        cli_error("invalid share id '%s'", o.pos[1]);
        return CLI_FAIL;
    }
    s = open_db(o.db);
    if (!s)
        return CLI_FAIL;
    if (strcmp(o.pos[0], "create") == 0) {
        rc = share_create(s, &o);
    } else if (strcmp(o.pos[0], "open") == 0) {
        rc = share_open(s, &o);
    } else if (lrs_plr_share_revoke(s, &cli_actor, (int64_t)id, &d)) {
        report(&d);
        rc = CLI_FAIL;
    } else {
        printf("share %llu revoked\n", (unsigned long long)id);
    }
    lrs_store_free(s);
    return rc;
}

/*
 * lrs user invite --uln ULN [--expires DAYS]: a learner's one-time
 * sign-up code (docs/plr.md "Learner accounts"), printed once. Called by
 * `lrs user` (cmd_admin.c).
 */
int cmd_user_invite(int argc, char **argv)
{
    static const char usage[] =
        "lrs user invite --uln ULN [--expires DAYS] [--db PATH]";
    struct lrs_diag d = LRS_DIAG_INIT;
    char code[LRS_INVITE_CODE_SIZE], until[11];
    struct lrs_invite inv;
    struct lrs_store *s;
    struct timespec ts;
    struct opts o;
    uint64_t days = 14;
    int rc = CLI_OK;

    if (parse(argc, argv, 1, &o) || o.npos != 0 || !o.uln)
        return cli_usage(usage, "Make a one-time code with which the learner "
                                "creates their own account (at /signup), "
                                "valid for DAYS (14 by default, at most 90); "
                                "a new code ends the last one.\n");
    if (o.expires && lrs_parse_u64(lrs_str_c(o.expires), 1, 90, &days)) {
        cli_error("--expires: must be a number of days from 1 to 90");
        return CLI_FAIL;
    }
    s = open_db(o.db);
    if (!s)
        return CLI_FAIL;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (lrs_plr_invite_create(s, &cli_actor, lrs_str_c(o.uln),
                              (int64_t)ts.tv_sec * 1000 +
                                  (int64_t)days * DAY_MS,
                              LRS_AUTH_COST_INTERACTIVE, code, &inv, &d)) {
        report(&d);
        rc = CLI_FAIL;
    } else {
        lrs_date_format(lrs_date_from_days((int32_t)(inv.expires_ms / DAY_MS)),
                        until);
        printf("sign-up code for ULN %s, until %s:\n%s\n", inv.uln, until,
               code);
    }
    lrs_store_free(s);
    return rc;
}
