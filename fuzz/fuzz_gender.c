/*
 * fuzz_gender.c - gender code parsing.
 *
 * Invariants: a parsed gender is one of the four codes and its code string
 * parses back to it; a rejection names the field "gender".
 */
#include <lrs/ids.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct lrs_str s = {(const char *)data, size};
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_gender g, again;

    if (lrs_gender_parse(s, &g, &d) == LRS_OK) {
        const char *code = lrs_gender_code(g);

        if (size != 1 || strlen(code) != 1 || !strchr("0129", code[0]) ||
            lrs_gender_parse(lrs_str_c(code), &again, NULL) != LRS_OK ||
            again != g)
            abort();
    } else if (!d.field || strcmp(d.field, "gender") != 0 || d.msg[0] == '\0') {
        abort();
    }
    return 0;
}
