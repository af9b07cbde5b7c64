/*
 * roster.c - reading a pupil roster CSV strictly, and writing it back.
 *
 * The CSV reader (lib/csv) checks the syntax; this file maps the header to
 * the documented columns and checks each cell that has a format (date of
 * birth, sex, NC year, enrolment status), then refuses a UPN that appears
 * twice. Every cell is kept twice in the roster's arena: exactly as read,
 * for writing back unchanged, and trimmed, for the pupil view. The first
 * problem found is the one reported, in file order.
 */
#include "base/base.h"

#include "school/school_int.h"

#include <lrs/csv.h>
#include <lrs/text.h>

#include <fcntl.h>
#include <unistd.h>

/* Column names, in enum order (docs/school.md). */
static const char *const field_names[LRS_SCHOOL_FIELD__COUNT] = {
    "upn",
    "former_upn",
    "uln",
    "surname",
    "forename",
    "middle_names",
    "preferred_surname",
    "former_surname",
    "date_of_birth",
    "sex",
    "nc_year",
    "enrolment_status",
    "saon",
    "paon",
    "street",
    "locality",
    "town",
    "administrative_area",
    "post_town",
    "address_line1",
    "address_line2",
    "address_line3",
    "address_line4",
    "address_line5",
    "postcode",
};

/* Without these a roster cannot make a ULN request or be matched. */
static const enum lrs_school_field required[] = {
    LRS_SCHOOL_UPN,           LRS_SCHOOL_SURNAME, LRS_SCHOOL_FORENAME,
    LRS_SCHOOL_DATE_OF_BIRTH, LRS_SCHOOL_SEX,     LRS_SCHOOL_POSTCODE,
};

static const char *const status_names[] = {
    "current", "pre-admission", "withdrawn", "left", "guest",
};

const char *lrs_school_field_name(enum lrs_school_field f)
{
    if (LRS_NEVER((unsigned)f >= LRS_SCHOOL_FIELD__COUNT))
        return "?";
    return field_names[f];
}

const char *lrs_school_status_name(enum lrs_school_status s)
{
    if (LRS_NEVER((unsigned)s >= LRS_ARRAY_LEN(status_names)))
        return "?";
    return status_names[s];
}

bool lrs__school_same(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        const int ca = *a >= 'a' && *a <= 'z' ? *a - 32 : *a;
        const int cb = *b >= 'a' && *b <= 'z' ? *b - 32 : *b;

        if (ca != cb)
            return false;
    }
    return *a == *b;
}

bool lrs__school_same_name(const char *a, const char *b)
{
    char na[LRS_NAME_SIZE], nb[LRS_NAME_SIZE];
    size_t la, lb;

    if (lrs_name_normalise_to(lrs_str_c(a), "name", na, &la, NULL) != LRS_OK ||
        lrs_name_normalise_to(lrs_str_c(b), "name", nb, &lb, NULL) != LRS_OK)
        return lrs__school_same(a, b);
    return la == lb && memcmp(na, nb, la) == 0;
}

int lrs__school_key_cmp(const void *a, const void *b)
{
    const struct lrs__school_key *x = a, *y = b;
    const int c = strcmp(x->key, y->key);

    if (c)
        return c;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */

void lrs_school_roster_free(struct lrs_school_roster *r)
{
    if (!r)
        return;
    LRS_ASSERT(r->magic == LRS__SCHOOL_ROSTER_MAGIC);
    lrs_arena_release(&r->arena);
    lrs_free(r->pupils);
    lrs_free((void *)r->raw);
    lrs_free(r->name);
    LRS_POISON(r, sizeof *r);
    lrs_free(r);
}

size_t lrs_school_roster_count(const struct lrs_school_roster *r)
{
    LRS_ASSERT(r && r->magic == LRS__SCHOOL_ROSTER_MAGIC);
    return r->count;
}

const struct lrs_school_pupil *
lrs_school_roster_pupil(const struct lrs_school_roster *r, size_t i)
{
    LRS_ASSERT(r && r->magic == LRS__SCHOOL_ROSTER_MAGIC);
    LRS_ASSERT(i < r->count);
    return &r->pupils[i];
}

const char *lrs__school_roster_dup(struct lrs_school_roster *r, const char *s)
{
    return lrs_arena_strndup(&r->arena, s, strlen(s));
}

void lrs__school_roster_set(struct lrs_school_roster *r, size_t i,
                            enum lrs_school_field f, const char *value)
{
    LRS_ASSERT(i < r->count && (unsigned)f < LRS_SCHOOL_FIELD__COUNT);
    if (!r->has_col[f]) {
        r->has_col[f] = true;
        r->header[r->col_count] = field_names[f];
        r->cols[r->col_count++] = f;
    }
    r->raw[i * LRS_SCHOOL_FIELD__COUNT + f] = value;
    r->pupils[i].field[f] = value;
}

/* ------------------------------------------------------------------ */
/* Reading                                                            */
/* ------------------------------------------------------------------ */

/* State while reading one file. */
struct load {
    struct lrs_school_roster *r;
    struct lrs_diag *diag;
    int col_field[LRS_SCHOOL_FIELD__COUNT]; /* field of CSV column i */
    size_t col_of[LRS_SCHOOL_FIELD__COUNT]; /* 1-based column of field */
};

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static int field_by_name(struct lrs_str name)
{
    name = lrs_str_trim(name);
    for (size_t f = 0; f < LRS_SCHOOL_FIELD__COUNT; f++) {
        const size_t n = strlen(field_names[f]);
        size_t k = 0;

        if (n != name.len)
            continue;
        while (k < n && lower(name.ptr[k]) == field_names[f][k])
            k++;
        if (k == n)
            return (int)f;
    }
    return -1;
}

static enum lrs_err bad(struct load *ld, const char *field, const char *fmt,
                        ...) LRS_PRINTF(3, 4);

static enum lrs_err bad(struct load *ld, const char *field, const char *fmt,
                        ...)
{
    char msg[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lrs_diag_set(ld->diag, field, "%s %s", ld->r->name, msg);
    return LRS_ERR(LRS_EINVAL);
}

static enum lrs_err map_header(struct load *ld,
                               const struct lrs_csv_record *rec)
{
    struct lrs_school_roster *r = ld->r;

    if (rec->count > LRS_SCHOOL_FIELD__COUNT)
        return bad(ld, "csv", "line 1: %zu columns, at most %d are known",
                   rec->count, (int)LRS_SCHOOL_FIELD__COUNT);
    for (size_t i = 0; i < rec->count; i++) {
        const int f = field_by_name(rec->fields[i]);

        if (f < 0)
            return bad(ld, "csv", "line 1, column %zu: unknown column '%.*s'",
                       i + 1,
                       (int)(rec->fields[i].len > 40 ? 40 : rec->fields[i].len),
                       rec->fields[i].ptr);
        if (r->has_col[f])
            return bad(ld, "csv",
                       "line 1, column %zu: column '%s' appears twice "
                       "(also column %zu)",
                       i + 1, field_names[f], ld->col_of[f]);
        r->has_col[f] = true;
        ld->col_of[f] = i + 1;
        ld->col_field[i] = f;
        r->cols[i] = (enum lrs_school_field)f;
        r->header[i] = lrs_arena_strndup(&r->arena, rec->fields[i].ptr,
                                         rec->fields[i].len);
        if (!r->header[i])
            return LRS_ERR(LRS_ENOMEM);
    }
    r->col_count = rec->count;
    for (size_t i = 0; i < LRS_ARRAY_LEN(required); i++)
        if (!r->has_col[required[i]])
            return bad(ld, "csv", "line 1: missing column '%s'",
                       field_names[required[i]]);
    return LRS_OK;
}

/* NC years: N1, N2, R, 1-14, X (DfE school census). */
static enum lrs_err check_year(struct load *ld, struct lrs_school_pupil *p,
                               size_t col)
{
    static const char *const words[] = {"N1", "N2", "R", "X"};
    const char *v = p->field[LRS_SCHOOL_NC_YEAR];
    uint64_t n;

    p->nc_year = 0;
    if (!*v)
        return LRS_OK;
    for (size_t i = 0; i < LRS_ARRAY_LEN(words); i++)
        if (lrs__school_same(v, words[i]))
            return LRS_OK;
    if (lrs_parse_u64(lrs_str_c(v), 1, 14, &n) == LRS_OK) {
        p->nc_year = (int)n;
        return LRS_OK;
    }
    return bad(ld, "nc_year",
               "line %llu, column %zu (nc_year): '%.20s' is not a national "
               "curriculum year (N1, N2, R, 1-14 or X)",
               (unsigned long long)p->line, col, v);
}

static enum lrs_err check_status(struct load *ld, struct lrs_school_pupil *p,
                                 size_t col)
{
    const char *v = p->field[LRS_SCHOOL_ENROLMENT_STATUS];

    p->status = LRS_SCHOOL_CURRENT;
    if (!*v)
        return LRS_OK;
    for (size_t i = 0; i < LRS_ARRAY_LEN(status_names); i++) {
        if (lrs__school_same(v, status_names[i])) {
            p->status = (enum lrs_school_status)i;
            return LRS_OK;
        }
    }
    return bad(ld, "enrolment_status",
               "line %llu, column %zu (enrolment_status): '%.20s' is not "
               "current, pre-admission, withdrawn, left or guest",
               (unsigned long long)p->line, col, v);
}

/* The cells with a format, checked in column order. */
static enum lrs_err check_row(struct load *ld, struct lrs_school_pupil *p)
{
    const struct lrs_school_roster *r = ld->r;
    enum lrs_err err = LRS_OK;

    for (size_t i = 0; !err && i < r->col_count; i++) {
        const enum lrs_school_field f = r->cols[i];
        const char *v = p->field[f];
        struct lrs_diag d = LRS_DIAG_INIT;

        if (f == LRS_SCHOOL_DATE_OF_BIRTH && *v) {
            if (lrs_date_parse(lrs_str_c(v), LRS_DATE_PARSE_DMY,
                               "date_of_birth", &p->dob, &d) != LRS_OK)
                err = bad(ld, "date_of_birth",
                          "line %llu, column %zu (date_of_birth): '%.20s' is "
                          "not a valid date: %s",
                          (unsigned long long)p->line, i + 1, v, d.msg);
            p->has_dob = !err;
        } else if (f == LRS_SCHOOL_SEX && *v && !lrs__school_same(v, "M") &&
                   !lrs__school_same(v, "F")) {
            err = bad(ld, "sex",
                      "line %llu, column %zu (sex): '%.20s' is not M or F",
                      (unsigned long long)p->line, i + 1, v);
        } else if (f == LRS_SCHOOL_NC_YEAR) {
            err = check_year(ld, p, i + 1);
        } else if (f == LRS_SCHOOL_ENROLMENT_STATUS) {
            err = check_status(ld, p, i + 1);
        }
    }
    return err;
}

static enum lrs_err grow_rows(struct lrs_school_roster *r)
{
    size_t cap = r->cap ? r->cap * 2 : 64, bytes;
    struct lrs_school_pupil *p;
    const char **raw;

    if (lrs_mul_size(cap, sizeof *p, &bytes))
        return LRS_ERR(LRS_ELIMIT);
    p = lrs_realloc(r->pupils, bytes);
    if (!p)
        return LRS_ERR(LRS_ENOMEM);
    r->pupils = p;
    if (lrs_mul_size(cap, LRS_SCHOOL_FIELD__COUNT * sizeof *raw, &bytes))
        return LRS_ERR(LRS_ELIMIT);
    raw = lrs_realloc((void *)r->raw, bytes);
    if (!raw)
        return LRS_ERR(LRS_ENOMEM);
    r->raw = raw;
    r->cap = cap;
    return LRS_OK;
}

static enum lrs_err add_row(struct load *ld, const struct lrs_csv_record *rec)
{
    struct lrs_school_roster *r = ld->r;
    struct lrs_school_pupil *p;
    const char **raw;
    enum lrs_err err;

    if (r->count == r->cap && (err = grow_rows(r)) != LRS_OK)
        return err;
    p = &r->pupils[r->count];
    raw = &r->raw[r->count * LRS_SCHOOL_FIELD__COUNT];
    memset(p, 0, sizeof *p);
    p->line = rec->line;
    for (size_t f = 0; f < LRS_SCHOOL_FIELD__COUNT; f++)
        raw[f] = p->field[f] = "";
    for (size_t i = 0; i < rec->count; i++) {
        const int f = ld->col_field[i];
        const struct lrs_str t = lrs_str_trim(rec->fields[i]);

        raw[f] = lrs_arena_strndup(&r->arena, rec->fields[i].ptr,
                                   rec->fields[i].len);
        p->field[f] = t.len == rec->fields[i].len
                          ? raw[f]
                          : lrs_arena_strndup(&r->arena, t.ptr, t.len);
        if (!raw[f] || !p->field[f])
            return LRS_ERR(LRS_ENOMEM);
    }
    err = check_row(ld, p);
    if (!err)
        r->count++;
    return err;
}

/* Refuse the first (in file order) repetition of a UPN. */
static enum lrs_err check_unique_upns(struct load *ld)
{
    struct lrs_school_roster *r = ld->r;
    struct lrs__school_key *keys;
    size_t n = 0, dup = SIZE_MAX, first = 0;

    if (r->count == 0)
        return LRS_OK;
    keys = lrs_calloc(r->count, sizeof *keys);
    if (!keys)
        return LRS_ERR(LRS_ENOMEM);
    for (size_t i = 0; i < r->count; i++)
        if (*r->pupils[i].field[LRS_SCHOOL_UPN])
            keys[n++] =
                (struct lrs__school_key){r->pupils[i].field[LRS_SCHOOL_UPN], i};
    qsort(keys, n, sizeof *keys, lrs__school_key_cmp);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(keys[i].key, keys[i - 1].key) == 0 && keys[i].row < dup) {
            size_t k = i - 1;

            while (k > 0 && strcmp(keys[k - 1].key, keys[i].key) == 0)
                k--;
            dup = keys[i].row;
            first = keys[k].row;
        }
    }
    lrs_free(keys);
    if (dup == SIZE_MAX)
        return LRS_OK;
    return bad(ld, "upn",
               "line %llu, column %zu (upn): duplicate UPN '%.13s' (also on "
               "line %llu)",
               (unsigned long long)r->pupils[dup].line,
               ld->col_of[LRS_SCHOOL_UPN], r->pupils[dup].field[LRS_SCHOOL_UPN],
               (unsigned long long)r->pupils[first].line);
}

static enum lrs_err load(lrs_csv_read_fn fn, void *ctx, const char *name,
                         struct lrs_school_roster **out, struct lrs_diag *diag)
{
    struct lrs_csv_opts opts = {0};
    struct lrs_school_roster *r;
    struct lrs_csv *csv = NULL;
    struct lrs_csv_record rec;
    struct load ld;
    enum lrs_err err;
    bool eof = false;

    *out = NULL;
    r = lrs_calloc(1, sizeof *r);
    if (!r)
        return LRS_ERR(LRS_ENOMEM);
    r->magic = LRS__SCHOOL_ROSTER_MAGIC;
    r->name = lrs_strndup(name, strlen(name));
    if (!r->name) {
        err = LRS_ERR(LRS_ENOMEM);
        goto out;
    }
    memset(&ld, 0, sizeof ld);
    ld.r = r;
    ld.diag = diag;
    opts.name = r->name;
    err = lrs_csv_new(fn, ctx, &opts, &csv);
    if (err)
        goto out;
    err = lrs_csv_next(csv, &rec, &eof, diag);
    if (!err && eof)
        err = bad(&ld, "csv", "is empty (no header line)");
    if (!err)
        err = map_header(&ld, &rec);
    while (!err) {
        err = lrs_csv_next(csv, &rec, &eof, diag);
        if (err || eof)
            break;
        err = add_row(&ld, &rec);
    }
    if (!err)
        err = check_unique_upns(&ld);
out:
    if (err == LRS_ENOMEM)
        lrs_diag_set(diag, NULL, "out of memory");
    lrs_csv_free(csv);
    if (err)
        lrs_school_roster_free(r);
    else
        *out = r;
    return err;
}

enum lrs_err lrs_school_roster_load(const char *path, const char *name,
                                    struct lrs_school_roster **out,
                                    struct lrs_diag *diag)
{
    enum lrs_err err;
    int fd;

    *out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        lrs_diag_set(diag, "roster", "cannot open '%s': %s", path,
                     strerror(errno));
        return LRS_ERR(LRS_EIO);
    }
    err = load(lrs_fd_read, &fd, name ? name : path, out, diag);
    if (err == LRS_EIO && diag && !diag->msg[0])
        lrs_diag_set(diag, "roster", "cannot read '%s': %s", path,
                     strerror(errno));
    close(fd);
    return err;
}

enum lrs_err lrs_school_roster_load_mem(const char *data, size_t len,
                                        const char *name,
                                        struct lrs_school_roster **out,
                                        struct lrs_diag *diag)
{
    struct lrs_csv_mem m = {data, len};

    return load(lrs_csv_mem_read, &m, name ? name : "roster", out, diag);
}

/* ------------------------------------------------------------------ */
/* Writing                                                            */
/* ------------------------------------------------------------------ */

enum lrs_err lrs_school_roster_csv(const struct lrs_school_roster *r,
                                   struct lrs_buf *out)
{
    enum lrs_err err = LRS_OK;

    LRS_ASSERT(r && r->magic == LRS__SCHOOL_ROSTER_MAGIC);
    for (size_t i = 0; !err && i < r->col_count; i++)
        err = lrs_csv_put(out, lrs_str_c(r->header[i]), i == 0);
    if (!err)
        err = lrs_buf_addch(out, '\n');
    for (size_t row = 0; !err && row < r->count; row++) {
        const char *const *raw = &r->raw[row * LRS_SCHOOL_FIELD__COUNT];

        for (size_t i = 0; !err && i < r->col_count; i++)
            err = lrs_csv_put(out, lrs_str_c(raw[r->cols[i]]), i == 0);
        if (!err)
            err = lrs_buf_addch(out, '\n');
    }
    return err;
}
