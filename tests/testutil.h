/*
 * testutil.h - helpers shared by the cmocka unit tests.
 *
 * A failing allocator for the OOM loop (curl -t, SQLite faultsim): install
 * it with test_alloc_fail_at(n) so that the nth allocation from now fails,
 * run the code, then test_alloc_reset(). test_alloc_live() counts the blocks
 * still allocated through the hook, for leak checks.
 */
#ifndef LRS_TESTUTIL_H
#define LRS_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include <lrs/base.h>

/** Fail the nth allocation from now (1 = the next one); 0 never fails. */
void test_alloc_fail_at(unsigned long n);
/** Restore libc allocation. */
void test_alloc_reset(void);
/** Whether the armed failure has happened. */
int test_alloc_failed(void);
/** Blocks allocated through the hook and not yet freed. */
long test_alloc_live(void);

#endif /* LRS_TESTUTIL_H */
