/*
 * log.c - one structured line per event on stderr.
 *
 * A line is `level module req_id msg k=v ...`, e.g.
 *
 *   info http 000000000000002a request method=GET route=/healthz status=200
 *
 * It is built in a stack buffer and written with one write(2), which POSIX
 * keeps whole for pipes up to PIPE_BUF bytes, so threads never interleave.
 * Longer lines are cut at LINE_MAX_LEN and end with "...". Time stamps are
 * left to whatever collects stderr (journald, a container runtime), which
 * adds its own. Learner personal data never reaches this file: callers log
 * route patterns and identifiers of accounts, never paths or bodies.
 */
#include "lrsd.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LINE_MAX_LEN 1024

static enum lrs_log_level min_level = LRS_LOG_INFO;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void lrsd_log_init(enum lrs_log_level level)
{
    min_level = level;
}

bool lrsd_log_on(enum lrs_log_level level)
{
    return level >= min_level && level < LRS_LOG_OFF;
}

static bool is_safe(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || strchr("_-./:{}@,+", c) != NULL;
}

const char *lrsd_log_quote(const char *s, char *out, size_t out_len)
{
    size_t n = 0;
    bool bare = *s != '\0';

    if (out_len < 4) {
        if (out_len)
            out[0] = '\0';
        return out;
    }
    for (const char *p = s; *p && bare; p++)
        bare = is_safe(*p);
    if (bare) {
        snprintf(out, out_len, "%s", s);
        return out;
    }
    out[n++] = '"';
    for (const char *p = s; *p && n + 3 < out_len; p++) {
        unsigned char c = (unsigned char)*p;

        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else {
            out[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
        }
    }
    out[n++] = '"';
    out[n] = '\0';
    return out;
}

void lrsd_log(enum lrs_log_level level, const char *module, const char *req_id,
              const char *msg, const char *kv_fmt, ...)
{
    char line[LINE_MAX_LEN];
    char qmsg[256];
    size_t n;
    int w;

    if (!lrsd_log_on(level))
        return;
    w = snprintf(line, sizeof line, "%s %s %s %s", level_names[level], module,
                 req_id ? req_id : "-", lrsd_log_quote(msg, qmsg, sizeof qmsg));
    n = w < 0 ? 0 : (size_t)w;
    if (kv_fmt && n < sizeof line - 1) {
        va_list ap;

        line[n++] = ' ';
        va_start(ap, kv_fmt);
        w = vsnprintf(line + n, sizeof line - n, kv_fmt, ap);
        va_end(ap);
        n += w < 0 ? 0 : (size_t)w;
    }
    if (n >= sizeof line - 1) {
        /* Cut, and say so, keeping room for the newline. */
        n = sizeof line - 5;
        memcpy(line + n, "...", 3);
        n += 3;
    }
    line[n++] = '\n';
    /* A failed log write has nowhere to be reported. */
    if (write(STDERR_FILENO, line, n) < 0)
        return;
}

void lrsd_log_lib(enum lrs_log_level level, const char *module, const char *msg,
                  void *ctx)
{
    char q[512];

    (void)ctx;
    lrsd_log(level, module, NULL, "lib", "text=%s",
             lrsd_log_quote(msg, q, sizeof q));
}
