/*
 * keyring.h - the optional unlock cache in the Linux kernel's session
 * keyring (PQCE_VAULT_KEYRING_CACHE; docs/BACKENDS.md, "The keyring unlock
 * cache"). A cache, never custody: the backend's sealed blob stays the only
 * durable copy of the secret.
 */
#ifndef PQCE_VAULT_KEYRING_H
#define PQCE_VAULT_KEYRING_H

#include <stddef.h>
#include <stdint.h>

#include "pqce.h"

/*
 * Looks for the vault's entry in the session keyring and, if it is there,
 * unexpired and was made from this descriptor (the same vault id and
 * sealed blob), copies the secret_len-byte secret into secret. Errors:
 * PQCE_ERR_NOT_FOUND (no usable entry), PQCE_ERR_UNSUPPORTED (no keyring
 * here). secret is wiped on any error.
 */
int pqce_keyring_cache_get(uint8_t *secret, size_t secret_len, const uint8_t vault_id[16],
                           const uint8_t *blob, size_t blob_len);

/*
 * Stores the secret as the vault's entry (replacing any), readable by its
 * possessors only, expiring after ttl_seconds. The expiry is set before
 * the key reaches the session keyring, so the secret never sits there
 * without one.
 * Errors: PQCE_ERR_UNSUPPORTED, PQCE_ERR_IO (the kernel refused).
 */
int pqce_keyring_cache_put(const uint8_t vault_id[16], const uint8_t *blob, size_t blob_len,
                           const uint8_t *secret, size_t secret_len, uint32_t ttl_seconds);

/* Removes the vault's entry, if any. */
void pqce_keyring_cache_drop(const uint8_t vault_id[16]);

/* The entry's description, "pqce:vault:" and 32 hex digits of the vault id
 * (for tests and the documentation). */
#define PQCE_KEYRING_DESC_BYTES 44
void pqce_keyring_cache_desc(char desc[PQCE_KEYRING_DESC_BYTES], const uint8_t vault_id[16]);

#endif /* PQCE_VAULT_KEYRING_H */
