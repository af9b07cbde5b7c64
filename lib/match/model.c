/*
 * model.c - the model as text: a stable, versioned "key value" file
 * (docs/matching.md, "Model file"), its strict reader, and the checks
 * every model must pass.
 *
 * One table (`keys`) lists every key in file order with where its value
 * lives and what it may hold; the writer walks it, and the reader looks
 * each line's key up in it, so the two cannot drift apart. Levels that
 * are fixed by definition (missing and none: m = u = 1; the given and
 * middle "former" level, and the given and family "one_side", which never
 * occur) are not in the file.
 *
 * Numbers are written in the shortest form that reads back to the same
 * double, so write(read(write(m))) is byte-identical to write(m). The
 * reader accepts only plain decimal numbers (no sign but '-', no hex,
 * no inf or nan) and parses them with strtod() in the C locale, which is
 * the only locale the library runs in.
 */
#include "base/base.h"

#include "match/match_int.h"

#include <math.h>
#include <stdlib.h>

#define MODEL_MAGIC "lrs-match-model"
/* Version 2 added pair_prior and high_weak, version 3 the middle-name
 * level one_side; an older file is read with the shipped values
 * of what it lacks. */
#define MODEL_VERSION 3

/* What a key holds. */
enum kind {
    K_M,    /* an m probability, (0, 1] */
    K_U,    /* a u probability, (0, 1] */
    K_BOOL, /* 0 or 1 */
    K_REAL, /* a number in [min, max] */
    K_UINT, /* a whole number in [min, max] */
};

/* Arrays of m/u pairs in the model. */
enum arr {
    A_GIVEN,
    A_MIDDLE,
    A_FAMILY,
    A_DOB,
    A_GENDER,
    A_POSTCODE,
    A_SWAPPED,
    A_NONE,
};

struct key {
    const char *name; /* static: it is also the diag field */
    enum kind kind;
    enum arr arr; /* K_M, K_U: the array */
    unsigned level;
    size_t off; /* other kinds: offset in struct lrs_match_model */
    double min, max;
    unsigned since; /* the file version that added it; 0 = version 1 */
};

#define MU(f, lv, a, l)                                                        \
    {f "." lv ".m", K_M, a, l, 0, 0, 0, 0},                                    \
    {                                                                          \
        f "." lv ".u", K_U, a, l, 0, 0, 0, 0                                   \
    }
#define MU_SINCE(v, f, lv, a, l)                                               \
    {f "." lv ".m", K_M, a, l, 0, 0, 0, v},                                    \
    {                                                                          \
        f "." lv ".u", K_U, a, l, 0, 0, 0, v                                   \
    }
#define NAME_LEVELS(f, a)                                                      \
    MU(f, "exact", a, LRS_MATCH_NAME_EXACT),                                   \
        MU(f, "token", a, LRS_MATCH_NAME_TOKEN)
#define NAME_REST(f, a)                                                        \
    MU(f, "variant", a, LRS_MATCH_NAME_VARIANT),                               \
        MU(f, "jw_high", a, LRS_MATCH_NAME_JW_HIGH),                           \
        MU(f, "jw_mid", a, LRS_MATCH_NAME_JW_MID),                             \
        MU(f, "one_edit", a, LRS_MATCH_NAME_ONE_EDIT),                         \
        MU(f, "phonetic", a, LRS_MATCH_NAME_PHONETIC),                         \
        MU(f, "initial", a, LRS_MATCH_NAME_INITIAL),                           \
        MU(f, "different", a, LRS_MATCH_NAME_DIFFERENT)
#define SCALAR(n, k, field, lo, hi)                                            \
    {                                                                          \
#n, k, A_NONE, 0, offsetof(struct lrs_match_model, field), lo, hi, 0   \
    }
#define SCALAR_SINCE(v, n, k, field, lo, hi)                                   \
    {                                                                          \
#n, k, A_NONE, 0, offsetof(struct lrs_match_model, field), lo, hi, v   \
    }

static const struct key keys[] = {
    NAME_LEVELS("given", A_GIVEN),
    NAME_REST("given", A_GIVEN),
    NAME_LEVELS("middle", A_MIDDLE),
    NAME_REST("middle", A_MIDDLE),
    MU_SINCE(3, "middle", "one_side", A_MIDDLE, LRS_MATCH_NAME_ONE_SIDE),
    NAME_LEVELS("family", A_FAMILY),
    MU("family", "former", A_FAMILY, LRS_MATCH_NAME_FORMER),
    NAME_REST("family", A_FAMILY),
    MU("dob", "exact", A_DOB, LRS_MATCH_DOB_EXACT),
    MU("dob", "swapped", A_DOB, LRS_MATCH_DOB_SWAPPED),
    MU("dob", "one_part", A_DOB, LRS_MATCH_DOB_ONE_PART),
    MU("dob", "different", A_DOB, LRS_MATCH_DOB_DIFFERENT),
    MU("gender", "same", A_GENDER, LRS_MATCH_GENDER_SAME),
    MU("gender", "different", A_GENDER, LRS_MATCH_GENDER_DIFFERENT),
    MU("postcode", "exact", A_POSTCODE, LRS_MATCH_POSTCODE_EXACT),
    MU("postcode", "sector", A_POSTCODE, LRS_MATCH_POSTCODE_SECTOR),
    MU("postcode", "district", A_POSTCODE, LRS_MATCH_POSTCODE_DISTRICT),
    MU("postcode", "area", A_POSTCODE, LRS_MATCH_POSTCODE_AREA),
    MU("postcode", "different", A_POSTCODE, LRS_MATCH_POSTCODE_DIFFERENT),
    {"swapped.m", K_M, A_SWAPPED, 0, 0, 0, 0, 0},
    {"swapped.u", K_U, A_SWAPPED, 0, 0, 0, 0, 0},
    SCALAR(name_frequency, K_BOOL, name_frequency, 0, 1),
    SCALAR(name_u_floor, K_REAL, name_u_floor, 1e-12, 1),
    SCALAR(name_prior, K_REAL, name_prior, 0, 1e12),
    SCALAR_SINCE(2, pair_prior, K_REAL, pair_prior, 0, 1e12),
    SCALAR(variant_common, K_REAL, variant_common, 0, 1),
    SCALAR(jw_high, K_REAL, jw_high, 0, 1),
    SCALAR(jw_mid, K_REAL, jw_mid, 0, 1),
    SCALAR(high, K_REAL, high, -100, 100),
    SCALAR(low, K_REAL, low, -100, 100),
    SCALAR(margin, K_REAL, margin, 0, 100),
    SCALAR_SINCE(2, high_weak, K_REAL, high_weak, 0, 100),
    SCALAR(min_register, K_REAL, min_register, 1, 1e12),
    SCALAR(max_possible, K_UINT, max_possible, 1, 1000),
    SCALAR(max_block, K_UINT, max_block, 1, 1u << 30),
    SCALAR(max_candidates, K_UINT, max_candidates, 1, 1u << 24),
};

#define KEY_COUNT LRS_ARRAY_LEN(keys)

static struct lrs_match_mu *mu_of(struct lrs_match_model *m,
                                  const struct key *k)
{
    switch (k->arr) {
    case A_GIVEN:
        return &m->given[k->level];
    case A_MIDDLE:
        return &m->middle[k->level];
    case A_FAMILY:
        return &m->family[k->level];
    case A_DOB:
        return &m->dob[k->level];
    case A_GENDER:
        return &m->gender[k->level];
    case A_POSTCODE:
        return &m->postcode[k->level];
    case A_SWAPPED:
        return &m->swapped;
    default:
        LRS_BUG("a model key without an m/u pair");
    }
}

static double *real_of(struct lrs_match_model *m, const struct key *k)
{
    if (k->kind == K_M)
        return &mu_of(m, k)->m;
    if (k->kind == K_U)
        return &mu_of(m, k)->u;
    return (double *)(void *)((char *)m + k->off);
}

/* ------------------------------------------------------------------ */
/* Checks                                                             */
/* ------------------------------------------------------------------ */

/* The levels fixed by definition, which the file does not hold. */
void lrs__model_fixed(struct lrs_match_model *m)
{
    const struct lrs_match_mu one = {1, 1};

    m->given[LRS_MATCH_NAME_MISSING] = one;
    m->given[LRS_MATCH_NAME_FORMER] = one;
    m->given[LRS_MATCH_NAME_NONE] = one;
    m->given[LRS_MATCH_NAME_ONE_SIDE] = one;
    m->middle[LRS_MATCH_NAME_NONE] = one;
    m->family[LRS_MATCH_NAME_NONE] = one;
    m->family[LRS_MATCH_NAME_ONE_SIDE] = one;
    m->middle[LRS_MATCH_NAME_MISSING] = one;
    m->middle[LRS_MATCH_NAME_FORMER] = one;
    m->family[LRS_MATCH_NAME_MISSING] = one;
    m->dob[LRS_MATCH_DOB_MISSING] = one;
    m->gender[LRS_MATCH_GENDER_MISSING] = one;
    m->postcode[LRS_MATCH_POSTCODE_UNKNOWN] = one;
}

static bool prob_ok(double v)
{
    return v > 0 && v <= 1;
}

/* Whether the value of key `k` in `m` is in its range. */
static bool value_ok(const struct lrs_match_model *m, const struct key *k)
{
    struct lrs_match_model *w = (struct lrs_match_model *)m;

    switch (k->kind) {
    case K_M:
    case K_U:
        return prob_ok(*real_of(w, k));
    case K_BOOL:
        return true;
    case K_REAL: {
        const double v = *real_of(w, k);

        return v >= k->min && v <= k->max;
    }
    case K_UINT: {
        const unsigned v =
            *(const unsigned *)(const void *)((const char *)m + k->off);

        return v >= k->min && v <= k->max;
    }
    }
    return false;
}

/* "[line N: ]KEY must be ..." into `diag`; `prefix` is "" or "line N: ". */
static void range_msg(const struct key *k, struct lrs_diag *diag,
                      const char *prefix)
{
    if (k->kind == K_M || k->kind == K_U)
        lrs_diag_set(diag, k->name, "%s%s must be a probability in (0, 1]",
                     prefix, k->name);
    else if (k->kind == K_BOOL)
        lrs_diag_set(diag, k->name, "%s%s must be 0 or 1", prefix, k->name);
    else
        lrs_diag_set(diag, k->name, "%s%s must be in [%.15g, %.15g]", prefix,
                     k->name, k->min, k->max);
}

enum lrs_err lrs_match_model_check(const struct lrs_match_model *m,
                                   struct lrs_diag *diag)
{
    for (size_t i = 0; i < KEY_COUNT; i++) {
        if (!value_ok(m, &keys[i])) {
            range_msg(&keys[i], diag, "");
            return LRS_ERR(LRS_EINVAL);
        }
    }
    if (m->jw_mid > m->jw_high) {
        lrs_diag_set(diag, "jw_mid", "must not exceed jw_high");
        return LRS_ERR(LRS_EINVAL);
    }
    if (!(m->high - m->low >= m->margin)) {
        lrs_diag_set(diag, "margin", "high - low must be at least margin");
        return LRS_ERR(LRS_EINVAL);
    }
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Writing                                                            */
/* ------------------------------------------------------------------ */

/* The shortest %g text of `v` that reads back as `v`. */
static void fmt_double(double v, char out[32])
{
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

enum lrs_err lrs_match_model_write(const struct lrs_match_model *model,
                                   struct lrs_buf *out)
{
    struct lrs_match_model *m = (struct lrs_match_model *)model;
    enum lrs_err err;

    err = lrs_buf_addf(out,
                       "# openlrs match model (docs/matching.md, "
                       "\"Model file\")\n%s %d\n",
                       MODEL_MAGIC, MODEL_VERSION);
    for (size_t i = 0; !err && i < KEY_COUNT; i++) {
        const struct key *k = &keys[i];
        char num[32];

        if (k->kind == K_BOOL) {
            err = lrs_buf_addf(out, "%s %d\n", k->name, m->name_frequency);
        } else if (k->kind == K_UINT) {
            err = lrs_buf_addf(
                out, "%s %u\n", k->name,
                *(const unsigned *)(const void *)((const char *)m + k->off));
        } else {
            fmt_double(*real_of(m, k), num);
            err = lrs_buf_addf(out, "%s %s\n", k->name, num);
        }
    }
    return err;
}

/* ------------------------------------------------------------------ */
/* Reading                                                            */
/* ------------------------------------------------------------------ */

static bool digits(struct lrs_str s, size_t *i)
{
    const size_t start = *i;

    while (*i < s.len && s.ptr[*i] >= '0' && s.ptr[*i] <= '9')
        (*i)++;
    return *i > start;
}

/* -?D+(.D+)?([eE][+-]?D+)? and at most 40 bytes. */
static bool plain_number(struct lrs_str s)
{
    size_t i = 0;

    if (s.len == 0 || s.len > 40)
        return false;
    if (s.ptr[0] == '-')
        i++;
    if (!digits(s, &i))
        return false;
    if (i < s.len && s.ptr[i] == '.') {
        i++;
        if (!digits(s, &i))
            return false;
    }
    if (i < s.len && (s.ptr[i] == 'e' || s.ptr[i] == 'E')) {
        i++;
        if (i < s.len && (s.ptr[i] == '+' || s.ptr[i] == '-'))
            i++;
        if (!digits(s, &i))
            return false;
    }
    return i == s.len;
}

static const struct key *key_find(struct lrs_str name)
{
    for (size_t i = 0; i < KEY_COUNT; i++)
        if (lrs_str_eq(name, lrs_str_c(keys[i].name)))
            return &keys[i];
    return NULL;
}

/* Set key `k` of `m` from the text `v`, or explain why not. */
static enum lrs_err set_value(struct lrs_match_model *m, const struct key *k,
                              struct lrs_str v, unsigned long line,
                              struct lrs_diag *diag)
{
    char buf[48], prefix[96];
    double d;

    snprintf(prefix, sizeof prefix, "line %lu: ", line);
    if (!plain_number(v)) {
        lrs_diag_set(diag, k->name,
                     "line %lu: %s: '%.*s' is not a plain decimal number", line,
                     k->name, (int)(v.len > 40 ? 40 : v.len), v.ptr);
        return LRS_ERR(LRS_EINVAL);
    }
    memcpy(buf, v.ptr, v.len);
    buf[v.len] = '\0';
    d = strtod(buf, NULL);
    if (k->kind == K_BOOL || k->kind == K_UINT) {
        uint64_t u;

        if (lrs_parse_u64(v, (uint64_t)k->min, (uint64_t)k->max, &u)) {
            range_msg(k, diag, prefix);
            return LRS_ERR(LRS_EINVAL);
        }
        if (k->kind == K_BOOL)
            m->name_frequency = u == 1;
        else
            *(unsigned *)(void *)((char *)m + k->off) = (unsigned)u;
        return LRS_OK;
    }
    if (!isfinite(d)) {
        range_msg(k, diag, prefix);
        return LRS_ERR(LRS_EINVAL);
    }
    *real_of(m, k) = d;
    if (!value_ok(m, k)) {
        range_msg(k, diag, prefix);
        return LRS_ERR(LRS_EINVAL);
    }
    return LRS_OK;
}

/* The header line: "lrs-match-model VERSION". */
static enum lrs_err check_header(struct lrs_str line, unsigned long n,
                                 unsigned *out, struct lrs_diag *diag)
{
    const struct lrs_str magic = lrs_str_c(MODEL_MAGIC " ");
    uint64_t version;

    if (line.len <= magic.len || memcmp(line.ptr, magic.ptr, magic.len) != 0) {
        lrs_diag_set(diag, "version",
                     "line %lu: expected '%s %d' before any key", n,
                     MODEL_MAGIC, MODEL_VERSION);
        return LRS_ERR(LRS_EINVAL);
    }
    line.ptr += magic.len;
    line.len -= magic.len;
    if (lrs_parse_u64(line, 1, UINT32_MAX, &version)) {
        lrs_diag_set(diag, "version",
                     "line %lu: the version is not a "
                     "whole number",
                     n);
        return LRS_ERR(LRS_EINVAL);
    }
    if (version > MODEL_VERSION) {
        lrs_diag_set(diag, "version",
                     "line %lu: version %llu, this program reads version %d "
                     "and older",
                     n, (unsigned long long)version, MODEL_VERSION);
        return LRS_ERR(LRS_EINVAL);
    }
    *out = (unsigned)version;
    return LRS_OK;
}

/* One "key value" line. */
static enum lrs_err read_line(struct lrs_match_model *m, struct lrs_str line,
                              unsigned long n, unsigned version,
                              bool seen[KEY_COUNT], struct lrs_diag *diag)
{
    const char *sp = memchr(line.ptr, ' ', line.len);
    struct lrs_str name, value;
    const struct key *k;

    if (!sp) {
        lrs_diag_set(diag, "model", "line %lu: expected 'key value'", n);
        return LRS_ERR(LRS_EINVAL);
    }
    name = (struct lrs_str){line.ptr, (size_t)(sp - line.ptr)};
    value = (struct lrs_str){sp + 1, line.len - name.len - 1};
    k = key_find(name);
    if (!k) {
        lrs_diag_set(diag, "model", "line %lu: unknown key '%.*s'", n,
                     (int)(name.len > 40 ? 40 : name.len), name.ptr);
        return LRS_ERR(LRS_EINVAL);
    }
    if (seen[k - keys]) {
        lrs_diag_set(diag, k->name, "line %lu: '%s' is given twice", n,
                     k->name);
        return LRS_ERR(LRS_EINVAL);
    }
    if (k->since > version) {
        lrs_diag_set(diag, k->name, "line %lu: '%s' is not a key of version %u",
                     n, k->name, version);
        return LRS_ERR(LRS_EINVAL);
    }
    seen[k - keys] = true;
    return set_value(m, k, value, n, diag);
}

enum lrs_err lrs_match_model_read(struct lrs_str text,
                                  struct lrs_match_model *out,
                                  struct lrs_diag *diag)
{
    struct lrs_match_model m;
    bool seen[KEY_COUNT] = {false}, header = false;
    unsigned long n = 0;
    unsigned version = 0;
    size_t pos = 0;
    enum lrs_err err;

    memset(&m, 0, sizeof m);
    lrs__model_fixed(&m);
    while (pos < text.len) {
        const char *nl = memchr(text.ptr + pos, '\n', text.len - pos);
        const size_t end = nl ? (size_t)(nl - text.ptr) : text.len;
        const struct lrs_str line = {text.ptr + pos, end - pos};

        n++;
        pos = nl ? end + 1 : end;
        for (size_t i = 0; i < line.len; i++) {
            const unsigned char c = (unsigned char)line.ptr[i];

            if (c < 0x20 || c == 0x7f) {
                lrs_diag_set(diag, "model",
                             "line %lu: control character 0x%02x", n, c);
                return LRS_ERR(LRS_EINVAL);
            }
        }
        if (line.len == 0 || line.ptr[0] == '#')
            continue;
        err = header ? read_line(&m, line, n, version, seen, diag)
                     : check_header(line, n, &version, diag);
        if (err)
            return err;
        header = true;
    }
    if (!header) {
        lrs_diag_set(diag, "version", "line %lu: no '%s %d' line", n,
                     MODEL_MAGIC, MODEL_VERSION);
        return LRS_ERR(LRS_EINVAL);
    }
    for (size_t i = 0; i < KEY_COUNT; i++) {
        if (!seen[i] && keys[i].since > version) {
            /* Added after the file's version: the shipped value. */
            struct lrs_match_model def;

            lrs_match_model_default(&def);
            *real_of(&m, &keys[i]) = *real_of(&def, &keys[i]);
        } else if (!seen[i]) {
            lrs_diag_set(diag, keys[i].name,
                         "line %lu (end of file): key '%s' is missing", n,
                         keys[i].name);
            return LRS_ERR(LRS_EINVAL);
        }
    }
    err = lrs_match_model_check(&m, diag);
    if (err)
        return err;
    *out = m;
    return LRS_OK;
}
