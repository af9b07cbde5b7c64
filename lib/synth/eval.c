/*
 * eval.c - scoring a matcher's answers against a synthetic truth file.
 *
 * The truth file is read into an id -> row hash table; each distinct kind
 * string ("typo_family+moved") is interned once as a "combo" with its
 * list of component kinds. Each result row is checked, classified and
 * counted against its combo; at the end each combo's counts are added to
 * the overall counts and to each of its kinds, so a row costs one hash
 * lookup whatever its number of kinds.
 *
 * Outcome rules (docs/synth.md): WSRC0004 and WSRC0022 link; a link to
 * the truth ULN is a true link, any other link a false link; WSRC0001 on
 * a query with a truth ULN is a missed link (a duplicate ULN would be
 * issued); WSRC0003 and WSRC0002 are reviews.
 */
#include "base/base.h"

#include "synth/synth_int.h"

#include <lrs/ids.h>

#include <math.h>

/* ------------------------------------------------------------------ */
/* A string -> index hash table                                       */
/* ------------------------------------------------------------------ */

struct slot {
    struct lrs_str key; /* borrowed from the evaluation's arena */
    uint32_t value;
    bool used;
};

struct strmap {
    struct slot *slots; /* owned */
    size_t cap;         /* a power of two, or 0 */
    size_t count;
};

static uint64_t hash(struct lrs_str s)
{
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */

    for (size_t i = 0; i < s.len; i++)
        h = (h ^ (unsigned char)s.ptr[i]) * 0x100000001b3u;
    return h;
}

static struct slot *find_slot(struct slot *slots, size_t cap,
                              struct lrs_str key)
{
    size_t i = (size_t)hash(key) & (cap - 1);

    while (slots[i].used && !lrs_str_eq(slots[i].key, key))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static enum lrs_err map_grow(struct strmap *m)
{
    const size_t cap = m->cap ? m->cap * 2 : 64;
    struct slot *slots = lrs_calloc(cap, sizeof *slots);

    if (!slots)
        return LRS_ERR(LRS_ENOMEM);
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].used)
            *find_slot(slots, cap, m->slots[i].key) = m->slots[i];
    lrs_free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return LRS_OK;
}

/* The slot of `key`: used if present, else where it would go. */
static enum lrs_err map_slot(struct strmap *m, struct lrs_str key,
                             struct slot **out)
{
    if (2 * (m->count + 1) > m->cap) {
        const enum lrs_err err = map_grow(m);

        if (err)
            return err;
    }
    *out = find_slot(m->slots, m->cap, key);
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Evaluation state                                                   */
/* ------------------------------------------------------------------ */

struct row {
    char uln[LRS_ULN_LEN + 1]; /* empty when the query has no match */
    uint32_t combo;            /* index into combos */
    bool seen;                 /* a result was read for it */
    uint64_t line;             /* line in the truth file */
    struct lrs_str id;         /* in the arena */
};

struct combo {
    uint32_t *kinds; /* indexes into kinds, in the arena */
    size_t kind_count;
    struct lrs_eval_counts counts;
};

struct state {
    struct lrs_arena arena;
    struct strmap ids;
    struct strmap combo_map;
    struct strmap kind_map;
    struct row *rows;
    size_t row_count, row_cap;
    struct combo *combos;
    size_t combo_count, combo_cap;
    struct lrs_eval_kind *kinds;
    size_t kind_count, kind_cap;
};

/* Room for one more element of a growable array. */
static enum lrs_err reserve(void **arr, size_t *cap, size_t count, size_t size)
{
    size_t n = *cap ? *cap * 2 : 16, bytes;
    void *p;

    if (count < *cap)
        return LRS_OK;
    if (lrs_mul_size(n, size, &bytes))
        return LRS_ERR(LRS_ENOMEM);
    p = lrs_realloc(*arr, bytes);
    if (!p)
        return LRS_ERR(LRS_ENOMEM);
    *arr = p;
    *cap = n;
    return LRS_OK;
}

static void state_release(struct state *s)
{
    lrs_arena_release(&s->arena);
    lrs_free(s->ids.slots);
    lrs_free(s->combo_map.slots);
    lrs_free(s->kind_map.slots);
    lrs_free(s->rows);
    lrs_free(s->combos);
    for (size_t i = 0; i < s->kind_count; i++)
        lrs_free(s->kinds[i].name);
    lrs_free(s->kinds);
    memset(s, 0, sizeof *s);
}

static enum lrs_err field_error(struct lrs_diag *diag, const struct lrs__csv *c,
                                size_t col, const char *field, const char *rule)
{
    lrs_diag_set(diag, field, "%s line %llu, column %zu (%s): %s", c->name,
                 (unsigned long long)c->line, col, field, rule);
    return LRS_ERR(LRS_EINVAL);
}

static enum lrs_err check_uln(struct lrs_diag *diag, const struct lrs__csv *c,
                              size_t col, const char *field, struct lrs_str uln)
{
    struct lrs_diag d = LRS_DIAG_INIT;

    if (lrs_uln_check(uln, &d) == LRS_OK)
        return LRS_OK;
    return field_error(diag, c, col, field, d.msg);
}

/* ------------------------------------------------------------------ */
/* Truth                                                              */
/* ------------------------------------------------------------------ */

static enum lrs_err intern_kind(struct state *s, struct lrs_str name,
                                uint32_t *out)
{
    struct slot *slot;
    struct lrs_eval_kind *k;
    enum lrs_err err = map_slot(&s->kind_map, name, &slot);

    if (err)
        return err;
    if (slot->used) {
        *out = slot->value;
        return LRS_OK;
    }
    err = reserve((void **)&s->kinds, &s->kind_cap, s->kind_count,
                  sizeof *s->kinds);
    if (err)
        return err;
    k = &s->kinds[s->kind_count];
    memset(k, 0, sizeof *k);
    k->name = lrs_strndup(name.ptr, name.len);
    if (!k->name)
        return LRS_ERR(LRS_ENOMEM);
    slot->key = (struct lrs_str){k->name, name.len};
    slot->value = (uint32_t)s->kind_count++;
    slot->used = true;
    s->kind_map.count++;
    *out = slot->value;
    return LRS_OK;
}

/* The combo of kind string `kind`, made on first sight. */
static enum lrs_err intern_combo(struct state *s, const struct lrs__csv *c,
                                 struct lrs_str kind, uint32_t *out,
                                 struct lrs_diag *diag)
{
    struct slot *slot;
    struct combo *cb;
    size_t parts = 1, at = 0;
    char *text;
    enum lrs_err err = map_slot(&s->combo_map, kind, &slot);

    if (err)
        return err;
    if (slot->used) {
        *out = slot->value;
        return LRS_OK;
    }
    for (size_t i = 0; i < kind.len; i++)
        parts += kind.ptr[i] == '+';
    err = reserve((void **)&s->combos, &s->combo_cap, s->combo_count,
                  sizeof *s->combos);
    if (err)
        return err;
    cb = &s->combos[s->combo_count];
    memset(cb, 0, sizeof *cb);
    text = lrs_arena_strndup(&s->arena, kind.ptr, kind.len);
    cb->kinds = lrs_arena_alloc(&s->arena, parts * sizeof *cb->kinds);
    if (!text || !cb->kinds)
        return LRS_ERR(LRS_ENOMEM);
    for (size_t i = 0; i <= kind.len; i++) {
        if (i < kind.len && kind.ptr[i] != '+')
            continue;
        if (i == at)
            return field_error(diag, c, 3, "kind", "empty kind between '+'");
        err = intern_kind(s, (struct lrs_str){text + at, i - at},
                          &cb->kinds[cb->kind_count++]);
        if (err)
            return err;
        at = i + 1;
    }
    slot->key = (struct lrs_str){text, kind.len};
    slot->value = (uint32_t)s->combo_count++;
    slot->used = true;
    s->combo_map.count++;
    *out = slot->value;
    return LRS_OK;
}

static enum lrs_err truth_row(struct state *s, const struct lrs__csv *c,
                              const struct lrs_str *f, struct lrs_diag *diag)
{
    struct slot *slot;
    struct row *r;
    char *id;
    enum lrs_err err;

    if (f[0].len == 0)
        return field_error(diag, c, 1, "id", "id is missing");
    if (f[1].len && (err = check_uln(diag, c, 2, "uln", f[1])))
        return err;
    if (f[2].len == 0)
        return field_error(diag, c, 3, "kind", "kind is missing");
    err = map_slot(&s->ids, f[0], &slot);
    if (err)
        return err;
    if (slot->used) {
        char rule[80];

        snprintf(rule, sizeof rule, "duplicate id (first on line %llu)",
                 (unsigned long long)s->rows[slot->value].line);
        return field_error(diag, c, 1, "id", rule);
    }
    err =
        reserve((void **)&s->rows, &s->row_cap, s->row_count, sizeof *s->rows);
    if (err)
        return err;
    r = &s->rows[s->row_count];
    memset(r, 0, sizeof *r);
    err = intern_combo(s, c, f[2], &r->combo, diag);
    if (err)
        return err;
    id = lrs_arena_strndup(&s->arena, f[0].ptr, f[0].len);
    if (!id)
        return LRS_ERR(LRS_ENOMEM);
    memcpy(r->uln, f[1].ptr, f[1].len);
    r->line = c->line;
    r->id = (struct lrs_str){id, f[0].len};
    slot->key = r->id;
    slot->value = (uint32_t)s->row_count++;
    slot->used = true;
    s->ids.count++;
    return LRS_OK;
}

static enum lrs_err read_truth(struct state *s, struct lrs__csv *c,
                               struct lrs_diag *diag)
{
    struct lrs_str f[LRS__CSV_MAX_FIELDS];
    size_t n;
    enum lrs_err err = lrs__csv_header(c, "id,uln,kind", diag);

    /* lib/csv holds every record to the header's number of fields. */

    while (!err) {
        err = lrs__csv_next(c, f, LRS__CSV_MAX_FIELDS, &n, diag);
        if (err == LRS_ENOTFOUND)
            return LRS_OK;
        if (!err && s->row_count >= UINT32_MAX)
            err = LRS_ERR(LRS_ELIMIT);
        if (!err)
            err = truth_row(s, c, f, diag);
    }
    return err;
}

/* ------------------------------------------------------------------ */
/* Results                                                            */
/* ------------------------------------------------------------------ */

enum outcome { LINK, REVIEW, NO_MATCH };

static enum lrs_err parse_code(const struct lrs__csv *c, struct lrs_str code,
                               enum outcome *out, struct lrs_diag *diag)
{
    static const struct {
        const char *code;
        enum outcome outcome;
    } codes[] = {
        {"WSRC0004", LINK},   {"WSRC0022", LINK},     {"WSRC0003", REVIEW},
        {"WSRC0002", REVIEW}, {"WSRC0001", NO_MATCH},
    };

    for (size_t i = 0; i < LRS_ARRAY_LEN(codes); i++) {
        if (lrs_str_eq(code, lrs_str_c(codes[i].code))) {
            *out = codes[i].outcome;
            return LRS_OK;
        }
    }
    return field_error(diag, c, 2, "code",
                       "code must be WSRC0001, WSRC0002, WSRC0003, "
                       "WSRC0004 or WSRC0022");
}

/* Check the candidate list; *hit says whether it holds `uln`. */
static enum lrs_err check_candidates(const struct lrs__csv *c,
                                     struct lrs_str list, const char *uln,
                                     bool *hit, struct lrs_diag *diag)
{
    size_t i = 0;

    *hit = false;
    while (i < list.len) {
        size_t j = i;
        struct lrs_str one;
        enum lrs_err err;

        while (j < list.len && list.ptr[j] != ' ')
            j++;
        one = (struct lrs_str){list.ptr + i, j - i};
        if (one.len == 0)
            return field_error(diag, c, 4, "candidates",
                               "candidates must be ULNs separated by one "
                               "space");
        err = check_uln(diag, c, 4, "candidates", one);
        if (err)
            return err;
        *hit = *hit || lrs_str_eq(one, lrs_str_c(uln));
        i = j + 1;
        if (j < list.len && i == list.len)
            return field_error(diag, c, 4, "candidates",
                               "candidates must not end with a space");
    }
    return LRS_OK;
}

static enum lrs_err check_score(const struct lrs__csv *c, struct lrs_str s,
                                struct lrs_diag *diag)
{
    char tmp[64], *end;
    double v;

    if (s.len == 0)
        return LRS_OK;
    if (s.len >= sizeof tmp || s.ptr[0] == ' ')
        return field_error(diag, c, 5, "score", "score must be a number");
    memcpy(tmp, s.ptr, s.len);
    tmp[s.len] = '\0';
    v = strtod(tmp, &end);
    if (*end != '\0' || !isfinite(v))
        return field_error(diag, c, 5, "score", "score must be a number");
    return LRS_OK;
}

static void count(struct lrs_eval_counts *k, const struct row *r,
                  enum outcome o, struct lrs_str uln, bool hit)
{
    const bool matchable = r->uln[0] != '\0';

    k->queries++;
    k->matchable += matchable;
    if (o == LINK) {
        if (matchable && lrs_str_eq(uln, lrs_str_c(r->uln))) {
            k->true_links++;
        } else {
            k->false_links++;
            k->wrong_links += matchable;
        }
    } else if (o == REVIEW) {
        k->reviews++;
        k->review_hits += matchable && hit;
    } else if (matchable) {
        k->missed_links++;
    } else {
        k->true_new++;
    }
}

static enum lrs_err result_row(struct state *s, const struct lrs__csv *c,
                               const struct lrs_str *f, struct lrs_diag *diag)
{
    struct slot *slot;
    struct row *r;
    enum outcome o;
    bool hit;
    enum lrs_err err = map_slot(&s->ids, f[0], &slot);

    if (err)
        return err;
    if (!slot->used)
        return field_error(diag, c, 1, "id", "id is not in the truth file");
    r = &s->rows[slot->value];
    if (r->seen)
        return field_error(diag, c, 1, "id", "a second result for this id");
    err = parse_code(c, f[1], &o, diag);
    if (err)
        return err;
    if (o == LINK && f[2].len == 0)
        return field_error(diag, c, 3, "uln",
                           "a linking code (WSRC0004, WSRC0022) needs a ULN");
    if (f[2].len && (err = check_uln(diag, c, 3, "uln", f[2])))
        return err;
    err = check_candidates(c, f[3], r->uln, &hit, diag);
    if (!err)
        err = check_score(c, f[4], diag);
    if (err)
        return err;
    r->seen = true;
    count(&s->combos[r->combo].counts, r, o, f[2], hit);
    return LRS_OK;
}

static enum lrs_err read_results(struct state *s, struct lrs__csv *c,
                                 struct lrs_diag *diag)
{
    struct lrs_str f[LRS__CSV_MAX_FIELDS];
    size_t n;
    enum lrs_err err = lrs__csv_header(c, "id,code,uln,candidates,score", diag);

    while (!err) {
        err = lrs__csv_next(c, f, LRS__CSV_MAX_FIELDS, &n, diag);
        if (err == LRS_ENOTFOUND)
            break;
        if (!err)
            err = result_row(s, c, f, diag);
    }
    if (err != LRS_ENOTFOUND)
        return err;
    for (size_t i = 0; i < s->row_count; i++) {
        if (!s->rows[i].seen) {
            lrs_diag_set(diag, "id",
                         "id '%.*s' (line %llu of the truth file) has no "
                         "result in %s",
                         (int)(s->rows[i].id.len < 40 ? s->rows[i].id.len : 40),
                         s->rows[i].id.ptr, (unsigned long long)s->rows[i].line,
                         c->name);
            return LRS_ERR(LRS_EINVAL);
        }
    }
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Totals                                                             */
/* ------------------------------------------------------------------ */

static void add(struct lrs_eval_counts *to, const struct lrs_eval_counts *c)
{
    to->queries += c->queries;
    to->matchable += c->matchable;
    to->true_links += c->true_links;
    to->false_links += c->false_links;
    to->wrong_links += c->wrong_links;
    to->missed_links += c->missed_links;
    to->reviews += c->reviews;
    to->review_hits += c->review_hits;
    to->true_new += c->true_new;
}

/* Known kinds in enum order, then the others as first seen. */
static size_t rank(const struct lrs_eval_kind *k, size_t first_seen)
{
    const enum lrs_synth_kind known = lrs_synth_kind_find(lrs_str_c(k->name));

    return known < LRS_SYNTH_KIND__COUNT ? (size_t)known
                                         : LRS_SYNTH_KIND__COUNT + first_seen;
}

static enum lrs_err sort_kinds(struct state *s)
{
    size_t *ranks = lrs_calloc(s->kind_count + 1, sizeof *ranks);

    if (!ranks)
        return LRS_ERR(LRS_ENOMEM);
    for (size_t i = 0; i < s->kind_count; i++)
        ranks[i] = rank(&s->kinds[i], i);
    /* Insertion sort: there are a few dozen kinds at most. */
    for (size_t i = 1; i < s->kind_count; i++) {
        const struct lrs_eval_kind k = s->kinds[i];
        const size_t r = ranks[i];
        size_t j = i;

        for (; j > 0 && ranks[j - 1] > r; j--) {
            s->kinds[j] = s->kinds[j - 1];
            ranks[j] = ranks[j - 1];
        }
        s->kinds[j] = k;
        ranks[j] = r;
    }
    lrs_free(ranks);
    return LRS_OK;
}

static void totals(struct state *s, struct lrs_eval *ev)
{
    for (size_t i = 0; i < s->combo_count; i++) {
        const struct combo *cb = &s->combos[i];

        add(&ev->overall, &cb->counts);
        for (size_t k = 0; k < cb->kind_count; k++)
            add(&s->kinds[cb->kinds[k]].counts, &cb->counts);
    }
}

/* ------------------------------------------------------------------ */
/* Public functions                                                   */
/* ------------------------------------------------------------------ */

void lrs_eval_release(struct lrs_eval *ev)
{
    for (size_t i = 0; i < ev->kind_count; i++)
        lrs_free(ev->kinds[i].name);
    lrs_free(ev->kinds);
    memset(ev, 0, sizeof *ev);
}

enum lrs_err lrs_eval_run(struct lrs_eval *ev, struct lrs_str truth,
                          const char *truth_name, struct lrs_str results,
                          const char *results_name, struct lrs_diag *diag)
{
    struct state s;
    struct lrs__csv tc, rc;
    enum lrs_err err;

    lrs_eval_release(ev);
    memset(&s, 0, sizeof s);
    lrs__csv_init(&tc, truth_name, truth);
    lrs__csv_init(&rc, results_name, results);
    err = read_truth(&s, &tc, diag);
    if (!err)
        err = read_results(&s, &rc, diag);
    if (err)
        goto out;
    /* Sum while combos still index the kinds in first-seen order. */
    totals(&s, ev);
    err = sort_kinds(&s);
    if (err) {
        memset(&ev->overall, 0, sizeof ev->overall);
        goto out;
    }
    ev->kinds = s.kinds;
    ev->kind_count = s.kind_count;
    s.kinds = NULL;
    s.kind_count = 0;
out:
    lrs__csv_release(&tc);
    lrs__csv_release(&rc);
    state_release(&s);
    return err;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

enum lrs_err lrs_eval_files(struct lrs_eval *ev, const char *truth_path,
                            const char *results_path, struct lrs_diag *diag)
{
    struct lrs_buf t = LRS_BUF_INIT, r = LRS_BUF_INIT;
    enum lrs_err err = lrs_file_read(truth_path, &t, diag);

    if (!err)
        err = lrs_file_read(results_path, &r, diag);
    if (!err)
        err = lrs_eval_run(ev, lrs_buf_str(&t), base_name(truth_path),
                           lrs_buf_str(&r), base_name(results_path), diag);
    lrs_buf_release(&t);
    lrs_buf_release(&r);
    return err;
}

static double ratio(uint64_t num, uint64_t den)
{
    return den ? (double)num / (double)den : NAN;
}

void lrs_eval_rates_of(const struct lrs_eval_counts *c,
                       struct lrs_eval_rates *out)
{
    out->false_link = ratio(c->false_links, c->queries);
    out->missed_link = ratio(c->missed_links, c->matchable);
    out->review = ratio(c->reviews, c->queries);
    out->precision = ratio(c->true_links, c->true_links + c->false_links);
    out->recall = ratio(c->true_links, c->matchable);
    out->recall_review = ratio(c->true_links + c->review_hits, c->matchable);
    if (isnan(out->precision) || isnan(out->recall))
        out->f1 = NAN;
    else if (out->precision + out->recall == 0)
        out->f1 = 0;
    else
        out->f1 =
            2 * out->precision * out->recall / (out->precision + out->recall);
}
