/*
 * cmd_vault.c - the vault commands: init, put, get, ls, rm, inspect, verify.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define PIECE ((size_t)1 << 20) /* bytes per read or write of content */

/* ---- init ---------------------------------------------------------------------------------- */

enum {
    OPT_BACKEND = OPT_FIRST_COMMAND_OPTION,
    OPT_DEVICE_ID,
    OPT_DEVICE_MODEL,
    OPT_SUITE,
    OPT_ATT_ALG,
    OPT_CHUNK_SIZE,
    OPT_COUNTER_FILE,
    OPT_NO_COUNTER,
    OPT_SCRYPT,
    OPT_TCTI,
    OPT_PCRS,
    OPT_NV_INDEX,
    OPT_PIN_PROMPT,
    OPT_MODULE,
    OPT_TOKEN,
    OPT_KEY_LABEL,
    OPT_NO_LOGIN,
    OPT_KEYRING_CACHE,
    OPT_NAME,
    OPT_KIND,
    OPT_VERSION_,
    OPT_BUNDLE,
    OPT_TAG,
    OPT_DESCRIPTION,
    OPT_MODEL_DID,
    OPT_NO_REPLACE,
    OPT_FILE,
    OPT_LONG,
};

/* 1 if dir exists and has entries other than . and .. */
static int dir_has_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0;
    if (d == NULL) {
        return 0;
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            found = 1;
            break;
        }
    }
    closedir(d);
    return found;
}

/* Removes what a failed init left in a directory it created itself. */
static void init_cleanup(const char *dir)
{
    static const char *const names[] = {".lock", "vault.pqce", "manifest.pqce", "audit.log",
                                        CLI_CONFIG_NAME};
    char path[PATH_MAX];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) < (int)sizeof path) {
            (void)unlink(path);
        }
    }
    if (snprintf(path, sizeof path, "%s/objects", dir) < (int)sizeof path) {
        (void)rmdir(path);
    }
    (void)rmdir(dir);
}

static int parse_suite(const char *s, uint16_t *suite)
{
    if (strcmp(s, "mlkem768") == 0 || strcmp(s, "ML-KEM-768") == 0) {
        *suite = PQCE_SUITE_MLKEM768;
    } else if (strcmp(s, "xwing") == 0 || strcmp(s, "X-Wing") == 0) {
        *suite = PQCE_SUITE_XWING;
    } else if (strcmp(s, "mlkem1024") == 0 || strcmp(s, "ML-KEM-1024") == 0) {
        *suite = PQCE_SUITE_MLKEM1024;
    } else {
        return -1;
    }
    return 0;
}

/* Makes path absolute without requiring it to exist (its parent must). */
static char *absolute_path(const char *path)
{
    char *r = realpath(path, NULL);
    if (r != NULL) {
        return r;
    }
    const char *slash = strrchr(path, '/');
    char parent[PATH_MAX];
    const char *base = path;
    if (slash == NULL) {
        snprintf(parent, sizeof parent, ".");
    } else if (slash == path) {
        snprintf(parent, sizeof parent, "/");
        base = slash + 1;
    } else {
        snprintf(parent, sizeof parent, "%.*s", (int)(slash - path), path);
        base = slash + 1;
    }
    char *rp = realpath(parent, NULL);
    if (rp == NULL || base[0] == '\0') {
        free(rp);
        return NULL;
    }
    size_t need = strlen(rp) + strlen(base) + 2;
    char *out = malloc(need);
    if (out != NULL) {
        snprintf(out, need, "%s/%s", strcmp(rp, "/") == 0 ? "" : rp, base);
    }
    free(rp);
    return out;
}

/* The backend's own sentence about why it refused to seal. */
static void backend_detail_probe(pqce_backend *backend, char *buf, size_t cap)
{
    char d[256];
    pqce_device_info info;
    pqce_backend_error_detail(backend, d, sizeof d);
    if (d[0] != '\0') {
        snprintf(buf, cap, "the backend refused: %s", d);
    } else if (pqce_backend_device_info(backend, &info) == PQCE_OK) {
        snprintf(buf, cap, "the %s backend refused to seal the vault's secret", info.backend);
    }
}

int cmd_init(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_VAULT_OPTIONS,
        {"json", no_argument, NULL, OPT_JSON},
        {"backend", required_argument, NULL, OPT_BACKEND},
        {"device-id", required_argument, NULL, OPT_DEVICE_ID},
        {"device-model", required_argument, NULL, OPT_DEVICE_MODEL},
        {"suite", required_argument, NULL, OPT_SUITE},
        {"attestation-alg", required_argument, NULL, OPT_ATT_ALG},
        {"chunk-size", required_argument, NULL, OPT_CHUNK_SIZE},
        {"counter-file", required_argument, NULL, OPT_COUNTER_FILE},
        {"no-counter", no_argument, NULL, OPT_NO_COUNTER},
        {"scrypt-log2n", required_argument, NULL, OPT_SCRYPT},
        {"tcti", required_argument, NULL, OPT_TCTI},
        {"pcrs", required_argument, NULL, OPT_PCRS},
        {"nv-index", required_argument, NULL, OPT_NV_INDEX},
        {"pin", no_argument, NULL, OPT_PIN_PROMPT},
        {"module", required_argument, NULL, OPT_MODULE},
        {"token", required_argument, NULL, OPT_TOKEN},
        {"key-label", required_argument, NULL, OPT_KEY_LABEL},
        {"no-login", no_argument, NULL, OPT_NO_LOGIN},
        {"keyring-cache", required_argument, NULL, OPT_KEYRING_CACHE},
        CLI_OPTS_END,
    };
    const char *backend_name = "file", *counter_opt = NULL, *dir = NULL;
    const char *device_id = NULL, *device_model = NULL;
    const char *tcti = NULL, *pcrs = NULL, *nv_opt = NULL, *module = NULL, *token = NULL;
    const char *key_label = NULL;
    int pin_prompt = 0, no_login = 0;
    uint16_t pcr_bank = 0;
    uint32_t pcr_mask = 0, nv_index = 0;
    uint64_t keyring_ttl = 0;
    int no_counter = 0, c, rc;
    uint16_t suite = PQCE_SUITE_MLKEM768;
    unsigned att_alg = 65;
    uint64_t chunk = 0, log2n = 0;
    const char *env_log2n = getenv("PQCE_SCRYPT_LOG2N");
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_BACKEND:
            backend_name = optarg;
            break;
        case OPT_DEVICE_ID:
            device_id = optarg;
            break;
        case OPT_DEVICE_MODEL:
            device_model = optarg;
            break;
        case OPT_SUITE:
            if (parse_suite(optarg, &suite) != 0) {
                return cli_usage_error(ctx, "unknown suite '%s' (mlkem768, xwing, mlkem1024)",
                                       optarg);
            }
            break;
        case OPT_ATT_ALG:
            if (strcmp(optarg, "65") == 0 || strcmp(optarg, "ML-DSA-65") == 0) {
                att_alg = 65;
            } else if (strcmp(optarg, "87") == 0 || strcmp(optarg, "ML-DSA-87") == 0) {
                att_alg = 87;
            } else {
                return cli_usage_error(ctx, "--attestation-alg is 65 or 87");
            }
            break;
        case OPT_CHUNK_SIZE:
            if (cli_parse_u64(optarg, PQCE_CHUNK_MIN, PQCE_CHUNK_MAX, 1, &chunk) != 0 ||
                (chunk & (chunk - 1)) != 0) {
                return cli_usage_error(ctx, "--chunk-size is a power of two from 4K to 16M");
            }
            break;
        case OPT_COUNTER_FILE:
            counter_opt = optarg;
            break;
        case OPT_NO_COUNTER:
            no_counter = 1;
            break;
        case OPT_SCRYPT:
            env_log2n = optarg;
            break;
        case OPT_TCTI:
            tcti = optarg;
            break;
        case OPT_PCRS:
            pcrs = optarg;
            if (cli_pcrs_parse(optarg, &pcr_bank, &pcr_mask) != 0) {
                return cli_usage_error(ctx, "--pcrs is [BANK:]N[,N...] with PCRs 0 to 23 and "
                                            "BANK sha1, sha256 (default), sha384 or sha512");
            }
            break;
        case OPT_NV_INDEX:
            nv_opt = optarg;
            if (strcmp(optarg, "none") == 0) {
                nv_index = PQCE_TPM2_NV_NONE;
            } else {
                char *end = NULL;
                errno = 0;
                unsigned long v = strtoul(optarg, &end, 16);
                if (errno != 0 || end == optarg || *end != '\0' || v < 0x01800000ul ||
                    v > 0x01BFFFFFul) {
                    return cli_usage_error(ctx, "--nv-index is an index of the owner range "
                                                "0x01800000 to 0x01BFFFFF, or none");
                }
                nv_index = (uint32_t)v;
            }
            break;
        case OPT_PIN_PROMPT:
            pin_prompt = 1;
            break;
        case OPT_MODULE:
            module = optarg;
            break;
        case OPT_TOKEN:
            token = optarg;
            break;
        case OPT_KEY_LABEL:
            key_label = optarg;
            break;
        case OPT_NO_LOGIN:
            no_login = 1;
            break;
        case OPT_KEYRING_CACHE:
            if (cli_parse_u64(optarg, 1, 86400, 0, &keyring_ttl) != 0) {
                return cli_usage_error(ctx, "--keyring-cache is a number of seconds, 1 to 86400");
            }
            break;
            CLI_OPTION_DEFAULTS(ctx, argv);
        }
    }
    if (optind != argc) {
        return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
    }
    if (env_log2n != NULL && env_log2n[0] != '\0' &&
        cli_parse_u64(env_log2n, 10, 20, 0, &log2n) != 0) {
        return cli_usage_error(ctx, "the scrypt cost (--scrypt-log2n or PQCE_SCRYPT_LOG2N) is "
                                    "log2 N from 10 to 20");
    }
    if (no_counter && counter_opt != NULL) {
        return cli_usage_error(ctx, "--counter-file and --no-counter exclude each other");
    }
    if ((rc = cli_vault_dir(ctx, &dir)) != EXIT_OK) {
        return rc;
    }
    /* Backends: decided before anything is written. */
    if (strcmp(backend_name, "memory") == 0) {
        cli_error(ctx, "the memory backend lives as long as one process, so a vault on it cannot "
                       "outlive this command; use it from C (examples/), or --backend file");
        return EXIT_USAGE;
    }
    int platform = strcmp(backend_name, "ios") == 0 || strcmp(backend_name, "android") == 0 ||
                   strcmp(backend_name, "qsee") == 0;
    int is_tpm2 = strcmp(backend_name, "tpm2") == 0;
    int is_pkcs11 = strcmp(backend_name, "pkcs11") == 0;
    int is_file = strcmp(backend_name, "file") == 0;
    if (!platform && !is_tpm2 && !is_pkcs11 && !is_file) {
        return cli_usage_error(ctx, "unknown backend '%s' (file, tpm2, pkcs11, ios, android, qsee)",
                               backend_name);
    }
    if (!is_tpm2 && (tcti != NULL || pcrs != NULL || nv_opt != NULL || pin_prompt)) {
        return cli_usage_error(ctx, "--tcti, --pcrs, --nv-index and --pin are options of "
                                    "--backend tpm2");
    }
    if (!is_pkcs11 && (module != NULL || token != NULL || key_label != NULL || no_login)) {
        return cli_usage_error(ctx, "--module, --token, --key-label and --no-login are options "
                                    "of --backend pkcs11");
    }
    if (!is_tpm2 && !is_pkcs11 && (ctx->pin_file != NULL || ctx->pin_env != NULL)) {
        return cli_usage_error(ctx, "a PIN is for --backend tpm2 or pkcs11; the file backend "
                                    "takes a passphrase or a key file");
    }
    if ((is_tpm2 || is_pkcs11) &&
        (ctx->key_file != NULL || ctx->passphrase_file != NULL || ctx->passphrase_env != NULL)) {
        return cli_usage_error(ctx,
                               "the %s backend holds the secret in hardware: give a PIN "
                               "(--pin-file, --pin-env), not a passphrase or key file",
                               backend_name);
    }
    if ((is_tpm2 || is_pkcs11) && (counter_opt != NULL || no_counter)) {
        return cli_usage_error(ctx,
                               "--counter-file and --no-counter are for the file backend; "
                               "%s",
                               is_tpm2 ? "the TPM's NV counter is the rollback counter "
                                         "(--nv-index, or --nv-index none)"
                                       : "a PKCS#11 token has no monotonic counter");
    }
    if (is_pkcs11 && (module == NULL || token == NULL)) {
        return cli_usage_error(ctx, "--backend pkcs11 needs --module PATH and --token LABEL "
                                    "(`pqce backends` lists the tokens)");
    }
    if (is_pkcs11 && no_login && (ctx->pin_file != NULL || ctx->pin_env != NULL)) {
        return cli_usage_error(ctx, "--no-login and a PIN exclude each other");
    }
    if (platform && keyring_ttl != 0) {
        return cli_usage_error(ctx, "--keyring-cache needs a backend this build can unseal with");
    }
    /* The directory: new, or empty. */
    struct stat st;
    int created_dir = 0, counter_is_new = 0;
    if (stat(dir, &st) == 0) {
        char probe[PATH_MAX];
        snprintf(probe, sizeof probe, "%s/vault.pqce", dir);
        if (!S_ISDIR(st.st_mode)) {
            cli_error(ctx, "%s exists and is not a directory", dir);
            return EXIT_USAGE;
        }
        if (stat(probe, &st) == 0) {
            cli_error(ctx, "%s already holds a vault; nothing was changed", dir);
            return EXIT_GENERAL;
        }
        if (dir_has_entries(dir)) {
            cli_error(ctx, "%s is not empty: a vault gets a directory of its own", dir);
            return EXIT_USAGE;
        }
    } else if (errno == ENOENT) {
        if (mkdir(dir, 0700) != 0) {
            return cli_io_fail(ctx, "cannot create the vault directory", dir, errno);
        }
        created_dir = 1;
    } else {
        return cli_io_fail(ctx, "cannot use", dir, errno);
    }

    cli_config cfg;
    memset(&cfg, 0, sizeof cfg);
    pqce_backend *backend = NULL;
    pqce_store *store = NULL;
    pqce_vault *vault = NULL;
    char *abs_dir = realpath(dir, NULL);
    int err;
    if (abs_dir == NULL) {
        rc = cli_io_fail(ctx, "cannot use", dir, errno);
        goto done;
    }
    snprintf(cfg.backend, sizeof cfg.backend, "%s", is_tpm2 || is_pkcs11 ? backend_name : "file");
    if (is_tpm2) {
        int pin = pin_prompt || ctx->pin_file != NULL || ctx->pin_env != NULL;
        snprintf(cfg.kdf, sizeof cfg.kdf, "%s", pin ? "pin" : "none");
        cfg.tpm2_pcr_bank = pcr_bank;
        cfg.tpm2_pcr_mask = pcr_mask;
        cfg.tpm2_nv_index = nv_opt != NULL ? nv_index : cli_default_nv_index(abs_dir);
        if (tcti != NULL && (cfg.tpm2_tcti = strdup(tcti)) == NULL) {
            rc = EXIT_GENERAL;
            cli_error(ctx, "out of memory");
            goto done;
        }
    } else if (is_pkcs11) {
        snprintf(cfg.kdf, sizeof cfg.kdf, "%s", no_login ? "none" : "pin");
        if ((cfg.pkcs11_module = absolute_path(module)) == NULL) {
            rc = cli_io_fail(ctx, "cannot use the PKCS#11 module", module, errno);
            goto done;
        }
        if ((cfg.pkcs11_token = strdup(token)) == NULL ||
            (key_label != NULL && (cfg.pkcs11_key_label = strdup(key_label)) == NULL)) {
            rc = EXIT_GENERAL;
            cli_error(ctx, "out of memory");
            goto done;
        }
    } else {
        snprintf(cfg.kdf, sizeof cfg.kdf, "%s", ctx->key_file != NULL ? "key-file" : "passphrase");
    }
    cfg.keyring_ttl = (uint32_t)keyring_ttl;
    cfg.chunk_size = (uint32_t)chunk;
    if ((device_id != NULL && (cfg.device_id = strdup(device_id)) == NULL) ||
        (device_model != NULL && (cfg.device_model = strdup(device_model)) == NULL)) {
        rc = EXIT_GENERAL;
        cli_error(ctx, "out of memory");
        goto done;
    }
    if (ctx->key_file != NULL && (cfg.key_file = absolute_path(ctx->key_file)) == NULL) {
        rc = cli_io_fail(ctx, "cannot use the key file", ctx->key_file, errno);
        goto done;
    }

    if (platform) {
        /* The platform bridges: the library refuses with a detail naming
         * what this build lacks (never a silent success). */
        int (*ctor)(pqce_backend **, const char *, const char *) =
            strcmp(backend_name, "ios") == 0       ? pqce_backend_ios_new
            : strcmp(backend_name, "android") == 0 ? pqce_backend_android_new
                                                   : pqce_backend_qsee_new;
        if ((err = ctor(&backend, device_id, device_model)) != PQCE_OK) {
            rc = cli_fail(ctx, err, "backend", NULL);
            goto done;
        }
    } else if (is_tpm2 || is_pkcs11) {
        if ((rc = cli_backend_new(ctx, &cfg, 1, 0, &backend)) != EXIT_OK) {
            goto done;
        }
    } else {
        if (!no_counter) {
            int e = 0;
            cfg.counter_file = counter_opt != NULL ? absolute_path(counter_opt)
                                                   : cli_default_counter_path(abs_dir, 1, &e);
            if (cfg.counter_file == NULL) {
                rc = cli_io_fail(ctx, "cannot place the rollback counter file",
                                 counter_opt != NULL ? counter_opt : "(the default place)",
                                 counter_opt != NULL ? errno : e);
                goto done;
            }
            size_t dl = strlen(abs_dir);
            if (strncmp(cfg.counter_file, abs_dir, dl) == 0 && cfg.counter_file[dl] == '/') {
                rc = cli_usage_error(ctx, "the counter file must be outside the vault's "
                                          "directory (a copy of the vault would carry it along)");
                goto done;
            }
        } else {
            int e = 0;
            char *def = cli_default_counter_path(abs_dir, 0, &e);
            if (def != NULL && stat(def, &st) == 0) {
                cli_error(ctx,
                          "a rollback counter of an earlier vault at this path exists (%s); "
                          "delete it first, or keep a counter (leave out --no-counter)",
                          def);
                free(def);
                rc = EXIT_USAGE;
                goto done;
            }
            free(def);
        }
        counter_is_new = cfg.counter_file != NULL && stat(cfg.counter_file, &st) != 0;
        if ((rc = cli_backend_new(ctx, &cfg, 1, (uint32_t)log2n, &backend)) != EXIT_OK) {
            goto done;
        }
    }
    if ((err = pqce_store_dir_new(&store, abs_dir)) != PQCE_OK) {
        rc = cli_fail(ctx, err, "cannot use the vault directory", NULL);
        goto done;
    }
    pqce_vault_options vo;
    memset(&vo, 0, sizeof vo);
    vo.version = PQCE_VAULT_OPTIONS_VERSION;
    vo.suite = suite;
    vo.attestation_alg = att_alg;
    vo.chunk_size = (uint32_t)chunk;
    if ((err = pqce_vault_create(&vault, backend, store, &vo)) != PQCE_OK) {
        char d[512] = "";
        if (err == PQCE_ERR_BACKEND) {
            backend_detail_probe(backend, d, sizeof d);
        }
        rc = cli_fail(ctx, err, "cannot create the vault", d);
        goto done;
    }
    if ((rc = cli_config_write(ctx, abs_dir, &cfg)) != EXIT_OK) {
        goto done;
    }
    pqce_device_info info;
    if (pqce_backend_device_info(backend, &info) != PQCE_OK) {
        memset(&info, 0, sizeof info);
    }
    char how[PATH_MAX + 256], counter[PATH_MAX + 64];
    cli_backend_describe(how, sizeof how, &cfg);
    if (is_tpm2) {
        if (cfg.tpm2_nv_index == PQCE_TPM2_NV_NONE) {
            snprintf(counter, sizeof counter, "none (--nv-index none)");
        } else {
            snprintf(counter, sizeof counter, "TPM NV counter 0x%08x", (unsigned)cfg.tpm2_nv_index);
        }
    } else if (is_pkcs11) {
        snprintf(counter, sizeof counter, "none (a PKCS#11 token has no monotonic counter)");
    } else {
        snprintf(counter, sizeof counter, "%s",
                 cfg.counter_file != NULL ? cfg.counter_file : "none (--no-counter)");
    }
    if (ctx->json) {
        printf("{\"vault\":");
        cli_json_string(stdout, abs_dir);
        printf(",\"backend\":\"%s\",\"credential\":\"%s\",\"device_id\":", cfg.backend, cfg.kdf);
        cli_json_string(stdout, info.device_id);
        printf(",\"device_model\":");
        cli_json_string(stdout, info.device_model);
        printf(",\"hardware_bound\":%s,\"monotonic_counter\":%s",
               (info.capabilities & PQCE_CAP_HARDWARE_BOUND) != 0 ? "true" : "false",
               (info.capabilities & PQCE_CAP_MONOTONIC_COUNTER) != 0 ||
                       (is_file && cfg.counter_file != NULL)
                   ? "true"
                   : "false");
        printf(",\"suite\":\"%s\",\"attestation_algorithm\":\"ML-DSA-%u\",\"counter_file\":",
               pqce_suite_name(suite), att_alg);
        if (cfg.counter_file != NULL) {
            cli_json_string(stdout, cfg.counter_file);
        } else {
            printf("null");
        }
        printf(",\"nv_index\":");
        if (is_tpm2 && cfg.tpm2_nv_index != PQCE_TPM2_NV_NONE) {
            printf("\"0x%08x\"", (unsigned)cfg.tpm2_nv_index);
        } else {
            printf("null");
        }
        printf(",\"keyring_cache_seconds\":%u}\n", (unsigned)cfg.keyring_ttl);
    } else {
        printf("created vault      %s\n", abs_dir);
        printf("backend            %s\n", how);
        printf("device             %s (%s)%s\n", info.device_id, info.device_model,
               (is_tpm2 || is_pkcs11) && (info.capabilities & PQCE_CAP_HARDWARE_BOUND) == 0
                   ? ", not hardware-bound (a software simulator or soft token)"
                   : "");
        printf("suite              %s, attestations ML-DSA-%u\n", pqce_suite_name(suite), att_alg);
        printf("rollback counter   %s\n", counter);
        if (cfg.keyring_ttl != 0) {
            printf("unlock cache       session keyring, %u s (pqce lock drops it)\n",
                   (unsigned)cfg.keyring_ttl);
        }
        printf("configuration      %s/%s\n", abs_dir, CLI_CONFIG_NAME);
    }
done:
    pqce_vault_free(vault);
    pqce_store_free(store);
    pqce_backend_free(backend);
    if (rc != EXIT_OK && created_dir) {
        init_cleanup(abs_dir != NULL ? abs_dir : dir);
    }
    if (rc != EXIT_OK && counter_is_new) {
        (void)unlink(cfg.counter_file); /* the backend created it for this vault */
    }
    free(abs_dir);
    cli_config_free(&cfg);
    return rc;
}

/* ---- put ----------------------------------------------------------------------------------- */

typedef struct fd_source {
    int fd;
    int err; /* errno of a failed read */
    cli_progress *progress;
} fd_source;

static int read_fd(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
    fd_source *s = ctx;
    for (;;) {
        ssize_t n = read(s->fd, buf, cap);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            s->err = errno;
            return -1;
        }
        *got = (size_t)n;
        cli_progress_add(s->progress, (uint64_t)n);
        return 0;
    }
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s != NULL && s[1] != '\0' ? s + 1 : path;
}

int cmd_put(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_VAULT_OPTIONS,
        {"json", no_argument, NULL, OPT_JSON},
        {"name", required_argument, NULL, OPT_NAME},
        {"kind", required_argument, NULL, OPT_KIND},
        {"version", required_argument, NULL, OPT_VERSION_},
        {"bundle", required_argument, NULL, OPT_BUNDLE},
        {"tag", required_argument, NULL, OPT_TAG},
        {"description", required_argument, NULL, OPT_DESCRIPTION},
        {"model-did", required_argument, NULL, OPT_MODEL_DID},
        {"no-replace", no_argument, NULL, OPT_NO_REPLACE},
        CLI_OPTS_END,
    };
    pqce_metadata meta;
    const char *tags[PQCE_TAGS_MAX];
    unsigned flags = 0;
    int c, rc;
    memset(&meta, 0, sizeof meta);
    meta.kind = PQCE_KIND_OTHER;
    meta.tags = tags;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hn:k:", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
        case OPT_NAME:
            meta.name = optarg;
            break;
        case 'k':
        case OPT_KIND:
            if (pqce_kind_from_name(&meta.kind, optarg) != PQCE_OK) {
                return cli_usage_error(ctx,
                                       "unknown kind '%s' (model-weights, lora-adapter, "
                                       "tokenizer, credential, biometric-template, "
                                       "inference-cache, safety-model, other)",
                                       optarg);
            }
            break;
        case OPT_VERSION_:
            meta.version = optarg;
            break;
        case OPT_BUNDLE:
            meta.app_bundle_id = optarg;
            break;
        case OPT_TAG:
            if (meta.tag_count == PQCE_TAGS_MAX) {
                return cli_usage_error(ctx, "at most %d tags", PQCE_TAGS_MAX);
            }
            tags[meta.tag_count++] = optarg;
            break;
        case OPT_DESCRIPTION:
            meta.description = optarg;
            break;
        case OPT_MODEL_DID:
            meta.model_did = optarg;
            break;
        case OPT_NO_REPLACE:
            flags |= PQCE_PUT_FAIL_IF_EXISTS;
            break;
            CLI_OPTION_DEFAULTS(ctx, argv);
        }
    }
    if (optind + 1 != argc) {
        return cli_usage_error(ctx, optind == argc ? "which file? (- for standard input)"
                                                   : "one file at a time");
    }
    const char *path = argv[optind];
    int from_stdin = strcmp(path, "-") == 0;
    if (meta.name == NULL) {
        if (from_stdin) {
            return cli_usage_error(ctx, "give the artifact a --name when reading standard input");
        }
        meta.name = base_name(path);
    }
    int fd = from_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return cli_io_fail(ctx, "cannot open", path, errno);
    }
    struct stat st;
    uint64_t total = UINT64_MAX;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        total = (uint64_t)st.st_size;
    } else if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return cli_usage_error(ctx, "%s is a directory", path);
    }
    if ((rc = cli_vault_open(ctx)) != EXIT_OK) {
        if (!from_stdin) {
            close(fd);
        }
        return rc;
    }
    char label[96];
    snprintf(label, sizeof label, "put %.80s", meta.name);
    cli_progress p;
    fd_source src = {fd, 0, &p};
    pqce_artifact_ref ref;
    cli_progress_start(&p, ctx, label, total);
    int err = pqce_vault_put_reader(ctx->vault, &ref, &meta, read_fd, &src, flags);
    cli_progress_finish(&p, err == PQCE_OK);
    if (!from_stdin) {
        close(fd);
    }
    if (err != PQCE_OK) {
        rc = src.err != 0 ? cli_io_fail(ctx, "cannot read", path, src.err)
                          : cli_vault_fail(ctx, err, "put");
        return cli_vault_close(ctx, rc);
    }
    rc = cli_vault_close(ctx, EXIT_OK); /* saves */
    if (rc != EXIT_OK) {
        return rc;
    }
    if (ctx->json) {
        printf("{\"name\":");
        cli_json_string(stdout, meta.name);
        printf(",\"id\":\"%s\",\"kind\":\"%s\",\"size\":%llu,\"sha3_256\":\"%s\"}\n", ref.id,
               pqce_kind_name(meta.kind), (unsigned long long)ref.size, ref.sha3_256_hex);
    } else {
        char sz[32];
        cli_format_size(sz, sizeof sz, ref.size);
        printf("stored %s (%s, %s)\n  id      %s\n  sha3    %s\n", meta.name,
               pqce_kind_name(meta.kind), sz, ref.id, ref.sha3_256_hex);
    }
    return EXIT_OK;
}

/* ---- get ----------------------------------------------------------------------------------- */

/* Reads the whole artifact through the reader, hashing it; writes it to
 * out_fd unless out_fd < 0; random-access reads (pread) when verify_only,
 * so that the sequential position stays at the start. */
static int stream_artifact(cli_ctx *ctx, pqce_reader *r, const pqce_artifact_info *info, int out_fd,
                           const char *label, const char *out_name)
{
    uint8_t *buf = malloc(PIECE);
    pqce_sha3_ctx h;
    uint8_t digest[32];
    cli_progress p;
    int rc = EXIT_OK, err = PQCE_OK;
    uint64_t off = 0;
    if (buf == NULL || pqce_sha3_256_init(&h) != PQCE_OK) {
        free(buf);
        cli_error(ctx, "out of memory");
        return EXIT_GENERAL;
    }
    cli_progress_start(&p, ctx, label, info->size);
    for (;;) {
        size_t got = 0;
        if (out_fd < 0) {
            got = info->size - off < PIECE ? (size_t)(info->size - off) : PIECE;
            if (got > 0) {
                err = pqce_reader_pread(r, buf, got, off);
            }
        } else {
            err = pqce_reader_read(r, buf, PIECE, &got);
        }
        if (err != PQCE_OK) {
            rc = cli_fail(ctx, err, "read", "a chunk failed authentication: nothing was released");
            break;
        }
        if (got == 0) {
            break;
        }
        if (pqce_sha3_absorb(&h, buf, got) != PQCE_OK) {
            rc = cli_fail(ctx, PQCE_ERR_STATE, "verify", "hashing failed");
            break;
        }
        if (out_fd >= 0) {
            int e = cli_write_all(out_fd, buf, got);
            if (e != 0) {
                rc = cli_io_fail(ctx, "cannot write", out_name, e);
                break;
            }
        }
        off += got;
        cli_progress_add(&p, got);
    }
    if (rc == EXIT_OK) {
        if (pqce_sha3_final(&h, digest, sizeof digest) != PQCE_OK || off != info->size ||
            !pqce_ct_memeq(digest, info->content_sha3_256, 32)) {
            rc = cli_fail(ctx, PQCE_ERR_DECRYPT, "verify",
                          "the content's SHA3-256 differs from the authenticated hash");
        }
    } else {
        pqce_sha3_wipe(&h);
    }
    cli_progress_finish(&p, rc == EXIT_OK);
    pqce_memzero(buf, PIECE);
    free(buf);
    return rc;
}

int cmd_get(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_VAULT_OPTIONS,
        {"output", required_argument, NULL, 'o'},
        {"caller", required_argument, NULL, OPT_CALLER},
        CLI_OPTS_END,
    };
    const char *out = NULL;
    int c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
            CLI_OPTION_DEFAULTS(ctx, argv);
        }
    }
    if (optind + 1 != argc) {
        return cli_usage_error(ctx, optind == argc ? "which artifact?" : "one artifact at a time");
    }
    const char *name = argv[optind];
    if ((rc = cli_vault_open(ctx)) != EXIT_OK) {
        return rc;
    }
    pqce_reader *r = NULL;
    pqce_artifact_info info;
    cli_outfile o = {NULL, NULL, -1};
    char label[96];
    int err = pqce_vault_open_artifact(ctx->vault, &r, name, ctx->caller);
    if (err != PQCE_OK) {
        rc = cli_vault_fail(ctx, err, "get");
        goto done;
    }
    if ((err = pqce_reader_info(r, &info)) != PQCE_OK) {
        rc = cli_fail(ctx, err, "get", NULL);
        goto done;
    }
    int to_stdout = out == NULL || strcmp(out, "-") == 0;
    if (to_stdout) {
        /* Nothing may reach a pipe before the whole artifact verified:
         * a first pass checks every tag and the content hash. */
        snprintf(label, sizeof label, "verify %.80s", name);
        if ((rc = stream_artifact(ctx, r, &info, -1, label, NULL)) != EXIT_OK) {
            goto done;
        }
    }
    if ((rc = cli_outfile_open(ctx, &o, out, 0600)) != EXIT_OK) {
        goto done;
    }
    snprintf(label, sizeof label, "get %.80s", name);
    rc = stream_artifact(ctx, r, &info, o.fd, label, to_stdout ? "standard output" : out);
    if (rc == EXIT_OK) {
        rc = cli_outfile_commit(ctx, &o);
    } else {
        cli_outfile_abort(&o);
    }
done:
    pqce_reader_free(r);
    return cli_vault_close(ctx, rc);
}

/* ---- ls ------------------------------------------------------------------------------------ */

static void json_entry(const pqce_artifact_entry *e)
{
    char t[40];
    printf("{\"name\":");
    cli_json_string(stdout, e->meta.name);
    printf(",\"id\":\"%s\",\"kind\":\"%s\",\"size\":%llu,\"sha3_256\":\"%s\",\"version\":", e->id,
           pqce_kind_name(e->meta.kind), (unsigned long long)e->meta.size, e->sha3_256_hex);
    cli_json_string(stdout, e->meta.version);
    printf(",\"app_bundle_id\":");
    cli_json_string(stdout, e->meta.app_bundle_id);
    cli_format_time(t, sizeof t, e->meta.created_ms);
    printf(",\"created_ms\":%llu,\"created\":\"%s\",\"device_id\":",
           (unsigned long long)e->meta.created_ms, t);
    cli_json_string(stdout, e->meta.device_id);
    printf(",\"model_did\":");
    cli_json_string(stdout, e->meta.model_did);
    printf(",\"tags\":[");
    for (size_t i = 0; i < e->meta.tag_count; i++) {
        printf(i > 0 ? "," : "");
        cli_json_string(stdout, e->meta.tags[i]);
    }
    printf("],\"description\":");
    cli_json_string(stdout, e->meta.description);
    printf("}");
}

static int display_width(const char *s)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)(s != NULL ? s : ""); *p; p++) {
        n += (*p & 0xc0) != 0x80; /* count UTF-8 code points */
    }
    return n;
}

static void pad(const char *s, int width)
{
    fputs(s != NULL && s[0] != '\0' ? s : "-", stdout);
    for (int i = display_width(s != NULL && s[0] != '\0' ? s : "-"); i < width; i++) {
        fputc(' ', stdout);
    }
}

int cmd_ls(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_VAULT_OPTIONS,
        {"json", no_argument, NULL, OPT_JSON},
        {"kind", required_argument, NULL, OPT_KIND},
        {"long", no_argument, NULL, 'l'},
        CLI_OPTS_END,
    };
    int kind = PQCE_KIND_ANY, c, rc, long_format = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hlk:", opts, NULL)) != -1) {
        switch (c) {
        case 'k':
        case OPT_KIND: {
            pqce_kind k;
            if (pqce_kind_from_name(&k, optarg) != PQCE_OK) {
                return cli_usage_error(ctx, "unknown kind '%s'", optarg);
            }
            kind = (int)k;
            break;
        }
        case 'l':
            long_format = 1;
            break;
            CLI_OPTION_DEFAULTS(ctx, argv);
        }
    }
    if (optind != argc) {
        return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
    }
    if ((rc = cli_vault_open(ctx)) != EXIT_OK) {
        return rc;
    }
    pqce_artifact_list *l = NULL;
    int err = pqce_vault_list(ctx->vault, &l, kind);
    if (err != PQCE_OK) {
        return cli_vault_close(ctx, cli_vault_fail(ctx, err, "ls"));
    }
    size_t n = pqce_artifact_list_count(l);
    if (ctx->json) {
        printf("[");
        for (size_t i = 0; i < n; i++) {
            printf(i > 0 ? ",\n " : "");
            json_entry(pqce_artifact_list_at(l, i));
        }
        printf("]\n");
    } else if (n == 0) {
        fprintf(stderr, "(no artifacts)\n");
    } else {
        int wn = 4, wk = 4, wv = 7, wb = 6;
        for (size_t i = 0; i < n; i++) {
            const pqce_artifact_entry *e = pqce_artifact_list_at(l, i);
            int a = display_width(e->meta.name), b = display_width(pqce_kind_name(e->meta.kind));
            int v = display_width(e->meta.version), w = display_width(e->meta.app_bundle_id);
            wn = a > wn ? a : wn;
            wk = b > wk ? b : wk;
            wv = v > wv ? v : wv;
            wb = w > wb ? w : wb;
        }
        pad("NAME", wn + 2);
        pad("KIND", wk + 2);
        printf("%10s  ", "SIZE");
        pad("VERSION", wv + 2);
        pad("BUNDLE", wb + 2);
        printf(long_format ? "CREATED                   ID                                   "
                             "                 SHA3-256\n"
                           : "CREATED\n");
        for (size_t i = 0; i < n; i++) {
            const pqce_artifact_entry *e = pqce_artifact_list_at(l, i);
            char sz[32], t[40];
            cli_format_size(sz, sizeof sz, e->meta.size);
            cli_format_time(t, sizeof t, e->meta.created_ms);
            pad(e->meta.name, wn + 2);
            pad(pqce_kind_name(e->meta.kind), wk + 2);
            printf("%10s  ", sz);
            pad(e->meta.version, wv + 2);
            pad(e->meta.app_bundle_id, wb + 2);
            if (long_format) {
                printf("%s  %s  %s\n", t, e->id, e->sha3_256_hex);
            } else {
                printf("%.19sZ\n", t);
            }
        }
    }
    pqce_artifact_list_free(l);
    return cli_vault_close(ctx, EXIT_OK);
}

/* ---- rm ------------------------------------------------------------------------------------ */

int cmd_rm(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {CLI_VAULT_OPTIONS, CLI_OPTS_END};
    int c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
            CLI_OPTION_DEFAULTS(ctx, argv);
        }
    }
    if (optind == argc) {
        return cli_usage_error(ctx, "which artifact?");
    }
    if ((rc = cli_vault_open(ctx)) != EXIT_OK) {
        return rc;
    }
    /* All or nothing: every name must exist before anything is deleted. */
    for (int i = optind; i < argc; i++) {
        pqce_artifact_list *l = NULL;
        int err = pqce_vault_stat(ctx->vault, &l, argv[i]);
        pqce_artifact_list_free(l);
        if (err != PQCE_OK) {
            char what[300];
            snprintf(what, sizeof what, "rm %s (nothing was removed)", argv[i]);
            return cli_vault_close(ctx, cli_vault_fail(ctx, err, what));
        }
    }
    for (int i = optind; i < argc; i++) {
        int err = pqce_vault_delete(ctx->vault, argv[i]);
        if (err != PQCE_OK) {
            /* unsaved: closing with an error discards the deletions */
            return cli_vault_close(ctx, cli_vault_fail(ctx, err, "rm"));
        }
    }
    rc = cli_vault_close(ctx, EXIT_OK);
    if (rc == EXIT_OK) {
        for (int i = optind; i < argc; i++) {
            printf("removed %s\n", argv[i]);
        }
    }
    return rc;
}

/* ---- inspect ------------------------------------------------------------------------------- */

int cmd_inspect(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_VAULT_OPTIONS,
        {"json", no_argument, NULL, OPT_JSON},
        {"file", no_argument, NULL, OPT_FILE},
        {"caller", required_argument, NULL, OPT_CALLER},
        CLI_OPTS_END,
    };
    int c, rc, as_file = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_FILE:
            as_file = 1;
            break;
            CLI_OPTION_DEFAULTS(ctx, argv);
        }
    }
    if (optind + 1 != argc) {
        return cli_usage_error(ctx,
                               optind == argc ? "which artifact or sealed file?" : "one at a time");
    }
    const char *what = argv[optind];
    if (as_file || cli_is_sealed_file(what)) {
        return cli_inspect_sealed_file(ctx, what);
    }
    if ((rc = cli_vault_open(ctx)) != EXIT_OK) {
        return rc;
    }
    pqce_artifact_list *l = NULL;
    pqce_reader *r = NULL;
    pqce_artifact_info info;
    int err = pqce_vault_stat(ctx->vault, &l, what);
    if (err != PQCE_OK) {
        return cli_vault_close(ctx, cli_vault_fail(ctx, err, "inspect"));
    }
    const pqce_artifact_entry *e = pqce_artifact_list_at(l, 0);
    /* The container's format details come from opening it (a read under
     * the access policy, audited). */
    int open_err = pqce_vault_open_artifact(ctx->vault, &r, what, ctx->caller);
    if (open_err == PQCE_OK) {
        open_err = pqce_reader_info(r, &info);
    }
    if (open_err == PQCE_OK) {
        /* format details below */
    } else if (open_err != PQCE_ERR_POLICY) {
        rc = cli_vault_fail(ctx, open_err, "inspect");
        pqce_artifact_list_free(l);
        return cli_vault_close(ctx, rc);
    }
    if (ctx->json) {
        printf("{\"artifact\":");
        json_entry(e);
        if (open_err == PQCE_OK) {
            printf(",\"container\":{\"format_version\":1,\"suite\":\"%s\",\"chunk_size\":%u,"
                   "\"sealed_size\":%llu,\"stanza_count\":%zu,\"content_size\":%llu}",
                   pqce_suite_name(info.suite), (unsigned)info.chunk_size,
                   (unsigned long long)info.sealed_size, info.stanza_count,
                   (unsigned long long)info.size);
        } else {
            printf(",\"container\":null");
        }
        printf("}\n");
    } else {
        char sz[32], t[40];
        cli_format_size(sz, sizeof sz, e->meta.size);
        cli_format_time(t, sizeof t, e->meta.created_ms);
        printf("name               %s\n", e->meta.name);
        printf("id                 %s\n", e->id);
        printf("kind               %s\n", pqce_kind_name(e->meta.kind));
        printf("size               %s (%llu bytes)\n", sz, (unsigned long long)e->meta.size);
        printf("sha3-256           %s\n", e->sha3_256_hex);
        printf("version            %s\n", e->meta.version[0] ? e->meta.version : "-");
        printf("app bundle         %s\n",
               e->meta.app_bundle_id[0] ? e->meta.app_bundle_id : "- (any)");
        printf("created            %s on %s\n", t, e->meta.device_id);
        if (e->meta.model_did[0] != '\0') {
            printf("model did          %s\n", e->meta.model_did);
        }
        printf("tags               ");
        for (size_t i = 0; i < e->meta.tag_count; i++) {
            printf("%s%s", i > 0 ? ", " : "", e->meta.tags[i]);
        }
        printf("%s\n", e->meta.tag_count == 0 ? "-" : "");
        if (e->meta.description[0] != '\0') {
            printf("description        %s\n", e->meta.description);
        }
        if (open_err == PQCE_OK) {
            char cs[32];
            cli_format_size(sz, sizeof sz, info.sealed_size);
            cli_format_size(cs, sizeof cs, info.chunk_size);
            printf("container          format 1, %s + AES-256-GCM + SHA3-256\n",
                   pqce_suite_name(info.suite));
            printf("chunks             %s each, %llu in all\n", cs,
                   (unsigned long long)(info.size / info.chunk_size + 1));
            printf("sealed size        %s (%llu bytes), %zu recipient stanza%s\n", sz,
                   (unsigned long long)info.sealed_size, info.stanza_count,
                   info.stanza_count == 1 ? "" : "s");
        } else {
            printf("container          not opened: %s\n", pqce_vault_error_detail(ctx->vault));
        }
    }
    pqce_reader_free(r);
    pqce_artifact_list_free(l);
    return cli_vault_close(ctx, EXIT_OK);
}

/* ---- verify -------------------------------------------------------------------------------- */

int cmd_verify(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_VAULT_OPTIONS,
        {"json", no_argument, NULL, OPT_JSON},
        {"caller", required_argument, NULL, OPT_CALLER},
        CLI_OPTS_END,
    };
    int c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
            CLI_OPTION_DEFAULTS(ctx, argv);
        }
    }
    if ((rc = cli_vault_open(ctx)) != EXIT_OK) {
        return rc;
    }
    /* The names: those given, or every artifact. */
    pqce_artifact_list *all = NULL;
    size_t n = (size_t)(argc - optind);
    if (n == 0) {
        int err = pqce_vault_list(ctx->vault, &all, PQCE_KIND_ANY);
        if (err != PQCE_OK) {
            return cli_vault_close(ctx, cli_vault_fail(ctx, err, "verify"));
        }
        n = pqce_artifact_list_count(all);
    }
    int worst = EXIT_OK;
    if (ctx->json) {
        printf("[");
    }
    for (size_t i = 0; i < n; i++) {
        const char *name =
            all != NULL ? pqce_artifact_list_at(all, i)->meta.name : argv[optind + (int)i];
        pqce_reader *r = NULL;
        pqce_artifact_info info;
        int one = EXIT_OK;
        const char *why = "";
        int err = pqce_vault_open_artifact(ctx->vault, &r, name, ctx->caller);
        if (err != PQCE_OK) {
            one = cli_vault_fail(ctx, err, name);
            why = pqce_error_name(err);
        } else {
            if ((err = pqce_reader_info(r, &info)) != PQCE_OK) {
                memset(&info, 0, sizeof info);
            }
            cli_progress probe;
            cli_progress_start(&probe, ctx, "", 0);
            if (probe.enabled) {
                /* On a terminal: the same checks in measured pieces. */
                char label[96];
                snprintf(label, sizeof label, "verify %.80s", name);
                one = stream_artifact(ctx, r, &info, -1, label, NULL);
                why = one == EXIT_OK ? "" : "PQCE_ERR_DECRYPT";
            } else if ((err = pqce_reader_verify(r)) != PQCE_OK) {
                one = cli_fail(ctx, err, name,
                               "a tag or the content hash does not verify (tampered or damaged)");
                why = pqce_error_name(err);
            }
        }
        if (ctx->json) {
            printf("%s{\"name\":", i > 0 ? ",\n " : "");
            cli_json_string(stdout, name);
            printf(",\"ok\":%s", one == EXIT_OK ? "true" : "false");
            if (one == EXIT_OK) {
                char hex[65];
                cli_hex(hex, info.content_sha3_256, 32);
                printf(",\"size\":%llu,\"sha3_256\":\"%s\"", (unsigned long long)info.size, hex);
            } else {
                printf(",\"error\":\"%s\"", why);
            }
            printf("}");
        } else if (one == EXIT_OK) {
            char sz[32], hex[65];
            cli_format_size(sz, sizeof sz, info.size);
            cli_hex(hex, info.content_sha3_256, 32);
            printf("ok      %s  (%s, every tag and the SHA3-256 %.16s...)\n", name, sz, hex);
        } else {
            printf("FAILED  %s\n", name);
        }
        pqce_reader_free(r);
        /* the most telling failure wins: integrity over the others */
        if (one != EXIT_OK && (worst == EXIT_OK || one == EXIT_INTEGRITY)) {
            worst = one;
        }
    }
    if (ctx->json) {
        printf("]\n");
    } else if (n == 0) {
        printf("(no artifacts)\n");
    }
    pqce_artifact_list_free(all);
    return cli_vault_close(ctx, worst);
}
