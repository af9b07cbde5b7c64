/*
 * reader.c - the streaming CTF reader on libxml2's xmlTextReader.
 *
 * The xmlTextReader walks the document node by node and frees what it has
 * walked past, so memory stays constant whatever the file size. It reads
 * through the guarded byte source of source.c (size limits, no DOCTYPE).
 *
 * The elements the LRS uses are a table of (parent, name) pairs: each known
 * element is a container or a leaf whose text lands in a member of struct
 * lrs_ctf_header or struct lrs_ctf_pupil. A stack holds the table index of
 * the element open at each depth (-1 for unknown elements); the children
 * of an unknown element are unknown too, which is how Contacts/Contact/
 * Surname never lands in the pupil's Surname. Unknown elements are still
 * walked, so that the depth limit holds everywhere.
 *
 * Leaf text is gathered in a buffer capped at max_text_len, trimmed, and
 * copied into the pupil's arena, released when the next pupil starts.
 *
 * Speed (docs/ctf.md, "bench"): per node the reader looks at libxml2's
 * node in place and copies nothing but a kept leaf's text. Element names
 * come from the parser's dictionary, so the table's names are interned
 * in that dictionary once when the reader opens and an element is found
 * by comparing pointers, not strings. The byte source (source.c) scans
 * with memchr.
 *
 * Errors are sticky: once the reader has failed, every call returns the
 * same error and diagnostic.
 */
#include "base/base.h"

#include "ctf/ctf_int.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#define READER_MAGIC 0x43544652u /* "CTFR" */

/* ------------------------------------------------------------------ */
/* The elements the LRS uses                                          */
/* ------------------------------------------------------------------ */

enum owner { O_NONE, O_HEADER, O_PUPIL };

struct node {
    int parent;       /* table index of the parent, -1 for the document */
    const char *name; /* local name; static, also used as the diag field */
    enum owner owner; /* where a leaf's text goes; O_NONE: a container */
    size_t offset;    /* offset of the leaf's `const char *` member */
};

/* Containers first, at fixed indices, so leaves can name their parent. */
enum {
    N_CTFILE,
    N_HEADER,
    N_SOURCE,
    N_DEST,
    N_DATA,
    N_PUPIL,
    N_BASIC,
    N_ADDRESS,
    N_BS7666,
    N_LINES,
    N_PARENTS,         /* containers are N_CTFILE .. N_LINES */
    N_SEX = N_PARENTS, /* Pupil/Sex, CTF 25 onwards */
    N_GENDER,          /* Pupil/Gender, older versions */
};

/* clang-format off */
#define CONT(par, nm) {(par), (nm), O_NONE, 0}
#define HEAD(par, nm, m) \
    {(par), (nm), O_HEADER, offsetof(struct lrs_ctf_header, m)}
#define PUPIL(par, nm, m) \
    {(par), (nm), O_PUPIL, offsetof(struct lrs_ctf_pupil, m)}
/* clang-format on */

/* Element names and order: DOMAIN.md, "CTF - Common Transfer File". */
static const struct node nodes[] = {
    [N_CTFILE] = CONT(-1, "CTfile"),
    [N_HEADER] = CONT(N_CTFILE, "Header"),
    [N_SOURCE] = CONT(N_HEADER, "SourceSchool"),
    [N_DEST] = CONT(N_HEADER, "DestSchool"),
    [N_DATA] = CONT(N_CTFILE, "CTFpupilData"),
    [N_PUPIL] = CONT(N_DATA, "Pupil"),
    [N_BASIC] = CONT(N_PUPIL, "BasicDetails"),
    [N_ADDRESS] = CONT(N_PUPIL, "Address"),
    [N_BS7666] = CONT(N_ADDRESS, "BS7666Address"),
    [N_LINES] = CONT(N_ADDRESS, "AddressLines"),
    [N_SEX] = PUPIL(N_PUPIL, "Sex", sex),
    [N_GENDER] = PUPIL(N_PUPIL, "Gender", sex),
    HEAD(N_HEADER, "DocumentName", document_name),
    HEAD(N_HEADER, "CTFversion", ctf_version),
    HEAD(N_HEADER, "DateTime", date_time),
    HEAD(N_HEADER, "DocumentQualifier", document_qualifier),
    HEAD(N_HEADER, "DataQualifier", data_qualifier),
    HEAD(N_HEADER, "DataDescriptor", data_descriptor),
    HEAD(N_HEADER, "SupplierID", supplier_id),
    HEAD(N_SOURCE, "LEA", source_lea),
    HEAD(N_SOURCE, "Estab", source_estab),
    HEAD(N_SOURCE, "URN", source_urn),
    HEAD(N_SOURCE, "SchoolName", source_school_name),
    HEAD(N_SOURCE, "AcademicYear", source_academic_year),
    HEAD(N_DEST, "LEA", dest_lea),
    HEAD(N_DEST, "Estab", dest_estab),
    PUPIL(N_PUPIL, "UPN", upn),
    PUPIL(N_PUPIL, "UniqueLearnerNumber", uln),
    PUPIL(N_PUPIL, "UCI", uci),
    PUPIL(N_PUPIL, "Surname", surname),
    PUPIL(N_PUPIL, "Forename", forename),
    PUPIL(N_PUPIL, "DOB", dob),
    PUPIL(N_BASIC, "FormerUPN", former_upn),
    PUPIL(N_BASIC, "PreferredSurname", preferred_surname),
    PUPIL(N_BASIC, "PreferredForename", preferred_forename),
    PUPIL(N_BASIC, "FormerSurname", former_surname),
    PUPIL(N_BASIC, "MiddleNames", middle_names),
    PUPIL(N_BASIC, "NCyearActual", nc_year_actual),
    PUPIL(N_BS7666, "SAON", address.saon),
    PUPIL(N_BS7666, "PAON", address.paon),
    PUPIL(N_BS7666, "Street", address.street),
    PUPIL(N_BS7666, "Locality", address.locality),
    PUPIL(N_BS7666, "Town", address.town),
    PUPIL(N_BS7666, "AdministrativeArea", address.administrative_area),
    PUPIL(N_BS7666, "PostTown", address.post_town),
    PUPIL(N_BS7666, "UniquePropertyReferenceNumber", address.uprn),
    PUPIL(N_LINES, "AddressLine1", address.lines[0]),
    PUPIL(N_LINES, "AddressLine2", address.lines[1]),
    PUPIL(N_LINES, "AddressLine3", address.lines[2]),
    PUPIL(N_LINES, "AddressLine4", address.lines[3]),
    PUPIL(N_LINES, "AddressLine5", address.lines[4]),
    PUPIL(N_ADDRESS, "County", address.county),
    PUPIL(N_ADDRESS, "PostCode", address.postcode),
};

/* One bit per node marks it seen, to refuse duplicates. */
_Static_assert(LRS_ARRAY_LEN(nodes) <= 64, "seen mask is a uint64_t");

static bool is_leaf(int id)
{
    return id >= 0 && nodes[id].owner != O_NONE;
}

/* The nodes inside a Pupil, one bit each: their seen bits reset per pupil. */
static uint64_t pupil_mask(void)
{
    uint64_t mask = 0;

    for (size_t id = 0; id < LRS_ARRAY_LEN(nodes); id++)
        for (int i = (int)id; i >= 0; i = nodes[i].parent)
            if (i == N_PUPIL)
                mask |= UINT64_C(1) << id;
    return mask;
}

/* ------------------------------------------------------------------ */
/* The reader object                                                  */
/* ------------------------------------------------------------------ */

enum event { EV_NONE, EV_HEADER, EV_PUPIL, EV_END };

#define MAX_KIDS 16 /* children of one container (Pupil has 10) */

struct lrs_ctf_reader {
    unsigned magic;
    xmlTextReaderPtr xr;          /* owned */
    struct lrs__ctf_src src;      /* the bytes under xr */
    struct lrs__ctf_xml_err xerr; /* libxml2's first error */
    struct lrs_ctf_limits lim;
    struct lrs_arena header_arena; /* header strings, for the reader's life */
    struct lrs_arena pupil_arena;  /* the current pupil's strings */
    struct lrs_ctf_header header;
    struct lrs_ctf_pupil pupil;
    struct lrs_buf text; /* the open leaf's text so far */
    uint64_t seen;       /* nodes seen, one bit each */
    uint64_t in_pupil;   /* pupil_mask() */
    /* nodes[i].name interned in the parser's dictionary (owned by it),
     * and whether element names come from that dictionary (decided at the
     * root; when not, names are compared as strings). */
    const xmlChar *names[LRS_ARRAY_LEN(nodes)];
    bool interned;
    /* The children of each container (index parent + 1: the document
     * first), so finding an element compares a handful of pointers. */
    signed char kids[N_PARENTS + 1][MAX_KIDS];
    unsigned char kid_count[N_PARENTS + 1];
    uint64_t ordinal;      /* pupils started */
    unsigned long ws_line; /* line where the last text node ended */
    bool root_seen, root_closed, header_done, at_end;
    enum lrs_err err;                 /* sticky error, LRS_OK if none */
    struct lrs_diag diag;             /* the sticky error's diagnostic */
    int stack[LRS_CTF_MAX_DEPTH_CAP]; /* node index per depth, -1 unknown */
};

void lrs_ctf_limits_init(struct lrs_ctf_limits *lim)
{
    lim->max_file_len = LRS_CTF_MAX_FILE_LEN_DEFAULT;
    lim->max_text_len = LRS_CTF_MAX_TEXT_LEN_DEFAULT;
    lim->max_run_len = LRS_CTF_MAX_RUN_LEN_DEFAULT;
    lim->max_depth = LRS_CTF_MAX_DEPTH_DEFAULT;
}

/* Point every string member of the header or the pupil at "". */
static void strings_clear(enum owner owner, void *obj)
{
    for (size_t i = 0; i < LRS_ARRAY_LEN(nodes); i++)
        if (nodes[i].owner == owner)
            *(const char **)(void *)((char *)obj + nodes[i].offset) = "";
}

/*
 * Fail the reader for good. `line` 0 leaves the position out, `col` 0
 * leaves the column out.
 */
static enum lrs_err fail(struct lrs_ctf_reader *r, enum lrs_err err,
                         const char *field, long line, long col,
                         const char *fmt, ...) LRS_PRINTF(6, 7);

static enum lrs_err fail(struct lrs_ctf_reader *r, enum lrs_err err,
                         const char *field, long line, long col,
                         const char *fmt, ...)
{
    char what[sizeof r->diag.msg];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (line > 0 && col > 0)
        lrs_diag_set(&r->diag, field, "line %ld, column %ld: %s", line, col,
                     what);
    else if (line > 0)
        lrs_diag_set(&r->diag, field, "line %ld: %s", line, what);
    else
        lrs_diag_set(&r->diag, field, "%s", what);
    r->err = LRS_ERR(err);
    return r->err;
}

/* The source line of the node the xmlTextReader is on. */
static long node_line(struct lrs_ctf_reader *r)
{
    const xmlNode *n = xmlTextReaderCurrentNode(r->xr);

    return n ? xmlGetLineNo(n) : 0;
}

/* The table index of element `name` under node `parent` (-1: the
 * document), -1 if not kept (a leaf has no children). */
static int node_find(const struct lrs_ctf_reader *r, int parent,
                     const xmlChar *name)
{
    const signed char *kid;
    unsigned n;

    if (parent >= N_PARENTS)
        return -1;
    kid = r->kids[parent + 1];
    n = r->kid_count[parent + 1];
    for (unsigned i = 0; i < n; i++) {
        const int id = kid[i];

        if (r->interned ? r->names[id] == name
                        : strcmp(nodes[id].name, (const char *)name) == 0)
            return id;
    }
    return -1;
}

/* Fill r->kids from the table. */
static void kids_init(struct lrs_ctf_reader *r)
{
    for (size_t i = 0; i < LRS_ARRAY_LEN(nodes); i++) {
        const int slot = nodes[i].parent + 1;

        if (slot > N_PARENTS || r->kid_count[slot] == MAX_KIDS)
            LRS_BUG("the CTF node table does not fit r->kids");
        r->kids[slot][r->kid_count[slot]++] = (signed char)i;
    }
}

/*
 * Turn a failed or suspicious xmlTextReaderRead() into the reader's error:
 * the byte source's own refusal first (it is the cause of whatever libxml2
 * said next), then libxml2's first error.
 */
static enum lrs_err fail_from_xml(struct lrs_ctf_reader *r)
{
    if (r->src.err) {
        r->err = r->src.err;
        r->diag = r->src.diag;
        return r->err;
    }
    if (r->xerr.set && r->xerr.nomem)
        return fail(r, LRS_ENOMEM, NULL, 0, 0, "out of memory");
    /* In push mode libxml2 calls a truncated file "extra content at the
     * end of the document"; say what happened instead. */
    if (r->xerr.set && r->xerr.code == XML_ERR_DOCUMENT_END && r->root_seen &&
        !r->root_closed)
        return fail(r, LRS_EINVAL, "ctf", r->xerr.line, r->xerr.col,
                    "the file ends inside the document (truncated)");
    if (r->xerr.set)
        return fail(r, LRS_EINVAL, "ctf", r->xerr.line, r->xerr.col, "%s",
                    r->xerr.msg);
    return fail(r, LRS_EINVAL, "ctf", xmlTextReaderGetParserLineNumber(r->xr),
                xmlTextReaderGetParserColumnNumber(r->xr), "malformed XML");
}

/* ------------------------------------------------------------------ */
/* Walking the document                                               */
/* ------------------------------------------------------------------ */

static void pupil_begin(struct lrs_ctf_reader *r)
{
    lrs_arena_release(&r->pupil_arena);
    memset(&r->pupil, 0, sizeof r->pupil);
    strings_clear(O_PUPIL, &r->pupil);
    r->seen &= ~r->in_pupil;
    r->pupil.ordinal = ++r->ordinal;
    r->pupil.line = (unsigned long)node_line(r);
    /* libxml2 keeps element lines below 65535 only; past that,
     * xmlGetLineNo() estimates from the first child, usually a line late.
     * A text node's line is where it ends, so the white space just before
     * <Pupil> gives its line exactly. */
    if (r->pupil.line >= 65535 && r->ws_line > r->pupil.line - 2)
        r->pupil.line = r->ws_line;
}

static enum lrs_err element_start(struct lrs_ctf_reader *r, int depth,
                                  const xmlChar *name)
{
    const int parent = depth > 0 ? r->stack[depth - 1] : -1;
    int id = -1;

    if (depth == 0) {
        /* libxml2 takes element names from its dictionary unless told
         * otherwise (XML_PARSE_NODICT); compare strings if it did not. */
        r->interned = name == r->names[N_CTFILE];
        if (strcmp((const char *)name, "CTfile") != 0)
            return fail(r, LRS_EINVAL, "CTfile", node_line(r), 0,
                        "root element is '%.40s', not 'CTfile'",
                        (const char *)name);
        r->root_seen = true;
    }
    if (depth == 0 || parent >= 0)
        id = node_find(r, parent, name);
    r->stack[depth] = id;
    if (id < 0 || id == N_PUPIL) {
        if (id == N_PUPIL)
            pupil_begin(r);
        return LRS_OK;
    }
    if (id == N_DATA && !r->header_done)
        return fail(r, LRS_EINVAL, "Header", node_line(r), 0,
                    "CTFpupilData comes before the Header");
    if (r->seen & (UINT64_C(1) << id))
        return fail(r, LRS_EINVAL, nodes[id].name, node_line(r), 0,
                    "element '%s' appears twice", nodes[id].name);
    r->seen |= UINT64_C(1) << id;
    if (id == N_SEX || id == N_GENDER) {
        if (r->pupil.sex_element != LRS_CTF_SEX_NONE)
            return fail(r, LRS_EINVAL, nodes[id].name, node_line(r), 0,
                        "pupil has both 'Sex' and 'Gender'");
        r->pupil.sex_element =
            id == N_SEX ? LRS_CTF_SEX_SEX : LRS_CTF_SEX_GENDER;
    }
    if (id == N_BS7666)
        r->pupil.address.has_bs7666 = true;
    if (id == N_LINES)
        r->pupil.address.has_lines = true;
    if (is_leaf(id))
        lrs_buf_reset(&r->text);
    return LRS_OK;
}

/* Store the finished leaf's trimmed text into its member. */
static enum lrs_err leaf_end(struct lrs_ctf_reader *r, int id)
{
    const struct node *n = &nodes[id];
    const struct lrs_str t = lrs_str_trim(lrs_buf_str(&r->text));
    struct lrs_arena *a;
    char *obj, *copy;

    if (n->owner == O_HEADER) {
        a = &r->header_arena;
        obj = (char *)&r->header;
    } else {
        a = &r->pupil_arena;
        obj = (char *)&r->pupil;
    }
    copy = lrs_arena_strndup(a, t.ptr, t.len);
    if (!copy)
        return fail(r, LRS_ENOMEM, NULL, 0, 0, "out of memory");
    *(const char **)(void *)(obj + n->offset) = copy;
    return LRS_OK;
}

static enum lrs_err element_end(struct lrs_ctf_reader *r, int depth,
                                enum event *ev)
{
    const int id = r->stack[depth];

    if (depth == 0)
        r->root_closed = true;
    if (is_leaf(id))
        return leaf_end(r, id);
    if (id == N_HEADER) {
        r->header_done = true;
        *ev = EV_HEADER;
    } else if (id == N_PUPIL) {
        *ev = EV_PUPIL;
    }
    return LRS_OK;
}

static enum lrs_err on_text(struct lrs_ctf_reader *r, int depth,
                            const xmlNode *node)
{
    const int id = depth > 0 ? r->stack[depth - 1] : -1;
    enum lrs_err err;

    if (!is_leaf(id))
        return LRS_OK;
    if (!node->content)
        return LRS_OK; /* an empty CDATA section */
    err = lrs_buf_adds(&r->text, (const char *)node->content);
    if (err == LRS_ELIMIT)
        return fail(r, LRS_ELIMIT, nodes[id].name, node_line(r), 0,
                    "text of '%s' is longer than %zu bytes", nodes[id].name,
                    r->lim.max_text_len);
    if (err)
        return fail(r, err, NULL, 0, 0, "out of memory");
    return LRS_OK;
}

/*
 * Handle the node the xmlTextReader is on; *ev says if a unit finished.
 * Elements and text, nearly every node, are read off libxml2's node in
 * place: a text node's content and an element's local name (node->name
 * under SAX2, interned) are what xmlTextReaderConstValue() and
 * xmlTextReaderConstLocalName() return, without their checks, and
 * xmlTextReaderNodeType() would test every text node for blankness.
 */
static enum lrs_err on_node(struct lrs_ctf_reader *r, enum event *ev)
{
    const xmlNode *node = xmlTextReaderCurrentNode(r->xr);
    const int depth = xmlTextReaderDepth(r->xr);
    enum lrs_err err;

    if (depth < 0 || !node)
        return fail_from_xml(r);
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
        r->ws_line = (unsigned long)xmlGetLineNo(node);
        return on_text(r, depth, node);
    }
    switch (xmlTextReaderNodeType(r->xr)) {
    case XML_READER_TYPE_ELEMENT:
        if ((unsigned)depth >= r->lim.max_depth)
            return fail(r, LRS_ELIMIT, "ctf", node_line(r), 0,
                        "elements nested deeper than %u", r->lim.max_depth);
        if (!node->name)
            return fail(r, LRS_ENOMEM, NULL, 0, 0, "out of memory");
        err = element_start(r, depth, node->name);
        if (!err && xmlTextReaderIsEmptyElement(r->xr) == 1)
            err = element_end(r, depth, ev);
        return err;
    case XML_READER_TYPE_END_ELEMENT:
        return element_end(r, depth, ev);
    case XML_READER_TYPE_DOCUMENT_TYPE:
    case XML_READER_TYPE_ENTITY_REFERENCE:
    case XML_READER_TYPE_ENTITY:
        /* source.c refuses a DOCTYPE first; this is defence in depth. */
        return fail(r, LRS_EINVAL, "ctf", node_line(r), 0,
                    "DTDs and entities are not allowed in a CTF");
    default:
        return LRS_OK; /* comments, processing instructions */
    }
}

/* Read nodes until a header or a pupil is complete, or the file ends. */
static enum lrs_err advance(struct lrs_ctf_reader *r, enum event *ev)
{
    struct lrs__ctf_guard g;
    enum lrs_err err = LRS_OK;

    *ev = EV_NONE;
    lrs__ctf_guard_enter(&g, &r->xerr);
    while (!err && *ev == EV_NONE) {
        const int rc = xmlTextReaderRead(r->xr);

        if (rc < 0 || r->xerr.set || r->src.err) {
            err = fail_from_xml(r);
        } else if (rc == 0) {
            r->at_end = true;
            *ev = EV_END;
        } else {
            err = on_node(r, ev);
        }
    }
    lrs__ctf_guard_leave(&g);
    if (!err && *ev == EV_END && !r->header_done)
        err = fail(r, LRS_EINVAL, "Header", 0, 0, "no Header in the file");
    return err;
}

/* ------------------------------------------------------------------ */
/* Public functions                                                   */
/* ------------------------------------------------------------------ */

static enum lrs_err reader_new(const struct lrs_ctf_limits *limits,
                               struct lrs_ctf_reader **out,
                               struct lrs_diag *diag)
{
    struct lrs_ctf_reader *r = lrs_calloc(1, sizeof *r);

    if (!r) {
        lrs_diag_set(diag, NULL, "out of memory");
        return LRS_ERR(LRS_ENOMEM);
    }
    r->magic = READER_MAGIC;
    if (limits)
        r->lim = *limits;
    else
        lrs_ctf_limits_init(&r->lim);
    if (r->lim.max_depth == 0 || r->lim.max_depth > LRS_CTF_MAX_DEPTH_CAP)
        r->lim.max_depth = LRS_CTF_MAX_DEPTH_CAP;
    lrs_buf_init(&r->text, r->lim.max_text_len);
    r->in_pupil = pupil_mask();
    kids_init(r);
    strings_clear(O_HEADER, &r->header);
    strings_clear(O_PUPIL, &r->pupil);
    *out = r;
    return LRS_OK;
}

/*
 * The parser options: no network, CDATA as text, line numbers past 65535
 * where libxml2 can keep them. Deliberately absent: XML_PARSE_NOENT (entity
 * substitution), XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR, XML_PARSE_DTDVALID,
 * XML_PARSE_XINCLUDE and XML_PARSE_HUGE (which would lift libxml2's own
 * size and depth limits).
 */
#define PARSE_OPTIONS                                                          \
    (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES)

/* Create the xmlTextReader over r->src; takes the reader on failure. */
static enum lrs_err reader_start(struct lrs_ctf_reader *r,
                                 struct lrs_ctf_reader **out,
                                 struct lrs_diag *diag)
{
    struct lrs__ctf_guard g;
    enum lrs_err err = LRS_OK;

    lrs__ctf_xml_init();
    lrs__ctf_guard_enter(&g, &r->xerr);
    r->xr = xmlReaderForIO(lrs__ctf_src_read, NULL, &r->src, NULL, NULL,
                           PARSE_OPTIONS);
    if (r->xr)
        xmlTextReaderSetStructuredErrorHandler(r->xr, lrs__ctf_xml_error,
                                               &r->xerr);
    for (size_t i = 0; r->xr && i < LRS_ARRAY_LEN(nodes); i++) {
        r->names[i] =
            xmlTextReaderConstString(r->xr, (const xmlChar *)nodes[i].name);
        if (!r->names[i])
            err = LRS_ERR(LRS_ENOMEM);
    }
    lrs__ctf_guard_leave(&g);
    if (r->src.err) {
        err = r->src.err;
        if (diag)
            *diag = r->src.diag;
    } else if (!r->xr || err) {
        err = LRS_ERR(LRS_ENOMEM);
        lrs_diag_set(diag, NULL, "out of memory");
    }
    if (err) {
        lrs_ctf_reader_free(r);
        return err;
    }
    *out = r;
    return LRS_OK;
}

enum lrs_err lrs_ctf_reader_open_mem(const char *data, size_t len,
                                     const struct lrs_ctf_limits *limits,
                                     struct lrs_ctf_reader **out,
                                     struct lrs_diag *diag)
{
    struct lrs_ctf_reader *r;
    enum lrs_err err;

    *out = NULL;
    err = reader_new(limits, &r, diag);
    if (err)
        return err;
    if ((uint64_t)len > r->lim.max_file_len) {
        lrs_diag_set(diag, "ctf",
                     "file is %zu bytes, larger than the limit of %llu", len,
                     (unsigned long long)r->lim.max_file_len);
        lrs_ctf_reader_free(r);
        return LRS_ERR(LRS_ELIMIT);
    }
    lrs__ctf_src_init_mem(&r->src, data, len, r->lim.max_file_len,
                          r->lim.max_run_len);
    return reader_start(r, out, diag);
}

enum lrs_err lrs_ctf_reader_open_file(const char *path,
                                      const struct lrs_ctf_limits *limits,
                                      struct lrs_ctf_reader **out,
                                      struct lrs_diag *diag)
{
    struct lrs_ctf_reader *r;
    struct stat st;
    enum lrs_err err;
    int fd;

    *out = NULL;
    err = reader_new(limits, &r, diag);
    if (err)
        return err;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        lrs_diag_set(diag, "ctf", "cannot open: %s",
                     fd >= 0 && S_ISDIR(st.st_mode) ? "is a directory"
                                                    : strerror(errno));
        if (fd >= 0)
            close(fd);
        lrs_ctf_reader_free(r);
        return LRS_ERR(LRS_EIO);
    }
    lrs__ctf_src_init_fd(&r->src, fd, r->lim.max_file_len, r->lim.max_run_len);
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > r->lim.max_file_len) {
        lrs_diag_set(
            diag, "ctf", "file is %lld bytes, larger than the limit of %llu",
            (long long)st.st_size, (unsigned long long)r->lim.max_file_len);
        lrs_ctf_reader_free(r);
        return LRS_ERR(LRS_ELIMIT);
    }
    return reader_start(r, out, diag);
}

void lrs_ctf_reader_free(struct lrs_ctf_reader *r)
{
    struct lrs__ctf_guard g;

    if (!r)
        return;
    LRS_ASSERT(r->magic == READER_MAGIC);
    if (r->xr) {
        lrs__ctf_guard_enter(&g, &r->xerr);
        xmlFreeTextReader(r->xr);
        lrs__ctf_guard_leave(&g);
    }
    lrs__ctf_src_release(&r->src);
    lrs_arena_release(&r->header_arena);
    lrs_arena_release(&r->pupil_arena);
    lrs_buf_release(&r->text);
    LRS_POISON(r, sizeof *r);
    lrs_free(r);
}

/* Return the sticky error, copying its diagnostic to the caller. */
static enum lrs_err sticky(const struct lrs_ctf_reader *r,
                           struct lrs_diag *diag)
{
    if (diag)
        *diag = r->diag;
    return r->err;
}

enum lrs_err lrs_ctf_reader_header(struct lrs_ctf_reader *r,
                                   const struct lrs_ctf_header **out,
                                   struct lrs_diag *diag)
{
    enum event ev = EV_NONE;

    LRS_ASSERT(r && r->magic == READER_MAGIC);
    *out = NULL;
    while (!r->err && !r->header_done) {
        if (advance(r, &ev) == LRS_OK && ev == EV_PUPIL)
            LRS_BUG("pupil before the header was done");
    }
    if (r->err)
        return sticky(r, diag);
    *out = &r->header;
    return LRS_OK;
}

enum lrs_err lrs_ctf_reader_next(struct lrs_ctf_reader *r,
                                 const struct lrs_ctf_pupil **out,
                                 struct lrs_diag *diag)
{
    const struct lrs_ctf_header *h;
    enum event ev = EV_NONE;

    LRS_ASSERT(r && r->magic == READER_MAGIC);
    *out = NULL;
    if (lrs_ctf_reader_header(r, &h, diag))
        return r->err;
    while (!r->err && !r->at_end && ev != EV_PUPIL)
        (void)advance(r, &ev);
    if (r->err)
        return sticky(r, diag);
    if (ev == EV_PUPIL)
        *out = &r->pupil;
    return LRS_OK;
}

enum lrs_err lrs_ctf_check_file(const char *path,
                                const struct lrs_ctf_limits *limits,
                                uint64_t *pupil_count, struct lrs_diag *diag)
{
    struct lrs_ctf_reader *r;
    const struct lrs_ctf_pupil *p;
    uint64_t n = 0;
    enum lrs_err err;

    err = lrs_ctf_reader_open_file(path, limits, &r, diag);
    if (err)
        return err;
    do {
        err = lrs_ctf_reader_next(r, &p, diag);
        n += p != NULL;
    } while (!err && p);
    lrs_ctf_reader_free(r);
    if (!err && pupil_count)
        *pupil_count = n;
    return err;
}
