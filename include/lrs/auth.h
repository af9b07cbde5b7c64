/*
 * lrs/auth.h - accounts and security: roles, passwords, API tokens,
 * signed session cookies with CSRF tokens, and per-user rate limits.
 *
 * What this module decides, and why:
 *
 * - Passwords are hashed with argon2id through libsodium's
 *   crypto_pwhash_str (a self-describing "$argon2id$..." string holding
 *   salt and cost), at libsodium's INTERACTIVE cost by default. A password
 *   must be 12 to 1024 bytes of UTF-8 without control characters; no
 *   composition rules (NCSC password guidance).
 * - API tokens for MIS and AO systems are 32 random bytes, shown once as
 *   "lrst_" + base64url (48 characters). Only their SHA-256 is stored:
 *   a token has 256 bits of entropy, so a fast hash is enough and a
 *   lookup by hash is one index search.
 * - Sessions are signed cookies: user id, issue and expiry times and a
 *   random nonce, authenticated with HMAC-SHA-256 under a server key.
 *   This module only signs and checks them; the nonce also names a
 *   session row in the store (lrs/accounts.h), which signing out revokes,
 *   so that a copied cookie dies with its session.
 *   The CSRF token of a session is another HMAC of the cookie under the
 *   same key (a "synchronizer token" that needs no storage); pages send it
 *   in the X-CSRF-Token header or a form field with every state-changing
 *   request.
 * - Demographic searches are limited per user with a token bucket.
 *
 * Secrets never reach a log message or a diag.
 *
 * Thread-safety: call lrs_auth_init() once before threads start; then
 * every function is safe from any thread; a struct lrs_ratelimit locks
 * itself.
 */
#ifndef LRS_AUTH_H
#define LRS_AUTH_H

#include <lrs/base.h>

/* ------------------------------------------------------------------ */
/* Roles                                                              */
/* ------------------------------------------------------------------ */

/** The roles of a user, as bits (a user may hold several). */
enum lrs_role {
    LRS_ROLE_SCHOOL_USER = 1u << 0,  /* "school": a school's staff */
    LRS_ROLE_SCHOOL_ADMIN = 1u << 1, /* "admin": manages a school's users */
    LRS_ROLE_AO_USER = 1u << 2,      /* "ao": awarding organisation */
    LRS_ROLE_OPERATOR = 1u << 3,     /* "operator": LRS staff */
    LRS_ROLE_LEARNER = 1u << 4,      /* "learner": sees only themselves */
};

/** Every role bit. */
#define LRS_ROLE_ALL 0x1fu

/**
 * The stored name of one role bit ("school", "admin", "ao", "operator",
 * "learner": the values of the store's user_roles.role); static; NULL for
 * anything else.
 */
LRS_API const char *lrs_role_name(enum lrs_role role);

/**
 * The role named `name` (as lrs_role_name(), or the long forms
 * "school-user", "school-admin", "ao-user", "lrs-operator").
 * LRS_EINVAL (field "role") otherwise.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_role_parse(struct lrs_str name, enum lrs_role *out, struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */

/** Initialise libsodium. LRS_EIO if it cannot (no entropy source). */
LRS_API LRS_NODISCARD enum lrs_err lrs_auth_init(void);

/* ------------------------------------------------------------------ */
/* Passwords                                                          */
/* ------------------------------------------------------------------ */

/** Bytes of a password hash string, with its NUL. */
#define LRS_AUTH_HASH_SIZE 128

/** The cost of new password hashes. */
enum lrs_auth_cost {
    LRS_AUTH_COST_INTERACTIVE = 0, /* libsodium INTERACTIVE: 64 MiB, 2 ops */
    LRS_AUTH_COST_MODERATE,        /* libsodium MODERATE: 256 MiB, 3 ops */
    LRS_AUTH_COST_MIN,             /* the minimum: tests only */
};

/**
 * Whether `pw` is acceptable as a new password: 12 to 1024 bytes, valid
 * UTF-8, no control characters. LRS_EINVAL (field "password") otherwise.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_auth_password_check(struct lrs_str pw, struct lrs_diag *diag);

/** Bytes of a generated password with its NUL (20 characters). */
#define LRS_AUTH_PASSWORD_NEW_SIZE 21

/**
 * A new random password for an account made or reset by someone else:
 * 20 base64url characters (120 bits), shown to them once; the user then
 * must change it (LRS_USER_MUST_CHANGE).
 */
LRS_API void lrs_auth_password_new(char out[LRS_AUTH_PASSWORD_NEW_SIZE]);

/**
 * Hash `pw` with argon2id at `cost` into `out` (NUL-terminated). Does not
 * check the policy. LRS_ENOMEM when the hash memory cannot be had.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_auth_password_hash(struct lrs_str pw, enum lrs_auth_cost cost,
                       char out[LRS_AUTH_HASH_SIZE]);

/**
 * LRS_OK when `pw` matches `hash`; LRS_EINVAL when it does not or the
 * hash is malformed. Takes the hash's own cost in time.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_auth_password_verify(const char *hash,
                                                            struct lrs_str pw);

/** Whether `hash` was made at another cost than `cost` (rehash it at the
 *  next successful sign-in). */
LRS_API bool lrs_auth_password_needs_rehash(const char *hash,
                                            enum lrs_auth_cost cost);

/* ------------------------------------------------------------------ */
/* API tokens                                                         */
/* ------------------------------------------------------------------ */

/** Bytes of a token string with its NUL: "lrst_" + 43 base64url + NUL. */
#define LRS_AUTH_TOKEN_SIZE 49
/** Bytes of a token's hash at rest (SHA-256). */
#define LRS_AUTH_TOKEN_HASH_LEN 32

/**
 * Make a new API token: `out` receives the text to show once, `hash` what
 * to store.
 */
LRS_API void lrs_auth_token_new(char out[LRS_AUTH_TOKEN_SIZE],
                                uint8_t hash[LRS_AUTH_TOKEN_HASH_LEN]);

/**
 * The stored hash of the presented `token`. LRS_EINVAL when it is not
 * shaped like a token (then no lookup is needed).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_auth_token_hash(struct lrs_str token,
                    uint8_t hash[LRS_AUTH_TOKEN_HASH_LEN]);

/** Constant-time comparison of `len` bytes. */
LRS_API bool lrs_auth_equal(const void *a, const void *b, size_t len);

/** `len` random bytes from the system's CSPRNG. */
LRS_API void lrs_auth_random(void *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Sessions and CSRF                                                  */
/* ------------------------------------------------------------------ */

/** The key that signs session cookies; keep it secret. */
struct lrs_auth_key {
    uint8_t bytes[32]; /* HMAC-SHA-256 key */
};

/** Fill `k` with a random key. */
LRS_API void lrs_auth_key_generate(struct lrs_auth_key *k);

/** What a session cookie says. */
struct lrs_session {
    int64_t user_id;    /* who signed in */
    int64_t issued_ms;  /* Unix ms of the sign-in */
    int64_t expires_ms; /* Unix ms after which the cookie is refused */
    uint8_t nonce[16];  /* random: two sessions never share a cookie */
};

/** Bytes of a session cookie value with its NUL. */
#define LRS_AUTH_SESSION_SIZE 104
/** Bytes of a CSRF token with its NUL (base64url of 32 bytes). */
#define LRS_AUTH_CSRF_SIZE 44

/**
 * A new session of `user_id` issued at `now_ms` for `ttl_ms`, with a
 * random nonce.
 */
LRS_API void lrs_session_init(struct lrs_session *s, int64_t user_id,
                              int64_t now_ms, int64_t ttl_ms);

/** The cookie value of `s` under `k` ("v1." + base64url). */
LRS_API void lrs_auth_session_encode(const struct lrs_auth_key *k,
                                     const struct lrs_session *s,
                                     char out[LRS_AUTH_SESSION_SIZE]);

/**
 * Check and decode a cookie value. LRS_EINVAL when it is malformed or its
 * MAC is wrong (forged, or signed under another key); LRS_ENOTFOUND when
 * it has expired at `now_ms`.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_auth_session_decode(const struct lrs_auth_key *k, struct lrs_str cookie,
                        int64_t now_ms, struct lrs_session *out);

/** The CSRF token of session `s` under `k`. */
LRS_API void lrs_auth_csrf_token(const struct lrs_auth_key *k,
                                 const struct lrs_session *s,
                                 char out[LRS_AUTH_CSRF_SIZE]);

/** Whether `token` is the CSRF token of `s` (constant time). */
LRS_API bool lrs_auth_csrf_check(const struct lrs_auth_key *k,
                                 const struct lrs_session *s,
                                 struct lrs_str token);

/* ------------------------------------------------------------------ */
/* Rate limits                                                        */
/* ------------------------------------------------------------------ */

/**
 * Token buckets keyed by a 64-bit id (a user id): each key may take
 * `burst` actions at once and regains `per_minute` a minute. Memory is
 * fixed (a table of a few thousand keys); when it is full the key idle
 * longest is forgotten, which can only be generous, never unfair.
 */
struct lrs_ratelimit;

/** A new limiter; owned, free with lrs_ratelimit_free(). */
LRS_API LRS_NODISCARD enum lrs_err
lrs_ratelimit_new(uint32_t per_minute, uint32_t burst,
                  struct lrs_ratelimit **out);

/** Free `rl`; NULL is a no-op. */
LRS_API void lrs_ratelimit_free(struct lrs_ratelimit *rl);

/**
 * Take one action for `key` at `now_ms`: LRS_OK, or LRS_ELIMIT with
 * *retry_after_ms (may be NULL) saying when the next one is allowed.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_ratelimit_take(struct lrs_ratelimit *rl,
                                                      uint64_t key,
                                                      int64_t now_ms,
                                                      int64_t *retry_after_ms);

#endif /* LRS_AUTH_H */
