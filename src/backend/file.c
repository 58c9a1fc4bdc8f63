/*
 * file.c - the file backend: a software key-encryption key for a Linux
 * machine without a secure element.
 *
 * The KEK comes from a passphrase through scrypt [RFC7914] (memory-hard,
 * so that each guess of a dictionary attack costs N * r * 128 bytes of
 * memory and the matching time), or from a key file of at least 32 random
 * bytes. Either way the secret it protects is only as safe as that
 * passphrase or file: nothing here is bound to hardware (docs/BACKENDS.md,
 * "file", has the threat model and the cost of a dictionary attack).
 *
 * Blob, version 1 (all fields fixed-size; docs/BACKENDS.md has the table):
 *
 *   off len
 *    0   4  magic "PQFB"
 *    4   1  version = 1
 *    5   1  kdf: 1 = scrypt(passphrase), 2 = key file
 *    6   1  scrypt log2 N   (key file: 0)
 *    7   1  scrypt r        (key file: 0)
 *    8   1  scrypt p        (key file: 0)
 *    9   1  reserved = 0
 *   10  16  salt (fresh per seal)
 *   26  16  key check
 *   42  12  nonce (fresh per seal)
 *   54   n  ciphertext of the n-byte secret (n <= 256)
 *   54+n 16 GCM tag
 *
 *   master = scrypt(passphrase, salt, N, r, p, 32)   or the key file's bytes
 *   KEK    = KMAC256(master, salt, 256, "pqce-file-backend/v1/kek")
 *   check  = KMAC256(master, salt, 128, "pqce-file-backend/v1/check")
 *   ct|tag = AES-256-GCM(KEK, nonce, secret, AAD = bytes 0..53 | caller's aad)
 *
 * The key check tells a wrong passphrase or key file (PQCE_ERR_LOCKED) from
 * a blob modified after sealing or presented with other aad
 * (PQCE_ERR_BACKEND). It gives an attacker nothing the GCM tag would not:
 * testing a guess against either costs one scrypt. Every header field is
 * bounded before any key is derived, so a modified blob cannot make the
 * backend allocate gigabytes or run for hours (PQCE_ERR_FORMAT).
 *
 * The optional monotonic counter (opts->counter_file) is a text file
 * "pqce-counter/v1 <decimal>\n" outside the vault's directory. Its
 * invariants, named where they are kept:
 *   C1  advance never lowers the value: it writes max(current, new), and the
 *       read-modify-write runs under an flock(2) of the file's directory
 *       (other processes) and counter_mu (other threads of this one).
 *   C2  a completed advance is durable: the new value is written to a
 *       temporary file in the same directory, fsynced and closed, renamed
 *       over the counter, and the directory is fsynced.
 *   C3  a crash leaves the old or the new value (rename is atomic), never a
 *       torn file; a reader refuses anything that is not exactly the format.
 * It detects a restore of the vault's directory from an older copy, not an
 * attacker who can also roll back or delete the counter file
 * (docs/BACKENDS.md, "Monotonic counter").
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/backend.h"
#include "crypto/aes_gcm.h"
#include "crypto/kmac.h"
#include "crypto/scrypt.h"

#define FB_MAGIC       "PQFB"
#define FB_VERSION     1u
#define FB_KDF_SCRYPT  1u
#define FB_KDF_KEYFILE 2u
#define FB_SALT_BYTES  16u
#define FB_CHECK_BYTES 16u
#define FB_OFF_SALT    10u
#define FB_OFF_CHECK   (FB_OFF_SALT + FB_SALT_BYTES)
#define FB_OFF_NONCE   (FB_OFF_CHECK + FB_CHECK_BYTES)
#define FB_HEADER      (FB_OFF_NONCE + PQCE_GCM_NONCE_BYTES) /* 54 */
#define FB_OVERHEAD    (FB_HEADER + PQCE_GCM_TAG_BYTES)      /* 70 */
#define FB_SECRET_MAX  256u

/* Parameter bounds, checked when sealing and when unsealing
 * (docs/BACKENDS.md, "file backend parameters"). */
#define FB_LOG2N_DEFAULT  17u
#define FB_LOG2N_MIN      10u
#define FB_LOG2N_MAX      20u
#define FB_R_SEAL         8u
#define FB_P_SEAL         1u
#define FB_R_MAX          16u
#define FB_P_MAX          4u
#define FB_SCRYPT_MEM_MAX ((uint64_t)1 << 30) /* 128 * r * N <= 1 GiB */
#define FB_PASS_MAX       4096u
#define FB_KEYFILE_MIN    32u
#define FB_KEYFILE_MAX    65536u
#define PATH_MAX_LEN      4096u

static const char kek_label[] = "pqce-file-backend/v1/kek";
static const char check_label[] = "pqce-file-backend/v1/check";
static const char device_id_label[] = "pqce-file-backend/v1/device-id";

typedef struct file_backend {
    uint8_t *pass; /* passphrase copy on locked pages, or NULL */
    size_t pass_len;
    char *key_file; /* absolute path of the key file, or NULL */
    uint32_t log2n;
    char *counter_file;         /* absolute path of the monotonic counter, or NULL */
    pthread_mutex_t counter_mu; /* serialises this process's counter updates */
    char device_id[PQCE_DEVICE_FIELD_BYTES];
    char device_model[PQCE_DEVICE_FIELD_BYTES];
    pthread_mutex_t mu; /* guards detail */
    char detail[256];
} file_backend;

static void set_detail(file_backend *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_detail(file_backend *f, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&f->mu);
    va_start(ap, fmt);
    (void)vsnprintf(f->detail, sizeof f->detail, fmt, ap);
    va_end(ap);
    pthread_mutex_unlock(&f->mu);
}

/*
 * Reads the key file into buf (FB_KEYFILE_MAX bytes, locked pages).
 * Errors: PQCE_ERR_IO (cannot open or read; errno_out says why),
 * PQCE_ERR_INVALID_ARG (not a regular file, or a size outside the bounds).
 */
static int read_key_file(const char *path, uint8_t *buf, size_t *len, int *errno_out)
{
    struct stat st;
    size_t got = 0;
    int ret = PQCE_ERR_IO;
    *errno_out = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *errno_out = errno;
        return PQCE_ERR_IO;
    }
    if (fstat(fd, &st) != 0) {
        *errno_out = errno;
        goto done;
    }
    if (!S_ISREG(st.st_mode) || st.st_size < (off_t)FB_KEYFILE_MIN ||
        st.st_size > (off_t)FB_KEYFILE_MAX) {
        ret = PQCE_ERR_INVALID_ARG;
        goto done;
    }
    /* Read to EOF (one byte more than the bound tells a file that grew). */
    for (;;) {
        ssize_t n = read(fd, buf + got, FB_KEYFILE_MAX - got);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            *errno_out = errno;
            goto done;
        }
        if (n == 0) {
            break;
        }
        got += (size_t)n;
        if (got == FB_KEYFILE_MAX) {
            uint8_t extra;
            ssize_t m;
            while ((m = read(fd, &extra, 1)) < 0 && errno == EINTR) {
            }
            if (m != 0) {
                ret = PQCE_ERR_INVALID_ARG;
                goto done;
            }
            break;
        }
    }
    if (got < FB_KEYFILE_MIN) {
        ret = PQCE_ERR_INVALID_ARG;
        goto done;
    }
    *len = got;
    ret = PQCE_OK;
done:
    (void)close(fd);
    return ret;
}

/*
 * Derives the KEK and the key check for the given header fields (already
 * bounded by the caller). Holds the master secret, so: one exit, wiped.
 */
static int derive(file_backend *f, uint8_t kek[PQCE_AES256_KEY_BYTES],
                  uint8_t check[FB_CHECK_BYTES], const uint8_t *header)
{
    uint8_t scrypt_out[32];
    uint8_t *keybuf = NULL;
    const uint8_t *master;
    size_t master_len = 0;
    int ret;

    if (header[5] == FB_KDF_SCRYPT) {
        uint64_t n = (uint64_t)1 << header[6];
        ret = pqce_scrypt(scrypt_out, sizeof scrypt_out, f->pass, f->pass_len, header + FB_OFF_SALT,
                          FB_SALT_BYTES, n, header[7], header[8]);
        if (ret != PQCE_OK) {
            set_detail(f, "file backend: scrypt (log2 N = %u, r = %u, p = %u) failed: %s",
                       (unsigned)header[6], (unsigned)header[7], (unsigned)header[8],
                       pqce_strerror(ret));
            ret = PQCE_ERR_BACKEND;
            goto cleanup;
        }
        master = scrypt_out;
        master_len = sizeof scrypt_out;
    } else {
        int err = 0;
        if ((keybuf = pqce_backend_secret_alloc(FB_KEYFILE_MAX)) == NULL) {
            ret = PQCE_ERR_NOMEM;
            goto cleanup;
        }
        ret = read_key_file(f->key_file, keybuf, &master_len, &err);
        if (ret != PQCE_OK) {
            if (err != 0) {
                char ebuf[128]; /* GNU strerror_r: thread-safe, returns the text */
                set_detail(f, "file backend: cannot read the key file %s: %s", f->key_file,
                           strerror_r(err, ebuf, sizeof ebuf));
            } else {
                set_detail(f,
                           "file backend: the key file %s is not a regular file of %u to %u "
                           "bytes",
                           f->key_file, FB_KEYFILE_MIN, FB_KEYFILE_MAX);
            }
            ret = PQCE_ERR_BACKEND;
            goto cleanup;
        }
        master = keybuf;
    }
    pqce_kmac256(kek, PQCE_AES256_KEY_BYTES, master, master_len, header + FB_OFF_SALT,
                 FB_SALT_BYTES, (const uint8_t *)kek_label, sizeof kek_label - 1);
    pqce_kmac256(check, FB_CHECK_BYTES, master, master_len, header + FB_OFF_SALT, FB_SALT_BYTES,
                 (const uint8_t *)check_label, sizeof check_label - 1);
    ret = PQCE_OK;
cleanup:
    pqce_memzero(scrypt_out, sizeof scrypt_out);
    pqce_backend_secret_free(keybuf, FB_KEYFILE_MAX);
    if (ret != PQCE_OK) {
        pqce_memzero(kek, PQCE_AES256_KEY_BYTES);
        pqce_memzero(check, FB_CHECK_BYTES);
    }
    return ret;
}

/* AAD = the 54-byte header | caller's aad (the header is fixed-size, so the
 * concatenation is unambiguous). */
static int build_aad(uint8_t **out, size_t *out_len, const uint8_t *header, const uint8_t *aad,
                     size_t aad_len)
{
    if (aad_len > SIZE_MAX - FB_HEADER) {
        return PQCE_ERR_INVALID_ARG;
    }
    uint8_t *buf = malloc(FB_HEADER + aad_len);
    if (buf == NULL) {
        return PQCE_ERR_NOMEM;
    }
    memcpy(buf, header, FB_HEADER);
    if (aad_len > 0) {
        memcpy(buf + FB_HEADER, aad, aad_len);
    }
    *out = buf;
    *out_len = FB_HEADER + aad_len;
    return PQCE_OK;
}

static int file_seal(void *ctx, uint8_t *blob, size_t blob_cap, size_t *blob_len,
                     const uint8_t *secret, size_t secret_len, const uint8_t *aad, size_t aad_len)
{
    file_backend *f = ctx;
    uint8_t kek[PQCE_AES256_KEY_BYTES], check[FB_CHECK_BYTES];
    uint8_t *full_aad = NULL;
    size_t full_aad_len = 0;
    int ret;

    if (secret_len > FB_SECRET_MAX || blob_cap < FB_OVERHEAD + secret_len) {
        set_detail(f, "file backend: a %zu-byte secret needs a %zu-byte blob buffer", secret_len,
                   FB_OVERHEAD + secret_len);
        return PQCE_ERR_INVALID_ARG;
    }
    memcpy(blob, FB_MAGIC, 4);
    blob[4] = (uint8_t)FB_VERSION;
    if (f->pass != NULL) {
        blob[5] = (uint8_t)FB_KDF_SCRYPT;
        blob[6] = (uint8_t)f->log2n;
        blob[7] = (uint8_t)FB_R_SEAL;
        blob[8] = (uint8_t)FB_P_SEAL;
    } else {
        blob[5] = (uint8_t)FB_KDF_KEYFILE;
        blob[6] = blob[7] = blob[8] = 0;
    }
    blob[9] = 0;
    /* A fresh salt per seal: two blobs never share a KEK, so one nonce
     * collision could not hurt, and a precomputed dictionary is useless. */
    if ((ret = pqce_random_bytes(NULL, blob + FB_OFF_SALT, FB_SALT_BYTES)) != PQCE_OK ||
        (ret = pqce_random_bytes(NULL, blob + FB_OFF_NONCE, PQCE_GCM_NONCE_BYTES)) != PQCE_OK) {
        set_detail(f, "file backend: the OS random source failed");
        goto cleanup;
    }
    if ((ret = derive(f, kek, check, blob)) != PQCE_OK) {
        goto cleanup;
    }
    memcpy(blob + FB_OFF_CHECK, check, FB_CHECK_BYTES);
    if ((ret = build_aad(&full_aad, &full_aad_len, blob, aad, aad_len)) != PQCE_OK) {
        goto cleanup;
    }
    ret = pqce_aes256gcm_seal(blob + FB_HEADER, blob + FB_HEADER + secret_len, secret, secret_len,
                              full_aad, full_aad_len, blob + FB_OFF_NONCE, kek);
    if (ret != PQCE_OK) {
        set_detail(f, "file backend: AES-256-GCM seal failed (%s)", pqce_error_name(ret));
        ret = PQCE_ERR_BACKEND;
        goto cleanup;
    }
    *blob_len = FB_OVERHEAD + secret_len;
cleanup:
    pqce_memzero(kek, sizeof kek);
    pqce_memzero(check, sizeof check);
    if (ret != PQCE_OK) {
        pqce_memzero(blob, FB_OVERHEAD + secret_len);
    }
    free(full_aad);
    return ret;
}

/* Checks the header's shape and bounds; PQCE_ERR_FORMAT with a detail if
 * any field is outside them. Runs before any key derivation. */
static int check_header(file_backend *f, const uint8_t *blob, size_t blob_len)
{
    if (blob_len < FB_OVERHEAD || blob_len - FB_OVERHEAD > FB_SECRET_MAX) {
        set_detail(f, "file backend: malformed blob (%zu bytes; expected %u to %u)", blob_len,
                   (unsigned)FB_OVERHEAD, (unsigned)(FB_OVERHEAD + FB_SECRET_MAX));
        return PQCE_ERR_FORMAT;
    }
    if (memcmp(blob, FB_MAGIC, 4) != 0) {
        set_detail(f, "file backend: not a file-backend blob (bad magic)");
        return PQCE_ERR_FORMAT;
    }
    if (blob[4] != FB_VERSION) {
        set_detail(f, "file backend: unknown blob version %u", (unsigned)blob[4]);
        return PQCE_ERR_FORMAT;
    }
    if (blob[9] != 0) {
        set_detail(f, "file backend: malformed blob (reserved byte is %u)", (unsigned)blob[9]);
        return PQCE_ERR_FORMAT;
    }
    if (blob[5] == FB_KDF_SCRYPT) {
        unsigned log2n = blob[6], r = blob[7], p = blob[8];
        if (log2n < FB_LOG2N_MIN || log2n > FB_LOG2N_MAX || r < 1 || r > FB_R_MAX || p < 1 ||
            p > FB_P_MAX || ((uint64_t)128 * r << log2n) > FB_SCRYPT_MEM_MAX) {
            set_detail(f,
                       "file backend: scrypt parameters out of bounds (log2 N = %u, r = %u, "
                       "p = %u; accepted: log2 N %u..%u, r 1..%u, p 1..%u, 128 r N <= 1 GiB)",
                       log2n, r, p, FB_LOG2N_MIN, FB_LOG2N_MAX, FB_R_MAX, FB_P_MAX);
            return PQCE_ERR_FORMAT;
        }
    } else if (blob[5] == FB_KDF_KEYFILE) {
        if (blob[6] != 0 || blob[7] != 0 || blob[8] != 0) {
            set_detail(f, "file backend: malformed blob (key-file blob with KDF parameters)");
            return PQCE_ERR_FORMAT;
        }
    } else {
        set_detail(f, "file backend: unknown KDF %u in blob", (unsigned)blob[5]);
        return PQCE_ERR_FORMAT;
    }
    return PQCE_OK;
}

static int file_unseal(void *ctx, uint8_t *secret, size_t secret_cap, size_t *secret_len,
                       const uint8_t *blob, size_t blob_len, const uint8_t *aad, size_t aad_len)
{
    file_backend *f = ctx;
    uint8_t kek[PQCE_AES256_KEY_BYTES], check[FB_CHECK_BYTES];
    uint8_t *full_aad = NULL;
    size_t full_aad_len = 0;
    int ret;

    if ((ret = check_header(f, blob, blob_len)) != PQCE_OK) {
        return ret;
    }
    int have_pass = f->pass != NULL;
    if (blob[5] != (have_pass ? FB_KDF_SCRYPT : FB_KDF_KEYFILE)) {
        set_detail(f, "file backend: the blob was sealed with a %s, this backend holds a %s",
                   have_pass ? "key file" : "passphrase", have_pass ? "passphrase" : "key file");
        return PQCE_ERR_LOCKED;
    }
    size_t ct_len = blob_len - FB_OVERHEAD;
    if (ct_len > secret_cap) {
        set_detail(f, "file backend: the secret needs %zu bytes, the buffer holds %zu", ct_len,
                   secret_cap);
        return PQCE_ERR_INVALID_ARG;
    }
    if ((ret = derive(f, kek, check, blob)) != PQCE_OK) {
        goto cleanup;
    }
    /* Constant-time: the check is a function of the secret KEK material. */
    if (!pqce_ct_memeq(check, blob + FB_OFF_CHECK, FB_CHECK_BYTES)) {
        set_detail(f, "file backend: %s", have_pass ? "wrong passphrase" : "wrong key file");
        ret = PQCE_ERR_LOCKED;
        goto cleanup;
    }
    if ((ret = build_aad(&full_aad, &full_aad_len, blob, aad, aad_len)) != PQCE_OK) {
        goto cleanup;
    }
    ret = pqce_aes256gcm_open(secret, blob + FB_HEADER, ct_len, blob + FB_HEADER + ct_len, full_aad,
                              full_aad_len, blob + FB_OFF_NONCE, kek);
    if (ret == PQCE_ERR_DECRYPT) {
        set_detail(f, "file backend: the blob did not authenticate (the key is right, so the "
                      "blob was modified or the aad differs)");
        ret = PQCE_ERR_BACKEND;
    } else if (ret != PQCE_OK) {
        set_detail(f, "file backend: AES-256-GCM open failed (%s)", pqce_error_name(ret));
        ret = PQCE_ERR_BACKEND;
    } else {
        *secret_len = ct_len;
    }
cleanup:
    pqce_memzero(kek, sizeof kek);
    pqce_memzero(check, sizeof check);
    if (ret != PQCE_OK) {
        pqce_memzero(secret, secret_cap);
    }
    free(full_aad);
    return ret;
}

/* ---- the monotonic counter (C1-C3 at the top of this file) ------------------------------ */

#define FB_COUNTER_PREFIX "pqce-counter/v1 "
#define FB_COUNTER_MAX    64u /* bytes of a counter file */

/* Parses "pqce-counter/v1 <decimal>\n" exactly (no leading zeros, no
 * overflow). Returns 0 or PQCE_ERR_FORMAT. */
static int counter_parse(const char *buf, size_t len, uint64_t *value)
{
    size_t plen = sizeof FB_COUNTER_PREFIX - 1, i;
    uint64_t v = 0;
    if (len < plen + 2 || memcmp(buf, FB_COUNTER_PREFIX, plen) != 0 || buf[len - 1] != '\n') {
        return PQCE_ERR_FORMAT;
    }
    if (buf[plen] == '0' && len != plen + 2) {
        return PQCE_ERR_FORMAT; /* a leading zero: one value, one encoding */
    }
    for (i = plen; i < len - 1; i++) {
        unsigned d = (unsigned)(unsigned char)buf[i] - '0';
        if (d > 9 || v > (UINT64_MAX - d) / 10) {
            return PQCE_ERR_FORMAT;
        }
        v = v * 10 + d;
    }
    *value = v;
    return PQCE_OK;
}

/* Reads the counter file. Errors: PQCE_ERR_NOT_FOUND (missing), PQCE_ERR_IO
 * (unreadable; errno_out says why), PQCE_ERR_FORMAT (not a counter file). */
static int counter_load(const char *path, uint64_t *value, int *errno_out)
{
    char buf[FB_COUNTER_MAX + 1];
    size_t got = 0;
    struct stat st;
    *errno_out = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
    if (fd < 0) {
        *errno_out = errno;
        return errno == ENOENT ? PQCE_ERR_NOT_FOUND : PQCE_ERR_IO;
    }
    if (fstat(fd, &st) != 0) {
        *errno_out = errno;
        (void)close(fd);
        return PQCE_ERR_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        (void)close(fd);
        return PQCE_ERR_FORMAT;
    }
    for (;;) {
        ssize_t n = read(fd, buf + got, sizeof buf - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            *errno_out = errno;
            (void)close(fd);
            return PQCE_ERR_IO;
        }
        if (n == 0 || (got += (size_t)n) == sizeof buf) {
            break;
        }
    }
    (void)close(fd);
    if (got > FB_COUNTER_MAX) {
        return PQCE_ERR_FORMAT;
    }
    return counter_parse(buf, got, value);
}

/* Splits path into its directory (malloc'd) and checks there is a file
 * name after the last '/'. */
static char *counter_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL || slash[1] == '\0') {
        return NULL;
    }
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (dir != NULL) {
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    return dir;
}

/* Writes value to path atomically and durably [C2, C3]. The caller holds
 * the directory lock. */
static int counter_store(file_backend *f, int dirfd, uint64_t value)
{
    char tmp[PATH_MAX_LEN];
    char text[FB_COUNTER_MAX];
    uint8_t rnd[8];
    int n = snprintf(text, sizeof text, FB_COUNTER_PREFIX "%llu\n", (unsigned long long)value);
    if (pqce_random_bytes(NULL, rnd, sizeof rnd) != PQCE_OK) {
        set_detail(f, "file backend: the OS random source failed");
        return PQCE_ERR_BACKEND;
    }
    if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld-%02x%02x%02x%02x%02x%02x%02x%02x", f->counter_file,
                 (long)getpid(), rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6],
                 rnd[7]) >= (int)sizeof tmp) {
        set_detail(f, "file backend: the counter file's path is too long");
        return PQCE_ERR_BACKEND;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        goto io_error;
    }
    ssize_t w;
    while ((w = write(fd, text, (size_t)n)) < 0 && errno == EINTR) {
    }
    /* [C2] data before name: fsync and a checked close before the rename */
    if (w != n || fsync(fd) != 0) {
        int e = w == n ? errno : (w < 0 ? errno : ENOSPC);
        (void)close(fd);
        (void)unlink(tmp);
        errno = e;
        goto io_error;
    }
    if (close(fd) != 0) {
        int e = errno;
        (void)unlink(tmp);
        errno = e;
        goto io_error;
    }
    /* [C3] atomic replace */
    if (rename(tmp, f->counter_file) != 0) {
        int e = errno;
        (void)unlink(tmp);
        errno = e;
        goto io_error;
    }
    /* [C2] the new name is durable */
    if (fsync(dirfd) != 0) {
        goto io_error;
    }
    return PQCE_OK;
io_error : {
    char ebuf[128];
    set_detail(f, "file backend: cannot write the counter file %s: %s", f->counter_file,
               strerror_r(errno, ebuf, sizeof ebuf));
    return PQCE_ERR_BACKEND;
}
}

/*
 * Locks the counter's directory (flock, shared by every process that uses
 * a counter there) and this backend's mutex [C1]; *dirfd receives the
 * directory's descriptor, which counter_unlock closes.
 */
static int counter_lock(file_backend *f, int *dirfd)
{
    char *dir = counter_dir(f->counter_file);
    if (dir == NULL) {
        set_detail(f, "file backend: out of memory");
        return PQCE_ERR_NOMEM;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        char ebuf[128];
        set_detail(f, "file backend: cannot open the counter's directory %s: %s", dir,
                   strerror_r(errno, ebuf, sizeof ebuf));
        free(dir);
        return PQCE_ERR_BACKEND;
    }
    free(dir);
    pthread_mutex_lock(&f->counter_mu);
    int rc;
    while ((rc = flock(fd, LOCK_EX)) != 0 && errno == EINTR) {
    }
    if (rc != 0) {
        char ebuf[128];
        set_detail(f, "file backend: cannot lock the counter's directory: %s",
                   strerror_r(errno, ebuf, sizeof ebuf));
        pthread_mutex_unlock(&f->counter_mu);
        (void)close(fd);
        return PQCE_ERR_BACKEND;
    }
    *dirfd = fd;
    return PQCE_OK;
}

static void counter_unlock(file_backend *f, int dirfd)
{
    (void)flock(dirfd, LOCK_UN);
    (void)close(dirfd);
    pthread_mutex_unlock(&f->counter_mu);
}

static int counter_read_locked(file_backend *f, uint64_t *value)
{
    int err = 0;
    int ret = counter_load(f->counter_file, value, &err);
    if (ret == PQCE_ERR_NOT_FOUND) {
        set_detail(f, "file backend: the counter file %s is missing", f->counter_file);
    } else if (ret == PQCE_ERR_FORMAT) {
        set_detail(f, "file backend: %s is not a counter file", f->counter_file);
    } else if (ret != PQCE_OK) {
        char ebuf[128];
        set_detail(f, "file backend: cannot read the counter file %s: %s", f->counter_file,
                   strerror_r(err, ebuf, sizeof ebuf));
    }
    return ret == PQCE_OK ? PQCE_OK : PQCE_ERR_BACKEND;
}

static int file_counter_read(void *ctx, uint64_t *value)
{
    file_backend *f = ctx;
    int dirfd = -1;
    int ret = counter_lock(f, &dirfd);
    if (ret != PQCE_OK) {
        return ret;
    }
    ret = counter_read_locked(f, value);
    counter_unlock(f, dirfd);
    return ret;
}

static int file_counter_advance(void *ctx, uint64_t value)
{
    file_backend *f = ctx;
    uint64_t cur = 0;
    int dirfd = -1;
    int ret = counter_lock(f, &dirfd);
    if (ret != PQCE_OK) {
        return ret;
    }
    /* [C1] max(current, value), read and written under the lock */
    if ((ret = counter_read_locked(f, &cur)) == PQCE_OK && value > cur) {
        ret = counter_store(f, dirfd, value);
    }
    counter_unlock(f, dirfd);
    return ret;
}

/* At creation: resolve the path, create the counter at 0 if it is missing,
 * and check that an existing one parses. */
static int counter_open(file_backend *f, const char *path)
{
    int dirfd = -1, err = 0;
    uint64_t v = 0;
    size_t plen = strlen(path);
    if (plen == 0 || path[plen - 1] == '/' || plen > PATH_MAX_LEN - 64) {
        return PQCE_ERR_INVALID_ARG;
    }
    const char *slash = strrchr(path, '/');
    const char *base = slash != NULL ? slash + 1 : path;
    if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        return PQCE_ERR_INVALID_ARG;
    }
    char *dir = slash == NULL ? strdup(".") : counter_dir(path);
    if (dir == NULL) {
        return PQCE_ERR_NOMEM;
    }
    /* An absolute path, resolved once: later calls do not depend on the
     * working directory. The directory must exist; the file may not yet. */
    char *rdir = realpath(dir, NULL);
    free(dir);
    if (rdir == NULL) {
        return errno == ENOMEM ? PQCE_ERR_NOMEM : PQCE_ERR_IO;
    }
    size_t need = strlen(rdir) + 1 + strlen(base) + 1;
    if (need > PATH_MAX_LEN - 64) {
        free(rdir);
        return PQCE_ERR_INVALID_ARG;
    }
    if ((f->counter_file = malloc(need)) == NULL) {
        free(rdir);
        return PQCE_ERR_NOMEM;
    }
    (void)snprintf(f->counter_file, need, "%s/%s", strcmp(rdir, "/") == 0 ? "" : rdir, base);
    free(rdir);
    int ret = counter_lock(f, &dirfd);
    if (ret != PQCE_OK) {
        return ret == PQCE_ERR_NOMEM ? ret : PQCE_ERR_IO;
    }
    ret = counter_load(f->counter_file, &v, &err);
    if (ret == PQCE_ERR_NOT_FOUND) {
        ret = counter_store(f, dirfd, 0) == PQCE_OK ? PQCE_OK : PQCE_ERR_IO;
    } else if (ret == PQCE_ERR_FORMAT) {
        ret = PQCE_ERR_INVALID_ARG;
    }
    counter_unlock(f, dirfd);
    return ret;
}

static int file_device_info(void *ctx, pqce_device_info *info)
{
    file_backend *f = ctx;
    memcpy(info->device_id, f->device_id, sizeof info->device_id);
    memcpy(info->device_model, f->device_model, sizeof info->device_model);
    (void)pqce_backend_copy_field(info->enclave_vendor, sizeof info->enclave_vendor, "software",
                                  NULL);
    (void)pqce_backend_copy_field(info->backend, sizeof info->backend, "file", NULL);
    /* The KEK is software and there is no one to ask for presence. A
     * counter is offered only when the caller named a counter file (outside
     * the vault's directory, docs/BACKENDS.md). */
    info->capabilities = f->counter_file != NULL ? PQCE_CAP_MONOTONIC_COUNTER : 0u;
    return PQCE_OK;
}

static void file_last_error(void *ctx, char *buf, size_t cap)
{
    file_backend *f = ctx;
    pthread_mutex_lock(&f->mu);
    (void)snprintf(buf, cap, "%s", f->detail);
    pthread_mutex_unlock(&f->mu);
}

static void file_destroy(void *ctx)
{
    file_backend *f = ctx;
    if (f == NULL) {
        return;
    }
    pqce_backend_secret_free(f->pass, f->pass_len);
    free(f->key_file);
    free(f->counter_file);
    pthread_mutex_destroy(&f->mu);
    pthread_mutex_destroy(&f->counter_mu);
    pqce_memzero(f, sizeof *f);
    free(f);
}

static const pqce_backend_ops file_backend_ops = {
    .version = PQCE_BACKEND_OPS_VERSION,
    .seal = file_seal,
    .unseal = file_unseal,
    .device_info = file_device_info,
    .user_presence = NULL,
    .counter_read = NULL,
    .counter_advance = NULL,
    .last_error = file_last_error,
    .destroy = file_destroy,
};

/* The same with the monotonic counter (opts->counter_file). */
static const pqce_backend_ops file_backend_counter_ops = {
    .version = PQCE_BACKEND_OPS_VERSION,
    .seal = file_seal,
    .unseal = file_unseal,
    .device_info = file_device_info,
    .user_presence = NULL,
    .counter_read = file_counter_read,
    .counter_advance = file_counter_advance,
    .last_error = file_last_error,
    .destroy = file_destroy,
};

/*
 * The default device id. /etc/machine-id identifies the installation, and
 * machine-id(5) asks applications not to expose it but to use a keyed hash
 * of it with an application-specific key; the device id goes into
 * attestations and audit entries, which leave the machine. So the default
 * is the 32 hex digits of KMAC256(machine-id, "", 128,
 * "pqce-file-backend/v1/device-id"): stable per machine, the same shape as
 * a machine id, unlinkable to it. Without a machine id: the host name.
 */
static void default_device_id(char *out, size_t cap)
{
    char mid[128];
    size_t n = 0;
    FILE *fp = fopen("/etc/machine-id", "re");
    if (fp != NULL) {
        n = fread(mid, 1, sizeof mid - 1, fp);
        (void)fclose(fp);
    }
    while (n > 0 &&
           (mid[n - 1] == '\n' || mid[n - 1] == ' ' || mid[n - 1] == '\t' || mid[n - 1] == '\r')) {
        n--;
    }
    if (n > 0) {
        uint8_t h[16];
        static const char hex[] = "0123456789abcdef";
        pqce_kmac256(h, sizeof h, (const uint8_t *)mid, n, NULL, 0,
                     (const uint8_t *)device_id_label, sizeof device_id_label - 1);
        for (size_t i = 0; i < sizeof h && 2 * i + 2 < cap; i++) {
            out[2 * i] = hex[h[i] >> 4];
            out[2 * i + 1] = hex[h[i] & 15];
            out[2 * i + 2] = '\0';
        }
        return;
    }
    char host[PQCE_DEVICE_FIELD_BYTES];
    if (gethostname(host, sizeof host) == 0) {
        host[sizeof host - 1] = '\0';
        if (host[0] != '\0' && pqce_backend_copy_field(out, cap, host, NULL) == PQCE_OK) {
            return;
        }
    }
    (void)pqce_backend_copy_field(out, cap, "linux-unknown", NULL);
}

int pqce_backend_file_new(pqce_backend **backend, const pqce_file_backend_options *opts)
{
    if (backend == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *backend = NULL;
    if (opts == NULL ||
        (opts->version != 1u && opts->version != PQCE_FILE_BACKEND_OPTIONS_VERSION)) {
        return PQCE_ERR_INVALID_ARG;
    }
    /* Version 1 of the struct ends before counter_file: never read it. */
    const char *counter_file = opts->version >= 2u ? opts->counter_file : NULL;
    int has_pass = opts->passphrase != NULL;
    int has_file = opts->key_file != NULL;
    uint32_t log2n = opts->scrypt_log2_n == 0 ? FB_LOG2N_DEFAULT : opts->scrypt_log2_n;
    if (has_pass == has_file ||
        (has_pass && (opts->passphrase_len == 0 || opts->passphrase_len > FB_PASS_MAX)) ||
        (!has_pass && opts->passphrase_len != 0) || log2n < FB_LOG2N_MIN || log2n > FB_LOG2N_MAX) {
        return PQCE_ERR_INVALID_ARG;
    }

    int ret;
    file_backend *f = calloc(1, sizeof *f);
    if (f == NULL) {
        return PQCE_ERR_NOMEM;
    }
    if (pthread_mutex_init(&f->mu, NULL) != 0) {
        free(f);
        return PQCE_ERR_NOMEM;
    }
    if (pthread_mutex_init(&f->counter_mu, NULL) != 0) {
        pthread_mutex_destroy(&f->mu);
        free(f);
        return PQCE_ERR_NOMEM;
    }
    f->log2n = log2n;
    if (opts->device_id == NULL) {
        default_device_id(f->device_id, sizeof f->device_id);
    } else if ((ret = pqce_backend_copy_field(f->device_id, sizeof f->device_id, opts->device_id,
                                              NULL)) != PQCE_OK) {
        goto fail;
    }
    if ((ret = pqce_backend_copy_field(f->device_model, sizeof f->device_model, opts->device_model,
                                       "linux")) != PQCE_OK) {
        goto fail;
    }
    if (has_pass) {
        if ((f->pass = pqce_backend_secret_alloc(opts->passphrase_len)) == NULL) {
            ret = PQCE_ERR_NOMEM;
            goto fail;
        }
        memcpy(f->pass, opts->passphrase, opts->passphrase_len);
        f->pass_len = opts->passphrase_len;
    } else {
        /* An absolute path: later reads must not depend on the working
         * directory. The file is read now to fail early, and again at each
         * seal and unseal (it is never kept in memory). */
        if ((f->key_file = realpath(opts->key_file, NULL)) == NULL) {
            ret = errno == ENOMEM ? PQCE_ERR_NOMEM : PQCE_ERR_IO;
            goto fail;
        }
        uint8_t *probe = pqce_backend_secret_alloc(FB_KEYFILE_MAX);
        size_t probe_len = 0;
        int err = 0;
        if (probe == NULL) {
            ret = PQCE_ERR_NOMEM;
            goto fail;
        }
        ret = read_key_file(f->key_file, probe, &probe_len, &err);
        pqce_backend_secret_free(probe, FB_KEYFILE_MAX);
        if (ret != PQCE_OK) {
            goto fail;
        }
    }
    if (counter_file != NULL && (ret = counter_open(f, counter_file)) != PQCE_OK) {
        goto fail;
    }
    if ((ret = pqce_backend_new(
             backend, f->counter_file != NULL ? &file_backend_counter_ops : &file_backend_ops,
             f)) != PQCE_OK) {
        goto fail;
    }
    return PQCE_OK;
fail:
    file_destroy(f);
    return ret;
}
