/*
 * service/verify.c - verifyLearner: a ULN and names against the register
 * (lrs/plr.h, docs/plr.md).
 *
 * The rule is a pure function (lrs_verify_compare) so that the results
 * upload, exam entries and the PLR read all verify the same way; the
 * store-facing calls look the learner up (following merges), compare and
 * audit. Names are compared in their normalised form (lrs/text.h), so
 * case, accents, apostrophes and hyphens never make a difference.
 */
#include "base/base.h"

#include <lrs/match.h>
#include <lrs/plr.h>
#include <lrs/text.h>

#include "service/plr_int.h"
#include "service/service_int.h"

/* The similarity thresholds of docs/plr.md. */
#define JW_SIMILAR       0.94
#define ONE_EDIT_MIN_LEN 4

static const char *const code_names[] = {
    "WSVRC000", "WSVRC001", "WSVRC002", "WSVRC003",
    "WSVRC004", "WSVRC005", "WSVRC006",
};

static const char *const code_texts[] = {
    "unknown",       "successful match",     "successful linked match",
    "similar match", "similar linked match", "learner does not match",
    "ULN not found",
};

const char *lrs_verify_code_name(enum lrs_verify_code code)
{
    const unsigned c = (unsigned)code;

    return c < LRS_ARRAY_LEN(code_names) ? code_names[c] : code_names[0];
}

const char *lrs_verify_code_text(enum lrs_verify_code code)
{
    const unsigned c = (unsigned)code;

    return c < LRS_ARRAY_LEN(code_texts) ? code_texts[c] : code_texts[0];
}

bool lrs_verify_accepted(enum lrs_verify_code code)
{
    return code >= LRS_VERIFY_MATCH && code <= LRS_VERIFY_LINKED_SIMILAR;
}

enum lrs_err lrs_verify_flags_text(unsigned flags, struct lrs_buf *out)
{
    enum lrs_err err = LRS_OK;
    bool first = true;

    for (unsigned i = 0; !err && i < 8; i++) {
        if (!(flags & (1u << i)))
            continue;
        err = lrs_buf_addf(out, "%sVRF%u", first ? "" : " ", i + 1);
        first = false;
    }
    return err;
}

const char *lrs_verify_level_name(enum lrs_verify_level level)
{
    switch (level) {
    case LRS_VERIFY_EXACT:
        return "exact";
    case LRS_VERIFY_SIMILAR_LEVEL:
        return "similar";
    case LRS_VERIFY_DIFFERENT:
        return "different";
    case LRS_VERIFY_NOT_GIVEN:
        return "not given";
    }
    return "unknown";
}

/* ------------------------------------------------------------------ */
/* Names                                                              */
/* ------------------------------------------------------------------ */

/* `a` without its spaces into `out`. */
static struct lrs_str squeeze(struct lrs_str a, char out[LRS_NAME_SIZE])
{
    size_t n = 0;

    for (size_t i = 0; i < a.len && n < LRS_NAME_MAX; i++)
        if (a.ptr[i] != ' ')
            out[n++] = a.ptr[i];
    out[n] = '\0';
    return (struct lrs_str){out, n};
}

/* Whether every token of `small` is a token of `big`. */
static bool tokens_within(struct lrs_str small, struct lrs_str big)
{
    struct lrs_str rest = small, tok;
    size_t count = 0;

    while (lrs_name_token_next(&rest, &tok)) {
        struct lrs_str r2 = big, t2;
        bool found = false;

        while (!found && lrs_name_token_next(&r2, &t2))
            found = lrs_str_eq(tok, t2);
        if (!found)
            return false;
        count++;
    }
    return count > 0;
}

/* The first token of a normalised name. */
static struct lrs_str first_token(struct lrs_str a)
{
    struct lrs_str tok = {a.ptr, 0};

    lrs_name_token_next(&a, &tok);
    return tok;
}

/* Compare two normalised names (see lrs_verify_name). */
static enum lrs_verify_level compare_norm(struct lrs_str a, struct lrs_str b,
                                          bool given, const char **why)
{
    char sa[LRS_NAME_SIZE], sb[LRS_NAME_SIZE];

    *why = "different";
    if (a.len == 0 || b.len == 0)
        return LRS_VERIFY_DIFFERENT;
    if (lrs_str_eq(a, b)) {
        *why = "exact";
        return LRS_VERIFY_EXACT;
    }
    if (lrs_str_eq(squeeze(a, sa), squeeze(b, sb))) {
        *why = "spacing";
        return LRS_VERIFY_SIMILAR_LEVEL;
    }
    if (tokens_within(a, b) || tokens_within(b, a)) {
        *why = "tokens";
        return LRS_VERIFY_SIMILAR_LEVEL;
    }
    if (given && lrs_match_nickname(first_token(a), first_token(b))) {
        *why = "nickname";
        return LRS_VERIFY_SIMILAR_LEVEL;
    }
    if (lrs_name_jaro_winkler(a, b) >= JW_SIMILAR) {
        *why = "jaro-winkler";
        return LRS_VERIFY_SIMILAR_LEVEL;
    }
    if (a.len >= ONE_EDIT_MIN_LEN && b.len >= ONE_EDIT_MIN_LEN &&
        lrs_name_damerau_levenshtein(a, b, 1) <= 1) {
        *why = "one edit";
        return LRS_VERIFY_SIMILAR_LEVEL;
    }
    return LRS_VERIFY_DIFFERENT;
}

/* Normalise `raw` into `out`; "" when it cannot be normalised. */
static struct lrs_str norm(const char *raw, char out[LRS_NAME_SIZE])
{
    size_t n = 0;

    if (lrs_name_normalise_to(lrs_str_c(raw), "name", out, &n, NULL))
        n = 0;
    out[n] = '\0';
    return (struct lrs_str){out, n};
}

enum lrs_verify_level lrs_verify_name(struct lrs_str a, struct lrs_str b,
                                      bool given, const char **why)
{
    char na[LRS_NAME_SIZE], nb[LRS_NAME_SIZE];
    const char *w;
    size_t la = 0, lb = 0;

    if (lrs_name_normalise_to(a, "name", na, &la, NULL))
        la = 0;
    if (lrs_name_normalise_to(b, "name", nb, &lb, NULL))
        lb = 0;
    const enum lrs_verify_level lv = compare_norm(
        (struct lrs_str){na, la}, (struct lrs_str){nb, lb}, given, &w);
    if (why)
        *why = w;
    return lv;
}

/* ------------------------------------------------------------------ */
/* The rule                                                           */
/* ------------------------------------------------------------------ */

static bool agrees(enum lrs_verify_level l)
{
    return l == LRS_VERIFY_EXACT || l == LRS_VERIFY_SIMILAR_LEVEL;
}

static enum lrs_verify_level compare_dob(struct lrs_date in,
                                         struct lrs_date reg)
{
    int parts;

    if (in.year == 0)
        return LRS_VERIFY_NOT_GIVEN;
    if (in.year == reg.year && in.month == reg.month && in.day == reg.day)
        return LRS_VERIFY_EXACT;
    /* Day and month swapped (02/03 for 03/02), or one part mistyped. */
    if (in.year == reg.year && in.month == reg.day && in.day == reg.month)
        return LRS_VERIFY_SIMILAR_LEVEL;
    parts =
        (in.year != reg.year) + (in.month != reg.month) + (in.day != reg.day);
    return parts == 1 ? LRS_VERIFY_SIMILAR_LEVEL : LRS_VERIFY_DIFFERENT;
}

static bool gender_known(enum lrs_gender g)
{
    return g == LRS_GENDER_MALE || g == LRS_GENDER_FEMALE;
}

void lrs_verify_compare(const struct lrs_learner *reg, bool linked,
                        const struct lrs_verify_input *in,
                        struct lrs_verify_result *out)
{
    char ig[LRS_NAME_SIZE], ifam[LRS_NAME_SIZE];
    char rg[LRS_NAME_SIZE], rpg[LRS_NAME_SIZE], rf[LRS_NAME_SIZE],
        rpf[LRS_NAME_SIZE];
    const struct lrs_str g = norm(in->given_name, ig);
    const struct lrs_str f = norm(in->family_name, ifam);
    const struct lrs_str reg_g = norm(reg->given_name, rg);
    const struct lrs_str reg_pg = norm(reg->preferred_given_name, rpg);
    const struct lrs_str reg_f = norm(reg->family_name, rf);
    const struct lrs_str reg_pf = norm(reg->previous_family_name, rpf);
    const char *w;
    bool name_ok, similar;

    memset(out, 0, sizeof *out);
    memcpy(out->uln, in->uln, sizeof out->uln);
    memcpy(out->master_uln, reg->uln, sizeof out->master_uln);

    /* Given name: the registered given name, or the preferred one
     * (only ever similar). */
    out->given = compare_norm(g, reg_g, true, &out->given_why);
    if (!agrees(out->given) && agrees(compare_norm(g, reg_pg, true, &w))) {
        out->given = LRS_VERIFY_SIMILAR_LEVEL;
        out->given_why = "preferred given name";
    }
    /* Family name: the registered one, or the previous one (similar). */
    out->family = compare_norm(f, reg_f, false, &out->family_why);
    if (!agrees(out->family) && agrees(compare_norm(f, reg_pf, false, &w))) {
        out->family = LRS_VERIFY_SIMILAR_LEVEL;
        out->family_why = "previous family name";
    }
    /* Given and family names swapped: similar, not a failure. */
    if (!agrees(out->given) && !agrees(out->family) &&
        agrees(compare_norm(g, reg_f, false, &w)) &&
        agrees(compare_norm(f, reg_g, true, &w))) {
        out->given = out->family = LRS_VERIFY_SIMILAR_LEVEL;
        out->given_why = out->family_why = "swapped";
        out->swapped = true;
    }
    if (!agrees(out->given)) {
        out->flags |= LRS_VRF1;
        if (!agrees(compare_norm(g, reg_f, false, &w)))
            out->flags |= LRS_VRF2;
        if (reg_pf.len && !agrees(compare_norm(g, reg_pf, false, &w)))
            out->flags |= LRS_VRF3;
    }
    if (!agrees(out->family)) {
        out->flags |= LRS_VRF5;
        if (!agrees(compare_norm(f, reg_g, true, &w)))
            out->flags |= LRS_VRF4;
        if (reg_pf.len)
            out->flags |= LRS_VRF6;
    }
    out->date_of_birth = compare_dob(in->date_of_birth, reg->date_of_birth);
    if (out->date_of_birth == LRS_VERIFY_DIFFERENT)
        out->flags |= LRS_VRF7;
    out->gender = LRS_VERIFY_NOT_GIVEN;
    if (gender_known(in->gender) && gender_known(reg->gender)) {
        out->gender =
            in->gender == reg->gender ? LRS_VERIFY_EXACT : LRS_VERIFY_DIFFERENT;
        if (out->gender == LRS_VERIFY_DIFFERENT)
            out->flags |= LRS_VRF8;
    }

    name_ok = agrees(out->given) && agrees(out->family) &&
              out->date_of_birth != LRS_VERIFY_DIFFERENT;
    similar = out->given != LRS_VERIFY_EXACT ||
              out->family != LRS_VERIFY_EXACT ||
              out->date_of_birth == LRS_VERIFY_SIMILAR_LEVEL ||
              out->gender == LRS_VERIFY_DIFFERENT;
    if (!name_ok)
        out->code = LRS_VERIFY_NO_MATCH;
    else if (similar)
        out->code = linked ? LRS_VERIFY_LINKED_SIMILAR : LRS_VERIFY_SIMILAR;
    else
        out->code = linked ? LRS_VERIFY_LINKED_MATCH : LRS_VERIFY_MATCH;
}

/* ------------------------------------------------------------------ */
/* Input                                                              */
/* ------------------------------------------------------------------ */

/* A required name: trimmed, 1-35 characters of valid UTF-8. */
static enum lrs_err take_name(struct lrs_str v, const char *field,
                              char out[LRS_LEARNER_NAME_SIZE],
                              struct lrs_diag *diag)
{
    size_t chars;

    v = lrs_str_trim(v);
    if (v.len == 0) {
        lrs_diag_set(diag, field, "is missing");
        return LRS_ERR(LRS_EINVAL);
    }
    if (!lrs_utf8_valid(v)) {
        lrs_diag_set(diag, field, "is not valid UTF-8");
        return LRS_ERR(LRS_EINVAL);
    }
    for (size_t i = 0; i < v.len; i++) {
        if ((unsigned char)v.ptr[i] < 0x20 || v.ptr[i] == 0x7f) {
            lrs_diag_set(diag, field, "holds a control character");
            return LRS_ERR(LRS_EINVAL);
        }
    }
    chars = lrs_utf8_count(v);
    if (chars > LRS_LEARNER_NAME_MAX) {
        lrs_diag_set(diag, field, "must be at most %d characters, got %zu",
                     LRS_LEARNER_NAME_MAX, chars);
        return LRS_ERR(LRS_EINVAL);
    }
    memcpy(out, v.ptr, v.len);
    out[v.len] = '\0';
    return LRS_OK;
}

enum lrs_err lrs_verify_input_set(struct lrs_verify_input *in,
                                  struct lrs_str uln, struct lrs_str given,
                                  struct lrs_str family, struct lrs_str dob,
                                  struct lrs_str gender, struct lrs_diag *diag)
{
    struct lrs_verify_input v;
    enum lrs_err err;

    memset(&v, 0, sizeof v);
    uln = lrs_str_trim(uln);
    err = lrs_uln_check(uln, diag);
    if (err)
        return err;
    memcpy(v.uln, uln.ptr, uln.len);
    v.uln[uln.len] = '\0';
    err = take_name(given, "given_name", v.given_name, diag);
    if (!err)
        err = take_name(family, "family_name", v.family_name, diag);
    if (err)
        return err;
    dob = lrs_str_trim(dob);
    if (dob.len) {
        err = lrs_date_parse(dob, LRS_DATE_PARSE_DMY, "date_of_birth",
                             &v.date_of_birth, diag);
        if (err)
            return err;
    }
    gender = lrs_str_trim(gender);
    if (gender.len) {
        err = lrs_gender_parse(gender, &v.gender, diag);
        if (err)
            return err;
    }
    *in = v;
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Against the store                                                  */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__verify_one(struct lrs_store *s, const struct lrs_actor *actor,
                             const struct lrs_verify_input *in,
                             struct lrs_learner *reg,
                             struct lrs_verify_result *out,
                             struct lrs_diag *diag)
{
    enum lrs_err err;
    bool linked;

    err = lrs_store_learner_get(s, in->uln, LRS_STORE_GET_RESOLVE, reg);
    if (err == LRS_ENOTFOUND) {
        memset(out, 0, sizeof *out);
        memcpy(out->uln, in->uln, sizeof out->uln);
        out->code = LRS_VERIFY_NOT_FOUND;
        out->given = out->family = LRS_VERIFY_NOT_GIVEN;
        out->date_of_birth = out->gender = LRS_VERIFY_NOT_GIVEN;
        out->given_why = out->family_why = "";
        return LRS_OK;
    }
    if (err)
        return lrs__service_store_err(s, err, diag);
    linked = strcmp(reg->uln, in->uln) != 0;
    lrs_verify_compare(reg, linked, in, out);
    if (!actor)
        return LRS_OK;
    err = lrs__service_audit(s, actor, LRS_AUDIT_VERIFY, in->uln, diag);
    if (!err && linked)
        err = lrs__service_audit(s, actor, LRS_AUDIT_VERIFY, reg->uln, diag);
    return err;
}

enum lrs_err lrs_verify_learner(struct lrs_store *s,
                                const struct lrs_actor *actor,
                                const struct lrs_verify_input *in,
                                struct lrs_verify_result *out,
                                struct lrs_diag *diag)
{
    struct lrs_learner reg;
    struct lrs_verify_result res;
    enum lrs_err err;
    bool own;

    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs__verify_one(s, actor, in, &reg, &res, diag);
    err = lrs__service_leave(s, own, err, diag);
    if (!err)
        *out = res;
    return err;
}

/* ------------------------------------------------------------------ */
/* Batch verification                                                 */
/* ------------------------------------------------------------------ */

enum { V_ULN, V_GIVEN, V_FAMILY, V_DOB, V_GENDER, V__COUNT };

static const char *const vcols[V__COUNT] = {
    "uln", "given_name", "family_name", "date_of_birth", "gender",
};

enum lrs_err lrs__plr_csv_header(const struct lrs_csv_record *rec,
                                 const char *const *names, size_t count,
                                 size_t required, int *map,
                                 struct lrs_diag *diag)
{
    for (size_t i = 0; i < count; i++)
        map[i] = -1;
    for (size_t c = 0; c < rec->count; c++) {
        const struct lrs_str h = lrs_str_trim(rec->fields[c]);
        size_t i;

        for (i = 0; i < count; i++)
            if (lrs_str_eq(h, lrs_str_c(names[i])))
                break;
        if (i == count) {
            lrs_diag_set(diag, "header", "unknown column '%.*s'",
                         (int)(h.len > 40 ? 40 : h.len), h.ptr);
            return LRS_ERR(LRS_EINVAL);
        }
        if (map[i] >= 0) {
            lrs_diag_set(diag, "header", "column '%s' given twice", names[i]);
            return LRS_ERR(LRS_EINVAL);
        }
        map[i] = (int)c;
    }
    for (size_t i = 0; i < required; i++) {
        if (map[i] < 0) {
            lrs_diag_set(diag, "header", "column '%s' is missing", names[i]);
            return LRS_ERR(LRS_EINVAL);
        }
    }
    return LRS_OK;
}

struct lrs_str lrs__plr_csv_field(const struct lrs_csv_record *rec,
                                  const int *map, size_t i)
{
    if (map[i] < 0 || (size_t)map[i] >= rec->count)
        return (struct lrs_str){"", 0};
    return rec->fields[map[i]];
}

enum lrs_err lrs_verify_csv(struct lrs_store *s, const struct lrs_actor *actor,
                            lrs_csv_read_fn read, void *read_ctx,
                            const char *name, lrs_verify_row_fn on_row,
                            void *ctx, struct lrs_verify_summary *sum,
                            struct lrs_diag *diag)
{
    struct lrs_csv_opts copts = {name, 0, 0, 0};
    struct lrs_csv *csv = NULL;
    struct lrs_csv_record rec;
    struct lrs_verify_summary tally;
    int map[V__COUNT];
    enum lrs_err err;
    bool own = false, eof = false;

    memset(&tally, 0, sizeof tally);
    err = lrs_csv_new(read, read_ctx, &copts, &csv);
    if (err)
        goto out;
    err = lrs_csv_next(csv, &rec, &eof, diag);
    if (!err && eof) {
        lrs_diag_set(diag, "header", "the file is empty");
        err = LRS_ERR(LRS_EINVAL);
    }
    if (!err)
        err = lrs__plr_csv_header(&rec, vcols, V__COUNT, 3, map, diag);
    if (!err)
        err = lrs__service_enter(s, &own, diag);
    while (!err) {
        struct lrs_verify_input in;
        struct lrs_verify_result res;
        struct lrs_learner reg;
        struct lrs_diag why = LRS_DIAG_INIT;

        err = lrs_csv_next(csv, &rec, &eof, diag);
        if (err || eof)
            break;
        tally.rows++;
        err =
            lrs_verify_input_set(&in, lrs__plr_csv_field(&rec, map, V_ULN),
                                 lrs__plr_csv_field(&rec, map, V_GIVEN),
                                 lrs__plr_csv_field(&rec, map, V_FAMILY),
                                 lrs__plr_csv_field(&rec, map, V_DOB),
                                 lrs__plr_csv_field(&rec, map, V_GENDER), &why);
        if (err == LRS_EINVAL) {
            tally.invalid++;
            err = on_row ? on_row(ctx, rec.line, NULL, NULL, &why) : LRS_OK;
            continue;
        }
        if (!err)
            err = lrs__verify_one(s, actor, &in, &reg, &res, diag);
        if (!err) {
            tally.by_code[res.code]++;
            if (on_row)
                err = on_row(ctx, rec.line, &in, &res, NULL);
        }
    }
    if (own)
        err = lrs__service_leave(s, own, err, diag);
out:
    lrs_csv_free(csv);
    if (sum)
        *sum = tally;
    return err;
}
