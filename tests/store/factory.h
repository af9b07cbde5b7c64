/*
 * factory.h - fresh stores for the engine-neutral tests.
 *
 * The same test executables run on every engine: the first argument says
 * which. "sqlite" gives each test a new database file in a temporary
 * directory; "pg" uses $LRS_TEST_PG_URL (set by tests/pg/with-pg.sh) and
 * empties the database (lrs__store_reset) before each test. Any other
 * argument is taken as a store URL and reset the same way.
 */
#ifndef LRS_TEST_STORE_FACTORY_H
#define LRS_TEST_STORE_FACTORY_H

#include <lrs/store.h>

/** Choose the engine from argv[1] (default "sqlite"); call from main. */
void factory_setup(int argc, char **argv);
/** Remove temporary files; call at the end of main. */
void factory_teardown(void);
/** Whether the engine is SQLite (a few tests are about files). */
int factory_is_sqlite(void);
/** A URL for a new, empty database (same until factory_fresh()). */
const char *factory_url(void);
/** Forget the current database: the next factory_url() is a new one. */
void factory_fresh(void);
/** Open factory_url(), reset it and run lrs_store_init: fails the test
 *  on error. Owned by the caller (lrs_store_free). */
struct lrs_store *factory_new_store(void);
/** Open another connection to the current database (no reset). */
struct lrs_store *factory_connect(void);

#endif /* LRS_TEST_STORE_FACTORY_H */
