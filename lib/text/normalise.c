/*
 * normalise.c - personal names to the comparable form "SMITH JONES".
 *
 * One pass over the input. ASCII bytes, which make up nearly every name the
 * LRS sees, go through a 128-entry table and never reach utf8proc. Any other
 * code point is decoded (utf8proc rejects overlong forms, surrogates and
 * values past U+10FFFF), checked, decomposed on its own with NFKD, and each
 * code point of the decomposition is then dropped (marks), folded (a table
 * of Latin letters that do not decompose), upper-cased or turned into a
 * separator. Decomposing one code point at a time gives the same result as
 * NFKD of the whole string here: the two differ only in the order of
 * combining marks (canonical reordering), and every mark is dropped.
 *
 * Separators are not written when seen: a pending flag puts one space
 * before the next token character, which is what collapses runs and keeps
 * the ends clean. The rules and their sources are in docs/names.md.
 */
#include "base/base.h"

#include <lrs/text.h>

#include <utf8proc.h>

/* ASCII classes; every other entry is the byte to write. */
enum { K_SEP = 1, K_DROP = 2, K_CTRL = 3 };

#define S_ K_SEP
#define D_ K_DROP
#define X_ K_CTRL

/*
 * The ASCII rules: letters upper-cased, digits kept, apostrophe and grave
 * accent (typed for an apostrophe, O`Brien) dropped, other printable bytes
 * separate tokens, control bytes (NUL included) are errors.
 */
/* One row per 16 bytes, 0x00 to 0x7F. */
/* clang-format off */
static const unsigned char ascii_map[128] = {
    X_,X_,X_,X_,X_,X_,X_,X_,X_,X_,X_,X_,X_,X_,X_,X_,
    X_,X_,X_,X_,X_,X_,X_,X_,X_,X_,X_,X_,X_,X_,X_,X_,
    S_,S_,S_,S_,S_,S_,S_,D_,S_,S_,S_,S_,S_,S_,S_,S_,
    '0','1','2','3','4','5','6','7','8','9',S_,S_,S_,S_,S_,S_,
    S_,'A','B','C','D','E','F','G','H','I','J','K','L','M','N','O',
    'P','Q','R','S','T','U','V','W','X','Y','Z',S_,S_,S_,S_,S_,
    D_,'A','B','C','D','E','F','G','H','I','J','K','L','M','N','O',
    'P','Q','R','S','T','U','V','W','X','Y','Z',S_,S_,S_,S_,X_,
};
/* clang-format on */

#undef S_
#undef D_
#undef X_

/*
 * Latin letters with no decomposition, folded to the ASCII a reader would
 * use for them: the German, Scandinavian, Polish, Croatian, Icelandic,
 * Maltese, Turkish and Azerbaijani letters, and the hooked and open letters
 * of Hausa, Akan, Ewe, Yoruba and other African orthographies (the
 * African Reference Alphabet). Sorted by code point for binary search; both
 * cases are listed so that folding never depends on case mapping.
 */
struct fold {
    int32_t cp;
    char ascii[3];
};

static const struct fold folds[] = {
    {0x00C6, "AE"}, {0x00D0, "D"},  {0x00D8, "O"},  {0x00DE, "TH"},
    {0x00DF, "SS"}, {0x00E6, "AE"}, {0x00F0, "D"},  {0x00F8, "O"},
    {0x00FE, "TH"}, {0x0110, "D"},  {0x0111, "D"},  {0x0126, "H"},
    {0x0127, "H"},  {0x0131, "I"},  {0x0138, "K"},  {0x0141, "L"},
    {0x0142, "L"},  {0x014A, "NG"}, {0x014B, "NG"}, {0x0152, "OE"},
    {0x0153, "OE"}, {0x0166, "T"},  {0x0167, "T"},  {0x0180, "B"},
    {0x0181, "B"},  {0x0186, "O"},  {0x0187, "C"},  {0x0188, "C"},
    {0x0189, "D"},  {0x018A, "D"},  {0x018E, "E"},  {0x018F, "E"},
    {0x0190, "E"},  {0x0191, "F"},  {0x0192, "F"},  {0x0193, "G"},
    {0x0194, "G"},  {0x0196, "I"},  {0x0197, "I"},  {0x0198, "K"},
    {0x0199, "K"},  {0x019A, "L"},  {0x019D, "N"},  {0x019E, "N"},
    {0x019F, "O"},  {0x01A4, "P"},  {0x01A5, "P"},  {0x01AB, "T"},
    {0x01AC, "T"},  {0x01AD, "T"},  {0x01AE, "T"},  {0x01B2, "V"},
    {0x01B3, "Y"},  {0x01B4, "Y"},  {0x01B5, "Z"},  {0x01B6, "Z"},
    {0x01B7, "Z"},  {0x01DD, "E"},  {0x01E4, "G"},  {0x01E5, "G"},
    {0x0220, "N"},  {0x0221, "D"},  {0x0224, "Z"},  {0x0225, "Z"},
    {0x0234, "L"},  {0x0235, "N"},  {0x0236, "T"},  {0x0237, "J"},
    {0x023A, "A"},  {0x023B, "C"},  {0x023C, "C"},  {0x023D, "L"},
    {0x023E, "T"},  {0x0243, "B"},  {0x0244, "U"},  {0x0246, "E"},
    {0x0247, "E"},  {0x0248, "J"},  {0x0249, "J"},  {0x024C, "R"},
    {0x024D, "R"},  {0x024E, "Y"},  {0x024F, "Y"},  {0x0253, "B"},
    {0x0254, "O"},  {0x0256, "D"},  {0x0257, "D"},  {0x0259, "E"},
    {0x025B, "E"},  {0x0260, "G"},  {0x0263, "G"},  {0x0268, "I"},
    {0x0269, "I"},  {0x026B, "L"},  {0x0272, "N"},  {0x0275, "O"},
    {0x0288, "T"},  {0x0289, "U"},  {0x028B, "V"},  {0x0292, "Z"},
    {0x1E9E, "SS"},
};

/*
 * Characters typed for an apostrophe (O’Brien, D´Arcy, Hawaiian ʻokina,
 * Latin saltillo), dropped like U+0027 so that O'Brien = OBRIEN whichever
 * was typed. Modifier letters U+02B0-U+02FF are dropped by category below.
 */
static bool is_apostrophe(int32_t cp)
{
    switch (cp) {
    case 0x00B4: /* acute accent; NFKD would make it a space */
    case 0x2018: /* left single quotation mark */
    case 0x2019: /* right single quotation mark, the usual typeset one */
    case 0x201B: /* single high-reversed-9 quotation mark */
    case 0x2032: /* prime */
    case 0x2035: /* reversed prime */
    case 0xA78B: /* Latin capital saltillo */
    case 0xA78C: /* Latin small saltillo */
        return true;
    default:
        return false;
    }
}

static const char *fold_lookup(int32_t cp)
{
    size_t lo = 0, hi = LRS_ARRAY_LEN(folds);

    if (cp < folds[0].cp || cp > folds[LRS_ARRAY_LEN(folds) - 1].cp)
        return NULL;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;

        if (folds[mid].cp == cp)
            return folds[mid].ascii;
        if (folds[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The output being built: at most LRS_NAME_MAX bytes in out[]. */
struct norm {
    char *out;
    size_t len;
    bool sep;      /* a separator was seen since the last token byte */
    bool overflow; /* the result would exceed LRS_NAME_MAX */
};

/* Write `n` token bytes, preceded by a space if a separator is pending. */
static void emit(struct norm *w, const char *s, size_t n)
{
    const size_t space = w->sep && w->len > 0;

    if (w->len + space + n > LRS_NAME_MAX) {
        w->overflow = true;
        return;
    }
    if (space)
        w->out[w->len++] = ' ';
    w->sep = false;
    memcpy(w->out + w->len, s, n);
    w->len += n;
}

static void emit_utf8(struct norm *w, int32_t cp)
{
    utf8proc_uint8_t u[4];
    const utf8proc_ssize_t n = utf8proc_encode_char(cp, u);

    emit(w, (const char *)u, (size_t)n);
}

static void put_ascii(struct norm *w, unsigned char c)
{
    const unsigned char k = ascii_map[c];

    if (k > K_CTRL)
        emit(w, (const char *)&k, 1);
    else if (k == K_SEP)
        w->sep = true;
    /* K_DROP: nothing. K_CTRL cannot come out of a decomposition. */
}

static void put_cp(struct norm *w, int32_t cp, int depth);

/* One code point of a decomposition, which is already in NFKD form. */
static void put_decomposed(struct norm *w, int32_t cp, int depth)
{
    const char *fold;
    utf8proc_category_t cat;
    int32_t up;

    if (cp < 0x80) {
        put_ascii(w, (unsigned char)cp);
        return;
    }
    if (is_apostrophe(cp))
        return;
    fold = fold_lookup(cp);
    if (fold) {
        emit(w, fold, strlen(fold));
        return;
    }
    cat = utf8proc_category(cp);
    /* Spacing modifiers (ʼ ʻ ˈ ...) and the Arabic tatweel only decorate
     * a name. */
    if (cat == UTF8PROC_CATEGORY_LM &&
        ((cp >= 0x02B0 && cp <= 0x02FF) || cp == 0x0640))
        return;
    switch (cat) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:
        return;
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        /*
         * A letter with no ASCII form stays, upper-cased. An upper-case
         * form may itself decompose or fold, so it goes round once more;
         * the depth bound stops a (never seen) cycle.
         */
        up = utf8proc_toupper(cp);
        if (up != cp && depth < 2)
            put_cp(w, up, depth + 1);
        else
            emit_utf8(w, cp);
        return;
    default:
        /* Spaces, punctuation and symbols separate tokens. */
        w->sep = true;
        return;
    }
}

/* A code point already checked to be acceptable input. */
static void put_cp(struct norm *w, int32_t cp, int depth)
{
    /* The longest NFKD expansion in Unicode is 18 code points (U+FDFA). */
    utf8proc_int32_t d[32];
    utf8proc_ssize_t n;
    int bound = 0;

    if (is_apostrophe(cp))
        return;
    n = utf8proc_decompose_char(cp, d, (utf8proc_ssize_t)LRS_ARRAY_LEN(d),
                                UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT, &bound);
    if (LRS_NEVER(n < 0 || (size_t)n > LRS_ARRAY_LEN(d))) {
        w->sep = true;
        return;
    }
    for (utf8proc_ssize_t i = 0; i < n; i++)
        put_decomposed(w, d[i], depth);
}

static enum lrs_err fail(char *out, size_t *out_len, enum lrs_err err)
{
    out[0] = '\0';
    *out_len = 0;
    return LRS_ERR(err);
}

/* Decode, check and add the non-ASCII code point at in.ptr[*pos]. */
static enum lrs_err put_multibyte(struct norm *w, struct lrs_str in,
                                  size_t *pos, const char *field,
                                  struct lrs_diag *diag)
{
    const size_t at = *pos;
    utf8proc_int32_t cp;
    const utf8proc_ssize_t n =
        utf8proc_iterate((const utf8proc_uint8_t *)in.ptr + at,
                         (utf8proc_ssize_t)(in.len - at), &cp);

    if (n <= 0) {
        lrs_diag_set(diag, field, "is not valid UTF-8 at byte %zu", at);
        return LRS_EINVAL;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_CC:
        lrs_diag_set(diag, field,
                     "contains control character U+%04X at byte %zu",
                     (unsigned)cp, at);
        return LRS_EINVAL;
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CN:
        lrs_diag_set(diag, field,
                     "contains unassigned or private-use character U+%04X "
                     "at byte %zu",
                     (unsigned)cp, at);
        return LRS_EINVAL;
    default:
        break;
    }
    put_cp(w, cp, 0);
    *pos = at + (size_t)n;
    return LRS_OK;
}

enum lrs_err lrs_name_normalise_to(struct lrs_str in, const char *field,
                                   char out[LRS_NAME_SIZE], size_t *out_len,
                                   struct lrs_diag *diag)
{
    struct norm w = {out, 0, false, false};
    const unsigned char *p = (const unsigned char *)in.ptr;
    size_t i = 0;

    if (in.len > LRS_NAME_INPUT_MAX) {
        lrs_diag_set(diag, field, "is %zu bytes long, at most %d allowed",
                     in.len, LRS_NAME_INPUT_MAX);
        return fail(out, out_len, LRS_ELIMIT);
    }
    while (i < in.len) {
        if (p[i] < 0x80) {
            if (ascii_map[p[i]] == K_CTRL) {
                if (p[i] == 0)
                    lrs_diag_set(diag, field, "contains a NUL byte at byte %zu",
                                 i);
                else
                    lrs_diag_set(diag, field,
                                 "contains control character U+%04X at "
                                 "byte %zu",
                                 (unsigned)p[i], i);
                return fail(out, out_len, LRS_EINVAL);
            }
            put_ascii(&w, p[i]);
            i++;
            continue;
        }
        if (put_multibyte(&w, in, &i, field, diag) != LRS_OK)
            return fail(out, out_len, LRS_EINVAL);
    }
    if (w.overflow) {
        lrs_diag_set(diag, field, "normalised form is longer than %d bytes",
                     LRS_NAME_MAX);
        return fail(out, out_len, LRS_ELIMIT);
    }
    out[w.len] = '\0';
    *out_len = w.len;
    return LRS_OK;
}

enum lrs_err lrs_name_normalise(struct lrs_str in, const char *field,
                                struct lrs_buf *out, struct lrs_diag *diag)
{
    char tmp[LRS_NAME_SIZE];
    size_t len;
    enum lrs_err err;

    err = lrs_name_normalise_to(in, field, tmp, &len, diag);
    if (err)
        return err;
    err = lrs_buf_add(out, tmp, len);
    if (err == LRS_ELIMIT)
        lrs_diag_set(diag, field, "normalised form does not fit in %zu bytes",
                     out->max);
    return err;
}

/* ------------------------------------------------------------------ */
/* Tokens                                                             */
/* ------------------------------------------------------------------ */

bool lrs_name_token_next(struct lrs_str *rest, struct lrs_str *token)
{
    const char *p = rest->ptr;
    const char *end = p + rest->len;
    const char *start;

    if (rest->len == 0)
        return false;
    while (p < end && *p == ' ')
        p++;
    start = p;
    while (p < end && *p != ' ')
        p++;
    rest->ptr = p;
    rest->len = (size_t)(end - p);
    if (p == start)
        return false;
    token->ptr = start;
    token->len = (size_t)(p - start);
    return true;
}

enum lrs_err lrs_name_tokens(struct lrs_str normalised, struct lrs_str *tokens,
                             size_t max, size_t *count)
{
    struct lrs_str tok;
    size_t n = 0;

    while (lrs_name_token_next(&normalised, &tok)) {
        if (n == max) {
            *count = n;
            return LRS_ERR(LRS_ELIMIT);
        }
        tokens[n++] = tok;
    }
    *count = n;
    return LRS_OK;
}
