/*
 * ctftest.h - helpers of the lib/ctf tests: where the sample files are,
 * reading a file whole, temporary directories, and building CTF text.
 *
 * LRS_CTF_DATA (set by tests/ctf/meson.build) names tests/data/ctf.
 */
#ifndef LRS_CTFTEST_H
#define LRS_CTFTEST_H

#include "testutil.h"

#include <lrs/ctf.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The path of a file under tests/data/ctf, in static storage. */
static inline const char *data_path(const char *name)
{
    static char path[4096];
    const char *dir = getenv("LRS_CTF_DATA");

    assert_non_null(dir);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

/* The whole file at `path`, NUL-terminated; free() it. */
static inline char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    data = malloc((size_t)n + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
    data[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return data;
}

/* A new empty directory under $TMPDIR or /tmp; remove with rm_dir(). */
static inline char *temp_dir(void)
{
    const char *base = getenv("TMPDIR");
    char *dir = malloc(4096);

    assert_non_null(dir);
    snprintf(dir, 4096, "%s/lrs-ctf-XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(dir));
    return dir;
}

/* Number of entries in `dir` (not counting . and ..). */
static inline int dir_count(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* Remove `dir` and the files in it (one level), and free the name. */
static inline void rm_dir(char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
    free(dir);
}

#endif /* LRS_CTFTEST_H */
