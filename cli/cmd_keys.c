/*
 * cmd_keys.c - provisioning: pubkey (a device's public keys as text), seal
 * (the model vendor's side: encrypt for devices without any vault) and
 * import (add a sealed file to a vault without re-encrypting its body).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

enum {
    OPT_ATTESTATION = OPT_FIRST_COMMAND_OPTION,
    OPT_TO,
    OPT_NAME,
    OPT_KIND,
    OPT_VERSION_,
    OPT_BUNDLE,
    OPT_TAG,
    OPT_DESCRIPTION,
    OPT_MODEL_DID,
    OPT_CHUNK_SIZE,
    OPT_NO_REPLACE,
};

/* ---- pubkey -------------------------------------------------------------------------------- */

static int write_text_file(const cli_ctx *ctx, const char *path, const char *text)
{
    cli_outfile o;
    int rc = cli_outfile_open(ctx, &o, path, 0644);
    if (rc != EXIT_OK) {
        return rc;
    }
    int e = cli_write_all(o.fd, text, strlen(text));
    if (e == 0) {
        e = cli_write_all(o.fd, "\n", 1);
    }
    if (e != 0) {
        cli_outfile_abort(&o);
        return cli_io_fail(ctx, "cannot write", path, e);
    }
    return cli_outfile_commit(ctx, &o);
}

int cmd_pubkey(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_VAULT_OPTIONS,
        {"json", no_argument, NULL, OPT_JSON},
        {"attestation", no_argument, NULL, OPT_ATTESTATION},
        {"output", required_argument, NULL, 'o'},
        CLI_OPTS_END,
    };
    int c, rc, attestation = 0;
    const char *out = NULL;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        switch (c) {
        case OPT_ATTESTATION:
            attestation = 1;
            break;
        case 'o':
            out = optarg;
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
    cli_key rk, ak;
    char *rtext = NULL, *atext = NULL;
    char key_id[PQCE_KEY_ID_BYTES];
    uint16_t suite = 0;
    memset(&rk, 0, sizeof rk);
    memset(&ak, 0, sizeof ak);
    rk.kind = CLI_KEY_KIND_RECIPIENT;
    ak.kind = CLI_KEY_KIND_ATTESTATION;
    int err = pqce_vault_recipient(ctx->vault, &suite, rk.key, sizeof rk.key, &rk.key_len);
    if (err == PQCE_OK) {
        rk.param = suite;
        err = pqce_vault_attestation_key(ctx->vault, &ak.param, ak.key, sizeof ak.key, &ak.key_len);
    }
    if (err == PQCE_OK) {
        err = pqce_vault_key_id(ctx->vault, key_id);
    }
    if (err != PQCE_OK) {
        return cli_vault_close(ctx, cli_vault_fail(ctx, err, "pubkey"));
    }
    rc = cli_vault_close(ctx, EXIT_OK);
    if (rc != EXIT_OK) {
        return rc;
    }
    if (cli_key_encode(&rtext, &rk) != PQCE_OK || cli_key_encode(&atext, &ak) != PQCE_OK) {
        free(rtext);
        free(atext);
        cli_error(ctx, "cannot encode the key");
        return EXIT_GENERAL;
    }
    const char *chosen = attestation ? atext : rtext;
    if (ctx->json) {
        printf("{\"recipient\":\"%s\",\"suite\":\"%s\",\"key_id\":\"%s\","
               "\"attestation_key\":\"%s\",\"attestation_algorithm\":\"ML-DSA-%u\"}\n",
               rtext, pqce_suite_name(suite), key_id, atext, ak.param);
    } else if (out != NULL) {
        rc = write_text_file(ctx, out, chosen);
        if (rc == EXIT_OK) {
            fprintf(stderr, "wrote the vault's %s to %s\n",
                    attestation ? "attestation key" : "recipient key", out);
        }
    } else {
        printf("%s\n", chosen);
    }
    free(rtext);
    free(atext);
    return rc;
}

/* ---- seal ---------------------------------------------------------------------------------- */

typedef struct seal_source {
    int fd;
    int err;
    cli_progress *progress;
} seal_source;

static int seal_read(void *vctx, uint8_t *buf, size_t cap, size_t *got)
{
    seal_source *s = vctx;
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

int cmd_seal(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, OPT_JSON},
        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {"to", required_argument, NULL, OPT_TO},
        {"output", required_argument, NULL, 'o'},
        {"name", required_argument, NULL, OPT_NAME},
        {"kind", required_argument, NULL, OPT_KIND},
        {"version", required_argument, NULL, OPT_VERSION_},
        {"bundle", required_argument, NULL, OPT_BUNDLE},
        {"tag", required_argument, NULL, OPT_TAG},
        {"description", required_argument, NULL, OPT_DESCRIPTION},
        {"model-did", required_argument, NULL, OPT_MODEL_DID},
        {"chunk-size", required_argument, NULL, OPT_CHUNK_SIZE},
        CLI_OPTS_END,
    };
    pqce_metadata meta;
    const char *tags[PQCE_TAGS_MAX];
    const char *out = NULL;
    cli_key *keys = NULL;
    size_t key_count = 0;
    uint64_t chunk = 0;
    int c, rc = EXIT_OK;
    memset(&meta, 0, sizeof meta);
    meta.kind = PQCE_KIND_OTHER;
    meta.tags = tags;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:r:n:k:", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
        case OPT_TO:
            if ((rc = cli_keys_from_arg(ctx, optarg, CLI_KEY_KIND_RECIPIENT, &keys, &key_count)) !=
                EXIT_OK) {
                free(keys);
                return rc;
            }
            break;
        case 'o':
            out = optarg;
            break;
        case 'n':
        case OPT_NAME:
            meta.name = optarg;
            break;
        case 'k':
        case OPT_KIND:
            if (pqce_kind_from_name(&meta.kind, optarg) != PQCE_OK) {
                free(keys);
                return cli_usage_error(ctx, "unknown kind '%s'", optarg);
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
                free(keys);
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
        case OPT_CHUNK_SIZE:
            if (cli_parse_u64(optarg, PQCE_CHUNK_MIN, PQCE_CHUNK_MAX, 1, &chunk) != 0 ||
                (chunk & (chunk - 1)) != 0) {
                free(keys);
                return cli_usage_error(ctx, "--chunk-size is a power of two from 4K to 16M");
            }
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
    if (key_count == 0) {
        return cli_usage_error(ctx, "seal to whom? give --to KEY (from `pqce pubkey` on the "
                                    "device) once per device");
    }
    if (optind + 1 < argc) {
        free(keys);
        return cli_usage_error(ctx, "one input file at a time");
    }
    const char *in = optind < argc ? argv[optind] : "-";
    int from_stdin = strcmp(in, "-") == 0;
    if (meta.name == NULL) {
        if (from_stdin) {
            free(keys);
            return cli_usage_error(ctx, "give the artifact a --name when reading standard input");
        }
        const char *slash = strrchr(in, '/');
        meta.name = slash != NULL && slash[1] != '\0' ? slash + 1 : in;
    }
    if ((out == NULL || strcmp(out, "-") == 0) && isatty(STDOUT_FILENO)) {
        free(keys);
        return cli_usage_error(ctx, "a sealed file is binary: give -o FILE, or redirect");
    }
    pqce_recipient *to = calloc(key_count, sizeof *to);
    if (to == NULL) {
        free(keys);
        cli_error(ctx, "out of memory");
        return EXIT_GENERAL;
    }
    for (size_t i = 0; i < key_count; i++) {
        to[i].suite = (uint16_t)keys[i].param;
        to[i].key = keys[i].key;
        to[i].key_len = keys[i].key_len;
        if (rc == EXIT_OK && to[i].suite != to[0].suite) {
            rc = cli_usage_error(ctx,
                                 "every recipient of one file must use the same suite "
                                 "(%s and %s given)",
                                 pqce_suite_name(to[0].suite), pqce_suite_name(to[i].suite));
        }
    }
    int fd = -1;
    if (rc == EXIT_OK) {
        fd = from_stdin ? STDIN_FILENO : open(in, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
            rc = cli_io_fail(ctx, "cannot open", in, errno);
        }
    }
    struct stat st;
    uint64_t total = UINT64_MAX;
    meta.size = PQCE_SIZE_UNKNOWN;
    if (rc == EXIT_OK && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        total = (uint64_t)st.st_size;
        meta.size = total;
    }
    cli_outfile o = {NULL, NULL, -1};
    if (rc == EXIT_OK) {
        rc = cli_outfile_open(ctx, &o, out, 0644);
    }
    if (rc == EXIT_OK) {
        pqce_options po;
        pqce_artifact_info info;
        cli_progress p;
        char label[96];
        memset(&po, 0, sizeof po);
        po.version = PQCE_OPTIONS_VERSION;
        po.chunk_size = (uint32_t)chunk;
        seal_source src = {fd, 0, &p};
        snprintf(label, sizeof label, "seal %.80s", meta.name);
        cli_progress_start(&p, ctx, label, total);
        int err = pqce_seal_reader(&po, o.fd, &info, &meta, to, key_count, seal_read, &src);
        cli_progress_finish(&p, err == PQCE_OK);
        if (err != PQCE_OK) {
            rc = src.err != 0         ? cli_io_fail(ctx, "cannot read", in, src.err)
                 : err == PQCE_ERR_IO ? cli_fail(ctx, err, "seal", "cannot write the sealed file")
                                      : cli_fail(ctx, err, "seal", NULL);
            cli_outfile_abort(&o);
        } else if ((rc = cli_outfile_commit(ctx, &o)) == EXIT_OK) {
            char id[33], hex[65], sz[32];
            FILE *f = o.path != NULL ? stdout : stderr; /* stdout may be the sealed file */
            cli_hex(id, info.artifact_id, 16);
            cli_hex(hex, info.content_sha3_256, 32);
            cli_format_size(sz, sizeof sz, info.size);
            if (ctx->json) {
                fprintf(f, "{\"file\":");
                cli_json_string(f, o.path != NULL ? o.path : "-");
                fprintf(f, ",\"name\":");
                cli_json_string(f, meta.name);
                fprintf(f,
                        ",\"artifact_id\":\"%s%s\",\"suite\":\"%s\","
                        "\"recipients\":%zu,\"size\":%llu,\"sealed_size\":%llu,"
                        "\"sha3_256\":\"%s\"}\n",
                        PQCE_ARTIFACT_ID_PREFIX, id, pqce_suite_name(info.suite), key_count,
                        (unsigned long long)info.size, (unsigned long long)info.sealed_size, hex);
            } else {
                fprintf(f, "sealed %s (%s) for %zu device%s (%s) into %s\n  sha3    %s\n",
                        meta.name, sz, key_count, key_count == 1 ? "" : "s",
                        pqce_suite_name(info.suite), o.path != NULL ? o.path : "standard output",
                        hex);
            }
        }
    }
    if (fd >= 0 && !from_stdin) {
        close(fd);
    }
    free(to);
    pqce_memzero(keys, key_count * sizeof *keys);
    free(keys);
    return rc;
}

/* ---- import -------------------------------------------------------------------------------- */

int cmd_import(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_VAULT_OPTIONS,
        {"json", no_argument, NULL, OPT_JSON},
        {"no-replace", no_argument, NULL, OPT_NO_REPLACE},
        CLI_OPTS_END,
    };
    unsigned flags = 0;
    int c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_NO_REPLACE:
            flags |= PQCE_PUT_FAIL_IF_EXISTS;
            break;
            CLI_OPTION_DEFAULTS(ctx, argv);
        }
    }
    if (optind + 1 != argc) {
        return cli_usage_error(ctx, optind == argc ? "which sealed file?" : "one file at a time");
    }
    const char *path = argv[optind];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return cli_io_fail(ctx, "cannot open", path, errno);
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return cli_usage_error(ctx, "%s is not a regular file (import needs a seekable file)",
                               path);
    }
    if ((rc = cli_vault_open(ctx)) != EXIT_OK) {
        close(fd);
        return rc;
    }
    pqce_artifact_ref ref;
    /* The library verifies the whole container (every tag, the content
     * hash) and copies it, without a callback: the ticker shows the bytes
     * read so far. */
    cli_ticker *t = cli_ticker_start(ctx, "import");
    int err = pqce_vault_import_fd(ctx->vault, &ref, fd, flags);
    cli_ticker_stop(t, err == PQCE_OK);
    close(fd);
    if (err != PQCE_OK) {
        return cli_vault_close(ctx, cli_vault_fail(ctx, err, "import"));
    }
    char name[PQCE_NAME_MAX + 1] = "";
    char kind[32] = "";
    pqce_artifact_list *l = NULL;
    if (pqce_vault_stat(ctx->vault, &l, ref.id) == PQCE_OK) {
        const pqce_artifact_entry *e = pqce_artifact_list_at(l, 0);
        snprintf(name, sizeof name, "%s", e->meta.name);
        snprintf(kind, sizeof kind, "%s", pqce_kind_name(e->meta.kind));
    }
    pqce_artifact_list_free(l);
    if ((rc = cli_vault_close(ctx, EXIT_OK)) != EXIT_OK) {
        return rc;
    }
    if (ctx->json) {
        printf("{\"name\":");
        cli_json_string(stdout, name);
        printf(",\"id\":\"%s\",\"kind\":\"%s\",\"size\":%llu,\"sha3_256\":\"%s\"}\n", ref.id, kind,
               (unsigned long long)ref.size, ref.sha3_256_hex);
    } else {
        char sz[32];
        cli_format_size(sz, sizeof sz, ref.size);
        printf("imported %s (%s, %s), verified, body not re-encrypted\n  id      %s\n  sha3    "
               "%s\n",
               name, kind, sz, ref.id, ref.sha3_256_hex);
    }
    return EXIT_OK;
}
