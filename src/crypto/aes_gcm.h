/*
 * aes_gcm.h - AES-256-GCM [SP800-38D] through OpenSSL's EVP interface.
 *
 * Internal interface of the crypto layer; the container and vault layers
 * use it, nothing outside the library sees it. aes_gcm.c is the only file
 * of pqc-enclave that calls OpenSSL for AES-GCM; no OpenSSL type crosses
 * this header.
 *
 * A pqce_aes_gcm object holds one key schedule and may seal or open any
 * number of messages under it; it is not thread-safe (each worker owns
 * one). Tags are 16 bytes. Nonces are 12 bytes in the container; other IV
 * lengths (1 to 128 bytes) exist only so that the Wycheproof vectors can
 * be run, and a zero-length IV is refused.
 */
#ifndef PQCE_CRYPTO_AES_GCM_H
#define PQCE_CRYPTO_AES_GCM_H

#include <stddef.h>
#include <stdint.h>

#define PQCE_AES256_KEY_BYTES 32
#define PQCE_GCM_NONCE_BYTES  12
#define PQCE_GCM_TAG_BYTES    16
#define PQCE_GCM_IV_MAX_BYTES 128
/* [SP800-38D, 5.2.1.1]: at most 2^39 - 256 bits of plaintext per nonce. */
#define PQCE_GCM_MAX_MESSAGE_BYTES ((((uint64_t)1) << 36) - 32)

typedef struct pqce_aes_gcm pqce_aes_gcm;

/* Errors: PQCE_ERR_INVALID_ARG, PQCE_ERR_NOMEM, PQCE_ERR_CRYPTO. */
int pqce_aes_gcm_new(pqce_aes_gcm **out, const uint8_t key[PQCE_AES256_KEY_BYTES]);
/* Replaces the key (cheaper than a new object: no cipher fetch).
 * Errors: PQCE_ERR_INVALID_ARG, PQCE_ERR_CRYPTO. */
int pqce_aes_gcm_rekey(pqce_aes_gcm *g, const uint8_t key[PQCE_AES256_KEY_BYTES]);
/* Wipes and frees; accepts NULL. */
void pqce_aes_gcm_free(pqce_aes_gcm *g);

/*
 * Encrypts pt_len bytes (ct may equal pt) and writes the tag.
 * Errors: PQCE_ERR_INVALID_ARG (NULLs, zero-length IV, message too long),
 * PQCE_ERR_UNSUPPORTED (an IV length OpenSSL refuses), PQCE_ERR_CRYPTO.
 * On error ct and tag are zeroized.
 */
int pqce_aes_gcm_seal(pqce_aes_gcm *g, uint8_t *ct, uint8_t tag[PQCE_GCM_TAG_BYTES],
                      const uint8_t *pt, size_t pt_len, const uint8_t *aad, size_t aad_len,
                      const uint8_t *iv, size_t iv_len);

/*
 * Decrypts and verifies (pt may equal ct). Errors: as seal, plus
 * PQCE_ERR_DECRYPT when the tag does not verify; pt is then zeroized, so
 * unauthenticated plaintext never leaves this function.
 */
int pqce_aes_gcm_open(pqce_aes_gcm *g, uint8_t *pt, const uint8_t *ct, size_t ct_len,
                      const uint8_t tag[PQCE_GCM_TAG_BYTES], const uint8_t *aad, size_t aad_len,
                      const uint8_t *iv, size_t iv_len);

/* One-shot forms with a 12-byte nonce; they create and free the key schedule. */
int pqce_aes256gcm_seal(uint8_t *ct, uint8_t tag[PQCE_GCM_TAG_BYTES], const uint8_t *pt,
                        size_t pt_len, const uint8_t *aad, size_t aad_len,
                        const uint8_t nonce[PQCE_GCM_NONCE_BYTES],
                        const uint8_t key[PQCE_AES256_KEY_BYTES]);
int pqce_aes256gcm_open(uint8_t *pt, const uint8_t *ct, size_t ct_len,
                        const uint8_t tag[PQCE_GCM_TAG_BYTES], const uint8_t *aad, size_t aad_len,
                        const uint8_t nonce[PQCE_GCM_NONCE_BYTES],
                        const uint8_t key[PQCE_AES256_KEY_BYTES]);

/*
 * Incremental form, for a payload that is produced or consumed in pieces:
 * begin (IV and all of the AAD), any number of update calls, then
 * finish_seal or finish_open. Output of update during an open is NOT yet
 * authenticated: the caller must hold it back until finish_open returns 0
 * and wipe it otherwise. Errors: as above; PQCE_ERR_STATE when called out
 * of sequence.
 */
int pqce_aes_gcm_begin(pqce_aes_gcm *g, int encrypt, const uint8_t *iv, size_t iv_len,
                       const uint8_t *aad, size_t aad_len);
int pqce_aes_gcm_update(pqce_aes_gcm *g, uint8_t *out, const uint8_t *in, size_t len);
int pqce_aes_gcm_finish_seal(pqce_aes_gcm *g, uint8_t tag[PQCE_GCM_TAG_BYTES]);
int pqce_aes_gcm_finish_open(pqce_aes_gcm *g, const uint8_t tag[PQCE_GCM_TAG_BYTES]);

#endif /* PQCE_CRYPTO_AES_GCM_H */
