/*
 * date.c - calendar dates: parsing, day numbers and ages.
 *
 * The LRS schema's MIAPDate (../spec/lrs/learner.xsd) is yyyy-mm-dd with
 * years 18xx-20xx and a real Gregorian calendar, leap years included; that
 * is the range of a valid `struct lrs_date`. Day numbers count from
 * 1970-01-01 and come from a closed formula: 365 days a year plus the leap
 * days before the year, plus the days of the months before the month.
 */
#include "base/base.h"

#include <lrs/ids.h>

#define YEAR_MIN 1800
#define YEAR_MAX 2099

static const char *const month_names[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

/* Days before the first of each month in a common year. */
static const int16_t days_before_month[12] = {0,   31,  59,  90,  120, 151,
                                              181, 212, 243, 273, 304, 334};

static bool is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};

    return days[month - 1] + (month == 2 && is_leap(year));
}

/* Leap years in 1..year-1, for year >= 1. */
static int32_t leaps_before(int32_t year)
{
    const int32_t y = year - 1;

    return y / 4 - y / 100 + y / 400;
}

bool lrs_date_valid(int year, int month, int day)
{
    return year >= YEAR_MIN && year <= YEAR_MAX && month >= 1 && month <= 12 &&
           day >= 1 && day <= days_in_month(year, month);
}

int32_t lrs_date_to_days(struct lrs_date d)
{
    LRS_ASSERT(lrs_date_valid(d.year, d.month, d.day));
    return 365 * ((int32_t)d.year - 1970) + leaps_before(d.year) -
           leaps_before(1970) + days_before_month[d.month - 1] +
           (d.month > 2 && is_leap(d.year)) + d.day - 1;
}

static int32_t year_start(int year)
{
    const struct lrs_date d = {(int16_t)year, 1, 1};

    return lrs_date_to_days(d);
}

struct lrs_date lrs_date_from_days(int32_t days)
{
    const int32_t first = year_start(YEAR_MIN);
    const int32_t last = year_start(YEAR_MAX) + 364;
    struct lrs_date d;
    int year, yday, month;

    if (days < first)
        days = first;
    if (days > last)
        days = last;
    /* An estimate at most one year out, then the exact year. */
    year = 1970 + (int)((days - (days < 0 ? 364 : 0)) / 365);
    if (year > YEAR_MAX)
        year = YEAR_MAX;
    while (year > YEAR_MIN && year_start(year) > days)
        year--;
    while (year < YEAR_MAX && year_start(year + 1) <= days)
        year++;
    yday = (int)(days - year_start(year));
    for (month = 1; month < 12; month++) {
        const int start =
            days_before_month[month] + (month >= 2 && is_leap(year));

        if (yday < start)
            break;
    }
    d.year = (int16_t)year;
    d.month = (uint8_t)month;
    d.day = (uint8_t)(yday - days_before_month[month - 1] -
                      (month > 2 && is_leap(year)) + 1);
    return d;
}

void lrs_date_format(struct lrs_date d, char out[11])
{
    const int parts[3] = {d.year, d.month, d.day};
    const int widths[3] = {4, 2, 2};
    size_t at = 0;

    /* By hand, so that no out-of-range field can overflow `out`. */
    for (int p = 0; p < 3; p++) {
        int v = parts[p];

        if (p > 0)
            out[at++] = '-';
        for (int i = widths[p] - 1; i >= 0; i--) {
            out[at + (size_t)i] = (char)('0' + (v % 10 + 10) % 10);
            v /= 10;
        }
        at += (size_t)widths[p];
    }
    out[at] = '\0';
}

int lrs_date_age_on(struct lrs_date dob, struct lrs_date on)
{
    int age = on.year - dob.year;

    /* Not yet the birthday this year; a 29 February birthday falls on
     * 1 March in a common year. */
    if (on.month < dob.month || (on.month == dob.month && on.day < dob.day))
        age--;
    return age;
}

/* ------------------------------------------------------------------ */
/* Parsing                                                            */
/* ------------------------------------------------------------------ */

/* The value of `len` ASCII digits at `s`, or -1 if one is not a digit. */
static int digits(const char *s, size_t len)
{
    int v = 0;

    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* yyyy-mm-dd: exactly ten characters. */
static bool split_iso(struct lrs_str in, int *y, int *m, int *d)
{
    if (in.len != 10 || in.ptr[4] != '-' || in.ptr[7] != '-')
        return false;
    *y = digits(in.ptr, 4);
    *m = digits(in.ptr + 5, 2);
    *d = digits(in.ptr + 8, 2);
    return *y >= 0 && *m >= 0 && *d >= 0;
}

/* d/m/yyyy with one or two digits for the day and the month. */
static bool split_dmy(struct lrs_str in, int *y, int *m, int *d)
{
    const char *s = in.ptr;
    const char *end = in.ptr + in.len;
    const char *slash1, *slash2;

    if (in.len < 8 || in.len > 10)
        return false;
    slash1 = memchr(s, '/', in.len);
    if (!slash1 || slash1 - s < 1 || slash1 - s > 2)
        return false;
    slash2 = memchr(slash1 + 1, '/', (size_t)(end - slash1 - 1));
    if (!slash2 || slash2 - slash1 - 1 < 1 || slash2 - slash1 - 1 > 2 ||
        end - slash2 - 1 != 4)
        return false;
    *d = digits(s, (size_t)(slash1 - s));
    *m = digits(slash1 + 1, (size_t)(slash2 - slash1 - 1));
    *y = digits(slash2 + 1, 4);
    return *y >= 0 && *m >= 0 && *d >= 0;
}

enum lrs_err lrs_date_parse(struct lrs_str in, unsigned flags,
                            const char *field, struct lrs_date *out,
                            struct lrs_diag *diag)
{
    const bool dmy = (flags & LRS_DATE_PARSE_DMY) != 0;
    int y, m, d;

    LRS_ASSERT(out);
    if (!field)
        field = "date";
    if (in.len == 0) {
        lrs_diag_set(diag, field, "is missing");
        return LRS_ERR(LRS_EINVAL);
    }
    if (!split_iso(in, &y, &m, &d) && !(dmy && split_dmy(in, &y, &m, &d))) {
        lrs_diag_set(diag, field, "must be a date as %s",
                     dmy ? "yyyy-mm-dd or dd/mm/yyyy" : "yyyy-mm-dd");
        return LRS_ERR(LRS_EINVAL);
    }
    if (y < YEAR_MIN || y > YEAR_MAX) {
        lrs_diag_set(diag, field, "year %d is outside %d-%d", y, YEAR_MIN,
                     YEAR_MAX);
        return LRS_ERR(LRS_EINVAL);
    }
    if (m < 1 || m > 12) {
        lrs_diag_set(diag, field, "month %d is not 1-12", m);
        return LRS_ERR(LRS_EINVAL);
    }
    if (d < 1 || d > days_in_month(y, m)) {
        lrs_diag_set(diag, field, "day %d does not exist in %s %d", d,
                     month_names[m - 1], y);
        return LRS_ERR(LRS_EINVAL);
    }
    out->year = (int16_t)y;
    out->month = (uint8_t)m;
    out->day = (uint8_t)d;
    return LRS_OK;
}
