/*
 * kmac.h - cSHAKE and KMAC [SP800-185] on the library's Keccak sponge.
 *
 * Internal interface. The container derives every key with KMAC256 under
 * its own label. The 128-bit variants exist for validation against the
 * NIST sets, which cover both. Output of cSHAKE and KMACXOF does not depend
 * on the requested length; KMAC (non-XOF) absorbs the length L, so a
 * shorter tag is not a prefix of a longer one.
 */
#ifndef PQCE_CRYPTO_KMAC_H
#define PQCE_CRYPTO_KMAC_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/keccak.h"

/* cSHAKE128 / cSHAKE256 with function name N and customization S
 * [SP800-185, 3.3]; with N and S both empty it is SHAKE [3.3, note]. */
void pqce_cshake_init(pqce_keccak *k, uint32_t rate, const uint8_t *n, size_t n_len,
                      const uint8_t *s, size_t s_len);
/* Finalizes a sponge started by pqce_cshake_init (any N, S) and squeezes. */
void pqce_cshake_final(pqce_keccak *k, int plain_shake, uint8_t *out, size_t out_len);

/* KMAC128 / KMAC256 [SP800-185, 4.3]: init with the key and customization,
 * absorb the message with pqce_keccak_absorb, then final (absorbs
 * right_encode(8 * out_len)) or xof_final (absorbs right_encode(0)). */
void pqce_kmac_init(pqce_keccak *k, uint32_t rate, const uint8_t *key, size_t key_len,
                    const uint8_t *s, size_t s_len);
void pqce_kmac_final(pqce_keccak *k, uint8_t *out, size_t out_len);
void pqce_kmac_xof_final(pqce_keccak *k, uint8_t *out, size_t out_len);

/* One-shot KMAC256(K, X, L = 8 * out_len, S). */
void pqce_kmac256(uint8_t *out, size_t out_len, const uint8_t *key, size_t key_len,
                  const uint8_t *msg, size_t msg_len, const uint8_t *s, size_t s_len);

#endif /* PQCE_CRYPTO_KMAC_H */
