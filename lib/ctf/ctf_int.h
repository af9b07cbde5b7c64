/*
 * ctf/ctf_int.h - what the files of lib/ctf share: the guarded byte source
 * under the XML reader, and the capture of libxml2's errors.
 *
 * Only lib/ctf includes this file.
 */
#ifndef LRS_LIB_CTF_INT_H
#define LRS_LIB_CTF_INT_H

#include <lrs/ctf.h>

#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

/* libxml2 2.12 made the structured error handler take a const pointer. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *lrs__ctf_xml_error_ptr;
#else
typedef xmlError *lrs__ctf_xml_error_ptr;
#endif

/*
 * The byte source the XML parser reads from: a file descriptor or a memory
 * block. Every byte passes a small scanner before libxml2 sees it, which
 *  - counts bytes against max_file_len;
 *  - counts bytes since the last '<' against max_run_len, so that a huge
 *    text node, comment or tag fails after max_run_len bytes, not after
 *    libxml2 has buffered it;
 *  - rejects any "<!" other than a comment before the root element, that
 *    is any DOCTYPE, so no DTD and no entity is ever declared;
 *  - rejects a first byte that is not '<', white space or a UTF-8 BOM
 *    (UTF-16 and UTF-32 files would hide markup from the scanner).
 * It tracks the line and column (in characters) of the byte it looks at,
 * so its own errors are exact.
 */
struct lrs__ctf_src {
    int fd;                        /* owned when >= 0; -1 for memory */
    const unsigned char *mem;      /* borrowed memory block, or NULL */
    size_t mem_len, mem_pos;       /* bytes of mem, bytes already handed out */
    uint64_t total;                /* bytes handed to the parser so far */
    uint64_t max_total;            /* limit on total */
    size_t run, max_run;           /* bytes since the last '<', and the limit */
    unsigned long line, col;       /* 1-based position of the next byte */
    unsigned long lt_line, lt_col; /* position of the prolog's last '<' */
    int state;                     /* prolog scanner state (source.c) */
    enum lrs_err err;              /* first error, sticky; LRS_OK if none */
    struct lrs_diag diag;          /* filled with err */
};

/** Set up `s` to read the memory block (borrowed). */
void lrs__ctf_src_init_mem(struct lrs__ctf_src *s, const void *data, size_t len,
                           uint64_t max_total, size_t max_run);
/** Set up `s` to read `fd` (owned: closed by lrs__ctf_src_release()). */
void lrs__ctf_src_init_fd(struct lrs__ctf_src *s, int fd, uint64_t max_total,
                          size_t max_run);
/** Close the descriptor, if any. */
void lrs__ctf_src_release(struct lrs__ctf_src *s);
/** libxml2 xmlInputReadCallback over a struct lrs__ctf_src: -1 on error. */
int lrs__ctf_src_read(void *ctx, char *buf, int len);

/* The first error libxml2 reported, with its position (0 when unknown). */
struct lrs__ctf_xml_err {
    bool set;      /* an error was recorded */
    bool nomem;    /* it was libxml2 running out of memory */
    int code;      /* libxml2's xmlParserErrors value */
    int line, col; /* its position, 0 when libxml2 did not know it */
    char msg[120]; /* first line of libxml2's message, trimmed */
};

/*
 * libxml2 reports errors through thread-local handlers. While liblrs calls
 * into libxml2 it installs its own (recording into an lrs__ctf_xml_err,
 * never printing) and puts the host's back afterwards, so nothing leaks
 * to stderr and no global state outlives the call.
 */
struct lrs__ctf_guard {
    xmlStructuredErrorFunc structured_fn; /* the host's handler */
    void *structured_ctx;                 /* its context */
    xmlGenericErrorFunc generic_fn;       /* the host's handler */
    void *generic_ctx;                    /* its context */
};

/** Initialise libxml2 once per process (thread-safe). */
void lrs__ctf_xml_init(void);
/** Install the recording handlers; pair with lrs__ctf_guard_leave(). */
void lrs__ctf_guard_enter(struct lrs__ctf_guard *g,
                          struct lrs__ctf_xml_err *rec);
/** Restore the handlers saved by lrs__ctf_guard_enter(). */
void lrs__ctf_guard_leave(const struct lrs__ctf_guard *g);
/** The structured handler itself, for xmlTextReaderSet...Handler(). */
void lrs__ctf_xml_error(void *ctx, lrs__ctf_xml_error_ptr e);

/** Whether `s` is valid UTF-8 made only of characters XML 1.0 allows. */
bool lrs__ctf_xml_text_ok(const char *s, size_t len);
/** Number of characters (code points) of valid UTF-8 text. */
size_t lrs__ctf_utf8_count(const char *s, size_t len);

#endif /* LRS_LIB_CTF_INT_H */
