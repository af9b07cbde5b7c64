/*
 * writer.c - the CTF the LRS returns, streamed with libxml2's
 * xmlTextWriter (no document tree), written atomically.
 *
 * The output is a struct lrs_file_out (lib/base/file.c: a temporary file
 * beside the target, mode 0600, renamed over it at commit), written through
 * an xmlOutputBuffer whose write callback loops on write(2) and remembers
 * the first I/O error. Commit ends the document, flushes and commits the
 * file, so a reader of the target sees the old file or the whole new one,
 * never a part.
 *
 * Every string is checked to be valid UTF-8 of XML characters before
 * anything of its pupil is written, so a pupil is written whole or not at
 * all. Errors are sticky: after one, only commit (which fails and cleans
 * up) or free make sense.
 */
#include "base/base.h"

#include "ctf/ctf_int.h"

#include <time.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>

#define WRITER_MAGIC 0x43544657u /* "CTFW" */

struct lrs_ctf_writer {
    unsigned magic;
    struct lrs_file_out file;     /* the output, whole or not at all */
    struct lrs_buf *mem;          /* or this, borrowed (open_buf) */
    xmlTextWriterPtr xw;          /* owned */
    bool use_gender;              /* write <Gender>, not <Sex> (CTF < 25) */
    struct lrs__ctf_xml_err xerr; /* libxml2's first error */
    int io_errno;                 /* first write(2) errno, 0 if none */
    enum lrs_err err;             /* sticky error */
    struct lrs_diag diag;         /* its diagnostic */
};

/* ------------------------------------------------------------------ */
/* Output and errors                                                  */
/* ------------------------------------------------------------------ */

static int out_write(void *ctx, const char *buf, int len)
{
    struct lrs_ctf_writer *w = ctx;
    size_t done = 0;

    if (w->io_errno)
        return -1;
    if (w->mem) {
        const enum lrs_err err = lrs_buf_add(w->mem, buf, (size_t)len);

        if (err) {
            w->io_errno = err == LRS_ENOMEM ? ENOMEM : EFBIG;
            return -1;
        }
        return len;
    }
    while (done < (size_t)len) {
        const ssize_t n = write(w->file.fd, buf + done, (size_t)len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            w->io_errno = n < 0 ? errno : EIO;
            return -1;
        }
        done += (size_t)n;
    }
    return len;
}

/* The descriptor is closed by commit or free, after fsync. */
static int out_close(void *ctx)
{
    (void)ctx;
    return 0;
}

static enum lrs_err fail(struct lrs_ctf_writer *w, enum lrs_err err,
                         const char *field, const char *fmt, ...)
    LRS_PRINTF(4, 5);

static enum lrs_err fail(struct lrs_ctf_writer *w, enum lrs_err err,
                         const char *field, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(w->diag.msg, sizeof w->diag.msg, fmt, ap);
    va_end(ap);
    w->diag.field = field;
    w->err = LRS_ERR(err);
    return w->err;
}

/* Map a failed xmlTextWriter call to the writer's error. */
static enum lrs_err fail_xml(struct lrs_ctf_writer *w)
{
    if (w->mem && w->io_errno == ENOMEM)
        return fail(w, LRS_ENOMEM, NULL, "out of memory");
    if (w->mem && w->io_errno)
        return fail(w, LRS_ELIMIT, "ctf", "the CTF is too large");
    if (w->io_errno)
        return fail(w, LRS_EIO, "ctf", "cannot write '%s': %s", w->file.path,
                    strerror(w->io_errno));
    if (w->xerr.set && !w->xerr.nomem)
        return fail(w, LRS_EINVAL, "ctf", "cannot write XML: %s", w->xerr.msg);
    return fail(w, LRS_ENOMEM, NULL, "out of memory");
}

static enum lrs_err sticky(const struct lrs_ctf_writer *w,
                           struct lrs_diag *diag)
{
    if (diag)
        *diag = w->diag;
    return w->err;
}

/* ------------------------------------------------------------------ */
/* Elements                                                           */
/* ------------------------------------------------------------------ */

/*
 * Each helper returns xmlTextWriter's convention (< 0 on error) so calls
 * chain with `rc < 0 ||`; the caller maps a failure once with fail_xml().
 */
static int start(struct lrs_ctf_writer *w, const char *name)
{
    return xmlTextWriterStartElement(w->xw, (const xmlChar *)name);
}

static int end(struct lrs_ctf_writer *w)
{
    return xmlTextWriterEndElement(w->xw);
}

/* Write <name>value</name>; nothing when the value is empty. */
static int leaf(struct lrs_ctf_writer *w, const char *name, const char *value)
{
    if (!value || !*value)
        return 0;
    return xmlTextWriterWriteElement(w->xw, (const xmlChar *)name,
                                     (const xmlChar *)value);
}

/* Write <name>value</name> even when the value is empty. */
static int leaf_always(struct lrs_ctf_writer *w, const char *name,
                       const char *value)
{
    return xmlTextWriterWriteElement(w->xw, (const xmlChar *)name,
                                     (const xmlChar *)(value ? value : ""));
}

static bool any(const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] && *v[i])
            return true;
    return false;
}

/* Check `n` named strings before writing any; fills the writer's error. */
static enum lrs_err check_strings(struct lrs_ctf_writer *w,
                                  const char *const *names,
                                  const char *const *values, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *v = values[i] ? values[i] : "";

        if (!lrs__ctf_xml_text_ok(v, strlen(v)))
            return fail(w, LRS_EINVAL, names[i],
                        "'%s' is not valid UTF-8 text for XML", names[i]);
    }
    return LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Header                                                             */
/* ------------------------------------------------------------------ */

void lrs_ctf_header_for_return(const struct lrs_ctf_header *in,
                               const char *date_time,
                               struct lrs_ctf_header *out)
{
    out->document_name = "Common Transfer File";
    out->ctf_version = in->ctf_version;
    out->date_time = date_time ? date_time : "";
    out->document_qualifier = "partial";
    out->data_qualifier = "";
    out->data_descriptor = "ULNs from the Learning Records Service";
    out->supplier_id = LRS_CTF_SUPPLIER_ID;
    out->source_lea = LRS_CTF_LRS_LEA;
    out->source_estab = LRS_CTF_LRS_ESTAB;
    out->source_urn = "";
    out->source_school_name = "Learning Records Service";
    out->source_academic_year = in->source_academic_year;
    out->dest_lea = in->source_lea;
    out->dest_estab = in->source_estab;
}

static enum lrs_err write_header(struct lrs_ctf_writer *w,
                                 const struct lrs_ctf_header *h)
{
    static const char *const names[] = {"DocumentName",  "CTFversion",
                                        "DateTime",      "DocumentQualifier",
                                        "DataQualifier", "DataDescriptor",
                                        "SupplierID",    "LEA",
                                        "Estab",         "URN",
                                        "SchoolName",    "AcademicYear",
                                        "LEA",           "Estab"};
    const char *const values[] = {
        h->document_name,      h->ctf_version,        h->date_time,
        h->document_qualifier, h->data_qualifier,     h->data_descriptor,
        h->supplier_id,        h->source_lea,         h->source_estab,
        h->source_urn,         h->source_school_name, h->source_academic_year,
        h->dest_lea,           h->dest_estab};
    char now[32] = "";
    int rc;

    if (check_strings(w, names, values, LRS_ARRAY_LEN(names)))
        return w->err;
    if (!h->date_time || !*h->date_time) {
        const time_t t = time(NULL);
        struct tm tm;

        if (localtime_r(&t, &tm))
            strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%S", &tm);
    }
    rc = start(w, "Header");
    rc = rc < 0 ? rc
                : leaf_always(w, "DocumentName",
                              *values[0] ? values[0] : "Common Transfer File");
    rc = rc < 0 ? rc : leaf_always(w, "CTFversion", h->ctf_version);
    rc = rc < 0 ? rc : leaf_always(w, "DateTime", *now ? now : h->date_time);
    rc = rc < 0 ? rc
                : leaf_always(w, "DocumentQualifier", h->document_qualifier);
    rc = rc < 0 ? rc : leaf(w, "DataQualifier", h->data_qualifier);
    rc = rc < 0 ? rc : leaf(w, "DataDescriptor", h->data_descriptor);
    rc = rc < 0 ? rc : leaf_always(w, "SupplierID", h->supplier_id);
    rc = rc < 0 ? rc : start(w, "SourceSchool");
    rc = rc < 0 ? rc : leaf_always(w, "LEA", h->source_lea);
    rc = rc < 0 ? rc : leaf_always(w, "Estab", h->source_estab);
    rc = rc < 0 ? rc : leaf(w, "URN", h->source_urn);
    rc = rc < 0 ? rc : leaf(w, "SchoolName", h->source_school_name);
    rc = rc < 0 ? rc : leaf(w, "AcademicYear", h->source_academic_year);
    rc = rc < 0 ? rc : end(w);
    rc = rc < 0 ? rc : start(w, "DestSchool");
    rc = rc < 0 ? rc : leaf_always(w, "LEA", h->dest_lea);
    rc = rc < 0 ? rc : leaf_always(w, "Estab", h->dest_estab);
    rc = rc < 0 ? rc : end(w);
    rc = rc < 0 ? rc : end(w);
    rc = rc < 0 ? rc : start(w, "CTFpupilData");
    return rc < 0 ? fail_xml(w) : LRS_OK;
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */

/* Free the writer; an uncommitted output file is removed. */
static void writer_free(struct lrs_ctf_writer *w)
{
    struct lrs__ctf_guard g;

    if (w->xw) {
        lrs__ctf_guard_enter(&g, &w->xerr);
        xmlFreeTextWriter(w->xw);
        lrs__ctf_guard_leave(&g);
    }
    lrs_file_out_release(&w->file);
    LRS_POISON(w, sizeof *w);
    lrs_free(w);
}

/* Create the output file and the xmlTextWriter over it. */
static enum lrs_err writer_create(struct lrs_ctf_writer *w, const char *path)
{
    struct lrs_diag d = LRS_DIAG_INIT;
    const enum lrs_err err =
        w->mem ? LRS_OK : lrs_file_out_open(&w->file, path, &d);
    xmlOutputBufferPtr out;

    if (err)
        return fail(w, err, err == LRS_ENOMEM ? NULL : "ctf", "%s",
                    err == LRS_ENOMEM ? "out of memory" : d.msg);
    out = xmlOutputBufferCreateIO(out_write, out_close, w, NULL);
    if (!out)
        return fail(w, LRS_ENOMEM, NULL, "out of memory");
    w->xw = xmlNewTextWriter(out);
    if (!w->xw) {
        xmlOutputBufferClose(out);
        return fail(w, LRS_ENOMEM, NULL, "out of memory");
    }
    if (xmlTextWriterSetIndent(w->xw, 1) < 0 ||
        xmlTextWriterSetIndentString(w->xw, (const xmlChar *)"  ") < 0 ||
        xmlTextWriterStartDocument(w->xw, "1.0", "UTF-8", NULL) < 0 ||
        start(w, "CTfile") < 0)
        return fail_xml(w);
    return LRS_OK;
}

static enum lrs_err writer_open(const char *path, struct lrs_buf *mem,
                                const struct lrs_ctf_header *header,
                                struct lrs_ctf_writer **out,
                                struct lrs_diag *diag)
{
    struct lrs_ctf_writer *w;
    struct lrs__ctf_guard g;
    enum lrs_err err;

    *out = NULL;
    w = lrs_calloc(1, sizeof *w);
    if (!w) {
        lrs_diag_set(diag, NULL, "out of memory");
        return LRS_ERR(LRS_ENOMEM);
    }
    w->magic = WRITER_MAGIC;
    w->file = (struct lrs_file_out)LRS_FILE_OUT_INIT;
    w->mem = mem;
    /* CTF 25 renamed Gender to Sex (DOMAIN.md). */
    w->use_gender = header->ctf_version && *header->ctf_version &&
                    strtol(header->ctf_version, NULL, 10) < 25;
    lrs__ctf_xml_init();
    lrs__ctf_guard_enter(&g, &w->xerr);
    err = writer_create(w, path);
    if (!err)
        err = write_header(w, header);
    lrs__ctf_guard_leave(&g);
    if (err) {
        (void)sticky(w, diag);
        writer_free(w);
        return err;
    }
    *out = w;
    return LRS_OK;
}

enum lrs_err lrs_ctf_writer_open(const char *path,
                                 const struct lrs_ctf_header *header,
                                 struct lrs_ctf_writer **out,
                                 struct lrs_diag *diag)
{
    return writer_open(path, NULL, header, out, diag);
}

enum lrs_err lrs_ctf_writer_open_buf(struct lrs_buf *buf,
                                     const struct lrs_ctf_header *header,
                                     struct lrs_ctf_writer **out,
                                     struct lrs_diag *diag)
{
    lrs_buf_reset(buf);
    return writer_open(NULL, buf, header, out, diag);
}

/* ------------------------------------------------------------------ */
/* Pupils                                                             */
/* ------------------------------------------------------------------ */

static int write_address(struct lrs_ctf_writer *w,
                         const struct lrs_ctf_address *a)
{
    const char *const bs[] = {a->saon,      a->paon, a->street,
                              a->locality,  a->town, a->administrative_area,
                              a->post_town, a->uprn};
    const bool with_bs = a->has_bs7666 || any(bs, LRS_ARRAY_LEN(bs));
    const bool with_lines = a->has_lines || any(a->lines, 5);
    const char *const rest[] = {a->county, a->postcode};
    int rc;

    if (!with_bs && !with_lines && !any(rest, 2))
        return 0;
    rc = start(w, "Address");
    if (with_bs) {
        rc = rc < 0 ? rc : start(w, "BS7666Address");
        rc = rc < 0 ? rc : leaf(w, "SAON", a->saon);
        rc = rc < 0 ? rc : leaf(w, "PAON", a->paon);
        rc = rc < 0 ? rc : leaf(w, "Street", a->street);
        rc = rc < 0 ? rc : leaf(w, "Locality", a->locality);
        rc = rc < 0 ? rc : leaf(w, "Town", a->town);
        rc =
            rc < 0 ? rc : leaf(w, "AdministrativeArea", a->administrative_area);
        rc = rc < 0 ? rc : leaf(w, "PostTown", a->post_town);
        rc = rc < 0 ? rc : leaf(w, "UniquePropertyReferenceNumber", a->uprn);
        rc = rc < 0 ? rc : end(w);
    }
    if (with_lines) {
        static const char *const line_names[] = {"AddressLine1", "AddressLine2",
                                                 "AddressLine3", "AddressLine4",
                                                 "AddressLine5"};

        rc = rc < 0 ? rc : start(w, "AddressLines");
        for (size_t i = 0; i < 5; i++)
            rc = rc < 0 ? rc : leaf(w, line_names[i], a->lines[i]);
        rc = rc < 0 ? rc : end(w);
    }
    rc = rc < 0 ? rc : leaf(w, "County", a->county);
    rc = rc < 0 ? rc : leaf(w, "PostCode", a->postcode);
    return rc < 0 ? rc : end(w);
}

static int write_pupil(struct lrs_ctf_writer *w, const struct lrs_ctf_pupil *p)
{
    const char *const basic[] = {p->former_upn,         p->preferred_surname,
                                 p->preferred_forename, p->former_surname,
                                 p->middle_names,       p->nc_year_actual};
    const bool gender = p->sex_element == LRS_CTF_SEX_GENDER ||
                        (p->sex_element == LRS_CTF_SEX_NONE && w->use_gender);
    int rc;

    rc = start(w, "Pupil");
    rc = rc < 0 ? rc : leaf(w, "UPN", p->upn);
    rc = rc < 0 ? rc : leaf(w, "UniqueLearnerNumber", p->uln);
    rc = rc < 0 ? rc : leaf(w, "UCI", p->uci);
    rc = rc < 0 ? rc : leaf(w, "Surname", p->surname);
    rc = rc < 0 ? rc : leaf(w, "Forename", p->forename);
    rc = rc < 0 ? rc : leaf(w, "DOB", p->dob);
    rc = rc < 0 ? rc : leaf(w, gender ? "Gender" : "Sex", p->sex);
    if (any(basic, LRS_ARRAY_LEN(basic))) {
        rc = rc < 0 ? rc : start(w, "BasicDetails");
        rc = rc < 0 ? rc : leaf(w, "FormerUPN", p->former_upn);
        rc = rc < 0 ? rc : leaf(w, "PreferredSurname", p->preferred_surname);
        rc = rc < 0 ? rc : leaf(w, "PreferredForename", p->preferred_forename);
        rc = rc < 0 ? rc : leaf(w, "FormerSurname", p->former_surname);
        rc = rc < 0 ? rc : leaf(w, "MiddleNames", p->middle_names);
        rc = rc < 0 ? rc : leaf(w, "NCyearActual", p->nc_year_actual);
        rc = rc < 0 ? rc : end(w);
    }
    rc = rc < 0 ? rc : write_address(w, &p->address);
    return rc < 0 ? rc : end(w);
}

enum lrs_err lrs_ctf_writer_add(struct lrs_ctf_writer *w,
                                const struct lrs_ctf_pupil *p,
                                struct lrs_diag *diag)
{
    static const char *const names[] = {"UPN",
                                        "UniqueLearnerNumber",
                                        "UCI",
                                        "Surname",
                                        "Forename",
                                        "DOB",
                                        "Sex",
                                        "FormerUPN",
                                        "PreferredSurname",
                                        "PreferredForename",
                                        "FormerSurname",
                                        "MiddleNames",
                                        "NCyearActual",
                                        "SAON",
                                        "PAON",
                                        "Street",
                                        "Locality",
                                        "Town",
                                        "AdministrativeArea",
                                        "PostTown",
                                        "UniquePropertyReferenceNumber",
                                        "AddressLine1",
                                        "AddressLine2",
                                        "AddressLine3",
                                        "AddressLine4",
                                        "AddressLine5",
                                        "County",
                                        "PostCode"};
    const struct lrs_ctf_address *a = &p->address;
    const char *const values[] = {p->upn,
                                  p->uln,
                                  p->uci,
                                  p->surname,
                                  p->forename,
                                  p->dob,
                                  p->sex,
                                  p->former_upn,
                                  p->preferred_surname,
                                  p->preferred_forename,
                                  p->former_surname,
                                  p->middle_names,
                                  p->nc_year_actual,
                                  a->saon,
                                  a->paon,
                                  a->street,
                                  a->locality,
                                  a->town,
                                  a->administrative_area,
                                  a->post_town,
                                  a->uprn,
                                  a->lines[0],
                                  a->lines[1],
                                  a->lines[2],
                                  a->lines[3],
                                  a->lines[4],
                                  a->county,
                                  a->postcode};
    struct lrs__ctf_guard g;
    int rc;

    LRS_ASSERT(w && w->magic == WRITER_MAGIC);
    _Static_assert(LRS_ARRAY_LEN(names) == LRS_ARRAY_LEN(values),
                   "one name per value");
    if (w->err)
        return sticky(w, diag);
    /* A bad string is the caller's input: refuse it, stay usable. */
    if (check_strings(w, names, values, LRS_ARRAY_LEN(names))) {
        const enum lrs_err err = sticky(w, diag);

        w->err = LRS_OK;
        return err;
    }
    lrs__ctf_guard_enter(&g, &w->xerr);
    rc = write_pupil(w, p);
    lrs__ctf_guard_leave(&g);
    if (rc < 0) {
        (void)fail_xml(w);
        return sticky(w, diag);
    }
    return LRS_OK;
}

enum lrs_err lrs_ctf_writer_commit(struct lrs_ctf_writer *w,
                                   struct lrs_diag *diag)
{
    struct lrs__ctf_guard g;
    struct lrs_diag d = LRS_DIAG_INIT;
    enum lrs_err err;
    int rc;

    LRS_ASSERT(w && w->magic == WRITER_MAGIC);
    if (w->err)
        goto out;
    lrs__ctf_guard_enter(&g, &w->xerr);
    rc = xmlTextWriterEndDocument(w->xw);
    rc = rc < 0 ? rc : xmlTextWriterFlush(w->xw);
    lrs__ctf_guard_leave(&g);
    if (rc < 0 || w->io_errno) {
        (void)fail_xml(w);
        goto out;
    }
    err = w->mem ? LRS_OK : lrs_file_out_commit(&w->file, &d);
    if (err)
        (void)fail(w, err, "ctf", "%s", d.msg);
out:
    err = sticky(w, diag);
    writer_free(w);
    return err;
}

void lrs_ctf_writer_free(struct lrs_ctf_writer *w)
{
    if (!w)
        return;
    LRS_ASSERT(w->magic == WRITER_MAGIC);
    writer_free(w);
}
