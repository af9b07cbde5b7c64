/*
 * upn.c - Unique Pupil Numbers: the check letter and checking.
 *
 * A UPN is 13 characters (GovTalk UPN standard v2.0, DOMAIN.md): a check
 * letter, the 3-digit LA number, the 4-digit establishment number, the
 * last two digits of the academic year, and a serial of three digits
 * (permanent) or two digits and a letter (temporary). The check letter is
 * the sum of characters 2-13 weighted 2..13, mod 23, as a letter of the
 * UPN alphabet; a letter in character 13 counts as its index there.
 *
 * Checks run in the order of the characters they need: the structure of
 * characters 2-13 first, since the check letter means nothing without it,
 * then the check letter. Each failure gets the DfE wording.
 */
#include "base/base.h"

#include <lrs/ids.h>

/* The UPN alphabet: A-Z without I, O and S (GovTalk UPN standard v2.0). */
static const char alphabet[] = "ABCDEFGHJKLMNPQRTUVWXYZ";

/*
 * The recognised LA numbers, as inclusive ranges. Source: DfE census
 * validation rule 1530 (school census and children in need census),
 * "characters 2-4 of UPN must be a valid post April 1998 LA code or a
 * recognised 'pseudo LA' code", whose list this is; 942 and 943 are added
 * for Cumberland and Westmorland and Furness, created 1 April 2023 (DfE Get
 * Information about Schools). Former codes (820 Bedfordshire, 909 Cumbria,
 * ...) stay, because a UPN keeps its LA number for life.
 * NEEDSWORK: follow the rule when the DfE publishes new LA numbers.
 */
static const struct {
    uint16_t lo, hi;
} la_ranges[] = {
    {1, 5},     {201, 213}, {301, 320}, {330, 336}, {340, 344}, {350, 359},
    {370, 373}, {380, 384}, {390, 394}, {420, 420}, {660, 681}, {701, 708},
    {800, 803}, {805, 808}, {810, 813}, {815, 816}, {820, 823}, {825, 826},
    {830, 831}, {835, 841}, {845, 846}, {850, 852}, {855, 857}, {860, 861},
    {865, 896}, {908, 909}, {916, 916}, {919, 919}, {921, 921}, {925, 926},
    {928, 929}, {931, 931}, {933, 933}, {935, 938}, {940, 943},
};

/* The index of `c` in the UPN alphabet or its digit value; -1 otherwise. */
static int char_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    for (int i = 0; alphabet[i]; i++)
        if (alphabet[i] == c)
            return i;
    return -1;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_upn_letter(char c)
{
    return c >= 'A' && c <= 'Z' && char_value(c) >= 0;
}

bool lrs_upn_la_recognised(unsigned la)
{
    for (size_t i = 0; i < LRS_ARRAY_LEN(la_ranges); i++)
        if (la >= la_ranges[i].lo && la <= la_ranges[i].hi)
            return true;
    return false;
}

char lrs_upn_check_letter(const char *chars12)
{
    int sum = 0;

    for (int i = 0; i < 12; i++) {
        const int v = char_value(chars12[i]);

        if (v < 0)
            return '\0';
        sum += (i + 2) * v;
    }
    return alphabet[sum % 23];
}

static enum lrs_err fail(struct lrs_diag *diag, const char *msg)
{
    lrs_diag_set(diag, "upn", "%s", msg);
    return LRS_ERR(LRS_EINVAL);
}

enum lrs_err lrs_upn_check(struct lrs_str upn, enum lrs_upn_kind *kind,
                           struct lrs_diag *diag)
{
    const char *s = upn.ptr;
    unsigned la;

    if (upn.len == 0)
        return fail(diag, "UPN is missing");
    if (upn.len != LRS_UPN_LEN) {
        /* The DfE rules have no wording for a wrong length; ours. */
        lrs_diag_set(diag, "upn",
                     "UPN invalid (must be 13 characters, got %zu)", upn.len);
        return LRS_ERR(LRS_EINVAL);
    }
    if (!is_digit(s[1]) || !is_digit(s[2]) || !is_digit(s[3]))
        return fail(diag, "UPN invalid (characters 2-4 not a recognised LA "
                          "code)");
    la = (unsigned)(s[1] - '0') * 100 + (unsigned)(s[2] - '0') * 10 +
         (unsigned)(s[3] - '0');
    if (!lrs_upn_la_recognised(la))
        return fail(diag, "UPN invalid (characters 2-4 not a recognised LA "
                          "code)");
    for (int i = 4; i < 12; i++)
        if (!is_digit(s[i]))
            return fail(diag, "UPN invalid (characters 5-12 not all numeric)");
    if (!is_digit(s[12]) && !is_upn_letter(s[12]))
        return fail(diag, "UPN invalid (character 13 not a recognised value)");
    if (s[0] != lrs_upn_check_letter(s + 1))
        return fail(diag, "UPN invalid (wrong check letter at character 1)");
    if (kind)
        *kind = is_digit(s[12]) ? LRS_UPN_PERMANENT : LRS_UPN_TEMPORARY;
    return LRS_OK;
}
