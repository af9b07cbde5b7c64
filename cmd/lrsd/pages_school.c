/*
 * pages_school.c - the school side in the browser: the `lrs school`
 * commands for a school's exam officer (docs/school.md, docs/web.md).
 *
 *   /school                   the roster kept for the school; upload one
 *   /school/export            the ULN-request CTF: options, its log, the
 *                             downloads, and "send to the S2S service"
 *   /school/import            take a returned CTF (uploaded, or one of the
 *                             school's finished files) into the roster
 *   /school/census            census readiness: who needs a ULN, by year
 *   /school/notices           privacy notices for new ULN holders
 *
 * Everything is lib/school's (lrs/school.h): the pages read the roster
 * with lrs_school_roster_load_mem(), so a malformed one gets the CLI's
 * exact error, and call the same export, import, census and notice
 * functions. The roster is kept in the store (lrs_service_roster_save,
 * one a school, audited); each page reads it again, so a download is
 * always what the page showed. An import keeps the roster before it and
 * the CTF it took in, so its log is made again, never stored twice.
 *
 * Who: school users only, and only their own organisation's roster (the
 * service reads the actor's own). A batch file of another organisation,
 * picked for import, is answered 404 as one that does not exist.
 *
 * The export's header DateTime is the time the roster was stored, so the
 * same roster and options give the same bytes, and sending them twice to
 * the S2S service is the same job (lrs_service_batch_submit).
 */
#include "pages.h"

#include <lrs/school.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

/* The roster of the page's school, read from the store (audited). */
struct roster {
    struct lrs_store_roster meta;
    struct lrs_buf csv, before, ctf;
    struct lrs_school_roster *r; /* parsed csv */
};

static void roster_release(struct roster *ro)
{
    lrs_school_roster_free(ro->r);
    lrs_buf_release(&ro->csv);
    lrs_buf_release(&ro->before);
    lrs_buf_release(&ro->ctf);
    memset(ro, 0, sizeof *ro);
}

/*
 * Read the school's roster into `ro` (with what its last import kept
 * when `import` is set). Without one, or when it cannot be read, the
 * page answers itself and this returns false; `*none` says there was
 * none (the caller may prefer to show the upload form).
 */
static bool roster_read(struct page *p, struct lrs_store *s, struct roster *ro,
                        bool import, bool quiet_none, bool *none)
{
    const struct lrs_actor actor = lrsd_actor(p->r);
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_err err;

    memset(ro, 0, sizeof *ro);
    lrs_buf_init(&ro->csv, 0);
    lrs_buf_init(&ro->before, 0);
    lrs_buf_init(&ro->ctf, 0);
    if (none)
        *none = false;
    err = lrs_service_roster_get(s, &actor, &ro->meta, &ro->csv,
                                 import ? &ro->before : NULL,
                                 import ? &ro->ctf : NULL, &d);
    if (err == LRS_ENOTFOUND) {
        if (none)
            *none = true;
        if (!quiet_none)
            page_fail(p, 404, "No pupil roster yet",
                      "Upload your pupil roster first, on the Pupil roster "
                      "page.");
        return false;
    }
    if (!err)
        err = lrs_school_roster_load_mem(ro->csv.data, ro->csv.len,
                                         ro->meta.file_name, &ro->r, &d);
    if (err) {
        page_fail(p, 503, "Sorry, the service is unavailable",
                  "Your pupil roster could not be read. Try again later.");
        return false;
    }
    return true;
}

/* Today (UTC) as a date. */
static struct lrs_date today(void)
{
    const time_t now = time(NULL);
    struct tm tm;
    struct lrs_date d = {2026, 1, 1};

    if (gmtime_r(&now, &tm)) {
        d.year = (int16_t)(tm.tm_year + 1900);
        d.month = (uint8_t)(tm.tm_mon + 1);
        d.day = (uint8_t)tm.tm_mday;
    }
    return d;
}

/* The next spring census day on or after today (docs/school.md). */
static struct lrs_date next_census(void)
{
    const struct lrs_date t = today();
    struct lrs_date day = lrs_school_census_day(t.year);

    if (lrs_date_to_days(day) < lrs_date_to_days(t))
        day = lrs_school_census_day(t.year + 1);
    return day;
}

/* "yyyy-MM-ddTHH:mm:ss" (UTC) of Unix ms `ms`. */
static void iso_time(int64_t ms, char out[24])
{
    const time_t t = (time_t)(ms / 1000);
    struct tm tm;

    if (!gmtime_r(&t, &tm) || !strftime(out, 24, "%Y-%m-%dT%H:%M:%S", &tm))
        snprintf(out, 24, "2026-01-01T00:00:00");
}

static void when_text(int64_t ms, char out[32])
{
    const time_t t = (time_t)(ms / 1000);
    struct tm tm;

    if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%d %b %Y %H:%M", &tm))
        snprintf(out, 32, "-");
}

/* A value of the query string, "" when absent. */
static const char *query(struct lrsd_req *r, const char *name)
{
    const char *v = page_query(r, name);

    return v ? v : "";
}

/* Send `len` bytes as a download named `name`. */
static void download(struct lrsd_req *r, const char *type, const char *name,
                     const char *data, size_t len)
{
    char cd[128];

    lrsd_reply_data(r, 200, type, data, len);
    snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", name);
    lrsd_reply_header(r, "Content-Disposition", cd);
}

/* Show lib/school's printable page: never able to run anything. */
static void printable(struct lrsd_req *r, const struct lrs_buf *html)
{
    lrsd_reply_data(r, 200, "text/html; charset=utf-8", html->data, html->len);
    lrsd_reply_header(r, "Content-Security-Policy",
                      "default-src 'none'; style-src 'unsafe-inline'; "
                      "sandbox");
}

static void fail_memory(struct page *p)
{
    page_fail(p, 500, "Sorry, there is a problem with the service",
              "The page could not be made. Try again later.");
}

/* A census date from the query (census-day, -month, -year) into `out`;
 * the next census day when none is given; an error on the page when it
 * is not a date. `text` keeps what was typed. */
struct date_text {
    char day[8], month[8], year[8];
};

static bool census_date(struct page *p, const char *day, const char *month,
                        const char *year, struct lrs_date *out,
                        struct date_text *typed)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    char iso[32];
    uint64_t dd, mm, yy;

    snprintf(typed->day, sizeof typed->day, "%s", day);
    snprintf(typed->month, sizeof typed->month, "%s", month);
    snprintf(typed->year, sizeof typed->year, "%s", year);
    if (!day[0] && !month[0] && !year[0]) {
        *out = next_census();
        snprintf(typed->day, sizeof typed->day, "%u", (unsigned)out->day);
        snprintf(typed->month, sizeof typed->month, "%u", (unsigned)out->month);
        snprintf(typed->year, sizeof typed->year, "%d", (int)out->year);
        return true;
    }
    if (lrs_parse_u64(lrs_str_c(day), 1, 31, &dd) != LRS_OK ||
        lrs_parse_u64(lrs_str_c(month), 1, 12, &mm) != LRS_OK ||
        lrs_parse_u64(lrs_str_c(year), 1800, 2099, &yy) != LRS_OK) {
        page_error(p, "census",
                   "Census date must be a real date, for example 15 1 2026");
        return false;
    }
    snprintf(iso, sizeof iso, "%04u-%02u-%02u", (unsigned)yy, (unsigned)mm,
             (unsigned)dd);
    if (lrs_date_parse(lrs_str_c(iso), 0, "census", out, &d) != LRS_OK) {
        page_error(p, "census", "Census date must be a real date: %s", d.msg);
        return false;
    }
    return true;
}

/* A school's LA and establishment number ("801", "2000"). */
static bool school_ids(struct page *p, struct lrs_store *s, char la[8],
                       char estab[8], char name[LRS_ORG_NAME_MAX + 1])
{
    struct lrs_org o;

    if (lrs_store_org_get(s, p->who.org_id, &o) != LRS_OK)
        return false;
    snprintf(la, 8, "%03d", (int)o.la);
    snprintf(estab, 8, "%04d", (int)o.estab);
    snprintf(name, LRS_ORG_NAME_MAX + 1, "%s", o.name);
    return o.la >= 100;
}

/* One log as a table: the roster line, pupil, code, what and message. */
static void log_table(struct page *p, const struct lrs_school_log *log,
                      const char *id, const char *caption)
{
    ph(p,
       "<div class=\"lrs-scroll\"><table class=\"govuk-table\" id=\"%s\">"
       "<caption class=\"govuk-table__caption govuk-table__caption--m\">%s"
       "</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-"
       "table__row\"><th scope=\"col\" class=\"govuk-table__header\">Roster "
       "line</th><th scope=\"col\" class=\"govuk-table__header\">UPN</th>"
       "<th scope=\"col\" class=\"govuk-table__header\">Pupil</th><th "
       "scope=\"col\" class=\"govuk-table__header\">Severity</th><th "
       "scope=\"col\" class=\"govuk-table__header\">Message</th></tr>"
       "</thead><tbody class=\"govuk-table__body\">",
       id, caption);
    for (size_t i = 0; i < log->count; i++) {
        const struct lrs_school_log_entry *e = &log->items[i];
        char line[24] = "-";

        if (e->roster_line)
            snprintf(line, sizeof line, "%llu",
                     (unsigned long long)e->roster_line);
        ph(p,
           "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">"
           "%s</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-"
           "table__cell\">%s, %s</td><td class=\"govuk-table__cell\">%s%H"
           "%s%H</td><td class=\"govuk-table__cell\">%s",
           line, e->upn[0] ? e->upn : "-", e->surname, e->forename,
           lrs_school_severity_name(e->severity), e->code[0] ? " (" : "",
           e->code, e->code[0] ? ")" : "", e->message);
        if (e->severity == LRS_SCHOOL_CHANGE)
            ph(p,
               "<br><span class=\"govuk-body-s\">%s: '%s' changed to "
               "'%s'</span>",
               e->field, e->old_value, e->new_value);
        ph(p, "</td></tr>");
    }
    ph(p, "</tbody></table></div>");
}

/* ------------------------------------------------------------------ */
/* ULN coverage (also on the welcome page)                            */
/* ------------------------------------------------------------------ */

static unsigned percent(size_t part, size_t whole)
{
    return whole ? (unsigned)(part * 100 / whole) : 100;
}

/* One year group's bar: the numbers in words, the meter an aid only. */
static void coverage_row(struct page *p, const char *label,
                         const struct lrs_school_census_year *y)
{
    const size_t without = y->missing + y->invalid;

    ph(p,
       "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-"
       "table__header\">%s</th><td class=\"govuk-table__cell\">%zu of %zu "
       "with a ULN (%u%%); %zu without",
       label, y->with_uln, y->pupils, percent(y->with_uln, y->pupils), without);
    if (y->invalid)
        ph(p, ", of whom %zu with a ULN that fails its check", y->invalid);
    ph(p,
       "</td><td class=\"govuk-table__cell\"><meter class=\"lrs-meter\" "
       "min=\"0\" max=\"%zu\" value=\"%zu\" aria-hidden=\"true\"></meter>"
       "</td></tr>",
       y->pupils ? y->pupils : 1, y->with_uln);
}

/* The chart of pupils aged 14+ with and without a ULN, by year group. */
static void coverage_table(struct page *p, const struct lrs_school_census *c,
                           const char *id)
{
    char day[32];

    page_date_text(c->census_date, day);
    ph(p,
       "<table class=\"govuk-table\" id=\"%s\"><caption class=\"govuk-"
       "table__caption govuk-table__caption--m\">ULN coverage: pupils aged "
       "14 and over on census day, %s</caption><thead class=\"govuk-table__"
       "head\"><tr class=\"govuk-table__row\"><th scope=\"col\" class="
       "\"govuk-table__header\">Year group</th><th scope=\"col\" class="
       "\"govuk-table__header\">Pupils</th><th scope=\"col\" class=\"govuk-"
       "table__header\"><span class=\"govuk-visually-hidden\">Chart</span>"
       "</th></tr></thead><tbody class=\"govuk-table__body\">",
       id, day);
    for (size_t i = 0; i < c->year_count; i++) {
        char label[24];

        snprintf(label, sizeof label, "Year %s",
                 c->years[i].nc_year[0] ? c->years[i].nc_year : "not given");
        coverage_row(p, label, &c->years[i]);
    }
    coverage_row(p, "All year groups", &c->total);
    ph(p, "</tbody></table>");
}

bool page_school_coverage(struct page *p, struct lrs_store *s)
{
    struct lrs_school_census c = LRS_SCHOOL_CENSUS_INIT;
    struct roster ro;
    bool none;

    if (!(p->who.roles & PAGE_SCHOOL))
        return true;
    if (!roster_read(p, s, &ro, false, true, &none)) {
        if (!none)
            return false;
        ph(p, "<p class=\"govuk-body\" id=\"coverage\">To see a chart of your "
              "pupils' ULN coverage, <a class=\"govuk-link\" href=\"/school\">"
              "upload your pupil roster</a>.</p>");
        return true;
    }
    if (lrs_school_census_run(ro.r, next_census(), &c) != LRS_OK) {
        roster_release(&ro);
        fail_memory(p);
        return false;
    }
    if (c.total.pupils)
        coverage_table(p, &c, "coverage");
    else
        ph(p, "<p class=\"govuk-body\" id=\"coverage\">None of your pupils "
              "on roll is aged 14 or over on census day.</p>");
    ph(p, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/school/"
          "census\">Census readiness</a>: who needs a ULN, and why.</p>");
    lrs_school_census_release(&c);
    roster_release(&ro);
    return true;
}

/* ------------------------------------------------------------------ */
/* The roster: show, upload, download                                 */
/* ------------------------------------------------------------------ */

static void upload_field(struct page *p, const char *name, const char *label,
                         const char *hint, const char *accept)
{
    const char *err = page_field_error(p, name);

    ph(p,
       "<div class=\"govuk-form-group%H\"><label class=\"govuk-label\" "
       "for=\"%s\">%s</label><div id=\"%s-hint\" class=\"govuk-hint\">%s"
       "</div>",
       err ? " govuk-form-group--error" : "", name, label, name, hint);
    if (err)
        ph(p,
           "<p id=\"%s-error\" class=\"govuk-error-message\"><span "
           "class=\"govuk-visually-hidden\">Error:</span> %s</p>",
           name, err);
    ph(p,
       "<input class=\"govuk-file-upload%H\" id=\"%s\" name=\"%s\" "
       "type=\"file\" accept=\"%s\" aria-describedby=\"%s-hint",
       err ? " govuk-file-upload--error" : "", name, name, accept, name);
    if (err)
        ph(p, " %s-error", name);
    ph(p, "\"></div>");
}

static void task_link(struct page *p, const char *href, const char *id,
                      const char *title, const char *text)
{
    ph(p,
       "<li><a class=\"govuk-link govuk-!-font-weight-bold\" href=\"%s\" "
       "id=\"%s\">%s</a><br><span class=\"govuk-body-s\">%s</span></li>",
       href, id, title, text);
}

static void roster_page(struct page *p, const struct roster *ro, bool have,
                        unsigned status)
{
    page_head(p, "Your pupil roster");
    page_error_summary(p);
    if (page_query(p->r, "uploaded") && !p->error_count)
        page_banner(p, true, "Your pupil roster is stored",
                    "It replaces the one you had before.");
    ph(p, "<h1 class=\"govuk-heading-l\">Your pupil roster</h1>");
    if (have) {
        char when[32], n[24];

        when_text(ro->meta.updated_ms, when);
        snprintf(n, sizeof n, "%lld", (long long)ro->meta.pupils);
        ph(p, "<dl class=\"govuk-summary-list\" id=\"roster-details\">");
        page_summary_row(p, "File", ro->meta.file_name);
        page_summary_row(p, "Pupils", n);
        page_summary_row(p, "Stored (UTC)", when);
        page_summary_row(p, "How",
                         strcmp(ro->meta.source, "import") == 0
                             ? "Updated by the import of a returned CTF"
                             : "Uploaded");
        ph(p, "</dl><p class=\"govuk-body\"><a class=\"govuk-link\" "
              "id=\"download-roster\" href=\"/school/roster.csv\" download>"
              "Download the roster (CSV)</a></p><h2 class=\"govuk-heading-m"
              "\">What you can do</h2><ul class=\"govuk-list govuk-list--"
              "spaced\">");
        task_link(p, "/school/export", "task-export", "Request ULNs",
                  "Export the ULN-request CTF and its log, or send it "
                  "straight to the S2S service.");
        task_link(p, "/school/import", "task-import", "Import a returned CTF",
                  "Take the ULNs the LRS returned into your roster; every "
                  "change is in the log.");
        task_link(p, "/school/census", "task-census", "Census readiness",
                  "Pupils aged 14 and over without a valid ULN, by year "
                  "group.");
        task_link(p, "/school/notices", "task-notices", "Privacy notices",
                  "A printable notice for each pupil who has just received "
                  "a ULN.");
        ph(p, "</ul>");
    } else {
        ph(p,
           "<p class=\"govuk-body\" id=\"roster-none\">You have not uploaded a "
           "pupil roster yet.</p>");
    }
    ph(p, "<h2 class=\"govuk-heading-m\">Upload a roster</h2><p class="
          "\"govuk-body\">A CSV exported from your MIS, one row a pupil, "
          "with the columns of the roster format: upn, surname, forename, "
          "date_of_birth, sex, postcode and the optional ones. A roster "
          "with a mistake is refused whole, and nothing is stored.</p>"
          "<form method=\"post\" action=\"/school/roster\" enctype="
          "\"multipart/form-data\" novalidate>");
    page_csrf_field(p);
    upload_field(p, "roster", "Pupil roster (CSV)",
                 "It replaces the roster stored now.", ".csv,text/csv");
    ph(p, "<button type=\"submit\" class=\"govuk-button\" data-module="
          "\"govuk-button\" id=\"upload-roster\">Upload</button></form>");
    page_send(p, status);
}

void lrsd_p_school(struct lrsd_req *r)
{
    struct lrs_store *s;
    struct roster ro;
    struct page p;
    bool none = false, have;

    memset(&ro, 0, sizeof ro);
    if (!page_begin_auth(&p, r, PAGE_SCHOOL, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s)
        goto out;
    have = roster_read(&p, s, &ro, false, true, &none);
    if (!have && !none)
        goto out;
    roster_page(&p, &ro, have, 200);
out:
    roster_release(&ro);
    page_release(&p);
}

/* The base name of an uploaded file, "" when none. */
static const char *base_name(const char *name)
{
    const char *slash = strrchr(name, '/'), *back = strrchr(name, '\\');

    if (back && (!slash || back > slash))
        slash = back;
    return slash ? slash + 1 : name;
}

void lrsd_p_school_roster_post(struct lrsd_req *r)
{
    struct lrs_actor actor;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_school_roster *parsed = NULL;
    struct lrs_store_roster meta;
    struct page_upload u;
    struct lrs_store *s;
    struct roster ro;
    struct page p;
    const char *name;

    memset(&ro, 0, sizeof ro);
    if (!page_multipart_parse(r, "roster", &u)) {
        page_redirect(r, "/school");
        return;
    }
    if (!page_begin_auth(&p, r, PAGE_SCHOOL, 0, &u.form))
        goto out;
    actor = lrsd_actor(r); /* the signed-in school user, once known */
    s = page_store(&p);
    if (!s)
        goto out;
    name = base_name(u.file_name);
    if (!u.has_file || u.len == 0)
        page_error(&p, "roster", "Select a pupil roster CSV file");
    else if (lrs_school_roster_load_mem(u.data, u.len, name[0] ? name : NULL,
                                        &parsed, &d) != LRS_OK)
        page_error(&p, "roster", "%s", d.msg);
    if (!p.error_count) {
        memset(&meta, 0, sizeof meta);
        meta.pupils = (int64_t)lrs_school_roster_count(parsed);
        snprintf(meta.source, sizeof meta.source, "upload");
        snprintf(meta.file_name, sizeof meta.file_name, "%s", name);
        if (lrs_service_roster_save(s, &actor, &meta,
                                    (struct lrs_str){u.data, u.len},
                                    (struct lrs_str){NULL, 0},
                                    (struct lrs_str){NULL, 0}, &d) != LRS_OK) {
            if (!d.field || strcmp(d.field, "roster") != 0) {
                page_fail(&p, 503, "Sorry, the service is unavailable",
                          "Your roster was not stored. Try again later.");
                goto out;
            }
            page_error(&p, "roster", "The roster was not stored: %s", d.msg);
        }
    }
    if (p.error_count) {
        bool none;
        const bool have = roster_read(&p, s, &ro, false, true, &none);

        if (have || none)
            roster_page(&p, &ro, have, 400);
        goto out;
    }
    page_redirect(r, "/school?uploaded=1");
out:
    lrs_school_roster_free(parsed);
    roster_release(&ro);
    page_release(&p);
}

void lrsd_p_school_roster_csv(struct lrsd_req *r)
{
    struct lrs_store *s;
    struct roster ro;
    struct lrs_buf b = LRS_BUF_INIT;
    struct page p;

    memset(&ro, 0, sizeof ro);
    if (!page_begin_auth(&p, r, PAGE_SCHOOL, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s || !roster_read(&p, s, &ro, false, false, NULL))
        goto out;
    /* As written back by lib/school: cells as read, quoting normalised. */
    if (lrs_school_roster_csv(ro.r, &b) != LRS_OK) {
        fail_memory(&p);
        goto out;
    }
    download(r, "text/csv; charset=utf-8", "roster.csv", b.data, b.len);
out:
    lrs_buf_release(&b);
    roster_release(&ro);
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* Export: the ULN-request CTF                                        */
/* ------------------------------------------------------------------ */

/* The export's options as asked for, and as they were typed. */
struct export_ask {
    struct lrs_school_export_opts o;
    const char *select; /* "census", "years", "all" */
    char years[48];     /* "10,11" as typed, trimmed */
    struct date_text census;
    char la[8], estab[8], name[LRS_ORG_NAME_MAX + 1], date_time[24];
    char query[160]; /* the options again, for links */
};

/* "10, 11" as a bit set of NC years 1-14. */
static bool parse_years(const char *s, uint32_t *out)
{
    *out = 0;
    while (*s) {
        const char *comma = strchr(s, ',');
        const size_t len = comma ? (size_t)(comma - s) : strlen(s);
        uint64_t y;

        if (lrs_parse_u64(lrs_str_trim((struct lrs_str){s, len}), 1, 14, &y) !=
            LRS_OK)
            return false;
        *out |= 1u << y;
        s += len + (comma != NULL);
    }
    return *out != 0;
}

/* Read and check the options `get` gives (a query or a form). */
static bool export_options(struct page *p, struct lrs_store *s,
                           const struct roster *ro, struct export_ask *a,
                           const char *select, const char *years,
                           const char *day, const char *month, const char *year)
{
    memset(a, 0, sizeof *a);
    a->select = strcmp(select, "years") == 0 ? "years"
                : strcmp(select, "all") == 0 ? "all"
                                             : "census";
    a->o.select = a->select[0] == 'y'   ? LRS_SCHOOL_SELECT_YEARS
                  : a->select[0] == 'a' ? LRS_SCHOOL_SELECT_ALL
                                        : LRS_SCHOOL_SELECT_CENSUS;
    snprintf(a->years, sizeof a->years, "%s", years);
    if (a->o.select == LRS_SCHOOL_SELECT_YEARS &&
        !parse_years(a->years, &a->o.years))
        page_error(p, "years",
                   "Enter year groups from 1 to 14, separated by commas, "
                   "for example 10, 11");
    census_date(p, day, month, year, &a->o.census_date, &a->census);
    if (!school_ids(p, s, a->la, a->estab, a->name))
        page_error(p, "select",
                   "Your organisation has no LA and establishment number, "
                   "which a CTF needs: ask the LRS to add them");
    iso_time(ro->meta.updated_ms, a->date_time);
    a->o.la = a->la;
    a->o.estab = a->estab;
    a->o.school_name = a->name;
    a->o.date_time = a->date_time;
    {
        char yq[48];
        size_t n = 0;

        /* Only digits and commas go into the link. */
        for (const char *c = a->years; *c && n + 1 < sizeof yq; c++)
            if ((*c >= '0' && *c <= '9') || *c == ',')
                yq[n++] = *c;
        yq[n] = '\0';
        snprintf(a->query, sizeof a->query,
                 "select=%s&years=%s&census-day=%u&census-month=%u&"
                 "census-year=%d",
                 a->select, yq, (unsigned)a->o.census_date.day,
                 (unsigned)a->o.census_date.month, (int)a->o.census_date.year);
    }
    return p->error_count == 0;
}

static void radio(struct page *p, const char *name, const char *value,
                  const char *label, bool on)
{
    ph(p,
       "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__"
       "input\" id=\"%s-%s\" name=\"%s\" type=\"radio\" value=\"%s\"%H>"
       "<label class=\"govuk-label govuk-radios__label\" for=\"%s-%s\">%s"
       "</label></div>",
       name, value, name, value, on ? " checked" : "", name, value, label);
}

static void export_form(struct page *p, const struct export_ask *a)
{
    const char *yerr = page_field_error(p, "years");

    ph(p, "<form method=\"get\" action=\"/school/export\" novalidate "
          "class=\"lrs-no-print\"><div class=\"govuk-form-group\" "
          "id=\"select\"><fieldset class=\"govuk-fieldset\"><legend class="
          "\"govuk-fieldset__legend govuk-fieldset__legend--s\">Which pupils"
          "</legend><div class=\"govuk-radios\" data-module=\"govuk-radios\">");
    radio(p, "select", "census",
          "Pupils aged 14 and over on census day without a valid ULN "
          "(the pupils the census needs ULNs for)",
          strcmp(a->select, "census") == 0);
    radio(p, "select", "years", "Every pupil on roll in some year groups",
          strcmp(a->select, "years") == 0);
    radio(p, "select", "all", "Every pupil on roll",
          strcmp(a->select, "all") == 0);
    ph(p, "</div></fieldset></div>");
    ph(p,
       "<div class=\"govuk-form-group%H\"><label class=\"govuk-label\" "
       "for=\"years\">Year groups</label><div id=\"years-hint\" class="
       "\"govuk-hint\">Only for \"some year groups\": for example 10, 11"
       "</div>",
       yerr ? " govuk-form-group--error" : "");
    if (yerr)
        ph(p,
           "<p id=\"years-error\" class=\"govuk-error-message\"><span "
           "class=\"govuk-visually-hidden\">Error:</span> %s</p>",
           yerr);
    ph(p,
       "<input class=\"govuk-input govuk-input--width-10%H\" id=\"years\" "
       "name=\"years\" type=\"text\" value=\"%s\" spellcheck=\"false\" "
       "aria-describedby=\"years-hint\"></div>",
       yerr ? " govuk-input--error" : "", a->years);
    page_date_input(p, "census", "Census day",
                    "Ages are taken on this day. The spring census is on the "
                    "third Thursday of January.",
                    a->census.day, a->census.month, a->census.year);
    ph(p, "<button type=\"submit\" class=\"govuk-button\" data-module="
          "\"govuk-button\" id=\"export\">Export</button></form>");
}

static const char *noun(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

void lrsd_p_school_export(struct lrsd_req *r)
{
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_export_stats st;
    struct lrs_buf ctf = LRS_BUF_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct export_ask a;
    struct lrs_store *s;
    struct roster ro;
    struct page p;
    const bool asked = page_query(r, "select") != NULL;
    bool ok;

    memset(&ro, 0, sizeof ro);
    if (!page_begin_auth(&p, r, PAGE_SCHOOL, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s || !roster_read(&p, s, &ro, false, false, NULL))
        goto out;
    ok = export_options(&p, s, &ro, &a, query(r, "select"), query(r, "years"),
                        query(r, "census-day"), query(r, "census-month"),
                        query(r, "census-year"));
    if (!asked)
        p.error_count = 0; /* the first visit: defaults, no errors */
    if (asked && ok &&
        lrs_school_export_buf(ro.r, &a.o, &ctf, &log, &st, &d) != LRS_OK) {
        page_error(&p, "select", "The CTF could not be made: %s", d.msg);
        ok = false;
    }
    page_head(&p, asked && ok ? "Your ULN request" : "Request ULNs");
    page_error_summary(&p);
    ph(&p, "<h1 class=\"govuk-heading-l\">Request ULNs</h1><p class="
           "\"govuk-body\">The ULN-request CTF has each chosen pupil's basic "
           "details and address only, as the LRS asks. Pupils with a "
           "problem that stops a ULN (no postcode, no date of birth or sex) "
           "are left out and listed in the log.</p>");
    export_form(&p, &a);
    if (asked && ok) {
        char day[32];

        page_date_text(a.o.census_date, day);
        ph(&p,
           "<h2 class=\"govuk-heading-m\">Your ULN request</h2>"
           "<div class=\"govuk-inset-text\" id=\"export-summary\">%zu %s "
           "chosen: %zu exported, %zu not exported (blocked), %zu %s. "
           "Census day %s.</div>",
           st.selected, noun(st.selected, "pupil", "pupils"), st.exported,
           st.blocked, st.warnings, noun(st.warnings, "warning", "warnings"),
           day);
        ph(&p,
           "<ul class=\"govuk-list lrs-no-print\"><li><a class=\"govuk-link\" "
           "id=\"download-request\" href=\"/school/export/request.xml?%s\" "
           "download>The ULN-request CTF (XML)</a></li><li><a class=\"govuk-"
           "link\" id=\"download-export-log\" href=\"/school/export/"
           "log.csv?%s\" download>The export log (CSV)</a></li><li><a "
           "class=\"govuk-link\" id=\"export-log-print\" href=\"/school/"
           "export/log.html?%s\">The export log, printable</a></li></ul>",
           a.query, a.query, a.query);
        if (st.exported) {
            ph(&p, "<form method=\"post\" action=\"/school/export/send\" "
                   "novalidate class=\"lrs-no-print\">");
            page_csrf_field(&p);
            ph(&p,
               "<input type=\"hidden\" name=\"select\" value=\"%s\">"
               "<input type=\"hidden\" name=\"years\" value=\"%s\">"
               "<input type=\"hidden\" name=\"census-day\" value=\"%u\">"
               "<input type=\"hidden\" name=\"census-month\" value=\"%u\">"
               "<input type=\"hidden\" name=\"census-year\" value=\"%d\">"
               "<button type=\"submit\" class=\"govuk-button\" data-module="
               "\"govuk-button\" id=\"send\">Send to the S2S service</button>"
               "</form>",
               a.select, a.years, (unsigned)a.o.census_date.day,
               (unsigned)a.o.census_date.month, (int)a.o.census_date.year);
        }
        log_table(&p, &log, "export-log", "The export log");
    }
    page_send(&p, asked && !ok ? 400 : 200);
out:
    lrs_buf_release(&ctf);
    lrs_school_log_release(&log);
    roster_release(&ro);
    page_release(&p);
}

void lrsd_p_school_export_file(struct lrsd_req *r)
{
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_export_stats st;
    struct lrs_buf ctf = LRS_BUF_INIT, out = LRS_BUF_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    const char *what = lrsd_param(r, 0);
    struct export_ask a;
    struct lrs_store *s;
    struct roster ro;
    struct page p;

    memset(&ro, 0, sizeof ro);
    if (!page_begin_auth(&p, r, PAGE_SCHOOL, 0, NULL))
        goto out;
    if (!what ||
        (strcmp(what, "request.xml") != 0 && strcmp(what, "log.csv") != 0 &&
         strcmp(what, "log.html") != 0)) {
        page_fail(&p, 404, "Page not found", "There is no such download.");
        goto out;
    }
    s = page_store(&p);
    if (!s || !roster_read(&p, s, &ro, false, false, NULL))
        goto out;
    if (!export_options(&p, s, &ro, &a, query(r, "select"), query(r, "years"),
                        query(r, "census-day"), query(r, "census-month"),
                        query(r, "census-year")) ||
        lrs_school_export_buf(ro.r, &a.o, &ctf, &log, &st, &d) != LRS_OK) {
        page_fail(&p, 400, "The export options are not right",
                  p.error_count ? p.errors[0].msg : d.msg);
        goto out;
    }
    if (strcmp(what, "request.xml") == 0) {
        download(r, "application/xml", "uln-request.xml", ctf.data, ctf.len);
    } else if (strcmp(what, "log.csv") == 0) {
        if (lrs_school_log_csv(&log, &out) != LRS_OK) {
            fail_memory(&p);
            goto out;
        }
        download(r, "text/csv; charset=utf-8", "export-log.csv", out.data,
                 out.len);
    } else {
        if (lrs_school_log_html(&log, "CTF export log", &out) != LRS_OK) {
            fail_memory(&p);
            goto out;
        }
        printable(r, &out);
    }
out:
    lrs_buf_release(&ctf);
    lrs_buf_release(&out);
    lrs_school_log_release(&log);
    roster_release(&ro);
    page_release(&p);
}

/* POST /school/export/send: the same CTF, into the S2S batch. */
void lrsd_p_school_export_send(struct lrsd_req *r)
{
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_export_stats st;
    struct lrs_buf ctf = LRS_BUF_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_actor actor;
    struct export_ask a;
    struct page_form f;
    struct lrs_store *s;
    struct lrs_job job;
    struct roster ro;
    struct page p;
    bool existing = false;
    char loc[64], name[48];

    memset(&ro, 0, sizeof ro);
    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/school/export");
        return;
    }
    if (!page_begin_auth(&p, r, PAGE_SCHOOL, 0, &f))
        goto out;
    s = page_store(&p);
    if (!s || !roster_read(&p, s, &ro, false, false, NULL))
        goto out;
    if (!export_options(&p, s, &ro, &a, page_form_get(&f, "select"),
                        page_form_get(&f, "years"),
                        page_form_get(&f, "census-day"),
                        page_form_get(&f, "census-month"),
                        page_form_get(&f, "census-year")) ||
        lrs_school_export_buf(ro.r, &a.o, &ctf, &log, &st, &d) != LRS_OK) {
        page_fail(&p, 400, "The export options are not right",
                  p.error_count ? p.errors[0].msg : d.msg);
        goto out;
    }
    if (!st.exported) {
        page_fail(&p, 400, "There is nothing to send",
                  "No pupil could be exported with these options.");
        goto out;
    }
    snprintf(name, sizeof name, "uln-request-%04d-%02u-%02u.xml",
             (int)a.o.census_date.year, (unsigned)a.o.census_date.month,
             (unsigned)a.o.census_date.day);
    actor = lrsd_actor(r);
    if (lrs_service_batch_submit(s, &actor, name, ctf.data, ctf.len, &job,
                                 &existing, &d) != LRS_OK) {
        page_fail(&p, 503, "Sorry, the service is unavailable",
                  "Your ULN request was not sent. Try again later.");
        goto out;
    }
    if (!existing || job.status != LRS_JOB_DONE)
        lrsd_worker_kick();
    snprintf(loc, sizeof loc, "/files/%lld%s", (long long)job.id,
             existing ? "?sent-before=1" : "");
    page_redirect(r, loc);
out:
    lrs_buf_release(&ctf);
    lrs_school_log_release(&log);
    roster_release(&ro);
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* Import: the returned CTF                                           */
/* ------------------------------------------------------------------ */

struct done_jobs {
    struct page *p;
    const char *chosen;
    size_t count;
};

static enum lrs_err done_job(const struct lrs_job *j, void *ctx)
{
    struct done_jobs *dj = ctx;
    char id[24], when[32];

    if (j->status != LRS_JOB_DONE || dj->count == 20)
        return LRS_OK;
    dj->count++;
    snprintf(id, sizeof id, "%lld", (long long)j->id);
    when_text(j->created_ms, when);
    ph(dj->p,
       "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__"
       "input\" id=\"job-%s\" name=\"job\" type=\"radio\" value=\"%s\"%H>"
       "<label class=\"govuk-label govuk-radios__label\" for=\"job-%s\">"
       "File %s: %s, sent %s (UTC)</label></div>",
       id, id, strcmp(dj->chosen, id) == 0 ? " checked" : "", id, id,
       j->file_name[0] ? j->file_name : "(no name)", when);
    return LRS_OK;
}

static void import_form(struct page *p, struct lrs_store *s, const char *chosen,
                        unsigned status)
{
    struct done_jobs dj = {p, chosen, 0};
    const char *err = page_field_error(p, "job");

    page_head(p, "Import a returned CTF");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p, "<h1 class=\"govuk-heading-l\">Import a returned CTF</h1><p "
          "class=\"govuk-body\">The ULNs in the CTF the LRS returned go "
          "into your roster. Only the uln, upn and former_upn cells ever "
          "change, and every change is in the log. A file that cannot be "
          "read changes nothing.</p><form method=\"post\" action=\"/school/"
          "import\" enctype=\"multipart/form-data\" novalidate>");
    page_csrf_field(p);
    upload_field(p, "ctf", "Upload a returned CTF (XML)",
                 "Or choose one of your finished files below.",
                 ".xml,text/xml,application/xml");
    ph(p,
       "<div class=\"govuk-form-group%H\"><fieldset class=\"govuk-fieldset\""
       "><legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">"
       "Or one of your finished files</legend>",
       err ? " govuk-form-group--error" : "");
    if (err)
        ph(p,
           "<p id=\"job-error\" class=\"govuk-error-message\"><span "
           "class=\"govuk-visually-hidden\">Error:</span> %s</p>",
           err);
    ph(p, "<div class=\"govuk-radios govuk-radios--small\" data-module="
          "\"govuk-radios\" id=\"job\">");
    if (lrs_store_job_scan(s, p->who.org_id, done_job, &dj) != LRS_OK ||
        !dj.count)
        ph(p, "<p class=\"govuk-body\">You have no finished files.</p>");
    ph(p, "</div></fieldset></div><button type=\"submit\" class=\"govuk-"
          "button\" data-module=\"govuk-button\" id=\"import\">Import</button>"
          "</form></div></div>");
    page_send(p, status);
}

void lrsd_p_school_import(struct lrsd_req *r)
{
    struct lrs_store *s;
    struct roster ro;
    struct page p;

    memset(&ro, 0, sizeof ro);
    if (!page_begin_auth(&p, r, PAGE_SCHOOL, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s || !roster_read(&p, s, &ro, false, false, NULL))
        goto out;
    import_form(&p, s, query(r, "job"), 200);
out:
    roster_release(&ro);
    page_release(&p);
}

/* The returned CTF of job `id` of this school into `out`; a 404 page for
 * another school's or no file. */
static bool job_ctf(struct page *p, struct lrs_store *s, const char *id,
                    struct lrs_job *j, struct lrs_buf *out, bool *answered)
{
    uint64_t n;

    *answered = false;
    if (lrs_parse_u64(lrs_str_c(id), 1, INT64_MAX, &n) != LRS_OK ||
        lrs_store_job_get(s, (int64_t)n, j) != LRS_OK ||
        j->org_id != p->who.org_id) {
        page_fail(p, 404, "Page not found", "There is no such file.");
        *answered = true;
        return false;
    }
    if (j->status != LRS_JOB_DONE ||
        lrs_store_job_blob(s, j->id, LRS_JOB_RETURNED_CTF, out) != LRS_OK) {
        page_error(p, "job", "File %lld has not finished yet: choose another",
                   (long long)j->id);
        return false;
    }
    return true;
}

void lrsd_p_school_import_post(struct lrsd_req *r)
{
    struct lrs_actor actor;
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_import_stats st;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_buf blob = LRS_BUF_INIT, after = LRS_BUF_INIT;
    struct lrs_store_roster meta;
    struct page_upload u;
    struct lrs_store *s;
    struct lrs_job j;
    struct roster ro;
    struct page p;
    const char *job, *data = NULL, *field = "ctf";
    char name[256];
    size_t len = 0;
    bool answered = false;

    memset(&ro, 0, sizeof ro);
    if (!page_multipart_parse(r, "ctf", &u)) {
        page_redirect(r, "/school/import");
        return;
    }
    if (!page_begin_auth(&p, r, PAGE_SCHOOL, 0, &u.form))
        goto out;
    actor = lrsd_actor(r); /* the signed-in school user, once known */
    s = page_store(&p);
    if (!s || !roster_read(&p, s, &ro, false, false, NULL))
        goto out;
    job = page_form_get(&u.form, "job");
    if (u.has_file && u.len && job[0]) {
        page_error(&p, "ctf",
                   "Upload a file or choose one of your files, not both");
    } else if (u.has_file && u.len) {
        data = u.data;
        len = u.len;
        snprintf(name, sizeof name, "%s", base_name(u.file_name));
    } else if (job[0]) {
        field = "job";
        if (!job_ctf(&p, s, job, &j, &blob, &answered)) {
            if (answered)
                goto out;
        } else {
            data = blob.data;
            len = blob.len;
            snprintf(name, sizeof name, "file %lld returned CTF",
                     (long long)j.id);
        }
    } else {
        page_error(&p, "ctf",
                   "Select a returned CTF file, or choose one of your files");
    }
    if (data && lrs_school_import_mem(ro.r, data, len, &log, &st, &d) != LRS_OK)
        page_error(&p, field, "The returned CTF was not imported: %s", d.msg);
    if (!p.error_count) {
        memset(&meta, 0, sizeof meta);
        meta.pupils = (int64_t)lrs_school_roster_count(ro.r);
        snprintf(meta.source, sizeof meta.source, "import");
        snprintf(meta.file_name, sizeof meta.file_name, "%s", name);
        if (lrs_school_roster_csv(ro.r, &after) != LRS_OK) {
            fail_memory(&p);
            goto out;
        }
        if (lrs_service_roster_save(
                s, &actor, &meta, lrs_buf_str(&after), lrs_buf_str(&ro.csv),
                (struct lrs_str){data, len}, &d) != LRS_OK) {
            if (!d.field || strcmp(d.field, "roster") != 0) {
                page_fail(&p, 503, "Sorry, the service is unavailable",
                          "The import was not stored. Try again later.");
                goto out;
            }
            page_error(&p, field, "The returned CTF was not imported: %s",
                       d.msg);
        }
    }
    if (p.error_count) {
        import_form(&p, s, job, 400);
        goto out;
    }
    page_redirect(r, "/school/import/result");
out:
    lrs_buf_release(&blob);
    lrs_buf_release(&after);
    lrs_school_log_release(&log);
    roster_release(&ro);
    page_release(&p);
}

/* The last import again: the roster it started from and its CTF. */
static bool replay_import(struct page *p, const struct roster *ro,
                          struct lrs_school_roster **before,
                          struct lrs_school_log *log,
                          struct lrs_school_import_stats *st)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    if (!ro->meta.has_before) {
        page_fail(p, 404, "No import yet",
                  "Your roster has not been updated by an import since it "
                  "was uploaded.");
        return false;
    }
    if (lrs_school_roster_load_mem(ro->before.data, ro->before.len,
                                   "roster before the import", before,
                                   &d) != LRS_OK ||
        lrs_school_import_mem(*before, ro->ctf.data, ro->ctf.len, log, st,
                              &d) != LRS_OK) {
        page_fail(p, 503, "Sorry, the service is unavailable",
                  "The import's log could not be made again.");
        return false;
    }
    return true;
}

static void import_result(struct page *p, const struct roster *ro,
                          const struct lrs_school_log *log,
                          const struct lrs_school_import_stats *st)
{
    page_head(p, "Your import");
    ph(p,
       "<h1 class=\"govuk-heading-l\">Your import</h1><div class=\"govuk-"
       "panel govuk-panel--confirmation\"><h2 class=\"govuk-panel__title\">"
       "%zu %s added</h2><div class=\"govuk-panel__body\">from %s</div>"
       "</div><p class=\"govuk-body\" id=\"import-summary\">%zu %s in the "
       "file: %zu matched, %zu %s added, %zu %s updated, %zu unchanged, %zu "
       "not found, %zu %s. %zu roster %s changed, each in the log.</p>",
       st->ulns_added, noun(st->ulns_added, "ULN", "ULNs"), ro->meta.file_name,
       st->file_pupils, noun(st->file_pupils, "pupil", "pupils"), st->matched,
       st->ulns_added, noun(st->ulns_added, "ULN", "ULNs"), st->upns_updated,
       noun(st->upns_updated, "UPN", "UPNs"), st->unchanged, st->not_found,
       st->conflicts, noun(st->conflicts, "conflict", "conflicts"), st->changes,
       noun(st->changes, "cell", "cells"));
    ph(p, "<ul class=\"govuk-list lrs-no-print\"><li><a class=\"govuk-link\" "
          "id=\"download-roster\" href=\"/school/roster.csv\" download>The "
          "updated roster (CSV)</a></li><li><a class=\"govuk-link\" "
          "id=\"download-import-log\" href=\"/school/import/log.csv\" "
          "download>The import log (CSV)</a></li><li><a class=\"govuk-link\" "
          "id=\"import-log-print\" href=\"/school/import/log.html\">The "
          "import log, printable</a></li><li><a class=\"govuk-link\" "
          "href=\"/school/notices\" id=\"to-notices\">Privacy notices for "
          "the pupils who have just received a ULN</a></li><li><a "
          "class=\"govuk-link\" href=\"/school/census\" id=\"to-census\">"
          "Census readiness</a></li></ul>");
    log_table(p, log, "import-log", "The import log");
    page_send(p, 200);
}

void lrsd_p_school_import_file(struct lrsd_req *r)
{
    struct lrs_school_log log = LRS_SCHOOL_LOG_INIT;
    struct lrs_school_import_stats st;
    struct lrs_school_roster *before = NULL;
    struct lrs_buf out = LRS_BUF_INIT;
    const char *what = lrsd_param(r, 0);
    struct lrs_store *s;
    struct roster ro;
    struct page p;

    memset(&ro, 0, sizeof ro);
    if (!page_begin_auth(&p, r, PAGE_SCHOOL, 0, NULL))
        goto out;
    if (!what || (strcmp(what, "result") != 0 && strcmp(what, "log.csv") != 0 &&
                  strcmp(what, "log.html") != 0)) {
        page_fail(&p, 404, "Page not found", "There is no such page.");
        goto out;
    }
    s = page_store(&p);
    if (!s || !roster_read(&p, s, &ro, true, false, NULL) ||
        !replay_import(&p, &ro, &before, &log, &st))
        goto out;
    if (strcmp(what, "result") == 0) {
        import_result(&p, &ro, &log, &st);
    } else if (strcmp(what, "log.csv") == 0) {
        if (lrs_school_log_csv(&log, &out) != LRS_OK) {
            fail_memory(&p);
            goto out;
        }
        download(r, "text/csv; charset=utf-8", "import-log.csv", out.data,
                 out.len);
    } else {
        if (lrs_school_log_html(&log, "CTF import log", &out) != LRS_OK) {
            fail_memory(&p);
            goto out;
        }
        printable(r, &out);
    }
out:
    lrs_school_roster_free(before);
    lrs_buf_release(&out);
    lrs_school_log_release(&log);
    roster_release(&ro);
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* Census readiness                                                   */
/* ------------------------------------------------------------------ */

static void census_pupils(struct page *p, const struct lrs_school_census *c,
                          const struct lrs_school_roster *r)
{
    if (!c->item_count) {
        ph(p, "<p class=\"govuk-body\" id=\"census-pupils\">No pupil needs "
              "attention: every pupil aged 14 and over has a valid ULN.</p>");
        return;
    }
    ph(p, "<div class=\"lrs-scroll\"><table class=\"govuk-table\" "
          "id=\"census-pupils\"><caption class=\"govuk-table__caption "
          "govuk-table__caption--m\">Pupils who need attention</caption>"
          "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
          "<th scope=\"col\" class=\"govuk-table__header\">Roster line</th>"
          "<th scope=\"col\" class=\"govuk-table__header\">UPN</th><th "
          "scope=\"col\" class=\"govuk-table__header\">Pupil</th><th scope="
          "\"col\" class=\"govuk-table__header\">Year</th><th scope=\"col\" "
          "class=\"govuk-table__header\">Age on census day</th><th scope="
          "\"col\" class=\"govuk-table__header\">Why</th></tr></thead><tbody "
          "class=\"govuk-table__body\">");
    for (size_t i = 0; i < c->item_count; i++) {
        const struct lrs_school_census_item *it = &c->items[i];
        const struct lrs_school_pupil *pu = lrs_school_roster_pupil(r, it->row);
        char age[16] = "not known";

        if (it->age >= 0)
            snprintf(age, sizeof age, "%d", it->age);
        ph(p,
           "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">"
           "%lld</td><td class=\"govuk-table__cell\">%s</td><td class="
           "\"govuk-table__cell\">%s, %s</td><td class=\"govuk-table__cell\">"
           "%s</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-"
           "table__cell\">%s</td></tr>",
           (long long)pu->line,
           pu->field[LRS_SCHOOL_UPN][0] ? pu->field[LRS_SCHOOL_UPN] : "-",
           pu->field[LRS_SCHOOL_SURNAME], pu->field[LRS_SCHOOL_FORENAME],
           pu->field[LRS_SCHOOL_NC_YEAR][0] ? pu->field[LRS_SCHOOL_NC_YEAR]
                                            : "-",
           age,
           it->problem == LRS_SCHOOL_BAD_ULN ? it->reason
           : it->age < 0 ? "No ULN, and no date of birth to tell the age"
                         : "No ULN");
    }
    ph(p, "</tbody></table></div>");
}

/* The census of the query's date (or the next census day). */
static bool census_of(struct page *p, struct lrsd_req *r,
                      const struct roster *ro, struct lrs_school_census *c,
                      struct date_text *typed, char q[96])
{
    struct lrs_date day;

    if (!census_date(p, query(r, "census-day"), query(r, "census-month"),
                     query(r, "census-year"), &day, typed))
        return false;
    snprintf(q, 96, "census-day=%u&census-month=%u&census-year=%d",
             (unsigned)day.day, (unsigned)day.month, (int)day.year);
    return lrs_school_census_run(ro->r, day, c) == LRS_OK;
}

void lrsd_p_school_census(struct lrsd_req *r)
{
    struct lrs_school_census c = LRS_SCHOOL_CENSUS_INIT;
    struct date_text typed;
    struct lrs_store *s;
    struct roster ro;
    struct page p;
    char q[96];
    bool ok;

    memset(&ro, 0, sizeof ro);
    if (!page_begin_auth(&p, r, PAGE_SCHOOL, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s || !roster_read(&p, s, &ro, false, false, NULL))
        goto out;
    ok = census_of(&p, r, &ro, &c, &typed, q);
    if (!ok && !p.error_count) {
        fail_memory(&p);
        goto out;
    }
    page_head(&p, "Census readiness");
    page_error_summary(&p);
    ph(&p, "<h1 class=\"govuk-heading-l\">Census readiness</h1><p class="
           "\"govuk-body\">ULNs are needed in the January census for pupils "
           "aged 14 and over. Pupils on roll are checked: pre-admissions, "
           "guests and leavers are not in your census.</p><form method="
           "\"get\" action=\"/school/census\" novalidate class=\"lrs-no-"
           "print\">");
    page_date_input(&p, "census", "Census day",
                    "The spring census is on the third Thursday of January.",
                    typed.day, typed.month, typed.year);
    ph(&p, "<button type=\"submit\" class=\"govuk-button govuk-button--"
           "secondary\" data-module=\"govuk-button\" id=\"check\">Check"
           "</button></form>");
    if (ok) {
        char day[32];

        page_date_text(c.census_date, day);
        ph(&p,
           "<p class=\"govuk-body\" id=\"census-summary\">On %s: %zu %s on "
           "roll, %zu aged 14 and over, %zu of them with a valid ULN; %zu "
           "%s need attention.</p>",
           day, c.on_roll, noun(c.on_roll, "pupil", "pupils"), c.total.pupils,
           c.total.with_uln, c.item_count,
           noun(c.item_count, "pupil", "pupils"));
        coverage_table(&p, &c, "census-chart");
        census_pupils(&p, &c, ro.r);
        ph(&p,
           "<ul class=\"govuk-list lrs-no-print\"><li><a class=\"govuk-"
           "link\" id=\"census-csv\" href=\"/school/census/pupils.csv?%s\" "
           "download>The pupils who need attention (CSV)</a></li><li><a "
           "class=\"govuk-link\" id=\"census-summary-csv\" href=\"/school/"
           "census/summary.csv?%s\" download>The summary by year group (CSV)"
           "</a></li><li><a class=\"govuk-link\" id=\"census-report\" "
           "href=\"/school/census/report.html?%s\">The printable report</a>"
           "</li></ul>",
           q, q, q);
    }
    page_send(&p, ok ? 200 : 400);
out:
    lrs_school_census_release(&c);
    roster_release(&ro);
    page_release(&p);
}

void lrsd_p_school_census_file(struct lrsd_req *r)
{
    struct lrs_school_census c = LRS_SCHOOL_CENSUS_INIT;
    struct lrs_buf out = LRS_BUF_INIT;
    const char *what = lrsd_param(r, 0);
    struct date_text typed;
    struct lrs_store *s;
    struct roster ro;
    struct page p;
    char q[96];
    enum lrs_err err;

    memset(&ro, 0, sizeof ro);
    if (!page_begin_auth(&p, r, PAGE_SCHOOL, 0, NULL))
        goto out;
    if (!what ||
        (strcmp(what, "pupils.csv") != 0 && strcmp(what, "summary.csv") != 0 &&
         strcmp(what, "report.html") != 0)) {
        page_fail(&p, 404, "Page not found", "There is no such download.");
        goto out;
    }
    s = page_store(&p);
    if (!s || !roster_read(&p, s, &ro, false, false, NULL))
        goto out;
    if (!census_of(&p, r, &ro, &c, &typed, q)) {
        page_fail(&p, 400, "The census date is not right",
                  p.error_count ? p.errors[0].msg : "out of memory");
        goto out;
    }
    if (what[0] == 'p')
        err = lrs_school_census_csv(&c, ro.r, &out);
    else if (what[0] == 's')
        err = lrs_school_census_summary_csv(&c, &out);
    else
        err = lrs_school_census_html(&c, ro.r, &out);
    if (err) {
        fail_memory(&p);
        goto out;
    }
    if (what[0] == 'r')
        printable(r, &out);
    else
        download(r, "text/csv; charset=utf-8",
                 what[0] == 'p' ? "census-pupils.csv" : "census-summary.csv",
                 out.data, out.len);
out:
    lrs_buf_release(&out);
    lrs_school_census_release(&c);
    roster_release(&ro);
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* Privacy notices                                                    */
/* ------------------------------------------------------------------ */

void lrsd_p_school_notices(struct lrsd_req *r)
{
    struct lrs_school_roster *before = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;
    struct roster ro;
    struct page p;
    size_t *rows = NULL, count = 0;
    const bool all = page_query(r, "all") != NULL;

    memset(&ro, 0, sizeof ro);
    if (!page_begin_auth(&p, r, PAGE_SCHOOL, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s || !roster_read(&p, s, &ro, true, false, NULL))
        goto out;
    if (!all && ro.meta.has_before &&
        lrs_school_roster_load_mem(ro.before.data, ro.before.len,
                                   "roster before the import", &before,
                                   &d) != LRS_OK) {
        page_fail(&p, 503, "Sorry, the service is unavailable",
                  "The roster before your last import could not be read.");
        goto out;
    }
    if ((all || before) &&
        lrs_school_notices_select(ro.r, before, &rows, &count) != LRS_OK) {
        fail_memory(&p);
        goto out;
    }
    page_head(&p, "Privacy notices");
    ph(&p, "<h1 class=\"govuk-heading-l\">Privacy notices</h1><p class="
           "\"govuk-body\">Pupils are given a privacy notice once they have "
           "a ULN. Each notice names the pupil and their ULN and says, in "
           "plain words, what the Personal Learning Record is and who can "
           "see it. Open one to print it.</p>");
    ph(&p, "<p class=\"govuk-body lrs-no-print\">%H</p>",
       all ? "Showing every pupil with a valid ULN. <a class=\"govuk-link\" "
             "href=\"/school/notices\" id=\"notices-new\">Show only the "
             "pupils who have just received one</a>."
           : "Showing the pupils who received a ULN in your last import. "
             "<a class=\"govuk-link\" href=\"/school/notices?all=1\" "
             "id=\"notices-all\">Show every pupil with a valid ULN</a>.");
    if (!count) {
        ph(&p, "<p class=\"govuk-body\" id=\"notices\">%s</p>",
           all || ro.meta.has_before
               ? "There are no pupils to give a notice to."
               : "Your roster has not been updated by an import since it "
                 "was uploaded, so no pupil has just received a ULN.");
    } else {
        ph(&p, "<table class=\"govuk-table\" id=\"notices\"><caption class="
               "\"govuk-table__caption govuk-table__caption--m\">Notices"
               "</caption><thead class=\"govuk-table__head\"><tr class="
               "\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__"
               "header\">Pupil</th><th scope=\"col\" class=\"govuk-table__"
               "header\">UPN</th><th scope=\"col\" class=\"govuk-table__"
               "header\">ULN</th><th scope=\"col\" class=\"govuk-table__"
               "header\">Notice</th></tr></thead><tbody class=\"govuk-table"
               "__body\">");
        for (size_t i = 0; i < count; i++) {
            const struct lrs_school_pupil *pu =
                lrs_school_roster_pupil(ro.r, rows[i]);
            char file[LRS_SCHOOL_NOTICE_NAME_SIZE];

            lrs_school_notice_file_name(ro.r, rows[i], file);
            ph(&p,
               "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell"
               "\">%s, %s</td><td class=\"govuk-table__cell\">%s</td><td "
               "class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__"
               "cell\"><a class=\"govuk-link\" href=\"/school/notices/%s\">"
               "Print the notice<span class=\"govuk-visually-hidden\"> for "
               "%s %s</span></a></td></tr>",
               pu->field[LRS_SCHOOL_SURNAME], pu->field[LRS_SCHOOL_FORENAME],
               pu->field[LRS_SCHOOL_UPN][0] ? pu->field[LRS_SCHOOL_UPN] : "-",
               pu->field[LRS_SCHOOL_ULN], file, pu->field[LRS_SCHOOL_FORENAME],
               pu->field[LRS_SCHOOL_SURNAME]);
        }
        ph(&p, "</tbody></table>");
    }
    page_send(&p, 200);
out:
    lrs_free(rows);
    lrs_school_roster_free(before);
    roster_release(&ro);
    page_release(&p);
}

/* GET /school/notices/{file}: one pupil's notice, as lib/school makes it,
 * for any pupil holding a valid ULN. */
void lrsd_p_school_notice(struct lrsd_req *r)
{
    struct lrs_buf out = LRS_BUF_INIT;
    const char *want = lrsd_param(r, 0);
    struct lrs_store *s;
    struct roster ro;
    struct page p;
    size_t *rows = NULL, count = 0, i;
    char la[8], estab[8], name[LRS_ORG_NAME_MAX + 1];

    memset(&ro, 0, sizeof ro);
    if (!page_begin_auth(&p, r, PAGE_SCHOOL, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s || !roster_read(&p, s, &ro, false, false, NULL))
        goto out;
    if (lrs_school_notices_select(ro.r, NULL, &rows, &count) != LRS_OK) {
        fail_memory(&p);
        goto out;
    }
    for (i = 0; want && i < count; i++) {
        char file[LRS_SCHOOL_NOTICE_NAME_SIZE];

        lrs_school_notice_file_name(ro.r, rows[i], file);
        if (strcmp(file, want) == 0)
            break;
    }
    if (!want || i == count) {
        page_fail(&p, 404, "Page not found", "There is no such notice.");
        goto out;
    }
    name[0] = '\0';
    (void)school_ids(&p, s, la, estab, name); /* the name is enough */
    if (lrs_school_notice_html(ro.r, rows[i], name, &out) != LRS_OK) {
        fail_memory(&p);
        goto out;
    }
    printable(r, &out);
out:
    lrs_free(rows);
    lrs_buf_release(&out);
    roster_release(&ro);
    page_release(&p);
}
