/*
 * pages_verify.c - verify a learner (the LRS's verifyLearner) in the
 * browser: an awarding organisation checks a candidate's ULN and details
 * before it accepts an entry or sends a result.
 *
 * The answer is the service's (lrs_verify_learner(), lrs/plr.h, the same
 * call as POST /api/v1/verify, audited as VERIFY): the WSVRC code, whether
 * the LRS accepts it, and how each supplied value agrees with the
 * register, in words. The register's own values are never shown: a
 * verification says whether what you hold is right, not what the LRS
 * holds (docs/plr.md).
 *
 * Batch verification (/verify/batch) checks a CSV of learners with
 * lrs_verify_csv(), the call of POST /api/v1/verify/batch: a table of
 * every row's code, VRF flags and agreements in words, and the same
 * results as a CSV download. The page keeps nothing: the results page
 * carries the uploaded file back in a hidden field of its download form,
 * and the download verifies (and audits) the rows again.
 */
#include "pages.h"

#include <lrs/csv.h>
#include <lrs/plr.h>

#include <stdio.h>
#include <string.h>

#define VERIFY_ROLES (PAGE_SCHOOL | PAGE_AO | PAGE_OPERATOR)

struct verify_form {
    const char *uln, *given, *family, *day, *month, *year, *gender;
};

static void verify_form_page(struct page *p, const struct verify_form *v,
                             unsigned status)
{
    page_head(p, "Verify a learner");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p, "<h1 class=\"govuk-heading-l\">Verify a learner</h1><p class="
          "\"govuk-body\">Check that a learner's ULN and details agree with "
          "the register before you accept an entry or send a result.</p>"
          "<form method=\"post\" action=\"/verify\" novalidate>");
    page_csrf_field(p);
    page_input(p, "uln", "Unique Learner Number (ULN)", NULL, v->uln,
               "govuk-input--width-10", "off");
    page_input(p, "given_name", "Given name", NULL, v->given,
               "govuk-!-width-two-thirds", "off");
    page_input(p, "family_name", "Family name", NULL, v->family,
               "govuk-!-width-two-thirds", "off");
    page_date_input(p, "dob", "Date of birth (optional)", NULL, v->day,
                    v->month, v->year);
    page_gender_radios(p, "gender", v->gender);
    ph(p, "<button type=\"submit\" class=\"govuk-button\" data-module="
          "\"govuk-button\" id=\"verify\">Verify</button></form><p class="
          "\"govuk-body\">To check many learners at once, <a class=\""
          "govuk-link\" href=\"/verify/batch\" id=\"batch-link\">verify "
          "learners from a file</a>.</p></div></div>");
    page_send(p, status);
}

void lrsd_p_verify(struct lrsd_req *r)
{
    const struct verify_form empty = {"", "", "", "", "", "", ""};
    struct page p;

    if (page_begin_auth(&p, r, VERIFY_ROLES, 0, NULL))
        verify_form_page(&p, &empty, 200);
    page_release(&p);
}

static const char *level_words(enum lrs_verify_level l)
{
    switch (l) {
    case LRS_VERIFY_EXACT:
        return "agrees";
    case LRS_VERIFY_SIMILAR_LEVEL:
        return "is similar, not the same";
    case LRS_VERIFY_DIFFERENT:
        return "does not agree";
    case LRS_VERIFY_NOT_GIVEN:
        break;
    }
    return "was not given, or is not known";
}

static void result_page(struct page *p, const struct lrs_verify_result *res)
{
    const bool ok = lrs_verify_accepted(res->code);
    const bool found = res->code != LRS_VERIFY_NOT_FOUND;

    page_head(p, "Verification result");
    ph(p,
       "<span class=\"govuk-caption-l\">ULN %s</span><h1 class=\"govuk-"
       "heading-l\" id=\"result\">%s</h1><p class=\"govuk-body\"><strong>"
       "%s</strong> (%s)</p>",
       res->uln, ok ? "The learner is verified" : "The learner is not verified",
       lrs_verify_code_text(res->code), lrs_verify_code_name(res->code));
    if (found) {
        ph(p, "<dl class=\"govuk-summary-list\" id=\"levels\">");
        page_summary_row(p, "Given name", level_words(res->given));
        page_summary_row(p, "Family name", level_words(res->family));
        page_summary_row(p, "Date of birth", level_words(res->date_of_birth));
        page_summary_row(p, "Gender", level_words(res->gender));
        ph(p, "</dl>");
        if (res->swapped)
            ph(p, "<p class=\"govuk-body\">The given and family names "
                  "agree the other way round.</p>");
        if (res->master_uln[0] && strcmp(res->master_uln, res->uln) != 0)
            ph(p,
               "<div class=\"govuk-inset-text\">This ULN was merged "
               "into ULN <strong>%s</strong>. Use that one from now on."
               "</div>",
               res->master_uln);
    }
    ph(p, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/verify\">"
          "Verify another learner</a> or <a class=\"govuk-link\" href=\""
          "/verify/batch\">verify learners from a file</a></p>");
    page_send(p, 200);
}

void lrsd_p_verify_post(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_verify_input in;
    struct lrs_verify_result res;
    struct verify_form v;
    struct lrs_actor actor;
    struct page_form f;
    struct lrs_store *s;
    struct page p;
    char dob[16] = "";

    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/verify");
        return;
    }
    if (!page_begin_auth(&p, r, VERIFY_ROLES, 0, &f))
        goto out;
    v = (struct verify_form){
        page_form_get(&f, "uln"),         page_form_get(&f, "given_name"),
        page_form_get(&f, "family_name"), page_form_get(&f, "dob-day"),
        page_form_get(&f, "dob-month"),   page_form_get(&f, "dob-year"),
        page_form_get(&f, "gender"),
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
                       "Date of birth must include a day, month "
                       "and year, or be left empty");
        else
            snprintf(dob, sizeof dob, "%.2s/%.2s/%.4s", v.day, v.month, v.year);
    }
    if (!p.error_count &&
        lrs_verify_input_set(&in, lrs_str_c(v.uln), lrs_str_c(v.given),
                             lrs_str_c(v.family), lrs_str_c(dob),
                             lrs_str_c(v.gender), &d) != LRS_OK) {
        const char *field = d.field ? d.field : "uln";

        page_error(&p,
                   strcmp(field, "date_of_birth") == 0 ? "dob"
                   : strcmp(field, "given_name") == 0  ? "given_name"
                   : strcmp(field, "family_name") == 0 ? "family_name"
                   : strcmp(field, "gender") == 0      ? "gender"
                                                       : "uln",
                   "%s", d.msg);
    }
    if (p.error_count) {
        verify_form_page(&p, &v, 400);
        goto out;
    }
    s = page_store(&p);
    if (!s)
        goto out;
    actor = lrsd_actor(r);
    if (lrs_verify_learner(s, &actor, &in, &res, &d) != LRS_OK) {
        page_fail(&p, 503, "Sorry, the service is unavailable",
                  "The learner could not be verified. Try again later.");
        goto out;
    }
    result_page(&p, &res);
out:
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* Batch verification                                                 */
/* ------------------------------------------------------------------ */

static void batch_form(struct page *p, unsigned status)
{
    const char *err = page_field_error(p, "learners");

    page_head(p, "Verify learners from a file");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p, "<h1 class=\"govuk-heading-l\">Verify learners from a file</h1>"
          "<p class=\"govuk-body\">Check many learners' ULNs and details "
          "against the register at once. Each row gets the answer the "
          "verification service gives, which you can download as a CSV "
          "file. Nothing is stored.</p><form method=\"post\" action=\""
          "/verify/batch\" enctype=\"multipart/form-data\" novalidate>");
    page_csrf_field(p);
    ph(p,
       "<div class=\"govuk-form-group%H\"><label class=\"govuk-label\" "
       "for=\"learners\">Learners file (CSV)</label><div id=\"learners-"
       "hint\" class=\"govuk-hint\">A header row naming the columns, then "
       "one learner a row.</div>",
       err ? " govuk-form-group--error" : "");
    if (err)
        ph(p,
           "<p id=\"learners-error\" class=\"govuk-error-message\"><span "
           "class=\"govuk-visually-hidden\">Error:</span> %s</p>",
           err);
    ph(p,
       "<input class=\"govuk-file-upload%H\" id=\"learners\" name=\""
       "learners\" type=\"file\" accept=\".csv,text/csv\" aria-describedby="
       "\"learners-hint%H\"></div><button type=\"submit\" class=\"govuk-"
       "button\" data-module=\"govuk-button\" id=\"verify\">Verify</button>"
       "</form>",
       err ? " govuk-file-upload--error" : "", err ? " learners-error" : "");
    ph(p, "<details class=\"govuk-details\"><summary class=\"govuk-details__"
          "summary\"><span class=\"govuk-details__summary-text\">The columns"
          "</span></summary><div class=\"govuk-details__text\"><p class=\""
          "govuk-body\">Required: <code>uln</code>, <code>given_name</code>, "
          "<code>family_name</code>.</p><p class=\"govuk-body\">Optional: "
          "<code>date_of_birth</code> (yyyy-mm-dd or dd/mm/yyyy), <code>"
          "gender</code> (1 male, 2 female, 9 not specified, 0 not known; or "
          "M, F). Any other column is an error.</p></div></details>"
          "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/verify\">"
          "Verify one learner</a></p></div></div>");
    page_send(p, status);
}

/* GET /verify/batch */
void lrsd_p_verify_batch(struct lrsd_req *r)
{
    struct page p;

    if (page_begin_auth(&p, r, VERIFY_ROLES, 0, NULL))
        batch_form(&p, 200);
    page_release(&p);
}

/* What the rows become: the table rows (HTML) or the CSV. */
struct batch_out {
    struct page rows;   /* the table rows, built apart */
    struct lrs_buf csv; /* with `as_csv` */
    bool as_csv;
};

/* The flags and levels of a verified row, in words, into `out`. */
static void why_words(const struct lrs_verify_result *res, char *out,
                      size_t out_len)
{
    char vrf[400];

    page_vrf_text(res->flags, vrf, sizeof vrf);
    if (res->code == LRS_VERIFY_NOT_FOUND)
        snprintf(out, out_len, "No learner has this ULN.");
    else if (vrf[0])
        snprintf(out, out_len, "%s.", vrf);
    else if (res->code == LRS_VERIFY_SIMILAR ||
             res->code == LRS_VERIFY_LINKED_SIMILAR)
        snprintf(out, out_len, "A name is similar, not the same.");
    else
        snprintf(out, out_len, "Every value given agrees.");
}

static enum lrs_err batch_csv_row(struct batch_out *o, uint64_t line,
                                  const struct lrs_verify_result *res,
                                  const struct lrs_diag *why)
{
    struct lrs_buf *b = &o->csv;
    char num[24], flags[64] = "";
    enum lrs_err err;
    size_t n = 0;

    snprintf(num, sizeof num, "%llu", (unsigned long long)line);
    for (unsigned i = 0; res && i < 8; i++)
        if (res->flags & (1u << i))
            n += (size_t)snprintf(flags + n, sizeof flags - n, "%sVRF%u",
                                  n ? " " : "", i + 1);
    err = lrs_csv_put(b, lrs_str_c(num), true);
    if (!err)
        err = lrs_csv_put(b, lrs_str_c(res ? res->uln : ""), false);
    if (!err)
        err =
            lrs_csv_put(b,
                        lrs_str_c(res ? lrs_verify_code_name(res->code)
                                  : why->field && strcmp(why->field, "uln") == 0
                                      ? "WSEC0136"
                                      : "WSEC0001"),
                        false);
    if (!err)
        err = lrs_csv_put(
            b, lrs_str_c(res && lrs_verify_accepted(res->code) ? "yes" : "no"),
            false);
    if (!err)
        err = lrs_csv_put(b, lrs_str_c(flags), false);
    if (!err && res) {
        const enum lrs_verify_level lv[4] = {res->given, res->family,
                                             res->date_of_birth, res->gender};

        for (int i = 0; !err && i < 4; i++)
            err =
                lrs_csv_put(b, lrs_str_c(lrs_verify_level_name(lv[i])), false);
    } else {
        for (int i = 0; !err && i < 4; i++)
            err = lrs_csv_put(b, lrs_str_c(""), false);
    }
    if (!err)
        err =
            lrs_csv_put(b,
                        lrs_str_c(res && strcmp(res->master_uln, res->uln) != 0
                                      ? res->master_uln
                                      : ""),
                        false);
    if (!err)
        err = lrs_csv_put(b, lrs_str_c(why && why->field ? why->field : ""),
                          false);
    if (!err)
        err = lrs_csv_put(b, lrs_str_c(why ? why->msg : ""), false);
    if (!err)
        err = lrs_buf_add(b, "\r\n", 2);
    return err;
}

static enum lrs_err batch_row(void *ctx, uint64_t line,
                              const struct lrs_verify_input *in,
                              const struct lrs_verify_result *res,
                              const struct lrs_diag *why)
{
    struct batch_out *o = ctx;
    struct page *p = &o->rows;
    const bool ok = res && lrs_verify_accepted(res->code);
    char words[480];

    if (o->as_csv)
        return batch_csv_row(o, line, res, why);
    if (res)
        why_words(res, words, sizeof words);
    else
        snprintf(words, sizeof words, "%s%s%s", why->field ? why->field : "",
                 why->field ? ": " : "", why->msg);
    ph(p,
       "<tr class=\"govuk-table__row%H\"><td class=\"govuk-table__cell\">"
       "%lld</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-"
       "table__cell\">%s %s</td><td class=\"govuk-table__cell\"><strong "
       "class=\"govuk-tag %H\">%s</strong></td><td class=\"govuk-table__"
       "cell\">%s</td><td class=\"govuk-table__cell\">%s",
       ok ? "" : " lrs-rejected", (long long)line, res ? res->uln : "",
       in ? in->given_name : "", in ? in->family_name : "",
       ok ? "govuk-tag--green" : "govuk-tag--red",
       ok    ? "Verified"
       : res ? "Not verified"
             : "Not checked",
       res ? lrs_verify_code_name(res->code)
       : why->field && strcmp(why->field, "uln") == 0 ? "WSEC0136"
                                                      : "WSEC0001",
       words);
    if (res && res->master_uln[0] && strcmp(res->master_uln, res->uln) != 0)
        ph(p, " The ULN was merged into ULN %s: use that one.",
           res->master_uln);
    ph(p, "</td></tr>");
    return p->oom ? LRS_ENOMEM : LRS_OK;
}

static void count_row(struct page *p, const char *key, uint64_t n)
{
    char v[24];

    snprintf(v, sizeof v, "%llu", (unsigned long long)n);
    page_summary_row(p, key, v);
}

static void batch_result(struct page *p, const struct batch_out *o,
                         const struct lrs_verify_summary *sum, const char *name,
                         const char *data, size_t len)
{
    const uint64_t ok = sum->by_code[LRS_VERIFY_MATCH] +
                        sum->by_code[LRS_VERIFY_LINKED_MATCH] +
                        sum->by_code[LRS_VERIFY_SIMILAR] +
                        sum->by_code[LRS_VERIFY_LINKED_SIMILAR];
    const char *text = NULL;

    page_head(p, "Verification results");
    ph(p, "<h1 class=\"govuk-heading-l\">Verification results</h1>");
    if (ok == sum->rows)
        page_banner(p, true, "Every learner is verified", NULL);
    else
        page_banner(p, false, "Some learners are not verified",
                    "They are marked Not verified or Not checked below, "
                    "with the reason.");
    ph(p, "<dl class=\"govuk-summary-list\" id=\"summary\">");
    count_row(p, "Rows", sum->rows);
    count_row(p, "Verified", ok);
    for (int c = LRS_VERIFY_MATCH; c <= LRS_VERIFY_NOT_FOUND; c++) {
        char key[120];

        snprintf(key, sizeof key, "%s: %s",
                 lrs_verify_code_name((enum lrs_verify_code)c),
                 lrs_verify_code_text((enum lrs_verify_code)c));
        count_row(p, key, sum->by_code[c]);
    }
    count_row(p, "Not checked (a value is missing or not valid)", sum->invalid);
    ph(p,
       "</dl><div class=\"lrs-scroll\"><table class=\"govuk-table\" "
       "id=\"rows\">"
       "<caption class=\""
       "govuk-table__caption govuk-table__caption--m\">Every row of %s"
       "</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-"
       "table__row\"><th scope=\"col\" class=\"govuk-table__header\">Line"
       "</th><th scope=\"col\" class=\"govuk-table__header\">ULN</th><th "
       "scope=\"col\" class=\"govuk-table__header\">Name given</th><th "
       "scope=\"col\" class=\"govuk-table__header\">Result</th><th scope=\""
       "col\" class=\"govuk-table__header\">Code</th><th scope=\"col\" "
       "class=\"govuk-table__header\">Why</th></tr></thead><tbody class="
       "\"govuk-table__body\">%H</tbody></table></div>",
       name, o->rows.out.data);
    /* The download verifies the same bytes again; a file that is not
     * UTF-8 would not come back from the browser as it went. */
    if (!memchr(data, '\0', len) && lrs_utf8_valid((struct lrs_str){data, len}))
        text = lrs_arena_strndup(&p->r->arena, data, len);
    if (text) {
        ph(p, "<form method=\"post\" action=\"/verify/batch\" enctype=\""
              "multipart/form-data\" class=\"lrs-no-print\">");
        page_csrf_field(p);
        ph(p,
           "<input type=\"hidden\" name=\"format\" value=\"csv\"><input "
           "type=\"hidden\" name=\"name\" value=\"%s\"><input type=\"hidden\" "
           "name=\"csv\" value=\"%s\"><button type=\"submit\" class=\"govuk-"
           "button govuk-button--secondary\" data-module=\"govuk-button\" "
           "id=\"download\">Download the results (CSV)</button></form>",
           name, text);
    }
    ph(p, "<p class=\"govuk-body lrs-no-print\">To print this list, use "
          "your browser's Print command. <a class=\"govuk-link\" href=\""
          "/verify/batch\">Verify another file</a></p>");
    page_send(p, 200);
}

/*
 * POST /verify/batch: the file `learners`, or (from the results page's
 * download form) its text in `csv`; `format=csv` answers the CSV.
 */
void lrsd_p_verify_batch_post(struct lrsd_req *r)
{
    static const char head[] = "line,uln,code,accepted,flags,given_name,"
                               "family_name,date_of_birth,gender,master_uln,"
                               "field,message\r\n";
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_verify_summary sum;
    struct page_upload u;
    struct lrs_csv_mem mem;
    struct lrs_actor actor;
    struct batch_out o;
    struct lrs_store *s;
    struct page p;
    const char *data, *name;
    size_t len;
    enum lrs_err err;

    memset(&o, 0, sizeof o);
    lrs_buf_init(&o.rows.out, 0);
    lrs_buf_init(&o.csv, 0);
    if (!page_multipart_parse(r, "learners", &u)) {
        page_redirect(r, "/verify/batch");
        goto done;
    }
    if (!page_begin_auth(&p, r, VERIFY_ROLES, 0, &u.form))
        goto out;
    o.as_csv = strcmp(page_form_get(&u.form, "format"), "csv") == 0;
    data = u.has_file ? u.data : page_form_get(&u.form, "csv");
    len = u.has_file ? u.len : strlen(data);
    name = u.has_file && u.file_name[0]        ? u.file_name
           : page_form_get(&u.form, "name")[0] ? page_form_get(&u.form, "name")
                                               : "the file";
    if (len == 0) {
        page_error(&p, "learners", "Select a learners file (CSV)");
        batch_form(&p, 400);
        goto out;
    }
    s = page_store(&p);
    if (!s)
        goto out;
    o.rows.r = r;
    if (o.as_csv && lrs_buf_add(&o.csv, head, sizeof head - 1) != LRS_OK)
        o.rows.oom = true;
    memset(&sum, 0, sizeof sum);
    mem = (struct lrs_csv_mem){data, len};
    actor = lrsd_actor(r);
    err = o.rows.oom ? LRS_ENOMEM
                     : lrs_verify_csv(s, &actor, lrs_csv_mem_read, &mem, name,
                                      batch_row, &o, &sum, &d);
    if (err == LRS_EINVAL || err == LRS_ELIMIT) {
        page_error(&p, "learners", "The file cannot be read: %s", d.msg);
        batch_form(&p, 400);
        goto out;
    }
    if (err || o.rows.oom) {
        page_fail(&p, 503, "Sorry, there is a problem with the service",
                  "The learners were not verified. Try again later.");
        goto out;
    }
    if (o.as_csv) {
        lrsd_reply_data(r, 200, "text/csv; charset=utf-8", o.csv.data,
                        o.csv.len);
        lrsd_reply_header(r, "Content-Disposition",
                          "attachment; filename=\"verification.csv\"");
        goto out;
    }
    batch_result(&p, &o, &sum, name, data, len);
out:
    page_release(&p);
done:
    page_release(&o.rows);
    lrs_buf_release(&o.csv);
}
