/*
 * h_health.c - the operational endpoints: /healthz, /metrics, version.
 *
 * They are public (no sign-in) and reveal nothing about learners: a
 * monitoring system and a load balancer need them before anything else.
 * Keep them cheap; a balancer may poll /healthz many times a second.
 */
#include "lrsd.h"

#include <string.h>

void lrsd_h_healthz(struct lrsd_req *r)
{
    static const char ok[] = "{\"status\":\"ok\"}";

    if (lrsd_server_stopping(r->srv)) {
        lrsd_reply_error(r, 503, "LRSD0503", NULL,
                         "the server is shutting down");
        return;
    }
    lrsd_reply_data(r, 200, "application/json", ok, sizeof ok - 1);
}

void lrsd_h_metrics(struct lrsd_req *r)
{
    struct lrs_buf b = LRS_BUF_INIT;

    if (lrsd_metrics_write(&b) != LRS_OK) {
        lrs_buf_release(&b);
        lrsd_reply_error(r, 500, "LRSD0500", NULL, "out of memory");
        return;
    }
    lrsd_reply_data(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.data,
                    b.len);
    lrs_buf_release(&b);
}

void lrsd_h_version(struct lrsd_req *r)
{
    lrsd_reply_json(
        r, 200,
        json_pack("{s:s, s:s}", "name", "openlrs", "version", lrs_version()));
}

/* Whether If-None-Match `inm` names `etag` (or is "*"). The comparison
 * is weak, as RFC 9110 13.1.2 has it for If-None-Match: W/"x" is "x". */
static bool etag_listed(const char *inm, const char *etag)
{
    const size_t n = strlen(etag);

    while (*inm == ' ')
        inm++;
    if (strcmp(inm, "*") == 0)
        return true;
    for (const char *p = strstr(inm, etag); p; p = strstr(p + 1, etag)) {
        const char after = p[n];

        if (after == '\0' || after == ',' || after == ' ')
            return true;
    }
    return false;
}

/*
 * GET /api/v1/openapi.json: the API's OpenAPI document, built in from
 * docs/openapi.json. It changes only with the program, so it may be
 * cached anywhere as long as it is revalidated: an If-None-Match naming
 * its ETag gets 304 and no body.
 */
void lrsd_h_openapi(struct lrsd_req *r)
{
    const char *inm = lrsd_header(r, MHD_HTTP_HEADER_IF_NONE_MATCH);

    if (inm && etag_listed(inm, lrsd_openapi_etag))
        lrsd_reply_data(r, 304, "application/json", "", 0);
    else
        lrsd_reply_data(r, 200, "application/json", lrsd_openapi_json,
                        lrsd_openapi_json_len);
    lrsd_reply_header(r, MHD_HTTP_HEADER_ETAG, lrsd_openapi_etag);
    lrsd_reply_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "public, no-cache");
}
