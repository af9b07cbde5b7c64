/*
 * cmd_synth.c - `lrs synth`: write a synthetic register, queries and
 * their truth (formats in docs/synth.md).
 */
#include "cli.h"

#include <string.h>

static const char synth_usage[] =
    "lrs synth --learners N --queries M --seed S [--duplicates D] --out "
    "DIR";

static const char synth_help[] =
    "Write DIR/learners.csv (a register of N learners aged 13 to 19 "
    "on\n" LRS_SYNTH_REF_DATE
    "), DIR/queries.csv (M searches: corrupted copies\n"
    "of register learners, new people, unregistered twins and siblings)\n"
    "and DIR/truth.csv (the ULN each query must find, and its kinds).\n"
    "The same seed gives byte-identical files. DIR is created if needed.\n"
    "\n"
    "    --learners N   register size (default 1000)\n"
    "    --queries M    number of queries (default 100)\n"
    "    --seed S       random seed, a number (default 1)\n"
    "    --duplicates D second records of the same person in the register,\n"
    "                   per 10,000 learners, 0 to 1000 (default 0): for\n"
    "                   'lrs train', whose EM needs duplicates for m\n"
    "    --out DIR      output directory (required)\n";

/*
 * The value of option `name` at argv[*i]: "--name VALUE" or
 * "--name=VALUE". Returns NULL when argv[*i] is not that option; sets
 * *missing when it is but has no value.
 */
static const char *option(int argc, char **argv, int *i, const char *name,
                          bool *missing)
{
    const size_t n = strlen(name);
    const char *a = argv[*i];

    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

static bool number(const char *s, const char *name, uint64_t max, uint64_t *out)
{
    if (lrs_parse_u64(lrs_str_c(s), 0, max, out) != LRS_OK) {
        cli_error("%s must be a number from 0 to %llu, got '%s'", name,
                  (unsigned long long)max, s);
        return false;
    }
    return true;
}

int cmd_synth(int argc, char **argv)
{
    struct lrs_synth_opts opts = {1000, 100, 1, 0};
    struct lrs_synth_stats st;
    struct lrs_diag diag = LRS_DIAG_INIT;
    const char *out = NULL, *v;
    bool missing = false;
    enum lrs_err err;

    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            printf("usage: %s\n\n%s", synth_usage, synth_help);
            return CLI_OK;
        }
        if ((v = option(argc, argv, &i, "--learners", &missing))) {
            if (!number(v, "--learners", LRS_SYNTH_MAX_LEARNERS,
                        &opts.learner_count))
                return CLI_USAGE;
        } else if ((v = option(argc, argv, &i, "--queries", &missing))) {
            if (!number(v, "--queries", LRS_SYNTH_MAX_QUERIES,
                        &opts.query_count))
                return CLI_USAGE;
        } else if ((v = option(argc, argv, &i, "--seed", &missing))) {
            if (!number(v, "--seed", UINT64_MAX, &opts.seed))
                return CLI_USAGE;
        } else if ((v = option(argc, argv, &i, "--duplicates", &missing))) {
            uint64_t d;

            if (!number(v, "--duplicates", 1000, &d))
                return CLI_USAGE;
            opts.duplicates_per_10k = (uint32_t)d;
        } else if ((v = option(argc, argv, &i, "--out", &missing))) {
            out = v;
        } else if (missing) {
            cli_error("option '%s' needs a value", argv[i]);
            return cli_usage(synth_usage, NULL);
        } else {
            cli_error("unknown option '%s'", argv[i]);
            return cli_usage(synth_usage, NULL);
        }
    }
    if (!out) {
        cli_error("--out DIR is required");
        return cli_usage(synth_usage, NULL);
    }
    err = lrs_synth_write(&opts, out, &st, &diag);
    if (err) {
        cli_error("cannot generate: %s",
                  diag.msg[0] ? diag.msg : lrs_strerror(err));
        return err == LRS_EINVAL ? CLI_USAGE : CLI_FAIL;
    }
    printf("learners %llu in %llu families (%llu with a sibling, %llu "
           "twins)\n",
           (unsigned long long)st.learners, (unsigned long long)st.families,
           (unsigned long long)st.with_sibling, (unsigned long long)st.twins);
    if (st.duplicates)
        printf("duplicates %llu (second records of a learner)\n",
               (unsigned long long)st.duplicates);
    printf("queries %llu (%llu with a register match)\n",
           (unsigned long long)st.queries, (unsigned long long)st.matchable);
    for (int k = 0; k < LRS_SYNTH_KIND__COUNT; k++)
        if (st.kind_count[k])
            printf("  %-14s %llu\n",
                   lrs_synth_kind_name((enum lrs_synth_kind)k),
                   (unsigned long long)st.kind_count[k]);
    return CLI_OK;
}
