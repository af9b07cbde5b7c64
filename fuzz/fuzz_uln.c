/*
 * fuzz_uln.c - ULN checking and issuing.
 *
 * Invariants: a ULN that checks is ten digits, not starting with 0, whose
 * last digit is lrs_uln_check_digit() of the first nine; a rejection names
 * the field "uln" and a rule. Inputs of 40 bytes or more also drive the
 * issuer (a 32-byte key and a counter): what it issues must check.
 */
#include <lrs/ids.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_issue(const uint8_t *data)
{
    struct lrs_uln_key key;
    uint64_t counter = 0, before;
    char out[LRS_ULN_LEN + 1];

    memcpy(key.bytes, data, sizeof key.bytes);
    for (int i = 0; i < 8; i++)
        counter = counter << 8 | data[32 + i];
    counter %= (uint64_t)LRS_ULN_COUNTER_LIMIT + 16;
    before = counter;
    if (lrs_uln_issue(&key, &counter, out) != LRS_OK) {
        if (counter != before || out[0] != '\0')
            abort();
        return;
    }
    if (counter <= before || lrs_uln_check(lrs_str_c(out), NULL) != LRS_OK)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct lrs_str s = {(const char *)data, size};
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_uln_check(s, &d) == LRS_OK) {
        if (size != LRS_ULN_LEN || s.ptr[0] < '1' || s.ptr[0] > '9' ||
            lrs_uln_check_digit(s.ptr) != s.ptr[9] - '0')
            abort();
    } else if (!d.field || strcmp(d.field, "uln") != 0 || d.msg[0] == '\0') {
        abort();
    }
    if (size >= 9) {
        const int c = lrs_uln_check_digit(s.ptr);

        if (c < -1 || c > 9)
            abort();
    }
    if (size >= 40)
        check_issue(data);
    return 0;
}
