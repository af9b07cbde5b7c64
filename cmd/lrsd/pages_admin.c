/*
 * pages_admin.c - organisations and users, for LRS operators; and a
 * school's own users, for that school's administrators.
 *
 * The same use cases as POST /api/v1/organisations and /api/v1/users
 * (h_admin.c) and `lrs org` / `lrs user`: lrs_service_org_add(),
 * lrs_service_user_add(), _change(), _reset_password(), _disable() and
 * _enable() in lib/service/accounts.c, which check every field, the roles
 * an organisation's users may have and who may manage whom (an operator
 * everyone; a school administrator their own school's users), and audit
 * each change. The pages add the GOV.UK patterns and a confirmation
 * before a reset, a disable or an enable. An organisation or user out of
 * the signed-in person's reach is 404, as one that does not exist.
 *
 * A generated password is shown once, in the answer to the POST that
 * made it (never in a URL, a redirect or the log); the user must change
 * it at the next sign-in.
 */
#include "pages.h"

#include <lrs/service.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Who may open the users' pages; the service decides which users. */
#define USERS_ROLES (PAGE_OPERATOR | LRS_ROLE_SCHOOL_ADMIN)

/* ------------------------------------------------------------------ */
/* Words                                                              */
/* ------------------------------------------------------------------ */

static const struct {
    enum lrs_role role;
    const char *text, *hint;
} roles[] = {
    {LRS_ROLE_SCHOOL_USER, "School user",
     "Finds and registers learners, sends files and exam entries"},
    {LRS_ROLE_SCHOOL_ADMIN, "School administrator",
     "Also manages the school's own users"},
    {LRS_ROLE_AO_USER, "Awarding organisation user",
     "Verifies learners, sends results, reads exam entries"},
    {LRS_ROLE_OPERATOR, "LRS operator", "Everything, for every organisation"},
};

/*
 * The roles fieldset of the user forms: a checkbox for each role in
 * `allowed`, those in `checked` ticked, `hint` under the legend and
 * `err` (or NULL) as its error.
 */
static void roles_fieldset(struct page *p, const char *hint, const char *err,
                           unsigned allowed, unsigned checked)
{
    ph(p,
       "<div class=\"govuk-form-group%H\"><fieldset class=\"govuk-fieldset\""
       " aria-describedby=\"role-hint%H\"><legend class=\"govuk-fieldset__"
       "legend govuk-fieldset__legend--s\">Roles</legend><div id=\"role-"
       "hint\" class=\"govuk-hint\">%s</div>",
       err ? " govuk-form-group--error" : "", err ? " role-error" : "", hint);
    if (err)
        ph(p,
           "<p id=\"role-error\" class=\"govuk-error-message\"><span class="
           "\"govuk-visually-hidden\">Error:</span> %s</p>",
           err);
    ph(p, "<div class=\"govuk-checkboxes govuk-checkboxes--small\" "
          "data-module=\"govuk-checkboxes\" id=\"role\">");
    for (size_t i = 0; i < LRSD_LEN(roles); i++) {
        const char *rn = lrs_role_name(roles[i].role);

        if (!(allowed & roles[i].role))
            continue;
        ph(p,
           "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-"
           "checkboxes__input\" id=\"role-%s\" name=\"role\" type=\""
           "checkbox\" value=\"%s\" aria-describedby=\"role-%s-hint\"%H>"
           "<label class=\"govuk-label govuk-checkboxes__label\" for=\""
           "role-%s\">%s</label><div id=\"role-%s-hint\" class=\"govuk-hint "
           "govuk-checkboxes__hint\">%s</div></div>",
           rn, rn, rn, (checked & roles[i].role) ? " checked" : "", rn,
           roles[i].text, rn, roles[i].hint);
    }
    ph(p, "</div></fieldset></div>");
}

/* "School user, School administrator" into `out`. */
static void roles_text(unsigned bits, char *out, size_t out_len)
{
    size_t n = 0;

    out[0] = '\0';
    for (size_t i = 0; i < LRSD_LEN(roles); i++) {
        int w;

        if (!(bits & roles[i].role))
            continue;
        w = snprintf(out + n, out_len - n, "%s%s", n ? ", " : "",
                     roles[i].text);
        if (w < 0 || (size_t)w >= out_len - n)
            return;
        n += (size_t)w;
    }
    if (bits & LRS_ROLE_LEARNER)
        snprintf(out + n, out_len - n, "%sLearner", n ? ", " : "");
}

static const char *kind_text(enum lrs_org_kind k)
{
    switch (k) {
    case LRS_ORG_LRS:
        return "Learning Records Service";
    case LRS_ORG_SCHOOL:
        return "School";
    case LRS_ORG_AO:
        return "Awarding organisation";
    case LRS_ORG_PROVIDER:
        return "Learning provider";
    }
    return "Unknown";
}

/* "LA 801, establishment 2000; URN 100234" or "UKPRN 10000001". */
static void ident_text(const struct lrs_org *o, char out[96])
{
    int n = 0;

    out[0] = '\0';
    if (o->la)
        n = snprintf(out, 96, "LA %d, establishment %04d", (int)o->la,
                     (int)o->estab);
    if (o->urn && n >= 0 && n < 96)
        n += snprintf(out + n, 96 - (size_t)n, "%sURN %lld", n ? "; " : "",
                      (long long)o->urn);
    if (o->ukprn[0] && n >= 0 && n < 96)
        snprintf(out + n, 96 - (size_t)n, "%sUKPRN %s", n ? "; " : "",
                 o->ukprn);
}

static void ms_text(int64_t ms, char out[32])
{
    const time_t t = (time_t)(ms / 1000);
    struct tm tm;

    if (!ms || !gmtime_r(&t, &tm) || !strftime(out, 32, "%d %b %Y", &tm))
        snprintf(out, 32, "-");
}

static void fail_store(struct page *p)
{
    page_fail(p, 503, "Sorry, there is a problem with the service",
              "Try again in a few minutes.");
}

/* The id of the path's parameter `i`; a 404 page when there is none. */
static bool path_id(struct page *p, size_t i, bool zero_ok, int64_t *out)
{
    const char *text = lrsd_param(p->r, i);
    uint64_t v;

    if (!text || lrs_parse_u64(lrs_str_c(text), zero_ok ? 0 : 1, INT64_MAX,
                               &v) != LRS_OK) {
        page_fail(p, 404, "Page not found", "There is no such page.");
        return false;
    }
    *out = (int64_t)v;
    return true;
}

/* The organisation of path parameter 0; a 404 page when there is none. */
static bool path_org(struct page *p, struct lrs_store *s, struct lrs_org *o)
{
    int64_t id;

    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_actor actor = lrsd_actor(p->r);
    enum lrs_err err;

    if (!path_id(p, 0, true, &id))
        return false;
    err = lrs_service_user_may_manage(s, &actor, id, o, &d);
    if (err == LRS_OK)
        return true;
    if (err == LRS_ENOTFOUND)
        page_fail(p, 404, "Page not found", "There is no such organisation.");
    else
        fail_store(p);
    return false;
}

/* The user of path parameter 0 and their organisation; else a 404. */
static bool path_user(struct page *p, struct lrs_store *s, struct lrs_user *u,
                      struct lrs_org *o)
{
    int64_t id;

    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_actor actor = lrsd_actor(p->r);

    if (!path_id(p, 0, false, &id))
        return false;
    if (lrs_store_user_get(s, id, u) == LRS_OK &&
        lrs_service_user_may_manage(s, &actor, u->org_id, o, &d) == LRS_OK) {
        memset(u->password_hash, 0, sizeof u->password_hash);
        return true;
    }
    page_fail(p, 404, "Page not found", "There is no such user.");
    return false;
}

/* ------------------------------------------------------------------ */
/* Organisations                                                      */
/* ------------------------------------------------------------------ */

static enum lrs_err org_row(const struct lrs_org *o, void *ctx)
{
    struct page *p = ctx;
    char ident[96];

    ident_text(o, ident);
    ph(p,
       "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">"
       "<a class=\"govuk-link\" href=\"/organisations/%lld\">%s</a></td>"
       "<td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__"
       "cell\">%s</td></tr>",
       (long long)o->id, o->name, kind_text(o->kind), ident[0] ? ident : "-");
    return LRS_OK;
}

/* GET /organisations */
void lrsd_p_orgs(struct lrsd_req *r)
{
    struct lrs_store *s;
    struct page p;

    if (!page_begin_auth(&p, r, PAGE_OPERATOR, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s)
        goto out;
    page_head(&p, "Organisations");
    ph(&p, "<h1 class=\"govuk-heading-l\">Organisations</h1>"
           "<p class=\"govuk-body\">Schools, awarding organisations and "
           "providers that use the service, and their users.</p>"
           "<a class=\"govuk-button\" data-module=\"govuk-button\" "
           "id=\"add-org\" href=\"/organisations/add\">Add an organisation"
           "</a><table class=\"govuk-table\" id=\"orgs\"><caption class="
           "\"govuk-table__caption govuk-table__caption--m\">Every "
           "organisation</caption><thead class=\"govuk-table__head\"><tr "
           "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-"
           "table__header\">Name</th><th scope=\"col\" class=\"govuk-table__"
           "header\">Type</th><th scope=\"col\" class=\"govuk-table__"
           "header\">Identifiers</th></tr></thead><tbody class=\"govuk-"
           "table__body\">");
    if (lrs_store_org_scan(s, org_row, &p) != LRS_OK) {
        fail_store(&p);
        goto out;
    }
    ph(&p, "</tbody></table>");
    page_send(&p, 200);
out:
    page_release(&p);
}

/* The values of the add-organisation form. */
struct org_form {
    const char *type, *name, *la, *estab, *urn, *ukprn;
};

static void org_form_page(struct page *p, const struct org_form *v,
                          unsigned status)
{
    static const struct {
        const char *code, *text;
    } kinds[] = {
        {"school", "School"},
        {"ao", "Awarding organisation"},
        {"provider", "Learning provider"},
    };
    const char *err = page_field_error(p, "type");

    page_head(p, "Add an organisation");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p, "<h1 class=\"govuk-heading-l\">Add an organisation</h1><form "
          "method=\"post\" action=\"/organisations/add\" novalidate>");
    page_csrf_field(p);
    ph(p,
       "<div class=\"govuk-form-group%H\"><fieldset class=\"govuk-fieldset\""
       "%H><legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s"
       "\">Type of organisation</legend>",
       err ? " govuk-form-group--error" : "",
       err ? " aria-describedby=\"type-error\"" : "");
    if (err)
        ph(p,
           "<p id=\"type-error\" class=\"govuk-error-message\"><span class="
           "\"govuk-visually-hidden\">Error:</span> %s</p>",
           err);
    ph(p, "<div class=\"govuk-radios govuk-radios--small\" data-module="
          "\"govuk-radios\" id=\"type\">");
    for (size_t i = 0; i < LRSD_LEN(kinds); i++)
        ph(p,
           "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__"
           "input\" id=\"type-%s\" name=\"type\" type=\"radio\" value=\"%s\""
           "%H><label class=\"govuk-label govuk-radios__label\" for=\"type-"
           "%s\">%s</label></div>",
           kinds[i].code, kinds[i].code,
           strcmp(v->type, kinds[i].code) == 0 ? " checked" : "", kinds[i].code,
           kinds[i].text);
    ph(p, "</div></fieldset></div>");
    page_input(p, "name", "Name", NULL, v->name, NULL, "organization");
    ph(p, "<h2 class=\"govuk-heading-s\">A school</h2>");
    page_input(p, "la", "LA number", "3 digits, for example 801", v->la,
               "govuk-input--width-4", "off");
    page_input(p, "estab", "Establishment number", "4 digits", v->estab,
               "govuk-input--width-4", "off");
    page_input(p, "urn", "URN (optional with an LA and establishment number)",
               NULL, v->urn, "govuk-input--width-10", "off");
    ph(p, "<h2 class=\"govuk-heading-s\">An awarding organisation or "
          "provider</h2>");
    page_input(p, "ukprn", "UKPRN", "8 digits, for example 10012345", v->ukprn,
               "govuk-input--width-10", "off");
    ph(p, "<button type=\"submit\" class=\"govuk-button\" data-module="
          "\"govuk-button\" id=\"save\">Add organisation</button></form>"
          "</div></div>");
    page_send(p, status);
}

/* GET /organisations/add */
void lrsd_p_org_add(struct lrsd_req *r)
{
    const struct org_form empty = {"", "", "", "", "", ""};
    struct page p;

    if (page_begin_auth(&p, r, PAGE_OPERATOR, 0, NULL))
        org_form_page(&p, &empty, 200);
    page_release(&p);
}

/* POST /organisations/add */
void lrsd_p_org_add_post(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_org_input in;
    struct org_form v;
    struct page_form f;
    struct lrs_store *s;
    struct lrs_org o;
    struct page p;
    char loc[64];
    enum lrs_err err;

    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/organisations/add");
        return;
    }
    if (!page_begin_auth(&p, r, PAGE_OPERATOR, 0, &f))
        goto out;
    v = (struct org_form){
        page_form_get(&f, "type"), page_form_get(&f, "name"),
        page_form_get(&f, "la"),   page_form_get(&f, "estab"),
        page_form_get(&f, "urn"),  page_form_get(&f, "ukprn"),
    };
    /* Name every missing field at once; the service then checks the
     * values and the identifiers each kind needs. */
    if (!v.type[0])
        page_error(&p, "type", "Choose the type of organisation");
    if (!v.name[0])
        page_error(&p, "name", "Enter the organisation's name");
    if (p.error_count) {
        org_form_page(&p, &v, 400);
        goto out;
    }
    s = page_store(&p);
    if (!s)
        goto out;
    in = (struct lrs_org_input){v.type, v.name, v.la, v.estab, v.urn, v.ukprn};
    err = lrs_service_org_add(s, &in, &o, &d);
    if (err == LRS_EINVAL || err == LRS_ECONFLICT) {
        const char *field = d.field ? d.field : "name";

        /* The service's message, as a sentence. */
        page_error(&p,
                   strcmp(field, "type") == 0    ? "type"
                   : strcmp(field, "la") == 0    ? "la"
                   : strcmp(field, "estab") == 0 ? "estab"
                   : strcmp(field, "urn") == 0   ? "urn"
                   : strcmp(field, "ukprn") == 0 ? "ukprn"
                                                 : "name",
                   "%c%s",
                   d.msg[0] >= 'a' && d.msg[0] <= 'z'
                       ? (char)(d.msg[0] - 'a' + 'A')
                       : d.msg[0],
                   d.msg[0] ? d.msg + 1 : "");
        org_form_page(&p, &v, err == LRS_ECONFLICT ? 409 : 400);
        goto out;
    }
    if (err) {
        fail_store(&p);
        goto out;
    }
    lrsd_log(LRS_LOG_INFO, "admin", r->id, "organisation added",
             "org=%lld by=%lld", (long long)o.id, (long long)p.who.user_id);
    snprintf(loc, sizeof loc, "/organisations/%lld?added=1", (long long)o.id);
    page_redirect(r, loc);
out:
    page_release(&p);
}

struct user_rows {
    struct page *p;
    size_t count;
};

static enum lrs_err user_row(const struct lrs_user *u, void *ctx)
{
    struct user_rows *ur = ctx;
    struct page *p = ur->p;
    char rtext[160], when[32];

    roles_text(u->roles, rtext, sizeof rtext);
    ms_text(u->created_ms, when);
    ph(p,
       "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s"
       "</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-"
       "table__cell\">%s</td><td class=\"govuk-table__cell\">%H</td><td "
       "class=\"govuk-table__cell\">",
       u->login, u->display_name[0] ? u->display_name : "-", rtext,
       u->disabled ? "<strong class=\"govuk-tag govuk-tag--grey\">Disabled"
                     "</strong>"
       : u->must_change_password
           ? "<strong class=\"govuk-tag govuk-tag--yellow\">Must change "
             "password</strong>"
           : "<strong class=\"govuk-tag govuk-tag--green\">Active</strong>");
    if (u->id != p->who.user_id && !(u->roles & LRS_ROLE_LEARNER))
        ph(p,
           "<a class=\"govuk-link\" id=\"edit-%lld\" href=\"/users/%lld/"
           "edit\">Change<span class=\"govuk-visually-hidden\"> the name or "
           "roles of %s</span></a> ",
           (long long)u->id, (long long)u->id, u->login);
    if (u->id != p->who.user_id)
        ph(p,
           "<a class=\"govuk-link\" id=\"reset-%lld\" href=\"/users/%lld/"
           "password\">Reset password<span class=\"govuk-visually-hidden\">"
           " of %s</span></a>",
           (long long)u->id, (long long)u->id, u->login);
    if (u->id != p->who.user_id)
        ph(p,
           " <a class=\"govuk-link govuk-!-margin-left-2\" id=\"%H-"
           "%lld\" href=\"/users/%lld/%H\">%H<span class=\"govuk-"
           "visually-hidden\"> %s</span></a>",
           u->disabled ? "enable" : "disable", (long long)u->id,
           (long long)u->id, u->disabled ? "enable" : "disable",
           u->disabled ? "Enable" : "Disable", u->login);
    ph(p, "</td></tr>");
    ur->count++;
    return LRS_OK;
}

/* GET /organisations/{id}: the organisation and its users. */
void lrsd_p_org(struct lrsd_req *r)
{
    struct user_rows ur;
    struct lrs_store *s;
    struct lrs_org o;
    struct page p;
    char ident[96], when[32];

    if (!page_begin_auth(&p, r, USERS_ROLES, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s || !path_org(&p, s, &o))
        goto out;
    ident_text(&o, ident);
    ms_text(o.created_ms, when);
    page_head(&p, (p.who.roles & PAGE_OPERATOR) ? "Organisation"
                                                : "Your organisation's users");
    if (page_query(r, "added"))
        page_banner(&p, true, "The organisation was added",
                    "Add its users below.");
    if (page_query(r, "disabled"))
        page_banner(&p, true, "The user was disabled",
                    "They can no longer sign in or use their API tokens.");
    if (page_query(r, "enabled"))
        page_banner(&p, true, "The user was enabled",
                    "They can sign in and use their API tokens again.");
    if (page_query(r, "changed"))
        page_banner(&p, true, "The user was changed",
                    "Their new roles apply from their next page or request.");
    ph(&p,
       "<span class=\"govuk-caption-l\">%s</span><h1 class=\"govuk-heading-"
       "l\">%s</h1><dl class=\"govuk-summary-list\" id=\"org\">",
       kind_text(o.kind), o.name);
    page_summary_row(&p, "Type", kind_text(o.kind));
    page_summary_row(&p, "Identifiers", ident);
    page_summary_row(&p, "Added", when);
    ph(&p, "</dl><h2 class=\"govuk-heading-m\">Users</h2>");
    if (lrs_service_org_roles(o.kind))
        ph(&p,
           "<a class=\"govuk-button govuk-button--secondary\" data-module="
           "\"govuk-button\" id=\"add-user\" href=\"/organisations/%lld/"
           "users/add\">Add a user</a>",
           (long long)o.id);
    ph(&p, "<div class=\"lrs-scroll\"><table class=\"govuk-table\" "
           "id=\"users\"><caption class="
           "\"govuk-table__caption govuk-visually-hidden\">Users of this "
           "organisation</caption><thead class=\"govuk-table__head\"><tr "
           "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table"
           "__header\">Login</th><th scope=\"col\" class=\"govuk-table__"
           "header\">Name</th><th scope=\"col\" class=\"govuk-table__header"
           "\">Roles</th><th scope=\"col\" class=\"govuk-table__header\">"
           "Status</th><th scope=\"col\" class=\"govuk-table__header\">"
           "<span class=\"govuk-visually-hidden\">Actions</span></th></tr>"
           "</thead><tbody class=\"govuk-table__body\">");
    ur = (struct user_rows){&p, 0};
    if (lrs_store_user_scan(s, o.id, user_row, &ur) != LRS_OK) {
        fail_store(&p);
        goto out;
    }
    ph(&p, "</tbody></table></div>");
    if (!ur.count)
        ph(&p, "<p class=\"govuk-body\" id=\"no-users\">This organisation "
               "has no users yet.</p>");
    if (p.who.roles & PAGE_OPERATOR)
        ph(&p, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\""
               "/organisations\">All organisations</a></p>");
    page_send(&p, 200);
out:
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* Users                                                              */
/* ------------------------------------------------------------------ */

struct user_form {
    const char *login, *name;
    unsigned roles;
};

static void user_form_page(struct page *p, const struct lrs_org *o,
                           const struct user_form *v, unsigned status)
{
    const unsigned allowed = lrs_service_org_roles(o->kind);
    const char *err = page_field_error(p, "role");

    page_head(p, "Add a user");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p,
       "<span class=\"govuk-caption-l\">%s</span><h1 class=\"govuk-heading-"
       "l\">Add a user</h1><form method=\"post\" action=\"/organisations/"
       "%lld/users/add\" novalidate>",
       o->name, (long long)o->id);
    page_csrf_field(p);
    page_input(p, "login", "Login",
               "What they sign in with, for example "
               "their work email address. No spaces.",
               v->login, NULL, "off");
    page_input(p, "display_name", "Full name (optional)", NULL, v->name, NULL,
               "off");
    roles_fieldset(p,
                   "Select all that apply. A password is made for them and "
                   "shown to you once.",
                   err, allowed, v->roles);
    ph(p, "<button type=\"submit\" class=\"govuk-"
          "button\" data-module=\"govuk-button\" id=\"save\">Add user</button>"
          "</form></div></div>");
    page_send(p, status);
}

/* GET /organisations/{id}/users/add */
void lrsd_p_user_add(struct lrsd_req *r)
{
    const struct user_form empty = {"", "", 0};
    struct lrs_store *s;
    struct lrs_org o;
    struct page p;

    if (!page_begin_auth(&p, r, USERS_ROLES, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s || !path_org(&p, s, &o))
        goto out;
    user_form_page(&p, &o, &empty, 200);
out:
    page_release(&p);
}

/* The panel that shows a generated password, once. */
static void password_panel(struct page *p, const char *title,
                           const struct lrs_user *u, const struct lrs_org *o,
                           const char *pw)
{
    page_head(p, title);
    ph(p,
       "<div class=\"govuk-panel govuk-panel--confirmation\" id=\"done\">"
       "<h1 class=\"govuk-panel__title\">%s</h1><div class=\"govuk-panel__"
       "body\">Login <strong>%s</strong><br>Password <strong class=\""
       "lrs-secret\" id=\"password\">%s</strong></div></div>",
       title, u->login, pw);
    page_banner(p, false, "This password is shown only once",
                "Give it to the user in a safe way now. They must choose "
                "their own password when they first sign in. If it is lost, "
                "reset it again.");
    ph(p,
       "<p class=\"govuk-body\"><a class=\"govuk-link\" id=\"back-to-org\" "
       "href=\"/organisations/%lld\">Back to %s</a></p>",
       (long long)o->id, o->name);
}

/* POST /organisations/{id}/users/add */
void lrsd_p_user_add_post(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    char pw[LRS_AUTH_PASSWORD_NEW_SIZE];
    struct lrs_user_input in;
    struct lrs_actor actor;
    struct user_form v;
    struct page_form f;
    struct lrs_store *s;
    struct lrs_user u;
    struct lrs_org o;
    struct page p;
    enum lrs_err err;

    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/organisations");
        return;
    }
    if (!page_begin_auth(&p, r, USERS_ROLES, 0, &f))
        goto out;
    s = page_store(&p);
    if (!s || !path_org(&p, s, &o))
        goto out;
    v = (struct user_form){page_form_get(&f, "login"),
                           page_form_get(&f, "display_name"), 0};
    for (size_t i = 0; i < f.count; i++) {
        enum lrs_role role;

        if (strcmp(f.fields[i].name, "role") != 0)
            continue;
        if (lrs_role_parse(lrs_str_c(f.fields[i].value), &role, &d) != LRS_OK)
            page_error(&p, "role", "Choose roles from the list");
        else
            v.roles |= (unsigned)role;
    }
    if (!v.login[0])
        page_error(&p, "login", "Enter the user's login");
    if (!v.roles)
        page_error(&p, "role", "Choose at least one role");
    if (p.error_count) {
        user_form_page(&p, &o, &v, 400);
        goto out;
    }
    in = (struct lrs_user_input){o.id, v.login, v.name, v.roles};
    actor = lrsd_actor(r);
    err = lrs_service_user_add(s, &actor, &in, LRS_AUTH_COST_INTERACTIVE, &u,
                               pw, &d);
    if (err == LRS_EINVAL || err == LRS_ECONFLICT) {
        const char *field = d.field ? d.field : "login";

        if (err == LRS_ECONFLICT)
            page_error(&p, "login", "The login %s is taken: choose another",
                       v.login);
        else
            page_error(&p,
                       strcmp(field, "role") == 0           ? "role"
                       : strcmp(field, "display_name") == 0 ? "display_name"
                                                            : "login",
                       "%c%s",
                       d.msg[0] >= 'a' && d.msg[0] <= 'z'
                           ? (char)(d.msg[0] - 'a' + 'A')
                           : d.msg[0],
                       d.msg[0] ? d.msg + 1 : "");
        user_form_page(&p, &o, &v, err == LRS_ECONFLICT ? 409 : 400);
        goto out;
    }
    if (err) {
        fail_store(&p);
        goto out;
    }
    lrsd_log(LRS_LOG_INFO, "admin", r->id, "user added",
             "user=%lld org=%lld by=%lld", (long long)u.id, (long long)o.id,
             (long long)p.who.user_id);
    password_panel(&p, "User added", &u, &o, pw);
    memset(pw, 0, sizeof pw);
    page_send(&p, 201);
out:
    page_release(&p);
}

/* What a confirmation page confirms. */
enum confirm {
    CONFIRM_RESET,
    CONFIRM_DISABLE,
    CONFIRM_ENABLE,
};

static const struct {
    const char *path, *title, *heading, *warning, *button;
} confirms[] = {
    [CONFIRM_RESET] = {"password", "Reset a user's password",
                       "Reset the password of",
                       "Their password stops working and they are signed "
                       "out everywhere. A new password is shown to you once.",
                       "Reset password"},
    [CONFIRM_DISABLE] = {"disable", "Disable a user", "Disable",
                         "They will be signed out everywhere at once and can "
                         "no longer sign in or use their API tokens.",
                         "Disable user"},
    [CONFIRM_ENABLE] = {"enable", "Enable a user", "Enable",
                        "They can sign in and use their API tokens again.",
                        "Enable user"},
};

/* A confirmation page for `what` on user `u`. */
static void confirm_page(struct page *p, const struct lrs_user *u,
                         const struct lrs_org *o, enum confirm what)
{
    char rtext[160];

    roles_text(u->roles, rtext, sizeof rtext);
    page_head(p, confirms[what].title);
    ph(p,
       "<span class=\"govuk-caption-l\">%s</span><h1 class=\"govuk-heading-"
       "l\">%s %s?</h1><dl class=\"govuk-summary-list\" id=\"user\">",
       o->name, confirms[what].heading, u->login);
    page_summary_row(p, "Login", u->login);
    page_summary_row(p, "Name", u->display_name);
    page_summary_row(p, "Roles", rtext);
    ph(p, "</dl>");
    ph(p,
       "<div class=\"govuk-warning-text\"><span class=\"govuk-warning-text__"
       "icon\" aria-hidden=\"true\">!</span><strong class=\"govuk-warning-"
       "text__text\"><span class=\"govuk-visually-hidden\">Warning</span>"
       "%s</strong></div>",
       confirms[what].warning);
    ph(p, "<form method=\"post\" action=\"/users/%lld/%H\" novalidate>",
       (long long)u->id, confirms[what].path);
    page_csrf_field(p);
    ph(p,
       "<div class=\"govuk-button-group\"><button type=\"submit\" class=\""
       "govuk-button%H\" data-module=\"govuk-button\" id=\"confirm\">%s"
       "</button><a class=\"govuk-link\" href=\"/organisations/%lld\">"
       "Cancel</a></div></form>",
       what == CONFIRM_DISABLE ? " govuk-button--warning" : "",
       confirms[what].button, (long long)o->id);
}

/* GET /users/{id}/password, /disable and /enable */
static void user_confirm(struct lrsd_req *r, enum confirm what)
{
    struct lrs_store *s;
    struct lrs_user u;
    struct lrs_org o;
    struct page p;

    if (!page_begin_auth(&p, r, USERS_ROLES, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s || !path_user(&p, s, &u, &o))
        goto out;
    if (u.id == p.who.user_id) {
        page_fail(&p, 400, "You cannot change your own account here",
                  what == CONFIRM_RESET
                      ? "Use Change password instead."
                      : "Ask another administrator to change your account.");
        goto out;
    }
    confirm_page(&p, &u, &o, what);
    page_send(&p, 200);
out:
    page_release(&p);
}

void lrsd_p_user_reset(struct lrsd_req *r)
{
    user_confirm(r, CONFIRM_RESET);
}

void lrsd_p_user_disable(struct lrsd_req *r)
{
    user_confirm(r, CONFIRM_DISABLE);
}

void lrsd_p_user_enable(struct lrsd_req *r)
{
    user_confirm(r, CONFIRM_ENABLE);
}

/* POST /users/{id}/password: a new password, shown once. */
void lrsd_p_user_reset_post(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    char pw[LRS_AUTH_PASSWORD_NEW_SIZE];
    struct lrs_actor actor;
    struct page_form f;
    struct lrs_store *s;
    struct lrs_user u;
    struct lrs_org o;
    struct page p;

    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/organisations");
        return;
    }
    if (!page_begin_auth(&p, r, USERS_ROLES, 0, &f))
        goto out;
    s = page_store(&p);
    if (!s || !path_user(&p, s, &u, &o))
        goto out;
    if (u.id == p.who.user_id) {
        page_fail(&p, 400, "You cannot change your own account here",
                  "Use Change password instead.");
        goto out;
    }
    actor = lrsd_actor(r);
    if (lrs_service_user_reset_password(
            s, &actor, u.id, LRS_AUTH_COST_INTERACTIVE, pw, &d) != LRS_OK) {
        fail_store(&p);
        goto out;
    }
    lrsd_log(LRS_LOG_INFO, "admin", r->id, "password reset",
             "user=%lld by=%lld", (long long)u.id, (long long)p.who.user_id);
    password_panel(&p, "Password reset", &u, &o, pw);
    memset(pw, 0, sizeof pw);
    page_send(&p, 200);
out:
    page_release(&p);
}

/* POST /users/{id}/disable and /enable */
static void user_set_disabled(struct lrsd_req *r, bool disabled)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_actor actor;
    struct page_form f;
    struct lrs_store *s;
    struct lrs_user u;
    struct lrs_org o;
    struct page p;
    char loc[64];
    enum lrs_err err;

    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/organisations");
        return;
    }
    if (!page_begin_auth(&p, r, USERS_ROLES, 0, &f))
        goto out;
    s = page_store(&p);
    if (!s || !path_user(&p, s, &u, &o))
        goto out;
    actor = lrsd_actor(r);
    err = disabled ? lrs_service_user_disable(s, &actor, u.id, &d)
                   : lrs_service_user_enable(s, &actor, u.id, &d);
    if (err == LRS_EINVAL) {
        page_fail(&p, 400, "You cannot change your own account here",
                  "Ask another administrator to change it.");
        goto out;
    }
    if (err) {
        fail_store(&p);
        goto out;
    }
    lrsd_log(LRS_LOG_INFO, "admin", r->id,
             disabled ? "user disabled" : "user enabled", "user=%lld by=%lld",
             (long long)u.id, (long long)p.who.user_id);
    snprintf(loc, sizeof loc, "/organisations/%lld?%s=1", (long long)o.id,
             disabled ? "disabled" : "enabled");
    page_redirect(r, loc);
out:
    page_release(&p);
}

void lrsd_p_user_disable_post(struct lrsd_req *r)
{
    user_set_disabled(r, true);
}

void lrsd_p_user_enable_post(struct lrsd_req *r)
{
    user_set_disabled(r, false);
}

/* ------------------------------------------------------------------ */
/* Change a user's name or roles                                      */
/* ------------------------------------------------------------------ */

static void edit_page(struct page *p, const struct lrs_user *u,
                      const struct lrs_org *o, const char *name,
                      unsigned roles_now, unsigned status)
{
    const unsigned allowed = lrs_service_org_roles(o->kind);
    const char *err = page_field_error(p, "role");

    page_head(p, "Change a user");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p,
       "<span class=\"govuk-caption-l\">%s</span><h1 class=\"govuk-heading-"
       "l\">Change %s</h1><form method=\"post\" action=\"/users/%lld/edit\" "
       "novalidate>",
       o->name, u->login, (long long)u->id);
    page_csrf_field(p);
    page_input(p, "display_name", "Full name", NULL, name, NULL, "off");
    roles_fieldset(p,
                   "Select all that apply. The new roles apply from their "
                   "next page or request.",
                   err, allowed, roles_now);
    ph(p,
       "<div class=\"govuk-button-group\"><button "
       "type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\" "
       "id=\"save\">Save changes</button><a class=\"govuk-link\" href=\""
       "/organisations/%lld\">Cancel</a></div></form></div></div>",
       (long long)o->id);
    page_send(p, status);
}

/* GET /users/{id}/edit */
void lrsd_p_user_edit(struct lrsd_req *r)
{
    struct lrs_store *s;
    struct lrs_user u;
    struct lrs_org o;
    struct page p;

    if (!page_begin_auth(&p, r, USERS_ROLES, 0, NULL))
        goto out;
    s = page_store(&p);
    if (!s || !path_user(&p, s, &u, &o))
        goto out;
    edit_page(&p, &u, &o, u.display_name, u.roles, 200);
out:
    page_release(&p);
}

/* POST /users/{id}/edit: lrs_service_user_change(), which checks all. */
void lrsd_p_user_edit_post(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_user_change c;
    struct lrs_actor actor;
    struct page_form f;
    struct lrs_store *s;
    struct lrs_user u;
    struct lrs_org o;
    struct page p;
    char loc[64];
    enum lrs_err err;

    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/organisations");
        return;
    }
    if (!page_begin_auth(&p, r, USERS_ROLES, 0, &f))
        goto out;
    s = page_store(&p);
    if (!s || !path_user(&p, s, &u, &o))
        goto out;
    memset(&c, 0, sizeof c);
    c.display_name = page_form_get(&f, "display_name");
    for (size_t i = 0; i < f.count; i++) {
        enum lrs_role role;

        if (strcmp(f.fields[i].name, "role") != 0)
            continue;
        if (lrs_role_parse(lrs_str_c(f.fields[i].value), &role, &d) != LRS_OK)
            page_error(&p, "role", "Choose roles from the list");
        else
            c.roles |= (unsigned)role;
    }
    if (!c.roles)
        page_error(&p, "role", "Choose at least one role");
    actor = lrsd_actor(r);
    err = p.error_count
              ? LRS_EINVAL
              : lrs_service_user_change(s, &actor, u.id, &c, NULL, &d);
    if (err == LRS_EINVAL) {
        if (!p.error_count)
            page_error(&p,
                       d.field && strcmp(d.field, "display_name") == 0
                           ? "display_name"
                           : "role",
                       "%c%s",
                       d.msg[0] >= 'a' && d.msg[0] <= 'z'
                           ? (char)(d.msg[0] - 'a' + 'A')
                           : d.msg[0],
                       d.msg[0] ? d.msg + 1 : "");
        edit_page(&p, &u, &o, c.display_name, c.roles, 400);
        goto out;
    }
    if (err) {
        fail_store(&p);
        goto out;
    }
    lrsd_log(LRS_LOG_INFO, "admin", r->id, "user changed",
             "user=%lld roles=%u by=%lld", (long long)u.id, c.roles,
             (long long)p.who.user_id);
    snprintf(loc, sizeof loc, "/organisations/%lld?changed=1", (long long)o.id);
    page_redirect(r, loc);
out:
    page_release(&p);
}

/* GET /users: an operator to the organisations, a school administrator
 * to their own school's users. */
void lrsd_p_users(struct lrsd_req *r)
{
    struct page p;
    char loc[64];

    if (!page_begin_auth(&p, r, USERS_ROLES, 0, NULL))
        goto out;
    if (p.who.roles & PAGE_OPERATOR) {
        page_redirect(r, "/organisations");
    } else {
        snprintf(loc, sizeof loc, "/organisations/%lld",
                 (long long)p.who.org_id);
        page_redirect(r, loc);
    }
out:
    page_release(&p);
}
