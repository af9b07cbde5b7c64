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
 */
#include "pages.h"

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
          "\"govuk-button\" id=\"verify\">Verify</button></form></div>"
          "</div>");
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
          "Verify another learner</a></p>");
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
