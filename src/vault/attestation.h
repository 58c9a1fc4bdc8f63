/*
 * attestation.h - device attestations (pqce.h, "Device attestation";
 * docs/ATTESTATION.md): creating a signed statement. Parsing, serialising and
 * verifying are the public functions of pqce.h.
 */
#ifndef PQCE_VAULT_ATTESTATION_H
#define PQCE_VAULT_ATTESTATION_H

#include "pqce.h"

/*
 * Builds and signs a statement. fields supplies device_id, device_model,
 * enclave_vendor, artifact_id, content_sha3_256, issued_ms (0 = now) and
 * nonce; algorithm, signer_id, public_key and signature are computed here
 * from alg (65 or 87), the secret key sk (PQCE_MLDSA65/87_SK_BYTES) and the
 * public key pk. rng supplies the hedged signing randomness (NULL: OS).
 * fields->algorithm, signer_id, public_key and signature are ignored. sk
 * must belong to pk (its tr, bytes 64..127, is checked against H(pk)).
 * Errors: PQCE_ERR_INVALID_ARG (a field too long or not UTF-8 text, an
 * empty artifact id, nonce > 64 bytes, issued_ms past 9999-12-31, an
 * unknown alg, wrong key sizes, sk not pk's), PQCE_ERR_NOMEM,
 * PQCE_ERR_RANDOM, PQCE_ERR_INVALID_KEY (a corrupted sk, from signing).
 */
int pqce_attestation_create(pqce_attestation **att, const pqce_attestation_fields *fields,
                            unsigned alg, const uint8_t *sk, size_t sk_len, const uint8_t *pk,
                            size_t pk_len, const pqce_rng *rng);

#endif /* PQCE_VAULT_ATTESTATION_H */
