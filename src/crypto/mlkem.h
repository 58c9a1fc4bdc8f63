/*
 * mlkem.h - ML-KEM's internal entry points with an explicit implementation
 * table [FIPS203].
 *
 * The public pqce_mlkemN_* functions of pqce.h call these with
 * pqce_mlkem_impl_select() and the set's parameters. Tests call them with
 * every table of pqce_mlkem_impl_list(), so that the official vectors and
 * the constant-time test cover the portable and the AVX2 code alike, with
 * nothing switched through global state.
 *
 * Contracts, errors and zeroization are those of the public functions
 * (pqce.h); the arrays have the sizes of the set p: ek p->ek_bytes, dk
 * p->dk_bytes, ct p->ct_bytes, seed 64 bytes (d || z), m and ss 32 bytes.
 */
#ifndef PQCE_CRYPTO_MLKEM_H
#define PQCE_CRYPTO_MLKEM_H

#include <stdint.h>

#include "crypto/mlkem_impl.h"
#include "crypto/mlkem_params.h"

extern const pqce_mlkem_params pqce_mlkem512_params;
extern const pqce_mlkem_params pqce_mlkem768_params;
extern const pqce_mlkem_params pqce_mlkem1024_params;

/* pqce_mlkemN_keypair_derand: ML-KEM.KeyGen_internal(d, z) [FIPS203,
 * Algorithm 16]. Errors: PQCE_ERR_INVALID_ARG (NULL). */
int pqce_mlkem_keypair_derand_with(const pqce_mlkem_impl *impl, const pqce_mlkem_params *p,
                                   uint8_t *ek, uint8_t *dk, const uint8_t *seed);

/* pqce_mlkemN_encaps_derand: the 7.2 check and ML-KEM.Encaps_internal(ek,
 * m) [FIPS203, Algorithm 17]. Errors: PQCE_ERR_INVALID_ARG,
 * PQCE_ERR_INVALID_KEY. */
int pqce_mlkem_encaps_derand_with(const pqce_mlkem_impl *impl, const pqce_mlkem_params *p,
                                  uint8_t *ct, uint8_t *ss, const uint8_t *ek, const uint8_t *m);

/* pqce_mlkemN_decaps: the 7.3 check and ML-KEM.Decaps_internal(dk, c)
 * [FIPS203, Algorithms 18, 21]. Errors: PQCE_ERR_INVALID_ARG,
 * PQCE_ERR_INVALID_KEY. */
int pqce_mlkem_decaps_with(const pqce_mlkem_impl *impl, const pqce_mlkem_params *p, uint8_t *ss,
                           const uint8_t *ct, const uint8_t *dk);

/* pqce_mlkemN_check_ek: the modulus check of [FIPS203, 7.2]. Errors:
 * PQCE_ERR_INVALID_ARG, PQCE_ERR_INVALID_KEY. (pqce_mlkemN_check_dk uses
 * no table function.) */
int pqce_mlkem_check_ek_with(const pqce_mlkem_impl *impl, const pqce_mlkem_params *p,
                             const uint8_t *ek);

#endif /* PQCE_CRYPTO_MLKEM_H */
