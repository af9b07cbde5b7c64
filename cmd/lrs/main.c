/*
 * main.c - the `lrs` program: global options and the command table.
 *
 * `lrs COMMAND [ARGS]` runs one command; `lrs --help` lists them and
 * `lrs COMMAND --help` explains one (git's conventions).
 */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct cli_command commands[] = {
    {"version", NULL, "print the version"},
    {"uln", cmd_uln, "check Unique Learner Numbers"},
    {"upn", cmd_upn, "check Unique Pupil Numbers"},
    {"postcode", cmd_postcode, "check and normalise postcodes"},
    {"ctf", cmd_ctf, "show or validate a Common Transfer File"},
    {"school", cmd_school, "the school side: ULN-request CTF, import, census"},
    {"synth", cmd_synth, "write a synthetic register, queries and truth"},
    {"eval", cmd_eval, "score match results against a truth file"},
    {"init", cmd_init, "create the register or upgrade its schema"},
    {"import", cmd_import, "import learners from CSV"},
    {"export", cmd_export, "export learners as CSV"},
    {"show", cmd_show, "show one learner by ULN"},
    {"stats", cmd_stats, "count the register"},
    {"find", cmd_find, "find a learner by ULN or by demographics"},
    {"train", cmd_train, "estimate the match model from the register"},
    {"register", cmd_register, "register a learner after searching for them"},
    {"amend", cmd_amend, "amend a learner (a deed poll, a new address)"},
    {"merge", cmd_merge, "merge a duplicate record into its master"},
    {"unmerge", cmd_unmerge, "undo a merge"},
    {"not-same", cmd_not_same, "record that two learners are different"},
    {"duplicates", cmd_duplicates, "search for other records of a learner"},
    {"batch", cmd_batch, "return ULNs for the pupils of a CTF (S2S)"},
    {"exceptions", cmd_exceptions, "list or resolve batch exceptions"},
    {"verify", cmd_verify, "verify learners' ULNs and names (WSVRC)"},
    {"results", cmd_results, "upload results into the PLR"},
    {"plr", cmd_plr, "show a Personal Learning Record"},
    {"entries", cmd_entries, "submit and send exam entries"},
    {"share", cmd_share, "create or revoke a share of a PLR"},
    {"serve", cmd_serve, "run the HTTP service (lrsd; see lrsd --help)"},
    {"org", cmd_org, "add or list organisations"},
    {"user", cmd_user, "add users, reset passwords, disable users"},
    {"token", cmd_token, "make an API token for a user"},
};

int cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int cli_usage(const char *usage, const char *help)
{
    fprintf(stderr, "usage: %s\n", usage);
    if (help)
        fprintf(stderr, "\n%s", help);
    return CLI_USAGE;
}

void cli_error(const char *fmt, ...)
{
    va_list ap;

    fputs("lrs: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void print_help(FILE *f)
{
    fprintf(f, "usage: lrs [--version] [--help] <command> [<args>]\n\n"
               "openlrs, an open Learning Records Service.\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "   %-12s %s\n", commands[i].name, commands[i].brief);
    fprintf(f, "\n'lrs <command> --help' explains one command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return CLI_USAGE;
    }
    /* `lrs --db PATH COMMAND ...` is `LRS_DB=PATH lrs COMMAND ...`. */
    if (strcmp(argv[1], "--db") == 0 && argc > 2) {
        setenv("LRS_DB", argv[2], 1);
        argc -= 2;
        argv += 2;
        if (argc < 2) {
            print_help(stderr);
            return CLI_USAGE;
        }
    }
    if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
        if (argc > 2 && strcmp(argv[1], "help") == 0) {
            char *sub[] = {argv[2], (char *)"--help", NULL};

            for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
                if (commands[i].fn && strcmp(commands[i].name, argv[2]) == 0)
                    return commands[i].fn(2, sub);
        }
        print_help(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("lrs version %s\n", lrs_version());
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (commands[i].fn && strcmp(commands[i].name, argv[1]) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    cli_error("'%s' is not an lrs command; see 'lrs --help'", argv[1]);
    return CLI_USAGE;
}
