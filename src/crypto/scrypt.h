/*
 * scrypt.h - the scrypt password-based key derivation function [RFC7914]
 * through OpenSSL.
 *
 * Internal interface of the crypto layer, implemented in openssl.c (the one
 * file that calls OpenSSL); no OpenSSL type crosses this header. The file
 * backend derives its key-encryption key from a passphrase with it.
 */
#ifndef PQCE_CRYPTO_SCRYPT_H
#define PQCE_CRYPTO_SCRYPT_H

#include <stddef.h>
#include <stdint.h>

/*
 * scrypt(pass, salt, N = n, r, p, dkLen = out_len) [RFC7914, 6]. n must be
 * a power of two greater than 1; the memory used is about 128 * r * (n + p)
 * bytes, and the caller bounds n, r and p before calling (this function
 * lets OpenSSL allocate exactly what they need). pass may be NULL only when
 * pass_len is 0.
 * Errors: PQCE_ERR_INVALID_ARG (NULLs, n not a power of two, out_len 0,
 * parameters whose memory does not fit in size_t), PQCE_ERR_CRYPTO
 * (OpenSSL failed, e.g. could not allocate; its error queue is cleared and
 * out is zeroized).
 */
int pqce_scrypt(uint8_t *out, size_t out_len, const uint8_t *pass, size_t pass_len,
                const uint8_t *salt, size_t salt_len, uint64_t n, uint32_t r, uint32_t p);

#endif /* PQCE_CRYPTO_SCRYPT_H */
