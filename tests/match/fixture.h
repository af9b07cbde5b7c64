/*
 * fixture.h - helpers shared by the match engine tests: valid ULNs, a
 * compact way to write learners and queries, and an index invariant
 * check that walks every blocking chain.
 */
#ifndef LRS_TEST_MATCH_FIXTURE_H
#define LRS_TEST_MATCH_FIXTURE_H

#include "testutil.h"

#include <lrs/match.h>

#include "match/match_int.h"

#include <stdio.h>
#include <string.h>

#define FX_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The nth valid ULN (n >= 0): the next base with a check digit. */
static inline uint64_t fx_uln(unsigned n)
{
    uint64_t base = 100000000u + (uint64_t)n * 13u;

    for (;; base++) {
        char d[10];
        int c;

        snprintf(d, sizeof d, "%09llu", (unsigned long long)base);
        c = lrs_uln_check_digit(d);
        if (c >= 0)
            return base * 10u + (uint64_t)c;
    }
}

static inline struct lrs_date fx_date(const char *s)
{
    struct lrs_date d = {0, 0, 0};

    if (s && *s)
        assert_int_equal(lrs_date_parse(lrs_str_c(s), 0, NULL, &d, NULL),
                         LRS_OK);
    return d;
}

static inline struct lrs_postcode fx_pc(const char *s)
{
    struct lrs_postcode pc;

    memset(&pc, 0, sizeof pc);
    if (s && *s)
        assert_int_equal(lrs_postcode_parse(lrs_str_c(s), &pc, NULL), LRS_OK);
    return pc;
}

/* A learner row of a test table. */
struct fx_learner {
    unsigned n; /* ULN number for fx_uln() */
    const char *given, *middle, *family, *dob;
    int gender;
    const char *postcode;
    const char *former;    /* or NULL */
    const char *preferred; /* or NULL */
};

static inline struct lrs_match_learner fx_learner(const struct fx_learner *f)
{
    struct lrs_match_learner l;

    memset(&l, 0, sizeof l);
    l.uln = fx_uln(f->n);
    l.given = lrs_str_c(f->given);
    l.middle = lrs_str_c(f->middle);
    l.family = lrs_str_c(f->family);
    l.former[0] = lrs_str_c(f->former);
    l.preferred = lrs_str_c(f->preferred);
    l.dob = fx_date(f->dob);
    l.gender = (enum lrs_gender)f->gender;
    l.postcode = fx_pc(f->postcode);
    return l;
}

static inline void fx_insert(struct lrs_match_index *idx,
                             const struct fx_learner *f)
{
    const struct lrs_match_learner l = fx_learner(f);

    assert_int_equal(lrs_match_index_insert(idx, &l, NULL, NULL), LRS_OK);
}

static inline struct lrs_match_query
fx_query(const char *given, const char *middle, const char *family,
         const char *dob, int gender, const char *postcode)
{
    struct lrs_match_query q;

    memset(&q, 0, sizeof q);
    q.given = lrs_str_c(given);
    q.middle = lrs_str_c(middle);
    q.family = lrs_str_c(family);
    q.dob = fx_date(dob);
    q.gender = (enum lrs_gender)gender;
    q.postcode = fx_pc(postcode);
    return q;
}

/* Find `q` and return the code; the result stays in `res`. */
static inline enum lrs_match_code fx_find(const struct lrs_match_index *idx,
                                          const struct lrs_match_query *q,
                                          struct lrs_match_result *res)
{
    assert_int_equal(lrs_match_index_find(idx, q, res, NULL), LRS_OK);
    return res->code;
}

/*
 * The index invariants: every linked entry is reachable from its bucket
 * and is one of its learner's current keys; the count of linked entries
 * matches; each ULN maps to its learner; the name counts add up.
 */
static inline void fx_assert_sane(const struct lrs_match_index *idx)
{
    uint64_t linked = 0, given = 0, family = 0;

    for (size_t b = 0; b <= idx->head_mask; b++) {
        for (uint32_t e = idx->heads[b]; e != NONE; e = idx->next[e]) {
            uint64_t keys[KEY_SLOTS];
            const uint32_t id = e / KEY_SLOTS;

            assert_true(id < idx->count);
            lrs__lrn_keys(idx, &idx->lrns[id], keys);
            assert_true(keys[e % KEY_SLOTS] != 0);
            assert_int_equal((size_t)keys[e % KEY_SLOTS] & idx->head_mask, b);
            assert_int_equal(idx->fp[e], (uint32_t)(keys[e % KEY_SLOTS] >> 32));
            linked++;
        }
    }
    assert_int_equal(linked, idx->keys);
    for (uint32_t id = 0; id < idx->count; id++)
        assert_int_equal(lrs__uln_find(idx, idx->lrns[id].uln), id);
    for (uint32_t n = 0; n < idx->names.count; n++) {
        given += idx->names.v[n].given_count;
        family += idx->names.v[n].family_count;
    }
    assert_int_equal(given, idx->count);
    assert_int_equal(family, idx->count);
}

#endif /* LRS_TEST_MATCH_FIXTURE_H */
