/*
 * postcode.c - parsing and normalising UK postcodes.
 *
 * The rules are the LRS schema's (MIAPPostCode in ../spec/lrs/learner.xsd,
 * DOMAIN.md): `[A-Z]{1,2}[0-9R][0-9A-Z]? ?[0-9][ABD-HJLNP-UW-Z]{2}` or
 * `BFPO ?[0-9]{1,4}`, case-insensitive. The parser first squeezes out white
 * space and upper-cases, which leaves at most 8 letters and digits; the
 * inward code is then always the last three, so the canonical form
 * "OUTWARD INWARD" follows without ambiguity.
 *
 * The ZZ99 postcodes are placeholders for "unknown" (ILR ZZ99 9ZZ, no fixed
 * abode ZZ99 3VZ, and ZZ99 3CZ, 3GZ, 1WZ, 2WZ; DOMAIN.md). Some of them use
 * inward letters the pattern forbids (C, V), so the whole ZZ99 district
 * with any digit and two letters is accepted and flagged `unknown`.
 */
#include "base/base.h"

#include <lrs/ids.h>

/* Longest raw input accepted, white space included. */
#define RAW_MAX 64

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* A letter allowed in the inward code: [ABD-HJLNP-UW-Z], not CIKMOV. */
static bool is_inward_letter(char c)
{
    return is_upper(c) && !memchr("CIKMOV", c, 6);
}

/*
 * Match an outward code against [A-Z]{1,2}[0-9R][0-9A-Z]?, preferring two
 * area letters, and return the length of the area (1 or 2), or 0 when it
 * does not match.
 */
static size_t match_outward(const char *o, size_t len)
{
    for (size_t area = 2; area >= 1; area--) {
        size_t i;

        if (len < area + 1 || len > area + 2)
            continue;
        for (i = 0; i < area && is_upper(o[i]); i++)
            ;
        if (i < area || !(is_digit(o[area]) || o[area] == 'R'))
            continue;
        if (len == area + 2 && !is_digit(o[area + 1]) && !is_upper(o[area + 1]))
            continue;
        return area;
    }
    return 0;
}

static enum lrs_err parse_bfpo(const char *c, size_t n,
                               struct lrs_postcode *out, struct lrs_diag *diag)
{
    if (n < 5 || n > 8) {
        lrs_diag_set(diag, "postcode", "BFPO number must be 1 to 4 digits");
        return LRS_ERR(LRS_EINVAL);
    }
    for (size_t i = 4; i < n; i++) {
        if (!is_digit(c[i])) {
            lrs_diag_set(diag, "postcode", "BFPO number must be 1 to 4 digits");
            return LRS_ERR(LRS_EINVAL);
        }
    }
    memset(out, 0, sizeof *out);
    memcpy(out->text, "BFPO ", 5);
    memcpy(out->text + 5, c + 4, n - 4);
    out->outward_len = 4;
    out->bfpo = true;
    return LRS_OK;
}

/* Whether the inward code may follow ZZ99 as an "unknown" placeholder. */
static bool is_placeholder(const char *c, size_t n)
{
    return n == 7 && memcmp(c, "ZZ99", 4) == 0 && is_digit(c[4]) &&
           is_upper(c[5]) && is_upper(c[6]);
}

static enum lrs_err parse_code(const char *c, size_t n,
                               struct lrs_postcode *out, struct lrs_diag *diag)
{
    const char *inward;
    size_t outward_len;
    bool unknown;

    if (n < 5 || n > 7) {
        lrs_diag_set(diag, "postcode",
                     "must have 5 to 7 letters and digits, got %zu", n);
        return LRS_ERR(LRS_EINVAL);
    }
    inward = c + n - 3;
    outward_len = n - 3;
    unknown = is_placeholder(c, n);
    if (!unknown && !is_digit(inward[0])) {
        lrs_diag_set(diag, "postcode",
                     "inward code '%.3s' must start with a digit", inward);
        return LRS_ERR(LRS_EINVAL);
    }
    if (!unknown &&
        (!is_inward_letter(inward[1]) || !is_inward_letter(inward[2]))) {
        lrs_diag_set(diag, "postcode",
                     "inward code '%.3s' must end in two letters other than "
                     "C, I, K, M, O or V",
                     inward);
        return LRS_ERR(LRS_EINVAL);
    }
    if (match_outward(c, outward_len) == 0) {
        lrs_diag_set(diag, "postcode",
                     "outward code '%.*s' must be 1 or 2 letters, a digit (or "
                     "R) and an optional letter or digit",
                     (int)outward_len, c);
        return LRS_ERR(LRS_EINVAL);
    }
    memset(out, 0, sizeof *out);
    memcpy(out->text, c, outward_len);
    out->text[outward_len] = ' ';
    memcpy(out->text + outward_len + 1, inward, 3);
    out->outward_len = (uint8_t)outward_len;
    out->unknown = unknown;
    return LRS_OK;
}

enum lrs_err lrs_postcode_parse(struct lrs_str in, struct lrs_postcode *out,
                                struct lrs_diag *diag)
{
    char c[9];    /* the first letters and digits, upper case */
    size_t n = 0; /* letters and digits in the input, may exceed sizeof c */

    LRS_ASSERT(out);
    if (in.len > RAW_MAX) {
        lrs_diag_set(diag, "postcode", "must be at most %d bytes, got %zu",
                     RAW_MAX, in.len);
        return LRS_ERR(LRS_EINVAL);
    }
    for (size_t i = 0; i < in.len; i++) {
        const char ch = in.ptr[i];

        if (ch == '\0') {
            lrs_diag_set(diag, "postcode", "must not contain NUL bytes");
            return LRS_ERR(LRS_EINVAL);
        }
        if ((unsigned char)ch >= 0x80) {
            lrs_diag_set(diag, "postcode",
                         "must contain only ASCII characters");
            return LRS_ERR(LRS_EINVAL);
        }
    }
    for (size_t i = 0; i < in.len; i++) {
        const char ch = in.ptr[i];

        if (is_space(ch))
            continue;
        if (!is_digit(ch) && !is_upper(ch) && !(ch >= 'a' && ch <= 'z')) {
            lrs_diag_set(diag, "postcode",
                         "must contain only letters, digits and spaces");
            return LRS_ERR(LRS_EINVAL);
        }
        if (n < sizeof c)
            c[n] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 'a' + 'A') : ch;
        n++;
    }
    if (n == 0) {
        lrs_diag_set(diag, "postcode", "is missing");
        return LRS_ERR(LRS_EINVAL);
    }
    if (n >= 4 && memcmp(c, "BFPO", 4) == 0)
        return parse_bfpo(c, n, out, diag);
    return parse_code(c, n, out, diag);
}

struct lrs_str lrs_postcode_area(const struct lrs_postcode *pc)
{
    struct lrs_str s = {pc->text, 0};

    if (!pc->bfpo)
        s.len = match_outward(pc->text, pc->outward_len);
    return s;
}

struct lrs_str lrs_postcode_district(const struct lrs_postcode *pc)
{
    struct lrs_str s = {pc->text, pc->outward_len};

    return s;
}

struct lrs_str lrs_postcode_sector(const struct lrs_postcode *pc)
{
    struct lrs_str s = {pc->text, 0};

    if (!pc->bfpo)
        s.len = (size_t)pc->outward_len + 2;
    return s;
}
