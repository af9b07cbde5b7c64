/*
 * ratelimit.c - token buckets per key, in a fixed table.
 *
 * Each key has a bucket of up to `burst` tokens, refilled continuously at
 * `per_minute` a minute; an action takes one. Tokens are counted in units
 * of 1/60000 so that a millisecond refills exactly `per_minute` units:
 * no rounding, and no floating point. The table is
 * open-addressed with a short probe; when a key finds no slot, the slot
 * idle longest in its probe range is reused, which forgets that key's
 * history (it gets a full bucket: generous, never unfair). One mutex
 * guards the table: a take is a few dozen instructions.
 */
#include "base/base.h"

#include <lrs/auth.h>

#include <pthread.h>

#define SLOTS 4096 /* a power of two */
#define PROBE 8
#define UNIT  60000 /* one token; a minute has 60000 ms */

struct slot {
    uint64_t key;    /* 0: empty (keys are user ids, never 0) */
    int64_t seen_ms; /* last refill */
    uint64_t tokens; /* in 1/UNIT of a token */
};

struct lrs_ratelimit {
    pthread_mutex_t lock;
    uint64_t per_minute; /* refill rate */
    uint64_t cap;        /* burst, in 1/UNIT of a token */
    struct slot slots[SLOTS];
};

enum lrs_err lrs_ratelimit_new(uint32_t per_minute, uint32_t burst,
                               struct lrs_ratelimit **out)
{
    struct lrs_ratelimit *rl;

    *out = NULL;
    if (per_minute == 0 || burst == 0)
        return LRS_ERR(LRS_EINVAL);
    rl = lrs_calloc(1, sizeof *rl);
    if (!rl)
        return LRS_ERR(LRS_ENOMEM);
    if (pthread_mutex_init(&rl->lock, NULL) != 0) {
        lrs_free(rl);
        return LRS_ERR(LRS_ENOMEM);
    }
    rl->per_minute = per_minute;
    rl->cap = (uint64_t)burst * UNIT;
    *out = rl;
    return LRS_OK;
}

void lrs_ratelimit_free(struct lrs_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->lock);
    lrs_free(rl);
}

static uint64_t mix(uint64_t x)
{
    /* splitmix64's finaliser: spreads sequential user ids. */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9u;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

static struct slot *find(struct lrs_ratelimit *rl, uint64_t key, int64_t now_ms)
{
    const size_t home = (size_t)(mix(key) & (SLOTS - 1));
    struct slot *victim = NULL;

    for (size_t i = 0; i < PROBE; i++) {
        struct slot *s = &rl->slots[(home + i) & (SLOTS - 1)];

        if (s->key == key)
            return s;
        /* Prefer an empty slot, else the one idle longest. */
        if (!victim ||
            (victim->key != 0 && (s->key == 0 || s->seen_ms < victim->seen_ms)))
            victim = s;
    }
    victim->key = key;
    victim->seen_ms = now_ms;
    victim->tokens = rl->cap;
    return victim;
}

enum lrs_err lrs_ratelimit_take(struct lrs_ratelimit *rl, uint64_t key,
                                int64_t now_ms, int64_t *retry_after_ms)
{
    enum lrs_err err = LRS_OK;
    struct slot *s;

    if (key == 0)
        key = UINT64_MAX; /* 0 marks an empty slot */
    pthread_mutex_lock(&rl->lock);
    s = find(rl, key, now_ms);
    if (now_ms > s->seen_ms) {
        const uint64_t gain = (uint64_t)(now_ms - s->seen_ms) * rl->per_minute;

        s->tokens = s->tokens + gain > rl->cap ? rl->cap : s->tokens + gain;
        s->seen_ms = now_ms;
    }
    if (s->tokens >= UNIT) {
        s->tokens -= UNIT;
    } else {
        err = LRS_ELIMIT;
        if (retry_after_ms)
            *retry_after_ms =
                (int64_t)((UNIT - s->tokens + rl->per_minute - 1) /
                          rl->per_minute);
    }
    pthread_mutex_unlock(&rl->lock);
    return err;
}
