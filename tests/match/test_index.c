/*
 * test_index.c - the learner index (lib/match/index.c): insert, lookup,
 * growth and re-linking, amendment with re-keying, merges, statistics,
 * the OOM loop, and finds running in several threads while another
 * inserts. The invariant check runs after every mutation.
 */
#include "fixture.h"

#include <pthread.h>
#include <stdatomic.h>

static const struct fx_learner amy = {
    1, "Amy", "", "Clarke", "2010-02-03", 2, "NE1 4ST", NULL, NULL,
};

static void test_index__insert_and_lookup(void **state)
{
    struct lrs_match_index *idx;
    struct lrs_match_learner l = fx_learner(&amy);
    struct lrs_diag d = LRS_DIAG_INIT;
    uint32_t id = 99, got;

    (void)state;
    assert_int_equal(lrs_match_index_new(NULL, 0, &idx), LRS_OK);
    assert_int_equal(lrs_match_index_insert(idx, &l, &id, &d), LRS_OK);
    assert_int_equal(id, 0);
    fx_assert_sane(idx);
    assert_int_equal(lrs_match_index_lookup(idx, l.uln, &got), LRS_OK);
    assert_int_equal(got, 0);
    assert_int_equal(lrs_match_index_lookup(idx, fx_uln(2), &got),
                     LRS_ENOTFOUND);
    /* The same ULN again. */
    assert_int_equal(lrs_match_index_insert(idx, &l, NULL, &d), LRS_ECONFLICT);
    assert_string_equal(d.field, "uln");
    /* An invalid ULN and an invalid name are refused, naming the field. */
    l.uln = 1000000063u;
    assert_int_equal(lrs_match_index_insert(idx, &l, NULL, &d), LRS_EINVAL);
    assert_string_equal(d.field, "uln");
    l.uln = fx_uln(3);
    l.given = (struct lrs_str){"\xff", 1};
    assert_int_equal(lrs_match_index_insert(idx, &l, NULL, &d), LRS_EINVAL);
    assert_string_equal(d.field, "given_name");
    l.given = lrs_str_c("Amy");
    l.dob = (struct lrs_date){2010, 2, 30};
    assert_int_equal(lrs_match_index_insert(idx, &l, NULL, &d), LRS_EINVAL);
    assert_string_equal(d.field, "date_of_birth");
    fx_assert_sane(idx);
    lrs_match_index_free(idx);
    lrs_match_index_free(NULL);
}

/* Many learners: arrays, buckets and the ULN table grow and re-link. */
static void test_index__growth_keeps_invariants(void **state)
{
    struct lrs_match_index *idx;
    struct lrs_match_stats st;
    struct lrs_match_result res;
    char given[16], family[16];

    (void)state;
    assert_int_equal(lrs_match_index_new(NULL, 0, &idx), LRS_OK);
    for (unsigned i = 0; i < 5000; i++) {
        char dob[16];

        snprintf(given, sizeof given, "G%u", i % 97);
        snprintf(family, sizeof family, "F%u", i % 89);
        snprintf(dob, sizeof dob, "20%02u-%02u-%02u", i % 10, 1 + i % 12,
                 1 + i % 28);
        fx_insert(idx,
                  &(struct fx_learner){i, given, "", family, dob,
                                       1 + (int)(i % 2), "B1 1AA", NULL, NULL});
        if (i % 997 == 0)
            fx_assert_sane(idx);
    }
    fx_assert_sane(idx);
    lrs_match_index_stats(idx, &st);
    assert_int_equal(st.learners, 5000);
    assert_true(st.keys >= 5000 * 6);
    assert_true(st.bytes > 0);
    /* Every learner finds itself. */
    lrs_match_result_init(&res);
    for (unsigned i = 0; i < 5000; i += 371) {
        struct lrs_match_query q;
        char dob[16];

        snprintf(given, sizeof given, "G%u", i % 97);
        snprintf(family, sizeof family, "F%u", i % 89);
        snprintf(dob, sizeof dob, "20%02u-%02u-%02u", i % 10, 1 + i % 12,
                 1 + i % 28);
        q = fx_query(given, "", family, dob, 1 + (int)(i % 2), "B1 1AA");
        assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
        assert_int_equal(res.candidates[0].uln, fx_uln(i));
    }
    lrs_match_result_release(&res);
    lrs_match_index_free(idx);
}

/* An amendment re-keys: the new details find the learner, the old not. */
static void test_index__update_rekeys(void **state)
{
    struct lrs_match_index *idx;
    struct lrs_match_result res;
    struct lrs_match_learner l = fx_learner(&amy);
    struct lrs_match_query q;

    (void)state;
    assert_int_equal(lrs_match_index_new(NULL, 0, &idx), LRS_OK);
    fx_insert(idx, &amy);
    lrs_match_result_init(&res);
    l.family = lrs_str_c("Oyelaran");
    l.former[0] = lrs_str_c("Clarke");
    l.dob = fx_date("2010-02-04");
    l.postcode = fx_pc("SE15 5AA");
    assert_int_equal(lrs_match_index_update(idx, &l, NULL), LRS_OK);
    fx_assert_sane(idx);
    q = fx_query("Amy", "", "Oyelaran", "2010-02-04", 2, "SE15 5AA");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
    /* The old family name is now a former one. */
    q = fx_query("Amy", "", "Clarke", "2010-02-04", 2, "SE15 5AA");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
    assert_int_equal(res.candidates[0].level[LRS_MATCH_FAMILY],
                     LRS_MATCH_NAME_FORMER);
    /* The old date and postcode no longer block. */
    assert_int_equal(
        idx->names.v[lrs__names_find(&idx->names, lrs_str_c("CLARKE"))]
            .family_count,
        0);
    q = fx_query("Zed", "", "Nobody", "2010-02-03", 2, "NE1 4ST");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_NONE);
    assert_int_equal(res.candidates_scored, 0);
    /* An unknown ULN. */
    l.uln = fx_uln(50);
    assert_int_equal(lrs_match_index_update(idx, &l, NULL), LRS_ENOTFOUND);
    fx_assert_sane(idx);
    lrs_match_result_release(&res);
    lrs_match_index_free(idx);
}

/* A merged learner answers its master with WSRC0022. */
static void test_index__merge_answers_master(void **state)
{
    struct lrs_match_index *idx;
    struct lrs_match_result res;
    struct lrs_match_query q;
    struct lrs_match_stats st;
    static const struct fx_learner dup = {
        2, "Amy", "", "Clark", "2010-02-03", 2, "NE1 4ST", NULL, NULL,
    };
    static const struct fx_learner third = {
        3, "Amy", "", "Clarke", "2010-02-03", 2, "NE2 1AA", NULL, NULL,
    };

    (void)state;
    assert_int_equal(lrs_match_index_new(NULL, 0, &idx), LRS_OK);
    fx_insert(idx, &amy);
    fx_insert(idx, &dup);
    fx_insert(idx, &third);
    lrs_match_result_init(&res);
    assert_int_equal(lrs_match_index_merge(idx, fx_uln(2), fx_uln(1)), LRS_OK);
    /* The merged record's own details: the master is answered. */
    q = fx_query("Amy", "", "Clark", "2010-02-03", 2, "NE1 4ST");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_LINKED);
    assert_int_equal(res.candidates[0].uln, fx_uln(1));
    assert_int_equal(res.candidates[0].matched_uln, fx_uln(2));
    assert_true(res.candidates[0].flags & LRS_MATCH_CAND_MERGED);
    /* The master's own details: exact, one candidate for the two. */
    q = fx_query("Amy", "", "Clarke", "2010-02-03", 2, "NE1 4ST");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
    assert_int_equal(res.candidates[0].uln, fx_uln(1));
    /* Merging into a merged learner follows to its master. */
    assert_int_equal(lrs_match_index_merge(idx, fx_uln(3), fx_uln(2)), LRS_OK);
    assert_int_equal(idx->ext[2].master, 0);
    /* Cycles and self-merges are refused. */
    assert_int_equal(lrs_match_index_merge(idx, fx_uln(1), fx_uln(3)),
                     LRS_EINVAL);
    assert_int_equal(lrs_match_index_merge(idx, fx_uln(1), fx_uln(1)),
                     LRS_EINVAL);
    assert_int_equal(lrs_match_index_merge(idx, fx_uln(1), fx_uln(77)),
                     LRS_ENOTFOUND);
    lrs_match_index_stats(idx, &st);
    assert_int_equal(st.merged, 2);
    /* By ULN: the merged ULN answers the master. */
    assert_int_equal(lrs_match_index_find_uln(idx, fx_uln(2), lrs_str_c("Amy"),
                                              lrs_str_c("Clark"), &res, NULL),
                     LRS_OK);
    assert_int_equal(res.code, LRS_MATCH_LINKED);
    assert_int_equal(res.candidates[0].uln, fx_uln(1));
    fx_assert_sane(idx);
    lrs_match_result_release(&res);
    lrs_match_index_free(idx);
}

/* About 150 bytes a learner, the target of docs/matching.md. */
static void test_index__bytes_per_learner(void **state)
{
    struct lrs_match_index *idx;
    struct lrs_match_stats st;
    char given[16];

    (void)state;
    assert_int_equal(lrs_match_index_new(NULL, 20000, &idx), LRS_OK);
    for (unsigned i = 0; i < 20000; i++) {
        snprintf(given, sizeof given, "N%u", i % 500);
        fx_insert(idx, &(struct fx_learner){i, given, "", "Ng", "2005-05-05", 1,
                                            "B1 1AA", NULL, NULL});
    }
    lrs_match_index_stats(idx, &st);
    print_message("# %llu bytes per learner\n",
                  (unsigned long long)(st.bytes / st.learners));
    assert_true(st.bytes / st.learners <= 200);
    lrs_match_index_free(idx);
}

/* Learner i of the static/dynamic test: its own given name and birthday. */
static struct fx_learner sd_learner(unsigned i, char given[16], char dob[16])
{
    const int32_t day = lrs_date_to_days((struct lrs_date){2000, 1, 1});

    snprintf(given, 16, "Q%uX", i);
    lrs_date_format(lrs_date_from_days(day + (int32_t)i), dob);
    return (struct fx_learner){
        i, given, "", "Stone", dob, 1 + (int)(i % 2), "B1 1AA", NULL, NULL};
}

/*
 * The two parts of the blocking table (docs/matching.md, "Memory"): a
 * load of thousands is linked by one bulk build (the static part), later
 * single inserts go into the dynamic part, and an amendment of a learner
 * of the static part removes its old entries there and adds the new ones
 * to the dynamic part. Every learner is found at each stage, and a
 * learner amended before it was ever linked is linked with its new keys.
 */
static void test_index__static_and_dynamic_parts(void **state)
{
    struct lrs_match_index *idx;
    struct lrs_match_result res;
    struct lrs_match_query q;
    struct lrs_match_learner l;
    char given[16], dob[16];
    struct fx_learner f;

    (void)state;
    lrs_match_result_init(&res);
    assert_int_equal(lrs_match_index_new(NULL, 0, &idx), LRS_OK);
    for (unsigned i = 0; i < 6000; i++) {
        f = sd_learner(i, given, dob);
        fx_insert(idx, &f);
    }
    /* Pending: nothing linked yet; an amendment only changes the record. */
    assert_int_equal(idx->linked, 0);
    f = sd_learner(17, given, dob);
    f.family = "Brook";
    l = fx_learner(&f);
    assert_int_equal(lrs_match_index_update(idx, &l, NULL), LRS_OK);
    fx_assert_sane(idx);
    assert_int_equal(lrs_match_index_build(idx), LRS_OK);
    assert_int_equal(idx->linked, 6000);
    assert_non_null(idx->se);
    assert_int_equal(idx->de_live, 0);
    fx_assert_sane(idx);
    /* A few more: the dynamic part, linked by the next find. */
    for (unsigned i = 6000; i < 6010; i++) {
        f = sd_learner(i, given, dob);
        fx_insert(idx, &f);
    }
    f = sd_learner(6005, given, dob);
    q = fx_query(f.given, "", f.family, f.dob, f.gender, f.postcode);
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
    assert_int_equal(res.candidates[0].uln, fx_uln(6005));
    assert_true(idx->de_live > 0);
    fx_assert_sane(idx);
    /* Amend learner 40 (static part): found by its new name only. */
    f = sd_learner(40, given, dob);
    f.family = "Hollis";
    f.postcode = "LS2 9JT";
    l = fx_learner(&f);
    assert_int_equal(lrs_match_index_update(idx, &l, NULL), LRS_OK);
    fx_assert_sane(idx);
    q = fx_query(f.given, "", "Hollis", f.dob, f.gender, "LS2 9JT");
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
    assert_int_equal(res.candidates[0].uln, fx_uln(40));
    /* Learner 17, amended while pending, is found by its new name. */
    f = sd_learner(17, given, dob);
    q = fx_query(f.given, "", "Brook", f.dob, f.gender, f.postcode);
    assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
    assert_int_equal(res.candidates[0].uln, fx_uln(17));
    /* Every learner still finds itself (40 and 17 by their new names). */
    for (unsigned i = 0; i < 6010; i += 7) {
        f = sd_learner(i, given, dob);
        if (i == 40 || i == 17)
            continue;
        q = fx_query(f.given, "", f.family, f.dob, f.gender, f.postcode);
        assert_int_equal(fx_find(idx, &q, &res), LRS_MATCH_EXACT);
        assert_int_equal(res.candidates[0].uln, fx_uln(i));
    }
    lrs_match_result_release(&res);
    lrs_match_index_free(idx);
}

/*
 * OOM loop (STYLE.md): fail the nth allocation for n = 1, 2, ... until an
 * insert-update-find sequence passes; every failure is a clean
 * LRS_ENOMEM, the index stays valid and nothing leaks.
 */
static void test_index__oom_loop(void **state)
{
    (void)state;
    for (unsigned long n = 1; n < 10000; n++) {
        struct lrs_match_index *idx = NULL;
        struct lrs_match_result res;
        struct lrs_match_learner l;
        struct lrs_match_query q;
        static const struct fx_learner last = {
            39, "Name39", "Middle", "Family", "2010-04-12",
            2,  "B1 1AA", "Former", NULL,
        };
        enum lrs_err err;

        test_alloc_fail_at(n);
        lrs_match_result_init(&res);
        err = lrs_match_index_new(NULL, 0, &idx);
        if (err) {
            assert_int_equal(err, LRS_ENOMEM);
            assert_null(idx);
            goto next;
        }
        for (unsigned i = 0; i < 40 && !err; i++) {
            char given[16], dob[16];

            snprintf(given, sizeof given, "Name%u", i);
            snprintf(dob, sizeof dob, "2010-%02u-%02u", 1 + i % 12, 1 + i % 28);
            l = fx_learner(&(struct fx_learner){i, given, "Middle", "Family",
                                                dob, 2, "B1 1AA", "Former",
                                                NULL});
            err = lrs_match_index_insert(idx, &l, NULL, NULL);
        }
        if (!err) {
            l = fx_learner(&last);
            l.family = lrs_str_c("Renamed");
            err = lrs_match_index_update(idx, &l, NULL);
        }
        if (!err) {
            q = fx_query("Name3", "Middle", "Family", "2010-04-04", 2,
                         "B1 1AA");
            err = lrs_match_index_find(idx, &q, &res, NULL);
            if (!err)
                assert_int_equal(res.code, LRS_MATCH_EXACT);
        }
        if (err)
            assert_int_equal(err, LRS_ENOMEM);
        fx_assert_sane(idx);
    next:
        lrs_match_result_release(&res);
        lrs_match_index_free(idx);
        assert_int_equal(test_alloc_live(), 0);
        if (!test_alloc_failed()) {
            assert_int_equal(err, LRS_OK);
            break;
        }
        test_alloc_reset();
    }
    test_alloc_reset();
}

/* ------------------------------------------------------------------ */
/* Threads                                                            */
/* ------------------------------------------------------------------ */

#define T_BASE    2000  /* learners before the threads start */
#define T_INSERTS 20000 /* learners the writer adds meanwhile */
#define T_READERS 4

struct shared {
    struct lrs_match_index *idx;
    atomic_bool done;     /* the writer has finished */
    atomic_uint wrong;    /* finds that did not answer their learner */
    atomic_uint failures; /* calls that returned an error */
    atomic_uint finds;
};

/* Learner n: a family name of its own, so that it is an exact match. */
static struct lrs_match_learner t_learner(unsigned n, char given[16],
                                          char family[24], char pc[12])
{
    static const char *const syl[] = {"ka", "lo", "mi", "ne", "ru",
                                      "sa", "ti", "vo", "we", "zu"};
    struct lrs_match_learner l;

    snprintf(given, 16, "%s%sa", syl[n % 10], syl[n / 10 % 10]);
    snprintf(family, 24, "%s%s%s%s%s", syl[n % 10], syl[n / 10 % 10],
             syl[n / 100 % 10], syl[n / 1000 % 10], syl[n / 10000 % 10]);
    snprintf(pc, 12, "NE%u %uAB", 1 + n % 40, n / 40 % 10);
    memset(&l, 0, sizeof l);
    l.uln = fx_uln(n);
    l.given = lrs_str_c(given);
    l.family = lrs_str_c(family);
    l.dob = lrs_date_from_days(lrs_date_to_days((struct lrs_date){2008, 1, 1}) +
                               (int32_t)(n % 2500));
    l.gender = (enum lrs_gender)(1 + n % 2);
    if (lrs_postcode_parse(lrs_str_c(pc), &l.postcode, NULL))
        memset(&l.postcode, 0, sizeof l.postcode);
    return l;
}

static void *reader(void *arg)
{
    struct shared *sh = arg;
    struct lrs_match_result res;
    unsigned n = 0;

    lrs_match_result_init(&res);
    while (!atomic_load(&sh->done) || n < 500) {
        char g[16], f[24], pc[12];
        const unsigned k = (n * 7919u) % T_BASE;
        const struct lrs_match_learner l = t_learner(k, g, f, pc);
        struct lrs_match_query q;

        memset(&q, 0, sizeof q);
        q.given = l.given;
        q.family = l.family;
        q.dob = l.dob;
        q.gender = l.gender;
        q.postcode = l.postcode;
        if (lrs_match_index_find(sh->idx, &q, &res, NULL))
            atomic_fetch_add(&sh->failures, 1);
        else if (res.code != LRS_MATCH_EXACT || res.candidates[0].uln != l.uln)
            atomic_fetch_add(&sh->wrong, 1);
        atomic_fetch_add(&sh->finds, 1);
        n++;
    }
    lrs_match_result_release(&res);
    return NULL;
}

static void *writer(void *arg)
{
    struct shared *sh = arg;

    for (unsigned n = T_BASE; n < T_BASE + T_INSERTS; n++) {
        char g[16], f[24], pc[12];
        const struct lrs_match_learner l = t_learner(n, g, f, pc);

        if (lrs_match_index_insert(sh->idx, &l, NULL, NULL))
            atomic_fetch_add(&sh->failures, 1);
    }
    atomic_store(&sh->done, true);
    return NULL;
}

/*
 * The documented locking (lrs/match.h): finds share the lock, an insert
 * takes it exclusively, so finds never see a half-grown index. Run under
 * the sanitizer build, where a stale pointer after a re-link would show.
 */
static void test_index__finds_while_inserting(void **state)
{
    struct shared sh;
    pthread_t r[T_READERS], w;
    struct lrs_match_stats st;

    (void)state;
    memset(&sh, 0, sizeof sh);
    atomic_init(&sh.done, false);
    assert_int_equal(lrs_match_index_new(NULL, 0, &sh.idx), LRS_OK);
    for (unsigned n = 0; n < T_BASE; n++) {
        char g[16], f[24], pc[12];
        const struct lrs_match_learner l = t_learner(n, g, f, pc);

        assert_int_equal(lrs_match_index_insert(sh.idx, &l, NULL, NULL),
                         LRS_OK);
    }
    for (int i = 0; i < T_READERS; i++)
        assert_int_equal(pthread_create(&r[i], NULL, reader, &sh), 0);
    assert_int_equal(pthread_create(&w, NULL, writer, &sh), 0);
    assert_int_equal(pthread_join(w, NULL), 0);
    for (int i = 0; i < T_READERS; i++)
        assert_int_equal(pthread_join(r[i], NULL), 0);
    assert_int_equal(atomic_load(&sh.failures), 0);
    assert_int_equal(atomic_load(&sh.wrong), 0);
    assert_true(atomic_load(&sh.finds) >= T_READERS * 500);
    lrs_match_index_stats(sh.idx, &st);
    assert_int_equal(st.learners, T_BASE + T_INSERTS);
    assert_int_equal(st.finds, atomic_load(&sh.finds));
    fx_assert_sane(sh.idx);
    lrs_match_index_free(sh.idx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index__insert_and_lookup),
        cmocka_unit_test(test_index__growth_keeps_invariants),
        cmocka_unit_test(test_index__update_rekeys),
        cmocka_unit_test(test_index__merge_answers_master),
        cmocka_unit_test(test_index__bytes_per_learner),
        cmocka_unit_test(test_index__static_and_dynamic_parts),
        cmocka_unit_test(test_index__oom_loop),
        cmocka_unit_test(test_index__finds_while_inserting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
