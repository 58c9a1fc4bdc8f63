/*
 * cmd_backends.c - `pqce backends` (what this build has and this machine
 * offers: compiled in, available, capabilities) and `pqce lock` (drop a
 * vault's keyring unlock cache).
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"

enum {
    OPT_TCTI = OPT_FIRST_COMMAND_OPTION,
    OPT_MODULE,
};

static const char *yes_no(int v)
{
    return v ? "yes" : "no";
}

/* What a backend's rollback detection rests on, for people. */
int cmd_backends(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"tcti", required_argument, NULL, OPT_TCTI},
        {"module", required_argument, NULL, OPT_MODULE},
        {"help", no_argument, NULL, 'h'},
        CLI_OPTS_END,
    };
    pqce_backend_list_options lo;
    pqce_backend_status st[PQCE_BACKEND_LIST_COUNT];
    size_t n = 0;
    int c;
    memset(&lo, 0, sizeof lo);
    lo.version = PQCE_BACKEND_LIST_OPTIONS_VERSION;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_JSON:
            ctx->json = 1;
            break;
        case OPT_TCTI:
            lo.tpm2_tcti = optarg;
            break;
        case OPT_MODULE:
            lo.pkcs11_module = optarg;
            break;
        case 'h':
            cli_command_help(ctx->cmd, stdout);
            return EXIT_OK;
        default:
            return cli_getopt_fail(ctx, c, optopt, argv[optind - 1]);
        }
    }
    if (optind != argc) {
        return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
    }
    int err = pqce_backend_list(st, PQCE_BACKEND_LIST_COUNT, &n, &lo);
    if (err != PQCE_OK) {
        return cli_fail(ctx, err, "listing the backends", NULL);
    }
    if (ctx->json) {
        printf("[");
        for (size_t i = 0; i < n; i++) {
            unsigned cap = st[i].available ? st[i].capabilities : 0u;
            printf("%s{\"name\":\"%s\",\"compiled_in\":%s,\"available\":%s,"
                   "\"hardware_bound\":%s,\"monotonic_counter\":%s,\"user_presence\":%s,"
                   "\"detail\":",
                   i == 0 ? "" : ",", st[i].name, st[i].compiled_in ? "true" : "false",
                   st[i].available ? "true" : "false",
                   (cap & PQCE_CAP_HARDWARE_BOUND) != 0 ? "true" : "false",
                   (cap & PQCE_CAP_MONOTONIC_COUNTER) != 0 ? "true" : "false",
                   (cap & PQCE_CAP_USER_PRESENCE) != 0 ? "true" : "false");
            cli_json_string(stdout, st[i].detail);
            printf("}");
        }
        printf("]\n");
        return EXIT_OK;
    }
    printf("%-8s %-8s %-9s %-9s %-8s %-8s %s\n", "BACKEND", "BUILT", "AVAILABLE", "HARDWARE",
           "COUNTER", "PRESENCE", "DETAIL");
    for (size_t i = 0; i < n; i++) {
        unsigned cap = st[i].available ? st[i].capabilities : 0u;
        printf("%-8s %-8s %-9s %-9s %-8s %-8s %s\n", st[i].name, yes_no(st[i].compiled_in),
               yes_no(st[i].available),
               st[i].available ? yes_no((cap & PQCE_CAP_HARDWARE_BOUND) != 0) : "-",
               st[i].available ? yes_no((cap & PQCE_CAP_MONOTONIC_COUNTER) != 0) : "-",
               st[i].available ? yes_no((cap & PQCE_CAP_USER_PRESENCE) != 0) : "-", st[i].detail);
    }
    printf("\nHARDWARE: the sealing key never leaves hardware.\n"
           "COUNTER:  rollback detection. file: with a counter file outside the vault (the\n"
           "          pqce tool sets one up); tpm2: the TPM's NV counter; pkcs11: none, a\n"
           "          PKCS#11 token has no monotonic counter.\n"
           "PRESENCE: the backend can confirm a user's presence. docs/BACKENDS.md has more.\n");
    return EXIT_OK;
}

int cmd_lock(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_VAULT_OPTIONS,
        CLI_OPTS_END,
    };
    int c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
            CLI_OPTION_DEFAULTS(ctx, argv);
        }
    }
    if (optind != argc) {
        return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
    }
    if ((rc = cli_vault_open_locked(ctx)) != EXIT_OK) {
        return rc;
    }
    int cached = ctx->config.keyring_ttl != 0;
    int err = pqce_vault_lock(ctx->vault); /* drops the keyring entry */
    if (err != PQCE_OK) {
        rc = cli_vault_fail(ctx, err, "lock");
    } else if (cached) {
        printf("locked: the vault's secret is no longer in the session keyring\n");
    } else {
        printf("this vault keeps no unlock cache (init --keyring-cache): every command "
               "locks it when done\n");
    }
    return cli_vault_close(ctx, rc);
}
