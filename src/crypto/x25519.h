/*
 * x25519.h - X25519 [RFC7748] through OpenSSL, for the X-Wing hybrid KEM.
 *
 * Internal interface; implemented in openssl.c, the one file that calls
 * OpenSSL. OpenSSL refuses a peer public key that yields the all-zero
 * shared secret (a low-order point); that is reported as
 * PQCE_ERR_INVALID_KEY.
 */
#ifndef PQCE_CRYPTO_X25519_H
#define PQCE_CRYPTO_X25519_H

#include <stdint.h>

#define PQCE_X25519_BYTES 32

/* pk = X25519(sk, 9). Errors: PQCE_ERR_INVALID_ARG, PQCE_ERR_CRYPTO. */
int pqce_x25519_public(uint8_t pk[PQCE_X25519_BYTES], const uint8_t sk[PQCE_X25519_BYTES]);

/* ss = X25519(sk, peer). Errors: PQCE_ERR_INVALID_ARG, PQCE_ERR_INVALID_KEY
 * (all-zero result), PQCE_ERR_CRYPTO. ss is zeroized on error. */
int pqce_x25519(uint8_t ss[PQCE_X25519_BYTES], const uint8_t sk[PQCE_X25519_BYTES],
                const uint8_t peer[PQCE_X25519_BYTES]);

#endif /* PQCE_CRYPTO_X25519_H */
