/*
 * cli.h - shared helpers of the lrs command-line program.
 *
 * Each command lives in its own cmd_<name>.c and exposes one entry point
 * `int cmd_<name>(int argc, char **argv)` where argv[0] is the command's own
 * name. Exit codes follow git-style tools: 0 success, 1 a negative answer or
 * a failure, 2 a usage error.
 */
#ifndef LRS_CLI_H
#define LRS_CLI_H

#include <lrs/lrs.h>

#include <stdio.h>

enum cli_exit {
    CLI_OK = 0,    /* success, or every checked value is valid */
    CLI_FAIL = 1,  /* an invalid value, or an operation failed */
    CLI_USAGE = 2, /* bad arguments: usage printed to stderr */
};

/** One command in the dispatch table. */
struct cli_command {
    const char *name; /* the word after `lrs`, e.g. "uln" */
    int (*fn)(int argc, char **argv);
    const char *brief; /* one line for `lrs --help` */
};

/** Whether `arg` asks for help (-h or --help). */
int cli_is_help(const char *arg);

/** Print "usage: ..." (and `help` if given) to stderr; returns CLI_USAGE. */
int cli_usage(const char *usage, const char *help);

/** Print "lrs: <printf message>" to stderr, git style ("fatal" omitted). */
void cli_error(const char *fmt, ...) LRS_PRINTF(1, 2);

/* The commands; keep in the order of the table in main.c. */
int cmd_uln(int argc, char **argv);
int cmd_upn(int argc, char **argv);
int cmd_postcode(int argc, char **argv);
int cmd_ctf(int argc, char **argv);
int cmd_school(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_find(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_register(int argc, char **argv);
int cmd_amend(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_unmerge(int argc, char **argv);
int cmd_not_same(int argc, char **argv);
int cmd_duplicates(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_exceptions(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_results(int argc, char **argv);
int cmd_plr(int argc, char **argv);
int cmd_entries(int argc, char **argv);
int cmd_share(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_org(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_user_invite(int argc, char **argv); /* cmd_plr.c */
int cmd_token(int argc, char **argv);

#endif /* LRS_CLI_H */
