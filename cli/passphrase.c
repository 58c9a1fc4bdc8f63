/*
 * passphrase.c - the vault's passphrase (file backend) or PIN (TPM 2.0,
 * PKCS#11), from a file, an environment variable the user names, or a
 * prompt on /dev/tty with echo off.
 *
 * The secret lives only on a page of its own that is locked in memory
 * (mlock) and excluded from core dumps (MADV_DONTDUMP), and is wiped when
 * freed. It is never echoed, logged or printed; an environment variable's
 * value is wiped in place in the process's environment and the variable
 * removed, so child processes do not inherit it either.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

#define PASS_MAX 4096u /* the file backend's limit */

extern char **environ;

static int secret_alloc(cli_secret *s)
{
    s->cap = PASS_MAX + 2;
    s->len = 0;
    void *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        s->buf = NULL;
        return -1;
    }
    (void)mlock(p, 2 * 4096);
    (void)madvise(p, 2 * 4096, MADV_DONTDUMP);
    s->buf = p;
    return 0;
}

void cli_secret_free(cli_secret *s)
{
    if (s->buf != NULL) {
        pqce_memzero(s->buf, s->cap);
        (void)munlock(s->buf, 2 * 4096);
        (void)munmap(s->buf, 2 * 4096);
    }
    s->buf = NULL;
    s->len = 0;
}

/* Strips one trailing "\n" or "\r\n" (what editors and `echo` add). */
static void strip_newline(cli_secret *s)
{
    if (s->len > 0 && s->buf[s->len - 1] == '\n') {
        s->buf[--s->len] = 0;
        if (s->len > 0 && s->buf[s->len - 1] == '\r') {
            s->buf[--s->len] = 0;
        }
    }
}

static int from_file(const cli_ctx *ctx, cli_secret *s, const char *what, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        char msg[64];
        snprintf(msg, sizeof msg, "cannot read the %s file", what);
        return cli_io_fail(ctx, msg, path, errno);
    }
    for (;;) {
        ssize_t n = read(fd, s->buf + s->len, s->cap - s->len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int e = errno;
            char msg[64];
            (void)close(fd);
            snprintf(msg, sizeof msg, "cannot read the %s file", what);
            return cli_io_fail(ctx, msg, path, e);
        }
        if (n == 0) {
            break;
        }
        s->len += (size_t)n;
        if (s->len == s->cap) {
            (void)close(fd);
            cli_error(ctx, "the %s file %s is longer than %u bytes", what, path, PASS_MAX);
            return EXIT_USAGE;
        }
    }
    (void)close(fd);
    strip_newline(s);
    return EXIT_OK;
}

static int from_env(const cli_ctx *ctx, cli_secret *s, const char *what, const char *option,
                    const char *name)
{
    size_t nlen = strlen(name);
    if (nlen == 0 || strchr(name, '=') != NULL) {
        return cli_usage_error(ctx, "%s takes the name of an environment variable", option);
    }
    for (char **e = environ; e != NULL && *e != NULL; e++) {
        if (strncmp(*e, name, nlen) == 0 && (*e)[nlen] == '=') {
            char *value = *e + nlen + 1;
            size_t vlen = strlen(value);
            if (vlen > PASS_MAX) {
                cli_error(ctx, "the %s in $%s is longer than %u bytes", what, name, PASS_MAX);
                return EXIT_USAGE;
            }
            memcpy(s->buf, value, vlen);
            s->len = vlen;
            /* Wipe the value where the environment holds it and drop the
             * variable: it is not inherited and not in /proc/PID/environ. */
            pqce_memzero(value, vlen);
            (void)unsetenv(name);
            return EXIT_OK;
        }
    }
    cli_error(ctx, "the environment variable %s (named by %s) is not set", name, option);
    return EXIT_USAGE;
}

/* The terminal's settings while echo is off, restored by a signal. */
static struct termios saved_tio;
static volatile sig_atomic_t tty_fd_for_signal = -1;

static void restore_on_signal(int sig)
{
    if (tty_fd_for_signal >= 0) {
        (void)tcsetattr(tty_fd_for_signal, TCSAFLUSH, &saved_tio);
        (void)write(tty_fd_for_signal, "\n", 1);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Reads one line from the terminal with echo off into s. */
static int prompt_once(const cli_ctx *ctx, int tty, const char *what, const char *prompt,
                       cli_secret *s)
{
    struct termios off;
    struct sigaction sa, old_int, old_term, old_hup;
    int rc = EXIT_OK;
    s->len = 0;
    if (tcgetattr(tty, &saved_tio) != 0) {
        cli_error(ctx, "cannot prompt for the %s on the terminal", what);
        return EXIT_IO;
    }
    off = saved_tio;
    off.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    off.c_lflag |= ICANON;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = restore_on_signal;
    tty_fd_for_signal = tty;
    (void)sigaction(SIGINT, &sa, &old_int);
    (void)sigaction(SIGTERM, &sa, &old_term);
    (void)sigaction(SIGHUP, &sa, &old_hup);
    /* Echo off first (discarding anything typed ahead), then the prompt:
     * what is typed after the prompt appears is never echoed or lost. */
    if (tcsetattr(tty, TCSAFLUSH, &off) != 0) {
        rc = EXIT_IO;
        cli_error(ctx, "cannot turn off the terminal's echo");
        goto restore;
    }
    if (cli_write_all(tty, prompt, strlen(prompt)) != 0) {
        rc = EXIT_IO;
        cli_error(ctx, "cannot prompt for the %s on the terminal", what);
        (void)tcsetattr(tty, TCSAFLUSH, &saved_tio);
        goto restore;
    }
    for (;;) {
        char c;
        ssize_t n = read(tty, &c, 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0 || c == '\n' || c == '\r') {
            break;
        }
        if (s->len == PASS_MAX) {
            rc = EXIT_USAGE;
            cli_error(ctx, "the %s is longer than %u bytes", what, PASS_MAX);
            break;
        }
        s->buf[s->len++] = (uint8_t)c;
    }
    (void)tcsetattr(tty, TCSAFLUSH, &saved_tio);
    (void)cli_write_all(tty, "\n", 1);
restore:
    (void)sigaction(SIGINT, &old_int, NULL);
    (void)sigaction(SIGTERM, &old_term, NULL);
    (void)sigaction(SIGHUP, &old_hup, NULL);
    tty_fd_for_signal = -1;
    return rc;
}

/* How to get one kind of secret: its name, its options and its prompts. */
typedef struct secret_kind {
    const char *what;        /* "passphrase", "PIN" */
    const char *file_option; /* "--passphrase-file" */
    const char *env_option;  /* "--passphrase-env" */
    const char *prompt;      /* "Vault passphrase: " */
    const char *new_prompt;  /* "New vault passphrase: " */
    const char *repeat;      /* "Repeat the passphrase: " */
} secret_kind;

static const secret_kind passphrase_kind = {
    "passphrase",         "--passphrase-file",      "--passphrase-env",
    "Vault passphrase: ", "New vault passphrase: ", "Repeat the passphrase: ",
};

static const secret_kind pin_kind = {
    "PIN", "--pin-file", "--pin-env", "PIN: ", "New PIN: ", "Repeat the PIN: ",
};

static int from_prompt(const cli_ctx *ctx, const secret_kind *k, cli_secret *s, int confirm)
{
    int tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (tty < 0) {
        cli_error(ctx, "no %s: there is no terminal to ask on; use %s FILE or %s NAME", k->what,
                  k->file_option, k->env_option);
        return EXIT_USAGE;
    }
    int rc = prompt_once(ctx, tty, k->what, confirm ? k->new_prompt : k->prompt, s);
    if (rc == EXIT_OK && confirm) {
        cli_secret again;
        if (secret_alloc(&again) != 0) {
            rc = EXIT_GENERAL;
        } else {
            rc = prompt_once(ctx, tty, k->what, k->repeat, &again);
            if (rc == EXIT_OK &&
                (again.len != s->len || !pqce_ct_memeq(again.buf, s->buf, s->len))) {
                cli_error(ctx, "the %ss differ", k->what);
                rc = EXIT_USAGE;
            }
            cli_secret_free(&again);
        }
    }
    (void)close(tty);
    return rc;
}

static int secret_get(const cli_ctx *ctx, const secret_kind *k, const char *file, const char *env,
                      cli_secret *out, int confirm)
{
    int rc;
    if (file != NULL && env != NULL) {
        return cli_usage_error(ctx, "give %s or %s, not both", k->file_option, k->env_option);
    }
    if (secret_alloc(out) != 0) {
        cli_error(ctx, "out of memory");
        return EXIT_GENERAL;
    }
    if (file != NULL) {
        rc = from_file(ctx, out, k->what, file);
    } else if (env != NULL) {
        rc = from_env(ctx, out, k->what, k->env_option, env);
    } else {
        rc = from_prompt(ctx, k, out, confirm);
    }
    if (rc == EXIT_OK && out->len == 0) {
        cli_error(ctx, "the %s is empty", k->what);
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK && memchr(out->buf, 0, out->len) != NULL && k == &pin_kind) {
        cli_error(ctx, "the PIN contains a NUL byte");
        rc = EXIT_USAGE;
    }
    if (rc != EXIT_OK) {
        cli_secret_free(out);
    }
    return rc; /* out->buf[out->len] is 0: the buffer is longer than any secret */
}

int cli_passphrase_get(const cli_ctx *ctx, cli_secret *out, int confirm)
{
    return secret_get(ctx, &passphrase_kind, ctx->passphrase_file, ctx->passphrase_env, out,
                      confirm);
}

int cli_pin_get(const cli_ctx *ctx, cli_secret *out, int confirm)
{
    return secret_get(ctx, &pin_kind, ctx->pin_file, ctx->pin_env, out, confirm);
}
