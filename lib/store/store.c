/*
 * store.c - the engine-neutral half of the store.
 *
 * Picks the engine from the URL, tracks the transaction, and implements
 * every rule that must be the same on every engine: ULN issuing (counter,
 * keyed permutation, skipping ULNs already present), version checks on
 * update, the name history, merge rules and error messages. The engines
 * (store_int.h) only move rows. Each public write runs inside the
 * caller's transaction or, when there is none, in one of its own.
 */
#include "base/base.h"

#include "store/store_int.h"

#include <time.h>

#define STORE_MAGIC     0x53544f52u /* "STOR" */
#define BUSY_TIMEOUT_MS 5000
#define MAX_MERGE_LINKS 16

struct lrs_store {
    uint32_t magic;
    const struct lrs_store_ops *ops;
    void *e;       /* the engine's connection, owned */
    char *url;     /* owned copy, for messages */
    bool in_txn;   /* a transaction is open (either kind) */
    bool user_txn; /* ... opened by lrs_store_begin() */
    bool key_loaded;
    struct lrs_uln_key key;       /* cached once read */
    lrs_store_audit_sink_fn sink; /* lrs_store_audit_sink_set(), or NULL */
    void *sink_ctx;
    char errmsg[256];
};

#define CHECK(s) LRS_ASSERT((s) && (s)->magic == STORE_MAGIC)

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

int64_t lrs__store_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Record "cannot WHAT: engine message" and return err. */
static enum lrs_err failed(struct lrs_store *s, enum lrs_err err,
                           const char *what)
{
    const char *why = s->ops->errmsg(s->e);

    if (!why || !*why)
        why = lrs_strerror(err);
    snprintf(s->errmsg, sizeof s->errmsg, "cannot %s: %s", what, why);
    return err;
}

/* Record a message of our own. */
static enum lrs_err failedf(struct lrs_store *s, enum lrs_err err,
                            const char *fmt, ...) LRS_PRINTF(3, 4);
static enum lrs_err failedf(struct lrs_store *s, enum lrs_err err,
                            const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
    va_end(ap);
    return LRS_ERR(err);
}

/* Open a transaction unless the caller has one; *own says who closes. */
static enum lrs_err txn_enter(struct lrs_store *s, bool *own)
{
    enum lrs_err err;

    *own = false;
    s->errmsg[0] = '\0';
    if (s->in_txn)
        return LRS_OK;
    err = s->ops->begin(s->e);
    if (err)
        return failed(s, err, "begin a transaction");
    s->in_txn = true;
    *own = true;
    return LRS_OK;
}

/* Close a transaction opened by txn_enter: commit on success. */
static enum lrs_err txn_leave(struct lrs_store *s, bool own, enum lrs_err err)
{
    if (!own)
        return err;
    s->in_txn = false;
    if (err) {
        s->ops->rollback(s->e);
        return err;
    }
    err = s->ops->commit(s->e);
    if (err)
        return failed(s, err, "commit");
    return LRS_OK;
}

static enum lrs_err load_key(struct lrs_store *s)
{
    enum lrs_err err;

    if (s->key_loaded)
        return LRS_OK;
    err = s->ops->uln_key_get(s->e, &s->key);
    if (err == LRS_ENOTFOUND)
        return failedf(s, LRS_ECORRUPT,
                       "store '%s' has no ULN key; run 'lrs init'", s->url);
    if (err)
        return failed(s, err, "read the ULN key");
    s->key_loaded = true;
    return LRS_OK;
}

/*
 * Issue a fresh ULN into `uln`. Each counter from the engine is worth at
 * most one ULN: a counter that lrs_uln_issue() skips (its base has no check
 * digit) is dropped rather than letting the issuer move on to the next
 * counter, which another connection may own (lrs/ids.h).
 */
static enum lrs_err issue_uln(struct lrs_store *s, char uln[LRS_ULN_SIZE])
{
    enum lrs_err err = load_key(s);

    while (!err) {
        uint64_t c, next;
        bool exists;

        err = s->ops->uln_counter_next(s->e, &c);
        if (err)
            return failed(s, err, "advance the ULN counter");
        next = c;
        err = lrs_uln_issue(&s->key, &next, uln);
        if (err)
            return failedf(s, err,
                           "cannot issue a ULN: counter %llu is "
                           "past the end of the ULN space",
                           (unsigned long long)c);
        if (next != c + 1)
            continue;
        err = s->ops->learner_exists(s->e, uln, &exists);
        if (err)
            return failed(s, err, "look up a ULN");
        if (!exists)
            return LRS_OK;
    }
    return err;
}

/* ------------------------------------------------------------------ */
/* Learner records                                                    */
/* ------------------------------------------------------------------ */

void lrs_learner_init(struct lrs_learner *l)
{
    memset(l, 0, sizeof *l);
    l->gender = LRS_GENDER_NOT_KNOWN;
    l->ability_to_share = LRS_SHARE_NOT_SEEN;
    l->status = LRS_LEARNER_ACTIVE;
}

const char *lrs_audit_action_name(enum lrs_audit_action a)
{
    switch (a) {
    case LRS_AUDIT_READ:
        return "read";
    case LRS_AUDIT_REGISTER:
        return "register";
    case LRS_AUDIT_IMPORT:
        return "import";
    case LRS_AUDIT_UPDATE:
        return "update";
    case LRS_AUDIT_MERGE:
        return "merge";
    case LRS_AUDIT_EXPORT:
        return "export";
    case LRS_AUDIT_VERIFY:
        return "verify";
    case LRS_AUDIT_PLR_READ:
        return "plr_read";
    case LRS_AUDIT_RESULT:
        return "result";
    case LRS_AUDIT_SHARE:
        return "share";
    case LRS_AUDIT_SHARE_VIEW:
        return "share_view";
    case LRS_AUDIT_ROSTER_STORE:
        return "roster_store";
    case LRS_AUDIT_ROSTER_READ:
        return "roster_read";
    case LRS_AUDIT_INVITE:
        return "invite";
    case LRS_AUDIT_ENTRY:
        return "entry";
    case LRS_AUDIT_USER_ADD:
        return "user_add";
    case LRS_AUDIT_USER_CHANGE:
        return "user_change";
    case LRS_AUDIT_USER_DISABLE:
        return "user_disable";
    case LRS_AUDIT_USER_ENABLE:
        return "user_enable";
    case LRS_AUDIT_USER_PASSWORD:
        return "user_password";
    case LRS_AUDIT_TOKEN_ADD:
        return "token_add";
    case LRS_AUDIT_TOKEN_REVOKE:
        return "token_revoke";
    }
    return "unknown";
}

enum lrs_audit_action lrs__audit_action_from_name(const char *name)
{
    for (int a = LRS_AUDIT_READ; a <= LRS_AUDIT_ACTION_LAST; a++)
        if (strcmp(name, lrs_audit_action_name((enum lrs_audit_action)a)) == 0)
            return (enum lrs_audit_action)a;
    return (enum lrs_audit_action)0;
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */

static bool is_pg_url(const char *url)
{
    return strncmp(url, "postgres://", 11) == 0 ||
           strncmp(url, "postgresql://", 13) == 0;
}

/*
 * The URL as messages show it: a password in a PostgreSQL URL, in the
 * user-information part ("user:secret@") or as a "password=" parameter,
 * becomes "***", so that no error message or log line ever carries it.
 * Returns an owned string, or NULL on ENOMEM.
 */
static char *display_url(const char *url)
{
    struct lrs_buf b = LRS_BUF_INIT;
    const char *p = url, *at, *colon, *slash;
    bool ok = true;

    if (!is_pg_url(url))
        return lrs_strndup(url, strlen(url));
    p = strstr(url, "://") + 3;
    slash = strchr(p, '/');
    at = strchr(p, '@');
    if (at && slash && at > slash)
        at = NULL;
    colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
    if (colon) {
        ok = !lrs_buf_add(&b, url, (size_t)(colon - url) + 1) &&
             !lrs_buf_adds(&b, "***");
        p = at;
    } else {
        p = url;
    }
    while (ok && *p) {
        const char *pw = strstr(p, "password=");

        if (!pw || (pw != url && pw[-1] != '?' && pw[-1] != '&')) {
            ok = !lrs_buf_adds(&b, p);
            break;
        }
        ok = !lrs_buf_add(&b, p, (size_t)(pw - p) + 9) &&
             !lrs_buf_adds(&b, "***");
        p = pw + 9;
        while (*p && *p != '&')
            p++;
    }
    if (!ok) {
        lrs_buf_release(&b);
        return NULL;
    }
    return lrs_buf_take(&b, NULL);
}

static enum lrs_err check_schema(struct lrs_store *s, struct lrs_diag *diag)
{
    int v = 0;
    const enum lrs_err err = s->ops->schema_version(s->e, &v);

    if (err) {
        failed(s, err, "read the schema version");
        lrs_diag_set(diag, "db", "cannot open store '%s': %s", s->url,
                     s->ops->errmsg(s->e));
        return err;
    }
    if (v == 0) {
        lrs_diag_set(diag, "db",
                     "store '%s' is not initialised; run 'lrs init'", s->url);
        return LRS_ERR(LRS_ENOTFOUND);
    }
    if (v > LRS_STORE_SCHEMA_VERSION) {
        lrs_diag_set(diag, "db",
                     "store '%s' has schema version %d, newer than this "
                     "program's %d; upgrade lrs",
                     s->url, v, LRS_STORE_SCHEMA_VERSION);
        return LRS_ERR(LRS_ECONFLICT);
    }
    if (v < LRS_STORE_SCHEMA_VERSION) {
        lrs_diag_set(diag, "db",
                     "store '%s' has schema version %d, older than this "
                     "program's %d; run 'lrs init' to upgrade it",
                     s->url, v, LRS_STORE_SCHEMA_VERSION);
        return LRS_ERR(LRS_ECONFLICT);
    }
    return LRS_OK;
}

enum lrs_err lrs_store_open(const char *url, unsigned flags,
                            struct lrs_store **out, struct lrs_diag *diag)
{
    struct lrs_store *s;
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_err err;

    *out = NULL;
    if (!url || !*url) {
        lrs_diag_set(diag, "db", "no store given");
        return LRS_ERR(LRS_EINVAL);
    }
    s = lrs_calloc(1, sizeof *s);
    if (!s)
        return LRS_ERR(LRS_ENOMEM);
    s->magic = STORE_MAGIC;
    s->url = display_url(url);
    if (!s->url) {
        err = LRS_ERR(LRS_ENOMEM);
        goto out;
    }
    if (is_pg_url(url)) {
#ifdef LRS_HAVE_PG
        s->ops = &lrs__store_pg_ops;
#else
        lrs_diag_set(diag, "db",
                     "cannot open store '%s': this lrs was built without "
                     "PostgreSQL support",
                     s->url);
        err = LRS_ERR(LRS_EINVAL);
        goto out;
#endif
    } else {
        s->ops = &lrs__store_sqlite_ops;
    }
    err = s->ops->open(url, flags, BUSY_TIMEOUT_MS, &s->e, &d);
    if (err) {
        lrs_diag_set(diag, "db", "cannot open store '%s': %s", s->url,
                     d.msg[0] ? d.msg : lrs_strerror(err));
        goto out;
    }
    if (!(flags & LRS_STORE_OPEN_NO_SCHEMA_CHECK))
        err = check_schema(s, diag);
out:
    if (err) {
        lrs_store_free(s);
        return err;
    }
    *out = s;
    return LRS_OK;
}

void lrs_store_free(struct lrs_store *s)
{
    if (!s)
        return;
    CHECK(s);
    if (s->ops && s->e)
        s->ops->close(s->e);
    lrs_free(s->url);
    LRS_POISON(s, sizeof *s);
    lrs_free(s);
}

enum lrs_err lrs_store_init(struct lrs_store *s,
                            struct lrs_store_init_result *out)
{
    struct lrs_store_init_result r = {0, LRS_STORE_SCHEMA_VERSION, false};
    struct lrs_uln_key key;
    enum lrs_err err;
    bool own;

    CHECK(s);
    err = txn_enter(s, &own);
    if (err)
        return err;
    err = s->ops->schema_version(s->e, &r.from_version);
    if (err) {
        failed(s, err, "read the schema version");
        goto out;
    }
    if (r.from_version > LRS_STORE_SCHEMA_VERSION) {
        err = failedf(s, LRS_ECONFLICT,
                      "store '%s' has schema version %d, newer than this "
                      "program's %d; upgrade lrs",
                      s->url, r.from_version, LRS_STORE_SCHEMA_VERSION);
        goto out;
    }
    if (r.from_version < LRS_STORE_SCHEMA_VERSION) {
        err = s->ops->migrate(s->e, r.from_version, LRS_STORE_SCHEMA_VERSION);
        if (err) {
            failed(s, err, "migrate the schema");
            goto out;
        }
    }
    err = s->ops->uln_key_get(s->e, &key);
    if (err == LRS_ENOTFOUND) {
        err = lrs_uln_key_generate(&key);
        if (err) {
            failedf(s, err, "cannot generate the ULN key: %s",
                    lrs_strerror(err));
            goto out;
        }
        err = s->ops->uln_key_put(s->e, &key);
        if (err) {
            failed(s, err, "store the ULN key");
            goto out;
        }
        r.key_created = true;
    } else if (err) {
        failed(s, err, "read the ULN key");
    }
out:
    err = txn_leave(s, own, err);
    if (!err && out)
        *out = r;
    return err;
}

const char *lrs_store_engine(const struct lrs_store *s)
{
    CHECK(s);
    return s->ops->name;
}

const char *lrs_store_errmsg(const struct lrs_store *s)
{
    CHECK(s);
    return s->errmsg;
}

/* ------------------------------------------------------------------ */
/* Transactions                                                       */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_begin(struct lrs_store *s)
{
    bool own;
    enum lrs_err err;

    CHECK(s);
    if (s->in_txn)
        LRS_BUG("lrs_store_begin: a transaction is already open");
    err = txn_enter(s, &own);
    if (!err)
        s->user_txn = true;
    return err;
}

enum lrs_err lrs_store_commit(struct lrs_store *s)
{
    CHECK(s);
    if (!s->user_txn)
        LRS_BUG("lrs_store_commit: no transaction is open");
    s->user_txn = false;
    return txn_leave(s, true, LRS_OK);
}

void lrs_store_rollback(struct lrs_store *s)
{
    CHECK(s);
    if (!s->user_txn)
        return;
    s->user_txn = false;
    (void)txn_leave(s, true, LRS_EIO);
}

bool lrs_store_in_transaction(const struct lrs_store *s)
{
    CHECK(s);
    return s->user_txn;
}

/* ------------------------------------------------------------------ */
/* Learners                                                           */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_learner_insert(struct lrs_store *s,
                                      const struct lrs_actor *actor,
                                      struct lrs_learner *l)
{
    struct lrs_learner row = *l;
    const bool issue = row.uln[0] == '\0';
    enum lrs_err err;
    bool own;

    CHECK(s);
    row.version = 1;
    row.created_ms = row.updated_ms = lrs__store_now_ms();
    row.created_by = actor ? actor->user_id : 0;
    row.created_org = actor ? actor->org_id : 0;
    err = txn_enter(s, &own);
    if (err)
        return err;
    for (;;) {
        if (issue) {
            err = issue_uln(s, row.uln);
            if (err)
                break;
        }
        err = s->ops->learner_insert(s->e, &row);
        /* An issued ULN can only collide with one inserted by another
         * connection since we looked; take the next counter then. */
        if (err != LRS_ECONFLICT || !issue)
            break;
    }
    if (err == LRS_ECONFLICT)
        failedf(s, err, "learner %s already exists", row.uln);
    else if (err && !s->errmsg[0])
        failed(s, err, "insert a learner");
    err = txn_leave(s, own, err);
    if (!err)
        *l = row;
    return err;
}

/* Read one learner, with a message on failure. */
static enum lrs_err get_one(struct lrs_store *s, const char *uln,
                            struct lrs_learner *out)
{
    const enum lrs_err err = s->ops->learner_get(s->e, uln, out);

    if (err == LRS_ENOTFOUND)
        return failedf(s, err, "no learner has ULN %s", uln);
    if (err)
        return failed(s, err, "read a learner");
    return LRS_OK;
}

enum lrs_err lrs_store_learner_get(struct lrs_store *s, const char *uln,
                                   unsigned flags, struct lrs_learner *out)
{
    struct lrs_learner row;
    enum lrs_err err;

    CHECK(s);
    s->errmsg[0] = '\0';
    err = get_one(s, uln, &row);
    for (int links = 0; !err && (flags & LRS_STORE_GET_RESOLVE) &&
                        row.status == LRS_LEARNER_LINKED;
         links++) {
        char master[LRS_ULN_SIZE];

        if (links == MAX_MERGE_LINKS || row.master_uln[0] == '\0')
            return failedf(s, LRS_ECORRUPT,
                           "learner %s has a broken merge chain", uln);
        memcpy(master, row.master_uln, sizeof master);
        err = get_one(s, master, &row);
        if (err == LRS_ENOTFOUND)
            return failedf(s, LRS_ECORRUPT,
                           "learner %s is linked to missing master %s", uln,
                           master);
    }
    if (!err)
        *out = row;
    return err;
}

static bool names_differ(const struct lrs_learner *a,
                         const struct lrs_learner *b)
{
    return strcmp(a->given_name, b->given_name) != 0 ||
           strcmp(a->middle_names, b->middle_names) != 0 ||
           strcmp(a->family_name, b->family_name) != 0 ||
           strcmp(a->preferred_given_name, b->preferred_given_name) != 0;
}

static void copy_str(char *dst, size_t size, const char *src)
{
    const size_t n = strnlen(src, size - 1);

    memcpy(dst, src, n);
    dst[n] = '\0';
}

static enum lrs_err record_names(struct lrs_store *s,
                                 const struct lrs_actor *actor,
                                 const struct lrs_learner *old, int64_t now,
                                 const char *reason)
{
    struct lrs_name_change c;
    enum lrs_err err;

    memset(&c, 0, sizeof c);
    memcpy(c.uln, old->uln, sizeof c.uln);
    memcpy(c.given_name, old->given_name, sizeof c.given_name);
    memcpy(c.middle_names, old->middle_names, sizeof c.middle_names);
    memcpy(c.family_name, old->family_name, sizeof c.family_name);
    memcpy(c.preferred_given_name, old->preferred_given_name,
           sizeof c.preferred_given_name);
    c.changed_ms = now;
    c.user_id = actor ? actor->user_id : 0;
    c.org_id = actor ? actor->org_id : 0;
    copy_str(c.reason, sizeof c.reason, reason ? reason : "");
    err = s->ops->name_change_insert(s->e, &c);
    if (err)
        return failed(s, err, "record the name history");
    return LRS_OK;
}

enum lrs_err lrs_store_learner_update(struct lrs_store *s,
                                      const struct lrs_actor *actor,
                                      struct lrs_learner *l,
                                      int32_t expected_version,
                                      const char *reason)
{
    struct lrs_learner old, row = *l;
    enum lrs_err err;
    bool own;

    CHECK(s);
    err = txn_enter(s, &own);
    if (err)
        return err;
    err = get_one(s, l->uln, &old);
    if (err)
        goto out;
    if (old.version != expected_version) {
        err = failedf(s, LRS_ECONFLICT,
                      "learner %s has version %d, not %d; fetch it again",
                      old.uln, (int)old.version, (int)expected_version);
        goto out;
    }
    row.version = expected_version + 1;
    row.updated_ms = lrs__store_now_ms();
    row.created_ms = old.created_ms;
    row.created_by = old.created_by;
    row.created_org = old.created_org;
    /* Links change only through lrs_store_learner_merge(). */
    row.status = old.status;
    memcpy(row.master_uln, old.master_uln, sizeof row.master_uln);
    if (names_differ(&old, &row)) {
        err = record_names(s, actor, &old, row.updated_ms, reason);
        if (err)
            goto out;
    }
    err = s->ops->learner_update(s->e, &row, expected_version);
    if (err == LRS_ECONFLICT)
        failedf(s, err,
                "learner %s changed while it was being updated; "
                "fetch it again",
                row.uln);
    else if (err)
        failed(s, err, "update a learner");
out:
    err = txn_leave(s, own, err);
    if (!err)
        *l = row;
    return err;
}

enum lrs_err lrs_store_learner_merge(struct lrs_store *s,
                                     const struct lrs_actor *actor,
                                     const char *merged_uln,
                                     const char *master_uln, const char *reason,
                                     struct lrs_diag *diag)
{
    struct lrs_learner merged, master;
    struct lrs__merge m;
    enum lrs_err err;
    bool own;

    CHECK(s);
    err = txn_enter(s, &own);
    if (err)
        return err;
    if (strcmp(merged_uln, master_uln) == 0) {
        lrs_diag_set(diag, "uln", "cannot merge learner %s into itself",
                     merged_uln);
        err = failedf(s, LRS_EINVAL, "%s", diag ? diag->msg : "same ULN");
        goto out;
    }
    err = get_one(s, merged_uln, &merged);
    if (!err)
        err = get_one(s, master_uln, &master);
    if (err)
        goto out;
    if (master.status == LRS_LEARNER_LINKED) {
        lrs_diag_set(diag, "uln", "master %s is itself linked to %s",
                     master.uln, master.master_uln);
        err = failedf(s, LRS_EINVAL, "master %s is itself linked", master.uln);
        goto out;
    }
    if (merged.status == LRS_LEARNER_LINKED) {
        err = failedf(s, LRS_ECONFLICT, "learner %s is already linked to %s",
                      merged.uln, merged.master_uln);
        lrs_diag_set(diag, "uln", "%s", s->errmsg);
        goto out;
    }
    memset(&m, 0, sizeof m);
    memcpy(m.merged_uln, merged.uln, sizeof m.merged_uln);
    memcpy(m.master_uln, master.uln, sizeof m.master_uln);
    merged.status = LRS_LEARNER_LINKED;
    memcpy(merged.master_uln, master.uln, sizeof merged.master_uln);
    merged.updated_ms = m.at_ms = lrs__store_now_ms();
    m.user_id = actor ? actor->user_id : 0;
    m.org_id = actor ? actor->org_id : 0;
    m.reason = reason ? reason : "";
    merged.version++;
    err = s->ops->learner_update(s->e, &merged, merged.version - 1);
    if (!err)
        err = s->ops->merge_insert(s->e, &m);
    if (err)
        failed(s, err, "merge learners");
out:
    return txn_leave(s, own, err);
}

enum lrs_err lrs_store_learner_scan(struct lrs_store *s,
                                    lrs_store_learner_fn fn, void *ctx)
{
    enum lrs_err err;

    CHECK(s);
    s->errmsg[0] = '\0';
    err = s->ops->learner_scan(s->e, fn, ctx);
    if (err && !s->errmsg[0] && s->ops->errmsg(s->e)[0])
        failed(s, err, "scan learners");
    return err;
}

enum lrs_err lrs_store_name_history_scan(struct lrs_store *s, const char *uln,
                                         lrs_store_name_change_fn fn, void *ctx)
{
    enum lrs_err err;

    CHECK(s);
    s->errmsg[0] = '\0';
    err = s->ops->name_change_scan(s->e, uln, fn, ctx);
    if (err && s->ops->errmsg(s->e)[0])
        failed(s, err, "read the name history");
    return err;
}

/* ------------------------------------------------------------------ */
/* Audit, statistics                                                  */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_store_audit_append(struct lrs_store *s,
                                    const struct lrs_audit *a)
{
    struct lrs_audit row = *a;
    enum lrs_err err;
    bool own;

    CHECK(s);
    if (!row.at_ms)
        row.at_ms = lrs__store_now_ms();
    if (!row.actor.source)
        row.actor.source = "";
    if (!row.actor.addr)
        row.actor.addr = "";
    if (s->sink && !s->in_txn) {
        s->errmsg[0] = '\0';
        err = s->sink(s->sink_ctx, &row);
        if (err)
            snprintf(s->errmsg, sizeof s->errmsg,
                     "cannot write the audit log: %s", lrs_strerror(err));
        return err;
    }
    err = txn_enter(s, &own);
    if (err)
        return err;
    err = s->ops->audit_insert(s->e, &row);
    if (err)
        failed(s, err, "write the audit log");
    return txn_leave(s, own, err);
}

void lrs_store_audit_sink_set(struct lrs_store *s, lrs_store_audit_sink_fn fn,
                              void *ctx)
{
    CHECK(s);
    s->sink = fn;
    s->sink_ctx = ctx;
}

bool lrs_store_audit_sink_on(const struct lrs_store *s)
{
    CHECK(s);
    return s->sink && !s->in_txn;
}

enum lrs_err lrs_store_audit_scan(struct lrs_store *s, const char *uln,
                                  lrs_store_audit_fn fn, void *ctx)
{
    enum lrs_err err;

    CHECK(s);
    s->errmsg[0] = '\0';
    err = s->ops->audit_scan(s->e, uln, fn, ctx);
    if (err && s->ops->errmsg(s->e)[0])
        failed(s, err, "read the audit log");
    return err;
}

enum lrs_err lrs_store_audit_scan_user(struct lrs_store *s, int64_t user_id,
                                       lrs_store_audit_fn fn, void *ctx)
{
    enum lrs_err err;

    CHECK(s);
    s->errmsg[0] = '\0';
    err = s->ops->audit_scan_user(s->e, user_id, fn, ctx);
    if (err && s->ops->errmsg(s->e)[0])
        failed(s, err, "read the audit log");
    return err;
}

enum lrs_err lrs_store_stats(struct lrs_store *s, struct lrs_store_stats *out)
{
    struct lrs_store_stats st;
    enum lrs_err err;

    CHECK(s);
    memset(&st, 0, sizeof st);
    s->errmsg[0] = '\0';
    err = s->ops->schema_version(s->e, &st.schema_version);
    if (!err)
        err = s->ops->uln_counter_peek(s->e, &st.uln_counter);
    if (!err)
        err = s->ops->stats(s->e, &st);
    if (err)
        return failed(s, err, "count the register");
    *out = st;
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Internal (tests)                                                   */
/* ------------------------------------------------------------------ */

const struct lrs_store_ops *lrs__store_ops(const struct lrs_store *s)
{
    return s->ops;
}

void *lrs__store_engine(const struct lrs_store *s)
{
    return s->e;
}

void lrs__store_set_ops(struct lrs_store *s, const struct lrs_store_ops *ops)
{
    CHECK(s);
    s->ops = ops;
}

enum lrs_err lrs__store_reset(struct lrs_store *s)
{
    enum lrs_err err;

    CHECK(s);
    err = s->ops->reset(s->e);
    s->key_loaded = false;
    if (err)
        return failed(s, err, "reset the store");
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Internal (accounts.c)                                              */
/* ------------------------------------------------------------------ */

enum lrs_err lrs__store_txn_enter(struct lrs_store *s, bool *own)
{
    CHECK(s);
    return txn_enter(s, own);
}

enum lrs_err lrs__store_txn_leave(struct lrs_store *s, bool own,
                                  enum lrs_err err)
{
    return txn_leave(s, own, err);
}

enum lrs_err lrs__store_failed(struct lrs_store *s, enum lrs_err err,
                               const char *what)
{
    return failed(s, err, what);
}

enum lrs_err lrs__store_failedf(struct lrs_store *s, enum lrs_err err,
                                const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
    va_end(ap);
    return LRS_ERR(err);
}
