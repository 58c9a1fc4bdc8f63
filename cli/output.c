/*
 * output.c - errors and exit codes, JSON strings, hex, sizes and times,
 * and output files that appear only when complete.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

int cli_exit_code(int err)
{
    switch (err) {
    case PQCE_OK:
        return EXIT_OK;
    case PQCE_ERR_INVALID_ARG:
    case PQCE_ERR_INVALID_KEY:
        return EXIT_USAGE;
    case PQCE_ERR_NOT_FOUND:
        return EXIT_NOT_FOUND;
    case PQCE_ERR_LOCKED:
        return EXIT_LOCKED;
    case PQCE_ERR_DECRYPT:
    case PQCE_ERR_FORMAT:
    case PQCE_ERR_VERIFY:
    case PQCE_ERR_ATTESTATION:
        return EXIT_INTEGRITY;
    case PQCE_ERR_POLICY:
        return EXIT_POLICY;
    case PQCE_ERR_ROLLBACK:
        return EXIT_ROLLBACK;
    case PQCE_ERR_IO:
        return EXIT_IO;
    default:
        return EXIT_GENERAL;
    }
}

void cli_error(const cli_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "pqce %s: ", ctx->cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_fail(const cli_ctx *ctx, int err, const char *what, const char *detail)
{
    char tail[64];
    if (detail == NULL || detail[0] == '\0') {
        detail = pqce_strerror(err);
    }
    /* some details already end with the error's name: say it once */
    snprintf(tail, sizeof tail, "(%s)", pqce_error_name(err));
    size_t dl = strlen(detail), tl = strlen(tail);
    if (dl >= tl && strcmp(detail + dl - tl, tail) == 0) {
        fprintf(stderr, "pqce %s: %s: %s\n", ctx->cmd, what, detail);
    } else {
        fprintf(stderr, "pqce %s: %s: %s %s\n", ctx->cmd, what, detail, tail);
    }
    return cli_exit_code(err);
}

int cli_vault_fail(const cli_ctx *ctx, int err, const char *what)
{
    return cli_fail(ctx, err, what, pqce_vault_error_detail(ctx->vault));
}

int cli_io_fail(const cli_ctx *ctx, const char *what, const char *path, int errnum)
{
    fprintf(stderr, "pqce %s: %s %s: %s\n", ctx->cmd, what, path, strerror(errnum));
    return EXIT_IO;
}

void cli_json_string(FILE *f, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s != NULL ? s : ""); *p != '\0'; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        default:
            if (*p < 0x20 || *p == 0x7f) {
                fprintf(f, "\\u00%c%c", hex[*p >> 4], hex[*p & 15]);
            } else {
                fputc(*p, f); /* UTF-8 passes through (the library validates it) */
            }
        }
    }
    fputc('"', f);
}

void cli_hex(char *out, const uint8_t *in, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }
    out[2 * len] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

int cli_unhex(uint8_t *out, size_t cap, size_t *len, const char *hex)
{
    size_t n = strlen(hex);
    if (n % 2 != 0 || n / 2 > cap) {
        return -1;
    }
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return -1;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    *len = n / 2;
    return 0;
}

void cli_format_size(char *buf, size_t cap, uint64_t bytes)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024) {
        snprintf(buf, cap, "%llu B", (unsigned long long)bytes);
        return;
    }
    double v = (double)bytes / 1024.0;
    size_t u = 0;
    while (v >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024.0;
        u++;
    }
    snprintf(buf, cap, "%.1f %s", v, units[u]);
}

void cli_format_time(char *buf, size_t cap, uint64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL) {
        snprintf(buf, cap, "%llu", (unsigned long long)ms);
        return;
    }
    snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(ms % 1000));
}

int cli_write_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return errno;
        }
        if (n == 0) {
            return EIO;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int cli_outfile_open(const cli_ctx *ctx, cli_outfile *o, const char *path, int mode)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    if (path == NULL || strcmp(path, "-") == 0) {
        o->fd = STDOUT_FILENO;
        return EXIT_OK;
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        return cli_io_fail(ctx, "cannot write to", path, EISDIR);
    }
    size_t n = strlen(path) + 32;
    if ((o->tmp = malloc(n)) == NULL) {
        cli_error(ctx, "out of memory");
        return EXIT_GENERAL;
    }
    /* A temporary name in the destination's directory, so that the final
     * rename is atomic and never crosses file systems. */
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        snprintf(o->tmp, n, "%s.pqce-tmp-%ld-%u", path, (long)getpid(), attempt);
        o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (o->fd >= 0 || errno != EEXIST) {
            break;
        }
    }
    if (o->fd < 0) {
        int e = errno;
        free(o->tmp);
        o->tmp = NULL;
        return cli_io_fail(ctx, "cannot create", path, e);
    }
    o->path = path;
    return EXIT_OK;
}

int cli_outfile_commit(const cli_ctx *ctx, cli_outfile *o)
{
    if (o->tmp == NULL) {
        return EXIT_OK; /* standard output */
    }
    int rc = EXIT_OK;
    if (fsync(o->fd) != 0) {
        rc = cli_io_fail(ctx, "cannot write", o->path, errno);
    }
    if (close(o->fd) != 0 && rc == EXIT_OK) {
        rc = cli_io_fail(ctx, "cannot write", o->path, errno);
    }
    o->fd = -1;
    if (rc == EXIT_OK && rename(o->tmp, o->path) != 0) {
        rc = cli_io_fail(ctx, "cannot rename the output to", o->path, errno);
    }
    if (rc != EXIT_OK) {
        (void)unlink(o->tmp);
    }
    free(o->tmp);
    o->tmp = NULL;
    return rc;
}

void cli_outfile_abort(cli_outfile *o)
{
    if (o->tmp != NULL) {
        if (o->fd >= 0) {
            (void)close(o->fd);
        }
        (void)unlink(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
    }
    o->fd = -1;
}
