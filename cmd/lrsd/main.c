/*
 * main.c - lrsd, the openlrs HTTP service.
 *
 * The server itself arrives with the lrsd issue; until then the program
 * answers --version and --help and refuses anything else with exit code 2.
 */
#include <lrs/lrs.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("lrsd version %s\n", lrs_version());
        return 0;
    }
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
                      strcmp(argv[1], "-h") == 0)) {
        printf("usage: lrsd [--version] [--help]\n\n"
               "The openlrs HTTP service. This build has no server yet: it\n"
               "only reports its version.\n");
        return 0;
    }
    fprintf(stderr, "usage: lrsd [--version] [--help]\n");
    return 2;
}
