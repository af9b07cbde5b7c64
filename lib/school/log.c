/*
 * log.c - the export and import logs: entries, their CSV and HTML forms,
 * and the small HTML helpers the census report shares.
 *
 * Entries are kept in one growable array; their strings are copied into
 * the log's own arena, so an entry never borrows from a roster or a CTF
 * reader that may be gone by the time the log is written.
 */
#include "base/base.h"

#include "school/school_int.h"

#include <lrs/csv.h>

static const char *const severity_names[] = {
    "info",
    "change",
    "warning",
    "blocking",
};

const char *lrs_school_severity_name(enum lrs_school_severity s)
{
    if (LRS_NEVER((unsigned)s >= LRS_ARRAY_LEN(severity_names)))
        return "?";
    return severity_names[s];
}

void lrs_school_log_release(struct lrs_school_log *log)
{
    lrs_free(log->items);
    lrs_arena_release(&log->arena);
    log->items = NULL;
    log->count = log->cap = 0;
}

static const char *dup(struct lrs_school_log *log, const char *s)
{
    return lrs_arena_strndup(&log->arena, s ? s : "", s ? strlen(s) : 0);
}

enum lrs_err lrs__school_log_add(struct lrs_school_log *log,
                                 const struct lrs_school_log_entry *e,
                                 const char *fmt, ...)
{
    struct lrs_school_log_entry *n;
    char msg[320];
    va_list ap;

    if (log->count == log->cap) {
        const size_t cap = log->cap ? log->cap * 2 : 32;
        size_t bytes;

        if (lrs_mul_size(cap, sizeof *n, &bytes))
            return LRS_ERR(LRS_ELIMIT);
        n = lrs_realloc(log->items, bytes);
        if (!n)
            return LRS_ERR(LRS_ENOMEM);
        log->items = n;
        log->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    n = &log->items[log->count];
    *n = *e;
    n->upn = dup(log, e->upn);
    n->surname = dup(log, e->surname);
    n->forename = dup(log, e->forename);
    n->outcome = dup(log, e->outcome);
    n->code = e->code ? e->code : "";
    n->field = dup(log, e->field);
    n->old_value = dup(log, e->old_value);
    n->new_value = dup(log, e->new_value);
    n->message = dup(log, msg);
    if (!n->upn || !n->surname || !n->forename || !n->outcome || !n->field ||
        !n->old_value || !n->new_value || !n->message)
        return LRS_ERR(LRS_ENOMEM);
    log->count++;
    return LRS_OK;
}

static enum lrs_err put_u64(struct lrs_buf *out, uint64_t v)
{
    char s[24] = "";

    if (v)
        snprintf(s, sizeof s, "%llu", (unsigned long long)v);
    return lrs_csv_put(out, lrs_str_c(s), false);
}

enum lrs_err lrs_school_log_csv(const struct lrs_school_log *log,
                                struct lrs_buf *out)
{
    enum lrs_err err;

    err = lrs_buf_adds(out, "roster_line,ctf_pupil,upn,surname,forename,"
                            "outcome,code,severity,field,old_value,"
                            "new_value,message\n");
    for (size_t i = 0; !err && i < log->count; i++) {
        const struct lrs_school_log_entry *e = &log->items[i];
        const char *cells[] = {
            e->upn,     e->surname,   e->forename,
            e->outcome, e->code,      lrs_school_severity_name(e->severity),
            e->field,   e->old_value, e->new_value,
            e->message,
        };
        char line[24] = "";

        if (e->roster_line)
            snprintf(line, sizeof line, "%llu",
                     (unsigned long long)e->roster_line);
        err = lrs_csv_put(out, lrs_str_c(line), true);
        if (!err)
            err = put_u64(out, e->ctf_pupil);
        for (size_t k = 0; !err && k < LRS_ARRAY_LEN(cells); k++)
            err = lrs_csv_put(out, lrs_str_c(cells[k]), false);
        if (!err)
            err = lrs_buf_addch(out, '\n');
    }
    return err;
}

/* ------------------------------------------------------------------ */
/* HTML                                                               */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__school_html_escape(struct lrs_buf *out, const char *s)
{
    enum lrs_err err = LRS_OK;

    for (; !err && *s; s++) {
        switch (*s) {
        case '&':
            err = lrs_buf_adds(out, "&amp;");
            break;
        case '<':
            err = lrs_buf_adds(out, "&lt;");
            break;
        case '>':
            err = lrs_buf_adds(out, "&gt;");
            break;
        case '"':
            err = lrs_buf_adds(out, "&quot;");
            break;
        case '\'':
            err = lrs_buf_adds(out, "&#39;");
            break;
        default:
            err = lrs_buf_addch(out, *s);
        }
    }
    return err;
}

enum lrs_err lrs__school_html_open(struct lrs_buf *out, const char *title)
{
    enum lrs_err err;

    err = lrs_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                            "<meta charset=\"utf-8\">\n<title>");
    if (!err)
        err = lrs__school_html_escape(out, title);
    if (!err)
        err = lrs_buf_adds(
            out,
            "</title>\n<style>\n"
            "body{font-family:Arial,sans-serif;font-size:11pt;margin:2em}\n"
            "table{border-collapse:collapse;margin:1em 0}\n"
            "th,td{border:1px solid #b1b4b6;padding:3px 6px;"
            "text-align:left;vertical-align:top}\n"
            "th{background:#f3f2f1}\n"
            "td.num{text-align:right}\n"
            ".blocking{color:#d4351c;font-weight:bold}\n"
            ".warning{color:#805700}\n"
            ".change{color:#00703c}\n"
            "@media print{body{margin:0;font-size:9pt}"
            "tr{page-break-inside:avoid}}\n"
            "</style>\n</head>\n<body>\n<h1>");
    if (!err)
        err = lrs__school_html_escape(out, title);
    if (!err)
        err = lrs_buf_adds(out, "</h1>\n");
    return err;
}

enum lrs_err lrs__school_html_close(struct lrs_buf *out)
{
    return lrs_buf_adds(out, "</body>\n</html>\n");
}

static enum lrs_err cell(struct lrs_buf *out, const char *cls, const char *s)
{
    enum lrs_err err;

    if (cls)
        err = lrs_buf_addf(out, "<td class=\"%s\">", cls);
    else
        err = lrs_buf_adds(out, "<td>");
    if (!err)
        err = lrs__school_html_escape(out, s);
    if (!err)
        err = lrs_buf_adds(out, "</td>");
    return err;
}

static enum lrs_err html_row(struct lrs_buf *out,
                             const struct lrs_school_log_entry *e)
{
    const char *sev = lrs_school_severity_name(e->severity);
    char line[24] = "", pupil[24] = "";
    struct lrs_buf change = LRS_BUF_INIT;
    enum lrs_err err;

    if (e->roster_line)
        snprintf(line, sizeof line, "%llu", (unsigned long long)e->roster_line);
    if (e->ctf_pupil)
        snprintf(pupil, sizeof pupil, "%llu", (unsigned long long)e->ctf_pupil);
    if (*e->field && (*e->old_value || *e->new_value))
        err = lrs_buf_addf(&change, "%s: '%s' \xe2\x86\x92 '%s'", e->field,
                           e->old_value, e->new_value);
    else
        err = lrs_buf_adds(&change, e->field);
    if (!err)
        err = lrs_buf_adds(out, "<tr>");
    if (!err)
        err = cell(out, "num", line);
    if (!err)
        err = cell(out, "num", pupil);
    if (!err)
        err = cell(out, NULL, e->upn);
    if (!err)
        err = cell(out, NULL, e->surname);
    if (!err)
        err = cell(out, NULL, e->forename);
    if (!err)
        err = cell(out, NULL, e->outcome);
    if (!err)
        err = cell(out, sev, e->code);
    if (!err)
        err = cell(out, sev, e->message);
    if (!err)
        err = cell(out, NULL, change.data);
    if (!err)
        err = lrs_buf_adds(out, "</tr>\n");
    lrs_buf_release(&change);
    return err;
}

enum lrs_err lrs_school_log_html(const struct lrs_school_log *log,
                                 const char *title, struct lrs_buf *out)
{
    enum lrs_err err;

    err = lrs__school_html_open(out, title);
    if (!err)
        err = lrs_buf_adds(out, "<table>\n<tr><th>Roster line</th>"
                                "<th>CTF pupil</th><th>UPN</th>"
                                "<th>Surname</th><th>Forename</th>"
                                "<th>Outcome</th><th>Code</th>"
                                "<th>Message</th><th>Field</th></tr>\n");
    for (size_t i = 0; !err && i < log->count; i++)
        err = html_row(out, &log->items[i]);
    if (!err)
        err = lrs_buf_adds(out, "</table>\n");
    if (!err)
        err = lrs__school_html_close(out);
    return err;
}
