/*
 * pages.c - sign in, sign out, the user agreement and the welcome page.
 *
 * Sign-in is a plain form POST of a username and password, checked as
 * the API's POST /api/v1/session checks them (h_auth.c): the same
 * per-login rate limit, an unknown login checked against a dummy hash so
 * that it takes as long as a wrong password, and one answer for both
 * (never which half was wrong). The session is a row in the store, so
 * signing out revokes it everywhere.
 *
 * Login CSRF: a sign-in form has no session yet, so its POST must come
 * from our own origin when the browser says where it comes from (Origin).
 */
#include "pages.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The version of the user agreement below; accepting is per version. */
#define AGREEMENT_VERSION LRSD_AGREEMENT_VERSION

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* GET /: the start, or the sign-in page. */
void lrsd_p_root(struct lrsd_req *r)
{
    struct page p;

    if (page_begin_auth(&p, r, 0, PAGE_AUTH_OPTIONAL, NULL))
        page_redirect(r, p.signed_in ? "/welcome" : "/sign-in");
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* Sign in and out                                                    */
/* ------------------------------------------------------------------ */

static void sign_in_form(struct page *p, const char *user, unsigned status)
{
    page_head(p, "Sign in");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p, "<h1 class=\"govuk-heading-l\">Sign in to the Learning Records "
          "Service</h1>");
    ph(p, "<form method=\"post\" action=\"/sign-in\" novalidate>");
    page_input(p, "username", "Username", NULL, user,
               "govuk-!-width-two-"
               "thirds",
               "username");
    {
        const char *err = page_field_error(p, "password");

        ph(p,
           "<div class=\"govuk-form-group%H\"><label class=\"govuk-label\" "
           "for=\"password\">Password</label>",
           err ? " govuk-form-group--error" : "");
        if (err)
            ph(p,
               "<p id=\"password-error\" class=\"govuk-error-message\">"
               "<span class=\"govuk-visually-hidden\">Error:</span> %s</p>",
               err);
        ph(p,
           "<input class=\"govuk-input govuk-!-width-two-thirds%H\" "
           "id=\"password\" name=\"password\" type=\"password\" "
           "autocomplete=\"current-password\" spellcheck=\"false\"%H>"
           "</div>",
           err ? " govuk-input--error" : "",
           err ? " aria-describedby=\"password-error\"" : "");
    }
    ph(p, "<button type=\"submit\" class=\"govuk-button\" "
          "data-module=\"govuk-button\" id=\"sign-in\">Sign in</button>"
          "</form><h2 class=\"govuk-heading-m\">If you are a learner</h2>"
          "<p class=\"govuk-body\">If your school or the Learning Records "
          "Service gave you a sign-up code, <a class=\"govuk-link\" "
          "href=\"/signup\" id=\"signup-link\">create your learner account"
          "</a> to see your learning record.</p></div></div>");
    page_send(p, status);
}

void lrsd_p_sign_in(struct lrsd_req *r)
{
    struct page p;

    if (page_begin_auth(&p, r, 0, PAGE_AUTH_OPTIONAL, NULL)) {
        if (p.signed_in)
            page_redirect(r, "/welcome");
        else
            sign_in_form(&p, "", 200);
    }
    page_release(&p);
}

/* Whether a POST without a session came from a page of ours. */
static bool same_origin(struct lrsd_req *r)
{
    const char *origin = lrsd_header(r, "Origin");
    const char *host = lrsd_header(r, MHD_HTTP_HEADER_HOST);
    const char *rest;

    if (!origin)
        return true; /* not said: SameSite and the form decide */
    if (!host)
        return false;
    if (strncmp(origin, "http://", 7) == 0)
        rest = origin + 7;
    else if (strncmp(origin, "https://", 8) == 0)
        rest = origin + 8;
    else
        return false;
    return strcmp(rest, host) == 0;
}

/* The rate-limit key of a login: FNV-1a, as h_auth.c's login_key(), so
 * that the pages and the API share one budget per login. */
static uint64_t login_key(const char *login)
{
    uint64_t h = 14695981039346656037u;

    for (const unsigned char *c = (const unsigned char *)login; *c; c++)
        h = (h ^ *c) * 1099511628211u;
    return h ? h : 1;
}

/*
 * Check `login` and `password` into *u. Returns 0 when they are right,
 * 1 when they are wrong (or the account disabled), 2 when rate limited,
 * 3 when the store failed.
 */
static int check_password(struct page *p, struct lrs_store *s,
                          const char *login, const char *password,
                          struct lrs_user *u)
{
    int64_t retry_ms = 0;
    enum lrs_err err;

    if (lrs_ratelimit_take(lrsd_app.signin_limit, login_key(login), now_ms(),
                           &retry_ms) != LRS_OK)
        return 2;
    err = lrs_store_user_get_by_login(s, login, u);
    if (err && err != LRS_ENOTFOUND)
        return 3;
    if (err || !u->password_hash[0]) {
        /* Spend the time a real check takes; the answer is no anyway. */
        const enum lrs_err spent =
            lrs_auth_password_verify(lrsd_app.dummy_hash, lrs_str_c(password));

        (void)spent;
        (void)p;
        return 1;
    }
    if (lrs_auth_password_verify(u->password_hash, lrs_str_c(password)) !=
            LRS_OK ||
        u->disabled)
        return 1;
    return 0;
}

void lrsd_p_sign_in_post(struct lrsd_req *r)
{
    struct lrs_session_row row;
    struct page_form f;
    struct lrs_session sess;
    struct lrs_store *s;
    struct lrs_user u;
    struct page p;
    const char *user, *password;
    int verdict = 1;

    if (!page_begin_auth(&p, r, 0, PAGE_AUTH_OPTIONAL, NULL))
        goto out;
    p.signed_in = false; /* a new sign-in replaces any session */
    if (!same_origin(r) || !page_form_parse(r, &f)) {
        page_fail(&p, 400, "Sorry, there is a problem with the form",
                  "Go back to the sign-in page and try again.");
        goto out;
    }
    user = page_form_get(&f, "username");
    password = page_form_get(&f, "password");
    if (!user[0])
        page_error(&p, "username", "Enter your username");
    if (!password[0])
        page_error(&p, "password", "Enter your password");
    if (!p.error_count) {
        s = page_store(&p);
        if (!s)
            goto out;
        verdict = check_password(&p, s, user, password, &u);
    }
    if (verdict == 3) {
        page_fail(&p, 503, "Sorry, the service is unavailable",
                  "Try again in a few minutes.");
        goto out;
    }
    if (verdict == 2)
        page_error(&p, "username",
                   "You have tried to sign in too many times. Wait a "
                   "minute, then try again");
    else if (!p.error_count && verdict == 1)
        page_error(&p, "username", "Enter a correct username and password");
    if (p.error_count) {
        lrsd_log(LRS_LOG_INFO, "web", r->id, "sign-in refused", "addr=%s",
                 r->addr);
        sign_in_form(&p, user, verdict == 2 ? 429 : 400);
        goto out;
    }
    lrs_session_init(&sess, u.id, now_ms(), LRSD_SESSION_TTL_MS);
    memset(&row, 0, sizeof row);
    memcpy(row.id, sess.nonce, sizeof row.id);
    row.user_id = u.id;
    row.created_ms = sess.issued_ms;
    row.expires_ms = sess.expires_ms;
    snprintf(row.addr, sizeof row.addr, "%s", r->addr);
    if (lrs_store_session_add(r->store, &row) != LRS_OK) {
        page_fail(&p, 503, "Sorry, the service is unavailable",
                  "Try again in a few minutes.");
        goto out;
    }
    lrsd_log(LRS_LOG_INFO, "web", r->id, "signed in", "user=%lld addr=%s",
             (long long)u.id, r->addr);
    page_redirect(r, u.agreement_version >= AGREEMENT_VERSION ? "/welcome"
                                                              : "/agreement");
    page_set_session_cookie(r, &sess);
out:
    page_release(&p);
}

/* POST /sign-out: clear the cookies, show the signed-out page. */
void lrsd_p_sign_out(struct lrsd_req *r)
{
    struct page_form f;
    struct page p;

    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/sign-in");
        return;
    }
    if (page_begin_auth(&p, r, 0, PAGE_AUTH_NO_AGREEMENT, &f)) {
        const enum lrs_err err =
            lrs_store_session_revoke(r->store, p.who.session.nonce);

        if (err && err != LRS_ENOTFOUND) {
            page_fail(&p, 503, "Sorry, the service is unavailable",
                      "You are still signed in. Try again in a few "
                      "minutes.");
            goto out;
        }
        p.signed_in = false;
        page_head(&p, "You have signed out");
        ph(&p, "<div class=\"govuk-panel govuk-panel--confirmation\">"
               "<h1 class=\"govuk-panel__title\">You have signed out</h1>"
               "</div><p class=\"govuk-body\"><a class=\"govuk-link\" "
               "href=\"/sign-in\" id=\"sign-in-again\">Sign in again</a>"
               "</p>");
        page_send(&p, 200);
        page_set_session_cookie(r, NULL);
    }
out:
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* The user agreement                                                 */
/* ------------------------------------------------------------------ */

void lrsd_p_agreement(struct lrsd_req *r)
{
    struct page p;

    if (!page_begin_auth(&p, r, 0, PAGE_AUTH_NO_AGREEMENT, NULL))
        goto out;
    page_head(&p, "Accept the user agreement");
    ph(&p,
       "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-"
       "thirds\"><h1 class=\"govuk-heading-l\">Accept the user agreement"
       "</h1><p class=\"govuk-body\">Before you use the Learning Records "
       "Service you must accept its user agreement (version %d).</p>"
       "<ul class=\"govuk-list govuk-list--bullet\">"
       "<li>You will look up and change learners' records only for the "
       "learners you work with, and only to do your job.</li>"
       "<li>You will keep learners' personal details safe, and not share "
       "them with anyone who has no right to see them.</li>"
       "<li>You understand that every search, view and change is recorded "
       "in the audit log with your name.</li>"
       "<li>You will keep your password to yourself, and tell the LRS if "
       "you think someone else knows it.</li></ul>",
       AGREEMENT_VERSION);
    if (p.who.agreed)
        ph(&p, "<p class=\"govuk-body\">You accepted this agreement. "
               "<a class=\"govuk-link\" href=\"/welcome\">Continue</a></p>");
    else {
        ph(&p, "<form method=\"post\" action=\"/agreement\" novalidate>");
        page_csrf_field(&p);
        ph(&p, "<button type=\"submit\" class=\"govuk-button\" "
               "data-module=\"govuk-button\" id=\"accept\">I accept the "
               "user agreement</button></form>");
    }
    ph(&p, "</div></div>");
    page_send(&p, 200);
out:
    page_release(&p);
}

void lrsd_p_agreement_post(struct lrsd_req *r)
{
    struct page_form f;
    struct page p;

    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/agreement");
        return;
    }
    if (page_begin_auth(&p, r, 0, PAGE_AUTH_NO_AGREEMENT, &f)) {
        if (lrs_store_user_accept_agreement(r->store, p.who.user_id,
                                            AGREEMENT_VERSION, 0) != LRS_OK) {
            page_fail(&p, 503, "Sorry, the service is unavailable",
                      "Your acceptance was not recorded. Try again in a "
                      "few minutes.");
            goto out;
        }
        page_redirect(r, "/welcome");
        lrsd_log(LRS_LOG_INFO, "web", r->id, "agreement accepted",
                 "user=%lld version=%d", (long long)p.who.user_id,
                 AGREEMENT_VERSION);
    }
out:
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* Welcome                                                            */
/* ------------------------------------------------------------------ */

#define RECENT_FILES 5

struct attention {
    uint64_t moving, failed, open;
    int64_t recent[RECENT_FILES]; /* the newest done jobs */
    size_t recent_count;
    uint64_t by[LRS_BATCH__COUNT]; /* their pupils by outcome */
    uint64_t pupils;
};

static enum lrs_err count_job(const struct lrs_job *j, void *ctx)
{
    struct attention *a = ctx;

    if (j->status == LRS_JOB_QUEUED || j->status == LRS_JOB_RUNNING)
        a->moving++;
    else if (j->status == LRS_JOB_FAILED)
        a->failed++;
    else if (j->status == LRS_JOB_DONE && a->recent_count < RECENT_FILES)
        a->recent[a->recent_count++] = j->id; /* the scan is newest first */
    return LRS_OK;
}

static enum lrs_err count_outcome(const struct lrs_job_row *row, void *ctx)
{
    struct attention *a = ctx;

    a->by[lrs_batch_code_category(row->code)]++;
    a->pupils++;
    return LRS_OK;
}

/*
 * The outcomes of the recent files as a chart: a meter a category, the
 * numbers beside each in words, so the bars only help the eye.
 */
static bool recent_outcomes(struct page *p, struct lrs_store *s,
                            struct attention *a)
{
    for (size_t i = 0; i < a->recent_count; i++)
        if (lrs_store_job_row_scan(s, a->recent[i], count_outcome, a) != LRS_OK)
            return false;
    if (!a->pupils)
        return true;
    ph(p,
       "<table class=\"govuk-table\" id=\"recent-outcomes\"><caption "
       "class=\"govuk-table__caption govuk-table__caption--m\">Outcomes of "
       "your last %zu %H</caption><thead class=\"govuk-table__head\"><tr "
       "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__"
       "header\">Outcome</th><th scope=\"col\" class=\"govuk-table__"
       "header\">Pupils</th><th scope=\"col\" class=\"govuk-table__"
       "header\"><span class=\"govuk-visually-hidden\">Chart</span></th>"
       "</tr></thead><tbody class=\"govuk-table__body\">",
       a->recent_count, a->recent_count == 1 ? "file" : "files");
    for (unsigned i = 0; i < LRS_BATCH__COUNT; i++)
        ph(p,
           "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-"
           "table__header\">%s</th><td class=\"govuk-table__cell\">%lld of "
           "%lld</td><td class=\"govuk-table__cell\"><meter class=\"lrs-"
           "meter\" min=\"0\" max=\"%lld\" value=\"%lld\" aria-hidden="
           "\"true\"></meter></td></tr>",
           lrs_batch_category_name((enum lrs_batch_category)i),
           (long long)a->by[i], (long long)a->pupils, (long long)a->pupils,
           (long long)a->by[i]);
    ph(p, "</tbody></table>");
    return true;
}

static enum lrs_err count_open(const struct lrs_exception *x, void *ctx)
{
    struct attention *a = ctx;

    (void)x;
    a->open++;
    return LRS_OK;
}

static bool fail_store(struct page *p)
{
    page_fail(p, 503, "Sorry, the service is unavailable",
              "Try again in a few minutes.");
    return false;
}

/*
 * What needs attention: the organisation's open exceptions and files
 * still processing or failed (the LRS sees every organisation's), then
 * the outcomes of its recent files.
 * The chart of a school's ULN coverage follows, from its stored roster
 * (page_school_coverage, pages_school.c).
 */
static bool attention(struct page *p, struct lrs_store *s)
{
    const int64_t org = (p->who.roles & PAGE_OPERATOR) ? -1 : p->who.org_id;
    struct lrs_exception_filter f = {0, org, LRS_EXCEPTION_OPEN, ""};
    struct attention a;

    memset(&a, 0, sizeof a);
    if (!(p->who.roles & (PAGE_SCHOOL | PAGE_OPERATOR))) {
        ph(p, "<p class=\"govuk-body\" id=\"attention\">Nothing needs "
              "your attention.</p>");
        return true;
    }
    if (lrs_store_job_scan(s, org, count_job, &a) != LRS_OK ||
        lrs_store_exception_scan(s, &f, count_open, &a) != LRS_OK) {
        page_fail(p, 503, "Sorry, the service is unavailable",
                  "Try again in a few minutes.");
        return false;
    }
    if (!a.moving && !a.failed && !a.open) {
        ph(p, "<p class=\"govuk-body\" id=\"attention\">Nothing needs "
              "your attention.</p>");
        return recent_outcomes(p, s, &a) || fail_store(p);
    }
    ph(p, "<ul class=\"govuk-list govuk-list--bullet\" id=\"attention\">");
    if (a.open)
        ph(p,
           "<li><a class=\"govuk-link\" href=\"/exceptions\">%lld "
           "open %H</a> to resolve</li>",
           (long long)a.open, a.open == 1 ? "exception" : "exceptions");
    if (a.moving)
        ph(p,
           "<li><a class=\"govuk-link\" href=\"/files\">%lld %H "
           "processing</a></li>",
           (long long)a.moving, a.moving == 1 ? "file" : "files");
    if (a.failed)
        ph(p,
           "<li><a class=\"govuk-link\" href=\"/files\">%lld %H "
           "failed</a>: check the file and send it again</li>",
           (long long)a.failed, a.failed == 1 ? "file" : "files");
    ph(p, "</ul>");
    return recent_outcomes(p, s, &a) || fail_store(p);
}

static void card(struct page *p, const char *href, const char *id,
                 const char *title, const char *text)
{
    ph(p,
       "<div class=\"govuk-grid-column-one-third\"><h2 class=\"govuk-"
       "heading-m\"><a class=\"govuk-link\" href=\"%s\" id=\"%s\">%s</a>"
       "</h2><p class=\"govuk-body\">%s</p></div>",
       href, id, title, text);
}

void lrsd_p_welcome(struct lrsd_req *r)
{
    struct lrs_store_stats st;
    struct lrs_store *s;
    struct page p;

    if (!page_begin_auth(
            &p, r, PAGE_SCHOOL | PAGE_AO | PAGE_OPERATOR | LRS_ROLE_LEARNER, 0,
            NULL))
        goto out;
    if (!(p.who.roles & (PAGE_SCHOOL | PAGE_AO | PAGE_OPERATOR))) {
        page_redirect(r, "/me"); /* a learner's home is their record */
        goto out;
    }
    s = page_store(&p);
    if (!s)
        goto out;
    if (lrs_store_stats(s, &st) != LRS_OK) {
        page_fail(&p, 503, "Sorry, the service is unavailable",
                  "Try again in a few minutes.");
        goto out;
    }
    page_head(&p, "Home");
    ph(&p, "<h1 class=\"govuk-heading-l\">Learning Records Service</h1>"
           "<h2 class=\"govuk-heading-m\">What needs your attention</h2>");
    if (!attention(&p, s) || !page_school_coverage(&p, s))
        goto out;
    ph(&p, "<h2 class=\"govuk-heading-m\">The register</h2>"
           "<dl class=\"govuk-summary-list\" id=\"register-stats\">");
    {
        char a[32], l[32], c[32];

        snprintf(a, sizeof a, "%llu", (unsigned long long)st.active);
        snprintf(l, sizeof l, "%llu", (unsigned long long)st.linked);
        snprintf(c, sizeof c, "%llu", (unsigned long long)st.name_changes);
        page_summary_row(&p, "Active learners", a);
        page_summary_row(&p, "Learners merged into another record", l);
        page_summary_row(&p, "Name changes recorded", c);
    }
    ph(&p, "</dl><div class=\"govuk-grid-row\">");
    card(&p, "/learners/find", "card-find", "Find a learner",
         "By ULN, or by name, date of birth, gender and postcode.");
    card(&p, "/learners/register", "card-register", "Register a learner",
         "Get a ULN for a learner who does not have one. We search first.");
    card(&p, "/files", "card-files", "Upload a file (S2S)",
         "Send a school's CTF and get the pupils' ULNs back.");
    ph(&p, "</div>");
    page_send(&p, 200);
out:
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* Change of password                                                 */
/* ------------------------------------------------------------------ */

/* A password field (never filled again after an error). */
static void password_field(struct page *p, const char *name, const char *label,
                           const char *hint, const char *autocomplete)
{
    const char *err = page_field_error(p, name);

    ph(p,
       "<div class=\"govuk-form-group%H\"><label class=\"govuk-label\" "
       "for=\"%s\">%s</label>",
       err ? " govuk-form-group--error" : "", name, label);
    if (hint)
        ph(p, "<div id=\"%s-hint\" class=\"govuk-hint\">%s</div>", name, hint);
    if (err)
        ph(p,
           "<p id=\"%s-error\" class=\"govuk-error-message\"><span "
           "class=\"govuk-visually-hidden\">Error:</span> %s</p>",
           name, err);
    ph(p,
       "<input class=\"govuk-input govuk-!-width-two-thirds%H\" id=\"%s\" "
       "name=\"%s\" type=\"password\" autocomplete=\"%s\" "
       "spellcheck=\"false\"></div>",
       err ? " govuk-input--error" : "", name, name, autocomplete);
}

static void password_form(struct page *p, unsigned status)
{
    page_head(p, "Change your password");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p, "<h1 class=\"govuk-heading-l\">Change your password</h1>");
    if (p->who.must_change_password)
        ph(p, "<div class=\"govuk-inset-text\">Your password was reset. "
              "Choose a new one before you go on.</div>");
    ph(p, "<form method=\"post\" action=\"/password\" novalidate>");
    page_csrf_field(p);
    password_field(p, "current_password", "Current password", NULL,
                   "current-password");
    password_field(p, "new_password", "New password",
                   "At least 12 characters. A few unrelated words make a "
                   "good one.",
                   "new-password");
    password_field(p, "confirm_password", "New password again", NULL,
                   "new-password");
    ph(p, "<button type=\"submit\" class=\"govuk-button\" data-module="
          "\"govuk-button\" id=\"change-password\">Change password</button>"
          "</form></div></div>");
    page_send(p, status);
}

void lrsd_p_password(struct lrsd_req *r)
{
    struct page p;

    if (page_begin_auth(&p, r, 0, PAGE_AUTH_NO_AGREEMENT, NULL))
        password_form(&p, 200);
    page_release(&p);
}

/*
 * POST /password: as the API's POST /api/v1/session/password (h_auth.c):
 * the current password, the policy of lrs_auth_password_check(), and
 * every session of the user ends, this one too (lrs_service_password_change,
 * audited).
 */
void lrsd_p_password_post(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    char hash[LRS_AUTH_HASH_SIZE];
    const char *cur, *next, *again;
    struct lrs_actor actor;
    struct page_form f;
    struct lrs_user u;
    struct page p;

    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/password");
        return;
    }
    if (!page_begin_auth(&p, r, 0, PAGE_AUTH_NO_AGREEMENT, &f))
        goto out;
    cur = page_form_get(&f, "current_password");
    next = page_form_get(&f, "new_password");
    again = page_form_get(&f, "confirm_password");
    if (lrs_store_user_get(r->store, p.who.user_id, &u) != LRS_OK) {
        page_fail(&p, 503, "Sorry, the service is unavailable",
                  "Try again in a few minutes.");
        goto out;
    }
    if (!cur[0])
        page_error(&p, "current_password", "Enter your current password");
    else if (lrs_auth_password_verify(u.password_hash, lrs_str_c(cur)) !=
             LRS_OK)
        page_error(&p, "current_password", "Your current password is wrong");
    if (!next[0])
        page_error(&p, "new_password", "Enter a new password");
    else if (lrs_auth_password_check(lrs_str_c(next), &d) != LRS_OK)
        page_error(&p, "new_password", "The new password %s", d.msg);
    else if (strcmp(next, again) != 0)
        page_error(&p, "confirm_password", "Enter the same new password twice");
    if (p.error_count) {
        password_form(&p, 400);
        goto out;
    }
    actor = lrsd_actor(r);
    if (lrs_auth_password_hash(lrs_str_c(next), LRS_AUTH_COST_INTERACTIVE,
                               hash) != LRS_OK ||
        lrs_service_password_change(r->store, &actor, hash, &d) != LRS_OK) {
        page_fail(&p, 503, "Sorry, the service is unavailable",
                  "Your password was not changed. Try again later.");
        goto out;
    }
    lrsd_log(LRS_LOG_INFO, "web", r->id, "password changed", "user=%lld",
             (long long)u.id);
    p.signed_in = false;
    page_head(&p, "Your password has been changed");
    ph(&p, "<div class=\"govuk-panel govuk-panel--confirmation\"><h1 "
           "class=\"govuk-panel__title\">Your password has been changed</h1>"
           "</div><p class=\"govuk-body\">You have been signed out "
           "everywhere. <a class=\"govuk-link\" href=\"/sign-in\" "
           "id=\"sign-in-again\">Sign in with your new password</a>.</p>");
    page_send(&p, 200);
    page_set_session_cookie(r, NULL);
out:
    page_release(&p);
}
