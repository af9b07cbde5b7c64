/*
 * store/model.c - the engine-neutral half of the stored match model
 * (lrs_store_model_save, lrs_store_model_latest in lrs/store.h).
 *
 * The store keeps the text of the model file, not the numbers: the match
 * library owns the format (lrs_match_model_read/write, docs/matching.md
 * "Model file") and the store stays ignorant of it. What must hold on
 * every engine is checked here: the text is printable ASCII with tabs
 * and line feeds (what lrs_match_model_write() produces; it keeps both
 * engines' text columns byte-identical), 1 .. LRS_STORE_MODEL_MAX bytes.
 */
#include "base/base.h"

#include "store/store_int.h"

#define OPS(s) lrs__store_ops(s)
#define ENG(s) lrs__store_engine(s)

/* Copy at most sizeof note - 1 bytes of `src`, never cutting a UTF-8
 * character in two. */
static void copy_note(char dst[256], const char *src)
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

static bool model_text_ok(struct lrs_str text)
{
    if (text.len == 0 || text.len > LRS_STORE_MODEL_MAX)
        return false;
    for (size_t i = 0; i < text.len; i++) {
        const unsigned char c = (unsigned char)text.ptr[i];

        if (!(c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)))
            return false;
    }
    return true;
}

enum lrs_err lrs_store_model_save(struct lrs_store *s,
                                  const struct lrs_actor *actor,
                                  struct lrs_store_model *m,
                                  struct lrs_str text)
{
    struct lrs_store_model row;
    struct lrs_buf copy = LRS_BUF_INIT;
    bool own;
    enum lrs_err err;

    if (!model_text_ok(text))
        return lrs__store_failedf(
            s, LRS_EINVAL,
            "model must be 1 to %d bytes of printable ASCII, tabs and line "
            "feeds",
            LRS_STORE_MODEL_MAX);
    /* The engines take a NUL-terminated text. */
    err = lrs_buf_add(&copy, text.ptr, text.len);
    if (err)
        return lrs__store_failedf(s, err, "cannot save the match model: %s",
                                  lrs_strerror(err));
    row = *m;
    copy_note(row.note, m->note);
    row.id = 0;
    row.trained_ms = lrs__store_now_ms();
    row.user_id = actor ? actor->user_id : 0;
    row.org_id = actor ? actor->org_id : 0;
    if (row.learners < 0)
        row.learners = 0;
    err = lrs__store_txn_enter(s, &own);
    if (!err) {
        err = OPS(s)->model_insert(ENG(s), &row, lrs_buf_str(&copy));
        if (err)
            lrs__store_failed(s, err, "save the match model");
        err = lrs__store_txn_leave(s, own, err);
    }
    lrs_buf_release(&copy);
    if (!err)
        *m = row;
    return err;
}

enum lrs_err lrs_store_model_latest(struct lrs_store *s,
                                    struct lrs_store_model *out,
                                    struct lrs_buf *text)
{
    enum lrs_err err;

    memset(out, 0, sizeof *out);
    lrs_buf_reset(text);
    err = OPS(s)->model_latest(ENG(s), out, text);
    if (err && err != LRS_ENOTFOUND)
        return lrs__store_failed(s, err, "read the match model");
    return err;
}
