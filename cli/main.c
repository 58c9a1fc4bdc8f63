/*
 * main.c - pqce, the command-line tool of pqc-enclave: the command table,
 * `pqce help` and `pqce <command> --help`. The same text is the manual
 * page (docs/pqce.1) and docs/CLI.md; keep the three in step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*run)(cli_ctx *ctx, int argc, char **argv);
    const char *synopsis;
    const char *summary;
    const char *help; /* options and notes */
} command;

#define VAULT_OPTS                                                                         \
    "  --vault DIR              the vault's directory (default: $PQCE_VAULT)\n"            \
    "  --passphrase-file FILE   read the passphrase from FILE (one trailing newline is\n"  \
    "                           ignored); default: ask on the terminal with echo off\n"    \
    "  --passphrase-env NAME    read it from the environment variable NAME\n"              \
    "  --key-file FILE          the key file of a vault created with --key-file\n"         \
    "  --pin-file FILE          the PIN of a tpm2 or pkcs11 vault, from FILE\n"            \
    "  --pin-env NAME           ... or from the environment variable NAME (default: ask\n" \
    "                           on the terminal)\n"                                        \
    "  --no-progress            no progress bar (shown only when stderr is a terminal)\n"  \
    "  --new-counter            accept a missing rollback counter file once (docs/CLI.md)\n"

static int cmd_help(cli_ctx *ctx, int argc, char **argv);

static const command commands[] = {
    {"init", cmd_init, "init [--backend file|tpm2|pkcs11|ios|android|qsee] [options]",
     "create a vault in a new or empty directory",
     "  --backend NAME           file (default): a passphrase (scrypt) or --key-file;\n"
     "                           tpm2: sealed by a TPM 2.0; pkcs11: by a token's\n"
     "                           non-extractable AES key (`pqce backends` lists what\n"
     "                           this machine has); ios, android, qsee: the platform\n"
     "                           bridges, which this Linux build does not include\n"
     "  --key-file FILE          seal with a key file (32 to 65536 bytes) instead of a\n"
     "                           passphrase; its path is recorded in the configuration\n"
     " tpm2:\n"
     "  --tcti TCTI              how to reach the TPM (default device:/dev/tpmrm0;\n"
     "                           the simulator: swtpm:path=SOCKET)\n"
     "  --pin, --pin-file FILE, --pin-env NAME\n"
     "                           protect the sealed secret with a PIN (authValue, at\n"
     "                           most 32 bytes; --pin asks on the terminal); wrong PINs\n"
     "                           count towards the TPM's dictionary-attack lockout\n"
     "  --pcrs [BANK:]N,...      bind to these PCRs' current values (e.g. sha256:0,7);\n"
     "                           once one changes, unlock fails (exit 6)\n"
     "  --nv-index HEX|none      the NV counter that detects rollback (default: one in\n"
     "                           0x01A00000-0x01AFFFFF named by the vault's path)\n"
     " pkcs11:\n"
     "  --module PATH            the token's PKCS#11 module (.so)\n"
     "  --token LABEL            the token's label\n"
     "  --key-label LABEL        the AES key's label (default pqce-vault-kek; made\n"
     "                           non-extractable on the token at the first use)\n"
     "  --pin-file FILE, --pin-env NAME\n"
     "                           the user PIN (default: ask on the terminal)\n"
     "  --no-login               a token that needs no login\n"
     " any backend:\n"
     "  --keyring-cache SECONDS  keep the unsealed secret in the session keyring for\n"
     "                           SECONDS after an unlock, so the next commands of this\n"
     "                           login session need no PIN (off by default; `pqce lock`\n"
     "                           drops it; docs/BACKENDS.md, \"Keyring cache\")\n"
     "  --device-id ID, --device-model MODEL\n"
     "                           what the vault reports (default: a keyed hash of\n"
     "                           /etc/machine-id, and \"linux\")\n"
     "  --suite S                mlkem768 (default), xwing or mlkem1024\n"
     "  --attestation-alg A      65 (ML-DSA-65, default) or 87\n"
     "  --chunk-size N           artifacts' chunk size, 4K to 16M (default 1M)\n"
     "  --counter-file PATH      the rollback counter (default:\n"
     "                           $XDG_STATE_HOME/pqce/NAME-HASH.counter, else\n"
     "                           ~/.local/state/pqce/); must be outside the vault\n"
     "  --no-counter             no rollback counter (a restored copy goes unnoticed)\n"
     "  --scrypt-log2n N         scrypt cost log2 N, 10 to 20 (default 17, 128 MiB);\n"
     "                           also $PQCE_SCRYPT_LOG2N (tests use 12)\n"
     "  --json                   machine-readable output\n" VAULT_OPTS},
    {"put", cmd_put, "put FILE|- [--name NAME] [--kind KIND] [options]",
     "encrypt a file (or standard input) into the vault",
     "  -n, --name NAME          the artifact's name (default: the file's name)\n"
     "  -k, --kind KIND          model-weights, lora-adapter, tokenizer, credential,\n"
     "                           biometric-template, inference-cache, safety-model,\n"
     "                           other (default)\n"
     "  --version V, --bundle APP_ID, --tag TAG (repeatable), --description TEXT,\n"
     "  --model-did DID          metadata (encrypted with the artifact)\n"
     "  --no-replace             fail if the name exists (default: a new version)\n"
     "  --json                   machine-readable output\n" VAULT_OPTS},
    {"get", cmd_get, "get NAME|ID [-o FILE] [--caller APP_ID]",
     "decrypt an artifact to a file or standard output",
     "  -o, --output FILE        write to FILE (default: standard output); the file\n"
     "                           appears only once every tag and the SHA3-256 verified\n"
     "  --caller APP_ID          the app bundle id the read is for (access policy)\n"
     "  Nothing is written to standard output before the whole artifact verified.\n" VAULT_OPTS},
    {"ls", cmd_ls, "ls [--kind KIND] [-l] [--json]", "list the artifacts",
     "  -k, --kind KIND          only this kind\n"
     "  -l, --long               also ids and SHA3-256\n"
     "  --json                   a JSON array of every artifact's metadata\n" VAULT_OPTS},
    {"rm", cmd_rm, "rm NAME|ID...", "delete artifacts (all or none)", VAULT_OPTS},
    {"inspect", cmd_inspect, "inspect NAME|ID|FILE [--file] [--json]",
     "metadata and format details of an artifact, or of a sealed file",
     "  An existing file that starts with the container's magic is inspected as a\n"
     "  sealed file: format details only (version, suite, chunk size, stanzas,\n"
     "  sizes), no identity needed and nothing authenticated. Otherwise the\n"
     "  argument names an artifact of the vault.\n"
     "  --file                   treat the argument as a sealed file\n"
     "  --caller APP_ID          the app bundle id (opening is a read under the policy)\n"
     "  --json                   machine-readable output\n" VAULT_OPTS},
    {"verify", cmd_verify, "verify [NAME|ID...] [--json]",
     "check every tag and the content hash (all artifacts by default)",
     "  --caller APP_ID          the app bundle id (opening is a read under the policy)\n"
     "  --json                   machine-readable output\n" VAULT_OPTS},
    {"pubkey", cmd_pubkey, "pubkey [--attestation] [-o FILE] [--json]",
     "print the vault's recipient key (or attestation key) as text",
     "  Prints the key that model vendors seal to (pqce1mlkem768...), or with\n"
     "  --attestation the ML-DSA key that verifies this device's attestations\n"
     "  (pqce1mldsa65...). Bech32m text with a checksum (docs/CLI.md).\n"
     "  -o, --output FILE        write the key to FILE\n"
     "  --json                   both keys, the suite and the key id\n" VAULT_OPTS},
    {"seal", cmd_seal, "seal --to KEY [--to KEY...] [-o OUT] [options] [FILE|-]",
     "encrypt a file for one or more devices, without any vault",
     "  -r, --to KEY             a device's recipient key (pqce pubkey on the device),\n"
     "                           or a file of keys, one per line; repeatable\n"
     "  -o, --output FILE        the sealed file (default: standard output, not a\n"
     "                           terminal); it appears only when complete\n"
     "  -n, --name NAME, -k, --kind KIND, --version V, --bundle APP_ID, --tag TAG,\n"
     "  --description TEXT, --model-did DID\n"
     "                           metadata (encrypted); the name defaults to the file's\n"
     "  --chunk-size N           4K to 16M (default 1M)\n"
     "  --no-progress            no progress bar\n"
     "  --json                   machine-readable output\n"},
    {"import", cmd_import, "import FILE [--no-replace] [--json]",
     "add a sealed file to the vault without re-encrypting its body",
     "  The file must be sealed to this vault's recipient key; it is fully verified\n"
     "  (every tag and the content hash) before it is added under its own name.\n"
     "  --no-replace             fail if the name exists\n"
     "  --json                   machine-readable output\n" VAULT_OPTS},
    {"attest", cmd_attest, "attest NAME|ID [--nonce HEX] [--json] [-o FILE]",
     "sign a statement that this device holds an artifact",
     "  --nonce HEX              the verifier's challenge (up to 64 bytes)\n"
     "  -o, --out FILE           write the canonical (binary) attestation to FILE\n"
     "  --json                   print the attestation as JSON\n" VAULT_OPTS},
    {"verify-attestation", cmd_verify_attestation,
     "verify-attestation FILE --key KEY [--nonce HEX] [--json]",
     "check an attestation against the key you expect (no vault needed)",
     "  FILE                     the canonical form (attest -o) or its JSON (attest --json)\n"
     "  -k, --key KEY            the expected attestation key: the text from\n"
     "                           `pqce pubkey --attestation`, or a file of such keys\n"
     "                           (valid if it verifies under one of them)\n"
     "  --nonce HEX              the challenge you sent; the statement must carry it\n"
     "  --json                   machine-readable output\n"},
    {"audit", cmd_audit, "audit [show|verify|export] [filters] [--json] [-o FILE]",
     "show, verify or export the audit log",
     "  show (default)           the newest records first\n"
     "  verify                   check the chain, every MAC and the length last saved\n"
     "  export                   every record (or the filtered ones), oldest first, as\n"
     "                           JSON Lines to standard output or -o FILE\n"
     "  --operation OP           unlock, lock, put, get, delete, list, save,\n"
     "                           policy_violation, attest, decryption_failure\n"
     "  --device ID, --artifact NAME|ID\n"
     "  -n, --limit N            the newest N matches (show: default 100)\n"
     "  --json                   show as a JSON array\n" VAULT_OPTS},
    {"policy", cmd_policy, "policy [show|set KIND|rm KIND] [rule options] [--json]",
     "show or change the access policy",
     "  show (default)           the rules, one per kind\n"
     "  set KIND                 replace the rule for KIND with:\n"
     "    --allow APP_ID         a bundle id allowed to read (repeatable; none: any)\n"
     "    --require-biometric    ask the backend for user presence on every read\n"
     "                           (the file backend cannot: such reads are denied)\n"
     "    --max-uses-per-hour N  per caller, counted from the audit log (0: no limit)\n"
     "  rm KIND                  remove the rule for KIND\n"
     "  --json                   show as JSON\n" VAULT_OPTS},
    {"selftest", cmd_selftest, "selftest [--json]",
     "run the known-answer tests built into the library", ""},
    {"bench", cmd_bench, "bench [--quick] [--json]",
     "a speed summary (the full benchmark is bench/pqce-bench)",
     "  ML-KEM-768 keygen/encaps/decaps and ML-DSA-65 sign/verify (median us), and the\n"
     "  throughput of SHA3-256, seal and open over a 64 MiB buffer.\n"
     "  --quick                  fewer repetitions\n"},
    {"lock", cmd_lock, "lock", "drop the vault's keyring unlock cache (--keyring-cache)",
     "  Removes the vault's secret from the session keyring, so the next command\n"
     "  asks the backend (and its PIN) again. Needs no PIN or passphrase.\n" VAULT_OPTS},
    {"backends", cmd_backends, "backends [--tcti TCTI] [--module PATH] [--json]",
     "list the backends: compiled in, available here, capabilities",
     "  For each backend: whether this build has it, whether it can seal on this\n"
     "  machine now (tpm2: the TPM answers; pkcs11: the module loads and has tokens),\n"
     "  and its capabilities: hardware-bound, monotonic counter (rollback detection),\n"
     "  user presence. Uses no PIN and seals nothing.\n"
     "  --tcti TCTI              the TPM to probe (default device:/dev/tpmrm0)\n"
     "  --module PATH            the PKCS#11 module to probe (default: OpenSC's or\n"
     "                           SoftHSM's, whichever is installed)\n"
     "  --json                   machine-readable output\n"},
    {"version", cmd_version, "version", "print the version and build information", ""},
    {"help", cmd_help, "help [COMMAND]", "this help, or a command's", ""},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static const char exit_codes[] =
    "exit codes:\n"
    "  0  success\n"
    "  1  any other failure (backend, busy, name exists, self-test)\n"
    "  2  usage error: bad command line or bad input value\n"
    "  3  not found: no such artifact, vault or rule\n"
    "  4  locked: wrong passphrase, key file or PIN (or a TPM in lockout)\n"
    "  5  decryption or integrity failure: a tag, hash or signature does not verify\n"
    "  6  policy denial: the access policy refused the read\n"
    "  7  rollback: an older vault state was restored (or its counter file is missing)\n"
    "  8  I/O error: a file could not be read or written\n";

static const command *find(const char *name)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(commands[i].name, name) == 0) {
            return &commands[i];
        }
    }
    return NULL;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: pqce <command> [options]\n\n"
               "pqce keeps on-device AI artifacts encrypted at rest with post-quantum\n"
               "cryptography (ML-KEM, ML-DSA, AES-256-GCM, SHA-3).\n\ncommands:\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        fprintf(f, "  %-20s %s\n", commands[i].name, commands[i].summary);
    }
    fprintf(f,
            "\nThe vault is --vault DIR or $PQCE_VAULT. Each command unlocks the vault,\n"
            "works, saves and locks it again: scripts need no unlock step.\n"
            "`pqce COMMAND --help` describes a command; `man pqce` and docs/CLI.md all.\n\n%s",
            exit_codes);
}

void cli_command_help(const char *name, FILE *f)
{
    const command *c = find(name);
    if (c == NULL) {
        usage(f);
        return;
    }
    fprintf(f, "usage: pqce %s\n\n%s.\n", c->synopsis, c->summary);
    if (c->help[0] != '\0') {
        fprintf(f, "\noptions:\n%s", c->help);
    }
    fprintf(f, "  -h, --help               this help\n\n%s", exit_codes);
}

static int cmd_help(cli_ctx *ctx, int argc, char **argv)
{
    if (argc > 2) {
        return cli_usage_error(ctx, "help takes one command");
    }
    if (argc == 2) {
        if (find(argv[1]) == NULL) {
            return cli_usage_error(ctx, "unknown command '%s'", argv[1]);
        }
        cli_command_help(argv[1], stdout);
        return EXIT_OK;
    }
    usage(stdout);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    cli_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.progress = -1;
    ctx.cmd = "";
    if (argc < 2) {
        fprintf(stderr, "pqce: which command? `pqce help` lists them\n");
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        name = "version";
    }
    const command *c = find(name);
    if (c == NULL) {
        fprintf(stderr, "pqce: unknown command '%s' (see pqce help)\n", name);
        return EXIT_USAGE;
    }
    ctx.cmd = c->name;
    /* tpm2-tss logs every TPM error it sees (a wrong PIN, an absent NV
     * index that is then defined) to stderr; the backends report what
     * matters in one sentence. The user's own setting wins. */
    (void)setenv("TSS2_LOG", "all+NONE", 0);
    /* The command sees its own argv: argv[0] is its name. */
    return c->run(&ctx, argc - 1, argv + 1);
}
