/*
 * cmd_serve.c - `lrs serve`: run the HTTP service.
 *
 * The server is its own program, lrsd, so that `lrs` carries no HTTP or
 * JSON code. `lrs serve ARGS` replaces itself with the lrsd installed
 * beside it (the same directory as /proc/self/exe) and the same ARGS, so
 * signals, exit codes and options are exactly lrsd's (`lrsd --help`).
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

int cmd_serve(int argc, char **argv)
{
    char self[PATH_MAX], lrsd[PATH_MAX + 8];
    ssize_t n;
    char *slash;

    n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n < 0) {
        cli_error("cannot find the lrs program: %s", strerror(errno));
        return CLI_FAIL;
    }
    self[n] = '\0';
    slash = strrchr(self, '/');
    if (slash)
        slash[1] = '\0';
    snprintf(lrsd, sizeof lrsd, "%slrsd", slash ? self : "./");
    argv[0] = lrsd;
    (void)argc;
    execv(lrsd, argv);
    cli_error("cannot run '%s': %s", lrsd, strerror(errno));
    return CLI_FAIL;
}
