/*
 * xwing.h - X-Wing, the ML-KEM-768 + X25519 hybrid KEM
 * [draft-connolly-cfrg-xwing-kem-10] (identical to MLKEM768-X25519 of
 * draft-irtf-cfrg-concrete-hybrid-kems).
 *
 * Internal interface of the crypto layer. The private key is a 32-byte
 * seed; it is expanded (SHAKE256 to 96 bytes: ML-KEM d || z, then the
 * X25519 scalar) into a pqce_xwing_expanded once per use, so that opening
 * an artifact with many stanzas expands it once.
 */
#ifndef PQCE_CRYPTO_XWING_H
#define PQCE_CRYPTO_XWING_H

#include <stdint.h>

#include "pqce.h"

#define PQCE_XWING_SK_BYTES    32
#define PQCE_XWING_PK_BYTES    (PQCE_MLKEM768_EK_BYTES + 32) /* 1216 */
#define PQCE_XWING_CT_BYTES    (PQCE_MLKEM768_CT_BYTES + 32) /* 1120 */
#define PQCE_XWING_SS_BYTES    32
#define PQCE_XWING_ESEED_BYTES 64

typedef struct pqce_xwing_expanded {
    uint8_t dk_m[PQCE_MLKEM768_DK_BYTES];
    uint8_t sk_x[32];
    uint8_t pk_x[32];
} pqce_xwing_expanded;

/* Expands the seed [xwing, expandDecapsulationKey]. Errors: PQCE_ERR_CRYPTO.
 * The caller wipes *exp with pqce_memzero when done. pk may be NULL. */
int pqce_xwing_expand(pqce_xwing_expanded *exp, uint8_t pk[PQCE_XWING_PK_BYTES],
                      const uint8_t sk[PQCE_XWING_SK_BYTES]);

/* pk of a seed [xwing, GenerateKeyPairDerand]. */
int pqce_xwing_public_key(uint8_t pk[PQCE_XWING_PK_BYTES], const uint8_t sk[PQCE_XWING_SK_BYTES]);

/* EncapsulateDerand [xwing]: eseed = m (32) || ek_X (32). Errors:
 * PQCE_ERR_INVALID_KEY (ML-KEM modulus check, or a low-order X25519 key),
 * PQCE_ERR_CRYPTO. */
int pqce_xwing_encaps_derand(uint8_t ct[PQCE_XWING_CT_BYTES], uint8_t ss[PQCE_XWING_SS_BYTES],
                             const uint8_t pk[PQCE_XWING_PK_BYTES],
                             const uint8_t eseed[PQCE_XWING_ESEED_BYTES]);

/* Decapsulate [xwing] with an expanded key. A modified ML-KEM part yields
 * the implicit-rejection secret; a low-order X25519 ciphertext part is
 * refused by OpenSSL and reported as PQCE_ERR_INVALID_KEY. */
int pqce_xwing_decaps(uint8_t ss[PQCE_XWING_SS_BYTES], const uint8_t ct[PQCE_XWING_CT_BYTES],
                      const pqce_xwing_expanded *exp);

#endif /* PQCE_CRYPTO_XWING_H */
