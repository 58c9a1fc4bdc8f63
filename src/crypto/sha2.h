/*
 * sha2.h - SHA-2 digests [FIPS180-4] through OpenSSL, for the HashML-DSA
 * pre-hashes [FIPS204, Algorithm 4] that are not SHA-3.
 *
 * Internal interface of the crypto layer, implemented in openssl.c (the
 * one file that calls OpenSSL); no OpenSSL type crosses this header. pqc-enclave's own hashing is
 * SHA-3; SHA-2 exists only so that a HashML-DSA signature made with a SHA-2 pre-hash can be
 * produced and checked.
 */
#ifndef PQCE_CRYPTO_SHA2_H
#define PQCE_CRYPTO_SHA2_H

#include <stddef.h>
#include <stdint.h>

typedef enum pqce_sha2_alg {
    PQCE_SHA2_224,
    PQCE_SHA2_256,
    PQCE_SHA2_384,
    PQCE_SHA2_512,
    PQCE_SHA2_512_224,
    PQCE_SHA2_512_256,
} pqce_sha2_alg;

#define PQCE_SHA2_MAX_BYTES 64

/*
 * One-shot digest of in_len bytes into out (out_cap >= the digest size);
 * the digest size is stored in *out_len.
 * Errors: PQCE_ERR_INVALID_ARG (unknown alg, NULL, small out_cap),
 * PQCE_ERR_CRYPTO (OpenSSL failed; its error queue is cleared and out is
 * zeroized).
 */
int pqce_sha2_digest(pqce_sha2_alg alg, uint8_t *out, size_t out_cap, size_t *out_len,
                     const uint8_t *in, size_t in_len);

#endif /* PQCE_CRYPTO_SHA2_H */
