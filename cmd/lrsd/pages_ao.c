/*
 * pages_ao.c - awarding organisations' pages: upload results into the
 * Personal Learning Record (PLR) with the outcome of every row, the exam
 * entries and amendments schools have sent; and reading a learner's PLR
 * for any organisation allowed to (schools, AOs, operators).
 *
 * The calls are the JSON API's (h_plr.c): lrs_plr_results_upload() with
 * the caller's organisation as the AO (never a value from the browser),
 * lrs_plr_entries_sent() of what was sent to that AO, as it was sent, and
 * lrs_plr_get() with the ULN and names, which refuses WSEC0208 (names do
 * not verify) and WSEC0206 (the learner does not share) and is audited.
 */
#include "pages.h"

#include <lrs/plr.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#define PLR_ROLES (PAGE_SCHOOL | PAGE_AO | PAGE_OPERATOR)

/* ------------------------------------------------------------------ */
/* Shared with pages_entries.c                                        */
/* ------------------------------------------------------------------ */

bool page_caller_org(struct page *p, struct lrs_store *s,
                     enum lrs_org_kind kind, struct lrs_org *out)
{
    if (p->who.org_id != 0 &&
        lrs_store_org_get(s, p->who.org_id, out) == LRS_OK &&
        out->kind == kind && (kind != LRS_ORG_AO || out->ukprn[0]))
        return true;
    page_fail(p, 403, "You cannot use this page",
              kind == LRS_ORG_AO
                  ? "Only an awarding organisation's users can use it."
                  : "Only a school's users can use it.");
    return false;
}

void page_vrf_text(unsigned flags, char *out, size_t out_len)
{
    static const char *const words[] = {
        "the given name does not agree",
        "nor with the registered family name",
        "nor with the previous family name",
        "the family name does not agree with the registered given name",
        "the family name does not agree",
        "nor with the previous family name",
        "the date of birth does not agree",
        "the gender does not agree",
    };
    size_t n = 0;

    out[0] = '\0';
    for (unsigned i = 0; i < 8; i++) {
        int w;

        if (!(flags & (1u << i)))
            continue;
        w = snprintf(out + n, out_len - n, "%sVRF%u: %s", n ? "; " : "", i + 1,
                     words[i]);
        if (w < 0 || (size_t)w >= out_len - n)
            return;
        n += (size_t)w;
    }
}

void page_ms_date(int64_t ms, char out[32])
{
    const time_t t = (time_t)(ms / 1000);
    struct tm tm;

    if (!ms || !gmtime_r(&t, &tm) || !strftime(out, 32, "%d %b %Y %H:%M", &tm))
        snprintf(out, 32, "-");
}

/* ------------------------------------------------------------------ */
/* Results upload                                                     */
/* ------------------------------------------------------------------ */

static void results_form(struct page *p, unsigned status)
{
    const char *err = page_field_error(p, "results");

    page_head(p, "Upload results");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p, "<h1 class=\"govuk-heading-l\">Upload results</h1><p class=\""
          "govuk-body\">Send your results to learners' Personal Learning "
          "Records. Each row is checked against the register; the rows that "
          "fail are listed with the reason and nothing of them is stored. "
          "Sending a row again does not store it twice; a changed grade "
          "replaces the old one, which is kept in the history.</p>"
          "<form method=\"post\" action=\"/results/upload\" enctype=\""
          "multipart/form-data\" novalidate>");
    page_csrf_field(p);
    ph(p,
       "<div class=\"govuk-form-group%H\"><label class=\"govuk-label\" "
       "for=\"results\">Results file (CSV)</label><div id=\"results-hint\" "
       "class=\"govuk-hint\">A header row naming the columns, then one "
       "result a row.</div>",
       err ? " govuk-form-group--error" : "");
    if (err)
        ph(p,
           "<p id=\"results-error\" class=\"govuk-error-message\"><span "
           "class=\"govuk-visually-hidden\">Error:</span> %s</p>",
           err);
    ph(p,
       "<input class=\"govuk-file-upload%H\" id=\"results\" name=\"results\" "
       "type=\"file\" accept=\".csv,text/csv\" aria-describedby=\"results-"
       "hint%H\"></div><button type=\"submit\" class=\"govuk-button\" "
       "data-module=\"govuk-button\" id=\"send\">Upload</button></form>",
       err ? " govuk-file-upload--error" : "", err ? " results-error" : "");
    ph(p, "<details class=\"govuk-details\"><summary class=\"govuk-details__"
          "summary\"><span class=\"govuk-details__summary-text\">The columns"
          "</span></summary><div class=\"govuk-details__text\"><p class=\""
          "govuk-body\">Required: <code>uln</code>, <code>given_name</code>, "
          "<code>family_name</code>, <code>subject_code</code>, <code>grade"
          "</code>, <code>award_date</code> (yyyy-mm-dd or dd/mm/yyyy).</p>"
          "<p class=\"govuk-body\">Optional: <code>date_of_birth</code>, "
          "<code>gender</code>, <code>subject</code>, <code>qualification_"
          "type</code>, <code>level</code>, <code>credits</code>, <code>"
          "status</code> (F final, P provisional), <code>provider_ukprn"
          "</code>, <code>provider_name</code>, <code>participation_start_"
          "date</code>, <code>participation_end_date</code>, <code>language"
          "</code>, <code>restriction</code>, <code>collection_type</code>, "
          "<code>return_number</code>.</p></div></details></div></div>");
    page_send(p, status);
}

/* GET /results/upload */
void lrsd_p_results(struct lrsd_req *r)
{
    struct page p;

    if (page_begin_auth(&p, r, PAGE_AO, 0, NULL))
        results_form(&p, 200);
    page_release(&p);
}

/* The outcome of one row, in words. */
static const char *outcome_words(enum lrs_result_outcome o)
{
    switch (o) {
    case LRS_RESULT_STORED:
        return "Stored";
    case LRS_RESULT_CORRECTED:
        return "Replaced: grade corrected, the old grade kept in the history";
    case LRS_RESULT_UPDATED:
        return "Replaced: details updated";
    case LRS_RESULT_UNCHANGED:
        return "Unchanged: already stored";
    case LRS_RESULT_REJECTED:
        break;
    }
    return "Rejected";
}

/* Why a row was rejected, in words (its code names the LRS's reason). */
static const char *reject_words(const char *code)
{
    if (strcmp(code, "WSEC0136") == 0)
        return "The ULN is not valid.";
    if (strcmp(code, "WSVRC005") == 0)
        return "The learner's names do not match the register.";
    if (strcmp(code, "WSVRC006") == 0)
        return "No learner has this ULN.";
    if (strcmp(code, "DUPLICATE") == 0)
        return "The same result is in this file twice.";
    return "A value is missing or not valid.";
}

struct result_rows {
    struct page rows; /* the table rows, built apart */
};

static enum lrs_err result_row(void *ctx, const struct lrs_result_row *row)
{
    struct page *p = &((struct result_rows *)ctx)->rows;
    const bool bad = row->outcome == LRS_RESULT_REJECTED;
    char vrf[400];

    page_vrf_text(row->flags, vrf, sizeof vrf);
    ph(p,
       "<tr class=\"govuk-table__row%H\"><td class=\"govuk-table__cell\">"
       "%lld</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-"
       "table__cell\">%s</td><td class=\"govuk-table__cell\"><strong class="
       "\"govuk-tag %H\">%s</strong></td><td class=\"govuk-table__cell\">"
       "%s</td><td class=\"govuk-table__cell\">",
       bad ? " lrs-rejected" : "", (long long)row->line,
       !row->a          ? ""
       : row->a->uln[0] ? row->a->uln
                        : row->a->supplied_uln,
       row->a ? row->a->subject_code : "",
       bad                                    ? "govuk-tag--red"
       : row->outcome == LRS_RESULT_UNCHANGED ? "govuk-tag--grey"
       : row->outcome == LRS_RESULT_STORED    ? "govuk-tag--green"
                                              : "govuk-tag--blue",
       outcome_words(row->outcome), row->code ? row->code : "");
    if (bad) {
        ph(p, "%s", reject_words(row->code ? row->code : ""));
        if (row->why.msg[0])
            ph(p, " <span class=\"govuk-body-s\">(%s%s%s)</span>",
               row->why.field ? row->why.field : "", row->why.field ? ": " : "",
               row->why.msg);
        if (vrf[0])
            ph(p, " <span class=\"govuk-body-s\">%s</span>", vrf);
    } else if (row->code && (strcmp(row->code, "WSVRC003") == 0 ||
                             strcmp(row->code, "WSVRC004") == 0)) {
        ph(p, "Accepted as a similar match%s%s", vrf[0] ? ": " : "", vrf);
    } else if (row->code && strcmp(row->code, "WSVRC002") == 0) {
        ph(p, "The ULN was merged: stored under the learner's current ULN");
    }
    ph(p, "</td></tr>");
    return p->oom ? LRS_ENOMEM : LRS_OK;
}

static void summary_row(struct page *p, const char *key, uint64_t n)
{
    char v[24];

    snprintf(v, sizeof v, "%llu", (unsigned long long)n);
    page_summary_row(p, key, v);
}

/* POST /results/upload */
void lrsd_p_results_post(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_results_summary sum;
    struct lrs_results_opts o;
    struct result_rows rows;
    struct page_upload u;
    struct lrs_csv_mem mem;
    struct lrs_actor actor;
    struct lrs_store *s;
    struct lrs_org ao;
    struct page p;
    enum lrs_err err;

    memset(&rows, 0, sizeof rows);
    lrs_buf_init(&rows.rows.out, 0);
    if (!page_multipart_parse(r, "results", &u)) {
        page_redirect(r, "/results/upload");
        goto done;
    }
    if (!page_begin_auth(&p, r, PAGE_AO, 0, &u.form))
        goto out;
    s = page_store(&p);
    if (!s || !page_caller_org(&p, s, LRS_ORG_AO, &ao))
        goto out;
    if (!u.has_file || u.len == 0) {
        page_error(&p, "results", "Select a results file (CSV)");
        results_form(&p, 400);
        goto out;
    }
    rows.rows.r = r;
    memset(&o, 0, sizeof o);
    o.name = u.file_name[0] ? u.file_name : "the file";
    o.ao_ukprn = ao.ukprn;
    o.ao_name = ao.name;
    o.ao_org_id = ao.id;
    o.on_row = result_row;
    o.ctx = &rows;
    memset(&sum, 0, sizeof sum);
    mem = (struct lrs_csv_mem){u.data, u.len};
    actor = lrsd_actor(r);
    err =
        lrs_plr_results_upload(s, &actor, lrs_csv_mem_read, &mem, &o, &sum, &d);
    if (err == LRS_EINVAL || err == LRS_ELIMIT) {
        /* A malformed file: nothing was stored. */
        page_error(&p, "results",
                   "The file cannot be read, nothing was "
                   "stored: %s",
                   d.msg);
        results_form(&p, 400);
        goto out;
    }
    if (err || rows.rows.oom) {
        page_fail(&p, 503, "Sorry, there is a problem with the service",
                  "The results were not stored. Try again later.");
        goto out;
    }
    page_head(&p, "Results uploaded");
    ph(&p,
       "<span class=\"govuk-caption-l\">%s, UKPRN %s</span><h1 class=\""
       "govuk-heading-l\">Results uploaded</h1>",
       ao.name, ao.ukprn);
    if (sum.rejected)
        page_banner(&p, false, "Some rows were rejected",
                    "They are marked Rejected below with the reason. Correct "
                    "them and upload them again; the other rows are stored.");
    else
        page_banner(&p, true, "Every row was accepted", NULL);
    ph(&p, "<dl class=\"govuk-summary-list\" id=\"summary\">");
    summary_row(&p, "Rows", sum.rows);
    summary_row(&p, "Stored", sum.stored);
    summary_row(&p, "Replaced (grade corrected)", sum.corrected);
    summary_row(&p, "Replaced (details updated)", sum.updated);
    summary_row(&p, "Unchanged", sum.unchanged);
    summary_row(&p, "Rejected", sum.rejected);
    ph(&p,
       "</dl><table class=\"govuk-table\" id=\"rows\"><caption class=\""
       "govuk-table__caption govuk-table__caption--m\">Every row of %s"
       "</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-"
       "table__row\"><th scope=\"col\" class=\"govuk-table__header\">Line"
       "</th><th scope=\"col\" class=\"govuk-table__header\">ULN</th><th "
       "scope=\"col\" class=\"govuk-table__header\">Subject code</th><th "
       "scope=\"col\" class=\"govuk-table__header\">Outcome</th><th scope=\""
       "col\" class=\"govuk-table__header\">Code</th><th scope=\"col\" "
       "class=\"govuk-table__header\">Reason</th></tr></thead><tbody class="
       "\"govuk-table__body\">%H</tbody></table><p class=\"govuk-body "
       "lrs-no-print\">To print this list, use your browser's Print "
       "command. <a class=\"govuk-link\" href=\"/results/upload\">Upload "
       "another file</a></p>",
       o.name, rows.rows.out.data);
    page_send(&p, 200);
out:
    page_release(&p);
done:
    page_release(&rows.rows);
}

/* ------------------------------------------------------------------ */
/* Entries sent to an AO                                              */
/* ------------------------------------------------------------------ */

/* One entry as a table row; `ao_view` adds the school and sent date. */
void page_entry_row(struct page *p, const struct lrs_entry *e,
                    const char *school_name)
{
    const bool ao_view = school_name != NULL;
    char dob[32], when[32], vrf[400];
    const bool reject = e->verify_code && !lrs_verify_accepted(e->verify_code);

    page_date_text(e->date_of_birth, dob);
    page_vrf_text(e->verify_flags, vrf, sizeof vrf);
    ph(p, "<tr class=\"govuk-table__row\">");
    if (ao_view)
        ph(p,
           "<td class=\"govuk-table__cell\">%s<br><span class=\"govuk-body-s"
           "\">%s</span></td>",
           school_name, e->school);
    ph(p,
       "<td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__"
       "cell\">%s<br><span class=\"govuk-body-s\">UCI %s</span></td><td "
       "class=\"govuk-table__cell\">%s %s<br><span class=\"govuk-body-s\">"
       "born %s</span></td><td class=\"govuk-table__cell\">%s</td><td "
       "class=\"govuk-table__cell\">%s<br><span class=\"govuk-body-s\">%s"
       "</span></td><td class=\"govuk-table__cell\">",
       e->series, e->candidate_number, e->uci[0] ? e->uci : "none",
       e->given_name, e->family_name, dob, e->uln[0] ? e->uln : "none",
       e->qualification_code, e->qualification_title);
    if (!e->verify_code)
        ph(p, "<strong class=\"govuk-tag govuk-tag--grey\">No ULN</strong>");
    else
        ph(p, "<strong class=\"govuk-tag %H\">%s</strong> %s (%s)%H%s",
           reject ? "govuk-tag--red" : "govuk-tag--green",
           reject ? "Would be rejected" : "Verified",
           lrs_verify_code_text(e->verify_code),
           lrs_verify_code_name(e->verify_code), vrf[0] ? "<br>" : "", vrf);
    ph(p, "</td>");
    if (ao_view) {
        page_ms_date(e->sent_ms, when);
        ph(p, "<td class=\"govuk-table__cell\">%s%H</td>", when,
           e->amended_ms > e->submitted_ms
               ? "<br><strong class=\"govuk-tag govuk-tag--blue\">Amended"
                 "</strong>"
               : "");
    }
    ph(p, "</tr>");
}

/* The head of an entries table. */
void page_entry_table(struct page *p, const char *id, const char *caption,
                      bool ao_view)
{
    ph(p,
       "<div class=\"lrs-scroll\"><table class=\"govuk-table\" id=\"%s\">"
       "<caption class=\"govuk-table__caption govuk-table__caption--m\">%s"
       "</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-"
       "table__row\">%H<th scope=\"col\" class=\"govuk-table__header\">"
       "Series</th><th scope=\"col\" class=\"govuk-table__header\">"
       "Candidate</th><th scope=\"col\" class=\"govuk-table__header\">Name"
       "</th><th scope=\"col\" class=\"govuk-table__header\">ULN</th><th "
       "scope=\"col\" class=\"govuk-table__header\">Qualification</th><th "
       "scope=\"col\" class=\"govuk-table__header\">Verification</th>%H"
       "</tr></thead><tbody class=\"govuk-table__body\">",
       id, caption,
       ao_view ? "<th scope=\"col\" class=\"govuk-table__header\">School"
                 "</th>"
               : "",
       ao_view ? "<th scope=\"col\" class=\"govuk-table__header\">Sent "
                 "(UTC)</th>"
               : "");
}

struct sent_list {
    struct page *p;
    struct lrs_store *s;
    size_t count;
    char ref[LRS_PLR_CODE_SIZE];     /* the last school looked up */
    char name[LRS_ORG_NAME_MAX + 1]; /* its name, "" when unknown */
};

/* The name of the school whose reference is `ref` (lrsd_school_ref():
 * LA + establishment, 7 digits, else a URN), kept for the next row. */
static const char *school_name(struct sent_list *l, const char *ref)
{
    struct lrs_org_ref by;
    struct lrs_org o;
    uint64_t v;

    if (strcmp(l->ref, ref) == 0)
        return l->name;
    snprintf(l->ref, sizeof l->ref, "%s", ref);
    l->name[0] = '\0';
    memset(&by, 0, sizeof by);
    if (lrs_parse_u64(lrs_str_c(ref), 1, INT64_MAX, &v) != LRS_OK)
        return l->name;
    if (strlen(ref) == 7) {
        by.la = (int32_t)(v / 10000);
        by.estab = (int32_t)(v % 10000);
    } else {
        by.urn = (int64_t)v;
    }
    if (lrs_store_org_find(l->s, &by, &o) == LRS_OK)
        snprintf(l->name, sizeof l->name, "%s", o.name);
    return l->name;
}

static enum lrs_err sent_row(const struct lrs_entry *e, void *ctx)
{
    struct sent_list *l = ctx;

    /* The AO sees what was sent to it, as sent (GET /api/v1/entries). */
    page_entry_row(l->p, e, school_name(l, e->school));
    l->count++;
    return l->p->oom ? LRS_ENOMEM : LRS_OK;
}

/* GET /entries/received: the entries and amendments sent to this AO. */
void lrsd_p_entries_received(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_actor actor;
    struct sent_list l;
    struct lrs_store *s;
    struct lrs_org ao;
    struct page p;

    if (!page_begin_auth(&p, r, PAGE_AO, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s || !page_caller_org(&p, s, LRS_ORG_AO, &ao))
        goto out;
    page_head(&p, "Exam entries received");
    ph(&p,
       "<span class=\"govuk-caption-l\">%s, UKPRN %s</span><h1 class=\""
       "govuk-heading-l\">Exam entries received</h1><p class=\"govuk-body\">"
       "The entries schools have sent you, with how each candidate's ULN "
       "and names verified when the school submitted them. An entry "
       "marked Amended was changed and sent again.</p>",
       ao.name, ao.ukprn);
    page_entry_table(&p, "entries", "Entries sent to you", true);
    memset(&l, 0, sizeof l);
    l.p = &p;
    l.s = s;
    actor = lrsd_actor(r);
    if (lrs_plr_entries_sent(s, &actor, ao.ukprn, 0, sent_row, &l, &d) !=
        LRS_OK) {
        page_fail(&p, 503, "Sorry, there is a problem with the service",
                  "The entries could not be read.");
        goto out;
    }
    ph(&p, "</tbody></table></div>");
    if (!l.count)
        ph(&p, "<p class=\"govuk-body\" id=\"no-entries\">No school has "
               "sent you entries yet.</p>");
    page_send(&p, 200);
out:
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* Reading a PLR                                                      */
/* ------------------------------------------------------------------ */

struct plr_form {
    const char *uln, *given, *family, *day, *month, *year;
};

static void plr_form_page(struct page *p, const struct plr_form *v,
                          unsigned status)
{
    page_head(p, "View a learner's achievements");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p, "<h1 class=\"govuk-heading-l\">View a learner's achievements</h1>"
          "<p class=\"govuk-body\">The learner's Personal Learning Record. "
          "The ULN and names you give must agree with the register, and the "
          "learner must have agreed to share their record.</p><form method="
          "\"post\" action=\"/plr\" novalidate>");
    page_csrf_field(p);
    page_input(p, "uln", "Unique Learner Number (ULN)", NULL, v->uln,
               "govuk-input--width-10", "off");
    page_input(p, "given_name", "Given name", NULL, v->given,
               "govuk-!-width-two-thirds", "off");
    page_input(p, "family_name", "Family name", NULL, v->family,
               "govuk-!-width-two-thirds", "off");
    page_date_input(p, "dob", "Date of birth (optional)", NULL, v->day,
                    v->month, v->year);
    ph(p, "<button type=\"submit\" class=\"govuk-button\" data-module=\""
          "govuk-button\" id=\"view\">View achievements</button></form></div>"
          "</div>");
    page_send(p, status);
}

/* GET /plr */
void lrsd_p_plr(struct lrsd_req *r)
{
    const struct plr_form empty = {"", "", "", "", "", ""};
    struct page p;

    if (page_begin_auth(&p, r, PLR_ROLES, 0, NULL))
        plr_form_page(&p, &empty, 200);
    page_release(&p);
}

static void plr_table(struct page *p, const struct lrs_plr *plr)
{
    if (!plr->events.count) {
        ph(p, "<p class=\"govuk-body\" id=\"events\">No achievements have "
              "been recorded for this learner yet.</p>");
        return;
    }
    ph(p, "<table class=\"govuk-table\" id=\"events\"><caption class=\""
          "govuk-table__caption govuk-table__caption--m\">Achievements"
          "</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-"
          "table__row\"><th scope=\"col\" class=\"govuk-table__header\">"
          "Subject</th><th scope=\"col\" class=\"govuk-table__header\">"
          "Qualification</th><th scope=\"col\" class=\"govuk-table__header\">"
          "Level</th><th scope=\"col\" class=\"govuk-table__header\">Grade"
          "</th><th scope=\"col\" class=\"govuk-table__header\">Awarded</th>"
          "<th scope=\"col\" class=\"govuk-table__header\">Awarding "
          "organisation</th></tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < plr->events.count; i++) {
        const struct lrs_achievement *a = &plr->events.items[i];
        char when[32];

        page_date_text(a->award_date, when);
        ph(p,
           "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">"
           "%s <span class=\"govuk-body-s\">(%s)</span></td><td class=\""
           "govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%s"
           "</td><td class=\"govuk-table__cell\">%s%H</td><td class=\"govuk-"
           "table__cell\">%s</td><td class=\"govuk-table__cell\">%s</td>"
           "</tr>",
           a->subject, a->subject_code, a->qualification_type, a->level,
           a->grade,
           a->status == 'P' ? " <strong class=\"govuk-tag govuk-tag--"
                              "yellow\">Provisional</strong>"
                            : "",
           when, a->ao_name[0] ? a->ao_name : a->ao_ukprn);
    }
    ph(p, "</tbody></table>");
}

/* POST /plr: GetLearnerLearningEvents for an organisation. */
void lrsd_p_plr_post(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_verify_input in;
    struct plr_form v;
    struct lrs_actor actor;
    struct page_form f;
    struct lrs_store *s;
    struct lrs_plr plr;
    struct page p;
    char dob[16] = "";
    unsigned flags;

    lrs_plr_init(&plr);
    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/plr");
        goto done;
    }
    if (!page_begin_auth(&p, r, PLR_ROLES, 0, &f))
        goto out;
    v = (struct plr_form){
        page_form_get(&f, "uln"),         page_form_get(&f, "given_name"),
        page_form_get(&f, "family_name"), page_form_get(&f, "dob-day"),
        page_form_get(&f, "dob-month"),   page_form_get(&f, "dob-year"),
    };
    if (!v.uln[0])
        page_error(&p, "uln", "Enter the learner's ULN");
    if (!v.given[0])
        page_error(&p, "given_name", "Enter the learner's given name");
    if (!v.family[0])
        page_error(&p, "family_name", "Enter the learner's family name");
    if (v.day[0] || v.month[0] || v.year[0]) {
        if (!v.day[0] || !v.month[0] || !v.year[0])
            page_error(&p, "dob",
                       "Date of birth must include a day, month and year, "
                       "or be left empty");
        else
            snprintf(dob, sizeof dob, "%.2s/%.2s/%.4s", v.day, v.month, v.year);
    }
    if (!p.error_count &&
        lrs_verify_input_set(&in, lrs_str_c(v.uln), lrs_str_c(v.given),
                             lrs_str_c(v.family), lrs_str_c(dob), LRS_STR(""),
                             &d) != LRS_OK) {
        const char *field = d.field ? d.field : "uln";

        page_error(&p,
                   strcmp(field, "date_of_birth") == 0 ? "dob"
                   : strcmp(field, "given_name") == 0  ? "given_name"
                   : strcmp(field, "family_name") == 0 ? "family_name"
                                                       : "uln",
                   "%s", d.msg);
    }
    if (p.error_count) {
        plr_form_page(&p, &v, 400);
        goto out;
    }
    s = page_store(&p);
    if (!s)
        goto out;
    actor = lrsd_actor(r);
    /* Operators need no consent, as GET /api/v1/learners/{uln}/plr. */
    flags = (p.who.roles & PAGE_OPERATOR) ? LRS_PLR_GET_OWNER : 0;
    if (lrs_plr_get(s, &actor, &in, flags, &plr, &d) != LRS_OK) {
        page_fail(&p, 503, "Sorry, there is a problem with the service",
                  "The record could not be read. Try again later.");
        goto out;
    }
    if (plr.refusal == LRS_PLR_NOT_VERIFIED) {
        page_head(&p, "The learner could not be verified");
        ph(&p, "<h1 class=\"govuk-heading-l\" id=\"refused\">The learner "
               "could not be verified</h1><p class=\"govuk-body\">The ULN "
               "and the names you gave do not agree with the register, or "
               "no learner has that ULN (WSEC0208). Check them with the "
               "learner and try again.</p>");
    } else if (plr.refusal == LRS_PLR_NOT_SHARED) {
        page_head(&p, "The learner does not share their record");
        ph(&p, "<h1 class=\"govuk-heading-l\" id=\"refused\">The learner "
               "does not share their record</h1><p class=\"govuk-body\">The "
               "learner has not agreed to share their Personal Learning "
               "Record with organisations (WSEC0206). They can show you "
               "their achievements themselves with a share link.</p>");
    } else {
        page_head(&p, "Learner's achievements");
        if (plr.linked)
            page_banner(&p, false, "This ULN was merged",
                        "This is the record of the learner it was merged "
                        "into.");
        ph(&p,
           "<span class=\"govuk-caption-l\">Personal Learning Record</span>"
           "<h1 class=\"govuk-heading-l\">%s %s</h1><dl class=\"govuk-"
           "summary-list\" id=\"learner\">",
           plr.learner.given_name, plr.learner.family_name);
        page_summary_row(&p, "ULN", plr.learner.uln);
        ph(&p, "</dl>");
        plr_table(&p, &plr);
    }
    ph(&p, "<p class=\"govuk-body lrs-no-print\"><a class=\"govuk-link\" "
           "href=\"/plr\">View another learner</a></p>");
    page_send(&p, plr.refusal == LRS_PLR_NOT_VERIFIED ? 404
                  : plr.refusal == LRS_PLR_NOT_SHARED ? 403
                                                      : 200);
out:
    page_release(&p);
done:
    lrs_plr_release(&plr);
}
