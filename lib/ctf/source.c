/*
 * source.c - the guarded byte source under the CTF reader.
 *
 * libxml2 pulls bytes through lrs__ctf_src_read(). Before handing them on,
 * a byte-at-a-time scanner enforces what must hold before the parser sees
 * anything: the size limits, and no DOCTYPE. Refusing a DOCTYPE here means
 * no DTD is ever parsed, so no entity can be declared, and billion-laughs
 * or external-entity files fail at their first "<!D" whatever libxml2's
 * own settings are. The scanner's state machine only follows the prolog
 * (the part before the root element); after it, it only counts.
 */
#include "base/base.h"

#include "ctf/ctf_int.h"

#include <unistd.h>

/* Scanner states: the prolog, then S_BODY for the rest of the file. */
enum {
    S_START,      /* nothing read yet */
    S_BOM1,       /* read EF of a UTF-8 byte-order mark */
    S_BOM2,       /* read EF BB */
    S_PROLOG,     /* between markup before the root element */
    S_LT,         /* read '<' in the prolog */
    S_PI,         /* inside <? ... ?> */
    S_PI_Q,       /* read '?' inside a processing instruction */
    S_BANG,       /* read "<!" */
    S_BANG_DASH,  /* read "<!-" */
    S_COMMENT,    /* inside <!-- ... --> */
    S_COMMENT_D1, /* read '-' inside a comment */
    S_COMMENT_D2, /* read "--" inside a comment */
    S_BODY,       /* the root element has started */
};

void lrs__ctf_src_init_mem(struct lrs__ctf_src *s, const void *data, size_t len,
                           uint64_t max_total, size_t max_run)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->mem = data;
    s->mem_len = len;
    s->max_total = max_total;
    s->max_run = max_run;
    s->line = 1;
    s->col = 1;
    s->state = S_START;
}

void lrs__ctf_src_init_fd(struct lrs__ctf_src *s, int fd, uint64_t max_total,
                          size_t max_run)
{
    lrs__ctf_src_init_mem(s, NULL, 0, max_total, max_run);
    s->fd = fd;
}

void lrs__ctf_src_release(struct lrs__ctf_src *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
}

static int fail_at(struct lrs__ctf_src *s, enum lrs_err err, unsigned long line,
                   unsigned long col, const char *what)
{
    s->err = LRS_ERR(err);
    lrs_diag_set(&s->diag, "ctf", "line %lu, column %lu: %s", line, col, what);
    return -1;
}

/* Follow the prolog one byte; returns -1 (with s->err set) to refuse. */
static int prolog_step(struct lrs__ctf_src *s, unsigned char c)
{
    static const char doctype[] =
        "a DOCTYPE is not allowed in a CTF (no DTDs, no entities)";

    switch (s->state) {
    case S_START:
        if (c == 0xef) {
            s->state = S_BOM1;
        } else if (c == '<') {
            s->state = S_LT;
            s->lt_line = s->line;
            s->lt_col = s->col;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            s->state = S_PROLOG;
        } else if (c == 0x00 || c == 0xfe || c == 0xff) {
            return fail_at(s, LRS_EINVAL, s->line, s->col,
                           "unsupported encoding (UTF-16 or UTF-32); a CTF "
                           "must be UTF-8");
        } else {
            return fail_at(s, LRS_EINVAL, s->line, s->col,
                           "not XML: a CTF starts with '<'");
        }
        return 0;
    case S_BOM1:
    case S_BOM2:
        if (c != (s->state == S_BOM1 ? 0xbb : 0xbf))
            return fail_at(s, LRS_EINVAL, 1, 1,
                           "invalid UTF-8 byte-order mark");
        s->state = s->state == S_BOM1 ? S_BOM2 : S_PROLOG;
        return 0;
    case S_PROLOG:
        if (c == '<') {
            s->state = S_LT;
            s->lt_line = s->line;
            s->lt_col = s->col;
        }
        return 0;
    case S_LT:
        s->state = c == '?' ? S_PI : c == '!' ? S_BANG : S_BODY;
        return 0;
    case S_PI:
    case S_PI_Q:
        if (c == '?')
            s->state = S_PI_Q;
        else
            s->state = s->state == S_PI_Q && c == '>' ? S_PROLOG : S_PI;
        return 0;
    case S_BANG:
    case S_BANG_DASH:
        /* In a prolog, "<!" starts a comment or a DOCTYPE, nothing else. */
        if (c != '-')
            return fail_at(s, LRS_EINVAL, s->lt_line, s->lt_col, doctype);
        s->state = s->state == S_BANG ? S_BANG_DASH : S_COMMENT;
        return 0;
    case S_COMMENT:
        if (c == '-')
            s->state = S_COMMENT_D1;
        return 0;
    case S_COMMENT_D1:
        s->state = c == '-' ? S_COMMENT_D2 : S_COMMENT;
        return 0;
    case S_COMMENT_D2:
        s->state = c == '>' ? S_PROLOG : c == '-' ? S_COMMENT_D2 : S_COMMENT;
        return 0;
    default:
        return 0;
    }
}

/* The last `c` in the `n` bytes at `p`, or NULL (memrchr is GNU only). */
static const unsigned char *last_of(const unsigned char *p, size_t n,
                                    unsigned char c)
{
    while (n > 0)
        if (p[--n] == c)
            return p + n;
    return NULL;
}

/* Move the position (line, column) past `n` bytes. */
static void advance_pos(struct lrs__ctf_src *s, const unsigned char *p,
                        size_t n)
{
    const unsigned char *nl = last_of(p, n, '\n');
    unsigned long lines = 0, chars = 0;
    size_t from = 0;

    /* Two simple loops the compiler vectorises. Columns count characters:
     * UTF-8 continuation bytes do not. */
    if (nl) {
        for (size_t i = 0; i <= (size_t)(nl - p); i++)
            lines += p[i] == '\n';
        from = (size_t)(nl - p) + 1;
        s->line += lines;
        s->col = 1;
    }
    for (size_t i = from; i < n; i++)
        chars += (p[i] & 0xc0) != 0x80;
    s->col += chars;
}

static int fail_run(struct lrs__ctf_src *s)
{
    char what[120];

    snprintf(what, sizeof what,
             "more than %zu bytes without markup (a text node, comment or "
             "tag too large)",
             s->max_run);
    return fail_at(s, LRS_ELIMIT, s->line, s->col, what);
}

/*
 * The body: only the run limit and the position. s->run counts the bytes
 * since the last '<'; the byte that takes it past max_run is refused, at
 * its own position. When the block is no longer than max_run, only the
 * runs at its two ends can be too long (those inside are shorter than the
 * block), so the first and the last '<' do; else '<' by '<'.
 */
static int scan_body(struct lrs__ctf_src *s, const unsigned char *p, size_t n)
{
    size_t i = 0;

    if (n <= s->max_run) {
        const unsigned char *first = memchr(p, '<', n);
        const size_t head = first ? (size_t)(first - p) : n;

        if (s->run + head <= s->max_run) {
            const unsigned char *last = first ? last_of(p, n, '<') : NULL;

            s->run = last ? n - (size_t)(last - p) - 1 : s->run + n;
            advance_pos(s, p, n);
            return 0;
        }
    }
    while (i < n) {
        const unsigned char *lt = memchr(p + i, '<', n - i);
        const size_t upto = lt ? (size_t)(lt - p) : n;

        if (s->run + (upto - i) > s->max_run) {
            const size_t bad = i + (s->max_run - s->run);

            advance_pos(s, p + i, bad - i);
            return fail_run(s);
        }
        s->run = lt ? 0 : s->run + (upto - i);
        advance_pos(s, p + i, upto + (lt != NULL) - i);
        i = upto + (lt != NULL);
    }
    return 0;
}

/* Pass `n` bytes through the scanner; -1 (s->err set) to refuse them. */
static int scan(struct lrs__ctf_src *s, const unsigned char *p, size_t n)
{
    size_t i = 0;

    /* The prolog byte by byte, until the root element starts. */
    for (; i < n && s->state != S_BODY; i++) {
        const unsigned char c = p[i];

        if (prolog_step(s, c) != 0)
            return -1;
        if (c == '<')
            s->run = 0;
        else if (++s->run > s->max_run)
            return fail_run(s);
        advance_pos(s, &p[i], 1);
    }
    return i < n ? scan_body(s, p + i, n - i) : 0;
}

static ssize_t fill(struct lrs__ctf_src *s, unsigned char *buf, size_t len)
{
    ssize_t n;

    if (s->fd < 0) {
        n = (ssize_t)(s->mem_len - s->mem_pos < len ? s->mem_len - s->mem_pos
                                                    : len);
        if (n > 0)
            memcpy(buf, s->mem + s->mem_pos, (size_t)n);
        s->mem_pos += (size_t)n;
        return n;
    }
    do {
        n = read(s->fd, buf, len);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        s->err = LRS_ERR(LRS_EIO);
        lrs_diag_set(&s->diag, "ctf", "cannot read: %s", strerror(errno));
    }
    return n;
}

int lrs__ctf_src_read(void *ctx, char *buf, int len)
{
    struct lrs__ctf_src *s = ctx;
    ssize_t n;

    if (s->err)
        return -1;
    if (len <= 0)
        return 0;
    n = fill(s, (unsigned char *)buf, (size_t)len);
    if (n < 0)
        return -1;
    if ((uint64_t)n > s->max_total - s->total) {
        s->err = LRS_ERR(LRS_ELIMIT);
        lrs_diag_set(&s->diag, "ctf",
                     "file is larger than the limit of %llu bytes",
                     (unsigned long long)s->max_total);
        return -1;
    }
    s->total += (uint64_t)n;
    if (scan(s, (const unsigned char *)buf, (size_t)n) != 0)
        return -1;
    return (int)n;
}
