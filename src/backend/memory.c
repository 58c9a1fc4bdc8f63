/*
 * memory.c - the memory backend (the seed SDK's InMemoryEnclaveBackend),
 * for tests and demos.
 *
 * A random 32-byte key-encryption key (KEK), drawn from the OS CSPRNG when
 * the backend is created, lives in this process only, on locked pages
 * (pqce_backend_secret_alloc), and is wiped when the backend is freed. So a
 * blob sealed here can be unsealed by this backend object and by nothing
 * else: not by another memory backend, not by another process, not after
 * a restart. That is the point of a test backend: it exercises the whole
 * seal/unseal path without pretending to be custody.
 *
 * Blob (docs/BACKENDS.md, "memory"):
 *
 *   version (1 byte, 1) | nonce (12) | ciphertext (secret_len) | tag (16)
 *
 * sealed with AES-256-GCM [SP800-38D] under the KEK, a fresh random nonce
 * per seal, and AAD = "pqce-memory-backend/v1" | version | caller's aad.
 * The label is fixed-length, so the concatenation is unambiguous.
 *
 * User presence is simulated (approved unless
 * pqce_backend_memory_set_presence says otherwise) and the monotonic
 * counter is a number in memory. One mutex guards the mutable state; the
 * KEK never changes after creation, so seal and unseal run in parallel.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "crypto/aes_gcm.h"

#define MEM_BLOB_VERSION 1u
#define MEM_LABEL        "pqce-memory-backend/v1"
#define MEM_LABEL_LEN    (sizeof MEM_LABEL - 1)
#define MEM_SECRET_MAX   256u
#define MEM_OVERHEAD     (1u + PQCE_GCM_NONCE_BYTES + PQCE_GCM_TAG_BYTES)

typedef struct memory_backend {
    uint8_t *kek; /* PQCE_AES256_KEY_BYTES on locked pages */
    char device_id[PQCE_DEVICE_FIELD_BYTES];
    char device_model[PQCE_DEVICE_FIELD_BYTES];
    pthread_mutex_t mu; /* guards the fields below */
    int presence;       /* 1: user-presence requests are approved */
    uint64_t counter;
    char detail[256];
} memory_backend;

static void set_detail(memory_backend *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_detail(memory_backend *m, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&m->mu);
    va_start(ap, fmt);
    (void)vsnprintf(m->detail, sizeof m->detail, fmt, ap);
    va_end(ap);
    pthread_mutex_unlock(&m->mu);
}

/* AAD = label | version | caller's aad, in a malloc'd buffer. */
static int build_aad(uint8_t **out, size_t *out_len, const uint8_t *aad, size_t aad_len)
{
    if (aad_len > SIZE_MAX - MEM_LABEL_LEN - 1) {
        return PQCE_ERR_INVALID_ARG;
    }
    size_t len = MEM_LABEL_LEN + 1 + aad_len;
    uint8_t *buf = malloc(len);
    if (buf == NULL) {
        return PQCE_ERR_NOMEM;
    }
    memcpy(buf, MEM_LABEL, MEM_LABEL_LEN);
    buf[MEM_LABEL_LEN] = (uint8_t)MEM_BLOB_VERSION;
    if (aad_len > 0) {
        memcpy(buf + MEM_LABEL_LEN + 1, aad, aad_len);
    }
    *out = buf;
    *out_len = len;
    return PQCE_OK;
}

static int mem_seal(void *ctx, uint8_t *blob, size_t blob_cap, size_t *blob_len,
                    const uint8_t *secret, size_t secret_len, const uint8_t *aad, size_t aad_len)
{
    memory_backend *m = ctx;
    uint8_t *full_aad = NULL;
    size_t full_aad_len = 0;
    int ret;

    if (secret_len > MEM_SECRET_MAX || blob_cap < MEM_OVERHEAD + secret_len) {
        set_detail(m, "memory backend: a %zu-byte secret needs a %zu-byte blob buffer", secret_len,
                   MEM_OVERHEAD + secret_len);
        return PQCE_ERR_INVALID_ARG;
    }
    uint8_t *nonce = blob + 1;
    uint8_t *ct = nonce + PQCE_GCM_NONCE_BYTES;
    uint8_t *tag = ct + secret_len;
    blob[0] = (uint8_t)MEM_BLOB_VERSION;
    /* A fresh random 96-bit nonce per seal: a backend seals a handful of
     * secrets in its life, far below the 2^32 random-nonce limit of
     * [SP800-38D, 8.3]. */
    if ((ret = pqce_random_bytes(NULL, nonce, PQCE_GCM_NONCE_BYTES)) != PQCE_OK) {
        set_detail(m, "memory backend: the OS random source failed");
        goto cleanup;
    }
    if ((ret = build_aad(&full_aad, &full_aad_len, aad, aad_len)) != PQCE_OK) {
        goto cleanup;
    }
    ret = pqce_aes256gcm_seal(ct, tag, secret, secret_len, full_aad, full_aad_len, nonce, m->kek);
    if (ret != PQCE_OK) {
        set_detail(m, "memory backend: AES-256-GCM seal failed (%s)", pqce_error_name(ret));
        ret = PQCE_ERR_BACKEND;
        goto cleanup;
    }
    *blob_len = MEM_OVERHEAD + secret_len;
cleanup:
    if (ret != PQCE_OK) {
        pqce_memzero(blob, MEM_OVERHEAD + secret_len); /* blob_cap >= this, checked above */
    }
    free(full_aad);
    return ret;
}

static int mem_unseal(void *ctx, uint8_t *secret, size_t secret_cap, size_t *secret_len,
                      const uint8_t *blob, size_t blob_len, const uint8_t *aad, size_t aad_len)
{
    memory_backend *m = ctx;
    uint8_t *full_aad = NULL;
    size_t full_aad_len = 0;
    int ret;

    /* Parsing: a blob that does not have the shape of version 1 is
     * malformed (PQCE_ERR_FORMAT); one that has it but does not
     * authenticate is PQCE_ERR_BACKEND (docs/BACKENDS.md). */
    if (blob_len < MEM_OVERHEAD || blob_len - MEM_OVERHEAD > MEM_SECRET_MAX) {
        set_detail(m, "memory backend: malformed blob (%zu bytes; expected %u to %u)", blob_len,
                   (unsigned)MEM_OVERHEAD, (unsigned)(MEM_OVERHEAD + MEM_SECRET_MAX));
        return PQCE_ERR_FORMAT;
    }
    if (blob[0] != MEM_BLOB_VERSION) {
        set_detail(m, "memory backend: unknown blob version %u", (unsigned)blob[0]);
        return PQCE_ERR_FORMAT;
    }
    size_t ct_len = blob_len - MEM_OVERHEAD;
    if (ct_len > secret_cap) {
        set_detail(m, "memory backend: the secret needs %zu bytes, the buffer holds %zu", ct_len,
                   secret_cap);
        return PQCE_ERR_INVALID_ARG;
    }
    const uint8_t *nonce = blob + 1;
    const uint8_t *ct = nonce + PQCE_GCM_NONCE_BYTES;
    const uint8_t *tag = ct + ct_len;
    if ((ret = build_aad(&full_aad, &full_aad_len, aad, aad_len)) != PQCE_OK) {
        goto cleanup;
    }
    ret = pqce_aes256gcm_open(secret, ct, ct_len, tag, full_aad, full_aad_len, nonce, m->kek);
    if (ret == PQCE_ERR_DECRYPT) {
        set_detail(m, "memory backend: the blob did not authenticate: it was modified, sealed "
                      "for other aad, or sealed by another memory backend (whose key lived in "
                      "another backend object or process)");
        ret = PQCE_ERR_BACKEND;
    } else if (ret != PQCE_OK) {
        set_detail(m, "memory backend: AES-256-GCM open failed (%s)", pqce_error_name(ret));
        ret = PQCE_ERR_BACKEND;
    } else {
        *secret_len = ct_len;
    }
cleanup:
    if (ret != PQCE_OK) {
        pqce_memzero(secret, secret_cap);
    }
    free(full_aad);
    return ret;
}

static int mem_device_info(void *ctx, pqce_device_info *info)
{
    memory_backend *m = ctx;
    memcpy(info->device_id, m->device_id, sizeof info->device_id);
    memcpy(info->device_model, m->device_model, sizeof info->device_model);
    (void)pqce_backend_copy_field(info->enclave_vendor, sizeof info->enclave_vendor, "in-memory",
                                  NULL);
    (void)pqce_backend_copy_field(info->backend, sizeof info->backend, "memory", NULL);
    info->capabilities = PQCE_CAP_USER_PRESENCE | PQCE_CAP_MONOTONIC_COUNTER;
    return PQCE_OK;
}

static int mem_user_presence(void *ctx, const char *reason)
{
    memory_backend *m = ctx;
    (void)reason; /* a real backend shows it to the user; never logged here */
    pthread_mutex_lock(&m->mu);
    int approve = m->presence;
    if (!approve) {
        (void)snprintf(m->detail, sizeof m->detail,
                       "memory backend: user presence refused (set to deny by "
                       "pqce_backend_memory_set_presence)");
    }
    pthread_mutex_unlock(&m->mu);
    return approve ? PQCE_OK : PQCE_ERR_POLICY;
}

static int mem_counter_read(void *ctx, uint64_t *value)
{
    memory_backend *m = ctx;
    pthread_mutex_lock(&m->mu);
    *value = m->counter;
    pthread_mutex_unlock(&m->mu);
    return PQCE_OK;
}

static int mem_counter_advance(void *ctx, uint64_t value)
{
    memory_backend *m = ctx;
    pthread_mutex_lock(&m->mu);
    if (value > m->counter) { /* monotonic: advance = max(current, value) */
        m->counter = value;
    }
    pthread_mutex_unlock(&m->mu);
    return PQCE_OK;
}

static void mem_last_error(void *ctx, char *buf, size_t cap)
{
    memory_backend *m = ctx;
    pthread_mutex_lock(&m->mu);
    (void)snprintf(buf, cap, "%s", m->detail);
    pthread_mutex_unlock(&m->mu);
}

static void mem_destroy(void *ctx)
{
    memory_backend *m = ctx;
    if (m == NULL) {
        return;
    }
    pqce_backend_secret_free(m->kek, PQCE_AES256_KEY_BYTES);
    pthread_mutex_destroy(&m->mu);
    pqce_memzero(m, sizeof *m);
    free(m);
}

/* Identifies a memory backend: pqce_backend_memory_set_presence compares
 * the table's address. */
static const pqce_backend_ops memory_backend_ops = {
    .version = PQCE_BACKEND_OPS_VERSION,
    .seal = mem_seal,
    .unseal = mem_unseal,
    .device_info = mem_device_info,
    .user_presence = mem_user_presence,
    .counter_read = mem_counter_read,
    .counter_advance = mem_counter_advance,
    .last_error = mem_last_error,
    .destroy = mem_destroy,
};

int pqce_backend_memory_new(pqce_backend **backend, const char *device_id, const char *device_model)
{
    if (backend == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *backend = NULL;
    memory_backend *m = calloc(1, sizeof *m);
    if (m == NULL) {
        return PQCE_ERR_NOMEM;
    }
    int ret;
    if (pthread_mutex_init(&m->mu, NULL) != 0) {
        free(m);
        return PQCE_ERR_NOMEM;
    }
    m->presence = 1;
    if ((ret = pqce_backend_copy_field(m->device_id, sizeof m->device_id, device_id,
                                       "test-device-0")) != PQCE_OK ||
        (ret = pqce_backend_copy_field(m->device_model, sizeof m->device_model, device_model,
                                       "in-memory")) != PQCE_OK) {
        goto fail;
    }
    if ((m->kek = pqce_backend_secret_alloc(PQCE_AES256_KEY_BYTES)) == NULL) {
        ret = PQCE_ERR_NOMEM;
        goto fail;
    }
    if ((ret = pqce_random_bytes(NULL, m->kek, PQCE_AES256_KEY_BYTES)) != PQCE_OK) {
        goto fail;
    }
    if ((ret = pqce_backend_new(backend, &memory_backend_ops, m)) != PQCE_OK) {
        goto fail;
    }
    return PQCE_OK;
fail:
    mem_destroy(m);
    return ret;
}

int pqce_backend_memory_set_presence(pqce_backend *backend, int approve)
{
    if (backend == NULL || backend->ops != &memory_backend_ops) {
        return PQCE_ERR_INVALID_ARG;
    }
    memory_backend *m = backend->ctx;
    pthread_mutex_lock(&m->mu);
    m->presence = approve != 0;
    pthread_mutex_unlock(&m->mu);
    return PQCE_OK;
}
