/*
 * backend.c - a vault's backend from the tool's configuration: the file
 * backend (passphrase or key file), TPM 2.0 (TCTI, PIN, PCR policy, NV
 * counter) and PKCS#11 (module, token, key label, PIN), with the user's
 * credential from the options shared by the commands.
 *
 * The configuration never holds a PIN or passphrase: they come from
 * --pin-file / --pin-env / a prompt (passphrase.c) for each command.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* ---- PCR selections: "sha256:0,7" ------------------------------------------------------------ */

static const struct {
    const char *name;
    uint16_t id;
} pcr_banks[] = {
    {"sha1", PQCE_TPM2_PCR_BANK_SHA1},
    {"sha256", PQCE_TPM2_PCR_BANK_SHA256},
    {"sha384", PQCE_TPM2_PCR_BANK_SHA384},
    {"sha512", PQCE_TPM2_PCR_BANK_SHA512},
};

int cli_pcrs_parse(const char *s, uint16_t *bank, uint32_t *mask)
{
    const char *colon = strchr(s, ':');
    const char *list = s;
    *bank = PQCE_TPM2_PCR_BANK_SHA256;
    *mask = 0;
    if (colon != NULL) {
        size_t n = (size_t)(colon - s);
        int found = 0;
        for (size_t i = 0; i < sizeof pcr_banks / sizeof pcr_banks[0]; i++) {
            if (strlen(pcr_banks[i].name) == n && strncmp(s, pcr_banks[i].name, n) == 0) {
                *bank = pcr_banks[i].id;
                found = 1;
            }
        }
        if (!found) {
            return -1;
        }
        list = colon + 1;
    }
    /* a comma-separated list of PCR numbers 0 to 23, each once */
    for (const char *p = list;;) {
        unsigned v = 0;
        size_t digits = 0;
        while (*p >= '0' && *p <= '9' && digits < 3) {
            v = v * 10 + (unsigned)(*p++ - '0');
            digits++;
        }
        if (digits == 0 || v > 23 || (*mask & (1u << v)) != 0) {
            return -1;
        }
        *mask |= 1u << v;
        if (*p == '\0') {
            return 0;
        }
        if (*p++ != ',') {
            return -1;
        }
    }
}

void cli_pcrs_format(char *buf, size_t cap, uint16_t bank, uint32_t mask)
{
    const char *name = "sha256";
    size_t used = 0;
    buf[0] = '\0';
    if (mask == 0) {
        return;
    }
    for (size_t i = 0; i < sizeof pcr_banks / sizeof pcr_banks[0]; i++) {
        if (pcr_banks[i].id == bank) {
            name = pcr_banks[i].name;
        }
    }
    used = (size_t)snprintf(buf, cap, "%s:", name);
    for (unsigned i = 0; i < 24 && used < cap; i++) {
        if ((mask & (1u << i)) != 0) {
            used += (size_t)snprintf(buf + used, cap - used, "%s%u",
                                     buf[used - 1] == ':' ? "" : ",", i);
        }
    }
}

uint32_t cli_default_nv_index(const char *abs_dir)
{
    uint8_t h[PQCE_SHA3_256_BYTES];
    uint32_t low = 0;
    if (pqce_sha3_256(h, (const uint8_t *)abs_dir, strlen(abs_dir)) == PQCE_OK) {
        low = ((uint32_t)h[0] << 16 | (uint32_t)h[1] << 8 | h[2]) & 0x000FFFFFu;
    }
    return 0x01A00000u | low;
}

void cli_backend_describe(char *buf, size_t cap, const cli_config *cfg)
{
    char pcrs[128];
    if (strcmp(cfg->backend, "tpm2") == 0) {
        cli_pcrs_format(pcrs, sizeof pcrs, cfg->tpm2_pcr_bank, cfg->tpm2_pcr_mask);
        snprintf(buf, cap, "tpm2 (%s, %s%s%s)",
                 cfg->tpm2_tcti != NULL ? cfg->tpm2_tcti : PQCE_TPM2_DEFAULT_TCTI,
                 strcmp(cfg->kdf, "pin") == 0 ? "PIN" : "no PIN", pcrs[0] != '\0' ? ", PCRs " : "",
                 pcrs);
    } else if (strcmp(cfg->backend, "pkcs11") == 0) {
        snprintf(buf, cap, "pkcs11 (token \"%s\" of %s, key \"%s\"%s)", cfg->pkcs11_token,
                 cfg->pkcs11_module,
                 cfg->pkcs11_key_label != NULL ? cfg->pkcs11_key_label
                                               : PQCE_PKCS11_DEFAULT_KEY_LABEL,
                 strcmp(cfg->kdf, "pin") == 0 ? ", PIN" : ", no login");
    } else {
        snprintf(buf, cap, "file (%s)",
                 strcmp(cfg->kdf, "key-file") == 0 ? "key file" : "passphrase, scrypt");
    }
}

/* ---- the file backend ---------------------------------------------------------------------- */

static int file_backend_new(cli_ctx *ctx, const cli_config *cfg, int confirm_passphrase,
                            uint32_t scrypt_log2_n, pqce_backend **backend)
{
    pqce_file_backend_options o;
    cli_secret pass = {0};
    const char *key_file = ctx->key_file != NULL ? ctx->key_file : cfg->key_file;
    int use_key_file = strcmp(cfg->kdf, "key-file") == 0;
    int rc;
    if (!use_key_file && ctx->key_file != NULL) {
        return cli_usage_error(ctx, "this vault is unsealed with a passphrase, not a key file");
    }
    if (use_key_file && (ctx->passphrase_file != NULL || ctx->passphrase_env != NULL)) {
        return cli_usage_error(ctx, "this vault is unsealed with a key file, not a passphrase");
    }
    if (use_key_file && key_file == NULL) {
        return cli_usage_error(ctx, "this vault needs its key file: pass --key-file FILE");
    }
    memset(&o, 0, sizeof o);
    o.version = PQCE_FILE_BACKEND_OPTIONS_VERSION;
    o.device_id = cfg->device_id;
    o.device_model = cfg->device_model;
    o.scrypt_log2_n = scrypt_log2_n;
    o.counter_file = cfg->counter_file;
    if (confirm_passphrase < 0) {
        /* no secret wanted (pqce lock): a placeholder the backend is never
         * asked to use, since nothing is sealed or unsealed */
        o.passphrase = (const uint8_t *)"-";
        o.passphrase_len = 1;
    } else if (use_key_file) {
        o.key_file = key_file;
    } else {
        if ((rc = cli_passphrase_get(ctx, &pass, confirm_passphrase)) != EXIT_OK) {
            return rc;
        }
        o.passphrase = pass.buf;
        o.passphrase_len = pass.len;
    }
    int err = pqce_backend_file_new(backend, &o);
    cli_secret_free(&pass); /* the backend keeps its own copy on locked pages */
    if (err == PQCE_OK) {
        return EXIT_OK;
    }
    if (use_key_file && err != PQCE_ERR_NOMEM) {
        struct stat st;
        if (stat(key_file, &st) != 0) {
            return cli_io_fail(ctx, "cannot read the key file", key_file, errno);
        }
        if (!S_ISREG(st.st_mode) || st.st_size < 32 || st.st_size > 65536) {
            cli_error(ctx, "the key file %s must be a regular file of 32 to 65536 bytes", key_file);
            return EXIT_USAGE;
        }
    }
    if (cfg->counter_file != NULL && (err == PQCE_ERR_IO || err == PQCE_ERR_INVALID_ARG)) {
        char msg[PATH_MAX + 64];
        snprintf(msg, sizeof msg, "the counter file %s cannot be used", cfg->counter_file);
        return cli_fail(ctx, err, "file backend", msg);
    }
    return cli_fail(ctx, err, "file backend", NULL);
}

/* ---- TPM 2.0 and PKCS#11 ------------------------------------------------------------------- */

/* The credential options fit the vault: a passphrase or key file is not a
 * PIN, and a vault without a PIN takes none. */
static int check_pin_options(cli_ctx *ctx, const cli_config *cfg, const char *name)
{
    if (ctx->passphrase_file != NULL || ctx->passphrase_env != NULL || ctx->key_file != NULL) {
        return cli_usage_error(ctx,
                               "this vault's secret is held by the %s backend: it takes a PIN "
                               "(--pin-file, --pin-env), not a passphrase or key file",
                               name);
    }
    if (strcmp(cfg->kdf, "none") == 0 && (ctx->pin_file != NULL || ctx->pin_env != NULL)) {
        return cli_usage_error(ctx, "this vault was created without a PIN");
    }
    return EXIT_OK;
}

/* The PIN of a hardware vault into pin (left empty when the vault has none
 * or confirm < 0: no secret wanted), after checking the options. */
static int pin_get(cli_ctx *ctx, const cli_config *cfg, int confirm, const char *name,
                   cli_secret *pin)
{
    int rc = check_pin_options(ctx, cfg, name);
    if (rc != EXIT_OK || strcmp(cfg->kdf, "pin") != 0 || confirm < 0) {
        return rc;
    }
    return cli_pin_get(ctx, pin, confirm);
}

static int hw_fail(cli_ctx *ctx, int err, const char *name, const char *detail)
{
    size_t nl = strlen(name);
    if (err == PQCE_ERR_UNSUPPORTED) {
        cli_error(ctx,
                  "this build of pqce has no %s backend (it is built when its Debian development "
                  "package is present: see `pqce backends` and docs/BUILD.md)",
                  name);
        return EXIT_GENERAL;
    }
    /* the backend's detail starts with its name ("tpm2: ..."): say it once */
    if (strncmp(detail, name, nl) == 0 && detail[nl] == ':' && detail[nl + 1] == ' ') {
        return cli_fail(ctx, err, name, detail + nl + 2);
    }
    return cli_fail(ctx, err, name, detail[0] != '\0' ? detail : NULL);
}

static int tpm2_backend_new(cli_ctx *ctx, const cli_config *cfg, int confirm_pin,
                            pqce_backend **backend)
{
    pqce_tpm2_options o;
    cli_secret pin = {0};
    char detail[512] = "";
    int rc = pin_get(ctx, cfg, confirm_pin, "TPM 2.0", &pin);
    if (rc != EXIT_OK) {
        return rc;
    }
    if (pin.len > PQCE_TPM2_PIN_MAX) {
        cli_secret_free(&pin);
        cli_error(ctx, "a TPM PIN is at most %d bytes", PQCE_TPM2_PIN_MAX);
        return EXIT_USAGE;
    }
    memset(&o, 0, sizeof o);
    o.version = PQCE_TPM2_OPTIONS_VERSION;
    o.tcti = cfg->tpm2_tcti;
    o.pcr_bank = cfg->tpm2_pcr_bank;
    o.pcr_mask = cfg->tpm2_pcr_mask;
    o.nv_index = cfg->tpm2_nv_index;
    o.device_id = cfg->device_id;
    o.device_model = cfg->device_model;
    o.detail = detail;
    o.detail_cap = sizeof detail;
    o.pin = pin.buf != NULL ? (const char *)pin.buf : NULL;
    int err = pqce_backend_tpm2_new(backend, &o);
    cli_secret_free(&pin); /* the backend keeps its own copy on locked pages */
    return err == PQCE_OK ? EXIT_OK : hw_fail(ctx, err, "tpm2", detail);
}

static int pkcs11_backend_new(cli_ctx *ctx, const cli_config *cfg, int confirm_pin,
                              pqce_backend **backend)
{
    pqce_pkcs11_options o;
    cli_secret pin = {0};
    char detail[512] = "";
    /* A token's PIN exists already: asked once, even at init. */
    int rc = pin_get(ctx, cfg, confirm_pin < 0 ? -1 : 0, "PKCS#11", &pin);
    if (rc != EXIT_OK) {
        return rc;
    }
    memset(&o, 0, sizeof o);
    o.version = PQCE_PKCS11_OPTIONS_VERSION;
    o.module = cfg->pkcs11_module;
    o.token_label = cfg->pkcs11_token;
    o.key_label = cfg->pkcs11_key_label;
    o.device_id = cfg->device_id;
    o.device_model = cfg->device_model;
    o.detail = detail;
    o.detail_cap = sizeof detail;
    o.pin = pin.buf != NULL ? (const char *)pin.buf : NULL;
    int err = pqce_backend_pkcs11_new(backend, &o);
    cli_secret_free(&pin);
    return err == PQCE_OK ? EXIT_OK : hw_fail(ctx, err, "pkcs11", detail);
}

/* confirm_secret: 1 ask twice (a new passphrase or TPM PIN), 0 once, -1
 * no secret at all (the backend will not seal or unseal). */
static int backend_new(cli_ctx *ctx, const cli_config *cfg, int confirm_secret,
                       uint32_t scrypt_log2_n, pqce_backend **backend)
{
    *backend = NULL;
    if (strcmp(cfg->backend, "file") == 0) {
        if (ctx->pin_file != NULL || ctx->pin_env != NULL) {
            return cli_usage_error(ctx, "this vault is unsealed with a passphrase or key file, "
                                        "not a PIN");
        }
        return file_backend_new(ctx, cfg, confirm_secret, scrypt_log2_n, backend);
    }
    if (strcmp(cfg->backend, "tpm2") == 0) {
        return tpm2_backend_new(ctx, cfg, confirm_secret, backend);
    }
    if (strcmp(cfg->backend, "pkcs11") == 0) {
        return pkcs11_backend_new(ctx, cfg, confirm_secret, backend);
    }
    cli_error(ctx, "the vault's backend '%s' cannot be opened by this tool", cfg->backend);
    return EXIT_GENERAL;
}

int cli_backend_new(cli_ctx *ctx, const cli_config *cfg, int confirm_secret, uint32_t scrypt_log2_n,
                    pqce_backend **backend)
{
    return backend_new(ctx, cfg, confirm_secret != 0 ? 1 : 0, scrypt_log2_n, backend);
}

int cli_backend_new_no_secret(cli_ctx *ctx, const cli_config *cfg, pqce_backend **backend)
{
    return backend_new(ctx, cfg, -1, 0, backend);
}
