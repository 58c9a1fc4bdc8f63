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

/*
 * Steps 5-14 of [FIPS203, Algorithm 7] over len bytes of SHAKE128 output (a
 * multiple of 3): appends the accepted 12-bit candidates to a[n..] and
 * returns the new count, at most 256. Shared with the AVX2 sampler, which
 * finishes a polynomial with it.
 */
unsigned pqce_mlkem_sample_ntt_parse(int16_t *a, unsigned n, const uint8_t *b, size_t len);

/*
 * Rows row0 .. row0 + nrows - 1 of the matrix A-hat of [FIPS203, Algorithm
 * 13, steps 3-7], nrows*k polynomials in row-major order:
 * a[r*k + j] = A-hat[i, j] = SampleNTT(rho || j || i) with i = row0 + r, or
 * with transposed != 0 the rows of its transpose, a[r*k + j] = A-hat[j, i]
 * = SampleNTT(rho || i || j) [FIPS203, Algorithm 14, steps 4-8]. k <= 4,
 * row0 + nrows <= k. Public: see pqce_mlkem_poly_sample_ntt.
 */
void pqce_mlkem_polymat_sample(pqce_mlkem_poly *a, const uint8_t rho[32], unsigned k,
                               int transposed, unsigned row0, unsigned nrows);

/* The rows that K-PKE samples at a time: as many whole rows as fit in four
 * entries (one 4-way batch of the AVX2 code), so that at most
 * PQCE_MLKEM_MATRIX_BATCH polynomials of the matrix are held at once. It
 * divides k for every parameter set. */
#define PQCE_MLKEM_MATRIX_ROWS(k) ((k) <= 2 ? 2u : 1u)
#define PQCE_MLKEM_MATRIX_BATCH   4

/* SamplePolyCBD_eta(b) [FIPS203, Algorithm 8] for eta in {2, 3}, reading
 * 64*eta bytes. Output in [-eta, eta]. Constant time. */
void pqce_mlkem_poly_sample_cbd(pqce_mlkem_poly *f, const uint8_t *b, unsigned eta);

/* SamplePolyCBD_eta(PRF_eta(s, n)) with PRF_eta(s, n) = SHAKE256(s || n,
 * 64*eta bytes) [FIPS203, 4.1, (4.3)]. Wipes its buffers. */
void pqce_mlkem_poly_sample_noise(pqce_mlkem_poly *f, const uint8_t s[32], uint8_t n, unsigned eta);

/* f[i] = SamplePolyCBD_eta(PRF_eta(s, n + i)) for i < count: the noise
 * vectors of [FIPS203, Algorithm 13, steps 8-15 and Algorithm 14, steps
 * 9-17]. n + count <= 256. */
void pqce_mlkem_polyvec_sample_noise(pqce_mlkem_poly *f, const uint8_t s[32], uint8_t n,
                                     unsigned count, unsigned eta);

#endif /* PQCE_CRYPTO_MLKEM_SAMPLE_H */
