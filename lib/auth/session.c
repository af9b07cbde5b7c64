/*
 * session.c - signed session cookies and their CSRF tokens.
 *
 * A cookie is "v1." and the unpadded base64url of 72 bytes: a 40-byte
 * payload (user id, issued and expiry times as little-endian 64-bit
 * integers, a 16-byte random nonce) and its HMAC-SHA-256 under the server
 * key. This file only signs and checks: any lrsd holding the key can tell
 * a genuine, unexpired cookie. Whether the session is still live is the
 * store's to say: the nonce names a session row (lrs/accounts.h) that
 * signing out, a password reset or change, or disabling the user revokes,
 * and lrsd refuses a cookie whose row is revoked (cmd/lrsd/auth.c).
 * The CSRF token is HMAC-SHA-256("csrf" || payload) under the same key,
 * so it is bound to one session and useless with another.
 */
#include "base/base.h"

#include <lrs/auth.h>

#include <sodium.h>

#define PAYLOAD_LEN 40
#define MAC_LEN     crypto_auth_hmacsha256_BYTES
#define RAW_LEN     (PAYLOAD_LEN + MAC_LEN)
#define VERSION     "v1."
#define VERSION_LEN (sizeof VERSION - 1)
#define B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

_Static_assert(VERSION_LEN + (RAW_LEN * 4 + 2) / 3 < LRS_AUTH_SESSION_SIZE,
               "session cookie buffer too small");

static void put64(uint8_t *p, int64_t v)
{
    const uint64_t u = (uint64_t)v;

    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(u >> (8 * i));
}

static int64_t get64(const uint8_t *p)
{
    uint64_t u = 0;

    for (int i = 0; i < 8; i++)
        u |= (uint64_t)p[i] << (8 * i);
    return (int64_t)u;
}

static void pack(const struct lrs_session *s, uint8_t p[PAYLOAD_LEN])
{
    put64(p, s->user_id);
    put64(p + 8, s->issued_ms);
    put64(p + 16, s->expires_ms);
    memcpy(p + 24, s->nonce, sizeof s->nonce);
}

void lrs_session_init(struct lrs_session *s, int64_t user_id, int64_t now_ms,
                      int64_t ttl_ms)
{
    s->user_id = user_id;
    s->issued_ms = now_ms;
    s->expires_ms = now_ms + ttl_ms;
    randombytes_buf(s->nonce, sizeof s->nonce);
}

void lrs_auth_session_encode(const struct lrs_auth_key *k,
                             const struct lrs_session *s,
                             char out[LRS_AUTH_SESSION_SIZE])
{
    uint8_t raw[RAW_LEN];

    pack(s, raw);
    crypto_auth_hmacsha256(raw + PAYLOAD_LEN, raw, PAYLOAD_LEN, k->bytes);
    memcpy(out, VERSION, VERSION_LEN);
    sodium_bin2base64(out + VERSION_LEN, LRS_AUTH_SESSION_SIZE - VERSION_LEN,
                      raw, sizeof raw, B64_VARIANT);
}

enum lrs_err lrs_auth_session_decode(const struct lrs_auth_key *k,
                                     struct lrs_str cookie, int64_t now_ms,
                                     struct lrs_session *out)
{
    uint8_t raw[RAW_LEN];
    size_t raw_len = 0;
    const char *end = NULL;

    if (cookie.len < VERSION_LEN ||
        memcmp(cookie.ptr, VERSION, VERSION_LEN) != 0)
        return LRS_EINVAL;
    if (sodium_base642bin(raw, sizeof raw, cookie.ptr + VERSION_LEN,
                          cookie.len - VERSION_LEN, NULL, &raw_len, &end,
                          B64_VARIANT) != 0 ||
        raw_len != RAW_LEN || end != cookie.ptr + cookie.len)
        return LRS_EINVAL;
    if (crypto_auth_hmacsha256_verify(raw + PAYLOAD_LEN, raw, PAYLOAD_LEN,
                                      k->bytes) != 0)
        return LRS_EINVAL;
    if (get64(raw + 16) <= now_ms)
        return LRS_ENOTFOUND;
    out->user_id = get64(raw);
    out->issued_ms = get64(raw + 8);
    out->expires_ms = get64(raw + 16);
    memcpy(out->nonce, raw + 24, sizeof out->nonce);
    return LRS_OK;
}

static void csrf_mac(const struct lrs_auth_key *k, const struct lrs_session *s,
                     uint8_t mac[MAC_LEN])
{
    crypto_auth_hmacsha256_state st;
    uint8_t p[PAYLOAD_LEN];

    pack(s, p);
    crypto_auth_hmacsha256_init(&st, k->bytes, sizeof k->bytes);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)"csrf", 4);
    crypto_auth_hmacsha256_update(&st, p, sizeof p);
    crypto_auth_hmacsha256_final(&st, mac);
}

void lrs_auth_csrf_token(const struct lrs_auth_key *k,
                         const struct lrs_session *s,
                         char out[LRS_AUTH_CSRF_SIZE])
{
    uint8_t mac[MAC_LEN];

    csrf_mac(k, s, mac);
    sodium_bin2base64(out, LRS_AUTH_CSRF_SIZE, mac, sizeof mac, B64_VARIANT);
}

bool lrs_auth_csrf_check(const struct lrs_auth_key *k,
                         const struct lrs_session *s, struct lrs_str token)
{
    char want[LRS_AUTH_CSRF_SIZE];

    if (token.len != LRS_AUTH_CSRF_SIZE - 1)
        return false;
    lrs_auth_csrf_token(k, s, want);
    return sodium_memcmp(want, token.ptr, token.len) == 0;
}
