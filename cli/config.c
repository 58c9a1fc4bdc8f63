/*
 * config.c - the tool's per-vault configuration, the rollback counter's
 * default place, and opening a vault for one command.
 *
 * `pqce init` writes DIR/pqce-cli.conf, a small text file that says how to
 * open the vault: the backend, whether a passphrase or a key file unseals
 * it, the device id and model it reports, the chunk size, and the counter
 * file that detects a rollback of the vault's directory (docs/CLI.md,
 * "Configuration"). It holds no secret. Every command that needs the
 * vault's secret opens, unlocks, works, saves if it changed something and
 * locks: scripts need no unlock step.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define CONFIG_MAX 16384u

int cli_vault_dir(cli_ctx *ctx, const char **dir)
{
    const char *d = ctx->vault_dir;
    if (d == NULL || d[0] == '\0') {
        d = getenv("PQCE_VAULT");
    }
    if (d == NULL || d[0] == '\0') {
        return cli_usage_error(ctx, "which vault? pass --vault DIR or set PQCE_VAULT");
    }
    *dir = d;
    return EXIT_OK;
}

void cli_config_free(cli_config *cfg)
{
    free(cfg->key_file);
    free(cfg->counter_file);
    free(cfg->device_id);
    free(cfg->device_model);
    free(cfg->tpm2_tcti);
    free(cfg->pkcs11_module);
    free(cfg->pkcs11_token);
    free(cfg->pkcs11_key_label);
    memset(cfg, 0, sizeof *cfg);
}

static void config_defaults(cli_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->backend, sizeof cfg->backend, "file");
    snprintf(cfg->kdf, sizeof cfg->kdf, "passphrase");
    cfg->tpm2_nv_index = PQCE_TPM2_NV_NONE;
}

/* The credentials each backend knows. */
static int credential_fits(const cli_config *cfg)
{
    if (strcmp(cfg->backend, "file") == 0) {
        return strcmp(cfg->kdf, "passphrase") == 0 || strcmp(cfg->kdf, "key-file") == 0;
    }
    if (strcmp(cfg->backend, "tpm2") == 0) {
        return strcmp(cfg->kdf, "pin") == 0 || strcmp(cfg->kdf, "none") == 0;
    }
    if (strcmp(cfg->backend, "pkcs11") == 0) {
        return (strcmp(cfg->kdf, "pin") == 0 || strcmp(cfg->kdf, "none") == 0) &&
               cfg->pkcs11_module != NULL && cfg->pkcs11_token != NULL;
    }
    return 0;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) {
        s[--n] = '\0';
    }
    return s;
}

static int set_string(char **field, const char *value)
{
    free(*field);
    *field = strdup(value);
    return *field != NULL ? 0 : -1;
}

int cli_config_read(const cli_ctx *ctx, const char *dir, cli_config *cfg)
{
    char path[PATH_MAX];
    char *text = NULL;
    size_t len = 0;
    config_defaults(cfg);
    if (snprintf(path, sizeof path, "%s/%s", dir, CLI_CONFIG_NAME) >= (int)sizeof path) {
        cli_error(ctx, "the vault's path is too long");
        return EXIT_USAGE;
    }
    int e = cli_read_small_file(path, CONFIG_MAX, &text, &len);
    if (e == ENOENT) {
        return EXIT_OK; /* a vault made with the library: the defaults */
    }
    if (e != 0) {
        return cli_io_fail(ctx, "cannot read", path, e);
    }
    cfg->present = 1;
    int rc = EXIT_OK;
    unsigned lineno = 0;
    if (strlen(text) != len) {
        cli_error(ctx, "%s is not a text file", path);
        free(text);
        return EXIT_GENERAL;
    }
    for (char *line = text, *next; line != NULL && *line != '\0'; line = next) {
        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        lineno++;
        char *l = trim(line);
        if (*l == '\0' || *l == '#') {
            continue;
        }
        char *eq = strchr(l, '=');
        if (eq == NULL) {
            rc = EXIT_GENERAL;
            break;
        }
        *eq = '\0';
        char *key = trim(l), *value = trim(eq + 1);
        int bad = 0;
        uint64_t n = 0;
        if (strcmp(key, "format") == 0) {
            bad = strcmp(value, "1") != 0;
        } else if (strcmp(key, "backend") == 0) {
            bad = strcmp(value, "file") != 0 && strcmp(value, "tpm2") != 0 &&
                  strcmp(value, "pkcs11") != 0;
            snprintf(cfg->backend, sizeof cfg->backend, "%s", value);
        } else if (strcmp(key, "credential") == 0) {
            bad = strcmp(value, "passphrase") != 0 && strcmp(value, "key-file") != 0 &&
                  strcmp(value, "pin") != 0 && strcmp(value, "none") != 0;
            snprintf(cfg->kdf, sizeof cfg->kdf, "%s", value);
        } else if (strcmp(key, "tpm2_tcti") == 0) {
            bad = value[0] == '\0' || set_string(&cfg->tpm2_tcti, value) != 0;
        } else if (strcmp(key, "tpm2_pcrs") == 0) {
            bad = cli_pcrs_parse(value, &cfg->tpm2_pcr_bank, &cfg->tpm2_pcr_mask) != 0;
        } else if (strcmp(key, "tpm2_nv_index") == 0) {
            if (strcmp(value, "none") == 0) {
                cfg->tpm2_nv_index = PQCE_TPM2_NV_NONE;
            } else {
                char *end = NULL;
                errno = 0;
                unsigned long v = strtoul(value, &end, 16);
                bad = errno != 0 || end == value || *end != '\0' || v < 0x01800000ul ||
                      v > 0x01BFFFFFul;
                cfg->tpm2_nv_index = (uint32_t)v;
            }
        } else if (strcmp(key, "pkcs11_module") == 0) {
            bad = value[0] != '/' || set_string(&cfg->pkcs11_module, value) != 0;
        } else if (strcmp(key, "pkcs11_token") == 0) {
            bad = value[0] == '\0' || set_string(&cfg->pkcs11_token, value) != 0;
        } else if (strcmp(key, "pkcs11_key_label") == 0) {
            bad = value[0] == '\0' || set_string(&cfg->pkcs11_key_label, value) != 0;
        } else if (strcmp(key, "keyring_cache_seconds") == 0) {
            bad = cli_parse_u64(value, 1, 86400, 0, &n) != 0;
            cfg->keyring_ttl = (uint32_t)n;
        } else if (strcmp(key, "key_file") == 0) {
            bad = value[0] != '/' || set_string(&cfg->key_file, value) != 0;
        } else if (strcmp(key, "counter_file") == 0) {
            bad = value[0] != '/' || set_string(&cfg->counter_file, value) != 0;
        } else if (strcmp(key, "device_id") == 0) {
            bad = set_string(&cfg->device_id, value) != 0;
        } else if (strcmp(key, "device_model") == 0) {
            bad = set_string(&cfg->device_model, value) != 0;
        } else if (strcmp(key, "chunk_size") == 0) {
            bad = cli_parse_u64(value, PQCE_CHUNK_MIN, PQCE_CHUNK_MAX, 0, &n) != 0 ||
                  (n & (n - 1)) != 0;
            cfg->chunk_size = (uint32_t)n;
        } else {
            bad = 1;
        }
        if (bad) {
            rc = EXIT_GENERAL;
            break;
        }
    }
    free(text);
    if (rc != EXIT_OK) {
        cli_error(ctx, "%s: line %u is not valid (docs/CLI.md, \"Configuration\")", path, lineno);
        cli_config_free(cfg);
    } else if (!credential_fits(cfg)) {
        cli_error(ctx,
                  "%s: the credential '%s' does not fit the backend '%s', or a setting the "
                  "backend needs is missing (docs/CLI.md, \"Configuration\")",
                  path, cfg->kdf, cfg->backend);
        cli_config_free(cfg);
        rc = EXIT_GENERAL;
    }
    return rc;
}

int cli_config_write(const cli_ctx *ctx, const char *dir, const cli_config *cfg)
{
    char path[PATH_MAX];
    cli_outfile o;
    FILE *f = NULL;
    if (snprintf(path, sizeof path, "%s/%s", dir, CLI_CONFIG_NAME) >= (int)sizeof path) {
        cli_error(ctx, "the vault's path is too long");
        return EXIT_USAGE;
    }
    int rc = cli_outfile_open(ctx, &o, path, 0600);
    if (rc != EXIT_OK) {
        return rc;
    }
    int fd = dup(o.fd);
    if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
        if (fd >= 0) {
            close(fd);
        }
        cli_outfile_abort(&o);
        return cli_io_fail(ctx, "cannot write", path, errno);
    }
    fprintf(f,
            "# pqce configuration of this vault, written by `pqce init` (docs/CLI.md).\n"
            "# It holds no secret. Edit with care: the counter file detects a rollback.\n"
            "format = 1\n"
            "backend = %s\n"
            "credential = %s\n",
            cfg->backend, cfg->kdf);
    if (cfg->key_file != NULL) {
        fprintf(f, "key_file = %s\n", cfg->key_file);
    }
    if (cfg->counter_file != NULL) {
        fprintf(f, "counter_file = %s\n", cfg->counter_file);
    }
    if (cfg->device_id != NULL) {
        fprintf(f, "device_id = %s\n", cfg->device_id);
    }
    if (cfg->device_model != NULL) {
        fprintf(f, "device_model = %s\n", cfg->device_model);
    }
    if (cfg->chunk_size != 0) {
        fprintf(f, "chunk_size = %u\n", (unsigned)cfg->chunk_size);
    }
    if (strcmp(cfg->backend, "tpm2") == 0) {
        char pcrs[128];
        fprintf(f, "tpm2_tcti = %s\n",
                cfg->tpm2_tcti != NULL ? cfg->tpm2_tcti : PQCE_TPM2_DEFAULT_TCTI);
        cli_pcrs_format(pcrs, sizeof pcrs, cfg->tpm2_pcr_bank, cfg->tpm2_pcr_mask);
        if (pcrs[0] != '\0') {
            fprintf(f, "tpm2_pcrs = %s\n", pcrs);
        }
        if (cfg->tpm2_nv_index == PQCE_TPM2_NV_NONE) {
            fprintf(f, "tpm2_nv_index = none\n");
        } else {
            fprintf(f, "tpm2_nv_index = 0x%08x\n", (unsigned)cfg->tpm2_nv_index);
        }
    }
    if (strcmp(cfg->backend, "pkcs11") == 0) {
        fprintf(f, "pkcs11_module = %s\npkcs11_token = %s\n", cfg->pkcs11_module,
                cfg->pkcs11_token);
        if (cfg->pkcs11_key_label != NULL) {
            fprintf(f, "pkcs11_key_label = %s\n", cfg->pkcs11_key_label);
        }
    }
    if (cfg->keyring_ttl != 0) {
        fprintf(f, "keyring_cache_seconds = %u\n", (unsigned)cfg->keyring_ttl);
    }
    if (fclose(f) != 0) {
        int e = errno;
        cli_outfile_abort(&o);
        return cli_io_fail(ctx, "cannot write", path, e);
    }
    rc = cli_outfile_commit(ctx, &o);
    if (rc == EXIT_OK) {
        /* the new name is durable */
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            (void)fsync(dfd);
            (void)close(dfd);
        }
    }
    return rc;
}

static int mkdir_p(char *path, mode_t mode)
{
    for (char *p = path + 1; *p != '\0'; p++) {
        if (*p == '/') {
            *p = '\0';
            int r = mkdir(path, mode);
            *p = '/';
            if (r != 0 && errno != EEXIST) {
                return -1;
            }
        }
    }
    return mkdir(path, mode) != 0 && errno != EEXIST ? -1 : 0;
}

char *cli_default_counter_path(const char *abs_dir, int create_dir, int *err)
{
    char base[PATH_MAX], name[96];
    uint8_t h[PQCE_SHA3_256_BYTES];
    char hex[2 * 8 + 1];
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    *err = 0;
    if (state != NULL && state[0] == '/') {
        snprintf(base, sizeof base, "%s/pqce", state);
    } else if (home != NULL && home[0] == '/') {
        snprintf(base, sizeof base, "%s/.local/state/pqce", home);
    } else {
        *err = ENOENT;
        return NULL;
    }
    /* Named by the vault: its directory's name (for people) and a hash of
     * its absolute path (so two vaults never share a counter). */
    if (pqce_sha3_256(h, (const uint8_t *)abs_dir, strlen(abs_dir)) != PQCE_OK) {
        *err = EINVAL;
        return NULL;
    }
    cli_hex(hex, h, 8);
    const char *slash = strrchr(abs_dir, '/');
    const char *dname = slash != NULL && slash[1] != '\0' ? slash + 1 : "vault";
    size_t j = 0;
    for (size_t i = 0; dname[i] != '\0' && j < 48; i++) {
        char c = dname[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || (c == '.' && j > 0);
        name[j++] = ok ? c : '_';
    }
    name[j] = '\0';
    if (create_dir && mkdir_p(base, 0700) != 0) {
        *err = errno;
        return NULL;
    }
    size_t need = strlen(base) + 1 + strlen(name) + 1 + sizeof hex + 9;
    char *out = malloc(need);
    if (out == NULL) {
        *err = ENOMEM;
        return NULL;
    }
    snprintf(out, need, "%s/%s-%s.counter", base, name, hex);
    return out;
}

/* The counter checks that the library cannot make (docs/CLI.md,
 * "Rollback"): the configured counter file must exist, and a vault whose
 * configuration names none must not have one at the default place. */
static int check_counter(cli_ctx *ctx)
{
    struct stat st;
    if (ctx->config.counter_file != NULL) {
        if (stat(ctx->config.counter_file, &st) == 0 || errno != ENOENT) {
            return EXIT_OK; /* the backend checks what it holds */
        }
        if (ctx->new_counter) {
            fprintf(stderr, "pqce %s: starting a new rollback counter at %s (--new-counter)\n",
                    ctx->cmd, ctx->config.counter_file);
            return EXIT_OK;
        }
        cli_error(ctx,
                  "the vault's rollback counter %s is missing, so an older copy of the vault "
                  "cannot be told from the current one. If you moved the vault here or removed "
                  "the file on purpose, run the command once with --new-counter",
                  ctx->config.counter_file);
        return EXIT_ROLLBACK;
    }
    int err = 0;
    char *def = cli_default_counter_path(ctx->vault_path, 0, &err);
    if (def != NULL && stat(def, &st) == 0) {
        cli_error(ctx,
                  "%s names no rollback counter, but the counter %s of a vault at this path "
                  "exists: the configuration may be an older copy. Restore it (counter_file = "
                  "%s), or delete the counter file if the vault really has none",
                  ctx->config.present ? CLI_CONFIG_NAME
                                      : "the vault (it has no " CLI_CONFIG_NAME ")",
                  def, def);
        free(def);
        return EXIT_ROLLBACK;
    }
    free(def);
    return EXIT_OK;
}

/* The backend (with its secret only when with_secret) and the vault handle
 * over ctx->store. */
static int handle_open(cli_ctx *ctx, int with_secret)
{
    int rc = with_secret ? cli_backend_new(ctx, &ctx->config, 0, 0, &ctx->backend)
                         : cli_backend_new_no_secret(ctx, &ctx->config, &ctx->backend);
    if (rc != EXIT_OK) {
        return rc;
    }
    pqce_vault_options vo;
    memset(&vo, 0, sizeof vo);
    vo.version = PQCE_VAULT_OPTIONS_VERSION;
    vo.chunk_size = ctx->config.chunk_size;
    vo.flags = ctx->config.keyring_ttl != 0 ? PQCE_VAULT_KEYRING_CACHE : 0u;
    int err = pqce_vault_open(&ctx->vault, ctx->backend, ctx->store, &vo);
    if (err != PQCE_OK) {
        return cli_fail(ctx, err, "cannot open the vault", NULL);
    }
    return EXIT_OK;
}

/* Frees the handle and its backend without locking: the keyring entry, if
 * any, stays. */
static void handle_close(cli_ctx *ctx)
{
    pqce_vault_free(ctx->vault);
    ctx->vault = NULL;
    pqce_backend_free(ctx->backend);
    ctx->backend = NULL;
}

static int vault_open(cli_ctx *ctx, int unlock)
{
    int err;
    const char *dir = NULL;
    char probe[PATH_MAX];
    struct stat st;
    int rc = cli_vault_dir(ctx, &dir);
    if (rc != EXIT_OK) {
        return rc;
    }
    if (snprintf(probe, sizeof probe, "%s/vault.pqce", dir) >= (int)sizeof probe) {
        return cli_usage_error(ctx, "the vault's path is too long");
    }
    if (stat(probe, &st) != 0) {
        if (errno != ENOENT && errno != ENOTDIR) {
            return cli_io_fail(ctx, "cannot open the vault", dir, errno);
        }
        cli_error(ctx, "no vault in %s (create one with: pqce init --vault %s)", dir, dir);
        return EXIT_NOT_FOUND;
    }
    if ((ctx->vault_path = realpath(dir, NULL)) == NULL) {
        return cli_io_fail(ctx, "cannot open the vault", dir, errno);
    }
    if ((rc = cli_config_read(ctx, ctx->vault_path, &ctx->config)) != EXIT_OK ||
        (rc = check_counter(ctx)) != EXIT_OK) {
        goto fail;
    }
    if ((err = pqce_store_dir_new(&ctx->store, ctx->vault_path)) != PQCE_OK) {
        rc = cli_fail(ctx, err, "cannot open the vault's directory", NULL);
        goto fail;
    }
    if (unlock && ctx->config.keyring_ttl != 0) {
        /* Try the session keyring first with a backend that holds no
         * secret: a cache hit never prompts for the PIN or passphrase, and
         * a miss has not touched the TPM's dictionary-attack counter. */
        if ((rc = handle_open(ctx, 0)) != EXIT_OK) {
            goto fail;
        }
        err = pqce_vault_unlock_cached(ctx->vault, (int64_t)ctx->config.keyring_ttl);
        if (err == PQCE_OK) {
            return EXIT_OK;
        }
        if (err != PQCE_ERR_NOT_FOUND) {
            rc = cli_vault_fail(ctx, err, "unlock");
            goto fail;
        }
        handle_close(ctx);
    }
    if ((rc = handle_open(ctx, unlock)) != EXIT_OK) {
        goto fail;
    }
    if (unlock &&
        (err = pqce_vault_unlock(ctx->vault, (int64_t)ctx->config.keyring_ttl)) != PQCE_OK) {
        rc = cli_vault_fail(ctx, err, "unlock");
        goto fail;
    }
    return EXIT_OK;
fail:
    (void)cli_vault_close(ctx, rc);
    return rc;
}

int cli_vault_open(cli_ctx *ctx)
{
    return vault_open(ctx, 1);
}

int cli_vault_open_locked(cli_ctx *ctx)
{
    return vault_open(ctx, 0);
}

int cli_vault_close(cli_ctx *ctx, int rc)
{
    if (ctx->vault != NULL) {
        if (rc == EXIT_OK && pqce_vault_is_unlocked(ctx->vault) &&
            pqce_vault_has_unsaved_changes(ctx->vault)) {
            int err = pqce_vault_save(ctx->vault);
            if (err != PQCE_OK) {
                rc = cli_vault_fail(ctx, err, "save");
            }
        }
        /* With the keyring cache, lock would drop the cached secret: the
         * vault is only freed, which wipes this process's copy. */
        if (pqce_vault_is_unlocked(ctx->vault) && ctx->config.keyring_ttl == 0) {
            if (pqce_vault_lock(ctx->vault) != PQCE_OK) {
                rc = rc != EXIT_OK ? rc : EXIT_GENERAL;
            }
        }
        pqce_vault_free(ctx->vault);
        ctx->vault = NULL;
    }
    pqce_store_free(ctx->store);
    ctx->store = NULL;
    pqce_backend_free(ctx->backend);
    ctx->backend = NULL;
    cli_config_free(&ctx->config);
    free(ctx->vault_path);
    ctx->vault_path = NULL;
    return rc;
}
