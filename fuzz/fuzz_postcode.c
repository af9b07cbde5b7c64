/*
 * fuzz_postcode.c - postcode parsing and normalising.
 *
 * Invariants: a parsed postcode is canonical (upper case, one space after
 * the outward code, at most 9 bytes), its parts are prefixes of its text,
 * and it re-parses to exactly itself; a rejection names "postcode".
 */
#include <lrs/ids.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_parsed(const struct lrs_postcode *pc)
{
    const size_t len = strnlen(pc->text, sizeof pc->text);
    const struct lrs_str area = lrs_postcode_area(pc);
    const struct lrs_str district = lrs_postcode_district(pc);
    const struct lrs_str sector = lrs_postcode_sector(pc);
    struct lrs_postcode again;

    if (len > LRS_POSTCODE_MAX || len < 6 || pc->outward_len >= len ||
        pc->text[pc->outward_len] != ' ')
        abort();
    for (size_t i = 0; i < len; i++) {
        const char c = pc->text[i];

        if (i != pc->outward_len && !(c >= 'A' && c <= 'Z') &&
            !(c >= '0' && c <= '9'))
            abort();
    }
    if (district.ptr != pc->text || district.len != pc->outward_len ||
        area.ptr != pc->text || area.len > 2 || sector.ptr != pc->text ||
        (pc->bfpo ? sector.len != 0 || area.len != 0
                  : sector.len != district.len + 2 || area.len == 0 ||
                        len != district.len + 4))
        abort();
    if (pc->unknown && (pc->bfpo || memcmp(pc->text, "ZZ99 ", 5) != 0))
        abort();
    if (lrs_postcode_parse(lrs_str_c(pc->text), &again, NULL) != LRS_OK ||
        memcmp(&again, pc, sizeof again) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct lrs_str s = {(const char *)data, size};
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_postcode pc;

    if (lrs_postcode_parse(s, &pc, &d) == LRS_OK)
        check_parsed(&pc);
    else if (!d.field || strcmp(d.field, "postcode") != 0 || d.msg[0] == '\0')
        abort();
    return 0;
}
