/*
 * test_crash.c - crash safety and multi-process ULN uniqueness on SQLite
 * (SQLite's test6.c idea, with real processes and SIGKILL).
 *
 * - Registrations: a child registers learners one by one through the
 *   service layer and reports each ULN on a pipe after its commit
 *   returned (an acknowledged write). The parent kills it with SIGKILL
 *   at a random moment, reopens the store, and checks that every
 *   acknowledged ULN is there, that each learner has exactly its audit
 *   row (nothing half-written), and that ULNs issued across every
 *   restart never repeat.
 * - Import: a child imports a large file in one transaction and is
 *   killed mid-way: afterwards the register holds none of it or all of
 *   it, never part.
 * - Processes: several processes register at once on one file; every
 *   ULN they are handed is distinct.
 */
#include "testutil.h"

#include "factory.h"

#include <lrs/service.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const struct lrs_actor actor = {0, 0, "test", NULL};

static void learner(struct lrs_learner *l, int i)
{
    lrs_learner_init(l);
    snprintf(l->given_name, sizeof l->given_name, "Given%d", i);
    snprintf(l->family_name, sizeof l->family_name, "Family");
    snprintf(l->postcode, sizeof l->postcode, "M1 1AE");
    l->date_of_birth = (struct lrs_date){2010, 1, (uint8_t)(1 + i % 28)};
    l->gender = LRS_GENDER_MALE;
}

/* Child: register forever, writing each committed ULN to fd. */
static _Noreturn void registrar(int fd, int limit)
{
    struct lrs_store *s = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_store_open(factory_url(), 0, &s, &d))
        _exit(3);
    for (int i = 0; limit == 0 || i < limit; i++) {
        struct lrs_learner l;
        enum lrs_err err;

        learner(&l, i);
        do
            err = lrs_service_learner_register(s, &actor, &l, &d);
        while (err == LRS_EBUSY);
        if (err)
            _exit(4);
        if (write(fd, l.uln, LRS_ULN_LEN) != LRS_ULN_LEN)
            _exit(5);
    }
    lrs_store_free(s);
    _exit(0);
}

/* Read ULNs from fd into ulns (each 10 bytes) until `want` or EOF. */
static size_t read_ulns(int fd, char *ulns, size_t have, size_t want)
{
    while (have < want) {
        ssize_t n = read(fd, ulns + have * LRS_ULN_LEN, LRS_ULN_LEN);

        if (n <= 0)
            break;
        assert_int_equal(n, LRS_ULN_LEN);
        have++;
    }
    return have;
}

static int cmp10(const void *a, const void *b)
{
    return memcmp(a, b, LRS_ULN_LEN);
}

struct count {
    uint64_t audit_register, audit_import;
};

static enum lrs_err on_audit(const struct lrs_audit *a, void *ctx)
{
    struct count *c = ctx;

    c->audit_register += a->action == LRS_AUDIT_REGISTER;
    c->audit_import += a->action == LRS_AUDIT_IMPORT;
    return LRS_OK;
}

#define ROUNDS   5
#define MAX_ACKS 20000

static void test_crash__killed_registrations_lose_nothing(void **state)
{
    struct lrs_store *s = factory_new_store();
    static char acked[MAX_ACKS * LRS_ULN_LEN];
    size_t n = 0;

    (void)state;
    lrs_store_free(s);
    srand((unsigned)time(NULL));
    for (int round = 0; round < ROUNDS; round++) {
        int p[2], status;
        pid_t pid;
        const size_t want = n + 20 + (size_t)(rand() % 200);

        assert_int_equal(pipe(p), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(p[0]);
            registrar(p[1], 0);
        }
        close(p[1]);
        n = read_ulns(p[0], acked, n, want);
        /* Kill it in the middle of whatever it is doing now. */
        kill(pid, SIGKILL);
        n = read_ulns(p[0], acked, n, MAX_ACKS);
        close(p[0]);
        waitpid(pid, &status, 0);
        assert_true(WIFSIGNALED(status));

        s = factory_connect();
        for (size_t i = 0; i < n; i++) {
            char uln[LRS_ULN_SIZE];
            struct lrs_learner got;

            memcpy(uln, acked + i * LRS_ULN_LEN, LRS_ULN_LEN);
            uln[LRS_ULN_LEN] = '\0';
            assert_int_equal(lrs_store_learner_get(s, uln, 0, &got), LRS_OK);
        }
        {
            struct lrs_store_stats st;
            struct count c = {0, 0};

            assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
            assert_int_equal(lrs_store_audit_scan(s, NULL, on_audit, &c),
                             LRS_OK);
            /* Acknowledged <= stored <= acknowledged + one in flight per
             * kill so far (committed, killed before it could say so). */
            assert_true(st.learners >= n);
            assert_true(st.learners <= n + (size_t)round + 1);
            assert_int_equal(c.audit_register, st.learners);
        }
        lrs_store_free(s);
    }
    qsort(acked, n < MAX_ACKS ? n : MAX_ACKS, LRS_ULN_LEN, cmp10);
    for (size_t i = 1; i < n; i++)
        assert_true(memcmp(acked + (i - 1) * LRS_ULN_LEN,
                           acked + i * LRS_ULN_LEN, LRS_ULN_LEN) != 0);
}

#define PROCS    4
#define PER_PROC 150

static void test_crash__processes_never_share_a_uln(void **state)
{
    struct lrs_store *s = factory_new_store();
    static char all[PROCS * PER_PROC * LRS_ULN_LEN];
    int fds[PROCS];
    pid_t pids[PROCS];
    size_t n = 0;
    struct lrs_store_stats st;

    (void)state;
    lrs_store_free(s);
    for (int i = 0; i < PROCS; i++) {
        int p[2];

        assert_int_equal(pipe(p), 0);
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            close(p[0]);
            registrar(p[1], PER_PROC);
        }
        close(p[1]);
        fds[i] = p[0];
    }
    for (int i = 0; i < PROCS; i++) {
        int status;
        const size_t before = n;

        n = read_ulns(fds[i], all, n, n + PER_PROC);
        close(fds[i]);
        waitpid(pids[i], &status, 0);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        assert_int_equal(n - before, PER_PROC);
    }
    qsort(all, n, LRS_ULN_LEN, cmp10);
    for (size_t i = 1; i < n; i++)
        assert_true(memcmp(all + (i - 1) * LRS_ULN_LEN, all + i * LRS_ULN_LEN,
                           LRS_ULN_LEN) != 0);
    s = factory_connect();
    assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
    assert_int_equal(st.learners, PROCS * PER_PROC);
    lrs_store_free(s);
}

/* Child: import `csv` (in memory) in one transaction. */
static _Noreturn void importer(const char *csv, size_t len)
{
    struct lrs_store *s = NULL;
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_csv_mem m = {csv, len};

    if (lrs_store_open(factory_url(), 0, &s, &d))
        _exit(3);
    if (lrs_service_import_learners(s, &actor, lrs_csv_mem_read, &m, NULL, NULL,
                                    &d))
        _exit(4);
    lrs_store_free(s);
    _exit(0);
}

static void test_crash__killed_import_is_all_or_nothing(void **state)
{
    const int rows = 60000;
    struct lrs_buf csv = LRS_BUF_INIT;

    (void)state;
    assert_int_equal(lrs_buf_adds(&csv, "uln,given_name,middle_names,"
                                        "family_name,date_of_birth,gender,"
                                        "postcode\n"),
                     LRS_OK);
    for (int i = 0; i < rows; i++)
        assert_int_equal(lrs_buf_addf(&csv,
                                      ",Given%d,,Family,2010-01-%02d,"
                                      "1,M1 1AE\n",
                                      i, 1 + i % 28),
                         LRS_OK);
    for (int round = 0; round < 3; round++) {
        struct lrs_store *s = factory_new_store();
        struct lrs_store_stats st;
        struct count c = {0, 0};
        int status;
        pid_t pid;

        lrs_store_free(s);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            importer(csv.data, csv.len);
        /* 10 ms to about a second: mid-parse, mid-insert or mid-commit. */
        usleep((useconds_t)(10000 + (rand() % 1000) * 1000 * round));
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        s = factory_connect();
        assert_int_equal(lrs_store_stats(s, &st), LRS_OK);
        assert_int_equal(lrs_store_audit_scan(s, NULL, on_audit, &c), LRS_OK);
        assert_true(st.learners == 0 || st.learners == (uint64_t)rows);
        assert_int_equal(c.audit_import, st.learners);
        lrs_store_free(s);
    }
    lrs_buf_release(&csv);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crash__killed_registrations_lose_nothing),
        cmocka_unit_test(test_crash__processes_never_share_a_uln),
        cmocka_unit_test(test_crash__killed_import_is_all_or_nothing),
    };
    int rc;

    factory_setup(argc, argv);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    factory_teardown();
    return rc;
}
