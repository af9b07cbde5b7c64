/*
 * pages_me.c - a learner's own record: their details and their Personal
 * Learning Record (PLR), for a learner account (role learner).
 *
 * The account is linked to one ULN (lrs/accounts.h); the record is read
 * as GET /api/v1/me/plr reads it (h_plr.c): the learner is looked up
 * (following merges), verified with the register's own names, and the
 * PLR read with LRS_PLR_GET_OWNER (no consent needed to see one's own),
 * audited PLR_READ. A learner sees nobody else's record: no page takes a
 * ULN from the browser, and a share id from the browser is checked to be
 * one of the learner's own before it is revoked.
 *
 *   GET  /me                   details, results, links to the rest
 *   GET  /me/print             the printable PLR (lrs_plr_html)
 *   GET  /me/sharing           the privacy-notice choice (AbilityToShare)
 *   POST /me/sharing             ... changed (lrs_plr_consent_set)
 *   GET  /me/shares            share links: list, and a form for a new one
 *   POST /me/shares              ... created; the link is shown once
 *   POST /me/shares/{id}/revoke  ... revoked
 *   GET  /shared/{token}       public: what a share shows (verified
 *                              achievements and who awarded them)
 */
#include "pages.h"

#include <lrs/plr.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Share links last 1 to 3650 days, 30 unless chosen (docs/plr.md, as
 * POST /api/v1/me/shares). */
#define SHARE_DAYS_MAX     3650
#define SHARE_DAYS_DEFAULT 30

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "27 March 2026" of a Unix time in ms (UTC). */
static void ms_date_text(int64_t ms, char out[32])
{
    page_date_text(lrs_date_from_days((int32_t)(ms / 86400000)), out);
}

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

/* The privacy-notice choice in words (DOMAIN.md, AbilityToShare). */
static const char *consent_words(enum lrs_ability_to_share a)
{
    switch (a) {
    case LRS_SHARE_YES:
        return "Yes, when they verify your details";
    case LRS_SHARE_NO:
        return "No";
    case LRS_SHARE_NOT_SEEN:
        break;
    }
    return "No (you have not made a choice yet)";
}

/* The results of `plr`: the learner's own (`own`), or a share's. */
static void events_table(struct page *p, const struct lrs_plr *plr, bool own)
{
    if (!plr->events.count) {
        ph(p, "<p class=\"govuk-body\" id=\"events\">%s</p>",
           own ? "No results have been recorded for you yet. Awarding "
                 "organisations send them after each exam series."
               : "This link shows no verified results.");
        return;
    }
    ph(p,
       "<table class=\"govuk-table\" id=\"events\"><caption class="
       "\"govuk-table__caption govuk-table__caption--m\">%s</caption>",
       own ? "Your qualifications and results" : "Qualifications and results");
    ph(p, "<thead class=\"govuk-table__"
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
    if (page_query(r, "saved"))
        page_banner(&p, true, "Your choice has been saved", NULL);
    ph(&p,
       "<span class=\"govuk-caption-l\">Your learning record</span><h1 "
       "class=\"govuk-heading-l\">%s %s</h1><dl class=\"govuk-summary-list\""
       " id=\"me\">",
       plr.learner.given_name, plr.learner.family_name);
    page_summary_row(&p, "ULN", plr.learner.uln);
    page_summary_row(&p, "Date of birth", dob);
    page_summary_row(&p, "Postcode", plr.learner.postcode);
    ph(&p, "</dl>");
    events_table(&p, &plr, true);
    ph(&p, "<p class=\"govuk-body\">If something here is wrong, tell the "
           "school, college or awarding organisation that sent it.</p>");
    ph(&p, "<h2 class=\"govuk-heading-m\">Your record and who sees it</h2>"
           "<dl class=\"govuk-summary-list\" id=\"choices\">");
    page_summary_row(&p, "Organisations may read your record",
                     consent_words(plr.learner.ability_to_share));
    ph(&p, "</dl><ul class=\"govuk-list\"><li><a class=\"govuk-link\" "
           "id=\"sharing-link\" href=\"/me/sharing\">Change who may read your "
           "record</a></li><li><a class=\"govuk-link\" id=\"shares-link\" "
           "href=\"/me/shares\">Share your results with a college, university "
           "or employer</a></li><li><a class=\"govuk-link\" id=\"print-link\" "
           "href=\"/me/print\">Print your learning record</a></li></ul>");
    page_send(&p, 200);
out:
    lrs_plr_release(&plr);
    page_release(&p);
}

/* GET /me/print: the PLR as one printable page (lrs_plr_html). */
void lrsd_p_me_print(struct lrsd_req *r)
{
    struct lrs_buf html = LRS_BUF_INIT;
    struct lrs_store *s;
    struct lrs_plr plr;
    struct page p;

    lrs_plr_init(&plr);
    if (!page_begin_auth(&p, r, LRS_ROLE_LEARNER, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s || !own_plr(&p, s, &plr))
        goto out;
    if (lrs_plr_html(&plr, &html) == LRS_OK)
        lrsd_reply_data(r, 200, "text/html; charset=utf-8", html.data,
                        html.len);
    else
        page_fail(&p, 500, "Sorry, there is a problem with the service",
                  "Try again later.");
out:
    lrs_buf_release(&html);
    lrs_plr_release(&plr);
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* The privacy-notice choice                                          */
/* ------------------------------------------------------------------ */

static void radio(struct page *p, const char *name, const char *value,
                  const char *label, const char *hint, bool checked)
{
    ph(p,
       "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__"
       "input\" id=\"%s-%s\" name=\"%s\" type=\"radio\" value=\"%s\"%H>"
       "<label class=\"govuk-label govuk-radios__label\" for=\"%s-%s\">%s"
       "</label>",
       name, value, name, value, checked ? " checked" : "", name, value, label);
    if (hint)
        ph(p, "<div class=\"govuk-hint govuk-radios__hint\">%s</div>", hint);
    ph(p, "</div>");
}

static void sharing_form(struct page *p, enum lrs_ability_to_share now,
                         unsigned status)
{
    const char *err = page_field_error(p, "ability_to_share");

    page_head(p, "Who may read your learning record");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p,
       "<form method=\"post\" action=\"/me/sharing\" novalidate>"
       "<div class=\"govuk-form-group%H\"><fieldset class=\"govuk-fieldset\"%H>"
       "<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--l\">"
       "<h1 class=\"govuk-fieldset__heading\">Who may read your learning "
       "record</h1></legend><p class=\"govuk-body\">Colleges, universities "
       "and training providers can ask the Learning Records Service for "
       "your results. They must give your ULN and your name as the "
       "register has them. You choose whether they may then read your "
       "record. You can always see your own record, and share links you "
       "make work either way.</p>",
       err ? " govuk-form-group--error" : "",
       err ? " aria-describedby=\"ability_to_share-error\"" : "");
    if (err)
        ph(p,
           "<p id=\"ability_to_share-error\" class=\"govuk-error-message\">"
           "<span class=\"govuk-visually-hidden\">Error:</span> %s</p>",
           err);
    ph(p, "<div class=\"govuk-radios\" data-module=\"govuk-radios\" "
          "id=\"ability_to_share\">");
    radio(p, "ability_to_share", "1", "Yes, they may read my record", NULL,
          now == LRS_SHARE_YES);
    radio(p, "ability_to_share", "2", "No, they may not read my record",
          "They are told that you chose not to share it.", now == LRS_SHARE_NO);
    ph(p, "</div></fieldset></div>");
    page_csrf_field(p);
    ph(p, "<button type=\"submit\" class=\"govuk-button\" data-module="
          "\"govuk-button\" id=\"save\">Save your choice</button></form>"
          "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/me\">"
          "Back to your record</a></p></div></div>");
    page_send(p, status);
}

/* GET /me/sharing */
void lrsd_p_me_sharing(struct lrsd_req *r)
{
    struct lrs_learner l;
    struct lrs_store *s;
    struct page p;

    if (!page_begin_auth(&p, r, LRS_ROLE_LEARNER, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s)
        goto out;
    if (lrs_store_learner_get(s, p.who.uln, LRS_STORE_GET_RESOLVE, &l))
        page_fail(&p, 404, "Sorry, your record cannot be shown",
                  "Contact the Learning Records Service and quote your ULN.");
    else
        sharing_form(&p, l.ability_to_share, 200);
out:
    page_release(&p);
}

/* POST /me/sharing: the choice, amended and audited by the service. */
void lrsd_p_me_sharing_post(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_actor actor;
    struct page_form f;
    struct lrs_store *s;
    struct page p;
    const char *v;
    enum lrs_err err;

    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/me/sharing");
        return;
    }
    if (!page_begin_auth(&p, r, LRS_ROLE_LEARNER, 0, &f))
        goto out;
    v = page_form_get(&f, "ability_to_share");
    if (strcmp(v, "1") != 0 && strcmp(v, "2") != 0) {
        page_error(&p, "ability_to_share",
                   "Select whether organisations may read your record");
        sharing_form(&p, LRS_SHARE_NOT_SEEN, 400);
        goto out;
    }
    s = page_store(&p);
    if (!s)
        goto out;
    actor = lrsd_actor(r);
    err = lrs_plr_consent_set(s, &actor, p.who.uln,
                              v[0] == '1' ? LRS_SHARE_YES : LRS_SHARE_NO, &d);
    if (err)
        page_fail(&p, err == LRS_ECONFLICT ? 409 : 503,
                  "Sorry, your choice was not saved", "Go back and try again.");
    else
        page_redirect(r, "/me?saved=1");
out:
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* Share links                                                        */
/* ------------------------------------------------------------------ */

static enum lrs_err add_share(const struct lrs_share *sh, void *ctx)
{
    struct page *p = ctx;
    const int64_t now = now_ms();
    char made[32], until[32];
    const char *state = sh->revoked_ms          ? "Revoked"
                        : sh->expires_ms <= now ? "Expired"
                                                : "Active";

    ms_date_text(sh->created_ms, made);
    ms_date_text(sh->expires_ms, until);
    ph(p,
       "<tr class=\"govuk-table__row\" id=\"share-%lld\"><td class=\"govuk-"
       "table__cell\">%s</td><td class=\"govuk-table__cell\">%s</td><td "
       "class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">"
       "%lld</td><td class=\"govuk-table__cell\"><strong class=\"govuk-tag"
       "%H\">%s</strong></td><td class=\"govuk-table__cell\">",
       (long long)sh->id,
       sh->item_count ? "Chosen results" : "All your results", made, until,
       (long long)sh->views,
       state[0] == 'A' ? " govuk-tag--green" : " govuk-tag--grey", state);
    if (state[0] == 'A') {
        ph(p, "<form method=\"post\" action=\"/me/shares/%lld/revoke\">",
           (long long)sh->id);
        page_csrf_field(p);
        ph(p,
           "<button type=\"submit\" class=\"govuk-button govuk-button--"
           "warning govuk-!-margin-bottom-0\" data-module=\"govuk-button\" "
           "id=\"revoke-%lld\">Stop sharing<span class=\"govuk-visually-"
           "hidden\"> link %lld</span></button></form>",
           (long long)sh->id, (long long)sh->id);
    }
    ph(p, "</td></tr>");
    return LRS_OK;
}

struct share_count {
    size_t n;
};

static enum lrs_err count_share(const struct lrs_share *sh, void *ctx)
{
    (void)sh;
    ((struct share_count *)ctx)->n++;
    return LRS_OK;
}

static void shares_page(struct page *p, struct lrs_store *s,
                        const struct lrs_plr *plr, const char *days,
                        unsigned status)
{
    struct share_count c = {0};
    const char *err = page_field_error(p, "achievements");

    page_head(p, "Share your results");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "full\">");
    page_error_summary(p);
    if (page_query(p->r, "revoked"))
        page_banner(p, true, "The link no longer works", NULL);
    ph(p, "<h1 class=\"govuk-heading-l\">Share your results</h1><p class="
          "\"govuk-body\">A share link lets a college, university or "
          "employer see your verified results and who awarded them: not "
          "your ULN, date of birth or address. It stops working when it "
          "expires or when you stop sharing it.</p><h2 class=\"govuk-"
          "heading-m\">Your share links</h2>");
    if (lrs_store_share_scan(s, plr->learner.uln, count_share, &c) ||
        c.n == 0) {
        ph(p, "<p class=\"govuk-body\" id=\"shares\">You have not made any "
              "share links.</p>");
    } else {
        ph(p, "<table class=\"govuk-table\" id=\"shares\"><thead class="
              "\"govuk-table__head\"><tr class=\"govuk-table__row\"><th "
              "scope=\"col\" class=\"govuk-table__header\">What it shows</th>"
              "<th scope=\"col\" class=\"govuk-table__header\">Made</th><th "
              "scope=\"col\" class=\"govuk-table__header\">Expires</th><th "
              "scope=\"col\" class=\"govuk-table__header\">Times opened</th>"
              "<th scope=\"col\" class=\"govuk-table__header\">Status</th>"
              "<th scope=\"col\" class=\"govuk-table__header\"><span class="
              "\"govuk-visually-hidden\">Action</span></th></tr></thead>"
              "<tbody class=\"govuk-table__body\">");
        if (lrs_store_share_scan(s, plr->learner.uln, add_share, p))
            ph(p, "<tr><td colspan=\"6\">Your links cannot be listed now."
                  "</td></tr>");
        ph(p, "</tbody></table>");
    }
    ph(p,
       "<h2 class=\"govuk-heading-m\">Make a share link</h2><form method="
       "\"post\" action=\"/me/shares\" novalidate><div class=\"govuk-form-"
       "group%H\"><fieldset class=\"govuk-fieldset\"%H><legend class=\"govuk-"
       "fieldset__legend govuk-fieldset__legend--s\">Which results should "
       "it show?</legend><div class=\"govuk-hint\">Leave every box empty to "
       "share all your verified results, including ones awarded later."
       "</div>",
       err ? " govuk-form-group--error" : "",
       err ? " aria-describedby=\"achievements-error\"" : "");
    if (err)
        ph(p,
           "<p id=\"achievements-error\" class=\"govuk-error-message\">"
           "<span class=\"govuk-visually-hidden\">Error:</span> %s</p>",
           err);
    ph(p, "<div class=\"govuk-checkboxes\" data-module=\"govuk-checkboxes\" "
          "id=\"achievements\">");
    for (size_t i = 0; i < plr->events.count; i++) {
        const struct lrs_achievement *a = &plr->events.items[i];

        ph(p,
           "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-"
           "checkboxes__input\" id=\"achievement-%lld\" name=\"achievement\" "
           "type=\"checkbox\" value=\"%lld\"><label class=\"govuk-label "
           "govuk-checkboxes__label\" for=\"achievement-%lld\">%s %s, grade "
           "%s</label></div>",
           (long long)a->id, (long long)a->id, (long long)a->id,
           a->qualification_type, a->subject[0] ? a->subject : a->subject_code,
           a->grade);
    }
    ph(p, "</div></fieldset></div>");
    page_input(p, "expires_days", "For how many days should it work?",
               "From 1 to 3650 days", days, "govuk-input--width-4", "off");
    page_csrf_field(p);
    ph(p, "<button type=\"submit\" class=\"govuk-button\" data-module="
          "\"govuk-button\" id=\"create-share\">Make the link</button>"
          "</form><p class=\"govuk-body\"><a class=\"govuk-link\" href="
          "\"/me\">Back to your record</a></p></div></div>");
    page_send(p, status);
}

/* GET /me/shares */
void lrsd_p_me_shares(struct lrsd_req *r)
{
    struct lrs_store *s;
    struct lrs_plr plr;
    struct page p;

    lrs_plr_init(&plr);
    if (!page_begin_auth(&p, r, LRS_ROLE_LEARNER, 0, NULL))
        goto out;
    s = page_store(&p);
    if (s && own_plr(&p, s, &plr))
        shares_page(&p, s, &plr, "30", 200);
out:
    lrs_plr_release(&plr);
    page_release(&p);
}

/* POST /me/shares: a new share link, shown once. */
void lrsd_p_me_shares_post(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    int64_t ids[LRS_SHARE_MAX_ITEMS];
    char token[LRS_SHARE_TOKEN_SIZE];
    struct lrs_actor actor;
    struct lrs_share sh;
    struct page_form f;
    struct lrs_store *s;
    struct lrs_plr plr;
    struct page p;
    const char *days;
    uint64_t n = 0, id;
    size_t count = 0;
    char until[32];

    lrs_plr_init(&plr);
    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/me/shares");
        return;
    }
    if (!page_begin_auth(&p, r, LRS_ROLE_LEARNER, 0, &f))
        goto out;
    s = page_store(&p);
    if (!s || !own_plr(&p, s, &plr))
        goto out;
    days = page_form_get(&f, "expires_days");
    if (lrs_parse_u64(lrs_str_c(days), 1, SHARE_DAYS_MAX, &n) != LRS_OK)
        page_error(&p, "expires_days",
                   "Enter a whole number of days from 1 to %d", SHARE_DAYS_MAX);
    for (size_t i = 0; i < f.count; i++) {
        if (strcmp(f.fields[i].name, "achievement") != 0)
            continue;
        if (count == LRS_SHARE_MAX_ITEMS ||
            lrs_parse_u64(lrs_str_c(f.fields[i].value), 1, INT64_MAX, &id)) {
            page_error(&p, "achievements", "Choose results from the list");
            break;
        }
        ids[count++] = (int64_t)id;
    }
    if (p.error_count) {
        shares_page(&p, s, &plr, days, 400);
        goto out;
    }
    actor = lrsd_actor(r);
    if (lrs_plr_share_create(s, &actor, lrs_str_c(p.who.uln), ids, count,
                             now_ms() + (int64_t)n * 86400 * 1000, token, &sh,
                             &d)) {
        if (d.field && strcmp(d.field, "achievements") == 0) {
            page_error(&p, "achievements", "Choose results from the list");
            shares_page(&p, s, &plr, days, 400);
        } else {
            page_fail(&p, 503, "Sorry, the link was not made",
                      "Go back and try again.");
        }
        goto out;
    }
    ms_date_text(sh.expires_ms, until);
    page_head(&p, "Your share link");
    ph(&p,
       "<div class=\"govuk-panel govuk-panel--confirmation\"><h1 class="
       "\"govuk-panel__title\">Your share link is ready</h1><div class="
       "\"govuk-panel__body\">It works until %s</div></div><p class="
       "\"govuk-body\">Give this address to the college, university or "
       "employer. Copy it now: it is shown only once, and we keep no copy "
       "of it.</p><p class=\"govuk-body\"><a class=\"govuk-link\" id="
       "\"share-link\" href=\"/shared/%s\">/shared/%s</a></p><p class="
       "\"govuk-body\">Anyone with the address can see what it shows until "
       "it expires. <a class=\"govuk-link\" href=\"/me/shares\">See your "
       "share links</a> to stop sharing.</p>",
       until, token, token);
    page_send(&p, 201);
out:
    lrs_plr_release(&plr);
    page_release(&p);
}

/* POST /me/shares/{id}/revoke: only the learner's own share. */
void lrsd_p_me_share_revoke(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const char *arg = lrsd_param(r, 0);
    struct lrs_actor actor;
    struct lrs_learner l;
    struct lrs_share sh;
    struct page_form f;
    struct lrs_store *s;
    struct page p;
    uint64_t id = 0;
    enum lrs_err err;

    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/me/shares");
        return;
    }
    if (!page_begin_auth(&p, r, LRS_ROLE_LEARNER, 0, &f))
        goto out;
    s = page_store(&p);
    if (!s)
        goto out;
    err = !arg || lrs_parse_u64(lrs_str_c(arg), 1, INT64_MAX, &id)
              ? LRS_ENOTFOUND
              : lrs_store_share_get(s, (int64_t)id, NULL, &sh);
    if (!err)
        err = lrs_store_learner_get(s, p.who.uln, LRS_STORE_GET_RESOLVE, &l);
    /* Another learner's share answers as a missing one. */
    if (!err && strcmp(sh.uln, l.uln) != 0)
        err = LRS_ENOTFOUND;
    actor = lrsd_actor(r);
    if (!err)
        err = lrs_plr_share_revoke(s, &actor, (int64_t)id, &d);
    if (err == LRS_ENOTFOUND)
        page_fail(&p, 404, "Page not found",
                  "You have no share link with that number.");
    else if (err)
        page_fail(&p, 503, "Sorry, the link was not stopped",
                  "Go back and try again.");
    else
        page_redirect(r, "/me/shares?revoked=1");
out:
    page_release(&p);
}

/* GET /shared/{token}: public. What the share shows and nothing else. */
void lrsd_p_shared(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const char *token = lrsd_param(r, 0);
    struct lrs_actor actor;
    struct lrs_store *s;
    struct lrs_plr plr;
    struct page p;
    enum lrs_err err;

    lrs_plr_init(&plr);
    if (!page_begin_auth(&p, r, 0, PAGE_AUTH_OPTIONAL | PAGE_AUTH_NO_AGREEMENT,
                         NULL))
        goto out;
    s = page_store(&p);
    if (!s)
        goto out;
    actor = lrsd_actor(r);
    err =
        lrs_plr_share_open(s, &actor, lrs_str_c(token ? token : ""), &plr, &d);
    if (err == LRS_ENOTFOUND) {
        page_fail(&p, 404, "This share link does not work",
                  "It may have expired, or the learner stopped sharing it. "
                  "Ask them for a new link.");
        goto out;
    }
    if (err) {
        page_fail(&p, 503, "Sorry, the service is unavailable",
                  "Try again in a few minutes.");
        goto out;
    }
    page_head(&p, "Shared results");
    ph(&p,
       "<span class=\"govuk-caption-l\">Verified results shared by</span>"
       "<h1 class=\"govuk-heading-l\" id=\"shared-name\">%s %s</h1><p "
       "class=\"govuk-body\">These results were sent to the Learning "
       "Records Service by the awarding organisations named, and are "
       "final. Provisional results, results under challenge and restricted "
       "results are not shown.</p>",
       plr.learner.given_name, plr.learner.family_name);
    events_table(&p, &plr, false);
    page_send(&p, 200);
out:
    lrs_plr_release(&plr);
    page_release(&p);
}
