/*
 * pages_me.c - a learner's own record: their details and their Personal
 * Learning Record (PLR), for a learner account (role learner).
 *
 * The account is linked to one ULN (lrs/accounts.h); the record is read
 * as GET /api/v1/me/plr reads it (h_plr.c): the learner is looked up
 * (following merges), verified with the register's own names, and the
 * PLR read with LRS_PLR_GET_OWNER (no consent needed to see one's own),
 * audited PLR_READ. A learner sees nobody else's record: no page takes a
 * ULN from the browser.
 */
#include "pages.h"

#include <lrs/plr.h>

#include <stdio.h>
#include <string.h>

/* Read the signed-in learner's PLR into `plr`; false after a page. */
static bool own_plr(struct page *p, struct lrs_store *s, struct lrs_plr *plr)
{
    const struct lrs_actor actor = lrsd_actor(p->r);
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_verify_input in;
    struct lrs_learner l;
    enum lrs_err err;

    err = lrs_store_learner_get(s, p->who.uln, LRS_STORE_GET_RESOLVE, &l);
    if (!err)
        err = lrs_verify_input_set(
            &in, lrs_str_c(p->who.uln), lrs_str_c(l.given_name),
            lrs_str_c(l.family_name), LRS_STR(""), LRS_STR(""), &d);
    if (!err)
        err = lrs_plr_get(s, &actor, &in, LRS_PLR_GET_OWNER, plr, &d);
    if (!err && plr->refusal == LRS_PLR_GRANTED)
        return true;
    page_fail(p, err && err != LRS_ENOTFOUND ? 503 : 404,
              "Sorry, your record cannot be shown",
              "Contact the Learning Records Service and quote your ULN.");
    return false;
}

static void events_table(struct page *p, const struct lrs_plr *plr)
{
    if (!plr->events.count) {
        ph(p, "<p class=\"govuk-body\" id=\"events\">No results have been "
              "recorded for you yet. Awarding organisations send them after "
              "each exam series.</p>");
        return;
    }
    ph(p, "<table class=\"govuk-table\" id=\"events\"><caption class="
          "\"govuk-table__caption govuk-table__caption--m\">Your "
          "qualifications and results</caption><thead class=\"govuk-table__"
          "head\"><tr class=\"govuk-table__row\"><th scope=\"col\" class="
          "\"govuk-table__header\">Subject</th><th scope=\"col\" class="
          "\"govuk-table__header\">Qualification</th><th scope=\"col\" "
          "class=\"govuk-table__header\">Level</th><th scope=\"col\" "
          "class=\"govuk-table__header\">Grade</th><th scope=\"col\" class="
          "\"govuk-table__header\">Awarded</th><th scope=\"col\" class="
          "\"govuk-table__header\">Awarding organisation</th></tr></thead>"
          "<tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < plr->events.count; i++) {
        const struct lrs_achievement *a = &plr->events.items[i];
        char when[32];

        page_date_text(a->award_date, when);
        ph(p,
           "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">"
           "%s <span class=\"govuk-body-s\">(%s)</span></td><td class="
           "\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%s"
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

/* GET /me: the signed-in learner's details and PLR. */
void lrsd_p_me(struct lrsd_req *r)
{
    struct lrs_store *s;
    struct lrs_plr plr;
    struct page p;
    char dob[32];

    lrs_plr_init(&plr);
    if (!page_begin_auth(&p, r, LRS_ROLE_LEARNER, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s || !own_plr(&p, s, &plr))
        goto out;
    page_date_text(plr.learner.date_of_birth, dob);
    page_head(&p, "Your learning record");
    ph(&p,
       "<span class=\"govuk-caption-l\">Your learning record</span><h1 "
       "class=\"govuk-heading-l\">%s %s</h1><dl class=\"govuk-summary-list\""
       " id=\"me\">",
       plr.learner.given_name, plr.learner.family_name);
    page_summary_row(&p, "ULN", plr.learner.uln);
    page_summary_row(&p, "Date of birth", dob);
    page_summary_row(&p, "Postcode", plr.learner.postcode);
    ph(&p, "</dl>");
    events_table(&p, &plr);
    ph(&p, "<p class=\"govuk-body\">If something here is wrong, tell the "
           "school, college or awarding organisation that sent it.</p>");
    page_send(&p, 200);
out:
    lrs_plr_release(&plr);
    page_release(&p);
}
