/*
 * mldsa_encode.h - the bit packing of ML-DSA [FIPS204, 7.1 and 7.2]:
 * SimpleBitPack/BitPack and their inverses for each kind of polynomial,
 * HintBitPack/HintBitUnpack, on which the key and signature encodings
 * [FIPS204, Algorithms 22 to 28] of mldsa.c are built.
 *
 * Bits are little-endian: bit i of coefficient j is bit (j*b + i) of the
 * output, and bit 8m + n is bit n of byte m (BytesToBits, [FIPS204,
 * Algorithm 13]). Packing and unpacking are constant time; a packed
 * coefficient keeps only its low b bits, so an out-of-range input can
 * never disturb its neighbours. Unpacking reads exactly 32 b bytes.
 */
#ifndef PQCE_CRYPTO_MLDSA_ENCODE_H
#define PQCE_CRYPTO_MLDSA_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/mldsa_poly.h"

/* t1: SimpleBitPack(t1, 2^10 - 1), 320 bytes; coefficients in [0, 1023]. */
void pqce_mldsa_pack_t1(uint8_t out[PQCE_MLDSA_T1_POLY_BYTES], const pqce_mldsa_poly *t1);
void pqce_mldsa_unpack_t1(pqce_mldsa_poly *t1, const uint8_t in[PQCE_MLDSA_T1_POLY_BYTES]);

/* t0: BitPack(t0, 2^12 - 1, 2^12), 416 bytes; coefficients in
 * [-2^12 + 1, 2^12]. */
void pqce_mldsa_pack_t0(uint8_t out[PQCE_MLDSA_T0_POLY_BYTES], const pqce_mldsa_poly *t0);
void pqce_mldsa_unpack_t0(pqce_mldsa_poly *t0, const uint8_t in[PQCE_MLDSA_T0_POLY_BYTES]);

/* s1, s2: BitPack(s, eta, eta) with bitlen(2 eta) = eta_bits bits,
 * 32 * eta_bits bytes. Unpacking gives eta - v for a v of eta_bits bits,
 * which may lie outside [-eta, eta] for a malformed key. */
void pqce_mldsa_pack_eta(uint8_t *out, const pqce_mldsa_poly *s, unsigned eta, unsigned eta_bits);
void pqce_mldsa_unpack_eta(pqce_mldsa_poly *s, const uint8_t *in, unsigned eta, unsigned eta_bits);

/* z (and the mask y): BitPack(z, gamma1 - 1, gamma1), gamma1 = 2^gamma1_bits,
 * 32 * (gamma1_bits + 1) bytes; unpacking gives [-gamma1 + 1, gamma1]. */
void pqce_mldsa_pack_z(uint8_t *out, const pqce_mldsa_poly *z, unsigned gamma1_bits);
void pqce_mldsa_unpack_z(pqce_mldsa_poly *z, const uint8_t *in, unsigned gamma1_bits);

/* w1: SimpleBitPack(w1, (q-1)/(2 gamma2) - 1) with w1_bits bits, the
 * per-polynomial step of w1Encode [FIPS204, Algorithm 28]. */
void pqce_mldsa_pack_w1(uint8_t *out, const pqce_mldsa_poly *w1, unsigned w1_bits);

/* HintBitPack [FIPS204, Algorithm 20]: h is k polynomials with 0/1
 * coefficients and at most omega ones in all; writes omega + k bytes.
 * Branches on h: call it on a hint that is public (a final signature). */
void pqce_mldsa_pack_hint(uint8_t *out, const pqce_mldsa_poly *h, unsigned k, unsigned omega);

/* HintBitUnpack [FIPS204, Algorithm 21] of omega + k bytes into
 * h[i * 256 + j] in {0, 1}. Returns 0, or -1 for a malformed encoding
 * (an index count decreasing or above omega, indices of one polynomial
 * not strictly increasing, or non-zero padding), the "bottom" of the
 * standard. Reads only the omega + k input bytes. */
int pqce_mldsa_unpack_hint(uint8_t *h, const uint8_t *in, unsigned k, unsigned omega);

#endif /* PQCE_CRYPTO_MLDSA_ENCODE_H */
