/*
 * server.c - libmicrohttpd glue: requests in, route table, responses out.
 *
 * libmicrohttpd calls on_request() several times per request: once when
 * the headers are in (we allocate a struct lrsd_req and pick the route),
 * once per piece of body (appended to r->body up to the route's limit),
 * and once more when the request is complete (we dispatch and queue the
 * response). on_completed() frees the request after the response is sent
 * or the client went away.
 *
 * Limits: a body may be at most cfg->json_max_len bytes, or
 * cfg->upload_max_len on routes flagged LRSD_ROUTE_UPLOAD. A declared
 * Content-Length over the limit is answered 413 at once, before any body
 * is read; libmicrohttpd then discards the rest and closes the connection.
 * A chunked body that grows past the limit is dropped as it arrives and
 * answered 413 at the end. Idle connections close after cfg->timeout_s.
 *
 * Accepting: lrsd owns the listening socket. One acceptor thread accepts
 * each client and hands it to libmicrohttpd (MHD_add_connection), whose
 * thread pool (epoll) serves it from then on. libmicrohttpd's own way to
 * stop listening, MHD_quiesce_daemon, races with its epoll workers in a
 * thread pool (a worker that wakes between the two halves of the quiesce
 * removes the listening socket from its epoll set first, and the quiesce
 * then aborts the process: "Failed to remove listen FD from epoll set"),
 * which is why the socket is not libmicrohttpd's.
 *
 * Graceful stop (lrsd_server_free): the listening socket is shut down
 * first, so new clients are refused at once; requests that arrive later
 * on open keep-alive connections get 503 with "Connection: close"; the
 * requests in flight run to their end, for up to cfg->drain_s seconds;
 * then every thread stops.
 *
 * A read-only route's answer waits for the audit rows of its reads
 * without holding the thread: after the handler, finish() suspends the
 * connection until the audit writer has committed them (audit.c), and
 * the writer's resume brings on_request() back to queue the answer (or a
 * 503 if the commit failed).
 */
#include "lrsd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct lrsd_server {
    struct lrsd_config cfg;    /* a copy; `db` still borrowed */
    struct MHD_Daemon *mhd;    /* owned */
    uint16_t port;             /* bound port */
    uint32_t id_prefix;        /* high half of request ids */
    _Atomic uint32_t next_id;  /* low half of request ids */
    _Atomic unsigned inflight; /* requests begun and not completed */
    atomic_bool stopping;      /* lrsd_server_free() has begun */
    int listen_fd;             /* owned; -1 once closed */
    pthread_t acceptor;        /* accept_loop(), running while listen_fd */
};

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ------------------------------------------------------------------ */
/* Replies                                                            */
/* ------------------------------------------------------------------ */

void lrsd_reply_data(struct lrsd_req *r, unsigned status,
                     const char *content_type, const void *data, size_t len)
{
    if (r->resp) {
        lrsd_log(LRS_LOG_ERROR, "http", r->id, "second reply ignored",
                 "status=%u", status);
        return;
    }
    /* MUST_COPY: the response outlives `data`, which the caller frees. */
    r->resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)data,
                                              MHD_RESPMEM_MUST_COPY);
    if (!r->resp)
        return; /* answered with a closed connection by queue() */
    r->status = status;
    MHD_add_response_header(r->resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            content_type);
}

void lrsd_reply_owned(struct lrsd_req *r, unsigned status,
                      const char *content_type, char *data, size_t len)
{
    if (r->resp) {
        lrsd_log(LRS_LOG_ERROR, "http", r->id, "second reply ignored",
                 "status=%u", status);
        lrs_free(data);
        return;
    }
    r->resp =
        MHD_create_response_from_buffer_with_free_callback(len, data, lrs_free);
    if (!r->resp) {
        lrs_free(data);
        return; /* answered with a closed connection by queue() */
    }
    r->status = status;
    MHD_add_response_header(r->resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            content_type);
}

void lrsd_reply_header(struct lrsd_req *r, const char *name, const char *value)
{
    if (r->resp)
        MHD_add_response_header(r->resp, name, value);
}

const char *lrsd_header(struct lrsd_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *lrsd_param(struct lrsd_req *r, size_t i)
{
    if (i >= r->param_count)
        return NULL;
    return lrs_arena_strndup(&r->arena, r->params[i].ptr, r->params[i].len);
}

/* ------------------------------------------------------------------ */
/* Request life cycle                                                 */
/* ------------------------------------------------------------------ */

static size_t body_limit(const struct lrsd_server *srv, size_t route)
{
    if (route < lrsd_route_count &&
        (lrsd_routes[route].flags & LRSD_ROUTE_UPLOAD))
        return srv->cfg.upload_max_len;
    return srv->cfg.json_max_len;
}

bool lrsd_addr_normalise(const char *s, size_t len, char *out, size_t size)
{
    unsigned char bin[sizeof(struct in6_addr)];
    char text[64];

    if (len == 0 || len >= sizeof text)
        return false;
    memcpy(text, s, len);
    text[len] = '\0';
    if (inet_pton(AF_INET, text, bin) == 1)
        return inet_ntop(AF_INET, bin, out, (socklen_t)size) != NULL;
    if (inet_pton(AF_INET6, text, bin) == 1)
        return inet_ntop(AF_INET6, bin, out, (socklen_t)size) != NULL;
    return false;
}

/*
 * The client named by the last entry of X-Forwarded-For (the one the
 * trusted proxy appended; earlier ones are the client's own claims) into
 * out. False, leaving out alone, when there is none or it is not a
 * numeric address.
 */
static bool forwarded_addr(struct MHD_Connection *conn, char *out, size_t size)
{
    const char *xff =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
    const char *start, *end;

    if (!xff)
        return false;
    end = xff + strlen(xff);
    start = strrchr(xff, ',');
    start = start ? start + 1 : xff;
    while (start < end && (*start == ' ' || *start == '\t'))
        start++;
    while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    return lrsd_addr_normalise(start, (size_t)(end - start), out, size);
}

/*
 * The client's address as text into out (size 46), "" when unknown: the
 * connection's, or X-Forwarded-For's when the connection comes from the
 * --trusted-proxy.
 */
static void client_addr(const struct lrsd_server *srv,
                        struct MHD_Connection *conn, char *out, size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    out[0] = '\0';
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET,
                  &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
                  out, (socklen_t)size);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6,
                  &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                  out, (socklen_t)size);
    if (srv->cfg.trusted_proxy[0] && strcmp(out, srv->cfg.trusted_proxy) == 0)
        forwarded_addr(conn, out, size);
}

static struct lrsd_req *req_new(struct lrsd_server *srv,
                                struct MHD_Connection *conn, const char *url,
                                const char *method)
{
    struct lrsd_req *r = lrs_calloc(1, sizeof *r);
    unsigned allowed;
    uint32_t low;

    if (!r)
        return NULL;
    r->srv = srv;
    r->conn = conn;
    r->method = method;
    r->path = url;
    r->start_ns = now_ns();
    client_addr(srv, conn, r->addr, sizeof r->addr);
    low = atomic_fetch_add_explicit(&srv->next_id, 1, memory_order_relaxed);
    snprintf(r->id, sizeof r->id, "%08x%08x", (unsigned)srv->id_prefix,
             (unsigned)low);
    r->route =
        lrsd_route_find(method, url, r->params, &r->param_count, &allowed);
    lrs_buf_init(&r->body, body_limit(srv, r->route));
    r->late = atomic_load(&srv->stopping);
    atomic_fetch_add_explicit(&srv->inflight, 1, memory_order_relaxed);
    lrsd_metrics_gauge_add(LRSD_GAUGE_INFLIGHT, 1);
    return r;
}

static void req_free(struct lrsd_req *r)
{
    if (!r)
        return;
    if (r->resp)
        MHD_destroy_response(r->resp);
    lrsd_db_put(lrsd_app.db, r->store);
    lrsd_audit_release(&r->audit);
    lrs_buf_release(&r->body);
    lrs_arena_release(&r->arena);
    lrs_free(r);
}

/* Whether the declared Content-Length is over the limit. */
static bool declared_too_large(struct lrsd_req *r)
{
    const char *cl = lrsd_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
    uint64_t n;

    if (!cl)
        return false;
    if (lrs_parse_u64(lrs_str_c(cl), 0, UINT64_MAX, &n) != LRS_OK)
        return false; /* libmicrohttpd answers a bad Content-Length */
    return n > r->body.max;
}

static void reply_too_large(struct lrsd_req *r)
{
    lrsd_reply_error(r, 413, "LRSD0413", NULL,
                     "the request body is larger than the limit of %zu "
                     "bytes",
                     r->body.max);
}

/* Pick the answer: limits, routing, then the route's handler. */
static void dispatch(struct lrsd_req *r)
{
    struct lrs_str params[LRSD_MAX_PARAMS];
    unsigned allowed;
    char allow[64];
    size_t n;

    if (r->body_too_large) {
        reply_too_large(r);
        return;
    }
    if (r->late) {
        lrsd_reply_error(r, 503, "LRSD0503", NULL,
                         "the server is shutting down");
        lrsd_reply_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
        return;
    }
    if (r->route == LRSD_ROUTE_NONE) {
        (void)lrsd_route_find(r->method, r->path, params, &n, &allowed);
        if (!allowed) {
            lrsd_reply_error(r, 404, "LRSD0404", NULL, "no such resource");
            return;
        }
        lrsd_methods_text(allowed, allow, sizeof allow);
        lrsd_reply_error(r, 405, "LRSD0405", NULL,
                         "method %s is not allowed here; allowed: %s",
                         lrsd_method_bit(r->method) ? r->method : "(other)",
                         allow);
        lrsd_reply_header(r, MHD_HTTP_HEADER_ALLOW, allow);
        return;
    }
    if (lrsd_routes[r->route].roles && !lrsd_authorize(r))
        return;
    lrsd_routes[r->route].handler(r);
    if (!r->resp && !r->status)
        lrsd_reply_error(r, 500, "LRSD0500", NULL, "internal error");
}

/* Queue r->resp (or, without one, close the connection) and log. */
static enum MHD_Result queue(struct lrsd_req *r)
{
    const uint64_t ns = now_ns() - r->start_ns;
    enum MHD_Result ok = MHD_NO;
    char q[96];

    if (r->resp) {
        MHD_add_response_header(r->resp, "X-Request-Id", r->id);
        MHD_add_response_header(r->resp, "X-Content-Type-Options", "nosniff");
        /* Nothing is cached unless its handler says how. */
        if (!MHD_get_response_header(r->resp, MHD_HTTP_HEADER_CACHE_CONTROL))
            MHD_add_response_header(r->resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                                    "no-store");
        ok = MHD_queue_response(r->conn, r->status, r->resp);
        MHD_destroy_response(r->resp);
        r->resp = NULL;
    } else {
        r->status = 500;
    }
    /* The connection goes back before the response is sent. */
    lrsd_db_put(lrsd_app.db, r->store);
    r->store = NULL;
    lrsd_metrics_request(r->route, r->status, ns);
    lrsd_log(LRS_LOG_INFO, "http", r->id, "request",
             "method=%s route=%s status=%u us=%llu",
             lrsd_log_quote(r->method, q, 32),
             r->route < lrsd_route_count ? lrsd_routes[r->route].pattern
                                         : "none",
             r->status, (unsigned long long)(ns / 1000));
    return ok;
}

/* The audit rows of the request's reads could not be committed: no data
 * leaves, whatever the handler answered. */
static void reply_audit_failed(struct lrsd_req *r)
{
    if (r->resp)
        MHD_destroy_response(r->resp);
    r->resp = NULL;
    r->status = 0;
    lrsd_reply_error(r, 503, "LRSD0503", NULL,
                     "the read could not be recorded in the audit log; "
                     "try again");
}

/*
 * The handler has answered: give the store connection back, and unless
 * the audit rows of its reads are committed, suspend the connection until
 * they are (audit.c); on_request() is then called again and queues.
 */
static enum MHD_Result finish(struct lrsd_req *r)
{
    lrsd_db_put(lrsd_app.db, r->store);
    r->store = NULL;
    if (lrsd_audit_hold(&r->audit, r->conn)) {
        r->held = true;
        return MHD_YES;
    }
    if (r->audit.err)
        reply_audit_failed(r);
    return queue(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct lrsd_server *srv = cls;
    struct lrsd_req *r = *con_cls;

    (void)version;
    if (r && r->held) {
        /* Resumed by the audit writer: its rows are settled. */
        r->held = false;
        if (r->audit.err)
            reply_audit_failed(r);
        return queue(r);
    }
    if (!r) {
        r = req_new(srv, conn, url, method);
        if (!r)
            return MHD_NO; /* out of memory: drop the connection */
        *con_cls = r;
        if (declared_too_large(r)) {
            reply_too_large(r);
            return queue(r);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!r->body_too_large) {
            enum lrs_err err =
                lrs_buf_add(&r->body, upload_data, *upload_data_size);

            if (err == LRS_ELIMIT) {
                r->body_too_large = true;
                lrs_buf_release(&r->body);
            } else if (err) {
                return MHD_NO;
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    dispatch(r);
    return finish(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct lrsd_server *srv = cls;
    struct lrsd_req *r = *con_cls;

    (void)conn;
    if (!r)
        return;
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK &&
        lrsd_log_on(LRS_LOG_DEBUG))
        lrsd_log(LRS_LOG_DEBUG, "http", r->id, "request ended early",
                 "reason=%d", (int)toe);
    req_free(r);
    *con_cls = NULL;
    lrsd_metrics_gauge_add(LRSD_GAUGE_INFLIGHT, -1);
    atomic_fetch_sub_explicit(&srv->inflight, 1, memory_order_release);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[256], q[300];
    size_t n;

    (void)cls;
    vsnprintf(msg, sizeof msg, fmt, ap);
    n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '.'))
        msg[--n] = '\0';
    lrsd_log(LRS_LOG_WARN, "mhd", NULL, "libmicrohttpd", "text=%s",
             lrsd_log_quote(msg, q, sizeof q));
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */

unsigned lrsd_default_threads(void)
{
    const long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    /* Twice the processors: reads wait for their audit rows without a
     * thread, but writes (register, amend, uploads) hold theirs through
     * their own commit, and a connection waits for its thread. */
    if (cpus < 1)
        return 2;
    return cpus > 64 ? 128 : 2 * (unsigned)cpus;
}

void lrsd_config_init(struct lrsd_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->host, sizeof cfg->host, "127.0.0.1");
    cfg->port = 8080;
    cfg->threads = lrsd_default_threads();
    cfg->json_max_len = 1u << 20;
    cfg->upload_max_len = 64u << 20;
    cfg->timeout_s = 30;
    cfg->drain_s = 30;
    cfg->max_connections = 1000;
    cfg->log_level = LRS_LOG_INFO;
    cfg->search_per_minute = 60;
    cfg->signin_per_minute = 10;
}

/* Fill `ss` from cfg->host and cfg->port; 0 when the host is not numeric. */
static socklen_t make_addr(const struct lrsd_config *cfg,
                           struct sockaddr_storage *ss)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

    memset(ss, 0, sizeof *ss);
    if (inet_pton(AF_INET, cfg->host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(cfg->port);
        return sizeof *v4;
    }
    if (inet_pton(AF_INET6, cfg->host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(cfg->port);
        return sizeof *v6;
    }
    return 0;
}

/* Open, bind and listen on `ss` (`len` bytes); the bound port into
 * *port. -1 with the reason logged. */
static int listen_on(const struct sockaddr_storage *ss, socklen_t len,
                     uint16_t *port)
{
    const int on = 1;
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        lrsd_log(LRS_LOG_ERROR, "server", NULL, "socket failed", "error=\"%s\"",
                 strerror(errno));
        return -1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        (ss->ss_family == AF_INET6 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0) ||
        bind(fd, (const struct sockaddr *)ss, len) != 0 ||
        listen(fd, 1024) != 0 ||
        getsockname(fd, (struct sockaddr *)&bound, &blen) != 0) {
        lrsd_log(LRS_LOG_ERROR, "server", NULL, "cannot listen", "error=\"%s\"",
                 strerror(errno));
        close(fd);
        return -1;
    }
    *port = ntohs(bound.ss_family == AF_INET6
                      ? ((struct sockaddr_in6 *)&bound)->sin6_port
                      : ((struct sockaddr_in *)&bound)->sin_port);
    return fd;
}

/*
 * The acceptor thread: accept each client and hand it to libmicrohttpd,
 * which owns (and on failure closes) the socket from then on. Ends when
 * lrsd_server_free() shuts the listening socket down (accept then fails
 * with EINVAL). A shortage of descriptors or memory is logged and waited
 * out rather than spun on.
 */
static void *accept_loop(void *arg)
{
    struct lrsd_server *srv = arg;
    const struct timespec pause = {0, 10 * 1000 * 1000};

    for (;;) {
        struct sockaddr_storage peer;
        socklen_t len = sizeof peer;
        int fd = accept(srv->listen_fd, (struct sockaddr *)&peer, &len);

        if (fd >= 0) {
            /* As libmicrohttpd's own accept would leave it. */
            fcntl(fd, F_SETFD, FD_CLOEXEC);
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
            if (MHD_add_connection(srv->mhd, fd, (struct sockaddr *)&peer,
                                   len) != MHD_YES)
                lrsd_log(LRS_LOG_WARN, "server", NULL, "connection not taken",
                         "error=\"%s\"", strerror(errno));
            continue;
        }
        if (atomic_load(&srv->stopping))
            break;
        if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN)
            continue;
        lrsd_log(LRS_LOG_WARN, "server", NULL, "accept failed", "error=\"%s\"",
                 strerror(errno));
        if (errno == EINVAL || errno == EBADF)
            break;
        nanosleep(&pause, NULL);
    }
    return NULL;
}

enum lrs_err lrsd_server_new(const struct lrsd_config *cfg,
                             struct lrsd_server **out)
{
    struct sockaddr_storage ss;
    struct lrsd_server *srv;
    socklen_t len;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                     MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG | MHD_USE_NO_LISTEN_SOCKET;
    /* The certificate and key under TLS, else nothing. */
    struct MHD_OptionItem tls[] = {
        {MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)(uintptr_t)cfg->tls_cert_pem},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)(uintptr_t)cfg->tls_key_pem},
        {MHD_OPTION_END, 0, NULL},
    };

    *out = NULL;
    len = make_addr(cfg, &ss);
    if (!len)
        return LRS_EINVAL;
    if (lrsd_route_count > LRSD_ROUTE_MAX)
        return LRS_ELIMIT;
    if (cfg->tls_cert_pem)
        flags |= MHD_USE_TLS;
    else
        tls[0].option = MHD_OPTION_END;
    srv = lrs_calloc(1, sizeof *srv);
    if (!srv)
        return LRS_ENOMEM;
    srv->cfg = *cfg;
    srv->id_prefix = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
    srv->listen_fd = listen_on(&ss, len, &srv->port);
    if (srv->listen_fd < 0) {
        lrs_free(srv);
        return LRS_EIO;
    }
    srv->mhd = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv,
        /* The logger goes first, so that option errors reach it too. */
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)cfg->timeout_s,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->max_connections,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_ARRAY, tls,
        MHD_OPTION_END);
    if (!srv->mhd ||
        pthread_create(&srv->acceptor, NULL, accept_loop, srv) != 0) {
        if (srv->mhd)
            MHD_stop_daemon(srv->mhd);
        close(srv->listen_fd);
        lrs_free(srv);
        return LRS_EIO;
    }
    *out = srv;
    return LRS_OK;
}

uint16_t lrsd_server_port(const struct lrsd_server *srv)
{
    return srv->port;
}

bool lrsd_server_stopping(const struct lrsd_server *srv)
{
    return atomic_load(&srv->stopping);
}

unsigned lrsd_server_free(struct lrsd_server *srv)
{
    const struct timespec tick = {0, 50 * 1000 * 1000};
    uint64_t deadline;
    unsigned left;

    if (!srv)
        return 0;
    atomic_store(&srv->stopping, true);
    /* No new clients: the acceptor's accept() fails and it ends. */
    shutdown(srv->listen_fd, SHUT_RDWR);
    pthread_join(srv->acceptor, NULL);
    close(srv->listen_fd);
    deadline = now_ns() + (uint64_t)srv->cfg.drain_s * 1000000000u;
    for (;;) {
        left = atomic_load_explicit(&srv->inflight, memory_order_acquire);
        if (left == 0 || now_ns() >= deadline)
            break;
        nanosleep(&tick, NULL);
    }
    if (left) {
        /* No connection may stay suspended when libmicrohttpd stops:
         * reads still waiting for their audit rows answer 503 now. */
        lrsd_audit_abandon();
        for (int i = 0; i < 20 && atomic_load(&srv->inflight); i++)
            nanosleep(&tick, NULL);
    }
    MHD_stop_daemon(srv->mhd);
    lrs_free(srv);
    return left;
}
