/*
 * keyring.c - the optional unlock cache in the Linux kernel's session
 * keyring, through the raw add_key(2) and keyctl(2) system calls (glibc
 * has no wrappers and libkeyutils would add a dependency for five calls).
 *
 * The entry is a "user" key in the session keyring (KEY_SPEC_SESSION_KEYRING)
 * described "pqce:vault:<32 hex digits of the vault id>" whose payload is
 *
 *   "PQKC" | version 1 | SHA3-256("pqce-keyring-cache/v1" | vault id | sealed blob) | secret
 *
 * The digest ties the entry to the descriptor it was made for: an entry left
 * by another vault with the same id, or one whose sealed blob was replaced,
 * is ignored. Its permissions are possessor-only (view, read, write,
 * search, setattr: no "user" or "other" rights, no link), so a process of
 * the same uid outside this login session cannot read it; a process that
 * possesses the session keyring can (docs/BACKENDS.md has the trade-off).
 * The key is created in the process keyring (which dies with the process)
 * and linked into the session keyring only after its timeout is set, so a
 * crash never leaves the secret in a key without one. The kernel keeps the payload in
 * its own memory (never swapped to a user-visible place) and wipes it when
 * the key is garbage-collected after the timeout or an invalidation.
 */
#include "vault/keyring.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifdef __linux__
#include <sys/syscall.h>
#include <unistd.h>
#endif

#define KC_MAGIC      "PQKC"
#define KC_VERSION    1u
#define KC_LABEL      "pqce-keyring-cache/v1"
#define KC_DIGEST     32u
#define KC_HEADER     (4u + 1u + KC_DIGEST)
#define KC_SECRET_MAX 256u

void pqce_keyring_cache_desc(char desc[PQCE_KEYRING_DESC_BYTES], const uint8_t vault_id[16])
{
    static const char hex[] = "0123456789abcdef";
    memcpy(desc, "pqce:vault:", 11);
    for (size_t i = 0; i < 16; i++) {
        desc[11 + 2 * i] = hex[vault_id[i] >> 4];
        desc[11 + 2 * i + 1] = hex[vault_id[i] & 15];
    }
    desc[43] = '\0';
}

#ifdef __linux__

static int entry_digest(uint8_t out[KC_DIGEST], const uint8_t vault_id[16], const uint8_t *blob,
                        size_t blob_len)
{
    pqce_sha3_ctx h;
    int ret;
    if ((ret = pqce_sha3_256_init(&h)) == PQCE_OK &&
        (ret = pqce_sha3_absorb(&h, (const uint8_t *)KC_LABEL, sizeof KC_LABEL - 1)) == PQCE_OK &&
        (ret = pqce_sha3_absorb(&h, vault_id, 16)) == PQCE_OK &&
        (ret = pqce_sha3_absorb(&h, blob, blob_len)) == PQCE_OK) {
        ret = pqce_sha3_final(&h, out, KC_DIGEST);
    }
    pqce_sha3_wipe(&h);
    return ret;
}

/* From <linux/keyctl.h> and keyutils' permission bits (not in the kernel's
 * UAPI headers); stable kernel ABI. */
#define KC_SPEC_PROCESS (-2)
#define KC_SPEC_SESSION (-3)
#define KC_SETPERM      5
#define KC_LINK         8
#define KC_UNLINK       9
#define KC_SEARCH       10
#define KC_READ         11
#define KC_SET_TIMEOUT  15
#define KC_INVALIDATE   21
#define KC_POS_VIEW     0x01000000u
#define KC_POS_READ     0x02000000u
#define KC_POS_WRITE    0x04000000u
#define KC_POS_SEARCH   0x08000000u
#define KC_POS_SETATTR  0x20000000u

static long kc_search(const char *desc)
{
    return syscall(SYS_keyctl, KC_SEARCH, (long)KC_SPEC_SESSION, "user", desc, 0L);
}

int pqce_keyring_cache_get(uint8_t *secret, size_t secret_len, const uint8_t vault_id[16],
                           const uint8_t *blob, size_t blob_len)
{
    char desc[PQCE_KEYRING_DESC_BYTES];
    uint8_t payload[KC_HEADER + KC_SECRET_MAX + 1], digest[KC_DIGEST];
    int ret = PQCE_ERR_NOT_FOUND;
    if (secret_len == 0 || secret_len > KC_SECRET_MAX) {
        return PQCE_ERR_INVALID_ARG;
    }
    pqce_keyring_cache_desc(desc, vault_id);
    long id = kc_search(desc);
    if (id < 0) {
        return errno == ENOSYS ? PQCE_ERR_UNSUPPORTED : PQCE_ERR_NOT_FOUND;
    }
    long n = syscall(SYS_keyctl, KC_READ, id, payload, (long)sizeof payload);
    if (n == (long)(KC_HEADER + secret_len) && memcmp(payload, KC_MAGIC, 4) == 0 &&
        payload[4] == KC_VERSION && entry_digest(digest, vault_id, blob, blob_len) == PQCE_OK &&
        pqce_ct_memeq(digest, payload + 5, KC_DIGEST)) {
        memcpy(secret, payload + KC_HEADER, secret_len);
        ret = PQCE_OK;
    }
    pqce_memzero(payload, sizeof payload);
    if (ret != PQCE_OK) {
        pqce_memzero(secret, secret_len);
    }
    return ret;
}

void pqce_keyring_cache_drop(const uint8_t vault_id[16])
{
    char desc[PQCE_KEYRING_DESC_BYTES];
    pqce_keyring_cache_desc(desc, vault_id);
    /* an entry is unique per description in the keyring, but be thorough */
    for (int i = 0; i < 4; i++) {
        long id = kc_search(desc);
        if (id < 0 || syscall(SYS_keyctl, KC_INVALIDATE, id) != 0) {
            break;
        }
    }
}

int pqce_keyring_cache_put(const uint8_t vault_id[16], const uint8_t *blob, size_t blob_len,
                           const uint8_t *secret, size_t secret_len, uint32_t ttl_seconds)
{
    char desc[PQCE_KEYRING_DESC_BYTES];
    uint8_t payload[KC_HEADER + KC_SECRET_MAX];
    int ret = PQCE_ERR_IO;
    if (secret_len == 0 || secret_len > KC_SECRET_MAX || ttl_seconds == 0) {
        return PQCE_ERR_INVALID_ARG;
    }
    pqce_keyring_cache_desc(desc, vault_id);
    memcpy(payload, KC_MAGIC, 4);
    payload[4] = (uint8_t)KC_VERSION;
    if (entry_digest(payload + 5, vault_id, blob, blob_len) != PQCE_OK) {
        return PQCE_ERR_IO;
    }
    memcpy(payload + KC_HEADER, secret, secret_len);
    pqce_keyring_cache_drop(vault_id);
    /* The key is born in the process keyring, which dies with the process,
     * and is linked into the session keyring only once its timeout is set:
     * a crash in between leaves no secret without an expiry behind. (A key
     * update would reset the timeout, so the payload goes in at creation.) */
    long id = syscall(SYS_add_key, "user", desc, payload, (long)(KC_HEADER + secret_len),
                      (long)KC_SPEC_PROCESS);
    if (id < 0) {
        ret = errno == ENOSYS ? PQCE_ERR_UNSUPPORTED : PQCE_ERR_IO;
        goto cleanup;
    }
    if (syscall(SYS_keyctl, KC_SET_TIMEOUT, id, (long)ttl_seconds) != 0 ||
        syscall(SYS_keyctl, KC_LINK, id, (long)KC_SPEC_SESSION) != 0) {
        (void)syscall(SYS_keyctl, KC_INVALIDATE, id);
        goto cleanup;
    }
    (void)syscall(SYS_keyctl, KC_UNLINK, id, (long)KC_SPEC_PROCESS);
    /* possessor-only, and no link: nobody else gets a reference to it */
    if (syscall(SYS_keyctl, KC_SETPERM, id,
                (long)(KC_POS_VIEW | KC_POS_READ | KC_POS_WRITE | KC_POS_SEARCH |
                       KC_POS_SETATTR)) != 0) {
        (void)syscall(SYS_keyctl, KC_INVALIDATE, id);
        goto cleanup;
    }
    ret = PQCE_OK;
cleanup:
    pqce_memzero(payload, sizeof payload);
    return ret;
}

#else /* !__linux__ */

int pqce_keyring_cache_get(uint8_t *secret, size_t secret_len, const uint8_t vault_id[16],
                           const uint8_t *blob, size_t blob_len)
{
    (void)vault_id;
    (void)blob;
    (void)blob_len;
    pqce_memzero(secret, secret_len);
    return PQCE_ERR_UNSUPPORTED;
}

int pqce_keyring_cache_put(const uint8_t vault_id[16], const uint8_t *blob, size_t blob_len,
                           const uint8_t *secret, size_t secret_len, uint32_t ttl_seconds)
{
    (void)vault_id;
    (void)blob;
    (void)blob_len;
    (void)secret;
    (void)secret_len;
    (void)ttl_seconds;
    return PQCE_ERR_UNSUPPORTED;
}

void pqce_keyring_cache_drop(const uint8_t vault_id[16])
{
    (void)vault_id;
}

#endif /* __linux__ */
