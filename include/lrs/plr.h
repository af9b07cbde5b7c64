/*
 * lrs/plr.h - the Personal Learning Record: learner verification for
 * awarding organisations, results (learning events) in the PLR, exam
 * entries from schools to awarding organisations, and shares of a PLR.
 *
 * Two layers, as for learners (lrs/store.h, lrs/service.h):
 * - lrs_store_achievement_*, lrs_store_entry_*, lrs_store_share_*: rows in
 *   the store, no validation, no audit (lib/store/plr.c over the engines);
 * - lrs_verify_*, lrs_plr_*: the use cases, which validate, verify names
 *   against the register and audit every learner they touch, each in one
 *   store transaction (lib/service/verify.c, lib/service/plr.c).
 * They share one header so that the PLR can grow without touching the
 * learner headers; docs/plr.md describes the rules and their sources.
 *
 * Verification (DOMAIN.md "Verification"; the LRS's verifyLearner): a ULN
 * and the names an awarding organisation holds are compared with the
 * register and answered with WSVRC001-006 and the failure flags VRF1-8.
 * What makes a comparison "similar" rather than "successful" is the LRS's
 * to define and is not published; ours is in docs/plr.md and in
 * lrs_verify_name() below.
 *
 * Ownership: structs are caller storage and borrowed for each call;
 * lists (struct lrs_achievement_list) own their items (release them).
 * Strings handed to callbacks are borrowed for the callback only.
 * Thread-safety: as the store (one thread per struct lrs_store).
 */
#ifndef LRS_PLR_H
#define LRS_PLR_H

#include <lrs/accounts.h>
#include <lrs/auth.h>
#include <lrs/base.h>
#include <lrs/csv.h>
#include <lrs/ids.h>
#include <lrs/store.h>

/* ------------------------------------------------------------------ */
/* Verification                                                       */
/* ------------------------------------------------------------------ */

/** The verifyLearner response codes (DOMAIN.md). */
enum lrs_verify_code {
    LRS_VERIFY_MATCH = 1,          /* WSVRC001 successful match */
    LRS_VERIFY_LINKED_MATCH = 2,   /* WSVRC002 successful linked match */
    LRS_VERIFY_SIMILAR = 3,        /* WSVRC003 similar match */
    LRS_VERIFY_LINKED_SIMILAR = 4, /* WSVRC004 similar linked match */
    LRS_VERIFY_NO_MATCH = 5,       /* WSVRC005 learner does not match */
    LRS_VERIFY_NOT_FOUND = 6,      /* WSVRC006 ULN not found */
};

/** "WSVRC001" ... "WSVRC006"; "WSVRC000" for other values. Static. */
LRS_API const char *lrs_verify_code_name(enum lrs_verify_code code);
/** "successful match", ...; static. */
LRS_API const char *lrs_verify_code_text(enum lrs_verify_code code);
/** Whether `code` accepts the learner (WSVRC001-004). */
LRS_API bool lrs_verify_accepted(enum lrs_verify_code code);

/** The failure flags VRF1-VRF8 as bits (docs/plr.md says when each is
 *  raised). */
enum lrs_verify_flags {
    LRS_VRF1 = 1u << 0, /* given name vs registered given name */
    LRS_VRF2 = 1u << 1, /* given name vs registered family name */
    LRS_VRF3 = 1u << 2, /* given name vs previous family name */
    LRS_VRF4 = 1u << 3, /* family name vs registered given name */
    LRS_VRF5 = 1u << 4, /* family name vs registered family name */
    LRS_VRF6 = 1u << 5, /* family name vs previous family name */
    LRS_VRF7 = 1u << 6, /* date of birth */
    LRS_VRF8 = 1u << 7, /* gender */
};

/**
 * Append the raised flags of `flags` to `out` as "VRF1 VRF5" (space
 * separated, ascending; nothing when none).
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_verify_flags_text(unsigned flags,
                                                         struct lrs_buf *out);

/** How well one supplied value agrees with the register. */
enum lrs_verify_level {
    LRS_VERIFY_EXACT = 0,     /* equal after normalisation */
    LRS_VERIFY_SIMILAR_LEVEL, /* similar (docs/plr.md) */
    LRS_VERIFY_DIFFERENT,     /* neither */
    LRS_VERIFY_NOT_GIVEN,     /* optional value not supplied or unknown */
};

/** "exact", "similar", "different", "not given"; static. */
LRS_API const char *lrs_verify_level_name(enum lrs_verify_level level);

/**
 * Compare two raw names (normalised here, lrs/text.h): EXACT when the
 * normalised forms are equal; SIMILAR when they are equal but for spaces
 * ("SMITHJONES"), one's tokens are a subset of the other's
 * (double-barrelled or extra names), Jaro-Winkler is at least 0.94, they
 * are one edit apart and both at least 4 letters long, or (with
 * `given` true) the first tokens are a known nickname pair (Bob, Robert);
 * otherwise DIFFERENT (and DIFFERENT when either is empty). `*why` (may be
 * NULL) receives a static word naming the rule ("exact", "spacing",
 * "tokens", "nickname", "jaro-winkler", "one edit", "different").
 */
LRS_API enum lrs_verify_level lrs_verify_name(struct lrs_str a,
                                              struct lrs_str b, bool given,
                                              const char **why);

/** What an awarding organisation supplies, parsed (lrs_verify_input_set). */
struct lrs_verify_input {
    char uln[LRS_ULN_SIZE];
    char given_name[LRS_LEARNER_NAME_SIZE];  /* required */
    char family_name[LRS_LEARNER_NAME_SIZE]; /* required */
    struct lrs_date date_of_birth;           /* year 0: not given */
    enum lrs_gender gender;                  /* 0 or 9: not given */
};

/**
 * Parse and check the supplied values into `in`: `uln` by lrs_uln_check
 * (LRS_EINVAL, field "uln": WSEC0136), names non-empty, at most 35
 * characters, valid UTF-8 (fields "given_name", "family_name"); `dob`
 * yyyy-mm-dd or dd/mm/yyyy, or empty; `gender` as lrs_gender_parse, or
 * empty. Values are trimmed. On error `in` is unchanged.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_verify_input_set(struct lrs_verify_input *in, struct lrs_str uln,
                     struct lrs_str given, struct lrs_str family,
                     struct lrs_str dob, struct lrs_str gender,
                     struct lrs_diag *diag);

/** The answer to one verification. */
struct lrs_verify_result {
    enum lrs_verify_code code;
    unsigned flags;                /* LRS_VRF* bits raised */
    char uln[LRS_ULN_SIZE];        /* the ULN supplied */
    char master_uln[LRS_ULN_SIZE]; /* the record compared (master if
                                      linked); "" when not found */
    enum lrs_verify_level given;   /* supplied given vs the register */
    enum lrs_verify_level family;
    enum lrs_verify_level date_of_birth;
    enum lrs_verify_level gender;
    bool swapped;           /* given and family names were found swapped */
    const char *given_why;  /* rule of `given` (lrs_verify_name), static */
    const char *family_why; /* rule of `family`, or "previous family name" */
};

/**
 * Compare `in` with the registered learner `reg` (already resolved to its
 * master; `linked` says a merge link was followed) and fill `out`. No
 * store, no audit: the rule itself (docs/plr.md).
 */
LRS_API void lrs_verify_compare(const struct lrs_learner *reg, bool linked,
                                const struct lrs_verify_input *in,
                                struct lrs_verify_result *out);

/**
 * verifyLearner: look up in->uln (following merges), compare, and audit
 * VERIFY of the supplied ULN (and of the master when a link was
 * followed), in one transaction. A ULN that no learner has is LRS_OK with
 * code WSVRC006. Store errors pass through with diag field "db".
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_verify_learner(struct lrs_store *s, const struct lrs_actor *actor,
                   const struct lrs_verify_input *in,
                   struct lrs_verify_result *out, struct lrs_diag *diag);

/**
 * One row of a batch verification: its line, and either `res` (`why`
 * NULL) or the reason the row could not be verified (`res` NULL). Return
 * non-zero to stop with that error.
 */
typedef enum lrs_err (*lrs_verify_row_fn)(void *ctx, uint64_t line,
                                          const struct lrs_verify_input *in,
                                          const struct lrs_verify_result *res,
                                          const struct lrs_diag *why);

/** Counts of a batch verification. */
struct lrs_verify_summary {
    uint64_t rows;       /* data rows read */
    uint64_t invalid;    /* rows with a malformed value */
    uint64_t by_code[7]; /* [1..6]: rows answered with WSVRC00n */
};

/**
 * Verify every row of a CSV (columns uln, given_name, family_name, and
 * optionally date_of_birth and gender; unknown columns are an error) in
 * one transaction, audited as lrs_verify_learner. A malformed CSV stops
 * with LRS_EINVAL and `diag`; bad values only fail their row.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_verify_csv(struct lrs_store *s, const struct lrs_actor *actor,
               lrs_csv_read_fn read, void *read_ctx, const char *name,
               lrs_verify_row_fn on_row, void *ctx,
               struct lrs_verify_summary *sum, struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* Achievements (PLR learning events)                                 */
/* ------------------------------------------------------------------ */

/** Bytes for a UKPRN (8 digits) and its NUL. */
#define LRS_UKPRN_SIZE 9
/** Bytes for a code (subject code, grade, level, ...) and its NUL. */
#define LRS_PLR_CODE_SIZE 33
/** Bytes for a title or organisation name and its NUL. */
#define LRS_PLR_TEXT_SIZE 256

/**
 * One learning event (GetLearnerLearningEvents, DOMAIN.md). An awarding
 * organisation's event is identified by (ao_ukprn, uln, subject_code,
 * award_date): uploading it again replaces it. Dates with year 0 are
 * absent. A plain struct: copy freely.
 */
struct lrs_achievement {
    int64_t id;                          /* ID, assigned by the store */
    char uln[LRS_ULN_SIZE];              /* held under: the master ULN */
    char supplied_uln[LRS_ULN_SIZE];     /* as uploaded (may be merged) */
    char ao_ukprn[LRS_UKPRN_SIZE];       /* AwardingOrganisationUkprn */
    char ao_name[LRS_PLR_TEXT_SIZE];     /* AwardingOrganisationName */
    int64_t ao_org_id;                   /* organisations.id, 0 unknown */
    char provider_ukprn[LRS_UKPRN_SIZE]; /* AchievementProviderUkprn */
    char provider_name[LRS_PLR_TEXT_SIZE];
    char subject_code[LRS_PLR_CODE_SIZE];       /* SubjectCode, 600/1166/X */
    char subject[LRS_PLR_TEXT_SIZE];            /* Subject */
    char qualification_type[LRS_PLR_CODE_SIZE]; /* GCSE, A Level, ... */
    char level[LRS_PLR_CODE_SIZE];              /* Level */
    char grade[LRS_PLR_CODE_SIZE];              /* Grade */
    char status;                                /* 'F' final, 'P' provisional */
    struct lrs_date award_date;                 /* AchievementAwardDate */
    struct lrs_date participation_start;        /* ParticipationStartDate */
    struct lrs_date participation_end;          /* ParticipationEndDate */
    int32_t credits;                            /* Credits; -1 none */
    char language[LRS_PLR_CODE_SIZE];           /* LanguageForAssessment */
    char source[LRS_PLR_CODE_SIZE];             /* Source: "AO" for uploads */
    char collection_type[LRS_PLR_CODE_SIZE];    /* CollectionType */
    char return_number[LRS_PLR_CODE_SIZE];      /* ReturnNumber */
    char restriction[LRS_PLR_CODE_SIZE];        /* Restriction, "" none */
    bool under_data_challenge;                  /* UnderDataChallenge */
    int64_t loaded_ms;  /* DateLoaded: first stored, Unix ms */
    int64_t updated_ms; /* last replaced, Unix ms */
};

/** Empty every field; status 'F', credits -1. */
LRS_API void lrs_achievement_init(struct lrs_achievement *a);

/** A grade replaced by a correction: the values before it. */
struct lrs_grade_change {
    int64_t id;                    /* ascending */
    int64_t achievement_id;        /* the learning event */
    char uln[LRS_ULN_SIZE];        /* its learner (filled on scan) */
    char grade[LRS_PLR_CODE_SIZE]; /* before the correction */
    char status;                   /* before the correction */
    int64_t changed_ms;
    int64_t user_id;
    int64_t org_id;
};

/** A growable array of achievements (owned items). */
struct lrs_achievement_list {
    struct lrs_achievement *items;
    size_t count, cap;
};

#define LRS_ACHIEVEMENT_LIST_INIT                                              \
    {                                                                          \
        NULL, 0, 0                                                             \
    }
/** Free the items; the list is empty and usable again. */
LRS_API void lrs_achievement_list_release(struct lrs_achievement_list *l);
/** Append a copy of `a`. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_achievement_list_add(struct lrs_achievement_list *l,
                         const struct lrs_achievement *a);

typedef enum lrs_err (*lrs_store_achievement_fn)(
    const struct lrs_achievement *a, void *ctx);
typedef enum lrs_err (*lrs_store_grade_change_fn)(
    const struct lrs_grade_change *c, void *ctx);

/**
 * Read the achievement with key->ao_ukprn, key->uln, key->subject_code and
 * key->award_date into `out`; LRS_ENOTFOUND when there is none.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_achievement_find(struct lrs_store *s,
                           const struct lrs_achievement *key,
                           struct lrs_achievement *out);

/**
 * Insert `a` (a->id 0: the store assigns a->id; LRS_ECONFLICT when its key
 * exists) or replace achievement a->id with every field of `a` but
 * loaded_ms (LRS_ENOTFOUND when there is none). When the stored grade or
 * status differs, the stored ones go to the grade history with `actor`
 * in the same transaction. updated_ms (and loaded_ms on insert) are now.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_achievement_put(struct lrs_store *s, const struct lrs_actor *actor,
                          struct lrs_achievement *a);

/** Stream the achievements of `uln` by award date, then id. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_achievement_scan(struct lrs_store *s, const char *uln,
                           lrs_store_achievement_fn fn, void *ctx);

/** Stream the grade history of learner `uln` in ascending id order. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_grade_history_scan(struct lrs_store *s, const char *uln,
                             lrs_store_grade_change_fn fn, void *ctx);

/* ------------------------------------------------------------------ */
/* Exam entries                                                       */
/* ------------------------------------------------------------------ */

/**
 * One exam entry from a school to an awarding organisation, identified by
 * (school, ao_ukprn, series, candidate_number, qualification_code).
 * Pending ("to send") while sent_ms < amended_ms.
 */
struct lrs_entry {
    int64_t id;
    char school[LRS_PLR_CODE_SIZE]; /* the school's reference (LAESTAB) */
    char ao_ukprn[LRS_UKPRN_SIZE];  /* the awarding organisation */
    char series[LRS_PLR_CODE_SIZE]; /* exam series, e.g. "2025-06" */
    char candidate_number[LRS_PLR_CODE_SIZE];
    char uci[LRS_PLR_CODE_SIZE]; /* Unique Candidate Identifier */
    char uln[LRS_ULN_SIZE];      /* "" when the school has none */
    char given_name[LRS_LEARNER_NAME_SIZE];
    char family_name[LRS_LEARNER_NAME_SIZE];
    struct lrs_date date_of_birth;
    enum lrs_gender gender;
    char qualification_code[LRS_PLR_CODE_SIZE];
    char qualification_title[LRS_PLR_TEXT_SIZE];
    enum lrs_verify_code verify_code; /* at submission; 0 without a ULN */
    unsigned verify_flags;            /* LRS_VRF* */
    int64_t submitted_ms;             /* first submitted */
    int64_t amended_ms;               /* last changed */
    int64_t sent_ms;                  /* last sent to the AO, 0 never */
    int64_t submission; /* sent versions only: the AO's submission number */
};

typedef enum lrs_err (*lrs_store_entry_fn)(const struct lrs_entry *e,
                                           void *ctx);

/** Read the entry with the key fields of `key`; LRS_ENOTFOUND if none. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_entry_find(struct lrs_store *s, const struct lrs_entry *key,
                     struct lrs_entry *out);

/** Insert (e->id 0; id assigned) or replace entry e->id, every field. */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_entry_put(struct lrs_store *s,
                                                       struct lrs_entry *e);

enum lrs_store_entry_scan_flags {
    LRS_ENTRY_SCAN_PENDING = 1u << 0, /* only entries not yet sent */
};

/**
 * Stream the entries sent to `ao_ukprn` (from `school` only, unless
 * NULL) in id order. Do not call the store from `fn`.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_entry_scan(struct lrs_store *s, const char *ao_ukprn,
                     const char *school, unsigned flags, lrs_store_entry_fn fn,
                     void *ctx);

/** Set sent_ms of entry `id`; LRS_ENOTFOUND when there is none. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_entry_mark_sent(struct lrs_store *s, int64_t id, int64_t sent_ms);

/** One send of entries to an awarding organisation. */
struct lrs_entry_submission {
    int64_t id;
    char ao_ukprn[LRS_UKPRN_SIZE];
    int64_t number;                 /* 1, 2, ... for each AO */
    char school[LRS_PLR_CODE_SIZE]; /* the school that sent, "" every one */
    int64_t sent_ms;
    int64_t entry_count;
    int64_t user_id, org_id; /* who sent it */
};

/**
 * Insert `sub`: sub->id and sub->number (the AO's next) are assigned.
 * LRS_ECONFLICT when another send took the number at the same time.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_entry_submission_add(struct lrs_store *s,
                               struct lrs_entry_submission *sub);

/** Keep entry `e` as it is sent in submission `submission_id`. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_entry_version_add(struct lrs_store *s, int64_t submission_id,
                            const struct lrs_entry *e);

/**
 * Stream what awarding organisation `ao_ukprn` was sent, in entry id
 * order: the entries of its submission `number`, or with `number` 0 the
 * last sent version of every entry. Each has e->submission and e->sent_ms
 * of the send it came in. Do not call the store from `fn`.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_entry_sent_scan(struct lrs_store *s, const char *ao_ukprn,
                          int64_t number, lrs_store_entry_fn fn, void *ctx);

/* ------------------------------------------------------------------ */
/* Shares                                                             */
/* ------------------------------------------------------------------ */

/** Bytes of a share token's stored hash (SHA-256). */
#define LRS_SHARE_HASH_LEN 32
/** Most achievements one share may choose. */
#define LRS_SHARE_MAX_ITEMS 64

/** A share of a learner's PLR. The token itself is never stored. */
struct lrs_share {
    int64_t id;
    char uln[LRS_ULN_SIZE];
    uint8_t token_hash[LRS_SHARE_HASH_LEN];
    int64_t items[LRS_SHARE_MAX_ITEMS]; /* chosen achievement ids */
    size_t item_count;                  /* 0: all the achievements */
    int64_t created_ms;
    int64_t expires_ms;
    int64_t revoked_ms; /* 0: not revoked */
    int64_t views;      /* times opened */
    int64_t last_view_ms;
    int64_t user_id; /* who created it */
    int64_t org_id;
};

/** Insert `sh` (sh->id assigned); LRS_ECONFLICT if the hash exists. */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_share_insert(struct lrs_store *s,
                                                          struct lrs_share *sh);
/** Read share `id`, or (with `hash` not NULL) the share with that hash. */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_share_get(struct lrs_store *s,
                                                       int64_t id,
                                                       const uint8_t *hash,
                                                       struct lrs_share *out);
/** Write revoked_ms, views and last_view_ms of share sh->id. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_share_update(struct lrs_store *s, const struct lrs_share *sh);

typedef enum lrs_err (*lrs_store_share_fn)(const struct lrs_share *sh,
                                           void *ctx);

/**
 * Stream the shares of learner `uln` (revoked and expired ones too) in id
 * order.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_store_share_scan(struct lrs_store *s,
                                                        const char *uln,
                                                        lrs_store_share_fn fn,
                                                        void *ctx);

/* ------------------------------------------------------------------ */
/* Sign-up codes                                                      */
/* ------------------------------------------------------------------ */

/** Bytes of a stored code hash with its NUL (an argon2id string). */
#define LRS_INVITE_HASH_SIZE 128

/**
 * A one-time code with which a person creates the learner account of
 * `uln` (lrs_plr_signup). The code itself is never stored.
 */
struct lrs_invite {
    int64_t id;
    char uln[LRS_ULN_SIZE];               /* the learner (a master) */
    char code_hash[LRS_INVITE_HASH_SIZE]; /* argon2id of the code */
    int64_t created_ms;                   /* set by the store */
    int64_t expires_ms;                   /* unusable from then */
    int64_t used_ms;                      /* redeemed or replaced, 0 */
    int64_t account_id;                   /* the account it made, 0 */
    int32_t attempts;                     /* wrong codes tried */
    int64_t user_id;                      /* who issued it */
    int64_t org_id;
};

/** Insert `inv` (inv->id and created_ms set). */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_invite_insert(struct lrs_store *s, struct lrs_invite *inv);

/**
 * The newest code of learner `uln` not yet used (expired or not: the
 * caller decides); LRS_ENOTFOUND when there is none.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_invite_live(struct lrs_store *s, const char *uln,
                      struct lrs_invite *out);

/** Write used_ms, account_id and attempts of invite inv->id. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_store_invite_update(struct lrs_store *s, const struct lrs_invite *inv);

/* ------------------------------------------------------------------ */
/* Results upload (service)                                           */
/* ------------------------------------------------------------------ */

/** What happened to one uploaded row. */
enum lrs_result_outcome {
    LRS_RESULT_STORED = 1, /* a new learning event */
    LRS_RESULT_CORRECTED,  /* grade or status replaced, old kept */
    LRS_RESULT_UPDATED,    /* other fields replaced */
    LRS_RESULT_UNCHANGED,  /* the same row again: nothing stored */
    LRS_RESULT_REJECTED,   /* see code and why */
};

/** "stored", "corrected", "updated", "unchanged", "rejected"; static. */
LRS_API const char *lrs_result_outcome_name(enum lrs_result_outcome o);

/** One row's outcome, for the caller's report. */
struct lrs_result_row {
    uint64_t line;
    enum lrs_result_outcome outcome;
    /* Rejected: "WSEC0001" (a bad value; why.field names it), "WSEC0136"
     * (invalid ULN), "WSVRC005" (names do not match; flags), "WSVRC006"
     * (ULN not found), "DUPLICATE" (the key twice in one file). Else the
     * verification code of the accepted row. Static. */
    const char *code;
    unsigned flags;                  /* LRS_VRF* of the verification */
    struct lrs_diag why;             /* rejected: the reason */
    const struct lrs_achievement *a; /* the row as parsed, or NULL */
};

typedef enum lrs_err (*lrs_result_row_fn)(void *ctx,
                                          const struct lrs_result_row *row);

struct lrs_results_opts {
    const char *name;         /* input name for messages */
    const char *ao_ukprn;     /* the uploading AO: required, 8 digits */
    const char *ao_name;      /* its name, may be NULL */
    int64_t ao_org_id;        /* its organisations.id, 0 unknown */
    lrs_result_row_fn on_row; /* every row's outcome; may be NULL */
    void *ctx;
};

struct lrs_results_summary {
    uint64_t rows, stored, corrected, updated, unchanged, rejected;
};

/**
 * Upload results as CSV (docs/plr.md: uln, given_name, family_name,
 * subject_code, grade and award_date required; date_of_birth, gender,
 * subject, qualification_type, level, credits, status, provider_ukprn,
 * provider_name, participation_start_date, participation_end_date,
 * language, restriction optional). Each row is checked and its learner
 * verified (lrs_verify_compare; WSVRC001-004 accepted, a merged ULN
 * stored under its master); a failing row is reported and skipped, the
 * rest stored, all in one transaction with one RESULT audit row per
 * stored learning event. A malformed CSV stores nothing (LRS_EINVAL).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_plr_results_upload(struct lrs_store *s, const struct lrs_actor *actor,
                       lrs_csv_read_fn read, void *read_ctx,
                       const struct lrs_results_opts *opts,
                       struct lrs_results_summary *sum, struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* Reading a PLR (service)                                            */
/* ------------------------------------------------------------------ */

/** Why a PLR was refused. */
enum lrs_plr_refusal {
    LRS_PLR_GRANTED = 0,
    LRS_PLR_NOT_VERIFIED, /* WSEC0208: no learner, or names do not match */
    LRS_PLR_NOT_SHARED,   /* WSEC0206: AbilityToShare is not 1 */
};

/** "WSEC0208", "WSEC0206", "" for granted; static. */
LRS_API const char *lrs_plr_refusal_code(enum lrs_plr_refusal r);

enum lrs_plr_get_flags {
    /** The learner themself or an LRS operator: consent not required. */
    LRS_PLR_GET_OWNER = 1u << 0,
};

/** A PLR as read. */
struct lrs_plr {
    enum lrs_plr_refusal refusal;
    struct lrs_verify_result verify;    /* the name check */
    struct lrs_learner learner;         /* the master; when granted */
    bool linked;                        /* WSRC0022 */
    struct lrs_achievement_list events; /* when granted */
};

/** Initialise / release (frees the events). */
LRS_API void lrs_plr_init(struct lrs_plr *p);
LRS_API void lrs_plr_release(struct lrs_plr *p);

/**
 * GetLearnerLearningEvents: verify in->uln with the names of `in`
 * (accepted: WSVRC001-004), require AbilityToShare 1 unless
 * LRS_PLR_GET_OWNER, and fill out->events (of the master, by award date).
 * A refusal is LRS_OK with out->refusal set. Audited PLR_READ (granted)
 * or VERIFY (refused) in one transaction.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_plr_get(struct lrs_store *s, const struct lrs_actor *actor,
            const struct lrs_verify_input *in, unsigned flags,
            struct lrs_plr *out, struct lrs_diag *diag);

/**
 * The learner's privacy-notice choice (AbilityToShare), made by the
 * learner: set learner `uln` (its master when merged) to `choice`,
 * LRS_SHARE_YES or LRS_SHARE_NO (anything else: LRS_EINVAL, field
 * "ability_to_share"), as an amendment (lrs_service_amend: versioned,
 * audited UPDATE). Choosing what is already recorded changes nothing.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_plr_consent_set(struct lrs_store *s, const struct lrs_actor *actor,
                    const char *uln, enum lrs_ability_to_share choice,
                    struct lrs_diag *diag);

/**
 * Append the PLR as one printable HTML page (UTF-8, escaped, print CSS)
 * to `out`: the learner's name and ULN, then the learning events.
 */
LRS_API LRS_NODISCARD enum lrs_err lrs_plr_html(const struct lrs_plr *p,
                                                struct lrs_buf *out);

/* ------------------------------------------------------------------ */
/* Shares (service)                                                   */
/* ------------------------------------------------------------------ */

/** Bytes of a share token as text and its NUL. */
#define LRS_SHARE_TOKEN_SIZE 49

/**
 * Create a share of learner `uln`'s PLR: of the achievements `items`
 * (`count` of them, each of that learner; 0: all, now and later) until
 * `expires_ms` (Unix ms, in the future). `token` receives the secret
 * to hand over (only its hash is stored). Audit SHARE.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_plr_share_create(struct lrs_store *s, const struct lrs_actor *actor,
                     struct lrs_str uln, const int64_t *items, size_t count,
                     int64_t expires_ms, char token[LRS_SHARE_TOKEN_SIZE],
                     struct lrs_share *out, struct lrs_diag *diag);

/** Revoke share `id` (idempotent); LRS_ENOTFOUND when none. Audited. */
LRS_API LRS_NODISCARD enum lrs_err
lrs_plr_share_revoke(struct lrs_store *s, const struct lrs_actor *actor,
                     int64_t id, struct lrs_diag *diag);

/**
 * Open a share by its token: LRS_ENOTFOUND (diag "token": unknown,
 * revoked or expired) or out->events = the shared achievements that are
 * verified (final, not under data challenge, not restricted), and
 * out->learner holding only the learner's given and family name. Counts
 * the view and audits SHARE_VIEW, in one transaction.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_plr_share_open(struct lrs_store *s, const struct lrs_actor *actor,
                   struct lrs_str token, struct lrs_plr *out,
                   struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* Exam entries (service)                                             */
/* ------------------------------------------------------------------ */

/** What happened to one submitted entry row. */
enum lrs_entry_outcome {
    LRS_ENTRY_NEW = 1,   /* first submitted */
    LRS_ENTRY_AMENDED,   /* changed since the last submission */
    LRS_ENTRY_UNCHANGED, /* the same again */
    LRS_ENTRY_REJECTED,  /* a malformed value (why) */
};

/** "new", "amended", "unchanged", "rejected"; static. */
LRS_API const char *lrs_entry_outcome_name(enum lrs_entry_outcome o);

struct lrs_entry_row {
    uint64_t line;
    enum lrs_entry_outcome outcome;
    struct lrs_diag why;       /* rejected: the reason */
    const struct lrs_entry *e; /* with its verification; or NULL */
};

typedef enum lrs_err (*lrs_entry_row_fn)(void *ctx,
                                         const struct lrs_entry_row *row);

struct lrs_entries_opts {
    const char *name;     /* input name for messages */
    const char *school;   /* submitting school's reference: required */
    const char *ao_ukprn; /* the AO: required, 8 digits */
    lrs_entry_row_fn on_row;
    void *ctx;
};

struct lrs_entries_summary {
    uint64_t rows, added, amended, unchanged, rejected;
    uint64_t not_verified; /* stored, but the AO would reject them */
};

/**
 * Submit exam entries as CSV (docs/plr.md: candidate_number,
 * qualification_code, series, given_name, family_name required; uci,
 * uln, date_of_birth, gender, qualification_title optional). Each entry
 * with a ULN is verified now and stored with its outcome; a new or changed
 * entry becomes pending for the AO. One transaction, VERIFY audited.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_plr_entries_submit(struct lrs_store *s, const struct lrs_actor *actor,
                       lrs_csv_read_fn read, void *read_ctx,
                       const struct lrs_entries_opts *opts,
                       struct lrs_entries_summary *sum, struct lrs_diag *diag);

/**
 * The submissions routine: hand every pending entry of `school` (NULL:
 * every school) for `ao_ukprn` to `fn`, keep each as sent in a new
 * numbered submission (lrs_store_entry_submission_add) and mark it sent,
 * auditing ENTRY for each learner, in one transaction. *count (may be
 * NULL) receives how many were sent and *submission (may be NULL) the
 * submission's number, 0 when nothing was pending (no submission is
 * made).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_plr_entries_send(struct lrs_store *s, const struct lrs_actor *actor,
                     const char *ao_ukprn, const char *school,
                     lrs_store_entry_fn fn, void *ctx, uint64_t *count,
                     int64_t *submission, struct lrs_diag *diag);

/**
 * The awarding organisation's view: what it was sent, as sent
 * (lrs_store_entry_sent_scan: submission `number`, or 0 for the last sent
 * version of each entry; an amendment not yet sent is not there), handed
 * to `fn`, auditing ENTRY for each learner, in one transaction.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_plr_entries_sent(struct lrs_store *s, const struct lrs_actor *actor,
                     const char *ao_ukprn, int64_t number,
                     lrs_store_entry_fn fn, void *ctx, struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* Learner accounts: sign-up codes (service, lib/service/invite.c)    */
/* ------------------------------------------------------------------ */

/** Bytes of a sign-up code as shown ("XXXX-XXXX-XXXX") and its NUL. */
#define LRS_INVITE_CODE_SIZE 15
/** Wrong tries after which a code stops working. */
#define LRS_INVITE_MAX_ATTEMPTS 5

/**
 * Issue a one-time sign-up code for learner `uln` (its master when
 * merged), usable until `expires_ms` (in the future; field "expires"),
 * hashed at `cost` (lrs/auth.h; LRS_AUTH_COST_MIN in tests only). A code
 * issued before for the same learner stops working. `code` receives the
 * code to hand to the learner, shown once. Audit INVITE. LRS_ENOTFOUND
 * (field "uln") when no learner has the ULN.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_plr_invite_create(struct lrs_store *s, const struct lrs_actor *actor,
                      struct lrs_str uln, int64_t expires_ms,
                      enum lrs_auth_cost cost, char code[LRS_INVITE_CODE_SIZE],
                      struct lrs_invite *out, struct lrs_diag *diag);

/** What a person gives to create their learner account (borrowed). */
struct lrs_signup {
    struct lrs_str uln;
    struct lrs_str given_name, family_name; /* as the register has them */
    struct lrs_str date_of_birth;           /* required */
    struct lrs_str code;                    /* the sign-up code */
    struct lrs_str login, password;         /* the new account's */
};

/**
 * Create the learner account of in->uln: the details must verify exactly
 * (lrs_verify_compare WSVRC001: names and date of birth as registered, not
 * through a merge) and the code must be the learner's live one (not
 * expired, not used, fewer than LRS_INVITE_MAX_ATTEMPTS wrong tries).
 * Malformed fields are LRS_EINVAL naming the field; every other failure is
 * one LRS_EINVAL (field "code") that does not say which part was wrong,
 * and a wrong try against a live code is counted (and kept). A login in
 * use is LRS_ECONFLICT (field "login"); a learner who has an account
 * already (one each) LRS_ECONFLICT (field "uln"); the code stays usable. On
 * success the code is used up, `out` (may be NULL) is the account (role
 * learner, organisation 0), audit VERIFY and INVITE, one transaction.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_plr_signup(struct lrs_store *s, const struct lrs_actor *actor,
               const struct lrs_signup *in, enum lrs_auth_cost cost,
               struct lrs_user *out, struct lrs_diag *diag);

#endif /* LRS_PLR_H */
