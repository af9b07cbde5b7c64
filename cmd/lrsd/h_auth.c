/*
 * h_auth.c - sign-in, sign-out, the user agreement and API tokens.
 *
 * NEEDSWORK: accounts need the store's users, sessions and tokens
 * operations (see docs/server.md "Accounts"); until they exist sign-in
 * checks its input and answers 503.
 */
#include "lrsd.h"

void lrsd_h_session_create(struct lrsd_req *r)
{
    json_t *body = lrsd_json_body(r);
    const char *user, *password;

    if (!body)
        return;
    if (lrsd_json_str(r, body, "username", LRSD_JSON_REQUIRED, 254, &user) &&
        lrsd_json_str(r, body, "password", LRSD_JSON_REQUIRED, 1024, &password))
        lrsd_reply_error(r, 503, "LRSD0503", NULL,
                         "accounts are not available in this build");
    json_decref(body);
}
