/*
 * metaphone.c - Double Metaphone, after Lawrence Philips, "The Double
 * Metaphone Search Algorithm", C/C++ Users Journal, June 2000.
 *
 * The word is read left to right. At each position the rules for its
 * letter look at the letters around it (and at the whole word for the
 * "Slavo-Germanic" test) and add sounds to two codes at once: the primary
 * (the most likely English pronunciation) and the alternate (a native or
 * older one). Each rule returns how far to move on. Rules are grouped one
 * function per letter and keep Philips' order, which matters: the first
 * rule that applies wins. The comments name the words Philips gives for
 * each rule.
 *
 * As in Philips' description, positions past the end read as spaces (so
 * "VAN " also matches a word that is just "VAN", and "IER " matches a
 * final "IER"), positions before the start match nothing, and the codes
 * are cut to the requested length as they grow. Where Philips adds " " to
 * the alternate code, meaning "nothing", this adds "".
 */
#include "base/base.h"

#include <lrs/text.h>

#include <stdarg.h>

/* The padding of spaces Philips appends to the word. */
#define PAD 5

struct dm {
    const char *s;
    int len;
    int last;
    bool slavo; /* Slavo-Germanic: W, K, CZ or WITZ anywhere */
    size_t max;
    char *p, *a; /* the primary and alternate codes */
    size_t plen, alen;
};

static char upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* The letter at `i`: a space in the padding, NUL outside it. */
static char at(const struct dm *d, int i)
{
    if (i < 0 || i >= d->len + PAD)
        return '\0';
    return i < d->len ? upper(d->s[i]) : ' ';
}

static bool at_one(const struct dm *d, int pos, const char *pat)
{
    if (pos < 0)
        return false;
    for (int k = 0; pat[k]; k++)
        if (at(d, pos + k) != pat[k])
            return false;
    return true;
}

/* Philips' StringAt(): whether any of the patterns starts at `pos`. */
static bool at_any(const struct dm *d, int pos, ...)
{
    va_list ap;
    const char *pat;
    bool hit = false;

    va_start(ap, pos);
    while (!hit && (pat = va_arg(ap, const char *)) != NULL)
        hit = at_one(d, pos, pat);
    va_end(ap);
    return hit;
}

#define AT(d, pos, ...) at_any((d), (pos), __VA_ARGS__, (const char *)NULL)

static bool vowel(const struct dm *d, int i)
{
    const char c = at(d, i);

    return i >= 0 && i < d->len && c != '\0' && strchr("AEIOUY", c) != NULL;
}

/* Add `main` to the primary code and `alt` to the alternate. */
static void add2(struct dm *d, const char *main, const char *alt)
{
    for (; *main && d->plen < d->max; main++)
        d->p[d->plen++] = *main;
    for (; *alt && d->alen < d->max; alt++)
        d->a[d->alen++] = *alt;
}

static void add(struct dm *d, const char *both)
{
    add2(d, both, both);
}

/* The step past a letter that may be doubled ("BB", "FF", ...). */
static int skip_double(const struct dm *d, int i, char c)
{
    return at(d, i + 1) == c ? i + 2 : i + 1;
}

/* ------------------------------------------------------------------ */
/* C                                                                  */
/* ------------------------------------------------------------------ */

static int rule_ch(struct dm *d, int i)
{
    /* 'michael' */
    if (i > 0 && AT(d, i, "CHAE")) {
        add2(d, "K", "X");
        return i + 2;
    }
    /* Greek roots: 'chemistry', 'chorus', but not 'chore'. */
    if (i == 0 &&
        (AT(d, i + 1, "HARAC", "HARIS") ||
         AT(d, i + 1, "HOR", "HYM", "HIA", "HEM")) &&
        !AT(d, 0, "CHORE")) {
        add(d, "K");
        return i + 2;
    }
    /* Germanic, Greek, or otherwise 'ch' for 'kh': 'architect' but not
     * 'arch', 'orchestra', 'orchid'; 'wachtler', 'wechsler' but not
     * 'tichner'. */
    if (AT(d, 0, "VAN ", "VON ") || AT(d, 0, "SCH") ||
        AT(d, i - 2, "ORCHES", "ARCHIT", "ORCHID") || AT(d, i + 2, "T", "S") ||
        ((AT(d, i - 1, "A", "O", "U", "E") || i == 0) &&
         AT(d, i + 2, "L", "R", "N", "M", "B", "H", "F", "V", "W", " "))) {
        add(d, "K");
    } else if (i > 0) {
        if (AT(d, 0, "MC")) /* 'McHugh' */
            add(d, "K");
        else
            add2(d, "X", "K");
    } else {
        add(d, "X");
    }
    return i + 2;
}

static int rule_cc(struct dm *d, int i)
{
    /* 'bellocchio' but not 'bacchus' */
    if (AT(d, i + 2, "I", "E", "H") && !AT(d, i + 2, "HU")) {
        /* 'accident', 'accede', 'succeed' */
        if ((i == 1 && at(d, i - 1) == 'A') || AT(d, i - 1, "UCCEE", "UCCES"))
            add(d, "KS");
        else /* 'bacci', 'bertucci', other Italian */
            add(d, "X");
        return i + 3;
    }
    /* Pierce's rule */
    add(d, "K");
    return i + 2;
}

static int letter_c(struct dm *d, int i)
{
    /* Various Germanic, e.g. 'bacher', 'macher'. */
    if (i > 1 && !vowel(d, i - 2) && AT(d, i - 1, "ACH") &&
        at(d, i + 2) != 'I' &&
        (at(d, i + 2) != 'E' || AT(d, i - 2, "BACHER", "MACHER"))) {
        add(d, "K");
        return i + 2;
    }
    if (i == 0 && AT(d, i, "CAESAR")) {
        add(d, "S");
        return i + 2;
    }
    if (AT(d, i, "CHIA")) { /* Italian 'chianti' */
        add(d, "K");
        return i + 2;
    }
    if (AT(d, i, "CH"))
        return rule_ch(d, i);
    if (AT(d, i, "CZ") && !AT(d, i - 2, "WICZ")) { /* 'czerny' */
        add2(d, "S", "X");
        return i + 2;
    }
    if (AT(d, i + 1, "CIA")) { /* 'focaccia' */
        add(d, "X");
        return i + 3;
    }
    /* Double C, but not in e.g. 'McClellan'. */
    if (AT(d, i, "CC") && !(i == 1 && at(d, 0) == 'M'))
        return rule_cc(d, i);
    if (AT(d, i, "CK", "CG", "CQ")) {
        add(d, "K");
        return i + 2;
    }
    if (AT(d, i, "CI", "CE", "CY")) { /* Italian against English */
        if (AT(d, i, "CIO", "CIE", "CIA"))
            add2(d, "S", "X");
        else
            add(d, "S");
        return i + 2;
    }
    add(d, "K");
    /* 'mac caffrey', 'mac gregor' */
    if (AT(d, i + 1, " C", " Q", " G"))
        return i + 3;
    if (AT(d, i + 1, "C", "K", "Q") && !AT(d, i + 1, "CE", "CI"))
        return i + 2;
    return i + 1;
}

/* ------------------------------------------------------------------ */
/* D to F                                                             */
/* ------------------------------------------------------------------ */

static int letter_d(struct dm *d, int i)
{
    if (AT(d, i, "DG")) {
        if (AT(d, i + 2, "I", "E", "Y")) { /* 'edge' */
            add(d, "J");
            return i + 3;
        }
        add(d, "TK"); /* 'edgar' */
        return i + 2;
    }
    add(d, "T");
    return AT(d, i, "DT", "DD") ? i + 2 : i + 1;
}

/* ------------------------------------------------------------------ */
/* G                                                                  */
/* ------------------------------------------------------------------ */

static int rule_gh(struct dm *d, int i)
{
    if (i > 0 && !vowel(d, i - 1)) {
        add(d, "K");
        return i + 2;
    }
    if (i == 0) { /* 'ghislane', 'ghiradelli' */
        add(d, at(d, i + 2) == 'I' ? "J" : "K");
        return i + 2;
    }
    /* Parker's rule, with refinements: 'hugh', 'bough', 'broughton'. */
    if ((i > 1 && AT(d, i - 2, "B", "H", "D")) ||
        (i > 2 && AT(d, i - 3, "B", "H", "D")) ||
        (i > 3 && AT(d, i - 4, "B", "H")))
        return i + 2;
    /* 'laugh', 'McLaughlin', 'cough', 'gough', 'rough', 'tough' */
    if (i > 2 && at(d, i - 1) == 'U' && AT(d, i - 3, "C", "G", "L", "R", "T"))
        add(d, "F");
    else if (at(d, i - 1) != 'I')
        add(d, "K");
    return i + 2;
}

static int rule_gn(struct dm *d, int i)
{
    if (i == 1 && vowel(d, 0) && !d->slavo)
        add2(d, "KN", "N");
    else if (!AT(d, i + 2, "EY") && !d->slavo) /* not e.g. 'cagney' */
        add2(d, "N", "KN");
    else
        add(d, "KN");
    return i + 2;
}

static int letter_g(struct dm *d, int i)
{
    if (at(d, i + 1) == 'H')
        return rule_gh(d, i);
    if (at(d, i + 1) == 'N')
        return rule_gn(d, i);
    if (AT(d, i + 1, "LI") && !d->slavo) { /* 'tagliaro' */
        add2(d, "KL", "L");
        return i + 2;
    }
    /* -ges-, -gep-, -gel-, -gie- at the beginning */
    if (i == 0 &&
        (at(d, i + 1) == 'Y' || AT(d, i + 1, "ES", "EP", "EB", "EL", "EY", "IB",
                                   "IL", "IN", "IE", "EI", "ER"))) {
        add2(d, "K", "J");
        return i + 2;
    }
    /* -ger-, -gy- */
    if ((AT(d, i + 1, "ER") || at(d, i + 1) == 'Y') &&
        !AT(d, 0, "DANGER", "RANGER", "MANGER") && !AT(d, i - 1, "E", "I") &&
        !AT(d, i - 1, "RGY", "OGY")) {
        add2(d, "K", "J");
        return i + 2;
    }
    /* Italian, e.g. 'biaggi' */
    if (AT(d, i + 1, "E", "I", "Y") || AT(d, i - 1, "AGGI", "OGGI")) {
        if (AT(d, 0, "VAN ", "VON ") || AT(d, 0, "SCH") ||
            AT(d, i + 1, "ET")) /* obviously Germanic */
            add(d, "K");
        else if (AT(d, i + 1, "IER ")) /* always soft if French ending */
            add(d, "J");
        else
            add2(d, "J", "K");
        return i + 2;
    }
    add(d, "K");
    return skip_double(d, i, 'G');
}

/* ------------------------------------------------------------------ */
/* H to M                                                             */
/* ------------------------------------------------------------------ */

static int letter_h(struct dm *d, int i)
{
    /* Only kept first or between vowels, and before a vowel. */
    if ((i == 0 || vowel(d, i - 1)) && vowel(d, i + 1)) {
        add(d, "H");
        return i + 2;
    }
    return i + 1;
}

static int letter_j(struct dm *d, int i)
{
    /* Obviously Spanish: 'jose', 'san jacinto' */
    if (AT(d, i, "JOSE") || AT(d, 0, "SAN ")) {
        if ((i == 0 && at(d, i + 4) == ' ') || AT(d, 0, "SAN "))
            add(d, "H");
        else
            add2(d, "J", "H");
        return i + 1;
    }
    if (i == 0) {
        add2(d, "J", "A"); /* 'Yankelovich' against 'Jankelowicz' */
    } else if (vowel(d, i - 1) && !d->slavo &&
               (at(d, i + 1) == 'A' || at(d, i + 1) == 'O')) {
        add2(d, "J", "H"); /* Spanish 'bajador' */
    } else if (i == d->last) {
        add2(d, "J", "");
    } else if (!AT(d, i + 1, "L", "T", "K", "S", "N", "M", "B", "Z") &&
               !AT(d, i - 1, "S", "K", "L")) {
        add(d, "J");
    }
    return skip_double(d, i, 'J');
}

static int letter_l(struct dm *d, int i)
{
    if (at(d, i + 1) != 'L') {
        add(d, "L");
        return i + 1;
    }
    /* Spanish, e.g. 'cabrillo', 'gallegos' */
    if ((i == d->len - 3 && AT(d, i - 1, "ILLO", "ILLA", "ALLE")) ||
        ((AT(d, d->last - 1, "AS", "OS") || AT(d, d->last, "A", "O")) &&
         AT(d, i - 1, "ALLE")))
        add2(d, "L", "");
    else
        add(d, "L");
    return i + 2;
}

static int letter_m(struct dm *d, int i)
{
    add(d, "M");
    /* 'dumb', 'thumb', 'plumber' */
    if ((AT(d, i - 1, "UMB") && (i + 1 == d->last || AT(d, i + 2, "ER"))) ||
        at(d, i + 1) == 'M')
        return i + 2;
    return i + 1;
}

/* ------------------------------------------------------------------ */
/* P to R                                                             */
/* ------------------------------------------------------------------ */

static int letter_p(struct dm *d, int i)
{
    if (at(d, i + 1) == 'H') {
        add(d, "F");
        return i + 2;
    }
    add(d, "P");
    /* 'campbell', 'raspberry' */
    return AT(d, i + 1, "P", "B") ? i + 2 : i + 1;
}

static int letter_r(struct dm *d, int i)
{
    /* French, e.g. 'rogier', but not 'hochmeier' */
    if (i == d->last && !d->slavo && AT(d, i - 2, "IE") &&
        !AT(d, i - 4, "ME", "MA"))
        add2(d, "", "R");
    else
        add(d, "R");
    return skip_double(d, i, 'R');
}

/* ------------------------------------------------------------------ */
/* S                                                                  */
/* ------------------------------------------------------------------ */

static int rule_sc(struct dm *d, int i)
{
    if (at(d, i + 2) == 'H') {
        /* Dutch origin, e.g. 'school', 'schooner' */
        if (AT(d, i + 3, "OO", "ER", "EN", "UY", "ED", "EM")) {
            /* 'schermerhorn', 'schenker' */
            if (AT(d, i + 3, "ER", "EN"))
                add2(d, "X", "SK");
            else
                add(d, "SK");
            return i + 3;
        }
        if (i == 0 && !vowel(d, 3) && at(d, 3) != 'W')
            add2(d, "X", "S");
        else
            add(d, "X");
        return i + 3;
    }
    if (AT(d, i + 2, "I", "E", "Y"))
        add(d, "S");
    else
        add(d, "SK");
    return i + 3;
}

static int letter_s(struct dm *d, int i)
{
    /* 'island', 'isle', 'carlisle', 'carlysle' */
    if (AT(d, i - 1, "ISL", "YSL"))
        return i + 1;
    if (i == 0 && AT(d, i, "SUGAR")) {
        add2(d, "X", "S");
        return i + 1;
    }
    if (AT(d, i, "SH")) {
        /* Germanic */
        add(d, AT(d, i + 1, "HEIM", "HOEK", "HOLM", "HOLZ") ? "S" : "X");
        return i + 2;
    }
    /* Italian and Armenian */
    if (AT(d, i, "SIO", "SIA") || AT(d, i, "SIAN")) {
        if (d->slavo)
            add(d, "S");
        else
            add2(d, "S", "X");
        return i + 3;
    }
    /* German and anglicisations: 'smith' matches 'schmidt', 'snider'
     * matches 'schneider'; also -sz- in Slavic languages, although in
     * Hungarian it is pronounced 's'. */
    if ((i == 0 && AT(d, i + 1, "M", "N", "L", "W")) || AT(d, i + 1, "Z")) {
        add2(d, "S", "X");
        return AT(d, i + 1, "Z") ? i + 2 : i + 1;
    }
    if (AT(d, i, "SC")) /* Schlesinger's rule */
        return rule_sc(d, i);
    /* French, e.g. 'resnais', 'artois' */
    if (i == d->last && AT(d, i - 2, "AI", "OI"))
        add2(d, "", "S");
    else
        add(d, "S");
    return AT(d, i + 1, "S", "Z") ? i + 2 : i + 1;
}

/* ------------------------------------------------------------------ */
/* T to Z                                                             */
/* ------------------------------------------------------------------ */

static int letter_t(struct dm *d, int i)
{
    if (AT(d, i, "TION")) {
        add(d, "X");
        return i + 3;
    }
    if (AT(d, i, "TIA", "TCH")) {
        add(d, "X");
        return i + 3;
    }
    if (AT(d, i, "TH") || AT(d, i, "TTH")) {
        /* 'thomas', 'thames', or Germanic */
        if (AT(d, i + 2, "OM", "AM") || AT(d, 0, "VAN ", "VON ") ||
            AT(d, 0, "SCH"))
            add(d, "T");
        else
            add2(d, "0", "T");
        return i + 2;
    }
    add(d, "T");
    return AT(d, i + 1, "T", "D") ? i + 2 : i + 1;
}

static int letter_w(struct dm *d, int i)
{
    if (AT(d, i, "WR")) { /* can also be in the middle of a word */
        add(d, "R");
        return i + 2;
    }
    if (i == 0 && (vowel(d, i + 1) || AT(d, i, "WH"))) {
        /* 'Wasserman' matches 'Vasserman'; 'Uomo' matches 'Womo'. */
        if (vowel(d, i + 1))
            add2(d, "A", "F");
        else
            add(d, "A");
    }
    /* 'Arnow' matches 'Arnoff' */
    if ((i == d->last && vowel(d, i - 1)) ||
        AT(d, i - 1, "EWSKI", "EWSKY", "OWSKI", "OWSKY") || AT(d, 0, "SCH")) {
        add2(d, "", "F");
        return i + 1;
    }
    if (AT(d, i, "WICZ", "WITZ")) { /* Polish, e.g. 'filipowicz' */
        add2(d, "TS", "FX");
        return i + 4;
    }
    return i + 1;
}

static int letter_x(struct dm *d, int i)
{
    /* French, e.g. 'breaux' */
    if (!(i == d->last &&
          (AT(d, i - 3, "IAU", "EAU") || AT(d, i - 2, "AU", "OU"))))
        add(d, "KS");
    return AT(d, i + 1, "C", "X") ? i + 2 : i + 1;
}

static int letter_z(struct dm *d, int i)
{
    if (at(d, i + 1) == 'H') { /* Chinese pinyin, e.g. 'zhao' */
        add(d, "J");
        return i + 2;
    }
    if (AT(d, i + 1, "ZO", "ZI", "ZA") ||
        (d->slavo && i > 0 && at(d, i - 1) != 'T'))
        add2(d, "S", "TS");
    else
        add(d, "S");
    return skip_double(d, i, 'Z');
}

/* ------------------------------------------------------------------ */
/* The word                                                           */
/* ------------------------------------------------------------------ */

static int letter(struct dm *d, int i)
{
    const char c = at(d, i);

    switch (c) {
    case 'A':
    case 'E':
    case 'I':
    case 'O':
    case 'U':
    case 'Y':
        if (i == 0) /* every initial vowel maps to A */
            add(d, "A");
        return i + 1;
    case 'B':
        add(d, "P");
        return skip_double(d, i, 'B');
    case 'C':
        return letter_c(d, i);
    case 'D':
        return letter_d(d, i);
    case 'F':
        add(d, "F");
        return skip_double(d, i, 'F');
    case 'K':
    case 'Q':
        add(d, "K");
        return skip_double(d, i, c);
    case 'N':
        add(d, "N");
        return skip_double(d, i, 'N');
    case 'V':
        add(d, "F");
        return skip_double(d, i, 'V');
    case 'G':
        return letter_g(d, i);
    case 'H':
        return letter_h(d, i);
    case 'J':
        return letter_j(d, i);
    case 'L':
        return letter_l(d, i);
    case 'M':
        return letter_m(d, i);
    case 'P':
        return letter_p(d, i);
    case 'R':
        return letter_r(d, i);
    case 'S':
        return letter_s(d, i);
    case 'T':
        return letter_t(d, i);
    case 'W':
        return letter_w(d, i);
    case 'X':
        return letter_x(d, i);
    case 'Z':
        return letter_z(d, i);
    default:
        return i + 1;
    }
}

static bool slavo_germanic(const struct dm *d)
{
    for (int i = 0; i < d->len; i++) {
        const char c = at(d, i);

        /* "WITZ" holds a W, so Philips' fourth test adds nothing. */
        if (c == 'W' || c == 'K' || (c == 'C' && at(d, i + 1) == 'Z'))
            return true;
    }
    return false;
}

void lrs_name_metaphone(struct lrs_str word, unsigned max_len,
                        struct lrs_metaphone *out)
{
    struct dm d;
    int i = 0;

    if (word.len > LRS_NAME_CMP_MAX)
        word.len = LRS_NAME_CMP_MAX;
    if (max_len == 0)
        max_len = LRS_NAME_METAPHONE_DEFAULT;
    if (max_len > LRS_NAME_METAPHONE_MAX)
        max_len = LRS_NAME_METAPHONE_MAX;
    d.s = word.ptr;
    d.len = (int)word.len;
    d.last = d.len - 1;
    d.max = max_len;
    d.p = out->primary;
    d.a = out->alternate;
    d.plen = d.alen = 0;
    d.slavo = slavo_germanic(&d);

    /* Silent at the start of a word. */
    if (AT(&d, 0, "GN", "KN", "PN", "WR", "PS"))
        i = 1;
    /* An initial 'X' is pronounced 'Z', e.g. 'Xavier'. */
    if (at(&d, 0) == 'X') {
        add(&d, "S");
        i = 1;
    }
    while ((d.plen < d.max || d.alen < d.max) && i < d.len)
        i = letter(&d, i);
    out->primary[d.plen] = '\0';
    out->alternate[d.alen] = '\0';
}
