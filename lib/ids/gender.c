/*
 * gender.c - the LRS gender codes.
 *
 * The LRS schema's MIAPGender is one of 0 (not known), 1 (male), 2 (female)
 * and 9 (not specified) (../spec/lrs/learner.xsd, DOMAIN.md). CTF and MIS
 * exports use letters, so on input M, F, U (unknown) and W (withheld, i.e.
 * not specified) are accepted too, in either case.
 */
#include "base/base.h"

#include <lrs/ids.h>

/* The gender a one-byte code stands for; false if none. */
static bool gender_of(char c, enum lrs_gender *g)
{
    switch (c) {
    case '0':
    case 'U':
    case 'u':
        *g = LRS_GENDER_NOT_KNOWN;
        return true;
    case '1':
    case 'M':
    case 'm':
        *g = LRS_GENDER_MALE;
        return true;
    case '2':
    case 'F':
    case 'f':
        *g = LRS_GENDER_FEMALE;
        return true;
    case '9':
    case 'W':
    case 'w':
        *g = LRS_GENDER_NOT_SPECIFIED;
        return true;
    default:
        return false;
    }
}

enum lrs_err lrs_gender_parse(struct lrs_str in, enum lrs_gender *out,
                              struct lrs_diag *diag)
{
    LRS_ASSERT(out);
    if (in.len == 0) {
        lrs_diag_set(diag, "gender", "is missing");
        return LRS_ERR(LRS_EINVAL);
    }
    if (in.len != 1 || !gender_of(in.ptr[0], out)) {
        lrs_diag_set(diag, "gender", "must be 0, 1, 2 or 9 (or M, F, U or W)");
        return LRS_ERR(LRS_EINVAL);
    }
    return LRS_OK;
}

const char *lrs_gender_code(enum lrs_gender g)
{
    switch (g) {
    case LRS_GENDER_NOT_KNOWN:
        return "0";
    case LRS_GENDER_MALE:
        return "1";
    case LRS_GENDER_FEMALE:
        return "2";
    case LRS_GENDER_NOT_SPECIFIED:
        return "9";
    }
    LRS_BUG("lrs_gender_code: not an enum lrs_gender value");
}
