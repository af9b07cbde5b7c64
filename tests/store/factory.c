/*
 * factory.c - fresh stores for the engine-neutral tests (factory.h).
 */
#include "testutil.h"

#include "factory.h"
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[256];
static char current[512];
static const char *pg_url;
static unsigned serial;

void factory_setup(int argc, char **argv)
{
    const char *engine = argc > 1 ? argv[1] : "sqlite";

    if (strcmp(engine, "sqlite") == 0) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/lrs-store-test.XXXXXX");
        if (!mkdtemp(tmpdir)) {
            perror("mkdtemp");
            exit(1);
        }
        return;
    }
    if (strcmp(engine, "pg") == 0) {
        pg_url = getenv("LRS_TEST_PG_URL");
        if (!pg_url || !*pg_url) {
            fprintf(stderr, "LRS_TEST_PG_URL is not set: run under "
                            "tests/pg/with-pg.sh\n");
            exit(1);
        }
        return;
    }
    pg_url = engine;
}

void factory_teardown(void)
{
    char cmd[300];

    if (tmpdir[0]) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "cannot remove %s\n", tmpdir);
    }
}

int factory_is_sqlite(void)
{
    return pg_url == NULL;
}

void factory_fresh(void)
{
    current[0] = '\0';
}

const char *factory_url(void)
{
    if (current[0])
        return current;
    if (pg_url)
        snprintf(current, sizeof current, "%s", pg_url);
    else
        snprintf(current, sizeof current, "%s/t%u.db", tmpdir, ++serial);
    return current;
}

struct lrs_store *factory_connect(void)
{
    struct lrs_store *s = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_store_open(factory_url(), 0, &s, &d))
        fail_msg("cannot connect: %s", d.msg);
    return s;
}

struct lrs_store *factory_new_store(void)
{
    struct lrs_store *s = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store_init_result r;

    factory_fresh();
    if (lrs_store_open(factory_url(),
                       LRS_STORE_OPEN_CREATE | LRS_STORE_OPEN_NO_SCHEMA_CHECK,
                       &s, &d))
        fail_msg("cannot open: %s", d.msg);
    if (lrs__store_reset(s))
        fail_msg("cannot reset: %s", lrs_store_errmsg(s));
    if (lrs_store_init(s, &r))
        fail_msg("cannot init: %s", lrs_store_errmsg(s));
    return s;
}
