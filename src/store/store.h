/*
 * store.h - the vault's view of a store (pqce_backend.h's pqce_store_ops):
 * checked wrappers and whole-object helpers.
 */
#ifndef PQCE_STORE_STORE_H
#define PQCE_STORE_STORE_H

#include "pqce_backend.h"

struct pqce_store {
    const pqce_store_ops *ops;
    void *ctx;
};

#define PQCE_STORE_NAME_MAX 200

/* 1 if name is a valid object name: 1..200 bytes of [A-Za-z0-9._/-], no
 * leading '/', no "..", no "//". */
int pqce_store_name_ok(const char *name);

/* Writes a whole object atomically (begin, write, commit; abort on error). */
int pqce_store_put(pqce_store *s, const char *name, const uint8_t *buf, size_t len);
/* Reads a whole object of at most max bytes into a malloc'd buffer.
 * Errors: PQCE_ERR_NOT_FOUND, PQCE_ERR_FORMAT (larger than max), PQCE_ERR_IO,
 * PQCE_ERR_NOMEM. */
int pqce_store_get(pqce_store *s, const char *name, size_t max, uint8_t **buf, size_t *len);

/* Checked calls of the table (names are validated first). */
int pqce_store_write_begin(pqce_store *s, void **handle, const char *name);
int pqce_store_write(pqce_store *s, void *handle, const uint8_t *buf, size_t len);
int pqce_store_write_commit(pqce_store *s, void *handle);
void pqce_store_write_abort(pqce_store *s, void *handle);
int pqce_store_size(pqce_store *s, const char *name, uint64_t *size);
int pqce_store_read(pqce_store *s, const char *name, uint8_t *buf, size_t len, uint64_t offset);
int pqce_store_remove(pqce_store *s, const char *name);
int pqce_store_list(pqce_store *s, const char *prefix, int (*fn)(void *arg, const char *name),
                    void *arg);
int pqce_store_append(pqce_store *s, const char *name, const uint8_t *buf, size_t len);
int pqce_store_lock(pqce_store *s, uint32_t timeout_ms);
void pqce_store_unlock(pqce_store *s);
/* PQCE_ERR_UNSUPPORTED when the store has no descriptors. */
int pqce_store_open_fd(pqce_store *s, const char *name, int *fd);
/* The store's last error sentence ("" when none). */
void pqce_store_detail(pqce_store *s, char *buf, size_t cap);

#endif /* PQCE_STORE_STORE_H */
