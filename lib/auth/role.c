/*
 * role.c - role names, as the store's user_roles.role column holds them.
 */
#include "base/base.h"

#include <lrs/auth.h>

static const struct {
    enum lrs_role role;
    const char *name;  /* stored */
    const char *alias; /* accepted on input */
} roles[] = {
    {LRS_ROLE_SCHOOL_USER, "school", "school-user"},
    {LRS_ROLE_SCHOOL_ADMIN, "admin", "school-admin"},
    {LRS_ROLE_AO_USER, "ao", "ao-user"},
    {LRS_ROLE_OPERATOR, "operator", "lrs-operator"},
    {LRS_ROLE_LEARNER, "learner", "learner"},
};

const char *lrs_role_name(enum lrs_role role)
{
    for (size_t i = 0; i < LRS_ARRAY_LEN(roles); i++)
        if (roles[i].role == role)
            return roles[i].name;
    return NULL;
}

enum lrs_err lrs_role_parse(struct lrs_str name, enum lrs_role *out,
                            struct lrs_diag *diag)
{
    for (size_t i = 0; i < LRS_ARRAY_LEN(roles); i++) {
        if (lrs_str_eq(name, lrs_str_c(roles[i].name)) ||
            lrs_str_eq(name, lrs_str_c(roles[i].alias))) {
            *out = roles[i].role;
            return LRS_OK;
        }
    }
    lrs_diag_set(diag, "role",
                 "unknown role '%.*s'; expected school, admin, ao, "
                 "operator or learner",
                 (int)(name.len > 40 ? 40 : name.len),
                 name.ptr ? name.ptr : "");
    return LRS_ERR(LRS_EINVAL);
}
