/*
 * base/base.h - the first include of every file in lib/.
 *
 * Brings in the public base API, the C headers every file needs, the
 * internal error and assertion macros and, last, banned.h so that unsafe
 * libc functions fail to compile.
 */
#ifndef LRS_LIB_BASE_H
#define LRS_LIB_BASE_H

#include <lrs/base.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Raise an error. In debug builds this logs where the error was raised,
 * which makes lrs__err() the one place to set a breakpoint.
 */
#ifdef LRS_DEBUG
#define LRS_ERR(code) lrs__err((code), __FILE__, __LINE__)
#else
#define LRS_ERR(code) (code)
#endif
enum lrs_err lrs__err(enum lrs_err code, const char *file, int line);

/* Programmer mistakes: LRS_BUG always aborts; LRS_ASSERT only in debug. */
_Noreturn void lrs__bug(const char *file, int line, const char *what);
#define LRS_BUG(what) lrs__bug(__FILE__, __LINE__, (what))
#ifdef LRS_DEBUG
#define LRS_ASSERT(x) ((x) ? (void)0 : lrs__bug(__FILE__, __LINE__, #x))
#define LRS_ALWAYS(x) ((x) ? 1 : (lrs__bug(__FILE__, __LINE__, #x), 0))
#define LRS_NEVER(x)  ((x) ? (lrs__bug(__FILE__, __LINE__, #x), 1) : 0)
#else
#define LRS_ASSERT(x) ((void)0)
#define LRS_ALWAYS(x) (x)
#define LRS_NEVER(x)  (x)
#endif

/* Logging: arguments are not evaluated when the level is off. */
extern enum lrs_log_level lrs__log_min;
void lrs__log(enum lrs_log_level level, const char *module, const char *fmt,
              ...) LRS_PRINTF(3, 4);
#define LRS_LOG(level, module, ...)                                            \
    do {                                                                       \
        if ((level) >= lrs__log_min)                                           \
            lrs__log((level), (module), __VA_ARGS__);                          \
    } while (0)

/* Debug-build poisoning of freed memory (SQLite's 0xaa). */
#ifdef LRS_DEBUG
#define LRS_POISON(p, n) memset((p), 0xaa, (n))
#else
#define LRS_POISON(p, n) ((void)(p), (void)(n))
#endif

#define LRS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* An intended fall-through between switch labels: gcc accepts a comment,
 * clang (in C) only the attribute, so use this everywhere. */
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 7)
#define LRS_FALLTHROUGH __attribute__((fallthrough))
#else
#define LRS_FALLTHROUGH ((void)0)
#endif

#include "banned.h"

#endif /* LRS_LIB_BASE_H */
