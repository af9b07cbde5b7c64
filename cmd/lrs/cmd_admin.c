/*
 * cmd_admin.c - accounts from the command line: `lrs org add|list`,
 * `lrs user add|reset-password|disable`, `lrs token add`.
 *
 * Secrets are generated here and printed once on standard output (a
 * password of 20 random base64url characters, about 120 bits; a token as
 * lrs/auth.h makes it); only their hashes reach the store. The store is
 * --db PATH, else $LRS_DB, else ./var/lrs.db, as for the other commands.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_DB "./var/lrs.db"

/* The value of option `name` in argv (NULL when absent); "" when the
 * option is last with no value, which callers report as a usage error. */
static const char *opt(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return i + 1 < argc ? argv[i + 1] : "";
    return NULL;
}

/* Every argument is a known option with a value, or `positional` words. */
static bool args_ok(int argc, char **argv, const char *const *known,
                    int positional)
{
    int words = 0;

    for (int i = 1; i < argc; i++) {
        bool found = false;

        for (size_t k = 0; known[k]; k++)
            found = found || strcmp(argv[i], known[k]) == 0;
        if (found) {
            if (++i == argc)
                return false;
        } else if (argv[i][0] == '-' || ++words > positional) {
            return false;
        }
    }
    return words == positional;
}

static struct lrs_store *open_db(int argc, char **argv)
{
    const char *db = opt(argc, argv, "--db");
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s = NULL;

    if (!db)
        db = getenv("LRS_DB") && *getenv("LRS_DB") ? getenv("LRS_DB")
                                                   : DEFAULT_DB;
    if (lrs_store_open(db, 0, &s, &d) != LRS_OK) {
        cli_error("%s", d.msg);
        return NULL;
    }
    return s;
}

static bool number(const char *s, uint64_t min, uint64_t max, int64_t *out)
{
    uint64_t v;

    if (!s || lrs_parse_u64(lrs_str_c(s), min, max, &v) != LRS_OK)
        return false;
    *out = (int64_t)v;
    return true;
}

/* ------------------------------------------------------------------ */
/* lrs org                                                            */
/* ------------------------------------------------------------------ */

static const char org_usage[] =
    "lrs org add --type school|ao|provider --name NAME\n"
    "               [--la N --estab N] [--urn N] [--ukprn N] [--db PATH]\n"
    "       lrs org list [--db PATH]";

static enum lrs_err print_org(const struct lrs_org *o, void *ctx)
{
    (void)ctx;
    printf("%lld\t%s\t%s", (long long)o->id, lrs_org_kind_name(o->kind),
           o->name);
    if (o->la)
        printf("\tla=%d estab=%04d", (int)o->la, (int)o->estab);
    if (o->urn)
        printf("\turn=%lld", (long long)o->urn);
    if (o->ukprn[0])
        printf("\tukprn=%s", o->ukprn);
    putchar('\n');
    return LRS_OK;
}

static int org_add(int argc, char **argv)
{
    static const char *const known[] = {"--type", "--name",  "--la", "--estab",
                                        "--urn",  "--ukprn", "--db", NULL};
    const char *type = opt(argc, argv, "--type");
    const char *name = opt(argc, argv, "--name");
    const char *ukprn = opt(argc, argv, "--ukprn");
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;
    struct lrs_org o;
    int64_t n;
    int rc = CLI_OK;

    if (!args_ok(argc, argv, known, 0) || !type || !name)
        return cli_usage(org_usage, NULL);
    memset(&o, 0, sizeof o);
    if (lrs_org_kind_parse(lrs_str_c(type), &o.kind, &d) != LRS_OK) {
        cli_error("%s", d.msg);
        return CLI_USAGE;
    }
    snprintf(o.name, sizeof o.name, "%s", name);
    if (opt(argc, argv, "--la")) {
        if (!number(opt(argc, argv, "--la"), 100, 999, &n)) {
            cli_error("--la must be a number from 100 to 999");
            return CLI_USAGE;
        }
        o.la = (int32_t)n;
        if (!number(opt(argc, argv, "--estab"), 0, 9999, &n)) {
            cli_error("--la needs --estab, a number from 0 to 9999");
            return CLI_USAGE;
        }
        o.estab = (int32_t)n;
    }
    if (opt(argc, argv, "--urn")) {
        if (!number(opt(argc, argv, "--urn"), 1, 999999999, &n)) {
            cli_error("--urn must be a number");
            return CLI_USAGE;
        }
        o.urn = n;
    }
    if (ukprn)
        snprintf(o.ukprn, sizeof o.ukprn, "%.8s", ukprn);
    s = open_db(argc, argv);
    if (!s)
        return CLI_FAIL;
    if (lrs_store_org_add(s, &o, &d) != LRS_OK) {
        cli_error("cannot add organisation '%s': %s", o.name,
                  d.msg[0] ? d.msg : lrs_store_errmsg(s));
        rc = CLI_FAIL;
    } else {
        printf("added organisation %lld\n", (long long)o.id);
    }
    lrs_store_free(s);
    return rc;
}

int cmd_org(int argc, char **argv)
{
    struct lrs_store *s;
    int rc = CLI_OK;

    if (lrs_auth_init() != LRS_OK) {
        cli_error("cannot initialise libsodium");
        return CLI_FAIL;
    }
    if (argc < 2 || cli_is_help(argv[1]))
        return cli_usage(org_usage, "Add or list organisations: schools, "
                                    "awarding organisations, providers.\n");
    if (strcmp(argv[1], "add") == 0)
        return org_add(argc - 1, argv + 1);
    if (strcmp(argv[1], "list") != 0) {
        cli_error("unknown 'lrs org' command '%s'", argv[1]);
        return cli_usage(org_usage, NULL);
    }
    {
        static const char *const known[] = {"--db", NULL};

        if (!args_ok(argc - 1, argv + 1, known, 0))
            return cli_usage(org_usage, NULL);
    }
    s = open_db(argc - 1, argv + 1);
    if (!s)
        return CLI_FAIL;
    if (lrs_store_org_scan(s, print_org, NULL) != LRS_OK) {
        cli_error("%s", lrs_store_errmsg(s));
        rc = CLI_FAIL;
    }
    lrs_store_free(s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* lrs user                                                           */
/* ------------------------------------------------------------------ */

static const char user_usage[] =
    "lrs user add --org ID --login LOGIN --role ROLE[,ROLE] [--name NAME]\n"
    "                [--uln ULN] [--db PATH]\n"
    "       lrs user list [--org ID] [--db PATH]\n"
    "       lrs user reset-password LOGIN [--db PATH]\n"
    "       lrs user disable LOGIN [--db PATH]\n"
    "       lrs user invite --uln ULN [--expires DAYS] [--db PATH]";

/* Parse "school,admin" into role bits; false after a message. */
static bool parse_roles(const char *list, unsigned *out)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    *out = 0;
    while (*list) {
        const size_t n = strcspn(list, ",");
        enum lrs_role r;

        if (lrs_role_parse((struct lrs_str){list, n}, &r, &d) != LRS_OK) {
            cli_error("%s", d.msg);
            return false;
        }
        *out |= (unsigned)r;
        list += n;
        if (*list == ',')
            list++;
    }
    return *out != 0;
}

static int user_add(int argc, char **argv)
{
    static const char *const known[] = {"--org", "--login", "--role", "--name",
                                        "--uln", "--db",    NULL};
    const char *login = opt(argc, argv, "--login");
    const char *role = opt(argc, argv, "--role");
    const char *name = opt(argc, argv, "--name");
    const char *uln = opt(argc, argv, "--uln");
    struct lrs_diag d = LRS_DIAG_INIT;
    char pw[LRS_AUTH_PASSWORD_NEW_SIZE];
    struct lrs_store *s;
    struct lrs_user u;
    int64_t org;
    int rc = CLI_OK;

    if (!args_ok(argc, argv, known, 0) || !login || !role ||
        !number(opt(argc, argv, "--org"), 0, INT64_MAX, &org))
        return cli_usage(user_usage, NULL);
    memset(&u, 0, sizeof u);
    if (!parse_roles(role, &u.roles))
        return CLI_USAGE;
    u.org_id = org;
    snprintf(u.login, sizeof u.login, "%s", login);
    if (name)
        snprintf(u.display_name, sizeof u.display_name, "%s", name);
    if (uln)
        snprintf(u.uln, sizeof u.uln, "%s", uln);
    s = open_db(argc, argv);
    if (!s)
        return CLI_FAIL;
    if (u.roles != LRS_ROLE_LEARNER) {
        /* Staff: the service's rule, that the roles suit the
         * organisation, as for the API and the pages. */
        const struct lrs_user_input in = {org, login, name, u.roles};

        if (uln) {
            cli_error("cannot add user '%s': only a learner account has a "
                      "ULN",
                      u.login);
            rc = CLI_FAIL;
        } else if (lrs_service_user_add(s, NULL, &in, LRS_AUTH_COST_INTERACTIVE,
                                        &u, pw, &d) != LRS_OK) {
            cli_error("cannot add user '%s': %s", u.login,
                      d.msg[0] ? d.msg : lrs_store_errmsg(s));
            rc = CLI_FAIL;
        } else {
            printf("added user %lld '%s'\npassword: %s\n", (long long)u.id,
                   u.login, pw);
        }
        memset(pw, 0, sizeof pw);
        lrs_store_free(s);
        return rc;
    }
    /* A learner's own account, for that learner: audited as the command
     * line's, naming the account and the learner. */
    if (lrs_service_learner_account_add(s, NULL, org, login, name, uln,
                                        LRS_AUTH_COST_INTERACTIVE, &u, pw,
                                        &d) != LRS_OK) {
        /* The option the service's field came from. */
        const char *field =
            d.field && strcmp(d.field, "display_name") == 0 ? "name" : d.field;

        cli_error("cannot add user '%s': %s%s%s%s", u.login, field ? "--" : "",
                  field ? field : "", field ? ": " : "",
                  d.msg[0] ? d.msg : lrs_store_errmsg(s));
        rc = CLI_FAIL;
    } else {
        printf("added user %lld '%s'\npassword: %s\n", (long long)u.id, u.login,
               pw);
    }
    memset(pw, 0, sizeof pw);
    lrs_store_free(s);
    return rc;
}

/* lrs user reset-password|disable LOGIN: through the service, so that the
 * change is audited (actor the command line, subject the user) and every
 * session of the user ends. */
static int user_change(int argc, char **argv, bool reset)
{
    static const char *const known[] = {"--db", NULL};
    char pw[LRS_AUTH_PASSWORD_NEW_SIZE];
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;
    struct lrs_user u;
    const char *login;
    enum lrs_err err;
    int rc = CLI_OK;

    if (!args_ok(argc, argv, known, 1))
        return cli_usage(user_usage, NULL);
    login = argv[1];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0)
            i++;
        else
            login = argv[i];
    }
    s = open_db(argc, argv);
    if (!s)
        return CLI_FAIL;
    err = lrs_store_user_get_by_login(s, login, &u);
    if (err) {
        cli_error("no user has login '%s'", login);
        lrs_store_free(s);
        return CLI_FAIL;
    }
    if (reset)
        err = lrs_service_user_reset_password(
            s, NULL, u.id, LRS_AUTH_COST_INTERACTIVE, pw, &d);
    else
        err = lrs_service_user_disable(s, NULL, u.id, &d);
    if (err) {
        cli_error("%s", d.msg[0] ? d.msg : lrs_store_errmsg(s));
        rc = CLI_FAIL;
    } else if (reset) {
        printf("new password for '%s': %s\n(to be changed at the next "
               "sign-in; every session ended)\n",
               login, pw);
    } else {
        printf("disabled user '%s' (every session ended)\n", login);
    }
    memset(pw, 0, sizeof pw);
    lrs_store_free(s);
    return rc;
}

static enum lrs_err print_user(const struct lrs_user *u, void *ctx)
{
    char roles[64] = "";
    size_t n = 0;

    (void)ctx;
    for (unsigned bit = 1; bit <= LRS_ROLE_ALL; bit <<= 1) {
        int w;

        if (!(u->roles & bit))
            continue;
        w = snprintf(roles + n, sizeof roles - n, "%s%s", n ? "," : "",
                     lrs_role_name((enum lrs_role)bit));
        if (w < 0 || (size_t)w >= sizeof roles - n)
            break;
        n += (size_t)w;
    }
    printf("%lld\t%s\torg=%lld\t%s\t%s%s\n", (long long)u->id, u->login,
           (long long)u->org_id, roles,
           u->disabled               ? "disabled"
           : u->must_change_password ? "must-change-password"
                                     : "active",
           u->uln[0] ? "\tlearner" : "");
    return LRS_OK;
}

/* lrs user list [--org ID]: every user, or one organisation's. */
static int user_list(int argc, char **argv)
{
    static const char *const known[] = {"--org", "--db", NULL};
    const char *org_arg = opt(argc, argv, "--org");
    struct lrs_store *s;
    int64_t org = -1;
    int rc = CLI_OK;

    if (!args_ok(argc, argv, known, 0))
        return cli_usage(user_usage, NULL);
    if (org_arg && !number(org_arg, 0, INT64_MAX, &org)) {
        cli_error("--org must be an organisation's id (a number)");
        return CLI_USAGE;
    }
    s = open_db(argc, argv);
    if (!s)
        return CLI_FAIL;
    if (lrs_store_user_scan(s, org, print_user, NULL) != LRS_OK) {
        cli_error("%s", lrs_store_errmsg(s));
        rc = CLI_FAIL;
    }
    lrs_store_free(s);
    return rc;
}

int cmd_user(int argc, char **argv)
{
    if (lrs_auth_init() != LRS_OK) {
        cli_error("cannot initialise libsodium");
        return CLI_FAIL;
    }
    if (argc < 2 || cli_is_help(argv[1]))
        return cli_usage(user_usage,
                         "Add or list users, reset a password (printed "
                         "once), disable a user.\nRoles: school, "
                         "admin, ao, operator, learner.\n");
    if (strcmp(argv[1], "add") == 0)
        return user_add(argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return user_list(argc - 1, argv + 1);
    if (strcmp(argv[1], "reset-password") == 0)
        return user_change(argc - 1, argv + 1, true);
    if (strcmp(argv[1], "disable") == 0)
        return user_change(argc - 1, argv + 1, false);
    if (strcmp(argv[1], "invite") == 0)
        return cmd_user_invite(argc - 1, argv + 1);
    cli_error("unknown 'lrs user' command '%s'", argv[1]);
    return cli_usage(user_usage, NULL);
}

/* ------------------------------------------------------------------ */
/* lrs token                                                          */
/* ------------------------------------------------------------------ */

static const char token_usage[] =
    "lrs token add --user LOGIN --label LABEL [--db PATH]";

int cmd_token(int argc, char **argv)
{
    static const char *const known[] = {"--user", "--label", "--db", NULL};
    char text[LRS_AUTH_TOKEN_SIZE];
    struct lrs_diag d = LRS_DIAG_INIT;
    const char *login, *label;
    struct lrs_store *s;
    struct lrs_token t;
    struct lrs_user u;
    int rc = CLI_OK;

    if (lrs_auth_init() != LRS_OK) {
        cli_error("cannot initialise libsodium");
        return CLI_FAIL;
    }
    if (argc < 2 || cli_is_help(argv[1]))
        return cli_usage(token_usage, "Make an API token for a user; it is "
                                      "printed once.\n");
    if (strcmp(argv[1], "add") != 0 || !args_ok(argc - 1, argv + 1, known, 0))
        return cli_usage(token_usage, NULL);
    login = opt(argc, argv, "--user");
    label = opt(argc, argv, "--label");
    if (!login || !label)
        return cli_usage(token_usage, NULL);
    s = open_db(argc - 1, argv + 1);
    if (!s)
        return CLI_FAIL;
    if (lrs_store_user_get_by_login(s, login, &u) != LRS_OK) {
        cli_error("no user has login '%s'", login);
        lrs_store_free(s);
        return CLI_FAIL;
    }
    memset(&t, 0, sizeof t);
    t.user_id = u.id;
    snprintf(t.label, sizeof t.label, "%s", label);
    lrs_auth_token_new(text, t.hash);
    /* Through the service: audited token_add, subject the user. */
    if (lrs_service_token_add(s, NULL, &t, &d) != LRS_OK) {
        cli_error("cannot add a token: %s",
                  d.msg[0] ? d.msg : lrs_store_errmsg(s));
        rc = CLI_FAIL;
    } else {
        printf("token %lld for '%s': %s\n", (long long)t.id, login, text);
    }
    lrs_store_free(s);
    return rc;
}
