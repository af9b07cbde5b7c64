/*
 * test_reject.c - every bad request to every state-changing /api/v1 route
 * answers a JSON error naming the field and the rule, and changes
 * nothing (issue 6: "every bad request gets a JSON error with an
 * LRS-style code, the right HTTP status, and no change").
 *
 * Table-driven. `targets` holds every route of cmd/lrsd/routes.c that is
 * not GET or HEAD (a test fails when a route is missing from it, so a new
 * route needs its rows here), with who calls it and what its body is.
 * Each target gets, without a row of its own: a body over the limit (413
 * LRSD0413, before anything else is read), and for a JSON body malformed
 * JSON and a body that is not an object (400 WSEC0001) and the wrong
 * Content-Type (415 LRSD0415). `cases` adds the route's own rules: a
 * missing field, a field of the wrong type, a value that breaks a format
 * (ULN check digit, dates, gender codes, postcodes, ranges), each with
 * the status, the code and the field it must name.
 *
 * "Nothing changed" is checked on the store itself: before and after each
 * request every table's row count and a digest of its contents are read
 * with the engine's own client (sqlite3, or libpq under http_reject_pg);
 * the test names the table that changed. lrsd runs with small body limits
 * (4 KiB JSON, 16 KiB uploads) so that the oversized bodies stay small.
 */
#include "harness.h"

#include "lrsd.h"

#include <lrs/accounts.h>
#include <lrs/auth.h>
#include <lrs/lrs.h>
#include <lrs/service.h>
#include <lrs/store.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX   4096
#define UPLOAD_MAX 16384

static struct harness srv;

enum who { NOBODY, SCHOOL, AO, OP, CAT, WHO__COUNT };
static char bearer[WHO__COUNT][HARNESS_BEARER_SIZE];
static char uln_cat[LRS_ULN_SIZE], uln_kate[LRS_ULN_SIZE];
static int64_t school_user;

/* ------------------------------------------------------------------ */
/* The routes and their cases                                         */
/* ------------------------------------------------------------------ */

enum body {
    BODY_NONE,   /* the route reads no body */
    BODY_OBJECT, /* a JSON object */
    BODY_BULK,   /* text/csv, or a JSON array */
    BODY_XML,    /* a CTF */
};

/*
 * Every state-changing route. In paths $ULN is Catherine's ULN, $KATE
 * Kate's (merged into Catherine), $USER the school user's id.
 */
static const struct target {
    const char *method, *pattern;
    enum who who;
    const char *path;
    enum body body;
} targets[] = {
    {"POST", "/api/v1/session", NOBODY, "/api/v1/session", BODY_OBJECT},
    {"DELETE", "/api/v1/session", SCHOOL, "/api/v1/session", BODY_NONE},
    {"POST", "/api/v1/session/password", CAT, "/api/v1/session/password",
     BODY_OBJECT},
    {"POST", "/api/v1/agreement", SCHOOL, "/api/v1/agreement", BODY_OBJECT},
    {"POST", "/api/v1/tokens", SCHOOL, "/api/v1/tokens", BODY_OBJECT},
    {"DELETE", "/api/v1/tokens/{id}", SCHOOL, "/api/v1/tokens/1", BODY_NONE},
    {"PATCH", "/api/v1/learners/{uln}", SCHOOL, "/api/v1/learners/$ULN",
     BODY_OBJECT},
    {"POST", "/api/v1/learners/{uln}/merge", OP, "/api/v1/learners/$ULN/merge",
     BODY_OBJECT},
    {"POST", "/api/v1/learners/{uln}/unmerge", OP,
     "/api/v1/learners/$KATE/unmerge", BODY_OBJECT},
    {"POST", "/api/v1/learners/by-uln", SCHOOL, "/api/v1/learners/by-uln",
     BODY_OBJECT},
    {"POST", "/api/v1/verify", AO, "/api/v1/verify", BODY_OBJECT},
    {"POST", "/api/v1/verify/batch", AO, "/api/v1/verify/batch", BODY_BULK},
    {"POST", "/api/v1/results", AO, "/api/v1/results", BODY_BULK},
    {"POST", "/api/v1/entries", SCHOOL, "/api/v1/entries?ao=10011111",
     BODY_BULK},
    {"POST", "/api/v1/entries/send", SCHOOL, "/api/v1/entries/send",
     BODY_OBJECT},
    {"POST", "/api/v1/learners/{uln}/plr", AO, "/api/v1/learners/$ULN/plr",
     BODY_OBJECT},
    {"POST", "/api/v1/me/shares", CAT, "/api/v1/me/shares", BODY_OBJECT},
    {"PUT", "/api/v1/me/ability-to-share", CAT, "/api/v1/me/ability-to-share",
     BODY_OBJECT},
    {"DELETE", "/api/v1/me/shares/{id}", CAT, "/api/v1/me/shares/1", BODY_NONE},
    {"POST", "/api/v1/invites", SCHOOL, "/api/v1/invites", BODY_OBJECT},
    {"POST", "/api/v1/signup", NOBODY, "/api/v1/signup", BODY_OBJECT},
    {"POST", "/api/v1/learners/search", AO, "/api/v1/learners/search",
     BODY_OBJECT},
    {"POST", "/api/v1/learners", SCHOOL, "/api/v1/learners", BODY_OBJECT},
    {"POST", "/api/v1/batches", SCHOOL, "/api/v1/batches?name=x.xml", BODY_XML},
    {"POST", "/api/v1/exceptions/{id}/resolve", SCHOOL,
     "/api/v1/exceptions/1/resolve", BODY_OBJECT},
    {"POST", "/api/v1/organisations", OP, "/api/v1/organisations", BODY_OBJECT},
    {"POST", "/api/v1/users", OP, "/api/v1/users", BODY_OBJECT},
    {"POST", "/api/v1/users/{id}/password", OP, "/api/v1/users/$USER/password",
     BODY_NONE},
    {"POST", "/api/v1/users/{id}/disable", OP, "/api/v1/users/$USER/disable",
     BODY_NONE},
    {"POST", "/api/v1/users/{id}/enable", OP, "/api/v1/users/$USER/enable",
     BODY_NONE},
    {"PATCH", "/api/v1/users/{id}", OP, "/api/v1/users/$USER", BODY_OBJECT},
};

#define JSON "application/json"
#define CSV  "text/csv"
#define XML  "application/xml"

/* A search or registration with one field replaced: the five mandatory
 * fields are valid, the rest is what the case adds. */
#define PERSON                                                                 \
    "\"given_name\": \"Ada\", \"family_name\": \"Byron\", "                    \
    "\"date_of_birth\": \"2009-12-10\", \"gender\": 2, "
#define PERSON_PC PERSON "\"postcode\": \"LS1 4AP\""

/*
 * One bad request: `path` NULL is the target's path. `field` NULL: the
 * error must name no field.
 */
static const struct reject {
    const char *method, *pattern, *path, *type, *body;
    long status;
    const char *code, *field;
} cases[] = {
    /* Sign-in, sign-out, password, agreement, tokens. */
    {"POST", "/api/v1/session", NULL, JSON, "{\"password\": \"x\"}", 400,
     "WSEC0001", "login"},
    {"POST", "/api/v1/session", NULL, JSON,
     "{\"login\": 7, \"password\": \"x\"}", 400, "WSEC0001", "login"},
    {"POST", "/api/v1/session", NULL, JSON, "{\"login\": \"cat\"}", 400,
     "WSEC0001", "password"},
    {"DELETE", "/api/v1/session", NULL, NULL, NULL, 400, "WSEC0001", NULL},
    {"POST", "/api/v1/session/password", NULL, JSON,
     "{\"current_password\": 1, \"new_password\": \"long enough, surely\"}",
     400, "WSEC0001", "current_password"},
    {"POST", "/api/v1/session/password", NULL, JSON,
     "{\"current_password\": \"a password of the learner\"}", 400, "WSEC0001",
     "new_password"},
    {"POST", "/api/v1/session/password", NULL, JSON,
     "{\"current_password\": \"a password of the learner\", "
     "\"new_password\": \"short\"}",
     400, "WSEC0001", "new_password"},
    {"POST", "/api/v1/agreement", NULL, JSON, "{\"version\": \"1\"}", 400,
     "WSEC0001", "version"},
    {"POST", "/api/v1/agreement", NULL, JSON, "{\"version\": 2}", 400,
     "WSEC0001", "version"},
    {"POST", "/api/v1/tokens", NULL, JSON, "{}", 400, "WSEC0001", "label"},
    {"POST", "/api/v1/tokens", NULL, JSON, "{\"label\": 5}", 400, "WSEC0001",
     "label"},
    {"POST", "/api/v1/tokens", NULL, JSON, "{\"label\": \"\"}", 400, "WSEC0001",
     "label"},
    {"DELETE", "/api/v1/tokens/{id}", "/api/v1/tokens/abc", NULL, NULL, 400,
     "WSEC0001", "id"},
    {"DELETE", "/api/v1/tokens/{id}", "/api/v1/tokens/0", NULL, NULL, 400,
     "WSEC0001", "id"},
    /* Refused by the service: no audit row either. */
    {"DELETE", "/api/v1/tokens/{id}", "/api/v1/tokens/999999", NULL, NULL, 404,
     "LRSD0404", "id"},
    {"POST", "/api/v1/session/password", NULL, JSON,
     "{\"current_password\": \"not the learner's password\", "
     "\"new_password\": \"long enough, surely\"}",
     403, "LRSD0403", "current_password"},

    /* Learners: amend, merge, unmerge, learnerByULN. */
    {"PATCH", "/api/v1/learners/{uln}", NULL, JSON,
     "{\"family_name\": \"Lee\"}", 400, "WSEC0001", "version"},
    {"PATCH", "/api/v1/learners/{uln}", NULL, JSON, "{\"version\": \"1\"}", 400,
     "WSEC0001", "version"},
    {"PATCH", "/api/v1/learners/{uln}", NULL, JSON,
     "{\"version\": 1, \"gender\": true}", 400, "WSEC0001", "gender"},
    {"PATCH", "/api/v1/learners/{uln}", NULL, JSON,
     "{\"version\": 1, \"gender\": \"X\"}", 400, "WSEC0001", "gender"},
    {"PATCH", "/api/v1/learners/{uln}", NULL, JSON,
     "{\"version\": 1, \"date_of_birth\": \"2008-02-30\"}", 400, "WSEC0001",
     "date_of_birth"},
    {"PATCH", "/api/v1/learners/{uln}", NULL, JSON,
     "{\"version\": 1, \"postcode\": \"NOT A POSTCODE\"}", 400, "WSEC0001",
     "postcode"},
    {"PATCH", "/api/v1/learners/{uln}", NULL, JSON,
     "{\"version\": 1, \"given_name\": "
     "\"Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"reason\": \"x\"}",
     400, "WSEC0001", "given_name"},
    {"PATCH", "/api/v1/learners/{uln}", NULL, JSON,
     "{\"version\": 1, \"family_name\": \"Lea\"}", 400, "WSEC0001", "reason"},
    {"PATCH", "/api/v1/learners/{uln}", NULL, JSON,
     "{\"version\": 1, \"nickname\": \"Cat\"}", 400, "WSEC0001", "nickname"},
    {"PATCH", "/api/v1/learners/{uln}", NULL, JSON,
     "{\"version\": 1, \"uln\": \"1000000043\"}", 400, "WSEC0001", "uln"},
    {"PATCH", "/api/v1/learners/{uln}", "/api/v1/learners/1000000063", JSON,
     "{\"version\": 1}", 400, "WSEC0136", "uln"},
    {"POST", "/api/v1/learners/{uln}/merge", NULL, JSON,
     "{\"reason\": \"same\"}", 400, "WSEC0001", "into"},
    {"POST", "/api/v1/learners/{uln}/merge", NULL, JSON,
     "{\"into\": 1000000043, \"reason\": \"same\"}", 400, "WSEC0001", "into"},
    {"POST", "/api/v1/learners/{uln}/merge", NULL, JSON,
     "{\"into\": \"1748529631\", \"reason\": \"same\"}", 400, "WSEC0136",
     "into"},
    {"POST", "/api/v1/learners/{uln}/merge", NULL, JSON,
     "{\"into\": \"$KATE\"}", 400, "WSEC0001", "reason"},
    {"POST", "/api/v1/learners/{uln}/unmerge", NULL, JSON, "{}", 400,
     "WSEC0001", "reason"},
    {"POST", "/api/v1/learners/{uln}/unmerge", NULL, JSON,
     "{\"reason\": [\"x\"]}", 400, "WSEC0001", "reason"},
    {"POST", "/api/v1/learners/by-uln", NULL, JSON,
     "{\"given_name\": \"Catherine\", \"family_name\": \"Lee\"}", 400,
     "WSEC0001", "uln"},
    {"POST", "/api/v1/learners/by-uln", NULL, JSON,
     "{\"uln\": \"$ULN\", \"given_name\": 1, \"family_name\": \"Lee\"}", 400,
     "WSEC0001", "given_name"},
    {"POST", "/api/v1/learners/by-uln", NULL, JSON,
     "{\"uln\": \"0123456789\", \"given_name\": \"A\", \"family_name\": "
     "\"B\"}",
     400, "WSEC0136", "uln"},

    /* Verification. */
    {"POST", "/api/v1/verify", NULL, JSON,
     "{\"uln\": \"$ULN\", \"given_name\": \"Catherine\"}", 400, "WSEC0001",
     "family_name"},
    {"POST", "/api/v1/verify", NULL, JSON,
     "{\"uln\": \"$ULN\", \"given_name\": \"Catherine\", \"family_name\": "
     "\"Lee\", \"gender\": \"X\"}",
     400, "WSEC0001", "gender"},
    {"POST", "/api/v1/verify", NULL, JSON,
     "{\"uln\": \"$ULN\", \"given_name\": \"Catherine\", \"family_name\": "
     "\"Lee\", \"date_of_birth\": 20080102}",
     400, "WSEC0001", "date_of_birth"},
    {"POST", "/api/v1/verify", NULL, JSON,
     "{\"uln\": \"9999999999\", \"given_name\": \"A\", \"family_name\": "
     "\"B\"}",
     400, "WSEC0136", "uln"},
    {"POST", "/api/v1/verify/batch", NULL, JSON, "{\"uln\": \"$ULN\"}", 400,
     "WSEC0001", NULL},
    {"POST", "/api/v1/verify/batch", NULL, JSON, "[{\"uln\": {}}]", 400,
     "WSEC0001", "uln"},
    {"POST", "/api/v1/verify/batch", NULL, JSON, "[]", 400, "WSEC0001", NULL},

    /* Results and entries. */
    {"POST", "/api/v1/results", NULL, JSON,
     "[{\"uln\": \"$ULN\", \"grade\": [7]}]", 400, "WSEC0001", "grade"},
    {"POST", "/api/v1/results", NULL, JSON, "{\"rows\": []}", 400, "WSEC0001",
     NULL},
    {"POST", "/api/v1/entries", NULL, JSON,
     "{\"ao\": \"10011111\", \"entries\": 5}", 400, "WSEC0001", "entries"},
    {"POST", "/api/v1/entries", NULL, JSON,
     "{\"ao\": \"10011111\", \"entries\": [{\"uln\": true}]}", 400, "WSEC0001",
     "uln"},
    {"POST", "/api/v1/entries", "/api/v1/entries", JSON,
     "[{\"candidate_number\": \"0001\"}]", 400, "WSEC0001", "ao"},
    {"POST", "/api/v1/entries", "/api/v1/entries?ao=x1", JSON,
     "[{\"candidate_number\": \"0001\"}]", 400, "WSEC0001", "ao"},
    {"POST", "/api/v1/entries/send", NULL, JSON, "{}", 400, "WSEC0001", "ao"},
    {"POST", "/api/v1/entries/send", NULL, JSON, "{\"ao\": 10011111}", 400,
     "WSEC0001", "ao"},

    /* The PLR, shares, consent, sign-up codes. */
    {"POST", "/api/v1/learners/{uln}/plr", NULL, JSON,
     "{\"family_name\": \"Lee\"}", 400, "WSEC0001", "given_name"},
    {"POST", "/api/v1/learners/{uln}/plr", NULL, JSON,
     "{\"given_name\": \"Catherine\", \"family_name\": 5}", 400, "WSEC0001",
     "family_name"},
    {"POST", "/api/v1/learners/{uln}/plr", "/api/v1/learners/1000000063/plr",
     JSON, "{\"given_name\": \"A\", \"family_name\": \"B\"}", 400, "WSEC0136",
     "uln"},
    {"POST", "/api/v1/me/shares", NULL, JSON, "{\"expires_days\": \"7\"}", 400,
     "WSEC0001", "expires_days"},
    {"POST", "/api/v1/me/shares", NULL, JSON, "{\"expires_days\": 3651}", 400,
     "WSEC0001", "expires_days"},
    {"POST", "/api/v1/me/shares", NULL, JSON, "{\"achievements\": \"all\"}",
     400, "WSEC0001", "achievements"},
    {"POST", "/api/v1/me/shares", NULL, JSON, "{\"achievements\": [0]}", 400,
     "WSEC0001", "achievements"},
    {"PUT", "/api/v1/me/ability-to-share", NULL, JSON, "{}", 400, "WSEC0001",
     "ability_to_share"},
    {"PUT", "/api/v1/me/ability-to-share", NULL, JSON,
     "{\"ability_to_share\": \"1\"}", 400, "WSEC0001", "ability_to_share"},
    {"PUT", "/api/v1/me/ability-to-share", NULL, JSON,
     "{\"ability_to_share\": 0}", 400, "WSEC0001", "ability_to_share"},
    {"DELETE", "/api/v1/me/shares/{id}", "/api/v1/me/shares/x", NULL, NULL, 400,
     "WSEC0001", "id"},
    {"POST", "/api/v1/invites", NULL, JSON, "{}", 400, "WSEC0001", "uln"},
    {"POST", "/api/v1/invites", NULL, JSON,
     "{\"uln\": \"$ULN\", \"expires_days\": 0}", 400, "WSEC0001",
     "expires_days"},
    {"POST", "/api/v1/invites", NULL, JSON, "{\"uln\": \"1000000063\"}", 400,
     "WSEC0136", "uln"},
    {"POST", "/api/v1/signup", NULL, JSON, "{}", 400, "WSEC0001", "uln"},
    {"POST", "/api/v1/signup", NULL, JSON,
     "{\"uln\": \"$ULN\", \"given_name\": \"Catherine\", \"family_name\": "
     "\"Lee\", \"date_of_birth\": \"2008-01-02\", \"code\": \"x\", "
     "\"login\": 5, \"password\": \"a good long password\"}",
     400, "WSEC0001", "login"},

    /* Search and register. */
    {"POST", "/api/v1/learners/search", NULL, JSON, "{}", 400, "WSEC0001",
     "given_name"},
    {"POST", "/api/v1/learners/search", NULL, JSON,
     "{" PERSON "\"middle_names\": \"\"}", 400, "WSEC0001", "postcode"},
    {"POST", "/api/v1/learners/search", NULL, JSON,
     "{" PERSON "\"postcode\": \"LS1 4AP\", \"middle_names\": [5]}", 400,
     "WSEC0001", "middle_names"},
    {"POST", "/api/v1/learners/search", NULL, JSON,
     "{\"given_name\": \"Ada\", \"family_name\": \"Byron\", \"date_of_birth\": "
     "\"2009-13-10\", \"gender\": 2, \"postcode\": \"LS1 4AP\"}",
     400, "WSEC0001", "date_of_birth"},
    {"POST", "/api/v1/learners/search", NULL, JSON,
     "{\"given_name\": \"Ada\", \"family_name\": \"Byron\", \"date_of_birth\": "
     "\"2009-12-10\", \"gender\": 3, \"postcode\": \"LS1 4AP\"}",
     400, "WSEC0001", "gender"},
    {"POST", "/api/v1/learners/search", NULL, JSON,
     "{" PERSON "\"postcode\": \"LS1\"}", 400, "WSEC0001", "postcode"},
    {"POST", "/api/v1/learners", NULL, JSON,
     "{" PERSON_PC ", \"confirm_new\": \"yes\"}", 400, "WSEC0001",
     "confirm_new"},
    {"POST", "/api/v1/learners", NULL, JSON,
     "{" PERSON_PC ", \"confirm_new\": true}", 400, "WSEC0001", "reason"},
    {"POST", "/api/v1/learners", NULL, JSON,
     "{" PERSON_PC ", \"ability_to_share\": 5}", 400, "WSEC0001",
     "ability_to_share"},
    {"POST", "/api/v1/learners", NULL, JSON,
     "{" PERSON_PC ", \"address_line1\": "
     "\"123456789012345678901234567890123456789012345678901\"}",
     400, "WSEC0001", "address_line1"},
    {"POST", "/api/v1/learners", NULL, JSON,
     "{" PERSON "\"postcode\": {\"outward\": \"LS1\"}}", 400, "WSEC0001",
     "postcode"},

    /* Batches and exceptions. */
    {"POST", "/api/v1/batches", NULL, XML, "", 400, "WSEC0001", "body"},
    {"POST", "/api/v1/batches",
     "/api/v1/batches?name="
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
     XML, "<CTfile/>", 400, "WSEC0001", "name"},
    {"POST", "/api/v1/exceptions/{id}/resolve", NULL, JSON, "{}", 400,
     "WSEC0001", "uln"},
    {"POST", "/api/v1/exceptions/{id}/resolve", NULL, JSON, "{\"uln\": 5}", 400,
     "WSEC0001", "uln"},
    {"POST", "/api/v1/exceptions/{id}/resolve", NULL, JSON,
     "{\"new\": \"yes\"}", 400, "WSEC0001", "new"},
    {"POST", "/api/v1/exceptions/{id}/resolve", NULL, JSON, "{\"new\": true}",
     400, "WSEC0001", "reason"},
    {"POST", "/api/v1/exceptions/{id}/resolve", NULL, JSON,
     "{\"uln\": \"1000000063\"}", 400, "WSEC0136", "uln"},

    /* Organisations and users. */
    {"POST", "/api/v1/organisations", NULL, JSON, "{\"name\": \"X\"}", 400,
     "WSEC0001", "type"},
    {"POST", "/api/v1/organisations", NULL, JSON,
     "{\"type\": \"club\", \"name\": \"X\"}", 400, "WSEC0001", "type"},
    {"POST", "/api/v1/organisations", NULL, JSON,
     "{\"type\": \"school\", \"name\": 5}", 400, "WSEC0001", "name"},
    {"POST", "/api/v1/organisations", NULL, JSON,
     "{\"type\": \"school\", \"name\": \"X\", \"la\": [801], \"estab\": 1}",
     400, "WSEC0001", "la"},
    {"POST", "/api/v1/organisations", NULL, JSON,
     "{\"type\": \"ao\", \"name\": \"X\", \"ukprn\": \"123\"}", 400, "WSEC0001",
     "ukprn"},
    {"POST", "/api/v1/users", NULL, JSON,
     "{\"login\": \"x\", \"roles\": [\"operator\"]}", 400, "WSEC0001",
     "org_id"},
    {"POST", "/api/v1/users", NULL, JSON,
     "{\"org_id\": \"0\", \"login\": \"x\", \"roles\": [\"operator\"]}", 400,
     "WSEC0001", "org_id"},
    {"POST", "/api/v1/users", NULL, JSON,
     "{\"org_id\": 0, \"login\": 5, \"roles\": [\"operator\"]}", 400,
     "WSEC0001", "login"},
    {"POST", "/api/v1/users", NULL, JSON,
     "{\"org_id\": 0, \"login\": \"x\", \"roles\": \"operator\"}", 400,
     "WSEC0001", "roles"},
    {"POST", "/api/v1/users", NULL, JSON,
     "{\"org_id\": 0, \"login\": \"x\", \"roles\": [\"king\"]}", 400,
     "WSEC0001", "roles"},
    {"POST", "/api/v1/users/{id}/password", "/api/v1/users/abc/password", NULL,
     NULL, 400, "WSEC0001", "user"},
    {"POST", "/api/v1/users/{id}/disable", "/api/v1/users/-1/disable", NULL,
     NULL, 400, "WSEC0001", "user"},
    {"POST", "/api/v1/users/{id}/enable", "/api/v1/users/abc/enable", NULL,
     NULL, 400, "WSEC0001", "user"},
    {"PATCH", "/api/v1/users/{id}", NULL, JSON, "{}", 400, "WSEC0001",
     "display_name"},
    {"PATCH", "/api/v1/users/{id}", NULL, JSON, "{\"display_name\": 5}", 400,
     "WSEC0001", "display_name"},
    {"PATCH", "/api/v1/users/{id}", NULL, JSON, "{\"roles\": [\"ao\"]}", 400,
     "WSEC0001", "roles"},
    {"PATCH", "/api/v1/users/{id}", NULL, JSON, "{\"roles\": \"school\"}", 400,
     "WSEC0001", "roles"},
};

/* ------------------------------------------------------------------ */
/* The state of the store                                             */
/* ------------------------------------------------------------------ */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;

    for (size_t i = 0; i < n; i++)
        h = (h ^ c[i]) * 1099511628211u;
    return h;
}

/* One line per table, "name rows digest", into `out` (owned by the
 * caller, lrs_buf). Row digests are summed: the order rows come in does
 * not matter. */
static void state_sqlite(struct lrs_buf *out)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *tables = NULL;

    if (sqlite3_open_v2(srv.db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        fail_msg("sqlite3_open %s: %s", srv.db, sqlite3_errmsg(db));
    sqlite3_busy_timeout(db, 10000);
    if (sqlite3_prepare_v2(db,
                           "SELECT name FROM sqlite_master WHERE type = "
                           "'table' ORDER BY name",
                           -1, &tables, NULL) != SQLITE_OK)
        fail_msg("sqlite: %s", sqlite3_errmsg(db));
    while (sqlite3_step(tables) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(tables, 0);
        char sql[300];
        sqlite3_stmt *rows = NULL;
        uint64_t count = 0, sum = 0;

        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", name);
        if (sqlite3_prepare_v2(db, sql, -1, &rows, NULL) != SQLITE_OK)
            fail_msg("sqlite: %s", sqlite3_errmsg(db));
        while (sqlite3_step(rows) == SQLITE_ROW) {
            uint64_t h = 14695981039346656037u;

            for (int c = 0; c < sqlite3_column_count(rows); c++) {
                const void *v = sqlite3_column_blob(rows, c);
                const int n = sqlite3_column_bytes(rows, c);

                h = fnv(h, v ? v : "\1null", v ? (size_t)n : 5);
                h = fnv(h, "\0", 1);
            }
            sum += h;
            count++;
        }
        sqlite3_finalize(rows);
        assert_int_equal(lrs_buf_addf(out, "%s %llu %016llx\n", name,
                                      (unsigned long long)count,
                                      (unsigned long long)sum),
                         LRS_OK);
    }
    sqlite3_finalize(tables);
    sqlite3_close(db);
}

static void state_pg(struct lrs_buf *out)
{
    PGconn *c = PQconnectdb(srv.db);
    PGresult *tables;

    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("PQconnectdb: %s", PQerrorMessage(c));
    tables = PQexec(c, "SELECT table_name FROM information_schema.tables "
                       "WHERE table_schema = current_schema() AND "
                       "table_type = 'BASE TABLE' ORDER BY table_name");
    if (PQresultStatus(tables) != PGRES_TUPLES_OK)
        fail_msg("pg: %s", PQerrorMessage(c));
    for (int t = 0; t < PQntuples(tables); t++) {
        const char *name = PQgetvalue(tables, t, 0);
        char sql[300];
        PGresult *rows;
        uint64_t sum = 0;

        snprintf(sql, sizeof sql, "SELECT t::text FROM \"%s\" t", name);
        rows = PQexec(c, sql);
        if (PQresultStatus(rows) != PGRES_TUPLES_OK)
            fail_msg("pg: %s", PQerrorMessage(c));
        for (int r = 0; r < PQntuples(rows); r++)
            sum += fnv(14695981039346656037u, PQgetvalue(rows, r, 0),
                       (size_t)PQgetlength(rows, r, 0));
        assert_int_equal(lrs_buf_addf(out, "%s %d %016llx\n", name,
                                      PQntuples(rows), (unsigned long long)sum),
                         LRS_OK);
        PQclear(rows);
    }
    PQclear(tables);
    PQfinish(c);
}

static void state(struct lrs_buf *out)
{
    lrs_buf_reset(out);
    if (strncmp(srv.db, "postgres", 8) == 0)
        state_pg(out);
    else
        state_sqlite(out);
}

/* The first line of `a` that `b` does not have (the table that changed). */
static const char *changed_table(const struct lrs_buf *a,
                                 const struct lrs_buf *b, char *out, size_t len)
{
    for (const char *p = a->data; *p;) {
        const size_t n = strcspn(p, "\n");
        bool found = false;

        for (const char *q = b->data; *q && !found;) {
            const size_t m = strcspn(q, "\n");

            found = m == n && memcmp(p, q, n) == 0;
            q += m + (q[m] == '\n');
        }
        if (!found) {
            snprintf(out, len, "%.*s", (int)n, p);
            return out;
        }
        p += n + (p[n] == '\n');
    }
    snprintf(out, len, "(a table added or dropped)");
    return out;
}

/* ------------------------------------------------------------------ */
/* Requests                                                           */
/* ------------------------------------------------------------------ */

/* `s` with $ULN, $KATE and $USER replaced, into `out`. */
static void expand(const char *s, char *out, size_t len)
{
    char user[24];
    size_t n = 0;

    snprintf(user, sizeof user, "%lld", (long long)school_user);
    while (*s && n + 1 < len) {
        const char *v = NULL;
        size_t skip = 0;

        if (strncmp(s, "$ULN", 4) == 0)
            v = uln_cat, skip = 4;
        else if (strncmp(s, "$KATE", 5) == 0)
            v = uln_kate, skip = 5;
        else if (strncmp(s, "$USER", 5) == 0)
            v = user, skip = 5;
        if (v) {
            n += (size_t)snprintf(out + n, len - n, "%s", v);
            s += skip;
        } else {
            out[n++] = *s++;
        }
    }
    out[n < len ? n : len - 1] = '\0';
}

static const struct target *target_of(const char *method, const char *pattern)
{
    for (size_t i = 0; i < LRSD_LEN(targets); i++)
        if (strcmp(targets[i].method, method) == 0 &&
            strcmp(targets[i].pattern, pattern) == 0)
            return &targets[i];
    return NULL;
}

static unsigned checked; /* requests checked, for the summary */

/* String member `key` of `j`, or "". */
static const char *sv(json_t *j, const char *key)
{
    const char *v = json_string_value(json_object_get(j, key));

    return v ? v : "";
}

/*
 * Send one bad request to target `t` and check it: the status, a JSON
 * error with `code`, naming `field` (or none when NULL), and the store
 * exactly as before.
 */
static void reject(const struct target *t, const char *path_tmpl,
                   const char *type, const void *body, size_t len, long status,
                   const char *code, const char *field)
{
    const char *const hdrs[] = {t->who != NOBODY ? bearer[t->who] : NULL, NULL};
    struct lrs_buf before = LRS_BUF_INIT, after = LRS_BUF_INIT;
    char path[600], what[700], table[300];
    struct http_resp res;
    json_t *j;

    expand(path_tmpl ? path_tmpl : t->path, path, sizeof path);
    snprintf(what, sizeof what, "%s %s [%.*s]", t->method, path,
             (int)(len > 80 ? 80 : len), body ? (const char *)body : "");
    state(&before);
    http_request(&srv, t->method, path, type, body, len, hdrs, &res);
    if (res.status != status)
        fail_msg("%s: %ld, wanted %ld: %s", what, res.status, status,
                 res.body.data);
    j = http_json(&res);
    if (strcmp(sv(j, "code"), code) != 0)
        fail_msg("%s: code %s, wanted %s", what, res.body.data, code);
    if (field ? strcmp(sv(j, "field"), field) != 0
              : json_object_get(j, "field") != NULL)
        fail_msg("%s: field in %s, wanted %s", what, res.body.data,
                 field ? field : "none");
    if (strlen(sv(j, "message")) < 8)
        fail_msg("%s: no message saying the rule: %s", what, res.body.data);
    json_decref(j);
    http_resp_release(&res);
    state(&after);
    if (before.len != after.len || memcmp(before.data, after.data, before.len))
        fail_msg("%s: the store changed: %s", what,
                 changed_table(&before, &after, table, sizeof table));
    lrs_buf_release(&before);
    lrs_buf_release(&after);
    checked++;
}

/* ------------------------------------------------------------------ */
/* Set-up                                                             */
/* ------------------------------------------------------------------ */

static void add_learner(struct lrs_store *s, const char *given,
                        const char *family, const char *dob,
                        char out[LRS_ULN_SIZE])
{
    const struct lrs_actor actor = LRS_ACTOR_CLI;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_learner l;

    lrs_learner_init(&l);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_GIVEN_NAME, lrs_str_c(given), &d),
        LRS_OK);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_FAMILY_NAME, lrs_str_c(family), &d),
        LRS_OK);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_DATE_OF_BIRTH, lrs_str_c(dob), &d),
        LRS_OK);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_GENDER, LRS_STR("2"), &d), LRS_OK);
    assert_int_equal(
        lrs_learner_field_set(&l, LRS_FIELD_POSTCODE, LRS_STR("LS1 4AP"), &d),
        LRS_OK);
    l.ability_to_share = LRS_SHARE_YES;
    if (lrs_service_learner_register(s, &actor, &l, &d) != LRS_OK)
        fail_msg("register: %s", d.msg);
    memcpy(out, l.uln, LRS_ULN_SIZE);
}

static int setup(void **state_)
{
    static const char *const limits[] = {"--max-json-bytes", "4096",
                                         "--max-upload-bytes", "16384", NULL};
    const struct lrs_actor actor = LRS_ACTOR_CLI;
    const struct harness_user cat = {"cat", LRS_ROLE_LEARNER,
                                     NULL,  "a password of the learner",
                                     false, true};
    struct harness_user u = cat;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s;
    int64_t school, ao;

    (void)state_;
    assert_int_equal(lrs_auth_init(), LRS_OK);
    harness_start(&srv, limits);
    s = harness_store_open(&srv);
    add_learner(s, "Catherine", "Lee", "2008-01-02", uln_cat);
    add_learner(s, "Kate", "Leigh-Smith", "2008-02-01", uln_kate);
    if (lrs_store_learner_merge(s, &actor, uln_kate, uln_cat, "duplicate",
                                &d) != LRS_OK)
        fail_msg("merge: %s", d.msg);
    school = harness_org_add(s, LRS_ORG_SCHOOL, "Park School", 3000);
    ao = harness_org_add_ao(s, "Alpha Awards", "10011111");
    school_user = harness_user_make(
        s, school,
        &(struct harness_user){"teacher", LRS_ROLE_SCHOOL_USER, NULL, NULL,
                               false, true},
        bearer[SCHOOL]);
    harness_user_add(s, ao, "alpha", LRS_ROLE_AO_USER, bearer[AO]);
    harness_user_add(s, 0, "op", LRS_ROLE_OPERATOR, bearer[OP]);
    u.uln = uln_cat;
    (void)harness_user_make(s, 0, &u, bearer[CAT]);
    lrs_store_free(s);
    return 0;
}

static int teardown(void **state_)
{
    (void)state_;
    return harness_stop(&srv) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Tests                                                              */
/* ------------------------------------------------------------------ */

static bool changes_state(const struct lrsd_route *rt)
{
    return rt->method != LRSD_GET && rt->method != LRSD_HEAD &&
           strncmp(rt->pattern, "/api/v1/", 8) == 0;
}

static const char *method_name(enum lrsd_method m)
{
    static const char *const names[] = {"GET", "HEAD",  "POST",
                                        "PUT", "PATCH", "DELETE"};

    for (unsigned i = 0; i < LRSD_LEN(names); i++)
        if (m == 1u << i)
            return names[i];
    return "?";
}

static void test_reject__every_route_has_its_rows(void **state_)
{
    (void)state_;
    for (size_t i = 0; i < lrsd_route_count; i++) {
        const struct lrsd_route *rt = &lrsd_routes[i];
        const char *m = method_name(rt->method);
        unsigned own = 0;

        if (!changes_state(rt))
            continue;
        if (!target_of(m, rt->pattern))
            fail_msg("%s %s changes state but is not in targets[]", m,
                     rt->pattern);
        for (size_t c = 0; c < LRSD_LEN(cases); c++)
            if (strcmp(cases[c].method, m) == 0 &&
                strcmp(cases[c].pattern, rt->pattern) == 0)
                own++;
        if (own == 0)
            fail_msg("%s %s has no case of its own in cases[]", m, rt->pattern);
    }
    for (size_t c = 0; c < LRSD_LEN(cases); c++)
        if (!target_of(cases[c].method, cases[c].pattern))
            fail_msg("case %zu names no target", c);
}

/* The check is not blind: a request that is accepted changes the state. */
static void test_reject__the_check_sees_a_change(void **state_)
{
    static const char body[] = "{\"label\": \"x\"}";
    const char *const hdrs[] = {bearer[SCHOOL], NULL};
    struct lrs_buf before = LRS_BUF_INIT, after = LRS_BUF_INIT;
    struct http_resp res;

    (void)state_;
    state(&before);
    http_request(&srv, "POST", "/api/v1/tokens", JSON, body, strlen(body), hdrs,
                 &res);
    assert_int_equal(res.status, 201);
    http_resp_release(&res);
    state(&after);
    assert_true(before.len != after.len ||
                memcmp(before.data, after.data, before.len) != 0);
    lrs_buf_release(&before);
    lrs_buf_release(&after);
}

static void test_reject__oversized_bodies_are_413(void **state_)
{
    char *big = lrs_malloc(UPLOAD_MAX + 2);

    (void)state_;
    assert_non_null(big);
    memset(big, ' ', UPLOAD_MAX + 1);
    big[0] = '{';
    big[UPLOAD_MAX] = '}';
    for (size_t i = 0; i < LRSD_LEN(targets); i++) {
        const struct target *t = &targets[i];
        const size_t n = t->body == BODY_BULK || t->body == BODY_XML
                             ? UPLOAD_MAX + 1
                             : JSON_MAX + 1;

        reject(t, NULL, t->body == BODY_XML ? XML : JSON, big, n, 413,
               "LRSD0413", NULL);
    }
    lrs_free(big);
}

static void test_reject__malformed_json_and_wrong_types(void **state_)
{
    static const char *const malformed[] = {"{\"a\": ", "{\"a\" 1}",
                                            "{\"a\": 1, \"a\": 2}", "\xff"};

    (void)state_;
    for (size_t i = 0; i < LRSD_LEN(targets); i++) {
        const struct target *t = &targets[i];

        if (t->body != BODY_OBJECT && t->body != BODY_BULK) {
            if (t->body == BODY_XML)
                reject(t, NULL, "text/plain", "<CTfile/>", 9, 415, "LRSD0415",
                       NULL);
            continue;
        }
        for (size_t m = 0; m < LRSD_LEN(malformed); m++)
            reject(t, NULL, JSON, malformed[m], strlen(malformed[m]), 400,
                   "WSEC0001", NULL);
        if (t->body == BODY_OBJECT)
            reject(t, NULL, JSON, "[1, 2]", 6, 400, "WSEC0001", NULL);
        reject(t, NULL, "text/plain", "{}", 2, 415, "LRSD0415", NULL);
    }
}

static void test_reject__each_route_names_the_field(void **state_)
{
    char body[2048];

    (void)state_;
    for (size_t c = 0; c < LRSD_LEN(cases); c++) {
        const struct reject *k = &cases[c];

        expand(k->body ? k->body : "", body, sizeof body);
        reject(target_of(k->method, k->pattern), k->path, k->type,
               k->body ? body : NULL, k->body ? strlen(body) : 0, k->status,
               k->code, k->field);
    }
    print_message("# %u bad requests checked, the store unchanged by each\n",
                  checked);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reject__every_route_has_its_rows),
        cmocka_unit_test(test_reject__the_check_sees_a_change),
        cmocka_unit_test(test_reject__oversized_bodies_are_413),
        cmocka_unit_test(test_reject__malformed_json_and_wrong_types),
        cmocka_unit_test(test_reject__each_route_names_the_field),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
