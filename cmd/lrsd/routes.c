/*
 * routes.c - the route table of lrsd and its matcher.
 *
 * Every endpoint is one row: method, path pattern, handler, the roles that
 * may call it (0: public) and flags. A pattern is split at '/'; a segment
 * written {name} matches any one non-empty segment and becomes a path
 * parameter, in order. The table is small (tens of rows), so the matcher
 * walks it: a few hundred byte compares per request, well under the cost
 * of parsing the headers. docs/api.md lists the same routes for people,
 * docs/openapi.json for programs (tests/http/test_openapi.c keeps the
 * /api/v1 rows and the document in step, roles and flags included).
 */
#include "lrsd.h"
#include "pages.h"

#include <stdio.h>
#include <string.h>

#define PUBLIC   0u
#define SCHOOL   (LRS_ROLE_SCHOOL_USER | LRS_ROLE_SCHOOL_ADMIN)
#define AO       LRS_ROLE_AO_USER
#define OPERATOR LRS_ROLE_OPERATOR
#define LEARNER  LRS_ROLE_LEARNER
#define ANYONE   LRS_ROLE_ALL
#define STAFF    (SCHOOL | AO | OPERATOR)
#define FIRST    LRSD_ROUTE_NO_AGREEMENT
#define READ     LRSD_ROUTE_READ_ONLY
#define MANAGERS (OPERATOR | LRS_ROLE_SCHOOL_ADMIN)

const struct lrsd_route lrsd_routes[] = {
    {LRSD_GET, "/healthz", lrsd_h_healthz, PUBLIC, 0},
    {LRSD_HEAD, "/healthz", lrsd_h_healthz, PUBLIC, 0},
    {LRSD_GET, "/metrics", lrsd_h_metrics, PUBLIC, 0},
    {LRSD_GET, "/api/v1/version", lrsd_h_version, PUBLIC, 0},
    {LRSD_GET, "/api/v1/openapi.json", lrsd_h_openapi, PUBLIC, 0},
    {LRSD_POST, "/api/v1/session", lrsd_h_session_create, PUBLIC, FIRST},
    {LRSD_GET, "/api/v1/session", lrsd_h_session_get, ANYONE, FIRST},
    {LRSD_DELETE, "/api/v1/session", lrsd_h_session_delete, ANYONE, FIRST},
    {LRSD_POST, "/api/v1/session/password", lrsd_h_password_change, ANYONE,
     FIRST},
    {LRSD_GET, "/api/v1/agreement", lrsd_h_agreement_get, ANYONE, FIRST},
    {LRSD_POST, "/api/v1/agreement", lrsd_h_agreement_accept, ANYONE, FIRST},
    {LRSD_GET, "/api/v1/tokens", lrsd_h_tokens_list, STAFF, 0},
    {LRSD_POST, "/api/v1/tokens", lrsd_h_token_create, STAFF, 0},
    {LRSD_DELETE, "/api/v1/tokens/{id}", lrsd_h_token_revoke, STAFF, 0},
    {LRSD_GET, "/api/v1/me/learner", lrsd_h_learner_me, LEARNER, READ},
    {LRSD_GET, "/api/v1/learners/{uln}", lrsd_h_learner_get, OPERATOR, READ},
    {LRSD_PATCH, "/api/v1/learners/{uln}", lrsd_h_learner_amend,
     SCHOOL | OPERATOR, 0},
    {LRSD_GET, "/api/v1/learners/{uln}/audit", lrsd_h_learner_audit, OPERATOR,
     0},
    {LRSD_POST, "/api/v1/learners/{uln}/merge", lrsd_h_learner_merge, OPERATOR,
     0},
    {LRSD_POST, "/api/v1/learners/{uln}/unmerge", lrsd_h_learner_unmerge,
     OPERATOR, 0},
    {LRSD_GET, "/api/v1/learners/{uln}/links", lrsd_h_learner_links, OPERATOR,
     0},
    {LRSD_POST, "/api/v1/learners/by-uln", lrsd_h_learner_by_uln,
     SCHOOL | AO | OPERATOR, READ},
    {LRSD_POST, "/api/v1/verify", lrsd_h_verify, SCHOOL | AO | OPERATOR, 0},
    {LRSD_POST, "/api/v1/verify/batch", lrsd_h_verify_batch,
     SCHOOL | AO | OPERATOR, LRSD_ROUTE_UPLOAD},
    {LRSD_POST, "/api/v1/results", lrsd_h_results_upload, AO,
     LRSD_ROUTE_UPLOAD},
    {LRSD_POST, "/api/v1/entries", lrsd_h_entries_submit, SCHOOL,
     LRSD_ROUTE_UPLOAD},
    {LRSD_GET, "/api/v1/entries", lrsd_h_entries_ao, AO, 0},
    {LRSD_GET, "/api/v1/entries/pending", lrsd_h_entries_pending, SCHOOL, 0},
    {LRSD_POST, "/api/v1/entries/send", lrsd_h_entries_send, SCHOOL, 0},
    {LRSD_GET, "/api/v1/learners/{uln}/plr", lrsd_h_plr_get,
     SCHOOL | AO | OPERATOR, 0},
    {LRSD_POST, "/api/v1/learners/{uln}/plr", lrsd_h_plr_get,
     SCHOOL | AO | OPERATOR, 0},
    {LRSD_GET, "/api/v1/me/plr", lrsd_h_plr_me, LEARNER, 0},
    {LRSD_GET, "/api/v1/me/plr.html", lrsd_h_plr_me_html, LEARNER, 0},
    {LRSD_GET, "/api/v1/me/shares", lrsd_h_shares_list, LEARNER, 0},
    {LRSD_POST, "/api/v1/me/shares", lrsd_h_share_create, LEARNER, 0},
    {LRSD_PUT, "/api/v1/me/ability-to-share", lrsd_h_consent_set, LEARNER, 0},
    {LRSD_DELETE, "/api/v1/me/shares/{id}", lrsd_h_share_revoke, LEARNER, 0},
    {LRSD_GET, "/api/v1/shares/{token}", lrsd_h_share_open, PUBLIC, 0},
    {LRSD_POST, "/api/v1/invites", lrsd_h_invite_create, SCHOOL | OPERATOR, 0},
    {LRSD_POST, "/api/v1/signup", lrsd_h_signup, PUBLIC, 0},
    {LRSD_POST, "/api/v1/learners/search", lrsd_h_learner_search,
     SCHOOL | AO | OPERATOR, READ},
    {LRSD_POST, "/api/v1/learners", lrsd_h_learner_register, SCHOOL | OPERATOR,
     0},
    {LRSD_POST, "/api/v1/batches", lrsd_h_batch_upload, SCHOOL | OPERATOR,
     LRSD_ROUTE_UPLOAD},
    {LRSD_GET, "/api/v1/batches", lrsd_h_batch_list, SCHOOL | OPERATOR, 0},
    {LRSD_GET, "/api/v1/batches/{id}", lrsd_h_batch_get, SCHOOL | OPERATOR, 0},
    {LRSD_GET, "/api/v1/batches/{id}/ctf", lrsd_h_batch_ctf, SCHOOL | OPERATOR,
     0},
    {LRSD_GET, "/api/v1/batches/{id}/report.csv", lrsd_h_batch_csv,
     SCHOOL | OPERATOR, 0},
    {LRSD_GET, "/api/v1/batches/{id}/report.html", lrsd_h_batch_html,
     SCHOOL | OPERATOR, 0},
    {LRSD_GET, "/api/v1/exceptions", lrsd_h_exceptions_list, SCHOOL | OPERATOR,
     0},
    {LRSD_GET, "/api/v1/exceptions/{id}", lrsd_h_exception_get,
     SCHOOL | OPERATOR, 0},
    {LRSD_POST, "/api/v1/exceptions/{id}/resolve", lrsd_h_exception_resolve,
     SCHOOL | OPERATOR, 0},
    {LRSD_GET, "/api/v1/organisations", lrsd_h_orgs_list, OPERATOR, 0},
    {LRSD_POST, "/api/v1/organisations", lrsd_h_org_add, OPERATOR, 0},
    /* Users: operators, and a school's administrators for their own
     * school, which the service checks (lrs_service_user_may_manage). */
    {LRSD_GET, "/api/v1/organisations/{id}/users", lrsd_h_org_users, MANAGERS,
     0},
    {LRSD_POST, "/api/v1/users", lrsd_h_user_add, MANAGERS, 0},
    {LRSD_PATCH, "/api/v1/users/{id}", lrsd_h_user_change, MANAGERS, 0},
    {LRSD_POST, "/api/v1/users/{id}/password", lrsd_h_user_reset, MANAGERS, 0},
    {LRSD_POST, "/api/v1/users/{id}/disable", lrsd_h_user_disable, MANAGERS, 0},
    {LRSD_POST, "/api/v1/users/{id}/enable", lrsd_h_user_enable, MANAGERS, 0},
    {LRSD_GET, "/api/v1/users/{id}/audit", lrsd_h_user_audit, MANAGERS, 0},
    /* The web pages (pages.h): public here, each checks its own roles
     * and sends the browser to sign in rather than answer 401. */
    {LRSD_GET, "/", lrsd_p_root, PUBLIC, 0},
    {LRSD_GET, "/sign-in", lrsd_p_sign_in, PUBLIC, 0},
    {LRSD_POST, "/sign-in", lrsd_p_sign_in_post, PUBLIC, 0},
    {LRSD_POST, "/sign-out", lrsd_p_sign_out, PUBLIC, 0},
    {LRSD_GET, "/agreement", lrsd_p_agreement, PUBLIC, 0},
    {LRSD_POST, "/agreement", lrsd_p_agreement_post, PUBLIC, 0},
    {LRSD_GET, "/welcome", lrsd_p_welcome, PUBLIC, 0},
    {LRSD_GET, "/learners/find", lrsd_p_find, PUBLIC, 0},
    {LRSD_POST, "/learners/find", lrsd_p_find_post, PUBLIC, READ},
    {LRSD_GET, "/learners/register", lrsd_p_register, PUBLIC, 0},
    {LRSD_POST, "/learners/register", lrsd_p_register_post, PUBLIC, 0},
    {LRSD_GET, "/learners/{uln}", lrsd_p_learner, PUBLIC, READ},
    {LRSD_GET, "/learners/{uln}/amend", lrsd_p_amend, PUBLIC, 0},
    {LRSD_POST, "/learners/{uln}/amend", lrsd_p_amend_post, PUBLIC, 0},
    {LRSD_GET, "/learners/{uln}/audit", lrsd_p_audit, PUBLIC, 0},
    {LRSD_GET, "/learners/{uln}/merge", lrsd_p_merge, PUBLIC, 0},
    {LRSD_POST, "/learners/{uln}/merge", lrsd_p_merge_post, PUBLIC, 0},
    {LRSD_GET, "/me", lrsd_p_me, PUBLIC, 0},
    {LRSD_GET, "/me/print", lrsd_p_me_print, PUBLIC, 0},
    {LRSD_GET, "/me/sharing", lrsd_p_me_sharing, PUBLIC, 0},
    {LRSD_POST, "/me/sharing", lrsd_p_me_sharing_post, PUBLIC, 0},
    {LRSD_GET, "/me/shares", lrsd_p_me_shares, PUBLIC, 0},
    {LRSD_POST, "/me/shares", lrsd_p_me_shares_post, PUBLIC, 0},
    {LRSD_POST, "/me/shares/{id}/revoke", lrsd_p_me_share_revoke, PUBLIC, 0},
    {LRSD_GET, "/shared/{token}", lrsd_p_shared, PUBLIC, 0},
    {LRSD_GET, "/invites", lrsd_p_invites, PUBLIC, 0},
    {LRSD_POST, "/invites", lrsd_p_invites_post, PUBLIC, 0},
    {LRSD_GET, "/signup", lrsd_p_signup, PUBLIC, 0},
    {LRSD_POST, "/signup", lrsd_p_signup_post, PUBLIC, 0},
    {LRSD_GET, "/verify", lrsd_p_verify, PUBLIC, 0},
    {LRSD_POST, "/verify", lrsd_p_verify_post, PUBLIC, 0},
    {LRSD_GET, "/verify/batch", lrsd_p_verify_batch, PUBLIC, 0},
    {LRSD_POST, "/verify/batch", lrsd_p_verify_batch_post, PUBLIC,
     LRSD_ROUTE_UPLOAD},
    {LRSD_GET, "/password", lrsd_p_password, PUBLIC, 0},
    {LRSD_POST, "/password", lrsd_p_password_post, PUBLIC, 0},
    {LRSD_GET, "/files", lrsd_p_files, PUBLIC, 0},
    {LRSD_GET, "/files/upload", lrsd_p_upload, PUBLIC, 0},
    {LRSD_POST, "/files/upload", lrsd_p_upload_post, PUBLIC, LRSD_ROUTE_UPLOAD},
    {LRSD_GET, "/files/{id}", lrsd_p_file, PUBLIC, 0},
    {LRSD_GET, "/files/{id}/{download}", lrsd_p_file_download, PUBLIC, 0},
    {LRSD_GET, "/exceptions", lrsd_p_exceptions, PUBLIC, 0},
    {LRSD_GET, "/exceptions/{id}", lrsd_p_exception, PUBLIC, 0},
    {LRSD_POST, "/exceptions/{id}", lrsd_p_exception_post, PUBLIC, 0},
    {LRSD_GET, "/organisations", lrsd_p_orgs, PUBLIC, 0},
    {LRSD_GET, "/organisations/add", lrsd_p_org_add, PUBLIC, 0},
    {LRSD_POST, "/organisations/add", lrsd_p_org_add_post, PUBLIC, 0},
    {LRSD_GET, "/organisations/{id}", lrsd_p_org, PUBLIC, 0},
    {LRSD_GET, "/organisations/{id}/users/add", lrsd_p_user_add, PUBLIC, 0},
    {LRSD_POST, "/organisations/{id}/users/add", lrsd_p_user_add_post, PUBLIC,
     0},
    {LRSD_GET, "/users/{id}/password", lrsd_p_user_reset, PUBLIC, 0},
    {LRSD_POST, "/users/{id}/password", lrsd_p_user_reset_post, PUBLIC, 0},
    {LRSD_GET, "/users/{id}/disable", lrsd_p_user_disable, PUBLIC, 0},
    {LRSD_POST, "/users/{id}/disable", lrsd_p_user_disable_post, PUBLIC, 0},
    {LRSD_GET, "/users/{id}/enable", lrsd_p_user_enable, PUBLIC, 0},
    {LRSD_POST, "/users/{id}/enable", lrsd_p_user_enable_post, PUBLIC, 0},
    {LRSD_GET, "/users/{id}/edit", lrsd_p_user_edit, PUBLIC, 0},
    {LRSD_POST, "/users/{id}/edit", lrsd_p_user_edit_post, PUBLIC, 0},
    {LRSD_GET, "/users", lrsd_p_users, PUBLIC, 0},
    {LRSD_GET, "/results/upload", lrsd_p_results, PUBLIC, 0},
    {LRSD_POST, "/results/upload", lrsd_p_results_post, PUBLIC,
     LRSD_ROUTE_UPLOAD},
    {LRSD_GET, "/entries/received", lrsd_p_entries_received, PUBLIC, 0},
    {LRSD_GET, "/entries", lrsd_p_entries, PUBLIC, 0},
    {LRSD_POST, "/entries", lrsd_p_entries_post, PUBLIC, LRSD_ROUTE_UPLOAD},
    {LRSD_GET, "/entries/pending", lrsd_p_entries_pending, PUBLIC, 0},
    {LRSD_POST, "/entries/send", lrsd_p_entries_send, PUBLIC, 0},
    {LRSD_GET, "/plr", lrsd_p_plr, PUBLIC, 0},
    {LRSD_POST, "/plr", lrsd_p_plr_post, PUBLIC, 0},
    {LRSD_GET, "/school", lrsd_p_school, PUBLIC, 0},
    {LRSD_POST, "/school/roster", lrsd_p_school_roster_post, PUBLIC,
     LRSD_ROUTE_UPLOAD},
    {LRSD_GET, "/school/roster.csv", lrsd_p_school_roster_csv, PUBLIC, 0},
    {LRSD_GET, "/school/export", lrsd_p_school_export, PUBLIC, 0},
    {LRSD_POST, "/school/export/send", lrsd_p_school_export_send, PUBLIC, 0},
    {LRSD_GET, "/school/export/{file}", lrsd_p_school_export_file, PUBLIC, 0},
    {LRSD_GET, "/school/import", lrsd_p_school_import, PUBLIC, 0},
    {LRSD_POST, "/school/import", lrsd_p_school_import_post, PUBLIC,
     LRSD_ROUTE_UPLOAD},
    {LRSD_GET, "/school/import/{file}", lrsd_p_school_import_file, PUBLIC, 0},
    {LRSD_GET, "/school/census", lrsd_p_school_census, PUBLIC, 0},
    {LRSD_GET, "/school/census/{file}", lrsd_p_school_census_file, PUBLIC, 0},
    {LRSD_GET, "/school/notices", lrsd_p_school_notices, PUBLIC, 0},
    {LRSD_GET, "/school/notices/{file}", lrsd_p_school_notice, PUBLIC, 0},
    {LRSD_GET, "/assets/{file}", lrsd_p_asset, PUBLIC, 0},
    {LRSD_GET, "/assets/{dir}/{file}", lrsd_p_asset, PUBLIC, 0},
};

const size_t lrsd_route_count = LRSD_LEN(lrsd_routes);

static const struct {
    const char *name;
    enum lrsd_method bit;
} methods[] = {
    {"GET", LRSD_GET}, {"HEAD", LRSD_HEAD},   {"POST", LRSD_POST},
    {"PUT", LRSD_PUT}, {"PATCH", LRSD_PATCH}, {"DELETE", LRSD_DELETE},
};

enum lrsd_method lrsd_method_bit(const char *method)
{
    for (size_t i = 0; i < LRSD_LEN(methods); i++)
        if (strcmp(methods[i].name, method) == 0)
            return methods[i].bit;
    return 0;
}

void lrsd_methods_text(unsigned bits, char *out, size_t out_len)
{
    size_t n = 0;

    if (out_len)
        out[0] = '\0';
    for (size_t i = 0; i < LRSD_LEN(methods); i++) {
        int w;

        if (!(bits & methods[i].bit))
            continue;
        w = snprintf(out + n, out_len - n, "%s%s", n ? ", " : "",
                     methods[i].name);
        if (w < 0 || (size_t)w >= out_len - n)
            return;
        n += (size_t)w;
    }
}

/*
 * Whether `path` matches `pattern`; on a match the parameters are slices
 * of `path`. Both start with '/'. A trailing '/' in the path is not
 * ignored: /healthz/ is another resource.
 */
static bool match(const char *pattern, const char *path, struct lrs_str *params,
                  size_t *count)
{
    const char *p = pattern, *s = path;

    *count = 0;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return false;
        p++;
        s++;
        if (*p == '{') {
            const char *end = strchr(p, '}');
            size_t len = strcspn(s, "/");

            if (!end || len == 0 || *count == LRSD_MAX_PARAMS)
                return false;
            params[(*count)++] = (struct lrs_str){s, len};
            p = end + 1;
            s += len;
        } else {
            size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");

            if (plen != slen || memcmp(p, s, plen) != 0)
                return false;
            p += plen;
            s += slen;
        }
    }
    return *p == '\0' && *s == '\0';
}

size_t lrsd_route_find(const char *method, const char *path,
                       struct lrs_str *params, size_t *param_count,
                       unsigned *allowed)
{
    const enum lrsd_method bit = lrsd_method_bit(method);
    struct lrs_str tmp[LRSD_MAX_PARAMS];
    size_t n;

    *allowed = 0;
    *param_count = 0;
    for (size_t i = 0; i < lrsd_route_count; i++) {
        if (!match(lrsd_routes[i].pattern, path, tmp, &n))
            continue;
        if (lrsd_routes[i].method == bit) {
            memcpy(params, tmp, n * sizeof tmp[0]);
            *param_count = n;
            return i;
        }
        *allowed |= lrsd_routes[i].method;
    }
    return LRSD_ROUTE_NONE;
}
