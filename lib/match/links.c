/*
 * links.c - what people decided about pairs of learners, as the index
 * keeps it: unmerge (the reverse of lrs_match_index_merge()) and the
 * pairs decided not to be the same learner.
 *
 * The pairs are one sorted array of 64-bit entries, id << 32 | partner,
 * each pair entered both ways, so the partners of one learner are one
 * contiguous run found by binary search. They are few (each one is a
 * person's decision), so they live beside the learner records rather
 * than in them: struct lrn, and so every find without a query ULN, stays
 * as it was. A find about a learner looks its run up once, then checks
 * each candidate against the run (usually empty, rarely more than a
 * handful).
 */
#include "base/base.h"

#include "match/match_int.h"

/* The first entry >= key. */
static size_t lower_bound(const uint64_t *v, size_t n, uint64_t key)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;

        if (v[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Room for `want` entries. */
static enum lrs_err reserve(struct lrs_match_index *idx, size_t want)
{
    size_t cap = idx->apart_cap ? idx->apart_cap : 16, bytes;
    uint64_t *p;

    if (want <= idx->apart_cap)
        return LRS_OK;
    while (cap < want)
        cap *= 2;
    if (lrs_mul_size(cap, sizeof *p, &bytes))
        return LRS_ERR(LRS_ENOMEM);
    p = lrs_realloc(idx->apart, bytes);
    if (!p)
        return LRS_ERR(LRS_ENOMEM);
    idx->apart = p;
    idx->apart_cap = cap;
    return LRS_OK;
}

/* Insert `key` into the sorted array unless it is there (room reserved). */
static void add_entry(struct lrs_match_index *idx, uint64_t key)
{
    const size_t at = lower_bound(idx->apart, idx->apart_count, key);

    if (at < idx->apart_count && idx->apart[at] == key)
        return;
    memmove(idx->apart + at + 1, idx->apart + at,
            (idx->apart_count - at) * sizeof *idx->apart);
    idx->apart[at] = key;
    idx->apart_count++;
}

enum lrs_err lrs_match_index_not_same(struct lrs_match_index *idx, uint64_t a,
                                      uint64_t b)
{
    uint32_t ia, ib;
    enum lrs_err err = LRS_OK;

    LRS_ASSERT(idx->magic == INDEX_MAGIC);
    pthread_rwlock_wrlock(&idx->lock);
    ia = lrs__uln_find(idx, a);
    ib = lrs__uln_find(idx, b);
    if (ia == NONE || ib == NONE)
        err = LRS_ERR(LRS_ENOTFOUND);
    else if (ia == ib)
        err = LRS_ERR(LRS_EINVAL);
    else
        err = reserve(idx, idx->apart_count + 2);
    /* Both ways or not at all: the room for both is there first. */
    if (!err) {
        add_entry(idx, (uint64_t)ia << 32 | ib);
        add_entry(idx, (uint64_t)ib << 32 | ia);
    }
    pthread_rwlock_unlock(&idx->lock);
    return err;
}

enum lrs_err lrs_match_index_unmerge(struct lrs_match_index *idx,
                                     uint64_t merged_uln)
{
    uint32_t a;
    enum lrs_err err = LRS_OK;

    LRS_ASSERT(idx->magic == INDEX_MAGIC);
    pthread_rwlock_wrlock(&idx->lock);
    a = lrs__uln_find(idx, merged_uln);
    if (a == NONE)
        err = LRS_ERR(LRS_ENOTFOUND);
    else if (idx->ext[a].master == NONE)
        err = LRS_ERR(LRS_EINVAL);
    if (!err) {
        idx->ext[a].master = NONE;
        idx->merged--;
    }
    pthread_rwlock_unlock(&idx->lock);
    return err;
}

void lrs__apart_begin(const struct lrs_match_index *idx, uint64_t uln,
                      struct apart *out)
{
    size_t at, end;

    out->self = uln ? lrs__uln_find(idx, uln) : NONE;
    out->pairs = NULL;
    out->count = 0;
    if (out->self == NONE || idx->apart_count == 0)
        return;
    at = lower_bound(idx->apart, idx->apart_count, (uint64_t)out->self << 32);
    end = at;
    while (end < idx->apart_count && idx->apart[end] >> 32 == out->self)
        end++;
    out->pairs = idx->apart + at;
    out->count = end - at;
}

bool lrs__apart_skip(const struct lrs_match_index *idx, const struct apart *a,
                     uint32_t id)
{
    const uint32_t root = lrs__root(idx, id);

    if (id == a->self || root == lrs__root(idx, a->self))
        return true;
    for (size_t i = 0; i < a->count; i++) {
        const uint32_t other = (uint32_t)a->pairs[i];

        if (other == id || lrs__root(idx, other) == root)
            return true;
    }
    return false;
}

void lrs__apart_free(struct lrs_match_index *idx)
{
    lrs_free(idx->apart);
    idx->apart = NULL;
    idx->apart_count = idx->apart_cap = 0;
}
