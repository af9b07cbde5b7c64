/*
 * bench_pg.c - the match engine beside PostgreSQL (pg_trgm and
 * fuzzystrmatch) on the same searches: runs bench/pg_compare.sh under
 * tests/pg/with-pg.sh with the lrs program of this build.
 *
 * Usage: bench_pg [LEARNERS [QUERIES]] (default 1,000,000 and 1,000).
 * The source tree is $LRS_SOURCE_DIR, else two levels above this program
 * (a build directory inside the tree, as `make bench` has), else the
 * current directory. Without PostgreSQL or the scripts it says so and
 * exits 0: it is a benchmark, not a test.
 */
#include "bench.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether `root` holds both scripts. */
static int has_scripts(const char *root)
{
    char a[PATH_MAX], b[PATH_MAX];

    snprintf(a, sizeof a, "%s/bench/pg_compare.sh", root);
    snprintf(b, sizeof b, "%s/tests/pg/with-pg.sh", root);
    return access(a, R_OK) == 0 && access(b, R_OK) == 0;
}

int main(int argc, char **argv)
{
    const char *env = getenv("LRS_SOURCE_DIR");
    const char *learners = argc > 1 ? argv[1] : "1000000";
    const char *queries = argc > 2 ? argv[2] : "1000";
    char exe[PATH_MAX], build[PATH_MAX], up[PATH_MAX + 8], root[PATH_MAX + 8];
    char lrs[PATH_MAX + 8], cmd[4 * PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;

    if (strspn(learners, "0123456789") != strlen(learners) ||
        strspn(queries, "0123456789") != strlen(queries)) {
        fprintf(stderr, "usage: bench_pg [LEARNERS [QUERIES]]\n");
        return 2;
    }
    if (n <= 0) {
        printf("bench_pg: skipped, cannot find this program's directory\n");
        return 0;
    }
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    *slash = '\0'; /* build/bench */
    snprintf(build, sizeof build, "%s", exe);
    slash = strrchr(build, '/');
    if (slash)
        *slash = '\0'; /* build */
    snprintf(lrs, sizeof lrs, "%s/lrs", build);
    snprintf(up, sizeof up, "%s/..", build);
    if (env && has_scripts(env))
        snprintf(root, sizeof root, "%s", env);
    else if (has_scripts(up))
        snprintf(root, sizeof root, "%s", up);
    else if (has_scripts("."))
        snprintf(root, sizeof root, ".");
    else {
        printf("bench_pg: skipped, bench/pg_compare.sh not found (set "
               "LRS_SOURCE_DIR to the source tree)\n");
        return 0;
    }
    if (access(lrs, X_OK) != 0) {
        printf("bench_pg: skipped, no lrs program at %s\n", lrs);
        return 0;
    }
    snprintf(cmd, sizeof cmd,
             "sh '%s/tests/pg/with-pg.sh' sh '%s/bench/pg_compare.sh' "
             "'%s' %s %s",
             root, root, lrs, learners, queries);
    fflush(stdout);
    if (system(cmd) != 0)
        printf("bench_pg: skipped, PostgreSQL could not be run (see above)\n");
    return 0;
}
