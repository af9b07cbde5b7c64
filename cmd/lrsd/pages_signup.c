/*
 * pages_signup.c - learner accounts in the browser (docs/plr.md
 * "Learner accounts", docs/web.md):
 *
 *   GET/POST /invites  a school or the LRS issues a learner's one-time
 *                      sign-up code (lrs_plr_invite_create), shown once
 *                      on a page made to be printed and handed over
 *   GET/POST /signup   anyone: a person gives the learner's ULN, names
 *                      and date of birth as the register has them, the
 *                      code, and a login and password (lrs_plr_signup)
 *
 * The sign-up page needs no session (its visitor has no account yet);
 * what protects it is the service's rule (exact details and a live code,
 * one answer to every failure, a code that stops after five wrong tries)
 * and the rate limit that attempts from one address share with sign-in.
 */
#include "pages.h"

#include <lrs/plr.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#define INVITE_ROLES (PAGE_SCHOOL | PAGE_OPERATOR)
/* Days a code issued on the page works (as POST /api/v1/invites). */
#define INVITE_DAYS 14

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ */
/* Issuing a code                                                     */
/* ------------------------------------------------------------------ */

static void invite_form(struct page *p, const char *uln, unsigned status)
{
    page_head(p, "Give a learner a sign-up code");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p, "<h1 class=\"govuk-heading-l\">Give a learner a sign-up code</h1>"
          "<p class=\"govuk-body\">A learner creates their own account to see "
          "and share their learning record with a code from you and their "
          "details as the register holds them. A code works once, for 14 "
          "days; a new code replaces the last one.</p><form method=\"post\" "
          "action=\"/invites\" novalidate>");
    page_csrf_field(p);
    page_input(p, "uln", "Unique Learner Number (ULN)", NULL, uln,
               "govuk-input--width-10", "off");
    ph(p, "<button type=\"submit\" class=\"govuk-button\" data-module="
          "\"govuk-button\" id=\"issue\">Make a code</button></form></div>"
          "</div>");
    page_send(p, status);
}

/* GET /invites */
void lrsd_p_invites(struct lrsd_req *r)
{
    struct page p;

    if (page_begin_auth(&p, r, INVITE_ROLES, 0, NULL))
        invite_form(&p, "", 200);
    page_release(&p);
}

/* POST /invites: the code, shown once, to print and hand over. */
void lrsd_p_invites_post(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    char code[LRS_INVITE_CODE_SIZE], until[32];
    struct lrs_actor actor;
    struct lrs_invite inv;
    struct page_form f;
    struct lrs_store *s;
    struct page p;
    const char *uln;
    enum lrs_err err;

    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/invites");
        return;
    }
    if (!page_begin_auth(&p, r, INVITE_ROLES, 0, &f))
        goto out;
    uln = page_form_get(&f, "uln");
    s = page_store(&p);
    if (!s)
        goto out;
    actor = lrsd_actor(r);
    err = lrs_plr_invite_create(s, &actor, lrs_str_c(uln),
                                now_ms() + (int64_t)INVITE_DAYS * 86400000,
                                LRS_AUTH_COST_INTERACTIVE, code, &inv, &d);
    if (err == LRS_EINVAL || err == LRS_ENOTFOUND) {
        /* The service's words: for a school, a learner who is not its
         * pupil and a ULN nobody has are answered alike. */
        if (err == LRS_ENOTFOUND)
            page_error(&p, "uln", "%c%s",
                       d.msg[0] >= 'a' && d.msg[0] <= 'z'
                           ? (char)(d.msg[0] - 'a' + 'A')
                           : d.msg[0],
                       d.msg[0] ? d.msg + 1 : "");
        else
            page_error(&p, "uln",
                       "Enter a ULN of 10 digits with a correct check digit");
        invite_form(&p, uln, 400);
        goto out;
    }
    if (err) {
        page_fail(&p, 503, "Sorry, the code was not made",
                  "Try again in a few minutes.");
        goto out;
    }
    page_date_text(lrs_date_from_days((int32_t)(inv.expires_ms / 86400000)),
                   until);
    page_head(&p, "Sign-up code");
    ph(&p,
       "<span class=\"govuk-caption-l\">For the learner with ULN %s</span>"
       "<h1 class=\"govuk-heading-l\">Sign-up code</h1><p class=\"govuk-"
       "body\">Give this code to the learner only. It is shown once.</p>"
       "<p class=\"govuk-heading-xl\" id=\"invite-code\">%s</p><p class="
       "\"govuk-body\">It works once, until %s. To create their account "
       "the learner goes to <strong>/signup</strong> on this service and "
       "gives their ULN, their names and date of birth exactly as the "
       "register holds them, and this code.</p><p class=\"govuk-body\"><a "
       "class=\"govuk-link\" href=\"/invites\">Make another code</a></p>",
       inv.uln, code, until);
    page_send(&p, 201);
out:
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* Signing up                                                         */
/* ------------------------------------------------------------------ */

struct signup_form {
    const char *uln, *given, *family, *day, *month, *year, *code, *login;
};

static void signup_page(struct page *p, const struct signup_form *v,
                        unsigned status)
{
    page_head(p, "Create your learner account");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p, "<h1 class=\"govuk-heading-l\">Create your learner account</h1>"
          "<p class=\"govuk-body\">You need the sign-up code your school or "
          "the Learning Records Service gave you. Give your details exactly "
          "as your school recorded them.</p><form method=\"post\" action="
          "\"/signup\" novalidate>");
    page_input(p, "uln", "Unique Learner Number (ULN)",
               "10 digits, on your exam certificates", v->uln,
               "govuk-input--width-10", "off");
    page_input(p, "given_name", "Given name", NULL, v->given,
               "govuk-!-width-two-thirds", "given-name");
    page_input(p, "family_name", "Family name", NULL, v->family,
               "govuk-!-width-two-thirds", "family-name");
    page_date_input(p, "dob", "Date of birth", "For example, 27 3 2008", v->day,
                    v->month, v->year);
    page_input(p, "code", "Sign-up code", "For example, 7K2M-Q9XD-4HPA",
               v->code, "govuk-input--width-20", "off");
    page_input(p, "login", "Choose a username", NULL, v->login,
               "govuk-!-width-two-thirds", "username");
    ph(p,
       "<div class=\"govuk-form-group%H\"><label class=\"govuk-label\" for="
       "\"password\">Choose a password</label><div class=\"govuk-hint\" id="
       "\"password-hint\">At least 12 characters</div>",
       page_field_error(p, "password") ? " govuk-form-group--error" : "");
    if (page_field_error(p, "password"))
        ph(p,
           "<p id=\"password-error\" class=\"govuk-error-message\"><span "
           "class=\"govuk-visually-hidden\">Error:</span> %s</p>",
           page_field_error(p, "password"));
    ph(p, "<input class=\"govuk-input govuk-!-width-two-thirds\" id="
          "\"password\" name=\"password\" type=\"password\" autocomplete="
          "\"new-password\" aria-describedby=\"password-hint\"></div>"
          "<button type=\"submit\" class=\"govuk-button\" data-module="
          "\"govuk-button\" id=\"create-account\">Create your account"
          "</button></form></div></div>");
    page_send(p, status);
}

/* GET /signup */
void lrsd_p_signup(struct lrsd_req *r)
{
    const struct signup_form empty = {"", "", "", "", "", "", "", ""};
    struct page p;

    if (page_begin_auth(&p, r, 0, PAGE_AUTH_OPTIONAL | PAGE_AUTH_NO_AGREEMENT,
                        NULL))
        signup_page(&p, &empty, 200);
    page_release(&p);
}

/* The page field of a service field. */
static const char *page_field(const char *field)
{
    static const char *const map[][2] = {
        {"date_of_birth", "dob"},       {"given_name", "given_name"},
        {"family_name", "family_name"}, {"login", "login"},
        {"password", "password"},       {"uln", "uln"},
    };

    for (size_t i = 0; field && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(field, map[i][0]) == 0)
            return map[i][1];
    return "code";
}

/* POST /signup */
void lrsd_p_signup_post(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct signup_form v;
    struct lrs_signup in;
    struct lrs_actor actor;
    struct page_form f;
    struct lrs_store *s;
    struct page p;
    char dob[16] = "";
    int64_t retry_ms = 0;
    enum lrs_err err;

    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/signup");
        return;
    }
    if (!page_begin_auth(&p, r, 0, PAGE_AUTH_OPTIONAL | PAGE_AUTH_NO_AGREEMENT,
                         NULL))
        goto out;
    v = (struct signup_form){
        page_form_get(&f, "uln"),         page_form_get(&f, "given_name"),
        page_form_get(&f, "family_name"), page_form_get(&f, "dob-day"),
        page_form_get(&f, "dob-month"),   page_form_get(&f, "dob-year"),
        page_form_get(&f, "code"),        page_form_get(&f, "login"),
    };
    if (!v.uln[0])
        page_error(&p, "uln", "Enter your ULN");
    if (!v.given[0])
        page_error(&p, "given_name", "Enter your given name");
    if (!v.family[0])
        page_error(&p, "family_name", "Enter your family name");
    if (!v.day[0] || !v.month[0] || !v.year[0])
        page_error(&p, "dob",
                   "Enter your date of birth with a day, month "
                   "and year");
    if (!v.code[0])
        page_error(&p, "code", "Enter the sign-up code you were given");
    if (!v.login[0])
        page_error(&p, "login", "Choose a username");
    if (!page_form_get(&f, "password")[0])
        page_error(&p, "password", "Choose a password");
    if (p.error_count) {
        signup_page(&p, &v, 400);
        goto out;
    }
    if (lrs_ratelimit_take(lrsd_app.signin_limit, lrsd_signup_key(r->addr),
                           now_ms(), &retry_ms) != LRS_OK) {
        page_fail(&p, 429, "Sorry, there have been too many attempts",
                  "Wait a few minutes, then try again.");
        goto out;
    }
    snprintf(dob, sizeof dob, "%.2s/%.2s/%.4s", v.day, v.month, v.year);
    in = (struct lrs_signup){lrs_str_c(v.uln),
                             lrs_str_c(v.given),
                             lrs_str_c(v.family),
                             lrs_str_c(dob),
                             lrs_str_c(v.code),
                             lrs_str_c(v.login),
                             lrs_str_c(page_form_get(&f, "password"))};
    s = page_store(&p);
    if (!s)
        goto out;
    actor = lrsd_actor(r);
    err = lrs_plr_signup(s, &actor, &in, LRS_AUTH_COST_INTERACTIVE, NULL, &d);
    if (err == LRS_EINVAL || err == LRS_ECONFLICT) {
        if (err == LRS_ECONFLICT && d.field && strcmp(d.field, "uln") == 0)
            page_error(&p, "uln",
                       "You already have an account: sign in, or ask for its "
                       "password to be reset");
        else if (err == LRS_ECONFLICT)
            page_error(&p, "login", "That username is taken: choose another");
        else if (strcmp(page_field(d.field), "code") == 0)
            page_error(&p, "code",
                       "Your details or the code do not match our records, "
                       "or the code has expired or been used. Check them, "
                       "or ask for a new code");
        else
            page_error(&p, page_field(d.field), "%s", d.msg);
        signup_page(&p, &v, 400);
        goto out;
    }
    if (err) {
        page_fail(&p, 503, "Sorry, your account was not created",
                  "Try again in a few minutes.");
        goto out;
    }
    page_head(&p, "Your account has been created");
    ph(&p, "<div class=\"govuk-panel govuk-panel--confirmation\"><h1 class="
           "\"govuk-panel__title\">Your account has been created</h1></div>"
           "<p class=\"govuk-body\">Sign in with your username and password "
           "to see and share your learning record.</p><p class=\"govuk-body"
           "\"><a class=\"govuk-link\" id=\"sign-in-link\" href=\"/sign-in\">"
           "Sign in</a></p>");
    page_send(&p, 201);
out:
    page_release(&p);
}
