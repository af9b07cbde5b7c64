/*
 * harness.c - start, talk to and stop a real lrsd (see harness.h).
 *
 * lrsd runs as a child with PR_SET_PDEATHSIG, so a crashed test never
 * leaves a server behind. It listens on 127.0.0.1 port 0; its first log
 * line "listening ... port=N" tells us the port, which avoids the race of
 * picking a free port here and binding it there.
 */
#include "harness.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curl/curl.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long a broken server may hang a test, in 50 ms ticks: 60 s. */
#define WAIT_TICKS 1200

static void tick(void)
{
    const struct timespec ts = {0, 50 * 1000 * 1000};

    nanosleep(&ts, NULL);
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[600];

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

void harness_dump_log(const struct harness *h)
{
    FILE *f = fopen(h->log, "r");
    char line[1200];

    if (!f)
        return;
    fprintf(stderr, "# --- lrsd log (%s) ---\n", h->log);
    while (fgets(line, sizeof line, f))
        fprintf(stderr, "# %s", line);
    fclose(f);
}

bool harness_log_has(const struct harness *h, const char *needle)
{
    FILE *f = fopen(h->log, "r");
    char line[1200];
    bool found = false;

    if (!f)
        return false;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, needle) != NULL;
    fclose(f);
    return found;
}

/* The port from the "listening" line, or 0 while there is none. */
static unsigned read_port(const struct harness *h)
{
    FILE *f = fopen(h->log, "r");
    char line[1200];
    unsigned port = 0;

    if (!f)
        return 0;
    while (!port && fgets(line, sizeof line, f)) {
        const char *p = strstr(line, " listening ");

        if (p && (p = strstr(p, " port=")) != NULL)
            port = (unsigned)strtoul(p + 6, NULL, 10);
    }
    fclose(f);
    return port;
}

static void kill_and_fail(struct harness *h, const char *why)
{
    int status;

    harness_dump_log(h);
    if (h->pid > 0) {
        kill(h->pid, SIGKILL);
        waitpid(h->pid, &status, 0);
        h->pid = 0;
    }
    remove_dir(h->dir);
    fail_msg("harness: %s", why);
}

static pid_t spawn(struct harness *h, const char *bin, const char *const *extra)
{
    const char *argv[32];
    size_t n = 0;
    pid_t pid;

    argv[n++] = bin;
    argv[n++] = "--db";
    argv[n++] = h->db;
    argv[n++] = "--listen";
    argv[n++] = "127.0.0.1:0";
    argv[n++] = "--threads";
    argv[n++] = "2";
    argv[n++] = "--init";
    argv[n++] = "--operator-token-file";
    argv[n++] = h->token_file;
    for (size_t i = 0; extra && extra[i] && n < 30; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;

    pid = fork();
    if (pid == 0) {
        const int fd = open(h->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (fd < 0 || dup2(fd, STDERR_FILENO) < 0 ||
            dup2(fd, STDOUT_FILENO) < 0)
            _exit(127);
        close(fd);
        execv(bin, (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    return pid;
}

/* A fixed, well-formed operator token: "lrst_" and 43 base64url. */
static void write_token(struct harness *h)
{
    FILE *f;

    snprintf(h->token, sizeof h->token, "lrst_%s",
             "OperatorTokenForTests_0123456789abcdefghijk");
    snprintf(h->bearer, sizeof h->bearer, "Authorization: Bearer %s", h->token);
    snprintf(h->token_file, sizeof h->token_file, "%s/operator.token", h->dir);
    f = fopen(h->token_file, "w");
    if (!f)
        kill_and_fail(h, "cannot create the operator token file");
    if (fprintf(f, "%s\n", h->token) < 0 || fclose(f) != 0)
        kill_and_fail(h, "cannot write the operator token file");
}

/* Spawn lrsd on h's store and wait until it answers GET /healthz. */
static void launch(struct harness *h, const char *bin, const char *const *extra)
{
    struct http_resp res;
    int status;

    h->port = 0;
    h->pid = spawn(h, bin, extra);
    if (h->pid < 0)
        kill_and_fail(h, "fork failed");
    for (int i = 0; !h->port && i < WAIT_TICKS; i++) {
        if (waitpid(h->pid, &status, WNOHANG) == h->pid) {
            h->pid = 0;
            kill_and_fail(h, "lrsd exited before listening");
        }
        h->port = read_port(h);
        if (!h->port)
            tick();
    }
    if (!h->port)
        kill_and_fail(h, "lrsd did not log its port within 60 s");
    for (size_t i = 0; extra && extra[i] && extra[i + 1]; i++)
        if (strcmp(extra[i], "--tls-cert") == 0)
            snprintf(h->cainfo, sizeof h->cainfo, "%s", extra[i + 1]);
    snprintf(h->base, sizeof h->base, "%s://127.0.0.1:%u",
             h->cainfo[0] ? "https" : "http", h->port);
    for (int i = 0; i < WAIT_TICKS; i++) {
        http_get(h, "/healthz", &res);
        status = (int)res.status;
        http_resp_release(&res);
        if (status == 200)
            return;
        tick();
    }
    kill_and_fail(h, "GET /healthz did not answer 200 within 60 s");
}

void harness_start(struct harness *h, const char *const *extra)
{
    const char *bin = getenv("LRSD_BIN");

    memset(h, 0, sizeof *h);
    if (!bin)
        fail_msg("harness: LRSD_BIN is not set (run through meson test)");
    snprintf(h->dir, sizeof h->dir, "%s/lrs-http-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(h->dir))
        fail_msg("harness: mkdtemp: %s", strerror(errno));
    /* With LRS_HTTP_STORE=pg (tests/pg/with-pg.sh sets the URL) the
     * store is that PostgreSQL database, else an SQLite file here. */
    if (getenv("LRS_HTTP_STORE") &&
        strcmp(getenv("LRS_HTTP_STORE"), "pg") == 0) {
        if (!getenv("LRS_TEST_PG_URL"))
            fail_msg("harness: LRS_HTTP_STORE=pg needs LRS_TEST_PG_URL");
        snprintf(h->db, sizeof h->db, "%s", getenv("LRS_TEST_PG_URL"));
    } else {
        snprintf(h->db, sizeof h->db, "%s/lrs.db", h->dir);
    }
    snprintf(h->log, sizeof h->log, "%s/lrsd.log", h->dir);
    write_token(h);
    launch(h, bin, extra);
}

void harness_restart(struct harness *h, const char *const *extra)
{
    const char *bin = getenv("LRSD_BIN");

    if (!bin)
        fail_msg("harness: LRSD_BIN is not set (run through meson test)");
    if (h->pid > 0)
        fail_msg("harness: restart while lrsd runs");
    /* The old log names the old port: start from an empty one. */
    unlink(h->log);
    launch(h, bin, extra);
}

int harness_term(struct harness *h)
{
    int status = 0;
    pid_t got = 0;

    if (h->pid <= 0)
        return -1;
    kill(h->pid, SIGTERM);
    for (int i = 0; got != h->pid && i < WAIT_TICKS; i++) {
        got = waitpid(h->pid, &status, WNOHANG);
        if (got != h->pid)
            tick();
    }
    if (got != h->pid) {
        kill_and_fail(h, "lrsd did not stop within 60 s of SIGTERM");
        return -1;
    }
    h->pid = 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        harness_dump_log(h);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int harness_stop(struct harness *h)
{
    const int rc = harness_term(h);

    remove_dir(h->dir);
    return rc;
}

int harness_connect(const struct harness *h)
{
    struct sockaddr_in a;
    const int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)h->port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* ------------------------------------------------------------------ */
/* HTTP                                                               */
/* ------------------------------------------------------------------ */

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ctx)
{
    struct lrs_buf *b = ctx;

    if (lrs_buf_add(b, ptr, size * nmemb) != LRS_OK)
        return 0;
    return size * nmemb;
}

void http_resp_release(struct http_resp *res)
{
    lrs_buf_release(&res->headers);
    lrs_buf_release(&res->body);
}

void http_request(const struct harness *h, const char *method, const char *path,
                  const char *content_type, const void *body, size_t len,
                  const char *const *headers, struct http_resp *res)
{
    CURL *c = curl_easy_init();
    struct curl_slist *hl = NULL;
    char url[512], ct[128];
    CURLcode rc;

    memset(res, 0, sizeof *res);
    lrs_buf_init(&res->headers, 0);
    lrs_buf_init(&res->body, 0);
    assert_non_null(c);
    snprintf(url, sizeof url, "%s%s", h->base, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &res->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &res->headers);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, res->error);
    if (h->cainfo[0]) {
        curl_easy_setopt(c, CURLOPT_CAINFO, h->cainfo);
        curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
    }
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    if (content_type) {
        snprintf(ct, sizeof ct, "Content-Type: %s", content_type);
        hl = curl_slist_append(hl, ct);
    }
    for (size_t i = 0; headers && headers[i]; i++)
        hl = curl_slist_append(hl, headers[i]);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
    else if (!res->error[0])
        snprintf(res->error, sizeof res->error, "%s", curl_easy_strerror(rc));
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
}

void http_get(const struct harness *h, const char *path, struct http_resp *res)
{
    http_request(h, "GET", path, NULL, NULL, 0, NULL, res);
}

void http_post_json(const struct harness *h, const char *path, const char *json,
                    struct http_resp *res)
{
    http_request(h, "POST", path, "application/json", json, strlen(json), NULL,
                 res);
}

json_t *http_json(const struct http_resp *res)
{
    json_error_t err;
    json_t *j = json_loadb(res->body.data, res->body.len, 0, &err);

    if (!j)
        fail_msg("response is not JSON (%s): %s", err.text, res->body.data);
    return j;
}

bool http_header(const struct http_resp *res, const char *name, char *out,
                 size_t out_len)
{
    const size_t n = strlen(name);
    const char *p = res->headers.data;

    while (p && *p) {
        const char *eol = strstr(p, "\r\n");
        const size_t line = eol ? (size_t)(eol - p) : strlen(p);

        if (line > n && p[n] == ':' && strncasecmp(p, name, n) == 0) {
            const char *v = p + n + 1;
            size_t vlen = line - n - 1;

            while (vlen && *v == ' ') {
                v++;
                vlen--;
            }
            snprintf(out, out_len, "%.*s", (int)vlen, v);
            return true;
        }
        p = eol ? eol + 2 : NULL;
    }
    return false;
}

void http_assert_error(const struct http_resp *res, long status,
                       const char *code, const char *field)
{
    json_t *j;
    char ct[128];

    if (res->status != status)
        fail_msg("expected status %ld, got %ld: %s %s", status, res->status,
                 res->error, res->body.data);
    assert_true(http_header(res, "Content-Type", ct, sizeof ct));
    assert_string_equal(ct, "application/json");
    j = http_json(res);
    assert_string_equal(json_string_value(json_object_get(j, "code")), code);
    assert_non_null(json_string_value(json_object_get(j, "message")));
    if (field)
        assert_string_equal(json_string_value(json_object_get(j, "field")),
                            field);
    json_decref(j);
}

/* ------------------------------------------------------------------ */
/* Accounts made in the store directly                                */
/* ------------------------------------------------------------------ */

struct lrs_store *harness_store_open(const struct harness *h)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;

    if (lrs_store_open(h->db, 0, &s, &d) != LRS_OK)
        fail_msg("open: %s", d.msg);
    return s;
}

int64_t harness_org_add(struct lrs_store *s, enum lrs_org_kind kind,
                        const char *name, int32_t estab)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_org o;

    memset(&o, 0, sizeof o);
    o.kind = kind;
    snprintf(o.name, sizeof o.name, "%s", name);
    if (kind == LRS_ORG_AO)
        memcpy(o.ukprn, "10012345", 9);
    else {
        o.la = 801;
        o.estab = estab;
    }
    if (lrs_store_org_add(s, &o, &d) != LRS_OK)
        fail_msg("org: %s", d.msg);
    return o.id;
}

int64_t harness_org_add_ao(struct lrs_store *s, const char *name,
                           const char *ukprn)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_org o;

    memset(&o, 0, sizeof o);
    o.kind = LRS_ORG_AO;
    snprintf(o.name, sizeof o.name, "%s", name);
    snprintf(o.ukprn, sizeof o.ukprn, "%s", ukprn);
    if (lrs_store_org_add(s, &o, &d) != LRS_OK)
        fail_msg("org: %s", d.msg);
    return o.id;
}

int64_t harness_user_make(struct lrs_store *s, int64_t org,
                          const struct harness_user *spec,
                          char bearer[HARNESS_BEARER_SIZE])
{
    struct lrs_diag d = LRS_DIAG_INIT;
    char text[LRS_AUTH_TOKEN_SIZE];
    const char *pw = spec->password ? spec->password : "not used here, 12345";
    struct lrs_token t;
    struct lrs_user u;

    memset(&u, 0, sizeof u);
    u.org_id = org;
    snprintf(u.login, sizeof u.login, "%s", spec->login);
    u.roles = spec->roles;
    u.disabled = spec->disabled;
    if (spec->uln)
        snprintf(u.uln, sizeof u.uln, "%s", spec->uln);
    assert_int_equal(lrs_auth_password_hash(lrs_str_c(pw), LRS_AUTH_COST_MIN,
                                            u.password_hash),
                     LRS_OK);
    if (lrs_store_user_add(s, &u, &d) != LRS_OK)
        fail_msg("user %s: %s", spec->login, d.msg);
    if (spec->agreed)
        assert_int_equal(lrs_store_user_accept_agreement(s, u.id, 1, 1),
                         LRS_OK);
    if (!bearer)
        return u.id;
    memset(&t, 0, sizeof t);
    t.user_id = u.id;
    lrs_auth_token_new(text, t.hash);
    snprintf(t.label, sizeof t.label, "test");
    if (lrs_store_token_add(s, &t, &d) != LRS_OK)
        fail_msg("token %s: %s", spec->login, d.msg);
    snprintf(bearer, HARNESS_BEARER_SIZE, "Authorization: Bearer %s", text);
    return u.id;
}

void harness_user_add(struct lrs_store *s, int64_t org, const char *login,
                      unsigned roles, char bearer[HARNESS_BEARER_SIZE])
{
    const struct harness_user u = {login, roles, NULL, NULL, false, true};

    (void)harness_user_make(s, org, &u, bearer);
}
