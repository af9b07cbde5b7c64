/*
 * sqlite/plr.c - the PLR ops of the SQLite engine (store_int.h, "plr")
 * and the migration that creates their tables.
 *
 * Statements are prepared on first use and cached with the connection
 * (lrs__sqlite_plr_state), because a results upload runs the find and the
 * insert once per row: preparing them each time would cost more than the
 * rows. sqlite.c finalizes them before the connection closes. A cached
 * statement survives `reset` (SQLite prepares it again after a schema
 * change). ULNs are INTEGER as in the learners table; dates are
 * 'yyyy-mm-dd' text, '' when absent; times Unix ms.
 */
#include "base/base.h"

#include "store/sqlite/sqlite_int.h"

#include <sqlite3.h>
#include <stdio.h>

/* Schema 10: what each awarding organisation was sent, as sent
 * (docs/plr.md "Exam entries"): numbered submissions and the version of
 * each entry in them. */
const char *const lrs__sqlite_entry_versions_migration[] = {
    "CREATE TABLE entry_submissions ("
    " id INTEGER PRIMARY KEY,"
    " ao_ukprn TEXT NOT NULL,"
    " number INTEGER NOT NULL,"
    " school TEXT NOT NULL DEFAULT '',"
    " sent_ms INTEGER NOT NULL,"
    " entry_count INTEGER NOT NULL,"
    " user_id INTEGER NOT NULL,"
    " org_id INTEGER NOT NULL,"
    " UNIQUE (ao_ukprn, number))",
    "CREATE TABLE entry_versions ("
    " id INTEGER PRIMARY KEY,"
    " submission_id INTEGER NOT NULL REFERENCES entry_submissions(id),"
    " entry_id INTEGER NOT NULL REFERENCES exam_entries(id),"
    " school TEXT NOT NULL,"
    " ao_ukprn TEXT NOT NULL,"
    " series TEXT NOT NULL,"
    " candidate_number TEXT NOT NULL,"
    " qualification_code TEXT NOT NULL,"
    " qualification_title TEXT NOT NULL DEFAULT '',"
    " uci TEXT NOT NULL DEFAULT '',"
    " uln INTEGER,"
    " given_name TEXT NOT NULL,"
    " family_name TEXT NOT NULL,"
    " date_of_birth TEXT NOT NULL DEFAULT '',"
    " gender INTEGER NOT NULL DEFAULT 0,"
    " verify_code INTEGER NOT NULL DEFAULT 0,"
    " verify_flags INTEGER NOT NULL DEFAULT 0,"
    " submitted_ms INTEGER NOT NULL,"
    " amended_ms INTEGER NOT NULL,"
    " UNIQUE (submission_id, entry_id))",
    "CREATE INDEX entry_versions_entry ON entry_versions (entry_id, id)",
    NULL,
};

/* Schema 9: learners' one-time sign-up codes (docs/plr.md, "Learner
 * accounts"), and the index a learner's list of shares reads. */
const char *const lrs__sqlite_invite_migration[] = {
    "CREATE TABLE learner_invites ("
    " id INTEGER PRIMARY KEY,"
    " uln INTEGER NOT NULL REFERENCES learners(uln),"
    " code_hash TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL,"
    " expires_ms INTEGER NOT NULL,"
    " used_ms INTEGER NOT NULL DEFAULT 0,"
    " account_id INTEGER NOT NULL DEFAULT 0,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " user_id INTEGER NOT NULL,"
    " org_id INTEGER NOT NULL)",
    "CREATE INDEX learner_invites_uln ON learner_invites (uln, used_ms, id)",
    "CREATE INDEX plr_shares_uln ON plr_shares (uln, id)",
    NULL,
};

/* The PLR tables. Version 1's achievements and plr_shares were
 * placeholders that nothing wrote to; they are replaced. The key of an
 * awarding organisation's learning event is (ao_ukprn, uln,
 * subject_code, award_date): an upload of the same key replaces it
 * (docs/plr.md). */
const char *const lrs__sqlite_plr_migration[] = {
    "DROP TABLE plr_shares",
    "DROP TABLE achievements",
    "CREATE TABLE achievements ("
    " id INTEGER PRIMARY KEY,"
    " uln INTEGER NOT NULL REFERENCES learners(uln),"
    " supplied_uln INTEGER NOT NULL,"
    " ao_ukprn TEXT NOT NULL,"
    " ao_name TEXT NOT NULL DEFAULT '',"
    " ao_org_id INTEGER NOT NULL DEFAULT 0,"
    " provider_ukprn TEXT NOT NULL DEFAULT '',"
    " provider_name TEXT NOT NULL DEFAULT '',"
    " subject_code TEXT NOT NULL,"
    " subject TEXT NOT NULL DEFAULT '',"
    " qualification_type TEXT NOT NULL DEFAULT '',"
    " level TEXT NOT NULL DEFAULT '',"
    " grade TEXT NOT NULL,"
    " status TEXT NOT NULL CHECK (status = 'F' OR status = 'P'),"
    " award_date TEXT NOT NULL,"
    " participation_start TEXT NOT NULL DEFAULT '',"
    " participation_end TEXT NOT NULL DEFAULT '',"
    " credits INTEGER,"
    " language TEXT NOT NULL DEFAULT '',"
    " source TEXT NOT NULL DEFAULT '',"
    " collection_type TEXT NOT NULL DEFAULT '',"
    " return_number TEXT NOT NULL DEFAULT '',"
    " restriction TEXT NOT NULL DEFAULT '',"
    " under_data_challenge INTEGER NOT NULL DEFAULT 0,"
    " loaded_ms INTEGER NOT NULL,"
    " updated_ms INTEGER NOT NULL,"
    " UNIQUE (uln, ao_ukprn, subject_code, award_date))",
    "CREATE TABLE grade_history ("
    " id INTEGER PRIMARY KEY,"
    " achievement_id INTEGER NOT NULL REFERENCES achievements(id),"
    " grade TEXT NOT NULL,"
    " status TEXT NOT NULL,"
    " changed_ms INTEGER NOT NULL,"
    " user_id INTEGER NOT NULL,"
    " org_id INTEGER NOT NULL)",
    "CREATE INDEX grade_history_achievement"
    " ON grade_history (achievement_id, id)",
    "CREATE TABLE exam_entries ("
    " id INTEGER PRIMARY KEY,"
    " school TEXT NOT NULL,"
    " ao_ukprn TEXT NOT NULL,"
    " series TEXT NOT NULL,"
    " candidate_number TEXT NOT NULL,"
    " qualification_code TEXT NOT NULL,"
    " qualification_title TEXT NOT NULL DEFAULT '',"
    " uci TEXT NOT NULL DEFAULT '',"
    " uln INTEGER,"
    " given_name TEXT NOT NULL,"
    " family_name TEXT NOT NULL,"
    " date_of_birth TEXT NOT NULL DEFAULT '',"
    " gender INTEGER NOT NULL DEFAULT 0,"
    " verify_code INTEGER NOT NULL DEFAULT 0,"
    " verify_flags INTEGER NOT NULL DEFAULT 0,"
    " submitted_ms INTEGER NOT NULL,"
    " amended_ms INTEGER NOT NULL,"
    " sent_ms INTEGER NOT NULL DEFAULT 0,"
    " UNIQUE (school, ao_ukprn, series, candidate_number,"
    "  qualification_code))",
    "CREATE INDEX exam_entries_ao ON exam_entries (ao_ukprn, id)",
    "CREATE TABLE plr_shares ("
    " id INTEGER PRIMARY KEY,"
    " uln INTEGER NOT NULL REFERENCES learners(uln),"
    " token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),"
    " items TEXT NOT NULL DEFAULT '',"
    " created_ms INTEGER NOT NULL,"
    " expires_ms INTEGER NOT NULL,"
    " revoked_ms INTEGER NOT NULL DEFAULT 0,"
    " views INTEGER NOT NULL DEFAULT 0,"
    " last_view_ms INTEGER NOT NULL DEFAULT 0,"
    " user_id INTEGER NOT NULL,"
    " org_id INTEGER NOT NULL)",
    NULL,
};

#define ACH_COLS                                                               \
    "id, uln, supplied_uln, ao_ukprn, ao_name, ao_org_id, provider_ukprn,"     \
    " provider_name, subject_code, subject, qualification_type, level,"        \
    " grade, status, award_date, participation_start, participation_end,"      \
    " credits, language, source, collection_type, return_number,"              \
    " restriction, under_data_challenge, loaded_ms, updated_ms"

#define ENTRY_COLS                                                             \
    "id, school, ao_ukprn, series, candidate_number, qualification_code,"      \
    " qualification_title, uci, uln, given_name, family_name,"                 \
    " date_of_birth, gender, verify_code, verify_flags, submitted_ms,"         \
    " amended_ms, sent_ms"

/* ENTRY_COLS of a sent version, with its send's time and number. */
#define VERSION_COLS                                                           \
    "v.entry_id, v.school, v.ao_ukprn, v.series, v.candidate_number,"          \
    " v.qualification_code, v.qualification_title, v.uci, v.uln,"              \
    " v.given_name, v.family_name, v.date_of_birth, v.gender,"                 \
    " v.verify_code, v.verify_flags, v.submitted_ms, v.amended_ms,"            \
    " s.sent_ms, s.number"

#define INVITE_COLS                                                            \
    "id, uln, code_hash, created_ms, expires_ms, used_ms, account_id,"         \
    " attempts, user_id, org_id"

#define SHARE_COLS                                                             \
    "id, uln, token_hash, items, created_ms, expires_ms, revoked_ms, views,"   \
    " last_view_ms, user_id, org_id"

enum plr_stmt {
    P_ACH_FIND,
    P_ACH_INSERT,
    P_ACH_UPDATE,
    P_ACH_SCAN,
    P_GRADE_INSERT,
    P_GRADE_SCAN,
    P_ENTRY_FIND,
    P_ENTRY_INSERT,
    P_ENTRY_UPDATE,
    P_ENTRY_SCAN,
    P_ENTRY_SENT,
    P_SHARE_INSERT,
    P_SHARE_GET,
    P_SHARE_BY_HASH,
    P_SHARE_UPDATE,
    P_SHARE_SCAN,
    P_INVITE_INSERT,
    P_SUBMISSION_ADD,
    P_VERSION_ADD,
    P_SENT_SCAN,
    P_SENT_LATEST,
    P_INVITE_LIVE,
    P_INVITE_UPDATE,
    P__COUNT
};

static const char *const sql[P__COUNT] = {
    [P_ACH_FIND] = "SELECT " ACH_COLS " FROM achievements WHERE uln = ?2"
                   " AND ao_ukprn = ?4 AND subject_code = ?9"
                   " AND award_date = ?15",
    [P_ACH_INSERT] = "INSERT INTO achievements (" ACH_COLS ") VALUES (?1,"
                     " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                     " ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23,"
                     " ?24, ?25, ?26)",
    [P_ACH_UPDATE] = "UPDATE achievements SET uln = ?2, supplied_uln = ?3,"
                     " ao_ukprn = ?4, ao_name = ?5, ao_org_id = ?6,"
                     " provider_ukprn = ?7, provider_name = ?8,"
                     " subject_code = ?9, subject = ?10,"
                     " qualification_type = ?11, level = ?12, grade = ?13,"
                     " status = ?14, award_date = ?15,"
                     " participation_start = ?16, participation_end = ?17,"
                     " credits = ?18, language = ?19, source = ?20,"
                     " collection_type = ?21, return_number = ?22,"
                     " restriction = ?23, under_data_challenge = ?24,"
                     " updated_ms = ?26 WHERE id = ?1",
    [P_ACH_SCAN] = "SELECT " ACH_COLS " FROM achievements WHERE uln = ?1"
                   " ORDER BY award_date, id",
    [P_GRADE_INSERT] = "INSERT INTO grade_history (achievement_id, grade,"
                       " status, changed_ms, user_id, org_id)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [P_GRADE_SCAN] = "SELECT g.id, g.achievement_id, a.uln, g.grade,"
                     " g.status, g.changed_ms, g.user_id, g.org_id"
                     " FROM grade_history g JOIN achievements a"
                     " ON a.id = g.achievement_id WHERE a.uln = ?1"
                     " ORDER BY g.id",
    [P_ENTRY_FIND] = "SELECT " ENTRY_COLS " FROM exam_entries"
                     " WHERE school = ?2 AND ao_ukprn = ?3 AND series = ?4"
                     " AND candidate_number = ?5"
                     " AND qualification_code = ?6",
    [P_ENTRY_INSERT] = "INSERT INTO exam_entries (" ENTRY_COLS ") VALUES"
                       " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                       " ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    [P_ENTRY_UPDATE] = "UPDATE exam_entries SET school = ?2, ao_ukprn = ?3,"
                       " series = ?4, candidate_number = ?5,"
                       " qualification_code = ?6,"
                       " qualification_title = ?7, uci = ?8, uln = ?9,"
                       " given_name = ?10, family_name = ?11,"
                       " date_of_birth = ?12, gender = ?13,"
                       " verify_code = ?14, verify_flags = ?15,"
                       " submitted_ms = ?16, amended_ms = ?17,"
                       " sent_ms = ?18 WHERE id = ?1",
    [P_ENTRY_SCAN] = "SELECT " ENTRY_COLS " FROM exam_entries"
                     " WHERE ao_ukprn = ?1 AND (?2 IS NULL OR school = ?2)"
                     " AND (?3 = 0 OR sent_ms < amended_ms) ORDER BY id",
    [P_ENTRY_SENT] = "UPDATE exam_entries SET sent_ms = ?2 WHERE id = ?1",
    [P_SHARE_INSERT] = "INSERT INTO plr_shares (" SHARE_COLS ") VALUES (?1,"
                       " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [P_SHARE_GET] = "SELECT " SHARE_COLS " FROM plr_shares WHERE id = ?1",
    [P_SHARE_BY_HASH] = "SELECT " SHARE_COLS " FROM plr_shares"
                        " WHERE token_hash = ?1",
    [P_SUBMISSION_ADD] =
        "INSERT INTO entry_submissions (ao_ukprn, number, school, sent_ms,"
        " entry_count, user_id, org_id) SELECT ?1,"
        " COALESCE(MAX(number), 0) + 1, ?2, ?3, ?4, ?5, ?6"
        " FROM entry_submissions WHERE ao_ukprn = ?1 RETURNING id, number",
    [P_VERSION_ADD] = "INSERT INTO entry_versions (submission_id, entry_id,"
                      " school, ao_ukprn, series, candidate_number,"
                      " qualification_code, qualification_title, uci, uln,"
                      " given_name, family_name, date_of_birth, gender,"
                      " verify_code, verify_flags, submitted_ms, amended_ms)"
                      " VALUES (?19, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                      " ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    [P_SENT_SCAN] = "SELECT " VERSION_COLS " FROM entry_versions v"
                    " JOIN entry_submissions s ON s.id = v.submission_id"
                    " WHERE s.ao_ukprn = ?1 AND s.number = ?2"
                    " ORDER BY v.entry_id",
    [P_SENT_LATEST] = "SELECT " VERSION_COLS " FROM entry_versions v"
                      " JOIN entry_submissions s ON s.id = v.submission_id"
                      " WHERE s.ao_ukprn = ?1 AND NOT EXISTS (SELECT 1"
                      " FROM entry_versions w WHERE w.entry_id = v.entry_id"
                      " AND w.id > v.id) ORDER BY v.entry_id",
    [P_INVITE_INSERT] = "INSERT INTO learner_invites (" INVITE_COLS ")"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [P_INVITE_LIVE] = "SELECT " INVITE_COLS " FROM learner_invites"
                      " WHERE uln = ?1 AND used_ms = 0"
                      " ORDER BY id DESC LIMIT 1",
    [P_INVITE_UPDATE] = "UPDATE learner_invites"
                        " SET used_ms = ?2, account_id = ?3, attempts = ?4"
                        " WHERE id = ?1",
    [P_SHARE_SCAN] = "SELECT " SHARE_COLS " FROM plr_shares WHERE uln = ?1"
                     " ORDER BY id",
    [P_SHARE_UPDATE] = "UPDATE plr_shares SET revoked_ms = ?2,"
                       " views = ?3, last_view_ms = ?4"
                       " WHERE id = ?1",
};

struct plr_state {
    sqlite3_stmt *st[P__COUNT];
};

/* ------------------------------------------------------------------ */
/* Statements and conversions                                         */
/* ------------------------------------------------------------------ */

void lrs__sqlite_plr_close(void *e)
{
    void **slot = lrs__sqlite_plr_state(e);
    struct plr_state *ps = *slot;

    if (!ps)
        return;
    for (size_t i = 0; i < P__COUNT; i++)
        sqlite3_finalize(ps->st[i]);
    lrs_free(ps);
    *slot = NULL;
}

/* The cached statement `id`, reset and unbound; NULL with *err set. */
static sqlite3_stmt *stmt(void *e, enum plr_stmt id, enum lrs_err *err)
{
    void **slot = lrs__sqlite_plr_state(e);
    struct plr_state *ps = *slot;
    int rc;

    *err = LRS_OK;
    if (!ps) {
        ps = lrs_calloc(1, sizeof *ps);
        if (!ps) {
            *err = LRS_ERR(LRS_ENOMEM);
            return NULL;
        }
        *slot = ps;
    }
    if (ps->st[id]) {
        sqlite3_reset(ps->st[id]);
        sqlite3_clear_bindings(ps->st[id]);
        return ps->st[id];
    }
    rc = sqlite3_prepare_v3(lrs__sqlite_db(e), sql[id], -1,
                            SQLITE_PREPARE_PERSISTENT, &ps->st[id], NULL);
    if (rc != SQLITE_OK) {
        ps->st[id] = NULL;
        *err = lrs__sqlite_fail(e, rc);
        return NULL;
    }
    return ps->st[id];
}

/* Ten digits as an integer, 0 for anything else (bound as NULL). */
static sqlite3_int64 uln_int(const char *uln)
{
    sqlite3_int64 v = 0;
    int i;

    for (i = 0; uln[i]; i++) {
        if (i == LRS_ULN_LEN || uln[i] < '0' || uln[i] > '9')
            return 0;
        v = v * 10 + (uln[i] - '0');
    }
    return i == LRS_ULN_LEN ? v : 0;
}

static int bind_uln(sqlite3_stmt *st, int i, const char *uln)
{
    const sqlite3_int64 v = uln_int(uln);

    return v ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
}

static int bind_str(sqlite3_stmt *st, int i, const char *s)
{
    return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* A date as 'yyyy-mm-dd', or '' when year is 0. */
static int bind_date(sqlite3_stmt *st, int i, struct lrs_date d)
{
    char buf[11];

    if (d.year == 0)
        return sqlite3_bind_text(st, i, "", 0, SQLITE_STATIC);
    lrs_date_format(d, buf);
    return sqlite3_bind_text(st, i, buf, 10, SQLITE_TRANSIENT);
}

static int bind_char(sqlite3_stmt *st, int i, char c)
{
    const char buf[2] = {c, '\0'};

    return sqlite3_bind_text(st, i, buf, 1, SQLITE_TRANSIENT);
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

/* Ten digits and a NUL; "" for NULL or anything not ten digits. */
static void col_uln(sqlite3_stmt *st, int i, char out[LRS_ULN_SIZE])
{
    sqlite3_int64 v = sqlite3_column_int64(st, i);

    out[0] = '\0';
    if (v < 1000000000 || v > 9999999999)
        return;
    for (int k = LRS_ULN_LEN - 1; k >= 0; k--) {
        out[k] = (char)('0' + v % 10);
        v /= 10;
    }
    out[LRS_ULN_LEN] = '\0';
}

static struct lrs_date col_date(sqlite3_stmt *st, int i)
{
    char buf[11];
    struct lrs_date d = {0, 0, 0};

    col_text(st, i, buf, sizeof buf);
    if (buf[0] && lrs_date_parse(lrs_str_c(buf), 0, NULL, &d, NULL))
        d = (struct lrs_date){0, 0, 0};
    return d;
}

static char col_char(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t && t[0] ? (char)t[0] : '\0';
}

/* Step a statement that returns no rows. */
static enum lrs_err step_done(void *e, sqlite3_stmt *st, int rc)
{
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return lrs__sqlite_fail(e, rc);
    return LRS_OK;
}

/* Step a statement for at most one row, read by `read` into `out`. */
static enum lrs_err step_one(void *e, sqlite3_stmt *st, int rc,
                             void (*read)(sqlite3_stmt *, void *), void *out)
{
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read(st, out);
        sqlite3_reset(st);
        return LRS_OK;
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return LRS_ENOTFOUND;
    return lrs__sqlite_fail(e, rc);
}

/* ------------------------------------------------------------------ */
/* Achievements                                                       */
/* ------------------------------------------------------------------ */

static int bind_ach(sqlite3_stmt *st, const struct lrs_achievement *a)
{
    int rc = a->id ? sqlite3_bind_int64(st, 1, a->id) : SQLITE_OK;

    rc = rc ? rc : bind_uln(st, 2, a->uln);
    rc = rc ? rc : bind_uln(st, 3, a->supplied_uln);
    rc = rc ? rc : bind_str(st, 4, a->ao_ukprn);
    rc = rc ? rc : bind_str(st, 5, a->ao_name);
    rc = rc ? rc : sqlite3_bind_int64(st, 6, a->ao_org_id);
    rc = rc ? rc : bind_str(st, 7, a->provider_ukprn);
    rc = rc ? rc : bind_str(st, 8, a->provider_name);
    rc = rc ? rc : bind_str(st, 9, a->subject_code);
    rc = rc ? rc : bind_str(st, 10, a->subject);
    rc = rc ? rc : bind_str(st, 11, a->qualification_type);
    rc = rc ? rc : bind_str(st, 12, a->level);
    rc = rc ? rc : bind_str(st, 13, a->grade);
    rc = rc ? rc : bind_char(st, 14, a->status);
    rc = rc ? rc : bind_date(st, 15, a->award_date);
    rc = rc ? rc : bind_date(st, 16, a->participation_start);
    rc = rc ? rc : bind_date(st, 17, a->participation_end);
    if (!rc && a->credits >= 0)
        rc = sqlite3_bind_int(st, 18, a->credits);
    rc = rc ? rc : bind_str(st, 19, a->language);
    rc = rc ? rc : bind_str(st, 20, a->source);
    rc = rc ? rc : bind_str(st, 21, a->collection_type);
    rc = rc ? rc : bind_str(st, 22, a->return_number);
    rc = rc ? rc : bind_str(st, 23, a->restriction);
    rc = rc ? rc : sqlite3_bind_int(st, 24, a->under_data_challenge);
    rc = rc ? rc : sqlite3_bind_int64(st, 25, a->loaded_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 26, a->updated_ms);
    return rc;
}

static void read_ach(sqlite3_stmt *st, void *out)
{
    struct lrs_achievement *a = out;

    lrs_achievement_init(a);
    a->id = sqlite3_column_int64(st, 0);
    col_uln(st, 1, a->uln);
    col_uln(st, 2, a->supplied_uln);
    col_text(st, 3, a->ao_ukprn, sizeof a->ao_ukprn);
    col_text(st, 4, a->ao_name, sizeof a->ao_name);
    a->ao_org_id = sqlite3_column_int64(st, 5);
    col_text(st, 6, a->provider_ukprn, sizeof a->provider_ukprn);
    col_text(st, 7, a->provider_name, sizeof a->provider_name);
    col_text(st, 8, a->subject_code, sizeof a->subject_code);
    col_text(st, 9, a->subject, sizeof a->subject);
    col_text(st, 10, a->qualification_type, sizeof a->qualification_type);
    col_text(st, 11, a->level, sizeof a->level);
    col_text(st, 12, a->grade, sizeof a->grade);
    a->status = col_char(st, 13);
    a->award_date = col_date(st, 14);
    a->participation_start = col_date(st, 15);
    a->participation_end = col_date(st, 16);
    a->credits = sqlite3_column_type(st, 17) == SQLITE_NULL
                     ? -1
                     : sqlite3_column_int(st, 17);
    col_text(st, 18, a->language, sizeof a->language);
    col_text(st, 19, a->source, sizeof a->source);
    col_text(st, 20, a->collection_type, sizeof a->collection_type);
    col_text(st, 21, a->return_number, sizeof a->return_number);
    col_text(st, 22, a->restriction, sizeof a->restriction);
    a->under_data_challenge = sqlite3_column_int(st, 23) != 0;
    a->loaded_ms = sqlite3_column_int64(st, 24);
    a->updated_ms = sqlite3_column_int64(st, 25);
}

enum lrs_err lrs__sqlite_achievement_find(void *e,
                                          const struct lrs_achievement *key,
                                          struct lrs_achievement *out)
{
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, P_ACH_FIND, &err);
    int rc;

    if (!st)
        return err;
    rc = bind_uln(st, 2, key->uln);
    rc = rc ? rc : bind_str(st, 4, key->ao_ukprn);
    rc = rc ? rc : bind_str(st, 9, key->subject_code);
    rc = rc ? rc : bind_date(st, 15, key->award_date);
    return step_one(e, st, rc, read_ach, out);
}

enum lrs_err lrs__sqlite_achievement_insert(void *e, struct lrs_achievement *a)
{
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, P_ACH_INSERT, &err);

    if (!st)
        return err;
    err = step_done(e, st, bind_ach(st, a));
    if (!err)
        a->id = sqlite3_last_insert_rowid(lrs__sqlite_db(e));
    return err;
}

enum lrs_err lrs__sqlite_achievement_update(void *e,
                                            const struct lrs_achievement *a)
{
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, P_ACH_UPDATE, &err);

    if (!st)
        return err;
    err = step_done(e, st, bind_ach(st, a));
    if (!err && sqlite3_changes(lrs__sqlite_db(e)) == 0)
        return LRS_ENOTFOUND;
    return err;
}

enum lrs_err lrs__sqlite_achievement_scan(void *e, const char *uln,
                                          lrs_store_achievement_fn fn,
                                          void *ctx)
{
    struct lrs_achievement a;
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, P_ACH_SCAN, &err);
    int rc;

    if (!st)
        return err;
    rc = bind_uln(st, 1, uln);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    while (!err && rc == SQLITE_ROW) {
        read_ach(st, &a);
        err = fn(&a, ctx);
        if (!err)
            rc = sqlite3_step(st);
    }
    sqlite3_reset(st);
    if (!err && rc != SQLITE_DONE)
        err = lrs__sqlite_fail(e, rc);
    return err;
}

enum lrs_err lrs__sqlite_grade_change_insert(void *e,
                                             const struct lrs_grade_change *c)
{
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, P_GRADE_INSERT, &err);
    int rc;

    if (!st)
        return err;
    rc = sqlite3_bind_int64(st, 1, c->achievement_id);
    rc = rc ? rc : bind_str(st, 2, c->grade);
    rc = rc ? rc : bind_char(st, 3, c->status);
    rc = rc ? rc : sqlite3_bind_int64(st, 4, c->changed_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 5, c->user_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 6, c->org_id);
    return step_done(e, st, rc);
}

enum lrs_err lrs__sqlite_grade_change_scan(void *e, const char *uln,
                                           lrs_store_grade_change_fn fn,
                                           void *ctx)
{
    struct lrs_grade_change c;
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, P_GRADE_SCAN, &err);
    int rc;

    if (!st)
        return err;
    rc = bind_uln(st, 1, uln);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    while (!err && rc == SQLITE_ROW) {
        memset(&c, 0, sizeof c);
        c.id = sqlite3_column_int64(st, 0);
        c.achievement_id = sqlite3_column_int64(st, 1);
        col_uln(st, 2, c.uln);
        col_text(st, 3, c.grade, sizeof c.grade);
        c.status = col_char(st, 4);
        c.changed_ms = sqlite3_column_int64(st, 5);
        c.user_id = sqlite3_column_int64(st, 6);
        c.org_id = sqlite3_column_int64(st, 7);
        err = fn(&c, ctx);
        if (!err)
            rc = sqlite3_step(st);
    }
    sqlite3_reset(st);
    if (!err && rc != SQLITE_DONE)
        err = lrs__sqlite_fail(e, rc);
    return err;
}

/* ------------------------------------------------------------------ */
/* Entries                                                            */
/* ------------------------------------------------------------------ */

static int bind_entry(sqlite3_stmt *st, const struct lrs_entry *en)
{
    int rc = en->id ? sqlite3_bind_int64(st, 1, en->id) : SQLITE_OK;

    rc = rc ? rc : bind_str(st, 2, en->school);
    rc = rc ? rc : bind_str(st, 3, en->ao_ukprn);
    rc = rc ? rc : bind_str(st, 4, en->series);
    rc = rc ? rc : bind_str(st, 5, en->candidate_number);
    rc = rc ? rc : bind_str(st, 6, en->qualification_code);
    rc = rc ? rc : bind_str(st, 7, en->qualification_title);
    rc = rc ? rc : bind_str(st, 8, en->uci);
    rc = rc ? rc : bind_uln(st, 9, en->uln);
    rc = rc ? rc : bind_str(st, 10, en->given_name);
    rc = rc ? rc : bind_str(st, 11, en->family_name);
    rc = rc ? rc : bind_date(st, 12, en->date_of_birth);
    rc = rc ? rc : sqlite3_bind_int(st, 13, (int)en->gender);
    rc = rc ? rc : sqlite3_bind_int(st, 14, (int)en->verify_code);
    rc = rc ? rc : sqlite3_bind_int64(st, 15, en->verify_flags);
    rc = rc ? rc : sqlite3_bind_int64(st, 16, en->submitted_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 17, en->amended_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 18, en->sent_ms);
    return rc;
}

static void read_entry(sqlite3_stmt *st, void *out)
{
    struct lrs_entry *en = out;

    memset(en, 0, sizeof *en);
    en->id = sqlite3_column_int64(st, 0);
    col_text(st, 1, en->school, sizeof en->school);
    col_text(st, 2, en->ao_ukprn, sizeof en->ao_ukprn);
    col_text(st, 3, en->series, sizeof en->series);
    col_text(st, 4, en->candidate_number, sizeof en->candidate_number);
    col_text(st, 5, en->qualification_code, sizeof en->qualification_code);
    col_text(st, 6, en->qualification_title, sizeof en->qualification_title);
    col_text(st, 7, en->uci, sizeof en->uci);
    col_uln(st, 8, en->uln);
    col_text(st, 9, en->given_name, sizeof en->given_name);
    col_text(st, 10, en->family_name, sizeof en->family_name);
    en->date_of_birth = col_date(st, 11);
    en->gender = (enum lrs_gender)sqlite3_column_int(st, 12);
    en->verify_code = (enum lrs_verify_code)sqlite3_column_int(st, 13);
    en->verify_flags = (unsigned)sqlite3_column_int64(st, 14);
    en->submitted_ms = sqlite3_column_int64(st, 15);
    en->amended_ms = sqlite3_column_int64(st, 16);
    en->sent_ms = sqlite3_column_int64(st, 17);
}

enum lrs_err lrs__sqlite_entry_find(void *e, const struct lrs_entry *key,
                                    struct lrs_entry *out)
{
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, P_ENTRY_FIND, &err);
    int rc;

    if (!st)
        return err;
    rc = bind_str(st, 2, key->school);
    rc = rc ? rc : bind_str(st, 3, key->ao_ukprn);
    rc = rc ? rc : bind_str(st, 4, key->series);
    rc = rc ? rc : bind_str(st, 5, key->candidate_number);
    rc = rc ? rc : bind_str(st, 6, key->qualification_code);
    return step_one(e, st, rc, read_entry, out);
}

enum lrs_err lrs__sqlite_entry_put(void *e, struct lrs_entry *en)
{
    const bool insert = en->id == 0;
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, insert ? P_ENTRY_INSERT : P_ENTRY_UPDATE, &err);

    if (!st)
        return err;
    err = step_done(e, st, bind_entry(st, en));
    if (err)
        return err;
    if (insert)
        en->id = sqlite3_last_insert_rowid(lrs__sqlite_db(e));
    else if (sqlite3_changes(lrs__sqlite_db(e)) == 0)
        return LRS_ENOTFOUND;
    return LRS_OK;
}

enum lrs_err lrs__sqlite_entry_scan(void *e, const char *ao, const char *school,
                                    unsigned flags, lrs_store_entry_fn fn,
                                    void *ctx)
{
    struct lrs_entry en;
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, P_ENTRY_SCAN, &err);
    int rc;

    if (!st)
        return err;
    rc = bind_str(st, 1, ao);
    if (!rc && school)
        rc = bind_str(st, 2, school);
    rc = rc ? rc
            : sqlite3_bind_int(st, 3, (flags & LRS_ENTRY_SCAN_PENDING) != 0);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    while (!err && rc == SQLITE_ROW) {
        read_entry(st, &en);
        err = fn(&en, ctx);
        if (!err)
            rc = sqlite3_step(st);
    }
    sqlite3_reset(st);
    if (!err && rc != SQLITE_DONE)
        err = lrs__sqlite_fail(e, rc);
    return err;
}

enum lrs_err lrs__sqlite_entry_mark_sent(void *e, int64_t id, int64_t sent_ms)
{
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, P_ENTRY_SENT, &err);
    int rc;

    if (!st)
        return err;
    rc = sqlite3_bind_int64(st, 1, id);
    rc = rc ? rc : sqlite3_bind_int64(st, 2, sent_ms);
    err = step_done(e, st, rc);
    if (!err && sqlite3_changes(lrs__sqlite_db(e)) == 0)
        return LRS_ENOTFOUND;
    return err;
}

/* ------------------------------------------------------------------ */
/* Shares                                                             */
/* ------------------------------------------------------------------ */

/* The chosen achievements as "12,15,40" ('' for all). */
static enum lrs_err items_text(const struct lrs_share *sh, struct lrs_buf *b)
{
    enum lrs_err err = LRS_OK;

    for (size_t i = 0; !err && i < sh->item_count; i++)
        err = lrs_buf_addf(b, "%s%lld", i ? "," : "", (long long)sh->items[i]);
    return err;
}

/* Parse items text back; extra items beyond the maximum are dropped. */
static void items_parse(const char *t, struct lrs_share *sh)
{
    sh->item_count = 0;
    while (*t && sh->item_count < LRS_SHARE_MAX_ITEMS) {
        int64_t v = 0;

        while (*t >= '0' && *t <= '9')
            v = v * 10 + (*t++ - '0');
        sh->items[sh->item_count++] = v;
        if (*t == ',')
            t++;
        else
            break;
    }
}

static void read_share(sqlite3_stmt *st, void *out)
{
    struct lrs_share *sh = out;
    const void *hash = sqlite3_column_blob(st, 2);
    const unsigned char *items = sqlite3_column_text(st, 3);

    memset(sh, 0, sizeof *sh);
    sh->id = sqlite3_column_int64(st, 0);
    col_uln(st, 1, sh->uln);
    if (hash && sqlite3_column_bytes(st, 2) == LRS_SHARE_HASH_LEN)
        memcpy(sh->token_hash, hash, LRS_SHARE_HASH_LEN);
    items_parse(items ? (const char *)items : "", sh);
    sh->created_ms = sqlite3_column_int64(st, 4);
    sh->expires_ms = sqlite3_column_int64(st, 5);
    sh->revoked_ms = sqlite3_column_int64(st, 6);
    sh->views = sqlite3_column_int64(st, 7);
    sh->last_view_ms = sqlite3_column_int64(st, 8);
    sh->user_id = sqlite3_column_int64(st, 9);
    sh->org_id = sqlite3_column_int64(st, 10);
}

enum lrs_err lrs__sqlite_share_insert(void *e, struct lrs_share *sh)
{
    struct lrs_buf items = LRS_BUF_INIT;
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, P_SHARE_INSERT, &err);
    int rc;

    if (!st)
        return err;
    err = items_text(sh, &items);
    if (err)
        return err;
    rc = bind_uln(st, 2, sh->uln);
    rc = rc ? rc
            : sqlite3_bind_blob(st, 3, sh->token_hash, LRS_SHARE_HASH_LEN,
                                SQLITE_STATIC);
    rc = rc ? rc : bind_str(st, 4, items.data);
    rc = rc ? rc : sqlite3_bind_int64(st, 5, sh->created_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 6, sh->expires_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 7, sh->revoked_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 8, sh->views);
    rc = rc ? rc : sqlite3_bind_int64(st, 9, sh->last_view_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 10, sh->user_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 11, sh->org_id);
    err = step_done(e, st, rc);
    lrs_buf_release(&items);
    if (!err)
        sh->id = sqlite3_last_insert_rowid(lrs__sqlite_db(e));
    return err;
}

enum lrs_err lrs__sqlite_share_get(void *e, int64_t id, const uint8_t *hash,
                                   struct lrs_share *out)
{
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, hash ? P_SHARE_BY_HASH : P_SHARE_GET, &err);
    int rc;

    if (!st)
        return err;
    if (hash)
        rc = sqlite3_bind_blob(st, 1, hash, LRS_SHARE_HASH_LEN, SQLITE_STATIC);
    else
        rc = sqlite3_bind_int64(st, 1, id);
    return step_one(e, st, rc, read_share, out);
}

enum lrs_err lrs__sqlite_share_update(void *e, const struct lrs_share *sh)
{
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, P_SHARE_UPDATE, &err);
    int rc;

    if (!st)
        return err;
    rc = sqlite3_bind_int64(st, 1, sh->id);
    rc = rc ? rc : sqlite3_bind_int64(st, 2, sh->revoked_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 3, sh->views);
    rc = rc ? rc : sqlite3_bind_int64(st, 4, sh->last_view_ms);
    err = step_done(e, st, rc);
    if (!err && sqlite3_changes(lrs__sqlite_db(e)) == 0)
        return LRS_ENOTFOUND;
    return err;
}

enum lrs_err lrs__sqlite_share_scan(void *e, const char *uln,
                                    lrs_store_share_fn fn, void *ctx)
{
    struct lrs_share sh;
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, P_SHARE_SCAN, &err);
    int rc;

    if (!st)
        return err;
    rc = bind_uln(st, 1, uln);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    while (!err && rc == SQLITE_ROW) {
        read_share(st, &sh);
        err = fn(&sh, ctx);
        if (!err)
            rc = sqlite3_step(st);
    }
    sqlite3_reset(st);
    if (!err && rc != SQLITE_DONE)
        err = lrs__sqlite_fail(e, rc);
    return err;
}

/* ------------------------------------------------------------------ */
/* Sign-up codes                                                      */
/* ------------------------------------------------------------------ */

static void read_invite(sqlite3_stmt *st, void *out)
{
    struct lrs_invite *inv = out;

    memset(inv, 0, sizeof *inv);
    inv->id = sqlite3_column_int64(st, 0);
    col_uln(st, 1, inv->uln);
    col_text(st, 2, inv->code_hash, sizeof inv->code_hash);
    inv->created_ms = sqlite3_column_int64(st, 3);
    inv->expires_ms = sqlite3_column_int64(st, 4);
    inv->used_ms = sqlite3_column_int64(st, 5);
    inv->account_id = sqlite3_column_int64(st, 6);
    inv->attempts = sqlite3_column_int(st, 7);
    inv->user_id = sqlite3_column_int64(st, 8);
    inv->org_id = sqlite3_column_int64(st, 9);
}

enum lrs_err lrs__sqlite_invite_insert(void *e, struct lrs_invite *inv)
{
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, P_INVITE_INSERT, &err);
    int rc;

    if (!st)
        return err;
    rc = bind_uln(st, 2, inv->uln);
    rc = rc ? rc : bind_str(st, 3, inv->code_hash);
    rc = rc ? rc : sqlite3_bind_int64(st, 4, inv->created_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 5, inv->expires_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 6, inv->used_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 7, inv->account_id);
    rc = rc ? rc : sqlite3_bind_int(st, 8, inv->attempts);
    rc = rc ? rc : sqlite3_bind_int64(st, 9, inv->user_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 10, inv->org_id);
    err = step_done(e, st, rc);
    if (!err)
        inv->id = sqlite3_last_insert_rowid(lrs__sqlite_db(e));
    return err;
}

enum lrs_err lrs__sqlite_invite_live(void *e, const char *uln,
                                     struct lrs_invite *out)
{
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, P_INVITE_LIVE, &err);

    if (!st)
        return err;
    return step_one(e, st, bind_uln(st, 1, uln), read_invite, out);
}

enum lrs_err lrs__sqlite_invite_update(void *e, const struct lrs_invite *inv)
{
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, P_INVITE_UPDATE, &err);
    int rc;

    if (!st)
        return err;
    rc = sqlite3_bind_int64(st, 1, inv->id);
    rc = rc ? rc : sqlite3_bind_int64(st, 2, inv->used_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 3, inv->account_id);
    rc = rc ? rc : sqlite3_bind_int(st, 4, inv->attempts);
    err = step_done(e, st, rc);
    if (!err && sqlite3_changes(lrs__sqlite_db(e)) == 0)
        return LRS_ENOTFOUND;
    return err;
}

/* ------------------------------------------------------------------ */
/* Sent versions of entries                                           */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__sqlite_entry_submission_add(void *e,
                                              struct lrs_entry_submission *sub)
{
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, P_SUBMISSION_ADD, &err);
    int rc;

    if (!st)
        return err;
    rc = bind_str(st, 1, sub->ao_ukprn);
    rc = rc ? rc : bind_str(st, 2, sub->school);
    rc = rc ? rc : sqlite3_bind_int64(st, 3, sub->sent_ms);
    rc = rc ? rc : sqlite3_bind_int64(st, 4, sub->entry_count);
    rc = rc ? rc : sqlite3_bind_int64(st, 5, sub->user_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 6, sub->org_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        sub->id = sqlite3_column_int64(st, 0);
        sub->number = sqlite3_column_int64(st, 1);
        rc = sqlite3_step(st);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? LRS_OK : lrs__sqlite_fail(e, rc);
}

enum lrs_err lrs__sqlite_entry_version_add(void *e, int64_t submission_id,
                                           const struct lrs_entry *en)
{
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, P_VERSION_ADD, &err);
    int rc;

    if (!st)
        return err;
    /* bind_entry binds ?1..?18 (?18 sent_ms, unused here). */
    rc = bind_entry(st, en);
    rc = rc ? rc : sqlite3_bind_int64(st, 19, submission_id);
    return step_done(e, st, rc);
}

static void read_version(sqlite3_stmt *st, void *out)
{
    struct lrs_entry *en = out;

    read_entry(st, en);
    en->submission = sqlite3_column_int64(st, 18);
}

enum lrs_err lrs__sqlite_entry_sent_scan(void *e, const char *ao,
                                         int64_t number, lrs_store_entry_fn fn,
                                         void *ctx)
{
    struct lrs_entry en;
    enum lrs_err err;
    sqlite3_stmt *st = stmt(e, number ? P_SENT_SCAN : P_SENT_LATEST, &err);
    int rc;

    if (!st)
        return err;
    rc = bind_str(st, 1, ao);
    if (!rc && number)
        rc = sqlite3_bind_int64(st, 2, number);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    while (!err && rc == SQLITE_ROW) {
        read_version(st, &en);
        err = fn(&en, ctx);
        if (!err)
            rc = sqlite3_step(st);
    }
    sqlite3_reset(st);
    if (!err && rc != SQLITE_DONE)
        err = lrs__sqlite_fail(e, rc);
    return err;
}
