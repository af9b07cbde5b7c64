/*
 * lrs/text.h - personal names: normalisation, tokens, string similarity and
 * Double Metaphone.
 *
 * The match engine compares every candidate's names through this module, so
 * everything here is allocation-free except lrs_name_normalise(), which
 * appends to a caller's buffer. Every function in the module is about
 * personal names, so its public prefix is `lrs_name_`.
 *
 * The pipeline (docs/names.md has the rules and their sources):
 *
 *   raw UTF-8 --lrs_name_normalise_to()--> "SMITH JONES"
 *             --lrs_name_token_next()----> "SMITH", "JONES"
 *   tokens    --lrs_name_jaro_winkler(), lrs_name_damerau_levenshtein(),
 *               lrs_name_metaphone()
 *
 * Invariants of a normalised name: it is valid UTF-8 holding tokens
 * separated by single ASCII spaces, with no leading or trailing space; the
 * ASCII bytes of a token are only 'A'-'Z' and '0'-'9'; letters and digits
 * with no ASCII form (Greek, Cyrillic, Arabic, CJK, ...) are kept as
 * upper-case UTF-8. Normalising a normalised name gives it back unchanged.
 * An empty result is valid and means the name is missing.
 *
 * Ownership: every `struct lrs_str` argument is borrowed for the call only.
 * Thread-safety: every function is reentrant and keeps no state.
 */
#ifndef LRS_TEXT_H
#define LRS_TEXT_H

#include <lrs/base.h>

/** Largest raw name accepted, in bytes (the LRS allows 35 characters). */
#define LRS_NAME_INPUT_MAX 256
/** Largest normalised name, in bytes, not counting the NUL. */
#define LRS_NAME_MAX 256
/** Size of a caller array for lrs_name_normalise_to(). */
#define LRS_NAME_SIZE (LRS_NAME_MAX + 1)

/**
 * The similarity functions compare at most this many bytes of each string;
 * bytes beyond it are ignored. Normalised names never exceed it.
 */
#define LRS_NAME_CMP_MAX 256

/** Default and largest code length of lrs_name_metaphone(). */
#define LRS_NAME_METAPHONE_DEFAULT 4
#define LRS_NAME_METAPHONE_MAX     8

/** The two Double Metaphone codes of a word. */
struct lrs_metaphone {
    char primary[LRS_NAME_METAPHONE_MAX + 1];   /* NUL-terminated, A-Z, 0 */
    char alternate[LRS_NAME_METAPHONE_MAX + 1]; /* same as primary if none */
};

/* ------------------------------------------------------------------ */
/* Normalisation                                                      */
/* ------------------------------------------------------------------ */

/**
 * Normalise the name `in` into the caller's array `out`, the hot-path form:
 * no allocation. Writes the normalised name and a NUL to `out` and its
 * length to *out_len.
 *
 * Each character is decomposed (NFKD) and its marks dropped; Latin letters
 * that do not decompose are folded through a table (ß → SS, Ø → O, Ł → L,
 * Æ → AE, Þ → TH, ...); ASCII letters are upper-cased; apostrophes are
 * dropped (O'Brien → OBRIEN); every other punctuation mark, symbol or space
 * separates tokens (Smith-Jones → SMITH JONES); invisible format characters
 * (soft hyphen, zero-width joiners, BOM) are dropped.
 *
 * Errors, each with `diag` (may be NULL) naming `field` (static storage):
 * LRS_ELIMIT when `in` is longer than LRS_NAME_INPUT_MAX bytes or the
 * result longer than LRS_NAME_MAX; LRS_EINVAL for invalid UTF-8, a NUL or
 * other control character, or a private-use or unassigned code point.
 * On error *out_len is 0 and `out` holds an empty string.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_name_normalise_to(struct lrs_str in, const char *field,
                      char out[LRS_NAME_SIZE], size_t *out_len,
                      struct lrs_diag *diag);

/**
 * As lrs_name_normalise_to(), but append the result to `out`. Allocates
 * (LRS_ENOMEM) only when `out` must grow. On error `out` is unchanged.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_name_normalise(struct lrs_str in,
                                                      const char *field,
                                                      struct lrs_buf *out,
                                                      struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* Tokens                                                             */
/* ------------------------------------------------------------------ */

/**
 * Take the next token of the normalised name `*rest`: on success set
 * `*token` to it (borrowed from the same storage), advance `*rest` past it
 * and return true; return false when no token is left. Runs of spaces are
 * skipped, so any space-separated string works.
 *
 *     struct lrs_str rest = name, tok;
 *     while (lrs_name_token_next(&rest, &tok))
 *         use(tok);
 */
LRS_API bool lrs_name_token_next(struct lrs_str *rest, struct lrs_str *token);

/**
 * Split the normalised name into at most `max` tokens in `tokens[]`, which
 * borrow from `normalised`, and set *count to the number stored. Returns
 * LRS_ELIMIT when there were more than `max` tokens (the first `max` are
 * stored), otherwise LRS_OK.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_name_tokens(struct lrs_str normalised,
                                                   struct lrs_str *tokens,
                                                   size_t max, size_t *count);

/* ------------------------------------------------------------------ */
/* Similarity                                                         */
/* ------------------------------------------------------------------ */

/**
 * Jaro similarity of the bytes of `a` and `b`, in [0, 1]: 1 for equal
 * strings (two empty strings included), 0 when either is empty or nothing
 * matches. Symmetric. Compares at most LRS_NAME_CMP_MAX bytes of each.
 */
LRS_API double lrs_name_jaro(struct lrs_str a, struct lrs_str b);

/**
 * Jaro-Winkler similarity in [0, 1]: the Jaro similarity j, raised by
 * l * 0.1 * (1 - j) for a common prefix of l bytes (l at most 4), when
 * j > 0.7 (Winkler's boost threshold). Symmetric.
 */
LRS_API double lrs_name_jaro_winkler(struct lrs_str a, struct lrs_str b);

/**
 * Damerau-Levenshtein distance of the bytes of `a` and `b` in its optimal
 * string alignment form (insertions, deletions, substitutions and swaps of
 * adjacent bytes, no substring edited twice), bounded: returns the distance
 * if it is at most `max`, otherwise `max + 1`, and stops as soon as the
 * bound is certain to be exceeded. Symmetric. Compares at most
 * LRS_NAME_CMP_MAX bytes of each.
 */
LRS_API unsigned lrs_name_damerau_levenshtein(struct lrs_str a,
                                              struct lrs_str b, unsigned max);

/* ------------------------------------------------------------------ */
/* Phonetic codes                                                     */
/* ------------------------------------------------------------------ */

/**
 * The Double Metaphone codes of `word` (Lawrence Philips, 2000) with at
 * most `max_len` characters each: 0 means LRS_NAME_METAPHONE_DEFAULT and
 * larger values are clamped to LRS_NAME_METAPHONE_MAX. `word` should be one
 * normalised token; lower-case ASCII is upper-cased and bytes other than
 * letters are skipped; at most LRS_NAME_CMP_MAX bytes are read. Codes use
 * A-Z and '0' (for "th"); an empty word
 * gives empty codes. When the rules offer no alternative pronunciation,
 * `alternate` equals `primary`.
 */
LRS_API void lrs_name_metaphone(struct lrs_str word, unsigned max_len,
                                struct lrs_metaphone *out);

#endif /* LRS_TEXT_H */
