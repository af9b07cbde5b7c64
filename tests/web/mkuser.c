/*
 * mkuser.c - add a user to a register for the browser tests.
 *
 *   web_mkuser DB LOGIN PASSWORD operator|school|admin|ao [ESTAB]
 *   web_mkuser DB LOGIN PASSWORD learner ULN
 *
 * An operator belongs to the LRS (organisation 0); a school user or a
 * school administrator (admin) to the
 * test school LA 999 establishment ESTAB (9001 by default), an AO user
 * to the AO with UKPRN 10000001, each made on first use; a learner
 * account to the LRS, linked to its ULN. The password is hashed at the
 * minimum argon2id cost, as the HTTP tests do.
 *
 * NEEDSWORK: `lrs user add` will do this for people; until then the
 * browser tests use this small program over lrs/accounts.h.
 */
#include <lrs/lrs.h>

#include <lrs/accounts.h>
#include <lrs/auth.h>

#include <stdio.h>
#include <string.h>

static int fail(const char *what, const char *why)
{
    fprintf(stderr, "web_mkuser: %s: %s\n", what, why);
    return 1;
}

/* The organisation of `role`, made when missing; -1 on failure. */
static int64_t org_of(struct lrs_store *s, const char *role, int32_t estab)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_org_ref ref;
    struct lrs_org o;
    enum lrs_err err;

    if (strcmp(role, "operator") == 0 || strcmp(role, "learner") == 0)
        return 0;
    memset(&ref, 0, sizeof ref);
    memset(&o, 0, sizeof o);
    if (strcmp(role, "school") == 0 || strcmp(role, "admin") == 0) {
        ref.la = 999;
        ref.estab = estab;
        o.kind = LRS_ORG_SCHOOL;
        o.la = 999;
        o.estab = estab;
        snprintf(o.name, sizeof o.name, "Test Academy %d", (int)estab);
    } else {
        ref.ukprn = "10000001";
        o.kind = LRS_ORG_AO;
        snprintf(o.ukprn, sizeof o.ukprn, "10000001");
        snprintf(o.name, sizeof o.name, "Test Awarding Body");
    }
    err = lrs_store_org_find(s, &ref, &o);
    if (err == LRS_ENOTFOUND)
        err = lrs_store_org_add(s, &o, &d);
    return err ? -1 : o.id;
}

int main(int argc, char **argv)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s = NULL;
    struct lrs_user u;
    enum lrs_role role;
    const bool learner = argc == 6 && strcmp(argv[4], "learner") == 0;
    uint64_t estab = 9001;
    int rc = 1;

    if (argc != 5 && argc != 6)
        return fail("usage", "web_mkuser DB LOGIN PASSWORD ROLE [ESTAB|ULN]");
    if (argc == 6 && !learner &&
        lrs_parse_u64(lrs_str_c(argv[5]), 1, 9999, &estab) != LRS_OK)
        return fail(argv[5], "not an establishment number");
    if (lrs_auth_init() != LRS_OK)
        return fail("libsodium", "cannot initialise");
    if (lrs_role_parse(lrs_str_c(argv[4]), &role, &d) != LRS_OK)
        return fail(argv[4], d.msg);
    if (lrs_store_open(argv[1], 0, &s, &d) != LRS_OK)
        return fail(argv[1], d.msg);
    memset(&u, 0, sizeof u);
    u.org_id = org_of(s, argv[4], (int32_t)estab);
    u.roles = (unsigned)role;
    snprintf(u.login, sizeof u.login, "%s", argv[2]);
    if (learner)
        snprintf(u.uln, sizeof u.uln, "%s", argv[5]);
    if (u.org_id < 0) {
        fail("organisation", lrs_store_errmsg(s));
        goto out;
    }
    if (lrs_auth_password_hash(lrs_str_c(argv[3]), LRS_AUTH_COST_MIN,
                               u.password_hash) != LRS_OK) {
        fail("password", "cannot hash");
        goto out;
    }
    if (lrs_store_user_add(s, &u, &d) != LRS_OK) {
        fail(argv[2], d.msg);
        goto out;
    }
    rc = 0;
out:
    lrs_store_free(s);
    return rc;
}
