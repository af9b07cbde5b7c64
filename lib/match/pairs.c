/*
 * pairs.c - how many learners hold each (given name, family name) pair,
 * for the family name's weight given the given name (docs/matching.md,
 * "Weights").
 *
 * Names cluster: MOHAMMED KHAN and AOIFE MURPHY are ten times commoner
 * than the product of their names' shares says, so two learners who
 * share both names by chance are commoner too. compare.c reads the count
 * of the query's pair once a find.
 *
 * An open-addressed table of (given id, family id, count) slots, linear
 * probing, kept at most half full. A pair whose count falls to zero keeps
 * its slot (no deletion), which costs nothing but a little space. Growing
 * is the only step that may fail; lrs__pairs_reserve() does it before an
 * index mutation, so that the count changes that follow cannot fail.
 */
#include "base/base.h"

#include "match/match_int.h"

#define PAIRS_MIN 64u

static size_t slot_of(uint32_t given, uint32_t family, size_t mask)
{
    uint64_t h = ((uint64_t)given << 32 | family) * 0x9e3779b97f4a7c15u;

    return (size_t)(h >> 29) & mask;
}

void lrs__pairs_release(struct pairs *p)
{
    lrs_free(p->v);
    memset(p, 0, sizeof *p);
}

/* The slot of the pair, or the free slot where it would go. */
static struct pair *find_slot(struct pair *v, size_t mask, uint32_t given,
                              uint32_t family)
{
    size_t i = slot_of(given, family, mask);

    while (v[i].given && (v[i].given != given || v[i].family != family))
        i = (i + 1) & mask;
    return &v[i];
}

enum lrs_err lrs__pairs_reserve(struct pairs *p, size_t more)
{
    size_t cap = p->mask ? p->mask + 1 : 0, want;
    struct pair *v;

    if (p->used + more <= cap / 2)
        return LRS_OK;
    want = cap ? cap : PAIRS_MIN;
    while (p->used + more > want / 2) {
        if (want > SIZE_MAX / 2 / sizeof *v)
            return LRS_ERR(LRS_ENOMEM);
        want *= 2;
    }
    v = lrs_calloc(want, sizeof *v);
    if (!v)
        return LRS_ERR(LRS_ENOMEM);
    for (size_t i = 0; i < cap; i++)
        if (p->v[i].given)
            *find_slot(v, want - 1, p->v[i].given, p->v[i].family) = p->v[i];
    lrs_free(p->v);
    p->v = v;
    p->mask = want - 1;
    return LRS_OK;
}

void lrs__pairs_add(struct pairs *p, uint32_t given, uint32_t family, int delta)
{
    struct pair *s;

    /* A learner without both names holds no pair. */
    if (!given || !family)
        return;
    if (LRS_NEVER(!p->mask || p->used >= p->mask))
        return;
    s = find_slot(p->v, p->mask, given, family);
    if (!s->given) {
        if (LRS_NEVER(delta < 0))
            return;
        s->given = given;
        s->family = family;
        p->used++;
    }
    s->count += (uint32_t)delta;
}

uint32_t lrs__pairs_count(const struct pairs *p, uint32_t given,
                          uint32_t family)
{
    if (!given || !family || given == NONE || family == NONE || !p->mask)
        return 0;
    return find_slot(p->v, p->mask, given, family)->count;
}

size_t lrs__pairs_bytes(const struct pairs *p)
{
    return p->mask ? (p->mask + 1) * sizeof *p->v : 0;
}
