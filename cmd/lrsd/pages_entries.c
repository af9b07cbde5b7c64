/*
 * pages_entries.c - a school's exam entries: submit them (a CSV file for
 * one awarding organisation) and see at once how each candidate
 * verified and which ones the AO would reject and why; the changes not
 * yet sent to an AO; and "send to the AO", the submissions routine.
 *
 * The calls are POST /api/v1/entries, GET /api/v1/entries/pending and
 * POST /api/v1/entries/send's (h_plr.c): lrs_plr_entries_submit(),
 * lrs_store_entry_scan(LRS_ENTRY_SCAN_PENDING) and lrs_plr_entries_send(),
 * for the caller's own school only (its reference, lrsd_school_ref()),
 * never one named by the browser. The AO is chosen from the register's
 * awarding organisations by id and checked here.
 */
#include "pages.h"

#include <lrs/plr.h>

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Choosing an AO                                                     */
/* ------------------------------------------------------------------ */

struct ao_options {
    struct page *p;
    const char *chosen; /* the id chosen, as text */
    size_t count;
};

static enum lrs_err ao_option(const struct lrs_org *o, void *ctx)
{
    struct ao_options *a = ctx;
    char id[24];

    if (o->kind != LRS_ORG_AO || !o->ukprn[0])
        return LRS_OK;
    snprintf(id, sizeof id, "%lld", (long long)o->id);
    ph(a->p, "<option value=\"%s\"%H>%s (UKPRN %s)</option>", id,
       strcmp(id, a->chosen) == 0 ? " selected" : "", o->name, o->ukprn);
    a->count++;
    return LRS_OK;
}

/* The AO select; false after a failure page. */
static bool ao_select(struct page *p, struct lrs_store *s, const char *chosen)
{
    const char *err = page_field_error(p, "ao");
    struct ao_options a = {p, chosen, 0};

    ph(p,
       "<div class=\"govuk-form-group%H\"><label class=\"govuk-label\" "
       "for=\"ao\">Awarding organisation</label>",
       err ? " govuk-form-group--error" : "");
    if (err)
        ph(p,
           "<p id=\"ao-error\" class=\"govuk-error-message\"><span class=\""
           "govuk-visually-hidden\">Error:</span> %s</p>",
           err);
    ph(p,
       "<select class=\"govuk-select%H\" id=\"ao\" name=\"ao\"%H>"
       "<option value=\"\">Choose an awarding organisation</option>",
       err ? " govuk-select--error" : "",
       err ? " aria-describedby=\"ao-error\"" : "");
    if (lrs_store_org_scan(s, ao_option, &a) != LRS_OK) {
        page_fail(p, 503, "Sorry, there is a problem with the service",
                  "The awarding organisations could not be read.");
        return false;
    }
    ph(p, "</select></div>");
    return true;
}

/* The AO of id `text`; false (with an error on "ao") when it is none. */
static bool chosen_ao(struct page *p, struct lrs_store *s, const char *text,
                      struct lrs_org *ao)
{
    uint64_t id;

    if (!text || !text[0]) {
        page_error(p, "ao", "Choose the awarding organisation");
        return false;
    }
    if (lrs_parse_u64(lrs_str_c(text), 1, INT64_MAX, &id) != LRS_OK ||
        lrs_store_org_get(s, (int64_t)id, ao) != LRS_OK ||
        ao->kind != LRS_ORG_AO || !ao->ukprn[0]) {
        page_error(p, "ao", "Choose an awarding organisation from the list");
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Submit                                                             */
/* ------------------------------------------------------------------ */

static void entries_form(struct page *p, struct lrs_store *s, const char *ao,
                         unsigned status)
{
    const char *err = page_field_error(p, "entries");

    page_head(p, "Submit exam entries");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p, "<h1 class=\"govuk-heading-l\">Submit exam entries</h1><p class=\""
          "govuk-body\">Each candidate's ULN and names are checked against "
          "the register now, so you see which entries the awarding "
          "organisation would reject before you send them. Entries are sent "
          "only when you choose to send the changes.</p><form method=\"post"
          "\" action=\"/entries\" enctype=\"multipart/form-data\" "
          "novalidate>");
    page_csrf_field(p);
    if (!ao_select(p, s, ao))
        return;
    ph(p,
       "<div class=\"govuk-form-group%H\"><label class=\"govuk-label\" "
       "for=\"entries\">Entries file (CSV)</label><div id=\"entries-hint\" "
       "class=\"govuk-hint\">A header row naming the columns, then one entry "
       "a row.</div>",
       err ? " govuk-form-group--error" : "");
    if (err)
        ph(p,
           "<p id=\"entries-error\" class=\"govuk-error-message\"><span "
           "class=\"govuk-visually-hidden\">Error:</span> %s</p>",
           err);
    ph(p,
       "<input class=\"govuk-file-upload%H\" id=\"entries\" name=\"entries\" "
       "type=\"file\" accept=\".csv,text/csv\" aria-describedby=\"entries-"
       "hint%H\"></div><button type=\"submit\" class=\"govuk-button\" "
       "data-module=\"govuk-button\" id=\"submit\">Check and save entries"
       "</button></form>",
       err ? " govuk-file-upload--error" : "", err ? " entries-error" : "");
    ph(p, "<details class=\"govuk-details\"><summary class=\"govuk-details__"
          "summary\"><span class=\"govuk-details__summary-text\">The columns"
          "</span></summary><div class=\"govuk-details__text\"><p class=\""
          "govuk-body\">Required: <code>candidate_number</code>, <code>"
          "qualification_code</code>, <code>series</code> (for example "
          "2026-06), <code>given_name</code>, <code>family_name</code>.</p>"
          "<p class=\"govuk-body\">Optional: <code>uci</code>, <code>uln"
          "</code>, <code>date_of_birth</code>, <code>gender</code>, <code>"
          "qualification_title</code>.</p><p class=\"govuk-body\">An entry "
          "is the same entry again when the series, candidate number and "
          "qualification code are the same.</p></div></details>");
    ph(p, "<h2 class=\"govuk-heading-m\">Changes not yet sent</h2><form "
          "method=\"get\" action=\"/entries/pending\" novalidate>");
    ph(p, "<div class=\"govuk-form-group\"><label class=\"govuk-label\" "
          "for=\"pending-ao\">Awarding organisation</label><select class=\""
          "govuk-select\" id=\"pending-ao\" name=\"ao\">");
    {
        struct ao_options a = {p, ao, 0};

        if (lrs_store_org_scan(s, ao_option, &a) != LRS_OK) {
            page_fail(p, 503, "Sorry, there is a problem with the service",
                      "The awarding organisations could not be read.");
            return;
        }
    }
    ph(p, "</select></div><button type=\"submit\" class=\"govuk-button "
          "govuk-button--secondary\" data-module=\"govuk-button\" id=\""
          "see-pending\">See changes not yet sent</button></form></div>"
          "</div>");
    page_send(p, status);
}

/* GET /entries */
void lrsd_p_entries(struct lrsd_req *r)
{
    struct lrs_store *s;
    struct lrs_org school;
    struct page p;

    if (!page_begin_auth(&p, r, PAGE_SCHOOL, 0, NULL))
        goto out;
    s = page_store(&p);
    if (s && page_caller_org(&p, s, LRS_ORG_SCHOOL, &school))
        entries_form(&p, s, "", 200);
out:
    page_release(&p);
}

static const char *entry_outcome_words(enum lrs_entry_outcome o)
{
    switch (o) {
    case LRS_ENTRY_NEW:
        return "New";
    case LRS_ENTRY_AMENDED:
        return "Amended";
    case LRS_ENTRY_UNCHANGED:
        return "Unchanged";
    case LRS_ENTRY_REJECTED:
        break;
    }
    return "Not saved";
}

struct entry_rows {
    struct page rows; /* the table rows, built apart */
};

static enum lrs_err entry_row(void *ctx, const struct lrs_entry_row *row)
{
    struct page *p = &((struct entry_rows *)ctx)->rows;
    const struct lrs_entry *e = row->e;
    char vrf[400];
    bool reject;

    ph(p,
       "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%lld"
       "</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-"
       "table__cell\">%s%s%s</td><td class=\"govuk-table__cell\">%s</td>"
       "<td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__"
       "cell\"><strong class=\"govuk-tag %H\">%s</strong></td><td class=\""
       "govuk-table__cell\">",
       (long long)row->line, e ? e->candidate_number : "",
       e ? e->given_name : "", e ? " " : "", e ? e->family_name : "",
       e && e->uln[0] ? e->uln : "none", e ? e->qualification_code : "",
       row->outcome == LRS_ENTRY_REJECTED    ? "govuk-tag--red"
       : row->outcome == LRS_ENTRY_UNCHANGED ? "govuk-tag--grey"
                                             : "govuk-tag--blue",
       entry_outcome_words(row->outcome));
    if (row->outcome == LRS_ENTRY_REJECTED) {
        ph(p, "<strong>Not saved:</strong> %s%s%s",
           row->why.field ? row->why.field : "", row->why.field ? ": " : "",
           row->why.msg);
    } else if (!e || !e->verify_code) {
        ph(p, "<strong class=\"govuk-tag govuk-tag--grey\">No ULN</strong> "
              "The awarding organisation cannot check this candidate "
              "until the entry has their ULN.");
    } else {
        reject = !lrs_verify_accepted(e->verify_code);
        page_vrf_text(e->verify_flags, vrf, sizeof vrf);
        ph(p, "<strong class=\"govuk-tag %H\">%s</strong> %s (%s)%H%s",
           reject ? "govuk-tag--red" : "govuk-tag--green",
           reject ? "AO would reject" : "Verified",
           lrs_verify_code_text(e->verify_code),
           lrs_verify_code_name(e->verify_code), vrf[0] ? ": " : "", vrf);
        if (reject)
            ph(p, ". <span class=\"govuk-body-s\">Correct the entry or the "
                  "learner's record (for example after a change of name) "
                  "and submit it again.</span>");
    }
    ph(p, "</td></tr>");
    return p->oom ? LRS_ENOMEM : LRS_OK;
}

static void count_row(struct page *p, const char *key, uint64_t n)
{
    char v[24];

    snprintf(v, sizeof v, "%llu", (unsigned long long)n);
    page_summary_row(p, key, v);
}

/* POST /entries (multipart: csrf, ao, entries) */
void lrsd_p_entries_post(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_entries_summary sum;
    struct lrs_entries_opts o;
    char ref[LRS_PLR_CODE_SIZE];
    struct entry_rows rows;
    struct page_upload u;
    struct lrs_csv_mem mem;
    struct lrs_actor actor;
    struct lrs_org school, ao;
    struct lrs_store *s;
    struct page p;
    const char *ao_text;
    enum lrs_err err;

    memset(&rows, 0, sizeof rows);
    lrs_buf_init(&rows.rows.out, 0);
    if (!page_multipart_parse(r, "entries", &u)) {
        page_redirect(r, "/entries");
        goto done;
    }
    if (!page_begin_auth(&p, r, PAGE_SCHOOL, 0, &u.form))
        goto out;
    s = page_store(&p);
    if (!s || !page_caller_org(&p, s, LRS_ORG_SCHOOL, &school))
        goto out;
    ao_text = page_form_get(&u.form, "ao");
    chosen_ao(&p, s, ao_text, &ao);
    if (!u.has_file || u.len == 0)
        page_error(&p, "entries", "Select an entries file (CSV)");
    if (p.error_count) {
        entries_form(&p, s, ao_text, 400);
        goto out;
    }
    lrsd_school_ref(&school, ref);
    memset(&o, 0, sizeof o);
    o.name = u.file_name[0] ? u.file_name : "the file";
    o.school = ref;
    o.ao_ukprn = ao.ukprn;
    o.on_row = entry_row;
    o.ctx = &rows;
    memset(&sum, 0, sizeof sum);
    mem = (struct lrs_csv_mem){u.data, u.len};
    actor = lrsd_actor(r);
    err =
        lrs_plr_entries_submit(s, &actor, lrs_csv_mem_read, &mem, &o, &sum, &d);
    if (err == LRS_EINVAL || err == LRS_ELIMIT) {
        page_error(&p, "entries",
                   "The file cannot be read, nothing was "
                   "saved: %s",
                   d.msg);
        entries_form(&p, s, ao_text, 400);
        goto out;
    }
    if (err || rows.rows.oom) {
        page_fail(&p, 503, "Sorry, there is a problem with the service",
                  "The entries were not saved. Try again later.");
        goto out;
    }
    page_head(&p, "Exam entries checked");
    ph(&p,
       "<span class=\"govuk-caption-l\">For %s</span><h1 class=\"govuk-"
       "heading-l\">Exam entries checked</h1>",
       ao.name);
    if (sum.not_verified || sum.rejected)
        page_banner(&p, false, "Some entries need your attention",
                    "The awarding organisation would reject the entries "
                    "marked below, or they were not saved. The rest are "
                    "saved, ready to send.");
    else
        page_banner(&p, true, "Every entry verified",
                    "They are saved, ready to send.");
    ph(&p, "<dl class=\"govuk-summary-list\" id=\"summary\">");
    count_row(&p, "Rows", sum.rows);
    count_row(&p, "New", sum.added);
    count_row(&p, "Amended", sum.amended);
    count_row(&p, "Unchanged", sum.unchanged);
    count_row(&p, "AO would reject", sum.not_verified);
    count_row(&p, "Not saved", sum.rejected);
    ph(&p,
       "</dl><div class=\"lrs-scroll\"><table class=\"govuk-table\" id=\""
       "rows\"><caption class=\"govuk-table__caption govuk-table__caption--m"
       "\">Every row of %s</caption><thead class=\"govuk-table__head\"><tr "
       "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__"
       "header\">Line</th><th scope=\"col\" class=\"govuk-table__header\">"
       "Candidate</th><th scope=\"col\" class=\"govuk-table__header\">Name"
       "</th><th scope=\"col\" class=\"govuk-table__header\">ULN</th><th "
       "scope=\"col\" class=\"govuk-table__header\">Qualification</th><th "
       "scope=\"col\" class=\"govuk-table__header\">Entry</th><th scope=\""
       "col\" class=\"govuk-table__header\">Verification</th></tr></thead>"
       "<tbody class=\"govuk-table__body\">%H</tbody></table></div>"
       "<p class=\"govuk-body lrs-no-print\"><a class=\"govuk-button\" "
       "data-module=\"govuk-button\" id=\"to-pending\" href=\"/entries/"
       "pending?ao=%lld\">See what will be sent</a></p>",
       o.name, rows.rows.out.data, (long long)ao.id);
    page_send(&p, 200);
out:
    page_release(&p);
done:
    page_release(&rows.rows);
}

/* ------------------------------------------------------------------ */
/* Pending and send                                                   */
/* ------------------------------------------------------------------ */

struct pending_list {
    struct page *p;
    size_t count;
};

static enum lrs_err pending_row(const struct lrs_entry *e, void *ctx)
{
    struct pending_list *l = ctx;

    page_entry_row(l->p, e, NULL);
    l->count++;
    return l->p->oom ? LRS_ENOMEM : LRS_OK;
}

/* The caller's school, its reference and the chosen AO; false after a
 * page (a 400 page when the AO is not one). */
static bool school_and_ao(struct page *p, struct lrs_store *s,
                          const char *ao_text, char ref[LRS_PLR_CODE_SIZE],
                          struct lrs_org *ao)
{
    struct lrs_org school;

    if (!page_caller_org(p, s, LRS_ORG_SCHOOL, &school))
        return false;
    if (!chosen_ao(p, s, ao_text, ao)) {
        page_fail(p, 400, "Choose an awarding organisation",
                  "Go back to exam entries and choose one from the list.");
        return false;
    }
    lrsd_school_ref(&school, ref);
    return true;
}

/* GET /entries/pending?ao=ID */
void lrsd_p_entries_pending(struct lrsd_req *r)
{
    char ref[LRS_PLR_CODE_SIZE];
    struct pending_list l;
    struct lrs_store *s;
    struct lrs_org ao;
    struct page p;

    if (!page_begin_auth(&p, r, PAGE_SCHOOL, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s || !school_and_ao(&p, s, page_query(r, "ao"), ref, &ao))
        goto out;
    page_head(&p, "Exam entries not yet sent");
    if (page_query(r, "sent"))
        page_banner(&p, true, "The entries were sent",
                    "The awarding organisation can see them now. Only what "
                    "changes from now on will be sent next time.");
    ph(&p,
       "<span class=\"govuk-caption-l\">For %s</span><h1 class=\"govuk-"
       "heading-l\">Exam entries not yet sent</h1><p class=\"govuk-body\">"
       "New entries, and entries changed since you last sent them (for "
       "example a ULN that arrived with a returned CTF).</p>",
       ao.name);
    page_entry_table(&p, "pending", "Changes to send", false);
    l = (struct pending_list){&p, 0};
    if (lrs_store_entry_scan(s, ao.ukprn, ref, LRS_ENTRY_SCAN_PENDING,
                             pending_row, &l) != LRS_OK) {
        page_fail(&p, 503, "Sorry, there is a problem with the service",
                  "The entries could not be read.");
        goto out;
    }
    ph(&p, "</tbody></table></div>");
    if (!l.count) {
        ph(&p, "<p class=\"govuk-body\" id=\"nothing-pending\">Nothing has "
               "changed since you last sent your entries.</p>");
    } else {
        ph(&p, "<form method=\"post\" action=\"/entries/send\" novalidate>");
        page_csrf_field(&p);
        ph(&p,
           "<input type=\"hidden\" name=\"ao\" value=\"%lld\"><button type=\""
           "submit\" class=\"govuk-button\" data-module=\"govuk-button\" "
           "id=\"send\">Send %zu %H to %s</button></form>",
           (long long)ao.id, l.count, l.count == 1 ? "entry" : "entries",
           ao.name);
    }
    ph(&p, "<p class=\"govuk-body lrs-no-print\"><a class=\"govuk-link\" "
           "href=\"/entries\">Submit more entries</a></p>");
    page_send(&p, 200);
out:
    page_release(&p);
}

/* POST /entries/send (ao): the submissions routine. */
void lrsd_p_entries_send(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    char ref[LRS_PLR_CODE_SIZE], loc[64];
    struct lrs_actor actor;
    struct page_form f;
    struct lrs_store *s;
    struct lrs_org ao;
    struct page p;
    uint64_t count = 0;

    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/entries");
        return;
    }
    if (!page_begin_auth(&p, r, PAGE_SCHOOL, 0, &f))
        goto out;
    s = page_store(&p);
    if (!s || !school_and_ao(&p, s, page_form_get(&f, "ao"), ref, &ao))
        goto out;
    actor = lrsd_actor(r);
    if (lrs_plr_entries_send(s, &actor, ao.ukprn, ref, NULL, NULL, &count, NULL,
                             &d) != LRS_OK) {
        page_fail(&p, 503, "Sorry, there is a problem with the service",
                  "The entries were not sent. Try again later.");
        goto out;
    }
    lrsd_log(LRS_LOG_INFO, "entries", r->id, "entries sent", "count=%llu ao=%s",
             (unsigned long long)count, ao.ukprn);
    snprintf(loc, sizeof loc, "/entries/pending?ao=%lld&sent=%llu",
             (long long)ao.id, (unsigned long long)count);
    page_redirect(r, loc);
out:
    page_release(&p);
}
