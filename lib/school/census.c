/*
 * census.c - are the pupils ready for the January census?
 *
 * ULNs are mandatory in the January school census for pupils aged 14 and
 * over on census day (DOMAIN.md, "The school side"). The check looks at
 * pupils on roll (status current: pre-admissions, guests and leavers are
 * not in this school's census) and lists each one aged 14 or over without
 * a ULN, and each one of any age whose ULN fails its check (a mistyped
 * ULN is wrong whatever the age). A pupil without a date of birth and
 * without a ULN is listed too, since their age cannot be known. Counts by
 * year group cover the pupils aged 14 and over.
 */
#include "base/base.h"

#include "school/school_int.h"

#include <lrs/csv.h>

/* NC years in school order: N1, N2, R, 1-14, X, none. */
#define YEAR_SLOTS 19

static size_t year_slot(const struct lrs_school_pupil *p)
{
    const char *v = p->field[LRS_SCHOOL_NC_YEAR];

    if (p->nc_year)
        return 2 + (size_t)p->nc_year;
    if (lrs__school_same(v, "N1"))
        return 0;
    if (lrs__school_same(v, "N2"))
        return 1;
    if (lrs__school_same(v, "R"))
        return 2;
    if (lrs__school_same(v, "X"))
        return 17;
    return 18;
}

static void slot_name(size_t slot, char out[4])
{
    static const char *const words[] = {"N1", "N2", "R"};

    if (slot < 3)
        snprintf(out, 4, "%s", words[slot]);
    else if (slot < 17)
        snprintf(out, 4, "%zu", slot - 2);
    else
        snprintf(out, 4, "%s", slot == 17 ? "X" : "");
}

void lrs_school_census_release(struct lrs_school_census *c)
{
    lrs_free(c->items);
    lrs_free(c->years);
    memset(c, 0, sizeof *c);
}

static enum lrs_err add_item(struct lrs_school_census *c, size_t *cap,
                             const struct lrs_school_census_item *it)
{
    if (c->item_count == *cap) {
        const size_t n = *cap ? *cap * 2 : 16;
        struct lrs_school_census_item *p;
        size_t bytes;

        if (lrs_mul_size(n, sizeof *p, &bytes))
            return LRS_ERR(LRS_ELIMIT);
        p = lrs_realloc(c->items, bytes);
        if (!p)
            return LRS_ERR(LRS_ENOMEM);
        c->items = p;
        *cap = n;
    }
    c->items[c->item_count++] = *it;
    return LRS_OK;
}

static void count(struct lrs_school_census_year *y, bool missing, bool invalid)
{
    y->pupils++;
    y->missing += missing;
    y->invalid += invalid;
    y->with_uln += !missing && !invalid;
}

static enum lrs_err check_pupil(struct lrs_school_census *c, size_t *cap,
                                struct lrs_school_census_year *slots,
                                const struct lrs_school_pupil *p, size_t row)
{
    const char *uln = p->field[LRS_SCHOOL_ULN];
    struct lrs_school_census_item it = {row, -1, LRS_SCHOOL_NO_ULN, ""};
    struct lrs_diag d = LRS_DIAG_INIT;
    const bool missing = !*uln;
    const bool invalid =
        !missing && lrs_uln_check(lrs_str_c(uln), &d) != LRS_OK;

    if (p->has_dob)
        it.age = lrs_date_age_on(p->dob, c->census_date);
    if (it.age >= 14) {
        count(&slots[year_slot(p)], missing, invalid);
        count(&c->total, missing, invalid);
    }
    if (invalid) {
        it.problem = LRS_SCHOOL_BAD_ULN;
        snprintf(it.reason, sizeof it.reason, "ULN '%.12s' %.120s", uln, d.msg);
        return add_item(c, cap, &it);
    }
    if (!missing || (p->has_dob && it.age < 14))
        return LRS_OK;
    snprintf(it.reason, sizeof it.reason, "%s",
             p->has_dob ? "no ULN"
                        : "no ULN, and no date of birth to tell the age");
    return add_item(c, cap, &it);
}

enum lrs_err lrs_school_census_run(const struct lrs_school_roster *r,
                                   struct lrs_date day,
                                   struct lrs_school_census *c)
{
    struct lrs_school_census_year slots[YEAR_SLOTS];
    size_t cap = 0, used = 0;
    enum lrs_err err = LRS_OK;

    LRS_ASSERT(r && r->magic == LRS__SCHOOL_ROSTER_MAGIC);
    LRS_ASSERT(!c->items && !c->years);
    memset(c, 0, sizeof *c);
    memset(slots, 0, sizeof slots);
    c->census_date = day;
    snprintf(c->total.nc_year, sizeof c->total.nc_year, "all");
    for (size_t i = 0; !err && i < r->count; i++) {
        if (r->pupils[i].status != LRS_SCHOOL_CURRENT)
            continue;
        c->on_roll++;
        err = check_pupil(c, &cap, slots, &r->pupils[i], i);
    }
    for (size_t s = 0; s < YEAR_SLOTS; s++)
        used += slots[s].pupils > 0;
    if (!err && used) {
        c->years = lrs_calloc(used, sizeof *c->years);
        if (!c->years)
            err = LRS_ERR(LRS_ENOMEM);
    }
    for (size_t s = 0; !err && s < YEAR_SLOTS; s++) {
        if (!slots[s].pupils)
            continue;
        c->years[c->year_count] = slots[s];
        slot_name(s, c->years[c->year_count++].nc_year);
    }
    if (err)
        lrs_school_census_release(c);
    return err;
}

/* ------------------------------------------------------------------ */
/* CSV                                                                */
/* ------------------------------------------------------------------ */

static double percent(const struct lrs_school_census_year *y)
{
    return y->pupils ? 100.0 * (double)y->with_uln / (double)y->pupils : 100.0;
}

enum lrs_err lrs_school_census_csv(const struct lrs_school_census *c,
                                   const struct lrs_school_roster *r,
                                   struct lrs_buf *out)
{
    enum lrs_err err;

    err = lrs_buf_adds(out, "roster_line,upn,surname,forename,nc_year,age,"
                            "uln,problem,reason\n");
    for (size_t i = 0; !err && i < c->item_count; i++) {
        const struct lrs_school_census_item *it = &c->items[i];
        const struct lrs_school_pupil *p = &r->pupils[it->row];
        char age[16] = "";

        if (it->age >= 0)
            snprintf(age, sizeof age, "%d", it->age);
        err = lrs_buf_addf(out, "%llu", (unsigned long long)p->line);
        if (!err)
            err = lrs_csv_put(out, lrs_str_c(p->field[LRS_SCHOOL_UPN]), 0);
        if (!err)
            err = lrs_csv_put(out, lrs_str_c(p->field[LRS_SCHOOL_SURNAME]),
                              false);
        if (!err)
            err = lrs_csv_put(out, lrs_str_c(p->field[LRS_SCHOOL_FORENAME]),
                              false);
        if (!err)
            err = lrs_csv_put(out, lrs_str_c(p->field[LRS_SCHOOL_NC_YEAR]),
                              false);
        if (!err)
            err = lrs_csv_put(out, lrs_str_c(age), false);
        if (!err)
            err = lrs_csv_put(out, lrs_str_c(p->field[LRS_SCHOOL_ULN]), false);
        if (!err)
            err = lrs_csv_put(out,
                              it->problem == LRS_SCHOOL_BAD_ULN
                                  ? LRS_STR("invalid_uln")
                                  : LRS_STR("no_uln"),
                              false);
        if (!err)
            err = lrs_csv_put(out, lrs_str_c(it->reason), false);
        if (!err)
            err = lrs_buf_addch(out, '\n');
    }
    return err;
}

static enum lrs_err summary_row(struct lrs_buf *out,
                                const struct lrs_school_census_year *y)
{
    return lrs_buf_addf(out, "%s,%zu,%zu,%zu,%zu,%.1f\n", y->nc_year, y->pupils,
                        y->with_uln, y->missing, y->invalid, percent(y));
}

enum lrs_err lrs_school_census_summary_csv(const struct lrs_school_census *c,
                                           struct lrs_buf *out)
{
    enum lrs_err err;

    err = lrs_buf_adds(out, "nc_year,pupils_14_plus,with_uln,missing_uln,"
                            "invalid_uln,percent_with_uln\n");
    for (size_t i = 0; !err && i < c->year_count; i++)
        err = summary_row(out, &c->years[i]);
    if (!err)
        err = summary_row(out, &c->total);
    return err;
}

/* ------------------------------------------------------------------ */
/* HTML                                                               */
/* ------------------------------------------------------------------ */

#define BAR_X 110
#define BAR_W 400
#define ROW_H 26

static const char *year_label(const struct lrs_school_census_year *y)
{
    return *y->nc_year ? y->nc_year : "none";
}

/* A horizontal bar per year group: the share holding a valid ULN. */
static enum lrs_err chart(struct lrs_buf *out,
                          const struct lrs_school_census *c)
{
    const size_t h = (c->year_count + 1) * ROW_H + 10;
    enum lrs_err err;

    err = lrs_buf_addf(out,
                       "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                       "width=\"%d\" height=\"%zu\" role=\"img\" "
                       "aria-label=\"Pupils aged 14 and over holding a "
                       "valid ULN, by year group\">\n",
                       BAR_X + BAR_W + 70, h);
    for (size_t i = 0; !err && i <= c->year_count; i++) {
        const struct lrs_school_census_year *y =
            i < c->year_count ? &c->years[i] : &c->total;
        const double pct = percent(y);
        const size_t top = i * ROW_H + 5;

        err = lrs_buf_addf(
            out,
            "<text x=\"0\" y=\"%zu\" font-size=\"12\">Year %s (%zu)</text>\n"
            "<rect x=\"%d\" y=\"%zu\" width=\"%d\" height=\"18\" "
            "fill=\"#f3f2f1\" stroke=\"#b1b4b6\"/>\n"
            "<rect x=\"%d\" y=\"%zu\" width=\"%.1f\" height=\"18\" "
            "fill=\"%s\"/>\n"
            "<text x=\"%d\" y=\"%zu\" font-size=\"12\">%.1f%%</text>\n",
            top + 14, i < c->year_count ? year_label(y) : "all", y->pupils,
            BAR_X, top, BAR_W, BAR_X, top, pct * BAR_W / 100.0,
            pct >= 100.0 ? "#00703c" : "#1d70b8", BAR_X + BAR_W + 6, top + 14,
            pct);
    }
    if (!err)
        err = lrs_buf_adds(out, "</svg>\n");
    return err;
}

static enum lrs_err summary_table(struct lrs_buf *out,
                                  const struct lrs_school_census *c)
{
    enum lrs_err err;

    err = lrs_buf_adds(out, "<h2>Pupils aged 14 and over, by year group"
                            "</h2>\n<table>\n<tr><th>Year</th><th>Pupils"
                            "</th><th>With ULN</th><th>No ULN</th>"
                            "<th>Invalid ULN</th><th>% with ULN</th>"
                            "</tr>\n");
    for (size_t i = 0; !err && i <= c->year_count; i++) {
        const struct lrs_school_census_year *y =
            i < c->year_count ? &c->years[i] : &c->total;

        err = lrs_buf_addf(out,
                           "<tr><td>%s</td><td class=\"num\">%zu</td>"
                           "<td class=\"num\">%zu</td><td class=\"num\">%zu"
                           "</td><td class=\"num\">%zu</td>"
                           "<td class=\"num\">%.1f</td></tr>\n",
                           i < c->year_count ? year_label(y) : "all", y->pupils,
                           y->with_uln, y->missing, y->invalid, percent(y));
    }
    if (!err)
        err = lrs_buf_adds(out, "</table>\n");
    return err;
}

static enum lrs_err pupil_table(struct lrs_buf *out,
                                const struct lrs_school_census *c,
                                const struct lrs_school_roster *r)
{
    enum lrs_err err;

    if (c->item_count == 0)
        return lrs_buf_adds(out, "<p>Every pupil aged 14 and over holds a "
                                 "valid ULN.</p>\n");
    err = lrs_buf_addf(out,
                       "<h2>Pupils needing attention (%zu)</h2>\n"
                       "<table>\n<tr><th>Roster line</th><th>UPN</th>"
                       "<th>Surname</th><th>Forename</th><th>Year</th>"
                       "<th>Age</th><th>Problem</th></tr>\n",
                       c->item_count);
    for (size_t i = 0; !err && i < c->item_count; i++) {
        const struct lrs_school_census_item *it = &c->items[i];
        const struct lrs_school_pupil *p = &r->pupils[it->row];
        const char *cells[] = {
            p->field[LRS_SCHOOL_UPN],
            p->field[LRS_SCHOOL_SURNAME],
            p->field[LRS_SCHOOL_FORENAME],
            p->field[LRS_SCHOOL_NC_YEAR],
        };

        err = lrs_buf_addf(out, "<tr><td class=\"num\">%llu</td>",
                           (unsigned long long)p->line);
        for (size_t k = 0; !err && k < LRS_ARRAY_LEN(cells); k++) {
            err = lrs_buf_adds(out, "<td>");
            if (!err)
                err = lrs__school_html_escape(out, cells[k]);
            if (!err)
                err = lrs_buf_adds(out, "</td>");
        }
        if (!err && it->age >= 0)
            err = lrs_buf_addf(out, "<td class=\"num\">%d</td>", it->age);
        else if (!err)
            err = lrs_buf_adds(out, "<td></td>");
        if (!err)
            err = lrs_buf_adds(out, "<td class=\"blocking\">");
        if (!err)
            err = lrs__school_html_escape(out, it->reason);
        if (!err)
            err = lrs_buf_adds(out, "</td></tr>\n");
    }
    if (!err)
        err = lrs_buf_adds(out, "</table>\n");
    return err;
}

enum lrs_err lrs_school_census_html(const struct lrs_school_census *c,
                                    const struct lrs_school_roster *r,
                                    struct lrs_buf *out)
{
    char day[11], title[64];
    enum lrs_err err;

    lrs_date_format(c->census_date, day);
    snprintf(title, sizeof title, "Census readiness: ULNs on %s", day);
    err = lrs__school_html_open(out, title);
    if (!err)
        err = lrs_buf_addf(out,
                           "<p>%zu %s on roll; %zu aged 14 and over on "
                           "census day, of whom %zu %s a valid ULN "
                           "(%.1f%%). ULNs are mandatory in the January "
                           "census for pupils aged 14 and over.</p>\n",
                           c->on_roll, c->on_roll == 1 ? "pupil" : "pupils",
                           c->total.pupils, c->total.with_uln,
                           c->total.with_uln == 1 ? "holds" : "hold",
                           percent(&c->total));
    if (!err)
        err = summary_table(out, c);
    if (!err)
        err = chart(out, c);
    if (!err)
        err = pupil_table(out, c, r);
    if (!err)
        err = lrs__school_html_close(out);
    return err;
}
