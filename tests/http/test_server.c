/*
 * test_server.c - the server framework: routing (404, 405), JSON errors
 * (400 WSEC0001 naming the problem, 415), body limits (413, declared and
 * chunked), --max-json-bytes, the graceful stop on SIGTERM, and native
 * TLS (--tls-cert/--tls-key, with a certificate made by the openssl
 * program for the test).
 */
#include "harness.h"

#include <lrs/accounts.h>
#include <lrs/store.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct harness srv;

static int setup(void **state)
{
    (void)state;
    harness_start(&srv, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return harness_stop(&srv) == 0 ? 0 : -1;
}

static void test_route__unknown_is_404_json(void **state)
{
    struct http_resp res;

    (void)state;
    http_get(&srv, "/api/v1/no-such-thing", &res);
    http_assert_error(&res, 404, "LRSD0404", NULL);
    http_resp_release(&res);
}

static void test_route__trailing_slash_is_another_path(void **state)
{
    struct http_resp res;

    (void)state;
    http_get(&srv, "/healthz/", &res);
    http_assert_error(&res, 404, "LRSD0404", NULL);
    http_resp_release(&res);
}

static void test_route__wrong_method_is_405_with_allow(void **state)
{
    struct http_resp res;
    char allow[64];

    (void)state;
    http_request(&srv, "DELETE", "/healthz", NULL, NULL, 0, NULL, &res);
    http_assert_error(&res, 405, "LRSD0405", NULL);
    assert_true(http_header(&res, "Allow", allow, sizeof allow));
    assert_string_equal(allow, "GET, HEAD");
    http_resp_release(&res);

    http_get(&srv, "/api/v1/tokens/5", &res);
    http_assert_error(&res, 405, "LRSD0405", NULL);
    assert_true(http_header(&res, "Allow", allow, sizeof allow));
    assert_string_equal(allow, "DELETE");
    http_resp_release(&res);
}

static void test_json__malformed_is_400_wsec0001(void **state)
{
    struct http_resp res;
    json_t *j;
    const char *msg;

    (void)state;
    http_post_json(&srv, "/api/v1/session", "{\"username\": \"a\",", &res);
    http_assert_error(&res, 400, "WSEC0001", NULL);
    j = http_json(&res);
    msg = json_string_value(json_object_get(j, "message"));
    /* The message names the problem and where it is. */
    assert_non_null(strstr(msg, "malformed JSON"));
    assert_non_null(strstr(msg, "line 1"));
    json_decref(j);
    http_resp_release(&res);
}

static void test_json__not_an_object_is_400(void **state)
{
    struct http_resp res;

    (void)state;
    http_post_json(&srv, "/api/v1/session", "[1, 2]", &res);
    http_assert_error(&res, 400, "WSEC0001", NULL);
    http_resp_release(&res);
}

static void test_json__duplicate_key_is_400(void **state)
{
    struct http_resp res;

    (void)state;
    http_post_json(&srv, "/api/v1/session",
                   "{\"username\":\"a\",\"username\":\"b\"}", &res);
    http_assert_error(&res, 400, "WSEC0001", NULL);
    http_resp_release(&res);
}

static void test_json__missing_field_is_named(void **state)
{
    struct http_resp res;

    (void)state;
    http_post_json(&srv, "/api/v1/session", "{\"password\":\"x\"}", &res);
    http_assert_error(&res, 400, "WSEC0001", "login");
    http_resp_release(&res);

    http_post_json(&srv, "/api/v1/session",
                   "{\"username\":\"a\",\"password\":7}", &res);
    http_assert_error(&res, 400, "WSEC0001", "password");
    http_resp_release(&res);
}

static void test_json__other_content_type_is_415(void **state)
{
    struct http_resp res;
    static const char body[] = "username=a&password=b";

    (void)state;
    http_request(&srv, "POST", "/api/v1/session",
                 "application/x-www-form-urlencoded", body, sizeof body - 1,
                 NULL, &res);
    http_assert_error(&res, 415, "LRSD0415", NULL);
    http_resp_release(&res);
}

static char *big_json(size_t len)
{
    char *b = lrs_malloc(len);

    assert_non_null(b);
    memset(b, ' ', len);
    b[0] = '{';
    b[len - 1] = '}';
    return b;
}

static void test_limit__declared_oversize_is_413(void **state)
{
    const size_t len = (1u << 20) + 1;
    char *body = big_json(len);
    struct http_resp res;

    (void)state;
    http_request(&srv, "POST", "/api/v1/session", "application/json", body, len,
                 NULL, &res);
    http_assert_error(&res, 413, "LRSD0413", NULL);
    http_resp_release(&res);
    lrs_free(body);
}

static void test_limit__chunked_oversize_is_413(void **state)
{
    const size_t len = 3u << 20;
    char *body = big_json(len);
    const char *const hdrs[] = {"Transfer-Encoding: chunked", "Expect:", NULL};
    struct http_resp res;

    (void)state;
    http_request(&srv, "POST", "/api/v1/session", "application/json", body, len,
                 hdrs, &res);
    http_assert_error(&res, 413, "LRSD0413", NULL);
    http_resp_release(&res);
    lrs_free(body);
}

static void test_limit__just_under_is_parsed(void **state)
{
    const size_t len = 1u << 20;
    char *body = big_json(len);
    struct http_resp res;

    (void)state;
    /* Exactly the limit: accepted and parsed (then the field is missing). */
    http_request(&srv, "POST", "/api/v1/session", "application/json", body, len,
                 NULL, &res);
    http_assert_error(&res, 400, "WSEC0001", "login");
    http_resp_release(&res);
    lrs_free(body);
}

static void test_limit__max_json_bytes_option(void **state)
{
    const char *const extra[] = {"--max-json-bytes", "2048", NULL};
    struct harness small;
    char *body = big_json(4096);
    struct http_resp res;

    (void)state;
    harness_start(&small, extra);
    http_request(&small, "POST", "/api/v1/session", "application/json", body,
                 4096, NULL, &res);
    http_assert_error(&res, 413, "LRSD0413", NULL);
    http_resp_release(&res);
    lrs_free(body);
    assert_int_equal(harness_stop(&small), 0);
}

/* ------------------------------------------------------------------ */
/* Graceful stop                                                      */
/* ------------------------------------------------------------------ */

static void send_all(int fd, const char *s)
{
    size_t len = strlen(s);

    while (len) {
        const ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

        assert_true(n > 0);
        s += n;
        len -= (size_t)n;
    }
}

/* Read the whole response (the server closes after it); owned. */
static char *recv_all(int fd)
{
    struct lrs_buf b = LRS_BUF_INIT;
    char chunk[4096];

    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t n;

        if (poll(&p, 1, 60000) != 1)
            fail_msg("no response within 60 s");
        n = recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            break;
        assert_int_equal(lrs_buf_add(&b, chunk, (size_t)n), LRS_OK);
    }
    return lrs_buf_take(&b, NULL);
}

static double in_flight(const struct harness *h)
{
    struct http_resp res;
    const char *p;
    double v = -1;

    http_get(h, "/metrics", &res);
    p = strstr(res.body.data, "\nlrsd_http_requests_in_flight ");
    if (res.status == 200 && p)
        v = strtod(p + strlen("\nlrsd_http_requests_in_flight "), NULL);
    http_resp_release(&res);
    return v;
}

static void test_shutdown__in_flight_request_finishes(void **state)
{
    const struct timespec tick = {0, 50 * 1000 * 1000};
    struct harness h;
    char *reply;
    int fd, status, probe = -1;
    int i;

    (void)state;
    harness_start(&h, NULL);

    /* A request whose headers are in and whose body is not. */
    fd = harness_connect(&h);
    assert_true(fd >= 0);
    send_all(fd, "POST /api/v1/session HTTP/1.1\r\n"
                 "Host: 127.0.0.1\r\n"
                 "Content-Type: application/json\r\n"
                 "Content-Length: 16\r\n\r\n{\"username\"");
    /* Wait until the server has it: the /metrics request counts too. */
    for (i = 0; i < 1200 && in_flight(&h) < 2; i++)
        nanosleep(&tick, NULL);
    assert_true(i < 1200);

    assert_int_equal(kill(h.pid, SIGTERM), 0);
    /* New connections are refused once the listening socket closes. */
    for (i = 0; i < 1200; i++) {
        probe = harness_connect(&h);
        if (probe < 0)
            break;
        close(probe);
        nanosleep(&tick, NULL);
    }
    assert_true(probe < 0);
    assert_int_equal(waitpid(h.pid, &status, WNOHANG), 0);

    /* The request in flight completes normally. */
    send_all(fd, ":\"a\"}");
    reply = recv_all(fd);
    close(fd);
    assert_non_null(strstr(reply, "HTTP/1.1 400"));
    assert_non_null(strstr(reply, "\"field\":\"password\""));
    lrs_free(reply);

    /* Then lrsd exits 0 by itself. */
    for (i = 0; i < 1200 && waitpid(h.pid, &status, WNOHANG) == 0; i++)
        nanosleep(&tick, NULL);
    assert_true(i < 1200);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(harness_log_has(&h, " stopped"));
    h.pid = 0;
    harness_stop(&h); /* removes the directory */
}

/* ------------------------------------------------------------------ */
/* Native TLS                                                         */
/* ------------------------------------------------------------------ */

/* Run `cmd` with sh; its exit status (-1 when it did not exit). */
static int run(const char *cmd)
{
    const int st = system(cmd);

    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_tls__https_serves_and_cookies_are_secure(void **state)
{
    char dir[256], cert[300], key[300], cmd[2048], cookie[512];
    const char *bin = getenv("LRSD_BIN");
    struct harness tls, plain;
    struct http_resp res;
    struct lrs_store *s;

    (void)state;
    snprintf(dir, sizeof dir, "%s/lrs-tls-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    /* A throwaway self-signed certificate for 127.0.0.1. */
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
             "-nodes -days 1 -subj /CN=127.0.0.1 "
             "-addext subjectAltName=IP:127.0.0.1 -keyout '%s' -out '%s' "
             ">/dev/null 2>&1",
             key, cert);
    assert_int_equal(run(cmd), 0);

    /* Half a pair, or a key file that holds no key: refused at start. */
    snprintf(cmd, sizeof cmd, "'%s' --db '%s/x.db' --tls-cert '%s' 2>/dev/null",
             bin, dir, cert);
    assert_int_equal(run(cmd), 2);
    snprintf(cmd, sizeof cmd,
             "'%s' --db '%s/x.db' --init --tls-cert '%s' --tls-key '%s' "
             "2>/dev/null",
             bin, dir, cert, cert);
    assert_int_equal(run(cmd), 1);

    {
        const char *const extra[] = {"--tls-cert", cert, "--tls-key", key,
                                     NULL};
        const struct harness_user u = {"tls-user", LRS_ROLE_SCHOOL_USER,
                                       NULL,       "a long enough password",
                                       false,      true};

        harness_start(&tls, extra); /* waits for GET /healthz over HTTPS */
        s = harness_store_open(&tls);
        (void)harness_user_make(
            s, harness_org_add(s, LRS_ORG_SCHOOL, "TLS School", 2000), &u,
            NULL);
        lrs_store_free(s);
    }
    http_get(&tls, "/healthz", &res);
    assert_int_equal(res.status, 200);
    http_resp_release(&res);

    /* Sign-in over TLS: the session cookie is Secure. */
    http_post_json(&tls, "/api/v1/session",
                   "{\"login\": \"tls-user\", "
                   "\"password\": \"a long enough password\"}",
                   &res);
    assert_int_equal(res.status, 200);
    assert_true(http_header(&res, "Set-Cookie", cookie, sizeof cookie));
    assert_non_null(strstr(cookie, "; Secure"));
    assert_non_null(strstr(cookie, "HttpOnly"));
    http_resp_release(&res);

    /* Plain HTTP to the TLS port gets no answer. */
    plain = tls;
    plain.cainfo[0] = '\0';
    snprintf(plain.base, sizeof plain.base, "http://127.0.0.1:%u", tls.port);
    http_get(&plain, "/healthz", &res);
    assert_int_not_equal(res.status, 200);
    http_resp_release(&res);

    assert_int_equal(harness_stop(&tls), 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(run(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route__unknown_is_404_json),
        cmocka_unit_test(test_route__trailing_slash_is_another_path),
        cmocka_unit_test(test_route__wrong_method_is_405_with_allow),
        cmocka_unit_test(test_json__malformed_is_400_wsec0001),
        cmocka_unit_test(test_json__not_an_object_is_400),
        cmocka_unit_test(test_json__duplicate_key_is_400),
        cmocka_unit_test(test_json__missing_field_is_named),
        cmocka_unit_test(test_json__other_content_type_is_415),
        cmocka_unit_test(test_limit__declared_oversize_is_413),
        cmocka_unit_test(test_limit__chunked_oversize_is_413),
        cmocka_unit_test(test_limit__just_under_is_parsed),
        cmocka_unit_test(test_limit__max_json_bytes_option),
        cmocka_unit_test(test_shutdown__in_flight_request_finishes),
        cmocka_unit_test(test_tls__https_serves_and_cookies_are_secure),
    };

    return cmocka_run_group_tests_name("http_server", tests, setup, teardown);
}
