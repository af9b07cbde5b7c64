/*
 * learner.c - learner fields and rules, and the single-learner use cases:
 * register, get, update, merge.
 *
 * Field rules follow the LRS `Learner` type (../shared/spec/lrs/
 * learner.xsd): names are MIAPName / MIAPNameNonEmpty (at most 35
 * characters; given and family name required and not only white space),
 * address lines MIAPAddress (at most 50), postcode MIAPPostCode (through
 * lrs_postcode_parse), dates MIAPDate (real dates 1800-2099), gender
 * MIAPGender (0, 1, 2, 9), AbilityToShare 0-2, ULN MIAPULN with its check
 * digit. Every use case runs in one transaction with its audit rows.
 */
#include "base/base.h"

#include "service/service_int.h"

/* ------------------------------------------------------------------ */
/* Fields                                                             */
/* ------------------------------------------------------------------ */

static const char *const field_names[LRS_FIELD__COUNT] = {
    [LRS_FIELD_ULN] = "uln",
    [LRS_FIELD_GIVEN_NAME] = "given_name",
    [LRS_FIELD_MIDDLE_NAMES] = "middle_names",
    [LRS_FIELD_FAMILY_NAME] = "family_name",
    [LRS_FIELD_DATE_OF_BIRTH] = "date_of_birth",
    [LRS_FIELD_GENDER] = "gender",
    [LRS_FIELD_POSTCODE] = "postcode",
    [LRS_FIELD_PREVIOUS_FAMILY_NAME] = "previous_family_name",
    [LRS_FIELD_PREFERRED_GIVEN_NAME] = "preferred_given_name",
    [LRS_FIELD_ADDRESS_LINE1] = "address_line1",
    [LRS_FIELD_ADDRESS_LINE2] = "address_line2",
    [LRS_FIELD_ADDRESS_TOWN] = "address_line3",
    [LRS_FIELD_ADDRESS_COUNTY] = "address_line4",
    [LRS_FIELD_ABILITY_TO_SHARE] = "ability_to_share",
};

const char *lrs_learner_field_name(enum lrs_learner_field f)
{
    if ((unsigned)f >= LRS_FIELD__COUNT)
        return NULL;
    return field_names[f];
}

enum lrs_err lrs_learner_field_lookup(struct lrs_str name,
                                      enum lrs_learner_field *out)
{
    for (int f = 0; f < LRS_FIELD__COUNT; f++) {
        if (lrs_str_eq(name, lrs_str_c(field_names[f]))) {
            *out = (enum lrs_learner_field)f;
            return LRS_OK;
        }
    }
    if (lrs_str_eq(name, LRS_STR("address_town"))) {
        *out = LRS_FIELD_ADDRESS_TOWN;
        return LRS_OK;
    }
    if (lrs_str_eq(name, LRS_STR("address_county"))) {
        *out = LRS_FIELD_ADDRESS_COUNTY;
        return LRS_OK;
    }
    return LRS_ENOTFOUND;
}

/*
 * Check free text: valid UTF-8, no control characters, at most `max`
 * characters, and copy it into dst (size bytes, always enough for `max`
 * four-byte characters).
 */
static enum lrs_err set_text(char *dst, size_t size, struct lrs_str v,
                             size_t max, const char *field,
                             struct lrs_diag *diag)
{
    size_t chars;

    if (!lrs_utf8_valid(v)) {
        lrs_diag_set(diag, field, "is not valid UTF-8");
        return LRS_ERR(LRS_EINVAL);
    }
    for (size_t i = 0; i < v.len; i++) {
        const unsigned char c = (unsigned char)v.ptr[i];

        if (c < 0x20 || c == 0x7f) {
            lrs_diag_set(diag, field,
                         "must not contain control characters (byte %zu)",
                         i + 1);
            return LRS_ERR(LRS_EINVAL);
        }
    }
    chars = lrs_utf8_count(v);
    if (chars > max) {
        lrs_diag_set(diag, field, "must be at most %zu characters, got %zu",
                     max, chars);
        return LRS_ERR(LRS_EINVAL);
    }
    if (LRS_NEVER(v.len >= size)) {
        lrs_diag_set(diag, field, "is too long");
        return LRS_ERR(LRS_EINVAL);
    }
    if (v.len)
        memcpy(dst, v.ptr, v.len);
    dst[v.len] = '\0';
    return LRS_OK;
}

static enum lrs_err set_name(char *dst, struct lrs_str v, const char *field,
                             struct lrs_diag *diag)
{
    return set_text(dst, LRS_LEARNER_NAME_SIZE, v, LRS_LEARNER_NAME_MAX, field,
                    diag);
}

static enum lrs_err set_address(char *dst, struct lrs_str v, const char *field,
                                struct lrs_diag *diag)
{
    return set_text(dst, LRS_LEARNER_ADDRESS_SIZE, v, LRS_LEARNER_ADDRESS_MAX,
                    field, diag);
}

static enum lrs_err missing(const char *field, struct lrs_diag *diag)
{
    lrs_diag_set(diag, field, "is missing");
    return LRS_ERR(LRS_EINVAL);
}

static enum lrs_err set_coded(struct lrs_learner *l, enum lrs_learner_field f,
                              struct lrs_str v, struct lrs_diag *diag)
{
    const char *name = field_names[f];
    enum lrs_err err;

    switch (f) {
    case LRS_FIELD_ULN:
        if (v.len == 0) {
            l->uln[0] = '\0';
            return LRS_OK;
        }
        err = lrs_uln_check(v, diag);
        if (err)
            return err;
        memcpy(l->uln, v.ptr, LRS_ULN_LEN);
        l->uln[LRS_ULN_LEN] = '\0';
        return LRS_OK;
    case LRS_FIELD_DATE_OF_BIRTH:
        if (v.len == 0)
            return missing(name, diag);
        return lrs_date_parse(v, LRS_DATE_PARSE_DMY, "date_of_birth",
                              &l->date_of_birth, diag);
    case LRS_FIELD_GENDER:
        if (v.len == 0)
            return missing(name, diag);
        return lrs_gender_parse(v, &l->gender, diag);
    case LRS_FIELD_POSTCODE: {
        struct lrs_postcode pc;

        if (v.len == 0) {
            l->postcode[0] = '\0';
            return LRS_OK;
        }
        err = lrs_postcode_parse(v, &pc, diag);
        if (err)
            return err;
        memcpy(l->postcode, pc.text, sizeof l->postcode);
        return LRS_OK;
    }
    case LRS_FIELD_ABILITY_TO_SHARE:
        if (v.len == 0) {
            l->ability_to_share = LRS_SHARE_NOT_SEEN;
            return LRS_OK;
        }
        if (v.len != 1 || v.ptr[0] < '0' || v.ptr[0] > '2') {
            lrs_diag_set(diag, name, "must be 0, 1 or 2");
            return LRS_ERR(LRS_EINVAL);
        }
        l->ability_to_share = (enum lrs_ability_to_share)(v.ptr[0] - '0');
        return LRS_OK;
    default:
        LRS_BUG("set_coded: not a coded field");
    }
}

enum lrs_err lrs_learner_field_set(struct lrs_learner *l,
                                   enum lrs_learner_field f,
                                   struct lrs_str value, struct lrs_diag *diag)
{
    const struct lrs_str v = lrs_str_trim(value);
    const char *name = lrs_learner_field_name(f);

    switch (f) {
    case LRS_FIELD_GIVEN_NAME:
        return set_name(l->given_name, v, name, diag);
    case LRS_FIELD_MIDDLE_NAMES:
        return set_name(l->middle_names, v, name, diag);
    case LRS_FIELD_FAMILY_NAME:
        return set_name(l->family_name, v, name, diag);
    case LRS_FIELD_PREVIOUS_FAMILY_NAME:
        return set_name(l->previous_family_name, v, name, diag);
    case LRS_FIELD_PREFERRED_GIVEN_NAME:
        return set_name(l->preferred_given_name, v, name, diag);
    case LRS_FIELD_ADDRESS_LINE1:
        return set_address(l->address_line1, v, name, diag);
    case LRS_FIELD_ADDRESS_LINE2:
        return set_address(l->address_line2, v, name, diag);
    case LRS_FIELD_ADDRESS_TOWN:
        return set_address(l->address_town, v, name, diag);
    case LRS_FIELD_ADDRESS_COUNTY:
        return set_address(l->address_county, v, name, diag);
    case LRS_FIELD_ULN:
    case LRS_FIELD_DATE_OF_BIRTH:
    case LRS_FIELD_GENDER:
    case LRS_FIELD_POSTCODE:
    case LRS_FIELD_ABILITY_TO_SHARE:
        return set_coded(l, f, v, diag);
    case LRS_FIELD__COUNT:
        break;
    }
    lrs_diag_set(diag, "field", "unknown learner field %d", (int)f);
    return LRS_ERR(LRS_EINVAL);
}

/* Re-check a stored text field with the rule of `f`. */
static enum lrs_err recheck(enum lrs_learner_field f, const char *value,
                            size_t size, struct lrs_diag *diag)
{
    struct lrs_learner scratch;
    const size_t len = strnlen(value, size);

    if (len == size) {
        lrs_diag_set(diag, field_names[f], "is not terminated");
        return LRS_ERR(LRS_EINVAL);
    }
    return lrs_learner_field_set(&scratch, f, (struct lrs_str){value, len},
                                 diag);
}

static bool blank(const char *s)
{
    return lrs_str_trim(lrs_str_c(s)).len == 0;
}

enum lrs_err lrs__service_learner_required(const struct lrs_learner *l,
                                           struct lrs_diag *diag)
{
    const struct lrs_date d = l->date_of_birth;

    if (blank(l->given_name))
        return missing("given_name", diag);
    if (blank(l->family_name))
        return missing("family_name", diag);
    if (!lrs_date_valid(d.year, d.month, d.day)) {
        lrs_diag_set(diag, "date_of_birth", "is missing or not a real date");
        return LRS_ERR(LRS_EINVAL);
    }
    if (l->gender != LRS_GENDER_NOT_KNOWN && l->gender != LRS_GENDER_MALE &&
        l->gender != LRS_GENDER_FEMALE && l->gender != LRS_GENDER_NOT_SPECIFIED)
        return missing("gender", diag);
    if (l->postcode[0] == '\0')
        return missing("postcode", diag);
    return LRS_OK;
}

enum lrs_err lrs_service_learner_check(const struct lrs_learner *l,
                                       struct lrs_diag *diag)
{
    static const struct {
        enum lrs_learner_field f;
        size_t off, size;
    } texts[] = {
#define T(f, m)                                                                \
    {f, offsetof(struct lrs_learner, m), sizeof(((struct lrs_learner *)0)->m)}
        T(LRS_FIELD_GIVEN_NAME, given_name),
        T(LRS_FIELD_MIDDLE_NAMES, middle_names),
        T(LRS_FIELD_FAMILY_NAME, family_name),
        T(LRS_FIELD_PREVIOUS_FAMILY_NAME, previous_family_name),
        T(LRS_FIELD_PREFERRED_GIVEN_NAME, preferred_given_name),
        T(LRS_FIELD_ADDRESS_LINE1, address_line1),
        T(LRS_FIELD_ADDRESS_LINE2, address_line2),
        T(LRS_FIELD_ADDRESS_TOWN, address_town),
        T(LRS_FIELD_ADDRESS_COUNTY, address_county),
#undef T
    };
    struct lrs_postcode pc;
    enum lrs_err err;

    if (l->uln[0] && lrs_uln_check(lrs_str_c(l->uln), diag))
        return LRS_ERR(LRS_EINVAL);
    for (size_t i = 0; i < LRS_ARRAY_LEN(texts); i++) {
        const char *v = (const char *)l + texts[i].off;

        err = recheck(texts[i].f, v, texts[i].size, diag);
        if (err)
            return err;
    }
    err = lrs__service_learner_required(l, diag);
    if (err)
        return err;
    err = lrs_postcode_parse(lrs_str_c(l->postcode), &pc, diag);
    if (err)
        return err;
    if ((unsigned)l->ability_to_share > LRS_SHARE_NO) {
        lrs_diag_set(diag, "ability_to_share", "must be 0, 1 or 2");
        return LRS_ERR(LRS_EINVAL);
    }
    if ((unsigned)l->status > LRS_LEARNER_CLOSED) {
        lrs_diag_set(diag, "status", "must be 0, 1 or 2");
        return LRS_ERR(LRS_EINVAL);
    }
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Transactions and audit                                             */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__service_enter(struct lrs_store *s, bool *own,
                                struct lrs_diag *diag)
{
    enum lrs_err err;

    *own = false;
    if (lrs_store_in_transaction(s))
        return LRS_OK;
    err = lrs_store_begin(s);
    if (err)
        return lrs__service_store_err(s, err, diag);
    *own = true;
    return LRS_OK;
}

enum lrs_err lrs__service_leave(struct lrs_store *s, bool own, enum lrs_err err,
                                struct lrs_diag *diag)
{
    if (!own)
        return err;
    if (err) {
        lrs_store_rollback(s);
        return err;
    }
    err = lrs_store_commit(s);
    if (err)
        return lrs__service_store_err(s, err, diag);
    return LRS_OK;
}

enum lrs_err lrs__service_store_err(struct lrs_store *s, enum lrs_err err,
                                    struct lrs_diag *diag)
{
    const char *msg = lrs_store_errmsg(s);

    lrs_diag_set(diag, "db", "%s", *msg ? msg : lrs_strerror(err));
    return err;
}

enum lrs_err lrs__service_audit_user(struct lrs_store *s,
                                     const struct lrs_actor *actor,
                                     enum lrs_audit_action action,
                                     int64_t subject_user_id, const char *uln,
                                     struct lrs_diag *diag)
{
    struct lrs_audit a;
    enum lrs_err err;

    memset(&a, 0, sizeof a);
    if (actor)
        a.actor = *actor;
    a.action = action;
    memcpy(a.uln, uln, sizeof a.uln);
    a.subject_user_id = subject_user_id;
    err = lrs_store_audit_append(s, &a);
    if (err)
        return lrs__service_store_err(s, err, diag);
    return LRS_OK;
}

enum lrs_err lrs__service_audit(struct lrs_store *s,
                                const struct lrs_actor *actor,
                                enum lrs_audit_action action, const char *uln,
                                struct lrs_diag *diag)
{
    return lrs__service_audit_user(s, actor, action, 0, uln, diag);
}

/* Copy a validated 10-digit ULN slice into a C string. */
static enum lrs_err take_uln(struct lrs_str in, char out[LRS_ULN_SIZE],
                             struct lrs_diag *diag)
{
    const struct lrs_str v = lrs_str_trim(in);
    const enum lrs_err err = lrs_uln_check(v, diag);

    if (err)
        return err;
    memcpy(out, v.ptr, LRS_ULN_LEN);
    out[LRS_ULN_LEN] = '\0';
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Use cases                                                          */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_service_learner_register(struct lrs_store *s,
                                          const struct lrs_actor *actor,
                                          struct lrs_learner *l,
                                          struct lrs_diag *diag)
{
    struct lrs_learner row = *l;
    enum lrs_err err;
    bool own;

    err = lrs_service_learner_check(&row, diag);
    if (err)
        return err;
    row.status = LRS_LEARNER_ACTIVE;
    row.master_uln[0] = '\0';
    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_learner_insert(s, actor, &row);
    if (err == LRS_ECONFLICT)
        lrs_diag_set(diag, "uln", "learner %s is already registered", row.uln);
    else if (err)
        lrs__service_store_err(s, err, diag);
    if (!err)
        err = lrs__service_audit(s, actor, LRS_AUDIT_REGISTER, row.uln, diag);
    err = lrs__service_leave(s, own, err, diag);
    if (!err)
        *l = row;
    return err;
}

enum lrs_err lrs_service_learner_get(struct lrs_store *s,
                                     const struct lrs_actor *actor,
                                     struct lrs_str uln,
                                     struct lrs_learner *out, bool *linked,
                                     struct lrs_diag *diag)
{
    char key[LRS_ULN_SIZE];
    struct lrs_learner row;
    enum lrs_err err;
    bool own;

    err = take_uln(uln, key, diag);
    if (err)
        return err;
    /* With an audit sink (group commit) the read and its rows need no
     * transaction: the sink answers once they are durable. */
    own = false;
    if (!lrs_store_audit_sink_on(s))
        err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_learner_get(s, key, LRS_STORE_GET_RESOLVE, &row);
    if (err == LRS_ENOTFOUND)
        lrs_diag_set(diag, "uln", "no learner has ULN %s", key);
    else if (err)
        lrs__service_store_err(s, err, diag);
    if (!err)
        err = lrs__service_audit(s, actor, LRS_AUDIT_READ, key, diag);
    if (!err && strcmp(row.uln, key) != 0)
        err = lrs__service_audit(s, actor, LRS_AUDIT_READ, row.uln, diag);
    err = lrs__service_leave(s, own, err, diag);
    if (err)
        return err;
    *out = row;
    if (linked)
        *linked = strcmp(row.uln, key) != 0;
    return LRS_OK;
}

enum lrs_err
lrs_service_learner_update(struct lrs_store *s, const struct lrs_actor *actor,
                           struct lrs_learner *l, int32_t expected_version,
                           const char *reason, struct lrs_diag *diag)
{
    struct lrs_learner row = *l;
    enum lrs_err err;
    bool own;

    if (l->uln[0] == '\0')
        return missing("uln", diag);
    err = lrs_service_learner_check(&row, diag);
    if (err)
        return err;
    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_learner_update(s, actor, &row, expected_version, reason);
    if (err == LRS_ECONFLICT)
        lrs_diag_set(diag, "version", "%s", lrs_store_errmsg(s));
    else if (err == LRS_ENOTFOUND)
        lrs_diag_set(diag, "uln", "no learner has ULN %s", row.uln);
    else if (err)
        lrs__service_store_err(s, err, diag);
    if (!err)
        err = lrs__service_audit(s, actor, LRS_AUDIT_UPDATE, row.uln, diag);
    err = lrs__service_leave(s, own, err, diag);
    if (!err)
        *l = row;
    return err;
}

enum lrs_err
lrs_service_learner_merge(struct lrs_store *s, const struct lrs_actor *actor,
                          struct lrs_str merged_uln, struct lrs_str master_uln,
                          const char *reason, struct lrs_diag *diag)
{
    char merged[LRS_ULN_SIZE], master[LRS_ULN_SIZE];
    enum lrs_err err;
    bool own;

    err = take_uln(merged_uln, merged, diag);
    if (!err)
        err = take_uln(master_uln, master, diag);
    if (err)
        return err;
    err = lrs__service_enter(s, &own, diag);
    if (err)
        return err;
    err = lrs_store_learner_merge(s, actor, merged, master, reason, diag);
    if (err == LRS_ENOTFOUND)
        lrs_diag_set(diag, "uln", "%s", lrs_store_errmsg(s));
    else if (err && err != LRS_EINVAL && err != LRS_ECONFLICT)
        lrs__service_store_err(s, err, diag);
    if (!err)
        err = lrs__service_audit(s, actor, LRS_AUDIT_MERGE, merged, diag);
    if (!err)
        err = lrs__service_audit(s, actor, LRS_AUDIT_MERGE, master, diag);
    return lrs__service_leave(s, own, err, diag);
}
