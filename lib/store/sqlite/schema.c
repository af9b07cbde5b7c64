/*
 * sqlite/schema.c - the SQLite migrations, one SQL script per schema
 * version. docs/data-model.md describes every table; the PostgreSQL engine
 * keeps an equivalent list with the same numbers.
 *
 * Rules: never edit a released migration, add the next one; a migration
 * runs inside the caller's transaction; the schema version lives in
 * PRAGMA user_version. ULNs are INTEGER (ten digits fit in 64 bits), so a
 * learner's ULN is its rowid and lookups by ULN are one B-tree search.
 * Times are Unix milliseconds (UTC); dates are 'yyyy-mm-dd' text.
 */
#include "base/base.h"

#include "store/sqlite/sqlite_int.h"

static const char *const v1[] = {
    /* Organisations: schools (LA + establishment number, URN), awarding
     * organisations (UKPRN), providers, and the LRS itself (id 0). */
    "CREATE TABLE organisations ("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK (kind IN ('lrs','school','ao','provider')),"
    " name TEXT NOT NULL CHECK (length(name) <= 254),"
    " la INTEGER CHECK (la BETWEEN 100 AND 999),"
    " estab INTEGER CHECK (estab BETWEEN 0 AND 9999),"
    " urn INTEGER UNIQUE,"
    " ukprn TEXT UNIQUE CHECK (length(ukprn) = 8),"
    " created_ms INTEGER NOT NULL,"
    " UNIQUE (la, estab))",
    "INSERT INTO organisations (id, kind, name, created_ms)"
    " VALUES (0, 'lrs', 'Learning Records Service', 0)",
    /* Users and roles (the server issue fills these). */
    "CREATE TABLE users ("
    " id INTEGER PRIMARY KEY,"
    " org_id INTEGER NOT NULL REFERENCES organisations(id),"
    " login TEXT NOT NULL UNIQUE,"
    " display_name TEXT NOT NULL DEFAULT '',"
    " password_hash TEXT,"
    " disabled INTEGER NOT NULL DEFAULT 0,"
    " created_ms INTEGER NOT NULL)",
    "CREATE TABLE user_roles ("
    " user_id INTEGER NOT NULL REFERENCES users(id),"
    " role TEXT NOT NULL"
    "  CHECK (role IN ('school','operator','ao','learner','admin')),"
    " PRIMARY KEY (user_id, role)) WITHOUT ROWID",
    "CREATE TABLE api_tokens ("
    " id INTEGER PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id),"
    " token_hash BLOB NOT NULL UNIQUE,"
    " created_ms INTEGER NOT NULL,"
    " expires_ms INTEGER)",
    /* Learners: the fields of the LRS Learner type that openlrs uses. The
     * CHECKs use BETWEEN, not IN (...): SQLite builds an ephemeral table
     * for an IN list on every insert, a quarter of a bulk import's time. */
    "CREATE TABLE learners ("
    " uln INTEGER PRIMARY KEY CHECK (uln BETWEEN 1000000000 AND 9999999999),"
    " given_name TEXT NOT NULL,"
    " middle_names TEXT NOT NULL DEFAULT '',"
    " family_name TEXT NOT NULL,"
    " previous_family_name TEXT NOT NULL DEFAULT '',"
    " preferred_given_name TEXT NOT NULL DEFAULT '',"
    " date_of_birth TEXT NOT NULL,"
    " gender INTEGER NOT NULL CHECK (gender BETWEEN 0 AND 2 OR gender = 9),"
    " postcode TEXT NOT NULL DEFAULT '',"
    " address_line1 TEXT NOT NULL DEFAULT '',"
    " address_line2 TEXT NOT NULL DEFAULT '',"
    " address_town TEXT NOT NULL DEFAULT '',"
    " address_county TEXT NOT NULL DEFAULT '',"
    " ability_to_share INTEGER NOT NULL DEFAULT 0"
    "  CHECK (ability_to_share BETWEEN 0 AND 2),"
    " status INTEGER NOT NULL DEFAULT 0 CHECK (status BETWEEN 0 AND 2),"
    " master_uln INTEGER REFERENCES learners(uln),"
    " version INTEGER NOT NULL CHECK (version >= 1),"
    " created_ms INTEGER NOT NULL,"
    " updated_ms INTEGER NOT NULL,"
    " created_by INTEGER NOT NULL,"
    " created_org INTEGER NOT NULL,"
    " CHECK ((status = 1) = (master_uln IS NOT NULL)))",
    /* Every amendment of a learner's names: the names before it. */
    "CREATE TABLE name_history ("
    " id INTEGER PRIMARY KEY,"
    " uln INTEGER NOT NULL REFERENCES learners(uln),"
    " given_name TEXT NOT NULL,"
    " middle_names TEXT NOT NULL,"
    " family_name TEXT NOT NULL,"
    " preferred_given_name TEXT NOT NULL,"
    " changed_ms INTEGER NOT NULL,"
    " user_id INTEGER NOT NULL,"
    " org_id INTEGER NOT NULL,"
    " reason TEXT NOT NULL)",
    "CREATE INDEX name_history_uln ON name_history (uln, id)",
    /* Merges: merged_uln now points to master_uln (WSRC0022). */
    "CREATE TABLE merges ("
    " id INTEGER PRIMARY KEY,"
    " merged_uln INTEGER NOT NULL REFERENCES learners(uln),"
    " master_uln INTEGER NOT NULL REFERENCES learners(uln),"
    " merged_ms INTEGER NOT NULL,"
    " user_id INTEGER NOT NULL,"
    " org_id INTEGER NOT NULL,"
    " reason TEXT NOT NULL,"
    " unmerged_ms INTEGER)",
    "CREATE INDEX merges_master ON merges (master_uln)",
    "CREATE INDEX merges_merged ON merges (merged_uln)",
    /* Batch jobs (S2S uploads) and their rows. */
    "CREATE TABLE batch_jobs ("
    " id INTEGER PRIMARY KEY,"
    " org_id INTEGER NOT NULL REFERENCES organisations(id),"
    " user_id INTEGER NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('FUL','CHK','CTF')),"
    " state TEXT NOT NULL"
    "  CHECK (state IN ('queued','running','done','failed')),"
    " file_name TEXT NOT NULL DEFAULT '',"
    " rows_total INTEGER NOT NULL DEFAULT 0,"
    " rows_done INTEGER NOT NULL DEFAULT 0,"
    " claimed_by TEXT,"
    " created_ms INTEGER NOT NULL,"
    " updated_ms INTEGER NOT NULL,"
    " input BLOB,"
    " output BLOB)",
    "CREATE INDEX batch_jobs_state ON batch_jobs (state, id)",
    "CREATE TABLE batch_rows ("
    " job_id INTEGER NOT NULL REFERENCES batch_jobs(id),"
    " row_no INTEGER NOT NULL,"
    " uln INTEGER,"
    " return_code TEXT NOT NULL DEFAULT '',"
    " detail TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY (job_id, row_no)) WITHOUT ROWID",
    /* Exceptions: rows a person must resolve. */
    "CREATE TABLE exceptions ("
    " id INTEGER PRIMARY KEY,"
    " job_id INTEGER REFERENCES batch_jobs(id),"
    " row_no INTEGER,"
    " org_id INTEGER NOT NULL,"
    " kind TEXT NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'open'"
    "  CHECK (state IN ('open','resolved')),"
    " candidates TEXT NOT NULL DEFAULT '',"
    " resolution TEXT NOT NULL DEFAULT '',"
    " resolved_by INTEGER,"
    " resolved_ms INTEGER,"
    " created_ms INTEGER NOT NULL)",
    "CREATE INDEX exceptions_open ON exceptions (org_id, state)",
    /* Achievements: PLR learning events (GetLearnerLearningEvents). */
    "CREATE TABLE achievements ("
    " id INTEGER PRIMARY KEY,"
    " uln INTEGER NOT NULL REFERENCES learners(uln),"
    " subject TEXT NOT NULL DEFAULT '',"
    " subject_code TEXT NOT NULL DEFAULT '',"
    " qualification_type TEXT NOT NULL DEFAULT '',"
    " level TEXT NOT NULL DEFAULT '',"
    " grade TEXT NOT NULL DEFAULT '',"
    " credits INTEGER,"
    " award_date TEXT,"
    " participation_start TEXT,"
    " participation_end TEXT,"
    " provider_name TEXT NOT NULL DEFAULT '',"
    " provider_ukprn TEXT NOT NULL DEFAULT '',"
    " ao_name TEXT NOT NULL DEFAULT '',"
    " ao_ukprn TEXT NOT NULL DEFAULT '',"
    " language TEXT NOT NULL DEFAULT '',"
    " source TEXT NOT NULL DEFAULT '',"
    " status TEXT NOT NULL DEFAULT 'F' CHECK (status IN ('F','P')),"
    " restriction TEXT NOT NULL DEFAULT '',"
    " under_data_challenge INTEGER NOT NULL DEFAULT 0,"
    " loaded_ms INTEGER NOT NULL)",
    "CREATE INDEX achievements_uln ON achievements (uln)",
    "CREATE TABLE plr_shares ("
    " id INTEGER PRIMARY KEY,"
    " uln INTEGER NOT NULL REFERENCES learners(uln),"
    " org_id INTEGER NOT NULL REFERENCES organisations(id),"
    " created_ms INTEGER NOT NULL,"
    " revoked_ms INTEGER)",
    /* The audit log: who did what to which ULN, no other personal data.
     * Append-only and not indexed by ULN: an index would cost a random
     * B-tree insert per learner written (a fifth of a bulk import).
     * NEEDSWORK: index or partition it when the server needs "who read
     * learner X" quickly; lrs_store_audit_scan(uln) scans it for now. */
    "CREATE TABLE audit_log ("
    " id INTEGER PRIMARY KEY,"
    " at_ms INTEGER NOT NULL,"
    " user_id INTEGER NOT NULL,"
    " org_id INTEGER NOT NULL,"
    " source TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " uln INTEGER)",
    /* The ULN allocator: one row, the next counter and the key. */
    "CREATE TABLE uln_allocator ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " counter INTEGER NOT NULL CHECK (counter >= 0),"
    " key BLOB CHECK (key IS NULL OR length(key) = 32))",
    "INSERT INTO uln_allocator (id, counter) VALUES (1, 0)",
    NULL,
};

/* Version 2: accounts (lrs/accounts.h). Users gain the must-change
 * flag, the accepted agreement and, for a learner account, its ULN; API
 * tokens a label and revocation; sessions are kept so that signing out
 * revokes one on every lrsd; settings hold values every lrsd shares (the
 * session signing key); audit rows get the client's address. */
static const char *const v2[] = {
    "ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL"
    " DEFAULT 0",
    "ALTER TABLE users ADD COLUMN agreement_version INTEGER NOT NULL"
    " DEFAULT 0",
    "ALTER TABLE users ADD COLUMN agreement_ms INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE users ADD COLUMN uln INTEGER",
    "CREATE UNIQUE INDEX users_uln ON users (uln) WHERE uln IS NOT NULL",
    "CREATE INDEX users_org ON users (org_id)",
    "ALTER TABLE api_tokens ADD COLUMN label TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE api_tokens ADD COLUMN revoked_ms INTEGER",
    "CREATE INDEX api_tokens_user ON api_tokens (user_id, id)",
    "CREATE TABLE sessions ("
    " id BLOB PRIMARY KEY CHECK (length(id) = 16),"
    " user_id INTEGER NOT NULL REFERENCES users(id),"
    " created_ms INTEGER NOT NULL,"
    " expires_ms INTEGER NOT NULL,"
    " revoked_ms INTEGER,"
    " addr TEXT NOT NULL DEFAULT '') WITHOUT ROWID",
    "CREATE INDEX sessions_user ON sessions (user_id)",
    "CREATE TABLE settings ("
    " name TEXT PRIMARY KEY,"
    " value BLOB NOT NULL) WITHOUT ROWID",
    "ALTER TABLE audit_log ADD COLUMN addr TEXT NOT NULL DEFAULT ''",
    NULL,
};

/*
 * Version 3: the S2S batch (docs/batch.md). Version 1's batch_jobs,
 * batch_rows and exceptions were placeholders no release ever wrote to;
 * they are replaced by the tables the batch service uses. The input CTF is
 * a blob of its job (one source of truth, in every backup, visible to
 * every node of a shared PostgreSQL store); the outputs are blobs too.
 */
static const char *const v3[] = {
    "DROP TABLE exceptions",
    "DROP TABLE batch_rows",
    "DROP TABLE batch_jobs",
    "CREATE TABLE batch_jobs ("
    " id INTEGER PRIMARY KEY,"
    " org_id INTEGER NOT NULL REFERENCES organisations(id),"
    " user_id INTEGER NOT NULL,"
    " status TEXT NOT NULL"
    "  CHECK (status IN ('queued','running','done','failed')),"
    " file_name TEXT NOT NULL DEFAULT '',"
    " sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
    " rows_total INTEGER NOT NULL DEFAULT 0,"
    " rows_done INTEGER NOT NULL DEFAULT 0,"
    " checkpoint INTEGER NOT NULL DEFAULT 0,"
    " claimed_by TEXT NOT NULL DEFAULT '',"
    " created_ms INTEGER NOT NULL,"
    " updated_ms INTEGER NOT NULL,"
    " error TEXT NOT NULL DEFAULT '',"
    " input BLOB NOT NULL,"
    " returned_ctf BLOB,"
    " report_csv BLOB,"
    " report_html BLOB,"
    " UNIQUE (org_id, sha256))",
    "CREATE INDEX batch_jobs_status ON batch_jobs (status, id)",
    "CREATE TABLE batch_rows ("
    " job_id INTEGER NOT NULL REFERENCES batch_jobs(id),"
    " ordinal INTEGER NOT NULL CHECK (ordinal >= 1),"
    " upn TEXT NOT NULL DEFAULT '',"
    " code TEXT NOT NULL,"
    " uln INTEGER,"
    " exception_id INTEGER,"
    " PRIMARY KEY (job_id, ordinal)) WITHOUT ROWID",
    "CREATE TABLE exceptions ("
    " id INTEGER PRIMARY KEY,"
    " job_id INTEGER NOT NULL REFERENCES batch_jobs(id),"
    " org_id INTEGER NOT NULL,"
    " ordinal INTEGER NOT NULL,"
    " code TEXT NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'open'"
    "  CHECK (status IN ('open','resolved')),"
    " reason TEXT NOT NULL DEFAULT '',"
    " candidates TEXT NOT NULL DEFAULT '',"
    " created_ms INTEGER NOT NULL,"
    " resolved_uln INTEGER,"
    " resolved_new INTEGER NOT NULL DEFAULT 0,"
    " resolved_by INTEGER,"
    " resolved_ms INTEGER,"
    " resolution_reason TEXT NOT NULL DEFAULT '',"
    " UNIQUE (job_id, ordinal))",
    "CREATE INDEX exceptions_status ON exceptions (org_id, status, id)",
    NULL,
};

/*
 * Version 13: an audit row names the user whose account it concerns
 * (account changes, API tokens, a learner's sign-up) beside the actor
 * who made the change; NULL for every other row. The partial index finds
 * one user's account trail without indexing the learner rows, which
 * stay as cheap to append as before.
 */
static const char *const v13[] = {
    "ALTER TABLE audit_log ADD COLUMN subject_user_id INTEGER",
    "CREATE INDEX audit_log_subject ON audit_log (subject_user_id, id)"
    " WHERE subject_user_id IS NOT NULL",
    NULL,
};

static const char *const *const migrations[] = {
    NULL, /* version 0: the empty database */
    v1,
    v2,
    v3,
    lrs__sqlite_plr_migration,
    lrs__sqlite_links_migration,
    lrs__sqlite_batch_blobs_migration,
    lrs__sqlite_model_migration,
    lrs__sqlite_roster_migration,
    lrs__sqlite_invite_migration,
    lrs__sqlite_entry_versions_migration,
    lrs__sqlite_changes_migration,
    lrs__sqlite_job_addr_migration,
    v13,
};

_Static_assert(LRS_ARRAY_LEN(migrations) == LRS_STORE_SCHEMA_VERSION + 1,
               "one SQLite migration per schema version");

const char *const *lrs__sqlite_migration(int version)
{
    if (version < 1 || (size_t)version >= LRS_ARRAY_LEN(migrations))
        return NULL;
    return migrations[version];
}
