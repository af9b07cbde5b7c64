/*
 * arena.c - a bump allocator in a list of chunks (h2o's mem pool).
 *
 * Allocations come from the newest chunk; one that does not fit starts a
 * new chunk, sized for it when it is larger than the default. Everything is
 * freed at once by lrs_arena_release().
 */
#include "base.h"

#include <stdalign.h>

struct lrs_arena_chunk {
    struct lrs_arena_chunk *next; /* older chunk */
    size_t used, size;            /* bytes of data[] */
    alignas(max_align_t) unsigned char data[];
};

#define ARENA_DEFAULT_CHUNK 4096u
#define ARENA_ALIGN         (alignof(max_align_t))

void *lrs_arena_alloc(struct lrs_arena *a, size_t size)
{
    struct lrs_arena_chunk *c = a->head;
    size_t chunk;
    void *p;

    if (size > SIZE_MAX - ARENA_ALIGN - sizeof *c)
        return NULL;
    size = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
    if (!c || c->size - c->used < size) {
        chunk = a->chunk_size ? a->chunk_size : ARENA_DEFAULT_CHUNK;
        if (chunk < size)
            chunk = size;
        c = lrs_malloc(sizeof *c + chunk);
        if (!c)
            return NULL;
        c->used = 0;
        c->size = chunk;
        c->next = a->head;
        a->head = c;
    }
    p = c->data + c->used;
    c->used += size;
    return p;
}

char *lrs_arena_strndup(struct lrs_arena *a, const char *s, size_t len)
{
    char *p;

    if (len == SIZE_MAX)
        return NULL;
    p = lrs_arena_alloc(a, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void lrs_arena_release(struct lrs_arena *a)
{
    struct lrs_arena_chunk *c = a->head;

    while (c) {
        struct lrs_arena_chunk *next = c->next;

        LRS_POISON(c, sizeof *c + c->size);
        lrs_free(c);
        c = next;
    }
    a->head = NULL;
}
