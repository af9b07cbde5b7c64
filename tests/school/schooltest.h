/*
 * schooltest.h - helpers shared by the lib/school tests: the crafted data
 * of tests/data/school ($LRS_SCHOOL_DATA), a private temporary directory,
 * and whole-file reads.
 */
#ifndef LRS_SCHOOLTEST_H
#define LRS_SCHOOLTEST_H

#include "testutil.h"

#include <lrs/lrs.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The path of a file of tests/data/school, in static storage. */
static inline const char *data_path(const char *name)
{
    static char path[4][512];
    static int next;
    const char *dir = getenv("LRS_SCHOOL_DATA");
    char *p = path[next++ % 4];

    snprintf(p, 512, "%s/%s", dir ? dir : "tests/data/school", name);
    return p;
}

/* A fresh temporary directory for one test; `out` receives its path. */
static inline void make_tmpdir(char out[64])
{
    snprintf(out, 64, "/tmp/lrs-school-test-XXXXXX");
    assert_non_null(mkdtemp(out));
}

/* The whole of `path` in malloc'd memory (NUL-terminated), or NULL. */
static inline char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *s;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* Load a roster of tests/data/school. */
static inline struct lrs_school_roster *load_data(const char *name)
{
    struct lrs_school_roster *r = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_school_roster_load(data_path(name), name, &r, &d) != LRS_OK)
        fail_msg("%s: %s", name, d.msg);
    return r;
}

/* Remove `dir` and what is in it (the tests' own files only). */
static inline void remove_tmpdir(const char *dir)
{
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

#endif /* LRS_SCHOOLTEST_H */
