/*
 * test_util.c - what util.c gives the reader and the writer: libxml2's
 * error handlers are the host's again after every call (and never called
 * for liblrs's own parsing), and the UTF-8 and XML character checks, seen
 * through the writer's refusal of bad text.
 */
#include "ctftest.h"

#include <libxml/xmlerror.h>

static int host_calls;

static void host_structured(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
    host_calls++;
}

static void host_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
    host_calls++;
}

static void test_util__host_handlers_kept(void **state)
{
    static const char bad[] = "<CTfile><Header></CTfile>";
    struct lrs_diag d = LRS_DIAG_INIT;
    const struct lrs_ctf_header *h;
    struct lrs_ctf_reader *r;
    int ctx;

    (void)state;
    xmlSetStructuredErrorFunc(&ctx, host_structured);
    xmlSetGenericErrorFunc(&ctx, host_generic);
    assert_int_equal(lrs_ctf_reader_open_mem(bad, sizeof bad - 1, NULL, &r, &d),
                     LRS_OK);
    assert_int_equal(lrs_ctf_reader_header(r, &h, &d), LRS_EINVAL);
    assert_string_equal(d.msg, "line 1, column 26: opening and ending tag "
                               "mismatch: Header line 1 and CTfile");
    lrs_ctf_reader_free(r);
    /* liblrs's errors went to its diagnostic, not to the host... */
    assert_int_equal(host_calls, 0);
    /* ...and the host's handlers are in place again. */
    assert_ptr_equal(xmlStructuredErrorContext, &ctx);
    assert_ptr_equal(xmlGenericErrorContext, &ctx);
    assert_true(xmlStructuredError == host_structured);
    assert_true(xmlGenericError == host_generic);
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlSetGenericErrorFunc(NULL, NULL);
}

/* Write one pupil whose surname is `s`; the writer's answer. */
static enum lrs_err write_surname(const char *s)
{
    struct lrs_ctf_header hdr = {
        "", "25.0", "2025-10-02T08:00:00", "", "", "", "", "", "", "", "", "",
        "", ""};
    struct lrs_ctf_pupil p;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_ctf_writer *w;
    char *dir = temp_dir(), path[4096];
    enum lrs_err err;

    memset(&p, 0, sizeof p);
    p.surname = s;
    snprintf(path, sizeof path, "%s/x.xml", dir);
    assert_int_equal(lrs_ctf_writer_open(path, &hdr, &w, &d), LRS_OK);
    err = lrs_ctf_writer_add(w, &p, &d);
    lrs_ctf_writer_free(w);
    rm_dir(dir);
    return err;
}

/* XML 1.0 section 2.2 (Char) and RFC 3629 (UTF-8). */
static void test_util__utf8_and_xml_chars(void **state)
{
    static const char *const good[] = {
        "plain",
        "tab\tnew\nline\rcr",
        "\xc3\xa9",
        "\xe2\x82\xac",     /* U+20AC */
        "\xed\x9f\xbf",     /* U+D7FF */
        "\xee\x80\x80",     /* U+E000 */
        "\xef\xbf\xbd",     /* U+FFFD */
        "\xf0\x9f\x98\x80", /* U+1F600 */
        "\xf4\x8f\xbf\xbf", /* U+10FFFF */
    };
    static const char *const bad[] = {
        "\x01",                 /* C0 control */
        "\x1f",                 /* C0 control */
        "\x80",                 /* lone continuation */
        "\xc3",                 /* truncated */
        "\xc0\xaf",             /* overlong '/' */
        "\xe0\x80\xaf",         /* overlong */
        "\xed\xa0\x80",         /* surrogate U+D800 */
        "\xef\xbf\xbe",         /* U+FFFE */
        "\xef\xbf\xbf",         /* U+FFFF */
        "\xf4\x90\x80\x80",     /* above U+10FFFF */
        "\xf8\x88\x80\x80\x80", /* 5-byte form */
        "\xff",
    };

    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_int_equal(write_surname(good[i]), LRS_OK);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(write_surname(bad[i]), LRS_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_util__host_handlers_kept),
        cmocka_unit_test(test_util__utf8_and_xml_chars),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
