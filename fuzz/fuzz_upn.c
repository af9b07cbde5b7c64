/*
 * fuzz_upn.c - UPN checking.
 *
 * Invariants: a UPN that checks is 13 characters whose first is
 * lrs_upn_check_letter() of the rest, with a recognised LA number, and its
 * kind follows character 13; a rejection names the field "upn" and starts
 * with the DfE's "UPN ".
 */
#include <lrs/ids.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct lrs_str s = {(const char *)data, size};
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_upn_kind kind = 0;

    if (lrs_upn_check(s, &kind, &d) == LRS_OK) {
        const unsigned la = (unsigned)(s.ptr[1] - '0') * 100 +
                            (unsigned)(s.ptr[2] - '0') * 10 +
                            (unsigned)(s.ptr[3] - '0');
        const bool digit13 = s.ptr[12] >= '0' && s.ptr[12] <= '9';

        if (size != LRS_UPN_LEN ||
            lrs_upn_check_letter(s.ptr + 1) != s.ptr[0] ||
            !lrs_upn_la_recognised(la) ||
            kind != (digit13 ? LRS_UPN_PERMANENT : LRS_UPN_TEMPORARY))
            abort();
    } else if (!d.field || strcmp(d.field, "upn") != 0 ||
               strncmp(d.msg, "UPN ", 4) != 0 || kind != 0) {
        abort();
    }
    if (size >= 12) {
        const char c = lrs_upn_check_letter(s.ptr);

        if (c != '\0' && !strchr("ABCDEFGHJKLMNPQRTUVWXYZ", c))
            abort();
    }
    return 0;
}
