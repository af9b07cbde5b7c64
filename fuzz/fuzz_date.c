/*
 * fuzz_date.c - date parsing, day numbers and formatting.
 *
 * Invariants: a parsed date is valid, formats to yyyy-mm-dd that parses
 * back to it, and survives a day-number round trip; what parses without
 * LRS_DATE_PARSE_DMY also parses with it, to the same date. Inputs of 8
 * bytes also check from_days/to_days on an arbitrary day number and ages.
 */
#include <lrs/ids.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(struct lrs_date a, struct lrs_date b)
{
    return a.year == b.year && a.month == b.month && a.day == b.day;
}

static void check_parsed(struct lrs_date d)
{
    char text[11];
    struct lrs_date again;

    if (!lrs_date_valid(d.year, d.month, d.day) ||
        !same(lrs_date_from_days(lrs_date_to_days(d)), d))
        abort();
    lrs_date_format(d, text);
    if (strlen(text) != 10 ||
        lrs_date_parse(lrs_str_c(text), 0, "d", &again, NULL) != LRS_OK ||
        !same(again, d) || lrs_date_age_on(d, d) != 0)
        abort();
}

static void check_days(const uint8_t *data)
{
    int32_t a = 0, b = 0;
    struct lrs_date da, db;

    for (int i = 0; i < 4; i++) {
        a = (int32_t)((uint32_t)a << 8 | data[i]);
        b = (int32_t)((uint32_t)b << 8 | data[4 + i]);
    }
    da = lrs_date_from_days(a);
    db = lrs_date_from_days(b);
    if (!lrs_date_valid(da.year, da.month, da.day) ||
        !lrs_date_valid(db.year, db.month, db.day))
        abort();
    /* Ages are monotonic: whoever is born first is at least as old. */
    if (lrs_date_to_days(da) <= lrs_date_to_days(db) &&
        lrs_date_age_on(da, db) < 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct lrs_str s = {(const char *)data, size};
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_date iso, dmy;
    const bool iso_ok = lrs_date_parse(s, 0, "dob", &iso, &d) == LRS_OK;
    const bool dmy_ok =
        lrs_date_parse(s, LRS_DATE_PARSE_DMY, "dob", &dmy, NULL) == LRS_OK;

    if (iso_ok) {
        check_parsed(iso);
        if (!dmy_ok || !same(iso, dmy))
            abort();
    } else if (!d.field || strcmp(d.field, "dob") != 0 || d.msg[0] == '\0') {
        abort();
    }
    if (dmy_ok)
        check_parsed(dmy);
    if (size == 8)
        check_days(data);
    return 0;
}
