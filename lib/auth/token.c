/*
 * token.c - random secrets: API tokens, keys, constant-time comparison.
 *
 * A token is "lrst_" and 32 random bytes in unpadded base64url. The prefix
 * makes a leaked token easy to recognise (secret scanners) and lets a
 * malformed one be refused without a lookup. At rest only its SHA-256 is
 * kept (lrs_auth_token_hash).
 */
#include "base/base.h"

#include <lrs/auth.h>

#include <sodium.h>

#define PREFIX      "lrst_"
#define PREFIX_LEN  (sizeof PREFIX - 1)
#define SECRET_LEN  32
#define B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

enum lrs_err lrs_auth_init(void)
{
    if (sodium_init() < 0)
        return LRS_ERR(LRS_EIO);
    return LRS_OK;
}

void lrs_auth_random(void *buf, size_t len)
{
    randombytes_buf(buf, len);
}

bool lrs_auth_equal(const void *a, const void *b, size_t len)
{
    return sodium_memcmp(a, b, len) == 0;
}

void lrs_auth_key_generate(struct lrs_auth_key *k)
{
    randombytes_buf(k->bytes, sizeof k->bytes);
}

void lrs_auth_token_new(char out[LRS_AUTH_TOKEN_SIZE],
                        uint8_t hash[LRS_AUTH_TOKEN_HASH_LEN])
{
    uint8_t secret[SECRET_LEN];

    randombytes_buf(secret, sizeof secret);
    memcpy(out, PREFIX, PREFIX_LEN);
    sodium_bin2base64(out + PREFIX_LEN, LRS_AUTH_TOKEN_SIZE - PREFIX_LEN,
                      secret, sizeof secret, B64_VARIANT);
    sodium_memzero(secret, sizeof secret);
    crypto_hash_sha256(hash, (const unsigned char *)out,
                       LRS_AUTH_TOKEN_SIZE - 1);
}

enum lrs_err lrs_auth_token_hash(struct lrs_str token,
                                 uint8_t hash[LRS_AUTH_TOKEN_HASH_LEN])
{
    if (token.len != LRS_AUTH_TOKEN_SIZE - 1 ||
        memcmp(token.ptr, PREFIX, PREFIX_LEN) != 0)
        return LRS_EINVAL;
    for (size_t i = PREFIX_LEN; i < token.len; i++) {
        const char c = token.ptr[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return LRS_EINVAL;
    }
    crypto_hash_sha256(hash, (const unsigned char *)token.ptr, token.len);
    return LRS_OK;
}
