/*
 * uln.c - Unique Learner Numbers: the check digit, checking, and the keyed
 * issuer.
 *
 * The check digit (DfE school census rule 1575, ESFA ILR validator, DAS
 * shared packages; see DOMAIN.md): weights 10, 9, ..., 2 on digits 1-9,
 * r = sum mod 11; r = 0 means no valid ULN has that base, otherwise the
 * tenth digit is 10 - r.
 *
 * Issuing. A ULN must carry no meaning and one must not be guessable from
 * another (DOMAIN.md), yet a register needs to issue each exactly once and
 * to recover after a crash from a plain counter. So a counter c in
 * 0..899,999,999 is encrypted with a keyed pseudo-random permutation P of
 * that same range, and the ULN is 100,000,000 + P(c) followed by its check
 * digit. Because P is a bijection, distinct counters give distinct bases.
 *
 * P is a balanced Feistel network on 30-bit values (two 15-bit halves,
 * ROUNDS rounds) made to fit 900,000,000 < 2^30 by cycle walking (Black and
 * Rogaway, "Ciphers with arbitrary finite domains", 2002): apply the 30-bit
 * permutation again until the value lands below 900,000,000. Every cycle
 * of a permutation that starts inside the range returns to it, so the walk
 * ends, and the induced map on the range is itself a permutation. About
 * 1.19 applications are needed on average.
 *
 * The round function is SipHash-2-4 (Aumasson and Bernstein, 2012) keyed
 * with bytes 0-15 of the register's key, over a 24-byte message: bytes
 * 16-31 of the key, then the round number and the right half. Its low 15
 * bits are XORed into the left half. The SipHash state after the first 16
 * message bytes depends only on the key, so it is computed once per call.
 */
#include "base/base.h"

#include <lrs/ids.h>

#include <sys/random.h>
#include <sys/types.h>

/* Ten rounds, as NIST SP 800-38G FF1 uses for small domains; four would be
 * the Luby-Rackoff minimum, and halves of 15 bits deserve a margin. */
#define ROUNDS    10
#define HALF_BITS 15
#define HALF_MASK ((1u << HALF_BITS) - 1)
#define BASE_MIN  100000000u

/* ------------------------------------------------------------------ */
/* The check digit and checking                                       */
/* ------------------------------------------------------------------ */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The weighted sum of nine digits mod 11, or -1 on a non-digit. */
static int remainder9(const char *digits9)
{
    int sum = 0;

    for (int i = 0; i < 9; i++) {
        if (!is_digit(digits9[i]))
            return -1;
        sum += (10 - i) * (digits9[i] - '0');
    }
    return sum % 11;
}

int lrs_uln_check_digit(const char *digits9)
{
    const int r = remainder9(digits9);

    return r <= 0 ? -1 : 10 - r;
}

enum lrs_err lrs_uln_check(struct lrs_str uln, struct lrs_diag *diag)
{
    int expected;

    if (uln.len == 0) {
        lrs_diag_set(diag, "uln", "is missing");
        return LRS_ERR(LRS_EINVAL);
    }
    for (size_t i = 0; i < uln.len; i++) {
        if (!is_digit(uln.ptr[i])) {
            lrs_diag_set(diag, "uln", "must contain only digits");
            return LRS_ERR(LRS_EINVAL);
        }
    }
    if (uln.len != LRS_ULN_LEN) {
        lrs_diag_set(diag, "uln", "must be 10 digits, got %zu", uln.len);
        return LRS_ERR(LRS_EINVAL);
    }
    if (uln.ptr[0] == '0') {
        lrs_diag_set(diag, "uln", "must not start with 0");
        return LRS_ERR(LRS_EINVAL);
    }
    expected = lrs_uln_check_digit(uln.ptr);
    if (expected < 0) {
        lrs_diag_set(diag, "uln", "has no valid check digit (remainder 0)");
        return LRS_ERR(LRS_EINVAL);
    }
    if (uln.ptr[9] - '0' != expected) {
        lrs_diag_set(diag, "uln", "check digit is %d, expected %d",
                     uln.ptr[9] - '0', expected);
        return LRS_ERR(LRS_EINVAL);
    }
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* SipHash-2-4, specialised to the round function                     */
/* ------------------------------------------------------------------ */

struct prf {
    uint64_t v[4]; /* SipHash state after key bytes 16-31 are absorbed */
};

static uint64_t rotl(uint64_t x, unsigned b)
{
    return (x << b) | (x >> (64 - b));
}

static void sipround(uint64_t v[4])
{
    v[0] += v[1];
    v[1] = rotl(v[1], 13);
    v[1] ^= v[0];
    v[0] = rotl(v[0], 32);
    v[2] += v[3];
    v[3] = rotl(v[3], 16);
    v[3] ^= v[2];
    v[0] += v[3];
    v[3] = rotl(v[3], 21);
    v[3] ^= v[0];
    v[2] += v[1];
    v[1] = rotl(v[1], 17);
    v[1] ^= v[2];
    v[2] = rotl(v[2], 32);
}

static void sip_word(uint64_t v[4], uint64_t m)
{
    v[3] ^= m;
    sipround(v);
    sipround(v);
    v[0] ^= m;
}

static uint64_t load_le64(const uint8_t *p)
{
    uint64_t r = 0;

    for (int i = 7; i >= 0; i--)
        r = (r << 8) | p[i];
    return r;
}

static void prf_init(struct prf *prf, const struct lrs_uln_key *key)
{
    const uint64_t k0 = load_le64(key->bytes);
    const uint64_t k1 = load_le64(key->bytes + 8);

    prf->v[0] = k0 ^ 0x736f6d6570736575u;
    prf->v[1] = k1 ^ 0x646f72616e646f6du;
    prf->v[2] = k0 ^ 0x6c7967656e657261u;
    prf->v[3] = k1 ^ 0x7465646279746573u;
    sip_word(prf->v, load_le64(key->bytes + 16));
    sip_word(prf->v, load_le64(key->bytes + 24));
}

/* SipHash-2-4 of (key bytes 16-31, round << 32 | half): 24 message bytes. */
static uint32_t prf_round(const struct prf *prf, uint32_t round, uint32_t half)
{
    uint64_t v[4] = {prf->v[0], prf->v[1], prf->v[2], prf->v[3]};
    const uint64_t last = (uint64_t)24 << 56;

    sip_word(v, (uint64_t)round << 32 | half);
    sip_word(v, last);
    v[2] ^= 0xff;
    for (int i = 0; i < 4; i++)
        sipround(v);
    return (uint32_t)(v[0] ^ v[1] ^ v[2] ^ v[3]) & HALF_MASK;
}

/* ------------------------------------------------------------------ */
/* The permutation and the issuer                                     */
/* ------------------------------------------------------------------ */

static uint32_t feistel30(const struct prf *prf, uint32_t x)
{
    uint32_t left = x >> HALF_BITS;
    uint32_t right = x & HALF_MASK;

    for (uint32_t round = 0; round < ROUNDS; round++) {
        const uint32_t next = left ^ prf_round(prf, round, right);

        left = right;
        right = next;
    }
    return left << HALF_BITS | right;
}

/* The keyed permutation of 0..LRS_ULN_COUNTER_LIMIT-1, by cycle walking. */
static uint32_t permute(const struct prf *prf, uint32_t index)
{
    uint32_t x = index;

    do {
        x = feistel30(prf, x);
    } while (x >= LRS_ULN_COUNTER_LIMIT);
    return x;
}

static void format9(uint32_t n, char out[9])
{
    for (int i = 8; i >= 0; i--) {
        out[i] = (char)('0' + n % 10);
        n /= 10;
    }
}

enum lrs_err lrs_uln_issue(const struct lrs_uln_key *key, uint64_t *counter,
                           char out[LRS_ULN_LEN + 1])
{
    struct prf prf;

    LRS_ASSERT(key && counter && out);
    prf_init(&prf, key);
    for (uint64_t c = *counter; c < LRS_ULN_COUNTER_LIMIT; c++) {
        int check;

        format9(BASE_MIN + permute(&prf, (uint32_t)c), out);
        check = lrs_uln_check_digit(out);
        if (check < 0)
            continue; /* this base has no ULN: take the next counter */
        out[9] = (char)('0' + check);
        out[10] = '\0';
        *counter = c + 1;
        return LRS_OK;
    }
    out[0] = '\0';
    return LRS_ERR(LRS_ELIMIT);
}

enum lrs_err lrs_uln_key_generate(struct lrs_uln_key *key)
{
    size_t got = 0;

    LRS_ASSERT(key);
    while (got < sizeof key->bytes) {
        const ssize_t n =
            getrandom(key->bytes + got, sizeof key->bytes - got, 0);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return LRS_ERR(LRS_EIO);
        }
        got += (size_t)n;
    }
    return LRS_OK;
}
