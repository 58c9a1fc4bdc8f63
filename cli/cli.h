/*
 * cli.h - the pieces of the pqce command-line tool (public API only: this
 * tool includes pqce.h and nothing from src/).
 *
 * One file per concept: main.c (the command table, help), args.c (options
 * shared by the commands), output.c (errors, exit codes, JSON, hex, sizes),
 * passphrase.c (passphrase or PIN: prompt, file, environment; wiped),
 * progress.c (the progress bar on a terminal), config.c (the tool's
 * per-vault configuration and opening a vault), backend.c (a vault's
 * backend from its configuration: file, TPM 2.0, PKCS#11), keytext.c (the Bech32m text form of
 * public keys), sealed_file.c (format details of a sealed file), and the
 * commands in cmd_*.c.
 */
#ifndef PQCE_CLI_H
#define PQCE_CLI_H

#include <pqce.h>
#include <stdint.h>
#include <stdio.h>

/* ---- exit codes (documented in `pqce help`, docs/pqce.1, docs/CLI.md) ---- */

#define EXIT_OK        0 /* success */
#define EXIT_GENERAL   1 /* any other failure (backend, busy, exists, self-test, ...) */
#define EXIT_USAGE     2 /* bad command line or bad input value */
#define EXIT_NOT_FOUND 3 /* no such artifact, vault, policy rule */
#define EXIT_LOCKED    4 /* wrong passphrase or key file; the vault stays locked */
#define EXIT_INTEGRITY 5 /* decryption, integrity or signature verification failed */
#define EXIT_POLICY    6 /* the access policy denied the read */
#define EXIT_ROLLBACK  7 /* an older vault state was restored (or its counter is missing) */
#define EXIT_IO        8 /* reading or writing a file failed */

/* The exit code for a PQCE_ERR_* code. */
int cli_exit_code(int err);

/* ---- the context of one command ----------------------------------------- */

typedef struct cli_config {
    int present;         /* the configuration file exists */
    char backend[16];    /* "file", "tpm2", "pkcs11" */
    char kdf[16];        /* credential: "passphrase", "key-file" (file); "pin", "none" */
    char *key_file;      /* absolute path, or NULL */
    char *counter_file;  /* absolute path, or NULL: no rollback counter */
    char *device_id;     /* or NULL: the backend's default */
    char *device_model;  /* or NULL */
    uint32_t chunk_size; /* 0: the library's default */
    /* tpm2 */
    char *tpm2_tcti;        /* NULL: PQCE_TPM2_DEFAULT_TCTI */
    uint16_t tpm2_pcr_bank; /* PQCE_TPM2_PCR_BANK_* (0 with no PCR policy) */
    uint32_t tpm2_pcr_mask; /* 0: no PCR policy */
    uint32_t tpm2_nv_index; /* PQCE_TPM2_NV_NONE: no counter */
    /* pkcs11 */
    char *pkcs11_module;
    char *pkcs11_token;
    char *pkcs11_key_label; /* NULL: PQCE_PKCS11_DEFAULT_KEY_LABEL */
    /* any backend: the session keyring unlock cache, and the unlock's TTL */
    uint32_t keyring_ttl; /* 0: no keyring cache */
} cli_config;

typedef struct cli_ctx {
    const char *cmd; /* the command's name, for messages */
    /* options shared by the vault commands (args.c) */
    const char *vault_dir;
    const char *passphrase_file;
    const char *passphrase_env;
    const char *key_file;
    const char *pin_file; /* --pin-file, --pin-env: a TPM's or token's PIN */
    const char *pin_env;
    const char *caller; /* --caller: the app bundle id a read is made for */
    int json;
    int progress; /* -1: when stderr is a terminal, 0: never (--no-progress) */
    int new_counter;
    /* an open vault (config.c) */
    cli_config config;
    char *vault_path; /* absolute path of the vault's directory */
    pqce_backend *backend;
    pqce_store *store;
    pqce_vault *vault;
} cli_ctx;

/* ---- args.c: options shared by commands ---------------------------------- */

/* Long-option ids of the shared options (values above any short option). */
enum {
    OPT_VAULT = 1000,
    OPT_PASSPHRASE_FILE,
    OPT_PASSPHRASE_ENV,
    OPT_KEY_FILE,
    OPT_JSON,
    OPT_NO_PROGRESS,
    OPT_NEW_COUNTER,
    OPT_CALLER,
    OPT_PIN_FILE,
    OPT_PIN_ENV,
    OPT_HELP,
    OPT_FIRST_COMMAND_OPTION /* commands number theirs from here */
};

/* The getopt_long entries of the shared vault options, to put at the head of
 * a command's table; CLI_OPTS_END closes a table. */
#define CLI_VAULT_OPTIONS                                                  \
    {"vault", required_argument, NULL, OPT_VAULT},                         \
        {"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE}, \
        {"passphrase-env", required_argument, NULL, OPT_PASSPHRASE_ENV},   \
        {"key-file", required_argument, NULL, OPT_KEY_FILE},               \
        {"pin-file", required_argument, NULL, OPT_PIN_FILE},               \
        {"pin-env", required_argument, NULL, OPT_PIN_ENV},                 \
        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},               \
        {"new-counter", no_argument, NULL, OPT_NEW_COUNTER},               \
    {                                                                      \
        "help", no_argument, NULL, 'h'                                     \
    }
#define CLI_OPTS_END     \
    {                    \
        NULL, 0, NULL, 0 \
    }

/*
 * Handles a shared option (c as returned by getopt_long). Returns 1 if it
 * was one, 0 if not. '?' (an unknown option, already reported by getopt)
 * is the caller's to turn into EXIT_USAGE.
 */
int cli_shared_option(cli_ctx *ctx, int c, const char *arg);

/* Reports getopt_long's '?' or ':' (call with optopt and argv[optind - 1]);
 * returns EXIT_USAGE. Commands run getopt with opterr = 0 and a ':' first in
 * their short options. */
int cli_getopt_fail(const cli_ctx *ctx, int c, int optopt_value, const char *last);

/* The usual ending of a command's option loop. */
#define CLI_OPTION_DEFAULTS(ctx, argv)             \
    case 'h':                                      \
        cli_command_help((ctx)->cmd, stdout);      \
        return EXIT_OK;                            \
    default:                                       \
        if (cli_shared_option((ctx), c, optarg)) { \
            break;                                 \
        }                                          \
        return cli_getopt_fail((ctx), c, optopt, (argv)[optind - 1])

/* Prints the command's help (main.c) to f. */
void cli_command_help(const char *name, FILE *f);

/* Reports a usage error ("pqce CMD: message (see pqce CMD --help)") and
 * returns EXIT_USAGE. */
int cli_usage_error(const cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses an unsigned decimal integer (with an optional K/M/G suffix when
 * suffix is set) within [min, max]. Returns 0 or -1. */
int cli_parse_u64(const char *s, uint64_t min, uint64_t max, int suffix, uint64_t *out);

/* Reads a whole small file (at most max bytes) into a malloc'd,
 * NUL-terminated buffer. Returns 0, or an errno value (EFBIG when larger). */
int cli_read_small_file(const char *path, size_t max, char **out, size_t *len);

/* ---- output.c --------------------------------------------------------------- */

/* "pqce CMD: message" on stderr. */
void cli_error(const cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reports a library error in one line: "pqce CMD: what: detail (NAME)".
 * detail may be NULL (then pqce_strerror). Returns cli_exit_code(err). */
int cli_fail(const cli_ctx *ctx, int err, const char *what, const char *detail);

/* As cli_fail with the vault's error detail. */
int cli_vault_fail(const cli_ctx *ctx, int err, const char *what);

/* Reports a failed system call on path with errno; returns EXIT_IO. */
int cli_io_fail(const cli_ctx *ctx, const char *what, const char *path, int errnum);

/* JSON: a string with escapes, and hex. */
void cli_json_string(FILE *f, const char *s);
void cli_hex(char *out, const uint8_t *in, size_t len); /* out: 2 * len + 1 */
/* Decodes hex (even length, either case) into out; returns 0 or -1. */
int cli_unhex(uint8_t *out, size_t cap, size_t *len, const char *hex);

/* "64.0 MiB", "512 B" */
void cli_format_size(char *buf, size_t cap, uint64_t bytes);
/* "2026-04-20T10:34:56.789Z" */
void cli_format_time(char *buf, size_t cap, uint64_t ms);

/* Writes len bytes to fd (retrying short writes). Returns 0 or errno. */
int cli_write_all(int fd, const void *buf, size_t len);

/*
 * Output files are written beside their destination (a temporary name),
 * fsynced and renamed over it only when complete, so a failure never leaves
 * a partial or unverified file under the name the user gave.
 */
typedef struct cli_outfile {
    const char *path; /* NULL: standard output */
    char *tmp;
    int fd;
} cli_outfile;
int cli_outfile_open(const cli_ctx *ctx, cli_outfile *o, const char *path, int mode);
int cli_outfile_commit(const cli_ctx *ctx, cli_outfile *o);
void cli_outfile_abort(cli_outfile *o);

/* ---- passphrase.c ---------------------------------------------------------------- */

/* A secret on locked, non-dumpable pages; wiped by cli_secret_free. */
typedef struct cli_secret {
    uint8_t *buf;
    size_t len;
    size_t cap;
} cli_secret;

/*
 * Gets the vault's passphrase from --passphrase-file, --passphrase-env or
 * a prompt on /dev/tty with echo off (twice when confirm is set). Never
 * echoes, logs or prints it. Returns an exit code.
 */
int cli_passphrase_get(const cli_ctx *ctx, cli_secret *out, int confirm);
/* The same for a TPM's or a token's PIN: --pin-file, --pin-env, or a
 * prompt. The buffer is NUL-terminated after len (a PIN holds no NUL). */
int cli_pin_get(const cli_ctx *ctx, cli_secret *out, int confirm);
void cli_secret_free(cli_secret *s);

/* ---- progress.c ------------------------------------------------------------------------ */

typedef struct cli_progress {
    int enabled;
    const char *label;
    uint64_t total; /* UINT64_MAX: unknown */
    uint64_t done;
    double start;
    double last_draw;
} cli_progress;

/* Starts a progress bar on stderr if stderr is a terminal (and the user did
 * not say --no-progress); otherwise every call is a no-op. */
void cli_progress_start(cli_progress *p, const cli_ctx *ctx, const char *label, uint64_t total);
void cli_progress_add(cli_progress *p, uint64_t n);
/* Draws the final state and ends the line (ok = 0: marks it failed). */
void cli_progress_finish(cli_progress *p, int ok);

/*
 * For an operation the library runs without a callback (import): a thread
 * that shows the bytes this process has read so far (/proc/self/io rchar)
 * and the rate, on a terminal only.
 */
typedef struct cli_ticker cli_ticker;
cli_ticker *cli_ticker_start(const cli_ctx *ctx, const char *label);
void cli_ticker_stop(cli_ticker *t, int ok);

/* ---- config.c: the tool's configuration and opening a vault --------------------------------- */

#define CLI_CONFIG_NAME "pqce-cli.conf"

/* The vault directory from --vault or PQCE_VAULT; EXIT_USAGE if neither. */
int cli_vault_dir(cli_ctx *ctx, const char **dir);

/* Reads DIR/pqce-cli.conf (absent: defaults). Returns an exit code. */
int cli_config_read(const cli_ctx *ctx, const char *dir, cli_config *cfg);
/* Writes it atomically. Returns an exit code. */
int cli_config_write(const cli_ctx *ctx, const char *dir, const cli_config *cfg);
void cli_config_free(cli_config *cfg);

/* The default counter file of the vault at abs_dir:
 * $XDG_STATE_HOME/pqce/<name>-<16 hex>.counter (or ~/.local/state/pqce/),
 * creating the directory (0700). malloc'd; NULL with *err set on failure. */
char *cli_default_counter_path(const char *abs_dir, int create_dir, int *err);

/* ---- backend.c: a vault's backend from its configuration ------------------------------------ */

/* Creates the vault's backend from the configuration and the user's
 * credential (passphrase, key file or PIN; confirm: ask twice, at init).
 * Returns an exit code (after reporting). */
int cli_backend_new(cli_ctx *ctx, const cli_config *cfg, int confirm_secret, uint32_t scrypt_log2_n,
                    pqce_backend **backend);
/* The same without asking for any secret: for opening a vault that will
 * not be unlocked (its device information is the real backend's). */
int cli_backend_new_no_secret(cli_ctx *ctx, const cli_config *cfg, pqce_backend **backend);

/* "sha256:0,7" <-> bank and mask. Parsing returns 0 or -1; formatting
 * writes "" for mask 0. */
int cli_pcrs_parse(const char *s, uint16_t *bank, uint32_t *mask);
void cli_pcrs_format(char *buf, size_t cap, uint16_t bank, uint32_t mask);

/* The NV counter index the tool gives a TPM vault at abs_dir: one in
 * 0x01A00000-0x01AFFFFF named by a hash of the path (docs/CLI.md). */
uint32_t cli_default_nv_index(const char *abs_dir);

/* "passphrase, scrypt", "TPM 2.0, PIN, PCRs sha256:7", ...: how the vault
 * is unsealed, for init's report. */
void cli_backend_describe(char *buf, size_t cap, const cli_config *cfg);

/*
 * Opens the vault (--vault or PQCE_VAULT), checks its counter file, creates
 * the backend and unlocks. Returns an exit code; on failure everything is
 * released.
 */
int cli_vault_open(cli_ctx *ctx);
/* The same without the backend's secret and without unlocking (`pqce lock`). */
int cli_vault_open_locked(cli_ctx *ctx);

/* Saves (if anything changed and rc is EXIT_OK), locks and frees. Returns
 * rc, or the save's exit code if saving failed. A vault with the keyring
 * cache is not locked, only freed (its memory wiped): the cache stays for
 * the next command until its TTL ends or `pqce lock`. */
int cli_vault_close(cli_ctx *ctx, int rc);

/* ---- keytext.c: public keys as text (docs/CLI.md, "Public keys") ---------------------------- */

#define CLI_KEY_KIND_RECIPIENT   1 /* a vault's recipient (KEM) key */
#define CLI_KEY_KIND_ATTESTATION 2 /* a vault's ML-DSA attestation key */

typedef struct cli_key {
    int kind;       /* CLI_KEY_KIND_* */
    unsigned param; /* recipient: PQCE_SUITE_*; attestation: 65 or 87 */
    uint8_t key[PQCE_MLDSA87_PK_BYTES];
    size_t key_len;
} cli_key;

/* Encodes a key; the text is malloc'd. Returns 0 or a PQCE_ERR_* code. */
int cli_key_encode(char **text, const cli_key *key);

/* Decodes one key text; on failure writes a sentence into why. */
int cli_key_decode(cli_key *key, const char *text, char *why, size_t why_cap);

/*
 * Reads keys from arg: a key text itself, or a file holding one key per
 * line ('#' comments and blank lines skipped). Appends to keys (count,
 * cap). Returns an exit code (after reporting).
 */
int cli_keys_from_arg(const cli_ctx *ctx, const char *arg, int kind, cli_key **keys, size_t *count);

/* ---- sealed_file.c ------------------------------------------------------------------------- */

/* Prints the format details of a sealed file (no identity needed).
 * Returns an exit code. */
int cli_inspect_sealed_file(const cli_ctx *ctx, const char *path);
/* 1 if the file at path starts with the container's magic. */
int cli_is_sealed_file(const char *path);

/* ---- the commands ------------------------------------------------------------------------ */

int cmd_init(cli_ctx *ctx, int argc, char **argv);
int cmd_put(cli_ctx *ctx, int argc, char **argv);
int cmd_get(cli_ctx *ctx, int argc, char **argv);
int cmd_ls(cli_ctx *ctx, int argc, char **argv);
int cmd_rm(cli_ctx *ctx, int argc, char **argv);
int cmd_inspect(cli_ctx *ctx, int argc, char **argv);
int cmd_verify(cli_ctx *ctx, int argc, char **argv);
int cmd_pubkey(cli_ctx *ctx, int argc, char **argv);
int cmd_seal(cli_ctx *ctx, int argc, char **argv);
int cmd_import(cli_ctx *ctx, int argc, char **argv);
int cmd_attest(cli_ctx *ctx, int argc, char **argv);
int cmd_verify_attestation(cli_ctx *ctx, int argc, char **argv);
int cmd_audit(cli_ctx *ctx, int argc, char **argv);
int cmd_policy(cli_ctx *ctx, int argc, char **argv);
int cmd_selftest(cli_ctx *ctx, int argc, char **argv);
int cmd_bench(cli_ctx *ctx, int argc, char **argv);
int cmd_version(cli_ctx *ctx, int argc, char **argv);
int cmd_backends(cli_ctx *ctx, int argc, char **argv);
int cmd_lock(cli_ctx *ctx, int argc, char **argv);

#endif /* PQCE_CLI_H */
