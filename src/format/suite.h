/*
 * suite.h - the container's suites [FORMAT, 3]: which KEM wraps the data
 * key, with identity and recipient handling for each.
 */
#ifndef PQCE_FORMAT_SUITE_H
#define PQCE_FORMAT_SUITE_H

#include "crypto/xwing.h"
#include "pqce.h"

#define PQCE_KEM_CT_MAX_BYTES PQCE_MLKEM1024_CT_BYTES
#define PQCE_KEM_SS_BYTES     32

typedef struct pqce_suite_info {
    uint16_t id;
    const char *name;
    size_t identity_len;  /* secret seed */
    size_t recipient_len; /* public key */
    size_t kem_ct_len;
} pqce_suite_info;

/* NULL for an unknown suite. */
const pqce_suite_info *pqce_suite_find(uint16_t suite);

/* An identity expanded for decapsulation, with its own public key. Holds
 * secrets: wipe with pqce_suite_key_wipe. */
typedef struct pqce_suite_key {
    const pqce_suite_info *suite;
    union {
        uint8_t mlkem768_dk[PQCE_MLKEM768_DK_BYTES];
        uint8_t mlkem1024_dk[PQCE_MLKEM1024_DK_BYTES];
        pqce_xwing_expanded xwing;
    } u;
    uint8_t pk[PQCE_RECIPIENT_MAX_BYTES];
} pqce_suite_key;

/* Errors: PQCE_ERR_INVALID_ARG, PQCE_ERR_UNSUPPORTED, PQCE_ERR_CRYPTO. */
int pqce_suite_key_from_identity(pqce_suite_key *key, const pqce_identity *identity);
void pqce_suite_key_wipe(pqce_suite_key *key);

/* Encapsulates to a recipient key of the suite (kem_ct_len bytes of ct).
 * Errors: PQCE_ERR_INVALID_KEY, PQCE_ERR_RANDOM, PQCE_ERR_CRYPTO. */
int pqce_suite_encaps(const pqce_suite_info *suite, const pqce_rng *rng, uint8_t *ct,
                      uint8_t ss[PQCE_KEM_SS_BYTES], const uint8_t *recipient);

/* Decapsulates; a foreign or modified ciphertext gives an unrelated secret
 * (implicit rejection), or PQCE_ERR_INVALID_KEY for a low-order X25519 part. */
int pqce_suite_decaps(const pqce_suite_key *key, uint8_t ss[PQCE_KEM_SS_BYTES], const uint8_t *ct);

#endif /* PQCE_FORMAT_SUITE_H */
