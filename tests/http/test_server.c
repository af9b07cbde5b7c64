/*
 * test_server.c - the server framework: routing (404, 405), JSON errors
 * (400 WSEC0001 naming the problem, 415), body limits (413, declared and
 * chunked), --max-json-bytes, the graceful stop on SIGTERM, reads that
 * wait for their audit rows (a failed commit, a stop), and native TLS
 * (--tls-cert/--tls-key, with a certificate made by the openssl program
 * for the test).
 */
#include "harness.h"

#include <lrs/accounts.h>
#include <lrs/service.h>
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
/* Reads wait for their audit rows                                    */
/* ------------------------------------------------------------------ */

/* Register a learner, Amir Khan, in the store of `h`; its ULN to `out`. */
static void add_learner(const struct harness *h, char out[LRS_ULN_SIZE])
{
    const struct lrs_actor actor = LRS_ACTOR_CLI;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s = harness_store_open(h);
    struct lrs_learner l;

    lrs_learner_init(&l);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_GIVEN_NAME, LRS_STR("Amir"), &d),
        LRS_OK);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_FAMILY_NAME, LRS_STR("Khan"), &d),
        LRS_OK);
    assert_int_equal(lrs_learner_field_set(&l, LRS_FIELD_DATE_OF_BIRTH,
                                           LRS_STR("2009-11-02"), &d),
                     LRS_OK);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_GENDER, LRS_STR("1"), &d), LRS_OK);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_POSTCODE, LRS_STR("SW1A 1AA"), &d),
        LRS_OK);
    if (lrs_service_learner_register(s, &actor, &l, &d) != LRS_OK)
        fail_msg("register: %s: %s", d.field ? d.field : "-", d.msg);
    memcpy(out, l.uln, LRS_ULN_SIZE);
    lrs_store_free(s);
}

static enum lrs_err count_row(const struct lrs_audit *a, void *ctx)
{
    (void)a;
    ++*(int *)ctx;
    return LRS_OK;
}

/* The audit rows about `uln` in the store of `h`. */
static int audit_rows(const struct harness *h, const char *uln)
{
    struct lrs_store *s = harness_store_open(h);
    int n = 0;

    assert_int_equal(lrs_store_audit_scan(s, uln, count_row, &n), LRS_OK);
    lrs_store_free(s);
    return n;
}

/*
 * A read is answered only once its audit row is committed (audit.c).
 * While another connection holds the store's write lock the audit writer
 * cannot commit; after SQLite's busy timeout (5 s) its commit fails, and
 * the read answers 503 with none of the learner's data. Once the lock is
 * gone reads answer again, and only the answered one is on record.
 */
static void test_audit__failed_commit_answers_503_without_data(void **state)
{
    const char *const hdrs[] = {srv.bearer, NULL};
    struct lrs_store *lock = harness_store_open(&srv);
    char uln[LRS_ULN_SIZE], path[64];
    struct http_resp res;
    int before;

    (void)state;
    add_learner(&srv, uln);
    before = audit_rows(&srv, uln); /* its registration */
    snprintf(path, sizeof path, "/api/v1/learners/%s", uln);
    assert_int_equal(lrs_store_begin(lock), LRS_OK);
    http_request(&srv, "GET", path, NULL, NULL, 0, hdrs, &res);
    http_assert_error(&res, 503, "LRSD0503", NULL);
    assert_null(strstr(res.body.data, "Khan"));
    assert_null(strstr(res.body.data, uln));
    http_resp_release(&res);
    lrs_store_rollback(lock);
    lrs_store_free(lock);

    http_request(&srv, "GET", path, NULL, NULL, 0, hdrs, &res);
    assert_int_equal(res.status, 200);
    assert_non_null(strstr(res.body.data, "\"family_name\":\"Khan\""));
    http_resp_release(&res);
    assert_int_equal(audit_rows(&srv, uln), before + 1);
    assert_true(harness_log_has(&srv, "audit commit failed"));
}

/*
 * A stop whose drain runs out while a read waits for its audit row (the
 * writer blocked by another connection's lock) answers that read 503,
 * leaves no connection suspended when the server stops, and exits 1
 * (requests were cut).
 */
static void test_audit__stop_answers_waiting_reads(void **state)
{
    const struct timespec tick = {0, 50 * 1000 * 1000};
    const char *const extra[] = {"--drain", "1", NULL};
    struct lrs_store *lock;
    struct harness h;
    char uln[LRS_ULN_SIZE], head[512];
    char *reply;
    int fd, status, i;

    (void)state;
    harness_start(&h, extra);
    add_learner(&h, uln);
    lock = harness_store_open(&h);
    assert_int_equal(lrs_store_begin(lock), LRS_OK);
    fd = harness_connect(&h);
    assert_true(fd >= 0);
    snprintf(head, sizeof head,
             "GET /api/v1/learners/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
             "%s\r\nConnection: close\r\n\r\n",
             uln, h.bearer);
    send_all(fd, head);
    /* Wait until the read is held: the /metrics request counts too. */
    for (i = 0; i < 1200 && in_flight(&h) < 2; i++)
        nanosleep(&tick, NULL);
    assert_true(i < 1200);

    assert_int_equal(kill(h.pid, SIGTERM), 0);
    reply = recv_all(fd);
    close(fd);
    assert_non_null(strstr(reply, "HTTP/1.1 503"));
    assert_null(strstr(reply, "Khan"));
    lrs_free(reply);
    lrs_store_rollback(lock);
    lrs_store_free(lock);

    for (i = 0; i < 1200 && waitpid(h.pid, &status, WNOHANG) == 0; i++)
        nanosleep(&tick, NULL);
    assert_true(i < 1200);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    assert_true(harness_log_has(&h, "cut_requests=1"));
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
        cmocka_unit_test(test_audit__failed_commit_answers_503_without_data),
        cmocka_unit_test(test_audit__stop_answers_waiting_reads),
        cmocka_unit_test(test_tls__https_serves_and_cookies_are_secure),
    };

    return cmocka_run_group_tests_name("http_server", tests, setup, teardown);
}
