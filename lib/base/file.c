/*
 * file.c - output files that appear whole or not at all.
 *
 * The classic recipe: write a temporary file in the same directory (so the
 * rename cannot cross file systems), fsync it, rename it over the target
 * (atomic on POSIX), then fsync the directory so the rename itself
 * survives a power cut. A target that exists and is not a regular file is
 * written in place instead: rename(2) over /dev/null replaces the device
 * with a regular file, which breaks the whole machine for root.
 *
 * And the two ways programs read an input file: whole into a buffer
 * (lrs_file_read), or in chunks from a descriptor (lrs_fd_read, the shape
 * of lib/csv's and the importers' read callbacks).
 */
#include "base.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static enum lrs_err io_fail(struct lrs_diag *diag, const char *what,
                            const char *path, int e)
{
    lrs_diag_set(diag, "file", "cannot %s '%s': %s", what, path, strerror(e));
    return LRS_ERR(LRS_EIO);
}

/* Directory syncs only strengthen durability; a failure is not an error
 * (some file systems refuse fsync on directories). Allocation-free, so
 * that a commit fails only for the file's own sake. */
static void sync_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];
    int fd;

    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if ((size_t)(slash - path) < sizeof dir)
        snprintf(dir, sizeof dir, "%.*s",
                 slash == path ? 1 : (int)(slash - path), path);
    else
        return;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        (void)close(fd);
    }
}

enum lrs_err lrs_file_out_open(struct lrs_file_out *o, const char *path,
                               struct lrs_diag *diag)
{
    struct lrs_buf tmp = LRS_BUF_INIT;
    struct stat st;

    o->fd = -1;
    o->tmp = NULL;
    o->path = lrs_strndup(path, strlen(path));
    if (!o->path)
        return LRS_ERR(LRS_ENOMEM);
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            lrs_diag_set(diag, "file", "cannot write '%s': is a directory",
                         path);
            lrs_file_out_release(o);
            return LRS_ERR(LRS_EINVAL);
        }
        o->fd = open(path, O_WRONLY | O_CLOEXEC);
        if (o->fd < 0) {
            const int e = errno;

            lrs_file_out_release(o);
            return io_fail(diag, "open", path, e);
        }
        return LRS_OK;
    }
    if (lrs_buf_addf(&tmp, "%s.tmp.XXXXXX", path)) {
        lrs_file_out_release(o);
        return LRS_ERR(LRS_ENOMEM);
    }
    o->fd = mkstemp(tmp.data);
    if (o->fd < 0) {
        const int e = errno;

        lrs_buf_release(&tmp);
        lrs_file_out_release(o);
        lrs_diag_set(diag, "file", "cannot create a file beside '%s': %s", path,
                     strerror(e));
        return LRS_ERR(LRS_EIO);
    }
    o->tmp = lrs_buf_take(&tmp, NULL);
    if (!o->tmp) {
        lrs_buf_release(&tmp);
        lrs_file_out_release(o);
        return LRS_ERR(LRS_ENOMEM);
    }
    return LRS_OK;
}

enum lrs_err lrs_file_out_write(struct lrs_file_out *o, const void *ptr,
                                size_t len, struct lrs_diag *diag)
{
    const char *p = ptr;

    while (len > 0) {
        const ssize_t n = write(o->fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return io_fail(diag, "write", o->path, n < 0 ? errno : EIO);
        p += n;
        len -= (size_t)n;
    }
    return LRS_OK;
}

enum lrs_err lrs_file_out_commit(struct lrs_file_out *o, struct lrs_diag *diag)
{
    enum lrs_err err = LRS_OK;

    if (o->tmp && fsync(o->fd) != 0)
        err = io_fail(diag, "write", o->path, errno);
    if (close(o->fd) != 0 && !err)
        err = io_fail(diag, "write", o->path, errno);
    o->fd = -1;
    if (!err && o->tmp) {
        if (rename(o->tmp, o->path) != 0) {
            err = io_fail(diag, "replace", o->path, errno);
        } else {
            lrs_free(o->tmp);
            o->tmp = NULL;
            sync_dir_of(o->path);
        }
    }
    lrs_file_out_release(o);
    return err;
}

void lrs_file_out_release(struct lrs_file_out *o)
{
    if (o->fd >= 0)
        (void)close(o->fd);
    o->fd = -1;
    if (o->tmp)
        (void)unlink(o->tmp);
    lrs_free(o->tmp);
    lrs_free(o->path);
    o->tmp = NULL;
    o->path = NULL;
}

enum lrs_err lrs_file_write_atomic(const char *path, struct lrs_str data,
                                   struct lrs_diag *diag)
{
    struct lrs_file_out o = LRS_FILE_OUT_INIT;
    enum lrs_err err = lrs_file_out_open(&o, path, diag);

    if (err)
        return err;
    err = lrs_file_out_write(&o, data.ptr, data.len, diag);
    if (err) {
        lrs_file_out_release(&o);
        return err;
    }
    return lrs_file_out_commit(&o, diag);
}

/* ------------------------------------------------------------------ */
/* Reading                                                            */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_file_read(const char *path, struct lrs_buf *b,
                           struct lrs_diag *diag)
{
    const size_t mark = b->len;
    char chunk[65536];
    enum lrs_err err = LRS_OK;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return io_fail(diag, "open", path, errno);
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err = io_fail(diag, "read", path, errno);
            break;
        }
        if (n == 0)
            break;
        err = lrs_buf_add(b, chunk, (size_t)n);
        if (err) {
            lrs_diag_set(diag, "file", "cannot read '%s': out of memory", path);
            break;
        }
    }
    close(fd);
    if (err)
        lrs_buf_truncate(b, mark);
    return err;
}

enum lrs_err lrs_fd_read(void *ctx, char *buf, size_t cap, size_t *got)
{
    const int fd = *(const int *)ctx;
    ssize_t n;

    do
        n = read(fd, buf, cap);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return LRS_ERR(LRS_EIO);
    *got = (size_t)n;
    return LRS_OK;
}
