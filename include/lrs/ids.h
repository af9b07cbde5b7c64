/*
 * lrs/ids.h - the identifiers of the register: ULN, UPN, postcode, dates
 * and gender codes.
 *
 * Every check takes a borrowed slice (no NUL needed), never allocates, and
 * on failure returns LRS_EINVAL with a diagnostic naming the field and the
 * rule (the DfE wording for UPNs). Sources for every rule are in
 * ../shared/design/DOMAIN.md and docs/identifiers.md.
 *
 * Thread-safety: every function is pure or works only on caller storage.
 */
#ifndef LRS_IDS_H
#define LRS_IDS_H

#include <lrs/base.h>

/* ------------------------------------------------------------------ */
/* ULN - Unique Learner Number                                        */
/* ------------------------------------------------------------------ */

#define LRS_ULN_LEN 10

/** Number of counters the issuer maps: one per 9-digit base 1e8..1e9-1. */
#define LRS_ULN_COUNTER_LIMIT 900000000u

/**
 * Check a ULN: ten ASCII digits, the first not 0, and the check digit
 * (weights 10..2 on digits 1-9, r = sum mod 11, r != 0, digit 10 = 10 - r).
 * On failure the diagnostic (field "uln") says which rule broke, and for a
 * wrong check digit gives the expected digit. The rules are checked in this
 * order: "is missing", "must contain only digits", "must be 10 digits, got
 * N", "must not start with 0", "has no valid check digit (remainder 0)",
 * "check digit is D, expected E". No white space is trimmed.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_uln_check(struct lrs_str uln,
                                                 struct lrs_diag *diag);

/**
 * The check digit (0-9) for the nine ASCII digits at `digits9`, or -1 when
 * the remainder is 0 (no valid ULN has that base) or a byte is not a digit.
 */
LRS_API int lrs_uln_check_digit(const char *digits9);

/** The secret of a register's ULN permutation, generated once per register. */
struct lrs_uln_key {
    uint8_t bytes[32];
};

/** Fill `key` from the operating system's random source. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_uln_key_generate(struct lrs_uln_key *key);

/**
 * Issue the ULN for counter `*counter`: the counter is mapped through a
 * keyed permutation of the 900,000,000 nine-digit bases (a Feistel network
 * with cycle walking), and the check digit appended. A counter whose base
 * has no check digit is skipped, so the function takes the next counter
 * until one gives a ULN; on return `*counter` is one past the counter used.
 * The same key and counter always give the same ULN; distinct counters give
 * distinct ULNs. `out` receives 10 digits and a NUL. LRS_ELIMIT when the
 * counter space is exhausted; then `*counter` is unchanged and `out` is "".
 *
 * Store the updated counter, and issue the next ULN from it: starting from
 * a counter that was skipped gives the ULN of the next counter used, so
 * only counters handed back by this function are each worth one ULN.
 * About 1 counter in 11 is skipped, so a key yields about 818 million ULNs.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_uln_issue(const struct lrs_uln_key *key,
                                                 uint64_t *counter,
                                                 char out[LRS_ULN_LEN + 1]);

/* ------------------------------------------------------------------ */
/* UPN - Unique Pupil Number                                          */
/* ------------------------------------------------------------------ */

#define LRS_UPN_LEN 13

enum lrs_upn_kind {
    LRS_UPN_PERMANENT = 1, /* serial of three digits */
    LRS_UPN_TEMPORARY = 2, /* serial of two digits and a letter */
};

/**
 * Check a UPN: exactly 13 characters, upper case, no white space trimmed.
 * On failure the diagnostic (field "upn") holds the DfE wording, e.g.
 * "UPN invalid (wrong check letter at character 1)"; the structure of
 * characters 2-13 is checked before the check letter, and a wrong length
 * gives "UPN invalid (must be 13 characters, got N)". On success `*kind`
 * (which may be NULL) says whether the UPN is permanent or temporary.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_upn_check(struct lrs_str upn,
                                                 enum lrs_upn_kind *kind,
                                                 struct lrs_diag *diag);

/**
 * The check letter for characters 2-13 of a UPN (`chars12`, 12 bytes), or
 * '\0' when one of them is not a digit or a letter of the UPN alphabet.
 */
LRS_API char lrs_upn_check_letter(const char *chars12);

/**
 * Whether `la` is an LA number that characters 2-4 of a UPN may hold: the
 * DfE list of post-April-1998 and "pseudo LA" codes (docs/identifiers.md).
 */
LRS_API bool lrs_upn_la_recognised(unsigned la);

/* ------------------------------------------------------------------ */
/* Postcodes                                                          */
/* ------------------------------------------------------------------ */

/** Longest canonical postcode ("BFPO 1234"), without the NUL. */
#define LRS_POSTCODE_MAX 9

/** A postcode in canonical form with its parts. */
struct lrs_postcode {
    char text[LRS_POSTCODE_MAX + 1]; /* "OUTWARD INWARD", upper case, NUL */
    uint8_t outward_len;             /* bytes of the outward code in text */
    bool bfpo;                       /* a British Forces "BFPO n" address */
    bool unknown; /* a ZZ99 placeholder: never evidence of a match */
};

/**
 * Parse and normalise a postcode: case-insensitive, surrounding and inner
 * white space ignored, checked against the LRS pattern or BFPO. The result
 * is canonical "OUTWARD INWARD" upper case. Any ZZ99 postcode (a digit and
 * two letters after ZZ99, e.g. ZZ99 3VZ) is accepted with `unknown` set.
 * Input over 64 bytes, or holding NUL or non-ASCII bytes, is rejected.
 * Diagnostics use field "postcode". `*out` is written only on success.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_postcode_parse(struct lrs_str in,
                                                      struct lrs_postcode *out,
                                                      struct lrs_diag *diag);

/**
 * The area ("SW" of "SW1A 1AA"): the one or two letters that the LRS
 * pattern's `[A-Z]{1,2}` matches, preferring two. Empty for BFPO. Borrowed
 * from `pc`.
 */
LRS_API struct lrs_str lrs_postcode_area(const struct lrs_postcode *pc);
/** The district, i.e. the outward code ("SW1A"). Borrowed from `pc`. */
LRS_API struct lrs_str lrs_postcode_district(const struct lrs_postcode *pc);
/** The sector ("SW1A 1"); empty for BFPO. Borrowed from `pc`. */
LRS_API struct lrs_str lrs_postcode_sector(const struct lrs_postcode *pc);

/* ------------------------------------------------------------------ */
/* Dates                                                              */
/* ------------------------------------------------------------------ */

/** A calendar date; valid dates have year 1800-2099. */
struct lrs_date {
    int16_t year;  /* 1800-2099 */
    uint8_t month; /* 1-12 */
    uint8_t day;   /* 1-31, real calendar */
};

enum lrs_date_parse_flags {
    /** Also accept dd/mm/yyyy (as found in CSV files). */
    LRS_DATE_PARSE_DMY = 1u << 0,
};

/**
 * Parse yyyy-mm-dd (and dd/mm/yyyy with LRS_DATE_PARSE_DMY, where the day
 * and month may also have one digit) with real calendar checks and years
 * 1800-2099. No white space is trimmed. `field` names the field in the
 * diagnostic (e.g. "date_of_birth"; NULL gives "date"); it must be static.
 * `*out` is written only on success.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_date_parse(struct lrs_str in, unsigned flags, const char *field,
               struct lrs_date *out, struct lrs_diag *diag);

/** Days since 1970-01-01 (negative before). `d` must be valid. */
LRS_API int32_t lrs_date_to_days(struct lrs_date d);
/**
 * The date of a day number from lrs_date_to_days(). Day numbers outside
 * 1800-01-01..2099-12-31 are clamped to that range.
 */
LRS_API struct lrs_date lrs_date_from_days(int32_t days);
/** Write "yyyy-mm-dd" and a NUL into `out`. */
LRS_API void lrs_date_format(struct lrs_date d, char out[11]);
/**
 * Whole years of age on `on` for someone born on `dob` (may be negative).
 * Someone born on 29 February gains a year on 1 March in a common year.
 */
LRS_API int lrs_date_age_on(struct lrs_date dob, struct lrs_date on);
/** Whether year/month/day is a real calendar date in 1800-2099. */
LRS_API bool lrs_date_valid(int year, int month, int day);

/* ------------------------------------------------------------------ */
/* Gender                                                             */
/* ------------------------------------------------------------------ */

/** The LRS gender codes. */
enum lrs_gender {
    LRS_GENDER_NOT_KNOWN = 0,
    LRS_GENDER_MALE = 1,
    LRS_GENDER_FEMALE = 2,
    LRS_GENDER_NOT_SPECIFIED = 9,
};

/**
 * Parse a gender code: 0, 1, 2, 9, or on input M (male), F (female),
 * U (not known), W (not specified), case-insensitive. Field "gender".
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_gender_parse(struct lrs_str in,
                                                    enum lrs_gender *out,
                                                    struct lrs_diag *diag);

/** "0", "1", "2" or "9"; `g` must be an enum lrs_gender value. */
LRS_API const char *lrs_gender_code(enum lrs_gender g);

#endif /* LRS_IDS_H */
