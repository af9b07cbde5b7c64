/*
 * bench_synth.c - generation rate of `lrs synth` (learners written per
 * second, queries included) and evaluation rate of `lrs eval`.
 *
 * usage: bench_synth [LEARNERS [QUERIES]] (default 1,000,000 and 100,000)
 * Files go to a temporary directory under /tmp, removed afterwards.
 */
#include "bench.h"

#include <lrs/synth.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *const files[] = {"learners.csv", "queries.csv", "truth.csv",
                                    "results.csv"};

/* A results file in which every query gets its truth answer. */
static int write_perfect(const char *dir)
{
    char in[512], out[512], line[256];
    FILE *t, *r;
    int ok;

    snprintf(in, sizeof in, "%s/truth.csv", dir);
    snprintf(out, sizeof out, "%s/results.csv", dir);
    t = fopen(in, "r");
    r = fopen(out, "w");
    if (!t || !r)
        return -1;
    fputs("id,code,uln,candidates,score\n", r);
    ok = fgets(line, sizeof line, t) != NULL;
    while (ok && fgets(line, sizeof line, t)) {
        char id[64], uln[16];

        if (sscanf(line, "%63[^,],%15[0-9]", id, uln) == 2)
            fprintf(r, "%s,WSRC0004,%s,,\n", id, uln);
        else if (sscanf(line, "%63[^,]", id) == 1)
            fprintf(r, "%s,WSRC0001,,,\n", id);
    }
    fclose(t);
    return fclose(r);
}

int main(int argc, char **argv)
{
    struct lrs_synth_opts o = {1000000, 100000, 1, 0};
    struct lrs_synth_stats st;
    struct lrs_eval ev = LRS_EVAL_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    char dir[] = "/tmp/lrs-bench-synth-XXXXXX", t[512], r[512];
    uint64_t t0;

    if (argc > 1)
        o.learner_count = strtoull(argv[1], NULL, 10);
    if (argc > 2)
        o.query_count = strtoull(argv[2], NULL, 10);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    t0 = bench_now_ns();
    if (lrs_synth_write(&o, dir, &st, &d) != LRS_OK) {
        fprintf(stderr, "bench_synth: %s\n", d.msg);
        return 1;
    }
    bench_report("synth learners (with queries)", st.learners,
                 bench_now_ns() - t0);
    if (write_perfect(dir) != 0) {
        fprintf(stderr, "bench_synth: cannot write results\n");
        return 1;
    }
    snprintf(t, sizeof t, "%s/truth.csv", dir);
    snprintf(r, sizeof r, "%s/results.csv", dir);
    t0 = bench_now_ns();
    if (lrs_eval_files(&ev, t, r, &d) != LRS_OK) {
        fprintf(stderr, "bench_synth: %s\n", d.msg);
        return 1;
    }
    bench_report("eval queries", ev.overall.queries, bench_now_ns() - t0);
    bench_sink(ev.overall.true_links);
    lrs_eval_release(&ev);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(t, sizeof t, "%s/%s", dir, files[i]);
        unlink(t);
    }
    rmdir(dir);
    return 0;
}
