/*
 * corrupt.c - turning a register learner into the query a school or
 * college might send for them.
 *
 * A person is first rendered as it stands in the register; then each
 * corruption kind of the query's mask is applied in enum order. Every
 * kind changes the record (a typo that would leave the name unchanged is
 * retried), so "exact" is the only kind whose query equals the register.
 */
#include "base/base.h"

#include "synth/synth_int.h"

#include <lrs/ids.h>

const char lrs__unit_letters[] = "ABDEFGHJLNPQRSTUWXYZ";

void lrs__copy(char *out, size_t out_len, const char *s)
{
    size_t n = strlen(s);

    if (n >= out_len)
        n = out_len - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* "a-b" into out, truncated to fit (names never come near the limit). */
static void join(char *out, size_t out_len, const char *a, const char *b)
{
    const size_t n = strlen(a);

    lrs__copy(out, out_len, a);
    if (n + 1 < out_len) {
        out[n] = '-';
        lrs__copy(out + n + 1, out_len - n - 1, b);
    }
}

static const char *form(const struct lrs__surname *s, unsigned sex)
{
    return sex == 2 ? s->female : s->male;
}

void lrs__person_family(const struct lrs__person *p, char *out, size_t out_len)
{
    if (p->family[1])
        join(out, out_len, form(p->family[0], p->sex),
             form(p->family[1], p->sex));
    else
        lrs__copy(out, out_len, form(p->family[0], p->sex));
}

void lrs__person_postcode(const struct lrs__person *p, char *out,
                          size_t out_len)
{
    snprintf(out, out_len, "%s%u %u%c%c", lrs__areas[p->area].letters,
             (unsigned)p->district, (unsigned)p->sector,
             lrs__unit_letters[p->unit[0]], lrs__unit_letters[p->unit[1]]);
}

/* ------------------------------------------------------------------ */
/* Text helpers                                                       */
/* ------------------------------------------------------------------ */

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static char lower(char c)
{
    return is_upper(c) ? (char)(c - 'A' + 'a') : c;
}

static char with_case(char c, bool upper)
{
    return upper && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool has_non_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return true;
    return false;
}

/* Neighbours of each letter on a UK QWERTY keyboard, a to z. */
static const char *const keyboard[26] = {
    "qwsz",   "vghn", "xdfv",   "serfcx", "wrds",   "drtgvc", "ftyhbv",
    "gyujnb", "ujko", "huikmn", "jiolm",  "kop",    "njk",    "bhjm",
    "iklp",   "ol",   "wa",     "etdf",   "awedxz", "ryfg",   "yihj",
    "cfgb",   "qeas", "zsdc",   "tugh",   "asx",
};

static char neighbour(char c, struct rng *r)
{
    const char *n = keyboard[lower(c) - 'a'];

    return with_case(n[lrs__rng_below(r, strlen(n))], is_upper(c));
}

/*
 * One keyboard slip: substitute a neighbouring key, drop a letter, add
 * one, or swap two adjacent letters. The first letter is left alone when
 * there is another (first-letter slips are rare in practice, and most
 * matchers block on the initial). Only ASCII letters are touched, so
 * UTF-8 stays valid.
 */
static void typo(char *s, size_t cap, struct rng *r)
{
    const size_t len = strlen(s);
    size_t pos[128], n = 0;

    for (size_t i = 0; i < len && n < LRS_ARRAY_LEN(pos); i++)
        if (is_alpha(s[i]))
            pos[n++] = i;
    if (n > 1) {
        memmove(pos, pos + 1, (n - 1) * sizeof *pos);
        n--;
    }
    for (int attempt = 0; n && attempt < 16; attempt++) {
        const size_t i = pos[lrs__rng_below(r, n)];

        switch (lrs__rng_below(r, 4)) {
        case 0:
            s[i] = neighbour(s[i], r);
            return;
        case 1:
            if (len > 2) {
                memmove(s + i, s + i + 1, len - i);
                return;
            }
            break;
        case 2:
            if (len + 1 < cap) {
                memmove(s + i + 1, s + i, len - i + 1);
                s[i + 1] = lrs__rng_chance(r, 5000) ? lower(s[i])
                                                    : neighbour(lower(s[i]), r);
                return;
            }
            break;
        default:
            if (i + 1 < len && is_alpha(s[i + 1]) &&
                lower(s[i]) != lower(s[i + 1])) {
                const char a = s[i], b = s[i + 1];

                s[i] = with_case(lower(b), is_upper(a));
                s[i + 1] = with_case(lower(a), is_upper(b));
                return;
            }
            break;
        }
    }
}

/*
 * ASCII letters for U+00C0..U+017F; '_' keeps the character. Written out
 * from the Unicode charts (Latin-1 Supplement, Latin Extended-A).
 */
static const char fold_table[] = "AAAAAAACEEEEIIII"
                                 "DNOOOOO_OUUUUY_s"
                                 "aaaaaaaceeeeiiii"
                                 "dnooooo_ouuuuy_y"
                                 "AaAaAaCcCcCcCcDd"
                                 "DdEeEeEeEeEeGgGg"
                                 "GgGgHhHhIiIiIiIi"
                                 "IiIiJjKkkLlLlLlL"
                                 "lLlNnNnNnnNnOoOo"
                                 "OoOoRrRrRrSsSsSs"
                                 "SsTtTtTtUuUuUuUu"
                                 "UuUuWwYyYZzZzZzs";

/* Strip the accents of `s` in place (Zoë -> Zoe, Łukasz -> Lukasz). */
static void fold(char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    char *o = s;

    while (*p) {
        unsigned cp = 0;
        char c = 0;

        if ((p[0] & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
            cp = ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu);
            if (cp >= 0xc0 && cp <= 0x17f)
                c = fold_table[cp - 0xc0];
            else if (cp == 0x218 || cp == 0x21a)
                c = cp == 0x218 ? 'S' : 'T';
            else if (cp == 0x219 || cp == 0x21b)
                c = cp == 0x219 ? 's' : 't';
        }
        if (c && c != '_') {
            *o++ = c;
            p += 2;
        } else {
            *o++ = (char)*p++;
        }
    }
    *o = '\0';
}

/* ------------------------------------------------------------------ */
/* Kinds                                                              */
/* ------------------------------------------------------------------ */

static bool diacritics_apply(const struct lrs__person *p)
{
    char family[128];

    lrs__person_family(p, family, sizeof family);
    return has_non_ascii(p->given) || has_non_ascii(family) ||
           lrs__accented(p->given) != NULL;
}

static bool kind_applicable(enum lrs_synth_kind k, const struct lrs__person *p)
{
    struct lrs_date d;

    switch (k) {
    case LRS_SYNTH_NICKNAME:
        return p->preferred || lrs__nicknames(p->given);
    case LRS_SYNTH_DOB_SWAP:
        d = lrs_date_from_days(p->dob);
        return d.day <= 12 && d.day != d.month;
    case LRS_SYNTH_DIACRITICS:
        return diacritics_apply(p);
    case LRS_SYNTH_PREVIOUS_NAME:
        return p->previous != NULL;
    case LRS_SYNTH_NO_MIDDLE:
        return p->middle[0] != NULL;
    default:
        return true;
    }
}

bool lrs__kinds_applicable(uint32_t mask, const struct lrs__person *p)
{
    for (int k = 0; k < LRS_SYNTH_KIND__COUNT; k++)
        if ((mask >> k) & 1u && !kind_applicable((enum lrs_synth_kind)k, p))
            return false;
    return true;
}

static void nickname(const struct lrs__person *p, struct rng *r,
                     struct lrs__query *q)
{
    const char *const *n = lrs__nicknames(p->given);
    size_t count = 0;

    if (p->preferred && (!n || lrs__rng_chance(r, 5000))) {
        lrs__copy(q->given, sizeof q->given, p->preferred);
        return;
    }
    while (n && n[count])
        count++;
    if (count)
        lrs__copy(q->given, sizeof q->given, n[lrs__rng_below(r, count)]);
}

static void swap_names(struct lrs__query *q)
{
    char tmp[sizeof q->given];

    memcpy(tmp, q->given, sizeof tmp);
    memcpy(q->given, q->family, sizeof tmp);
    memcpy(q->family, tmp, sizeof tmp);
}

static void dob_swap(struct lrs__query *q)
{
    struct lrs_date d = lrs_date_from_days(q->dob);
    const uint8_t day = d.day;

    d.day = d.month;
    d.month = day;
    q->dob = lrs_date_to_days(d);
}

/* One of day, month or year wrong by a little, still a real date. */
static void dob_typo(struct lrs__query *q, struct rng *r)
{
    const struct lrs_date orig = lrs_date_from_days(q->dob);

    for (;;) {
        struct lrs_date d = orig;
        const int delta = lrs__rng_chance(r, 5000) ? 1 : -1;
        const uint32_t part = lrs__rng_below(r, 4);

        if (part < 2)
            d.day = (uint8_t)(d.day + delta * (1 + (int)part));
        else if (part == 2)
            d.month = (uint8_t)(d.month + delta);
        else
            d.year = (int16_t)(d.year + delta);
        if (lrs_date_valid(d.year, d.month, d.day)) {
            q->dob = lrs_date_to_days(d);
            return;
        }
    }
}

static void moved(const struct lrs__tables *t, const struct lrs__person *p,
                  struct rng *r, struct lrs__query *q)
{
    struct lrs__person n = *p;
    char pc[12];

    do {
        if (lrs__rng_chance(r, 6000)) {
            /* Nearby: the same area, usually the same district. */
            if (lrs__rng_chance(r, 3000))
                n.district =
                    (uint8_t)(1 + lrs__rng_below(
                                      r, lrs__areas[n.area].max_district));
            n.sector = (uint8_t)lrs__rng_below(r, 10);
            n.unit[0] = (uint8_t)lrs__rng_below(r, LRS__UNIT_LETTER_COUNT);
            n.unit[1] = (uint8_t)lrs__rng_below(r, LRS__UNIT_LETTER_COUNT);
        } else {
            lrs__random_address(t, &n, r);
        }
        lrs__person_postcode(&n, pc, sizeof pc);
    } while (strcmp(pc, q->postcode) == 0);
    lrs__copy(q->postcode, sizeof q->postcode, pc);
}

static const char *other_surname(const struct lrs__tables *t,
                                 const struct lrs__person *p, struct rng *r,
                                 const char * not )
{
    for (;;) {
        const struct lrs__wlist *l = lrs__rng_chance(r, 5000)
                                         ? &t->surnames[GROUP_ENGLISH]
                                         : &t->surnames[p->group];
        const char *s = form(lrs__draw_surname(l, r), p->sex);

        if (!strstr(not, s) && !strchr(s, '-'))
            return s;
    }
}

/* Add a second part to a family name, drop one, or unhyphenate it. */
static void hyphenate(const struct lrs__tables *t, const struct lrs__person *p,
                      struct rng *r, struct lrs__query *q)
{
    char *dash = strchr(q->family, '-');
    char tmp[sizeof q->family];
    const uint32_t x = lrs__rng_below(r, 100);

    if (!dash) {
        const char *o = other_surname(t, p, r, q->family);

        if (x < 50)
            join(tmp, sizeof tmp, q->family, o);
        else
            join(tmp, sizeof tmp, o, q->family);
    } else if (x < 45) {
        *dash = '\0';
        lrs__copy(tmp, sizeof tmp, q->family);
    } else if (x < 90) {
        lrs__copy(tmp, sizeof tmp, dash + 1);
    } else {
        *dash = ' ';
        lrs__copy(tmp, sizeof tmp, q->family);
    }
    memcpy(q->family, tmp, sizeof tmp);
}

static void diacritics(struct lrs__query *q)
{
    const char *acc = lrs__accented(q->given);

    if (has_non_ascii(q->given) || has_non_ascii(q->family)) {
        fold(q->given);
        fold(q->middle);
        fold(q->family);
    } else if (acc) {
        lrs__copy(q->given, sizeof q->given, acc);
    }
}

static void render(const struct lrs__person *p, struct lrs__query *q)
{
    size_t n = 0;

    lrs__copy(q->given, sizeof q->given, p->given);
    q->middle[0] = '\0';
    for (int i = 0; i < 2 && p->middle[i]; i++)
        n += (size_t)snprintf(q->middle + n, sizeof q->middle - n, "%s%s",
                              i ? " " : "", p->middle[i]);
    lrs__person_family(p, q->family, sizeof q->family);
    q->dob = p->dob;
    q->gender = p->gender;
    lrs__person_postcode(p, q->postcode, sizeof q->postcode);
}

static void apply(const struct lrs__tables *t, const struct lrs__person *p,
                  enum lrs_synth_kind k, struct rng *r, struct lrs__query *q)
{
    switch (k) {
    case LRS_SYNTH_TYPO_GIVEN:
        typo(q->given, sizeof q->given, r);
        break;
    case LRS_SYNTH_TYPO_FAMILY:
        typo(q->family, sizeof q->family, r);
        break;
    case LRS_SYNTH_NICKNAME:
        nickname(p, r, q);
        break;
    case LRS_SYNTH_SWAPPED_NAMES:
        swap_names(q);
        break;
    case LRS_SYNTH_DOB_SWAP:
        dob_swap(q);
        break;
    case LRS_SYNTH_DOB_TYPO:
        dob_typo(q, r);
        break;
    case LRS_SYNTH_MOVED:
        moved(t, p, r, q);
        break;
    case LRS_SYNTH_NO_POSTCODE:
        q->postcode[0] = '\0';
        break;
    case LRS_SYNTH_NO_GENDER:
        q->gender = -1;
        break;
    case LRS_SYNTH_HYPHENATED:
        hyphenate(t, p, r, q);
        break;
    case LRS_SYNTH_DIACRITICS:
        diacritics(q);
        break;
    case LRS_SYNTH_MARRIED_NAME:
        lrs__copy(q->family, sizeof q->family,
                  other_surname(t, p, r, q->family));
        break;
    case LRS_SYNTH_PREVIOUS_NAME:
        if (LRS_ALWAYS(p->previous))
            lrs__copy(q->family, sizeof q->family, form(p->previous, p->sex));
        break;
    case LRS_SYNTH_NO_MIDDLE:
        q->middle[0] = '\0';
        break;
    default:
        break;
    }
}

void lrs__corrupt(const struct lrs__tables *t, const struct lrs__person *p,
                  uint32_t mask, struct rng *r, struct lrs__query *q)
{
    render(p, q);
    for (int k = 0; k < LRS_SYNTH_KIND__COUNT; k++)
        if ((mask >> k) & 1u)
            apply(t, p, (enum lrs_synth_kind)k, r, q);
}
