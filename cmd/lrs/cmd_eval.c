/*
 * cmd_eval.c - `lrs eval`: score a matcher's results against a truth file
 * (formats and outcome rules in docs/synth.md).
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char eval_usage[] =
    "lrs eval --truth TRUTH --results RESULTS [--json]\n"
    "                [--max-false-link R] [--max-missed R] [--max-review R]";

static const char eval_help[] =
    "Count true, false and missed links and reviews of RESULTS (id,code,\n"
    "uln,candidates,score) against TRUTH (id,uln,kind), overall and per\n"
    "corruption kind, and print the rates, precision, recall and F1.\n"
    "\n"
    "    --truth FILE          the truth file from 'lrs synth'\n"
    "    --results FILE        one result per query\n"
    "    --json                print JSON instead of a table\n"
    "    --max-false-link R    fail if the false-link rate exceeds R\n"
    "    --max-missed R        fail if the missed-link rate exceeds R\n"
    "    --max-review R        fail if the review rate exceeds R\n"
    "\n"
    "R is a fraction (0.001) or a percentage (0.1%). Exit status: 0, or 1\n"
    "when a file is malformed or a bound is exceeded.\n";

/* A bound on a rate; `set` is false when the option was not given. */
struct bound {
    const char *option;
    const char *what;
    bool set;
    double max;
};

static bool parse_rate(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);

    if (end == s)
        return false;
    if (*end == '%') {
        v /= 100;
        end++;
    }
    if (*end != '\0' || !(v >= 0 && v <= 1))
        return false;
    *out = v;
    return true;
}

static void print_rate(double v)
{
    if (isnan(v))
        printf("%7s", "-");
    else
        printf("%6.2f%%", 100 * v);
}

static void print_ratio(double v)
{
    if (isnan(v))
        printf("%7s", "-");
    else
        printf("%7.4f", v);
}

static void print_table(const struct lrs_eval *ev)
{
    const struct lrs_eval_counts *c = &ev->overall;
    struct lrs_eval_rates r;

    lrs_eval_rates_of(c, &r);
    printf("queries              %8llu  (%llu with a true match)\n",
           (unsigned long long)c->queries, (unsigned long long)c->matchable);
    printf("true links           %8llu\n", (unsigned long long)c->true_links);
    printf("false links          %8llu ", (unsigned long long)c->false_links);
    print_rate(r.false_link);
    printf(" of queries (%llu to a wrong learner)\n",
           (unsigned long long)c->wrong_links);
    printf("missed links         %8llu ", (unsigned long long)c->missed_links);
    print_rate(r.missed_link);
    printf(" of queries with a true match\n");
    printf("reviews              %8llu ", (unsigned long long)c->reviews);
    print_rate(r.review);
    printf(" of queries (%llu holding the true ULN)\n",
           (unsigned long long)c->review_hits);
    printf("precision             ");
    print_ratio(r.precision);
    printf("\nrecall                ");
    print_ratio(r.recall);
    printf("\nF1                    ");
    print_ratio(r.f1);
    printf("\nrecall incl. review   ");
    print_ratio(r.recall_review);
    printf("\n\n%-15s %7s %7s %7s %7s %7s %7s %7s %7s\n", "kind", "queries",
           "false", "missed", "review", "prec", "recall", "F1", "rec+rev");
    for (size_t i = 0; i < ev->kind_count; i++) {
        const struct lrs_eval_kind *k = &ev->kinds[i];

        lrs_eval_rates_of(&k->counts, &r);
        printf("%-15s %7llu ", k->name, (unsigned long long)k->counts.queries);
        print_rate(r.false_link);
        putchar(' ');
        print_rate(r.missed_link);
        putchar(' ');
        print_rate(r.review);
        putchar(' ');
        print_ratio(r.precision);
        putchar(' ');
        print_ratio(r.recall);
        putchar(' ');
        print_ratio(r.f1);
        putchar(' ');
        print_ratio(r.recall_review);
        putchar('\n');
    }
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        const unsigned char ch = (unsigned char)*s;

        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch < 0x20)
            printf("\\u%04x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}

static void json_number(const char *name, double v)
{
    printf(", \"%s\": ", name);
    if (isnan(v))
        printf("null");
    else
        printf("%.6f", v);
}

static void json_counts(const struct lrs_eval_counts *c)
{
    struct lrs_eval_rates r;

    lrs_eval_rates_of(c, &r);
    printf("\"queries\": %llu, \"matchable\": %llu, \"true_links\": %llu, "
           "\"false_links\": %llu, \"wrong_links\": %llu, "
           "\"missed_links\": %llu, \"reviews\": %llu, "
           "\"review_hits\": %llu, \"true_new\": %llu",
           (unsigned long long)c->queries, (unsigned long long)c->matchable,
           (unsigned long long)c->true_links,
           (unsigned long long)c->false_links,
           (unsigned long long)c->wrong_links,
           (unsigned long long)c->missed_links, (unsigned long long)c->reviews,
           (unsigned long long)c->review_hits, (unsigned long long)c->true_new);
    json_number("false_link_rate", r.false_link);
    json_number("missed_link_rate", r.missed_link);
    json_number("review_rate", r.review);
    json_number("precision", r.precision);
    json_number("recall", r.recall);
    json_number("f1", r.f1);
    json_number("recall_incl_review", r.recall_review);
}

static void print_json(const struct lrs_eval *ev)
{
    printf("{\n  \"overall\": {");
    json_counts(&ev->overall);
    printf("},\n  \"kinds\": [");
    for (size_t i = 0; i < ev->kind_count; i++) {
        printf("%s\n    {\"kind\": ", i ? "," : "");
        json_string(ev->kinds[i].name);
        printf(", ");
        json_counts(&ev->kinds[i].counts);
        putchar('}');
    }
    printf("%s]\n}\n", ev->kind_count ? "\n  " : "");
}

/* Whether every bound holds; each broken one is reported. */
static bool check_bounds(const struct lrs_eval *ev, const struct bound *b,
                         size_t n)
{
    struct lrs_eval_rates r;
    bool ok = true;

    lrs_eval_rates_of(&ev->overall, &r);
    for (size_t i = 0; i < n; i++) {
        const double v = i == 0   ? r.false_link
                         : i == 1 ? r.missed_link
                                  : r.review;

        if (b[i].set && !isnan(v) && v > b[i].max) {
            cli_error("%s %.2f%% exceeds %s %.2f%%", b[i].what, 100 * v,
                      b[i].option, 100 * b[i].max);
            ok = false;
        }
    }
    return ok;
}

static int bad_option(const char *what, const char *arg)
{
    cli_error("%s '%s'", what, arg);
    return cli_usage(eval_usage, NULL);
}

int cmd_eval(int argc, char **argv)
{
    struct bound bounds[] = {
        {"--max-false-link", "false-link rate", false, 0},
        {"--max-missed", "missed-link rate", false, 0},
        {"--max-review", "review rate", false, 0},
    };
    struct lrs_eval ev = LRS_EVAL_INIT;
    struct lrs_diag diag = LRS_DIAG_INIT;
    const char *truth = NULL, *results = NULL;
    bool json = false, ok;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        size_t b = 0;

        if (cli_is_help(a)) {
            printf("usage: %s\n\n%s", eval_usage, eval_help);
            return CLI_OK;
        }
        if (strcmp(a, "--json") == 0) {
            json = true;
            continue;
        }
        if (i + 1 >= argc)
            return bad_option("unknown option or missing value", a);
        if (strcmp(a, "--truth") == 0) {
            truth = argv[++i];
            continue;
        }
        if (strcmp(a, "--results") == 0) {
            results = argv[++i];
            continue;
        }
        while (b < sizeof bounds / sizeof bounds[0] &&
               strcmp(a, bounds[b].option) != 0)
            b++;
        if (b == sizeof bounds / sizeof bounds[0])
            return bad_option("unknown option", a);
        if (!parse_rate(argv[++i], &bounds[b].max))
            return bad_option("a rate is a number from 0 to 1 or a "
                              "percentage, got",
                              argv[i]);
        bounds[b].set = true;
    }
    if (!truth || !results) {
        cli_error("--truth and --results are required");
        return cli_usage(eval_usage, NULL);
    }
    if (lrs_eval_files(&ev, truth, results, &diag) != LRS_OK) {
        cli_error("%s", diag.msg);
        return CLI_FAIL;
    }
    if (json)
        print_json(&ev);
    else
        print_table(&ev);
    ok = check_bounds(&ev, bounds, sizeof bounds / sizeof bounds[0]);
    lrs_eval_release(&ev);
    return ok ? CLI_OK : CLI_FAIL;
}
