/*
 * err.c - error names, diagnostics, the debug error hook, bugs and logging.
 */
#include "base.h"

static const char *const err_names[LRS_ERR__COUNT] = {
    [LRS_OK] = "success",
    [LRS_ENOMEM] = "out of memory",
    [LRS_EINVAL] = "invalid input",
    [LRS_ENOTFOUND] = "not found",
    [LRS_ECONFLICT] = "conflicting change",
    [LRS_EIO] = "input/output error",
    [LRS_ECORRUPT] = "stored data is corrupt",
    [LRS_EBUSY] = "resource busy",
    [LRS_ELIMIT] = "limit exceeded",
};

const char *lrs_strerror(enum lrs_err err)
{
    if ((unsigned)err >= LRS_ERR__COUNT || !err_names[err])
        return "unknown error";
    return err_names[err];
}

void lrs_diag_set(struct lrs_diag *d, const char *field, const char *fmt, ...)
{
    va_list ap;

    if (!d)
        return;
    d->field = field;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
}

enum lrs_err lrs__err(enum lrs_err code, const char *file, int line)
{
    LRS_LOG(LRS_LOG_DEBUG, "base", "%s:%d: %s", file, line, lrs_strerror(code));
    return code;
}

void lrs__bug(const char *file, int line, const char *what)
{
    fprintf(stderr, "BUG: %s:%d: %s\n", file, line, what);
    abort();
}

/* ------------------------------------------------------------------ */
/* Logging                                                            */
/* ------------------------------------------------------------------ */

enum lrs_log_level lrs__log_min = LRS_LOG_OFF;
static lrs_log_fn log_fn;
static void *log_ctx;

void lrs_log_set(lrs_log_fn fn, void *ctx, enum lrs_log_level min_level)
{
    log_fn = fn;
    log_ctx = ctx;
    lrs__log_min = fn ? min_level : LRS_LOG_OFF;
}

void lrs__log(enum lrs_log_level level, const char *module, const char *fmt,
              ...)
{
    char msg[512];
    va_list ap;

    if (!log_fn || level < lrs__log_min)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_fn(level, module, msg, log_ctx);
}

const char *lrs_version(void)
{
    return LRS_VERSION;
}
