/*
 * test_file.c - writing a file whole or not at all (lib/school/file.c).
 */
#include "schooltest.h"

#include <dirent.h>
#include <sys/stat.h>

static size_t entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_file__writes_and_replaces(void **state)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    char dir[64], path[128], *s;
    struct stat st;

    (void)state;
    make_tmpdir(dir);
    snprintf(path, sizeof path, "%s/out.csv", dir);
    assert_int_equal(lrs_school_write_atomic(path, LRS_STR("one\n"), &d),
                     LRS_OK);
    assert_int_equal(lrs_school_write_atomic(path, LRS_STR("two\n"), &d),
                     LRS_OK);
    s = slurp(path);
    assert_string_equal(s, "two\n");
    free(s);
    /* Personal data: readable by the owner only. */
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 077, 0);
    /* No temporary file is left behind. */
    assert_int_equal(entries(dir), 1);
    remove_tmpdir(dir);
}

static void test_file__failure_leaves_nothing(void **state)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    char dir[64], path[128];

    (void)state;
    make_tmpdir(dir);
    snprintf(path, sizeof path, "%s/missing/out.csv", dir);
    assert_int_equal(lrs_school_write_atomic(path, LRS_STR("x"), &d), LRS_EIO);
    assert_non_null(strstr(d.msg, "cannot create a file beside"));
    /* A directory in the way: the rename fails, the temporary goes. */
    snprintf(path, sizeof path, "%s/sub", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/sub/x", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/sub/x/y", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/sub/x", dir);
    assert_int_equal(lrs_school_write_atomic(path, LRS_STR("x"), &d), LRS_EIO);
    snprintf(path, sizeof path, "%s/sub", dir);
    assert_int_equal(entries(path), 1);
    remove_tmpdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file__writes_and_replaces),
        cmocka_unit_test(test_file__failure_leaves_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
