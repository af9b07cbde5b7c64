/*
 * pages_learners.c - find, view, amend and register learners.
 *
 * Every rule is the service's: fields go through lrs_learner_field_set()
 * and lrs_service_learner_check() (the same calls as the JSON API and
 * the CSV import), reads through lrs_service_learner_get() (audited), and
 * writes through lrs_service_learner_update() and _register(). The pages
 * add only what a person needs: every missing field named at once, the
 * values kept on error, and each search candidate explained in words.
 *
 * Who may do what follows the API's routes (docs/api.md): reading a
 * learner by ULN alone is for operators; schools and operators amend and
 * register; everyone with a role may search, and a demographic search
 * shows a school or an AO a learner only on an exact match
 * (ARCHITECTURE.md, Security).
 *
 * Names travel in POST bodies, never in URLs (access logs): the find
 * form posts, and its results are the POST's answer.
 */
#include "pages.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define FIND_ROLES   (PAGE_SCHOOL | PAGE_AO | PAGE_OPERATOR)
#define CHANGE_ROLES (PAGE_SCHOOL | PAGE_OPERATOR)

/* ------------------------------------------------------------------ */
/* Reading a person from a form                                       */
/* ------------------------------------------------------------------ */

/* The form's values, kept to fill the form again. */
struct person_form {
    const char *given, *middle, *family, *day, *month, *year, *gender,
        *postcode;
};

static void person_read(const struct page_form *f, struct person_form *v)
{
    v->given = page_form_get(f, "given_name");
    v->middle = page_form_get(f, "middle_names");
    v->family = page_form_get(f, "family_name");
    v->day = page_form_get(f, "dob-day");
    v->month = page_form_get(f, "dob-month");
    v->year = page_form_get(f, "dob-year");
    v->gender = page_form_get(f, "gender");
    v->postcode = page_form_get(f, "postcode");
}

/* Set field `fld` of `l` from `value`, or record the service's reason. */
static void set_field(struct page *p, struct lrs_learner *l,
                      enum lrs_learner_field fld, const char *id,
                      const char *value, const char *what)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_learner_field_set(l, fld, lrs_str_c(value), &d) != LRS_OK)
        page_error(p, id, "%s %s", what, d.msg[0] ? d.msg : "is not valid");
}

static bool all_digits(const char *s)
{
    return s[0] && strspn(s, "0123456789") == strlen(s);
}

/*
 * Check the five search fields (and the middle names) into `l`: every
 * one required, each with its own message (GOV.UK error message
 * patterns). Errors go to the page.
 */
static void person_check(struct page *p, const struct person_form *v,
                         struct lrs_learner *l)
{
    lrs_learner_init(l);
    if (!v->given[0])
        page_error(p, "given_name", "Enter the learner's given name");
    else
        set_field(p, l, LRS_FIELD_GIVEN_NAME, "given_name", v->given,
                  "Given name");
    if (v->middle[0])
        set_field(p, l, LRS_FIELD_MIDDLE_NAMES, "middle_names", v->middle,
                  "Middle names");
    if (!v->family[0])
        page_error(p, "family_name", "Enter the learner's family name");
    else
        set_field(p, l, LRS_FIELD_FAMILY_NAME, "family_name", v->family,
                  "Family name");
    if (!v->day[0] && !v->month[0] && !v->year[0]) {
        page_error(p, "dob", "Enter the learner's date of birth");
    } else if (!v->day[0] || !v->month[0] || !v->year[0]) {
        page_error(p, "dob", "Date of birth must include a %s",
                   !v->day[0]     ? "day"
                   : !v->month[0] ? "month"
                                  : "year");
    } else if (!all_digits(v->day) || !all_digits(v->month) ||
               !all_digits(v->year) || strlen(v->year) != 4 ||
               strlen(v->day) > 2 || strlen(v->month) > 2) {
        page_error(p, "dob",
                   "Date of birth must be a real date, for "
                   "example 27 3 2007");
    } else {
        char iso[16];

        snprintf(iso, sizeof iso, "%s-%s%s-%s%s", v->year,
                 strlen(v->month) == 1 ? "0" : "", v->month,
                 strlen(v->day) == 1 ? "0" : "", v->day);
        set_field(p, l, LRS_FIELD_DATE_OF_BIRTH, "dob", iso, "Date of birth");
    }
    if (!v->gender[0])
        page_error(p, "gender", "Select the learner's gender");
    else
        set_field(p, l, LRS_FIELD_GENDER, "gender", v->gender, "Gender");
    if (!v->postcode[0])
        page_error(p, "postcode", "Enter the learner's postcode");
    else
        set_field(p, l, LRS_FIELD_POSTCODE, "postcode", v->postcode,
                  "Postcode");
}

/* The person fields of a form. */
static void person_fields(struct page *p, const struct person_form *v,
                          bool middle)
{
    page_input(p, "given_name", "Given name", NULL, v->given,
               "govuk-!-width-two-thirds", "off");
    if (middle)
        page_input(p, "middle_names", "Middle names (optional)", NULL,
                   v->middle, "govuk-!-width-two-thirds", "off");
    page_input(p, "family_name", "Family name", NULL, v->family,
               "govuk-!-width-two-thirds", "off");
    page_date_input(p, "dob", "Date of birth", NULL, v->day, v->month, v->year);
    page_gender_radios(p, "gender", v->gender);
    page_input(p, "postcode", "Postcode", "For example, SW1A 1AA", v->postcode,
               "govuk-input--width-10", "off");
}

/* ------------------------------------------------------------------ */
/* Words                                                              */
/* ------------------------------------------------------------------ */

const char *page_gender_text(enum lrs_gender g)
{
    switch (g) {
    case LRS_GENDER_MALE:
        return "Male";
    case LRS_GENDER_FEMALE:
        return "Female";
    case LRS_GENDER_NOT_SPECIFIED:
        return "Not specified";
    case LRS_GENDER_NOT_KNOWN:
        break;
    }
    return "Not known";
}

/* "27 March 2007". */
void page_date_text(struct lrs_date d, char out[32])
{
    static const char *const months[] = {
        "January", "February", "March",     "April",   "May",      "June",
        "July",    "August",   "September", "October", "November", "December",
    };

    if (d.year == 0 || d.month < 1 || d.month > 12) {
        snprintf(out, 32, "Not given");
        return;
    }
    snprintf(out, 32, "%u %s %d", (unsigned)d.day, months[d.month - 1],
             (int)d.year);
}

static void ms_text(int64_t ms, char out[32])
{
    const time_t t = (time_t)(ms / 1000);
    struct tm tm;

    if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%d %b %Y %H:%M", &tm))
        snprintf(out, 32, "-");
}

/* How a field compares, in words (docs/matching.md, the levels). */
const char *page_level_text(enum lrs_match_field f, unsigned level)
{
    static const char *const name[] = {
        "the same",
        "part of the name is the same (double-barrelled or extra names)",
        "the same as a former family name",
        "a known short form or variant of the name",
        "spelt very similarly",
        "spelt similarly",
        "one letter different",
        "sounds the same",
        "only the initial is the same",
        "different",
        "not given on one side",
        "neither has any",
        "one has some, the other none",
    };
    static const char *const dob[] = {"the same", "day and month swapped",
                                      "one of day, month or year is different",
                                      "different", "not given on one side"};
    static const char *const gender[] = {"the same", "different",
                                         "not known on one side"};
    static const char *const postcode[] = {
        "the same",
        "same sector (the first part and the next digit)",
        "same district (the first part)",
        "same area (the first letters)",
        "different",
        "not known on one side (or a ZZ99 placeholder)",
    };

    switch (f) {
    case LRS_MATCH_GIVEN:
    case LRS_MATCH_MIDDLE:
    case LRS_MATCH_FAMILY:
        return level < LRSD_LEN(name) ? name[level] : "?";
    case LRS_MATCH_DOB:
        return level < LRSD_LEN(dob) ? dob[level] : "?";
    case LRS_MATCH_GENDER:
        return level < LRSD_LEN(gender) ? gender[level] : "?";
    case LRS_MATCH_POSTCODE:
        return level < LRSD_LEN(postcode) ? postcode[level] : "?";
    case LRS_MATCH_FIELD__COUNT:
        break;
    }
    return "?";
}

static const char *const field_labels[LRS_MATCH_FIELD__COUNT] = {
    "Given name",    "Middle names", "Family name",
    "Date of birth", "Gender",       "Postcode",
};

/* The value of match field `f` of a learner, as shown. */
static const char *field_value(const struct lrs_learner *l,
                               enum lrs_match_field f, char buf[32])
{
    switch (f) {
    case LRS_MATCH_GIVEN:
        return l->given_name;
    case LRS_MATCH_MIDDLE:
        return l->middle_names;
    case LRS_MATCH_FAMILY:
        return l->family_name;
    case LRS_MATCH_DOB:
        page_date_text(l->date_of_birth, buf);
        return buf;
    case LRS_MATCH_GENDER:
        return page_gender_text(l->gender);
    case LRS_MATCH_POSTCODE:
        return l->postcode;
    case LRS_MATCH_FIELD__COUNT:
        break;
    }
    return "";
}

static const char *or_not_given(const char *s)
{
    return s[0] ? s : "Not given";
}

/* ------------------------------------------------------------------ */
/* Find                                                               */
/* ------------------------------------------------------------------ */

static void find_form(struct page *p, const char *uln,
                      const struct person_form *v, unsigned status)
{
    page_head(p, "Find a learner");
    page_error_summary(p);
    ph(p, "<h1 class=\"govuk-heading-l\">Find a learner</h1>"
          "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "one-half\"><h2 class=\"govuk-heading-m\">By ULN</h2>"
          "<form method=\"post\" action=\"/learners/find\" novalidate>");
    page_csrf_field(p);
    ph(p, "<input type=\"hidden\" name=\"by\" value=\"uln\">");
    page_input(p, "uln", "Unique Learner Number (ULN)",
               "10 digits, for example 1000000043", uln,
               "govuk-input--width-10", "off");
    ph(p, "<button type=\"submit\" class=\"govuk-button govuk-button--"
          "secondary\" data-module=\"govuk-button\" id=\"find-uln\">Find by "
          "ULN</button></form></div><div class=\"govuk-grid-column-one-"
          "half\"><h2 class=\"govuk-heading-m\">By personal details</h2>"
          "<p class=\"govuk-body\">All five are needed.</p>"
          "<form method=\"post\" action=\"/learners/find\" novalidate>");
    page_csrf_field(p);
    ph(p, "<input type=\"hidden\" name=\"by\" value=\"details\">");
    person_fields(p, v, false);
    ph(p, "<button type=\"submit\" class=\"govuk-button\" data-module="
          "\"govuk-button\" id=\"find-details\">Search</button></form>"
          "</div></div>");
    page_send(p, status);
}

void lrsd_p_find(struct lrsd_req *r)
{
    const struct person_form empty = {"", "", "", "", "", "", "", ""};
    struct page p;

    if (page_begin_auth(&p, r, FIND_ROLES, 0, NULL))
        find_form(&p, "", &empty, 200);
    page_release(&p);
}

/*
 * A candidate's explanation: one row a field, what was searched for, what
 * the record holds and how they compare, in words; then the verdict.
 */
static void explain(struct page *p, const struct lrs_learner *asked,
                    const struct lrs_learner *l,
                    const struct lrs_match_candidate *c,
                    const struct lrs_match_result *res)
{
    ph(p, "<table class=\"govuk-table\"><caption class=\"govuk-table__"
          "caption govuk-table__caption--s\">Why this learner was found"
          "</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-"
          "table__row\"><th scope=\"col\" class=\"govuk-table__header\">"
          "Detail</th><th scope=\"col\" class=\"govuk-table__header\">You "
          "searched for</th><th scope=\"col\" class=\"govuk-table__header\">"
          "This record</th><th scope=\"col\" class=\"govuk-table__header\">"
          "How they compare</th></tr></thead><tbody class=\"govuk-table__"
          "body\">");
    for (unsigned f = 0; f < LRS_MATCH_FIELD__COUNT; f++) {
        char a[32], b[32];
        const enum lrs_match_field mf = (enum lrs_match_field)f;

        ph(p,
           "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-"
           "table__header\">%s</th><td class=\"govuk-table__cell\">%s</td>"
           "<td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__"
           "cell\">%s</td></tr>",
           field_labels[f], or_not_given(field_value(asked, mf, a)),
           or_not_given(field_value(l, mf, b)),
           page_level_text(mf, c->level[f]));
    }
    ph(p, "</tbody></table><p class=\"govuk-body\">");
    if (c->score >= lrs_match_exact_threshold(res, c) &&
        res->code != LRS_MATCH_EXACT && res->code != LRS_MATCH_LINKED)
        ph(p, "The details agree strongly, but another learner is as close: "
              "a person must decide which of them, if either, it is.");
    else if (c->score >= lrs_match_exact_threshold(res, c))
        ph(p, "The details give strong evidence that this is the learner.");
    else if (c->score >= res->low)
        ph(p, "The details give some evidence that this may be the "
              "learner, not enough to be sure.");
    else
        ph(p, "The details give little evidence that this is the "
              "learner.");
    if (c->flags & LRS_MATCH_CAND_SWAPPED)
        ph(p, " The given and family names match the other way round.");
    if (c->flags & LRS_MATCH_CAND_PREFERRED)
        ph(p, " The given name matches the learner's preferred name.");
    if (c->flags & LRS_MATCH_CAND_VETO)
        ph(p, " It cannot count as an exact match: the given names or the "
              "dates of birth do not agree closely enough, and twins or "
              "siblings must never be taken for one another.");
    if (c->flags & LRS_MATCH_CAND_MERGED)
        ph(p, " The record found was merged into this one.");
    ph(p, "</p>");
}

/* Read candidate `uln` (audited); false (after a failure page) if not. */
static bool read_candidate(struct page *p, struct lrs_store *s, uint64_t uln,
                           struct lrs_learner *out)
{
    const struct lrs_actor actor = lrsd_actor(p->r);
    struct lrs_diag d = LRS_DIAG_INIT;
    char text[24];

    snprintf(text, sizeof text, "%010llu", (unsigned long long)uln);
    if (lrs_service_learner_get(s, &actor, lrs_str_c(text), out, NULL, &d) ==
        LRS_OK)
        return true;
    page_fail(p, 503, "Sorry, there is a problem with the service",
              "A learner found could not be read. Try again later.");
    return false;
}

static void learner_summary(struct page *p, const struct lrs_learner *l)
{
    char dob[32];

    page_date_text(l->date_of_birth, dob);
    ph(p, "<dl class=\"govuk-summary-list\">");
    page_summary_row(p, "ULN", l->uln);
    page_summary_row(p, "Given name", l->given_name);
    page_summary_row(p, "Middle names", l->middle_names);
    page_summary_row(p, "Family name", l->family_name);
    page_summary_row(p, "Previous family name", l->previous_family_name);
    page_summary_row(p, "Date of birth", dob);
    page_summary_row(p, "Gender", page_gender_text(l->gender));
    page_summary_row(p, "Postcode", l->postcode);
    ph(p, "</dl>");
}

/* The results of a demographic search. */
static void find_results(struct page *p, struct lrs_store *s,
                         const struct lrs_learner *asked,
                         const struct lrs_match_result *res)
{
    const bool operator= p->who.roles & PAGE_OPERATOR;
    const bool exact =
        res->code == LRS_MATCH_EXACT || res->code == LRS_MATCH_LINKED;
    struct lrs_learner l;

    page_head(p, "Search results");
    ph(p, "<span class=\"govuk-caption-l\">Find a learner</span>");
    switch (res->code) {
    case LRS_MATCH_EXACT:
    case LRS_MATCH_LINKED:
        ph(p, "<h1 class=\"govuk-heading-l\" id=\"result\">We found the "
              "learner</h1>");
        break;
    case LRS_MATCH_POSSIBLE:
        ph(p,
           "<h1 class=\"govuk-heading-l\" id=\"result\">%zu possible "
           "matches</h1><p class=\"govuk-body\">No learner matches well "
           "enough to be sure.%H</p>",
           res->candidate_count,
           operator? " Compare each one with the learner's documents."
                   : " Check the details with the learner, or ask the LRS "
                     "to look at them.");
        break;
    case LRS_MATCH_TOO_MANY:
        ph(p, "<h1 class=\"govuk-heading-l\" id=\"result\">Too many learners "
              "could match</h1><p class=\"govuk-body\">Check the details "
              "and search again.</p>");
        break;
    case LRS_MATCH_NONE:
        ph(p, "<h1 class=\"govuk-heading-l\" id=\"result\">No learner "
              "matches these details</h1><p class=\"govuk-body\">Check the "
              "spelling and the date of birth. If the learner has never had "
              "a ULN, <a class=\"govuk-link\" href=\"/learners/register\">"
              "register them</a>.</p>");
        break;
    }
    ph(p, "<p class=\"govuk-body-s\">Code %s.</p>",
       lrs_match_code_name(res->code));
    for (size_t i = 0; i < res->candidate_count; i++) {
        const struct lrs_match_candidate *c = &res->candidates[i];

        if (!exact && !operator)
            break;
        if (!read_candidate(p, s, c->uln, &l))
            return;
        ph(p, "<h2 class=\"govuk-heading-m\">%s %s</h2>", l.given_name,
           l.family_name);
        if (res->code == LRS_MATCH_LINKED && i == 0)
            page_banner(p, false, "This learner's record was merged",
                        "The details you searched for were on a record "
                        "that has been merged into this one. Use this "
                        "ULN from now on.");
        learner_summary(p, &l);
        explain(p, asked, &l, c, res);
        if (operator)
            ph(p,
               "<p class=\"govuk-body\"><a class=\"govuk-link\" "
               "href=\"/learners/%s\">View %s %s's record</a></p>",
               l.uln, l.given_name, l.family_name);
    }
    ph(p, "<p class=\"govuk-body\"><a class=\"govuk-link\" "
          "href=\"/learners/find\">Search again</a></p>");
    page_send(p, 200);
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The match query of a checked learner. */
static bool to_query(const struct lrs_learner *l, struct lrs_match_query *q)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    memset(q, 0, sizeof *q);
    q->given = lrs_str_c(l->given_name);
    q->middle = lrs_str_c(l->middle_names);
    q->family = lrs_str_c(l->family_name);
    q->dob = l->date_of_birth;
    q->gender = l->gender;
    return !l->postcode[0] || lrs_postcode_parse(lrs_str_c(l->postcode),
                                                 &q->postcode, &d) == LRS_OK;
}

/* Search for `l` (rate limited); false after answering an error page. */
static bool search(struct page *p, struct lrs_store *s,
                   const struct lrs_learner *l, struct lrs_match_result *res)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_match_query q;
    int64_t retry_ms = 0;

    if (lrs_ratelimit_take(lrsd_app.search_limit, (uint64_t)p->who.user_id,
                           now_ms(), &retry_ms) != LRS_OK) {
        page_fail(p, 429, "You have searched too often",
                  "Wait a minute, then search again.");
        return false;
    }
    if (!to_query(l, &q) || page_index_find(s, &q, res, &d) != LRS_OK) {
        page_fail(p, 503, "Sorry, there is a problem with the service",
                  "The search could not be run. Try again later.");
        return false;
    }
    return true;
}

void lrsd_p_find_post(struct lrsd_req *r)
{
    const struct person_form empty = {"", "", "", "", "", "", "", ""};
    struct lrs_match_result res;
    struct person_form v;
    struct page_form f;
    struct lrs_learner l;
    struct lrs_store *s;
    struct page p;
    bool ok = page_form_parse(r, &f);

    lrs_match_result_init(&res);
    if (!ok) {
        page_redirect(r, "/learners/find");
        return;
    }
    if (!page_begin_auth(&p, r, FIND_ROLES, 0, &f))
        goto out;
    if (strcmp(page_form_get(&f, "by"), "uln") == 0) {
        struct lrs_diag d = LRS_DIAG_INIT;
        const char *uln = page_form_get(&f, "uln");
        char loc[40];

        if (!uln[0])
            page_error(&p, "uln", "Enter the learner's ULN");
        else if (lrs_uln_check(lrs_str_c(uln), &d) != LRS_OK)
            page_error(&p, "uln", "Enter a real ULN: %s", d.msg);
        else if (!(p.who.roles & PAGE_OPERATOR))
            /* NEEDSWORK: schools verify a ULN with the learner's names
             * (learnerByULN); the page for that is still to come. */
            page_error(&p, "uln",
                       "Search by personal details: only the "
                       "LRS can look a learner up by ULN alone");
        if (p.error_count) {
            find_form(&p, uln, &empty, 400);
            goto out;
        }
        snprintf(loc, sizeof loc, "/learners/%s", uln);
        page_redirect(r, loc);
        goto out;
    }
    person_read(&f, &v);
    v.middle = "";
    person_check(&p, &v, &l);
    if (p.error_count) {
        find_form(&p, "", &v, 400);
        goto out;
    }
    s = page_store(&p);
    if (!s || !search(&p, s, &l, &res))
        goto out;
    find_results(&p, s, &l, &res);
out:
    lrs_match_result_release(&res);
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* A learner's record                                                 */
/* ------------------------------------------------------------------ */

struct history {
    struct page *p;
    size_t count;
};

static enum lrs_err history_row(const struct lrs_name_change *c, void *ctx)
{
    struct history *h = ctx;
    char when[32];

    ms_text(c->changed_ms, when);
    if (h->count++ == 0)
        ph(h->p,
           "<table class=\"govuk-table\" id=\"name-history\"><caption "
           "class=\"govuk-table__caption govuk-table__caption--m\">Name "
           "history</caption><thead class=\"govuk-table__head\"><tr class="
           "\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__"
           "header\">Name before the change</th><th scope=\"col\" class="
           "\"govuk-table__header\">Changed on (UTC)</th><th scope=\"col\" "
           "class=\"govuk-table__header\">Reason</th></tr></thead><tbody "
           "class=\"govuk-table__body\">");
    ph(h->p,
       "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s%H"
       "%s %s</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-"
       "table__cell\">%s</td></tr>",
       c->given_name, c->middle_names[0] ? " " : "", c->middle_names,
       c->family_name, when, c->reason[0] ? c->reason : "Not given");
    return LRS_OK;
}

/* The ULN of the path, checked; NULL after a 404 page. */
static const char *path_uln(struct page *p)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const char *uln = lrsd_param(p->r, 0);

    if (!uln || lrs_uln_check(lrs_str_c(uln), &d) != LRS_OK) {
        page_fail(p, 404, "Page not found",
                  "There is no learner with that ULN.");
        return NULL;
    }
    return uln;
}

/* Read learner `uln`; false after an error page. */
static bool read_learner(struct page *p, struct lrs_store *s, const char *uln,
                         struct lrs_learner *l, bool *linked)
{
    const struct lrs_actor actor = lrsd_actor(p->r);
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_err err;

    err = lrs_service_learner_get(s, &actor, lrs_str_c(uln), l, linked, &d);
    if (err == LRS_ENOTFOUND) {
        page_fail(p, 404, "Page not found",
                  "There is no learner with that ULN.");
        return false;
    }
    if (err) {
        page_fail(p, 503, "Sorry, there is a problem with the service",
                  "The learner could not be read. Try again later.");
        return false;
    }
    return true;
}

void lrsd_p_learner(struct lrsd_req *r)
{
    struct history h;
    struct lrs_learner l;
    struct lrs_store *s;
    struct page p;
    const char *uln;
    bool linked = false;

    if (!page_begin_auth(&p, r, PAGE_OPERATOR, 0, NULL))
        goto out;
    uln = path_uln(&p);
    s = uln ? page_store(&p) : NULL;
    if (!s || !read_learner(&p, s, uln, &l, &linked))
        goto out;
    page_head(&p, "Learner details");
    if (page_query(r, "registered"))
        ph(&p,
           "<div class=\"govuk-panel govuk-panel--confirmation\" "
           "id=\"registered\"><h1 class=\"govuk-panel__title\">Learner "
           "registered</h1><div class=\"govuk-panel__body\">Their ULN "
           "is<br><strong>%s</strong></div></div>",
           l.uln);
    if (page_query(r, "merged"))
        page_banner(&p, true, "The records were merged",
                    "The duplicate now leads to this learner.");
    if (page_query(r, "amended"))
        page_banner(&p, true, "The learner's name was changed",
                    "The name before the change is kept in the name "
                    "history below.");
    if (linked)
        page_banner(&p, false, "This record was merged",
                    "The ULN you asked for was merged into this learner's "
                    "record. Use this ULN from now on.");
    /* The panel's title is the page's h1 when there is one. */
    ph(&p,
       "<span class=\"govuk-caption-l\">Learner details</span>"
       "<%H class=\"govuk-heading-l\">%s %s</%H>",
       page_query(r, "registered") ? "h2" : "h1", l.given_name, l.family_name,
       page_query(r, "registered") ? "h2" : "h1");
    learner_summary(&p, &l);
    ph(&p,
       "<p class=\"govuk-body\"><a class=\"govuk-button govuk-button--"
       "secondary\" data-module=\"govuk-button\" id=\"amend\" "
       "href=\"/learners/%s/amend\">Change name (deed poll)</a> "
       "<a class=\"govuk-link govuk-!-margin-left-3\" id=\"audit-trail\" "
       "href=\"/learners/%s/audit\">Audit trail</a> <a class=\"govuk-link "
       "govuk-!-margin-left-3\" id=\"merge-link\" href=\"/learners/%s/"
       "merge\">Merge a duplicate</a></p>",
       l.uln, l.uln, l.uln);
    h = (struct history){&p, 0};
    if (lrs_store_name_history_scan(s, l.uln, history_row, &h) != LRS_OK) {
        page_fail(&p, 503, "Sorry, there is a problem with the service",
                  "The name history could not be read.");
        goto out;
    }
    if (h.count)
        ph(&p, "</tbody></table>");
    else
        ph(&p, "<h2 class=\"govuk-heading-m\">Name history</h2>"
               "<p class=\"govuk-body\" id=\"name-history\">The name has "
               "never been changed.</p>");
    page_send(&p, 200);
out:
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* Amend: a change of name                                            */
/* ------------------------------------------------------------------ */

static void amend_form(struct page *p, const struct lrs_learner *l,
                       const char *given, const char *middle,
                       const char *family, const char *reason, int32_t version,
                       unsigned status)
{
    page_head(p, "Change a learner's name");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p,
       "<span class=\"govuk-caption-l\">ULN %s</span><h1 class=\"govuk-"
       "heading-l\">Change %s %s's name</h1><p class=\"govuk-body\">For a "
       "change of name by deed poll, marriage or civil partnership. The "
       "name as it is now is kept in the learner's name history.</p>"
       "<form method=\"post\" action=\"/learners/%s/amend\" novalidate>",
       l->uln, l->given_name, l->family_name, l->uln);
    page_csrf_field(p);
    ph(p, "<input type=\"hidden\" name=\"version\" value=\"%d\">",
       (int)version);
    page_input(p, "given_name", "Given name", NULL, given,
               "govuk-!-width-two-thirds", "off");
    page_input(p, "middle_names", "Middle names (optional)", NULL, middle,
               "govuk-!-width-two-thirds", "off");
    page_input(p, "family_name", "Family name", NULL, family,
               "govuk-!-width-two-thirds", "off");
    page_input(p, "reason", "Reason for the change",
               "For example, deed poll dated 1 May 2024", reason, NULL, "off");
    ph(p,
       "<div class=\"govuk-button-group\"><button type=\"submit\" "
       "class=\"govuk-button\" data-module=\"govuk-button\" "
       "id=\"save\">Save the new name</button><a class=\"govuk-link\" "
       "href=\"/learners/%s\">Cancel</a></div></form></div></div>",
       l->uln);
    page_send(p, status);
}

void lrsd_p_amend(struct lrsd_req *r)
{
    struct lrs_learner l;
    struct lrs_store *s;
    struct page p;
    const char *uln;

    if (!page_begin_auth(&p, r, CHANGE_ROLES, 0, NULL))
        goto out;
    uln = path_uln(&p);
    s = uln ? page_store(&p) : NULL;
    if (!s || !read_learner(&p, s, uln, &l, NULL))
        goto out;
    amend_form(&p, &l, l.given_name, l.middle_names, l.family_name, "",
               l.version, 200);
out:
    page_release(&p);
}

/* Apply the form's names to `l`; errors go to the page. */
static void amend_apply(struct page *p, struct lrs_learner *l,
                        const char *given, const char *middle,
                        const char *family, const char *reason)
{
    const struct lrs_learner before = *l;

    if (!given[0])
        page_error(p, "given_name", "Enter the learner's given name");
    else
        set_field(p, l, LRS_FIELD_GIVEN_NAME, "given_name", given,
                  "Given name");
    set_field(p, l, LRS_FIELD_MIDDLE_NAMES, "middle_names", middle,
              "Middle names");
    if (!family[0])
        page_error(p, "family_name", "Enter the learner's family name");
    else
        set_field(p, l, LRS_FIELD_FAMILY_NAME, "family_name", family,
                  "Family name");
    if (!reason[0])
        page_error(p, "reason", "Enter the reason for the change");
    else if (strlen(reason) > 255)
        page_error(p, "reason", "Reason must be 255 characters or fewer");
    if (p->error_count)
        return;
    if (strcmp(before.given_name, l->given_name) == 0 &&
        strcmp(before.middle_names, l->middle_names) == 0 &&
        strcmp(before.family_name, l->family_name) == 0) {
        page_error(p, "given_name", "Change at least one name, or cancel");
        return;
    }
    /* The LRS keeps the family name before a change as the learner's
     * previous family name, so that it still finds them. */
    if (strcmp(before.family_name, l->family_name) != 0)
        memcpy(l->previous_family_name, before.family_name,
               sizeof l->previous_family_name);
}

void lrsd_p_amend_post(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_learner l, current;
    const char *uln, *given, *middle, *family, *reason;
    struct lrs_actor actor;
    struct page_form f;
    struct lrs_store *s;
    struct page p;
    uint64_t version;
    enum lrs_err err;
    char loc[48];

    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/learners/find");
        return;
    }
    if (!page_begin_auth(&p, r, CHANGE_ROLES, 0, &f))
        goto out;
    uln = path_uln(&p);
    s = uln ? page_store(&p) : NULL;
    if (!s || !read_learner(&p, s, uln, &l, NULL))
        goto out;
    current = l;
    given = page_form_get(&f, "given_name");
    middle = page_form_get(&f, "middle_names");
    family = page_form_get(&f, "family_name");
    reason = page_form_get(&f, "reason");
    if (lrs_parse_u64(lrs_str_c(page_form_get(&f, "version")), 1, INT32_MAX,
                      &version) != LRS_OK) {
        page_fail(&p, 400, "Sorry, there is a problem with the form",
                  "Go back, reload the page and try again.");
        goto out;
    }
    amend_apply(&p, &l, given, middle, family, reason);
    if (p.error_count) {
        amend_form(&p, &current, given, middle, family, reason,
                   (int32_t)version, 400);
        goto out;
    }
    actor = lrsd_actor(r);
    err =
        lrs_service_learner_update(s, &actor, &l, (int32_t)version, reason, &d);
    if (err == LRS_ECONFLICT) {
        page_error(&p, "given_name",
                   "Someone else changed this learner while you were "
                   "editing. Check the names and save again");
        amend_form(&p, &current, given, middle, family, reason, current.version,
                   409);
        goto out;
    }
    if (err == LRS_EINVAL) {
        page_error(
            &p,
            d.field && strcmp(d.field, "middle_names") == 0  ? "middle_names"
            : d.field && strcmp(d.field, "family_name") == 0 ? "family_name"
                                                             : "given_name",
            "%s", d.msg);
        amend_form(&p, &current, given, middle, family, reason,
                   (int32_t)version, 400);
        goto out;
    }
    if (err) {
        page_fail(&p, 503, "Sorry, there is a problem with the service",
                  "The change was not saved. Try again later.");
        goto out;
    }
    page_index_put(&l, false);
    snprintf(loc, sizeof loc, "/learners/%s?amended=1", l.uln);
    page_redirect(r, loc);
out:
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* Register                                                           */
/* ------------------------------------------------------------------ */

static void register_form(struct page *p, const struct person_form *v,
                          unsigned status)
{
    page_head(p, "Register a learner");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p, "<h1 class=\"govuk-heading-l\">Register a learner</h1>"
          "<p class=\"govuk-body\">We search the register first. A learner "
          "who may already have a ULN cannot be registered again.</p>"
          "<form method=\"post\" action=\"/learners/register\" novalidate>");
    page_csrf_field(p);
    person_fields(p, v, true);
    ph(p, "<button type=\"submit\" class=\"govuk-button\" data-module="
          "\"govuk-button\" id=\"register\">Register</button></form>"
          "</div></div>");
    page_send(p, status);
}

void lrsd_p_register(struct lrsd_req *r)
{
    const struct person_form empty = {"", "", "", "", "", "", "", ""};
    struct page p;

    if (page_begin_auth(&p, r, CHANGE_ROLES, 0, NULL))
        register_form(&p, &empty, 200);
    page_release(&p);
}

/*
 * The refusal: the person entered and each candidate side by side, one
 * column each, a differing value marked in words as well as in bold.
 */
static void register_refused(struct page *p, struct lrs_store *s,
                             const struct lrs_learner *asked,
                             const struct lrs_match_result *res)
{
    struct lrs_learner cands[4];
    const size_t n = res->candidate_count < LRSD_LEN(cands)
                         ? res->candidate_count
                         : LRSD_LEN(cands);
    const bool operator= p->who.roles & PAGE_OPERATOR;

    for (size_t i = 0; operator&& i<n; i++)
        if (!read_candidate(p, s, res->candidates[i].uln, &cands[i]))
            return;
    page_head(p, "Learner not registered");
    ph(p,
       "<h1 class=\"govuk-heading-l\" id=\"refused\">This learner may "
       "already have a ULN</h1><p class=\"govuk-body\">We did not "
       "register them: the register holds %zu %H who could be the same "
       "person (%s).</p>",
       res->candidate_count, res->candidate_count == 1 ? "learner" : "learners",
       lrs_match_code_name(res->code));
    if (!operator) {
        ph(p, "<p class=\"govuk-body\">Search for the learner to find "
              "their ULN, or ask the LRS to check.</p>");
        page_send(p, 409);
        return;
    }
    ph(p, "<div class=\"lrs-scroll\"><table class=\"govuk-table\" "
          "id=\"candidates\"><caption class=\"govuk-table__caption govuk-"
          "table__caption--m\">The learner you entered and the learners "
          "found</caption><thead class=\"govuk-table__head\"><tr class="
          "\"govuk-table__row\"><td class=\"govuk-table__header\"></td>"
          "<th scope=\"col\" class=\"govuk-table__header\">You entered</th>");
    for (size_t i = 0; i < n; i++)
        ph(p, "<th scope=\"col\" class=\"govuk-table__header\">ULN %s</th>",
           cands[i].uln);
    ph(p, "</tr></thead><tbody class=\"govuk-table__body\">");
    for (unsigned f = 0; f < LRS_MATCH_FIELD__COUNT; f++) {
        const enum lrs_match_field mf = (enum lrs_match_field)f;
        char a[32], b[32];
        const char *mine = field_value(asked, mf, a);

        ph(p,
           "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-"
           "table__header\">%s</th><td class=\"govuk-table__cell\">%s</td>",
           field_labels[f], or_not_given(mine));
        for (size_t i = 0; i < n; i++) {
            const char *theirs = field_value(&cands[i], mf, b);
            const bool same =
                res->candidates[i].level[f] == 0 || strcmp(mine, theirs) == 0;

            ph(p, "<td class=\"govuk-table__cell%H\">%s%H</td>",
               same ? "" : " lrs-differs", or_not_given(theirs),
               same ? "" : " <span class=\"govuk-body-s\">(differs)</span>");
        }
        ph(p, "</tr>");
    }
    ph(p, "</tbody></table></div>");
    for (size_t i = 0; i < n; i++)
        ph(p,
           "<p class=\"govuk-body\"><a class=\"govuk-link\" "
           "href=\"/learners/%s\">View the learner with ULN %s</a></p>",
           cands[i].uln, cands[i].uln);
    page_send(p, 409);
}

void lrsd_p_register_post(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_match_result res;
    struct lrs_actor actor;
    struct person_form v;
    struct page_form f;
    struct lrs_learner l;
    struct lrs_store *s;
    struct page p;
    enum lrs_err err;
    char loc[48];

    lrs_match_result_init(&res);
    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/learners/register");
        return;
    }
    if (!page_begin_auth(&p, r, CHANGE_ROLES, 0, &f))
        goto out;
    person_read(&f, &v);
    person_check(&p, &v, &l);
    if (!p.error_count && lrs_service_learner_check(&l, &d) != LRS_OK)
        page_error(&p, d.field ? d.field : "given_name", "%s", d.msg);
    if (p.error_count) {
        register_form(&p, &v, 400);
        goto out;
    }
    s = page_store(&p);
    if (!s || !search(&p, s, &l, &res))
        goto out;
    if (res.code != LRS_MATCH_NONE) {
        register_refused(&p, s, &l, &res);
        goto out;
    }
    actor = lrsd_actor(r);
    err = lrs_service_learner_register(s, &actor, &l, &d);
    if (err) {
        page_fail(&p, 503, "Sorry, there is a problem with the service",
                  "The learner was not registered. Try again later.");
        goto out;
    }
    page_index_put(&l, true);
    snprintf(loc, sizeof loc, "/learners/%s?registered=1", l.uln);
    page_redirect(r, loc);
out:
    lrs_match_result_release(&res);
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* A learner's audit trail (operators)                                */
/* ------------------------------------------------------------------ */

struct trail {
    struct page *p;
    struct lrs_store *s;
    size_t count;
};

static enum lrs_err trail_row(const struct lrs_audit *a, void *ctx)
{
    struct trail *t = ctx;
    struct page *p = t->p;
    struct lrs_user u;
    char when[32], who[LRS_LOGIN_MAX + 32];

    if (t->count++ == 0)
        ph(p, "<div class=\"lrs-scroll\"><table class=\"govuk-table\" "
              "id=\"audit\"><caption class="
              "\"govuk-table__caption govuk-table__caption--m\">Every read "
              "and change of this learner</caption><thead class=\"govuk-"
              "table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\""
              " class=\"govuk-table__header\">When (UTC)</th><th scope="
              "\"col\" class=\"govuk-table__header\">What</th><th scope="
              "\"col\" class=\"govuk-table__header\">Who</th><th scope="
              "\"col\" class=\"govuk-table__header\">Through</th><th scope="
              "\"col\" class=\"govuk-table__header\">From</th></tr>"
              "</thead><tbody class=\"govuk-table__body\">");
    ms_text(a->at_ms, when);
    if (a->actor.user_id == 0)
        snprintf(who, sizeof who, "the LRS system");
    else if (lrs_store_user_get(t->s, a->actor.user_id, &u) == LRS_OK)
        snprintf(who, sizeof who, "%s", u.login);
    else
        snprintf(who, sizeof who, "user %lld", (long long)a->actor.user_id);
    ph(p,
       "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s"
       "</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-"
       "table__cell\">%s (organisation %lld)</td><td class=\"govuk-table__"
       "cell\">%s</td><td class=\"govuk-table__cell\">%s</td></tr>",
       when, lrs_audit_action_name(a->action), who, (long long)a->actor.org_id,
       a->actor.source ? a->actor.source : "",
       a->actor.addr && a->actor.addr[0] ? a->actor.addr : "unknown");
    return LRS_OK;
}

/* GET /learners/{uln}/audit: who read or changed the learner, and when. */
void lrsd_p_audit(struct lrsd_req *r)
{
    struct lrs_learner l;
    struct lrs_store *s;
    struct trail t;
    struct page p;
    const char *uln;

    if (!page_begin_auth(&p, r, PAGE_OPERATOR, 0, NULL))
        goto out;
    uln = path_uln(&p);
    s = uln ? page_store(&p) : NULL;
    if (!s || !read_learner(&p, s, uln, &l, NULL))
        goto out;
    page_head(&p, "Audit trail");
    ph(&p,
       "<span class=\"govuk-caption-l\">ULN %s</span><h1 class=\"govuk-"
       "heading-l\">Audit trail of %s %s</h1>",
       l.uln, l.given_name, l.family_name);
    t = (struct trail){&p, s, 0};
    if (lrs_store_audit_scan(s, l.uln, trail_row, &t) != LRS_OK) {
        page_fail(&p, 503, "Sorry, the service is unavailable",
                  "The audit trail could not be read.");
        goto out;
    }
    ph(&p,
       "%H<p class=\"govuk-body\"><a class=\"govuk-link\" "
       "href=\"/learners/%s\">Back to the learner</a></p>",
       t.count ? "</tbody></table></div>" : "", l.uln);
    page_send(&p, 200);
out:
    page_release(&p);
}

/* ------------------------------------------------------------------ */
/* Merge (operators)                                                  */
/* ------------------------------------------------------------------ */

static void merge_form(struct page *p, const struct lrs_learner *l,
                       const char *master, const char *reason, unsigned status)
{
    page_head(p, "Merge a duplicate learner");
    ph(p, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-"
          "two-thirds\">");
    page_error_summary(p);
    ph(p,
       "<span class=\"govuk-caption-l\">ULN %s</span><h1 class=\"govuk-"
       "heading-l\">Merge %s %s into another record</h1><p class=\"govuk-"
       "body\">When one person has two ULNs, this record is linked to the "
       "one that stays (the master). Searches then answer the master, and "
       "this ULN leads to it.</p><form method=\"post\" "
       "action=\"/learners/%s/merge\" novalidate>",
       l->uln, l->given_name, l->family_name, l->uln);
    page_csrf_field(p);
    page_input(p, "master_uln", "ULN of the record that stays", NULL, master,
               "govuk-input--width-10", "off");
    page_input(p, "reason", "Why",
               "For example, the same person "
               "registered twice by two schools",
               reason, NULL, "off");
    ph(p, "<button type=\"submit\" class=\"govuk-button\" data-module="
          "\"govuk-button\" id=\"check-merge\">Continue</button></form>"
          "</div></div>");
    page_send(p, status);
}

void lrsd_p_merge(struct lrsd_req *r)
{
    struct lrs_learner l;
    struct lrs_store *s;
    struct page p;
    const char *uln;

    if (!page_begin_auth(&p, r, PAGE_OPERATOR, 0, NULL))
        goto out;
    uln = path_uln(&p);
    s = uln ? page_store(&p) : NULL;
    if (!s || !read_learner(&p, s, uln, &l, NULL))
        goto out;
    merge_form(&p, &l, "", "", 200);
out:
    page_release(&p);
}

/* Both records side by side, and the button that merges. */
static void merge_confirm(struct page *p, const struct lrs_learner *dup,
                          const struct lrs_learner *master, const char *reason)
{
    page_head(p, "Check the merge");
    ph(p,
       "<h1 class=\"govuk-heading-l\">Check the two records</h1>"
       "<div class=\"lrs-scroll\"><table class=\"govuk-table\" "
       "id=\"merge-compare\"><thead class=\"govuk-table__head\"><tr "
       "class=\"govuk-table__row\"><td class=\"govuk-table__header\"></td>"
       "<th scope=\"col\" class=\"govuk-table__header\">Merged: ULN %s"
       "</th><th scope=\"col\" class=\"govuk-table__header\">Stays: ULN "
       "%s</th></tr></thead><tbody class=\"govuk-table__body\">",
       dup->uln, master->uln);
    for (unsigned f = 0; f < LRS_MATCH_FIELD__COUNT; f++) {
        char a[32], b[32];
        const enum lrs_match_field mf = (enum lrs_match_field)f;
        const char *x = field_value(dup, mf, a),
                   *y = field_value(master, mf, b);
        const bool same = strcmp(x, y) == 0;

        ph(p,
           "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-"
           "table__header\">%s</th><td class=\"govuk-table__cell\">%s</td>"
           "<td class=\"govuk-table__cell%H\">%s%H</td></tr>",
           field_labels[f], or_not_given(x), same ? "" : " lrs-differs",
           or_not_given(y),
           same ? "" : " <span class=\"govuk-body-s\">(differs)</span>");
    }
    ph(p,
       "</tbody></table></div><div class=\"govuk-warning-text\"><span "
       "class=\"govuk-warning-text__icon\" aria-hidden=\"true\">!</span>"
       "<strong class=\"govuk-warning-text__text\"><span class=\"govuk-"
       "visually-hidden\">Warning</span>Only merge records of the same "
       "person. Twins and siblings often share a family name, date of "
       "birth and address.</strong></div><form method=\"post\" "
       "action=\"/learners/%s/merge\" novalidate>",
       dup->uln);
    page_csrf_field(p);
    ph(p,
       "<input type=\"hidden\" name=\"master_uln\" value=\"%s\"><input "
       "type=\"hidden\" name=\"reason\" value=\"%s\"><input type=\"hidden\" "
       "name=\"confirm\" value=\"yes\"><div class=\"govuk-button-group\">"
       "<button type=\"submit\" class=\"govuk-button govuk-button--warning\" "
       "data-module=\"govuk-button\" id=\"merge\">Merge the records</button>"
       "<a class=\"govuk-link\" href=\"/learners/%s\">Cancel</a></div>"
       "</form>",
       master->uln, reason, dup->uln);
    page_send(p, 200);
}

void lrsd_p_merge_post(struct lrsd_req *r)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_learner dup, master;
    struct lrs_actor actor;
    struct page_form f;
    struct lrs_store *s;
    struct page p;
    const char *uln, *mu, *reason;
    enum lrs_err err;
    char loc[48];

    if (!page_form_parse(r, &f)) {
        page_redirect(r, "/learners/find");
        return;
    }
    if (!page_begin_auth(&p, r, PAGE_OPERATOR, 0, &f))
        goto out;
    uln = path_uln(&p);
    s = uln ? page_store(&p) : NULL;
    if (!s || !read_learner(&p, s, uln, &dup, NULL))
        goto out;
    mu = page_form_get(&f, "master_uln");
    reason = page_form_get(&f, "reason");
    if (!mu[0])
        page_error(&p, "master_uln",
                   "Enter the ULN of the record that "
                   "stays");
    else if (lrs_uln_check(lrs_str_c(mu), &d) != LRS_OK)
        page_error(&p, "master_uln", "Enter a real ULN: %s", d.msg);
    else if (strcmp(mu, dup.uln) == 0)
        page_error(&p, "master_uln", "Enter another learner's ULN");
    else if (lrs_store_learner_get(s, mu, 0, &master) != LRS_OK)
        page_error(&p, "master_uln", "There is no learner with that ULN");
    else if (master.status != LRS_LEARNER_ACTIVE)
        page_error(&p, "master_uln",
                   "That record was itself merged into "
                   "ULN %s: use that one",
                   master.master_uln);
    if (!reason[0])
        page_error(&p, "reason", "Enter why");
    if (p.error_count) {
        merge_form(&p, &dup, mu, reason, 400);
        goto out;
    }
    if (strcmp(page_form_get(&f, "confirm"), "yes") != 0) {
        merge_confirm(&p, &dup, &master, reason);
        goto out;
    }
    actor = lrsd_actor(r);
    err = page_index_merge(s, &actor, dup.uln, master.uln, reason, &d);
    if (err == LRS_EINVAL || err == LRS_ECONFLICT || err == LRS_ENOTFOUND) {
        page_error(&p, "master_uln", "These records cannot be merged: %s",
                   d.msg[0] ? d.msg : lrs_strerror(err));
        merge_form(&p, &dup, mu, reason, 409);
        goto out;
    }
    if (err) {
        page_fail(&p, 503, "Sorry, the service is unavailable",
                  "The records were not merged. Try again later.");
        goto out;
    }
    snprintf(loc, sizeof loc, "/learners/%s?merged=1", master.uln);
    page_redirect(r, loc);
out:
    page_release(&p);
}
