/*
 * file.c - writing an output file whole or not at all.
 *
 * The bytes go to a temporary file beside the target (mkstemp, so mode
 * 0600: rosters and logs hold personal data), which is fsynced and renamed
 * over the target; then the directory is fsynced so that the rename
 * survives a crash. A reader of the target sees the old file or the whole
 * new one, never a part (the same scheme as the CTF writer, lib/ctf).
 */
#include "base/base.h"

#include "school/school_int.h"

#include <fcntl.h>
#include <unistd.h>

/* fsync the directory holding `path`; failure only weakens durability. */
static void sync_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    int fd;

    if (!slash)
        dir = lrs_strndup(".", 1);
    else
        dir = lrs_strndup(path, slash == path ? 1 : (size_t)(slash - path));
    if (!dir)
        return;
    fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    lrs_free(dir);
}

static enum lrs_err write_all(int fd, struct lrs_str data)
{
    while (data.len > 0) {
        const ssize_t n = write(fd, data.ptr, data.len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return LRS_ERR(LRS_EIO);
        data.ptr += n;
        data.len -= (size_t)n;
    }
    return LRS_OK;
}

enum lrs_err lrs_school_write_atomic(const char *path, struct lrs_str data,
                                     struct lrs_diag *diag)
{
    struct lrs_buf tmp = LRS_BUF_INIT;
    enum lrs_err err;
    int fd, e = 0;

    err = lrs_buf_addf(&tmp, "%s.tmp.XXXXXX", path);
    if (err) {
        lrs_diag_set(diag, NULL, "out of memory");
        return err;
    }
    fd = mkstemp(tmp.data);
    if (fd < 0) {
        lrs_diag_set(diag, "file", "cannot create a file beside '%s': %s", path,
                     strerror(errno));
        lrs_buf_release(&tmp);
        return LRS_ERR(LRS_EIO);
    }
    err = write_all(fd, data);
    if (!err && fsync(fd) != 0)
        err = LRS_ERR(LRS_EIO);
    if (err)
        e = errno;
    if (close(fd) != 0 && !err) {
        e = errno;
        err = LRS_ERR(LRS_EIO);
    }
    if (!err && rename(tmp.data, path) != 0) {
        e = errno;
        err = LRS_ERR(LRS_EIO);
    }
    if (err) {
        lrs_diag_set(diag, "file", "cannot write '%s': %s", path, strerror(e));
        (void)unlink(tmp.data);
    } else {
        sync_dir_of(path);
    }
    lrs_buf_release(&tmp);
    return err;
}
