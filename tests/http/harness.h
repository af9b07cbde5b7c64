/*
 * harness.h - run a real lrsd on loopback and talk HTTP to it (libcurl).
 *
 * harness_start() makes a temporary directory, starts the lrsd binary
 * named by $LRSD_BIN with a store in that directory, listening on
 * 127.0.0.1 port 0 (the kernel picks a free port, which lrsd logs and we
 * read back), and waits until GET /healthz answers 200. The store is
 * created with --init, and lrsd is given an operator token (h->token).
 * harness_stop() sends SIGTERM, waits for the exit, and removes the
 * directory; it reports whether lrsd exited 0, which is a clean graceful
 * stop. harness_term() and harness_restart() stop lrsd and start it again
 * on the same store.
 *
 * Waits are generous (tens of seconds) and only bound how long a broken
 * server can hang a test: no test asserts on timing. Every failure of the
 * harness itself is a cmocka failure naming what went wrong, with the
 * server's log printed.
 */
#ifndef LRS_HTTP_HARNESS_H
#define LRS_HTTP_HARNESS_H

#include <lrs/lrs.h>

#include <jansson.h>

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/** One running lrsd. */
struct harness {
    pid_t pid;            /* lrsd's process id, 0 when not running */
    unsigned port;        /* the port it listens on */
    char dir[256];        /* its temporary directory (owned, removed) */
    char db[300];         /* the store path inside `dir` */
    char log[300];        /* its stderr, a file inside `dir` */
    char base[64];        /* "http://127.0.0.1:PORT" ("https" under TLS) */
    char cainfo[300];     /* under TLS: the certificate curl trusts */
    char token[64];       /* the operator API token lrsd was given */
    char bearer[96];      /* "Authorization: Bearer <token>" */
    char token_file[300]; /* the operator token, a file inside `dir` */
};

/**
 * Start lrsd with `extra` (NULL-terminated, may be NULL) appended to
 * its arguments. Fails the test on any error. When `extra` holds
 * "--tls-cert FILE", the server is spoken to over HTTPS, trusting FILE
 * (a self-signed certificate for 127.0.0.1) and nothing else.
 */
void harness_start(struct harness *h, const char *const *extra);

/** SIGTERM, wait, clean up. Returns lrsd's exit status (-1: a signal). */
int harness_stop(struct harness *h);

/**
 * SIGTERM and wait, keeping the directory and the store, for
 * harness_restart(). Returns lrsd's exit status (-1: a signal).
 */
int harness_term(struct harness *h);

/** Start lrsd again on the store of `h` (after harness_term()). */
void harness_restart(struct harness *h, const char *const *extra);

/** Print lrsd's log to stderr (for failing tests). */
void harness_dump_log(const struct harness *h);

/** Whether lrsd's log holds a line containing `needle`. */
bool harness_log_has(const struct harness *h, const char *needle);

/** A response: status, headers and body (owned, always NUL-terminated). */
struct http_resp {
    long status;            /* 0 when the transfer failed */
    struct lrs_buf headers; /* raw header lines */
    struct lrs_buf body;
    char error[256]; /* libcurl's message when status is 0 */
};

/** Free what `res` holds. */
void http_resp_release(struct http_resp *res);

/**
 * Send one request: `method` to `path` (appended to h->base), with
 * `body` of `len` bytes (NULL: none) and `content_type` (NULL: none).
 * `headers` is a NULL-terminated list of "Name: value" lines (may be
 * NULL). Fills *res (release it).
 */
void http_request(const struct harness *h, const char *method, const char *path,
                  const char *content_type, const void *body, size_t len,
                  const char *const *headers, struct http_resp *res);

/** GET `path`. */
void http_get(const struct harness *h, const char *path, struct http_resp *res);

/** POST a JSON text (NUL-terminated) to `path`. */
void http_post_json(const struct harness *h, const char *path, const char *json,
                    struct http_resp *res);

/** The body parsed as JSON; fails the test if it is not. Owned. */
json_t *http_json(const struct http_resp *res);

/** The value of response header `name` (case-insensitive) into `out`;
 *  false when absent. */
bool http_header(const struct http_resp *res, const char *name, char *out,
                 size_t out_len);

/** Assert the response is a JSON error with `status` and `code`; when
 *  `field` is not NULL, the error must name it. */
void http_assert_error(const struct http_resp *res, long status,
                       const char *code, const char *field);

/** Connect a raw TCP socket to the server; -1 on failure. */
int harness_connect(const struct harness *h);

/*
 * Accounts made in the store directly, beside the running server: no
 * sign-in, no CSRF. Each fails the test on any error.
 */

/** A second connection to `h`'s store; free with lrs_store_free(). */
struct lrs_store *harness_store_open(const struct harness *h);
/**
 * Add an organisation: a school (LA 801, establishment `estab`) or an
 * awarding organisation (UKPRN 10012345, `estab` unused); its id.
 */
int64_t harness_org_add(struct lrs_store *s, enum lrs_org_kind kind,
                        const char *name, int32_t estab);
/** Add an awarding organisation with UKPRN `ukprn`; its id. */
int64_t harness_org_add_ao(struct lrs_store *s, const char *name,
                           const char *ukprn);

/** Room for "Authorization: Bearer <token>". */
#define HARNESS_BEARER_SIZE 96

/**
 * Add a user of `org` with `roles` who has accepted the agreement, and an
 * API token for them: `bearer` receives "Authorization: Bearer <token>".
 */
void harness_user_add(struct lrs_store *s, int64_t org, const char *login,
                      unsigned roles, char bearer[HARNESS_BEARER_SIZE]);

/** What harness_user_make() makes. */
struct harness_user {
    const char *login;
    unsigned roles;       /* bits of enum lrs_role */
    const char *uln;      /* a learner account's ULN, or NULL */
    const char *password; /* NULL: one nobody knows */
    bool disabled;
    bool agreed; /* has accepted the user agreement */
};

/**
 * Add the user `u` of `org`; its id. When `bearer` is not NULL it also
 * gets an API token, and `bearer` "Authorization: Bearer <token>".
 */
int64_t harness_user_make(struct lrs_store *s, int64_t org,
                          const struct harness_user *u,
                          char bearer[HARNESS_BEARER_SIZE]);

#endif /* LRS_HTTP_HARNESS_H */
