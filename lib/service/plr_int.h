/*
 * service/plr_int.h - shared by verify.c and plr.c only (the PLR half of
 * lib/service/; kept apart from service_int.h, which the learner and
 * batch files share).
 */
#ifndef LRS_SERVICE_PLR_INT_H
#define LRS_SERVICE_PLR_INT_H

#include <lrs/plr.h>

/**
 * Look in->uln up (following merges) into *reg and compare: out->code
 * WSVRC006 when no learner has it. With `actor` not NULL, audit VERIFY of
 * the supplied ULN (and of the master when a link was followed).
 */
enum lrs_err lrs__verify_one(struct lrs_store *s, const struct lrs_actor *actor,
                             const struct lrs_verify_input *in,
                             struct lrs_learner *reg,
                             struct lrs_verify_result *out,
                             struct lrs_diag *diag);

/**
 * Map the header `rec` onto `names` (map[i] = column of names[i], -1 when
 * absent): an unknown or repeated column, or one of the first `required`
 * names missing, is LRS_EINVAL (diag field "header").
 */
enum lrs_err lrs__plr_csv_header(const struct lrs_csv_record *rec,
                                 const char *const *names, size_t count,
                                 size_t required, int *map,
                                 struct lrs_diag *diag);

/** Field names[i] of `rec` through `map`; "" when the column is absent. */
struct lrs_str lrs__plr_csv_field(const struct lrs_csv_record *rec,
                                  const int *map, size_t i);

#endif /* LRS_SERVICE_PLR_INT_H */
