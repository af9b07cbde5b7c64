/*
 * cmd_ids.c - `lrs uln`, `lrs upn` and `lrs postcode`: check identifiers
 * from the command line.
 *
 * The three commands share one shape, `lrs <kind> check <value>...`, and
 * one runner: a table row per kind holds its usage, help and a function
 * that turns one argument into one line of output, "valid..." or
 * "invalid: <reason>". The exit status is 0 when every value is valid,
 * 1 otherwise, and 2 on a usage error.
 */
#include "cli.h"

#include <stdbool.h>
#include <string.h>

struct id_kind {
    const char *name;  /* the command word, e.g. "uln" */
    const char *usage; /* one line, without "usage: " */
    const char *help;  /* what follows the usage line in --help */
    /* Write the result line for `arg` to `line`; true when it is valid. */
    bool (*check)(const char *arg, char *line, size_t cap);
};

static bool check_uln(const char *arg, char *line, size_t cap)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_uln_check(lrs_str_c(arg), &d) != LRS_OK) {
        snprintf(line, cap, "invalid: %s", d.msg);
        return false;
    }
    snprintf(line, cap, "valid");
    return true;
}

static bool check_upn(const char *arg, char *line, size_t cap)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_upn_kind kind;

    if (lrs_upn_check(lrs_str_c(arg), &kind, &d) != LRS_OK) {
        snprintf(line, cap, "invalid: %s", d.msg);
        return false;
    }
    snprintf(line, cap, "%s",
             kind == LRS_UPN_TEMPORARY ? "valid (temporary)" : "valid");
    return true;
}

static bool check_postcode(const char *arg, char *line, size_t cap)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_postcode pc;

    if (lrs_postcode_parse(lrs_str_c(arg), &pc, &d) != LRS_OK) {
        snprintf(line, cap, "invalid: %s", d.msg);
        return false;
    }
    snprintf(line, cap, "valid: %s%s", pc.text,
             pc.unknown ? " (unknown placeholder)" : "");
    return true;
}

static const struct id_kind uln_kind = {
    "uln",
    "lrs uln check <uln>...",
    "Check Unique Learner Numbers: ten digits, the first not 0, ending in\n"
    "the check digit (weights 10 to 2, sum mod 11, 10 minus the remainder).\n"
    "Prints one line per ULN: 'valid' or 'invalid: <reason>'.\n"
    "\n"
    "Exit status: 0 when every ULN is valid, 1 otherwise, 2 on bad usage.\n",
    check_uln,
};

static const struct id_kind upn_kind = {
    "upn",
    "lrs upn check <upn>...",
    "Check Unique Pupil Numbers: a check letter, a recognised LA number,\n"
    "eight more digits and a digit (permanent) or letter (temporary).\n"
    "Prints one line per UPN: 'valid', 'valid (temporary)' or\n"
    "'invalid: <reason>' in the DfE wording.\n"
    "\n"
    "Exit status: 0 when every UPN is valid, 1 otherwise, 2 on bad usage.\n",
    check_upn,
};

static const struct id_kind postcode_kind = {
    "postcode",
    "lrs postcode check <postcode>...",
    "Check UK postcodes against the LRS pattern (or BFPO n) and print each\n"
    "in canonical form: 'valid: <OUTWARD INWARD>', with ' (unknown\n"
    "placeholder)' after a ZZ99 postcode, or 'invalid: <reason>'. Case and\n"
    "spaces do not matter; quote a postcode that holds a space.\n"
    "\n"
    "Exit status: 0 when every postcode is valid, 1 otherwise, 2 on bad\n"
    "usage.\n",
    check_postcode,
};

static int print_help(const struct id_kind *k)
{
    printf("usage: %s\n\n%s", k->usage, k->help);
    return CLI_OK;
}

static int run(const struct id_kind *k, int argc, char **argv)
{
    int first = 2, rc = CLI_OK;

    if (argc < 2)
        return cli_usage(k->usage, NULL);
    if (cli_is_help(argv[1]))
        return print_help(k);
    if (strcmp(argv[1], "check") != 0) {
        cli_error("'%s' is not an 'lrs %s' command; see 'lrs %s --help'",
                  argv[1], k->name, k->name);
        return cli_usage(k->usage, NULL);
    }
    for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
        if (strcmp(argv[first], "--") == 0) {
            first++;
            break;
        }
        if (cli_is_help(argv[first]))
            return print_help(k);
        cli_error("unknown option '%s'", argv[first]);
        return cli_usage(k->usage, NULL);
    }
    if (first >= argc)
        return cli_usage(k->usage, NULL);
    for (int i = first; i < argc; i++) {
        char line[256];

        if (!k->check(argv[i], line, sizeof line))
            rc = CLI_FAIL;
        puts(line);
    }
    return rc;
}

int cmd_uln(int argc, char **argv)
{
    return run(&uln_kind, argc, argv);
}

int cmd_upn(int argc, char **argv)
{
    return run(&upn_kind, argc, argv);
}

int cmd_postcode(int argc, char **argv)
{
    return run(&postcode_kind, argc, argv);
}
