/*
 * pg/learner.c - the row operations of the PostgreSQL engine: the ULN
 * allocator, learners, name history, merges, the audit log, statistics.
 *
 * Conversions match the SQLite engine's, so that both engines pass the
 * same contract tests: a ULN is stored as bigint and must be ten ASCII
 * digits (an insert of anything else is LRS_EINVAL, a lookup finds
 * nothing), read back zero-padded to ten digits; "" master or audit ULNs
 * are NULL; the date of birth is 'yyyy-mm-dd' text; strings too long for
 * their struct field are cut at the field's size.
 *
 * Scans read through a server-side cursor, PG_SCAN_BATCH rows per FETCH,
 * so a scan of millions of learners holds one batch in memory. A cursor
 * lives in a transaction: the caller's, or one the scan opens and closes.
 */
#include "base/base.h"

#include "store/pg/pg_int.h"

/* ------------------------------------------------------------------ */
/* Conversions                                                        */
/* ------------------------------------------------------------------ */

/* Whether `uln` is ten ASCII digits (what the bigint column can take). */
static bool uln_ok(const char *uln)
{
    int i;

    for (i = 0; uln[i]; i++) {
        if (i == LRS_ULN_LEN || uln[i] < '0' || uln[i] > '9')
            return false;
    }
    return i == LRS_ULN_LEN;
}

/* A stored ULN as ten digits; NULL (or 0) as "". */
static enum lrs_err col_uln(struct pg *p, const PGresult *res, int row, int col,
                            char out[LRS_ULN_SIZE])
{
    int64_t v;
    const enum lrs_err err =
        lrs__pg_get_i64(p, res, row, col, 0, 9999999999, &v);

    if (err)
        return err;
    if (v == 0)
        out[0] = '\0';
    else
        snprintf(out, LRS_ULN_SIZE, "%010lld", (long long)v);
    return LRS_OK;
}

static enum lrs_err col_int(struct pg *p, const PGresult *res, int row, int col,
                            int min, int max, int *out)
{
    int64_t v;
    const enum lrs_err err = lrs__pg_get_i64(p, res, row, col, min, max, &v);

    if (!err)
        *out = (int)v;
    return err;
}

/*
 * The parameters shared by PG_LEARNER_INSERT and PG_LEARNER_UPDATE: $1 to
 * $17, uln to version in LEARNER_COLS order. `dob` holds the formatted
 * date for as long as the parameters are used.
 */
static void learner_params(struct pg_params *pp, const struct lrs_learner *l,
                           char dob[11])
{
    lrs_date_format(l->date_of_birth, dob);
    lrs__pg_params_init(pp);
    lrs__pg_param_str(pp, l->uln);
    lrs__pg_param_str(pp, l->given_name);
    lrs__pg_param_str(pp, l->middle_names);
    lrs__pg_param_str(pp, l->family_name);
    lrs__pg_param_str(pp, l->previous_family_name);
    lrs__pg_param_str(pp, l->preferred_given_name);
    lrs__pg_param_str(pp, dob);
    lrs__pg_param_i64(pp, (int64_t)l->gender);
    lrs__pg_param_str(pp, l->postcode);
    lrs__pg_param_str(pp, l->address_line1);
    lrs__pg_param_str(pp, l->address_line2);
    lrs__pg_param_str(pp, l->address_town);
    lrs__pg_param_str(pp, l->address_county);
    lrs__pg_param_i64(pp, (int64_t)l->ability_to_share);
    lrs__pg_param_i64(pp, (int64_t)l->status);
    lrs__pg_param_str(pp, uln_ok(l->master_uln) ? l->master_uln : NULL);
    lrs__pg_param_i64(pp, l->version);
}

/* Read row `row` of a result in LEARNER_COLS order. */
static enum lrs_err read_learner(struct pg *p, const PGresult *res, int row,
                                 struct lrs_learner *l)
{
    char dob[11];
    int gender = 0, share = 0, status = 0;
    enum lrs_err err;

    lrs_learner_init(l);
    err = col_uln(p, res, row, 0, l->uln);
    lrs__pg_col_text(res, row, 1, l->given_name, sizeof l->given_name);
    lrs__pg_col_text(res, row, 2, l->middle_names, sizeof l->middle_names);
    lrs__pg_col_text(res, row, 3, l->family_name, sizeof l->family_name);
    lrs__pg_col_text(res, row, 4, l->previous_family_name,
                     sizeof l->previous_family_name);
    lrs__pg_col_text(res, row, 5, l->preferred_given_name,
                     sizeof l->preferred_given_name);
    lrs__pg_col_text(res, row, 6, dob, sizeof dob);
    if (!err && lrs_date_parse(lrs_str_c(dob), 0, "date_of_birth",
                               &l->date_of_birth, NULL))
        err = lrs__pg_fail(p, LRS_ECORRUPT, "stored date of birth is invalid");
    err = err ? err : col_int(p, res, row, 7, 0, 9, &gender);
    lrs__pg_col_text(res, row, 8, l->postcode, sizeof l->postcode);
    lrs__pg_col_text(res, row, 9, l->address_line1, sizeof l->address_line1);
    lrs__pg_col_text(res, row, 10, l->address_line2, sizeof l->address_line2);
    lrs__pg_col_text(res, row, 11, l->address_town, sizeof l->address_town);
    lrs__pg_col_text(res, row, 12, l->address_county, sizeof l->address_county);
    err = err ? err : col_int(p, res, row, 13, 0, 2, &share);
    err = err ? err : col_int(p, res, row, 14, 0, 2, &status);
    err = err ? err : col_uln(p, res, row, 15, l->master_uln);
    err = err ? err : col_int(p, res, row, 16, 1, INT32_MAX, &l->version);
    err = err ? err
              : lrs__pg_get_i64(p, res, row, 17, INT64_MIN, INT64_MAX,
                                &l->created_ms);
    err = err ? err
              : lrs__pg_get_i64(p, res, row, 18, INT64_MIN, INT64_MAX,
                                &l->updated_ms);
    err = err ? err
              : lrs__pg_get_i64(p, res, row, 19, INT64_MIN, INT64_MAX,
                                &l->created_by);
    err = err ? err
              : lrs__pg_get_i64(p, res, row, 20, INT64_MIN, INT64_MAX,
                                &l->created_org);
    if (err)
        return err;
    l->gender = (enum lrs_gender)gender;
    l->ability_to_share = (enum lrs_ability_to_share)share;
    l->status = (enum lrs_learner_status)status;
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Scans                                                              */
/* ------------------------------------------------------------------ */

/* Decode row `i` of `res` and hand it to the caller's callback. */
typedef enum lrs_err (*row_fn)(struct pg *p, const PGresult *res, int i,
                               void *arg);

struct scan {
    enum pg_stmt open, fetch, close;
    const struct pg_params *params; /* of `open`, or NULL */
    row_fn row;
    void *arg; /* the caller's callback and context, for `row` */
};

/* End a scan: close the cursor, or the transaction the scan opened,
 * keeping the message of an earlier failure. */
static enum lrs_err scan_end(struct pg *p, const struct scan *sc, bool own,
                             bool opened, enum lrs_err err)
{
    char keep[sizeof p->errmsg];
    enum lrs_err end = LRS_OK;

    memcpy(keep, p->errmsg, sizeof keep);
    if (own)
        end = lrs__pg_do(p, err ? PG_ROLLBACK : PG_COMMIT, NULL);
    else if (opened && PQtransactionStatus(p->conn) == PQTRANS_INTRANS)
        end = lrs__pg_do(p, sc->close, NULL);
    if (err) {
        memcpy(p->errmsg, keep, sizeof keep);
        return err;
    }
    return end;
}

static enum lrs_err scan(struct pg *p, const struct scan *sc)
{
    const bool own = !lrs__pg_in_txn(p);
    bool opened = false;
    enum lrs_err err = LRS_OK;

    if (own)
        err = lrs__pg_do(p, PG_BEGIN, NULL);
    if (!err) {
        err = lrs__pg_do(p, sc->open, sc->params);
        opened = !err;
    }
    while (!err) {
        PGresult *res;
        int n;

        err = lrs__pg_run(p, sc->fetch, NULL, &res);
        if (err)
            break;
        n = PQntuples(res);
        for (int i = 0; i < n && !err; i++)
            err = sc->row(p, res, i, sc->arg);
        PQclear(res);
        if (n < PG_SCAN_BATCH)
            break;
    }
    return scan_end(p, sc, own, opened, err);
}

/* ------------------------------------------------------------------ */
/* ULN allocator                                                      */
/* ------------------------------------------------------------------ */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

enum lrs_err lrs__pg_uln_key_get(void *e, struct lrs_uln_key *key)
{
    struct pg *p = e;
    PGresult *res;
    const char *hex;
    enum lrs_err err = lrs__pg_run(p, PG_KEY_GET, NULL, &res);

    if (err)
        return err;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return LRS_ENOTFOUND;
    }
    hex = PQgetvalue(res, 0, 0);
    if (strlen(hex) != 2 * sizeof key->bytes)
        err = lrs__pg_fail(p, LRS_ECORRUPT, "stored ULN key has a bad length");
    for (size_t i = 0; !err && i < sizeof key->bytes; i++) {
        const int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);

        if (hi < 0 || lo < 0)
            err = lrs__pg_fail(p, LRS_ECORRUPT, "stored ULN key is not hex");
        else
            key->bytes[i] = (uint8_t)(hi << 4 | lo);
    }
    PQclear(res);
    return err;
}

enum lrs_err lrs__pg_uln_key_put(void *e, const struct lrs_uln_key *key)
{
    struct pg *p = e;
    struct pg_params pp;
    PGresult *res;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    lrs__pg_param_bin(&pp, key->bytes, sizeof key->bytes);
    err = lrs__pg_run(p, PG_KEY_PUT, &pp, &res);
    if (err)
        return err;
    if (strcmp(PQcmdTuples(res), "0") == 0)
        err = lrs__pg_fail(p, LRS_ECONFLICT, "a ULN key is already stored");
    PQclear(res);
    return err;
}

/*
 * Counters come from the sequence in blocks, one round trip for up to
 * PG_COUNTER_BLOCK_MAX of them: the first block of a connection is one
 * counter, and each next block twice the last, so a lone registration
 * takes one and a bulk import soon takes 256 at a time. A counter taken
 * is this connection's alone; those not handed out when it closes are
 * never used (as with any sequence, a gap, not a duplicate).
 */
static enum lrs_err counter_refill(struct pg *p)
{
    struct pg_params pp;
    PGresult *res;
    int n;
    enum lrs_err err;

    lrs__pg_params_init(&pp);
    lrs__pg_param_i64(&pp, (int64_t)p->ctr_block);
    err = lrs__pg_run(p, PG_COUNTER_BLOCK, &pp, &res);
    if (err)
        return err;
    n = PQntuples(res);
    if (n < 1 || (size_t)n > p->ctr_block)
        err = lrs__pg_fail(p, LRS_EIO, "the ULN sequence gave %d values", n);
    p->ctr_at = p->ctr_len = 0;
    for (int i = 0; !err && i < n; i++) {
        int64_t v;

        err = lrs__pg_get_i64(p, res, i, 0, 0, INT64_MAX, &v);
        if (!err)
            p->ctr[p->ctr_len++] = (uint64_t)v;
    }
    PQclear(res);
    if (p->ctr_block < PG_COUNTER_BLOCK_MAX)
        p->ctr_block *= 2;
    return err;
}

enum lrs_err lrs__pg_uln_counter_next(void *e, uint64_t *counter)
{
    struct pg *p = e;

    if (p->ctr_at == p->ctr_len) {
        const enum lrs_err err = counter_refill(p);

        if (err)
            return err;
    }
    *counter = p->ctr[p->ctr_at++];
    return LRS_OK;
}

/* The next counter this connection would hand out: one it holds, or the
 * sequence's next value. */
enum lrs_err lrs__pg_uln_counter_peek(void *e, uint64_t *counter)
{
    struct pg *p = e;
    PGresult *res;
    int64_t v = 0;
    enum lrs_err err;

    if (p->ctr_at < p->ctr_len) {
        *counter = p->ctr[p->ctr_at];
        return LRS_OK;
    }
    err = lrs__pg_run(p, PG_COUNTER_PEEK, NULL, &res);
    if (err)
        return err;
    if (PQntuples(res) != 1)
        err = lrs__pg_fail(p, LRS_ECORRUPT, "the ULN counter is missing");
    else
        err = lrs__pg_get_i64(p, res, 0, 0, 0, INT64_MAX, &v);
    PQclear(res);
    if (!err)
        *counter = (uint64_t)v;
    return err;
}

void lrs__pg_counter_drop(struct pg *p)
{
    p->ctr_at = p->ctr_len = 0;
    p->ctr_block = 1;
}

/* ------------------------------------------------------------------ */
/* Learners                                                           */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__pg_learner_exists(void *e, const char *uln, bool *exists)
{
    struct pg *p = e;
    struct pg_params pp;
    PGresult *res;
    enum lrs_err err;

    *exists = false;
    if (!uln_ok(uln))
        return LRS_OK;
    lrs__pg_params_init(&pp);
    lrs__pg_param_str(&pp, uln);
    err = lrs__pg_run(p, PG_LEARNER_EXISTS, &pp, &res);
    if (err)
        return err;
    *exists = PQntuples(res) > 0;
    PQclear(res);
    return LRS_OK;
}

/* The affected-row count of a command was zero. */
static bool no_rows(PGresult *res)
{
    return strcmp(PQcmdTuples(res), "0") == 0;
}

enum lrs_err lrs__pg_learner_insert(void *e, const struct lrs_learner *l)
{
    struct pg *p = e;
    struct pg_params pp;
    char dob[11];
    PGresult *res;
    enum lrs_err err;

    if (!uln_ok(l->uln))
        return lrs__pg_fail(p, LRS_EINVAL, "ULN is not ten digits");
    learner_params(&pp, l, dob);
    lrs__pg_param_i64(&pp, l->created_ms);
    lrs__pg_param_i64(&pp, l->updated_ms);
    lrs__pg_param_i64(&pp, l->created_by);
    lrs__pg_param_i64(&pp, l->created_org);
    /* ON CONFLICT DO NOTHING: a duplicate ULN inserts no row and leaves
     * the transaction usable, where a unique violation would abort it. */
    err = lrs__pg_run(p, PG_LEARNER_INSERT, &pp, &res);
    if (err)
        return err;
    if (no_rows(res))
        err = lrs__pg_fail(p, LRS_ECONFLICT, "ULN already registered");
    PQclear(res);
    return err;
}

enum lrs_err lrs__pg_learner_get(void *e, const char *uln,
                                 struct lrs_learner *out)
{
    struct pg *p = e;
    struct pg_params pp;
    PGresult *res;
    enum lrs_err err;

    if (!uln_ok(uln))
        return LRS_ENOTFOUND;
    lrs__pg_params_init(&pp);
    lrs__pg_param_str(&pp, uln);
    err = lrs__pg_run(p, PG_LEARNER_GET, &pp, &res);
    if (err)
        return err;
    if (PQntuples(res) == 0)
        err = LRS_ENOTFOUND;
    else
        err = read_learner(p, res, 0, out);
    PQclear(res);
    return err;
}

enum lrs_err lrs__pg_learner_update(void *e, const struct lrs_learner *l,
                                    int32_t expected_version)
{
    struct pg *p = e;
    struct pg_params pp;
    char dob[11];
    PGresult *res;
    enum lrs_err err;

    if (!uln_ok(l->uln))
        return lrs__pg_fail(p, LRS_EINVAL, "ULN is not ten digits");
    learner_params(&pp, l, dob);
    lrs__pg_param_i64(&pp, l->updated_ms);
    lrs__pg_param_i64(&pp, expected_version);
    err = lrs__pg_run(p, PG_LEARNER_UPDATE, &pp, &res);
    if (err)
        return err;
    if (no_rows(res))
        err = lrs__pg_fail(p, LRS_ECONFLICT, "version changed");
    PQclear(res);
    return err;
}

struct learner_cb {
    lrs_store_learner_fn fn;
    void *ctx;
};

static enum lrs_err learner_row(struct pg *p, const PGresult *res, int i,
                                void *arg)
{
    const struct learner_cb *cb = arg;
    struct lrs_learner l;
    const enum lrs_err err = read_learner(p, res, i, &l);

    return err ? err : cb->fn(&l, cb->ctx);
}

enum lrs_err lrs__pg_learner_scan(void *e, lrs_store_learner_fn fn, void *ctx)
{
    struct learner_cb cb = {fn, ctx};
    const struct scan sc = {
        PG_LEARNER_SCAN_OPEN,  PG_LEARNER_SCAN_FETCH,
        PG_LEARNER_SCAN_CLOSE, NULL,
        learner_row,           &cb,
    };

    return scan(e, &sc);
}

/* ------------------------------------------------------------------ */
/* Name history, merges, audit                                        */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__pg_name_change_insert(void *e,
                                        const struct lrs_name_change *c)
{
    struct pg *p = e;
    struct pg_params pp;

    if (!uln_ok(c->uln))
        return lrs__pg_fail(p, LRS_EINVAL, "ULN is not ten digits");
    lrs__pg_params_init(&pp);
    lrs__pg_param_str(&pp, c->uln);
    lrs__pg_param_str(&pp, c->given_name);
    lrs__pg_param_str(&pp, c->middle_names);
    lrs__pg_param_str(&pp, c->family_name);
    lrs__pg_param_str(&pp, c->preferred_given_name);
    lrs__pg_param_i64(&pp, c->changed_ms);
    lrs__pg_param_i64(&pp, c->user_id);
    lrs__pg_param_i64(&pp, c->org_id);
    lrs__pg_param_str(&pp, c->reason);
    return lrs__pg_do(p, PG_NAME_INSERT, &pp);
}

struct name_cb {
    lrs_store_name_change_fn fn;
    void *ctx;
};

static enum lrs_err name_row(struct pg *p, const PGresult *res, int i,
                             void *arg)
{
    const struct name_cb *cb = arg;
    struct lrs_name_change c;
    enum lrs_err err;

    memset(&c, 0, sizeof c);
    err = lrs__pg_get_i64(p, res, i, 0, 0, INT64_MAX, &c.id);
    err = err ? err : col_uln(p, res, i, 1, c.uln);
    lrs__pg_col_text(res, i, 2, c.given_name, sizeof c.given_name);
    lrs__pg_col_text(res, i, 3, c.middle_names, sizeof c.middle_names);
    lrs__pg_col_text(res, i, 4, c.family_name, sizeof c.family_name);
    lrs__pg_col_text(res, i, 5, c.preferred_given_name,
                     sizeof c.preferred_given_name);
    err = err ? err
              : lrs__pg_get_i64(p, res, i, 6, INT64_MIN, INT64_MAX,
                                &c.changed_ms);
    err = err ? err
              : lrs__pg_get_i64(p, res, i, 7, INT64_MIN, INT64_MAX, &c.user_id);
    err = err ? err
              : lrs__pg_get_i64(p, res, i, 8, INT64_MIN, INT64_MAX, &c.org_id);
    lrs__pg_col_text(res, i, 9, c.reason, sizeof c.reason);
    return err ? err : cb->fn(&c, cb->ctx);
}

enum lrs_err lrs__pg_name_change_scan(void *e, const char *uln,
                                      lrs_store_name_change_fn fn, void *ctx)
{
    struct pg_params pp;
    struct name_cb cb = {fn, ctx};
    struct scan sc = {
        PG_NAME_SCAN_ALL,   PG_NAME_SCAN_FETCH,
        PG_NAME_SCAN_CLOSE, NULL,
        name_row,           &cb,
    };

    if (uln) {
        if (!uln_ok(uln))
            return LRS_OK;
        lrs__pg_params_init(&pp);
        lrs__pg_param_str(&pp, uln);
        sc.open = PG_NAME_SCAN_ULN;
        sc.params = &pp;
    }
    return scan(e, &sc);
}

enum lrs_err lrs__pg_merge_insert(void *e, const struct lrs__merge *m)
{
    struct pg *p = e;
    struct pg_params pp;

    if (!uln_ok(m->merged_uln) || !uln_ok(m->master_uln))
        return lrs__pg_fail(p, LRS_EINVAL, "ULN is not ten digits");
    lrs__pg_params_init(&pp);
    lrs__pg_param_str(&pp, m->merged_uln);
    lrs__pg_param_str(&pp, m->master_uln);
    lrs__pg_param_i64(&pp, m->at_ms);
    lrs__pg_param_i64(&pp, m->user_id);
    lrs__pg_param_i64(&pp, m->org_id);
    lrs__pg_param_str(&pp, m->reason);
    return lrs__pg_do(p, PG_MERGE_INSERT, &pp);
}

/*
 * Audit rows. Inside a transaction (where store.c makes every write) they
 * are kept as COPY text and sent PG_AUDIT_BATCH at a time, and before the
 * COMMIT and before the log is read: an audited action costs one round
 * trip less, and a bulk import sends its audit rows in a few COPYs. A
 * row the server refuses then fails the commit, so the action it audits
 * is undone with it, as if the insert itself had failed.
 */
static const char audit_copy[] =
    "COPY audit_log (at_ms, user_id, org_id, source, action, uln, addr,"
    " subject_user_id) FROM STDIN";

/* Append `s` as a COPY text field: backslash, tab, LF and CR escaped. */
static enum lrs_err copy_field(struct lrs_buf *b, const char *s)
{
    enum lrs_err err = LRS_OK;

    for (; *s && !err; s++) {
        switch (*s) {
        case '\\':
            err = lrs_buf_adds(b, "\\\\");
            break;
        case '\t':
            err = lrs_buf_adds(b, "\\t");
            break;
        case '\n':
            err = lrs_buf_adds(b, "\\n");
            break;
        case '\r':
            err = lrs_buf_adds(b, "\\r");
            break;
        default:
            err = lrs_buf_addch(b, *s);
        }
    }
    return err;
}

static enum lrs_err audit_now(struct pg *p, const struct lrs_audit *a)
{
    struct pg_params pp;

    lrs__pg_params_init(&pp);
    lrs__pg_param_i64(&pp, a->at_ms);
    lrs__pg_param_i64(&pp, a->actor.user_id);
    lrs__pg_param_i64(&pp, a->actor.org_id);
    lrs__pg_param_str(&pp, a->actor.source ? a->actor.source : "");
    lrs__pg_param_str(&pp, lrs_audit_action_name(a->action));
    lrs__pg_param_str(&pp, uln_ok(a->uln) ? a->uln : NULL);
    lrs__pg_param_str(&pp, a->actor.addr ? a->actor.addr : "");
    if (a->subject_user_id)
        lrs__pg_param_i64(&pp, a->subject_user_id);
    else
        lrs__pg_param_str(&pp, NULL);
    return lrs__pg_do(p, PG_AUDIT_INSERT, &pp);
}

enum lrs_err lrs__pg_audit_insert(void *e, const struct lrs_audit *a)
{
    struct pg *p = e;
    const size_t mark = p->audit.len;
    enum lrs_err err;

    p->errmsg[0] = '\0';
    if (!lrs__pg_in_txn(p))
        return audit_now(p, a);
    err = lrs_buf_addf(&p->audit, "%lld\t%lld\t%lld\t", (long long)a->at_ms,
                       (long long)a->actor.user_id, (long long)a->actor.org_id);
    err = err ? err
              : copy_field(&p->audit, a->actor.source ? a->actor.source : "");
    err = err ? err : lrs_buf_addch(&p->audit, '\t');
    err = err ? err : copy_field(&p->audit, lrs_audit_action_name(a->action));
    err = err ? err
              : lrs_buf_addf(&p->audit, "\t%s\t",
                             uln_ok(a->uln) ? a->uln : "\\N");
    err = err ? err : copy_field(&p->audit, a->actor.addr ? a->actor.addr : "");
    if (!err && a->subject_user_id)
        err =
            lrs_buf_addf(&p->audit, "\t%lld\n", (long long)a->subject_user_id);
    else if (!err)
        err = lrs_buf_adds(&p->audit, "\t\\N\n");
    if (err) {
        lrs_buf_truncate(&p->audit, mark);
        return lrs__pg_fail(p, err, "cannot buffer an audit row");
    }
    if (++p->audit_rows >= PG_AUDIT_BATCH)
        return lrs__pg_audit_flush(p);
    return LRS_OK;
}

enum lrs_err lrs__pg_audit_flush(struct pg *p)
{
    PGresult *res;
    enum lrs_err err = LRS_OK;

    if (!p->audit_rows)
        return LRS_OK;
    res = PQexec(p->conn, audit_copy);
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        err = lrs__pg_fail_result(p, res);
        PQclear(res);
        lrs__pg_audit_drop(p);
        return err;
    }
    PQclear(res);
    LRS_ASSERT(p->audit.len <= INT_MAX);
    if (PQputCopyData(p->conn, p->audit.data, (int)p->audit.len) != 1 ||
        PQputCopyEnd(p->conn, NULL) != 1)
        err = lrs__pg_fail_result(p, NULL);
    /* Read every result to get the connection out of the COPY. */
    while ((res = PQgetResult(p->conn)) != NULL) {
        if (!err && PQresultStatus(res) != PGRES_COMMAND_OK)
            err = lrs__pg_fail_result(p, res);
        PQclear(res);
    }
    lrs__pg_audit_drop(p);
    return err;
}

void lrs__pg_audit_drop(struct pg *p)
{
    lrs_buf_reset(&p->audit);
    p->audit_rows = 0;
}

struct audit_cb {
    lrs_store_audit_fn fn;
    void *ctx;
};

static enum lrs_err audit_row(struct pg *p, const PGresult *res, int i,
                              void *arg)
{
    const struct audit_cb *cb = arg;
    struct lrs_audit a;
    enum lrs_err err;

    memset(&a, 0, sizeof a);
    err = lrs__pg_get_i64(p, res, i, 0, 0, INT64_MAX, &a.id);
    err = err ? err
              : lrs__pg_get_i64(p, res, i, 1, INT64_MIN, INT64_MAX, &a.at_ms);
    err = err ? err
              : lrs__pg_get_i64(p, res, i, 2, INT64_MIN, INT64_MAX,
                                &a.actor.user_id);
    err = err ? err
              : lrs__pg_get_i64(p, res, i, 3, INT64_MIN, INT64_MAX,
                                &a.actor.org_id);
    /* Borrowed from the result, which outlives the callback. */
    a.actor.source = PQgetvalue(res, i, 4);
    a.action = lrs__audit_action_from_name(PQgetvalue(res, i, 5));
    err = err ? err : col_uln(p, res, i, 6, a.uln);
    a.actor.addr = PQgetvalue(res, i, 7);
    if (!err && !PQgetisnull(res, i, 8))
        err = lrs__pg_get_i64(p, res, i, 8, 1, INT64_MAX, &a.subject_user_id);
    return err ? err : cb->fn(&a, cb->ctx);
}

enum lrs_err lrs__pg_audit_scan(void *e, const char *uln, lrs_store_audit_fn fn,
                                void *ctx)
{
    struct pg_params pp;
    struct audit_cb cb = {fn, ctx};
    struct scan sc = {
        PG_AUDIT_SCAN_ALL,   PG_AUDIT_SCAN_FETCH,
        PG_AUDIT_SCAN_CLOSE, NULL,
        audit_row,           &cb,
    };
    enum lrs_err err = lrs__pg_audit_flush(e);

    if (err)
        return err;

    if (uln) {
        if (!uln_ok(uln))
            return LRS_OK;
        lrs__pg_params_init(&pp);
        lrs__pg_param_str(&pp, uln);
        sc.open = PG_AUDIT_SCAN_ULN;
        sc.params = &pp;
    }
    return scan(e, &sc);
}

enum lrs_err lrs__pg_audit_scan_user(void *e, int64_t user_id,
                                     lrs_store_audit_fn fn, void *ctx)
{
    struct pg_params pp;
    struct audit_cb cb = {fn, ctx};
    const struct scan sc = {
        PG_AUDIT_SCAN_USER,  PG_AUDIT_SCAN_FETCH,
        PG_AUDIT_SCAN_CLOSE, &pp,
        audit_row,           &cb,
    };
    const enum lrs_err err = lrs__pg_audit_flush(e);

    if (err)
        return err;
    lrs__pg_params_init(&pp);
    lrs__pg_param_i64(&pp, user_id);
    return scan(e, &sc);
}

/* ------------------------------------------------------------------ */
/* Statistics                                                         */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__pg_stats(void *e, struct lrs_store_stats *out)
{
    struct pg *p = e;
    uint64_t *const dst[] = {
        &out->learners,     &out->active, &out->linked,     &out->closed,
        &out->name_changes, &out->merges, &out->audit_rows, &out->organisations,
    };
    PGresult *res;
    enum lrs_err err = lrs__pg_audit_flush(p);

    if (!err)
        err = lrs__pg_run(p, PG_STATS, NULL, &res);
    if (err)
        return err;
    if (PQntuples(res) != 1)
        err = lrs__pg_fail(p, LRS_EIO, "no statistics row");
    for (int i = 0; !err && i < (int)LRS_ARRAY_LEN(dst); i++) {
        int64_t v;

        err = lrs__pg_get_i64(p, res, 0, i, 0, INT64_MAX, &v);
        if (!err)
            *dst[i] = (uint64_t)v;
    }
    PQclear(res);
    return err;
}
