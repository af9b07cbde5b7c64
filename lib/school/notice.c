/*
 * notice.c - privacy notices for pupils who have just received a ULN.
 *
 * Pupils are given privacy notices once ULNs are obtained (DOMAIN.md, "The
 * school side"). The notice is a printable HTML page in plain words: the
 * pupil's ULN, what the ULN and the Personal Learning Record are, and who
 * can see the record. The wording is openlrs's own. Every roster value is
 * escaped; the pages carry print styles and no scripts.
 *
 * "Just received" compares two rosters: a pupil gets a notice when it
 * holds a valid ULN now and, in the earlier roster, is absent or held no
 * valid ULN. The earlier row is found by UPN (a sorted index), then by the
 * pupil's former UPN (a temporary UPN that import replaced), then by
 * surname, forename and date of birth compared as import compares them.
 */
#include "base/base.h"

#include "school/school_int.h"

#include <stdlib.h>

/* ------------------------------------------------------------------ */
/* Choosing the pupils                                                */
/* ------------------------------------------------------------------ */

static bool has_valid_uln(const struct lrs_school_pupil *p)
{
    const char *uln = p->field[LRS_SCHOOL_ULN];

    return *uln && lrs_uln_check(lrs_str_c(uln), NULL) == LRS_OK;
}

/* The row of `before` holding UPN `upn`, or SIZE_MAX. */
static size_t by_upn(const struct lrs__school_key *keys, size_t n,
                     const char *upn)
{
    if (!*upn)
        return SIZE_MAX;
    for (size_t lo = 0, hi = n; lo < hi;) {
        const size_t mid = lo + (hi - lo) / 2;
        const int c = strcmp(keys[mid].key, upn);

        if (c == 0)
            return keys[mid].row;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

/* The row of `before` that is pupil `p`, or SIZE_MAX. */
static size_t find_before(const struct lrs_school_roster *before,
                          const struct lrs__school_key *keys, size_t n,
                          const struct lrs_school_pupil *p)
{
    size_t row = by_upn(keys, n, p->field[LRS_SCHOOL_UPN]);

    if (row == SIZE_MAX)
        row = by_upn(keys, n, p->field[LRS_SCHOOL_FORMER_UPN]);
    if (row != SIZE_MAX || !p->has_dob)
        return row;
    for (size_t i = 0; i < before->count; i++) {
        const struct lrs_school_pupil *q = &before->pupils[i];

        if (q->has_dob &&
            lrs_date_to_days(q->dob) == lrs_date_to_days(p->dob) &&
            lrs__school_same_name(q->field[LRS_SCHOOL_SURNAME],
                                  p->field[LRS_SCHOOL_SURNAME]) &&
            lrs__school_same_name(q->field[LRS_SCHOOL_FORENAME],
                                  p->field[LRS_SCHOOL_FORENAME]))
            return i;
    }
    return SIZE_MAX;
}

/* A sorted index of the UPNs of `r`; *keys is owned (lrs_free). */
static enum lrs_err upn_index(const struct lrs_school_roster *r,
                              struct lrs__school_key **keys, size_t *n)
{
    size_t bytes;

    *keys = NULL;
    *n = 0;
    if (r->count == 0)
        return LRS_OK;
    if (lrs_mul_size(r->count, sizeof **keys, &bytes))
        return LRS_ERR(LRS_ELIMIT);
    *keys = lrs_malloc(bytes);
    if (!*keys)
        return LRS_ERR(LRS_ENOMEM);
    for (size_t i = 0; i < r->count; i++) {
        if (*r->pupils[i].field[LRS_SCHOOL_UPN]) {
            (*keys)[*n].key = r->pupils[i].field[LRS_SCHOOL_UPN];
            (*keys)[(*n)++].row = i;
        }
    }
    qsort(*keys, *n, sizeof **keys, lrs__school_key_cmp);
    return LRS_OK;
}

enum lrs_err lrs_school_notices_select(const struct lrs_school_roster *r,
                                       const struct lrs_school_roster *before,
                                       size_t **rows, size_t *count)
{
    struct lrs__school_key *keys = NULL;
    size_t nkeys = 0, bytes;
    enum lrs_err err;

    LRS_ASSERT(r && r->magic == LRS__SCHOOL_ROSTER_MAGIC);
    *rows = NULL;
    *count = 0;
    if (r->count == 0)
        return LRS_OK;
    if (lrs_mul_size(r->count, sizeof **rows, &bytes))
        return LRS_ERR(LRS_ELIMIT);
    if (before) {
        err = upn_index(before, &keys, &nkeys);
        if (err)
            return err;
    }
    *rows = lrs_malloc(bytes);
    if (!*rows) {
        lrs_free(keys);
        return LRS_ERR(LRS_ENOMEM);
    }
    for (size_t i = 0; i < r->count; i++) {
        const struct lrs_school_pupil *p = &r->pupils[i];
        size_t was;

        if (!has_valid_uln(p))
            continue;
        if (before) {
            was = find_before(before, keys, nkeys, p);
            if (was != SIZE_MAX && has_valid_uln(&before->pupils[was]))
                continue;
        }
        (*rows)[(*count)++] = i;
    }
    lrs_free(keys);
    return LRS_OK;
}

void lrs_school_notice_file_name(const struct lrs_school_roster *r, size_t row,
                                 char out[LRS_SCHOOL_NOTICE_NAME_SIZE])
{
    const struct lrs_school_pupil *p = lrs_school_roster_pupil(r, row);
    const char *upn = p->field[LRS_SCHOOL_UPN];

    /* A valid UPN is 13 characters of A-Z and 0-9, safe in a file name
     * and unique in a roster; anything else is named by its line. */
    if (*upn && lrs_upn_check(lrs_str_c(upn), NULL, NULL) == LRS_OK)
        snprintf(out, LRS_SCHOOL_NOTICE_NAME_SIZE, "notice-%s.html", upn);
    else
        snprintf(out, LRS_SCHOOL_NOTICE_NAME_SIZE, "notice-line-%llu.html",
                 (unsigned long long)p->line);
}

/* ------------------------------------------------------------------ */
/* The pages                                                          */
/* ------------------------------------------------------------------ */

static const char page_style[] =
    "<style>\n"
    "@page{size:A4;margin:18mm}\n"
    "body{font-family:Arial,sans-serif;font-size:12pt;line-height:1.45;"
    "color:#0b0c0c;max-width:42em;margin:2em auto;padding:0 1em}\n"
    "h1{font-size:20pt;margin:0 0 .6em}\n"
    "h2{font-size:14pt;margin:1.3em 0 .3em}\n"
    "table{border-collapse:collapse;margin:1em 0}\n"
    "th,td{border:1px solid #b1b4b6;padding:3px 8px;text-align:left}\n"
    "th{background:#f3f2f1}\n"
    ".uln{font-size:24pt;font-weight:bold;letter-spacing:.12em;"
    "border:3px solid #0b0c0c;display:inline-block;padding:.15em .6em}\n"
    ".who th{border:0;background:none;padding-left:0}\n"
    ".who td{border:0}\n"
    /* One A4 sheet per notice when printed. */
    "@media print{body{margin:0;max-width:none;font-size:10pt;"
    "line-height:1.3}h1{font-size:16pt}h2{font-size:12pt;margin:.8em 0 .2em;"
    "page-break-after:avoid}p,ul{margin:.4em 0}.uln{font-size:20pt}"
    "a{color:inherit;text-decoration:none}}\n"
    "</style>\n";

/* Append the literal `lit`, then `s` escaped. */
static enum lrs_err add_esc(struct lrs_buf *out, const char *lit, const char *s)
{
    enum lrs_err err = lrs_buf_adds(out, lit);

    return err ? err : lrs__school_html_escape(out, s);
}

static enum lrs_err page_open(struct lrs_buf *out, const char *title,
                              const char *title2)
{
    enum lrs_err err;

    err = add_esc(out,
                  "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                  "<meta charset=\"utf-8\">\n<title>",
                  title);
    if (!err && title2)
        err = add_esc(out, " - ", title2);
    if (!err)
        err = lrs_buf_adds(out, "</title>\n");
    if (!err)
        err = lrs_buf_adds(out, page_style);
    if (!err)
        err = lrs_buf_adds(out, "</head>\n<body>\n");
    return err;
}

/* The pupil's name as it is written: forename, middle names, surname. */
static enum lrs_err add_name(struct lrs_buf *out,
                             const struct lrs_school_pupil *p)
{
    const char *parts[] = {p->field[LRS_SCHOOL_FORENAME],
                           p->field[LRS_SCHOOL_MIDDLE_NAMES],
                           p->field[LRS_SCHOOL_SURNAME]};
    enum lrs_err err = LRS_OK;
    bool first = true;

    for (size_t i = 0; !err && i < LRS_ARRAY_LEN(parts); i++) {
        if (!*parts[i])
            continue;
        if (!first)
            err = lrs_buf_addch(out, ' ');
        if (!err)
            err = lrs__school_html_escape(out, parts[i]);
        first = false;
    }
    return err;
}

/* The explanation, the same for every pupil; openlrs's own words. */
static const char notice_text[] =
    "<h2>What is a ULN?</h2>\n"
    "<p>A Unique Learner Number is a ten-digit number that belongs to you "
    "for life. It stays the same when you change school, go to college or "
    "university, start an apprenticeship or training, or change your name. "
    "It is not the same as your Unique Pupil Number (UPN), which only "
    "schools use.</p>\n"
    "<p>Your school asked for it for you, sending your name, date of "
    "birth, sex and address so that the number is yours and nobody "
    "else's. Keep this page: colleges, training providers and exam boards "
    "may ask you for your ULN.</p>\n"
    "<h2>What is your Personal Learning Record?</h2>\n"
    "<p>Your Personal Learning Record is a list of the qualifications you "
    "take from the age of 14, such as GCSEs, A levels and technical or "
    "vocational qualifications: what each one is, your grade and when you "
    "achieved it. Exam boards and other awarding organisations add your "
    "results to it, and use your ULN to make sure each result goes on "
    "your record and no one else's. The record, and the details that "
    "identify you, are kept by the Learning Records Service.</p>\n"
    "<h2>Who can see it?</h2>\n"
    "<ul>\n"
    "<li>You can. You can look at your own record and share it with "
    "someone else, for example an employer, if you choose to.</li>\n"
    "<li>Schools, colleges, universities and training providers, while "
    "you learn with them or apply to them: for example to see which "
    "qualifications you already have.</li>\n"
    "<li>Careers advisers, when they are helping you plan what to do "
    "next.</li>\n"
    "<li>Exam boards and awarding organisations, to add your results.</li>\n"
    "</ul>\n"
    "<p>Nobody else can see it: it is not published and it is not "
    "sold.</p>\n"
    "<h2>If something is wrong</h2>\n"
    "<p>If your name, date of birth or anything else on this page is "
    "wrong, tell the school office so that it can be put right. You can "
    "also ask the school how your information is used and what your "
    "rights over it are.</p>\n";

/* Append the body of pupil `row`'s notice: from its heading to the end
 * of the explanation. */
static enum lrs_err notice_body(const struct lrs_school_roster *r, size_t row,
                                const char *school_name, struct lrs_buf *out)
{
    const struct lrs_school_pupil *p = lrs_school_roster_pupil(r, row);
    enum lrs_err err;

    err = lrs_buf_adds(out, "<h1>Your Unique Learner Number</h1>\n"
                            "<table class=\"who\">\n<tr><th>For</th><td>");
    if (!err)
        err = add_name(out, p);
    if (!err && *p->field[LRS_SCHOOL_UPN])
        err = add_esc(out, "</td></tr>\n<tr><th>UPN</th><td>",
                      p->field[LRS_SCHOOL_UPN]);
    if (!err && school_name && *school_name)
        err = add_esc(out, "</td></tr>\n<tr><th>School</th><td>", school_name);
    if (!err)
        err = add_esc(out,
                      "</td></tr>\n</table>\n"
                      "<p>Your Unique Learner Number (ULN) is:</p>\n"
                      "<p class=\"uln\">",
                      p->field[LRS_SCHOOL_ULN]);
    if (!err)
        err = lrs_buf_adds(out, "</p>\n");
    if (!err)
        err = lrs_buf_adds(out, notice_text);
    return err;
}

enum lrs_err lrs_school_notice_html(const struct lrs_school_roster *r,
                                    size_t row, const char *school_name,
                                    struct lrs_buf *out)
{
    const struct lrs_school_pupil *p = lrs_school_roster_pupil(r, row);
    enum lrs_err err;

    err = page_open(out, "Your Unique Learner Number",
                    p->field[LRS_SCHOOL_SURNAME]);
    if (!err)
        err = notice_body(r, row, school_name, out);
    if (!err)
        err = lrs__school_html_close(out);
    return err;
}

enum lrs_err lrs_school_notices_print_html(const struct lrs_school_roster *r,
                                           const size_t *rows, size_t count,
                                           const char *school_name,
                                           struct lrs_buf *out)
{
    enum lrs_err err;

    err = page_open(out, "Privacy notices for new ULNs", school_name);
    /* Each notice starts a new sheet; none breaks after the last. */
    if (!err)
        err = lrs_buf_adds(out, "<style>.notice{break-after:page}"
                                ".notice:last-child{break-after:auto}"
                                "</style>\n");
    for (size_t i = 0; !err && i < count; i++) {
        err = lrs_buf_adds(out, "<section class=\"notice\">\n");
        if (!err)
            err = notice_body(r, rows[i], school_name, out);
        if (!err)
            err = lrs_buf_adds(out, "</section>\n");
    }
    if (!err)
        err = lrs__school_html_close(out);
    return err;
}

enum lrs_err lrs_school_notice_index_html(const struct lrs_school_roster *r,
                                          const size_t *rows, size_t count,
                                          const char *school_name,
                                          struct lrs_buf *out)
{
    enum lrs_err err;

    err = page_open(out, "Privacy notices for new ULNs", school_name);
    if (!err)
        err = lrs_buf_adds(out, "<h1>Privacy notices for new ULNs</h1>\n");
    if (!err && school_name && *school_name)
        err = add_esc(out, "<p>", school_name);
    if (!err && school_name && *school_name)
        err = lrs_buf_adds(out, "</p>\n");
    if (!err)
        err = lrs_buf_addf(out,
                           "<p>%zu %s to print and hand out, one per "
                           "pupil.</p>\n",
                           count, count == 1 ? "notice" : "notices");
    if (!err)
        err = lrs_buf_adds(out, "<table>\n<tr><th>Roster line</th>"
                                "<th>UPN</th><th>Name</th><th>ULN</th>"
                                "<th>Notice</th></tr>\n");
    for (size_t i = 0; !err && i < count; i++) {
        const struct lrs_school_pupil *p = lrs_school_roster_pupil(r, rows[i]);
        char file[LRS_SCHOOL_NOTICE_NAME_SIZE];

        lrs_school_notice_file_name(r, rows[i], file);
        err = lrs_buf_addf(out, "<tr><td>%llu</td><td>",
                           (unsigned long long)p->line);
        if (!err)
            err = add_esc(out, "", p->field[LRS_SCHOOL_UPN]);
        if (!err)
            err = add_esc(out, "</td><td>", p->field[LRS_SCHOOL_SURNAME]);
        if (!err)
            err = add_esc(out, ", ", p->field[LRS_SCHOOL_FORENAME]);
        if (!err)
            err = add_esc(out, "</td><td>", p->field[LRS_SCHOOL_ULN]);
        if (!err)
            err = add_esc(out, "</td><td><a href=\"", file);
        if (!err)
            err = add_esc(out, "\">", file);
        if (!err)
            err = lrs_buf_adds(out, "</a></td></tr>\n");
    }
    if (!err)
        err = lrs_buf_adds(out, "</table>\n");
    if (!err)
        err = lrs__school_html_close(out);
    return err;
}
