/*
 * store/sqlite/sqlite_int.h - shared between the files of the SQLite
 * engine only.
 */
#ifndef LRS_STORE_SQLITE_INT_H
#define LRS_STORE_SQLITE_INT_H

#include "store/store_int.h"

/**
 * The SQL statements (a NULL-terminated array, static) that take the
 * schema from version - 1 to `version`, or NULL when there is none.
 */
const char *const *lrs__sqlite_migration(int version);

#endif /* LRS_STORE_SQLITE_INT_H */
