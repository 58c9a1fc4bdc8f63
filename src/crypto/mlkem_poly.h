/*
 * mlkem_poly.h - arithmetic in R_q = Z_q[X]/(X^256 + 1) and T_q for ML-KEM
 * [FIPS203, 2.4 and 4.3].
 *
 * A polynomial is 256 int16_t coefficients. Values are kept lazily: each
 * function states the range it accepts and the range it returns, and the
 * callers in mlkem.c reduce where a bound would otherwise be exceeded.
 *
 * Montgomery arithmetic uses R = 2^16: mont_reduce(a) = a * R^-1 mod q.
 * The NTT tables hold their constants multiplied by R, so that a Montgomery
 * product by a table entry is an ordinary product mod q.
 *
 * Everything here is constant time: no branch, memory index, division or
 * modulo depends on a coefficient. Compress is a multiplication by a
 * precomputed constant and a shift (the KyberSlash lesson), proven exact
 * for every x in [0, q) and every d by an exhaustive test (test_mlkem.c).
 *
 * Implementation-defined behaviour relied upon, as by every compiler this
 * project supports: conversion of an out-of-range value to a signed type
 * wraps modulo 2^N, and >> of a negative value is an arithmetic shift.
 */
#ifndef PQCE_CRYPTO_MLKEM_POLY_H
#define PQCE_CRYPTO_MLKEM_POLY_H

#include <stddef.h>
#include <stdint.h>

#include "core/cpu.h"
#include "crypto/mlkem_params.h"

_Static_assert((-1 >> 1) == -1, "arithmetic right shift of negative values");
_Static_assert((int16_t)(uint16_t)0xFFFFu == -1, "two's complement narrowing");

typedef struct pqce_mlkem_poly {
    int16_t c[PQCE_MLKEM_N];
} pqce_mlkem_poly;

#define PQCE_MLKEM_QINV      62209u /* q^-1 mod 2^16 */
#define PQCE_MLKEM_MONT_R2   1353   /* R^2 mod q: mont_mul(x, R2) = x * R */
#define PQCE_MLKEM_BARRETT_V 20159  /* round(2^26 / q) */
/* 128^-1 * R^2 mod q: a Montgomery product by it multiplies by 128^-1 * R,
 * the final scaling of [FIPS203, Algorithm 10] (3303 = 128^-1 mod q) times
 * the R that cancels basemul's R^-1. */
#define PQCE_MLKEM_INVNTT_SCALE 1441
/* Compress: floor(t / q) = (t * M) >> 35 for every t < 2^23, M = ceil(2^35 / q):
 * with M = 2^35/q + e, 0 <= e < 1, the error t*e/2^35 < 2^-12 < 1/q, and the
 * fractional part of t/q is at most (q-1)/q, so the floor never moves. */
#define PQCE_MLKEM_COMPRESS_M     10321340u
#define PQCE_MLKEM_COMPRESS_SHIFT 35

/* a * R^-1 mod q for |a| < q * 2^15; the result r satisfies |r| < q. */
static inline int16_t pqce_mlkem_mont_reduce(int32_t a)
{
    /* t = a * q^-1 mod 2^16, as a signed value; a - t*q is divisible by 2^16. */
    int16_t t = (int16_t)(uint16_t)((uint32_t)a * PQCE_MLKEM_QINV);
    return (int16_t)((a - (int32_t)t * PQCE_MLKEM_Q) >> 16);
}

/* a * b * R^-1 mod q for |a * b| < q * 2^15; |result| < q.
 *
 * The same value as mont_reduce(a * b), computed on 16-bit halves: with
 * t = lo16(a*b) * q^-1 mod 2^16, a*b and t*q agree in their low 16 bits,
 * so (a*b - t*q) >> 16 = hi16(a*b) - hi16(t*q) exactly. Written this way
 * the compiler maps a vectorized loop onto 16-bit multiply-low and
 * multiply-high instructions (SSE2 pmullw/pmulhw, NEON). */
static inline int16_t pqce_mlkem_mont_mul(int16_t a, int16_t b)
{
    const int16_t lo = (int16_t)(uint16_t)((uint32_t)(uint16_t)a * (uint16_t)b);
    const int16_t t = (int16_t)(uint16_t)((uint32_t)(uint16_t)lo * PQCE_MLKEM_QINV);
    const int16_t hi = (int16_t)(((int32_t)a * b) >> 16);
    const int16_t tq = (int16_t)(((int32_t)t * PQCE_MLKEM_Q) >> 16);
    return (int16_t)(hi - tq);
}

/* The representative of a mod q in [-(q-1)/2, (q-1)/2], for any int16_t a
 * (exhaustively tested). t = round(a / q) is computed as (a * v + 2^25) >> 26. */
static inline int16_t pqce_mlkem_barrett_reduce(int16_t a)
{
    int32_t t = ((int32_t)PQCE_MLKEM_BARRETT_V * a + (1 << 25)) >> 26;
    return (int16_t)(a - t * PQCE_MLKEM_Q);
}

/* a in (-q, q) -> a mod q in [0, q): adds q when a is negative, by mask. */
static inline uint16_t pqce_mlkem_canonical(int16_t a)
{
    int32_t x = a;
    x += (x >> 31) & PQCE_MLKEM_Q;
    return (uint16_t)x;
}

/*
 * Compress_d(x) = round((2^d / q) * x) mod 2^d for x in [0, q) and
 * 1 <= d <= 11 [FIPS203, 4.2.1, (4.7)].
 *
 * Let 2^d * x = a*q + r with 0 <= r < q. Rounding adds 1 exactly when
 * r >= (q+1)/2, i.e. when r + (q-1)/2 >= q, so the rounded value is
 * floor((2^d * x + (q-1)/2) / q), and that quotient is a multiplication and
 * a shift (see PQCE_MLKEM_COMPRESS_M): no division of a secret.
 */
static inline uint16_t pqce_mlkem_compress(uint16_t x, unsigned d)
{
    uint64_t t = ((uint64_t)x << d) + (PQCE_MLKEM_Q - 1) / 2;
    uint64_t quot = (t * PQCE_MLKEM_COMPRESS_M) >> PQCE_MLKEM_COMPRESS_SHIFT;
    return (uint16_t)(quot & ((1u << d) - 1u));
}

/*
 * Decompress_d(y) = round((q / 2^d) * y) for y in [0, 2^d) [FIPS203, 4.2.1,
 * (4.8)]: floor((q*y + 2^(d-1)) / 2^d), a shift. The result is in [0, q).
 */
static inline int16_t pqce_mlkem_decompress(uint16_t y, unsigned d)
{
    return (int16_t)(((uint32_t)y * PQCE_MLKEM_Q + (1u << (d - 1))) >> d);
}

/*
 * The NTT constants times R, as centered representatives:
 *   pqce_mlkem_zetas[i]  = 17^BitRev7(i) * R mod q        [FIPS203, Algorithms 9, 10]
 *   pqce_mlkem_gammas[i] = 17^(2*BitRev7(i) + 1) * R mod q [FIPS203, Algorithms 11, 12]
 * The factor R makes a Montgomery product by an entry an ordinary product
 * mod q. pqce_mlkem_zetas[0] is unused.
 */
extern const int16_t pqce_mlkem_zetas[128];
extern const int16_t pqce_mlkem_gammas[128];

/* NTT [FIPS203, Algorithm 9], in place. Input |f_i| < q; output |f_i| < 8q
 * (seven layers, each adding less than q). */
void pqce_mlkem_poly_ntt(pqce_mlkem_poly *f);

/* R * NTT^-1(f) [FIPS203, Algorithm 10], in place: the factor R cancels the
 * R^-1 that pqce_mlkem_polyvec_basemul_acc leaves. Input |f_i| < q; output
 * |f_i| < q. */
void pqce_mlkem_poly_invntt_mont(pqce_mlkem_poly *f);

/*
 * The products b[2i+1] * gamma_i (mod q) of [FIPS203, Algorithm 12], which
 * depend only on b. In a matrix-vector product the vector's entries meet
 * every row, so this is computed once per entry and reused (a "cache").
 */
typedef struct pqce_mlkem_mulcache {
    int16_t c[PQCE_MLKEM_N / 2];
} pqce_mlkem_mulcache;

/* x[i] = b[2i+1] * gamma_i mod q, |x[i]| < q. Input |b| < q. */
void pqce_mlkem_poly_mulcache(pqce_mlkem_mulcache *x, const pqce_mlkem_poly *b);

/* Sum over j < k of a[j] x b[j] in T_q, times R^-1 [FIPS203, Algorithms 11
 * and 12]: r = R^-1 * (a[0] o b[0] + ... + a[k-1] o b[k-1]), with
 * bx[j] = mulcache(b[j]). Accumulates the k products unreduced and reduces
 * once. Input: a in [0, q) (sampled or decoded), |b| < q, k <= 4. Output
 * |r_i| < q. */
void pqce_mlkem_polyvec_basemul_acc(pqce_mlkem_poly *r, const pqce_mlkem_poly *a,
                                    const pqce_mlkem_poly *b, const pqce_mlkem_mulcache *bx,
                                    unsigned k);

/* Barrett-reduces every coefficient to [-(q-1)/2, (q-1)/2]. */
void pqce_mlkem_poly_reduce(pqce_mlkem_poly *f);
/* Multiplies by R (Montgomery domain in, normal out): |result| < q. */
void pqce_mlkem_poly_tomont(pqce_mlkem_poly *f);
/* r = r + a, coefficient-wise, no reduction. */
void pqce_mlkem_poly_add(pqce_mlkem_poly *r, const pqce_mlkem_poly *a);
/* r = a - b, coefficient-wise, no reduction. */
void pqce_mlkem_poly_sub(pqce_mlkem_poly *r, const pqce_mlkem_poly *a, const pqce_mlkem_poly *b);

/* ByteEncode_12 [FIPS203, Algorithm 5] of f mod q; accepts any int16
 * coefficient (reduces to [0, q) first). */
void pqce_mlkem_poly_encode12(uint8_t r[PQCE_MLKEM_POLY_BYTES], const pqce_mlkem_poly *f);

/* ByteDecode_12 [FIPS203, Algorithm 6]: each 12-bit value reduced mod q,
 * giving [0, q). Returns nonzero iff some 12-bit value was >= q (then
 * ByteEncode_12(ByteDecode_12(a)) != a: the [FIPS203, 7.2] modulus check
 * fails). Constant time; the caller decides whether the flag is public. */
uint32_t pqce_mlkem_poly_decode12(pqce_mlkem_poly *r, const uint8_t a[PQCE_MLKEM_POLY_BYTES]);

#if PQCE_AVX2_COMPILED
/* The same two functions compiled for AVX2 (the AVX2 table of
 * mlkem_impl.h); only when pqce_cpu_has_avx2(). */
void pqce_mlkem_poly_encode12_avx2(uint8_t r[PQCE_MLKEM_POLY_BYTES], const pqce_mlkem_poly *f);
uint32_t pqce_mlkem_poly_decode12_avx2(pqce_mlkem_poly *r, const uint8_t a[PQCE_MLKEM_POLY_BYTES]);
#endif

/* ByteEncode_d(Compress_d(f)) [FIPS203, Algorithm 5 and 4.2.1] for d in
 * {1, 4, 5, 10, 11}: 32*d bytes. Accepts any int16 coefficient. */
void pqce_mlkem_poly_compress_encode(uint8_t *r, const pqce_mlkem_poly *f, unsigned d);

/* Decompress_d(ByteDecode_d(a)) [FIPS203, Algorithm 6 and 4.2.1] for d in
 * {1, 4, 5, 10, 11}, reading 32*d bytes. Output in [0, q). */
void pqce_mlkem_poly_decode_decompress(pqce_mlkem_poly *r, const uint8_t *a, unsigned d);

#endif /* PQCE_CRYPTO_MLKEM_POLY_H */
