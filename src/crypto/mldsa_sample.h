/*
 * mldsa_sample.h - pseudorandom sampling of ML-DSA [FIPS204, 7.3]:
 * ExpandA, ExpandS, ExpandMask and SampleInBall, on the Keccak sponge of
 * keccak.h (G = SHAKE128, H = SHAKE256).
 *
 * Constant time: ExpandA samples from the public seed rho and
 * SampleInBall from the commitment hash c~, which the signer declassifies
 * before calling it (mldsa.c says why). ExpandMask has no rejection.
 * ExpandS rejects half-bytes of a secret stream; see
 * pqce_mldsa_rej_bounded_poly for the one value it declassifies.
 */
#ifndef PQCE_CRYPTO_MLDSA_SAMPLE_H
#define PQCE_CRYPTO_MLDSA_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/mldsa_poly.h"

/* Row r of A-hat = ExpandA(rho) [FIPS204, Algorithm 32]: for s < l,
 * row[s] = RejNTTPoly(rho || s || r) [FIPS204, Algorithm 30]. Coefficients
 * in [0, q). */
void pqce_mldsa_expand_a_row(pqce_mldsa_poly *row, const uint8_t rho[PQCE_MLDSA_SEEDBYTES],
                             unsigned r, unsigned l);

/* RejBoundedPoly(rho' || IntegerToBytes(index, 2)) [FIPS204, Algorithm 31]:
 * entry index of (s1 || s2) = ExpandS(rho') [FIPS204, Algorithm 33].
 * Coefficients in [-eta, eta]. */
void pqce_mldsa_rej_bounded_poly(pqce_mldsa_poly *a, const uint8_t rho_prime[PQCE_MLDSA_CRHBYTES],
                                 uint16_t index, unsigned eta);

/* Entry r of y = ExpandMask(rho'', kappa) [FIPS204, Algorithm 34]:
 * BitUnpack(H(rho'' || IntegerToBytes(kappa + r, 2), 32 (1 + bitlen(gamma1 - 1))),
 * gamma1 - 1, gamma1); the caller passes kappa + r. Coefficients in
 * [-gamma1 + 1, gamma1]. */
void pqce_mldsa_expand_mask_poly(pqce_mldsa_poly *y, const uint8_t rho_pp[PQCE_MLDSA_CRHBYTES],
                                 uint16_t kappa_r, unsigned gamma1_bits);

/* SampleInBall(c~) [FIPS204, Algorithm 29]: tau coefficients +-1, the
 * rest 0, from SHAKE256 of all ctilde_len bytes of c~. */
void pqce_mldsa_sample_in_ball(pqce_mldsa_poly *c, const uint8_t *ctilde, size_t ctilde_len,
                               unsigned tau);

#endif /* PQCE_CRYPTO_MLDSA_SAMPLE_H */
