/*
 * lrsd.h - the private interface between the files of lrsd.
 *
 * lrsd is a thin HTTP program over liblrs. Its parts:
 *
 *   main.c     options, signals, start and graceful stop
 *   server.c   libmicrohttpd glue: one lrsd_req per request, body limits,
 *              dispatch through the route table, access log, metrics
 *   routes.c   the route table (method, path pattern, handler, roles) and
 *              the matcher that fills path parameters
 *   json.c     jansson helpers: parse a body, read typed fields, reply
 *              with JSON or with an LRS-style JSON error
 *   metrics.c  counters and histograms, /metrics in Prometheus text
 *   log.c      one structured line per event on stderr
 *   h_*.c      the handlers, one file per endpoint group
 *
 * Threads: libmicrohttpd runs a pool of threads, each with its own epoll
 * loop; a request is handled start to end on one of them (a read may be
 * suspended meanwhile, waiting for its audit rows: audit.c). Everything
 * shared (metrics, the server's counters) is atomic or read-only after
 * start-up. A struct lrsd_req belongs to the thread handling it.
 *
 * Nothing here is part of liblrs: HTTP and JSON stay in cmd/lrsd/
 * (STYLE.md), which includes only the lrs/ headers of the library.
 */
#ifndef LRSD_H
#define LRSD_H

#include <lrs/lrs.h>
#include <lrs/service.h>
#include <lrs/store.h>

#include <jansson.h>
#include <microhttpd.h>

#include <stdatomic.h>

/** Number of elements of an array. */
#define LRSD_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Configuration                                                      */
/* ------------------------------------------------------------------ */

/** Everything the command line sets; read-only once the server runs. */
struct lrsd_config {
    const char *db;           /* store path or postgres:// URL, borrowed */
    char host[64];            /* listen address, numeric IPv4 or IPv6 */
    uint16_t port;            /* listen port; 0 picks a free one */
    unsigned threads;         /* size of the request thread pool */
    size_t json_max_len;      /* largest JSON request body, bytes */
    size_t upload_max_len;    /* largest upload (CTF) body, bytes */
    unsigned timeout_s;       /* idle connection timeout, seconds */
    unsigned drain_s;         /* longest wait for in-flight requests */
    unsigned max_connections; /* open connections at once */
    bool secure_cookies;      /* cookies get Secure (TLS at a proxy) */
    char trusted_proxy[46];   /* --trusted-proxy: the reverse proxy's
                               * address, normalised; "" when none */
    const char *tls_cert;     /* --tls-cert path, or NULL: plain HTTP */
    const char *tls_key;      /* --tls-key path, or NULL */
    const char *tls_cert_pem; /* the files' text, read by main, or NULL */
    const char *tls_key_pem;
    bool init_store;                 /* create and migrate the store first */
    const char *operator_token_file; /* holds the operator token, or NULL */
    unsigned search_per_minute;      /* demographic searches a user a minute */
    unsigned signin_per_minute;      /* sign-in attempts a login a minute */
    enum lrs_log_level log_level;    /* lowest level written to stderr */
    const char *web_root;            /* --web-root, or NULL (docs/web.md) */
};

/** Defaults: lrsd_default_threads(), 1 MiB JSON, 64 MiB uploads, 30 s
 *  idle, 30 s drain. */
void lrsd_config_init(struct lrsd_config *cfg);

/** The default size of the request thread pool: twice the processors
 *  online (docs/server.md). */
unsigned lrsd_default_threads(void);

/* ------------------------------------------------------------------ */
/* Logging (log.c)                                                    */
/* ------------------------------------------------------------------ */

/** Write nothing below `level`. Call before threads start. */
void lrsd_log_init(enum lrs_log_level level);

/**
 * Write one line `level module req_id msg k=v ...` to stderr with a
 * single write(2), so lines from many threads never interleave. `req_id`
 * may be NULL ("-"). `msg` is quoted when it holds a space. `kv_fmt`
 * (may be NULL) is a printf format for the k=v tail; values that may hold
 * spaces must be quoted by the caller with lrsd_log_quote(). Never pass
 * learner personal data: log route patterns, not paths.
 */
void lrsd_log(enum lrs_log_level level, const char *module, const char *req_id,
              const char *msg, const char *kv_fmt, ...) LRS_PRINTF(5, 6);

/** Whether a line at `level` would be written. */
bool lrsd_log_on(enum lrs_log_level level);

/**
 * Copy `s` into `out` (size `out_len`) as a log value: bare if it is made
 * of safe characters, else double-quoted with \" and \\ escaped and
 * control bytes as '?'. Truncates to fit. Returns `out`.
 */
const char *lrsd_log_quote(const char *s, char *out, size_t out_len);

/** The callback lrsd installs with lrs_log_set() for library messages. */
void lrsd_log_lib(enum lrs_log_level level, const char *module, const char *msg,
                  void *ctx);

/* ------------------------------------------------------------------ */
/* Routes (routes.c)                                                  */
/* ------------------------------------------------------------------ */

/** The HTTP methods lrsd knows, as bits for the Allow header. */
enum lrsd_method {
    LRSD_GET = 1u << 0,
    LRSD_HEAD = 1u << 1,
    LRSD_POST = 1u << 2,
    LRSD_PUT = 1u << 3,
    LRSD_PATCH = 1u << 4,
    LRSD_DELETE = 1u << 5,
};

/** Route flags. */
enum lrsd_route_flags {
    LRSD_ROUTE_UPLOAD = 1u << 0,       /* body may reach upload_max_len */
    LRSD_ROUTE_NO_AGREEMENT = 1u << 1, /* allowed before the agreement
                                        * and before a forced password
                                        * change */
    LRSD_ROUTE_READ_ONLY = 1u << 2,    /* changes nothing but the audit
                                        * log: its reads' rows are waited
                                        * for once, after the handler,
                                        * without holding a thread
                                        * (audit.c) */
};

#define LRSD_MAX_PARAMS 4

struct lrsd_req;
typedef void (*lrsd_handler_fn)(struct lrsd_req *r);

/** One row of the route table. */
struct lrsd_route {
    enum lrsd_method method; /* one method per row */
    const char *pattern;     /* "/api/v1/learners/{uln}": {x} is a segment */
    lrsd_handler_fn handler; /* answers with one lrsd_reply_*() call */
    unsigned roles;          /* bits of enum lrs_role; 0 = public */
    unsigned flags;          /* enum lrsd_route_flags */
};

/** The table, its length, and the index used for unmatched requests. */
extern const struct lrsd_route lrsd_routes[];
extern const size_t lrsd_route_count;
#define LRSD_ROUTE_NONE lrsd_route_count
/** Upper bound on the table's length, for arrays indexed by route. */
#define LRSD_ROUTE_MAX 160

/** Bit for `method` ("GET", ...); 0 when unknown. */
enum lrsd_method lrsd_method_bit(const char *method);

/** Append "GET, POST" for the bits of `methods` to `out` (Allow header). */
void lrsd_methods_text(unsigned methods, char *out, size_t out_len);

/**
 * Find the route for `method` and `path`. On a match returns its index
 * and fills params (slices of `path`) and *param_count. Otherwise returns
 * LRSD_ROUTE_NONE and sets *allowed to the methods of the routes whose
 * pattern matches the path (0: no such path, so 404; else 405).
 */
size_t lrsd_route_find(const char *method, const char *path,
                       struct lrs_str *params, size_t *param_count,
                       unsigned *allowed);

/* ------------------------------------------------------------------ */
/* Requests (server.c)                                                */
/* ------------------------------------------------------------------ */

struct lrsd_server;

/** Who is making a request, once lrsd_authorize() has said yes. */
struct lrsd_principal {
    int64_t user_id;               /* users.id; 0 for the operator token */
    int64_t org_id;                /* organisations.id; 0 is the LRS */
    unsigned roles;                /* bits of enum lrs_role */
    bool agreed;                   /* has accepted the user agreement */
    bool must_change_password;     /* a reset password: change it first */
    bool by_session;               /* a cookie (CSRF applies), not a token */
    struct lrs_session session;    /* the cookie's content when by_session */
    char login[LRS_LOGIN_MAX + 1]; /* "" for the operator token */
    char uln[LRS_ULN_SIZE];        /* a learner account's own ULN, or "" */
};

/** The version of the user agreement a user must have accepted. */
#define LRSD_AGREEMENT_VERSION 1
/** How long a session lasts: 8 hours (a working day). */
#define LRSD_SESSION_TTL_MS (8 * 3600 * 1000)

/**
 * A request's audit rows queued for the group commit (audit.c): the
 * sequence numbers of its first and last, and how it waits. Lives in the
 * request; fields are the audit writer's, under its lock, once listed.
 */
struct lrsd_audit_wait {
    uint64_t first_seq, last_seq; /* rows queued, when listed */
    enum lrs_err err;             /* a commit of its rows failed */
    bool listed;                  /* in the writer's list of waiters */
    bool sealed;                  /* queues no more rows: may settle */
    bool done;                    /* settled by the writer */
    struct MHD_Connection *conn;  /* suspended, to resume; or NULL */
    struct lrsd_audit_wait *prev; /* the writer's list */
    struct lrsd_audit_wait *next;
};

/** One HTTP request, from its headers to the completion callback. */
struct lrsd_req {
    struct lrsd_server *srv;     /* borrowed */
    struct MHD_Connection *conn; /* borrowed from libmicrohttpd */
    const char *method;          /* borrowed from libmicrohttpd */
    const char *path;            /* borrowed, without the query string */
    size_t route;                /* index in lrsd_routes or ROUTE_NONE */
    struct lrs_str params[LRSD_MAX_PARAMS]; /* slices of path */
    size_t param_count;
    struct lrs_buf body;          /* the request body, owned */
    bool body_too_large;          /* the body passed its limit */
    bool late;                    /* began after the stop: 503 */
    char id[17];                  /* request id, hex */
    uint64_t start_ns;            /* monotonic clock at the headers */
    unsigned status;              /* the status queued, 0 until then */
    struct MHD_Response *resp;    /* owned until queued */
    struct lrs_arena arena;       /* per-request memory */
    struct lrsd_principal who;    /* set when the route has roles */
    struct lrs_store *store;      /* borrowed from the pool, or NULL */
    char addr[46];                /* the client's address, text */
    struct lrsd_audit_wait audit; /* its reads' audit rows */
    bool held;                    /* answer built, waiting for its audit rows */
};

/** The text of path parameter `i`, NUL-terminated in the arena. */
const char *lrsd_param(struct lrsd_req *r, size_t i);

/** A request header's value (borrowed for the request), or NULL. */
const char *lrsd_header(struct lrsd_req *r, const char *name);

/** Reply with `len` bytes of `data` (copied) and a Content-Type. */
void lrsd_reply_data(struct lrsd_req *r, unsigned status,
                     const char *content_type, const void *data, size_t len);

/** Reply with `len` bytes of `data`, which it takes: owned, allocated
 *  with lrs_malloc(), freed with lrs_free() once sent. */
void lrsd_reply_owned(struct lrsd_req *r, unsigned status,
                      const char *content_type, char *data, size_t len);

/** Add a header to the reply; call after an lrsd_reply_*(). */
void lrsd_reply_header(struct lrsd_req *r, const char *name, const char *value);

/* ------------------------------------------------------------------ */
/* JSON (json.c)                                                      */
/* ------------------------------------------------------------------ */

/** Reply with `body` as JSON; takes ownership of `body` (may be NULL,
 *  which answers 500). */
void lrsd_reply_json(struct lrsd_req *r, unsigned status, json_t *body);

/**
 * Reply with the JSON error {"code","field","message"} (`field` omitted
 * when NULL). `code` is an LRS code (WSEC0001) or an lrsd one (LRSD0404,
 * docs/api.md). The message is printf-formatted.
 */
void lrsd_reply_error(struct lrsd_req *r, unsigned status, const char *code,
                      const char *field, const char *fmt, ...) LRS_PRINTF(5, 6);

/**
 * The request body parsed as a JSON object; owned (json_decref). On
 * failure replies itself (415 when the Content-Type is not JSON, 400
 * WSEC0001 naming the syntax error and its place, or that the top level
 * is not an object) and returns NULL.
 */
json_t *lrsd_json_body(struct lrsd_req *r);

/** Flags of lrsd_json_str(). */
enum lrsd_json_str_flags {
    LRSD_JSON_REQUIRED = 1u << 0, /* missing or "" is an error */
};

/**
 * Read the string member `key` of `obj` into *out (borrowed from `obj`;
 * NULL when absent and optional). It must be a JSON string of at most
 * `max_chars` UTF-8 characters without control characters. On a failure
 * replies 400 WSEC0001 naming `key` and returns false.
 */
bool lrsd_json_str(struct lrsd_req *r, json_t *obj, const char *key,
                   unsigned flags, size_t max_chars, const char **out);

/**
 * A JSON text written member by member into a buffer (json.c), for the
 * answers of the busiest routes: no tree of jansson objects, no
 * allocation per member. The caller opens and closes objects and arrays
 * in order; commas are placed here. The first failure (out of memory, a
 * string that is not UTF-8, a real that is not finite) is kept in `err`,
 * and later calls do nothing. The text is what json_dumps() writes with
 * JSON_COMPACT | JSON_ENSURE_ASCII.
 */
struct lrsd_jw {
    struct lrs_buf b; /* the text so far, owned */
    bool comma;       /* a value ends here: what follows needs a comma */
    enum lrs_err err; /* the first failure, or LRS_OK */
};

#define LRSD_JW_INIT                                                           \
    {                                                                          \
        LRS_BUF_INIT, false, LRS_OK                                            \
    }

/** Open ('{', '[') or close ('}', ']') an object or an array. */
void lrsd_jw_open(struct lrsd_jw *w, char c);
void lrsd_jw_close(struct lrsd_jw *w, char c);
/** A member's key, then its value with one of the calls below. */
void lrsd_jw_key(struct lrsd_jw *w, const char *key);
/** Values: a UTF-8 string (NUL-terminated), an integer, a finite real. */
void lrsd_jw_str(struct lrsd_jw *w, const char *s);
void lrsd_jw_int(struct lrsd_jw *w, long long v);
void lrsd_jw_real(struct lrsd_jw *w, double v);
/** A member: key and value. */
void lrsd_jw_kstr(struct lrsd_jw *w, const char *key, const char *s);
void lrsd_jw_kint(struct lrsd_jw *w, const char *key, long long v);
void lrsd_jw_kreal(struct lrsd_jw *w, const char *key, double v);
/** Free the text and start again empty. */
void lrsd_jw_release(struct lrsd_jw *w);
/** Reply with the text (500 if writing it failed); releases `w`. */
void lrsd_reply_jw(struct lrsd_req *r, unsigned status, struct lrsd_jw *w);

/* ------------------------------------------------------------------ */
/* Metrics (metrics.c)                                                */
/* ------------------------------------------------------------------ */

/** Count one finished request on `route` with `status`, `ns` long. */
void lrsd_metrics_request(size_t route, unsigned status, uint64_t ns);

/** Count one find outcome (the WSRC number: 1, 2, 3, 4, 22; 5, 21). */
void lrsd_metrics_match(unsigned wsrc);

/** Gauges set by the batch workers and the index. */
enum lrsd_gauge {
    LRSD_GAUGE_JOBS_QUEUED = 0,
    LRSD_GAUGE_JOBS_RUNNING,
    LRSD_GAUGE_INDEX_LEARNERS,
    LRSD_GAUGE_INDEX_BYTES,
    LRSD_GAUGE_INFLIGHT,
    LRSD_GAUGE__COUNT
};

void lrsd_metrics_gauge_set(enum lrsd_gauge g, int64_t value);
void lrsd_metrics_gauge_add(enum lrsd_gauge g, int64_t delta);
int64_t lrsd_metrics_gauge_get(enum lrsd_gauge g);

/**
 * Count one read of the change feed (pages_index.c): `applied` changes
 * put in the index, the longest delay from a change's write to its
 * apply (`lag_ms`; negative: none applied, the gauge keeps its value),
 * and whether the read failed.
 */
void lrsd_metrics_feed(uint64_t applied, int64_t lag_ms, bool failed);

/** Write every metric in the Prometheus text format (version 0.0.4). */
LRS_NODISCARD enum lrs_err lrsd_metrics_write(struct lrs_buf *out);

/* ------------------------------------------------------------------ */
/* Server life cycle (server.c)                                       */
/* ------------------------------------------------------------------ */

/**
 * Copy the numeric IPv4 or IPv6 address `s` (`len` bytes) into `out` in
 * its normal text form (inet_ntop). False when it is not one.
 */
bool lrsd_addr_normalise(const char *s, size_t len, char *out, size_t size);

/** Start listening and serving; owned, stop with lrsd_server_free(). */
LRS_NODISCARD enum lrs_err lrsd_server_new(const struct lrsd_config *cfg,
                                           struct lrsd_server **out);

/** The port actually bound (useful with port 0). */
uint16_t lrsd_server_port(const struct lrsd_server *srv);

/**
 * Graceful stop: close the listening socket, wait up to cfg->drain_s for
 * the requests in flight to finish, then stop every thread and free.
 * Returns how many requests were still in flight when the wait ended.
 * lrsd_server_free(NULL) is a no-op.
 */
unsigned lrsd_server_free(struct lrsd_server *srv);

/** Whether a stop has begun (handlers may answer 503 to long work). */
bool lrsd_server_stopping(const struct lrsd_server *srv);

/* ------------------------------------------------------------------ */
/* Store connections (db.c)                                           */
/* ------------------------------------------------------------------ */

struct lrsd_db;

/**
 * Open the pool on `url` with one connection, checking the store (and,
 * with `init`, creating and migrating it first). At most `max`
 * connections are ever open. `url` is borrowed for the pool's life.
 */
LRS_NODISCARD enum lrs_err lrsd_db_open(const char *url, bool init,
                                        unsigned max, struct lrsd_db **out,
                                        struct lrs_diag *diag);

/** Borrow a connection (waits if all `max` are busy). */
LRS_NODISCARD enum lrs_err
lrsd_db_get(struct lrsd_db *db, struct lrs_store **out, struct lrs_diag *diag);

/** Give `s` back (rolling back a transaction left open). */
void lrsd_db_put(struct lrsd_db *db, struct lrs_store *s);

/** Close every connection; NULL is a no-op. */
void lrsd_db_free(struct lrsd_db *db);

/* ------------------------------------------------------------------ */
/* Group commit of audit rows (audit.c)                               */
/* ------------------------------------------------------------------ */

/** Start the audit writer on its own connection to `db`. */
LRS_NODISCARD enum lrs_err lrsd_audit_start(const char *db,
                                            struct lrs_diag *diag);

/** Send the audit rows `s` appends outside a transaction to the writer,
 *  each append waiting until its row is committed (no-op when the writer
 *  is not running). lrsd_db_get() calls it. */
void lrsd_audit_attach(struct lrs_store *s);

/**
 * Send the rows `s` appends outside a transaction to the writer on
 * behalf of waiter `w`, without waiting: the request's answer must then
 * go through lrsd_audit_hold() (server.c does). Only for routes flagged
 * LRSD_ROUTE_READ_ONLY, whose handlers change nothing after a read.
 */
void lrsd_audit_attach_req(struct lrs_store *s, struct lrsd_audit_wait *w);

/** lrsd_audit_attach_req() for r's store connection when r's route is
 *  LRSD_ROUTE_READ_ONLY; the blocking sink otherwise stays. */
void lrsd_audit_attach_for(struct lrsd_req *r);

/**
 * After the handler: whether `w` still waits for rows to be committed.
 * If so, `conn` is suspended (call from the access handler only) and the
 * writer resumes it once they are; libmicrohttpd then calls the handler
 * again. If not, w->err tells whether they are on record.
 */
bool lrsd_audit_hold(struct lrsd_audit_wait *w, struct MHD_Connection *conn);

/** Take `w` off the writer's list if it is still on it (request freed). */
void lrsd_audit_release(struct lrsd_audit_wait *w);

/**
 * At a stop whose drain ran out: fail every waiter (LRS_EIO) and resume
 * the suspended ones, and hold no request from now on, so that no
 * connection stays suspended when libmicrohttpd stops.
 */
void lrsd_audit_abandon(void);

/** Commit what is queued and stop the writer; after the requests. */
void lrsd_audit_stop(void);

/* ------------------------------------------------------------------ */
/* Shared state (main.c) and authorisation (auth.c)                   */
/* ------------------------------------------------------------------ */

/** What every request thread shares; set up before the server starts,
 *  read-only afterwards (the objects inside lock themselves). */
struct lrsd_app {
    struct lrsd_db *db;              /* owned by main */
    struct lrs_auth_key session_key; /* signs session cookies */
    bool have_operator_token;        /* operator_token_hash is set */
    uint8_t operator_token_hash[LRS_AUTH_TOKEN_HASH_LEN];
    struct lrs_ratelimit *search_limit; /* demographic searches per user */
    struct lrs_ratelimit *signin_limit; /* sign-in attempts per login */
    bool secure_cookies;                /* cookies get Secure */
    /* Verified when the login is unknown, so that an unknown login and a
     * wrong password take the same time. */
    char dummy_hash[LRS_AUTH_HASH_SIZE];
};

extern struct lrsd_app lrsd_app;

/**
 * Check that the caller of route r->route may call it: a valid API token
 * (Authorization: Bearer) or session cookie (401 LRSD0401 otherwise), one
 * of the route's roles (403), the CSRF token on state-changing requests
 * made with a cookie (403, field "csrf"), and the user agreement accepted
 * unless the route is LRSD_ROUTE_NO_AGREEMENT (403). Fills r->who.
 * Returns false when it has replied.
 */
bool lrsd_authorize(struct lrsd_req *r);

/** Fill `who` (cleared first) with user `u`: a principal not signed in by
 *  a session (by_session false). */
void lrsd_principal_set(struct lrsd_principal *who, const struct lrs_user *u);

/** What the store says of a session cookie whose signature checked out. */
enum lrsd_session_state {
    LRSD_SESSION_LIVE = 0, /* the session may act: *who is filled */
    LRSD_SESSION_ENDED,    /* no such session, or revoked: signed out, a
                            * password reset or change, a disabled user */
    LRSD_SESSION_GONE,     /* its user no longer exists */
    LRSD_SESSION_DISABLED, /* its user is disabled */
    LRSD_SESSION_DOWN,     /* the store could not say */
};

/**
 * Look decoded session `sess` up in `s`: its row must exist, be of the
 * same user and not be revoked, and the user must exist and be enabled.
 * On LRSD_SESSION_LIVE `who` is that user, signed in by `sess`. The one
 * check of a session, for the API (lrsd_authorize) and the pages alike,
 * so that a revoked cookie is refused everywhere.
 */
enum lrsd_session_state lrsd_session_load(struct lrs_store *s,
                                          const struct lrs_session *sess,
                                          struct lrsd_principal *who);

/** The request's store connection (borrowed from the pool until the
 *  response is queued); on failure replies 503 and returns NULL. */
struct lrs_store *lrsd_store(struct lrsd_req *r);

/** Load or create the session signing key kept in the store's settings
 *  (so sessions outlive a restart and work on every node). */
LRS_NODISCARD enum lrs_err lrsd_session_key_load(struct lrs_diag *diag);

/** The audit actor of the request: its principal, source "http". */
struct lrs_actor lrsd_actor(const struct lrsd_req *r);

/* ------------------------------------------------------------------ */
/* Handlers (h_*.c)                                                   */
/* ------------------------------------------------------------------ */

/** "active", "linked" or "closed": a learner's status as every answer
 *  names it (docs/api.md, "A learner"); static. */
const char *lrsd_learner_status_name(enum lrs_learner_status s);

/** Write learner `l`'s fields as members of the object open in `w`: the
 *  CSV column names (docs/api.md), in their order, then its status (and
 *  master_uln when merged), as every answer holding a learner in full
 *  gives them (h_learners.c). */
void lrsd_jw_learner(struct lrsd_jw *w, const struct lrs_learner *l);

/** Audit row `a` as an entry of an audit trail (owned; NULL when out of
 *  memory): id, at_ms, action, the actor (user_id, org_id, source, addr)
 *  and, when it has one, the subject_user_id (h_learners.c). */
json_t *lrsd_audit_json(const struct lrs_audit *a);

void lrsd_h_healthz(struct lrsd_req *r);
void lrsd_h_openapi(struct lrsd_req *r);

/** docs/openapi.json as built into lrsd (openapi_doc.c, generated by
 *  gen_openapi.py), its length, and its ETag ("\"<32 hex>\"", quoted). */
extern const unsigned char lrsd_openapi_json[];
extern const size_t lrsd_openapi_json_len;
extern const char lrsd_openapi_etag[];
/** A school's reference for exam entries (docs/plr.md): its LA and
 *  establishment number ("8012000"), else its URN (h_plr.c). */
void lrsd_school_ref(const struct lrs_org *o, char out[LRS_PLR_CODE_SIZE]);
void lrsd_h_orgs_list(struct lrsd_req *r);
void lrsd_h_org_add(struct lrsd_req *r);
void lrsd_h_org_users(struct lrsd_req *r);
void lrsd_h_user_add(struct lrsd_req *r);
void lrsd_h_user_reset(struct lrsd_req *r);
void lrsd_h_user_disable(struct lrsd_req *r);
void lrsd_h_user_enable(struct lrsd_req *r);
void lrsd_h_user_change(struct lrsd_req *r);
void lrsd_h_user_audit(struct lrsd_req *r);
void lrsd_h_metrics(struct lrsd_req *r);
void lrsd_h_version(struct lrsd_req *r);
void lrsd_h_session_create(struct lrsd_req *r);
void lrsd_h_learner_get(struct lrsd_req *r);
void lrsd_h_learner_audit(struct lrsd_req *r);
void lrsd_h_learner_merge(struct lrsd_req *r);
void lrsd_h_learner_unmerge(struct lrsd_req *r);
void lrsd_h_learner_links(struct lrsd_req *r);
void lrsd_h_learner_by_uln(struct lrsd_req *r);
void lrsd_h_learner_amend(struct lrsd_req *r);
void lrsd_h_learner_me(struct lrsd_req *r);
void lrsd_h_session_get(struct lrsd_req *r);
void lrsd_h_session_delete(struct lrsd_req *r);
void lrsd_h_password_change(struct lrsd_req *r);
void lrsd_h_agreement_get(struct lrsd_req *r);
void lrsd_h_agreement_accept(struct lrsd_req *r);
void lrsd_h_tokens_list(struct lrsd_req *r);
void lrsd_h_token_create(struct lrsd_req *r);
void lrsd_h_token_revoke(struct lrsd_req *r);
void lrsd_h_verify(struct lrsd_req *r);
void lrsd_h_verify_batch(struct lrsd_req *r);
void lrsd_h_results_upload(struct lrsd_req *r);
void lrsd_h_entries_submit(struct lrsd_req *r);
void lrsd_h_entries_pending(struct lrsd_req *r);
void lrsd_h_entries_send(struct lrsd_req *r);
void lrsd_h_entries_ao(struct lrsd_req *r);
void lrsd_h_plr_get(struct lrsd_req *r);
void lrsd_h_plr_me(struct lrsd_req *r);
void lrsd_h_plr_me_html(struct lrsd_req *r);
void lrsd_h_share_create(struct lrsd_req *r);
void lrsd_h_share_revoke(struct lrsd_req *r);
void lrsd_h_share_open(struct lrsd_req *r);
void lrsd_h_shares_list(struct lrsd_req *r);
void lrsd_h_consent_set(struct lrsd_req *r);
void lrsd_h_invite_create(struct lrsd_req *r);
void lrsd_h_signup(struct lrsd_req *r);
/** The rate-limit key of sign-up attempts from address `addr`. */
uint64_t lrsd_signup_key(const char *addr);
void lrsd_h_learner_search(struct lrsd_req *r);
void lrsd_h_learner_register(struct lrsd_req *r);
void lrsd_h_batch_upload(struct lrsd_req *r);
void lrsd_h_batch_list(struct lrsd_req *r);
void lrsd_h_batch_get(struct lrsd_req *r);
void lrsd_h_batch_ctf(struct lrsd_req *r);
void lrsd_h_batch_csv(struct lrsd_req *r);
void lrsd_h_batch_html(struct lrsd_req *r);
void lrsd_h_exceptions_list(struct lrsd_req *r);
void lrsd_h_exception_get(struct lrsd_req *r);
void lrsd_h_exception_resolve(struct lrsd_req *r);

/* ------------------------------------------------------------------ */
/* The batch worker (worker.c)                                        */
/* ------------------------------------------------------------------ */

/** Start the thread that runs queued CTF jobs; false if it cannot. */
bool lrsd_worker_start(void);

/** Wake the worker: a job was queued. */
void lrsd_worker_kick(void);

/** Stop the worker and join it: a running job stops at its next chunk
 *  boundary and is queued again, to carry on at the next start. */
void lrsd_worker_stop(void);

/* ------------------------------------------------------------------ */
/* The change feed (feed.c)                                           */
/* ------------------------------------------------------------------ */

/** Start the thread that reads the store's change feed into the match
 *  index every FEED_POLL_MS and prunes old changes, on its own connection
 *  to `db`; false (with `diag`) if it cannot. */
bool lrsd_feed_start(const char *db, struct lrs_diag *diag);

/** Stop and join the feed thread; a no-op when it is not running. */
void lrsd_feed_stop(void);

#endif /* LRSD_H */
