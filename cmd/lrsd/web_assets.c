/*
 * web_assets.c - where the web files are, and serving them under /assets.
 *
 * The web root is a directory laid out as the source tree's web/:
 *
 *   static/openlrs.css, static/openlrs.js     our own few lines
 *   node_modules/govuk-frontend/dist/govuk/   GOV.UK Frontend, from npm
 *
 * It is, in order: --web-root; share/openlrs/web beside the program's
 * bin/ directory (an installed lrsd); the web/ directory of the source
 * tree the program was built from (a build tree: make run, the tests).
 * A root counts when it has static/openlrs.css. docs/web.md.
 *
 * URLs: /assets/govuk-frontend.min.{css,js} and /assets/{fonts,images}/x
 * are GOV.UK Frontend's (its stylesheet asks for /assets/fonts/...);
 * /assets/openlrs.{css,js} are ours. File names are checked against a
 * strict alphabet before any path is made, so no request can leave the
 * root.
 */
#include "pages.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef LRSD_WEB_SRC
#define LRSD_WEB_SRC ""
#endif

#define GOVUK_DIR "node_modules/govuk-frontend/dist/govuk"

static char web_root[PATH_MAX];

static bool is_root(const char *dir)
{
    char path[PATH_MAX];
    struct stat st;

    if (!dir || !dir[0])
        return false;
    snprintf(path, sizeof path, "%s/static/openlrs.css", dir);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* share/openlrs/web beside the directory of the running program. */
static bool beside_program(char *out, size_t out_len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;

    if (n <= 0)
        return false;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (!slash)
        return false;
    *slash = '\0';
    if (strlen(exe) + sizeof "/../share/openlrs/web" > out_len)
        return false;
    memcpy(out, exe, strlen(exe));
    memcpy(out + strlen(exe), "/../share/openlrs/web",
           sizeof "/../share/openlrs/web");
    return is_root(out);
}

void lrsd_web_init(const char *root)
{
    char govuk[PATH_MAX + 64];
    struct stat st;
    char q[PATH_MAX + 8];

    web_root[0] = '\0';
    if (root)
        snprintf(web_root, sizeof web_root, "%s", root);
    else if (!beside_program(web_root, sizeof web_root))
        snprintf(web_root, sizeof web_root, "%s", LRSD_WEB_SRC);
    if (!is_root(web_root)) {
        lrsd_log(LRS_LOG_WARN, "web", NULL, "no web root; pages unstyled",
                 "root=%s", lrsd_log_quote(web_root, q, sizeof q));
        web_root[0] = '\0';
        return;
    }
    snprintf(govuk, sizeof govuk, "%s/" GOVUK_DIR "/govuk-frontend.min.css",
             web_root);
    if (stat(govuk, &st) != 0)
        lrsd_log(LRS_LOG_WARN, "web", NULL,
                 "GOV.UK Frontend missing; run make deps", "root=%s",
                 lrsd_log_quote(web_root, q, sizeof q));
    else
        lrsd_log(LRS_LOG_INFO, "web", NULL, "web root", "root=%s",
                 lrsd_log_quote(web_root, q, sizeof q));
}

/* Whether `name` is a plain file name: [A-Za-z0-9._-], no leading dot. */
static bool plain_name(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > 100 || name[0] == '.')
        return false;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "0123456789._-") == n;
}

static const char *content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".json", "application/json"},
        {".map", "application/json"},
    };
    const char *dot = strrchr(name, '.');

    for (size_t i = 0; dot && i < LRSD_LEN(types); i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}

static void not_found(struct lrsd_req *r)
{
    static const char body[] = "Not found\n";

    lrsd_reply_data(r, 404, "text/plain; charset=utf-8", body, sizeof body - 1);
}

/* Reply with the file at `path`, or 404. Assets are small (< 200 KiB). */
static void send_file(struct lrsd_req *r, const char *path, const char *type)
{
    struct lrs_buf b = LRS_BUF_INIT;
    char chunk[16384];
    FILE *f = fopen(path, "rb");
    size_t n;

    if (!f) {
        not_found(r);
        return;
    }
    lrs_buf_init(&b, 8u << 20);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (lrs_buf_add(&b, chunk, n) != LRS_OK) {
            fclose(f);
            lrs_buf_release(&b);
            lrsd_reply_error(r, 500, "LRSD0500", NULL, "asset too large");
            return;
        }
    }
    fclose(f);
    lrsd_reply_data(r, 200, type, b.data, b.len);
    lrs_buf_release(&b);
}

/* GET /assets/{name} and /assets/{dir}/{name}. */
void lrsd_p_asset(struct lrsd_req *r)
{
    const char *a = lrsd_param(r, 0);
    const char *b = r->param_count > 1 ? lrsd_param(r, 1) : NULL;
    const char *name = b ? b : a, *type;
    char path[PATH_MAX + 256];

    if (!web_root[0] || !a || !plain_name(a) || (b && !plain_name(b))) {
        not_found(r);
        return;
    }
    type = content_type(name);
    if (!type) {
        not_found(r);
        return;
    }
    if (b && (strcmp(a, "fonts") == 0 || strcmp(a, "images") == 0))
        snprintf(path, sizeof path, "%s/" GOVUK_DIR "/assets/%s/%s", web_root,
                 a, b);
    else if (!b && strncmp(a, "govuk-frontend.min.", 19) == 0)
        snprintf(path, sizeof path, "%s/" GOVUK_DIR "/%s", web_root, a);
    else if (!b && strncmp(a, "openlrs.", 8) == 0)
        snprintf(path, sizeof path, "%s/static/%s", web_root, a);
    else {
        not_found(r);
        return;
    }
    send_file(r, path, type);
}
