/*
 * sha2.c - SHA-2 through OpenSSL EVP [FIPS180-4], for HashML-DSA.
 *
 * The only file of pqc-enclave that calls OpenSSL's digest API. Every EVP
 * return value is checked and mapped to a pqce code, and the OpenSSL
 * error queue is cleared on failure so that no error state leaks to the
 * caller's thread.
 */
#include "crypto/sha2.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include "pqce.h"

int pqce_sha2_digest(pqce_sha2_alg alg, uint8_t *out, size_t out_cap, size_t *out_len,
                     const uint8_t *in, size_t in_len)
{
    const EVP_MD *md;
    unsigned int len = 0;

    if (out == NULL || out_len == NULL || (in == NULL && in_len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    switch (alg) {
    case PQCE_SHA2_224:
        md = EVP_sha224();
        break;
    case PQCE_SHA2_256:
        md = EVP_sha256();
        break;
    case PQCE_SHA2_384:
        md = EVP_sha384();
        break;
    case PQCE_SHA2_512:
        md = EVP_sha512();
        break;
    case PQCE_SHA2_512_224:
        md = EVP_sha512_224();
        break;
    case PQCE_SHA2_512_256:
        md = EVP_sha512_256();
        break;
    default:
        return PQCE_ERR_INVALID_ARG;
    }
    if (md == NULL) {
        ERR_clear_error();
        return PQCE_ERR_CRYPTO;
    }
    if ((size_t)EVP_MD_get_size(md) > out_cap) {
        return PQCE_ERR_INVALID_ARG;
    }
    /* EVP_Digest takes a size_t count; an empty message needs a valid
     * pointer. */
    static const uint8_t empty[1];
    if (EVP_Digest(in_len > 0 ? in : empty, in_len, out, &len, md, NULL) != 1) {
        ERR_clear_error();
        pqce_memzero(out, out_cap);
        return PQCE_ERR_CRYPTO;
    }
    *out_len = len;
    return PQCE_OK;
}
