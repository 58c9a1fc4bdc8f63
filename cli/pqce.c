/*
 * pqce - the command-line tool of pqc-enclave (public API only).
 *
 * This first version offers the commands that need no vault: selftest,
 * version and help. The vault commands arrive with the vault layer.
 */
#include <pqce.h>
#include <stdio.h>
#include <string.h>

#define EXIT_USAGE    2
#define EXIT_SELFTEST 3

static void usage(FILE *f)
{
    fprintf(f, "usage: pqce <command> [options]\n"
               "\n"
               "commands:\n"
               "  selftest   run the known-answer tests built into the library\n"
               "  version    print the library version and build information\n"
               "  help       print this help\n"
               "\n"
               "exit codes: 0 success, 2 usage error, 3 self-test failure\n");
}

static void report(void *arg, const char *name, int result)
{
    (void)arg;
    printf("  %-48s %s\n", name, result == PQCE_OK ? "ok" : pqce_error_name(result));
}

static int cmd_selftest(void)
{
    printf("pqce %s self-test (known-answer tests)\n", pqce_version());
    int rc = pqce_selftest(report, NULL);
    printf("self-test: %s\n", rc == PQCE_OK ? "all passed" : "FAILED");
    return rc == PQCE_OK ? 0 : EXIT_SELFTEST;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (argc > 2) {
        fprintf(stderr, "pqce %s: unexpected argument '%s'\n", cmd, argv[2]);
        return EXIT_USAGE;
    }
    if (strcmp(cmd, "selftest") == 0) {
        return cmd_selftest();
    }
    if (strcmp(cmd, "version") == 0) {
        printf("%s\n", pqce_build_info());
        return 0;
    }
    fprintf(stderr, "pqce: unknown command '%s' (see pqce help)\n", cmd);
    return EXIT_USAGE;
}
