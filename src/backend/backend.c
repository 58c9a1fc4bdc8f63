/* backend.c - checked access to a backend table (pqce_backend.h). */
#include "backend/backend.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int pqce_backend_new(pqce_backend **backend, const pqce_backend_ops *ops, void *ctx)
{
    if (backend == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *backend = NULL;
    if (ops == NULL || ops->version != PQCE_BACKEND_OPS_VERSION || ops->seal == NULL ||
        ops->unseal == NULL || ops->device_info == NULL ||
        (ops->counter_read == NULL) != (ops->counter_advance == NULL)) {
        return PQCE_ERR_INVALID_ARG;
    }
    pqce_backend *b = calloc(1, sizeof *b);
    if (b == NULL) {
        return PQCE_ERR_NOMEM;
    }
    b->ops = ops;
    b->ctx = ctx;
    *backend = b;
    return PQCE_OK;
}

void pqce_backend_free(pqce_backend *b)
{
    if (b == NULL) {
        return;
    }
    if (b->ops->destroy != NULL) {
        b->ops->destroy(b->ctx);
    }
    free(b);
}

int pqce_backend_device_info(pqce_backend *b, pqce_device_info *info)
{
    if (b == NULL || info == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    memset(info, 0, sizeof *info);
    int ret = b->ops->device_info(b->ctx, info);
    /* whatever the backend wrote, the strings end inside their arrays */
    info->device_id[sizeof info->device_id - 1] = '\0';
    info->device_model[sizeof info->device_model - 1] = '\0';
    info->enclave_vendor[sizeof info->enclave_vendor - 1] = '\0';
    info->backend[sizeof info->backend - 1] = '\0';
    return ret;
}

int pqce_backend_seal(pqce_backend *b, uint8_t *blob, size_t blob_cap, size_t *blob_len,
                      const uint8_t *secret, size_t secret_len, const uint8_t *aad, size_t aad_len)
{
    if (b == NULL || blob == NULL || blob_len == NULL || secret == NULL || secret_len > 256 ||
        (aad == NULL && aad_len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    *blob_len = 0;
    int ret = b->ops->seal(b->ctx, blob, blob_cap, blob_len, secret, secret_len, aad, aad_len);
    if (ret == PQCE_OK && *blob_len > blob_cap) {
        ret = PQCE_ERR_BACKEND; /* a backend that overran the buffer is broken */
    }
    return ret;
}

int pqce_backend_unseal(pqce_backend *b, uint8_t *secret, size_t secret_cap, size_t *secret_len,
                        const uint8_t *blob, size_t blob_len, const uint8_t *aad, size_t aad_len)
{
    if (b == NULL || secret == NULL || secret_len == NULL || blob == NULL ||
        (aad == NULL && aad_len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    *secret_len = 0;
    int ret = b->ops->unseal(b->ctx, secret, secret_cap, secret_len, blob, blob_len, aad, aad_len);
    if (ret == PQCE_OK && *secret_len > secret_cap) {
        ret = PQCE_ERR_BACKEND;
    }
    if (ret != PQCE_OK) {
        pqce_memzero(secret, secret_cap);
        *secret_len = 0;
    }
    return ret;
}

int pqce_backend_user_presence(pqce_backend *b, const char *reason)
{
    if (b == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (b->ops->user_presence == NULL) {
        return PQCE_ERR_UNSUPPORTED;
    }
    return b->ops->user_presence(b->ctx, reason != NULL ? reason : "");
}

int pqce_backend_has_counter(const pqce_backend *b)
{
    return b != NULL && b->ops->counter_read != NULL;
}

int pqce_backend_counter_read(pqce_backend *b, uint64_t *value)
{
    if (b == NULL || value == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    return b->ops->counter_read != NULL ? b->ops->counter_read(b->ctx, value)
                                        : PQCE_ERR_UNSUPPORTED;
}

int pqce_backend_counter_advance(pqce_backend *b, uint64_t value)
{
    if (b == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    return b->ops->counter_advance != NULL ? b->ops->counter_advance(b->ctx, value)
                                           : PQCE_ERR_UNSUPPORTED;
}

void pqce_backend_detail(pqce_backend *b, char *buf, size_t cap)
{
    if (buf == NULL || cap == 0) {
        return;
    }
    buf[0] = '\0';
    if (b != NULL && b->ops->last_error != NULL) {
        b->ops->last_error(b->ctx, buf, cap);
        buf[cap - 1] = '\0';
    }
}

int pqce_backend_copy_field(char *dst, size_t cap, const char *value, const char *dflt)
{
    const char *v = value != NULL ? value : dflt;
    if (dst == NULL || cap == 0 || v == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    size_t n = strnlen(v, cap);
    if (n >= cap) {
        return PQCE_ERR_INVALID_ARG;
    }
    memcpy(dst, v, n + 1);
    return PQCE_OK;
}

static size_t secret_map_len(size_t len)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t p = page > 0 ? (size_t)page : 4096u;
    return len > SIZE_MAX - p ? 0 : (len + p - 1) / p * p;
}

void *pqce_backend_secret_alloc(size_t len)
{
    size_t map_len = secret_map_len(len);
    if (len == 0 || map_len == 0) {
        return NULL;
    }
    void *p = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        return NULL;
    }
    /* Best effort, see the header: a failure leaves the pages swappable or
     * dumpable, not the secret unprotected in any other way. */
    (void)mlock(p, map_len);
    (void)madvise(p, map_len, MADV_DONTDUMP);
    return p;
}

void pqce_backend_secret_free(void *p, size_t len)
{
    if (p == NULL) {
        return;
    }
    size_t map_len = secret_map_len(len);
    pqce_memzero(p, len);
    (void)munlock(p, map_len);
    (void)munmap(p, map_len);
}

void pqce_backend_error_detail(pqce_backend *b, char *buf, size_t cap)
{
    pqce_backend_detail(b, buf, cap);
}
