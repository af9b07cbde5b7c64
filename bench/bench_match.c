/*
 * bench_match.c - the match engine at scale: index build rate, memory per
 * learner, single-thread searches per second and their latency
 * percentiles.
 *
 * Usage: bench_match [--synth [--dir DIR] [--seed S] [--db PATH]]
 *                    [--learners N] [--queries N]
 * (default 1,000,000 learners and 100,000 queries; docs/PERFORMANCE.md
 * records runs at --learners 10000000).
 *
 * Without --synth, learners are made up here from syllable tables (2,000
 * family names with a skewed draw, a few hundred given names, birthdays
 * over seven years, postcodes over ~20,000 sectors); queries are copies of
 * register learners with one change each (none, a moved postcode, a typo
 * in the family name, a day/month swap) and one query in five is a new
 * person.
 *
 * With --synth, the register and the queries are those of `lrs synth`
 * (lib/synth: realistic name frequencies, households with twins and
 * siblings, real-shaped postcodes, corrupted queries with a truth file),
 * written by lrs_synth_write() into DIR (kept, and read again by the next
 * run with the same DIR when DIR/learners.csv exists) or into a temporary
 * directory that is removed. The files are read into memory before the
 * clock starts; the false, missed and review counts against the truth are
 * printed beside the speed.
 *
 * With --db PATH the index is built from an SQLite register by
 * lrs_service_index_load(), as `lrs find --db` and `lrs batch` build it:
 * PATH is created from DIR/learners.csv (lrs_service_import_learners, not
 * timed) when it does not exist, and kept.
 *
 * Either way it prints a digest of every answer (code and candidate ULNs),
 * so two builds can be shown to decide the same on the same population.
 */
#include "bench.h"

#include <lrs/lrs.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
    /* xorshift64* (Vigna, 2016). */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1du;
}

static unsigned below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/*
 * Skewed draw in [0, n): small indexes far more often, so the commonest
 * of 2,000 family names is held by about 2% of learners (Smith: 1.3% of
 * people in England and Wales).
 */
static unsigned skewed(unsigned n)
{
    const double u = (double)(rnd() >> 11) / 9007199254740992.0;

    return (unsigned)((double)n * u * u);
}

static const char *const heads[] = {
    "Ash", "Bal",   "Car",  "Dal",  "Ever", "Fair", "Gold", "Hart", "Ing",
    "Jar", "Kel",   "Lang", "Mor",  "Nor",  "Okon", "Pat",  "Quin", "Rad",
    "Sal", "Thorn", "Up",   "Vel",  "Wal",  "Yar",  "Zel",  "Brad", "Crom",
    "Dun", "Ellis", "Fitz", "Gar",  "Hol",  "Kha",  "Lind", "Mac",  "New",
    "Os",  "Pem",   "Ros",  "Shar", "Tal",  "Whit", "Ad",   "Ben",  "Chau",
    "Dev", "Eg",    "Fen",  "Gil",  "Ham",
};
static const char *const tails[] = {
    "ton",   "ley", "wood", "field", "er",  "son",   "ford", "well",
    "by",    "ham", "wick", "man",   "den", "ridge", "more", "worth",
    "hurst", "ow",  "ay",   "ski",   "ova", "ini",   "ez",   "an",
    "el",    "ar",  "is",   "ian",   "ock", "ade",   "ith",  "ers",
    "ings",  "ell", "ane",  "ope",   "ute", "arn",   "ent",  "oy",
};
static const char *const given_heads[] = {
    "Al", "Be", "Ca", "Da", "El", "Fa", "Ga", "Ha", "Is",
    "Ja", "Ka", "La", "Ma", "Na", "Ol", "Pa", "Ra", "Sa",
    "Ta", "Va", "Wi", "Ya", "Zo", "Ch", "Ju",
};
static const char *const given_tails[] = {
    "mir", "ra",  "ly",  "na",  "ven", "thur", "cob", "ssa",
    "rry", "mie", "lia", "nah", "bel", "den",  "ion", "ric",
};

#define N_HEADS (sizeof heads / sizeof heads[0])
#define N_TAILS (sizeof tails / sizeof tails[0])

struct person {
    char given[32], family[32], postcode[12];
    struct lrs_date dob;
    int gender;
};

static void make_person(struct person *p)
{
    const unsigned f = skewed((unsigned)(N_HEADS * N_TAILS));
    const unsigned g = skewed(25 * 16);

    snprintf(p->family, sizeof p->family, "%s%s", heads[f % N_HEADS],
             tails[f / N_HEADS]);
    snprintf(p->given, sizeof p->given, "%s%s", given_heads[g % 25],
             given_tails[g / 25]);
    p->dob =
        lrs_date_from_days(lrs_date_to_days((struct lrs_date){2007, 1, 1}) +
                           (int32_t)below(7 * 365));
    p->gender = 1 + (int)below(2);
    snprintf(p->postcode, sizeof p->postcode, "%c%c%u %u%c%c", 'A' + below(20),
             'A' + below(20), 1 + below(50), below(10),
             "ABDEFGHJLNPQRSTUWXYZ"[below(20)],
             "ABDEFGHJLNPQRSTUWXYZ"[below(20)]);
}

/* The nth valid ULN. */
static uint64_t uln_of(unsigned n)
{
    uint64_t base = 100000000u + (uint64_t)n * 7u;

    for (;; base++) {
        char d[10];
        int c;

        snprintf(d, sizeof d, "%09llu", (unsigned long long)base);
        c = lrs_uln_check_digit(d);
        if (c >= 0)
            return base * 10u + (uint64_t)c;
    }
}

static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

/* Change one thing about a copy of a register learner. */
static void corrupt(struct person *p, unsigned kind)
{
    size_t n;

    switch (kind) {
    case 1: /* moved */
        snprintf(p->postcode, sizeof p->postcode, "ZA%u 1AB", 1 + below(9));
        break;
    case 2: /* a typo in the family name */
        n = strlen(p->family);
        p->family[1 + below((unsigned)n - 1)] = 'q';
        break;
    case 3: /* day and month swapped, when that is a date */
        if (p->dob.day <= 12) {
            const uint8_t d = p->dob.day;

            p->dob.day = p->dob.month;
            p->dob.month = d;
        }
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------------------ */
/* A population held in memory: learners and queries as text          */
/* ------------------------------------------------------------------ */

/* Text fields of a record: offsets into the population's text. */
enum { T_GIVEN, T_MIDDLE, T_FAMILY, T_PREFERRED, T_PREVIOUS, T_POSTCODE, T__N };

struct rec {
    uint64_t uln; /* the learner's; for a query, the truth's (0: none) */
    uint32_t off[T__N];
    uint16_t len[T__N];
    struct lrs_date dob;
    uint8_t gender;
};

struct pop {
    struct rec *learners, *queries;
    size_t learner_count, query_count;
    char *text;
    size_t text_len, text_cap;
};

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);

    if (!q) {
        fprintf(stderr, "bench_match: cannot allocate %zu bytes\n", n);
        exit(1);
    }
    return q;
}

static void put_text(struct pop *pop, struct rec *r, int t, struct lrs_str s)
{
    if (s.len > UINT16_MAX)
        s.len = UINT16_MAX;
    if (pop->text_len + s.len > pop->text_cap) {
        pop->text_cap = (pop->text_cap + s.len) * 2;
        pop->text = xrealloc(pop->text, pop->text_cap);
    }
    if (pop->text_len + s.len > UINT32_MAX) {
        fprintf(stderr, "bench_match: more than 4 GB of names\n");
        exit(1);
    }
    memcpy(pop->text + pop->text_len, s.ptr, s.len);
    r->off[t] = (uint32_t)pop->text_len;
    r->len[t] = (uint16_t)s.len;
    pop->text_len += s.len;
}

static struct lrs_str get_text(const struct pop *pop, const struct rec *r,
                               int t)
{
    return (struct lrs_str){pop->text + r->off[t], r->len[t]};
}

static uint64_t uln_value(struct lrs_str s)
{
    uint64_t v = 0;

    for (size_t i = 0; i < s.len; i++)
        v = v * 10 + (uint64_t)(s.ptr[i] - '0');
    return v;
}

/* The columns of a CSV file that `lrs synth` writes, by name. */
struct cols {
    const char *names[T__N + 3]; /* NULL: not in this file */
};

enum { C_ULN = T__N, C_DOB, C_GENDER };

/* Read DIR/NAME: one rec per row into *out (grown with realloc). */
static size_t read_csv(struct pop *pop, const char *dir, const char *name,
                       const struct cols *want, struct rec **out)
{
    char path[4096];
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_csv *c;
    struct lrs_csv_record r;
    struct lrs_csv_opts o = {.name = name};
    int at[T__N + 3];
    size_t n = 0, cap = 0;
    bool eof, header = true;
    int fd;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    fd = open(path, O_RDONLY);
    if (fd < 0 || lrs_csv_new(lrs_fd_read, &fd, &o, &c)) {
        fprintf(stderr, "bench_match: cannot read %s\n", path);
        exit(1);
    }
    for (;;) {
        struct rec *x;

        if (lrs_csv_next(c, &r, &eof, &d)) {
            fprintf(stderr, "bench_match: %s\n", d.msg);
            exit(1);
        }
        if (eof)
            break;
        if (header) {
            for (int k = 0; k < T__N + 3; k++) {
                at[k] = -1;
                for (size_t i = 0; want->names[k] && i < r.count; i++)
                    if (lrs_str_eq(r.fields[i], lrs_str_c(want->names[k])))
                        at[k] = (int)i;
                if (want->names[k] && at[k] < 0) {
                    fprintf(stderr, "bench_match: %s has no column %s\n", path,
                            want->names[k]);
                    exit(1);
                }
            }
            header = false;
            continue;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 1u << 16;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        x = &(*out)[n++];
        memset(x, 0, sizeof *x);
        for (int k = 0; k < T__N; k++)
            if (at[k] >= 0)
                put_text(pop, x, k, r.fields[at[k]]);
        if (at[C_ULN] >= 0)
            x->uln = uln_value(r.fields[at[C_ULN]]);
        if (at[C_DOB] >= 0 && r.fields[at[C_DOB]].len &&
            lrs_date_parse(r.fields[at[C_DOB]], 0, NULL, &x->dob, NULL))
            memset(&x->dob, 0, sizeof x->dob);
        if (at[C_GENDER] >= 0 && r.fields[at[C_GENDER]].len)
            x->gender = (uint8_t)(r.fields[at[C_GENDER]].ptr[0] - '0');
    }
    lrs_csv_free(c);
    close(fd);
    return n;
}

static const struct cols learner_cols = {
    {"given_name", "middle_names", "family_name", "preferred_given_name",
     "previous_family_name", "postcode", "uln", "date_of_birth", "gender"},
};
static const struct cols query_cols = {
    {"given_name", "middle_names", "family_name", NULL, NULL, "postcode", NULL,
     "date_of_birth", "gender"},
};
static const struct cols truth_cols = {
    {NULL, NULL, NULL, NULL, NULL, NULL, "uln", NULL, NULL},
};

static bool exists(const char *dir, const char *name)
{
    char path[4096];
    struct stat st;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

static void remove_dir(const char *dir)
{
    static const char *const names[] = {"learners.csv", "queries.csv",
                                        "truth.csv"};
    char path[4096];

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        remove(path);
    }
    rmdir(dir);
}

/* The register and queries of `lrs synth`, generated or read again. */
static void synth_population(struct pop *pop, const char *dir, unsigned n,
                             unsigned queries, uint64_t seed)
{
    struct rec *truth = NULL;
    size_t tn;
    uint64_t t0 = bench_now_ns();

    if (!exists(dir, "learners.csv")) {
        const struct lrs_synth_opts o = {
            .learner_count = n, .query_count = queries, .seed = seed};
        struct lrs_diag d = LRS_DIAG_INIT;

        if (lrs_synth_write(&o, dir, NULL, &d)) {
            fprintf(stderr, "bench_match: synth: %s\n", d.msg);
            exit(1);
        }
        printf("synth: %u learners, %u queries, seed %llu, in %.1f s\n", n,
               queries, (unsigned long long)seed,
               (double)(bench_now_ns() - t0) / 1e9);
    } else {
        printf("synth: reading %s/learners.csv (generated earlier)\n", dir);
    }
    t0 = bench_now_ns();
    pop->learner_count =
        read_csv(pop, dir, "learners.csv", &learner_cols, &pop->learners);
    pop->query_count =
        read_csv(pop, dir, "queries.csv", &query_cols, &pop->queries);
    tn = read_csv(pop, dir, "truth.csv", &truth_cols, &truth);
    if (tn != pop->query_count) {
        fprintf(stderr, "bench_match: truth.csv and queries.csv differ\n");
        exit(1);
    }
    for (size_t i = 0; i < tn; i++)
        pop->queries[i].uln = truth[i].uln;
    free(truth);
    printf("synth: read %zu learners and %zu queries in %.1f s\n",
           pop->learner_count, pop->query_count,
           (double)(bench_now_ns() - t0) / 1e9);
}

/* The made-up population of this file (the header comment). */
static void made_up_population(struct pop *pop, unsigned n, unsigned queries)
{
    struct person *people = calloc(n, sizeof *people);

    if (!people) {
        fprintf(stderr, "bench_match: cannot allocate\n");
        exit(1);
    }
    for (unsigned i = 0; i < n; i++)
        make_person(&people[i]);
    pop->learners = xrealloc(NULL, (size_t)n * sizeof *pop->learners);
    pop->queries = xrealloc(NULL, (size_t)queries * sizeof *pop->queries);
    pop->learner_count = n;
    pop->query_count = queries;
    for (unsigned i = 0; i < n + queries; i++) {
        const bool learner = i < n;
        const unsigned q = i - n;
        struct person p;
        struct rec *r = learner ? &pop->learners[i] : &pop->queries[q];

        if (learner) {
            p = people[i];
        } else if (q % 5 == 4) {
            make_person(&p);
        } else {
            p = people[below(n)];
            corrupt(&p, q % 4);
        }
        memset(r, 0, sizeof *r);
        r->uln = learner ? uln_of(i) : 0;
        put_text(pop, r, T_GIVEN, lrs_str_c(p.given));
        put_text(pop, r, T_FAMILY, lrs_str_c(p.family));
        put_text(pop, r, T_POSTCODE, lrs_str_c(p.postcode));
        r->dob = p.dob;
        r->gender = (uint8_t)p.gender;
    }
    free(people);
}

static void parse_postcode(struct lrs_str text, struct lrs_postcode *pc)
{
    memset(pc, 0, sizeof *pc);
    if (text.len && lrs_postcode_parse(text, pc, NULL))
        memset(pc, 0, sizeof *pc);
}

static void to_match_learner(const struct pop *pop, const struct rec *r,
                             struct lrs_match_learner *l)
{
    memset(l, 0, sizeof *l);
    l->uln = r->uln;
    l->given = get_text(pop, r, T_GIVEN);
    l->middle = get_text(pop, r, T_MIDDLE);
    l->family = get_text(pop, r, T_FAMILY);
    l->preferred = get_text(pop, r, T_PREFERRED);
    l->former[0] = get_text(pop, r, T_PREVIOUS);
    l->dob = r->dob;
    l->gender = (enum lrs_gender)r->gender;
    parse_postcode(get_text(pop, r, T_POSTCODE), &l->postcode);
}

static void to_match_query(const struct pop *pop, const struct rec *r,
                           struct lrs_match_query *q)
{
    memset(q, 0, sizeof *q);
    q->given = get_text(pop, r, T_GIVEN);
    q->middle = get_text(pop, r, T_MIDDLE);
    q->middle_known = true; /* a record, as `lrs find --csv` reads it */
    q->family = get_text(pop, r, T_FAMILY);
    q->dob = r->dob;
    q->gender = (enum lrs_gender)r->gender;
    parse_postcode(get_text(pop, r, T_POSTCODE), &q->postcode);
}

/* ------------------------------------------------------------------ */
/* Arguments                                                          */
/* ------------------------------------------------------------------ */

struct args {
    unsigned learners, queries;
    bool synth;
    const char *dir;
    const char *db;
    uint64_t seed;
};

static bool number(const char *v, unsigned long long max,
                   unsigned long long *out)
{
    char *end;
    const unsigned long long x = strtoull(v, &end, 10);

    if (end == v || *end || x > max)
        return false;
    *out = x;
    return true;
}

/* A bare number is the learners. */
static bool parse_args(int argc, char **argv, struct args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        unsigned long long x;

        if (strcmp(o, "--synth") == 0) {
            a->synth = true;
        } else if (strcmp(o, "--dir") == 0 && i + 1 < argc) {
            a->dir = argv[++i];
        } else if (strcmp(o, "--db") == 0 && i + 1 < argc) {
            a->db = argv[++i];
        } else if (strcmp(o, "--seed") == 0 && i + 1 < argc) {
            if (!number(argv[++i], UINT64_MAX, &x))
                return false;
            a->seed = x;
        } else if ((strcmp(o, "--learners") == 0 ||
                    strcmp(o, "--queries") == 0) &&
                   i + 1 < argc) {
            if (!number(argv[++i], 100000000u, &x) || x == 0)
                return false;
            *(o[2] == 'q' ? &a->queries : &a->learners) = (unsigned)x;
        } else if (number(o, 100000000u, &x) && x > 0) {
            a->learners = (unsigned)x;
        } else {
            return false;
        }
    }
    return a->synth || (!a->dir && !a->db);
}

/* The register at `db`, made from DIR/learners.csv when it is missing. */
static struct lrs_store *open_register(const char *db, const char *dir)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    struct lrs_store *s = NULL;
    struct stat st;

    if (stat(db, &st) != 0) {
        const struct lrs_actor actor = LRS_ACTOR_CLI;
        struct lrs_import_opts io = {0};
        struct lrs_import_result ir;
        char path[4096];
        const uint64_t t0 = bench_now_ns();
        int fd;

        snprintf(path, sizeof path, "%s/learners.csv", dir);
        fd = open(path, O_RDONLY);
        io.name = path;
        if (fd < 0 ||
            lrs_store_open(
                db, LRS_STORE_OPEN_CREATE | LRS_STORE_OPEN_NO_SCHEMA_CHECK, &s,
                &d) != LRS_OK ||
            lrs_store_init(s, NULL) != LRS_OK ||
            lrs_service_import_learners(s, &actor, lrs_fd_read, &fd, &io, &ir,
                                        &d) != LRS_OK) {
            fprintf(stderr, "bench_match: %s: %s\n", db, d.msg);
            exit(1);
        }
        close(fd);
        printf("register: imported %s into %s in %.1f s\n", path, db,
               (double)(bench_now_ns() - t0) / 1e9);
        return s;
    }
    if (lrs_store_open(db, 0, &s, &d) != LRS_OK) {
        fprintf(stderr, "bench_match: %s: %s\n", db, d.msg);
        exit(1);
    }
    return s;
}

/* ------------------------------------------------------------------ */
/* The run                                                            */
/* ------------------------------------------------------------------ */

/* FNV-1a over the bytes of v: the digest of the answers. */
static uint64_t digest(uint64_t h, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        h ^= (v >> (8 * i)) & 0xff;
        h *= 0x100000001b3u;
    }
    return h;
}

/* Against the truth: links (WSRC0004, WSRC0022) and reviews. */
struct tally {
    uint64_t queries, matchable, true_links, false_links, missed, reviews;
};

static void count(struct tally *t, const struct rec *q,
                  const struct lrs_match_result *res)
{
    const bool link =
        res->code == LRS_MATCH_EXACT || res->code == LRS_MATCH_LINKED;

    t->queries++;
    t->matchable += q->uln != 0;
    if (link && q->uln && res->candidates[0].uln == q->uln)
        t->true_links++;
    else if (link)
        t->false_links++;
    if (res->code == LRS_MATCH_POSSIBLE || res->code == LRS_MATCH_TOO_MANY)
        t->reviews++;
    if (res->code == LRS_MATCH_NONE && q->uln)
        t->missed++;
}

/* CPU time of this thread: on a shared machine the steadier figure. */
static uint64_t cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double pct(uint64_t a, uint64_t b)
{
    return b ? 100.0 * (double)a / (double)b : 0.0;
}

int main(int argc, char **argv)
{
    struct args a = {1000000u, 100000u, false, NULL, NULL, 1};
    struct pop pop = {0};
    char tmp[] = "/tmp/lrs-bench-match-XXXXXX";
    uint64_t *lat;
    struct lrs_match_index *idx;
    struct lrs_match_result res;
    struct lrs_match_stats st;
    struct tally tally = {0};
    struct rusage ru;
    uint64_t t0, c0, codes[23] = {0}, hash = 0xcbf29ce484222325u;
    uint64_t scored = 0, probed = 0, pruned = 0;
    size_t n, queries;

    if (!parse_args(argc, argv, &a)) {
        fprintf(stderr, "usage: bench_match [--synth [--dir DIR] [--seed S]] "
                        "[--learners N] [--queries N]\n");
        return 2;
    }
    if (a.synth) {
        const char *dir = a.dir;

        if (!dir && !mkdtemp(tmp)) {
            perror("bench_match: mkdtemp");
            return 1;
        }
        synth_population(&pop, dir ? dir : tmp, a.learners, a.queries, a.seed);
        if (!dir)
            remove_dir(tmp);
    } else {
        made_up_population(&pop, a.learners, a.queries);
    }
    n = pop.learner_count;
    queries = pop.query_count;
    lat = calloc(queries ? queries : 1, sizeof *lat);
    if (!lat) {
        fprintf(stderr, "bench_match: cannot allocate\n");
        return 1;
    }
    if (a.db) {
        struct lrs_store *s = open_register(a.db, a.dir ? a.dir : tmp);
        struct lrs_diag d = LRS_DIAG_INIT;

        t0 = bench_now_ns();
        c0 = cpu_ns();
        if (lrs_service_index_load(s, NULL, &idx, &d)) {
            fprintf(stderr, "bench_match: index load: %s\n", d.msg);
            return 1;
        }
        lrs_match_index_stats(idx, &st);
        bench_report("match index load from the store", st.learners,
                     bench_now_ns() - t0);
        bench_report("match index load from the store (CPU)", st.learners,
                     cpu_ns() - c0);
        lrs_store_free(s);
        n = st.learners;
        goto built;
    }
    /* The store loader knows the count; so does this. */
    if (lrs_match_index_new(NULL, n, &idx)) {
        fprintf(stderr, "bench_match: cannot create the index\n");
        return 1;
    }
    t0 = bench_now_ns();
    c0 = cpu_ns();
    for (size_t i = 0; i < n; i++) {
        struct lrs_match_learner l;
        struct lrs_diag d = LRS_DIAG_INIT;

        to_match_learner(&pop, &pop.learners[i], &l);
        if (lrs_match_index_insert(idx, &l, NULL, &d)) {
            fprintf(stderr, "bench_match: insert %zu failed: %s: %s\n", i,
                    d.field, d.msg);
            return 1;
        }
    }
    bench_report("match index insert", n, bench_now_ns() - t0);
    bench_report("match index insert (CPU time)", n, cpu_ns() - c0);
    {
        const uint64_t t1 = bench_now_ns(), c1 = cpu_ns();

        if (lrs_match_index_build(idx)) {
            fprintf(stderr, "bench_match: cannot build the index\n");
            return 1;
        }
        printf("match index build (blocking table): %.2f s, CPU %.2f s\n",
               (double)(bench_now_ns() - t1) / 1e9,
               (double)(cpu_ns() - c1) / 1e9);
        bench_report("match index insert + build", n, bench_now_ns() - t0);
        bench_report("match index insert + build (CPU time)", n, cpu_ns() - c0);
    }
built:
    lrs_match_index_stats(idx, &st);
    printf("match index: %llu learners, %llu names, %llu keys, "
           "%.1f bytes/learner\n",
           (unsigned long long)st.learners, (unsigned long long)st.names,
           (unsigned long long)st.keys, (double)st.bytes / (double)n);

    lrs_match_result_init(&res);
    t0 = bench_now_ns();
    c0 = cpu_ns();
    for (size_t i = 0; i < queries; i++) {
        struct lrs_match_query q;
        uint64_t s;

        to_match_query(&pop, &pop.queries[i], &q);
        s = bench_now_ns();
        if (lrs_match_index_find(idx, &q, &res, NULL)) {
            fprintf(stderr, "bench_match: find failed\n");
            return 1;
        }
        lat[i] = bench_now_ns() - s;
        codes[res.code]++;
        scored += res.candidates_scored;
        pruned += res.candidates_pruned;
        probed += res.blocks_probed;
        count(&tally, &pop.queries[i], &res);
        hash = digest(hash, (uint64_t)res.code);
        for (size_t c = 0; c < res.candidate_count; c++)
            hash = digest(hash, res.candidates[c].uln);
    }
    bench_report("match find (1 thread)", queries, bench_now_ns() - t0);
    bench_report("match find (1 thread, CPU time)", queries, cpu_ns() - c0);
    qsort(lat, queries, sizeof *lat, cmp_u64);
    if (queries)
        printf("match find latency: p50 %.1f us, p99 %.1f us, "
               "p99.9 %.1f us, max %.1f us\n",
               (double)lat[queries / 2] / 1e3,
               (double)lat[queries * 99 / 100] / 1e3,
               (double)lat[queries * 999 / 1000] / 1e3,
               (double)lat[queries - 1] / 1e3);
    printf("match find codes: WSRC0004 %llu, WSRC0022 %llu, WSRC0003 %llu, "
           "WSRC0002 %llu, WSRC0001 %llu\n",
           (unsigned long long)codes[LRS_MATCH_EXACT],
           (unsigned long long)codes[LRS_MATCH_LINKED],
           (unsigned long long)codes[LRS_MATCH_POSSIBLE],
           (unsigned long long)codes[LRS_MATCH_TOO_MANY],
           (unsigned long long)codes[LRS_MATCH_NONE]);
    printf("match find digest: %016llx\n", (unsigned long long)hash);
    printf("match find: %.1f blocks probed and %.1f candidates scored a "
           "query, %.1f of them only by their bound\n",
           queries ? (double)probed / (double)queries : 0.0,
           queries ? (double)scored / (double)queries : 0.0,
           queries ? (double)pruned / (double)queries : 0.0);
    if (a.synth)
        printf("match find quality: false links %.3f%% of queries, missed "
               "%.3f%% of matchable, reviews %.2f%%\n",
               pct(tally.false_links, tally.queries),
               pct(tally.missed, tally.matchable),
               pct(tally.reviews, tally.queries));
    lrs_match_index_stats(idx, &st);
    printf("match find: %llu oversized blocks\n",
           (unsigned long long)st.blocks_oversized);
    if (!getenv("BENCH_MATCH_NO_TRAIN")) {
        struct lrs_match_model model;
        struct lrs_match_train_report rep;

        t0 = bench_now_ns();
        if (lrs_match_model_estimate(idx, NULL, &model, &rep, NULL)) {
            fprintf(stderr, "bench_match: training failed\n");
            return 1;
        }
        printf("match train: %.2f s (%llu random pairs, %llu blocked pairs "
               "of %llu learners, %u EM iterations)\n",
               (double)(bench_now_ns() - t0) / 1e9,
               (unsigned long long)rep.u_pairs,
               (unsigned long long)rep.em_pairs,
               (unsigned long long)rep.em_learners, rep.iterations);
    }
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        printf("peak RSS: %.0f MB (population and index)\n",
               (double)ru.ru_maxrss / 1024.0);
    lrs_match_result_release(&res);
    lrs_match_index_free(idx);
    if (a.synth && !a.dir)
        remove_dir(tmp);
    free(pop.learners);
    free(pop.queries);
    free(pop.text);
    free(lat);
    return 0;
}
