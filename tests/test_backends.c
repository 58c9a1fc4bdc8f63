/*
 * test_backends.c - the key-custody backends: memory, file (passphrase and
 * key file), the platform bridges, the generic table checks and scrypt.
 *
 * The seed's tests 13-15 in their meaning: 13 (the in-memory backend keeps
 * what it is given) is test_memory_backend_seal_unseal_round_trip; 14 and
 * 15 (the iOS and Android backends raise a backend error) are
 * test_ios_backend_seal_is_backend_error and
 * test_android_backend_seal_is_backend_error.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend/backend.h"
#include "crypto/kmac.h"
#include "crypto/scrypt.h"
#include "test.h"

#define BLOB_CAP PQCE_SEALED_BLOB_MAX

static const uint8_t aad1[] = "vault-id-1";
static const uint8_t aad2[] = "vault-id-2";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++) {
        d |= p[i];
    }
    return d == 0;
}

static void detail_of(pqce_backend *b, char *buf, size_t cap)
{
    pqce_backend_detail(b, buf, cap);
}

/* ---- memory backend ------------------------------------------------------ */

static void test_memory_backend_seal_unseal_round_trip(void)
{
    pqce_backend *b = NULL;
    uint8_t secret[96], blob[BLOB_CAP], out[256];
    size_t blob_len = 0, out_len = 0;
    test_fill(secret, sizeof secret, "memory-secret", 0);
    CHECK_OK(pqce_backend_memory_new(&b, "iphone-alice-test", "iphone-15-pro"));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    CHECK(blob_len == 1 + 12 + sizeof secret + 16);
    CHECK(blob[0] == 1);
    CHECK(memmem(blob, blob_len, secret, 16) == NULL); /* not in clear */
    CHECK_OK(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1));
    CHECK(out_len == sizeof secret);
    CHECK_MEM_EQ(out, secret, sizeof secret);
    /* empty aad and a short secret work too */
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, 1, NULL, 0));
    CHECK_OK(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, NULL, 0));
    CHECK(out_len == 1 && out[0] == secret[0]);
    pqce_backend_free(b);
}

static void test_memory_backend_seals_with_fresh_nonces(void)
{
    pqce_backend *b = NULL;
    uint8_t secret[32] = {1}, b1[BLOB_CAP], b2[BLOB_CAP];
    size_t l1 = 0, l2 = 0;
    CHECK_OK(pqce_backend_memory_new(&b, NULL, NULL));
    CHECK_OK(pqce_backend_seal(b, b1, sizeof b1, &l1, secret, sizeof secret, aad1, sizeof aad1));
    CHECK_OK(pqce_backend_seal(b, b2, sizeof b2, &l2, secret, sizeof secret, aad1, sizeof aad1));
    CHECK(l1 == l2);
    CHECK(memcmp(b1 + 1, b2 + 1, 12) != 0);
    CHECK(memcmp(b1, b2, l1) != 0);
    pqce_backend_free(b);
}

static void test_memory_backend_rejects_modified_blob(void)
{
    pqce_backend *b = NULL;
    uint8_t secret[48], blob[BLOB_CAP], out[256];
    size_t blob_len = 0, out_len = 0;
    char detail[256];
    test_fill(secret, sizeof secret, "memory-secret", 1);
    CHECK_OK(pqce_backend_memory_new(&b, NULL, NULL));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    for (size_t i = 0; i < blob_len; i++) {
        blob[i] ^= 0x01;
        memset(out, 0xAA, sizeof out);
        int rc =
            pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1);
        blob[i] ^= 0x01;
        /* byte 0 is the version: malformed; every other byte: not authentic */
        CHECK_MSG(rc == (i == 0 ? PQCE_ERR_FORMAT : PQCE_ERR_BACKEND), "byte %zu: %s", i,
                  pqce_error_name(rc));
        CHECK(out_len == 0 && all_zero(out, sizeof out));
    }
    detail_of(b, detail, sizeof detail);
    CHECK(strstr(detail, "did not authenticate") != NULL);
    /* truncated and extended blobs */
    CHECK_RC(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, 28, aad1, sizeof aad1),
             PQCE_ERR_FORMAT);
    CHECK_RC(
        pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len - 1, aad1, sizeof aad1),
        PQCE_ERR_BACKEND);
    CHECK_RC(
        pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len + 1, aad1, sizeof aad1),
        PQCE_ERR_BACKEND);
    CHECK_OK(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1));
    CHECK_MEM_EQ(out, secret, sizeof secret);
    pqce_backend_free(b);
}

static void test_memory_backend_rejects_other_aad(void)
{
    pqce_backend *b = NULL;
    uint8_t secret[32] = {7}, blob[BLOB_CAP], out[256];
    size_t blob_len = 0, out_len = 0;
    CHECK_OK(pqce_backend_memory_new(&b, NULL, NULL));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    CHECK_RC(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad2, sizeof aad2),
             PQCE_ERR_BACKEND);
    CHECK_RC(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, NULL, 0),
             PQCE_ERR_BACKEND);
    CHECK_RC(
        pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1 - 1),
        PQCE_ERR_BACKEND);
    pqce_backend_free(b);
}

static void test_memory_backend_rejects_blob_of_another_instance(void)
{
    pqce_backend *a = NULL, *b = NULL;
    uint8_t secret[32] = {9}, blob[BLOB_CAP], out[256];
    size_t blob_len = 0, out_len = 0;
    char detail[256];
    CHECK_OK(pqce_backend_memory_new(&a, NULL, NULL));
    CHECK_OK(pqce_backend_memory_new(&b, NULL, NULL));
    CHECK_OK(pqce_backend_seal(a, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    CHECK_RC(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1),
             PQCE_ERR_BACKEND);
    detail_of(b, detail, sizeof detail);
    CHECK(strstr(detail, "another memory backend") != NULL);
    pqce_backend_free(a);
    pqce_backend_free(b);
}

static void test_memory_backend_refuses_small_buffers(void)
{
    pqce_backend *b = NULL;
    uint8_t secret[64] = {3}, blob[BLOB_CAP], out[256];
    size_t blob_len = 0, out_len = 0;
    CHECK_OK(pqce_backend_memory_new(&b, NULL, NULL));
    CHECK_RC(
        pqce_backend_seal(b, blob, 1 + 12 + 64 + 15, &blob_len, secret, sizeof secret, NULL, 0),
        PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_backend_seal(b, blob, sizeof blob, &blob_len, blob, 257, NULL, 0),
             PQCE_ERR_INVALID_ARG);
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, NULL, 0));
    CHECK_RC(pqce_backend_unseal(b, out, 63, &out_len, blob, blob_len, NULL, 0),
             PQCE_ERR_INVALID_ARG);
    CHECK_OK(pqce_backend_unseal(b, out, 64, &out_len, blob, blob_len, NULL, 0));
    pqce_backend_free(b);
}

static void test_memory_backend_user_presence_approve_and_deny(void)
{
    pqce_backend *b = NULL, *f = NULL;
    char detail[256];
    CHECK_OK(pqce_backend_memory_new(&b, NULL, NULL));
    CHECK_OK(pqce_backend_user_presence(b, "unlock the vault")); /* approved by default */
    CHECK_OK(pqce_backend_memory_set_presence(b, 0));
    CHECK_RC(pqce_backend_user_presence(b, "unlock the vault"), PQCE_ERR_POLICY);
    detail_of(b, detail, sizeof detail);
    CHECK(strstr(detail, "refused") != NULL);
    CHECK_OK(pqce_backend_memory_set_presence(b, 1));
    CHECK_OK(pqce_backend_user_presence(b, NULL));
    /* only a memory backend has the switch */
    CHECK_RC(pqce_backend_memory_set_presence(NULL, 1), PQCE_ERR_INVALID_ARG);
    CHECK_OK(pqce_backend_ios_new(&f, NULL, NULL));
    CHECK_RC(pqce_backend_memory_set_presence(f, 1), PQCE_ERR_INVALID_ARG);
    pqce_backend_free(f);
    pqce_backend_free(b);
}

static void test_memory_backend_counter_is_monotonic(void)
{
    pqce_backend *b = NULL;
    uint64_t v = 99;
    CHECK_OK(pqce_backend_memory_new(&b, NULL, NULL));
    CHECK(pqce_backend_has_counter(b));
    CHECK_OK(pqce_backend_counter_read(b, &v));
    CHECK(v == 0);
    CHECK_OK(pqce_backend_counter_advance(b, 5));
    CHECK_OK(pqce_backend_counter_read(b, &v));
    CHECK(v == 5);
    CHECK_OK(pqce_backend_counter_advance(b, 3)); /* lower: keeps the higher */
    CHECK_OK(pqce_backend_counter_read(b, &v));
    CHECK(v == 5);
    CHECK_OK(pqce_backend_counter_advance(b, UINT64_MAX));
    CHECK_OK(pqce_backend_counter_read(b, &v));
    CHECK(v == UINT64_MAX);
    pqce_backend_free(b);
}

static void test_memory_backend_device_info(void)
{
    pqce_backend *b = NULL;
    pqce_device_info info;
    char longid[PQCE_DEVICE_FIELD_BYTES + 1];
    CHECK_OK(pqce_backend_memory_new(&b, NULL, NULL));
    CHECK_OK(pqce_backend_device_info(b, &info));
    CHECK(strcmp(info.device_id, "test-device-0") == 0);
    CHECK(strcmp(info.device_model, "in-memory") == 0);
    CHECK(strcmp(info.enclave_vendor, "in-memory") == 0);
    CHECK(strcmp(info.backend, "memory") == 0);
    CHECK(info.capabilities == (PQCE_CAP_USER_PRESENCE | PQCE_CAP_MONOTONIC_COUNTER));
    pqce_backend_free(b);
    CHECK_OK(pqce_backend_memory_new(&b, "iphone-alice-test", "iphone-15-pro"));
    CHECK_OK(pqce_backend_device_info(b, &info));
    CHECK(strcmp(info.device_id, "iphone-alice-test") == 0);
    CHECK(strcmp(info.device_model, "iphone-15-pro") == 0);
    pqce_backend_free(b);
    /* 255 bytes fit, 256 do not */
    memset(longid, 'x', sizeof longid);
    longid[PQCE_DEVICE_FIELD_BYTES - 1] = '\0';
    CHECK_OK(pqce_backend_memory_new(&b, longid, NULL));
    pqce_backend_free(b);
    longid[PQCE_DEVICE_FIELD_BYTES - 1] = 'x';
    longid[PQCE_DEVICE_FIELD_BYTES] = '\0';
    b = (pqce_backend *)&b;
    CHECK_RC(pqce_backend_memory_new(&b, longid, NULL), PQCE_ERR_INVALID_ARG);
    CHECK(b == NULL);
    CHECK_RC(pqce_backend_memory_new(NULL, NULL, NULL), PQCE_ERR_INVALID_ARG);
}

struct thread_arg {
    pqce_backend *b;
    int failures;
};

static void *seal_unseal_loop(void *p)
{
    struct thread_arg *t = p;
    uint8_t secret[64], blob[BLOB_CAP], out[256];
    size_t blob_len, out_len;
    for (int i = 0; i < 200; i++) {
        memset(secret, i, sizeof secret);
        if (pqce_backend_seal(t->b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                              sizeof aad1) != 0 ||
            pqce_backend_unseal(t->b, out, sizeof out, &out_len, blob, blob_len, aad1,
                                sizeof aad1) != 0 ||
            out_len != sizeof secret || memcmp(out, secret, sizeof secret) != 0) {
            t->failures++;
        }
        uint64_t v;
        if (pqce_backend_counter_advance(t->b, (uint64_t)i) != 0 ||
            pqce_backend_counter_read(t->b, &v) != 0 || v < (uint64_t)i) {
            t->failures++;
        }
    }
    return NULL;
}

static void test_memory_backend_is_thread_safe(void)
{
    pqce_backend *b = NULL;
    pthread_t th[4];
    struct thread_arg args[4];
    CHECK_OK(pqce_backend_memory_new(&b, NULL, NULL));
    for (int i = 0; i < 4; i++) {
        args[i].b = b;
        args[i].failures = 0;
        CHECK(pthread_create(&th[i], NULL, seal_unseal_loop, &args[i]) == 0);
    }
    int failures = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        failures += args[i].failures;
    }
    CHECK(failures == 0);
    pqce_backend_free(b);
}

/* ---- file backend -------------------------------------------------------- */

static const uint8_t pass1[] = "correct horse battery staple";
static const uint8_t pass2[] = "correct horse battery stapler";

static int file_backend_pass(pqce_backend **b, const uint8_t *pass, size_t len)
{
    pqce_file_backend_options o = {0};
    o.version = PQCE_FILE_BACKEND_OPTIONS_VERSION;
    o.passphrase = pass;
    o.passphrase_len = len;
    o.scrypt_log2_n = 12; /* fast for tests; the default is 17 */
    return pqce_backend_file_new(b, &o);
}

static int file_backend_key(pqce_backend **b, const char *path)
{
    pqce_file_backend_options o = {0};
    o.version = PQCE_FILE_BACKEND_OPTIONS_VERSION;
    o.key_file = path;
    return pqce_backend_file_new(b, &o);
}

/* Writes len deterministic bytes to a new file in /tmp; path gets its name. */
static int make_key_file(char *path, size_t cap, const char *label, size_t len)
{
    uint8_t buf[4096];
    (void)snprintf(path, cap, "/tmp/pqce-keyfile-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || len > sizeof buf) {
        return -1;
    }
    test_fill(buf, len, label, 0);
    ssize_t n = write(fd, buf, len);
    close(fd);
    return n == (ssize_t)len ? 0 : -1;
}

static void test_file_backend_passphrase_round_trip(void)
{
    pqce_backend *b = NULL;
    uint8_t secret[96], blob[BLOB_CAP], out[256];
    size_t blob_len = 0, out_len = 0;
    test_fill(secret, sizeof secret, "file-secret", 0);
    CHECK_OK(file_backend_pass(&b, pass1, sizeof pass1 - 1));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    CHECK(blob_len == 70 + sizeof secret);
    CHECK(memcmp(blob, "PQFB", 4) == 0 && blob[4] == 1 && blob[5] == 1);
    CHECK(blob[6] == 12 && blob[7] == 8 && blob[8] == 1 && blob[9] == 0);
    CHECK_OK(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1));
    CHECK(out_len == sizeof secret);
    CHECK_MEM_EQ(out, secret, sizeof secret);
    pqce_backend_free(b);
    /* a second backend with the same passphrase (a later process) unseals */
    CHECK_OK(file_backend_pass(&b, pass1, sizeof pass1 - 1));
    CHECK_OK(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1));
    CHECK_MEM_EQ(out, secret, sizeof secret);
    pqce_backend_free(b);
}

static void test_file_backend_salts_each_seal(void)
{
    pqce_backend *b = NULL;
    uint8_t secret[32] = {1}, b1[BLOB_CAP], b2[BLOB_CAP];
    size_t l1 = 0, l2 = 0;
    CHECK_OK(file_backend_pass(&b, pass1, sizeof pass1 - 1));
    CHECK_OK(pqce_backend_seal(b, b1, sizeof b1, &l1, secret, sizeof secret, NULL, 0));
    CHECK_OK(pqce_backend_seal(b, b2, sizeof b2, &l2, secret, sizeof secret, NULL, 0));
    CHECK(memcmp(b1 + 10, b2 + 10, 16) != 0); /* salt */
    CHECK(memcmp(b1 + 42, b2 + 42, 12) != 0); /* nonce */
    pqce_backend_free(b);
}

static void test_file_backend_wrong_passphrase_is_locked(void)
{
    pqce_backend *b = NULL, *w = NULL;
    uint8_t secret[64], blob[BLOB_CAP], out[256];
    size_t blob_len = 0, out_len = 0;
    char detail[256];
    test_fill(secret, sizeof secret, "file-secret", 1);
    CHECK_OK(file_backend_pass(&b, pass1, sizeof pass1 - 1));
    CHECK_OK(file_backend_pass(&w, pass2, sizeof pass2 - 1));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    memset(out, 0xAA, sizeof out);
    CHECK_RC(pqce_backend_unseal(w, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1),
             PQCE_ERR_LOCKED);
    CHECK(out_len == 0 && all_zero(out, sizeof out));
    detail_of(w, detail, sizeof detail);
    CHECK_MSG(strstr(detail, "wrong passphrase") != NULL, "detail: %s", detail);
    /* no secret and no passphrase in the detail */
    CHECK(strstr(detail, "horse") == NULL);
    pqce_backend_free(b);
    pqce_backend_free(w);
}

static void test_file_backend_key_file_round_trip(void)
{
    pqce_backend *b = NULL;
    char path[64];
    uint8_t secret[96], blob[BLOB_CAP], out[256];
    size_t blob_len = 0, out_len = 0;
    test_fill(secret, sizeof secret, "file-secret", 2);
    CHECK(make_key_file(path, sizeof path, "key-file-1", 32) == 0);
    CHECK_OK(file_backend_key(&b, path));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    CHECK(blob[5] == 2 && blob[6] == 0 && blob[7] == 0 && blob[8] == 0);
    CHECK_OK(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1));
    CHECK(out_len == sizeof secret);
    CHECK_MEM_EQ(out, secret, sizeof secret);
    pqce_backend_free(b);
    unlink(path);
}

static void test_file_backend_wrong_key_file_is_locked(void)
{
    pqce_backend *b = NULL, *w = NULL;
    char p1[64], p2[64], detail[256];
    uint8_t secret[32] = {5}, blob[BLOB_CAP], out[256];
    size_t blob_len = 0, out_len = 0;
    CHECK(make_key_file(p1, sizeof p1, "key-file-1", 64) == 0);
    CHECK(make_key_file(p2, sizeof p2, "key-file-2", 64) == 0);
    CHECK_OK(file_backend_key(&b, p1));
    CHECK_OK(file_backend_key(&w, p2));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, NULL, 0));
    CHECK_RC(pqce_backend_unseal(w, out, sizeof out, &out_len, blob, blob_len, NULL, 0),
             PQCE_ERR_LOCKED);
    detail_of(w, detail, sizeof detail);
    CHECK_MSG(strstr(detail, "wrong key file") != NULL, "detail: %s", detail);
    pqce_backend_free(b);
    pqce_backend_free(w);
    unlink(p1);
    unlink(p2);
}

static void test_file_backend_blob_of_other_kdf_is_locked(void)
{
    pqce_backend *p = NULL, *k = NULL;
    char path[64];
    uint8_t secret[32] = {5}, blob[BLOB_CAP], out[256];
    size_t blob_len = 0, out_len = 0;
    CHECK(make_key_file(path, sizeof path, "key-file-3", 48) == 0);
    CHECK_OK(file_backend_key(&k, path));
    CHECK_OK(file_backend_pass(&p, pass1, sizeof pass1 - 1));
    CHECK_OK(pqce_backend_seal(p, blob, sizeof blob, &blob_len, secret, sizeof secret, NULL, 0));
    CHECK_RC(pqce_backend_unseal(k, out, sizeof out, &out_len, blob, blob_len, NULL, 0),
             PQCE_ERR_LOCKED);
    CHECK_OK(pqce_backend_seal(k, blob, sizeof blob, &blob_len, secret, sizeof secret, NULL, 0));
    CHECK_RC(pqce_backend_unseal(p, out, sizeof out, &out_len, blob, blob_len, NULL, 0),
             PQCE_ERR_LOCKED);
    pqce_backend_free(p);
    pqce_backend_free(k);
    unlink(path);
}

static void test_file_backend_rejects_modified_blob(void)
{
    pqce_backend *b = NULL;
    uint8_t secret[32], blob[BLOB_CAP], out[256];
    size_t blob_len = 0, out_len = 0;
    test_fill(secret, sizeof secret, "file-secret", 3);
    CHECK_OK(file_backend_pass(&b, pass1, sizeof pass1 - 1));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    size_t counts[3] = {0}; /* FORMAT, LOCKED, BACKEND */
    for (size_t i = 0; i < blob_len; i++) {
        blob[i] ^= 0x01;
        memset(out, 0xAA, sizeof out);
        int rc =
            pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1);
        blob[i] ^= 0x01;
        CHECK_MSG(rc != PQCE_OK, "byte %zu flipped was accepted", i);
        CHECK(out_len == 0 && all_zero(out, sizeof out));
        if (i >= 42) {
            /* nonce, ciphertext, tag: the key is right, the blob is not */
            CHECK_MSG(rc == PQCE_ERR_BACKEND, "byte %zu: %s", i, pqce_error_name(rc));
        } else if (i >= 10) {
            /* salt and key check: indistinguishable from another key */
            CHECK_MSG(rc == PQCE_ERR_LOCKED, "byte %zu: %s", i, pqce_error_name(rc));
        } else {
            /* header: malformed, or (log2 N 12 -> 13, r 8 -> 9) another key */
            CHECK_MSG(rc == PQCE_ERR_FORMAT || rc == PQCE_ERR_LOCKED, "byte %zu: %s", i,
                      pqce_error_name(rc));
        }
        counts[rc == PQCE_ERR_FORMAT ? 0 : rc == PQCE_ERR_LOCKED ? 1 : 2]++;
    }
    CHECK(counts[0] > 0 && counts[1] > 0 && counts[2] > 0);
    CHECK_RC(
        pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len - 1, aad1, sizeof aad1),
        PQCE_ERR_BACKEND);
    CHECK_RC(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, 69, aad1, sizeof aad1),
             PQCE_ERR_FORMAT);
    pqce_backend_free(b);
}

static void test_file_backend_rejects_other_aad(void)
{
    pqce_backend *b = NULL;
    uint8_t secret[32] = {8}, blob[BLOB_CAP], out[256];
    size_t blob_len = 0, out_len = 0;
    char detail[256];
    CHECK_OK(file_backend_pass(&b, pass1, sizeof pass1 - 1));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    CHECK_RC(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad2, sizeof aad2),
             PQCE_ERR_BACKEND);
    detail_of(b, detail, sizeof detail);
    CHECK(strstr(detail, "aad") != NULL);
    pqce_backend_free(b);
}

static void test_file_backend_rejects_absurd_parameters_before_scrypt(void)
{
    pqce_backend *b = NULL;
    uint8_t secret[32] = {4}, good[BLOB_CAP], blob[BLOB_CAP], out[256];
    size_t blob_len = 0, out_len = 0;
    char detail[256];
    CHECK_OK(file_backend_pass(&b, pass1, sizeof pass1 - 1));
    CHECK_OK(pqce_backend_seal(b, good, sizeof good, &blob_len, secret, sizeof secret, NULL, 0));
    static const struct {
        size_t off;
        uint8_t value;
    } edits[] = {
        {6, 9},   {6, 21}, {6, 40},  {6, 255}, /* log2 N outside 10..20 */
        {7, 0},   {7, 17}, {7, 255},           /* r outside 1..16 */
        {8, 0},   {8, 5},  {8, 255},           /* p outside 1..4 */
        {4, 2},   {4, 0},                      /* unknown version */
        {5, 0},   {5, 3},                      /* unknown KDF */
        {9, 1},                                /* reserved byte */
        {0, 'X'},                              /* magic */
    };
    double t0 = now_s();
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        memcpy(blob, good, blob_len);
        blob[edits[i].off] = edits[i].value;
        CHECK_MSG(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, NULL, 0) ==
                      PQCE_ERR_FORMAT,
                  "edit %zu", i);
    }
    /* 128 r N over 1 GiB although each is in bounds: log2 N 20 with r 16 */
    memcpy(blob, good, blob_len);
    blob[6] = 20;
    blob[7] = 16;
    CHECK_RC(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, NULL, 0),
             PQCE_ERR_FORMAT);
    detail_of(b, detail, sizeof detail);
    CHECK_MSG(strstr(detail, "out of bounds") != NULL, "detail: %s", detail);
    /* a key-file blob that carries scrypt parameters */
    memcpy(blob, good, blob_len);
    blob[5] = 2;
    CHECK_RC(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, NULL, 0),
             PQCE_ERR_FORMAT);
    /* Twenty refusals took no scrypt run: one run at log2 N = 21 alone
     * (2 GiB) would take seconds. */
    double dt = now_s() - t0;
    CHECK_MSG(dt < 0.5, "refusals took %.3f s", dt);
    pqce_backend_free(b);
}

static void test_file_backend_default_cost_is_log2n_17(void)
{
    pqce_backend *b = NULL;
    pqce_file_backend_options o = {0};
    uint8_t secret[32] = {2}, blob[BLOB_CAP], out[64];
    size_t blob_len = 0, out_len = 0;
    o.version = PQCE_FILE_BACKEND_OPTIONS_VERSION;
    o.passphrase = pass1;
    o.passphrase_len = sizeof pass1 - 1;
    CHECK_OK(pqce_backend_file_new(&b, &o));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, NULL, 0));
    CHECK(blob[6] == 17 && blob[7] == 8 && blob[8] == 1);
    CHECK_OK(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, NULL, 0));
    CHECK_MEM_EQ(out, secret, sizeof secret);
    pqce_backend_free(b);
}

static void test_file_backend_options_are_checked(void)
{
    pqce_backend *b = NULL;
    pqce_file_backend_options o = {0};
    char path[64], shortp[64];
    CHECK(make_key_file(path, sizeof path, "key-file-4", 32) == 0);
    CHECK(make_key_file(shortp, sizeof shortp, "key-file-5", 31) == 0);
    o.version = PQCE_FILE_BACKEND_OPTIONS_VERSION;
    CHECK_RC(pqce_backend_file_new(&b, &o), PQCE_ERR_INVALID_ARG); /* neither */
    o.passphrase = pass1;
    o.passphrase_len = sizeof pass1 - 1;
    o.key_file = path;
    CHECK_RC(pqce_backend_file_new(&b, &o), PQCE_ERR_INVALID_ARG); /* both */
    o.key_file = NULL;
    o.passphrase_len = 0;
    CHECK_RC(pqce_backend_file_new(&b, &o), PQCE_ERR_INVALID_ARG); /* empty passphrase */
    o.passphrase_len = sizeof pass1 - 1;
    o.scrypt_log2_n = 9;
    CHECK_RC(pqce_backend_file_new(&b, &o), PQCE_ERR_INVALID_ARG);
    o.scrypt_log2_n = 21;
    CHECK_RC(pqce_backend_file_new(&b, &o), PQCE_ERR_INVALID_ARG);
    o.scrypt_log2_n = 12;
    o.version = PQCE_FILE_BACKEND_OPTIONS_VERSION + 1;
    CHECK_RC(pqce_backend_file_new(&b, &o), PQCE_ERR_INVALID_ARG);
    o.version = 0;
    CHECK_RC(pqce_backend_file_new(&b, &o), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_backend_file_new(&b, NULL), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_backend_file_new(NULL, &o), PQCE_ERR_INVALID_ARG);
    o.version = PQCE_FILE_BACKEND_OPTIONS_VERSION;
    o.passphrase = NULL;
    o.passphrase_len = 0;
    o.key_file = shortp; /* 31 bytes */
    CHECK_RC(pqce_backend_file_new(&b, &o), PQCE_ERR_INVALID_ARG);
    o.key_file = "/tmp"; /* a directory */
    CHECK_RC(pqce_backend_file_new(&b, &o), PQCE_ERR_INVALID_ARG);
    o.key_file = "/nonexistent/pqce-key";
    CHECK_RC(pqce_backend_file_new(&b, &o), PQCE_ERR_IO);
    o.key_file = path;
    CHECK_OK(pqce_backend_file_new(&b, &o));
    pqce_backend_free(b);
    unlink(path);
    unlink(shortp);
}

static void test_file_backend_key_file_gone_is_backend_error(void)
{
    pqce_backend *b = NULL;
    char path[64], detail[256];
    uint8_t secret[32] = {1}, blob[BLOB_CAP];
    size_t blob_len = 0;
    CHECK(make_key_file(path, sizeof path, "key-file-6", 32) == 0);
    CHECK_OK(file_backend_key(&b, path));
    unlink(path);
    CHECK_RC(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, NULL, 0),
             PQCE_ERR_BACKEND);
    detail_of(b, detail, sizeof detail);
    CHECK_MSG(strstr(detail, "key file") != NULL && strstr(detail, path) != NULL, "detail: %s",
              detail);
    pqce_backend_free(b);
}

static void test_file_backend_device_info_defaults(void)
{
    pqce_backend *b = NULL;
    pqce_device_info info;
    char expected[PQCE_DEVICE_FIELD_BYTES] = "";
    CHECK_OK(file_backend_pass(&b, pass1, sizeof pass1 - 1));
    CHECK_OK(pqce_backend_device_info(b, &info));
    CHECK(strcmp(info.backend, "file") == 0);
    CHECK(strcmp(info.enclave_vendor, "software") == 0);
    CHECK(strcmp(info.device_model, "linux") == 0);
    CHECK(info.capabilities == 0);
    /* The default id: a keyed hash of /etc/machine-id, else the host name. */
    char mid[128];
    size_t n = 0;
    FILE *fp = fopen("/etc/machine-id", "r");
    if (fp != NULL) {
        n = fread(mid, 1, sizeof mid - 1, fp);
        fclose(fp);
    }
    while (n > 0 && (mid[n - 1] == '\n' || mid[n - 1] == ' ')) {
        n--;
    }
    if (n > 0) {
        static const char label[] = "pqce-file-backend/v1/device-id";
        uint8_t h[16];
        pqce_kmac256(h, sizeof h, (const uint8_t *)mid, n, NULL, 0, (const uint8_t *)label,
                     sizeof label - 1);
        for (size_t i = 0; i < sizeof h; i++) {
            snprintf(expected + 2 * i, 3, "%02x", h[i]);
        }
        mid[n] = '\0';
        CHECK(strstr(info.device_id, mid) == NULL); /* the machine id never shows */
    } else {
        CHECK(gethostname(expected, sizeof expected) == 0);
    }
    CHECK_MSG(strcmp(info.device_id, expected) == 0, "device id %s, expected %s", info.device_id,
              expected);
    pqce_backend_free(b);

    pqce_file_backend_options o = {0};
    o.version = PQCE_FILE_BACKEND_OPTIONS_VERSION;
    o.passphrase = pass1;
    o.passphrase_len = sizeof pass1 - 1;
    o.device_id = "build-box-7";
    o.device_model = "thinkpad-x1";
    CHECK_OK(pqce_backend_file_new(&b, &o));
    CHECK_OK(pqce_backend_device_info(b, &info));
    CHECK(strcmp(info.device_id, "build-box-7") == 0);
    CHECK(strcmp(info.device_model, "thinkpad-x1") == 0);
    pqce_backend_free(b);
}

static void test_file_backend_has_no_presence_or_counter(void)
{
    pqce_backend *b = NULL;
    uint64_t v;
    CHECK_OK(file_backend_pass(&b, pass1, sizeof pass1 - 1));
    CHECK_RC(pqce_backend_user_presence(b, "x"), PQCE_ERR_UNSUPPORTED);
    CHECK(!pqce_backend_has_counter(b));
    CHECK_RC(pqce_backend_counter_read(b, &v), PQCE_ERR_UNSUPPORTED);
    CHECK_RC(pqce_backend_counter_advance(b, 1), PQCE_ERR_UNSUPPORTED);
    pqce_backend_free(b);
}

/* ---- file backend: the monotonic counter file ------------------------------ */

/* A fresh directory under /tmp; path receives its name. */
static int make_temp_dir(char *path, size_t cap)
{
    (void)snprintf(path, cap, "/tmp/pqce-counter-XXXXXX");
    return mkdtemp(path) != NULL ? 0 : -1;
}

static int file_backend_counter(pqce_backend **b, const char *counter_file)
{
    pqce_file_backend_options o = {0};
    o.version = PQCE_FILE_BACKEND_OPTIONS_VERSION;
    o.passphrase = pass1;
    o.passphrase_len = sizeof pass1 - 1;
    o.scrypt_log2_n = 12;
    o.counter_file = counter_file;
    return pqce_backend_file_new(b, &o);
}

/* Reads a small file into buf (NUL-terminated); returns its length or -1. */
static long read_small_file(const char *path, char *buf, size_t cap)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return -1;
    }
    size_t n = fread(buf, 1, cap - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    return (long)n;
}

static int write_small_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    if (fp == NULL) {
        return -1;
    }
    size_t n = fwrite(text, 1, strlen(text), fp);
    return fclose(fp) == 0 && n == strlen(text) ? 0 : -1;
}

/* Counts the directory's entries other than . and .. */
static int count_entries(const char *dir)
{
    char cmd[600];
    (void)snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p != NULL) {
        if (fscanf(p, "%d", &n) != 1) {
            n = -1;
        }
        pclose(p);
    }
    return n;
}

static void remove_tree(const char *dir)
{
    char cmd[600];
    (void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)!system(cmd);
}

static void test_file_backend_counter_file_is_monotonic_and_durable(void)
{
    char dir[64], path[128], text[128];
    pqce_backend *b = NULL;
    pqce_device_info info;
    uint64_t v = 99;
    CHECK(make_temp_dir(dir, sizeof dir) == 0);
    (void)snprintf(path, sizeof path, "%s/vault.counter", dir);
    CHECK_OK(file_backend_counter(&b, path));
    /* created at 0, in the documented format */
    CHECK(read_small_file(path, text, sizeof text) > 0);
    CHECK_MSG(strcmp(text, "pqce-counter/v1 0\n") == 0, "counter file: %s", text);
    CHECK_OK(pqce_backend_device_info(b, &info));
    CHECK(info.capabilities == PQCE_CAP_MONOTONIC_COUNTER);
    CHECK(pqce_backend_has_counter(b));
    CHECK_OK(pqce_backend_counter_read(b, &v));
    CHECK(v == 0);
    CHECK_OK(pqce_backend_counter_advance(b, 5));
    CHECK_OK(pqce_backend_counter_read(b, &v));
    CHECK(v == 5);
    CHECK_OK(pqce_backend_counter_advance(b, 3)); /* max(current, new) */
    CHECK_OK(pqce_backend_counter_read(b, &v));
    CHECK(v == 5);
    CHECK_OK(pqce_backend_counter_advance(b, UINT64_MAX));
    CHECK(read_small_file(path, text, sizeof text) > 0);
    CHECK(strcmp(text, "pqce-counter/v1 18446744073709551615\n") == 0);
    pqce_backend_free(b);
    /* a later process sees the value; no temporary file is left behind */
    CHECK_OK(file_backend_counter(&b, path));
    CHECK_OK(pqce_backend_counter_read(b, &v));
    CHECK(v == UINT64_MAX);
    CHECK(count_entries(dir) == 1);
    pqce_backend_free(b);
    remove_tree(dir);
}

static void test_file_backend_counter_file_refuses_bad_files(void)
{
    char dir[64], path[128], detail[256];
    pqce_backend *b = NULL;
    uint64_t v = 0;
    CHECK(make_temp_dir(dir, sizeof dir) == 0);
    (void)snprintf(path, sizeof path, "%s/c", dir);
    static const char *const bad[] = {
        "",
        "pqce-counter/v1 \n",
        "pqce-counter/v1 007\n",
        "pqce-counter/v1 12",
        "pqce-counter/v1 -1\n",
        "pqce-counter/v1 18446744073709551616\n",
        "pqce-counter/v2 1\n",
        "pqce-counter/v1 1\n\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(write_small_file(path, bad[i]) == 0);
        CHECK_MSG(file_backend_counter(&b, path) == PQCE_ERR_INVALID_ARG, "accepted '%s'", bad[i]);
    }
    CHECK_RC(file_backend_counter(&b, dir), PQCE_ERR_INVALID_ARG); /* a directory */
    CHECK_RC(file_backend_counter(&b, "/nonexistent-pqce-dir/c"), PQCE_ERR_IO);
    CHECK_RC(file_backend_counter(&b, ""), PQCE_ERR_INVALID_ARG);
    CHECK_RC(file_backend_counter(&b, "/tmp/"), PQCE_ERR_INVALID_ARG);
    /* a counter file damaged or removed while in use: a backend error */
    CHECK(write_small_file(path, "pqce-counter/v1 7\n") == 0);
    CHECK_OK(file_backend_counter(&b, path));
    CHECK(write_small_file(path, "garbage\n") == 0);
    CHECK_RC(pqce_backend_counter_read(b, &v), PQCE_ERR_BACKEND);
    detail_of(b, detail, sizeof detail);
    CHECK_MSG(strstr(detail, "not a counter file") != NULL, "detail: %s", detail);
    CHECK(unlink(path) == 0);
    CHECK_RC(pqce_backend_counter_advance(b, 9), PQCE_ERR_BACKEND);
    detail_of(b, detail, sizeof detail);
    CHECK_MSG(strstr(detail, "missing") != NULL, "detail: %s", detail);
    pqce_backend_free(b);
    remove_tree(dir);
}

static void test_file_backend_options_version_1_has_no_counter(void)
{
    /* A caller built against version 1 of the struct: the library must not
     * read past its end, so counter_file is ignored. */
    pqce_backend *b = NULL;
    pqce_file_backend_options o = {0};
    o.version = 1;
    o.passphrase = pass1;
    o.passphrase_len = sizeof pass1 - 1;
    o.scrypt_log2_n = 12;
    o.counter_file = "/nonexistent-pqce-dir/c";
    CHECK_OK(pqce_backend_file_new(&b, &o));
    CHECK(!pqce_backend_has_counter(b));
    pqce_backend_free(b);
}

/* Opens the vault in dir with a file backend (counter_file may be NULL),
 * unlocks, and returns the unlock's result. */
static int counter_vault_unlock(const char *dir, const char *counter_file, pqce_backend **b,
                                pqce_store **s, pqce_vault **v)
{
    int rc;
    if ((rc = file_backend_counter(b, counter_file)) != PQCE_OK ||
        (rc = pqce_store_dir_new(s, dir)) != PQCE_OK ||
        (rc = pqce_vault_open(v, *b, *s, NULL)) != PQCE_OK) {
        return rc;
    }
    return pqce_vault_unlock(*v, 0);
}

static void counter_vault_close(pqce_backend *b, pqce_store *s, pqce_vault *v)
{
    pqce_vault_free(v);
    pqce_store_free(s);
    pqce_backend_free(b);
}

/* The point of the counter: a vault directory restored from an older copy
 * is refused at unlock, while without a counter file it goes unnoticed. */
static void check_restored_manifest(int with_counter)
{
    char dir[64], vdir[128], counter[128], saved[128], cmd[512];
    pqce_backend *b = NULL;
    pqce_store *s = NULL;
    pqce_vault *v = NULL;
    pqce_metadata m = {0};
    uint8_t content[100] = {7};
    CHECK(make_temp_dir(dir, sizeof dir) == 0);
    (void)snprintf(vdir, sizeof vdir, "%s/vault", dir);
    (void)snprintf(counter, sizeof counter, "%s/vault.counter", dir);
    (void)snprintf(saved, sizeof saved, "%s/manifest.old", dir);
    const char *cf = with_counter ? counter : NULL;
    CHECK_OK(file_backend_counter(&b, cf));
    CHECK_OK(pqce_store_dir_new(&s, vdir));
    CHECK_OK(pqce_vault_create(&v, b, s, NULL));
    counter_vault_close(b, s, v);

    CHECK_OK(counter_vault_unlock(vdir, cf, &b, &s, &v));
    m.name = "first";
    m.kind = PQCE_KIND_CREDENTIAL;
    CHECK_OK(pqce_vault_put(v, NULL, &m, content, sizeof content, 0));
    CHECK_OK(pqce_vault_save(v));
    counter_vault_close(b, s, v);
    (void)snprintf(cmd, sizeof cmd, "cp -p '%s/manifest.pqce' '%s'", vdir, saved);
    CHECK(system(cmd) == 0);

    CHECK_OK(counter_vault_unlock(vdir, cf, &b, &s, &v));
    CHECK_OK(pqce_vault_delete(v, "first"));
    CHECK_OK(pqce_vault_save(v));
    counter_vault_close(b, s, v);

    /* put the older manifest back (it revives the deleted artifact) */
    (void)snprintf(cmd, sizeof cmd, "cp -p '%s' '%s/manifest.pqce'", saved, vdir);
    CHECK(system(cmd) == 0);
    int rc = counter_vault_unlock(vdir, cf, &b, &s, &v);
    if (with_counter) {
        CHECK_RC(rc, PQCE_ERR_ROLLBACK);
        CHECK_MSG(strstr(pqce_vault_error_detail(v), "older state") != NULL, "detail: %s",
                  pqce_vault_error_detail(v));
    } else {
        CHECK_OK(rc); /* the documented limit of a vault without a counter */
    }
    counter_vault_close(b, s, v);
    remove_tree(dir);
}

static void test_file_backend_counter_detects_a_restored_vault(void)
{
    check_restored_manifest(1);
}

static void test_file_backend_without_counter_misses_a_restored_vault(void)
{
    check_restored_manifest(0);
}

/* ---- platform bridges ------------------------------------------------------ */

typedef int (*platform_ctor)(pqce_backend **, const char *, const char *);

static void check_platform_refuses(platform_ctor ctor, const char *name, const char *mechanism)
{
    pqce_backend *b = NULL;
    uint8_t secret[32] = {1}, blob[BLOB_CAP], out[64];
    size_t blob_len = 99, out_len = 99;
    char detail[256];
    CHECK_OK(ctor(&b, NULL, NULL));
    memset(blob, 0, sizeof blob);
    CHECK_RC(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1),
             PQCE_ERR_BACKEND);
    CHECK(blob_len == 0);
    detail_of(b, detail, sizeof detail);
    CHECK_MSG(strstr(detail, name) != NULL && strstr(detail, mechanism) != NULL &&
                  strstr(detail, "this build does not include") != NULL,
              "detail: %s", detail);
    detail[0] = '\0';
    memset(out, 0xAA, sizeof out);
    CHECK_RC(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, 64, aad1, sizeof aad1),
             PQCE_ERR_BACKEND);
    CHECK(out_len == 0 && all_zero(out, sizeof out));
    detail_of(b, detail, sizeof detail);
    CHECK(strstr(detail, name) != NULL && strstr(detail, "unseal") != NULL);
    CHECK_RC(pqce_backend_user_presence(b, "x"), PQCE_ERR_UNSUPPORTED);
    CHECK(!pqce_backend_has_counter(b));
    pqce_backend_free(b);
}

static void test_ios_backend_seal_is_backend_error(void)
{
    check_platform_refuses(pqce_backend_ios_new, "ios-secure-enclave", "SecureEnclave.P256");
}

static void test_android_backend_seal_is_backend_error(void)
{
    check_platform_refuses(pqce_backend_android_new, "android-strongbox", "WRAP_MODE");
}

static void test_qsee_backend_seal_is_backend_error(void)
{
    check_platform_refuses(pqce_backend_qsee_new, "qualcomm-qsee", "QSEECom_start_app");
}

static void test_platform_backends_device_info_defaults(void)
{
    static const struct {
        platform_ctor ctor;
        const char *backend, *vendor, *id;
    } cases[] = {
        {pqce_backend_ios_new, "ios-secure-enclave", "apple-se", "iphone-unknown"},
        {pqce_backend_android_new, "android-strongbox", "android-strongbox", "android-unknown"},
        {pqce_backend_qsee_new, "qualcomm-qsee", "qualcomm-qsee", "snapdragon-unknown"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pqce_backend *b = NULL;
        pqce_device_info info;
        CHECK_OK(cases[i].ctor(&b, NULL, NULL));
        CHECK_OK(pqce_backend_device_info(b, &info));
        CHECK(strcmp(info.backend, cases[i].backend) == 0);
        CHECK(strcmp(info.enclave_vendor, cases[i].vendor) == 0);
        CHECK(strcmp(info.device_id, cases[i].id) == 0);
        CHECK(strcmp(info.device_model, cases[i].id) == 0);
        CHECK(info.capabilities == 0);
        pqce_backend_free(b);
        CHECK_OK(cases[i].ctor(&b, "dev-42", "model-9"));
        CHECK_OK(pqce_backend_device_info(b, &info));
        CHECK(strcmp(info.device_id, "dev-42") == 0 && strcmp(info.device_model, "model-9") == 0);
        pqce_backend_free(b);
        CHECK_RC(cases[i].ctor(NULL, NULL, NULL), PQCE_ERR_INVALID_ARG);
    }
}

/* ---- the generic table ------------------------------------------------------ */

/* A custom backend as an application would write one with pqce_backend.h:
 * XOR "sealing" (a toy), enough to see the wrapper call it. */
struct toy {
    int destroyed, seals;
};

static int toy_seal(void *ctx, uint8_t *blob, size_t blob_cap, size_t *blob_len,
                    const uint8_t *secret, size_t secret_len, const uint8_t *aad, size_t aad_len)
{
    struct toy *t = ctx;
    (void)aad;
    (void)aad_len;
    if (blob_cap < secret_len) {
        return PQCE_ERR_INVALID_ARG;
    }
    for (size_t i = 0; i < secret_len; i++) {
        blob[i] = secret[i] ^ 0x5A;
    }
    *blob_len = secret_len;
    t->seals++;
    return PQCE_OK;
}

static int toy_unseal(void *ctx, uint8_t *secret, size_t secret_cap, size_t *secret_len,
                      const uint8_t *blob, size_t blob_len, const uint8_t *aad, size_t aad_len)
{
    (void)ctx;
    (void)aad;
    (void)aad_len;
    if (blob_len > secret_cap) {
        return PQCE_ERR_BACKEND;
    }
    for (size_t i = 0; i < blob_len; i++) {
        secret[i] = blob[i] ^ 0x5A;
    }
    *secret_len = blob_len;
    return PQCE_OK;
}

static int toy_info(void *ctx, pqce_device_info *info)
{
    (void)ctx;
    snprintf(info->backend, sizeof info->backend, "toy");
    return PQCE_OK;
}

static int toy_overrun(void *ctx, uint8_t *blob, size_t blob_cap, size_t *blob_len,
                       const uint8_t *secret, size_t secret_len, const uint8_t *aad, size_t aad_len)
{
    (void)ctx;
    (void)blob;
    (void)secret;
    (void)secret_len;
    (void)aad;
    (void)aad_len;
    *blob_len = blob_cap + 1; /* claims more than it may write */
    return PQCE_OK;
}

static void toy_destroy(void *ctx)
{
    ((struct toy *)ctx)->destroyed = 1;
}

static int toy_counter(void *ctx, uint64_t *v)
{
    (void)ctx;
    *v = 0;
    return PQCE_OK;
}

static void test_backend_new_refuses_bad_table(void)
{
    pqce_backend *b = (pqce_backend *)&b;
    pqce_backend_ops ops = {
        PQCE_BACKEND_OPS_VERSION, toy_seal, toy_unseal, toy_info, NULL, NULL, NULL, NULL, NULL};
    CHECK_RC(pqce_backend_new(&b, NULL, NULL), PQCE_ERR_INVALID_ARG);
    CHECK(b == NULL);
    ops.version = PQCE_BACKEND_OPS_VERSION + 1;
    CHECK_RC(pqce_backend_new(&b, &ops, NULL), PQCE_ERR_INVALID_ARG);
    ops.version = 0;
    CHECK_RC(pqce_backend_new(&b, &ops, NULL), PQCE_ERR_INVALID_ARG);
    ops.version = PQCE_BACKEND_OPS_VERSION;
    ops.seal = NULL;
    CHECK_RC(pqce_backend_new(&b, &ops, NULL), PQCE_ERR_INVALID_ARG);
    ops.seal = toy_seal;
    ops.unseal = NULL;
    CHECK_RC(pqce_backend_new(&b, &ops, NULL), PQCE_ERR_INVALID_ARG);
    ops.unseal = toy_unseal;
    ops.device_info = NULL;
    CHECK_RC(pqce_backend_new(&b, &ops, NULL), PQCE_ERR_INVALID_ARG);
    ops.device_info = toy_info;
    ops.counter_read = toy_counter; /* a counter needs both halves */
    CHECK_RC(pqce_backend_new(&b, &ops, NULL), PQCE_ERR_INVALID_ARG);
    ops.counter_read = NULL;
    CHECK_RC(pqce_backend_new(NULL, &ops, NULL), PQCE_ERR_INVALID_ARG);
    pqce_backend_free(NULL); /* accepted */
}

static void test_custom_backend_is_called_through_the_wrapper(void)
{
    struct toy t = {0, 0};
    pqce_backend_ops ops = {PQCE_BACKEND_OPS_VERSION,
                            toy_seal,
                            toy_unseal,
                            toy_info,
                            NULL,
                            NULL,
                            NULL,
                            NULL,
                            toy_destroy};
    pqce_backend *b = NULL;
    uint8_t secret[16] = {1, 2, 3}, blob[64], out[16];
    size_t blob_len = 0, out_len = 0;
    pqce_device_info info;
    CHECK_OK(pqce_backend_new(&b, &ops, &t));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, NULL, 0));
    CHECK(t.seals == 1 && blob_len == sizeof secret);
    CHECK_OK(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, NULL, 0));
    CHECK_MEM_EQ(out, secret, sizeof secret);
    CHECK_OK(pqce_backend_device_info(b, &info));
    CHECK(strcmp(info.backend, "toy") == 0);
    CHECK_RC(pqce_backend_user_presence(b, "x"), PQCE_ERR_UNSUPPORTED);
    pqce_backend_free(b);
    CHECK(t.destroyed == 1);
    /* a backend that reports more than the buffer holds is broken */
    ops.seal = toy_overrun;
    ops.destroy = NULL;
    CHECK_OK(pqce_backend_new(&b, &ops, &t));
    CHECK_RC(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, NULL, 0),
             PQCE_ERR_BACKEND);
    pqce_backend_free(b);
}

/* ---- scrypt ---------------------------------------------------------------- */

static int unhex(uint8_t *out, const char *hex, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
            return -1;
        }
        out[i] = (uint8_t)v;
    }
    return 0;
}

static void test_scrypt_matches_rfc7914_vectors(void)
{
    /* [RFC7914, 12]: the first three vectors (the fourth needs 1 GiB). */
    static const struct {
        const char *pass, *salt;
        uint64_t n;
        uint32_t r, p;
        const char *hex;
    } v[] = {
        {"", "", 16, 1, 1,
         "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
         "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"},
        {"password", "NaCl", 1024, 8, 16,
         "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
         "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"},
        {"pleaseletmein", "SodiumChloride", 16384, 8, 1,
         "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
         "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"},
    };
    size_t ran = 0;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t want[64], got[64];
        CHECK(unhex(want, v[i].hex, 64) == 0);
        CHECK_OK(pqce_scrypt(got, sizeof got, (const uint8_t *)v[i].pass, strlen(v[i].pass),
                             (const uint8_t *)v[i].salt, strlen(v[i].salt), v[i].n, v[i].r,
                             v[i].p));
        CHECK_MEM_EQ(got, want, 64);
        ran++;
    }
    CHECK(ran == 3);
}

static void test_scrypt_refuses_bad_parameters(void)
{
    uint8_t out[32];
    const uint8_t salt[16] = {0};
    CHECK_RC(pqce_scrypt(out, sizeof out, pass1, 4, salt, 16, 1000, 8, 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_scrypt(out, sizeof out, pass1, 4, salt, 16, 1, 8, 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_scrypt(out, sizeof out, pass1, 4, salt, 16, 1024, 0, 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_scrypt(out, sizeof out, pass1, 4, salt, 16, 1024, 8, 0), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_scrypt(out, 0, pass1, 4, salt, 16, 1024, 8, 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_scrypt(NULL, 32, pass1, 4, salt, 16, 1024, 8, 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_scrypt(out, sizeof out, pass1, 4, salt, 16, (uint64_t)1 << 62, 0xFFFFFFFFu, 1),
             PQCE_ERR_INVALID_ARG);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_memory_backend_seal_unseal_round_trip),
        TEST_CASE(test_memory_backend_seals_with_fresh_nonces),
        TEST_CASE(test_memory_backend_rejects_modified_blob),
        TEST_CASE(test_memory_backend_rejects_other_aad),
        TEST_CASE(test_memory_backend_rejects_blob_of_another_instance),
        TEST_CASE(test_memory_backend_refuses_small_buffers),
        TEST_CASE(test_memory_backend_user_presence_approve_and_deny),
        TEST_CASE(test_memory_backend_counter_is_monotonic),
        TEST_CASE(test_memory_backend_device_info),
        TEST_CASE(test_memory_backend_is_thread_safe),
        TEST_CASE(test_file_backend_passphrase_round_trip),
        TEST_CASE(test_file_backend_salts_each_seal),
        TEST_CASE(test_file_backend_wrong_passphrase_is_locked),
        TEST_CASE(test_file_backend_key_file_round_trip),
        TEST_CASE(test_file_backend_wrong_key_file_is_locked),
        TEST_CASE(test_file_backend_blob_of_other_kdf_is_locked),
        TEST_CASE(test_file_backend_rejects_modified_blob),
        TEST_CASE(test_file_backend_rejects_other_aad),
        TEST_CASE(test_file_backend_rejects_absurd_parameters_before_scrypt),
        TEST_CASE(test_file_backend_default_cost_is_log2n_17),
        TEST_CASE(test_file_backend_options_are_checked),
        TEST_CASE(test_file_backend_key_file_gone_is_backend_error),
        TEST_CASE(test_file_backend_device_info_defaults),
        TEST_CASE(test_file_backend_has_no_presence_or_counter),
        TEST_CASE(test_file_backend_counter_file_is_monotonic_and_durable),
        TEST_CASE(test_file_backend_counter_file_refuses_bad_files),
        TEST_CASE(test_file_backend_options_version_1_has_no_counter),
        TEST_CASE(test_file_backend_counter_detects_a_restored_vault),
        TEST_CASE(test_file_backend_without_counter_misses_a_restored_vault),
        TEST_CASE(test_ios_backend_seal_is_backend_error),
        TEST_CASE(test_android_backend_seal_is_backend_error),
        TEST_CASE(test_qsee_backend_seal_is_backend_error),
        TEST_CASE(test_platform_backends_device_info_defaults),
        TEST_CASE(test_backend_new_refuses_bad_table),
        TEST_CASE(test_custom_backend_is_called_through_the_wrapper),
        TEST_CASE(test_scrypt_matches_rfc7914_vectors),
        TEST_CASE(test_scrypt_refuses_bad_parameters),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
