/*
 * sqlite/sqlite.c - the SQLite engine of the store (store_int.h).
 *
 * One connection per engine object, configured for durability: WAL
 * journal, synchronous=FULL (a commit is on disk when it returns),
 * foreign keys on, a busy timeout. Statements are prepared once, on first
 * use, and cached for the life of the connection (dropped by `reset`,
 * whose DROP TABLEs invalidate them). Write transactions are BEGIN
 * IMMEDIATE, so two writers never deadlock upgrading a read lock: the
 * second waits up to the busy timeout and then gets LRS_EBUSY.
 */
#include "base/base.h"

#include "store/sqlite/sqlite_int.h"

#include <pthread.h>
#include <sqlite3.h>

/* The cached statements; SQL in `sql` below, same order. */
enum stmt_id {
    S_BEGIN,
    S_COMMIT,
    S_ROLLBACK,
    S_KEY_GET,
    S_KEY_PUT,
    S_COUNTER_GET,
    S_COUNTER_SET,
    S_EXISTS,
    S_INSERT,
    S_GET,
    S_UPDATE,
    S_SCAN,
    S_NAME_INSERT,
    S_NAME_SCAN_ALL,
    S_NAME_SCAN_ULN,
    S_MERGE_INSERT,
    S_AUDIT_INSERT,
    S_AUDIT_SCAN_ALL,
    S_AUDIT_SCAN_ULN,
    S_AUDIT_SCAN_USER,
    S_STATS,
    S_CHANGE_APPEND,
    S__COUNT
};

#define LEARNER_COLS                                                           \
    "uln, given_name, middle_names, family_name, previous_family_name,"        \
    " preferred_given_name, date_of_birth, gender, postcode,"                  \
    " address_line1, address_line2, address_town, address_county,"             \
    " ability_to_share, status, master_uln, version, created_ms,"              \
    " updated_ms, created_by, created_org"

#define NAME_COLS                                                              \
    "id, uln, given_name, middle_names, family_name, preferred_given_name,"    \
    " changed_ms, user_id, org_id, reason"

#define AUDIT_COLS                                                             \
    "id, at_ms, user_id, org_id, source, action, uln, addr, subject_user_id"

static const char *const sql[S__COUNT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_KEY_GET] = "SELECT key FROM uln_allocator"
                  " WHERE id = 1 AND key IS NOT NULL",
    [S_KEY_PUT] = "UPDATE uln_allocator SET key = ?1"
                  " WHERE id = 1 AND key IS NULL",
    [S_COUNTER_GET] = "SELECT counter FROM uln_allocator WHERE id = 1",
    [S_COUNTER_SET] = "UPDATE uln_allocator SET counter = ?1 WHERE id = 1",
    [S_EXISTS] = "SELECT 1 FROM learners WHERE uln = ?1",
    [S_INSERT] = "INSERT INTO learners (" LEARNER_COLS ") VALUES (?1, ?2,"
                 " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
                 " ?16, ?17, ?18, ?19, ?20, ?21)",
    /* Same parameter numbers as S_INSERT, plus ?22 the expected version;
     * uln (?1) selects the row, created_* (?18, ?20, ?21) are bound but
     * unused, so the stored values are kept. */
    [S_UPDATE] = "UPDATE learners SET given_name = ?2, middle_names = ?3,"
                 " family_name = ?4, previous_family_name = ?5,"
                 " preferred_given_name = ?6, date_of_birth = ?7,"
                 " gender = ?8, postcode = ?9, address_line1 = ?10,"
                 " address_line2 = ?11, address_town = ?12,"
                 " address_county = ?13, ability_to_share = ?14,"
                 " status = ?15, master_uln = ?16, version = ?17,"
                 " updated_ms = ?19"
                 " WHERE uln = ?1 AND version = ?22",
    [S_GET] = "SELECT " LEARNER_COLS " FROM learners WHERE uln = ?1",
    [S_SCAN] = "SELECT " LEARNER_COLS " FROM learners ORDER BY uln",
    [S_NAME_INSERT] = "INSERT INTO name_history (uln, given_name,"
                      " middle_names, family_name, preferred_given_name,"
                      " changed_ms, user_id, org_id, reason)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [S_NAME_SCAN_ALL] = "SELECT " NAME_COLS " FROM name_history ORDER BY id",
    [S_NAME_SCAN_ULN] = "SELECT " NAME_COLS " FROM name_history"
                        " WHERE uln = ?1 ORDER BY id",
    [S_MERGE_INSERT] = "INSERT INTO merges (merged_uln, master_uln,"
                       " merged_ms, user_id, org_id, reason)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_AUDIT_INSERT] = "INSERT INTO audit_log (at_ms, user_id, org_id,"
                       " source, action, uln, addr, subject_user_id)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [S_AUDIT_SCAN_ALL] = "SELECT " AUDIT_COLS " FROM audit_log ORDER BY id",
    [S_AUDIT_SCAN_ULN] = "SELECT " AUDIT_COLS " FROM audit_log"
                         " WHERE uln = ?1 ORDER BY id",
    [S_AUDIT_SCAN_USER] = "SELECT " AUDIT_COLS " FROM audit_log"
                          " WHERE subject_user_id = ?1 ORDER BY id",
    [S_STATS] = "SELECT (SELECT count(*) FROM learners),"
                " (SELECT count(*) FROM learners WHERE status = 0),"
                " (SELECT count(*) FROM learners WHERE status = 1),"
                " (SELECT count(*) FROM learners WHERE status = 2),"
                " (SELECT count(*) FROM name_history),"
                " (SELECT count(*) FROM merges),"
                " (SELECT count(*) FROM audit_log),"
                " (SELECT count(*) FROM organisations)",
    [S_CHANGE_APPEND] = "INSERT INTO learner_changes (uln, at_ms)"
                        " VALUES (?1, ?2)",
};

struct engine {
    sqlite3 *db;
    sqlite3_stmt *stmt[S__COUNT];
    char msg[256];
    /* The ULN counter within a write transaction: read once, advanced
     * here, written back just before COMMIT. BEGIN IMMEDIATE holds the
     * write lock throughout, so no other connection can allocate in
     * between; a rollback just forgets it. */
    bool counter_cached;   /* counter_next is the allocator's value */
    bool counter_dirty;    /* ... and is ahead of the stored one */
    uint64_t counter_next; /* the next counter to hand out */
    void *plr;             /* plr.c's statements (lrs__sqlite_plr_close) */
    /* batch.c's kept statements (lrs__sqlite_batch_close) */
    sqlite3_stmt *batch[LRS__SQLITE_BATCH_STMTS];
};

/* ------------------------------------------------------------------ */
/* Errors and statements                                              */
/* ------------------------------------------------------------------ */

static enum lrs_err map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return LRS_OK;
    case SQLITE_NOMEM:
        return LRS_ENOMEM;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return LRS_EBUSY;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_PRIMARYKEY ||
            rc == SQLITE_CONSTRAINT_UNIQUE)
            return LRS_ECONFLICT;
        return LRS_ECORRUPT;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return LRS_ECORRUPT;
    case SQLITE_FULL:
        return LRS_ELIMIT;
    default:
        return LRS_EIO;
    }
}

/* Remember the connection's message for `rc` and return its lrs_err. */
static enum lrs_err fail_rc(struct engine *e, int rc)
{
    const enum lrs_err err = map_rc(rc);

    snprintf(e->msg, sizeof e->msg, "%s",
             e->db ? sqlite3_errmsg(e->db) : sqlite3_errstr(rc));
    return LRS_ERR(err);
}

static enum lrs_err fail_msg(struct engine *e, enum lrs_err err,
                             const char *msg)
{
    snprintf(e->msg, sizeof e->msg, "%s", msg);
    return LRS_ERR(err);
}

/* The cached statement `id`, reset and unbound, or NULL (e->msg set). */
static sqlite3_stmt *stmt(struct engine *e, enum stmt_id id, int *rc)
{
    sqlite3_stmt *st = e->stmt[id];

    *rc = SQLITE_OK;
    if (st) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return st;
    }
    *rc = sqlite3_prepare_v3(e->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st,
                             NULL);
    if (*rc != SQLITE_OK)
        return NULL;
    e->stmt[id] = st;
    return st;
}

static void finalize_all(struct engine *e)
{
    for (size_t i = 0; i < S__COUNT; i++) {
        sqlite3_finalize(e->stmt[i]);
        e->stmt[i] = NULL;
    }
}

/* Run a statement with no result rows. */
static enum lrs_err run(struct engine *e, enum stmt_id id)
{
    int rc;
    sqlite3_stmt *st = stmt(e, id, &rc);

    if (!st)
        return fail_rc(e, rc);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return fail_rc(e, rc);
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Conversions                                                        */
/* ------------------------------------------------------------------ */

/* A 10-digit ULN as an integer; false if it is not ten digits. */
static bool uln_int(const char *uln, sqlite3_int64 *out)
{
    sqlite3_int64 v = 0;
    int i;

    for (i = 0; uln[i]; i++) {
        if (i == LRS_ULN_LEN || uln[i] < '0' || uln[i] > '9')
            return false;
        v = v * 10 + (uln[i] - '0');
    }
    if (i != LRS_ULN_LEN)
        return false;
    *out = v;
    return true;
}

/* Ten digits and a NUL; "" for NULL, 0 or anything not ten digits. */
static void uln_text(sqlite3_int64 v, char out[LRS_ULN_SIZE])
{
    out[0] = '\0';
    if (v < 1000000000 || v > 9999999999)
        return;
    for (int i = LRS_ULN_LEN - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
    out[LRS_ULN_LEN] = '\0';
}

static void col_text(sqlite3_stmt *st, int i, char *dst, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    size_t n = (size_t)sqlite3_column_bytes(st, i);

    if (!t)
        n = 0;
    if (n > size - 1)
        n = size - 1;
    if (n)
        memcpy(dst, t, n);
    dst[n] = '\0';
}

static int bind_str(sqlite3_stmt *st, int i, const char *s)
{
    return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Bind every learner field with the parameter numbers of S_INSERT. */
static int bind_learner(sqlite3_stmt *st, const struct lrs_learner *l,
                        sqlite3_int64 uln)
{
    char dob[11];
    sqlite3_int64 master;
    int rc;

    lrs_date_format(l->date_of_birth, dob);
    rc = sqlite3_bind_int64(st, 1, uln);
    rc = rc ? rc : bind_str(st, 2, l->given_name);
    rc = rc ? rc : bind_str(st, 3, l->middle_names);
    rc = rc ? rc : bind_str(st, 4, l->family_name);
    rc = rc ? rc : bind_str(st, 5, l->previous_family_name);
    rc = rc ? rc : bind_str(st, 6, l->preferred_given_name);
    rc = rc ? rc : sqlite3_bind_text(st, 7, dob, 10, SQLITE_TRANSIENT);
    rc = rc ? rc : sqlite3_bind_int(st, 8, (int)l->gender);
    rc = rc ? rc : bind_str(st, 9, l->postcode);
    rc = rc ? rc : bind_str(st, 10, l->address_line1);
    rc = rc ? rc : bind_str(st, 11, l->address_line2);
    rc = rc ? rc : bind_str(st, 12, l->address_town);
    rc = rc ? rc : bind_str(st, 13, l->address_county);
    rc = rc ? rc : sqlite3_bind_int(st, 14, (int)l->ability_to_share);
    rc = rc ? rc : sqlite3_bind_int(st, 15, (int)l->status);
    if (!rc && uln_int(l->master_uln, &master))
        rc = sqlite3_bind_int64(st, 16, master);
    rc = rc ? rc : sqlite3_bind_int(st, 17, (int)l->version);
    rc = rc ? rc : sqlite3_bind_int64(st, 18, l->created_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 19, l->updated_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 20, l->created_by);
    rc = rc ? rc : sqlite3_bind_int64(st, 21, l->created_org);
    return rc;
}

/* Read a row in LEARNER_COLS order. */
static enum lrs_err read_learner(struct engine *e, sqlite3_stmt *st,
                                 struct lrs_learner *l)
{
    char dob[11];

    lrs_learner_init(l);
    uln_text(sqlite3_column_int64(st, 0), l->uln);
    col_text(st, 1, l->given_name, sizeof l->given_name);
    col_text(st, 2, l->middle_names, sizeof l->middle_names);
    col_text(st, 3, l->family_name, sizeof l->family_name);
    col_text(st, 4, l->previous_family_name, sizeof l->previous_family_name);
    col_text(st, 5, l->preferred_given_name, sizeof l->preferred_given_name);
    col_text(st, 6, dob, sizeof dob);
    if (lrs_date_parse(lrs_str_c(dob), 0, "date_of_birth", &l->date_of_birth,
                       NULL))
        return fail_msg(e, LRS_ECORRUPT, "stored date of birth is invalid");
    l->gender = (enum lrs_gender)sqlite3_column_int(st, 7);
    col_text(st, 8, l->postcode, sizeof l->postcode);
    col_text(st, 9, l->address_line1, sizeof l->address_line1);
    col_text(st, 10, l->address_line2, sizeof l->address_line2);
    col_text(st, 11, l->address_town, sizeof l->address_town);
    col_text(st, 12, l->address_county, sizeof l->address_county);
    l->ability_to_share = (enum lrs_ability_to_share)sqlite3_column_int(st, 13);
    l->status = (enum lrs_learner_status)sqlite3_column_int(st, 14);
    uln_text(sqlite3_column_int64(st, 15), l->master_uln);
    l->version = sqlite3_column_int(st, 16);
    l->created_ms = sqlite3_column_int64(st, 17);
    l->updated_ms = sqlite3_column_int64(st, 18);
    l->created_by = sqlite3_column_int64(st, 19);
    l->created_org = sqlite3_column_int64(st, 20);
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Connection and schema                                              */
/* ------------------------------------------------------------------ */

static const char *e_errmsg(void *ep)
{
    const struct engine *e = ep;

    return e->msg;
}

static void e_close(void *ep)
{
    struct engine *e = ep;

    if (!e)
        return;
    lrs__sqlite_plr_close(e);
    lrs__sqlite_batch_close(e);
    finalize_all(e);
    if (e->db && !sqlite3_get_autocommit(e->db))
        sqlite3_exec(e->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close_v2(e->db);
    lrs_free(e);
}

/*
 * Pragmas for durable, concurrent use (docs/store.md). The page size
 * applies only to a new database (before its first table): 16 KiB pages
 * make a bulk import of random ULNs about 40% faster than 4 KiB (fewer
 * B-tree splits); 32 KiB is slower again (docs/PERFORMANCE.md).
 */
static const char pragmas[] = "PRAGMA page_size = 16384;"
                              "PRAGMA journal_mode = WAL;"
                              "PRAGMA synchronous = FULL;"
                              "PRAGMA foreign_keys = ON;"
                              "PRAGMA cache_size = -262144;"
                              "PRAGMA temp_store = MEMORY;";

/*
 * Before SQLite starts: no memory statistics, whose global mutex every
 * allocation would otherwise take (a few percent of a bulk import).
 */
static void configure_sqlite(void)
{
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)sqlite3_initialize();
}

static enum lrs_err e_open(const char *url, unsigned flags, int busy_ms,
                           void **out, struct lrs_diag *diag)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    struct engine *e;
    int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    int rc;

    *out = NULL;
    pthread_once(&once, configure_sqlite);
    if (strncmp(url, "sqlite:", 7) == 0)
        url += 7;
    if (flags & LRS_STORE_OPEN_CREATE)
        oflags |= SQLITE_OPEN_CREATE;
    e = lrs_calloc(1, sizeof *e);
    if (!e)
        return LRS_ERR(LRS_ENOMEM);
    rc = sqlite3_open_v2(url, &e->db, oflags, NULL);
    if (rc == SQLITE_CANTOPEN && !(flags & LRS_STORE_OPEN_CREATE)) {
        lrs_diag_set(diag, "db", "no such database; run 'lrs init'");
        e_close(e);
        return LRS_ERR(LRS_ENOTFOUND);
    }
    if (rc == SQLITE_OK) {
        sqlite3_extended_result_codes(e->db, 1);
        sqlite3_busy_timeout(e->db, busy_ms);
        rc = sqlite3_exec(e->db, pragmas, NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK) {
        const enum lrs_err err = fail_rc(e, rc);

        lrs_diag_set(diag, "db", "%s", e->msg);
        e_close(e);
        return err;
    }
    *out = e;
    return LRS_OK;
}

static enum lrs_err e_schema_version(void *ep, int *version)
{
    struct engine *e = ep;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(e->db, "PRAGMA user_version", -1, &st, NULL);

    if (rc != SQLITE_OK)
        return fail_rc(e, rc);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return fail_rc(e, rc);
    return LRS_OK;
}

static enum lrs_err e_migrate(void *ep, int from, int to)
{
    struct engine *e = ep;
    char set[48];
    int rc;

    for (int v = from + 1; v <= to; v++) {
        const char *const *script = lrs__sqlite_migration(v);

        if (!script)
            return fail_msg(e, LRS_ECORRUPT, "no migration to this version");
        for (size_t i = 0; script[i]; i++) {
            rc = sqlite3_exec(e->db, script[i], NULL, NULL, NULL);
            if (rc != SQLITE_OK)
                return fail_rc(e, rc);
        }
    }
    snprintf(set, sizeof set, "PRAGMA user_version = %d", to);
    rc = sqlite3_exec(e->db, set, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return fail_rc(e, rc);
    return LRS_OK;
}

static enum lrs_err e_reset(void *ep)
{
    struct engine *e = ep;
    struct lrs_buf drop = LRS_BUF_INIT;
    sqlite3_stmt *st;
    enum lrs_err err = LRS_OK;
    int rc;

    finalize_all(e);
    rc = sqlite3_prepare_v2(e->db,
                            "SELECT name FROM sqlite_master WHERE type ="
                            " 'table' AND name NOT LIKE 'sqlite_%'",
                            -1, &st, NULL);
    if (rc != SQLITE_OK)
        return fail_rc(e, rc);
    err = lrs_buf_adds(&drop, "PRAGMA foreign_keys = OFF;");
    while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW)
        err = lrs_buf_addf(&drop, "DROP TABLE \"%s\";",
                           (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (!err)
        err = lrs_buf_adds(&drop, "PRAGMA user_version = 0;"
                                  "PRAGMA foreign_keys = ON;");
    if (!err) {
        rc = sqlite3_exec(e->db, drop.data, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            err = fail_rc(e, rc);
    }
    lrs_buf_release(&drop);
    return err;
}

/* ------------------------------------------------------------------ */
/* Transactions and the allocator                                     */
/* ------------------------------------------------------------------ */

static void forget_counter(struct engine *e)
{
    e->counter_cached = false;
    e->counter_dirty = false;
}

static enum lrs_err e_begin(void *ep)
{
    forget_counter(ep);
    return run(ep, S_BEGIN);
}

/* Write the counter advanced in this transaction back to its row. */
static enum lrs_err store_counter(struct engine *e)
{
    int rc;
    sqlite3_stmt *st;

    if (!e->counter_dirty)
        return LRS_OK;
    st = stmt(e, S_COUNTER_SET, &rc);
    if (!st)
        return fail_rc(e, rc);
    sqlite3_bind_int64(st, 1, (sqlite3_int64)e->counter_next);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return fail_rc(e, rc);
    return LRS_OK;
}

static enum lrs_err e_commit(void *ep)
{
    struct engine *e = ep;
    enum lrs_err err = store_counter(e);

    if (!err)
        err = run(e, S_COMMIT);
    forget_counter(e);
    if (err && !sqlite3_get_autocommit(e->db))
        sqlite3_exec(e->db, "ROLLBACK", NULL, NULL, NULL);
    return err;
}

static void e_rollback(void *ep)
{
    struct engine *e = ep;

    forget_counter(e);

    /* Statements still stepping (an abandoned scan) would keep the
     * transaction open; reset them first. */
    for (size_t i = 0; i < S__COUNT; i++)
        if (e->stmt[i])
            sqlite3_reset(e->stmt[i]);
    if (!sqlite3_get_autocommit(e->db))
        (void)run(e, S_ROLLBACK);
}

static enum lrs_err e_uln_key_get(void *ep, struct lrs_uln_key *key)
{
    struct engine *e = ep;
    int rc;
    sqlite3_stmt *st = stmt(e, S_KEY_GET, &rc);

    if (!st)
        return fail_rc(e, rc);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return LRS_ENOTFOUND;
    if (rc != SQLITE_ROW)
        return fail_rc(e, rc);
    if (sqlite3_column_bytes(st, 0) != (int)sizeof key->bytes) {
        sqlite3_reset(st);
        return fail_msg(e, LRS_ECORRUPT, "stored ULN key has a bad length");
    }
    memcpy(key->bytes, sqlite3_column_blob(st, 0), sizeof key->bytes);
    sqlite3_reset(st);
    return LRS_OK;
}

static enum lrs_err e_uln_key_put(void *ep, const struct lrs_uln_key *key)
{
    struct engine *e = ep;
    int rc;
    sqlite3_stmt *st = stmt(e, S_KEY_PUT, &rc);

    if (!st)
        return fail_rc(e, rc);
    sqlite3_bind_blob(st, 1, key->bytes, (int)sizeof key->bytes, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return fail_rc(e, rc);
    if (sqlite3_changes(e->db) == 0)
        return fail_msg(e, LRS_ECONFLICT, "a ULN key is already stored");
    return LRS_OK;
}

static enum lrs_err counter_query(struct engine *e, enum stmt_id id,
                                  uint64_t *counter)
{
    int rc;
    sqlite3_stmt *st = stmt(e, id, &rc);
    sqlite3_int64 v;

    if (!st)
        return fail_rc(e, rc);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        if (rc == SQLITE_DONE)
            return fail_msg(e, LRS_ECORRUPT,
                            "the ULN allocator row is "
                            "missing");
        return fail_rc(e, rc);
    }
    v = sqlite3_column_int64(st, 0);
    /* Step to the end so that the RETURNING update completes. */
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return fail_rc(e, rc);
    if (v < 0)
        return fail_msg(e, LRS_ECORRUPT, "the ULN counter is negative");
    *counter = (uint64_t)v;
    return LRS_OK;
}

/* Called in a write transaction (store_int.h); see struct engine. */
static enum lrs_err e_uln_counter_next(void *ep, uint64_t *counter)
{
    struct engine *e = ep;

    if (!e->counter_cached) {
        const enum lrs_err err =
            counter_query(e, S_COUNTER_GET, &e->counter_next);

        if (err)
            return err;
        e->counter_cached = true;
    }
    *counter = e->counter_next++;
    e->counter_dirty = true;
    return LRS_OK;
}

static enum lrs_err e_uln_counter_peek(void *ep, uint64_t *counter)
{
    struct engine *e = ep;

    if (e->counter_cached) {
        *counter = e->counter_next;
        return LRS_OK;
    }
    return counter_query(e, S_COUNTER_GET, counter);
}

/* ------------------------------------------------------------------ */
/* Learners                                                           */
/* ------------------------------------------------------------------ */

static enum lrs_err e_learner_exists(void *ep, const char *uln, bool *exists)
{
    struct engine *e = ep;
    sqlite3_int64 key;
    int rc;
    sqlite3_stmt *st;

    *exists = false;
    if (!uln_int(uln, &key))
        return LRS_OK;
    st = stmt(e, S_EXISTS, &rc);
    if (!st)
        return fail_rc(e, rc);
    sqlite3_bind_int64(st, 1, key);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        *exists = true;
    else if (rc != SQLITE_DONE)
        return fail_rc(e, rc);
    return LRS_OK;
}

enum lrs_err lrs__sqlite_change_append(void *ep, int64_t uln, int64_t at_ms)
{
    struct engine *e = ep;
    int rc;
    sqlite3_stmt *st = stmt(e, S_CHANGE_APPEND, &rc);

    if (!st)
        return fail_rc(e, rc);
    rc = sqlite3_bind_int64(st, 1, uln);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 2, at_ms);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return fail_rc(e, rc);
    return LRS_OK;
}

static enum lrs_err e_learner_insert(void *ep, const struct lrs_learner *l)
{
    struct engine *e = ep;
    sqlite3_int64 key;
    int rc;
    sqlite3_stmt *st;

    if (!uln_int(l->uln, &key))
        return fail_msg(e, LRS_EINVAL, "ULN is not ten digits");
    st = stmt(e, S_INSERT, &rc);
    if (!st)
        return fail_rc(e, rc);
    rc = bind_learner(st, l, key);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    /* A failed statement undoes only itself (OR ABORT): the transaction
     * goes on, as the contract requires. Plain INSERT saves the extra
     * B-tree search that ON CONFLICT DO NOTHING costs. */
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return fail_msg(e, LRS_ECONFLICT, "ULN already registered");
    if (rc != SQLITE_DONE)
        return fail_rc(e, rc);
    return lrs__sqlite_change_append(e, key, l->updated_ms);
}

static enum lrs_err e_learner_get(void *ep, const char *uln,
                                  struct lrs_learner *out)
{
    struct engine *e = ep;
    sqlite3_int64 key;
    enum lrs_err err;
    int rc;
    sqlite3_stmt *st;

    if (!uln_int(uln, &key))
        return LRS_ENOTFOUND;
    st = stmt(e, S_GET, &rc);
    if (!st)
        return fail_rc(e, rc);
    sqlite3_bind_int64(st, 1, key);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return LRS_ENOTFOUND;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return fail_rc(e, rc);
    }
    err = read_learner(e, st, out);
    sqlite3_reset(st);
    return err;
}

static enum lrs_err e_learner_update(void *ep, const struct lrs_learner *l,
                                     int32_t expected_version)
{
    struct engine *e = ep;
    sqlite3_int64 key;
    int rc;
    sqlite3_stmt *st;

    if (!uln_int(l->uln, &key))
        return fail_msg(e, LRS_EINVAL, "ULN is not ten digits");
    st = stmt(e, S_UPDATE, &rc);
    if (!st)
        return fail_rc(e, rc);
    rc = bind_learner(st, l, key);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 22, (int)expected_version);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return fail_rc(e, rc);
    if (sqlite3_changes(e->db) == 0)
        return fail_msg(e, LRS_ECONFLICT, "version changed");
    return lrs__sqlite_change_append(e, key, l->updated_ms);
}

static enum lrs_err e_learner_scan(void *ep, lrs_store_learner_fn fn, void *ctx)
{
    struct engine *e = ep;
    struct lrs_learner l;
    enum lrs_err err = LRS_OK;
    int rc;
    sqlite3_stmt *st = stmt(e, S_SCAN, &rc);

    if (!st)
        return fail_rc(e, rc);
    while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        err = read_learner(e, st, &l);
        if (!err)
            err = fn(&l, ctx);
    }
    sqlite3_reset(st);
    if (!err && rc != SQLITE_DONE)
        err = fail_rc(e, rc);
    return err;
}

/* ------------------------------------------------------------------ */
/* Name history, merges, audit                                        */
/* ------------------------------------------------------------------ */

static enum lrs_err e_name_change_insert(void *ep,
                                         const struct lrs_name_change *c)
{
    struct engine *e = ep;
    sqlite3_int64 key;
    int rc;
    sqlite3_stmt *st;

    if (!uln_int(c->uln, &key))
        return fail_msg(e, LRS_EINVAL, "ULN is not ten digits");
    st = stmt(e, S_NAME_INSERT, &rc);
    if (!st)
        return fail_rc(e, rc);
    rc = sqlite3_bind_int64(st, 1, key);
    rc = rc ? rc : bind_str(st, 2, c->given_name);
    rc = rc ? rc : bind_str(st, 3, c->middle_names);
    rc = rc ? rc : bind_str(st, 4, c->family_name);
    rc = rc ? rc : bind_str(st, 5, c->preferred_given_name);
    rc = rc ? rc : sqlite3_bind_int64(st, 6, c->changed_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 7, c->user_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 8, c->org_id);
    rc = rc ? rc : bind_str(st, 9, c->reason);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return fail_rc(e, rc);
    return LRS_OK;
}

static enum lrs_err e_name_change_scan(void *ep, const char *uln,
                                       lrs_store_name_change_fn fn, void *ctx)
{
    struct engine *e = ep;
    struct lrs_name_change c;
    sqlite3_int64 key = 0;
    enum lrs_err err = LRS_OK;
    int rc;
    sqlite3_stmt *st;

    if (uln && !uln_int(uln, &key))
        return LRS_OK;
    st = stmt(e, uln ? S_NAME_SCAN_ULN : S_NAME_SCAN_ALL, &rc);
    if (!st)
        return fail_rc(e, rc);
    if (uln)
        sqlite3_bind_int64(st, 1, key);
    while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&c, 0, sizeof c);
        c.id = sqlite3_column_int64(st, 0);
        uln_text(sqlite3_column_int64(st, 1), c.uln);
        col_text(st, 2, c.given_name, sizeof c.given_name);
        col_text(st, 3, c.middle_names, sizeof c.middle_names);
        col_text(st, 4, c.family_name, sizeof c.family_name);
        col_text(st, 5, c.preferred_given_name, sizeof c.preferred_given_name);
        c.changed_ms = sqlite3_column_int64(st, 6);
        c.user_id = sqlite3_column_int64(st, 7);
        c.org_id = sqlite3_column_int64(st, 8);
        col_text(st, 9, c.reason, sizeof c.reason);
        err = fn(&c, ctx);
    }
    sqlite3_reset(st);
    if (!err && rc != SQLITE_DONE)
        err = fail_rc(e, rc);
    return err;
}

static enum lrs_err e_merge_insert(void *ep, const struct lrs__merge *m)
{
    struct engine *e = ep;
    sqlite3_int64 merged, master;
    int rc;
    sqlite3_stmt *st;

    if (!uln_int(m->merged_uln, &merged) || !uln_int(m->master_uln, &master))
        return fail_msg(e, LRS_EINVAL, "ULN is not ten digits");
    st = stmt(e, S_MERGE_INSERT, &rc);
    if (!st)
        return fail_rc(e, rc);
    rc = sqlite3_bind_int64(st, 1, merged);
    rc = rc ? rc : sqlite3_bind_int64(st, 2, master);
    rc = rc ? rc : sqlite3_bind_int64(st, 3, m->at_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 4, m->user_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 5, m->org_id);
    rc = rc ? rc : bind_str(st, 6, m->reason);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return fail_rc(e, rc);
    return LRS_OK;
}

static enum lrs_err e_audit_insert(void *ep, const struct lrs_audit *a)
{
    struct engine *e = ep;
    sqlite3_int64 key;
    int rc;
    sqlite3_stmt *st = stmt(e, S_AUDIT_INSERT, &rc);

    if (!st)
        return fail_rc(e, rc);
    rc = sqlite3_bind_int64(st, 1, a->at_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 2, a->actor.user_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 3, a->actor.org_id);
    rc = rc ? rc : bind_str(st, 4, a->actor.source ? a->actor.source : "");
    rc = rc ? rc : bind_str(st, 5, lrs_audit_action_name(a->action));
    if (!rc && uln_int(a->uln, &key))
        rc = sqlite3_bind_int64(st, 6, key);
    rc = rc ? rc : bind_str(st, 7, a->actor.addr ? a->actor.addr : "");
    if (!rc && a->subject_user_id)
        rc = sqlite3_bind_int64(st, 8, a->subject_user_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return fail_rc(e, rc);
    return LRS_OK;
}

/* Hand each row of audit statement `st` (bound) to `fn`, then reset it. */
static enum lrs_err audit_rows(struct engine *e, sqlite3_stmt *st,
                               lrs_store_audit_fn fn, void *ctx)
{
    struct lrs_audit a;
    enum lrs_err err = LRS_OK;
    int rc;

    while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        char action[16];
        const unsigned char *src;

        memset(&a, 0, sizeof a);
        a.id = sqlite3_column_int64(st, 0);
        a.at_ms = sqlite3_column_int64(st, 1);
        a.actor.user_id = sqlite3_column_int64(st, 2);
        a.actor.org_id = sqlite3_column_int64(st, 3);
        src = sqlite3_column_text(st, 4);
        a.actor.source = src ? (const char *)src : "";
        col_text(st, 5, action, sizeof action);
        a.action = lrs__audit_action_from_name(action);
        uln_text(sqlite3_column_int64(st, 6), a.uln);
        src = sqlite3_column_text(st, 7);
        a.actor.addr = src ? (const char *)src : "";
        a.subject_user_id = sqlite3_column_int64(st, 8);
        err = fn(&a, ctx);
    }
    sqlite3_reset(st);
    if (!err && rc != SQLITE_DONE)
        err = fail_rc(e, rc);
    return err;
}

static enum lrs_err e_audit_scan(void *ep, const char *uln,
                                 lrs_store_audit_fn fn, void *ctx)
{
    struct engine *e = ep;
    sqlite3_int64 key = 0;
    int rc;
    sqlite3_stmt *st;

    if (uln && !uln_int(uln, &key))
        return LRS_OK;
    st = stmt(e, uln ? S_AUDIT_SCAN_ULN : S_AUDIT_SCAN_ALL, &rc);
    if (!st)
        return fail_rc(e, rc);
    if (uln)
        sqlite3_bind_int64(st, 1, key);
    return audit_rows(e, st, fn, ctx);
}

static enum lrs_err e_audit_scan_user(void *ep, int64_t user_id,
                                      lrs_store_audit_fn fn, void *ctx)
{
    struct engine *e = ep;
    int rc;
    sqlite3_stmt *st = stmt(e, S_AUDIT_SCAN_USER, &rc);

    if (!st)
        return fail_rc(e, rc);
    sqlite3_bind_int64(st, 1, user_id);
    return audit_rows(e, st, fn, ctx);
}

static enum lrs_err e_stats(void *ep, struct lrs_store_stats *out)
{
    struct engine *e = ep;
    int rc;
    sqlite3_stmt *st = stmt(e, S_STATS, &rc);

    if (!st)
        return fail_rc(e, rc);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return fail_rc(e, rc);
    }
    out->learners = (uint64_t)sqlite3_column_int64(st, 0);
    out->active = (uint64_t)sqlite3_column_int64(st, 1);
    out->linked = (uint64_t)sqlite3_column_int64(st, 2);
    out->closed = (uint64_t)sqlite3_column_int64(st, 3);
    out->name_changes = (uint64_t)sqlite3_column_int64(st, 4);
    out->merges = (uint64_t)sqlite3_column_int64(st, 5);
    out->audit_rows = (uint64_t)sqlite3_column_int64(st, 6);
    out->organisations = (uint64_t)sqlite3_column_int64(st, 7);
    sqlite3_reset(st);
    return LRS_OK;
}

const struct lrs_store_ops lrs__store_sqlite_ops = {
    .name = "sqlite",
    .open = e_open,
    .close = e_close,
    .errmsg = e_errmsg,
    .schema_version = e_schema_version,
    .migrate = e_migrate,
    .reset = e_reset,
    .begin = e_begin,
    .commit = e_commit,
    .rollback = e_rollback,
    .uln_key_get = e_uln_key_get,
    .uln_key_put = e_uln_key_put,
    .uln_counter_next = e_uln_counter_next,
    .uln_counter_peek = e_uln_counter_peek,
    .learner_exists = e_learner_exists,
    .learner_insert = e_learner_insert,
    .learner_get = e_learner_get,
    .learner_update = e_learner_update,
    .learner_scan = e_learner_scan,
    .name_change_insert = e_name_change_insert,
    .name_change_scan = e_name_change_scan,
    .merge_insert = e_merge_insert,
    .audit_insert = e_audit_insert,
    .audit_scan = e_audit_scan,
    .audit_scan_user = e_audit_scan_user,
    .stats = e_stats,
    /* accounts */
    .org_insert = lrs__sqlite_org_insert,
    .org_get = lrs__sqlite_org_get,
    .org_find = lrs__sqlite_org_find,
    .org_scan = lrs__sqlite_org_scan,
    .user_insert = lrs__sqlite_user_insert,
    .user_get = lrs__sqlite_user_get,
    .user_scan = lrs__sqlite_user_scan,
    .user_update = lrs__sqlite_user_update,
    .token_insert = lrs__sqlite_token_insert,
    .token_get = lrs__sqlite_token_get,
    .token_revoke = lrs__sqlite_token_revoke,
    .token_scan = lrs__sqlite_token_scan,
    .session_insert = lrs__sqlite_session_insert,
    .session_get = lrs__sqlite_session_get,
    .session_revoke = lrs__sqlite_session_revoke,
    .setting_get = lrs__sqlite_setting_get,
    .setting_insert = lrs__sqlite_setting_insert,
    .job_insert = lrs__sqlite_job_insert,
    .job_get = lrs__sqlite_job_get,
    .job_blob = lrs__sqlite_job_blob,
    .job_claim = lrs__sqlite_job_claim,
    .job_update = lrs__sqlite_job_update,
    .job_outputs = lrs__sqlite_job_outputs,
    .job_scan = lrs__sqlite_job_scan,
    .job_rows_insert = lrs__sqlite_job_rows_insert,
    .job_row_set_uln = lrs__sqlite_job_row_set_uln,
    .job_row_scan = lrs__sqlite_job_row_scan,
    .exception_insert = lrs__sqlite_exception_insert,
    .exception_get = lrs__sqlite_exception_get,
    .exception_resolve = lrs__sqlite_exception_resolve,
    .exception_scan = lrs__sqlite_exception_scan,
    /* plr */
    .achievement_find = lrs__sqlite_achievement_find,
    .achievement_insert = lrs__sqlite_achievement_insert,
    .achievement_update = lrs__sqlite_achievement_update,
    .achievement_scan = lrs__sqlite_achievement_scan,
    .grade_change_insert = lrs__sqlite_grade_change_insert,
    .grade_change_scan = lrs__sqlite_grade_change_scan,
    .entry_find = lrs__sqlite_entry_find,
    .entry_put = lrs__sqlite_entry_put,
    .entry_scan = lrs__sqlite_entry_scan,
    .entry_mark_sent = lrs__sqlite_entry_mark_sent,
    .share_insert = lrs__sqlite_share_insert,
    .share_get = lrs__sqlite_share_get,
    .share_update = lrs__sqlite_share_update,
    .share_scan = lrs__sqlite_share_scan,
    .entry_submission_add = lrs__sqlite_entry_submission_add,
    .entry_version_add = lrs__sqlite_entry_version_add,
    .entry_sent_scan = lrs__sqlite_entry_sent_scan,
    .invite_insert = lrs__sqlite_invite_insert,
    .invite_live = lrs__sqlite_invite_live,
    .invite_update = lrs__sqlite_invite_update,
    /* links */
    .link_insert = lrs__sqlite_link_insert,
    .link_scan = lrs__sqlite_link_scan,
    .merge_open = lrs__sqlite_merge_open,
    .merge_close = lrs__sqlite_merge_close,
    .non_match_insert = lrs__sqlite_non_match_insert,
    .non_match_scan = lrs__sqlite_non_match_scan,
    .identity_insert = lrs__sqlite_identity_insert,
    .identity_drop = lrs__sqlite_identity_drop,
    /* the match model */
    .model_insert = lrs__sqlite_model_insert,
    .model_latest = lrs__sqlite_model_latest,
    /* school rosters */
    .roster_put = lrs__sqlite_roster_put,
    .roster_get = lrs__sqlite_roster_get,
    /* the change feed */
    .change_read = lrs__sqlite_change_read,
    .change_tail = lrs__sqlite_change_tail,
    .change_prune = lrs__sqlite_change_prune,
};

/* For accounts.c (sqlite_int.h). */
struct sqlite3 *lrs__sqlite_db(void *ep)
{
    return ((struct engine *)ep)->db;
}

enum lrs_err lrs__sqlite_fail(void *ep, int rc)
{
    return fail_rc(ep, rc);
}

enum lrs_err lrs__sqlite_fail_msg(void *ep, enum lrs_err err, const char *msg)
{
    return fail_msg(ep, err, msg);
}

/* For plr.c (sqlite_int.h): its statement cache lives with the
 * connection and is finalized before it closes. */
void **lrs__sqlite_plr_state(void *ep)
{
    return &((struct engine *)ep)->plr;
}

/* For batch.c (sqlite_int.h). */
sqlite3_stmt **lrs__sqlite_batch_stmts(void *ep)
{
    return ((struct engine *)ep)->batch;
}
