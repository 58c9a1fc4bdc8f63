/*
 * mlkem_sample.h - sampling the matrix A-hat and the noise of ML-KEM
 * [FIPS203, 4.2.2].
 */
#ifndef PQCE_CRYPTO_MLKEM_SAMPLE_H
#define PQCE_CRYPTO_MLKEM_SAMPLE_H

#include <stdint.h>

#include "crypto/mlkem_poly.h"

/*
 * SampleNTT(rho || x || y) [FIPS203, Algorithm 7]: rejection sampling of a
 * uniform element of T_q from SHAKE128. A-hat[i, j] is
 * SampleNTT(rho || j || i), i.e. x = j, y = i. Output in [0, q).
 *
 * Not constant time, and need not be: rho is part of the encapsulation key,
 * so the accepted and rejected candidates are public. Callers declassify
 * rho where it was derived from a secret (KeyGen).
 */
void pqce_mlkem_poly_sample_ntt(pqce_mlkem_poly *a, const uint8_t rho[32], uint8_t x, uint8_t y);

/* SamplePolyCBD_eta(b) [FIPS203, Algorithm 8] for eta in {2, 3}, reading
 * 64*eta bytes. Output in [-eta, eta]. Constant time. */
void pqce_mlkem_poly_sample_cbd(pqce_mlkem_poly *f, const uint8_t *b, unsigned eta);

/* SamplePolyCBD_eta(PRF_eta(s, n)) with PRF_eta(s, n) = SHAKE256(s || n,
 * 64*eta bytes) [FIPS203, 4.1, (4.3)]. Wipes its buffers. */
void pqce_mlkem_poly_sample_noise(pqce_mlkem_poly *f, const uint8_t s[32], uint8_t n, unsigned eta);

#endif /* PQCE_CRYPTO_MLKEM_SAMPLE_H */
