/*
 * index.c - the learner index: life cycle, blocking keys, insert, update
 * (re-key) and merge.
 *
 * Every mutation first reserves what it may need (learner arrays, hash
 * buckets, ULN slots, interned names) and only then changes the index, so
 * an LRS_ENOMEM leaves it exactly as it was. Names interned for a failed
 * call stay in the name table with a count of zero, which is harmless.
 *
 * The blocking table has two parts ("Blocking table" below; the structs
 * in match_int.h). The static part is one array of entries ordered by
 * bucket, made by a bulk build of every learner pending at once (a
 * register being loaded), so a block is a straight scan. The dynamic part
 * is a chained hash table of the entries linked one at a time since (a
 * registration, an amendment's new keys), read first. An entry is the
 * number id * KEY_SLOTS + slot and the key's 32-bit fingerprint; a
 * learner's keys are recomputed from its record when it is re-keyed or
 * the table rebuilt. The hot part of a learner's record (what the score
 * bounds read) is 32 bytes; the rest is in a parallel array.
 */
#include "base/base.h"

#include "match/match_int.h"

#include <math.h>
#include <sys/mman.h>

/* ------------------------------------------------------------------ */
/* Keys                                                               */
/* ------------------------------------------------------------------ */

static uint64_t mix(uint64_t x)
{
    /* The splitmix64 finaliser (Steele, Lea and Flood, 2014). */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9u;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

uint64_t lrs__key(unsigned kind, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t h = mix(kind * 0x9e3779b97f4a7c15u + a);

    h = mix(h ^ (b + 0x632be59bd9b4e019u));
    h = mix(h ^ (c + 0x85157af5u));
    return h ? h : 1;
}

int lrs__lrn_keys(const struct lrs_match_index *idx, uint32_t id,
                  uint64_t keys[KEY_SLOTS])
{
    const struct lrn *l = &idx->lrns[id];
    const struct name *v = idx->names.v;
    const mpcode fam = v[l->family].first[0];
    const mpcode giv = v[l->given].first[0];
    const bool dob = l->dob != DOB_NONE;
    int n = 0;

    memset(keys, 0, KEY_SLOTS * sizeof *keys);
    if (dob && fam)
        keys[SLOT_DF_FAMILY] = lrs__key(KIND_DF, (uint64_t)l->dob, fam, 0);
    if (dob && v[l->family].last && v[l->family].last != fam)
        keys[SLOT_DF_LAST] =
            lrs__key(KIND_DF, (uint64_t)l->dob, v[l->family].last, 0);
    for (int i = 0; l->formers && i < LRS_MATCH_FORMER_MAX; i++) {
        const uint32_t *former = idx->ext[id].former;
        const mpcode f = v[former[i]].first[0];

        if (dob && f && f != fam && (i == 0 || f != v[former[0]].first[0]))
            keys[SLOT_DF_FORMER0 + i] =
                lrs__key(KIND_DF, (uint64_t)l->dob, f, 0);
    }
    if (l->postcode && fam)
        keys[SLOT_PF] = lrs__key(KIND_PF, l->postcode, fam, 0);
    if (dob && giv && fam) {
        keys[SLOT_GFYM] = lrs__key(KIND_GFYM, giv, fam, DOB_YM(l->dob));
        keys[SLOT_GFYD] = lrs__key(KIND_GFYD, giv, fam, DOB_YD(l->dob));
    }
    if (dob && giv)
        keys[SLOT_DG] = lrs__key(KIND_DG, (uint64_t)l->dob, giv, 0);
    if (l->postcode && giv)
        keys[SLOT_PG] = lrs__key(KIND_PG, l->postcode, giv, 0);
    if (dob && l->postcode)
        keys[SLOT_DP] = lrs__key(KIND_DP, (uint64_t)l->dob, l->postcode, 0);
    if (dob && giv && fam)
        keys[SLOT_GFMD] = lrs__key(KIND_GFMD, giv, fam, DOB_MD(l->dob));
    for (int i = 0; i < KEY_SLOTS; i++)
        n += keys[i] != 0;
    return n;
}

/*
 * Ask for 2 MiB pages under a large array (Linux transparent huge pages,
 * in "madvise" mode on Debian). A find touches a few hundred random
 * places in arrays of hundreds of megabytes; with 4 KiB pages nearly each
 * one also misses the TLB, and under a hypervisor a page walk costs
 * several memory accesses. Only a hint: failure changes nothing.
 */
static void hint_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    const uintptr_t from = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    const uintptr_t to = ((uintptr_t)p + bytes) & ~(huge - 1);

    if (bytes >= 2 * huge && to > from)
        (void)madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

static enum lrs_err alloc_table(size_t count, uint32_t **out)
{
    uint32_t *t = lrs_calloc(count, sizeof *t);

    if (!t)
        return LRS_ERR(LRS_ENOMEM);
    hint_huge(t, count * sizeof *t);
    memset(t, 0xff, count * sizeof *t);
    *out = t;
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Blocking table                                                     */
/* ------------------------------------------------------------------ */

/*
 * Two parts (match_int.h). The static part holds the entries of a bulk
 * build in one array ordered by bucket, so a block is read from
 * consecutive memory: one miss for the bucket, then a straight scan.
 * Within a bucket entries run newest learner first, the order the chains
 * of one-at-a-time linking gave, so a block cut at max_block keeps the
 * same learners. The dynamic part is a chained hash table of entries
 * added since (a registration, an amendment's new keys): newer, so read
 * first. An entry removed from the static part is marked (e = NONE), from
 * the dynamic part unlinked and put on a free list.
 */

/* Remove entry e with key k from the static part; false if not there. */
static bool static_remove(struct lrs_match_index *idx, uint32_t e, uint64_t k)
{
    const size_t b = (size_t)k & idx->sb_mask;

    if (!idx->se)
        return false;
    for (uint32_t i = idx->sb[b]; i < idx->sb[b + 1]; i++) {
        if (idx->se[i].e == e) {
            idx->se[i].e = NONE;
            return true;
        }
    }
    return false;
}

static void dyn_link(struct lrs_match_index *idx, uint32_t e, uint64_t k)
{
    const size_t b = (size_t)k & idx->head_mask;
    uint32_t d = idx->de_free;

    if (d != NONE)
        idx->de_free = idx->de[d].next;
    else
        d = idx->de_count++;
    idx->de[d].next = idx->heads[b];
    idx->de[d].fp = (uint32_t)(k >> 32);
    idx->de[d].e = e;
    idx->heads[b] = d;
    idx->de_live++;
}

static void dyn_unlink(struct lrs_match_index *idx, uint32_t e, uint64_t k)
{
    uint32_t *p = &idx->heads[(size_t)k & idx->head_mask];

    while (*p != NONE && idx->de[*p].e != e)
        p = &idx->de[*p].next;
    if (LRS_NEVER(*p == NONE))
        return;
    {
        const uint32_t d = *p;

        *p = idx->de[d].next;
        idx->de[d].next = idx->de_free;
        idx->de[d].e = NONE;
        idx->de_free = d;
        idx->de_live--;
    }
}

/* Link the keys of learner `id` into the dynamic part (room reserved). */
static void link_learner(struct lrs_match_index *idx, uint32_t id)
{
    uint64_t keys[KEY_SLOTS];

    lrs__lrn_keys(idx, id, keys);
    for (uint32_t s = 0; s < KEY_SLOTS; s++)
        if (keys[s])
            dyn_link(idx, id * KEY_SLOTS + s, keys[s]);
}

static void unlink_learner(struct lrs_match_index *idx, uint32_t id)
{
    uint64_t keys[KEY_SLOTS];

    lrs__lrn_keys(idx, id, keys);
    for (uint32_t s = 0; s < KEY_SLOTS; s++)
        if (keys[s] && !static_remove(idx, id * KEY_SLOTS + s, keys[s]))
            dyn_unlink(idx, id * KEY_SLOTS + s, keys[s]);
}

/*
 * Room in the dynamic part for `extra` more entries: the pool, and at
 * least one bucket per two live entries (re-chaining when the bucket
 * array doubles).
 */
static enum lrs_err dyn_reserve(struct lrs_match_index *idx, size_t extra)
{
    size_t count = idx->head_mask + 1;
    uint32_t *heads;
    enum lrs_err err;

    if ((size_t)idx->de_count + extra > idx->de_cap) {
        size_t cap = idx->de_cap ? idx->de_cap : 64;
        struct dent *de;
        size_t bytes;

        while (cap < (size_t)idx->de_count + extra)
            cap *= 2;
        if (cap >= NONE || lrs_mul_size(cap, sizeof *de, &bytes))
            return LRS_ERR(LRS_ELIMIT);
        de = lrs_realloc(idx->de, bytes);
        if (!de)
            return LRS_ERR(LRS_ENOMEM);
        idx->de = de;
        idx->de_cap = (uint32_t)cap;
    }
    if ((size_t)idx->de_live + extra <= 2 * count)
        return LRS_OK;
    while (2 * count < (size_t)idx->de_live + extra)
        count *= 2;
    err = alloc_table(count, &heads);
    if (err)
        return err;
    for (uint32_t d = 0; d < idx->de_count; d++) {
        /* Oldest first, so each chain keeps newest first. */
        const uint32_t e = idx->de[d].e;
        uint64_t keys[KEY_SLOTS];
        size_t b;

        if (e == NONE)
            continue;
        lrs__lrn_keys(idx, e / KEY_SLOTS, keys);
        b = (size_t)keys[e % KEY_SLOTS] & (count - 1);
        idx->de[d].next = heads[b];
        heads[b] = d;
    }
    lrs_free(idx->heads);
    idx->heads = heads;
    idx->head_mask = count - 1;
    return LRS_OK;
}

/*
 * Build the static part from every learner, replacing both parts: count
 * the entries of each bucket, turn the counts into offsets, then place
 * the entries, learners newest first. The keys of learner id + AHEAD are
 * computed, and their buckets fetched, while learner id is placed.
 * Nothing changes unless the new arrays could be allocated.
 */
#define AHEAD 16

static void build_pass(struct lrs_match_index *idx, uint32_t *at, size_t mask,
                       struct ent *se)
{
    uint64_t ring[AHEAD][KEY_SLOTS];
    const uint32_t n = idx->count;

    /* Counting (se NULL) goes up the ids, placing down. Slot i % AHEAD
     * holds the keys of step i: used AHEAD steps later, then refilled. */
    for (uint32_t i = 0; i < n + AHEAD; i++) {
        uint64_t *keys = ring[i % AHEAD];

        if (i >= AHEAD) {
            const uint32_t j = i - AHEAD;
            const uint32_t id = se ? n - 1 - j : j;

            for (uint32_t s = 0; s < KEY_SLOTS; s++) {
                const size_t b = ((size_t)keys[s] & mask) + 1;

                if (!keys[s])
                    continue;
                if (!se) {
                    at[b + 1]++;
                } else {
                    se[at[b]].fp = (uint32_t)(keys[s] >> 32);
                    se[at[b]++].e = id * KEY_SLOTS + s;
                }
            }
        }
        if (i < n) {
            const uint32_t id = se ? n - 1 - i : i;

            lrs__lrn_keys(idx, id, keys);
            for (uint32_t s = 0; s < KEY_SLOTS; s++)
                if (keys[s])
                    PREFETCH(&at[((size_t)keys[s] & mask) + 1]);
        }
    }
}

static enum lrs_err static_build(struct lrs_match_index *idx)
{
    size_t count = 64, bytes;
    uint32_t *at;
    struct ent *se;

    /* About four entries a bucket: one or two cache lines to scan. */
    while (4 * count < idx->keys)
        count *= 2;
    if (lrs_mul_size((size_t)idx->keys ? (size_t)idx->keys : 1, sizeof *se,
                     &bytes))
        return LRS_ERR(LRS_ELIMIT);
    at = lrs_calloc(count + 2, sizeof *at);
    se = lrs_malloc(bytes);
    if (!at || !se) {
        lrs_free(at);
        lrs_free(se);
        return LRS_ERR(LRS_ENOMEM);
    }
    hint_huge(at, (count + 2) * sizeof *at);
    hint_huge(se, bytes);
    /* at[b + 2] counts bucket b; the prefix sums make at[b + 1] its start;
     * placing advances at[b + 1] to its end, which is where b + 1 starts,
     * leaving at[b] the start of bucket b. */
    build_pass(idx, at, count - 1, NULL);
    for (size_t b = 2; b < count + 2; b++)
        at[b] += at[b - 1];
    build_pass(idx, at, count - 1, se);
    LRS_ASSERT(at[count] == idx->keys);
    lrs_free(idx->sb);
    lrs_free(idx->se);
    idx->sb = at;
    idx->se = se;
    idx->sb_mask = count - 1;
    idx->se_count = (size_t)idx->keys;
    /* The dynamic part is now empty. */
    memset(idx->heads, 0xff, (idx->head_mask + 1) * sizeof *idx->heads);
    idx->de_count = 0;
    idx->de_live = 0;
    idx->de_free = NONE;
    idx->linked = idx->count;
    return LRS_OK;
}

/*
 * Link the learners inserted since the last link (docs/matching.md,
 * "Memory"): many at once (a load) rebuild the static part, a few (a
 * registration) go into the dynamic part. A dynamic part grown past an
 * eighth of the index is folded into a rebuild too.
 */
enum lrs_err lrs__index_link(struct lrs_match_index *idx)
{
    const uint32_t pending = idx->count - idx->linked;
    enum lrs_err err;

    if (pending == 0)
        return LRS_OK;
    if ((pending >= 4096 && (uint64_t)pending * 8 >= idx->count) ||
        (idx->de_live >= 65536 && (uint64_t)idx->de_live * 8 > idx->keys)) {
        err = static_build(idx);
        if (err != LRS_ENOMEM)
            return err;
    }
    err = dyn_reserve(idx, (size_t)pending * KEY_SLOTS);
    if (err)
        return err;
    for (uint32_t id = idx->linked; id < idx->count; id++)
        link_learner(idx, id);
    idx->linked = idx->count;
    return LRS_OK;
}

/*
 * Take the read lock with every learner linked: when some are pending,
 * link them under the write lock first. Readers never hold the lock
 * twice (init_lock()).
 */
enum lrs_err lrs__index_rdlock(struct lrs_match_index *idx)
{
    pthread_rwlock_rdlock(&idx->lock);
    while (idx->linked != idx->count) {
        enum lrs_err err;

        pthread_rwlock_unlock(&idx->lock);
        pthread_rwlock_wrlock(&idx->lock);
        err = lrs__index_link(idx);
        pthread_rwlock_unlock(&idx->lock);
        if (err)
            return err;
        pthread_rwlock_rdlock(&idx->lock);
    }
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* ULN table                                                          */
/* ------------------------------------------------------------------ */

static size_t uln_slot(const struct lrs_match_index *idx, const uint32_t *t,
                       size_t mask, uint64_t uln)
{
    size_t i = (size_t)mix(uln) & mask;

    while (t[i] != NONE && idx->ext[t[i]].uln != uln)
        i = (i + 1) & mask;
    return i;
}

uint32_t lrs__uln_find(const struct lrs_match_index *idx, uint64_t uln)
{
    return idx->ulns[uln_slot(idx, idx->ulns, idx->uln_mask, uln)];
}

static enum lrs_err reserve_ulns(struct lrs_match_index *idx, size_t learners)
{
    size_t count = idx->uln_mask + 1;
    uint32_t *t;
    enum lrs_err err;

    if (2 * learners <= count)
        return LRS_OK;
    while (count < 2 * learners)
        count *= 2;
    err = alloc_table(count, &t);
    if (err)
        return err;
    for (uint32_t id = 0; id < idx->count; id++)
        t[uln_slot(idx, t, count - 1, idx->ext[id].uln)] = id;
    lrs_free(idx->ulns);
    idx->ulns = t;
    idx->uln_mask = count - 1;
    return LRS_OK;
}

uint32_t lrs__root(const struct lrs_match_index *idx, uint32_t id)
{
    /* merge() refuses cycles, so this ends. */
    while (idx->ext[id].master != NONE)
        id = idx->ext[id].master;
    return id;
}

/* ------------------------------------------------------------------ */
/* Capacity                                                           */
/* ------------------------------------------------------------------ */

static enum lrs_err grow_array(void **p, size_t count, size_t size)
{
    size_t bytes;
    void *q;

    if (lrs_mul_size(count, size, &bytes))
        return LRS_ERR(LRS_ELIMIT);
    q = lrs_realloc(*p, bytes);
    if (!q)
        return LRS_ERR(LRS_ENOMEM);
    hint_huge(q, bytes);
    *p = q;
    return LRS_OK;
}

/*
 * The records move to a new array aligned to 64 bytes (allocations are
 * aligned to 16 only, and a 32-byte record across two cache lines would
 * cost two misses): realloc() could not keep the alignment.
 */
_Static_assert(sizeof(struct lrn) == 32, "two learner records a cache line");

static enum lrs_err grow_records(struct lrs_match_index *idx, size_t cap)
{
    const uintptr_t line = 64;
    size_t bytes;
    void *mem;
    struct lrn *lrns;

    if (lrs_mul_size(cap, sizeof *lrns, &bytes) || bytes > SIZE_MAX - line)
        return LRS_ERR(LRS_ELIMIT);
    mem = lrs_malloc(bytes + line);
    if (!mem)
        return LRS_ERR(LRS_ENOMEM);
    lrns = (struct lrn *)(((uintptr_t)mem + line - 1) & ~(line - 1));
    hint_huge(lrns, bytes);
    if (idx->count)
        memcpy(lrns, idx->lrns, (size_t)idx->count * sizeof *lrns);
    lrs_free(idx->lrns_mem);
    idx->lrns_mem = mem;
    idx->lrns = lrns;
    return LRS_OK;
}

static enum lrs_err reserve_learners(struct lrs_match_index *idx, size_t want)
{
    size_t cap = idx->cap ? idx->cap : 16;
    enum lrs_err err;

    if (want <= idx->cap)
        return LRS_OK;
    if (want >= NONE / KEY_SLOTS)
        return LRS_ERR(LRS_ELIMIT);
    /* Double for one more learner; an explicit capacity is taken as is. */
    cap = want > cap * 2 ? want : cap * 2;
    if (cap >= NONE / KEY_SLOTS)
        cap = NONE / KEY_SLOTS - 1;
    err = grow_array((void **)&idx->ext, cap, sizeof *idx->ext);
    if (!err)
        err = grow_records(idx, cap);
    if (err)
        return err; /* the arrays that grew are merely larger */
    idx->cap = (uint32_t)cap;
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */

/*
 * A lock that prefers writers. glibc's default prefers readers, and then
 * a steady stream of finds from a few threads starves every insert for
 * good (tests/match/test_index.c, finds_while_inserting, hung that way).
 * Writer preference needs readers never to take the lock twice, which
 * no function here does.
 */
static int init_lock(pthread_rwlock_t *lock)
{
#ifdef __GLIBC__
    pthread_rwlockattr_t attr;
    int rc = pthread_rwlockattr_init(&attr);

    if (rc)
        return rc;
    rc = pthread_rwlockattr_setkind_np(
        &attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    if (!rc)
        rc = pthread_rwlock_init(lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    return rc;
#else
    return pthread_rwlock_init(lock, NULL);
#endif
}

enum lrs_err lrs_match_index_new(const struct lrs_match_model *model,
                                 size_t capacity, struct lrs_match_index **out)
{
    struct lrs_match_index *idx;
    enum lrs_err err;

    *out = NULL;
    idx = lrs_calloc(1, sizeof *idx);
    if (!idx)
        return LRS_ERR(LRS_ENOMEM);
    if (model)
        idx->model = *model;
    else
        lrs_match_model_default(&idx->model);
    if (lrs_match_model_check(&idx->model, NULL)) {
        lrs_free(idx);
        return LRS_ERR(LRS_EINVAL);
    }
    lrs__weights(&idx->model, &idx->w);
    idx->magic = INDEX_MAGIC;
    atomic_init(&idx->finds, 0);
    atomic_init(&idx->oversized, 0);
    if (init_lock(&idx->lock)) {
        lrs_free(idx);
        return LRS_ERR(LRS_ENOMEM);
    }
    err = lrs__names_init(&idx->names);
    if (!err)
        err = alloc_table(64, &idx->heads);
    if (!err)
        err = alloc_table(64, &idx->ulns);
    idx->head_mask = idx->heads ? 63 : 0;
    idx->uln_mask = idx->ulns ? 63 : 0;
    idx->de_free = NONE;
    if (!err && capacity) {
        err = reserve_learners(idx, capacity);
        if (!err)
            err = reserve_ulns(idx, capacity);
    }
    if (err) {
        lrs_match_index_free(idx);
        return err;
    }
    *out = idx;
    return LRS_OK;
}

void lrs_match_index_free(struct lrs_match_index *idx)
{
    if (!idx)
        return;
    LRS_ASSERT(idx->magic == INDEX_MAGIC);
    pthread_rwlock_destroy(&idx->lock);
    lrs__names_release(&idx->names);
    lrs__pairs_release(&idx->pairs);
    lrs_free(idx->lrns_mem);
    lrs_free(idx->ext);
    lrs_free(idx->sb);
    lrs_free(idx->se);
    lrs_free(idx->de);
    lrs_free(idx->heads);
    lrs_free(idx->ulns);
    lrs__apart_free(idx);
    LRS_POISON(idx, sizeof *idx);
    lrs_free(idx);
}

/* ------------------------------------------------------------------ */
/* Records                                                            */
/* ------------------------------------------------------------------ */

enum {
    P_GIVEN,
    P_MIDDLE,
    P_FAMILY,
    P_PREFERRED,
    P_FORMER,
    P__COUNT = P_FORMER + LRS_MATCH_FORMER_MAX
};

/* A learner's names normalised, and its other fields checked. */
struct prep {
    char text[P__COUNT][LRS_NAME_SIZE];
    size_t len[P__COUNT];
    int32_t dob;
    pcode postcode;
};

static const char *const prep_field[P__COUNT] = {
    "given_name",           "middle_names",         "family_name",
    "preferred_given_name", "previous_family_name", "previous_family_name",
};

static enum lrs_err prep_learner(const struct lrs_match_learner *l,
                                 struct prep *p, struct lrs_diag *diag)
{
    const struct lrs_str raw[P__COUNT] = {
        l->given,     l->middle,    l->family,
        l->preferred, l->former[0], l->former[1],
    };
    char uln[24];
    enum lrs_err err;

    snprintf(uln, sizeof uln, "%llu", (unsigned long long)l->uln);
    err = lrs_uln_check(lrs_str_c(uln), diag);
    if (err)
        return err;
    for (int i = 0; i < P__COUNT; i++) {
        err = lrs_name_normalise_to(raw[i], prep_field[i], p->text[i],
                                    &p->len[i], diag);
        if (err)
            return err;
    }
    if (l->dob.year == 0) {
        p->dob = DOB_NONE;
    } else if (!lrs_date_valid(l->dob.year, l->dob.month, l->dob.day)) {
        lrs_diag_set(diag, "date_of_birth", "not a valid date");
        return LRS_ERR(LRS_EINVAL);
    } else {
        p->dob = dob_pack(l->dob);
    }
    if (l->gender != LRS_GENDER_NOT_KNOWN && l->gender != LRS_GENDER_MALE &&
        l->gender != LRS_GENDER_FEMALE &&
        l->gender != LRS_GENDER_NOT_SPECIFIED) {
        lrs_diag_set(diag, "gender", "must be 0, 1, 2 or 9");
        return LRS_ERR(LRS_EINVAL);
    }
    p->postcode = lrs__pc_pack(&l->postcode);
    return LRS_OK;
}

/* Intern the names of `p` into `ids` (may fail: nothing else changes). */
static enum lrs_err intern_all(struct lrs_match_index *idx,
                               const struct prep *p, uint32_t ids[P__COUNT])
{
    for (int i = 0; i < P__COUNT; i++) {
        const enum lrs_err err = lrs__names_intern(
            &idx->names, (struct lrs_str){p->text[i], p->len[i]}, &ids[i]);

        if (err)
            return err;
    }
    return LRS_OK;
}

/* Fill the record of learner `id`; its master is left as it is. */
static void fill(struct lrs_match_index *idx, uint32_t id,
                 const struct lrs_match_learner *l, const struct prep *p,
                 const uint32_t ids[P__COUNT])
{
    struct lrn *r = &idx->lrns[id];
    struct lrn_ext *x = &idx->ext[id];

    x->uln = l->uln;
    r->postcode = p->postcode;
    r->given = ids[P_GIVEN];
    r->middle = ids[P_MIDDLE];
    r->family = ids[P_FAMILY];
    r->preferred = ids[P_PREFERRED];
    r->formers = 0;
    for (int i = 0; i < LRS_MATCH_FORMER_MAX; i++) {
        x->former[i] = ids[P_FORMER + i];
        r->formers = (uint8_t)(r->formers + (x->former[i] != 0));
    }
    r->dob = p->dob;
    r->gender = (uint8_t)l->gender;
    r->unused = 0;
}

static void count_names(struct lrs_match_index *idx, const struct lrn *r,
                        int delta)
{
    idx->names.v[r->given].given_count += (uint32_t)delta;
    idx->names.v[r->family].family_count += (uint32_t)delta;
    lrs__pairs_add(&idx->pairs, r->given, r->family, delta);
}

enum lrs_err lrs_match_index_insert(struct lrs_match_index *idx,
                                    const struct lrs_match_learner *learner,
                                    uint32_t *id, struct lrs_diag *diag)
{
    struct prep p;
    uint32_t ids[P__COUNT];
    uint64_t keys[KEY_SLOTS];
    uint32_t n;
    enum lrs_err err;

    LRS_ASSERT(idx->magic == INDEX_MAGIC);
    err = prep_learner(learner, &p, diag);
    if (err)
        return err;
    pthread_rwlock_wrlock(&idx->lock);
    if (lrs__uln_find(idx, learner->uln) != NONE) {
        lrs_diag_set(diag, "uln", "ULN %llu is already in the index",
                     (unsigned long long)learner->uln);
        err = LRS_ERR(LRS_ECONFLICT);
        goto out;
    }
    err = reserve_learners(idx, (size_t)idx->count + 1);
    if (!err)
        err = reserve_ulns(idx, (size_t)idx->count + 1);
    if (!err)
        err = lrs__pairs_reserve(&idx->pairs, 1);
    if (!err)
        err = intern_all(idx, &p, ids);
    if (err)
        goto out;
    n = idx->count++;
    fill(idx, n, learner, &p, ids);
    idx->ext[n].master = NONE;
    /* Linked with the other pending learners before the next read. */
    idx->keys += (uint64_t)lrs__lrn_keys(idx, n, keys);
    count_names(idx, &idx->lrns[n], 1);
    idx->ulns[uln_slot(idx, idx->ulns, idx->uln_mask, learner->uln)] = n;
    if (id)
        *id = n;
out:
    pthread_rwlock_unlock(&idx->lock);
    return err;
}

enum lrs_err lrs_match_index_update(struct lrs_match_index *idx,
                                    const struct lrs_match_learner *learner,
                                    struct lrs_diag *diag)
{
    struct prep p;
    uint32_t ids[P__COUNT], n;
    uint64_t keys[KEY_SLOTS];
    struct lrn *r;
    bool pending;
    enum lrs_err err;

    LRS_ASSERT(idx->magic == INDEX_MAGIC);
    err = prep_learner(learner, &p, diag);
    if (err)
        return err;
    pthread_rwlock_wrlock(&idx->lock);
    n = lrs__uln_find(idx, learner->uln);
    if (n == NONE) {
        lrs_diag_set(diag, "uln", "ULN %llu is not in the index",
                     (unsigned long long)learner->uln);
        err = LRS_ERR(LRS_ENOTFOUND);
        goto out;
    }
    /* A learner still pending (inserted, not yet linked) is only changed:
     * its new keys are linked with the others. */
    pending = n >= idx->linked;
    err = pending ? LRS_OK : dyn_reserve(idx, KEY_SLOTS);
    if (!err)
        err = lrs__pairs_reserve(&idx->pairs, 1);
    if (!err)
        err = intern_all(idx, &p, ids);
    if (err)
        goto out;
    r = &idx->lrns[n];
    idx->keys -= (uint64_t)lrs__lrn_keys(idx, n, keys);
    if (!pending)
        unlink_learner(idx, n);
    count_names(idx, r, -1);
    fill(idx, n, learner, &p, ids);
    idx->keys += (uint64_t)lrs__lrn_keys(idx, n, keys);
    if (!pending)
        link_learner(idx, n);
    count_names(idx, r, 1);
out:
    pthread_rwlock_unlock(&idx->lock);
    return err;
}

enum lrs_err lrs_match_index_merge(struct lrs_match_index *idx,
                                   uint64_t merged_uln, uint64_t master_uln)
{
    uint32_t a, b;
    enum lrs_err err = LRS_OK;

    LRS_ASSERT(idx->magic == INDEX_MAGIC);
    pthread_rwlock_wrlock(&idx->lock);
    a = lrs__uln_find(idx, merged_uln);
    b = lrs__uln_find(idx, master_uln);
    if (a == NONE || b == NONE) {
        err = LRS_ERR(LRS_ENOTFOUND);
        goto out;
    }
    b = lrs__root(idx, b);
    if (a == b) {
        err = LRS_ERR(LRS_EINVAL); /* the same learner, or a cycle */
        goto out;
    }
    idx->merged += idx->ext[a].master == NONE;
    idx->ext[a].master = b;
out:
    pthread_rwlock_unlock(&idx->lock);
    return err;
}

enum lrs_err lrs_match_index_build(struct lrs_match_index *idx)
{
    enum lrs_err err;

    LRS_ASSERT(idx->magic == INDEX_MAGIC);
    pthread_rwlock_wrlock(&idx->lock);
    err = lrs__index_link(idx);
    pthread_rwlock_unlock(&idx->lock);
    return err;
}

enum lrs_err lrs_match_index_lookup(const struct lrs_match_index *idx,
                                    uint64_t uln, uint32_t *id)
{
    struct lrs_match_index *w = (struct lrs_match_index *)idx;
    uint32_t n;

    pthread_rwlock_rdlock(&w->lock);
    n = lrs__uln_find(idx, uln);
    pthread_rwlock_unlock(&w->lock);
    if (n == NONE)
        return LRS_ENOTFOUND;
    *id = n;
    return LRS_OK;
}

void lrs_match_index_stats(const struct lrs_match_index *idx,
                           struct lrs_match_stats *out)
{
    /* The lock is state, not value: reading through it is still const. */
    struct lrs_match_index *w = (struct lrs_match_index *)idx;

    /* Linked first, so that the bytes are those of the built index; when
     * that cannot be done (no memory) the figures are of what is there. */
    if (lrs__index_rdlock(w))
        pthread_rwlock_rdlock(&w->lock);
    out->learners = idx->count;
    out->merged = idx->merged;
    out->names = idx->names.count - 1;
    out->keys = idx->keys;
    out->bytes = sizeof *idx +
                 (uint64_t)idx->cap * (sizeof *idx->lrns + sizeof *idx->ext) +
                 (idx->lrns_mem ? 64 : 0) +
                 (idx->se ? (idx->sb_mask + 2) * sizeof *idx->sb : 0) +
                 (uint64_t)idx->se_count * sizeof *idx->se +
                 (uint64_t)idx->de_cap * sizeof *idx->de +
                 (idx->head_mask + 1) * sizeof(uint32_t) +
                 (idx->uln_mask + 1) * sizeof(uint32_t) +
                 lrs__names_bytes(&idx->names) + lrs__pairs_bytes(&idx->pairs) +
                 idx->apart_cap * sizeof *idx->apart;
    out->finds = atomic_load_explicit(&idx->finds, memory_order_relaxed);
    out->blocks_oversized =
        atomic_load_explicit(&idx->oversized, memory_order_relaxed);
    pthread_rwlock_unlock(&w->lock);
}

const struct lrs_match_model *
lrs_match_index_model(const struct lrs_match_index *idx)
{
    return &idx->model;
}

enum lrs_err lrs_match_index_set_model(struct lrs_match_index *idx,
                                       const struct lrs_match_model *model,
                                       struct lrs_diag *diag)
{
    const enum lrs_err err = lrs_match_model_check(model, diag);

    LRS_ASSERT(idx->magic == INDEX_MAGIC);
    if (err)
        return err;
    pthread_rwlock_wrlock(&idx->lock);
    idx->model = *model;
    lrs__weights(&idx->model, &idx->w);
    pthread_rwlock_unlock(&idx->lock);
    return LRS_OK;
}
