/*
 * main.c - lrsd, the openlrs HTTP service: options, signals, start, stop.
 *
 *   lrsd --db PATH|postgres://... [--listen HOST:PORT] [--threads N] ...
 *
 * SIGTERM and SIGINT are blocked in every thread (the request threads
 * inherit the mask from here) and taken by sigwait() in the main thread,
 * which then stops the server gracefully (server.c). A second signal
 * during the drain is not needed: the drain is bounded by --drain.
 * Exit codes: 0 after a clean stop, 1 when the server cannot start or
 * requests were cut off at the end of the drain, 2 for a usage error.
 */
#include "lrsd.h"
#include "pages.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: lrsd --db PATH|postgres://... [--listen HOST:PORT] "
    "[--threads N]\n"
    "            [--max-json-bytes N] [--max-upload-bytes N] "
    "[--timeout S]\n"
    "            [--drain S] [--max-connections N] [--secure-cookies]\n"
    "            [--log-level debug|info|warn|error] [--init]\n"
    "            [--operator-token-file PATH] [--search-rate N]\n"
    "            [--signin-rate N]\n"
    "            [--web-root DIR] [--trusted-proxy ADDR]\n"
    "            [--tls-cert PEM --tls-key PEM]\n"
    "       lrsd --version | --help\n";

static const char help_text[] =
    "The openlrs HTTP service (docs/server.md, docs/api.md).\n\n"
    "  --db PATH|URL          the store: a SQLite file, or postgres://...\n"
    "  --listen HOST:PORT     address to listen on (127.0.0.1:8080);\n"
    "                         [::1]:8080 for IPv6; port 0 picks a free one\n"
    "  --threads N            request threads (twice the processors)\n"
    "  --max-json-bytes N     largest JSON request body (1048576)\n"
    "  --max-upload-bytes N   largest CTF upload (67108864)\n"
    "  --timeout S            close idle connections after S seconds (30)\n"
    "  --drain S              on SIGTERM, wait up to S seconds for the\n"
    "                         requests in flight (30)\n"
    "  --max-connections N    open connections at once (1000)\n"
    "  --secure-cookies       mark cookies Secure (TLS at a reverse proxy)\n"
    "  --log-level LEVEL      lowest level logged to stderr (info)\n"
    "  --init                 create the store if missing and bring its\n"
    "                         schema up to date (as 'lrs init')\n"
    "  --operator-token-file PATH\n"
    "                         a file holding an API token (lrst_...) that\n"
    "                         acts as the LRS operator\n"
    "  --search-rate N        demographic searches a user may make a\n"
    "                         minute (60)\n"
    "  --signin-rate N        sign-in attempts a login may make a minute\n"
    "                         (10)\n"
    "  --web-root DIR         the web pages' files (docs/web.md); found\n"
    "                         beside the program when not given\n"
    "  --trusted-proxy ADDR   the numeric address of a reverse proxy whose\n"
    "                         X-Forwarded-For names the client (audit)\n"
    "  --tls-cert PEM         serve HTTPS with this certificate (chain)\n"
    "  --tls-key PEM          and this private key; cookies get Secure\n\n"
    "Without --tls-cert lrsd speaks plain HTTP; use TLS, its own or a\n"
    "reverse proxy's, for any traffic that leaves the machine\n"
    "(docs/server.md).\n";

static int usage(void)
{
    fputs(usage_text, stderr);
    return 2;
}

static void die_opt(const char *opt, const char *why)
{
    fprintf(stderr, "lrsd: option '%s': %s\n", opt, why);
}

/* Parse "HOST:PORT" or "[V6]:PORT" into cfg; false on a bad value. */
static bool parse_listen(const char *s, struct lrsd_config *cfg)
{
    const char *colon = strrchr(s, ':');
    const char *host = s;
    size_t host_len;
    uint64_t port;

    if (!colon)
        return false;
    host_len = (size_t)(colon - s);
    if (host_len >= 2 && s[0] == '[' && s[host_len - 1] == ']') {
        host++;
        host_len -= 2;
    }
    if (host_len == 0 || host_len >= sizeof cfg->host)
        return false;
    if (lrs_parse_u64(lrs_str_c(colon + 1), 0, 65535, &port) != LRS_OK)
        return false;
    memcpy(cfg->host, host, host_len);
    cfg->host[host_len] = '\0';
    cfg->port = (uint16_t)port;
    return true;
}

static bool parse_level(const char *s, enum lrs_log_level *out)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};

    for (size_t i = 0; i < LRSD_LEN(names); i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (enum lrs_log_level)i;
            return true;
        }
    }
    return false;
}

/* A numeric IPv4 or IPv6 address, normalised into out (size 46). */
static bool parse_proxy(const char *s, char *out, size_t size)
{
    return lrsd_addr_normalise(s, strlen(s), out, size);
}

static bool parse_num(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    return lrs_parse_u64(lrs_str_c(s), min, max, out) == LRS_OK;
}

/* Returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, struct lrsd_config *cfg)
{
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t n = 0;
        bool ok = true;

        if (strcmp(opt, "--version") == 0) {
            printf("lrsd version %s\n", lrs_version());
            return 0;
        }
        if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
            printf("%s\n%s", usage_text, help_text);
            return 0;
        }
        if (strcmp(opt, "--secure-cookies") == 0) {
            cfg->secure_cookies = true;
            continue;
        }
        if (strcmp(opt, "--init") == 0) {
            cfg->init_store = true;
            continue;
        }
        if (strncmp(opt, "--", 2) != 0 || !val) {
            if (strncmp(opt, "--", 2) == 0)
                die_opt(opt, "needs a value");
            else
                fprintf(stderr, "lrsd: unexpected argument '%s'\n", opt);
            return usage();
        }
        i++;
        if (strcmp(opt, "--db") == 0)
            cfg->db = val;
        else if (strcmp(opt, "--listen") == 0)
            ok = parse_listen(val, cfg);
        else if (strcmp(opt, "--threads") == 0 &&
                 (ok = parse_num(val, 1, 256, &n)))
            cfg->threads = (unsigned)n;
        else if (strcmp(opt, "--max-json-bytes") == 0 &&
                 (ok = parse_num(val, 1024, 1u << 30, &n)))
            cfg->json_max_len = (size_t)n;
        else if (strcmp(opt, "--max-upload-bytes") == 0 &&
                 (ok = parse_num(val, 1024, (uint64_t)4 << 30, &n)))
            cfg->upload_max_len = (size_t)n;
        else if (strcmp(opt, "--timeout") == 0 &&
                 (ok = parse_num(val, 1, 3600, &n)))
            cfg->timeout_s = (unsigned)n;
        else if (strcmp(opt, "--drain") == 0 &&
                 (ok = parse_num(val, 0, 3600, &n)))
            cfg->drain_s = (unsigned)n;
        else if (strcmp(opt, "--max-connections") == 0 &&
                 (ok = parse_num(val, 1, 100000, &n)))
            cfg->max_connections = (unsigned)n;
        else if (strcmp(opt, "--operator-token-file") == 0)
            cfg->operator_token_file = val;
        else if (strcmp(opt, "--web-root") == 0)
            cfg->web_root = val;
        else if (strcmp(opt, "--tls-cert") == 0)
            cfg->tls_cert = val;
        else if (strcmp(opt, "--tls-key") == 0)
            cfg->tls_key = val;
        else if (strcmp(opt, "--trusted-proxy") == 0)
            ok =
                parse_proxy(val, cfg->trusted_proxy, sizeof cfg->trusted_proxy);
        else if (strcmp(opt, "--search-rate") == 0 &&
                 (ok = parse_num(val, 1, 1000000, &n)))
            cfg->search_per_minute = (unsigned)n;
        else if (strcmp(opt, "--signin-rate") == 0 &&
                 (ok = parse_num(val, 1, 1000000, &n)))
            cfg->signin_per_minute = (unsigned)n;
        else if (strcmp(opt, "--log-level") == 0)
            ok = parse_level(val, &cfg->log_level);
        else if (ok) {
            fprintf(stderr, "lrsd: unknown option '%s'\n", opt);
            return usage();
        }
        if (!ok) {
            fprintf(stderr, "lrsd: option '%s': bad value '%s'\n", opt, val);
            return usage();
        }
    }
    if (!cfg->db) {
        fprintf(stderr, "lrsd: --db is required\n");
        return usage();
    }
    if (!cfg->tls_cert != !cfg->tls_key) {
        fprintf(stderr, "lrsd: --tls-cert and --tls-key go together\n");
        return usage();
    }
    return -1;
}

/* Read the operator token from `path` (first line) and keep its hash. */
static bool load_operator_token(const char *path)
{
    char line[256];
    FILE *f = fopen(path, "r");
    size_t n;
    bool ok;

    if (!f) {
        fprintf(stderr, "lrsd: cannot read '%s'\n", path);
        return false;
    }
    ok = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    n = ok ? strcspn(line, "\r\n") : 0;
    if (!ok || lrs_auth_token_hash((struct lrs_str){line, n},
                                   lrsd_app.operator_token_hash) != LRS_OK) {
        fprintf(stderr, "lrsd: '%s' does not hold an API token\n", path);
        return false;
    }
    lrsd_app.have_operator_token = true;
    return true;
}

/* The PEM files of --tls-cert and --tls-key, read whole. */
static struct lrs_buf tls_cert_pem, tls_key_pem;

/*
 * Read the PEM file `path` of `opt` into `b` (NUL-terminated, as
 * libmicrohttpd wants it); false after a message naming the option.
 */
static bool read_pem(const char *opt, const char *path, const char *label,
                     struct lrs_buf *b)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    lrs_buf_init(b, 1u << 20);
    if (lrs_file_read(path, b, &d) != LRS_OK) {
        fprintf(stderr, "lrsd: option '%s': %s\n", opt, d.msg);
        return false;
    }
    if (lrs_buf_addch(b, '\0') != LRS_OK) {
        fprintf(stderr, "lrsd: option '%s': '%s' is too large\n", opt, path);
        return false;
    }
    if (!strstr(b->data, label)) {
        fprintf(stderr, "lrsd: option '%s': '%s' holds no PEM %s\n", opt, path,
                label);
        return false;
    }
    return true;
}

/* Load --tls-cert and --tls-key into cfg; false after a message. */
static bool tls_load(struct lrsd_config *cfg)
{
    if (!cfg->tls_cert)
        return true;
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        fprintf(stderr, "lrsd: option '--tls-cert': this libmicrohttpd "
                        "was built without TLS\n");
        return false;
    }
    if (!read_pem("--tls-cert", cfg->tls_cert, "CERTIFICATE", &tls_cert_pem) ||
        !read_pem("--tls-key", cfg->tls_key, "PRIVATE KEY", &tls_key_pem))
        return false;
    cfg->tls_cert_pem = tls_cert_pem.data;
    cfg->tls_key_pem = tls_key_pem.data;
    return true;
}

/* Everything the handlers share; false (after a message) on failure. */
static bool app_init(const struct lrsd_config *cfg)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_auth_init() != LRS_OK) {
        fprintf(stderr, "lrsd: cannot initialise libsodium\n");
        return false;
    }
    /* Under TLS a cookie is only ever sent over it. */
    lrsd_app.secure_cookies = cfg->secure_cookies || cfg->tls_cert_pem;
    /* An unknown login is checked against this, as long as a real one. */
    if (lrs_auth_password_hash(LRS_STR("no such user, no such password"),
                               LRS_AUTH_COST_INTERACTIVE,
                               lrsd_app.dummy_hash) != LRS_OK) {
        fprintf(stderr, "lrsd: out of memory\n");
        return false;
    }
    if (cfg->operator_token_file &&
        !load_operator_token(cfg->operator_token_file))
        return false;
    if (lrs_ratelimit_new(cfg->search_per_minute, cfg->search_per_minute,
                          &lrsd_app.search_limit) != LRS_OK ||
        lrs_ratelimit_new(cfg->signin_per_minute, cfg->signin_per_minute,
                          &lrsd_app.signin_limit) != LRS_OK) {
        fprintf(stderr, "lrsd: out of memory\n");
        return false;
    }
    if (lrsd_db_open(cfg->db, cfg->init_store, cfg->threads + 1, &lrsd_app.db,
                     &d) != LRS_OK) {
        fprintf(stderr, "lrsd: %s\n", d.msg);
        return false;
    }
    if (lrsd_audit_start(cfg->db, &d) != LRS_OK) {
        fprintf(stderr, "lrsd: %s\n", d.msg);
        return false;
    }
    lrsd_web_init(cfg->web_root);
    /* Kept in the store, so sessions outlive a restart and every lrsd of
     * one register accepts them. */
    if (lrsd_session_key_load(&d) != LRS_OK) {
        fprintf(stderr, "lrsd: %s\n", d.msg);
        return false;
    }
    return true;
}

static void app_release(void)
{
    lrsd_web_release();
    lrsd_audit_stop();
    lrsd_db_free(lrsd_app.db);
    lrs_ratelimit_free(lrsd_app.search_limit);
    lrs_ratelimit_free(lrsd_app.signin_limit);
    memset(&lrsd_app, 0, sizeof lrsd_app);
    lrs_buf_release(&tls_key_pem);
    lrs_buf_release(&tls_cert_pem);
}

int main(int argc, char **argv)
{
    struct lrsd_config cfg;
    struct lrsd_server *srv;
    struct lrs_diag d = LRS_DIAG_INIT;
    sigset_t sigs;
    enum lrs_err err;
    unsigned cut;
    int rc, sig = 0;

    lrsd_config_init(&cfg);
    rc = parse_args(argc, argv, &cfg);
    if (rc >= 0)
        return rc;
    lrsd_log_init(cfg.log_level);
    lrs_log_set(lrsd_log_lib, NULL, cfg.log_level);
    /* Seed jansson's hash once, before any thread uses it. */
    json_object_seed(0);
    if (!tls_load(&cfg) || !app_init(&cfg)) {
        app_release();
        return 1;
    }

    /* Threads started from here on inherit the blocked signals. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    err = lrsd_server_new(&cfg, &srv);
    if (err) {
        lrsd_log(LRS_LOG_ERROR, "server", NULL, "cannot listen",
                 "addr=%s port=%u error=\"%s\"", cfg.host, cfg.port,
                 lrs_strerror(err));
        app_release();
        return 1;
    }
    if (!lrsd_worker_start()) {
        lrsd_log(LRS_LOG_ERROR, "batch", NULL, "cannot start the worker", NULL);
        lrsd_server_free(srv);
        app_release();
        return 1;
    }
    if (!lrsd_feed_start(cfg.db, &d)) {
        lrsd_log(LRS_LOG_ERROR, "feed", NULL, "cannot start the change feed",
                 "error=\"%s\"", d.msg);
        lrsd_server_free(srv);
        lrsd_worker_stop();
        app_release();
        return 1;
    }
    lrsd_log(LRS_LOG_INFO, "server", NULL, "listening",
             "addr=%s port=%u threads=%u version=%s tls=%s", cfg.host,
             lrsd_server_port(srv), cfg.threads, lrs_version(),
             cfg.tls_cert_pem ? "yes" : "no");

    sigwait(&sigs, &sig);
    lrsd_log(LRS_LOG_INFO, "server", NULL, "stopping", "signal=%s drain_s=%u",
             sig == SIGINT ? "SIGINT" : "SIGTERM", cfg.drain_s);
    cut = lrsd_server_free(srv);
    lrsd_worker_stop();
    lrsd_feed_stop();
    app_release();
    if (cut) {
        lrsd_log(LRS_LOG_WARN, "server", NULL, "stopped", "cut_requests=%u",
                 cut);
        return 1;
    }
    lrsd_log(LRS_LOG_INFO, "server", NULL, "stopped", NULL);
    return 0;
}
