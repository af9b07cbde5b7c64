/*
 * lrs/store.h - the learner register store: one API, two engines.
 *
 * The store is the system of record. It keeps learners, their name history
 * (every amendment, never overwritten), merges (a merged ULN points to its
 * master), the audit log, the ULN allocator and its key, and the schema of
 * the tables later modules fill (organisations, users and roles, batch jobs
 * and their rows, exceptions, achievements). docs/data-model.md describes
 * every table; docs/store.md the engines.
 *
 * Engines: a URL starting "postgres://" or "postgresql://" selects
 * PostgreSQL; anything else is the path of an SQLite file (WAL mode,
 * synchronous=FULL: a commit that returned LRS_OK survives a crash or a
 * power cut). The same calls, the same errors and the same contract tests
 * (tests/store/) apply to both.
 *
 * This layer stores and fetches; it does not validate learner fields or
 * write audit rows by itself. The service layer (lrs/service.h) does both
 * and is what programs should call. Store-level rules that it does enforce:
 * a ULN is never issued twice, versions are checked on update (optimistic
 * locking), names that change are kept in the history in the same
 * transaction, and merge chains are followed on request.
 *
 * Transactions: lrs_store_begin() opens a write transaction; every call
 * made until lrs_store_commit() or lrs_store_rollback() belongs to it.
 * Outside an explicit transaction each write call is its own transaction.
 * When a call fails inside a transaction, the transaction is still open and
 * the caller must roll it back (what the failed call did is undone then).
 *
 * Errors: every call returns enum lrs_err. LRS_EBUSY means another
 * connection held a lock longer than the busy timeout (5 s); LRS_ECONFLICT
 * a stale version or a duplicate ULN; LRS_EIO an I/O or engine error;
 * LRS_ECORRUPT stored data that breaks an invariant. lrs_store_errmsg()
 * then says what failed, in git's style ("cannot open store 'x.db': unable
 * to open database file"). No message ever holds learner data beyond a ULN.
 *
 * Ownership: a struct lrs_store is owned by its opener and freed with
 * lrs_store_free(). Structs passed in are borrowed for the call; pointers
 * handed to callbacks are borrowed for the callback only.
 *
 * Thread-safety: one struct lrs_store is one database connection and must
 * be used by one thread at a time. Open one store per thread; any number of
 * stores (threads or processes) may share one database.
 */
#ifndef LRS_STORE_H
#define LRS_STORE_H

#include <lrs/base.h>
#include <lrs/ids.h>

/** An open store: one database connection (opaque). */
struct lrs_store;

/* ------------------------------------------------------------------ */
/* Learners                                                           */
/* ------------------------------------------------------------------ */

/** Longest name in characters (learner.xsd MIAPName, MIAPNameNonEmpty). */
#define LRS_LEARNER_NAME_MAX 35
/** Bytes for a name of LRS_LEARNER_NAME_MAX UTF-8 characters and a NUL. */
#define LRS_LEARNER_NAME_SIZE (LRS_LEARNER_NAME_MAX * 4 + 1)
/** Longest address line in characters (learner.xsd MIAPAddress). */
#define LRS_LEARNER_ADDRESS_MAX 50
/** Bytes for an address line of UTF-8 characters and a NUL. */
#define LRS_LEARNER_ADDRESS_SIZE (LRS_LEARNER_ADDRESS_MAX * 4 + 1)
/** Bytes for a ULN and its NUL. */
#define LRS_ULN_SIZE (LRS_ULN_LEN + 1)

/**
 * AbilityToShare (learner.xsd MIAPAbilityToShare, DOMAIN.md): whether the
 * learner has seen the privacy notice and agreed to share their record.
 */
enum lrs_ability_to_share {
    LRS_SHARE_NOT_SEEN = 0, /* privacy notice not seen (the default) */
    LRS_SHARE_YES = 1,      /* seen, and the learner shares */
    LRS_SHARE_NO = 2,       /* seen, and the learner does not share */
};

/**
 * LearnerStatus (learner.xsd MIAPLearnerStatus: 0, 1 or 2). The schema
 * gives no meanings; these are ours (docs/data-model.md). NEEDSWORK: the
 * LRS's own meanings are unconfirmed.
 */
enum lrs_learner_status {
    LRS_LEARNER_ACTIVE = 0, /* a live record */
    LRS_LEARNER_LINKED = 1, /* merged into master_uln (WSRC0022) */
    LRS_LEARNER_CLOSED = 2, /* withdrawn, e.g. registered in error */
};

/**
 * One learner: the fields of the LRS `Learner` type that openlrs uses.
 * Strings are NUL-terminated UTF-8 in the arrays; an empty string means
 * "not given". Names hold at most LRS_LEARNER_NAME_MAX characters and
 * address lines LRS_LEARNER_ADDRESS_MAX (checked by the service layer, not
 * by the store). A plain struct in caller storage: copy it freely.
 */
struct lrs_learner {
    char uln[LRS_ULN_SIZE];                   /* "" = issue one */
    char given_name[LRS_LEARNER_NAME_SIZE];   /* required */
    char middle_names[LRS_LEARNER_NAME_SIZE]; /* MiddleOtherName */
    char family_name[LRS_LEARNER_NAME_SIZE];  /* required */
    char previous_family_name[LRS_LEARNER_NAME_SIZE];
    char preferred_given_name[LRS_LEARNER_NAME_SIZE];
    struct lrs_date date_of_birth;                 /* required */
    enum lrs_gender gender;                        /* required */
    char postcode[LRS_POSTCODE_MAX + 1];           /* canonical, or "" */
    char address_line1[LRS_LEARNER_ADDRESS_SIZE];  /* LastKnownAddressLine1 */
    char address_line2[LRS_LEARNER_ADDRESS_SIZE];  /* LastKnownAddressLine2 */
    char address_town[LRS_LEARNER_ADDRESS_SIZE];   /* LastKnownAddressTown */
    char address_county[LRS_LEARNER_ADDRESS_SIZE]; /* ...CountyOrCity */
    enum lrs_ability_to_share ability_to_share;
    enum lrs_learner_status status;
    char master_uln[LRS_ULN_SIZE]; /* LRS_LEARNER_LINKED: the master, else "" */
    int32_t version;     /* VersionNumber: 1 on insert, +1 per update */
    int64_t created_ms;  /* Unix time in ms (UTC), set by the store */
    int64_t updated_ms;  /* Unix time in ms (UTC), set by the store */
    int64_t created_by;  /* user id of the registering actor (0 system) */
    int64_t created_org; /* organisation id of the registering actor */
};

/** Set every field of `l` to empty / zero, gender "not known". */
LRS_API void lrs_learner_init(struct lrs_learner *l);

/* ------------------------------------------------------------------ */
/* Actors, audit rows, name history                                   */
/* ------------------------------------------------------------------ */

/**
 * Who is acting: recorded in audit rows, name history and created_by.
 * `source` is a static string naming the channel ("cli", "http", "batch",
 * "import", "test"). User and organisation 0 mean the system itself (the
 * command-line program run by an operator).
 */
struct lrs_actor {
    int64_t user_id;    /* users.id, or 0 for the system */
    int64_t org_id;     /* organisations.id, or 0 for the LRS itself */
    const char *source; /* static storage; NULL is stored as "" */
    const char *addr;   /* the client's network address as text (lrsd:
                         * the connection's, or X-Forwarded-For from a
                         * trusted proxy); borrowed for the call; NULL
                         * is stored as "" */
};

/** The actor of the command-line program: user 0, org 0, source "cli". */
#define LRS_ACTOR_CLI                                                          \
    {                                                                          \
        0, 0, "cli", NULL                                                      \
    }

/** What an audit row records. Stored by name (lrs_audit_action_name). */
enum lrs_audit_action {
    LRS_AUDIT_READ = 1, /* a learner was read (show, lookup) */
    LRS_AUDIT_REGISTER, /* a learner was registered, ULN issued */
    LRS_AUDIT_IMPORT,   /* a learner was inserted by a bulk import */
    LRS_AUDIT_UPDATE,   /* a learner's details were amended */
    LRS_AUDIT_MERGE,    /* a learner was linked to a master */
    LRS_AUDIT_EXPORT,   /* a learner was written to an export */
    /* The PLR (lrs/plr.h). */
    LRS_AUDIT_VERIFY,     /* a learner's names were verified */
    LRS_AUDIT_PLR_READ,   /* a learner's PLR was read */
    LRS_AUDIT_RESULT,     /* a learning event was stored or replaced */
    LRS_AUDIT_SHARE,      /* a share was created or revoked */
    LRS_AUDIT_SHARE_VIEW, /* a share was opened */
    /* The school side (lrs/school.h): a school's pupil roster. */
    LRS_AUDIT_ROSTER_STORE, /* a school's roster was stored or replaced */
    LRS_AUDIT_ROSTER_READ,  /* a school's roster was read */
    LRS_AUDIT_INVITE,       /* a sign-up code was issued or redeemed */
    LRS_AUDIT_ENTRY,        /* an exam entry was sent to or listed by an AO */
    /* Accounts (lrs/service.h): no ULN; subject_user_id names the user
     * whose account it was, the actor who did it. */
    LRS_AUDIT_USER_ADD,      /* a staff user was added */
    LRS_AUDIT_USER_CHANGE,   /* a user was renamed or their roles changed */
    LRS_AUDIT_USER_DISABLE,  /* a user was disabled */
    LRS_AUDIT_USER_ENABLE,   /* a user was enabled again */
    LRS_AUDIT_USER_PASSWORD, /* a user's password was reset or changed */
    LRS_AUDIT_TOKEN_ADD,     /* an API token was issued to a user */
    LRS_AUDIT_TOKEN_REVOKE,  /* a user's API token was revoked */
};

/** The last action: every value from LRS_AUDIT_READ to this one has a
 *  name. */
#define LRS_AUDIT_ACTION_LAST LRS_AUDIT_TOKEN_REVOKE

/** "read", "register", ... ; "unknown" for other values. Static. */
LRS_API const char *lrs_audit_action_name(enum lrs_audit_action a);

/**
 * One audit row. It holds no personal data beyond the ULN: never names,
 * dates or postcodes (ARCHITECTURE.md Security); a user is named by id,
 * never by login.
 */
struct lrs_audit {
    int64_t id;             /* assigned by the store, ascending */
    int64_t at_ms;          /* Unix ms; 0 on append = now */
    struct lrs_actor actor; /* who acted; source borrowed from static
                             * storage */
    enum lrs_audit_action action;
    char uln[LRS_ULN_SIZE];  /* the learner concerned, or "" */
    int64_t subject_user_id; /* the user whose account it concerns (an
                              * account action, a learner's sign-up), or
                              * 0 for none */
};

/**
 * One amendment of a learner's names: the names as they were before the
 * change, and who changed them, when and why. Written by
 * lrs_store_learner_update() whenever a name field changes.
 */
struct lrs_name_change {
    int64_t id; /* ascending */
    char uln[LRS_ULN_SIZE];
    char given_name[LRS_LEARNER_NAME_SIZE];           /* before the change */
    char middle_names[LRS_LEARNER_NAME_SIZE];         /* before the change */
    char family_name[LRS_LEARNER_NAME_SIZE];          /* before the change */
    char preferred_given_name[LRS_LEARNER_NAME_SIZE]; /* before */
    int64_t changed_ms;                               /* Unix ms */
    int64_t user_id;                                  /* who */
    int64_t org_id;                                   /* on behalf of */
    char reason[256]; /* why, e.g. "deed poll" */
};

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */

/** The schema version this program writes (lib/store migrations). */
#define LRS_STORE_SCHEMA_VERSION 13

enum lrs_store_open_flags {
    /** Create the database if missing (`lrs init`); otherwise a missing
     *  SQLite file is LRS_ENOTFOUND. */
    LRS_STORE_OPEN_CREATE = 1u << 0,
    /** Do not require an initialised, current schema (`lrs init` opens
     *  with this, then calls lrs_store_init()). */
    LRS_STORE_OPEN_NO_SCHEMA_CHECK = 1u << 1,
};

/**
 * Open the store at `url` (see the top of this file). Unless
 * LRS_STORE_OPEN_NO_SCHEMA_CHECK is given, the schema must be initialised
 * (else LRS_ENOTFOUND, "store 'x.db' is not initialised; run 'lrs init'")
 * and not newer than LRS_STORE_SCHEMA_VERSION (else LRS_ECONFLICT, "store
 * 'x.db' has schema version 3, newer than this program's 1").
 * On success *out is owned by the caller (lrs_store_free()). On failure
 * *out is NULL and `diag` (field "db") says why.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_open(const char *url,
                                                  unsigned flags,
                                                  struct lrs_store **out,
                                                  struct lrs_diag *diag);

/**
 * Close the connection and free `s`. An open transaction is rolled back.
 * lrs_store_free(NULL) is a no-op.
 */
LRS_API void lrs_store_free(struct lrs_store *s);

/** What lrs_store_init() did. */
struct lrs_store_init_result {
    int from_version; /* schema version before (0: empty database) */
    int to_version;   /* schema version after: LRS_STORE_SCHEMA_VERSION */
    bool key_created; /* a new ULN key was generated and stored */
};

/**
 * Bring the schema up to LRS_STORE_SCHEMA_VERSION by applying each
 * missing migration in order, in one transaction; generate and store the
 * ULN key (lrs_uln_key_generate) if there is none; register the LRS
 * itself as organisation 0. Idempotent: on a current schema it changes
 * nothing. A schema newer than this program is LRS_ECONFLICT.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_init(struct lrs_store *s, struct lrs_store_init_result *out);

/** "sqlite" or "postgres"; static. */
LRS_API const char *lrs_store_engine(const struct lrs_store *s);

/**
 * The message of the last failing call on `s` ("" if none), e.g. "cannot
 * insert learner: database is locked". Borrowed until the next call on `s`.
 */
LRS_API const char *lrs_store_errmsg(const struct lrs_store *s);

/* ------------------------------------------------------------------ */
/* Transactions                                                       */
/* ------------------------------------------------------------------ */

/**
 * Open a write transaction (SQLite BEGIN IMMEDIATE; PostgreSQL BEGIN, READ
 * COMMITTED). LRS_EBUSY when another writer held the lock past the busy
 * timeout. Transactions do not nest: beginning twice is LRS_BUG.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_begin(struct lrs_store *s);

/**
 * Commit. When this returns LRS_OK every change of the transaction is
 * durable. On failure the transaction is rolled back and nothing of it is
 * kept.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_commit(struct lrs_store *s);

/** Roll back the open transaction; a no-op when none is open. */
LRS_API void lrs_store_rollback(struct lrs_store *s);

/** Whether a transaction begun with lrs_store_begin() is open. */
LRS_API bool lrs_store_in_transaction(const struct lrs_store *s);

/* ------------------------------------------------------------------ */
/* Learner operations                                                 */
/* ------------------------------------------------------------------ */

/**
 * Insert learner `l`. When l->uln is "" a new ULN is issued: the allocator
 * counter is advanced in this transaction, mapped through the register's
 * keyed permutation (lrs_uln_issue), and any ULN already present (e.g.
 * imported) is skipped; the ULN is written to l->uln. Otherwise l->uln is
 * used as given, and LRS_ECONFLICT means a learner with that ULN exists.
 * The store sets version 1, created_ms and updated_ms (now), created_by
 * and created_org (from `actor`); status and master_uln are stored as
 * given. Fields are not validated here. On error `l` is unchanged.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_learner_insert(struct lrs_store *s, const struct lrs_actor *actor,
                         struct lrs_learner *l);

enum lrs_store_get_flags {
    /** Follow merge links: a LINKED learner resolves to its master (and
     *  the master's master, up to 16 links; a longer chain or a cycle is
     *  LRS_ECORRUPT). */
    LRS_STORE_GET_RESOLVE = 1u << 0,
};

/**
 * Fetch the learner with ULN `uln` (10 digits; not validated here) into
 * `*out`. LRS_ENOTFOUND when there is none. With LRS_STORE_GET_RESOLVE
 * *out is the master at the end of the merge chain (its uln differs from
 * `uln` when a link was followed).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_learner_get(struct lrs_store *s, const char *uln, unsigned flags,
                      struct lrs_learner *out);

/**
 * Replace the stored learner l->uln with `l`, provided its stored version
 * is `expected_version` (optimistic locking, as updateSingleLearner's
 * VersionNumber). A stale version is LRS_ECONFLICT and nothing changes;
 * no such learner is LRS_ENOTFOUND. If any of given, middle, family or
 * preferred given name changed, the names as they were are appended to the
 * name history with `actor`, now and `reason` (may be NULL: ""), in the
 * same transaction. On success l->version is expected_version + 1 and
 * l->updated_ms is now; created_*, status and master_uln keep their stored
 * values (and are copied into `l`: links change only through
 * lrs_store_learner_merge()). On error `l` is unchanged.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_learner_update(struct lrs_store *s, const struct lrs_actor *actor,
                         struct lrs_learner *l, int32_t expected_version,
                         const char *reason);

/**
 * Link learner `merged_uln` to `master_uln`: the merged learner's status
 * becomes LRS_LEARNER_LINKED, its master_uln is set and its version bumped,
 * and a row is added to the merges table with `actor`, now and `reason`.
 * LRS_ENOTFOUND if either is missing; LRS_EINVAL (diag field "uln") when
 * they are the same learner or the master is itself linked; LRS_ECONFLICT
 * when `merged_uln` is already linked.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_learner_merge(struct lrs_store *s, const struct lrs_actor *actor,
                        const char *merged_uln, const char *master_uln,
                        const char *reason, struct lrs_diag *diag);

/**
 * Called once per row of a scan with a row borrowed for the call. A
 * non-zero return stops the scan, which returns that value.
 */
typedef enum lrs_err (*lrs_store_learner_fn)(const struct lrs_learner *l,
                                             void *ctx);
typedef enum lrs_err (*lrs_store_name_change_fn)(
    const struct lrs_name_change *c, void *ctx);
typedef enum lrs_err (*lrs_store_audit_fn)(const struct lrs_audit *a,
                                           void *ctx);

/**
 * Stream every learner (all statuses) to `fn`, in ascending ULN order,
 * reading in bounded memory: this is how the match engine builds its
 * index. Do not call other store functions on `s` from `fn`.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_learner_scan(struct lrs_store *s, lrs_store_learner_fn fn, void *ctx);

/**
 * Stream the name history to `fn` in ascending id (time) order: of the
 * learner `uln`, or of every learner when `uln` is NULL.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_name_history_scan(struct lrs_store *s, const char *uln,
                            lrs_store_name_change_fn fn, void *ctx);

/* ------------------------------------------------------------------ */
/* Audit log                                                          */
/* ------------------------------------------------------------------ */

/**
 * Append an audit row (a->id is ignored; a->at_ms 0 means now). Called by
 * the service layer in the transaction of the action it records.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_audit_append(struct lrs_store *s, const struct lrs_audit *a);

/**
 * Takes an audit row (borrowed for the call: copy what is kept) appended
 * outside a transaction. It returns an error if the row cannot be
 * recorded (the action it records then fails). Otherwise either the row
 * is durable in the store when it returns, or the host holds back
 * whatever the read returned until it is (lrsd suspends the answer:
 * cmd/lrsd/audit.c), so that nobody is answered before their access is on
 * record.
 */
typedef enum lrs_err (*lrs_store_audit_sink_fn)(void *ctx,
                                                const struct lrs_audit *a);

/**
 * Send the audit rows appended on `s` outside a transaction to `fn`
 * rather than writing each in a transaction of its own (NULL: write them
 * again). This is group commit: a process serving many reads at once
 * hands their rows to one writer that commits them together
 * (cmd/lrsd/audit.c). Rows appended inside a transaction are written in
 * it as always, so a change and its audit row stay one.
 */
LRS_API void lrs_store_audit_sink_set(struct lrs_store *s,
                                      lrs_store_audit_sink_fn fn, void *ctx);

/**
 * Whether an audit row appended now would go to the sink: one is set and
 * no transaction is open. The service layer's reads then need no
 * transaction of their own.
 */
LRS_API bool lrs_store_audit_sink_on(const struct lrs_store *s);

/**
 * Stream audit rows in ascending id order: those about `uln`, or all of
 * them when `uln` is NULL.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_audit_scan(struct lrs_store *s,
                                                        const char *uln,
                                                        lrs_store_audit_fn fn,
                                                        void *ctx);

/**
 * Stream the audit rows whose subject is user `user_id`
 * (a->subject_user_id: the changes made to that account, whoever made
 * them) in ascending id order. An index search: account rows are few.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_audit_scan_user(struct lrs_store *s, int64_t user_id,
                          lrs_store_audit_fn fn, void *ctx);

/* ------------------------------------------------------------------ */
/* Statistics                                                         */
/* ------------------------------------------------------------------ */

/** Counts for `lrs stats`. */
struct lrs_store_stats {
    int schema_version;     /* current schema version */
    uint64_t learners;      /* all learner rows */
    uint64_t active;        /* status LRS_LEARNER_ACTIVE */
    uint64_t linked;        /* status LRS_LEARNER_LINKED */
    uint64_t closed;        /* status LRS_LEARNER_CLOSED */
    uint64_t name_changes;  /* rows of name history */
    uint64_t merges;        /* rows of the merges table */
    uint64_t audit_rows;    /* rows of the audit log */
    uint64_t uln_counter;   /* next allocator counter */
    uint64_t organisations; /* rows of organisations */
};

/** Fill `*out` with the counts. */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_stats(struct lrs_store *s,
                                                   struct lrs_store_stats *out);

/* ------------------------------------------------------------------ */
/* The match model stored with the register                           */
/* ------------------------------------------------------------------ */

/** Largest model text kept, in bytes (a model file is about 3 KB). */
#define LRS_STORE_MODEL_MAX 65536

/**
 * One trained match model as stored (table match_models, schema version
 * 7): the model file text of lrs_match_model_write() (lrs/match.h,
 * docs/matching.md "Model file"), and who trained it, when, on how many
 * learners. The store keeps every model saved, append-only; the newest
 * is the one in use.
 */
struct lrs_store_model {
    int64_t id;         /* assigned by the store, ascending */
    int64_t trained_ms; /* Unix ms, set by the store */
    int64_t user_id;    /* who trained it */
    int64_t org_id;     /* on behalf of */
    int64_t learners;   /* register size it was trained on */
    char note[256];     /* what was done, e.g. "lrs train: seed 1" */
};

/**
 * Append model `text` (the text of a model file; not parsed here) with
 * `actor`, now, m->learners and m->note (cut at 255 bytes, at a UTF-8
 * character); set m->id and m->trained_ms. LRS_EINVAL (nothing stored,
 * the message names "model") when the text is empty, longer than
 * LRS_STORE_MODEL_MAX or holds a NUL byte.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_model_save(struct lrs_store *s, const struct lrs_actor *actor,
                     struct lrs_store_model *m, struct lrs_str text);

/**
 * Read the newest model saved into `*out` and its text into `text`
 * (replaced; NUL-terminated). LRS_ENOTFOUND when none was ever saved.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_model_latest(struct lrs_store *s, struct lrs_store_model *out,
                       struct lrs_buf *text);

/* ------------------------------------------------------------------ */
/* A school's pupil roster                                            */
/* ------------------------------------------------------------------ */

/** Largest roster kept, in bytes (a 2,000-pupil roster is about 400 KB). */
#define LRS_STORE_ROSTER_MAX (16u << 20)

/**
 * The latest pupil roster of a school (table school_rosters, schema
 * version 8): the CSV of docs/school.md as the school last uploaded it
 * or as its last import of a returned CTF left it, with the roster before
 * that import and the CTF imported (so that the import's log can be made
 * again, and the privacy notices of the pupils who have just received a
 * ULN). One row per organisation, replaced by each store. Learner data:
 * the service layer (lrs_service_roster_save, _get) audits every access.
 */
struct lrs_store_roster {
    int64_t org_id;      /* the school (organisations.id) */
    int64_t user_id;     /* who stored it */
    int64_t updated_ms;  /* when; set by the store */
    int64_t pupils;      /* rows of the roster, as the caller counted */
    char source[16];     /* "upload" or "import" */
    char file_name[256]; /* the file uploaded or imported; may be "" */
    bool has_before;     /* the roster before an import and its CTF kept */
};

/**
 * Store `csv` as the roster of organisation r->org_id, replacing any, with
 * r->user_id, r->pupils, r->source and r->file_name (cut at 255 bytes at
 * a UTF-8 character); for an import, `before` is the roster it started
 * from and `ctf` the returned CTF it took in, else both are slices with
 * ptr NULL. Sets r->updated_ms and r->has_before.
 * LRS_EINVAL (nothing stored; the message names "roster") when a text is
 * empty, longer than LRS_STORE_ROSTER_MAX or holds a NUL byte, when
 * only one of `before` and `ctf` is given, or when r->source is not
 * "upload" (without them) or "import" (with them).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_roster_put(struct lrs_store *s, struct lrs_store_roster *r,
                     struct lrs_str csv, struct lrs_str before,
                     struct lrs_str ctf);

/**
 * Read the roster of organisation `org_id` into `*out` and its CSV into
 * `csv` (replaced); the roster before the last import into `before` and
 * the CTF it imported into `ctf` when they are not NULL (replaced; empty
 * when none is kept). LRS_ENOTFOUND when the organisation has no roster.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_roster_get(struct lrs_store *s, int64_t org_id,
                     struct lrs_store_roster *out, struct lrs_buf *csv,
                     struct lrs_buf *before, struct lrs_buf *ctf);

#endif /* LRS_STORE_H */
