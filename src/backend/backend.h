/*
 * backend.h - the vault's view of a key-custody backend
 * (pqce_backend.h's pqce_backend_ops): checked wrappers.
 */
#ifndef PQCE_BACKEND_BACKEND_H
#define PQCE_BACKEND_BACKEND_H

#include "pqce_backend.h"

struct pqce_backend {
    const pqce_backend_ops *ops;
    void *ctx;
};

int pqce_backend_seal(pqce_backend *b, uint8_t *blob, size_t blob_cap, size_t *blob_len,
                      const uint8_t *secret, size_t secret_len, const uint8_t *aad, size_t aad_len);
/* On error the secret buffer is wiped. */
int pqce_backend_unseal(pqce_backend *b, uint8_t *secret, size_t secret_cap, size_t *secret_len,
                        const uint8_t *blob, size_t blob_len, const uint8_t *aad, size_t aad_len);
/* PQCE_ERR_UNSUPPORTED when the backend has no such capability. */
int pqce_backend_user_presence(pqce_backend *b, const char *reason);
int pqce_backend_counter_read(pqce_backend *b, uint64_t *value);
int pqce_backend_counter_advance(pqce_backend *b, uint64_t value);
/* 1 if the backend has a monotonic counter. */
int pqce_backend_has_counter(const pqce_backend *b);
/* The backend's last error sentence ("" when none). */
void pqce_backend_detail(pqce_backend *b, char *buf, size_t cap);

/* For the built-in backends: copies value (or dflt when value is NULL) into
 * a device field of cap bytes. PQCE_ERR_INVALID_ARG if it does not fit
 * with its NUL. */
int pqce_backend_copy_field(char *dst, size_t cap, const char *value, const char *dflt);

/* For the built-in backends: len bytes for a secret held as long as the
 * backend lives, on pages of their own that are locked in RAM (mlock) and
 * left out of core dumps (MADV_DONTDUMP) where the system allows it (both
 * are best effort: an RLIMIT_MEMLOCK of 0 must not stop a test). Zeroed.
 * NULL when out of memory. pqce_backend_secret_free wipes and unmaps;
 * accepts NULL. */
void *pqce_backend_secret_alloc(size_t len);
void pqce_backend_secret_free(void *p, size_t len);

/* For pqce_backend_list: fill in compiled_in, available, capabilities and
 * detail of st for the TPM 2.0 backend (tcti NULL: the default) and the
 * PKCS#11 backend (module NULL: the first well-known module that exists).
 * Never seal, never log in. */
void pqce_backend_tpm2_probe(pqce_backend_status *st, const char *tcti);
void pqce_backend_pkcs11_probe(pqce_backend_status *st, const char *module);

#endif /* PQCE_BACKEND_BACKEND_H */
