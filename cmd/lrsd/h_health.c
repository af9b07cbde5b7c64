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
