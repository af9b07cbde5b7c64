/*
 * service/service_int.h - helpers shared by the files of lib/service/.
 */
#ifndef LRS_SERVICE_INT_H
#define LRS_SERVICE_INT_H

#include <lrs/csv.h>
#include <lrs/service.h>

/** Begin a transaction unless the caller holds one; *own: we close it. */
enum lrs_err lrs__service_enter(struct lrs_store *s, bool *own,
                                struct lrs_diag *diag);
/** Close what lrs__service_enter opened: commit if !err, else roll back. */
enum lrs_err lrs__service_leave(struct lrs_store *s, bool own, enum lrs_err err,
                                struct lrs_diag *diag);
/** Put the store's message into `diag` (field "db") and return err. */
enum lrs_err lrs__service_store_err(struct lrs_store *s, enum lrs_err err,
                                    struct lrs_diag *diag);
/** Append one audit row for `uln`. */
enum lrs_err lrs__service_audit(struct lrs_store *s,
                                const struct lrs_actor *actor,
                                enum lrs_audit_action action, const char *uln,
                                struct lrs_diag *diag);
/** Append one audit row about the account of user `subject_user_id`
 *  (and learner `uln`, or ""). */
enum lrs_err lrs__service_audit_user(struct lrs_store *s,
                                     const struct lrs_actor *actor,
                                     enum lrs_audit_action action,
                                     int64_t subject_user_id, const char *uln,
                                     struct lrs_diag *diag);

/**
 * The part of lrs_service_learner_check() that lrs_learner_field_set()
 * cannot do field by field: given and family name, date of birth, gender
 * and postcode present. For learners built with lrs_learner_field_set().
 */
enum lrs_err lrs__service_learner_required(const struct lrs_learner *l,
                                           struct lrs_diag *diag);

struct lrs_match_learner; /* lrs/match.h */
/**
 * A stored learner as the match index takes it (index.c); slices borrow
 * from `sl`. LRS_EINVAL for a stored ULN or postcode that does not parse.
 */
enum lrs_err lrs__service_match_learner(const struct lrs_learner *sl,
                                        struct lrs_match_learner *out,
                                        struct lrs_diag *diag);

/**
 * The index record of stored learner `sl` with its former family names
 * (the name history, most recent first, then previous_family_name; never
 * the current name), for re-keying (register.c). Slices borrow from `sl`
 * and `f`.
 */
struct lrs__former {
    char name[2][LRS_LEARNER_NAME_SIZE]; /* LRS_MATCH_FORMER_MAX */
};
enum lrs_err lrs__service_indexed(struct lrs_store *s,
                                  const struct lrs_learner *sl,
                                  struct lrs__former *f,
                                  struct lrs_match_learner *ml,
                                  struct lrs_diag *diag);

struct lrs_match_index; /* lrs/match.h */
/**
 * Tell `idx` every pair of the store decided not to be the same learner
 * (register.c; lrs_service_index_load calls it once the learners are in).
 */
enum lrs_err lrs__service_links_load(struct lrs_store *s,
                                     struct lrs_match_index *idx,
                                     struct lrs_diag *diag);

#endif /* LRS_SERVICE_INT_H */
