/*
 * password.c - password policy and argon2id hashing (libsodium).
 *
 * crypto_pwhash_str() writes "$argon2id$v=19$m=...,t=...,p=1$salt$hash",
 * which carries its own salt and cost, so a verify needs only the string
 * and a cost can be raised later (lrs_auth_password_needs_rehash).
 * Policy follows the NCSC's guidance: a minimum length and no composition
 * rules; the maximum only bounds the work an attacker can ask for.
 */
#include "base/base.h"

#include <lrs/auth.h>

#include <sodium.h>

#define PW_MIN_BYTES 12
#define PW_MAX_BYTES 1024

_Static_assert(LRS_AUTH_HASH_SIZE == crypto_pwhash_STRBYTES,
               "hash size must match libsodium");

static void limits(enum lrs_auth_cost cost, unsigned long long *ops,
                   size_t *mem)
{
    switch (cost) {
    case LRS_AUTH_COST_MODERATE:
        *ops = crypto_pwhash_OPSLIMIT_MODERATE;
        *mem = crypto_pwhash_MEMLIMIT_MODERATE;
        return;
    case LRS_AUTH_COST_MIN:
        *ops = crypto_pwhash_OPSLIMIT_MIN;
        *mem = crypto_pwhash_MEMLIMIT_MIN;
        return;
    case LRS_AUTH_COST_INTERACTIVE:
        break;
    }
    *ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    *mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

/* Length of the UTF-8 sequence at s[0..len), or 0 when it is invalid. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
    size_t n;
    uint32_t cp;

    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xe0) == 0xc0) {
        n = 2;
        cp = s[0] & 0x1fu;
    } else if ((s[0] & 0xf0) == 0xe0) {
        n = 3;
        cp = s[0] & 0x0fu;
    } else if ((s[0] & 0xf8) == 0xf0) {
        n = 4;
        cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    if (n > len)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    /* Overlong forms, surrogates and values past U+10FFFF. */
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
        (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

enum lrs_err lrs_auth_password_check(struct lrs_str pw, struct lrs_diag *diag)
{
    const unsigned char *s = (const unsigned char *)pw.ptr;
    size_t i = 0;

    if (pw.len < PW_MIN_BYTES) {
        lrs_diag_set(diag, "password", "must be at least %d characters",
                     PW_MIN_BYTES);
        return LRS_ERR(LRS_EINVAL);
    }
    if (pw.len > PW_MAX_BYTES) {
        lrs_diag_set(diag, "password", "must be at most %d bytes",
                     PW_MAX_BYTES);
        return LRS_ERR(LRS_EINVAL);
    }
    while (i < pw.len) {
        const size_t n = utf8_seq(s + i, pw.len - i);

        if (n == 0) {
            lrs_diag_set(diag, "password", "is not valid UTF-8");
            return LRS_ERR(LRS_EINVAL);
        }
        if (n == 1 && (s[i] < 0x20 || s[i] == 0x7f)) {
            lrs_diag_set(diag, "password", "must not hold control characters");
            return LRS_ERR(LRS_EINVAL);
        }
        i += n;
    }
    return LRS_OK;
}

enum lrs_err lrs_auth_password_hash(struct lrs_str pw, enum lrs_auth_cost cost,
                                    char out[LRS_AUTH_HASH_SIZE])
{
    unsigned long long ops;
    size_t mem;

    limits(cost, &ops, &mem);
    if (crypto_pwhash_str(out, pw.ptr ? pw.ptr : "", pw.len, ops, mem) != 0)
        return LRS_ERR(LRS_ENOMEM);
    return LRS_OK;
}

enum lrs_err lrs_auth_password_verify(const char *hash, struct lrs_str pw)
{
    if (!hash || !memchr(hash, '\0', LRS_AUTH_HASH_SIZE))
        return LRS_ERR(LRS_EINVAL);
    if (crypto_pwhash_str_verify(hash, pw.ptr ? pw.ptr : "", pw.len) != 0)
        return LRS_EINVAL; /* a wrong password is no bug to trace */
    return LRS_OK;
}

bool lrs_auth_password_needs_rehash(const char *hash, enum lrs_auth_cost cost)
{
    unsigned long long ops;
    size_t mem;

    limits(cost, &ops, &mem);
    return crypto_pwhash_str_needs_rehash(hash, ops, mem) != 0;
}

void lrs_auth_password_new(char out[LRS_AUTH_PASSWORD_NEW_SIZE])
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint8_t r[LRS_AUTH_PASSWORD_NEW_SIZE - 1];

    lrs_auth_random(r, sizeof r);
    for (size_t i = 0; i < sizeof r; i++)
        out[i] = b64[r[i] & 63];
    out[sizeof r] = '\0';
}
