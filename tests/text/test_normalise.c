/* test_normalise.c - name normalisation, tokens, malformed input, OOM. */
#include "testutil.h"

#include <lrs/text.h>

#include <stdlib.h>
#include <string.h>

/* The invariants of a normalised name (lrs/text.h), checked after every
 * successful call. */
static void assert_sane(const char *s, size_t len)
{
    assert_int_equal(s[len], '\0');
    assert_int_equal(strlen(s), len);
    if (len == 0)
        return;
    assert_true(s[0] != ' ');
    assert_true(s[len - 1] != ' ');
    for (size_t i = 0; i < len; i++) {
        const unsigned char c = (unsigned char)s[i];

        if (c == ' ')
            assert_true(s[i + 1] != ' ');
        else if (c < 0x80)
            assert_true((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
    }
}

/* Normalise `in` and check the invariants and idempotence. */
static enum lrs_err norm(struct lrs_str in, char out[LRS_NAME_SIZE],
                         size_t *len)
{
    char again[LRS_NAME_SIZE];
    size_t again_len = 99;
    struct lrs_diag d = LRS_DIAG_INIT;
    const enum lrs_err err = lrs_name_normalise_to(in, "name", out, len, &d);

    if (err) {
        assert_int_equal(*len, 0);
        assert_string_equal(out, "");
        assert_string_equal(d.field, "name");
        assert_true(d.msg[0] != '\0');
        return err;
    }
    assert_sane(out, *len);
    assert_int_equal(lrs_name_normalise_to((struct lrs_str){out, *len}, NULL,
                                           again, &again_len, NULL),
                     LRS_OK);
    assert_string_equal(again, out);
    return LRS_OK;
}

struct vec {
    const char *in;
    const char *want;
};

/*
 * Source: the issue and ARCHITECTURE.md "Matching" (O'Brien, D'Arcy, Zoë,
 * Smith-Jones, the fold letters); the rest are the rules of docs/names.md
 * applied to names of the origins the LRS sees.
 */
static const struct vec vectors[] = {
    {"O'Brien", "OBRIEN"},
    {"O\u2019Brien", "OBRIEN"}, /* U+2019 */
    {"O\u2018Brien", "OBRIEN"}, /* U+2018 */
    {"O`Neil", "ONEIL"},
    {"D\u00B4Angelo", "DANGELO"}, /* U+00B4, typed as an apostrophe */
    {"\u02BBIolani", "IOLANI"},   /* U+02BB okina */
    {"N\u02BCGolo", "NGOLO"},     /* U+02BC */
    {"D'Arcy", "DARCY"},
    {"d'arcy", "DARCY"},
    {"Zo\u00EB", "ZOE"},  /* precomposed U+00EB */
    {"Zoe\u0308", "ZOE"}, /* e + U+0308 */
    {"Smith-Jones", "SMITH JONES"},
    {"Smith - Jones", "SMITH JONES"},
    {"Anne\u2010Marie", "ANNE MARIE"}, /* U+2010 hyphen */
    {"Ben\u2013Ali", "BEN ALI"},       /* U+2013 en dash */
    {"  smith   jones  ", "SMITH JONES"},
    {"St. John", "ST JOHN"},
    {"St.John", "ST JOHN"},
    {"Smith, John", "SMITH JOHN"},
    {"Smith,,John..", "SMITH JOHN"},
    {"Mary\u00A0Jane", "MARY JANE"}, /* no-break space */
    {"Mar\u00ADy", "MARY"},          /* soft hyphen: invisible */
    {"Ma\u200Dry", "MARY"},          /* zero-width joiner */
    {"\uFEFFMary", "MARY"},          /* byte order mark */
    {"Ren\u00E9e", "RENEE"},
    {"Jos\u00E9", "JOSE"},
    {"M\u00FCller", "MULLER"},
    {"Stra\u00DFe", "STRASSE"},                  /* ß */
    {"GRO\u1E9E", "GROSS"},                      /* ẞ */
    {"\u00D8ster", "OSTER"},                     /* Ø */
    {"S\u00F8rensen", "SORENSEN"},               /* ø */
    {"\u0141ukasz", "LUKASZ"},                   /* Ł */
    {"Wa\u0142\u0119sa", "WALESA"},              /* ł, ę */
    {"\u00C6thelred", "AETHELRED"},              /* Æ */
    {"\u0152uvre", "OEUVRE"},                    /* Œ */
    {"\u0110or\u0111evi\u0107", "DORDEVIC"},     /* Đ đ ć */
    {"\u00DE\u00F3r", "THOR"},                   /* Þ ó */
    {"Gu\u00F0r\u00FAn", "GUDRUN"},              /* ð */
    {"Y\u0131ld\u0131z", "YILDIZ"},              /* ı */
    {"\u0130brahim", "IBRAHIM"},                 /* İ */
    {"\u015Eahin", "SAHIN"},                     /* Ş */
    {"Nguy\u1EC5n", "NGUYEN"},                   /* ễ, two marks */
    {"\u1ECCl\u00E1l\u00E9kan", "OLALEKAN"},     /* Yoruba Ọ */
    {"\u0181ello", "BELLO"},                     /* Hausa Ɓ */
    {"\u018Aanjuma", "DANJUMA"},                 /* Hausa Ɗ */
    {"\u0198ano", "KANO"},                       /* Hausa Ƙ */
    {"\u0186sei", "OSEI"},                       /* Akan Ɔ */
    {"Ab\u025Bna", "ABENA"},                     /* Akan ɛ */
    {"\u018Fli", "ELI"},                         /* Azerbaijani Ə */
    {"\uFB01ona", "FIONA"},                      /* ﬁ ligature */
    {"\uFF33\uFF2D\uFF29\uFF34\uFF28", "SMITH"}, /* fullwidth */
    {"Henry VIII", "HENRY VIII"},
    {"Louis \u216B", "LOUIS XII"}, /* Roman numeral Ⅻ */
    {"Ashley 2nd", "ASHLEY 2ND"},
    {"Ann\u2014&Bob!", "ANN BOB"}, /* em dash, symbols */
    {"\u0418\u0432\u0430\u043D", "\u0418\u0412\u0410\u041D"},
    {"\u03A3\u03C9\u03BA\u03C1\u03AC\u03C4\u03B7\u03C2",
     "\u03A3\u03A9\u039A\u03A1\u0391\u03A4\u0397\u03A3"},
    {"\u674E", "\u674E"}, /* CJK kept */
    {"", ""},
    {" ", ""},
    {"-'., ", ""},
    {"'", ""},
};

static void test_normalise__vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        char out[LRS_NAME_SIZE];
        size_t len = 99;

        assert_int_equal(norm(lrs_str_c(vectors[i].in), out, &len), LRS_OK);
        if (strcmp(out, vectors[i].want) != 0)
            fail_msg("'%s' gave '%s', want '%s'", vectors[i].in, out,
                     vectors[i].want);
        assert_int_equal(len, strlen(vectors[i].want));
    }
}

struct bad {
    const char *in;
    size_t len;
    enum lrs_err err;
    const char *msg; /* expected substring of the diagnostic */
};

static const struct bad bad_inputs[] = {
    {"Ann\0a", 5, LRS_EINVAL, "NUL byte at byte 3"},
    {"\0", 1, LRS_EINVAL, "NUL byte at byte 0"},
    {"Ann\ta", 5, LRS_EINVAL, "control character U+0009 at byte 3"},
    {"Ann\na", 5, LRS_EINVAL, "U+000A"},
    {"Ann\x7F", 4, LRS_EINVAL, "U+007F"},
    {"Ann\xC2\x85", 5, LRS_EINVAL, "U+0085"},                 /* C1 control */
    {"Ann\xC3", 4, LRS_EINVAL, "not valid UTF-8 at byte 3"},  /* cut short */
    {"\xC0\xAF", 2, LRS_EINVAL, "not valid UTF-8 at byte 0"}, /* overlong */
    {"a\xE0\x80\xAF", 4, LRS_EINVAL, "at byte 1"},            /* overlong */
    {"\xED\xA0\x80", 3, LRS_EINVAL, "UTF-8"},                 /* surrogate */
    {"\xF4\x90\x80\x80", 4, LRS_EINVAL, "UTF-8"}, /* past U+10FFFF */
    {"\xFF", 1, LRS_EINVAL, "UTF-8"},
    {"Ann\x80", 4, LRS_EINVAL, "UTF-8"},       /* lone continuation */
    {"\xEE\x80\x80", 3, LRS_EINVAL, "U+E000"}, /* private use */
    {"\xCD\xB8", 2, LRS_EINVAL, "U+0378"},     /* unassigned */
    {"\xEF\xBF\xBF", 3, LRS_EINVAL, "U+FFFF"}, /* noncharacter */
};

static void test_normalise__rejects_malformed(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_inputs / sizeof bad_inputs[0]; i++) {
        const struct bad *b = &bad_inputs[i];
        char out[LRS_NAME_SIZE] = "junk";
        size_t len = 99;
        struct lrs_diag d = LRS_DIAG_INIT;

        assert_int_equal(lrs_name_normalise_to((struct lrs_str){b->in, b->len},
                                               "given_name", out, &len, &d),
                         b->err);
        assert_string_equal(out, "");
        assert_int_equal(len, 0);
        assert_string_equal(d.field, "given_name");
        if (!strstr(d.msg, b->msg))
            fail_msg("message '%s' lacks '%s'", d.msg, b->msg);
        /* A NULL diag is allowed. */
        assert_int_equal(lrs_name_normalise_to((struct lrs_str){b->in, b->len},
                                               "given_name", out, &len, NULL),
                         b->err);
    }
}

static void test_normalise__length_limits(void **state)
{
    char in[LRS_NAME_INPUT_MAX + 1];
    char out[LRS_NAME_SIZE];
    size_t len;
    struct lrs_diag d = LRS_DIAG_INIT;
    char big[3 * 100];

    (void)state;
    memset(in, 'a', sizeof in);
    /* Exactly the limit is accepted. */
    assert_int_equal(norm((struct lrs_str){in, LRS_NAME_INPUT_MAX}, out, &len),
                     LRS_OK);
    assert_int_equal(len, LRS_NAME_INPUT_MAX);
    /* One byte more is not. */
    assert_int_equal(lrs_name_normalise_to((struct lrs_str){in, sizeof in},
                                           "family_name", out, &len, &d),
                     LRS_ELIMIT);
    assert_string_equal(d.field, "family_name");
    assert_string_equal(d.msg, "is 257 bytes long, at most 256 allowed");
    /* Within the input limit, but compatibility forms expand: U+33AF
     * SQUARE RAD OVER S SQUARED is 3 bytes and becomes "RAD S2". */
    for (size_t i = 0; i < 80; i++)
        memcpy(big + 3 * i, "\xE3\x8E\xAF", 3);
    assert_int_equal(lrs_name_normalise_to((struct lrs_str){big, 3 * 80},
                                           "family_name", out, &len, &d),
                     LRS_ELIMIT);
    assert_non_null(strstr(d.msg, "normalised form is longer than 256"));
    assert_int_equal(len, 0);
    assert_int_equal(norm((struct lrs_str){big, 3}, out, &len), LRS_OK);
    assert_string_equal(out, "RAD S2");
}

/* Random bytes and random mixes of name characters keep the invariants. */
static void test_normalise__random_input_keeps_invariants(void **state)
{
    static const char *const parts[] = {
        "a",      "Z",      " ",      "-",      "'",      ".",      ",",
        "\u00EB", "\u00DF", "\u2019", "\u0308", "\u00A0", "\u0418", "\u03C2",
        "\uFB01", "\u01C5", "\u1FBE", "\u0149", "9",
    };
    unsigned seed = 12345;

    (void)state;
    for (int n = 0; n < 20000; n++) {
        char in[64], out[LRS_NAME_SIZE];
        size_t in_len = 0, len;
        const int pieces = n % 12;

        seed = seed * 1103515245u + 12345u;
        for (int k = 0; k < pieces; k++) {
            seed = seed * 1103515245u + 12345u;
            if (n & 1) {
                const char *p =
                    parts[(seed >> 16) % (sizeof parts / sizeof parts[0])];

                memcpy(in + in_len, p, strlen(p));
                in_len += strlen(p);
            } else {
                in[in_len++] = (char)(seed >> 16);
            }
        }
        (void)norm((struct lrs_str){in, in_len}, out, &len);
    }
}

static void test_normalise__appends_to_buf(void **state)
{
    struct lrs_buf b = LRS_BUF_INIT;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    assert_int_equal(lrs_buf_adds(&b, "x:"), LRS_OK);
    assert_int_equal(lrs_name_normalise(LRS_STR("Smith-Jones"), "name", &b, &d),
                     LRS_OK);
    assert_string_equal(b.data, "x:SMITH JONES");
    /* Errors leave the buffer unchanged. */
    assert_int_equal(
        lrs_name_normalise((struct lrs_str){"a\0", 2}, "name", &b, &d),
        LRS_EINVAL);
    assert_string_equal(b.data, "x:SMITH JONES");
    lrs_buf_release(&b);
    /* A buffer limit is respected and reported. */
    lrs_buf_init(&b, 4);
    assert_int_equal(lrs_name_normalise(LRS_STR("Smith"), "name", &b, &d),
                     LRS_ELIMIT);
    assert_string_equal(b.data, "");
    assert_non_null(strstr(d.msg, "does not fit in 4 bytes"));
    lrs_buf_release(&b);
}

/* Every allocation failure gives a clean ENOMEM, no leak, a valid buffer. */
static void test_normalise__oom_loop(void **state)
{
    (void)state;
    for (unsigned long n = 1;; n++) {
        struct lrs_buf b = LRS_BUF_INIT;
        enum lrs_err err = LRS_OK;

        test_alloc_fail_at(n);
        for (int i = 0; i < 50 && !err; i++)
            err = lrs_name_normalise(LRS_STR("Zo\xC3\xAB O'Brien-Smith "),
                                     "name", &b, NULL);
        assert_non_null(b.data);
        assert_int_equal(b.data[b.len], '\0');
        assert_int_equal(b.len % strlen("ZOE OBRIEN SMITH"), 0);
        if (err)
            assert_int_equal(err, LRS_ENOMEM);
        lrs_buf_release(&b);
        assert_int_equal(test_alloc_live(), 0);
        if (!test_alloc_failed()) {
            assert_int_equal(err, LRS_OK);
            break;
        }
        test_alloc_reset();
    }
    test_alloc_reset();
}

static void test_normalise__tokens(void **state)
{
    struct lrs_str toks[3];
    size_t count = 99;
    struct lrs_str rest, tok;

    (void)state;
    assert_int_equal(lrs_name_tokens(LRS_STR("SMITH JONES"), toks, 3, &count),
                     LRS_OK);
    assert_int_equal(count, 2);
    assert_true(lrs_str_eq(toks[0], LRS_STR("SMITH")));
    assert_true(lrs_str_eq(toks[1], LRS_STR("JONES")));
    assert_int_equal(lrs_name_tokens(LRS_STR("A B C D"), toks, 3, &count),
                     LRS_ELIMIT);
    assert_int_equal(count, 3);
    assert_true(lrs_str_eq(toks[2], LRS_STR("C")));
    assert_int_equal(lrs_name_tokens(LRS_STR(""), toks, 3, &count), LRS_OK);
    assert_int_equal(count, 0);
    assert_int_equal(lrs_name_tokens(LRS_STR("   "), toks, 3, &count), LRS_OK);
    assert_int_equal(count, 0);
    assert_int_equal(lrs_name_tokens(LRS_STR("X"), toks, 0, &count),
                     LRS_ELIMIT);
    assert_int_equal(count, 0);
    /* The iterator tolerates runs of spaces. */
    rest = LRS_STR("  ANNE  MARIE ");
    assert_true(lrs_name_token_next(&rest, &tok));
    assert_true(lrs_str_eq(tok, LRS_STR("ANNE")));
    assert_true(lrs_name_token_next(&rest, &tok));
    assert_true(lrs_str_eq(tok, LRS_STR("MARIE")));
    assert_false(lrs_name_token_next(&rest, &tok));
    assert_false(lrs_name_token_next(&rest, &tok));
    rest = (struct lrs_str){NULL, 0};
    assert_false(lrs_name_token_next(&rest, &tok));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalise__vectors),
        cmocka_unit_test(test_normalise__rejects_malformed),
        cmocka_unit_test(test_normalise__length_limits),
        cmocka_unit_test(test_normalise__random_input_keeps_invariants),
        cmocka_unit_test(test_normalise__appends_to_buf),
        cmocka_unit_test(test_normalise__oom_loop),
        cmocka_unit_test(test_normalise__tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
