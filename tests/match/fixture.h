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
#include <stdlib.h>
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

/* Check entry e found in bucket b of a table with `mask`, fingerprint fp;
 * mark it seen (never twice). */
static inline void fx_check_entry(const struct lrs_match_index *idx,
                                  uint8_t *seen, uint32_t e, size_t b,
                                  size_t mask, uint32_t fp)
{
    uint64_t keys[KEY_SLOTS];
    const uint32_t id = e / KEY_SLOTS;

    assert_true(id < idx->linked);
    lrs__lrn_keys(idx, id, keys);
    assert_true(keys[e % KEY_SLOTS] != 0);
    assert_int_equal((size_t)keys[e % KEY_SLOTS] & mask, b);
    assert_int_equal(fp, (uint32_t)(keys[e % KEY_SLOTS] >> 32));
    assert_int_equal(seen[e], 0);
    seen[e] = 1;
}

/*
 * The index invariants: every entry of the blocking table (its static
 * runs and its dynamic chains) is in its key's bucket, carries its key's
 * fingerprint and is one of its learner's current keys, once; the linked
 * learners' keys are all there and the pending ones' are not; the free
 * list and the live count add up; each ULN maps to its learner; the name
 * counts add up.
 */
static inline void fx_assert_sane(const struct lrs_match_index *idx)
{
    uint64_t found = 0, want = 0, given = 0, family = 0, all = 0;
    uint32_t free_count = 0;
    uint8_t *seen = calloc((size_t)idx->linked * KEY_SLOTS + 1, 1);

    assert_non_null(seen);
    for (size_t b = 0; idx->se && b <= idx->sb_mask; b++) {
        assert_true(idx->sb[b] <= idx->sb[b + 1]);
        for (uint32_t i = idx->sb[b]; i < idx->sb[b + 1]; i++) {
            if (idx->se[i].e == NONE)
                continue;
            fx_check_entry(idx, seen, idx->se[i].e, b, idx->sb_mask,
                           idx->se[i].fp);
            found++;
        }
    }
    if (idx->se)
        assert_int_equal(idx->sb[idx->sb_mask + 1], idx->se_count);
    for (size_t b = 0; b <= idx->head_mask; b++) {
        for (uint32_t d = idx->heads[b]; d != NONE; d = idx->de[d].next) {
            assert_true(d < idx->de_count);
            fx_check_entry(idx, seen, idx->de[d].e, b, idx->head_mask,
                           idx->de[d].fp);
            found++;
        }
    }
    for (uint32_t d = idx->de_free; d != NONE; d = idx->de[d].next) {
        assert_int_equal(idx->de[d].e, NONE);
        free_count++;
    }
    assert_int_equal(free_count + idx->de_live, idx->de_count);
    for (uint32_t id = 0; id < idx->count; id++) {
        uint64_t keys[KEY_SLOTS];
        const uint64_t n = (uint64_t)lrs__lrn_keys(idx, id, keys);

        all += n;
        if (id < idx->linked)
            want += n;
    }
    assert_int_equal(found, want);
    assert_int_equal(all, idx->keys);
    free(seen);
    for (uint32_t id = 0; id < idx->count; id++) {
        const uint32_t *former = idx->ext[id].former;

        assert_int_equal(lrs__uln_find(idx, idx->ext[id].uln), id);
        assert_int_equal(idx->lrns[id].formers,
                         (former[0] != 0) + (former[1] != 0));
    }
    /* Records are aligned so that none spans two cache lines. */
    assert_int_equal((uintptr_t)idx->lrns % 64, 0);
    assert_int_equal(sizeof *idx->lrns, 32);
    for (uint32_t n = 0; n < idx->names.count; n++) {
        given += idx->names.v[n].given_count;
        family += idx->names.v[n].family_count;
    }
    assert_int_equal(given, idx->count);
    assert_int_equal(family, idx->count);
}

#endif /* LRS_TEST_MATCH_FIXTURE_H */
