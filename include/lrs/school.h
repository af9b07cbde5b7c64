/*
 * lrs/school.h - the school side: a pupil roster, the ULN-request CTF a
 * school exports, the returned CTF it imports, and the census check.
 *
 * A roster is the CSV of pupils a school exports from its MIS (columns in
 * docs/school.md). It is read strictly: a malformed file, an unknown or
 * repeated column, a bad date, sex, year or status, or a UPN that appears
 * twice is refused with a diagnostic naming the line, the column and the
 * rule, and nothing is produced. Every operation works on a roster in
 * memory; output files are written whole or not at all
 * (lrs_file_write_atomic() of lrs/base.h).
 *
 * - Export (lrs_school_export()) selects pupils, checks each as a ULN
 *   request (lrs_ctf_validate_pupil()), writes the request CTF and fills a
 *   log with one entry per finding, in the wording schools know.
 * - Import (lrs_school_import()) matches each pupil of a returned CTF to a
 *   roster row (UPN, then former UPN, then names and date of birth), takes
 *   the ULNs in and logs every change; nothing else in the roster changes.
 * - The census check (lrs_school_census_run()) lists pupils aged 14 and
 *   over on census day without a valid ULN, and counts by year group.
 * - Privacy notices (lrs_school_notices_select(), lrs_school_notice_html())
 *   are printable pages for pupils who have just received a ULN.
 *
 * Ownership: a roster is a heap object (lrs_school_roster_free()); pupils
 * and their strings are borrowed from it. Logs and census results live in
 * caller storage and own their strings (release them). Formatting
 * functions append to a caller's struct lrs_buf.
 *
 * Thread-safety: distinct objects may be used from different threads; one
 * object must not be shared without a lock.
 */
#ifndef LRS_SCHOOL_H
#define LRS_SCHOOL_H

#include <lrs/base.h>
#include <lrs/ids.h>

/* ------------------------------------------------------------------ */
/* Roster                                                             */
/* ------------------------------------------------------------------ */

/** The columns of a roster, in the order docs/school.md lists them. */
enum lrs_school_field {
    LRS_SCHOOL_UPN = 0,
    LRS_SCHOOL_FORMER_UPN,
    LRS_SCHOOL_ULN,
    LRS_SCHOOL_SURNAME,
    LRS_SCHOOL_FORENAME,
    LRS_SCHOOL_MIDDLE_NAMES,
    LRS_SCHOOL_PREFERRED_SURNAME,
    LRS_SCHOOL_FORMER_SURNAME,
    LRS_SCHOOL_DATE_OF_BIRTH,
    LRS_SCHOOL_SEX,
    LRS_SCHOOL_NC_YEAR,
    LRS_SCHOOL_ENROLMENT_STATUS,
    LRS_SCHOOL_SAON,
    LRS_SCHOOL_PAON,
    LRS_SCHOOL_STREET,
    LRS_SCHOOL_LOCALITY,
    LRS_SCHOOL_TOWN,
    LRS_SCHOOL_ADMINISTRATIVE_AREA,
    LRS_SCHOOL_POST_TOWN,
    LRS_SCHOOL_ADDRESS_LINE1,
    LRS_SCHOOL_ADDRESS_LINE2,
    LRS_SCHOOL_ADDRESS_LINE3,
    LRS_SCHOOL_ADDRESS_LINE4,
    LRS_SCHOOL_ADDRESS_LINE5,
    LRS_SCHOOL_POSTCODE,
    LRS_SCHOOL_FIELD__COUNT /* number of columns; not a column */
};

/** A pupil's enrolment status (column enrolment_status). */
enum lrs_school_status {
    LRS_SCHOOL_CURRENT = 0,   /* on roll; also an empty cell */
    LRS_SCHOOL_PRE_ADMISSION, /* admitted from a future date */
    LRS_SCHOOL_WITHDRAWN,     /* a pre-admission that was withdrawn */
    LRS_SCHOOL_LEFT,          /* has left the school */
    LRS_SCHOOL_GUEST,         /* a guest pupil, on roll elsewhere */
};

/** One roster row. Borrowed from its roster until the roster is freed. */
struct lrs_school_pupil {
    uint64_t line; /* physical line of the row in the roster CSV */
    /* Each column's value without surrounding white space: "" when the
     * cell is empty or the column is absent; never NULL. */
    const char *field[LRS_SCHOOL_FIELD__COUNT];
    bool has_dob;        /* date_of_birth was given (it is then valid) */
    struct lrs_date dob; /* the date of birth when has_dob */
    enum lrs_school_status status;
    int nc_year; /* 1-14 for a numeric year, 0 for R/N1/N2/X or none */
};

struct lrs_school_roster;

/** The column name of `f` ("upn", "date_of_birth"); static storage. */
LRS_API const char *lrs_school_field_name(enum lrs_school_field f);

/** "current", "pre-admission", "withdrawn", "left" or "guest". */
LRS_API const char *lrs_school_status_name(enum lrs_school_status s);

/**
 * Read a roster from a file at `path`. On success *out receives an owned
 * roster (free with lrs_school_roster_free()). On failure nothing is kept
 * and `diag` says where and what, e.g. "roster.csv line 4, column 9
 * (date_of_birth): '31/02/2011' is not a valid date: day 31 does not exist
 * in February 2011" (LRS_EINVAL), or why the file could not be read
 * (LRS_EIO). `name` is the file name used in messages (NULL: `path`).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_school_roster_load(const char *path, const char *name,
                       struct lrs_school_roster **out, struct lrs_diag *diag);

/** As lrs_school_roster_load(), from `len` bytes at `data` (borrowed). */
LRS_API LRS_NODISCARD enum lrs_err
lrs_school_roster_load_mem(const char *data, size_t len, const char *name,
                           struct lrs_school_roster **out,
                           struct lrs_diag *diag);

/** Free a roster; NULL is a no-op. */
LRS_API void lrs_school_roster_free(struct lrs_school_roster *r);

/** The number of pupils (rows after the header). */
LRS_API size_t lrs_school_roster_count(const struct lrs_school_roster *r);

/** Pupil `i` (0-based, < count), borrowed until the roster is freed. */
LRS_API const struct lrs_school_pupil *
lrs_school_roster_pupil(const struct lrs_school_roster *r, size_t i);

/**
 * Append the roster as CSV to `out`: the header as read (plus any column
 * set by import that the file lacked, at the end), then every row with its
 * cells exactly as read except those changed by import. Quoting is
 * minimal (RFC 4180), line ends LF.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_school_roster_csv(const struct lrs_school_roster *r, struct lrs_buf *out);

/* ------------------------------------------------------------------ */
/* Logs                                                               */
/* ------------------------------------------------------------------ */

/** How much an entry of an export or import log matters. */
enum lrs_school_severity {
    LRS_SCHOOL_INFO = 0, /* for the record */
    LRS_SCHOOL_CHANGE,   /* a roster field was changed (field, old, new) */
    LRS_SCHOOL_WARNING,  /* worth a look; the pupil went or came in */
    LRS_SCHOOL_BLOCKING, /* the pupil was not exported or not imported */
};

/** One line of a log. Strings are owned by the log, never NULL. */
struct lrs_school_log_entry {
    uint64_t roster_line; /* the pupil's roster line, 0 if not in it */
    uint64_t ctf_pupil;   /* ordinal in the CTF written or read, 0: none */
    const char *upn;
    const char *surname;
    const char *forename;
    const char *outcome; /* e.g. "exported", "ULN added", "not found" */
    const char *code;    /* e.g. "W002", "RC010", "I001"; static */
    enum lrs_school_severity severity;
    const char *field;     /* roster column or CTF element, or "" */
    const char *old_value; /* for a change, else "" */
    const char *new_value; /* for a change, else "" */
    const char *message;   /* the wording schools see (docs/school.md) */
};

/** A log in caller storage. */
struct lrs_school_log {
    struct lrs_school_log_entry *items; /* owned */
    size_t count;                       /* entries in use */
    size_t cap;                         /* entries allocated */
    struct lrs_arena arena;             /* owns the entries' strings */
};

#define LRS_SCHOOL_LOG_INIT                                                    \
    {                                                                          \
        NULL, 0, 0, LRS_ARENA_INIT                                             \
    }

/** Free what the log holds and leave it empty. */
LRS_API void lrs_school_log_release(struct lrs_school_log *log);

/** The name of a severity: "info", "change", "warning", "blocking". */
LRS_API const char *lrs_school_severity_name(enum lrs_school_severity s);

/**
 * Append the log as CSV to `out`, with the header roster_line, ctf_pupil,
 * upn, surname, forename, outcome, code, severity, field, old_value,
 * new_value, message.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_school_log_csv(const struct lrs_school_log *log, struct lrs_buf *out);

/**
 * Append the log as a printable HTML page titled `title` (borrowed) to
 * `out`: one table, no scripts, every value escaped.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_school_log_html(const struct lrs_school_log *log, const char *title,
                    struct lrs_buf *out);

/* ------------------------------------------------------------------ */
/* Export: the ULN-request CTF                                        */
/* ------------------------------------------------------------------ */

/** Which pupils an export takes; pupils who left or withdrew never go. */
enum lrs_school_select {
    /* Aged 14 or over on census day (or of unknown age) without a valid
     * ULN: the pupils the January census needs ULNs for (DOMAIN.md). */
    LRS_SCHOOL_SELECT_CENSUS = 0,
    LRS_SCHOOL_SELECT_YEARS, /* every pupil of the chosen NC years */
    LRS_SCHOOL_SELECT_ALL,   /* every pupil on roll */
};

/** What to export. */
struct lrs_school_export_opts {
    struct lrs_date census_date; /* ages are taken on this day */
    const char *la;              /* SourceSchool LEA, 3 digits; borrowed */
    const char *estab;           /* SourceSchool Estab, 4 digits; borrowed */
    const char *school_name;     /* SourceSchool SchoolName or NULL */
    const char *date_time;       /* header DateTime; NULL or "" for now */
    enum lrs_school_select select;
    uint32_t years; /* for SELECT_YEARS: bit n set takes NC year n (1-14) */
};

/** Counts of an export. */
struct lrs_school_export_stats {
    size_t selected; /* pupils the selection took */
    size_t exported; /* of them, written to the CTF */
    size_t blocked;  /* of them, left out for a blocking finding */
    size_t warnings; /* warning entries in the log */
    size_t with_uln; /* exported pupils who already had a ULN */
};

/**
 * Export the request CTF for the pupils `opts` selects to `ctf_path`
 * (written atomically by the lib/ctf writer), and append one log entry
 * per finding of each selected pupil, or one "exported" entry for a pupil
 * without findings. A pupil with a blocking finding (no postcode, no date
 * of birth or sex, ...) is left out of the CTF. LRS_EINVAL for bad
 * options (diag), LRS_EIO when the CTF cannot be written; on error no CTF
 * is written.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_school_export(const struct lrs_school_roster *r,
                  const struct lrs_school_export_opts *opts,
                  const char *ctf_path, struct lrs_school_log *log,
                  struct lrs_school_export_stats *stats, struct lrs_diag *diag);

/**
 * As lrs_school_export(), into memory: `ctf` is emptied and receives the
 * whole request CTF (its `max` applies: LRS_ELIMIT); no file is written.
 * For lrsd, which hands the CTF to the browser or to the S2S batch. On
 * error `ctf` holds part of a document: discard it.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_school_export_buf(const struct lrs_school_roster *r,
                      const struct lrs_school_export_opts *opts,
                      struct lrs_buf *ctf, struct lrs_school_log *log,
                      struct lrs_school_export_stats *stats,
                      struct lrs_diag *diag);

/** The spring (January) census day of `year`: its third Thursday. */
LRS_API struct lrs_date lrs_school_census_day(int year);

/* ------------------------------------------------------------------ */
/* Import: the returned CTF                                           */
/* ------------------------------------------------------------------ */

/** Counts of an import. */
struct lrs_school_import_stats {
    size_t file_pupils;  /* pupils in the CTF */
    size_t matched;      /* of them, found in the roster */
    size_t ulns_added;   /* ULNs written into the roster */
    size_t upns_updated; /* temporary UPNs replaced by permanent ones */
    size_t unchanged;    /* matched pupils whose roster row did not change */
    size_t not_found;    /* pupils not in the roster */
    size_t conflicts;    /* ULNs refused: another one is held, or taken */
    size_t changes;      /* roster cells changed, all in the log */
};

/**
 * Merge the ULNs of the returned CTF at `ctf_path` into `r`. The whole
 * file is read and checked before the roster is touched: on any error
 * (LRS_EINVAL/LRS_ELIMIT malformed file, LRS_EIO, LRS_ENOMEM) `r` is as it
 * was. Each pupil of the file gets log entries: the change made (field,
 * old and new value) or why none was, and the status warnings. Only the
 * uln, upn and former_upn cells ever change. Importing the same file
 * again changes nothing.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_school_import(struct lrs_school_roster *r, const char *ctf_path,
                  struct lrs_school_log *log,
                  struct lrs_school_import_stats *stats, struct lrs_diag *diag);

/**
 * As lrs_school_import(), from the `len` bytes of a returned CTF at `data`
 * (borrowed for the call), checked whole before the roster is touched.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_school_import_mem(struct lrs_school_roster *r, const char *data, size_t len,
                      struct lrs_school_log *log,
                      struct lrs_school_import_stats *stats,
                      struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* Census check                                                       */
/* ------------------------------------------------------------------ */

/** Why a pupil needs attention before the census. */
enum lrs_school_census_problem {
    LRS_SCHOOL_NO_ULN = 1,  /* aged 14+ and no ULN */
    LRS_SCHOOL_BAD_ULN = 2, /* the ULN fails its check (any age) */
};

/** One pupil who needs attention. */
struct lrs_school_census_item {
    size_t row; /* roster index (lrs_school_roster_pupil()) */
    int age;    /* on census day; -1 when the date of birth is unknown */
    enum lrs_school_census_problem problem;
    char reason[160]; /* e.g. "no ULN", "ULN check digit is 1, expected 2" */
};

/** Counts for one year group, of pupils aged 14+ on census day. */
struct lrs_school_census_year {
    char nc_year[4]; /* as in the roster ("10", "R"), "" for none */
    size_t pupils;   /* aged 14+ on census day */
    size_t with_uln; /* of them, holding a valid ULN */
    size_t missing;  /* of them, with no ULN */
    size_t invalid;  /* of them, with a ULN that fails its check */
};

/** The result of a census check, in caller storage. */
struct lrs_school_census {
    struct lrs_date census_date;
    size_t on_roll;                       /* current pupils checked */
    struct lrs_school_census_item *items; /* owned; roster order */
    size_t item_count;
    struct lrs_school_census_year *years; /* owned; NC year order */
    size_t year_count;
    struct lrs_school_census_year total; /* nc_year "all" */
};

#define LRS_SCHOOL_CENSUS_INIT                                                 \
    {                                                                          \
        {0, 0, 0}, 0, NULL, 0, NULL, 0,                                        \
        {                                                                      \
            {0}, 0, 0, 0, 0                                                    \
        }                                                                      \
    }

/** Free what `c` holds and leave it empty. */
LRS_API void lrs_school_census_release(struct lrs_school_census *c);

/**
 * Check the current pupils of `r` for the census on `day`: each one aged
 * 14 or over without a ULN, and each one whose ULN fails its check, with
 * counts by year group of those aged 14 and over. `c` must be empty.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_school_census_run(const struct lrs_school_roster *r, struct lrs_date day,
                      struct lrs_school_census *c);

/**
 * Append the pupils needing attention as CSV: roster_line, upn, surname,
 * forename, nc_year, age, uln, problem, reason.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_school_census_csv(const struct lrs_school_census *c,
                      const struct lrs_school_roster *r, struct lrs_buf *out);

/**
 * Append the year-group summary as CSV: nc_year, pupils_14_plus, with_uln,
 * missing_uln, invalid_uln, percent_with_uln; the last row is "all".
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_school_census_summary_csv(const struct lrs_school_census *c,
                              struct lrs_buf *out);

/**
 * Append a printable HTML report: the summary table, an inline SVG bar
 * chart of the share with a valid ULN by year group (no scripts), and the
 * pupils needing attention.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_school_census_html(const struct lrs_school_census *c,
                       const struct lrs_school_roster *r, struct lrs_buf *out);

/* ------------------------------------------------------------------ */
/* Privacy notices                                                    */
/* ------------------------------------------------------------------ */

/** Size of a caller array for lrs_school_notice_file_name(). */
#define LRS_SCHOOL_NOTICE_NAME_SIZE 48

/**
 * Choose the pupils of `r` who get a privacy notice (DOMAIN.md: pupils are
 * given privacy notices once ULNs are obtained): each one holding a valid
 * ULN who, in the earlier roster `before` (borrowed), is absent or held no
 * valid ULN. With `before` NULL, every pupil holding a valid ULN. A pupil
 * is found in `before` by UPN, then by its former UPN, then by surname,
 * forename (compared as import compares them) and date of birth. On
 * success *rows receives an owned array (lrs_free(); NULL when *count is
 * 0) of roster indexes in roster order. LRS_ENOMEM leaves nothing owned.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_school_notices_select(const struct lrs_school_roster *r,
                          const struct lrs_school_roster *before, size_t **rows,
                          size_t *count);

/**
 * The file name of pupil `row`'s notice: "notice-UPN.html" when the pupil
 * has a valid UPN (safe in a file name, unique in a roster), else
 * "notice-line-N.html" with N its roster line.
 */
LRS_API void lrs_school_notice_file_name(const struct lrs_school_roster *r,
                                         size_t row,
                                         char out[LRS_SCHOOL_NOTICE_NAME_SIZE]);

/**
 * Append pupil `row`'s privacy notice to `out`: a printable HTML page (no
 * scripts) naming the pupil, the UPN if any, `school_name` (borrowed; NULL
 * or "" to leave it out) and the ULN, and explaining in plain words what
 * the ULN and the Personal Learning Record are and who can see the record.
 * Every value is escaped.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_school_notice_html(const struct lrs_school_roster *r, size_t row,
                       const char *school_name, struct lrs_buf *out);

/**
 * Append the index page of `count` notices (`rows` as from
 * lrs_school_notices_select(), borrowed) to `out`: one table row per pupil
 * with a link to the notice's file.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_school_notice_index_html(const struct lrs_school_roster *r,
                             const size_t *rows, size_t count,
                             const char *school_name, struct lrs_buf *out);

/**
 * Append every notice of `rows` (`count` of them, as from
 * lrs_school_notices_select(), borrowed) to `out` as one printable HTML
 * document, each notice on a sheet of its own: what `lrs school
 * privacy-notices --pdf` prints to PDF.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_school_notices_print_html(const struct lrs_school_roster *r,
                              const size_t *rows, size_t count,
                              const char *school_name, struct lrs_buf *out);

#endif /* LRS_SCHOOL_H */
