/*
 * alloc.c - the allocation hook (libuv's uv_replace_allocator) and the
 * overflow-checked size helpers.
 */
#include "base.h"

static const struct lrs_allocator libc_allocator = {malloc, calloc, realloc,
                                                    free};
static const struct lrs_allocator *alloc = &libc_allocator;

void lrs_set_allocator(const struct lrs_allocator *a)
{
    alloc = a ? a : &libc_allocator;
}

void *lrs_malloc(size_t size)
{
    return alloc->malloc_fn(size ? size : 1);
}

void *lrs_calloc(size_t count, size_t size)
{
    size_t total;

    if (lrs_mul_size(count, size, &total))
        return NULL;
    return alloc->calloc_fn(count ? count : 1, size ? size : 1);
}

void *lrs_realloc(void *ptr, size_t size)
{
    return alloc->realloc_fn(ptr, size ? size : 1);
}

void lrs_free(void *ptr)
{
    if (ptr)
        alloc->free_fn(ptr);
}

char *lrs_strndup(const char *s, size_t len)
{
    char *p;

    if (len == SIZE_MAX)
        return NULL;
    p = lrs_malloc(len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

enum lrs_err lrs_mul_size(size_t a, size_t b, size_t *out)
{
    if (b && a > SIZE_MAX / b)
        return LRS_ERR(LRS_ELIMIT);
    *out = a * b;
    return LRS_OK;
}
