/*
 * pqce_backend.h - for authors of key-custody backends and stores.
 *
 * Applications use the backends and stores that pqc-enclave provides
 * (pqce.h: memory, file, the platform bridges; a directory or memory store).
 * This header lets an application or a platform port add its own: a backend
 * is a table of functions that seals and unseals the vault's secret with a
 * key that should never leave hardware; a store keeps the encrypted bytes.
 * pqce.h never includes this header.
 *
 * Both tables start with a version number; a table whose version the
 * library does not know is refused (PQCE_ERR_INVALID_ARG). Every function
 * returns 0 or a negative PQCE_ERR_* code; a backend reports its failures as
 * PQCE_ERR_BACKEND (or PQCE_ERR_UNSUPPORTED for an optional capability it
 * lacks) and may leave a sentence in its detail buffer. A function must
 * never log, print or return secret bytes other than through its outputs.
 */
#ifndef PQCE_BACKEND_H
#define PQCE_BACKEND_H

#include "pqce.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Backends: key custody
 * ------------------------------------------------------------------------ */

#define PQCE_BACKEND_OPS_VERSION 1u

/* The largest sealed blob a backend may produce. */
#define PQCE_SEALED_BLOB_MAX 4096

typedef struct pqce_backend_ops {
    uint32_t version; /* PQCE_BACKEND_OPS_VERSION */

    /*
     * Seals secret (secret_len <= 256 bytes) so that only this backend, on
     * this device, can unseal it. aad (public, e.g. the vault's id) must be
     * bound to the blob: unsealing with other aad must fail. Writes at most
     * blob_cap (PQCE_SEALED_BLOB_MAX) bytes. Required.
     */
    int (*seal)(void *ctx, uint8_t *blob, size_t blob_cap, size_t *blob_len, const uint8_t *secret,
                size_t secret_len, const uint8_t *aad, size_t aad_len);

    /*
     * Unseals a blob made by seal. A blob that was modified, made by another
     * device or for other aad must fail with PQCE_ERR_BACKEND (or, for a
     * passphrase or PIN that does not fit, PQCE_ERR_LOCKED with a detail
     * saying so; for a hardware policy that refuses - a TPM whose PCRs
     * changed - PQCE_ERR_POLICY; for a blob that does not even parse -
     * wrong length, unknown version, a parameter out of bounds -
     * PQCE_ERR_FORMAT), never with wrong secret bytes. Required.
     */
    int (*unseal)(void *ctx, uint8_t *secret, size_t secret_cap, size_t *secret_len,
                  const uint8_t *blob, size_t blob_len, const uint8_t *aad, size_t aad_len);

    /* Device identity reported in attestations and audit entries. Required. */
    int (*device_info)(void *ctx, pqce_device_info *info);

    /*
     * Asks the user to confirm their presence (biometric, PIN, button) for
     * reason. Returns 0 if confirmed, PQCE_ERR_POLICY if refused, or
     * PQCE_ERR_UNSUPPORTED. Optional (NULL: unsupported).
     */
    int (*user_presence)(void *ctx, const char *reason);

    /*
     * A monotonic counter for rollback detection: read returns the current
     * value; advance sets it to max(current, value) and must be durable when
     * it returns. Optional (both NULL: the backend has no counter).
     */
    int (*counter_read)(void *ctx, uint64_t *value);
    int (*counter_advance)(void *ctx, uint64_t value);

    /* Copies a sentence about the last failure (no secrets) into buf. Optional. */
    void (*last_error)(void *ctx, char *buf, size_t cap);

    /* Releases ctx (wiping any secret it holds). Optional. */
    void (*destroy)(void *ctx);
} pqce_backend_ops;

/*
 * Wraps a backend table. ops must stay valid until pqce_backend_free;
 * ctx is passed to every function and given to ops->destroy at free.
 * Errors: PQCE_ERR_INVALID_ARG (unknown version, a required function
 * missing), PQCE_ERR_NOMEM.
 */
PQCE_API PQCE_NODISCARD int pqce_backend_new(pqce_backend **backend, const pqce_backend_ops *ops,
                                             void *ctx);

/* ------------------------------------------------------------------------
 * Stores: where the encrypted bytes live
 *
 * A store holds named objects (names are short ASCII: letters, digits,
 * '.', '-', '_' and '/'). Objects are written whole and replaced
 * atomically; the vault never modifies an object in place except by
 * append (the audit log).
 * ------------------------------------------------------------------------ */

#define PQCE_STORE_OPS_VERSION 1u

typedef struct pqce_store_ops {
    uint32_t version; /* PQCE_STORE_OPS_VERSION */

    /*
     * Writing an object: begin returns a handle, write appends bytes,
     * commit makes the whole object durable and then visible under name
     * atomically (replacing any previous object of that name), abort
     * discards it. After a crash, name holds either the old or the new
     * object, never a mix. Required.
     */
    int (*write_begin)(void *ctx, void **handle, const char *name);
    int (*write)(void *ctx, void *handle, const uint8_t *buf, size_t len);
    int (*write_commit)(void *ctx, void *handle);
    void (*write_abort)(void *ctx, void *handle);

    /* Size of an object; PQCE_ERR_NOT_FOUND if it does not exist. Required. */
    int (*size)(void *ctx, const char *name, uint64_t *size);

    /* Reads len bytes at offset; a short object is PQCE_ERR_IO. Required. */
    int (*read)(void *ctx, const char *name, uint8_t *buf, size_t len, uint64_t offset);

    /* Removes an object durably; a missing object is not an error. Required. */
    int (*remove)(void *ctx, const char *name);

    /* Calls fn for every object whose name starts with prefix. Required. */
    int (*list)(void *ctx, const char *prefix, int (*fn)(void *arg, const char *name), void *arg);

    /* Appends len bytes to an object (creating it) durably. Required. */
    int (*append)(void *ctx, const char *name, const uint8_t *buf, size_t len);

    /*
     * The cross-process lock that serialises writers of one vault: acquire
     * waits at most timeout_ms (PQCE_ERR_BUSY after that). Required.
     */
    int (*lock)(void *ctx, uint32_t timeout_ms);
    void (*unlock)(void *ctx);

    /*
     * Optional fast path: a read-only file descriptor of an object, owned
     * by the caller, so that large objects are read with pread or mapped.
     * NULL or PQCE_ERR_UNSUPPORTED: the vault uses read.
     */
    int (*open_fd)(void *ctx, const char *name, int *fd);

    /* Copies a sentence about the last failure into buf. Optional. */
    void (*last_error)(void *ctx, char *buf, size_t cap);

    /* Releases ctx. Optional. */
    void (*destroy)(void *ctx);
} pqce_store_ops;

/* Wraps a store table (as pqce_backend_new). */
PQCE_API PQCE_NODISCARD int pqce_store_new(pqce_store **store, const pqce_store_ops *ops,
                                           void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* PQCE_BACKEND_H */
