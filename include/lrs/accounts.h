/*
 * lrs/accounts.h - organisations, users, API tokens, sessions and
 * settings in the store: what lrsd signs people in with.
 *
 * These are store operations (lib/store/accounts.c over each engine's
 * lib/store/<engine>/accounts.c) on the same struct lrs_store as the
 * learner calls, with the same rules (lrs/store.h): each write runs in the
 * caller's transaction or one of its own; errors are enum lrs_err with a
 * message from lrs_store_errmsg(); LRS_ECONFLICT is a duplicate (login,
 * organisation identifier, token hash, setting name).
 *
 * What is stored, and what is not:
 * - Passwords only as argon2id hash strings (lrs/auth.h); API tokens and
 *   session nonces only as hashes or random ids: nothing here can be used
 *   to sign in if the database leaks, except to guess passwords slowly.
 * - A user's roles are bits of enum lrs_role (lrs/auth.h), kept as rows
 *   of user_roles with the names lrs_role_name() gives.
 * - Sessions: the cookie is signed (lrs/auth.h); its random nonce is
 *   also a row here, so that signing out (or a password reset, or
 *   disabling the user) revokes it on every lrsd at once.
 * - Settings: small named values shared by every lrsd of one register,
 *   such as the key that signs session cookies.
 *
 * Validation: these calls check what the schema would otherwise refuse
 * less clearly (kind, name, identifiers, login) and fill `diag` naming the
 * field; they do not check password policy (lrs_auth_password_check).
 *
 * Thread-safety and ownership as lrs/store.h: structs are caller storage,
 * strings inside them are arrays; nothing is handed out.
 */
#ifndef LRS_ACCOUNTS_H
#define LRS_ACCOUNTS_H

#include <lrs/base.h>
#include <lrs/store.h>

/* ------------------------------------------------------------------ */
/* Organisations                                                      */
/* ------------------------------------------------------------------ */

/** What an organisation is (organisations.kind). */
enum lrs_org_kind {
    LRS_ORG_LRS = 0,      /* "lrs": the service itself, id 0 only */
    LRS_ORG_SCHOOL = 1,   /* "school": LA + establishment number, URN */
    LRS_ORG_AO = 2,       /* "ao": awarding organisation, UKPRN */
    LRS_ORG_PROVIDER = 3, /* "provider": learning provider, UKPRN */
};

/** Longest organisation name, in bytes of UTF-8. */
#define LRS_ORG_NAME_MAX 254

/** One organisation. Identifiers are 0 or "" when not given. */
struct lrs_org {
    int64_t id; /* assigned by the store */
    enum lrs_org_kind kind;
    char name[LRS_ORG_NAME_MAX + 1]; /* required */
    int32_t la;                      /* local authority 100..999, or 0 */
    int32_t estab;                   /* establishment 0..9999 (with la) */
    int64_t urn;                     /* unique reference number, or 0 */
    char ukprn[9];                   /* 8 digits, or "" */
    int64_t created_ms;              /* set by the store */
};

/** "lrs", "school", "ao", "provider"; NULL for other values. Static. */
LRS_API const char *lrs_org_kind_name(enum lrs_org_kind kind);

/** Parse a kind name (as above). LRS_EINVAL (field "type") otherwise. */
LRS_API LRS_NODISCARD enum lrs_err lrs_org_kind_parse(struct lrs_str name,
                                                      enum lrs_org_kind *out,
                                                      struct lrs_diag *diag);

/**
 * Add organisation `o` (o->id and o->created_ms are set on success). The
 * kind may not be LRS_ORG_LRS (there is one, id 0, made by
 * lrs_store_init). la and estab go together; a school needs la+estab or a
 * URN; an AO or provider needs a UKPRN (8 digits). LRS_EINVAL with `diag`
 * naming the field; LRS_ECONFLICT when another organisation has the same
 * la+estab, URN or UKPRN.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_org_add(struct lrs_store *s,
                                                     struct lrs_org *o,
                                                     struct lrs_diag *diag);

/** Read organisation `id`; LRS_ENOTFOUND when there is none. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_org_get(struct lrs_store *s, int64_t id, struct lrs_org *out);

/** How to find an organisation: set exactly one of the identifiers. */
struct lrs_org_ref {
    int32_t la, estab; /* a school by LA and establishment (la != 0) */
    int64_t urn;       /* a school by URN (!= 0) */
    const char *ukprn; /* an AO or provider by UKPRN (NULL: not used) */
};

/**
 * Find the organisation `ref` names; LRS_ENOTFOUND when there is none,
 * LRS_EINVAL when `ref` names none or several identifiers.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_org_find(struct lrs_store *s, const struct lrs_org_ref *ref,
                   struct lrs_org *out);

typedef enum lrs_err (*lrs_store_org_fn)(const struct lrs_org *o, void *ctx);

/** Stream every organisation to `fn` in ascending id order. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_org_scan(struct lrs_store *s, lrs_store_org_fn fn, void *ctx);

/* ------------------------------------------------------------------ */
/* Users                                                              */
/* ------------------------------------------------------------------ */

/** Longest login and display name, in bytes of UTF-8. */
#define LRS_LOGIN_MAX        254
#define LRS_DISPLAY_NAME_MAX 254
/** Bytes of a stored password hash with its NUL (LRS_AUTH_HASH_SIZE). */
#define LRS_PASSWORD_HASH_SIZE 128

/** One user account. */
struct lrs_user {
    int64_t id;                    /* assigned by the store */
    int64_t org_id;                /* the organisation */
    char login[LRS_LOGIN_MAX + 1]; /* unique, required */
    char display_name[LRS_DISPLAY_NAME_MAX + 1];
    char password_hash[LRS_PASSWORD_HASH_SIZE]; /* "$argon2id$...", or "" */
    unsigned roles;            /* bits of enum lrs_role (lrs/auth.h) */
    bool disabled;             /* may not sign in or use tokens */
    bool must_change_password; /* set by a reset: change at next sign-in */
    int32_t agreement_version; /* user agreement accepted, 0 = none */
    int64_t agreement_ms;      /* when it was accepted, 0 = never */
    char uln[LRS_ULN_SIZE];    /* a learner account: its ULN, else "" */
    int64_t created_ms;        /* set by the store */
};

/**
 * Add user `u` with its roles (u->id and created_ms are set). The
 * organisation must exist (LRS_ENOTFOUND, field "org"); the login must be
 * 1..LRS_LOGIN_MAX bytes of printable ASCII or UTF-8 without spaces
 * (field "login") and unused (LRS_ECONFLICT); roles must be non-zero bits
 * of LRS_ROLE_ALL (field "role"); a learner account (LRS_ROLE_LEARNER)
 * needs a ULN and no other role.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_user_add(struct lrs_store *s,
                                                      struct lrs_user *u,
                                                      struct lrs_diag *diag);

/** Read user `id` (with roles); LRS_ENOTFOUND when there is none. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_user_get(struct lrs_store *s, int64_t id, struct lrs_user *out);

/** Read the user with `login`; LRS_ENOTFOUND when there is none. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_user_get_by_login(struct lrs_store *s, const char *login,
                            struct lrs_user *out);

enum lrs_store_user_set_password_flags {
    /** The user must choose a new password at the next sign-in. */
    LRS_USER_MUST_CHANGE = 1u << 0,
};

typedef enum lrs_err (*lrs_store_user_fn)(const struct lrs_user *u, void *ctx);

/**
 * Stream the users of organisation `org_id` (with roles; every
 * organisation's when `org_id` is negative) to `fn` in ascending id
 * order. Password hashes are not read: u->password_hash is "".
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_user_scan(struct lrs_store *s,
                                                       int64_t org_id,
                                                       lrs_store_user_fn fn,
                                                       void *ctx);

/**
 * Replace the password hash of user `id` (`hash` as lrs_auth_password_hash
 * makes it) and set or clear must_change_password per `flags`. Every
 * session of the user is revoked (now). LRS_ENOTFOUND: no such user.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_user_set_password(struct lrs_store *s, int64_t id, const char *hash,
                            unsigned flags);

/**
 * Disable (or enable) user `id`. Disabling revokes every session of the
 * user; API tokens are refused while the user is disabled.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_user_set_disabled(struct lrs_store *s, int64_t id, bool disabled);

/**
 * Set the display name (NULL: keep it) and the roles (0: keep them) of
 * user `id`, checked as lrs_store_user_add checks them (LRS_EINVAL; a
 * learner account keeps its one role). Sessions and tokens are kept: the
 * roles are read afresh on every request. LRS_ENOTFOUND: no such user.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_user_set_profile(struct lrs_store *s, int64_t id,
                           const char *display_name, unsigned roles);

/**
 * Record that user `id` accepted the user agreement `version` (>= 1) at
 * `at_ms` (0: now).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_user_accept_agreement(struct lrs_store *s, int64_t id,
                                int32_t version, int64_t at_ms);

/* ------------------------------------------------------------------ */
/* API tokens                                                         */
/* ------------------------------------------------------------------ */

/** Bytes of a token hash (SHA-256, LRS_AUTH_TOKEN_HASH_LEN). */
#define LRS_TOKEN_HASH_LEN 32
/** Longest token label, in bytes. */
#define LRS_TOKEN_LABEL_MAX 100

/** One API token, as stored: never the token itself. */
struct lrs_token {
    int64_t id;                          /* assigned by the store */
    int64_t user_id;                     /* whose */
    uint8_t hash[LRS_TOKEN_HASH_LEN];    /* SHA-256 of the token text */
    char label[LRS_TOKEN_LABEL_MAX + 1]; /* what it is for */
    int64_t created_ms;                  /* set by the store */
    int64_t expires_ms;                  /* 0: never */
    int64_t revoked_ms;                  /* 0: not revoked */
};

/**
 * Add token `t` (t->id, created_ms set; revoked_ms must be 0). The user
 * must exist (LRS_ENOTFOUND, field "user"); the label is at most
 * LRS_TOKEN_LABEL_MAX bytes (field "label"); a repeated hash is
 * LRS_ECONFLICT.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_token_add(struct lrs_store *s,
                                                       struct lrs_token *t,
                                                       struct lrs_diag *diag);

/**
 * Read the token whose hash is `hash`, revoked or expired or not (the
 * caller decides); LRS_ENOTFOUND when there is none.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_token_get_by_hash(struct lrs_store *s,
                            const uint8_t hash[LRS_TOKEN_HASH_LEN],
                            struct lrs_token *out);

/**
 * Revoke token `id` of user `user_id` now. LRS_ENOTFOUND when that user
 * has no such token (someone else's token is not found either); revoking
 * twice keeps the first time.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_token_revoke(struct lrs_store *s, int64_t user_id, int64_t id);

typedef enum lrs_err (*lrs_store_token_fn)(const struct lrs_token *t,
                                           void *ctx);

/** Stream the tokens of `user_id` (revoked ones too) in id order. */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_token_scan(struct lrs_store *s,
                                                        int64_t user_id,
                                                        lrs_store_token_fn fn,
                                                        void *ctx);

/* ------------------------------------------------------------------ */
/* Sessions                                                           */
/* ------------------------------------------------------------------ */

/** Bytes of a session id (the cookie's random nonce, lrs/auth.h). */
#define LRS_SESSION_ID_LEN 16

/** One signed-in session. */
struct lrs_session_row {
    uint8_t id[LRS_SESSION_ID_LEN]; /* the cookie's nonce */
    int64_t user_id;
    int64_t created_ms;
    int64_t expires_ms;
    int64_t revoked_ms; /* 0: live */
    char addr[46];      /* where it was signed in from, or "" */
};

/** Record a new session (revoked_ms must be 0). */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_session_add(struct lrs_store *s, const struct lrs_session_row *row);

/** Read session `id`; LRS_ENOTFOUND when there is none. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_session_get(struct lrs_store *s, const uint8_t id[LRS_SESSION_ID_LEN],
                      struct lrs_session_row *out);

/** Revoke session `id` now (sign-out); LRS_ENOTFOUND when none. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_session_revoke(struct lrs_store *s,
                         const uint8_t id[LRS_SESSION_ID_LEN]);

/* ------------------------------------------------------------------ */
/* Settings                                                           */
/* ------------------------------------------------------------------ */

/** Largest setting value, in bytes. */
#define LRS_SETTING_MAX 1024

/**
 * Read setting `name` into `buf` (`cap` bytes); *len is its length.
 * LRS_ENOTFOUND when unset; LRS_ELIMIT when it is longer than `cap`.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_setting_get(struct lrs_store *s,
                                                         const char *name,
                                                         void *buf, size_t cap,
                                                         size_t *len);

/**
 * Set `name` to `len` bytes of `value` if it is unset; LRS_ECONFLICT when
 * it is already set (another lrsd got there first: read it). Settings are
 * never overwritten, so every lrsd of a register agrees on them.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_setting_add(struct lrs_store *s,
                                                         const char *name,
                                                         const void *value,
                                                         size_t len);

#endif /* LRS_ACCOUNTS_H */
