/*
 * lrs/ctf.h - the Common Transfer File: a streaming reader, a writer for the
 * CTF the LRS returns, and the business validation of a ULN request.
 *
 * A CTF is the XML file a school's MIS exports (root CTfile, a Header, then
 * CTFpupilData with one Pupil element per pupil). The reader pulls one
 * pupil at a time in constant memory, whatever the file size; it keeps only
 * the fields the LRS uses and skips every other element, so any recent CTF
 * version reads. docs/ctf.md describes the format, the limits and the
 * hardening (no DTD, no entities, no network, bounded sizes and depth).
 *
 * Reading has no effect of its own. A malformed file fails with LRS_EINVAL
 * (or LRS_ELIMIT for a limit) at the point where the problem is found, which
 * may be after many pupils were returned: a caller that acts on pupils must
 * read to the end (lrs_ctf_reader_next() reporting no more pupils) before it
 * commits anything, or first run lrs_ctf_check_file() over the whole file.
 *
 * Diagnostics of a malformed file name the place: "line 12, column 7:
 * opening and ending tag mismatch ..." (the column is left out where libxml2
 * does not know it). libxml2 never prints: its errors go to the diagnostic.
 *
 * Ownership: a reader and a writer are heap objects (free with their _free).
 * Strings in a header or a pupil the reader hands out are borrowed, as each
 * struct says. A findings list lives in caller storage.
 *
 * Thread-safety: distinct readers and writers may be used from different
 * threads at once; one object must not be shared without a lock.
 */
#ifndef LRS_CTF_H
#define LRS_CTF_H

#include <lrs/base.h>
#include <lrs/ids.h>

/* ------------------------------------------------------------------ */
/* Types                                                              */
/* ------------------------------------------------------------------ */

/** Default limits; see struct lrs_ctf_limits. */
#define LRS_CTF_MAX_FILE_LEN_DEFAULT (200u * 1024u * 1024u)
#define LRS_CTF_MAX_TEXT_LEN_DEFAULT 4096u
#define LRS_CTF_MAX_RUN_LEN_DEFAULT  (1024u * 1024u)
#define LRS_CTF_MAX_DEPTH_DEFAULT    64u
/** The largest max_depth accepted; larger values are clamped to it. */
#define LRS_CTF_MAX_DEPTH_CAP 256u

/** What the reader refuses to go beyond; each breach is LRS_ELIMIT. */
struct lrs_ctf_limits {
    uint64_t max_file_len; /* bytes of the whole file */
    size_t max_text_len;   /* bytes of the text of one field the LRS uses */
    size_t max_run_len;    /* bytes between two '<': any text node, comment
                              or tag with its attributes, used or not */
    unsigned max_depth;    /* element nesting; the root is depth 1 */
};

/**
 * The Header of a CTF. Every member is NUL-terminated and never NULL: ""
 * when the element is absent. Trimmed of surrounding white space.
 */
struct lrs_ctf_header {
    const char *document_name;        /* "Common Transfer File" */
    const char *ctf_version;          /* e.g. "25.0" */
    const char *date_time;            /* yyyy-MM-ddTHH:mm:ss */
    const char *document_qualifier;   /* "full" or "partial" */
    const char *data_qualifier;       /* e.g. "partial" */
    const char *data_descriptor;      /* free text */
    const char *supplier_id;          /* the MIS that wrote the file */
    const char *source_lea;           /* SourceSchool/LEA, 3 digits */
    const char *source_estab;         /* SourceSchool/Estab, 4 digits */
    const char *source_urn;           /* SourceSchool/URN */
    const char *source_school_name;   /* SourceSchool/SchoolName */
    const char *source_academic_year; /* SourceSchool/AcademicYear */
    const char *dest_lea;             /* DestSchool/LEA; "XXX" if unknown */
    const char *dest_estab;           /* DestSchool/Estab; "XXXX" if unknown */
};

/** Which element of the CTF carried a pupil's sex. */
enum lrs_ctf_sex_element {
    LRS_CTF_SEX_NONE = 0, /* neither was present */
    LRS_CTF_SEX_SEX,      /* <Sex>, CTF 25 onwards */
    LRS_CTF_SEX_GENDER,   /* <Gender>, older versions */
};

/**
 * A pupil's address: Pupil/Address. A file may give the BS7666 form, the
 * free-form lines, or (rarely) both; the flags say which elements appeared.
 * Strings as in struct lrs_ctf_pupil.
 */
struct lrs_ctf_address {
    bool has_bs7666;  /* an Address/BS7666Address element was present */
    bool has_lines;   /* an Address/AddressLines element was present */
    const char *saon; /* secondary addressable object (flat 2) */
    const char *paon; /* primary addressable object (house) */
    const char *street;
    const char *locality;
    const char *town;
    const char *administrative_area;
    const char *post_town;
    const char *uprn;     /* UniquePropertyReferenceNumber */
    const char *lines[5]; /* AddressLines/AddressLine1..5 */
    const char *county;   /* Address/County */
    const char *postcode; /* Address/PostCode, as written in the file */
};

/**
 * One pupil as read. Every string is NUL-terminated, never NULL, "" when
 * the element is absent or empty, and trimmed of surrounding white space.
 * From the reader: borrowed until the next lrs_ctf_reader_next() or
 * lrs_ctf_reader_free(). A caller may also fill one itself for the writer.
 */
struct lrs_ctf_pupil {
    uint64_t ordinal;   /* 1 for the file's first Pupil, 2 for the next */
    unsigned long line; /* source line of <Pupil> (docs/ctf.md) */
    const char *upn;
    const char *uln; /* UniqueLearnerNumber */
    const char *uci; /* unique candidate identifier */
    const char *surname;
    const char *forename;
    const char *dob; /* DOB, yyyy-MM-dd as written */
    const char *sex; /* the text of <Sex> or <Gender>: M or F */
    enum lrs_ctf_sex_element sex_element;
    /* BasicDetails */
    const char *former_upn;
    const char *preferred_surname;
    const char *preferred_forename;
    const char *former_surname;
    const char *middle_names;
    const char *nc_year_actual;
    struct lrs_ctf_address address;
};

/* ------------------------------------------------------------------ */
/* Reader                                                             */
/* ------------------------------------------------------------------ */

struct lrs_ctf_reader;

/** Fill `lim` with the defaults (200 MiB, 4 KiB, 1 MiB, depth 64). */
LRS_API void lrs_ctf_limits_init(struct lrs_ctf_limits *lim);

/**
 * Open the CTF at `path` for reading. `limits` may be NULL for the
 * defaults. Nothing is parsed yet beyond the first bytes. A file over
 * max_file_len fails here with LRS_ELIMIT; one that cannot be opened with
 * LRS_EIO. *out receives an owned reader (free with lrs_ctf_reader_free()).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_ctf_reader_open_file(const char *path, const struct lrs_ctf_limits *limits,
                         struct lrs_ctf_reader **out, struct lrs_diag *diag);

/**
 * Open a CTF held in memory: `data` (`len` bytes, no NUL needed) is
 * borrowed until the reader is freed. Otherwise as
 * lrs_ctf_reader_open_file().
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_ctf_reader_open_mem(const char *data, size_t len,
                        const struct lrs_ctf_limits *limits,
                        struct lrs_ctf_reader **out, struct lrs_diag *diag);

/** Close the reader and free what it holds; NULL is a no-op. */
LRS_API void lrs_ctf_reader_free(struct lrs_ctf_reader *r);

/**
 * Read up to the end of the Header and point *out to it, borrowed until
 * lrs_ctf_reader_free(). Idempotent. The root must be CTfile and its
 * Header must come before CTFpupilData (LRS_EINVAL otherwise).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_ctf_reader_header(struct lrs_ctf_reader *r,
                      const struct lrs_ctf_header **out, struct lrs_diag *diag);

/**
 * Read the next pupil (reading the header first if that has not been
 * done). *out receives the pupil, borrowed until the next call or
 * lrs_ctf_reader_free(), or NULL once the file has been read to its end
 * and found well formed. An error is sticky: every later call returns it
 * again with the same diagnostic.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_ctf_reader_next(struct lrs_ctf_reader *r, const struct lrs_ctf_pupil **out,
                    struct lrs_diag *diag);

/**
 * Read the whole file at `path` and check it is a well-formed CTF within
 * `limits` (NULL: defaults), without keeping anything; *pupil_count (may
 * be NULL) receives the number of pupils. This is the "validate the whole
 * file" pass a batch runs before it commits anything.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_ctf_check_file(const char *path, const struct lrs_ctf_limits *limits,
                   uint64_t *pupil_count, struct lrs_diag *diag);

/* ------------------------------------------------------------------ */
/* Writer                                                             */
/* ------------------------------------------------------------------ */

struct lrs_ctf_writer;

/** The SupplierID the LRS writes into the CTFs it returns. */
#define LRS_CTF_SUPPLIER_ID "openlrs"
/** LEA and Estab of the LRS when it is the SourceSchool (DOMAIN.md). */
#define LRS_CTF_LRS_LEA   "XXX"
#define LRS_CTF_LRS_ESTAB "XXXX"

/**
 * Fill `out` with the header of the CTF returned for the file whose header
 * is `in`: the LRS is the source (LEA XXX, Estab XXXX, SupplierID openlrs),
 * the original source school is the destination, the CTF version and the
 * academic year are kept, DocumentQualifier is "partial" and DateTime is
 * `date_time` (yyyy-MM-ddTHH:mm:ss, borrowed; NULL or "" for the time of
 * writing). Strings of `out` borrow from `in`, `date_time` and static
 * storage.
 */
LRS_API void lrs_ctf_header_for_return(const struct lrs_ctf_header *in,
                                       const char *date_time,
                                       struct lrs_ctf_header *out);

/**
 * Start writing a CTF to `path`: the content goes to a new temporary file
 * in the same directory (mode 0600, as it holds personal data), and
 * `header` is written at once (borrowed for this call only; an empty
 * date_time means the local time now). The file appears at `path` only on
 * lrs_ctf_writer_commit(). *out receives an owned writer.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_ctf_writer_open(const char *path, const struct lrs_ctf_header *header,
                    struct lrs_ctf_writer **out, struct lrs_diag *diag);

/**
 * As lrs_ctf_writer_open(), into memory: `buf` is emptied and receives
 * the document as it is written (borrowed until commit or free; its `max`
 * applies, LRS_ELIMIT). After a successful commit it holds the whole CTF;
 * after a failure, a part of it. No file, no fsync: for a caller that
 * stores the CTF itself (the batch keeps it in the store).
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_ctf_writer_open_buf(struct lrs_buf *buf,
                        const struct lrs_ctf_header *header,
                        struct lrs_ctf_writer **out, struct lrs_diag *diag);

/**
 * Append one pupil (borrowed for this call only), with every non-empty
 * field the reader knows, in CTF element order. A field that is not valid
 * UTF-8 or holds a character XML cannot carry fails with LRS_EINVAL naming
 * the field, and nothing of the pupil is written.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_ctf_writer_add(struct lrs_ctf_writer *w, const struct lrs_ctf_pupil *p,
                   struct lrs_diag *diag);

/**
 * Finish the document, flush and fsync it, rename it over `path` and fsync
 * the directory. Frees `w` whatever the outcome; on failure the temporary
 * file is removed and `path` is untouched.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_ctf_writer_commit(struct lrs_ctf_writer *w, struct lrs_diag *diag);

/** Abandon a writer: remove its temporary file and free it. NULL: no-op. */
LRS_API void lrs_ctf_writer_free(struct lrs_ctf_writer *w);

/* ------------------------------------------------------------------ */
/* Validation of a ULN request                                        */
/* ------------------------------------------------------------------ */

/** Whether a finding stops the pupil from being sent for a ULN. */
enum lrs_ctf_severity {
    LRS_CTF_BLOCKING = 1, /* the LRS would reject the record */
    LRS_CTF_WARNING = 2,  /* worth a look; the record can still go */
};

/**
 * The codes of findings. The RC codes are the LRS batch return codes
 * (DOMAIN.md); the W codes are openlrs's own for the warnings a school's
 * MIS gives on export. Each is a static string.
 */
#define LRS_CTF_RC_INSUFFICIENT "RC006" /* insufficient data for a ULN */
#define LRS_CTF_RC_NULL_VALUES  "RC010" /* null values: no postcode */
#define LRS_CTF_RC_FORMAT       "RC011" /* incorrect format */
#define LRS_CTF_RC_AGE          "RC013" /* age outside 13 to 110 */
#define LRS_CTF_W_UPN           "W001"  /* UPN missing or invalid */
#define LRS_CTF_W_STREET        "W002"  /* address without a street */
#define LRS_CTF_W_HAS_ULN       "W003"  /* the pupil already has a ULN */
#define LRS_CTF_W_POSTCODE      "W004"  /* a ZZ99 placeholder postcode */

/** The youngest and oldest age (whole years) the LRS batch accepts. */
#define LRS_CTF_AGE_MIN 13
#define LRS_CTF_AGE_MAX 110
/** Longest name and address line the LRS accepts, in characters. */
#define LRS_CTF_NAME_MAX         35
#define LRS_CTF_ADDRESS_LINE_MAX 50

/** One problem with one field of one pupil. */
struct lrs_ctf_finding {
    const char *code;  /* one of LRS_CTF_RC_* / LRS_CTF_W_*, static */
    const char *field; /* the CTF element, e.g. "PostCode", static */
    enum lrs_ctf_severity severity;
    char message[160]; /* NUL-terminated, e.g. "Null Values: postcode is
                          missing" */
};

/** A growable list of findings in caller storage. */
struct lrs_ctf_findings {
    struct lrs_ctf_finding *items; /* owned; NULL when cap is 0 */
    size_t count;                  /* items in use */
    size_t cap;                    /* items allocated */
    size_t blocking_count;         /* how many of them are blocking */
};

#define LRS_CTF_FINDINGS_INIT                                                  \
    {                                                                          \
        NULL, 0, 0, 0                                                          \
    }

/** Empty the list, keeping its allocation. */
LRS_API void lrs_ctf_findings_reset(struct lrs_ctf_findings *f);
/** Free the list and leave it empty. */
LRS_API void lrs_ctf_findings_release(struct lrs_ctf_findings *f);

/**
 * Check one pupil as a ULN request, with ages taken on `on`, and append its
 * findings to `out` in field order (nothing appended: the pupil can go).
 * The rules, with their sources, are in docs/ctf.md: UPN, surname,
 * forename, DOB, sex, postcode and either PAON + Street + one of
 * Locality/Town/AdministrativeArea or AddressLine1. Returns LRS_ENOMEM
 * (with `out` holding the findings appended so far) or LRS_OK.
 */
LRS_API LRS_NODISCARD enum lrs_err
lrs_ctf_validate_pupil(const struct lrs_ctf_pupil *p, struct lrs_date on,
                       struct lrs_ctf_findings *out);

#endif /* LRS_CTF_H */
