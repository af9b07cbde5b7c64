/*
 * str.c - borrowed slices and the number parser every input goes through.
 */
#include "base.h"

struct lrs_str lrs_str_c(const char *s)
{
    struct lrs_str r = {s ? s : "", s ? strlen(s) : 0};
    return r;
}

bool lrs_str_eq(struct lrs_str a, struct lrs_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

struct lrs_str lrs_str_trim(struct lrs_str s)
{
    while (s.len && is_space(s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len && is_space(s.ptr[s.len - 1]))
        s.len--;
    return s;
}

enum lrs_err lrs_parse_u64(struct lrs_str s, uint64_t min, uint64_t max,
                           uint64_t *out)
{
    uint64_t v = 0;
    bool big = false;

    if (s.len == 0)
        return LRS_ERR(LRS_EINVAL);
    for (size_t i = 0; i < s.len; i++) {
        const unsigned d = (unsigned char)s.ptr[i] - (unsigned)'0';

        if (d > 9)
            return LRS_ERR(LRS_EINVAL);
        if (v > (UINT64_MAX - d) / 10)
            big = true;
        else
            v = v * 10 + d;
    }
    if (big || v < min || v > max)
        return LRS_ERR(LRS_ELIMIT);
    *out = v;
    return LRS_OK;
}
