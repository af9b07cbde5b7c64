/*
 * test_health.c - the operational endpoints: GET/HEAD /healthz, /metrics
 * (Prometheus text format 0.0.4) and /api/v1/version.
 */
#include "harness.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

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

static void test_healthz__ok(void **state)
{
    struct http_resp res;
    char id[64];
    json_t *j;

    (void)state;
    http_get(&srv, "/healthz", &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "ok");
    assert_true(http_header(&res, "X-Request-Id", id, sizeof id));
    assert_int_equal(strlen(id), 16);
    json_decref(j);
    http_resp_release(&res);
}

static void test_healthz__head_has_no_body(void **state)
{
    struct http_resp res;

    (void)state;
    http_request(&srv, "HEAD", "/healthz", NULL, NULL, 0, NULL, &res);
    assert_int_equal(res.status, 200);
    assert_int_equal(res.body.len, 0);
    http_resp_release(&res);
}

static void test_version__names_the_version(void **state)
{
    struct http_resp res;
    json_t *j;

    (void)state;
    http_get(&srv, "/api/v1/version", &res);
    assert_int_equal(res.status, 200);
    j = http_json(&res);
    assert_string_equal(json_string_value(json_object_get(j, "version")),
                        lrs_version());
    json_decref(j);
    http_resp_release(&res);
}

/* Whether `s` is a metric name: [a-zA-Z_:][a-zA-Z0-9_:]*. */
static size_t name_len(const char *s)
{
    size_t n = 0;

    while (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == ':')
        n++;
    return isdigit((unsigned char)s[0]) ? 0 : n;
}

/*
 * Check one sample line: name, optional {k="v",...}, a space, a number.
 * Returns the name length; fails the test on a bad line.
 */
static size_t check_sample(const char *line)
{
    const size_t n = name_len(line);
    const char *p = line + n;
    char *end;

    if (n == 0)
        fail_msg("bad metric name: %s", line);
    if (*p == '{') {
        p++;
        while (*p != '}') {
            const size_t k = name_len(p);

            if (k == 0 || p[k] != '=' || p[k + 1] != '"')
                fail_msg("bad label: %s", line);
            p = strchr(p + k + 2, '"');
            if (!p)
                fail_msg("unterminated label value: %s", line);
            p++;
            if (*p == ',')
                p++;
            else if (*p != '}')
                fail_msg("bad label list: %s", line);
        }
        p++;
    }
    if (*p != ' ')
        fail_msg("no space before the value: %s", line);
    strtod(p + 1, &end);
    if (end == p + 1 || *end != '\0')
        fail_msg("bad value: %s", line);
    return n;
}

static double sample_value(const char *text, const char *series)
{
    const char *p = strstr(text, series);

    if (!p)
        fail_msg("no series %s in:\n%s", series, text);
    return strtod(p + strlen(series) + 1, NULL);
}

static void test_metrics__prometheus_text_format(void **state)
{
    struct http_resp res;
    char ct[128], *text, *line, *save = NULL;
    char typed[64][80];
    size_t ntyped = 0;

    (void)state;
    http_get(&srv, "/healthz", &res);
    http_resp_release(&res);
    http_get(&srv, "/metrics", &res);
    assert_int_equal(res.status, 200);
    assert_true(http_header(&res, "Content-Type", ct, sizeof ct));
    assert_non_null(strstr(ct, "text/plain; version=0.0.4"));
    text = lrs_strndup(res.body.data, res.body.len);
    assert_non_null(text);
    assert_true(res.body.len > 0 && text[res.body.len - 1] == '\n');

    /* Every sample's family has a # TYPE line before it. */
    for (line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "# TYPE ", 7) == 0) {
            assert_true(ntyped < 64);
            snprintf(typed[ntyped++], sizeof typed[0], "%.*s",
                     (int)name_len(line + 7), line + 7);
        } else if (line[0] != '#') {
            const size_t n = check_sample(line);
            bool found = false;

            for (size_t i = 0; i < ntyped && !found; i++) {
                const size_t t = strlen(typed[i]);

                found = n >= t && strncmp(line, typed[i], t) == 0;
            }
            if (!found)
                fail_msg("sample without a # TYPE line: %s", line);
        }
    }
    lrs_free(text);

    assert_true(sample_value(res.body.data,
                             "lrsd_http_requests_total{method=\"GET\","
                             "route=\"/healthz\",status=\"200\"}") >= 1);
    /* The histogram is cumulative: +Inf equals the count. */
    assert_true(sample_value(res.body.data,
                             "lrsd_http_request_duration_seconds_bucket{method="
                             "\"GET\",route=\"/healthz\",le=\"+Inf\"}") ==
                sample_value(res.body.data,
                             "lrsd_http_request_duration_seconds_count{method="
                             "\"GET\",route=\"/healthz\"}"));
    assert_non_null(strstr(res.body.data, "# TYPE lrsd_matches_total "
                                          "counter"));
    assert_non_null(strstr(res.body.data, "\nlrsd_jobs_queued "));
    assert_non_null(strstr(res.body.data, "\nlrsd_jobs_running "));
    assert_non_null(strstr(res.body.data, "\nlrsd_index_learners "));
    http_resp_release(&res);
}

static void test_metrics__no_paths_in_labels(void **state)
{
    struct http_resp res;

    (void)state;
    http_get(&srv, "/no/such/1000000043", &res);
    http_resp_release(&res);
    http_get(&srv, "/metrics", &res);
    assert_int_equal(res.status, 200);
    assert_null(strstr(res.body.data, "1000000043"));
    assert_non_null(strstr(res.body.data, "route=\"none\",status=\"404\""));
    http_resp_release(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthz__ok),
        cmocka_unit_test(test_healthz__head_has_no_body),
        cmocka_unit_test(test_version__names_the_version),
        cmocka_unit_test(test_metrics__prometheus_text_format),
        cmocka_unit_test(test_metrics__no_paths_in_labels),
    };

    return cmocka_run_group_tests_name("http_health", tests, setup, teardown);
}
