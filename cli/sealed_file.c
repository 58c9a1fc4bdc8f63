/*
 * sealed_file.c - format details of a sealed file, without any identity:
 * what anyone holding the file can see ([FORMAT, 4], [FORMAT, 5],
 * [FORMAT, 7.3]). Only public fields are read: the preamble, the header's
 * cleartext fields and the lengths. Metadata (name, kind, bundle, ...) is
 * encrypted and is not shown; nothing here is authenticated either - the
 * numbers are what the file says, checked only for consistency.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const uint8_t magic[8] = {0x89, 'P', 'Q', 'C', 'E', 0x0d, 0x0a, 0x1a};

#define PREAMBLE_BYTES 16u
#define CORE_FIXED     38u /* artifact_id 16, chunk_log2 1, flags 1, salt 16, meta_ct_len 4 */
#define MAC_BYTES      32u
#define FINAL_OVERHEAD 56u /* tag 16 + trailer (length 8, SHA3-256 32) */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static int pread_all(int fd, uint8_t *buf, size_t len, off_t off)
{
    while (len > 0) {
        ssize_t n = pread(fd, buf, len, off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return n == 0 ? EIO : errno;
        }
        buf += n;
        len -= (size_t)n;
        off += n;
    }
    return 0;
}

int cli_is_sealed_file(const char *path)
{
    uint8_t m[8];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return 0;
    }
    struct stat st;
    int ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && pread_all(fd, m, sizeof m, 0) == 0 &&
             memcmp(m, magic, sizeof m) == 0;
    (void)close(fd);
    return ok;
}

static size_t kem_ct_len(uint16_t suite)
{
    switch (suite) {
    case PQCE_SUITE_MLKEM768:
        return PQCE_MLKEM768_CT_BYTES;
    case PQCE_SUITE_XWING:
        return 1120;
    case PQCE_SUITE_MLKEM1024:
        return PQCE_MLKEM1024_CT_BYTES;
    default:
        return 0;
    }
}

int cli_inspect_sealed_file(const cli_ctx *ctx, const char *path)
{
    uint8_t pre[PREAMBLE_BYTES], core[CORE_FIXED], sc[2];
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return cli_io_fail(ctx, "cannot open", path, errno);
    }
    int rc = EXIT_INTEGRITY;
    const char *bad = NULL;
    if (fstat(fd, &st) != 0) {
        rc = cli_io_fail(ctx, "cannot read", path, errno);
        goto done;
    }
    uint64_t fsize = (uint64_t)st.st_size;
    if (!S_ISREG(st.st_mode) || fsize < PREAMBLE_BYTES + CORE_FIXED ||
        pread_all(fd, pre, sizeof pre, 0) != 0 || memcmp(pre, magic, sizeof magic) != 0) {
        bad = "not a pqce sealed file (no container magic)";
        goto done;
    }
    uint16_t version = be16(pre + 8), suite = be16(pre + 10);
    uint32_t header_len = be32(pre + 12);
    if (version != 1) {
        cli_error(ctx, "%s: container format version %u is not known to this build (1)", path,
                  (unsigned)version);
        goto done;
    }
    size_t ctl = kem_ct_len(suite);
    if (ctl == 0) {
        cli_error(ctx, "%s: unknown suite %u", path, (unsigned)suite);
        goto done;
    }
    if ((uint64_t)header_len + PREAMBLE_BYTES + MAC_BYTES > fsize || header_len < CORE_FIXED + 2 ||
        pread_all(fd, core, sizeof core, PREAMBLE_BYTES) != 0) {
        bad = "the header is longer than the file (truncated)";
        goto done;
    }
    unsigned chunk_log2 = core[16], flags = core[17];
    uint32_t meta_ct_len = be32(core + 34);
    if (chunk_log2 < 12 || chunk_log2 > 24 || flags != 0) {
        bad = "the header's chunk size or flags are out of bounds";
        goto done;
    }
    if ((uint64_t)CORE_FIXED + meta_ct_len + 2 > header_len ||
        pread_all(fd, sc, 2, (off_t)(PREAMBLE_BYTES + CORE_FIXED + meta_ct_len)) != 0) {
        bad = "the header's metadata length is out of bounds";
        goto done;
    }
    uint16_t stanzas = be16(sc);
    if (stanzas == 0 ||
        (uint64_t)CORE_FIXED + meta_ct_len + 2 + (uint64_t)stanzas * (ctl + 48) != header_len) {
        bad = "the header's length does not match its stanzas";
        goto done;
    }
    uint64_t cs = (uint64_t)1 << chunk_log2;
    uint64_t payload = fsize - PREAMBLE_BYTES - header_len - MAC_BYTES;
    uint64_t chunks = 0, content = 0;
    int length_ok = payload >= FINAL_OVERHEAD;
    if (length_ok) {
        uint64_t q = payload - FINAL_OVERHEAD, k = q / (cs + 16), r = q % (cs + 16);
        length_ok = r < cs;
        chunks = k + 1;
        content = k * cs + r;
    }
    char id_hex[33];
    cli_hex(id_hex, core, 16);
    if (ctx->json) {
        printf("{\"file\":");
        cli_json_string(stdout, path);
        printf(",\"format_version\":%u,\"suite\":%u,\"suite_name\":", (unsigned)version,
               (unsigned)suite);
        cli_json_string(stdout, pqce_suite_name(suite));
        printf(",\"artifact_id\":\"%s%s\",\"chunk_size\":%llu,\"header_bytes\":%u,"
               "\"encrypted_metadata_bytes\":%u,\"stanza_count\":%u,\"sealed_size\":%llu,"
               "\"payload_bytes\":%llu,\"length_valid\":%s",
               PQCE_ARTIFACT_ID_PREFIX, id_hex, (unsigned long long)cs, (unsigned)header_len,
               (unsigned)meta_ct_len, (unsigned)stanzas, (unsigned long long)fsize,
               (unsigned long long)payload, length_ok ? "true" : "false");
        if (length_ok) {
            printf(",\"chunks\":%llu,\"content_size\":%llu", (unsigned long long)chunks,
                   (unsigned long long)content);
        }
        printf(",\"authenticated\":false}\n");
    } else {
        char sz[32];
        printf("sealed file        %s\n", path);
        printf("format             pqce container, version %u\n", (unsigned)version);
        printf("suite              %s (%u), AES-256-GCM, SHA3-256\n", pqce_suite_name(suite),
               (unsigned)suite);
        printf("artifact id        %s%s\n", PQCE_ARTIFACT_ID_PREFIX, id_hex);
        cli_format_size(sz, sizeof sz, cs);
        printf("chunk size         %s (%llu bytes)\n", sz, (unsigned long long)cs);
        printf("recipients         %u stanza%s\n", (unsigned)stanzas, stanzas == 1 ? "" : "s");
        printf("header             %u bytes (metadata: %u bytes, encrypted)\n",
               (unsigned)header_len, (unsigned)meta_ct_len);
        cli_format_size(sz, sizeof sz, fsize);
        printf("sealed size        %s (%llu bytes)\n", sz, (unsigned long long)fsize);
        if (length_ok) {
            cli_format_size(sz, sizeof sz, content);
            printf("content size       %s (%llu bytes) in %llu chunk%s, from the file's length\n",
                   sz, (unsigned long long)content, (unsigned long long)chunks,
                   chunks == 1 ? "" : "s");
        } else {
            printf("content size       none: the payload's length fits no chunk sequence "
                   "(truncated or extended)\n");
        }
        printf("note               nothing here is authenticated without the recipient's key; "
               "name and metadata are encrypted\n");
    }
    rc = length_ok ? EXIT_OK : EXIT_INTEGRITY;
done:
    if (bad != NULL) {
        cli_error(ctx, "%s: %s", path, bad);
    }
    (void)close(fd);
    return rc;
}
