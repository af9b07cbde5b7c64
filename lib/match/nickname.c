/*
 * nickname.c - known nickname pairs (Bob and Robert), from the tables in
 * data/nicknames/ (see its README for origin and licence). The build turns
 * them into nicknames.h, a sorted array of normalised pairs written in
 * both directions, so one binary search answers either way round. Each
 * pair says whether it is curated (data/nicknames/extra.csv, short forms
 * checked by hand) or only in the broad upstream list, which also pairs
 * distinct names such as Emily and Amelia.
 */
#include "base/base.h"

#include "match/match_int.h"

struct nick_pair {
    const char *a;
    const char *b;
    int curated; /* 1: in the hand-checked list; 0: the broad list only */
};

#include "nicknames.h"

/* strcmp() of a slice against a NUL-terminated string. */
static int cmp(struct lrs_str s, const char *c)
{
    size_t i = 0;

    for (; i < s.len && c[i]; i++)
        if ((unsigned char)s.ptr[i] != (unsigned char)c[i])
            return (unsigned char)s.ptr[i] < (unsigned char)c[i] ? -1 : 1;
    if (i < s.len)
        return 1;
    return c[i] ? -1 : 0;
}

int lrs__nickname(struct lrs_str a, struct lrs_str b)
{
    size_t lo = 0, hi = LRS_ARRAY_LEN(nick_pairs);

    if (!a.len || !b.len)
        return 0;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        int c = cmp(a, nick_pairs[mid].a);

        if (c == 0)
            c = cmp(b, nick_pairs[mid].b);
        if (c == 0)
            return nick_pairs[mid].curated ? 2 : 1;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

bool lrs__nickname_any(struct lrs_str s)
{
    struct lrs_str first;
    size_t lo = 0, hi = LRS_ARRAY_LEN(nick_pairs);

    if (!lrs_name_token_next(&s, &first))
        return false;
    /* The first pair whose `a` is not below `first`. */
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;

        if (cmp(first, nick_pairs[mid].a) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < LRS_ARRAY_LEN(nick_pairs) && cmp(first, nick_pairs[lo].a) == 0;
}

bool lrs_match_nickname(struct lrs_str a, struct lrs_str b)
{
    return lrs__nickname(a, b) != 0;
}
