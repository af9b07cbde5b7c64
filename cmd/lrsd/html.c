/*
 * html.c - the HTML builder, the GOV.UK page template and components.
 *
 * Escaping is not optional: ph() takes a trusted format (a literal in
 * this program) and escapes every string it inserts (& < > " ' become
 * entities), so learner data and form input can never become markup.
 * The only way to insert unescaped text is %H, for HTML that was itself
 * built with ph() into another buffer.
 *
 * The markup follows GOV.UK Frontend 5 (design-system.service.gov.uk):
 * the template's skip link, header, service navigation, phase banner,
 * main wrapper and footer, and the components' class names. A page is
 * built whole in one buffer and sent at the end, so an error part-way
 * can still answer a clean error page.
 */
#include "pages.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SERVICE_NAME "Learning Records Service"

/* ------------------------------------------------------------------ */
/* The builder                                                        */
/* ------------------------------------------------------------------ */

static void add(struct page *p, const char *s, size_t len)
{
    if (!p->oom && lrs_buf_add(&p->out, s, len) != LRS_OK)
        p->oom = true;
}

static void add_escaped(struct page *p, const char *s)
{
    const char *run = s;

    if (!s)
        return;
    for (; *s; s++) {
        const char *ent;

        switch (*s) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        case '"':
            ent = "&quot;";
            break;
        case '\'':
            ent = "&#39;";
            break;
        default:
            continue;
        }
        add(p, run, (size_t)(s - run));
        add(p, ent, strlen(ent));
        run = s + 1;
    }
    add(p, run, (size_t)(s - run));
}

void ph(struct page *p, const char *fmt, ...)
{
    const char *run = fmt;
    char num[32];
    va_list ap;

    va_start(ap, fmt);
    for (const char *f = fmt; *f; f++) {
        int n = 0;

        if (*f != '%')
            continue;
        add(p, run, (size_t)(f - run));
        f++;
        switch (*f) {
        case 's':
            add_escaped(p, va_arg(ap, const char *));
            break;
        case 'H': {
            const char *h = va_arg(ap, const char *);

            if (h)
                add(p, h, strlen(h));
            break;
        }
        case 'd':
            n = snprintf(num, sizeof num, "%d", va_arg(ap, int));
            break;
        case 'u':
            n = snprintf(num, sizeof num, "%u", va_arg(ap, unsigned));
            break;
        case 'z':
            f++; /* %zu */
            n = snprintf(num, sizeof num, "%zu", va_arg(ap, size_t));
            break;
        case 'l':
            if (f[1] == 'l') {
                f += 2; /* %lld */
                n = snprintf(num, sizeof num, "%lld", va_arg(ap, long long));
            } else {
                f++; /* %ld */
                n = snprintf(num, sizeof num, "%ld", va_arg(ap, long));
            }
            break;
        case '%':
            add(p, "%", 1);
            break;
        default:
            abort(); /* a bad format is a programming error */
        }
        if (n > 0)
            add(p, num, (size_t)n);
        run = f + 1;
    }
    add(p, run, strlen(run));
    va_end(ap);
}

/* ------------------------------------------------------------------ */
/* Template                                                           */
/* ------------------------------------------------------------------ */

/* The service navigation, for a signed-in person who has agreed. */
static void navigation(struct page *p)
{
    const char *path = p->r->path;
    static const struct {
        const char *href, *text;
        unsigned roles; /* who sees it */
    } items[] = {
        {"/welcome", "Home", LRS_ROLE_ALL},
        {"/learners/find", "Find a learner",
         PAGE_SCHOOL | PAGE_AO | PAGE_OPERATOR},
        {"/learners/register", "Register a learner",
         PAGE_SCHOOL | PAGE_OPERATOR},
        {"/files", "Files (S2S)", PAGE_SCHOOL | PAGE_OPERATOR},
        {"/exceptions", "Exceptions", PAGE_SCHOOL | PAGE_OPERATOR},
        {"/school", "Pupil roster", PAGE_SCHOOL},
        {"/verify", "Verify", PAGE_SCHOOL | PAGE_AO | PAGE_OPERATOR},
        {"/me", "Your learning record", LRS_ROLE_LEARNER},
        {"/entries", "Exam entries", PAGE_SCHOOL},
        {"/results/upload", "Upload results", PAGE_AO},
        {"/entries/received", "Entries received", PAGE_AO},
        {"/plr", "Achievements", PAGE_SCHOOL | PAGE_AO | PAGE_OPERATOR},
        {"/organisations", "Organisations", PAGE_OPERATOR},
        {"/users", "Users", LRS_ROLE_SCHOOL_ADMIN},
    };

    ph(p,
       "<section aria-label=\"Service information\" "
       "class=\"govuk-service-navigation\" "
       "data-module=\"govuk-service-navigation\">"
       "<div class=\"govuk-width-container\">"
       "<div class=\"govuk-service-navigation__container\">"
       "<span class=\"govuk-service-navigation__service-name\">"
       "<a href=\"/welcome\" class=\"govuk-service-navigation__link\">"
       "%s</a></span>",
       SERVICE_NAME);
    if (p->signed_in && p->who.agreed) {
        ph(p, "<nav aria-label=\"Menu\" class=\"govuk-service-navigation__"
              "wrapper\"><ul class=\"govuk-service-navigation__list\" "
              "id=\"navigation\">");
        for (size_t i = 0; i < LRSD_LEN(items); i++) {
            const bool here = strcmp(path, items[i].href) == 0;

            if (!(p->who.roles & items[i].roles))
                continue;
            ph(p,
               "<li class=\"govuk-service-navigation__item%H\">"
               "<a class=\"govuk-service-navigation__link\" href=\"%s\"%H>"
               "%s</a></li>",
               here ? " govuk-service-navigation__item--active" : "",
               items[i].href, here ? " aria-current=\"page\"" : "",
               items[i].text);
        }
        ph(p, "</ul></nav>");
    }
    ph(p, "</div></div></section>");
}

/* The signed-in bar: who, and the sign-out button (a POST form). */
static void account_bar(struct page *p)
{
    if (!p->signed_in)
        return;
    ph(p,
       "<div class=\"govuk-width-container lrs-account\">"
       "<form method=\"post\" action=\"/sign-out\" class=\"lrs-account__form\""
       " novalidate>");
    page_csrf_field(p);
    ph(p,
       "<span class=\"govuk-body-s lrs-account__who\">Signed in as "
       "<strong>%s</strong> <a class=\"govuk-link govuk-!-margin-left-2\" "
       "href=\"/password\" id=\"password-link\">Change password</a>"
       "</span> "
       "<button type=\"submit\" class=\"govuk-button govuk-button--"
       "secondary govuk-!-margin-bottom-0 lrs-account__button\" "
       "data-module=\"govuk-button\" id=\"sign-out\">Sign out</button>"
       "</form></div>",
       p->who.login);
}

void page_head(struct page *p, const char *title)
{
    ph(p,
       "<!DOCTYPE html>\n<html lang=\"en\" class=\"govuk-template\">"
       "<head><meta charset=\"utf-8\">"
       "<title>%s%s – " SERVICE_NAME " – GOV.UK</title>"
       "<meta name=\"viewport\" content=\"width=device-width, "
       "initial-scale=1, viewport-fit=cover\">"
       "<meta name=\"theme-color\" content=\"#0b0c0c\">"
       "<link rel=\"icon\" sizes=\"48x48\" href=\"/assets/images/"
       "favicon.ico\">"
       "<link rel=\"icon\" sizes=\"any\" href=\"/assets/images/"
       "favicon.svg\" type=\"image/svg+xml\">"
       "<link rel=\"stylesheet\" href=\"/assets/govuk-frontend.min.css\">"
       "<link rel=\"stylesheet\" href=\"/assets/openlrs.css\">",
       p->error_count ? "Error: " : "", title);
    /* Progress without script: the page reloads itself while it moves. */
    if (p->refresh_s)
        ph(p, "<meta http-equiv=\"refresh\" content=\"%u\">", p->refresh_s);
    ph(p, "</head>"
          "<body class=\"govuk-template__body\">"
          "<script type=\"module\" src=\"/assets/openlrs.js\"></script>"
          "<a href=\"#main-content\" class=\"govuk-skip-link\" "
          "data-module=\"govuk-skip-link\">Skip to main content</a>"
          "<header class=\"govuk-header\" data-module=\"govuk-header\">"
          "<div class=\"govuk-header__container govuk-width-container\">"
          "<div class=\"govuk-header__logo\">"
          "<a href=\"/\" class=\"govuk-header__link "
          "govuk-header__link--homepage\">"
          "<span class=\"govuk-header__logotype-text\">openlrs</span>"
          "</a></div></div></header>");
    navigation(p);
    account_bar(p);
    ph(p, "<div class=\"govuk-width-container\">"
          "<div class=\"govuk-phase-banner\"><p class=\"govuk-phase-banner__"
          "content\"><strong class=\"govuk-tag govuk-phase-banner__content__"
          "tag\">Beta</strong><span class=\"govuk-phase-banner__text\">"
          "This is a new service. Every search and change is recorded in "
          "the audit log.</span></p></div>");
    ph(p, "<main class=\"govuk-main-wrapper\" id=\"main-content\">");
}

void page_send(struct page *p, unsigned status)
{
    ph(p,
       "</main></div>"
       "<footer class=\"govuk-footer\"><div class=\"govuk-width-"
       "container\"><div class=\"govuk-footer__meta\">"
       "<div class=\"govuk-footer__meta-item govuk-footer__meta-item--"
       "grow\"><p class=\"govuk-body-s\">openlrs %s – an open Learning "
       "Records Service.</p></div>"
       "</div></div></footer></body></html>\n",
       lrs_version());
    if (p->oom) {
        lrsd_reply_error(p->r, 500, "LRSD0500", NULL, "out of memory");
        return;
    }
    lrsd_reply_data(p->r, status, "text/html; charset=utf-8", p->out.data,
                    p->out.len);
    lrsd_reply_header(p->r, "Content-Security-Policy",
                      "default-src 'self'; img-src 'self' data:; "
                      "frame-ancestors 'none'; form-action 'self'; "
                      "base-uri 'none'");
    lrsd_reply_header(p->r, "Referrer-Policy", "same-origin");
    lrsd_reply_header(p->r, "X-Frame-Options", "DENY");
}

void page_release(struct page *p)
{
    lrs_buf_release(&p->out);
}

void page_fail(struct page *p, unsigned status, const char *title,
               const char *text)
{
    lrs_buf_reset(&p->out);
    p->oom = false;
    page_head(p, title);
    ph(p,
       "<h1 class=\"govuk-heading-l\">%s</h1><p class=\"govuk-body\">%s</p>"
       "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/welcome\">"
       "Go to the start</a></p>",
       title, text);
    page_send(p, status);
}

/* ------------------------------------------------------------------ */
/* Errors                                                             */
/* ------------------------------------------------------------------ */

void page_error(struct page *p, const char *field, const char *fmt, ...)
{
    struct page_error *e;
    va_list ap;

    if (p->error_count == PAGE_ERRORS_MAX || page_field_error(p, field))
        return;
    e = &p->errors[p->error_count++];
    e->field = field;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

const char *page_field_error(const struct page *p, const char *field)
{
    for (size_t i = 0; i < p->error_count; i++)
        if (strcmp(p->errors[i].field, field) == 0)
            return p->errors[i].msg;
    return NULL;
}

void page_error_summary(struct page *p)
{
    if (!p->error_count)
        return;
    ph(p, "<div class=\"govuk-error-summary\" data-module=\"govuk-error-"
          "summary\"><div role=\"alert\"><h2 class=\"govuk-error-summary__"
          "title\">There is a problem</h2><div class=\"govuk-error-summary__"
          "body\"><ul class=\"govuk-list govuk-error-summary__list\">");
    for (size_t i = 0; i < p->error_count; i++)
        ph(p, "<li><a href=\"#%s\">%s</a></li>", p->errors[i].field,
           p->errors[i].msg);
    ph(p, "</ul></div></div></div>");
}

void page_inline_error(struct page *p, const char *id, const char *msg)
{
    if (msg)
        ph(p,
           "<p id=\"%s-error\" class=\"govuk-error-message\">"
           "<span class=\"govuk-visually-hidden\">Error:</span> %s</p>",
           id, msg);
}

/* ------------------------------------------------------------------ */
/* Components                                                         */
/* ------------------------------------------------------------------ */

void page_input(struct page *p, const char *name, const char *label,
                const char *hint, const char *value, const char *extra_class,
                const char *autocomplete)
{
    const char *err = page_field_error(p, name);

    ph(p,
       "<div class=\"govuk-form-group%H\"><label class=\"govuk-label\" "
       "for=\"%s\">%s</label>",
       err ? " govuk-form-group--error" : "", name, label);
    if (hint)
        ph(p, "<div id=\"%s-hint\" class=\"govuk-hint\">%s</div>", name, hint);
    page_inline_error(p, name, err);
    ph(p,
       "<input class=\"govuk-input%H%H%H\" id=\"%s\" name=\"%s\" "
       "type=\"text\" value=\"%s\" spellcheck=\"false\"",
       extra_class ? " " : "", extra_class ? extra_class : "",
       err ? " govuk-input--error" : "", name, name, value ? value : "");
    if (autocomplete)
        ph(p, " autocomplete=\"%s\"", autocomplete);
    if (hint && err)
        ph(p, " aria-describedby=\"%s-hint %s-error\"", name, name);
    else if (hint || err)
        ph(p, " aria-describedby=\"%s%H\"", name, hint ? "-hint" : "-error");
    ph(p, "></div>");
}

void page_date_input(struct page *p, const char *name, const char *legend,
                     const char *hint, const char *day, const char *month,
                     const char *year)
{
    const char *err = page_field_error(p, name);
    static const char *const parts[] = {"day", "month", "year"};
    static const char *const labels[] = {"Day", "Month", "Year"};
    const char *values[] = {day, month, year};

    ph(p,
       "<div class=\"govuk-form-group%H\"><fieldset class=\"govuk-fieldset\""
       " role=\"group\" aria-describedby=\"%s-hint%H%s%H\">"
       "<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">"
       "%s</legend><div id=\"%s-hint\" class=\"govuk-hint\">%s</div>",
       err ? " govuk-form-group--error" : "", name, err ? " " : "",
       err ? name : "", err ? "-error" : "", legend, name,
       hint ? hint : "For example, 27 3 2007");
    page_inline_error(p, name, err);
    ph(p, "<div class=\"govuk-date-input\" id=\"%s\">", name);
    for (size_t i = 0; i < 3; i++)
        ph(p,
           "<div class=\"govuk-date-input__item\"><div class=\"govuk-form-"
           "group\"><label class=\"govuk-label govuk-date-input__label\" "
           "for=\"%s-%s\">%s</label><input class=\"govuk-input "
           "govuk-date-input__input govuk-input--width-%d%H\" id=\"%s-%s\" "
           "name=\"%s-%s\" type=\"text\" inputmode=\"numeric\" "
           "value=\"%s\"></div></div>",
           name, parts[i], labels[i], i == 2 ? 4 : 2,
           err ? " govuk-input--error" : "", name, parts[i], name, parts[i],
           values[i] ? values[i] : "");
    ph(p, "</div></fieldset></div>");
}

void page_gender_radios(struct page *p, const char *name, const char *value)
{
    static const struct {
        const char *code, *text;
    } opts[] = {
        {"1", "Male"},
        {"2", "Female"},
        {"9", "Not specified"},
        {"0", "Not known"},
    };
    const char *err = page_field_error(p, name);

    ph(p,
       "<div class=\"govuk-form-group%H\"><fieldset class=\"govuk-fieldset\""
       "%H%s%H><legend class=\"govuk-fieldset__legend "
       "govuk-fieldset__legend--s\">Gender</legend>",
       err ? " govuk-form-group--error" : "", err ? " aria-describedby=\"" : "",
       err ? name : "", err ? "-error\"" : "");
    page_inline_error(p, name, err);
    ph(p,
       "<div class=\"govuk-radios govuk-radios--small govuk-radios--"
       "inline\" data-module=\"govuk-radios\" id=\"%s\">",
       name);
    for (size_t i = 0; i < LRSD_LEN(opts); i++) {
        const bool on = value && strcmp(value, opts[i].code) == 0;

        ph(p,
           "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__"
           "input\" id=\"%s-%s\" name=\"%s\" type=\"radio\" value=\"%s\"%H>"
           "<label class=\"govuk-label govuk-radios__label\" for=\"%s-%s\">"
           "%s</label></div>",
           name, opts[i].code, name, opts[i].code, on ? " checked" : "", name,
           opts[i].code, opts[i].text);
    }
    ph(p, "</div></fieldset></div>");
}

void page_csrf_field(struct page *p)
{
    if (p->signed_in)
        ph(p, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", p->csrf);
}

void page_banner(struct page *p, bool success, const char *heading,
                 const char *text)
{
    ph(p,
       "<div class=\"govuk-notification-banner%H\" role=\"%H\" "
       "aria-labelledby=\"banner-title\" data-module=\"govuk-notification-"
       "banner\"><div class=\"govuk-notification-banner__header\">"
       "<h2 class=\"govuk-notification-banner__title\" id=\"banner-title\">"
       "%s</h2></div><div class=\"govuk-notification-banner__content\">"
       "<p class=\"govuk-notification-banner__heading\">%s</p>",
       success ? " govuk-notification-banner--success" : "",
       success ? "alert" : "region", success ? "Success" : "Important",
       heading);
    if (text)
        ph(p, "<p class=\"govuk-body\">%s</p>", text);
    ph(p, "</div></div>");
}

void page_summary_row(struct page *p, const char *key, const char *value)
{
    ph(p,
       "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-"
       "list__key\">%s</dt><dd class=\"govuk-summary-list__value\">%s</dd>"
       "</div>",
       key, value && value[0] ? value : "Not given");
}
