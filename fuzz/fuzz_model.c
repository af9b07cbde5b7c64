/*
 * fuzz_model.c - the model file reader (lib/match/model.c).
 *
 * Invariants: a rejected file names a key or "model"/"version" and a
 * message that starts with "line " (or names a cross-key rule); an
 * accepted model passes lrs_match_model_check(), can make an index, and
 * writes a text that reads back to a model writing the same text.
 */
#include <lrs/match.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct lrs_match_model *m)
{
    struct lrs_buf a = LRS_BUF_INIT, b = LRS_BUF_INIT;
    struct lrs_match_model back;
    struct lrs_match_index *idx;

    if (lrs_match_model_check(m, NULL) != LRS_OK ||
        lrs_match_model_write(m, &a) != LRS_OK ||
        lrs_match_model_read(lrs_buf_str(&a), &back, NULL) != LRS_OK ||
        lrs_match_model_write(&back, &b) != LRS_OK ||
        strcmp(a.data, b.data) != 0)
        abort();
    if (lrs_match_index_new(&back, 0, &idx) != LRS_OK)
        abort();
    lrs_match_index_free(idx);
    lrs_buf_release(&a);
    lrs_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct lrs_str s = {(const char *)data, size};
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_match_model m;

    if (lrs_match_model_read(s, &m, &d) == LRS_OK) {
        round_trip(&m);
        return 0;
    }
    if (!d.field || d.msg[0] == '\0')
        abort();
    if (strncmp(d.msg, "line ", 5) != 0 && strcmp(d.field, "margin") != 0 &&
        strcmp(d.field, "jw_mid") != 0)
        abort();
    return 0;
}
