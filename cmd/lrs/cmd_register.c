/*
 * cmd_register.c - the commands that change who is who in the register
 * (docs/matching.md, "Register after search" and "Merge and unmerge"):
 * `lrs register`, `lrs amend`, `lrs merge`, `lrs unmerge`, `lrs not-same`
 * and `lrs duplicates`.
 *
 * Each opens the store (--db PATH, else $LRS_DB, else ./var/lrs.db),
 * builds the match index from it when it searches
 * (lrs_service_index_load: name history, merges and not-same pairs) and
 * acts through the service as the command-line actor, so every read and
 * write is audited and every decision kept with its reason.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const struct lrs_actor cli_actor = LRS_ACTOR_CLI;

/* The options of these commands: "--name VALUE" pairs and flags. */
struct opts {
    const char *db, *given, *middle, *family, *previous, *dob, *gender,
        *postcode, *reason, *version, *into;
    bool confirm_new, explain;
    const char *args[3]; /* the positional arguments */
    int nargs;
};

static const struct {
    const char *name;
    size_t off;
} value_opts[] = {
    {"--db", offsetof(struct opts, db)},
    {"--given", offsetof(struct opts, given)},
    {"--middle", offsetof(struct opts, middle)},
    {"--family", offsetof(struct opts, family)},
    {"--previous-family", offsetof(struct opts, previous)},
    {"--dob", offsetof(struct opts, dob)},
    {"--gender", offsetof(struct opts, gender)},
    {"--postcode", offsetof(struct opts, postcode)},
    {"--reason", offsetof(struct opts, reason)},
    {"--version", offsetof(struct opts, version)},
    {"--into", offsetof(struct opts, into)},
};

/* Parse argv[1..]; false after printing what was wrong. */
static bool parse(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        bool known = false;

        if (strcmp(argv[i], "--confirm-new") == 0) {
            o->confirm_new = true;
            continue;
        }
        if (strcmp(argv[i], "--explain") == 0) {
            o->explain = true;
            continue;
        }
        for (size_t k = 0;
             k < sizeof value_opts / sizeof value_opts[0] && !known; k++) {
            if (strcmp(argv[i], value_opts[k].name) != 0)
                continue;
            if (i + 1 >= argc) {
                cli_error("%s needs a value", value_opts[k].name);
                return false;
            }
            *(const char **)((char *)o + value_opts[k].off) = argv[++i];
            known = true;
        }
        if (known)
            continue;
        if (argv[i][0] == '-' || o->nargs == 3) {
            cli_error("unknown option '%s'", argv[i]);
            return false;
        }
        o->args[o->nargs++] = argv[i];
    }
    return true;
}

static const char *db_url(const char *opt)
{
    const char *env = getenv("LRS_DB");

    if (opt)
        return opt;
    return env && *env ? env : "./var/lrs.db";
}

static struct lrs_store *open_store(const struct opts *o)
{
    struct lrs_store *s = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_store_open(db_url(o->db), 0, &s, &d)) {
        cli_error("%s", d.msg);
        return NULL;
    }
    return s;
}

static struct lrs_match_index *load_index(struct lrs_store *s)
{
    struct lrs_match_index *idx = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_service_index_load(s, NULL, &idx, &d)) {
        cli_error("cannot index the register: %s", d.msg);
        return NULL;
    }
    return idx;
}

/* Print a failed call's diag as "field: message" (the store's own
 * messages, field "db", as they are). */
static int failed(const struct lrs_diag *d, enum lrs_err err)
{
    if (!d->msg[0])
        cli_error("%s", lrs_strerror(err));
    else if (d->field && strcmp(d->field, "db") != 0)
        cli_error("%s: %s", d->field, d->msg);
    else
        cli_error("%s", d->msg);
    return CLI_FAIL;
}

/* Set the fields given on the command line; false after printing why. */
static bool set_fields(struct lrs_learner *l, const struct opts *o)
{
    const struct {
        enum lrs_learner_field f;
        const char *v;
    } set[] = {
        {LRS_FIELD_GIVEN_NAME, o->given},
        {LRS_FIELD_MIDDLE_NAMES, o->middle},
        {LRS_FIELD_FAMILY_NAME, o->family},
        {LRS_FIELD_PREVIOUS_FAMILY_NAME, o->previous},
        {LRS_FIELD_DATE_OF_BIRTH, o->dob},
        {LRS_FIELD_GENDER, o->gender},
        {LRS_FIELD_POSTCODE, o->postcode},
    };

    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
        struct lrs_diag d = LRS_DIAG_INIT;

        if (set[i].v &&
            lrs_learner_field_set(l, set[i].f, lrs_str_c(set[i].v), &d)) {
            cli_error("%s: %s", d.field, d.msg);
            return false;
        }
    }
    return true;
}

/* The answer of a search: the code and ULNs, or the explanation table. */
static bool print_result(const struct lrs_match_result *res, bool explain)
{
    struct lrs_buf b = LRS_BUF_INIT;
    enum lrs_err err = LRS_OK;

    if (explain) {
        err = lrs_match_explain_text(res, &b);
    } else {
        const size_t n = res->code == LRS_MATCH_NONE ? 0 : res->candidate_count;

        err = lrs_buf_adds(&b, lrs_match_code_name(res->code));
        for (size_t i = 0; !err && i < n; i++)
            err = lrs_buf_addf(&b, " %010llu",
                               (unsigned long long)res->candidates[i].uln);
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

/* ------------------------------------------------------------------ */
/* lrs register                                                       */
/* ------------------------------------------------------------------ */

static const char register_usage[] =
    "lrs register [--db PATH] --given G --family F --dob YYYY-MM-DD\n"
    "             --gender G --postcode PC [--middle M]\n"
    "             [--previous-family P] [--confirm-new --reason TEXT]";

static const char register_help[] =
    "Register a learner after searching for them (registerSingleLearner):\n"
    "prints WSRC0005 and the new ULN, or WSRC0021 and the candidates that\n"
    "stopped it with how each field compared. A person who has checked\n"
    "the candidates confirms a new learner with --confirm-new and a reason;\n"
    "the candidates are then recorded as not the same learner. A learner\n"
    "with the same given name, family name, date of birth, gender and\n"
    "postcode always stops it.\n"
    "\n"
    "Exit status: 0 registered, 1 not registered or failed, 2 usage.\n";

/* Why a registration was refused, then the candidates explained. */
static void print_refusal(const struct lrs_register_outcome *out,
                          const struct lrs_match_result *res)
{
    if (out->identical)
        printf("WSRC0021 not registered: learner %s has the same given "
               "name, family name, date of birth, gender and postcode\n",
               out->same_uln);
    else
        printf("WSRC0021 not registered: the search found %zu %s; if none "
               "is this learner, register with --confirm-new --reason "
               "TEXT\n",
               res->candidate_count,
               res->candidate_count == 1 ? "candidate" : "candidates");
    if (res->candidate_count)
        print_result(res, true);
}

int cmd_register(int argc, char **argv)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_register_outcome out;
    struct lrs_match_result res;
    struct lrs_match_index *idx = NULL;
    struct lrs_store *s = NULL;
    struct lrs_learner l;
    struct opts o;
    enum lrs_err err;
    int rc = CLI_FAIL;

    if (argc > 1 && cli_is_help(argv[1]))
        return cli_usage(register_usage, register_help);
    if (!parse(argc, argv, &o))
        return cli_usage(register_usage, NULL);
    if (o.nargs || !o.given || !o.family || !o.dob || !o.gender ||
        !o.postcode) {
        cli_error("give --given, --family, --dob, --gender and --postcode");
        return cli_usage(register_usage, NULL);
    }
    if (o.confirm_new != (o.reason != NULL)) {
        cli_error("--confirm-new and --reason go together");
        return cli_usage(register_usage, NULL);
    }
    lrs_learner_init(&l);
    if (!set_fields(&l, &o))
        return CLI_FAIL;
    lrs_match_result_init(&res);
    s = open_store(&o);
    if (s)
        idx = load_index(s);
    if (!idx)
        goto out;
    err = lrs_service_register(s, idx, &cli_actor, &l,
                               o.confirm_new ? LRS_REGISTER_CONFIRM_NEW : 0,
                               o.reason, &res, &out, &d);
    if (err) {
        failed(&d, err);
        goto out;
    }
    if (out.code != LRS_REGISTER_NEW) {
        print_refusal(&out, &res);
        goto out;
    }
    printf("WSRC0005 %s\n", l.uln);
    for (size_t i = 0; i < out.not_same; i++)
        printf("not the same as %010llu: recorded\n",
               (unsigned long long)res.candidates[i].uln);
    rc = CLI_OK;
out:
    lrs_match_result_release(&res);
    lrs_match_index_free(idx);
    lrs_store_free(s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* lrs amend                                                          */
/* ------------------------------------------------------------------ */

static const char amend_usage[] =
    "lrs amend ULN --version N [--db PATH] [--given G] [--middle M]\n"
    "          [--family F] [--previous-family P] [--dob YYYY-MM-DD]\n"
    "          [--gender G] [--postcode PC] [--reason TEXT]";

static const char amend_help[] =
    "Amend a learner (updateSingleLearner): the fields given replace the\n"
    "stored ones if the learner is still at version N. A change of name\n"
    "needs a reason (e.g. 'deed poll'), kept in the name history; the old\n"
    "names still find the learner.\n";

int cmd_amend(int argc, char **argv)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;
    struct lrs_learner l;
    struct opts o;
    uint64_t version;
    enum lrs_err err;
    bool linked = false;

    if (argc > 1 && cli_is_help(argv[1]))
        return cli_usage(amend_usage, amend_help);
    if (!parse(argc, argv, &o))
        return cli_usage(amend_usage, NULL);
    if (o.nargs != 1 || !o.version ||
        lrs_parse_u64(lrs_str_c(o.version), 1, INT32_MAX, &version)) {
        cli_error("give the ULN and --version N (the version you read)");
        return cli_usage(amend_usage, NULL);
    }
    s = open_store(&o);
    if (!s)
        return CLI_FAIL;
    err = lrs_service_learner_get(s, &cli_actor, lrs_str_c(o.args[0]), &l,
                                  &linked, &d);
    if (!err && linked) {
        cli_error("learner %s is merged into %s; amend %s", o.args[0], l.uln,
                  l.uln);
        lrs_store_free(s);
        return CLI_FAIL;
    }
    if (!err && !set_fields(&l, &o)) {
        lrs_store_free(s);
        return CLI_FAIL;
    }
    if (!err)
        err = lrs_service_amend(s, NULL, &cli_actor, &l, (int32_t)version,
                                o.reason, &d);
    lrs_store_free(s);
    if (err)
        return failed(&d, err);
    printf("amended %s (version %d)\n", l.uln, (int)l.version);
    return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* lrs merge, lrs unmerge, lrs not-same                               */
/* ------------------------------------------------------------------ */

int cmd_merge(int argc, char **argv)
{
    static const char usage[] =
        "lrs merge ULN --into MASTER --reason TEXT [--db PATH]";
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;
    struct opts o;
    enum lrs_err err;

    if (argc > 1 && cli_is_help(argv[1]))
        return cli_usage(usage,
                         "Merge a duplicate record into its master: the "
                         "merged ULN then answers\nthe master (WSRC0022). "
                         "Kept in the link history with the reason.\n");
    if (!parse(argc, argv, &o) || o.nargs != 1 || !o.into || !o.reason)
        return cli_usage(usage, NULL);
    s = open_store(&o);
    if (!s)
        return CLI_FAIL;
    err = lrs_service_merge(s, NULL, &cli_actor, lrs_str_c(o.args[0]),
                            lrs_str_c(o.into), o.reason, &d);
    lrs_store_free(s);
    if (err)
        return failed(&d, err);
    printf("merged %s into %s\n", o.args[0], o.into);
    return CLI_OK;
}

int cmd_unmerge(int argc, char **argv)
{
    static const char usage[] = "lrs unmerge ULN --reason TEXT [--db PATH]";
    struct lrs_diag d = LRS_DIAG_INIT;
    char master[LRS_ULN_SIZE];
    struct lrs_store *s;
    struct opts o;
    enum lrs_err err;

    if (argc > 1 && cli_is_help(argv[1]))
        return cli_usage(usage,
                         "Undo a merge: the learner is active again, as it "
                         "was. Refused, with\nthe reason, when its master "
                         "has since been merged or its record changed.\n");
    if (!parse(argc, argv, &o) || o.nargs != 1 || !o.reason)
        return cli_usage(usage, NULL);
    s = open_store(&o);
    if (!s)
        return CLI_FAIL;
    err = lrs_service_unmerge(s, NULL, &cli_actor, lrs_str_c(o.args[0]),
                              o.reason, master, &d);
    lrs_store_free(s);
    if (err)
        return failed(&d, err);
    printf("unmerged %s from %s\n", o.args[0], master);
    return CLI_OK;
}

int cmd_not_same(int argc, char **argv)
{
    static const char usage[] =
        "lrs not-same ULN1 ULN2 --reason TEXT [--db PATH]";
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;
    struct opts o;
    enum lrs_err err;

    if (argc > 1 && cli_is_help(argv[1]))
        return cli_usage(usage,
                         "Record that two learners are not the same person: "
                         "neither is raised\nas a duplicate of the other "
                         "again.\n");
    if (!parse(argc, argv, &o) || o.nargs != 2 || !o.reason)
        return cli_usage(usage, NULL);
    s = open_store(&o);
    if (!s)
        return CLI_FAIL;
    err = lrs_service_not_same(s, NULL, &cli_actor, lrs_str_c(o.args[0]),
                               lrs_str_c(o.args[1]), o.reason, &d);
    lrs_store_free(s);
    if (err)
        return failed(&d, err);
    printf("recorded: %s and %s are not the same learner\n", o.args[0],
           o.args[1]);
    return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* lrs duplicates                                                     */
/* ------------------------------------------------------------------ */

int cmd_duplicates(int argc, char **argv)
{
    static const char usage[] = "lrs duplicates ULN [--explain] [--db PATH]";
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_match_result res;
    struct lrs_match_index *idx = NULL;
    struct lrs_store *s;
    struct opts o;
    enum lrs_err err;
    int rc = CLI_FAIL;

    if (argc > 1 && cli_is_help(argv[1]))
        return cli_usage(usage,
                         "Search the register with a learner's own details "
                         "for other records of\nthem: the learner, records "
                         "merged with it and learners decided not\nthe "
                         "same are left out. Exit status 0 when one or "
                         "more are found.\n");
    if (!parse(argc, argv, &o) || o.nargs != 1)
        return cli_usage(usage, NULL);
    lrs_match_result_init(&res);
    s = open_store(&o);
    if (s)
        idx = load_index(s);
    if (!idx)
        goto out;
    err = lrs_service_duplicates(s, idx, &cli_actor, lrs_str_c(o.args[0]), &res,
                                 &d);
    if (err) {
        failed(&d, err);
        goto out;
    }
    if (print_result(&res, o.explain) && res.code != LRS_MATCH_NONE)
        rc = CLI_OK;
out:
    lrs_match_result_release(&res);
    lrs_match_index_free(idx);
    lrs_store_free(s);
    return rc;
}
