/*
 * fuzz_name.c - name normalisation, tokens, similarity and Double Metaphone
 * on arbitrary bytes.
 *
 * The whole input is normalised; when that succeeds the result must keep
 * the invariants of lrs/text.h (A-Z, 0-9 and upper-case non-ASCII letters,
 * single inner spaces, none at the ends) and normalise to itself. The
 * input is then cut in two (the first byte picks where) and the pieces,
 * raw and normalised, go through Jaro-Winkler, the bounded distance and
 * Double Metaphone, whose contracts are checked. A broken invariant aborts.
 */
#include <lrs/lrs.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                                               \
    do {                                                                       \
        if (!(x))                                                              \
            abort();                                                           \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_normalised(const char *s, size_t len)
{
    char again[LRS_NAME_SIZE];
    size_t again_len;
    struct lrs_str rest = {s, len}, tok;
    size_t tokens = 0, token_bytes = 0;

    CHECK(len <= LRS_NAME_MAX && s[len] == '\0');
    if (len > 0)
        CHECK(s[0] != ' ' && s[len - 1] != ' ');
    for (size_t i = 0; i < len; i++) {
        const unsigned char c = (unsigned char)s[i];

        if (c == ' ')
            CHECK(s[i + 1] != ' ');
        else if (c < 0x80)
            CHECK((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
    }
    CHECK(lrs_name_normalise_to((struct lrs_str){s, len}, "name", again,
                                &again_len, NULL) == LRS_OK);
    CHECK(again_len == len && memcmp(again, s, len) == 0);
    while (lrs_name_token_next(&rest, &tok)) {
        CHECK(tok.len > 0);
        tokens++;
        token_bytes += tok.len;
    }
    CHECK(len == 0 || token_bytes + tokens - 1 == len);
}

static void check_metaphone(struct lrs_str w, unsigned max)
{
    struct lrs_metaphone m;
    const size_t cap = max == 0 ? LRS_NAME_METAPHONE_DEFAULT
                       : max > LRS_NAME_METAPHONE_MAX ? LRS_NAME_METAPHONE_MAX
                                                      : max;

    lrs_name_metaphone(w, max, &m);
    CHECK(strlen(m.primary) <= cap && strlen(m.alternate) <= cap);
    for (const char *p = m.primary; *p; p++)
        CHECK((*p >= 'A' && *p <= 'Z') || *p == '0');
    for (const char *p = m.alternate; *p; p++)
        CHECK((*p >= 'A' && *p <= 'Z') || *p == '0');
}

static void compare(struct lrs_str a, struct lrs_str b, unsigned max)
{
    const double jw = lrs_name_jaro_winkler(a, b);
    const double j = lrs_name_jaro(a, b);
    const unsigned d = lrs_name_damerau_levenshtein(a, b, max);
    const unsigned full = lrs_name_damerau_levenshtein(a, b, 1000);
    const size_t la = a.len < LRS_NAME_CMP_MAX ? a.len : LRS_NAME_CMP_MAX;
    const size_t lb = b.len < LRS_NAME_CMP_MAX ? b.len : LRS_NAME_CMP_MAX;

    CHECK(jw >= 0.0 && jw <= 1.0 && j <= jw);
    CHECK(jw == lrs_name_jaro_winkler(b, a));
    CHECK(d == lrs_name_damerau_levenshtein(b, a, max));
    CHECK(full <= (la > lb ? la : lb));
    CHECK(d == (full <= max ? full : max + 1));
    CHECK(lrs_name_damerau_levenshtein(a, a, 0) == 0);
    if (la > 0)
        CHECK(lrs_name_jaro_winkler(a, a) == 1.0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char out[LRS_NAME_SIZE], na[LRS_NAME_SIZE], nb[LRS_NAME_SIZE];
    size_t len, la, lb, cut;
    struct lrs_diag diag = LRS_DIAG_INIT;
    struct lrs_buf buf;
    enum lrs_err err;
    unsigned max;

    err = lrs_name_normalise_to((struct lrs_str){s, size}, "name", out, &len,
                                &diag);
    if (err == LRS_OK)
        check_normalised(out, len);
    else
        CHECK(len == 0 && out[0] == '\0' && diag.field && diag.msg[0]);

    /* The buffer form agrees, limit included. */
    lrs_buf_init(&buf, 64);
    if (lrs_name_normalise((struct lrs_str){s, size}, "name", &buf, NULL) ==
        LRS_OK)
        CHECK(err == LRS_OK && buf.len == len &&
              memcmp(buf.data, out, len) == 0);
    else
        CHECK(err != LRS_OK || len > 64);
    lrs_buf_release(&buf);

    if (size == 0)
        return 0;
    cut = 1 + data[0] % size;
    max = data[0] % 12;
    {
        const struct lrs_str a = {s + 1, cut - 1}, b = {s + cut, size - cut};

        compare(a, b, max);
        check_metaphone(a, max);
        check_metaphone(b, data[size - 1] % 12);
        if (lrs_name_normalise_to(a, "a", na, &la, NULL) == LRS_OK &&
            lrs_name_normalise_to(b, "b", nb, &lb, NULL) == LRS_OK) {
            struct lrs_str rest = {na, la}, tok;

            compare((struct lrs_str){na, la}, (struct lrs_str){nb, lb}, max);
            while (lrs_name_token_next(&rest, &tok))
                check_metaphone(tok, max);
        }
    }
    return 0;
}
