/* store.c - checked access to a store table (pqce_backend.h). */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

int pqce_store_new(pqce_store **store, const pqce_store_ops *ops, void *ctx)
{
    if (store == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *store = NULL;
    if (ops == NULL || ops->version != PQCE_STORE_OPS_VERSION || ops->write_begin == NULL ||
        ops->write == NULL || ops->write_commit == NULL || ops->write_abort == NULL ||
        ops->size == NULL || ops->read == NULL || ops->remove == NULL || ops->list == NULL ||
        ops->append == NULL || ops->lock == NULL || ops->unlock == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    pqce_store *s = calloc(1, sizeof *s);
    if (s == NULL) {
        return PQCE_ERR_NOMEM;
    }
    s->ops = ops;
    s->ctx = ctx;
    *store = s;
    return PQCE_OK;
}

void pqce_store_free(pqce_store *s)
{
    if (s == NULL) {
        return;
    }
    if (s->ops->destroy != NULL) {
        s->ops->destroy(s->ctx);
    }
    free(s);
}

int pqce_store_name_ok(const char *name)
{
    if (name == NULL) {
        return 0;
    }
    size_t n = strnlen(name, PQCE_STORE_NAME_MAX + 1);
    if (n == 0 || n > PQCE_STORE_NAME_MAX || name[0] == '/' || strstr(name, "..") != NULL ||
        strstr(name, "//") != NULL || name[n - 1] == '/') {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-' || c == '_' || c == '/';
        if (!ok) {
            return 0;
        }
    }
    return 1;
}

int pqce_store_write_begin(pqce_store *s, void **handle, const char *name)
{
    if (s == NULL || handle == NULL || !pqce_store_name_ok(name)) {
        return PQCE_ERR_INVALID_ARG;
    }
    *handle = NULL;
    return s->ops->write_begin(s->ctx, handle, name);
}

int pqce_store_write(pqce_store *s, void *handle, const uint8_t *buf, size_t len)
{
    if (s == NULL || (buf == NULL && len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    return len == 0 ? PQCE_OK : s->ops->write(s->ctx, handle, buf, len);
}

int pqce_store_write_commit(pqce_store *s, void *handle)
{
    return s == NULL ? PQCE_ERR_INVALID_ARG : s->ops->write_commit(s->ctx, handle);
}

void pqce_store_write_abort(pqce_store *s, void *handle)
{
    if (s != NULL && handle != NULL) {
        s->ops->write_abort(s->ctx, handle);
    }
}

int pqce_store_put(pqce_store *s, const char *name, const uint8_t *buf, size_t len)
{
    void *h = NULL;
    int ret = pqce_store_write_begin(s, &h, name);
    if (ret != PQCE_OK) {
        return ret;
    }
    if ((ret = pqce_store_write(s, h, buf, len)) != PQCE_OK) {
        pqce_store_write_abort(s, h);
        return ret;
    }
    return pqce_store_write_commit(s, h);
}

int pqce_store_get(pqce_store *s, const char *name, size_t max, uint8_t **buf, size_t *len)
{
    uint64_t size;
    if (buf == NULL || len == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *buf = NULL;
    *len = 0;
    int ret = pqce_store_size(s, name, &size);
    if (ret != PQCE_OK) {
        return ret;
    }
    if (size > max) {
        return PQCE_ERR_FORMAT;
    }
    uint8_t *b = malloc((size_t)size + 1);
    if (b == NULL) {
        return PQCE_ERR_NOMEM;
    }
    if ((ret = pqce_store_read(s, name, b, (size_t)size, 0)) != PQCE_OK) {
        free(b);
        return ret;
    }
    *buf = b;
    *len = (size_t)size;
    return PQCE_OK;
}

int pqce_store_size(pqce_store *s, const char *name, uint64_t *size)
{
    if (s == NULL || size == NULL || !pqce_store_name_ok(name)) {
        return PQCE_ERR_INVALID_ARG;
    }
    return s->ops->size(s->ctx, name, size);
}

int pqce_store_read(pqce_store *s, const char *name, uint8_t *buf, size_t len, uint64_t offset)
{
    if (s == NULL || (buf == NULL && len > 0) || !pqce_store_name_ok(name)) {
        return PQCE_ERR_INVALID_ARG;
    }
    return len == 0 ? PQCE_OK : s->ops->read(s->ctx, name, buf, len, offset);
}

int pqce_store_remove(pqce_store *s, const char *name)
{
    if (s == NULL || !pqce_store_name_ok(name)) {
        return PQCE_ERR_INVALID_ARG;
    }
    return s->ops->remove(s->ctx, name);
}

int pqce_store_list(pqce_store *s, const char *prefix, int (*fn)(void *arg, const char *name),
                    void *arg)
{
    if (s == NULL || prefix == NULL || fn == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    return s->ops->list(s->ctx, prefix, fn, arg);
}

int pqce_store_append(pqce_store *s, const char *name, const uint8_t *buf, size_t len)
{
    if (s == NULL || (buf == NULL && len > 0) || !pqce_store_name_ok(name)) {
        return PQCE_ERR_INVALID_ARG;
    }
    return s->ops->append(s->ctx, name, buf, len);
}

int pqce_store_lock(pqce_store *s, uint32_t timeout_ms)
{
    return s == NULL ? PQCE_ERR_INVALID_ARG : s->ops->lock(s->ctx, timeout_ms);
}

void pqce_store_unlock(pqce_store *s)
{
    if (s != NULL) {
        s->ops->unlock(s->ctx);
    }
}

int pqce_store_open_fd(pqce_store *s, const char *name, int *fd)
{
    if (s == NULL || fd == NULL || !pqce_store_name_ok(name)) {
        return PQCE_ERR_INVALID_ARG;
    }
    *fd = -1;
    return s->ops->open_fd != NULL ? s->ops->open_fd(s->ctx, name, fd) : PQCE_ERR_UNSUPPORTED;
}

void pqce_store_detail(pqce_store *s, char *buf, size_t cap)
{
    if (buf == NULL || cap == 0) {
        return;
    }
    buf[0] = '\0';
    if (s != NULL && s->ops->last_error != NULL) {
        s->ops->last_error(s->ctx, buf, cap);
        buf[cap - 1] = '\0';
    }
}
