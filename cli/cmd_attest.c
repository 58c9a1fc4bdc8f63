/*
 * cmd_attest.c - device attestations: attest (sign a statement about an
 * artifact with the vault's ML-DSA key) and verify-attestation (check one
 * against the public key the verifier expects; no vault needed).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
    OPT_NONCE = OPT_FIRST_COMMAND_OPTION,
    OPT_OUT,
    OPT_KEY,
};

#define ATTESTATION_FILE_MAX ((size_t)1 << 20)

static int parse_nonce(const cli_ctx *ctx, const char *hex, uint8_t *nonce, size_t *len)
{
    if (cli_unhex(nonce, PQCE_ATTESTATION_NONCE_MAX, len, hex) != 0) {
        return cli_usage_error(ctx, "--nonce is hex, at most %d bytes (%d digits)",
                               PQCE_ATTESTATION_NONCE_MAX, 2 * PQCE_ATTESTATION_NONCE_MAX);
    }
    return EXIT_OK;
}

static void print_fields(const pqce_attestation_fields *f, const char *indent)
{
    char hex[2 * PQCE_ATTESTATION_NONCE_MAX + 1], t[40], h[65];
    cli_hex(h, f->content_sha3_256, 32);
    cli_hex(hex, f->nonce, f->nonce_len);
    cli_format_time(t, sizeof t, f->issued_ms);
    printf("%sdevice             %s (%s, %s)\n", indent, f->device_id, f->device_model,
           f->enclave_vendor);
    printf("%sartifact           %s\n", indent, f->artifact_id);
    printf("%ssha3-256           %s\n", indent, h);
    printf("%sissued             %s\n", indent, t);
    printf("%salgorithm          %s\n", indent, f->algorithm);
    printf("%ssigner             %s\n", indent, f->signer_id);
    printf("%snonce              %s\n", indent, f->nonce_len > 0 ? hex : "(none)");
}

int cmd_attest(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_VAULT_OPTIONS,
        {"json", no_argument, NULL, OPT_JSON},
        {"nonce", required_argument, NULL, OPT_NONCE},
        {"out", required_argument, NULL, 'o'},
        {"output", required_argument, NULL, 'o'},
        CLI_OPTS_END,
    };
    uint8_t nonce[PQCE_ATTESTATION_NONCE_MAX];
    size_t nonce_len = 0;
    const char *out = NULL;
    int c, rc, have_nonce = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        switch (c) {
        case OPT_NONCE:
            if ((rc = parse_nonce(ctx, optarg, nonce, &nonce_len)) != EXIT_OK) {
                return rc;
            }
            have_nonce = 1;
            break;
        case 'o':
            out = optarg;
            break;
            CLI_OPTION_DEFAULTS(ctx, argv);
        }
    }
    if (optind + 1 != argc) {
        return cli_usage_error(ctx, optind == argc ? "attest which artifact?"
                                                   : "one artifact at a time");
    }
    if ((rc = cli_vault_open(ctx)) != EXIT_OK) {
        return rc;
    }
    pqce_attestation *att = NULL;
    uint8_t *bin = NULL;
    char *json = NULL;
    size_t bin_len = 0, json_len = 0;
    int err =
        pqce_vault_attest(ctx->vault, &att, argv[optind], have_nonce ? nonce : NULL, nonce_len);
    if (err != PQCE_OK) {
        return cli_vault_close(ctx, cli_vault_fail(ctx, err, "attest"));
    }
    if ((rc = cli_vault_close(ctx, EXIT_OK)) != EXIT_OK) {
        pqce_attestation_free(att);
        return rc;
    }
    /* the two forms: canonical bytes for --out, JSON for --json */
    if (pqce_attestation_encode(att, NULL, 0, &bin_len) != PQCE_ERR_INVALID_ARG ||
        pqce_attestation_to_json(att, NULL, 0, &json_len) != PQCE_ERR_INVALID_ARG) {
        bin_len = json_len = 0;
    }
    bin = malloc(bin_len + 1);
    json = malloc(json_len + 1);
    if (bin == NULL || json == NULL || bin_len == 0 || json_len == 0 ||
        pqce_attestation_encode(att, bin, bin_len, &bin_len) != PQCE_OK ||
        pqce_attestation_to_json(att, json, json_len + 1, &json_len) != PQCE_OK) {
        cli_error(ctx, "cannot encode the attestation");
        rc = EXIT_GENERAL;
        goto done;
    }
    if (out != NULL) {
        cli_outfile o;
        if ((rc = cli_outfile_open(ctx, &o, out, 0644)) != EXIT_OK) {
            goto done;
        }
        int e = cli_write_all(o.fd, bin, bin_len);
        if (e != 0) {
            cli_outfile_abort(&o);
            rc = cli_io_fail(ctx, "cannot write", out, e);
            goto done;
        }
        if ((rc = cli_outfile_commit(ctx, &o)) != EXIT_OK) {
            goto done;
        }
    }
    if (ctx->json) {
        printf("%s\n", json);
    } else {
        pqce_attestation_fields f;
        if (pqce_attestation_fields_get(att, &f) != PQCE_OK) {
            cli_error(ctx, "cannot read the attestation's fields");
            rc = EXIT_GENERAL;
            goto done;
        }
        printf("attestation of %s, signed by this device's %s key\n", argv[optind], f.algorithm);
        print_fields(&f, "  ");
        if (out != NULL) {
            printf("  written to         %s (canonical form, %zu bytes)\n", out, bin_len);
        }
    }
done:
    free(bin);
    free(json);
    pqce_attestation_free(att);
    return rc;
}

int cmd_verify_attestation(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, OPT_JSON},
        {"key", required_argument, NULL, OPT_KEY},
        {"nonce", required_argument, NULL, OPT_NONCE},
        CLI_OPTS_END,
    };
    uint8_t nonce[PQCE_ATTESTATION_NONCE_MAX];
    size_t nonce_len = 0, key_count = 0;
    cli_key *keys = NULL;
    int c, rc = EXIT_OK, have_nonce = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hk:", opts, NULL)) != -1) {
        switch (c) {
        case 'k':
        case OPT_KEY:
            if ((rc = cli_keys_from_arg(ctx, optarg, CLI_KEY_KIND_ATTESTATION, &keys,
                                        &key_count)) != EXIT_OK) {
                free(keys);
                return rc;
            }
            break;
        case OPT_NONCE:
            if ((rc = parse_nonce(ctx, optarg, nonce, &nonce_len)) != EXIT_OK) {
                free(keys);
                return rc;
            }
            have_nonce = 1;
            break;
        case 'h':
            free(keys);
            cli_command_help(ctx->cmd, stdout);
            return EXIT_OK;
        default:
            if (cli_shared_option(ctx, c, optarg)) {
                break;
            }
            free(keys);
            return cli_getopt_fail(ctx, c, optopt, argv[optind - 1]);
        }
    }
    if (optind + 1 != argc || key_count == 0) {
        free(keys);
        return cli_usage_error(ctx, optind + 1 != argc
                                        ? "verify which attestation file?"
                                        : "against which key? give --key KEY (from `pqce pubkey "
                                          "--attestation` on the device)");
    }
    const char *path = argv[optind];
    char *text = NULL;
    size_t len = 0;
    pqce_attestation *att = NULL;
    int e = cli_read_small_file(path, ATTESTATION_FILE_MAX, &text, &len);
    if (e != 0) {
        free(keys);
        if (e == EFBIG) {
            cli_error(ctx, "%s is larger than any attestation", path);
            return EXIT_INTEGRITY;
        }
        return cli_io_fail(ctx, "cannot read", path, e);
    }
    size_t skip = 0;
    while (skip < len && (text[skip] == ' ' || text[skip] == '\n' || text[skip] == '\t')) {
        skip++;
    }
    int err = skip < len && text[skip] == '{'
                  ? pqce_attestation_from_json(&att, text, len)
                  : pqce_attestation_decode(&att, (const uint8_t *)text, len);
    if (err != PQCE_OK) {
        rc = cli_fail(ctx, err, path, "not a valid attestation (canonical form or JSON)");
        goto done;
    }
    const uint8_t **pks = calloc(key_count, sizeof *pks);
    size_t *lens = calloc(key_count, sizeof *lens);
    if (pks == NULL || lens == NULL) {
        free(pks);
        free(lens);
        cli_error(ctx, "out of memory");
        rc = EXIT_GENERAL;
        goto done;
    }
    for (size_t i = 0; i < key_count; i++) {
        pks[i] = keys[i].key;
        lens[i] = keys[i].key_len;
    }
    err = pqce_attestation_verify_trusted(att, pks, lens, key_count, have_nonce ? nonce : NULL,
                                          nonce_len);
    free(pks);
    free(lens);
    pqce_attestation_fields f;
    if (pqce_attestation_fields_get(att, &f) != PQCE_OK) {
        cli_error(ctx, "cannot read the attestation's fields");
        rc = EXIT_GENERAL;
        goto done;
    }
    if (ctx->json) {
        char h[65], n[2 * PQCE_ATTESTATION_NONCE_MAX + 1];
        cli_hex(h, f.content_sha3_256, 32);
        cli_hex(n, f.nonce, f.nonce_len);
        printf("{\"valid\":%s,\"device_id\":", err == PQCE_OK ? "true" : "false");
        cli_json_string(stdout, f.device_id);
        printf(",\"device_model\":");
        cli_json_string(stdout, f.device_model);
        printf(",\"enclave_vendor\":");
        cli_json_string(stdout, f.enclave_vendor);
        printf(",\"artifact_id\":");
        cli_json_string(stdout, f.artifact_id);
        printf(",\"content_sha3_256\":\"%s\",\"issued_ms\":%llu,\"algorithm\":\"%s\","
               "\"signer_id\":\"%s\",\"nonce\":\"%s\",\"nonce_checked\":%s}\n",
               h, (unsigned long long)f.issued_ms, f.algorithm, f.signer_id, n,
               have_nonce ? "true" : "false");
    } else if (err == PQCE_OK) {
        printf("valid: signed by the expected %s key%s\n", f.algorithm,
               have_nonce ? ", answers the nonce" : " (no nonce checked: freshness unknown)");
        print_fields(&f, "  ");
    }
    if (err != PQCE_OK) {
        rc = cli_fail(ctx, err, path,
                      "INVALID: not signed by the expected key, altered, or for another nonce");
    }
done:
    pqce_attestation_free(att);
    free(text);
    free(keys);
    return rc;
}
