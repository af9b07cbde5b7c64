/*
 * test_plr.c - the PLR (lrs/plr.h) on every engine: the store contract of
 * achievements, grade history, entries and shares, then the service over
 * it (verification codes and flags, results upload, consent, shares,
 * entries and the submissions routine).
 *
 * `test_plr sqlite` (suites store-sqlite, plr) and `test_plr pg` under
 * tests/pg/with-pg.sh (suites store-pg, plr). Each test starts from an
 * empty, initialised database.
 */
#include "testutil.h"

#include "factory.h"

#include <lrs/accounts.h>
#include <lrs/auth.h>
#include <lrs/batch.h>
#include <lrs/plr.h>
#include <lrs/service.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

static const struct lrs_actor actor = {7, 3, "test", NULL};
/* The command line: may issue a sign-up code for any learner. */
static const struct lrs_actor cli = {0, 0, "cli", NULL};

/* ULNs with valid check digits (DOMAIN.md). */
#define ULN_ANN  "1000000043"
#define ULN_BOB  "1748529632"
#define ULN_OLD  "1026893096" /* merged into ULN_ANN */
#define ULN_NONE "6936002314"
#define AO       "10000001"

static void learner(struct lrs_store *s, const char *uln, const char *given,
                    const char *family, const char *prev, int share)
{
    struct lrs_learner l;
    struct lrs_diag d = LRS_DIAG_INIT;

    lrs_learner_init(&l);
    snprintf(l.uln, sizeof l.uln, "%s", uln);
    snprintf(l.given_name, sizeof l.given_name, "%s", given);
    snprintf(l.family_name, sizeof l.family_name, "%s", family);
    snprintf(l.previous_family_name, sizeof l.previous_family_name, "%s", prev);
    snprintf(l.postcode, sizeof l.postcode, "SW1A 1AA");
    l.date_of_birth = (struct lrs_date){2008, 3, 2};
    l.gender = LRS_GENDER_FEMALE;
    l.ability_to_share = (enum lrs_ability_to_share)share;
    assert_int_equal(lrs_service_learner_register(s, &actor, &l, &d), LRS_OK);
}

/* The register of these tests: Ann (shares), Bob (does not), and an old
 * record of Ann's merged into hers. */
static struct lrs_store *world(void)
{
    struct lrs_store *s = factory_new_store();
    struct lrs_diag d = LRS_DIAG_INIT;

    learner(s, ULN_ANN, "Ann-Marie", "Smith-Jones", "Brown", 1);
    learner(s, ULN_BOB, "Robert", "O'Neill", "", 2);
    learner(s, ULN_OLD, "Ann", "Smith", "", 1);
    assert_int_equal(
        lrs_store_learner_merge(s, &actor, ULN_OLD, ULN_ANN, "dup", &d),
        LRS_OK);
    return s;
}

static void event(struct lrs_achievement *a, const char *uln, const char *code,
                  const char *grade)
{
    lrs_achievement_init(a);
    snprintf(a->uln, sizeof a->uln, "%s", uln);
    snprintf(a->supplied_uln, sizeof a->supplied_uln, "%s", uln);
    snprintf(a->ao_ukprn, sizeof a->ao_ukprn, AO);
    snprintf(a->ao_name, sizeof a->ao_name, "Exam Board");
    snprintf(a->subject_code, sizeof a->subject_code, "%s", code);
    snprintf(a->subject, sizeof a->subject, "Mathematics");
    snprintf(a->qualification_type, sizeof a->qualification_type, "GCSE");
    snprintf(a->grade, sizeof a->grade, "%s", grade);
    a->award_date = (struct lrs_date){2024, 8, 22};
    a->credits = 12;
}

/* ------------------------------------------------------------------ */
/* Store contract                                                     */
/* ------------------------------------------------------------------ */

static enum lrs_err count_ach(const struct lrs_achievement *a, void *ctx)
{
    (void)a;
    ++*(int *)ctx;
    return LRS_OK;
}

static enum lrs_err last_change(const struct lrs_grade_change *c, void *ctx)
{
    *(struct lrs_grade_change *)ctx = *c;
    return LRS_OK;
}

static void test_plr__achievement_round_trip_and_key(void **state)
{
    struct lrs_store *s = world();
    struct lrs_achievement a, b, got;
    int n = 0;

    (void)state;
    event(&a, ULN_ANN, "600/1166/X", "7");
    a.participation_start = (struct lrs_date){2022, 9, 1};
    assert_int_equal(lrs_store_achievement_put(s, &actor, &a), LRS_OK);
    assert_true(a.id > 0);
    assert_true(a.loaded_ms > 0);
    assert_int_equal(lrs_store_achievement_find(s, &a, &got), LRS_OK);
    assert_int_equal(got.id, a.id);
    assert_string_equal(got.grade, "7");
    assert_string_equal(got.subject, "Mathematics");
    assert_int_equal(got.credits, 12);
    assert_int_equal(got.status, 'F');
    assert_int_equal(got.award_date.day, 22);
    assert_int_equal(got.participation_start.year, 2022);
    assert_int_equal(got.participation_end.year, 0);
    /* The same key again is a conflict, and the store is still usable. */
    event(&b, ULN_ANN, "600/1166/X", "9");
    assert_int_equal(lrs_store_achievement_put(s, &actor, &b), LRS_ECONFLICT);
    event(&b, ULN_ANN, "601/0000/1", "B");
    b.credits = -1;
    assert_int_equal(lrs_store_achievement_put(s, &actor, &b), LRS_OK);
    assert_int_equal(lrs_store_achievement_find(s, &b, &got), LRS_OK);
    assert_int_equal(got.credits, -1);
    assert_int_equal(lrs_store_achievement_scan(s, ULN_ANN, count_ach, &n),
                     LRS_OK);
    assert_int_equal(n, 2);
    event(&b, ULN_BOB, "600/1166/X", "7");
    assert_int_equal(lrs_store_achievement_find(s, &b, &got), LRS_ENOTFOUND);
    lrs_store_free(s);
}

static void test_plr__corrected_grade_keeps_history(void **state)
{
    struct lrs_store *s = world();
    struct lrs_achievement a, got;
    struct lrs_grade_change c;

    (void)state;
    event(&a, ULN_ANN, "600/1166/X", "5");
    a.status = 'P';
    assert_int_equal(lrs_store_achievement_put(s, &actor, &a), LRS_OK);
    snprintf(a.grade, sizeof a.grade, "6");
    a.status = 'F';
    assert_int_equal(lrs_store_achievement_put(s, &actor, &a), LRS_OK);
    assert_int_equal(lrs_store_achievement_find(s, &a, &got), LRS_OK);
    assert_string_equal(got.grade, "6");
    assert_int_equal(got.status, 'F');
    memset(&c, 0, sizeof c);
    assert_int_equal(lrs_store_grade_history_scan(s, ULN_ANN, last_change, &c),
                     LRS_OK);
    assert_int_equal(c.achievement_id, a.id);
    assert_string_equal(c.grade, "5");
    assert_int_equal(c.status, 'P');
    assert_string_equal(c.uln, ULN_ANN);
    assert_int_equal(c.user_id, 7);
    lrs_store_free(s);
}

static enum lrs_err count_entry(const struct lrs_entry *e, void *ctx)
{
    (void)e;
    ++*(int *)ctx;
    return LRS_OK;
}

static void test_plr__entries_pending_until_sent(void **state)
{
    struct lrs_store *s = world();
    struct lrs_entry e, got;
    int n = 0;

    (void)state;
    memset(&e, 0, sizeof e);
    snprintf(e.school, sizeof e.school, "8012000");
    snprintf(e.ao_ukprn, sizeof e.ao_ukprn, AO);
    snprintf(e.series, sizeof e.series, "2025-06");
    snprintf(e.candidate_number, sizeof e.candidate_number, "0042");
    snprintf(e.qualification_code, sizeof e.qualification_code, "8300");
    snprintf(e.given_name, sizeof e.given_name, "Ann");
    snprintf(e.family_name, sizeof e.family_name, "Smith");
    e.submitted_ms = e.amended_ms = 1000;
    assert_int_equal(lrs_store_entry_put(s, &e), LRS_OK);
    assert_true(e.id > 0);
    assert_int_equal(lrs_store_entry_find(s, &e, &got), LRS_OK);
    assert_string_equal(got.uln, "");
    assert_int_equal(lrs_store_entry_scan(s, AO, NULL, LRS_ENTRY_SCAN_PENDING,
                                          count_entry, &n),
                     LRS_OK);
    assert_int_equal(n, 1);
    assert_int_equal(lrs_store_entry_mark_sent(s, e.id, 2000), LRS_OK);
    n = 0;
    assert_int_equal(lrs_store_entry_scan(s, AO, "8012000",
                                          LRS_ENTRY_SCAN_PENDING, count_entry,
                                          &n),
                     LRS_OK);
    assert_int_equal(n, 0);
    assert_int_equal(lrs_store_entry_scan(s, AO, "8012000", 0, count_entry, &n),
                     LRS_OK);
    assert_int_equal(n, 1);
    snprintf(e.uln, sizeof e.uln, ULN_ANN);
    e.amended_ms = 3000;
    e.sent_ms = 2000;
    assert_int_equal(lrs_store_entry_put(s, &e), LRS_OK);
    assert_int_equal(lrs_store_entry_find(s, &e, &got), LRS_OK);
    assert_string_equal(got.uln, ULN_ANN);
    n = 0;
    assert_int_equal(lrs_store_entry_scan(s, AO, NULL, LRS_ENTRY_SCAN_PENDING,
                                          count_entry, &n),
                     LRS_OK);
    assert_int_equal(n, 1);
    assert_int_equal(lrs_store_entry_mark_sent(s, 999999, 1), LRS_ENOTFOUND);
    lrs_store_free(s);
}

static void test_plr__share_round_trip(void **state)
{
    struct lrs_store *s = world();
    struct lrs_share sh, got;

    (void)state;
    memset(&sh, 0, sizeof sh);
    snprintf(sh.uln, sizeof sh.uln, ULN_ANN);
    memset(sh.token_hash, 0x5a, sizeof sh.token_hash);
    sh.items[0] = 3;
    sh.items[1] = 17;
    sh.item_count = 2;
    sh.expires_ms = 5000;
    assert_int_equal(lrs_store_share_insert(s, &sh), LRS_OK);
    assert_int_equal(lrs_store_share_get(s, 0, sh.token_hash, &got), LRS_OK);
    assert_int_equal(got.id, sh.id);
    assert_int_equal(got.item_count, 2);
    assert_int_equal(got.items[1], 17);
    assert_memory_equal(got.token_hash, sh.token_hash, LRS_SHARE_HASH_LEN);
    got.views = 4;
    got.revoked_ms = 77;
    assert_int_equal(lrs_store_share_update(s, &got), LRS_OK);
    assert_int_equal(lrs_store_share_get(s, sh.id, NULL, &got), LRS_OK);
    assert_int_equal(got.views, 4);
    assert_int_equal(got.revoked_ms, 77);
    assert_int_equal(lrs_store_share_insert(s, &sh), LRS_ECONFLICT);
    assert_int_equal(lrs_store_share_get(s, 424242, NULL, &got), LRS_ENOTFOUND);
    lrs_store_free(s);
}

static enum lrs_err note_share(const struct lrs_share *sh, void *ctx)
{
    char *out = ctx;
    const size_t len = strlen(out);

    snprintf(out + len, 256 - len, "%lld:%zu:%lld;", (long long)sh->id,
             sh->item_count, (long long)sh->revoked_ms);
    return LRS_OK;
}

static void test_plr__share_scan_is_per_learner(void **state)
{
    struct lrs_store *s = world();
    struct lrs_share sh;
    char out[256] = "", want[64];
    int64_t first;

    (void)state;
    memset(&sh, 0, sizeof sh);
    snprintf(sh.uln, sizeof sh.uln, ULN_ANN);
    memset(sh.token_hash, 1, sizeof sh.token_hash);
    sh.expires_ms = 5000;
    assert_int_equal(lrs_store_share_insert(s, &sh), LRS_OK);
    first = sh.id;
    snprintf(sh.uln, sizeof sh.uln, ULN_BOB);
    memset(sh.token_hash, 2, sizeof sh.token_hash);
    assert_int_equal(lrs_store_share_insert(s, &sh), LRS_OK);
    snprintf(sh.uln, sizeof sh.uln, ULN_ANN);
    memset(sh.token_hash, 3, sizeof sh.token_hash);
    sh.items[0] = 9;
    sh.item_count = 1;
    sh.revoked_ms = 6;
    assert_int_equal(lrs_store_share_insert(s, &sh), LRS_OK);
    assert_int_equal(lrs_store_share_scan(s, ULN_ANN, note_share, out), LRS_OK);
    snprintf(want, sizeof want, "%lld:0:0;%lld:1:6;", (long long)first,
             (long long)sh.id);
    assert_string_equal(out, want);
    out[0] = '\0';
    assert_int_equal(lrs_store_share_scan(s, ULN_NONE, note_share, out),
                     LRS_OK);
    assert_string_equal(out, "");
    lrs_store_free(s);
}

/* ------------------------------------------------------------------ */
/* Verification                                                       */
/* ------------------------------------------------------------------ */

static struct lrs_verify_result verify(struct lrs_store *s, const char *uln,
                                       const char *given, const char *family,
                                       const char *dob, const char *gender)
{
    struct lrs_verify_input in;
    struct lrs_verify_result r;
    struct lrs_diag d = LRS_DIAG_INIT;

    assert_int_equal(lrs_verify_input_set(&in, lrs_str_c(uln), lrs_str_c(given),
                                          lrs_str_c(family), lrs_str_c(dob),
                                          lrs_str_c(gender), &d),
                     LRS_OK);
    assert_int_equal(lrs_verify_learner(s, &actor, &in, &r, &d), LRS_OK);
    return r;
}

static void test_plr__verify_codes(void **state)
{
    struct lrs_store *s = world();
    struct lrs_verify_result r;

    (void)state;
    /* Exact (after normalisation: case, hyphens, apostrophes). */
    r = verify(s, ULN_ANN, "ANN MARIE", "smith jones", "2008-03-02", "F");
    assert_int_equal(r.code, LRS_VERIFY_MATCH);
    assert_int_equal(r.flags, 0);
    r = verify(s, ULN_BOB, "Robert", "ONeill", "", "");
    assert_int_equal(r.code, LRS_VERIFY_MATCH);
    /* Linked: the merged ULN answers with the master. */
    r = verify(s, ULN_OLD, "Ann-Marie", "Smith-Jones", "", "");
    assert_int_equal(r.code, LRS_VERIFY_LINKED_MATCH);
    assert_string_equal(r.master_uln, ULN_ANN);
    /* Similar: a nickname, a token subset, a previous family name. */
    r = verify(s, ULN_BOB, "Bob", "O'Neill", "", "");
    assert_int_equal(r.code, LRS_VERIFY_SIMILAR);
    assert_string_equal(r.given_why, "nickname");
    r = verify(s, ULN_ANN, "Ann", "Smith", "", "");
    assert_int_equal(r.code, LRS_VERIFY_SIMILAR);
    r = verify(s, ULN_ANN, "Ann-Marie", "Brown", "", "");
    assert_int_equal(r.code, LRS_VERIFY_SIMILAR);
    assert_string_equal(r.family_why, "previous family name");
    r = verify(s, ULN_ANN, "Ann-Marie", "Smith-Jones", "2008-02-03", "");
    assert_int_equal(r.code, LRS_VERIFY_SIMILAR);
    r = verify(s, ULN_OLD, "Ann", "Smyth-Jones", "", "");
    assert_int_equal(r.code, LRS_VERIFY_LINKED_SIMILAR);
    /* Swapped names are similar. */
    r = verify(s, ULN_BOB, "O'Neill", "Robert", "", "");
    assert_int_equal(r.code, LRS_VERIFY_SIMILAR);
    assert_true(r.swapped);
    /* Does not match, with its flags. */
    r = verify(s, ULN_BOB, "Robert", "Jones", "", "");
    assert_int_equal(r.code, LRS_VERIFY_NO_MATCH);
    assert_int_equal(r.flags, LRS_VRF4 | LRS_VRF5);
    r = verify(s, ULN_ANN, "Zara", "Smith-Jones", "1999-01-01", "M");
    assert_int_equal(r.code, LRS_VERIFY_NO_MATCH);
    assert_int_equal(r.flags,
                     LRS_VRF1 | LRS_VRF2 | LRS_VRF3 | LRS_VRF7 | LRS_VRF8);
    r = verify(s, ULN_ANN, "Ann-Marie", "Taylor", "", "");
    assert_int_equal(r.flags, LRS_VRF4 | LRS_VRF5 | LRS_VRF6);
    /* Not found. */
    r = verify(s, ULN_NONE, "Ann", "Smith", "", "");
    assert_int_equal(r.code, LRS_VERIFY_NOT_FOUND);
    assert_string_equal(lrs_verify_code_name(r.code), "WSVRC006");
    lrs_store_free(s);
}

static void test_plr__verify_rejects_bad_input(void **state)
{
    struct lrs_verify_input in;
    struct lrs_diag d = LRS_DIAG_INIT;

    (void)state;
    assert_int_equal(lrs_verify_input_set(&in, LRS_STR("1748529631"),
                                          LRS_STR("A"), LRS_STR("B"),
                                          LRS_STR(""), LRS_STR(""), &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "uln");
    assert_int_equal(lrs_verify_input_set(&in, LRS_STR(ULN_ANN), LRS_STR(" "),
                                          LRS_STR("B"), LRS_STR(""),
                                          LRS_STR(""), &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "given_name");
    assert_int_equal(lrs_verify_input_set(&in, LRS_STR(ULN_ANN), LRS_STR("A"),
                                          LRS_STR("B"), LRS_STR("2010-02-30"),
                                          LRS_STR(""), &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "date_of_birth");
}

static void test_plr__name_levels(void **state)
{
    const char *why;

    (void)state;
    assert_int_equal(
        lrs_verify_name(LRS_STR("Zoë"), LRS_STR("ZOE"), true, &why),
        LRS_VERIFY_EXACT);
    assert_int_equal(lrs_verify_name(LRS_STR("Smithjones"),
                                     LRS_STR("Smith-Jones"), false, &why),
                     LRS_VERIFY_SIMILAR_LEVEL);
    assert_string_equal(why, "spacing");
    assert_int_equal(
        lrs_verify_name(LRS_STR("Catherine"), LRS_STR("Katherine"), true, &why),
        LRS_VERIFY_SIMILAR_LEVEL);
    assert_int_equal(
        lrs_verify_name(LRS_STR("Ann"), LRS_STR("Ian"), true, &why),
        LRS_VERIFY_DIFFERENT);
    assert_int_equal(
        lrs_verify_name(LRS_STR("Jones"), LRS_STR("James"), false, &why),
        LRS_VERIFY_DIFFERENT);
    assert_int_equal(lrs_verify_name(LRS_STR(""), LRS_STR(""), false, &why),
                     LRS_VERIFY_DIFFERENT);
}

/* ------------------------------------------------------------------ */
/* Results upload                                                     */
/* ------------------------------------------------------------------ */

struct rows {
    char out[2048];
    size_t len;
};

static enum lrs_err note_row(void *ctx, const struct lrs_result_row *row)
{
    struct rows *r = ctx;

    r->len +=
        (size_t)snprintf(r->out + r->len, sizeof r->out - r->len, "%llu %s %s;",
                         (unsigned long long)row->line,
                         lrs_result_outcome_name(row->outcome), row->code);
    return LRS_OK;
}

static enum lrs_err upload(struct lrs_store *s, const char *csv,
                           struct lrs_results_summary *sum, struct rows *r)
{
    struct lrs_csv_mem m = {csv, strlen(csv)};
    struct lrs_results_opts o = {"test.csv", AO, "Exam Board", 0, note_row, r};
    struct lrs_diag d = LRS_DIAG_INIT;

    memset(r, 0, sizeof *r);
    return lrs_plr_results_upload(s, &actor, lrs_csv_mem_read, &m, &o, sum, &d);
}

#define HEADER                                                                 \
    "uln,given_name,family_name,subject_code,grade,award_date,status\n"

static void test_plr__upload_good_bad_duplicate_corrected(void **state)
{
    struct lrs_store *s = world();
    struct lrs_results_summary sum;
    struct rows r;
    int n = 0;

    (void)state;
    assert_int_equal(
        upload(s,
               HEADER ULN_ANN
               ",Ann-Marie,Smith-Jones,600/1166/X,7,2024-08-22,F\n" ULN_OLD
               ",Ann,Smith-Jones,601/4433/2,A,2024-08-15,P\n" ULN_BOB
               ",Robert,Jones,600/1166/X,4,2024-08-22,F\n" ULN_NONE
               ",Ann,Smith,600/1166/X,4,2024-08-22,F\n"
               "1748529631,Ann,Smith,600/1166/X,4,2024-08-22,F\n" ULN_ANN
               ",Ann-Marie,Smith-Jones,,4,2024-08-22,F\n" ULN_ANN
               ",Ann-Marie,Smith-Jones,600/9999/1,4,2024-08-22,X\n",
               &sum, &r),
        LRS_OK);
    assert_string_equal(r.out, "2 stored WSVRC001;3 stored WSVRC004;"
                               "4 rejected WSVRC005;5 rejected WSVRC006;"
                               "6 rejected WSEC0136;7 rejected WSEC0001;"
                               "8 rejected WSEC0001;");
    assert_int_equal(sum.rows, 7);
    assert_int_equal(sum.stored, 2);
    assert_int_equal(sum.rejected, 5);
    /* The merged ULN's row is held under the master. */
    assert_int_equal(lrs_store_achievement_scan(s, ULN_ANN, count_ach, &n),
                     LRS_OK);
    assert_int_equal(n, 2);
    /* Again: nothing duplicated; a corrected grade replaces. */
    assert_int_equal(
        upload(s,
               HEADER ULN_ANN
               ",Ann-Marie,Smith-Jones,600/1166/X,7,2024-08-22,F\n" ULN_OLD
               ",Ann,Smith-Jones,601/4433/2,A*,2024-08-15,F\n",
               &sum, &r),
        LRS_OK);
    assert_string_equal(r.out, "2 unchanged WSVRC001;3 corrected WSVRC004;");
    n = 0;
    assert_int_equal(lrs_store_achievement_scan(s, ULN_ANN, count_ach, &n),
                     LRS_OK);
    assert_int_equal(n, 2);
    lrs_store_free(s);
}

static enum lrs_err grade_of(const struct lrs_achievement *a, void *ctx)
{
    if (strcmp(a->subject_code, "600/2000/1") == 0)
        snprintf(ctx, LRS_PLR_CODE_SIZE, "%s", a->grade);
    return LRS_OK;
}

static void test_plr__upload_repeated_key_rejected(void **state)
{
    struct lrs_store *s = world();
    struct lrs_results_summary sum;
    struct rows r;
    char grade[LRS_PLR_CODE_SIZE] = "";

    (void)state;
    /* Line 3 repeats line 2's key with another grade; line 4 is the same
     * key through the merged ULN (held under the master) and another date
     * spelling. The first row of a key stands; every repeat is DUPLICATE
     * and changes nothing. Then a repeat of an event left unchanged. */
    assert_int_equal(
        upload(s,
               HEADER ULN_ANN
               ",Ann-Marie,Smith-Jones,600/2000/1,7,2024-08-22,F\n" ULN_ANN
               ",Ann-Marie,Smith-Jones,600/2000/1,9,2024-08-22,F\n" ULN_OLD
               ",Ann,Smith-Jones,600/2000/1,8,22/08/2024,F\n",
               &sum, &r),
        LRS_OK);
    assert_string_equal(r.out, "2 stored WSVRC001;3 rejected DUPLICATE;"
                               "4 rejected DUPLICATE;");
    assert_int_equal(sum.stored, 1);
    assert_int_equal(sum.rejected, 2);
    assert_int_equal(lrs_store_achievement_scan(s, ULN_ANN, grade_of, grade),
                     LRS_OK);
    assert_string_equal(grade, "7");
    assert_int_equal(
        upload(s,
               HEADER ULN_ANN
               ",Ann-Marie,Smith-Jones,600/2000/1,7,2024-08-22,F\n" ULN_ANN
               ",Ann-Marie,Smith-Jones,600/2000/1,7,2024-08-22,F\n",
               &sum, &r),
        LRS_OK);
    assert_string_equal(r.out, "2 unchanged WSVRC001;3 rejected DUPLICATE;");
    lrs_store_free(s);
}

static void test_plr__upload_malformed_stores_nothing(void **state)
{
    struct lrs_store *s = world();
    struct lrs_results_summary sum;
    struct rows r;
    int n = 0;

    (void)state;
    assert_int_equal(upload(s, "uln,given_name,colour\n", &sum, &r),
                     LRS_EINVAL);
    assert_int_equal(upload(s,
                            HEADER ULN_ANN
                            ",Ann-Marie,Smith-Jones,600/1166/X,7,2024-08-22,F\n"
                            "\"unterminated\n",
                            &sum, &r),
                     LRS_EINVAL);
    assert_int_equal(lrs_store_achievement_scan(s, ULN_ANN, count_ach, &n),
                     LRS_OK);
    assert_int_equal(n, 0);
    lrs_store_free(s);
}

/* ------------------------------------------------------------------ */
/* Reading and sharing a PLR                                          */
/* ------------------------------------------------------------------ */

static void plr_get(struct lrs_store *s, const char *uln, const char *given,
                    const char *family, unsigned flags, struct lrs_plr *p)
{
    struct lrs_verify_input in;
    struct lrs_diag d = LRS_DIAG_INIT;

    assert_int_equal(lrs_verify_input_set(&in, lrs_str_c(uln), lrs_str_c(given),
                                          lrs_str_c(family), LRS_STR(""),
                                          LRS_STR(""), &d),
                     LRS_OK);
    lrs_plr_init(p);
    assert_int_equal(lrs_plr_get(s, &actor, &in, flags, p, &d), LRS_OK);
}

static void test_plr__read_needs_names_and_consent(void **state)
{
    struct lrs_store *s = world();
    struct lrs_results_summary sum;
    struct rows r;
    struct lrs_plr p;
    struct lrs_buf html = LRS_BUF_INIT;

    (void)state;
    assert_int_equal(
        upload(s,
               HEADER ULN_ANN
               ",Ann-Marie,Smith-Jones,600/1166/X,7,2024-08-22,F\n" ULN_BOB
               ",Robert,O'Neill,600/1166/X,<b>,2024-08-22,F\n",
               &sum, &r),
        LRS_OK);
    plr_get(s, ULN_OLD, "Ann-Marie", "Smith-Jones", 0, &p);
    assert_int_equal(p.refusal, LRS_PLR_GRANTED);
    assert_true(p.linked);
    assert_int_equal(p.events.count, 1);
    assert_string_equal(p.events.items[0].grade, "7");
    lrs_plr_release(&p);
    plr_get(s, ULN_ANN, "Jane", "Doe", 0, &p);
    assert_int_equal(p.refusal, LRS_PLR_NOT_VERIFIED);
    assert_string_equal(lrs_plr_refusal_code(p.refusal), "WSEC0208");
    assert_int_equal(p.events.count, 0);
    lrs_plr_release(&p);
    plr_get(s, ULN_BOB, "Robert", "O'Neill", 0, &p);
    assert_int_equal(p.refusal, LRS_PLR_NOT_SHARED);
    assert_string_equal(lrs_plr_refusal_code(p.refusal), "WSEC0206");
    lrs_plr_release(&p);
    plr_get(s, ULN_BOB, "Robert", "O'Neill", LRS_PLR_GET_OWNER, &p);
    assert_int_equal(p.refusal, LRS_PLR_GRANTED);
    assert_int_equal(lrs_plr_html(&p, &html), LRS_OK);
    assert_non_null(strstr(html.data, "&lt;b&gt;"));
    assert_null(strstr(html.data, "<b>"));
    assert_non_null(strstr(html.data, "O&#39;Neill"));
    lrs_buf_release(&html);
    lrs_plr_release(&p);
    lrs_store_free(s);
}

static void test_plr__consent_set_by_the_learner(void **state)
{
    struct lrs_store *s = world();
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_learner l;
    struct lrs_plr p;

    (void)state;
    plr_get(s, ULN_BOB, "Robert", "O'Neill", 0, &p);
    assert_int_equal(p.refusal, LRS_PLR_NOT_SHARED);
    lrs_plr_release(&p);
    assert_int_equal(lrs_plr_consent_set(s, &actor, ULN_BOB, LRS_SHARE_YES, &d),
                     LRS_OK);
    plr_get(s, ULN_BOB, "Robert", "O'Neill", 0, &p);
    assert_int_equal(p.refusal, LRS_PLR_GRANTED);
    lrs_plr_release(&p);
    assert_int_equal(lrs_store_learner_get(s, ULN_BOB, 0, &l), LRS_OK);
    assert_int_equal(l.ability_to_share, LRS_SHARE_YES);
    /* Through a merged ULN, the master changes. */
    assert_int_equal(lrs_plr_consent_set(s, &actor, ULN_OLD, LRS_SHARE_NO, &d),
                     LRS_OK);
    assert_int_equal(lrs_store_learner_get(s, ULN_ANN, 0, &l), LRS_OK);
    assert_int_equal(l.ability_to_share, LRS_SHARE_NO);
    /* "Not seen" is not a choice; an unknown learner is not found. */
    assert_int_equal(
        lrs_plr_consent_set(s, &actor, ULN_BOB, LRS_SHARE_NOT_SEEN, &d),
        LRS_EINVAL);
    assert_string_equal(d.field, "ability_to_share");
    assert_int_equal(
        lrs_plr_consent_set(s, &actor, ULN_NONE, LRS_SHARE_YES, &d),
        LRS_ENOTFOUND);
    lrs_store_free(s);
}

static void test_plr__share_expiry_and_revocation(void **state)
{
    struct lrs_store *s = world();
    struct lrs_results_summary sum;
    struct rows r;
    struct lrs_plr p;
    struct lrs_share sh;
    struct lrs_diag d = LRS_DIAG_INIT;
    char token[LRS_SHARE_TOKEN_SIZE];
    const int64_t later = (int64_t)4102444800000; /* 2100-01-01 */
    int64_t chosen;

    (void)state;
    assert_int_equal(
        upload(s,
               HEADER ULN_ANN
               ",Ann-Marie,Smith-Jones,600/1166/X,7,2024-08-22,F\n" ULN_ANN
               ",Ann-Marie,Smith-Jones,601/4433/2,B,2024-08-15,F\n" ULN_ANN
               ",Ann-Marie,Smith-Jones,601/0000/9,C,2024-08-15,P\n",
               &sum, &r),
        LRS_OK);
    /* All: the provisional one is not verified, so not shown. */
    assert_int_equal(lrs_plr_share_create(s, &actor, LRS_STR(ULN_OLD), NULL, 0,
                                          later, token, &sh, &d),
                     LRS_OK);
    assert_string_equal(sh.uln, ULN_ANN);
    lrs_plr_init(&p);
    assert_int_equal(lrs_plr_share_open(s, &actor, lrs_str_c(token), &p, &d),
                     LRS_OK);
    assert_int_equal(p.events.count, 2);
    assert_string_equal(p.learner.family_name, "Smith-Jones");
    assert_string_equal(p.learner.uln, "");
    assert_int_equal(p.events.items[0].loaded_ms, 0);
    lrs_plr_release(&p);
    /* Chosen: only that one. */
    chosen = p.events.count ? 0 : 0;
    {
        struct lrs_achievement a, got;

        event(&a, ULN_ANN, "600/1166/X", "");
        a.award_date = (struct lrs_date){2024, 8, 22};
        assert_int_equal(lrs_store_achievement_find(s, &a, &got), LRS_OK);
        chosen = got.id;
    }
    assert_int_equal(lrs_plr_share_create(s, &actor, LRS_STR(ULN_ANN), &chosen,
                                          1, later, token, &sh, &d),
                     LRS_OK);
    assert_int_equal(lrs_plr_share_open(s, &actor, lrs_str_c(token), &p, &d),
                     LRS_OK);
    assert_int_equal(p.events.count, 1);
    assert_string_equal(p.events.items[0].grade, "7");
    lrs_plr_release(&p);
    assert_int_equal(lrs_store_share_get(s, sh.id, NULL, &sh), LRS_OK);
    assert_int_equal(sh.views, 1);
    /* Revoked: gone, and revoking again is fine. */
    assert_int_equal(lrs_plr_share_revoke(s, &actor, sh.id, &d), LRS_OK);
    assert_int_equal(lrs_plr_share_revoke(s, &actor, sh.id, &d), LRS_OK);
    assert_int_equal(lrs_plr_share_open(s, &actor, lrs_str_c(token), &p, &d),
                     LRS_ENOTFOUND);
    assert_string_equal(d.field, "token");
    /* Another learner's achievement cannot be chosen; expired shares do
     * not open; nonsense tokens do not either. */
    assert_int_equal(lrs_plr_share_create(s, &actor, LRS_STR(ULN_BOB), &chosen,
                                          1, later, token, &sh, &d),
                     LRS_EINVAL);
    assert_int_equal(lrs_plr_share_create(s, &actor, LRS_STR(ULN_ANN), NULL, 0,
                                          1000, token, &sh, &d),
                     LRS_EINVAL);
    assert_int_equal(
        lrs_plr_share_open(s, &actor, LRS_STR("lrst_nonsense"), &p, &d),
        LRS_ENOTFOUND);
    lrs_store_free(s);
}

/* ------------------------------------------------------------------ */
/* Entries                                                            */
/* ------------------------------------------------------------------ */

static enum lrs_err note_entry(void *ctx, const struct lrs_entry_row *row)
{
    struct rows *r = ctx;

    r->len += (size_t)snprintf(
        r->out + r->len, sizeof r->out - r->len, "%llu %s %s;",
        (unsigned long long)row->line, lrs_entry_outcome_name(row->outcome),
        row->e ? lrs_verify_code_name(row->e->verify_code) : row->why.field);
    return LRS_OK;
}

static enum lrs_err submit(struct lrs_store *s, const char *csv,
                           struct lrs_entries_summary *sum, struct rows *r)
{
    struct lrs_csv_mem m = {csv, strlen(csv)};
    struct lrs_entries_opts o = {"entries.csv", "8012000", AO, note_entry, r};
    struct lrs_diag d = LRS_DIAG_INIT;

    memset(r, 0, sizeof *r);
    return lrs_plr_entries_submit(s, &actor, lrs_csv_mem_read, &m, &o, sum, &d);
}

#define EHEADER                                                                \
    "candidate_number,qualification_code,series,given_name,family_name,uln\n"

static void test_plr__entries_submissions_routine(void **state)
{
    struct lrs_store *s = world();
    struct lrs_entries_summary sum;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct rows r;
    uint64_t sent = 0;
    int n;

    (void)state;
    assert_int_equal(
        submit(s,
               EHEADER "0001,8300,2025-06,Ann-Marie,Smith-Jones," ULN_ANN "\n"
                       "0002,8300,2025-06,Robert,Jones," ULN_BOB "\n"
                       "0003,8300,2025-06,Cat,Brown,\n"
                       ",8300,2025-06,Dan,Brown,\n",
               &sum, &r),
        LRS_OK);
    assert_string_equal(r.out, "2 new WSVRC001;3 new WSVRC005;4 new WSVRC000;"
                               "5 rejected candidate_number;");
    assert_int_equal(sum.not_verified, 1);
    assert_int_equal(lrs_plr_entries_send(s, &actor, AO, "8012000", NULL, NULL,
                                          &sent, NULL, &d),
                     LRS_OK);
    assert_int_equal(sent, 3);
    /* The ULN arrived for 0003, 0002's name was fixed: only those go. */
    assert_int_equal(
        submit(s,
               EHEADER "0001,8300,2025-06,Ann-Marie,Smith-Jones," ULN_ANN "\n"
                       "0002,8300,2025-06,Robert,O'Neill," ULN_BOB "\n"
                       "0003,8300,2025-06,Ann,Smith," ULN_OLD "\n",
               &sum, &r),
        LRS_OK);
    assert_string_equal(r.out, "2 unchanged WSVRC001;3 amended WSVRC001;"
                               "4 amended WSVRC004;");
    n = 0;
    assert_int_equal(lrs_store_entry_scan(s, AO, NULL, LRS_ENTRY_SCAN_PENDING,
                                          count_entry, &n),
                     LRS_OK);
    assert_int_equal(n, 2);
    assert_int_equal(
        lrs_plr_entries_send(s, &actor, AO, NULL, NULL, NULL, &sent, NULL, &d),
        LRS_OK);
    assert_int_equal(sent, 2);
    assert_int_equal(
        lrs_plr_entries_send(s, &actor, AO, NULL, NULL, NULL, &sent, NULL, &d),
        LRS_OK);
    assert_int_equal(sent, 0);
    lrs_store_free(s);
}

/* Each sent entry as "candidate:family_name:submission;". */
static enum lrs_err note_sent(const struct lrs_entry *e, void *ctx)
{
    char *out = ctx;
    const size_t len = strlen(out);

    snprintf(out + len, 512 - len, "%s:%s:%lld;", e->candidate_number,
             e->family_name, (long long)e->submission);
    return LRS_OK;
}

static enum lrs_err count_entry_audit(const struct lrs_audit *a, void *ctx)
{
    *(int *)ctx += a->action == LRS_AUDIT_ENTRY;
    return LRS_OK;
}

static void test_plr__entries_ao_sees_what_was_sent(void **state)
{
    struct lrs_store *s = world();
    struct lrs_entries_summary sum;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct rows r;
    char out[512] = "";
    uint64_t sent = 0;
    int64_t number = 0;
    int audits = 0;

    (void)state;
    assert_int_equal(
        submit(s,
               EHEADER "0001,8300,2025-06,Ann-Marie,Smith-Jones," ULN_ANN "\n"
                       "0002,8300,2025-06,Robert,Jones," ULN_BOB "\n",
               &sum, &r),
        LRS_OK);
    /* Nothing is the AO's until sent. */
    assert_int_equal(lrs_plr_entries_sent(s, &actor, AO, 0, note_sent, out, &d),
                     LRS_OK);
    assert_string_equal(out, "");
    assert_int_equal(lrs_plr_entries_send(s, &actor, AO, NULL, NULL, NULL,
                                          &sent, &number, &d),
                     LRS_OK);
    assert_int_equal(number, 1);
    /* An amendment not yet sent is not the AO's: it sees Jones. */
    assert_int_equal(
        submit(s, EHEADER "0002,8300,2025-06,Robert,O'Neill," ULN_BOB "\n",
               &sum, &r),
        LRS_OK);
    assert_int_equal(lrs_plr_entries_sent(s, &actor, AO, 0, note_sent, out, &d),
                     LRS_OK);
    assert_string_equal(out, "0001:Smith-Jones:1;0002:Jones:1;");
    /* Sent: submission 2 holds the amendment alone; the AO's view is the
     * last version of each; submission 1 is still as it was. */
    assert_int_equal(lrs_plr_entries_send(s, &actor, AO, "8012000", NULL, NULL,
                                          &sent, &number, &d),
                     LRS_OK);
    assert_int_equal(sent, 1);
    assert_int_equal(number, 2);
    out[0] = '\0';
    assert_int_equal(lrs_plr_entries_sent(s, &actor, AO, 0, note_sent, out, &d),
                     LRS_OK);
    assert_string_equal(out, "0001:Smith-Jones:1;0002:O'Neill:2;");
    out[0] = '\0';
    assert_int_equal(lrs_plr_entries_sent(s, &actor, AO, 1, note_sent, out, &d),
                     LRS_OK);
    assert_string_equal(out, "0001:Smith-Jones:1;0002:Jones:1;");
    out[0] = '\0';
    assert_int_equal(lrs_plr_entries_sent(s, &actor, AO, 2, note_sent, out, &d),
                     LRS_OK);
    assert_string_equal(out, "0002:O'Neill:2;");
    /* Another AO was sent nothing; nothing pending makes no submission. */
    out[0] = '\0';
    assert_int_equal(
        lrs_plr_entries_sent(s, &actor, "10099999", 0, note_sent, out, &d),
        LRS_OK);
    assert_string_equal(out, "");
    assert_int_equal(lrs_plr_entries_send(s, &actor, AO, NULL, NULL, NULL,
                                          &sent, &number, &d),
                     LRS_OK);
    assert_int_equal(number, 0);
    /* Bob's entry: sent twice and listed four times, each audited. */
    assert_int_equal(
        lrs_store_audit_scan(s, ULN_BOB, count_entry_audit, &audits), LRS_OK);
    assert_int_equal(audits, 6);
    lrs_store_free(s);
}

struct audit_count {
    int verify, result, read, share, view;
};

static enum lrs_err tally(const struct lrs_audit *a, void *ctx)
{
    struct audit_count *c = ctx;

    c->verify += a->action == LRS_AUDIT_VERIFY;
    c->result += a->action == LRS_AUDIT_RESULT;
    c->read += a->action == LRS_AUDIT_PLR_READ;
    c->share += a->action == LRS_AUDIT_SHARE;
    c->view += a->action == LRS_AUDIT_SHARE_VIEW;
    return LRS_OK;
}

static void test_plr__everything_is_audited(void **state)
{
    struct lrs_store *s = world();
    struct lrs_results_summary sum;
    struct audit_count c = {0, 0, 0, 0, 0};
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_share sh;
    struct lrs_plr p;
    struct rows r;
    char token[LRS_SHARE_TOKEN_SIZE];

    (void)state;
    (void)verify(s, ULN_ANN, "Ann-Marie", "Smith-Jones", "", "");
    assert_int_equal(
        upload(s,
               HEADER ULN_ANN
               ",Ann-Marie,Smith-Jones,600/1166/X,7,2024-08-22,F\n",
               &sum, &r),
        LRS_OK);
    plr_get(s, ULN_ANN, "Ann-Marie", "Smith-Jones", 0, &p);
    lrs_plr_release(&p);
    assert_int_equal(lrs_plr_share_create(s, &actor, LRS_STR(ULN_ANN), NULL, 0,
                                          (int64_t)4102444800000, token, &sh,
                                          &d),
                     LRS_OK);
    assert_int_equal(lrs_plr_share_open(s, &actor, lrs_str_c(token), &p, &d),
                     LRS_OK);
    lrs_plr_release(&p);
    assert_int_equal(lrs_store_audit_scan(s, ULN_ANN, tally, &c), LRS_OK);
    assert_int_equal(c.verify, 2); /* verify, and the PLR read's check */
    assert_int_equal(c.result, 1);
    assert_int_equal(c.read, 1);
    assert_int_equal(c.share, 1);
    assert_int_equal(c.view, 1);
    lrs_store_free(s);
}

/* ------------------------------------------------------------------ */
/* Learner accounts: sign-up codes                                    */
/* ------------------------------------------------------------------ */

static enum lrs_err signup(struct lrs_store *s, const char *uln,
                           const char *given, const char *dob, const char *code,
                           const char *login, struct lrs_user *u,
                           struct lrs_diag *d)
{
    const struct lrs_signup in = {
        lrs_str_c(uln),
        lrs_str_c(given),
        LRS_STR("Smith-Jones"),
        lrs_str_c(dob),
        lrs_str_c(code),
        lrs_str_c(login),
        LRS_STR("a long enough passphrase"),
    };

    *d = (struct lrs_diag)LRS_DIAG_INIT;
    return lrs_plr_signup(s, &actor, &in, LRS_AUTH_COST_MIN, u, d);
}

static int64_t days_on(int n)
{
    return (int64_t)time(NULL) * 1000 + (int64_t)n * 86400000;
}

static void test_plr__signup_needs_exact_details_and_a_live_code(void **state)
{
    struct lrs_store *s = world();
    struct lrs_diag d = LRS_DIAG_INIT;
    char code[LRS_INVITE_CODE_SIZE], old[LRS_INVITE_CODE_SIZE], typed[32];
    struct lrs_invite inv;
    struct lrs_user u, got;

    (void)state;
    assert_int_equal(lrs_auth_init(), LRS_OK);
    assert_int_equal(lrs_plr_invite_create(s, &cli, LRS_STR(ULN_ANN),
                                           days_on(14), LRS_AUTH_COST_MIN, old,
                                           &inv, &d),
                     LRS_OK);
    assert_int_equal(strlen(old), 14);
    assert_true(old[4] == '-' && old[9] == '-');
    assert_null(strstr(inv.code_hash, old)); /* only a hash is kept */
    /* A second code ends the first. */
    assert_int_equal(lrs_plr_invite_create(s, &cli, LRS_STR(ULN_ANN),
                                           days_on(14), LRS_AUTH_COST_MIN, code,
                                           NULL, &d),
                     LRS_OK);
    assert_int_equal(
        signup(s, ULN_ANN, "Ann-Marie", "2008-03-02", old, "ann", &u, &d),
        LRS_EINVAL);
    assert_string_equal(d.field, "code");
    /* Personal details alone, or nearly right, are not enough: a wrong
     * date of birth, a similar name (WSVRC003), the merged ULN (WSVRC002)
     * all get the same answer. */
    assert_int_equal(
        signup(s, ULN_ANN, "Ann-Marie", "2008-03-03", code, "ann", &u, &d),
        LRS_EINVAL);
    assert_string_equal(d.field, "code");
    assert_int_equal(
        signup(s, ULN_ANN, "Anne-Marie", "2008-03-02", code, "ann", &u, &d),
        LRS_EINVAL);
    assert_int_equal(
        signup(s, ULN_OLD, "Ann-Marie", "2008-03-02", code, "ann", &u, &d),
        LRS_EINVAL);
    /* Malformed fields are named. */
    assert_int_equal(signup(s, ULN_ANN, "Ann-Marie", "", code, "ann", &u, &d),
                     LRS_EINVAL);
    assert_string_equal(d.field, "date_of_birth");
    assert_int_equal(
        signup(s, ULN_ANN, "Ann-Marie", "2008-03-02", "12", "ann", &u, &d),
        LRS_EINVAL);
    assert_string_equal(d.field, "code");
    /* Exact details and the code (typed in lower case, without hyphens):
     * the account, a learner of the LRS linked to the ULN. */
    snprintf(typed, sizeof typed, "%.4s %.4s%.4s", code, code + 5, code + 10);
    for (char *c = typed; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    assert_int_equal(signup(s, ULN_ANN, "Ann-Marie", "02/03/2008", typed,
                            "ann.marie", &u, &d),
                     LRS_OK);
    assert_int_equal(lrs_store_user_get_by_login(s, "ann.marie", &got), LRS_OK);
    assert_int_equal(got.roles, LRS_ROLE_LEARNER);
    assert_string_equal(got.uln, ULN_ANN);
    assert_int_equal(got.org_id, 0);
    assert_int_equal(
        lrs_auth_password_verify(got.password_hash,
                                 LRS_STR("a long enough passphrase")),
        LRS_OK);
    /* Once only. */
    assert_int_equal(
        signup(s, ULN_ANN, "Ann-Marie", "2008-03-02", code, "someone", &u, &d),
        LRS_EINVAL);
    assert_int_equal(lrs_store_user_get_by_login(s, "someone", &got),
                     LRS_ENOTFOUND);
    /* No learner, no code. */
    assert_int_equal(lrs_plr_invite_create(s, &cli, LRS_STR(ULN_NONE),
                                           days_on(1), LRS_AUTH_COST_MIN, code,
                                           NULL, &d),
                     LRS_ENOTFOUND);
    assert_int_equal(lrs_plr_invite_create(s, &cli, LRS_STR(ULN_ANN),
                                           days_on(0) - 1, LRS_AUTH_COST_MIN,
                                           code, NULL, &d),
                     LRS_EINVAL);
    lrs_store_free(s);
}

static void test_plr__signup_code_stops_after_wrong_tries(void **state)
{
    struct lrs_store *s = world();
    struct lrs_diag d = LRS_DIAG_INIT;
    char code[LRS_INVITE_CODE_SIZE], wrong[LRS_INVITE_CODE_SIZE];
    struct lrs_invite inv;
    struct lrs_user u;

    (void)state;
    assert_int_equal(lrs_auth_init(), LRS_OK);
    assert_int_equal(lrs_plr_invite_create(s, &cli, LRS_STR(ULN_ANN),
                                           days_on(14), LRS_AUTH_COST_MIN, code,
                                           NULL, &d),
                     LRS_OK);
    memcpy(wrong, code, sizeof wrong);
    wrong[0] = wrong[0] == '2' ? '3' : '2';
    /* Each wrong try is kept, though the attempt itself fails. */
    for (int i = 0; i < LRS_INVITE_MAX_ATTEMPTS; i++)
        assert_int_equal(
            signup(s, ULN_ANN, "Ann-Marie", "2008-03-02", wrong, "ann", &u, &d),
            LRS_EINVAL);
    assert_int_equal(lrs_store_invite_live(s, ULN_ANN, &inv), LRS_OK);
    assert_int_equal(inv.attempts, LRS_INVITE_MAX_ATTEMPTS);
    assert_int_equal(
        signup(s, ULN_ANN, "Ann-Marie", "2008-03-02", code, "ann", &u, &d),
        LRS_EINVAL);
    /* An expired code does not work either (made in the store, as time
     * passing would), and the right one then does. */
    memset(&inv, 0, sizeof inv);
    memcpy(inv.uln, ULN_ANN, sizeof inv.uln);
    assert_int_equal(lrs_auth_password_hash(LRS_STR("23456789ABCD"),
                                            LRS_AUTH_COST_MIN, inv.code_hash),
                     LRS_OK);
    inv.expires_ms = days_on(0) - 1000;
    assert_int_equal(lrs_store_invite_insert(s, &inv), LRS_OK);
    assert_int_equal(signup(s, ULN_ANN, "Ann-Marie", "2008-03-02",
                            "2345-6789-ABCD", "ann", &u, &d),
                     LRS_EINVAL);
    inv.expires_ms = days_on(1);
    assert_int_equal(lrs_store_invite_insert(s, &inv), LRS_OK);
    assert_int_equal(signup(s, ULN_ANN, "Ann-Marie", "2008-03-02",
                            "2345-6789-ABCD", "ann", &u, &d),
                     LRS_OK);
    lrs_store_free(s);
}

/* A user of organisation `org` with `roles`; its id. */
static int64_t staff(struct lrs_store *s, int64_t org, const char *login,
                     unsigned roles)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_user u;

    memset(&u, 0, sizeof u);
    u.org_id = org;
    u.roles = roles;
    snprintf(u.login, sizeof u.login, "%s", login);
    assert_int_equal(lrs_store_user_add(s, &u, &d), LRS_OK);
    return u.id;
}

static int64_t school_org(struct lrs_store *s, const char *name, int32_t estab)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_org o;

    memset(&o, 0, sizeof o);
    o.kind = LRS_ORG_SCHOOL;
    o.la = 801;
    o.estab = estab;
    snprintf(o.name, sizeof o.name, "%s", name);
    assert_int_equal(lrs_store_org_add(s, &o, &d), LRS_OK);
    return o.id;
}

/* Issue a code for `uln` as `who`: the result, and diag in `d`. */
static enum lrs_err invite_as(struct lrs_store *s, const struct lrs_actor *who,
                              const char *uln, struct lrs_diag *d)
{
    char code[LRS_INVITE_CODE_SIZE];

    *d = (struct lrs_diag)LRS_DIAG_INIT;
    return lrs_plr_invite_create(s, who, lrs_str_c(uln), days_on(14),
                                 LRS_AUTH_COST_MIN, code, NULL, d);
}

static void test_plr__school_invites_only_its_own_pupils(void **state)
{
    struct lrs_store *s = world();
    const int64_t mill = school_org(s, "Mill", 2000);
    const int64_t hill = school_org(s, "Hill", 2001);
    const struct lrs_actor a = {staff(s, mill, "t@mill", LRS_ROLE_SCHOOL_USER),
                                mill, "test", NULL};
    const struct lrs_actor b = {staff(s, hill, "t@hill", LRS_ROLE_SCHOOL_ADMIN),
                                hill, "test", NULL};
    const struct lrs_actor op = {staff(s, 0, "op", LRS_ROLE_OPERATOR), 0,
                                 "test", NULL};
    const char roster[] =
        "upn,surname,uln\nH801200001001,Smith, " ULN_ANN " \n";
    struct lrs_diag d = LRS_DIAG_INIT, none;
    struct lrs_store_roster r;
    struct lrs_job_row row;
    struct lrs_entry e;
    struct lrs_org ao;
    struct lrs_job j;

    (void)state;
    assert_int_equal(lrs_auth_init(), LRS_OK);
    /* No relationship yet: refused as if the ULN were no one's. */
    assert_int_equal(invite_as(s, &a, ULN_ANN, &d), LRS_ENOTFOUND);
    assert_string_equal(d.field, "uln");
    assert_int_equal(invite_as(s, &a, ULN_NONE, &none), LRS_ENOTFOUND);
    assert_non_null(strstr(d.msg, "among your school's pupils"));
    assert_non_null(strstr(none.msg, "among your school's pupils"));
    /* An operator may, for anyone. */
    assert_int_equal(invite_as(s, &op, ULN_BOB, &d), LRS_OK);

    /* A pupil of the school's stored roster (column uln). */
    memset(&r, 0, sizeof r);
    r.org_id = mill;
    r.pupils = 1;
    snprintf(r.source, sizeof r.source, "upload");
    assert_int_equal(lrs_store_roster_put(s, &r, lrs_str_c(roster),
                                          (struct lrs_str){NULL, 0},
                                          (struct lrs_str){NULL, 0}),
                     LRS_OK);
    assert_int_equal(invite_as(s, &a, ULN_ANN, &d), LRS_OK);
    /* The merged ULN leads to the same learner. */
    assert_int_equal(invite_as(s, &a, ULN_OLD, &d), LRS_OK);
    assert_int_equal(invite_as(s, &b, ULN_ANN, &d), LRS_ENOTFOUND);

    /* A candidate of the school's exam entries (LAESTAB reference). */
    memset(&e, 0, sizeof e);
    snprintf(e.school, sizeof e.school, "8012001");
    snprintf(e.ao_ukprn, sizeof e.ao_ukprn, AO);
    snprintf(e.series, sizeof e.series, "2026-06");
    snprintf(e.candidate_number, sizeof e.candidate_number, "0001");
    snprintf(e.uln, sizeof e.uln, ULN_BOB);
    snprintf(e.given_name, sizeof e.given_name, "Robert");
    snprintf(e.family_name, sizeof e.family_name, "O'Neill");
    snprintf(e.qualification_code, sizeof e.qualification_code, "600/1166/X");
    assert_int_equal(invite_as(s, &b, ULN_BOB, &d), LRS_ENOTFOUND);
    assert_int_equal(lrs_store_entry_put(s, &e), LRS_OK);
    /* The entries are looked up AO by AO: the AO must be registered. */
    memset(&ao, 0, sizeof ao);
    ao.kind = LRS_ORG_AO;
    snprintf(ao.name, sizeof ao.name, "Board");
    snprintf(ao.ukprn, sizeof ao.ukprn, AO);
    assert_int_equal(lrs_store_org_add(s, &ao, &d), LRS_OK);
    assert_int_equal(invite_as(s, &b, ULN_BOB, &d), LRS_OK);
    assert_int_equal(invite_as(s, &a, ULN_BOB, &d), LRS_ENOTFOUND);

    /* A pupil given the ULN in one of the school's S2S files. */
    memset(&j, 0, sizeof j);
    j.org_id = mill;
    snprintf(j.sha256, sizeof j.sha256, "%064d", 1);
    assert_int_equal(lrs_store_job_insert(s, &j, "x", 1), LRS_OK);
    memset(&row, 0, sizeof row);
    row.job_id = j.id;
    row.ordinal = 1;
    snprintf(row.code, sizeof row.code, "WSRC0004");
    snprintf(row.uln, sizeof row.uln, ULN_BOB);
    assert_int_equal(lrs_store_job_rows_insert(s, &row, 1), LRS_OK);
    assert_int_equal(invite_as(s, &a, ULN_BOB, &d), LRS_OK);
    lrs_store_free(s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plr__achievement_round_trip_and_key),
        cmocka_unit_test(test_plr__corrected_grade_keeps_history),
        cmocka_unit_test(test_plr__entries_pending_until_sent),
        cmocka_unit_test(test_plr__share_round_trip),
        cmocka_unit_test(test_plr__share_scan_is_per_learner),
        cmocka_unit_test(test_plr__consent_set_by_the_learner),
        cmocka_unit_test(test_plr__signup_needs_exact_details_and_a_live_code),
        cmocka_unit_test(test_plr__signup_code_stops_after_wrong_tries),
        cmocka_unit_test(test_plr__school_invites_only_its_own_pupils),
        cmocka_unit_test(test_plr__verify_codes),
        cmocka_unit_test(test_plr__verify_rejects_bad_input),
        cmocka_unit_test(test_plr__name_levels),
        cmocka_unit_test(test_plr__upload_good_bad_duplicate_corrected),
        cmocka_unit_test(test_plr__upload_repeated_key_rejected),
        cmocka_unit_test(test_plr__upload_malformed_stores_nothing),
        cmocka_unit_test(test_plr__read_needs_names_and_consent),
        cmocka_unit_test(test_plr__share_expiry_and_revocation),
        cmocka_unit_test(test_plr__entries_submissions_routine),
        cmocka_unit_test(test_plr__entries_ao_sees_what_was_sent),
        cmocka_unit_test(test_plr__everything_is_audited),
    };
    int rc;

    factory_setup(argc, argv);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
