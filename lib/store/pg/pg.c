/*
 * pg/pg.c - the PostgreSQL engine: connection, statements, errors,
 * transactions, and the ops table store.c picks for postgres:// URLs.
 *
 * libpq parses the URL (postgres:// and postgresql:// alike). Each
 * connection is set up for durable commits (synchronous_commit on), a lock
 * timeout of the store's busy timeout, UTF-8, and no notices: libpq would
 * print them on stderr and the library never prints. cursor_tuple_fraction
 * is 1 because every cursor here is read to the end: planned for the first
 * rows, a full scan of 1,000,000 learners walked the primary key in ULN
 * order with a random heap read per row, 2.7 times slower.
 *
 * Statements: every one is in the table below, prepared on first use and
 * cached for the life of the connection (lrs__pg_run). Lazily, because the
 * tables do not exist until the first migration.
 *
 * Errors: SQLSTATE 40001 (serialization failure), 40P01 (deadlock) and
 * 55P03 (lock not available, i.e. lock_timeout) are LRS_EBUSY; 23505
 * (unique violation) LRS_ECONFLICT; 53200 LRS_ENOMEM; XX001 and XX002
 * (data or index corrupted) and other class 23 integrity violations
 * LRS_ECORRUPT (as SQLite's constraint errors); 53100 (disk full) and
 * class 54 LRS_ELIMIT; anything else LRS_EIO. Only the
 * server's primary message is kept: DETAIL lines echo row values, which
 * are personal data (store_int.h: no message holds learner data).
 */
#include "base/base.h"

#include "store/pg/pg_int.h"

#include <inttypes.h>

/* ------------------------------------------------------------------ */
/* Statements                                                         */
/* ------------------------------------------------------------------ */

#define LEARNER_COLS                                                           \
    "uln, given_name, middle_names, family_name, previous_family_name,"        \
    " preferred_given_name, date_of_birth, gender, postcode,"                  \
    " address_line1, address_line2, address_town, address_county,"             \
    " ability_to_share, status, master_uln, version, created_ms,"              \
    " updated_ms, created_by, created_org"
#define NAME_COLS                                                              \
    "id, uln, given_name, middle_names, family_name,"                          \
    " preferred_given_name, changed_ms, user_id, org_id, reason"
#define AUDIT_COLS                                                             \
    "id, at_ms, user_id, org_id, source, action, uln, addr, subject_user_id"

/* Statement names are "lrs" and the index: short and unique. */
static const char *const sql[PG_STMT__COUNT] = {
    [PG_BEGIN] = "BEGIN ISOLATION LEVEL READ COMMITTED",
    [PG_COMMIT] = "COMMIT",
    [PG_ROLLBACK] = "ROLLBACK",
    /* The catalog read with this statement's snapshot, not to_regclass():
     * that consults a cache that can miss a table another `lrs init`
     * committed while we waited for PG_MIGRATE_LOCK. */
    [PG_SCHEMA_EXISTS] = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c"
                         " JOIN pg_catalog.pg_namespace n"
                         " ON n.oid = c.relnamespace"
                         " WHERE n.nspname = current_schema()"
                         " AND c.relname = 'schema_version')",
    [PG_SCHEMA_GET] = "SELECT version FROM schema_version",
    [PG_SCHEMA_SET] = "INSERT INTO schema_version (id, version)"
                      " VALUES (1, $1) ON CONFLICT (id)"
                      " DO UPDATE SET version = excluded.version",
    /* Serialises concurrent `lrs init`s until the first commits. The key
     * is "lrs_init" as a number; any constant would do. */
    [PG_MIGRATE_LOCK] = "SELECT pg_advisory_xact_lock(7813177073011561844)",
    [PG_KEY_GET] = "SELECT encode(key, 'hex') FROM uln_allocator"
                   " WHERE id = 1 AND key IS NOT NULL",
    [PG_KEY_PUT] = "UPDATE uln_allocator SET key = $1"
                   " WHERE id = 1 AND key IS NULL",
    [PG_COUNTER_BLOCK] = "SELECT nextval('uln_counter')"
                         " FROM generate_series(1, $1)",
    [PG_COUNTER_PEEK] = "SELECT CASE WHEN is_called THEN last_value + 1"
                        " ELSE last_value END FROM uln_counter",
    [PG_LEARNER_EXISTS] = "SELECT 1 FROM learners WHERE uln = $1",
    [PG_LEARNER_INSERT] =
        "INSERT INTO learners (" LEARNER_COLS ") VALUES ($1, $2, $3, $4,"
        " $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,"
        " $19, $20, $21) ON CONFLICT DO NOTHING",
    [PG_LEARNER_GET] = "SELECT " LEARNER_COLS " FROM learners WHERE uln = $1",
    [PG_LEARNER_UPDATE] =
        "UPDATE learners SET given_name = $2, middle_names = $3,"
        " family_name = $4, previous_family_name = $5,"
        " preferred_given_name = $6, date_of_birth = $7, gender = $8,"
        " postcode = $9, address_line1 = $10, address_line2 = $11,"
        " address_town = $12, address_county = $13,"
        " ability_to_share = $14, status = $15, master_uln = $16,"
        " version = $17, updated_ms = $18"
        " WHERE uln = $1 AND version = $19",
    [PG_LEARNER_SCAN_OPEN] =
        "DECLARE lrs_learners NO SCROLL CURSOR FOR"
        " SELECT " LEARNER_COLS " FROM learners ORDER BY uln",
    [PG_LEARNER_SCAN_FETCH] = "FETCH 1000 FROM lrs_learners",
    [PG_LEARNER_SCAN_CLOSE] = "CLOSE lrs_learners",
    [PG_NAME_INSERT] =
        "INSERT INTO name_history (uln, given_name, middle_names,"
        " family_name, preferred_given_name, changed_ms, user_id, org_id,"
        " reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    [PG_NAME_SCAN_ALL] = "DECLARE lrs_names NO SCROLL CURSOR FOR"
                         " SELECT " NAME_COLS " FROM name_history"
                         " ORDER BY id",
    [PG_NAME_SCAN_ULN] = "DECLARE lrs_names NO SCROLL CURSOR FOR"
                         " SELECT " NAME_COLS " FROM name_history"
                         " WHERE uln = $1 ORDER BY id",
    [PG_NAME_SCAN_FETCH] = "FETCH 1000 FROM lrs_names",
    [PG_NAME_SCAN_CLOSE] = "CLOSE lrs_names",
    [PG_MERGE_INSERT] =
        "INSERT INTO merges (merged_uln, master_uln, merged_ms, user_id,"
        " org_id, reason) VALUES ($1, $2, $3, $4, $5, $6)",
    [PG_AUDIT_INSERT] =
        "INSERT INTO audit_log (at_ms, user_id, org_id, source, action, uln,"
        " addr, subject_user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    [PG_AUDIT_SCAN_ALL] = "DECLARE lrs_audit NO SCROLL CURSOR FOR"
                          " SELECT " AUDIT_COLS " FROM audit_log"
                          " ORDER BY id",
    [PG_AUDIT_SCAN_ULN] = "DECLARE lrs_audit NO SCROLL CURSOR FOR"
                          " SELECT " AUDIT_COLS " FROM audit_log"
                          " WHERE uln = $1 ORDER BY id",
    [PG_AUDIT_SCAN_USER] = "DECLARE lrs_audit NO SCROLL CURSOR FOR"
                           " SELECT " AUDIT_COLS " FROM audit_log"
                           " WHERE subject_user_id = $1 ORDER BY id",
    [PG_AUDIT_SCAN_FETCH] = "FETCH 1000 FROM lrs_audit",
    [PG_AUDIT_SCAN_CLOSE] = "CLOSE lrs_audit",
    [PG_STATS] = "SELECT count(*), count(*) FILTER (WHERE status = 0),"
                 " count(*) FILTER (WHERE status = 1),"
                 " count(*) FILTER (WHERE status = 2),"
                 " (SELECT count(*) FROM name_history),"
                 " (SELECT count(*) FROM merges),"
                 " (SELECT count(*) FROM audit_log),"
                 " (SELECT count(*) FROM organisations) FROM learners",
};

/* ------------------------------------------------------------------ */
/* Errors                                                             */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__pg_fail(struct pg *p, enum lrs_err err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(p->errmsg, sizeof p->errmsg, fmt, ap);
    va_end(ap);
    return LRS_ERR(err);
}

/* Copy the first line of `msg` into out[size], without the role or user
 * name libpq quotes in connection errors (they name a person). */
static void first_line(char *out, size_t size, const char *msg)
{
    static const char *const hide[] = {"user \"", "role \""};
    size_t n = 0;

    while (*msg && *msg != '\n' && n + 1 < size) {
        size_t skip = 0;

        for (size_t i = 0; i < LRS_ARRAY_LEN(hide); i++) {
            const size_t len = strlen(hide[i]);

            if (strncmp(msg, hide[i], len) == 0)
                skip = len;
        }
        if (skip && n + skip + 4 < size) {
            const char *end = strchr(msg + skip, '"');

            memcpy(out + n, msg, skip);
            n += skip;
            memcpy(out + n, "...", 3);
            n += 3;
            msg = end ? end : msg + strlen(msg);
            continue;
        }
        out[n++] = *msg++;
    }
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\r'))
        n--;
    out[n] = '\0';
}

static enum lrs_err map_sqlstate(const char *state)
{
    static const struct {
        const char *state;
        enum lrs_err err;
    } map[] = {
        {"40001", LRS_EBUSY},    {"40P01", LRS_EBUSY},
        {"55P03", LRS_EBUSY},    {"23505", LRS_ECONFLICT},
        {"53200", LRS_ENOMEM},   {"XX001", LRS_ECORRUPT},
        {"XX002", LRS_ECORRUPT},
    };

    for (size_t i = 0; state && i < LRS_ARRAY_LEN(map); i++) {
        if (strcmp(state, map[i].state) == 0)
            return map[i].err;
    }
    /* As the SQLite engine: another integrity violation (check, foreign
     * key, not null) means the stored data would break an invariant; a
     * full disk or a program limit is a limit. */
    if (state && strncmp(state, "23", 2) == 0)
        return LRS_ECORRUPT;
    if (state && (strcmp(state, "53100") == 0 || strncmp(state, "54", 2) == 0))
        return LRS_ELIMIT;
    return LRS_EIO;
}

/* Map a failed result (or none: `res` NULL) to an error and a message. */
enum lrs_err lrs__pg_fail_result(struct pg *p, const PGresult *res)
{
    const char *state, *msg;
    char *colon;

    if (!res) {
        if (PQstatus(p->conn) == CONNECTION_BAD) {
            first_line(p->errmsg, sizeof p->errmsg, PQerrorMessage(p->conn));
            return LRS_ERR(LRS_EIO);
        }
        return lrs__pg_fail(p, LRS_ENOMEM, "out of memory");
    }
    state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    if (msg)
        first_line(p->errmsg, sizeof p->errmsg, msg);
    else
        first_line(p->errmsg, sizeof p->errmsg, PQresultErrorMessage(res));
    /* Class 22 (data exception) messages end with the offending value,
     * e.g. 'invalid input syntax for type bigint: "x"': drop it. */
    colon = strrchr(p->errmsg, ':');
    if (state && strncmp(state, "22", 2) == 0 && colon)
        *colon = '\0';
    if (!p->errmsg[0])
        snprintf(p->errmsg, sizeof p->errmsg, "server error %s",
                 state ? state : "(no SQLSTATE)");
    return LRS_ERR(map_sqlstate(state));
}

/* ------------------------------------------------------------------ */
/* Parameters and results                                             */
/* ------------------------------------------------------------------ */

void lrs__pg_params_init(struct pg_params *p)
{
    p->count = 0;
}

static int next_param(struct pg_params *p)
{
    if ((size_t)p->count >= LRS_ARRAY_LEN(p->values))
        LRS_BUG("pg: too many statement parameters");
    p->lengths[p->count] = 0;
    p->formats[p->count] = 0;
    return p->count++;
}

void lrs__pg_param_str(struct pg_params *p, const char *s)
{
    const int i = next_param(p);

    p->values[i] = s;
}

void lrs__pg_param_i64(struct pg_params *p, int64_t v)
{
    const int i = next_param(p);

    snprintf(p->scratch[i], sizeof p->scratch[i], "%" PRId64, v);
    p->values[i] = p->scratch[i];
}

void lrs__pg_param_bin(struct pg_params *p, const void *ptr, size_t len)
{
    const int i = next_param(p);

    LRS_ASSERT(len <= INT_MAX);
    p->values[i] = ptr;
    p->lengths[i] = (int)len;
    p->formats[i] = 1;
}

enum lrs_err lrs__pg_exec_params(struct pg *p, const char *text,
                                 const struct pg_params *pp, PGresult **out)
{
    PGresult *res = PQexecParams(p->conn, text, pp->count, NULL, pp->values,
                                 pp->lengths, pp->formats, 0);
    const ExecStatusType st = PQresultStatus(res);
    enum lrs_err err;

    *out = NULL;
    if (res && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)) {
        *out = res;
        return LRS_OK;
    }
    err = lrs__pg_fail_result(p, res);
    PQclear(res);
    return err;
}

int64_t lrs__pg_col_i64(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return 0;
    return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

void lrs__pg_col_text(const PGresult *res, int row, int col, char *dst,
                      size_t size)
{
    const char *v = PQgetvalue(res, row, col);
    size_t n =
        PQgetisnull(res, row, col) ? 0 : (size_t)PQgetlength(res, row, col);

    if (n > size - 1)
        n = size - 1;
    memcpy(dst, v, n);
    dst[n] = '\0';
}

enum lrs_err lrs__pg_get_i64(struct pg *p, const PGresult *res, int row,
                             int col, int64_t min, int64_t max, int64_t *out)
{
    const char *v;
    char *end;
    long long n;

    if (PQgetisnull(res, row, col)) {
        *out = 0;
        return LRS_OK;
    }
    v = PQgetvalue(res, row, col);
    errno = 0;
    n = strtoll(v, &end, 10);
    if (errno || end == v || *end || n < min || n > max)
        return lrs__pg_fail(p, LRS_ECORRUPT,
                            "column %s holds a value out of range",
                            PQfname(res, col));
    *out = n;
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Running statements                                                 */
/* ------------------------------------------------------------------ */

static enum lrs_err prepare(struct pg *p, enum pg_stmt st)
{
    char name[16];
    const char *state;
    PGresult *res;
    enum lrs_err err = LRS_OK;

    snprintf(name, sizeof name, "lrs%d", (int)st);
    res = PQprepare(p->conn, name, sql[st], 0, NULL);
    state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    /* 42P05: prepared before a reset that failed to deallocate it; the
     * name always stands for the same SQL. */
    if (PQresultStatus(res) == PGRES_COMMAND_OK ||
        (state && strcmp(state, "42P05") == 0))
        p->prepared[st] = true;
    else
        err = lrs__pg_fail_result(p, res);
    PQclear(res);
    return err;
}

enum lrs_err lrs__pg_run(struct pg *p, enum pg_stmt st,
                         const struct pg_params *params, PGresult **out)
{
    const int n = params ? params->count : 0;
    char name[16];
    PGresult *res;
    enum lrs_err err;

    *out = NULL;
    p->errmsg[0] = '\0';
    if (!p->prepared[st]) {
        err = prepare(p, st);
        if (err)
            return err;
    }
    snprintf(name, sizeof name, "lrs%d", (int)st);
    res = PQexecPrepared(p->conn, name, n, n ? params->values : NULL,
                         n ? params->lengths : NULL, n ? params->formats : NULL,
                         0);
    switch (PQresultStatus(res)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
        *out = res;
        return LRS_OK;
    default:
        err = lrs__pg_fail_result(p, res);
        PQclear(res);
        return err;
    }
}

enum lrs_err lrs__pg_do(struct pg *p, enum pg_stmt st,
                        const struct pg_params *params)
{
    PGresult *res;
    const enum lrs_err err = lrs__pg_run(p, st, params, &res);

    PQclear(res);
    return err;
}

enum lrs_err lrs__pg_exec_sql(struct pg *p, const char *text)
{
    PGresult *res = PQexec(p->conn, text);
    enum lrs_err err = LRS_OK;

    p->errmsg[0] = '\0';
    if (PQresultStatus(res) != PGRES_COMMAND_OK &&
        PQresultStatus(res) != PGRES_TUPLES_OK)
        err = lrs__pg_fail_result(p, res);
    PQclear(res);
    return err;
}

/* The result of a PQexec* call: *out owns it on success. */
static enum lrs_err take_result(struct pg *p, PGresult *res, PGresult **out)
{
    switch (PQresultStatus(res)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
        *out = res;
        return LRS_OK;
    default: {
        const enum lrs_err err = lrs__pg_fail_result(p, res);

        PQclear(res);
        return err;
    }
    }
}

enum lrs_err lrs__pg_run_static(struct pg *p, const char *text,
                                const struct pg_params *params, PGresult **out)
{
    const int n = params ? params->count : 0;
    const char *const *values = n ? params->values : NULL;
    const int *lengths = n ? params->lengths : NULL;
    const int *formats = n ? params->formats : NULL;
    unsigned i = 0;
    char name[24];
    PGresult *res;

    *out = NULL;
    p->errmsg[0] = '\0';
    while (i < p->static_count && p->static_sql[i] != text)
        i++;
    if (i == PG_STATIC_MAX)
        return take_result(
            p,
            PQexecParams(p->conn, text, n, NULL, values, lengths, formats, 0),
            out);
    if (i == p->static_count) {
        const unsigned serial = p->static_next++;

        snprintf(name, sizeof name, "lrss%u", serial);
        res = PQprepare(p->conn, name, text, 0, NULL);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            return take_result(p, res, out);
        PQclear(res);
        p->static_sql[i] = text;
        p->static_serial[i] = serial;
        p->static_count++;
    }
    snprintf(name, sizeof name, "lrss%u", p->static_serial[i]);
    return take_result(
        p, PQexecPrepared(p->conn, name, n, values, lengths, formats, 0), out);
}

void lrs__pg_forget_prepared(struct pg *p)
{
    memset(p->prepared, 0, sizeof p->prepared);
    p->static_count = 0;
    p->plr_prepared = 0;
}

bool lrs__pg_in_txn(const struct pg *p)
{
    return PQtransactionStatus(p->conn) != PQTRANS_IDLE;
}

/* ------------------------------------------------------------------ */
/* Connection                                                         */
/* ------------------------------------------------------------------ */

/* libpq prints notices on stderr unless told otherwise. */
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static enum lrs_err pg_open(const char *url, unsigned flags, int busy_ms,
                            void **out, struct lrs_diag *diag)
{
    char setup[256], msg[256];
    struct pg *p;
    enum lrs_err err;

    /* The database must exist: creating one needs rights over the whole
     * server, which is the operator's job (docs/store.md). */
    (void)flags;
    *out = NULL;
    p = lrs_calloc(1, sizeof *p);
    if (!p)
        return LRS_ERR(LRS_ENOMEM);
    lrs_buf_init(&p->audit, 0);
    p->ctr_block = 1;
    p->conn = PQconnectdb(url);
    if (!p->conn) {
        lrs_free(p);
        return LRS_ERR(LRS_ENOMEM);
    }
    if (PQstatus(p->conn) != CONNECTION_OK) {
        first_line(msg, sizeof msg, PQerrorMessage(p->conn));
        lrs_diag_set(diag, "db", "%s", msg);
        err = LRS_ERR(LRS_EIO);
        goto out;
    }
    PQsetNoticeProcessor(p->conn, quiet, NULL);
    if (PQserverVersion(p->conn) < 100000) {
        lrs_diag_set(diag, "db",
                     "PostgreSQL 10 or later is needed, the "
                     "server is version %d",
                     PQserverVersion(p->conn));
        err = LRS_ERR(LRS_EIO);
        goto out;
    }
    snprintf(setup, sizeof setup,
             "SET synchronous_commit = on; SET lock_timeout = %d;"
             " SET client_encoding = 'UTF8';"
             " SET client_min_messages = warning;"
             " SET cursor_tuple_fraction = 1;"
             " SET application_name = 'lrs'",
             busy_ms > 0 ? busy_ms : 1);
    err = lrs__pg_exec_sql(p, setup);
    if (err) {
        lrs_diag_set(diag, "db", "%s", p->errmsg);
        goto out;
    }
out:
    if (err) {
        PQfinish(p->conn);
        lrs_free(p);
        return err;
    }
    *out = p;
    return LRS_OK;
}

static void pg_close(void *e)
{
    struct pg *p = e;

    if (!p)
        return;
    /* The server rolls back an open transaction when the connection
     * ends. */
    PQfinish(p->conn);
    lrs_buf_release(&p->audit);
    LRS_POISON(p, sizeof *p);
    lrs_free(p);
}

static const char *pg_errmsg(void *e)
{
    const struct pg *p = e;

    return p->errmsg;
}

/* ------------------------------------------------------------------ */
/* Transactions                                                       */
/* ------------------------------------------------------------------ */

static enum lrs_err pg_begin(void *e)
{
    struct pg *p = e;

    if (lrs__pg_in_txn(p))
        return lrs__pg_fail(p, LRS_EIO, "a transaction is already open");
    return lrs__pg_do(p, PG_BEGIN, NULL);
}

static void pg_rollback(void *e)
{
    struct pg *p = e;
    char keep[sizeof p->errmsg];

    lrs__pg_audit_drop(p);
    if (!lrs__pg_in_txn(p))
        return;
    /* Keep the message of the failure that led here. */
    memcpy(keep, p->errmsg, sizeof keep);
    (void)lrs__pg_do(p, PG_ROLLBACK, NULL);
    memcpy(p->errmsg, keep, sizeof keep);
}

static enum lrs_err pg_commit(void *e)
{
    struct pg *p = e;
    PGresult *res;
    enum lrs_err err;

    if (PQtransactionStatus(p->conn) == PQTRANS_INERROR) {
        pg_rollback(p);
        return lrs__pg_fail(p, LRS_EIO,
                            "the transaction was aborted by an "
                            "earlier error and has been rolled back");
    }
    err = lrs__pg_audit_flush(p);
    if (err) {
        pg_rollback(p);
        return err;
    }
    err = lrs__pg_run(p, PG_COMMIT, NULL, &res);
    /* COMMIT of a failed transaction succeeds with the tag ROLLBACK. */
    if (!err && strcmp(PQcmdStatus(res), "COMMIT") != 0)
        err = lrs__pg_fail(p, LRS_EIO, "the transaction was rolled back");
    PQclear(res);
    if (err)
        pg_rollback(p);
    return err;
}

/* ------------------------------------------------------------------ */
/* The engine                                                         */
/* ------------------------------------------------------------------ */

const struct lrs_store_ops lrs__store_pg_ops = {
    .name = "postgres",
    .open = pg_open,
    .close = pg_close,
    .errmsg = pg_errmsg,
    .schema_version = lrs__pg_schema_version,
    .migrate = lrs__pg_migrate,
    .reset = lrs__pg_reset,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .uln_key_get = lrs__pg_uln_key_get,
    .uln_key_put = lrs__pg_uln_key_put,
    .uln_counter_next = lrs__pg_uln_counter_next,
    .uln_counter_peek = lrs__pg_uln_counter_peek,
    .learner_exists = lrs__pg_learner_exists,
    .learner_insert = lrs__pg_learner_insert,
    .learner_get = lrs__pg_learner_get,
    .learner_update = lrs__pg_learner_update,
    .learner_scan = lrs__pg_learner_scan,
    .name_change_insert = lrs__pg_name_change_insert,
    .name_change_scan = lrs__pg_name_change_scan,
    .merge_insert = lrs__pg_merge_insert,
    .audit_insert = lrs__pg_audit_insert,
    .audit_scan = lrs__pg_audit_scan,
    .audit_scan_user = lrs__pg_audit_scan_user,
    .stats = lrs__pg_stats,
    /* accounts */
    .org_insert = lrs__pg_org_insert,
    .org_get = lrs__pg_org_get,
    .org_find = lrs__pg_org_find,
    .org_scan = lrs__pg_org_scan,
    .user_insert = lrs__pg_user_insert,
    .user_get = lrs__pg_user_get,
    .user_scan = lrs__pg_user_scan,
    .user_update = lrs__pg_user_update,
    .token_insert = lrs__pg_token_insert,
    .token_get = lrs__pg_token_get,
    .token_revoke = lrs__pg_token_revoke,
    .token_scan = lrs__pg_token_scan,
    .session_insert = lrs__pg_session_insert,
    .session_get = lrs__pg_session_get,
    .session_revoke = lrs__pg_session_revoke,
    .setting_get = lrs__pg_setting_get,
    .setting_insert = lrs__pg_setting_insert,
    .job_insert = lrs__pg_job_insert,
    .job_get = lrs__pg_job_get,
    .job_blob = lrs__pg_job_blob,
    .job_claim = lrs__pg_job_claim,
    .job_update = lrs__pg_job_update,
    .job_outputs = lrs__pg_job_outputs,
    .job_scan = lrs__pg_job_scan,
    .job_rows_insert = lrs__pg_job_rows_insert,
    .job_row_set_uln = lrs__pg_job_row_set_uln,
    .job_row_scan = lrs__pg_job_row_scan,
    .exception_insert = lrs__pg_exception_insert,
    .exception_get = lrs__pg_exception_get,
    .exception_resolve = lrs__pg_exception_resolve,
    .exception_scan = lrs__pg_exception_scan,
    /* plr */
    .achievement_find = lrs__pg_achievement_find,
    .achievement_insert = lrs__pg_achievement_insert,
    .achievement_update = lrs__pg_achievement_update,
    .achievement_scan = lrs__pg_achievement_scan,
    .grade_change_insert = lrs__pg_grade_change_insert,
    .grade_change_scan = lrs__pg_grade_change_scan,
    .entry_find = lrs__pg_entry_find,
    .entry_put = lrs__pg_entry_put,
    .entry_scan = lrs__pg_entry_scan,
    .entry_mark_sent = lrs__pg_entry_mark_sent,
    .share_insert = lrs__pg_share_insert,
    .share_get = lrs__pg_share_get,
    .share_update = lrs__pg_share_update,
    .share_scan = lrs__pg_share_scan,
    .entry_submission_add = lrs__pg_entry_submission_add,
    .entry_version_add = lrs__pg_entry_version_add,
    .entry_sent_scan = lrs__pg_entry_sent_scan,
    .invite_insert = lrs__pg_invite_insert,
    .invite_live = lrs__pg_invite_live,
    .invite_update = lrs__pg_invite_update,
    /* links */
    .link_insert = lrs__pg_link_insert,
    .link_scan = lrs__pg_link_scan,
    .merge_open = lrs__pg_merge_open,
    .merge_close = lrs__pg_merge_close,
    .non_match_insert = lrs__pg_non_match_insert,
    .non_match_scan = lrs__pg_non_match_scan,
    .identity_insert = lrs__pg_identity_insert,
    .identity_drop = lrs__pg_identity_drop,
    /* the match model */
    .model_insert = lrs__pg_model_insert,
    .model_latest = lrs__pg_model_latest,
    /* school rosters */
    .roster_put = lrs__pg_roster_put,
    .roster_get = lrs__pg_roster_get,
    /* the change feed */
    .change_read = lrs__pg_change_read,
    .change_tail = lrs__pg_change_tail,
    .change_prune = lrs__pg_change_prune,
};
