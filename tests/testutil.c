/*
 * testutil.c - the failing allocator behind testutil.h.
 *
 * It keeps a live-block count so an OOM loop can also check for leaks.
 * Not thread-safe: the OOM tests are single-threaded.
 */
#include "testutil.h"

#include <stdlib.h>

static unsigned long countdown;
static int failed;
static long live;

static int should_fail(void)
{
    if (countdown == 0)
        return 0;
    if (--countdown == 0) {
        failed = 1;
        return 1;
    }
    return 0;
}

static void *t_malloc(size_t n)
{
    void *p = should_fail() ? NULL : malloc(n);

    live += p != NULL;
    return p;
}

static void *t_calloc(size_t c, size_t n)
{
    void *p = should_fail() ? NULL : calloc(c, n);

    live += p != NULL;
    return p;
}

static void *t_realloc(void *ptr, size_t n)
{
    void *p;

    if (should_fail())
        return NULL;
    p = realloc(ptr, n);
    live += p != NULL && ptr == NULL;
    return p;
}

static void t_free(void *p)
{
    live -= p != NULL;
    free(p);
}

static const struct lrs_allocator failing = {t_malloc, t_calloc, t_realloc,
                                             t_free};

void test_alloc_fail_at(unsigned long n)
{
    countdown = n;
    failed = 0;
    live = 0;
    lrs_set_allocator(&failing);
}

void test_alloc_reset(void)
{
    countdown = 0;
    lrs_set_allocator(NULL);
}

int test_alloc_failed(void)
{
    return failed;
}

long test_alloc_live(void)
{
    return live;
}
