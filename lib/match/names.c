/*
 * names.c - the name table of the index: each distinct normalised name is
 * stored once, with the Double Metaphone codes of its first token (and
 * the primary code of its last), and how many learners hold it as a given
 * and as a family name. Learners refer to names by id; id 0 is the empty
 * (missing) name.
 *
 * Lookup is an open-addressed table of ids hashed by FNV-1a, kept at most
 * half full. Growing any array may fail; the table is then unchanged.
 */
#include "base/base.h"

#include "match/match_int.h"

static uint64_t fnv(struct lrs_str s)
{
    uint64_t h = 0xcbf29ce484222325u;

    for (size_t i = 0; i < s.len; i++)
        h = (h ^ (unsigned char)s.ptr[i]) * 0x100000001b3u;
    return h;
}

mpcode lrs__mp_pack(const char *code)
{
    mpcode v = 0;

    for (size_t i = 0; i < 4 && code[i]; i++)
        v |= (mpcode)(unsigned char)code[i] << (8 * i);
    return v;
}

void lrs__name_codes(struct lrs_str s, mpcode first[2], mpcode *last)
{
    struct lrs_str rest = s, tok, first_tok = {NULL, 0}, last_tok = {NULL, 0};
    struct lrs_metaphone mp;

    first[0] = first[1] = 0;
    *last = 0;
    while (lrs_name_token_next(&rest, &tok)) {
        if (!first_tok.len)
            first_tok = tok;
        last_tok = tok;
    }
    if (!first_tok.len)
        return;
    lrs_name_metaphone(first_tok, 4, &mp);
    first[0] = lrs__mp_pack(mp.primary);
    first[1] = lrs__mp_pack(mp.alternate);
    if (last_tok.ptr != first_tok.ptr) {
        lrs_name_metaphone(last_tok, 4, &mp);
        *last = lrs__mp_pack(mp.primary);
    }
}

static uint32_t *slot_of(uint32_t *slots, size_t mask, const struct name *v,
                         const char *pool, struct lrs_str s)
{
    size_t i = (size_t)fnv(s) & mask;

    for (;;) {
        const uint32_t id = slots[i];

        if (id == NONE)
            return &slots[i];
        if (v[id].len == s.len && memcmp(pool + v[id].off, s.ptr, s.len) == 0)
            return &slots[i];
        i = (i + 1) & mask;
    }
}

static enum lrs_err grow_slots(struct names *n)
{
    const size_t cap = (n->slot_mask + 1) * 2;
    uint32_t *slots = lrs_calloc(cap, sizeof *slots);

    if (!slots)
        return LRS_ERR(LRS_ENOMEM);
    memset(slots, 0xff, cap * sizeof *slots);
    for (uint32_t id = 1; id < n->count; id++) {
        const struct lrs_str s = {n->pool + n->v[id].off, n->v[id].len};

        *slot_of(slots, cap - 1, n->v, n->pool, s) = id;
    }
    lrs_free(n->slots);
    n->slots = slots;
    n->slot_mask = cap - 1;
    return LRS_OK;
}

enum lrs_err lrs__names_init(struct names *n)
{
    memset(n, 0, sizeof *n);
    n->v = lrs_calloc(64, sizeof *n->v);
    n->pool = lrs_malloc(1024);
    n->slots = lrs_malloc(128 * sizeof *n->slots);
    if (!n->v || !n->pool || !n->slots) {
        lrs__names_release(n);
        return LRS_ERR(LRS_ENOMEM);
    }
    memset(n->slots, 0xff, 128 * sizeof *n->slots);
    n->slot_mask = 127;
    n->cap = 64;
    n->count = 1; /* id 0: the empty name at offset 0 */
    n->pool[0] = '\0';
    n->pool_len = 1;
    n->pool_cap = 1024;
    return LRS_OK;
}

void lrs__names_release(struct names *n)
{
    lrs_free(n->v);
    lrs_free(n->pool);
    lrs_free(n->slots);
    memset(n, 0, sizeof *n);
}

static enum lrs_err reserve(struct names *n, size_t text_len)
{
    if (n->pool_len + text_len + 1 > n->pool_cap) {
        size_t cap = n->pool_cap * 2;
        char *p;

        while (cap < n->pool_len + text_len + 1)
            cap *= 2;
        if (cap > UINT32_MAX)
            return LRS_ERR(LRS_ELIMIT);
        p = lrs_realloc(n->pool, cap);
        if (!p)
            return LRS_ERR(LRS_ENOMEM);
        n->pool = p;
        n->pool_cap = cap;
    }
    if (n->count == n->cap) {
        struct name *v;

        if (n->cap >= NONE / 2)
            return LRS_ERR(LRS_ELIMIT);
        v = lrs_realloc(n->v, (size_t)n->cap * 2 * sizeof *v);
        if (!v)
            return LRS_ERR(LRS_ENOMEM);
        n->v = v;
        n->cap *= 2;
    }
    if (2 * ((size_t)n->count + 1) > n->slot_mask + 1)
        return grow_slots(n);
    return LRS_OK;
}

enum lrs_err lrs__names_intern(struct names *n, struct lrs_str s, uint32_t *id)
{
    uint32_t *slot;
    struct name *e;
    enum lrs_err err;

    if (s.len == 0) {
        *id = 0;
        return LRS_OK;
    }
    slot = slot_of(n->slots, n->slot_mask, n->v, n->pool, s);
    if (*slot != NONE) {
        *id = *slot;
        return LRS_OK;
    }
    err = reserve(n, s.len);
    if (err)
        return err;
    slot = slot_of(n->slots, n->slot_mask, n->v, n->pool, s);
    e = &n->v[n->count];
    memset(e, 0, sizeof *e);
    e->off = (uint32_t)n->pool_len;
    e->len = (uint16_t)s.len;
    memcpy(n->pool + n->pool_len, s.ptr, s.len);
    n->pool[n->pool_len + s.len] = '\0';
    n->pool_len += s.len + 1;
    {
        struct lrs_str rest = s, tok;

        while (lrs_name_token_next(&rest, &tok))
            e->ntok = (uint8_t)(e->ntok + (e->ntok < UINT8_MAX));
    }
    e->nick = lrs__nickname_any(s);
    lrs__name_codes(s, e->first, &e->last);
    *slot = n->count;
    *id = n->count++;
    return LRS_OK;
}

uint32_t lrs__names_find(const struct names *n, struct lrs_str s)
{
    uint32_t id;

    if (s.len == 0)
        return 0;
    id = *slot_of(n->slots, n->slot_mask, n->v, n->pool, s);
    return id == NONE ? 0 : id;
}

size_t lrs__names_bytes(const struct names *n)
{
    return (size_t)n->cap * sizeof *n->v + n->pool_cap +
           (n->slot_mask + 1) * sizeof *n->slots;
}

void lrs__name_view(const struct names *n, uint32_t id, bool family,
                    struct nm *out)
{
    const struct name *e = &n->v[id];

    out->s = (struct lrs_str){n->pool + e->off, e->len};
    out->id = id;
    out->first[0] = e->first[0];
    out->first[1] = e->first[1];
    out->nick = e->nick;
    out->count = family ? e->family_count : e->given_count;
    out->memo = NULL;
    out->exact[0] = out->exact[1] = 0;
    out->exact_known = false;
}
