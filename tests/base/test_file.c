/*
 * test_file.c - output files written whole or not at all, and input files
 * read whole or by descriptor (lib/base/file.c).
 */
#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void make_tmpdir(char dir[64])
{
    snprintf(dir, 64, "/tmp/lrs-test-file.XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static void remove_tmpdir(const char *dir)
{
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

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

static void assert_content(const char *path, const char *want)
{
    char got[64] = {0};
    FILE *f = fopen(path, "rb");

    assert_non_null(f);
    assert_int_equal(fread(got, 1, sizeof got - 1, f), strlen(want));
    fclose(f);
    assert_string_equal(got, want);
}

static void test_file__writes_and_replaces(void **state)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    char dir[64], path[128];
    struct stat st;

    (void)state;
    make_tmpdir(dir);
    snprintf(path, sizeof path, "%s/out.csv", dir);
    assert_int_equal(lrs_file_write_atomic(path, LRS_STR("one\n"), &d), LRS_OK);
    assert_int_equal(lrs_file_write_atomic(path, LRS_STR("two\n"), &d), LRS_OK);
    assert_content(path, "two\n");
    /* Personal data: readable by the owner only. */
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 077, 0);
    /* No temporary file is left behind. */
    assert_int_equal(entries(dir), 1);
    remove_tmpdir(dir);
}

static void test_file__release_before_commit_changes_nothing(void **state)
{
    struct lrs_file_out o = LRS_FILE_OUT_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    char dir[64], path[128];

    (void)state;
    make_tmpdir(dir);
    snprintf(path, sizeof path, "%s/roster.csv", dir);
    assert_int_equal(lrs_file_write_atomic(path, LRS_STR("old\n"), &d), LRS_OK);
    assert_int_equal(lrs_file_out_open(&o, path, &d), LRS_OK);
    assert_non_null(o.tmp);
    assert_int_equal(lrs_file_out_write(&o, "new, half", 9, &d), LRS_OK);
    assert_int_equal(entries(dir), 2);
    lrs_file_out_release(&o);
    lrs_file_out_release(&o); /* twice is harmless */
    assert_content(path, "old\n");
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
    assert_int_equal(lrs_file_write_atomic(path, LRS_STR("x"), &d), LRS_EIO);
    assert_string_equal(d.field, "file");
    assert_non_null(strstr(d.msg, "cannot create a file beside"));
    assert_non_null(strstr(d.msg, path));
    /* A directory as the target is refused, naming it. */
    snprintf(path, sizeof path, "%s/sub", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(lrs_file_write_atomic(path, LRS_STR("x"), &d), LRS_EINVAL);
    assert_non_null(strstr(d.msg, "is a directory"));
    assert_int_equal(entries(dir), 1);
    remove_tmpdir(dir);
}

/* A device is written in place, never replaced: renaming a temporary file
 * over /dev/null would turn it into a regular file for the whole machine. */
static void test_file__device_is_written_not_replaced(void **state)
{
    struct lrs_file_out o = LRS_FILE_OUT_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct stat st;

    (void)state;
    assert_int_equal(lrs_file_out_open(&o, "/dev/null", &d), LRS_OK);
    assert_null(o.tmp);
    assert_int_equal(lrs_file_out_write(&o, "discarded", 9, &d), LRS_OK);
    assert_int_equal(lrs_file_out_commit(&o, &d), LRS_OK);
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    assert_int_equal(lrs_file_write_atomic("/dev/null", LRS_STR("x"), &d),
                     LRS_OK);
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
}

static void test_file__oom_loop(void **state)
{
    char dir[64], path[128];

    (void)state;
    make_tmpdir(dir);
    snprintf(path, sizeof path, "%s/out", dir);
    for (unsigned long n = 1;; n++) {
        struct lrs_diag d = LRS_DIAG_INIT;
        enum lrs_err err;

        test_alloc_fail_at(n);
        err = lrs_file_write_atomic(path, LRS_STR("data"), &d);
        test_alloc_reset();
        assert_int_equal(test_alloc_live(), 0);
        if (!test_alloc_failed()) {
            assert_int_equal(err, LRS_OK);
            break;
        }
        assert_int_equal(err, LRS_ENOMEM);
        assert_int_equal(entries(dir), 0);
    }
    assert_content(path, "data");
    remove_tmpdir(dir);
}

static void test_file__read_whole_appends(void **state)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf b = LRS_BUF_INIT;
    char dir[64], path[128], big[200000];

    (void)state;
    make_tmpdir(dir);
    snprintf(path, sizeof path, "%s/in", dir);
    /* Larger than one read chunk, so the loop is exercised. */
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)('a' + i % 26);
    assert_int_equal(
        lrs_file_write_atomic(path, (struct lrs_str){big, sizeof big}, &d),
        LRS_OK);
    assert_int_equal(lrs_buf_add(&b, "x", 1), LRS_OK);
    assert_int_equal(lrs_file_read(path, &b, &d), LRS_OK);
    assert_int_equal(b.len, 1 + sizeof big);
    assert_memory_equal(b.data + 1, big, sizeof big);
    lrs_buf_release(&b);
    remove_tmpdir(dir);
}

static void test_file__read_missing_names_path_and_keeps_buffer(void **state)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf b = LRS_BUF_INIT;

    (void)state;
    assert_int_equal(lrs_buf_add(&b, "kept", 4), LRS_OK);
    assert_int_equal(lrs_file_read("/nonexistent/lrs-in.csv", &b, &d), LRS_EIO);
    assert_string_equal(d.field, "file");
    assert_string_equal(d.msg, "cannot open '/nonexistent/lrs-in.csv': No "
                               "such file or directory");
    assert_int_equal(b.len, 4);
    /* A directory opens but cannot be read. */
    assert_int_equal(lrs_file_read("/", &b, &d), LRS_EIO);
    assert_non_null(strstr(d.msg, "cannot read '/'"));
    assert_int_equal(b.len, 4);
    lrs_buf_release(&b);
}

static void test_file__read_oom_loop(void **state)
{
    char dir[64], path[128];

    (void)state;
    make_tmpdir(dir);
    snprintf(path, sizeof path, "%s/in", dir);
    assert_int_equal(lrs_file_write_atomic(path, LRS_STR("data"), NULL),
                     LRS_OK);
    for (unsigned long n = 1;; n++) {
        struct lrs_diag d = LRS_DIAG_INIT;
        struct lrs_buf b = LRS_BUF_INIT;
        enum lrs_err err;

        test_alloc_fail_at(n);
        err = lrs_file_read(path, &b, &d);
        test_alloc_reset();
        if (!test_alloc_failed()) {
            assert_int_equal(err, LRS_OK);
            assert_int_equal(b.len, 4);
            lrs_buf_release(&b);
            break;
        }
        assert_int_equal(err, LRS_ENOMEM);
        assert_int_equal(b.len, 0);
        lrs_buf_release(&b);
        assert_int_equal(test_alloc_live(), 0);
    }
    remove_tmpdir(dir);
}

static void test_file__fd_reader_reads_to_the_end(void **state)
{
    char dir[64], path[128], buf[3];
    size_t got, total = 0;
    int fd;

    (void)state;
    make_tmpdir(dir);
    snprintf(path, sizeof path, "%s/in", dir);
    assert_int_equal(lrs_file_write_atomic(path, LRS_STR("abcdefg"), NULL),
                     LRS_OK);
    fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    do {
        assert_int_equal(lrs_fd_read(&fd, buf, sizeof buf, &got), LRS_OK);
        total += got;
    } while (got);
    assert_int_equal(total, 7);
    close(fd);
    fd = -1;
    assert_int_equal(lrs_fd_read(&fd, buf, sizeof buf, &got), LRS_EIO);
    remove_tmpdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file__writes_and_replaces),
        cmocka_unit_test(test_file__release_before_commit_changes_nothing),
        cmocka_unit_test(test_file__failure_leaves_nothing),
        cmocka_unit_test(test_file__device_is_written_not_replaced),
        cmocka_unit_test(test_file__oom_loop),
        cmocka_unit_test(test_file__read_whole_appends),
        cmocka_unit_test(test_file__read_missing_names_path_and_keeps_buffer),
        cmocka_unit_test(test_file__read_oom_loop),
        cmocka_unit_test(test_file__fd_reader_reads_to_the_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
