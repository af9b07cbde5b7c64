/*
 * pg/roster.c - the school roster ops of the PostgreSQL engine
 * (store_int.h, "school rosters") and the migration that creates their
 * table, as SQLite's (sqlite/roster.c). A few calls per page, so
 * PQexecParams as links.c, outside pg.c's prepared statements.
 */
#include "base/base.h"

#include "store/pg/pg_int.h"

#include <stdlib.h>

/* Schema version 8, as SQLite's. */
const char *const lrs__pg_roster_migration[] = {
    "CREATE TABLE school_rosters ("
    " org_id bigint PRIMARY KEY REFERENCES organisations(id),"
    " user_id bigint NOT NULL,"
    " updated_ms bigint NOT NULL,"
    " source text NOT NULL CHECK (source IN ('upload','import')),"
    " file_name text NOT NULL DEFAULT '',"
    " pupils bigint NOT NULL DEFAULT 0 CHECK (pupils >= 0),"
    " roster text NOT NULL CHECK (octet_length(roster) > 0),"
    " roster_before text,"
    " import_ctf text,"
    " CHECK ((source = 'import') = (roster_before IS NOT NULL)),"
    " CHECK ((roster_before IS NULL) = (import_ctf IS NULL)))",
    NULL,
};

/* The texts are NUL-terminated at their len (store.c copies them so). */
enum lrs_err lrs__pg_roster_put(void *e, const struct lrs_store_roster *r,
                                struct lrs_str csv, struct lrs_str before,
                                struct lrs_str ctf)
{
    struct pg *p = e;
    struct pg_params pp;
    PGresult *res;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    lrs__pg_param_i64(&pp, r->org_id);
    lrs__pg_param_i64(&pp, r->user_id);
    lrs__pg_param_i64(&pp, r->updated_ms);
    lrs__pg_param_str(&pp, r->source);
    lrs__pg_param_str(&pp, r->file_name);
    lrs__pg_param_i64(&pp, r->pupils);
    lrs__pg_param_str(&pp, csv.ptr);
    lrs__pg_param_str(&pp, before.ptr);
    lrs__pg_param_str(&pp, ctf.ptr);
    err = lrs__pg_exec_params(
        p,
        "INSERT INTO school_rosters (org_id, user_id, updated_ms,"
        " source, file_name, pupils, roster, roster_before, import_ctf)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        " ON CONFLICT (org_id) DO UPDATE SET user_id = EXCLUDED.user_id,"
        " updated_ms = EXCLUDED.updated_ms, source = EXCLUDED.source,"
        " file_name = EXCLUDED.file_name, pupils = EXCLUDED.pupils,"
        " roster = EXCLUDED.roster, roster_before = EXCLUDED.roster_before,"
        " import_ctf = EXCLUDED.import_ctf",
        &pp, &res);
    if (err)
        return err;
    PQclear(res);
    return LRS_OK;
}

enum lrs_err lrs__pg_roster_get(void *e, int64_t org_id,
                                struct lrs_store_roster *out,
                                struct lrs_buf *csv, struct lrs_buf *before,
                                struct lrs_buf *ctf)
{
    struct pg *p = e;
    struct pg_params pp;
    PGresult *res;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    lrs__pg_param_i64(&pp, org_id);
    err = lrs__pg_exec_params(
        p,
        "SELECT user_id, updated_ms, source, file_name, pupils, roster,"
        " roster_before, import_ctf FROM school_rosters"
        " WHERE org_id = $1",
        &pp, &res);
    if (err)
        return err;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return LRS_ENOTFOUND;
    }
    out->org_id = org_id;
    out->user_id = lrs__pg_col_i64(res, 0, 0);
    out->updated_ms = lrs__pg_col_i64(res, 0, 1);
    snprintf(out->source, sizeof out->source, "%s", PQgetvalue(res, 0, 2));
    snprintf(out->file_name, sizeof out->file_name, "%s",
             PQgetvalue(res, 0, 3));
    out->pupils = lrs__pg_col_i64(res, 0, 4);
    out->has_before = !PQgetisnull(res, 0, 6);
    err =
        lrs_buf_add(csv, PQgetvalue(res, 0, 5), (size_t)PQgetlength(res, 0, 5));
    if (!err && before && out->has_before)
        err = lrs_buf_add(before, PQgetvalue(res, 0, 6),
                          (size_t)PQgetlength(res, 0, 6));
    if (!err && ctf && out->has_before)
        err = lrs_buf_add(ctf, PQgetvalue(res, 0, 7),
                          (size_t)PQgetlength(res, 0, 7));
    PQclear(res);
    if (err)
        return lrs__pg_fail(p, err, "out of memory");
    return LRS_OK;
}
