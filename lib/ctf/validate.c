/*
 * validate.c - the business checks of a pupil sent to the LRS for a ULN.
 *
 * Sources (DOMAIN.md): a CTF sent for ULNs must hold UPN, surname,
 * forename, DOB, gender, postcode, and either PAON + Street + one of
 * Locality/Town/AdministrativeArea or AddressLine1; without a postcode the
 * LRS answers RC010 "Null Values"; RC006 is insufficient data to create a
 * ULN, RC011 incorrect format, RC013 a learner outside the ages 13-110.
 * Names are at most 35 characters and address lines 50 (LRS schemas).
 *
 * What blocks and what only warns follows a school MIS's export: a missing
 * or invalid UPN (guest pupils from abroad), a rural address with no street
 * and a pupil who already has a ULN are warnings the school sees but the
 * record still goes. NEEDSWORK: the LRS itself may reject some of these;
 * the official batch specification was not available.
 */
#include "base/base.h"

#include "ctf/ctf_int.h"

void lrs_ctf_findings_reset(struct lrs_ctf_findings *f)
{
    f->count = 0;
    f->blocking_count = 0;
}

void lrs_ctf_findings_release(struct lrs_ctf_findings *f)
{
    lrs_free(f->items);
    f->items = NULL;
    f->count = f->cap = f->blocking_count = 0;
}

static enum lrs_err add(struct lrs_ctf_findings *f, const char *code,
                        const char *field, enum lrs_ctf_severity sev,
                        const char *fmt, ...) LRS_PRINTF(5, 6);

static enum lrs_err add(struct lrs_ctf_findings *f, const char *code,
                        const char *field, enum lrs_ctf_severity sev,
                        const char *fmt, ...)
{
    struct lrs_ctf_finding *it;
    va_list ap;

    if (f->count == f->cap) {
        const size_t cap = f->cap ? f->cap * 2 : 8;
        size_t bytes;

        if (lrs_mul_size(cap, sizeof *f->items, &bytes))
            return LRS_ERR(LRS_ENOMEM);
        it = lrs_realloc(f->items, bytes);
        if (!it)
            return LRS_ERR(LRS_ENOMEM);
        f->items = it;
        f->cap = cap;
    }
    it = &f->items[f->count++];
    it->code = code;
    it->field = field;
    it->severity = sev;
    va_start(ap, fmt);
    vsnprintf(it->message, sizeof it->message, fmt, ap);
    va_end(ap);
    f->blocking_count += sev == LRS_CTF_BLOCKING;
    return LRS_OK;
}

#define BLOCK LRS_CTF_BLOCKING
#define WARN  LRS_CTF_WARNING

static bool empty(const char *s)
{
    return !s || !*s;
}

static size_t chars(const char *s)
{
    return lrs__ctf_utf8_count(s, strlen(s));
}

static enum lrs_err check_upn(const struct lrs_ctf_pupil *p,
                              struct lrs_ctf_findings *out)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    /* "UPN Missing or Invalid" is the export warning; the DfE wording
     * after it says which. */
    if (empty(p->upn))
        return add(out, LRS_CTF_W_UPN, "UPN", WARN,
                   "UPN Missing or Invalid: UPN is missing");
    if (lrs_upn_check(lrs_str_c(p->upn), NULL, &d) != LRS_OK)
        return add(out, LRS_CTF_W_UPN, "UPN", WARN,
                   "UPN Missing or Invalid: %s", d.msg);
    return LRS_OK;
}

static enum lrs_err check_uln(const struct lrs_ctf_pupil *p,
                              struct lrs_ctf_findings *out)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    if (empty(p->uln))
        return LRS_OK;
    /* A wrong ULN would be refused by the LRS (WSEC0136). */
    if (lrs_uln_check(lrs_str_c(p->uln), &d) != LRS_OK)
        return add(out, LRS_CTF_RC_FORMAT, "UniqueLearnerNumber", BLOCK,
                   "supplied ULN '%.12s' is invalid: %s", p->uln, d.msg);
    return add(out, LRS_CTF_W_HAS_ULN, "UniqueLearnerNumber", WARN,
               "pupil already has a ULN (%s)", p->uln);
}

/* Mandatory when `need`; never longer than `max` characters. */
static enum lrs_err check_text(const char *field, const char *v, bool need,
                               size_t max, struct lrs_ctf_findings *out)
{
    size_t n;

    if (empty(v))
        return need ? add(out, LRS_CTF_RC_INSUFFICIENT, field, BLOCK,
                          "insufficient data: %s is missing", field)
                    : LRS_OK;
    n = chars(v);
    if (n > max)
        return add(out, LRS_CTF_RC_FORMAT, field, BLOCK,
                   "%s is %zu characters, longer than %zu", field, n, max);
    return LRS_OK;
}

static enum lrs_err check_names(const struct lrs_ctf_pupil *p,
                                struct lrs_ctf_findings *out)
{
    const struct {
        const char *field, *value;
        bool need;
    } names[] = {
        {"Surname", p->surname, true},
        {"Forename", p->forename, true},
        {"MiddleNames", p->middle_names, false},
        {"PreferredSurname", p->preferred_surname, false},
        {"PreferredForename", p->preferred_forename, false},
        {"FormerSurname", p->former_surname, false},
    };
    enum lrs_err err = LRS_OK;

    for (size_t i = 0; !err && i < LRS_ARRAY_LEN(names); i++)
        err = check_text(names[i].field, names[i].value, names[i].need,
                         LRS_CTF_NAME_MAX, out);
    return err;
}

static enum lrs_err check_dob(const struct lrs_ctf_pupil *p, struct lrs_date on,
                              struct lrs_ctf_findings *out)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_date dob;
    char day[11];
    int age;

    if (empty(p->dob))
        return add(out, LRS_CTF_RC_INSUFFICIENT, "DOB", BLOCK,
                   "insufficient data: DOB is missing");
    if (lrs_date_parse(lrs_str_c(p->dob), 0, "DOB", &dob, &d) != LRS_OK)
        return add(out, LRS_CTF_RC_FORMAT, "DOB", BLOCK,
                   "DOB '%.20s' is not a valid date: %s", p->dob, d.msg);
    age = lrs_date_age_on(dob, on);
    if (age < LRS_CTF_AGE_MIN || age > LRS_CTF_AGE_MAX) {
        lrs_date_format(on, day);
        return add(out, LRS_CTF_RC_AGE, "DOB", BLOCK,
                   "age %d on %s is outside %d-%d", age, day, LRS_CTF_AGE_MIN,
                   LRS_CTF_AGE_MAX);
    }
    return LRS_OK;
}

static enum lrs_err check_sex(const struct lrs_ctf_pupil *p,
                              struct lrs_ctf_findings *out)
{
    const char *field = p->sex_element == LRS_CTF_SEX_GENDER ? "Gender" : "Sex";

    if (empty(p->sex))
        return add(out, LRS_CTF_RC_INSUFFICIENT, field, BLOCK,
                   "insufficient data: %s is missing", field);
    /* The CTF carries M or F (DOMAIN.md); the LRS's numeric codes and
     * U (not known) or W (not specified) do not belong in one. */
    if (strlen(p->sex) != 1 || strchr("MFmf", p->sex[0]) == NULL)
        return add(out, LRS_CTF_RC_FORMAT, field, BLOCK,
                   "%s '%.20s' is not M or F", field, p->sex);
    return LRS_OK;
}

static enum lrs_err check_address_lengths(const struct lrs_ctf_address *a,
                                          struct lrs_ctf_findings *out)
{
    const struct {
        const char *field, *value;
    } parts[] = {
        {"SAON", a->saon},
        {"PAON", a->paon},
        {"Street", a->street},
        {"Locality", a->locality},
        {"Town", a->town},
        {"AdministrativeArea", a->administrative_area},
        {"PostTown", a->post_town},
        {"AddressLine1", a->lines[0]},
        {"AddressLine2", a->lines[1]},
        {"AddressLine3", a->lines[2]},
        {"AddressLine4", a->lines[3]},
        {"AddressLine5", a->lines[4]},
        {"County", a->county},
    };
    enum lrs_err err = LRS_OK;

    for (size_t i = 0; !err && i < LRS_ARRAY_LEN(parts); i++)
        err = check_text(parts[i].field, parts[i].value, false,
                         LRS_CTF_ADDRESS_LINE_MAX, out);
    return err;
}

static enum lrs_err check_address(const struct lrs_ctf_address *a,
                                  struct lrs_ctf_findings *out)
{
    const bool area = !empty(a->locality) || !empty(a->town) ||
                      !empty(a->administrative_area);
    const bool lines_ok = !empty(a->lines[0]);
    const bool bs_any = a->has_bs7666 || !empty(a->paon) || !empty(a->street) ||
                        !empty(a->saon) || area;
    const bool lines_any = a->has_lines || lines_ok;
    enum lrs_err err = LRS_OK;

    if (!lines_ok && !empty(a->paon) && empty(a->street))
        err = add(out, LRS_CTF_W_STREET, "Street", WARN,
                  "Student address exported but street is missing");
    if (err || lines_ok || (!empty(a->paon) && area))
        return err;
    if (!bs_any && !lines_any)
        return add(out, LRS_CTF_RC_INSUFFICIENT, "Address", BLOCK,
                   "insufficient data: address is missing");
    if (!bs_any)
        return add(out, LRS_CTF_RC_INSUFFICIENT, "AddressLine1", BLOCK,
                   "insufficient data: AddressLine1 is missing");
    if (empty(a->paon))
        err = add(out, LRS_CTF_RC_INSUFFICIENT, "PAON", BLOCK,
                  "insufficient data: PAON is missing");
    if (!err && !area)
        err = add(out, LRS_CTF_RC_INSUFFICIENT, "Locality", BLOCK,
                  "insufficient data: no Locality, Town or "
                  "AdministrativeArea");
    return err;
}

static enum lrs_err check_postcode(const struct lrs_ctf_address *a,
                                   struct lrs_ctf_findings *out)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_postcode pc;

    if (empty(a->postcode))
        return add(out, LRS_CTF_RC_NULL_VALUES, "PostCode", BLOCK,
                   "Null Values: postcode is missing");
    if (lrs_postcode_parse(lrs_str_c(a->postcode), &pc, &d) != LRS_OK)
        return add(out, LRS_CTF_RC_FORMAT, "PostCode", BLOCK,
                   "PostCode '%.12s' is not a postcode: %s", a->postcode,
                   d.msg);
    if (pc.unknown)
        return add(out, LRS_CTF_W_POSTCODE, "PostCode", WARN,
                   "postcode %s is a placeholder for an unknown address",
                   pc.text);
    return LRS_OK;
}

enum lrs_err lrs_ctf_validate_pupil(const struct lrs_ctf_pupil *p,
                                    struct lrs_date on,
                                    struct lrs_ctf_findings *out)
{
    enum lrs_err err;

    err = check_upn(p, out);
    if (!err)
        err = check_uln(p, out);
    if (!err)
        err = check_names(p, out);
    if (!err)
        err = check_dob(p, on, out);
    if (!err)
        err = check_sex(p, out);
    if (!err)
        err = check_address(&p->address, out);
    if (!err)
        err = check_address_lengths(&p->address, out);
    if (!err)
        err = check_postcode(&p->address, out);
    return err;
}
