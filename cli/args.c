/* args.c - options shared by the commands, and small parsing helpers. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cli_shared_option(cli_ctx *ctx, int c, const char *arg)
{
    switch (c) {
    case OPT_VAULT:
        ctx->vault_dir = arg;
        return 1;
    case OPT_PASSPHRASE_FILE:
        ctx->passphrase_file = arg;
        return 1;
    case OPT_PASSPHRASE_ENV:
        ctx->passphrase_env = arg;
        return 1;
    case OPT_KEY_FILE:
        ctx->key_file = arg;
        return 1;
    case OPT_JSON:
        ctx->json = 1;
        return 1;
    case OPT_NO_PROGRESS:
        ctx->progress = 0;
        return 1;
    case OPT_NEW_COUNTER:
        ctx->new_counter = 1;
        return 1;
    case OPT_CALLER:
        ctx->caller = arg;
        return 1;
    case OPT_PIN_FILE:
        ctx->pin_file = arg;
        return 1;
    case OPT_PIN_ENV:
        ctx->pin_env = arg;
        return 1;
    default:
        return 0;
    }
}

int cli_usage_error(const cli_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "pqce %s: ", ctx->cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see pqce %s --help)\n", ctx->cmd);
    return EXIT_USAGE;
}

int cli_parse_u64(const char *s, uint64_t min, uint64_t max, int suffix, uint64_t *out)
{
    uint64_t v = 0, mult = 1;
    size_t i = 0, n = strlen(s);
    if (n == 0) {
        return -1;
    }
    if (suffix) {
        char last = s[n - 1];
        if (last == 'K' || last == 'k') {
            mult = 1024;
        } else if (last == 'M' || last == 'm') {
            mult = 1024 * 1024;
        } else if (last == 'G' || last == 'g') {
            mult = 1024 * 1024 * 1024;
        }
        if (mult != 1) {
            n--;
        }
    }
    if (n == 0) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9 || v > (UINT64_MAX - d) / 10) {
            return -1;
        }
        v = v * 10 + d;
    }
    if (v > UINT64_MAX / mult) {
        return -1;
    }
    v *= mult;
    if (v < min || v > max) {
        return -1;
    }
    *out = v;
    return 0;
}

int cli_read_small_file(const char *path, size_t max, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return errno;
    }
    char *buf = malloc(max + 2);
    size_t got = 0;
    if (buf == NULL) {
        (void)close(fd);
        return ENOMEM;
    }
    for (;;) {
        ssize_t n = read(fd, buf + got, max + 1 - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int e = errno;
            (void)close(fd);
            free(buf);
            return e;
        }
        if (n == 0) {
            break;
        }
        got += (size_t)n;
        if (got > max) {
            (void)close(fd);
            free(buf);
            return EFBIG;
        }
    }
    (void)close(fd);
    buf[got] = '\0';
    *out = buf;
    *len = got;
    return 0;
}

int cli_getopt_fail(const cli_ctx *ctx, int c, int optopt_value, const char *last)
{
    if (c == ':') {
        return cli_usage_error(ctx, "option '%s' needs a value", last);
    }
    if (optopt_value != 0) {
        return cli_usage_error(ctx, "unknown option '-%c'", optopt_value);
    }
    return cli_usage_error(ctx, "unknown option '%s'", last);
}
