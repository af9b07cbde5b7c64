/*
 * store/roster.c - the engine-neutral half of a school's stored pupil
 * roster (lrs_store_roster_put, lrs_store_roster_get in lrs/store.h).
 *
 * The store keeps the roster's CSV text, not its pupils: lib/school owns
 * the format (docs/school.md) and the store stays ignorant of it. What
 * must hold on every engine is checked here: each text is 1 ..
 * LRS_STORE_ROSTER_MAX bytes without a NUL (both engines keep it in a
 * text column), and an import comes with both the roster it started
 * from and its CTF, an upload with neither.
 */
#include "base/base.h"

#include "store/store_int.h"

#define OPS(s) lrs__store_ops(s)
#define ENG(s) lrs__store_engine(s)

/* Copy at most 255 bytes of `src`, never cutting a UTF-8 character. */
static void copy_name(char dst[256], const char *src)
{
    size_t n = strnlen(src, 256);

    if (n > 255) {
        n = 255;
        while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
            n--;
    }
    if (n)
        memmove(dst, src, n);
    dst[n] = '\0';
}

static bool text_ok(struct lrs_str t)
{
    return t.len > 0 && t.len <= LRS_STORE_ROSTER_MAX &&
           !memchr(t.ptr, '\0', t.len);
}

enum lrs_err lrs_store_roster_put(struct lrs_store *s,
                                  struct lrs_store_roster *r,
                                  struct lrs_str csv, struct lrs_str before,
                                  struct lrs_str ctf)
{
    struct lrs_store_roster row;
    struct lrs_buf t[3] = {LRS_BUF_INIT, LRS_BUF_INIT, LRS_BUF_INIT};
    const struct lrs_str in[3] = {csv, before, ctf};
    const bool import = before.ptr != NULL;
    bool own;
    enum lrs_err err = LRS_OK;

    if (!text_ok(csv) || (before.ptr && !text_ok(before)) ||
        (ctf.ptr && !text_ok(ctf)))
        return lrs__store_failedf(s, LRS_EINVAL,
                                  "roster must be 1 to %u bytes with no NUL",
                                  LRS_STORE_ROSTER_MAX);
    if ((ctf.ptr != NULL) != import ||
        strcmp(r->source, import ? "import" : "upload") != 0)
        return lrs__store_failedf(s, LRS_EINVAL,
                                  "roster source must be upload (alone) or "
                                  "import (with the roster before and the "
                                  "CTF)");
    /* The engines take NUL-terminated texts. */
    for (size_t i = 0; !err && i < 3; i++)
        if (in[i].ptr)
            err = lrs_buf_add(&t[i], in[i].ptr, in[i].len);
    if (err)
        goto out;
    row = *r;
    copy_name(row.file_name, r->file_name);
    row.updated_ms = lrs__store_now_ms();
    row.has_before = import;
    if (row.pupils < 0)
        row.pupils = 0;
    err = lrs__store_txn_enter(s, &own);
    if (!err) {
        const struct lrs_str none = {NULL, 0};

        err = OPS(s)->roster_put(ENG(s), &row, lrs_buf_str(&t[0]),
                                 import ? lrs_buf_str(&t[1]) : none,
                                 import ? lrs_buf_str(&t[2]) : none);
        if (err)
            lrs__store_failed(s, err, "store the roster");
        err = lrs__store_txn_leave(s, own, err);
    }
    if (!err)
        *r = row;
out:
    for (size_t i = 0; i < 3; i++)
        lrs_buf_release(&t[i]);
    if (err == LRS_ENOMEM)
        return lrs__store_failedf(s, err, "cannot store the roster: %s",
                                  lrs_strerror(err));
    return err;
}

enum lrs_err lrs_store_roster_get(struct lrs_store *s, int64_t org_id,
                                  struct lrs_store_roster *out,
                                  struct lrs_buf *csv, struct lrs_buf *before,
                                  struct lrs_buf *ctf)
{
    enum lrs_err err;

    memset(out, 0, sizeof *out);
    lrs_buf_reset(csv);
    if (before)
        lrs_buf_reset(before);
    if (ctf)
        lrs_buf_reset(ctf);
    err = OPS(s)->roster_get(ENG(s), org_id, out, csv, before, ctf);
    if (err && err != LRS_ENOTFOUND)
        return lrs__store_failed(s, err, "read the roster");
    return err;
}
